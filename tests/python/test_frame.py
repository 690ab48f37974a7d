"""Ruleset.compare_frame: a pandas DataFrame in, one row of results per patient out (issue 18,
item 1): every row equals compare() for the same patient (ranks, scores, score and rank
ranges, exclusions as missing values, never rank 0), unknown cells of every fact type, pandas
extension types, bad cells named by row, column and fix without stopping the frame, the id
column, unknown columns, threads, and pandas imported only when used. Debian's python3-pandas
(CTest runs this suite with /usr/bin/python3)."""

import io
import math
import os
import subprocess
import sys
import unittest

import knee

try:
    import numpy
    import pandas
except ImportError:  # pragma: no cover - install-deps.sh installs them
    numpy = pandas = None

NAN = float("nan")


def patients(n):
    """n generated patients as fact dicts, a third of each fact unknown in some way."""
    payers = ["medicare", "medicaid", "commercial-aetna", "self-pay", "va"]
    priors = [["ha-6mo"], ["failed-conservative", "steroid-injection-3mo"], []]
    out = []
    for i in range(n):
        out.append({
            "age": [30.0 + i % 60, NAN, None][i % 7 % 3],
            "sex": ["female", "male", NAN][i % 5 % 3],
            "bmi": 18 + (i * 7) % 30 if i % 4 else NAN,
            "kl_grade": [i % 5, None][i % 6 == 0],
            "diabetes": [True, False, NAN][i % 3],
            "payer": payers[i % 5] if i % 8 else None,
            "region": ["us", "uk", None][i % 3],
            "prior": priors[i % 3] if i % 5 else NAN,
        })
    return out


