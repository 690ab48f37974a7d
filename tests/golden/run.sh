#!/bin/bash
# Usage: run.sh KNEE_BINARY GOLDEN_DIR
# Each NAME.args in GOLDEN_DIR holds the arguments of one `knee compare` (one per line); its JSON
# output must equal NAME.json byte for byte, be valid JSON, match docs/result.schema.json, and be
# the same under a comma-decimal locale. KNEE_UPDATE_GOLDEN=1 rewrites the .json files instead (review the diff!).
set -u
knee=$1
dir=$2
pass=0
fail=0
for args in "$dir"/*.args; do
    name=$(basename "$args" .args)
    mapfile -t argv < <(grep -v '^#' "$args" | sed '/^$/d' | sed "s|@DATA@|$dir/../data|g")
    out=$("$knee" compare "${argv[@]}" --format json 2>&1)
    rc=$?
    if [ "${KNEE_UPDATE_GOLDEN:-0}" = 1 ]; then
        printf '%s\n' "$out" > "$dir/$name.json"
        echo "updated $name.json"
        continue
    fi
    if [ $rc -ne 0 ]; then
        echo "FAIL $name: knee exited $rc: $out"; fail=$((fail + 1)); continue
    fi
    if ! printf '%s\n' "$out" | python3 -m json.tool >/dev/null 2>&1; then
        echo "FAIL $name: output is not valid JSON"; fail=$((fail + 1)); continue
    fi
    if ! printf '%s\n' "$out" | python3 "$dir/validate.py" "$dir/../../docs/result.schema.json" - \
            >"/tmp/knee-golden-$name.schema" 2>&1; then
        echo "FAIL $name: output does not match docs/result.schema.json:"; head -20 "/tmp/knee-golden-$name.schema"
        fail=$((fail + 1)); continue
    fi
    if ! diff -u "$dir/$name.json" <(printf '%s\n' "$out") >"/tmp/knee-golden-$name.diff"; then
        echo "FAIL $name: output differs from $name.json:"; head -40 "/tmp/knee-golden-$name.diff"
        fail=$((fail + 1)); continue
    fi
    de=$(LC_ALL=de_DE.UTF-8 "$knee" compare "${argv[@]}" --format json 2>&1)
    if [ "$de" != "$out" ]; then
        echo "FAIL $name: output differs under LC_ALL=de_DE.UTF-8"; fail=$((fail + 1)); continue
    fi
    echo "ok   $name"
    pass=$((pass + 1))
done
[ "${KNEE_UPDATE_GOLDEN:-0}" = 1 ] && exit 0
echo "$pass passed, $fail failed"
[ $fail -eq 0 ] && [ $pass -gt 0 ]
