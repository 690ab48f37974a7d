#!/bin/bash
# Usage: differential.sh OLD_KNEE NEW_KNEE SOURCE_DIR WORK_DIR
# Runs two builds of the knee command on the same inputs and fails when any output differs:
# standard output, standard error (timings taken out) and exit status. The inputs: every golden
# case (JSON and table, each method, the analyses, the report), list, check and test, the
# population files of tests/cli/data, generated populations (CSV and JSON lines, bad rows, CRLF,
# a byte-order mark, --full, --strict, --max-errors, weights, methods) on 1, 2 and 4 threads,
# and JSON lines with every kind of value, right and wrong. scripts/differential.sh builds the
# old command from a commit and runs this; use it for a change that must not change any output.
set -u
old=$1
new=$2
src=$3
work=$4
mkdir -p "$work"
rules=$src/rules/knee-oa.xml
data=$src/tests/cli/data
cases=0
failed=0

# run NAME ARGS...: both commands, compared. Standard input, when the case needs one, is
# $work/stdin.
run() {
    local name=$1 so se sn rc_old rc_new
    shift
    cases=$((cases + 1))
    (cd "$work" && "$old" "$@" <"$work/stdin" >"$work/old.out" 2>"$work/old.err")
    rc_old=$?
    (cd "$work" && "$new" "$@" <"$work/stdin" >"$work/new.out" 2>"$work/new.err")
    rc_new=$?
    for f in old new; do   # the summary's timings differ from run to run
        sed -i -E 's/ in [0-9.,]+ s \([0-9,]+ patients\/s\)//' "$work/$f.err"
    done
    if [ "$rc_old" != "$rc_new" ] || ! cmp -s "$work/old.out" "$work/new.out" ||
        ! cmp -s "$work/old.err" "$work/new.err"; then
        echo "DIFFERS: $name (exit $rc_old / $rc_new): knee $*"
        diff -u "$work/old.out" "$work/new.out" | head -20
        diff -u "$work/old.err" "$work/new.err" | head -20
        failed=$((failed + 1))
    fi
}

: >"$work/stdin"

