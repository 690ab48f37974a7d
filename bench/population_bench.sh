#!/bin/sh
# population_bench.sh KNEE_BINARY WORK_DIR [ROWS]: `knee compare --patients` on a generated CSV
# of ROWS patients (default 1,000,000) with --threads 1 and 2: rows per second (median of 3,
# with min and max) and peak RSS; and the peak RSS of a single-patient `knee compare`.
# Prints figures; it is not a test (called from scripts/bench.sh).
set -eu
KNEE=$1
WORK=$2
ROWS=${3:-1000000}
HERE=$(cd "$(dirname "$0")/.." && pwd)
CSV=$WORK/patients-$ROWS.csv
[ -f "$CSV" ] || python3 "$HERE/tests/cli/gen_patients.py" "$CSV" "$ROWS"

# peak_rss_kb CMD...: run CMD (output discarded) and print its peak RSS in KiB.
peak_rss_kb() {
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -f '%M' -o "$WORK/rss" "$@" >/dev/null 2>&1 || true
        tail -n 1 "$WORK/rss"
    else
        python3 -c 'import resource,subprocess,sys
subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$@"
    fi
}

echo "knee compare --patients: $ROWS-row CSV ($(du -m "$CSV" | cut -f1) MB), default rules, CSV output"
for t in 1 2; do
    rates=""
    for run in 1 2 3; do
        start=$(date +%s.%N)
        "$KNEE" compare --patients "$CSV" --threads "$t" --quiet -o /dev/null
        end=$(date +%s.%N)
        rates="$rates $(python3 -c "print(int($ROWS / ($end - $start)))")"
    done
    rss=$(peak_rss_kb "$KNEE" compare --patients "$CSV" --threads "$t" --quiet -o /dev/null)
    python3 -c '
import sys
t, rss, rates = sys.argv[1], int(sys.argv[2]), sorted(int(x) for x in sys.argv[3:])
print("  --threads %s: %9s rows/s median (min %s, max %s), peak RSS %.1f MiB"
      % (t, format(rates[1], ","), format(rates[0], ","), format(rates[2], ","), rss / 1024))' \
        "$t" "$rss" $rates
done
rss=$(peak_rss_kb "$KNEE" compare --fact age=72 --fact kl_grade=4 --fact payer=medicare)
python3 -c 'import sys; print("knee compare, one patient (table output): peak RSS %.1f MiB" % (int(sys.argv[1]) / 1024))' "$rss"
