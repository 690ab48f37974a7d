/* test_numbers.c - numbers read and written the same way whatever locale the host set. */
#define _POSIX_C_SOURCE 200809L /* newlocale, uselocale */
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/numbers.h"
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
    CU_ASSERT_STRING_EQUAL(libc, "1,5"); /* proves the locale is in effect */
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

/* The reference: the shortest of %.15g, %.16g, %.17g that reads back, in the "C" locale for this
 * thread whatever the host set (ci-locale runs every test under de_DE.UTF-8). */
static void reference(char *buf, double v)
{
    locale_t c = newlocale(LC_ALL_MASK, "C", (locale_t)0), old;
    int prec;
    CU_ASSERT_FATAL(c != (locale_t)0);
    old = uselocale(c);
    for (prec = 15; prec <= 17; prec++) {
        snprintf(buf, KNEE__NUMBUF, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    uselocale(old);
    freelocale(c);
}

/* knee__format_double's shortcut for whole numbers and short decimals gives the same text as
 * the printf loop for every kind of value: whole, short and long decimals, tiny, huge,
 * negative, and values next to the shortcut's limits. */
static void test_format_shortcut(void)
{
    static const double fixed[] = {1e-4,
                                   0.00011,
                                   9.9999e-5,
                                   0.0001000000000000001,
                                   1e15,
                                   999999999999999.0,
                                   999999999999999.9,
                                   1e15 - 0.5,
                                   0.15,
                                   0.2,
                                   0.30000000000000004,
                                   1.0 / 3,
                                   2.0 / 3,
                                   0.1 + 0.2,
                                   123456789012.345,
                                   5e-324,
                                   1.7976931348623157e308,
                                   42,
                                   -7.25,
                                   100000,
                                   0.41666666666666669,
                                   1e-5,
                                   12345.678901};
    char got[KNEE__NUMBUF], want[KNEE__NUMBUF];
    unsigned long long s = 88172645463325252ull;
    size_t i, bad = 0;
    for (i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        reference(want, fixed[i]);
        knee__format_double(got, fixed[i]);
        CU_ASSERT_STRING_EQUAL(got, want);
    }
    for (i = 0; i < 200000; i++) {
        double v;
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        switch (i % 5) {
        case 0:
            v = (double)(s % 100000000) / 1000.0;
            break; /* short decimals */
        case 1:
            v = (double)(s % 1000) / (double)(1 + (s >> 20) % 999);
            break; /* long decimals */
        case 2:
            v = (double)(long long)(s % 2000000000000000ull) - 1e15;
            break; /* whole */
        case 3:
            v = ldexp((double)(s >> 11), -(int)((s >> 3) % 80));
            break; /* any size */
        default: {
            double bits;
            unsigned long long u = s & 0x7fefffffffffffffull;
            memcpy(&bits, &u, sizeof bits);
            v = bits;
        }
        }
        if (v == 0 || !isfinite(v))
            continue;
        if (i & 1)
            v = -v;
        reference(want, v);
        knee__format_double(got, v);
        if (strcmp(got, want) != 0 && bad++ < 5)
            printf("\n  %.17g: got %s, want %s", v, got, want);
    }
    CU_ASSERT_EQUAL(bad, 0);
}

/* knee__parse_int: ranges, signs, blanks, and any number of digits without overflow. */
static void test_parse_int(void)
{
    long long v = 7;
    CU_ASSERT_EQUAL(knee__parse_int("42", 2, 0, 100, &v), 0);
    CU_ASSERT_EQUAL(v, 42);
    CU_ASSERT_EQUAL(knee__parse_int(" -0044 ", 7, -9999, 9999, &v), 0);
    CU_ASSERT_EQUAL(v, -44);
    CU_ASSERT_EQUAL(knee__parse_int("+7", 2, 1, 10, &v), 0);
    CU_ASSERT_EQUAL(v, 7);
    CU_ASSERT_EQUAL(knee__parse_int("2147483648", 10, 1, 2147483647, &v), 1);
    CU_ASSERT_EQUAL(v, 2147483647);
    CU_ASSERT_EQUAL(knee__parse_int("0", 1, 1, 10, &v), 1);
    CU_ASSERT_EQUAL(v, 1);
    CU_ASSERT_EQUAL(knee__parse_int("-5", 2, 1, 10, &v), 1);
    CU_ASSERT_EQUAL(v, 1);
    CU_ASSERT_EQUAL(knee__parse_int("99999999999999999999999999999", 29, 0, 10, &v), 1);
    CU_ASSERT_EQUAL(v, 10);
    CU_ASSERT_EQUAL(knee__parse_int("-99999999999999999999999999999", 30, -10, 10, &v), 1);
    CU_ASSERT_EQUAL(v, -10);
    CU_ASSERT_EQUAL(knee__parse_int("9223372036854775807", 19, LLONG_MIN, LLONG_MAX, &v), 0);
    CU_ASSERT_EQUAL(v, LLONG_MAX);
    CU_ASSERT_EQUAL(knee__parse_int("-9223372036854775808", 20, LLONG_MIN, LLONG_MAX, &v), 0);
    CU_ASSERT_EQUAL(v, LLONG_MIN);
    CU_ASSERT_EQUAL(knee__parse_int("9223372036854775808", 19, LLONG_MIN, LLONG_MAX, &v), 1);
    CU_ASSERT_EQUAL(v, LLONG_MAX);
    v = 7;
    CU_ASSERT_EQUAL(knee__parse_int("", 0, 0, 10, &v), -1);
    CU_ASSERT_EQUAL(knee__parse_int("-", 1, 0, 10, &v), -1);
    CU_ASSERT_EQUAL(knee__parse_int("1.5", 3, 0, 10, &v), -1);
    CU_ASSERT_EQUAL(knee__parse_int("1e3", 3, 0, 10000, &v), -1);
    CU_ASSERT_EQUAL(knee__parse_int("12", 1, 0, 10, &v), 0); /* only len bytes are read */
    CU_ASSERT_EQUAL(v, 1);
}

int main(void)
{
    CU_pSuite s;
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    s = CU_add_suite("numbers", NULL, NULL);
    CU_add_test(s, "parse", test_parse);
    CU_add_test(s, "parse a whole number in a range", test_parse_int);
    CU_add_test(s, "format", test_format);
    CU_add_test(s, "format shortcut = printf loop", test_format_shortcut);
    CU_add_test(s, "comma-decimal locale", test_comma_locale);
    return kt_run();
}
