#!/bin/sh
# Usage: sh scripts/format.sh [--check]
# The C files of the tree in the committed .clang-format style: every tracked .c and .h of src/,
# include/, tests/, bench/ and examples/ (the tree holds no generated or third-party C file).
# Without --check, formats them in place. With --check, changes nothing: lists the files whose
# formatting differs and exits 1 if there is one.
# Pinned to clang-format 14, Debian 12's (scripts/install-deps.sh installs it): another version
# formats some lines differently, so the check would fail on a tree formatted by this one.
# CLANG_FORMAT names another binary of version 14.
set -eu
cd "$(dirname "$0")/.."
CLANG_FORMAT=${CLANG_FORMAT:-clang-format-14}
command -v "$CLANG_FORMAT" >/dev/null 2>&1 ||
    { echo "format.sh: $CLANG_FORMAT not found (sh scripts/install-deps.sh)" >&2; exit 2; }
case $("$CLANG_FORMAT" --version) in
*" version 14."*) ;;
*) echo "format.sh: $CLANG_FORMAT is not clang-format 14: $("$CLANG_FORMAT" --version)" >&2; exit 2 ;;
esac
check=0
case ${1:-} in
--check) check=1 ;;
"") ;;
*) echo "usage: sh scripts/format.sh [--check]" >&2; exit 2 ;;
esac

files=$(git ls-files -- 'src/*.[ch]' 'include/*.[ch]' 'tests/*.[ch]' 'bench/*.[ch]' 'examples/*.[ch]')
if [ "$check" = 0 ]; then
    # shellcheck disable=SC2086 # one file a word: the tracked paths hold no blanks
    "$CLANG_FORMAT" -i --style=file $files
    exit 0
fi
differ=0
for f in $files; do
    if ! "$CLANG_FORMAT" --style=file "$f" | cmp -s - "$f"; then
        echo "$f"
        differ=$((differ + 1))
    fi
done
if [ "$differ" -gt 0 ]; then
    echo "format.sh: $differ file(s) not in the .clang-format style; run sh scripts/format.sh" >&2
    exit 1
fi
