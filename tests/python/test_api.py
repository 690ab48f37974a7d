"""Every public function of the knee package, against the C library and the `knee` command."""

import dataclasses
import hashlib
import html
import json
import math
import os
import pathlib
import unittest

import knee
from support import (DATA, DEFAULT_RULES, GOLDEN, MINI, SAMPLE, cli, mini_variant, read)


def as_known(option):
    """An option of the JSON contract with only the keys the binding models (the contract may
    gain keys: docs/result-contract.md)."""
    def pick(cls, d):  # weighted_sum and metrics are left out where they do not apply
        return {f.name: d.get(f.name) for f in dataclasses.fields(cls)}
    out = pick(knee.OptionResult, option)
    out["reasons"] = [pick(knee.Note, n) for n in option["reasons"]]
    out["cautions"] = [pick(knee.Note, n) for n in option["cautions"]]
    out["criteria"] = [pick(knee.CriterionValue, c) for c in option["criteria"]]
    out["unknown"] = [pick(knee.UnknownRule, u) for u in option["unknown"]]
    return out


def like_cli(args):
    """Do what `knee compare ARGS --format json` does, through the binding: the result's JSON
    text, or for --why the explanation as a dict."""
    it = iter(args)
    given = {"facts": [], "weights": [], "swings": []}
    rules = patient = ranking = why = None
    scheme, kw = "roc", {}
    for flag in it:
        if flag == "--sensitivity":
            kw["sensitivity"] = True
            continue
        value = next(it)
        if flag in ("--fact", "--weight", "--swing"):
            given[flag[2:] + "s"].append(value.split("=", 1))
        elif flag == "--rules":
            rules = value
        elif flag == "--patient":
            patient = value
        elif flag == "--rank-criteria":
            ranking = value.split(",")
        elif flag == "--rank-scheme":
            scheme = value
        elif flag == "--why":
            why = value.split(",")
        else:
            name, convert = {"--method": ("method", str), "--vikor-v": ("vikor_v", float),
                             "--smaa": ("smaa", int), "--seed": ("seed", int),
                             "--smaa-spread": ("smaa_spread", float),
                             "--fragile-margin": ("fragile_margin", float)}[flag]
            kw[name] = convert(value)
    rs = knee.Ruleset.load(rules) if rules else knee.Ruleset.default()
    with rs, rs.patient() as p:
        if patient:  # in the command's order: file, facts, ranking, weights, swings
            p.load(patient)
        for fact, text in given["facts"]:
            p.set(fact, text or None)
        if ranking:
            p.rank_criteria(ranking, scheme)
        for criterion, w in given["weights"]:
            p.set_weight(criterion, float(w))
        for criterion, points in given["swings"]:
            p.set_swing(criterion, float(points))
        with rs.compare(p, **kw) as r:
            return r.why(*why) if why else r.to_json()


class ModuleTest(unittest.TestCase):
    def test_versions(self):
        self.assertEqual(knee.__version__, "0.2.0")
        self.assertEqual(knee.EXPECTED_MAJOR, 0)
        self.assertRegex(knee.library_version, r"^0\.\d+\.\d+$")
        self.assertIn(knee.library_version, cli("version").stdout)

    def test_library_path(self):
        self.assertTrue(knee.library_path)
        if os.environ.get("LIBKNEE_PATH"):
            self.assertEqual(knee.library_path, os.environ["LIBKNEE_PATH"])

    def test_all_names_exist(self):
        for name in knee.__all__:
            self.assertTrue(hasattr(knee, name), name)

    def test_default_limits(self):
        limits = knee.default_limits()
        self.assertEqual(tuple(limits), knee.LIMITS)
        self.assertEqual(limits["input_bytes"], 16 * 1024 * 1024)
        self.assertEqual(limits["xml_depth"], 32)
        self.assertEqual(limits["regex_heap_kib"], 1024)


class RulesetMetadataTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.mini = knee.Ruleset.load(MINI)
        cls.default = knee.Ruleset.default()

    @classmethod
    def tearDownClass(cls):
        cls.mini.close()
        cls.default.close()

    def test_lookups_by_id(self):
        """Ruleset._index, the binding's one id -> index lookup, is knee_ruleset_*_index: the
        document-order index for every id; None for an id the rule file does not declare, as
        the dicts it replaced answered (issue 19, item 3)."""
        from knee._lib import lib
        for rules in (self.mini, self.default):
            for kind, items in (("fact", rules.facts), ("option", rules.options),
                                ("criterion", rules.criteria)):
                find = getattr(lib, "knee_ruleset_%s_index" % kind)
                with rules._handle as rs:
                    for i, item in enumerate(items):
                        self.assertEqual(rules._index(kind, item.id), i, (kind, item.id))
                        self.assertEqual(find(rs, item.id.encode()), i, (kind, item.id))
                first = items[0].id
                for unknown in ("no-such-id", "", first[:-1], first + "x", first + "\0x",
                                "\ud800", 7, None, first.encode()):
                    self.assertIsNone(rules._index(kind, unknown), (kind, unknown))

    def test_rate_by_id(self):
        """Result.rate finds the criterion by knee_ruleset_criterion_index (a C result) or in
        the parsed JSON (a compare_many result): both answer alike for every option and
        criterion, and refuse an unknown id with KeyError naming it, even once the ruleset is
        closed (the result keeps it alive)."""
        rules = knee.Ruleset.default()
        facts = {"age": 72, "kl_grade": 4}
        r = rules.compare(facts)
        (row,) = rules.compare_many([facts], full=True)
        rules.close()
        with r:
            rates = [(o.id, c, r.rate(o.id, c)) for o in r.options for c in r.weights]
            self.assertEqual(rates, [(o, c, row.rate(o, c)) for o, c, _ in rates])
            self.assertIn(("semaglutide", "harms"), [(o, c) for o, c, rate in rates if rate])
            for result in (r, row):
                for option, criterion, missing in (("tka", "no-such", "no-such"),
                                                   ("no-such", "cost", "no-such"),
                                                   ("tka", "cost\0", "cost\0"),
                                                   ("tka", 3, 3)):
                    with self.assertRaises(KeyError) as cm:
                        result.rate(option, criterion)
                    self.assertEqual(cm.exception.args, (missing,))

    def test_mini_header(self):
        m = self.mini
        self.assertEqual((m.id, m.version, m.status, m.title, m.evidence_as_of),
                         ("mini", "1.2.3", "draft", "Mini rules for tests", "2025-01-31"))
        self.assertEqual(m.sha256, hashlib.sha256(pathlib.Path(MINI).read_bytes()).hexdigest())
        self.assertEqual(m.name, MINI)
        self.assertEqual(m.rule_count, 5)
        self.assertEqual(m.warnings, [])
        self.assertEqual(repr(m), "<knee.Ruleset mini 1.2.3>")

    def test_mini_options(self):
        self.assertEqual(self.mini.options[0], knee.OptionInfo("a", "Option A"))
        self.assertEqual([o.id for o in self.mini.options], ["a", "b", "c", "d", "e"])

    def test_mini_criteria(self):
        recovery, cost, evidence = self.mini.criteria
        self.assertEqual(recovery, knee.CriterionInfo(
            id="recovery", label="Recovery time", unit="days", direction="minimize",
            weight=1.0, levels=(), scale=(100.0, 0.0), missing_utility=None))
        self.assertEqual(cost.unit, "USD")
        self.assertEqual(evidence.direction, "maximize")
        self.assertEqual(evidence.weight, 2.0)
        self.assertIsNone(evidence.scale)
        self.assertIsNone(evidence.unit)
        self.assertEqual([lv.id for lv in evidence.levels], ["low", "moderate", "high"])
        self.assertEqual(evidence.levels[0], knee.Level("low", "low"))  # no label: the id

    def test_mini_facts(self):
        facts = {f.id: f for f in self.mini.facts}
        self.assertEqual(list(facts), ["age", "kl_grade", "payer", "sex", "diabetes", "prior"])
        self.assertEqual(facts["age"], knee.FactInfo("age", "number", "age", "years", 0.0, 120.0, ()))
        self.assertEqual((facts["kl_grade"].type, facts["kl_grade"].max), ("integer", 4.0))
        self.assertEqual(facts["payer"].values, ())
        self.assertIsNone(facts["payer"].min)
        self.assertEqual(facts["sex"].values, ("female", "male"))
        self.assertEqual(facts["diabetes"].type, "boolean")
        self.assertEqual((facts["prior"].type, facts["prior"].values), ("set", ("pt", "steroid-3mo")))

    def test_mini_sources(self):
        self.assertEqual(self.mini.sources, [
            knee.SourceInfo("s1", "Source one", "https://example.org/one", 2020),
            knee.SourceInfo("s2", "Source two", "https://example.org/two", 2021)])

    def test_default(self):
        d = self.default
        self.assertEqual(d.id, "knee-oa")
        self.assertEqual(d.name, "knee-oa.xml (built in)")
        self.assertRegex(d.sha256, "^[0-9a-f]{64}$")
        self.assertIn("sha256          %s" % d.sha256, cli("list").stdout)
        self.assertEqual([c.id for c in d.criteria],
                         ["invasiveness", "recovery", "cost", "coverage", "evidence",
                          "benefit", "harms", "durability"])
        facts = {f.id: f for f in d.facts}
        for fid in ("age", "kl_grade", "payer", "diabetes", "prior", "region", "bmi"):
            self.assertIn(fid, facts)
        self.assertIn("failed-conservative", facts["prior"].values)
        self.assertIn("Options (%d)" % len(d.options), cli("list").stdout)
        self.assertGreater(len(d.sources), 10)

    def test_load_pathlike_and_from_string(self):
        text = read(MINI)
        with knee.Ruleset.load(pathlib.Path(MINI)) as a, \
                knee.Ruleset.from_string(text) as b, \
                knee.Ruleset.from_string(text.encode("utf-8"), name="mini-copy.xml") as c:
            self.assertEqual(a.sha256, b.sha256)
            self.assertEqual(b.sha256, c.sha256)
            self.assertEqual(c.name, "mini-copy.xml")
            self.assertEqual(b.name, "<memory>")

    def test_load_file_equals_builtin(self):
        with knee.Ruleset.load(DEFAULT_RULES) as f:
            self.assertEqual(f.id, self.default.id)
            self.assertEqual(f.sha256, hashlib.sha256(pathlib.Path(DEFAULT_RULES).read_bytes()).hexdigest())
            self.assertEqual(f.options, self.default.options)

    def test_limits(self):
        with knee.Ruleset.load(MINI, limits={"input_bytes": 1 << 20, "rules": 10}) as rs:
            self.assertEqual(rs.id, "mini")
        with self.assertRaises(knee.LoadError) as cm:
            knee.Ruleset.load(MINI, limits={"rules": 2})
        self.assertEqual(cm.exception.code, knee.Status.ELIMIT)
        self.assertEqual(cm.exception.diagnostics[0].code, "limit-rules")

    def test_warnings(self):
        text = mini_variant('<value criterion="recovery" typical="0" source="s1"/>',
                            '<value criterion="recovery" typical="0"/>')
        with knee.Ruleset.from_string(text, name="warn.xml") as rs:
            self.assertEqual([(w.code, w.severity) for w in rs.warnings],
                             [("value-without-source", "warning")])
            self.assertEqual(rs.warnings[0].file, "warn.xml")

    def test_run_tests(self):
        self.assertEqual(self.mini.run_tests(), knee.CaseReport(2, 0, ()))
        report = self.default.run_tests()
        self.assertGreater(report.cases, 5)
        self.assertEqual((report.failed, report.failures), (0, ()))
        text = mini_variant('<expect option="d" rank="1"/>', '<expect option="d" rank="2"/>')
        with knee.Ruleset.from_string(text) as rs:
            report = rs.run_tests()
        self.assertEqual((report.cases, report.failed), (2, 1))
        self.assertEqual(len(report.failures), 1)
        self.assertTrue(report.failures[0].startswith("no-facts: d:"), report.failures)


    def test_regions(self):
        # rules/README.md, "Regions": any ISO 3166-1 code or the file's groups, any case
        region = next(f for f in self.default.facts if f.id == "region")
        self.assertTrue(region.region)
        self.assertEqual(region.type, "string")
        self.assertFalse(next(f for f in self.default.facts if f.id == "payer").region)
        self.assertEqual(self.default.region_groups["uk"], ("gb",))
        self.assertEqual(len(self.default.region_groups["eu"]), 27)
        with self.default.compare({"region": "KR"}) as r:
            kr = r.regional_rules[0]
            self.assertEqual(kr.value, "kr")
            self.assertIn("kr-cartistem", kr.rules)
            self.assertNotIn("stem-cell-fda", kr.rules)
        with self.default.compare({"region": "GB"}) as r:
            gb = r.regional_rules[0]
            self.assertEqual(gb.value, "gb")
            self.assertIn("gb-nice-procedures", gb.rules)
            self.assertNotIn("stem-cell-fda", gb.rules)
        with self.default.compare({}) as r:   # not given: the US caution's condition is true
            self.assertEqual(r.regional_rules, [knee.RegionalRules(
                "region", None, ["stem-cell-fda", "cell-adipose-fda", "cell-allogeneic-fda", "pahg-us-status"])])
        # the same from a result that holds only its JSON
        many = list(self.default.compare_many([{"region": "de"}, {"region": "uk"}]))
        self.assertEqual(many[0].regional_rules[0].value, "de")
        self.assertIn("eu-cells", many[0].regional_rules[0].rules)
        self.assertEqual(many[1].regional_rules[0].value, "uk")

    def test_descriptions(self):
        first = self.default.options[0]
        self.assertIsInstance(first.description, knee.Texts)
        self.assertNotEqual(first.description.patient, first.description.clinician)  # two audiences
        self.assertIsNotNone(self.default.description)
        self.assertIsNone(self.mini.options[0].description)

