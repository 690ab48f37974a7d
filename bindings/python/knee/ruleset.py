"""Rulesets: loading rule files, their metadata, and comparing options for patients."""

from __future__ import annotations

import atexit
import concurrent.futures
import ctypes
import json
import itertools
import os
from array import array
from dataclasses import dataclass
from typing import (Any, Callable, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence,
                    Tuple, Union)

from . import _batch, _frame, _pack
from ._errors import (Diagnostic, KneeError, KneeTypeError, KneeValueError, LoadError,
                      PatientError, Status, load_message)
from ._lib import (Handle, Options, cstr, data_arg, diagnostics, flag_arg, int_arg, lib,
                   new_handle, path_arg, real_arg, take_string, uses)
from .patient import Facts, Patient, Weights, apply
from .result import AUDIENCE_CLINICIAN, AUDIENCE_PATIENT, Ranking, Result, Texts

PathLike = Union[str, "os.PathLike[str]"]
Limits = Mapping[str, int]

#: compare_many(threads=) at most: each thread has its own scratch result.
MAX_THREADS = 256

_FACT_TYPES = {1: "number", 2: "integer", 3: "boolean", 4: "string", 5: "set"}
_NO_INDEX = ctypes.c_size_t(-1).value    # knee_ruleset_*_index: no such id


def _texts(accessor: Callable[..., Optional[str]], rs: int, *index: int) -> Optional[Texts]:
    """A description for each audience through a knee_ruleset_*description accessor, or None."""
    clinician = accessor(rs, *index, AUDIENCE_CLINICIAN)
    return None if clinician is None else Texts(accessor(rs, *index, AUDIENCE_PATIENT), clinician)


@dataclass(frozen=True)
class OptionInfo:
    """A treatment option of the rule file; ``description`` its description for each audience
    (:class:`Texts`), or None when the file gives none."""

    id: str
    name: str
    description: Optional[Texts] = None


@dataclass(frozen=True)
class Level:
    """One level of an ordinal criterion (``label`` is the id when the file gives none)."""

    id: str
    label: str


@dataclass(frozen=True)
class CriterionInfo:
    """A criterion the options are compared on.

    ``direction`` is ``'minimize'`` or ``'maximize'``; ``weight`` the rule file's default
    (not normalised); ``levels`` the ordinal levels from the least to the most of the quantity
    (empty for a numeric criterion); ``scale`` a numeric criterion's ``(worst, best)``
    (None for an ordinal one); ``missing_utility`` the fixed utility the rule file gives an
    unknown value (missing-utility, or missing="worst", "best", "neutral"), or None when it is
    scored over its range (interval, the default), left out or refused; ``description`` the
    criterion's description for each audience (:class:`Texts`), or None.
    """

    id: str
    label: str
    unit: Optional[str]
    direction: str
    weight: float
    levels: Tuple[Level, ...]
    scale: Optional[Tuple[float, float]]
    missing_utility: Optional[float]
    description: Optional[Texts] = None


@dataclass(frozen=True)
class FactInfo:
    """A fact the rule file declares. ``type`` is one of ``'number'``, ``'integer'``,
    ``'boolean'``, ``'string'``, ``'set'``; ``min``/``max`` the declared bounds (or None);
    ``values`` the allowed values of a string or set fact (empty: any value); ``region`` True
    for a string fact whose values are ISO 3166-1 codes or the file's region groups."""

    id: str
    type: str
    label: str
    unit: Optional[str]
    min: Optional[float]
    max: Optional[float]
    values: Tuple[str, ...]
    region: bool = False


@dataclass(frozen=True)
class SourceInfo:
    """A source the rule file cites."""

    id: str
    title: str
    url: Optional[str]
    year: int


@dataclass(frozen=True)
class CaseReport:
    """The outcome of a rule file's own test cases: counts, and one line per failed
    expectation (``"case-id: option: expected ..., got ..."``)."""

    cases: int
    failed: int
    failures: Tuple[str, ...]


def _methods() -> Tuple[str, ...]:
    names, m = [], 1
    while lib.knee_method_name(m) is not None:
        names.append(lib.knee_method_name(m))
        m += 1
    return tuple(names)


#: The aggregation methods ``compare(method=...)`` accepts (docs/methods.md).
METHODS: Tuple[str, ...] = _methods()


def _missing_policies() -> Tuple[str, ...]:
    names, m = [], 1
    while lib.knee_missing_name(m) is not None:
        names.append(lib.knee_missing_name(m))
        m += 1
    return tuple(names)


#: How unknown values may be scored, ``compare(missing=...)`` (rules/README.md, "Unknown
#: values"); without it, the rule file's policies (``'interval'`` unless the file says).
MISSING_POLICIES: Tuple[str, ...] = _missing_policies()


