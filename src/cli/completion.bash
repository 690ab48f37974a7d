# bash completion for knee; installed as share/bash-completion/completions/knee.
# The commands, the options and their values are read from `knee help` and `knee COMMAND --help`
# (src/cli/usage.c), so that the completion never disagrees with the command: an option's
# a|b|c values are offered after it, a FILE argument completes file names.

# "NAME ARG" for every option of a command's help (ARG empty for a flag; aliases each).
_knee_options() {
    "$1" "$2" --help 2>/dev/null | awk '
        /^  -/ {
            spec = substr($0, 3); cut = index(spec, "  "); if (cut) spec = substr(spec, 1, cut - 1)
            n = split(spec, alias, ", "); last = alias[n]; sp = index(last, " ")
            arg = sp ? substr(last, sp + 1) : ""
            for (i = 1; i <= n; i++) { name = alias[i]; s = index(name, " "); if (s) name = substr(name, 1, s - 1); print name " " arg }
        }'
}

_knee() {
    local knee=${COMP_WORDS[0]} cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    local cmd=${COMP_WORDS[1]} opts arg
    COMPREPLY=()
    if [ "$COMP_CWORD" -eq 1 ]; then
        COMPREPLY=($(compgen -W "$("$knee" help 2>/dev/null | awk '/^commands:/ {on = 1; next} on && /^  [a-z]/ {print $1} /^$/ {on = 0}') -h --help -V --version" -- "$cur"))
        return 0
    fi
    if [ "$cmd" = help ]; then
        [ "$COMP_CWORD" -eq 2 ] && COMPREPLY=($(compgen -W "$("$knee" help 2>/dev/null | awk '/^commands:/ {on = 1; next} on && /^  [a-z]/ {print $1} /^$/ {on = 0}')" -- "$cur"))
        return 0
    fi
    opts=$(_knee_options "$knee" "$cmd")
    # the value of the option before the cursor
    arg=$(printf '%s\n' "$opts" | awk -v o="$prev" '$1 == o {print $2; exit}')
    if [ -n "$arg" ]; then
        case $arg in
        FILE* | *FILE)
            compopt -o filenames 2>/dev/null
            COMPREPLY=($(compgen -f -- "$cur")) ;;
        *'|'*)
            COMPREPLY=($(compgen -W "${arg//|/ }" -- "$cur")) ;;
        esac
        return 0
    fi
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(printf '%s\n' "$opts" | awk '{print $1}') --help" -- "$cur"))
    elif [ "$cmd" = check ] || [ "$cmd" = test ]; then
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -f -- "$cur"))   # rule files
    fi
    return 0
}
complete -F _knee knee
