/* fuzz_common.h - helpers shared by the fuzz harnesses (tests/fuzz/README.md).
 * Every harness frees everything it made: libFuzzer's leak check and valgrind see a leak as a
 * finding. A harness never prints; a bug shows as a sanitizer report or an abort(). */
#ifndef KNEE_FUZZ_COMMON_H
#define KNEE_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlerror.h>

#include "knee.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An invariant the library promises was broken: make it a finding. */
#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

/* libxml2 reports errors it cannot tie to a parser context through its global handlers, which
 * print to stderr. The library never sets them (they belong to the host) and must never let
 * libxml2 reach them: this harness, as the host, makes any such call a finding. */
static inline void fuzz_printed(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
    abort();
}

static inline void fuzz_printed_structured(void *ctx, xmlErrorPtr err)
{
    (void)ctx;
    (void)err;
    abort();
}

static inline void fuzz_forbid_libxml2_output(void)
{
    xmlSetGenericErrorFunc(NULL, fuzz_printed);
    xmlSetStructuredErrorFunc(NULL, fuzz_printed_structured);
}

/* Compare, then read everything the result offers and render it as JSON. Returns the status of
 * knee_compare(). A failed comparison must leave the result empty; a successful one must give
 * JSON whose length matches. */
static inline int fuzz_compare_and_render(const knee_ruleset *rs, const knee_patient *p,
                                          knee_result *r)
{
    char *json = NULL;
    size_t len = 0, i, j, k, n;
    int rc = knee_compare(rs, p, r);
    if (rc != KNEE_OK) {
        FUZZ_CHECK(knee_result_option_count(r) == 0);
        FUZZ_CHECK(knee_result_errmsg(r) != NULL);
        return rc;
    }
    n = knee_result_option_count(r);
    for (i = 0; i < n; i++) {
        double s = knee_result_option_score(r, i);
        FUZZ_CHECK(knee_result_option_id(r, i) != NULL);
        FUZZ_CHECK(s >= 0.0 && s <= 1.0 + 1e-9);
        for (k = 0; k < knee_result_reason_count(r, i); k++)
            FUZZ_CHECK(knee_result_reason_text(r, i, k) != NULL);
        for (k = 0; k < knee_result_unknown_count(r, i); k++)
            (void)knee_result_unknown_fact_count(r, i, k);
        for (j = 0; j < knee_result_criterion_count(r); j++) {
            (void)knee_result_utility(r, i, j);
            (void)knee_result_value_level(r, i, j);
            for (k = 0; k < knee_result_value_source_count(r, i, j); k++)
                FUZZ_CHECK(knee_result_value_source(r, i, j, k) != NULL);
        }
    }
    rc = knee_result_to_json(r, &json, &len);
    if (rc == KNEE_OK) {
        FUZZ_CHECK(json != NULL && strlen(json) == len);
        knee_free(json);
    }
    /* The decision-aid report escapes every text it takes from the rule file and the patient. */
    json = NULL;
    if (rc == KNEE_OK && knee_result_to_html(r, p, NULL, &json, &len) == KNEE_OK) {
        FUZZ_CHECK(json != NULL && strlen(json) == len);
        FUZZ_CHECK(strstr(json, "<script") == NULL);
        knee_free(json);
    }
    return rc;
}

/* Give each declared fact a value derived from seed (some facts stay unknown). */
static inline void fuzz_fill_patient(const knee_ruleset *rs, knee_patient *p, unsigned seed)
{
    static const char *const strings[] = {"medicare", "MCR-B", "commercial-aetna",
                                          "self-pay", "uk",    "us",
                                          "female",   "",      "\xc3\xa9t\xc3\xa9"};
    size_t i, nf = knee_ruleset_fact_count(rs);
    for (i = 0; i < nf; i++) {
        const char *id = knee_ruleset_fact_id(rs, i);
        unsigned v = seed * 2654435761u + (unsigned)i * 40503u;
        double lo = 0, hi = 100;
        if (v % 5 == 0)
            continue;
        switch (knee_ruleset_fact_type(rs, i)) {
        case KNEE_FACT_NUMBER:
            knee_ruleset_fact_min(rs, i, &lo);
            knee_ruleset_fact_max(rs, i, &hi);
            (void)knee_patient_set_number(p, id, lo + (double)((v >> 3) % 8) / 7.0 * (hi - lo));
            break;
        case KNEE_FACT_INTEGER:
            knee_ruleset_fact_min(rs, i, &lo);
            (void)knee_patient_set_number(p, id, lo + (double)((v >> 3) % 5));
            break;
        case KNEE_FACT_BOOLEAN:
            (void)knee_patient_set_bool(p, id, (int)((v >> 4) & 1));
            break;
        case KNEE_FACT_STRING:
            if (knee_ruleset_fact_value_count(rs, i))
                (void)knee_patient_set_string(
                    p, id,
                    knee_ruleset_fact_value(rs, i,
                                            (v >> 5) % knee_ruleset_fact_value_count(rs, i)));
            else
                (void)knee_patient_set_string(p, id, strings[(v >> 5) % 9]);
            break;
        case KNEE_FACT_SET:
            if (knee_ruleset_fact_value_count(rs, i))
                (void)knee_patient_add_to_set(
                    p, id,
                    knee_ruleset_fact_value(rs, i,
                                            (v >> 6) % knee_ruleset_fact_value_count(rs, i)));
            else
                (void)knee_patient_add_to_set(p, id, strings[(v >> 6) % 9]);
            break;
        default:
            abort();
        }
    }
}

#endif
