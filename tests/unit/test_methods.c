/* test_methods.c - the decision analysis as the engine applies it: methods by choice, missing
 * value policies, weights from rankings and swing points, dominance, sensitivity, SMAA and
 * "why". Expected values are worked out by hand in the comments. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

/* Two options on two criteria: X is cheap with low evidence, Y dear with high evidence.
 * Utilities: X (cost %s, evidence 0), Y (cost %s, evidence 1); weights cost 60, evidence 40. */
static knee_ruleset *xy(const char *x_cost, const char *y_cost, const char *criterion_extra,
                        const char *cost_extra_child)
{
    static char doc[8192];
    knee_ruleset *rs = NULL;
    knee_diag *d = NULL;
    snprintf(doc, sizeof doc,
             "<ruleset xmlns='urn:libknee:rules:1' id='xy' version='1.0.0' status='draft' "
             "title='XY' evidence-as-of='2025-01-01'>"
             "<sources><source id='s' title='S' year='2020' url='https://e.org'/></sources>"
             "<facts><fact id='age' type='number'/></facts>"
             "<criteria>"
             "<criterion id='cost' label='Cost' direction='minimize' unit='USD' weight='60' "
             "%s><scale worst='1000' best='0'/>%s</criterion>"
             "<criterion id='evidence' label='Evidence' direction='maximize' weight='40'><level "
             "id='low'/><level id='high'/></criterion>"
             "</criteria>"
             "<treatment id='x' name='X'><value criterion='cost' %s source='s'/><value "
             "criterion='evidence' level='low' source='s'/></treatment>"
             "<treatment id='y' name='Y'><value criterion='cost' %s source='s'/><value "
             "criterion='evidence' level='high' source='s'/></treatment>"
             "</ruleset>",
             criterion_extra, cost_extra_child, x_cost, y_cost);
    if (knee_ruleset_load_memory(&rs, doc, strlen(doc), "xy.xml", NULL, &d) != KNEE_OK) {
        kt_dump(d);
        CU_FAIL("xy ruleset did not load");
    }
    knee_diag_free(d);
    return rs;
}

static knee_result *run(const knee_ruleset *rs, const knee_patient *p, int method, int sensitivity,
                        double fragile)
{
    knee_compare_options *o = NULL;
    knee_result *r = NULL;
    CU_ASSERT_EQUAL_FATAL(knee_compare_options_new(&o), KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare_options_set_method(o, method), KNEE_OK);
    if (sensitivity)
        CU_ASSERT_EQUAL(knee_compare_options_set_sensitivity(o, 1, fragile), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_result_new(&r), KNEE_OK);
    if (knee_compare_ex(rs, p, o, r) != KNEE_OK)
        fprintf(stderr, "\n  compare failed: %s\n", knee_result_errmsg(r));
    knee_compare_options_free(o);
    return r;
}

static void test_method_names(void)
{
    CU_ASSERT_STRING_EQUAL(knee_method_name(KNEE_METHOD_PROMETHEE2), "promethee2");
    CU_ASSERT_EQUAL(knee_method_from_name("vikor"), KNEE_METHOD_VIKOR);
    CU_ASSERT_EQUAL(knee_method_from_name("ahp"), KNEE_EINVAL);
    CU_ASSERT_PTR_NULL(knee_method_name(99));
}

