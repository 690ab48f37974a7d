"""The rest of CDS Hooks 2.0 and of a service in production: feedback (recorded without
patient data), /health, CORS for browser clients, a JSON answer for every error (the HTTP
layer's own refusals included), and the audit line's fields."""

import json
import os
import re
import socket
import unittest
import uuid

from knee.cdshooks import cards

from support import (FHIR, SERVICE_URL, Running, load, patient_view, prefetch_from_bundle,
                     token)

DISCOVERY = "/cds-services"
PV = "/cds-services/knee-oa-options"
FEEDBACK = PV + "/feedback"


def raw(port, data, timeout=15):
    """``data`` sent on a new connection: (status, headers text, body bytes)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        got = b""
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            got += chunk
            head, sep, body = got.partition(b"\r\n\r\n")
            m = re.search(rb"(?i)content-length: (\d+)", head)
            if sep and m and len(body) >= int(m.group(1)):
                break
    head, _, body = got.partition(b"\r\n\r\n")
    m = re.search(rb"(?i)content-length: (\d+)", head)
    return int(head.split()[1]), head.decode("latin-1"), body[:int(m.group(1))] if m else body


class EndpointsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.svc = Running(cors_origins=["https://ehr.example.com"])

    @classmethod
    def tearDownClass(cls):
        cls.svc.stop()

    # -- feedback -------------------------------------------------------------------------------

    def feedback(self, items, aud=SERVICE_URL + FEEDBACK):
        return self.svc.request("POST", FEEDBACK, {"feedback": items},
                                auth="Bearer " + token(aud))

    def test_feedback_recorded_without_patient_data(self):
        knee = prefetch_from_bundle(load(os.path.join(FHIR, "knee-bundle.json")),
                                    self.svc.templates)
        status, _, out = self.svc.request("POST", PV, patient_view("p1", knee))
        card = out["cards"][0]["uuid"]
        comment = "Jane Doe prefers surgery; BMI 31.2"
        before = len(self.svc.feedback_rows())
        status, _, out = self.feedback([
            {"card": card, "outcome": "overridden", "outcomeTimestamp": "2026-01-15T10:05:31Z",
             "overrideReason": {"reason": {"code": "patient-informed-choice",
                                           "system": cards.OVERRIDE_SYSTEM,
                                           "display": "Discussed with the patient"},
                                "userComment": comment}},
            {"card": card, "outcome": "overridden", "outcomeTimestamp": "2026-01-15T10:06:00Z",
             "overrideReason": {"reason": {"code": "Jane Doe", "system": "urn:x"}}},
            {"card": card, "outcome": "accepted", "outcomeTimestamp": "2026-01-15T10:07:00.5Z",
             "acceptedSuggestions": [{"id": str(uuid.uuid4())}]}])
        self.assertEqual((status, out), (200, {"recorded": 3}))
        rows = self.svc.feedback_rows()[before:]
        self.assertEqual([(r["outcome"], r["reason_code"], r["comment_given"])
                          for r in rows],
                         [("overridden", "patient-informed-choice", 1),
                          ("overridden", "other", 0), ("accepted", None, 0)])
        self.assertEqual({r["card"] for r in rows}, {card})
        self.assertEqual(rows[2]["suggestions_accepted"], 1)
        self.assertEqual(rows[0]["issuer"], "https://fhir-ehr.example.com/")
        stored = json.dumps(rows) + "\n".join(self.svc.log_lines())
        for secret in ("Jane Doe", "prefers surgery", "31.2"):
            self.assertNotIn(secret, stored)
        self.assertTrue(self.svc.wait_for_log(lambda l: "feedback rid=" in l and
                                              "reason=patient-informed-choice comment=yes" in l))

    def test_feedback_token_audience(self):
        item = [{"card": str(uuid.uuid4()), "outcome": "overridden",
                 "outcomeTimestamp": "2026-01-15T10:05:31Z"}]
        # The feedback URL, or the URL of its service; nothing else.
        self.assertEqual(self.feedback(item)[0], 200)
        self.assertEqual(self.feedback(item, aud=SERVICE_URL + PV)[0], 200)
        status, _, out = self.feedback(item, aud=SERVICE_URL + DISCOVERY)
        self.assertEqual((status, out["error"]), (401, "unauthorized:audience"))
        status, _, out = self.svc.request("POST", FEEDBACK, {"feedback": item}, auth=False)
        self.assertEqual(status, 401)

    def test_bad_feedback(self):
        good = {"card": str(uuid.uuid4()), "outcome": "overridden",
                "outcomeTimestamp": "2026-01-15T10:05:31Z"}
        for bad in ([], [dict(good, card="not-a-uuid")], [dict(good, outcome="ignored")],
                    [dict(good, outcome="accepted")], [dict(good, outcomeTimestamp="yesterday")],
                    [dict(good, overrideReason={"reason": "no"})], "x"):
            status, _, out = self.feedback(bad)
            self.assertEqual((status, out["error"]), (400, "feedback"), bad)
        status, _, out = self.svc.request("POST", "/cds-services/nope/feedback", {"feedback": []})
        self.assertEqual(status, 404)

    # -- health ---------------------------------------------------------------------------------

    def test_health(self):
        status, headers, out = self.svc.request("GET", "/health", auth=False)
        self.assertEqual(status, 200)
        self.assertEqual(out["status"], "ok")
        self.assertEqual(out["ruleset"]["id"], "knee-oa")
        self.assertEqual(self.svc.request("HEAD", "/health", auth=False)[:1], (200,))
        self.assertEqual(self.svc.request("POST", "/health", {}, auth=False)[0], 405)

    # -- CORS -----------------------------------------------------------------------------------

    def test_cors(self):
        pre = {"Origin": "https://ehr.example.com", "Access-Control-Request-Method": "POST",
               "Access-Control-Request-Headers": "authorization, content-type"}
        status, headers, _ = self.svc.request("OPTIONS", PV, auth=False, headers=pre)
        self.assertEqual(status, 204)
        self.assertEqual(headers["Access-Control-Allow-Origin"], "https://ehr.example.com")
        self.assertIn("POST", headers["Access-Control-Allow-Methods"])
        self.assertIn("Authorization", headers["Access-Control-Allow-Headers"])
        status, headers, out = self.svc.request("OPTIONS", PV, auth=False,
                                                headers=dict(pre, Origin="https://evil.example"))
        self.assertEqual((status, out["error"]), (403, "cors"))
        self.assertNotIn("Access-Control-Allow-Origin", headers)
        status, headers, _ = self.svc.request("GET", DISCOVERY,
                                              headers={"Origin": "https://ehr.example.com"})
        self.assertEqual(status, 200)
        self.assertEqual(headers["Access-Control-Allow-Origin"], "https://ehr.example.com")
        self.assertEqual(headers["Vary"], "Origin")
        status, headers, _ = self.svc.request("GET", DISCOVERY,
                                              headers={"Origin": "https://evil.example"})
        self.assertNotIn("Access-Control-Allow-Origin", headers)

    def test_no_cors_unless_configured(self):
        svc = Running()
        try:
            status, headers, out = svc.request("OPTIONS", DISCOVERY, auth=False,
                                               headers={"Origin": "https://ehr.example.com"})
        finally:
            svc.stop()
        self.assertEqual((status, out["error"]), (403, "cors"))

    # -- JSON for every error -------------------------------------------------------------------

    def assertJsonError(self, status, head, body, expected, code=None):
        self.assertEqual(status, expected, head)
        self.assertRegex(head, r"(?i)content-type: application/json")
        out = json.loads(body)
        self.assertIsInstance(out["message"], str)
        if code:
            self.assertEqual(out["error"], code)

    def test_http_layer_refusals_are_json(self):
        port = self.svc.port
        many = "".join("X-H%d: v\r\n" % i for i in range(150))
        self.assertJsonError(*raw(port, ("GET /cds-services HTTP/1.1\r\nHost: x\r\n%s\r\n"
                                         % many).encode()), 431, "headers-too-large")
        self.assertJsonError(*raw(port, ("GET /%s HTTP/1.1\r\nHost: x\r\n\r\n"
                                         % ("a" * 70000)).encode()), 414,
                             "request-line-too-long")
        self.assertJsonError(*raw(port, b"GET /cds-services HTTP/x.y\r\nHost: x\r\n\r\n"), 400)
        self.assertJsonError(*raw(port, b"BREW /cds-services HTTP/1.1\r\nHost: x\r\n\r\n"), 501,
                             "not-implemented")

    def test_application_errors_are_json(self):
        for method, path, expected, code in (("PUT", DISCOVERY, 405, "method"),
                                             ("DELETE", PV, 405, "method"),
                                             ("GET", "/nope", 404, "not-found"),
                                             ("GET", "/app/launch", 404, "not-found")):
            status, headers, out = self.svc.request(method, path, auth=False)
            self.assertEqual((status, out["error"]), (expected, code), (method, path))
            self.assertTrue(headers["Content-Type"].startswith("application/json"))
        port = self.svc.port
        no_length = ("POST %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
                     "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n" % (PV, token(SERVICE_URL + PV)))
        self.assertJsonError(*raw(port, no_length.encode()), 411, "length")

    # -- the audit line ------------------------------------------------------------------------

    def test_audit_fields(self):
        rid = "trace-%s" % uuid.uuid4().hex[:12]
        status, headers, _ = self.svc.request("GET", DISCOVERY, headers={"X-Request-Id": rid})
        self.assertEqual(headers["X-Request-Id"], rid)
        odd = token(SERVICE_URL + DISCOVERY, jti="a b <script>\n")
        self.svc.request("GET", DISCOVERY, auth="Bearer " + odd,
                         headers={"X-Request-Id": "bad id with spaces"})
        body = patient_view("p1", {})
        body["hookInstance"] = "not-a-uuid\nforged line"
        self.svc.request("POST", PV, body)
        self.assertTrue(self.svc.wait_for_log(lambda l: "hookInstance=-" in l and
                                              "route=/cds-services/knee-oa-options" in l))
        lines = self.svc.audit_lines()
        mine = next(l for l in lines if "rid=" + rid in l)
        self.assertRegex(mine, r"method=GET route=/cds-services status=200 ms=\d+\.\d "
                               r"iss=https://fhir-ehr\.example\.com/ hookInstance=- "
                               r"jti=[0-9a-f-]{36} cards=-$")
        self.assertTrue(any(re.search(r"rid=[0-9a-f-]{36} .* jti=sha256:[0-9a-f]{16} ", l)
                            for l in lines))
        log = "\n".join(self.svc.log_lines())
        for forged in ("bad id with spaces", "<script>", "forged line", "not-a-uuid"):
            self.assertNotIn(forged, log)


if __name__ == "__main__":
    unittest.main()
