/* ruleset_conds.c - rules with the same condition text share one compiled condition, so each
 * distinct condition is evaluated once per patient. Real rule files repeat conditions (every
 * payer rule tests the same pattern); a large file can have thousands of rules and a few
 * hundred distinct conditions. */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "model.h"

/* qsort_r comparator: the ruleset comes as context, so there is no global. */
static int by_text_r(const void *a, const void *b, void *ctx)
{
    const knee_ruleset *rs = ctx;
    const knee__rule *x = &rs->rules[*(const size_t *)a], *y = &rs->rules[*(const size_t *)b];
    int c = strcmp(x->when, y->when);
    if (c)
        return c;
    return *(const size_t *)a < *(const size_t *)b ? -1 : 1;   /* document order within a group */
}

int knee__ruleset_share_conditions(knee_ruleset *rs)
{
    size_t *idx, n = 0, i, distinct = 0;
    for (i = 0; i < rs->n_rules; i++) {
        rs->rules[i].cond_index = KNEE__NONE;
        n += rs->rules[i].cond != NULL;
    }
    if (n == 0)
        return KNEE_OK;
    idx = knee__malloc(n * sizeof *idx);
    if (!idx)
        return KNEE_ENOMEM;
    for (i = 0, n = 0; i < rs->n_rules; i++)
        if (rs->rules[i].cond)
            idx[n++] = i;
    qsort_r(idx, n, sizeof *idx, by_text_r, rs);
    for (i = 0; i < n; i++)
        distinct += i == 0 || strcmp(rs->rules[idx[i]].when, rs->rules[idx[i - 1]].when) != 0;
    rs->conds = knee__arena_alloc(&rs->arena, distinct * sizeof *rs->conds);
    if (!rs->conds) {
        knee__dealloc(idx);
        return KNEE_ENOMEM;
    }
    /* nothing can fail from here on: the ruleset is never left half-shared */
    for (i = 0; i < n; i++) {
        knee__rule *r = &rs->rules[idx[i]];
        if (i == 0 || strcmp(r->when, rs->rules[idx[i - 1]].when) != 0) {
            rs->conds[rs->n_conds++] = r->cond;
        } else {
            knee__expr_free(r->cond);
            r->cond = rs->conds[rs->n_conds - 1];
        }
        r->cond_index = rs->n_conds - 1;
    }
    knee__dealloc(idx);
    return KNEE_OK;
}
