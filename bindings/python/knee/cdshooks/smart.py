"""The decision aid as a SMART app (SMART App Launch 2.0, EHR launch): a card's link opens
``/app/launch?audience=patient|clinician``; the EHR adds ``iss`` and ``launch``; the app
discovers the EHR's authorization server (``{iss}/.well-known/smart-configuration``), sends
the browser to authorize with PKCE (S256) and an unguessable ``state`` tied to the browser by
a cookie, trades the code for an access token at ``/app/callback``, reads the patient's data
from the FHIR server with it (the discovery's prefetch queries, fetch.py), and answers the
decision-aid report for that patient (``knee report``: Result.to_html).

Only FHIR servers on the service's allowlist are ever contacted (an ``iss`` elsewhere is
refused before any request). Launch records live in the shared state (state.py) for ten
minutes and are used once, so any worker can take the callback. The access token is used for
this one page and forgotten; nothing here is logged but the audit line.
"""

from __future__ import annotations

import base64
import hashlib
import html
import inspect
import json
import re
import secrets
import time
import urllib.parse
from typing import Any, Dict, List, Mapping, Optional, Tuple

from .. import Patient, PatientError
from . import httpclient
from .errors import HttpError
from .service import Service, same_base

LAUNCH_TTL = 600
COOKIE = "knee_sid"
AUDIENCES = ("patient", "clinician")
_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")
_STATE = re.compile(r"^[A-Za-z0-9_\-]{20,128}$")
_ERROR = re.compile(r"^[A-Za-z0-9_\-.]{1,64}$")
# The report is self-contained (no script, no network): nothing else may load.
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; " \
      "form-action 'none'"

Answer = Tuple[int, List[Tuple[str, str]], bytes]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def scopes(templates: Mapping[str, str]) -> str:
    """The SMART v2 scopes the report needs: ``launch`` and read (Patient) or search (the
    others) on each resource type the prefetch queries name; nothing more."""
    types = []
    for t in templates.values():
        rtype = re.split(r"[/?]", t, 1)[0]
        if rtype and rtype not in types:
            types.append(rtype)
    return " ".join(["launch"] + ["patient/%s.%s" % (t, "r" if t == "Patient" else "rs")
                                  for t in types])


