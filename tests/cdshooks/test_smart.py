"""The decision aid's SMART App Launch 2.0 EHR launch, end to end against a fake EHR on
loopback (its authorization server and its FHIR server): launch -> discovery -> authorize
(PKCE S256, state tied to the browser) -> token -> FHIR reads -> the report for this patient.
And every way it refuses: an iss not allowed, a state used twice or from another browser, an
authorization refused, a token endpoint that fails or names no patient."""

import base64
import hashlib
import http.client
import json
import os
import threading
import unittest
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from knee.cdshooks import smart
from knee.cdshooks.fetch import fill_template

from support import FHIR, ISSUER, KEYS, Running, load, prefetch_from_bundle, searchset

CLIENT_ID = "knee-decision-aid"
ACCESS_TOKEN = "at-" + uuid.uuid4().hex


class FakeEhr:
    """An EHR's authorization server and FHIR server on one loopback port: SMART discovery at
    {fhir}/.well-known/smart-configuration, /auth/authorize (checks every parameter SMART 2.0
    asks for and answers with a code), /auth/token (checks the code, redirect_uri and PKCE
    verifier and the client's authentication), and FHIR reads that need the access token."""

    def __init__(self, fhir_answers, secret=None):
        self.answers, self.secret = fhir_answers, secret
        self.launches = {"launch-123"}
        self.codes = {}
        self.token_requests, self.fhir_seen, self.authorize_params = [], [], []
        self.token_answer = None      # a dict to answer instead (tests of failures)
        self.deny = False
        outer = self

        class H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def answer(self, status, body, headers=()):
                data = json.dumps(body).encode() if body is not None else b""
                self.send_response(status)
                for k, v in headers:
                    self.send_header(k, v)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                path, _, query = self.path.partition("?")
                q = dict(urllib.parse.parse_qsl(query))
                if path == "/fhir/.well-known/smart-configuration":
                    return self.answer(200, {
                        "authorization_endpoint": outer.root + "/auth/authorize",
                        "token_endpoint": outer.root + "/auth/token",
                        "capabilities": ["launch-ehr", "client-public",
                                         "client-confidential-symmetric"],
                        "code_challenge_methods_supported": ["S256"]})
                if path == "/auth/authorize":
                    outer.authorize_params.append(q)
                    if outer.deny:
                        loc = q["redirect_uri"] + "?" + urllib.parse.urlencode(
                            {"error": "access_denied", "state": q.get("state", "")})
                        return self.answer(302, None, [("Location", loc)])
                    ok = (q.get("response_type") == "code" and q.get("client_id") == CLIENT_ID
                          and q.get("launch") in outer.launches and q.get("aud") == outer.fhir
                          and "launch" in q.get("scope", "").split()
                          and q.get("code_challenge_method") == "S256"
                          and len(q.get("state", "")) >= 22 and q.get("code_challenge"))
                    if not ok:
                        return self.answer(400, {"error": "invalid_request"})
                    code = uuid.uuid4().hex
                    outer.codes[code] = q
                    loc = q["redirect_uri"] + "?" + urllib.parse.urlencode(
                        {"code": code, "state": q["state"]})
                    return self.answer(302, None, [("Location", loc)])
                if path.startswith("/fhir/"):
                    outer.fhir_seen.append((self.path, self.headers.get("Authorization")))
                    if self.headers.get("Authorization") != "Bearer " + ACCESS_TOKEN:
                        return self.answer(401, {"resourceType": "OperationOutcome"})
                    rel = urllib.parse.unquote(self.path[len("/fhir/"):])
                    status, body = outer.answers.get(rel, (404, {"resourceType":
                                                                 "OperationOutcome"}))
                    return self.answer(status, body)
                return self.answer(404, {})

            def do_POST(self):
                n = int(self.headers.get("Content-Length") or 0)
                form = dict(urllib.parse.parse_qsl(self.rfile.read(n).decode()))
                outer.token_requests.append((form, self.headers.get("Authorization")))
                if outer.token_answer is not None:
                    return self.answer(200, outer.token_answer)
                asked = outer.codes.pop(form.get("code"), None)
                verifier = form.get("code_verifier", "")
                challenge = base64.urlsafe_b64encode(
                    hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
                if outer.secret:
                    # RFC 6749 2.3.1: id and secret form-encoded, then HTTP Basic.
                    given = self.headers.get("Authorization", "")
                    pair = base64.b64decode(given[6:]).decode() \
                        if given.startswith("Basic ") else ":"
                    who, _, secret = pair.partition(":")
                    client_ok = (urllib.parse.unquote_plus(who), urllib.parse.unquote_plus(
                        secret)) == (CLIENT_ID, outer.secret) and "client_id" not in form
                else:
                    client_ok = form.get("client_id") == CLIENT_ID
                if not (asked and client_ok and form.get("grant_type") == "authorization_code"
                        and form.get("redirect_uri") == asked["redirect_uri"]
                        and challenge == asked["code_challenge"]):
                    return self.answer(400, {"error": "invalid_grant"})
                return self.answer(200, {"access_token": ACCESS_TOKEN, "token_type": "Bearer",
                                         "expires_in": 300, "scope": asked["scope"],
                                         "patient": "p1", "need_patient_banner": False},
                                   [("Cache-Control", "no-store"), ("Pragma", "no-cache")])

        class S(ThreadingHTTPServer):
            daemon_threads = True
            request_queue_size = 64

        self.server = S(("127.0.0.1", 0), H)
        self.root = "http://127.0.0.1:%d" % self.server.server_address[1]
        self.fhir = self.root + "/fhir"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def get(url, cookie=None):
    """One GET, redirects not followed: (status, headers, body)."""
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    conn.request("GET", u.path + ("?" + u.query if u.query else ""),
                 headers={"Cookie": cookie} if cookie else {})
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp.status, {k.lower(): v for k, v in resp.getheaders()}, body


class SmartLaunchTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.templates = None
        cls.ehr = FakeEhr({})
        cls.svc = Running(issuers={ISSUER: {"jwks": KEYS.jwks(), "fhir_servers": [cls.ehr.fhir]}},
                          app={"client_id": CLIENT_ID}, as_of="2026-01-15")
        cls.knee = prefetch_from_bundle(load(os.path.join(FHIR, "knee-bundle.json")),
                                        cls.svc.templates)

    @classmethod
    def tearDownClass(cls):
        cls.svc.stop()
        cls.ehr.stop()

    def setUp(self):
        self.ehr.answers.clear()
        for key, template in self.svc.templates.items():
            self.ehr.answers[fill_template(template, {"patientId": "p1"})] = \
                (200, self.knee[key] or searchset([]))
        self.ehr.deny, self.ehr.token_answer = False, None
        self.ehr.fhir_seen.clear()
        self.ehr.token_requests.clear()

    def launch(self, audience="clinician", iss=None):
        """The EHR opens the card's link with iss and launch: the service's redirect to the
        authorization server and the cookie it set."""
        q = urllib.parse.urlencode({"audience": audience, "iss": iss or self.ehr.fhir,
                                    "launch": "launch-123"})
        return get(self.svc.url("/app/launch?" + q))

    def browse(self, audience="clinician"):
        """The whole launch as a browser follows it: (status, headers, body) of the page."""
        status, headers, _ = self.launch(audience)
        self.assertEqual(status, 302, headers)
        cookie = headers["set-cookie"].split(";")[0]
        status, auth_headers, _ = get(headers["location"])
        self.assertEqual(status, 302)
        callback = urllib.parse.urlsplit(auth_headers["location"])
        return get(self.svc.url("/app/callback?" + callback.query), cookie), callback.query, cookie

    def test_launch_to_report(self):
        (status, headers, body), _, _ = self.browse()
        self.assertEqual(status, 200, body[:300])
        self.assertTrue(headers["content-type"].startswith("text/html"))
        self.assertEqual(headers["cache-control"], "no-store")
        self.assertIn("default-src 'none'", headers["content-security-policy"])
        page = body.decode()
        self.assertIn("Total knee replacement", page)
        self.assertIn("Exercise / physical therapy", page)
        self.assertNotIn("could not be read", page)
        # The authorization request SMART 2.0 asks for.
        q = self.ehr.authorize_params[-1]
        self.assertEqual(q["aud"], self.ehr.fhir)
        self.assertEqual(q["code_challenge_method"], "S256")
        self.assertEqual(q["redirect_uri"], "https://cds.example.org/app/callback")
        scopes = q["scope"].split()
        self.assertIn("launch", scopes)
        self.assertIn("patient/Patient.r", scopes)
        self.assertIn("patient/Observation.rs", scopes)
        # The FHIR reads: each with the access token, for the token's patient.
        self.assertEqual(len(self.ehr.fhir_seen), len(self.svc.templates))
        self.assertTrue(all(a == "Bearer " + ACCESS_TOKEN for _, a in self.ehr.fhir_seen))
        self.assertIn("/fhir/Patient/p1", [p for p, _ in self.ehr.fhir_seen])
        # The public client says who it is in the token request.
        form, basic = self.ehr.token_requests[-1]
        self.assertEqual((form["client_id"], basic), (CLIENT_ID, None))
        # Nothing of the exchange is logged: no code, token, state or patient.
        log = "\n".join(self.svc.log_lines())
        for secret in (ACCESS_TOKEN, form["code"], form["code_verifier"], "p1"):
            self.assertNotIn(secret, log.replace("pid=", ""))

    def test_patient_page(self):
        # audience=patient opens the patient's short page (its few leading options side by
        # side), audience=clinician the full page with every option.
        (status, _, body), _, _ = self.browse("patient")
        self.assertEqual(status, 200)
        page = body.decode()
        self.assertIn("Your knee: treatment choices side by side", page)
        self.assertIn("Exercise / physical therapy", page)
        self.assertNotIn("Total knee replacement", page)
        (status, _, body), _, _ = self.browse("clinician")
        self.assertEqual(status, 200)
        self.assertIn("Total knee replacement", body.decode())
        self.assertNotIn("Your knee: treatment choices side by side", body.decode())

    def test_state_used_once_and_tied_to_the_browser(self):
        (status, _, _), query, cookie = self.browse()
        self.assertEqual(status, 200)
        self.ehr.fhir_seen.clear()
        status, _, body = get(self.svc.url("/app/callback?" + query), cookie)
        self.assertEqual((status, json.loads(body)["error"]), (400, "smart-state"))
        # A state issued to another browser (another cookie) is refused.
        status, headers, _ = self.launch()
        status, auth_headers, _ = get(headers["location"])
        query = urllib.parse.urlsplit(auth_headers["location"]).query
        status, _, body = get(self.svc.url("/app/callback?" + query), "knee_sid=" + "x" * 43)
        self.assertEqual((status, json.loads(body)["error"]), (400, "smart-state"))
        self.assertEqual(self.ehr.fhir_seen, [])

    def test_iss_not_allowed(self):
        other = FakeEhr({})
        try:
            status, _, body = self.launch(iss=other.fhir)
            self.assertEqual((status, json.loads(body)["error"]), (403, "launch-iss"))
            self.assertEqual(other.authorize_params, [])
        finally:
            other.stop()
        status, _, body = self.launch(audience="everyone")
        self.assertEqual((status, json.loads(body)["error"]), (400, "audience"))

    def test_authorization_refused(self):
        self.ehr.deny = True
        (status, _, body), _, _ = self.browse()
        self.assertEqual((status, json.loads(body)["error"]), (403, "smart-authorize"))

    def test_token_failures(self):
        for answer in ({"error": "invalid_grant"},
                       {"access_token": "x", "token_type": "Bearer", "scope": "launch"}):
            self.ehr.token_answer = answer
            (status, _, body), _, _ = self.browse()
            self.assertEqual((status, json.loads(body)["error"]), (502, "smart-token"), answer)

    def test_unreadable_data_is_named_on_the_page(self):
        rel = fill_template(self.svc.templates["observations"], {"patientId": "p1"})
        self.ehr.answers[rel] = (500, {"resourceType": "OperationOutcome"})
        (status, _, body), _, _ = self.browse()
        self.assertEqual(status, 200)
        page = body.decode()
        self.assertIn("Some data could not be read from the record", page)
        self.assertIn("observations: the FHIR server answered HTTP 500", page)


class ConfidentialClientTest(unittest.TestCase):
    def test_client_secret_basic(self):
        ehr = FakeEhr({}, secret="s3cr:et")
        svc = Running(issuers={ISSUER: {"jwks": KEYS.jwks(), "fhir_servers": [ehr.fhir]}},
                      app={"client_id": CLIENT_ID, "client_secret": "s3cr:et"})
        try:
            knee = prefetch_from_bundle(load(os.path.join(FHIR, "knee-bundle.json")),
                                        svc.templates)
            for key, template in svc.templates.items():
                ehr.answers[fill_template(template, {"patientId": "p1"})] = \
                    (200, knee[key] or searchset([]))
            q = urllib.parse.urlencode({"iss": ehr.fhir, "launch": "launch-123"})
            status, headers, _ = get(svc.url("/app/launch?" + q))
            cookie = headers["set-cookie"].split(";")[0]
            _, auth_headers, _ = get(headers["location"])
            query = urllib.parse.urlsplit(auth_headers["location"]).query
            status, _, body = get(svc.url("/app/callback?" + query), cookie)
        finally:
            svc.stop()
            ehr.stop()
        self.assertEqual(status, 200, body[:200])
        form, basic = ehr.token_requests[-1]
        self.assertNotIn("client_id", form)
        self.assertTrue(basic.startswith("Basic "))


class AudienceTest(unittest.TestCase):
    def test_audience_passed_when_the_report_takes_one(self):
        calls = []

        class Later:     # a binding whose to_html knows the two pages
            def to_html(self, patient=None, date=None, audience=None):
                calls.append(audience)
                return "<html><body></body></html>"

        class Today:
            def to_html(self, patient=None, date=None):
                calls.append("today")
                return "<html><body></body></html>"

        smart._to_html(Later(), None, "2026-01-15", "patient")
        smart._to_html(Today(), None, "2026-01-15", "patient")
        self.assertEqual(calls, ["patient", "today"])

    def test_scopes_from_the_templates(self):
        self.assertEqual(smart.scopes({"patient": "Patient/{{context.patientId}}",
                                       "c": "Condition?patient={{context.patientId}}",
                                       "c2": "Condition?x=1"}),
                         "launch patient/Patient.r patient/Condition.rs")


if __name__ == "__main__":
    unittest.main()
