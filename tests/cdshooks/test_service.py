"""The CDS Hooks service over real HTTP: discovery, patient-view and order-select built from the
spec's examples and the FHIR test data, cards checked against the spec's required fields,
412 / fetching from a fake FHIR server, bad input, escaping, and what is logged."""

import copy
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import unittest

import knee
from knee.cdshooks import escape
from knee.cdshooks.fetch import fill_template

from support import (AS_OF, DATA, FHIR, ISSUER, KEYS, SERVER, SERVICE_URL, SYNTHEA, FakeFhir,
                     Running, card_problems, load, order_select, patient_view,
                     prefetch_from_bundle, searchset, token)

PV = "/cds-services/knee-oa-options"
OS = "/cds-services/knee-oa-order-check"


class ServiceTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.fake = FakeFhir({})
        cls.svc = Running(fhir_servers=[cls.fake.base])
        cls.templates = cls.svc.templates
        cls.knee = prefetch_from_bundle(load(os.path.join(FHIR, "knee-bundle.json")), cls.templates)

    @classmethod
    def tearDownClass(cls):
        cls.svc.stop()
        cls.fake.stop()
        if cls._other is not None:
            cls._other.stop()

    def setUp(self):
        self.fake.answers.clear()
        self.fake.delays.clear()
        self.fake.seen.clear()

    def post(self, path, body, **kw):
        return self.svc.request("POST", path, body, **kw)

    _other = None

    @classmethod
    def other(cls):
        """A second service: TKA orders mapped to arthroscopy, a 64 MiB body cap."""
        if cls._other is None:
            cls._other = Running(order_map={"http://snomed.info/sct|609588000": "arthroscopy"},
                                 max_body=64 << 20)
        return cls._other

    def assertCardsValid(self, out):
        self.assertEqual(card_problems(out), [])

    # -- discovery --------------------------------------------------------------------------

    def test_discovery(self):
        status, headers, out = self.svc.request("GET", "/cds-services")
        self.assertEqual(status, 200)
        self.assertTrue(headers["Content-Type"].startswith("application/json"))
        spec = load(os.path.join(FHIR, "discovery-response.json"))
        by_hook = {s["hook"]: s for s in out["services"]}
        self.assertEqual(set(by_hook), {"patient-view", "order-select"})
        for s in out["services"]:
            # The fields the spec's example services have, and the required ones.
            for field in ("hook", "id", "description"):
                self.assertIsInstance(s[field], str)
            self.assertTrue(set(s) <= set().union(*spec["services"]) | {"extension"})
            with knee.Ruleset.default() as rs:
                self.assertEqual(s["prefetch"], rs.fhir_prefetch())
                self.assertEqual(s["extension"]["org.libknee.ruleset"]["sha256"], rs.sha256)
            for template in s["prefetch"].values():
                self.assertIn("{{context.patientId}}", template)
        self.assertEqual(by_hook["patient-view"]["id"], "knee-oa-options")
        self.assertEqual(by_hook["patient-view"]["prefetch"]["patient"],
                         "Patient/{{context.patientId}}")
        self.assertIn("code=http://loinc.org|39156-5", by_hook["patient-view"]["prefetch"]["observations"])
        # The payer in a claim's contained Coverage: the latest few EOBs, not every claim.
        self.assertEqual(by_hook["patient-view"]["prefetch"]["explanationOfBenefit"],
                         "ExplanationOfBenefit?patient={{context.patientId}}&_sort=-created&_count=5")

    def test_spec_template_tokens(self):
        tpl = load(os.path.join(DATA, "prefetch-templates-example.json"))["prefetch"]
        ctx = {"patientId": "1288992", "userId": "Practitioner/example"}
        self.assertEqual(fill_template(tpl["hemoglobin-a1c"], ctx),
                         "Observation?patient=1288992&code=4548-4&_count=1&sort:desc=date")
        self.assertEqual(fill_template("Patient/{{context.patientId}}", {"patientId": "a/../b&c"}),
                         "Patient/a%2F..%2Fb%26c")
        with self.assertRaises(Exception):
            fill_template(tpl["user"], ctx)   # {{userPractitionerRoleId}}: not in the context

    # -- patient-view -------------------------------------------------------------------------

    def test_patient_view_card(self):
        status, _, out = self.post(PV, patient_view("p1", self.knee))
        self.assertEqual(status, 200)
        self.assertCardsValid(out)
        self.assertEqual(len(out["cards"]), 1)
        card = out["cards"][0]
        # Tied leaders are listed by name ("+N more" for the rest of the tie).
        self.assertRegex(card["summary"], r"^Knee OA, leading: [^.]*Exercise / physical therapy")
        # The bundle has a BMI with an unknown modifierExtension: skipped and a warning.
        self.assertEqual(card["indicator"], "warning")
        self.assertIn("Observation/bmi\\-modext", card["detail"])
        with knee.Ruleset.default() as rs:
            self.assertIn(rs.id, card["source"]["label"])
            self.assertIn(rs.version, card["source"]["label"])
            self.assertIn(rs.sha256[:12], card["source"]["label"])
            urls = {s.url for s in rs.sources}
        for link in card["links"]:
            self.assertTrue(link["url"].startswith("https://"))
            self.assertIn(link["url"], urls)
        # The facts read, with where they came from, and the as-of date.
        self.assertIn("kl\\_grade = 3 (Observation/kl1", card["detail"].replace("\\/", "/"))
        self.assertIn("evaluated at 2026\\-01\\-15", card["detail"])
        # Ties and ranges, honestly: the tied options share rank 1, scores show their range.
        self.assertIn("| 1= |", card["detail"])
        self.assertIn("0.80 (0.60\u20131.00)", card["detail"])
        self.assertIn("A rank with = is shared", card["detail"])
        # Same hookInstance, same card (deterministic uuid).
        _, _, again = self.post(PV, patient_view("p1", self.knee))
        self.assertEqual(again["cards"][0]["uuid"], card["uuid"])

    def test_patient_view_info_without_data_problems(self):
        pre = copy.deepcopy(self.knee)
        pre["observations"]["entry"] = [e for e in pre["observations"]["entry"]
                                        if "modifierExtension" not in e["resource"]]
        status, _, out = self.post(PV, patient_view("p1", pre))
        self.assertEqual(status, 200)
        self.assertEqual(out["cards"][0]["indicator"], "info")

    def test_synthea_patients(self):
        for name in SYNTHEA:
            bundle = load(os.path.join(FHIR, name))
            pid = next(e["resource"]["id"] for e in bundle["entry"]
                       if e["resource"]["resourceType"] == "Patient")
            status, _, out = self.post(PV, patient_view(pid, prefetch_from_bundle(bundle, self.templates)))
            self.assertEqual(status, 200, name)
            self.assertCardsValid(out)
            self.assertEqual(len(out["cards"]), 1, name)   # both have knee OA (SNOMED 239873007)
            detail = out["cards"][0]["detail"]
            self.assertIn("knee\\_oa = true", detail)
            unknown = detail.split("**Not known")[1].split("\n\n**")[0] \
                if "**Not known" in detail else ""
            if name.startswith("Chauncey"):
                # v2.4: the payer, only in EOBs' contained Coverage, comes from the
                # explanationOfBenefit key (the latest EOB, as from the full bundle).
                self.assertIn("- payer = private (ExplanationOfBenefit\\/8c819882\\-", detail)
                self.assertIn("contained\\(Coverage", detail)
                self.assertNotIn("payer", unknown)
            else:
                self.assertIn("payer", unknown)   # v2.2 export: claims only, no EOB, no payer

    def test_no_card_without_knee_oa(self):
        pre = copy.deepcopy(self.knee)
        pre["conditions"] = None   # the query ran and found nothing
        status, _, out = self.post(PV, patient_view("p1", pre))
        self.assertEqual((status, out), (200, {"cards": []}))

    def test_hl7_examples(self):
        # HL7's R4 Patient example as the patient read: no mapped condition, no card.
        patient = load(os.path.join(FHIR, "Patient-example.json"))
        pre = {k: searchset([]) for k in self.templates}
        pre["patient"] = patient
        status, _, out = self.post(PV, patient_view(patient["id"], pre))
        self.assertEqual((status, out), (200, {"cards": []}))

    # -- prefetch missing: 412, or fetched -----------------------------------------------------

    def test_spec_example_without_fhir_access_is_412(self):
        req = patient_view("1288992")   # the spec's call: only its own key patientToGreet
        del req["fhirServer"], req["fhirAuthorization"]
        status, _, out = self.post(PV, req)
        self.assertEqual(status, 412)
        self.assertEqual(out["error"], "prefetch-missing")
        for key in self.templates:
            self.assertIn(key, out["message"])
        self.assertIn("explanationOfBenefit", out["message"])
        # Everything sent but the EOBs: still 412, naming only that key.
        req = patient_view("p1", self.knee)
        del req["fhirServer"], req["fhirAuthorization"], req["prefetch"]["explanationOfBenefit"]
        status, _, out = self.post(PV, req)
        self.assertEqual((status, out["error"]), (412, "prefetch-missing"))
        self.assertTrue(out["message"].endswith(": explanationOfBenefit"), out["message"])

    def test_synthea_payer_fetched_first_page_only(self):
        # A Synthea patient with nothing prefetched: everything fetched from the FHIR server,
        # the EOB search with its _sort/_count query as the template says. Its answer has a
        # next link (the server would page through every claim): not followed.
        bundle = load(os.path.join(FHIR, SYNTHEA[0]))
        pid = next(e["resource"]["id"] for e in bundle["entry"]
                   if e["resource"]["resourceType"] == "Patient")
        pre = prefetch_from_bundle(bundle, self.templates)
        fake, answers = self.fake, self.fake.answers
        answers.update({fill_template(t, {"patientId": pid}): (200, pre[k] or searchset([]))
                        for k, t in self.templates.items()})
        rel_eob = fill_template(self.templates["explanationOfBenefit"], {"patientId": pid})
        self.assertTrue(rel_eob.endswith("&_sort=-created&_count=5"), rel_eob)
        answers[rel_eob] = (200, dict(pre["explanationOfBenefit"], link=[
            {"relation": "self", "url": fake.base + "/" + rel_eob},
            {"relation": "next", "url": fake.base + "/eob-page2"}]))
        answers["eob-page2"] = (500, {"resourceType": "OperationOutcome"})
        req = patient_view(pid)
        req["fhirServer"] = fake.base
        status, _, out = self.post(PV, req)
        self.assertEqual(status, 200, out)
        paths = fake.paths()
        self.assertIn("/fhir/" + rel_eob, paths)
        self.assertNotIn("/fhir/eob-page2", paths)
        self.assertEqual(len(paths), len(self.templates))
        self.assertIn("- payer = private (ExplanationOfBenefit", out["cards"][0]["detail"])
        _, _, direct = self.post(PV, patient_view(pid, pre))
        self.assertEqual(out["cards"][0]["detail"], direct["cards"][0]["detail"])

    def test_missing_prefetch_fetched_from_fhir_server(self):
        pid = "p1"
        fake, answers = self.fake, self.fake.answers
        for key, template in self.templates.items():
            rel = fill_template(template, {"patientId": pid})
            answers[rel] = (200, self.knee[key] or searchset([]))
        # The observations come in two pages.
        obs = self.knee["observations"]
        rel_obs = fill_template(self.templates["observations"], {"patientId": pid})
        first = dict(obs, entry=obs["entry"][:3],
                     link=[{"relation": "next", "url": fake.base + "/page2"}])
        answers[rel_obs] = (200, first)
        answers["page2"] = (200, dict(obs, entry=obs["entry"][3:]))
        req = patient_view(pid)   # the spec's call, patientToGreet only
        req["fhirServer"] = fake.base
        status, _, out = self.post(PV, req)
        self.assertEqual(status, 200, out)
        self.assertCardsValid(out)
        _, _, direct = self.post(PV, patient_view(pid, self.knee))
        self.assertEqual(out["cards"][0]["detail"], direct["cards"][0]["detail"])
        paths = fake.paths()
        self.assertEqual(len(paths), len(self.templates) + 1)
        self.assertIn("/fhir/Patient/p1", paths)
        self.assertIn("/fhir/page2", paths)
        self.assertTrue(all(a == "Bearer some-opaque-fhir-access-token" for _, a in fake.seen))
        # A next link to another server: not followed (the token is not sent there); the
        # first page is used and the card says the rest was not read.
        fake.seen.clear()
        answers[rel_obs] = (200, dict(first, link=[{"relation": "next",
                                                    "url": "http://127.0.0.2:1/x"}]))
        status, _, out = self.post(PV, req)
        self.assertEqual(status, 200, out)
        self.assertIn("outside the FHIR server", out["cards"][0]["detail"].replace("\\", ""))
        self.assertNotIn("127.0.0.2", " ".join(fake.paths()))
        # fhirServer over plain http to a non-loopback host: the token is not sent.
        req["fhirServer"] = "http://fhir.example.org/r4"
        status, _, out = self.post(PV, req)
        self.assertEqual((status, out["error"]), (412, "fhir-server"))
        # A loopback server the issuer is not allowed to send us to: not contacted.
        other = FakeFhir(dict(answers))
        try:
            req["fhirServer"] = other.base
            status, _, out = self.post(PV, req)
            self.assertEqual((status, out["error"]), (412, "fhir-server"))
            self.assertEqual(other.seen, [])
        finally:
            other.stop()

    # -- order-select ---------------------------------------------------------------------------

    def test_order_select(self):
        status, _, out = self.post(OS, order_select("p1", self.knee))
        self.assertEqual(status, 200)
        self.assertCardsValid(out)
        self.assertEqual(len(out["cards"]), 1)   # the TKA order; naproxen maps to no option
        card = out["cards"][0]
        self.assertTrue(card["summary"].startswith("Total knee arthroplasty: ranked 8 of 17"))
        self.assertEqual(card["indicator"], "warning")   # it has a caution for this patient
        self.assertIn("ServiceRequest/tka\\-1", card["detail"].replace("\\/", "/"))
        # An order for an excluded option: a warning saying why.
        status, _, out = self.other().request("POST", OS, order_select("p1", self.knee))
        self.assertEqual(status, 200)
        self.assertCardsValid(out)
        self.assertIn("not suitable", out["cards"][0]["summary"])
        self.assertEqual(out["cards"][0]["indicator"], "warning")
        # Nothing selected that maps: no card.
        req = order_select("p1", self.knee, code=("http://snomed.info/sct", "80146002"))
        self.assertEqual(self.post(OS, req)[2], {"cards": []})

    # -- bad input ------------------------------------------------------------------------------

    def test_bundle_for_another_patient(self):
        status, _, out = self.post(PV, patient_view("someone-else", self.knee))
        self.assertEqual((status, out["error"]), (400, "fhir-other-patient"))
        status, _, out = self.post(OS, order_select("p1", self.knee, subject="other"))
        self.assertEqual((status, out["error"]), (400, "fhir-other-patient"))

    def test_malformed_dates_are_skips(self):
        pre = copy.deepcopy(self.knee)
        pre["patient"] = dict(pre["patient"], birthDate="1958-13-45")
        for e in pre["observations"]["entry"]:
            e["resource"]["effectiveDateTime"] = "yesterday"
        status, _, out = self.post(PV, patient_view("p1", pre))
        self.assertEqual(status, 200)
        self.assertCardsValid(out)
        self.assertIn("age", out["cards"][0]["detail"].split("ask the patient")[1])

    def test_bad_requests(self):
        good = patient_view("p1", self.knee)
        cases = [
            (b"{not json", 400, "json"),
            (b"[1,2]", 400, "request"),
            (json.dumps(dict(good, hook="order-sign")).encode(), 400, "hook"),
            (json.dumps(dict(good, context={"userId": "Practitioner/1"})).encode(), 400, "context"),
            (json.dumps(dict(good, context={"userId": "x", "patientId": "p1"})).encode(), 400, "context"),
            (json.dumps(dict(good, prefetch=[1])).encode(), 400, "prefetch"),
            (json.dumps(dict(good, prefetch={"patient": "Patient/1"})).encode(), 400, "prefetch"),
            (json.dumps(dict(good, extension={"org.libknee.as-of": "2026-02-30"})).encode(), 400, "as-of"),
            (json.dumps(dict(good, hookInstance=None)).encode(), 400, "request"),
        ]
        for raw, status, code in cases:
            got, _, out = self.post(PV, None, raw=raw)
            self.assertEqual((got, out["error"]), (status, code), raw[:60])
        self.assertEqual(self.post("/cds-services/nope", good)[0], 404)
        self.assertEqual(self.svc.request("GET", PV)[0], 405)
        # order-select without selections / draftOrders.
        bad = order_select("p1", self.knee)
        del bad["context"]["draftOrders"]
        self.assertEqual(self.post(OS, bad)[0], 400)

    def test_huge_body_is_413(self):
        # Refused from the Content-Length alone, before any of the body is read.
        import http.client
        conn = http.client.HTTPConnection("127.0.0.1", self.svc.port, timeout=10)
        conn.putrequest("POST", PV)
        conn.putheader("Authorization", "Bearer " + token(SERVICE_URL + PV))
        conn.putheader("Content-Type", "application/json")
        conn.putheader("Content-Length", str(5 << 20))
        conn.endheaders()
        resp = conn.getresponse()
        self.assertEqual((resp.status, json.loads(resp.read())["error"]), (413, "too-large"))
        conn.close()
        # Under a larger body cap but over libknee's input limit (16 MiB): 413 from libknee.
        big = patient_view("p1", self.knee)
        big["prefetch"]["observations"]["entry"] *= 7000
        raw = json.dumps(big, separators=(",", ":")).encode()
        self.assertGreater(len(raw), 16 << 20)
        status, _, out = self.other().request("POST", PV, None, raw=raw)
        self.assertEqual((status, out["error"]), (413, "limit-size"))

    def test_deeply_nested_json_is_400(self):
        # Python's json parser recurses: 100,000 nested arrays raised RecursionError, which
        # was answered 500. Bad JSON is the client's error: 400.
        deep = b"[" * 100000 + b"]" * 100000
        for raw in (deep, b'{"hook": ' + deep + b"}"):
            status, _, out = self.post(PV, None, raw=raw)
            self.assertEqual((status, out["error"]), (400, "json"))

    def test_hostile_xml_and_text(self):
        # An XML body is not JSON: 400, not a crash.
        xml = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
               b"<x>&e;</x>")
        self.assertEqual(self.post(PV, None, raw=xml)[2]["error"], "json")
        # Hostile text in the record ends up escaped in the card.
        pre = copy.deepcopy(self.knee)
        hostile = '<img src=x onerror=alert(1)> [click](javascript:alert(1)) **b** | www.evil.com'
        for e in pre["coverage"]["entry"]:
            e["resource"]["payor"] = [{"display": hostile}]
        status, _, out = self.post(PV, patient_view("p1", pre))
        self.assertEqual(status, 200)
        detail = out["cards"][0]["detail"]
        self.assertNotIn("<img", detail)
        self.assertNotIn("](javascript", detail)
        self.assertNotIn("**b**", detail)
        self.assertNotIn("www.evil", detail)
        self.assertIn(escape(hostile), detail)


