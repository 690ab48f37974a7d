/* fuzz_rules.c - bytes -> rule file. A load must end in a status, never a crash, hang or leak;
 * a failed load reports at least one error diagnostic and returns no ruleset. On success the
 * ruleset is compared for an empty patient and for a patient derived from its own facts, the
 * results rendered as JSON, and the file's own test cases run. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    knee_ruleset *rs = NULL;
    knee_diag *diag = NULL;
    knee_patient *p = NULL;
    knee_result *r = NULL;
    char *report = NULL;
    size_t i, n_cases = 0, n_failed = 0;
    int rc;

    fuzz_forbid_libxml2_output();
    rc = knee_ruleset_load_memory(&rs, data, size, "fuzz.xml", NULL, &diag);

    if (rc != KNEE_OK) {
        FUZZ_CHECK(rs == NULL);
        FUZZ_CHECK(rc < 0 && rc != KNEE_EINVAL);
        FUZZ_CHECK(knee_diag_error_count(diag) > 0 || rc == KNEE_ENOMEM);
    }
    for (i = 0; i < knee_diag_count(diag); i++) {
        FUZZ_CHECK(knee_diag_code(diag, i) != NULL && knee_diag_message(diag, i) != NULL);
        FUZZ_CHECK(knee_diag_status(diag, i) < 0 ||
                   knee_diag_severity(diag, i) == KNEE_SEVERITY_WARNING);
    }
    knee_diag_free(diag);
    if (rc != KNEE_OK)
        return 0;

    FUZZ_CHECK(strlen(knee_ruleset_sha256(rs)) == 64);
    if (knee_result_new(&r) != KNEE_OK || knee_patient_new(&p, rs) != KNEE_OK)
        abort();
    (void)fuzz_compare_and_render(rs, NULL, r);
    fuzz_fill_patient(rs, p, (unsigned)size);
    (void)fuzz_compare_and_render(rs, p, r);
    if (knee_ruleset_run_tests(rs, &n_cases, &n_failed, &report) == KNEE_OK) {
        FUZZ_CHECK(report != NULL && n_failed <= n_cases);
        FUZZ_CHECK((n_failed == 0) == (report[0] == '\0'));
    }
    knee_free(report);
    knee_patient_free(p);
    knee_result_free(r);
    knee_ruleset_free(rs);
    return 0;
}
