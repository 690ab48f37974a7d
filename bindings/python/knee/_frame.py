"""Ruleset.compare_frame: patients as a pandas DataFrame in, one row of results per patient out
(docs/python.md, "pandas in and out"). pandas and numpy are imported here, and only when
compare_frame is called: the rest of the binding never needs them.

Each fact column becomes one C batch column (knee_batch_set_*), a chunk of rows at a time; a
numeric column of a number or integer fact goes to C as one float64 array, every other cell is
read as compare() reads it (_values.read). One knee_compare_batch_ranges call per thread and
chunk writes every option's rank, score and ranges into one numpy array, from which the output
columns are sliced. A failed row is explained afterwards, cell by cell, through the
one-patient setters, so its message is the one compare() gives, with row and column.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple

from . import _batch
from ._errors import KneeError, KneeTypeError, KneeValueError, PatientError, Status
from ._lib import Handle, lib
from .patient import Patient, Weights

#: Rows turned into one C batch at a time: bounds the Python lists of one chunk's cells.
CHUNK_ROWS = 16384

#: The stable code of a failed row, as the knee command's population output gives it
#: (docs/population.md, "Bad rows"): by the status of the first bad cell; "compare" when the
#: comparison itself failed.
CODES = {Status.ERANGE: "out-of-range", Status.ETYPE: "wrong-type",
         Status.EUNKNOWN: "unknown-fact", Status.ELIMIT: "too-long",
         Status.ENOMEM: "out-of-memory"}


def modules() -> Tuple[Any, Any]:
    """(numpy, pandas), imported now; ImportError saying what to install when they are not."""
    try:
        import numpy
        import pandas
    except ImportError as e:
        raise ImportError("knee: Ruleset.compare_frame needs pandas (Debian: apt-get install "
                          "python3-pandas; elsewhere: pip install pandas): %s" % e) from e
    return numpy, pandas


def _unknown_column(ruleset: Any, name: Any) -> str:
    """Why a column is not a fact, with the nearest fact ids (the C setters' hint)."""
    if not isinstance(name, str):
        return "column %r: a column name must be a fact id (a str)" % (name,)
    try:
        with Patient(ruleset) as p:
            p.set(name, None)
    except PatientError as e:
        return "column %r: %s" % (name, e.message)
    return "column %r: not a fact" % (name,)   # not reached: the name is not declared


def plan(ruleset: Any, df: Any, id_column: Optional[str],
         ignore_unknown_columns: bool) -> Tuple[Optional[Any], List[str]]:
    """(the id column's name or None, the fact columns in frame order). Raises for a missing
    id column, a repeated column name, and (unless ignored) columns that are not facts."""
    names = list(df.columns)
    repeated = sorted({str(c) for c in names if names.count(c) > 1})
    if repeated:
        raise KneeValueError(Status.EINVAL, "repeated column names: %s" % ", ".join(repeated))
    if id_column is not None:
        if id_column not in names:
            raise KneeValueError(Status.EINVAL, "id_column %r is not a column of the frame "
                                 "(columns: %s)" % (id_column, ", ".join(map(str, names))))
    elif "id" in names and "id" not in ruleset._fact_types:
        id_column = "id"
    facts = [c for c in names if c != id_column]
    unknown = [c for c in facts if not isinstance(c, str) or c not in ruleset._fact_types]
    if unknown and not ignore_unknown_columns:
        raise PatientError(Status.EUNKNOWN, "columns that are not facts of rule file '%s' "
                           "(id_column= names the id column; ignore_unknown_columns=True "
                           "skips the others): %s"
                           % (ruleset.id, "; ".join(_unknown_column(ruleset, c)
                                                   for c in unknown)))
    return id_column, [c for c in facts if c not in unknown]


def _chunk_columns(numpy: Any, pandas: Any, sub: Any, facts: Sequence[str],
                   types: Dict[str, str]) -> Tuple[_batch.Columns, Dict[str, Any]]:
    """One chunk's cells: (the columns read cell by cell, the float64 arrays of numeric
    columns of number and integer facts, which C reads as they are)."""
    cols, fast = _batch.Columns(len(sub)), {}
    api = pandas.api.types
    for name in facts:
        s = sub[name]
        if (types[name] in ("number", "integer") and api.is_numeric_dtype(s.dtype) and
                not api.is_bool_dtype(s.dtype) and not api.is_complex_dtype(s.dtype)):
            # NaN and pandas NA: unknown, as in a C number column
            fast[name] = numpy.ascontiguousarray(s.to_numpy(dtype="float64",
                                                            na_value=numpy.nan))
        else:
            cols.cells[name] = s.tolist()
    return cols, fast


def _compare_chunk(ruleset: Any, workers: Any, opts: Optional[Handle],
                   weights: Optional[Weights], numpy: Any, pandas: Any, sub: Any,
                   facts: Sequence[str], cells: Any, status: Any) -> Any:
    """Compare one chunk's rows into cells (rows x options x RANGE_FIELDS) and status; returns
    the rows the binding could not read (a bool array)."""
    n, n_options = len(sub), cells.shape[1]
    cols, fast = _chunk_columns(numpy, pandas, sub, facts, ruleset._fact_types)
    with ruleset._handle as rs:
        batch = _batch.make_batch(rs, ruleset._handle, ruleset._fact_types, cols, weights,
                                  _batch.MARK_ROW)
    try:
        with batch as b:
            for name, values in fast.items():
                rc = lib.knee_batch_set_numbers(b, name.encode("utf-8"), values.ctypes.data,
                                                _batch.MARK_ROW)
                if rc < 0:
                    raise PatientError(rc, lib.knee_batch_errmsg(b) or lib.knee_strerror(rc))
        workers.run(ruleset, batch, opts, n,
                    lambda rs, b, o, r, first, count: _batch.compare_cells(
                        rs, b, o, r, first, count, n_options, cells.ctypes.data,
                        status.ctypes.data))
    finally:
        batch.close()
    bad = numpy.zeros(n, dtype=bool)
    bad[list(cols.bad)] = True
    return bad


def _explain(ruleset: Any, df: Any, facts: Sequence[str], k: int, weights: Optional[Weights],
             kw: Dict[str, Any], status: int) -> str:
    """A failed row's error, as the knee command words it: "code: row R, column C: why" for
    its first bad cell, "(and N more)" when several are bad."""
    label = df.index[k]
    problems = []
    with Patient(ruleset) as p:
        for name in facts:
            try:
                p.set(name, df[name].iat[k])
            except PatientError as e:
                problems.append((CODES.get(e.code, "bad-value"),
                                 "row %s, column %r: %s" % (label, name, e.message)))
    if not problems:   # every cell is fine: the comparison failed
        row = {name: df[name].iat[k] for name in facts}
        try:
            ruleset.compare(row, weights, **kw).close()
            message = lib.knee_strerror(status or Status.EINVAL)
        except KneeError as e:
            message = e.message
        problems.append(("compare", "row %s: %s" % (label, message)))
    code, message = problems[0]
    more = " (and %d more)" % (len(problems) - 1) if len(problems) > 1 else ""
    return "%s: %s%s" % (code, message, more)


def _int_column(numpy: Any, pandas: Any, values: Any) -> Any:
    """Float ranks (NaN: none) as a pandas nullable integer array (<NA>: none)."""
    missing = numpy.isnan(values)
    return pandas.arrays.IntegerArray(numpy.where(missing, 0, values).astype("int64"), missing)


def compare(ruleset: Any, df: Any, id_column: Optional[str], full: bool,
            weights: Optional[Weights], opts: Optional[Handle], kw: Dict[str, Any],
            workers: Any, ignore_unknown_columns: bool) -> Any:
    """Ruleset.compare_frame's work once its arguments are checked (see its docstring)."""
    numpy, pandas = modules()
    if not isinstance(df, pandas.DataFrame):
        raise KneeTypeError(Status.EINVAL, "compare_frame takes a pandas DataFrame, not %s"
                            % type(df).__name__)
    id_name, facts = plan(ruleset, df, id_column, ignore_unknown_columns)
    options = ruleset.options
    n, n_options = len(df), len(options)
    cells = numpy.full((n, n_options, _batch.RANGE_FIELDS), numpy.nan)
    status = numpy.zeros(n, dtype=numpy.intc)
    bad = numpy.zeros(n, dtype=bool)
    for first in range(0, n, CHUNK_ROWS):
        last = min(n, first + CHUNK_ROWS)
        bad[first:last] = _compare_chunk(ruleset, workers, opts, weights, numpy, pandas,
                                         df.iloc[first:last], facts, cells[first:last],
                                         status[first:last])
    failed = bad | (status != 0)
    cells[failed] = numpy.nan
    errors: List[Optional[str]] = [None] * n
    for k in numpy.flatnonzero(failed).tolist():
        errors[k] = _explain(ruleset, df, facts, k, weights, kw, int(status[k]))
    ranks = cells[:, :, 0]
    # top: the rank-1 option, the first by name then id when several tie (as the knee command)
    order = sorted(range(n_options), key=lambda t: (options[t].name, options[t].id))
    first_rank = ranks[:, order] == 1
    has_top = first_rank.any(axis=1)
    top_ids = numpy.array([options[t].id for t in order], dtype=object)
    top = numpy.where(has_top, top_ids[first_rank.argmax(axis=1)], None)
    data: Dict[str, Any] = {
        "id": df[id_name].tolist() if id_name is not None else list(df.index),
        "status": numpy.where(failed, "error", "ok").astype(object),
        "error": errors,
        "top": top,
    }
    for t, option in enumerate(options):
        o = option.id
        data[o + "_rank"] = _int_column(numpy, pandas, ranks[:, t])
        data[o + "_score"] = cells[:, t, 1]
        data[o + "_score_low"] = cells[:, t, 2]
        data[o + "_score_high"] = cells[:, t, 3]
        data[o + "_excluded"] = pandas.arrays.BooleanArray(numpy.isnan(ranks[:, t]),
                                                           failed.copy())
        if full:
            data[o + "_best_rank"] = _int_column(numpy, pandas, cells[:, t, 4])
            data[o + "_worst_rank"] = _int_column(numpy, pandas, cells[:, t, 5])
    return pandas.DataFrame(data, index=df.index)
