/* mcda.h - decision-analysis kernels: pure functions over a performance matrix, with no
 * knowledge of rule files or results (evaluate.c feeds them). Each is deterministic, allocates
 * nothing (the caller passes work space), and documents its edge cases in docs/methods.md.
 *
 * Matrix conventions: n_opt options (rows) x n_crit criteria (columns), row-major doubles.
 * direction[j] is +1 (more is better) or -1 (less is better). w[j] >= 0 with sum 1 (the caller
 * normalises). known[i*n_crit + j] is 0 where the value is missing (NULL: all known); a missing
 * cell is left out as each function documents, never imputed. */
#ifndef KNEE_MCDA_H
#define KNEE_MCDA_H

#include <stddef.h>
#include <stdint.h>

typedef struct knee__matrix {
    size_t n_opt, n_crit;
    const double *x;            /* n_opt * n_crit */
    const unsigned char *known; /* n_opt * n_crit, or NULL */
    const int *direction;       /* n_crit */
    const double *w;            /* n_crit, sum 1 */
} knee__matrix;

/* ---- TOPSIS (Hwang & Yoon 1981) ----------------------------------------------------------- */
/* Normalisations: vector r_ij = x_ij / sqrt(sum_i x_ij^2); min-max r_ij = (x_ij - min_j) /
 * (max_j - min_j), flipped for direction -1. */
#define KNEE__NORM_VECTOR 0
#define KNEE__NORM_MINMAX 1
/* Closeness coefficient C_i = D-_i / (D+_i + D-_i) in [0, 1], higher is better. work must hold
 * n_opt*n_crit + 2*n_crit doubles. Returns 0, or -1 for bad arguments. */
int knee__topsis(const knee__matrix *m, int norm, double *closeness, double *work);

/* ---- PROMETHEE II (Brans & Vincke 1985) ---------------------------------------------------- */
enum {
    KNEE__PREF_USUAL = 0,   /* P = d > 0 */
    KNEE__PREF_USHAPE = 1,  /* P = d > q */
    KNEE__PREF_VSHAPE = 2,  /* P = d / p up to p, then 1 */
    KNEE__PREF_LEVEL = 3,   /* 0 up to q, 1/2 up to p, then 1 */
    KNEE__PREF_LINEAR = 4,  /* 0 up to q, linear to 1 at p */
    KNEE__PREF_GAUSSIAN = 5 /* 1 - exp(-d^2 / (2 s^2)) */
};
typedef struct knee__pref_fn {
    int type;
    double q, p, s; /* indifference, preference, Gaussian thresholds (criterion units) */
} knee__pref_fn;
/* Positive, negative and net outranking flows (phi_net = phi_plus - phi_minus), each n_opt.
 * d = direction_j * (x_aj - x bj); a pair with a missing cell has P = 0 on that criterion.
 * Returns 0, or -1 for bad arguments (e.g. p < q, s <= 0 where needed). */
int knee__promethee2(const knee__matrix *m, const knee__pref_fn *fn, double *phi_plus,
                     double *phi_minus, double *phi_net);

/* ---- VIKOR (Opricovic & Tzeng 2004) ------------------------------------------------------- */
/* S (group utility), R (individual regret), Q (compromise index, lower is better) for
 * strategy weight v in [0, 1]. in_compromise[i] is set to 1 for the options in the
 * compromise set (acceptable advantage and acceptable stability, per the paper). work must
 * hold 2*n_crit + n_opt doubles and n_opt size_t-sized slots (see docs). Returns 0 or -1. */
int knee__vikor(const knee__matrix *m, double v, double *S, double *R, double *Q,
                unsigned char *in_compromise, double *work, size_t *order_work);

/* ---- deterministic random numbers ----------------------------------------------------------- */
/* xoshiro256** seeded through splitmix64: the same (seed, stream) gives the same numbers on every
 * platform, so sample k can be drawn by any thread with stream = k. */
typedef struct knee__rng {
    uint64_t s[4];
} knee__rng;
void knee__rng_seed(knee__rng *r, uint64_t seed, uint64_t stream);
double knee__rng_uniform(knee__rng *r); /* [0, 1) with 53 random bits */
/* Triangular(low, mode, high); low == high gives low. */
double knee__rng_triangular(knee__rng *r, double low, double mode, double high);
/* Uniform on the simplex: n weights >= 0 summing to 1 (sorted-uniform-spacings method). */
void knee__rng_simplex(knee__rng *r, size_t n, double *w, double *work);

/* ---- SMAA-2 (Lahdelma & Salminen 2001) over an additive value model ------------------------ */
/* The caller supplies, per sample, the utilities of every option on every criterion (so
 * value functions and sampled performance stay in evaluate.c) through this callback. */
typedef void (*knee__smaa_utilities_fn)(void *ctx, knee__rng *rng, double *u /* n_opt*n_crit */);

typedef struct knee__smaa_in {
    size_t n_opt, n_crit, samples;
    uint64_t seed;
    const double *w_center; /* NULL: weights uniform on the simplex; else sampled around */
    double w_spread;        /* ... these: uniform within +-spread, then renormalised */
    knee__smaa_utilities_fn utilities;
    void *ctx;
    /* n_opt*n_crit, or NULL: a cell with known 0 is left out of its option's value, the
     * sample's weights rescaled over the option's other criteria (available-case). */
    const unsigned char *known;
} knee__smaa_in;

typedef struct knee__smaa_out {
    double *rank_acceptability; /* n_opt * n_opt: [i*n_opt + r] = P(option i has rank r+1) */
    double *central_weights;    /* n_opt * n_crit: mean weights when i ranks first (0 if never) */
    double *confidence;         /* n_opt: P(i first when its central weights are used) */
} knee__smaa_out;

/* Work space needed by knee__smaa, in doubles. */
size_t knee__smaa_work_size(size_t n_opt, size_t n_crit);
/* Sample k draws its weights and utilities from knee__rng_seed(seed, k), so results are the same
 * bit for bit whatever the number of threads. Options tied exactly in a sample share the
 * tied ranks equally. Returns 0 or -1. */
int knee__smaa(const knee__smaa_in *in, knee__smaa_out *out, double *work);

#endif
