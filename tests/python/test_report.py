"""Result.to_html(): the decision-aid report through the binding (knee_result_to_html,
docs/report.md), against the C library and the `knee report` command."""

import datetime
import html.parser
import unittest

import knee
from support import MINI, SAMPLE, cli


class Headers(html.parser.HTMLParser):
    """The option grid's column headers and any script element."""

    def __init__(self):
        super().__init__()
        self.in_th, self.cols, self.scripts, self.text = False, [], 0, []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script":
            self.scripts += 1
        if tag == "th" and a.get("scope") == "col":
            self.in_th, self.text = True, []
        elif tag == "span" and self.in_th:  # the rank under the name
            self.cols.append("".join(self.text).strip())
            self.in_th = False

    def handle_data(self, data):
        if self.in_th:
            self.text.append(data)


class ToHtml(unittest.TestCase):
    def setUp(self):
        self.rules = knee.Ruleset.default()
        self.addCleanup(self.rules.close)

    def test_page(self):
        with self.rules.compare(SAMPLE, smaa=200, seed=1) as r:
            page = r.to_html(SAMPLE, date=datetime.date(2025, 7, 1))
        self.assertTrue(page.startswith("<!DOCTYPE html>\n<html lang=\"en\">"))
        p = Headers()
        p.feed(page)
        self.assertEqual(p.scripts, 0)
        for o in self.rules.options:
            self.assertIn(o.name, p.cols)
        self.assertIn("<dd>2025-07-01</dd>", page)
        self.assertIn("<td>72 years</td>", page)              # a fact used
        self.assertIn("<td>steroid-injection-3mo, failed-conservative</td>", page)
        self.assertIn("Figure 2.", page)                      # SMAA was run
        self.assertIn("does not replace the clinician's judgement", page)

    def test_patient_forms(self):
        with self.rules.compare({"age": 60}) as r:
            with self.rules.patient({"age": 60}) as p:
                self.assertEqual(r.to_html(p, "d"), r.to_html({"age": 60}, "d"))
            self.assertIn("<dd>not given</dd>", r.to_html())
            self.assertIn("were not passed to the report", r.to_html())

    def test_same_as_command(self):
        with self.rules.compare({"age": 72, "kl_grade": 4}) as r:
            page = r.to_html({"age": 72, "kl_grade": 4}, date="2025-07-01")
        run = cli("report", "--fact", "age=72", "--fact", "kl_grade=4", "--date", "2025-07-01",
                  "--audience", "clinician", "-o", "-")
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(run.stdout, page)

    def test_patient_page(self):
        """The patient's page: the command's default; options asked for become columns."""
        with self.rules.compare({"age": 72, "kl_grade": 4}) as r:
            page = r.to_html({"age": 72, "kl_grade": 4}, date="2025-07-01", audience="patient",
                             options=["tka"])
            with self.assertRaises(knee.KneeError):
                r.to_html(audience="doctor")
            with self.assertRaises(knee.KneeError):
                r.to_html(audience="patient", options=["no-such-option"])
            with self.assertRaises(knee.KneeError):
                r.to_html(audience="patient", options=["pt", "tka", "prp", "gae", "hto", "uka"])
        run = cli("report", "--fact", "age=72", "--fact", "kl_grade=4", "--date", "2025-07-01",
                  "--options", "tka", "-o", "-")
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(run.stdout, page)
        self.assertIn("What does it involve?", page)
        self.assertIn(">Total knee replacement<", page)

    def test_rates(self):
        """A value's rate (issue 16): from the C result and from a compare_many row alike."""
        want = {"value": 10, "per": 100, "source": "step9-24",
                "text": "people who took it had a serious side effect over 68 weeks "
                        "(8 in 100 with a dummy shot)"}
        with self.rules.compare({"age": 72, "kl_grade": 4}) as r:
            self.assertEqual(r.rate("semaglutide", "harms"), want)
            self.assertIsNone(r.rate("semaglutide", "cost"))
            with self.assertRaises(KeyError):
                r.rate("semaglutide", "no-such-criterion")
            with self.assertRaises(KeyError):
                r.rate("no-such-option", "harms")
        (row,) = self.rules.compare_many([{"age": 72, "kl_grade": 4}], full=True)
        self.assertEqual(row.rate("semaglutide", "harms"), want)

    def test_errors(self):
        with self.rules.compare({}) as r:
            with self.assertRaises(knee.KneeError):
                r.to_html(date="")                            # empty date
            with self.assertRaises(knee.KneeError):
                r.to_html(date="2025\n")                      # control character
            with self.assertRaises(knee.KneeError):
                r.to_html(date=20250701)                      # not text
            with knee.Ruleset.load(MINI) as other, other.patient({"age": 3}) as q:
                with self.assertRaises(knee.KneeError) as e:  # a patient of another ruleset
                    r.to_html(q)
                self.assertEqual(e.exception.code, knee.Status.EINVAL)
        with self.assertRaises(knee.KneeError):
            r.to_html()                                       # closed
        batch = list(self.rules.compare_many([{"age": 50}]))
        with self.assertRaises(knee.KneeError):
            batch[0].to_html()                                # JSON only


if __name__ == "__main__":
    unittest.main()
