/* result_regions.c - which regional rules applied (rules/README.md, "Regions"): the patient's
 * value of each region fact, recorded at comparison, and the rules whose condition reads that
 * fact and was true, found from the conditions' truth when asked (nothing per comparison). */
#include "util/alloc.h"
#include "engine/result.h"
#include "util/strbuf.h"

int knee__note_regions(knee_result *r, const knee__factval *facts)
{
    const knee_ruleset *rs = r->rs;
    size_t k;
    if (KNEE__RESERVE(r, region_values, rs->n_region_facts) != KNEE_OK)
        return KNEE_ENOMEM;
    for (k = 0; k < rs->n_region_facts; k++) {
        const knee__factval *v = &facts[rs->region_facts[k]];
        knee__region_set set;
        const char *name = NULL;
        if (v->known && v->str)
            knee__region_resolve(&rs->regions, v->str, v->str_len, &set, &name);
        r->region_values[k] = name; /* canonical: a static code, or the group's id */
    }
    r->region_values_n = rs->n_region_facts;
    return KNEE_OK;
}

size_t knee_result_region_count(const knee_result *r)
{
    return r && r->rs ? r->rs->n_region_facts : 0;
}

const char *knee_result_region_fact(const knee_result *r, size_t k)
{
    return k < knee_result_region_count(r) ? r->rs->facts[r->rs->region_facts[k]].id : NULL;
}

const char *knee_result_region_value(const knee_result *r, size_t k)
{
    return k < knee_result_region_count(r) ? r->region_values[k] : NULL;
}

/* Does rule ru read fact f in a condition that was true for this patient? */
static int applied(const knee_result *r, const knee__rule *ru, size_t f)
{
    size_t i;
    if (ru->cond_index == KNEE__NONE || r->cond_truth[ru->cond_index] != KNEE__TRUE)
        return 0;
    for (i = 0; i < knee__expr_fact_count(ru->cond); i++)
        if ((size_t)knee__expr_fact(ru->cond, i) == f)
            return 1;
    return 0;
}

const char *knee__regional_rule_next(const knee_result *r, size_t k, size_t *i)
{
    const knee_ruleset *rs;
    if (k >= knee_result_region_count(r))
        return NULL;
    rs = r->rs;
    for (; *i < rs->n_rules; ++*i)
        if (applied(r, &rs->rules[*i], rs->region_facts[k]))
            return rs->rules[*i].id;
    return NULL;
}

size_t knee_result_regional_rule_count(const knee_result *r, size_t k)
{
    size_t i, n = 0;
    for (i = 0; knee__regional_rule_next(r, k, &i); i++)
        n++;
    return n;
}

const char *knee_result_regional_rule(const knee_result *r, size_t k, size_t m)
{
    size_t i;
    const char *id = NULL;
    for (i = 0; (id = knee__regional_rule_next(r, k, &i)) != NULL && m > 0; i++)
        m--;
    return id;
}

void knee__regions_json(knee__strbuf *b, const knee_result *r)
{
    size_t k, i, m, n = knee_result_region_count(r);
    knee__sb_str(b, ",\n \"regional_rules\":[");
    for (k = 0; k < n; k++) {
        const char *id;
        knee__sb_str(b, k ? ",{\"fact\":" : "{\"fact\":");
        knee__sb_json_str(b, knee_result_region_fact(r, k));
        knee__sb_str(b, ",\"value\":");
        knee__sb_json_str(b, knee_result_region_value(r, k));
        knee__sb_str(b, ",\"rules\":[");
        for (i = m = 0; (id = knee__regional_rule_next(r, k, &i)) != NULL; i++, m++) {
            if (m)
                knee__sb_str(b, ",");
            knee__sb_json_str(b, id);
        }
        knee__sb_str(b, "]}");
    }
    knee__sb_str(b, "]");
}
