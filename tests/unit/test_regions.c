/* test_regions.c - regions as codes (rules/README.md, "Regions"): the ISO 3166-1 table, the
 * rule file's groups, conditions with three-valued logic, patient input, the lint and the
 * regional rules a result reports. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/region.h"
#include "support.h"

#define HEAD                                                                                       \
    "<ruleset xmlns='urn:libknee:rules:1' id='r' version='1.0.0' status='draft' title='R' "        \
    "evidence-as-of='2025-01-01'>\n"                                                               \
    "<sources><source id='s' title='S' year='2020' url='https://e.org'/></sources>\n"
#define CRITERIA                                                                                   \
    "<criteria><criterion id='c' label='C' direction='maximize' weight='1'><scale worst='0' "      \
    "best='1'/></criterion></criteria>\n"

static const char regional[] = HEAD
    "<facts><fact id='region' type='string' codes='iso-3166-1'/><fact id='age' "
    "type='number'/></facts>\n"
    "<region-groups><group id='eu' label='European Union' source='s'>at be bg hr cy cz dk ee fi fr "
    "de gr hu ie it lv lt lu mt nl pl pt ro sk si es se</group>"
    "<group id='uk'>GB</group></region-groups>\n" CRITERIA
    "<treatment id='a' name='A'><value criterion='c' typical='1' source='s'/>\n"
    "<rule id='r-de' when=\"region = 'de'\" source='s'><caution text='de'/></rule>\n"
    "<rule id='r-eu' when='region in eu' source='s'><caution text='eu'/></rule>\n"
    "<rule id='r-list' when=\"region in ['us', 'UK']\" source='s'><caution text='list'/></rule>\n"
    "<rule id='r-not-us' when=\"region != 'us'\" source='s'><caution text='not us'/></rule>\n"
    "<rule id='r-us' when=\"not known(region) or region = 'us'\" source='s'><caution "
    "text='us'/></rule>\n"
    "</treatment></ruleset>\n";

static void test_codes(void)
{
    knee__region_set all;
    const char *reps[64];
    knee__region_set two[2];
    size_t n = 0;
    CU_ASSERT_STRING_EQUAL(knee__region_code("DE", 2), "de");
    CU_ASSERT_STRING_EQUAL(knee__region_code("ss", 2), "ss"); /* South Sudan, 2011 */
    CU_ASSERT_STRING_EQUAL(knee__region_code("bq", 2), "bq");
    CU_ASSERT_STRING_EQUAL(knee__region_code("ad", 2), "ad"); /* first */
    CU_ASSERT_STRING_EQUAL(knee__region_code("zw", 2), "zw"); /* last */
    CU_ASSERT_PTR_NULL(knee__region_code("uk", 2));           /* reserved, not assigned */
    CU_ASSERT_PTR_NULL(knee__region_code("eu", 2));
    CU_ASSERT_PTR_NULL(knee__region_code("an", 2)); /* deleted 2010 */
    CU_ASSERT_PTR_NULL(knee__region_code("xk", 2)); /* user-assigned */
    CU_ASSERT_PTR_NULL(knee__region_code("deu", 3));
    CU_ASSERT_PTR_NULL(knee__region_code("d", 1));
    memset(&all, 0xff, sizeof all);
    while (knee__region_member(&all, n))
        n++;
    CU_ASSERT_EQUAL(n, 249); /* every assigned code */
    /* one code per cell of the partition: in both, in the first only, in neither */
    memset(two, 0, sizeof two);
    knee__region_resolve(NULL, "fr", 2, &two[0], NULL);
    knee__region_resolve(NULL, "fr", 2, &two[1], NULL);
    two[0].w[0] |= 1; /* "aa" is not a code: no cell of its own */
    CU_ASSERT_EQUAL(knee__region_representatives(two, 2, reps, 64), 2);
    CU_ASSERT_STRING_EQUAL(reps[0], "ad");
    CU_ASSERT_STRING_EQUAL(reps[1], "fr");
    CU_ASSERT_EQUAL(knee__region_representatives(&all, 1, reps, 64), 1);
}

