/* fuzz_fhir.c - bytes -> knee_patient_load_fhir (FHIR R4, JSON or XML, Bundle, resource, CDS
 * Hooks request or prefetch) against the default rules and their <fhir> mapping, then compared
 * and rendered. A failed load leaves the patient unchanged and gives no report; a successful
 * one gives a report whose every entry is readable. */
#include "fuzz_common.h"

static knee_ruleset *rules;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    knee_patient *p = NULL;
    knee_result *r = NULL;
    knee_diag *diag = NULL;
    knee_fhir_report *rep = (knee_fhir_report *)1;
    char *before = NULL, *after = NULL;
    size_t i;
    int rc;

    if (!rules) {
        fuzz_forbid_libxml2_output();
        if (knee_ruleset_load_default(&rules, NULL) != KNEE_OK)
            abort();
    }
    if (knee_patient_new(&p, rules) != KNEE_OK || knee_result_new(&r) != KNEE_OK)
        abort();
    if (knee_patient_set_number(p, "kl_grade", 3) != KNEE_OK)
        abort();
    if (knee_compare(rules, p, r) != KNEE_OK || knee_result_to_json(r, &before, NULL) != KNEE_OK)
        abort();

    rc = knee_patient_load_fhir(p, data, size, "fuzz.fhir", "2025-06-30", NULL, &rep, &diag);
    if (rc != KNEE_OK) {
        FUZZ_CHECK(rc < 0 && rc != KNEE_EINVAL);
        FUZZ_CHECK(rep == NULL);
        FUZZ_CHECK(knee_diag_error_count(diag) > 0 || rc == KNEE_ENOMEM);
        if (knee_compare(rules, p, r) != KNEE_OK || knee_result_to_json(r, &after, NULL) != KNEE_OK)
            abort();
        FUZZ_CHECK(strcmp(before, after) == 0);
    } else {
        for (i = 0; i < knee_fhir_report_fact_count(rep); i++) {
            FUZZ_CHECK(knee_fhir_report_fact(rep, i) != NULL);
            FUZZ_CHECK(knee_fhir_report_fact_value(rep, i) != NULL);
            (void)knee_fhir_report_fact_resource_id(rep, i);
            (void)knee_fhir_report_fact_date(rep, i);
        }
        for (i = 0; i < knee_fhir_report_missing_count(rep); i++)
            FUZZ_CHECK(knee_fhir_report_missing_fact(rep, i) != NULL);
        for (i = 0; i < knee_fhir_report_ignored_count(rep); i++)
            (void)knee_fhir_report_ignored_reason(rep, i);
        for (i = 0; i < knee_fhir_report_warning_count(rep); i++)
            FUZZ_CHECK(knee_fhir_report_warning(rep, i) != NULL);
        (void)fuzz_compare_and_render(rules, p, r);
        knee_fhir_report_free(rep);
    }
    knee_free(before);
    knee_free(after);
    knee_diag_free(diag);
    knee_result_free(r);
    knee_patient_free(p);
    return 0;
}
