/* fuzz_evaluate.c - a fuzzed rule file evaluated against fuzzed facts. The input is split at the
 * first "\n%%\n": before it, a rule file; after it, one "fact=text" or "@criterion=weight" per
 * line, applied with knee_patient_set_text() / knee_patient_set_weight() (rejected lines are
 * skipped). The comparison runs twice on one result: the JSON must be identical (a reused result
 * gives the same answer). */
#include "fuzz_common.h"

#include <math.h>
#include <stdio.h>

#define SEP "\n%%\n"

static void apply_facts(const knee_ruleset *rs, knee_patient *p, const char *s, size_t len)
{
    char line[512];
    while (len) {
        const char *nl = memchr(s, '\n', len);
        size_t n = nl ? (size_t)(nl - s) : len;
        char *eq;
        if (n < sizeof line) {
            memcpy(line, s, n);
            line[n] = '\0';
            eq = strchr(line, '=');
            if (eq) {
                *eq = '\0';
                if (line[0] == '@') {
                    char *end;
                    double w = strtod(eq + 1, &end);
                    (void)knee_patient_set_weight(p, line + 1, w);
                } else if (strcmp(eq + 1, "?") == 0) {
                    (void)knee_patient_unset(p, line);
                } else {
                    (void)knee_patient_set_text(p, line, eq + 1);
                }
            }
        }
        s += n;
        len -= n;
        if (len) {
            s++;
            len--;
        }
    }
    (void)rs;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *sep = NULL;
    size_t rules_len = size, i;
    knee_ruleset *rs = NULL;
    knee_patient *p = NULL;
    knee_result *r = NULL;
    char *json1 = NULL, *json2 = NULL;
    int rc1, rc2;

    fuzz_forbid_libxml2_output();
    for (i = 0; i + 4 <= size; i++)
        if (memcmp(data + i, SEP, 4) == 0) {
            sep = (const char *)data + i;
            rules_len = i;
            break;
        }
    if (knee_ruleset_load_memory(&rs, data, rules_len, "fuzz.xml", NULL, NULL) != KNEE_OK)
        return 0;
    if (knee_patient_new(&p, rs) != KNEE_OK || knee_result_new(&r) != KNEE_OK)
        abort();
    if (sep)
        apply_facts(rs, p, sep + 4, size - rules_len - 4);
    else
        fuzz_fill_patient(rs, p, (unsigned)size);
    rc1 = fuzz_compare_and_render(rs, p, r);
    if (rc1 == KNEE_OK && knee_result_to_json(r, &json1, NULL) != KNEE_OK)
        abort();
    rc2 = knee_compare(rs, p, r);
    FUZZ_CHECK(rc1 == rc2);
    if (rc2 == KNEE_OK) {
        if (knee_result_to_json(r, &json2, NULL) != KNEE_OK)
            abort();
        FUZZ_CHECK(strcmp(json1, json2) == 0);
    }
    knee_free(json1);
    knee_free(json2);
    knee_result_free(r);
    knee_patient_free(p);
    knee_ruleset_free(rs);
    return 0;
}