static knee_result *compare_region(const knee_ruleset *rs, const char *region)
{
    knee_patient *p = NULL;
    knee_result *r = NULL;
    CU_ASSERT_EQUAL_FATAL(knee_patient_new(&p, rs), KNEE_OK);
    if (region)
        CU_ASSERT_EQUAL(knee_patient_set_string(p, "region", region), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_result_new(&r), KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare(rs, p, r), KNEE_OK);
    knee_patient_free(p);
    return r;
}

/* The rules that fired for option a, space-separated, and those left undecided. */
static void outcome(const knee_result *r, char *fired, char *undecided)
{
    size_t k;
    fired[0] = undecided[0] = '\0';
    for (k = 0; k < knee_result_fired_count(r, 0); k++)
        sprintf(fired + strlen(fired), "%s%s", k ? " " : "", knee_result_fired_rule(r, 0, k));
    for (k = 0; k < knee_result_unknown_count(r, 0); k++)
        sprintf(undecided + strlen(undecided), "%s%s", k ? " " : "",
                knee_result_unknown_rule(r, 0, k));
}

static void expect(const knee_ruleset *rs, const char *region, const char *fired,
                   const char *undecided, const char *value)
{
    knee_result *r = compare_region(rs, region);
    char f[256], u[256];
    outcome(r, f, u);
    CU_ASSERT_STRING_EQUAL(f, fired);
    CU_ASSERT_STRING_EQUAL(u, undecided);
    if (strcmp(f, fired) || strcmp(u, undecided))
        fprintf(stderr, "\n  region %s: fired '%s', undecided '%s'\n", region ? region : "-", f, u);
    CU_ASSERT_EQUAL(knee_result_region_count(r), 1);
    CU_ASSERT_STRING_EQUAL(knee_result_region_fact(r, 0), "region");
    if (value) {
        CU_ASSERT_STRING_EQUAL(knee_result_region_value(r, 0), value);
    } else {
        CU_ASSERT_PTR_NULL(knee_result_region_value(r, 0));
    }
    knee_result_free(r);
}

static void test_conditions(void)
{
    knee_ruleset *rs = NULL;
    knee_diag *d = NULL;
    if (knee_ruleset_load_memory(&rs, regional, strlen(regional), "regional.xml", NULL, &d) !=
        KNEE_OK)
        kt_dump(d);
    knee_diag_free(d);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rs);
    expect(rs, "de", "r-de r-eu r-not-us", "", "de");
    expect(rs, "FR", "r-eu r-not-us", "", "fr");
    expect(rs, "us", "r-list r-us", "", "us");
    /* a code the file has no rule for: no US rule, and nothing regional but "not US" */
    expect(rs, "kr", "r-not-us", "", "kr");
    /* the group uk is {gb}: gb and uk are the same region */
    expect(rs, "gb", "r-list r-not-us", "", "gb");
    expect(rs, "UK", "r-list r-not-us", "", "uk");
    /* a group as the patient's value: somewhere in the EU, so 'de' is undecided */
    expect(rs, "eu", "r-eu r-not-us", "r-de", "eu");
    /* unknown region: every region condition undecided but known() */
    expect(rs, NULL, "r-us", "r-de r-eu r-list r-not-us", NULL);
    knee_ruleset_free(rs);
}