/* X (1, 0) vs Y (0, 1), weights 0.6 / 0.4. */
static void test_methods_on_two_options(void)
{
    knee_ruleset *rs = xy("typical='0'", "typical='1000'", "", "");
    knee_result *r;
    double v;
    /* weighted sum: X 0.6, Y 0.4 */
    r = run(rs, NULL, KNEE_METHOD_WEIGHTED_SUM, 0, 0);
    CU_ASSERT_STRING_EQUAL(knee_result_method(r), "weighted-sum");
    CU_ASSERT_STRING_EQUAL(knee_result_option_id(r, 0), "x");
    CU_ASSERT_DOUBLE_EQUAL(knee_result_option_score(r, 0), 0.6, 1e-12);
    CU_ASSERT_EQUAL(knee_result_option_metric(r, 0, "closeness", &v), 0);
    knee_result_free(r);
    /* TOPSIS (vector): weighted normalised X (0.6, 0), Y (0, 0.4); ideal (0.6, 0.4), anti-ideal
       (0, 0): C_X = 0.6 / (0.4 + 0.6) = 0.6, C_Y = 0.4 */
    r = run(rs, NULL, KNEE_METHOD_TOPSIS, 0, 0);
    CU_ASSERT_STRING_EQUAL(knee_result_method(r), "topsis");
    CU_ASSERT_EQUAL(knee_result_option_metric(r, 0, "closeness", &v), 1);
    CU_ASSERT_DOUBLE_EQUAL(v, 0.6, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(knee_result_option_score(r, 1), 0.4, 1e-12);
    CU_ASSERT_EQUAL(knee_result_option_metric(r, 0, "weighted_sum", &v), 1);
    CU_ASSERT_DOUBLE_EQUAL(v, 0.6, 1e-12);
    knee_result_free(r);
    /* PROMETHEE II, usual criterion: pi(X,Y) = 0.6, pi(Y,X) = 0.4; n = 2: phi_net(X) = 0.2 */
    r = run(rs, NULL, KNEE_METHOD_PROMETHEE2, 0, 0);
    CU_ASSERT_EQUAL(knee_result_option_metric(r, 0, "phi_plus", &v), 1);
    CU_ASSERT_DOUBLE_EQUAL(v, 0.6, 1e-12);
    CU_ASSERT_EQUAL(knee_result_option_metric(r, 0, "phi_net", &v), 1);
    CU_ASSERT_DOUBLE_EQUAL(v, 0.2, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(knee_result_option_score(r, 1), -0.2, 1e-12);
    knee_result_free(r);
    /* VIKOR v = 0.5: S_X = R_X = 0.4, S_Y = R_Y = 0.6; Q_X = 0, Q_Y = 1; DQ = 1 and
       Q_Y - Q_X = 1 >= DQ, X best by S and R: the compromise set is {X} */
    r = run(rs, NULL, KNEE_METHOD_VIKOR, 0, 0);
    CU_ASSERT_EQUAL(knee_result_option_metric(r, 0, "S", &v), 1);
    CU_ASSERT_DOUBLE_EQUAL(v, 0.4, 1e-12);
    CU_ASSERT_EQUAL(knee_result_option_metric(r, 0, "Q", &v), 1);
    CU_ASSERT_DOUBLE_EQUAL(v, 0, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(knee_result_option_score(r, 0), 1, 1e-12);
    CU_ASSERT_EQUAL(knee_result_option_in_compromise(r, 0), 1);
    CU_ASSERT_EQUAL(knee_result_option_in_compromise(r, 1), 0);
    knee_result_free(r);
    knee_ruleset_free(rs);
}

/* A linear preference function with thresholds in the criterion's unit (USD): q = 100,
 * p = 600 on a 1000-wide scale are 0.1 and 0.6 in utility. X costs 400 (u 0.6), Y 700 (u 0.3):
 * d = 0.3 -> P = (0.3 - 0.1) / 0.5 = 0.4; pi(X,Y) = 0.6 * 0.4 = 0.24, pi(Y,X) = 0.4. */
static void test_promethee_preference_from_file(void)
{
    knee_ruleset *rs =
        xy("typical='400'", "typical='700'", "", "<preference function='linear' q='100' p='600'/>");
    knee_result *r = run(rs, NULL, KNEE_METHOD_PROMETHEE2, 0, 0);
    size_t x = kt_option(r, "x");
    double v;
    CU_ASSERT_EQUAL(knee_result_option_metric(r, x, "phi_plus", &v), 1);
    CU_ASSERT_DOUBLE_EQUAL(v, 0.24, 1e-12);
    CU_ASSERT_EQUAL(knee_result_option_metric(r, x, "phi_net", &v), 1);
    CU_ASSERT_DOUBLE_EQUAL(v, -0.16, 1e-12);
    CU_ASSERT_STRING_EQUAL(knee_result_option_id(r, 0), "y");
    knee_result_free(r);
    knee_ruleset_free(rs);
}

static void test_bad_preference_rejected(void)
{
    static const char *bad = "<preference function='linear' q='600' p='100'/>";
    char doc[4096];
    knee_ruleset *rs = NULL;
    knee_diag *d = NULL;
    snprintf(doc, sizeof doc,
             "<ruleset xmlns='urn:libknee:rules:1' id='b' version='1.0.0' status='draft' title='B' "
             "evidence-as-of='2025-01-01'>"
             "<sources><source id='s' title='S' year='2020' url='https://e.org'/></sources><facts/>"
             "<criteria><criterion id='c' label='C' direction='minimize' weight='1'><scale "
             "worst='10' best='0'/>%s</criterion></criteria>"
             "<treatment id='x' name='X'><value criterion='c' typical='1' "
             "source='s'/></treatment></ruleset>",
             bad);
    CU_ASSERT_EQUAL(knee_ruleset_load_memory(&rs, doc, strlen(doc), "b.xml", NULL, &d),
                    KNEE_EINVALID);
    CU_ASSERT(kt_has_diag(d, "preference", 1, 0));
    knee_diag_free(d);
}

/* Each missing policy on X's unknown cost (Y: cost 1000 -> u 0, evidence high -> u 1). */
static void test_missing_policies(void)
{
    knee_ruleset *rs;
    knee_result *r;
    size_t x;
    char *json = NULL;
    double lo, hi;
    /* interval, the default: the full weight over utilities 0 to 1, at the middle: 0.3, range
       0 to 0.6 */
    rs = xy("unknown='true'", "typical='1000'", "", "");
    r = run(rs, NULL, KNEE_METHOD_WEIGHTED_SUM, 0, 0);
    x = kt_option(r, "x");
    CU_ASSERT_DOUBLE_EQUAL(knee_result_option_score(r, x), 0.3, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(knee_result_cell_weight(r, x, 0), 0.6, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(knee_result_utility(r, x, 0), 0.5, 1e-12);
    CU_ASSERT_EQUAL(knee_result_option_score_range(r, x, &lo, &hi), 1);
    CU_ASSERT_DOUBLE_EQUAL(lo, 0, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(hi, 0.6, 1e-12);
    CU_ASSERT_EQUAL(knee_result_to_json(r, &json, NULL), KNEE_OK);
    CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"known\":false,\"value\":null"));
    CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"missing\":\"interval\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"missing_policy\":\"interval\""));
    knee_free(json);
    knee_result_free(r);
    knee_ruleset_free(rs);
    /* renormalise: X is scored on evidence alone: 0 */
    rs = xy("unknown='true'", "typical='1000'", "missing='renormalise'", "");
    r = run(rs, NULL, KNEE_METHOD_WEIGHTED_SUM, 0, 0);
    x = kt_option(r, "x");
    CU_ASSERT_DOUBLE_EQUAL(knee_result_option_score(r, x), 0, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(knee_result_cell_weight(r, x, 1), 1, 1e-12);
    CU_ASSERT_EQUAL(knee_result_option_score_range(r, x, &lo, &hi), 1); /* no range */
    CU_ASSERT_DOUBLE_EQUAL(lo, 0, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(hi, 0, 1e-12);
    CU_ASSERT_EQUAL(knee_result_to_json(r, &json, NULL), KNEE_OK);
    CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"missing\":\"renormalise\""));
    knee_free(json);
    knee_result_free(r);
    knee_ruleset_free(rs);
    /* best: utility 1 with the full weight: 0.6 */
    rs = xy("unknown='true'", "typical='1000'", "missing='best'", "");
    r = run(rs, NULL, KNEE_METHOD_WEIGHTED_SUM, 0, 0);
    x = kt_option(r, "x");
    CU_ASSERT_DOUBLE_EQUAL(knee_result_option_score(r, x), 0.6, 1e-12);
    CU_ASSERT_EQUAL(knee_result_to_json(r, &json, NULL), KNEE_OK);
    CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"missing\":\"best\""));
    knee_free(json);
    knee_result_free(r);
    knee_ruleset_free(rs);
    /* worst: utility 0 with the full weight: 0 */
    rs = xy("unknown='true'", "typical='1000'", "missing='worst'", "");
    r = run(rs, NULL, KNEE_METHOD_WEIGHTED_SUM, 0, 0);
    x = kt_option(r, "x");
    CU_ASSERT_DOUBLE_EQUAL(knee_result_option_score(r, x), 0, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(knee_result_cell_weight(r, x, 0), 0.6, 1e-12);
    knee_result_free(r);
    knee_ruleset_free(rs);
    /* refuse: X excluded, with a reason naming the criterion */
    rs = xy("unknown='true'", "typical='1000'", "missing='refuse'", "");
    r = run(rs, NULL, KNEE_METHOD_WEIGHTED_SUM, 0, 0);
    x = kt_option(r, "x");
    CU_ASSERT_EQUAL(knee_result_option_excluded(r, x), 1);
    CU_ASSERT_EQUAL_FATAL(knee_result_reason_count(r, x), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(knee_result_reason_text(r, x, 0), "No sourced value for Cost"));
    CU_ASSERT_PTR_NULL(knee_result_reason_rule(r, x, 0));
    CU_ASSERT_EQUAL(knee_result_option_rank(r, kt_option(r, "y")), 1);
    knee_result_free(r);
    knee_ruleset_free(rs);
}

static void test_missing_policy_conflict(void)
{
    knee_ruleset *rs = NULL;
    knee_diag *d = NULL;
    const char *doc =
        "<ruleset xmlns='urn:libknee:rules:1' id='b' version='1.0.0' status='draft' title='B' "
        "evidence-as-of='2025-01-01'>"
        "<sources><source id='s' title='S' year='2020' url='https://e.org'/></sources><facts/>"
        "<criteria><criterion id='c' label='C' direction='minimize' weight='1' missing='worst' "
        "missing-utility='0.5'>"
        "<scale worst='10' best='0'/></criterion></criteria>"
        "<treatment id='x' name='X'><value criterion='c' typical='1' "
        "source='s'/></treatment></ruleset>";
    CU_ASSERT_EQUAL(knee_ruleset_load_memory(&rs, doc, strlen(doc), "b.xml", NULL, &d),
                    KNEE_EINVALID);
    CU_ASSERT(kt_has_diag(d, "missing-policy", 1, 0));
    knee_diag_free(d);
}

/* Rank-order centroid for 3 criteria: 11/18, 5/18, 2/18; rank sum: 3/6, 2/6, 1/6. */
static void test_weights_from_rankings(void)
{
    knee_ruleset *rs = kt_load_data("mini.xml");
    knee_patient *p = NULL;
    knee_result *r = NULL;
    const char *order[] = {"evidence", "recovery", "cost"};
    const char *one[] = {"evidence"};
    const char *twice[] = {"cost", "cost"};
    const char *unknown[] = {"price"};
    CU_ASSERT_EQUAL_FATAL(knee_patient_new(&p, rs), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_result_new(&r), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_rank_criteria(p, order, 3, KNEE_RANKING_ROC), KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare(rs, p, r), KNEE_OK);
    CU_ASSERT_DOUBLE_EQUAL(knee_result_weight(r, 2), 11.0 / 18, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(knee_result_weight(r, 0), 5.0 / 18, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(knee_result_weight(r, 1), 2.0 / 18, 1e-12);
    CU_ASSERT_EQUAL(knee_patient_rank_criteria(p, order, 3, KNEE_RANKING_RANK_SUM), KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare(rs, p, r), KNEE_OK);
    CU_ASSERT_DOUBLE_EQUAL(knee_result_weight(r, 2), 0.5, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(knee_result_weight(r, 1), 1.0 / 6, 1e-12);
    /* only one ranked: the other two share places 2 and 3 equally: (5/18 + 2/18) / 2 each */
    CU_ASSERT_EQUAL(knee_patient_rank_criteria(p, one, 1, KNEE_RANKING_ROC), KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare(rs, p, r), KNEE_OK);
    CU_ASSERT_DOUBLE_EQUAL(knee_result_weight(r, 2), 11.0 / 18, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(knee_result_weight(r, 0), 7.0 / 36, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(knee_result_weight(r, 1), 7.0 / 36, 1e-12);
    /* errors leave the weights as they were */
    CU_ASSERT_EQUAL(knee_patient_rank_criteria(p, twice, 2, KNEE_RANKING_ROC), KNEE_EINVAL);
    CU_ASSERT_EQUAL(knee_patient_rank_criteria(p, unknown, 1, KNEE_RANKING_ROC), KNEE_EUNKNOWN);
    CU_ASSERT_EQUAL(knee_patient_rank_criteria(p, order, 3, 7), KNEE_EINVAL);
    CU_ASSERT_EQUAL(knee_compare(rs, p, r), KNEE_OK);
    CU_ASSERT_DOUBLE_EQUAL(knee_result_weight(r, 2), 11.0 / 18, 1e-12);
    /* swing points: 0-100 */
    CU_ASSERT_EQUAL(knee_patient_set_swing(p, "cost", 100), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_swing(p, "cost", 101), KNEE_EWEIGHT);
    CU_ASSERT_EQUAL(knee_patient_set_swing(p, "cost", -1), KNEE_EWEIGHT);
    knee_result_free(r);
    knee_patient_free(p);
    knee_ruleset_free(rs);
}

/* mini.xml, no patient: A (1, 0.9, 1) is at least as good as B and E (0.5, 0.5, 0.5) and C
 * (0, 0, 0) everywhere; B and E are equal (no strict gain: no dominance). D (1, unknown, 1):
 * whatever its cost is, it is at least C's (utility 0) and better on the rest, so D dominates
 * C; it dominates nothing else (its cost may be 0) and nothing dominates it (its cost may be
 * 1), whatever the missing policy (mini.xml's is renormalise). Dominators are listed in result
 * order: D, A, then B and E tied. */
static void test_dominance(void)
{
    knee_ruleset *rs = kt_load_data("mini.xml");
    knee_result *r = run(rs, NULL, KNEE_METHOD_WEIGHTED_SUM, 0, 0);
    size_t c = kt_option(r, "c"), b = kt_option(r, "b"), a = kt_option(r, "a"),
           d = kt_option(r, "d");
    char *json = NULL;
    CU_ASSERT_EQUAL(knee_result_dominator_count(r, c), 4);
    CU_ASSERT_STRING_EQUAL(knee_result_dominator(r, c, 0), "d");
    CU_ASSERT_STRING_EQUAL(knee_result_dominator(r, c, 1), "a");
    CU_ASSERT_STRING_EQUAL(knee_result_dominator(r, c, 3), "e");
    CU_ASSERT_EQUAL(knee_result_dominator_count(r, b), 1);
    CU_ASSERT_STRING_EQUAL(knee_result_dominator(r, b, 0), "a");
    CU_ASSERT_EQUAL(knee_result_dominator_count(r, a), 0);
    CU_ASSERT_EQUAL(knee_result_dominator_count(r, d), 0);
    CU_ASSERT_EQUAL(knee_result_to_json(r, &json, NULL), KNEE_OK);
    CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"dominated_by\":[\"d\",\"a\",\"b\",\"e\"]"));
    knee_free(json);
    knee_result_free(r);
    knee_ruleset_free(rs);
}

/* X = w_cost, Y = 1 - w_cost: X stays first while the cost weight is above 0.5 (and the
 * evidence weight below 0.5). The smallest change is 0.1 either way; cost comes first. */
static void test_sensitivity(void)
{
    knee_ruleset *rs = xy("typical='0'", "typical='1000'", "", "");
    knee_result *r = run(rs, NULL, KNEE_METHOD_WEIGHTED_SUM, 1, 0.05);
    double lo, hi, delta;
    size_t c, w;
    char *json = NULL;
    CU_ASSERT_EQUAL_FATAL(knee_result_has_sensitivity(r), 1);
    CU_ASSERT_EQUAL(knee_result_sensitivity_interval(r, 0, &lo, &hi), KNEE_OK);
    CU_ASSERT_DOUBLE_EQUAL(lo, 0.5, 1e-6);
    CU_ASSERT_DOUBLE_EQUAL(hi, 1.0, 0);
    CU_ASSERT_EQUAL(knee_result_sensitivity_interval(r, 1, &lo, &hi), KNEE_OK);
    CU_ASSERT_DOUBLE_EQUAL(lo, 0, 0);
    CU_ASSERT_DOUBLE_EQUAL(hi, 0.5, 1e-6);
    CU_ASSERT_EQUAL(knee_result_min_weight_change(r, &c, &delta, &w), 1);
    CU_ASSERT_EQUAL(c, 0);
    CU_ASSERT_DOUBLE_EQUAL(delta, -0.1, 1e-6);
    CU_ASSERT_STRING_EQUAL(knee_result_option_id(r, w), "y");
    CU_ASSERT_DOUBLE_EQUAL(knee_result_winner_margin(r), 0.2, 1e-12);
    CU_ASSERT_EQUAL(knee_result_winner_fragile(r), 0);
    CU_ASSERT_EQUAL(knee_result_to_json(r, &json, NULL), KNEE_OK);
    CU_ASSERT_PTR_NOT_NULL(
        strstr(json, "\"sensitivity\":{\"winner\":\"x\",\"margin\":0.19999999999999996,"
                     "\"fragile\":false")); /* 0.6 - 0.4 in binary */
    CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"smallest_change\":{\"criterion\":\"cost\""));
    knee_free(json);
    knee_result_free(r);
    /* the same under TOPSIS: C_X = 0.6 > C_Y = 0.4, and with one weight per criterion the
       switch is where the weights meet too */
    r = run(rs, NULL, KNEE_METHOD_TOPSIS, 1, 0.25);
    CU_ASSERT_EQUAL(knee_result_sensitivity_interval(r, 0, &lo, &hi), KNEE_OK);
    CU_ASSERT_DOUBLE_EQUAL(lo, 0.5, 1e-6);
    CU_ASSERT_EQUAL(knee_result_winner_fragile(r), 1); /* margin 0.2 < 0.25 */
    knee_result_free(r);
    r = run(rs, NULL, KNEE_METHOD_WEIGHTED_SUM, 0, 0);
    CU_ASSERT_EQUAL(knee_result_has_sensitivity(r), 0);
    CU_ASSERT_EQUAL(knee_result_sensitivity_interval(r, 0, &lo, &hi), KNEE_ERANGE);
    knee_result_free(r);
    knee_ruleset_free(rs);
}

static void test_why(void)
{
    knee_ruleset *rs = xy("typical='0'", "typical='1000'", "", "");
    knee_result *r = run(rs, NULL, KNEE_METHOD_WEIGHTED_SUM, 0, 0);
    char *json = NULL;
    CU_ASSERT_EQUAL(knee_result_why(r, 0, 1, &json), KNEE_OK);
    CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"a\":\"x\",\"b\":\"y\",\"rank_a\":1,\"rank_b\":2"));
    CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"for\":[{\"criterion\":\"cost\",\"difference\":0.6,"));
    CU_ASSERT_PTR_NOT_NULL(
        strstr(json, "\"against\":[{\"criterion\":\"evidence\",\"difference\":-0.4,"));
    knee_free(json);
    CU_ASSERT_EQUAL(knee_result_why(r, 0, 5, &json), KNEE_EINVAL);
    CU_ASSERT_PTR_NULL(json);
    knee_result_free(r);
    knee_ruleset_free(rs);
}

