/* test_fhir.c - FHIR R4 input: the knee-oa mapping on HL7's published examples (JSON and XML
 * twins give the same facts), Synthea bundles (a payer only in a claim's contained Coverage;
 * an older, not fully R4 export read leniently with warnings), each documented skip, and bad
 * input (another patient, malformed dates and JSON, hostile XML, limits) refused cleanly. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/fhir_mapping.h"
#include "rules/model.h"
#include "support.h"

#define FHIR_DIR KNEE_TEST_DATA "/fhir/"
#define AS_OF "2026-01-15"

static knee_ruleset *rs;

static int setup(void)
{
    return knee_ruleset_load_default(&rs, NULL) == KNEE_OK ? 0 : 1;
}

static int teardown(void)
{
    knee_ruleset_free(rs);
    return 0;
}

/* Load buf into a fresh patient; returns the status, the report JSON (or NULL) and the diag. */
static int load_buf(const char *buf, size_t len, const char *as_of, knee_patient **pp,
                    knee_fhir_report **rep, knee_diag **d)
{
    CU_ASSERT_EQUAL_FATAL(knee_patient_new(pp, rs), KNEE_OK);
    return knee_patient_load_fhir(*pp, buf, len, "test", as_of, NULL, rep, d);
}

static int load_file(const char *name, knee_patient **pp, knee_fhir_report **rep, knee_diag **d)
{
    char path[512];
    size_t len;
    char *buf;
    int rc;
    snprintf(path, sizeof path, "%s%s", FHIR_DIR, name);
    buf = kt_read(path, &len);
    rc = load_buf(buf, len, AS_OF, pp, rep, d);
    free(buf);
    return rc;
}

static char *report_json(const knee_fhir_report *r)
{
    char *j = NULL;
    CU_ASSERT_EQUAL_FATAL(knee_fhir_report_to_json(r, &j, NULL), KNEE_OK);
    return j;
}

static char *compare_json(const knee_patient *p)
{
    knee_result *r = NULL;
    char *j = NULL;
    CU_ASSERT_EQUAL_FATAL(knee_result_new(&r), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_compare(rs, p, r), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_result_to_json(r, &j, NULL), KNEE_OK);
    knee_result_free(r);
    return j;
}

static const char *fact_value(const knee_fhir_report *r, const char *fact)
{
    size_t i;
    for (i = 0; i < knee_fhir_report_fact_count(r); i++)
        if (strcmp(knee_fhir_report_fact(r, i), fact) == 0)
            return knee_fhir_report_fact_value(r, i);
    return NULL;
}

static size_t fact_index(const knee_fhir_report *r, const char *fact)
{
    size_t i;
    for (i = 0; i < knee_fhir_report_fact_count(r); i++)
        if (strcmp(knee_fhir_report_fact(r, i), fact) == 0)
            return i;
    return (size_t)-1;
}

static int has_ignored(const knee_fhir_report *r, const char *id, const char *code)
{
    size_t i;
    for (i = 0; i < knee_fhir_report_ignored_count(r); i++)
        if ((!id || (knee_fhir_report_ignored_id(r, i) &&
                     strcmp(knee_fhir_report_ignored_id(r, i), id) == 0)) &&
            strcmp(knee_fhir_report_ignored_code(r, i), code) == 0)
            return 1;
    return 0;
}

static int has_missing(const knee_fhir_report *r, const char *fact)
{
    size_t i;
    for (i = 0; i < knee_fhir_report_missing_count(r); i++)
        if (strcmp(knee_fhir_report_missing_fact(r, i), fact) == 0)
            return 1;
    return 0;
}

static int has_warning(const knee_fhir_report *r, const char *code)
{
    size_t i;
    for (i = 0; i < knee_fhir_report_warning_count(r); i++)
        if (strcmp(knee_fhir_report_warning_code(r, i), code) == 0)
            return 1;
    return 0;
}

