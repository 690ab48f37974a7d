/* test_regex.c - the PCRE2 wrapper: compile (UTF, JIT), bounded matching, errors. */
#include <CUnit/Basic.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "knee.h"
#include "base/regex.h"

/* Default limits from knee.h (KNEE_LIMIT_REGEX_*). */
#define MATCH_LIMIT 100000u
#define DEPTH_LIMIT 1000u
#define HEAP_KIB 1024u

static knee__regex *compile_ok(const char *pat)
{
    knee__regex *re = NULL;
    size_t off = 12345;
    char buf[200] = "x";
    int rc = knee__regex_compile(&re, pat, strlen(pat), &off, buf, sizeof buf);
    CU_ASSERT_EQUAL(rc, KNEE_OK);
    CU_ASSERT_PTR_NOT_NULL(re);
    return re;
}

static knee__match_scratch *scratch(uint32_t m, uint32_t d, uint32_t h)
{
    knee__match_scratch *s = NULL;
    CU_ASSERT_EQUAL_FATAL(knee__match_scratch_new(&s, m, d, h, 0), KNEE_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    return s;
}

/* 1, 0 or the error, for a NUL-terminated subject. */
static int match(const char *pat, const char *subject)
{
    knee__regex *re = compile_ok(pat);
    knee__match_scratch *s = scratch(MATCH_LIMIT, DEPTH_LIMIT, HEAP_KIB);
    char err[200];
    int rc = re ? knee__regex_match(re, subject, strlen(subject), s, err, sizeof err) : -100;
    knee__regex_free(re);
    knee__match_scratch_free(s);
    return rc;
}

static void test_match_and_no_match(void)
{
    CU_ASSERT_EQUAL(match("^medicare", "medicare part b"), 1);
    CU_ASSERT_EQUAL(match("^medicare", "private, not medicare"), 0);
    CU_ASSERT_EQUAL(match("medicare", "private, not medicare"), 1);
    CU_ASSERT_EQUAL(match("^(medicare|mcr)$", "mcr"), 1);
    CU_ASSERT_EQUAL(match("^(medicare|mcr)$", "mcrx"), 0);
    CU_ASSERT_EQUAL(match("\\d{3}", "ab123"), 1);
    CU_ASSERT_EQUAL(match("\\d{3}", "ab12"), 0);
    CU_ASSERT_EQUAL(match("", ""), 1);
    CU_ASSERT_EQUAL(match("^$", ""), 1);
    CU_ASSERT_EQUAL(match("a", ""), 0);
}

static void test_case_flags(void)
{
    CU_ASSERT_EQUAL(match("^medicare", "Medicare"), 0);
    CU_ASSERT_EQUAL(match("(?i)^medicare", "Medicare"), 1);
    CU_ASSERT_EQUAL(match("(?i)^(medicare|mcr)", "MCR advantage"), 1);
    CU_ASSERT_EQUAL(match("(?i)^medicare", "Medicaid"), 0);
    /* UTF mode: case folding beyond ASCII. */
    CU_ASSERT_EQUAL(match("(?i)^\xc3\xa9t\xc3\xa9$", "\xc3\x89T\xc3\x89"), 1); /* été / ÉTÉ */
}

static void test_utf_mode(void)
{
    /* One character, two bytes: only UTF mode sees a single character here. */
    CU_ASSERT_EQUAL(match("^.$", "\xc3\xa9"), 1);
    CU_ASSERT_EQUAL(match("^..$", "\xc3\xa9"), 0);
    CU_ASSERT_EQUAL(match("^\\x{e9}$", "\xc3\xa9"), 1);
}

static void test_binary_subject_length(void)
{
    /* The subject is (buf, len): bytes after len are not looked at, and a NUL inside counts. */
    knee__regex *re = compile_ok("^abc$");
    knee__match_scratch *s = scratch(MATCH_LIMIT, DEPTH_LIMIT, HEAP_KIB);
    char err[100];
    CU_ASSERT_EQUAL(knee__regex_match(re, "abcdef", 3, s, err, sizeof err), 1);
    CU_ASSERT_EQUAL(knee__regex_match(re, "abc\0", 4, s, err, sizeof err), 0);
    CU_ASSERT_EQUAL(knee__regex_match(re, NULL, 0, s, err, sizeof err), 0);
    knee__regex_free(re);
    re = compile_ok("^$");
    CU_ASSERT_EQUAL(knee__regex_match(re, NULL, 0, s, err, sizeof err), 1);
    knee__regex_free(re);
    knee__match_scratch_free(s);
}

static void test_scratch_reuse(void)
{
    /* One scratch, many patterns and subjects, with more groups than the match data's one pair. */
    knee__regex *a = compile_ok("^(a)(b)(c)(d)(e)$");
    knee__regex *b = compile_ok("x+");
    knee__match_scratch *s = scratch(MATCH_LIMIT, DEPTH_LIMIT, HEAP_KIB);
    char err[100];
    int i;
    for (i = 0; i < 100; i++) {
        CU_ASSERT_EQUAL(knee__regex_match(a, "abcde", 5, s, err, sizeof err), 1);
        CU_ASSERT_EQUAL(knee__regex_match(b, "abcde", 5, s, err, sizeof err), 0);
        CU_ASSERT_EQUAL(knee__regex_match(b, "axxe", 4, s, err, sizeof err), 1);
    }
    knee__regex_free(a);
    knee__regex_free(b);
    knee__match_scratch_free(s);
}

static void check_invalid(const char *pat, size_t len, size_t want_off, const char *want_msg)
{
    knee__regex *re = (knee__regex *)&re; /* not NULL: must be reset */
    size_t off = 12345;
    char buf[200] = "";
    int rc = knee__regex_compile(&re, pat, len, &off, buf, sizeof buf);
    CU_ASSERT_EQUAL(rc, KNEE_EINVALID);
    CU_ASSERT_PTR_NULL(re);
    CU_ASSERT_EQUAL(off, want_off);
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, want_msg));
}

