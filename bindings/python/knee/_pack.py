"""Reading a C result in one call: knee_result_pack writes the whole result into one buffer of
8-byte slots (docs/result-contract.md, "The packed result"), and this module turns the buffer
into the Result's Python data. The strings in it are addresses of the ruleset's own strings,
valid while the ruleset lives, so each is decoded once per ruleset (``strings``, an address ->
str cache the Ruleset keeps) and the thousand or so ctypes calls of reading a result one value
at a time become one.
"""

from __future__ import annotations

import ctypes
import dataclasses
import struct
from typing import Any, Callable, Dict, List, Optional, Tuple

from ._errors import KneeError, Status
from ._lib import Handle, lib
from ._types import (CriterionValue, Note, OptionResult, RankRange, RegionalRules, ScoreRange,
                     Texts, UnknownRule, UtilityRange)

#: The packed layout this module reads (KNEE_PACK_VERSION); a later one only adds slots.
VERSION = 1
_HEADER = struct.Struct("=20q")
# One option: id, name, index, rank, excluded, score, weighted sum, score low, high, best rank,
# worst rank, metrics mask, 7 metrics, in compromise, then six lists (count, offset): reasons,
# cautions, rules fired, unknown rules, dominators, ties.
_OPTION = struct.Struct("=QQqqqddddqqq7dq12q")
# One option and criterion: known, value, low, high, level, utility, weight, contribution,
# missing policy, sources and rules (lists), clinician and patient notes, utility range (has,
# low, high), unknown bounds (kind: 0 none, 1 numbers, 2 levels; then the two bounds).
_CELL = struct.Struct("=qdddQdddQqqqqQQqddqdd")
_METRICS = ("closeness", "phi_plus", "phi_minus", "phi_net", "S", "R", "Q")


#: Spare buffers kept per ruleset (Strings.spares).
_SPARES_MAX = 4


