#!/usr/bin/env bash
# test_textbook.sh - published worked examples reproduced by the knee command from ordinary rule
# files, not only by the kernels' unit tests (docs/methods.md, "How the kernels are verified").
# usage: test_textbook.sh KNEE_BINARY REPO_ROOT
set -u

. "$(dirname "$0")/harness.sh" "$@"
HY=$ROOT/tests/data/hwang-yoon-1981.xml

# closeness ID: option ID's TOPSIS closeness in the last JSON output
closeness() {
    python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
print(next(o["metrics"]["closeness"] for o in d["options"] if o["id"] == sys.argv[2]))' "$TMP/out" "$1"
}
# near X Y TOL: |X - Y| <= TOL
near() { python3 -c 'import sys; sys.exit(0 if abs(float(sys.argv[1]) - float(sys.argv[2])) <= float(sys.argv[3]) else 1)' "$@"; }

# Hwang & Yoon (1981), pp. 133-134: C = .643, .268, .613, .312, printed to 3 decimals (within
# half a unit of the last digit; C(A3) prints .613 for .61354, the book's own rounding slip).
run compare --rules "$HY" --method topsis --format json
check "Hwang & Yoon: knee compare runs TOPSIS on the rule file" '[ $rc -eq 0 ] && out_has "\"method\":\"topsis\""'
check "Hwang & Yoon: C(A1) = .643" 'near "$(closeness a1)" 0.643 0.0005'
check "Hwang & Yoon: C(A2) = .268" 'near "$(closeness a2)" 0.268 0.0005'
check "Hwang & Yoon: C(A3) = .613 (book slip: .61354)" 'near "$(closeness a3)" 0.613 0.00055'
check "Hwang & Yoon: C(A4) = .312" 'near "$(closeness a4)" 0.312 0.0005'
check "Hwang & Yoon: ranking A1 > A3 > A4 > A2" \
    '[ "$(python3 -c "import json,sys; print(\" \".join(o[\"id\"] for o in json.load(open(sys.argv[1]))[\"options\"]))" "$TMP/out")" = "a1 a3 a4 a2" ]'
run compare --rules "$HY" --format json
check "Hwang & Yoon: the file's own method= is topsis" '[ $rc -eq 0 ] && out_has "\"method\":\"topsis\""'
run test "$HY"
check "Hwang & Yoon: the file's test case (the book's ranking) passes" '[ $rc -eq 0 ] && out_has "1 case, 0 failed"'

# The scale's bounds do not change TOPSIS: the same file with the cost scale's worst at 1000
# instead of 10 gives the same closeness values, bit for bit.
sed 's/worst="10" best="0"/worst="1000" best="0"/' "$HY" >"$TMP/wide.xml"
run compare --rules "$HY" --method topsis --format json
before=$(closeness a4)
run compare --rules "$TMP/wide.xml" --method topsis --format json
check "TOPSIS does not depend on where a scale's worst is" '[ $rc -eq 0 ] && [ "$(closeness a4)" = "$before" ]'
run compare --rules "$TMP/wide.xml" --method topsis-utility --format json
check "topsis-utility (0.2's topsis) does" '[ $rc -eq 0 ] && [ "$(closeness a4)" != "$before" ]'

finish
