"""docs/writing-rules.md cannot rot: its rule file is examples/rules/heat-or-ice.xml byte for
byte, and every command of its console blocks, run in order in a scratch folder holding that
file (knee on PATH, COLUMNS=80), prints exactly the lines quoted under it.

usage: test_tutorial.py KNEE_BINARY REPO_ROOT
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

KNEE, ROOT = os.path.abspath(sys.argv[1]), sys.argv[2]
DOC = os.path.join(ROOT, "docs/writing-rules.md")
EXAMPLE = os.path.join(ROOT, "examples/rules/heat-or-ice.xml")
text = open(DOC, encoding="utf-8").read()
blocks = re.findall(r"^```(\w+)\n(.*?)^```$", text, flags=re.M | re.S)
passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print("ok   - " + name)
    else:
        failed += 1
        print("FAIL - %s%s" % (name, "\n" + detail if detail else ""))


xml = [body for lang, body in blocks if lang == "xml"]
check("the doc shows the rule file, the same as examples/rules/heat-or-ice.xml",
      len(xml) == 1 and xml[0] == open(EXAMPLE, encoding="utf-8").read())

# (command, expected output) pairs, in document order
steps = []
for lang, body in blocks:
    if lang != "console":
        continue
    for line in body.splitlines():
        if line.startswith("$ "):
            steps.append([line[2:], []])
        elif steps:
            steps[-1][1].append(line)
check("the doc has commands to run (%d)" % len(steps), len(steps) >= 8)

bindir = tempfile.mkdtemp()
os.symlink(KNEE, os.path.join(bindir, "knee"))
env = {"PATH": bindir + os.pathsep + "/usr/bin:/bin", "COLUMNS": "80", "LC_ALL": "C.UTF-8",
       "HOME": bindir}
with tempfile.TemporaryDirectory() as work:
    shutil.copy(EXAMPLE, os.path.join(work, "heat-or-ice.xml"))
    for command, expected in steps:
        p = subprocess.run(["bash", "-c", command], cwd=work, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, encoding="utf-8")
        got = p.stdout.splitlines()
        detail = ""
        if got != expected:
            detail = "  expected:\n" + "".join("    |%s\n" % l for l in expected) + \
                     "  got:\n" + "".join("    |%s\n" % l for l in got)
        check("$ " + command, got == expected, detail)
shutil.rmtree(bindir)

# the messages say how to fix the mistake
for needle in ("written as &lt;", 'write <ruleset xmlns="urn:libknee:rules:1"', "(its levels: "):
    check("a quoted message says how to fix it: %s" % needle, needle in text)

print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