def _compare_options(method: Optional[str], vikor_v: Optional[float], smaa: int, seed: int,
                     smaa_spread: float, sensitivity: bool,
                     fragile_margin: float, missing: Optional[str] = None) -> Optional[Handle]:
    """A knee_compare_options for these arguments, or None when they are all the defaults.
    Every argument is checked here (KneeTypeError, KneeValueError), so that none wraps or
    changes type on its way to C; the C setters check the ranges they document."""
    smaa = int_arg(smaa, "smaa", 0, 2 ** 64 - 1)
    seed = int_arg(seed, "seed", 0, 2 ** 64 - 1)
    spread = real_arg(smaa_spread, "smaa_spread")
    sensitivity = flag_arg(sensitivity, "sensitivity")
    margin = real_arg(fragile_margin, "fragile_margin")
    v = None if vikor_v is None else real_arg(vikor_v, "vikor_v")
    code = None
    if method is not None:
        code = lib.knee_method_from_name(cstr(method, "method"))
        if code < 0:
            raise KneeValueError(code, "unknown method %r (methods: %s)"
                                 % (method, ", ".join(METHODS)))
    policy = None
    if missing is not None:
        policy = lib.knee_missing_from_name(cstr(missing, "missing"))
        if policy < 0:
            raise KneeValueError(policy, "unknown missing policy %r (policies: %s)"
                                 % (missing, ", ".join(MISSING_POLICIES)))
    if code is None and v is None and not smaa and not sensitivity and policy is None:
        return None
    opts = new_handle(lib.knee_compare_options_new, lib.knee_compare_options_free, "options")
    try:
        with opts as o:
            if code is not None:
                lib.knee_compare_options_set_method(o, code)
            if policy is not None:
                lib.knee_compare_options_set_missing(o, policy)
            if v is not None and lib.knee_compare_options_set_vikor_v(o, v) < 0:
                raise KneeValueError(Status.EINVAL, "vikor_v must be in [0, 1], not %r" % v)
            if smaa and lib.knee_compare_options_set_smaa(o, smaa, seed, spread) < 0:
                raise KneeValueError(Status.EINVAL, "smaa must be at most 10000000 samples and "
                                     "smaa_spread in [0, 1], not %d and %r" % (smaa, spread))
            if sensitivity and lib.knee_compare_options_set_sensitivity(o, 1, margin) < 0:
                raise KneeValueError(Status.EINVAL, "fragile_margin must be a finite number "
                                     ">= 0, not %r" % margin)
    except BaseException:
        opts.close()
        raise
    return opts


def _load(call: Callable[[Any, Optional[int], Any], int], what: str,
          limits: Optional[Limits]) -> Tuple[Handle, List[Diagnostic]]:
    """Run a knee_ruleset_load_* call; (handle, warnings) or LoadError with every problem."""
    out, diag = ctypes.c_void_p(), ctypes.c_void_p()
    with Options(limits) as opts:
        try:
            status = call(ctypes.byref(out), opts, ctypes.byref(diag))
            found = diagnostics(diag.value)
        finally:
            lib.knee_diag_free(diag)
    if status < 0:
        raise LoadError(status, load_message(what, status, lib.knee_strerror(status), found), found)
    return Handle(out.value, lib.knee_ruleset_free, "ruleset"), found  # type: ignore[arg-type]


def check(path: PathLike, limits: Optional[Limits] = None) -> List[Diagnostic]:
    """Check a rule file as ``knee check`` does: every problem of loading it (errors and
    warnings), then, if it loads, the rule author's lint (unused sources, rules that can never
    fire, conflicting rules, unequal detail; warnings). ``[]`` for a clean file. A file that
    cannot be read is reported as an ``io`` diagnostic, not raised. Raises KneeError only when
    the check itself fails (e.g. out of memory) or ``limits`` is invalid."""
    cpath = path_arg(path, "the rule file's path")
    out, diag, lint = ctypes.c_void_p(), ctypes.c_void_p(), ctypes.c_void_p()
    with Options(limits) as opts:
        try:
            status = lib.knee_ruleset_load_file(ctypes.byref(out), cpath, opts,
                                                ctypes.byref(diag))
            found = diagnostics(diag.value)
            if status == 0:
                lib.knee_ruleset_lint(out, ctypes.byref(lint))
                found += diagnostics(lint.value)
        finally:
            lib.knee_diag_free(diag)
            lib.knee_diag_free(lint)
            lib.knee_ruleset_free(out)
    if status < 0 and not found:
        raise KneeError(status, "cannot check '%s': %s"
                        % (os.fspath(path), lib.knee_strerror(status)))
    return found


def _run(rs: int, p: int, opts: Optional[Handle], r: int) -> None:
    """knee_compare, or knee_compare_ex with the comparison options."""
    if opts is None:
        lib.knee_compare(rs, p, r)
    else:
        with opts as o:
            lib.knee_compare_ex(rs, p, o, r)


class _Light:
    """compare_many(full=False) items: each row's Ranking list in result order (ranked options
    by rank, tied ones in the library's tie order, then excluded ones in rule-file order).
    Populations repeat the same outcome over and over (rules fire on a few thresholds), so
    lists are kept by the row's bytes and copied: equal bytes, equal list."""

    def __init__(self, options: List["OptionInfo"], tie_order: List[int]) -> None:
        self.ids = [o.id for o in options]
        self.order_key = tie_order   # knee_ruleset_option_tie_order: the rule is the library's
        self.n = len(self.ids)
        self.excluded = [Ranking(i, None, None) for i in self.ids]
        self.cache: Dict[bytes, Tuple[Ranking, ...]] = {}
        self._buffers: Tuple[Any, ...] = (None, None, b"", b"")

    def item(self, ranks: "array", scores: "array", k: int) -> List[Ranking]:
        if self._buffers[0] is not ranks:   # one bytes copy per chunk, sliced per row
            self._buffers = (ranks, scores, ranks.tobytes(), scores.tobytes())
        rb, sb, n = self._buffers[2], self._buffers[3], self.n
        key = rb[4 * n * k:4 * n * (k + 1)] + sb[8 * n * k:8 * n * (k + 1)]
        found = self.cache.get(key)
        if found is None:
            row = ranks[n * k:n * (k + 1)]
            ranked = sorted((t for t in range(n) if row[t]),
                            key=lambda t: (row[t], self.order_key[t]))
            out: List[Any] = [Ranking(self.ids[t], row[t], scores[n * k + t]) for t in ranked]
            out += [self.excluded[t] for t in range(n) if not row[t]]
            if len(self.cache) >= 65536:
                self.cache.clear()
            found = self.cache[key] = tuple(out)
        return list(found)


