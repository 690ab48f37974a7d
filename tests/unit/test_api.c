/* test_api.c - the API's edges: versions, status strings, options, NULL handling, and every count
 * the schema allows to be zero. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

static void test_version(void)
{
    char expect[32];
    snprintf(expect, sizeof expect, "%d.%d.%d", KNEE_VERSION_MAJOR, KNEE_VERSION_MINOR,
             KNEE_VERSION_PATCH);
    CU_ASSERT_STRING_EQUAL(knee_version_string(), expect);
    CU_ASSERT_EQUAL(knee_version_number(), KNEE_VERSION_NUMBER);
}

static void test_strerror(void)
{
    int s;
    for (s = 0; s >= KNEE_EREGEX; s--) {
        CU_ASSERT_PTR_NOT_NULL(knee_strerror(s));
        CU_ASSERT_STRING_NOT_EQUAL(knee_strerror(s), "unknown status");
    }
    CU_ASSERT_STRING_EQUAL(knee_strerror(-999), "unknown status");
    CU_ASSERT_STRING_EQUAL(knee_strerror(KNEE_ENOMEM), "out of memory");
}

static void test_options(void)
{
    knee_options *o = NULL;
    CU_ASSERT_EQUAL(knee_options_get_limit(NULL, KNEE_LIMIT_INPUT_BYTES), 16 * 1024 * 1024);
    CU_ASSERT_EQUAL(knee_options_get_limit(NULL, KNEE_LIMIT_COUNT), -1);
    CU_ASSERT_EQUAL_FATAL(knee_options_new(&o), KNEE_OK);
    CU_ASSERT_EQUAL(knee_options_set_limit(o, KNEE_LIMIT_RULES, 5), KNEE_OK);
    CU_ASSERT_EQUAL(knee_options_get_limit(o, KNEE_LIMIT_RULES), 5);
    CU_ASSERT_EQUAL(knee_options_set_limit(o, KNEE_LIMIT_RULES, 0), KNEE_EINVAL);
    CU_ASSERT_EQUAL(knee_options_set_limit(o, -1, 5), KNEE_EINVAL);
    CU_ASSERT_EQUAL(knee_options_set_limit(o, KNEE_LIMIT_REGEX_MATCH, (int64_t)1 << 40),
                    KNEE_EINVAL);
    CU_ASSERT_EQUAL(knee_options_set_limit(NULL, KNEE_LIMIT_RULES, 5), KNEE_EINVAL);
    knee_options_free(o);
}

static void test_rule_limit(void)
{
    knee_options *o = NULL;
    knee_ruleset *rs = NULL;
    knee_diag *d = NULL;
    char path[1024];
    snprintf(path, sizeof path, "%s/mini.xml", KNEE_TEST_DATA);
    CU_ASSERT_EQUAL_FATAL(knee_options_new(&o), KNEE_OK);
    CU_ASSERT_EQUAL(knee_options_set_limit(o, KNEE_LIMIT_RULES, 5), KNEE_OK); /* mini has 5 */
    CU_ASSERT_EQUAL(knee_ruleset_load_file(&rs, path, o, NULL), KNEE_OK);
    knee_ruleset_free(rs);
    CU_ASSERT_EQUAL(knee_options_set_limit(o, KNEE_LIMIT_RULES, 4), KNEE_OK);
    CU_ASSERT_EQUAL(knee_ruleset_load_file(&rs, path, o, &d), KNEE_ELIMIT);
    CU_ASSERT(kt_has_diag(d, "limit-rules", 0, 0));
    knee_diag_free(d);
    CU_ASSERT_EQUAL(knee_options_set_limit(o, KNEE_LIMIT_RULES, 100), KNEE_OK);
    CU_ASSERT_EQUAL(knee_options_set_limit(o, KNEE_LIMIT_EXPR_BYTES, 8), KNEE_OK);
    CU_ASSERT_EQUAL(knee_ruleset_load_file(&rs, path, o, &d), KNEE_ELIMIT);
    CU_ASSERT(kt_has_diag(d, "limit-expr", 0, 0));
    knee_diag_free(d);
    knee_options_free(o);
}

