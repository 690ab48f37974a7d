"""Every way into a patient reads a value the same documented way (docs/python.md, "How values
are read"), and as the knee command reads the same text: the shared table
tests/data/value-readings.json through Patient.set, compare() (seen in the report's facts
used), compare_many (full and light, one row at a time and all of a fact's rows in one column)
compare_columns (issue 13, item 10) and compare_frame, in a column of objects and in the column
pandas infers (issue 18, item 1). numpy and pandas values come from Debian's
python3-numpy and python3-pandas (CTest runs this suite with /usr/bin/python3)."""

import math
import unittest

import knee
from readings import CSV_CODES, RULES, facts_used, outcome_text, readings

try:
    import numpy
    import pandas
except ImportError:  # pragma: no cover - install-deps.sh installs them
    numpy = pandas = None


def value(spec):
    """The Python value a table entry stands for."""
    if not isinstance(spec, dict):
        return spec
    if "float" in spec:
        return float(spec["float"])
    if "big" in spec:
        return 10 ** spec["big"]
    if "bytes" in spec:
        return spec["bytes"].encode()
    if "tuple" in spec:
        return tuple(spec["tuple"])
    if "set" in spec:
        return set(spec["set"])
    if numpy is None:
        raise unittest.SkipTest("numpy and pandas are not installed (scripts/install-deps.sh)")
    if "pandas" in spec:
        return {"NA": pandas.NA, "NaT": pandas.NaT}[spec["pandas"]]
    if spec["numpy"] == "array":
        return numpy.array(spec["value"])
    v = spec["value"]
    return getattr(numpy, spec["numpy"])(float(v) if v == "nan" else v)


class ValueReadingTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.rules = knee.Ruleset.load(RULES)
        cls.ids = [o.id for o in cls.rules.options]

    @classmethod
    def tearDownClass(cls):
        cls.rules.close()

    def outcome(self, call):
        """(None, what call returned) or (its PatientError's code name, None)."""
        try:
            return None, call()
        except knee.PatientError as e:
            return e.code.name, None

    def read_by_compare(self, fact, v):
        """What compare() read: the fact's text in the report, None for unknown, or the
        error's code; and the result's JSON."""
        error, result = self.outcome(lambda: self.rules.compare({fact: v}))
        if error:
            return {"error": error}, None
        with result:
            page = result.to_html(patient={fact: v})
            return facts_used(page).get(fact), result.to_json()

    def test_each_reading(self):
        for row in readings():
            fact = row["fact"]
            v = value(row["python"])
            with self.subTest(fact=fact, python=row["python"],
                              expect=outcome_text(row["expect"])):
                got, json_text = self.read_by_compare(fact, v)
                self.assertEqual(got, row["expect"])
                with self.rules.patient() as p:
                    error, _ = self.outcome(lambda: p.set(fact, v))
                    if error:
                        self.assertEqual({"error": error}, row["expect"])
                        self.assertFalse(p.has(fact))     # a failed set leaves it unknown
                    else:
                        self.assertEqual(p.has(fact), row["expect"] is not None)
                for full in (True, False):
                    (item,) = self.rules.compare_many([{fact: v}], full=full, errors="yield")
                    self.assertItem(item, row["expect"], json_text, full)
                error, out = self.outcome(lambda: self.rules.compare_columns({fact: [v]}))
                if error:
                    self.assertEqual({"error": error}, row["expect"])
                else:
                    self.assertNotIsInstance(row["expect"], dict)
                    self.assertEqual(self.ranks(out, 0), self.ranks_of(json_text))
                if pandas is not None:
                    # a column of objects, and the column pandas makes of the value itself
                    frames = [pandas.DataFrame({fact: pandas.Series([v], dtype=object)})]
                    try:
                        frames.append(pandas.DataFrame({fact: pandas.Series([v])}))
                    except (TypeError, ValueError, OverflowError):
                        pass
                    for df in frames:
                        with self.subTest(dtype=str(df[fact].dtype)):
                            self.assertFrameRow(self.rules.compare_frame(df), 0, fact,
                                                row["expect"], json_text)

    def test_columns_of_mixed_values(self):
        """All of a fact's inputs in one column: the batch builds one C column of mixed
        Python values (numbers and text, bools and text, lists and text)."""
        for fact in sorted({r["fact"] for r in readings()}):
            rows = [r for r in readings() if r["fact"] == fact]
            try:
                values = [value(r["python"]) for r in rows]
            except unittest.SkipTest:
                rows = [r for r in rows if "numpy" not in str(r["python"])
                        and "pandas" not in str(r["python"])]
                values = [value(r["python"]) for r in rows]
            want = [self.read_by_compare(fact, v)[1] for v in values]
            for full in (True, False):
                items = list(self.rules.compare_many([{fact: v} for v in values], full=full,
                                                     errors="yield", chunk_size=1000))
                for r, item, json_text in zip(rows, items, want):
                    with self.subTest(fact=fact, python=r["python"], full=full):
                        self.assertItem(item, r["expect"], json_text, full)
            if pandas is not None:
                out = self.rules.compare_frame(pandas.DataFrame(
                    {fact: pandas.Series(values, dtype=object)}))
                for k, (r, json_text) in enumerate(zip(rows, want)):
                    with self.subTest(fact=fact, python=r["python"], frame=True):
                        self.assertFrameRow(out, k, fact, r["expect"], json_text)
            good = [k for k, r in enumerate(rows) if not isinstance(r["expect"], dict)]
            out = self.rules.compare_columns({fact: [values[k] for k in good]})
            for row, k in enumerate(good):
                with self.subTest(fact=fact, python=rows[k]["python"], columns=True):
                    self.assertEqual(self.ranks(out, row), self.ranks_of(want[k]))

    def assertItem(self, item, expect, json_text, full):
        if isinstance(expect, dict):
            self.assertIsInstance(item, knee.PatientError)
            self.assertEqual(item.code.name, expect["error"])
        elif full:
            self.assertEqual(item.to_json(), json_text)
        else:
            self.assertEqual([(r.id, r.rank, r.score) for r in item],
                             [(o["id"], o["rank"], o["score"])
                              for o in knee.Result(self.rules, json_text=json_text)
                              .to_dict()["options"]])

    def assertFrameRow(self, out, k, fact, expect, json_text):
        """Row k of a compare_frame output: the error the table expects (the knee command's
        code, naming row and column), or compare()'s ranks and scores."""
        row = out.iloc[k]
        if isinstance(expect, dict):
            self.assertEqual(row["status"], "error")
            self.assertTrue(row["error"].startswith("%s: row %d, column '%s': "
                                                    % (CSV_CODES[expect["error"]], k, fact)),
                            row["error"])
            return
        self.assertEqual(row["status"], "ok")
        got = {i: (0 if pandas.isna(row[i + "_rank"]) else int(row[i + "_rank"]),
                   0.0 if row[i + "_excluded"] else row[i + "_score"]) for i in self.ids}
        self.assertEqual(got, self.ranks_of(json_text))

    def ranks(self, out, row):
        ranks, scores = out
        n = len(self.ids)
        return {self.ids[t]: (ranks[row * n + t], scores[row * n + t]) for t in range(n)}

    def ranks_of(self, json_text):
        options = knee.Result(self.rules, json_text=json_text).to_dict()["options"]
        return {o["id"]: (o["rank"] or 0, 0.0 if o["excluded"] else o["score"]) for o in options}

    def test_table_covers_every_python_type(self):
        kinds = {type(value(r["python"])).__name__ for r in readings()
                 if "numpy" not in str(r["python"]) and "pandas" not in str(r["python"])}
        self.assertLessEqual({"int", "float", "bool", "str", "NoneType", "list", "tuple", "set",
                              "bytes"}, kinds)
        self.assertTrue(any(isinstance(r["python"], dict) and r["python"].get("float") == "nan"
                            for r in readings()))
        self.assertTrue(math.isnan(value({"float": "nan"})))


if __name__ == "__main__":
    unittest.main()
