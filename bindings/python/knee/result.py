"""Comparison results: Result, read from the C result in one packed call (_pack.py) or from
the JSON contract (docs/result-contract.md). The data classes live in _types.py; they are
re-exported here.
"""

from __future__ import annotations

import ctypes
import html
import json
from typing import Any, Callable, Dict, List, Optional

from . import _pack
from ._errors import KneeError, Status
from ._lib import Handle, cstr, lib, new_handle, take_string
from ._types import (CriterionValue, Note, OptionResult, Ranking, RankRange, RegionalRules,
                     RulesetRef, ScoreRange, Texts, UnknownRule, UtilityRange, _make)
from .patient import Patient

__all__ = ["AUDIENCE_CLINICIAN", "AUDIENCE_PATIENT", "CriterionValue", "Note", "OptionResult",
           "Ranking", "RankRange", "RegionalRules", "Result", "ScoreRange", "Texts",
           "UnknownRule", "UtilityRange", "read_json"]

# knee.h KNEE_AUDIENCE_*
AUDIENCE_PATIENT = 0
AUDIENCE_CLINICIAN = 1


def read_json(r: int) -> str:
    """The C result ``r`` as JSON text (knee_result_to_json)."""
    out, n = ctypes.c_void_p(), ctypes.c_size_t()
    lib.knee_result_to_json(r, ctypes.byref(out), ctypes.byref(n))
    return take_string(out, n.value)


