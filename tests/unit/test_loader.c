/* test_loader.c - loading rule files: valid files, and every kind of bad input the issue lists,
 * each with a located diagnostic, no ruleset, and (checked under valgrind) no leak. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

/* Line 6 holds the rule; its condition starts at column 21. */
#define DOC_HEAD                                                                                   \
    "<ruleset xmlns=\"urn:libknee:rules:1\" id=\"t\" version=\"1.0.0\" status=\"draft\" "          \
    "title=\"T\" evidence-as-of=\"2025-01-01\">\n"                                                 \
    "<sources><source id=\"s1\" title=\"S\" year=\"2020\" url=\"https://e.org\"/></sources>\n"     \
    "<facts><fact id=\"age\" type=\"number\" min=\"0\" max=\"120\"/><fact id=\"payer\" "           \
    "type=\"string\"/><fact id=\"prior\" type=\"set\"/></facts>\n"                                 \
    "<criteria><criterion id=\"c1\" label=\"C1\" direction=\"minimize\" weight=\"%s\"><scale "     \
    "worst=\"10\" best=\"0\"/></criterion></criteria>\n"                                           \
    "<treatment id=\"x\" name=\"X\"><value criterion=\"c1\" typical=\"1\" source=\"s1\"/>\n"       \
    "<rule id=\"r1\" when=\"%s\" source=\"s1\"><caution text=\"t\"/></rule>\n"                     \
    "</treatment>\n"                                                                               \
    "%s\n"                                                                                         \
    "</ruleset>\n"

static char doc[65536];

static const char *make(const char *weight, const char *when, const char *extra)
{
    snprintf(doc, sizeof doc, DOC_HEAD, weight, when, extra);
    return doc;
}

/* Load doc; expect failure with `status`, and a diagnostic `code` at line:col (0 = any). */
static void expect_fail(const char *text, size_t len, int status, const char *code, unsigned line,
                        unsigned col)
{
    knee_ruleset *rs = (knee_ruleset *)1;
    knee_diag *d = NULL;
    int rc = knee_ruleset_load_memory(&rs, text, len, "t.xml", NULL, &d);
    CU_ASSERT_EQUAL(rc, status);
    CU_ASSERT_PTR_NULL(rs);
    CU_ASSERT(knee_diag_error_count(d) >= 1);
    if (!kt_has_diag(d, code, line, col)) {
        fprintf(stderr, "\n  expected %s at %u:%u, got:\n", code, line, col);
        kt_dump(d);
        CU_FAIL("diagnostic not found");
    }
    CU_ASSERT_STRING_EQUAL(knee_diag_file(d, 0), "t.xml");
    knee_diag_free(d);
}

static void expect_fail_str(const char *text, int status, const char *code, unsigned line,
                            unsigned col)
{
    expect_fail(text, strlen(text), status, code, line, col);
}

static void test_valid_template(void)
{
    knee_ruleset *rs = NULL;
    knee_diag *d = NULL;
    const char *t = make("1", "age &gt; 60", "");
    CU_ASSERT_EQUAL_FATAL(knee_ruleset_load_memory(&rs, t, strlen(t), "t.xml", NULL, &d), KNEE_OK);
    CU_ASSERT_EQUAL(knee_diag_count(d), 0);
    CU_ASSERT_STRING_EQUAL(knee_ruleset_id(rs), "t");
    CU_ASSERT_EQUAL(knee_ruleset_option_count(rs), 1);
    knee_ruleset_free(rs);
    knee_diag_free(d);
}

static void test_mini_metadata(void)
{
    knee_ruleset *rs = kt_load_data("mini.xml");
    double v;
    CU_ASSERT_STRING_EQUAL(knee_ruleset_id(rs), "mini");
    CU_ASSERT_STRING_EQUAL(knee_ruleset_version(rs), "1.2.3");
    CU_ASSERT_STRING_EQUAL(knee_ruleset_status(rs), "draft");
    CU_ASSERT_STRING_EQUAL(knee_ruleset_evidence_as_of(rs), "2025-01-31");
    CU_ASSERT_EQUAL(knee_ruleset_option_count(rs), 5);
    CU_ASSERT_STRING_EQUAL(knee_ruleset_option_id(rs, 1), "b");
    CU_ASSERT_STRING_EQUAL(knee_ruleset_option_name(rs, 1), "Option B");
    CU_ASSERT_PTR_NULL(knee_ruleset_option_id(rs, 5));
    CU_ASSERT_EQUAL(knee_ruleset_criterion_count(rs), 3);
    CU_ASSERT_EQUAL(knee_ruleset_criterion_direction(rs, 0), KNEE_DIRECTION_MINIMIZE);
    CU_ASSERT_EQUAL(knee_ruleset_criterion_direction(rs, 2), KNEE_DIRECTION_MAXIMIZE);
    CU_ASSERT_DOUBLE_EQUAL(knee_ruleset_criterion_weight(rs, 2), 2.0, 0);
    CU_ASSERT_EQUAL(knee_ruleset_criterion_level_count(rs, 2), 3);
    CU_ASSERT_STRING_EQUAL(knee_ruleset_criterion_level(rs, 2, 1), "moderate");
    CU_ASSERT_STRING_EQUAL(knee_ruleset_criterion_unit(rs, 0), "days");
    CU_ASSERT_EQUAL(knee_ruleset_fact_count(rs), 6);
    CU_ASSERT_EQUAL(knee_ruleset_fact_type(rs, 1), KNEE_FACT_INTEGER);
    CU_ASSERT_EQUAL(knee_ruleset_fact_type(rs, 5), KNEE_FACT_SET);
    CU_ASSERT_EQUAL(knee_ruleset_fact_max(rs, 0, &v), 1);
    CU_ASSERT_DOUBLE_EQUAL(v, 120, 0);
    CU_ASSERT_EQUAL(knee_ruleset_fact_min(rs, 2, &v), 0);
    CU_ASSERT_EQUAL(knee_ruleset_fact_value_count(rs, 3), 2);
    CU_ASSERT_STRING_EQUAL(knee_ruleset_fact_value(rs, 3, 1), "male");
    CU_ASSERT_EQUAL(knee_ruleset_source_count(rs), 2);
    CU_ASSERT_EQUAL(knee_ruleset_source_year(rs, 1), 2021);
    CU_ASSERT_STRING_EQUAL(knee_ruleset_source_url(rs, 0), "https://example.org/one");
    knee_ruleset_free(rs);
}

