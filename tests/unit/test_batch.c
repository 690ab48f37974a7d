/* test_batch.c - many patients as columns (knee_batch, knee_compare_batch): the same ranks and
 * scores as one knee_compare_ex per patient, bad cells reported by row and fact, threads on
 * disjoint rows, no allocation per patient, argument errors and allocation failures. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "support.h"

#define N 600

static knee_ruleset *rs;
static size_t nt;

/* Generated patients: every fact type, some cells unknown (NaN, -1, NULL). */
static double age[N], bmi[N], kl[N];
static signed char diabetes[N], ckd[N], gi[N];
static const char *sex[N], *payer[N], *region[N], *prior_text[N];
static size_t prior_starts[N + 1];
static const char *prior_members[2 * N];
static unsigned char prior_known[N];

static unsigned rnd(unsigned *s)
{
    *s = *s * 1103515245u + 12345u;
    return (*s >> 16) & 0x7fff;
}

static void generate(void)
{
    static const char *const payers[] = {"medicare", "medicaid", "commercial-aetna",
                                         "self-pay", "MCR-B",    "va"};
    static const char *const priors[] = {"steroid-injection-3mo", "ha-6mo", "failed-conservative"};
    static const char *const prior_texts[] = {
        "steroid-injection-3mo", "ha-6mo, failed-conservative", "", "failed-conservative,ha-6mo"};
    unsigned s = 7;
    size_t i, m = 0;
    for (i = 0; i < N; i++) {
        age[i] = rnd(&s) % 10 == 0 ? NAN : 30 + rnd(&s) % 60;
        bmi[i] = rnd(&s) % 5 == 0 ? NAN : 18 + (rnd(&s) % 300) / 10.0;
        kl[i] = rnd(&s) % 8 == 0 ? NAN : (double)(rnd(&s) % 5);
        diabetes[i] = (signed char)(rnd(&s) % 3) - 1;
        ckd[i] = (signed char)(rnd(&s) % 3) - 1;
        gi[i] = (signed char)(rnd(&s) % 3) - 1;
        sex[i] = rnd(&s) % 4 == 0 ? NULL : rnd(&s) % 2 ? "female" : "male";
        payer[i] = rnd(&s) % 7 == 0 ? NULL : payers[rnd(&s) % 6];
        region[i] = rnd(&s) % 3 == 0 ? NULL : rnd(&s) % 2 ? "us" : "uk";
        prior_text[i] = rnd(&s) % 5 == 0 ? NULL : prior_texts[rnd(&s) % 4];
        prior_known[i] = rnd(&s) % 4 != 0;
        prior_starts[i] = m;
        if (rnd(&s) % 2)
            prior_members[m++] = priors[rnd(&s) % 3];
        if (rnd(&s) % 3 == 0)
            prior_members[m++] = priors[rnd(&s) % 3];
    }
    prior_starts[N] = m;
}

static int setup(void)
{
    if (knee_ruleset_load_default(&rs, NULL) != KNEE_OK)
        return 1;
    nt = knee_ruleset_option_count(rs);
    generate();
    return 0;
}

static int teardown(void)
{
    knee_ruleset_free(rs);
    return 0;
}

/* Batch with every generated column; prior as text or as member lists. */
static knee_batch *make_batch(int prior_as_members)
{
    knee_batch *b = NULL;
    CU_ASSERT_EQUAL_FATAL(knee_batch_new(&b, rs, N), KNEE_OK);
    CU_ASSERT_EQUAL(knee_batch_row_count(b), N);
    CU_ASSERT_EQUAL(knee_batch_set_numbers(b, "age", age, KNEE_BATCH_FAIL_COLUMN), KNEE_OK);
    CU_ASSERT_EQUAL(knee_batch_set_numbers(b, "bmi", bmi, KNEE_BATCH_FAIL_COLUMN), KNEE_OK);
    CU_ASSERT_EQUAL(knee_batch_set_numbers(b, "kl_grade", kl, KNEE_BATCH_FAIL_COLUMN), KNEE_OK);
    CU_ASSERT_EQUAL(knee_batch_set_bools(b, "diabetes", diabetes, KNEE_BATCH_FAIL_COLUMN), KNEE_OK);
    CU_ASSERT_EQUAL(knee_batch_set_bools(b, "ckd", ckd, KNEE_BATCH_FAIL_COLUMN), KNEE_OK);
    CU_ASSERT_EQUAL(knee_batch_set_bools(b, "gi_risk", gi, KNEE_BATCH_FAIL_COLUMN), KNEE_OK);
    CU_ASSERT_EQUAL(knee_batch_set_strings(b, "sex", sex, KNEE_BATCH_FAIL_COLUMN), KNEE_OK);
    CU_ASSERT_EQUAL(knee_batch_set_strings(b, "payer", payer, KNEE_BATCH_FAIL_COLUMN), KNEE_OK);
    CU_ASSERT_EQUAL(knee_batch_set_text(b, "region", region, KNEE_BATCH_FAIL_COLUMN), KNEE_OK);
    if (prior_as_members) {
        CU_ASSERT_EQUAL(knee_batch_set_members(b, "prior", prior_starts, prior_members, prior_known,
                                               KNEE_BATCH_FAIL_COLUMN),
                        KNEE_OK);
    } else {
        CU_ASSERT_EQUAL(knee_batch_set_text(b, "prior", prior_text, KNEE_BATCH_FAIL_COLUMN),
                        KNEE_OK);
    }
    CU_ASSERT_EQUAL(knee_batch_error_row(b), (size_t)-1);
    CU_ASSERT_STRING_EQUAL(knee_batch_errmsg(b), "");
    return b;
}

