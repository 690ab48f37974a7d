"""Cards that speak to this patient: the summary names this patient's leading options and
what most changes their picture; the detail lists every caution that fired, in the
clinician's words; values rounded for reading; old data flagged with its date; a deceased
patient gets a warning and no comparison; the links to the decision aid; override reasons;
and facts the rule file's mapping adds (heart failure, NSAID orders) reach the card."""

import copy
import os
import tempfile
import unittest

from knee.cdshooks import cards

from support import (FHIR, SERVICE_URL, SYNTHEA, Running, card_problems, load, order_select,
                     patient_view, prefetch_from_bundle, searchset)

PV = "/cds-services/knee-oa-options"
OS = "/cds-services/knee-oa-order-check"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
SNOMED = "http://snomed.info/sct"


def plain(text):
    """Card Markdown without the escapes (to look for words)."""
    return text.replace("\\", "").replace("\u2060", "")


def patient(name):
    bundle = load(os.path.join(FHIR, name))
    pid = next(e["resource"]["id"] for e in bundle["entry"]
               if e["resource"]["resourceType"] == "Patient")
    return pid, bundle


def section(detail, title):
    detail = plain(detail)
    return detail.split(title)[1].split("\n\n**")[0] if title in detail else ""


class CardsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.svc = Running(app={"client_id": "knee-decision-aid"})
        # Another configuration: old-data limits raised, the site's own decision-aid link.
        cls.site = Running(max_age_days={"bmi": 5000, "payer": 5000},
                           app={"link": "absolute", "absolute_url":
                                "https://aid.example.org/knee?p={patientId}&for={audience}"})
        cls.templates = cls.svc.templates

    @classmethod
    def tearDownClass(cls):
        cls.svc.stop()
        cls.site.stop()

    def card(self, pid, prefetch, svc=None):
        status, _, out = (svc or self.svc).request("POST", PV, patient_view(pid, prefetch))
        self.assertEqual(status, 200, out)
        self.assertEqual(card_problems(out), [])
        self.assertEqual(len(out["cards"]), 1, out)
        return out["cards"][0]

    def synthea(self, i):
        pid, bundle = patient(SYNTHEA[i])
        return pid, prefetch_from_bundle(bundle, self.templates)

    def test_summary_speaks_to_this_patient(self):
        knee = prefetch_from_bundle(load(os.path.join(FHIR, "knee-bundle.json")), self.templates)
        summaries = [self.card("p1", knee)["summary"]] + \
            [self.card(*self.synthea(i))["summary"] for i in (0, 1)]
        self.assertEqual(len(set(summaries)), 3, summaries)
        for s in summaries:
            self.assertLess(len(s), 140)
            self.assertRegex(s, r"^Knee OA, leading: [^.]*Exercise / physical therapy")
        # Medicare changes the first patient's picture; a BMI of 42.8 the third's.
        self.assertIn("Medicare Part B", summaries[0])
        self.assertIn("42.8: caution for Weight loss", summaries[2])

    def test_key_change_in_detail(self):
        card = self.card(*self.synthea(1))
        detail = plain(card["detail"])
        self.assertIn("**What most changes the picture for this patient: Body-mass index (bmi) "
                      "= 42.8** (2018-08-08). With it:", detail)
        self.assertIn("- Total knee replacement gets a caution: BMI 40 or more", detail)

    def test_every_caution_that_fired_in_clinician_words(self):
        card = self.card(*self.synthea(1))
        mine = section(card["detail"], "**Cautions for this patient:**")
        self.assertIn("**Total knee replacement**: BMI 40 or more: more complications", mine)
        self.assertIn("**Partial knee replacement (unicompartmental)**: BMI 30 or more", mine)
        everyone = section(card["detail"], "**Cautions for anyone considering these options:**")
        self.assertIn("**Tramadol or other opioid**: AAOS 2021 strongly recommends against",
                      everyone)
        self.assertNotIn("BMI 40", everyone)

    def test_clinician_text_when_the_rule_file_has_two(self):
        # Issue 14's two audiences: cautions[].clinician is the card's text, else text.
        self.assertEqual(cards.clinician({"text": "t", "clinician": "c", "patient": "p"}), "c")
        self.assertEqual(cards.clinician({"text": "t"}), "t")
        with self.svc_result() as (info, ev):
            for o in ev.result["options"]:
                for c in o["cautions"]:
                    c["clinician"] = "CLINICIAN " + c["rule"]
                    c["patient"] = "PATIENT " + c["rule"]
            card = cards.patient_view_card(info, ev)
        detail = plain(card["detail"])
        self.assertIn("**Total knee replacement**: CLINICIAN tka-bmi-40", detail)
        self.assertNotIn("PATIENT", detail)

    def svc_result(self):
        """(RulesetInfo, Evaluation) of the BMI 42.8 patient, computed in this process."""
        import contextlib

        import knee
        from knee.cdshooks.service import Service

        @contextlib.contextmanager
        def made():
            with knee.Ruleset.default() as rs:
                svc = Service(rs, SERVICE_URL)
                pid, pre = self.synthea(1)
                req = {"hook": "patient-view", "hookInstance": "hi", "prefetch": pre,
                       "context": {"patientId": pid, "userId": "Practitioner/1"}}
                res, report = rs.compare_fhir(req, "2026-01-15")
                with res:
                    yield svc.info, cards.Evaluation(res.to_dict(), report, "hi", "2026-01-15")
        return made()

    def test_key_change_cached_by_facts(self):
        """The same facts give the same answer: computed once per process."""
        import knee
        from knee.cdshooks import picture

        class Counting:
            def __init__(self, rs):
                self.rs, self.calls = rs, 0

            def compare(self, facts):
                self.calls += 1
                return self.rs.compare(facts)

        report = {"facts": [{"fact": "bmi", "value": "42.8", "date": "2018-08-08"},
                            {"fact": "payer", "value": "medicare", "date": None}]}
        with knee.Ruleset.default() as rs:
            counting, cache = Counting(rs), picture.Cache(size=2)
            criteria = {c.id: c for c in rs.criteria}
            first = picture.key_change(counting, report, criteria, cache)
            self.assertEqual(counting.calls, 3)          # all facts, then each left out
            self.assertIs(picture.key_change(counting, report, criteria, cache), first)
            self.assertEqual(counting.calls, 3)
            other = {"facts": [{"fact": "bmi", "value": "22", "date": "2025-08-08"}]}
            picture.key_change(counting, other, criteria, cache)
            self.assertEqual(counting.calls, 5)
        self.assertEqual((first.fact, first.value), ("payer", "medicare"))

    def test_values_rounded_and_old_data_flagged(self):
        card = self.card(*self.synthea(0))
        detail = plain(card["detail"])
        self.assertIn("- bmi = 27.9 (Observation/", detail)
        self.assertNotIn("27.878342905271975", detail)
        # Chauncey's BMI and payer are from 2018: flagged with their dates and age.
        self.assertRegex(detail, r"- bmi = 27\.9 \(.*, 2018-04-23T08:01:49-04:00\) "
                                 r"— \*\*7 years old\*\*")
        old = section(card["detail"], "**Old data, check it is still true:**")
        self.assertIn("bmi of 2018-04-23 (7 years old", old)
        self.assertIn("payer of 2018-04-23 (7 years old", old)
        # The limits are the service's configuration (the rule file format has no place for
        # them): raised, nothing is flagged.
        card = self.card(*self.synthea(0), svc=self.site)
        self.assertNotIn("old**", card["detail"])
        self.assertNotIn("Old data", card["detail"])

    def test_deceased_patient_gets_only_a_warning(self):
        knee = prefetch_from_bundle(load(os.path.join(FHIR, "knee-bundle.json")), self.templates)
        for field, value, says in (("deceasedDateTime", "2025-12-01", "on 2025-12-01"),
                                   ("deceasedBoolean", True, "deceased:")):
            pre = copy.deepcopy(knee)
            pre["patient"][field] = value
            card = self.card("p1", pre)
            self.assertEqual(card["indicator"], "warning")
            self.assertTrue(card["summary"].startswith("Patient recorded as deceased"), card)
            self.assertIn(says, card["summary"])
            self.assertNotIn("| Rank |", card["detail"])
            self.assertNotIn("leading", card["summary"])
            self.assertNotIn("links", card)          # no decision aid for this patient
            self.assertEqual({r["code"] for r in card["overrideReasons"]},
                             {c for c, _ in cards.OVERRIDE_REASONS})
            status, _, out = self.svc.request("POST", OS, order_select("p1", pre))
            self.assertEqual(status, 200)
            self.assertEqual([c["summary"][:28] for c in out["cards"]],
                             ["Patient recorded as deceased"])
        # Died after the evaluation date: alive then.
        pre = copy.deepcopy(knee)
        pre["patient"]["deceasedDateTime"] = "2030-01-01"
        self.assertIn("leading", self.card("p1", pre)["summary"])

    def test_links_to_the_decision_aid(self):
        knee = prefetch_from_bundle(load(os.path.join(FHIR, "knee-bundle.json")), self.templates)
        links = self.card("p1", knee)["links"]
        smart = [l for l in links if l["type"] == "smart"]
        self.assertEqual([l["url"] for l in smart],
                         [SERVICE_URL + "/app/launch?audience=clinician",
                          SERVICE_URL + "/app/launch?audience=patient"])
        self.assertTrue(all(l["type"] == "absolute" and l["url"].startswith("https://")
                            for l in links if l not in smart))
        # A site's own decision aid: an absolute link with the patient and the audience.
        links = self.card("p1", knee, self.site)["links"]
        self.assertEqual(links[:2], [
            {"label": "Decision aid for this patient: clinician page",
             "url": "https://aid.example.org/knee?p=p1&for=clinician", "type": "absolute"},
            {"label": "Decision aid for this patient: page to read with the patient",
             "url": "https://aid.example.org/knee?p=p1&for=patient", "type": "absolute"}])

    def test_override_reasons_where_the_card_warns(self):
        knee = prefetch_from_bundle(load(os.path.join(FHIR, "knee-bundle.json")), self.templates)
        status, _, out = self.svc.request("POST", OS, order_select("p1", knee))
        self.assertEqual(status, 200)
        self.assertEqual(card_problems(out), [])
        card = out["cards"][0]
        self.assertEqual(card["indicator"], "warning")   # TKA has a caution for this patient
        self.assertEqual([r["system"] for r in card["overrideReasons"]],
                         [cards.OVERRIDE_SYSTEM] * 3)
        self.assertTrue(all(r["display"] for r in card["overrideReasons"]))
        # An informational card offers none.
        pre = copy.deepcopy(knee)
        pre["observations"]["entry"] = [e for e in pre["observations"]["entry"]
                                        if "modifierExtension" not in e["resource"]]
        card = self.card("p1", pre)
        self.assertEqual(card["indicator"], "info")
        self.assertNotIn("overrideReasons", card)


