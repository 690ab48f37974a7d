/* test_limits.c - every limit of docs/limits.md at and just past its value, and hostile inputs
 * (XXE, billion laughs, DOCTYPE, deep nesting, huge element and attribute counts, a 200 MB file,
 * an endless stream, invalid UTF-8, NUL bytes, catastrophic regexes): each must end in a clear
 * error within a bounded time. Measured times are printed (docs/security.md quotes them). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "support.h"

static char *mini;
static size_t mini_len;
static char *knee_oa;
static size_t knee_oa_len;

/* ---- helpers -------------------------------------------------------------------------------- */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Bounds are for a plain build; valgrind and sanitizers are slower. */
static double time_factor(void)
{
    const char *f = getenv("KNEE_TIME_FACTOR"), *pre = getenv("LD_PRELOAD");
    if (f && atof(f) > 0)
        return atof(f);
    if (pre && strstr(pre, "vgpreload"))
        return 100;
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    return 10;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
    return 10;
#endif
#endif
    return 1;
}

/* Under valgrind the biggest hostile inputs shrink tenfold (valgrind is there to find memory
 * errors; the plain and ASan runs measure the full sizes). */
static size_t shrink(void)
{
    return time_factor() >= 100 ? 10 : 1;
}

/* A copy of src with the first occurrence of from replaced by to (from must occur). */
static char *replace(const char *src, const char *from, const char *to)
{
    const char *at = strstr(src, from);
    size_t a, f = strlen(from), t = strlen(to);
    char *out;
    if (!at) {
        fprintf(stderr, "replace: '%s' not found\n", from);
        exit(2);
    }
    a = (size_t)(at - src);
    out = malloc(strlen(src) - f + t + 1);
    if (!out)
        exit(2);
    memcpy(out, src, a);
    memcpy(out + a, to, t);
    strcpy(out + a + t, at + f);
    return out;
}

static knee_options *opts_with(int limit, int64_t value)
{
    knee_options *o = NULL;
    if (knee_options_new(&o) != KNEE_OK || knee_options_set_limit(o, limit, value) != KNEE_OK) {
        fprintf(stderr, "options failed\n");
        exit(2);
    }
    return o;
}

/* Load rules; return the status and check the diagnostic code when not OK. */
static int load(const char *buf, size_t len, const knee_options *o, const char *want_code)
{
    knee_ruleset *rs = NULL;
    knee_diag *d = NULL;
    int rc = knee_ruleset_load_memory(&rs, buf, len, "limits.xml", o, &d);
    if (want_code) {
        if (!kt_has_diag(d, want_code, 0, 0)) {
            fprintf(stderr, "    expected diagnostic %s, got:\n", want_code);
            kt_dump(d);
        }
        CU_ASSERT(kt_has_diag(d, want_code, 0, 0));
    } else if (rc != KNEE_OK) {
        kt_dump(d);
    }
    knee_diag_free(d);
    knee_ruleset_free(rs);
    return rc;
}

/* Run a hostile rule-file input: it must fail with want_rc and want_code within bound_s. */
static void hostile(const char *what, const char *buf, size_t len, const knee_options *o,
                    int want_rc, const char *want_code, double bound_s)
{
    knee_ruleset *rs = NULL;
    knee_diag *d = NULL;
    double t0, dt;
    int rc;
    if (len == 0)
        len = strlen(buf);
    t0 = now();
    rc = knee_ruleset_load_memory(&rs, buf, len, "hostile.xml", o, &d);
    dt = now() - t0;
    printf("\n    %-44s %9zu bytes: %-16s %-9.4f s ", what, len,
           knee_diag_count(d) ? knee_diag_code(d, 0) : knee_strerror(rc), dt);
    CU_ASSERT_EQUAL(rc, want_rc);
    CU_ASSERT_PTR_NULL(rs);
    if (want_code && !kt_has_diag(d, want_code, 0, 0)) {
        fprintf(stderr, "    %s: expected diagnostic %s, got:\n", what, want_code);
        kt_dump(d);
        CU_FAIL("diagnostic missing");
    }
    CU_ASSERT(dt < bound_s * time_factor());
    knee_diag_free(d);
    knee_ruleset_free(rs);
}

/* A buffer of n bytes built by repeating unit between head and tail. */
static char *repeat(const char *head, const char *unit, size_t times, const char *tail, size_t *len)
{
    size_t h = strlen(head), u = strlen(unit), t = strlen(tail), i;
    char *b = malloc(h + u * times + t + 1), *p = b;
    if (!b)
        exit(2);
    memcpy(p, head, h);
    p += h;
    for (i = 0; i < times; i++, p += u)
        memcpy(p, unit, u);
    memcpy(p, tail, t);
    p += t;
    *p = '\0';
    *len = (size_t)(p - b);
    return b;
}

/* ---- KNEE_LIMIT_INPUT_BYTES ----------------------------------------------------------------- */

static void write_file(const char *path, const char *buf, size_t len)
{
    FILE *f = fopen(path, "wb");
    CU_ASSERT_FATAL(f != NULL);
    CU_ASSERT_FATAL(fwrite(buf, 1, len, f) == len);
    fclose(f);
}

