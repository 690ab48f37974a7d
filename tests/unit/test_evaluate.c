/* test_evaluate.c - scoring worked out by hand on tests/data/mini.xml (weights 1:1:2 ->
 * 0.25, 0.25, 0.5; linear utilities on the declared scales; ordinal levels at 0, 0.5, 1). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "support.h"

static knee_ruleset *rs;

static int setup(void)
{
    rs = kt_load_data("mini.xml");
    return 0;
}

static int teardown(void)
{
    knee_ruleset_free(rs);
    return 0;
}

static void test_no_patient_scores(void)
{
    knee_result *r = NULL;
    size_t a, b, d;
    CU_ASSERT_EQUAL_FATAL(knee_result_new(&r), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_compare(rs, NULL, r), KNEE_OK);
    CU_ASSERT_STRING_EQUAL(knee_result_method(r), "weighted-sum");
    CU_ASSERT_EQUAL(knee_result_option_count(r), 5);
    CU_ASSERT_DOUBLE_EQUAL(knee_result_weight(r, 0), 0.25, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(knee_result_weight(r, 2), 0.5, 1e-15);
    /* A: recovery 0 -> 1, cost 100 -> 0.9, high -> 1: 0.25 + 0.225 + 0.5 */
    CU_ASSERT_STRING_EQUAL(knee_result_option_id(r, 1), "a");
    CU_ASSERT_DOUBLE_EQUAL(knee_result_option_score(r, 1), 0.975, 1e-12);
    CU_ASSERT_EQUAL(knee_result_option_rank(r, 1), 2);
    a = kt_option(r, "a");
    CU_ASSERT_DOUBLE_EQUAL(knee_result_cell_weight(r, a, 1), 0.25, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(knee_result_utility(r, a, 1), 0.9, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(knee_result_contribution(r, a, 1), 0.225, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(knee_result_value(r, a, 1), 100, 0);
    CU_ASSERT_DOUBLE_EQUAL(knee_result_value_low(r, a, 1), 50, 0);
    CU_ASSERT_DOUBLE_EQUAL(knee_result_value_high(r, a, 1), 200, 0);
    CU_ASSERT_EQUAL(knee_result_value_source_count(r, a, 1), 2);
    CU_ASSERT_STRING_EQUAL(knee_result_value_source(r, a, 1, 1), "s2");
    CU_ASSERT_STRING_EQUAL(knee_result_value_level(r, a, 2), "high");
    CU_ASSERT(isnan(knee_result_value(r, a, 2)));
    /* D: cost unknown, left out; recovery and evidence rescaled to 1/3 and 2/3, both at
       utility 1: score 1, rank 1 */
    d = kt_option(r, "d");
    CU_ASSERT_EQUAL(d, 0);
    CU_ASSERT_EQUAL(knee_result_option_rank(r, d), 1);
    CU_ASSERT_DOUBLE_EQUAL(knee_result_option_score(r, d), 1.0, 1e-12);
    CU_ASSERT_EQUAL(knee_result_value_known(r, d, 1), 0);
    CU_ASSERT(isnan(knee_result_value(r, d, 1)));
    CU_ASSERT_DOUBLE_EQUAL(knee_result_cell_weight(r, d, 1), 0, 0);
    CU_ASSERT_DOUBLE_EQUAL(knee_result_contribution(r, d, 1), 0, 0);
    CU_ASSERT_DOUBLE_EQUAL(knee_result_cell_weight(r, d, 0), 1.0 / 3, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(knee_result_cell_weight(r, d, 2), 2.0 / 3, 1e-15);
    /* B and E tie at 0.5: they share rank 3, listed by name */
    b = kt_option(r, "b");
    CU_ASSERT_EQUAL(b, 2);
    CU_ASSERT_EQUAL(knee_result_option_rank(r, b), 3);
    CU_ASSERT_EQUAL(knee_result_option_rank(r, kt_option(r, "e")), 3);
    CU_ASSERT_EQUAL(knee_result_option_tie_count(r, b), 1);
    CU_ASSERT_STRING_EQUAL(knee_result_option_tied_with(r, b, 0), "e");
    CU_ASSERT_PTR_NULL(knee_result_option_tied_with(r, b, 1));
    CU_ASSERT_EQUAL(knee_result_option_tie_count(r, d), 0);
    CU_ASSERT_DOUBLE_EQUAL(knee_result_option_score(r, b), 0.5, 1e-12);
    /* with no facts every condition is unknown and says which facts would decide it */
    CU_ASSERT_EQUAL(knee_result_fired_count(r, b), 0);
    CU_ASSERT_EQUAL(knee_result_unknown_count(r, b), 3);
    CU_ASSERT_STRING_EQUAL(knee_result_unknown_rule(r, b, 0), "b-old");
    CU_ASSERT_EQUAL(knee_result_unknown_fact_count(r, b, 0), 1);
    CU_ASSERT_STRING_EQUAL(knee_result_unknown_fact(r, b, 0, 0), "age");
    CU_ASSERT_STRING_EQUAL(knee_result_unknown_rule(r, b, 2), "diabetes-caution");
    CU_ASSERT_EQUAL(knee_result_missing_fact_count(r), 5); /* all but sex, in declaration order */
    CU_ASSERT_STRING_EQUAL(knee_result_missing_fact(r, 0), "age");
    CU_ASSERT_STRING_EQUAL(knee_result_missing_fact(r, 4), "prior");
    knee_result_free(r);
}

static void test_rules_change_the_result(void)
{
    knee_patient *p = NULL;
    knee_result *r = NULL;
    size_t b, c, a, n;
    CU_ASSERT_EQUAL_FATAL(knee_patient_new(&p, rs), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_number(p, "age", 70), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_number(p, "kl_grade", 2), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_string(p, "payer", "Medicare Part B"), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_bool(p, "diabetes", 1), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_text(p, "prior", "steroid-3mo"), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_result_new(&r), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_compare(rs, p, r), KNEE_OK);
    n = knee_result_option_count(r);
    CU_ASSERT_EQUAL(n, 5);
    /* C excluded: listed last, unranked, with its reason, rule and source */
    c = kt_option(r, "c");
    CU_ASSERT_EQUAL(c, n - 1);
    CU_ASSERT_EQUAL(knee_result_option_excluded(r, c), 1);
    CU_ASSERT_EQUAL(knee_result_option_rank(r, c), 0);
    CU_ASSERT_DOUBLE_EQUAL(knee_result_option_score(r, c), 0, 0);
    CU_ASSERT_EQUAL_FATAL(knee_result_reason_count(r, c), 1);
    CU_ASSERT_STRING_EQUAL(knee_result_reason_text(r, c, 0), "Not for early disease");
    CU_ASSERT_STRING_EQUAL(knee_result_reason_rule(r, c, 0), "c-early");
    CU_ASSERT_STRING_EQUAL(knee_result_reason_source(r, c, 0), "s1");
    CU_ASSERT_EQUAL(knee_result_caution_count(r, c), 1);
    /* B: age adjusts recovery 50 -> 80 (utility 0.2); medicare sets evidence to low:
       0.25*0.2 + 0.25*0.5 + 0.5*0 = 0.175 */
    b = kt_option(r, "b");
    CU_ASSERT_DOUBLE_EQUAL(knee_result_option_score(r, b), 0.175, 1e-12);
    CU_ASSERT_EQUAL(knee_result_option_rank(r, b), 4);
    CU_ASSERT_DOUBLE_EQUAL(knee_result_value(r, b, 0), 80, 0);
    CU_ASSERT_DOUBLE_EQUAL(knee_result_value_low(r, b, 0), 40, 0);
    CU_ASSERT_DOUBLE_EQUAL(knee_result_value_high(r, b, 0), 120, 0);
    CU_ASSERT_EQUAL(knee_result_value_rule_count(r, b, 0), 1);
    CU_ASSERT_STRING_EQUAL(knee_result_value_rule(r, b, 0, 0), "b-old");
    CU_ASSERT_EQUAL(knee_result_value_source_count(r, b, 0), 2); /* declared s1, rule's s2 */
    CU_ASSERT_STRING_EQUAL(knee_result_value_source(r, b, 0, 1), "s2");
    CU_ASSERT_STRING_EQUAL(knee_result_value_level(r, b, 2), "low");
    CU_ASSERT_STRING_EQUAL(knee_result_value_rule(r, b, 2, 0), "b-medicare");
    CU_ASSERT_EQUAL(knee_result_fired_count(r, b), 3);
    CU_ASSERT_STRING_EQUAL(knee_result_fired_rule(r, b, 2), "diabetes-caution");
    CU_ASSERT_EQUAL(knee_result_caution_count(r, b), 2);
    CU_ASSERT_STRING_EQUAL(knee_result_caution_rule(r, b, 0), "b-medicare");
    CU_ASSERT_STRING_EQUAL(knee_result_caution_text(r, b, 1), "Diabetes: monitor glucose");
    CU_ASSERT_EQUAL(knee_result_unknown_count(r, b), 0);
    /* the top-level rule acted on A and B only */
    a = kt_option(r, "a");
    CU_ASSERT_EQUAL(knee_result_caution_count(r, a), 1);
    CU_ASSERT_EQUAL(knee_result_caution_count(r, kt_option(r, "e")), 0);
    CU_ASSERT_EQUAL(knee_result_missing_fact_count(r), 0);
    knee_result_free(r);
    knee_patient_free(p);
}

static void test_weights(void)
{
    knee_patient *p = NULL;
    knee_result *r = NULL;
    CU_ASSERT_EQUAL_FATAL(knee_patient_new(&p, rs), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_result_new(&r), KNEE_OK);
    /* only cost matters: A (0.9) > B = E (0.5) > C (0); D's unknown cost scores 0 */
    CU_ASSERT_EQUAL(knee_patient_set_weight(p, "recovery", 0), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_weight(p, "evidence", 0), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_weight(p, "cost", 7), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_compare(rs, p, r), KNEE_OK);
    CU_ASSERT_DOUBLE_EQUAL(knee_result_weight(r, 1), 1.0, 0);
    CU_ASSERT_DOUBLE_EQUAL(knee_result_option_score(r, 0), 0.9, 1e-12);
    CU_ASSERT_STRING_EQUAL(knee_result_option_id(r, 3), "c"); /* C 0 before D 0: file order */
    CU_ASSERT_STRING_EQUAL(knee_result_option_id(r, 4), "d");
    /* all zero: an error, never a silent fix */
    CU_ASSERT_EQUAL(knee_patient_set_weight(p, "cost", 0), KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare(rs, p, r), KNEE_EWEIGHT);
    CU_ASSERT_PTR_NOT_NULL(strstr(knee_result_errmsg(r), "zero"));
    CU_ASSERT_EQUAL(knee_result_option_count(r), 0);
    knee_result_free(r);
    knee_patient_free(p);
}

/* A reused result gives the same answer as a fresh one, whatever it held before. */
static void test_result_reuse(void)
{
    knee_patient *p = NULL, *q = NULL;
    knee_result *r = NULL, *fresh = NULL;
    char *j1 = NULL, *j2 = NULL;
    CU_ASSERT_EQUAL_FATAL(knee_patient_new(&p, rs), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_patient_new(&q, rs), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_number(p, "kl_grade", 1), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_number(q, "age", 30), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_result_new(&r), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_result_new(&fresh), KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare(rs, p, r), KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare(rs, q, r), KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare(rs, q, fresh), KNEE_OK);
    CU_ASSERT_EQUAL(knee_result_to_json(r, &j1, NULL), KNEE_OK);
    CU_ASSERT_EQUAL(knee_result_to_json(fresh, &j2, NULL), KNEE_OK);
    CU_ASSERT_STRING_EQUAL(j1, j2);
    knee_free(j1);
    knee_free(j2);
    knee_result_free(r);
    knee_result_free(fresh);
    knee_patient_free(p);
    knee_patient_free(q);
}

/* After warm-up a reused result allocates nothing per comparison, with every analysis on:
 * counted through the allocation choke point (test builds count every allocation). */
static void test_no_allocation_after_warm_up(void)
{
    knee_ruleset *def = NULL;
    knee_patient *p = NULL;
    knee_result *r = NULL;
    knee_compare_options *o = NULL;
    int k, m;
    CU_ASSERT_EQUAL_FATAL(knee_ruleset_load_default(&def, NULL), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_patient_new(&p, def), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_result_new(&r), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_compare_options_new(&o), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_text(p, "age", "72"), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_text(p, "payer", "medicare"), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_text(p, "prior", "steroid-injection-3mo"), KNEE_OK);
    for (m = KNEE_METHOD_WEIGHTED_SUM; m <= KNEE_METHOD_VIKOR; m++) {
        CU_ASSERT_EQUAL(knee_compare_options_set_method(o, m), KNEE_OK);
        CU_ASSERT_EQUAL(knee_compare_ex(def, p, o, r), KNEE_OK); /* warm-up */
        knee__fault_inject(-1);
        for (k = 0; k < 10; k++)
            CU_ASSERT_EQUAL(knee_compare_ex(def, p, o, r), KNEE_OK);
        CU_ASSERT_EQUAL(knee__fault_inject(-1), 0);
    }
    CU_ASSERT_EQUAL(knee_compare_options_set_smaa(o, 100, 1, 0), KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare_options_set_sensitivity(o, 1, 0.05), KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare_ex(def, p, o, r), KNEE_OK);
    knee__fault_inject(-1);
    CU_ASSERT_EQUAL(knee_compare_ex(def, p, o, r), KNEE_OK);
    CU_ASSERT_EQUAL(knee__fault_inject(-1), 0);
    knee_compare_options_free(o);
    knee_result_free(r);
    knee_patient_free(p);
    knee_ruleset_free(def);
}

static void test_patient_of_other_ruleset(void)
{
    knee_ruleset *other = kt_load_data("mini.xml");
    knee_patient *p = NULL;
    knee_result *r = NULL;
    CU_ASSERT_EQUAL_FATAL(knee_patient_new(&p, other), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_result_new(&r), KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare(rs, p, r), KNEE_EINVAL);
    CU_ASSERT_EQUAL(knee_compare(NULL, p, r), KNEE_EINVAL);
    CU_ASSERT_EQUAL(knee_compare(rs, p, NULL), KNEE_EINVAL);
    knee_result_free(r);
    knee_patient_free(p);
    knee_ruleset_free(other);
}

static void test_json(void)
{
    knee_patient *p = NULL;
    knee_result *r = NULL;
    char *json = NULL;
    size_t len = 0;
    CU_ASSERT_EQUAL_FATAL(knee_patient_new(&p, rs), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_number(p, "kl_grade", 1), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_string(p, "payer", "a \"quoted\"\\payer\n"), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_result_new(&r), KNEE_OK);
    CU_ASSERT_EQUAL(knee_result_to_json(r, &json, &len), KNEE_EINVAL); /* not filled yet */
    CU_ASSERT_PTR_NULL(json);
    CU_ASSERT_EQUAL_FATAL(knee_compare(rs, p, r), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_result_to_json(r, &json, &len), KNEE_OK);
    CU_ASSERT_EQUAL(len, strlen(json));
    CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"ruleset\":{\"id\":\"mini\",\"version\":\"1.2.3\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"sha256\":\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"evidence_as_of\":\"2025-01-31\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"method\":\"weighted-sum\""));
    CU_ASSERT_PTR_NOT_NULL(
        strstr(json, "\"weights\":{\"recovery\":0.25,\"cost\":0.25,\"evidence\":0.5}"));
    CU_ASSERT_PTR_NOT_NULL(strstr(
        json, "{\"id\":\"a\",\"name\":\"Option A\",\"rank\":2,\"score\":0.975,\"excluded\":false"));
    CU_ASSERT_PTR_NOT_NULL(strstr(
        json,
        "{\"id\":\"c\",\"name\":\"Option C\",\"rank\":null,\"score\":null,\"excluded\":true,"
        "\"reasons\":[{\"text\":\"Not for early disease\",\"rule\":\"c-early\",\"source\":\"s1\","
        "\"patient\":\"Not for early disease\",\"clinician\":\"Not for early disease\"}]"));
    CU_ASSERT_PTR_NOT_NULL(
        strstr(json, "{\"id\":\"cost\",\"known\":false,\"value\":null,\"low\":null,"
                     "\"high\":null,\"level\":null,\"utility\":0,\"weight\":0,\"contribution\":0"));
    CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"unknown\":[{\"rule\":\"b-old\",\"facts\":[\"age\"]}"));
    CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"missing_facts\":[\"age\",\"diabetes\",\"prior\"]"));
    knee_free(json);
    knee_result_free(r);
    knee_patient_free(p);
}

