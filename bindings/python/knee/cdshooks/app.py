"""The service as a WSGI application (PEP 3333): what gunicorn serves in production
(``knee.cdshooks.wsgi:application``) and the standard-library server runs for local trials
(server.py). Routes, the bearer JWT, the request body (its length and its deadline), CORS, the
JSON answer for every error, and one audit line per call (audit.py).

    GET  /cds-services                  discovery
    POST /cds-services/{id}             a hook call
    POST /cds-services/{id}/feedback    feedback on its cards
    GET  /health                        for load balancers (no token)
    GET  /app/launch, /app/callback     the decision aid's SMART launch (smart.py)
    OPTIONS (any of the above)          CORS preflight
"""

from __future__ import annotations

import json
import logging
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple

from . import audit
from .errors import ClientGone, HttpError
from .service import Service

log = logging.getLogger("knee.cdshooks")

# Methods an HTTP server may see; anything else is 501 (not implemented), a known method on
# the wrong route 405.
KNOWN_METHODS = ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE",
                 "CONNECT")
_REASONS = {200: "OK", 204: "No Content", 302: "Found", 400: "Bad Request",
            401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
            405: "Method Not Allowed", 408: "Request Timeout", 411: "Length Required",
            412: "Precondition Failed", 413: "Content Too Large", 414: "URI Too Long",
            431: "Request Header Fields Too Large", 500: "Internal Server Error",
            501: "Not Implemented", 502: "Bad Gateway", 503: "Service Unavailable",
            505: "HTTP Version Not Supported"}
_CHUNK = 65536
StartResponse = Callable[..., Any]


def status_line(status: int) -> str:
    return "%d %s" % (status, _REASONS.get(status, "Error"))


def error_body(status: int, code: str, message: str) -> bytes:
    """The JSON of every error answer: {"error": code, "message": ...}."""
    return json.dumps({"error": code, "message": message}, separators=(",", ":")).encode()


