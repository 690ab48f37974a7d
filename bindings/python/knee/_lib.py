"""Finding and loading libknee, and the ctypes declaration of every C function the binding uses.

The library is searched in this order (the first that loads and has the right major version
wins):

1. the ``LIBKNEE_PATH`` environment variable (a file, or a directory holding libknee.so.0);
   when it is set it is the only place tried, so an explicit choice is never silently ignored;
2. a library installed next to the package's modules, ``knee/libknee.so.0``;
3. ``ctypes.util.find_library("knee")``;
4. the SONAME ``libknee.so.0`` (the dynamic linker's own search: LD_LIBRARY_PATH, ld.so.cache).

If none works, ImportError lists every attempt and why it failed.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import numbers
import os
import threading
from ctypes import (POINTER, c_char_p, c_double, c_int, c_int64, c_size_t, c_uint, c_uint64,
                    c_void_p)
from typing import Any, Callable, Iterator, List, Mapping, Optional, Tuple

from ._errors import Diagnostic, KneeError, KneeTypeError, KneeValueError, PatientError, Status

#: The library major version this binding is written for (knee_version_number() // 10000).
EXPECTED_MAJOR = 0
SONAME = "libknee.so.0"
_HERE = os.path.dirname(os.path.abspath(__file__))
BUNDLED = os.path.join(_HERE, SONAME)

# ---- result conversion (errcheck hooks) -----------------------------------------------------


def _text(result: Optional[bytes], func: Any, args: tuple) -> Optional[str]:
    """Borrowed ``const char *`` -> str (copied), or None for NULL."""
    return None if result is None else result.decode("utf-8", "replace")


def _status(result: int, func: Any, args: tuple) -> int:
    if result < 0:
        raise KneeError(result, lib.knee_strerror(result))
    return result


def _patient_status(result: int, func: Any, args: tuple) -> int:
    """Patient setters: the reason is kept on the patient (knee_patient_errmsg)."""
    if result < 0:
        raise PatientError(result, lib.knee_patient_errmsg(args[0]) or lib.knee_strerror(result))
    return result


def _compare_status(result: int, func: Any, args: tuple) -> int:
    """knee_compare(_ex): the reason is kept on the result, the last argument."""
    if result < 0:
        message = lib.knee_result_errmsg(args[-1]) or lib.knee_strerror(result)
        raise (PatientError if result == Status.EWEIGHT else KneeError)(result, message)
    return result


# ---- declarations -----------------------------------------------------------------------------

_P = c_void_p            # every handle is an opaque pointer
_PP = POINTER(c_void_p)  # an output handle
_S = c_size_t
_STR = (c_char_p, _text)
_INT = (c_int, None)
_SIZE = (c_size_t, None)
_DBL = (c_double, None)
_VOID = (None, None)
_ST = (c_int, _status)
_PST = (c_int, _patient_status)
_RAW = (c_int, None)     # statuses the caller turns into exceptions itself (loads, has)

_SIGNATURES: Mapping[str, Tuple[Tuple[Any, Optional[Callable]], List[Any]]] = {
    "knee_version_string": (_STR, []),
    "knee_version_number": (_INT, []),
    "knee_strerror": ((c_char_p, _text), [c_int]),
    "knee_free": (_VOID, [c_void_p]),
    # options and limits
    "knee_options_new": (_ST, [_PP]),
    "knee_options_free": (_VOID, [_P]),
    "knee_options_set_limit": (_ST, [_P, c_int, c_int64]),
    "knee_options_get_limit": ((c_int64, None), [_P, c_int]),
    # diagnostics
    "knee_diag_count": (_SIZE, [_P]),
    "knee_diag_status": (_INT, [_P, _S]),
    "knee_diag_code": (_STR, [_P, _S]),
    "knee_diag_message": (_STR, [_P, _S]),
    "knee_diag_file": (_STR, [_P, _S]),
    "knee_diag_line": ((c_uint, None), [_P, _S]),
    "knee_diag_column": ((c_uint, None), [_P, _S]),
    "knee_diag_element": (_STR, [_P, _S]),
    "knee_diag_severity": (_INT, [_P, _S]),
    "knee_diag_free": (_VOID, [_P]),
    # rulesets
    "knee_ruleset_load_file": (_RAW, [_PP, c_char_p, _P, _PP]),
    "knee_ruleset_load_memory": (_RAW, [_PP, c_char_p, _S, c_char_p, _P, _PP]),
    "knee_ruleset_load_default": (_RAW, [_PP, _PP]),
    "knee_ruleset_free": (_VOID, [_P]),
    "knee_ruleset_id": (_STR, [_P]),
    "knee_ruleset_version": (_STR, [_P]),
    "knee_ruleset_title": (_STR, [_P]),
    "knee_ruleset_status": (_STR, [_P]),
    "knee_ruleset_evidence_as_of": (_STR, [_P]),
    "knee_ruleset_sha256": (_STR, [_P]),
    "knee_ruleset_name": (_STR, [_P]),
    "knee_ruleset_option_count": (_SIZE, [_P]),
    "knee_ruleset_option_id": (_STR, [_P, _S]),
    "knee_ruleset_option_name": (_STR, [_P, _S]),
    "knee_ruleset_description": (_STR, [_P, c_int]),
    "knee_ruleset_option_description": (_STR, [_P, _S, c_int]),
    "knee_ruleset_criterion_description": (_STR, [_P, _S, c_int]),
    "knee_ruleset_criterion_count": (_SIZE, [_P]),
    "knee_ruleset_criterion_id": (_STR, [_P, _S]),
    "knee_ruleset_criterion_label": (_STR, [_P, _S]),
    "knee_ruleset_criterion_unit": (_STR, [_P, _S]),
    "knee_ruleset_criterion_direction": (_INT, [_P, _S]),
    "knee_ruleset_criterion_weight": (_DBL, [_P, _S]),
    "knee_ruleset_criterion_level_count": (_SIZE, [_P, _S]),
    "knee_ruleset_criterion_level": (_STR, [_P, _S, _S]),
    "knee_ruleset_criterion_level_label": (_STR, [_P, _S, _S]),
    "knee_ruleset_criterion_scale": (_INT, [_P, _S, POINTER(c_double), POINTER(c_double)]),
    "knee_ruleset_criterion_missing_utility": (_INT, [_P, _S, POINTER(c_double)]),
    "knee_ruleset_rule_count": (_SIZE, [_P]),
    "knee_ruleset_fact_count": (_SIZE, [_P]),
    "knee_ruleset_fact_id": (_STR, [_P, _S]),
    "knee_ruleset_fact_type": (_INT, [_P, _S]),
    "knee_ruleset_fact_label": (_STR, [_P, _S]),
    "knee_ruleset_fact_unit": (_STR, [_P, _S]),
    "knee_ruleset_fact_min": (_INT, [_P, _S, POINTER(c_double)]),
    "knee_ruleset_fact_max": (_INT, [_P, _S, POINTER(c_double)]),
    "knee_ruleset_fact_value_count": (_SIZE, [_P, _S]),
    "knee_ruleset_fact_value": (_STR, [_P, _S, _S]),
    "knee_ruleset_source_count": (_SIZE, [_P]),
    "knee_ruleset_source_id": (_STR, [_P, _S]),
    "knee_ruleset_source_title": (_STR, [_P, _S]),
    "knee_ruleset_source_url": (_STR, [_P, _S]),
    "knee_ruleset_source_year": (_INT, [_P, _S]),
    "knee_ruleset_run_tests": (_ST, [_P, POINTER(c_size_t), POINTER(c_size_t), _PP]),
    "knee_ruleset_lint": (_ST, [_P, _PP]),
    # patients
    "knee_patient_new": (_ST, [_PP, _P]),
    "knee_patient_free": (_VOID, [_P]),
    "knee_patient_clear": (_VOID, [_P]),
    "knee_patient_set_number": (_PST, [_P, c_char_p, c_double]),
    "knee_patient_set_bool": (_PST, [_P, c_char_p, c_int]),
    "knee_patient_set_string": (_PST, [_P, c_char_p, c_char_p]),
    "knee_patient_add_to_set": (_PST, [_P, c_char_p, c_char_p]),
    "knee_patient_set_text": (_PST, [_P, c_char_p, c_char_p]),
    "knee_patient_unset": (_PST, [_P, c_char_p]),
    "knee_patient_has": (_RAW, [_P, c_char_p]),
    "knee_patient_set_weight": (_PST, [_P, c_char_p, c_double]),
    "knee_patient_set_swing": (_PST, [_P, c_char_p, c_double]),
    "knee_patient_rank_criteria": (_PST, [_P, POINTER(c_char_p), _S, c_int]),
    "knee_patient_load_file": (_RAW, [_P, c_char_p, _P, _PP]),
    "knee_patient_load_memory": (_RAW, [_P, c_char_p, _S, c_char_p, _P, _PP]),
    "knee_patient_errmsg": (_STR, [_P]),
    # comparison options, comparison and results
    "knee_method_name": (_STR, [c_int]),
    "knee_method_from_name": (_RAW, [c_char_p]),
    "knee_compare_options_new": (_ST, [_PP]),
    "knee_compare_options_free": (_VOID, [_P]),
    "knee_compare_options_set_method": (_ST, [_P, c_int]),
    "knee_compare_options_set_vikor_v": (_RAW, [_P, c_double]),
    "knee_compare_options_set_smaa": (_RAW, [_P, c_uint64, c_uint64, c_double]),
    "knee_compare_options_set_sensitivity": (_RAW, [_P, c_int, c_double]),
    "knee_result_new": (_ST, [_PP]),
    "knee_result_free": (_VOID, [_P]),
    "knee_compare": ((c_int, _compare_status), [_P, _P, _P]),
    "knee_compare_ex": ((c_int, _compare_status), [_P, _P, _P, _P]),
    "knee_result_errmsg": (_STR, [_P]),
    "knee_result_method": (_STR, [_P]),
    "knee_result_criterion_count": (_SIZE, [_P]),
    "knee_result_criterion_id": (_STR, [_P, _S]),
    "knee_result_weight": (_DBL, [_P, _S]),
    "knee_result_option_count": (_SIZE, [_P]),
    "knee_result_option_id": (_STR, [_P, _S]),
    "knee_result_option_name": (_STR, [_P, _S]),
    "knee_result_option_rank": (_INT, [_P, _S]),
    "knee_result_option_score": (_DBL, [_P, _S]),
    "knee_result_option_excluded": (_INT, [_P, _S]),
    "knee_result_option_metric": (_INT, [_P, _S, c_char_p, POINTER(c_double)]),
    "knee_result_option_in_compromise": (_INT, [_P, _S]),
    "knee_result_dominator_count": (_SIZE, [_P, _S]),
    "knee_result_dominator": (_STR, [_P, _S, _S]),
    "knee_result_reason_count": (_SIZE, [_P, _S]),
    "knee_result_reason_text": (_STR, [_P, _S, _S]),
    "knee_result_reason_rule": (_STR, [_P, _S, _S]),
    "knee_result_reason_source": (_STR, [_P, _S, _S]),
    "knee_result_caution_count": (_SIZE, [_P, _S]),
    "knee_result_caution_text": (_STR, [_P, _S, _S]),
    "knee_result_caution_rule": (_STR, [_P, _S, _S]),
    "knee_result_caution_source": (_STR, [_P, _S, _S]),
    # texts for two audiences (since 0.3)
    "knee_result_reason_patient_text": (_STR, [_P, _S, _S]),
    "knee_result_caution_patient_text": (_STR, [_P, _S, _S]),
    "knee_result_value_note": (_STR, [_P, _S, _S, c_int]),
    "knee_result_value_rate": (_INT, [_P, _S, _S, POINTER(c_int), POINTER(c_int), POINTER(c_char_p),
                                      POINTER(c_char_p)]),
    # regions (since 0.3)
    "knee_result_region_count": (_SIZE, [_P]),
    "knee_result_region_fact": (_STR, [_P, _S]),
    "knee_result_region_value": (_STR, [_P, _S]),
    "knee_result_regional_rule_count": (_SIZE, [_P, _S]),
    "knee_result_regional_rule": (_STR, [_P, _S, _S]),
    "knee_ruleset_fact_is_region": (_INT, [_P, _S]),
    "knee_ruleset_region_group_count": (_SIZE, [_P]),
    "knee_ruleset_region_group_id": (_STR, [_P, _S]),
    "knee_ruleset_region_group_label": (_STR, [_P, _S]),
    "knee_ruleset_region_group_member_count": (_SIZE, [_P, _S]),
    "knee_ruleset_region_group_member": (_STR, [_P, _S, _S]),
    "knee_result_value_known": (_INT, [_P, _S, _S]),
    "knee_result_value": (_DBL, [_P, _S, _S]),
    "knee_result_value_low": (_DBL, [_P, _S, _S]),
    "knee_result_value_high": (_DBL, [_P, _S, _S]),
    "knee_result_value_level": (_STR, [_P, _S, _S]),
    "knee_result_utility": (_DBL, [_P, _S, _S]),
    "knee_result_cell_weight": (_DBL, [_P, _S, _S]),
    "knee_result_contribution": (_DBL, [_P, _S, _S]),
    "knee_result_value_source_count": (_SIZE, [_P, _S, _S]),
    "knee_result_value_source": (_STR, [_P, _S, _S, _S]),
    "knee_result_value_rule_count": (_SIZE, [_P, _S, _S]),
    "knee_result_value_rule": (_STR, [_P, _S, _S, _S]),
    "knee_result_fired_count": (_SIZE, [_P, _S]),
    "knee_result_fired_rule": (_STR, [_P, _S, _S]),
    "knee_result_unknown_count": (_SIZE, [_P, _S]),
    "knee_result_unknown_rule": (_STR, [_P, _S, _S]),
    "knee_result_unknown_fact_count": (_SIZE, [_P, _S, _S]),
    "knee_result_unknown_fact": (_STR, [_P, _S, _S, _S]),
    "knee_result_missing_fact_count": (_SIZE, [_P]),
    "knee_result_missing_fact": (_STR, [_P, _S]),
    "knee_result_to_json": (_ST, [_P, _PP, POINTER(c_size_t)]),
    "knee_result_why": (_ST, [_P, _S, _S, _PP]),
    # the decision-aid report (docs/report.md)
    "knee_report_options_new": (_ST, [_PP]),
    "knee_report_options_free": (_VOID, [_P]),
    "knee_report_options_set_date": (_ST, [_P, c_char_p]),
    "knee_report_options_set_audience": (_ST, [_P, c_int]),
    "knee_report_options_add_option": (_ST, [_P, c_char_p]),
    "knee_result_to_html": (_ST, [_P, _P, _P, _PP, POINTER(c_size_t)]),
    # FHIR R4 input (docs/fhir.md)
    "knee_patient_load_fhir": (_RAW, [_P, c_char_p, _S, c_char_p, c_char_p, _P, _PP, _PP]),
    "knee_fhir_report_free": (_VOID, [_P]),
    "knee_fhir_report_to_json": (_ST, [_P, _PP, POINTER(c_size_t)]),
    "knee_ruleset_fhir_prefetch": (_ST, [_P, _PP, POINTER(c_size_t)]),
    # batches (many patients as columns)
    "knee_batch_new": (_ST, [_PP, _P, _S]),
    "knee_batch_free": (_VOID, [_P]),
    "knee_batch_set_numbers": (_RAW, [_P, c_char_p, c_void_p, c_int]),
    "knee_batch_set_bools": (_RAW, [_P, c_char_p, c_void_p, c_int]),
    "knee_batch_set_strings": (_RAW, [_P, c_char_p, c_void_p, c_int]),
    "knee_batch_set_members": (_RAW, [_P, c_char_p, c_void_p, c_void_p, c_void_p, c_int]),
    "knee_batch_set_text": (_RAW, [_P, c_char_p, c_void_p, c_int]),
    "knee_batch_set_weight": (_RAW, [_P, c_char_p, c_double]),
    "knee_batch_row_status": (_INT, [_P, _S]),
    "knee_batch_error_row": (_SIZE, [_P]),
    "knee_batch_errmsg": (_STR, [_P]),
    "knee_batch_row_errmsg": (_STR, [_P, _S]),
    "knee_compare_batch": (_RAW, [_P, _P, _P, _S, _S, _P, c_void_p, c_void_p, c_void_p]),
    "knee_compare_batch_json": (_RAW, [_P, _P, _P, _S, _S, _P, _PP, POINTER(c_size_t), c_void_p,
                                       c_void_p]),
    # unknown values as ranges, ties as ties (since 0.3)
    "knee_missing_name": (_STR, [c_int]),
    "knee_missing_from_name": (_RAW, [c_char_p]),
    "knee_compare_options_set_missing": (_ST, [_P, c_int]),
    "knee_result_missing_policy": (_STR, [_P]),
    "knee_result_value_missing": (_STR, [_P, _S, _S]),
    "knee_result_option_score_range": (_INT, [_P, _S, POINTER(c_double), POINTER(c_double)]),
    "knee_result_option_rank_range": (_INT, [_P, _S, POINTER(c_int), POINTER(c_int)]),
    "knee_result_option_tie_count": (_SIZE, [_P, _S]),
    "knee_result_option_tied_with": (_STR, [_P, _S, _S]),
    "knee_result_utility_range": (_INT, [_P, _S, _S, POINTER(c_double), POINTER(c_double)]),
    "knee_result_unknown_bounds": (_INT, [_P, _S, _S, POINTER(c_double), POINTER(c_double)]),
    "knee_result_unknown_level_bounds": (_INT, [_P, _S, _S, POINTER(c_char_p), POINTER(c_char_p)]),
    "knee_result_difference": (_INT, [_P, _S, _S, _S, POINTER(c_double), POINTER(c_double)]),
    # many patients with their ranges (since 0.3)
    "knee_compare_batch_ranges": (_RAW, [_P, _P, _P, _S, _S, _P, c_void_p, c_void_p]),
    # results cheap to read (since 0.3)
    "knee_result_pack": (_RAW, [_P, c_void_p, _S, POINTER(c_size_t)]),
    # lookups by id (since 0.3): (size_t)-1 for an id the rule file does not declare
    "knee_ruleset_fact_index": (_SIZE, [_P, c_char_p]),
    "knee_ruleset_option_index": (_SIZE, [_P, c_char_p]),
    "knee_ruleset_criterion_index": (_SIZE, [_P, c_char_p]),
    # the order a result lists tied options in (since 0.3)
    "knee_ruleset_option_tie_order": (_SIZE, [_P, _S]),
}


def _declare(cdll: ctypes.CDLL) -> None:
    """Give every function we use its restype, argtypes and errcheck; raises AttributeError
    for a missing symbol (an older library)."""
    for name, ((restype, errcheck), argtypes) in _SIGNATURES.items():
        fn = getattr(cdll, name)
        fn.restype = restype
        fn.argtypes = argtypes
        if errcheck is not None:
            fn.errcheck = errcheck


# ---- loading ----------------------------------------------------------------------------------


def _try(path: str) -> Tuple[Optional[ctypes.CDLL], str]:
    """Load one candidate: (library, "") or (None, why not)."""
    try:
        cdll = ctypes.CDLL(path)
    except OSError as e:
        return None, str(e)
    try:
        cdll.knee_version_number.restype = c_int
        cdll.knee_version_number.argtypes = []
        number = cdll.knee_version_number()
        if number // 10000 != EXPECTED_MAJOR:
            return None, ("it is libknee %d.%d.%d; this binding needs major version %d"
                          % (number // 10000, number // 100 % 100, number % 100, EXPECTED_MAJOR))
        _declare(cdll)
    except AttributeError as e:
        return None, "not a usable libknee: %s" % e
    return cdll, ""


def _candidates() -> Iterator[Tuple[str, Optional[str], str]]:
    """(where, path or None, why it is skipped) in search order, each worked out only when
    the ones before it failed (find_library runs a subprocess)."""
    env = os.environ.get("LIBKNEE_PATH")
    if env:
        yield "LIBKNEE_PATH", os.path.join(env, SONAME) if os.path.isdir(env) else env, ""
        return
    yield "LIBKNEE_PATH", None, "not set"
    yield ("next to the package", BUNDLED if os.path.exists(BUNDLED) else None,
           "%s does not exist" % BUNDLED)
    yield "ctypes.util.find_library('knee')", ctypes.util.find_library("knee"), "found nothing"
    yield "the SONAME", SONAME, ""


def load() -> Tuple[ctypes.CDLL, str]:
    """Load libknee and declare its functions: (library, the path or name that worked)."""
    attempts = []
    for where, path, skipped in _candidates():
        if path is None:
            attempts.append("  %s: %s" % (where, skipped))
            continue
        cdll, why = _try(path)
        if cdll is not None:
            return cdll, path
        attempts.append("  %s (%s): %s" % (where, path, why))
    if os.environ.get("LIBKNEE_PATH"):
        attempts.append("  (LIBKNEE_PATH is set, so no other place was tried)")
    raise ImportError("knee: cannot load libknee (the libknee C library, %s). Tried:\n%s\n"
                      "Build it (sh scripts/build.sh) and set LIBKNEE_PATH to build/%s, or "
                      "install it (cmake --install build)." % (SONAME, "\n".join(attempts), SONAME))


lib, library_path = load()

# ---- small helpers shared by the modules ------------------------------------------------------


def cstr(text: Any, what: str, error: type = KneeError) -> bytes:
    """A Python str as a NUL-terminated UTF-8 C string. A value that is not text, cannot be
    encoded, or holds a NUL character raises ``error`` (PatientError for patient data); for
    the default, KneeError, the error is a KneeTypeError or a KneeValueError."""
    if not isinstance(text, str):
        raise (KneeTypeError if error is KneeError else error)(
            Status.ETYPE, "%s must be a str, not %s" % (what, type(text).__name__))
    bad = KneeValueError if error is KneeError else error
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as e:
        raise bad(Status.EPARSE, "%s is not valid Unicode text: %s" % (what, e)) from None
    if b"\0" in data:
        raise bad(Status.EPARSE, "%s contains a NUL character" % what)
    return data


# ---- arguments: Python values checked before they become C values ------------------------------
# ctypes converts silently: a NUL ends a char * early, an int wraps to fit a uint64_t, a bool is
# an int. These helpers refuse instead (KneeTypeError, KneeValueError: also TypeError and
# ValueError).

def path_arg(path: Any, what: str) -> bytes:
    """A file path (str, bytes or os.PathLike) as the C string the file functions take."""
    try:
        data = os.fsencode(path)
    except TypeError:
        raise KneeTypeError(Status.EINVAL, "%s must be a str, bytes or os.PathLike, not %s"
                            % (what, type(path).__name__)) from None
    if b"\0" in data:
        raise KneeValueError(Status.EINVAL, "%s contains a NUL character: %r" % (what, path))
    return data


def data_arg(data: Any, what: str) -> bytes:
    """Document text: a str (sent as UTF-8) or a bytes-like object (sent as it is)."""
    if isinstance(data, str):
        try:
            return data.encode("utf-8")
        except UnicodeEncodeError as e:
            raise KneeValueError(Status.EPARSE, "%s is not valid Unicode text: %s"
                                 % (what, e)) from None
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    raise KneeTypeError(Status.EINVAL, "%s must be a str or bytes, not %s"
                        % (what, type(data).__name__))


def int_arg(value: Any, what: str, low: int, high: int) -> int:
    """An int (not a bool) in low .. high."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise KneeTypeError(Status.EINVAL, "%s must be an int, not %s"
                            % (what, type(value).__name__))
    value = int(value)
    if not low <= value <= high:
        raise KneeValueError(Status.EINVAL, "%s must be in %d .. %d, not %d"
                             % (what, low, high, value))
    return value


