/* internal.h - checks and arithmetic shared by the decision-analysis kernels of mcda/.
 * Private to those files; the interface is mcda.h. */
#ifndef KNEE_MCDA_INTERNAL_H
#define KNEE_MCDA_INTERNAL_H

#include <math.h>
#include <stddef.h>

#include "mcda/mcda.h"

/* Is cell (i, j) known? */
static inline int knee__mcda_known(const knee__matrix *m, size_t i, size_t j)
{
    return !m->known || m->known[i * m->n_crit + j];
}

/* The checks every matrix kernel makes before touching its outputs: sizes that do not overflow,
 * directions of +1 or -1, finite non-negative weights with a positive sum, and finite known
 * cells (a missing cell may hold anything, NaN included). 0 when usable, -1 otherwise. */
static inline int knee__mcda_check(const knee__matrix *m)
{
    size_t i, j;
    double total = 0;
    if (!m)
        return -1;
    if (m->n_opt == 0)
        return 0;
    if (m->n_crit && (!m->x || !m->direction || !m->w))
        return -1;
    if (m->n_crit && m->n_opt > ((size_t)-1 / sizeof(double)) / m->n_crit)
        return -1;
    for (j = 0; j < m->n_crit; j++) {
        if (m->direction[j] != 1 && m->direction[j] != -1)
            return -1;
        if (!isfinite(m->w[j]) || m->w[j] < 0)
            return -1;
        total += m->w[j];
    }
    if (m->n_crit && !(total > 0 && isfinite(total)))
        return -1;
    for (i = 0; i < m->n_opt; i++)
        for (j = 0; j < m->n_crit; j++)
            if (knee__mcda_known(m, i, j) && !isfinite(m->x[i * m->n_crit + j]))
                return -1;
    return 0;
}

/* (a - b) / (a - c) for finite a, b, c with b between a and c and a != c, without the overflow
 * that a - c can hit when the values are near DBL_MAX (halving both is exact for normal
 * numbers). Used for the linear normalisations of TOPSIS (min-max) and VIKOR. */
static inline double knee__mcda_ratio(double a, double b, double c)
{
    double den = a - c;
    if (isfinite(den))
        return (a - b) / den;
    return (a * 0.5 - b * 0.5) / (a * 0.5 - c * 0.5);
}

#endif
