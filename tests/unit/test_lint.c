/* test_lint.c - the author's lint finds each kind of problem, and nothing in clean files. */
#include <stdio.h>
#include <string.h>

#include "rules/readability.h"
#include "support.h"

static size_t count(const knee_diag *d, const char *code, const char *element)
{
    size_t i, n = 0;
    for (i = 0; i < knee_diag_count(d); i++)
        if (strcmp(knee_diag_code(d, i), code) == 0 &&
            (!element ||
             (knee_diag_element(d, i) && strcmp(knee_diag_element(d, i), element) == 0)))
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

/* ---- reading grade of the texts for patients ------------------------------------------------- */

static void grade_is(const char *text, size_t words, size_t sentences, size_t syllables,
                     double grade)
{
    knee__reading c;
    double g = knee__reading_grade(text, &c);
    CU_ASSERT_EQUAL(c.words, words);
    CU_ASSERT_EQUAL(c.sentences, sentences);
    CU_ASSERT_EQUAL(c.syllables, syllables);
    CU_ASSERT_DOUBLE_EQUAL(g, grade, 0.005);
    if (c.words != words || c.sentences != sentences || c.syllables != syllables)
        fprintf(stderr, "\n  '%s': %zu words, %zu sentences, %zu syllables\n", text, c.words,
                c.sentences, c.syllables);
}

/* Known texts, counted by hand with the rules of docs/diagnostics.md. */
static void test_reading_grade(void)
{
    /* the example of the Flesch-Kincaid article: 13 words, 24 syllables, grade 11.3 */
    grade_is("The Australian platypus is seemingly a hybrid of a mammal and reptilian creature.",
             13, 1, 24, 0.39 * 13 + 11.8 * 24 / 13 - 15.59);
    grade_is("The cat sat on the mat.", 6, 1, 6, 0.39 * 6 + 11.8 - 15.59);
    /* silent final e: made 1, table 2, knee 1, the 1; hyphen parts add up: short-term 2 */
    grade_is("Made table knee the short-term", 5, 1, 7, 0.39 * 5 + 11.8 * 7 / 5 - 15.59);
    /* a number is one word of one syllable; 2.5 and 10,000 are one word; a line break ends a
       list item; "don't" and "don’t" are one word */
    grade_is("It costs 10,000 dollars\nTake 2.5 mL. Don't stop! Don’t worry?", 11, 4, 13,
             0.39 * 11 / 4 + 11.8 * 13 / 11 - 15.59);
    /* a dash between words is punctuation, é a letter (not a vowel) */
    grade_is("café—bar", 2, 1, 2, 0.39 * 2 + 11.8 - 15.59);
    grade_is("", 0, 0, 0, 0);
    grade_is(" -- ", 0, 0, 0, 0);
}

/* Only explicit <patient> texts are graded; one above grade 9 is reported where it is. */
static void test_patient_text_grade(void)
{
    static const char xml[] =
        "<ruleset xmlns='urn:libknee:rules:1' id='g' version='1.0.0' status='draft' title='G' "
        "evidence-as-of='2025-01-01'>\n"
        "<sources><source id='s' title='S' year='2020' url='https://e.org'/></sources><facts/>\n"
        "<criteria><criterion id='c' label='C' direction='maximize' weight='1'><scale worst='0' "
        "best='1'/></criterion></criteria>\n"
        "<treatment id='a' name='A'><description><patient>A shot in the knee. It may help for a "
        "few weeks.</patient>"
        "<clinician>Intra-articular corticosteroid injection provides short-term symptomatic "
        "relief.</clinician></description>\n"
        "<value criterion='c' typical='1' source='s'>\n"
        "  <patient>Intra-articular corticosteroid administration demonstrates transient "
        "symptomatic amelioration.</patient></value>\n"
        "<rule id='r' source='s'><caution text='Intra-articular corticosteroid administration "
        "demonstrates transient amelioration.'/></rule>"
        "</treatment></ruleset>";
    knee_ruleset *rs = NULL;
    knee_diag *d = NULL;
    CU_ASSERT_EQUAL_FATAL(knee_ruleset_load_memory(&rs, xml, strlen(xml), "g.xml", NULL, NULL),
                          KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_ruleset_lint(rs, &d), KNEE_OK);
    CU_ASSERT_EQUAL(count(d, "patient-reading-grade", NULL), 1);
    CU_ASSERT(kt_has_diag(d, "patient-reading-grade", 6, 3));
    CU_ASSERT_EQUAL(count(d, "patient-reading-grade", "a"), 1);
    knee_diag_free(d);
    knee_ruleset_free(rs);
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
    o += (size_t)snprintf(
        t + o, sizeof t - o,
        "<ruleset xmlns=\"urn:libknee:rules:1\" id=\"bomb\" version=\"1.0.0\" "
        "status=\"draft\" title=\"T\" evidence-as-of=\"2025-01-01\">\n"
        "<sources><source id=\"s\" title=\"S\" year=\"2025\" url=\"https://e.org\"/></sources>\n"
        "<facts>");
    for (j = 0; j < 12; j++)
        o += (size_t)snprintf(t + o, sizeof t - o,
                              "<fact id=\"f%zu\" type=\"integer\" min=\"0\" max=\"100\"/>", j);
    o += (size_t)snprintf(
        t + o, sizeof t - o,
        "</facts>\n<criteria><criterion id=\"c\" label=\"C\" direction=\"minimize\" "
        "weight=\"1\"><scale worst=\"10\" best=\"0\"/></criterion></criteria>\n"
        "<treatment id=\"a\" name=\"A\"><value criterion=\"c\" typical=\"1\" source=\"s\"/>\n");
    for (r = 0; r < 40; r++) { /* each: 12 lower bounds and an upper bound below one of them */
        o += (size_t)snprintf(t + o, sizeof t - o, "<rule id=\"r%zu\" when=\"", r);
        for (j = 0; j < 12; j++)
            o += (size_t)snprintf(t + o, sizeof t - o, "f%zu &gt; %zu and ", (r + j) % 12,
                                  (r * 7 + j) % 90);
        o += (size_t)snprintf(
            t + o, sizeof t - o,
            "f%zu &lt; %zu\" source=\"s\"><set criterion=\"c\" typical=\"%zu\"/></rule>\n", r % 12,
            (r * 7) % 90, r % 9 + 1);
    }
    o += (size_t)snprintf(t + o, sizeof t - o, "</treatment>\n</ruleset>\n");
    CU_ASSERT_EQUAL_FATAL(knee_ruleset_load_memory(&rs, t, o, "bomb.xml", NULL, NULL), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_ruleset_lint(rs, &d), KNEE_OK);
    CU_ASSERT_EQUAL(count(d, "lint-budget", NULL), 1);
    for (j = 0; j < knee_diag_count(d); j++)
        if (strcmp(knee_diag_code(d, j), "lint-budget") == 0) {
            CU_ASSERT_EQUAL(knee_diag_severity(d, j), KNEE_SEVERITY_WARNING);
            CU_ASSERT_PTR_NOT_NULL(strstr(knee_diag_message(d, j), "stopped at rule"));
            CU_ASSERT(knee_diag_line(d, j) >= 5); /* at the rule it stopped in */
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
    CU_add_test(s, "reading grade of known texts", test_reading_grade);
    CU_add_test(s, "reading grade of <patient> texts", test_patient_text_grade);
    CU_add_test(s, "an overall budget, and a warning when it runs out", test_overall_budget);
    return kt_run();
}