class CheckTest(unittest.TestCase):
    def test_clean(self):
        self.assertEqual(knee.check(MINI), [])
        self.assertEqual(knee.check(pathlib.Path(MINI)), [])

    def test_same_as_cli(self):
        bad = os.path.join(self.tmp, "bad.xml")
        pathlib.Path(bad).write_text(
            mini_variant('<treatment id="b"', '<treatment id="a"')
            .replace('<value criterion="recovery" typical="100" source="s1"/>',
                     '<value criterion="recovery" typical="100" source="s9"/>'))
        found = knee.check(bad)
        self.assertGreaterEqual(len(found), 2)
        self.assertTrue(all(isinstance(d, knee.Diagnostic) for d in found))
        codes = {d.code for d in found}
        self.assertIn("duplicate-id", codes)
        self.assertIn("unknown-source", codes)
        for d in found:
            self.assertEqual(d.file, bad)
            self.assertGreater(d.line, 0)
            self.assertGreater(d.column, 0)
            self.assertEqual(d.severity, "error")
            self.assertEqual(d.status, knee.Status.EINVALID)
        out = cli("check", bad).stdout.splitlines()
        self.assertEqual([str(d) for d in found], out[:-1])

    def test_lint(self):
        """check() adds the author's lint to a file that loads, as `knee check` does."""
        path = os.path.join(self.tmp, "lint.xml")
        pathlib.Path(path).write_text(mini_variant(
            '<source id="s2"', '<source id="unused" title="Never cited" year="2000" url="https://example.org/x"/>\n    <source id="s2"'))
        found = knee.check(path)
        self.assertIn(("source-unused", "warning"), [(d.code, d.severity) for d in found])
        self.assertEqual([str(d) for d in found], cli("check", path).stdout.splitlines()[:-1])
        with knee.Ruleset.load(path) as rs:
            self.assertEqual(rs.warnings, [])  # loading alone does not lint

    def test_missing_and_malformed(self):
        missing = os.path.join(self.tmp, "nope.xml")
        (d,) = knee.check(missing)
        self.assertEqual((d.code, d.status, d.file, d.line), ("io", knee.Status.EIO, missing, 0))
        bad = os.path.join(self.tmp, "syntax.xml")
        pathlib.Path(bad).write_text("<ruleset\n")
        (d,) = knee.check(bad)
        self.assertEqual((d.code, d.severity, d.line), ("xml-syntax", "error", 2))

    def setUp(self):
        import tempfile
        self._tmp = tempfile.TemporaryDirectory()
        self.tmp = self._tmp.name

    def tearDown(self):
        self._tmp.cleanup()


class CompareTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.rules = knee.Ruleset.default()
        cls.mini = knee.Ruleset.load(MINI)

    @classmethod
    def tearDownClass(cls):
        cls.rules.close()
        cls.mini.close()

    def test_result_data(self):
        with self.rules.compare(SAMPLE) as r:
            self.assertEqual(r.method, "weighted-sum")
            self.assertEqual(list(r.weights), [c.id for c in self.rules.criteria])
            self.assertAlmostEqual(sum(r.weights.values()), 1.0)
            self.assertEqual(sorted(o.id for o in r.options), sorted(o.id for o in self.rules.options))
            ranked = [o for o in r.options if not o.excluded]
            self.assertEqual(r.options, ranked + [o for o in r.options if o.excluded])
            for k, o in enumerate(ranked):   # competition ranking; a tie is listed by name
                self.assertEqual(o.rank, 1 + sum(p.score > o.score + 1e-12 for p in ranked))
                if k and o.rank == ranked[k - 1].rank:
                    self.assertLess((ranked[k - 1].name, ranked[k - 1].id), (o.name, o.id))
            self.assertIs(r.top, ranked[0])
            self.assertIs(r.option(ranked[0].id), ranked[0])
            with self.assertRaises(KeyError):
                r.option("no-such-option")
            for o in r.options:
                self.assertIsInstance(o, knee.OptionResult)
                self.assertEqual([c.id for c in o.criteria], list(r.weights))
                if not o.excluded:
                    self.assertAlmostEqual(o.score, sum(c.contribution for c in o.criteria))
                    self.assertTrue(0 <= o.score <= 1)
                for c in o.criteria:
                    self.assertIsInstance(c, knee.CriterionValue)
                    self.assertAlmostEqual(c.contribution, 0 if o.excluded else c.weight * c.utility)
            self.assertIs(r.ruleset, self.rules)
            self.assertTrue(repr(r).startswith("<knee.Result knee-oa %s: 1" % self.rules.version))

    def test_accessors_agree_with_json(self):
        cases = [(facts, None) for facts in (
            SAMPLE, {}, {"age": 60, "diabetes": True, "prior": ["steroid-injection-3mo"]},
            {"kl_grade": 1, "region": "uk", "bmi": 45})]
        cases += [(SAMPLE, m) for m in knee.METHODS]
        for facts, method in cases:
            with self.subTest(facts=facts, method=method), \
                    self.rules.compare(facts, method=method) as r:
                d = r.to_dict()
                self.assertEqual([dataclasses.asdict(o) for o in r.options],
                                 [as_known(o) for o in d["options"]])
                self.assertEqual(r.weights, d["weights"])
                self.assertEqual(r.missing_facts, d["missing_facts"])
                self.assertEqual(r.method, d["method"])
                self.assertEqual(d, json.loads(r.to_json()))
                self.assertEqual(d["ruleset"]["sha256"], self.rules.sha256)
                self.assertEqual(d["library"]["version"], knee.library_version)
                d["options"].clear()  # to_dict gives a copy
                self.assertEqual(len(r.to_dict()["options"]), len(self.rules.options))

    def test_excluded_option(self):
        with self.mini.compare({"kl_grade": 2}) as r:
            c = r.option("c")
            self.assertTrue(c.excluded)
            self.assertIsNone(c.rank)
            self.assertIsNone(c.score)
            self.assertEqual(c.reasons, [knee.Note("Not for early disease", "c-early", "s1",
                                                   "Not for early disease", "Not for early disease")])
            self.assertEqual(c.rules_fired, ["c-early"])
            self.assertIs(r.options[-1], c)  # excluded options come last

    def test_details(self):
        with self.mini.compare({"age": 70, "payer": "MCR-B", "diabetes": True}) as r:
            b = r.option("b")
            self.assertEqual([(n.text, n.rule, n.source) for n in b.cautions],
                             [("Check coverage", "b-medicare", "s2"),
                              ("Diabetes: monitor glucose", "diabetes-caution", "s1")])
            self.assertEqual([(n.patient, n.clinician) for n in b.cautions],
                             [(n.text, n.text) for n in b.cautions])  # one text serves both
            rec = b.criteria[0]
            self.assertEqual((rec.id, rec.known, rec.value, rec.low, rec.high, rec.level),
                             ("recovery", True, 80.0, 40.0, 120.0, None))
            self.assertEqual(rec.rules, ["b-old"])
            self.assertEqual(rec.sources, ["s1", "s2"])
            ev = b.criteria[2]
            self.assertEqual((ev.level, ev.value, ev.rules), ("low", None, ["b-medicare"]))
            cost_d = r.option("d").criteria[1]
            self.assertEqual((cost_d.known, cost_d.weight, cost_d.contribution), (False, 0.0, 0.0))
            self.assertIn("kl_grade", r.missing_facts)
            unknown = {u.rule: u.facts for u in r.option("c").unknown}
            self.assertEqual(unknown, {"c-early": ["kl_grade"], "c-steroid": ["prior"]})
            self.assertIsInstance(r.option("c").unknown[0], knee.UnknownRule)

    def test_json_equals_cli(self):
        """Python's result JSON is byte for byte the C library's (via `knee compare`), for
        every golden case of the command-line tests."""
        cases = sorted(f for f in os.listdir(GOLDEN) if f.endswith(".args"))
        self.assertGreaterEqual(len(cases), 3)
        for name in cases:
            with self.subTest(case=name):
                args = [a.replace("@DATA@", DATA) for a in read(os.path.join(GOLDEN, name)).splitlines()
                        if a and not a.startswith("#")]
                self.assertSameAsCli(args)

    def test_methods_and_analyses_equal_cli(self):
        base = ["--fact", "age=66", "--fact", "kl_grade=3", "--fact", "payer=medicare"]
        for extra in ([["--method", m] for m in knee.METHODS] +
                      [["--method", "vikor", "--vikor-v", "0.2"],
                       ["--smaa", "200", "--seed", "7"],
                       ["--smaa", "100", "--seed", "3", "--smaa-spread", "0.1", "--method", "topsis"],
                       ["--sensitivity"], ["--sensitivity", "--fragile-margin", "0.2"],
                       ["--swing", "cost=100", "--swing", "evidence=40"],
                       ["--rank-criteria", "evidence,cost"],
                       ["--rank-criteria", "cost,coverage,evidence", "--rank-scheme", "rank-sum"],
                       ["--weight", "cost=5", "--why", "pt,tka"]]):
            with self.subTest(args=extra):
                self.assertSameAsCli(base + extra)

    def assertSameAsCli(self, args):
        theirs = cli("compare", *args, "--format", "json")
        self.assertEqual(theirs.returncode, 0, theirs.stderr)
        ours = like_cli(args)
        if isinstance(ours, dict):  # --why: the explanation object alone
            self.assertEqual(ours, json.loads(theirs.stdout))
        else:  # the command prints the library's text as it is
            self.assertEqual(ours, theirs.stdout)   # the CLI prints the library's JSON as is

    def test_python_types_match_text(self):
        """Typed values and their text give the same result (text goes through set_text)."""
        typed = {"age": 60, "bmi": 31.5, "diabetes": True, "ckd": False, "kl_grade": 3,
                 "prior": ["ha-6mo", "failed-conservative"], "payer": "medicare"}
        text = {"age": "60", "bmi": "31.5", "diabetes": "yes", "ckd": "no", "kl_grade": "3",
                "prior": "ha-6mo, failed-conservative", "payer": "medicare"}
        as_set = dict(typed, prior={"ha-6mo", "failed-conservative"}, kl_grade=3.0)
        with self.rules.compare(typed) as a, self.rules.compare(text) as b, \
                self.rules.compare(as_set) as c:
            self.assertEqual(a.to_dict(), b.to_dict())
            self.assertEqual(a.to_dict(), c.to_dict())

    def test_none_is_unknown(self):
        with self.rules.compare({"age": None, "kl_grade": 4}) as a, \
                self.rules.compare({"kl_grade": 4}) as b:
            self.assertEqual(a.to_json(), b.to_json())
        with self.rules.patient({"age": 70}) as p:
            p.set("age", None)
            self.assertFalse(p.has("age"))

    def test_empty_set_is_known(self):
        with self.rules.patient({"prior": []}) as p:
            self.assertTrue(p.has("prior"))
            with self.rules.compare(p) as r:
                self.assertNotIn("prior", r.missing_facts)
        with self.rules.compare({}) as r:
            self.assertIn("prior", r.missing_facts)

    def test_set_member_with_comma(self):
        text = mini_variant('<fact id="prior" type="set"><allowed value="pt"/><allowed value="steroid-3mo"/></fact>',
                            '<fact id="prior" type="set"/>').replace("'steroid-3mo' in prior", "'x,y' in prior")
        with knee.Ruleset.from_string(text) as rs:
            with rs.compare({"prior": ["x,y"]}) as r:
                self.assertIn("c-steroid", r.option("c").rules_fired)
            with rs.compare({"prior": "x,y"}) as r:  # text: two members, x and y
                self.assertNotIn("c-steroid", r.option("c").rules_fired)
            with rs.compare({"prior": ("x", "y", "x")}) as r:
                self.assertNotIn("c-steroid", r.option("c").rules_fired)

    def test_methods(self):
        self.assertEqual(knee.METHODS[0], "weighted-sum")
        self.assertIn("topsis", knee.METHODS)
        for m in knee.METHODS:
            with self.rules.compare(SAMPLE, method=m) as r:
                self.assertEqual(r.method, m)
                self.assertEqual(r.top.metrics is None, m == "weighted-sum")
                self.assertIsNotNone(r.top.weighted_sum)
                excluded = [o for o in r.options if o.excluded]
                self.assertTrue(all(o.metrics is None and o.weighted_sum is None for o in excluded))
        with self.rules.compare(SAMPLE, method="vikor") as r:
            self.assertEqual(set(r.top.metrics), {"S", "R", "Q", "compromise"})
            self.assertTrue(r.top.metrics["compromise"])

    def test_analyses(self):
        with self.rules.compare(SAMPLE) as r:
            self.assertIsNone(r.smaa)
            self.assertIsNone(r.sensitivity)
        with self.rules.compare(SAMPLE, smaa=300, seed=11, sensitivity=True, fragile_margin=0.1) as r:
            self.assertEqual((r.smaa["samples"], r.smaa["seed"]), (300, 11))
            ranked = [o.id for o in r.options if not o.excluded]
            self.assertEqual([o["id"] for o in r.smaa["options"]], ranked)
            for o in r.smaa["options"]:
                self.assertAlmostEqual(sum(o["rank_acceptability"]), 1.0)
            self.assertEqual(r.sensitivity["winner"], r.top.id)
            self.assertEqual(r.sensitivity["fragile_margin"], 0.1)
            r.smaa.clear()  # a copy each time
            self.assertEqual(r.smaa["samples"], 300)
        with self.rules.compare(SAMPLE, smaa=300, seed=11) as a, \
                self.rules.compare(SAMPLE, smaa=300, seed=11) as b:
            self.assertEqual(a.smaa, b.smaa)  # the seed makes it repeatable

    def test_why(self):
        with self.mini.compare({"age": 70}) as r:
            why = r.why("a", "b")
            self.assertEqual((why["a"], why["b"], why["rank_a"]), ("a", "b", r.option("a").rank))
            self.assertTrue(why["for"])
            self.assertEqual(r.why("b", "a")["against"][0]["criterion"], why["for"][0]["criterion"])

    def test_dominated_by(self):
        with self.mini.compare({}) as r:
            self.assertEqual(r.option("a").dominated_by, [])
            for o in r.options:
                for other in o.dominated_by:
                    self.assertGreater(o.rank, r.option(other).rank)
            self.assertTrue(any(o.dominated_by for o in r.options))

    def test_weights(self):
        with self.mini.compare({}, {"cost": 2}) as r:
            self.assertEqual(r.weights, {"recovery": 0.2, "cost": 0.4, "evidence": 0.4})
        with self.mini.compare({}, {"recovery": 0, "cost": 0}) as r:
            self.assertEqual(r.weights["evidence"], 1.0)
        with self.mini.compare() as r:
            self.assertEqual(r.weights, {"recovery": 0.25, "cost": 0.25, "evidence": 0.5})


