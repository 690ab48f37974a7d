"""Reading a C result in one call: knee_result_pack writes the whole result into one buffer of
8-byte slots (docs/result-contract.md, "The packed result"), and this module turns the buffer
into the Result's Python data. The strings in it are addresses of the ruleset's own strings,
valid while the ruleset lives, so each is decoded once per ruleset (``strings``, an address ->
str cache the Ruleset keeps) and the thousand or so ctypes calls of reading a result one value
at a time become one.
"""

from __future__ import annotations

import ctypes
import struct
from typing import Any, Callable, Dict, List, Optional, Tuple

from ._errors import KneeError, Status
from ._lib import lib

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


def pack(r: int, size_hint: int) -> Any:
    """The packed form of the C result r: a ctypes array of 8-byte slots (one C call when
    size_hint bytes are enough, else two)."""
    size = ctypes.c_size_t()
    for cap in (size_hint, None):
        slots = ((cap if cap is not None else size.value) + 7) // 8
        buf = (ctypes.c_uint64 * max(slots, 1))()
        rc = lib.knee_result_pack(r, buf, 8 * slots, ctypes.byref(size))
        if rc == 0:
            return buf
        if rc != Status.ERANGE:
            raise KneeError(rc, lib.knee_strerror(rc))
    raise KneeError(Status.ERANGE, "the packed result did not fit")  # pragma: no cover


class Strings(dict):
    """A ruleset's strings by address (0: None), each decoded the first time it is met: the
    strings of a packed result live as long as the ruleset, so a dict lookup reads them."""

    def __init__(self) -> None:
        super().__init__({0: None})
        # Texts (frozen, so shared) by the addresses of their two strings: a criterion's
        # note repeats in every result, and making a frozen dataclass is slow.
        self.texts: Dict[Tuple[int, int], Any] = {}

    def __missing__(self, addr: int) -> str:
        text = self[addr] = ctypes.string_at(addr).decode("utf-8", "replace")
        return text


class Packed:
    """A packed result, read: the slots as a list, and string lookup through the cache."""

    def __init__(self, buf: Any, strings: Strings) -> None:
        self.raw = memoryview(buf).cast("B")
        self.q: List[int] = memoryview(buf).cast("B").cast("Q").tolist()
        self.h = _HEADER.unpack_from(self.raw, 0)
        if self.h[0] != VERSION:
            raise KneeError(Status.EINVAL, "packed result version %d, not %d"
                            % (self.h[0], VERSION))
        self.strings = strings

    def texts(self, n: int, off: int) -> List[Optional[str]]:
        s = self.strings
        return [s[a] for a in self.q[off:off + n]]

    def criterion_ids(self) -> List[Optional[str]]:
        return self.texts(self.h[4], self.h[10])

    def weights(self) -> Dict[str, float]:
        nc, at = self.h[4], self.h[9]
        values = struct.unpack_from("=%dd" % nc, self.raw, 8 * at)
        return dict(zip(self.criterion_ids(), values))  # type: ignore[arg-type]

    def missing_facts(self) -> List[Optional[str]]:
        return self.texts(self.h[14], self.h[15])

    def method(self) -> Optional[str]:
        return self.strings[self.h[11]]

    def missing_policy(self) -> Optional[str]:
        return self.strings[self.h[12]]


def read_regional_rules(p: Packed, make: Callable[..., Any]) -> List[Any]:
    q, s = p.q, p.strings
    out = []
    for k in range(p.h[16] // 4):
        at = p.h[17] + 4 * k
        out.append(make(s[q[at]], s[q[at + 1]], p.texts(q[at + 2], q[at + 3])))
    return out


def read_options(p: Packed) -> List[Any]:
    """Every option of the packed result (result.py's data classes, as the JSON contract
    has them)."""
    from . import result as T   # here: result.py imports this module
    Cell, Option, URange = T.CriterionValue, T.OptionResult, T.UtilityRange
    Texts, Note, Unknown, SRange, RRange = T.Texts, T.Note, T.UnknownRule, T.ScoreRange, \
        T.RankRange
    q, s, raw = p.q, p.strings, p.raw
    notes_made = s.texts
    h = p.h
    no, nc, osize, csize, oat, cat = h[3], h[4], h[5], h[6], h[7], h[8]
    ids = p.criterion_ids()
    vikor = p.method() == "vikor"
    unpack_option = _OPTION.unpack_from
    cells_of = struct.Struct("=" + _CELL.format[1:] * nc) if csize == 21 else None
    unpack_bounds = struct.Struct("=QQ").unpack_from

    def texts(n: int, off: int) -> List[Optional[str]]:
        return [s[a] for a in q[off:off + n]] if n else []

    def note(patient: int, clinician: int) -> Any:
        try:
            return notes_made[patient, clinician]
        except KeyError:
            made = notes_made[patient, clinician] = Texts(s[patient], s[clinician])
            return made

    out = []
    for i in range(no):
        o = unpack_option(raw, 8 * (oat + i * osize))
        excluded = bool(o[4])
        base = cat + i * nc * csize
        row = cells_of.unpack_from(raw, 8 * base) if cells_of else \
            sum((_CELL.unpack_from(raw, 8 * (base + j * csize)) for j in range(nc)), ())
        criteria = []
        for j in range(nc):
            c = row[21 * j:21 * (j + 1)]
            urange = None
            if c[15]:
                if c[18] == 2:
                    low, high = unpack_bounds(raw, 8 * (base + j * csize + 19))
                    bounds: Tuple[Any, Any] = (s[low], s[high])
                elif c[18] == 1:
                    bounds = (c[19], c[20])
                else:
                    bounds = (None, None)
                urange = URange(c[16] if c[16] == c[16] else None,
                                c[17] if c[17] == c[17] else None, *bounds)
            v, lo, hi = c[1], c[2], c[3]
            criteria.append(Cell(
                ids[j], c[0] != 0, v if v == v else None, lo if lo == lo else None,
                hi if hi == hi else None, s[c[4]], c[5], c[6], c[7], s[c[8]],
                [s[q[c[10]]]] if c[9] == 1 else texts(c[9], c[10]), texts(c[11], c[12]),
                note(c[14], c[13]) if c[13] else None, c[0] == 0, urange))
        metrics: Optional[Dict[str, Any]] = {
            name: o[12 + k] for k, name in enumerate(_METRICS) if o[11] >> k & 1} \
            if o[11] else None
        if vikor and metrics:
            metrics["compromise"] = bool(o[19])
        notes = [[Note(s[q[a]], s[q[a + 1]], s[q[a + 2]], s[q[a + 3]], s[q[a]])
                  for a in range(off, off + n, 4)] for n, off in ((o[20], o[21]), (o[22], o[23]))]
        out.append(Option(
            s[o[0]], s[o[1]], None if excluded else o[3], None if excluded else o[5], excluded,
            o[6] if o[6] == o[6] else None, metrics or None, notes[0], notes[1], criteria,
            texts(o[28], o[29]), texts(o[24], o[25]),
            [Unknown(s[q[a]], texts(q[a + 1], q[a + 2])) for a in range(o[27], o[27] + o[26], 3)],
            SRange(o[7], o[8]) if o[7] == o[7] else None, RRange(o[9], o[10]) if o[9] else None,
            texts(o[30], o[31])))
    return out
