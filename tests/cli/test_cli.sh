#!/usr/bin/env bash
# test_cli.sh - what the knee command does, run against the real binary.
# usage: test_cli.sh KNEE_BINARY REPO_ROOT
# Prints one line per check and "N passed, N failed"; exits 1 if any check failed.
set -u

. "$(dirname "$0")/harness.sh" "$@"
SMALL=$DATA/small.xml
SHIPPED=$ROOT/rules/knee-oa.xml

# The widest line of stdout, in characters (not bytes: the table prints an en dash).
max_width() { python3 -c 'import sys; print(max((len(l.rstrip("\n")) for l in open(sys.argv[1], encoding="utf-8")), default=0))' "$TMP/out"; }
diag_line='^[^:]+:[0-9]+:[0-9]+: [a-z0-9-]+: '

# ---------------------------------------------------------------- version and help
run version
check "version prints the library version" '[ $rc -eq 0 ] && out_has "^[0-9]+\.[0-9]+\.[0-9]+"'
version=$(cat "$TMP/out")
run --version
check "--version prints the same" '[ $rc -eq 0 ] && [ "$(cat "$TMP/out")" = "$version" ]'
run help
check "help prints usage and exits 0" '[ $rc -eq 0 ] && out_has "^usage: knee" && out_has "compare"'
run
check "no arguments prints usage and exits 0" '[ $rc -eq 0 ] && out_has "^usage: knee"'
run --help
check "--help exits 0" '[ $rc -eq 0 ] && out_has "^usage: knee"'
run frobnicate
check "unknown command exits 2 with a message on stderr" \
    '[ $rc -eq 2 ] && err_has "unknown command .frobnicate." && [ ! -s "$TMP/out" ]'
run --frobnicate
check "unknown top-level option exits 2" '[ $rc -eq 2 ] && err_has "frobnicate"'
run compare --frobnicate
check "unknown compare option exits 2" '[ $rc -eq 2 ] && err_has "frobnicate"'
run compare --format xml
check "--format xml is a usage error" '[ $rc -eq 2 ] && err_has "xml"'
run compare --rules
check "--rules without a value is a usage error" '[ $rc -eq 2 ] && err_has "needs a value"'
run compare --fact age
check "--fact without = is a usage error" '[ $rc -eq 2 ] && err_has "NAME=VALUE"'
run check
check "check without files is a usage error" '[ $rc -eq 2 ]'

# ---------------------------------------------------------------- compare, built-in rules
run compare
check "compare (built-in rules) exits 0" '[ $rc -eq 0 ]'
check "compare table has a rank-1 row (a grid row, or stacked: the name, then its score)" \
    'out_has "^ *1=?  +[^ ].* [01]\.[0-9]{2}\*?( |$)" || out_has "^ +Score: [01]\.[0-9]{2}"'
check "compare table names the rule file and its sha256" \
    'out_has "^Rule file: .*sha256 [0-9a-f]{12}" && out_has "^Evidence as of: [0-9]{4}-[0-9]{2}-[0-9]{2}"'
check "compare table has the excluded and missing-facts sections" \
    'out_has "^Excluded$" && out_has "^Missing facts that would change the result:"'
check "compare table lines fit in 120 characters" '[ "$(max_width)" -le 120 ]'

run compare --fact age=72 --fact kl_grade=4 --fact payer=medicare --format json
check "compare --format json exits 0" '[ $rc -eq 0 ]'
cp "$TMP/out" "$TMP/default.json"
check "json output is valid JSON" 'python3 -m json.tool "$TMP/default.json" >/dev/null 2>&1'
check "json has options, ruleset and sha256" \
    'grep -q "\"options\"" "$TMP/default.json" && grep -q "\"ruleset\"" "$TMP/default.json" && grep -q "\"sha256\"" "$TMP/default.json"'
check "json ends with a newline" '[ "$(tail -c 1 "$TMP/default.json" | od -An -c | tr -d " ")" = "\n" ]'

run compare --fact agee=3
check "unknown fact exits 1 naming the fact" \
    '[ $rc -eq 1 ] && err_has "^knee: --fact agee=3: .*agee" && [ ! -s "$TMP/out" ]'