class CardCheckerTest(unittest.TestCase):
    """The checker used above, on the spec's own response examples."""

    def test_spec_examples(self):
        self.assertEqual(card_problems(load(os.path.join(FHIR, "cards-response-example.json"))), [])
        # The spec's autolaunch example has no indicator, which the spec requires.
        self.assertEqual(card_problems(load(os.path.join(DATA, "cards-response-autolaunch-link.json"))),
                         ["cards[0].indicator missing or not info/warning/critical"])
        bad = {"cards": [{"summary": "x" * 140, "indicator": "success", "source": {},
                          "uuid": "nope", "detail": "",
                          "links": [{"label": "l", "url": "/rel", "type": "absolute",
                                     "appContext": "{}"}],
                          "suggestions": [{"label": "s"}]}]}
        self.assertEqual(len(card_problems(bad)), 9)   # 7 rules + 2 empty fields


class EscapeTest(unittest.TestCase):
    def test_escape(self):
        cases = {
            "<script>alert(1)</script>": "&lt;script&gt;alert\\(1\\)&lt;\\/script&gt;",
            "a & b": "a &amp; b",
            "&amp;": "&amp;amp\\;",
            "[x](http://e)": "\\[x\\]\\(http\\:\u2060\\/\\/e\\)",
            "![i](y)": "\\!\\[i\\]\\(y\\)",
            "*a* _b_ `c` ~d~": "\\*a\\* \\_b\\_ \\`c\\` \\~d\\~",
            "| cell |": "\\| cell \\|",
            "line1\nline2\r\n# h": "line1 line2  \\# h",
            "www.x.org": "www\u2060\\.x\\.org",
            'say "hi"': "say &quot;hi&quot;",
            "\\*": "\\\\\\*",
            "Ünïcødé – ok": "Ünïcødé – ok",
        }
        for text, md in cases.items():
            self.assertEqual(escape(text), md, text)

    def test_hostile_rule_file_text(self):
        # A rule file whose option name and caution are hostile: escaped in every card.
        with open(os.path.join(os.environ["KNEE_SOURCE_DIR"], "rules", "knee-oa.xml"),
                  encoding="utf-8") as f:
            xml = f.read()
        name = 'name="Exercise / physical therapy"'
        self.assertIn(name, xml)
        xml = xml.replace(name, 'name="&lt;b onmouseover=alert(1)&gt;PT&lt;/b&gt; [x](javascript:y)"', 1)
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        path = os.path.join(tmp.name, "hostile.xml")
        with open(path, "w", encoding="utf-8") as f:
            f.write(xml)
        svc = Running(rules=path)
        try:
            pre = prefetch_from_bundle(load(os.path.join(FHIR, "knee-bundle.json")),
                                       svc.templates)
            status, _, out = svc.request("POST", PV, patient_view("p1", pre))
        finally:
            svc.stop()
        self.assertEqual(status, 200)
        detail = out["cards"][0]["detail"]
        self.assertNotIn("<b", detail)
        self.assertNotIn("](javascript", detail)
        self.assertIn("&lt;b onmouseover=alert\\(1\\)&gt;PT", detail.replace("\\=", "="))