/* Both encodings of the same data: the same report, and the same comparison. */
static void same_both_ways(const char *stem)
{
    char json_name[256], xml_name[256];
    knee_patient *pj = NULL, *px = NULL;
    knee_fhir_report *rj = NULL, *rx = NULL;
    knee_diag *dj = NULL, *dx = NULL;
    char *a, *b, *ca, *cb;
    snprintf(json_name, sizeof json_name, "%s.json", stem);
    snprintf(xml_name, sizeof xml_name, "%s.xml", stem);
    CU_ASSERT_EQUAL_FATAL(load_file(json_name, &pj, &rj, &dj), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(load_file(xml_name, &px, &rx, &dx), KNEE_OK);
    a = report_json(rj);
    b = report_json(rx);
    if (strcmp(a, b) != 0)
        printf("\n%s\nJSON: %s\nXML:  %s\n", stem, a, b);
    CU_ASSERT_STRING_EQUAL(a, b);
    ca = compare_json(pj);
    cb = compare_json(px);
    CU_ASSERT_STRING_EQUAL(ca, cb);
    knee_free(a);
    knee_free(b);
    knee_free(ca);
    knee_free(cb);
    knee_fhir_report_free(rj);
    knee_fhir_report_free(rx);
    knee_diag_free(dj);
    knee_diag_free(dx);
    knee_patient_free(pj);
    knee_patient_free(px);
}

static void test_hl7_examples_both_encodings(void)
{
    same_both_ways("Patient-example");
    same_both_ways("Observation-bmi");
    same_both_ways("Coverage-9876B1");
    same_both_ways("Condition-example");
    same_both_ways("Procedure-example");
    same_both_ways("MedicationStatement-example001");
    same_both_ways("knee-bundle");
}

static void test_hl7_patient_and_bmi(void)
{
    knee_patient *p = NULL;
    knee_fhir_report *r = NULL;
    knee_diag *d = NULL;
    CU_ASSERT_EQUAL(load_file("Patient-example.xml", &p, &r, &d), KNEE_OK);
    CU_ASSERT_STRING_EQUAL(fact_value(r, "age"), "51"); /* born 1974-12-25 */
    CU_ASSERT_STRING_EQUAL(fact_value(r, "sex"), "male");
    CU_ASSERT_STRING_EQUAL(knee_fhir_report_fact_element(r, fact_index(r, "age")),
                           "Patient.birthDate");
    knee_fhir_report_free(r);
    knee_diag_free(d);
    knee_patient_free(p);

    CU_ASSERT_EQUAL(load_file("Observation-bmi.json", &p, &r, &d), KNEE_OK);
    CU_ASSERT_STRING_EQUAL(fact_value(r, "bmi"), "16.2");
    CU_ASSERT_STRING_EQUAL(knee_fhir_report_fact_resource_id(r, fact_index(r, "bmi")), "bmi");
    CU_ASSERT(has_missing(r, "age"));
    knee_fhir_report_free(r);
    knee_diag_free(d);
    knee_patient_free(p);

    /* The HL7 Coverage names no payer in words (an Organization reference and codes). */
    CU_ASSERT_EQUAL(load_file("Coverage-9876B1.json", &p, &r, &d), KNEE_OK);
    CU_ASSERT(has_missing(r, "payer"));
    CU_ASSERT_EQUAL(knee_patient_has(p, "payer"), 0);
    knee_fhir_report_free(r);
    knee_diag_free(d);
    knee_patient_free(p);
}

static void test_constructed_bundle_skips(void)
{
    knee_patient *p = NULL;
    knee_fhir_report *r = NULL;
    knee_diag *d = NULL;
    CU_ASSERT_EQUAL_FATAL(load_file("knee-bundle.json", &p, &r, &d), KNEE_OK);
    CU_ASSERT_STRING_EQUAL(fact_value(r, "age"), "67");
    CU_ASSERT_STRING_EQUAL(fact_value(r, "bmi"), "31.2");
    CU_ASSERT_STRING_EQUAL(knee_fhir_report_fact_resource_id(r, fact_index(r, "bmi")), "bmi1");
    CU_ASSERT_STRING_EQUAL(fact_value(r, "kl_grade"), "3");
    CU_ASSERT_STRING_EQUAL(fact_value(r, "knee_oa"), "true");
    CU_ASSERT_STRING_EQUAL(knee_fhir_report_fact_resource_id(r, fact_index(r, "knee_oa")), "c1");
    CU_ASSERT_STRING_EQUAL(fact_value(r, "prior"), "ha-6mo");
    CU_ASSERT_STRING_EQUAL(fact_value(r, "payer"), "Medicare Part B");
    CU_ASSERT(has_ignored(r, "bmi-old", "superseded"));
    CU_ASSERT(has_ignored(r, "bmi-error", "entered-in-error"));
    CU_ASSERT(has_ignored(r, "bmi-unit", "unit"));
    CU_ASSERT(has_ignored(r, "bmi-future", "after-as-of"));
    CU_ASSERT(has_ignored(r, "bmi-modext", "modifier-extension"));
    CU_ASSERT(has_ignored(r, "c2-refuted", "refuted"));
    CU_ASSERT(has_ignored(r, "ha-not-done", "not-done"));
    CU_ASSERT_EQUAL(knee_patient_has(p, "bmi"), 1);
    knee_fhir_report_free(r);
    knee_diag_free(d);
    knee_patient_free(p);

    /* Eight months later the hyaluronic-acid injection is outside its 183-day window. */
    {
        size_t len;
        char *buf = kt_read(FHIR_DIR "knee-bundle.xml", &len);
        CU_ASSERT_EQUAL(load_buf(buf, len, "2026-06-15", &p, &r, &d), KNEE_OK);
        CU_ASSERT_PTR_NULL(fact_value(r, "prior"));
        CU_ASSERT(has_missing(r, "prior"));
        CU_ASSERT(has_ignored(r, "ha1", "outside-window"));
        CU_ASSERT(has_missing(r, "prior"));
        free(buf);
        knee_fhir_report_free(r);
        knee_diag_free(d);
        knee_patient_free(p);
    }
}

static void test_synthea(void)
{
    knee_patient *p = NULL;
    knee_fhir_report *r = NULL;
    knee_diag *d = NULL;
    size_t i;
    /* v2.4 export: the payer is only in the claims' contained Coverage. */
    CU_ASSERT_EQUAL_FATAL(
        load_file("Chauncey_Johnston_f4673866-81fb-411a-8486-0c27f2a5b480.json", &p, &r, &d),
        KNEE_OK);
    CU_ASSERT_STRING_EQUAL(fact_value(r, "age"), "52");
    CU_ASSERT_STRING_EQUAL(fact_value(r, "sex"), "male");
    CU_ASSERT_STRING_EQUAL(fact_value(r, "knee_oa"), "true");
    CU_ASSERT_STRING_EQUAL(fact_value(r, "payer"), "private");
    i = fact_index(r, "payer");
    CU_ASSERT_STRING_EQUAL(knee_fhir_report_fact_resource_type(r, i), "ExplanationOfBenefit");
    CU_ASSERT(strstr(knee_fhir_report_fact_element(r, i), "contained(Coverage") != NULL);
    CU_ASSERT(strncmp(fact_value(r, "bmi"), "27.8", 4) == 0);
    CU_ASSERT(has_ignored(r, NULL, "superseded"));
    CU_ASSERT_EQUAL(knee_fhir_report_warning_count(r), 0);
    knee_fhir_report_free(r);
    knee_diag_free(d);
    knee_patient_free(p);

    /* v2.2 export: string clinicalStatus and 'context' are read with warnings; no payer. */
    CU_ASSERT_EQUAL_FATAL(
        load_file("Luis923_Gusikowski974_f6fe2115-82df-42db-88fd-cae438909ec0.json", &p, &r, &d),
        KNEE_OK);
    CU_ASSERT_STRING_EQUAL(fact_value(r, "knee_oa"), "true");
    CU_ASSERT(strncmp(fact_value(r, "bmi"), "42.8", 4) == 0);
    CU_ASSERT(has_warning(r, "lenient-status"));
    CU_ASSERT(has_warning(r, "lenient-context"));
    CU_ASSERT(has_missing(r, "payer"));
    knee_fhir_report_free(r);
    knee_diag_free(d);
    knee_patient_free(p);
}

/* The length of the JSON object starting at s ('{'), strings (and their escapes) skipped. */
static size_t json_object_len(const char *s)
{
    size_t i, depth = 0;
    int in_str = 0;
    for (i = 0; s[i]; i++) {
        if (in_str) {
            if (s[i] == '\\')
                i++;
            else if (s[i] == '"')
                in_str = 0;
        } else if (s[i] == '"') {
            in_str = 1;
        } else if (s[i] == '{') {
            depth++;
        } else if (s[i] == '}' && --depth == 0) {
            return i + 1;
        }
    }
    return 0;
}

/* One resource of a bundle's text: where it starts, how long, its "created" (or ""). */
typedef struct eob_text {
    const char *at, *created;
    size_t len, created_len;
} eob_text;

static int by_created_desc(const void *a, const void *b)
{
    const eob_text *x = a, *y = b;
    size_t n = x->created_len < y->created_len ? x->created_len : y->created_len;
    int c = memcmp(y->created, x->created, n);
    return c ? c : (y->created_len > x->created_len) - (y->created_len < x->created_len);
}

/* A CDS Hooks prefetch object built from a real Synthea bundle as a FHIR server answers the
 * templates: "patient" the Patient read, "explanationOfBenefit" a searchset Bundle of the 5
 * most recently created EOBs (_sort=-created&_count=5), the transaction's urn:uuid patient
 * references stored as Patient/id (what a server does with them). Nothing else: the payer
 * must come from the EOB key alone. */
static void test_synthea_eob_prefetch(void)
{
    static const char urn[] = "urn:uuid:2a3d4d46-512f-480f-8eb9-5a11ef3b2176";
    static const char ref[] = "Patient/2a3d4d46-512f-480f-8eb9-5a11ef3b2176";
    eob_text eobs[32], patient = {NULL, NULL, 0, 0};
    size_t n_eob = 0, len, i, cap, used, full_i, pre_i;
    const char *at;
    char *bundle, *pre, *w, *p, *text = NULL;
    knee_patient *pf = NULL, *pp = NULL;
    knee_fhir_report *rf = NULL, *rp = NULL;
    knee_diag *df = NULL, *dp = NULL;

    bundle = kt_read(FHIR_DIR "Chauncey_Johnston_f4673866-81fb-411a-8486-0c27f2a5b480.json", &len);
    for (at = bundle; (at = strstr(at, "\"resource\": {")) != NULL; at += 13) {
        const char *obj = at + 12, *type = strstr(obj, "\"resourceType\": \"");
        eob_text e;
        memset(&e, 0, sizeof e);
        e.at = obj;
        e.len = json_object_len(obj);
        CU_ASSERT_FATAL(e.len > 0);
        if (type && strncmp(type + 17, "Patient\"", 8) == 0 && type < obj + 20) {
            patient = e;
        } else if (type && strncmp(type + 17, "ExplanationOfBenefit\"", 21) == 0 &&
                   type < obj + 20) {
            const char *c = strstr(obj, "\"created\": \"");
            CU_ASSERT_FATAL(c != NULL && c < obj + e.len && n_eob < 32);
            e.created = c + 12;
            e.created_len = strcspn(e.created, "\"");
            eobs[n_eob++] = e;
        }
    }
    CU_ASSERT_FATAL(patient.at != NULL);
    CU_ASSERT_EQUAL_FATAL(n_eob, 8);
    qsort(eobs, n_eob, sizeof eobs[0], by_created_desc);
    CU_ASSERT_EQUAL(strncmp(eobs[0].created, "2018-04-23", 10), 0);

    cap = patient.len + 512;
    for (i = 0; i < 5; i++)
        cap += eobs[i].len + 64;
    pre = malloc(cap);
    CU_ASSERT_PTR_NOT_NULL_FATAL(pre);
    used = (size_t)sprintf(pre,
                           "{\"patient\": %.*s, \"explanationOfBenefit\": {\"resourceType\": "
                           "\"Bundle\", \"type\": \"searchset\", \"total\": 5, \"entry\": [",
                           (int)patient.len, patient.at);
    for (i = 0; i < 5; i++)
        used +=
            (size_t)sprintf(pre + used, "%s{\"search\": {\"mode\": \"match\"}, \"resource\": %.*s}",
                            i ? ", " : "", (int)eobs[i].len, eobs[i].at);
    strcpy(pre + used, "]}}");
    /* urn:uuid:<id> -> Patient/<id>: same length less one, rewritten in place. */
    for (w = p = pre; *p;) {
        if (strncmp(p, urn, sizeof urn - 1) == 0) {
            memcpy(w, ref, sizeof ref - 1);
            w += sizeof ref - 1;
            p += sizeof urn - 1;
        } else {
            *w++ = *p++;
        }
    }
    *w = '\0';
    CU_ASSERT(strstr(pre, "urn:uuid:2a3d4d46") == NULL);

    CU_ASSERT_EQUAL_FATAL(load_buf(bundle, len, AS_OF, &pf, &rf, &df), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(load_buf(pre, strlen(pre), AS_OF, &pp, &rp, &dp), KNEE_OK);
    /* The same payer, from the same EOB, element and date as from the full bundle. */
    CU_ASSERT_STRING_EQUAL(fact_value(rp, "payer"), "private");
    full_i = fact_index(rf, "payer");
    pre_i = fact_index(rp, "payer");
    CU_ASSERT_FATAL(full_i != (size_t)-1 && pre_i != (size_t)-1);
    CU_ASSERT_STRING_EQUAL(knee_fhir_report_fact_value(rp, pre_i),
                           knee_fhir_report_fact_value(rf, full_i));
    CU_ASSERT_STRING_EQUAL(knee_fhir_report_fact_resource_type(rp, pre_i), "ExplanationOfBenefit");
    CU_ASSERT_STRING_EQUAL(knee_fhir_report_fact_resource_id(rp, pre_i),
                           knee_fhir_report_fact_resource_id(rf, full_i));
    CU_ASSERT_STRING_EQUAL(knee_fhir_report_fact_resource_id(rp, pre_i),
                           "8c819882-35e5-4e43-bf02-90831340dd57");
    CU_ASSERT_STRING_EQUAL(knee_fhir_report_fact_element(rp, pre_i),
                           knee_fhir_report_fact_element(rf, full_i));
    CU_ASSERT_STRING_EQUAL(knee_fhir_report_fact_date(rp, pre_i),
                           knee_fhir_report_fact_date(rf, full_i));
    CU_ASSERT_EQUAL_FATAL(knee_patient_fact_text(pp, "payer", &text), KNEE_OK);
    CU_ASSERT_STRING_EQUAL(text, "private");
    knee_free(text);
    /* Every EOB was about this patient: none left unresolved, no warning. */
    CU_ASSERT(!has_ignored(rp, NULL, "subject-unresolved"));
    CU_ASSERT_EQUAL(knee_fhir_report_warning_count(rp), 0);
    knee_fhir_report_free(rf);
    knee_fhir_report_free(rp);
    knee_diag_free(df);
    knee_diag_free(dp);
    knee_patient_free(pf);
    knee_patient_free(pp);
    free(pre);
    free(bundle);
}

/* Runs one load that must fail with `status` and diagnostic `code`, leaving p unchanged. */
static void refused(const char *text, const knee_options *opts, int status, const char *code)
{
    knee_patient *p = NULL;
    knee_fhir_report *r = (knee_fhir_report *)1;
    knee_diag *d = NULL;
    int rc;
    CU_ASSERT_EQUAL_FATAL(knee_patient_new(&p, rs), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_number(p, "age", 40), KNEE_OK);
    rc = knee_patient_load_fhir(p, text, strlen(text), "bad", AS_OF, opts, &r, &d);
    CU_ASSERT_EQUAL(rc, status);
    CU_ASSERT_PTR_NULL(r);
    if (code && !kt_has_diag(d, code, 0, 0)) {
        printf("\nexpected %s for: %.80s\n", code, text);
        kt_dump(d);
        CU_FAIL("diagnostic code");
    }
    CU_ASSERT_EQUAL(knee_patient_has(p, "age"), 1);
    CU_ASSERT_EQUAL(knee_patient_has(p, "sex"), 0);
    knee_diag_free(d);
    knee_patient_free(p);
}

static void test_bad_input(void)
{
    knee_options *o = NULL;
    char *deep;
    size_t i, n = 100;
    /* A Bundle for another patient than the context, and two patients in one Bundle. */
    refused("{\"hook\":\"patient-view\",\"hookInstance\":\"x\",\"context\":{\"userId\":"
            "\"Practitioner/1\","
            "\"patientId\":\"1288992\"},\"prefetch\":{\"patient\":{\"resourceType\":\"Patient\","
            "\"id\":\"other\",\"gender\":\"female\"}}}",
            NULL, KNEE_EINVALID, "fhir-other-patient");
    refused("{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"resource\":"
            "{\"resourceType\":\"Patient\",\"id\":\"a\",\"gender\":\"male\"}},{\"resource\":"
            "{\"resourceType\":\"Observation\",\"id\":\"o\",\"status\":\"final\",\"subject\":"
            "{\"reference\":\"Patient/b\"}}}]}",
            NULL, KNEE_EINVALID, "fhir-other-patient");
    /* Another patient behind a first, matching subject (or as the `patient` beside a
     * `subject`) is still seen. */
    refused("{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"resource\":"
            "{\"resourceType\":\"Patient\",\"id\":\"a\"}},{\"resource\":"
            "{\"resourceType\":\"Observation\",\"id\":\"o\",\"status\":\"final\",\"subject\":"
            "[{\"reference\":\"Patient/a\"},{\"reference\":\"Patient/b\"}]}}]}",
            NULL, KNEE_EINVALID, "fhir-other-patient");
    refused("<Bundle xmlns=\"http://hl7.org/fhir\"><type value=\"collection\"/><entry><resource>"
            "<Patient><id value=\"a\"/></Patient></resource></entry><entry><resource><Observation>"
            "<id value=\"o\"/><subject><reference value=\"Patient/a\"/><reference "
            "value=\"Patient/b\"/></subject></Observation></resource></entry></Bundle>",
            NULL, KNEE_EINVALID, "fhir-other-patient");
    refused("{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"resource\":"
            "{\"resourceType\":\"Patient\",\"id\":\"a\"}},{\"resource\":"
            "{\"resourceType\":\"Claim\",\"id\":\"c\",\"subject\":{\"reference\":\"Patient/a\"},"
            "\"patient\":{\"reference\":\"Patient/b\"}}}]}",
            NULL, KNEE_EINVALID, "fhir-other-patient");
    /* A Patient with two ids cannot be told apart from another patient. */
    refused("<Patient xmlns=\"http://hl7.org/fhir\"><id value=\"a\"/><id value=\"b\"/></Patient>",
            NULL, KNEE_EINVALID, "fhir-other-patient");
    refused("{\"resourceType\":\"Patient\",\"id\":[\"a\",\"a\"]}", NULL, KNEE_EINVALID,
            "fhir-other-patient");
    /* Not JSON, duplicate keys, not FHIR, not UTF-8 text at all. */
    refused("{\"resourceType\":\"Patient\",", NULL, KNEE_EPARSE, "fhir-json");
    refused("{\"resourceType\":\"Patient\",\"id\":\"a\",\"id\":\"b\"}", NULL, KNEE_EPARSE,
            "fhir-json");
    refused("{\"name\":\"not a resource\"}", NULL, KNEE_EINVALID, "fhir-not-fhir");
    refused("[1,2]", NULL, KNEE_EPARSE, "fhir-not-fhir");
    refused("<Patient xmlns=\"urn:other\"><gender value=\"male\"/></Patient>", NULL, KNEE_EINVALID,
            "fhir-not-fhir");
    /* Hostile XML: entities, external entities, malformed. */
    refused("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">]>"
            "<Patient xmlns=\"http://hl7.org/fhir\"><gender value=\"&lol;\"/></Patient>",
            NULL, KNEE_EPARSE, "xml-doctype");
    refused("<?xml version=\"1.0\"?><!DOCTYPE p [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
            "<Patient xmlns=\"http://hl7.org/fhir\"><gender value=\"&x;\"/></Patient>",
            NULL, KNEE_EPARSE, "xml-doctype");
    refused("<Patient xmlns=\"http://hl7.org/fhir\"><gender value=\"male\"></Patient>", NULL,
            KNEE_EPARSE, NULL);
    /* Limits: size, nesting depth (JSON and XML). */
    CU_ASSERT_EQUAL_FATAL(knee_options_new(&o), KNEE_OK);
    CU_ASSERT_EQUAL(knee_options_set_limit(o, KNEE_LIMIT_INPUT_BYTES, 64), KNEE_OK);
    refused("{\"resourceType\":\"Patient\",\"id\":\"a\",\"gender\":\"male\",\"birthDate\":\"1950-"
            "01-01\"}",
            o, KNEE_ELIMIT, "limit-size");
    knee_options_free(o);
    deep = malloc(n * 8 + 64);
    strcpy(deep, "{\"resourceType\":\"Patient\",\"extension\":");
    for (i = 0; i < n; i++)
        strcat(deep, "{\"a\":");
    strcat(deep, "1");
    for (i = 0; i < n; i++)
        strcat(deep, "}");
    strcat(deep, "}");
    refused(deep, NULL, KNEE_ELIMIT, "limit-depth");
    free(deep);
}

static void test_bad_arguments(void)
{
    knee_patient *p = NULL;
    knee_fhir_report *r = NULL;
    knee_ruleset *mini = kt_load_data("mini.xml");
    const char *pat = "{\"resourceType\":\"Patient\",\"id\":\"a\",\"gender\":\"male\"}";
    CU_ASSERT_EQUAL_FATAL(knee_patient_new(&p, rs), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_load_fhir(p, pat, strlen(pat), NULL, NULL, NULL, &r, NULL),
                    KNEE_EINVAL);
    CU_ASSERT_EQUAL(knee_patient_load_fhir(p, pat, strlen(pat), NULL, "2026-02-30", NULL, &r, NULL),
                    KNEE_EINVAL);
    CU_ASSERT_EQUAL(knee_patient_load_fhir(p, pat, strlen(pat), NULL, "2026-1-5", NULL, &r, NULL),
                    KNEE_EINVAL);
    CU_ASSERT_EQUAL(knee_patient_load_fhir(NULL, pat, strlen(pat), NULL, AS_OF, NULL, &r, NULL),
                    KNEE_EINVAL);
    CU_ASSERT_PTR_NULL(r);
    knee_patient_free(p);
    /* A ruleset without a <fhir> mapping. */
    CU_ASSERT_EQUAL_FATAL(knee_patient_new(&p, mini), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_load_fhir(p, pat, strlen(pat), NULL, AS_OF, NULL, &r, NULL),
                    KNEE_EINVAL);
    knee_patient_free(p);
    knee_ruleset_free(mini);
}

/* A mapping rule whose kind is none of KNEE__FM_* (the builder never makes one) is refused
 * with a diagnostic; it used to be mapped as coverage (the dispatch's `default:`). */
static void test_unknown_mapping_kind(void)
{
    knee_ruleset *own = NULL;
    knee_patient *p = NULL;
    knee_fhir_report *r = NULL;
    knee_diag *d = NULL;
    knee__fhir_rule *rule;
    const char *pat = "{\"resourceType\":\"Patient\",\"id\":\"a\",\"gender\":\"male\"}";
    CU_ASSERT_EQUAL_FATAL(knee_ruleset_load_default(&own, NULL), KNEE_OK);
    CU_ASSERT_FATAL(own->fhir && own->fhir->n_rules > 0);
    rule = &own->fhir->rules[own->fhir->n_rules - 1];
    rule->kind = KNEE__FM_COUNT;
    CU_ASSERT_EQUAL_FATAL(knee_patient_new(&p, own), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_load_fhir(p, pat, strlen(pat), NULL, AS_OF, NULL, &r, &d),
                    KNEE_EINVALID);
    CU_ASSERT_PTR_NULL(r);
    CU_ASSERT_EQUAL_FATAL(knee_diag_count(d), 1);
    CU_ASSERT_STRING_EQUAL(knee_diag_code(d, 0), "fhir-mapping");
    knee_diag_free(d);
    d = NULL;
    rule->kind = -1;
    CU_ASSERT_EQUAL(knee_patient_load_fhir(p, pat, strlen(pat), NULL, AS_OF, NULL, NULL, &d),
                    KNEE_EINVALID);
    knee_diag_free(d);
    knee_patient_free(p);
    knee_ruleset_free(own);
}

static void test_dates_units_prefetch(void)
{
    knee_patient *p = NULL;
    knee_fhir_report *r = NULL;
    knee_diag *d = NULL;
    const char *t;
    /* A year-only birth date: two possible ages on 15 January, one on 31 December. */
    t = "{\"resourceType\":\"Patient\",\"id\":\"a\",\"birthDate\":\"1958\"}";
    CU_ASSERT_EQUAL(load_buf(t, strlen(t), AS_OF, &p, &r, &d), KNEE_OK);
    CU_ASSERT(has_missing(r, "age"));
    CU_ASSERT_EQUAL(knee_patient_has(p, "age"), 0);
    knee_fhir_report_free(r);
    knee_diag_free(d);
    knee_patient_free(p);
    CU_ASSERT_EQUAL(load_buf(t, strlen(t), "2026-12-31", &p, &r, &d), KNEE_OK);
    CU_ASSERT_STRING_EQUAL(fact_value(r, "age"), "68");
    knee_fhir_report_free(r);
    knee_diag_free(d);
    knee_patient_free(p);
    /* A malformed birth date is a recorded skip. */
    t = "{\"resourceType\":\"Patient\",\"id\":\"a\",\"birthDate\":\"1958-13-02\",\"gender\":"
        "\"other\"}";
    CU_ASSERT_EQUAL(load_buf(t, strlen(t), AS_OF, &p, &r, &d), KNEE_OK);
    CU_ASSERT(has_ignored(r, "a", "date"));
    CU_ASSERT(has_missing(r, "age"));
    CU_ASSERT(has_missing(r, "sex")); /* 'other' is not a value of sex */
    CU_ASSERT(has_ignored(r, "a", "value-refused"));
    knee_fhir_report_free(r);
    knee_diag_free(d);
    knee_patient_free(p);
    /* BMI in lb/in2 converts; a non-UCUM unit does not. */
    t = "{\"resourceType\":\"Observation\",\"id\":\"o\",\"status\":\"final\",\"code\":{\"coding\":"
        "[{\"system\":\"http://"
        "loinc.org\",\"code\":\"39156-5\"}]},\"effectiveDateTime\":\"2025-01-01\","
        "\"valueQuantity\":{\"value\":0.04,\"system\":\"http://"
        "unitsofmeasure.org\",\"code\":\"[lb_av]/[in_i]2\"}}";
    CU_ASSERT_EQUAL(load_buf(t, strlen(t), AS_OF, &p, &r, &d), KNEE_OK);
    CU_ASSERT(strncmp(fact_value(r, "bmi"), "28.12", 5) == 0);
    knee_fhir_report_free(r);
    knee_diag_free(d);
    knee_patient_free(p);
    t = "{\"resourceType\":\"Observation\",\"id\":\"o\",\"status\":\"final\",\"code\":{\"coding\":"
        "[{\"system\":\"http://"
        "loinc.org\",\"code\":\"39156-5\"}]},\"effectiveDateTime\":\"2025-01-01\","
        "\"valueQuantity\":{\"value\":28,\"unit\":\"kg/m2\"}}";
    CU_ASSERT_EQUAL(load_buf(t, strlen(t), AS_OF, &p, &r, &d), KNEE_OK);
    CU_ASSERT(has_ignored(r, "o", "unit"));
    CU_ASSERT_EQUAL(knee_patient_has(p, "bmi"), 0);
    knee_fhir_report_free(r);
    knee_diag_free(d);
    knee_patient_free(p);
    /* eGFR (LOINC CKD-EPI 2021) in the UCUM unit labs use maps to egfr; the same value in a
     * unit the mapper does not know (mL/min) does not. */
    t = "{\"resourceType\":\"Observation\",\"id\":\"o\",\"status\":\"final\",\"code\":{\"coding\":"
        "[{\"system\":\"http://"
        "loinc.org\",\"code\":\"98979-8\"}]},\"effectiveDateTime\":\"2025-01-01\","
        "\"valueQuantity\":{\"value\":28,\"system\":\"http://unitsofmeasure.org\",\"code\":\"mL/"
        "min/{1.73_m2}\"}}";
    CU_ASSERT_EQUAL(load_buf(t, strlen(t), AS_OF, &p, &r, &d), KNEE_OK);
    CU_ASSERT_STRING_EQUAL(fact_value(r, "egfr"), "28");
    knee_fhir_report_free(r);
    knee_diag_free(d);
    knee_patient_free(p);
    t = "{\"resourceType\":\"Observation\",\"id\":\"o\",\"status\":\"final\",\"code\":{\"coding\":"
        "[{\"system\":\"http://"
        "loinc.org\",\"code\":\"62238-1\"}]},\"effectiveDateTime\":\"2025-01-01\","
        "\"valueQuantity\":{\"value\":28,\"system\":\"http://unitsofmeasure.org\",\"code\":\"mL/"
        "min\"}}";
    CU_ASSERT_EQUAL(load_buf(t, strlen(t), AS_OF, &p, &r, &d), KNEE_OK);
    CU_ASSERT(has_ignored(r, "o", "unit"));
    CU_ASSERT_EQUAL(knee_patient_has(p, "egfr"), 0);
    knee_fhir_report_free(r);
    knee_diag_free(d);
    knee_patient_free(p);
    /* Prefetch: a null key (queried, nothing found) is reported; a missing key is not. */
    t = "{\"patient\":{\"resourceType\":\"Patient\",\"id\":\"a\",\"gender\":\"female\"},"
        "\"conditions\":null}";
    CU_ASSERT_EQUAL(load_buf(t, strlen(t), AS_OF, &p, &r, &d), KNEE_OK);
    CU_ASSERT(has_warning(r, "prefetch-none"));
    CU_ASSERT_STRING_EQUAL(fact_value(r, "sex"), "female");
    knee_fhir_report_free(r);
    knee_diag_free(d);
    knee_patient_free(p);
    t = "{\"patient\":{\"resourceType\":\"Patient\",\"id\":\"a\",\"gender\":\"female\"}}";
    CU_ASSERT_EQUAL(load_buf(t, strlen(t), AS_OF, &p, &r, &d), KNEE_OK);
    CU_ASSERT(!has_warning(r, "prefetch-none"));
    knee_fhir_report_free(r);
    knee_diag_free(d);
    knee_patient_free(p);
}

/* Prefetch templates: the shipped mapping's keys and code filters, exactly; a mapping with a
 * prefix code, a history rule limited to Procedure and hostile code text (escaped for FHIR
 * search and percent-encoded); no <fhir> is KNEE_EINVAL. */
static void test_prefetch_templates(void)
{
    static const char fhir[] =
        "<fhir>"
        "<gender fact=\"sex\" source=\"s1\"/>"
        "<condition fact=\"diabetes\" source=\"s1\">"
        "<code system=\"http://hl7.org/fhir/sid/icd-10-cm\" prefix=\"E11\"/></condition>"
        "<history fact=\"prior\" member=\"pt\" resources=\"Procedure\" source=\"s2\">"
        "<code system=\"urn:x\" code=\"a,b|c$d\\e f&amp;g%\"/>"
        "<code system=\"urn:x\" code=\"a,b|c$d\\e f&amp;g%\"/>"
        "<code system=\"\" code=\"91251008\"/></history>"
        "</fhir><tests>";
    /* Conditions carry ICD-10-CM category prefixes (diabetes, varus knee...), which are no
     * token search, so they are fetched unfiltered; observations are BMI, eGFR, KL grade. */
    const char *expect_default =
        "{\"patient\":\"Patient/{{context.patientId}}\","
        "\"conditions\":\"Condition?patient={{context.patientId}}\","
        "\"observations\":\"Observation?patient={{context.patientId}}&code="
        "http://loinc.org|39156-5,http://loinc.org|98979-8,http://loinc.org|62238-1,"
        "http://loinc.org|33914-3,http://loinc.org|77147-7,http://loinc.org|76633-7,"
        "urn:libknee:codes|kl-grade&_sort=-date\",";
    const char *cov =
        ",\"coverage\":\"Coverage?patient={{context.patientId}}\","
        "\"explanationOfBenefit\":\"ExplanationOfBenefit?patient={{context.patientId}}"
        "&_sort=-created&_count=5\"}";
    const char *hcpcs = "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets|J7321,";
    const char *expect_custom = "{\"patient\":\"Patient/{{context.patientId}}\","
                                "\"conditions\":\"Condition?patient={{context.patientId}}\","
                                "\"procedures\":\"Procedure?patient={{context.patientId}}&code="
                                "urn:x|a%5C%2Cb%5C%7Cc%5C%24d%5C%5Ce%20f%26g%25,91251008\"}";
    knee_ruleset *custom = NULL, *mini = NULL;
    char *out = NULL, *rules, *at, *xml;
    size_t len = 0, n;

    CU_ASSERT_EQUAL_FATAL(knee_ruleset_fhir_prefetch(rs, &out, &len), KNEE_OK);
    CU_ASSERT_EQUAL(len, strlen(out));
    CU_ASSERT_EQUAL(strncmp(out, expect_default, strlen(expect_default)), 0);
    if (strncmp(out, expect_default, strlen(expect_default)) != 0)
        printf("\n%s\n", out);
    /* History rules read all four record types: one key each, same codes. */
    CU_ASSERT_PTR_NOT_NULL(
        strstr(out, "\"procedures\":\"Procedure?patient={{context.patientId}}&code="));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"medicationStatements\":\"MedicationStatement?patient="));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"medicationRequests\":\"MedicationRequest?patient="));
    CU_ASSERT_PTR_NOT_NULL(
        strstr(out, "\"medicationAdministrations\":\"MedicationAdministration?patient="));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, hcpcs));
    n = strlen(out);
    CU_ASSERT(n > strlen(cov) && strcmp(out + n - strlen(cov), cov) == 0);
    knee_free(out);

    /* mini.xml has no <fhir>: KNEE_EINVAL, *out NULL. */
    mini = kt_load_data("mini.xml");
    out = (char *)1;
    CU_ASSERT_EQUAL(knee_ruleset_fhir_prefetch(mini, &out, &len), KNEE_EINVAL);
    CU_ASSERT_PTR_NULL(out);
    knee_ruleset_free(mini);
    CU_ASSERT_EQUAL(knee_ruleset_fhir_prefetch(NULL, &out, NULL), KNEE_EINVAL);
    CU_ASSERT_EQUAL(knee_ruleset_fhir_prefetch(rs, NULL, NULL), KNEE_EINVAL);

    /* mini.xml with a <fhir> section before its <tests>. */
    rules = kt_read(KNEE_TEST_DATA "/mini.xml", &len);
    at = strstr(rules, "<tests>");
    CU_ASSERT_PTR_NOT_NULL_FATAL(at);
    xml = malloc(len + sizeof fhir);
    n = (size_t)(at - rules);
    memcpy(xml, rules, n);
    memcpy(xml + n, fhir, sizeof fhir - 1);
    memcpy(xml + n + sizeof fhir - 1, at + 7, len - n - 7);
    len = len + sizeof fhir - 1 - 7;
    CU_ASSERT_EQUAL_FATAL(knee_ruleset_load_memory(&custom, xml, len, "mini-fhir.xml", NULL, NULL),
                          KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_ruleset_fhir_prefetch(custom, &out, NULL), KNEE_OK);
    CU_ASSERT_STRING_EQUAL(out, expect_custom);
    knee_free(out);
    knee_ruleset_free(custom);
    free(xml);
    free(rules);
}