/* A catastrophic pattern against a long subject ends in a clear error, quickly. */
static void test_catastrophic_regex(void)
{
    char path[1024], *xml, *pos;
    size_t len;
    knee_options *o = NULL;
    knee_ruleset *hostile = NULL;
    knee_patient *p = NULL;
    knee_result *r = NULL;
    knee_diag *d = NULL;
    char subject[64], pattern[32];
    snprintf(path, sizeof path, "%s/mini.xml", KNEE_TEST_DATA);
    xml = kt_read(path, &len);
    pos = strstr(xml, "(?i)^(medicare|mcr)");
    CU_ASSERT_FATAL(pos != NULL);
    /* same length, so the file stays valid: exponential backtracking */
    snprintf(pattern, sizeof pattern, "%-19s", "(?x)^(a+)+$"); /* x: padding ignored */
    memcpy(pos, pattern, 19);
    CU_ASSERT_EQUAL_FATAL(knee_options_new(&o), KNEE_OK);
    CU_ASSERT_EQUAL(knee_options_set_limit(o, KNEE_LIMIT_REGEX_MATCH, 10000), KNEE_OK);
    if (knee_ruleset_load_memory(&hostile, xml, len, "hostile.xml", o, &d) != KNEE_OK)
        kt_dump(d);
    knee_diag_free(d);
    CU_ASSERT_PTR_NOT_NULL_FATAL(hostile);
    CU_ASSERT_EQUAL_FATAL(knee_patient_new(&p, hostile), KNEE_OK);
    memset(subject, 'a', 40);
    strcpy(subject + 40, "b");
    CU_ASSERT_EQUAL(knee_patient_set_string(p, "payer", subject), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_result_new(&r), KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare(hostile, p, r), KNEE_EREGEX);
    CU_ASSERT_PTR_NOT_NULL(strstr(knee_result_errmsg(r), "b-medicare"));
    CU_ASSERT_EQUAL(knee_result_option_count(r), 0);
    /* a harmless subject still works with the same ruleset and result */
    CU_ASSERT_EQUAL(knee_patient_set_string(p, "payer", "aaaa"), KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare(hostile, p, r), KNEE_OK);
    knee_result_free(r);
    knee_patient_free(p);
    knee_ruleset_free(hostile);
    knee_options_free(o);
    free(xml);
}