/* SMAA-2 through the engine: a dominant option is first in every sample; the same seed gives
 * the same figures; the seed and sample count are echoed. */
static void test_smaa(void)
{
    knee_ruleset *rs = kt_load_data("mini.xml");
    knee_compare_options *o = NULL;
    knee_result *r1 = NULL, *r2 = NULL;
    char *j1 = NULL, *j2 = NULL;
    size_t i, rank, n;
    CU_ASSERT_EQUAL_FATAL(knee_compare_options_new(&o), KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare_options_set_smaa(o, 2000, 42, 0), KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare_options_set_smaa(o, 20000000, 42, 0), KNEE_EINVAL);
    CU_ASSERT_EQUAL_FATAL(knee_result_new(&r1), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_result_new(&r2), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_compare_ex(rs, NULL, o, r1), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_compare_ex(rs, NULL, o, r2), KNEE_OK);
    CU_ASSERT_EQUAL(knee_result_smaa_samples(r1), 2000);
    CU_ASSERT_EQUAL(knee_result_smaa_seed(r1), 42);
    n = knee_result_option_count(r1);
    for (i = 0; i < n; i++) {
        double sum = 0;
        for (rank = 1; rank <= n; rank++)
            sum += knee_result_rank_acceptability(r1, i, rank);
        CU_ASSERT_DOUBLE_EQUAL(sum, 1.0, 1e-9);
    }
    /* A dominates B, C and E: they never rank first */
    CU_ASSERT_DOUBLE_EQUAL(knee_result_rank_acceptability(r1, kt_option(r1, "c"), 1), 0, 0);
    CU_ASSERT_DOUBLE_EQUAL(knee_result_rank_acceptability(r1, kt_option(r1, "c"), 5), 1, 1e-12);
    CU_ASSERT(isnan(knee_result_confidence(r1, kt_option(r1, "b"))));
    CU_ASSERT_EQUAL(knee_result_to_json(r1, &j1, NULL), KNEE_OK);
    CU_ASSERT_EQUAL(knee_result_to_json(r2, &j2, NULL), KNEE_OK);
    CU_ASSERT_STRING_EQUAL(j1, j2);
    CU_ASSERT_PTR_NOT_NULL(strstr(j1, "\"smaa\":{\"samples\":2000,\"seed\":42,"));
    knee_free(j1);
    knee_free(j2);
    /* without SMAA the figures are absent */
    CU_ASSERT_EQUAL(knee_compare(rs, NULL, r2), KNEE_OK);
    CU_ASSERT_EQUAL(knee_result_smaa_samples(r2), 0);
    CU_ASSERT(isnan(knee_result_rank_acceptability(r2, 0, 1)));
    knee_result_free(r1);
    knee_result_free(r2);
    knee_compare_options_free(o);
    knee_ruleset_free(rs);
}

