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
