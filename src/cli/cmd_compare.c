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
    const char **swings;
    size_t n_swings;
    /* method and analyses */
    int method;
    double vikor_v;
    int has_vikor_v;
    double smaa_samples, seed, spread;
    int sensitivity;
    double fragile;
    const char *why;            /* "A,B" */
    const char *rank_criteria;  /* "a,b,c" */
    int rank_scheme;
} compare_args;

/* Returns CLI_EXIT_OK, or the exit status of a usage error (already reported). */
static int parse(int argc, char **argv, compare_args *a)
{
    int i;

    /* At most every argument is a --fact or --weight value. */
    a->facts = calloc((size_t)argc, sizeof *a->facts);
    a->weights = calloc((size_t)argc, sizeof *a->weights);
    a->swings = calloc((size_t)argc, sizeof *a->swings);
    if (!a->facts || !a->weights || !a->swings)
        return cli_fail("compare", KNEE_ENOMEM, NULL);
    a->fragile = 0.05;
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
        } else if ((m = cli_option_value(argc, argv, &i, "--swing", &v)) != 0) {
            if (m < 0)
                return CLI_EXIT_USAGE;
            if (!strchr(v, '=') || v[0] == '=')
                return cli_usage_error("--swing needs CRITERION=POINTS, not '%s'", v);
            a->swings[a->n_swings++] = v;
        } else if ((m = cli_option_value(argc, argv, &i, "--method", &v)) != 0) {
            if (m < 0)
                return CLI_EXIT_USAGE;
            if ((a->method = knee_method_from_name(v)) < 0)
                return cli_usage_error("--method is weighted-sum, topsis, topsis-minmax, promethee2 or vikor, not '%s'", v);
        } else if ((m = cli_option_value(argc, argv, &i, "--vikor-v", &v)) != 0) {
            if (m < 0 || cli_parse_number(v, &a->vikor_v) != 0 || a->vikor_v < 0 || a->vikor_v > 1)
                return cli_usage_error("--vikor-v needs a number from 0 to 1");
            a->has_vikor_v = 1;
        } else if ((m = cli_option_value(argc, argv, &i, "--smaa", &v)) != 0) {
            if (m < 0 || cli_parse_number(v, &a->smaa_samples) != 0 || a->smaa_samples < 1 ||
                a->smaa_samples > 10000000 || a->smaa_samples != (double)(long)a->smaa_samples)
                return cli_usage_error("--smaa needs a whole number of samples from 1 to 10,000,000");
        } else if ((m = cli_option_value(argc, argv, &i, "--seed", &v)) != 0) {
            if (m < 0 || cli_parse_number(v, &a->seed) != 0 || a->seed < 0 || a->seed != (double)(long)a->seed)
                return cli_usage_error("--seed needs a whole number >= 0");
        } else if ((m = cli_option_value(argc, argv, &i, "--smaa-spread", &v)) != 0) {
            if (m < 0 || cli_parse_number(v, &a->spread) != 0 || a->spread < 0 || a->spread > 1)
                return cli_usage_error("--smaa-spread needs a number from 0 to 1");
        } else if (strcmp(argv[i], "--sensitivity") == 0) {
            a->sensitivity = 1;
        } else if ((m = cli_option_value(argc, argv, &i, "--fragile-margin", &v)) != 0) {
            if (m < 0 || cli_parse_number(v, &a->fragile) != 0 || a->fragile < 0)
                return cli_usage_error("--fragile-margin needs a number >= 0");
            a->sensitivity = 1;
        } else if ((m = cli_option_value(argc, argv, &i, "--why", &v)) != 0) {
            if (m < 0 || !strchr(v, ',') || v[0] == ',')
                return cli_usage_error("--why needs OPTION_A,OPTION_B");
            a->why = v;
        } else if ((m = cli_option_value(argc, argv, &i, "--rank-criteria", &v)) != 0) {
            if (m < 0)
                return CLI_EXIT_USAGE;
            a->rank_criteria = v;
        } else if ((m = cli_option_value(argc, argv, &i, "--rank-scheme", &v)) != 0) {
            if (m < 0)
                return CLI_EXIT_USAGE;
            if (strcmp(v, "roc") == 0)
                a->rank_scheme = KNEE_RANKING_ROC;
            else if (strcmp(v, "rank-sum") == 0)
                a->rank_scheme = KNEE_RANKING_RANK_SUM;
            else
                return cli_usage_error("--rank-scheme is roc or rank-sum, not '%s'", v);
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

/* --rank-criteria a,b,c: weights from the order of what matters most. */
static int apply_ranking(knee_patient *p, const char *list, int scheme)
{
    char *copy = strdup(list), *tok, *save = NULL;
    const char *ids[64];
    size_t n = 0;
    int status, rc = CLI_EXIT_OK;
    if (!copy)
        return cli_fail("--rank-criteria", KNEE_ENOMEM, NULL);
    for (tok = strtok_r(copy, ",", &save); tok && n < 64; tok = strtok_r(NULL, ",", &save))
        ids[n++] = tok;
    if ((status = knee_patient_rank_criteria(p, ids, n, scheme)) != KNEE_OK)
        rc = cli_fail("--rank-criteria", status, knee_patient_errmsg(p));
    free(copy);
    return rc;
}

static int apply_swing(knee_patient *p, const char *arg)
{
    char *name = NULL, what[512];
    const char *text;
    double w;
    int status, rc = CLI_EXIT_OK;
    if (cli_split_assignment(arg, &name, &text) != 0)
        return cli_fail("--swing", KNEE_ENOMEM, NULL);
    snprintf(what, sizeof what, "--swing %s", arg);
    if (cli_parse_number(text, &w) != 0)
        rc = cli_fail(what, KNEE_EPARSE, "not a number");
    else if ((status = knee_patient_set_swing(p, name, w)) != KNEE_OK)
        rc = cli_fail(what, status, knee_patient_errmsg(p));
    free(name);
    return rc;
}

/* The comparison options the command line asked for, or NULL for the defaults. */
static knee_compare_options *make_options(const compare_args *a)
{
    knee_compare_options *o = NULL;
    int status = knee_compare_options_new(&o);
    if (status == KNEE_OK && a->method)
        status = knee_compare_options_set_method(o, a->method);
    if (status == KNEE_OK && a->has_vikor_v)
        status = knee_compare_options_set_vikor_v(o, a->vikor_v);
    if (status == KNEE_OK && a->smaa_samples > 0)
        status = knee_compare_options_set_smaa(o, (uint64_t)a->smaa_samples, (uint64_t)a->seed, a->spread);
    if (status == KNEE_OK && a->sensitivity)
        status = knee_compare_options_set_sensitivity(o, 1, a->fragile);
    if (status != KNEE_OK) {
        cli_fail("options", status, NULL);
        knee_compare_options_free(o);
        return NULL;
    }
    return o;
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
    knee_compare_options *opts = NULL;
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
    if (a.rank_criteria && apply_ranking(p, a.rank_criteria, a.rank_scheme) != CLI_EXIT_OK)
        goto out;
    for (k = 0; k < a.n_weights; k++)
        if (apply_weight(p, a.weights[k]) != CLI_EXIT_OK)
            goto out;
    for (k = 0; k < a.n_swings; k++)
        if (apply_swing(p, a.swings[k]) != CLI_EXIT_OK)
            goto out;
    if (!(opts = make_options(&a)))
        goto out;
    if ((status = knee_result_new(&r)) != KNEE_OK) {
        cli_fail("result", status, NULL);
        goto out;
    }
    if ((status = knee_compare_ex(rs, p, opts, r)) != KNEE_OK) {
        cli_fail("compare", status, knee_result_errmsg(r));
        goto out;
    }
    if (a.why) {   /* both options must exist before anything is printed */
        size_t ia, ib;
        if (cli_find_pair(r, a.why, &ia, &ib) != 0)
            goto out;
    }
    if (a.format == FORMAT_JSON) {
        rc = a.why ? print_why_json(r, a.why) : print_json(r);
    } else if (cli_print_result_table(stdout, rs, r) != 0 ||
               cli_print_analyses(stdout, rs, r, a.why) != 0) {
        cli_fail("table", KNEE_ENOMEM, NULL);
    } else {
        rc = CLI_EXIT_OK;
    }
out:
    knee_compare_options_free(opts);
    knee_result_free(r);
    knee_patient_free(p);
    knee_ruleset_free(rs);
    free(a.facts);
    free(a.weights);
    free(a.swings);
    return rc;
}
