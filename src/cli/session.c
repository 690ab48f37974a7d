/* session.c - one comparison from the command line, shared by `knee compare` and `knee report`:
 * the options that describe the patient, the method and the analyses, and the run that loads
 * the rules, builds the patient and compares. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/usage.h"

int cli_session_init(cli_session *s, int argc)
{
    memset(s, 0, sizeof *s);
    /* At most every argument is a --fact, --weight or --swing value. */
    s->facts = calloc((size_t)argc + 1, sizeof *s->facts);
    s->weights = calloc((size_t)argc + 1, sizeof *s->weights);
    s->swings = calloc((size_t)argc + 1, sizeof *s->swings);
    s->fragile = 0.05;
    if (!s->facts || !s->weights || !s->swings)
        return cli_fail("arguments", KNEE_ENOMEM, NULL);
    return CLI_EXIT_OK;
}

void cli_session_release(cli_session *s)
{
    knee_fhir_report_free(s->fhir_report);
    knee_compare_options_free(s->opts);
    knee_result_free(s->r);
    knee_patient_free(s->p);
    knee_ruleset_free(s->rs);
    free(s->facts);
    free(s->weights);
    free(s->swings);
    memset(s, 0, sizeof *s);
}

/* The options of cli_session_option(), by what they describe; each returns as it does. */

/* Where the patient's facts come from: --rules, --patient, --fhir, --as-of, --fact. */
static int patient_option(cli_session *s, int argc, char **argv, int *i)
{
    const char *v = NULL;
    int m;

    if ((m = cli_option_value(argc, argv, i, "--rules", &v)) != 0) {
        if (m < 0)
            return CLI_EXIT_USAGE;
        if (s->rules)
            return cli_usage_error("--rules given twice");
        s->rules = v;
    } else if ((m = cli_option_value(argc, argv, i, "--patient", &v)) != 0) {
        if (m < 0)
            return CLI_EXIT_USAGE;
        if (s->patient)
            return cli_usage_error("--patient given twice");
        s->patient = v;
    } else if ((m = cli_option_value(argc, argv, i, "--fhir", &v)) != 0) {
        if (m < 0)
            return CLI_EXIT_USAGE;
        if (s->fhir)
            return cli_usage_error("--fhir given twice");
        s->fhir = v;
    } else if ((m = cli_option_value(argc, argv, i, "--as-of", &v)) != 0) {
        if (m < 0)
            return CLI_EXIT_USAGE;
        s->as_of = v;
    } else if ((m = cli_option_value(argc, argv, i, "--fact", &v)) != 0) {
        if (m < 0)
            return CLI_EXIT_USAGE;
        if (!strchr(v, '=') || v[0] == '=')
            return cli_usage_error("--fact needs NAME=VALUE, not '%s'", v);
        s->facts[s->n_facts++] = v;
    } else {
        return 0;
    }
    return 1;
}

/* The patient's preferences: --weight, --swing, --rank-criteria, --rank-scheme. */
static int preference_option(cli_session *s, int argc, char **argv, int *i)
{
    const char *v = NULL;
    int m;

    if ((m = cli_option_value(argc, argv, i, "--weight", &v)) != 0) {
        if (m < 0)
            return CLI_EXIT_USAGE;
        if (!strchr(v, '=') || v[0] == '=')
            return cli_usage_error("--weight needs CRITERION=N, not '%s'", v);
        s->weights[s->n_weights++] = v;
    } else if ((m = cli_option_value(argc, argv, i, "--swing", &v)) != 0) {
        if (m < 0)
            return CLI_EXIT_USAGE;
        if (!strchr(v, '=') || v[0] == '=')
            return cli_usage_error("--swing needs CRITERION=POINTS, not '%s'", v);
        s->swings[s->n_swings++] = v;
    } else if ((m = cli_option_value(argc, argv, i, "--rank-criteria", &v)) != 0) {
        if (m < 0)
            return CLI_EXIT_USAGE;
        s->rank_criteria = v;
    } else if ((m = cli_option_value(argc, argv, i, "--rank-scheme", &v)) != 0) {
        if (m < 0)
            return CLI_EXIT_USAGE;
        if (strcmp(v, "roc") == 0)
            s->rank_scheme = KNEE_RANKING_ROC;
        else if (strcmp(v, "rank-sum") == 0)
            s->rank_scheme = KNEE_RANKING_RANK_SUM;
        else
            return cli_usage_error("--rank-scheme is roc or rank-sum, not '%s'", v);
    } else {
        return 0;
    }
    return 1;
}

/* The method and the analyses: --method, --missing, --vikor-v, --smaa, --seed, --smaa-spread,
 * --sensitivity, --fragile-margin, --why. */
