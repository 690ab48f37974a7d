"""The audit log: one line per call on the ``knee.cdshooks`` logger, e.g.

    audit rid=5f0c... pid=4242 method=POST route=/cds-services/knee-oa-options status=200
    ms=6.9 iss=https://fhir-ehr.example.com/ hookInstance=d1577c69-... jti=ee22b021-...
    cards=3b0e6f3c-...

Request id, worker pid, method, route, status, time, and who called about what: the verified
issuer, the hookInstance, the token's jti and the uuids of the cards answered. Never patient
data, a body, a header, a token or a query string. Every value that came from the client is
written only when it has the shape it must have (a route the service has, an issuer it
allows, a UUID, a jti of safe characters); otherwise "-" (or, for a jti, its SHA-256), so no
client can forge a log line.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import time
import uuid
from typing import List, Optional

_SAFE = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")
_UUID = re.compile(r"^(urn:uuid:)?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                   r"[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_RID = re.compile(r"^[A-Za-z0-9._\-]{8,64}$")


def request_id(incoming: Optional[str]) -> str:
    """The request id: the proxy's X-Request-Id when it is a plain token of 8-64 characters
    (so logs correlate across the proxy and the service), else a new UUID."""
    if incoming and _RID.match(incoming):
        return incoming
    return str(uuid.uuid4())


def safe_jti(jti: Optional[str]) -> str:
    if not jti:
        return "-"
    return jti if _SAFE.match(jti) else "sha256:" + hashlib.sha256(jti.encode()).hexdigest()[:16]


class Call:
    """What one call leaves in the audit line; the service fills it in as it goes."""

    def __init__(self, rid: str, method: str, route: str) -> None:
        self.rid, self.method, self.route = rid, method, route
        self.t0 = time.perf_counter()
        self.status = 500
        self.iss: Optional[str] = None
        self.jti: Optional[str] = None
        self.hook_instance: Optional[str] = None
        self.cards: List[str] = []
        self.note: Optional[str] = None     # e.g. the exception type of a 500, never a message

    def line(self) -> str:
        hi = self.hook_instance if self.hook_instance and _UUID.match(self.hook_instance) \
            else "-"
        return ("audit rid=%s pid=%d method=%s route=%s status=%d ms=%.1f iss=%s "
                "hookInstance=%s jti=%s cards=%s%s"
                % (self.rid, os.getpid(), self.method, self.route, self.status,
                   (time.perf_counter() - self.t0) * 1000.0, self.iss or "-", hi,
                   safe_jti(self.jti), ",".join(self.cards) or "-",
                   " error=" + self.note if self.note else ""))


def write(logger: logging.Logger, call: Call) -> None:
    (logger.error if call.status >= 500 else logger.info)(call.line())