static void test_input_bytes(void)
{
    knee_options *at = opts_with(KNEE_LIMIT_INPUT_BYTES, (int64_t)mini_len);
    knee_options *past = opts_with(KNEE_LIMIT_INPUT_BYTES, (int64_t)mini_len - 1);
    knee_ruleset *rs = NULL, *m = kt_load_data("mini.xml");
    knee_patient *p = NULL;
    knee_diag *d = NULL;
    const char *path = "limits-input.xml";
    char *pat;
    size_t pat_len;
    char ppath[1024];

    /* rule files, from memory and from a file */
    CU_ASSERT_EQUAL(load(mini, mini_len, at, NULL), KNEE_OK);
    CU_ASSERT_EQUAL(load(mini, mini_len, past, "limit-size"), KNEE_ELIMIT);
    write_file(path, mini, mini_len);
    CU_ASSERT_EQUAL(knee_ruleset_load_file(&rs, path, at, NULL), KNEE_OK);
    knee_ruleset_free(rs);
    CU_ASSERT_EQUAL(knee_ruleset_load_file(&rs, path, past, &d), KNEE_ELIMIT);
    CU_ASSERT(kt_has_diag(d, "limit-size", 0, 0));
    CU_ASSERT_PTR_NULL(rs);
    knee_diag_free(d);
    unlink(path);

    /* patient files, from memory and from a file */
    snprintf(ppath, sizeof ppath, "%s/patient-ok.xml", KNEE_TEST_DATA);
    pat = kt_read(ppath, &pat_len);
    knee_options_free(at);
    knee_options_free(past);
    at = opts_with(KNEE_LIMIT_INPUT_BYTES, (int64_t)pat_len);
    past = opts_with(KNEE_LIMIT_INPUT_BYTES, (int64_t)pat_len - 1);
    CU_ASSERT_EQUAL_FATAL(knee_patient_new(&p, m), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_load_memory(p, pat, pat_len, "p.xml", at, NULL), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_load_memory(p, pat, pat_len, "p.xml", past, &d), KNEE_ELIMIT);
    CU_ASSERT(kt_has_diag(d, "limit-size", 0, 0));
    knee_diag_free(d);
    CU_ASSERT_EQUAL(knee_patient_load_file(p, ppath, at, NULL), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_load_file(p, ppath, past, &d), KNEE_ELIMIT);
    CU_ASSERT(kt_has_diag(d, "limit-size", 0, 0));
    knee_diag_free(d);
    free(pat);
    knee_patient_free(p);
    knee_ruleset_free(m);
    knee_options_free(at);
    knee_options_free(past);
}

/* A 200 MB file is refused from its size, before it is read: the time does not grow with it. */
static void test_200mb_file(void)
{
    const char *path = "limits-200mb.xml";
    static char chunk[1 << 20];
    knee_ruleset *rs = NULL, *m = kt_load_data("mini.xml");
    knee_patient *p = NULL;
    knee_diag *d = NULL;
    double t0, t_write, t_rules, t_patient;
    size_t i;
    int fd, rc;

    /* Real bytes (not a sparse file): a start tag, then 200 MiB of text. */
    memset(chunk, 'x', sizeof chunk);
    memcpy(chunk, "<ruleset xmlns=\"urn:libknee:rules:1\">", 37);
    t0 = now();
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    CU_ASSERT_FATAL(fd >= 0);
    for (i = 0; i < 200; i++) {
        CU_ASSERT_FATAL(write(fd, chunk, sizeof chunk) == (ssize_t)sizeof chunk);
        chunk[0] = 'x';
        memset(chunk, 'x', 37);
    }
    close(fd);
    t_write = now() - t0;

    t0 = now();
    rc = knee_ruleset_load_file(&rs, path, NULL, &d);
    t_rules = now() - t0;
    CU_ASSERT_EQUAL(rc, KNEE_ELIMIT);
    CU_ASSERT_PTR_NULL(rs);
    CU_ASSERT(kt_has_diag(d, "limit-size", 0, 0));
    knee_diag_free(d);

    CU_ASSERT_EQUAL_FATAL(knee_patient_new(&p, m), KNEE_OK);
    t0 = now();
    rc = knee_patient_load_file(p, path, NULL, &d);
    t_patient = now() - t0;
    CU_ASSERT_EQUAL(rc, KNEE_ELIMIT);
    CU_ASSERT(kt_has_diag(d, "limit-size", 0, 0));
    knee_diag_free(d);
    unlink(path);
    printf("\n    200 MiB file (written in %.2f s): rule load refused in %.6f s, patient load in "
           "%.6f s ",
           t_write, t_rules, t_patient);
    /* Reading 200 MiB alone would take far longer than this. */
    CU_ASSERT(t_rules < 0.05 * time_factor());
    CU_ASSERT(t_patient < 0.05 * time_factor());
    knee_patient_free(p);
    knee_ruleset_free(m);
}

/* A stream without a size (a character device) is read only until it passes the limit. */
static void test_endless_stream(void)
{
    knee_ruleset *rs = NULL;
    knee_diag *d = NULL;
    double t0 = now(), dt;
    int rc = knee_ruleset_load_file(&rs, "/dev/zero", NULL, &d);
    dt = now() - t0;
    printf("\n    /dev/zero (endless, no size): %s in %.3f s ",
           knee_diag_count(d) ? knee_diag_code(d, 0) : "?", dt);
    CU_ASSERT_EQUAL(rc, KNEE_ELIMIT);
    CU_ASSERT(kt_has_diag(d, "limit-size", 0, 0));
    CU_ASSERT(dt < 2 * time_factor());
    knee_diag_free(d);
}

/* ---- KNEE_LIMIT_XML_DEPTH, KNEE_LIMIT_ELEMENTS, KNEE_LIMIT_RULES ----------------------------- */

