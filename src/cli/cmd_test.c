/* cmd_test.c - `knee test`: run the test cases a rule file carries. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

/* Run one file's cases (path NULL: the built-in rules); returns 1 if all passed. */
static int test_file(const char *path)
{
    knee_ruleset *rs = cli_load_rules(path);
    size_t n_cases = 0, n_failed = 0;
    char *report = NULL;
    const char *name;
    int status, pass = 0;

    if (!rs)
        return 0;
    name = path ? path : knee_ruleset_name(rs);
    status = knee_ruleset_run_tests(rs, &n_cases, &n_failed, &report);
    if (status != KNEE_OK) {
        char what[512];
        snprintf(what, sizeof what, "tests of '%s'", name);
        cli_fail(what, status, report);
    } else {
        const char *line = report ? report : "";
        printf("%s: %zu case%s, %zu failed\n", name, n_cases, n_cases == 1 ? "" : "s", n_failed);
        /* The report is one failed expectation per line; indent each under the summary. */
        while (*line) {
            const char *nl = strchr(line, '\n');
            size_t len = nl ? (size_t)(nl - line) : strlen(line);
            if (len)
                printf("  %.*s\n", (int)len, line);
            line += len + (nl ? 1 : 0);
        }
        pass = n_failed == 0;
    }
    knee_free(report);
    knee_ruleset_free(rs);
    return pass;
}

int cli_cmd_test(int argc, char **argv)
{
    int i, all_pass = 1, n_files = 0, options_done = 0;

    for (i = 1; i < argc; i++) {
        if (options_done || argv[i][0] != '-')
            n_files++;
        else if (strcmp(argv[i], "--") == 0)
            options_done = 1;
        else if (cli_is_help(argv[i])) {
            cli_help_for("test");
            return CLI_EXIT_OK;
        } else
            return cli_usage_error("test: unknown option '%s'", argv[i]);
    }
    if (n_files == 0)
        return test_file(NULL) ? CLI_EXIT_OK : CLI_EXIT_FAIL;
    options_done = 0;
    for (i = 1; i < argc; i++) {
        if (!options_done && strcmp(argv[i], "--") == 0) {
            options_done = 1;
            continue;
        }
        if (!test_file(argv[i]))
            all_pass = 0;
    }
    return all_pass ? CLI_EXIT_OK : CLI_EXIT_FAIL;
}
