/* test_faults.c - allocation-failure injection (alloc.h, KNEE_FAULT_INJECTION). For each
 * operation, fail its 1st allocation, then its 2nd, ... until it completes without reaching the
 * failing allocation. Each time: the status is KNEE_ENOMEM (or KNEE_OK when the library may
 * legitimately absorb the failure, e.g. PCRE2's JIT, and then the outcome must equal the
 * unfailed one), outputs are NULL or unchanged, and nothing leaks (this suite also runs under
 * valgrind and ASan). libxml2's own allocations do not pass through the choke point. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "support.h"

/* The most allocations any one operation may make before the loop gives up (a safety net; the
 * operations here make a few hundred). */
#define MAX_STEPS 20000

static char *default_rules, *mini_rules, *patient_xml;
static size_t default_len, mini_len, patient_len;

/* One run of an operation with the (n+1)-th allocation failing. Returns the operation's status
 * and sets *ok to 0 when an output or state is wrong. An operation that checks its outcome with
 * further library calls calls stop() first, so those calls are neither failed nor counted. */
typedef int (*op_fn)(void *ctx, int *ok);

static long made_by_op = -1;

static void stop(void)
{
    if (made_by_op < 0)
        made_by_op = knee__fault_inject(-1);
}

typedef struct stats {
    long steps;    /* failure points tried */
    long absorbed; /* failures the library absorbed with a correct KNEE_OK */
} stats;

/* Drive op until it completes without reaching the injected failure; it must then return
 * final_rc (KNEE_OK, or the status an invalid input gives), and before that KNEE_ENOMEM or, for
 * an absorbed failure, final_rc. */
static stats drive_to(const char *what, op_fn op, void *ctx, int final_rc)
{
    stats s = {0, 0};
    long n;
    for (n = 0; n < MAX_STEPS; n++) {
        int ok = 1, rc;
        long made;
        made_by_op = -1;
        knee__fault_inject(n);
        rc = op(ctx, &ok);
        stop();
        made = made_by_op;
        if (made <= n) { /* the failing allocation was never reached: the operation is done */
            if (rc != final_rc)
                fprintf(stderr, "    %s: status %d with no failure injected\n", what, rc);
            CU_ASSERT_EQUAL(rc, final_rc);
            CU_ASSERT(ok);
            s.steps = n;
            printf("\n    %s: %ld allocations failed one at a time, %ld absorbed ", what, s.steps,
                   s.absorbed);
            return s;
        }
        if (rc != KNEE_ENOMEM && rc != final_rc)
            fprintf(stderr, "    %s: allocation %ld failed: status %d, not KNEE_ENOMEM\n", what,
                    n + 1, rc);
        CU_ASSERT(rc == KNEE_ENOMEM || rc == final_rc);
        if (rc == final_rc)
            s.absorbed++;
        if (!ok)
            fprintf(stderr, "    %s: allocation %ld failed: outputs or state wrong\n", what, n + 1);
        CU_ASSERT(ok);
    }
    CU_FAIL("operation never completed");
    return s;
}

static stats drive(const char *what, op_fn op, void *ctx)
{
    return drive_to(what, op, ctx, KNEE_OK);
}

/* ---- rule-file loads ------------------------------------------------------------------------ */

typedef struct load_ctx {
    const char *buf;
    size_t len;
    const char *path;  /* load_file when not NULL */
    char *expect_json; /* comparing an empty patient on the unfailed ruleset */
} load_ctx;

static char *json_of(const knee_ruleset *rs, const knee_patient *p);

/* A ruleset loaded despite an absorbed failure must behave as the unfailed one. */
static int same_behaviour(const knee_ruleset *rs, const char *expect_json)
{
    char *json = json_of(rs, NULL);
    int same = strcmp(json, expect_json) == 0;
    knee_free(json);
    return same;
}

