/* rng.c - deterministic random numbers for SMAA: xoshiro256** (Blackman & Vigna 2018)
 * seeded through splitmix64 (Steele, Lea & Flood 2014), in fixed-width integer arithmetic only,
 * so a (seed, stream) pair gives the same numbers on every platform and compiler. */
#include <math.h>
#include <stdint.h>

#include "mcda/mcda.h"

/* The splitmix64 output function (a bijection of 64-bit words). */
static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static uint64_t splitmix64_next(uint64_t *x)
{
    *x += UINT64_C(0x9e3779b97f4a7c15);
    return mix64(*x);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t next(knee__rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* The splitmix64 state starts at seed XOR a hash of the stream number, and the four state words
 * are its next four outputs (the seeding Vigna recommends). Four consecutive outputs of
 * splitmix64 are distinct, so the state is never all zero. */
void knee__rng_seed(knee__rng *r, uint64_t seed, uint64_t stream)
{
    uint64_t x = seed ^ mix64(stream ^ UINT64_C(0x6a09e667f3bcc909));
    int i;
    for (i = 0; i < 4; i++)
        r->s[i] = splitmix64_next(&x);
}

/* The top 53 bits as a multiple of 2^-53: every value in [0, 1) on that grid is equally likely. */
double knee__rng_uniform(knee__rng *r)
{
    return (double)(next(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* Inverse of the triangular distribution function. Always one uniform draw, whatever the
 * arguments, so that a sample's later draws do not move when a range collapses to a point.
 * NaN unless low <= mode <= high (all finite). */
double knee__rng_triangular(knee__rng *r, double low, double mode, double high)
{
    double u = knee__rng_uniform(r), span;
    if (!(isfinite(low) && isfinite(mode) && isfinite(high) && low <= mode && mode <= high))
        return NAN;
    span = high - low;
    if (!(span > 0))
        return low;
    if (u * span < mode - low)
        return low + sqrt(u * span * (mode - low));
    return high - sqrt((1 - u) * span * (high - mode));
}

/* Sorted-uniform-spacings: n - 1 uniform draws, sorted, are cut points of [0, 1]; the n gaps
 * between 0, the cuts and 1 are uniform on the simplex (Rubin 1981). Done in place in w, so
 * work is not needed (it may be NULL); n - 1 draws, none for n <= 1. */
void knee__rng_simplex(knee__rng *r, size_t n, double *w, double *work)
{
    size_t i, k;
    (void)work;
    if (n == 0)
        return;
    for (i = 0; i + 1 < n; i++) {
        double u = knee__rng_uniform(r);
        /* insertion into the sorted prefix w[0..i) */
        for (k = i; k > 0 && w[k - 1] > u; k--)
            w[k] = w[k - 1];
        w[k] = u;
    }
    w[n - 1] = 1 - (n > 1 ? w[n - 2] : 0);
    for (i = n - 1; i-- > 1;)
        w[i] -= w[i - 1];
}
