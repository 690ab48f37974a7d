/* steps.c - the step table (model.h knee__step, knee__op): each option's rules in
 * evaluation order, laid out once at load from the built rules so that a comparison reads two
 * contiguous arrays front to back instead of searching the rules. */
#include <stdint.h>

#include "util/alloc.h"
#include "rules/model.h"

/* n elements of size in the ruleset's arena; NULL when n is 0 (nothing allocated). */
static void *arena_array(knee_ruleset *rs, size_t n, size_t size)
{
    return n ? knee__arena_alloc(&rs->arena, n * size) : NULL;
}

/* The option a top-level rule's action a acts on, if no earlier action of the rule acts on
 * it too (a rule is listed once per option). KNEE__NONE otherwise. */
static size_t new_target(const knee__rule *ru, size_t a)
{
    size_t t = ru->actions[a].option, k;
    if (t == KNEE__NONE)
        return KNEE__NONE;
    for (k = 0; k < a; k++)
        if (ru->actions[k].option == t)
            return KNEE__NONE;
    return t;
}

static void add_step(knee_ruleset *rs, size_t t, size_t r, size_t *n_ops)
{
    const knee__rule *ru = &rs->rules[r];
    knee__option *tr = &rs->options[t];
    knee__step *st = rs->steps + (tr->steps - rs->steps) + tr->n_steps++; /* writable here */
    size_t a;
    st->cond = ru->cond_index == KNEE__NONE ? KNEE__ALWAYS : (uint32_t)ru->cond_index;
    st->rule = (uint32_t)r;
    st->id = ru->id;
    st->op_off = (uint32_t)*n_ops;
    for (a = 0; a < ru->n_actions; a++)
        if (ru->actions[a].option == t) {
            knee__op *op = &rs->ops[(*n_ops)++];
            op->text = ru->actions[a].text;
            op->source = ru->actions[a].sources.n ? ru->actions[a].sources.v[0] : NULL;
            op->action = &ru->actions[a];
            op->kind = ru->actions[a].kind;
            op->by = ru->actions[a].by;
            op->criterion = (uint32_t)ru->actions[a].criterion;
        }
    st->op_n = (uint32_t)(*n_ops - st->op_off);
}

/* Its own rules, then top-level rules acting on it. One pass counts, two passes fill (owned
 * rules, then top-level ones, each in document order): linear in rules x actions, where a scan
 * of every rule per option was quadratic. */
int knee__ruleset_link_steps(knee_ruleset *rs)
{
    size_t t, r, a, n_steps = 0, n_ops = 0, *count = knee__calloc(rs->n_options + 1, sizeof *count);
    int rc = KNEE_ENOMEM;
    if (!count)
        return KNEE_ENOMEM;
    for (r = 0; r < rs->n_rules; r++) {
        const knee__rule *ru = &rs->rules[r];
        if (ru->owner != KNEE__NONE)
            count[ru->owner]++;
        else
            for (a = 0; a < ru->n_actions; a++)
                if ((t = new_target(ru, a)) != KNEE__NONE && t < rs->n_options)
                    count[t]++;
        n_ops += ru->n_actions; /* an action acts on one option at most */
    }
    if (rs->n_rules > UINT32_MAX - 1 || n_ops > UINT32_MAX || rs->n_criteria > UINT32_MAX)
        goto out; /* far beyond the limits */
    for (t = 0; t < rs->n_options; t++)
        n_steps += count[t];
    rs->steps = arena_array(rs, n_steps, sizeof *rs->steps);
    rs->ops = arena_array(rs, n_ops, sizeof *rs->ops);
    if ((n_steps && !rs->steps) || (n_ops && !rs->ops))
        goto out;
    for (t = 0, n_steps = 0; t < rs->n_options; t++) {
        rs->options[t].steps = count[t] ? rs->steps + n_steps : NULL; /* no NULL + 0 */
        n_steps += count[t];
    }
    n_ops = 0;
    for (r = 0; r < rs->n_rules; r++)
        if (rs->rules[r].owner != KNEE__NONE && rs->rules[r].owner < rs->n_options)
            add_step(rs, rs->rules[r].owner, r, &n_ops);
    for (r = 0; r < rs->n_rules; r++) {
        const knee__rule *ru = &rs->rules[r];
        for (a = 0; ru->owner == KNEE__NONE && a < ru->n_actions; a++)
            if ((t = new_target(ru, a)) != KNEE__NONE && t < rs->n_options)
                add_step(rs, t, r, &n_ops);
    }
    rc = KNEE_OK;
out:
    knee__dealloc(count);
    return rc;
}
