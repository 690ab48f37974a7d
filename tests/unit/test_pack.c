/* test_pack.c - knee_result_pack(): every slot of the packed result equals what the accessors
 * give, for each method, with unknown values, exclusions, ties and regions; the size is asked
 * for and checked; arguments; nothing is allocated. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "support.h"

static knee_ruleset *rs;
static size_t mismatches;

static int setup(void)
{
    return knee_ruleset_load_default(&rs, NULL) == KNEE_OK ? 0 : 1;
}

static int teardown(void)
{
    knee_ruleset_free(rs);
    return 0;
}

/* The pack, read back: slot k as an integer, a double or a string. */
typedef struct pack {
    const unsigned char *b;
    size_t n; /* slots */
} pack;

static int64_t I(const pack *p, size_t k)
{
    int64_t v = 0;
    if (k < p->n)
        memcpy(&v, p->b + k * 8, 8);
    else
        mismatches++;
    return v;
}

static double D(const pack *p, size_t k)
{
    double v = NAN;
    if (k < p->n)
        memcpy(&v, p->b + k * 8, 8);
    else
        mismatches++;
    return v;
}

static const char *S(const pack *p, size_t k)
{
    return (const char *)(uintptr_t)(uint64_t)I(p, k);
}

static void same_i(int64_t a, int64_t b)
{
    mismatches += a != b;
}

static void same_d(double a, double b)
{
    mismatches += !(a == b || (isnan(a) && isnan(b)));
}

/* Strings are borrowed, not copied: the very pointer the accessor gives. */
static void same_s(const char *a, const char *b)
{
    mismatches += a != b;
}

/* A list's slot offset, after checking its count. */
static size_t list(const pack *p, size_t at, size_t n)
{
    same_i(I(p, at), (int64_t)n);
    return (size_t)I(p, at + 1);
}

static void check_option(const pack *p, const knee_result *r, size_t i, size_t at)
{
    double lo, hi, v;
    int best, worst;
    size_t k, n, first;
    static const char *const metrics[] = {"closeness", "phi_plus", "phi_minus", "phi_net",
                                          "S",         "R",        "Q"};
    int excluded = knee_result_option_excluded(r, i);
    same_s(S(p, at), knee_result_option_id(r, i));
    same_s(S(p, at + 1), knee_result_option_name(r, i));
    same_s(knee_ruleset_option_id(rs, (size_t)I(p, at + 2)), knee_result_option_id(r, i));
    same_i(I(p, at + 3), knee_result_option_rank(r, i));
    same_i(I(p, at + 4), excluded);
    same_d(D(p, at + 5), excluded ? NAN : knee_result_option_score(r, i));
    same_d(D(p, at + 6), knee_result_option_metric(r, i, "weighted_sum", &v) ? v : NAN);
    knee_result_option_score_range(r, i, &lo, &hi);
    same_d(D(p, at + 7), lo);
    same_d(D(p, at + 8), hi);
    knee_result_option_rank_range(r, i, &best, &worst);
    same_i(I(p, at + 9), best);
    same_i(I(p, at + 10), worst);
    for (k = 0; k < 7; k++) {
        int has = knee_result_option_metric(r, i, metrics[k], &v);
        same_i((I(p, at + 11) >> k) & 1, has);
        same_d(D(p, at + 12 + k), has ? v : NAN);
    }
    same_i(I(p, at + 19), knee_result_option_in_compromise(r, i));
    n = knee_result_reason_count(r, i);
    first = list(p, at + 20, 4 * n);
    for (k = 0; k < n; k++) {
        same_s(S(p, first + 4 * k), knee_result_reason_text(r, i, k));
        same_s(S(p, first + 4 * k + 1), knee_result_reason_rule(r, i, k));
        same_s(S(p, first + 4 * k + 2), knee_result_reason_source(r, i, k));
        same_s(S(p, first + 4 * k + 3), knee_result_reason_patient_text(r, i, k));
    }
    n = knee_result_caution_count(r, i);
    first = list(p, at + 22, 4 * n);
    for (k = 0; k < n; k++) {
        same_s(S(p, first + 4 * k), knee_result_caution_text(r, i, k));
        same_s(S(p, first + 4 * k + 3), knee_result_caution_patient_text(r, i, k));
    }
    n = knee_result_fired_count(r, i);
    first = list(p, at + 24, n);
    for (k = 0; k < n; k++)
        same_s(S(p, first + k), knee_result_fired_rule(r, i, k));
    n = knee_result_unknown_count(r, i);
    first = list(p, at + 26, 3 * n);
    for (k = 0; k < n; k++) {
        size_t f, nf = knee_result_unknown_fact_count(r, i, k);
        size_t facts = list(p, first + 3 * k + 1, nf);
        same_s(S(p, first + 3 * k), knee_result_unknown_rule(r, i, k));
        for (f = 0; f < nf; f++)
            same_s(S(p, facts + f), knee_result_unknown_fact(r, i, k, f));
    }
    n = knee_result_dominator_count(r, i);
    first = list(p, at + 28, n);
    for (k = 0; k < n; k++)
        same_s(S(p, first + k), knee_result_dominator(r, i, k));
    n = knee_result_option_tie_count(r, i);
    first = list(p, at + 30, n);
    for (k = 0; k < n; k++)
        same_s(S(p, first + k), knee_result_option_tied_with(r, i, k));
}

