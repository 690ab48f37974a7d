/* test_patient.c - typed facts and weights checked against the declarations; a failed call
 * leaves the patient unchanged; patient XML files load all or nothing. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

static knee_ruleset *rs;

static int setup(void)
{
    rs = kt_load_data("mini.xml");
    return 0;
}

static int teardown(void)
{
    knee_ruleset_free(rs);
    return 0;
}

/* The comparison as JSON: a complete picture of the patient's effect, for "unchanged" checks. */
static char *snapshot(const knee_patient *p)
{
    knee_result *r = NULL;
    char *json = NULL;
    CU_ASSERT_EQUAL_FATAL(knee_result_new(&r), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_compare(rs, p, r), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_result_to_json(r, &json, NULL), KNEE_OK);
    knee_result_free(r);
    return json;
}

static void test_typed_setters(void)
{
    knee_patient *p = NULL;
    CU_ASSERT_EQUAL_FATAL(knee_patient_new(&p, rs), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_has(p, "age"), 0);
    CU_ASSERT_EQUAL(knee_patient_set_number(p, "age", 72.5), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_has(p, "age"), 1);
    CU_ASSERT_EQUAL(knee_patient_set_number(p, "kl_grade", 4), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_bool(p, "diabetes", 1), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_string(p, "payer", "medicare"), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_add_to_set(p, "prior", "pt"), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_add_to_set(p, "prior", "pt"), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_unset(p, "age"), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_has(p, "age"), 0);
    CU_ASSERT_EQUAL(knee_patient_has(p, "nope"), KNEE_EUNKNOWN);
    CU_ASSERT_STRING_EQUAL(knee_patient_errmsg(p), "");
    knee_patient_free(p);
}

static void test_errors_leave_patient_unchanged(void)
{
    knee_patient *p = NULL;
    char *before, *after;
    CU_ASSERT_EQUAL_FATAL(knee_patient_new(&p, rs), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_text(p, "age", "70"), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_text(p, "prior", "steroid-3mo"), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_text(p, "payer", "mcr-b"), KNEE_OK);
    before = snapshot(p);

    CU_ASSERT_EQUAL(knee_patient_set_number(p, "agee", 3), KNEE_EUNKNOWN);
    CU_ASSERT_PTR_NOT_NULL(strstr(knee_patient_errmsg(p), "agee"));
    CU_ASSERT_EQUAL(knee_patient_set_number(p, "age", 500), KNEE_ERANGE);
    CU_ASSERT_PTR_NOT_NULL(strstr(knee_patient_errmsg(p), "maximum 120"));
    CU_ASSERT_EQUAL(knee_patient_set_number(p, "age", -1), KNEE_ERANGE);
    CU_ASSERT_EQUAL(knee_patient_set_number(p, "age", NAN), KNEE_ERANGE);
    CU_ASSERT_EQUAL(knee_patient_set_number(p, "kl_grade", 2.5), KNEE_ETYPE);
    CU_ASSERT_EQUAL(knee_patient_set_number(p, "kl_grade", 5), KNEE_ERANGE);
    CU_ASSERT_EQUAL(knee_patient_set_string(p, "age", "old"), KNEE_ETYPE);
    CU_ASSERT_EQUAL(knee_patient_set_bool(p, "payer", 1), KNEE_ETYPE);
    CU_ASSERT_EQUAL(knee_patient_set_string(p, "sex", "unknown"), KNEE_ERANGE);
    CU_ASSERT_EQUAL(knee_patient_set_string(p, "payer", "\xC3("), KNEE_EPARSE);
    CU_ASSERT_EQUAL(knee_patient_add_to_set(p, "prior", "surgery"), KNEE_ERANGE);
    /* a set given as text is replaced all or nothing: one bad member keeps the old set */
    CU_ASSERT_EQUAL(knee_patient_set_text(p, "prior", "pt, surgery"), KNEE_ERANGE);
    CU_ASSERT_EQUAL(knee_patient_set_text(p, "age", "7O"), KNEE_EPARSE);
    CU_ASSERT_EQUAL(knee_patient_set_text(p, "age", "1e999"), KNEE_EPARSE);
    CU_ASSERT_EQUAL(knee_patient_set_text(p, "diabetes", "maybe"), KNEE_EPARSE);
    CU_ASSERT_EQUAL(knee_patient_set_weight(p, "cost", -1), KNEE_EWEIGHT);
    CU_ASSERT_EQUAL(knee_patient_set_weight(p, "cost", INFINITY), KNEE_EWEIGHT);
    CU_ASSERT_EQUAL(knee_patient_set_weight(p, "price", 1), KNEE_EUNKNOWN);
    CU_ASSERT_EQUAL(knee_patient_set_number(NULL, "age", 1), KNEE_EINVAL);
    CU_ASSERT_EQUAL(knee_patient_set_string(p, NULL, "x"), KNEE_EINVAL);

    after = snapshot(p);
    CU_ASSERT_STRING_EQUAL(before, after);
    knee_free(before);
    knee_free(after);
    knee_patient_free(p);
}

