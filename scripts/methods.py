#!/usr/bin/env python3
"""methods.py - the scoring methods are described in one table, and this checks that it stays so.

Usage: python3 scripts/methods.py [KNEE]   (CTest: layout.methods)

A method is its KNEE_METHOD_* id in include/knee.h, its row in src/base/names.c (name, words,
figures, setting, flags) and its kernel entry in src/engine/aggregate.c ("kernels"), both by that
id; its kernel lives in src/mcda/. Every other layer reads the row (docs/architecture.md, "Adding
a scoring method"). This fails when
  * a file outside those names a method (its KNEE_METHOD_* id, or its name as a C or Python
    string), except where the list EXCEPTIONS below says why;
  * a row has no kernel entry, or a kernel entry no row;
  * the lists that cannot read the table (the JSON result schema, the packed result's figures)
    leave out a method or a figure, or the rule file schema lists methods again (the loader
    checks a rule file's method= against the table);
  * given the knee command, `knee compare --help` leaves out a method (the bash completion offers
    what the help lists).
and prints the files that adding a method touches.
"""
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Where a method is named on purpose outside its table rows, and why.
EXCEPTIONS = {
    # the default method of a rule file that names none
    "KNEE_METHOD_WEIGHTED_SUM": {"src/rules/build.c"},
    # VIKOR's v is a setting of the public API (knee_compare_options_set_vikor_v): its default
    # comes from the row
    "KNEE_METHOD_VIKOR": {"src/engine/compare_options.c", "src/engine/evaluate.c"},
    # the packed result's fixed slots (KNEE_PACK_VERSION 1): the compromise flag is VIKOR's
    "vikor": {"bindings/python/knee/_pack.py"},
}
# The files every method is in (the kernel's own files in src/mcda/ come on top).
TABLE = ["include/knee.h", "src/base/names.c", "src/engine/aggregate.c"]


def read(path):
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        return f.read()


def code_files():
    for top in ("src", "include", "bindings/python/knee"):
        for d, _, names in os.walk(os.path.join(ROOT, top)):
            for n in sorted(names):
                if n.endswith((".c", ".h", ".py")):
                    yield os.path.relpath(os.path.join(d, n), ROOT)


def strip_comments(text, path):
    if path.endswith(".py"):
        return re.sub(r"#[^\n]*|\"\"\"[\s\S]*?\"\"\"", "", text)
    return re.sub(r"/\*[\s\S]*?\*/|//[^\n]*", "", text)


def table(problems):
    """{KNEE_METHOD_X: (name, figures)} from knee.h and names.c; the ids of aggregate.c's kernels."""
    ids = re.findall(r"#define (KNEE_METHOD_\w+) \d+", read("include/knee.h"))
    ids = [i for i in ids if i != "KNEE_METHOD_DEFAULT"]
    names = read("src/base/names.c")
    if "methods[] = {" not in names or "kernels[] = {" not in read("src/engine/aggregate.c"):
        problems.append("no method table (src/base/names.c, methods[]) or no kernel entries "
                        "(src/engine/aggregate.c, kernels[])")
        return {}
    body = names[names.index("methods[] = {"):]
    body = body[:body.index("\n};")]
    rows = {}
    for m in re.finditer(r"\[(KNEE_METHOD_\w+)\]\s*=\s*\{\"([^\"]+)\",\s*\"[^\"]*\",\s*\{([^}]*)\}", body):
        rows[m.group(1)] = (m.group(2), re.findall(r"\"([^\"]+)\"", m.group(3)))
    agg = read("src/engine/aggregate.c")
    kernels = agg[agg.index("kernels[] = {"):]
    kernels = set(re.findall(r"\[(KNEE_METHOD_\w+)\]\s*=\s*\w+", kernels[:kernels.index("};")]))
    for i in ids:
        if i not in rows:
            problems.append("%s has no row in src/base/names.c" % i)
        if i not in kernels:
            problems.append("%s has no kernel entry in src/engine/aggregate.c" % i)
    for i in set(rows) | kernels:
        if i not in ids:
            problems.append("%s is not a method of include/knee.h" % i)
    return {i: rows[i] for i in ids if i in rows}


def footprint(methods, problems):
    """{file: the methods it names} over the library, the command and the Python binding."""
    where = {}
    for path in code_files():
        text = strip_comments(read(path), path)
        for mid, (name, _) in methods.items():
            for token, pattern in ((mid, r"\b%s\b" % mid), (name, r"[\"']%s[\"']" % re.escape(name))):
                if not re.search(pattern, text):
                    continue
                if path in TABLE or path.startswith("src/mcda/") or path in EXCEPTIONS.get(token, ()):
                    where.setdefault(path, set()).add(mid)
                else:
                    problems.append("%s names the method %s: read its row (base/names.h) instead"
                                    % (path, token))
    return where


def lists(methods, problems):
    names = sorted(name for name, _ in methods.values())
    # A rule file's method= is checked by the loader against the table (unknown-method), so the
    # rule file schema must not restrict it.
    xsd = read("rules/schema/knee-rules-1.xsd")
    if re.search(r'<xs:attribute name="method">\s*<xs:simpleType>', xsd):
        problems.append("rules/schema/knee-rules-1.xsd: the method attribute lists names again; "
                        "leave it an xs:token (the loader checks the name against the table)")
    schema = json.loads(read("docs/result.schema.json"))
    found = []

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("method"), dict) and "enum" in node["method"]:
                found.append(sorted(node["method"]["enum"]))
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
    walk(schema)
    if found != [names]:
        problems.append("docs/result.schema.json: \"method\" lists %s, the table %s" % (found, names))
    pack = read("src/engine/result_pack.c")
    pack = re.findall(r"\"(\w+)\"", pack[pack.index("metric_names[] = {"):].split("};")[0])
    for mid, (name, figures) in methods.items():
        for f in figures:
            if f not in pack:
                problems.append("%s's figure %s has no slot in the packed result (result_pack.c)"
                                % (name, f))


def help_lists(knee, methods, problems):
    out = subprocess.run([knee, "compare", "--help"], capture_output=True, text=True).stdout
    line = next((l for l in out.splitlines() if l.strip().startswith("--method ")), "")
    listed = line.split()[1].split("|") if len(line.split()) > 1 else []
    if sorted(listed) != sorted(name for name, _ in methods.values()):
        problems.append("knee compare --help: --method lists %s" % listed)


def main():
    problems = []
    methods = table(problems)
    where = footprint(methods, problems)
    lists(methods, problems)
    if len(sys.argv) > 1:
        help_lists(sys.argv[1], methods, problems)
    for p in problems:
        print("methods: " + p)
    if problems:
        return 1
    for mid, (name, _) in methods.items():
        files = sorted(f for f, ms in where.items() if mid in ms)
        print("%-28s %d files: %s" % (name, len(files), " ".join(files)))
    print("methods: %d methods, each in its id, its row and its kernel entry (and its kernel in "
          "src/mcda/); adding one touches the files of docs/architecture.md, \"Adding a scoring "
          "method\"" % len(methods))
    return 0


if __name__ == "__main__":
    sys.exit(main())
