#!/bin/sh
# Run every test: install missing dependencies, build with warnings as errors, then the whole
# CTest suite (unit suites, the same under valgrind, CLI behaviour and golden output, the rule
# files' own cases, ABI checks, and an install-and-link test).
set -eu
cd "$(dirname "$0")/.."
sh scripts/install-deps.sh
BUILD_DIR=${BUILD_DIR:-build} sh scripts/build.sh
cd "${BUILD_DIR:-build}"
ctest --output-on-failure -j"$(nproc)" "$@"
