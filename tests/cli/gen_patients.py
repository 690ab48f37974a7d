#!/usr/bin/env python3
"""Write a synthetic patient file for the default knee-OA rules (tests and benchmarks).

Usage: gen_patients.py OUT N [--format csv|jsonl] [--crlf] [--bom] [--bad-every K]

Deterministic (a fixed linear congruential sequence, no random module state), streamed, so
millions of rows take little memory. CSV rows quote some fields (the prior set has commas) and
with --bad-every K every K-th row carries an out-of-range age. OUT "-" writes to stdout.
The values are made up: the file measures behaviour and speed only.
"""
import json
import sys

PAYERS = ["medicare", "commercial-aetna", "self-pay", "medicaid", "MCR-B", ""]
PRIORS = ["", "failed-conservative", "steroid-injection-3mo", "failed-conservative,ha-6mo",
          "failed-conservative,failed-steroid-injection", "genicular-block"]
BOOLS = ["yes", "no", ""]
COLUMNS = ["id", "age", "sex", "bmi", "kl_grade", "diabetes", "ckd", "cvd", "gi_risk", "payer",
           "region", "prior", "medial_only", "locking"]


def rows(n, bad_every):
    x = 12345
    for i in range(1, n + 1):
        x = (x * 1103515245 + 12345) % 2147483648
        r = x >> 8
        age = str(30 + r % 60)
        if bad_every and i % bad_every == 0:
            age = "130"
        yield {
            "id": "p%07d" % i,
            "age": age,
            "sex": ["female", "male", ""][r % 3],
            "bmi": "%d.%d" % (18 + r % 25, r % 10),
            "kl_grade": str(r % 5),
            "diabetes": BOOLS[(r >> 3) % 3],
            "ckd": BOOLS[(r >> 5) % 3],
            "cvd": BOOLS[(r >> 7) % 3],
            "gi_risk": BOOLS[(r >> 9) % 3],
            "payer": PAYERS[(r >> 11) % len(PAYERS)],
            "region": ["us", "uk"][(r >> 13) % 2],
            "prior": PRIORS[(r >> 15) % len(PRIORS)],
            "medial_only": BOOLS[(r >> 17) % 3],
            "locking": BOOLS[(r >> 19) % 3],
        }


def csv_field(v):
    if any(c in v for c in ',"\r\n'):
        return '"' + v.replace('"', '""') + '"'
    return v


def main():
    args = sys.argv[1:]
    out, n = args[0], int(args[1])
    fmt = args[args.index("--format") + 1] if "--format" in args else "csv"
    bad_every = int(args[args.index("--bad-every") + 1]) if "--bad-every" in args else 0
    eol = "\r\n" if "--crlf" in args else "\n"
    f = sys.stdout if out == "-" else open(out, "w", encoding="utf-8", newline="")
    if "--bom" in args:
        f.write("\ufeff")
    if fmt == "csv":
        f.write(",".join(COLUMNS) + eol)
    buf = []
    for row in rows(n, bad_every):
        if fmt == "csv":
            buf.append(",".join(csv_field(row[c]) for c in COLUMNS) + eol)
        else:
            obj = {k: v for k, v in row.items() if v != ""}
            if "age" in obj:
                obj["age"] = int(obj["age"])
            if "prior" in obj:
                obj["prior"] = obj["prior"].split(",")
            buf.append(json.dumps(obj, separators=(",", ":")) + "\n")
        if len(buf) >= 10000:
            f.write("".join(buf))
            buf = []
    f.write("".join(buf))
    if f is not sys.stdout:
        f.close()


if __name__ == "__main__":
    main()