class LogTest(unittest.TestCase):
    """What the service logs: one audit line per call. Never patient data, never a token."""

    @classmethod
    def setUpClass(cls):
        cls.svc = Running()

    @classmethod
    def tearDownClass(cls):
        cls.svc.stop()

    AUDIT = re.compile(r"^audit rid=[0-9a-f-]{36} pid=\d+ method=(GET|POST) "
                       r"route=(/cds-services/knee-oa-options|-) status=\d{3} ms=\d+\.\d "
                       r"iss=(https://fhir-ehr\.example\.com/|-) hookInstance=(\S+) "
                       r"jti=(\S+) cards=(\S+)$")

    def test_no_patient_data_in_log(self):
        svc = self.svc
        mark = len(svc.audit_lines())
        bundle = load(os.path.join(FHIR, SYNTHEA[0]))
        pid = next(e["resource"]["id"] for e in bundle["entry"]
                   if e["resource"]["resourceType"] == "Patient")
        pre = prefetch_from_bundle(bundle, svc.templates)
        tok = token(SERVICE_URL + PV)
        svc.request("POST", PV, patient_view(pid, pre), auth="Bearer " + tok)
        svc.request("POST", PV, patient_view("other", pre))          # 400 fhir-other-patient
        svc.request("POST", "/cds-services/" + pid, {})               # 404 with client text
        svc.request("POST", PV, patient_view(pid, pre), auth=False)   # 401
        svc.request("POST", PV, {"hook": pid})                        # 400
        self.assertTrue(svc.wait_for_log(lambda _: len(svc.audit_lines()) >= mark + 5))
        lines = svc.audit_lines()[mark:]
        log = "\n".join(svc.log_lines())
        self.assertEqual(len(lines), 5, log)
        for line in lines:
            self.assertRegex(line, self.AUDIT)
        self.assertIn("status=200", lines[0])
        self.assertRegex(lines[0], r"hookInstance=d1577c69-dfbe-44ad-ba6d-3e05e953b2ea "
                                   r"jti=[0-9a-f-]{36} cards=[0-9a-f-]{36}$")
        self.assertIn("iss=https://fhir-ehr.example.com/", lines[0])
        self.assertIn("status=401 ", lines[3])
        self.assertIn("iss=- ", lines[3])
        patient = pre["patient"]
        for secret in [pid, patient["birthDate"], patient["name"][0]["family"], tok[-20:],
                       "some-opaque-fhir-access-token", "Medicare", "1288992"]:
            self.assertNotIn(secret, log)

    def test_client_disconnect_is_not_an_error(self):
        """A client that resets the connection while sending its body is not a server error:
        logged as 499 (the client closed the request), never 500, and the service keeps
        answering."""
        import socket
        import struct
        svc = self.svc
        sock = socket.create_connection(("127.0.0.1", svc.port), timeout=10)
        head = ("POST %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
                "Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n"
                % (PV, token(SERVICE_URL + PV)))
        sock.sendall(head.encode() + b'{"hook": "patient-view", ')
        time.sleep(0.3)   # the service is now waiting for the rest of the body
        # SO_LINGER 0: close with a reset, as a client that gives up does.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()
        self.assertTrue(svc.wait_for_log(lambda l: "status=499" in l), svc.log_lines())
        self.assertEqual(svc.request("GET", "/cds-services")[0], 200)
        # A worker logs a call after answering it: wait for that line, so that no line of this
        # test lands in the next one's count.
        self.assertTrue(svc.wait_for_log(lambda l: "method=GET route=/cds-services status=200" in l),
                        svc.log_lines())
        lines = svc.audit_lines()
        self.assertFalse([l for l in lines if "status=500" in l], lines)
        self.assertTrue(any("status=499" in l and "route=/cds-services/knee-oa-options" in l
                            for l in lines), lines)

    @unittest.skipIf(SERVER != "stdlib", "the local trial command: run once, with the stdlib suite")
    def test_command_line(self):
        """python3 -m knee.cdshooks: starts, answers, logs one line per request, no data."""
        with tempfile.TemporaryDirectory() as tmp:
            keys = os.path.join(tmp, "keys.json")
            with open(keys, "w") as f:
                json.dump({ISSUER: {"pem": KEYS.rsa_public_pem(), "kid": "rsa-1"}}, f)
            proc = subprocess.Popen(
                [sys.executable, "-m", "knee.cdshooks", "--issuer-keys", keys,
                 "--allowed-issuer", ISSUER, "--service-url", SERVICE_URL, "--port", "0",
                 "--as-of", AS_OF],
                stderr=subprocess.PIPE, text=True)
            try:
                line = proc.stderr.readline()
                self.assertIn("listening on 127.0.0.1:", line)
                port = int(line.rsplit(":", 1)[1])
                import urllib.request
                req = urllib.request.Request(
                    "http://127.0.0.1:%d/cds-services" % port,
                    headers={"Authorization": "Bearer " + token(SERVICE_URL + "/cds-services",
                                                                alg="RS384")})
                with urllib.request.urlopen(req, timeout=10) as resp:
                    self.assertEqual(len(json.load(resp)["services"]), 2)
                self.assertRegex(proc.stderr.readline(),
                                 r"audit rid=\S+ pid=\d+ method=GET route=/cds-services "
                                 r"status=200 ms=\d+\.\d iss=https://fhir-ehr\.example\.com/ ")
            finally:
                proc.terminate()
                proc.wait(10)
                proc.stderr.close()
        # Refuses to start without keys unless told it is a local trial.
        bad = subprocess.run([sys.executable, "-m", "knee.cdshooks", "--service-url", SERVICE_URL],
                             capture_output=True, text=True)
        self.assertEqual(bad.returncode, 2)
        self.assertIn("--issuer-keys", bad.stderr)


if __name__ == "__main__":
    unittest.main()
