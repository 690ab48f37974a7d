/* fuzz_patient.c - bytes -> patient file, loaded against the default rules, then compared.
 * A failed load leaves the patient as it was (checked by comparing JSON before and after). */
#include "fuzz_common.h"

static knee_ruleset *rules;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    knee_patient *p = NULL;
    knee_result *r = NULL;
    knee_diag *diag = NULL;
    char *before = NULL, *after = NULL;
    int rc;

    if (!rules) {
        fuzz_forbid_libxml2_output();
        if (knee_ruleset_load_default(&rules, NULL) != KNEE_OK)
            abort();
    }
    if (knee_patient_new(&p, rules) != KNEE_OK || knee_result_new(&r) != KNEE_OK)
        abort();
    /* A known starting state, so "unchanged on failure" can be checked. */
    if (knee_patient_set_number(p, "age", 61) != KNEE_OK ||
        knee_patient_set_string(p, "payer", "medicare") != KNEE_OK)
        abort();
    if (knee_compare(rules, p, r) != KNEE_OK || knee_result_to_json(r, &before, NULL) != KNEE_OK)
        abort();

    rc = knee_patient_load_memory(p, data, size, "patient.xml", NULL, &diag);
    if (rc != KNEE_OK) {
        FUZZ_CHECK(rc < 0 && rc != KNEE_EINVAL);
        FUZZ_CHECK(knee_diag_error_count(diag) > 0 || rc == KNEE_ENOMEM);
        if (knee_compare(rules, p, r) != KNEE_OK || knee_result_to_json(r, &after, NULL) != KNEE_OK)
            abort();
        FUZZ_CHECK(strcmp(before, after) == 0);
    } else {
        (void)fuzz_compare_and_render(rules, p, r);
    }
    knee_free(before);
    knee_free(after);
    knee_diag_free(diag);
    knee_result_free(r);
    knee_patient_free(p);
    return 0;
}
