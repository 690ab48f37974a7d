/* smaa.c - SMAA-2 (Lahdelma & Salminen 2001) over an additive value model: rank
 * acceptability indices, central weight vectors and confidence factors by Monte Carlo.
 * Definitions and edge cases: docs/methods.md.
 *
 * Sample k: rng = knee__rng_seed(seed, k); draw the weights; then the caller's callback draws
 * the utilities with the same rng. The confidence factors replay the same samples (same
 * streams, same weight draws, discarded) with each option's central weights, so a
 * sample's utilities are the same in both passes. Nothing depends on anything but (seed, k),
 * and the sums are taken in sample order, so results are the same bit for bit on every run.
 *
 * Work space (knee__smaa_work_size): weights (n_crit), a second weight vector (n_crit),
 * utilities (n_opt * n_crit), values (n_opt). */
#include <math.h>

#include "mcda/mcda.h"

/* Do the sizes (work space and n_opt^2 rank acceptabilities) fit in a size_t of doubles? */
static int sizes_ok(size_t n_opt, size_t n_crit)
{
    size_t max = (size_t)-1 / sizeof(double);
    if (n_opt > max / 4 || n_crit > max / 4)
        return 0;
    if (n_crit && n_opt > (max / 4) / n_crit)
        return 0;
    return !n_opt || n_opt <= max / n_opt;
}

/* Returns 0 for sizes that overflow, which knee__smaa rejects in the same way. */
size_t knee__smaa_work_size(size_t n_opt, size_t n_crit)
{
    if (!sizes_ok(n_opt, n_crit))
        return 0;
    return n_opt * n_crit + n_opt + 2 * n_crit;
}

static int check_in(const knee__smaa_in *in)
{
    size_t j;
    double total = 0;
    if (!in->utilities || in->samples == 0)
        return -1;
    if (!sizes_ok(in->n_opt, in->n_crit))
        return -1;
    if (!in->w_center)
        return 0;
    if (!isfinite(in->w_spread) || in->w_spread < 0)
        return -1;
    for (j = 0; j < in->n_crit; j++) {
        if (!isfinite(in->w_center[j]) || in->w_center[j] < 0)
            return -1;
        total += in->w_center[j];
    }
    return in->n_crit == 0 || (total > 0 && isfinite(total)) ? 0 : -1;
}

/* The sample's weights: uniform on the simplex, or each centre weight moved uniformly within
 * +-spread, clipped at 0 and renormalised to sum 1 (if every weight clips to 0, the centre
 * itself, normalised). Always n_crit uniform draws in the second case. */
static void draw_weights(const knee__smaa_in *in, knee__rng *rng, double *w, double *spare)
{
    size_t j, nc = in->n_crit;
    double total = 0;
    if (!in->w_center) {
        knee__rng_simplex(rng, nc, w, spare);
        return;
    }
    for (j = 0; j < nc; j++) {
        double x = in->w_center[j] + in->w_spread * (2 * knee__rng_uniform(rng) - 1);
        w[j] = x > 0 ? x : 0;
        total += w[j];
    }
    if (!(total > 0) || !isfinite(total)) {
        total = 0;
        for (j = 0; j < nc; j++)
            total += w[j] = in->w_center[j];
    }
    for (j = 0; j < nc; j++)
        w[j] /= total;
}

/* value[i] = sum_j w_j u_ij over i's known cells, divided by the weight of those cells (the
 * available-case value of evaluate.c's weighted sum; 0 when that weight is 0). -1 if a known
 * utility or a value is not finite; a missing cell's utility is never read. */
static int values(const knee__smaa_in *in, const double *w, const double *u, double *value)
{
    size_t i, j, na = in->n_opt, nc = in->n_crit;
    for (i = 0; i < na; i++) {
        double v = 0, total = 0;
        for (j = 0; j < nc; j++) {
            if (in->known && !in->known[i * nc + j])
                continue;
            if (!isfinite(u[i * nc + j]))
                return -1;
            v += w[j] * u[i * nc + j];
            total += w[j];
        }
        v = total > 0 ? v / total : 0;
        if (!isfinite(v))
            return -1;
        value[i] = v;
    }
    return 0;
}

/* Option i's value under weights w, as values() computes it (to the bit). */
static double value_of(const knee__smaa_in *in, const double *w, const double *u, size_t i)
{
    size_t j, nc = in->n_crit;
    double v = 0, total = 0;
    for (j = 0; j < nc; j++) {
        if (in->known && !in->known[i * nc + j])
            continue;
        v += w[j] * u[i * nc + j];
        total += w[j];
    }
    return total > 0 ? v / total : 0;
}

