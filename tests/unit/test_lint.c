/* test_lint.c - the author's lint finds each kind of problem, and nothing in clean files. */
#include <stdio.h>
#include <string.h>

#include "support.h"

static size_t count(const knee_diag *d, const char *code, const char *element)
{
    size_t i, n = 0;
    for (i = 0; i < knee_diag_count(d); i++)
        if (strcmp(knee_diag_code(d, i), code) == 0 &&
            (!element || (knee_diag_element(d, i) && strcmp(knee_diag_element(d, i), element) == 0)))
            n++;
    return n;
}

static void test_finds_each_problem(void)
{
    knee_ruleset *rs = kt_load_data("lint.xml");
    knee_diag *d = NULL;
    size_t i;
    CU_ASSERT_EQUAL_FATAL(knee_ruleset_lint(rs, &d), KNEE_OK);
    for (i = 0; i < knee_diag_count(d); i++)
        CU_ASSERT_EQUAL(knee_diag_severity(d, i), KNEE_SEVERITY_WARNING);
    CU_ASSERT_EQUAL(count(d, "source-unused", "s-unused"), 1);
    CU_ASSERT_EQUAL(count(d, "source-unused", NULL), 1);
    CU_ASSERT(kt_has_diag(d, "source-unused", 7, 5));
    /* out of the declared bounds, and a contradiction; the satisfiable ones are not flagged */
    CU_ASSERT_EQUAL(count(d, "rule-never-true", "x-impossible"), 1);
    CU_ASSERT_EQUAL(count(d, "rule-never-true", "x-contradiction"), 1);
    CU_ASSERT_EQUAL(count(d, "rule-never-true", NULL), 2);
    CU_ASSERT(kt_has_diag(d, "rule-never-true", 26, 5));
    /* x-medicare (yes) and x-old (no) can fire together; x-old and x-young cannot;
       x-medicare and x-young set the same level */
    CU_ASSERT_EQUAL(count(d, "rule-conflict", "x-old"), 1);
    CU_ASSERT_EQUAL(count(d, "rule-conflict", NULL), 1);
    for (i = 0; i < knee_diag_count(d); i++)
        if (strcmp(knee_diag_code(d, i), "rule-conflict") == 0) {
            CU_ASSERT_PTR_NOT_NULL(strstr(knee_diag_message(d, i), "x-medicare"));
            CU_ASSERT_PTR_NOT_NULL(strstr(knee_diag_message(d, i), "payer='Medicare Part B'"));
        }
    /* z has no description; y's is much thinner than the median */
    CU_ASSERT_EQUAL(count(d, "unequal-detail", "z"), 1);
    CU_ASSERT_EQUAL(count(d, "unequal-detail", "y"), 1);
    CU_ASSERT_EQUAL(count(d, "unequal-detail", "x"), 0);
    CU_ASSERT_EQUAL(knee_diag_count(d), 6);
    knee_diag_free(d);
    knee_ruleset_free(rs);
}

static void test_clean_files(void)
{
    knee_ruleset *rs = kt_load_data("mini.xml");
    knee_diag *d = NULL;
    CU_ASSERT_EQUAL_FATAL(knee_ruleset_lint(rs, &d), KNEE_OK);
    if (knee_diag_count(d))
        kt_dump(d);
    /* mini.xml has no descriptions at all: nothing is "unequal" */
    CU_ASSERT_EQUAL(knee_diag_count(d), 0);
    knee_diag_free(d);
    knee_ruleset_free(rs);
    CU_ASSERT_EQUAL(knee_ruleset_lint(NULL, &d), KNEE_EINVAL);
    CU_ASSERT_PTR_NULL(d);
}

/* Issue 13, item 16: the lint had a budget per question but none in all: a 93 KB file of rules
 * over a dozen facts each (every condition undecidable within its own budget, every pair a
 * conflict to search) kept `knee check` busy for minutes. The overall budget stops it, and a
 * warning says where. Steps are counted, not time, so the result is the same on any machine. */
static void test_overall_budget(void)
{
    static char t[1 << 17];
    size_t o = 0, r, j;
    knee_ruleset *rs = NULL;
    knee_diag *d = NULL;
    o += (size_t)snprintf(t + o, sizeof t - o,
                          "<ruleset xmlns=\"urn:libknee:rules:1\" id=\"bomb\" version=\"1.0.0\" "
                          "status=\"draft\" title=\"T\" evidence-as-of=\"2025-01-01\">\n"
                          "<sources><source id=\"s\" title=\"S\" year=\"2025\" url=\"https://e.org\"/></sources>\n"
                          "<facts>");
    for (j = 0; j < 12; j++)
        o += (size_t)snprintf(t + o, sizeof t - o, "<fact id=\"f%zu\" type=\"integer\" min=\"0\" max=\"100\"/>", j);
    o += (size_t)snprintf(t + o, sizeof t - o,
                          "</facts>\n<criteria><criterion id=\"c\" label=\"C\" direction=\"minimize\" "
                          "weight=\"1\"><scale worst=\"10\" best=\"0\"/></criterion></criteria>\n"
                          "<treatment id=\"a\" name=\"A\"><value criterion=\"c\" typical=\"1\" source=\"s\"/>\n");
    for (r = 0; r < 40; r++) {   /* each: 12 lower bounds and an upper bound below one of them */
        o += (size_t)snprintf(t + o, sizeof t - o, "<rule id=\"r%zu\" when=\"", r);
        for (j = 0; j < 12; j++)
            o += (size_t)snprintf(t + o, sizeof t - o, "f%zu &gt; %zu and ", (r + j) % 12, (r * 7 + j) % 90);
        o += (size_t)snprintf(t + o, sizeof t - o,
                              "f%zu &lt; %zu\" source=\"s\"><set criterion=\"c\" typical=\"%zu\"/></rule>\n",
                              r % 12, (r * 7) % 90, r % 9 + 1);
    }
    o += (size_t)snprintf(t + o, sizeof t - o, "</treatment>\n</ruleset>\n");
    CU_ASSERT_EQUAL_FATAL(knee_ruleset_load_memory(&rs, t, o, "bomb.xml", NULL, NULL), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_ruleset_lint(rs, &d), KNEE_OK);
    CU_ASSERT_EQUAL(count(d, "lint-budget", NULL), 1);
    for (j = 0; j < knee_diag_count(d); j++)
        if (strcmp(knee_diag_code(d, j), "lint-budget") == 0) {
            CU_ASSERT_EQUAL(knee_diag_severity(d, j), KNEE_SEVERITY_WARNING);
            CU_ASSERT_PTR_NOT_NULL(strstr(knee_diag_message(d, j), "stopped at rule"));
            CU_ASSERT(knee_diag_line(d, j) >= 5);   /* at the rule it stopped in */
            CU_ASSERT_PTR_NOT_NULL(knee_diag_element(d, j));
        }
    knee_diag_free(d);
    knee_ruleset_free(rs);
}

int main(void)
{
    CU_pSuite s;
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    s = CU_add_suite("lint", NULL, NULL);
    CU_add_test(s, "finds each problem", test_finds_each_problem);
    CU_add_test(s, "clean files", test_clean_files);
    CU_add_test(s, "an overall budget, and a warning when it runs out", test_overall_budget);
    return kt_run();
}
