/* test_numbers.c - numbers read and written the same way whatever locale the host set. */
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "numbers.h"
#include "support.h"

static void test_parse(void)
{
    double v = 0;
    CU_ASSERT_EQUAL(knee__parse_double("0.5", 3, &v), 0);
    CU_ASSERT_DOUBLE_EQUAL(v, 0.5, 0);
    CU_ASSERT_EQUAL(knee__parse_double(" -12 ", 5, &v), 0);
    CU_ASSERT_DOUBLE_EQUAL(v, -12, 0);
    CU_ASSERT_EQUAL(knee__parse_double("1e3", 3, &v), 0);
    CU_ASSERT_DOUBLE_EQUAL(v, 1000, 0);
    CU_ASSERT_EQUAL(knee__parse_double("0,5", 3, &v), -1);
    CU_ASSERT_EQUAL(knee__parse_double("inf", 3, &v), -1);
    CU_ASSERT_EQUAL(knee__parse_double("nan", 3, &v), -1);
    CU_ASSERT_EQUAL(knee__parse_double("0x10", 4, &v), -1);
    CU_ASSERT_EQUAL(knee__parse_double("1e999", 5, &v), -1);
    CU_ASSERT_EQUAL(knee__parse_double("", 0, &v), -1);
    CU_ASSERT_EQUAL(knee__parse_double("12abc", 5, &v), -1);
    /* len bounds the text: "12" of "123" */
    CU_ASSERT_EQUAL(knee__parse_double("123", 2, &v), 0);
    CU_ASSERT_DOUBLE_EQUAL(v, 12, 0);
}

static void test_format(void)
{
    char b[KNEE__NUMBUF];
    CU_ASSERT_STRING_EQUAL(knee__format_double(b, 0.1), "0.1");
    CU_ASSERT_STRING_EQUAL(knee__format_double(b, 0.975), "0.975");
    CU_ASSERT_STRING_EQUAL(knee__format_double(b, 90), "90");
    CU_ASSERT_STRING_EQUAL(knee__format_double(b, -0.0), "0");
    CU_ASSERT_STRING_EQUAL(knee__format_double(b, 1.0 / 3), "0.3333333333333333");
    CU_ASSERT_STRING_EQUAL(knee__format_double(b, NAN), "null");
    CU_ASSERT_STRING_EQUAL(knee__format_double(b, 1e300 * 1e10), "null");
}

/* Under a comma-decimal locale, parsing and printing must not change. The locale is installed
 * by scripts/install-deps.sh; without it this test fails rather than pass without checking. */
static void test_comma_locale(void)
{
    char b[KNEE__NUMBUF], libc[32];
    double v = 0;
    const char *loc = setlocale(LC_ALL, "de_DE.UTF-8");
    if (!loc) {
        fprintf(stderr, "\n  de_DE.UTF-8 locale missing: run scripts/install-deps.sh\n");
        CU_FAIL_FATAL("de_DE.UTF-8 locale is not installed");
    }
    snprintf(libc, sizeof libc, "%.1f", 1.5);
    CU_ASSERT_STRING_EQUAL(libc, "1,5");   /* proves the locale is in effect */
    CU_ASSERT_EQUAL(knee__parse_double("1.5", 3, &v), 0);
    CU_ASSERT_DOUBLE_EQUAL(v, 1.5, 0);
    CU_ASSERT_STRING_EQUAL(knee__format_double(b, 0.975), "0.975");
    CU_ASSERT_STRING_EQUAL(knee__format_double(b, 1234.5), "1234.5");
    {
        /* and the whole result: JSON under de_DE equals JSON under C */
        knee_ruleset *rs = kt_load_data("mini.xml");
        knee_result *r = NULL;
        char *de = NULL, *c = NULL;
        CU_ASSERT_EQUAL_FATAL(knee_result_new(&r), KNEE_OK);
        CU_ASSERT_EQUAL(knee_compare(rs, NULL, r), KNEE_OK);
        CU_ASSERT_EQUAL(knee_result_to_json(r, &de, NULL), KNEE_OK);
        setlocale(LC_ALL, "C");
        CU_ASSERT_EQUAL(knee_result_to_json(r, &c, NULL), KNEE_OK);
        CU_ASSERT_STRING_EQUAL(de, c);
        CU_ASSERT_PTR_NOT_NULL(strstr(c, "\"score\":0.975"));
        knee_free(de);
        knee_free(c);
        knee_result_free(r);
        knee_ruleset_free(rs);
    }
    setlocale(LC_ALL, "C");
}

int main(void)
{
    CU_pSuite s;
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    s = CU_add_suite("numbers", NULL, NULL);
    CU_add_test(s, "parse", test_parse);
    CU_add_test(s, "format", test_format);
    CU_add_test(s, "comma-decimal locale", test_comma_locale);
    return kt_run();
}
