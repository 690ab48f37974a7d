#!/usr/bin/env python3
"""Score a CSV of patients with libknee and write one CSV row of results per patient.

    python3 score_csv.py patients.csv results.csv [--rules FILE] [--weight cost=3]
                         [--id-column patient_id]

Input: a header row of fact ids (see `knee list`), plus an optional id column (`patient`, or
the one --id-column names) that is copied to the output; one patient per row. A cell is the fact's value as text ("72", "yes",
"a,b" for a set); an empty cell means unknown.

Output columns: row (the input's data row, from 1), the id column (if given), top (the id of the
option ranked first), error (why the row could not be scored, else empty), then for each
option <id>_rank and <id>_score (both empty for an excluded option).

Patients are streamed through Ruleset.compare_many(full=False), which compares them a chunk at a
time through libknee's batch path, so memory stays bounded however long the file is; a bad row
comes back as its error (errors="yield") and the rest are still scored.
"""

from __future__ import annotations

import argparse
import collections
import csv
import sys
from typing import Dict, Iterator, List, Optional

import knee


def score(rules: knee.Ruleset, rows: Iterator[Dict[str, str]], writer: "csv.DictWriter[str]",
          weights: Dict[str, float], id_column: Optional[str]) -> int:
    """Write one output row per input row; returns the number of rows in error."""
    facts = {f.id for f in rules.facts}
    pending: "collections.deque[Dict[str, object]]" = collections.deque()
    errors = 0

    def patients() -> Iterator[Dict[str, str]]:
        for n, row in enumerate(rows, 1):
            pending.append({"row": n, **({id_column: row[id_column]} if id_column else {})})
            # Empty cells are unknown: leave them out.
            yield {k: v for k, v in row.items() if k in facts and v is not None and v.strip()}

    # One item per patient, in order: the row it belongs to is the oldest one pending.
    for item in rules.compare_many(patients(), weights, full=False, errors="yield"):
        current = pending.popleft()
        if isinstance(item, knee.KneeError):
            errors += 1
            out = dict(current, top="", error=item.message)
        else:
            out = dict(current, top=next((r.id for r in item if r.rank == 1), ""), error="")
            for r in item:
                out[r.id + "_rank"] = "" if r.rank is None else r.rank
                out[r.id + "_score"] = "" if r.score is None else repr(r.score)
        writer.writerow(out)
    return errors


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description="Score a CSV of patients with libknee.")
    ap.add_argument("input", help="CSV of patients: a header of fact ids, one patient per row")
    ap.add_argument("output", help="CSV of results to write ('-' for standard output)")
    ap.add_argument("--rules", help="a rule file (default: the rules built into libknee)")
    ap.add_argument("--weight", action="append", default=[], metavar="CRITERION=N")
    ap.add_argument("--id-column", default="patient", metavar="NAME",
                    help="the column copied to the output as the row's id (default: patient)")
    args = ap.parse_args(argv)
    weights = {}
    for item in args.weight:
        name, _, value = item.partition("=")
        weights[name] = float(value)

    try:
        rules = knee.Ruleset.load(args.rules) if args.rules else knee.Ruleset.default()
    except knee.KneeError as e:
        print("score_csv: %s" % e, file=sys.stderr)
        return 1
    with rules, open(args.input, newline="", encoding="utf-8") as fin:
        reader = csv.DictReader(fin)
        columns = reader.fieldnames or []
        known = {f.id for f in rules.facts} | {args.id_column}
        unknown = [c for c in columns if c not in known]
        if unknown:
            print("score_csv: %s: columns that are not facts of %s: %s (--id-column names "
                  "the id column)" % (args.input, rules.id, ", ".join(unknown)), file=sys.stderr)
            return 1
        id_column = args.id_column if args.id_column in columns else None
        header = ["row"] + ([id_column] if id_column else []) + ["top", "error"]
        for o in rules.options:
            header += [o.id + "_rank", o.id + "_score"]
        fout = sys.stdout if args.output == "-" else open(args.output, "w", newline="",
                                                           encoding="utf-8")
        try:
            writer = csv.DictWriter(fout, header)
            writer.writeheader()
            errors = score(rules, reader, writer, weights, id_column)
        finally:
            if fout is not sys.stdout:
                fout.close()
    if errors:
        print("score_csv: %d row(s) could not be scored (see the error column)" % errors,
              file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
