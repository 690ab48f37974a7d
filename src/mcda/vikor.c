/* vikor.c - VIKOR (Opricovic 1998; Opricovic & Tzeng 2004): group utility S, individual
 * regret R, compromise index Q and the compromise set. Definitions, missing cells and edge
 * cases: docs/methods.md.
 *
 * Work space: work = f*_j (n_crit), f-_j (n_crit), then one double per option (the weight
 * of its known criteria; 0 marks an option with nothing to score). On return order_work
 * holds the options by increasing Q, ties by index, unscored ones last. */
#include <math.h>

#include "mcda/mcda.h"
#include "mcda/internal.h"

/* Q gaps are compared with DQ = 1/(m-1) with this allowance, so that a gap that is DQ in exact
 * arithmetic (as in every textbook example with round numbers) is not lost to rounding. */
#define DQ_SLACK 1e-12

static void best_worst(const knee__matrix *m, size_t j, double *best, double *worst)
{
    size_t i, nc = m->n_crit;
    double hi = -INFINITY, lo = INFINITY;
    for (i = 0; i < m->n_opt; i++)
        if (knee__mcda_known(m, i, j)) {
            double x = m->x[i * nc + j];
            if (x > hi)
                hi = x;
            if (x < lo)
                lo = x;
        }
    if (hi < lo) /* no known cell: nobody uses this column */
        hi = lo = 0;
    *best = m->direction[j] > 0 ? hi : lo;
    *worst = m->direction[j] > 0 ? lo : hi;
}

/* S_i and R_i over i's known criteria, weights rescaled to sum 1 over them; a constant column
 * (f* == f-) is a regret of 0 for everybody. Returns the weight of i's known criteria. */
static double regrets(const knee__matrix *m, size_t i, const double *best, const double *worst,
                      double *s, double *r)
{
    size_t j, nc = m->n_crit;
    double total = 0;
    *s = *r = 0;
    for (j = 0; j < nc; j++)
        if (knee__mcda_known(m, i, j))
            total += m->w[j];
    if (!(total > 0))
        return 0;
    for (j = 0; j < nc; j++)
        if (knee__mcda_known(m, i, j) && best[j] != worst[j]) {
            double t = m->w[j] / total * knee__mcda_ratio(best[j], m->x[i * nc + j], worst[j]);
            *s += t;
            if (t > *r)
                *r = t;
        }
    return total;
}

/* Does option a come before b in the Q order? Scored before unscored, then by Q, then by
 * index (so the order, and the compromise set, never depend on sort stability). */
static int before(size_t a, size_t b, const double *Q, const double *total)
{
    int sa = total[a] > 0, sb = total[b] > 0;
    if (sa != sb)
        return sa;
    if (sa && Q[a] != Q[b])
        return Q[a] < Q[b];
    return a < b;
}

int knee__vikor(const knee__matrix *m, double v, double *S, double *R, double *Q,
                unsigned char *in_compromise, double *work, size_t *order_work)
{
    size_t i, k, na, nc, scored = 0;
    double *best, *worst, *total;
    double s_lo = INFINITY, s_hi = -INFINITY, r_lo = INFINITY, r_hi = -INFINITY;
    if (knee__mcda_check(m) != 0 || !(v >= 0 && v <= 1))
        return -1;
    na = m->n_opt;
    nc = m->n_crit;
    if (na == 0)
        return 0;
    if (!S || !R || !Q || !in_compromise || !work || !order_work)
        return -1;
    best = work;
    worst = work + nc;
    total = worst + nc;
    for (k = 0; k < nc; k++)
        best_worst(m, k, &best[k], &worst[k]);
    for (i = 0; i < na; i++) {
        total[i] = regrets(m, i, best, worst, &S[i], &R[i]);
        if (total[i] > 0) {
            scored++;
            s_lo = fmin(s_lo, S[i]);
            s_hi = fmax(s_hi, S[i]);
            r_lo = fmin(r_lo, R[i]);
            r_hi = fmax(r_hi, R[i]);
        } else {
            S[i] = R[i] = 1; /* the worst an option can score: nothing known */
        }
    }
    /* Q; a part whose spread is 0 (all S equal, or all R equal) cannot separate anybody and
     * counts 0. Unscored options get the worst Q, 1. */
    for (i = 0; i < na; i++) {
        double qs = 0, qr = 0;
        if (!(total[i] > 0)) {
            Q[i] = 1;
            continue;
        }
        if (s_hi > s_lo)
            qs = (S[i] - s_lo) / (s_hi - s_lo);
        if (r_hi > r_lo)
            qr = (R[i] - r_lo) / (r_hi - r_lo);
        Q[i] = v * qs + (1 - v) * qr;
    }
    /* Insertion sort: n_opt is small, and it allocates nothing. */
    for (i = 0; i < na; i++) {
        size_t t = i;
        for (k = i; k > 0 && before(t, order_work[k - 1], Q, total); k--)
            order_work[k] = order_work[k - 1];
        order_work[k] = t;
    }
    for (i = 0; i < na; i++)
        in_compromise[i] = 0;
    if (scored == 1) {
        in_compromise[order_work[0]] = 1;
    } else if (scored > 1) {
        /* Opricovic & Tzeng (2004) section 2, step 5. a1, a2: first and second by Q. */
        size_t a1 = order_work[0], a2 = order_work[1];
        double dq = 1.0 / (double)(scored - 1);
        int c1 = Q[a2] - Q[a1] >= dq - DQ_SLACK; /* acceptable advantage */
        int c2 = S[a1] == s_lo || R[a1] == r_lo; /* acceptable stability */
        in_compromise[a1] = 1;
        if (!c1) {
            /* a1 ... aM, M the last position with Q(aM) - Q(a1) < DQ */
            for (k = 1; k < scored && Q[order_work[k]] - Q[a1] < dq - DQ_SLACK; k++)
                in_compromise[order_work[k]] = 1;
        } else if (!c2) {
            in_compromise[a2] = 1;
        }
    }
    return 0;
}