/* The same patient through the per-patient setters. */
static void fill_patient(knee_patient *p, size_t i, int prior_as_members)
{
    size_t k;
    knee_patient_clear(p);
    if (!isnan(age[i])) {
        CU_ASSERT_EQUAL(knee_patient_set_number(p, "age", age[i]), KNEE_OK);
    }
    if (!isnan(bmi[i])) {
        CU_ASSERT_EQUAL(knee_patient_set_number(p, "bmi", bmi[i]), KNEE_OK);
    }
    if (!isnan(kl[i])) {
        CU_ASSERT_EQUAL(knee_patient_set_number(p, "kl_grade", kl[i]), KNEE_OK);
    }
    if (diabetes[i] >= 0)
        knee_patient_set_bool(p, "diabetes", diabetes[i]);
    if (ckd[i] >= 0)
        knee_patient_set_bool(p, "ckd", ckd[i]);
    if (gi[i] >= 0)
        knee_patient_set_bool(p, "gi_risk", gi[i]);
    if (sex[i])
        knee_patient_set_string(p, "sex", sex[i]);
    if (payer[i])
        knee_patient_set_string(p, "payer", payer[i]);
    if (region[i])
        knee_patient_set_text(p, "region", region[i]);
    if (!prior_as_members) {
        if (prior_text[i]) {
            CU_ASSERT_EQUAL(knee_patient_set_text(p, "prior", prior_text[i]), KNEE_OK);
        }
    } else if (prior_known[i]) {
        CU_ASSERT_EQUAL(knee_patient_set_text(p, "prior", ","), KNEE_OK); /* known, empty */
        for (k = prior_starts[i]; k < prior_starts[i + 1]; k++) {
            CU_ASSERT_EQUAL(knee_patient_add_to_set(p, "prior", prior_members[k]), KNEE_OK);
        }
    }
}

/* Every row's ranks and scores equal knee_compare_ex's, exactly, for each method. */
static void check_equal(knee_batch *b, const knee_compare_options *o, int prior_as_members,
                        const char *weight_criterion, double weight)
{
    knee_patient *p = NULL;
    knee_result *r = NULL, *scratch = NULL;
    int *ranks = malloc(N * nt * sizeof *ranks), status[N];
    double *scores = malloc(N * nt * sizeof *scores);
    size_t i, k, t, bad = 0;
    CU_ASSERT_EQUAL_FATAL(knee_patient_new(&p, rs), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_result_new(&r), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_result_new(&scratch), KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare_batch(rs, b, o, 0, N, scratch, ranks, scores, status), KNEE_OK);
    for (i = 0; i < N; i++) {
        fill_patient(p, i, prior_as_members);
        if (weight_criterion)
            knee_patient_set_weight(p, weight_criterion, weight);
        CU_ASSERT_EQUAL(status[i], KNEE_OK);
        CU_ASSERT_EQUAL_FATAL(knee_compare_ex(rs, p, o, r), KNEE_OK);
        for (k = 0; k < nt; k++) {
            const char *id = knee_result_option_id(r, k);
            for (t = 0; t < nt && strcmp(knee_ruleset_option_id(rs, t), id) != 0; t++)
                ;
            if (ranks[i * nt + t] != knee_result_option_rank(r, k) ||
                scores[i * nt + t] != knee_result_option_score(r, k))
                bad++;
        }
    }
    CU_ASSERT_EQUAL(bad, 0);
    free(ranks);
    free(scores);
    knee_result_free(scratch);
    knee_result_free(r);
    knee_patient_free(p);
}

static void test_equal_to_one_by_one(void)
{
    knee_compare_options *o = NULL;
    knee_batch *b = make_batch(0), *bm = make_batch(1);
    int m;
    check_equal(b, NULL, 0, NULL, 0);
    check_equal(bm, NULL, 1, NULL, 0);
    CU_ASSERT_EQUAL_FATAL(knee_compare_options_new(&o), KNEE_OK);
    for (m = KNEE_METHOD_WEIGHTED_SUM; m <= KNEE_METHOD_VIKOR; m++) {
        CU_ASSERT_EQUAL(knee_compare_options_set_method(o, m), KNEE_OK);
        check_equal(b, o, 0, NULL, 0);
    }
    /* analyses asked for do not change ranks and scores */
    CU_ASSERT_EQUAL(knee_compare_options_set_smaa(o, 50, 3, 0), KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare_options_set_sensitivity(o, 1, 0.05), KNEE_OK);
    check_equal(b, o, 0, NULL, 0);
    /* one weight set for every row */
    CU_ASSERT_EQUAL(knee_batch_set_weight(b, "cost", 90), KNEE_OK);
    check_equal(b, NULL, 0, "cost", 90);
    CU_ASSERT_EQUAL(knee_batch_set_weight(b, "cost", -1), KNEE_EWEIGHT);
    CU_ASSERT_EQUAL(knee_batch_set_weight(b, "nope", 1), KNEE_EUNKNOWN);
    CU_ASSERT_PTR_NOT_NULL(strstr(knee_batch_errmsg(b), "nope"));
    CU_ASSERT_EQUAL(knee_batch_set_weight(b, "csot", 1), KNEE_EUNKNOWN);
    CU_ASSERT_STRING_EQUAL(knee_batch_errmsg(b), "unknown criterion 'csot': did you mean 'cost'?");
    knee_compare_options_free(o);
    knee_batch_free(b);
    knee_batch_free(bm);
}