class HonestComparisonTest(unittest.TestCase):
    """Unknown values as ranges, ties as ties (tests/data/ranges.xml works the figures)."""

    @classmethod
    def setUpClass(cls):
        cls.rules = knee.Ruleset.load(os.path.join(DATA, "ranges.xml"))
        cls.default = knee.Ruleset.default()

    @classmethod
    def tearDownClass(cls):
        cls.rules.close()
        cls.default.close()

    def test_ranges_and_bounds(self):
        with self.rules.compare() as r:
            self.assertEqual(r.missing_policy, "interval")
            p = r.option("p")
            self.assertAlmostEqual(p.score, 0.9)
            self.assertIsInstance(p.score_range, knee.ScoreRange)
            self.assertAlmostEqual(p.score_range.low, 0.85)
            self.assertAlmostEqual(p.score_range.high, 0.95)
            self.assertEqual(p.rank_range, knee.RankRange(1, 2))
            cost = p.criteria[0]
            self.assertTrue(cost.unknown)
            self.assertFalse(cost.known)
            self.assertAlmostEqual(cost.range.low, 0.7)
            self.assertAlmostEqual(cost.range.high, 0.9)
            self.assertEqual((cost.range.value_low, cost.range.value_high), (100, 300))
            self.assertIsNone(p.criteria[1].range)
            r_ev = r.option("r").criteria[1]
            self.assertEqual((r_ev.range.value_low, r_ev.range.value_high), ("moderate", "high"))
            q_ev = r.option("q").criteria[1]
            self.assertEqual((q_ev.range.low, q_ev.range.high), (0.0, 1.0))
            self.assertIsNone(q_ev.range.value_low)
            self.assertEqual([(o.id, o.rank_range.best, o.rank_range.worst) for o in r.options],
                             [("p", 1, 2), ("t", 2, 4), ("q", 1, 5), ("r", 2, 4), ("s", 3, 5)])
            # the binding's data is the JSON contract's
            d = r.to_dict()
            self.assertEqual(d["missing_policy"], "interval")
            self.assertEqual([dataclasses.asdict(o) for o in r.options],
                             [as_known(o) for o in d["options"]])
            self.assertEqual(r.options, [knee.OptionResult.from_dict(o) for o in d["options"]])

    def test_missing_policy_argument(self):
        with self.rules.compare(missing="worst") as r:
            self.assertEqual(r.missing_policy, "worst")
            self.assertAlmostEqual(r.option("p").score, 0.5)
            self.assertEqual(r.option("p").score_range.low, r.option("p").score_range.high)
        with self.assertRaises(knee.KneeError):
            self.rules.compare(missing="guess")
        self.assertEqual(knee.MISSING_POLICIES,
                         ("interval", "renormalise", "worst", "best", "neutral", "refuse"))
        light = list(self.rules.compare_many([{}, {"payer": "x"}], full=False, missing="best"))
        with self.rules.compare(missing="best") as one:
            self.assertEqual(light[0], [(o.id, o.rank, o.score) for o in one.options])
        full = list(self.rules.compare_many([{}], missing="refuse"))
        self.assertTrue(full[0].option("p").excluded)
        ranks, scores = self.rules.compare_columns({"age": [50.0]}, missing="renormalise")
        with self.rules.compare({"age": 50}, missing="renormalise") as one:
            self.assertEqual(list(scores), [o.score for o in sorted(
                one.options, key=lambda o: [x.id for x in self.rules.options].index(o.id))])

    def test_ties_and_why(self):
        with self.default.compare({"age": 72, "kl_grade": 4}) as r:
            top = [o for o in r.options if o.rank == 1]
            # 2.0 separates the options 1.x tied at the top (issue 15): exercise leads alone
            self.assertEqual([o.id for o in top], ["pt"])
            self.assertEqual(top[0].tied_with, [])
            self.assertIn("1. pt", repr(r))
            # a known cost (steroid injection) against an unknown one (the gel has no US price)
            why = r.why("steroid-injection", "pahg")
            self.assertNotIn("cost", [d["criterion"] for d in why["for"] + why["against"]])
            cost = next(d for d in why["unknown"] if d["criterion"] == "cost")
            self.assertLess(cost["difference_low"], 0)
            self.assertGreater(cost["difference_high"], 0)
            self.assertEqual((cost["known_a"], cost["known_b"]), (True, False))
        # compare_many(full=False) lists a tie by name, as the C result does
        light = next(iter(self.default.compare_many([{"age": 72}], full=False)))
        with self.default.compare({"age": 72}) as one:
            self.assertEqual(light, [(o.id, o.rank, o.score) for o in one.options])


