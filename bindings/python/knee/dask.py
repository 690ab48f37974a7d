"""knee.dask: compare the patients of a dask DataFrame on a Dask cluster (docs/scaling.md).

>>> import dask.dataframe as dd, knee.dask
>>> ddf = dd.read_parquet("patients/")                            # one patient per row
>>> scores = knee.dask.compare(ddf, rules="rules/knee-oa.xml")   # lazy, like any dask frame
>>> scores.to_parquet("scores/")

Each partition goes through :meth:`knee.Ruleset.compare_frame`, so the result has its columns,
dtypes and index, partition by partition. The rule file is read once, here; its bytes travel
to the workers as one piece of the task graph, and each worker process loads them once and keeps
the loaded ruleset for every later partition and every later call with the same rules (a cache
per process keyed by the rules' SHA-256; a ruleset is immutable and shared by the worker's
threads). Workers need libknee (``LIBKNEE_PATH`` or a bundled wheel), not the rule file.

dask (Debian: python3-dask, python3-distributed) is imported only when :func:`compare` is
called; ``import knee`` never imports it, nor pandas.
"""

from __future__ import annotations

import hashlib
import os
import threading
from typing import Any, Dict, Optional, Tuple, Union

from ._errors import KneeTypeError, Status
from .patient import Weights
from .ruleset import Ruleset

#: The rulesets this process has loaded, by the SHA-256 of their bytes ("default": built in).
_rulesets: Dict[str, Ruleset] = {}
_loads: Dict[str, int] = {}
_lock = threading.Lock()

Rules = Union[str, "os.PathLike[str]", bytes, bytearray, memoryview, None]


def _source(rules: Rules) -> Tuple[str, Optional[str], Optional[bytes]]:
    """(digest, name, bytes) of the rules argument: a path, the file's bytes, or None."""
    if rules is None:
        return "default", None, None
    if isinstance(rules, (bytes, bytearray, memoryview)):
        data, name = bytes(rules), None
    elif isinstance(rules, (str, os.PathLike)):
        with open(rules, "rb") as f:
            data, name = f.read(), os.path.basename(os.fspath(rules))
    else:
        raise KneeTypeError(Status.EINVAL, "rules must be a rule file's path, its bytes, or None for the "
                            "built-in rules, not %s" % type(rules).__name__)
    return hashlib.sha256(data).hexdigest(), name, data


def ruleset(digest: str, name: Optional[str], data: Optional[bytes]) -> Ruleset:
    """This process's ruleset for these rules, loaded on first use (thread-safe)."""
    with _lock:
        rs = _rulesets.get(digest)
        if rs is None:
            rs = Ruleset.default() if data is None else Ruleset.from_string(data, name=name)
            _rulesets[digest] = rs
            _loads[digest] = _loads.get(digest, 0) + 1
        return rs


def loaded() -> Dict[str, int]:
    """How many times this process loaded each ruleset, by digest (1 each: what the cache
    promises). Run it on the workers with ``client.run(knee.dask.loaded)``."""
    with _lock:
        return dict(_loads)


def _compare_partition(df: Any, data: Optional[bytes], digest: str, name: Optional[str],
                       kw: Dict[str, Any]) -> Any:
    return ruleset(digest, name, data).compare_frame(df, **kw)


def compare(ddf: Any, rules: Rules = None, id_column: Optional[str] = None, full: bool = False,
            weights: Optional[Weights] = None, *, missing: Optional[str] = None,
            method: Optional[str] = None, vikor_v: Optional[float] = None, threads: int = 1,
            ignore_unknown_columns: bool = False) -> Any:
    """Compare every option for each row of the dask DataFrame ``ddf``: a dask DataFrame
    with, partition by partition, what :meth:`knee.Ruleset.compare_frame` returns for it (the
    same columns and dtypes, indexed like ``ddf``, a failed row marked in ``status`` and
    ``error``). Nothing runs until it is computed.

    ``rules`` is a rule file's path (read here, on the client), its bytes, or None for the rules
    built into libknee. The other arguments are compare_frame's and apply to every partition;
    ``threads`` is per task (default 1: Dask's workers are the parallelism). Bad rules, bad
    arguments and columns that are not facts raise here, before anything is computed.
    """
    try:
        from dask import delayed
    except ImportError as e:
        raise ImportError("knee.dask needs dask (Debian: python3-dask, and python3-distributed "
                          "for a cluster; pip: 'knee[dask]'): %s" % e) from None
    digest, name, data = _source(rules)
    kw = dict(id_column=id_column, full=full, weights=weights, missing=missing, method=method,
              vikor_v=vikor_v, threads=threads, ignore_unknown_columns=ignore_unknown_columns)
    # The result's empty frame, from the made-up partition dask keeps for this (two rows of the
    # input's dtypes): the dtypes pandas infers from values (the ids') then match the real
    # partitions'. It checks the rules, the arguments and the columns now, before any task.
    meta = ruleset(digest, name, data).compare_frame(ddf._meta_nonempty, **kw).iloc[:0]
    # One graph node holds the rules' bytes: sent once to each worker, not once per partition.
    shipped = delayed(data, pure=True, name="knee-rules-" + digest)
    return ddf.map_partitions(_compare_partition, shipped, digest, name, kw, meta=meta,
                              align_dataframes=False)