static void test_result_and_accessors(void)
{
    knee_ruleset *rs = NULL;
    knee_result *r;
    char *json = NULL;
    CU_ASSERT_EQUAL_FATAL(
        knee_ruleset_load_memory(&rs, regional, strlen(regional), "regional.xml", NULL, NULL),
        KNEE_OK);
    CU_ASSERT_EQUAL(knee_ruleset_fact_is_region(rs, 0), 1);
    CU_ASSERT_EQUAL(knee_ruleset_fact_is_region(rs, 1), 0);
    CU_ASSERT_EQUAL(knee_ruleset_fact_is_region(rs, 2), 0);
    CU_ASSERT_EQUAL(knee_ruleset_fact_type(rs, 0), KNEE_FACT_STRING);
    CU_ASSERT_EQUAL(knee_ruleset_region_group_count(rs), 2);
    CU_ASSERT_STRING_EQUAL(knee_ruleset_region_group_id(rs, 0), "eu");
    CU_ASSERT_STRING_EQUAL(knee_ruleset_region_group_label(rs, 0), "European Union");
    CU_ASSERT_STRING_EQUAL(knee_ruleset_region_group_label(rs, 1), "uk");
    CU_ASSERT_EQUAL(knee_ruleset_region_group_member_count(rs, 0), 27);
    CU_ASSERT_STRING_EQUAL(knee_ruleset_region_group_member(rs, 0, 0), "at");
    CU_ASSERT_STRING_EQUAL(knee_ruleset_region_group_member(rs, 1, 0), "gb");
    CU_ASSERT_PTR_NULL(knee_ruleset_region_group_member(rs, 1, 1));
    CU_ASSERT_PTR_NULL(knee_ruleset_region_group_id(rs, 2));
    r = compare_region(rs, "kr");
    CU_ASSERT_EQUAL(knee_result_regional_rule_count(r, 0), 1); /* region != 'us' */
    knee_result_free(r);
    r = compare_region(rs, "de");
    CU_ASSERT_EQUAL(knee_result_regional_rule_count(r, 0), 3);
    CU_ASSERT_STRING_EQUAL(knee_result_regional_rule(r, 0, 0), "r-de");
    CU_ASSERT_STRING_EQUAL(knee_result_regional_rule(r, 0, 2), "r-not-us");
    CU_ASSERT_PTR_NULL(knee_result_regional_rule(r, 0, 3));
    CU_ASSERT_PTR_NULL(knee_result_regional_rule(r, 1, 0));
    CU_ASSERT_EQUAL(knee_result_to_json(r, &json, NULL), KNEE_OK);
    CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"regional_rules\":[{\"fact\":\"region\",\"value\":\"de\","
                                        "\"rules\":[\"r-de\",\"r-eu\",\"r-not-us\"]}]"));
    knee_free(json);
    knee_result_free(r);
    knee_ruleset_free(rs);
}

static void test_patient_values(void)
{
    knee_ruleset *rs = NULL;
    knee_patient *p = NULL;
    knee_batch *b = NULL;
    const char *col[3] = {"De", "atlantis", NULL};
    CU_ASSERT_EQUAL_FATAL(
        knee_ruleset_load_memory(&rs, regional, strlen(regional), "regional.xml", NULL, NULL),
        KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_patient_new(&p, rs), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_string(p, "region", "zz"), KNEE_ERANGE);
    CU_ASSERT_PTR_NOT_NULL(strstr(knee_patient_errmsg(p), "ISO 3166-1"));
    CU_ASSERT_EQUAL(knee_patient_set_text(p, "region", "uk"), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_text(p, "region", "EU"), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_text(p, "region", "usa"), KNEE_ERANGE);
    knee_patient_free(p);
    CU_ASSERT_EQUAL_FATAL(knee_batch_new(&b, rs, 3), KNEE_OK);
    CU_ASSERT_EQUAL(knee_batch_set_strings(b, "region", col, KNEE_BATCH_MARK_ROW), KNEE_OK);
    CU_ASSERT_EQUAL(knee_batch_row_status(b, 0), KNEE_OK);
    CU_ASSERT_EQUAL(knee_batch_row_status(b, 1), KNEE_ERANGE);
    CU_ASSERT_EQUAL(knee_batch_row_status(b, 2), KNEE_OK);
    knee_batch_free(b);
    knee_ruleset_free(rs);
}

static void rejects(const char *facts_and_groups, const char *rule_when, const char *code)
{
    char xml[4096];
    knee_ruleset *rs = NULL;
    knee_diag *d = NULL;
    snprintf(xml, sizeof xml,
             HEAD
             "%s" CRITERIA
             "<treatment id='a' name='A'><value criterion='c' typical='1' source='s'/>"
             "<rule id='x' when=\"%s\" source='s'><caution text='t'/></rule></treatment></ruleset>",
             facts_and_groups, rule_when);
    CU_ASSERT_NOT_EQUAL(knee_ruleset_load_memory(&rs, xml, strlen(xml), "bad.xml", NULL, &d),
                        KNEE_OK);
    CU_ASSERT_PTR_NULL(rs);
    if (!kt_has_diag(d, code, 0, 0)) {
        CU_FAIL("expected diagnostic missing");
        fprintf(stderr, "\n  expected %s for %s\n", code, rule_when);
        kt_dump(d);
    }
    knee_diag_free(d);
}