static void test_options_validation(void)
{
    knee_compare_options *o = NULL;
    CU_ASSERT_EQUAL_FATAL(knee_compare_options_new(&o), KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare_options_set_method(o, 42), KNEE_EINVAL);
    CU_ASSERT_EQUAL(knee_compare_options_set_vikor_v(o, 1.5), KNEE_EINVAL);
    CU_ASSERT_EQUAL(knee_compare_options_set_vikor_v(o, NAN), KNEE_EINVAL);
    CU_ASSERT_EQUAL(knee_compare_options_set_smaa(o, 10, 1, 2.0), KNEE_EINVAL);
    CU_ASSERT_EQUAL(knee_compare_options_set_sensitivity(o, 1, -1), KNEE_EINVAL);
    CU_ASSERT_EQUAL(knee_compare_options_set_method(NULL, 1), KNEE_EINVAL);
    knee_compare_options_free(o);
    knee_compare_options_free(NULL);
}

/* Compares mini.xml under o; returns the result's JSON (caller frees with knee_free). */
static char *mini_json(const knee_ruleset *rs, const knee_compare_options *o, knee_result *r)
{
    char *j = NULL;
    CU_ASSERT_EQUAL_FATAL(knee_compare_ex(rs, NULL, o, r), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_result_to_json(r, &j, NULL), KNEE_OK);
    return j;
}

