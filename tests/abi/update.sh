#!/bin/sh
# Regenerate the ABI baseline after a deliberate API change, in one command:
#   sh tests/abi/update.sh
# Builds libknee.so with gcc, RelWithDebInfo and no sanitizers in build-abi/ (or $BUILD_DIR),
# then rewrites tests/abi/symbols.txt (nm -D) and tests/abi/libknee.abi (abidw). Review the diff
# (git diff tests/abi) and commit both with the change that caused them (docs/api-stability.md).
set -eu
cd "$(dirname "$0")/../.."
BUILD_DIR=${BUILD_DIR:-build-abi}
if ! command -v abidw >/dev/null 2>&1; then
    echo "update.sh: abidw not installed (Debian: apt-get install abigail-tools)" >&2
    exit 1
fi
CC=${KNEE_ABI_CC:-gcc} cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKNEE_SANITIZE= \
    -DKNEE_BUILD_SHARED=ON -DKNEE_BUILD_TESTS=OFF >/dev/null
cmake --build "$BUILD_DIR" --target knee_shared -j"$(nproc)" >/dev/null
lib=$BUILD_DIR/libknee.so.0
nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBRVW]$/ {print $3}' | sed 's/@.*//' | LC_ALL=C sort -u \
    >tests/abi/symbols.txt
sh tests/abi/abidw.sh "$lib" include >tests/abi/libknee.abi
echo "update.sh: $(wc -l <tests/abi/symbols.txt) symbols in tests/abi/symbols.txt; tests/abi/libknee.abi rewritten"
git diff --stat -- tests/abi 2>/dev/null || true