static int op_load(void *vctx, int *ok)
{
    load_ctx *c = vctx;
    knee_ruleset *rs = (knee_ruleset *)1;
    knee_diag *d = NULL;
    int rc = c->path ? knee_ruleset_load_file(&rs, c->path, NULL, &d)
                     : knee_ruleset_load_memory(&rs, c->buf, c->len, "faults.xml", NULL, &d);
    stop();
    if (rc == KNEE_OK) {
        *ok = rs != NULL && knee_diag_error_count(d) == 0 && same_behaviour(rs, c->expect_json);
    } else {
        *ok = rs == NULL;
        /* the diagnostics, when they could be made, say why */
        if (d && knee_diag_count(d) > 0 && knee_diag_status(d, 0) != KNEE_ENOMEM &&
            rc != KNEE_ENOMEM)
            *ok = 0;
    }
    knee_diag_free(d);
    knee_ruleset_free(rs == (knee_ruleset *)1 ? NULL : rs);
    return rc;
}

static char *expected_for(const char *buf, size_t len)
{
    knee_ruleset *rs = NULL;
    char *json;
    if (knee_ruleset_load_memory(&rs, buf, len, "expected", NULL, NULL) != KNEE_OK) {
        fprintf(stderr, "cannot load the reference rules\n");
        exit(2);
    }
    json = json_of(rs, NULL);
    knee_ruleset_free(rs);
    return json;
}

static void test_load_default(void)
{
    load_ctx c = {default_rules, default_len, NULL, NULL};
    stats s;
    c.expect_json = expected_for(default_rules, default_len);
    s = drive("load default rules", op_load, &c);
    CU_ASSERT(s.steps > 50);
    knee_free(c.expect_json);
}

static void test_load_mini(void)
{
    load_ctx c = {mini_rules, mini_len, NULL, NULL};
    stats s;
    c.expect_json = expected_for(mini_rules, mini_len);
    s = drive("load mini.xml", op_load, &c);
    CU_ASSERT(s.steps > 10);
    knee_free(c.expect_json);
}

static void test_load_file(void)
{
    char path[1024];
    load_ctx c = {NULL, 0, path, NULL};
    snprintf(path, sizeof path, "%s/mini.xml", KNEE_TEST_DATA);
    c.expect_json = expected_for(mini_rules, mini_len);
    (void)drive("load_file mini.xml", op_load, &c);
    knee_free(c.expect_json);
}

/* A rule file with many errors: the error paths and diagnostics allocate too. */
static int op_load_invalid(void *vctx, int *ok)
{
    load_ctx *c = vctx;
    knee_ruleset *rs = (knee_ruleset *)1;
    knee_diag *d = NULL;
    int rc = knee_ruleset_load_memory(&rs, c->buf, c->len, "invalid.xml", NULL, &d);
    stop();
    /* A diagnostic that cannot be allocated is dropped; the load still fails as invalid. */
    *ok = rs == NULL;
    knee_diag_free(d);
    return rc;
}

static void test_load_invalid(void)
{
    char path[1024];
    load_ctx c = {NULL, 0, NULL, NULL};
    char *buf;
    snprintf(path, sizeof path, "%s/../cli/data/many-errors.xml", KNEE_TEST_DATA);
    buf = kt_read(path, &c.len);
    c.buf = buf;
    (void)drive_to("load many-errors.xml (invalid)", op_load_invalid, &c, KNEE_EINVALID);
    {
        knee_ruleset *rs = NULL;
        knee_diag *d = NULL;
        CU_ASSERT_EQUAL(knee_ruleset_load_memory(&rs, c.buf, c.len, "i", NULL, &d), KNEE_EINVALID);
        CU_ASSERT(knee_diag_error_count(d) >= 3);
        knee_diag_free(d);
    }
    free(buf);
}

/* mini.xml with a <fhir> section before <tests>: `head` (birth-date/gender elements), then one
 * condition with n codes whose systems are long enough that the mapping needs fresh arena
 * blocks of its own. Free with free(). */
static char *mini_with_fhir(const char *head, size_t n, size_t *len)
{
    char *at = strstr(mini_rules, "<tests>"), *xml, *w;
    char sys[301];
    size_t i, cap = mini_len + strlen(head) + n * 400 + 200;
    memset(sys, 'x', 300);
    sys[300] = '\0';
    xml = malloc(cap);
    if (!at || !xml)
        exit(2);
    memcpy(xml, mini_rules, (size_t)(at - mini_rules));
    w = xml + (at - mini_rules);
    w += sprintf(w, "<fhir>%s<condition fact=\"diabetes\" source=\"s1\">", head);
    for (i = 0; i < n; i++)
        w += sprintf(w, "<code system=\"urn:%s\" code=\"c%u\"/>", sys, (unsigned)i);
    w += sprintf(w, "</condition></fhir>");
    strcpy(w, at);
    *len = strlen(xml);
    return xml;
}

