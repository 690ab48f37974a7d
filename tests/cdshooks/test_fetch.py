"""FHIR reads that survive the EHR: a fake FHIR server on loopback that is slow, pages, and
answers 404 or 500 per resource type. One overall deadline, every search at once, next pages
followed up to a cap, a failed search costs only its facts (the card says which data could
not be read), the access token only to the issuer's allowlisted servers, query strings
percent-encoded."""

import copy
import os
import unittest

from knee.cdshooks.fetch import encode, fill_template

from support import (FHIR, ISSUER, KEYS, OTHER_KEYS, SERVICE_URL, FakeFhir, Running,
                     card_problems, load, patient_view, prefetch_from_bundle, searchset, token)

PV = "/cds-services/knee-oa-options"
OTHER_ISSUER = "https://other-ehr.example.org"


def unread(card):
    """The lines of the card's "Could not be read from the EHR" section."""
    detail = card["detail"].replace("\\", "")
    if "**Could not be read from the EHR**" not in detail:
        return []
    section = detail.split("**Could not be read from the EHR**")[1].split("\n\n**")[0]
    return [l for l in section.splitlines() if l.startswith("- ")]


def not_known(card):
    detail = card["detail"].replace("\\", "")
    if "**Not known" not in detail:
        return ""
    return detail.split("**Not known")[1].split("\n\n**")[0]


class FetchTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.fake = FakeFhir({})
        cls.other = FakeFhir({})
        cls.svc = Running(issuers={
            ISSUER: {"jwks": KEYS.jwks(), "fhir_servers": [cls.fake.base]},
            OTHER_ISSUER: {"jwks": OTHER_KEYS.jwks(), "fhir_servers": [cls.other.base]}})
        # 900 ms for all the reads of a call, 3 pages per key: two tests below.
        cls.svc2 = Running(fhir_servers=[cls.fake.base], fetch_deadline_ms=900,
                           fetch_max_pages=3)
        cls.templates = cls.svc.templates
        cls.knee = prefetch_from_bundle(load(os.path.join(FHIR, "knee-bundle.json")),
                                        cls.templates)

    @classmethod
    def tearDownClass(cls):
        cls.svc.stop()
        cls.svc2.stop()
        cls.fake.stop()
        cls.other.stop()

    def setUp(self):
        for f in (self.fake, self.other):
            f.answers.clear()
            f.delays.clear()
            f.seen.clear()
        self.serve(self.knee)

    def serve(self, prefetch, fake=None):
        fake = fake or self.fake
        for key, template in self.templates.items():
            fake.answers[fill_template(template, {"patientId": "p1"})] = \
                (200, prefetch[key] or searchset([]))

    def rel(self, key):
        return fill_template(self.templates[key], {"patientId": "p1"})

    def call(self, prefetch=None, server=None, auth=True):
        req = patient_view("p1", prefetch)
        req["fhirServer"] = server or self.fake.base
        status, _, out = self.svc.request("POST", PV, req, auth=auth)
        self.assertEqual(card_problems(out) if status == 200 else [], [])
        return status, out

    def test_everything_fetched(self):
        status, out = self.call()
        self.assertEqual(status, 200, out)
        self.assertEqual(unread(out["cards"][0]), [])
        self.assertEqual(len(self.fake.seen), len(self.templates))
        _, _, direct = self.svc.request("POST", PV, patient_view("p1", self.knee))
        self.assertEqual(out["cards"][0]["detail"], direct["cards"][0]["detail"])

    def test_condition_search_404_still_gives_the_card(self):
        # Before: a 404 was read as "no data" and the card vanished ({"cards": []}).
        self.fake.answers[self.rel("conditions")] = (404, {"resourceType": "OperationOutcome"})
        status, out = self.call()
        self.assertEqual(status, 200, out)
        card = out["cards"][0]
        self.assertEqual(card["indicator"], "warning")
        self.assertEqual(unread(card), ["- Condition (conditions): the FHIR server answered "
                                        "HTTP 404"])
        self.assertIn("knee_oa", not_known(card))
        self.assertIn("bmi = 31.2", card["detail"].replace("\\", ""))   # the rest was read

    def test_one_search_500_costs_only_its_facts(self):
        # Before: one failed search turned the whole call into 412.
        self.fake.answers[self.rel("observations")] = (500, {"resourceType": "OperationOutcome"})
        status, out = self.call()
        self.assertEqual(status, 200, out)
        card = out["cards"][0]
        self.assertEqual(unread(card), ["- Observation (observations): the FHIR server "
                                        "answered HTTP 500"])
        missing = not_known(card)
        self.assertIn("bmi", missing)
        self.assertIn("kl_grade", missing)
        detail = card["detail"].replace("\\", "")
        for fact in ("age = 67", "knee_oa = true", "payer = Medicare Part B"):
            self.assertIn(fact, detail)

    def test_explanation_of_benefit_500(self):
        self.fake.answers[self.rel("explanationOfBenefit")] = (500, {})
        status, out = self.call()
        self.assertEqual(status, 200, out)
        self.assertEqual(len(unread(out["cards"][0])), 1)
        self.assertIn("payer = Medicare Part B", out["cards"][0]["detail"].replace("\\", ""))

    def test_slow_search_misses_the_deadline_alone(self):
        # The observations take 3 s; the call does not wait for them past its 300 ms.
        self.fake.delays["Observation"] = 3.0
        status, out = self.call()
        self.assertEqual(status, 200, out)
        card = out["cards"][0]
        self.assertEqual(unread(card), ["- Observation (observations): no answer within "
                                        "300 ms"])
        self.assertIn("knee_oa = true", card["detail"].replace("\\", ""))

    def test_searches_run_at_once(self):
        # Every search takes 0.15 s: one after another, nine would need 1.35 s; at once they
        # all come within a 900 ms deadline.
        self.fake.delays.update({t.split("/")[0].split("?")[0]: 0.15
                                 for t in self.templates.values()})
        req = patient_view("p1")
        req["fhirServer"] = self.fake.base
        status, _, out = self.svc2.request("POST", PV, req)
        self.assertEqual(status, 200, out)
        self.assertEqual(unread(out["cards"][0]), [])

    def test_next_pages_followed(self):
        # The knee-OA condition is on page 2 of the search: before, it was missed.
        conditions = self.knee["conditions"]
        self.assertTrue(conditions["entry"])
        page2 = self.fake.base + "/Condition-page-2"
        self.fake.answers[self.rel("conditions")] = (200, dict(
            conditions, entry=[], link=[{"relation": "next", "url": page2}]))
        self.fake.answers["Condition-page-2"] = (200, conditions)
        status, out = self.call()
        self.assertEqual(status, 200, out)
        self.assertEqual(len(out["cards"]), 1)
        self.assertIn("knee_oa = true", out["cards"][0]["detail"].replace("\\", ""))
        self.assertIn("/fhir/Condition-page-2", self.fake.paths())

    def test_prefetch_sent_in_pages(self):
        # The EHR sent the conditions' first page with a next link: the rest is read from
        # its FHIR server; without FHIR access the card says only page 1 was sent.
        conditions = self.knee["conditions"]
        self.fake.answers["Condition-page-2"] = (200, conditions)
        pre = copy.deepcopy(self.knee)
        pre["conditions"] = dict(conditions, entry=[], link=[
            {"relation": "next", "url": self.fake.base + "/Condition-page-2"}])
        status, out = self.call(pre)
        self.assertEqual(status, 200, out)
        self.assertIn("knee_oa = true", out["cards"][0]["detail"].replace("\\", ""))
        self.assertEqual(self.fake.paths(), ["/fhir/Condition-page-2"])
        req = patient_view("p1", pre)
        del req["fhirServer"], req["fhirAuthorization"]
        status, _, out = self.svc.request("POST", PV, req)
        self.assertEqual(status, 200, out)
        self.assertEqual(unread(out["cards"][0]), [
            "- Condition (conditions): only the first page of results was sent"])
        # A _count search's first page is its answer: its next link is not a page missing.
        pre = copy.deepcopy(self.knee)
        pre["explanationOfBenefit"] = dict(searchset([]), link=[
            {"relation": "next", "url": self.fake.base + "/eob-2"}])
        req = patient_view("p1", pre)
        del req["fhirServer"], req["fhirAuthorization"]
        status, _, out = self.svc.request("POST", PV, req)
        self.assertEqual((status, unread(out["cards"][0])), (200, []))

    def test_page_cap(self):
        obs = self.knee["observations"]
        one = [dict(obs, entry=[e], link=[{"relation": "next", "url": "%s/obs-%d"
                                            % (self.fake.base, i + 1)}])
               for i, e in enumerate(obs["entry"])]
        self.assertGreater(len(one), 3)
        self.fake.answers[self.rel("observations")] = (200, one[0])
        for i, page in enumerate(one[1:], 1):
            self.fake.answers["obs-%d" % i] = (200, page)
        req = patient_view("p1")
        req["fhirServer"] = self.fake.base
        status, _, out = self.svc2.request("POST", PV, req)
        self.assertEqual(status, 200, out)
        self.assertEqual(unread(out["cards"][0]), [
            "- Observation (observations): more than 3 pages of results: the rest was not "
            "read"])
        self.assertEqual(sum(p.startswith("/fhir/obs-") for p in self.fake.paths()), 2)

    def test_query_strings_percent_encoded(self):
        status, out = self.call()
        self.assertEqual(status, 200, out)
        raw = [p for p, _ in self.fake.seen]
        obs = next(p for p in raw if p.startswith("/fhir/Observation?"))
        self.assertNotIn("|", obs)
        self.assertIn("http://loinc.org%7C39156-5", obs)
        for p in raw:
            self.assertRegex(p, r"^[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+$")
        self.assertEqual(encode("Observation?code=a|b c,d\\,e&_sort=-date"),
                         "Observation?code=a%7Cb%20c,d%5C,e&_sort=-date")
        self.assertEqual(encode("Patient/a%2Fb"), "Patient/a%2Fb")   # an escape stays one

    def test_token_only_to_the_issuers_servers(self):
        # The other issuer's call names our issuer's FHIR server: refused, nothing sent.
        tok = "Bearer " + token(SERVICE_URL + PV, keys=OTHER_KEYS, iss=OTHER_ISSUER)
        status, out = self.call(auth=tok)
        self.assertEqual((status, out["error"]), (412, "fhir-server"))
        self.assertEqual(self.fake.seen, [])
        # Its own server: read.
        self.serve(self.knee, self.other)
        tok = "Bearer " + token(SERVICE_URL + PV, keys=OTHER_KEYS, iss=OTHER_ISSUER)
        status, out = self.call(server=self.other.base, auth=tok)
        self.assertEqual(status, 200, out)
        self.assertEqual(len(self.other.seen), len(self.templates))
        # A different path on an allowed host is another server.
        status, out = self.call(server=self.fake.base + "/other")
        self.assertEqual((status, out["error"]), (412, "fhir-server"))


if __name__ == "__main__":
    unittest.main()
