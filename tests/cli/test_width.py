"""The text table fits the width it is given (COLUMNS) and shows level labels, never level ids.

usage: test_width.py KNEE_BINARY REPO_ROOT

At 60, 80, 100, 120 and 200 columns: no line is longer than the width, every ranked option is
there (its rank, then the start of its name, on one line), and no level id is printed where the
rule file gives a label. Without COLUMNS, a pipe gets the same layout as COLUMNS=120.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

KNEE, ROOT = sys.argv[1], sys.argv[2]
WIDTHS = (60, 80, 100, 120, 200)
PATIENTS = ([], ["--fact", "age=60"],
            ["--fact", "age=72", "--fact", "kl_grade=4", "--fact", "payer=medicare"])
passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print("ok   - " + name)
    else:
        failed += 1
        print("FAIL - " + name + ("\n       " + detail if detail else ""))


def knee(args, columns=None):
    env = dict(os.environ)
    env.pop("COLUMNS", None)
    if columns is not None:
        env["COLUMNS"] = str(columns)
    p = subprocess.run([KNEE] + args, env=env, capture_output=True, text=True, encoding="utf-8")
    if p.returncode != 0:
        raise SystemExit("knee %s failed: %s" % (" ".join(args), p.stderr))
    return p.stdout


def labelled_copy(src, dst):
    """src with every level id renamed lvl-ID and given the label 'Label of ID', so that an id
    in the output is unmistakable."""
    text = open(src, encoding="utf-8").read()
    text = re.sub(r'<level id="([^"]+)"/>', r'<level id="lvl-\1" label="Label of \1"/>', text)
    text = re.sub(r'\blevel="([^"]+)"', r'level="lvl-\1"', text)
    open(dst, "w", encoding="utf-8").write(text)


def ranked(out_json):
    """(rank, tied, first piece of the name) of every ranked option."""
    rows = []
    for o in json.loads(out_json)["options"]:
        if not o["excluded"]:
            first = re.split(r"[ -]", o["name"])[0]
            rows.append((o["rank"], bool(o["tied_with"]), first))
    return rows


def level_ids_with_labels(rules_text):
    """Level ids that differ from their label and contain a hyphen (so that they cannot be a
    word of ordinary text, such as "high")."""
    ids = set()
    for m in re.finditer(r'<level id="([^"]+)" label="([^"]+)"', rules_text):
        if m.group(1) != m.group(2) and "-" in m.group(1):
            ids.add(m.group(1))
    return ids


def check_layout(what, args, forbidden):
    rows = ranked(knee(["compare"] + args + ["--format", "json"]))
    for width in WIDTHS:
        out = knee(["compare"] + args, width)
        lines = out.splitlines()
        longest = max(len(line) for line in lines)
        check("%s at %d columns: no line is longer (longest %d)" % (what, width, longest),
              longest <= width, next((l for l in lines if len(l) > width), ""))
        missing = [r for r in rows if not any(
            re.match(r"^ *%d%s  +%s" % (r[0], "=" if r[1] else "", re.escape(r[2])), l)
            for l in lines)]
        check("%s at %d columns: all %d ranked options are there" % (what, width, len(rows)),
              rows and not missing, "missing: %r" % missing)
        # the ids of the table (not the [rule, source] notes of cautions, which name rules)
        shown = [i for i in forbidden if re.search(r"(?<![\w-])%s(?![\w-])" % re.escape(i), out)]
        check("%s at %d columns: labels, not level ids" % (what, width), not shown,
              "ids printed: %r" % shown)
    pipe, at120 = knee(["compare"] + args), knee(["compare"] + args, 120)
    check("%s: a pipe without COLUMNS is laid out as at 120 columns" % what, pipe == at120)


with tempfile.TemporaryDirectory() as tmp:
    labelled = os.path.join(tmp, "labelled.xml")
    labelled_copy(os.path.join(ROOT, "tests/cli/data/small.xml"), labelled)
    check_layout("a rule file with labelled levels", ["--rules", labelled], ["lvl-"])
    # "lvl-" alone: any renamed id, whole or wrapped at a hyphen
    for width in WIDTHS:
        out = knee(["compare", "--rules", labelled], width)
        check("labelled levels at %d columns: 'lvl-' never printed, the labels are" % width,
              "lvl-" not in out and "Label of" in out, out[:400])

    rules = os.path.join(ROOT, "rules/knee-oa.xml")
    forbidden = level_ids_with_labels(open(rules, encoding="utf-8").read())
    check("the default rules have hyphenated level ids to look for", len(forbidden) >= 3)
    for args in PATIENTS:
        check_layout("default rules %s" % (" ".join(args) or "(no facts)"),
                     ["--rules", rules] + args, forbidden)

# the analyses under the table fit too
analyses = ["--rules", os.path.join(ROOT, "rules/knee-oa.xml"), "--fact", "age=72", "--fact",
            "kl_grade=4", "--smaa", "50", "--seed", "1", "--sensitivity", "--why", "pt,tka"]
for width in WIDTHS:
    lines = knee(["compare"] + analyses, width).splitlines()
    longest = max(len(line) for line in lines)
    check("with SMAA, sensitivity and --why at %d columns: no line is longer (longest %d)"
          % (width, longest), longest <= width and any(l.startswith("Uncertainty") for l in lines),
          next((l for l in lines if len(l) > width), ""))

print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