static void test_null_handling(void)
{
    knee_ruleset *rs = NULL;
    knee_diag *d = (knee_diag *)1;
    CU_ASSERT_EQUAL(knee_ruleset_load_file(NULL, "x", NULL, NULL), KNEE_EINVAL);
    CU_ASSERT_EQUAL(knee_ruleset_load_file(&rs, NULL, NULL, &d), KNEE_EINVAL);
    CU_ASSERT_PTR_NULL(d);
    CU_ASSERT_EQUAL(knee_ruleset_load_memory(&rs, NULL, 5, NULL, NULL, NULL), KNEE_EINVAL);
    CU_ASSERT_EQUAL(knee_patient_new(NULL, NULL), KNEE_EINVAL);
    CU_ASSERT_EQUAL(knee_result_new(NULL), KNEE_EINVAL);
    CU_ASSERT_PTR_NULL(knee_ruleset_id(NULL));
    CU_ASSERT_EQUAL(knee_ruleset_option_count(NULL), 0);
    CU_ASSERT_EQUAL(knee_diag_count(NULL), 0);
    CU_ASSERT_EQUAL(knee_diag_status(NULL, 0), KNEE_ERANGE);
    CU_ASSERT_EQUAL(knee_result_option_count(NULL), 0);
    knee_ruleset_free(NULL);
    knee_patient_free(NULL);
    knee_result_free(NULL);
    knee_diag_free(NULL);
    knee_options_free(NULL);
    knee_free(NULL);
}

/* Every entry point on one ruleset: compare (with and without a patient, reusing the result,
 * with the analyses), JSON, HTML, a batch, the lint, the file's tests, patient files and FHIR. */
static void exercise(const knee_ruleset *rs)
{
    static const char patient_xml[] = "<patient xmlns=\"urn:libknee:patient:1\"/>";
    static const char bundle[] =
        "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[]}";
    knee_patient *p = NULL;
    knee_result *r = NULL;
    knee_compare_options *o = NULL;
    knee_batch *b = NULL;
    knee_diag *d = NULL;
    knee_fhir_report *fr = NULL;
    char *text = NULL;
    size_t len = 0, offsets[4], n_cases = 0, n_failed = 0;
    int ranks[3 * 2], status[3];
    double scores[3 * 2];
    CU_ASSERT_EQUAL_FATAL(knee_patient_new(&p, rs), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_result_new(&r), KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare(rs, NULL, r), KNEE_OK);
    CU_ASSERT_EQUAL(knee_result_option_rank(r, 0), 1);
    CU_ASSERT_EQUAL(knee_result_missing_fact_count(r), 0);
    CU_ASSERT_EQUAL(knee_compare(rs, p, r), KNEE_OK); /* the same result, reused */
    CU_ASSERT_STRING_EQUAL(knee_result_option_id(r, 0), "a");
    CU_ASSERT_EQUAL(knee_patient_set_text(p, "age", "70"), KNEE_EUNKNOWN);
    CU_ASSERT_EQUAL(knee_patient_set_weight(p, "cost", 2), KNEE_OK);
    CU_ASSERT_EQUAL(
        knee_patient_load_memory(p, patient_xml, sizeof patient_xml - 1, "p.xml", NULL, &d),
        KNEE_OK);
    knee_diag_free(d);
    CU_ASSERT_EQUAL(knee_compare_options_new(&o), KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare_options_set_smaa(o, 100, 7, 0), KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare_options_set_sensitivity(o, 1, 0.05), KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare_ex(rs, p, o, r), KNEE_OK);
    CU_ASSERT_EQUAL(knee_result_to_json(r, &text, &len), KNEE_OK);
    CU_ASSERT(text && strlen(text) == len);
    knee_free(text);
    text = NULL;
    CU_ASSERT_EQUAL(knee_result_to_html(r, p, NULL, &text, &len), KNEE_OK);
    CU_ASSERT(text && strlen(text) == len);
    knee_free(text);
    text = NULL;
    CU_ASSERT_EQUAL_FATAL(knee_batch_new(&b, rs, 3), KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare_batch(rs, b, NULL, 0, 3, NULL, ranks, scores, status), KNEE_OK);
    CU_ASSERT_EQUAL(ranks[0], 1);
    CU_ASSERT_EQUAL(status[2], KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare_batch_json(rs, b, o, 0, 3, r, &text, &len, offsets, status),
                    KNEE_OK);
    CU_ASSERT(text && offsets[3] == len);
    knee_free(text);
    text = NULL;
    CU_ASSERT_EQUAL(knee_ruleset_lint(rs, &d), KNEE_OK);
    knee_diag_free(d);
    CU_ASSERT_EQUAL(knee_ruleset_run_tests(rs, &n_cases, &n_failed, &text), KNEE_OK);
    CU_ASSERT_EQUAL(n_failed, 0);
    knee_free(text);
    text = NULL;
    if (knee_ruleset_fhir_prefetch(rs, &text, &len) == KNEE_OK) { /* only with a <fhir> */
        CU_ASSERT_STRING_EQUAL(text, "{}");
        CU_ASSERT_EQUAL(knee_patient_load_fhir(p, bundle, sizeof bundle - 1, "b.json", "2025-01-01",
                                               NULL, &fr, &d),
                        KNEE_OK);
        CU_ASSERT_EQUAL(knee_fhir_report_fact_count(fr), 0);
        knee_fhir_report_free(fr);
        knee_diag_free(d);
    }
    knee_free(text);
    knee_batch_free(b);
    knee_compare_options_free(o);
    knee_result_free(r);
    knee_patient_free(p);
}