/* The <fhir> mapping section: valid (failures must leave no ruleset or a correct one), and
 * with mistakes (each diagnostic allocates). */
static void test_load_fhir_mapping(void)
{
    load_ctx c = {NULL, 0, NULL, NULL};
    char *xml = mini_with_fhir("<gender fact=\"sex\" source=\"s1 s2\"/>", 120, &c.len);
    c.buf = xml;
    c.expect_json = expected_for(xml, c.len);
    (void)drive("load a large <fhir> mapping", op_load, &c);
    knee_free(c.expect_json);
    free(xml);
    xml = mini_with_fhir(
        "<birth-date fact=\"sex\" source=\"s7\"/><gender fact=\"age\" source=\"s8 s9\"/>", 60,
        &c.len);
    c.buf = xml;
    (void)drive_to("load a <fhir> mapping with mistakes (invalid)", op_load_invalid, &c,
                   KNEE_EINVALID);
    free(xml);
}

/* mini.xml plus a set fact with n long allowed values and n_levels levels with long ids below
 * `high`, so the arena needs fresh blocks in the middle of both lists. Free with free(). */
static char *mini_with_lists(size_t n, size_t n_levels, size_t *len)
{
    const char *facts_end = strstr(mini_rules, "</facts>");
    const char *levels_end = strstr(mini_rules, "<level id=\"high\"/>");
    char *xml, *w;
    char pad[301];
    size_t i;
    memset(pad, 'v', 300);
    pad[300] = '\0';
    xml = malloc(mini_len + n * 340 + n_levels * 100 + 400);
    if (!facts_end || !levels_end || !xml)
        exit(2);
    memcpy(xml, mini_rules, (size_t)(facts_end - mini_rules));
    w = xml + (facts_end - mini_rules);
    w += sprintf(w, "<fact id=\"tags\" type=\"set\">");
    for (i = 0; i < n; i++)
        w += sprintf(w, "<allowed value=\"%s%u\"/>", pad, (unsigned)i);
    w += sprintf(w, "</fact>");
    memcpy(w, facts_end, (size_t)(levels_end - facts_end));
    w += levels_end - facts_end;
    for (i = 0; i < n_levels; i++) /* level ids are at most 64 characters */
        w += sprintf(w, "<level id=\"%.60s%u\"/>", pad, (unsigned)i);
    strcpy(w, levels_end);
    *len = strlen(xml);
    return xml;
}

/* A failed copy of one allowed value or level id must not crash the duplicate check of the
 * next one (it compared against the NULL the failed copy left). */
static void test_load_long_lists(void)
{
    load_ctx c = {NULL, 0, NULL, NULL};
    char *xml = mini_with_lists(120, 600, &c.len);
    c.buf = xml;
    c.expect_json = expected_for(xml, c.len);
    (void)drive("load long allowed-value and level lists", op_load, &c);
    knee_free(c.expect_json);
    free(xml);
}

/* ---- patients ------------------------------------------------------------------------------- */

typedef struct eval_ctx {
    knee_ruleset *rs;
    knee_patient *p; /* the patient under test */
    knee_result *r;
    char *expect_json; /* the unfailed outcome */
    char *before_json; /* the patient's comparison before the operation */
} eval_ctx;

/* The JSON of comparing p, with no failure injected (the injection is paused and restored). */
static char *json_of(const knee_ruleset *rs, const knee_patient *p)
{
    knee_result *r = NULL;
    char *json = NULL;
    if (knee_result_new(&r) != KNEE_OK || knee_compare(rs, p, r) != KNEE_OK ||
        knee_result_to_json(r, &json, NULL) != KNEE_OK) {
        fprintf(stderr, "json_of failed\n");
        exit(2);
    }
    knee_result_free(r);
    return json;
}