def real_arg(value: Any, what: str) -> float:
    """A real number (not a bool) as a C double; the C function checks its range."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise KneeTypeError(Status.EINVAL, "%s must be a number, not %s"
                            % (what, type(value).__name__))
    try:
        return float(value)
    except OverflowError:
        raise KneeValueError(Status.EINVAL, "%s is too large: %r" % (what, value)) from None


def flag_arg(value: Any, what: str) -> bool:
    """True or False (numpy.bool_ too); not a str, a number other than 0 and 1, or None."""
    if isinstance(value, (str, bytes)) or value is None or value not in (True, False):
        raise KneeTypeError(Status.EINVAL, "%s must be True or False, not %r" % (what, value))
    return bool(value)


def diagnostics(d: Optional[int]) -> List[Diagnostic]:
    """Read a knee_diag list into Diagnostic objects (d may be None)."""
    if not d:
        return []
    out = []
    for i in range(lib.knee_diag_count(d)):
        out.append(Diagnostic(
            code=lib.knee_diag_code(d, i) or "error",
            message=lib.knee_diag_message(d, i) or "",
            file=lib.knee_diag_file(d, i) or "",
            line=lib.knee_diag_line(d, i),
            column=lib.knee_diag_column(d, i),
            severity="warning" if lib.knee_diag_severity(d, i) == 1 else "error",
            element=lib.knee_diag_element(d, i),
            status=lib.knee_diag_status(d, i)))
    return out


def take_string(ptr: c_void_p, length: int = -1) -> str:
    """Copy a caller-owned ``char *`` (``length`` bytes, or up to its NUL) into a str and free
    it with knee_free()."""
    try:
        return ctypes.string_at(ptr, length).decode("utf-8")
    finally:
        lib.knee_free(ptr)


class Handle:
    """Owns one C object and frees it exactly once, never while a call is using it.

    ``with handle as ptr:`` gives the pointer for one use; it raises KneeError (KNEE_EINVAL)
    once the handle is closed. close() frees at once when no use is in progress, otherwise
    when the last use ends. An ``exclusive`` handle (a patient or result: one thread at a time
    in C) serialises its uses with a lock; a shared one (a ruleset) allows any number at once.
    A handle made with a ``parent`` keeps the parent's C object alive until it is freed itself
    (a result borrows strings from its ruleset).
    """

    __slots__ = ("_ptr", "_free", "_kind", "_lock", "_use_lock", "_users", "_closed",
                 "_parent")

    def __init__(self, ptr: int, free: Callable[[int], None], kind: str, *,
                 exclusive: bool = False, parent: Optional["Handle"] = None) -> None:
        self._ptr: Optional[int] = ptr
        self._free = free
        self._kind = kind
        self._lock = threading.Lock()
        self._use_lock = threading.Lock() if exclusive else None
        self._users = 0
        self._closed = False
        self._parent: Optional[Handle] = None
        if parent is not None:
            try:
                parent.retain()
            except BaseException:
                self.close()  # the parent is closed: free the new object, not leak it
                raise
            self._parent = parent

    @property
    def closed(self) -> bool:
        return self._closed

    def retain(self) -> int:
        """Start a use: the pointer, valid until the matching release()."""
        with self._lock:
            if self._closed:
                raise KneeError(Status.EINVAL, "the %s is closed" % self._kind)
            self._users += 1
            return self._ptr  # type: ignore[return-value]

    def hold(self) -> int:
        """Keep the C object alive, closed or not, until the matching release(): for data that
        borrows from it (a packed result's strings), taken while another use holds it. Returns
        the pointer."""
        with self._lock:
            if self._ptr is None:
                raise KneeError(Status.EINVAL, "the %s is freed" % self._kind)
            self._users += 1
            return self._ptr

    def release(self) -> None:
        """End a use; frees the object if it was closed meanwhile."""
        with self._lock:
            self._users -= 1
            last = self._closed and self._users == 0
        if last:
            self._destroy()

    def close(self) -> None:
        """Free the C object (now, or when the last use ends). Idempotent."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            now = self._users == 0
        if now:
            self._destroy()

    def _destroy(self) -> None:
        ptr, self._ptr = self._ptr, None
        parent, self._parent = self._parent, None
        if ptr:
            self._free(ptr)
        if parent is not None:
            parent.release()

    def __enter__(self) -> int:
        if self._use_lock is not None:
            self._use_lock.acquire()
        try:
            return self.retain()
        except BaseException:
            if self._use_lock is not None:
                self._use_lock.release()
            raise

    def __exit__(self, *exc: Any) -> None:
        self.release()
        if self._use_lock is not None:
            self._use_lock.release()

    def __del__(self) -> None:
        # Only a fallback for handles nobody closed; close() is the way.
        try:
            self.close()
        except Exception:  # interpreter shutdown: the library may already be gone
            pass


class uses:
    """``with uses(a, b, None) as (pa, pb, none):`` one use of each handle (None stays None) for
    the block. A worker thread takes its own uses, so a close() elsewhere (the caller's thread
    unwinding from KeyboardInterrupt, say) waits for the worker instead of freeing what it reads."""

    __slots__ = ("_handles", "_taken")

    def __init__(self, *handles: Optional[Handle]) -> None:
        self._handles = handles
        self._taken: List[Handle] = []

    def __enter__(self) -> List[Optional[int]]:
        ptrs: List[Optional[int]] = []
        try:
            for h in self._handles:
                ptrs.append(None if h is None else h.retain())
                if h is not None:
                    self._taken.append(h)
        except BaseException:
            self.__exit__()
            raise
        return ptrs

    def __exit__(self, *exc: Any) -> None:
        taken, self._taken = self._taken, []
        for h in reversed(taken):
            h.release()


def new_handle(constructor: Callable[..., int], free: Callable[[int], None], kind: str,
               *args: Any, exclusive: bool = False, parent: Optional[Handle] = None) -> Handle:
    """Call a ``knee_*_new(&out, args...)`` constructor and wrap its output in a Handle."""
    out = c_void_p()
    constructor(ctypes.byref(out), *args)
    return Handle(out.value, free, kind,  # type: ignore[arg-type]
                  exclusive=exclusive, parent=parent)


#: Names of the settable limits (``enum knee_limit``, in value order).
LIMITS = ("input_bytes", "xml_depth", "elements", "rules", "expr_bytes", "expr_depth",
          "string_bytes", "regex_match", "regex_depth", "regex_heap_kib", "regex_budget")


class Options:
    """A knee_options holding the given limits, freed on exit: ``with Options(limits) as o``.
    ``o`` is NULL (None) when no limits are given."""

    def __init__(self, limits: Optional[Mapping[str, int]]) -> None:
        self._limits = dict(limits or {})
        self._ptr: Optional[int] = None

    def __enter__(self) -> Optional[int]:
        if not self._limits:
            return None
        values = []
        for name, value in self._limits.items():
            if name not in LIMITS:
                raise KneeValueError(Status.EINVAL, "unknown limit %r (limits: %s)"
                                     % (name, ", ".join(LIMITS)))
            values.append((LIMITS.index(name), int_arg(value, "limit %r" % name, 1, 2 ** 63 - 1)))
        out = c_void_p()
        lib.knee_options_new(ctypes.byref(out))
        self._ptr = out.value
        try:
            for index, value in values:
                lib.knee_options_set_limit(self._ptr, index, value)
        except BaseException:
            self.__exit__()
            raise
        return self._ptr

    def __exit__(self, *exc: Any) -> None:
        ptr, self._ptr = self._ptr, None
        lib.knee_options_free(ptr)
