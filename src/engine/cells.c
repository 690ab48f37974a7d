/* cells.c - copy-on-write cells: the result stores a cell only for a value a fired rule changed;
 * every other value, its utility, range and whether it counts come from the immutable ruleset
 * (scored once at load under the file's missing policies), and its weight and contribution
 * follow from the option's counted weight. A comparison over 1,000 options x 10 criteria so
 * writes a few cells, not 10,000 (result.h). A caller's missing policy changes how unknown
 * values are scored: those are then scored here, from the value. The figures derived here are
 * computed with the same operations as evaluate.c's score, so they are the same doubles. */
#include "engine/cells.h"
#include "rules/utility.h"

const knee__cell *knee__cell_changed(const knee_result *r, size_t t, size_t j)
{
    const knee__opt *o = &r->opts[t];
    size_t k;
    for (k = 0; k < o->cell_n; k++) /* a handful at most: the rules that fired on it */
        if (r->cells[o->cell_off + k].criterion == j)
            return &r->cells[o->cell_off + k];
    return NULL;
}

const knee__value *knee__cell_value(const knee_result *r, size_t t, size_t j)
{
    const knee__cell *c = knee__cell_changed(r, t, j);
    return c ? &c->v : &r->rs->options[r->opts[t].option].values[j];
}

int knee__cell_policy(const knee_result *r, size_t j, double *utility)
{
    const knee__criterion *c = &r->rs->criteria[j];
    *utility = r->missing_policy ? r->missing_utility : c->missing_utility;
    return r->missing_policy ? r->missing_kind : c->missing;
}

const char *knee__cell_policy_name(const knee_result *r, size_t j)
{
    return r->missing_policy ? knee_missing_name(r->missing_policy)
                             : r->rs->criteria[j].missing_name;
}

int knee__declared_score(const knee_result *r, const knee__option *tr, size_t j, double *u,
                         double *low, double *high)
{
    double mu;
    int kind;
    if (!r->missing_policy || tr->values[j].known) { /* as scored at load */
        *u = tr->utility[j];
        *low = tr->u_low[j];
        *high = tr->u_high[j];
        return tr->counted[j];
    }
    kind = knee__cell_policy(r, j, &mu);
    return knee__score_value(&r->rs->criteria[j], kind, mu, &tr->values[j], u, low, high);
}

int knee__cell_score(const knee_result *r, size_t t, size_t j, double *u, double *low, double *high)
{
    const knee__cell *c = knee__cell_changed(r, t, j);
    if (c) {
        *u = c->utility;
        *low = c->low;
        *high = c->high;
        return c->counted;
    }
    return knee__declared_score(r, &r->rs->options[r->opts[t].option], j, u, low, high);
}

double knee__cell_utility(const knee_result *r, size_t t, size_t j)
{
    double u, lo, hi;
    knee__cell_score(r, t, j, &u, &lo, &hi);
    return u;
}

/* 1 if the value takes part in the option's score. */
static int cell_counted(const knee_result *r, size_t t, size_t j)
{
    double u, lo, hi;
    return knee__cell_score(r, t, j, &u, &lo, &hi);
}

static double weight_if(const knee_result *r, size_t t, size_t j, int counted)
{
    double total = r->opts[t].counted_weight;
    return total > 0 && counted ? r->weights[j] / total : 0;
}

double knee__cell_weight(const knee_result *r, size_t t, size_t j)
{
    return weight_if(r, t, j, cell_counted(r, t, j));
}

double knee__cell_contribution(const knee_result *r, size_t t, size_t j)
{
    return r->opts[t].excluded ? 0 : knee__cell_weight(r, t, j) * knee__cell_utility(r, t, j);
}

int knee__cell_figures(const knee_result *r, size_t t, size_t j, knee__cell_figs *f)
{
    f->counted = knee__cell_score(r, t, j, &f->utility, &f->low, &f->high);
    f->weight = weight_if(r, t, j, f->counted);
    f->contribution = r->opts[t].excluded ? 0 : f->weight * f->utility;
    return f->counted;
}
