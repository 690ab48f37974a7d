"""How a Python value is read as a fact value: the one reading that Patient.set, compare(),
compare_many() and compare_columns() share (docs/python.md, "How values are read"; the cases
are tests/data/value-readings.json, which the `knee` command's test reads too).

read() turns a value into one of five readings, each a C setter:

=============  ===================================================================
``UNKNOWN``    knee_patient_unset: None, NaN, pandas NA/NaT, ``""`` (as the CLI's empty cell)
``NUMBER``     knee_patient_set_number (a float): int, float, numpy numbers, for number facts
``BOOL``       knee_patient_set_bool: bool and numpy.bool_, for boolean facts
``TEXT``       knee_patient_set_text (UTF-8 bytes): a str, read by the fact's type as the CLI
               reads a cell; also a number for a boolean fact, written out (1 and 0, and
               1.0 and 0.0, read as true and false, like the CLI's "1" and "0")
``MEMBERS``    knee_patient_add_to_set per member (a list of UTF-8 bytes; empty: known empty)
=============  ===================================================================

numpy and pandas are never imported: their values are recognised by their type's module.
"""

from __future__ import annotations

import numbers
from typing import Any, List, Optional, Tuple

from ._errors import PatientError, Status
from ._lib import cstr

UNKNOWN, NUMBER, BOOL, TEXT, MEMBERS = range(5)
SETS = (list, tuple, set, frozenset)
Reading = Tuple[int, Any]
_UNKNOWN: Reading = (UNKNOWN, None)


def _wrong(fact: str, ftype: str, given: str, reading: Reading) -> PatientError:
    """A value of the wrong kind for the fact. ``reading`` is the value read as what it is:
    patient.set_fact hands it to that kind's C setter, whose refusal says what the fact takes
    (the message here is the short form, for callers without a C patient)."""
    e = PatientError(Status.ETYPE, "fact '%s' is a %s, not a %s" % (fact, ftype, given))
    e.reading = reading  # type: ignore[attr-defined]
    return e


def _foreign(value: Any) -> Tuple[bool, Any]:
    """(True, plain value) for a numpy or pandas value, else (False, value): a numpy scalar
    becomes its Python value (``.item()``), a 1-d numpy array a list, pandas NA and NaT None."""
    module = type(value).__module__
    if module.startswith("pandas"):
        if type(value).__name__ in ("NAType", "NaTType"):
            return True, None
    elif module == "numpy":
        ndim = getattr(value, "ndim", None)
        if ndim == 0:
            return True, value.item()
        if ndim == 1:
            return True, value.tolist()
    return False, value


def read(fact: str, ftype: Optional[str], value: Any) -> Reading:
    """The reading of ``value`` for fact ``fact`` of declared type ``ftype`` (None: the fact
    is not declared; the C setter then reports it). Raises PatientError for a value that has
    no reading for that type."""
    if value is None:
        return _UNKNOWN
    t = type(value)
    if t is str or (t is not bool and t is not int and t is not float and t not in SETS and
                    isinstance(value, str)):
        if not value:
            return _UNKNOWN
        return TEXT, cstr(value, "fact '%s'" % fact, PatientError)
    if t is bool:
        if ftype not in ("boolean", None):
            raise _wrong(fact, ftype, "boolean", (BOOL, value))
        return BOOL, value
    if t in SETS or (t is not int and t is not float and isinstance(value, SETS)):
        if ftype not in ("set", None):   # before its members: [72] for age is not a set
            raise _wrong(fact, ftype, "set", (MEMBERS, []))
        return MEMBERS, [cstr(m, "a member of fact '%s'" % fact, PatientError) for m in value]
    if t is not int and t is not float:
        converted, plain = _foreign(value)
        if converted:
            return read(fact, ftype, plain)
        if not isinstance(value, numbers.Real):
            raise PatientError(Status.ETYPE, "fact '%s': cannot use a %s as a fact value (use a "
                               "number, bool, str, a list of str, or None)" % (fact, t.__name__))
    if value != value:                           # NaN: unknown, whatever the fact's type
        return _UNKNOWN
    if ftype == "boolean":                       # as the CLI reads the number written out
        return TEXT, _written(fact, value).encode()
    if ftype not in ("number", "integer", None):
        raise _wrong(fact, ftype, "number", (NUMBER, _float(fact, value)))
    return NUMBER, _float(fact, value)


def _written(fact: str, value: Any) -> str:
    """A number written out: a whole one as an integer (1.0 is "1", as pandas' float64 column
    of 0/1 with gaps holds the file's 1), any other as repr ("0.5", "inf")."""
    if isinstance(value, numbers.Integral):
        return str(int(value))
    f = _float(fact, value)
    return str(int(f)) if f.is_integer() and abs(f) < 2.0 ** 53 else repr(f)


def _float(fact: str, value: Any) -> float:
    try:
        return float(value)
    except OverflowError:
        raise PatientError(Status.ERANGE, "fact '%s': %r is too large" % (fact, value)) from None


def split_members(text: bytes) -> List[bytes]:
    """The members of a set fact's text, as knee_patient_set_text splits them (patient.c,
    knee__next_member): at commas, blanks trimmed, empty members dropped."""
    return [m for m in (m.strip(b" \t\n\r") for m in text.split(b",")) if m]
