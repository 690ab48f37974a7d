#!/usr/bin/env bash
# test_output.sh - what the knee command leaves behind: never an input destroyed by its own
# output, never a file cut mid-row by a signal, never a write error passed over in silence.
# usage: test_output.sh KNEE_BINARY REPO_ROOT
# Prints one line per check and "N passed, N failed"; exits 1 if any check failed.
set -u

. "$(dirname "$0")/harness.sh" "$@"
KNEE=$(realpath "$KNEE")   # the checks below run in other folders
SMALL=$DATA/small.xml
QUIRKS=$DATA/population-small.csv
GEN="python3 $ROOT/tests/cli/gen_patients.py"
FEEDER=

cleanup() {
    [ -n "$FEEDER" ] && kill "$FEEDER" 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT

# no_temp DIR: no temporary output file is left in DIR.
no_temp() { [ -z "$(find "$1" -maxdepth 1 -name '.*.??????' -print -quit)" ]; }

# whole_rows FILE COLUMNS: FILE is CSV output ending in a line break, every row with COLUMNS
# fields and numbered 1, 2, ... in order.
whole_rows() {
    python3 -c 'import csv,io,sys
data=open(sys.argv[1],newline="",encoding="utf-8").read()
assert data.endswith("\n"), "the file does not end with a line break"
rows=list(csv.reader(io.StringIO(data)))
assert all(len(r)==int(sys.argv[2]) for r in rows), "a row with the wrong number of fields"
assert [int(r[0]) for r in rows[1:]]==list(range(1,len(rows))), "row numbers"
' "$1" "$2" 2>/dev/null
}

# ---------------------------------------------------------------- the output is an input
mkdir "$TMP/same"
cd "$TMP/same"
cp "$QUIRKS" in.csv
cp "$QUIRKS" keep.csv
cp "$SMALL" rules.xml
ln in.csv hard.csv
ln -s in.csv link.csv
cp "$DATA/patient.xml" patient.xml
intact() { cmp -s in.csv keep.csv && cmp -s rules.xml "$SMALL" && cmp -s patient.xml "$DATA/patient.xml"; }
for spelling in in.csv ./in.csv "$TMP/same/in.csv" hard.csv link.csv; do
    run compare --rules rules.xml --patients in.csv -o "$spelling"
    check "compare --patients in.csv -o $spelling is refused (exit 2), the input intact" \
        '[ $rc -eq 2 ] && err_has "is the input .in.csv.: writing it would destroy the input" && intact && no_temp .'
done
run compare --rules rules.xml --patients link.csv -o in.csv
check "an input given through a symbolic link is the same file" '[ $rc -eq 2 ] && intact'
"$KNEE" compare --rules rules.xml --patients - -o in.csv <in.csv >/dev/null 2>"$TMP/err"
rc=$?
check "standard input read from the output file is refused" '[ $rc -eq 2 ] && err_has "is the input .<stdin>." && intact'
"$KNEE" compare --rules rules.xml --patients in.csv >>in.csv 2>"$TMP/err"
rc=$?
check "standard output appended to the input is refused (it would grow without end)" \
    '[ $rc -eq 2 ] && err_has "^knee: standard output is the input .in.csv." && intact'
run compare --rules rules.xml --patients in.csv -o rules.xml
check "the rule file as -o is refused too" '[ $rc -eq 2 ] && err_has "is the input .rules.xml." && intact'
run report --rules rules.xml --fact age=70 -o rules.xml
check "knee report -o RULES is refused" '[ $rc -eq 2 ] && intact'
run report --rules rules.xml --patient patient.xml -o ./patient.xml
check "knee report -o PATIENT is refused" '[ $rc -eq 2 ] && err_has "is the input .patient.xml." && intact'
"$KNEE" report --rules rules.xml --patient patient.xml -o - >>patient.xml 2>"$TMP/err"
rc=$?
check "knee report -o - appended to the patient file is refused" '[ $rc -eq 2 ] && intact'
run compare --rules rules.xml --patients in.csv -o out.csv -q
check "another file is fine" '[ $rc -eq 1 ] && whole_rows out.csv 14 && intact && no_temp .'
cd "$ROOT"

# ---------------------------------------------------------------- write errors (a full disk)
for cmd in help version "list" "check $SMALL" "test $SMALL" "compare --fact age=70" \
           "compare --fact age=70 --format json" "report --fact age=70 -o -" \
           "compare --rules $SMALL --patients $QUIRKS -q" "compare --rules $SMALL --patients $QUIRKS --format jsonl -q"; do
    # shellcheck disable=SC2086
    "$KNEE" $cmd >/dev/full 2>"$TMP/err"
    rc=$?
    check "knee $cmd >/dev/full: exit 1 and the error said" \
        '[ $rc -eq 1 ] && [ "$(grep -c "^knee: error writing standard output: ..*$" "$TMP/err")" -eq 1 ]'
done
run compare --rules "$SMALL" --patients "$QUIRKS" -o /dev/full
check "compare --patients -o /dev/full: exit 1, the error, and no row counted as written" \
    '[ $rc -eq 1 ] && err_has "^knee: error writing /dev/full: .+$" && err_has ": 0 rows: 0 scored, 0 failed, "'
run report --fact age=70 -o /dev/full
check "report -o /dev/full: exit 1 and the error" '[ $rc -eq 1 ] && err_has "^knee: error writing /dev/full: "'

# A file that stops growing part way (ulimit -f; SIGXFSZ ignored so that the write fails with
# EFBIG): the summary counts only the rows that reached it, and -o FILE leaves no partial file.
$GEN "$TMP/gen.csv" 30000
(trap '' XFSZ; ulimit -f 256; exec "$KNEE" compare --patients "$TMP/gen.csv" >"$TMP/cut.csv" 2>"$TMP/err")
rc=$?
check "standard output cut by a full disk: exit 1 and the error" '[ $rc -eq 1 ] && err_has "^knee: error writing standard output: .+$"'
check "the summary counts only the rows written (fewer than the 30,000 read)" \
    'n=$(sed -nE "s/^knee: .*: ([0-9,]+) rows: .*/\1/p" "$TMP/err" | tr -d ,); [ -n "$n" ] && [ "$n" -gt 0 ] && [ "$n" -lt 30000 ] && [ "$(wc -l <"$TMP/cut.csv")" -gt "$n" ]'
mkdir "$TMP/full"
echo "the previous scores" >"$TMP/full/scores.csv"
(trap '' XFSZ; ulimit -f 256; exec "$KNEE" compare --patients "$TMP/gen.csv" -o "$TMP/full/scores.csv" >"$TMP/out" 2>"$TMP/err")
rc=$?
check "-o FILE on a full disk: exit 1, the previous file left as it was, no temporary file" \
    '[ $rc -eq 1 ] && err_has "^knee: error writing $TMP/full/scores.csv: .+$" && [ "$(cat "$TMP/full/scores.csv")" = "the previous scores" ] && no_temp "$TMP/full"'
echo "the previous report" >"$TMP/full/report.html"
(trap '' XFSZ; ulimit -f 16; exec "$KNEE" report --fact age=72 -o "$TMP/full/report.html" >"$TMP/out" 2>"$TMP/err")
rc=$?
check "report -o FILE on a full disk: exit 1, the previous file left as it was, no temporary file" \
    '[ $rc -eq 1 ] && err_has "^knee: error writing $TMP/full/report.html: " && [ "$(cat "$TMP/full/report.html")" = "the previous report" ] && no_temp "$TMP/full"'

# ---------------------------------------------------------------- signals
# knee reads the patients from a pipe that a feeder keeps open after 30,000 rows, so that the
# run is still going, deterministically, when the signal comes. Job control on: a background
# job of a script otherwise starts with SIGINT ignored, and knee keeps an ignored signal ignored.
set -m
mkfifo "$TMP/fifo"
start_fed() {   # start_fed ARGS...: knee compare --patients - ARGS, fed through the pipe
    (cat "$TMP/gen.csv"; exec sleep 60) >"$TMP/fifo" &
    FEEDER=$!
    "$KNEE" compare --patients - "$@" <"$TMP/fifo" >"$TMP/out" 2>"$TMP/err" &
    KPID=$!
}
stop_feeder() { kill "$FEEDER" 2>/dev/null; wait "$FEEDER" 2>/dev/null; FEEDER=; }
# wait_for COND: until COND holds (the run has written rows), for at most a minute.
wait_for() { local k; for k in $(seq 600); do eval "$1" && return 0; sleep 0.1; done; return 1; }

mkdir "$TMP/sig"
echo "the previous scores" >"$TMP/sig/scores.csv"
start_fed --threads 2 -o "$TMP/sig/scores.csv"
wait_for '! no_temp "$TMP/sig" && [ -n "$(find "$TMP/sig" -name ".*" -size +100k)" ]'
kill -TERM "$KPID"
wait "$KPID"
rc=$?
stop_feeder
check "SIGTERM during -o FILE: exit status non-zero (143), and the message" \
    '[ $rc -eq 143 ] && err_has "^knee: <stdin>: interrupted \(SIGTERM\); $TMP/sig/scores.csv not written$"'
check "SIGTERM during -o FILE: no temporary file, the previous file as it was" \
    'no_temp "$TMP/sig" && [ "$(cat "$TMP/sig/scores.csv")" = "the previous scores" ]'

rm -f "$TMP/sig/scores.csv"
start_fed -o "$TMP/sig/scores.csv"
wait_for '[ -n "$(find "$TMP/sig" -name ".*" -size +100k)" ]'
kill -INT "$KPID"
wait "$KPID"
rc=$?
stop_feeder
check "SIGINT during -o FILE: exit 130, no output file, no temporary file" \
    '[ $rc -eq 130 ] && [ ! -e "$TMP/sig/scores.csv" ] && no_temp "$TMP/sig"'

# Standard output keeps the rows written, and they end at a whole row.
start_fed --threads 2
wait_for '[ "$(wc -c <"$TMP/out")" -gt 100000 ]'
kill -INT "$KPID"
wait "$KPID"
rc=$?
stop_feeder
check "SIGINT with standard output: exit 130, the rows so far, ending at a whole row" \
    '[ $rc -eq 130 ] && err_has "^knee: <stdin>: interrupted \(SIGINT\) after [0-9,]+ rows written$" && whole_rows "$TMP/out" 42'
check "the rows the message counts are the rows in the output" \
    '[ "$(sed -nE "s/.*interrupted \(SIGINT\) after ([0-9,]+) rows written$/\1/p" "$TMP/err" | tr -d ,)" -eq "$(($(wc -l <"$TMP/out") - 1))" ]'

# A regular file, killed at whatever moment: either the run finished and the file is whole,
# or there is no file; never a temporary file, never a file cut short.
$GEN "$TMP/big.csv" 60000
for delay in 0.05 0.2 0.5 1 2; do
    rm -f "$TMP/sig/big.csv"
    "$KNEE" compare --patients "$TMP/big.csv" --threads 2 -q -o "$TMP/sig/big.csv" 2>/dev/null &
    KPID=$!
    sleep "$delay"
    kill -TERM "$KPID" 2>/dev/null
    wait "$KPID"
    rc=$?
    check "SIGTERM after ${delay}s: a whole file (exit 0) or none (exit 143), no temporary file" \
        'no_temp "$TMP/sig" && if [ $rc -eq 0 ]; then [ "$(wc -l <"$TMP/sig/big.csv")" -eq 60001 ] && whole_rows "$TMP/sig/big.csv" 42; else [ $rc -eq 143 ] && [ ! -e "$TMP/sig/big.csv" ]; fi'
done
"$KNEE" compare --patients "$TMP/big.csv" --threads 2 -q -o "$TMP/sig/big.csv" 2>/dev/null
rc=$?
check "a completed run's file: every row, ending at a whole row" \
    '[ $rc -eq 0 ] && [ "$(wc -l <"$TMP/sig/big.csv")" -eq 60001 ] && whole_rows "$TMP/sig/big.csv" 42 && no_temp "$TMP/sig"'

set +m

# -o keeps the file's permissions, and replaces the file a symbolic link points to, not the link.
echo old >"$TMP/sig/mode.csv"
chmod 640 "$TMP/sig/mode.csv"
ln -s mode.csv "$TMP/sig/via-link.csv"
run compare --rules "$SMALL" --patients "$QUIRKS" -q -o "$TMP/sig/via-link.csv"
check "-o through a symbolic link writes the file it points to, with that file's permissions" \
    '[ -L "$TMP/sig/via-link.csv" ] && whole_rows "$TMP/sig/mode.csv" 14 && [ "$(stat -c %a "$TMP/sig/mode.csv")" = 640 ]'

finish