static void test_cds_request(void)
{
    knee_patient *p = NULL;
    knee_fhir_report *r = NULL;
    knee_diag *d = NULL;
    /* The spec's own patient-view request: its prefetch Patient is the context patient. */
    CU_ASSERT_EQUAL(load_file("patient-view-request-with-prefetch.json", &p, &r, &d), KNEE_OK);
    CU_ASSERT_STRING_EQUAL(knee_fhir_report_fact_resource_id(r, fact_index(r, "age")), "1288992");
    knee_fhir_report_free(r);
    knee_diag_free(d);
    knee_patient_free(p);
}

/* ---- the rule file's <fhir> section: every load-time check (src/rules/fhir_mapping.c) ------ */

/* mini.xml, plus a set fact `tags` without allowed values (on the line of </facts>), with
 * `fhir` spliced in on its own lines before <tests>: "<fhir>" is on line *first, each
 * following line of `fhir` one line further. Returns the load status. */
static int load_mini_fhir(const char *fhir, knee_ruleset **out, knee_diag **d, unsigned *first)
{
    static const char tags[] = "<fact id=\"tags\" type=\"set\"/>";
    size_t len, n, i;
    char *rules = kt_read(KNEE_TEST_DATA "/mini.xml", &len), *at, *facts_end, *xml;
    int rc;
    at = strstr(rules, "<tests>");
    facts_end = strstr(rules, "</facts>");
    CU_ASSERT_PTR_NOT_NULL_FATAL(at);
    CU_ASSERT_PTR_NOT_NULL_FATAL(facts_end);
    n = (size_t)(at - rules);
    *first = 2;
    for (i = 0; i < n; i++)
        *first += rules[i] == '\n';
    xml = malloc(len + sizeof tags + strlen(fhir) + 32);
    CU_ASSERT_PTR_NOT_NULL_FATAL(xml);
    memcpy(xml, rules, (size_t)(facts_end - rules));
    strcpy(xml + (facts_end - rules), tags);
    strncat(xml, facts_end, (size_t)(at - facts_end));
    sprintf(xml + strlen(xml), "\n<fhir>\n%s\n</fhir>\n", fhir);
    strcat(xml, at);
    *out = (knee_ruleset *)1;
    *d = NULL;
    rc = knee_ruleset_load_memory(out, xml, strlen(xml), "f.xml", NULL, d);
    free(xml);
    free(rules);
    return rc;
}

