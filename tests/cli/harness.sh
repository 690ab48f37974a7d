# harness.sh - sourced by the CLI test scripts: arguments, a scratch folder, and run/check.
# usage (in a script): . "$(dirname "$0")/harness.sh" "$@"   (KNEE_BINARY REPO_ROOT)
# Sets KNEE, ROOT, DATA and TMP; `finish` prints "N passed, N failed" and sets the exit status.

if [ $# -ne 2 ]; then
    echo "usage: $0 KNEE_BINARY REPO_ROOT" >&2
    exit 2
fi
KNEE=$1
ROOT=$2
if [ ! -x "$KNEE" ]; then
    echo "FAIL - $KNEE is not an executable"
    echo "0 passed, 1 failed"
    exit 1
fi
DATA=$ROOT/tests/cli/data
# The text layout follows COLUMNS: the tests set it where they mean to, and never inherit it.
unset COLUMNS
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

passed=0
failed=0
rc=0

# run ARGS...: run knee, keeping stdout in $TMP/out, stderr in $TMP/err and the exit status in rc.
run() {
    "$KNEE" "$@" >"$TMP/out" 2>"$TMP/err"
    rc=$?
}

# check NAME CONDITION: CONDITION is shell code, evaluated after the last run.
check() {
    local name=$1 cond=$2
    if eval "$cond"; then
        echo "ok   - $name"
        passed=$((passed + 1))
    else
        echo "FAIL - $name"
        echo "       condition: $cond (exit status was $rc)"
        sed -e 's/^/       stdout: /' "$TMP/out" | head -n 15
        sed -e 's/^/       stderr: /' "$TMP/err" | head -n 15
        failed=$((failed + 1))
    fi
}

skip() {
    echo "skip - $1"
}

out_has() { grep -Eq -- "$1" "$TMP/out"; }
err_has() { grep -Eq -- "$1" "$TMP/err"; }

finish() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}
