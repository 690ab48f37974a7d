#!/usr/bin/env python3
"""Print each clinical test patient's top options from `knee compare` as a Markdown table.

The patients are tests/data/clinical-patients.csv (one row per kind of patient of issue 15).
Used to record the rankings a clinician reviews before and after a change to the default rules
(docs/knowledge-base.md keeps the table). Standard library only.

    python3 scripts/clinical-top5.py [--knee build/knee] [--rules FILE] [--top 5]
                                     [--patients CSV] [-- extra knee compare options]

Extra options after `--` go to `knee compare` unchanged (e.g. --ignore-unknown-columns to run
the patients against an older rule file that lacks some of their facts).
"""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def rank_label(option, tied):
    """'1' or '1=' (a rank shared with another option), with the rank range when there is one."""
    rank = option["rank"]
    label = "%d%s" % (rank, "=" if tied else "")
    rr = option.get("rank_range")
    if rr and (rr.get("best"), rr.get("worst")) != (rank, rank):
        label += " [%s-%s]" % (rr.get("best"), rr.get("worst"))
    return label


def top_cells(row, top):
    ranked = [o for o in row["options"] if not o.get("excluded") and o.get("rank") is not None]
    ranked.sort(key=lambda o: (o["rank"], o["id"]))
    counts = {}
    for o in ranked:
        counts[o["rank"]] = counts.get(o["rank"], 0) + 1
    cells = []
    for o in ranked[:top]:
        score = "%.2f" % o["score"]
        sr = o.get("score_range")
        if sr and sr.get("low") is not None and "%.2f" % sr["low"] != "%.2f" % sr["high"]:
            score += " (%.2f-%.2f)" % (sr["low"], sr["high"])
        cells.append("%s %s %s" % (rank_label(o, counts[o["rank"]] > 1), o["id"], score))
    excluded = sorted(o["id"] for o in row["options"] if o.get("excluded"))
    return cells, excluded


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--knee", default=os.path.join(ROOT, "build", "knee"))
    ap.add_argument("--rules")
    ap.add_argument("--patients", default=os.path.join(ROOT, "tests", "data", "clinical-patients.csv"))
    ap.add_argument("--top", type=int, default=5)
    ap.add_argument("--show", default="", help="comma-separated option ids whose rank is shown too")
    ap.add_argument("extra", nargs="*", help="options passed to knee compare (after --)")
    args = ap.parse_args()

    cmd = [args.knee, "compare", "--patients", args.patients, "--format", "jsonl", "--full", "-q"]
    if args.rules:
        cmd += ["--rules", args.rules]
    cmd += args.extra
    run = subprocess.run(cmd, capture_output=True, text=True)
    if run.returncode not in (0, 1) or not run.stdout:
        sys.stderr.write(run.stderr)
        return run.returncode or 1

    show = [s for s in args.show.split(",") if s]
    print("| patient | top %d (rank option score) | %sexcluded |" % (args.top, "".join(s + " | " for s in show)))
    print("|---|---|%s---|" % ("---|" * len(show)))
    for line in run.stdout.splitlines():
        row = json.loads(line)
        if "result" in row:   # --full: the whole result, with score and rank ranges
            row = dict(row, options=row["result"]["options"])
        if row.get("status") != "ok":
            print("| %s | error: %s | |" % (row.get("id"), row.get("error")))
            continue
        cells, excluded = top_cells(row, args.top)
        byid = {o["id"]: o for o in row["options"]}
        shown = ""
        for s in show:
            o = byid.get(s)
            shown += "%s | " % ("-" if o is None else "excl." if o.get("excluded") else o["rank"])
        print("| %s | %s | %s%s |" % (row["id"], "; ".join(cells), shown, ", ".join(excluded) or "-"))
    if run.stderr.strip():
        sys.stderr.write(run.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
