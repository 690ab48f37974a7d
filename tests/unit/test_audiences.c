/* test_audiences.c - texts written twice, for the patient and for the clinician (rules/README.md,
 * "Texts for patients and clinicians"): loading, the C accessors and the JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#define HEAD                                                                                       \
    "<ruleset xmlns='urn:libknee:rules:1' id='t' version='1.0.0' status='draft' title='T' "        \
    "evidence-as-of='2025-01-01'>\n"
#define SOURCES                                                                                    \
    "<sources><source id='s' title='S' year='2020' url='https://e.org'/></sources><facts><fact "   \
    "id='age' type='number'/></facts>\n"

static const char twice[] = HEAD
    "<description><patient>Ways to treat a sore knee.</patient><clinician>Knee OA options "
    "[s].</clinician></description>\n" SOURCES
    "<criteria><criterion id='cost' label='Cost' direction='minimize' weight='1'>"
    "<description><patient>What you pay.</patient><clinician>Out-of-pocket cost, "
    "USD.</clinician></description>"
    "<scale worst='1000' best='0'/></criterion></criteria>\n"
    "<treatment id='a' name='A'><description>Only one text.</description>\n"
    "<value criterion='cost' typical='100' source='s' note='Cash price, 65 centres "
    "[s].'><patient>About $100.</patient></value>\n"
    "<rule id='a-old' when='age &gt;= 80' source='s'><exclude><patient>Not for "
    "you.</patient><clinician>Contraindicated over 80 [s].</clinician></exclude></rule>\n"
    "<rule id='a-mid' when='age &gt;= 60' source='s'><caution text='Check renal function "
    "[s].'><patient>Ask about your kidneys.</patient></caution></rule>\n"
    "<rule id='a-set' when='age &gt;= 70' source='s'><set criterion='cost' typical='200'/></rule>\n"
    "</treatment>\n"
    "<treatment id='b' name='B'>\n"
    "<value criterion='cost' typical='300' source='s'><clinician>List price "
    "[s].</clinician></value>\n"
    "<rule id='b-mid' when='age &gt;= 60' source='s'><caution text='One text for both.'/><adjust "
    "criterion='cost' by='10'/></rule>\n"
    "</treatment></ruleset>\n";

static knee_result *compare_age(const knee_ruleset *rs, double age)
{
    knee_patient *p = NULL;
    knee_result *r = NULL;
    CU_ASSERT_EQUAL_FATAL(knee_patient_new(&p, rs), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_number(p, "age", age), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_result_new(&r), KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare(rs, p, r), KNEE_OK);
    knee_patient_free(p);
    return r;
}

static void test_descriptions(void)
{
    knee_ruleset *rs = NULL;
    knee_diag *d = NULL;
    if (knee_ruleset_load_memory(&rs, twice, strlen(twice), "twice.xml", NULL, &d) != KNEE_OK)
        kt_dump(d);
    knee_diag_free(d);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rs);
    CU_ASSERT_STRING_EQUAL(knee_ruleset_description(rs, KNEE_AUDIENCE_PATIENT),
                           "Ways to treat a sore knee.");
    CU_ASSERT_STRING_EQUAL(knee_ruleset_description(rs, KNEE_AUDIENCE_CLINICIAN),
                           "Knee OA options [s].");
    CU_ASSERT_STRING_EQUAL(knee_ruleset_criterion_description(rs, 0, KNEE_AUDIENCE_PATIENT),
                           "What you pay.");
    CU_ASSERT_STRING_EQUAL(knee_ruleset_criterion_description(rs, 0, KNEE_AUDIENCE_CLINICIAN),
                           "Out-of-pocket cost, USD.");
    /* one text serves both */
    CU_ASSERT_STRING_EQUAL(knee_ruleset_option_description(rs, 0, KNEE_AUDIENCE_PATIENT),
                           "Only one text.");
    CU_ASSERT_STRING_EQUAL(knee_ruleset_option_description(rs, 0, KNEE_AUDIENCE_CLINICIAN),
                           "Only one text.");
    /* none given, bad index, bad audience */
    CU_ASSERT_PTR_NULL(knee_ruleset_option_description(rs, 1, KNEE_AUDIENCE_PATIENT));
    CU_ASSERT_PTR_NULL(knee_ruleset_option_description(rs, 2, KNEE_AUDIENCE_PATIENT));
    CU_ASSERT_PTR_NULL(knee_ruleset_criterion_description(rs, 0, 2));
    CU_ASSERT_PTR_NULL(knee_ruleset_description(rs, -1));
    CU_ASSERT_PTR_NULL(knee_ruleset_description(NULL, KNEE_AUDIENCE_PATIENT));
    knee_ruleset_free(rs);
}

