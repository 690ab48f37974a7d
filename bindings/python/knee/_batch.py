"""Many patients at once through libknee's batch API (knee_batch, knee_compare_batch): fact
dicts or columns in, one C column per fact, ranks and scores or result JSON out.

The binding only decides *whether* a cell is usable; when a row fails, Ruleset.compare_many
raises the reason libknee kept for the row (knee_batch_row_errmsg, worded as the patient
setters word it), or, where that could differ (a cell the binding refused, a failed
comparison, facts in another order than the columns), runs that patient through the
one-patient path; either way the error raised is exactly the one ``compare()`` gives (with the
patient's index added).
"""

from __future__ import annotations

import ctypes
from array import array
from typing import Any, Dict, List, Mapping, Optional, Sequence, Set, Tuple

from ._errors import KneeError, PatientError, Status
from ._lib import Handle, lib, new_handle
from ._values import BOOL, MEMBERS, NUMBER, TEXT, UNKNOWN, Reading, read, split_members
from .patient import Weights, items, set_fact, weight_args

FAIL_COLUMN, MARK_ROW = 0, 1   # KNEE_BATCH_FAIL_COLUMN, KNEE_BATCH_MARK_ROW
_NAN = float("nan")
ABSENT = object()              # a fact the patient's dict does not mention


class Columns:
    """The columns of one chunk of patients: ``cells[fact][row]`` is the value given (ABSENT
    when the patient's dict has no such key); ``bad`` the rows the binding cannot use;
    ``recast`` the rows with a cell C is given in another form than compare() gives it (a
    number as text in a column mixing both, text as members in a column with lists), whose
    bad cell C could word otherwise."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.cells: Dict[Any, List[Any]] = {}
        self.bad: Set[int] = set()
        self.recast: Set[int] = set()

    @classmethod
    def from_dicts(cls, chunk: Sequence[Any]) -> "Columns":
        cols = cls(len(chunk))
        cells, n = cols.cells, cols.n
        for i, facts in enumerate(chunk):
            if facts is None:
                continue
            try:
                items = facts.items()
            except AttributeError:
                cols.bad.add(i)
                continue
            for fact, value in items:
                try:
                    cells[fact][i] = value
                except KeyError:
                    cells[fact] = [ABSENT] * n
                    cells[fact][i] = value
        return cols


def _utf8(text: str) -> Optional[bytes]:
    """text as a C string, or None when the C setters could not take it."""
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        return None
    return None if b"\0" in data else data


class _Column:
    """One fact's cells as the C column call wants them; ``bad`` rows are left unknown."""

    def __init__(self, kind: str, data: Any, keep: Tuple[Any, ...] = ()) -> None:
        self.kind, self.data, self.keep = kind, data, keep


# Each builder reads the cells of one fact's column as _values.read() does: the common cells
# (a float, an int, a bool, a str, None) inline, every other value through read() itself. A cell
# read() refuses goes into ``bad`` (row -> its PatientError) and is left unknown.

def _slow(fact: str, ftype: str, v: Any, i: int, bad: Dict[int, PatientError]) -> Reading:
    try:
        return read(fact, ftype, v)
    except PatientError as e:
        bad[i] = e
        return UNKNOWN, None


def _numbers(fact: str, ftype: str, col: List[Any], bad: Dict[int, PatientError],
             recast: Set[int]) -> _Column:
    n = len(col)
    values = array("d", [_NAN]) * n     # NaN: unknown in a C number column
    texts: Optional[List[Optional[bytes]]] = None
    for i, v in enumerate(col):
        t = type(v)
        if t is float:
            values[i] = v
            continue
        if v is None or v is ABSENT:
            continue
        if t is int:
            try:
                values[i] = v
                continue
            except OverflowError:
                pass
        kind, data = _slow(fact, ftype, v, i, bad)
        if kind == NUMBER:
            values[i] = data
        elif kind == TEXT:
            if texts is None:
                texts = [None] * n
            texts[i] = data
    if texts is None:
        return _Column("numbers", values)
    for i in range(n):          # text and numbers mixed: all as text (repr reads back exactly)
        if texts[i] is None and values[i] == values[i]:
            texts[i] = repr(values[i]).encode()
            recast.add(i)
    return _text(texts)


def _text(texts: List[Optional[bytes]]) -> _Column:
    return _Column("text", (ctypes.c_char_p * len(texts))(*texts))


def _bools(fact: str, ftype: str, col: List[Any], bad: Dict[int, PatientError]) -> _Column:
    n = len(col)
    values = array("b", [-1]) * n
    texts: Optional[List[Optional[bytes]]] = None
    for i, v in enumerate(col):
        if v is True or v is False:
            values[i] = 1 if v else 0
            continue
        if v is None or v is ABSENT:
            continue
        kind, data = _slow(fact, ftype, v, i, bad)
        if kind == BOOL:
            values[i] = 1 if data else 0
        elif kind == TEXT:
            if texts is None:
                texts = [None] * n
            texts[i] = data
    if texts is None:
        return _Column("bools", values)
    for i in range(n):
        if texts[i] is None and values[i] >= 0:
            texts[i] = b"yes" if values[i] else b"no"
    return _text(texts)