class SmartApp:
    """The EHR-launched decision aid of ``service``.

    ``client_id`` (and ``client_secret`` for a confidential client: HTTP Basic at the token
    endpoint, SMART's client-confidential-symmetric) as registered with the EHR;
    ``redirect_uri``: {service_url}/app/callback unless registered otherwise; ``state``: the
    shared store; ``fetch_deadline``: seconds for all the FHIR reads of one page."""

    def __init__(self, service: Service, client_id: str, state: Any,
                 client_secret: Optional[str] = None, redirect_uri: Optional[str] = None,
                 scope: Optional[str] = None, fetch_deadline: float = 5.0,
                 clock: Any = time.time) -> None:
        self.service = service
        self.client_id, self.client_secret = client_id, client_secret
        self.redirect_uri = redirect_uri or service.service_url + "/app/callback"
        self.scope = scope or scopes(service.templates)
        self.state = state
        self.fetch_deadline = fetch_deadline
        self._clock = clock
        self.secure = service.service_url.startswith("https://")

    # -- the card links -------------------------------------------------------------------

    def links(self, patient_id: str = "") -> List[Dict[str, Any]]:
        """The links[] of a patient-view card: the clinician's and the patient's page, as
        SMART launch links (the EHR adds iss and launch, and so the patient)."""
        base = self.service.service_url + "/app/launch?audience="
        return [{"label": "Decision aid for this patient: clinician page",
                 "url": base + "clinician", "type": "smart"},
                {"label": "Decision aid for this patient: page to read with the patient",
                 "url": base + "patient", "type": "smart"}]

    # -- step 2-4: launch, discovery, authorize ----------------------------------------------

    def _allowed(self, iss: str) -> bool:
        return httpclient.check_url(iss) is None and any(
            same_base(iss, base) for bases in self.service.fhir_servers.values()
            for base in bases)

    def _discover(self, iss: str) -> Mapping[str, Any]:
        url = iss.rstrip("/") + "/.well-known/smart-configuration"
        try:
            resp = httpclient.request("GET", url, time.monotonic() + 5.0,
                                      {"Accept": "application/json"}, max_bytes=1 << 20)
            conf = json.loads(resp.body) if resp.status == 200 else None
        except (httpclient.ClientError, ValueError, RecursionError):
            conf = None
        if not isinstance(conf, dict):
            raise HttpError(502, "smart-configuration", "the EHR's SMART configuration "
                                                        "could not be read")
        for k in ("authorization_endpoint", "token_endpoint"):
            if not isinstance(conf.get(k), str) or httpclient.check_url(conf[k]):
                raise HttpError(502, "smart-configuration",
                                "the EHR's SMART configuration has no usable %s" % k)
        caps = conf.get("capabilities")
        if isinstance(caps, list) and "launch-ehr" not in caps:
            raise HttpError(502, "smart-configuration", "the EHR does not offer the EHR launch")
        methods = conf.get("code_challenge_methods_supported")
        if isinstance(methods, list) and "S256" not in methods:
            raise HttpError(502, "smart-configuration", "the EHR does not support PKCE S256")
        return conf

    def launch(self, query: Mapping[str, str], cookies: Mapping[str, str]) -> Answer:
        iss, launch = query.get("iss", ""), query.get("launch", "")
        audience = query.get("audience", "clinician")
        if audience not in AUDIENCES:
            raise HttpError(400, "audience", "audience must be patient or clinician")
        if not iss or not launch or len(launch) > 4096:
            raise HttpError(400, "launch", "an EHR launch needs iss and launch")
        if not self._allowed(iss):
            raise HttpError(403, "launch-iss", "iss is not a FHIR server this app may use")
        conf = self._discover(iss)
        state = secrets.token_urlsafe(32)
        verifier = secrets.token_urlsafe(64)
        sid = cookies.get(COOKIE, "")
        if not _STATE.match(sid):
            sid = secrets.token_urlsafe(32)
        self.state.put_launch(state, {"iss": iss, "token_endpoint": conf["token_endpoint"],
                                      "verifier": verifier, "audience": audience,
                                      "sid": _hash(sid)}, self._clock() + LAUNCH_TTL)
        params = {"response_type": "code", "client_id": self.client_id,
                  "redirect_uri": self.redirect_uri, "launch": launch, "scope": self.scope,
                  "state": state, "aud": iss,
                  "code_challenge": _b64(hashlib.sha256(verifier.encode()).digest()),
                  "code_challenge_method": "S256"}
        sep = "&" if "?" in conf["authorization_endpoint"] else "?"
        location = conf["authorization_endpoint"] + sep + urllib.parse.urlencode(params)
        cookie = "%s=%s; Path=/app/; Max-Age=%d; HttpOnly; %s" % (
            COOKIE, sid, LAUNCH_TTL, "Secure; SameSite=None" if self.secure else "SameSite=Lax")
        return 302, [("Location", location), ("Set-Cookie", cookie),
                     ("Cache-Control", "no-store"), ("Referrer-Policy", "no-referrer")], b""

    # -- step 5-6: token, FHIR, the report ----------------------------------------------------

    def _token(self, record: Mapping[str, Any], code: str) -> Mapping[str, Any]:
        form = {"grant_type": "authorization_code", "code": code,
                "redirect_uri": self.redirect_uri, "code_verifier": record["verifier"]}
        headers = {"Content-Type": "application/x-www-form-urlencoded",
                   "Accept": "application/json"}
        if self.client_secret:
            pair = "%s:%s" % (urllib.parse.quote(self.client_id, safe=""),
                              urllib.parse.quote(self.client_secret, safe=""))
            headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
        else:
            form["client_id"] = self.client_id
        try:
            resp = httpclient.request("POST", record["token_endpoint"], time.monotonic() + 5.0,
                                      headers, urllib.parse.urlencode(form).encode("ascii"),
                                      max_bytes=1 << 20)
            token = json.loads(resp.body) if resp.status == 200 else None
        except (httpclient.ClientError, ValueError, RecursionError):
            token = None
        if not isinstance(token, dict) or not isinstance(token.get("access_token"), str) or \
                str(token.get("token_type", "")).lower() != "bearer":
            raise HttpError(502, "smart-token", "the EHR did not give an access token")
        if not isinstance(token.get("patient"), str) or not _ID.match(token["patient"]):
            raise HttpError(502, "smart-token", "the EHR's token response names no patient")
        return token

    def callback(self, query: Mapping[str, str], cookies: Mapping[str, str]) -> Answer:
        if "error" in query:
            err = query["error"] if _ERROR.match(query.get("error", "")) else "error"
            raise HttpError(403, "smart-authorize", "the EHR did not authorize the app (%s)"
                            % err)
        state, code = query.get("state", ""), query.get("code", "")
        if not _STATE.match(state) or not code:
            raise HttpError(400, "smart-callback", "the callback needs code and state")
        record = self.state.take_launch(state, self._clock())
        if record is None:
            raise HttpError(400, "smart-state", "unknown, used or expired state")
        if _hash(cookies.get(COOKIE, "")) != record["sid"]:
            raise HttpError(400, "smart-state", "the state was issued to another browser")
        token = self._token(record, code)
        return 200, [("Content-Type", "text/html; charset=utf-8"),
                     ("Cache-Control", "no-store"), ("Content-Security-Policy", CSP),
                     ("Referrer-Policy", "no-referrer"),
                     ("X-Content-Type-Options", "nosniff")], \
            self.report(record["iss"], token["access_token"], token["patient"],
                        record["audience"]).encode("utf-8")

    def report(self, server: str, access_token: str, patient_id: str, audience: str) -> str:
        """The decision-aid page for ``patient_id`` from the FHIR data ``server`` gives
        ``access_token``; a notice at the top names what could not be read."""
        svc = self.service
        ctx = {"patientId": patient_id}
        reads = svc.fetcher.read_all(server, {k: (t, None) for k, t in svc.templates.items()},
                                     ctx, access_token, deadline=self.fetch_deadline)
        prefetch = {k: r.value for k, r in reads.items() if r.value is not None}
        unread = {k: r.problem for k, r in reads.items() if r.problem}
        if "patient" in svc.templates and "patient" not in prefetch:
            raise HttpError(502, "fhir", "the patient could not be read from the EHR (%s)"
                            % unread.get("patient", ""))
        as_of = svc.as_of or time.strftime("%Y-%m-%d", time.localtime(self._clock()))
        request = {"hook": "patient-view", "hookInstance": "smart-launch",
                   "context": {"patientId": patient_id, "userId": "Practitioner/smart-launch"},
                   "prefetch": prefetch}
        with Patient(svc.ruleset) as patient:
            try:
                report = patient.load_fhir(request, as_of, name="smart-launch")
            except PatientError as e:
                raise HttpError(502, "fhir", "the EHR's FHIR data cannot be used: %s"
                                % e.message)
            from .cards import deceased
            died = deceased(report, prefetch.get("patient"), as_of)
            if died is not None:
                return _page("The record says this patient died%s: no treatment comparison "
                             "is shown." % (" on " + died[:10] if died else ""))
            with svc.ruleset.compare(patient) as result:
                page = _to_html(result, patient, as_of, audience)
        return _notice(page, unread)