static int method_option(cli_session *s, int argc, char **argv, int *i)
{
    const char *v = NULL;
    int m;

    if ((m = cli_option_value(argc, argv, i, "--method", &v)) != 0) {
        if (m < 0)
            return CLI_EXIT_USAGE;
        if ((s->method = knee_method_from_name(v)) < 0) {
            char methods[256];
            cli_method_list(methods, sizeof methods, ", ", " or ");
            return cli_usage_error("--method is %s, not '%s'", methods, v);
        }
    } else if ((m = cli_option_value(argc, argv, i, "--missing", &v)) != 0) {
        if (m < 0)
            return CLI_EXIT_USAGE;
        if ((s->missing = knee_missing_from_name(v)) < 0)
            return cli_usage_error(
                "--missing is interval, renormalise, worst, best, neutral or refuse, not '%s'", v);
    } else if ((m = cli_option_value(argc, argv, i, "--vikor-v", &v)) != 0) {
        if (m < 0 || cli_parse_number(v, &s->vikor_v) != 0 || s->vikor_v < 0 || s->vikor_v > 1)
            return cli_usage_error("--vikor-v needs a number from 0 to 1");
        s->has_vikor_v = 1;
    } else if ((m = cli_option_value(argc, argv, i, "--smaa", &v)) != 0) {
        if (m < 0 || cli_parse_number(v, &s->smaa_samples) != 0 || s->smaa_samples < 1 ||
            s->smaa_samples > 10000000 || s->smaa_samples != (double)(long)s->smaa_samples)
            return cli_usage_error("--smaa needs a whole number of samples from 1 to 10,000,000");
    } else if ((m = cli_option_value(argc, argv, i, "--seed", &v)) != 0) {
        if (m < 0 || cli_parse_number(v, &s->seed) != 0 || s->seed < 0 ||
            s->seed != (double)(long)s->seed)
            return cli_usage_error("--seed needs a whole number >= 0");
    } else if ((m = cli_option_value(argc, argv, i, "--smaa-spread", &v)) != 0) {
        if (m < 0 || cli_parse_number(v, &s->spread) != 0 || s->spread < 0 || s->spread > 1)
            return cli_usage_error("--smaa-spread needs a number from 0 to 1");
    } else if (strcmp(argv[*i], "--sensitivity") == 0) {
        s->sensitivity = 1;
    } else if ((m = cli_option_value(argc, argv, i, "--fragile-margin", &v)) != 0) {
        if (m < 0 || cli_parse_number(v, &s->fragile) != 0 || s->fragile < 0)
            return cli_usage_error("--fragile-margin needs a number >= 0");
        s->sensitivity = 1;
    } else if ((m = cli_option_value(argc, argv, i, "--why", &v)) != 0) {
        if (m < 0 || !strchr(v, ',') || v[0] == ',')
            return cli_usage_error("--why needs OPTION_A,OPTION_B");
        s->why = v;
    } else {
        return 0;
    }
    return 1;
}