run compare --fact age=500
check "out-of-range age=500 exits 1" '[ $rc -eq 1 ] && err_has "^knee: --fact age=500: " && err_has "500"'
run compare --fact age=old
check "a non-number age exits 1" '[ $rc -eq 1 ] && err_has "age"'

# Criterion ids of the built-in rules, from the JSON (the CLI must not assume there are five).
criteria=$(python3 -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1]))["weights"]))' "$TMP/default.json" 2>/dev/null)
first_criterion=${criteria%% *}
if [ -n "$criteria" ]; then
    run compare --weight "$first_criterion=abc"
    check "--weight $first_criterion=abc exits 1" '[ $rc -eq 1 ] && err_has "^knee: --weight .*abc"'
    zero=()
    for c in $criteria; do zero+=(--weight "$c=0"); done
    run compare "${zero[@]}"
    check "all-zero weights (built-in rules) exit 1" '[ $rc -eq 1 ] && err_has "^knee: compare: "'
    run list
    ids=$(python3 -c 'import json,sys; print(" ".join(o["id"] for o in json.load(open(sys.argv[1]))["options"]))' "$TMP/default.json")
    missing=""
    for id in $ids; do grep -Eq "^  $id( |$)" "$TMP/out" || missing="$missing $id"; done
    check "list prints every option id of the built-in rules" '[ $rc -eq 0 ] && [ -n "$ids" ] && [ -z "$missing" ]'
else
    check "criteria could be read from the JSON weights" 'false'
fi

# ---------------------------------------------------------------- compare, a known rule file
run compare --rules "$SMALL"
check "compare --rules small.xml exits 0" '[ $rc -eq 0 ]'
check "rank 1 is physical therapy" 'out_has "^ *1  Physical therapy "'
check "header gives title, id, version and evidence date" \
    'out_has "^CLI test rules$" && out_has "^Rule file: cli-small 2\.0\.1 " && out_has "^Evidence as of: 2025-03-15$"'
check "ordinal values show the level" 'out_has "not-covered" && out_has "moderate"'
check "an unknown value reads unknown" 'out_has "^ *[0-9]+  Stem-cell .* unknown$"'
check "an unknown value gives its option a score range" 'out_has "^ *4  Stem-cell +0\.54 \(0\.41–0\.66\)  "'
check "the line under the table says what the unknown values mean" \
    'out_has "^1 of the 20 values above is unknown \(no sourced value\)\. Each counts with its full weight"'
check "a table without ties has no = rank" '! out_has "^ *[0-9]+=  " && ! out_has "rank with = is shared"'
check "small table with a score range fits in 120 characters" '[ "$(max_width)" -le 120 ]'
# the values in words, with no score range to make the table wider
run compare --rules "$SMALL" --missing worst
check "--missing worst scores the unknown at utility 0: no range" \
    '[ $rc -eq 0 ] && out_has "^ *4  Stem-cell injection +0\.41  " && out_has "scored by the missing policy .worst., not by evidence"'
check "numeric values show unit and range" 'out_has "90 days \(42–365\)"'
check "costs use thousands separators" 'out_has "\\\$20,000 \(\\\$15,000–\\\$35,000\)" && out_has "\\\$8,000 \(\\\$5,000–\\\$12,500\.50\)"'
# (a note may wrap: join the lines under the row before matching)
check "a caution is shown under its option with rule and source" \
    'grep -A4 "Stem-cell " "$TMP/out" | grep -Eq "^ +caution: Not approved" &&
     grep -A4 "Stem-cell " "$TMP/out" | tr -s " \n" "  " | grep -q "evidence is still under study \[rule stem-cell-unproven, source src-b\]"'
check "missing facts are listed" 'out_has "^  kl_grade \(Kellgren-Lawrence grade\)$" && out_has "^  payer$"'
check "excluded section says none" 'grep -A1 "^Excluded$" "$TMP/out" | grep -q "none"'
check "small table lines fit in 120 characters" '[ "$(max_width)" -le 120 ]'

