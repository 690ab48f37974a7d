"""Handles: close() is idempotent, context managers close, a closed handle raises KneeError and
never crashes, and results and patients keep their ruleset's C object alive."""

import gc
import threading
import unittest
import weakref

import knee
from support import MINI, SAMPLE


class ClosedHandleTest(unittest.TestCase):
    def assertClosed(self, call, what):
        with self.assertRaises(knee.KneeError) as cm:
            call()
        self.assertEqual(cm.exception.code, knee.Status.EINVAL)
        self.assertIn("%s is closed" % what, cm.exception.message)

    def test_ruleset(self):
        rs = knee.Ruleset.load(MINI)
        self.assertFalse(rs.closed)
        rs.close()
        rs.close()  # idempotent
        self.assertTrue(rs.closed)
        for call in (lambda: rs.id, lambda: rs.sha256, lambda: rs.options, lambda: rs.criteria,
                     lambda: rs.facts, lambda: rs.sources, lambda: rs.run_tests(),
                     lambda: rs.compare({}), lambda: rs.patient(),
                     lambda: list(rs.compare_many([{}]))):
            self.assertClosed(call, "ruleset")
        self.assertIn("(closed)", repr(rs))

    def test_context_managers_close(self):
        with knee.Ruleset.load(MINI) as rs:
            with rs.patient({"age": 70}) as p, rs.compare(p) as r:
                pass
        self.assertTrue(rs.closed and p.closed and r.closed)

    def test_result(self):
        with knee.Ruleset.default() as rs:
            r = rs.compare(SAMPLE)
            r.close()
            r.close()
            for call in (lambda: r.options, lambda: r.top, lambda: r.weights,
                         lambda: r.missing_facts, lambda: r.method, lambda: r.to_json(),
                         lambda: r.to_dict(), lambda: r.option("pt")):
                self.assertClosed(call, "result")
            self.assertEqual(repr(r), "<knee.Result (closed)>")

    def test_patient(self):
        with knee.Ruleset.default() as rs:
            p = rs.patient({"age": 70})
            p.close()
            p.close()
            for call in (lambda: p.set("age", 3), lambda: p.update({}), lambda: p.unset("age"),
                         lambda: p.has("age"), lambda: p.set_weight("cost", 1), p.clear,
                         lambda: p.load(MINI), lambda: p.load_string("<patient/>"),
                         lambda: rs.compare(p)):
                self.assertClosed(call, "patient")

    def test_result_outlives_closed_ruleset(self):
        rs = knee.Ruleset.default()
        n = len(rs.options)
        result = rs.compare(SAMPLE)
        patient = rs.patient({"age": 60})
        rs.close()
        self.assertClosed(lambda: rs.compare({}), "ruleset")
        # The C ruleset is still alive: the result's borrowed strings are valid.
        self.assertEqual(len(result.options), n)
        self.assertIn('"knee-oa"', result.to_json())
        patient.set("kl_grade", 3)
        result.close()
        patient.close()  # the last user: now the C ruleset is freed

    def test_dropped_handles_are_collected(self):
        rs = knee.Ruleset.default()
        r = rs.compare(SAMPLE)
        p = rs.patient()
        refs = [weakref.ref(x) for x in (rs, r, p)]
        del rs, r, p
        gc.collect()
        self.assertEqual([ref() for ref in refs], [None, None, None])

    def test_close_while_others_compare(self):
        """Closing a ruleset that other threads are using never crashes: their calls either
        finish or raise KneeError."""
        for _ in range(5):
            rs = knee.Ruleset.default()
            outcomes, busy = [], threading.Event()

            def work():
                try:
                    for _ in range(200):
                        rs.compare(SAMPLE).options
                        busy.set()
                    outcomes.append("done")
                except knee.KneeError as e:
                    outcomes.append(e.code)

            threads = [threading.Thread(target=work) for _ in range(4)]
            for t in threads:
                t.start()
            busy.wait()  # close while the others are mid-way
            rs.close()
            for t in threads:
                t.join()
            self.assertEqual(len(outcomes), 4)
            self.assertTrue(set(outcomes) <= {"done", knee.Status.EINVAL}, outcomes)


if __name__ == "__main__":
    unittest.main()
