/* topsis.c - TOPSIS (Hwang & Yoon 1981): closeness to the ideal and distance from the
 * anti-ideal option. Definitions, missing cells and edge cases: docs/methods.md.
 *
 * On return work holds, for the tests and for "why" displays, the normalised matrix r
 * (n_opt * n_crit, unweighted; 0 in missing cells), then the ideal r+ (n_crit), then the
 * anti-ideal r- (n_crit), all in normalised units. The weighted values of Hwang & Yoon are
 * w_j * r. */
#include <math.h>

#include "mcda/mcda.h"
#include "mcda/internal.h"

/* Vector normalisation of column j: r_ij = x_ij / sqrt(sum over known i of x_ij^2). The sum is
 * taken over x / max|x| so that squares of large values cannot overflow. A column whose known
 * values are all 0 (or that has none) normalises to 0 and so contributes nothing. */
static void vector_column(const knee__matrix *m, size_t j, double *r, double *best, double *worst)
{
    size_t i, na = m->n_opt, nc = m->n_crit;
    double scale = 0, sum = 0, root, hi = -INFINITY, lo = INFINITY;
    for (i = 0; i < na; i++)
        if (knee__mcda_known(m, i, j) && fabs(m->x[i * nc + j]) > scale)
            scale = fabs(m->x[i * nc + j]);
    for (i = 0; i < na; i++)
        if (knee__mcda_known(m, i, j) && scale > 0) {
            double t = m->x[i * nc + j] / scale;
            sum += t * t;
        }
    root = sqrt(sum);
    for (i = 0; i < na; i++) {
        double v = 0;
        if (knee__mcda_known(m, i, j)) {
            if (scale > 0)
                v = m->x[i * nc + j] / scale / root;
            if (v > hi)
                hi = v;
            if (v < lo)
                lo = v;
        }
        r[i * nc + j] = v;
    }
    if (hi < lo) /* no known cell */
        hi = lo = 0;
    *best = m->direction[j] > 0 ? hi : lo;
    *worst = m->direction[j] > 0 ? lo : hi;
}

/* Min-max normalisation of column j, flipped for direction -1 so that 1 is always the best
 * known value and 0 the worst. A constant column (or one with no known cell) normalises to 0
 * with ideal = anti-ideal = 0: it contributes nothing, and nothing is divided by zero. */
static void minmax_column(const knee__matrix *m, size_t j, double *r, double *best, double *worst)
{
    size_t i, na = m->n_opt, nc = m->n_crit;
    double hi = -INFINITY, lo = INFINITY;
    int spread;
    for (i = 0; i < na; i++)
        if (knee__mcda_known(m, i, j)) {
            double x = m->x[i * nc + j];
            if (x > hi)
                hi = x;
            if (x < lo)
                lo = x;
        }
    spread = hi > lo;
    for (i = 0; i < na; i++) {
        double v = 0;
        if (spread && knee__mcda_known(m, i, j)) {
            double x = m->x[i * nc + j];
            v = m->direction[j] > 0 ? knee__mcda_ratio(lo, x, hi) : knee__mcda_ratio(hi, x, lo);
        }
        r[i * nc + j] = v;
    }
    *best = spread ? 1 : 0;
    *worst = 0;
}

/* C_i over i's known criteria with its weights rescaled to sum 1 over them. No known criterion
 * with a positive weight: nothing to score, C = 0 (the weighted sum in evaluate.c also scores
 * such an option 0). D+ = D- = 0 (every criterion it has is constant): C = 1/2, a tie. */
static double closeness_of(const knee__matrix *m, size_t i, const double *r, const double *best,
                           const double *worst)
{
    size_t j, nc = m->n_crit;
    double total = 0, dplus = 0, dminus = 0;
    for (j = 0; j < nc; j++)
        if (knee__mcda_known(m, i, j))
            total += m->w[j];
    if (!(total > 0))
        return 0;
    for (j = 0; j < nc; j++)
        if (knee__mcda_known(m, i, j)) {
            double w = m->w[j] / total;
            double a = w * (r[i * nc + j] - best[j]), b = w * (r[i * nc + j] - worst[j]);
            dplus += a * a;
            dminus += b * b;
        }
    dplus = sqrt(dplus);
    dminus = sqrt(dminus);
    if (dplus + dminus == 0)
        return 0.5;
    return dminus / (dplus + dminus);
}

int knee__topsis(const knee__matrix *m, int norm, double *closeness, double *work)
{
    size_t i, j, na, nc;
    double *r, *best, *worst;
    if (knee__mcda_check(m) != 0 || (norm != KNEE__NORM_VECTOR && norm != KNEE__NORM_MINMAX))
        return -1;
    na = m->n_opt;
    nc = m->n_crit;
    if (na == 0)
        return 0;
    if (!closeness || (nc && !work))
        return -1;
    r = work;
    best = work + na * nc;
    worst = best + nc;
    for (j = 0; j < nc; j++) {
        if (norm == KNEE__NORM_VECTOR)
            vector_column(m, j, r, &best[j], &worst[j]);
        else
            minmax_column(m, j, r, &best[j], &worst[j]);
    }
    for (i = 0; i < na; i++)
        closeness[i] = closeness_of(m, i, r, best, worst);
    return 0;
}
