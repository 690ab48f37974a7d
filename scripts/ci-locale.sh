#!/bin/sh
# CI job: the whole CTest suite again with every test program running under de_DE.UTF-8, set by
# the host: tests/stress/host_locale.c is preloaded and calls setlocale(LC_ALL, "") before main,
# as a host program would. The golden JSON, CLI output and every unit test must be unchanged.
# Uses the build of scripts/test.sh (BUILD_DIR, default build).
set -eu
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
[ -f "$BUILD_DIR/CTestTestfile.cmake" ] || BUILD_DIR=$BUILD_DIR sh scripts/build.sh
loc=de_DE.UTF-8
locale -a 2>/dev/null | grep -qi '^de_DE\.utf-\?8$' || { echo "ci-locale: $loc is not installed"; exit 1; }
pre=$(pwd)/$BUILD_DIR/host_locale.so
cc -shared -fPIC -O2 -Wall -Werror -o "$pre" tests/stress/host_locale.c
# Prove the preload takes effect: printf must print a decimal comma.
probe=$(pwd)/$BUILD_DIR/host_locale_probe
printf '#include <stdio.h>\nint main(void){printf("%%.1f", 1.5);return 0;}\n' | cc -x c -o "$probe" -
got=$(LC_ALL=$loc LD_PRELOAD=$pre "$probe")
[ "$got" = "1,5" ] || { echo "ci-locale: the preload did not set $loc (printf gave '$got')"; exit 1; }
echo "ci-locale: every test program runs with setlocale(LC_ALL, \"\") under LC_ALL=$loc (printf 1.5 -> $got)"
# The CLI's JSON is byte-identical with and without the host locale.
cli=$BUILD_DIR/knee
if [ -x "$cli" ]; then
    a=$("$cli" compare --fact age=72 --fact kl_grade=4 --fact bmi=31.5 --fact payer=medicare --format json)
    b=$(LC_ALL=$loc LD_PRELOAD=$pre "$cli" compare --fact age=72 --fact kl_grade=4 --fact bmi=31.5 \
        --fact payer=medicare --format json)
    [ "$a" = "$b" ] || { echo "ci-locale: JSON output differs under $loc"; exit 1; }
    echo "ci-locale: knee compare --format json is byte-identical under $loc"
fi
cd "$BUILD_DIR"
LC_ALL=$loc LANG=$loc LD_PRELOAD=$pre ctest --output-on-failure -j"$(nproc)" "$@"
