"""The CDS Hooks services over one rule file (docs/cds-hooks.md): discovery, the patient-view
and order-select hooks, feedback, health. It knows nothing of HTTP servers: app.py calls it
with a request's parts and turns what it returns or raises (errors.HttpError) into answers.
"""

from __future__ import annotations

import datetime
import json
import logging
import re
import time
import urllib.parse
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

from .. import PatientError, Ruleset
from . import cards, picture
from .errors import HttpError
from .fetch import Fetcher, Read, limited, next_link
from .httpclient import check_url

log = logging.getLogger("knee.cdshooks")

PATIENT_VIEW_ID = "knee-oa-options"
ORDER_SELECT_ID = "knee-oa-order-check"
AS_OF_EXTENSION = "org.libknee.as-of"
MAX_BODY = 4 << 20
_FHIR_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                   r"[0-9a-fA-F]{12}$")
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
_HCPCS = "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"

# Orders that map to an option of the shipped rule file (knee-oa.xml): SNOMED CT 609588000
# "Total knee replacement" (the code Synthea's total_joint_replacement module orders), and the
# hyaluronic-acid HCPCS codes J7321-J7326 (the rule file's own <history> mapping, source
# codes-ha). A site gives its own with order_map.
DEFAULT_ORDER_MAP = {"http://snomed.info/sct|609588000": "tka"}
DEFAULT_ORDER_MAP.update({"%s|J%d" % (_HCPCS, n): "hyaluronic-acid" for n in range(7321, 7327)})
# Facts whose date is flagged in cards when older than this (days). The rule file format has
# no place for it (rules/README.md, "FHIR mapping"), so it is the service's configuration.
DEFAULT_MAX_AGE_DAYS = {"bmi": 365, "kl_grade": 730, "payer": 365}


def same_base(a: str, b: str) -> bool:
    """Are two FHIR base URLs the same server base (scheme and host case-insensitive, the
    path exact but for a trailing slash)?"""
    try:
        x, y = urllib.parse.urlsplit(a), urllib.parse.urlsplit(b)
        return (x.scheme.lower(), x.hostname, x.port, x.path.rstrip("/")) == \
            (y.scheme.lower(), y.hostname, y.port, y.path.rstrip("/")) and \
            not x.query and not x.fragment
    except ValueError:
        return False