static void check_cell(const pack *p, const knee_result *r, size_t i, size_t j, size_t at)
{
    double lo, hi;
    const char *llo, *lhi;
    size_t k, n, first;
    same_i(I(p, at), knee_result_value_known(r, i, j));
    same_d(D(p, at + 1), knee_result_value(r, i, j));
    same_d(D(p, at + 2), knee_result_value_low(r, i, j));
    same_d(D(p, at + 3), knee_result_value_high(r, i, j));
    same_s(S(p, at + 4), knee_result_value_level(r, i, j));
    same_d(D(p, at + 5), knee_result_utility(r, i, j));
    same_d(D(p, at + 6), knee_result_cell_weight(r, i, j));
    same_d(D(p, at + 7), knee_result_contribution(r, i, j));
    same_s(S(p, at + 8), knee_result_value_missing(r, i, j));
    n = knee_result_value_source_count(r, i, j);
    first = list(p, at + 9, n);
    for (k = 0; k < n; k++)
        same_s(S(p, first + k), knee_result_value_source(r, i, j, k));
    n = knee_result_value_rule_count(r, i, j);
    first = list(p, at + 11, n);
    for (k = 0; k < n; k++)
        same_s(S(p, first + k), knee_result_value_rule(r, i, j, k));
    same_s(S(p, at + 13), knee_result_value_note(r, i, j, KNEE_AUDIENCE_CLINICIAN));
    same_s(S(p, at + 14), knee_result_value_note(r, i, j, KNEE_AUDIENCE_PATIENT));
    same_i(I(p, at + 15), knee_result_utility_range(r, i, j, &lo, &hi));
    same_d(D(p, at + 16), lo);
    same_d(D(p, at + 17), hi);
    if (knee_result_unknown_level_bounds(r, i, j, &llo, &lhi)) {
        same_i(I(p, at + 18), 2);
        same_s(S(p, at + 19), llo);
        same_s(S(p, at + 20), lhi);
    } else if (knee_result_unknown_bounds(r, i, j, &lo, &hi)) {
        same_i(I(p, at + 18), 1);
        same_d(D(p, at + 19), lo);
        same_d(D(p, at + 20), hi);
    } else {
        same_i(I(p, at + 18), 0);
    }
}

/* Pack r and check every slot against the accessors. */
static void check_pack(const knee_result *r)
{
    size_t len = 0, no = knee_result_option_count(r), nc = knee_result_criterion_count(r);
    size_t i, j, k, n, first;
    uint64_t *buf;
    pack p;
    CU_ASSERT_EQUAL(knee_result_pack(r, NULL, 0, &len), KNEE_ERANGE);
    CU_ASSERT_FATAL(len > 0 && len % 8 == 0);
    buf = malloc(len);
    CU_ASSERT_FATAL(buf != NULL);
    CU_ASSERT_EQUAL(knee_result_pack(r, buf, len - 8, &len), KNEE_ERANGE);
    CU_ASSERT_EQUAL(knee_result_pack(r, buf, len, &len), KNEE_OK);
    p.b = (const unsigned char *)buf;
    p.n = len / 8;
    mismatches = 0;
    same_i(I(&p, 0), KNEE_PACK_VERSION);
    same_i(I(&p, 1), 20);
    same_i(I(&p, 2), (int64_t)len);
    same_i(I(&p, 3), (int64_t)no);
    same_i(I(&p, 4), (int64_t)nc);
    same_s(S(&p, 11), knee_result_method(r));
    same_s(S(&p, 12), knee_result_missing_policy(r));
    same_i((I(&p, 13) >> 1) & 1, knee_result_has_dominance(r));
    same_i(I(&p, 18), (int64_t)knee_result_smaa_samples(r));
    same_i(I(&p, 19), knee_result_has_sensitivity(r));
    for (j = 0; j < nc; j++) {
        same_d(D(&p, (size_t)I(&p, 9) + j), knee_result_weight(r, j));
        same_s(S(&p, (size_t)I(&p, 10) + j), knee_result_criterion_id(r, j));
    }
    for (i = 0; i < no; i++) {
        check_option(&p, r, i, (size_t)(I(&p, 7) + (int64_t)i * I(&p, 5)));
        for (j = 0; j < nc; j++)
            check_cell(&p, r, i, j, (size_t)(I(&p, 8) + (int64_t)(i * nc + j) * I(&p, 6)));
    }
    n = knee_result_missing_fact_count(r);
    first = list(&p, 14, n);
    for (k = 0; k < n; k++)
        same_s(S(&p, first + k), knee_result_missing_fact(r, k));
    n = knee_result_region_count(r);
    first = list(&p, 16, 4 * n);
    for (k = 0; k < n; k++) {
        size_t m, nr = knee_result_regional_rule_count(r, k);
        size_t rules = list(&p, first + 4 * k + 2, nr);
        same_s(S(&p, first + 4 * k), knee_result_region_fact(r, k));
        same_s(S(&p, first + 4 * k + 1), knee_result_region_value(r, k));
        for (m = 0; m < nr; m++)
            same_s(S(&p, rules + m), knee_result_regional_rule(r, k, m));
    }
    CU_ASSERT_EQUAL(mismatches, 0);
    free(buf);
}

