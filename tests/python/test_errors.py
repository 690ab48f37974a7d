"""Every error path: each raises KneeError (or its LoadError / PatientError subclass) with the
code, name and message, and nothing is printed."""

import inspect
import math
import os
import pathlib
import pickle
import re
import shutil
import tempfile
import textwrap
import unittest

import knee
from support import DATA, MINI, SOURCE_DIR, mini_variant, read, run_python

S = knee.Status


class StatusTest(unittest.TestCase):
    def test_codes_match_header(self):
        header = pathlib.Path(SOURCE_DIR, "include", "knee.h").read_text()
        pinned = {name: int(v) for name, v in
                  re.findall(r"#define KNEE_(OK|E[A-Z]+) \(?(-?\d+)\)?", header)}
        self.assertEqual(pinned, {s.name: int(s) for s in S})

    def test_error_attributes(self):
        e = knee.KneeError(-9, "age is too old")
        self.assertEqual((e.code, e.name, e.message, e.diagnostics),
                         (S.ERANGE, "KNEE_ERANGE", "age is too old", ()))
        self.assertIsInstance(e.code, int)
        self.assertEqual(str(e), "age is too old [KNEE_ERANGE]")
        future = knee.KneeError(-99)
        self.assertEqual((future.code, future.name), (-99, "KNEE_STATUS(-99)"))
        self.assertTrue(issubclass(knee.LoadError, knee.KneeError))
        self.assertTrue(issubclass(knee.PatientError, knee.KneeError))

    def test_pickle(self):
        d = knee.Diagnostic("io", "cannot open", "x.xml", 0, 0, "error", None, S.EIO)
        e = pickle.loads(pickle.dumps(knee.LoadError(S.EIO, "cannot load", [d])))
        self.assertIsInstance(e, knee.LoadError)
        self.assertEqual((e.code, e.message, e.diagnostics), (S.EIO, "cannot load", (d,)))


class LoadErrorTest(unittest.TestCase):
    def test_missing_file(self):
        with self.assertRaises(knee.LoadError) as cm:
            knee.Ruleset.load("/no/such/rules.xml")
        e = cm.exception
        self.assertEqual((e.code, e.name), (S.EIO, "KNEE_EIO"))
        self.assertEqual([(d.code, d.file) for d in e.diagnostics], [("io", "/no/such/rules.xml")])
        self.assertIn("/no/such/rules.xml", e.message)

    def test_malformed_xml(self):
        with self.assertRaises(knee.LoadError) as cm:
            knee.Ruleset.from_string("<ruleset>\n  <oops>\n</ruleset>", name="broken.xml")
        e = cm.exception
        self.assertEqual(e.code, S.EPARSE)
        d = e.diagnostics[0]
        self.assertEqual((d.code, d.file, d.severity, d.status), ("xml-syntax", "broken.xml", "error", S.EPARSE))
        self.assertGreaterEqual(d.line, 2)
        self.assertIn("broken.xml:%d:%d: xml-syntax:" % (d.line, d.column), e.message)

    def test_invalid_rules_report_every_problem(self):
        text = mini_variant('<treatment id="b"', '<treatment id="a"').replace(
            'when="kl_grade &lt;= 2"', 'when="kl_grade &lt;= "').replace(
            'when="diabetes"', 'when="diabetic"')
        with self.assertRaises(knee.LoadError) as cm:
            knee.Ruleset.from_string(text, name="bad.xml")
        e = cm.exception
        self.assertEqual(e.code, S.EINVALID)
        codes = [d.code for d in e.diagnostics]
        for code in ("duplicate-id", "expr-syntax", "expr-unknown-fact"):
            self.assertIn(code, codes)
        self.assertIn("more errors", e.message)
        self.assertTrue(all(d.line > 0 and d.file == "bad.xml" for d in e.diagnostics))
        self.assertIn(("duplicate-id", "a"), [(d.code, d.element) for d in e.diagnostics])
        self.assertIn(("expr-syntax", "c-early"), [(d.code, d.element) for d in e.diagnostics])

    def test_doctype_refused(self):
        with self.assertRaises(knee.LoadError) as cm:
            knee.Ruleset.from_string('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e "x">]><r/>')
        self.assertEqual(cm.exception.diagnostics[0].code, "xml-doctype")

    def test_empty_input(self):
        with self.assertRaises(knee.LoadError) as cm:
            knee.Ruleset.from_string(b"")
        self.assertEqual(cm.exception.diagnostics[0].code, "xml-empty")

    def test_bad_limits(self):
        for limits in ({"no_such_limit": 1}, {"rules": 0}, {"rules": 1.5}, {"rules": True},
                       {"rules": 2 ** 70}):
            with self.subTest(limits=limits), self.assertRaises(knee.KneeError) as cm:
                knee.Ruleset.load(MINI, limits=limits)
            self.assertEqual(cm.exception.code, S.EINVAL)
            self.assertNotIsInstance(cm.exception, knee.LoadError)
        with self.assertRaises(knee.KneeError):
            knee.check(MINI, limits={"nope": 3})

    def test_input_over_limit(self):
        with self.assertRaises(knee.LoadError) as cm:
            knee.Ruleset.load(MINI, limits={"input_bytes": 100})
        self.assertEqual((cm.exception.code, cm.exception.diagnostics[0].code),
                         (S.ELIMIT, "limit-size"))

    def test_bad_name(self):
        with self.assertRaises(knee.KneeError) as cm:
            knee.Ruleset.from_string("<r/>", name="a\0b")
        self.assertEqual(cm.exception.code, S.EPARSE)


class PatientErrorTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.rules = knee.Ruleset.default()

    @classmethod
    def tearDownClass(cls):
        cls.rules.close()

    def assertPatientError(self, code, facts=None, weights=None, mentions=None):
        with self.assertRaises(knee.PatientError) as cm:
            self.rules.compare(facts, weights)
        e = cm.exception
        self.assertEqual(e.code, code, e)
        self.assertEqual(e.name, "KNEE_" + S(code).name)
        if mentions:
            self.assertIn(mentions, e.message)
        return e

    def test_unknown_fact(self):
        e = self.assertPatientError(S.EUNKNOWN, {"agee": 70}, mentions="agee")
        self.assertIn("unknown fact", e.message)
        self.assertPatientError(S.EUNKNOWN, {"agee": None})
        self.assertPatientError(S.EUNKNOWN, {"agee": ["x"]})

    def test_wrong_type(self):
        self.assertPatientError(S.EPARSE, {"age": "old"}, mentions="age")
        self.assertPatientError(S.EPARSE, {"diabetes": "maybe"}, mentions="diabetes")
        # A number for a boolean fact reads as the CLI reads it written out: only 1 and 0.
        self.assertPatientError(S.EPARSE, {"diabetes": 2}, mentions="'2' is not true or false")
        self.assertPatientError(S.EPARSE, {"diabetes": 0.5}, mentions="'0.5'")
        self.assertPatientError(S.EPARSE, {"diabetes": 2.0}, mentions="'2' is not true")
        self.assertPatientError(S.ETYPE, {"age": True}, mentions="age")
        self.assertPatientError(S.ETYPE, {"kl_grade": 2.5}, mentions="kl_grade")
        self.assertPatientError(S.ETYPE, {"payer": 3}, mentions="payer")
        self.assertPatientError(S.ETYPE, {"prior": 3}, mentions="prior")
        self.assertPatientError(S.ETYPE, {"age": ["72"]}, mentions="age")
        self.assertPatientError(S.ETYPE, {"payer": []}, mentions="not a set")
        self.assertPatientError(S.ETYPE, {"age": {"years": 72}}, mentions="dict")
        self.assertPatientError(S.ETYPE, {"prior": [1]}, mentions="prior")
        self.assertPatientError(S.ETYPE, {"age": b"72"}, mentions="bytes")
        self.assertPatientError(S.ETYPE, {3: 72})

    def test_errors_say_how_to_fix_them(self):
        """Issue 18, item 2: the nearest ids, the allowed values, what a fact takes, through
        every way in (compare, Patient.set, compare_many, compare_columns)."""
        fixes = [
            ({"agee": 70}, "unknown fact 'agee' (not declared in rule file 'knee-oa'): did you "
                           "mean 'age'?"),
            ({"sex": "femal"}, "fact 'sex': 'femal' is not one of its allowed values: did you "
                               "mean 'female'? (it takes one of: female, male)"),
            ({"age": 150}, "fact 'age': 150 is above the maximum 120 (it takes a number from 0 "
                           "to 120)"),
            ({"age": "old"}, "fact 'age': 'old' is not a number (it takes a number from 0 to "
                             "120)"),
            ({"kl_grade": 2.5}, "fact 'kl_grade' is an integer; 2.5 is not a whole number (it "
                                "takes a whole number from 0 to 4)"),
            # a value of the wrong kind: checked in Python, worded by the C setter
            ({"sex": 72}, "fact 'sex' is a string, not a number (it takes one of: female, "
                          "male)"),
            ({"age": True}, "fact 'age' is a number, not a boolean (it takes a number from 0 "
                            "to 120)"),
            ({"diabetes": ["x"]}, "fact 'diabetes' is a boolean, not a set (it takes yes/no, "
                                  "true/false or 1/0)"),
            ({"payer": []}, "fact 'payer' is a string, not a set (it takes any text)"),
            # a list for a fact that is not a set says so, whatever its members are
            ({"age": [72]}, "fact 'age' is a number, not a set (it takes a number from 0 to "
                            "120)"),
        ]
        for facts, message in fixes:
            with self.subTest(facts=facts):
                with self.assertRaises(knee.PatientError) as cm:
                    self.rules.compare(facts)
                self.assertEqual(cm.exception.message, message)
                (fact, value), = facts.items()
                with self.rules.patient() as p, self.assertRaises(knee.PatientError) as cm:
                    p.set(fact, value)
                self.assertEqual(cm.exception.message, message)
                (item,) = self.rules.compare_many([facts], full=False, errors="yield")
                self.assertEqual(item.message, "patient 0: " + message)
                if fact in {f.id for f in self.rules.facts}:
                    with self.assertRaises(knee.PatientError) as cm:
                        self.rules.compare_columns({fact: [None, value]})
                    self.assertEqual(cm.exception.message, "row 1: " + message)
        with self.assertRaises(knee.PatientError) as cm:
            self.rules.compare({}, {"csot": 50})
        self.assertEqual(cm.exception.message, "unknown criterion 'csot': did you mean 'cost'?")

    def test_a_bad_level_lists_the_levels(self):
        text = read(MINI).replace('level="high" source="s2"', 'level="hihg" source="s2"', 1)
        with self.assertRaises(knee.LoadError) as cm:
            knee.Ruleset.from_string(text, name="t.xml")
        self.assertIn("'hihg' is not a level of criterion 'evidence': did you mean 'high'? "
                      "(its levels: low, moderate, high): use one of them, or declare it with "
                      "<level id=\"hihg\"/> in the criterion",
                      [d.message for d in cm.exception.diagnostics])

    def test_out_of_range(self):
        self.assertPatientError(S.ERANGE, {"age": 150}, mentions="maximum")
        self.assertPatientError(S.ERANGE, {"age": -1}, mentions="minimum")
        self.assertPatientError(S.ERANGE, {"kl_grade": 5})
        self.assertPatientError(S.ERANGE, {"age": math.inf})
        self.assertPatientError(S.ERANGE, {"age": 10 ** 400})
        self.assertPatientError(S.ERANGE, {"region": "zz"}, mentions="ISO 3166-1")
        self.assertPatientError(S.ERANGE, {"prior": ["failed-conservative", "bogus"]}, mentions="bogus")

    def test_bad_text(self):
        self.assertPatientError(S.EPARSE, {"payer": "medi\0care"}, mentions="NUL")
        self.assertPatientError(S.EPARSE, {"payer": "\udc80"})
        self.assertPatientError(S.ELIMIT, {"payer": "x" * 5000})

    def test_bad_weights(self):
        self.assertPatientError(S.EWEIGHT, {}, {"cost": -1}, mentions="cost")
        self.assertPatientError(S.EWEIGHT, {}, {"cost": math.nan})
        self.assertPatientError(S.EWEIGHT, {}, {"cost": math.inf})
        self.assertPatientError(S.EWEIGHT, {}, {"cost": 10 ** 400})
        self.assertPatientError(S.EWEIGHT, {}, {"cost": "3"}, mentions="number")
        self.assertPatientError(S.EWEIGHT, {}, {"cost": True})
        self.assertPatientError(S.EUNKNOWN, {}, {"price": 1}, mentions="price")
        zero = {c.id: 0 for c in self.rules.criteria}
        self.assertPatientError(S.EWEIGHT, {}, zero, mentions="sum to zero")

    def test_patient_file(self):
        with self.rules.patient() as p, self.assertRaises(knee.PatientError) as cm:
            p.load(os.path.join(DATA, "patient-bad.xml"))
        self.assertGreaterEqual(len(cm.exception.diagnostics), 2)
        self.assertTrue(all(d.line > 0 for d in cm.exception.diagnostics))
        with self.rules.patient() as p:
            with self.assertRaises(knee.PatientError) as cm:
                p.load("/no/such/patient.xml")
            self.assertEqual(cm.exception.code, S.EIO)
            with self.assertRaises(knee.PatientError) as cm:
                p.load_string("<patient", name="p.xml")
            self.assertEqual(cm.exception.code, S.EPARSE)
            self.assertEqual(cm.exception.diagnostics[0].file, "p.xml")

    def test_has_unknown_fact(self):
        with self.rules.patient() as p, self.assertRaises(knee.PatientError) as cm:
            p.has("agee")
        self.assertEqual(cm.exception.code, S.EUNKNOWN)

    def test_wrong_ruleset_or_weights_with_patient(self):
        with knee.Ruleset.load(MINI) as mini, mini.patient() as p:
            with self.assertRaises(knee.KneeError) as cm:
                self.rules.compare(p)
            self.assertEqual(cm.exception.code, S.EINVAL)
            self.assertIn("another ruleset", cm.exception.message)
            with self.assertRaises(knee.KneeError):
                mini.compare(p, {"cost": 1})

    def test_regex_budget(self):
        text = mini_variant("payer ~ '(?i)^(medicare|mcr)'", "payer ~ '^(a+)+$'")
        with knee.Ruleset.from_string(text, limits={"regex_match": 1000}) as rs:
            with self.assertRaises(knee.KneeError) as cm:
                rs.compare({"payer": "a" * 40 + "b"})
        self.assertEqual(cm.exception.code, S.EREGEX)
        self.assertNotIsInstance(cm.exception, knee.PatientError)
        self.assertIn("b-medicare", cm.exception.message)


class CompareOptionsErrorTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.rules = knee.Ruleset.load(MINI)

    @classmethod
    def tearDownClass(cls):
        cls.rules.close()

    def assertEinval(self, **kw):
        with self.assertRaises(knee.KneeError) as cm:
            self.rules.compare({}, **kw)
        self.assertEqual(cm.exception.code, S.EINVAL, cm.exception)
        return cm.exception

    def test_bad_options(self):
        self.assertIn("topsis", self.assertEinval(method="electre").message)
        with self.assertRaises(knee.KneeError) as cm:
            self.rules.compare({}, method=3)
        self.assertEqual(cm.exception.code, S.ETYPE)
        self.assertEinval(vikor_v=1.5)
        self.assertEinval(vikor_v="half")
        self.assertEinval(smaa=10 ** 9)
        self.assertEinval(sensitivity=True, fragile_margin=-1)
        with self.assertRaises(knee.KneeError):
            list(self.rules.compare_many([{}], method="electre"))

    def test_why(self):
        with self.rules.compare({}) as r:
            with self.assertRaises(knee.KneeError) as cm:
                r.why("a", "nope")
            self.assertEqual(cm.exception.code, S.EUNKNOWN)
        (r,) = self.rules.compare_many([{}])
        with self.assertRaises(knee.KneeError) as cm:
            r.why("a", "b")
        self.assertEqual(cm.exception.code, S.EINVAL)

    def test_swing_and_ranking(self):
        with self.rules.patient() as p:
            for bad in (-1, 101, math.nan, "50", True):
                with self.subTest(points=bad), self.assertRaises(knee.PatientError):
                    p.set_swing("cost", bad)
            with self.assertRaises(knee.PatientError) as cm:
                p.set_swing("price", 50)
            self.assertEqual(cm.exception.code, S.EUNKNOWN)
            p.set_weight("cost", 7)
            for ids in (["cost", "cost"], ["cost", "price"]):
                with self.subTest(ids=ids), self.assertRaises(knee.PatientError):
                    p.rank_criteria(ids)
            with self.assertRaises(knee.PatientError) as cm:
                p.rank_criteria(["cost"], scheme="borda")
            self.assertEqual(cm.exception.code, S.EINVAL)
            with self.rules.compare(p) as r:  # unchanged by the failed rankings
                self.assertEqual(r.weights, {"recovery": 0.1, "cost": 0.7, "evidence": 0.2})