static int op_patient_load(void *vctx, int *ok)
{
    eval_ctx *c = vctx;
    knee_diag *d = NULL;
    int rc = knee_patient_load_memory(c->p, patient_xml, patient_len, "patient.xml", NULL, &d);
    char *now;
    stop();
    now = json_of(c->rs, c->p);
    /* all or nothing: on failure the patient is as it was, on success it has the file's facts */
    *ok = strcmp(now, rc == KNEE_OK ? c->expect_json : c->before_json) == 0;
    knee_free(now);
    knee_diag_free(d);
    knee_patient_clear(c->p);
    knee_patient_set_number(c->p, "age", 50);
    return rc;
}

static void test_patient_load(void)
{
    eval_ctx c;
    knee_diag *d = NULL;
    memset(&c, 0, sizeof c);
    CU_ASSERT_EQUAL_FATAL(knee_ruleset_load_memory(&c.rs, mini_rules, mini_len, "mini", NULL, NULL),
                          KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_patient_new(&c.p, c.rs), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_patient_load_memory(c.p, patient_xml, patient_len, "p", NULL, &d),
                          KNEE_OK);
    knee_diag_free(d);
    c.expect_json = json_of(c.rs, c.p);
    knee_patient_clear(c.p);
    knee_patient_set_number(c.p, "age", 50);
    c.before_json = json_of(c.rs, c.p);
    (void)drive("patient load", op_patient_load, &c);
    knee_free(c.expect_json);
    knee_free(c.before_json);
    knee_patient_free(c.p);
    knee_ruleset_free(c.rs);
}

/* knee_patient_new and every setter. */
static int op_patient_build(void *vctx, int *ok)
{
    eval_ctx *c = vctx;
    knee_patient *p = NULL;
    int rc = knee_patient_new(&p, c->rs);
    *ok = (rc == KNEE_OK) == (p != NULL);
    if (rc != KNEE_OK)
        return rc;
#define STEP(call)                                                                                 \
    if ((rc = (call)) != KNEE_OK)                                                                  \
    goto out
    STEP(knee_patient_set_number(p, "age", 72));
    STEP(knee_patient_set_text(p, "kl_grade", "4"));
    STEP(knee_patient_set_string(p, "payer", "medicare-advantage-xyz"));
    STEP(knee_patient_set_text(p, "prior", "failed-conservative, ha-6mo"));
    STEP(knee_patient_add_to_set(p, "prior", "steroid-injection-3mo"));
    STEP(knee_patient_set_bool(p, "diabetes", 1));
    STEP(knee_patient_set_text(p, "region", "us"));
    STEP(knee_patient_set_weight(p, "cost", 3));
#undef STEP
out:
    stop();
    if (rc != KNEE_OK) /* a failed setter leaves a message */
        *ok = *ok && knee_patient_errmsg(p) != NULL;
    knee_patient_free(p);
    return rc;
}

static void test_patient_build(void)
{
    eval_ctx c;
    memset(&c, 0, sizeof c);
    CU_ASSERT_EQUAL_FATAL(
        knee_ruleset_load_memory(&c.rs, default_rules, default_len, "d", NULL, NULL), KNEE_OK);
    (void)drive("patient new + setters", op_patient_build, &c);
    knee_ruleset_free(c.rs);
}

/* ---- evaluation ----------------------------------------------------------------------------- */

/* knee_result_new + knee_compare + knee_result_to_json on a fresh result; after a failed
 * compare, the same result must serve the next call. */
static int op_evaluate(void *vctx, int *ok)
{
    eval_ctx *c = vctx;
    knee_result *r = NULL;
    char *json = (char *)1;
    size_t len = 1;
    int rc = knee_result_new(&r);
    if (rc != KNEE_OK) {
        *ok = r == NULL;
        return rc;
    }
    rc = knee_compare(c->rs, c->p, r);
    if (rc != KNEE_OK) {
        int again;
        stop();
        /* failed: empty, says why, and usable again */
        *ok = knee_result_option_count(r) == 0 && knee_result_errmsg(r) &&
              knee_result_errmsg(r)[0] != '\0';
        again = knee_compare(c->rs, c->p, r);
        *ok = *ok && again == KNEE_OK;
        if (again == KNEE_OK && knee_result_to_json(r, &json, NULL) == KNEE_OK) {
            *ok = *ok && strcmp(json, c->expect_json) == 0;
            knee_free(json);
        } else {
            *ok = 0;
        }
        knee_result_free(r);
        return rc;
    }
    rc = knee_result_to_json(r, &json, &len);
    stop();
    if (rc == KNEE_OK) {
        *ok = json && strlen(json) == len && strcmp(json, c->expect_json) == 0;
        knee_free(json);
    } else {
        *ok = json == NULL;
    }
    knee_result_free(r);
    return rc;
}

