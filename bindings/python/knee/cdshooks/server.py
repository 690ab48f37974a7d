"""The CDS Hooks 2.0 service over libknee (docs/cds-hooks.md): discovery, the patient-view and
order-select hooks, JWT-authenticated, on the standard library's ThreadingHTTPServer.

:class:`Service` does the work (routes, authentication, validation, prefetch completion,
evaluation, cards) and knows nothing of sockets; :func:`make_server` puts it behind HTTP.
The log gets one line per request: method, route, status and time. Never a body, a header, a
query string, a token or anything from the patient's record.
"""

from __future__ import annotations

import datetime
import json
import logging
import re
import socket
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Mapping, Optional, Tuple

from .. import KneeError, PatientError, Ruleset
from . import cards
from .fetch import Fetcher, FetchError, check_server

log = logging.getLogger("knee.cdshooks")

PATIENT_VIEW_ID = "knee-oa-options"
ORDER_SELECT_ID = "knee-oa-order-check"
AS_OF_EXTENSION = "org.libknee.as-of"
MAX_BODY = 4 << 20
_FHIR_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_HCPCS = "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"

# Orders that map to an option of the shipped rule file (knee-oa.xml): SNOMED CT 609588000
# "Total knee replacement" (the code Synthea's total_joint_replacement module orders), and the
# hyaluronic-acid HCPCS codes J7321-J7326 (the rule file's own <history> mapping, source
# codes-ha). A site gives its own with --order-map.
DEFAULT_ORDER_MAP = {"http://snomed.info/sct|609588000": "tka"}
DEFAULT_ORDER_MAP.update({"%s|J%d" % (_HCPCS, n): "hyaluronic-acid" for n in range(7321, 7327)})


class HttpError(Exception):
    """An answer other than 200: status, a stable error code and a message for the client."""

    def __init__(self, status: int, code: str, message: str,
                 headers: Optional[Dict[str, str]] = None) -> None:
        super().__init__(message)
        self.status, self.code, self.headers = status, code, headers or {}

    def body(self) -> Dict[str, Any]:
        return {"error": self.code, "message": str(self)}