def _strings(fact: str, ftype: str, col: List[Any], bad: Dict[int, PatientError]) -> _Column:
    out: List[Optional[bytes]] = [None] * len(col)
    for i, v in enumerate(col):
        if type(v) is str and v:
            out[i] = _utf8(v)
            if out[i] is not None:
                continue
        if v is None or v is ABSENT:
            continue
        kind, data = _slow(fact, ftype, v, i, bad)
        if kind == TEXT:
            out[i] = data
    return _Column("strings", (ctypes.c_char_p * len(out))(*out))


def _members(fact: str, ftype: str, col: List[Any], bad: Dict[int, PatientError],
             recast: Set[int]) -> _Column:
    n = len(col)
    readings: List[Reading] = [(UNKNOWN, None)] * n
    lists = False
    for i, v in enumerate(col):
        if v is None or v is ABSENT:
            continue
        t = type(v)
        if t is str and v:
            data = _utf8(v)
            if data is not None:
                readings[i] = (TEXT, data)
                continue
        elif t is list or t is tuple:
            members = [_utf8(m) if type(m) is str else None for m in v]
            if None not in members:
                readings[i] = (MEMBERS, members)
                lists = True
                continue
        readings[i] = r = _slow(fact, ftype, v, i, bad)
        lists = lists or r[0] == MEMBERS
    if not lists:               # all text: the C column splits it
        return _text([data if kind == TEXT else None for kind, data in readings])
    starts, flat = [0], []
    known = bytearray(n)
    for i, (kind, data) in enumerate(readings):
        if kind == TEXT:
            data = split_members(data)
            recast.add(i)
        if kind != UNKNOWN:
            flat.extend(data)
            known[i] = 1
        starts.append(len(flat))
    c_starts = (ctypes.c_size_t * len(starts))(*starts)
    c_flat = (ctypes.c_char_p * max(len(flat), 1))(*flat)
    c_known = (ctypes.c_ubyte * max(n, 1)).from_buffer_copy(bytes(known) or b"\0")
    return _Column("members", (c_starts, c_flat, c_known))


def _column(fact: str, ftype: str, col: List[Any], bad: Dict[int, PatientError],
            recast: Set[int]) -> _Column:
    if ftype in ("number", "integer"):
        return _numbers(fact, ftype, col, bad, recast)
    if ftype == "boolean":
        return _bools(fact, ftype, col, bad)
    if ftype == "string":
        return _strings(fact, ftype, col, bad)
    return _members(fact, ftype, col, bad, recast)


def _pointer(data: Any) -> Any:
    return data.buffer_info()[0] if isinstance(data, array) else data


def _set(b: int, fact: bytes, c: _Column, mode: int) -> int:
    if c.kind == "numbers":
        return lib.knee_batch_set_numbers(b, fact, _pointer(c.data), mode)
    if c.kind == "bools":
        return lib.knee_batch_set_bools(b, fact, _pointer(c.data), mode)
    if c.kind == "strings":
        return lib.knee_batch_set_strings(b, fact, c.data, mode)
    if c.kind == "members":
        starts, flat, known = c.data
        return lib.knee_batch_set_members(b, fact, starts, flat, known, mode)
    return lib.knee_batch_set_text(b, fact, c.data, mode)


def make_batch(rs: int, parent: Handle, types: Mapping[str, str], cols: Columns,
               weights: Optional[Weights], mode: int) -> Handle:
    """A C batch holding cols. MARK_ROW: bad cells fail their rows (cols.bad and the batch's
    row statuses). FAIL_COLUMN: the first bad cell raises PatientError naming row and fact."""
    batch = new_handle(lib.knee_batch_new, lib.knee_batch_free, "batch", rs, cols.n,
                       parent=parent)
    try:
        with batch as b:
            for criterion, weight in items(weights, "weights", Status.EWEIGHT):
                set_weight(b, criterion, weight)
            for fact, col in cols.cells.items():
                ftype = types.get(fact) if isinstance(fact, str) else None
                if ftype is None:   # an undeclared fact: every row that names it fails
                    if mode == FAIL_COLUMN:
                        raise PatientError(Status.EUNKNOWN, "unknown fact %r (not declared in "
                                           "the rule file)" % (fact,))
                    cols.bad.update(i for i, v in enumerate(col) if v is not ABSENT)
                    continue
                bad: Dict[int, PatientError] = {}
                c = _column(fact, ftype, col, bad, cols.recast)
                if bad and mode == FAIL_COLUMN:
                    row = min(bad)
                    e = refusal(rs, types, fact, col[row]) or bad[row]
                    raise PatientError(e.code, "row %d: %s" % (row, e.message))
                cols.bad.update(bad)
                status = _set(b, fact.encode("utf-8"), c, mode)
                if status < 0:
                    raise PatientError(status, lib.knee_batch_errmsg(b) or
                                       lib.knee_strerror(status))
    except BaseException:
        batch.close()
        raise
    return batch