run compare --rules "$SMALL" --fact kl_grade=2 --fact prior=steroid-3mo
check "an excluded option is listed with its reason, rule and source" \
    '[ $rc -eq 0 ] && grep -A2 "^Excluded$" "$TMP/out" | grep -q "Total knee arthroplasty (tka)" &&
     out_has "reason: Replacement is for end-stage disease \[rule tka-early-oa, source src-a\]"'
check "an excluded option is not ranked" '! out_has "^ *[0-9]+  Total knee "'

run compare --rules "$SMALL" --patient "$DATA/patient.xml"
check "--patient reads facts (kl_grade 2 excludes tka)" '[ $rc -eq 0 ] && out_has "rule tka-early-oa"'
check "--patient reads facts (payer medicare gives the caution)" 'out_has "Medicare does not pay"'
run compare --rules "$SMALL" --patient "$DATA/patient.xml" --fact kl_grade=4
check "--fact overrides the patient file" '[ $rc -eq 0 ] && ! out_has "rule tka-early-oa" && out_has "^ *[0-9]+  Total knee "'
run compare --rules "$SMALL" --patient "$DATA/patient.xml" --fact kl_grade=
check "an empty --fact value makes the fact unknown" '[ $rc -eq 0 ] && ! out_has "rule tka-early-oa" && out_has "^  kl_grade "'
run compare --rules "$SMALL" --patient "$ROOT/tests/cli/data/does-not-exist.xml"
check "a missing patient file exits 1" '[ $rc -eq 1 ] && err_has "^knee: patient .*does-not-exist"'
run compare --rules "$SMALL" --patient "$DATA/malformed.xml"
check "a patient file that is not a patient exits 1" '[ $rc -eq 1 ] && err_has "^knee: patient "'

run compare --rules "$SMALL" --weight cost=abc
check "--weight cost=abc exits 1" '[ $rc -eq 1 ] && err_has "^knee: --weight cost=abc: .*abc"'
run compare --rules "$SMALL" --weight cost=1,5
check "--weight with a decimal comma exits 1" '[ $rc -eq 1 ]'
run compare --rules "$SMALL" --weight cost=0x10
check "--weight in hex exits 1" '[ $rc -eq 1 ]'
run compare --rules "$SMALL" --weight cost=-1
check "a negative weight exits 1" '[ $rc -eq 1 ] && err_has "^knee: --weight cost=-1: "'
run compare --rules "$SMALL" --weight costs=1
check "a weight on an unknown criterion exits 1, suggesting the nearest" \
    '[ $rc -eq 1 ] && err_has "unknown criterion .costs.: did you mean .cost.\?$"'
run compare --rules "$SMALL" --fact agee=70
check "an unknown fact suggests the nearest id" \
    '[ $rc -eq 1 ] && err_has "^knee: --fact agee=70: .*unknown fact .agee. .*: did you mean .age.\?$"'
run compare --rules "$SMALL" --fact prior=PT
check "a value that is not allowed suggests the nearest (any case) and lists the allowed ones" \
    '[ $rc -eq 1 ] && err_has "did you mean .pt.\? \(it takes a set of members from: pt, steroid-3mo\)$"'
run compare --rules "$SMALL" --fact age=abc
check "a bad number names the type and range the fact takes" \
    '[ $rc -eq 1 ] && err_has "^knee: --fact age=abc: .*.abc. is not a number \(it takes a number from 0 to 120\)$"'
run compare --rules "$SMALL" --weight invasiveness=0 --weight recovery=0 --weight cost=0 \
    --weight coverage=0 --weight evidence=0
check "all-zero weights exit 1" '[ $rc -eq 1 ] && err_has "^knee: compare: " && [ ! -s "$TMP/out" ]'
run compare --rules "$SMALL" --weight invasiveness=0 --weight recovery=0 --weight cost=1.5e1 \
    --weight coverage=0 --weight evidence=0 --format json
check "weights parse as decimals (cost only: weight 1)" \
    '[ $rc -eq 0 ] && python3 -c "import json,sys; w=json.load(open(sys.argv[1]))[\"weights\"]; sys.exit(0 if abs(w[\"cost\"]-1)<1e-9 else 1)" "$TMP/out"'
