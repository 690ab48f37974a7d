"""Ruleset.compare_fhir() and Patient.load_fhir(): FHIR R4 in either encoding, as text, bytes
or a parsed object, with the report; bad data raises and leaves the patient unchanged."""

import json
import os
import unittest

import knee
from support import DATA

FHIR = os.path.join(DATA, "fhir")
AS_OF = "2026-01-15"


def data(name, mode="r"):
    with open(os.path.join(FHIR, name), mode) as f:
        return f.read()


class CompareFhir(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.rules = knee.Ruleset.default()

    @classmethod
    def tearDownClass(cls):
        cls.rules.close()

    def test_both_encodings_and_forms(self):
        outs = []
        for d in (data("knee-bundle.json"), data("knee-bundle.xml", "rb"),
                  json.loads(data("knee-bundle.json"))):
            result, report = self.rules.compare_fhir(d, AS_OF)
            with result:
                outs.append((result.to_json(), report))
        self.assertEqual(outs[0], outs[1])
        self.assertEqual(outs[0], outs[2])
        report = outs[0][1]
        facts = {f["fact"]: f for f in report["facts"]}
        self.assertEqual(facts["bmi"]["value"], "31.2")
        self.assertEqual(facts["bmi"]["resource_id"], "bmi1")
        self.assertEqual(facts["age"]["value"], "67")
        codes = {(i["resource_id"], i["code"]) for i in report["ignored"]}
        self.assertIn(("bmi-unit", "unit"), codes)
        self.assertIn(("ha-not-done", "not-done"), codes)

    def test_clinician_facts_win(self):
        result, report = self.rules.compare_fhir(data("knee-bundle.json"), AS_OF,
                                                 facts={"kl_grade": 4})
        with result:
            self.assertNotIn("kl_grade", result.to_dict().get("missing_facts", []))
        self.assertEqual(report["as_of"], AS_OF)

    def test_synthea_payer_from_claim(self):
        result, report = self.rules.compare_fhir(
            data("Chauncey_Johnston_f4673866-81fb-411a-8486-0c27f2a5b480.json", "rb"), AS_OF)
        result.close()
        payer = [f for f in report["facts"] if f["fact"] == "payer"][0]
        self.assertEqual(payer["value"], "private")
        self.assertEqual(payer["resource_type"], "ExplanationOfBenefit")

    def test_bad_data_raises_and_leaves_patient(self):
        with knee.Patient(self.rules, {"age": 40}) as p:
            other = {"hook": "patient-view", "hookInstance": "x",
                     "context": {"userId": "Practitioner/1", "patientId": "1"},
                     "prefetch": {"patient": {"resourceType": "Patient", "id": "2"}}}
            with self.assertRaises(knee.PatientError) as cm:
                p.load_fhir(other, AS_OF)
            self.assertIn("fhir-other-patient", str(cm.exception))
            with self.assertRaises(knee.KneeError):
                p.load_fhir("<!DOCTYPE x []><Patient xmlns='http://hl7.org/fhir'/>", AS_OF)
            with self.assertRaises(knee.KneeError):
                p.load_fhir(data("knee-bundle.json"), "15/01/2026")
            self.assertEqual(p.get("age") if hasattr(p, "get") else 40, 40)


if __name__ == "__main__":
    unittest.main()
