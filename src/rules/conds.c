/* conds.c - rules with the same condition text share one compiled condition, so each
 * distinct condition is compiled once at load and evaluated once per patient. Real rule files
 * repeat conditions (every payer rule tests the same pattern); a large file can have thousands
 * of rules, a few hundred distinct conditions and one regex. While the rules are built, a hash
 * table keyed by the `when` text finds a condition already compiled. */
#include <string.h>

#include "util/alloc.h"
#include "rules/model.h"

int knee__conds_begin(knee__cond_table *t, knee_ruleset *rs, size_t n_rules)
{
    size_t cap = 16;
    memset(t, 0, sizeof *t);
    rs->n_conds = 0;
    if (n_rules == 0)
        return KNEE_OK;
    while (cap < 2 * n_rules) /* at most half full: short probes */
        cap *= 2;
    rs->conds = knee__arena_alloc(&rs->arena, n_rules * sizeof *rs->conds);
    t->slot = knee__calloc(cap, sizeof *t->slot);
    t->text = knee__malloc(n_rules * sizeof *t->text);
    if (!rs->conds || !t->slot || !t->text) {
        knee__conds_end(t);
        return KNEE_ENOMEM;
    }
    t->mask = cap - 1;
    return KNEE_OK;
}

static size_t hash(const char *s)
{
    size_t h = 2166136261u; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* The slot holding text, or the empty slot where it would go. */
static size_t probe(const knee__cond_table *t, const char *text)
{
    size_t i = hash(text) & t->mask;
    while (t->slot[i] && strcmp(t->text[t->slot[i] - 1], text) != 0)
        i = (i + 1) & t->mask;
    return i;
}

size_t knee__conds_find(const knee__cond_table *t, const char *text)
{
    size_t i;
    if (!t->slot)
        return KNEE__NONE;
    i = probe(t, text);
    return t->slot[i] ? t->slot[i] - 1 : KNEE__NONE;
}

size_t knee__conds_add(knee__cond_table *t, knee_ruleset *rs, const char *text, knee__expr *cond)
{
    size_t i = probe(t, text), k = rs->n_conds++;
    rs->conds[k] = cond; /* owned by the ruleset from here on */
    t->text[k] = text;
    t->slot[i] = k + 1;
    return k;
}

void knee__conds_end(knee__cond_table *t)
{
    knee__dealloc(t->slot);
    knee__dealloc(t->text);
    memset(t, 0, sizeof *t);
}
