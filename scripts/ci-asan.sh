#!/bin/sh
# CI job: the whole CTest suite built with clang and -fsanitize=address,undefined (build-asan/).
# Any sanitizer report aborts the test that triggered it. The valgrind.* tests turn themselves
# off in sanitizer builds. Built with clang, so UBSan also reports pointer arithmetic on NULL
# (gcc's does not).
set -eu
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD_DIR=${BUILD_DIR:-build-asan}
CC=${KNEE_ASAN_CC:-clang} cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKNEE_WERROR=ON \
    -DKNEE_SANITIZE=address,undefined >/dev/null
cmake --build "$BUILD_DIR" -j"$(nproc)" >/dev/null
cd "$BUILD_DIR"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# Everything but the Python binding tests: they would load the instrumented libknee.so into an
# uninstrumented python3, which then starts the (statically instrumented) knee command; they run
# in the plain, valgrind and locale jobs instead.
KNEE_CLI_VALGRIND=0 ctest --output-on-failure -j"$(nproc)" -LE python "$@"
# One Python suite does run over the instrumented libknee: interrupting a batch whose worker
# threads are in C (tests/python/test_interrupt.py), where a use after free would show. python3
# is not instrumented, so the ASan runtime is preloaded (leak checks off: CPython's own memory).
ASAN_RT=$(${KNEE_ASAN_CC:-clang} -print-file-name=libclang_rt.asan-x86_64.so)
if [ -f "$ASAN_RT" ] && [ -f libknee.so.0 ]; then
    LIB="$PWD/libknee.so.0"
    (cd "$ROOT/tests/python" && LD_PRELOAD="$ASAN_RT" ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
        LIBKNEE_PATH="$LIB" PYTHONPATH="$ROOT/bindings/python" python3 -B -m unittest test_interrupt)
fi