#define REGION_FACT                                                                                \
    "<facts><fact id='region' type='string' codes='iso-3166-1'/><fact id='prior' "                 \
    "type='set'/></facts>"

static void test_rejected(void)
{
    rejects(REGION_FACT, "region = 'zz'", "expr-region");
    rejects(REGION_FACT, "region in ['de', 'atlantis']", "expr-region");
    rejects(REGION_FACT, "region in eu", "expr-region"); /* no such group */
    rejects(REGION_FACT, "region &lt; 'de'", "expr-type");
    rejects(REGION_FACT, "region ~ '^d'", "expr-type");
    rejects(REGION_FACT, "region = 3", "expr-type");
    rejects(REGION_FACT, "region", "expr-type");
    rejects(REGION_FACT "<region-groups><group id='de'>de</group></region-groups>", "true",
            "region-group");
    rejects(REGION_FACT "<region-groups><group id='or'>de</group></region-groups>", "true",
            "region-group");
    rejects(REGION_FACT "<region-groups><group id='g'>de zz</group></region-groups>", "true",
            "region-code");
    rejects(REGION_FACT
            "<region-groups><group id='g'>de</group><group id='g'>fr</group></region-groups>",
            "true", "duplicate-id");
    rejects(REGION_FACT "<region-groups><group id='g' source='nope'>de</group></region-groups>",
            "true", "unknown-source");
    rejects("<facts><fact id='region' type='set' codes='iso-3166-1'/></facts>", "true",
            "region-fact");
    rejects("<facts><fact id='region' type='string' codes='iso-3166-1'><allowed "
            "value='us'/></fact></facts>",
            "true", "region-fact");
}

/* The lint's search understands groups: a condition no region satisfies is reported, one that
 * a region (or a group) satisfies is not. */
static void test_lint(void)
{
    static const char xml[] = HEAD REGION_FACT
        "<region-groups><group id='eu' source='s'>de fr</group></region-groups>" CRITERIA
        "<treatment id='a' name='A'><value criterion='c' typical='1' source='s'/>\n"
        "<rule id='never' when=\"region in eu and region = 'us'\" source='s'><caution "
        "text='t'/></rule>\n"
        "<rule id='ok-eu' when=\"region in eu and region != 'de'\" source='s'><caution "
        "text='t'/></rule>\n"
        "<rule id='ok-other' when=\"not (region in eu) and region != 'us'\" source='s'><caution "
        "text='t'/></rule>\n"
        "</treatment></ruleset>";
    knee_ruleset *rs = NULL;
    knee_diag *d = NULL;
    size_t i, never = 0, others = 0;
    CU_ASSERT_EQUAL_FATAL(knee_ruleset_load_memory(&rs, xml, strlen(xml), "lint.xml", NULL, NULL),
                          KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_ruleset_lint(rs, &d), KNEE_OK);
    for (i = 0; i < knee_diag_count(d); i++)
        if (strcmp(knee_diag_code(d, i), "rule-never-true") == 0) {
            if (strcmp(knee_diag_element(d, i), "never") == 0)
                never++;
            else
                others++;
        }
    CU_ASSERT_EQUAL(never, 1);
    CU_ASSERT_EQUAL(others, 0);
    CU_ASSERT_EQUAL(knee_diag_count(d), 1); /* and the group's source counts as cited */
    if (knee_diag_count(d) != 1)
        kt_dump(d);
    knee_diag_free(d);
    knee_ruleset_free(rs);
}

int main(void)
{
    CU_pSuite s;
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 1;
    s = CU_add_suite("regions", NULL, NULL);
    CU_add_test(s, "ISO 3166-1 codes", test_codes);
    CU_add_test(s, "conditions on codes and groups", test_conditions);
    CU_add_test(s, "regional rules in the result", test_result_and_accessors);
    CU_add_test(s, "patient values", test_patient_values);
    CU_add_test(s, "problems are reported", test_rejected);
    CU_add_test(s, "lint with groups", test_lint);
    return kt_run();
}
