"""The knee command reads every input of the shared table of value readings
(tests/data/value-readings.json) as the Python binding does: `--fact FACT=TEXT` (seen in the
report's facts used) and the same text as a cell of a population CSV (its status and error
code). Run by CTest:

    python3 value_readings.py KNEE SOURCE_DIR
"""

import csv
import io
import os
import subprocess
import sys
import tempfile

knee, source = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(source, "tests", "python"))
from readings import CSV_CODES, RULES, facts_used, outcome_text, readings  # noqa: E402

failures = []


def run(*args):
    return subprocess.run([knee] + list(args), capture_output=True, text=True, check=False)


def check(row, what, got):
    if got != row["expect"]:
        failures.append("%s %s=%r: got %s, want %s" % (what, row["fact"], row["cli"],
                                                          outcome_text(got),
                                                          outcome_text(row["expect"])))


rows = [r for r in readings() if r["cli"] is not None]
for row in rows:
    arg = "%s=%s" % (row["fact"], row["cli"])
    page = run("report", "--rules", RULES, "--fact", arg, "-o", "-")
    if page.returncode != 0:
        got = {"error": row["expect"]["error"]} if isinstance(row["expect"], dict) else "exit 1"
        if "--fact %s" % arg not in page.stderr:
            got = "exit %d: %s" % (page.returncode, page.stderr.strip())
    else:
        got = facts_used(page.stdout).get(row["fact"])
    check(row, "--fact", got)

# The same texts as CSV cells, one file per fact: each row's status and error code.
with tempfile.TemporaryDirectory() as tmp:
    for fact in sorted({r["fact"] for r in rows}):
        mine = [r for r in rows if r["fact"] == fact]
        path = os.path.join(tmp, fact + ".csv")
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["id", fact])
            for k, r in enumerate(mine):
                w.writerow([k, r["cli"]])
        out = run("compare", "--rules", RULES, "--patients", path, "-q", "--format", "csv")
        if out.returncode not in (0, 1):
            failures.append("CSV of %s: exit %d: %s" % (fact, out.returncode, out.stderr))
            continue
        got_rows = list(csv.DictReader(io.StringIO(out.stdout)))
        if len(got_rows) != len(mine):
            failures.append("CSV of %s: %d rows out for %d in" % (fact, len(got_rows), len(mine)))
            continue
        for r, got in zip(mine, got_rows):
            if isinstance(r["expect"], dict):
                want = ("error", CSV_CODES[r["expect"]["error"]])
                have = (got["status"], got["error"].split(":")[0])
            else:
                want, have = ("ok", ""), (got["status"], got["error"])
            if have != want:
                failures.append("CSV cell %s=%r: got %s, want %s" % (fact, r["cli"], have, want))

for line in failures:
    print("FAIL:", line)
print("%d passed, %d failed" % (len(rows) * 2 - len(failures), len(failures)))
sys.exit(1 if failures else 0)
