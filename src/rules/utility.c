/* utility.c - the value functions (docs/methods.md): levels carry their utility; numeric scales
 * are linear from worst (0) to best (1), or piecewise linear through declared points. An
 * unknown value spans the utilities of its bounds, or the whole scale (rules/README.md). */
#include <stddef.h>

#include "rules/utility.h"

static double numeric_utility(const knee__criterion *c, double x)
{
    double prev_x, prev_u, t;
    size_t i;
    /* piecewise linear through (worst,0), the points, (best,1); plain linear without points */
    prev_x = c->worst;
    prev_u = 0;
    for (i = 0; i <= c->n_points; i++) {
        double nx = i < c->n_points ? c->points[i].value : c->best;
        double nu = i < c->n_points ? c->points[i].utility : 1.0;
        int before = c->worst < c->best ? x <= nx : x >= nx;
        if (before) {
            t = (x - prev_x) / (nx - prev_x);
            if (t < 0)
                t = 0;
            return prev_u + t * (nu - prev_u);
        }
        prev_x = nx;
        prev_u = nu;
    }
    return 1.0;
}

/* ---- the inverse, for methods that read values in the criterion's unit (TOPSIS) -------------- */

double knee__utility_value(const knee__criterion *c, double u)
{
    double prev_x = c->worst, prev_u = 0;
    size_t i;
    if (c->n_levels)
        return u;
    for (i = 0; i <= c->n_points; i++) {
        double nx = i < c->n_points ? c->points[i].value : c->best;
        double nu = i < c->n_points ? c->points[i].utility : 1.0;
        if (u <= nu) { /* on this piece; a flat piece gives its start */
            if (nu <= prev_u)
                return prev_x;
            return prev_x + (u > prev_u ? (u - prev_u) / (nu - prev_u) : 0) * (nx - prev_x);
        }
        prev_x = nx;
        prev_u = nu;
    }
    return c->best;
}

double knee__utility(const knee__criterion *c, const knee__value *v)
{
    if (!v->known)
        return 0;
    if (c->n_levels)
        return c->levels[v->level].utility;
    return numeric_utility(c, v->typical);
}

void knee__natural_range(const knee__criterion *c, const knee__value *v, double *low, double *high)
{
    size_t i, from = 0, to = c->n_levels;
    double a, b;
    if (v->known) {
        *low = *high = knee__utility(c, v);
        return;
    }
    if (!c->n_levels) { /* utilities rise or fall with the value: its ends are the extremes */
        a = v->bounded ? numeric_utility(c, v->low) : 0.0;
        b = v->bounded ? numeric_utility(c, v->high) : 1.0;
        *low = a < b ? a : b;
        *high = a < b ? b : a;
        return;
    }
    if (v->bounded) { /* declared level utilities need not be monotone: every level between */
        from = v->level;
        to = v->level_high + 1;
    }
    *low = *high = c->levels[from].utility;
    for (i = from + 1; i < to; i++) {
        *low = c->levels[i].utility < *low ? c->levels[i].utility : *low;
        *high = c->levels[i].utility > *high ? c->levels[i].utility : *high;
    }
}

int knee__score_value(const knee__criterion *c, int kind, double utility, const knee__value *v,
                      double *u, double *low, double *high)
{
    if (v->known) {
        *u = *low = *high = knee__utility(c, v);
        return 1;
    }
    switch (kind) {
    case KNEE__MISSING_INTERVAL:
        knee__natural_range(c, v, low, high);
        *u = (*low + *high) / 2; /* utilities are in [0, 1]: no overflow, so within the range */
        return 1;
    case KNEE__MISSING_UTILITY:
        *u = *low = *high = utility;
        return 1;
    default: /* renormalise, refuse: left out of the score */
        *u = *low = *high = 0;
        return 0;
    }
}

int knee__missing_resolve(int policy, int *kind, double *utility)
{
    *utility = 0;
    switch (policy) {
    case KNEE_MISSING_INTERVAL:
        *kind = KNEE__MISSING_INTERVAL;
        return 0;
    case KNEE_MISSING_RENORMALISE:
        *kind = KNEE__MISSING_RENORMALISE;
        return 0;
    case KNEE_MISSING_WORST:
        *kind = KNEE__MISSING_UTILITY;
        return 0;
    case KNEE_MISSING_BEST:
        *kind = KNEE__MISSING_UTILITY;
        *utility = 1.0;
        return 0;
    case KNEE_MISSING_NEUTRAL:
        *kind = KNEE__MISSING_UTILITY;
        *utility = 0.5;
        return 0;
    case KNEE_MISSING_REFUSE:
        *kind = KNEE__MISSING_REFUSE;
        return 0;
    default:
        return -1;
    }
}