/* One <fhir> section that must fail to load with diagnostic `code` at first + dline : col
 * (dline 0: any line) and, when el is not NULL, that element (the offending fact). */
static void mapping_refused(const char *fhir, const char *code, unsigned dline, unsigned col,
                            const char *el)
{
    knee_ruleset *bad = NULL;
    knee_diag *d = NULL;
    unsigned first = 0;
    size_t i;
    int found = 0;
    CU_ASSERT_EQUAL(load_mini_fhir(fhir, &bad, &d, &first), KNEE_EINVALID);
    CU_ASSERT_PTR_NULL(bad);
    for (i = 0; i < knee_diag_count(d); i++)
        if (strcmp(knee_diag_code(d, i), code) == 0 &&
            (!dline || (knee_diag_line(d, i) == first + dline && knee_diag_column(d, i) == col)) &&
            (!el || (knee_diag_element(d, i) && strcmp(knee_diag_element(d, i), el) == 0))) {
            found = 1;
            CU_ASSERT_EQUAL(knee_diag_status(d, i), KNEE_EINVALID);
            CU_ASSERT_EQUAL(knee_diag_severity(d, i), KNEE_SEVERITY_ERROR);
            CU_ASSERT_STRING_EQUAL(knee_diag_file(d, i), "f.xml");
        }
    if (!found) {
        printf("\nexpected %s at %u:%u for:\n%s\n", code, first + dline, col, fhir);
        kt_dump(d);
        CU_FAIL("diagnostic");
    }
    knee_diag_free(d);
    knee_ruleset_free(bad);
}

