"""Validate knee's JSON output against docs/result.schema.json.

usage: validate.py SCHEMA [--def NAME] [--lines] FILE|-
A FILE holds one JSON document (the result, or #/$defs/NAME with --def) or, with --lines, one
a line (`knee compare --patients ... --format jsonl --full`). Prints each problem with its JSON
path and exits 1 when there is one.
"""
import json
import sys

import jsonschema

args = sys.argv[1:]
schema = json.load(open(args.pop(0), encoding="utf-8"))
lines = "--lines" in args
if lines:
    args.remove("--lines")
if "--def" in args:
    at = args.index("--def")
    name = args[at + 1]
    del args[at:at + 2]
    schema = {"$ref": "#/$defs/" + name, "$defs": schema["$defs"],
              "$schema": schema["$schema"]}
src = args[0]
text = sys.stdin.read() if src == "-" else open(src, encoding="utf-8").read()
docs = [json.loads(l) for l in text.splitlines() if l.strip()] if lines else [json.loads(text)]
validator = jsonschema.Draft202012Validator(schema)
problems = 0
for n, doc in enumerate(docs, 1):
    for e in sorted(validator.iter_errors(doc), key=lambda e: list(e.path)):
        problems += 1
        where = "/".join(str(p) for p in e.path)
        print("%s%s: /%s: %s" % (src, ":%d" % n if lines else "", where, e.message[:300]))
sys.exit(1 if problems else 0)
