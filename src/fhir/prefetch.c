/* prefetch.c - CDS Hooks prefetch templates derived from the rule file's <fhir> mapping
 * (docs/cds-hooks.md): one FHIR query per kind of data the mapping reads, and only those. The
 * keys are the ones a CDS Hooks service registers at discovery; knee_patient_load_fhir() reads a
 * prefetch object with these keys (a key set to null: the query ran and found nothing). */
#include <string.h>

#include "fhir/fhir.h"
#include "rules/model.h"
#include "util/strbuf.h"

#define PATIENT_TOKEN "{{context.patientId}}"

/* One prefetch key and the resource type it searches; `bit` selects the mapping rules it
 * serves (a mapping kind, or a history resource type). */
typedef struct pkey {
    const char *key, *resource, *extra;
    int kind;
    unsigned bit;
} pkey;

static const pkey keys[] = {
    {"conditions", "Condition", NULL, KNEE__FM_CONDITION, 0},
    /* Most recent first: the mapper takes the latest valid one; no _count, as the latest may
     * be entered-in-error and the next one is then needed. */
    {"observations", "Observation", "&_sort=-date", KNEE__FM_OBSERVATION, 0},
    {"procedures", "Procedure", NULL, KNEE__FM_HISTORY, KNEE__FR_PROCEDURE},
    {"medicationStatements", "MedicationStatement", NULL, KNEE__FM_HISTORY, KNEE__FR_MED_STATEMENT},
    {"medicationRequests", "MedicationRequest", NULL, KNEE__FM_HISTORY, KNEE__FR_MED_REQUEST},
    {"medicationAdministrations", "MedicationAdministration", NULL, KNEE__FM_HISTORY,
     KNEE__FR_MED_ADMIN},
};

static int rule_serves(const knee__fhir_rule *r, const pkey *k)
{
    return r->kind == k->kind && (k->bit == 0 || (r->resources & k->bit));
}

/* A token search value's part (system or code): FHIR search escapes \ , | $ with a backslash,
 * then the URL query encoding percent-encodes all but RFC 3986 unreserved characters and
 * ':' '/' (which a query may hold as they are, and which keep system URLs readable). */
static void add_token_part(knee__strbuf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '\\' || c == ',' || c == '|' || c == '$')
            knee__sb_str(b, "%5C");
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~' || c == ':' || c == '/') {
            knee__sb_add(b, s, 1);
        } else {
            char e[3];
            e[0] = '%';
            e[1] = hex[c >> 4];
            e[2] = hex[c & 15];
            knee__sb_add(b, e, 3);
        }
    }
}

static int same_code(const knee__fhir_code *a, const knee__fhir_code *b)
{
    return strcmp(a->system, b->system) == 0 && strcmp(a->code, b->code) == 0;
}

/* The &code= filter for key k: every exact code of the rules it serves, without repeats. A
 * prefix code cannot be a token search, so one prefix anywhere means no filter at all (all of
 * the patient's resources of that type are asked for and the mapper picks). */
static void add_code_filter(knee__strbuf *b, const knee__fhir_map *m, const pkey *k)
{
    size_t i, j, ri, rj, n = 0;
    for (ri = 0; ri < m->n_rules; ri++)
        for (i = 0; rule_serves(&m->rules[ri], k) && i < m->rules[ri].n_codes; i++)
            if (m->rules[ri].codes[i].prefix)
                return;
    for (ri = 0; ri < m->n_rules; ri++) {
        const knee__fhir_rule *r = &m->rules[ri];
        if (!rule_serves(r, k))
            continue;
        for (i = 0; i < r->n_codes; i++) {
            int seen = 0;
            /* Earlier occurrence of the same system|code in this key's rules? */
            for (rj = 0; rj <= ri && !seen; rj++) {
                const knee__fhir_rule *q = &m->rules[rj];
                if (!rule_serves(q, k))
                    continue;
                for (j = 0; j < (rj == ri ? i : q->n_codes) && !seen; j++)
                    seen = same_code(&q->codes[j], &r->codes[i]);
            }
            if (seen)
                continue;
            knee__sb_str(b, n++ ? "," : "&code=");
            if (r->codes[i].system[0]) {
                add_token_part(b, r->codes[i].system);
                knee__sb_str(b, "|");
            }
            add_token_part(b, r->codes[i].code);
        }
    }
}

int knee_ruleset_fhir_prefetch(const knee_ruleset *rs, char **out, size_t *len)
{
    const knee__fhir_map *m;
    knee__strbuf b;
    size_t i, k, n = 0;
    int patient = 0, coverage = 0;

    if (!out)
        return KNEE_EINVAL;
    *out = NULL;
    if (len)
        *len = 0;
    if (!rs || !rs->fhir)
        return KNEE_EINVAL;
    m = rs->fhir;
    for (i = 0; i < m->n_rules; i++) {
        int where = knee__fhir_kinds[m->rules[i].kind].prefetch; /* the kind is a checked one */
        patient |= where == KNEE__FK_PATIENT;
        coverage |= where == KNEE__FK_COVERAGE;
    }
    knee__sb_init(&b);
    knee__sb_str(&b, "{");
    if (patient) {
        knee__sb_str(&b, "\"patient\":\"Patient/" PATIENT_TOKEN "\"");
        n++;
    }
    for (k = 0; k < sizeof keys / sizeof keys[0]; k++) {
        for (i = 0; i < m->n_rules && !rule_serves(&m->rules[i], &keys[k]); i++)
            ;
        if (i == m->n_rules)
            continue;
        knee__sb_printf(&b, "%s\"%s\":\"%s?patient=" PATIENT_TOKEN, n++ ? "," : "", keys[k].key,
                        keys[k].resource);
        add_code_filter(&b, m, &keys[k]);
        if (keys[k].extra)
            knee__sb_str(&b, keys[k].extra);
        knee__sb_str(&b, "\"");
    }
    if (coverage) {
        knee__sb_printf(&b, "%s\"coverage\":\"Coverage?patient=" PATIENT_TOKEN "\"",
                        n++ ? "," : "");
        /* The mapper also reads a Coverage contained in a claim, and some records (Synthea's)
         * name the payer only there: in an ExplanationOfBenefit (a Synthea Claim names it by
         * text alone, which the mapper does not read). Only the latest few: the mapper takes the
         * latest active Coverage, and a patient may have hundreds of claims; five, not one, so
         * an entered-in-error claim or one dated after the as-of date still leaves others. */
        knee__sb_str(&b, ",\"explanationOfBenefit\":\"ExplanationOfBenefit?patient=" PATIENT_TOKEN
                         "&_sort=-created&_count=5\"");
    }
    knee__sb_str(&b, "}");
    return knee__sb_finish(&b, out, len);
}
