#!/bin/sh
# CI job: libFuzzer (clang 14, -fsanitize=fuzzer,address,undefined; build-fuzz/). First every
# committed corpus file is replayed under the sanitizers (the CTest replay uses gcc), then each
# harness fuzzes for FUZZ_SECONDS (default 60) from its corpus. A finding is saved under
# build-fuzz/findings/<harness>/ and fails the job: minimise it, fix the bug, and add it to
# tests/fuzz/corpus/<harness>/ (tests/fuzz/README.md).
set -eu
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build-fuzz}
SECONDS_EACH=${FUZZ_SECONDS:-60}
HARNESSES="rules patient expr evaluate fhir"
CC=clang cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKNEE_WERROR=ON \
    -DKNEE_SANITIZE=address,undefined -DKNEE_FUZZERS=ON -DKNEE_BUILD_SHARED=OFF >/dev/null
targets=""
for h in $HARNESSES; do targets="$targets fuzz_$h"; done
cmake --build "$BUILD_DIR" -j"$(nproc)" --target $targets >/dev/null
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
status=0
for h in $HARNESSES; do
    bin=$BUILD_DIR/tests/fuzz/fuzz_$h
    dict=tests/fuzz/rules.dict
    [ "$h" = expr ] && dict=tests/fuzz/expr.dict
    [ "$h" = fhir ] && dict=tests/fuzz/fhir.dict
    work=$BUILD_DIR/work/$h
    out=$BUILD_DIR/findings/$h
    rm -rf "$work"
    mkdir -p "$work" "$out"
    "$bin" -runs=0 tests/fuzz/corpus/$h >"$BUILD_DIR/replay-$h.log" 2>&1 || {
        echo "ci-fuzz: $h: a committed corpus file fails under the sanitizers:"; tail -40 "$BUILD_DIR/replay-$h.log"; status=1; continue; }
    if "$bin" "$work" tests/fuzz/corpus/$h -dict="$dict" -max_total_time="$SECONDS_EACH" -timeout=10 \
        -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 -artifact_prefix="$out/" \
        >"$BUILD_DIR/fuzz-$h.log" 2>&1; then
        echo "ci-fuzz: $h: $(grep -E '^#[0-9]+.*DONE' "$BUILD_DIR/fuzz-$h.log" | tail -1)"
    else
        echo "ci-fuzz: $h: FINDING (saved in $out):"; tail -60 "$BUILD_DIR/fuzz-$h.log"; status=1
    fi
done
exit $status
