/* cmd_report.c - `knee report`: the decision-aid report of one comparison as a self-contained
 * HTML page (docs/report.md), written to a file or to standard output. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"

typedef struct report_args {
    const char *output;  /* "-" for standard output */
    const char *date;    /* NULL: today */
    int audience;        /* KNEE_AUDIENCE_*; the patient's page unless asked */
    const char *options; /* --options a,b,c: option ids the patient page shows */
} report_args;

/* Returns CLI_EXIT_OK, -1 after --help, or the exit status of a usage error (reported). */
static int parse(int argc, char **argv, cli_session *s, report_args *a)
{
    int i;

    for (i = 1; i < argc; i++) {
        const char *v = NULL;
        int m;
        if (cli_is_help(argv[i])) {
            cli_help_for("report");
            return -1;
        }
        if ((m = cli_session_option(s, argc, argv, &i)) != 0) {
            if (m != 1)
                return m;
        } else if ((m = cli_option_value(argc, argv, &i, "-o", &v)) != 0 ||
                   (m = cli_option_value(argc, argv, &i, "--output", &v)) != 0) {
            if (m < 0)
                return CLI_EXIT_USAGE;
            if (a->output)
                return cli_usage_error("report: -o given twice");
            if (!*v)
                return cli_usage_error("report: -o needs a file name, or - for standard output");
            a->output = v;
        } else if ((m = cli_option_value(argc, argv, &i, "--date", &v)) != 0) {
            if (m < 0)
                return CLI_EXIT_USAGE;
            a->date = v;
        } else if ((m = cli_option_value(argc, argv, &i, "--audience", &v)) != 0) {
            if (m < 0)
                return CLI_EXIT_USAGE;
            if (strcmp(v, "patient") == 0)
                a->audience = KNEE_AUDIENCE_PATIENT;
            else if (strcmp(v, "clinician") == 0)
                a->audience = KNEE_AUDIENCE_CLINICIAN;
            else
                return cli_usage_error("report: --audience is patient or clinician, not '%s'", v);
        } else if ((m = cli_option_value(argc, argv, &i, "--options", &v)) != 0) {
            if (m < 0)
                return CLI_EXIT_USAGE;
            a->options = v;
        } else if (argv[i][0] == '-') {
            return cli_usage_error("report: unknown option '%s'", argv[i]);
        } else {
            return cli_usage_error("report: unexpected argument '%s'", argv[i]);
        }
    }
    if (s->why)
        return cli_usage_error("report: --why is for compare; the report shows every option");
    if (!a->output)
        return cli_usage_error("report: give -o FILE (or -o - for standard output)");
    return CLI_EXIT_OK;
}

/* Today's date as YYYY-MM-DD (the command may read the clock; the library may not). */
static const char *today(char *buf, size_t size)
{
    time_t now = time(NULL);
    struct tm tm;
    if (now == (time_t)-1 || !localtime_r(&now, &tm) || strftime(buf, size, "%Y-%m-%d", &tm) == 0)
        return NULL;
    return buf;
}

/* --options a,b,c: each id must be an option of the rule file; at most
 * KNEE_REPORT_MAX_OPTIONS. CLI_EXIT_OK or a usage error (reported). */
static int add_options(knee_report_options *ro, const knee_ruleset *rs, const char *list)
{
    char id[256];
    const char *s = list;
    size_t n;
    while (s && *s) {
        const char *e = strchr(s, ',');
        n = e ? (size_t)(e - s) : strlen(s);
        if (n == 0 || n >= sizeof id)
            return cli_usage_error("report: --options takes option ids separated by commas");
        memcpy(id, s, n);
        id[n] = '\0';
        if (knee_ruleset_option_index(rs, id) == (size_t)-1)
            return cli_usage_error("report: --options: the rule file has no option '%s' "
                                   "(knee list shows them)",
                                   id);
        if (knee_report_options_add_option(ro, id) == KNEE_ERANGE)
            return cli_usage_error("report: --options: at most %d options",
                                   KNEE_REPORT_MAX_OPTIONS);
        s += n + (e != NULL);
    }
    return CLI_EXIT_OK;
}

int cli_cmd_report(int argc, char **argv)
{
    cli_session s;
    report_args a;
    knee_report_options *ro = NULL;
    cli_output o;
    const char *inputs[3];
    char *html = NULL, day[32];
    const char *date;
    size_t len = 0;
    int status, rc;

    memset(&a, 0, sizeof a);
    a.audience = KNEE_AUDIENCE_PATIENT;
    if ((rc = cli_session_init(&s, argc)) != CLI_EXIT_OK)
        goto out;
    rc = parse(argc, argv, &s, &a);
    if (rc != CLI_EXIT_OK) {
        if (rc < 0) /* --help */
            rc = CLI_EXIT_OK;
        goto out;
    }
    inputs[0] = s.rules;
    inputs[1] = s.patient;
    inputs[2] = s.fhir;
    if ((rc = cli_output_refuse_inputs(strcmp(a.output, "-") == 0 ? NULL : a.output, inputs, 3)) !=
        CLI_EXIT_OK)
        goto out;
    if ((rc = cli_session_run(&s)) != CLI_EXIT_OK)
        goto out;
    rc = CLI_EXIT_FAIL;
    date = a.date ? a.date : today(day, sizeof day);
    if ((status = knee_report_options_new(&ro)) != KNEE_OK) {
        cli_fail("report", status, NULL);
        goto out;
    }
    if (date && (status = knee_report_options_set_date(ro, date)) != KNEE_OK) {
        cli_fail("--date", status, "give a short date text, e.g. 2025-07-01");
        goto out;
    }
    if ((status = knee_report_options_set_audience(ro, a.audience)) != KNEE_OK ||
        (rc = add_options(ro, s.rs, a.options)) != CLI_EXIT_OK) {
        if (status != KNEE_OK)
            cli_fail("report", status, NULL);
        goto out;
    }
    rc = CLI_EXIT_FAIL;
    if ((status = knee_result_to_html(s.r, s.p, ro, &html, &len)) != KNEE_OK) {
        cli_fail("report", status, knee_result_errmsg(s.r));
        goto out;
    }
    if ((rc = cli_output_open(&o, strcmp(a.output, "-") == 0 ? NULL : a.output)) != CLI_EXIT_OK)
        goto out;
    cli_output_write(&o, html, len); /* a failure is reported by cli_output_close() */
    rc = cli_output_close(&o);
out:
    knee_free(html);
    knee_report_options_free(ro);
    cli_session_release(&s);
    return rc;
}
