"""Outgoing HTTP (FHIR reads, an issuer's JWK Set, SMART discovery and token requests): one
request under a total deadline, with a size cap, https only (plain http only to a loopback
host, for trials and tests), no proxy from the environment, no redirect followed. The standard
library's http.client; certificates checked against the system's trust store."""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
import urllib.parse
from typing import Dict, NamedTuple, Optional

MAX_BYTES = 8 << 20
_CHUNK = 65536


class ClientError(Exception):
    """The request failed before an HTTP status came back (or its answer was unusable); the
    message names no URL query, token or data. ``timeout``: the deadline passed."""

    def __init__(self, message: str, timeout: bool = False) -> None:
        super().__init__(message)
        self.timeout = timeout


class Response(NamedTuple):
    status: int
    headers: Dict[str, str]   # lower-case names
    body: bytes


def loopback(host: Optional[str]) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host or "").is_loopback
    except ValueError:
        return False


def check_url(url: str) -> Optional[str]:
    """None if a credential may be sent to ``url``, else why not: https with a host, or http
    to a loopback host; no user:password part."""
    try:
        u = urllib.parse.urlsplit(url)
        u.port   # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        return "not a URL"
    if not u.hostname or u.username is not None or u.password is not None:
        return "not a URL with a host (and without user:password)"
    if u.scheme == "https" or (u.scheme == "http" and loopback(u.hostname)):
        return None
    return "must be an https URL"


_context: Optional[ssl.SSLContext] = None


def _ssl() -> ssl.SSLContext:
    global _context   # created once, then only read (certificate checks on)
    if _context is None:
        _context = ssl.create_default_context()
    return _context


def _left(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise socket.timeout("deadline")
    return left


def request(method: str, url: str, deadline: float, headers: Optional[Dict[str, str]] = None,
            body: Optional[bytes] = None, max_bytes: int = MAX_BYTES) -> Response:
    """``method url`` answered before ``deadline`` (a time.monotonic() value): the status, the
    headers and at most ``max_bytes`` of body. Any status comes back; ClientError when there is
    none in time, the server cannot be reached, or the body is too large."""
    why = check_url(url)
    if why:
        raise ClientError("the URL " + why)
    u = urllib.parse.urlsplit(url)
    target = (u.path or "/") + ("?" + u.query if u.query else "")
    conn: http.client.HTTPConnection
    try:
        if u.scheme == "https":
            conn = http.client.HTTPSConnection(u.hostname, u.port, timeout=_left(deadline),
                                               context=_ssl())
        else:
            conn = http.client.HTTPConnection(u.hostname, u.port, timeout=_left(deadline))
        try:
            conn.request(method, target, body=body, headers=headers or {})
            sock = conn.sock   # the response keeps using it after conn lets go of it
            sock.settimeout(_left(deadline))
            resp = conn.getresponse()
            chunks, size = [], 0
            while True:
                # One read at a time, each under what is left of the deadline: a server that
                # trickles its answer cannot hold the caller past it.
                sock.settimeout(_left(deadline))
                chunk = resp.read1(_CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > max_bytes:
                    raise ClientError("the answer is over %d bytes" % max_bytes)
                chunks.append(chunk)
            return Response(resp.status, {k.lower(): v for k, v in resp.getheaders()},
                            b"".join(chunks))
        finally:
            conn.close()
    except socket.timeout:
        raise ClientError("no answer in time", timeout=True)
    except (OSError, http.client.HTTPException, ValueError) as e:
        raise ClientError("could not be reached (%s)" % type(e).__name__)
