#!/bin/sh
# CI job: ThreadSanitizer (clang -fsanitize=thread, build-tsan/). Runs the thread stress test with
# STRESS_PATIENTS (default 100,000) patients on 8 threads sharing one ruleset, then the unit
# suites (test_expr and test_regex have their own thread tests; test_batch compares rows on 4
# threads), the stress.threads test, and `knee compare --patients` with its reader, workers and
# ordered writer on 1, 2 and 4 threads (cli.population).
# Any data race aborts with a report.
set -eu
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build-tsan}
CC=${KNEE_TSAN_CC:-clang} cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKNEE_WERROR=ON \
    -DKNEE_SANITIZE=thread >/dev/null
cmake --build "$BUILD_DIR" -j"$(nproc)" >/dev/null
export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 history_size=4"
"$BUILD_DIR/tests/stress/stress_threads" "${STRESS_PATIENTS:-100000}" 8
cd "$BUILD_DIR"
KNEE_CLI_VALGRIND=0 ctest --output-on-failure -j"$(nproc)" -L "unit|stress" "$@"
KNEE_CLI_VALGRIND=0 ctest --output-on-failure -R '^cli\.(population|output)$'
