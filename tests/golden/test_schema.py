"""docs/result.schema.json: a valid JSON Schema (draft 2020-12) that names exactly the keys
docs/result-contract.md documents, that every kind of JSON knee writes matches (each method,
SMAA, sensitivity, every missing-value policy, regions, exclusions, the test rule files, --why,
--patients --full), and that rejects a result with a key missing, added or of the wrong type.

usage: test_schema.py KNEE_BINARY REPO_ROOT
"""
import copy
import json
import os
import re
import subprocess
import sys

import jsonschema

KNEE, ROOT = sys.argv[1], sys.argv[2]
schema = json.load(open(os.path.join(ROOT, "docs/result.schema.json"), encoding="utf-8"))
contract = open(os.path.join(ROOT, "docs/result-contract.md"), encoding="utf-8").read()
passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print("ok   - " + name)
    else:
        failed += 1
        print("FAIL - %s%s" % (name, "\n       " + detail if detail else ""))


def errors(doc, definition=None):
    s = schema if definition is None else {
        "$schema": schema["$schema"], "$defs": schema["$defs"], "$ref": "#/$defs/" + definition}
    return ["/%s: %s" % ("/".join(map(str, e.path)), e.message[:200])
            for e in jsonschema.Draft202012Validator(s).iter_errors(doc)]


def knee(*args):
    p = subprocess.run([KNEE] + list(args), capture_output=True, text=True, encoding="utf-8")
    if p.returncode not in (0, 1):
        raise SystemExit("knee %s: exit %d: %s" % (" ".join(args), p.returncode, p.stderr))
    return p.stdout


try:
    jsonschema.Draft202012Validator.check_schema(schema)
    check("the schema is a valid draft 2020-12 schema", True)
except jsonschema.SchemaError as e:
    check("the schema is a valid draft 2020-12 schema", False, str(e)[:300])


def schema_keys(node, out):
    """Every property name the schema declares."""
    if isinstance(node, dict):
        for k, v in node.get("properties", {}).items():
            out.add(k)
        for v in node.values():
            schema_keys(v, out)
    elif isinstance(node, list):
        for v in node:
            schema_keys(v, out)
    return out


keys = schema_keys(schema, set())
# the keys of the contract's tables and example: `key`, `a.b`, `a[].b`, `a.b`/`c` forms
documented = set()
prose = re.sub(r"```.*?```", "", contract, flags=re.S)
for m in re.finditer(r"`([^`]+)`", prose):   # `a.b`, `criteria[].range`, `{low, high}`
    documented.update(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", m.group(1)))
for m in re.finditer(r'"([a-zA-Z_][a-zA-Z0-9_]*)":', contract):   # the example object
    documented.add(m.group(1))
undocumented = sorted(k for k in keys if k not in documented)
check("every key of the schema is documented in result-contract.md", not undocumented,
      "not in the contract: %r" % undocumented)
# the other way: every key the contract's tables name (first column) is in the schema
table_keys = set()
for line in contract.splitlines():
    m = re.match(r"^\| (`[^|]+)\|", line)
    if m:
        for k in re.findall(r"`([^`]+)`", m.group(1)):
            table_keys.add([t for t in re.split(r"[.\[\]]+", k) if t][-1])
missing = sorted(k for k in table_keys if k not in keys)
check("every key the contract's tables document is in the schema", not missing,
      "not in the schema: %r" % missing)

RULES = os.path.join(ROOT, "rules/knee-oa.xml")
DATA = os.path.join(ROOT, "tests/data")
CLI_DATA = os.path.join(ROOT, "tests/cli/data")
PATIENT = ["--fact", "age=72", "--fact", "kl_grade=4", "--fact", "payer=medicare"]
cases = {"no facts": [], "medicare 72 KL4": PATIENT,
         "region gb": ["--fact", "age=60", "--fact", "region=gb"],
         "smaa": PATIENT + ["--smaa", "200", "--seed", "7"],
         "sensitivity": PATIENT + ["--sensitivity"],
         "exclusions (eGFR, ulcer)": ["--fact", "age=80", "--fact", "kl_grade=4"],
         "weights": PATIENT + ["--weight", "cost=50", "--rank-criteria", "evidence,cost"],
         "small.xml": ["--rules", os.path.join(CLI_DATA, "small.xml")],
         "mini.xml + patient file": ["--rules", os.path.join(DATA, "mini.xml"),
                                     "--patient", os.path.join(DATA, "patient-ok.xml")],
         "ranges.xml": ["--rules", os.path.join(DATA, "ranges.xml")],
         "values.xml": ["--rules", os.path.join(DATA, "values.xml")]}
for method in ("weighted-sum", "topsis", "topsis-minmax", "topsis-utility", "promethee2", "vikor"):
    cases["method " + method] = PATIENT + ["--method", method, "--sensitivity"]
for policy in ("interval", "renormalise", "worst", "best", "neutral", "refuse"):
    cases["missing " + policy] = PATIENT + ["--missing", policy]
for name, args in cases.items():
    out = knee("compare", *args, "--format", "json")
    try:
        doc = json.loads(out)
    except ValueError:
        check("%s: JSON" % name, False, out[:200])
        continue
    problems = errors(doc)
    check("%s: matches the schema" % name, not problems, "; ".join(problems[:5]))

for pair in ("stem-cell,steroid-injection", "pt,tka"):
    problems = errors(json.loads(knee("compare", "--fact", "age=72", "--why", pair,
                                      "--format", "json")), "why")
    check("--why %s: matches #/$defs/why" % pair, not problems, "; ".join(problems[:5]))

rows = knee("compare", "--rules", os.path.join(CLI_DATA, "small.xml"), "--patients",
            os.path.join(CLI_DATA, "population-small.csv"), "--format", "jsonl", "--full", "-q")
results = [json.loads(l) for l in rows.splitlines() if l.strip()]
whole = [r["result"] for r in results if r.get("result")]
problems = [p for r in whole for p in errors(r)]
check("--patients --full: each row's result matches the schema (%d rows)" % len(whole),
      whole and not problems, "; ".join(problems[:5]))

# The schema is not vacuous: it rejects a result with a key missing, added or mistyped.
good = json.loads(knee("compare", *PATIENT, "--format", "json"))
ranked = next(i for i, o in enumerate(good["options"]) if not o["excluded"])
excluded = next(i for i, o in enumerate(good["options"]) if o["excluded"])
mutations = {
    "options[].rank missing": lambda d: d["options"][ranked].pop("rank"),
    "an undocumented key": lambda d: d.update(extra=1),
    "a score as text": lambda d: d["options"][ranked].update(score="0.5"),
    "an excluded option with a rank": lambda d: d["options"][excluded].update(rank=3),
    "criteria[].note without clinician": lambda d: d["options"][ranked]["criteria"][0].update(
        note={"patient": "x"}),
    "tied_with not a list": lambda d: d["options"][ranked].update(tied_with="pt"),
    "score_range without high": lambda d: d["options"][ranked].update(score_range={"low": 0}),
    "an unknown method": lambda d: d.update(method="magic"),
    "regional_rules[] without value": lambda d: d.update(regional_rules=[{"fact": "region",
                                                                          "rules": []}]),
}
check("the untouched result matches", not errors(good))
for name, mutate in mutations.items():
    bad = copy.deepcopy(good)
    mutate(bad)
    check("the schema rejects %s" % name, bool(errors(bad)))

print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
