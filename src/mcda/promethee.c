/* promethee.c - PROMETHEE II (Brans & Vincke 1985; Brans, Vincke & Mareschal 1986):
 * outranking flows from per-criterion preference functions. Definitions, missing cells and
 * edge cases: docs/methods.md. */
#include <math.h>

#include "mcda/mcda.h"
#include "mcda/internal.h"

/* Thresholds must be finite where the type uses them: 0 <= q for the U-shape, 0 <= p for the
 * V-shape, 0 <= q <= p for the level and linear types, s > 0 for the Gaussian. Thresholds the
 * type does not use are ignored. p == q (or p == 0) is allowed: the function is then a step. */
static int check_fn(const knee__pref_fn *f)
{
    switch (f->type) {
    case KNEE__PREF_USUAL:
        return 0;
    case KNEE__PREF_USHAPE:
        return isfinite(f->q) && f->q >= 0 ? 0 : -1;
    case KNEE__PREF_VSHAPE:
        return isfinite(f->p) && f->p >= 0 ? 0 : -1;
    case KNEE__PREF_LEVEL:
    case KNEE__PREF_LINEAR:
        return isfinite(f->q) && isfinite(f->p) && f->q >= 0 && f->q <= f->p ? 0 : -1;
    case KNEE__PREF_GAUSSIAN:
        return isfinite(f->s) && f->s > 0 ? 0 : -1;
    default:
        return -1;
    }
}

/* P(d) for a difference d > 0 in the criterion's own direction (P(d) = 0 for d <= 0). The
 * comparisons come before any division, so a step (p == q) never divides by zero and an
 * infinite difference gives 1. */
static double pref(const knee__pref_fn *f, double d)
{
    switch (f->type) {
    case KNEE__PREF_USHAPE:
        return d > f->q ? 1 : 0;
    case KNEE__PREF_VSHAPE:
        return d >= f->p ? 1 : d / f->p;
    case KNEE__PREF_LEVEL:
        return d <= f->q ? 0 : d <= f->p ? 0.5 : 1;
    case KNEE__PREF_LINEAR:
        return d <= f->q ? 0 : d >= f->p ? 1 : (d - f->q) / (f->p - f->q);
    case KNEE__PREF_GAUSSIAN: {
        double t = d / f->s; /* not d*d / (2 s*s): both squares can underflow to 0 */
        return 1 - exp(-0.5 * t * t);
    }
    default: /* usual */
        return 1;
    }
}

int knee__promethee2(const knee__matrix *m, const knee__pref_fn *fn, double *phi_plus,
                     double *phi_minus, double *phi_net)
{
    size_t a, b, j, na, nc;
    double total = 0;
    if (knee__mcda_check(m) != 0)
        return -1;
    na = m->n_opt;
    nc = m->n_crit;
    if (na == 0)
        return 0;
    if (!phi_plus || !phi_minus || !phi_net || (nc && !fn))
        return -1;
    for (j = 0; j < nc; j++) {
        if (check_fn(&fn[j]) != 0)
            return -1;
        total += m->w[j];
    }
    for (a = 0; a < na; a++)
        phi_plus[a] = phi_minus[a] = 0;
    /* Each unordered pair once: on criterion j at most one of P_j(a,b), P_j(b,a) is non-zero. */
    for (a = 0; a < na; a++)
        for (b = a + 1; b < na; b++) {
            double ab = 0, ba = 0; /* pi(a,b), pi(b,a) times the weight total */
            for (j = 0; j < nc; j++) {
                double d;
                if (!knee__mcda_known(m, a, j) || !knee__mcda_known(m, b, j) || m->w[j] == 0)
                    continue;
                d = m->direction[j] * (m->x[a * nc + j] - m->x[b * nc + j]);
                if (d > 0)
                    ab += m->w[j] * pref(&fn[j], d);
                else if (d < 0)
                    ba += m->w[j] * pref(&fn[j], -d);
            }
            ab /= total;
            ba /= total;
            phi_plus[a] += ab;
            phi_minus[b] += ab;
            phi_plus[b] += ba;
            phi_minus[a] += ba;
        }
    for (a = 0; a < na; a++) {
        if (na > 1) {
            phi_plus[a] /= (double)(na - 1);
            phi_minus[a] /= (double)(na - 1);
        }
        phi_net[a] = phi_plus[a] - phi_minus[a];
    }
    return 0;
}
