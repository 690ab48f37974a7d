"""The knee command reads every input of the shared table of value readings
(tests/data/value-readings.json) as the Python binding does: `--fact FACT=TEXT` (seen in the
report's facts used), the same text as a cell of a population CSV, and the same value as a
member of a JSON line (their status and error code). Run by CTest:

    python3 value_readings.py KNEE SOURCE_DIR
"""

import csv
import json
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
    page = run("report", "--audience", "clinician", "--rules", RULES, "--fact", arg, "-o", "-")
    if page.returncode != 0:
        got = {"error": row["expect"]["error"]} if isinstance(row["expect"], dict) else "exit 1"
        if "--fact %s" % arg not in page.stderr:
            got = "exit %d: %s" % (page.returncode, page.stderr.strip())
    else:
        got = facts_used(page.stdout).get(row["fact"])
    check(row, "--fact", got)



def json_text(row):
    """The reading's JSON member value as text, or None when no JSON value says the same."""
    if "json" in row:
        return row["json"]
    return None if isinstance(row["python"], dict) else json.dumps(row["python"])


def outcome(got, fact):
    """What one output line (JSON lines, --full) says of the fact: (status, error code, unknown):
    a rule of values.xml reads each fact, so an unknown one is among the missing facts."""
    if got["status"] != "ok":
        return ("error", got["error"]["code"], None)
    return ("ok", None, fact in got["result"]["missing_facts"])


def wanted(row):
    if isinstance(row["expect"], dict):
        return ("error", CSV_CODES[row["expect"]["error"]], None)
    return ("ok", None, row["expect"] is None)


def check_file(what, fact, mine, path, shown):
    """Score one file of the fact's readings and check each row's outcome."""
    out = run("compare", "--rules", RULES, "--patients", path, "-q", "--format", "jsonl",
              "--full")
    if out.returncode not in (0, 1):
        failures.append("%s of %s: exit %d: %s" % (what, fact, out.returncode, out.stderr))
        return
    got_rows = [json.loads(line) for line in out.stdout.splitlines()]
    if len(got_rows) != len(mine):
        failures.append("%s of %s: %d rows out for %d in" % (what, fact, len(got_rows), len(mine)))
        return
    for r, got in zip(mine, got_rows):
        if outcome(got, fact) != wanted(r):
            failures.append("%s %s=%s: got %s, want %s" % (what, fact, shown(r), outcome(got, fact),
                                                            wanted(r)))


# The same texts as CSV cells, and the same values as members of JSON lines, one file per fact:
# each row's status, error code, and whether the fact stayed unknown.
json_rows = [r for r in readings() if json_text(r) is not None]
with tempfile.TemporaryDirectory() as tmp:
    for fact in sorted({r["fact"] for r in rows}):
        mine = [r for r in rows if r["fact"] == fact]
        path = os.path.join(tmp, fact + ".csv")
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["id", fact])
            for k, r in enumerate(mine):
                w.writerow([k, r["cli"]])
        check_file("CSV cell", fact, mine, path, lambda r: repr(r["cli"]))
    for fact in sorted({r["fact"] for r in json_rows}):
        mine = [r for r in json_rows if r["fact"] == fact]
        path = os.path.join(tmp, fact + ".jsonl")
        with open(path, "w", encoding="utf-8") as f:
            for k, r in enumerate(mine):
                f.write('{"id": %d, "%s": %s}\n' % (k, fact, json_text(r)))
        check_file("JSON member", fact, mine, path, json_text)

for line in failures:
    print("FAIL:", line)
print("%d passed, %d failed" % (len(rows) * 2 + len(json_rows) - len(failures), len(failures)))
sys.exit(1 if failures else 0)
