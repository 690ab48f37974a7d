/* cmd_compare.c - `knee compare`: rank the options of a rule file for one patient. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

#define FORMAT_TABLE 0
#define FORMAT_JSON 1

/* Returns CLI_EXIT_OK, -1 after --help, or the exit status of a usage error (reported). */
static int parse(int argc, char **argv, cli_session *s, int *format)
{
    int i;

    for (i = 1; i < argc; i++) {
        const char *v = NULL;
        int m;
        if (cli_is_help(argv[i])) {
            cli_usage(stdout);
            return -1;
        }
        if ((m = cli_session_option(s, argc, argv, &i)) != 0) {
            if (m != 1)
                return m;
        } else if ((m = cli_option_value(argc, argv, &i, "--format", &v)) != 0) {
            if (m < 0)
                return CLI_EXIT_USAGE;
            if (strcmp(v, "table") == 0)
                *format = FORMAT_TABLE;
            else if (strcmp(v, "json") == 0)
                *format = FORMAT_JSON;
            else
                return cli_usage_error("--format is table or json, not '%s'", v);
        } else if (argv[i][0] == '-') {
            return cli_usage_error("compare: unknown option '%s'", argv[i]);
        } else {
            return cli_usage_error("compare: unexpected argument '%s'", argv[i]);
        }
    }
    return CLI_EXIT_OK;
}

/* --why A,B with --format json: the explanation object alone. */
static int print_why_json(const knee_result *r, const char *pair)
{
    size_t ia, ib;
    char *json = NULL;
    int status;
    if (cli_find_pair(r, pair, &ia, &ib) != 0)
        return CLI_EXIT_FAIL;
    if ((status = knee_result_why(r, ia, ib, &json)) != KNEE_OK)
        return cli_fail("--why", status, NULL);
    printf("%s\n", json);
    knee_free(json);
    return CLI_EXIT_OK;
}

/* The result's JSON (which ends in "}\n"); with --fhir, the FHIR report joins it as "fhir". */
static int print_json(const knee_result *r, const knee_fhir_report *fhir)
{
    char *json = NULL, *report = NULL;
    size_t len = 0;
    int status = knee_result_to_json(r, &json, &len);

    if (status != KNEE_OK)
        return cli_fail("result as JSON", status, knee_result_errmsg(r));
    if (fhir && (status = knee_fhir_report_to_json(fhir, &report, NULL)) != KNEE_OK) {
        knee_free(json);
        return cli_fail("FHIR report as JSON", status, NULL);
    }
    if (report) {
        while (len && (json[len - 1] == '\n' || json[len - 1] == '}'))
            if (json[--len] == '}')
                break;
        fwrite(json, 1, len, stdout);
        printf(",\n \"fhir\":%s}\n", report);
    } else {
        fwrite(json, 1, len, stdout);
    }
    knee_free(report);
    knee_free(json);
    return CLI_EXIT_OK;
}

int cli_cmd_compare(int argc, char **argv)
{
    cli_session s;
    int format = FORMAT_TABLE, rc;

    if ((rc = cli_session_init(&s, argc)) != CLI_EXIT_OK)
        goto out;
    rc = parse(argc, argv, &s, &format);
    if (rc != CLI_EXIT_OK) {
        if (rc < 0)   /* --help */
            rc = CLI_EXIT_OK;
        goto out;
    }
    if ((rc = cli_session_run(&s)) != CLI_EXIT_OK)
        goto out;
    rc = CLI_EXIT_FAIL;
    if (s.why) {   /* both options must exist before anything is printed */
        size_t ia, ib;
        if (cli_find_pair(s.r, s.why, &ia, &ib) != 0)
            goto out;
    }
    if (format == FORMAT_JSON) {
        rc = s.why ? print_why_json(s.r, s.why) : print_json(s.r, s.fhir_report);
    } else if (cli_print_result_table(stdout, s.rs, s.r) != 0 ||
               cli_print_analyses(stdout, s.rs, s.r, s.why) != 0) {
        cli_fail("table", KNEE_ENOMEM, NULL);
    } else {
        cli_print_fhir_report(stdout, s.fhir_report);
        rc = CLI_EXIT_OK;
    }
out:
    cli_session_release(&s);
    return rc;
}
