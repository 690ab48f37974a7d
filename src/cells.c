/* cells.c - copy-on-write cells: the result stores a cell only for a value a fired rule changed;
 * every other value, its utility and whether it counts come from the immutable ruleset (scored
 * once at load), and its weight and contribution follow from the option's counted weight. A
 * comparison over 1,000 options x 10 criteria so writes a few cells, not 10,000 (result.h). The
 * figures derived here are computed with the same operations as evaluate.c's score, so they are
 * the same doubles. */
#include "cells.h"
#include "utility.h"

const knee__cell *knee__cell_changed(const knee_result *r, size_t t, size_t j)
{
    const knee__opt *o = &r->opts[t];
    size_t k;
    for (k = 0; k < o->cell_n; k++)   /* a handful at most: the rules that fired on it */
        if (r->cells[o->cell_off + k].criterion == j)
            return &r->cells[o->cell_off + k];
    return NULL;
}

const knee__value *knee__cell_value(const knee_result *r, size_t t, size_t j)
{
    const knee__cell *c = knee__cell_changed(r, t, j);
    return c ? &c->v : &r->rs->treatments[r->opts[t].treatment].values[j];
}

double knee__cell_utility(const knee_result *r, size_t t, size_t j)
{
    const knee__cell *c = knee__cell_changed(r, t, j);
    return c ? c->utility : r->rs->treatments[r->opts[t].treatment].utility[j];
}

int knee__cell_counted(const knee_result *r, size_t t, size_t j)
{
    const knee__cell *c = knee__cell_changed(r, t, j);
    return c ? knee__counted(&r->rs->criteria[j], &c->v)
             : r->rs->treatments[r->opts[t].treatment].counted[j];
}

double knee__cell_weight(const knee_result *r, size_t t, size_t j)
{
    double total = r->opts[t].counted_weight;
    return total > 0 && knee__cell_counted(r, t, j) ? r->weights[j] / total : 0;
}

double knee__cell_contribution(const knee_result *r, size_t t, size_t j)
{
    return r->opts[t].excluded ? 0 : knee__cell_weight(r, t, j) * knee__cell_utility(r, t, j);
}
