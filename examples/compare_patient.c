/* compare_patient.c - compare the default knee-OA treatment options for one patient.
 * Build against an installed libknee:
 *   cc compare_patient.c $(pkg-config --cflags --libs knee) -o compare_patient
 */
#include <stdio.h>

#include <knee.h>

static int check(int status, const char *what)
{
    if (status != KNEE_OK)
        fprintf(stderr, "%s: %s\n", what, knee_strerror(status));
    return status;
}

int main(void)
{
    knee_ruleset *rs = NULL;
    knee_patient *patient = NULL;
    knee_result *result = NULL;
    size_t i, k;
    int rc = 1;

    if (check(knee_ruleset_load_default(&rs, NULL), "load rules") ||
        check(knee_patient_new(&patient, rs), "new patient") ||
        check(knee_patient_set_number(patient, "age", 72), "age") ||
        check(knee_patient_set_number(patient, "kl_grade", 4), "kl_grade") ||
        check(knee_patient_set_string(patient, "payer", "medicare"), "payer") ||
        check(knee_result_new(&result), "new result"))
        goto out;
    if (knee_compare(rs, patient, result) != KNEE_OK) {
        fprintf(stderr, "compare: %s\n", knee_result_errmsg(result));
        goto out;
    }
    printf("%s %s (sha256 %.12s)\n", knee_ruleset_id(rs), knee_ruleset_version(rs),
           knee_ruleset_sha256(rs));
    for (i = 0; i < knee_result_option_count(result); i++) {
        if (knee_result_option_excluded(result, i)) {
            printf("excluded: %s", knee_result_option_name(result, i));
            for (k = 0; k < knee_result_reason_count(result, i); k++)
                printf(" - %s [%s]", knee_result_reason_text(result, i, k),
                       knee_result_reason_rule(result, i, k));
            printf("\n");
        } else {
            printf("rank %d: %-40s score %.3f\n", knee_result_option_rank(result, i),
                   knee_result_option_name(result, i), knee_result_option_score(result, i));
        }
    }
    rc = 0;
out:
    knee_result_free(result);
    knee_patient_free(patient);
    knee_ruleset_free(rs);
    return rc;
}