/* Every refused argument returns KNEE_EINVAL and leaves the options as they were: the same
 * comparison, byte for byte, before and after. Each setting is shown to change the JSON, so a
 * refused call that still stored its value would be seen. */
static void test_options_refused_leave_unchanged(void)
{
    knee_ruleset *rs = kt_load_data("mini.xml");
    knee_compare_options *o = NULL;
    knee_result *r = NULL;
    char *before, *after, *other;
    int bad_methods[] = {-1, KNEE_METHOD_TOPSIS_UTILITY + 1, 42, -2147483647 - 1};
    double bad_unit[] = {-0.01, 1.0000001, NAN, INFINITY, -INFINITY, -1e-300};
    double bad_margin[] = {-0.01, -1e-300, NAN, INFINITY, -INFINITY};
    size_t i;

    CU_ASSERT_EQUAL(knee_compare_options_new(NULL), KNEE_EINVAL);
    CU_ASSERT_EQUAL_FATAL(knee_compare_options_new(&o), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_result_new(&r), KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare_options_set_method(o, KNEE_METHOD_VIKOR), KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare_options_set_vikor_v(o, 0.3), KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare_options_set_smaa(o, 200, 7, 0.2), KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare_options_set_sensitivity(o, 1, 0.9), KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare_options_set_dominance(o, KNEE_DOMINANCE_OFF), KNEE_OK);
    before = mini_json(rs, o, r);

    for (i = 0; i < sizeof bad_methods / sizeof *bad_methods; i++)
        CU_ASSERT_EQUAL(knee_compare_options_set_method(o, bad_methods[i]), KNEE_EINVAL);
    for (i = 0; i < sizeof bad_unit / sizeof *bad_unit; i++) {
        CU_ASSERT_EQUAL(knee_compare_options_set_vikor_v(o, bad_unit[i]), KNEE_EINVAL);
        CU_ASSERT_EQUAL(knee_compare_options_set_smaa(o, 300, 99, bad_unit[i]), KNEE_EINVAL);
    }
    CU_ASSERT_EQUAL(knee_compare_options_set_smaa(o, 10000001u, 99, 0.5), KNEE_EINVAL);
    CU_ASSERT_EQUAL(knee_compare_options_set_smaa(o, UINT64_MAX, 99, 0.5), KNEE_EINVAL);
    for (i = 0; i < sizeof bad_margin / sizeof *bad_margin; i++)
        CU_ASSERT_EQUAL(knee_compare_options_set_sensitivity(o, 0, bad_margin[i]), KNEE_EINVAL);
    CU_ASSERT_EQUAL(knee_compare_options_set_dominance(o, -1), KNEE_EINVAL);
    CU_ASSERT_EQUAL(knee_compare_options_set_dominance(o, 3), KNEE_EINVAL);

    after = mini_json(rs, o, r);
    CU_ASSERT_STRING_EQUAL(after, before);
    CU_ASSERT_STRING_EQUAL(knee_result_method(r), "vikor");
    CU_ASSERT_EQUAL(knee_result_smaa_samples(r), 200);
    CU_ASSERT_EQUAL(knee_result_smaa_seed(r), 7);
    CU_ASSERT_EQUAL(knee_result_has_sensitivity(r), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(after, "\"fragile_margin\":0.9")); /* still in force */
    CU_ASSERT_EQUAL(knee_result_has_dominance(r), 0);
    knee_free(after);

    /* NULL options: every setter refuses. */
    CU_ASSERT_EQUAL(knee_compare_options_set_method(NULL, KNEE_METHOD_TOPSIS), KNEE_EINVAL);
    CU_ASSERT_EQUAL(knee_compare_options_set_vikor_v(NULL, 0.5), KNEE_EINVAL);
    CU_ASSERT_EQUAL(knee_compare_options_set_smaa(NULL, 10, 1, 0), KNEE_EINVAL);
    CU_ASSERT_EQUAL(knee_compare_options_set_sensitivity(NULL, 1, 0.05), KNEE_EINVAL);
    CU_ASSERT_EQUAL(knee_compare_options_set_dominance(NULL, KNEE_DOMINANCE_ON), KNEE_EINVAL);

    /* Each setting reaches the result, so the comparison above would have seen a change. */
    CU_ASSERT_EQUAL(knee_compare_options_set_vikor_v(o, 1), KNEE_OK); /* edges accepted */
    other = mini_json(rs, o, r);
    CU_ASSERT(strcmp(other, before) != 0);
    knee_free(other);
    CU_ASSERT_EQUAL(knee_compare_options_set_vikor_v(o, 0), KNEE_OK);
    other = mini_json(rs, o, r);
    CU_ASSERT(strcmp(other, before) != 0);
    knee_free(other);
    CU_ASSERT_EQUAL(knee_compare_options_set_vikor_v(o, 0.3), KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare_options_set_smaa(o, 200, 7, 1), KNEE_OK);
    other = mini_json(rs, o, r);
    CU_ASSERT(strcmp(other, before) != 0);
    knee_free(other);
    CU_ASSERT_EQUAL(knee_compare_options_set_smaa(o, 200, 7, 0), KNEE_OK);
    other = mini_json(rs, o, r);
    CU_ASSERT(strcmp(other, before) != 0);
    knee_free(other);
    CU_ASSERT_EQUAL(knee_compare_options_set_smaa(o, 200, 7, 0.2), KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare_options_set_sensitivity(o, 1, 0), KNEE_OK);
    knee_free(mini_json(rs, o, r));
    CU_ASSERT_EQUAL(knee_result_winner_fragile(r), 0);
    CU_ASSERT_EQUAL(knee_compare_options_set_sensitivity(o, 0, 0.9), KNEE_OK);
    knee_free(mini_json(rs, o, r));
    CU_ASSERT_EQUAL(knee_result_has_sensitivity(r), 0);
    CU_ASSERT_EQUAL(knee_compare_options_set_dominance(o, KNEE_DOMINANCE_ON), KNEE_OK);
    knee_free(mini_json(rs, o, r));
    CU_ASSERT_EQUAL(knee_result_has_dominance(r), 1);
    CU_ASSERT_EQUAL(knee_compare_options_set_method(o, KNEE_METHOD_DEFAULT), KNEE_OK);
    knee_free(mini_json(rs, o, r));
    CU_ASSERT_STRING_EQUAL(knee_result_method(r), "weighted-sum");
    /* The largest SMAA sample count is accepted (not run here); 0 turns SMAA off. */
    CU_ASSERT_EQUAL(knee_compare_options_set_smaa(o, 10000000u, 1, 0), KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare_options_set_smaa(o, 0, 1, 0), KNEE_OK);
    knee_free(mini_json(rs, o, r));
    CU_ASSERT_EQUAL(knee_result_smaa_samples(r), 0);

    /* Method names: only the exact lower-case names, and no name for 0 or out of range. */
    for (i = 1; i <= KNEE_METHOD_VIKOR; i++)
        CU_ASSERT_EQUAL(knee_method_from_name(knee_method_name((int)i)), (int)i);
    CU_ASSERT_PTR_NULL(knee_method_name(KNEE_METHOD_DEFAULT));
    CU_ASSERT_PTR_NULL(knee_method_name(-1));
    CU_ASSERT_PTR_NULL(knee_method_name(KNEE_METHOD_TOPSIS_UTILITY + 1));
    CU_ASSERT_EQUAL(knee_method_from_name(NULL), KNEE_EINVAL);
    CU_ASSERT_EQUAL(knee_method_from_name(""), KNEE_EINVAL);
    CU_ASSERT_EQUAL(knee_method_from_name("VIKOR"), KNEE_EINVAL);
    CU_ASSERT_EQUAL(knee_method_from_name("topsis "), KNEE_EINVAL);

    knee_free(before);
    knee_result_free(r);
    knee_compare_options_free(o);
    knee_ruleset_free(rs);
}