static void test_xml_depth(void)
{
    /* mini.xml nests 4 deep: ruleset > treatment > rule > adjust */
    knee_options *at = opts_with(KNEE_LIMIT_XML_DEPTH, 4),
                 *past = opts_with(KNEE_LIMIT_XML_DEPTH, 3);
    char *buf;
    size_t len;
    CU_ASSERT_EQUAL(load(mini, mini_len, at, NULL), KNEE_OK);
    CU_ASSERT_EQUAL(load(mini, mini_len, past, "limit-depth"), KNEE_ELIMIT);
    /* the default, 32: 32 levels pass the depth check (and then fail the schema), 33 do not */
    buf = repeat("<ruleset xmlns=\"urn:libknee:rules:1\">", "<x>", 31, "", &len);
    {
        char *full = malloc(len + 31 * 4 + 20);
        size_t i;
        strcpy(full, buf);
        for (i = 0; i < 31; i++)
            strcat(full, "</x>");
        strcat(full, "</ruleset>");
        CU_ASSERT_EQUAL(load(full, strlen(full), NULL, "schema-element"), KNEE_EINVALID);
        free(full);
    }
    free(buf);
    buf = repeat("<ruleset xmlns=\"urn:libknee:rules:1\">", "<x>", 32, "", &len);
    CU_ASSERT_EQUAL(load(buf, len, NULL, "limit-depth"), KNEE_ELIMIT);
    free(buf);
    knee_options_free(at);
    knee_options_free(past);
}

static size_t count_elements(const char *s)
{
    size_t n = 0;
    for (; (s = strchr(s, '<')) != NULL; s++)
        if (s[1] != '/' && s[1] != '!' && s[1] != '?')
            n++;
    return n;
}

static void test_elements(void)
{
    size_t n = count_elements(mini);
    knee_options *at = opts_with(KNEE_LIMIT_ELEMENTS, (int64_t)n);
    knee_options *past = opts_with(KNEE_LIMIT_ELEMENTS, (int64_t)n - 1);
    CU_ASSERT_EQUAL(load(mini, mini_len, at, NULL), KNEE_OK);
    CU_ASSERT_EQUAL(load(mini, mini_len, past, "limit-elements"), KNEE_ELIMIT);
    knee_options_free(at);
    knee_options_free(past);
}

static void test_rules(void)
{
    knee_ruleset *rs = NULL;
    size_t n;
    knee_options *at, *past;
    CU_ASSERT_EQUAL_FATAL(knee_ruleset_load_memory(&rs, knee_oa, knee_oa_len, "k", NULL, NULL),
                          KNEE_OK);
    n = knee_ruleset_rule_count(rs);
    knee_ruleset_free(rs);
    CU_ASSERT(n > 10);
    at = opts_with(KNEE_LIMIT_RULES, (int64_t)n);
    past = opts_with(KNEE_LIMIT_RULES, (int64_t)n - 1);
    CU_ASSERT_EQUAL(load(knee_oa, knee_oa_len, at, NULL), KNEE_OK);
    CU_ASSERT_EQUAL(load(knee_oa, knee_oa_len, past, "limit-rules"), KNEE_ELIMIT);
    knee_options_free(at);
    knee_options_free(past);
}

/* ---- KNEE_LIMIT_EXPR_BYTES and KNEE_LIMIT_EXPR_DEPTH ----------------------------------------- */

/* mini.xml with rule b-old's condition replaced. */
static char *mini_when(const char *cond)
{
    char attr[9000];
    snprintf(attr, sizeof attr, "when=\"%s\"", cond);
    return replace(mini, "when=\"age &gt;= 65\"", attr);
}

static void test_expr_bytes(void)
{
    /* the longest condition in mini.xml: payer ~ '(?i)^(medicare|mcr)' */
    size_t longest = strlen("payer ~ '(?i)^(medicare|mcr)'");
    knee_options *at = opts_with(KNEE_LIMIT_EXPR_BYTES, (int64_t)longest);
    knee_options *past = opts_with(KNEE_LIMIT_EXPR_BYTES, (int64_t)longest - 1);
    char cond[4200], *buf;
    CU_ASSERT_EQUAL(load(mini, mini_len, at, NULL), KNEE_OK);
    CU_ASSERT_EQUAL(load(mini, mini_len, past, "limit-expr"), KNEE_ELIMIT);
    /* the default, 4,096 bytes: "age &gt;= 65" decodes to 9 bytes; pad with spaces */
    memset(cond, ' ', sizeof cond);
    memcpy(cond, "age &gt;= 65", 12);
    cond[12 + 4096 - 9] = '\0';
    buf = mini_when(cond);
    CU_ASSERT_EQUAL(load(buf, strlen(buf), NULL, NULL), KNEE_OK);
    free(buf);
    cond[12 + 4096 - 9] = ' ';
    cond[12 + 4097 - 9] = '\0';
    buf = mini_when(cond);
    CU_ASSERT_EQUAL(load(buf, strlen(buf), NULL, "limit-expr"), KNEE_ELIMIT);
    free(buf);
    knee_options_free(at);
    knee_options_free(past);
}

/* A condition nested k parentheses deep around a comparison. */
static char *nested(size_t k)
{
    static char cond[4096];
    size_t i;
    char *p = cond;
    for (i = 0; i < k; i++)
        *p++ = '(';
    p += sprintf(p, "age &gt;= 65");
    for (i = 0; i < k; i++)
        *p++ = ')';
    *p = '\0';
    return mini_when(cond);
}

static void test_expr_depth(void)
{
    /* Find the deepest nesting the default (64) accepts; one more must be refused, and a limit
     * one higher must accept it again: the limit, nothing else, decides. */
    size_t k, ok = 0;
    knee_options *higher = opts_with(KNEE_LIMIT_EXPR_DEPTH, 65);
    for (k = 40; k < 80; k++) {
        char *buf = nested(k);
        knee_ruleset *rs = NULL;
        int rc = knee_ruleset_load_memory(&rs, buf, strlen(buf), "d", NULL, NULL);
        knee_ruleset_free(rs);
        free(buf);
        if (rc != KNEE_OK)
            break;
        ok = k;
    }
    CU_ASSERT_EQUAL(ok, 64); /* each parenthesis is one level */
    {
        char *buf = nested(ok + 1);
        CU_ASSERT_EQUAL(load(buf, strlen(buf), NULL, "limit-expr"), KNEE_ELIMIT);
        CU_ASSERT_EQUAL(load(buf, strlen(buf), higher, NULL), KNEE_OK);
        free(buf);
    }
    printf("\n    default expression depth 64: %zu nested parentheses accepted, %zu refused ", ok,
           ok + 1);
    knee_options_free(higher);
}