static void test_invalid_patterns(void)
{
    check_invalid("a(b", 3, 3, "missing closing parenthesis");
    check_invalid("ab)", 3, 2, "unmatched closing parenthesis");
    check_invalid("abc[", 4, 4, "missing terminating ]");
    check_invalid("a{2,1}", 6, 5, "out of order");
    check_invalid("x\xff", 2, 1, "UTF-8 error");     /* the pattern is UTF-checked */
    check_invalid("ab\\C", 4, 4, "\\C is disabled"); /* \C could split a character */
    check_invalid("(?<n", 4, 4, "subpattern name");
}

static void test_invalid_pattern_small_errbuf(void)
{
    knee__regex *re = NULL;
    size_t off = 0;
    char buf[8];
    memset(buf, 'z', sizeof buf);
    CU_ASSERT_EQUAL(knee__regex_compile(&re, "a(b", 3, &off, buf, sizeof buf), KNEE_EINVALID);
    CU_ASSERT_EQUAL(buf[sizeof buf - 1], '\0');
    CU_ASSERT_EQUAL(knee__regex_compile(&re, "a(b", 3, &off, NULL, 0), KNEE_EINVALID);
    CU_ASSERT_EQUAL(knee__regex_compile(&re, "a(b", 3, NULL, NULL, 0), KNEE_EINVALID);
}

static void test_catastrophic_backtracking(void)
{
    /* ^(a+)+$ against a^30 b takes about 2^30 steps unbounded; the match limit ends it. */
    knee__regex *re = compile_ok("^(a+)+$");
    knee__match_scratch *s = scratch(10000, DEPTH_LIMIT, HEAP_KIB);
    char subject[32], err[200] = "";
    memset(subject, 'a', 30);
    subject[30] = 'b';
    CU_ASSERT_EQUAL(knee__regex_match(re, subject, 31, s, err, sizeof err), KNEE_EREGEX);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "pattern match limit reached"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "10000"));
    /* The scratch still works afterwards. */
    CU_ASSERT_EQUAL(knee__regex_match(re, subject, 30, s, err, sizeof err), 1);
    knee__regex_free(re);
    knee__match_scratch_free(s);
}

