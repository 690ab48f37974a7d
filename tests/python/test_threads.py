"""A Ruleset shared by threads: 8 threads evaluating many patients concurrently get exactly the
results of a serial run (ctypes releases the GIL during each libknee call)."""

import random
import threading
import unittest

import knee
from support import patients

THREADS = 8
PATIENTS = 300


class ThreadsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.rules = knee.Ruleset.default()
        cls.patients = patients(PATIENTS)
        cls.serial = [cls.compare(p) for p in cls.patients]

    @classmethod
    def tearDownClass(cls):
        cls.rules.close()

    @classmethod
    def compare(cls, facts):
        with cls.rules.compare(facts) as r:
            return r.to_json(), [(o.id, o.rank, o.score, len(o.cautions)) for o in r.options]

    def run_threads(self, work):
        results, errors = [None] * THREADS, []
        start = threading.Barrier(THREADS)

        def body(n):
            try:
                start.wait()
                results[n] = work(n)
            except BaseException as e:  # reported below, not swallowed
                errors.append(e)

        threads = [threading.Thread(target=body, args=(n,)) for n in range(THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        return results

    def test_compare_in_8_threads(self):
        def work(n):
            order = list(range(PATIENTS))
            random.Random(n).shuffle(order)  # each thread its own order
            return {i: self.compare(self.patients[i]) for i in order}

        for n, got in enumerate(self.run_threads(work)):
            self.assertEqual([got[i] for i in range(PATIENTS)], self.serial, "thread %d" % n)

    def test_compare_many_in_8_threads(self):
        def work(n):
            return [r.to_json() for r in self.rules.compare_many(self.patients)]

        expected = [s[0] for s in self.serial]
        for got in self.run_threads(work):
            self.assertEqual(got, expected)

    def test_patient_objects_per_thread(self):
        def work(n):
            out = []
            with self.rules.patient() as p:
                for facts in self.patients[n::THREADS]:
                    p.clear()
                    p.update(facts)
                    with self.rules.compare(p) as r:
                        out.append(r.to_json())
            return out

        for n, got in enumerate(self.run_threads(work)):
            self.assertEqual(got, [s[0] for s in self.serial[n::THREADS]])


if __name__ == "__main__":
    unittest.main()