/* ---- KNEE_LIMIT_STRING_BYTES ----------------------------------------------------------------- */

static void test_string_bytes(void)
{
    knee_ruleset *rs = kt_load_data("mini.xml");
    knee_patient *p = NULL;
    knee_diag *d = NULL;
    char *big = malloc(4098), *xml, *xml2;
    size_t len;
    memset(big, 'm', 4097);
    big[4097] = '\0';
    CU_ASSERT_EQUAL_FATAL(knee_patient_new(&p, rs), KNEE_OK);
    /* the setter: 4,096 bytes at the default */
    big[4096] = '\0';
    CU_ASSERT_EQUAL(knee_patient_set_string(p, "payer", big), KNEE_OK);
    big[4096] = 'm';
    CU_ASSERT_EQUAL(knee_patient_set_string(p, "payer", big), KNEE_ELIMIT);
    CU_ASSERT_EQUAL(knee_patient_add_to_set(p, "prior", big), KNEE_ELIMIT);
    /* a patient file */
    xml = repeat("<patient xmlns=\"urn:libknee:patient:1\" id=\"p\"><fact id=\"payer\">", "m", 4096,
                 "</fact></patient>", &len);
    CU_ASSERT_EQUAL(knee_patient_load_memory(p, xml, len, "p.xml", NULL, &d), KNEE_OK);
    knee_diag_free(d);
    xml2 = repeat("<patient xmlns=\"urn:libknee:patient:1\" id=\"p\"><fact id=\"payer\">", "m",
                  4097, "</fact></patient>", &len);
    CU_ASSERT_EQUAL(knee_patient_load_memory(p, xml2, len, "p.xml", NULL, &d), KNEE_ELIMIT);
    CU_ASSERT(knee_diag_error_count(d) > 0);
    knee_diag_free(d);
    free(xml);
    free(xml2);
    free(big);
    knee_patient_free(p);
    knee_ruleset_free(rs);
}

/* ---- KNEE_LIMIT_REGEX_MATCH / _DEPTH / _HEAP_KIB, through the public API --------------------- */

/* Compare a patient whose payer is subject against mini.xml with rule b-medicare's pattern
 * replaced; return the status and time it. */
static int regex_compare(const char *pattern, const char *subject, const knee_options *o,
                         double *seconds, char *msg, size_t msg_len)
{
    char attr[300], *buf;
    knee_ruleset *rs = NULL;
    knee_patient *p = NULL;
    knee_result *r = NULL;
    knee_diag *d = NULL;
    double t0;
    int rc;
    snprintf(attr, sizeof attr, "when=\"payer ~ '%s'\"", pattern);
    buf = replace(mini, "when=\"payer ~ '(?i)^(medicare|mcr)'\"", attr);
    rc = knee_ruleset_load_memory(&rs, buf, strlen(buf), "re.xml", o, &d);
    if (rc != KNEE_OK)
        kt_dump(d);
    CU_ASSERT_EQUAL_FATAL(rc, KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_patient_new(&p, rs), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_result_new(&r), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_string(p, "payer", subject), KNEE_OK);
    t0 = now();
    rc = knee_compare(rs, p, r);
    *seconds = now() - t0;
    snprintf(msg, msg_len, "%s", knee_result_errmsg(r));
    if (rc != KNEE_OK) {
        CU_ASSERT_EQUAL(knee_result_option_count(r), 0);
        /* the result is usable again */
        CU_ASSERT_EQUAL(knee_patient_set_string(p, "payer", "medicare"), KNEE_OK);
        CU_ASSERT_EQUAL(knee_compare(rs, p, r), KNEE_OK);
    }
    knee_result_free(r);
    knee_patient_free(p);
    knee_ruleset_free(rs);
    knee_diag_free(d);
    free(buf);
    return rc;
}

static void test_regex_limits(void)
{
    char subject[4097], msg[400];
    double dt;
    knee_options *small_match = opts_with(KNEE_LIMIT_REGEX_MATCH, 1000);
    knee_options *small_depth = opts_with(KNEE_LIMIT_REGEX_DEPTH, 10);
    knee_options *small_heap = opts_with(KNEE_LIMIT_REGEX_HEAP_KIB, 1);
    knee_options *big = opts_with(KNEE_LIMIT_REGEX_HEAP_KIB, 100000);
    CU_ASSERT_EQUAL(knee_options_set_limit(big, KNEE_LIMIT_REGEX_DEPTH, 100000), KNEE_OK);

    /* catastrophic backtracking, default limits: a^30 b against ^(a+)+$ would take ~2^30 steps */
    memset(subject, 'a', 30);
    strcpy(subject + 30, "b");
    CU_ASSERT_EQUAL(regex_compare("^(a+)+$", subject, NULL, &dt, msg, sizeof msg), KNEE_EREGEX);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "b-medicare"));
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "match limit"));
    printf("\n    ^(a+)+$ on a^30 b, default match limit: KNEE_EREGEX in %.4f s (%s) ", dt, msg);
    CU_ASSERT(dt < 2 * time_factor());
    /* the longest subject allowed (4,096 bytes), a nested quantifier */
    memset(subject, 'a', 4095);
    strcpy(subject + 4095, "b");
    CU_ASSERT_EQUAL(regex_compare("^(a|aa)+$", subject, NULL, &dt, msg, sizeof msg), KNEE_EREGEX);
    printf("\n    ^(a|aa)+$ on a^4095 b, default limits: KNEE_EREGEX in %.4f s ", dt);
    CU_ASSERT(dt < 2 * time_factor());

    /* under the limit: a short subject matches; past it (a caller-set match limit of 1,000) */
    CU_ASSERT_EQUAL(regex_compare("^(a+)+$", "aaaa", small_match, &dt, msg, sizeof msg), KNEE_OK);
    memset(subject, 'a', 16);
    strcpy(subject + 16, "b");
    CU_ASSERT_EQUAL(regex_compare("^(a+)+$", subject, small_match, &dt, msg, sizeof msg),
                    KNEE_EREGEX);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "match limit 1000"));

    /* depth and heap limits bind the interpreter ((*NO_JIT)); the JIT has its own stack budget */
    memset(subject, 'a', 2000);
    subject[2000] = '\0';
    CU_ASSERT_EQUAL(
        regex_compare("(*NO_JIT)^(?:(a)|b)*$", subject, small_depth, &dt, msg, sizeof msg),
        KNEE_EREGEX);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "depth limit 10"));
    CU_ASSERT_EQUAL(
        regex_compare("(*NO_JIT)^(?:(a)|b)*$", subject, small_heap, &dt, msg, sizeof msg),
        KNEE_EREGEX);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "heap limit 1 KiB"));
    CU_ASSERT_EQUAL(regex_compare("(*NO_JIT)^(?:(a)|b)*$", subject, big, &dt, msg, sizeof msg),
                    KNEE_OK);
    knee_options_free(small_match);
    knee_options_free(small_depth);
    knee_options_free(small_heap);
    knee_options_free(big);
}