static void test_depth_and_heap_limits(void)
{
    /* (*NO_JIT) forces the interpreter, which honours the depth and heap limits. */
    static const char pat[] = "(*NO_JIT)^(?:(a)|b)*$";
    static char subject[2000];
    knee__regex *re = compile_ok(pat);
    knee__match_scratch *s;
    char err[200] = "";
    memset(subject, 'a', sizeof subject - 1);

    s = scratch(100000000u, 10, HEAP_KIB);
    CU_ASSERT_EQUAL(knee__regex_match(re, subject, sizeof subject - 1, s, err, sizeof err),
                    KNEE_EREGEX);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "pattern match limit reached (depth limit 10)"));
    knee__match_scratch_free(s);

    s = scratch(100000000u, 100000000u, 1);
    CU_ASSERT_EQUAL(knee__regex_match(re, subject, sizeof subject - 1, s, err, sizeof err),
                    KNEE_EREGEX);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "pattern match limit reached (heap limit 1 KiB)"));
    knee__match_scratch_free(s);

    /* Generous limits: the same match succeeds. */
    s = scratch(100000000u, 100000000u, 100000);
    CU_ASSERT_EQUAL(knee__regex_match(re, subject, sizeof subject - 1, s, err, sizeof err), 1);
    knee__match_scratch_free(s);
    knee__regex_free(re);
}

static void test_jit_pattern_budget(void)
{
    /* The same pattern under the JIT (when available) on a long subject with a tiny heap
     * budget: either the JIT stack or the interpreter's heap limit stops it. */
    static char subject[200000];
    knee__regex *re = compile_ok("^(?:(a)|b)*$");
    knee__match_scratch *s = scratch(100000000u, 100000000u, 1);
    char err[200] = "";
    memset(subject, 'a', sizeof subject - 1);
    CU_ASSERT_EQUAL(knee__regex_match(re, subject, sizeof subject - 1, s, err, sizeof err),
                    KNEE_EREGEX);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "pattern match limit reached"));
    knee__match_scratch_free(s);
    knee__regex_free(re);
}

static void test_invalid_utf8_subject(void)
{
    knee__regex *re = compile_ok("a");
    knee__match_scratch *s = scratch(MATCH_LIMIT, DEPTH_LIMIT, HEAP_KIB);
    char err[200] = "";
    CU_ASSERT_EQUAL(knee__regex_match(re, "ab\xff", 3, s, err, sizeof err), KNEE_EREGEX);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "not valid UTF-8 at byte 2"));
    /* A truncated multi-byte sequence and an overlong encoding. */
    CU_ASSERT_EQUAL(knee__regex_match(re, "a\xc3", 2, s, err, sizeof err), KNEE_EREGEX);
    CU_ASSERT_EQUAL(knee__regex_match(re, "\xc0\xaf", 2, s, err, sizeof err), KNEE_EREGEX);
    /* A NULL or tiny errbuf is fine. */
    CU_ASSERT_EQUAL(knee__regex_match(re, "ab\xff", 3, s, NULL, 0), KNEE_EREGEX);
    CU_ASSERT_EQUAL(knee__regex_match(re, "ab\xff", 3, s, err, 1), KNEE_EREGEX);
    CU_ASSERT_EQUAL(err[0], '\0');
    /* Valid UTF-8 still matches. */
    CU_ASSERT_EQUAL(knee__regex_match(re, "\303\251a", 3, s, err, sizeof err), 1); /* "éa" */
    knee__regex_free(re);
    knee__match_scratch_free(s);
}

/* Subjects in heap blocks of exactly their length, as the patient stores them: the JIT must
 * agree with the interpreter, and (under valgrind) nothing past the block may be read. Also a
 * subject longer than the scratch's padded copy, which is matched where it is. */
