#!/bin/bash
# Usage: test_install.sh SOURCE_DIR WORK_DIR
# Configure, build and install libknee to WORK_DIR/prefix, then build examples/ against the
# installed package both ways (CMake package and pkg-config) and run them.
set -euo pipefail
src=$1
work=$2
rm -rf "$work"
mkdir -p "$work"
cmake -S "$src" -B "$work/build" -DKNEE_BUILD_TESTS=OFF -DKNEE_BUILD_STATIC=ON \
      -DCMAKE_INSTALL_PREFIX="$work/prefix" >"$work/configure.log"
cmake --build "$work/build" -j2 >"$work/build.log"
cmake --install "$work/build" >"$work/install.log"
prefix="$work/prefix"
libdir=$(find "$prefix" -name 'libknee.so.0' -printf '%h\n' | head -n1)
test -f "$prefix/include/knee.h"
test -f "$prefix/share/knee/rules/knee-oa.xml"
test -f "$libdir/pkgconfig/knee.pc"
test -f "$libdir/cmake/knee/knee-config.cmake"

# 1. find_package(knee) -> knee::knee
cmake -S "$src/examples" -B "$work/example" -DCMAKE_PREFIX_PATH="$prefix" >"$work/example-configure.log"
cmake --build "$work/example" >"$work/example-build.log"
out=$(LD_LIBRARY_PATH="$libdir" "$work/example/compare_patient")
grep -q 'rank 1:' <<<"$out" || { echo "example (CMake) printed no ranking:"; echo "$out"; exit 1; }

# 2. pkg-config
PKG_CONFIG_PATH="$libdir/pkgconfig" cc -std=c99 -Wall -Werror "$src/examples/compare_patient.c" \
    $(PKG_CONFIG_PATH="$libdir/pkgconfig" pkg-config --cflags --libs knee) -o "$work/compare_pkgconfig"
out=$(LD_LIBRARY_PATH="$libdir" "$work/compare_pkgconfig")
grep -q 'rank 1:' <<<"$out" || { echo "example (pkg-config) printed no ranking:"; echo "$out"; exit 1; }

# 3. the static library, through pkg-config --static
export PKG_CONFIG_PATH="$libdir/pkgconfig"
cc -std=c99 -Wall -Werror -DKNEE_STATIC $(pkg-config --cflags knee) "$src/examples/compare_patient.c" \
    "$libdir/libknee.a" $(pkg-config --static --libs-only-l knee | sed 's/-lknee//') \
    -lpthread -lm -o "$work/compare_static"
# (grep -q in a pipe would stop reading early: under pipefail the writer's SIGPIPE fails the test)
out=$("$work/compare_static")
grep -q 'rank 1:' <<<"$out" || { echo "example (static) failed"; exit 1; }
echo "install test: CMake package, pkg-config and static linking all work"
