"""knee.dask on a real cluster (issue 18, item 4): a LocalCluster of 2 worker processes compares
100,000 patients, every row equal to a serial Ruleset.compare_frame (values, dtypes, index),
each worker process loading the rules once whatever the number of partitions and calls; rules
as a path, as bytes, or built in; errors raised on the client before anything runs; `import
knee` imports neither dask nor pandas.

Runs with Debian's /usr/bin/python3 (python3-dask, python3-distributed, python3-pandas from
scripts/install-deps.sh). Without dask it exits 77, which CTest reports as skipped.
"""

import os
import subprocess
import sys
import unittest

import knee
import knee.dask

try:
    import dask.dataframe as dd
    import numpy
    import pandas
    from distributed import Client, LocalCluster
except ImportError as e:  # pragma: no cover - install-deps.sh installs them
    dd = None
    MISSING = str(e)

from support import DEFAULT_RULES, read

N = 100_000
PARTITIONS = 10


def patient_frame(n):
    """n varied patients as a DataFrame with every fact type, unknown cells of every kind
    (NaN, None, pandas NA) and one bad cell in 1,000 (an error row), indexed p000000, p000001, ... (dask sorts the index)"""
    i = numpy.arange(n)
    payers = numpy.array(["medicare", "medicaid", "commercial-aetna", "self-pay", "va", None],
                         dtype=object)
    priors = [["ha-6mo"], ["failed-conservative", "steroid-injection-3mo"], [], None]
    age = (30.0 + i % 61).astype(float)
    age[i % 7 == 3] = numpy.nan
    age[i % 1000 == 999] = -4.0                  # out of range: the row fails, named in `error`
    frame = pandas.DataFrame({
        "age": age,
        "sex": numpy.array(["female", "male", None], dtype=object)[i % 3],
        "bmi": numpy.where(i % 4 == 0, numpy.nan, 18.0 + (i * 7) % 30),
        "kl_grade": pandas.arrays.IntegerArray((i % 5).astype("int64"), i % 6 == 0),
        "diabetes": pandas.array([[True, False, None][k % 3] for k in range(n)], dtype="boolean"),
        "payer": payers[(i * 5) % 6],
        "region": numpy.array(["us", "uk", None], dtype=object)[(i // 3) % 3],
        "prior": [priors[k % 4] for k in range(n)],
    }, index=pandas.Index(["p%06d" % k for k in range(n)], name="patient"))
    return frame


@unittest.skipIf(dd is None, "needs dask")
class DaskTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=40)
        cls.client = Client(cls.cluster)
        cls.frame = patient_frame(N)
        cls.ddf = dd.from_pandas(cls.frame, npartitions=PARTITIONS)
        with knee.Ruleset.load(DEFAULT_RULES) as rules:
            cls.serial = rules.compare_frame(cls.frame)

    @classmethod
    def tearDownClass(cls):
        cls.client.close()
        cls.cluster.close()

    def test_every_row_equals_serial_compare_frame(self):
        out = knee.dask.compare(self.ddf, rules=DEFAULT_RULES)
        self.assertEqual(out.npartitions, PARTITIONS)
        pandas.testing.assert_frame_equal(out._meta, self.serial.iloc[:0])
        got = out.compute()
        pandas.testing.assert_frame_equal(got, self.serial)
        self.assertEqual(len(got), N)
        # The frame exercises both kinds of row.
        self.assertEqual((got["status"] == "error").sum(), N // 1000)
        self.assertTrue(got.loc[got["status"] == "error", "error"].str.contains("age").all())
        # Both worker processes worked, and each loaded the rules once for its partitions.
        loads = self.client.run(knee.dask.loaded)
        digest = knee.dask._source(DEFAULT_RULES)[0]
        self.assertEqual(len(loads), 2)
        self.assertEqual(list(loads.values()), [{digest: 1}] * 2, loads)

    def test_rules_as_bytes_or_built_in(self):
        part = self.ddf.partitions[:2]
        expected = self.serial.iloc[:len(part)]
        got = knee.dask.compare(part, rules=read(DEFAULT_RULES).encode()).compute()
        pandas.testing.assert_frame_equal(got, expected)
        # The same bytes as the path: the workers' cached ruleset serves it, no new load.
        digest = knee.dask._source(DEFAULT_RULES)[0]
        for counts in self.client.run(knee.dask.loaded).values():
            self.assertLessEqual(counts.get(digest, 0), 1, counts)
        with knee.Ruleset.default() as rules:
            expected = rules.compare_frame(part.compute(), missing="worst")
        got = knee.dask.compare(part, missing="worst").compute()
        pandas.testing.assert_frame_equal(got, expected)

    def test_errors_raise_on_the_client(self):
        with self.assertRaises(knee.LoadError):
            knee.dask.compare(self.ddf, rules=b"<ruleset/>")
        with self.assertRaises(FileNotFoundError):
            knee.dask.compare(self.ddf, rules=os.path.join(os.path.dirname(DEFAULT_RULES), "nope.xml"))
        with self.assertRaises(knee.KneeTypeError):
            knee.dask.compare(self.ddf, rules=12)
        with self.assertRaises(knee.PatientError) as cm:
            knee.dask.compare(self.ddf.rename(columns={"age": "agee"}))
        self.assertIn("age", str(cm.exception))

    def test_import_knee_imports_neither_dask_nor_pandas(self):
        code = ("import sys, knee, knee.dask; "
                "print(sorted({m.split('.')[0] for m in sys.modules} & {'dask', 'distributed', 'pandas'}))")
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True)
        self.assertEqual(out.stdout.strip(), "[]")


if __name__ == "__main__":
    if dd is None:
        print("python.dask skipped: %s. Install Debian's python3-dask and python3-distributed "
              "(sh scripts/install-deps.sh)." % MISSING)
        sys.exit(77)
    unittest.main()
