/* fuzz_rules.c - bytes -> rule file. A load must end in a status, never a crash, hang or leak;
 * a failed load reports at least one error diagnostic and returns no ruleset; every diagnostic
 * is one line. On success the ruleset is compared for an empty patient and for a patient derived
 * from its own facts, the results rendered as JSON, the file's own test cases run, and the
 * author's lint (bounded by its budget) gives only warnings. */
#include "fuzz_common.h"

/* Every diagnostic is one printable line (issue 13): no control character of any kind. */
static void check_one_line(const knee_diag *d)
{
    size_t i;
    const unsigned char *m;
    for (i = 0; i < knee_diag_count(d); i++) {
        FUZZ_CHECK(knee_diag_code(d, i) != NULL && knee_diag_message(d, i) != NULL);
        for (m = (const unsigned char *)knee_diag_message(d, i); *m; m++)
            FUZZ_CHECK(*m >= 0x20 && *m != 0x7F);
        for (m = (const unsigned char *)knee_diag_file(d, i); *m; m++)
            FUZZ_CHECK(*m >= 0x20 && *m != 0x7F);
    }
}

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
    check_one_line(diag);
    for (i = 0; i < knee_diag_count(diag); i++)
        FUZZ_CHECK(knee_diag_status(diag, i) < 0 ||
                   knee_diag_severity(diag, i) == KNEE_SEVERITY_WARNING);
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
    diag = NULL;
    rc = knee_ruleset_lint(rs, &diag);
    FUZZ_CHECK(rc == KNEE_OK || rc == KNEE_ENOMEM);
    check_one_line(diag);
    for (i = 0; i < knee_diag_count(diag); i++)
        FUZZ_CHECK(knee_diag_severity(diag, i) == KNEE_SEVERITY_WARNING);
    knee_diag_free(diag);
    knee_patient_free(p);
    knee_result_free(r);
    knee_ruleset_free(rs);
    return 0;
}
