#!/usr/bin/env bash
# test_population.sh - `knee compare --patients FILE`: a whole file of patients, against the
# real binary. usage: test_population.sh KNEE_BINARY REPO_ROOT
# Prints one line per check and "N passed, N failed"; exits 1 if any check failed.
set -u

. "$(dirname "$0")/harness.sh" "$@"
SMALL=$DATA/small.xml
QUIRKS=$DATA/population-small.csv
GEN="python3 $ROOT/tests/cli/gen_patients.py"

# py CODE FILE...: run Python on the files (sys.argv[1:]); the check passes when it exits 0.
py() { local code=$1; shift; python3 -c "$code" "$@" >/dev/null 2>&1; }

# Every CSV output row, parsed: [row, line, id, status, error, top, ...].
CSV_ROWS='import csv,sys
rows=list(csv.reader(open(sys.argv[1],newline="",encoding="utf-8")))
head,rows=rows[0],rows[1:]'

# ---------------------------------------------------------------- the golden: quirky CSV
# BOM, CRLF, quoted commas, doubled quotes, a line break inside a quoted id, a blank line, and
# one bad row of each kind the reader and the library find.
run compare --rules "$SMALL" --patients "$QUIRKS"
check "a file with bad rows exits 1" '[ $rc -eq 1 ]'
check "CSV output equals the golden byte for byte" 'cmp -s "$TMP/out" "$DATA/population-small.expected.csv"'
check "the header has row, line, id, status, error, top and each option's rank and score" \
    'head -n 1 "$TMP/out" | grep -qx "row,line,id,status,error,top,pt_rank,pt_score,steroid_rank,steroid_score,stem-cell_rank,stem-cell_score,tka_rank,tka_score"'
check "quoted ids come back whole (comma, quote, line break)" \
    'py "$CSV_ROWS