/* Issue 13, item 17: each match was bounded, but not their number: 100,000 distinct patterns near
 * the match limit made one comparison take 5.8 s. KNEE_LIMIT_REGEX_BUDGET bounds the matches of
 * one comparison (counted, so the test is the same on any machine). */
static void test_regex_budget(void)
{
    static const char head[] =
        "<ruleset xmlns=\"urn:libknee:rules:1\" id=\"re\" version=\"1.0.0\" status=\"draft\" "
        "title=\"T\" "
        "evidence-as-of=\"2025-01-01\">\n"
        "<sources><source id=\"s\" title=\"S\" year=\"2025\" url=\"https://e.org\"/></sources>\n"
        "<facts><fact id=\"payer\" type=\"string\"/><fact id=\"age\" type=\"number\"/></facts>\n"
        "<criteria><criterion id=\"c\" label=\"C\" direction=\"minimize\" weight=\"1\">"
        "<scale worst=\"10\" best=\"0\"/></criterion></criteria>\n"
        "<treatment id=\"a\" name=\"A\"><value criterion=\"c\" typical=\"1\" "
        "source=\"s\"/></treatment>\n"
        "<treatment id=\"b\" name=\"B\"><value criterion=\"c\" typical=\"2\" "
        "source=\"s\"/></treatment>\n"
        "<rules>\n"
        "<rule id=\"r1\" when=\"payer ~ '^p1'\" source=\"s\"><caution option=\"a\" "
        "text=\"1\"/></rule>\n"
        "<rule id=\"r2\" when=\"payer ~ '^p2' or payer ~ '^p3'\" source=\"s\"><caution "
        "option=\"a\" text=\"2\"/></rule>\n"
        "<rule id=\"r3\" when=\"age &gt; 1 and payer ~ '^p4'\" source=\"s\"><caution option=\"b\" "
        "text=\"3\"/></rule>\n"
        "<rule id=\"r4\" when=\"payer ~ '^p1'\" source=\"s\"><caution option=\"b\" "
        "text=\"4\"/></rule>\n"
        "</rules>\n</ruleset>\n";
    knee_options *four = opts_with(KNEE_LIMIT_REGEX_BUDGET, 4),
                 *three = opts_with(KNEE_LIMIT_REGEX_BUDGET, 3);
    knee_ruleset *rs4 = NULL, *rs3 = NULL;
    knee_patient *p4 = NULL, *p3 = NULL;
    knee_result *r = NULL;
    knee_batch *b = NULL;
    knee_diag *d = NULL;
    const char *payers[2] = {"p4", "x"};
    int status[2], ranks[4];
    CU_ASSERT_EQUAL(knee_options_get_limit(NULL, KNEE_LIMIT_REGEX_BUDGET), 10000);
    CU_ASSERT_EQUAL(knee_options_set_limit(four, KNEE_LIMIT_REGEX_BUDGET, 0), KNEE_EINVAL);
    CU_ASSERT_EQUAL(knee_options_set_limit(four, KNEE_LIMIT_REGEX_BUDGET, (int64_t)1 << 32),
                    KNEE_EINVAL);
    CU_ASSERT_EQUAL_FATAL(
        knee_ruleset_load_memory(&rs4, head, sizeof head - 1, "re.xml", four, NULL), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(
        knee_ruleset_load_memory(&rs3, head, sizeof head - 1, "re.xml", three, NULL), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_patient_new(&p4, rs4), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_patient_new(&p3, rs3), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_result_new(&r), KNEE_OK);
    /* four distinct conditions, four patterns (r4 shares r1's): four matches per comparison */
    CU_ASSERT_EQUAL(knee_patient_set_text(p4, "payer", "p4"), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_text(p4, "age", "70"), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_text(p3, "payer", "p4"), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_text(p3, "age", "70"), KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare(rs4, p4, r), KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare(rs4, p4, r), KNEE_OK); /* each comparison its own budget */
    CU_ASSERT_EQUAL(knee_compare(rs4, p4, r), KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare(rs3, p3, r), KNEE_EREGEX);
    CU_ASSERT_PTR_NOT_NULL(strstr(knee_result_errmsg(r), "rule 'r3'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(knee_result_errmsg(r), "KNEE_LIMIT_REGEX_BUDGET"));
    CU_ASSERT_EQUAL(knee_result_option_count(r), 0);
    CU_ASSERT_EQUAL(knee_compare(rs4, p4, r), KNEE_OK); /* the result is usable again */
    /* a condition that is false before its pattern is reached makes no match */
    CU_ASSERT_EQUAL(knee_patient_set_text(p3, "age", "0"), KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare(rs3, p3, r), KNEE_OK);
    /* batches: the budget is per row */
    CU_ASSERT_EQUAL_FATAL(knee_batch_new(&b, rs4, 2), KNEE_OK);
    CU_ASSERT_EQUAL(knee_batch_set_strings(b, "payer", payers, KNEE_BATCH_FAIL_COLUMN), KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare_batch(rs4, b, NULL, 0, 2, r, ranks, NULL, status), KNEE_OK);
    CU_ASSERT_EQUAL(status[0], KNEE_OK);
    CU_ASSERT_EQUAL(status[1], KNEE_OK);
    knee_batch_free(b);
    /* the lint has its own budget, not this one: it matches each pattern against many values and
     * decides every rule (no candidate value matches these patterns) */
    CU_ASSERT_EQUAL(knee_ruleset_lint(rs3, &d), KNEE_OK);
    CU_ASSERT_EQUAL(knee_diag_count(d), 4);
    CU_ASSERT(kt_has_diag(d, "rule-never-true", 10, 1));
    knee_diag_free(d);
    knee_result_free(r);
    knee_patient_free(p3);
    knee_patient_free(p4);
    knee_ruleset_free(rs3);
    knee_ruleset_free(rs4);
    knee_options_free(three);
    knee_options_free(four);
}

/* ---- hostile inputs ------------------------------------------------------------------------- */

static void test_hostile(void)
{
    static const char ns[] = "<ruleset xmlns=\"urn:libknee:rules:1\"";
    char *b, *b2;
    size_t len;

    hostile("XXE (external entity)",
            "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
            "<ruleset xmlns=\"urn:libknee:rules:1\">&x;</ruleset>",
            0, NULL, KNEE_EPARSE, "xml-doctype", 1);
    b = repeat("<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\">", "", 0,
               "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c "
               "\"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">"
               "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\"><!ENTITY e "
               "\"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">"
               "<!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\"><!ENTITY g "
               "\"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\">"
               "<!ENTITY h \"&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;\"><!ENTITY i "
               "\"&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;\">]>"
               "<ruleset xmlns=\"urn:libknee:rules:1\" id=\"&i;\"/>",
               &len);
    hostile("billion laughs (10^9 bytes of entities)", b, len, NULL, KNEE_EPARSE, "xml-doctype", 1);
    free(b);
    hostile("DOCTYPE (external DTD)",
            "<!DOCTYPE ruleset SYSTEM \"http://example.org/r.dtd\"><ruleset "
            "xmlns=\"urn:libknee:rules:1\"/>",
            0, NULL, KNEE_EPARSE, "xml-doctype", 1);
    b = repeat(ns, "><x", 100000, ">", &len);
    hostile("deep nesting (100,000 levels)", b, len, NULL, KNEE_ELIMIT, "limit-depth", 1);
    free(b);
    if (shrink() == 1) {
        b = repeat("<ruleset xmlns=\"urn:libknee:rules:1\">", "<x/>", 1000001, "</ruleset>", &len);
        hostile("1,000,001 elements (the default limit)", b, len, NULL, KNEE_ELIMIT,
                "limit-elements", 5);
    } else {
        knee_options *o = opts_with(KNEE_LIMIT_ELEMENTS, 100000);
        b = repeat("<ruleset xmlns=\"urn:libknee:rules:1\">", "<x/>", 100001, "</ruleset>", &len);
        hostile("100,001 elements (limit set to 100,000)", b, len, o, KNEE_ELIMIT, "limit-elements",
                5);
        knee_options_free(o);
    }
    free(b);
    {
        /* many attributes on one element: libxml2 2.9 checks them pairwise (quadratic) */
        size_t n = 1200000, i;
        char *p;
        b = malloc(64 + n * 12);
        p = b + sprintf(b, "%s", ns);
        for (i = 0; i < n; i++)
            p += sprintf(p, " a%zu=\"\"", i);
        p += sprintf(p, "/>");
        hostile("1,200,000 attributes on one element", b, (size_t)(p - b), NULL, KNEE_ELIMIT,
                "limit-attributes", 1);
        free(b);
    }
    b = repeat("<ruleset xmlns=\"urn:libknee:rules:1\" id=\"", "a", (15u << 20) / shrink(), "\"/>",
               &len);
    /* libxml2 refuses attribute values over 10 MB; smaller ones fail the schema's maxLength */
    hostile(shrink() == 1 ? "one 15 MiB attribute value" : "one 1.5 MiB attribute value", b, len,
            NULL, shrink() == 1 ? KNEE_EPARSE : KNEE_EINVALID,
            shrink() == 1 ? "xml-syntax" : "schema-value", 2);
    free(b);
    b = repeat("<ruleset xmlns=\"urn:libknee:rules:1\" id=\"", "&amp;", (3u << 20) / shrink(),
               "\"/>", &len);
    hostile(shrink() == 1 ? "15 MiB of character references" : "1.5 MiB of character references", b,
            len, NULL, shrink() == 1 ? KNEE_EPARSE : KNEE_EINVALID,
            shrink() == 1 ? "xml-syntax" : "schema-value", 2);
    free(b);
    b = repeat("<ruleset xmlns=\"urn:libknee:rules:1\">", "<!-- c -->", 1500000 / shrink(),
               "</ruleset>", &len);
    hostile(shrink() == 1 ? "15 MiB of comments" : "1.5 MiB of comments", b, len, NULL,
            KNEE_EINVALID, NULL, 5);
    free(b);
    b2 = replace(mini, "Option A", "Option \xff\xfe A");
    hostile("invalid UTF-8", b2, strlen(b2), NULL, KNEE_EPARSE, "xml-encoding", 1);
    free(b2);
    b2 = replace(mini, "Option A", "Option \xc3\x28 A");
    hostile("invalid UTF-8 (bad continuation byte)", b2, strlen(b2), NULL, KNEE_EPARSE,
            "xml-encoding", 1);
    free(b2);
    {
        char *nul = malloc(mini_len);
        const char *at = strstr(mini, "Option A");
        memcpy(nul, mini, mini_len);
        nul[at - mini + 6] = '\0';
        hostile("NUL byte", nul, mini_len, NULL, KNEE_EPARSE, NULL, 1);
        free(nul);
    }
    hostile("UTF-16", "\xff\xfe<\0r\0/\0>\0", 10, NULL, KNEE_EPARSE, "xml-encoding", 1);
    b2 = replace(mini, "encoding=\"UTF-8\"", "encoding=\"ISO-8859-1\"");
    hostile("declared ISO-8859-1", b2, strlen(b2), NULL, KNEE_EPARSE, "xml-encoding", 1);
    free(b2);
    b2 = replace(mini, "payer ~ '(?i)^(medicare|mcr)'", "payer ~ '((a{1,1000}){1,1000}){1,1000}'");
    hostile("regex too large to compile", b2, strlen(b2), NULL, KNEE_EINVALID, "regex-invalid", 1);
    free(b2);
}

/* Input in another encoding is refused before libxml2 converts it: libxml2 2.9 reports
 * conversion failures on stderr (its global handler), and a library must print nothing. */
static void test_other_encodings_print_nothing(void)
{
    static const char *const encodings[] = {"ISO-8859-1", "UTF-16",    "ISO-2022-JP",
                                            "EBCDIC-US",  "SHIFT_JIS", "UTF-32",
                                            "ASCII",      "UTF8",      "bogus"};
    char buf[512], captured[256];
    FILE *tmp = tmpfile();
    int saved = dup(2);
    size_t i, got;
    CU_ASSERT_FATAL(tmp != NULL && saved >= 0);
    fflush(stderr);
    dup2(fileno(tmp), 2);
    for (i = 0; i < sizeof encodings / sizeof *encodings; i++) {
        int n = snprintf(
            buf, sizeof buf,
            "<?xml version=\"1.0\" encoding=\"%s\"?>\n<ruleset xmlns=\"urn:libknee:rules:1\">"
            "\xff\xfe\x1b$B <a/></ruleset>",
            encodings[i]);
        CU_ASSERT_EQUAL(load(buf, (size_t)n, NULL, "xml-encoding"), KNEE_EPARSE);
    }
    CU_ASSERT_EQUAL(load("<\0?\0x\0m\0l\0 \0", 12, NULL, "xml-encoding"),
                    KNEE_EPARSE); /* UTF-16LE */
    {
        /* a declaration padded past any fixed window, and a malformed one (found by fuzz_patient)
         */
        size_t len;
        char *pad = repeat("<?xml version=\"1.0\"", " ", 5000,
                           "encoding=\"UTF-16\"?><ruleset xmlns=\"urn:libknee:rules:1\"/>", &len);
        CU_ASSERT_EQUAL(load(pad, len, NULL, "xml-encoding"), KNEE_EPARSE);
        free(pad);
        static const char bad[] =
            "<?xml version= encoding=\"UTF-7\"\"1.0\" encoding=\"UTF-\xe4\xe4<r/>";
        CU_ASSERT_EQUAL(load(bad, sizeof bad - 1, NULL, "xml-encoding"), KNEE_EPARSE);
    }
    CU_ASSERT_EQUAL(load("\x4c\x6f\xa7\x94\x93\x40", 6, NULL, "xml-encoding"),
                    KNEE_EPARSE); /* EBCDIC */
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    rewind(tmp);
    got = fread(captured, 1, sizeof captured - 1, tmp);
    captured[got] = '\0';
    if (got)
        fprintf(stderr, "    printed: %s\n", captured);
    CU_ASSERT_EQUAL(got, 0);
    fclose(tmp);
}

/* A directory, and a path that does not exist, are I/O errors with a diagnostic. */
static void test_not_a_file(void)
{
    knee_ruleset *rs = NULL;
    knee_diag *d = NULL;
    CU_ASSERT_EQUAL(knee_ruleset_load_file(&rs, KNEE_TEST_DATA, NULL, &d), KNEE_EIO);
    CU_ASSERT(kt_has_diag(d, "io", 0, 0));
    CU_ASSERT_PTR_NULL(rs);
    knee_diag_free(d);
    CU_ASSERT_EQUAL(knee_ruleset_load_file(&rs, KNEE_TEST_DATA "/no-such-file.xml", NULL, &d),
                    KNEE_EIO);
    CU_ASSERT(kt_has_diag(d, "io", 0, 0));
    knee_diag_free(d);
}

/* Text from a rule file reaches the JSON result escaped: quotes, backslashes, tab, newline and
 * carriage return (the only control characters XML can carry, as character references). */
static void test_json_escapes_rule_text(void)
{
    char *buf =
        replace(mini, "name=\"Option A\"", "name=\"A &quot;q&quot; \\ t&#9;n&#10;r&#13;&#x7F;\"");
    knee_ruleset *rs = NULL;
    knee_result *r = NULL;
    char *json = NULL;
    CU_ASSERT_EQUAL_FATAL(knee_ruleset_load_memory(&rs, buf, strlen(buf), "esc.xml", NULL, NULL),
                          KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_result_new(&r), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_compare(rs, NULL, r), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_result_to_json(r, &json, NULL), KNEE_OK);
    CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"A \\\"q\\\" \\\\ t\\tn\\nr\\r\x7f\""));
    CU_ASSERT_PTR_NULL(strchr(json, '\t'));
    CU_ASSERT_PTR_NULL(strchr(json, '\r'));
    knee_free(json);
    knee_result_free(r);
    knee_ruleset_free(rs);
    free(buf);
}

/* Up to 32 ranked options are sorted by insertion; more by one bucket pass and insertion, or, when
 * a bucket is crowded (here: only 36 distinct scores, so from about 1,200 options), by an LSD
 * radix sort. Ranks must follow the scores, highest first: equal scores share the rank of the
 * first (competition ranking) and are listed by name, for any count and either way. */
static void check_ranking(size_t n)
{
    const char *end_criteria = strstr(mini, "</criteria>");
    size_t head = (size_t)(end_criteria - mini) + strlen("</criteria>"), i, len = head;
    char *buf = malloc(head + n * 400 + 32);
    static const char *const levels[] = {"low", "moderate", "high"};
    knee_ruleset *rs = NULL;
    knee_result *r = NULL;
    size_t ranked = 0;
    memcpy(buf, mini, head);
    for (i = 0; i < n; i++) {
        unsigned h = (unsigned)(i * 2654435761u) >> 7;
        len += (size_t)sprintf(
            buf + len,
            "<treatment id=\"t%zu\" name=\"T%zu\">"
            "<value criterion=\"recovery\" typical=\"%u\" source=\"s1\"/>"
            "<value criterion=\"cost\" typical=\"%u\" source=\"s1\"/>"
            "<value criterion=\"evidence\" level=\"%s\" source=\"s1\"/>%s"
            "</treatment>",
            i, i, (h % 4) * 25, ((h >> 3) % 3) * 500, levels[(h >> 6) % 3],
            i % 7 == 3 ? "<rule id=\"x\" when=\"true\" source=\"s1\"><exclude reason=\"x\"/></rule>"
                       : "");
        if (i % 7 == 3) { /* rule ids are unique across the file */
            char *x = strstr(buf + len - 120, "id=\"x\"");
            char id[24];
            int k = snprintf(id, sizeof id, "id=\"x%zu\"", i);
            memmove(x + k, x + 6, strlen(x + 6) + 1);
            memcpy(x, id, (size_t)k);
            len += (size_t)k - 6;
        }
    }
    len += (size_t)sprintf(buf + len, "</ruleset>\n");
    if (load(buf, len, NULL, NULL) != KNEE_OK) {
        CU_FAIL("generated rule file does not load");
        free(buf);
        return;
    }
    CU_ASSERT_EQUAL_FATAL(knee_ruleset_load_memory(&rs, buf, len, "many.xml", NULL, NULL), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_result_new(&r), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_compare(rs, NULL, r), KNEE_OK);
    CU_ASSERT_EQUAL(knee_result_option_count(r), n);
    for (i = 0; i < knee_result_option_count(r); i++) {
        if (knee_result_option_excluded(r, i)) {
            CU_ASSERT_EQUAL(knee_result_option_rank(r, i), 0);
            continue;
        }
        ranked++;
        if (i > 0 && !knee_result_option_excluded(r, i - 1)) {
            double prev = knee_result_option_score(r, i - 1), cur = knee_result_option_score(r, i);
            CU_ASSERT(prev >= cur - 1e-12);
            if (prev - cur < 1e-13 && cur - prev < 1e-13) { /* a tie: the same rank, by name */
                CU_ASSERT_EQUAL(knee_result_option_rank(r, i), knee_result_option_rank(r, i - 1));
                CU_ASSERT(strcmp(knee_result_option_name(r, i - 1), knee_result_option_name(r, i)) <
                          0);
                continue;
            }
        }
        CU_ASSERT_EQUAL(knee_result_option_rank(r, i), (int)ranked);
    }
    CU_ASSERT_EQUAL(ranked, n - (n + 3) / 7);
    knee_result_free(r);
    knee_ruleset_free(rs);
    free(buf);
}

static void test_many_options_ranked(void)
{
    static const size_t counts[] = {5, 32, 33, 38, 64, 65, 257, 1000, 2000};
    size_t i;
    for (i = 0; i < sizeof counts / sizeof *counts; i++)
        check_ranking(counts[i]);
}

static int init(void)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/mini.xml", KNEE_TEST_DATA);
    mini = kt_read(path, &mini_len);
    snprintf(path, sizeof path, "%s/knee-oa.xml", KNEE_RULES_DIR);
    knee_oa = kt_read(path, &knee_oa_len);
    return 0;
}