static void test_reasons_cautions_notes(void)
{
    knee_ruleset *rs = NULL;
    knee_result *r;
    size_t a, b;
    char *json = NULL;
    CU_ASSERT_EQUAL_FATAL(
        knee_ruleset_load_memory(&rs, twice, strlen(twice), "twice.xml", NULL, NULL), KNEE_OK);
    r = compare_age(rs, 85);
    a = kt_option(r, "a");
    b = kt_option(r, "b");
    CU_ASSERT_STRING_EQUAL(knee_result_reason_patient_text(r, a, 0), "Not for you.");
    CU_ASSERT_STRING_EQUAL(knee_result_reason_clinician_text(r, a, 0),
                           "Contraindicated over 80 [s].");
    CU_ASSERT_STRING_EQUAL(knee_result_reason_text(r, a, 0), "Contraindicated over 80 [s].");
    CU_ASSERT_PTR_NULL(knee_result_reason_patient_text(r, a, 1));
    /* text= with a <patient> element: the attribute is the clinician's */
    CU_ASSERT_STRING_EQUAL(knee_result_caution_patient_text(r, a, 0), "Ask about your kidneys.");
    CU_ASSERT_STRING_EQUAL(knee_result_caution_clinician_text(r, a, 0),
                           "Check renal function [s].");
    CU_ASSERT_STRING_EQUAL(knee_result_caution_patient_text(r, b, 0), "One text for both.");
    CU_ASSERT_STRING_EQUAL(knee_result_caution_clinician_text(r, b, 0), "One text for both.");
    /* a <set> replaces the value and drops its note; an <adjust> keeps it; <clinician> alone
       serves both */
    CU_ASSERT_PTR_NULL(knee_result_value_note(r, a, 0, KNEE_AUDIENCE_PATIENT));
    CU_ASSERT_STRING_EQUAL(knee_result_value_note(r, b, 0, KNEE_AUDIENCE_PATIENT),
                           "List price [s].");
    CU_ASSERT_STRING_EQUAL(knee_result_value_note(r, b, 0, KNEE_AUDIENCE_CLINICIAN),
                           "List price [s].");
    CU_ASSERT_EQUAL(knee_result_to_json(r, &json, NULL), KNEE_OK);
    CU_ASSERT_PTR_NOT_NULL(
        strstr(json, "\"reasons\":[{\"text\":\"Contraindicated over 80 [s].\",\"rule\":\"a-old\","
                     "\"source\":\"s\",\"patient\":\"Not for you.\","
                     "\"clinician\":\"Contraindicated over 80 [s].\"}]"));
    CU_ASSERT_PTR_NOT_NULL(strstr(
        json,
        "\"patient\":\"Ask about your kidneys.\",\"clinician\":\"Check renal function [s].\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(
        json, "\"note\":{\"patient\":\"List price [s].\",\"clinician\":\"List price [s].\"}"));
    CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"note\":null"));
    knee_free(json);
    knee_result_free(r);
    /* under 70 no rule sets a's cost: the declared note, for each audience */
    r = compare_age(rs, 50);
    a = kt_option(r, "a");
    CU_ASSERT_STRING_EQUAL(knee_result_value_note(r, a, 0, KNEE_AUDIENCE_PATIENT), "About $100.");
    CU_ASSERT_STRING_EQUAL(knee_result_value_note(r, a, 0, KNEE_AUDIENCE_CLINICIAN),
                           "Cash price, 65 centres [s].");
    CU_ASSERT_PTR_NULL(knee_result_value_note(r, a, 0, 7));
    CU_ASSERT_PTR_NULL(knee_result_value_note(r, a, 1, KNEE_AUDIENCE_PATIENT));
    CU_ASSERT_PTR_NULL(knee_result_value_note(NULL, 0, 0, KNEE_AUDIENCE_PATIENT));
    knee_result_free(r);
    knee_ruleset_free(rs);
}