static void test_string_limit(void)
{
    knee_options *o = NULL;
    knee_ruleset *small = NULL;
    knee_patient *p = NULL;
    char path[1024], big[65];
    snprintf(path, sizeof path, "%s/mini.xml", KNEE_TEST_DATA);
    CU_ASSERT_EQUAL_FATAL(knee_options_new(&o), KNEE_OK);
    CU_ASSERT_EQUAL(knee_options_set_limit(o, KNEE_LIMIT_STRING_BYTES, 64), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_ruleset_load_file(&small, path, o, NULL), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_patient_new(&p, small), KNEE_OK);
    memset(big, 'x', 64);
    big[64] = '\0';
    CU_ASSERT_EQUAL(knee_patient_set_string(p, "payer", big), KNEE_OK); /* at the limit */
    CU_ASSERT_EQUAL(
        knee_patient_set_text(p, "payer",
                              "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyz"),
        KNEE_ELIMIT);
    knee_patient_free(p);
    knee_ruleset_free(small);
    knee_options_free(o);
}

static void test_text_forms(void)
{
    knee_patient *p = NULL;
    knee_result *r = NULL;
    size_t i;
    CU_ASSERT_EQUAL_FATAL(knee_patient_new(&p, rs), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_text(p, "diabetes", " YES "), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_text(p, "diabetes", "0"), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_text(p, "kl_grade", " 2 "), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_text(p, "prior", " steroid-3mo ,pt,, pt "), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_result_new(&r), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_compare(rs, p, r), KNEE_OK);
    i = kt_option(r, "c");
    CU_ASSERT_EQUAL(knee_result_option_excluded(r, i), 1); /* kl_grade 2 */
    CU_ASSERT_EQUAL(knee_result_caution_count(r, i), 1);   /* steroid-3mo is in the set */
    knee_result_free(r);
    knee_patient_free(p);
}

static void test_patient_file(void)
{
    knee_patient *p = NULL;
    knee_diag *d = NULL;
    knee_result *r = NULL;
    char path[1024];
    size_t i;
    CU_ASSERT_EQUAL_FATAL(knee_patient_new(&p, rs), KNEE_OK);
    snprintf(path, sizeof path, "%s/patient-ok.xml", KNEE_TEST_DATA);
    CU_ASSERT_EQUAL(knee_patient_load_file(p, path, NULL, &d), KNEE_OK);
    CU_ASSERT_EQUAL(knee_diag_count(d), 0);
    knee_diag_free(d);
    CU_ASSERT_EQUAL(knee_patient_has(p, "age"), 1);
    CU_ASSERT_EQUAL_FATAL(knee_result_new(&r), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_compare(rs, p, r), KNEE_OK);
    /* weights 1, 3, 2 -> cost weight 0.5 */
    CU_ASSERT_DOUBLE_EQUAL(knee_result_weight(r, 1), 0.5, 1e-12);
    i = kt_option(r, "b");
    CU_ASSERT_STRING_EQUAL(knee_result_value_level(r, i, 2), "low"); /* medicare-advantage-xyz */
    knee_result_free(r);
    knee_patient_free(p);
}