class Service:
    """The CDS Hooks services for one rule file.

    ``verifier``: an auth.Verifier, or None to accept unauthenticated calls (local trials
    only). ``service_url``: the base URL clients call (JWT ``aud`` = it + the path).
    ``fhir_servers``: issuer -> the FHIR base URLs the access token of a call from it may go
    to (key None: without authentication). ``as_of``: a fixed evaluation date (else the
    request's extension, else today's local date). ``order_map``: "system|code" -> option id
    for order-select. ``max_age_days``: fact id -> days after which its date is flagged.
    ``app_links``: patient id -> the links[] that open the decision aid (smart.py).
    ``state``: where feedback is recorded (state.py).
    """

    def __init__(self, ruleset: Ruleset, service_url: str, verifier: Any = None,
                 fetcher: Optional[Fetcher] = None, as_of: Optional[str] = None,
                 order_map: Optional[Mapping[str, str]] = None, max_body: int = MAX_BODY,
                 source_url: Optional[str] = None,
                 fhir_servers: Optional[Mapping[Optional[str], Sequence[str]]] = None,
                 max_age_days: Optional[Mapping[str, int]] = None,
                 app_links: Optional[Callable[[str], List[Dict[str, Any]]]] = None,
                 state: Any = None) -> None:
        self.ruleset = ruleset
        self.service_url = service_url.rstrip("/")
        self.verifier = verifier
        self.fetcher = fetcher or Fetcher()
        self.as_of = as_of
        self.max_body = max_body
        self.fhir_servers = {k: list(v) for k, v in (fhir_servers or {}).items()}
        self.app_links = app_links
        self.state = state
        self.templates = ruleset.fhir_prefetch()
        self.pictures = picture.Cache()
        options = {o.id for o in ruleset.options}
        if order_map is None:
            order_map = {k: v for k, v in DEFAULT_ORDER_MAP.items() if v in options}
        unknown = sorted(set(order_map.values()) - options)
        if unknown:
            raise ValueError("order map names options the rule file does not have: %s"
                             % ", ".join(unknown))
        self.order_map = dict(order_map)
        facts = {f.id: f for f in ruleset.facts}
        ages = DEFAULT_MAX_AGE_DAYS if max_age_days is None else max_age_days
        with ruleset.compare({}) as everyone:
            baseline = cards.Baseline.of(everyone.to_dict())
        self.info = cards.RulesetInfo(
            ruleset.id, ruleset.version, ruleset.sha256, ruleset.title,
            {s.id: s for s in ruleset.sources}, source_url,
            criteria={c.id: c for c in ruleset.criteria}, facts=facts, baseline=baseline,
            max_age_days={k: int(v) for k, v in ages.items() if k in facts},
            templates=self.templates)
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

    # -- authentication ---------------------------------------------------------------------

    def authenticate(self, path: str, authorization: Optional[str]) -> Optional[Dict[str, Any]]:
        """The verified JWT claims of a call to ``path`` (the token's aud must be that
        endpoint's URL; for feedback, the feedback URL or its service's URL), or None without
        authentication; HttpError 401 otherwise."""
        if self.verifier is None:
            return None
        from .auth import AuthError
        aud: Any = self.service_url + path
        if path.endswith("/feedback"):
            aud = [aud, self.service_url + path[:-len("/feedback")]]
        try:
            return self.verifier.verify(authorization, aud)
        except AuthError as e:
            challenge = 'Bearer realm="cds-services"'
            if e.reason != "no-token":
                challenge += ', error="invalid_token"'
            raise HttpError(401, "unauthorized:" + e.reason, str(e),
                            {"WWW-Authenticate": challenge})

    # -- the endpoints ---------------------------------------------------------------------

    def discovery(self) -> Dict[str, Any]:
        return {"services": list(self.services.values())}

    def health(self) -> Tuple[int, Dict[str, Any]]:
        """(200 or 503, body) for load balancers: the rule file loaded, the state store
        readable."""
        body: Dict[str, Any] = {"status": "ok", "ruleset": {"id": self.ruleset.id,
                                                            "version": self.ruleset.version}}
        try:
            if self.state is not None:
                self.state.check()
        except Exception as e:  # noqa: BLE001 - any failure of the store is "not ready"
            body.update(status="unavailable", reason="state store: %s" % type(e).__name__)
            return 503, body
        return 200, body

    def call(self, sid: str, body: bytes, audit: Any,
             claims: Optional[Mapping[str, Any]] = None) -> Dict[str, Any]:
        """The cards for a call to service ``sid``. ``audit``: the call's audit record
        (audit.Call: hookInstance and card uuids go there)."""
        req = parse_json(body)
        hook = self.services[sid]["hook"]
        ctx = self._validate(req, hook)
        audit.hook_instance = req["hookInstance"]
        as_of = self._as_of(req)
        prefetch, unread = self._prefetch(req, ctx, claims)
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
        change = picture.key_change(self.ruleset, report, self.info.criteria,
                                    self.pictures) if hook == "patient-view" else None
        ev = cards.Evaluation(res, report, req["hookInstance"], as_of, unread, change)
        out = self._cards(hook, ctx, ev, prefetch.get("patient"))
        audit.cards = [c["uuid"] for c in out]
        return {"cards": out}

    def _cards(self, hook: str, ctx: Mapping[str, Any], ev: cards.Evaluation,
               patient: Any) -> List[Dict[str, Any]]:
        died = cards.deceased(ev.report, patient, ev.as_of)
        if died is not None:
            return [cards.deceased_card(self.info, ev, hook, died)]
        if hook == "patient-view":
            if "conditions" in self.templates and "conditions" not in ev.unread and \
                    not cards.has_condition_fact(ev.report):
                return []   # knee OA is not on the problem list the EHR gave
            links = self.app_links(ctx["patientId"]) if self.app_links else []
            return [cards.patient_view_card(self.info, ev, links)]
        return self._order_cards(ctx, ev)

    def feedback(self, sid: str, body: bytes, audit: Any,
                 claims: Optional[Mapping[str, Any]] = None) -> Dict[str, Any]:
        """Record CDS Hooks feedback (accepted / overridden, with the override reason the
        clinician chose) without patient data: the card uuid, the outcome and its time, the
        reason's code when it is one the cards offered (else "other"), whether a comment was
        given (never the comment: it is free text), the issuer and the request id."""
        req = parse_json(body)
        items = req.get("feedback") if isinstance(req, dict) else None
        if not isinstance(items, list) or not items:
            raise HttpError(400, "feedback", "the body must be {\"feedback\": [...]}")
        offered = {c for c, _ in cards.OVERRIDE_REASONS}
        rows = []
        for i, f in enumerate(items):
            where = "feedback[%d]" % i
            if not isinstance(f, dict) or not isinstance(f.get("card"), str) or \
                    not _UUID.match(f["card"]):
                raise HttpError(400, "feedback", where + ".card must be a card uuid")
            if f.get("outcome") not in ("accepted", "overridden"):
                raise HttpError(400, "feedback", where + ".outcome must be accepted or "
                                                         "overridden")
            accepted = f.get("acceptedSuggestions", [])
            if not isinstance(accepted, list) or not all(
                    isinstance(a, dict) and isinstance(a.get("id"), str) for a in accepted) or \
                    (f["outcome"] == "accepted" and not accepted):
                raise HttpError(400, "feedback", where + ".acceptedSuggestions must list "
                                                         "{\"id\": ...} (required when "
                                                         "accepted)")
            ts = f.get("outcomeTimestamp")
            if not isinstance(ts, str) or not _RFC3339.match(ts):
                raise HttpError(400, "feedback", where + ".outcomeTimestamp must be an "
                                                         "RFC 3339 date-time")
            why = f.get("overrideReason", {})
            reason = why.get("reason") if isinstance(why, dict) else None
            if not isinstance(why, dict) or (reason is not None and not (
                    isinstance(reason, dict) and isinstance(reason.get("code"), str) and
                    isinstance(reason.get("system"), str))):
                raise HttpError(400, "feedback", where + ".overrideReason.reason must be a "
                                                         "Coding")
            ours = bool(reason) and reason["system"] == cards.OVERRIDE_SYSTEM and \
                reason["code"] in offered
            rows.append({"received": time.time(), "service": sid, "card": f["card"].lower(),
                         "outcome": f["outcome"],
                         "reason_system": cards.OVERRIDE_SYSTEM if ours else None,
                         "reason_code": reason["code"] if ours else ("other" if reason else None),
                         "comment_given": int(isinstance(why.get("userComment"), str) and
                                              bool(why["userComment"])),
                         "suggestions_accepted": len(accepted), "outcome_time": ts,
                         "issuer": claims.get("iss") if claims else None,
                         "request_id": audit.rid})
        for row in rows:
            if self.state is not None:
                self.state.add_feedback(row)
            log.info("feedback rid=%s card=%s outcome=%s reason=%s comment=%s", audit.rid,
                     row["card"], row["outcome"], row["reason_code"] or "-",
                     "yes" if row["comment_given"] else "no")
        audit.cards = [r["card"] for r in rows]
        return {"recorded": len(rows)}

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

    def fhir_access(self, req: Mapping[str, Any],
                    claims: Optional[Mapping[str, Any]]) -> Optional[Tuple[str, str]]:
        """(fhirServer, access token) when the call gives FHIR access and its fhirServer is
        one the caller's issuer is allowed to send us to; None without FHIR access; HttpError
        412 for a server not allowed (the token goes nowhere else)."""
        server, fa = req.get("fhirServer"), req.get("fhirAuthorization")
        if not isinstance(server, str) or not isinstance(fa, dict):
            return None
        why = check_url(server)
        if why:
            raise HttpError(412, "fhir-server", "fhirServer %s" % why)
        iss = claims.get("iss") if claims else None
        if not any(same_base(server, b) for b in self.fhir_servers.get(iss, [])):
            raise HttpError(412, "fhir-server", "fhirServer is not a FHIR server this "
                                                "service may send the access token to "
                                                "(the allowlist of the caller's issuer)")
        return server, fa["access_token"]

    def _prefetch(self, req: Mapping[str, Any], ctx: Mapping[str, Any],
                  claims: Optional[Mapping[str, Any]]) -> Tuple[Dict[str, Any], Dict[str, str]]:
        """Our keys only: sent by the client (their further pages read when it paginated),
        else fetched, else 412 when there is no FHIR access. Returns the prefetch and the keys
        not read, wholly (left out: their facts are missing) or in part, with why."""
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
        # Searches the EHR sent in pages (a _count search's first page is its answer).
        paged = [k for k, v in out.items() if isinstance(v, dict) and
                 v.get("resourceType") == "Bundle" and next_link(v) is not None and
                 not limited(self.templates[k])]
        access = self.fhir_access(req, claims) if (missing or paged) else None
        if missing and access is None:
            raise HttpError(412, "prefetch-missing",
                            "prefetch keys missing and no FHIR access to fetch them: "
                            + ", ".join(missing))
        unread: Dict[str, str] = {}
        if access is None:
            for k in paged:
                unread[k] = "only the first page of results was sent"
            return out, unread
        wanted = {k: (self.templates[k], None) for k in missing}
        wanted.update({k: (self.templates[k], out[k]) for k in paged})
        reads: Dict[str, Read] = self.fetcher.read_all(access[0], wanted, ctx, access[1])
        for key, got in reads.items():
            if got.value is None:
                out.pop(key, None)
            else:
                out[key] = got.value
            if got.problem:
                unread[key] = got.problem
        return out, unread

    def _order_cards(self, ctx: Mapping[str, Any], ev: cards.Evaluation) -> List[Dict[str, Any]]:
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
                    out.append(cards.order_card(self.info, ev, sel, option))
        return out


def parse_json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        # RecursionError: Python's parser recurses, so JSON nested thousands deep ends here;
        # it is bad input like any other.
        raise HttpError(400, "json", "the request body is not JSON (or is nested too deeply)")
