/* messages.c - error messages and diagnostics, in the forms scripts and editors parse. */
#include <stdarg.h>
#include <stdio.h>

#include "cli/cli.h"

int cli_usage_error(const char *fmt, ...)
{
    va_list ap;

    fputs("knee: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\nTry 'knee help' for usage.\n", stderr);
    return CLI_EXIT_USAGE;
}

int cli_fail(const char *what, int status, const char *detail)
{
    if (detail && *detail)
        fprintf(stderr, "knee: %s: %s: %s\n", what, knee_strerror(status), detail);
    else
        fprintf(stderr, "knee: %s: %s\n", what, knee_strerror(status));
    return CLI_EXIT_FAIL;
}

static void print_diag(FILE *out, const knee_diag *d, size_t i, const char *file)
{
    const char *f = knee_diag_file(d, i);
    const char *code = knee_diag_code(d, i);
    const char *msg = knee_diag_message(d, i);

    fprintf(out, "%s:%u:%u: %s: %s%s\n", f && *f ? f : file, knee_diag_line(d, i),
            knee_diag_column(d, i), code ? code : "error",
            knee_diag_severity(d, i) == KNEE_SEVERITY_WARNING ? "warning: " : "", msg ? msg : "");
}

void cli_print_diags(FILE *out, const knee_diag *d, const char *file)
{
    size_t i, n = d ? knee_diag_count(d) : 0;

    for (i = 0; i < n; i++)
        print_diag(out, d, i, file);
}

int cli_fail_diag(const char *what, int status, const knee_diag *d, const char *file)
{
    size_t n = d ? knee_diag_count(d) : 0;

    if (n == 0)
        return cli_fail(what, status, NULL);
    fprintf(stderr, "knee: %s: %s: ", what, knee_strerror(status));
    if (n == 1) {
        print_diag(stderr, d, 0, file);
    } else {
        fprintf(stderr, "%zu problems (%zu errors):\n", n, knee_diag_error_count(d));
        cli_print_diags(stderr, d, file);
    }
    return CLI_EXIT_FAIL;
}