class Result:
    """The comparison of every option for one patient.

    Its data is plain Python, read from the C result when first asked for: ``options``
    (ranked options by rank, then excluded ones in rule-file order), ``weights``,
    ``missing_facts``, ``method``; ``to_dict()`` and ``to_json()`` give the JSON contract of
    docs/result-contract.md exactly. A Result from :meth:`Ruleset.compare` owns a C result and
    keeps its ruleset alive until close() (or a ``with`` block) frees it; a Result from
    :meth:`Ruleset.compare_many` holds only its JSON text. Either way, after close() every
    accessor raises KneeError.
    """

    def __init__(self, ruleset: RulesetRef, handle: Optional[Handle] = None,
                 json_text: Optional[str] = None) -> None:
        """Not for direct use: results come from Ruleset.compare() and compare_many()."""
        self.ruleset = ruleset
        self._handle = handle
        self._json = json_text
        self._dict: Optional[Dict[str, Any]] = None
        self._options: Optional[List[OptionResult]] = None
        self._pack: Optional[_pack.Packed] = None
        self._closed = False

    # -- data -------------------------------------------------------------------------------

    def _check(self) -> None:
        if self._closed:
            raise KneeError(Status.EINVAL, "the result is closed")

    def _from_c(self, read: Any) -> Any:
        assert self._handle is not None
        with self._handle as r:
            return read(r)

    def _from_pack(self, read: Callable[[_pack.Packed], Any]) -> Any:
        """read(the packed result): the C result packed in one call, the first time
        (knee_result_pack); read while the C result (and so its ruleset) is held."""
        def packed(r: int) -> Any:
            if self._pack is None:
                rules = self.ruleset
                buf = _pack.pack(r, rules._pack_size, rules._strings.spares)
                rules._pack_size = max(rules._pack_size, ctypes.sizeof(buf))
                self._pack = _pack.Packed(buf, rules._strings, rules._handle)
            return read(self._pack)
        return self._from_c(packed)

    @property
    def options(self) -> List[OptionResult]:
        """Every option: ranked ones by rank, then excluded ones in rule-file order."""
        self._check()
        if self._options is None:
            if self._handle is not None:
                self._options = self._from_pack(_pack.read_options)
            else:
                self._options = [OptionResult.from_dict(o) for o in self._parsed()["options"]]
        return self._options

    @property
    def top(self) -> Optional[OptionResult]:
        """The option ranked first, or None when every option is excluded."""
        return next((o for o in self.options if not o.excluded), None)

    def option(self, option_id: str) -> OptionResult:
        """The option with this id (KeyError if the rule file has none)."""
        for o in self.options:
            if o.id == option_id:
                return o
        raise KeyError(option_id)

    def rate(self, option_id: str, criterion_id: str) -> Optional[Dict[str, Any]]:
        """The rate a source gives for the option's value on the criterion, as ``{"value": 10,
        "per": 100, "text": "people ...", "source": "step9-24"}`` ("about 10 in 100 people ..."),
        or None: none given, or a rule changed the value for this patient (rules/README.md,
        "Rates"; knee_result_value_rate, since 0.3). KeyError for an unknown id."""
        # the option's index in result order; the criterion's in rule-file order
        i = next((k for k, o in enumerate(self.options) if o.id == option_id), None)
        if i is None:
            raise KeyError(option_id)
        if self._handle is None:    # JSON only: its ruleset may be freed; criteria as parsed
            ids = [c.id for c in self.options[i].criteria]
            if criterion_id not in ids:
                raise KeyError(criterion_id)
            return self._parsed()["options"][i]["criteria"][ids.index(criterion_id)].get("rate")

        def read(r: int) -> Optional[Dict[str, Any]]:
            j = self.ruleset._index("criterion", criterion_id)  # r keeps its ruleset alive
            if j is None:
                raise KeyError(criterion_id)
            value, per = ctypes.c_int(), ctypes.c_int()
            text, source = ctypes.c_char_p(), ctypes.c_char_p()
            if not lib.knee_result_value_rate(r, i, j, ctypes.byref(value), ctypes.byref(per),
                                              ctypes.byref(text), ctypes.byref(source)):
                return None
            return {"value": value.value, "per": per.value,
                    "text": (text.value or b"").decode("utf-8", "replace"),
                    "source": (source.value or b"").decode("utf-8", "replace")}
        return self._from_c(read)

    @property
    def weights(self) -> Dict[str, float]:
        """The normalised weights used (sum 1), by criterion id, in rule-file order."""
        self._check()
        if self._handle is None:
            return dict(self._parsed()["weights"])
        return self._from_pack(_pack.Packed.weights)

    @property
    def missing_facts(self) -> List[str]:
        """Every fact some undecided rule needs: asking for these would sharpen the result."""
        self._check()
        if self._handle is None:
            return list(self._parsed()["missing_facts"])
        return self._from_pack(_pack.Packed.missing_facts)

    @property
    def regional_rules(self) -> List[RegionalRules]:
        """Per region fact of the rule file, the patient's region and the regional rules that
        applied (an empty list for a given region: the file has no rule for it)."""
        self._check()
        if self._handle is None:
            return [_make(RegionalRules, d) for d in self._parsed().get("regional_rules", [])]
        return self._from_pack(_pack.read_regional_rules)

    @property
    def missing_policy(self) -> str:
        """How unknown values were scored: ``'interval'`` (the default: over their plausible
        range, the score at the middle), ``'renormalise'``, ``'worst'``, ``'best'``,
        ``'neutral'`` or ``'refuse'`` (``compare(missing=...)``, else the rule file's)."""
        self._check()
        if self._handle is None:
            return str(self._parsed()["missing_policy"])
        return str(self._from_pack(_pack.Packed.missing_policy))

    @property
    def method(self) -> str:
        """The aggregation method, e.g. ``'weighted-sum'``."""
        self._check()
        if self._handle is None:
            return str(self._parsed()["method"])
        return str(self._from_pack(_pack.Packed.method))

    @property
    def smaa(self) -> Optional[Dict[str, Any]]:
        """The SMAA-2 analysis (``compare(..., smaa=N)``) as in the JSON contract: samples,
        seed, and per ranked option its rank acceptabilities, central weights and confidence;
        None when it was not asked for."""
        return self.to_dict().get("smaa")

    @property
    def sensitivity(self) -> Optional[Dict[str, Any]]:
        """The winner's weight sensitivity (``compare(..., sensitivity=True)``) as in the JSON
        contract: winner, margin, fragile, each criterion's weight interval, the smallest
        single-weight change that changes the winner; None when it was not asked for."""
        return self.to_dict().get("sensitivity")

    def why(self, a: str, b: str) -> Dict[str, Any]:
        """Why option ``a`` ranks where it does against option ``b``: each criterion's part in
        the weighted-sum difference, for and against, and apart from them the criteria where
        a value is unknown, with the range of the difference (``unknown``: it may favour
        either, so it never counts for one) (knee_result_why). Only for a Result of
        :meth:`Ruleset.compare` (a compare_many result holds no C result)."""
        self._check()
        if self._handle is None:
            raise KneeError(Status.EINVAL, "why() needs a result of compare(), not compare_many()")

        def read(r: int) -> Dict[str, Any]:
            index = {lib.knee_result_option_id(r, i): i
                     for i in range(lib.knee_result_option_count(r))}
            for option in (a, b):
                if option not in index:
                    raise KneeError(Status.EUNKNOWN, "unknown option '%s'" % option)
            out = ctypes.c_void_p()
            lib.knee_result_why(r, index[a], index[b], ctypes.byref(out))
            return json.loads(take_string(out))
        return self._from_c(read)

    def to_json(self) -> str:
        """The result as the JSON text libknee writes (knee_result_to_json), unchanged."""
        self._check()
        if self._json is None:
            self._json = self._from_c(read_json)
        return self._json

    def to_html(self, patient: Any = None, date: Any = None, audience: str = "clinician",
                options: Any = None) -> str:
        """The result as the decision-aid report: one self-contained HTML page (no scripts, no
        network, prints on A4 and Letter) (knee_result_to_html, docs/report.md). ``patient``:
        the :class:`Patient` the result was computed for, or its facts as a dict, listed as the
        facts used (None: not listed). ``date``: the report's date, a str or a
        ``datetime.date`` (None: "not given"; the library never reads the clock).
        ``audience``: "clinician" (the full page, as the C library's default) or "patient"
        (the short page in plain words; the default of ``knee report``). ``options``: option
        ids the patient page shows beside the top ones (at most 5). Only for a Result of
        :meth:`Ruleset.compare`."""
        self._check()
        if self._handle is None:
            raise KneeError(Status.EINVAL,
                            "to_html() needs a result of compare(), not compare_many()")
        if date is not None and not isinstance(date, str) and hasattr(date, "isoformat"):
            date = date.isoformat()
        owned = None
        if patient is not None and not isinstance(patient, Patient):
            patient = owned = Patient(self.ruleset, patient)
        opts = new_handle(lib.knee_report_options_new, lib.knee_report_options_free,
                          "report options")
        try:
            with opts as o:
                if date is not None:
                    lib.knee_report_options_set_date(o, cstr(date, "the report date"))
                if audience not in ("patient", "clinician"):
                    raise KneeError(Status.EINVAL, "audience is 'patient' or 'clinician', not %r"
                                    % (audience,))
                lib.knee_report_options_set_audience(o, 0 if audience == "patient" else 1)
                for oid in ([options] if isinstance(options, str) else options or ()):
                    lib.knee_report_options_add_option(o, cstr(oid, "an option id"))

                def read(r: int) -> str:
                    out, n = ctypes.c_void_p(), ctypes.c_size_t()
                    if patient is None:
                        lib.knee_result_to_html(r, None, o, ctypes.byref(out), ctypes.byref(n))
                    else:
                        with patient._handle as p:
                            lib.knee_result_to_html(r, p, o, ctypes.byref(out),
                                                    ctypes.byref(n))
                    return take_string(out, n.value)
                return self._from_c(read)
        finally:
            opts.close()
            if owned is not None:
                owned.close()

    def to_frame(self) -> Any:
        """The options as a pandas DataFrame (pandas imported only now), one row per option in
        result order, indexed by option id: ``name``, ``rank`` (Int64, <NA> when excluded),
        ``score``, ``score_low``, ``score_high`` (NaN: none), ``best_rank``, ``worst_rank``
        (Int64), ``excluded``, ``tied_with`` and ``cautions`` (lists: option ids, the
        cautions' texts for the clinician), ``unknown`` (list: the criteria whose value is not
        known for the option), then one column per criterion (its id) with the option's utility
        on it, NaN where the value is unknown: the utility the score counted for it is a
        stand-in (the missing policy's), and a stand-in must not read as a measurement; its
        effect is in score_low/score_high. The same first columns as Ruleset.compare_frame's
        per option."""
        from . import _frame
        numpy, pandas = _frame.modules()
        options = self.options
        nan = float("nan")

        def ints(values: List[Optional[int]]) -> Any:
            return pandas.array(values, dtype="Int64")
        data: Dict[str, Any] = {
            "name": [o.name for o in options],
            "rank": ints([o.rank for o in options]),
            "score": [nan if o.score is None else o.score for o in options],
            "score_low": [o.score_range.low if o.score_range else nan for o in options],
            "score_high": [o.score_range.high if o.score_range else nan for o in options],
            "best_rank": ints([o.rank_range.best if o.rank_range else None for o in options]),
            "worst_rank": ints([o.rank_range.worst if o.rank_range else None for o in options]),
            "excluded": [o.excluded for o in options],
            "tied_with": [list(o.tied_with) for o in options],
            "cautions": [[n.text for n in o.cautions] for o in options],
            "unknown": [[c.id for c in o.criteria if not c.known] for o in options],
        }
        for j, criterion in enumerate(self.weights):
            data[criterion] = [o.criteria[j].utility if o.criteria[j].known else nan
                               for o in options]
        frame = pandas.DataFrame(data, index=pandas.Index([o.id for o in options],
                                                          name="option"))
        return frame

    def _repr_html_(self) -> str:
        """A compact ranked table for notebooks (Jupyter calls it): rank (``1=`` for a tie),
        option, score with its range over the unknown values, the rank range, and the
        cautions; then the excluded options with the reason; every text escaped."""
        if self._closed:
            return "<p>knee.Result (closed)</p>"
        e = html.escape
        options = self.options
        ranged = any(o.score_range for o in options)
        # a range stays on one line: "0.739-" above "0.823" reads as two numbers
        td, span = "<td>%s</td>", '<td style="white-space:nowrap">%s&ndash;%s</td>'
        rows = []
        for o in options:
            if o.excluded:
                why = "; ".join(n.text for n in o.reasons) or "excluded"
                rows.append('<tr><td>&ndash;</td><td>%s</td><td colspan="%d"><i>excluded: %s'
                            '</i></td></tr>' % (e(o.name), 4 if ranged else 2, e(why)))
                continue
            cells = [td % ("%d%s" % (o.rank, "=" if o.tied_with else "")), td % e(o.name),
                     td % ("%.3f" % o.score)]
            if ranged:
                r, k = o.score_range, o.rank_range
                low, high = ("%.3f" % r.low, "%.3f" % r.high) if r else ("", "")
                # a range that rounds to one figure is shown as none, not "0.692-0.692"
                cells.append(td % "" if low == high else span % (low, high))
                if k is None or k.best == k.worst:   # a rank the unknowns cannot move: itself
                    cells.append(td % ("" if k is None else k.best))
                else:
                    cells.append(span % (k.best, k.worst))
            cells.append(td % "<br>".join(e(n.text) for n in o.cautions))
            rows.append("<tr>%s</tr>" % "".join(cells))
        head = ["rank", "option", "score"] + (["score range", "rank range"] if ranged else []) \
            + ["cautions"]
        caption = "%s &middot; %s &middot; unknown values: %s" % (
            e(self.ruleset._label), e(self.method), e(self.missing_policy))
        missing = self.missing_facts
        if missing:   # by id: what a notebook user passes to compare() (labels run long)
            caption += " &middot; asking for %s would sharpen it" % e(", ".join(missing))
        return ('<table class="knee-result"><caption style="text-align:left">%s</caption>'
                "<thead><tr>%s</tr></thead><tbody>%s</tbody></table>"
                % (caption, "".join("<th>%s</th>" % h for h in head), "".join(rows)))

    def to_dict(self) -> Dict[str, Any]:
        """The JSON contract as Python data: ``json.loads(self.to_json())``. A new dict each
        call, so changing it does not change the result."""
        return json.loads(self.to_json())

    def _parsed(self) -> Dict[str, Any]:
        """The JSON contract, parsed once (for a Result that holds only its JSON text)."""
        if self._dict is None:
            self._dict = self.to_dict()
        return self._dict

    # -- lifetime ---------------------------------------------------------------------------

    @property
    def closed(self) -> bool:
        """True once close() was called."""
        return self._closed

    def close(self) -> None:
        """Free the C result and the data read from it. Idempotent."""
        self._closed = True
        self._options = self._dict = self._json = self._pack = None
        if self._handle is not None:
            self._handle.close()

    def __enter__(self) -> "Result":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        if self._closed:
            return "<knee.Result (closed)>"
        ranked = ", ".join("%d%s %s %.3f" % (o.rank, "=" if o.tied_with else ".", o.id, o.score)
                           for o in self.options if not o.excluded)
        return "<knee.Result %s: %s>" % (self.ruleset._label, ranked or "every option excluded")
