#!/bin/bash
# Usage: test_install.sh SOURCE_DIR WORK_DIR
# The README's commands: configure without CMAKE_INSTALL_PREFIX, build, then
# `cmake --install build --prefix P`. Then build examples/ against P both ways (CMake package
# and pkg-config) and statically, run the installed `knee` from P without LD_LIBRARY_PATH, and
# do it all again after moving P elsewhere: the installed files do not name the prefix.
set -euo pipefail
src=$1
work=$2
rm -rf "$work"
mkdir -p "$work"
cd "$work"
# (tests off and the static library on: quicker, and the static link is checked too; neither
# touches where things are installed)
cmake -S "$src" -B build -DKNEE_BUILD_TESTS=OFF -DKNEE_BUILD_STATIC=ON >"$work/configure.log"
cmake --build build -j2 >"$work/build.log"
cmake --install build --prefix "$work/prefix" >"$work/install.log"

fail() { echo "install test: $*"; exit 1; }

# check_prefix P: everything below works from prefix P.
check_prefix() {
    local prefix=$1 libdir pc out
    libdir=$(find "$prefix" -name 'libknee.so.0' -printf '%h\n' | head -n1)
    [ -n "$libdir" ] || fail "no libknee.so.0 under $prefix"
    test -f "$prefix/include/knee.h"
    test -f "$prefix/share/knee/rules/knee-oa.xml"
    test -f "$libdir/pkgconfig/knee.pc"
    test -f "$libdir/cmake/knee/knee-config.cmake"
    # the man page and the bash completion, where man and bash-completion look for them
    grep -q '^\.TH KNEE 1 ' "$prefix/share/man/man1/knee.1" || fail "no man page share/man/man1/knee.1"
    grep -q '^complete -F _knee knee$' "$prefix/share/bash-completion/completions/knee" ||
        fail "no bash completion share/bash-completion/completions/knee"
    if grep -rq -e /usr/local -e "$work/prefix" "$libdir/pkgconfig/knee.pc" "$libdir/cmake/knee"; then
        fail "the pkg-config file or the CMake package names an absolute prefix:"
    fi

    # The installed command finds its library through its RPATH ($ORIGIN/../lib).
    out=$(env -u LD_LIBRARY_PATH "$prefix/bin/knee" version 2>&1) ||
        fail "$prefix/bin/knee version did not run without LD_LIBRARY_PATH: $out"
    grep -Eq '^[0-9]+\.[0-9]+\.[0-9]+$' <<<"$out" || fail "knee version printed: $out"
    env -u LD_LIBRARY_PATH "$prefix/bin/knee" compare --fact age=72 --fact kl_grade=4 >/dev/null ||
        fail "$prefix/bin/knee compare failed"

    # 1. pkg-config: the prefix it reports is this one
    export PKG_CONFIG_PATH="$libdir/pkgconfig"
    pc=$(pkg-config --variable=prefix knee)
    [ "$(realpath "$pc")" = "$(realpath "$prefix")" ] || fail "pkg-config says prefix $pc, not $prefix"
    [ "$(realpath "$(pkg-config --variable=rulesdir knee)")" = "$(realpath "$prefix/share/knee/rules")" ] ||
        fail "pkg-config's rulesdir is not under $prefix"
    cc -std=c99 -Wall -Werror "$src/examples/compare_patient.c" \
        $(pkg-config --cflags --libs knee) -o "$work/compare_pkgconfig"
    out=$(LD_LIBRARY_PATH="$libdir" "$work/compare_pkgconfig")
    grep -q 'rank 1:' <<<"$out" || fail "example (pkg-config) printed no ranking: $out"

    # 2. the static library, through pkg-config --static
    cc -std=c99 -Wall -Werror -DKNEE_STATIC $(pkg-config --cflags knee) "$src/examples/compare_patient.c" \
        "$libdir/libknee.a" $(pkg-config --static --libs-only-l knee | sed 's/-lknee//') \
        -lpthread -lm -o "$work/compare_static"
    # (grep -q in a pipe would stop reading early: under pipefail the writer's SIGPIPE fails the test)
    out=$("$work/compare_static")
    grep -q 'rank 1:' <<<"$out" || fail "example (static) failed"
    unset PKG_CONFIG_PATH

    # 3. find_package(knee) -> knee::knee
    rm -rf "$work/example"
    cmake -S "$src/examples" -B "$work/example" -DCMAKE_PREFIX_PATH="$prefix" >"$work/example-configure.log"
    cmake --build "$work/example" >"$work/example-build.log"
    out=$(LD_LIBRARY_PATH="$libdir" "$work/example/compare_patient")
    grep -q 'rank 1:' <<<"$out" || fail "example (CMake) printed no ranking: $out"
}

check_prefix "$work/prefix"
mv "$work/prefix" "$work/moved"
check_prefix "$work/moved"
echo "install test: cmake --install --prefix, then the CMake package, pkg-config, static linking and the knee command all work, and again after moving the prefix"