class PackedResultTest(unittest.TestCase):
    """A Result is read from one packed buffer (knee_result_pack, issue 18 item 3): its data
    equals the JSON contract's for every method, policy and kind of value; C results are
    reused from one compare() to the next."""

    @classmethod
    def setUpClass(cls):
        cls.rules = knee.Ruleset.default()

    @classmethod
    def tearDownClass(cls):
        cls.rules.close()

    def assertSameAsJson(self, r):
        d = r.to_dict()
        self.assertEqual(r.options, [knee.OptionResult.from_dict(o) for o in d["options"]])
        self.assertEqual([dataclasses.asdict(o) for o in r.options],
                         [as_known(o) for o in d["options"]])
        self.assertEqual(r.weights, d["weights"])
        self.assertEqual(list(r.weights), list(d["weights"]))
        self.assertEqual(r.missing_facts, d["missing_facts"])
        self.assertEqual(r.regional_rules, [knee.RegionalRules(**x)
                                            for x in d.get("regional_rules", [])])
        self.assertEqual((r.method, r.missing_policy), (d["method"], d["missing_policy"]))

    def test_equal_to_the_json_contract(self):
        patients = [{}, {"age": 72, "kl_grade": 4, "payer": "medicare", "region": "uk"},
                    {"age": 45, "bmi": 41, "diabetes": True, "ckd": True, "region": "us",
                     "prior": ["ha-6mo", "failed-conservative"], "sex": "female"},
                    {"kl_grade": 1, "gi_risk": True, "cvd": True, "payer": "va"}]
        runs = [{}] + [{"method": m} for m in knee.METHODS] + \
            [{"missing": m} for m in knee.MISSING_POLICIES] + \
            [{"smaa": 40, "seed": 2, "sensitivity": True}]
        for facts in patients:
            for kw in runs:
                with self.subTest(facts=facts, **kw), self.rules.compare(facts, **kw) as r:
                    self.assertSameAsJson(r)

    def test_results_of_two_rulesets(self):
        """Strings are read by address, per ruleset: two rule files never mix them up."""
        with knee.Ruleset.load(MINI) as mini:
            for _ in range(3):
                with mini.compare({}) as a, self.rules.compare({}) as b:
                    self.assertSameAsJson(a)
                    self.assertSameAsJson(b)
                    self.assertEqual({o.id for o in a.options}, {o.id for o in mini.options})

    def test_c_results_reused(self):
        first = self.rules.compare({"age": 70})
        ptr = first._handle._ptr
        first.close()
        with self.rules.compare({"age": 50, "payer": "x"}) as again:
            self.assertEqual(again._handle._ptr, ptr)     # the same C result, refilled
            self.assertSameAsJson(again)
        held = [self.rules.compare({}) for _ in range(3)]   # results alive are never shared
        self.assertEqual(len({r._handle._ptr for r in held}), 3)
        for r in held:
            r.close()

    def test_read_after_ruleset_close(self):
        rules = knee.Ruleset.load(MINI)
        r = rules.compare({})
        rules.close()                 # the result keeps the C ruleset (and its strings) alive
        self.assertSameAsJson(r)
        r.close()