# ---- one patient: the golden cases, every method, the analyses, the report ----------------------
for args in "$src"/tests/golden/*.args; do
    name=$(basename "$args" .args)
    mapfile -t argv < <(grep -v '^#' "$args" | sed '/^$/d' | sed "s|@DATA@|$src/tests/data|g")
    run "$name json" compare "${argv[@]}" --format json
    run "$name table" compare "${argv[@]}"
    for m in weighted-sum topsis topsis-minmax topsis-utility promethee2 vikor; do
        run "$name $m" compare "${argv[@]}" --method "$m" --format json
        run "$name $m table" compare "${argv[@]}" --method "$m"
    done
    run "$name analyses" compare "${argv[@]}" --smaa 300 --seed 7 --sensitivity --format json
    run "$name analyses table" compare "${argv[@]}" --smaa 300 --seed 7 --sensitivity
    for mi in interval renormalise worst best neutral refuse; do
        run "$name missing $mi" compare "${argv[@]}" --missing "$mi" --format json
    done
    run "$name report" report "${argv[@]}" --smaa 200 --seed 3 --sensitivity --date 2026-01-02 -o -
    run "$name report vikor" report "${argv[@]}" --method vikor --date 2026-01-02 -o -
done
run "why" compare --fact age=72 --fact kl_grade=4 --why exercise,tka
run "rank criteria" compare --fact age=60 --rank-criteria cost,evidence --rank-scheme rank-sum
run "swing" compare --fact age=60 --swing cost=80 --swing evidence=20 --format json
run "list" list
run "list small" list --rules "$data/small.xml"
run "test" test
run "help" help
run "usage" compare --method nope
for f in "$rules" "$data"/*.xml; do
    run "check $(basename "$f")" check --strict "$f"
done
run "test failing" test "$data/failing-tests.xml"

# ---- populations -------------------------------------------------------------------------------
# pop NAME INPUT ARGS...: each output format, on 1, 2 and 4 threads.
pop() {
    local name=$1 input=$2 t
    shift 2
    for t in 1 2 4; do
        run "$name csv t$t" compare --patients "$input" --threads "$t" -q "$@"
        run "$name jsonl t$t" compare --patients "$input" --threads "$t" -q --format jsonl "$@"
        run "$name full t$t" compare --patients "$input" --threads "$t" -q --format jsonl --full "$@"
    done
}
pop "small" "$data/population-small.csv" --rules "$data/small.xml"
pop "small ids" "$data/population-small.csv" --rules "$data/small.xml" --id-column payer
run "small summary" compare --patients "$data/population-small.csv" --rules "$data/small.xml"
run "small strict" compare --patients "$data/population-small.csv" --rules "$data/small.xml" --strict
run "small max-errors" compare --patients "$data/population-small.csv" --rules "$data/small.xml" \
    --max-errors 1

gen=$src/tests/cli/gen_patients.py
python3 "$gen" "$work/gen.csv" 3000 --bad-every 7
python3 "$gen" "$work/gen-crlf.csv" 500 --crlf --bom --bad-every 5
python3 "$gen" "$work/gen.jsonl" 3000 --format jsonl --bad-every 11
python3 "$gen" "$work/gen-full.jsonl" 300 --format jsonl --bad-every 13
pop "generated" "$work/gen.csv"
pop "generated crlf" "$work/gen-crlf.csv"
pop "generated jsonl" "$work/gen.jsonl"
pop "generated full" "$work/gen-full.jsonl" --method vikor --weight cost=40 --swing evidence=90
for m in topsis promethee2 vikor topsis-minmax topsis-utility; do
    run "generated $m" compare --patients "$work/gen.csv" --threads 2 -q --method "$m"
done
run "generated missing" compare --patients "$work/gen.csv" -q --missing renormalise --format jsonl
run "generated weights" compare --patients "$work/gen.csv" -q --rank-criteria evidence,cost
run "generated strict" compare --patients "$work/gen.csv" -q --strict --threads 2
run "generated max-errors" compare --patients "$work/gen.csv" --max-errors 5 --threads 4
run "generated smaa" compare --patients "$work/gen-full.jsonl" -q --format jsonl --full --smaa 50 \
    --seed 2 --sensitivity --threads 2
run "generated unknown columns" compare --patients "$work/gen.csv" -q --ignore-unknown-columns \
    --rules "$data/small.xml"
run "generated unknown columns refused" compare --patients "$work/gen.csv" -q --rules "$data/small.xml"
cp "$work/gen.csv" "$work/stdin"
run "standard input" compare --patients - -q --threads 2
: >"$work/stdin"

# JSON lines with every kind of value, right and wrong, and lines that are not objects.
cat >"$work/kinds.jsonl" <<'EOF'
{"id":"numbers","age":72,"kl_grade":4,"bmi":31.5,"payer":"medicare"}
{"id":"texts","age":"72","kl_grade":"4","bmi":"31.5","diabetes":"yes","payer":"medicare"}
{"id":7,"age":64.0,"kl_grade":3.0,"diabetes":true,"ckd":false,"prior":["failed-conservative","ha-6mo"]}
{"id":"set as text","prior":"failed-conservative, steroid-injection-3mo","diabetes":"no"}
{"id":"set twice","prior":["genicular-block","genicular-block"]}
{"id":"empty set","prior":[]}
{"id":"nulls","age":null,"kl_grade":null,"prior":null,"payer":null}
{"id":"bool for number","age":true}
{"id":"number for bool","diabetes":1}
{"id":"number for string","payer":12}
{"id":"list for number","age":[1,2]}
{"id":"object","age":{"value":3}}
{"id":"member not text","prior":["pt",3]}
{"id":"bad member","prior":["no-such-thing"]}
{"id":"range","age":130,"kl_grade":7}
{"id":"whole","kl_grade":2.5}
{"id":"huge","kl_grade":1e300,"age":-1e300}
{"id":"unknown","no_such_fact":1,"age":50}
{"id":null,"age":50}
{"id":1.5,"age":50}
{"id":["x"],"age":50}
{"id":"dup","age":50,"age":51}
{"id":"bad json","age":}
[1,2,3]
"text"
{"id":"tail","age":55,"kl_grade":2,"region":"uk","locking":"true","prior":"pt"}
EOF
pop "kinds" "$work/kinds.jsonl"
run "kinds ignore" compare --patients "$work/kinds.jsonl" -q --format jsonl --ignore-unknown-columns
run "kinds strict" compare --patients "$work/kinds.jsonl" -q --strict --format jsonl
run "kinds summary" compare --patients "$work/kinds.jsonl" --max-errors 3
# The same file with the kinds of value of one column mixed within one chunk of rows.
python3 - "$work/mixed.jsonl" <<'EOF'
import json, sys
rows = []
for i in range(900):
    r = {"id": "m%d" % i}
    k = i % 6
    r["age"] = [40 + i % 50, str(40 + i % 50), None, 45.5, "x", True][k]
    r["diabetes"] = [True, "yes", None, False, "no", 0][k]
    r["prior"] = [["failed-conservative"], "ha-6mo,genicular-block", None, [], "", ["a,b"]][k]
    if i % 17 == 0:
        r["kl_grade"] = 9
    rows.append(json.dumps(r))
open(sys.argv[1], "w").write("\n".join(rows) + "\n")
EOF
pop "mixed" "$work/mixed.jsonl"

echo "$cases cases, $failed differ"
[ "$failed" -eq 0 ]
