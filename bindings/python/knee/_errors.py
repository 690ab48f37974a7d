"""Exceptions and diagnostics: how libknee's status codes and load problems reach Python."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Iterable, Optional, Sequence, Tuple


class Status(enum.IntEnum):
    """libknee's status codes (``KNEE_E*`` in knee.h): pinned values, append-only."""

    OK = 0
    EINVAL = -1
    ENOMEM = -2
    EIO = -3
    EPARSE = -4
    EINVALID = -5
    ELIMIT = -6
    EUNKNOWN = -7
    ETYPE = -8
    ERANGE = -9
    EWEIGHT = -10
    ENOTFOUND = -11
    EREGEX = -12


def status_name(code: int) -> str:
    """The C name of a status code, e.g. ``'KNEE_ERANGE'`` for -9."""
    try:
        return "KNEE_" + Status(code).name
    except ValueError:
        return "KNEE_STATUS(%d)" % code


@dataclass(frozen=True)
class Diagnostic:
    """One problem found while loading a rule file or a patient file.

    ``line`` and ``column`` are 1-based (0 = unknown); ``severity`` is ``'error'`` or
    ``'warning'``; ``code`` is the stable, machine-readable code (docs/diagnostics.md);
    ``status`` is the status class (a :class:`Status` value); ``element`` is the id of the
    element the problem is in, or None.
    """

    code: str
    message: str
    file: str
    line: int
    column: int
    severity: str
    element: Optional[str] = None
    status: int = Status.EINVALID

    def __str__(self) -> str:
        warn = "warning: " if self.severity == "warning" else ""
        return "%s:%d:%d: %s: %s%s" % (self.file, self.line, self.column, self.code, warn,
                                        self.message)


class KneeError(Exception):
    """A libknee call failed. ``code`` is the (negative) status, ``name`` its C name
    (e.g. ``'KNEE_ERANGE'``), ``message`` says why, and ``diagnostics`` lists every problem of
    a failed load (empty otherwise)."""

    def __init__(self, code: int, message: Optional[str] = None,
                 diagnostics: Iterable[Diagnostic] = ()) -> None:
        """An error with status ``code``; ``message`` defaults to the status's C name."""
        self.code: int = Status(code) if code in Status._value2member_map_ else int(code)
        self.name: str = status_name(code)
        self.message: str = message or self.name
        self.diagnostics: Tuple[Diagnostic, ...] = tuple(diagnostics)
        super().__init__(self.message)

    def __str__(self) -> str:
        return "%s [%s]" % (self.message, self.name)

    def __reduce__(self):  # keep code, message and diagnostics across pickling (multiprocessing)
        return (type(self), (int(self.code), self.message, self.diagnostics))


class KneeTypeError(KneeError, TypeError):
    """An argument of a type the call cannot take (a number for a path, ``42`` for rule text,
    a float or a bool for a count). Both a :class:`KneeError` and a ``TypeError``."""


class KneeValueError(KneeError, ValueError):
    """An argument whose value the call cannot take (a NUL character in a path or name, a seed
    outside 0 .. 2**64-1, a count out of range). Both a :class:`KneeError` and a
    ``ValueError``."""


class LoadError(KneeError):
    """A rule file could not be loaded: unreadable, malformed, or breaking a check of the
    format. ``diagnostics`` holds every problem found, with file, line and column."""


class PatientError(KneeError):
    """Bad patient input: an unknown fact or criterion, a value of the wrong type or out of
    range, invalid weights, or a patient file that does not load (``diagnostics``)."""


def load_message(what: str, code: int, message: str, diagnostics: Sequence[Diagnostic]) -> str:
    """The message of a failed load: what failed, why, and the first error."""
    errors = [d for d in diagnostics if d.severity == "error"]
    text = "cannot load %s: %s" % (what, message)
    if errors:
        text += ": %s" % errors[0]
        if len(errors) > 1:
            text += " (and %d more error%s)" % (len(errors) - 1, "s" if len(errors) > 2 else "")
    return text