static int cleanup(void)
{
    free(mini);
    free(knee_oa);
    return 0;
}

int main(void)
{
    CU_pSuite s;
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    s = CU_add_suite("limits", init, cleanup);
    CU_add_test(s, "input bytes: rule and patient files, memory and file", test_input_bytes);
    CU_add_test(s, "a 200 MB file is refused before it is read", test_200mb_file);
    CU_add_test(s, "an endless stream is refused", test_endless_stream);
    CU_add_test(s, "XML depth", test_xml_depth);
    CU_add_test(s, "element count", test_elements);
    CU_add_test(s, "rule count", test_rules);
    CU_add_test(s, "condition bytes", test_expr_bytes);
    CU_add_test(s, "condition depth", test_expr_depth);
    CU_add_test(s, "string fact bytes", test_string_bytes);
    CU_add_test(s, "regex match, depth and heap limits", test_regex_limits);
    CU_add_test(s, "regex budget per comparison", test_regex_budget);
    CU_add_test(s, "hostile inputs end in a clear error, in bounded time", test_hostile);
    CU_add_test(s, "other encodings are refused and nothing is printed",
                test_other_encodings_print_nothing);
    CU_add_test(s, "a directory or a missing path is an I/O error", test_not_a_file);
    CU_add_test(s, "rule-file text is escaped in the JSON", test_json_escapes_rule_text);
    CU_add_test(s, "many options: ranks follow scores, ties keep file order",
                test_many_options_ranked);
    return kt_run();
}
