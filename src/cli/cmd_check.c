/* cmd_check.c - `knee check`: load rule files and print every problem, for rule authors and
 * for CI. Everything goes to stdout so that it can be piped into an editor or grep. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

/* Check one file; returns 1 if it passes. */
static int check_file(const char *path, int strict)
{
    knee_ruleset *rs = NULL;
    knee_diag *diag = NULL, *lint = NULL;
    int status = knee_ruleset_load_file(&rs, path, NULL, &diag);
    size_t n = diag ? knee_diag_count(diag) : 0;
    size_t errors = diag ? knee_diag_error_count(diag) : 0;
    size_t warnings = n - errors;
    int pass;

    cli_print_diags(stdout, diag, path);
    /* The author's lint runs on every file that loads; its findings are warnings. */
    if (status == KNEE_OK) {
        status = knee_ruleset_lint(rs, &lint);
        cli_print_diags(stdout, lint, path);
        warnings += knee_diag_count(lint);
        knee_diag_free(lint);
    }
    if (status != KNEE_OK) {
        pass = 0;
        if (n == 0) /* nothing to point at (out of memory, say): say what happened */
            printf("%s: failed: %s\n", path, knee_strerror(status));
        else
            printf("%s: failed: %s (%zu error%s, %zu warning%s)\n", path, knee_strerror(status),
                   errors, errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s");
    } else if (strict && warnings > 0) {
        pass = 0;
        printf("%s: failed (--strict): %zu warning%s\n", path, warnings, warnings == 1 ? "" : "s");
    } else {
        pass = 1;
        printf("%s: ok (%zu options, %zu criteria, %zu facts, %zu rules, %zu sources", path,
               knee_ruleset_option_count(rs), knee_ruleset_criterion_count(rs),
               knee_ruleset_fact_count(rs), knee_ruleset_rule_count(rs),
               knee_ruleset_source_count(rs));
        if (warnings)
            printf("; %zu warning%s", warnings, warnings == 1 ? "" : "s");
        printf(")\n");
    }
    knee_diag_free(diag);
    knee_ruleset_free(rs);
    return pass;
}

int cli_cmd_check(int argc, char **argv)
{
    int i, strict = 0, n_files = 0, all_pass = 1, options_done = 0;

    for (i = 1; i < argc; i++) {
        if (options_done || argv[i][0] != '-' || strcmp(argv[i], "-") == 0)
            n_files++;
        else if (strcmp(argv[i], "--") == 0)
            options_done = 1;
        else if (strcmp(argv[i], "--strict") == 0)
            strict = 1;
        else if (cli_is_help(argv[i])) {
            cli_help_for("check");
            return CLI_EXIT_OK;
        } else
            return cli_usage_error("check: unknown option '%s'", argv[i]);
    }
    if (n_files == 0)
        return cli_usage_error("check: no rule file given");

    options_done = 0;
    for (i = 1; i < argc; i++) {
        if (!options_done && strcmp(argv[i], "--") == 0) {
            options_done = 1;
            continue;
        }
        if (!options_done && argv[i][0] == '-' && strcmp(argv[i], "-") != 0)
            continue;
        if (!check_file(argv[i], strict))
            all_pass = 0;
    }
    return all_pass ? CLI_EXIT_OK : CLI_EXIT_FAIL;
}
