/* utility.c - the value functions (docs/methods.md): levels carry their utility; numeric scales
 * are linear from worst (0) to best (1), or piecewise linear through declared points. */
#include "utility.h"

double knee__utility(const knee__criterion *c, const knee__value *v)
{
    double x, prev_x, prev_u, t;
    size_t i;
    if (!v->known)
        return c->missing == KNEE__MISSING_UTILITY ? c->missing_utility : 0;
    if (c->n_levels)
        return c->levels[v->level].utility;
    x = v->typical;
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
        if (u <= nu) {   /* on this piece; a flat piece gives its start */
            if (nu <= prev_u)
                return prev_x;
            return prev_x + (u > prev_u ? (u - prev_u) / (nu - prev_u) : 0) * (nx - prev_x);
        }
        prev_x = nx;
        prev_u = nu;
    }
    return c->best;
}
