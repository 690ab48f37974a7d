"""Patients: typed facts and preference weights, checked against a ruleset's declarations."""

from __future__ import annotations

import ctypes
import json
import math
import numbers
import os
from typing import Any, Dict, Iterable, Mapping, Optional, Sequence, Union

from ._errors import PatientError, Status, load_message
from ._lib import (Handle, Options, cstr, data_arg, diagnostics, lib, new_handle, path_arg,
                   take_string)
from ._types import RulesetRef
from ._values import BOOL, NUMBER, TEXT, UNKNOWN, read

#: A fact value, read as _values.read() says (docs/python.md, "How values are read"): a number
#: (number and integer facts; 1 and 0 for a boolean one), a bool, a str (read by the fact's
#: declared type as the knee command reads it: "72", "yes", "a,b"; "" is unknown), a
#: collection of str (a set fact), or None or NaN (unknown); numpy and pandas values too.
FactValue = Union[None, bool, int, float, str, Iterable[str]]
Facts = Mapping[str, FactValue]
Weights = Mapping[str, float]

_SCHEMES = {"roc": 0, "rank-sum": 1}  # KNEE_RANKING_ROC, KNEE_RANKING_RANK_SUM


def set_fact(p: int, types: Mapping[str, str], fact: str, value: FactValue) -> None:
    """Set one fact on the C patient ``p``, read from ``value`` as _values.read() reads it;
    ``types`` maps the ruleset's fact ids to their declared types."""
    name = cstr(fact, "a fact name", PatientError)
    try:
        kind, data = read(fact, types.get(fact), value)
    except PatientError as e:
        reading = getattr(e, "reading", None)
        if reading is None:
            raise
        # A value of the wrong kind: its own kind's C setter refuses it, saying what the fact
        # takes; it changes nothing.
        kind, data = reading
        if kind == NUMBER:
            lib.knee_patient_set_number(p, name, data)
        elif kind == BOOL:
            lib.knee_patient_set_bool(p, name, int(data))
        else:
            lib.knee_patient_add_to_set(p, name, data[0] if data else b"-")
        raise
    if kind == UNKNOWN:
        lib.knee_patient_unset(p, name)
    elif kind == NUMBER:
        lib.knee_patient_set_number(p, name, data)
    elif kind == BOOL:
        lib.knee_patient_set_bool(p, name, int(data))
    elif kind == TEXT:
        lib.knee_patient_set_text(p, name, data)
    else:
        # One member at a time, so that a member may contain a comma.
        lib.knee_patient_unset(p, name)
        try:
            for m in data:
                lib.knee_patient_add_to_set(p, name, m)
            if not data:  # known and empty: a set text with no members
                lib.knee_patient_set_text(p, name, b",")
        except PatientError:
            lib.knee_patient_unset(p, name)  # never half set: unknown
            raise


def weight_args(criterion: Any, weight: Any) -> tuple[bytes, float]:
    """The C arguments of one weight: the criterion name and the weight as a double (a number
    too large for one becomes inf, which the C setter refuses). Shared by patients and batches."""
    name = cstr(criterion, "a criterion name", PatientError)
    if isinstance(weight, bool) or not isinstance(weight, numbers.Real):
        raise PatientError(Status.EWEIGHT, "criterion '%s': a weight must be a number, not %s"
                           % (criterion, type(weight).__name__))
    try:
        return name, float(weight)
    except OverflowError:
        return name, math.inf


def set_weight(p: int, criterion: str, weight: float) -> None:
    """Set one preference weight on the C patient ``p``."""
    lib.knee_patient_set_weight(p, *weight_args(criterion, weight))


def apply(p: int, types: Mapping[str, str], facts: Optional[Facts],
          weights: Optional[Weights]) -> None:
    """Set every fact and weight given on the C patient ``p`` (``types``: as for set_fact)."""
    for fact, value in items(facts, "facts", Status.ETYPE):
        set_fact(p, types, fact, value)
    for criterion, weight in items(weights, "weights", Status.EWEIGHT):
        set_weight(p, criterion, weight)