class Application:
    """The WSGI application for ``service``. ``smart``: the decision aid (smart.SmartApp) or
    None; ``cors_origins``: the browser origins allowed to call (exact, or "*");
    ``logger``: where the audit lines go."""

    def __init__(self, service: Service, smart: Any = None, cors_origins: Sequence[str] = (),
                 logger: Optional[logging.Logger] = None) -> None:
        self.service = service
        self.smart = smart
        self.cors = list(cors_origins)
        self.log = logger or log

    # -- WSGI --------------------------------------------------------------------------------

    def __call__(self, environ: Dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "")
        path = environ.get("PATH_INFO", "") or "/"
        call = audit.Call(audit.request_id(environ.get("HTTP_X_REQUEST_ID")),
                          method if method in KNOWN_METHODS else "-", self.log_route(path))
        headers: List[Tuple[str, str]] = [("X-Request-Id", call.rid)]
        headers += self._cors(environ)
        try:
            try:
                status, extra, body = self._dispatch(method, path, environ, call)
            except HttpError as e:
                status, extra = e.status, list(e.headers.items())
                body = error_body(e.status, e.code, str(e))
                extra.append(("Content-Type", "application/json; charset=utf-8"))
        except ClientGone:
            # Nothing can be answered to a client that left; not the service's error.
            status, extra, body = 400, [("Content-Type", "application/json; charset=utf-8")], \
                error_body(400, "client-gone", "the connection closed before the request "
                                               "was read")
            call.status = 499
        except Exception as e:  # noqa: BLE001 - never a traceback to the client
            status, extra = 500, [("Content-Type", "application/json; charset=utf-8")]
            body = error_body(500, "internal", "internal error")
            call.note = type(e).__name__
        if call.status != 499:
            call.status = status
        headers += extra + [("Content-Length", str(len(body)))]
        if not any(k == "Cache-Control" for k, _ in extra):
            headers.append(("Cache-Control", "no-store"))   # answers are about one patient
        audit.write(self.log, call)
        start_response(status_line(status), headers)
        return [b"" if method == "HEAD" else body]

    # -- routing ------------------------------------------------------------------------------

    def log_route(self, path: str) -> str:
        """The path as it may be logged: a route the service has, or '-' (never client
        text)."""
        if path in ("/cds-services", "/cds-services/"):
            return "/cds-services"
        if path in ("/health", "/app/launch", "/app/callback"):
            return path
        if path.startswith("/cds-services/"):
            sid, _, rest = path[len("/cds-services/"):].partition("/")
            if sid in self.service.services and rest in ("", "feedback"):
                return path
        return "-"

    def _route(self, method: str, path: str) -> Tuple[str, Optional[str], Tuple[str, ...]]:
        """(endpoint, service id, methods it takes); HttpError 404 for no route."""
        if path in ("/cds-services", "/cds-services/"):
            return "discovery", None, ("GET", "HEAD")
        if path == "/health":
            return "health", None, ("GET", "HEAD")
        if path in ("/app/launch", "/app/callback") and self.smart is not None:
            return path[len("/app/"):], None, ("GET",)
        if path.startswith("/cds-services/"):
            sid, _, rest = path[len("/cds-services/"):].partition("/")
            if sid in self.service.services and rest == "":
                return "call", sid, ("POST",)
            if sid in self.service.services and rest == "feedback":
                return "feedback", sid, ("POST",)
        raise HttpError(404, "not-found", "no such endpoint")

    def _dispatch(self, method: str, path: str, environ: Dict[str, Any],
                  call: audit.Call) -> Tuple[int, List[Tuple[str, str]], bytes]:
        if method not in KNOWN_METHODS:
            raise HttpError(501, "not-implemented", "method not implemented")
        endpoint, sid, methods = self._route(method, path)
        if method == "OPTIONS":
            return self._preflight(environ, methods)
        if method not in methods:
            raise HttpError(405, "method", "use " + " or ".join(methods),
                            {"Allow": ", ".join(methods + ("OPTIONS",))})
        if endpoint == "health":
            status, body = self.service.health()
            return status, _json(), _dump(body)
        if endpoint in ("launch", "callback"):
            from .smart import parse_cookies, parse_query
            try:
                query = parse_query(environ.get("QUERY_STRING", ""))
            except ValueError:
                raise HttpError(400, "query", "too many query parameters")
            cookies = parse_cookies(environ.get("HTTP_COOKIE"))
            handler = self.smart.launch if endpoint == "launch" else self.smart.callback
            status, headers, body = handler(query, cookies)
            return status, headers, body
        claims = self.service.authenticate(path.rstrip("/") if endpoint == "discovery" else path,
                                           environ.get("HTTP_AUTHORIZATION"))
        if claims:
            call.iss, call.jti = claims.get("iss"), claims.get("jti")
        if endpoint == "discovery":
            return 200, _json(), _dump(self.service.discovery())
        body = read_body(environ, self.service.max_body)
        if endpoint == "call":
            return 200, _json(), _dump(self.service.call(sid, body, call, claims))
        return 200, _json(), _dump(self.service.feedback(sid, body, call, claims))

    # -- CORS (the CDS Hooks spec leaves it to the service; OWASP's advice: exact origins) ----

    def _origin(self, environ: Dict[str, Any]) -> Optional[str]:
        origin = environ.get("HTTP_ORIGIN")
        if not origin or not self.cors:
            return None
        if "*" in self.cors:
            return "*"
        return origin if origin in self.cors else None

    def _cors(self, environ: Dict[str, Any]) -> List[Tuple[str, str]]:
        allowed = self._origin(environ)
        if allowed is None:
            return []
        out = [("Access-Control-Allow-Origin", allowed),
               ("Access-Control-Expose-Headers", "X-Request-Id, WWW-Authenticate")]
        if allowed != "*":
            out.append(("Vary", "Origin"))
        return out

    def _preflight(self, environ: Dict[str, Any],
                   methods: Tuple[str, ...]) -> Tuple[int, List[Tuple[str, str]], bytes]:
        if self._origin(environ) is None:
            raise HttpError(403, "cors", "this origin may not call the service")
        return 204, [("Access-Control-Allow-Methods", ", ".join(methods + ("OPTIONS",))),
                     ("Access-Control-Allow-Headers", "Authorization, Content-Type"),
                     ("Access-Control-Max-Age", "600")], b""


def _json() -> List[Tuple[str, str]]:
    return [("Content-Type", "application/json; charset=utf-8")]


def _dump(payload: Any) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def read_body(environ: Dict[str, Any], max_body: int) -> bytes:
    """The request body: a Content-Length is required (411), at most ``max_body`` bytes (413,
    before reading any of it); a client that stops sending is 408 when the server's body
    deadline passes (TimeoutError from the worker, worker.py / server.py), a client that
    leaves is ClientGone."""
    if environ.get("HTTP_TRANSFER_ENCODING"):
        raise HttpError(411, "length", "send the body with a Content-Length")
    length = environ.get("CONTENT_LENGTH")
    if not length:
        raise HttpError(411, "length", "Content-Length is required")
    try:
        n = int(length)
    except ValueError:
        n = -1
    if n < 0:
        raise HttpError(400, "length", "bad Content-Length")
    if n > max_body:
        raise HttpError(413, "too-large", "the request body is over %d bytes" % max_body)
    stream, parts, got = environ["wsgi.input"], [], 0
    try:
        while got < n:
            chunk = stream.read(min(_CHUNK, n - got))
            if not chunk:
                raise ClientGone()
            parts.append(chunk)
            got += len(chunk)
    except TimeoutError:
        raise HttpError(408, "timeout", "the request body did not arrive in time")
    except ConnectionError:
        raise ClientGone()
    return b"".join(parts)