LC_ALL=de_DE.UTF-8 LANG=de_DE.UTF-8 run compare --rules "$SMALL" --weight cost=2.5 --format json
check "a decimal-point weight works under a comma-decimal locale" \
    '[ $rc -eq 0 ] && python3 -m json.tool "$TMP/out" >/dev/null 2>&1'
run compare --rules "$SMALL" --patient "$DATA/patient.xml"
cp "$TMP/out" "$TMP/table.c-locale"
LC_ALL=de_DE.UTF-8 LANG=de_DE.UTF-8 run compare --rules "$SMALL" --patient "$DATA/patient.xml"
check "the table is the same under a comma-decimal locale" \
    '[ $rc -eq 0 ] && cmp -s "$TMP/out" "$TMP/table.c-locale" && out_has " 0\.[0-9]{2} "'
run compare --rules "$DATA/malformed.xml"
check "compare on a broken rule file exits 1 with file:line:col detail" \
    '[ $rc -eq 1 ] && err_has "^knee: rules .*malformed\.xml" && err_has "malformed\.xml:[0-9]+:[0-9]+: "'

# ---------------------------------------------------------------- check
run check "$SMALL"
check "check on a valid file exits 0 and says ok" \
    '[ $rc -eq 0 ] && out_has "small\.xml: ok \(4 options, 5 criteria"'
run check "$DATA/malformed.xml"
check "check on malformed XML prints file:line:col: code: lines and exits 1" \
    '[ $rc -eq 1 ] && out_has "malformed\.xml:[0-9]+:[0-9]+: [a-z0-9-]+: " && out_has "malformed\.xml: failed"'
# line_of FILE TEXT: the line number of the last line of FILE holding TEXT.
line_of() { grep -nF -- "$2" "$1" | tail -n 1 | cut -d: -f1; }
run check "$DATA/duplicate-id.xml"
line=$(line_of "$DATA/duplicate-id.xml" '<treatment id="pt"')
check "check reports a duplicate id at its line" \
    '[ $rc -eq 1 ] && out_has "duplicate-id\.xml:$line:[0-9]+: duplicate-id: "'
run check "$DATA/bad-condition.xml"
line=$(line_of "$DATA/bad-condition.xml" 'agee')
check "check reports an undeclared fact in a condition" \
    '[ $rc -eq 1 ] && out_has "bad-condition\.xml:$line:[0-9]+: [a-z0-9-]+: .*agee"'
run check "$DATA/many-errors.xml"
l1=$(line_of "$DATA/many-errors.xml" '<treatment id="pt"')
l2=$(line_of "$DATA/many-errors.xml" 'open-surgery')
l3=$(line_of "$DATA/many-errors.xml" 'src-zzz')
check "check prints every problem, not just the first" \
    '[ $rc -eq 1 ] && [ "$(grep -Ec "$diag_line" "$TMP/out")" -ge 3 ] &&
     out_has "many-errors\.xml:$l1:" && out_has "many-errors\.xml:$l2:" && out_has "many-errors\.xml:$l3:"'
run check "$DATA/warning.xml"
line=$(line_of "$DATA/warning.xml" 'typical="300"')
check "check passes a file with warnings and shows them" \
    '[ $rc -eq 0 ] && out_has "warning\.xml:$line:[0-9]+: [a-z0-9-]+: warning: " && out_has "warning\.xml: ok"'
run check --strict "$DATA/warning.xml"
check "check --strict fails on warnings" '[ $rc -eq 1 ] && out_has "warning\.xml: failed"'
run check "$SMALL" "$DATA/duplicate-id.xml"
check "check on several files checks each and fails if one fails" \
    '[ $rc -eq 1 ] && out_has "small\.xml: ok" && out_has "duplicate-id\.xml: failed"'
run check "$DATA/does-not-exist.xml"
check "check on a missing file exits 1" '[ $rc -eq 1 ] && out_has "does-not-exist\.xml"'
run check --frobnicate "$SMALL"
check "check with an unknown option exits 2" '[ $rc -eq 2 ]'
if [ -f "$SHIPPED" ]; then
    run check "$SHIPPED"
    check "check on rules/knee-oa.xml exits 0" '[ $rc -eq 0 ] && out_has "knee-oa\.xml: ok"'