def items(mapping: Any, what: str, code: int) -> Any:
    """mapping.items() (nothing for None); PatientError(code) when it is not a mapping."""
    if mapping is None:
        return ()
    try:
        return mapping.items()
    except AttributeError:
        raise PatientError(code, "%s must be a mapping (a dict), not %s"
                           % (what, type(mapping).__name__)) from None


class Patient:
    """A patient for one ruleset: facts and per-criterion preference weights.

    Every setter checks the value against the rule file's declaration and raises
    :class:`PatientError` with the reason (unknown fact, wrong type, out of range, not an
    allowed value, bad weight). A Patient keeps its ruleset alive. Use it from one thread at a
    time (uses are serialised by a lock); close it with close() or a ``with`` block.

    Most code does not need a Patient: ``ruleset.compare(facts, weights)`` makes one. Use it to
    load a patient file, or to change a few facts between comparisons.
    """

    def __init__(self, ruleset: RulesetRef, facts: Optional[Facts] = None,
                 weights: Optional[Weights] = None) -> None:
        """A patient for ``ruleset`` with the given facts and weights (see :meth:`set`)."""
        with ruleset._handle as rs:
            self._handle = new_handle(lib.knee_patient_new, lib.knee_patient_free, "patient", rs,
                                      exclusive=True, parent=ruleset._handle)
        self.ruleset = ruleset
        try:
            self.update(facts, weights)
        except BaseException:
            self.close()
            raise

    def set(self, fact: str, value: FactValue) -> None:
        """Set a fact, reading ``value`` as docs/python.md ("How values are read") says:
        int/float: a number or integer fact (1 and 0: a boolean one too); bool: a boolean fact;
        str: parsed by the fact's declared type as the knee command parses it ("72",
        "yes"/"no", any text, "a,b" for a set; "" is unknown); a list, tuple or set of str: a
        set fact's members (``[]`` = known to be empty); None or NaN: unknown. On failure the
        fact keeps its old value (a set fact becomes unknown)."""
        with self._handle as p:
            set_fact(p, self.ruleset._fact_types, fact, value)

    def update(self, facts: Optional[Facts] = None, weights: Optional[Weights] = None) -> None:
        """Set several facts and weights, in order; stops at the first error."""
        with self._handle as p:
            apply(p, self.ruleset._fact_types, facts, weights)

    def unset(self, fact: str) -> None:
        """Make a fact unknown again."""
        self.set(fact, None)

    def has(self, fact: str) -> bool:
        """True if the patient has a value for ``fact``."""
        name = cstr(fact, "a fact name", PatientError)
        with self._handle as p:
            status = lib.knee_patient_has(p, name)
        if status < 0:
            raise PatientError(status, "fact '%s': %s" % (fact, lib.knee_strerror(status)))
        return bool(status)

    def set_weight(self, criterion: str, weight: float) -> None:
        """Set the preference weight of one criterion (finite, >= 0); it overrides the rule
        file's default. Weights are normalised to sum 1 at comparison."""
        with self._handle as p:
            set_weight(p, criterion, weight)

    def set_swing(self, criterion: str, points: float) -> None:
        """Set a criterion's weight as swing points, 0-100 (100 for the swing that matters
        most; only the ratios matter)."""
        if isinstance(points, bool) or not isinstance(points, numbers.Real):
            raise PatientError(Status.EWEIGHT, "criterion '%s': swing points must be a number, "
                               "not %s" % (criterion, type(points).__name__))
        with self._handle as p:
            lib.knee_patient_set_swing(p, *weight_args(criterion, points))

    def rank_criteria(self, criteria: Sequence[str], scheme: str = "roc") -> None:
        """Set every weight from the patient's ranking of what matters most (``criteria[0]``
        first): ``scheme`` ``'roc'`` (rank-order centroid) or ``'rank-sum'``. Criteria not
        ranked share the weights of the places after the last ranked one. On error (a
        criterion unknown or given twice) the patient is unchanged."""
        if scheme not in _SCHEMES:
            raise PatientError(Status.EINVAL, "unknown ranking scheme %r (schemes: %s)"
                               % (scheme, ", ".join(_SCHEMES)))
        if isinstance(criteria, (str, bytes)):
            raise PatientError(Status.EINVAL, "criteria must be a list of criterion ids, not "
                               "one %s" % type(criteria).__name__)
        ids = [cstr(c, "a criterion name", PatientError) for c in criteria]
        with self._handle as p:
            lib.knee_patient_rank_criteria(p, (ctypes.c_char_p * len(ids))(*ids), len(ids),
                                           _SCHEMES[scheme])

    def clear(self) -> None:
        """Forget every fact and weight."""
        with self._handle as p:
            lib.knee_patient_clear(p)

    def load(self, path: Union[str, "os.PathLike[str]"],
             limits: Optional[Mapping[str, int]] = None) -> None:
        """Read a patient XML file (docs/patient-format.md) into this patient. All or nothing:
        on failure the patient is unchanged and PatientError.diagnostics lists every problem."""
        cpath = path_arg(path, "the patient file's path")
        self._load(lambda p, o, d: lib.knee_patient_load_file(p, cpath, o, d),
                   "patient file '%s'" % os.fspath(path), limits)

    def load_string(self, xml: Union[str, bytes], name: Optional[str] = None,
                    limits: Optional[Mapping[str, int]] = None) -> None:
        """As :meth:`load`, from the text of a patient file; ``name`` is used in diagnostics."""
        data = data_arg(xml, "the patient file's text")
        cname = None if name is None else cstr(name, "name", PatientError)
        self._load(lambda p, o, d: lib.knee_patient_load_memory(p, data, len(data), cname, o, d),
                   "patient '%s'" % (name or "<memory>"), limits)

    def load_fhir(self, data: Union[str, bytes, Mapping[str, Any]], as_of: str,
                  name: Optional[str] = None,
                  limits: Optional[Mapping[str, int]] = None) -> Dict[str, Any]:
        """Read facts from FHIR R4 data through the rule file's <fhir> mapping (docs/fhir.md)
        and return the FHIR report as a dict (facts with their resources, missing facts,
        ignored resources, warnings). ``data``: JSON or XML text or bytes (a Bundle, a
        resource, a CDS Hooks prefetch object or request), or a parsed JSON object.
        ``as_of``: the evaluation date, "YYYY-MM-DD". All or nothing: raises PatientError
        and leaves the patient unchanged on failure."""
        if isinstance(data, Mapping):
            raw = json.dumps(data).encode("utf-8")
        else:
            raw = data_arg(data, "the FHIR data")
        cname = None if name is None else cstr(name, "name", PatientError)
        casof = cstr(as_of, "as_of", PatientError)
        report = ctypes.c_void_p()
        self._load(lambda p, o, d: lib.knee_patient_load_fhir(p, raw, len(raw), cname, casof, o,
                                                              ctypes.byref(report), d),
                   "FHIR data '%s'" % (name or "<memory>"), limits)
        try:
            out, n = ctypes.c_void_p(), ctypes.c_size_t()
            lib.knee_fhir_report_to_json(report, ctypes.byref(out), ctypes.byref(n))
            return dict(json.loads(take_string(out, n.value)))
        finally:
            lib.knee_fhir_report_free(report)

    def _load(self, call: Any, what: str, limits: Optional[Mapping[str, int]]) -> None:
        diag = ctypes.c_void_p()
        with self._handle as p, Options(limits) as opts:
            try:
                status = call(p, opts, ctypes.byref(diag))
                found = diagnostics(diag.value)
                reason = lib.knee_patient_errmsg(p) or lib.knee_strerror(status)
            finally:
                lib.knee_diag_free(diag)
        if status < 0:
            raise PatientError(status, load_message(what, status, reason if not found else
                                                    lib.knee_strerror(status), found), found)

    @property
    def closed(self) -> bool:
        """True once close() was called."""
        return self._handle.closed

    def close(self) -> None:
        """Free the C patient. Idempotent; using a closed patient raises KneeError."""
        self._handle.close()

    def __enter__(self) -> "Patient":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return "<knee.Patient for %s%s>" % (self.ruleset._label, " (closed)" if self.closed else "")