# The shipped mapping has no heart-failure or NSAID-order codes yet (issue 15 adds them): a
# copy of the rule file that maps them, and a rule on the NSAID order, shows the service
# fetches and uses whatever the mapping declares.
HF, STROKE, NAPROXEN = "84114007", "230690007", "849574"


ALLOWED = """      <allowed value="oral-nsaid-active" label="An oral NSAID ordered now"/>
"""
RULE = """    <rule id="oral-nsaid-ordered" when="'oral-nsaid-active' in prior" source="cooper-19">
      <caution text="An oral NSAID is already ordered for this patient: check its dose and
 duration before adding another."/>
    </rule>
"""
MAPPING = """    <condition fact="cvd" source="cooper-19">
      <code system="http://snomed.info/sct" code="%s" display="Heart failure"/>
      <code system="http://snomed.info/sct" code="%s" display="Stroke"/>
    </condition>
    <history fact="prior" member="oral-nsaid-active" within-days="90"
             resources="MedicationRequest" source="cooper-19">
      <code system="http://www.nlm.nih.gov/research/umls/rxnorm" code="%s"
            display="Naproxen sodium 220 MG Oral Tablet"/>
    </history>
""" % (HF, STROKE, NAPROXEN)


def rules_with_more_mapping(folder):
    """The shipped rule file with MAPPING added to its <fhir> section, a prior member for an
    NSAID ordered now and a caution on it."""
    with open(os.path.join(os.environ["KNEE_SOURCE_DIR"], "rules", "knee-oa.xml"),
              encoding="utf-8") as f:
        xml = f.read()
    for anchor, add in (('      <allowed value="genicular-block"', ALLOWED),
                        ('    <rule id="oral-nsaid-diabetes"', RULE), ("  </fhir>", MAPPING)):
        assert anchor in xml, anchor
        xml = xml.replace(anchor, add + anchor, 1)
    path = os.path.join(folder, "knee-oa-more-mapping.xml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(xml)
    return path


class MoreMappingTest(unittest.TestCase):
    def test_heart_failure_and_nsaid_orders_reach_the_card(self):
        with tempfile.TemporaryDirectory() as tmp:
            svc = Running(rules=rules_with_more_mapping(tmp))
            try:
                status, _, disc = svc.request("GET", "/cds-services")
                prefetch = disc["services"][0]["prefetch"]
                # ICD-10-CM category prefixes in the 2.0 file: conditions are fetched unfiltered
                self.assertEqual(prefetch["conditions"], "Condition?patient={{context.patientId}}")
                self.assertIn(RXNORM + "|" + NAPROXEN, prefetch["medicationRequests"])
                pre = prefetch_from_bundle(load(os.path.join(FHIR, "knee-bundle.json")),
                                           svc.templates)
                hf = {"resourceType": "Condition", "id": "hf1",
                      "clinicalStatus": {"coding": [{
                          "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                          "code": "active"}]},
                      "code": {"coding": [{"system": SNOMED, "code": HF}]},
                      "subject": {"reference": "Patient/p1"}, "onsetDateTime": "2021-02-01"}
                nsaid = {"resourceType": "MedicationRequest", "id": "rx1", "status": "active",
                         "intent": "order", "subject": {"reference": "Patient/p1"},
                         "authoredOn": "2026-01-02",
                         "medicationCodeableConcept": {"coding": [{"system": RXNORM,
                                                                   "code": NAPROXEN}]}}
                pre["conditions"]["entry"].append({"resource": hf})
                pre["medicationRequests"] = searchset([nsaid])
                status, _, out = svc.request("POST", PV, patient_view("p1", pre))
            finally:
                svc.stop()
        self.assertEqual(status, 200, out)
        detail = plain(out["cards"][0]["detail"])
        self.assertIn("- cvd = true (Condition/hf1", detail)
        self.assertIn("- prior = oral-nsaid-active (MedicationRequest/rx1", detail)
        mine = section(out["cards"][0]["detail"], "**Cautions for this patient:**")
        # 2.0: heart failure excludes the tablets (Beers: avoid), so the reason is shown, not a caution
        unsuitable = section(out["cards"][0]["detail"], "**Not suitable for this patient:**")
        self.assertIn("NSAID tablets (oral NSAID)", unsuitable)
        self.assertIn("**NSAID gel or cream (topical NSAID)**: Coronary artery disease or heart failure", mine)
        self.assertTrue(out["cards"][0]["summary"].startswith("Knee OA, leading: Exercise"))


if __name__ == "__main__":
    unittest.main()