else
    skip "check on rules/knee-oa.xml (file not written yet)"
fi

# ---------------------------------------------------------------- list
run list --rules "$SMALL"
check "list exits 0" '[ $rc -eq 0 ]'
missing=""
for id in pt steroid stem-cell tka; do grep -Eq "^  $id +[A-Z]" "$TMP/out" || missing="$missing $id"; done
check "list prints every option id" '[ -z "$missing" ]'
check "list prints criteria with direction, unit, weight and levels" \
    'out_has "^  recovery +Recovery time +minimize +days +20 +numeric" &&
     out_has "^  evidence +Evidence +maximize +- +25 +very-low < low < moderate < high"'
check "list prints facts with type, bounds and allowed values" \
    'out_has "^  age +number +years +0\.\.120" && out_has "^  prior +set +pt, steroid-3mo" && out_has "^  payer +string +any"'
check "list prints sources with year and title" 'out_has "^  src-b +2023 +Test source B"'
check "list prints metadata" 'out_has "^  sha256 +[0-9a-f]{64}$" && out_has "^  evidence as of +2025-03-15$"'
run list "$SMALL"
check "list with a bare file argument is a usage error" '[ $rc -eq 2 ]'

# ---------------------------------------------------------------- test
run test "$SMALL"
check "test on passing cases exits 0" '[ $rc -eq 0 ] && out_has "small\.xml: 2 cases, 0 failed"'
run test "$DATA/failing-tests.xml"
check "test on a failing case exits 1 and reports it" \
    '[ $rc -eq 1 ] && out_has "failing-tests\.xml: 2 cases, 1 failed" && out_has "^  end-stage: tka"'
run test "$SMALL" "$DATA/failing-tests.xml"
check "test on several files fails if one fails" '[ $rc -eq 1 ] && out_has "small\.xml: 2 cases, 0 failed"'
run test "$DATA/malformed.xml"
check "test on a broken file exits 1" '[ $rc -eq 1 ] && err_has "malformed\.xml"'
run test
check "test with no file runs the built-in rules" '[ $rc -eq 0 ] && out_has "[0-9]+ cases?, 0 failed"'

# ---------------------------------------------------------------- memory (valgrind)
# Everything is freed on success and on every error path. Skipped when valgrind is missing,
# for sanitizer builds (they cannot run under valgrind) or with KNEE_CLI_VALGRIND=0.
if command -v valgrind >/dev/null 2>&1 && [ "${KNEE_CLI_VALGRIND:-1}" != 0 ] &&
   ! (ldd "$KNEE" 2>/dev/null | grep -Eq 'libasan|libubsan|libtsan'); then
    vg() {
        valgrind --quiet --error-exitcode=99 --leak-check=full \
            --errors-for-leak-kinds=definite,indirect "$KNEE" "$@" >"$TMP/out" 2>"$TMP/err"
        rc=$?
    }
    vg compare --rules "$SMALL" --patient "$DATA/patient.xml" --fact prior=pt,steroid-3mo
    check "valgrind: compare table is clean" '[ $rc -eq 0 ]'
    vg compare --fact age=72 --format json
    check "valgrind: compare json is clean" '[ $rc -eq 0 ]'
    vg compare --rules "$SMALL" --fact age=72 --fact agee=3
    check "valgrind: unknown fact path is clean" '[ $rc -eq 1 ]'
    vg compare --rules "$SMALL" --weight cost=abc
    check "valgrind: bad weight path is clean" '[ $rc -eq 1 ]'
    vg check "$DATA/many-errors.xml" "$DATA/warning.xml" "$DATA/malformed.xml"
    check "valgrind: check is clean" '[ $rc -eq 1 ]'
    vg list --rules "$SMALL"
    check "valgrind: list is clean" '[ $rc -eq 0 ]'
    vg test "$DATA/failing-tests.xml"
    check "valgrind: test is clean" '[ $rc -eq 1 ]'
else
    skip "valgrind checks (valgrind missing, sanitizer build or KNEE_CLI_VALGRIND=0)"
fi

