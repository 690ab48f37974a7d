#!/bin/sh
# Usage: check_symbols.sh libknee.so symbols.txt
# Fails if an exported symbol does not start with knee_, is internal (knee__), or if the
# exported set differs from the committed list (update it deliberately when the API grows).
set -eu
lib=$1
list=$2
actual=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBRVW]$/ {print $3}' | sed 's/@.*//' | LC_ALL=C sort -u)
bad=$(printf '%s\n' "$actual" | grep -v '^knee_' || true)
internal=$(printf '%s\n' "$actual" | grep '^knee__' || true)
if [ -n "$bad$internal" ]; then
    echo "exported symbols outside the knee_ namespace or internal:"; printf '%s\n' "$bad" "$internal"
    exit 1
fi
if ! printf '%s\n' "$actual" | diff -u "$list" - ; then
    echo "the exported symbols differ from $list (see the diff above)"
    exit 1
fi
echo "$(printf '%s\n' "$actual" | wc -l) exported symbols, all knee_*, matching $list"