/* ---- TOPSIS on values in their units (docs/methods.md) --------------------------------------- */

/* Hwang & Yoon (1981)'s aircraft as a rule file: the book's closeness values to its 3 printed
 * decimals (C(A3) prints 0.613 for 0.61354, the book's rounding slip, tests/unit/test_mcda.c). */
static void test_topsis_textbook_from_rule_file(void)
{
    static const char *const ids[4] = {"a1", "a2", "a3", "a4"};
    static const double book[4] = {0.643, 0.268, 0.613, 0.312};
    knee_ruleset *rs = kt_load_data("hwang-yoon-1981.xml");
    knee_result *r = run(rs, NULL, KNEE_METHOD_TOPSIS, 0, 0);
    double c;
    int i;
    for (i = 0; i < 4; i++) {
        size_t k = kt_option(r, ids[i]);
        CU_ASSERT_EQUAL(knee_result_option_metric(r, k, "closeness", &c), 1);
        CU_ASSERT(fabs(c - book[i]) <= 0.0005 + (i == 2 ? 0.00005 : 0));
    }
    CU_ASSERT_STRING_EQUAL(knee_result_option_id(r, 0), "a1");
    CU_ASSERT_STRING_EQUAL(knee_result_option_id(r, 3), "a2");
    knee_result_free(r);
    /* the 0.2 variant normalises the utilities: A4 0.3155, not the book's 0.312 */
    r = run(rs, NULL, KNEE_METHOD_TOPSIS_UTILITY, 0, 0);
    CU_ASSERT_STRING_EQUAL(knee_result_method(r), "topsis-utility");
    CU_ASSERT_EQUAL(knee_result_option_metric(r, kt_option(r, "a4"), "closeness", &c), 1);
    CU_ASSERT_DOUBLE_EQUAL(c, 0.3155, 0.0001);
    knee_result_free(r);
    knee_ruleset_free(rs);
}