/* knee_batch_copy_weights: a ranking and a swing set on a patient (which have no batch setter)
 * score every row as they score the same patient one at a time; a NULL or foreign patient is
 * refused and leaves the batch's weights as they were. */
static void test_copy_weights(void)
{
    const char *ranked[2];
    knee_batch *b = make_batch(0);
    knee_patient *pw = NULL, *p = NULL;
    knee_ruleset *other = NULL;
    knee_result *r = NULL;
    int *ranks = malloc(N * nt * sizeof *ranks), status[N];
    double *scores = malloc(N * nt * sizeof *scores);
    size_t i, k, t, bad = 0;
    CU_ASSERT_FATAL(knee_ruleset_criterion_count(rs) >= 3);
    ranked[0] = knee_ruleset_criterion_id(rs, 2);
    ranked[1] = knee_ruleset_criterion_id(rs, 0);
    CU_ASSERT_EQUAL_FATAL(knee_patient_new(&pw, rs), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_patient_new(&p, rs), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_result_new(&r), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_rank_criteria(pw, ranked, 2, KNEE_RANKING_ROC), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_swing(pw, knee_ruleset_criterion_id(rs, 1), 70), KNEE_OK);
    CU_ASSERT_EQUAL(knee_batch_copy_weights(b, pw), KNEE_OK);
    CU_ASSERT_EQUAL(knee_batch_copy_weights(b, NULL), KNEE_EINVAL);
    CU_ASSERT_EQUAL(knee_batch_copy_weights(NULL, pw), KNEE_EINVAL);
    CU_ASSERT_EQUAL_FATAL(knee_ruleset_load_default(&other, NULL), KNEE_OK);
    knee_patient_free(p);
    CU_ASSERT_EQUAL_FATAL(knee_patient_new(&p, other), KNEE_OK);
    CU_ASSERT_EQUAL(knee_batch_copy_weights(b, p), KNEE_EINVAL);
    knee_patient_free(p);
    knee_ruleset_free(other);
    CU_ASSERT_EQUAL_FATAL(knee_patient_new(&p, rs), KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare_batch(rs, b, NULL, 0, N, r, ranks, scores, status), KNEE_OK);
    for (i = 0; i < N; i++) {
        fill_patient(p, i, 0);
        CU_ASSERT_EQUAL(knee_patient_rank_criteria(p, ranked, 2, KNEE_RANKING_ROC), KNEE_OK);
        CU_ASSERT_EQUAL(knee_patient_set_swing(p, knee_ruleset_criterion_id(rs, 1), 70), KNEE_OK);
        CU_ASSERT_EQUAL_FATAL(knee_compare_ex(rs, p, NULL, r), KNEE_OK);
        for (k = 0; k < nt; k++) {
            t = knee_ruleset_option_index(rs, knee_result_option_id(r, k));
            if (ranks[i * nt + t] != knee_result_option_rank(r, k) ||
                scores[i * nt + t] != knee_result_option_score(r, k))
                bad++;
        }
    }
    CU_ASSERT_EQUAL(bad, 0);
    /* and the weights matter: without them some row scores differently */
    knee_patient_clear(p);
    fill_patient(p, 0, 0);
    CU_ASSERT_EQUAL_FATAL(knee_compare_ex(rs, p, NULL, r), KNEE_OK);
    t = knee_ruleset_option_index(rs, knee_result_option_id(r, 0));
    CU_ASSERT(scores[t] != knee_result_option_score(r, 0));
    free(ranks);
    free(scores);
    knee_result_free(r);
    knee_patient_free(p);
    knee_patient_free(pw);
    knee_batch_free(b);
}