/* Issue 13, item 1: a rule file with an empty <facts/> loaded and passed `knee check`, then
 * knee_compare wrote into a fact buffer it had never allocated (a segfault). The schema also
 * allows no rules, no conditions, no FHIR mapping rules and no test cases. */
static void test_zero_counts(void)
{
    knee_ruleset *rs = kt_load_data("no-facts.xml");
    char path[1024], *text, *cut;
    size_t len;
    CU_ASSERT_EQUAL(knee_ruleset_fact_count(rs), 0);
    CU_ASSERT_EQUAL(knee_ruleset_rule_count(rs), 1);
    exercise(rs);
    knee_ruleset_free(rs);

    /* the same without its rules, mapping and cases */
    snprintf(path, sizeof path, "%s/no-facts.xml", KNEE_TEST_DATA);
    text = kt_read(path, &len);
    cut = strstr(text, "  <rules>");
    CU_ASSERT_FATAL(cut != NULL);
    strcpy(cut, "</ruleset>\n");
    rs = NULL;
    CU_ASSERT_EQUAL_FATAL(knee_ruleset_load_memory(&rs, text, strlen(text), "bare.xml", NULL, NULL),
                          KNEE_OK);
    CU_ASSERT_EQUAL(knee_ruleset_rule_count(rs), 0);
    exercise(rs);
    knee_ruleset_free(rs);
    free(text);
}

/* knee_ruleset_{fact,option,criterion}_index: every id back to its index, and the misses. */
static void test_lookups(void)
{
    knee_ruleset *rs = NULL;
    size_t i;
    CU_ASSERT_EQUAL_FATAL(knee_ruleset_load_default(&rs, NULL), KNEE_OK);
    CU_ASSERT(knee_ruleset_fact_count(rs) > 3 && knee_ruleset_option_count(rs) > 3);
    for (i = 0; i < knee_ruleset_fact_count(rs); i++)
        CU_ASSERT_EQUAL(knee_ruleset_fact_index(rs, knee_ruleset_fact_id(rs, i)), i);
    for (i = 0; i < knee_ruleset_option_count(rs); i++)
        CU_ASSERT_EQUAL(knee_ruleset_option_index(rs, knee_ruleset_option_id(rs, i)), i);
    for (i = 0; i < knee_ruleset_criterion_count(rs); i++)
        CU_ASSERT_EQUAL(knee_ruleset_criterion_index(rs, knee_ruleset_criterion_id(rs, i)), i);
    CU_ASSERT_EQUAL(knee_ruleset_fact_index(rs, "no-such-fact"), (size_t)-1);
    CU_ASSERT_EQUAL(knee_ruleset_fact_index(rs, ""), (size_t)-1);
    CU_ASSERT_EQUAL(knee_ruleset_fact_index(rs, "ag"), (size_t)-1); /* a prefix of "age" */
    CU_ASSERT_EQUAL(knee_ruleset_fact_index(rs, "agee"), (size_t)-1);
    CU_ASSERT_EQUAL(knee_ruleset_option_index(rs, "age"), (size_t)-1); /* a fact, not an option */
    CU_ASSERT_EQUAL(knee_ruleset_criterion_index(rs, NULL), (size_t)-1);
    CU_ASSERT_EQUAL(knee_ruleset_option_index(NULL, "tka"), (size_t)-1);
    knee_ruleset_free(rs);
}