static void test_patient_file_all_or_nothing(void)
{
    knee_patient *p = NULL;
    knee_diag *d = NULL;
    char path[1024], *before, *after;
    CU_ASSERT_EQUAL_FATAL(knee_patient_new(&p, rs), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_number(p, "age", 40), KNEE_OK);
    before = snapshot(p);
    snprintf(path, sizeof path, "%s/patient-bad.xml", KNEE_TEST_DATA);
    CU_ASSERT_NOT_EQUAL(knee_patient_load_file(p, path, NULL, &d), KNEE_OK);
    /* every bad line reported, at its line */
    CU_ASSERT(kt_has_diag(d, "patient-value", 4, 3)); /* kl_grade 7 */
    CU_ASSERT(kt_has_diag(d, "patient-value", 5, 3)); /* agee */
    CU_ASSERT(kt_has_diag(d, "patient-value", 6, 3)); /* negative weight */
    CU_ASSERT_EQUAL(knee_diag_error_count(d), 3);
    knee_diag_free(d);
    after = snapshot(p); /* age 70 from the file was not applied either */
    CU_ASSERT_STRING_EQUAL(before, after);
    knee_free(before);
    knee_free(after);
    /* malformed patient XML and a DOCTYPE */
    CU_ASSERT_EQUAL(knee_patient_load_memory(p, "<patient", 8, "p.xml", NULL, &d), KNEE_EPARSE);
    CU_ASSERT(kt_has_diag(d, "xml-syntax", 1, 0));
    knee_diag_free(d);
    {
        const char *t =
            "<!DOCTYPE p [<!ENTITY e \"x\">]><patient xmlns=\"urn:libknee:patient:1\"/>";
        CU_ASSERT_EQUAL(knee_patient_load_memory(p, t, strlen(t), "p.xml", NULL, &d), KNEE_EPARSE);
        CU_ASSERT(kt_has_diag(d, "xml-doctype", 1, 0));
        knee_diag_free(d);
    }
    {
        const char *t = "<patient xmlns=\"urn:libknee:patient:1\"><age>3</age></patient>";
        CU_ASSERT_EQUAL(knee_patient_load_memory(p, t, strlen(t), "p.xml", NULL, &d),
                        KNEE_EINVALID);
        CU_ASSERT(kt_has_diag(d, "schema-element", 1, 40));
        knee_diag_free(d);
    }
    knee_patient_free(p);
}

/* Issue 13, item 7: a repeated <fact> or <weight> kept the last value silently. Both places are
 * named; the patient is unchanged. */
static void test_patient_file_repeats(void)
{
    static const char t[] = "<patient xmlns=\"urn:libknee:patient:1\">\n"
                            "  <fact id=\"age\">70</fact>\n"
                            "  <fact id=\"kl_grade\">2</fact>\n"
                            "  <fact id=\"age\">30</fact>\n"
                            "  <weight criterion=\"cost\">3</weight>\n"
                            "  <weight criterion=\"cost\">1</weight>\n"
                            "</patient>\n";
    knee_patient *p = NULL;
    knee_diag *d = NULL;
    CU_ASSERT_EQUAL_FATAL(knee_patient_new(&p, rs), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_load_memory(p, t, sizeof t - 1, "p.xml", NULL, &d), KNEE_EINVALID);
    CU_ASSERT_EQUAL(knee_diag_error_count(d), 2);
    CU_ASSERT(kt_has_diag(d, "patient-duplicate", 4, 3));
    CU_ASSERT(kt_has_diag(d, "patient-duplicate", 6, 3));
    CU_ASSERT_STRING_EQUAL(knee_diag_message(d, 0), "fact 'age' is given twice (first at line 2)");
    CU_ASSERT_STRING_EQUAL(knee_diag_element(d, 0), "age");
    CU_ASSERT_STRING_EQUAL(knee_diag_message(d, 1),
                           "the weight of criterion 'cost' is given twice (first at line 5)");
    CU_ASSERT_EQUAL(knee_patient_has(p, "age"), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(knee_patient_errmsg(p), "given twice"));
    knee_diag_free(d);
    knee_patient_free(p);
}

