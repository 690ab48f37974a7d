"""A result's data as plain Python, matching the JSON contract (docs/result-contract.md): the
classes Result.options and the other accessors return. Lowest of the result modules (_pack.py
builds them, result.py re-exports them), so it imports nothing of the binding.

The dataclasses' fields have the names and order of the contract's keys, so
``dataclasses.asdict(option)`` equals the option's object in ``result.to_dict()["options"]``.
OptionResult and CriterionValue compare equal by their fields' values whatever their class, so
the lazily read views of _pack.py equal the same data made any other way.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Dict, List, NamedTuple, Optional, Protocol, Union


class RulesetRef(Protocol):
    """What a Patient and a Result use of their Ruleset (ruleset.py imports patient.py and
    result.py, never the reverse)."""

    _handle: Any            # _lib.Handle of the C ruleset
    _fact_types: Dict[str, str]
    _label: str
    _strings: Any           # _pack.Strings
    _pack_size: int

    def _index(self, kind: str, id: Any) -> Optional[int]: ...


def _fields_repr(self: Any, name: str) -> str:
    return "%s(%s)" % (name, ", ".join("%s=%r" % (f.name, getattr(self, f.name))
                                       for f in dataclasses.fields(self)))


def _fields_equal(a: Any, b: Any) -> bool:
    """As a dataclass's __eq__ compares (its fields as a tuple), for any two instances."""
    names = [f.name for f in dataclasses.fields(a)]
    return tuple(getattr(a, n) for n in names) == tuple(getattr(b, n) for n in names)


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


@dataclass(eq=False, repr=False)
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

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CriterionValue):
            return NotImplemented
        return _fields_equal(self, other)

    __hash__ = None  # type: ignore[assignment]  # mutable, as a dataclass with eq

    def __repr__(self) -> str:
        return _fields_repr(self, "CriterionValue")

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


@dataclass(eq=False, repr=False)
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

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, OptionResult):
            return NotImplemented
        return _fields_equal(self, other)

    __hash__ = None  # type: ignore[assignment]  # mutable, as a dataclass with eq

    def __repr__(self) -> str:
        return _fields_repr(self, "OptionResult")

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


