"""Comparison results as plain Python data, matching the JSON contract (docs/result-contract.md).

The dataclasses' fields have the names and order of the contract's keys, so
``dataclasses.asdict(option)`` equals the option's object in ``result.to_dict()["options"]``.
"""

from __future__ import annotations

import ctypes
import dataclasses
import json
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Dict, List, NamedTuple, Optional, Union

from ._errors import KneeError, Status
from ._lib import Handle, cstr, lib, new_handle, take_string

# knee.h KNEE_AUDIENCE_*
AUDIENCE_PATIENT = 0
AUDIENCE_CLINICIAN = 1

if TYPE_CHECKING:
    from .ruleset import Ruleset


@dataclass
class Note:
    """An exclusion reason or a caution: its text, the rule that gave it, and the source the
    rule cites (or None). ``patient`` and ``clinician`` are its texts for each audience (a rule
    file may write it twice, rules/README.md; given once, both are that text); ``text`` is the
    clinician's."""

    text: str
    rule: str
    source: Optional[str]
    patient: Optional[str] = None
    clinician: Optional[str] = None


@dataclass(frozen=True)
class Texts:
    """A text of the rule file for each audience: ``patient`` in plain language, ``clinician``
    in detail with citations (the same text when the file gives it once)."""

    patient: Optional[str]
    clinician: Optional[str]


@dataclass
class UtilityRange:
    """What an unknown value is scored over: ``low``/``high`` the utilities (the interval
    policy: those of its bounds, or 0 to 1 without; a fixed utility: both equal it; None when
    the value is left out of the score), and ``value_low``/``value_high`` its plausible bounds
    from the rule file, numbers in the criterion's unit or level ids (None without bounds)."""

    low: Optional[float]
    high: Optional[float]
    value_low: Optional[Union[float, str]]
    value_high: Optional[Union[float, str]]


@dataclass
class ScoreRange:
    """An option's weighted-sum score with its unknown values at their worst (``low``) and
    best (``high``)."""

    low: float
    high: float


@dataclass
class RankRange:
    """The best and worst rank an option can take over every completion of the unknown
    values."""

    best: int
    worst: int


@dataclass
class CriterionValue:
    """One option's value on one criterion, and how it entered the score.

    ``value``/``low``/``high``: the numeric value used (typical) and its range, None for an
    ordinal or unknown value; ``level``: the ordinal level id, None for a numeric or unknown
    value; ``known``: False when the rule file marks the value unknown; ``utility``: the value
    on the criterion's absolute 0-1 scale; ``weight``: the weight this option's score gives the
    criterion (the normalised weight rescaled over the criteria the option has values for);
    ``contribution``: weight x utility; ``missing``: for an unknown value, the policy that
    scored it (``'interval'``, ``'renormalise'``, ``'worst'``, ...), None for a known one;
    ``sources``: the value's sources, then those of each rule that changed it; ``rules``: the
    rules that changed it, in the order applied; ``note``: the value's note for each audience
    (:class:`Texts`), None when it has none (a rule that sets the value drops the declared
    note); ``unknown``: True for a value with no source (``not known``); ``range``: for an
    unknown value, the :class:`UtilityRange` it is scored over (None for a known value).
    """

    id: str
    known: bool
    value: Optional[float]
    low: Optional[float]
    high: Optional[float]
    level: Optional[str]
    utility: float
    weight: float
    contribution: float
    missing: Optional[str]
    sources: List[str]
    rules: List[str]
    note: Optional[Texts] = None
    unknown: bool = False
    range: Optional[UtilityRange] = None

    @classmethod
    def from_dict(cls, d: Dict[str, Any]) -> "CriterionValue":
        """A CriterionValue from its object in the JSON contract."""
        fields = {f.name: d.get(f.name) for f in dataclasses.fields(cls)}
        if isinstance(fields["note"], dict):
            fields["note"] = Texts(fields["note"]["patient"], fields["note"]["clinician"])
        fields["unknown"] = bool(d.get("unknown", not d["known"]))
        fields["range"] = _make(UtilityRange, d["range"]) if d.get("range") else None
        return cls(**fields)


@dataclass
class UnknownRule:
    """A rule whose condition could not be decided, and the missing facts that would decide it."""

    rule: str
    facts: List[str]