/* A reused result: knee_compare on a result filled before (by another patient). */
static int op_evaluate_reused(void *vctx, int *ok)
{
    eval_ctx *c = vctx;
    int rc = knee_compare(c->rs, c->p, c->r);
    char *json = NULL;
    stop();
    if (rc == KNEE_OK) {
        *ok =
            knee_result_to_json(c->r, &json, NULL) == KNEE_OK && strcmp(json, c->expect_json) == 0;
    } else {
        *ok = knee_result_option_count(c->r) == 0 && knee_compare(c->rs, c->p, c->r) == KNEE_OK &&
              knee_result_to_json(c->r, &json, NULL) == KNEE_OK &&
              strcmp(json, c->expect_json) == 0;
    }
    knee_free(json);
    /* back to a small filled state so the next step has to grow again */
    knee_result_free(c->r);
    c->r = NULL;
    if (knee_result_new(&c->r) != KNEE_OK || knee_compare(c->rs, NULL, c->r) != KNEE_OK)
        *ok = 0;
    return rc;
}

static void evaluate_with(const char *what, const char *rules, size_t len, int full_patient)
{
    eval_ctx c;
    memset(&c, 0, sizeof c);
    CU_ASSERT_EQUAL_FATAL(knee_ruleset_load_memory(&c.rs, rules, len, "rules", NULL, NULL),
                          KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_patient_new(&c.p, c.rs), KNEE_OK);
    if (full_patient) {
        CU_ASSERT_EQUAL(knee_patient_set_number(c.p, "age", 72), KNEE_OK);
        CU_ASSERT_EQUAL(knee_patient_set_text(c.p, "payer", "medicare"), KNEE_OK);
        CU_ASSERT_EQUAL(knee_patient_set_text(c.p, "prior", "failed-conservative, ha-6mo"),
                        KNEE_OK);
        CU_ASSERT_EQUAL(knee_patient_set_text(c.p, "diabetes", "yes"), KNEE_OK);
    } else {
        CU_ASSERT_EQUAL(knee_patient_load_memory(c.p, patient_xml, patient_len, "p", NULL, NULL),
                        KNEE_OK);
    }
    c.expect_json = json_of(c.rs, c.p);
    (void)drive(what, op_evaluate, &c);
    {
        char name[200];
        snprintf(name, sizeof name, "%s (reused result)", what);
        CU_ASSERT_EQUAL_FATAL(knee_result_new(&c.r), KNEE_OK);
        CU_ASSERT_EQUAL(knee_compare(c.rs, NULL, c.r), KNEE_OK);
        (void)drive(name, op_evaluate_reused, &c);
    }
    knee_result_free(c.r);
    knee_free(c.expect_json);
    knee_patient_free(c.p);
    knee_ruleset_free(c.rs);
}

static void test_evaluate_mini(void)
{
    evaluate_with("compare + to_json, mini.xml", mini_rules, mini_len, 0);
}

static void test_evaluate_default(void)
{
    evaluate_with("compare + to_json, default rules", default_rules, default_len, 1);
}

/* FHIR input: a bundle in JSON and in XML (libxml2's and jansson's own allocations are not
 * failed; ours are). The patient must be unchanged on failure. */
typedef struct fhir_ctx {
    knee_ruleset *rs;
    knee_patient *p;
    const char *buf;
    size_t len;
    char *expect_json, *before_json;
} fhir_ctx;

