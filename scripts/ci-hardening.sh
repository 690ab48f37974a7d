#!/bin/sh
# The hardening jobs after scripts/test.sh (which already ran every test, and each unit suite and
# corpus replay under valgrind): the suite under a comma-decimal host locale, under ASan+UBSan,
# the thread test under TSan, coverage, and a short libFuzzer run. Prints each job's duration.
# Pick jobs with CI_JOBS="locale asan tsan coverage fuzz".
set -eu
cd "$(dirname "$0")/.."
JOBS=${CI_JOBS:-locale asan tsan coverage fuzz}
failed=""
summary=""
for job in $JOBS; do
    echo "=== ci-$job"
    start=$(date +%s)
    if sh "scripts/ci-$job.sh"; then result=ok; else result=FAILED; failed="$failed $job"; fi
    took=$(( $(date +%s) - start ))
    summary="$summary
ci-$job: $result in ${took}s"
    echo "=== ci-$job: $result in ${took}s"
done
echo "=== hardening jobs:$summary"
[ -z "$failed" ] || { echo "failed:$failed"; exit 1; }
