#!/bin/bash
# Command-line manners: `knee COMMAND --help` is that command's help, -V/--version, the man page
# (built from the same usage data) renders without warnings, and the bash completion offers the
# commands, options, --method values and files.
# usage: test_manners.sh KNEE_BINARY REPO_ROOT
. "$(dirname "$0")/harness.sh" "$@"
ROOT=$(cd "$ROOT" && pwd)

COMMANDS="compare report check list test version help"
run help
global=$(cat "$TMP/out")
for cmd in $COMMANDS; do
    check "knee help lists $cmd" "out_has '^  $cmd  '"
done

# ---------------------------------------------------------------- help per command
for cmd in $COMMANDS; do
    run "$cmd" --help
    check "$cmd --help: its own usage, exit 0" \
        "[ \$rc -eq 0 ] && out_has '^usage: knee $cmd' && [ \"\$(cat \"\$TMP/out\")\" != \"\$global\" ]"
    own=$(cat "$TMP/out")
    run "$cmd" -h
    check "$cmd -h prints the same" "[ \$rc -eq 0 ] && [ \"\$(cat \"\$TMP/out\")\" = \"\$own\" ]"
    run help "$cmd"
    check "help $cmd prints the same" "[ \$rc -eq 0 ] && [ \"\$(cat \"\$TMP/out\")\" = \"\$own\" ]"
done
run compare --fact age=70 --help
check "--help after other options still prints the command's help" \
    '[ $rc -eq 0 ] && out_has "^usage: knee compare" && out_has "^  --method "'
run help frobnicate
check "help for an unknown command is a usage error" '[ $rc -eq 2 ] && err_has "no command .frobnicate."'
run compare --help
check "compare --help lists the --method values and COLUMNS" \
    'out_has "^  --method weighted-sum\|topsis\|" && out_has "COLUMNS"'
COLUMNS=200 "$KNEE" compare --help >"$TMP/out"
check "help keeps to 80 columns on a wider terminal" \
    '[ "$(python3 -c "import sys; print(max(len(l.rstrip(chr(10))) for l in open(sys.argv[1], encoding=\"utf-8\")))" "$TMP/out")" -le 80 ]'

# Every option a command's help lists is one its parser knows (the help cannot list an option
# that does not exist).
options_of() {   # "NAME ARG" lines, as the bash completion reads them
    "$KNEE" "$1" --help | awk '/^  -/ { spec = substr($0, 3); cut = index(spec, "  "); if (cut) spec = substr(spec, 1, cut - 1)
        n = split(spec, a, ", "); for (i = 1; i <= n; i++) { s = index(a[i], " "); print (s ? substr(a[i], 1, s - 1) : a[i]), (index(a[n], " ") ? "x" : "") } }'
}
for cmd in compare report check list; do
    unknown=""
    while read -r opt arg; do
        "$KNEE" "$cmd" "$opt" ${arg:+"$arg"} >/dev/null 2>"$TMP/err"
        grep -q "unknown option" "$TMP/err" && unknown="$unknown $opt"
    done < <(options_of "$cmd")
    check "every option in $cmd --help is known to its parser${unknown:+ (not:$unknown)}" '[ -z "$unknown" ]'
done

# ---------------------------------------------------------------- version
run version
version=$(cat "$TMP/out")
for v in -V --version; do
    run "$v"
    check "$v prints the version" '[ $rc -eq 0 ] && [ "$(cat "$TMP/out")" = "$version" ]'
done
run -V extra
check "-V with an argument is a usage error" '[ $rc -eq 2 ]'

# ---------------------------------------------------------------- the man page
MAN=$(dirname "$KNEE")/knee.1
check "the build wrote knee.1 next to knee" '[ -s "$MAN" ] && grep -q "^\.TH KNEE 1 " "$MAN"'
for cmd in $COMMANDS; do
    check "knee.1 has a section for $cmd" "grep -q '^\.SS $cmd\$' \"\$MAN\""
done
if command -v groff >/dev/null; then
    groff -man -Tutf8 -ww -z "$MAN" 2>"$TMP/err"
    check "groff renders knee.1 without warnings" '[ ! -s "$TMP/err" ]'
else
    skip "groff renders knee.1 without warnings (no groff)"
fi
if command -v man >/dev/null; then
    MANWIDTH=80 man --warnings -l "$MAN" >"$TMP/out" 2>"$TMP/err"
    check "man -l renders knee.1 without warnings" \
        '[ ! -s "$TMP/err" ] && out_has "^NAME" && out_has "--method" && out_has "EXIT STATUS"'
    missing=""
    for cmd in compare report check list; do
        for opt in $(options_of "$cmd" | awk '{print $1}'); do
            grep -qF -- "$opt" "$TMP/out" || missing="$missing $opt"
        done
    done
    check "knee.1 documents every option of the help${missing:+ (not:$missing)}" '[ -z "$missing" ]'
else
    skip "man -l renders knee.1 (no man)"
fi

# ---------------------------------------------------------------- bash completion
mkdir -p "$TMP/bin" "$TMP/files"
ln -s "$(cd "$(dirname "$KNEE")" && pwd)/$(basename "$KNEE")" "$TMP/bin/knee"
touch "$TMP/files/rules-a.xml" "$TMP/files/rules-b.xml"
complete_() {   # complete_ WORD... : what completing the last word offers
    (cd "$TMP/files" && PATH="$TMP/bin:$PATH" bash -c '
        . "$1/src/cli/completion.bash"; shift
        COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _knee; printf "%s\n" "${COMPREPLY[@]}" | sort' \
        sh "$ROOT" "$@")
}
words() { complete_ "$@" | tr '\n' ' ' | sed 's/ $//'; }
check "completion: commands" '[ "$(words knee c)" = "check compare" ]'
check "completion: -V and --version" '[ "$(words knee --v)" = "--version" ] && [ "$(words knee -V)" = "-V" ]'
check "completion: compare options" '[ "$(words knee compare --meth)" = "--method" ]'
check "completion: report has -o and --date" 'complete_ knee report - | grep -qx -- -o && complete_ knee report - | grep -qx -- --date'
check "completion: --method values" \
    '[ "$(words knee compare --method "")" = "promethee2 topsis topsis-minmax topsis-utility vikor weighted-sum" ]'
check "completion: --missing values" '[ "$(words knee compare --missing re)" = "refuse renormalise" ]'
check "completion: --rules completes files" '[ "$(words knee compare --rules rules-)" = "rules-a.xml rules-b.xml" ]'
check "completion: check completes rule files" '[ "$(words knee check rules-b)" = "rules-b.xml" ]'
check "completion: help COMMAND" '[ "$(words knee help rep)" = "report" ]'

finish
