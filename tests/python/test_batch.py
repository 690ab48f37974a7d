"""Ruleset.compare_many: the same results as compare(), lazily, with one C patient and result."""

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

        gen = self.rules.compare_many(source())
        self.assertEqual(pulled, [])  # nothing happens until the first item is asked for
        next(gen)
        next(gen)
        self.assertEqual(pulled, [0, 1])
        gen.close()  # abandoning the generator frees its C patient and result

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


if __name__ == "__main__":
    unittest.main()