static void mapping_loads(const char *fhir)
{
    knee_ruleset *ok = NULL;
    knee_diag *d = NULL;
    unsigned first;
    int rc = load_mini_fhir(fhir, &ok, &d, &first);
    CU_ASSERT_EQUAL(rc, KNEE_OK);
    if (rc != KNEE_OK) {
        printf("\nexpected to load:\n%s\n", fhir);
        kt_dump(d);
    }
    CU_ASSERT_PTR_NOT_NULL(ok);
    knee_diag_free(d);
    knee_ruleset_free(ok);
}

#define CODE "<code system=\"urn:x\" code=\"c1\"/>"

static void test_mapping_checks(void)
{
    knee_ruleset *bad = NULL;
    knee_diag *d = NULL;
    unsigned first;
    /* Every element kind with a fact of a type it can fill loads. */
    mapping_loads(
        "  <birth-date fact=\"age\" source=\"s1\"/>\n"
        "  <gender fact=\"sex\" source=\"s1\"/>\n"
        "  <condition fact=\"diabetes\" source=\"s1\">" CODE "</condition>\n"
        "  <condition fact=\"prior\" member=\"pt\" source=\"s1 s2\">" CODE "</condition>\n"
        "  <observation fact=\"kl_grade\" source=\"s1\">"
        "<code system=\"urn:x\" prefix=\"kl\"/></observation>\n"
        "  <history fact=\"prior\" member=\"steroid-3mo\" within-days=\"90\" "
        "resources=\"Procedure MedicationStatement MedicationRequest MedicationAdministration\" "
        "source=\"s2\">" CODE "</history>\n"
        "  <coverage fact=\"payer\" plan-fact=\"sex\" other=\"verbatim\" source=\"s1\">"
        "<payer text=\"x\" value=\"y\"/></coverage>");
    mapping_loads("  <birth-date fact=\"kl_grade\" source=\"s1\"/>"); /* an integer fact */
    /* A set fact that lists no allowed values takes any member. */
    mapping_loads("  <condition fact=\"tags\" member=\"anything\" source=\"s1\">" CODE
                  "</condition>\n"
                  "  <history fact=\"tags\" member=\"x-1\" source=\"s1\">" CODE "</history>");
    /* Lists may be separated by any XML white space, as the schema's list types are. */
    mapping_loads(
        "  <history fact=\"prior\" member=\"pt\" resources=\"Procedure&#9;MedicationRequest&#10;\" "
        "source=\"s1&#9;s2&#13;\">" CODE "</history>");
    /* unit=: a unit the mapper converts observations to ("1" is dimensionless) loads; any other
     * is refused at load (fhir-unit), not left to skip every observation at run time. kg/m^2 is
     * only ever converted from, never to. */
    mapping_loads(
        "  <observation fact=\"age\" unit=\"kg/m2\" source=\"s1\">" CODE "</observation>\n"
        "  <observation fact=\"kl_grade\" unit=\"1\" source=\"s1\">" CODE "</observation>");
    mapping_refused("  <observation fact=\"age\" unit=\"mg\" source=\"s1\">" CODE "</observation>",
                    "fhir-unit", 1, 3, "age");
    /* unit="1" written out maps like no unit: valueInteger and a valueQuantity without a code
     * are read; a unit that is not dimensionless is not. */
    {
        static const char *const obs[] = {"\"valueInteger\":3}", "\"valueQuantity\":{\"value\":3}}",
                                          "\"valueQuantity\":{\"value\":3,\"system\":\"http://"
                                          "unitsofmeasure.org\",\"code\":\"{grade}\"}}",
                                          "\"valueQuantity\":{\"value\":3,\"system\":\"http://"
                                          "unitsofmeasure.org\",\"code\":\"kg\"}}"};
        static const char *const mappings[] = {
            "  <observation fact=\"kl_grade\" unit=\"1\" source=\"s1\">" CODE "</observation>",
            "  <observation fact=\"kl_grade\" source=\"s1\">" CODE "</observation>"};
        size_t i, k;
        for (k = 0; k < 2; k++) {
            knee_ruleset *mini = NULL;
            CU_ASSERT_EQUAL_FATAL(load_mini_fhir(mappings[k], &mini, &d, &first), KNEE_OK);
            knee_diag_free(d);
            for (i = 0; i < 4; i++) {
                char text[512];
                knee_patient *p = NULL;
                knee_fhir_report *r = NULL;
                snprintf(text, sizeof text,
                         "{\"resourceType\":\"Observation\",\"id\":\"o\","
                         "\"status\":\"final\",\"effectiveDateTime\":\"2025-01-01\",\"code\":"
                         "{\"coding\":[{\"system\":\"urn:x\",\"code\":\"c1\"}]},%s",
                         obs[i]);
                CU_ASSERT_EQUAL_FATAL(knee_patient_new(&p, mini), KNEE_OK);
                d = NULL;
                CU_ASSERT_EQUAL(
                    knee_patient_load_fhir(p, text, strlen(text), "t", AS_OF, NULL, &r, &d),
                    KNEE_OK);
                CU_ASSERT_PTR_NOT_NULL_FATAL(r);
                if (i < 3) {
                    CU_ASSERT(fact_value(r, "kl_grade") &&
                              strcmp(fact_value(r, "kl_grade"), "3") == 0);
                } else {
                    CU_ASSERT_PTR_NULL(fact_value(r, "kl_grade"));
                    CU_ASSERT(has_ignored(r, "o", "unit"));
                }
                knee_fhir_report_free(r);
                knee_diag_free(d);
                knee_patient_free(p);
            }
            knee_ruleset_free(mini);
        }
    }
    mapping_refused("  <gender fact=\"sex\" source=\"s1\"/>\n"
                    "  <observation fact=\"kl_grade\" unit=\"kg/m^2\" source=\"s1\">" CODE
                    "</observation>",
                    "fhir-unit", 2, 3, "kl_grade");
    mapping_refused("  <observation fact=\"age\" unit=\"\" source=\"s1\">" CODE "</observation>",
                    "fhir-unit", 1, 3, "age");
    /* A fact that is not declared (line 1 of the section's body, column 3: the element). */
    mapping_refused("  <birth-date fact=\"nosuch\" source=\"s1\"/>", "unknown-fact", 1, 3,
                    "nosuch");
    mapping_refused("  <gender fact=\"sex\" source=\"s1\"/>\n"
                    "  <condition fact=\"no_fact\" source=\"s1\">" CODE "</condition>",
                    "unknown-fact", 2, 3, "no_fact");
    /* A fact of the wrong type for the element. */
    mapping_refused("  <birth-date fact=\"sex\" source=\"s1\"/>", "fhir-mapping", 1, 3, "sex");
    mapping_refused("  <gender fact=\"age\" source=\"s1\"/>", "fhir-mapping", 1, 3, "age");
    mapping_refused("  <observation fact=\"diabetes\" source=\"s1\">" CODE "</observation>",
                    "fhir-mapping", 1, 3, "diabetes");
    mapping_refused("  <condition fact=\"age\" source=\"s1\">" CODE "</condition>", "fhir-mapping",
                    1, 3, "age");
    mapping_refused("  <condition fact=\"diabetes\" member=\"pt\" source=\"s1\">" CODE
                    "</condition>",
                    "fhir-mapping", 1, 3, "diabetes"); /* member= on a boolean */
    mapping_refused("  <condition fact=\"prior\" source=\"s1\">" CODE "</condition>",
                    "fhir-mapping", 1, 3, "prior"); /* a set without member= */
    mapping_refused("  <history fact=\"diabetes\" member=\"pt\" source=\"s1\">" CODE "</history>",
                    "fhir-mapping", 1, 3, "diabetes");
    mapping_refused("  <history fact=\"prior\" source=\"s1\">" CODE "</history>", "fhir-mapping", 1,
                    3, "prior");
    mapping_refused("  <coverage fact=\"age\" source=\"s1\"/>", "fhir-mapping", 1, 3, "age");
    /* A member the set fact does not allow. */
    mapping_refused("  <history fact=\"prior\" member=\"ha-6mo\" source=\"s1\">" CODE "</history>",
                    "fhir-mapping", 1, 3, "prior");
    mapping_refused("  <condition fact=\"prior\" member=\"PT\" source=\"s1\">" CODE "</condition>",
                    "fhir-mapping", 1, 3, "prior");
    /* plan-fact: undeclared, or not a string fact. */
    mapping_refused("  <coverage fact=\"payer\" plan-fact=\"plan\" source=\"s1\"/>", "fhir-mapping",
                    1, 3, "plan");
    mapping_refused("  <coverage fact=\"payer\" plan-fact=\"age\" source=\"s1\"/>", "fhir-mapping",
                    1, 3, "age");
    /* <code> with neither or both of code= and prefix=: reported at the <code> itself. */
    mapping_refused("  <condition fact=\"diabetes\" source=\"s1\">\n"
                    "    <code system=\"urn:x\"/>\n"
                    "  </condition>",
                    "fhir-mapping", 2, 5, NULL);
    mapping_refused("  <condition fact=\"diabetes\" source=\"s1\">\n"
                    "    " CODE "\n"
                    "      <code system=\"urn:x\" code=\"M17\" prefix=\"M17\"/>\n"
                    "  </condition>",
                    "fhir-mapping", 3, 7, NULL);
    /* resources= naming something that is not a record type history reads. */
    mapping_refused("  <history fact=\"prior\" member=\"pt\" resources=\"Procedure Observation\" "
                    "source=\"s1\">" CODE "</history>",
                    "fhir-mapping", 1, 3, NULL);
    mapping_refused(
        "  <history fact=\"prior\" member=\"pt\" resources=\"procedure\" source=\"s1\">" CODE
        "</history>",
        "fhir-mapping", 1, 3, NULL);
    /* A source that is not declared, alone or after a declared one. */
    mapping_refused("  <gender fact=\"sex\" source=\"nosuch\"/>", "unknown-source", 1, 3, NULL);
    mapping_refused("  <gender fact=\"sex\" source=\"s1\"/>\n"
                    "  <condition fact=\"diabetes\" source=\"s2  s3\">" CODE "</condition>",
                    "unknown-source", 2, 3, NULL);
    /* The schema's share: within-days a positive integer, birth-date and gender at most once and
     * first, at least one <code>, no unknown element or attribute, other= skip|verbatim. */
    mapping_refused("  <history fact=\"prior\" member=\"pt\" within-days=\"0\" source=\"s1\">" CODE
                    "</history>",
                    "schema-value", 0, 0, NULL);
    mapping_refused("  <history fact=\"prior\" member=\"pt\" within-days=\"-5\" source=\"s1\">" CODE
                    "</history>",
                    "schema-value", 0, 0, NULL);
    mapping_refused(
        "  <history fact=\"prior\" member=\"pt\" within-days=\"6mo\" source=\"s1\">" CODE
        "</history>",
        "schema-value", 0, 0, NULL);
    mapping_refused(
        "  <birth-date fact=\"age\" source=\"s1\"/>\n  <birth-date fact=\"age\" source=\"s1\"/>",
        "schema-element", 0, 0, NULL);
    mapping_refused("  <condition fact=\"diabetes\" source=\"s1\">" CODE "</condition>\n"
                    "  <gender fact=\"sex\" source=\"s1\"/>",
                    "schema-element", 0, 0, NULL);
    /* No <code>: the schema says so, and so does the mapping check (the builder still runs). */
    mapping_refused("  <condition fact=\"diabetes\" source=\"s1\"/>", "schema-element", 1, 3, NULL);
    mapping_refused("  <observation fact=\"age\" source=\"s1\"/>", "fhir-mapping", 1, 3, "age");
    mapping_refused("  <procedure fact=\"prior\" source=\"s1\"/>", "schema-element", 0, 0, NULL);
    mapping_refused("  <gender fact=\"sex\" source=\"s1\" unit=\"kg\"/>",
                    "schema-unknown-attribute", 0, 0, NULL);
    mapping_refused("  <gender fact=\"sex\"/>", "schema-missing-attribute", 0, 0, NULL);
    mapping_refused("  <coverage fact=\"payer\" other=\"guess\" source=\"s1\"/>", "schema-value", 0,
                    0, NULL);
    /* Every mistake at once: three elements, three diagnostics, in document order. */
    CU_ASSERT_EQUAL(load_mini_fhir("  <birth-date fact=\"nosuch\" source=\"s1\"/>\n"
                                   "  <gender fact=\"age\" source=\"s9\"/>\n"
                                   "  <condition fact=\"diabetes\" source=\"s1\">"
                                   "<code system=\"urn:x\"/></condition>",
                                   &bad, &d, &first),
                    KNEE_EINVALID);
    CU_ASSERT_PTR_NULL(bad);
    CU_ASSERT_EQUAL(knee_diag_error_count(d), 4);
    CU_ASSERT(kt_has_diag(d, "unknown-fact", first + 1, 3));
    CU_ASSERT(kt_has_diag(d, "unknown-source", first + 2, 3));
    CU_ASSERT(kt_has_diag(d, "fhir-mapping", first + 2, 3));
    CU_ASSERT(kt_has_diag(d, "fhir-mapping", first + 3, 42));
    knee_diag_free(d);
}