@dataclass
class OptionResult:
    """One treatment option in a result.

    ``rank`` is 1-based and ``score`` the method's score (higher is better; the weighted sum
    in [0, 1] by default); both are None for an excluded option (``reasons`` says why).
    ``weighted_sum`` is the weighted-sum score whatever the method; ``metrics`` the method's
    own figures (TOPSIS ``closeness``; PROMETHEE II ``phi_plus``, ``phi_minus``, ``phi_net``;
    VIKOR ``S``, ``R``, ``Q`` and ``compromise``), None for the weighted sum; both None for an
    excluded option. ``criteria`` follows the rule file's criterion order; ``dominated_by``
    lists the options that Pareto-dominate this one; ``rules_fired`` the rules whose
    condition was true; ``unknown`` the rules that could not be decided. ``score_range`` is
    the weighted sum with the option's unknown values at their worst and best, ``rank_range``
    the best and worst rank it can take over every completion of the unknown values (both None
    for an excluded option or a method other than the weighted sum); ``tied_with`` the options
    sharing its rank (scores equal within 1e-12; a tie is listed by name).
    """

    id: str
    name: str
    rank: Optional[int]
    score: Optional[float]
    excluded: bool
    weighted_sum: Optional[float]
    metrics: Optional[Dict[str, Union[float, bool]]]
    reasons: List[Note]
    cautions: List[Note]
    criteria: List[CriterionValue]
    dominated_by: List[str]
    rules_fired: List[str]
    unknown: List[UnknownRule]
    score_range: Optional[ScoreRange] = None
    rank_range: Optional[RankRange] = None
    tied_with: List[str] = dataclasses.field(default_factory=list)

    @classmethod
    def from_dict(cls, d: Dict[str, Any]) -> "OptionResult":
        """An OptionResult from its object in the JSON contract (keys added to the contract
        after this binding was written are ignored)."""
        return cls(
            id=d["id"], name=d["name"], rank=d["rank"], score=d["score"],
            excluded=d["excluded"], weighted_sum=d.get("weighted_sum"),
            metrics=d.get("metrics"),
            reasons=[_make(Note, n) for n in d["reasons"]],
            cautions=[_make(Note, n) for n in d["cautions"]],
            criteria=[CriterionValue.from_dict(c) for c in d["criteria"]],
            dominated_by=list(d.get("dominated_by", [])),
            rules_fired=list(d["rules_fired"]),
            unknown=[_make(UnknownRule, u) for u in d["unknown"]],
            score_range=_make(ScoreRange, d["score_range"]) if d.get("score_range") else None,
            rank_range=_make(RankRange, d["rank_range"]) if d.get("rank_range") else None,
            tied_with=list(d.get("tied_with", [])))


@dataclass
class RegionalRules:
    """For one region fact: the patient's region (a lower-case ISO 3166-1 code or a group id of
    the rule file; None when not given) and the rules whose condition reads it and was true.
    No rules for a given region means the rule file has none for it: its values apply as
    written (rules/README.md, "Regions")."""

    fact: str
    value: Optional[str]
    rules: List[str]


class Ranking(NamedTuple):
    """The light form of one option's outcome (``compare_many(..., full=False)``)."""

    id: str
    rank: Optional[int]   # None when excluded
    score: Optional[float]  # None when excluded


def _make(cls: Any, d: Dict[str, Any]) -> Any:
    """cls from the keys of d that are its fields."""
    return cls(**{f.name: d[f.name] for f in dataclasses.fields(cls)})


def _num(x: float) -> Optional[float]:
    return None if math.isnan(x) else x


def _notes(r: int, i: int, count: Any, text: Any, rule: Any, source: Any,
           patient: Any) -> List[Note]:
    return [Note(text(r, i, k), rule(r, i, k), source(r, i, k), patient(r, i, k), text(r, i, k))
            for k in range(count(r, i))]


def _note(r: int, i: int, j: int) -> Optional[Texts]:
    """Option i's note on criterion j, or None."""
    clinician = lib.knee_result_value_note(r, i, j, AUDIENCE_CLINICIAN)
    if clinician is None:
        return None
    return Texts(lib.knee_result_value_note(r, i, j, AUDIENCE_PATIENT), clinician)


def _range(r: int, i: int, j: int) -> Optional[UtilityRange]:
    """The range an unknown value is scored over, or None for a known value."""
    L = lib
    lo, hi = ctypes.c_double(), ctypes.c_double()
    if not L.knee_result_utility_range(r, i, j, ctypes.byref(lo), ctypes.byref(hi)):
        return None
    out = UtilityRange(_num(lo.value), _num(hi.value), None, None)
    llo, lhi = ctypes.c_char_p(), ctypes.c_char_p()
    if L.knee_result_unknown_level_bounds(r, i, j, ctypes.byref(llo), ctypes.byref(lhi)):
        out.value_low, out.value_high = llo.value.decode(), lhi.value.decode()
    elif L.knee_result_unknown_bounds(r, i, j, ctypes.byref(lo), ctypes.byref(hi)):
        out.value_low, out.value_high = lo.value, hi.value
    return out