class Service:
    """The CDS Hooks services for one rule file.

    ``verifier``: an auth.Verifier, or None to accept unauthenticated calls (local trials
    only). ``service_url``: the base URL clients call (JWT ``aud`` = it + the path).
    ``as_of``: a fixed evaluation date (else the request's extension, else today's local
    date). ``order_map``: "system|code" -> option id for order-select.
    """

    def __init__(self, ruleset: Ruleset, service_url: str, verifier: Any = None,
                 fetcher: Optional[Fetcher] = None, as_of: Optional[str] = None,
                 order_map: Optional[Mapping[str, str]] = None, max_body: int = MAX_BODY,
                 source_url: Optional[str] = None) -> None:
        self.ruleset = ruleset
        self.service_url = service_url.rstrip("/")
        self.verifier = verifier
        self.fetcher = fetcher or Fetcher()
        self.as_of = as_of
        self.max_body = max_body
        self.templates = ruleset.fhir_prefetch()
        options = {o.id for o in ruleset.options}
        if order_map is None:
            order_map = {k: v for k, v in DEFAULT_ORDER_MAP.items() if v in options}
        unknown = sorted(set(order_map.values()) - options)
        if unknown:
            raise ValueError("order map names options the rule file does not have: %s"
                             % ", ".join(unknown))
        self.order_map = dict(order_map)
        self.info = cards.RulesetInfo(ruleset.id, ruleset.version, ruleset.sha256,
                                      ruleset.title, {s.id: s for s in ruleset.sources},
                                      source_url)
        self.services = {
            PATIENT_VIEW_ID: self._definition(
                "patient-view", PATIENT_VIEW_ID, "Knee OA treatment options",
                "Compares the knee-osteoarthritis treatment options of the rule file %s %s for "
                "the patient in view (patients with a mapped knee-OA condition)."
                % (ruleset.id, ruleset.version)),
            ORDER_SELECT_ID: self._definition(
                "order-select", ORDER_SELECT_ID, "Knee OA order check",
                "For a selected knee-OA order (e.g. total knee replacement, hyaluronic acid), "
                "shows how that option compares for this patient under the rule file %s %s."
                % (ruleset.id, ruleset.version)),
        }

    def _definition(self, hook: str, sid: str, title: str, description: str) -> Dict[str, Any]:
        return {"hook": hook, "title": title, "description": description, "id": sid,
                "prefetch": dict(self.templates),
                "usageRequirements": "Every prefetch key is needed; without it the service "
                                     "fetches it from fhirServer with fhirAuthorization, or "
                                     "answers 412.",
                "extension": {"org.libknee.ruleset": {"id": self.ruleset.id,
                                                      "version": self.ruleset.version,
                                                      "sha256": self.ruleset.sha256}}}

    # -- routing and authentication --------------------------------------------------------

    def route(self, method: str, path: str) -> str:
        """The route name ("discovery" or a service id) for a request; HttpError otherwise."""
        if path in ("/cds-services", "/cds-services/"):
            if method != "GET":
                raise HttpError(405, "method", "use GET", {"Allow": "GET"})
            return "discovery"
        if path.startswith("/cds-services/") and path[len("/cds-services/"):] in self.services:
            if method != "POST":
                raise HttpError(405, "method", "use POST", {"Allow": "POST"})
            return path[len("/cds-services/"):]
        raise HttpError(404, "not-found", "no such CDS service")

    def log_route(self, path: str) -> str:
        """The path as it may be logged: a known route, or '-' (never client text)."""
        if path in ("/cds-services", "/cds-services/"):
            return "/cds-services"
        sid = path[len("/cds-services/"):] if path.startswith("/cds-services/") else None
        return "/cds-services/" + sid if sid in self.services else "-"

    def authenticate(self, route: str, authorization: Optional[str]) -> None:
        if self.verifier is None:
            return
        from .auth import AuthError
        aud = self.service_url + ("/cds-services" if route == "discovery"
                                  else "/cds-services/" + route)
        try:
            self.verifier.verify(authorization, aud)
        except AuthError as e:
            challenge = 'Bearer realm="cds-services"'
            if e.reason != "no-token":
                challenge += ', error="invalid_token"'
            raise HttpError(401, "unauthorized:" + e.reason, str(e),
                            {"WWW-Authenticate": challenge})

    # -- the endpoints ---------------------------------------------------------------------

    def discovery(self) -> Dict[str, Any]:
        return {"services": list(self.services.values())}

    def call(self, route: str, body: bytes) -> Dict[str, Any]:
        try:
            req = json.loads(body)
        except (ValueError, UnicodeDecodeError, RecursionError):
            # RecursionError: Python's parser recurses, so JSON nested thousands deep ends
            # here; it is bad input like any other.
            raise HttpError(400, "json", "the request body is not JSON (or is nested too "
                                         "deeply)")
        hook = self.services[route]["hook"]
        ctx = self._validate(req, hook)
        as_of = self._as_of(req)
        prefetch = self._prefetch(req, ctx)
        payload = {"hook": hook, "hookInstance": req["hookInstance"],
                   "context": {"patientId": ctx["patientId"], "userId": ctx["userId"]},
                   "prefetch": prefetch}
        try:
            result, report = self.ruleset.compare_fhir(payload, as_of, name="prefetch")
        except PatientError as e:
            # The reason goes back to the EHR that sent the data (never to the log).
            first = e.diagnostics[0] if e.diagnostics else None
            code = first.code if first else "fhir"
            status = 413 if code.startswith("limit-") else 400
            raise HttpError(status, code, "the FHIR data cannot be used: %s"
                            % (first.message if first else e.message))
        try:
            res = result.to_dict()
        finally:
            result.close()
        if hook == "patient-view":
            if "conditions" in self.templates and not cards.has_condition_fact(report):
                return {"cards": []}
            return {"cards": [cards.patient_view_card(self.info, res, report,
                                                      req["hookInstance"], as_of)]}
        return {"cards": self._order_cards(ctx, res, report, req["hookInstance"], as_of)}

    # -- request checks --------------------------------------------------------------------

    def _validate(self, req: Any, hook: str) -> Mapping[str, Any]:
        if not isinstance(req, dict):
            raise HttpError(400, "request", "the request must be a JSON object")
        if req.get("hook") != hook:
            raise HttpError(400, "hook", "this service answers the %s hook" % hook)
        if not isinstance(req.get("hookInstance"), str) or not req["hookInstance"]:
            raise HttpError(400, "request", "hookInstance is required")
        ctx = req.get("context")
        if not isinstance(ctx, dict):
            raise HttpError(400, "context", "context must be an object")
        if not isinstance(ctx.get("patientId"), str) or not _FHIR_ID.match(ctx["patientId"]):
            raise HttpError(400, "context", "context.patientId must be a FHIR id")
        if not isinstance(ctx.get("userId"), str) or "/" not in ctx["userId"]:
            raise HttpError(400, "context", "context.userId must be a reference like "
                                            "Practitioner/123")
        if hook == "order-select":
            sel, draft = ctx.get("selections"), ctx.get("draftOrders")
            if not isinstance(sel, list) or not sel or not all(isinstance(s, str) for s in sel):
                raise HttpError(400, "context", "context.selections must list order ids")
            if not isinstance(draft, dict) or draft.get("resourceType") != "Bundle":
                raise HttpError(400, "context", "context.draftOrders must be a Bundle")
        if "prefetch" in req and not isinstance(req["prefetch"], dict):
            raise HttpError(400, "prefetch", "prefetch must be an object")
        if "fhirAuthorization" in req:
            fa = req["fhirAuthorization"]
            if not isinstance(req.get("fhirServer"), str):
                raise HttpError(400, "request", "fhirAuthorization needs fhirServer")
            if not isinstance(fa, dict) or not isinstance(fa.get("access_token"), str):
                raise HttpError(400, "request", "fhirAuthorization.access_token is required")
        return ctx

    def _as_of(self, req: Mapping[str, Any]) -> str:
        ext = req.get("extension")
        if isinstance(ext, dict) and AS_OF_EXTENSION in ext:
            value = ext[AS_OF_EXTENSION]
            if not isinstance(value, str) or not _DATE.match(value):
                raise HttpError(400, "as-of", "%s must be a date YYYY-MM-DD" % AS_OF_EXTENSION)
            try:
                datetime.date.fromisoformat(value)
            except ValueError:
                raise HttpError(400, "as-of", "%s is not a calendar date" % AS_OF_EXTENSION)
            return value
        return self.as_of or datetime.date.today().isoformat()

    def _prefetch(self, req: Mapping[str, Any], ctx: Mapping[str, Any]) -> Dict[str, Any]:
        """Our keys only: sent by the client, else fetched, else 412."""
        sent = req.get("prefetch") or {}
        out: Dict[str, Any] = {}
        for key in self.templates:
            if key not in sent:
                continue
            value = sent[key]
            if value is not None and not (isinstance(value, dict) and
                                          isinstance(value.get("resourceType"), str)):
                raise HttpError(400, "prefetch", "prefetch %r is neither a FHIR resource nor "
                                                 "null" % key)
            out[key] = value
        missing = [k for k in self.templates if k not in out]
        if not missing:
            return out
        server, fa = req.get("fhirServer"), req.get("fhirAuthorization")
        if not isinstance(server, str) or not isinstance(fa, dict):
            raise HttpError(412, "prefetch-missing",
                            "prefetch keys missing and no FHIR access to fetch them: "
                            + ", ".join(missing))
        why = check_server(server)
        if why:
            raise HttpError(412, "fhir-server", why)
        for key in missing:
            try:
                out[key] = self.fetcher.fetch(key, server, self.templates[key], ctx,
                                              fa["access_token"])
            except FetchError as e:
                raise HttpError(412, "fetch-failed", "prefetch %r could not be fetched: %s"
                                % (key, e))
        return out

    def _order_cards(self, ctx: Mapping[str, Any], res: Mapping[str, Any],
                     report: Mapping[str, Any], hook_instance: str,
                     as_of: str) -> List[Dict[str, Any]]:
        entries = ctx["draftOrders"].get("entry") or []
        by_ref: Dict[str, Mapping[str, Any]] = {}
        patient_ref = "Patient/" + ctx["patientId"]
        for e in entries if isinstance(entries, list) else []:
            r = e.get("resource") if isinstance(e, dict) else None
            if not isinstance(r, dict) or not isinstance(r.get("resourceType"), str):
                continue
            for field in ("subject", "patient"):
                ref = r.get(field)
                if isinstance(ref, dict) and isinstance(ref.get("reference"), str) and \
                        ref["reference"].startswith("Patient/") and ref["reference"] != patient_ref:
                    raise HttpError(400, "fhir-other-patient",
                                    "a draft order is for another patient than the context")
            if isinstance(r.get("id"), str):
                by_ref["%s/%s" % (r["resourceType"], r["id"])] = r
        out, done = [], set()
        for sel in ctx["selections"]:
            order = by_ref.get(sel)
            if order is None:
                continue
            for system, code in cards.order_codes(order):
                option = self.order_map.get("%s|%s" % (system, code))
                if option and (sel, option) not in done:
                    done.add((sel, option))
                    out.append(cards.order_card(self.info, res, report, hook_instance, as_of,
                                                sel, option))
        return out