# ---------------------------------------------------------------- decision analysis (issue 5)
run compare --fact age=72 --fact kl_grade=4 --method topsis --format json
check "--method topsis is used and reported" '[ $rc -eq 0 ] && out_has "\"method\":\"topsis\"" && out_has "\"closeness\":"'
run compare --method ahp
check "--method with an unknown name is a usage error" '[ $rc -eq 2 ] && err_has "promethee2"'
run compare --fact age=72 --method vikor --vikor-v 0.3 --format json
check "--method vikor reports S, R, Q and v" '[ $rc -eq 0 ] && out_has "\"v\":0.3" && out_has "\"compromise\":"'
run compare --fact age=72 --fact kl_grade=4 --smaa 500 --seed 9 --format json
cp "$TMP/out" "$TMP/smaa1"
run compare --fact age=72 --fact kl_grade=4 --smaa 500 --seed 9 --format json
check "--smaa with a seed reproduces bit for bit" '[ $rc -eq 0 ] && cmp -s "$TMP/out" "$TMP/smaa1" && out_has "\"smaa\":\\{\"samples\":500,\"seed\":9"'
run compare --fact age=72 --fact kl_grade=4 --smaa 500 --seed 9
check "--smaa table shows how often options rank first" '[ $rc -eq 0 ] && out_has "^Uncertainty \\(SMAA-2, 500 samples, seed 9\\)"'
run compare --rules "$SMALL" --sensitivity
check "--sensitivity prints each weight range and the margin" '[ $rc -eq 0 ] && out_has "^Sensitivity: Physical therapy stays first" && out_has "Margin over the runner-up"'
# Ties: the 2.0 default rules have none at the top, so a small file with two options tied first
# (A with an unknown cost), A renamed "Zeta" so that listing by name differs from file order.
TIES=$TMP/ties.xml
sed 's/name="Option A"/name="Zeta"/' "$ROOT/tests/data/report-ties.xml" >"$TIES"
run compare --rules "$TIES" --sensitivity
check "--sensitivity on a tied top says so, with no margin and no FRAGILE" \
    '[ $rc -eq 0 ] && out_has "^Sensitivity: tied at the top: Option B and Zeta" &&
     ! out_has "Margin over the runner-up" && ! out_has "FRAGILE" && ! out_has "changes the winner"'
run compare --fact age=72 --why tka,pt
check "--why A,B explains for and against" '[ $rc -eq 0 ] && out_has "^Why Total knee replacement ranks below" && out_has "^  Against:"'
# 2.0: the gel has no US price and no known recovery, the steroid injection has both
run compare --fact age=72 --fact kl_grade=4 --fact payer=medicare --why steroid-injection,pahg
check "--why never counts an unknown value for or against" \
    '[ $rc -eq 0 ] && ! sed -n "/^  For:/,/^  Unknown/p" "$TMP/out" | grep -Eq "^    (Cost|Recovery time|Insurance coverage) " &&
     sed -n "/^  Unknown/,\$p" "$TMP/out" | grep -Eq "^    Cost +-?[0-9.]+ to -?[0-9.]+: could favour either"'
run compare --fact age=72 --why steroid-injection,pahg --format json
check "--why JSON lists the unknown criteria apart" \
    '[ $rc -eq 0 ] && out_has "\"unknown\":\[\{\"criterion\":\"recovery\"" && ! out_has "\"for\":\[[^]]*\"cost\""'
run compare --rules "$TIES"
check "ties read 1= and the line under the table says so" \
    '[ $rc -eq 0 ] && out_has "^ +1=  Zeta +0\.75 \(0\.50–1\.00\)" &&
     out_has "^ +1=  Option B " && out_has "^ +3  Option C " && out_has "^A rank with = is shared"'
check "tied options are listed by name, not in file order (A, renamed Zeta, comes first in the file)" \
    '[ "$(grep -E "^ +1=  " "$TMP/out" | sed -E "s/^ +1=  //; s/  .*//" | tr "\n" "|")" = "Option B|Zeta|" ]'