/* within-days larger than any span of dates means "any time before the as-of date", for an
 * as-of date before 1970 too (day numbers are negative there). */
static void test_mapping_huge_window(void)
{
    knee_ruleset *w = NULL;
    knee_diag *d = NULL;
    knee_patient *p = NULL;
    knee_fhir_report *r = NULL;
    unsigned first;
    const char *proc = "{\"resourceType\":\"Procedure\",\"id\":\"pr\",\"status\":\"completed\","
                       "\"code\":{\"coding\":[{\"system\":\"urn:x\",\"code\":\"c1\"}]},"
                       "\"performedDateTime\":\"1959-06-01\"}";
    const char *as_of[] = {"1960-01-01", "0001-01-01", "2026-01-15"};
    size_t i;
    CU_ASSERT_EQUAL_FATAL(
        load_mini_fhir("  <history fact=\"prior\" member=\"pt\" "
                       "within-days=\"99999999999999999999999\" source=\"s1\">" CODE "</history>",
                       &w, &d, &first),
        KNEE_OK);
    knee_diag_free(d);
    for (i = 0; i < sizeof as_of / sizeof *as_of; i++) {
        CU_ASSERT_EQUAL_FATAL(knee_patient_new(&p, w), KNEE_OK);
        CU_ASSERT_EQUAL(knee_patient_load_fhir(p, proc, strlen(proc), "p", as_of[i], NULL, &r, &d),
                        KNEE_OK);
        CU_ASSERT(!has_ignored(r, "pr", "outside-window"));
        /* Dated after a year-1 as-of date; within the window for the others. */
        CU_ASSERT_EQUAL(knee_patient_has(p, "prior"), i != 1);
        CU_ASSERT_EQUAL(has_ignored(r, "pr", "after-as-of"), i == 1);
        knee_fhir_report_free(r);
        knee_diag_free(d);
        knee_patient_free(p);
    }
    knee_ruleset_free(w);
}

/* ---- FHIR JSON: wrong shapes and limits (src/fhir/json.c) -------------------------------- */

/* Loads text with limit `which` set to `value` (or no options when which < 0); returns the status.
 */
static int load_limited(const char *text, int which, int64_t value, const char *code)
{
    knee_options *o = NULL;
    knee_patient *p = NULL;
    knee_fhir_report *r = NULL;
    knee_diag *d = NULL;
    int rc;
    CU_ASSERT_EQUAL_FATAL(knee_options_new(&o), KNEE_OK);
    if (which >= 0)
        CU_ASSERT_EQUAL(knee_options_set_limit(o, which, value), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_patient_new(&p, rs), KNEE_OK);
    rc = knee_patient_load_fhir(p, text, strlen(text), "lim", AS_OF, o, &r, &d);
    if (rc != KNEE_OK) {
        CU_ASSERT_FATAL(code != NULL);
        CU_ASSERT(kt_has_diag(d, code, 0, 0));
        CU_ASSERT_PTR_NULL(r);
        CU_ASSERT_EQUAL(knee_patient_has(p, "sex"), 0);
    } else {
        CU_ASSERT_STRING_EQUAL(fact_value(r, "sex"), "male");
    }
    knee_fhir_report_free(r);
    knee_diag_free(d);
    knee_patient_free(p);
    knee_options_free(o);
    return rc;
}

