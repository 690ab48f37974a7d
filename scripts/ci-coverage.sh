#!/bin/sh
# CI job: line and branch coverage of the library (src/, not the knee command in src/cli/) from
# the CTest suite, built with gcc --coverage in build-coverage/ and measured with gcovr. Prints
# the per-file table and the totals; fails when line coverage is under COVERAGE_MIN (default 90).
# Reports (text, and HTML in build-coverage/coverage/) stay in the build directory. Counters are
# updated atomically: the thread tests would otherwise corrupt them.
set -eu
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build-coverage}
MIN=${COVERAGE_MIN:-90}
CC=gcc cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Debug -DKNEE_WERROR=ON -DKNEE_TEST_VALGRIND=OFF \
    -DCMAKE_C_FLAGS="--coverage -O0 -fprofile-update=atomic" -DCMAKE_EXE_LINKER_FLAGS=--coverage \
    -DCMAKE_SHARED_LINKER_FLAGS=--coverage >/dev/null
cmake --build "$BUILD_DIR" -j"$(nproc)" >/dev/null
find "$BUILD_DIR" -name '*.gcda' -delete
(cd "$BUILD_DIR" && ctest --output-on-failure -j"$(nproc)" -E '^install\.' "$@")
mkdir -p "$BUILD_DIR/coverage"
g="gcovr -r . --object-directory $BUILD_DIR --filter src/ --exclude src/cli/"
log=$BUILD_DIR/coverage/gcovr.log
$g --exclude-unreachable-branches --txt "$BUILD_DIR/coverage/lines.txt" \
    --html-details "$BUILD_DIR/coverage/index.html" --print-summary \
    >"$BUILD_DIR/coverage/summary.txt" 2>"$log" || { cat "$log"; exit 1; }
$g --exclude-unreachable-branches --branches --txt "$BUILD_DIR/coverage/branches.txt" \
    >/dev/null 2>>"$log" || { cat "$log"; exit 1; }
cat "$BUILD_DIR/coverage/lines.txt"
grep -E '^(TOTAL|File|-)' "$BUILD_DIR/coverage/branches.txt" | sed 's/^TOTAL/TOTAL (branches)/' | tail -2
cat "$BUILD_DIR/coverage/summary.txt"
pct=$(sed -n 's/^lines: *\([0-9.]*\)%.*/\1/p' "$BUILD_DIR/coverage/summary.txt")
echo "ci-coverage: line coverage of src/ (without src/cli/) is ${pct}%, required ${MIN}%"
awk -v p="$pct" -v m="$MIN" 'BEGIN { exit !(p + 0 >= m + 0) }' || {
    echo "ci-coverage: under ${MIN}% - add tests for the uncovered lines listed above"; exit 1; }