# C results of closed Results, kept for the next compare() in any thread (list.pop and append
# are atomic): a reused result keeps its arrays and its PCRE2 match data and JIT stack, which
# a new one would allocate and map again (knee_result_new: "reuse it for many patients").
_SPARE_RESULTS: List[int] = []
_SPARE_MAX = 8


def _spare_result() -> int:
    try:
        return _SPARE_RESULTS.pop()
    except IndexError:
        out = ctypes.c_void_p()
        lib.knee_result_new(ctypes.byref(out))
        return out.value  # type: ignore[return-value]


def _keep_result(r: int) -> None:
    """A Result's free function: keep its C result for the next compare(), or free it."""
    if len(_SPARE_RESULTS) < _SPARE_MAX:
        _SPARE_RESULTS.append(r)
    else:
        lib.knee_result_free(r)


@atexit.register
def _free_spare_results() -> None:
    while _SPARE_RESULTS:
        lib.knee_result_free(_SPARE_RESULTS.pop())


def _threads_arg(threads: Optional[int]) -> int:
    """compare_many/compare_frame(threads=): default 2 on a machine with several cores."""
    if threads is None:
        threads = 2 if (os.cpu_count() or 1) > 1 else 1
    return int_arg(threads, "threads", 1, MAX_THREADS)