/* The share of first place i takes under its central weights w in a sample with utilities u: 0
 * when another option is valued higher, else 1 / the options tied with it (i
 * included). The option that beat the previous one (*lead) is tried first: it often
 * settles it at once. The share does not depend on the order the others are tried in, and
 * every value was checked finite in the sample's first pass (the same utilities, finite
 * weights). */
static double first_share(const knee__smaa_in *in, const double *w, const double *u, size_t i,
                          size_t *lead)
{
    size_t k, na = in->n_opt, tied = 1;
    double vi = value_of(in, w, u, i);
    if (*lead != i && *lead < na && value_of(in, w, u, *lead) > vi)
        return 0;
    for (k = 0; k < na; k++) {
        double vk;
        if (k == i)
            continue;
        vk = value_of(in, w, u, k);
        if (vk > vi) {
            *lead = k;
            return 0;
        }
        tied += vk == vi;
    }
    return 1.0 / (double)tied;
}

/* Where i stands: *above options are valued higher and *tied (i included) equal. Tied
 * options share their ranks equally (each gets 1/tied of each), so an exact tie favours
 * no one: with ties broken by index, the first of several identical options would look
 * certain to win. */
static void standing(size_t na, const double *value, size_t i, size_t *above, size_t *tied)
{
    size_t k, a = 0, t = 0;
    for (k = 0; k < na; k++) { /* no branch: the outcomes do not follow a pattern */
        a += value[k] > value[i];
        t += value[k] == value[i];
    }
    *above = a;
    *tied = t;
}

int knee__smaa(const knee__smaa_in *in, knee__smaa_out *out, double *work)
{
    size_t na, nc, i, j, k, n;
    double *w, *spare, *u, *value;
    if (!in || !out || check_in(in) != 0)
        return -1;
    na = in->n_opt;
    nc = in->n_crit;
    if (na == 0)
        return 0;
    if (!work || !out->rank_acceptability || (out->confidence && !out->central_weights))
        return -1;
    w = work;
    spare = w + nc;
    u = spare + nc;
    value = u + na * nc;
    n = in->samples;

    /* Pass 1: count ranks (exact in a double up to 2^53 samples) and sum first-place weights. */
    for (i = 0; i < na * na; i++)
        out->rank_acceptability[i] = 0;
    if (out->central_weights)
        for (i = 0; i < na * nc; i++)
            out->central_weights[i] = 0;
    for (k = 0; k < n; k++) {
        knee__rng rng;
        knee__rng_seed(&rng, in->seed, k);
        draw_weights(in, &rng, w, spare);
        in->utilities(in->ctx, &rng, u);
        if (values(in, w, u, value) != 0)
            return -1;
        for (i = 0; i < na; i++) {
            size_t above, tied, r;
            double share;
            standing(na, value, i, &above, &tied);
            share = 1.0 / (double)tied;
            for (r = above; r < above + tied; r++)
                out->rank_acceptability[i * na + r] += share;
            if (above == 0 && out->central_weights)
                for (j = 0; j < nc; j++)
                    out->central_weights[i * nc + j] += share * w[j];
        }
    }
    /* Central weights: the mean weights of the samples where i ranked first (0 if none). */
    if (out->central_weights)
        for (i = 0; i < na; i++) {
            double first = out->rank_acceptability[i * na];
            for (j = 0; j < nc; j++)
                if (first > 0)
                    out->central_weights[i * nc + j] /= first;
        }
    /* Pass 2: confidence factors, the share of samples in which i ranks first with its central
     * weights. Never first in pass 1: no central weights, confidence 0. */
    if (out->confidence) {
        for (i = 0; i < na; i++)
            out->confidence[i] = 0;
        for (k = 0; k < n; k++) {
            knee__rng rng;
            size_t lead = na;
            knee__rng_seed(&rng, in->seed, k);
            draw_weights(in, &rng, w, spare); /* keeps the sample's utility draws aligned */
            in->utilities(in->ctx, &rng, u);
            for (i = 0; i < na; i++)
                if (out->rank_acceptability[i * na] != 0)
                    out->confidence[i] +=
                        first_share(in, &out->central_weights[i * nc], u, i, &lead);
        }
        for (i = 0; i < na; i++)
            out->confidence[i] /= (double)n;
    }
    for (i = 0; i < na * na; i++)
        out->rank_acceptability[i] /= (double)n;
    return 0;
}