def _score_range(r: int, i: int) -> Optional[ScoreRange]:
    lo, hi = ctypes.c_double(), ctypes.c_double()
    if not lib.knee_result_option_score_range(r, i, ctypes.byref(lo), ctypes.byref(hi)):
        return None
    return ScoreRange(lo.value, hi.value)


def _rank_range(r: int, i: int) -> Optional[RankRange]:
    best, worst = ctypes.c_int(), ctypes.c_int()
    if not lib.knee_result_option_rank_range(r, i, ctypes.byref(best), ctypes.byref(worst)):
        return None
    return RankRange(best.value, worst.value)


def _criterion(r: int, i: int, j: int, cid: str) -> CriterionValue:
    L = lib
    return CriterionValue(
        id=cid,
        known=bool(L.knee_result_value_known(r, i, j)),
        value=_num(L.knee_result_value(r, i, j)),
        low=_num(L.knee_result_value_low(r, i, j)),
        high=_num(L.knee_result_value_high(r, i, j)),
        level=L.knee_result_value_level(r, i, j),
        utility=L.knee_result_utility(r, i, j),
        weight=L.knee_result_cell_weight(r, i, j),
        contribution=L.knee_result_contribution(r, i, j),
        missing=L.knee_result_value_missing(r, i, j),
        sources=[L.knee_result_value_source(r, i, j, k)
                 for k in range(L.knee_result_value_source_count(r, i, j))],
        rules=[L.knee_result_value_rule(r, i, j, k)
               for k in range(L.knee_result_value_rule_count(r, i, j))],
        note=_note(r, i, j),
        unknown=not L.knee_result_value_known(r, i, j),
        range=_range(r, i, j))


# The metrics knee_result_option_metric() knows besides "weighted_sum" (knee.h).
_METRICS = (b"closeness", b"phi_plus", b"phi_minus", b"phi_net", b"S", b"R", b"Q")


def _metric(r: int, i: int, name: bytes) -> Optional[float]:
    value = ctypes.c_double()
    return value.value if lib.knee_result_option_metric(r, i, name, ctypes.byref(value)) else None


def _metrics(r: int, i: int, vikor: bool) -> Optional[Dict[str, Union[float, bool]]]:
    """The method's own figures for option i, or None when it has none (the weighted sum)."""
    out: Dict[str, Union[float, bool]] = {}
    for name in _METRICS:
        value = _metric(r, i, name)
        if value is not None:
            out[name.decode()] = value
    if vikor and out:
        out["compromise"] = bool(lib.knee_result_option_in_compromise(r, i))
    return out or None


def read_options(r: int) -> List[OptionResult]:
    """Every option of the C result ``r``, through its accessors."""
    L = lib
    crit = [L.knee_result_criterion_id(r, j) for j in range(L.knee_result_criterion_count(r))]
    vikor = L.knee_result_method(r) == "vikor"
    out = []
    for i in range(L.knee_result_option_count(r)):
        excluded = bool(L.knee_result_option_excluded(r, i))
        out.append(OptionResult(
            id=L.knee_result_option_id(r, i),
            name=L.knee_result_option_name(r, i),
            rank=None if excluded else L.knee_result_option_rank(r, i),
            score=None if excluded else L.knee_result_option_score(r, i),
            excluded=excluded,
            weighted_sum=_metric(r, i, b"weighted_sum"),
            metrics=_metrics(r, i, vikor),
            reasons=_notes(r, i, L.knee_result_reason_count, L.knee_result_reason_text,
                           L.knee_result_reason_rule, L.knee_result_reason_source,
                           L.knee_result_reason_patient_text),
            cautions=_notes(r, i, L.knee_result_caution_count, L.knee_result_caution_text,
                            L.knee_result_caution_rule, L.knee_result_caution_source,
                            L.knee_result_caution_patient_text),
            criteria=[_criterion(r, i, j, cid) for j, cid in enumerate(crit)],
            dominated_by=[L.knee_result_dominator(r, i, k)
                          for k in range(L.knee_result_dominator_count(r, i))],
            rules_fired=[L.knee_result_fired_rule(r, i, k)
                         for k in range(L.knee_result_fired_count(r, i))],
            unknown=[UnknownRule(L.knee_result_unknown_rule(r, i, k),
                                 [L.knee_result_unknown_fact(r, i, k, f)
                                  for f in range(L.knee_result_unknown_fact_count(r, i, k))])
                     for k in range(L.knee_result_unknown_count(r, i))],
            score_range=_score_range(r, i),
            rank_range=_rank_range(r, i),
            tied_with=[L.knee_result_option_tied_with(r, i, k)
                       for k in range(L.knee_result_option_tie_count(r, i))]))
    return out