/* X costs 1000 with low evidence, Y 6000 with high; weights 60 / 40. On the values: cost column
 * (1000, 6000) / 6083 = (0.164, 0.986); C_X = 0.4932 / (0.4 + 0.4932) = 0.552 wherever the cost
 * scale's worst is. On the utilities (topsis-utility), worst 7000 gives u = (0.857, 0.143) and X
 * wins; worst 70000 gives u = (0.986, 0.914), almost equal after normalisation, and Y wins. */
/* The winner's id (copied) and the scores of X and Y for the cost scale's worst bound. */
static void cost_worst(const char *worst, int method, char *winner, double *sx, double *sy)
{
    char doc[2048];
    knee_ruleset *rs = NULL;
    knee_result *r;
    snprintf(doc, sizeof doc,
             "<ruleset xmlns='urn:libknee:rules:1' id='w' version='1.0.0' status='draft' title='W' "
             "evidence-as-of='2025-01-01'>"
             "<sources><source id='s' title='S' year='2020' url='https://e.org'/></sources><facts/>"
             "<criteria>"
             "<criterion id='cost' label='Cost' direction='minimize' weight='60'><scale worst='%s' "
             "best='0'/></criterion>"
             "<criterion id='evidence' label='Evidence' direction='maximize' weight='40'><level "
             "id='low'/><level id='high'/></criterion>"
             "</criteria>"
             "<treatment id='x' name='X'><value criterion='cost' typical='1000' source='s'/><value "
             "criterion='evidence' level='low' source='s'/></treatment>"
             "<treatment id='y' name='Y'><value criterion='cost' typical='6000' source='s'/><value "
             "criterion='evidence' level='high' source='s'/></treatment>"
             "</ruleset>",
             worst);
    CU_ASSERT_EQUAL_FATAL(knee_ruleset_load_memory(&rs, doc, strlen(doc), "w.xml", NULL, NULL),
                          KNEE_OK);
    r = run(rs, NULL, method, 0, 0);
    snprintf(winner, 8, "%s", knee_result_option_id(r, 0));
    *sx = knee_result_option_score(r, kt_option(r, "x"));
    *sy = knee_result_option_score(r, kt_option(r, "y"));
    knee_result_free(r);
    knee_ruleset_free(rs);
}

