#!/usr/bin/env bash
# test_report_cli.sh - `knee report` run against the real binary: where the page goes, what it
# holds, its options and their errors, and the same bytes in every locale.
# usage: test_report_cli.sh KNEE_BINARY REPO_ROOT
# Prints one line per check and "N passed, N failed"; exits 1 if any check failed.
set -u

if [ $# -ne 2 ]; then
    echo "usage: $0 KNEE_BINARY REPO_ROOT" >&2
    exit 2
fi
KNEE=$1
ROOT=$2
TMP=$(mktemp -d)
trap 'chmod -R u+w "$TMP"; rm -rf "$TMP"' EXIT

passed=0
failed=0
rc=0

run() {
    "$KNEE" "$@" >"$TMP/out" 2>"$TMP/err"
    rc=$?
}

check() {
    local name=$1 cond=$2
    if eval "$cond"; then
        echo "ok   - $name"
        passed=$((passed + 1))
    else
        echo "FAIL - $name"
        echo "       condition: $cond (exit status was $rc)"
        head -c 600 "$TMP/out" | sed -e 's/^/       stdout: /' | head -n 8
        sed -e 's/^/       stderr: /' "$TMP/err" | head -n 8
        failed=$((failed + 1))
    fi
}

out_has() { grep -Eq -- "$1" "$TMP/out"; }
err_has() { grep -Eq -- "$1" "$TMP/err"; }
file_has() { grep -Eq -- "$2" "$1"; }

PATIENT="--fact age=72 --fact kl_grade=4 --fact payer=medicare"
CLIN="$PATIENT --audience clinician"   # the full page; the patient's page is tested below

# ---------------------------------------------------------------- where the page goes
run report $CLIN --date 2025-07-01 -o "$TMP/r.html"
check "-o FILE writes the page and prints nothing" \
    '[ $rc -eq 0 ] && [ ! -s "$TMP/out" ] && [ ! -s "$TMP/err" ] && [ -s "$TMP/r.html" ]'
check "the page starts with the HTML5 doctype" '[ "$(head -n 1 "$TMP/r.html")" = "<!DOCTYPE html>" ]'
check "the page has the statement, the grid and the date" \
    'file_has "$TMP/r.html" "does not replace the clinician" && file_has "$TMP/r.html" "class=\"grid" && file_has "$TMP/r.html" "<dd>2025-07-01</dd>"'
check "the page has no script and loads nothing" \
    '! grep -qi "<script" "$TMP/r.html" && ! grep -q " src=" "$TMP/r.html" && ! grep -q "@import" "$TMP/r.html"'
check "the page is well-formed XML as written" 'xmllint --noout "$TMP/r.html" 2>/dev/null || ! command -v xmllint >/dev/null'

run report $CLIN --date 2025-07-01 -o -
check "-o - writes the same page to standard output" '[ $rc -eq 0 ] && cmp -s "$TMP/out" "$TMP/r.html"'

run report $CLIN --output="$TMP/r2.html" --date 2025-07-01
check "--output=FILE works as -o" '[ $rc -eq 0 ] && cmp -s "$TMP/r2.html" "$TMP/r.html"'

run report $CLIN -o "$TMP/today.html"
check "without --date the report is dated today" \
    '[ $rc -eq 0 ] && file_has "$TMP/today.html" "<dd>$(date +%Y-%m-%d)</dd>"'

# ---------------------------------------------------------------- content follows the options
run report $CLIN --smaa 500 --seed 3 --sensitivity --date x -o -
check "--smaa adds the uncertainty chart, --sensitivity the stability table" \
    '[ $rc -eq 0 ] && out_has "Figure 2\\." && out_has "SMAA-2, seed 3" && out_has "How stable is the first place"'
run report --audience clinician --rules "$ROOT/tests/data/mini.xml" --patient "$ROOT/tests/data/patient-ok.xml" --date x -o -
check "--rules and --patient are used" '[ $rc -eq 0 ] && out_has "Mini rules for tests" && out_has "Facts given for this comparison"'
run report $CLIN --weight cost=100 --date x -o -
check "--weight changes who set the weights" '[ $rc -eq 0 ] && out_has "the patient.s preferences"'
run report $CLIN --method topsis --date x -o -
check "--method is named in the report" '[ $rc -eq 0 ] && out_has "TOPSIS"'

# ---------------------------------------------------------------- ties and unknown values, honestly
TIES="--rules $ROOT/tests/data/report-ties.xml"   # a and b tied first, a with an unknown cost
run report $TIES --audience clinician --sensitivity --date x -o -
check "tied options share a rank shown 1=, and the summary names them all as tied first" \
    '[ $rc -eq 0 ] && out_has "Ranked 1=, score 0\.75 \(0\.50–1\.00\)" && out_has "Tied first with these weights"'
check "a score with unknown values shows its range, never a bare score of 1" \
    'out_has "score 0\.75 of 1; from 0\.50 to 1\.00 depending on values no source gives yet" && ! out_has "1\.00 of 1"'
check "an unknown value says the range it is counted over" 'out_has "Counted over its plausible range: 0\.00 to 1\.00"'
check "the stability section says the top is tied, not that a winner leads by 0" \
    'out_has "are tied at the top\." && ! out_has "leads the next option by 0"'
run report $TIES --date x -o -
check "the patient's page says a tie in words, and an unknown value plainly" \
    '[ $rc -eq 0 ] && out_has "are tied for first\. Nothing here says which of them is better\." && out_has "Nobody has measured this" && ! out_has " of 1"'
run report --audience clinician --rules "$ROOT/tests/data/ranges.xml" --date x -o -
check "an unknown value's plausible bounds are shown" \
    '[ $rc -eq 0 ] && out_has "Plausible: \\\$100–\\\$300" && out_has "Plausible: moderate to high"'

# ---------------------------------------------------------------- the patient's page (the default)
run report $PATIENT --date 2025-07-01 -o -
check "the patient's page is the default: questions as rows, the statement, no option grid" \
    '[ $rc -eq 0 ] && out_has "What does it involve\?" && out_has "What will it cost me, and will insurance pay\?" && out_has "does not replace your doctor" && ! out_has "class=\"grid"'
check "the patient's page shows the top 4 options as columns" \
    '[ "$(grep -o "<th scope=\"col\"><span class=\"rf\">" "$TMP/out" | wc -l)" -eq 4 ]'
check "--audience patient is the same page" \
    'cp "$TMP/out" "$TMP/p.html"; run report $PATIENT --audience patient --date 2025-07-01 -o -; cmp -s "$TMP/out" "$TMP/p.html"'
run report $PATIENT --options tka,prp --date x -o -
check "--options adds the options asked for to the top three" \
    '[ $rc -eq 0 ] && [ "$(grep -o "<th scope=\"col\"><span class=\"rf\">" "$TMP/out" | wc -l)" -eq 5 ] && out_has ">Total knee replacement<" && out_has ">Platelet-rich plasma \(PRP\) injection<"'
run report $PATIENT --options tka,nosuch --date x -o -
check "--options with an id the rule file lacks is a usage error naming it" \
    '[ $rc -eq 2 ] && err_has "nosuch" && [ ! -s "$TMP/out" ]'
run report $PATIENT --options pt,tka,prp,gae,hto,uka --date x -o -
check "--options takes at most 5" '[ $rc -eq 2 ] && err_has "at most 5"'
run report $PATIENT --audience doctor -o -
check "--audience is patient or clinician" '[ $rc -eq 2 ] && err_has "patient or clinician"'
run report $PATIENT --weight harms=100 --date x -o -
check "--weight: the patient's page says it uses the patient's own priorities, and the usual order" \
    '[ $rc -eq 0 ] && out_has "uses your own priorities" && out_has "With the usual priorities, the first choice would be"'

# ---------------------------------------------------------------- errors
run report $CLIN
check "no -o is a usage error" '[ $rc -eq 2 ] && err_has "-o FILE"'
run report $CLIN -o a.html -o b.html
check "-o twice is a usage error" '[ $rc -eq 2 ] && err_has "twice"'
run report $CLIN --why pt,tka -o -
check "--why is a usage error for report" '[ $rc -eq 2 ] && err_has "why"'
run report $CLIN --format json -o -
check "--format is not a report option" '[ $rc -eq 2 ] && err_has "unknown option"'
run report $CLIN --date "" -o -
check "an empty --date fails" '[ $rc -eq 1 ] && err_has "date"'
run report --fact age=abc -o -
check "a bad fact fails before anything is written" '[ $rc -eq 1 ] && [ ! -s "$TMP/out" ] && err_has "age"'
mkdir "$TMP/ro" && chmod a-w "$TMP/ro"
if [ "$(id -u)" != 0 ]; then
    run report $CLIN -o "$TMP/ro/r.html"
    check "an unwritable -o fails with the reason" '[ $rc -eq 1 ] && err_has "cannot write"'
fi
run report $CLIN -o "$TMP/no/such/dir/r.html"
check "-o into a missing folder fails with the reason" '[ $rc -eq 1 ] && err_has "cannot write"'
run report --help
check "--help prints usage" '[ $rc -eq 0 ] && out_has "report"'

# ---------------------------------------------------------------- the same in every locale
if locale -a 2>/dev/null | grep -qi '^de_DE\.utf-\?8$'; then
    LC_ALL=de_DE.UTF-8 "$KNEE" report $CLIN --smaa 400 --sensitivity --date d -o "$TMP/de.html"
    LC_ALL=C "$KNEE" report $CLIN --smaa 400 --sensitivity --date d -o "$TMP/c.html"
    check "the page is the same under de_DE.UTF-8 and C" 'cmp -s "$TMP/de.html" "$TMP/c.html"'
else
    echo "FAIL - the de_DE.UTF-8 locale is missing (scripts/install-deps.sh installs it)"
    failed=$((failed + 1))
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