static int op_fhir(void *vctx, int *ok)
{
    fhir_ctx *c = vctx;
    knee_fhir_report *rep = (knee_fhir_report *)1;
    knee_diag *d = NULL;
    char *now;
    int rc = knee_patient_load_fhir(c->p, c->buf, c->len, "bundle", "2025-06-30", NULL, &rep, &d);
    stop();
    now = json_of(c->rs, c->p);
    if (rc == KNEE_OK) {
        *ok = rep != NULL && strcmp(now, c->expect_json) == 0;
        knee_fhir_report_free(rep);
    } else {
        *ok = rep == NULL && strcmp(now, c->before_json) == 0;
    }
    knee_free(now);
    knee_diag_free(d);
    knee_patient_clear(c->p);
    return rc;
}

static void fhir_buf_with(const char *what, const char *buf, size_t len)
{
    fhir_ctx c;
    knee_fhir_report *rep = NULL;
    memset(&c, 0, sizeof c);
    c.buf = buf;
    c.len = len;
    CU_ASSERT_EQUAL_FATAL(
        knee_ruleset_load_memory(&c.rs, default_rules, default_len, "d", NULL, NULL), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_patient_new(&c.p, c.rs), KNEE_OK);
    c.before_json = json_of(c.rs, c.p);
    CU_ASSERT_EQUAL_FATAL(
        knee_patient_load_fhir(c.p, c.buf, c.len, "b", "2025-06-30", NULL, &rep, NULL), KNEE_OK);
    knee_fhir_report_free(rep);
    c.expect_json = json_of(c.rs, c.p);
    CU_ASSERT(strcmp(c.expect_json, c.before_json) != 0); /* the bundle gives facts */
    knee_patient_clear(c.p);
    (void)drive(what, op_fhir, &c);
    knee_free(c.expect_json);
    knee_free(c.before_json);
    knee_patient_free(c.p);
    knee_ruleset_free(c.rs);
}

static void fhir_with(const char *file)
{
    char path[1024], what[200], *buf;
    size_t len;
    snprintf(path, sizeof path, "%s/fhir/%s", KNEE_TEST_DATA, file);
    buf = kt_read(path, &len);
    snprintf(what, sizeof what, "FHIR load, %s", file);
    fhir_buf_with(what, buf, len);
    free(buf);
}

/* JSON large enough that the document's arena grows at every kind of node: many small
 * properties, long strings, numbers, booleans and resources inside arrays. */