def read_weights(r: int) -> Dict[str, float]:
    """The normalised weights of the C result ``r``, by criterion id."""
    return {lib.knee_result_criterion_id(r, j): lib.knee_result_weight(r, j)
            for j in range(lib.knee_result_criterion_count(r))}


def read_missing_facts(r: int) -> List[str]:
    """The missing facts of the C result ``r``."""
    return [lib.knee_result_missing_fact(r, k)
            for k in range(lib.knee_result_missing_fact_count(r))]


def read_regional_rules(r: int) -> List[RegionalRules]:
    """The regional rules of the C result ``r``, one entry per region fact."""
    L = lib
    return [RegionalRules(L.knee_result_region_fact(r, k), L.knee_result_region_value(r, k),
                          [L.knee_result_regional_rule(r, k, m)
                           for m in range(L.knee_result_regional_rule_count(r, k))])
            for k in range(L.knee_result_region_count(r))]


def read_rankings(r: int) -> List[Ranking]:
    """Each option's id, rank and score from the C result ``r`` (result order)."""
    L = lib
    out = []
    for i in range(L.knee_result_option_count(r)):
        if L.knee_result_option_excluded(r, i):
            out.append(Ranking(L.knee_result_option_id(r, i), None, None))
        else:
            out.append(Ranking(L.knee_result_option_id(r, i), L.knee_result_option_rank(r, i),
                               L.knee_result_option_score(r, i)))
    return out


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

    def __init__(self, ruleset: "Ruleset", handle: Optional[Handle] = None,
                 json_text: Optional[str] = None) -> None:
        """Not for direct use: results come from Ruleset.compare() and compare_many()."""
        self.ruleset: "Ruleset" = ruleset
        self._handle = handle
        self._json = json_text
        self._dict: Optional[Dict[str, Any]] = None
        self._options: Optional[List[OptionResult]] = None
        self._closed = False

    # -- data -------------------------------------------------------------------------------

    def _check(self) -> None:
        if self._closed:
            raise KneeError(Status.EINVAL, "the result is closed")

    def _from_c(self, read: Any) -> Any:
        assert self._handle is not None
        with self._handle as r:
            return read(r)

    @property
    def options(self) -> List[OptionResult]:
        """Every option: ranked ones by rank, then excluded ones in rule-file order."""
        self._check()
        if self._options is None:
            if self._handle is not None:
                self._options = self._from_c(read_options)
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

    @property
    def weights(self) -> Dict[str, float]:
        """The normalised weights used (sum 1), by criterion id, in rule-file order."""
        self._check()
        if self._handle is None:
            return dict(self._parsed()["weights"])
        return self._from_c(read_weights)

    @property
    def missing_facts(self) -> List[str]:
        """Every fact some undecided rule needs: asking for these would sharpen the result."""
        self._check()
        if self._handle is None:
            return list(self._parsed()["missing_facts"])
        return self._from_c(read_missing_facts)

    @property
    def regional_rules(self) -> List[RegionalRules]:
        """Per region fact of the rule file, the patient's region and the regional rules that
        applied (an empty list for a given region: the file has no rule for it)."""
        self._check()
        if self._handle is None:
            return [_make(RegionalRules, d) for d in self._parsed().get("regional_rules", [])]
        return self._from_c(read_regional_rules)

    @property
    def missing_policy(self) -> str:
        """How unknown values were scored: ``'interval'`` (the default: over their plausible
        range, the score at the middle), ``'renormalise'``, ``'worst'``, ``'best'``,
        ``'neutral'`` or ``'refuse'`` (``compare(missing=...)``, else the rule file's)."""
        self._check()
        if self._handle is None:
            return str(self._parsed()["missing_policy"])
        return str(self._from_c(lib.knee_result_missing_policy))

    @property
    def method(self) -> str:
        """The aggregation method, e.g. ``'weighted-sum'``."""
        self._check()
        if self._handle is None:
            return str(self._parsed()["method"])
        return str(self._from_c(lib.knee_result_method))

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
        from .patient import Patient  # here: result.py is imported before patient.py is used
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
        self._options = self._dict = self._json = None
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