class ArgumentTest(unittest.TestCase):
    """Arguments that ctypes would silently change on their way to C (a NUL ending a path, an
    int wrapping to fit a uint64_t, a bool or a float taken as a count, an int taken as a
    buffer size) raise TypeError or ValueError, which are KneeErrors too (issue 13, item 9)."""

    @classmethod
    def setUpClass(cls):
        cls.rules = knee.Ruleset.load(MINI)

    @classmethod
    def tearDownClass(cls):
        cls.rules.close()

    def raises(self, kind, call, *args, **kw):
        with self.assertRaises({TypeError: knee.KneeTypeError,
                                ValueError: knee.KneeValueError}[kind]) as cm:
            result = call(*args, **kw)
            if inspect.isgenerator(result):
                list(result)
        self.assertIsInstance(cm.exception, knee.KneeError)
        return cm.exception

    def test_paths_and_texts(self):
        with tempfile.TemporaryDirectory() as tmp:
            shutil.copy(MINI, os.path.join(tmp, "a.xml"))
            bad = os.path.join(tmp, "a.xml\0b")
            self.raises(ValueError, knee.Ruleset.load, bad)      # used to load a.xml
            self.raises(ValueError, knee.Ruleset.load, os.fsencode(bad))
            self.raises(ValueError, knee.check, bad)
            with self.rules.patient() as p:
                self.raises(ValueError, p.load, bad)
        self.raises(TypeError, knee.Ruleset.load, 42)
        self.raises(TypeError, knee.Ruleset.from_string, 42)     # used to parse 42 NUL bytes
        self.raises(TypeError, knee.Ruleset.from_string, [60, 114, 47, 62])
        self.raises(TypeError, knee.Ruleset.from_string, None)
        self.raises(ValueError, knee.Ruleset.from_string, "<r/>", name="a\0b")
        self.raises(TypeError, knee.Ruleset.from_string, "<r/>", name=b"n")
        with knee.Ruleset.from_string(bytearray(read(MINI).encode())) as rs:
            self.assertEqual(rs.id, "mini")
        with self.rules.patient() as p:
            self.raises(TypeError, p.load_string, 42)
            self.raises(TypeError, p.load_fhir, 42, "2025-01-01")
        with self.rules.compare({}) as r:
            self.raises(TypeError, r.to_html, date=20250101)

    def test_counts_and_seeds(self):
        compare = self.rules.compare
        for seed in (-1, 2 ** 64, 2 ** 64 + 3):
            with self.subTest(seed=seed):
                self.raises(ValueError, compare, {}, smaa=10, seed=seed)
        for smaa in (-1, 2 ** 64 + 5):                            # 2**64 + 5 used to run 5
            with self.subTest(smaa=smaa):
                self.raises(ValueError, compare, {}, smaa=smaa)
        for kw in ({"smaa": True}, {"smaa": 2.0}, {"smaa": "10"}, {"smaa": 10, "seed": 1.5},
                   {"smaa": 10, "seed": True}, {"smaa": 10, "smaa_spread": True},
                   {"vikor_v": True}, {"vikor_v": "half"}, {"sensitivity": "no"},
                   {"sensitivity": 2}, {"sensitivity": None},
                   {"sensitivity": True, "fragile_margin": True}):
            with self.subTest(**kw):
                self.raises(TypeError, compare, {}, **kw)
        with compare({}, smaa=10, seed=2 ** 64 - 1) as r:        # the whole uint64_t range
            self.assertEqual(r.smaa["seed"], 2 ** 64 - 1)
        for kw in ({"vikor_v": 10 ** 400}, {"vikor_v": math.inf}, {"vikor_v": math.nan},
                   {"vikor_v": 1.5}, {"smaa": 10 ** 9}, {"smaa": 10, "smaa_spread": math.nan},
                   {"sensitivity": True, "fragile_margin": -1}):
            with self.subTest(**kw):                             # the C setters' ranges too
                self.assertEqual(self.raises(ValueError, compare, {}, **kw).code, S.EINVAL)

    def test_batch_arguments(self):
        many = self.rules.compare_many
        for kw in ({"full": "no"}, {"full": None}, {"chunk_size": 2.5}, {"chunk_size": True},
                   {"threads": True}, {"threads": 2.0}, {"threads": float("inf")}):
            with self.subTest(**kw):
                self.raises(TypeError, many, [{}], **kw)
        for kw in ({"chunk_size": 0}, {"threads": 0}, {"threads": 10 ** 6}, {"errors": "skip"}):
            with self.subTest(**kw):
                self.raises(ValueError, many, [{}], **kw)
        self.raises(TypeError, many, {"age": 70})                 # one patient, not a list
        self.raises(TypeError, many, "age")
        columns = self.rules.compare_columns
        self.raises(TypeError, columns, {"age": "72"})            # used to be two rows, 7 and 2
        self.raises(TypeError, columns, {"age": 72})
        self.raises(TypeError, columns, [("age", [72])])
        self.raises(ValueError, columns, {"age": [1, 2], "kl_grade": [1]})

    def test_limits(self):
        for limits in ({"rules": 1.5}, {"rules": True}, {"rules": "10"}):
            with self.subTest(limits=limits):
                self.raises(TypeError, knee.Ruleset.load, MINI, limits=limits)
        for limits in ({"rules": 0}, {"rules": 2 ** 63}, {"nope": 1}):
            with self.subTest(limits=limits):
                self.raises(ValueError, knee.Ruleset.load, MINI, limits=limits)

    def test_patient_data_is_a_patient_error(self):
        """Facts and weights are data, not arguments: their errors stay PatientErrors."""
        with self.assertRaises(knee.PatientError) as cm:
            self.rules.compare([("age", 70)])                    # used to be AttributeError
        self.assertEqual(cm.exception.code, S.ETYPE)
        with self.assertRaises(knee.PatientError) as cm:
            self.rules.compare({}, [("cost", 1)])
        self.assertEqual(cm.exception.code, S.EWEIGHT)
        items = list(self.rules.compare_many([[("age", 70)], {"age": 70}], errors="yield"))
        self.assertIsInstance(items[0], knee.PatientError)
        self.assertTrue(items[0].message.startswith("patient 0: facts must be a mapping"))
        self.assertIsInstance(items[1], knee.Result)
        with self.rules.patient() as p, self.assertRaises(knee.PatientError) as cm:
            p.rank_criteria("cost")                              # not the ids c, o, s, t
        self.assertIn("not one str", cm.exception.message)


class NothingPrintedTest(unittest.TestCase):
    def test_errors_print_nothing(self):
        code = textwrap.dedent("""
            import knee
            for call in (lambda: knee.Ruleset.load("/no/such.xml"),
                         lambda: knee.Ruleset.from_string("<ruleset"),
                         lambda: knee.Ruleset.default().compare({"age": 500}),
                         lambda: knee.Ruleset.default().compare({"agee": 1}),
                         lambda: knee.Ruleset.default().compare({}, {"cost": -1}),
                         lambda: knee.check("/no/such.xml")):
                try:
                    call()
                except knee.KneeError:
                    pass
            """)
        out = run_python(code)
        self.assertEqual((out.returncode, out.stdout, out.stderr), (0, "", ""))


if __name__ == "__main__":
    unittest.main()