static void test_fhir_json_large(void)
{
    size_t i, cap = 400000;
    char *buf = malloc(cap), *w = buf, big[3001];
    if (!buf)
        exit(2);
    memset(big, 'n', 3000);
    big[3000] = '\0';
    w += sprintf(w,
                 "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":["
                 "{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"p\",\"gender\":\"male\","
                 "\"name\":[{\"text\":\"%s\"}],\"extension\":[",
                 big);
    for (i = 0; i < 800; i++)
        w += sprintf(w, "%s{\"url\":\"urn:x:%u\",\"valueDecimal\":%u.5,\"valueBoolean\":%s}",
                     i ? "," : "", (unsigned)i, (unsigned)i, i % 2 ? "true" : "false");
    w += sprintf(w, "]}}");
    for (i = 0; i < 12; i++)
        w += sprintf(w,
                     ",{\"resource\":{\"resourceType\":\"Basic\",\"id\":\"b%u\",\"text\":"
                     "{\"div\":\"%s\"}}}",
                     (unsigned)i, big);
    strcpy(w, "]}");
    fhir_buf_with("FHIR load, large JSON", buf, strlen(buf));
    free(buf);
}

static void test_fhir_json(void)
{
    fhir_with("knee-bundle.json");
}

static void test_fhir_xml(void)
{
    fhir_with("knee-bundle.xml");
}

/* The HTML decision-aid report of a filled result. */
static int op_html(void *vctx, int *ok)
{
    eval_ctx *c = vctx;
    char *html = (char *)1;
    size_t len = 1;
    int rc = knee_result_to_html(c->r, c->p, NULL, &html, &len);
    stop();
    if (rc == KNEE_OK) {
        *ok = html && strlen(html) == len && strcmp(html, c->expect_json) == 0;
        knee_free(html);
    } else {
        *ok = html == NULL;
    }
    return rc;
}

static void test_html(void)
{
    eval_ctx c;
    char *html = NULL;
    memset(&c, 0, sizeof c);
    CU_ASSERT_EQUAL_FATAL(
        knee_ruleset_load_memory(&c.rs, default_rules, default_len, "d", NULL, NULL), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_patient_new(&c.p, c.rs), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_number(c.p, "age", 72), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_text(c.p, "payer", "medicare"), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_result_new(&c.r), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_compare(c.rs, c.p, c.r), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_result_to_html(c.r, c.p, NULL, &html, NULL), KNEE_OK);
    c.expect_json = html; /* the expected page */
    (void)drive("knee_result_to_html, default rules", op_html, &c);
    knee_free(c.expect_json);
    knee_result_free(c.r);
    knee_patient_free(c.p);
    knee_ruleset_free(c.rs);
}

/* The rule file's own test cases. */
static int op_selftest(void *vctx, int *ok)
{
    eval_ctx *c = vctx;
    size_t n = 0, failed = 0;
    char *report = (char *)1;
    int rc = knee_ruleset_run_tests(c->rs, &n, &failed, &report);
    stop();
    if (rc == KNEE_OK) {
        *ok = report && report[0] == '\0' && failed == 0 && n > 0;
        knee_free(report);
    } else {
        *ok = report == NULL || report == (char *)1;
    }
    return rc;
}

static void test_selftest(void)
{
    eval_ctx c;
    memset(&c, 0, sizeof c);
    CU_ASSERT_EQUAL_FATAL(
        knee_ruleset_load_memory(&c.rs, default_rules, default_len, "d", NULL, NULL), KNEE_OK);
    (void)drive("run_tests, default rules", op_selftest, &c);
    knee_ruleset_free(c.rs);
}

/* knee_compare_options_new: on failure *out is NULL. */
static int op_options_new(void *vctx, int *ok)
{
    knee_compare_options *o = (knee_compare_options *)1;
    int rc = knee_compare_options_new(&o);
    (void)vctx;
    stop();
    *ok = rc == KNEE_OK ? o != NULL : o == NULL;
    knee_compare_options_free(rc == KNEE_OK ? o : NULL);
    return rc;
}

static void test_options_new(void)
{
    stats s = drive("compare options new", op_options_new, NULL);
    CU_ASSERT_EQUAL(s.steps, 1);
}

static int init(void)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/knee-oa.xml", KNEE_RULES_DIR);
    default_rules = kt_read(path, &default_len);
    snprintf(path, sizeof path, "%s/mini.xml", KNEE_TEST_DATA);
    mini_rules = kt_read(path, &mini_len);
    snprintf(path, sizeof path, "%s/patient-ok.xml", KNEE_TEST_DATA);
    patient_xml = kt_read(path, &patient_len);
    return 0;
}

static int cleanup(void)
{
    free(default_rules);
    free(mini_rules);
    free(patient_xml);
    return 0;
}

int main(void)
{
    CU_pSuite s;
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    s = CU_add_suite("faults", init, cleanup);
    CU_add_test(s, "load the default rules (memory)", test_load_default);
    CU_add_test(s, "load mini.xml (memory)", test_load_mini);
    CU_add_test(s, "load mini.xml (file)", test_load_file);
    CU_add_test(s, "load an invalid rule file", test_load_invalid);
    CU_add_test(s, "load a <fhir> mapping", test_load_fhir_mapping);
    CU_add_test(s, "load long value and level lists", test_load_long_lists);
    CU_add_test(s, "patient load", test_patient_load);
    CU_add_test(s, "patient new and setters", test_patient_build);
    CU_add_test(s, "compare + to_json, mini.xml", test_evaluate_mini);
    CU_add_test(s, "compare + to_json, default rules", test_evaluate_default);
    CU_add_test(s, "the rule file's own tests", test_selftest);
    CU_add_test(s, "FHIR bundle, JSON", test_fhir_json);
    CU_add_test(s, "FHIR bundle, XML", test_fhir_xml);
    CU_add_test(s, "FHIR JSON, large", test_fhir_json_large);
    CU_add_test(s, "compare options", test_options_new);
    CU_add_test(s, "HTML report", test_html);
    return kt_run();
}
