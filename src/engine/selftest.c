/* selftest.c - run a rule file's own <tests> cases (knee_ruleset_run_tests). A case sets its
 * facts and weights on a fresh patient, compares, and checks each <expect>. */
#include <math.h>
#include <string.h>

#include "rules/model.h"
#include "util/numbers.h"
#include "util/strbuf.h"

static size_t find_option(const knee_result *r, const char *id)
{
    size_t i, n = knee_result_option_count(r);
    for (i = 0; i < n; i++)
        if (strcmp(knee_result_option_id(r, i), id) == 0)
            return i;
    return KNEE__NONE;
}

static int listed(const knee_result *r, size_t i, const char *rule, int cautions)
{
    size_t k, n = cautions ? knee_result_caution_count(r, i) : knee_result_fired_count(r, i);
    for (k = 0; k < n; k++) {
        const char *id =
            cautions ? knee_result_caution_rule(r, i, k) : knee_result_fired_rule(r, i, k);
        if (strcmp(id, rule) == 0)
            return 1;
    }
    return 0;
}

/* Check one expectation; append a line to b for each failure. Returns failures. */
static int check(knee__strbuf *b, const knee_ruleset *rs, const knee__case *cs,
                 const knee__expect *x, const knee_result *r)
{
    const char *opt = rs->options[x->option].id;
    size_t i = find_option(r, opt);
    int fails = 0, rank, excluded;
    if (i == KNEE__NONE)
        return 0; /* cannot happen: every option is in every result */
    rank = knee_result_option_rank(r, i);
    excluded = knee_result_option_excluded(r, i);
#define FAILF(...)                                                                                 \
    do {                                                                                           \
        knee__sb_printf(b, "%s: %s: ", cs->id, opt);                                               \
        knee__sb_printf(b, __VA_ARGS__);                                                           \
        knee__sb_str(b, "\n");                                                                     \
        fails++;                                                                                   \
    } while (0)
    if (x->rank && rank != x->rank)
        FAILF("expected rank %d, got %s%d", x->rank, excluded ? "excluded, rank " : "", rank);
    if (x->rank_at_most && (excluded || rank > x->rank_at_most))
        FAILF("expected rank at most %d, got %s%d", x->rank_at_most,
              excluded ? "excluded, rank " : "", rank);
    if (x->above != KNEE__NONE) {
        const char *other = rs->options[x->above].id;
        size_t k = find_option(r, other);
        int other_rank = k == KNEE__NONE ? 0 : knee_result_option_rank(r, k);
        /* ranked, and either the other is excluded or strictly better ranked: a tie is not above */
        if (excluded || (other_rank > 0 && rank >= other_rank))
            FAILF("expected above %s, got %s%d against %s%d", other,
                  excluded ? "excluded, rank " : "rank ", rank,
                  other_rank ? "rank " : "excluded, rank ", other_rank);
    }
    if (x->rank_range_best || x->rank_range_worst) {
        int best = 0, worst = 0;
        if (!knee_result_option_rank_range(r, i, &best, &worst))
            FAILF("expected a rank range; there is none (%s)",
                  excluded ? "excluded" : "the method gives no ranges");
        else if (x->rank_range_best && best != x->rank_range_best)
            FAILF("expected best rank %d over the unknown values, got rank range %d to %d",
                  x->rank_range_best, best, worst);
        else if (x->rank_range_worst && worst != x->rank_range_worst)
            FAILF("expected worst rank %d over the unknown values, got rank range %d to %d",
                  x->rank_range_worst, best, worst);
    }
    if (x->excluded >= 0 && excluded != x->excluded)
        FAILF("expected %s, got %s", x->excluded ? "excluded" : "not excluded",
              excluded ? "excluded" : "not excluded");
    if (x->fired && !listed(r, i, x->fired, 0))
        FAILF("expected rule '%s' to fire; it did not", x->fired);
    if (x->not_fired && listed(r, i, x->not_fired, 0))
        FAILF("expected rule '%s' not to fire; it fired", x->not_fired);
    if (x->caution && !listed(r, i, x->caution, 1))
        FAILF("expected a caution from rule '%s'; there is none", x->caution);
    if (x->criterion != KNEE__NONE && x->level) {
        const char *got = knee_result_value_level(r, i, x->criterion);
        if (!got || strcmp(got, x->level) != 0)
            FAILF("expected %s level '%s', got '%s'", rs->criteria[x->criterion].id, x->level,
                  got ? got : "unknown");
    }
    if (x->criterion != KNEE__NONE && x->has_value) {
        double got = knee_result_value(r, i, x->criterion);
        if (isnan(got) || fabs(got - x->value) > 1e-9 * (1 + fabs(x->value))) {
            char a[40], c[40];
            FAILF("expected %s value %s, got %s", rs->criteria[x->criterion].id,
                  knee__format_double(a, x->value), knee__format_double(c, got));
        }
    }
#undef FAILF
    return fails;
}

static int run_case(knee__strbuf *b, const knee_ruleset *rs, const knee__case *cs, knee_patient *p,
                    knee_result *r, int *failed)
{
    size_t k;
    int rc, fails = 0;
    knee_patient_clear(p);
    for (k = 0; k < cs->n_facts; k++) {
        rc = knee_patient_set_text(p, cs->facts[k].id, cs->facts[k].text);
        if (rc == KNEE_ENOMEM)
            return rc;
        if (rc != KNEE_OK) {
            knee__sb_printf(b, "%s: fact %s: %s\n", cs->id, cs->facts[k].id,
                            knee_patient_errmsg(p));
            fails++;
        }
    }
    for (k = 0; k < cs->n_weights; k++) {
        rc = knee_patient_set_weight(p, cs->weights[k].criterion, cs->weights[k].weight);
        if (rc == KNEE_ENOMEM)
            return rc;
        if (rc != KNEE_OK) {
            knee__sb_printf(b, "%s: weight %s: %s\n", cs->id, cs->weights[k].criterion,
                            knee_patient_errmsg(p));
            fails++;
        }
    }
    rc = knee_compare(rs, p, r);
    if (rc == KNEE_ENOMEM)
        return rc;
    if (rc != KNEE_OK) {
        knee__sb_printf(b, "%s: comparison failed: %s\n", cs->id, knee_result_errmsg(r));
        fails++;
    } else {
        for (k = 0; k < cs->n_expects; k++)
            fails += check(b, rs, cs, &cs->expects[k], r);
    }
    *failed = fails > 0;
    return KNEE_OK;
}

int knee_ruleset_run_tests(const knee_ruleset *rs, size_t *n_cases, size_t *n_failed, char **report)
{
    knee_patient *p = NULL;
    knee_result *r = NULL;
    knee__strbuf b;
    size_t c, failed = 0;
    int rc;
    if (report)
        *report = NULL;
    if (!rs)
        return KNEE_EINVAL;
    knee__sb_init(&b);
    rc = knee_patient_new(&p, rs);
    if (rc == KNEE_OK)
        rc = knee_result_new(&r);
    for (c = 0; rc == KNEE_OK && c < rs->n_cases; c++) {
        int f = 0;
        rc = run_case(&b, rs, &rs->cases[c], p, r, &f);
        failed += (size_t)f;
    }
    knee_patient_free(p);
    knee_result_free(r);
    if (rc != KNEE_OK) {
        knee__sb_release(&b);
        return rc;
    }
    if (n_cases)
        *n_cases = rs->n_cases;
    if (n_failed)
        *n_failed = failed;
    if (report)
        return knee__sb_finish(&b, report, NULL);
    knee__sb_release(&b);
    return KNEE_OK;
}
