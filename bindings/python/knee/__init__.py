"""knee: compare knee-osteoarthritis treatment options from Python, over the libknee C library.

>>> import knee
>>> with knee.Ruleset.default() as rules:
...     result = rules.compare({"age": 72, "kl_grade": 4, "payer": "medicare"})
...     result.top.id
'pt'

A thin layer over libknee's C API (ctypes, standard library only): the same rule files, the
same results (``Result.to_json()`` is the C library's JSON, docs/result-contract.md), every
failure a :class:`KneeError`. The library is found through ``LIBKNEE_PATH``, a copy inside
the package (``knee/libknee.so.0``), ``ctypes.util.find_library``, or the SONAME.
"""

from __future__ import annotations

from typing import Dict

from ._errors import (Diagnostic, KneeError, KneeTypeError, KneeValueError, LoadError, PatientError,
                      Status)
from ._lib import EXPECTED_MAJOR, LIMITS, lib, library_path
from .patient import FactValue, Facts, Patient, Weights
from .result import (CriterionValue, Note, OptionResult, Ranking, RankRange, RegionalRules, Result,
                     ScoreRange, Texts, UnknownRule, UtilityRange)
from .ruleset import (METHODS, MISSING_POLICIES, CaseReport, CriterionInfo, FactInfo, Level,
                      OptionInfo, Ruleset, SourceInfo, check)

__version__ = "0.2.0"

#: The version of the libknee library loaded, e.g. ``'0.2.0'``.
library_version: str = lib.knee_version_string()


def default_limits() -> Dict[str, int]:
    """The default input limits, by name (the names ``limits=`` arguments accept)."""
    return {name: lib.knee_options_get_limit(None, i) for i, name in enumerate(LIMITS)}


__all__ = [
    "CaseReport", "CriterionInfo", "CriterionValue", "Diagnostic", "EXPECTED_MAJOR",
    "FactInfo", "FactValue", "Facts", "KneeError", "KneeTypeError", "KneeValueError", "LIMITS",
    "Level", "LoadError", "METHODS", "Note", "OptionInfo", "OptionResult", "Patient",
    "PatientError", "Ranking", "RegionalRules", "Result", "Ruleset", "SourceInfo", "Status",
    "Texts", "UnknownRule", "Weights", "check", "default_limits", "library_path",
    "library_version",
    # unknown values as ranges, ties (since 0.3)
    "MISSING_POLICIES", "RankRange", "ScoreRange", "UtilityRange",
]