# ---- HTTP -----------------------------------------------------------------------------------

class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "knee-cdshooks"
    sys_version = ""
    timeout = 15
    service: Service   # set on the subclass make_server() builds

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes: without this, Nagle's algorithm and the
        # client's delayed ACK add ~40 ms to every answer on a keep-alive connection.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """The base class would log the request line: never (it may carry client text)."""

    def _send(self, status: int, payload: Any, headers: Optional[Dict[str, str]] = None) -> None:
        data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _body(self) -> bytes:
        length = self.headers.get("Content-Length")
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = True
            raise HttpError(411, "length", "send the body with a Content-Length")
        if length is None:
            self.close_connection = True
            raise HttpError(411, "length", "Content-Length is required")
        try:
            n = int(length)
        except ValueError:
            n = -1
        if n < 0:
            self.close_connection = True
            raise HttpError(400, "length", "bad Content-Length")
        if n > self.service.max_body:
            self.close_connection = True
            raise HttpError(413, "too-large", "the request body is over %d bytes"
                            % self.service.max_body)
        return self.rfile.read(n)

    def _handle(self) -> None:
        t0 = time.perf_counter()
        svc = self.service
        path = self.path.split("?", 1)[0]
        status = 500
        try:
            try:
                route = svc.route(self.command, path)
                svc.authenticate(route, self.headers.get("Authorization"))
                if route == "discovery":
                    payload, status = svc.discovery(), 200
                else:
                    payload, status = svc.call(route, self._body()), 200
                self._send(200, payload)
            except HttpError as e:
                status = e.status
                if self.command == "POST" and status in (401, 404, 405):
                    self.close_connection = True   # the body was not read
                self._send(e.status, e.body(), e.headers)
        except (ConnectionError, TimeoutError):
            # The client went away (reset, closed, or stopped sending): not the service's
            # error. 499 is nginx's "client closed request"; nothing can be answered.
            self.close_connection = True
            log.info("%s %s 499 client closed the connection %.1fms", self.command,
                     svc.log_route(path), (time.perf_counter() - t0) * 1000.0)
            return
        except (KneeError, Exception) as e:  # noqa: BLE001 - never a traceback to the client
            status = 500
            log.error("%s %s 500 internal error (%s)", self.command, svc.log_route(path),
                      type(e).__name__)
            try:
                self.close_connection = True
                self._send(500, {"error": "internal", "message": "internal error"})
            except OSError:
                pass
            return
        log.info("%s %s %d %.1fms", self.command, svc.log_route(path), status,
                 (time.perf_counter() - t0) * 1000.0)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _handle


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def make_server(service: Service, host: str = "127.0.0.1", port: int = 0) -> Server:
    """A threading HTTP server for ``service`` (port 0: an ephemeral port, see
    ``server.server_address``). Call serve_forever(); shutdown() stops it."""
    handler = type("Handler", (_Handler,), {"service": service})
    return Server((host, port), handler)


def serve(service: Service, host: str, port: int) -> Tuple[str, int]:  # pragma: no cover
    srv = make_server(service, host, port)
    log.info("listening on %s:%d", *srv.server_address[:2])
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        srv.server_close()
    return srv.server_address[:2]
