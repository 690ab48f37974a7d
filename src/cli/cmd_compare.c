/* cmd_compare.c - `knee compare`: rank the options of a rule file for one patient. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define FORMAT_TABLE 0
#define FORMAT_JSON 1

typedef struct compare_args {
    const char *rules;
    const char *patient;
    int format;
    /* --fact and --weight keep their order on the command line: a later one wins. */
    const char **facts;
    size_t n_facts;
    const char **weights;
    size_t n_weights;
} compare_args;

/* Returns CLI_EXIT_OK, or the exit status of a usage error (already reported). */
static int parse(int argc, char **argv, compare_args *a)
{
    int i;

    /* At most every argument is a --fact or --weight value. */
    a->facts = calloc((size_t)argc, sizeof *a->facts);
    a->weights = calloc((size_t)argc, sizeof *a->weights);
    if (!a->facts || !a->weights)
        return cli_fail("compare", KNEE_ENOMEM, NULL);
    for (i = 1; i < argc; i++) {
        const char *v = NULL;
        int m;
        if (cli_is_help(argv[i])) {
            cli_usage(stdout);
            return -1;
        }
        if ((m = cli_option_value(argc, argv, &i, "--rules", &v)) != 0) {
            if (m < 0)
                return CLI_EXIT_USAGE;
            if (a->rules)
                return cli_usage_error("--rules given twice");
            a->rules = v;
        } else if ((m = cli_option_value(argc, argv, &i, "--patient", &v)) != 0) {
            if (m < 0)
                return CLI_EXIT_USAGE;
            if (a->patient)
                return cli_usage_error("--patient given twice");
            a->patient = v;
        } else if ((m = cli_option_value(argc, argv, &i, "--fact", &v)) != 0) {
            if (m < 0)
                return CLI_EXIT_USAGE;
            if (!strchr(v, '=') || v[0] == '=')
                return cli_usage_error("--fact needs NAME=VALUE, not '%s'", v);
            a->facts[a->n_facts++] = v;
        } else if ((m = cli_option_value(argc, argv, &i, "--weight", &v)) != 0) {
            if (m < 0)
                return CLI_EXIT_USAGE;
            if (!strchr(v, '=') || v[0] == '=')
                return cli_usage_error("--weight needs CRITERION=N, not '%s'", v);
            a->weights[a->n_weights++] = v;
        } else if ((m = cli_option_value(argc, argv, &i, "--format", &v)) != 0) {
            if (m < 0)
                return CLI_EXIT_USAGE;
            if (strcmp(v, "table") == 0)
                a->format = FORMAT_TABLE;
            else if (strcmp(v, "json") == 0)
                a->format = FORMAT_JSON;
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

static int load_patient_file(knee_patient *p, const char *path)
{
    knee_diag *diag = NULL;
    char what[512];
    int status = knee_patient_load_file(p, path, NULL, &diag);
    int rc = CLI_EXIT_OK;

    if (status != KNEE_OK) {
        snprintf(what, sizeof what, "patient '%s'", path);
        if (diag && knee_diag_count(diag) > 0)
            rc = cli_fail_diag(what, status, diag, path);
        else
            rc = cli_fail(what, status, knee_patient_errmsg(p));
    }
    knee_diag_free(diag);
    return rc;
}

static int apply_fact(knee_patient *p, const char *arg)
{
    char *name = NULL, what[512];
    const char *text;
    int status, rc = CLI_EXIT_OK;

    if (cli_split_assignment(arg, &name, &text) != 0)
        return cli_fail("--fact", KNEE_ENOMEM, NULL);
    /* An empty value makes the fact unknown again, e.g. to override a patient file. */
    status = *text ? knee_patient_set_text(p, name, text) : knee_patient_unset(p, name);
    if (status != KNEE_OK) {
        snprintf(what, sizeof what, "--fact %s", arg);
        rc = cli_fail(what, status, knee_patient_errmsg(p));
    }
    free(name);
    return rc;
}

static int apply_weight(knee_patient *p, const char *arg)
{
    char *name = NULL, what[512];
    const char *text;
    double w;
    int status, rc = CLI_EXIT_OK;

    if (cli_split_assignment(arg, &name, &text) != 0)
        return cli_fail("--weight", KNEE_ENOMEM, NULL);
    snprintf(what, sizeof what, "--weight %s", arg);
    if (cli_parse_number(text, &w) != 0) {
        char detail[300];
        snprintf(detail, sizeof detail, "'%.200s' is not a number", text);
        rc = cli_fail(what, KNEE_EPARSE, detail);
    } else if ((status = knee_patient_set_weight(p, name, w)) != KNEE_OK) {
        rc = cli_fail(what, status, knee_patient_errmsg(p));
    }
    free(name);
    return rc;
}

static int print_json(const knee_result *r)
{
    char *json = NULL;
    size_t len = 0;
    int status = knee_result_to_json(r, &json, &len);

    if (status != KNEE_OK)
        return cli_fail("result as JSON", status, knee_result_errmsg(r));
    fwrite(json, 1, len, stdout);
    fputc('\n', stdout);
    knee_free(json);
    return CLI_EXIT_OK;
}

int cli_cmd_compare(int argc, char **argv)
{
    compare_args a;
    knee_ruleset *rs = NULL;
    knee_patient *p = NULL;
    knee_result *r = NULL;
    size_t k;
    int status, rc;

    memset(&a, 0, sizeof a);
    rc = parse(argc, argv, &a);
    if (rc != CLI_EXIT_OK) {
        if (rc < 0)   /* --help */
            rc = CLI_EXIT_OK;
        goto out;
    }
    rc = CLI_EXIT_FAIL;
    if (!(rs = cli_load_rules(a.rules)))
        goto out;
    if ((status = knee_patient_new(&p, rs)) != KNEE_OK) {
        cli_fail("patient", status, NULL);
        goto out;
    }
    /* The patient file first, so that facts and weights given on the command line win. */
    if (a.patient && load_patient_file(p, a.patient) != CLI_EXIT_OK)
        goto out;
    for (k = 0; k < a.n_facts; k++)
        if (apply_fact(p, a.facts[k]) != CLI_EXIT_OK)
            goto out;
    for (k = 0; k < a.n_weights; k++)
        if (apply_weight(p, a.weights[k]) != CLI_EXIT_OK)
            goto out;
    if ((status = knee_result_new(&r)) != KNEE_OK) {
        cli_fail("result", status, NULL);
        goto out;
    }
    if ((status = knee_compare(rs, p, r)) != KNEE_OK) {
        cli_fail("compare", status, knee_result_errmsg(r));
        goto out;
    }
    if (a.format == FORMAT_JSON) {
        rc = print_json(r);
    } else if (cli_print_result_table(stdout, rs, r) != 0) {
        cli_fail("table", KNEE_ENOMEM, NULL);
    } else {
        rc = CLI_EXIT_OK;
    }
out:
    knee_result_free(r);
    knee_patient_free(p);
    knee_ruleset_free(rs);
    free(a.facts);
    free(a.weights);
    return rc;
}
