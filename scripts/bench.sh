#!/bin/sh
# Build optimised and print the benchmark figures (medians over 7 runs; see bench/).
set -eu
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build-bench} BUILD_TYPE=Release sh scripts/build.sh -DKNEE_BUILD_BENCH=ON -DKNEE_TEST_VALGRIND=OFF >/dev/null
"${BUILD_DIR:-build-bench}/knee_bench" "$@"