static void test_heap_subjects(void)
{
    static const char *const pats[] = {
        "(?i)^self[-_ ]?pay",  "[a-c](?=\\d)", "y",     "(?i)pay$",
        "(?i)^(medicare|mcr)", "^commercial",  "b1 y$", "(?i)[xyz]{2}"};
    static const char base[] = "medicare self-pay commercial b1 y";
    knee__match_scratch *s = scratch(MATCH_LIMIT, DEPTH_LIMIT, HEAP_KIB);
    char err[200], nojit[64];
    size_t i, len;
    for (i = 0; i < sizeof pats / sizeof pats[0]; i++) {
        knee__regex *jit = compile_ok(pats[i]), *interp;
        snprintf(nojit, sizeof nojit, "(*NO_JIT)%s", pats[i]);
        interp = compile_ok(nojit);
        if (!jit || !interp)
            break;
        for (len = 0; len < sizeof base; len++) {
            char *h = malloc(len ? len : 1);
            int a, b;
            CU_ASSERT_PTR_NOT_NULL_FATAL(h);
            memcpy(h, base, len);
            a = knee__regex_match(jit, h, len, s, err, sizeof err);
            b = knee__regex_match(interp, h, len, s, err, sizeof err);
            CU_ASSERT(a == 0 || a == 1);
            CU_ASSERT_EQUAL(a, b);
            free(h);
        }
        knee__regex_free(jit);
        knee__regex_free(interp);
    }
    {
        /* 5000 bytes: past the padded copy (4096), matched in place. */
        size_t n = 5000;
        char *h = calloc(1, n + 64);
        knee__regex *re = compile_ok("(?i)self-pay$");
        CU_ASSERT_PTR_NOT_NULL_FATAL(h);
        memset(h, 'x', n);
        memcpy(h + n - 8, "self-pay", 8);
        CU_ASSERT_EQUAL(knee__regex_match(re, h, n, s, err, sizeof err), 1);
        CU_ASSERT_EQUAL(knee__regex_match(re, h, n - 1, s, err, sizeof err), 0);
        knee__regex_free(re);
        free(h);
    }
    knee__match_scratch_free(s);
}

static void test_free_null(void)
{
    knee__regex_free(NULL);
    knee__match_scratch_free(NULL);
    CU_PASS("NULL accepted");
}

#ifdef KNEE_FAULT_INJECTION
/* Fail each allocation in turn: every failure is a clean KNEE_ENOMEM with nothing leaked
 * (valgrind / ASan check the leaks), and a failure inside the JIT only costs speed. */
static void test_fault_injection(void)
{
    long total, n;
    knee__regex *re = NULL;
    knee__match_scratch *s = NULL;
    size_t off;
    char err[200];
    static const char pat[] = "(?i)^(medicare|mcr)\\d*$";

    knee__fault_inject(-1);
    CU_ASSERT_EQUAL_FATAL(knee__regex_compile(&re, pat, strlen(pat), &off, err, sizeof err), 0);
    total = knee__fault_inject(-1);
    knee__regex_free(re);
    CU_ASSERT(total > 0);
    for (n = 0; n < total; n++) {
        int rc;
        re = NULL;
        knee__fault_inject(n);
        rc = knee__regex_compile(&re, pat, strlen(pat), &off, err, sizeof err);
        knee__fault_inject(-1);
        CU_ASSERT(rc == KNEE_OK || rc == KNEE_ENOMEM);
        if (rc == KNEE_OK) {
            /* The pattern still works (JIT or interpreter). */
            CU_ASSERT_PTR_NOT_NULL_FATAL(re);
            CU_ASSERT_EQUAL_FATAL(knee__match_scratch_new(&s, 1000, 100, 100, 0), KNEE_OK);
            CU_ASSERT_EQUAL(knee__regex_match(re, "MCR12", 5, s, err, sizeof err), 1);
            CU_ASSERT_EQUAL(knee__regex_match(re, "MCRx", 4, s, err, sizeof err), 0);
            knee__match_scratch_free(s);
            knee__regex_free(re);
        } else {
            CU_ASSERT_PTR_NULL(re);
        }
    }

    knee__fault_inject(-1);
    CU_ASSERT_EQUAL_FATAL(knee__match_scratch_new(&s, 1000, 100, 100, 0), KNEE_OK);
    total = knee__fault_inject(-1);
    knee__match_scratch_free(s);
    for (n = 0; n < total; n++) {
        int rc;
        s = (knee__match_scratch *)&s;
        knee__fault_inject(n);
        rc = knee__match_scratch_new(&s, 1000, 100, 100, 0);
        knee__fault_inject(-1);
        /* A JIT stack that cannot be had is not fatal: the JIT then uses its small default. */
        CU_ASSERT(rc == KNEE_OK || rc == KNEE_ENOMEM);
        if (rc == KNEE_OK) {
            knee__regex *re2 = compile_ok("^a+$");
            CU_ASSERT_EQUAL(knee__regex_match(re2, "aaa", 3, s, err, sizeof err), 1);
            knee__regex_free(re2);
            knee__match_scratch_free(s);
        } else {
            CU_ASSERT_PTR_NULL(s);
        }
    }
}