/* The digest is of the exact bytes: compare with coreutils' sha256sum, and file vs memory. */
static void test_sha256_matches_file_bytes(void)
{
    char path[1024], cmd[1200], expect[65] = "";
    knee_ruleset *a = kt_load_data("mini.xml"), *b = NULL;
    size_t len;
    char *bytes;
    FILE *p;
    snprintf(path, sizeof path, "%s/mini.xml", KNEE_TEST_DATA);
    snprintf(cmd, sizeof cmd, "sha256sum '%s'", path);
    p = popen(cmd, "r");
    CU_ASSERT_FATAL(p != NULL);
    CU_ASSERT_EQUAL(fscanf(p, "%64s", expect), 1);
    pclose(p);
    CU_ASSERT_STRING_EQUAL(knee_ruleset_sha256(a), expect);
    bytes = kt_read(path, &len);
    CU_ASSERT_EQUAL(knee_ruleset_load_memory(&b, bytes, len, "m", NULL, NULL), KNEE_OK);
    CU_ASSERT_STRING_EQUAL(knee_ruleset_sha256(b), expect);
    CU_ASSERT_STRING_EQUAL(knee_ruleset_name(b), "m");
    free(bytes);
    knee_ruleset_free(a);
    knee_ruleset_free(b);
}

static void test_malformed_xml(void)
{
    expect_fail_str("<ruleset xmlns=\"urn:libknee:rules:1\">\n  <sources>\n</ruleset>\n",
                    KNEE_EPARSE, "xml-syntax", 3, 0);
}

/* A rule file's method= is checked against the method table, not the schema: a name it does not
 * know is unknown-method with the nearest names and the list; a known one is the default. */