static void compare_and_check(knee_patient *p, const knee_compare_options *o)
{
    knee_result *r = NULL;
    CU_ASSERT_EQUAL_FATAL(knee_result_new(&r), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_compare_ex(rs, p, o, r), KNEE_OK);
    check_pack(r);
    knee_result_free(r);
}

static void test_every_slot(void)
{
    knee_patient *p = NULL;
    knee_compare_options *o = NULL;
    int m;
    CU_ASSERT_EQUAL_FATAL(knee_patient_new(&p, rs), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_compare_options_new(&o), KNEE_OK);
    compare_and_check(p, NULL); /* nothing known */
    CU_ASSERT_EQUAL(knee_patient_set_number(p, "age", 72), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_number(p, "kl_grade", 4), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_text(p, "payer", "medicare"), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_text(p, "region", "uk"), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_bool(p, "ckd", 1), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_text(p, "prior", "ha-6mo, failed-conservative"), KNEE_OK);
    for (m = KNEE_METHOD_WEIGHTED_SUM; m <= KNEE_METHOD_VIKOR; m++) {
        CU_ASSERT_EQUAL(knee_compare_options_set_method(o, m), KNEE_OK);
        compare_and_check(p, o);
    }
    CU_ASSERT_EQUAL(knee_compare_options_set_method(o, KNEE_METHOD_WEIGHTED_SUM), KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare_options_set_smaa(o, 50, 1, 0), KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare_options_set_sensitivity(o, 1, 0.05), KNEE_OK);
    compare_and_check(p, o);
    knee_compare_options_free(o);
    knee_patient_free(p);
}

static void test_arguments_and_no_allocation(void)
{
    knee_result *r = NULL;
    knee_patient *p = NULL;
    uint64_t buf[1 << 14];
    size_t len = 1;
    CU_ASSERT_EQUAL_FATAL(knee_result_new(&r), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_patient_new(&p, rs), KNEE_OK);
    CU_ASSERT_EQUAL(knee_result_pack(r, buf, sizeof buf, &len), KNEE_EINVAL); /* never filled */
    CU_ASSERT_EQUAL(len, 0);
    CU_ASSERT_EQUAL(knee_result_pack(NULL, buf, sizeof buf, &len), KNEE_EINVAL);
    CU_ASSERT_EQUAL_FATAL(knee_compare(rs, p, r), KNEE_OK);
    CU_ASSERT_EQUAL(knee_result_pack(r, buf, sizeof buf, NULL), KNEE_EINVAL);
    CU_ASSERT_EQUAL(knee_result_pack(r, NULL, 64, &len), KNEE_EINVAL);
    CU_ASSERT_EQUAL(knee_result_pack(r, (char *)buf + 4, 64, &len), KNEE_EINVAL);
    knee__fault_inject(-1);
    CU_ASSERT_EQUAL(knee_result_pack(r, buf, sizeof buf, &len), KNEE_OK);
    CU_ASSERT_EQUAL(knee__fault_inject(-1), 0); /* nothing allocated */
    CU_ASSERT(len > 0 && len <= sizeof buf);
    knee_patient_free(p);
    knee_result_free(r);
}

int main(void)
{
    CU_pSuite s;
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    s = CU_add_suite("pack", setup, teardown);
    CU_add_test(s, "every slot equals the accessors", test_every_slot);
    CU_add_test(s, "arguments; nothing allocated", test_arguments_and_no_allocation);
    return kt_run();
}
