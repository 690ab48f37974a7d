"""What most changes this patient's picture: the fact from the record whose knowledge changes
the comparison most, found by comparing again without each fact in turn (a comparison takes
about a millisecond). What it changes is what the card's summary names: an option it makes
not suitable (an exclusion, a contraindication), cautions it raises, values it sets (a
coverage rule for this payer), and how far it moves the ranks.

Weights of the changes, to choose between facts: an exclusion 1000, a caution 100, a changed
value 10, each place an option moves 1. So a fact that excludes an option wins over one that
only raises cautions, and so on; ties go to the fact listed first in the FHIR report. The
answer depends only on the facts (the ruleset is immutable), so the service keeps the last few
(Cache).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Tuple

EXCLUSION, CAUTION, VALUE, RANK = 1000, 100, 10, 1


@dataclass
class Effect:
    """One change a fact makes: ``kind`` "excluded", "caution" or "value"; the option's name
    and rank (None when excluded); the text (an exclusion reason or caution in the clinician's
    words, or "coverage: covered with criteria")."""

    kind: str
    option: str
    rank: Optional[int]
    text: str
    source: Optional[str] = None


@dataclass
class KeyChange:
    """The fact that most changes the picture, its value and date as read, and its effects
    (exclusions first, then cautions and values by the option's rank)."""

    fact: str
    value: str
    date: Optional[str]
    effects: List[Effect] = field(default_factory=list)
    moved: int = 0       # places the ranks moved in all

    def score(self) -> int:
        weight = {"excluded": EXCLUSION, "caution": CAUTION, "value": VALUE}
        return sum(weight[e.kind] for e in self.effects) + RANK * self.moved


def _text(note: Mapping[str, Any]) -> str:
    text = note.get("clinician")
    return text if isinstance(text, str) and text else str(note.get("text", ""))


def _facts(report: Mapping[str, Any]) -> Dict[str, Tuple[str, Optional[str]]]:
    """fact -> (value as text, date) from the FHIR report; a set's members joined."""
    out: Dict[str, Tuple[str, Optional[str]]] = {}
    for f in report.get("facts", []):
        name, value = f.get("fact"), f.get("value")
        if not isinstance(name, str) or value is None:
            continue
        if name in out:
            out[name] = (out[name][0] + "," + str(value), out[name][1])
        else:
            out[name] = (str(value), f.get("date"))
    return out


def worded(criteria: Mapping[str, Any], c: Mapping[str, Any]) -> str:
    """A criterion's value in words: "insurance coverage: covered with criteria"."""
    crit = criteria.get(c["id"])
    label = crit.label if crit is not None else c["id"]
    if c.get("level"):
        names = {lv.id: lv.label for lv in getattr(crit, "levels", ())}
        value = names.get(c["level"], c["level"])
    elif c.get("value") is not None:
        unit = getattr(crit, "unit", None)
        value = ("%g" % c["value"]) + (" " + unit if unit else "")
    else:
        value = "unknown"
    return "%s: %s" % (label.lower(), value)


def effects(with_fact: Mapping[str, Any], without: Mapping[str, Any],
            criteria: Mapping[str, Any]) -> Tuple[List[Effect], int]:
    """What knowing the fact changes: the result with it against the result without it.
    ``criteria``: id -> CriterionInfo (to word a changed value)."""
    before = {o["id"]: o for o in without["options"]}
    out: List[Effect] = []
    moved = 0
    for o in with_fact["options"]:
        b = before.get(o["id"])
        if b is None:
            continue
        if o["excluded"] and not b["excluded"]:
            gone = {r["rule"] for r in b["reasons"]}
            reasons = [r for r in o["reasons"] if r["rule"] not in gone] or o["reasons"]
            out.append(Effect("excluded", o["name"], None, _text(reasons[0]),
                              reasons[0].get("source")))
            continue
        if o["excluded"] or b["excluded"]:
            continue
        moved += abs(o["rank"] - b["rank"])
        had = {c["rule"] for c in b["cautions"]}
        for c in o["cautions"]:
            if c["rule"] not in had:
                out.append(Effect("caution", o["name"], o["rank"], _text(c), c.get("source")))
        was = {c["id"]: c for c in b["criteria"]}
        for c in o["criteria"]:
            w = was.get(c["id"], {})
            if set(c.get("rules", [])) - set(w.get("rules", [])) and \
                    (c.get("level"), c.get("value")) != (w.get("level"), w.get("value")):
                out.append(Effect("value", o["name"], o["rank"], worded(criteria, c)))
    order = {"excluded": 0, "caution": 1, "value": 2}
    out.sort(key=lambda e: (order[e.kind], e.rank if e.rank is not None else 0))
    return out, moved


def _compare(ruleset: Any, facts: Mapping[str, str]) -> Optional[Dict[str, Any]]:
    try:
        with ruleset.compare(dict(facts)) as r:
            return r.to_dict()
    except Exception:  # noqa: BLE001 - a value the binding reads differently: no answer
        return None


class Cache:
    """The last ``size`` answers of key_change for one ruleset, by the facts compared (the
    same facts give the same answer: the ruleset is immutable). A patient's chart opened
    again, or an order selected after the chart, costs nothing. Thread-safe."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._items: "OrderedDict[Any, Optional[KeyChange]]" = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any) -> Any:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        return _MISS

    def put(self, key: Any, value: Optional[KeyChange]) -> None:
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)


_MISS = object()


def key_change(ruleset: Any, report: Mapping[str, Any], criteria: Mapping[str, Any],
               cache: Optional[Cache] = None) -> Optional[KeyChange]:
    """The fact in the FHIR ``report`` that most changes the comparison of its facts, or None
    when no single fact changes anything. Both sides of each difference are compared from
    the same facts as text, so only the fact left out can differ."""
    facts = _facts(report)
    key = tuple(sorted(facts.items(), key=lambda kv: kv[0]))
    found = cache.get(key) if cache is not None else _MISS
    if found is not _MISS:
        return found
    best = _leave_one_out(ruleset, facts, criteria)
    if cache is not None:
        cache.put(key, best)
    return best


def _leave_one_out(ruleset: Any, facts: Mapping[str, Tuple[str, Optional[str]]],
                   criteria: Mapping[str, Any]) -> Optional[KeyChange]:
    full = _compare(ruleset, {k: v for k, (v, _) in facts.items()})
    if full is None:
        return None
    best: Optional[KeyChange] = None
    for name, (value, date) in facts.items():
        without = _compare(ruleset, {k: v for k, (v, _) in facts.items() if k != name})
        if without is None:
            continue
        found, moved = effects(full, without, criteria)
        change = KeyChange(name, value, date, found, moved)
        if change.score() > 0 and (best is None or change.score() > best.score()):
            best = change
    return best