static void test_topsis_ignores_scale_bounds(void)
{
    char w7[8], w70[8];
    double x7, y7, x70, y70;
    cost_worst("7000", KNEE_METHOD_TOPSIS, w7, &x7, &y7);
    cost_worst("70000", KNEE_METHOD_TOPSIS, w70, &x70, &y70);
    CU_ASSERT_DOUBLE_EQUAL(x7, 0.5522, 0.0001);
    CU_ASSERT_EQUAL(x7, x70);
    CU_ASSERT_EQUAL(y7, y70);
    CU_ASSERT_STRING_EQUAL(w7, "x");
    CU_ASSERT_STRING_EQUAL(w70, "x");
    /* the utility variant's winner flips with the bound */
    cost_worst("7000", KNEE_METHOD_TOPSIS_UTILITY, w7, &x7, &y7);
    cost_worst("70000", KNEE_METHOD_TOPSIS_UTILITY, w70, &x70, &y70);
    CU_ASSERT_STRING_EQUAL(w7, "x");
    CU_ASSERT_STRING_EQUAL(w70, "y");
}

/* An unknown value scored by a missing policy enters TOPSIS as the value with that utility:
 * missing-utility 0.25 on a 1000-to-0 cost scale is 750, the same as a known 750. */
static void test_topsis_unknown_value(void)
{
    knee_ruleset *rs = xy("unknown='true'", "typical='750'", "missing-utility='0.25'", "");
    knee_ruleset *same = xy("typical='750'", "typical='750'", "", "");
    knee_result *r = run(rs, NULL, KNEE_METHOD_TOPSIS, 0, 0),
                *k = run(same, NULL, KNEE_METHOD_TOPSIS, 0, 0);
    CU_ASSERT_DOUBLE_EQUAL(knee_result_option_score(r, kt_option(r, "x")),
                           knee_result_option_score(k, kt_option(k, "x")), 1e-12);
    knee_result_free(r);
    knee_result_free(k);
    knee_ruleset_free(rs);
    knee_ruleset_free(same);
    /* the default interval policy: the middle of the whole scale, 500, as a known 500 */
    rs = xy("unknown='true'", "typical='750'", "", "");
    same = xy("typical='500'", "typical='750'", "", "");
    r = run(rs, NULL, KNEE_METHOD_TOPSIS, 0, 0);
    k = run(same, NULL, KNEE_METHOD_TOPSIS, 0, 0);
    CU_ASSERT_DOUBLE_EQUAL(knee_result_option_score(r, kt_option(r, "x")),
                           knee_result_option_score(k, kt_option(k, "x")), 1e-12);
    knee_result_free(r);
    knee_result_free(k);
    knee_ruleset_free(rs);
    knee_ruleset_free(same);
    /* left out (renormalise): X is scored on evidence alone, where it is the anti-ideal: C = 0 */
    rs = xy("unknown='true'", "typical='750'", "missing='renormalise'", "");
    r = run(rs, NULL, KNEE_METHOD_TOPSIS, 0, 0);
    CU_ASSERT_DOUBLE_EQUAL(knee_result_option_score(r, kt_option(r, "x")), 0, 1e-12);
    knee_result_free(r);
    knee_ruleset_free(rs);
}

int main(void)
{
    CU_pSuite s;
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    s = CU_add_suite("methods", NULL, NULL);
    CU_add_test(s, "method names", test_method_names);
    CU_add_test(s, "each method on two options", test_methods_on_two_options);
    CU_add_test(s, "PROMETHEE preference function from the file",
                test_promethee_preference_from_file);
    CU_add_test(s, "bad preference thresholds", test_bad_preference_rejected);
    CU_add_test(s, "missing-value policies", test_missing_policies);
    CU_add_test(s, "missing= with missing-utility=", test_missing_policy_conflict);
    CU_add_test(s, "weights from rankings and swing points", test_weights_from_rankings);
    CU_add_test(s, "dominance", test_dominance);
    CU_add_test(s, "sensitivity", test_sensitivity);
    CU_add_test(s, "why A vs B", test_why);
    CU_add_test(s, "SMAA-2 through the engine", test_smaa);
    CU_add_test(s, "options validation", test_options_validation);
    CU_add_test(s, "refused options leave the options unchanged",
                test_options_refused_leave_unchanged);
    CU_add_test(s, "TOPSIS: Hwang & Yoon 1981 from a rule file",
                test_topsis_textbook_from_rule_file);
    CU_add_test(s, "TOPSIS does not depend on the scale's bounds",
                test_topsis_ignores_scale_bounds);
    CU_add_test(s, "TOPSIS: an unknown value scored by a policy", test_topsis_unknown_value);
    return kt_run();
}