/* A report of one load that must succeed (caller frees it). */
static knee_fhir_report *loaded(const char *text)
{
    knee_patient *p = NULL;
    knee_fhir_report *r = NULL;
    knee_diag *d = NULL;
    CU_ASSERT_EQUAL(load_buf(text, strlen(text), AS_OF, &p, &r, &d), KNEE_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    knee_diag_free(d);
    knee_patient_free(p);
    return r;
}

#define OBS                                                                                        \
    "{\"resourceType\":\"Observation\",\"id\":\"o\",\"status\":\"final\","                         \
    "\"effectiveDateTime\":\"2025-01-01\","
#define BMI_CODE "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"39156-5\"}]},"
#define UCUM_KGM2 "\"system\":\"http://unitsofmeasure.org\",\"code\":\"kg/m2\""

static void test_json_shapes(void)
{
    static const char *const bmi_28[] = {
        OBS BMI_CODE "\"valueQuantity\":{\"value\":28," UCUM_KGM2 "}}",
        OBS BMI_CODE "\"valueQuantity\":{\"value\":28.0," UCUM_KGM2 "}}",
        OBS BMI_CODE "\"valueQuantity\":{\"value\":2.8e1," UCUM_KGM2 "}}",
        /* nulls inside arrays are dropped; _x primitive extensions and fhir_comments skipped */
        OBS
        "\"code\":{\"coding\":[null,{\"system\":\"http://loinc.org\",\"code\":\"39156-5\"},null]},"
        "\"valueQuantity\":{\"value\":28,\"_value\":{\"extension\":[{\"url\":\"urn:x\"}]},"
        "\"fhir_comments\":[\"c\"]," UCUM_KGM2 "}}",
    };
    knee_fhir_report *r;
    size_t i;
    char *deep;
    /* resourceType present but not a non-empty string: at the root, in a Bundle entry, in a
     * prefetch value, contained. */
    refused("{\"resourceType\":42,\"id\":\"a\"}", NULL, KNEE_EINVALID, "fhir-not-fhir");
    refused("{\"resourceType\":\"\",\"id\":\"a\"}", NULL, KNEE_EINVALID, "fhir-not-fhir");
    refused("{\"resourceType\":null,\"id\":\"a\"}", NULL, KNEE_EINVALID, "fhir-not-fhir");
    refused("{\"resourceType\":[\"Patient\"],\"id\":\"a\"}", NULL, KNEE_EINVALID, "fhir-not-fhir");
    refused("{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"resource\":"
            "{\"resourceType\":\"Patient\",\"id\":\"a\",\"gender\":\"male\"}},"
            "{\"resource\":{\"resourceType\":{\"name\":\"Observation\"}}}]}",
            NULL, KNEE_EINVALID, "fhir-not-fhir");
    refused("{\"patient\":{\"resourceType\":true}}", NULL, KNEE_EINVALID, "fhir-not-fhir");
    refused("{\"resourceType\":\"Patient\",\"id\":\"a\",\"gender\":\"male\",\"contained\":"
            "[{\"resourceType\":7}]}",
            NULL, KNEE_EINVALID, "fhir-not-fhir");
    /* A prefetch object whose values are not all resources or null. */
    refused("{\"patient\":{\"resourceType\":\"Patient\",\"id\":\"a\"},\"conditions\":\"none\"}",
            NULL, KNEE_EINVALID, "fhir-not-fhir");
    refused("{\"patient\":{\"resourceType\":\"Patient\",\"id\":\"a\"},\"conditions\":[]}", NULL,
            KNEE_EINVALID, "fhir-not-fhir");
    refused("{\"patient\":{\"id\":\"a\"}}", NULL, KNEE_EINVALID, "fhir-not-fhir");
    /* A CDS Hooks request whose prefetch is not an object. */
    refused("{\"hook\":\"patient-view\",\"context\":{\"patientId\":\"a\"},\"prefetch\":[1]}", NULL,
            KNEE_EINVALID, "fhir-not-fhir");
    refused("{\"hook\":\"patient-view\",\"context\":{\"patientId\":\"a\"},\"prefetch\":\"x\"}",
            NULL, KNEE_EINVALID, "fhir-not-fhir");
    /* An array directly inside an array is not FHIR JSON; neither is trailing garbage. */
    refused("{\"resourceType\":\"Patient\",\"id\":\"a\",\"name\":[[{\"text\":\"x\"}]]}", NULL,
            KNEE_EPARSE, "fhir-json");
    refused("{\"resourceType\":\"Patient\",\"id\":\"a\"} {}", NULL, KNEE_EPARSE, "fhir-json");
    refused("{\"resourceType\":\"Patient\",\"id\":\"a\",\"gender\":\"m\xe4le\"}", NULL, KNEE_EPARSE,
            "fhir-json"); /* not UTF-8 */

    /* A request without prefetch: nothing was prefetched, every fact missing, not an error. */
    r = loaded("{\"hook\":\"patient-view\",\"context\":{\"patientId\":\"a\"}}");
    CU_ASSERT_EQUAL(knee_fhir_report_fact_count(r), 0);
    CU_ASSERT(has_missing(r, "sex"));
    knee_fhir_report_free(r);

    /* Integer, decimal and exponent forms of a number are the same number; nulls in arrays,
     * _value and fhir_comments change nothing. */
    for (i = 0; i < sizeof bmi_28 / sizeof *bmi_28; i++) {
        r = loaded(bmi_28[i]);
        CU_ASSERT_STRING_EQUAL(fact_value(r, "bmi"), "28");
        knee_fhir_report_free(r);
    }
    /* Wrong types where a value is expected: a boolean or null value, a string code. */
    r = loaded(OBS BMI_CODE "\"valueQuantity\":{\"value\":true," UCUM_KGM2 "}}");
    CU_ASSERT(has_ignored(r, "o", "value"));
    CU_ASSERT(has_missing(r, "bmi"));
    knee_fhir_report_free(r);
    r = loaded(OBS BMI_CODE "\"valueQuantity\":null}");
    CU_ASSERT(has_ignored(r, "o", "value"));
    CU_ASSERT(has_missing(r, "bmi"));
    knee_fhir_report_free(r);
    r = loaded(OBS "\"code\":\"39156-5\",\"valueQuantity\":{\"value\":28," UCUM_KGM2 "}}");
    CU_ASSERT(has_missing(r, "bmi")); /* not a CodeableConcept: no mapped code */
    knee_fhir_report_free(r);
    /* An object, a number, a boolean or null where Patient.gender's string is expected. */
    r = loaded("{\"resourceType\":\"Patient\",\"id\":\"a\",\"gender\":{\"value\":\"male\"},"
               "\"birthDate\":null}");
    CU_ASSERT(has_missing(r, "sex"));
    CU_ASSERT(has_missing(r, "age"));
    knee_fhir_report_free(r);
    r = loaded("{\"resourceType\":\"Patient\",\"id\":\"a\",\"gender\":1,\"birthDate\":19580101}");
    CU_ASSERT(has_ignored(r, "a", "value-refused"));
    CU_ASSERT(has_ignored(r, "a", "date"));
    CU_ASSERT(has_missing(r, "sex"));
    CU_ASSERT(has_missing(r, "age"));
    knee_fhir_report_free(r);
    r = loaded("{\"resourceType\":\"Patient\",\"id\":\"a\",\"gender\":false}");
    CU_ASSERT(has_ignored(r, "a", "value-refused"));
    knee_fhir_report_free(r);
    /* A one-item array where a single value is expected reads as that value (as repeated XML
     * elements do); a Bundle entry that is an object rather than an array likewise. */
    r = loaded("{\"resourceType\":\"Patient\",\"id\":\"a\",\"gender\":[\"male\"]}");
    CU_ASSERT_STRING_EQUAL(fact_value(r, "sex"), "male");
    knee_fhir_report_free(r);
    r = loaded("{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":{\"resource\":"
               "{\"resourceType\":\"Patient\",\"id\":\"a\",\"gender\":\"male\"}}}");
    CU_ASSERT_STRING_EQUAL(fact_value(r, "sex"), "male");
    knee_fhir_report_free(r);
    /* An entry whose resource is a reference string, not a resource: nothing read. */
    r = loaded("{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"resource\":"
               "\"Patient/a\"}]}");
    CU_ASSERT_EQUAL(knee_fhir_report_fact_count(r), 0);
    CU_ASSERT(has_warning(r, "no-patient"));
    knee_fhir_report_free(r);

    /* Limits, at their exact edges. Patient{id, gender}: 3 elements (the resource and its two
     * properties), its properties at depth 2. */
    {
        const char *pat = "{\"resourceType\":\"Patient\",\"id\":\"a\",\"gender\":\"male\"}";
        CU_ASSERT_EQUAL(load_limited(pat, KNEE_LIMIT_ELEMENTS, 3, NULL), KNEE_OK);
        CU_ASSERT_EQUAL(load_limited(pat, KNEE_LIMIT_ELEMENTS, 2, "limit-elements"), KNEE_ELIMIT);
        CU_ASSERT_EQUAL(load_limited(pat, KNEE_LIMIT_XML_DEPTH, 2, NULL), KNEE_OK);
        CU_ASSERT_EQUAL(load_limited(pat, KNEE_LIMIT_XML_DEPTH, 1, "limit-depth"), KNEE_ELIMIT);
        /* A CDS Hooks request's context counts too. */
        CU_ASSERT_EQUAL(load_limited("{\"hook\":\"patient-view\",\"context\":{\"patientId\":\"a\","
                                     "\"userId\":\"u\",\"x\":\"y\"}}",
                                     KNEE_LIMIT_ELEMENTS, 3, "limit-elements"),
                        KNEE_ELIMIT);
        CU_ASSERT_EQUAL(load_limited(pat, KNEE_LIMIT_INPUT_BYTES, (int64_t)strlen(pat), NULL),
                        KNEE_OK);
        CU_ASSERT_EQUAL(
            load_limited(pat, KNEE_LIMIT_INPUT_BYTES, (int64_t)strlen(pat) - 1, "limit-size"),
            KNEE_ELIMIT);
    }
    /* The default element cap (1,000,000): a flat array just past it. */
    {
        size_t n = 1000000, k;
        const char *head = "{\"resourceType\":\"Patient\",\"id\":\"a\",\"gender\":\"male\",\"x\":[";
        deep = malloc(strlen(head) + 2 * n + 8);
        CU_ASSERT_PTR_NOT_NULL_FATAL(deep);
        strcpy(deep, head);
        k = strlen(deep);
        for (i = 0; i < n; i++) {
            deep[k++] = '1';
            deep[k++] = ',';
        }
        deep[k - 1] = ']';
        deep[k++] = '}';
        deep[k] = '\0';
        /* 1 + id + gender + n items = n + 3 elements (the edge itself is checked above) */
        CU_ASSERT_EQUAL(load_limited(deep, -1, 0, "limit-elements"), KNEE_ELIMIT);
        free(deep);
    }
}

/* ---- one value where FHIR allows one; numbers written as JSON strings -------------------- */

#define PAT_X "<Patient xmlns=\"http://hl7.org/fhir\"><id value=\"a\"/>"
#define OBS_X                                                                                      \
    "<Observation xmlns=\"http://hl7.org/fhir\"><id value=\"o\"/><status value=\"final\"/>"        \
    "<code><coding><system value=\"http://loinc.org\"/><code value=\"39156-5\"/></coding></code>"
#define QTY_X(v)                                                                                   \
    "<valueQuantity><value value=\"" v "\"/><system value=\"http://unitsofmeasure.org\"/>"         \
    "<code value=\"kg/m2\"/></valueQuantity>"
#define DATE_X "<effectiveDateTime value=\"2025-01-01\"/>"

/* Loads text; the fact is missing and resource `id` is ignored with `code`. */
static void not_used(const char *text, const char *fact, const char *id, const char *code)
{
    knee_fhir_report *r = loaded(text);
    if (!has_ignored(r, id, code) || !has_missing(r, fact) || fact_value(r, fact)) {
        char *j = report_json(r);
        printf("\nexpected %s missing, %s ignored (%s), for:\n%s\n%s\n", fact, id, code, text, j);
        knee_free(j);
        CU_FAIL("not used");
    }
    knee_fhir_report_free(r);
}

static void test_cardinality(void)
{
    knee_fhir_report *r;
    size_t i;
    /* Two genders: sex is missing (the reason names the Patient) and the birth date still gives
     * the age; JSON array and repeated XML element alike. */
    static const char *const two_genders[] = {
        "{\"resourceType\":\"Patient\",\"id\":\"a\",\"gender\":[\"male\",\"female\"],"
        "\"birthDate\":\"1958-01-01\"}",
        PAT_X "<gender value=\"male\"/><gender value=\"female\"/><birthDate value=\"1958-01-01\"/>"
              "</Patient>",
        /* the same value twice is still two values */
        PAT_X "<gender value=\"male\"/><birthDate value=\"1958-01-01\"/><gender value=\"male\"/>"
              "</Patient>",
    };
    for (i = 0; i < sizeof two_genders / sizeof *two_genders; i++) {
        r = loaded(two_genders[i]);
        CU_ASSERT(has_ignored(r, "a", "cardinality"));
        CU_ASSERT(has_missing(r, "sex"));
        CU_ASSERT_PTR_NULL(fact_value(r, "sex"));
        CU_ASSERT(fact_value(r, "age") && strcmp(fact_value(r, "age"), "68") == 0);
        CU_ASSERT(knee_fhir_report_missing_count(r) > 0 &&
                  strstr(knee_fhir_report_missing_reason(r, 0), "Patient/a") != NULL);
        knee_fhir_report_free(r);
    }
    not_used(
        "{\"resourceType\":\"Patient\",\"id\":\"a\",\"birthDate\":[\"1958-01-01\",\"1960-01-01\"]}",
        "age", "a", "cardinality");
    not_used(PAT_X "<birthDate value=\"1958-01-01\"/><birthDate value=\"1958-01-01\"/></Patient>",
             "age", "a", "cardinality");
    /* Two valueQuantity, two values in one, two codes; a choice given twice (value[x],
     * effective[x]); two dates in a Period. */
    not_used(OBS BMI_CODE "\"valueQuantity\":[{\"value\":28," UCUM_KGM2 "},{\"value\":31," UCUM_KGM2
                          "}]}",
             "bmi", "o", "cardinality");
    not_used(OBS_X DATE_X QTY_X("28") QTY_X("31") "</Observation>", "bmi", "o", "cardinality");
    not_used(OBS_X DATE_X "<valueQuantity><value value=\"28\"/><value value=\"31\"/><system "
                          "value=\"http://unitsofmeasure.org\"/><code "
                          "value=\"kg/m2\"/></valueQuantity></Observation>",
             "bmi", "o", "cardinality");
    not_used(OBS_X DATE_X QTY_X("28") "<valueInteger value=\"31\"/></Observation>", "bmi", "o",
             "cardinality");
    not_used(OBS_X DATE_X "<effectivePeriod><start value=\"2024-01-01\"/></effectivePeriod>" QTY_X(
                 "28") "</Observation>",
             "bmi", "o", "cardinality");
    not_used(
        "{\"resourceType\":\"Observation\",\"id\":\"o\",\"status\":\"final\",\"effectiveDateTime\":"
        "[\"2025-01-01\",\"2024-01-01\"]," BMI_CODE "\"valueQuantity\":{\"value\":28," UCUM_KGM2
        "}}",
        "bmi", "o", "cardinality");
    not_used(OBS BMI_CODE "\"effectivePeriod\":{\"end\":[\"2024-01-01\",\"2024-02-01\"]},"
                          "\"valueQuantity\":{\"value\":28," UCUM_KGM2 "}}",
             "bmi", "o", "cardinality");
    /* Two code elements, the mapped one second: seen, and not used. */
    not_used(OBS "\"code\":[{\"text\":\"x\"},{\"coding\":[{\"system\":\"http://loinc.org\","
                 "\"code\":\"39156-5\"}]}],\"valueQuantity\":{\"value\":28," UCUM_KGM2 "}}",
             "bmi", "o", "cardinality");
    /* Condition: two clinical statuses. */
    not_used("{\"resourceType\":\"Condition\",\"id\":\"c\",\"code\":{\"coding\":[{\"system\":"
             "\"http://hl7.org/fhir/sid/icd-10-cm\",\"code\":\"M17.11\"}]},\"clinicalStatus\":"
             "[{\"coding\":[{\"code\":\"active\"}]},{\"coding\":[{\"code\":\"resolved\"}]}]}",
             "knee_oa", "c", "cardinality");
    /* Procedure: two performed dates. */
    r = loaded(
        "{\"resourceType\":\"Procedure\",\"id\":\"pr\",\"status\":\"completed\",\"code\":"
        "{\"coding\":[{\"system\":\"http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets\","
        "\"code\":\"J7321\"}]},\"performedDateTime\":[\"2025-12-01\",\"2020-01-01\"]}");
    CU_ASSERT(has_ignored(r, "pr", "cardinality"));
    CU_ASSERT_PTR_NULL(fact_value(r, "prior"));
    CU_ASSERT(has_missing(r, "prior"));
    knee_fhir_report_free(r);
    /* Coverage: two periods. */
    not_used("{\"resourceType\":\"Coverage\",\"id\":\"cv\",\"status\":\"active\",\"period\":"
             "[{\"start\":\"2020-01-01\"},{\"start\":\"2021-01-01\"}],\"payor\":[{\"display\":"
             "\"Acme\"}]}",
             "payer", "cv", "cardinality");
    /* Repeating elements stay repeatable: two codings, two payors, two names. */
    r = loaded(
        OBS
        "\"code\":{\"coding\":[{\"system\":\"urn:x\",\"code\":\"y\"},{\"system\":"
        "\"http://loinc.org\",\"code\":\"39156-5\"}]},\"valueQuantity\":{\"value\":28," UCUM_KGM2
        "}}");
    CU_ASSERT_STRING_EQUAL(fact_value(r, "bmi"), "28");
    CU_ASSERT(!has_ignored(r, NULL, "cardinality"));
    knee_fhir_report_free(r);
    r = loaded("{\"resourceType\":\"Coverage\",\"id\":\"cv\",\"status\":\"active\",\"payor\":"
               "[{\"display\":\"Acme\"},{\"display\":\"Other\"}]}");
    CU_ASSERT_STRING_EQUAL(fact_value(r, "payer"), "Acme");
    CU_ASSERT(!has_ignored(r, NULL, "cardinality"));
    knee_fhir_report_free(r);
    /* Whom a resource is about, and its id, are single too: two subjects, two references in one
     * subject, two ids; JSON arrays and repeated XML elements alike. */
    not_used("{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"resource\":"
             "{\"resourceType\":\"Patient\",\"id\":\"a\"}},{\"resource\":" OBS BMI_CODE
             "\"subject\":[{\"reference\":\"Patient/a\"},{\"reference\":\"Patient/a\"}],"
             "\"valueQuantity\":{\"value\":28," UCUM_KGM2 "}}}]}",
             "bmi", "o", "cardinality");
    not_used(
        OBS_X
        "<subject><reference value=\"Patient/a\"/><reference value=\"Patient/a\"/></subject>" DATE_X
            QTY_X("28") "</Observation>",
        "bmi", "o", "cardinality");
    not_used("{\"resourceType\":\"Observation\",\"id\":[\"o\",\"p\"],\"status\":\"final\","
             "\"effectiveDateTime\":\"2025-01-01\"," BMI_CODE
             "\"valueQuantity\":{\"value\":28," UCUM_KGM2 "}}",
             "bmi", "o", "cardinality");
    /* A Bundle entry with two resources, or a resource element holding none, two, or an object
     * without resourceType: recorded, not read. */
    {
        static const char *const entries[] = {
            "<Bundle xmlns=\"http://hl7.org/fhir\"><type "
            "value=\"collection\"/><entry><resource>" OBS_X DATE_X QTY_X(
                "28") "</Observation></resource><resource>" PAT_X
                      "</Patient></resource></entry></Bundle>",
            "<Bundle xmlns=\"http://hl7.org/fhir\"><type value=\"collection\"/><entry><fullUrl "
            "value=\"urn:uuid:1\"/><fullUrl value=\"urn:uuid:2\"/><resource>" OBS_X DATE_X QTY_X(
                "28") "</Observation></resource></entry></Bundle>",
            "<Bundle xmlns=\"http://hl7.org/fhir\"><type "
            "value=\"collection\"/><entry><resource>" OBS_X DATE_X QTY_X(
                "28") "</Observation>" PAT_X "</Patient></resource></entry></Bundle>",
            ("{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"resource\":"
             "{\"id\":\"o\",\"status\":\"final\"}}]}"),
        };
        static const char *const codes[] = {"cardinality", "cardinality", "not-a-resource",
                                            "not-a-resource"};
        for (i = 0; i < sizeof entries / sizeof *entries; i++) {
            r = loaded(entries[i]);
            CU_ASSERT(has_ignored(r, NULL, codes[i]));
            CU_ASSERT_PTR_NULL(fact_value(r, "bmi"));
            CU_ASSERT_EQUAL(knee_fhir_report_fact_count(r), 0);
            knee_fhir_report_free(r);
        }
    }
    /* A contained element holding two resources: the container is read, the contained not. */
    r = loaded("<ExplanationOfBenefit xmlns=\"http://hl7.org/fhir\"><id value=\"e\"/><contained>"
               "<Coverage><id value=\"c1\"/></Coverage><Coverage><id value=\"c2\"/></Coverage>"
               "</contained></ExplanationOfBenefit>");
    CU_ASSERT(has_ignored(r, "e", "not-a-resource"));
    knee_fhir_report_free(r);
}

static void test_string_numbers(void)
{
    static const char *const not_numbers[] = {"28 kg", " 28", "28,5", "0x1c", "",
                                              "+28",   "028", "1e",   "inf"};
    knee_fhir_report *r;
    char text[512];
    size_t i;
    /* A number written as a JSON string is read, with a lenient-number warning. */
    r = loaded(OBS BMI_CODE "\"valueQuantity\":{\"value\":\"28.5\"," UCUM_KGM2 "}}");
    CU_ASSERT_STRING_EQUAL(fact_value(r, "bmi"), "28.5");
    CU_ASSERT(has_warning(r, "lenient-number"));
    knee_fhir_report_free(r);
    r = loaded(
        "{\"resourceType\":\"Observation\",\"id\":\"k\",\"status\":\"final\",\"effectiveDateTime\":"
        "\"2025-01-01\",\"code\":{\"coding\":[{\"system\":\"urn:libknee:codes\",\"code\":"
        "\"kl-grade\"}]},\"valueInteger\":\"3\"}");
    CU_ASSERT_STRING_EQUAL(fact_value(r, "kl_grade"), "3");
    CU_ASSERT(has_warning(r, "lenient-number"));
    knee_fhir_report_free(r);
    /* A bare JSON number and XML (whose values are all text) need no warning. */
    r = loaded(OBS BMI_CODE "\"valueQuantity\":{\"value\":28.5," UCUM_KGM2 "}}");
    CU_ASSERT(!has_warning(r, "lenient-number"));
    knee_fhir_report_free(r);
    r = loaded(OBS_X DATE_X QTY_X("28.5") "</Observation>");
    CU_ASSERT_STRING_EQUAL(fact_value(r, "bmi"), "28.5");
    CU_ASSERT(!has_warning(r, "lenient-number"));
    knee_fhir_report_free(r);
    /* A string that is not exactly a JSON number is not a number: skipped (`value`), no guess. */
    for (i = 0; i < sizeof not_numbers / sizeof *not_numbers; i++) {
        snprintf(text, sizeof text,
                 OBS BMI_CODE "\"valueQuantity\":{\"value\":\"%s\"," UCUM_KGM2 "}}",
                 not_numbers[i]);
        r = loaded(text);
        CU_ASSERT(has_ignored(r, "o", "value"));
        CU_ASSERT(has_missing(r, "bmi"));
        CU_ASSERT(!has_warning(r, "lenient-number"));
        knee_fhir_report_free(r);
    }
}

/* Issue 13, item 6: FHIR XML with bytes after a NUL that follows the root element. */
static void test_xml_nul(void)
{
    static const char t[] = "<Patient xmlns=\"http://hl7.org/fhir\"><id value=\"a\"/>"
                            "<gender value=\"male\"/></Patient>\0<Patient/>";
    knee_patient *p = NULL;
    knee_fhir_report *r = NULL;
    knee_diag *d = NULL;
    CU_ASSERT_EQUAL(load_buf(t, sizeof t - 1, AS_OF, &p, &r, &d), KNEE_EPARSE);
    CU_ASSERT(kt_has_diag(d, "xml-encoding", 1, 85));
    CU_ASSERT_PTR_NULL(r);
    CU_ASSERT_EQUAL(knee_patient_has(p, "sex"), 0);
    knee_diag_free(d);
    knee_patient_free(p);
}

int main(void)
{
    CU_pSuite s;
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 1;
    s = CU_add_suite("fhir", setup, teardown);
    CU_add_test(s, "HL7 examples: JSON and XML give the same facts",
                test_hl7_examples_both_encodings);
    CU_add_test(s, "HL7 Patient, BMI and Coverage examples", test_hl7_patient_and_bmi);
    CU_add_test(s, "constructed bundle: every skip recorded", test_constructed_bundle_skips);
    CU_add_test(s, "Synthea bundles, R4 and older", test_synthea);
    CU_add_test(s, "Synthea payer from an explanationOfBenefit prefetch",
                test_synthea_eob_prefetch);
    CU_add_test(s, "bad input refused, patient unchanged", test_bad_input);
    CU_add_test(s, "XML: a NUL after the root element", test_xml_nul);
    CU_add_test(s, "bad arguments", test_bad_arguments);
    CU_add_test(s, "a mapping rule of unknown kind: refused", test_unknown_mapping_kind);
    CU_add_test(s, "JSON: wrong shapes, nulls, numbers, limits at their edges", test_json_shapes);
    CU_add_test(s, "partial dates, units, prefetch null vs missing", test_dates_units_prefetch);
    CU_add_test(s, "CDS Hooks request", test_cds_request);
    CU_add_test(s, "CDS Hooks prefetch templates", test_prefetch_templates);
    CU_add_test(s, "<fhir> mapping: every load check", test_mapping_checks);
    CU_add_test(s, "<fhir> mapping: a window wider than any date span", test_mapping_huge_window);
    CU_add_test(s, "one value where FHIR allows one: none picked", test_cardinality);
    CU_add_test(s, "numbers as JSON strings: lenient-number or skipped", test_string_numbers);
    return kt_run();
}
