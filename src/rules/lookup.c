/* lookup.c - finding a ruleset's records by id: a bisection of each section's ids, sorted once
 * at load (knee__id_index, built by build.c), for the library and for callers (knee.h). */
#include <string.h>

#include "rules/model.h"

/* strcmp of s with the len bytes at id (not NUL-terminated) */
static int cmp_id(const char *s, const char *id, size_t len)
{
    int c = strncmp(s, id, len);
    return c ? c : s[len] != '\0';
}

/* The record of the first entry of x whose id is the len bytes at id, or KNEE__NONE. */
static size_t index_find(const knee__id_index *x, const char *id, size_t len)
{
    size_t lo = 0, hi = x->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cmp_id(x->v[mid].id, id, len) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < x->n && cmp_id(x->v[lo].id, id, len) == 0 ? x->v[lo].at : KNEE__NONE;
}

size_t knee__find_fact(const knee_ruleset *rs, const char *id)
{
    return index_find(&rs->fact_index, id, strlen(id));
}

size_t knee__find_fact_n(const knee_ruleset *rs, const char *name, size_t len)
{
    return index_find(&rs->fact_index, name, len);
}

size_t knee__find_criterion(const knee_ruleset *rs, const char *id)
{
    return index_find(&rs->criterion_index, id, strlen(id));
}

size_t knee__find_option(const knee_ruleset *rs, const char *id)
{
    return index_find(&rs->option_index, id, strlen(id));
}

size_t knee__find_level(const knee__criterion *c, const char *id)
{
    return index_find(&c->level_index, id, strlen(id));
}

size_t knee__find_allowed(const knee__fact *f, const char *s, size_t len)
{
    return index_find(&f->allowed_index, s, len);
}

size_t knee__find_source(const knee_ruleset *rs, const char *id, size_t len)
{
    return index_find(&rs->source_index, id, len);
}

size_t knee__find_rule(const knee_ruleset *rs, const char *id)
{
    return index_find(&rs->rule_index, id, strlen(id));
}

/* ---- the public lookups ------------------------------------------------------------------- */

size_t knee_ruleset_fact_index(const knee_ruleset *rs, const char *id)
{
    return rs && id ? knee__find_fact(rs, id) : KNEE__NONE;
}

size_t knee_ruleset_option_index(const knee_ruleset *rs, const char *id)
{
    return rs && id ? knee__find_option(rs, id) : KNEE__NONE;
}

size_t knee_ruleset_criterion_index(const knee_ruleset *rs, const char *id)
{
    return rs && id ? knee__find_criterion(rs, id) : KNEE__NONE;
}
