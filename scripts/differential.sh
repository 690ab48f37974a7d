#!/bin/sh
# Usage: sh scripts/differential.sh [COMMIT]
# Byte-for-byte check of a change that must not change any output (a refactoring): builds the
# knee command of COMMIT (default: main) in a temporary folder, builds this tree (BUILD_DIR,
# default build), and runs tests/cli/differential.sh on both: the golden cases with every method,
# the analyses and the report, and population runs (CSV and JSON lines, bad rows, --full, 1, 2
# and 4 threads). Prints each difference and fails on any.
set -eu
cd "$(dirname "$0")/.."
commit=${1:-main}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git archive "$commit" | tar -x -C "$tmp" -f -
echo "differential: building the knee command of $commit ($(git rev-parse --short "$commit"))"
BUILD_DIR="$tmp/build" sh "$tmp/scripts/build.sh" -DKNEE_BUILD_TESTS=OFF >"$tmp/build.log" 2>&1 ||
    { tail -20 "$tmp/build.log"; exit 1; }
echo "differential: building this tree"
BUILD_DIR=${BUILD_DIR:-build} sh scripts/build.sh >/dev/null
bash tests/cli/differential.sh "$tmp/build/knee" "$PWD/${BUILD_DIR:-build}/knee" "$PWD" "$tmp/work"
