#!/bin/bash
# Usage: readme_deps.sh SOURCE_DIR
# The README's dependency list names every library the build needs: each -dev package that
# scripts/install-deps.sh installs and each pkg-config module the CMake files require.
set -euo pipefail
src=$1
deps=$(awk '/^Dependencies \(installed by/ { on = 1 } on && /^$/ { exit } on' "$src/README.md")
[ -n "$deps" ] || { echo "README.md has no 'Dependencies (installed by ...)' paragraph"; exit 1; }

# libxml2-dev -> xml, libcunit1-dev -> cunit, libpcre2-8 -> pcre, libxml-2.0 -> xml
name_of() { sed -E 's/^lib//; s/-dev$//; s/-[0-9.]+$//; s/[0-9]+$//' <<<"$1"; }

missing=0
libs=$(grep -oE '[a-z0-9.+-]+-dev\b' "$src/scripts/install-deps.sh" | sort -u)
modules=$(grep -hoE 'pkg_check_modules\([A-Z0-9_]+ REQUIRED IMPORTED_TARGET [^)]*\)' \
              "$src/CMakeLists.txt" "$src/src/CMakeLists.txt" |
          sed -E 's/.*IMPORTED_TARGET //; s/\)$//' | tr ' ' '\n' | sort -u)
for dep in $libs $modules; do
    if ! grep -qi -- "$(name_of "$dep")" <<<"$deps"; then
        echo "README.md's dependency list does not name $dep ($(name_of "$dep"))"
        missing=$((missing + 1))
    fi
done
[ "$missing" -eq 0 ] && echo "README.md names every library dependency ($(echo $libs $modules | wc -w) checked)"