static void test_match_allocates_nothing_after_warmup(void)
{
    knee__regex *re = compile_ok("(?i)^(medicare|mcr)");
    knee__match_scratch *s = scratch(MATCH_LIMIT, DEPTH_LIMIT, HEAP_KIB);
    char err[200];
    int i;
    long made;
    CU_ASSERT_EQUAL(knee__regex_match(re, "Medicare", 8, s, err, sizeof err), 1);
    knee__fault_inject(-1);
    for (i = 0; i < 100; i++) {
        CU_ASSERT_EQUAL(knee__regex_match(re, "Medicare", 8, s, err, sizeof err), 1);
        CU_ASSERT_EQUAL(knee__regex_match(re, "private", 7, s, err, sizeof err), 0);
    }
    made = knee__fault_inject(-1);
    CU_ASSERT_EQUAL(made, 0);
    knee__regex_free(re);
    knee__match_scratch_free(s);
}
#endif

int main(void)
{
    CU_pSuite suite;
    unsigned failures;
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    suite = CU_add_suite("regex", NULL, NULL);
    if (!suite)
        goto fail;
    if (!CU_add_test(suite, "match and no match", test_match_and_no_match) ||
        !CU_add_test(suite, "(?i) and case flags", test_case_flags) ||
        !CU_add_test(suite, "UTF mode", test_utf_mode) ||
        !CU_add_test(suite, "subject is (buf, len)", test_binary_subject_length) ||
        !CU_add_test(suite, "scratch reuse", test_scratch_reuse) ||
        !CU_add_test(suite, "invalid patterns and offsets", test_invalid_patterns) ||
        !CU_add_test(suite, "invalid pattern, small errbuf", test_invalid_pattern_small_errbuf) ||
        !CU_add_test(suite, "catastrophic backtracking hits the match limit",
                     test_catastrophic_backtracking) ||
        !CU_add_test(suite, "depth and heap limits", test_depth_and_heap_limits) ||
        !CU_add_test(suite, "JIT budget", test_jit_pattern_budget) ||
        !CU_add_test(suite, "invalid UTF-8 subject", test_invalid_utf8_subject) ||
        !CU_add_test(suite, "heap subjects, JIT against interpreter", test_heap_subjects) ||
        !CU_add_test(suite, "free(NULL)", test_free_null))
        goto fail;
#ifdef KNEE_FAULT_INJECTION
    if (!CU_add_test(suite, "allocation failures", test_fault_injection) ||
        !CU_add_test(suite, "matching allocates nothing after warm-up",
                     test_match_allocates_nothing_after_warmup))
        goto fail;
#endif
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    failures = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
    CU_cleanup_registry();
    return failures ? 1 : 0;
fail:
    CU_cleanup_registry();
    return 2;
}