assert [r[2] for r in rows][:4]==[\"p,1\",\"p2\",chr(112)+chr(34)+chr(51),\"p4\"+chr(10)+\"multi-line id\"]" "$TMP/out"'
check "rows in == rows out: 10 records, numbered 1..10 in input order" \
    'py "$CSV_ROWS
assert [int(r[0]) for r in rows]==list(range(1,11))
assert [r[2] for r in rows][4:]==[\"p5\",\"p6\",\"p7\",\"p8\",\"p9\",\"p10\"]" "$TMP/out"'
check "the line column counts physical lines (multi-line record, blank line)" \
    'py "$CSV_ROWS
assert [int(r[1]) for r in rows]==[2,3,4,5,8,9,10,11,12,13]" "$TMP/out"'
check "an empty cell is an unknown fact, not an error" \
    'py "$CSV_ROWS
r=rows[9]; assert r[3]==\"ok\" and r[13]!=\"\"" "$TMP/out"'
check "an out-of-range number: FILE:LINE:COLUMN: out-of-range, naming the column" \
    'err_has "^$QUIRKS:8:2: out-of-range: column 2 .age.: .*200 is above the maximum 120 \(it takes a number from 0 to 120\)$"'
check "a value that is not a number, and what the fact takes" 'err_has "^$QUIRKS:9:3: bad-value: column 3 .kl_grade.: .*not a number \(it takes a whole number from 0 to 4\)$"'
check "a value that is not one of the allowed values, listing them (every bad cell of the row is reported)" \
    'err_has "^$QUIRKS:9:5: out-of-range: column 5 .prior.: .*bogus.* not one of its allowed values \(it takes a set of members from: pt, steroid-3mo\)$"'
check "too few fields: the first missing column" 'err_has "^$QUIRKS:10:4: csv-field-count: the row has 3 fields, the header has 5$"'
check "too many fields: the first extra column" 'err_has "^$QUIRKS:11:6: csv-field-count: the row has 6 fields, the header has 5$"'
check "text after a closing quote" 'err_has "^$QUIRKS:12:2: csv-quote: "'
check "each bad row has an output row with status error and the problem" \
    'py "$CSV_ROWS
bad={r[2]:r for r in rows if r[3]==\"error\"}
assert sorted(bad)==[\"p5\",\"p6\",\"p7\",\"p8\",\"p9\"]
assert bad[\"p5\"][4].startswith(\"out-of-range: column 2\") and bad[\"p6\"][4].endswith(\"(and 1 more)\")
assert all(c==\"\" for r in bad.values() for c in r[5:])" "$TMP/out"'
check "the summary counts rows read, scored and failed" \
    'err_has "^knee: $QUIRKS: 10 rows: 5 scored, 5 failed, in [0-9.]+ s \([0-9,]+ patients/s\)$"'
check "no progress bar when stderr is not a terminal" '! grep -q $'"'"'\r'"'"' "$TMP/err"'

run compare --rules "$SMALL" --patients "$QUIRKS" --format jsonl
check "JSON lines output equals its golden" 'cmp -s "$TMP/out" "$DATA/population-small.expected.jsonl"'
check "every JSON line parses, one per input row, errors with code, line and column" \
    'py "import json,sys
rows=[json.loads(l) for l in open(sys.argv[1],encoding=\"utf-8\")]
assert [r[\"row\"] for r in rows]==list(range(1,11))
e=rows[4][\"error\"]; assert (e[\"code\"],e[\"line\"],e[\"column\"])==(\"out-of-range\",8,2)
ok=rows[0]; assert ok[\"top\"]==\"pt\" and ok[\"options\"][0]==dict(id=\"pt\",rank=1,score=0.9925,excluded=False)
assert rows[1][\"options\"][-1]==dict(id=\"tka\",rank=None,score=None,excluded=True)" "$TMP/out"'

# an unterminated quote swallows the rest of the file: reported at the line it opens on
printf 'id,age\nq1,50\nq2,"60\nq3,70\n' >"$TMP/open.csv"
run compare --rules "$SMALL" --patients "$TMP/open.csv"
check "an unterminated quote is reported at its line and column, its row kept" \
    '[ $rc -eq 1 ] && err_has "^$TMP/open.csv:3:2: csv-quote: the quoted field that starts on line 3 never closes$" && [ "$(tail -n +2 "$TMP/out" | cut -d, -f1,3,4 | tr "\n" " ")" = "1,q1,ok 2,q2,error " ]'

# ---------------------------------------------------------------- --strict
run compare --rules "$SMALL" --patients "$QUIRKS" --strict
check "--strict stops at the first bad row with exit status 1" \
    '[ $rc -eq 1 ] && err_has "stopped at the bad row on line 8 \(--strict\)" && ! err_has ":9:3:"'
check "--strict writes the rows before it and the bad row, nothing after" \
    'py "$CSV_ROWS
assert [r[2] for r in rows]==[\"p,1\",\"p2\",chr(112)+chr(34)+chr(51),\"p4\"+chr(10)+\"multi-line id\",\"p5\"] and rows[-1][3]==\"error\"" "$TMP/out"'

# ---------------------------------------------------------------- --max-errors
# 750 rows over 3 chunks, every third one bad (age 200): 250 bad rows, one problem line each.
awk 'BEGIN { print "id,age"; for (i = 1; i <= 750; i++) print "m" i "," (i % 3 ? 50 : 200) }' >"$TMP/bad.csv"
NOTICE="^knee: $TMP/bad.csv: [0-9]+ problems? shown; further ones are reported only in the output rows"
# problems_are N: stderr holds exactly the problem lines of the first N bad rows (m3, m6, ...).
problems_are() {
    [ "$(grep -Ec "^$TMP/bad.csv:[0-9]+:2: out-of-range: " "$TMP/err")" -eq "$1" ] &&
        [ "$(grep -E ": out-of-range: " "$TMP/err" | cut -d: -f2 | tr "\n" " ")" = "$(seq 4 3 $((1 + 3 * $1)) | tr "\n" " ")" ]
}
all_rows_out() {
    py "$CSV_ROWS
assert [r[2] for r in rows]==[\"m%d\"%i for i in range(1,751)]
assert [r[3] for r in rows]==[\"error\" if i%3==0 else \"ok\" for i in range(1,751)]" "$TMP/out"
}
run compare --rules "$SMALL" --patients "$TMP/bad.csv"
check "250 bad rows: the first 100 problem lines by default, in input order" 'problems_are 100'
check "then one notice, after them, and the summary counts all 250 failed" \
    '[ "$(grep -Ec "$NOTICE" "$TMP/err")" -eq 1 ] && [ "$(sed -n 101p "$TMP/err" | grep -Ec "$NOTICE")" -eq 1 ] && err_has "^knee: $TMP/bad.csv: 750 rows: 500 scored, 250 failed, " && [ "$(wc -l <"$TMP/err")" -eq 102 ]'
check "the cap keeps every output row (250 with status error) and exit status 1" '[ $rc -eq 1 ] && all_rows_out'
cp "$TMP/out" "$TMP/capped.csv"
run compare --rules "$SMALL" --patients "$TMP/bad.csv" --max-errors 0
check "--max-errors 0: all 250 problem lines, no notice, the same output" \
    '[ $rc -eq 1 ] && problems_are 250 && ! err_has "$NOTICE" && cmp -s "$TMP/out" "$TMP/capped.csv"'
run compare --rules "$SMALL" --patients "$TMP/bad.csv" --max-errors 3 --threads 1
cp "$TMP/err" "$TMP/cap3-t1.err"
check "--max-errors 3: three problem lines, the notice naming 3, the summary" \
    '[ $rc -eq 1 ] && problems_are 3 && sed -n 4p "$TMP/err" | grep -Eq "$NOTICE" && err_has ": 3 problems shown" && err_has "250 failed" && [ "$(wc -l <"$TMP/err")" -eq 5 ] && all_rows_out'
run compare --rules "$SMALL" --patients "$TMP/bad.csv" --max-errors 3 --threads 2
check "--max-errors: the same stderr for --threads 1 and 2" \
    'diff <(grep -v "patients/s" "$TMP/cap3-t1.err") <(grep -v "patients/s" "$TMP/err") >/dev/null && [ "$(grep -vc "patients/s" "$TMP/err")" -eq 4 ]'
run compare --rules "$SMALL" --patients "$TMP/bad.csv" --threads 2 -q
check "the default cap with --threads 2: the same 100 lines and notice, no summary (-q)" \
    'problems_are 100 && [ "$(wc -l <"$TMP/err")" -eq 101 ] && cmp -s "$TMP/out" "$TMP/capped.csv"'
run compare --rules "$SMALL" --patients "$QUIRKS" --max-errors 1
check "the cap counts lines, not rows: one line of row p5, then the notice" \
    '[ $rc -eq 1 ] && [ "$(grep -c "^$QUIRKS:" "$TMP/err")" -eq 1 ] && err_has "^$QUIRKS:8:2: out-of-range: " && err_has ": 1 problem shown;" && err_has "5 failed"'
run compare --rules "$SMALL" --patients "$TMP/bad.csv" --max-errors 2 --strict
check "--strict with --max-errors: stops at the first bad row as before, no notice" \
    '[ $rc -eq 1 ] && problems_are 1 && ! err_has "$NOTICE" && err_has "stopped at the bad row on line 4"'
for bad in -1 many 2.5 ""; do
    run compare --rules "$SMALL" --patients "$TMP/bad.csv" --max-errors "$bad"
    check "--max-errors '$bad' is a usage error" '[ $rc -eq 2 ] && err_has "max-errors" && [ ! -s "$TMP/out" ]'
done
run compare --max-errors 5
check "--max-errors without --patients (usage)" '[ $rc -eq 2 ] && err_has "need --patients"'

# ---------------------------------------------------------------- threads, order, volume
$GEN "$TMP/gen.csv" 20000 --crlf --bom --bad-every 997
for n in 1 2 4; do
    "$KNEE" compare --patients "$TMP/gen.csv" --threads $n -o "$TMP/t$n.csv" 2>"$TMP/t$n.err"
    echo $? >"$TMP/t$n.rc"
done
rc=$(cat "$TMP/t1.rc")
check "--threads 1, 2 and 4 write the same bytes" \
    'cmp -s "$TMP/t1.csv" "$TMP/t2.csv" && cmp -s "$TMP/t1.csv" "$TMP/t4.csv" && [ -s "$TMP/t1.csv" ]'
check "--threads 1, 2 and 4 report the same problems in the same order" \
    'diff <(grep -v "patients/s" "$TMP/t1.err") <(grep -v "patients/s" "$TMP/t4.err") >/dev/null && [ "$(grep -c out-of-range "$TMP/t1.err")" -eq 20 ]'
check "input order kept and every row accounted for (20,000 in, 20,000 out, 20 failed)" \
    'py "$CSV_ROWS
assert [r[2] for r in rows]==[\"p%07d\"%i for i in range(1,20001)]
assert [int(r[0]) for r in rows]==list(range(1,20001))
assert sum(r[3]==\"error\" for r in rows)==20 and sum(r[3]==\"ok\" for r in rows)==19980" "$TMP/t1.csv"'
"$KNEE" compare --patients "$TMP/gen.csv" --threads 0 -q -o "$TMP/t0.csv" 2>/dev/null
check "--threads 0 (one per CPU) writes the same bytes" 'cmp -s "$TMP/t1.csv" "$TMP/t0.csv"'
LC_ALL=de_DE.UTF-8 "$KNEE" compare --patients "$TMP/gen.csv" --threads 2 -q -o "$TMP/de.csv" 2>/dev/null
check "the same bytes under a comma-decimal locale" 'cmp -s "$TMP/t1.csv" "$TMP/de.csv"'

run compare --patients - --id-column id -q <"$TMP/gen.csv"
check "standard input (-) gives the same output" 'cmp -s "$TMP/out" "$TMP/t1.csv"'

$GEN "$TMP/big.csv" 100000
"$KNEE" compare --patients "$TMP/big.csv" --threads 2 -o "$TMP/big.out" 2>"$TMP/err" >"$TMP/out"
rc=$?
check "a 100,000-row file: 100,000 output rows, all scored, exit 0" \
    '[ $rc -eq 0 ] && [ "$(wc -l <"$TMP/big.out")" -eq 100001 ] && [ "$(tail -n 1 "$TMP/big.out" | cut -d, -f1,3,4)" = "100000,p0100000,ok" ] && err_has "100,000 rows: 100,000 scored, 0 failed"'

# ---------------------------------------------------------------- JSON lines
$GEN "$TMP/gen.jsonl" 20000 --format jsonl --bad-every 997
run compare --patients "$TMP/gen.jsonl" --format jsonl --threads 2
cp "$TMP/out" "$TMP/from-jsonl.jsonl"
"$KNEE" compare --patients "$TMP/gen.csv" --format jsonl -q >"$TMP/from-csv.jsonl" 2>/dev/null
check "JSON lines input (.jsonl) scores like the same patients in CSV" \
    '[ $rc -eq 1 ] && py "import json,sys
a=[json.loads(l) for l in open(sys.argv[1])]; b=[json.loads(l) for l in open(sys.argv[2])]
for x in a+b:
    x.pop(\"line\"); x.get(\"error\",{}).pop(\"line\",None); x.get(\"error\",{}).pop(\"column\",None); x.get(\"error\",{}).pop(\"message\",None)
assert len(a)==20000 and a==b" "$TMP/from-jsonl.jsonl" "$TMP/from-csv.jsonl"'
check "a bad JSON member is reported with the line and the member's name" \
    'err_has "^$TMP/gen.jsonl:997:0: out-of-range: member .age.: "'
printf '{"id":"a","age":50}\n\n{"id":"b","age":\n[1,2]\n{"id":"c","agee":3,"kl_grade":"4"}\n{"id":"d","age":51,"prior":["pt","steroid-3mo"],"payer":null}\n' >"$TMP/odd.ndjson"
run compare --rules "$SMALL" --patients "$TMP/odd.ndjson" --format jsonl
check "JSON lines: syntax errors, non-objects and unknown members are bad rows; blank lines skipped" \
    '[ $rc -eq 1 ] && err_has "^$TMP/odd.ndjson:3:[0-9]+: json-syntax: " && err_has "^$TMP/odd.ndjson:4:1: json-type: " && err_has "^$TMP/odd.ndjson:5:0: unknown-column: member .agee.: not a fact of the rule file: did you mean .age.\? \(--ignore-unknown-columns skips it\)$" && py "import json,sys
rows=[json.loads(l) for l in open(sys.argv[1])]
assert [(r[\"row\"],r[\"line\"],r[\"status\"]) for r in rows]==[(1,1,\"ok\"),(2,3,\"error\"),(3,4,\"error\"),(4,5,\"error\"),(5,6,\"ok\")]" "$TMP/out"'
printf '\xef\xbb\xbf{"id":"bom","age":50}\r\n' | "$KNEE" compare --rules "$SMALL" --patients - --input-format jsonl >"$TMP/out" 2>"$TMP/err"
rc=$?
check "JSON lines from stdin, with a byte-order mark and CRLF" '[ $rc -eq 0 ] && out_has "^1,1,bom,ok,,pt,"'
run compare --rules "$SMALL" --patients "$TMP/odd.ndjson" --format jsonl --ignore-unknown-columns -q
check "--ignore-unknown-columns skips unknown JSON members" \
    'py "import json,sys
rows=[json.loads(l) for l in open(sys.argv[1])]
assert rows[3][\"status\"]==\"ok\" and rows[3][\"id\"]==\"c\"" "$TMP/out"'
run compare --rules "$SMALL" --patients "$QUIRKS" --input-format csv --format jsonl --full -q
check "--full: the whole result JSON of each scored row, one line each" \
    'py "import json,sys
rows=[json.loads(l) for l in open(sys.argv[1],encoding=\"utf-8\")]
assert len(rows)==10 and rows[0][\"result\"][\"ruleset\"][\"id\"]==\"cli-small\" and \"result\" not in rows[4]" "$TMP/out"'
run compare --rules "$SMALL" --patients "$QUIRKS" -o "$TMP/o.jsonl" -q
check "-o FILE.jsonl picks JSON lines" '[ ! -s "$TMP/out" ] && py "import json,sys; [json.loads(l) for l in open(sys.argv[1],encoding=\"utf-8\")]" "$TMP/o.jsonl"'

# ---------------------------------------------------------------- NUL bytes and overlong records
# A NUL byte would cut a cell short where it is read as text ("7\0" "2" scored as age 7): a bad
# row, at its line and column.
printf 'id,age\np1,7\0002\np2,"5\n\0"\np3,50\n' >"$TMP/nul.csv"
run compare --rules "$SMALL" --patients "$TMP/nul.csv"
check "a NUL byte in a cell is a bad row (csv-nul) at its line and column, not age 7" \
    '[ $rc -eq 1 ] && err_has "^$TMP/nul.csv:2:2: csv-nul: " && err_has "^$TMP/nul.csv:4:2: csv-nul: " && [ "$(tail -n +2 "$TMP/out" | cut -d, -f1-4 | tr "\n" " ")" = "1,2,p1,error 2,3,p2,error 3,5,p3,ok " ] && err_has "3 rows: 1 scored, 2 failed"'
run compare --rules "$SMALL" --patients "$TMP/nul.csv" --format jsonl -q
check "the bad row's output holds no NUL byte" '! tr -d "\n" <"$TMP/out" | grep -qaP "\x00"'
printf 'id,a\000ge\np1,50\n' >"$TMP/nulhead.csv"
run compare --rules "$SMALL" --patients "$TMP/nulhead.csv" --ignore-unknown-columns
check "a NUL byte in the header stops the run before any row (not a column 'a')" \
    '[ $rc -eq 1 ] && err_has "^$TMP/nulhead.csv:1:2: csv-nul: .*\(in the header row\)$" && [ ! -s "$TMP/out" ]'
printf '{"id":"a","age":7\0002}\n{"id":"b\0","age":50}\n{"id":"c","age":50}\n' >"$TMP/nul.jsonl"
run compare --rules "$SMALL" --patients "$TMP/nul.jsonl" --format jsonl
check "JSON lines: a NUL byte is a syntax error of its row" \
    '[ $rc -eq 1 ] && err_has "^$TMP/nul.jsonl:1:[0-9]+: json-syntax: " && err_has "^$TMP/nul.jsonl:2:[0-9]+: json-syntax: " && py "import json,sys
rows=[json.loads(l) for l in open(sys.argv[1])]
assert [(r[\"row\"],r[\"status\"]) for r in rows]==[(1,\"error\"),(2,\"error\"),(3,\"ok\")]" "$TMP/out"'

# A quoted field over 1 MiB: the reader must not resynchronise inside it (its lines are text,
# not patients). 2 records in, 2 rows out.
python3 -c 'import sys
x = "x" * (1024 * 1024 + 10)
sys.stdout.write("id,payer\np1,\"" + x + "\n50,60\n70,80\n" + x + "\"\np2,medicare\n")' >"$TMP/long.csv"
run compare --rules "$SMALL" --patients "$TMP/long.csv"
check "a quoted field over 1 MiB is one bad row; the lines inside it are not scored" \
    '[ $rc -eq 1 ] && err_has "^$TMP/long.csv:2:2: csv-too-long: .*skipped to its end on line 5$" && [ "$(tail -n +2 "$TMP/out" | cut -d, -f1-4 | tr "\n" " ")" = "1,2,p1,error 2,6,p2,ok " ] && err_has "2 rows: 1 scored, 1 failed"'
python3 -c 'import sys
sys.stdout.write("id,payer,age\np1," + "y" * (1024 * 1024 + 10) + ",\"5\n0\"\np2,medicare,50\n")' >"$TMP/long2.csv"
run compare --rules "$SMALL" --patients "$TMP/long2.csv"
check "an unquoted field over 1 MiB: a quoted line break after it still belongs to the record" \
    '[ $rc -eq 1 ] && err_has "^$TMP/long2.csv:2:2: csv-too-long: " && [ "$(tail -n +2 "$TMP/out" | cut -d, -f1-4 | tr "\n" " ")" = "1,2,p1,error 2,4,p2,ok " ]'
python3 -c 'import sys
sys.stdout.write("id,payer\np1,\"" + "z" * (1024 * 1024 + 10) + "\n50,60\n70,80\n")' >"$TMP/open-long.csv"
run compare --rules "$SMALL" --patients "$TMP/open-long.csv"
check "a quote that never closes, over 1 MiB: one bad row (csv-quote) to the end of the input" \
    '[ $rc -eq 1 ] && err_has "^$TMP/open-long.csv:2:2: csv-quote: the quoted field that starts on line 2 never closes$" && [ "$(tail -n +2 "$TMP/out" | cut -d, -f1-4 | tr "\n" " ")" = "1,2,p1,error " ]'
python3 -c 'import sys
sys.stdout.write("{\"id\":\"a\",\"payer\":\"" + "w" * (1024 * 1024 + 10) + "\"}\n{\"id\":\"b\",\"age\":50}\n")' >"$TMP/long.jsonl"
run compare --rules "$SMALL" --patients "$TMP/long.jsonl" --format jsonl
check "JSON lines: a line over 1 MiB is one bad row, the next line is the next row" \
    '[ $rc -eq 1 ] && err_has "^$TMP/long.jsonl:1:1: line-too-long: " && py "import json,sys
rows=[json.loads(l) for l in open(sys.argv[1])]
assert [(r[\"row\"],r[\"line\"],r[\"status\"]) for r in rows]==[(1,1,\"error\"),(2,2,\"ok\")]" "$TMP/out"'

# ---------------------------------------------------------------- JSON values of the wrong kind
printf '{"id":null,"age":[72]}\n{"id":null,"age":72}\n{"id":true,"age":72}\n{"id":"d","prior":[1]}\n{"id":"e","prior":["pt"]}\n' >"$TMP/kinds.jsonl"
run compare --rules "$SMALL" --patients "$TMP/kinds.jsonl" --format jsonl
check "a list for a number fact is wrong-type, naming the member and the fact" \
    'err_has "^$TMP/kinds.jsonl:1:0: wrong-type: member .age.: fact .age. is a number: a list is only for a set fact$"'
check "\"id\":null is written as null (no id), as docs/population.md says" \
    'py "import json,sys
rows=[json.loads(l) for l in open(sys.argv[1])]
assert [r[\"id\"] for r in rows]==[None,None,None,\"d\",\"e\"]
assert [r[\"status\"] for r in rows]==[\"error\",\"ok\",\"error\",\"error\",\"ok\"]
assert rows[0][\"error\"][\"code\"]==\"wrong-type\" and rows[2][\"error\"][\"code\"]==\"wrong-type\"" "$TMP/out"'
check "an id that is not a string or a whole number, and a set member that is not a string: wrong-type" \
    'err_has "^$TMP/kinds.jsonl:3:0: wrong-type: member .id.: " && err_has "^$TMP/kinds.jsonl:4:0: wrong-type: member .prior.: fact .prior.: the members of a set are strings$"'

# ---------------------------------------------------------------- columns and options
printf 'id,age,height,kl_grde\np1,50,180,2\n' >"$TMP/unknown.csv"
run compare --rules "$SMALL" --patients "$TMP/unknown.csv"
check "a column that is not a fact stops the run before any row, naming it" \
    '[ $rc -eq 1 ] && err_has "^$TMP/unknown.csv:1:3: unknown-column: column 3 .height. is not a fact of [^:]*$" && [ ! -s "$TMP/out" ]'
check "an unknown column near a fact's id: did you mean" \
    'err_has "^$TMP/unknown.csv:1:4: unknown-column: column 4 .kl_grde. is not a fact of .*: did you mean .kl_grade.\?$"'
run compare --rules "$SMALL" --patients "$TMP/unknown.csv" --ignore-unknown-columns
check "--ignore-unknown-columns scores the row" '[ $rc -eq 0 ] && out_has "^1,2,p1,ok,,pt,"'
printf 'mrn,age\nm1,50\n' >"$TMP/mrn.csv"
run compare --rules "$SMALL" --patients "$TMP/mrn.csv" --id-column mrn
check "--id-column names the id column" '[ $rc -eq 0 ] && out_has "^1,2,m1,ok,"'
run compare --rules "$SMALL" --patients "$TMP/mrn.csv" --id-column patient --ignore-unknown-columns
check "--id-column that is not in the header fails" '[ $rc -eq 1 ] && err_has "no column .patient."'
printf 'id,age,age\n' >"$TMP/dup.csv"
run compare --rules "$SMALL" --patients "$TMP/dup.csv"
check "a repeated column fails" '[ $rc -eq 1 ] && err_has "^$TMP/dup.csv:1:3: csv-header: "'
: >"$TMP/empty.csv"
run compare --rules "$SMALL" --patients "$TMP/empty.csv"
check "an empty file fails (no header)" '[ $rc -eq 1 ] && err_has "empty"'
printf 'id,age\r\n' >"$TMP/header.csv"
run compare --rules "$SMALL" --patients "$TMP/header.csv"
check "a header without rows: the header out, exit 0" '[ $rc -eq 0 ] && [ "$(wc -l <"$TMP/out")" -eq 1 ] && err_has " 0 rows: "'
printf 'id,age\np1,50\np2,60\n' >"$TMP/two.csv"
"$KNEE" compare --rules "$SMALL" --patients "$TMP/two.csv" -q >"$TMP/plain.csv"
run compare --rules "$SMALL" --patients "$TMP/two.csv" --weight cost=100 --method topsis
check "--weight and --method apply to every row" \
    '[ $rc -eq 0 ] && [ "$(cut -d, -f8 "$TMP/out" | tail -n 2 | sort -u | wc -l)" -eq 1 ] && [ "$(cut -d, -f8 "$TMP/out" | tail -n 1)" != "$(cut -d, -f8 "$TMP/plain.csv" | tail -n 1)" ]'
run compare --rules "$SMALL" --patients "$TMP/missing.csv"
check "a missing input file fails" '[ $rc -eq 1 ] && err_has "missing.csv"'

run compare --patients "$QUIRKS" --fact age=3
check "--fact does not go with --patients (usage)" '[ $rc -eq 2 ] && err_has "--patients reads the facts"'
run compare --patients "$QUIRKS" --format table
check "--format table does not go with --patients (usage)" '[ $rc -eq 2 ]'
run compare --patients "$QUIRKS" --threads many
check "--threads needs a number (usage)" '[ $rc -eq 2 ] && err_has "threads"'
run compare --threads 2
check "--threads without --patients (usage)" '[ $rc -eq 2 ] && err_has "need --patients"'
run compare --patients "$QUIRKS" --full
check "--full with CSV output (usage)" '[ $rc -eq 2 ] && err_has "full"'
run compare --patients "$QUIRKS" --input-format xml
check "--input-format xml (usage)" '[ $rc -eq 2 ]'

# An id that is not UTF-8 (two stray bytes, then valid text): each bad byte is one U+FFFD, the
# valid sequence stays as it is, and the line stays valid JSON.
printf 'id,age\n\377\376ab\303\251,70\n' >"$TMP/bad-utf8.csv"
run compare --rules "$SMALL" --patients "$TMP/bad-utf8.csv" --format jsonl
check "JSON lines: bytes that are not UTF-8 become U+FFFD, valid UTF-8 is kept" \
    '[ $rc -eq 0 ] && python3 -c "import json,sys; d=json.loads(open(sys.argv[1],encoding=\"utf-8\").readline()); sys.exit(0 if d[\"id\"]==\"\ufffd\ufffdab\u00e9\" else 1)" "$TMP/out"'
finish
