#!/usr/bin/env bash
# test_population_memory.sh - `knee compare --patients --full` with a large valid rule file
# (bench/gen_large.py: 1,000 options x 5 rules, about 2.3 MB of result JSON per row): memory is
# bounded by the ring of chunks, not by the rows a chunk would hold. Peak RSS is measured, not
# time. Not run in sanitizer builds (their allocators keep freed memory).
# usage: test_population_memory.sh KNEE_BINARY REPO_ROOT
set -u

. "$(dirname "$0")/harness.sh" "$@"

python3 "$ROOT/bench/gen_large.py" "$TMP/large.xml" 1000
python3 "$ROOT/tests/cli/gen_patients.py" "$TMP/p.jsonl" 100 --format jsonl
head -n 10 "$TMP/p.jsonl" >"$TMP/p10.jsonl"

: >"$TMP/out"   # (the harness shows these on a failure; the rows are too long to show)
: >"$TMP/err"
# peak_mib ARGS...: run knee with ARGS (output to $TMP/rows) and print its peak RSS in MiB and
# its exit status.
peak_mib() {
    python3 -c 'import resource,subprocess,sys
with open(sys.argv[1], "wb") as out:
    rc = subprocess.run(sys.argv[2:], stdout=out, stderr=subprocess.DEVNULL).returncode
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024, rc)' "$TMP/rows" "$KNEE" "$@"
}

read -r rss10 rc < <(peak_mib compare --rules "$TMP/large.xml" --patients "$TMP/p10.jsonl" \
                     --ignore-unknown-columns --format jsonl --full -q)
read -r rss100 rc < <(peak_mib compare --rules "$TMP/large.xml" --patients "$TMP/p.jsonl" \
                      --ignore-unknown-columns --format jsonl --full -q)
echo "peak RSS: 10 rows $rss10 MiB, 100 rows $rss100 MiB"
check "--full, 100 rows of 2.3 MB: every row written" \
    '[ $rc -eq 0 ] && [ "$(wc -l <"$TMP/rows")" -eq 100 ] && [ "$(tail -n 1 "$TMP/rows" | cut -c1-22)" = "{\"row\":100,\"line\":100," ]'
check "--full: peak memory does not grow with the rows (100 rows within 32 MiB of 10 rows)" \
    '[ "$rss100" -le $((rss10 + 32)) ]'
check "--full: 100 rows of 2.3 MB each stay under 128 MiB (the rows take 230 MB)" '[ "$rss100" -lt 128 ]'
cp "$TMP/rows" "$TMP/t1.jsonl"
read -r rss2 rc < <(peak_mib compare --rules "$TMP/large.xml" --patients "$TMP/p.jsonl" \
                    --ignore-unknown-columns --format jsonl --full -q --threads 2)
check "--full with --threads 2: the same bytes, and still under 128 MiB" \
    'cmp -s "$TMP/rows" "$TMP/t1.jsonl" && [ "$rss2" -lt 128 ]'
finish