class LazyViewTest(unittest.TestCase):
    """Result.options are views of the packed result that decode most fields on first read
    (_pack.py): they must give the C accessors' values, stay right after the C result and the
    ruleset are reused or closed, and behave as the plain dataclasses (equality, repr, pickling,
    copies, hashing)."""

    PATIENTS = [{}, {"age": 72, "kl_grade": 4, "payer": "medicare", "region": "uk"},
                {"age": 45, "bmi": 41, "diabetes": True, "ckd": True, "region": "us",
                 "prior": ["ha-6mo", "failed-conservative"], "sex": "female"},
                {"kl_grade": 1, "gi_risk": True, "cvd": True, "payer": "va"}]

    @classmethod
    def setUpClass(cls):
        cls.rules = knee.Ruleset.default()

    @classmethod
    def tearDownClass(cls):
        cls.rules.close()

    def assertAsAccessors(self, r, options):
        """Every option and criterion of ``options`` as the C accessors read ``r``."""
        lib = knee._lib.lib

        def num(x):
            return None if x != x else x
        with r._handle as c:
            self.assertEqual(len(options), lib.knee_result_option_count(c))
            for i, o in enumerate(options):
                excluded = bool(lib.knee_result_option_excluded(c, i))
                self.assertEqual((o.id, o.name, o.excluded), (
                    lib.knee_result_option_id(c, i), lib.knee_result_option_name(c, i),
                    excluded))
                self.assertEqual(o.rank, None if excluded else lib.knee_result_option_rank(c, i))
                self.assertEqual(o.score, None if excluded else lib.knee_result_option_score(c, i))
                self.assertEqual(o.rules_fired, [lib.knee_result_fired_rule(c, i, k) for k in
                                                 range(lib.knee_result_fired_count(c, i))])
                self.assertEqual([n.text for n in o.cautions],
                                 [lib.knee_result_caution_text(c, i, k) for k in
                                  range(lib.knee_result_caution_count(c, i))])
                self.assertEqual([n.rule for n in o.reasons],
                                 [lib.knee_result_reason_rule(c, i, k) for k in
                                  range(lib.knee_result_reason_count(c, i))])
                for j, v in enumerate(o.criteria):
                    self.assertEqual(v.id, lib.knee_result_criterion_id(c, j))
                    self.assertEqual(
                        (v.known, v.value, v.level, v.utility, v.weight, v.contribution,
                         v.missing, v.sources, v.rules,
                         v.note.clinician if v.note else None),
                        (bool(lib.knee_result_value_known(c, i, j)),
                         num(lib.knee_result_value(c, i, j)),
                         lib.knee_result_value_level(c, i, j),
                         lib.knee_result_utility(c, i, j), lib.knee_result_cell_weight(c, i, j),
                         lib.knee_result_contribution(c, i, j),
                         lib.knee_result_value_missing(c, i, j),
                         [lib.knee_result_value_source(c, i, j, k) for k in
                          range(lib.knee_result_value_source_count(c, i, j))],
                         [lib.knee_result_value_rule(c, i, j, k) for k in
                          range(lib.knee_result_value_rule_count(c, i, j))],
                         lib.knee_result_value_note(c, i, j, knee.result.AUDIENCE_CLINICIAN)))

    def test_values_are_the_c_accessors(self):
        for facts in self.PATIENTS:
            for kw in ({}, {"method": "topsis"}, {"missing": "worst"}):
                with self.subTest(facts=facts, **kw), self.rules.compare(facts, **kw) as r:
                    self.assertAsAccessors(r, r.options)

    def test_read_after_the_next_compare(self):
        """A Result read after another compare() refilled (and reused) C results gives its
        own values, and views read before keep theirs, field by field."""
        want = []
        for facts in self.PATIENTS:
            with self.rules.compare(facts) as r:
                want.append([knee.OptionResult.from_dict(o) for o in r.to_dict()["options"]])
        results = [self.rules.compare(facts) for facts in self.PATIENTS]
        try:
            for r, expected in zip(results, want):   # first read after every compare()
                self.assertEqual(r.options, expected)
                self.assertAsAccessors(r, r.options)
        finally:
            for r in results:
                r.close()
        views = []
        for facts in self.PATIENTS:         # each closed before the next compare reuses it
            with self.rules.compare(facts) as r:
                views.append(r.options)     # no lazy field read yet
        for _ in range(3):
            self.rules.compare(self.PATIENTS[2]).close()
        for options, expected in zip(views, want):
            for o, e in zip(options, expected):
                self.assertEqual([c.sources for c in o.criteria], [c.sources for c in e.criteria])
                self.assertEqual((o.cautions, o.tied_with), (e.cautions, e.tied_with))
            self.assertEqual(options, expected)

    def test_views_outlive_the_ruleset(self):
        rules = knee.Ruleset.default()
        with rules.compare(self.PATIENTS[1]) as r:
            want = [knee.OptionResult.from_dict(o) for o in r.to_dict()["options"]]
            options = r.options
        rules.close()      # the views hold the C ruleset: their strings stay readable
        self.assertEqual(options, want)

    def test_like_the_plain_dataclasses(self):
        import copy
        import pickle
        with self.rules.compare(self.PATIENTS[2]) as r:
            options = r.options
            plain = [knee.OptionResult.from_dict(o) for o in r.to_dict()["options"]]
        for o, p in zip(options, plain):
            self.assertIsInstance(o, knee.OptionResult)
            self.assertTrue(repr(o).startswith("OptionResult(id=%r, name=" % p.id))
            self.assertEqual(o, p)
            self.assertEqual(p, o)
            for made in (pickle.loads(pickle.dumps(o)), copy.deepcopy(o), copy.copy(o)):
                self.assertIs(type(made), knee.OptionResult)
                self.assertEqual(made, o)
                self.assertEqual(repr(made), repr(o))
            self.assertIs(type(pickle.loads(pickle.dumps(o)).criteria[0]), knee.CriterionValue)
            self.assertEqual(pickle.loads(pickle.dumps(o.criteria[1])), p.criteria[1])
            self.assertEqual(dataclasses.asdict(o), dataclasses.asdict(p))
            self.assertEqual(dataclasses.replace(o, rank=99), dataclasses.replace(p, rank=99))
            self.assertRaises(TypeError, hash, o)
            self.assertRaises(TypeError, hash, o.criteria[0])
        other = dataclasses.replace(plain[0], name="another")
        self.assertNotEqual(options[0], other)
        # A field set before the lazy ones are read stays as set.
        o = options[1]
        o.cautions = ["mine"]
        self.assertEqual((o.cautions, o.tied_with), (["mine"], plain[1].tied_with))