def _buffer(size: int) -> Any:
    return (ctypes.c_uint64 * max((size + 7) // 8, 1))()


def pack(r: int, size_hint: int, spares: List[Any]) -> Any:
    """The packed form of the C result r: a ctypes array of 8-byte slots (one C call when the
    buffer is big enough, else two). The buffer is a spare one of a result read before whose
    views are gone (Packed.__del__), else a new one of size_hint bytes: a new 46 KB buffer
    is zeroed and written cold each time (about 2 us of a read of the default rules)."""
    size = ctypes.c_size_t()
    try:
        buf = spares.pop()
    except IndexError:
        buf = _buffer(size_hint)
    for _ in range(2):
        rc = lib.knee_result_pack(r, buf, ctypes.sizeof(buf), ctypes.byref(size))
        if rc == 0:
            return buf
        if rc != Status.ERANGE:
            raise KneeError(rc, lib.knee_strerror(rc))
        buf = _buffer(size.value)
    raise KneeError(Status.ERANGE, "the packed result did not fit")  # pragma: no cover


class Strings(dict):
    """A ruleset's strings by address (0: None), each decoded the first time it is met: the
    strings of a packed result live as long as the ruleset, so a dict lookup reads them. It
    also keeps what else the ruleset's packed results share (below)."""

    def __init__(self) -> None:
        super().__init__({0: None})
        # Texts (frozen, so shared) by the addresses of their two strings: a criterion's
        # note repeats in every result, and making a frozen dataclass is slow.
        self.texts: Dict[Tuple[int, int], Any] = {}
        # Buffers of packed results no longer read, for the next (pack, Packed.__del__).
        self.spares: List[Any] = []
        # The criterion ids, the same in every result of the ruleset (Packed.ids).
        self.ids: Optional[List[Optional[str]]] = None

    def __missing__(self, addr: int) -> str:
        text = self[addr] = ctypes.string_at(addr).decode("utf-8", "replace")
        return text


class Packed:
    """A packed result, read: its header, string lookup through the ruleset's cache, and the
    slots decoded on demand. It holds the C ruleset (released when it is collected), so the
    strings its lazy fields decode stay valid even after Ruleset.close(). Every view of the
    result holds it, so when it is collected nothing reads its buffer any more: the buffer
    is then kept for the ruleset's next packed result."""

    __slots__ = ("raw", "h", "strings", "ids", "_rules", "_buf")

    def __init__(self, buf: Any, strings: Strings, rules: Handle) -> None:
        self.strings = strings
        self._rules: Optional[Handle] = None
        self._buf: Any = None   # kept for reuse once read right (set last)
        self.raw = memoryview(buf).cast("B")
        self.h = _HEADER.unpack_from(self.raw, 0)
        if self.h[0] != VERSION:
            raise KneeError(Status.EINVAL, "packed result version %d, not %d"
                            % (self.h[0], VERSION))
        rules.hold()
        self._rules = rules
        ids = strings.ids
        if ids is None:
            ids = strings.ids = self.texts(self.h[4], self.h[10])
        self.ids = ids
        self._buf = buf

    def __del__(self) -> None:
        rules, buf = self._rules, self._buf
        self._rules = self._buf = None
        if rules is not None:
            rules.release()
        spares = self.strings.spares
        if buf is not None and len(spares) < _SPARES_MAX:
            spares.append(buf)

    def slots(self, n: int, off: int) -> Tuple[int, ...]:
        """n slots from slot off, as unsigned integers (string addresses, counts, offsets)."""
        return struct.unpack_from("=%dQ" % n, self.raw, 8 * off) if n else ()

    def texts(self, n: int, off: int) -> List[Optional[str]]:
        s = self.strings
        return [s[a] for a in self.slots(n, off)]

    def weights(self) -> Dict[str, float]:
        nc, at = self.h[4], self.h[9]
        values = struct.unpack_from("=%dd" % nc, self.raw, 8 * at)
        return dict(zip(self.ids, values))  # type: ignore[arg-type]

    def missing_facts(self) -> List[Optional[str]]:
        return self.texts(self.h[14], self.h[15])

    def method(self) -> Optional[str]:
        return self.strings[self.h[11]]

    def missing_policy(self) -> Optional[str]:
        return self.strings[self.h[12]]


def read_regional_rules(p: Packed) -> List[RegionalRules]:
    s = p.strings
    q = p.slots(p.h[16], p.h[17])
    return [RegionalRules(s[q[at]], s[q[at + 1]], p.texts(q[at + 2], q[at + 3]))
            for at in range(0, len(q), 4)]


# -- the options, read lazily --------------------------------------------------------------
#
# Reading a result must cost little next to computing it (issue 18): Result.options makes one
# view per option and per option and criterion, with the fields most code reads (an option's
# id, name, rank, score, excluded and criteria; a criterion's id, utility, weight and
# contribution) decoded for the whole result with one struct call each. Every other field is
# decoded, for the whole option or cell, the first time one of them is read (_Lazy); the views
# are OptionResult and CriterionValue, equal to the same data made any other way, and pickle
# and copy as the plain dataclasses.

_STRUCTS: Dict[Tuple[str, int, int], struct.Struct] = {}


def _records(fields: str, used: int, size: int, n: int) -> struct.Struct:
    """A struct reading ``fields`` (``used`` slots) from each of n records of size slots."""
    key = (fields, size, n)
    found = _STRUCTS.get(key)
    if found is None:
        one = fields + "%dx" % (8 * (size - used))
        found = _STRUCTS[key] = struct.Struct("=" + one * (n - 1) + fields if n else "=")
    return found


class _Lazy:
    """A field of a view decoded on first read: fill(view) sets it (and its siblings) in the
    instance dict, which then shadows this descriptor."""

    __slots__ = ("name", "fill")

    def __init__(self, name: str, fill: Callable[[Any], None]) -> None:
        self.name, self.fill = name, fill

    def __get__(self, obj: Any, owner: Any = None) -> Any:
        if obj is None:
            return self
        self.fill(obj)
        return obj.__dict__[self.name]


def _fill(view: Any, names: Tuple[str, ...], values: Tuple[Any, ...]) -> None:
    d = view.__dict__
    for name, value in zip(names, values):
        d.setdefault(name, value)   # a field set by the caller stays as set


def _nan_none(x: float) -> Optional[float]:
    return x if x == x else None


_CELL_LAZY = ("known", "value", "low", "high", "level", "missing", "sources", "rules", "note",
              "unknown", "range")


def _fill_cell(c: "_CellView") -> None:
    p = c._p
    s = p.strings
    v = _CELL.unpack_from(p.raw, 8 * (p.h[8] + c._k * p.h[6]))
    urange = None
    if v[15]:
        if v[18] == 2:
            low, high = struct.unpack_from("=QQ", p.raw, 8 * (p.h[8] + c._k * p.h[6] + 19))
            bounds: Tuple[Any, Any] = (s[low], s[high])
        elif v[18] == 1:
            bounds = (v[19], v[20])
        else:
            bounds = (None, None)
        urange = UtilityRange(_nan_none(v[16]), _nan_none(v[17]), *bounds)
    note = None
    if v[13]:
        made = s.texts
        note = made.get((v[14], v[13]))
        if note is None:
            note = made[v[14], v[13]] = Texts(s[v[14]], s[v[13]])
    _fill(c, _CELL_LAZY, (
        v[0] != 0, _nan_none(v[1]), _nan_none(v[2]), _nan_none(v[3]), s[v[4]], s[v[8]],
        p.texts(v[9], v[10]), p.texts(v[11], v[12]), note, v[0] == 0, urange))


class _CellView(CriterionValue):
    """A CriterionValue read from a packed result (see above)."""

    __slots__ = ("_p", "_k")   # the packed result, the cell's number in it

    def __reduce__(self) -> Any:
        return (CriterionValue, tuple(getattr(self, f.name) for f in dataclasses.fields(self)))


_OPTION_LAZY = ("weighted_sum", "metrics", "reasons", "cautions", "dominated_by", "rules_fired",
                "unknown", "score_range", "rank_range", "tied_with")


def _fill_option(o: "_OptionView") -> None:
    p = o._p
    s = p.strings
    v = _OPTION.unpack_from(p.raw, 8 * (p.h[7] + o._i * p.h[5]))
    metrics: Optional[Dict[str, Any]] = {
        name: v[12 + k] for k, name in enumerate(_METRICS) if v[11] >> k & 1} if v[11] else None
    if metrics and p.method() == "vikor":
        metrics["compromise"] = bool(v[19])

    def notes(n: int, off: int) -> List[Note]:
        q = p.slots(n, off)
        return [Note(s[q[a]], s[q[a + 1]], s[q[a + 2]], s[q[a + 3]], s[q[a]])
                for a in range(0, n, 4)]
    q = p.slots(v[26], v[27])
    unknown = [UnknownRule(s[q[a]], p.texts(q[a + 1], q[a + 2])) for a in range(0, len(q), 3)]
    _fill(o, _OPTION_LAZY, (
        _nan_none(v[6]), metrics or None, notes(v[20], v[21]), notes(v[22], v[23]),
        p.texts(v[28], v[29]), p.texts(v[24], v[25]), unknown,
        ScoreRange(v[7], v[8]) if v[7] == v[7] else None,
        RankRange(v[9], v[10]) if v[9] else None, p.texts(v[30], v[31])))


class _OptionView(OptionResult):
    """An OptionResult read from a packed result (see above)."""

    __slots__ = ("_p", "_i")   # the packed result, the option's number in it

    def __reduce__(self) -> Any:
        return (OptionResult, tuple(getattr(self, f.name) for f in dataclasses.fields(self)))


for _name in _CELL_LAZY:
    setattr(_CellView, _name, _Lazy(_name, _fill_cell))
for _name in _OPTION_LAZY:
    setattr(_OptionView, _name, _Lazy(_name, _fill_option))


def read_options(p: Packed) -> List[OptionResult]:
    """Every option of the packed result, in result order, as lazily read views."""
    h = p.h
    no, nc, osize, csize = h[3], h[4], h[5], h[6]
    # Per cell: utility, weight, contribution; per option: id, name, (index), rank, excluded,
    # score. Plain stores in one flat loop over the cells, then one over the options, each
    # taking its criteria as a slice: the cheapest way found to fill 200 objects.
    numbers = iter(_records("40xddd", 8, csize, no * nc).unpack_from(p.raw, 8 * h[8]))
    new = object.__new__
    cells: List[Any] = []
    append = cells.append
    for k, cid, u, w, c in zip(range(no * nc), p.ids * no, numbers, numbers, numbers):
        cell = new(_CellView)
        cell.id = cid
        cell.utility = u
        cell.weight = w
        cell.contribution = c
        cell._p = p
        cell._k = k
        append(cell)
    heads = iter(_records("QQ8xqqd", 6, osize, no).unpack_from(p.raw, 8 * h[7]))
    s = p.strings
    out: List[OptionResult] = []
    for i, (oid, name, rank, excluded, score) in enumerate(zip(heads, heads, heads, heads,
                                                               heads)):
        o = new(_OptionView)
        o.id = s[oid]
        o.name = s[name]
        if excluded:
            o.excluded, o.rank, o.score = True, None, None
        else:
            o.excluded, o.rank, o.score = False, rank, score
        o._p = p
        o._i = i
        o.criteria = cells[i * nc:(i + 1) * nc]
        out.append(o)
    return out
