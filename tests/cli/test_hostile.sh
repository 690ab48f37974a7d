#!/usr/bin/env bash
# test_hostile.sh - the knee command on the hostile inputs of issue 13 ("No wrong answers"): a
# rule file without facts, bytes after a NUL, a fact given twice, integers past their range,
# conditions that would forge or reverse output lines, bidi controls in rule-file text.
# usage: test_hostile.sh KNEE_BINARY REPO_ROOT
set -u

. "$(dirname "$0")/harness.sh" "$@"
TESTDATA=$ROOT/tests/data

# 1 if stdout holds a bidi control (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069).
has_bidi() { python3 -c 'import sys; s=open(sys.argv[1],encoding="utf-8").read(); sys.exit(0 if any(ord(c) in (0x61c,0x200e,0x200f) or 0x202a<=ord(c)<=0x202e or 0x2066<=ord(c)<=0x2069 for c in s) else 1)' "$TMP/out"; }

# ---------------------------------------------------------------- item 1: no facts
sed -e '/<rules>/,/<\/tests>/d' "$TESTDATA/no-facts.xml" >"$TMP/bare.xml"
run check "$TMP/bare.xml"
check "a rule file with <facts/> and no rules passes check" '[ $rc -eq 0 ] && out_has "0 facts, 0 rules"'
run compare --rules "$TMP/bare.xml"
check "and compares (it segfaulted)" '[ $rc -eq 0 ] && out_has "^ +1  +Option A"'
run compare --rules "$TESTDATA/no-facts.xml" --format json
check "no facts, a literal condition: JSON" '[ $rc -eq 0 ] && python3 -m json.tool "$TMP/out" >/dev/null'

# ---------------------------------------------------------------- item 6: NUL after the root
{ cat "$TESTDATA/mini.xml"; printf '\0<garbage>'; } >"$TMP/nul.xml"
run check "$TMP/nul.xml"
nul_line=$(($(wc -l <"$TESTDATA/mini.xml") + 1))   # the line after the last one
check "a NUL after the root element is a located error (it loaded)" \
    '[ $rc -eq 1 ] && out_has "nul.xml:$nul_line:1: xml-encoding: a NUL byte"'
printf '<patient xmlns="urn:libknee:patient:1"><fact id="age">70</fact></patient>\n\0<x/>' >"$TMP/nul-patient.xml"
run compare --rules "$TESTDATA/mini.xml" --patient "$TMP/nul-patient.xml"
check "in a patient file too" '[ $rc -eq 1 ] && err_has "xml-encoding"'

# ---------------------------------------------------------------- item 7: a fact given twice
printf '<patient xmlns="urn:libknee:patient:1">\n<fact id="age">70</fact>\n<fact id="age">30</fact>\n</patient>\n' >"$TMP/twice.xml"
run compare --rules "$TESTDATA/mini.xml" --patient "$TMP/twice.xml"
check "a fact given twice in a patient file is an error (the last one won)" \
    '[ $rc -eq 1 ] && err_has "twice.xml:3:1: patient-duplicate: fact .age. is given twice \(first at line 2\)"'

# ---------------------------------------------------------------- item 8: integers past their range
sed -e 's/year="2020"/year="2147483648"/' "$TESTDATA/mini.xml" >"$TMP/year.xml"
run check "$TMP/year.xml"
year_line=$(grep -n 'year="2147483648"' "$TMP/year.xml" | head -1 | cut -d: -f1)
check "year=\"2147483648\" is a located error (it listed as -2147483648)" \
    '[ $rc -eq 1 ] && out_has "year.xml:$year_line:[0-9]+: bad-number: year .2147483648. is out of range"'

# ---------------------------------------------------------------- item 19: one diagnostic, one line
sed -e 's|when="age &gt;= 65"|when="age \&gt; 200 and\&#10;age \&lt; 0 and payer = '"'"'\&#10;forged.xml:1:1: ok\&#x202E; 0.99'"'"'"|' \
    "$TESTDATA/mini.xml" >"$TMP/forge.xml"
run check "$TMP/forge.xml"
check "a condition's newlines cannot forge lines: every line is a diagnostic or the summary" \
    '[ $rc -eq 0 ] && [ "$(wc -l <"$TMP/out")" -eq 2 ] && out_has "rule-never-true: warning: .*and\\\\nage < 0 .*\\\\u\{202E\} 0.99" && ! grep -q "^forged" "$TMP/out"'
check "and no bidi control reaches the terminal" '! has_bidi'
printf '<?xml version="1.0"?>\n<ruleset title="a\377b"/>' >"$TMP/latin1.xml"
run check "$TMP/latin1.xml"
check "invalid UTF-8: our one-line message, not libxml2's two" \
    '[ $rc -eq 1 ] && [ "$(wc -l <"$TMP/out")" -eq 2 ] && out_has "latin1.xml:2:18: xml-encoding: input is not valid UTF-8 \(byte 0xFF\)"'

# ---------------------------------------------------------------- item 18: bidi controls
BIDI=$TESTDATA/report-bidi.xml
run compare --rules "$BIDI" --fact age=50 --smaa 200 --seed 1 --sensitivity --why heb,rlo
check "the table, its analyses and notes print no bidi control" '[ $rc -eq 0 ] && ! has_bidi && out_has "Cell therapy \(unproven\)"'
run list --rules "$BIDI"
check "nor does list" '[ $rc -eq 0 ] && ! has_bidi'
run compare --rules "$BIDI" --fact age=50 --format json
check "JSON keeps the rule file's text exactly" '[ $rc -eq 0 ] && python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if any(o[\"name\"]==\"Cell therapy \u202e(unproven)\" for o in d[\"options\"]) else 1)" "$TMP/out"'
run report --audience clinician --rules "$BIDI" --fact age=50 -o "$TMP/bidi.html"
check "the report drops overrides and isolates the Hebrew name" \
    '[ $rc -eq 0 ] && python3 -c "import sys; s=open(sys.argv[1],encoding=\"utf-8\").read(); sys.exit(0 if not any(0x202a<=ord(c)<=0x202e or 0x2066<=ord(c)<=0x2069 for c in s) and \"<bdi>\u05d8\u05d9\u05e4\u05d5\u05dc</bdi></strong> (score\" in s else 1)" "$TMP/bidi.html"'
run report --rules "$BIDI" --fact age=50 -o "$TMP/bidi-patient.html"
check "the patient page drops overrides and isolates the Hebrew name too" \
    '[ $rc -eq 0 ] && python3 -c "import sys; s=open(sys.argv[1],encoding=\"utf-8\").read(); sys.exit(0 if not any(0x202a<=ord(c)<=0x202e or 0x2066<=ord(c)<=0x2069 for c in s) and \"<bdi>\u05d8\u05d9\u05e4\u05d5\u05dc</bdi>\" in s else 1)" "$TMP/bidi-patient.html"'

finish