class NotebookTest(unittest.TestCase):
    """Result._repr_html_: a compact ranked table for notebooks (issue 18, item 6)."""

    def test_ranked_table(self):
        with knee.Ruleset.default() as rules, \
                rules.compare({"age": 72, "ckd": True, "kl_grade": 1}) as r:
            page = r._repr_html_()
            ranked = [o for o in r.options if not o.excluded]
            excluded = [o for o in r.options if o.excluded]
            self.assertTrue(ranked and excluded)
            at = [page.index(">%s</td>" % html.escape(o.name)) for o in r.options]
            self.assertEqual(at, sorted(at))                 # in result order
            for o in ranked:
                rank = "<td>%d%s</td>" % (o.rank, "=" if o.tied_with else "")
                self.assertIn(rank + "<td>%s</td><td>%.3f</td>"
                              % (html.escape(o.name), o.score), page)
                for n in o.cautions:
                    self.assertIn(html.escape(n.text), page)
            spans = [o for o in ranked if o.score_range.low < o.score_range.high]
            self.assertTrue(spans)
            nowrap = '<td style="white-space:nowrap">'   # a range is not split over lines
            self.assertIn(nowrap + "%.3f&ndash;%.3f</td>" % (spans[0].score_range.low,
                                                              spans[0].score_range.high), page)
            self.assertIn("<i>excluded: %s" % html.escape(excluded[0].reasons[0].text),
                          page)
            for o in ranked:    # a range narrower than the figures shown reads as none
                low, high = "%.3f" % o.score_range.low, "%.3f" % o.score_range.high
                self.assertNotIn("%s&ndash;%s</td>" % (low, low), page)
                k = o.rank_range   # a rank the unknowns cannot move shows as that rank
                self.assertIn("<td>%s</td>" % k.best if k.best == k.worst else
                              nowrap + "%d&ndash;%d</td>" % (k.best, k.worst), page)
        self.assertEqual(r._repr_html_(), "<p>knee.Result (closed)</p>")

    def test_ties_read_equal(self):
        # Options A and B tied first (the default rules have no tie for these patients).
        with knee.Ruleset.load(os.path.join(DATA, "report-ties.xml")) as rules, \
                rules.compare({}) as r:
            page = r._repr_html_()
            tied = [o for o in r.options if o.tied_with]
            self.assertEqual(sorted(o.id for o in tied), ["a", "b"])
            for o in tied:
                self.assertIn("<td>1=</td><td>%s</td>" % html.escape(o.name), page)
            self.assertIn("<td>3</td><td>Option C</td>", page)

    def test_escaped(self):
        text = mini_variant('name="Option A"', 'name="A &lt;script&gt; &amp; co"')
        with knee.Ruleset.from_string(text) as rules, rules.compare({}) as r:
            page = r._repr_html_()
        self.assertIn("A &lt;script&gt; &amp; co", page)
        self.assertNotIn("<script>", page)


class PatientTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.mini = knee.Ruleset.load(MINI)

    @classmethod
    def tearDownClass(cls):
        cls.mini.close()

    def test_setters(self):
        with knee.Patient(self.mini, {"age": 70}) as p:
            self.assertIs(p.ruleset, self.mini)
            self.assertTrue(p.has("age"))
            self.assertFalse(p.has("payer"))
            p.set("payer", "MCR-B")
            p.set("prior", ["pt"])
            p.set("diabetes", False)
            p.update({"kl_grade": 2}, {"cost": 3})
            for fact in ("payer", "prior", "diabetes", "kl_grade"):
                self.assertTrue(p.has(fact), fact)
            p.unset("payer")
            self.assertFalse(p.has("payer"))
            p.set_weight("evidence", 0)
            with self.mini.compare(p) as r:
                self.assertEqual(r.weights, {"recovery": 0.25, "cost": 0.75, "evidence": 0.0})
                self.assertTrue(r.option("c").excluded)
            p.clear()
            self.assertFalse(p.has("age"))
            with self.mini.compare(p) as r, self.mini.compare() as empty:
                self.assertEqual(r.to_json(), empty.to_json())
            self.assertIn("knee.Patient for mini 1.2.3", repr(p))

    def test_failed_set_keeps_old_value(self):
        with self.mini.patient({"age": 70, "prior": ["pt"]}) as p:
            with self.assertRaises(knee.PatientError):
                p.set("age", 500)
            with self.assertRaises(knee.PatientError):
                p.set("age", [70])
            with self.mini.compare(p) as r:
                self.assertNotIn("age", r.missing_facts)
                self.assertEqual(r.option("b").criteria[0].rules, ["b-old"])
            with self.assertRaises(knee.PatientError):
                p.set("prior", ["pt", "bogus"])
            self.assertFalse(p.has("prior"))  # a set fact is never left half set

    def test_swing_and_ranking(self):
        with self.mini.patient() as p:
            p.set_swing("recovery", 100)
            p.set_swing("cost", 50)
            p.set_swing("evidence", 50)
            with self.mini.compare(p) as r:
                self.assertEqual(r.weights, {"recovery": 0.5, "cost": 0.25, "evidence": 0.25})
            p.rank_criteria(["evidence", "recovery", "cost"])  # ROC: 11/18, 5/18, 2/18
            with self.mini.compare(p) as r:
                self.assertAlmostEqual(r.weights["evidence"], 11 / 18)
                self.assertAlmostEqual(r.weights["cost"], 2 / 18)
            p.rank_criteria(("evidence", "recovery", "cost"), scheme="rank-sum")  # 3:2:1
            with self.mini.compare(p) as r:
                self.assertAlmostEqual(r.weights["evidence"], 0.5)

    def test_load_file_and_string(self):
        with self.mini.patient() as p:
            p.load(os.path.join(DATA, "patient-ok.xml"))
            self.assertTrue(p.has("prior"))
            with self.mini.compare(p) as r:
                from_file = r.to_json()
        with self.mini.patient() as p:
            p.load_string(read(os.path.join(DATA, "patient-ok.xml")), name="ok.xml")
            with self.mini.compare(p) as r:
                self.assertEqual(r.to_json(), from_file)
        with self.mini.patient() as p:
            p.load(pathlib.Path(DATA, "patient-ok.xml"), limits={"input_bytes": 4096})


if __name__ == "__main__":
    unittest.main()