static void load_with_method(const char *method, int status, const char *message,
                             const char *result_method)
{
    size_t len, k;
    char *text = kt_read(KNEE_TEST_DATA "/mini.xml", &len), *with, attr[64];
    knee_ruleset *rs = NULL;
    knee_result *r = NULL;
    knee_diag *d = NULL;
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    snprintf(attr, sizeof attr, " method=\"%s\"", method);
    k = (size_t)(strstr(text, "<ruleset ") - text) + strlen("<ruleset");
    with = malloc(len + strlen(attr) + 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(with);
    memcpy(with, text, k);
    memcpy(with + k, attr, strlen(attr));
    memcpy(with + k + strlen(attr), text + k, len - k);
    CU_ASSERT_EQUAL(knee_ruleset_load_memory(&rs, with, len + strlen(attr), "t.xml", NULL, &d),
                    status);
    if (message) {
        CU_ASSERT_PTR_NULL(rs);
        CU_ASSERT_EQUAL_FATAL(knee_diag_count(d), 1);
        CU_ASSERT_STRING_EQUAL(knee_diag_code(d, 0), "unknown-method");
        CU_ASSERT_STRING_EQUAL(knee_diag_message(d, 0), message);
        CU_ASSERT_EQUAL(knee_diag_line(d, 0), 5);
    } else {
        CU_ASSERT_PTR_NOT_NULL_FATAL(rs);
        CU_ASSERT_EQUAL_FATAL(knee_result_new(&r), KNEE_OK);
        CU_ASSERT_EQUAL(knee_compare(rs, NULL, r), KNEE_OK);
        CU_ASSERT_STRING_EQUAL(knee_result_method(r), result_method);
        knee_result_free(r);
    }
    knee_diag_free(d);
    knee_ruleset_free(rs);
    free(with);
    free(text);
}

static void test_unknown_method_says_the_methods(void)
{
    load_with_method("topsys", KNEE_EINVALID,
                     "unknown method 'topsys': did you mean 'topsis'? (the methods: weighted-sum, "
                     "topsis, topsis-minmax, promethee2, vikor, topsis-utility)",
                     NULL);
    load_with_method("zzz", KNEE_EINVALID,
                     "unknown method 'zzz' (the methods: weighted-sum, topsis, topsis-minmax, "
                     "promethee2, vikor, topsis-utility)",
                     NULL);
    load_with_method("vikor", KNEE_OK, NULL, "vikor");
}

/* The three first mistakes of a new author (docs/writing-rules.md): each message says what to
 * write instead, and a bare '<' is one problem, not the cascade libxml2 reports after it. */
static knee_diag *load_fails(const char *text, int status)
{
    knee_ruleset *rs = NULL;
    knee_diag *d = NULL;
    CU_ASSERT_EQUAL(knee_ruleset_load_memory(&rs, text, strlen(text), "t.xml", NULL, &d), status);
    CU_ASSERT_PTR_NULL(rs);
    return d;
}

static void test_bare_less_than_says_how_to_fix(void)
{
    knee_diag *d = load_fails(make("1", "age < 60", ""), KNEE_EPARSE);
    CU_ASSERT_EQUAL(knee_diag_count(d), 1);
    CU_ASSERT(kt_has_diag(d, "xml-syntax", 6, 0));
    CU_ASSERT_PTR_NOT_NULL(strstr(knee_diag_message(d, 0), "&lt;"));
    knee_diag_free(d);
}

static void test_missing_namespace_says_how_to_fix(void)
{
    char text[sizeof doc];
    const char *xmlns = " xmlns=\"urn:libknee:rules:1\"", *at;
    knee_diag *d;
    make("1", "age &gt; 60", "");
    at = strstr(doc, xmlns);
    snprintf(text, sizeof text, "%.*s%s", (int)(at - doc), doc, at + strlen(xmlns));
    d = load_fails(text, KNEE_EINVALID);
    CU_ASSERT_EQUAL(knee_diag_count(d), 1);
    CU_ASSERT(kt_has_diag(d, "schema-namespace", 1, 1));
    CU_ASSERT_PTR_NOT_NULL(
        strstr(knee_diag_message(d, 0), "<ruleset xmlns=\"urn:libknee:rules:1\""));
    knee_diag_free(d);
    /* another namespace: named, with the right one */
    snprintf(text, sizeof text, "%.*s xmlns=\"urn:other\"%s", (int)(at - doc), doc,
             at + strlen(xmlns));
    d = load_fails(text, KNEE_EINVALID);
    CU_ASSERT(kt_has_diag(d, "schema-namespace", 1, 1));
    CU_ASSERT_PTR_NOT_NULL(
        strstr(knee_diag_message(d, 0), "'urn:other', not 'urn:libknee:rules:1'"));
    knee_diag_free(d);
}

static void test_unknown_level_lists_the_levels(void)
{
    static const char text[] =
        "<ruleset xmlns=\"urn:libknee:rules:1\" id=\"t\" version=\"1.0.0\" status=\"draft\" "
        "title=\"T\" evidence-as-of=\"2025-01-01\">\n"
        "<sources><source id=\"s1\" title=\"S\" year=\"2020\" url=\"https://e.org\"/></sources>"
        "<facts><fact id=\"age\" type=\"number\"/></facts>\n"
        "<criteria><criterion id=\"effort\" label=\"Effort\" direction=\"minimize\" weight=\"1\">"
        "<level id=\"little\"/><level id=\"some\"/><level id=\"a-lot\"/></criterion></criteria>\n"
        "<treatment id=\"x\" name=\"X\"><value criterion=\"effort\" level=\"medium\" "
        "source=\"s1\"/></treatment>\n"
        "</ruleset>\n";
    knee_diag *d = load_fails(text, KNEE_EINVALID);
    CU_ASSERT_EQUAL(knee_diag_count(d), 1);
    CU_ASSERT(kt_has_diag(d, "unknown-level", 4, 0));
    CU_ASSERT_PTR_NOT_NULL(strstr(knee_diag_message(d, 0), "(its levels: little, some, a-lot)"));
    CU_ASSERT_PTR_NOT_NULL(strstr(knee_diag_message(d, 0), "<level id=\"medium\"/>"));
    knee_diag_free(d);
    /* a level on a numeric criterion, in a test expectation */
    d = load_fails(make("1", "age &gt; 60",
                        "<tests><case id=\"k\"><expect option=\"x\" criterion=\"c1\" "
                        "level=\"zz\"/></case></tests>"),
                   KNEE_EINVALID);
    CU_ASSERT(kt_has_diag(d, "unknown-level", 8, 0));
    CU_ASSERT_PTR_NOT_NULL(strstr(knee_diag_message(d, 0), "numeric"));
    knee_diag_free(d);
}

static void test_empty_input(void)
{
    expect_fail("", 0, KNEE_EPARSE, "xml-empty", 1, 1);
}

static void test_doctype_external_entity(void)
{
    expect_fail_str(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n"
        "<ruleset>&xxe;</ruleset>\n",
        KNEE_EPARSE, "xml-doctype", 2, 0);
}

static void test_billion_laughs(void)
{
    expect_fail_str(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n"
        " <!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
        " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n]>\n"
        "<ruleset>&lol3;</ruleset>\n",
        KNEE_EPARSE, "xml-doctype", 0, 0);
}

static void test_size_limit(void)
{
    knee_options *o = NULL;
    knee_ruleset *rs = NULL;
    knee_diag *d = NULL;
    const char *t = make("1", "age &gt; 1", "");
    CU_ASSERT_EQUAL_FATAL(knee_options_new(&o), KNEE_OK);
    CU_ASSERT_EQUAL(knee_options_set_limit(o, KNEE_LIMIT_INPUT_BYTES, (int64_t)strlen(t)), KNEE_OK);
    /* at the limit: fine */
    CU_ASSERT_EQUAL(knee_ruleset_load_memory(&rs, t, strlen(t), "t.xml", o, NULL), KNEE_OK);
    knee_ruleset_free(rs);
    /* one byte over: refused before parsing */
    CU_ASSERT_EQUAL(knee_options_set_limit(o, KNEE_LIMIT_INPUT_BYTES, (int64_t)strlen(t) - 1),
                    KNEE_OK);
    CU_ASSERT_EQUAL(knee_ruleset_load_memory(&rs, t, strlen(t), "t.xml", o, &d), KNEE_ELIMIT);
    CU_ASSERT_PTR_NULL(rs);
    CU_ASSERT(kt_has_diag(d, "limit-size", 0, 0));
    knee_diag_free(d);
    knee_options_free(o);
}

static void test_deep_nesting(void)
{
    static char deep[8192];
    size_t i, n = 0;
    n += (size_t)snprintf(deep + n, sizeof deep - n, "<ruleset xmlns=\"urn:libknee:rules:1\">");
    for (i = 0; i < 200; i++)
        n += (size_t)snprintf(deep + n, sizeof deep - n, "<a>");
    for (i = 0; i < 200; i++)
        n += (size_t)snprintf(deep + n, sizeof deep - n, "</a>");
    snprintf(deep + n, sizeof deep - n, "</ruleset>");
    expect_fail_str(deep, KNEE_ELIMIT, "limit-depth", 1, 0);
}

static void test_invalid_utf8(void)
{
    char t[65536];
    char *p;
    knee_ruleset *rs = NULL;
    knee_diag *d = NULL;
    strcpy(t, make("1", "age &gt; 1", ""));
    p = strstr(t, "title=\"T\"");
    p[7] = (char)0xC3; /* a lead byte followed by '"': not UTF-8 */
    expect_fail_str(t, KNEE_EPARSE, "xml-encoding", 1, (unsigned)(p + 7 - t) + 1);
    /* Issue 13, item 19: one diagnostic, on one line (libxml2's own message was two lines:
     * "Input is not proper UTF-8, indicate encoding !" and "Bytes: ...") */
    CU_ASSERT_EQUAL(knee_ruleset_load_memory(&rs, t, strlen(t), "t.xml", NULL, &d), KNEE_EPARSE);
    CU_ASSERT_EQUAL(knee_diag_count(d), 1);
    CU_ASSERT_PTR_NULL(strchr(knee_diag_message(d, 0), '\n'));
    CU_ASSERT_STRING_EQUAL(knee_diag_message(d, 0), "input is not valid UTF-8 (byte 0xC3)");
    knee_diag_free(d);
    /* an overlong form, a surrogate and a code point past U+10FFFF are not UTF-8 either */
    strcpy(t, make("1", "payer = '\xC0\xAF'", ""));
    expect_fail_str(t, KNEE_EPARSE, "xml-encoding", 6, 30);
    strcpy(t, make("1", "payer = '\xED\xA0\x80'", ""));
    expect_fail_str(t, KNEE_EPARSE, "xml-encoding", 6, 30);
    strcpy(t, make("1", "payer = '\xF4\x90\x80\x80'", ""));
    expect_fail_str(t, KNEE_EPARSE, "xml-encoding", 6, 30);
}

static void test_nul_byte(void)
{
    char t[65536];
    size_t len;
    strcpy(t, make("1", "age &gt; 1", ""));
    len = strlen(t);
    t[50] = '\0';
    expect_fail(t, len, KNEE_EPARSE, "xml-encoding", 1, 51);
}

/* Issue 13, item 6: libxml2 stops reading at a NUL after the root element, so a valid file
 * followed by "\0<garbage>" loaded. A NUL anywhere is a located parse error. */
static void test_nul_after_root(void)
{
    char t[65536];
    size_t len;
    strcpy(t, make("1", "age &gt; 1", ""));
    len = strlen(t);
    memcpy(t + len, "\0<garbage>", 11);
    expect_fail(t, len + 11, KNEE_EPARSE, "xml-encoding", 10, 1);
    t[len - 1] = '\0'; /* in place of the last newline, right after </ruleset> */
    expect_fail(t, len, KNEE_EPARSE, "xml-encoding", 9, 11);
    t[len - 1] = '\n';
    memcpy(t + len, "\0", 1); /* a NUL alone at the very end */
    expect_fail(t, len + 1, KNEE_EPARSE, "xml-encoding", 10, 1);
}

static void test_unknown_element_and_attribute(void)
{
    knee_diag *d = NULL;
    knee_ruleset *rs = NULL;
    const char *t = make("1", "age &gt; 1", "<bogus/>");
    CU_ASSERT_EQUAL(knee_ruleset_load_memory(&rs, t, strlen(t), "t.xml", NULL, &d), KNEE_EINVALID);
    CU_ASSERT(kt_has_diag(d, "schema-element", 8, 1));
    knee_diag_free(d);
    {
        char u[65536], *p;
        strcpy(u, make("1", "age &gt; 1", ""));
        p = strstr(u, "<rule id=");
        memcpy(p, "<rule ix=", 9); /* unknown attribute ix, and id missing */
        expect_fail_str(u, KNEE_EINVALID, "schema-unknown-attribute", 6, 0);
        expect_fail_str(u, KNEE_EINVALID, "schema-missing-attribute", 6, 1);
    }
}

static void test_duplicate_id(void)
{
    expect_fail_str(make("1", "age &gt; 1",
                         "<treatment id=\"x\" name=\"X2\"><value criterion=\"c1\" typical=\"1\" "
                         "source=\"s1\"/></treatment>"),
                    KNEE_EINVALID, "duplicate-id", 8, 16);
}

/* Issue 13, item 15: <allowed> values and <level>s were checked for repeats pairwise (114 s for
 * 300,000 values); now by one sort, which must still find every repeat, at its place, and the
 * lookups by id (a value's level, a patient's allowed value) must still find the first. */
static void test_long_value_lists(void)
{
    static char t[1 << 20];
    size_t o = 0, i;
    knee_ruleset *rs = NULL;
    knee_patient *p = NULL;
    knee_diag *d = NULL;
    o += (size_t)snprintf(
        t + o, sizeof t - o,
        "<ruleset xmlns=\"urn:libknee:rules:1\" id=\"t\" version=\"1.0.0\" status=\"draft\" "
        "title=\"T\" evidence-as-of=\"2025-01-01\">\n"
        "<sources><source id=\"s1\" title=\"S\" year=\"2020\" url=\"https://e.org\"/></sources>\n"
        "<facts><fact id=\"code\" type=\"string\">\n");
    for (i = 0; i < 5000; i++) /* lines 4 .. 5003 */
        o +=
            (size_t)snprintf(t + o, sizeof t - o, "<allowed value=\"v%zu\"/>\n", (i * 7919) % 5000);
    o += (size_t)snprintf(t + o, sizeof t - o,
                          "</fact></facts>\n<criteria><criterion id=\"g\" label=\"G\" "
                          "direction=\"maximize\" weight=\"1\">\n");
    for (i = 0; i < 5000; i++) /* lines 5005 .. 10004 */
        o += (size_t)snprintf(t + o, sizeof t - o, "<level id=\"l%zu\"/>\n", 4999 - i);
    o += (size_t)snprintf(t + o, sizeof t - o,
                          "</criterion></criteria>\n"
                          "<treatment id=\"a\" name=\"A\"><value criterion=\"g\" level=\"l0\" "
                          "source=\"s1\"/></treatment>\n"
                          "<treatment id=\"b\" name=\"B\"><value criterion=\"g\" level=\"l4999\" "
                          "source=\"s1\"/></treatment>\n"
                          "</ruleset>\n");
    CU_ASSERT_EQUAL_FATAL(knee_ruleset_load_memory(&rs, t, o, "t.xml", NULL, &d), KNEE_OK);
    CU_ASSERT_EQUAL(knee_diag_count(d), 0);
    knee_diag_free(d);
    CU_ASSERT_EQUAL(knee_ruleset_fact_value_count(rs, 0), 5000);
    CU_ASSERT_STRING_EQUAL(knee_ruleset_fact_value(rs, 0, 1), "v2919"); /* document order */
    CU_ASSERT_STRING_EQUAL(knee_ruleset_criterion_level(rs, 0, 0), "l4999");
    CU_ASSERT_EQUAL(knee_patient_new(&p, rs), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_string(p, "code", "v4999"), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_string(p, "code", "v0"), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_string(p, "code", "v5000"), KNEE_ERANGE);
    CU_ASSERT_EQUAL(knee_patient_set_string(p, "code", "v"), KNEE_ERANGE);
    knee_patient_free(p);
    { /* l0 is the last level (the best), l4999 the first */
        knee_result *r = NULL;
        CU_ASSERT_EQUAL_FATAL(knee_result_new(&r), KNEE_OK);
        CU_ASSERT_EQUAL(knee_compare(rs, NULL, r), KNEE_OK);
        CU_ASSERT_STRING_EQUAL(knee_result_option_id(r, 0), "a");
        CU_ASSERT_STRING_EQUAL(knee_result_value_level(r, 0, 0), "l0");
        knee_result_free(r);
    }
    knee_ruleset_free(rs);
    /* a repeat far from the first: each one reported where it is, naming the first's line */
    memcpy(strstr(t, "<allowed value=\"v4999\"/>") + 16, "v0000", 5); /* "v0" and "v0000" differ */
    memcpy(strstr(t, "<allowed value=\"v1\"/>") + 16, "v7", 2);
    memcpy(strstr(t, "<level id=\"l1\"/>") + 11, "l9", 2);
    CU_ASSERT_EQUAL(knee_ruleset_load_memory(&rs, t, o, "t.xml", NULL, &d), KNEE_EINVALID);
    CU_ASSERT_EQUAL(knee_diag_error_count(d), 2);
    CU_ASSERT(kt_has_diag(d, "duplicate-id", 0, 17));
    CU_ASSERT(kt_has_diag(d, "duplicate-id", 0, 12));
    for (i = 0; i < knee_diag_count(d); i++) {
        if (strcmp(knee_diag_element(d, i), "code") == 0) {
            CU_ASSERT_PTR_NOT_NULL(strstr(knee_diag_message(d, i), "allowed value 'v7'"));
        } else {
            CU_ASSERT_STRING_EQUAL(knee_diag_element(d, i), "g");
            CU_ASSERT_PTR_NOT_NULL(strstr(knee_diag_message(d, i), "level 'l9'"));
        }
    }
    knee_diag_free(d);
}

static void test_dangling_references(void)
{
    knee_diag *d = NULL;
    knee_ruleset *rs = NULL;
    const char *t = make("1", "age &gt; 1",
                         "<treatment id=\"y\" name=\"Y\"><value criterion=\"c9\" typical=\"1\" "
                         "source=\"s1 s7\"/></treatment>");
    CU_ASSERT_EQUAL(knee_ruleset_load_memory(&rs, t, strlen(t), "t.xml", NULL, &d), KNEE_EINVALID);
    CU_ASSERT_PTR_NULL(rs);
    /* every problem at once: the unknown criterion, and the missing value for c1 */
    CU_ASSERT(kt_has_diag(d, "unknown-criterion", 8, 46));
    CU_ASSERT(kt_has_diag(d, "missing-value", 8, 1));
    CU_ASSERT(knee_diag_error_count(d) >= 2);
    knee_diag_free(d);
    /* an unknown source in a list points at the bad id itself */
    t = make("1", "age &gt; 1",
             "<treatment id=\"y\" name=\"Y\"><value criterion=\"c1\" typical=\"1\" source=\"s1 "
             "s7\"/></treatment>");
    expect_fail_str(t, KNEE_EINVALID, "unknown-source", 8, 73);
}

static void test_value_checks(void)
{
    expect_fail_str(make("1", "age &gt; 1",
                         "<treatment id=\"y\" name=\"Y\"><value criterion=\"c1\" low=\"5\" "
                         "typical=\"2\" high=\"9\" source=\"s1\"/></treatment>"),
                    KNEE_EINVALID, "value-order", 8, 28);
    expect_fail_str(make("1", "age &gt; 1",
                         "<treatment id=\"y\" name=\"Y\"><value criterion=\"c1\" level=\"high\" "
                         "source=\"s1\"/></treatment>"),
                    KNEE_EINVALID, "value-kind", 8, 0);
}

static void test_expression_errors(void)
{
    /* unknown fact: points at the identifier */
    expect_fail_str(make("1", "agee &gt; 3", ""), KNEE_EINVALID, "expr-unknown-fact", 6, 21);
    /* syntax error: on line 6, inside the condition */
    {
        knee_diag *d = NULL;
        knee_ruleset *rs = NULL;
        const char *t = make("1", "age &gt; (3", "");
        size_t i;
        CU_ASSERT_EQUAL(knee_ruleset_load_memory(&rs, t, strlen(t), "t.xml", NULL, &d),
                        KNEE_EINVALID);
        for (i = 0; i < knee_diag_count(d); i++)
            if (strcmp(knee_diag_code(d, i), "expr-syntax") == 0) {
                CU_ASSERT_EQUAL(knee_diag_line(d, i), 6);
                CU_ASSERT(knee_diag_column(d, i) >= 21 && knee_diag_column(d, i) <= 32);
                CU_ASSERT_STRING_EQUAL(knee_diag_element(d, i), "r1");
            }
        CU_ASSERT(kt_has_diag(d, "expr-syntax", 6, 0));
        knee_diag_free(d);
    }
    /* type error: a string fact compared with a number; the column is past "payer &lt; " */
    {
        knee_diag *d = NULL;
        knee_ruleset *rs = NULL;
        const char *t = make("1", "age &gt; 1 and payer &lt; 3", "");
        size_t i;
        CU_ASSERT_EQUAL(knee_ruleset_load_memory(&rs, t, strlen(t), "t.xml", NULL, &d),
                        KNEE_EINVALID);
        CU_ASSERT(kt_has_diag(d, "expr-type", 6, 0));
        for (i = 0; i < knee_diag_count(d); i++)
            if (strcmp(knee_diag_code(d, i), "expr-type") == 0) /* "payer" starts at col 36 */
                CU_ASSERT(knee_diag_column(d, i) >= 36 && knee_diag_column(d, i) <= 47);
        knee_diag_free(d);
    }
    /* invalid regex */
    expect_fail_str(make("1", "payer ~ '(unclosed'", ""), KNEE_EINVALID, "regex-invalid", 6, 0);
}

static void test_zero_weights(void)
{
    expect_fail_str(make("0", "age &gt; 1", ""), KNEE_EINVALID, "weights-zero", 4, 0);
}

static void test_many_errors_at_once(void)
{
    knee_diag *d = NULL;
    knee_ruleset *rs = NULL;
    const char *t = make("0", "agee &gt; 1",
                         "<treatment id=\"x\" name=\"X2\"><value criterion=\"c1\" typical=\"1\" "
                         "source=\"s9\"/></treatment>");
    CU_ASSERT_EQUAL(knee_ruleset_load_memory(&rs, t, strlen(t), "t.xml", NULL, &d), KNEE_EINVALID);
    CU_ASSERT(kt_has_diag(d, "weights-zero", 4, 0));
    CU_ASSERT(kt_has_diag(d, "expr-unknown-fact", 6, 21));
    CU_ASSERT(kt_has_diag(d, "duplicate-id", 8, 16));
    CU_ASSERT(kt_has_diag(d, "unknown-source", 8, 0));
    knee_diag_free(d);
}

static void test_action_rules(void)
{
    /* a top-level rule action must name an option; an option rule's must not */
    expect_fail_str(
        make("1", "age &gt; 1",
             "<rules><rule id=\"g\" source=\"s1\"><caution text=\"t\"/></rule></rules>"),
        KNEE_EINVALID, "action-option", 8, 0);
    expect_fail_str(make("1", "age &gt; 1",
                         "<rules><rule id=\"g\"><caution option=\"x\" text=\"t\"/></rule></rules>"),
                    KNEE_EINVALID, "action-without-source", 8, 0);
    expect_fail_str(make("1", "age &gt; 1",
                         "<rules><rule id=\"r1\" source=\"s1\"><caution option=\"x\" "
                         "text=\"t\"/></rule></rules>"),
                    KNEE_EINVALID, "duplicate-id", 8, 0);
}

static void test_missing_file(void)
{
    knee_ruleset *rs = NULL;
    knee_diag *d = NULL;
    CU_ASSERT_EQUAL(knee_ruleset_load_file(&rs, "/nonexistent/rules.xml", NULL, &d), KNEE_EIO);
    CU_ASSERT_PTR_NULL(rs);
    CU_ASSERT(kt_has_diag(d, "io", 0, 0));
    knee_diag_free(d);
}

static void test_load_file_all_data(void)
{
    knee_ruleset *rs = NULL;
    char path[1024];
    snprintf(path, sizeof path, "%s/knee-oa.xml", KNEE_RULES_DIR);
    CU_ASSERT_EQUAL(knee_ruleset_load_file(&rs, path, NULL, NULL), KNEE_OK);
    CU_ASSERT(knee_ruleset_option_count(rs) >= 5);
    knee_ruleset_free(rs);
    CU_ASSERT_EQUAL(knee_ruleset_load_default(&rs, NULL), KNEE_OK);
    CU_ASSERT_STRING_EQUAL(knee_ruleset_id(rs), "knee-oa");
    knee_ruleset_free(rs);
}

/* Issue 13, item 19: `knee check` printed a condition's raw newline, so a rule file could forge
 * output lines (and an unterminated U+202E reversed the rest of the line). Every diagnostic's
 * texts are escaped when it is made, for C, CLI and Python users alike. */
static void test_diagnostics_one_line(void)
{
    knee_ruleset *rs = NULL;
    knee_diag *d = NULL;
    const char *t =
        make("1", "age &gt; 200 and&#10;age &lt; 0 and&#9;payer = '&#x202E;&#x85;&#x2028;x'", "");
    const char *msg;
    CU_ASSERT_EQUAL_FATAL(knee_ruleset_load_memory(&rs, t, strlen(t), "t.xml", NULL, NULL),
                          KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_ruleset_lint(rs, &d), KNEE_OK);
    CU_ASSERT_FATAL(kt_has_diag(d, "rule-never-true", 6, 1));
    msg = knee_diag_message(d, 0);
    CU_ASSERT_PTR_NOT_NULL(
        strstr(msg, "age > 200 and\\nage < 0 and\\tpayer = '\\u{202E}\\u{85}\\u{2028}x'"));
    CU_ASSERT_PTR_NULL(strchr(msg, '\n'));
    CU_ASSERT_PTR_NULL(strchr(msg, '\t'));
    CU_ASSERT_PTR_NULL(strstr(msg, "\xE2\x80\xAE"));
    knee_diag_free(d);
    knee_ruleset_free(rs);
    /* the name the caller gives: C0 controls and bytes that are not UTF-8 */
    CU_ASSERT_EQUAL(knee_ruleset_load_memory(&rs, "<x", 2, "a\nb\x01\xff.xml", NULL, &d),
                    KNEE_EPARSE);
    CU_ASSERT_STRING_EQUAL(knee_diag_file(d, 0), "a\\nb\\x01\\xFF.xml");
    knee_diag_free(d);
}

/* Replace the first `from` in doc by `to`. */
static void replace(char *t, const char *from, const char *to)
{
    char *at = strstr(t, from), rest[65536];
    CU_ASSERT_FATAL(at != NULL);
    strcpy(rest, at + strlen(from));
    strcpy(at, to);
    strcat(at, rest);
}

/* Issue 13, item 8: integer attributes went through atoi, so year="2147483648" was listed as
 * -2147483648 (undefined behaviour). Each is parsed with its range, and a value outside is a
 * located error. */
static void test_integer_attributes(void)
{
    char t[65536];
    knee_ruleset *rs = NULL;
    knee_diag *d = NULL;
    strcpy(t, make("1", "age &gt; 1", ""));
    replace(t, "year=\"2020\"", "year=\"2147483648\"");
    expect_fail_str(t, KNEE_EINVALID, "bad-number", 2, 42);
    strcpy(t, make("1", "age &gt; 1", ""));
    replace(t, "year=\"2020\"", "year=\"10000\""); /* a valid xs:gYear, but not a year we show */
    expect_fail_str(t, KNEE_EINVALID, "bad-number", 2, 42);
    strcpy(t, make("1", "age &gt; 1", ""));
    replace(t, "typical=\"1\"", "typical=\"1\" year=\"99999999999999999999999\"");
    expect_fail_str(t, KNEE_EINVALID, "bad-number", 5, 0);
    strcpy(t,
           make("1", "age &gt; 1",
                "<tests><case id=\"c\"><expect option=\"x\" rank=\"2147483648\"/></case></tests>"));
    expect_fail_str(t, KNEE_EINVALID, "bad-number", 8, 46);
    strcpy(t,
           make("1", "age &gt; 1",
                "<tests><case id=\"c\"><expect option=\"x\" rank-at-most=\"18446744073709551617\"/>"
                "</case></tests>"));
    expect_fail_str(t, KNEE_EINVALID, "bad-number", 8, 54);
    /* what the XSD allows and is in range reads as written */
    strcpy(t, make("1", "age &gt; 1",
                   "<tests><case id=\"c\"><expect option=\"x\" rank=\" +0001 \"/></case></tests>"));
    replace(t, "year=\"2020\"", "year=\"2021+01:00\"");
    replace(t, "typical=\"1\"", "typical=\"1\" year=\"-0044\"");
    CU_ASSERT_EQUAL_FATAL(knee_ruleset_load_memory(&rs, t, strlen(t), "t.xml", NULL, &d), KNEE_OK);
    CU_ASSERT_EQUAL(knee_ruleset_source_year(rs, 0), 2021);
    knee_diag_free(d);
    {
        size_t n_cases = 0, n_failed = 9;
        char *report = NULL;
        CU_ASSERT_EQUAL(knee_ruleset_run_tests(rs, &n_cases, &n_failed, &report), KNEE_OK);
        CU_ASSERT_EQUAL(n_failed, 0); /* rank 1 */
        knee_free(report);
    }
    knee_ruleset_free(rs);
}

/* Issue 16: a value's <rate> (rules/README.md, "Rates"): read as written, its text graded as a
 * patient's; per other than 10, 100 or 1000, a value that is not a whole number or is above
 * per, an unknown or missing source: each a located error. */
static void rate_doc(char *t, const char *rate)
{
    char with[512];
    snprintf(with, sizeof with, "typical=\"1\" source=\"s1\">%s</value>", rate);
    strcpy(t, make("1", "age &gt; 1", ""));
    replace(t, "typical=\"1\" source=\"s1\"/>", with);
}

static void test_rates(void)
{
    char t[65536];
    knee_ruleset *rs = NULL;
    knee_result *r = NULL;
    knee_patient *p = NULL;
    knee_diag *d = NULL;
    int count = -1, per = -1;
    const char *text = NULL, *source = NULL;
    rate_doc(t, "<rate per=\"100\" value=\"8\" text=\"people had it\" source=\"s1\"/>");
    CU_ASSERT_EQUAL_FATAL(knee_ruleset_load_memory(&rs, t, strlen(t), "t.xml", NULL, &d), KNEE_OK);
    knee_diag_free(d);
    CU_ASSERT_EQUAL_FATAL(knee_result_new(&r), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_compare(rs, NULL, r), KNEE_OK);
    CU_ASSERT_EQUAL(knee_result_value_rate(r, 0, 0, &count, &per, &text, &source), 1);
    CU_ASSERT_EQUAL(count, 8);
    CU_ASSERT_EQUAL(per, 100);
    CU_ASSERT_STRING_EQUAL(text, "people had it");
    CU_ASSERT_STRING_EQUAL(source, "s1");
    CU_ASSERT_EQUAL(knee_result_value_rate(r, 0, 0, NULL, NULL, NULL, NULL), 1);
    CU_ASSERT_EQUAL(knee_result_value_rate(r, 0, 1, &count, &per, &text, &source), 0); /* bad j */
    CU_ASSERT_EQUAL(count, 0);
    CU_ASSERT_EQUAL(per, 0);
    CU_ASSERT_PTR_NULL(text);
    CU_ASSERT_PTR_NULL(source);
    CU_ASSERT_EQUAL(knee_result_value_rate(NULL, 0, 0, NULL, NULL, NULL, NULL), 0);
    knee_ruleset_free(rs);
    /* a rule that changes the value for the patient drops the rate: it was the declared value's */
    rate_doc(t, "<rate per=\"100\" value=\"8\" text=\"people had it\" source=\"s1\"/>");
    replace(t, "</treatment>",
            "<rule id=\"r2\" when=\"age &gt; 50\" source=\"s1\"><set criterion=\"c1\" "
            "typical=\"2\"/></rule></treatment>");
    CU_ASSERT_EQUAL_FATAL(knee_ruleset_load_memory(&rs, t, strlen(t), "t.xml", NULL, NULL),
                          KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_patient_new(&p, rs), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_number(p, "age", 40), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_compare(rs, p, r), KNEE_OK);
    CU_ASSERT_EQUAL(knee_result_value_rate(r, 0, 0, NULL, NULL, NULL, NULL), 1);
    CU_ASSERT_EQUAL(knee_patient_set_number(p, "age", 60), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_compare(rs, p, r), KNEE_OK);
    CU_ASSERT_EQUAL(knee_result_value_rate(r, 0, 0, &count, NULL, NULL, NULL), 0);
    CU_ASSERT_EQUAL(count, 0);
    knee_result_free(r);
    knee_patient_free(p);
    knee_ruleset_free(rs);
    /* the ends of the range are rates too: none, and all */
    rate_doc(t, "<rate per=\"10\" value=\"0\" text=\"people had it\" source=\"s1\"/>");
    CU_ASSERT_EQUAL(knee_ruleset_load_memory(&rs, t, strlen(t), "t.xml", NULL, NULL), KNEE_OK);
    knee_ruleset_free(rs);
    rate_doc(t, "<rate per=\"1000\" value=\"1000\" text=\"people had it\" source=\"s1\"/>");
    CU_ASSERT_EQUAL(knee_ruleset_load_memory(&rs, t, strlen(t), "t.xml", NULL, NULL), KNEE_OK);
    knee_ruleset_free(rs);
    /* bad rates, each at its attribute's value (line 5) */
    rate_doc(t, "<rate per=\"50\" value=\"8\" text=\"people had it\" source=\"s1\"/>");
    expect_fail_str(t, KNEE_EINVALID, "rate-per", 5, 85);
    rate_doc(t, "<rate per=\"100\" value=\"101\" text=\"people had it\" source=\"s1\"/>");
    expect_fail_str(t, KNEE_EINVALID, "rate-value", 5, 97);
    rate_doc(t, "<rate per=\"100\" value=\"8.5\" text=\"people had it\" source=\"s1\"/>");
    expect_fail_str(t, KNEE_EINVALID, "bad-number", 5, 97);
    rate_doc(t, "<rate per=\"100\" value=\"-1\" text=\"people had it\" source=\"s1\"/>");
    expect_fail_str(t, KNEE_EINVALID, "bad-number", 5, 97);
    rate_doc(t, "<rate per=\"100\" value=\"8\" text=\"people had it\" source=\"s9\"/>");
    expect_fail_str(t, KNEE_EINVALID, "unknown-source", 5, 129);
    rate_doc(t, "<rate per=\"100\" value=\"8\" text=\"people had it\"/>");
    expect_fail_str(t, KNEE_EINVALID, "schema-missing-attribute", 5, 0);
    rate_doc(
        t, "<rate per=\"100\" value=\"8\" text=\"a\" source=\"s1\"/><rate per=\"100\" value=\"8\" "
           "text=\"a\" source=\"s1\"/>");
    expect_fail_str(t, KNEE_EINVALID, "schema-element", 5, 122); /* one rate a value */
}

/* A value's level that is not one of the criterion's: the nearest level and the list of them. */
static void test_unknown_level_says_the_levels(void)
{
    size_t len, k;
    char *text, *at;
    knee_ruleset *rs = NULL;
    knee_diag *d = NULL;
    int found = 0;
    text = kt_read(KNEE_TEST_DATA "/mini.xml", &len);
    at = strstr(text, "level=\"high\" source=\"s2\"");
    CU_ASSERT_PTR_NOT_NULL_FATAL(at);
    memcpy(at, "level=\"hihg\"", 12);
    CU_ASSERT_EQUAL(knee_ruleset_load_memory(&rs, text, len, "t.xml", NULL, &d), KNEE_EINVALID);
    for (k = 0; k < knee_diag_count(d); k++)
        found |= strcmp(knee_diag_code(d, k), "unknown-level") == 0 &&
                 strcmp(knee_diag_message(d, k),
                        "'hihg' is not a level of criterion 'evidence': "
                        "did you mean 'high'? (its levels: low, moderate, high): use one "
                        "of them, or declare it with <level id=\"hihg\"/> in "
                        "the criterion") == 0;
    if (!found)
        kt_dump(d);
    CU_ASSERT(found);
    knee_diag_free(d);
    free(text);
}

int main(void)
{
    CU_pSuite s;
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    s = CU_add_suite("loader", NULL, NULL);
    CU_add_test(s, "valid template loads", test_valid_template);
    CU_add_test(s, "metadata accessors", test_mini_metadata);
    CU_add_test(s, "sha256 of the exact bytes", test_sha256_matches_file_bytes);
    CU_add_test(s, "default and shipped rules load", test_load_file_all_data);
    s = CU_add_suite("bad input", NULL, NULL);
    CU_add_test(s, "malformed XML", test_malformed_xml);
    CU_add_test(s, "empty input", test_empty_input);
    CU_add_test(s, "DOCTYPE with external entity", test_doctype_external_entity);
    CU_add_test(s, "entity expansion (billion laughs)", test_billion_laughs);
    CU_add_test(s, "size limit", test_size_limit);
    CU_add_test(s, "deep nesting", test_deep_nesting);
    CU_add_test(s, "invalid UTF-8", test_invalid_utf8);
    CU_add_test(s, "NUL byte", test_nul_byte);
    CU_add_test(s, "NUL byte after the root element", test_nul_after_root);
    CU_add_test(s, "unknown element and attribute", test_unknown_element_and_attribute);
    CU_add_test(s, "duplicate id", test_duplicate_id);
    CU_add_test(s, "long lists of values and levels", test_long_value_lists);
    CU_add_test(s, "dangling references", test_dangling_references);
    CU_add_test(s, "value checks", test_value_checks);
    CU_add_test(s, "integer attributes out of range", test_integer_attributes);
    CU_add_test(s, "expression errors", test_expression_errors);
    CU_add_test(s, "all-zero weights", test_zero_weights);
    CU_add_test(s, "every problem at once", test_many_errors_at_once);
    CU_add_test(s, "rule action checks", test_action_rules);
    CU_add_test(s, "a value's rate: read, and each bad one located", test_rates);
    CU_add_test(s, "an unknown method= names the nearest and the methods",
                test_unknown_method_says_the_methods);
    CU_add_test(s, "missing file", test_missing_file);
    CU_add_test(s, "a diagnostic is one line", test_diagnostics_one_line);
    CU_add_test(s, "an unknown level: the nearest and the list",
                test_unknown_level_says_the_levels);
    CU_add_test(s, "a bare < says to write &lt;", test_bare_less_than_says_how_to_fix);
    CU_add_test(s, "a missing namespace says the xmlns to write",
                test_missing_namespace_says_how_to_fix);
    CU_add_test(s, "an unknown level lists the levels", test_unknown_level_lists_the_levels);
    return kt_run();
}