def _to_html(result: Any, patient: Any, as_of: str, audience: str) -> str:
    """result.to_html for ``audience`` when the binding takes one (a later version of the
    report has a patient and a clinician page); today's single page otherwise."""
    if "audience" in inspect.signature(result.to_html).parameters:
        return result.to_html(patient, date=as_of, audience=audience)
    return result.to_html(patient, date=as_of)


def _page(text: str) -> str:
    return ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Knee OA "
            "decision aid</title></head><body><p>%s</p></body></html>" % html.escape(text))


def _notice(page: str, unread: Mapping[str, str]) -> str:
    """The report with a notice after <body> listing the data that could not be read."""
    if not unread:
        return page
    items = "".join("<li>%s: %s</li>" % (html.escape(k), html.escape(v))
                    for k, v in sorted(unread.items()))
    notice = ("<aside role=\"note\" style=\"border:2px solid #a60;padding:.5em 1em;"
              "margin:1em\"><p><strong>Some data could not be read from the record</strong>; "
              "the facts it gives are shown as not known:</p><ul>%s</ul></aside>" % items)
    m = re.search(r"<body[^>]*>", page)
    return page[:m.end()] + notice + page[m.end():] if m else notice + page


def absolute_links(template: str, patient_id: str) -> List[Dict[str, Any]]:
    """A site's own decision-aid link (type absolute): ``template`` with {audience} and
    {patientId} filled in, percent-encoded."""
    out = []
    for audience, label in (("clinician", "clinician page"),
                            ("patient", "page to read with the patient")):
        out.append({"label": "Decision aid for this patient: " + label,
                    "url": template.replace("{audience}", audience).replace(
                        "{patientId}", urllib.parse.quote(patient_id, safe="")),
                    "type": "absolute"})
    return out


def parse_cookies(header: Optional[str]) -> Dict[str, str]:
    out: Dict[str, str] = {}
    for part in (header or "").split(";"):
        name, eq, value = part.strip().partition("=")
        if eq and name and name not in out:
            out[name] = value
    return out


def parse_query(qs: str) -> Dict[str, str]:
    """The query parameters, the first of each name (a repeated one cannot override)."""
    out: Dict[str, str] = {}
    for name, value in urllib.parse.parse_qsl(qs, keep_blank_values=True, max_num_fields=50):
        out.setdefault(name, value)
    return out