/* Loads `body` (the options) and expects a failure with diagnostic `code` on `line`. */
static void rejects(const char *body, const char *code, unsigned line)
{
    char *xml = malloc(strlen(body) + 1024);
    knee_ruleset *rs = NULL;
    knee_diag *d = NULL;
    sprintf(xml,
            HEAD SOURCES
            "<criteria><criterion id='cost' label='Cost' direction='minimize' weight='1'><scale "
            "worst='1000' best='0'/></criterion></criteria>\n%s</ruleset>",
            body);
    CU_ASSERT_NOT_EQUAL(knee_ruleset_load_memory(&rs, xml, strlen(xml), "bad.xml", NULL, &d),
                        KNEE_OK);
    CU_ASSERT_PTR_NULL(rs);
    if (!kt_has_diag(d, code, line, 0)) {
        CU_FAIL("expected diagnostic missing");
        kt_dump(d);
    }
    knee_diag_free(d);
    free(xml);
}

static void test_rejected(void)
{
    char *long_text = malloc(4100 + 256);
    /* given once and also twice: the single text would be shown to no one */
    rejects("<treatment id='a' name='A'><value criterion='cost' typical='1' source='s' note='x'>"
            "<patient>p</patient><clinician>c</clinician></value></treatment>",
            "text-audience", 4);
    rejects("<treatment id='a' "
            "name='A'><description>once<patient>p</patient><clinician>c</clinician></description>"
            "<value criterion='cost' typical='1' source='s'/></treatment>",
            "text-audience", 4);
    /* an action with no text at all */
    rejects("<treatment id='a' name='A'><value criterion='cost' typical='1' source='s'/>\n"
            "<rule id='r' source='s'><exclude/></rule></treatment>",
            "text-missing", 5);
    rejects("<treatment id='a' name='A'><value criterion='cost' typical='1' source='s'/>\n"
            "<rule id='r' source='s'><caution/></rule></treatment>",
            "text-missing", 5);
    /* <patient> after <clinician>, or twice: the schema's order */
    rejects("<treatment id='a' name='A'><value criterion='cost' typical='1' source='s'>"
            "<clinician>c</clinician><patient>p</patient></value></treatment>",
            "schema-element", 4);
    /* a description's own text is held to the 4000 characters of every other text */
    strcpy(long_text, "<treatment id='a' name='A'><description>");
    memset(long_text + strlen(long_text), 'x', 4001);
    strcpy(long_text + strlen("<treatment id='a' name='A'><description>") + 4001,
           "</description><value criterion='cost' typical='1' source='s'/></treatment>");
    rejects(long_text, "text-length", 4);
    free(long_text);
}

int main(void)
{
    CU_pSuite s;
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 1;
    s = CU_add_suite("audiences", NULL, NULL);
    CU_add_test(s, "descriptions for each audience", test_descriptions);
    CU_add_test(s, "reasons, cautions and notes", test_reasons_cautions_notes);
    CU_add_test(s, "problems are reported", test_rejected);
    return kt_run();
}
