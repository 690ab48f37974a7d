"""The examples in examples/python run and agree with the binding."""

import csv
import io
import json
import os
import subprocess
import sys
import tempfile
import unittest

import knee
from support import EXAMPLES

COMPARE_ONE = os.path.join(EXAMPLES, "compare_one.py")
SCORE_CSV = os.path.join(EXAMPLES, "score_csv.py")
PATIENTS = os.path.join(EXAMPLES, "patients.csv")


def run(*args):
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, check=False)


class CompareOneTest(unittest.TestCase):
    def test_default_patient(self):
        out = run(COMPARE_ONE)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("patient: age=72, kl_grade=4, payer=medicare", out.stdout)
        with knee.Ruleset.default() as rs, rs.compare({"age": 72, "kl_grade": 4, "payer": "medicare"}) as r:
            top = r.top
        self.assertIn("\n   1  %-40s %.3f\n" % (top.name, top.score), out.stdout)

    def test_json(self):
        out = run(COMPARE_ONE, "age=60", "diabetes=yes", "prior=steroid-injection-3mo",
                  "--weight", "cost=3", "--json")
        self.assertEqual(out.returncode, 0, out.stderr)
        with knee.Ruleset.default() as rs, rs.compare(
                {"age": 60, "diabetes": True, "prior": ["steroid-injection-3mo"]}, {"cost": 3}) as r:
            self.assertEqual(out.stdout, r.to_json())

    def test_bad_fact(self):
        out = run(COMPARE_ONE, "age=500")
        self.assertEqual(out.returncode, 1)
        self.assertIn("above the maximum", out.stderr)


class ScoreCsvTest(unittest.TestCase):
    def test_sample(self):
        out = run(SCORE_CSV, PATIENTS, "-")
        self.assertEqual(out.returncode, 0, out.stderr)
        rows = list(csv.DictReader(io.StringIO(out.stdout)))
        with open(PATIENTS, newline="") as f:
            given = list(csv.DictReader(f))
        self.assertEqual(len(rows), len(given))
        with knee.Ruleset.default() as rs:
            for n, (row, patient) in enumerate(zip(rows, given), 1):
                facts = {k: v for k, v in patient.items() if k != "patient" and v}
                with rs.compare(facts) as r:
                    self.assertEqual(row["row"], str(n))
                    self.assertEqual(row["patient"], patient["patient"])
                    self.assertEqual(row["top"], r.top.id)
                    self.assertEqual(row["error"], "")
                    for o in r.options:
                        self.assertEqual(row[o.id + "_rank"], "" if o.excluded else str(o.rank))
                        self.assertEqual(row[o.id + "_score"], "" if o.excluded else repr(o.score))

    def test_bad_rows_and_output_file(self):
        with tempfile.TemporaryDirectory() as tmp:
            src, dst = os.path.join(tmp, "in.csv"), os.path.join(tmp, "out.csv")
            with open(src, "w") as f:
                f.write("age,kl_grade\n70,4\n700,4\n,\n45,9\n60,1\n")
            out = run(SCORE_CSV, src, dst, "--weight", "cost=2")
            self.assertEqual(out.returncode, 1)
            self.assertIn("2 row(s) could not be scored", out.stderr)
            with open(dst, newline="") as f:
                rows = list(csv.DictReader(f))
        self.assertEqual([r["row"] for r in rows], ["1", "2", "3", "4", "5"])
        self.assertNotIn("patient", rows[0])
        self.assertEqual([bool(r["error"]) for r in rows], [False, True, False, True, False])
        self.assertIn("above the maximum", rows[1]["error"])
        self.assertTrue(all(r["top"] for r in rows if not r["error"]))

    def test_id_column(self):
        with tempfile.TemporaryDirectory() as tmp:
            src = os.path.join(tmp, "in.csv")
            with open(src, "w") as f:
                f.write("patient_id,age\nA-1,70\nB-2,55\n")
            refused = run(SCORE_CSV, src, "-")   # not a fact, and not named as the id
            out = run(SCORE_CSV, src, "-", "--id-column", "patient_id")
        self.assertEqual(refused.returncode, 1)
        self.assertIn("patient_id", refused.stderr)
        self.assertIn("--id-column", refused.stderr)
        self.assertEqual(out.returncode, 0, out.stderr)
        rows = list(csv.DictReader(io.StringIO(out.stdout)))
        self.assertEqual([(r["row"], r["patient_id"]) for r in rows], [("1", "A-1"), ("2", "B-2")])

    def test_unknown_column(self):
        with tempfile.TemporaryDirectory() as tmp:
            src = os.path.join(tmp, "in.csv")
            with open(src, "w") as f:
                f.write("age,height\n70,180\n")
            out = run(SCORE_CSV, src, "-")
        self.assertEqual(out.returncode, 1)
        self.assertIn("height", out.stderr)


if __name__ == "__main__":
    unittest.main()