/* Issue 13, item 6: bytes after a NUL that follows the root element were never read. */
static void test_patient_file_nul(void)
{
    static const char t[] = "<patient xmlns=\"urn:libknee:patient:1\"><fact id=\"age\">70</fact>"
                            "</patient>\n\0<fact id=\"age\">30</fact>";
    knee_patient *p = NULL;
    knee_diag *d = NULL;
    CU_ASSERT_EQUAL_FATAL(knee_patient_new(&p, rs), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_load_memory(p, t, sizeof t - 1, "p.xml", NULL, &d), KNEE_EPARSE);
    CU_ASSERT(kt_has_diag(d, "xml-encoding", 2, 1));
    CU_ASSERT_EQUAL(knee_patient_has(p, "age"), 0);
    knee_diag_free(d);
    knee_patient_free(p);
}

/* Issue 13, item 20: finite weights whose sum is +inf were refused as "the weights sum to
 * zero". Only their ratios matter: they compare as 1:1:0, with the analyses. A zero sum is still
 * refused, with the message that says so. */
static void test_weights_past_the_largest_double(void)
{
    knee_patient *p = NULL, *q = NULL;
    knee_result *r = NULL, *s = NULL;
    knee_compare_options *o = NULL;
    size_t i;
    CU_ASSERT_EQUAL_FATAL(knee_patient_new(&p, rs), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_patient_new(&q, rs), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_result_new(&r), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_result_new(&s), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_weight(p, "recovery", 1e308), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_weight(p, "cost", 1e308), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_weight(p, "evidence", 0), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_weight(q, "recovery", 1), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_weight(q, "cost", 1), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_weight(q, "evidence", 0), KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare_options_new(&o), KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare_options_set_smaa(o, 200, 3, 0.1), KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare_options_set_sensitivity(o, 1, 0.05), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_compare_ex(rs, p, o, r), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_compare_ex(rs, q, o, s), KNEE_OK);
    CU_ASSERT_DOUBLE_EQUAL(knee_result_weight(r, 0), 0.5, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(knee_result_weight(r, 2), 0.0, 0);
    for (i = 0; i < knee_result_option_count(r); i++) { /* the same answer as 1:1:0 */
        CU_ASSERT_STRING_EQUAL(knee_result_option_id(r, i), knee_result_option_id(s, i));
        CU_ASSERT_DOUBLE_EQUAL(knee_result_option_score(r, i), knee_result_option_score(s, i),
                               1e-12);
    }
    CU_ASSERT_EQUAL(knee_patient_set_weight(p, "recovery", 0), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_weight(p, "cost", 0), KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare(rs, p, r), KNEE_EWEIGHT);
    CU_ASSERT_PTR_NOT_NULL(strstr(knee_result_errmsg(r), "sum to zero"));
    knee_compare_options_free(o);
    knee_result_free(r);
    knee_result_free(s);
    knee_patient_free(p);
    knee_patient_free(q);
}

/* The message of a failed call on p, checked to hold `want`. */
static void says(int status, int want_status, const knee_patient *p, const char *want)
{
    CU_ASSERT_EQUAL(status, want_status);
    if (!strstr(knee_patient_errmsg(p), want)) {
        fprintf(stderr, "\n  message: %s\n  wanted:  %s\n", knee_patient_errmsg(p), want);
        CU_FAIL("the message does not say how to fix the input");
    }
}

/* Errors say how to fix them: the nearest ids for an unknown one, the allowed values, and the
 * type and range a fact takes. */
static void test_errors_say_how_to_fix(void)
{
    knee_patient *p = NULL;
    const char *ids[1] = {"evidense"};
    CU_ASSERT_EQUAL_FATAL(knee_patient_new(&p, rs), KNEE_OK);
    says(knee_patient_set_number(p, "agee", 70), KNEE_EUNKNOWN, p,
         "unknown fact 'agee' (not declared in rule file 'mini'): did you mean 'age'?");
    says(knee_patient_set_number(p, "AGE", 70), KNEE_EUNKNOWN, p, ": did you mean 'age'?");
    says(knee_patient_set_bool(p, "dibaetes", 1), KNEE_EUNKNOWN, p, "did you mean 'diabetes'?");
    says(knee_patient_set_text(p, "height", "180"), KNEE_EUNKNOWN, p,
         "unknown fact 'height' (not declared in rule file 'mini')");
    CU_ASSERT_PTR_NULL(strstr(knee_patient_errmsg(p), "did you mean")); /* nothing near */
    says(knee_patient_set_weight(p, "costs", 1), KNEE_EUNKNOWN, p,
         "unknown criterion 'costs': did you mean 'cost'?");
    says(knee_patient_rank_criteria(p, ids, 1, KNEE_RANKING_ROC), KNEE_EUNKNOWN, p,
         "unknown criterion 'evidense': did you mean 'evidence'?");
    says(knee_patient_set_text(p, "sex", "Female"), KNEE_ERANGE, p,
         "fact 'sex': 'Female' is not one of its allowed values: did you mean 'female'? (it takes "
         "one of: female, male)");
    says(knee_patient_set_text(p, "sex", "x"), KNEE_ERANGE, p,
         "fact 'sex': 'x' is not one of its allowed values (it takes one of: female, male)");
    says(knee_patient_add_to_set(p, "prior", "tp"), KNEE_ERANGE, p,
         "did you mean 'pt'? (it takes a set of members from: pt, steroid-3mo)");
    says(knee_patient_set_text(p, "kl_grade", "2.5"), KNEE_ETYPE, p,
         "fact 'kl_grade' is an integer; 2.5 is not a whole number (it takes a whole number from 0 "
         "to 4)");
    says(knee_patient_set_text(p, "age", "old"), KNEE_EPARSE, p,
         "fact 'age': 'old' is not a number (it takes a number from 0 to 120)");
    says(knee_patient_set_number(p, "age", 130), KNEE_ERANGE, p,
         "fact 'age': 130 is above the maximum 120 (it takes a number from 0 to 120)");
    says(knee_patient_set_string(p, "age", "70"), KNEE_ETYPE, p,
         "fact 'age' is a number, not a string (it takes a number from 0 to 120)");
    says(knee_patient_set_number(p, "payer", 1), KNEE_ETYPE, p,
         "fact 'payer' is a string, not a number (it takes any text)");
    says(knee_patient_set_bool(p, "kl_grade", 1), KNEE_ETYPE, p,
         "fact 'kl_grade' is an integer, not a boolean (it takes a whole number from 0 to 4)");
    says(knee_patient_set_text(p, "diabetes", "maybe"), KNEE_EPARSE, p,
         "fact 'diabetes': 'maybe' is not true or false (it takes yes/no, true/false or 1/0)");
    knee_patient_free(p);
}

/* A long list of allowed values is cut at a whole value and counted; the suggestions are the
 * nearest ones, at most three; a list past the search bound gets none. */
static void test_long_lists_in_messages(void)
{
    static const char head[] =
        "<?xml version=\"1.0\"?><ruleset xmlns=\"urn:libknee:rules:1\" id=\"t\" version=\"1.0.0\" "
        "status=\"draft\" title=\"T\" evidence-as-of=\"2025-01-01\"><sources><source id=\"s\" "
        "title=\"S\" year=\"2020\" url=\"https://example.org/s\"/></sources><facts>";
    static const char tail[] =
        "</facts><criteria><criterion id=\"c\" label=\"C\" direction=\"minimize\" weight=\"1\">"
        "<scale worst=\"1\" best=\"0\"/></criterion></criteria><treatment id=\"a\" name=\"A\">"
        "<value criterion=\"c\" typical=\"0\" source=\"s\"/></treatment></ruleset>";
    char *xml = malloc(300000), *at;
    knee_ruleset *t = NULL;
    knee_patient *p = NULL;
    size_t k;
    CU_ASSERT_PTR_NOT_NULL_FATAL(xml);
    at = xml + sprintf(xml, "%s<fact id=\"code\" type=\"string\">", head);
    for (k = 0; k < 100; k++)
        at += sprintf(at, "<allowed value=\"code-%03zu\"/>", k);
    at += sprintf(at, "</fact><fact id=\"big\" type=\"string\">");
    for (k = 0; k < 5000; k++)
        at += sprintf(at, "<allowed value=\"v%zu\"/>", k);
    at += sprintf(at,
                  "</fact><fact id=\"dose1\" type=\"number\"/><fact id=\"dose2\" type=\"number\"/>"
                  "<fact id=\"dose3\" type=\"number\"/><fact id=\"dose4\" type=\"number\"/>%s",
                  tail);
    {
        knee_diag *d = NULL;
        int rc = knee_ruleset_load_memory(&t, xml, strlen(xml), "t.xml", NULL, &d);
        if (rc != KNEE_OK)
            kt_dump(d);
        knee_diag_free(d);
        CU_ASSERT_EQUAL_FATAL(rc, KNEE_OK);
    }
    CU_ASSERT_EQUAL_FATAL(knee_patient_new(&p, t), KNEE_OK);
    says(knee_patient_set_text(p, "code", "code-1000"), KNEE_ERANGE, p,
         "'code-1000' is not one of its allowed values: did you mean 'code-000'? (it takes");
    says(knee_patient_set_text(p, "code", "code-05"), KNEE_ERANGE, p,
         ": did you mean 'code-005', 'code-015' or 'code-025'? (it takes");
    CU_ASSERT_PTR_NOT_NULL(
        strstr(knee_patient_errmsg(p), "(it takes one of: code-000, code-001, "));
    CU_ASSERT_PTR_NOT_NULL(strstr(knee_patient_errmsg(p), ", ... (100 in all))"));
    says(knee_patient_set_text(p, "big", "v1x"), KNEE_ERANGE, p,
         "fact 'big': 'v1x' is not one of its allowed values (it takes one of: v0, v1, ");
    CU_ASSERT_PTR_NOT_NULL(strstr(knee_patient_errmsg(p), "(5000 in all))"));
    says(knee_patient_set_number(p, "dose", 1), KNEE_EUNKNOWN, p,
         ": did you mean 'dose1', 'dose2' or 'dose3'?");
    says(knee_patient_set_number(p, "dose5", 1), KNEE_EUNKNOWN, p,
         ": did you mean 'dose1', 'dose2' or 'dose3'?");
    knee_patient_free(p);
    knee_ruleset_free(t);
    free(xml);
}

int main(void)
{
    CU_pSuite s;
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    s = CU_add_suite("patient", setup, teardown);
    CU_add_test(s, "typed setters", test_typed_setters);
    CU_add_test(s, "errors leave the patient unchanged", test_errors_leave_patient_unchanged);
    CU_add_test(s, "string length limit", test_string_limit);
    CU_add_test(s, "text forms", test_text_forms);
    CU_add_test(s, "patient file", test_patient_file);
    CU_add_test(s, "patient file: all or nothing", test_patient_file_all_or_nothing);
    CU_add_test(s, "patient file: a fact or weight given twice", test_patient_file_repeats);
    CU_add_test(s, "patient file: a NUL after the root element", test_patient_file_nul);
    CU_add_test(s, "weights whose sum is past the largest double",
                test_weights_past_the_largest_double);
    CU_add_test(s, "errors say how to fix them", test_errors_say_how_to_fix);
    CU_add_test(s, "long lists in messages", test_long_lists_in_messages);
    return kt_run();
}