/* Each row's JSON is knee_result_to_json's text for the same patient. */
static void test_json_rows(void)
{
    knee_batch *b = make_batch(0);
    knee_patient *p = NULL;
    knee_result *r = NULL;
    char *out = NULL, *one = NULL;
    size_t len = 0, offsets[41], n1, i;
    int status[40];
    CU_ASSERT_EQUAL_FATAL(knee_patient_new(&p, rs), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_result_new(&r), KNEE_OK);
    CU_ASSERT_EQUAL(
        knee_compare_batch_json(rs, b, NULL, 100, 40, NULL, &out, &len, offsets, status), KNEE_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    CU_ASSERT_EQUAL(offsets[0], 0);
    CU_ASSERT_EQUAL(offsets[40], len);
    CU_ASSERT_EQUAL(strlen(out), len);
    for (i = 0; i < 40; i++) {
        fill_patient(p, 100 + i, 0);
        CU_ASSERT_EQUAL(knee_compare(rs, p, r), KNEE_OK);
        CU_ASSERT_EQUAL(knee_result_to_json(r, &one, &n1), KNEE_OK);
        CU_ASSERT_EQUAL(status[i], KNEE_OK);
        CU_ASSERT_EQUAL(offsets[i + 1] - offsets[i], n1);
        CU_ASSERT(memcmp(out + offsets[i], one, n1) == 0);
        knee_free(one);
    }
    knee_free(out);
    CU_ASSERT_EQUAL(knee_compare_batch_json(rs, b, NULL, 0, 0, NULL, &out, &len, offsets, NULL),
                    KNEE_OK);
    CU_ASSERT_STRING_EQUAL(out, "");
    CU_ASSERT_EQUAL(offsets[0], 0);
    knee_free(out);
    CU_ASSERT_EQUAL(knee_compare_batch_json(rs, b, NULL, 0, 1, NULL, NULL, &len, offsets, NULL),
                    KNEE_EINVAL);
    knee_result_free(r);
    knee_patient_free(p);
    knee_batch_free(b);
}

/* Bad cells: named by row and fact; fail the column (unchanged) or mark the row. */
static void test_bad_cells(void)
{
    knee_batch *b = NULL;
    double ages[4] = {50, 130, NAN, 60.5}, kls[4] = {1, 2.5, 3, INFINITY};
    signed char yes[4] = {1, 0, -1, 5};
    const char *sexes[4] = {"female", NULL, "other", "male"};
    const char *text[4] = {"yes", "perhaps", NULL, " no "};
    const char *prior[4] = {"ha-6mo", "bogus, ha-6mo", "", NULL};
    const char *bad_utf8[4] = {"\xff", NULL, NULL, NULL};
    size_t starts[5] = {0, 1, 1, 3, 3};
    const char *members[3] = {"ha-6mo", "ha-6mo", "nonsense"};
    int ranks[4 * 64], status[4];
    double scores[4 * 64];
    CU_ASSERT_FATAL(nt <= 64);
    CU_ASSERT_EQUAL_FATAL(knee_batch_new(&b, rs, 4), KNEE_OK);
    /* FAIL_COLUMN: nothing set, row and reason given */
    CU_ASSERT_EQUAL(knee_batch_set_numbers(b, "age", ages, KNEE_BATCH_FAIL_COLUMN), KNEE_ERANGE);
    CU_ASSERT_EQUAL(knee_batch_error_row(b), 1);
    CU_ASSERT_STRING_EQUAL(knee_batch_errmsg(b), "row 1: fact 'age': 130 is above the maximum 120 "
                                                 "(it takes a number from 0 to 120)");
    CU_ASSERT_EQUAL(knee_batch_row_status(b, 1), KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare_batch(rs, b, NULL, 0, 4, NULL, ranks, scores, status), KNEE_OK);
    CU_ASSERT_EQUAL(knee_batch_set_numbers(b, "kl_grade", kls, KNEE_BATCH_FAIL_COLUMN), KNEE_ETYPE);
    CU_ASSERT_EQUAL(knee_batch_error_row(b), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(knee_batch_errmsg(b), "not a whole number"));
    CU_ASSERT_EQUAL(knee_batch_set_strings(b, "sex", sexes, KNEE_BATCH_FAIL_COLUMN), KNEE_ERANGE);
    CU_ASSERT_PTR_NOT_NULL(strstr(knee_batch_errmsg(b),
                                  "row 2: fact 'sex': 'other' is not one "
                                  "of its allowed values (it takes one of: "));
    CU_ASSERT_EQUAL(knee_batch_set_text(b, "diabetes", text, KNEE_BATCH_FAIL_COLUMN), KNEE_EPARSE);
    CU_ASSERT_EQUAL(knee_batch_error_row(b), 1);
    CU_ASSERT_EQUAL(knee_batch_set_text(b, "prior", prior, KNEE_BATCH_FAIL_COLUMN), KNEE_ERANGE);
    CU_ASSERT_PTR_NOT_NULL(strstr(knee_batch_errmsg(b), "row 1: fact 'prior': 'bogus'"));
    CU_ASSERT_EQUAL(knee_batch_set_strings(b, "payer", bad_utf8, KNEE_BATCH_FAIL_COLUMN),
                    KNEE_EPARSE);
    CU_ASSERT_EQUAL(knee_batch_error_row(b), 0);
    CU_ASSERT_EQUAL(
        knee_batch_set_members(b, "prior", starts, members, NULL, KNEE_BATCH_FAIL_COLUMN),
        KNEE_ERANGE);
    CU_ASSERT_EQUAL(knee_batch_error_row(b), 2);
    /* wrong type, unknown fact, bad mode */
    CU_ASSERT_EQUAL(knee_batch_set_numbers(b, "sex", ages, KNEE_BATCH_FAIL_COLUMN), KNEE_ETYPE);
    CU_ASSERT_EQUAL(knee_batch_error_row(b), (size_t)-1);
    CU_ASSERT_EQUAL(knee_batch_set_bools(b, "nope", yes, KNEE_BATCH_FAIL_COLUMN), KNEE_EUNKNOWN);
    CU_ASSERT_EQUAL(knee_batch_set_bools(b, "diabetis", yes, KNEE_BATCH_FAIL_COLUMN),
                    KNEE_EUNKNOWN);
    CU_ASSERT_PTR_NOT_NULL(strstr(knee_batch_errmsg(b),
                                  "unknown fact 'diabetis' (not declared in "
                                  "rule file 'knee-oa'): did you mean 'diabetes'?"));
    CU_ASSERT_EQUAL(knee_batch_set_numbers(b, "sex", ages, KNEE_BATCH_FAIL_COLUMN), KNEE_ETYPE);
    CU_ASSERT_PTR_NOT_NULL(strstr(knee_batch_errmsg(b), "fact 'sex' is a string, not a number (it "
                                                        "takes one of: "));
    CU_ASSERT_EQUAL(knee_batch_set_bools(b, "diabetes", yes, 7), KNEE_EINVAL);
    CU_ASSERT_EQUAL(knee_batch_set_bools(b, "diabetes", NULL, KNEE_BATCH_FAIL_COLUMN), KNEE_EINVAL);
    /* MARK_ROW: the bad cells' rows fail, the rest is set */
    CU_ASSERT_EQUAL(knee_batch_set_numbers(b, "age", ages, KNEE_BATCH_MARK_ROW), KNEE_OK);
    CU_ASSERT_EQUAL(knee_batch_error_row(b), 1);
    CU_ASSERT_EQUAL(knee_batch_set_strings(b, "sex", sexes, KNEE_BATCH_MARK_ROW), KNEE_OK);
    CU_ASSERT_EQUAL(knee_batch_set_text(b, "prior", prior, KNEE_BATCH_MARK_ROW), KNEE_OK);
    CU_ASSERT_EQUAL(knee_batch_set_bools(b, "diabetes", yes, KNEE_BATCH_MARK_ROW), KNEE_OK);
    CU_ASSERT_EQUAL(knee_batch_error_row(b), (size_t)-1);
    CU_ASSERT_EQUAL(knee_batch_row_status(b, 0), KNEE_OK);
    CU_ASSERT_EQUAL(knee_batch_row_status(b, 1), KNEE_ERANGE); /* age first, then prior */
    CU_ASSERT_EQUAL(knee_batch_row_status(b, 2), KNEE_ERANGE);
    CU_ASSERT_EQUAL(knee_batch_row_status(b, 3), KNEE_OK);
    CU_ASSERT_EQUAL(knee_batch_row_status(b, 4), KNEE_ERANGE);
    CU_ASSERT_EQUAL(knee_compare_batch(rs, b, NULL, 0, 4, NULL, ranks, scores, status),
                    KNEE_ERANGE);
    CU_ASSERT_EQUAL(status[0], KNEE_OK);
    CU_ASSERT_EQUAL(status[1], KNEE_ERANGE);
    CU_ASSERT_EQUAL(status[2], KNEE_ERANGE);
    CU_ASSERT_EQUAL(status[3], KNEE_OK);
    CU_ASSERT_EQUAL(ranks[1 * nt], 0);
    CU_ASSERT(isnan(scores[1 * nt]));
    CU_ASSERT(ranks[0] >= 0 && ranks[3 * nt] >= 0);
    knee_batch_free(b);
}

/* knee_batch_row_errmsg: each failed row keeps its own first reason, worded as the patient
 * setter words it; nothing from a column that failed as a whole or ran out of memory. */
static void test_row_messages(void)
{
    knee_batch *b = NULL;
    knee_patient *p = NULL;
    double ages[4] = {50, 130, NAN, 60};
    const char *sexes[4] = {"female", "other", "other", NULL};
    const char *prior[4] = {"ha-6mo", "bogus", NULL, "nonsense, ha-6mo"};
    long n;
    int found_end = 0;
    CU_ASSERT_EQUAL_FATAL(knee_batch_new(&b, rs, 4), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_patient_new(&p, rs), KNEE_OK);
    CU_ASSERT_EQUAL(knee_batch_set_numbers(b, "age", ages, KNEE_BATCH_FAIL_COLUMN), KNEE_ERANGE);
    CU_ASSERT_STRING_EQUAL(knee_batch_row_errmsg(b, 1), ""); /* the column was not set */
    CU_ASSERT_EQUAL(knee_batch_set_numbers(b, "age", ages, KNEE_BATCH_MARK_ROW), KNEE_OK);
    CU_ASSERT_EQUAL(knee_batch_set_strings(b, "sex", sexes, KNEE_BATCH_MARK_ROW), KNEE_OK);
    CU_ASSERT_EQUAL(knee_batch_set_text(b, "prior", prior, KNEE_BATCH_MARK_ROW), KNEE_OK);
    /* the call's message still names only its first bad cell */
    CU_ASSERT_PTR_NOT_NULL(strstr(knee_batch_errmsg(b), "row 1: fact 'prior': 'bogus'"));
    CU_ASSERT_STRING_EQUAL(knee_batch_row_errmsg(b, 0), "");
    /* row 1: age first (sex and prior are bad too) */
    CU_ASSERT_STRING_EQUAL(knee_batch_row_errmsg(b, 1), "fact 'age': 130 is above the maximum 120 "
                                                        "(it takes a number from 0 to 120)");
    CU_ASSERT_EQUAL(knee_patient_set_string(p, "sex", "other"), KNEE_ERANGE);
    CU_ASSERT_STRING_EQUAL(knee_batch_row_errmsg(b, 2), knee_patient_errmsg(p));
    CU_ASSERT_EQUAL(knee_patient_set_text(p, "prior", "nonsense, ha-6mo"), KNEE_ERANGE);
    CU_ASSERT_STRING_EQUAL(knee_batch_row_errmsg(b, 3), knee_patient_errmsg(p));
    CU_ASSERT_STRING_EQUAL(knee_batch_row_errmsg(b, 4), "");
    CU_ASSERT_STRING_EQUAL(knee_batch_row_errmsg(NULL, 0), "");
    knee_batch_free(b);
    CU_ASSERT_EQUAL(knee_patient_set_string(p, "sex", "other"), KNEE_ERANGE);
    /* out of memory anywhere: the row's message is whole or absent, never a wrong one */
    for (n = 0; n < 200 && !found_end; n++) {
        int rc;
        b = NULL;
        knee__fault_inject(n);
        if (knee_batch_new(&b, rs, 4) == KNEE_OK) {
            rc = knee_batch_set_strings(b, "sex", sexes, KNEE_BATCH_MARK_ROW);
            CU_ASSERT(rc == KNEE_OK || rc == KNEE_ENOMEM);
            CU_ASSERT_STRING_EQUAL(knee_batch_row_errmsg(b, 2),
                                   rc == KNEE_OK ? knee_patient_errmsg(p) : "");
            found_end = rc == KNEE_OK && knee__fault_inject(-1) <= n;
        }
        knee__fault_inject(-1);
        knee_batch_free(b);
    }
    CU_ASSERT(found_end);
    knee_patient_free(p);
}

/* A failed comparison (the weights sum to zero) is reported per row. */
static void test_compare_failure(void)
{
    knee_batch *b = NULL;
    int status[3], ranks[3 * 64];
    size_t j;
    CU_ASSERT_EQUAL_FATAL(knee_batch_new(&b, rs, 3), KNEE_OK);
    for (j = 0; j < knee_ruleset_criterion_count(rs); j++)
        CU_ASSERT_EQUAL(knee_batch_set_weight(b, knee_ruleset_criterion_id(rs, j), 0), KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare_batch(rs, b, NULL, 0, 3, NULL, ranks, NULL, status), KNEE_EWEIGHT);
    CU_ASSERT_EQUAL(status[0], KNEE_EWEIGHT);
    CU_ASSERT_EQUAL(status[2], KNEE_EWEIGHT);
    CU_ASSERT_EQUAL(ranks[0], 0);
    knee_batch_free(b);
}

/* knee_compare_batch_ranges: each option's rank, score, score range and rank range equal the
 * result accessors' for the same patient; an excluded option and a failed row are all NaN, as
 * are the ranges of a method without them. */
static void check_range_cells(knee_batch *b, const knee_compare_options *o, int ranged)
{
    knee_patient *p = NULL;
    knee_result *r = NULL;
    double *cells = malloc(N * nt * KNEE_BATCH_RANGE_FIELDS * sizeof *cells), lo, hi;
    int status[N], best, worst;
    size_t i, k, t, bad = 0, excluded = 0;
    CU_ASSERT_EQUAL_FATAL(knee_patient_new(&p, rs), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_result_new(&r), KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare_batch_ranges(rs, b, o, 0, N, NULL, cells, status), KNEE_OK);
    for (i = 0; i < N; i++) {
        fill_patient(p, i, 0);
        CU_ASSERT_EQUAL(status[i], KNEE_OK);
        CU_ASSERT_EQUAL_FATAL(knee_compare_ex(rs, p, o, r), KNEE_OK);
        for (k = 0; k < nt; k++) {
            const double *c;
            for (t = 0;
                 t < nt && strcmp(knee_ruleset_option_id(rs, t), knee_result_option_id(r, k)) != 0;
                 t++)
                ;
            c = cells + (i * nt + t) * KNEE_BATCH_RANGE_FIELDS;
            if (knee_result_option_excluded(r, k)) {
                excluded++;
                for (t = 0; t < KNEE_BATCH_RANGE_FIELDS; t++)
                    bad += !isnan(c[t]);
                continue;
            }
            knee_result_option_score_range(r, k, &lo, &hi);
            knee_result_option_rank_range(r, k, &best, &worst);
            bad += c[0] != knee_result_option_rank(r, k) || c[1] != knee_result_option_score(r, k);
            if (ranged)
                bad += c[2] != lo || c[3] != hi || c[4] != best || c[5] != worst;
            else
                bad += !isnan(c[2]) || !isnan(c[3]) || !isnan(c[4]) || !isnan(c[5]);
        }
    }
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT(excluded > 0);
    free(cells);
    knee_result_free(r);
    knee_patient_free(p);
}

static void test_range_cells(void)
{
    knee_compare_options *o = NULL;
    knee_batch *b = make_batch(0), *zero = NULL;
    double cells[2 * 64 * KNEE_BATCH_RANGE_FIELDS];
    int status[2];
    size_t j;
    check_range_cells(b, NULL, 1);
    CU_ASSERT_EQUAL_FATAL(knee_compare_options_new(&o), KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare_options_set_method(o, KNEE_METHOD_TOPSIS), KNEE_OK);
    check_range_cells(b, o, 0);
    /* a failed row: every cell NaN, its status says why */
    CU_ASSERT_FATAL(nt <= 64);
    CU_ASSERT_EQUAL_FATAL(knee_batch_new(&zero, rs, 2), KNEE_OK);
    for (j = 0; j < knee_ruleset_criterion_count(rs); j++)
        CU_ASSERT_EQUAL(knee_batch_set_weight(zero, knee_ruleset_criterion_id(rs, j), 0), KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare_batch_ranges(rs, zero, NULL, 0, 2, NULL, cells, status),
                    KNEE_EWEIGHT);
    CU_ASSERT_EQUAL(status[1], KNEE_EWEIGHT);
    for (j = 0; j < 2 * nt * KNEE_BATCH_RANGE_FIELDS; j++)
        CU_ASSERT(isnan(cells[j]));
    CU_ASSERT_EQUAL(knee_compare_batch_ranges(rs, zero, NULL, 0, 2, NULL, NULL, status),
                    KNEE_EWEIGHT);
    CU_ASSERT_EQUAL(knee_compare_batch_ranges(NULL, zero, NULL, 0, 2, NULL, cells, status),
                    KNEE_EINVAL);
    knee_batch_free(zero);
    knee_compare_options_free(o);
    knee_batch_free(b);
}

typedef struct job {
    const knee_batch *b;
    size_t first, count;
    int *ranks;
    double *scores;
    int rc;
} job;

static void *run_job(void *v)
{
    job *j = v;
    knee_result *scratch = NULL;
    int k;
    if (knee_result_new(&scratch) != KNEE_OK) {
        j->rc = KNEE_ENOMEM;
        return NULL;
    }
    for (k = 0; k < 5 && j->rc == KNEE_OK; k++)
        j->rc = knee_compare_batch(rs, j->b, NULL, j->first, j->count, scratch,
                                   j->ranks + j->first * nt, j->scores + j->first * nt, NULL);
    knee_result_free(scratch);
    return NULL;
}

/* Four threads on disjoint row ranges of one batch: the same as one thread. */
static void test_threads(void)
{
    knee_batch *b = make_batch(0);
    int *ranks = malloc(N * nt * sizeof *ranks), *ranks1 = malloc(N * nt * sizeof *ranks1);
    double *scores = malloc(N * nt * sizeof *scores), *scores1 = malloc(N * nt * sizeof *scores1);
    pthread_t th[4];
    job jobs[4];
    int k;
    CU_ASSERT_EQUAL(knee_compare_batch(rs, b, NULL, 0, N, NULL, ranks1, scores1, NULL), KNEE_OK);
    for (k = 0; k < 4; k++) {
        jobs[k].b = b;
        jobs[k].first = (size_t)k * N / 4;
        jobs[k].count = (size_t)(k + 1) * N / 4 - jobs[k].first;
        jobs[k].ranks = ranks;
        jobs[k].scores = scores;
        jobs[k].rc = KNEE_OK;
        CU_ASSERT_EQUAL_FATAL(pthread_create(&th[k], NULL, run_job, &jobs[k]), 0);
    }
    for (k = 0; k < 4; k++) {
        pthread_join(th[k], NULL);
        CU_ASSERT_EQUAL(jobs[k].rc, KNEE_OK);
    }
    CU_ASSERT(memcmp(ranks, ranks1, N * nt * sizeof *ranks) == 0);
    CU_ASSERT(memcmp(scores, scores1, N * nt * sizeof *scores) == 0);
    free(ranks);
    free(ranks1);
    free(scores);
    free(scores1);
    knee_batch_free(b);
}

/* After warm-up a scratch result makes the batch comparison allocation-free, however many rows. */
static void test_no_allocation_per_patient(void)
{
    knee_batch *b = make_batch(1);
    knee_result *scratch = NULL;
    int *ranks = malloc(N * nt * sizeof *ranks);
    double *scores = malloc(N * nt * sizeof *scores);
    CU_ASSERT_EQUAL_FATAL(knee_result_new(&scratch), KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare_batch(rs, b, NULL, 0, N, scratch, ranks, scores, NULL), KNEE_OK);
    knee__fault_inject(-1);
    CU_ASSERT_EQUAL(knee_compare_batch(rs, b, NULL, 0, N, scratch, ranks, scores, NULL), KNEE_OK);
    CU_ASSERT_EQUAL(knee__fault_inject(-1), 0);
    free(ranks);
    free(scores);
    knee_result_free(scratch);
    knee_batch_free(b);
}

static void test_arguments(void)
{
    knee_batch *b = NULL, *other_b = NULL;
    knee_ruleset *other = kt_load_data("mini.xml");
    int ranks[64];
    char *out = NULL;
    size_t offsets[2];
    CU_ASSERT_EQUAL(knee_batch_new(NULL, rs, 1), KNEE_EINVAL);
    CU_ASSERT_EQUAL(knee_batch_new(&b, NULL, 1), KNEE_EINVAL);
    CU_ASSERT_PTR_NULL(b);
    CU_ASSERT_EQUAL(knee_batch_new(&b, rs, (size_t)-1), KNEE_EINVAL);
    CU_ASSERT_EQUAL_FATAL(knee_batch_new(&b, rs, 2), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_batch_new(&other_b, other, 2), KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare_batch(NULL, b, NULL, 0, 1, NULL, ranks, NULL, NULL), KNEE_EINVAL);
    CU_ASSERT_EQUAL(knee_compare_batch(rs, NULL, NULL, 0, 1, NULL, ranks, NULL, NULL), KNEE_EINVAL);
    CU_ASSERT_EQUAL(knee_compare_batch(rs, other_b, NULL, 0, 1, NULL, ranks, NULL, NULL),
                    KNEE_EINVAL);
    CU_ASSERT_EQUAL(knee_compare_batch(rs, b, NULL, 1, 2, NULL, ranks, NULL, NULL), KNEE_ERANGE);
    CU_ASSERT_EQUAL(knee_compare_batch(rs, b, NULL, 3, 0, NULL, ranks, NULL, NULL), KNEE_ERANGE);
    CU_ASSERT_EQUAL(knee_compare_batch(rs, b, NULL, (size_t)-1, 2, NULL, ranks, NULL, NULL),
                    KNEE_ERANGE);
    CU_ASSERT_EQUAL(knee_compare_batch(rs, b, NULL, 2, 0, NULL, ranks, NULL, NULL), KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare_batch(rs, b, NULL, 0, 2, NULL, NULL, NULL, NULL), KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare_batch_json(rs, b, NULL, 0, 3, NULL, &out, NULL, offsets, NULL),
                    KNEE_ERANGE);
    CU_ASSERT_PTR_NULL(out);
    CU_ASSERT_EQUAL(knee_batch_row_status(NULL, 0), KNEE_EINVAL);
    CU_ASSERT_EQUAL(knee_batch_row_count(NULL), 0);
    CU_ASSERT_EQUAL(knee_batch_error_row(NULL), (size_t)-1);
    CU_ASSERT_PTR_NOT_NULL(knee_batch_errmsg(NULL));
    CU_ASSERT_EQUAL(knee_batch_set_numbers(NULL, "age", NULL, 0), KNEE_EINVAL);
    CU_ASSERT_EQUAL(knee_batch_set_numbers(b, NULL, NULL, 0), KNEE_EINVAL);
    CU_ASSERT_EQUAL(knee_batch_set_weight(NULL, "cost", 1), KNEE_EINVAL);
    knee_batch_free(NULL);
    knee_batch_free(other_b);
    knee_batch_free(b);
    knee_ruleset_free(other);
}

/* Every allocation of building a batch, setting its columns and comparing it may fail: the
 * call reports KNEE_ENOMEM, the batch is unchanged, and nothing leaks (valgrind). */
static void test_allocation_failures(void)
{
    long n, total;
    int found_end = 0;
    for (n = 0; n < 2000 && !found_end; n++) {
        knee_batch *b = NULL;
        char *out = NULL;
        size_t offsets[N + 1];
        int rc;
        knee__fault_inject(n);
        rc = knee_batch_new(&b, rs, N);
        if (rc == KNEE_OK) {
            int r1 = knee_batch_set_text(b, "prior", prior_text, KNEE_BATCH_MARK_ROW);
            int r2 = knee_batch_set_strings(b, "payer", payer, KNEE_BATCH_FAIL_COLUMN);
            int r3 = knee_batch_set_members(b, "prior", prior_starts, prior_members, prior_known,
                                            KNEE_BATCH_FAIL_COLUMN);
            int r4 = knee_batch_set_numbers(b, "age", age, KNEE_BATCH_FAIL_COLUMN);
            int r5 = knee_compare_batch_json(rs, b, NULL, 0, 3, NULL, &out, NULL, offsets, NULL);
            CU_ASSERT(r1 == KNEE_OK || r1 == KNEE_ENOMEM);
            CU_ASSERT(r2 == KNEE_OK || r2 == KNEE_ENOMEM);
            CU_ASSERT(r3 == KNEE_OK || r3 == KNEE_ENOMEM);
            CU_ASSERT(r4 == KNEE_OK || r4 == KNEE_ENOMEM);
            CU_ASSERT(r5 == KNEE_OK || r5 == KNEE_ENOMEM);
            CU_ASSERT((r5 == KNEE_OK) == (out != NULL));
            total = knee__fault_inject(-1);
            found_end = r1 == KNEE_OK && r2 == KNEE_OK && r3 == KNEE_OK && r4 == KNEE_OK &&
                        r5 == KNEE_OK && total <= n;
        } else {
            CU_ASSERT_EQUAL(rc, KNEE_ENOMEM);
            CU_ASSERT_PTR_NULL(b);
            knee__fault_inject(-1);
        }
        knee_free(out);
        knee_batch_free(b);
    }
    CU_ASSERT(found_end);
}

int main(void)
{
    CU_pSuite s;
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    s = CU_add_suite("batch", setup, teardown);
    CU_add_test(s, "equal to one patient at a time", test_equal_to_one_by_one);
    CU_add_test(s, "JSON rows", test_json_rows);
    CU_add_test(s, "a patient's weights for every row", test_copy_weights);
    CU_add_test(s, "bad cells by row and fact", test_bad_cells);
    CU_add_test(s, "each bad row's own reason", test_row_messages);
    CU_add_test(s, "a failed comparison per row", test_compare_failure);
    CU_add_test(s, "ranks, scores and their ranges", test_range_cells);
    CU_add_test(s, "threads on disjoint rows", test_threads);
    CU_add_test(s, "no allocation per patient", test_no_allocation_per_patient);
    CU_add_test(s, "argument errors", test_arguments);
    CU_add_test(s, "allocation failures", test_allocation_failures);
    return kt_run();
}