int cli_session_option(cli_session *s, int argc, char **argv, int *i)
{
    int m;
    if ((m = patient_option(s, argc, argv, i)) != 0 ||
        (m = preference_option(s, argc, argv, i)) != 0)
        return m;
    return method_option(s, argc, argv, i);
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

/* --fhir FILE --as-of DATE: facts from a FHIR R4 record through the rule file's mapping. */
static int load_fhir(cli_session *s)
{
    knee_diag *diag = NULL;
    char what[512], *buf = NULL;
    size_t len = 0, cap = 0;
    FILE *f;
    int status, rc = CLI_EXIT_OK;

    snprintf(what, sizeof what, "--fhir %s", s->fhir);
    if (!s->as_of)
        return cli_usage_error("--fhir needs --as-of YYYY-MM-DD (the evaluation date)");
    if (!(f = fopen(s->fhir, "rb")))
        return cli_fail(what, KNEE_EIO, "cannot open the file");
    for (;;) { /* the library applies its input limit; read what is there */
        size_t got;
        if (len == cap) {
            char *grown = realloc(buf, cap ? cap * 2 : 65536);
            if (!grown) {
                free(buf);
                fclose(f);
                return cli_fail(what, KNEE_ENOMEM, NULL);
            }
            buf = grown;
            cap = cap ? cap * 2 : 65536;
        }
        if ((got = fread(buf + len, 1, cap - len, f)) == 0)
            break;
        len += got;
    }
    fclose(f);
    status =
        knee_patient_load_fhir(s->p, buf, len, s->fhir, s->as_of, NULL, &s->fhir_report, &diag);
    if (status != KNEE_OK)
        rc = diag && knee_diag_count(diag) ? cli_fail_diag(what, status, diag, s->fhir)
                                           : cli_fail(what, status, knee_patient_errmsg(s->p));
    knee_diag_free(diag);
    free(buf);
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

knee_compare_options *cli_session_make_options(const cli_session *s)
{
    knee_compare_options *o = NULL;
    int status = knee_compare_options_new(&o);
    if (status == KNEE_OK && s->method)
        status = knee_compare_options_set_method(o, s->method);
    if (status == KNEE_OK && s->missing)
        status = knee_compare_options_set_missing(o, s->missing);
    if (status == KNEE_OK && s->has_vikor_v)
        status = knee_compare_options_set_vikor_v(o, s->vikor_v);
    if (status == KNEE_OK && s->smaa_samples > 0)
        status = knee_compare_options_set_smaa(o, (uint64_t)s->smaa_samples, (uint64_t)s->seed,
                                               s->spread);
    if (status == KNEE_OK && s->sensitivity)
        status = knee_compare_options_set_sensitivity(o, 1, s->fragile);
    if (status != KNEE_OK) {
        cli_fail("options", status, NULL);
        knee_compare_options_free(o);
        return NULL;
    }
    return o;
}

int cli_session_apply_weights(const cli_session *s, knee_patient *p)
{
    size_t k;

    if (s->rank_criteria && apply_ranking(p, s->rank_criteria, s->rank_scheme) != CLI_EXIT_OK)
        return CLI_EXIT_FAIL;
    for (k = 0; k < s->n_weights; k++)
        if (apply_weight(p, s->weights[k]) != CLI_EXIT_OK)
            return CLI_EXIT_FAIL;
    for (k = 0; k < s->n_swings; k++)
        if (apply_swing(p, s->swings[k]) != CLI_EXIT_OK)
            return CLI_EXIT_FAIL;
    return CLI_EXIT_OK;
}

int cli_session_run(cli_session *s)
{
    size_t k;
    int status;

    if (!(s->rs = cli_load_rules(s->rules)))
        return CLI_EXIT_FAIL;
    if ((status = knee_patient_new(&s->p, s->rs)) != KNEE_OK)
        return cli_fail("patient", status, NULL);
    /* The patient file first, so that facts and weights given on the command line win. */
    if (s->patient && load_patient_file(s->p, s->patient) != CLI_EXIT_OK)
        return CLI_EXIT_FAIL;
    /* then the record: --fact still overrides what the record says */
    if (s->fhir && (status = load_fhir(s)) != CLI_EXIT_OK)
        return status;
    if (!s->fhir && s->as_of)
        return cli_usage_error("--as-of goes with --fhir");
    for (k = 0; k < s->n_facts; k++)
        if (apply_fact(s->p, s->facts[k]) != CLI_EXIT_OK)
            return CLI_EXIT_FAIL;
    if (cli_session_apply_weights(s, s->p) != CLI_EXIT_OK)
        return CLI_EXIT_FAIL;
    if (!(s->opts = cli_session_make_options(s)))
        return CLI_EXIT_FAIL;
    if ((status = knee_result_new(&s->r)) != KNEE_OK)
        return cli_fail("result", status, NULL);
    if ((status = knee_compare_ex(s->rs, s->p, s->opts, s->r)) != KNEE_OK)
        return cli_fail("compare", status, knee_result_errmsg(s->r));
    return CLI_EXIT_OK;
}

void cli_print_fhir_report(FILE *out, const knee_fhir_report *r)
{
    size_t i, n;
    if (!r)
        return;
    fputs("\nFacts from the record (FHIR)\n", out);
    n = knee_fhir_report_fact_count(r);
    for (i = 0; i < n; i++) {
        const char *id = knee_fhir_report_fact_resource_id(r, i);
        char value[4200], rid[256]; /* the record's own text: no bidi control reorders the line */
        fprintf(out, "  %s = %s   [%s%s%s, %s]\n", knee_fhir_report_fact(r, i),
                cli_plain(value, sizeof value, knee_fhir_report_fact_value(r, i)),
                knee_fhir_report_fact_resource_type(r, i), id ? "/" : "",
                id ? cli_plain(rid, sizeof rid, id) : "", knee_fhir_report_fact_element(r, i));
    }
    if (!n)
        fputs("  none\n", out);
    n = knee_fhir_report_ignored_count(r);
    if (n)
        fprintf(out, "  %zu resource%s ignored (see --format json for each one and why)\n", n,
                n == 1 ? "" : "s");
    n = knee_fhir_report_warning_count(r);
    if (n)
        fprintf(out, "  %zu warning%s about data read leniently (see --format json)\n", n,
                n == 1 ? "" : "s");
}
