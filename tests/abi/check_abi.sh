#!/bin/sh
# Usage: check_abi.sh LIBKNEE.so INCLUDE_DIR BASELINE.abi
# The ABI gate: compares the built library's ABI (abidw, debug information) with the committed
# baseline using abidiff. Any difference fails: an unintended change is a bug; an intended one
# is made by regenerating the baseline in the same commit (sh tests/abi/update.sh, see
# docs/api-stability.md). Exits 77 (skipped) only when abigail-tools is not installed.
set -eu
lib=$1
inc=$2
baseline=$3
here=$(dirname "$0")
if ! command -v abidw >/dev/null 2>&1 || ! command -v abidiff >/dev/null 2>&1; then
    echo "SKIPPED: abidw/abidiff not installed (Debian: apt-get install abigail-tools)"
    exit 77
fi
if [ ! -f "$baseline" ]; then
    echo "no ABI baseline at $baseline: run sh tests/abi/update.sh"
    exit 1
fi
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
sh "$here/abidw.sh" "$lib" "$inc" >"$tmp"
status=0
abidiff --no-added-syms "$baseline" "$tmp" >/dev/null 2>&1 || status=$?
if [ "$status" -ne 0 ] || ! abidiff "$baseline" "$tmp" >/dev/null 2>&1; then
    echo "The ABI of $lib differs from $baseline:"
    abidiff "$baseline" "$tmp" || true
    if [ $((status & 8)) -ne 0 ]; then
        echo "INCOMPATIBLE change: existing callers would break. Restore the old signature/type,"
        echo "or add a new function (e.g. a _v2) instead; a real break needs a SONAME bump."
    fi
    echo "If the change is intended (a new function, say), regenerate the baseline and the"
    echo "symbol list in the same commit:  sh tests/abi/update.sh"
    exit 1
fi
echo "ABI matches $baseline ($(grep -c '<elf-symbol ' "$baseline") symbols)"
