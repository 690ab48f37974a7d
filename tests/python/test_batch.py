"""Ruleset.compare_many: the same results as compare(), lazily, with one C patient and result."""

import os
import unittest

import knee
from support import MINI, patients


class BatchTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.rules = knee.Ruleset.default()
        cls.patients = patients(120, seed=7)

    @classmethod
    def tearDownClass(cls):
        cls.rules.close()

    def test_full_equals_compare(self):
        weights = {"cost": 3, "evidence": 1}
        for w in (None, weights):
            many = list(self.rules.compare_many(self.patients, w))
            self.assertEqual(len(many), len(self.patients))
            for facts, got in zip(self.patients, many):
                self.assertIsInstance(got, knee.Result)
                with self.rules.compare(facts, w) as one:
                    self.assertEqual(got.to_json(), one.to_json())
                    self.assertEqual(got.to_dict(), one.to_dict())
                    self.assertEqual(got.options, one.options)  # built from JSON vs accessors
                    self.assertEqual(got.weights, one.weights)
                    self.assertEqual(got.missing_facts, one.missing_facts)
                    self.assertEqual(got.method, one.method)
                    self.assertEqual(got.top, one.top)

    def test_method_and_analyses(self):
        kw = {"method": "promethee2", "smaa": 50, "seed": 5, "sensitivity": True}
        many = list(self.rules.compare_many(self.patients[:20], **kw))
        for facts, got in zip(self.patients, many):
            with self.rules.compare(facts, **kw) as one:
                self.assertEqual(got.to_json(), one.to_json())
                self.assertEqual(got.options, one.options)
                self.assertEqual(got.smaa, one.smaa)
        light = list(self.rules.compare_many(self.patients[:20], full=False, method="vikor"))
        for facts, rankings in zip(self.patients, light):
            with self.rules.compare(facts, method="vikor") as one:
                self.assertEqual(rankings, [(o.id, o.rank, o.score) for o in one.options])

    def test_light_equals_compare(self):
        for facts, rankings in zip(self.patients, self.rules.compare_many(self.patients, full=False)):
            with self.rules.compare(facts) as one:
                self.assertEqual(rankings, [(o.id, o.rank, o.score) for o in one.options])
                self.assertIsInstance(rankings[0], knee.Ranking)

    def test_light_lists_ties_as_compare(self):
        """Tied options in the library's order (by name: "Option B" before "Option Z"), not
        the file's (a, then b)."""
        path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data",
                            "report-ties.xml")
        with open(path, encoding="utf-8") as f:
            text = f.read().replace('name="Option A"', 'name="Option Z"', 1)
        with knee.Ruleset.from_string(text) as rules, rules.compare({}) as one:
            light = next(iter(rules.compare_many([{}], full=False)))
            self.assertEqual([r.id for r in light][:2], ["b", "a"])
            self.assertEqual(light, [(o.id, o.rank, o.score) for o in one.options])

    def test_no_leftovers_between_patients(self):
        """The reused C patient is cleared: facts of one patient never reach the next."""
        batch = [{"kl_grade": 1, "diabetes": True, "prior": ["ha-6mo"]}, {}, {"age": 50}, {}]
        got = [r.to_json() for r in self.rules.compare_many(batch)]
        for facts, text in zip(batch, got):
            with self.rules.compare(facts) as one:
                self.assertEqual(text, one.to_json())

    def test_lazy(self):
        pulled = []

        def source():
            for i, p in enumerate(self.patients):
                pulled.append(i)
                yield p

        gen = self.rules.compare_many(source(), chunk_size=1)
        self.assertEqual(pulled, [])  # nothing happens until the first item is asked for
        next(gen)
        next(gen)
        self.assertEqual(pulled, [0, 1])
        gen.close()  # abandoning the generator frees its C batch and result
        # By default one chunk is read ahead, never the whole input.
        del pulled[:]
        for full, size in ((True, 64), (False, 4096)):
            del pulled[:]
            gen = self.rules.compare_many(source(), full=full, chunk_size=None if full else 50)
            next(gen)
            self.assertEqual(pulled, list(range(64 if full else 50)))
            gen.close()

    def test_bad_patient_stops_the_batch(self):
        gen = self.rules.compare_many([{"age": 70}, {"age": 700}, {"age": 71}])
        self.assertIsInstance(next(gen), knee.Result)
        with self.assertRaises(knee.PatientError) as cm:
            next(gen)
        self.assertEqual(cm.exception.code, knee.Status.ERANGE)
        with self.assertRaises(StopIteration):
            next(gen)

    def test_results_outlive_the_ruleset(self):
        rs = knee.Ruleset.load(MINI)
        results = list(rs.compare_many([{"kl_grade": 1}, {"age": 80}]))
        rs.close()
        self.assertTrue(results[0].option("c").excluded)
        self.assertEqual(results[1].options[0].id, results[1].to_dict()["options"][0]["id"])
        results[0].close()
        with self.assertRaises(knee.KneeError):
            results[0].options

    def test_empty_batch(self):
        self.assertEqual(list(self.rules.compare_many([])), [])
        self.assertEqual(list(self.rules.compare_many(iter([]), full=False)), [])

    def test_chunk_boundaries(self):
        """Every chunk size gives the same items as one patient at a time."""
        one = [[(o.id, o.rank, o.score) for o in self.rules.compare(f).options]
               for f in self.patients[:30]]
        for size in (1, 7, 29, 30, 31, 4096):
            for threads in (1, 2, 3):
                light = list(self.rules.compare_many(self.patients[:30], full=False,
                                                     chunk_size=size, threads=threads))
                self.assertEqual(light, one, (size, threads))
                full = list(self.rules.compare_many(self.patients[:30], chunk_size=size,
                                                    threads=threads))
                self.assertEqual([[(o.id, o.rank, o.score) for o in r.options] for r in full],
                                 one)
        with self.assertRaises(knee.KneeError):
            list(self.rules.compare_many(self.patients, threads=0))
        with self.assertRaises(knee.KneeError):
            list(self.rules.compare_many(self.patients, errors="skip"))

    def test_every_kind_of_value(self):
        """Values of every Python form compare_many reads, mixed in one column."""
        batch = [{"age": 70, "kl_grade": 3.0, "diabetes": "yes", "prior": "ha-6mo, failed-conservative"},
                 {"age": "65", "kl_grade": "2", "diabetes": False, "prior": ["ha-6mo"]},
                 {"age": 80.5, "diabetes": True, "prior": ("failed-conservative", "ha-6mo"),
                  "sex": "female"},
                 {"prior": [], "payer": "self-pay", "bmi": None},
                 {"prior": frozenset(["genicular-block"]), "region": "uk"}]
        for full in (False, True):
            got = list(self.rules.compare_many(batch, full=full, chunk_size=3))
            for facts, item in zip(batch, got):
                with self.rules.compare(facts) as one:
                    if full:
                        self.assertEqual(item.to_json(), one.to_json())
                    else:
                        self.assertEqual(item, [(o.id, o.rank, o.score) for o in one.options])

    def test_errors_name_the_patient(self):
        bad = [({"age": 700}, knee.Status.ERANGE, "above the maximum"),
               ({"age": float("inf")}, knee.Status.ERANGE, "not a finite number"),
               ({"age": True}, knee.Status.ETYPE, "not a boolean"),
               ({"sex": "other"}, knee.Status.ERANGE, "allowed values"),
               ({"prior": ["bogus"]}, knee.Status.ERANGE, "allowed values"),
               ({"prior": 3}, knee.Status.ETYPE, "not a number"),
               ({"diabetes": "perhaps"}, knee.Status.EPARSE, "true or false"),
               ({"nope": None}, knee.Status.EUNKNOWN, "unknown fact"),
               ({"kl_grade": 2.5}, knee.Status.ETYPE, "whole number"),
               ({"payer": "a\0b"}, knee.Status.EPARSE, "NUL")]
        for facts, code, words in bad:
            for full in (True, False):
                patients = [{"age": 70}] * 5 + [facts] + [{"age": 71}] * 3
                gen = self.rules.compare_many(patients, full=full, chunk_size=4)
                got = []
                with self.assertRaises(knee.PatientError) as cm:
                    for item in gen:
                        got.append(item)
                self.assertEqual(len(got), 5, facts)
                self.assertEqual(cm.exception.code, code, facts)
                self.assertTrue(cm.exception.message.startswith("patient 5: "), cm.exception.message)
                self.assertIn(words, cm.exception.message)
                with self.assertRaises(StopIteration):
                    next(gen)
                # errors="yield": the error in its place, and the rest compared
                items = list(self.rules.compare_many(patients, full=full, chunk_size=4,
                                                     errors="yield"))
                self.assertEqual(len(items), 9)
                self.assertIsInstance(items[5], knee.PatientError)
                self.assertEqual(items[5].code, code)
                self.assertNotIsInstance(items[8], knee.KneeError)

    def test_short_chunks_keep_each_patients_error(self):
        """Every chunk size (shorter and longer than threads), thread count and bad-row
        position gives each patient its own item, as a serial run does (issue 13, item 3: a
        chunk with fewer rows than threads gave one patient's error to another)."""
        rows = [{"age": 60 + k, "kl_grade": k % 5} for k in range(6)]

        def serial(batch, full):
            out = []
            for k, facts in enumerate(batch):
                try:
                    with self.rules.compare(facts) as one:
                        out.append(one.to_json() if full else
                                   [(o.id, o.rank, o.score) for o in one.options])
                except knee.PatientError as e:
                    out.append(("error", e.code, "patient %d: %s" % (k, e.message)))
            return out

        def item(got, full):
            if isinstance(got, knee.KneeError):
                return ("error", got.code, got.message)
            return got.to_json() if full else got

        for bad in [()] + [(p,) for p in range(6)] + [(0, 5), (2, 3)]:
            batch = [{"age": 700} if k in bad else r for k, r in enumerate(rows)]
            for full in (True, False):
                want = serial(batch, full)
                for size in (1, 2, 3, 4, 5, 7):
                    for threads in (1, 2, 3, 4):
                        with self.subTest(bad=bad, full=full, size=size, threads=threads):
                            got = [item(g, full) for g in self.rules.compare_many(
                                batch, full=full, chunk_size=size, threads=threads,
                                errors="yield")]
                            self.assertEqual(got, want)
                            got = []
                            try:
                                for g in self.rules.compare_many(batch, full=full,
                                                                 chunk_size=size,
                                                                 threads=threads):
                                    got.append(item(g, full))
                            except knee.PatientError as e:
                                got.append(item(e, full))
                            self.assertEqual(got, want[:min(bad) + 1] if bad else want)

    def test_each_rows_reason(self):
        """A bad row's error is compare()'s, code and message, whether it comes from the
        batch's own reason for the row (knee_batch_row_errmsg: facts in column order) or from
        comparing the patient again (facts in another order, whose first bad cell compare()
        may name differently; a cell the binding refuses; a failed comparison)."""
        rows = [{"age": 70, "kl_grade": 2},
                {"age": 700, "kl_grade": 2},                 # batch reason
                {"age": 700, "kl_grade": 9},                 # batch reason, two bad cells
                {"kl_grade": 9, "age": 700},                 # another order: compared again
                {"age": 71, "payer": "a\0b"},                # refused by the binding
                {"kl_grade": 2, "age": 700},                 # another order: compared again
                {"age": 72}]
        want = []
        for facts in rows:
            try:
                self.rules.compare(facts).close()
                want.append(None)
            except knee.PatientError as e:
                want.append((e.code, e.message))
        self.assertNotEqual(want[2][1], want[3][1])   # the order matters to compare()
        again = []
        real = self.rules._raise_for

        def recorded(facts, weights, kw, index, status):
            again.append(index)
            real(facts, weights, kw, index, status)
        self.rules._raise_for = recorded
        try:
            for full in (True, False):
                again.clear()
                got = [(g.code, g.message) if isinstance(g, knee.KneeError) else None
                       for g in self.rules.compare_many(rows, full=full, errors="yield")]
                self.assertEqual(got, [w and (w[0], "patient %d: %s" % (k, w[1]))
                                       for k, w in enumerate(want)])
                self.assertEqual(again, [3, 4, 5])
        finally:
            del self.rules._raise_for
        self.assertIs(self.rules._raise_for.__func__, type(self.rules)._raise_for)

    def test_every_reason_is_compares(self):
        """Good and bad cells of each fact type, numbers and text and lists mixed in a column
        or not, facts in shuffled orders: every item's code and message is compare()'s."""
        import random
        cells = {"age": [70, 70.5, 500, -1, float("inf"), float("nan"), "71", "old", "1e999",
                         True, [1], None],
                 "kl_grade": [2, 2.5, 9, "3", "three", None],
                 "diabetes": [True, "yes", "perhaps", 1, None],
                 "medications": [["nsaid"], ["nsaid", "aspirin"], "nsaid,opioid", "", ("nsaid",),
                                 ["a\0b"], None],
                 "sex": ["female", "other", "", 7, "a\0b", None]}
        pick = random.Random(19)
        for mixed in (True, False):
            rows = []
            for _ in range(300):
                facts = list(cells)
                pick.shuffle(facts)
                if not mixed:   # one kind of cell per column: numbers only, text only
                    rows.append({f: pick.choice([v for v in cells[f]
                                                 if type(v) is type(cells[f][0])])
                                 for f in facts[:3]})
                else:
                    rows.append({f: pick.choice(cells[f]) for f in facts[:pick.randint(0, 5)]})
            want = []
            for k, facts in enumerate(rows):
                try:
                    self.rules.compare(facts).close()
                    want.append(None)
                except knee.KneeError as e:
                    want.append((type(e), e.code, "patient %d: %s" % (k, e.message)))
            self.assertGreater(sum(w is not None for w in want), 50)
            for full in (True, False):
                got = [(type(g), g.code, g.message) if isinstance(g, knee.KneeError) else None
                       for g in self.rules.compare_many(rows, full=full, errors="yield",
                                                        chunk_size=64)]
                self.assertEqual(got, want)

    def test_bad_weights(self):
        with self.assertRaises(knee.PatientError) as cm:
            list(self.rules.compare_many([{"age": 70}], {"cost": -1}))
        self.assertEqual(cm.exception.code, knee.Status.EWEIGHT)
        zero = {c.id: 0 for c in self.rules.criteria}
        with self.assertRaises(knee.PatientError) as cm:
            list(self.rules.compare_many([{"age": 70}], zero, full=False))
        self.assertEqual(cm.exception.code, knee.Status.EWEIGHT)
        self.assertTrue(cm.exception.message.startswith("patient 0: "))


class CompareColumnsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.rules = knee.Ruleset.default()
        cls.ids = [o.id for o in cls.rules.options]

    @classmethod
    def tearDownClass(cls):
        cls.rules.close()

    def check(self, columns, patients, weights=None, **kw):
        ranks, scores = self.rules.compare_columns(columns, weights, **kw)
        n = len(self.ids)
        self.assertEqual(len(ranks), len(patients) * n)
        for row, facts in enumerate(patients):
            with self.rules.compare(facts, weights, **kw) as one:
                for o in one.options:
                    t = self.ids.index(o.id)
                    self.assertEqual(ranks[row * n + t], o.rank or 0)
                    self.assertEqual(scores[row * n + t], 0.0 if o.excluded else o.score)

    def test_equal_to_compare(self):
        from array import array
        pats = patients(200, seed=3)
        facts = sorted({k for p in pats for k in p})
        columns = {f: [p.get(f) for p in pats] for f in facts}
        self.check(columns, pats)
        self.check(columns, pats, {"cost": 5}, method="topsis")
        ages = array("d", [float("nan") if p.get("age") is None else p["age"] for p in pats])
        self.check(dict(columns, age=ages), pats)   # an array('d') is read in place

    def test_errors(self):
        with self.assertRaises(knee.PatientError) as cm:
            self.rules.compare_columns({"age": [70, 130, 20]})
        self.assertIn("row 1: fact 'age'", cm.exception.message)
        self.assertEqual(cm.exception.code, knee.Status.ERANGE)
        with self.assertRaises(knee.PatientError) as cm:
            self.rules.compare_columns({"sex": ["male", 3]})
        self.assertIn("row 1: fact 'sex'", cm.exception.message)
        with self.assertRaises(knee.PatientError):
            self.rules.compare_columns({"nope": [1]})
        with self.assertRaises(knee.KneeError):
            self.rules.compare_columns({"age": [1, 2], "bmi": [20]})
        ranks, scores = self.rules.compare_columns({})
        self.assertEqual((len(ranks), len(scores)), (0, 0))
        ranks, scores = self.rules.compare_columns({"age": []})
        self.assertEqual(len(ranks), 0)


if __name__ == "__main__":
    unittest.main()
