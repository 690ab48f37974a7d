/* test_api.c - the API's edges: versions, status strings, options, NULL handling. */
#include <stdio.h>
#include <string.h>

#include "support.h"

static void test_version(void)
{
    char expect[32];
    snprintf(expect, sizeof expect, "%d.%d.%d", KNEE_VERSION_MAJOR, KNEE_VERSION_MINOR, KNEE_VERSION_PATCH);
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
    CU_ASSERT_EQUAL(knee_options_set_limit(o, KNEE_LIMIT_REGEX_MATCH, (int64_t)1 << 40), KNEE_EINVAL);
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
    CU_ASSERT_EQUAL(knee_options_set_limit(o, KNEE_LIMIT_RULES, 5), KNEE_OK);   /* mini has 5 */
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
    return kt_run();
}