class _Workers:
    """The threads of compare_many and compare_frame: a scratch result each, the calling thread
    and a pool of threads - 1 (ctypes releases the GIL). close() frees them."""

    def __init__(self, ruleset: Handle, threads: int) -> None:
        self.scratches: List[Handle] = []
        self.pool: Optional[concurrent.futures.ThreadPoolExecutor] = None
        try:
            for _ in range(threads):
                self.scratches.append(new_handle(lib.knee_result_new, lib.knee_result_free,
                                                 "result", parent=ruleset))
            if threads > 1:
                self.pool = concurrent.futures.ThreadPoolExecutor(threads - 1)
        except BaseException:
            self.close()
            raise

    def run(self, ruleset: "Ruleset", batch: Handle, opts: Optional[Handle], n: int,
            work: Callable[..., Any]) -> List[Any]:
        """Compare the n rows of batch, split into one run of rows per thread: what
        ``work(rs, b, opts, scratch, first, count)`` returns for each run, in row order.

        Each run takes its own uses of the handles it reads (the caller keeps its output
        buffers alive), and the runs are waited for even when this thread is interrupted (an
        exception from a signal handler): a worker never reads freed memory."""
        runs = min(len(self.scratches), n)      # never an empty run
        bounds = [(n * t // runs, n * (t + 1) // runs) for t in range(runs)]

        def run(t: int, first: int, last: int) -> Any:
            with uses(ruleset._handle, batch, opts, self.scratches[t]) as (rs, b, o, r):
                return work(rs, b, o, r, first, last - first)

        futures = [self.pool.submit(run, t, first, last)     # type: ignore[union-attr]
                   for t, (first, last) in enumerate(bounds) if t]
        try:
            return [run(0, *bounds[0])] + [f.result() for f in futures]
        finally:
            for f in futures:       # interrupted: cancel what has not started, wait for the rest
                f.cancel()
            concurrent.futures.wait(futures)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True)
        for handle in self.scratches:
            handle.close()


class Ruleset:
    """A loaded rule file: options, criteria, facts, sources and rules, immutable.

    Make one with :meth:`load`, :meth:`from_string` or :meth:`default`. A Ruleset may be shared
    by any number of threads: :meth:`compare` releases the GIL while libknee works, and each
    call uses its own C patient and result. Free it with close() or a ``with`` block; results
    and patients made from it keep the C ruleset alive until they are closed too.
    """

    def __init__(self, handle: Handle, warnings: Iterable[Diagnostic] = ()) -> None:
        """Not for direct use: see load(), from_string() and default()."""
        self._handle = handle
        self.warnings: List[Diagnostic] = list(warnings)
        """Warnings found at load (a successful load reports no errors)."""
        # Reading results (_pack.py): the ruleset's strings by address, each decoded once (they
        # live as long as the ruleset), and the largest packed result seen, in bytes.
        self._strings = _pack.Strings()
        self._pack_size = 0
        with handle as rs:
            self._label = "%s %s" % (lib.knee_ruleset_id(rs), lib.knee_ruleset_version(rs))
            # Declared fact types, for the checks the C setters cannot make (a list given for
            # a fact that is not a set). A ruleset never changes, so this stays true.
            self._fact_types = {lib.knee_ruleset_fact_id(rs, i):
                                _FACT_TYPES.get(lib.knee_ruleset_fact_type(rs, i), "unknown")
                                for i in range(lib.knee_ruleset_fact_count(rs))}

    # -- loading ------------------------------------------------------------------------------

    @classmethod
    def load(cls, path: PathLike, limits: Optional[Limits] = None) -> "Ruleset":
        """Load a rule file. ``limits`` overrides input limits by name (e.g.
        ``{"input_bytes": 1 << 20}``; see :data:`knee.LIMITS` and docs/limits.md). Raises
        LoadError, whose ``diagnostics`` lists every problem with file, line and column."""
        cpath = path_arg(path, "the rule file's path")
        return cls(*_load(lambda out, o, d: lib.knee_ruleset_load_file(out, cpath, o, d),
                          "rule file '%s'" % os.fspath(path), limits))

    @classmethod
    def from_string(cls, xml: Union[str, bytes], name: Optional[str] = None,
                    limits: Optional[Limits] = None) -> "Ruleset":
        """Load a rule file from its text (str, or bytes in the file's own encoding). ``name``
        stands for the file name in diagnostics (``"<memory>"`` when None)."""
        data = data_arg(xml, "the rule file's text")
        cname = None if name is None else cstr(name, "name")
        return cls(*_load(lambda out, o, d: lib.knee_ruleset_load_memory(out, data, len(data),
                                                                         cname, o, d),
                          "rules '%s'" % (name or "<memory>"), limits))

    @classmethod
    def default(cls) -> "Ruleset":
        """The knee-OA rule set compiled into the library (needs no files)."""
        return cls(*_load(lambda out, o, d: lib.knee_ruleset_load_default(out, d),
                          "the default rules", None))

    # -- metadata -----------------------------------------------------------------------------

    def _get(self, fn: Callable[[int], Any]) -> Any:
        with self._handle as rs:
            return fn(rs)

    @property
    def id(self) -> str:
        """The rule file's id, e.g. ``'knee-oa'``."""
        return self._get(lib.knee_ruleset_id)

    @property
    def version(self) -> str:
        """The rule file's version."""
        return self._get(lib.knee_ruleset_version)

    @property
    def title(self) -> str:
        """The rule file's title."""
        return self._get(lib.knee_ruleset_title)

    @property
    def description(self) -> Optional[Texts]:
        """The rule file's description for each audience (:class:`Texts`), or None."""
        return self._get(lambda rs: _texts(lib.knee_ruleset_description, rs))

    @property
    def region_groups(self) -> Dict[str, Tuple[str, ...]]:
        """The rule file's region groups: id -> member codes (lower case, sorted)."""
        def read(rs: int) -> Dict[str, Tuple[str, ...]]:
            return {lib.knee_ruleset_region_group_id(rs, k):
                    tuple(lib.knee_ruleset_region_group_member(rs, k, m)
                          for m in range(lib.knee_ruleset_region_group_member_count(rs, k)))
                    for k in range(lib.knee_ruleset_region_group_count(rs))}
        return self._get(read)

    @property
    def status(self) -> str:
        """The rule file's status, e.g. ``'active'`` or ``'draft'``."""
        return self._get(lib.knee_ruleset_status)

    @property
    def evidence_as_of(self) -> str:
        """The date the evidence was last reviewed (YYYY-MM-DD)."""
        return self._get(lib.knee_ruleset_evidence_as_of)

    @property
    def sha256(self) -> str:
        """Lower-case hex SHA-256 of the exact bytes loaded."""
        return self._get(lib.knee_ruleset_sha256)

    @property
    def name(self) -> str:
        """The file name or name given at load (``'knee-oa.xml (built in)'`` for the default)."""
        return self._get(lib.knee_ruleset_name)

    @property
    def rule_count(self) -> int:
        """The number of rules (in treatments and at top level)."""
        return self._get(lib.knee_ruleset_rule_count)

    def _index(self, kind: str, id: Any) -> Optional[int]:
        """The document-order index of the ``kind`` ("fact", "option" or "criterion") whose id
        is ``id``, as knee_ruleset_{kind}_index finds it (a bisection in C); None when the rule
        file declares none, or ``id`` is not a str the C API can take (no NUL). Answers while
        the C ruleset lives, closed or not (a Result keeps it alive for its own lookups)."""
        data = _batch._utf8(id) if isinstance(id, str) else None
        if data is None:
            return None
        find = getattr(lib, "knee_ruleset_%s_index" % kind)
        rs = self._handle.hold()
        try:
            i = find(rs, data)
        finally:
            self._handle.release()
        return None if i == _NO_INDEX else i

    @property
    def options(self) -> List[OptionInfo]:
        """The treatment options, in document order."""
        def read(rs: int) -> List[OptionInfo]:
            return [OptionInfo(lib.knee_ruleset_option_id(rs, i),
                               lib.knee_ruleset_option_name(rs, i),
                               _texts(lib.knee_ruleset_option_description, rs, i))
                    for i in range(lib.knee_ruleset_option_count(rs))]
        return self._get(read)

    @property
    def criteria(self) -> List[CriterionInfo]:
        """The criteria, in document order."""
        def one(rs: int, i: int) -> CriterionInfo:
            worst, best, missing = ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
            has_scale = lib.knee_ruleset_criterion_scale(rs, i, ctypes.byref(worst),
                                                         ctypes.byref(best))
            has_missing = lib.knee_ruleset_criterion_missing_utility(rs, i, ctypes.byref(missing))
            return CriterionInfo(
                id=lib.knee_ruleset_criterion_id(rs, i),
                label=lib.knee_ruleset_criterion_label(rs, i),
                unit=lib.knee_ruleset_criterion_unit(rs, i),
                direction="minimize" if lib.knee_ruleset_criterion_direction(rs, i) < 0
                else "maximize",
                weight=lib.knee_ruleset_criterion_weight(rs, i),
                levels=tuple(Level(lib.knee_ruleset_criterion_level(rs, i, k),
                                   lib.knee_ruleset_criterion_level_label(rs, i, k))
                             for k in range(lib.knee_ruleset_criterion_level_count(rs, i))),
                scale=(worst.value, best.value) if has_scale else None,
                missing_utility=missing.value if has_missing else None,
                description=_texts(lib.knee_ruleset_criterion_description, rs, i))
        return self._get(lambda rs: [one(rs, i)
                                     for i in range(lib.knee_ruleset_criterion_count(rs))])

    @property
    def facts(self) -> List[FactInfo]:
        """The declared facts, in document order."""
        def one(rs: int, i: int) -> FactInfo:
            lo, hi = ctypes.c_double(), ctypes.c_double()
            has_lo = lib.knee_ruleset_fact_min(rs, i, ctypes.byref(lo))
            has_hi = lib.knee_ruleset_fact_max(rs, i, ctypes.byref(hi))
            return FactInfo(
                id=lib.knee_ruleset_fact_id(rs, i),
                type=_FACT_TYPES.get(lib.knee_ruleset_fact_type(rs, i), "unknown"),
                label=lib.knee_ruleset_fact_label(rs, i),
                unit=lib.knee_ruleset_fact_unit(rs, i),
                min=lo.value if has_lo else None,
                max=hi.value if has_hi else None,
                values=tuple(lib.knee_ruleset_fact_value(rs, i, k)
                             for k in range(lib.knee_ruleset_fact_value_count(rs, i))),
                region=bool(lib.knee_ruleset_fact_is_region(rs, i)))
        return self._get(lambda rs: [one(rs, i) for i in range(lib.knee_ruleset_fact_count(rs))])

    @property
    def sources(self) -> List[SourceInfo]:
        """The sources the rule file cites, in document order."""
        def read(rs: int) -> List[SourceInfo]:
            return [SourceInfo(lib.knee_ruleset_source_id(rs, i),
                               lib.knee_ruleset_source_title(rs, i),
                               lib.knee_ruleset_source_url(rs, i),
                               lib.knee_ruleset_source_year(rs, i))
                    for i in range(lib.knee_ruleset_source_count(rs))]
        return self._get(read)

    def run_tests(self) -> CaseReport:
        """Run the rule file's own ``<tests>`` cases."""
        cases, failed, report = ctypes.c_size_t(), ctypes.c_size_t(), ctypes.c_void_p()
        with self._handle as rs:
            lib.knee_ruleset_run_tests(rs, ctypes.byref(cases), ctypes.byref(failed),
                                       ctypes.byref(report))
        text = take_string(report) if report.value else ""
        return CaseReport(cases.value, failed.value, tuple(text.splitlines()))

    # -- comparing ----------------------------------------------------------------------------

    def patient(self, facts: Optional[Facts] = None, weights: Optional[Weights] = None) -> Patient:
        """A new :class:`Patient` for this ruleset (same as ``Patient(self, facts, weights)``)."""
        return Patient(self, facts, weights)

    def compare(self, facts: Union[Facts, Patient, None] = None,
                weights: Optional[Weights] = None, *, method: Optional[str] = None,
                vikor_v: Optional[float] = None, smaa: int = 0, seed: int = 0,
                smaa_spread: float = 0.0, sensitivity: bool = False,
                fragile_margin: float = 0.05, missing: Optional[str] = None) -> Result:
        """Compare every option for one patient and return the :class:`Result`.

        ``facts`` maps fact ids to values (see :meth:`Patient.set` for how Python types map
        to fact types; None or a missing key = unknown), or is a :class:`Patient`.
        ``weights`` maps criterion ids to preference weights (>= 0; normalised to sum 1),
        overriding the rule file's defaults. Raises PatientError for bad facts or weights.
        Safe to call from many threads at once on one Ruleset.

        ``method``: one of :data:`METHODS` (default: the rule file's, normally
        ``'weighted-sum'``); ``vikor_v``: VIKOR's strategy weight in [0, 1] (default 0.5).
        ``smaa``: run SMAA-2 with this many samples (``seed``; ``smaa_spread`` 0 samples
        weights uniformly, else within +-spread of the patient's); see ``Result.smaa``.
        ``sensitivity``: analyse how stable the winner is under weight changes, flagging a
        margin below ``fragile_margin``; see ``Result.sensitivity``. docs/methods.md explains
        them. ``missing``: how unknown values are scored, one of :data:`MISSING_POLICIES`
        (default: the rule file's, ``'interval'`` unless it says; ``Result.missing_policy``).
        """
        opts = _compare_options(method, vikor_v, smaa, seed, smaa_spread, sensitivity,
                                fragile_margin, missing)
        try:
            if isinstance(facts, Patient):
                if weights is not None:
                    raise KneeError(Status.EINVAL,
                                    "give the weights to the Patient, not to compare()")
                return self._compare(facts._handle, opts)
            with Patient(self, facts, weights) as patient:
                return self._compare(patient._handle, opts)
        finally:
            if opts is not None:
                opts.close()

    def compare_fhir(self, data: Union[str, bytes, Mapping[str, Any]], as_of: str,
                     weights: Optional[Weights] = None, *, facts: Optional[Facts] = None,
                     name: Optional[str] = None, limits: Optional[Limits] = None,
                     **compare_options: Any) -> Tuple[Result, Dict[str, Any]]:
        """Compare every option for a patient given as FHIR R4 data (JSON or XML text or
        bytes: a Bundle, a resource, a CDS Hooks prefetch object or request; or a parsed JSON
        object), read through the rule file's <fhir> mapping at ``as_of`` ("YYYY-MM-DD"; the
        clock is never read). ``facts`` (optional) are applied after the FHIR data, so the
        clinician's answers win. Returns ``(result, report)``: the :class:`Result` and the
        FHIR report (facts and the resources they came from, missing facts, ignored
        resources, warnings; docs/fhir.md). Other keyword arguments are those of
        :meth:`compare`. Raises PatientError for data that cannot be used."""
        with Patient(self, None, weights) as patient:
            report = patient.load_fhir(data, as_of, name=name, limits=limits)
            if facts:
                patient.update(facts)
            return self.compare(patient, **compare_options), report

    def fhir_prefetch(self) -> Dict[str, str]:
        """The CDS Hooks prefetch templates the rule file's <fhir> mapping needs, as a dict of
        prefetch key -> FHIR query template (``{"patient": "Patient/{{context.patientId}}",
        "conditions": "Condition?patient={{context.patientId}}&code=...", ...}``; only the
        keys the mapping reads; docs/cds-hooks.md). A prefetch object with these keys is what
        :meth:`compare_fhir` reads. Raises KneeError (EINVAL) for a rule file without <fhir>."""
        out, n = ctypes.c_void_p(), ctypes.c_size_t()
        with self._handle as rs:
            lib.knee_ruleset_fhir_prefetch(rs, ctypes.byref(out), ctypes.byref(n))
        return dict(json.loads(take_string(out, n.value)))

    def _compare(self, patient: Handle, opts: Optional[Handle]) -> Result:
        result = Handle(_spare_result(), _keep_result, "result", exclusive=True,
                        parent=self._handle)
        try:
            with self._handle as rs, patient as p, result as r:
                _run(rs, p, opts, r)
        except BaseException:
            result.close()
            raise
        return Result(self, result)

    def compare_many(self, patients: Iterable[Facts], weights: Optional[Weights] = None,
                     full: bool = True, *, method: Optional[str] = None,
                     vikor_v: Optional[float] = None, smaa: int = 0, seed: int = 0,
                     smaa_spread: float = 0.0, sensitivity: bool = False,
                     fragile_margin: float = 0.05, chunk_size: Optional[int] = None,
                     errors: str = "raise", threads: Optional[int] = None,
                     missing: Optional[str] = None) -> Iterator[Union[Result, List[Ranking],
                                                                      KneeError]]:
        """Compare every option for each patient of ``patients`` (fact dicts, as for
        :meth:`compare`), lazily: a generator yielding one item per patient, in order.

        ``weights`` and the keyword arguments (as for :meth:`compare`) apply to every
        patient. With ``full=True`` each item is a
        :class:`Result` that holds only the result's JSON text (about 28 KB for the default
        rules; its options are parsed when first read). With ``full=False`` each item is a
        list of :class:`Ranking` ``(id, rank, score)`` tuples in result order, which is much
        faster.

        The patients are read ``chunk_size`` at a time (default 4096 with ``full=False``, 64
        with ``full=True``), turned into one C column per fact and compared by libknee's batch
        path (knee_compare_batch, docs/scaling.md), so memory stays bounded whatever the
        length of ``patients``: one chunk of input and its results. A bad patient raises
        PatientError naming its index (``"patient 7: fact 'age': ..."``, the same reason
        :meth:`compare` gives) after the items before it, and ends the generator (the rest of
        its chunk is not compared). With ``errors="yield"`` the error is yielded in the bad
        patient's place instead, and the generator goes on. ``threads`` (default 2 on a
        machine with several cores, else 1) compare disjoint rows of each chunk at once with
        the GIL released; use ``threads=1`` where each process has one core (Spark executors).
        An exception from a signal handler (KeyboardInterrupt) reaches the caller once the
        threads' C calls are done; nothing is freed while a thread uses it. A generator is for
        one thread.
        """
        if errors not in ("raise", "yield"):
            raise KneeValueError(Status.EINVAL, "errors must be 'raise' or 'yield', not %r"
                                 % (errors,))
        if isinstance(patients, (Mapping, str, bytes)):
            raise KneeTypeError(Status.EINVAL, "patients must be an iterable of fact dicts, "
                                "not one %s" % type(patients).__name__)
        full = flag_arg(full, "full")
        size = (64 if full else 4096) if chunk_size is None else \
            int_arg(chunk_size, "chunk_size", 1, 2 ** 31)
        threads = _threads_arg(threads)
        opts = _compare_options(method, vikor_v, smaa, seed, smaa_spread, sensitivity,
                                fragile_margin, missing)
        kw = dict(method=method, vikor_v=vikor_v, smaa=smaa, seed=seed, smaa_spread=smaa_spread,
                  sensitivity=sensitivity, fragile_margin=fragile_margin, missing=missing)
        workers = None
        try:
            workers = _Workers(self._handle, threads)
            source, index = iter(patients), 0
            light = None if full else _Light(self.options, self._get(
                lambda rs: [lib.knee_ruleset_option_tie_order(rs, i)
                            for i in range(lib.knee_ruleset_option_count(rs))]))
            while True:
                chunk = list(itertools.islice(source, size))
                if not chunk:
                    return
                n = len(chunk)
                cols = _batch.Columns.from_dicts(chunk)
                with self._handle as rs:
                    batch = _batch.make_batch(rs, self._handle, self._fact_types, cols, weights,
                                              _batch.MARK_ROW)
                try:
                    if full:
                        out = workers.run(self, batch, opts, n, _batch.compare_json)
                        texts = [t for texts_, _ in out for t in texts_]
                        status = [s_ for _, st in out for s_ in st]
                    else:
                        out = ranks, scores, status = (array("i", [0]) * (n * light.n),
                                                       array("d", [0.0]) * (n * light.n),
                                                       array("i", [0]) * n)
                        workers.run(self, batch, opts, n,
                                    lambda rs, b, o, r, first, count: _batch.compare_ranks(
                                        rs, b, o, r, first, count, light.n, out))
                    reasons = _batch.row_reasons(batch, cols, chunk, status)
                finally:
                    batch.close()
                for k in range(n):
                    if status[k] != 0 or k in cols.bad:
                        try:
                            if k in reasons:
                                raise PatientError(status[k], "patient %d: %s"
                                                   % (index + k, reasons[k]))
                            self._raise_for(chunk[k], weights, kw, index + k, status[k])
                        except KneeError as e:
                            if errors == "raise":
                                raise
                            yield e
                            continue
                    if full:
                        yield Result(self, json_text=texts[k])
                    else:
                        yield light.item(ranks, scores, k)
                index += n
        finally:
            if workers is not None:
                workers.close()
            if opts is not None:
                opts.close()

    def compare_frame(self, df: Any, id_column: Optional[str] = None, full: bool = False,
                      weights: Optional[Weights] = None, *, missing: Optional[str] = None,
                      method: Optional[str] = None, vikor_v: Optional[float] = None,
                      threads: Optional[int] = None,
                      ignore_unknown_columns: bool = False) -> Any:
        """Compare every option for each row of a pandas DataFrame (one patient per row, one
        fact per column) and return a DataFrame with one row per patient, indexed like ``df``.
        pandas is imported only when this is called (ImportError saying what to install).

        Cells are read as :meth:`compare` reads values (docs/python.md, "How values are
        read"): NaN, None, pandas NA/NaT and "" are unknown for every fact type; numpy scalars
        and pandas extension types (Int64, boolean, string, category) are read as their
        values. ``id_column`` names the column copied to ``id`` (default: a column named
        ``id`` when the rule file has no such fact; without one, ``id`` is the index label).
        Every other column must be a fact: other columns raise PatientError naming each with
        the nearest fact ids, unless ``ignore_unknown_columns``. ``weights``, ``missing``,
        ``method`` and ``vikor_v`` apply to every row, as for :meth:`compare`; ``threads`` as
        for :meth:`compare_many`.

        The columns, in this order:

        ==========================  ==========================================================
        ``id``                      the id column's value (or the row's index label)
        ``status``                  ``"ok"``, or ``"error"`` for a row that was not compared
        ``error``                   for an error row ``"code: row R, column C: why"``, the
                                    knee command's code (``out-of-range``, ``wrong-type``,
                                    ``bad-value``, ``unknown-fact``, ``too-long``,
                                    ``compare``) and the reason compare() gives, with the fix
                                    (``(and N more)`` when several cells are bad); else None
        ``top``                     the rank-1 option's id (the first by name when several
                                    tie at 1), None when no option is ranked
        ``<option>_rank``           per option, in rule-file order: its rank (Int64, 1 =
                                    best, ties share a rank); <NA> when it is excluded for the
                                    patient, or the row failed (never 0)
        ``<option>_score``          its score (float64, the method's); NaN likewise
        ``<option>_score_low``,     the score range over the unknown values (the weighted sum
        ``<option>_score_high``     only; NaN for other methods, excluded options, failed rows)
        ``<option>_excluded``       True when the rules exclude the option for the patient
                                    (boolean; <NA> for a failed row)
        ``<option>_best_rank``,     with ``full=True`` only: the rank range over the unknown
        ``<option>_worst_rank``     values (Int64; <NA> where the score range is NaN)
        ==========================  ==========================================================

        A bad cell never stops the frame: its row gets ``status`` ``"error"``. Bad weights or
        arguments raise. Rows are compared in chunks of 16384, in ``threads`` threads with
        the GIL released (docs/scaling.md).
        """
        full = flag_arg(full, "full")
        ignore_unknown_columns = flag_arg(ignore_unknown_columns, "ignore_unknown_columns")
        threads = _threads_arg(threads)
        opts = _compare_options(method, vikor_v, 0, 0, 0.0, False, 0.05, missing)
        kw = dict(method=method, vikor_v=vikor_v, missing=missing)
        workers = None
        try:
            workers = _Workers(self._handle, threads)
            return _frame.compare(self, df, id_column, full, weights, opts, kw, workers,
                                  ignore_unknown_columns)
        finally:
            if workers is not None:
                workers.close()
            if opts is not None:
                opts.close()

    def _raise_for(self, facts: Any, weights: Optional[Weights], kw: Dict[str, Any],
                   index: int, status: int) -> None:
        """Raise the error compare() gives for this patient, naming its index."""
        try:
            self.compare(facts, weights, **kw).close()
        except KneeError as e:
            raise type(e)(e.code, "patient %d: %s" % (index, e.message), e.diagnostics) from None
        raise PatientError(status or Status.EINVAL, "patient %d: %s"
                           % (index, lib.knee_strerror(status or Status.EINVAL)))

    def compare_columns(self, columns: Mapping[str, Sequence[Any]],
                        weights: Optional[Weights] = None, *, method: Optional[str] = None,
                        vikor_v: Optional[float] = None,
                        missing: Optional[str] = None) -> Tuple["array", "array"]:
        """Ranks and scores for many patients given as columns: ``columns`` maps fact ids to
        equally long sequences (lists, tuples, ``array.array``, or anything indexable; a
        ``array.array('d')`` of numbers is used without copying). Values are read as
        :meth:`compare` reads them (docs/python.md, "How values are read": None, NaN and ""
        are unknown; numbers, bools, str parsed by the fact's type, lists of str for sets).

        Returns ``(ranks, scores)``, two ``array.array`` (``'i'`` and ``'d'``) of
        ``n x len(self.options)`` cells, row-major, options in rule-file order (as
        :attr:`options`): rank 1-based, 0 for an excluded option; the method's score (as
        ``OptionResult.score``, 0 for an excluded option). Raises PatientError naming the row
        and fact of the first bad cell. Releases the GIL while libknee works. ``method``,
        ``vikor_v`` and ``missing`` as for :meth:`compare`; tied options share a rank."""
        opts = _compare_options(method, vikor_v, 0, 0, 0.0, False, 0.05, missing)
        try:
            return self._compare_columns(columns, weights, opts)
        finally:
            if opts is not None:
                opts.close()

    def _compare_columns(self, columns: Mapping[str, Sequence[Any]], weights: Optional[Weights],
                         opts: Optional[Handle]) -> Tuple["array", "array"]:
        if not isinstance(columns, Mapping):
            raise KneeTypeError(Status.EINVAL, "columns must be a mapping of fact ids to "
                                "sequences, not %s" % type(columns).__name__)
        for fact, col in columns.items():
            if isinstance(col, (str, bytes)) or not hasattr(col, "__len__"):
                raise KneeTypeError(Status.EINVAL, "column %r must be a sequence of values, "
                                    "not %s" % (fact, type(col).__name__))
        lengths = {len(col) for col in columns.values()}
        if len(lengths) > 1:
            raise KneeValueError(Status.EINVAL, "columns of different lengths: %s"
                                 % ", ".join("%s=%d" % (f, len(c)) for f, c in columns.items()))
        n = lengths.pop() if lengths else 0
        cols = _batch.Columns(n)
        fast: Dict[str, Any] = {}
        for fact, col in columns.items():
            if (isinstance(col, array) and col.typecode == "d" and
                    self._fact_types.get(fact) in ("number", "integer")):
                fast[fact] = col            # no copy: the C column reads the array's buffer
            else:
                cols.cells[fact] = list(col)
        n_options = len(self.options)
        with self._handle as rs:
            batch = _batch.make_batch(rs, self._handle, self._fact_types, cols, weights,
                                      _batch.FAIL_COLUMN)
        out = (array("i", [0]) * (n * n_options), array("d", [0.0]) * (n * n_options),
               array("i", [0]) * n)
        try:
            with uses(self._handle, batch, opts) as (rs, b, o):
                for fact, col in fast.items():
                    status = lib.knee_batch_set_numbers(b, fact.encode("utf-8"),
                                                        col.buffer_info()[0], _batch.FAIL_COLUMN)
                    if status < 0:
                        raise PatientError(status, lib.knee_batch_errmsg(b))
                _batch.compare_ranks(rs, b, o, None, 0, n, n_options, out)
        finally:
            batch.close()
        ranks, scores, status = out
        for k in range(n):
            if status[k] != 0:   # only a comparison can fail here (e.g. all weights zero)
                raise PatientError(status[k], "row %d: %s" % (k, lib.knee_strerror(status[k])))
        return ranks, scores

    # -- lifetime -----------------------------------------------------------------------------

    @property
    def closed(self) -> bool:
        """True once close() was called."""
        return self._handle.closed

    def close(self) -> None:
        """Free the ruleset (once the results and patients made from it are closed too).
        Idempotent; any later use raises KneeError."""
        self._handle.close()

    def __enter__(self) -> "Ruleset":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return "<knee.Ruleset %s%s>" % (self._label, " (closed)" if self.closed else "")
