#!/usr/bin/env python3
"""Compare the knee-OA treatment options for one patient and print the ranking.

    python3 compare_one.py                                # a 72-year-old, KL grade 4, on Medicare
    python3 compare_one.py age=45 kl_grade=2 payer=commercial-aetna --weight cost=3
    python3 compare_one.py --rules my-rules.xml age=60 diabetes=yes --json

Facts are NAME=VALUE, parsed by the fact's declared type as on the `knee` command line
("72", "yes", "a,b" for a set); `knee list` or `Ruleset.facts` shows the facts a rule file
declares. Needs the knee package (bindings/python) and libknee (e.g.
LIBKNEE_PATH=build/libknee.so.0).
"""

from __future__ import annotations

import argparse
import sys
from typing import Dict, List, Optional

import knee


def pairs(items: List[str], what: str) -> Dict[str, str]:
    """NAME=VALUE strings as a dict (later ones win)."""
    out = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise SystemExit("compare_one: %s needs NAME=VALUE, not %r" % (what, item))
        out[name] = value
    return out


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description="Compare knee-OA treatment options for one patient.")
    ap.add_argument("facts", nargs="*", metavar="NAME=VALUE", help="a patient fact")
    ap.add_argument("--rules", help="a rule file (default: the rules built into libknee)")
    ap.add_argument("--weight", action="append", default=[], metavar="CRITERION=N",
                    help="a preference weight")
    ap.add_argument("--json", action="store_true", help="print the JSON result contract")
    args = ap.parse_args(argv)

    facts = pairs(args.facts, "a fact") or {"age": "72", "kl_grade": "4", "payer": "medicare"}
    try:
        weights = {c: float(w) for c, w in pairs(args.weight, "--weight").items()}
    except ValueError as e:
        raise SystemExit("compare_one: --weight: %s" % e)

    try:
        rules = knee.Ruleset.load(args.rules) if args.rules else knee.Ruleset.default()
        with rules, rules.compare(facts, weights) as result:
            if args.json:
                sys.stdout.write(result.to_json())
                return 0
            print("%s %s (evidence as of %s, sha256 %s...)"
                  % (rules.id, rules.version, rules.evidence_as_of, rules.sha256[:12]))
            print("patient: %s" % ", ".join("%s=%s" % kv for kv in facts.items()))
            for o in result.options:
                if o.excluded:
                    reasons = "; ".join(r.text for r in o.reasons)
                    print("   -  %-40s excluded: %s" % (o.name, reasons))
                else:
                    print("%4d  %-40s %.3f" % (o.rank, o.name, o.score))
                for c in o.cautions:
                    print("        caution: %s [%s]" % (c.text, c.rule))
            if result.missing_facts:
                print("would sharpen the result: %s" % ", ".join(result.missing_facts))
    except knee.LoadError as e:
        print("compare_one: %s" % e, file=sys.stderr)
        for d in e.diagnostics:
            print("  %s" % d, file=sys.stderr)
        return 1
    except knee.KneeError as e:
        print("compare_one: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
