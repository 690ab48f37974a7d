/* cmd_compare.c - `knee compare`: rank the options of a rule file for one patient, or for every
 * row of a file with --patients (population.c). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

#define FORMAT_TABLE 0
#define FORMAT_JSON 1

/* The options of --patients; 1 if argv[*i] was one, 0 if not, or a usage error's status. */
static int population_option(int argc, char **argv, int *i, cli_population *pop)
{
    const char *v = NULL;
    int m;

    if ((m = cli_option_value(argc, argv, i, "--patients", &v)) != 0) {
        if (m < 0)
            return CLI_EXIT_USAGE;
        if (pop->input)
            return cli_usage_error("--patients given twice");
        pop->input = v;
    } else if ((m = cli_option_value(argc, argv, i, "--output", &v)) != 0 ||
               (m = cli_option_value(argc, argv, i, "-o", &v)) != 0) {
        if (m < 0)
            return CLI_EXIT_USAGE;
        pop->output = strcmp(v, "-") == 0 ? NULL : v;
    } else if ((m = cli_option_value(argc, argv, i, "--input-format", &v)) != 0) {
        if (m < 0)
            return CLI_EXIT_USAGE;
        if (strcmp(v, "csv") == 0)
            pop->input_format = CLI_POP_CSV;
        else if (strcmp(v, "jsonl") == 0)
            pop->input_format = CLI_POP_JSONL;
        else
            return cli_usage_error("--input-format is csv or jsonl, not '%s'", v);
    } else if ((m = cli_option_value(argc, argv, i, "--id-column", &v)) != 0) {
        if (m < 0)
            return CLI_EXIT_USAGE;
        if (!*v)
            return cli_usage_error("--id-column needs a column name");
        pop->id_column = v;
    } else if ((m = cli_option_value(argc, argv, i, "--threads", &v)) != 0) {
        double n;
        if (m < 0 || cli_parse_number(v, &n) != 0 || n < 0 || n > 256 || n != (double)(long)n)
            return cli_usage_error("--threads needs a whole number from 0 (one per CPU) to 256");
        pop->threads = (long)n;
    } else if ((m = cli_option_value(argc, argv, i, "--max-errors", &v)) != 0) {
        double n;
        /* 1e15: still exact in a double */
        if (m < 0 || cli_parse_number(v, &n) != 0 || n < 0 || n > 1e15 ||
            n != (double)(unsigned long long)n)
            return cli_usage_error("--max-errors needs a whole number (0: no limit)");
        pop->max_errors = (unsigned long long)n;
    } else if (strcmp(argv[*i], "--ignore-unknown-columns") == 0) {
        pop->ignore_unknown = 1;
    } else if (strcmp(argv[*i], "--strict") == 0) {
        pop->strict = 1;
    } else if (strcmp(argv[*i], "--quiet") == 0 || strcmp(argv[*i], "-q") == 0) {
        pop->quiet = 1;
    } else if (strcmp(argv[*i], "--full") == 0) {
        pop->full = 1;
    } else {
        return 0;
    }
    return 1;
}

/* --patients FILE: the options that describe one patient do not apply, and the output formats
 * are csv and jsonl. */
static int check_population(const cli_session *s, cli_population *pop, const char *format)
{
    if (s->patient || s->n_facts || s->fhir || s->as_of)
        return cli_usage_error("--patients reads the facts from the file: --patient, --fact, "
                               "--fhir and --as-of do not go with it");
    if (s->why)
        return cli_usage_error("--why does not go with --patients");
    if (format) {
        if (strcmp(format, "csv") == 0)
            pop->output_format = CLI_POP_CSV;
        else if (strcmp(format, "jsonl") == 0)
            pop->output_format = CLI_POP_JSONL;
        else
            return cli_usage_error("with --patients, --format is csv or jsonl, not '%s'", format);
    }
    return CLI_EXIT_OK;
}

/* Returns CLI_EXIT_OK, -1 after --help, or the exit status of a usage error (reported). */
static int parse(int argc, char **argv, cli_session *s, int *format, cli_population *pop)
{
    const char *format_name = NULL;
    int i, population_only = 0;

    for (i = 1; i < argc; i++) {
        const char *v = NULL;
        int m;
        if (cli_is_help(argv[i])) {
            cli_help_for("compare");
            return -1;
        }
        if ((m = cli_session_option(s, argc, argv, &i)) != 0) {
            if (m != 1)
                return m;
        } else if ((m = population_option(argc, argv, &i, pop)) != 0) {
            if (m != 1)
                return m;
            if (!pop->input) /* an option of --patients before (or without) it */
                population_only = 1;
        } else if ((m = cli_option_value(argc, argv, &i, "--format", &v)) != 0) {
            if (m < 0)
                return CLI_EXIT_USAGE;
            format_name = v;
        } else if (argv[i][0] == '-') {
            return cli_usage_error("compare: unknown option '%s'", argv[i]);
        } else {
            return cli_usage_error("compare: unexpected argument '%s'", argv[i]);
        }
    }
    if (pop->input)
        return check_population(s, pop, format_name);
    if (population_only)
        return cli_usage_error(
            "-o, --threads, --strict and the other file options need --patients FILE");
    if (format_name) {
        if (strcmp(format_name, "table") == 0)
            *format = FORMAT_TABLE;
        else if (strcmp(format_name, "json") == 0)
            *format = FORMAT_JSON;
        else
            return cli_usage_error("--format is table or json, not '%s'", format_name);
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
    cli_population pop;
    int format = FORMAT_TABLE, rc;

    memset(&pop, 0, sizeof pop);
    pop.threads = 1;
    pop.max_errors = 100;

    if ((rc = cli_session_init(&s, argc)) != CLI_EXIT_OK)
        goto out;
    rc = parse(argc, argv, &s, &format, &pop);
    if (rc != CLI_EXIT_OK) {
        if (rc < 0) /* --help */
            rc = CLI_EXIT_OK;
        goto out;
    }
    if (pop.input) {
        rc = cli_population_run(&s, &pop);
        goto out;
    }
    if ((rc = cli_session_run(&s)) != CLI_EXIT_OK)
        goto out;
    rc = CLI_EXIT_FAIL;
    if (s.why) { /* both options must exist before anything is printed */
        size_t ia, ib;
        if (cli_find_pair(s.r, s.why, &ia, &ib) != 0)
            goto out;
    }
    if (format == FORMAT_JSON) {
        rc = s.why ? print_why_json(s.r, s.why) : print_json(s.r, s.fhir_report);
    } else if (cli_print_result_table(stdout, s.rs, s.r, cli_line_width()) != 0 ||
               cli_print_analyses(stdout, s.rs, s.r, s.why, cli_line_width()) != 0) {
        cli_fail("table", KNEE_ENOMEM, NULL);
    } else {
        cli_print_fhir_report(stdout, s.fhir_report);
        rc = CLI_EXIT_OK;
    }
out:
    cli_session_release(&s);
    return rc;
}