@unittest.skipIf(pandas is None, "pandas is not installed (scripts/install-deps.sh)")
class FrameTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.rules = knee.Ruleset.default()
        cls.ids = [o.id for o in cls.rules.options]

    @classmethod
    def tearDownClass(cls):
        cls.rules.close()

    def assertRowEqualsCompare(self, row, facts, **kw):
        with self.rules.compare(facts, **kw) as result:
            options = result.options
        self.assertEqual(row["status"], "ok")
        self.assertIsNone(row["error"])
        for o in options:
            rank, excluded = row[o.id + "_rank"], row[o.id + "_excluded"]
            self.assertIs(bool(excluded), o.excluded, o.id)
            if o.excluded:
                self.assertIs(rank, pandas.NA)          # a missing value, never rank 0
                self.assertTrue(math.isnan(row[o.id + "_score"]))
                continue
            self.assertEqual(rank, o.rank, o.id)
            self.assertEqual(row[o.id + "_score"], o.score, o.id)
            if o.score_range is None:
                self.assertTrue(math.isnan(row[o.id + "_score_low"]))
            else:
                self.assertEqual((row[o.id + "_score_low"], row[o.id + "_score_high"]),
                                 (o.score_range.low, o.score_range.high), o.id)
            if o.rank_range is not None and o.id + "_best_rank" in row:
                self.assertEqual((row[o.id + "_best_rank"], row[o.id + "_worst_rank"]),
                                 (o.rank_range.best, o.rank_range.worst), o.id)
        ranked = sorted((o for o in options if o.rank == 1), key=lambda o: (o.name, o.id))
        self.assertEqual(row["top"], ranked[0].id if ranked else None)

    def test_rows_equal_compare(self):
        facts = patients(300)
        df = pandas.DataFrame(facts)
        df["kl_grade"] = df["kl_grade"].astype("Int64")        # an extension type with <NA>
        for threads in (1, 3):
            out = self.rules.compare_frame(df, full=True, threads=threads)
            self.assertEqual(len(out), 300)
            self.assertEqual(list(out.index), list(df.index))
            self.assertEqual(list(out.columns[:4]), ["id", "status", "error", "top"])
            self.assertEqual(str(out["pt_rank"].dtype), "Int64")
            self.assertEqual(str(out["pt_excluded"].dtype), "boolean")
            excluded = 0
            for k in range(300):
                clean = {f: v for f, v in facts[k].items()}
                self.assertRowEqualsCompare(out.iloc[k], clean)
                excluded += int(out.iloc[k][[i + "_excluded" for i in self.ids]].sum())
            self.assertGreater(excluded, 0)
            self.assertFalse((out[[i + "_rank" for i in self.ids]] == 0).any().any())

    def test_options_of_compare(self):
        df = pandas.DataFrame(patients(40))
        out = self.rules.compare_frame(df, weights={"cost": 80}, missing="worst",
                                       method="topsis")
        for k in range(40):
            self.assertRowEqualsCompare(out.iloc[k], patients(40)[k], weights={"cost": 80},
                                        missing="worst", method="topsis")
        self.assertTrue(out["pt_score_low"].isna().all())  # no score ranges for TOPSIS

    def test_extension_types_and_numpy_values(self):
        df = pandas.DataFrame({
            "age": pandas.array([72.0, None, 60.5], dtype="Float64"),
            "kl_grade": pandas.array([4, None, 2], dtype="Int64"),
            "diabetes": pandas.array([True, None, False], dtype="boolean"),
            "sex": pandas.array(["female", None, "male"], dtype="string"),
            "payer": pandas.Categorical(["medicare", None, "va"]),
            "bmi": pandas.Series([numpy.float32(31.5), numpy.int64(40), numpy.nan],
                                 dtype=object),
        })
        out = self.rules.compare_frame(df)
        plain = [{"age": 72.0, "kl_grade": 4, "diabetes": True, "sex": "female",
                  "payer": "medicare", "bmi": 31.5},
                 {"bmi": 40},
                 {"age": 60.5, "kl_grade": 2, "diabetes": False, "sex": "male", "payer": "va"}]
        for k, facts in enumerate(plain):
            self.assertRowEqualsCompare(out.iloc[k], facts)

    def test_yes_no_column_with_gaps(self):
        """pandas reads a 0/1 column with an empty cell as float64: its 1.0 and 0.0 are the
        file's 1 and 0, read as the knee command reads the same CSV (every row failed with
        "'1.0' is not true or false" before); 2 is still an error, and only the bad cell is."""
        text = "id,age,diabetes,ckd\nx1,70,1,0\nx2,71,,1\nx3,500,0,\nx4,60,2,1\n"
        df = pandas.read_csv(io.StringIO(text))
        self.assertEqual(str(df["diabetes"].dtype), "float64")
        out = self.rules.compare_frame(df)
        self.assertEqual(list(out["status"]), ["ok", "ok", "error", "error"])
        self.assertRowEqualsCompare(out.iloc[0], {"age": 70, "diabetes": 1, "ckd": 0})
        self.assertRowEqualsCompare(out.iloc[1], {"age": 71, "ckd": "1"})
        self.assertEqual(out["error"][2], "out-of-range: row 2, column 'age': fact 'age': 500 "
                         "is above the maximum 120 (it takes a number from 0 to 120)")
        self.assertEqual(out["error"][3], "bad-value: row 3, column 'diabetes': fact "
                         "'diabetes': '2' is not true or false (it takes yes/no, true/false "
                         "or 1/0)")
        df["ckd"] = df["ckd"].astype("Float64")                 # pandas' nullable float too
        self.assertRowEqualsCompare(self.rules.compare_frame(df).iloc[1], {"age": 71, "ckd": 1})

    def test_bad_cells_name_row_column_and_fix(self):
        df = pandas.DataFrame({"age": [72, 500, 60, 70], "sex": ["female", "male", "femal", 3],
                               "kl_grade": [4, 2, 2.5, 1]},
                              index=["p1", "p2", "p3", "p4"])
        out = self.rules.compare_frame(df)
        self.assertEqual(list(out["status"]), ["ok", "error", "error", "error"])
        self.assertEqual(out.loc["p2", "error"],
                         "out-of-range: row p2, column 'age': fact 'age': 500 is above the "
                         "maximum 120 (it takes a number from 0 to 120)")
        self.assertEqual(out.loc["p3", "error"],
                         "out-of-range: row p3, column 'sex': fact 'sex': 'femal' is not one "
                         "of its allowed values: did you mean 'female'? (it takes one of: "
                         "female, male) (and 1 more)")
        self.assertTrue(out.loc["p4", "error"].startswith(
            "wrong-type: row p4, column 'sex': "), out.loc["p4", "error"])
        for label in ("p2", "p3", "p4"):
            self.assertTrue(out.loc[label, [i + "_rank" for i in self.ids]].isna().all())
            self.assertTrue(out.loc[label, [i + "_excluded" for i in self.ids]].isna().all())
            self.assertIsNone(out.loc[label, "top"])
        self.assertRowEqualsCompare(out.loc["p1"], {"age": 72, "sex": "female", "kl_grade": 4})

    def test_failed_comparison(self):
        zero = {c.id: 0 for c in self.rules.criteria}
        out = self.rules.compare_frame(pandas.DataFrame({"age": [70, 71]}), weights=zero)
        self.assertEqual(list(out["status"]), ["error", "error"])
        self.assertTrue(out["error"][0].startswith("compare: row 0: "), out["error"][0])
        with self.assertRaises(knee.PatientError) as e:
            self.rules.compare_frame(pandas.DataFrame({"age": [70]}), weights={"csot": 1})
        self.assertIn("did you mean 'cost'?", str(e.exception))

    def test_unknown_columns(self):
        df = pandas.DataFrame({"agee": [70], "sex": ["male"], 7: [1]})
        with self.assertRaises(knee.PatientError) as e:
            self.rules.compare_frame(df)
        self.assertEqual(e.exception.code, knee.Status.EUNKNOWN)
        self.assertIn("column 'agee': unknown fact 'agee'", e.exception.message)
        self.assertIn("did you mean 'age'?", e.exception.message)
        self.assertIn("column 7: a column name must be a fact id", e.exception.message)
        # the fix, as the knee command's --id-column / --ignore-unknown-columns hint says it
        self.assertIn("(id_column= names the id column; ignore_unknown_columns=True skips the "
                      "others)", e.exception.message)
        out = self.rules.compare_frame(df, ignore_unknown_columns=True)
        self.assertRowEqualsCompare(out.iloc[0], {"sex": "male"})
        with self.assertRaises(knee.KneeValueError):
            self.rules.compare_frame(pandas.DataFrame([[70, 71]], columns=["age", "age"]))

    def test_id_column(self):
        df = pandas.DataFrame({"id": ["a", "b"], "name": ["x", "y"], "age": [70, 80]},
                              index=[10, 20])
        out = self.rules.compare_frame(df, ignore_unknown_columns=True)
        self.assertEqual(list(out["id"]), ["a", "b"])
        self.assertEqual(list(out.index), [10, 20])
        out = self.rules.compare_frame(df[["name", "age"]], id_column="name")
        self.assertEqual(list(out["id"]), ["x", "y"])
        out = self.rules.compare_frame(df[["age"]])
        self.assertEqual(list(out["id"]), [10, 20])          # no id column: the index label
        with self.assertRaises(knee.KneeValueError):
            self.rules.compare_frame(df, id_column="nope")

    def test_empty_frame(self):
        out = self.rules.compare_frame(pandas.DataFrame({"age": pandas.Series([], dtype=float)}))
        self.assertEqual(len(out), 0)
        self.assertIn("tka_rank", out.columns)

    def test_not_a_frame(self):
        with self.assertRaises(knee.KneeTypeError):
            self.rules.compare_frame([{"age": 70}])

    def test_result_to_frame(self):
        with self.rules.compare({"age": 72, "ckd": True, "kl_grade": 1}) as r:
            frame = r.to_frame()
            options = r.options
            criteria = list(r.weights)
        self.assertEqual(list(frame.index), [o.id for o in options])
        self.assertEqual(list(frame.columns[:11]),
                         ["name", "rank", "score", "score_low", "score_high", "best_rank",
                          "worst_rank", "excluded", "tied_with", "cautions", "unknown"])
        self.assertEqual(list(frame.columns[11:]), criteria)
        for o in options:
            row = frame.loc[o.id]
            self.assertEqual(row["name"], o.name)
            self.assertEqual(bool(row["excluded"]), o.excluded)
            if o.excluded:
                self.assertIs(row["rank"], pandas.NA)
                self.assertTrue(math.isnan(row["score"]))
            else:
                self.assertEqual(row["rank"], o.rank)
                self.assertEqual(row["score"], o.score)
                self.assertEqual((row["score_low"], row["score_high"]),
                                 (o.score_range.low, o.score_range.high))
                self.assertEqual((row["best_rank"], row["worst_rank"]),
                                 (o.rank_range.best, o.rank_range.worst))
            self.assertEqual(row["tied_with"], o.tied_with)
            self.assertEqual(row["cautions"], [n.text for n in o.cautions])
            # an unknown value's stand-in utility must not read as a measured one
            self.assertEqual(row["unknown"], [c.id for c in o.criteria if not c.known])
            for c in o.criteria:
                if c.known:
                    self.assertEqual(row[c.id], c.utility)
                else:
                    self.assertTrue(math.isnan(row[c.id]), (o.id, c.id))
        self.assertEqual(str(frame["rank"].dtype), "Int64")
        self.assertTrue(any(frame["unknown"]), "the patient must have unknown values")

    def test_pandas_imported_only_when_used(self):
        code = ("import sys, knee\n"
                "assert 'pandas' not in sys.modules and 'numpy' not in sys.modules\n"
                "knee.Ruleset.default().compare({'age': 70})\n"
                "assert 'pandas' not in sys.modules\n")
        subprocess.run([sys.executable, "-c", code], check=True, env=dict(os.environ))


if __name__ == "__main__":
    unittest.main()