static void test_declared_missing_utility(void)
{
    char path[1024], *xml, *pos, *edited;
    size_t len, d;
    knee_ruleset *alt = NULL;
    knee_result *r = NULL;
    snprintf(path, sizeof path, "%s/mini.xml", KNEE_TEST_DATA);
    xml = kt_read(path, &len);
    pos = strstr(xml, "unit=\"USD\" weight=\"1\">");
    CU_ASSERT_FATAL(pos != NULL);
    /* the same file with missing-utility="0.2" on the cost criterion */
    edited = malloc(len + 32);
    CU_ASSERT_FATAL(edited != NULL);
    snprintf(edited, len + 32, "%.*smissing-utility=\"0.2\" %s", (int)(pos - xml), xml, pos);
    free(xml);
    xml = edited;
    CU_ASSERT_EQUAL_FATAL(knee_ruleset_load_memory(&alt, xml, strlen(xml), "alt.xml", NULL, NULL),
                          KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_result_new(&r), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_compare(alt, NULL, r), KNEE_OK);
    /* D: 0.25*1 + 0.25*0.2 + 0.5*1 = 0.8, behind A's 0.975 */
    d = kt_option(r, "d");
    CU_ASSERT_DOUBLE_EQUAL(knee_result_option_score(r, d), 0.8, 1e-12);
    CU_ASSERT_EQUAL(knee_result_option_rank(r, d), 2);
    CU_ASSERT_DOUBLE_EQUAL(knee_result_cell_weight(r, d, 1), 0.25, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(knee_result_utility(r, d, 1), 0.2, 1e-15);
    knee_result_free(r);
    knee_ruleset_free(alt);
    free(xml);
}

static void test_rule_file_cases(void)
{
    size_t cases = 0, failed = 9;
    char *report = NULL;
    CU_ASSERT_EQUAL(knee_ruleset_run_tests(rs, &cases, &failed, &report), KNEE_OK);
    CU_ASSERT_EQUAL(cases, 2);
    CU_ASSERT_EQUAL(failed, 0);
    if (report && *report)
        fprintf(stderr, "\n%s", report);
    CU_ASSERT_STRING_EQUAL(report, "");
    knee_free(report);
}

static void test_rule_file_case_failure_is_reported(void)
{
    char path[1024], *xml, *pos;
    size_t len, cases = 0, failed = 0;
    knee_ruleset *bad = NULL;
    char *report = NULL;
    snprintf(path, sizeof path, "%s/mini.xml", KNEE_TEST_DATA);
    xml = kt_read(path, &len);
    pos = strstr(xml, "<expect option=\"a\" rank=\"2\"/>");
    CU_ASSERT_FATAL(pos != NULL);
    pos[25] = '3'; /* expect A at rank 3: wrong */
    CU_ASSERT_EQUAL_FATAL(knee_ruleset_load_memory(&bad, xml, len, "bad.xml", NULL, NULL), KNEE_OK);
    CU_ASSERT_EQUAL(knee_ruleset_run_tests(bad, &cases, &failed, &report), KNEE_OK);
    CU_ASSERT_EQUAL(failed, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(report, "no-facts: a: expected rank 3, got 2"));
    knee_free(report);
    knee_ruleset_free(bad);
    free(xml);
}

/* A top-level rule whose actions alternate between options: each option gets its own actions in
 * file order, and the rule is listed once among the rules fired on it (the step table). */
static void test_rule_actions_on_several_options(void)
{
    static const char *const old_rule =
        "<caution option=\"a\" text=\"Diabetes: monitor glucose\"/>\n"
        "      <caution option=\"b\" text=\"Diabetes: monitor glucose\"/>";
    static const char *const new_rule =
        "<caution option=\"a\" text=\"one\"/><caution option=\"b\" text=\"for b\"/>"
        "<caution option=\"a\" text=\"two\"/>";
    char path[1024], *xml, *pos, *edited;
    size_t len, a, b, k, found = 0, one = 0, fired = 0;
    knee_ruleset *rs2 = NULL;
    knee_patient *p = NULL;
    knee_result *r = NULL;
    snprintf(path, sizeof path, "%s/mini.xml", KNEE_TEST_DATA);
    xml = kt_read(path, &len);
    pos = strstr(xml, old_rule);
    CU_ASSERT_FATAL(pos != NULL);
    edited = malloc(len + strlen(new_rule) + 1);
    memcpy(edited, xml, (size_t)(pos - xml));
    strcpy(edited + (pos - xml), new_rule);
    strcat(edited, pos + strlen(old_rule));
    CU_ASSERT_EQUAL_FATAL(
        knee_ruleset_load_memory(&rs2, edited, strlen(edited), "several.xml", NULL, NULL), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_patient_new(&p, rs2), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_text(p, "diabetes", "yes"), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_result_new(&r), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_compare(rs2, p, r), KNEE_OK);
    a = kt_option(r, "a");
    b = kt_option(r, "b");
    for (k = 0; k < knee_result_caution_count(r, a); k++)
        if (strcmp(knee_result_caution_rule(r, a, k), "diabetes-caution") == 0) {
            CU_ASSERT_STRING_EQUAL(knee_result_caution_text(r, a, k), found ? "two" : "one");
            CU_ASSERT(found == 0 || k == one + 1); /* adjacent, in file order */
            CU_ASSERT_STRING_EQUAL(knee_result_caution_source(r, a, k), "s1"); /* the rule's */
            if (!found++)
                one = k;
        }
    CU_ASSERT_EQUAL(found, 2);
    for (k = 0; k < knee_result_fired_count(r, a); k++)
        fired += strcmp(knee_result_fired_rule(r, a, k), "diabetes-caution") == 0;
    CU_ASSERT_EQUAL(fired, 1);
    for (k = 0, found = 0; k < knee_result_caution_count(r, b); k++)
        if (strcmp(knee_result_caution_rule(r, b, k), "diabetes-caution") == 0) {
            CU_ASSERT_STRING_EQUAL(knee_result_caution_text(r, b, k), "for b");
            found++;
        }
    CU_ASSERT_EQUAL(found, 1);
    CU_ASSERT_EQUAL(knee_result_caution_count(r, kt_option(r, "e")), 0);
    knee_result_free(r);
    knee_patient_free(p);
    knee_ruleset_free(rs2);
    free(edited);
    free(xml);
}

/* A rule file may declare no facts (<facts/>): comparing with it once wrote through the never
 * allocated per-fact marks (a crash). */
static void test_no_facts(void)
{
    static const char xml[] =
        "<ruleset xmlns='urn:libknee:rules:1' id='nf' version='1.0.0' status='draft' title='NF' "
        "evidence-as-of='2025-01-01'>"
        "<sources><source id='s' title='S' year='2020' url='https://e.org'/></sources><facts/>"
        "<criteria><criterion id='c' label='C' direction='maximize' weight='1'><scale worst='0' "
        "best='1'/></criterion></criteria>"
        "<treatment id='a' name='A'><value criterion='c' typical='1' source='s'/></treatment>"
        "<treatment id='b' name='B'><value criterion='c' typical='0' "
        "source='s'/></treatment></ruleset>";
    knee_ruleset *nf = NULL;
    knee_result *r = NULL;
    CU_ASSERT_EQUAL_FATAL(knee_ruleset_load_memory(&nf, xml, strlen(xml), "nf.xml", NULL, NULL),
                          KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_result_new(&r), KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare(nf, NULL, r), KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare(nf, NULL, r), KNEE_OK); /* and again, reusing the result */
    CU_ASSERT_STRING_EQUAL(knee_result_option_id(r, 0), "a");
    knee_result_free(r);
    knee_ruleset_free(nf);
}

int main(void)
{
    CU_pSuite s;
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    s = CU_add_suite("evaluate", setup, teardown);
    CU_add_test(s, "scores with no patient", test_no_patient_scores);
    CU_add_test(s, "rules change values, exclude, caution", test_rules_change_the_result);
    CU_add_test(s, "weights: override, normalise, zero", test_weights);
    CU_add_test(s, "a top-level rule's actions on several options",
                test_rule_actions_on_several_options);
    CU_add_test(s, "result reuse", test_result_reuse);
    CU_add_test(s, "no allocation after warm-up", test_no_allocation_after_warm_up);
    CU_add_test(s, "patient of another ruleset", test_patient_of_other_ruleset);
    CU_add_test(s, "JSON contract", test_json);
    CU_add_test(s, "catastrophic regex", test_catastrophic_regex);
    CU_add_test(s, "declared missing-utility", test_declared_missing_utility);
    CU_add_test(s, "rule file cases pass", test_rule_file_cases);
    CU_add_test(s, "rule file case failure reported", test_rule_file_case_failure_is_reported);
    CU_add_test(s, "a rule file without facts", test_no_facts);
    return kt_run();
}