/* Ties: the library's order (by name, then id) is every result's order for equal ranks, and the
 * public tie order that callers without results (the knee command's batch output) list by. */
static void test_tie_order(void)
{
    knee_ruleset *rs = NULL;
    knee_patient *p = NULL;
    knee_result *r = NULL;
    char path[1024];
    size_t i, n, seen = 0, ties = 0;
    char *text, *name;
    size_t len;
    snprintf(path, sizeof path, "%s/report-ties.xml", KNEE_TEST_DATA);
    text = kt_read(path, &len);
    name = strstr(text, "name=\"Option A\""); /* "Option Z": by name A is now listed after B */
    CU_ASSERT_FATAL(name != NULL);
    name[strlen("name=\"Option ")] = 'Z';
    CU_ASSERT_EQUAL_FATAL(knee_ruleset_load_memory(&rs, text, len, "ties.xml", NULL, NULL),
                          KNEE_OK);
    free(text);
    n = knee_ruleset_option_count(rs);
    for (i = 0; i < n; i++) { /* a permutation of 0..n-1: each place once */
        size_t at = knee_ruleset_option_tie_order(rs, i);
        CU_ASSERT_FATAL(at < n && at < 8 * sizeof seen);
        CU_ASSERT_FALSE(seen & (size_t)1 << at);
        seen |= (size_t)1 << at;
    }
    CU_ASSERT_EQUAL_FATAL(knee_patient_new(&p, rs), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_result_new(&r), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_compare(rs, p, r), KNEE_OK);
    for (i = 0; i + 1 < knee_result_option_count(r); i++) {
        size_t a = knee_ruleset_option_index(rs, knee_result_option_id(r, i));
        size_t b = knee_ruleset_option_index(rs, knee_result_option_id(r, i + 1));
        int rank = knee_result_option_rank(r, i);
        if (rank > 0 && rank == knee_result_option_rank(r, i + 1)) { /* tied: listed in order */
            CU_ASSERT(knee_ruleset_option_tie_order(rs, a) < knee_ruleset_option_tie_order(rs, b));
            ties++;
        }
    }
    CU_ASSERT(ties > 0); /* the file's options A and B tie first */
    CU_ASSERT_STRING_EQUAL(knee_result_option_id(r, 0), "b"); /* by name, not by file order */
    CU_ASSERT_EQUAL(knee_ruleset_option_tie_order(rs, n), (size_t)-1);
    CU_ASSERT_EQUAL(knee_ruleset_option_tie_order(NULL, 0), (size_t)-1);
    knee_result_free(r);
    knee_patient_free(p);
    knee_ruleset_free(rs);
}

int main(void)
{
    CU_pSuite s;
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    s = CU_add_suite("api", NULL, NULL);
    CU_add_test(s, "version", test_version);
    CU_add_test(s, "strerror", test_strerror);
    CU_add_test(s, "options", test_options);
    CU_add_test(s, "rule and expression limits", test_rule_limit);
    CU_add_test(s, "NULL handling", test_null_handling);
    CU_add_test(s, "no facts, no rules, no cases", test_zero_counts);
    CU_add_test(s, "lookups by id", test_lookups);
    CU_add_test(s, "the order ties are listed in", test_tie_order);
    return kt_run();
}