run compare --missing guess
check "--missing with an unknown policy is a usage error" '[ $rc -eq 2 ] && err_has "--missing is interval, renormalise"'
run compare --fact age=72 --missing renormalise --format json
check "--missing renormalise is used and said in the JSON" \
    '[ $rc -eq 0 ] && out_has "\"missing_policy\":\"renormalise\"" && ! out_has "\"missing\":\"interval\""'
run test "$ROOT/tests/data/ranges.xml"
check "rule-file cases with above= and rank-range-best/worst= pass" '[ $rc -eq 0 ] && out_has "1 case, 0 failed"'
run compare --fact age=72 --why tka,nothing
check "--why with an unknown option fails naming it" '[ $rc -eq 1 ] && err_has "nothing"'
run compare --fact age=72 --why tka,pt --format json
check "--why with --format json prints the explanation" '[ $rc -eq 0 ] && out_has "\"a\":\"tka\",\"b\":\"pt\"" && python3 -m json.tool "$TMP/out" >/dev/null'
run compare --rank-criteria evidence,invasiveness --format json
check "--rank-criteria sets rank-order centroid weights" '[ $rc -eq 0 ] && python3 -c "import json,sys; w=json.load(open(sys.argv[1]))[\"weights\"]; sys.exit(0 if abs(w[\"evidence\"]-(1+1/2+1/3+1/4+1/5+1/6+1/7+1/8)/8)<1e-12 else 1)" "$TMP/out"'
run compare --rank-criteria evidence,evidence
check "--rank-criteria with a repeated criterion fails" '[ $rc -eq 1 ]'
run compare --swing cost=150
check "--swing outside 0-100 fails" '[ $rc -eq 1 ] && err_has "0 to 100"'

# ---------------------------------------------------------------- FHIR record (issue 8)
SYNTHEA=$ROOT/tests/data/fhir/Chauncey_Johnston_f4673866-81fb-411a-8486-0c27f2a5b480.json
run compare --fhir "$SYNTHEA" --as-of 2026-01-15
check "--fhir lists the facts taken from the record" '[ $rc -eq 0 ] && out_has "^Facts from the record" && out_has "^  payer = private"'
run compare --fhir "$SYNTHEA" --as-of 2026-01-15 --format json
check "--fhir with --format json adds the FHIR report" '[ $rc -eq 0 ] && python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d[\"fhir\"][\"facts\"] and d[\"options\"] else 1)" "$TMP/out"'
run compare --fhir "$SYNTHEA" --as-of 2026-01-15 --fact payer=medicare --format json
check "--fact overrides the record" '[ $rc -eq 0 ] && python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if any(r[\"rule\"]==\"medicare-coverage\" for o in d[\"options\"] for r in o[\"cautions\"]) else 1)" "$TMP/out"'
run compare --fhir "$SYNTHEA"
check "--fhir without --as-of is a usage error" '[ $rc -eq 2 ] && err_has "as-of"'
run compare --fhir "$ROOT/tests/data/mini.xml" --as-of 2026-01-15
check "--fhir on a file that is not FHIR fails clearly" '[ $rc -eq 1 ] && err_has "fhir"'

# ---------------------------------------------------------------- regions (rules/README.md, "Regions")
# 2.0: outside the US only the file's non-US rules apply to a country with no rule of its own
run compare --fact region=BR --fact age=60
check "a country the rules have no rule for is accepted, and the table says which regional rules applied" \
    '[ $rc -eq 0 ] && out_has "^Region br: [0-9]+ regional rules applied: region-prices"'
run compare --fact region=br --format json
check "... and the JSON says so, with no US rule applied" \
    '[ $rc -eq 0 ] && out_has "\"regional_rules\":\[\{\"fact\":\"region\",\"value\":\"br\",\"rules\":\[\"region-prices\"" && ! out_has "\"rules\":\[[^]]*stem-cell-fda"'
run compare --fact region=gb
check "gb is the file's uk group: the UK rules apply" '[ $rc -eq 0 ] && out_has "^Region gb: [0-9]+ regional rules applied: region-prices" && out_has "gb-nhs-injections"'
run compare --fact region=zz
check "a region that is neither a code nor a group is refused" '[ $rc -ne 0 ] && err_has "ISO 3166-1"'

finish