def refusal(rs: int, types: Mapping[str, str], fact: str, value: Any) -> Optional[PatientError]:
    """The error Patient.set gives for this value (with what the fact takes), or None."""
    p = ctypes.c_void_p()
    lib.knee_patient_new(ctypes.byref(p), rs)
    try:
        set_fact(p.value, types, fact, value)
    except PatientError as e:
        return e
    finally:
        lib.knee_patient_free(p)
    return None


def row_reasons(batch: Handle, cols: Columns, chunk: Sequence[Any],
                status: Sequence[int]) -> Dict[int, str]:
    """The failed rows whose error the batch words as compare() does: row -> the reason of its
    first bad cell (knee_batch_row_errmsg), read before the batch is freed. Left out, for the
    caller to run through compare(): rows the binding refused (cols.bad) or recast
    (cols.recast), rows whose comparison failed (no cell's reason), and rows whose facts are
    not in column order (compare() sets them in the patient's order, so its first bad cell
    could be another)."""
    out: Dict[int, str] = {}
    if not any(status):
        return out
    column = {fact: c for c, fact in enumerate(cols.cells)}
    with batch as b:
        for k, st in enumerate(status):
            if st == 0 or k in cols.bad or k in cols.recast:
                continue
            reason = lib.knee_batch_row_errmsg(b, k)
            places = [column[fact] for fact, _ in chunk[k].items()] if reason else []
            if reason and places == sorted(places):
                out[k] = reason
    return out


def set_weight(b: int, criterion: Any, weight: Any) -> None:
    """One weight for every row, checked as Patient.set_weight checks it."""
    status = lib.knee_batch_set_weight(b, *weight_args(criterion, weight))
    if status < 0:
        raise PatientError(status, lib.knee_batch_errmsg(b) or lib.knee_strerror(status))


def compare_ranks(rs: int, b: int, opts: Optional[int], scratch: int, first: int, count: int,
                  n_options: int, out: Tuple[array, array, array]) -> None:
    """Rows first .. first+count-1: ranks and scores (row-major, option order) and statuses,
    written into out = (ranks, scores, status) at those rows."""
    ranks, scores, status = out
    # The arguments are right by construction; a failed row shows in its status.
    lib.knee_compare_batch(rs, b, opts, first, count, scratch,
                           ranks.buffer_info()[0] + 4 * n_options * first,
                           scores.buffer_info()[0] + 8 * n_options * first,
                           status.buffer_info()[0] + 4 * first)


def compare_json(rs: int, b: int, opts: Optional[int], scratch: int, first: int,
                 count: int) -> Tuple[List[str], List[int]]:
    """Rows first .. first+count-1 (count >= 1): each row's result JSON ("" for a failed row)
    and status."""
    assert count >= 1
    out, length = ctypes.c_void_p(), ctypes.c_size_t()
    offsets = (ctypes.c_size_t * (count + 1))()
    status = array("i", [0]) * count
    rc = lib.knee_compare_batch_json(rs, b, opts, first, count, scratch, ctypes.byref(out),
                                     ctypes.byref(length), offsets, status.buffer_info()[0])
    if not out.value:
        raise KneeError(rc, lib.knee_strerror(rc))
    try:
        data = ctypes.string_at(out.value, length.value)
    finally:
        lib.knee_free(out)
    cuts, view = offsets[:], memoryview(data)
    return [str(view[cuts[k]:cuts[k + 1]], "utf-8") for k in range(count)], status.tolist()


#: knee_compare_batch_ranges's cells per row and option (KNEE_BATCH_RANGE_FIELDS): rank, score,
#: score low, score high, best rank, worst rank.
RANGE_FIELDS = 6


def compare_cells(rs: int, b: int, opts: Optional[int], scratch: int, first: int, count: int,
                  n_options: int, cells: int, status: int) -> None:
    """Rows first .. first+count-1 through knee_compare_batch_ranges: ``cells`` and ``status``
    are the addresses of the whole batch's doubles (rows x options x RANGE_FIELDS) and ints,
    written at those rows. A failed row shows in its status, with NaN cells."""
    lib.knee_compare_batch_ranges(rs, b, opts, first, count, scratch,
                                  cells + 8 * RANGE_FIELDS * n_options * first, status + 4 * first)
