/* test_mcda.c - the decision-analysis kernels of mcda.h (src/mcda_*.c).
 *
 * Two kinds of evidence, as docs/methods.md explains:
 * 1. Published worked examples, kept below as data with their citations. Every published figure
 *    is checked to the precision it was printed with (half a unit of its last digit). Where a
 *    source's own arithmetic rounds or slips, the figure is still checked, with the allowance
 *    that covers the slip named next to it.
 * 2. Independent reimplementations written here straight from the formulas (no work arrays,
 *    column statistics recomputed where they are used, pi as a full matrix, the VIKOR order by
 *    qsort, SMAA from stored samples), which the kernels must match to 1e-9 on the examples and
 *    on seeded random matrices with missing cells, ties, constant and zero-weight columns. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "mcda/mcda.h"

#define MAXA 12
#define MAXC 8

/* ---- helpers ------------------------------------------------------------------------------ */

static int near(double got, double want, double tol, const char *what, int i, int j)
{
    if (fabs(got - want) <= tol)
        return 1;
    fprintf(stderr, "    %s[%d][%d]: got %.9g, want %.9g (tolerance %.3g)\n", what, i, j, got, want,
            tol);
    return 0;
}

/* A published figure printed with `dec` decimals: within half a unit of its last digit. */
static int printed(double got, double published, int dec, const char *what, int i, int j)
{
    return near(got, published, 0.5 * pow(10, -dec) + 1e-12, what, i, j);
}

/* Kernel against reference: 1e-9, relative for large values. */
static int same(double got, double want, const char *what, int i, int j)
{
    return near(got, want, 1e-9 * fmax(1, fabs(want)), what, i, j);
}

static knee__matrix matrix(size_t na, size_t nc, const double *x, const unsigned char *known,
                           const int *dir, const double *w)
{
    knee__matrix m;
    m.n_opt = na;
    m.n_crit = nc;
    m.x = x;
    m.known = known;
    m.direction = dir;
    m.w = w;
    return m;
}

static void normalise(double *w, size_t n)
{
    size_t j;
    double t = 0;
    for (j = 0; j < n; j++)
        t += w[j];
    for (j = 0; j < n; j++)
        w[j] /= t;
}

/* 1-based ranks, higher value first (desc) or lower first, ties by index. */
static void ranks_of(const double *v, size_t n, int desc, int *rank)
{
    size_t i, k;
    for (i = 0; i < n; i++) {
        rank[i] = 1;
        for (k = 0; k < n; k++)
            if ((desc ? v[k] > v[i] : v[k] < v[i]) || (v[k] == v[i] && k < i))
                rank[i]++;
    }
}

/* The tests' own random numbers (not the library's): xorshift64*. */
static uint64_t test_rng = 88172645463325252u;
static double trand(void)
{
    test_rng ^= test_rng >> 12;
    test_rng ^= test_rng << 25;
    test_rng ^= test_rng >> 27;
    return (double)((test_rng * 2685821657736338717u) >> 11) / 9007199254740992.0;
}
static size_t trand_int(size_t n)
{
    return (size_t)(trand() * (double)n);
}

typedef struct problem {
    size_t na, nc;
    double x[MAXA * MAXC];
    unsigned char known[MAXA * MAXC];
    int dir[MAXC];
    double w[MAXC];
    knee__pref_fn fn[MAXC];
    int use_known;
} problem;

/* Random problems that hit the edge cases: small integers (ties, constant columns), reals,
 * zero weights, missing cells, single options. */
static void random_problem(problem *p)
{
    size_t i, j;
    int integers = trand() < 0.5;
    p->na = 1 + trand_int(MAXA - 4);
    p->nc = 1 + trand_int(MAXC - 2);
    p->use_known = trand() < 0.6;
    for (j = 0; j < p->nc; j++) {
        int constant = trand() < 0.1;
        double c = 1 + trand_int(9);
        p->dir[j] = trand() < 0.5 ? 1 : -1;
        p->w[j] = trand() < 0.1 ? 0 : trand() + 0.01;
        for (i = 0; i < p->na; i++) {
            double x = integers ? (double)trand_int(10) : 100 * trand() - 20;
            p->x[i * p->nc + j] = constant ? c : x;
            p->known[i * p->nc + j] = !p->use_known || trand() > 0.15;
            if (!p->known[i * p->nc + j])
                p->x[i * p->nc + j] = trand() < 0.5 ? NAN : 1e300; /* never read */
        }
        p->fn[j].type = (int)trand_int(6);
        p->fn[j].q = integers ? (double)trand_int(3) : 10 * trand();
        p->fn[j].p =
            p->fn[j].q + (trand() < 0.1 ? 0 : (integers ? (double)trand_int(6) : 30 * trand()));
        p->fn[j].s = 0.5 + 10 * trand();
    }
    if (p->w[0] == 0)
        p->w[0] = 0.5;
    normalise(p->w, p->nc);
}

static knee__matrix problem_matrix(const problem *p)
{
    return matrix(p->na, p->nc, p->x, p->use_known ? p->known : NULL, p->dir, p->w);
}

static int is_known(const knee__matrix *m, size_t i, size_t j)
{
    return !m->known || m->known[i * m->n_crit + j];
}

/* ---- TOPSIS: reference ---------------------------------------------------------------------- */

/* Hwang & Yoon's steps for one option, each column's statistics recomputed over its known
 * cells: normalise, weight (the option's weights rescaled over its known criteria), ideal
 * and anti-ideal, Euclidean distances, closeness. */
static double ref_topsis_one(const knee__matrix *m, int norm, size_t i)
{
    size_t j, k, na = m->n_opt, nc = m->n_crit;
    double W = 0, dp = 0, dm = 0;
    for (j = 0; j < nc; j++)
        if (is_known(m, i, j))
            W += m->w[j];
    if (W <= 0)
        return 0;
    for (j = 0; j < nc; j++) {
        double r, best, worst, wt = m->w[j] / W;
        if (!is_known(m, i, j))
            continue;
        if (norm == KNEE__NORM_VECTOR) {
            double ss = 0, hi = -INFINITY, lo = INFINITY;
            for (k = 0; k < na; k++)
                if (is_known(m, k, j))
                    ss += m->x[k * nc + j] * m->x[k * nc + j];
            for (k = 0; k < na; k++)
                if (is_known(m, k, j)) {
                    double rk = ss > 0 ? m->x[k * nc + j] / sqrt(ss) : 0;
                    hi = fmax(hi, rk);
                    lo = fmin(lo, rk);
                }
            r = ss > 0 ? m->x[i * nc + j] / sqrt(ss) : 0;
            best = m->direction[j] > 0 ? hi : lo;
            worst = m->direction[j] > 0 ? lo : hi;
        } else {
            double hi = -INFINITY, lo = INFINITY;
            for (k = 0; k < na; k++)
                if (is_known(m, k, j)) {
                    hi = fmax(hi, m->x[k * nc + j]);
                    lo = fmin(lo, m->x[k * nc + j]);
                }
            if (hi == lo)
                continue; /* contributes nothing */
            r = m->direction[j] > 0 ? (m->x[i * nc + j] - lo) / (hi - lo)
                                    : (hi - m->x[i * nc + j]) / (hi - lo);
            best = 1;
            worst = 0;
        }
        dp += pow(wt * r - wt * best, 2);
        dm += pow(wt * r - wt * worst, 2);
    }
    dp = sqrt(dp);
    dm = sqrt(dm);
    return dp + dm > 0 ? dm / (dp + dm) : 0.5;
}

static double topsis_work[MAXA * MAXC + 2 * MAXC];

/* Run the kernel, and check it against the reference; returns the kernel's status. */
static int topsis_checked(const knee__matrix *m, int norm, double *c)
{
    size_t i;
    int rc = knee__topsis(m, norm, c, topsis_work);
    if (rc == 0)
        for (i = 0; i < m->n_opt; i++)
            CU_ASSERT(same(c[i], ref_topsis_one(m, norm, i), "topsis vs reference", (int)i, norm));
    return rc;
}

/* D+ and D- from the kernel's own normalised matrix and ideals (work, as mcda/topsis.c leaves
 * it), weights as given (all cells known). */
static void distances_from_work(const knee__matrix *m, double *dplus, double *dminus)
{
    size_t i, j, na = m->n_opt, nc = m->n_crit;
    const double *r = topsis_work, *best = r + na * nc, *worst = best + nc;
    for (i = 0; i < na; i++) {
        double a = 0, b = 0;
        for (j = 0; j < nc; j++) {
            a += pow(m->w[j] * (r[i * nc + j] - best[j]), 2);
            b += pow(m->w[j] * (r[i * nc + j] - worst[j]), 2);
        }
        dplus[i] = sqrt(a);
        dminus[i] = sqrt(b);
    }
}

/* ---- TOPSIS: published examples ----------------------------------------------------------- */

/* Hwang, C.-L. & Yoon, K. (1981). Multiple Attribute Decision Making: Methods and Applications.
 * Springer (LNEMS 186), pp. 133-134: the fighter-aircraft example. Four aircraft, six criteria:
 * maximum speed (Mach), ferry range (NM), maximum payload (lb), acquisition cost ($1e6, less is
 * better), reliability and maneuverability (qualitative ratings as numbers); weights 0.2, 0.1,
 * 0.1, 0.1, 0.2, 0.3; vector normalisation. Published figures as transcribed from the book in the
 * mcdajs TOPSIS example (normalised and weighted matrices, ideal and anti-ideal, distances to
 * 4 decimals, closeness to 3). */
/* clang-format off */
static const double hy_x[4 * 6] = {2.0, 1500, 20000, 5.5, 5, 9, 2.5, 2700, 18000, 6.5, 3, 5,
                                   1.8, 2000, 21000, 4.5, 7, 7, 2.2, 1800, 20000, 5.0, 5, 5};
static const int hy_dir[6] = {1, 1, 1, -1, 1, 1};
static const double hy_w[6] = {0.2, 0.1, 0.1, 0.1, 0.2, 0.3};
static const double hy_r[4 * 6] = {0.4671, 0.3662, 0.5056, 0.5063, 0.4811, 0.6708,
                                   0.5839, 0.6591, 0.4550, 0.5983, 0.2887, 0.3727,
                                   0.4204, 0.4882, 0.5308, 0.4143, 0.6736, 0.5217,
                                   0.5139, 0.4392, 0.5056, 0.4603, 0.4811, 0.3727};
static const double hy_v[4 * 6] = {0.0934, 0.0366, 0.0506, 0.0506, 0.0962, 0.2012,
                                   0.1168, 0.0659, 0.0455, 0.0598, 0.0577, 0.1118,
                                   0.0841, 0.0488, 0.0531, 0.0414, 0.1347, 0.1565,
                                   0.1028, 0.0439, 0.0506, 0.0460, 0.0962, 0.1118};
static const double hy_best[6] = {0.1168, 0.0659, 0.0531, 0.0414, 0.1347, 0.2012};
static const double hy_worst[6] = {0.0841, 0.0366, 0.0455, 0.0598, 0.0577, 0.1118};
static const double hy_dplus[4] = {0.0545, 0.1197, 0.0580, 0.1009};
static const double hy_dminus[4] = {0.0983, 0.0439, 0.0920, 0.0458};
static const double hy_c[4] = {0.643, 0.268, 0.613, 0.312};
/* clang-format on */

/* The book's slips, each allowed exactly what it needs. Column 4 (acquisition cost) is divided
 * by about 10.863 in the book where sqrt(5.5^2 + 6.5^2 + 4.5^2 + 5^2) = 10.851, so its normalised
 * entries are up to 0.0007 low, its weighted entries, ideal and anti-ideal up to 0.0001; r(A4,
 * ferry range) is printed 0.4392 for 1800/4096.3 = 0.43942. Carried forward: D+(A1) 0.054557
 * and D-(A1) 0.098383 print as 0.0545 and 0.0983, and C(A3) = 0.0920 / (0.0580 + 0.0920) from
 * the rounded distances prints 0.613 for 0.61354. */
static double hy_allow_r(int i, int j)
{
    return j == 3 ? 0.0008 : (i == 3 && j == 1) ? 0.00025 : 0;
}

static void test_topsis_hwang_yoon(void)
{
    knee__matrix m = matrix(4, 6, hy_x, NULL, hy_dir, hy_w);
    double c[4], dplus[4], dminus[4];
    const double *r = topsis_work, *best = r + 24, *worst = best + 6;
    int i, j;
    CU_ASSERT_EQUAL_FATAL(topsis_checked(&m, KNEE__NORM_VECTOR, c), 0);
    for (i = 0; i < 4; i++)
        for (j = 0; j < 6; j++) {
            double half = 0.00005 + 1e-12;
            CU_ASSERT(near(r[i * 6 + j], hy_r[i * 6 + j], half + hy_allow_r(i, j), "H&Y r", i, j));
            CU_ASSERT(near(hy_w[j] * r[i * 6 + j], hy_v[i * 6 + j], half + (j == 3 ? 0.00011 : 0),
                           "H&Y v", i, j));
        }
    for (j = 0; j < 6; j++) {
        double allow = 0.00005 + 1e-12 + (j == 3 ? 0.00011 : 0);
        CU_ASSERT(near(hy_w[j] * best[j], hy_best[j], allow, "H&Y ideal", 0, j));
        CU_ASSERT(near(hy_w[j] * worst[j], hy_worst[j], allow, "H&Y anti-ideal", 0, j));
    }
    distances_from_work(&m, dplus, dminus);
    for (i = 0; i < 4; i++) {
        CU_ASSERT(near(dplus[i], hy_dplus[i], 0.00005 + (i == 0 ? 0.00001 : 0), "H&Y D+", i, 0));
        CU_ASSERT(near(dminus[i], hy_dminus[i], 0.00005 + (i == 0 ? 0.00004 : 0), "H&Y D-", i, 0));
        CU_ASSERT(near(c[i], hy_c[i], 0.0005 + (i == 2 ? 0.00005 : 0), "H&Y C", i, 0));
        /* the closeness printed is the one of the printed distances, to its 3 decimals */
        CU_ASSERT(
            printed(hy_dminus[i] / (hy_dplus[i] + hy_dminus[i]), hy_c[i], 3, "H&Y C from D", i, 0));
    }
    /* ranking A1 > A3 > A4 > A2 */
    CU_ASSERT(c[0] > c[2] && c[2] > c[3] && c[3] > c[1]);
}

/* Opricovic, S. & Tzeng, G.-H. (2004). Compromise solution by MCDM methods: A comparative
 * analysis of VIKOR and TOPSIS. European Journal of Operational Research 156(2), 445-455,
 * Tables 1-3 (mountain-climbing example): A1..A3 on risk (1-5, less is better) and altitude
 * (m, more is better), weights 1/2; problem phi is the same data in other units (risk + 5,
 * altitude / 1000 - 1). Table 3 prints TOPSIS (vector normalisation) D+, D-, C* to 3 decimals
 * and the normalised r(f); values as transcribed in kds-topsis-critic docs/research/methods. */
static const double ot_f[3 * 2] = {1, 3000, 2, 3750, 5, 4500};
static const double ot_phi[3 * 2] = {6, 2.0, 7, 2.75, 10, 3.5};
static const int ot_dir[2] = {-1, 1};
static const double ot_w[2] = {0.5, 0.5};

static void test_topsis_opricovic_tzeng(void)
{
    static const double r_f[6] = {0.183, 0.456, 0.365, 0.570, 0.913, 0.684};
    static const double dp_f[3] = {0.114, 0.108, 0.365}, dm_f[3] = {0.365, 0.280, 0.114};
    static const double c_f[3] = {0.762, 0.722, 0.238};
    static const double dp_phi[3] = {0.154, 0.085, 0.147}, dm_phi[3] = {0.147, 0.134, 0.154};
    static const double c_phi[3] = {0.489, 0.612, 0.511};
    knee__matrix f = matrix(3, 2, ot_f, NULL, ot_dir, ot_w),
                 phi = matrix(3, 2, ot_phi, NULL, ot_dir, ot_w);
    double c[3], dp[3], dm[3];
    int i;
    CU_ASSERT_EQUAL_FATAL(topsis_checked(&f, KNEE__NORM_VECTOR, c), 0);
    for (i = 0; i < 6; i++)
        CU_ASSERT(printed(topsis_work[i], r_f[i], 3, "O&T r(f)", i / 2, i % 2));
    distances_from_work(&f, dp, dm);
    for (i = 0; i < 3; i++) {
        CU_ASSERT(printed(dp[i], dp_f[i], 3, "O&T D+(f)", i, 0));
        CU_ASSERT(printed(dm[i], dm_f[i], 3, "O&T D-(f)", i, 0));
        CU_ASSERT(printed(c[i], c_f[i], 3, "O&T C(f)", i, 0));
    }
    CU_ASSERT_EQUAL_FATAL(topsis_checked(&phi, KNEE__NORM_VECTOR, c), 0);
    distances_from_work(&phi, dp, dm);
    for (i = 0; i < 3; i++) {
        CU_ASSERT(printed(dp[i], dp_phi[i], 3, "O&T D+(phi)", i, 0));
        CU_ASSERT(printed(dm[i], dm_phi[i], 3, "O&T D-(phi)", i, 0));
        CU_ASSERT(printed(c[i], c_phi[i], 3, "O&T C(phi)", i, 0));
    }
    /* the paper's point: the same data in other units reverses vector-TOPSIS (A1 first for f,
     * A2 for phi), while min-max TOPSIS is unit-invariant */
    CU_ASSERT(c[1] > c[2] && c[2] > c[0]);
    {
        double c1[3], c2[3];
        CU_ASSERT_EQUAL(topsis_checked(&f, KNEE__NORM_MINMAX, c1), 0);
        CU_ASSERT_EQUAL(topsis_checked(&phi, KNEE__NORM_MINMAX, c2), 0);
        for (i = 0; i < 3; i++)
            CU_ASSERT(same(c1[i], c2[i], "min-max unit invariance", i, 0));
    }
}

/* Keshavarz Ghorabaee, M., Zavadskas, E.K., Olfat, L. & Turskis, Z. (2015). Multi-criteria
 * inventory classification using a new method of evaluation based on distance from average
 * solution (EDAS). Informatica 26(3), 435-451: Table 5 (10 options, 7 criteria, C1-C3 more
 * is better, C4-C7 less), Table 6 (seven weight sets), Table 7 (the ranks by TOPSIS and VIKOR,
 * among others, for each set). Only ranks are published; they are checked exactly. */
/* clang-format off */
static const double kg_x[10 * 7] = {
    23, 264, 2.37, 0.05, 167, 8900,  8.71,  20, 220, 2.2,  0.04, 171, 9100,  8.23,
    17, 231, 1.98, 0.15, 192, 10800, 9.91,  12, 210, 1.73, 0.2,  195, 12300, 10.21,
    15, 243, 2,    0.14, 187, 12600, 9.34,  14, 222, 1.89, 0.13, 180, 13200, 9.22,
    21, 262, 2.43, 0.06, 160, 10300, 8.93,  20, 256, 2.6,  0.07, 163, 11400, 8.44,
    19, 266, 2.1,  0.06, 157, 11200, 9.04,  8,  218, 1.94, 0.11, 190, 13400, 10.11};
static const int kg_dir[7] = {1, 1, 1, -1, -1, -1, -1};
static const double kg_w[7][7] = {{0.250, 0.214, 0.179, 0.143, 0.107, 0.071, 0.036},
                                  {0.182, 0.212, 0.182, 0.152, 0.121, 0.091, 0.061},
                                  {0.139, 0.167, 0.194, 0.167, 0.139, 0.111, 0.083},
                                  {0.108, 0.135, 0.162, 0.189, 0.162, 0.135, 0.108},
                                  {0.083, 0.111, 0.139, 0.167, 0.194, 0.167, 0.139},
                                  {0.061, 0.091, 0.121, 0.152, 0.182, 0.212, 0.182},
                                  {0.036, 0.071, 0.107, 0.143, 0.179, 0.214, 0.250}};
static const int kg_topsis_rank[7][10] = {
    {1, 4, 6, 10, 7, 8, 2, 3, 5, 9}, {1, 4, 6, 10, 7, 8, 2, 3, 5, 9},
    {1, 3, 9, 10, 8, 7, 2, 4, 5, 6}, {1, 2, 9, 10, 8, 7, 3, 5, 4, 6},
    {1, 2, 9, 10, 8, 7, 3, 5, 4, 6}, {1, 2, 9, 10, 8, 7, 3, 5, 4, 6},
    {1, 2, 9, 10, 8, 7, 3, 5, 4, 6}};
static const int kg_vikor_rank[7][10] = {
    {2, 5, 7, 9, 6, 8, 1, 3, 4, 10}, {2, 5, 7, 10, 6, 8, 1, 3, 4, 9},
    {2, 5, 7, 10, 6, 8, 1, 3, 4, 9}, {1, 5, 8, 10, 6, 7, 2, 3, 4, 9},
    {1, 5, 8, 10, 6, 7, 2, 3, 4, 9}, {1, 3, 6, 9, 7, 8, 2, 4, 5, 10},
    {1, 2, 8, 10, 6, 7, 3, 4, 5, 9}};
/* clang-format on */

static void test_topsis_keshavarz_ranks(void)
{
    int s, i, rank[10];
    for (s = 0; s < 7; s++) {
        double w[7], c[10];
        knee__matrix m = matrix(10, 7, kg_x, NULL, kg_dir, w);
        memcpy(w, kg_w[s], sizeof w);
        normalise(w, 7);
        CU_ASSERT_EQUAL_FATAL(topsis_checked(&m, KNEE__NORM_VECTOR, c), 0);
        ranks_of(c, 10, 1, rank);
        for (i = 0; i < 10; i++)
            CU_ASSERT(near(rank[i], kg_topsis_rank[s][i], 0, "KG2015 TOPSIS rank", s, i));
    }
}

/* ---- TOPSIS: edge cases ---------------------------------------------------------------------- */

static void test_topsis_edges(void)
{
    static const double x[4 * 3] = {1, 7, 5, 3, 7, 2, 2, 7, 9, 3, 7, 2};
    static const double x0[4 * 2] = {1, 5, 3, 2, 2, 9, 3, 2};
    static const double zero_col[4 * 3] = {1, 0, 5, 3, 0, 2, 2, 0, 9, 3, 0, 2};
    static const int dir[3] = {1, -1, -1}, dir0[2] = {1, -1};
    static const double w[3] = {0.3, 0.3, 0.4}, w0[2] = {0.3 / 0.7, 0.4 / 0.7};
    static const double x12[4 * 2] = {7, 5, 7, 2, 7, 9, 7, 2};
    static const int dir12[2] = {-1, -1};
    static const double wz[3] = {0, 0.5, 0.5}, wz0[2] = {0.5, 0.5};
    double c[4], c0[4], one;
    int norm, i;
    knee__matrix m;
    for (norm = 0; norm <= 1; norm++) {
        /* A constant column (criterion 2) contributes nothing: same closeness as without it. */
        m = matrix(4, 3, x, NULL, dir, w);
        CU_ASSERT_EQUAL(topsis_checked(&m, norm, c), 0);
        m = matrix(4, 2, x0, NULL, dir0, w0);
        CU_ASSERT_EQUAL(topsis_checked(&m, norm, c0), 0);
        for (i = 0; i < 4; i++)
            CU_ASSERT(same(c[i], c0[i], "constant column", i, norm));
        /* ...and so does an all-zero column (no division by a zero norm) */
        m = matrix(4, 3, zero_col, NULL, dir, w);
        CU_ASSERT_EQUAL(topsis_checked(&m, norm, c), 0);
        for (i = 0; i < 4; i++)
            CU_ASSERT(same(c[i], c0[i], "zero column", i, norm));
        /* A zero weight: the criterion is ignored. */
        m = matrix(4, 3, x, NULL, dir, wz);
        CU_ASSERT_EQUAL(topsis_checked(&m, norm, c), 0);
        m = matrix(4, 2, x12, NULL, dir12, wz0);
        CU_ASSERT_EQUAL(topsis_checked(&m, norm, c0), 0);
        for (i = 0; i < 4; i++)
            CU_ASSERT(same(c[i], c0[i], "zero weight", i, norm));
        /* Ties: options 2 and 4 are identical. */
        m = matrix(4, 3, x, NULL, dir, w);
        CU_ASSERT_EQUAL(topsis_checked(&m, norm, c), 0);
        CU_ASSERT_EQUAL(c[1], c[3]);
        /* One option: nothing to tell apart, 1/2. */
        m = matrix(1, 3, x, NULL, dir, w);
        CU_ASSERT_EQUAL(topsis_checked(&m, norm, &one), 0);
        CU_ASSERT_EQUAL(one, 0.5);
        /* No option: nothing to do, success. */
        m = matrix(0, 3, x, NULL, dir, w);
        CU_ASSERT_EQUAL(knee__topsis(&m, norm, NULL, NULL), 0);
    }
}

static void test_topsis_missing(void)
{
    static const double x[3 * 3] = {1, 5, 3, 2, NAN, 1, 4, 2, 2};
    static const unsigned char known[9] = {1, 1, 1, 1, 0, 1, 1, 1, 1};
    static const unsigned char none_for_1[9] = {1, 1, 1, 0, 0, 0, 1, 1, 1};
    static const int dir[3] = {1, 1, -1};
    static const double w[3] = {0.2, 0.5, 0.3};
    static const double x2[3 * 3] = {1, 5, 3, 2, 9, 1, 4, 2, 2};
    double c[3];
    knee__matrix m = matrix(3, 3, x, known, dir, w);
    int norm;
    for (norm = 0; norm <= 1; norm++) {
        double c2[3];
        int i;
        CU_ASSERT_EQUAL(topsis_checked(&m, norm, c), 0);
        CU_ASSERT(c[1] >= 0 && c[1] <= 1);
        /* the missing cell's value is never read: any value there gives the same result */
        m.x = x2;
        CU_ASSERT_EQUAL(topsis_checked(&m, norm, c2), 0);
        for (i = 0; i < 3; i++)
            CU_ASSERT_EQUAL(c2[i], c[i]);
        /* ...not the same as knowing it, though: 9 would be the best on criterion 2 */
        m.known = NULL;
        CU_ASSERT_EQUAL(topsis_checked(&m, norm, c2), 0);
        CU_ASSERT(c2[1] != c[1]);
        m.x = x;
        m.known = known;
        /* An option with no known criterion has nothing to score: 0. */
        m.known = none_for_1;
        CU_ASSERT_EQUAL(topsis_checked(&m, norm, c), 0);
        CU_ASSERT_EQUAL(c[1], 0);
        m.known = known;
    }
}

static void test_topsis_bad_arguments(void)
{
    static const double x[2 * 2] = {1, 2, 3, 4}, xnan[4] = {1, NAN, 3, 4},
                              xinf[4] = {1, 2, INFINITY, 4};
    static const int dir[2] = {1, 1}, bad_dir[2] = {1, 0};
    static const double w[2] = {0.5, 0.5}, neg[2] = {1.5, -0.5}, zero[2] = {0, 0},
                        wnan[2] = {NAN, 1};
    double c[2];
    knee__matrix m = matrix(2, 2, x, NULL, dir, w);
    CU_ASSERT_EQUAL(knee__topsis(NULL, 0, c, topsis_work), -1);
    CU_ASSERT_EQUAL(knee__topsis(&m, 2, c, topsis_work), -1);
    CU_ASSERT_EQUAL(knee__topsis(&m, 0, NULL, topsis_work), -1);
    CU_ASSERT_EQUAL(knee__topsis(&m, 0, c, NULL), -1);
    m.x = xnan;
    CU_ASSERT_EQUAL(knee__topsis(&m, 0, c, topsis_work), -1);
    m.x = xinf;
    CU_ASSERT_EQUAL(knee__topsis(&m, 1, c, topsis_work), -1);
    m.x = x;
    m.direction = bad_dir;
    CU_ASSERT_EQUAL(knee__topsis(&m, 0, c, topsis_work), -1);
    m.direction = dir;
    m.w = neg;
    CU_ASSERT_EQUAL(knee__topsis(&m, 0, c, topsis_work), -1);
    m.w = zero;
    CU_ASSERT_EQUAL(knee__topsis(&m, 0, c, topsis_work), -1);
    m.w = wnan;
    CU_ASSERT_EQUAL(knee__topsis(&m, 0, c, topsis_work), -1);
}

/* Extreme magnitudes: no overflow in the vector norm or the min-max range. */
static void test_topsis_extremes(void)
{
    static const double x[3 * 2] = {1e300, -1e308, 5e299, 1e308, -1e300, 0};
    static const int dir[2] = {1, -1};
    static const double w[2] = {0.5, 0.5};
    double c[3];
    knee__matrix m = matrix(3, 2, x, NULL, dir, w);
    int norm, i;
    for (norm = 0; norm <= 1; norm++) {
        CU_ASSERT_EQUAL(knee__topsis(&m, norm, c, topsis_work), 0);
        for (i = 0; i < 3; i++)
            CU_ASSERT(isfinite(c[i]) && c[i] >= 0 && c[i] <= 1);
    }
}

static void test_topsis_random(void)
{
    int t;
    for (t = 0; t < 600; t++) {
        problem p;
        double c[MAXA];
        knee__matrix m;
        random_problem(&p);
        m = problem_matrix(&p);
        CU_ASSERT_EQUAL(topsis_checked(&m, KNEE__NORM_VECTOR, c), 0);
        CU_ASSERT_EQUAL(topsis_checked(&m, KNEE__NORM_MINMAX, c), 0);
    }
}

/* ---- PROMETHEE II: reference ----------------------------------------------------------------- */

static double ref_pref(const knee__pref_fn *f, double d)
{
    if (d <= 0)
        return 0;
    switch (f->type) {
    case KNEE__PREF_USUAL:
        return 1;
    case KNEE__PREF_USHAPE:
        return d > f->q;
    case KNEE__PREF_VSHAPE:
        return f->p == 0 ? 1 : fmin(1, d / f->p);
    case KNEE__PREF_LEVEL:
        return d > f->p ? 1 : d > f->q ? 0.5 : 0;
    case KNEE__PREF_LINEAR:
        return f->p == f->q ? (d > f->q) : fmin(1, fmax(0, (d - f->q) / (f->p - f->q)));
    default:
        return 1 - exp(-d * d / (2 * f->s * f->s));
    }
}

/* Brans & Vincke: the whole preference matrix pi(a,b) = sum_j w_j P_j(a,b) / sum_j w_j, then
 * row and column means. */
static void ref_promethee(const knee__matrix *m, const knee__pref_fn *fn, double *plus,
                          double *minus, double *net)
{
    static double pi[MAXA][MAXA];
    size_t a, b, j, na = m->n_opt, nc = m->n_crit;
    double W = 0;
    for (j = 0; j < nc; j++)
        W += m->w[j];
    for (a = 0; a < na; a++)
        for (b = 0; b < na; b++) {
            pi[a][b] = 0;
            if (a == b)
                continue;
            for (j = 0; j < nc; j++)
                if (is_known(m, a, j) && is_known(m, b, j))
                    pi[a][b] +=
                        m->w[j] *
                        ref_pref(&fn[j], m->direction[j] * (m->x[a * nc + j] - m->x[b * nc + j]));
            pi[a][b] /= W;
        }
    for (a = 0; a < na; a++) {
        plus[a] = minus[a] = 0;
        for (b = 0; b < na; b++) {
            plus[a] += pi[a][b];
            minus[a] += pi[b][a];
        }
        if (na > 1) {
            plus[a] /= (double)(na - 1);
            minus[a] /= (double)(na - 1);
        }
        net[a] = plus[a] - minus[a];
    }
}

static int promethee_checked(const knee__matrix *m, const knee__pref_fn *fn, double *plus,
                             double *minus, double *net)
{
    double rp[MAXA], rm[MAXA], rn[MAXA];
    size_t i;
    int rc = knee__promethee2(m, fn, plus, minus, net);
    if (rc != 0)
        return rc;
    ref_promethee(m, fn, rp, rm, rn);
    for (i = 0; i < m->n_opt; i++) {
        CU_ASSERT(same(plus[i], rp[i], "phi+ vs reference", (int)i, 0));
        CU_ASSERT(same(minus[i], rm[i], "phi- vs reference", (int)i, 0));
        CU_ASSERT(same(net[i], rn[i], "phi vs reference", (int)i, 0));
    }
    return 0;
}

/* pi(a,b) from the kernel: with two options phi+(a) = pi(a,b). */
static double kernel_pi(const knee__matrix *m, const knee__pref_fn *fn, size_t a, size_t b)
{
    double x[2 * MAXC], plus[2], minus[2], net[2];
    knee__matrix two = *m;
    memcpy(x, m->x + a * m->n_crit, m->n_crit * sizeof *x);
    memcpy(x + m->n_crit, m->x + b * m->n_crit, m->n_crit * sizeof *x);
    two.n_opt = 2;
    two.x = x;
    two.known = NULL;
    CU_ASSERT_EQUAL(knee__promethee2(&two, fn, plus, minus, net), 0);
    return plus[0];
}

/* ---- PROMETHEE II: published example --------------------------------------------------------- */

/* Brans, J.-P., Vincke, Ph. & Mareschal, B. (1986). How to select and how to rank projects: The
 * PROMETHEE method. European Journal of Operational Research 24(2), 228-238 (the example of
 * Brans & Vincke 1985, Management Science 31(6), 647-656): where to build a hydroelectric power
 * station. Six sites (a1 Italy ... a6 France), six criteria with one preference function each:
 * f1 manpower (min, U-shape q = 10), f2 power MW (max, V-shape p = 30), f3 construction cost
 * (min, linear q = 50 p = 500), f4 maintenance cost (min, level q = 10 p = 60), f5 villages to
 * evacuate (min, usual), f6 security (max, Gaussian s = 5); equal weights. Input as in
 * Mareschal's teaching copy (Exercises with Visual PROMETHEE, 2019, Table 1). Published: the
 * preference matrix pi to 3 decimals and the net flows as sums over the other sites (not
 * divided by n-1), ranking a5 > a2 > a4 > a6 > a3 > a1, and a1, a2 incomparable in PROMETHEE I;
 * as transcribed in kds-topsis-critic docs/research/methods/promethee-ii.md. The source rounds
 * pi to 3 decimals before summing: 7 of its 30 pi are off by up to 0.00096 (listed below), and
 * its net flows (sums of rounded pi) by up to 0.0020 (a4: -0.102 for -0.1000); both are checked
 * with those allowances, and the printed flows are checked against the printed pi to their own
 * rounding. */
/* clang-format off */
static const double bvm_x[6 * 6] = {80, 90, 600,  54, 8, 5,   /* a1 */
                                    65, 58, 200,  97, 1, 1,   /* a2 */
                                    83, 60, 400,  72, 4, 7,   /* a3 */
                                    40, 80, 1000, 75, 7, 10,  /* a4 */
                                    52, 72, 600,  20, 3, 8,   /* a5 */
                                    94, 96, 700,  36, 5, 6};  /* a6 */
static const int bvm_dir[6] = {-1, 1, -1, -1, -1, 1};
static const knee__pref_fn bvm_fn[6] = {
    {KNEE__PREF_USHAPE, 10, 0, 0}, {KNEE__PREF_VSHAPE, 0, 30, 0}, {KNEE__PREF_LINEAR, 50, 500, 0},
    {KNEE__PREF_LEVEL, 10, 60, 0}, {KNEE__PREF_USUAL, 0, 0, 0},   {KNEE__PREF_GAUSSIAN, 0, 0, 5}};
static const double bvm_pi[6][6] = {{0, .296, .250, .268, .100, .185},
                                    {.462, 0, .389, .333, .296, .500},
                                    {.236, .180, 0, .333, .056, .429},
                                    {.399, .505, .305, 0, .223, .212},
                                    {.444, .515, .487, .380, 0, .448},
                                    {.286, .399, .250, .432, .133, 0}};
static const double bvm_net_sum[6] = {-0.728, 0.085, -0.447, -0.102, 1.466, -0.274};
/* clang-format on */

static int bvm_pi_rounded_in_source(int a, int b)
{
    static const int slips[7][2] = {{0, 3}, {1, 0}, {2, 0}, {3, 1}, {3, 4}, {5, 0}, {5, 3}};
    int k;
    for (k = 0; k < 7; k++)
        if (slips[k][0] == a && slips[k][1] == b)
            return 1;
    return 0;
}

static void test_promethee_brans_1986(void)
{
    double w[6] = {1, 1, 1, 1, 1, 1}, plus[6], minus[6], net[6];
    knee__matrix m = matrix(6, 6, bvm_x, NULL, bvm_dir, w);
    int a, b, rank[6];
    static const int want_rank[6] = {6, 2, 5, 3, 1, 4};
    normalise(w, 6);
    for (a = 0; a < 6; a++)
        for (b = 0; b < 6; b++)
            if (a != b)
                CU_ASSERT(near(kernel_pi(&m, bvm_fn, (size_t)a, (size_t)b), bvm_pi[a][b],
                               bvm_pi_rounded_in_source(a, b) ? 0.00097 : 0.0005 + 1e-12, "BVM pi",
                               a, b));
    CU_ASSERT_EQUAL_FATAL(promethee_checked(&m, bvm_fn, plus, minus, net), 0);
    for (a = 0; a < 6; a++) {
        double sum = 0;
        for (b = 0; b < 6; b++)
            sum += bvm_pi[a][b] - bvm_pi[b][a];
        CU_ASSERT(
            near(sum, bvm_net_sum[a], 0.0005 + 1e-12, "BVM printed flow vs printed pi", a, 0));
        CU_ASSERT(near(net[a] * 5, bvm_net_sum[a], 0.0021, "BVM net flow (sum)", a, 0));
    }
    ranks_of(net, 6, 1, rank);
    for (a = 0; a < 6; a++)
        CU_ASSERT_EQUAL(rank[a], want_rank[a]);
    /* PROMETHEE I: a1 and a2 are incomparable (the flows disagree) */
    CU_ASSERT((plus[0] - plus[1]) * (minus[1] - minus[0]) < 0);
    /* Mareschal (2019), the same example: with f2's weight 50 and the others 10, France (a6)
     * ranks first; with f5's weight 55 and the others 9, Belgium (a2) does. */
    {
        double w2[6] = {10, 50, 10, 10, 10, 10}, w5[6] = {9, 9, 9, 9, 55, 9};
        normalise(w2, 6);
        normalise(w5, 6);
        m.w = w2;
        CU_ASSERT_EQUAL(promethee_checked(&m, bvm_fn, plus, minus, net), 0);
        ranks_of(net, 6, 1, rank);
        CU_ASSERT_EQUAL(rank[5], 1);
        m.w = w5;
        CU_ASSERT_EQUAL(promethee_checked(&m, bvm_fn, plus, minus, net), 0);
        ranks_of(net, 6, 1, rank);
        CU_ASSERT_EQUAL(rank[1], 1);
    }
}

/* ---- PROMETHEE II: preference functions and edge cases -------------------------------------- */

/* P(d) of the kernel, read as pi(a,b) of a one-criterion, two-option problem. */
static double kernel_p(knee__pref_fn f, double d)
{
    double x[2] = {d, 0}, w = 1, plus[2], minus[2], net[2];
    int dir = 1;
    knee__matrix m = matrix(2, 1, x, NULL, &dir, &w);
    CU_ASSERT_EQUAL(knee__promethee2(&m, &f, plus, minus, net), 0);
    if (d >= 0)
        CU_ASSERT_EQUAL(minus[0], 0);
    return plus[0];
}

static void test_promethee_functions(void)
{
    knee__pref_fn usual = {KNEE__PREF_USUAL, 0, 0, 0}, u = {KNEE__PREF_USHAPE, 2, 0, 0};
    knee__pref_fn v = {KNEE__PREF_VSHAPE, 0, 4, 0}, level = {KNEE__PREF_LEVEL, 1, 3, 0};
    knee__pref_fn lin = {KNEE__PREF_LINEAR, 1, 3, 0}, g = {KNEE__PREF_GAUSSIAN, 0, 0, 2};
    knee__pref_fn step_lin = {KNEE__PREF_LINEAR, 2, 2, 0}, step_v = {KNEE__PREF_VSHAPE, 0, 0, 0};
    CU_ASSERT_EQUAL(kernel_p(usual, 0), 0);
    CU_ASSERT_EQUAL(kernel_p(usual, 1e-9), 1);
    CU_ASSERT_EQUAL(kernel_p(usual, -3), 0);
    CU_ASSERT_EQUAL(kernel_p(u, 2), 0); /* up to q: indifference */
    CU_ASSERT_EQUAL(kernel_p(u, 2.5), 1);
    CU_ASSERT_EQUAL(kernel_p(v, 1), 0.25);
    CU_ASSERT_EQUAL(kernel_p(v, 4), 1);
    CU_ASSERT_EQUAL(kernel_p(v, 9), 1);
    CU_ASSERT_EQUAL(kernel_p(level, 1), 0);
    CU_ASSERT_EQUAL(kernel_p(level, 2), 0.5);
    CU_ASSERT_EQUAL(kernel_p(level, 3), 0.5);
    CU_ASSERT_EQUAL(kernel_p(level, 3.5), 1);
    CU_ASSERT_EQUAL(kernel_p(lin, 1), 0);
    CU_ASSERT_EQUAL(kernel_p(lin, 2), 0.5);
    CU_ASSERT_EQUAL(kernel_p(lin, 3), 1);
    CU_ASSERT_EQUAL(kernel_p(lin, 7), 1);
    CU_ASSERT(same(kernel_p(g, 2), 1 - exp(-0.5), "Gaussian at s", 0, 0));
    CU_ASSERT(same(kernel_p(g, 4), 1 - exp(-2), "Gaussian at 2s", 0, 0));
    CU_ASSERT_EQUAL(kernel_p(step_lin, 2), 0); /* p == q: a step, no division by zero */
    CU_ASSERT_EQUAL(kernel_p(step_lin, 2.1), 1);
    CU_ASSERT_EQUAL(kernel_p(step_v, 0.1), 1); /* p == 0: the usual criterion */
    CU_ASSERT_EQUAL(kernel_p(g, 1e300), 1);
}

static void test_promethee_edges(void)
{
    static const double x[4 * 3] = {1, 7, 5, 3, 7, 2, 2, 7, 9, 3, 7, 2};
    static const double x0[4 * 2] = {1, 5, 3, 2, 2, 9, 3, 2};
    static const int dir[3] = {1, -1, -1}, dir0[2] = {1, -1};
    static const double w[3] = {0.3, 0.3, 0.4}, w0[2] = {0.3 / 0.7, 0.4 / 0.7};
    static const double x12[4 * 2] = {7, 5, 7, 2, 7, 9, 7, 2};
    static const int dir12[2] = {-1, -1};
    static const double wz[3] = {0, 0.3, 0.7}, wz0[2] = {0.3, 0.7};
    knee__pref_fn fn12[2] = {{KNEE__PREF_USUAL, 0, 0, 0}, {KNEE__PREF_GAUSSIAN, 0, 0, 3}};
    knee__pref_fn fn[3] = {{KNEE__PREF_LINEAR, 0.5, 2, 0},
                           {KNEE__PREF_USUAL, 0, 0, 0},
                           {KNEE__PREF_GAUSSIAN, 0, 0, 3}};
    knee__pref_fn fn0[2] = {{KNEE__PREF_LINEAR, 0.5, 2, 0}, {KNEE__PREF_GAUSSIAN, 0, 0, 3}};
    double p[4], mi[4], n[4], p0[4], m0[4], n0[4], total = 0;
    knee__matrix m = matrix(4, 3, x, NULL, dir, w), m_0 = matrix(4, 2, x0, NULL, dir0, w0);
    int i;
    /* A constant column: P = 0 on it, so the flows are those without it, scaled by the weight
     * of the other criteria (pi divides by the weight of all of them). */
    CU_ASSERT_EQUAL(promethee_checked(&m, fn, p, mi, n), 0);
    CU_ASSERT_EQUAL(promethee_checked(&m_0, fn0, p0, m0, n0), 0);
    for (i = 0; i < 4; i++) {
        CU_ASSERT(same(n[i], 0.7 * n0[i], "constant column", i, 0));
        total += n[i];
    }
    CU_ASSERT(fabs(total) < 1e-12); /* net flows sum to 0 */
    CU_ASSERT_EQUAL(n[1], n[3]);    /* identical options tie */
    /* A zero weight: the criterion is ignored. */
    m.w = wz;
    m_0 = matrix(4, 2, x12, NULL, dir12, wz0);
    CU_ASSERT_EQUAL(promethee_checked(&m, fn, p, mi, n), 0);
    CU_ASSERT_EQUAL(promethee_checked(&m_0, fn12, p0, m0, n0), 0);
    for (i = 0; i < 4; i++)
        CU_ASSERT(same(n[i], n0[i], "zero weight", i, 0));
    /* One option: flows 0. None: success, nothing written. */
    m.n_opt = 1;
    CU_ASSERT_EQUAL(promethee_checked(&m, fn, p, mi, n), 0);
    CU_ASSERT(p[0] == 0 && mi[0] == 0 && n[0] == 0);
    m.n_opt = 0;
    CU_ASSERT_EQUAL(knee__promethee2(&m, fn, NULL, NULL, NULL), 0);
}

static void test_promethee_missing(void)
{
    static const double x[3 * 2] = {1, 5, NAN, 2, 4, 9};
    static const unsigned char known[6] = {1, 1, 0, 1, 1, 1};
    static const int dir[2] = {1, 1};
    static const double w[2] = {0.5, 0.5};
    knee__pref_fn fn[2] = {{KNEE__PREF_USUAL, 0, 0, 0}, {KNEE__PREF_USUAL, 0, 0, 0}};
    double p[3], mi[3], n[3];
    knee__matrix m = matrix(3, 2, x, known, dir, w);
    CU_ASSERT_EQUAL(promethee_checked(&m, fn, p, mi, n), 0);
    /* Option 2 is compared on criterion 2 only: it loses there to 1 and 3 (pi = 1/2 each)
     * and is neither preferred nor beaten on criterion 1. */
    CU_ASSERT(same(p[1], 0, "missing phi+", 1, 0));
    CU_ASSERT(same(mi[1], 0.5, "missing phi-", 1, 0));
    /* 1 against 3: 3 better on both, pi(3,1) = 1 */
    CU_ASSERT(same(p[2], (1 + 0.5) / 2, "missing phi+", 2, 0));
}

static void test_promethee_bad_arguments(void)
{
    static const double x[4] = {1, 2, 3, 4}, xnan[4] = {1, 2, NAN, 4};
    static const int dir[2] = {1, 1};
    static const double w[2] = {0.5, 0.5};
    static const knee__pref_fn bad[] = {{KNEE__PREF_LINEAR, 3, 2, 0},
                                        {KNEE__PREF_LEVEL, -1, 2, 0},
                                        {KNEE__PREF_USHAPE, -0.5, 0, 0},
                                        {KNEE__PREF_VSHAPE, 0, -1, 0},
                                        {KNEE__PREF_GAUSSIAN, 0, 0, 0},
                                        {KNEE__PREF_GAUSSIAN, 0, 0, NAN},
                                        {KNEE__PREF_LINEAR, 0, INFINITY, 0},
                                        {6, 0, 0, 0},
                                        {-1, 0, 0, 0}};
    knee__pref_fn fn[2] = {{KNEE__PREF_USUAL, 0, 0, 0}, {KNEE__PREF_USUAL, 0, 0, 0}};
    double p[2], mi[2], n[2];
    knee__matrix m = matrix(2, 2, x, NULL, dir, w);
    size_t k;
    for (k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        fn[1] = bad[k];
        CU_ASSERT_EQUAL(knee__promethee2(&m, fn, p, mi, n), -1);
    }
    fn[1] = fn[0];
    CU_ASSERT_EQUAL(knee__promethee2(&m, fn, p, mi, n), 0);
    CU_ASSERT_EQUAL(knee__promethee2(&m, NULL, p, mi, n), -1);
    CU_ASSERT_EQUAL(knee__promethee2(&m, fn, p, NULL, n), -1);
    m.x = xnan;
    CU_ASSERT_EQUAL(knee__promethee2(&m, fn, p, mi, n), -1);
}

static void test_promethee_random(void)
{
    int t;
    for (t = 0; t < 600; t++) {
        problem p;
        double plus[MAXA], minus[MAXA], net[MAXA];
        knee__matrix m;
        random_problem(&p);
        m = problem_matrix(&p);
        CU_ASSERT_EQUAL(promethee_checked(&m, p.fn, plus, minus, net), 0);
    }
}

/* ---- VIKOR: reference ------------------------------------------------------------------------ */

typedef struct ref_vikor_out {
    double S[MAXA], R[MAXA], Q[MAXA];
    unsigned char in[MAXA];
    int ambiguous; /* a Q gap or tie so close to a threshold that rounding may decide it */
} ref_vikor_out;

static const double *qsort_q;
static int by_q(const void *a, const void *b)
{
    size_t i = *(const size_t *)a, k = *(const size_t *)b;
    if (qsort_q[i] != qsort_q[k])
        return qsort_q[i] < qsort_q[k] ? -1 : 1;
    return i < k ? -1 : 1;
}

/* Opricovic & Tzeng (2004) section 2, step by step, over each option's known criteria. */
static void ref_vikor(const knee__matrix *m, double v, ref_vikor_out *o)
{
    size_t i, j, k, na = m->n_opt, nc = m->n_crit, order[MAXA], scored = 0, first;
    double smin = INFINITY, smax = -INFINITY, rmin = INFINITY, rmax = -INFINITY;
    int has[MAXA];
    o->ambiguous = 0;
    for (i = 0; i < na; i++) {
        double W = 0;
        o->S[i] = o->R[i] = 0;
        for (j = 0; j < nc; j++)
            if (is_known(m, i, j))
                W += m->w[j];
        has[i] = W > 0;
        if (!has[i]) {
            o->S[i] = o->R[i] = o->Q[i] = 1;
            continue;
        }
        for (j = 0; j < nc; j++) {
            double fbest = 0, fworst = 0, t;
            int any = 0;
            if (!is_known(m, i, j))
                continue;
            for (k = 0; k < na; k++)
                if (is_known(m, k, j)) {
                    double xv = m->direction[j] * m->x[k * nc + j];
                    fbest = any ? fmax(fbest, xv) : xv;
                    fworst = any ? fmin(fworst, xv) : xv;
                    any = 1;
                }
            if (fbest == fworst)
                continue;
            t = m->w[j] / W * (fbest - m->direction[j] * m->x[i * nc + j]) / (fbest - fworst);
            o->S[i] += t;
            o->R[i] = fmax(o->R[i], t);
        }
        smin = fmin(smin, o->S[i]);
        smax = fmax(smax, o->S[i]);
        rmin = fmin(rmin, o->R[i]);
        rmax = fmax(rmax, o->R[i]);
    }
    for (i = 0; i < na; i++) {
        if (!has[i])
            continue;
        o->Q[i] = v * (smax > smin ? (o->S[i] - smin) / (smax - smin) : 0) +
                  (1 - v) * (rmax > rmin ? (o->R[i] - rmin) / (rmax - rmin) : 0);
        order[scored++] = i;
    }
    qsort_q = o->Q;
    qsort(order, scored, sizeof order[0], by_q);
    memset(o->in, 0, sizeof o->in);
    if (scored == 0)
        return;
    first = order[0];
    o->in[first] = 1;
    if (scored > 1) {
        double dq = 1.0 / (double)(scored - 1);
        size_t second = order[1];
        int c1 = o->Q[second] - o->Q[first] >= dq - 1e-12;
        int c2 = o->S[first] <= smin || o->R[first] <= rmin;
        for (k = 0; k < scored; k++) {
            double gap = o->Q[order[k]] - o->Q[first];
            /* a gap within rounding of the C1 threshold (DQ less the slack), or two Q values
             * that are equal in exact arithmetic but not in floating point */
            if (fabs(gap - (dq - 1e-12)) < 1e-13 || (gap != 0 && fabs(gap) < 1e-9))
                o->ambiguous = 1;
        }
        if (fabs(o->S[first] - smin) < 1e-9 && o->S[first] != smin)
            o->ambiguous = 1;
        if (fabs(o->R[first] - rmin) < 1e-9 && o->R[first] != rmin)
            o->ambiguous = 1;
        if (!c1) {
            for (k = 1; k < scored; k++)
                if (o->Q[order[k]] - o->Q[first] < dq - 1e-12)
                    o->in[order[k]] = 1;
        } else if (!c2) {
            o->in[second] = 1;
        }
    }
}

typedef struct vikor_run {
    double S[MAXA], R[MAXA], Q[MAXA], work[2 * MAXC + MAXA];
    unsigned char in[MAXA];
    size_t order[MAXA];
} vikor_run;

static int vikor_checked(const knee__matrix *m, double v, vikor_run *k)
{
    ref_vikor_out ref;
    size_t i;
    int rc = knee__vikor(m, v, k->S, k->R, k->Q, k->in, k->work, k->order);
    if (rc != 0)
        return rc;
    ref_vikor(m, v, &ref);
    for (i = 0; i < m->n_opt; i++) {
        CU_ASSERT(same(k->S[i], ref.S[i], "S vs reference", (int)i, 0));
        CU_ASSERT(same(k->R[i], ref.R[i], "R vs reference", (int)i, 0));
        CU_ASSERT(same(k->Q[i], ref.Q[i], "Q vs reference", (int)i, 0));
        if (!ref.ambiguous)
            CU_ASSERT(near(k->in[i], ref.in[i], 0, "compromise vs reference", (int)i, 0));
    }
    /* order_work: a permutation, by non-decreasing Q among the scored options */
    for (i = 0; i + 1 < m->n_opt; i++)
        CU_ASSERT(k->Q[k->order[i]] <= k->Q[k->order[i + 1]] || k->Q[k->order[i + 1]] == 1);
    return 0;
}

/* ---- VIKOR: published examples ------------------------------------------------------------ */

/* Opricovic & Tzeng (2004), Tables 1-3 (see the TOPSIS test above): VIKOR with v = 0.5 gives
 * S = 0.5, 0.375, 0.5; R = 0.5, 0.25, 0.5; Q = 1, 0, 1, the same for problem phi, and the
 * compromise solution A2 (both conditions hold). */
static void test_vikor_opricovic_tzeng(void)
{
    static const double S[3] = {0.5, 0.375, 0.5}, R[3] = {0.5, 0.25, 0.5}, Q[3] = {1, 0, 1};
    const double *data[2] = {ot_f, ot_phi};
    int d, i;
    for (d = 0; d < 2; d++) {
        knee__matrix m = matrix(3, 2, data[d], NULL, ot_dir, ot_w);
        vikor_run k;
        CU_ASSERT_EQUAL_FATAL(vikor_checked(&m, 0.5, &k), 0);
        for (i = 0; i < 3; i++) {
            CU_ASSERT(printed(k.S[i], S[i], 3, "O&T S", d, i));
            CU_ASSERT(printed(k.R[i], R[i], 3, "O&T R", d, i));
            CU_ASSERT(printed(k.Q[i], Q[i], 3, "O&T Q", d, i));
            CU_ASSERT_EQUAL(k.in[i], i == 1);
        }
        CU_ASSERT_EQUAL(k.order[0], 1);
    }
}

/* Keshavarz Ghorabaee et al. (2015), Tables 5-7 (see the TOPSIS test above): the VIKOR ranks
 * for the seven weight sets (v = 0.5, the paper's default). The paper gives no compromise sets;
 * in every set C1 fails (the first two Q differ by less than DQ = 1/9), so the set is a1..aM.
 * The sets below are derived, not published (they agree with the reference above). */
static void test_vikor_keshavarz_ranks(void)
{
    static const char *sets[7] = {"1,7,8", "1,7,8", "1,7,8", "1,7", "1,7", "1,7", "1,2"};
    int s, i, rank[10];
    for (s = 0; s < 7; s++) {
        double w[7];
        char got[32] = "";
        knee__matrix m = matrix(10, 7, kg_x, NULL, kg_dir, w);
        vikor_run k;
        memcpy(w, kg_w[s], sizeof w);
        normalise(w, 7);
        CU_ASSERT_EQUAL_FATAL(vikor_checked(&m, 0.5, &k), 0);
        ranks_of(k.Q, 10, 0, rank);
        for (i = 0; i < 10; i++) {
            CU_ASSERT(near(rank[i], kg_vikor_rank[s][i], 0, "KG2015 VIKOR rank", s, i));
            if (k.in[i])
                snprintf(got + strlen(got), sizeof got - strlen(got), "%s%d", *got ? "," : "",
                         i + 1);
        }
        CU_ASSERT_STRING_EQUAL(got, sets[s]);
    }
}

/* The three outcomes of step 5. C1 and C2: one solution (Opricovic & Tzeng above). C1 fails:
 * a1..aM (Keshavarz Ghorabaee above, and here). Only C2 fails: a1 and a2 - an example where the
 * best Q leads by more than DQ = 1/4 but a5 is best by neither S nor R. */
static void test_vikor_compromise_rules(void)
{
    static const double x[5 * 3] = {3, 5, 1, 8, 7, 0, 1, 7, 0, 2, 3, 3, 2, 4, 3};
    static const int dir[3] = {1, 1, 1};
    double w[3] = {1, 3, 3};
    knee__matrix m = matrix(5, 3, x, NULL, dir, w);
    vikor_run k;
    int i;
    normalise(w, 3);
    CU_ASSERT_EQUAL_FATAL(vikor_checked(&m, 0.5, &k), 0);
    CU_ASSERT_EQUAL(k.order[0], 4);
    CU_ASSERT_EQUAL(k.order[1], 0);
    CU_ASSERT(k.Q[0] - k.Q[4] >= 0.25);            /* C1 holds */
    CU_ASSERT(k.S[4] > k.S[1] && k.R[4] > k.R[0]); /* C2 fails */
    for (i = 0; i < 5; i++)
        CU_ASSERT_EQUAL(k.in[i], i == 4 || i == 0);
    /* v = 1 (the majority rule): Q ranks by S alone, and a2 (index 1) is best by S */
    CU_ASSERT_EQUAL_FATAL(vikor_checked(&m, 1, &k), 0);
    CU_ASSERT_EQUAL(k.order[0], 1);
    CU_ASSERT_EQUAL(k.Q[1], 0);
}

static void test_vikor_edges(void)
{
    static const double x[4 * 3] = {1, 7, 5, 3, 7, 2, 2, 7, 9, 3, 7, 2};
    static const double x0[4 * 2] = {1, 5, 3, 2, 2, 9, 3, 2};
    static const double same_rows[3 * 2] = {4, 4, 4, 4, 4, 4};
    static const int dir[3] = {1, -1, -1}, dir0[2] = {1, -1};
    static const double w[3] = {0.3, 0.3, 0.4}, w0[2] = {0.3 / 0.7, 0.4 / 0.7};
    static const unsigned char known[12] = {1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1};
    vikor_run k, k0;
    knee__matrix m = matrix(4, 3, x, NULL, dir, w), m0 = matrix(4, 2, x0, NULL, dir0, w0);
    int i;
    /* A constant column is no regret for anybody: S and R scale by the other criteria's weight
     * share, Q (a normalised index) and the compromise set do not change. */
    CU_ASSERT_EQUAL(vikor_checked(&m, 0.5, &k), 0);
    CU_ASSERT_EQUAL(vikor_checked(&m0, 0.5, &k0), 0);
    for (i = 0; i < 4; i++) {
        CU_ASSERT(same(k.S[i], 0.7 * k0.S[i], "constant column S", i, 0));
        CU_ASSERT(same(k.R[i], 0.7 * k0.R[i], "constant column R", i, 0));
        CU_ASSERT(same(k.Q[i], k0.Q[i], "constant column Q", i, 0));
        CU_ASSERT_EQUAL(k.in[i], k0.in[i]);
    }
    /* A zero weight: the criterion is ignored. */
    {
        static const double x12[4 * 2] = {7, 5, 7, 2, 7, 9, 7, 2};
        static const int dir12[2] = {-1, -1};
        static const double wz[3] = {0, 0.5, 0.5}, wz0[2] = {0.5, 0.5};
        vikor_run kz, kz0;
        knee__matrix mz = matrix(4, 3, x, NULL, dir, wz), mz0 = matrix(4, 2, x12, NULL, dir12, wz0);
        CU_ASSERT_EQUAL(vikor_checked(&mz, 0.5, &kz), 0);
        CU_ASSERT_EQUAL(vikor_checked(&mz0, 0.5, &kz0), 0);
        for (i = 0; i < 4; i++) {
            CU_ASSERT(same(kz.S[i], kz0.S[i], "zero weight S", i, 0));
            CU_ASSERT(same(kz.Q[i], kz0.Q[i], "zero weight Q", i, 0));
            CU_ASSERT_EQUAL(kz.in[i], kz0.in[i]);
        }
    }
    CU_ASSERT_EQUAL(k.Q[1], k.Q[3]); /* identical options tie... */
    CU_ASSERT_EQUAL(k.in[1], k.in[3]);
    /* ...and all options equal: Q = 0 for all, all in the compromise set */
    m = matrix(3, 2, same_rows, NULL, dir0, ot_w);
    CU_ASSERT_EQUAL(vikor_checked(&m, 0.5, &k), 0);
    for (i = 0; i < 3; i++)
        CU_ASSERT(k.S[i] == 0 && k.R[i] == 0 && k.Q[i] == 0 && k.in[i] == 1);
    /* One option: S = R = Q = 0, and it is the compromise. None: success. */
    m = matrix(1, 3, x, NULL, dir, w);
    CU_ASSERT_EQUAL(vikor_checked(&m, 0.5, &k), 0);
    CU_ASSERT(k.S[0] == 0 && k.R[0] == 0 && k.Q[0] == 0 && k.in[0] == 1);
    m.n_opt = 0;
    CU_ASSERT_EQUAL(knee__vikor(&m, 0.5, NULL, NULL, NULL, NULL, NULL, NULL), 0);
    /* Option 2 has no known criterion: worst S, R, Q (1), never in the compromise set,
     * last in the order; the others are scored among themselves. */
    m = matrix(4, 3, x, known, dir, w);
    CU_ASSERT_EQUAL(vikor_checked(&m, 0.5, &k), 0);
    CU_ASSERT(k.S[1] == 1 && k.R[1] == 1 && k.Q[1] == 1 && k.in[1] == 0);
    CU_ASSERT_EQUAL(k.order[3], 1);
}

static void test_vikor_bad_arguments(void)
{
    static const double x[4] = {1, 2, 3, 4}, xnan[4] = {NAN, 2, 3, 4};
    static const int dir[2] = {1, -1};
    static const double w[2] = {0.5, 0.5};
    knee__matrix m = matrix(2, 2, x, NULL, dir, w);
    vikor_run k;
    CU_ASSERT_EQUAL(knee__vikor(&m, -0.1, k.S, k.R, k.Q, k.in, k.work, k.order), -1);
    CU_ASSERT_EQUAL(knee__vikor(&m, 1.1, k.S, k.R, k.Q, k.in, k.work, k.order), -1);
    CU_ASSERT_EQUAL(knee__vikor(&m, NAN, k.S, k.R, k.Q, k.in, k.work, k.order), -1);
    CU_ASSERT_EQUAL(knee__vikor(&m, 0.5, k.S, k.R, k.Q, k.in, NULL, k.order), -1);
    CU_ASSERT_EQUAL(knee__vikor(&m, 0.5, k.S, k.R, k.Q, k.in, k.work, NULL), -1);
    CU_ASSERT_EQUAL(knee__vikor(&m, 0.5, k.S, k.R, k.Q, NULL, k.work, k.order), -1);
    m.x = xnan;
    CU_ASSERT_EQUAL(knee__vikor(&m, 0.5, k.S, k.R, k.Q, k.in, k.work, k.order), -1);
    m.x = x;
    CU_ASSERT_EQUAL(knee__vikor(&m, 0, k.S, k.R, k.Q, k.in, k.work, k.order), 0);
}

static void test_vikor_random(void)
{
    int t, ambiguous = 0;
    for (t = 0; t < 600; t++) {
        problem p;
        vikor_run k;
        ref_vikor_out ref;
        knee__matrix m;
        double v = t % 3 == 0 ? 0.5 : trand();
        random_problem(&p);
        m = problem_matrix(&p);
        CU_ASSERT_EQUAL(vikor_checked(&m, v, &k), 0);
        ref_vikor(&m, v, &ref);
        ambiguous += ref.ambiguous;
    }
    /* the compromise sets were compared in nearly all cases */
    CU_ASSERT(ambiguous < 60);
    if (ambiguous >= 60)
        fprintf(stderr, "    %d of 600 compromise sets not compared\n", ambiguous);
}

/* ---- random numbers ------------------------------------------------------------------------ */

/* Pinned: the state after seeding and the first outputs, as computed by an independent Python
 * implementation of splitmix64 and xoshiro256**. A change here changes every SMAA result. */
static void test_rng_pinned(void)
{
    static const uint64_t s42_0[4] = {0xa3e9e289262070fbu, 0x4e6d79ffb2552a30u, 0xb4aa21d5b5e20f0du,
                                      0x1246e52b3d8b1819u};
    static const uint64_t out42_0[4] = {0x9f38f92c7c353a64u, 0x9b675673cd09ea4eu,
                                        0x10b43b0360b7de4du, 0xf884a902f68f1cb7u};
    static const uint64_t s42_1[4] = {0xc47b32f9c5eeb190u, 0xd0252ecd9bc6f52au, 0x5593aeb1d2435131u,
                                      0x0f68badfffa1e6c9u};
    static const uint64_t s0_0[4] = {0x93118a61ed9e9e14u, 0xd94259df0d440a18u, 0x7a12d8118a87e423u,
                                     0xd1a089df05a1caf3u};
    /* xoshiro256** from the state {1, 2, 3, 4}: Vigna's reference outputs 11520, 0,
     * 1509978240, 1215971899390074240 */
    static const uint64_t ref1234[4] = {11520u, 0u, 1509978240u, 1215971899390074240u};
    knee__rng r;
    int i;
    knee__rng_seed(&r, 42, 0);
    for (i = 0; i < 4; i++)
        CU_ASSERT(r.s[i] == s42_0[i]);
    for (i = 0; i < 4; i++)
        CU_ASSERT_EQUAL(knee__rng_uniform(&r), (double)(out42_0[i] >> 11) / 9007199254740992.0);
    knee__rng_seed(&r, 42, 1);
    for (i = 0; i < 4; i++)
        CU_ASSERT(r.s[i] == s42_1[i]);
    knee__rng_seed(&r, 0, 0);
    for (i = 0; i < 4; i++)
        CU_ASSERT(r.s[i] == s0_0[i]);
    r.s[0] = 1;
    r.s[1] = 2;
    r.s[2] = 3;
    r.s[3] = 4;
    for (i = 0; i < 4; i++)
        CU_ASSERT_EQUAL(knee__rng_uniform(&r), (double)(ref1234[i] >> 11) / 9007199254740992.0);
}

static void test_rng_uniform(void)
{
    knee__rng r, r2;
    double sum = 0, lo = 1, hi = 0;
    int i, n = 200000, differ = 0;
    knee__rng_seed(&r, 7, 3);
    for (i = 0; i < n; i++) {
        double u = knee__rng_uniform(&r);
        CU_ASSERT(u >= 0 && u < 1);
        sum += u;
        lo = fmin(lo, u);
        hi = fmax(hi, u);
    }
    CU_ASSERT(fabs(sum / n - 0.5) < 0.003); /* sd of the mean: 0.00065 */
    CU_ASSERT(lo < 1e-3 && hi > 1 - 1e-3);
    /* same (seed, stream): same numbers; another stream or seed: others */
    knee__rng_seed(&r, 7, 3);
    knee__rng_seed(&r2, 7, 3);
    for (i = 0; i < 100; i++)
        CU_ASSERT_EQUAL(knee__rng_uniform(&r), knee__rng_uniform(&r2));
    knee__rng_seed(&r, 7, 3);
    knee__rng_seed(&r2, 7, 4);
    for (i = 0; i < 100; i++)
        differ += knee__rng_uniform(&r) != knee__rng_uniform(&r2);
    CU_ASSERT_EQUAL(differ, 100);
    knee__rng_seed(&r, 8, 3);
    knee__rng_seed(&r2, 7, 3);
    CU_ASSERT(knee__rng_uniform(&r) != knee__rng_uniform(&r2));
}

static void test_rng_triangular(void)
{
    static const double cases[][3] = {{0, 1, 3}, {2, 2, 5}, {-4, 1, 1}, {10, 12, 20}};
    knee__rng r, r2;
    size_t c;
    int i, n = 100000;
    for (c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        double a = cases[c][0], m = cases[c][1], b = cases[c][2], sum = 0, below = 0;
        double sd = sqrt((a * a + b * b + m * m - a * b - a * m - b * m) / 18);
        double at_mode = (m - a) / (b - a);
        knee__rng_seed(&r, 11, c);
        for (i = 0; i < n; i++) {
            double t = knee__rng_triangular(&r, a, m, b);
            CU_ASSERT(t >= a && t <= b);
            sum += t;
            below += t <= m;
        }
        /* mean (a+b+c)/3 within 5 standard errors; distribution function at the mode
         * (c-a)/(b-a) within 5 standard errors (at most 0.0016 at n = 100000) */
        CU_ASSERT(near(sum / n, (a + m + b) / 3, 5 * sd / sqrt(n), "triangular mean", (int)c, 0));
        CU_ASSERT(near(below / n, at_mode, 0.008, "triangular F(mode)", (int)c, 0));
    }
    /* a point range gives the point; bad arguments give NaN; always exactly one draw */
    knee__rng_seed(&r, 1, 1);
    knee__rng_seed(&r2, 1, 1);
    CU_ASSERT_EQUAL(knee__rng_triangular(&r, 4, 4, 4), 4);
    CU_ASSERT(isnan(knee__rng_triangular(&r, 1, 5, 3)));
    CU_ASSERT(isnan(knee__rng_triangular(&r, 3, 2, 1)));
    CU_ASSERT(isnan(knee__rng_triangular(&r, NAN, 0, 1)));
    for (i = 0; i < 4; i++)
        knee__rng_uniform(&r2);
    CU_ASSERT_EQUAL(knee__rng_uniform(&r), knee__rng_uniform(&r2));
}

static void test_rng_simplex(void)
{
    knee__rng r, r2;
    double w[6], mean[6] = {0}, over_half[6] = {0};
    int i, j, n = 50000;
    knee__rng_seed(&r, 5, 0);
    for (i = 0; i < n; i++) {
        double sum = 0;
        knee__rng_simplex(&r, 6, w, NULL);
        for (j = 0; j < 6; j++) {
            CU_ASSERT(w[j] >= 0);
            sum += w[j];
            mean[j] += w[j] / n;
            over_half[j] += (w[j] > 0.5) / (double)n;
        }
        CU_ASSERT(fabs(sum - 1) < 1e-12);
    }
    /* uniform on the simplex: each component has mean 1/n (sd of the estimate 0.0006) and
     * P(w_j > 1/2) = (1/2)^(n-1) = 1/32 (sd of the estimate 0.0008) */
    for (j = 0; j < 6; j++) {
        CU_ASSERT(near(mean[j], 1.0 / 6, 0.004, "simplex mean", j, 0));
        CU_ASSERT(near(over_half[j], 1.0 / 32, 0.004, "simplex P(w > 1/2)", j, 0));
    }
    /* n = 1: the vertex, no draw; n = 0: nothing; n weights: n - 1 draws */
    knee__rng_seed(&r, 5, 1);
    knee__rng_seed(&r2, 5, 1);
    knee__rng_simplex(&r, 1, w, NULL);
    CU_ASSERT_EQUAL(w[0], 1);
    knee__rng_simplex(&r, 0, w, NULL);
    knee__rng_simplex(&r, 4, w, NULL);
    for (i = 0; i < 3; i++)
        knee__rng_uniform(&r2);
    CU_ASSERT_EQUAL(knee__rng_uniform(&r), knee__rng_uniform(&r2));
}

/* ---- SMAA-2 ------------------------------------------------------------------------------- */

typedef struct smaa_ctx {
    size_t na, nc;
    const double *typical, *spread; /* triangular(typical - spread, typical, typical + spread) */
    size_t calls;
    double first_draw[4];
} smaa_ctx;

static void sample_triangular(void *ctx, knee__rng *rng, double *u)
{
    smaa_ctx *c = ctx;
    size_t i;
    for (i = 0; i < c->na * c->nc; i++)
        u[i] = knee__rng_triangular(rng, c->typical[i] - c->spread[i], c->typical[i],
                                    c->typical[i] + c->spread[i]);
    c->calls++;
}

typedef struct smaa_run {
    double ra[MAXA * MAXA], cw[MAXA * MAXC], cf[MAXA];
    double work[MAXA * MAXC + MAXA + 2 * MAXC];
} smaa_run;

static int run_smaa(knee__smaa_in *in, smaa_run *o)
{
    knee__smaa_out out;
    out.rank_acceptability = o->ra;
    out.central_weights = o->cw;
    out.confidence = o->cf;
    CU_ASSERT(knee__smaa_work_size(in->n_opt, in->n_crit) <= sizeof o->work / sizeof o->work[0]);
    return knee__smaa(in, &out, o->work);
}

static void smaa_input(knee__smaa_in *in, smaa_ctx *c, size_t samples, uint64_t seed)
{
    memset(in, 0, sizeof *in);
    in->n_opt = c->na;
    in->n_crit = c->nc;
    in->samples = samples;
    in->seed = seed;
    in->utilities = sample_triangular;
    in->ctx = c;
}

/* Lahdelma & Salminen (2001) from stored samples: every sample's weights and utilities kept,
 * then ranks, central weights and confidence factors computed from the store. */
static void ref_smaa(const knee__smaa_in *in, smaa_run *o)
{
    static double W[2000][MAXC], U[2000][MAXA * MAXC];
    size_t na = in->n_opt, nc = in->n_crit, n = in->samples, k, i, j, b;
    double first[MAXA] = {0};
    for (k = 0; k < n; k++) {
        knee__rng rng;
        knee__rng_seed(&rng, in->seed, k);
        knee__rng_simplex(&rng, nc, W[k], NULL);
        in->utilities(in->ctx, &rng, U[k]);
    }
    memset(o, 0, sizeof *o);
    for (k = 0; k < n; k++)
        for (i = 0; i < na; i++) {
            size_t rank = 0, tied = 0, t;
            double vi = 0;
            for (j = 0; j < nc; j++)
                vi += W[k][j] * U[k][i * nc + j];
            for (b = 0; b < na; b++) {
                double vb = 0;
                for (j = 0; j < nc; j++)
                    vb += W[k][j] * U[k][b * nc + j];
                if (vb > vi)
                    rank++;
                else if (vb == vi)
                    tied++; /* tied options share their ranks */
            }
            for (t = 0; t < tied; t++)
                o->ra[i * na + rank + t] += 1.0 / (double)tied / (double)n;
            if (rank == 0) {
                first[i] += 1.0 / (double)tied;
                for (j = 0; j < nc; j++)
                    o->cw[i * nc + j] += W[k][j] / (double)tied;
            }
        }
    for (i = 0; i < na; i++)
        for (j = 0; j < nc; j++)
            if (first[i] > 0)
                o->cw[i * nc + j] /= first[i];
    for (i = 0; i < na; i++) {
        if (first[i] == 0)
            continue;
        for (k = 0; k < n; k++) {
            int best = 1;
            size_t tied = 1;
            double vi = 0;
            for (j = 0; j < nc; j++)
                vi += o->cw[i * nc + j] * U[k][i * nc + j];
            for (b = 0; b < na && best; b++) {
                double vb = 0;
                if (b == i)
                    continue;
                for (j = 0; j < nc; j++)
                    vb += o->cw[i * nc + j] * U[k][b * nc + j];
                if (vb > vi)
                    best = 0;
                else if (vb == vi)
                    tied++;
            }
            o->cf[i] += best ? 1.0 / (double)tied / (double)n : 0;
        }
    }
}

static const double smaa_typ[4 * 3] = {0.6, 0.5, 0.4, 0.5, 0.6, 0.5, 0.4, 0.4, 0.7, 0.3, 0.3, 0.3};
static const double smaa_spr[4 * 3] = {0.2, 0.1, 0.1, 0.1,  0.2,  0.1,
                                       0.1, 0.1, 0.2, 0.05, 0.05, 0.05};

static void test_smaa_sums_and_reference(void)
{
    smaa_ctx c = {4, 3, smaa_typ, smaa_spr, 0, {0}};
    knee__smaa_in in;
    static smaa_run o, ref;
    size_t i, r, j;
    smaa_input(&in, &c, 2000, 20240607);
    CU_ASSERT_EQUAL_FATAL(run_smaa(&in, &o), 0);
    CU_ASSERT_EQUAL(c.calls, 4000); /* two passes: ranks, then confidence factors */
    for (i = 0; i < 4; i++) {
        double by_alt = 0, by_rank = 0, cw = 0;
        for (r = 0; r < 4; r++) {
            by_alt += o.ra[i * 4 + r];
            by_rank += o.ra[r * 4 + i];
        }
        CU_ASSERT(fabs(by_alt - 1) < 1e-12);
        CU_ASSERT(fabs(by_rank - 1) < 1e-12);
        for (j = 0; j < 3; j++)
            cw += o.cw[i * 3 + j];
        CU_ASSERT(o.ra[i * 4] > 0 ? fabs(cw - 1) < 1e-12 : cw == 0);
        CU_ASSERT(o.cf[i] >= 0 && o.cf[i] <= 1);
    }
    /* option 4 is dominated by 2 in every sample: never first, confidence 0 */
    CU_ASSERT_EQUAL(o.ra[3 * 4], 0);
    CU_ASSERT_EQUAL(o.cf[3], 0);
    ref_smaa(&in, &ref);
    for (i = 0; i < 16; i++)
        CU_ASSERT(same(o.ra[i], ref.ra[i], "SMAA RA vs reference", (int)i, 0));
    for (i = 0; i < 12; i++)
        CU_ASSERT(near(o.cw[i], ref.cw[i], 1e-12, "SMAA central weights vs reference", (int)i, 0));
    for (i = 0; i < 4; i++)
        CU_ASSERT(same(o.cf[i], ref.cf[i], "SMAA confidence vs reference", (int)i, 0));
}

static void test_smaa_reproducible(void)
{
    smaa_ctx c = {4, 3, smaa_typ, smaa_spr, 0, {0}};
    knee__smaa_in in;
    static smaa_run a, b;
    smaa_input(&in, &c, 500, 99);
    CU_ASSERT_EQUAL(run_smaa(&in, &a), 0);
    CU_ASSERT_EQUAL(run_smaa(&in, &b), 0);
    CU_ASSERT(memcmp(a.ra, b.ra, sizeof a.ra) == 0);
    CU_ASSERT(memcmp(a.cw, b.cw, sizeof a.cw) == 0);
    CU_ASSERT(memcmp(a.cf, b.cf, sizeof a.cf) == 0);
    in.seed = 100;
    CU_ASSERT_EQUAL(run_smaa(&in, &b), 0);
    CU_ASSERT(memcmp(a.ra, b.ra, sizeof a.ra) != 0);
}

/* Sample k's callback gets knee__rng_seed(seed, k) after the weight draws (n_crit - 1 of them
 * for the simplex). */
static void record_draw(void *ctx, knee__rng *rng, double *u)
{
    smaa_ctx *c = ctx;
    size_t i;
    if (c->calls < 4)
        c->first_draw[c->calls] = knee__rng_uniform(rng);
    c->calls++;
    for (i = 0; i < c->na * c->nc; i++)
        u[i] = (double)i;
}

static void test_smaa_streams(void)
{
    smaa_ctx c = {2, 3, NULL, NULL, 0, {0}};
    knee__smaa_in in;
    static smaa_run o;
    knee__rng r;
    int k, i;
    smaa_input(&in, &c, 4, 31337);
    in.utilities = record_draw;
    CU_ASSERT_EQUAL_FATAL(run_smaa(&in, &o), 0);
    for (k = 0; k < 4; k++) {
        knee__rng_seed(&r, 31337, (uint64_t)k);
        for (i = 0; i < 2; i++)
            knee__rng_uniform(&r);
        CU_ASSERT_EQUAL(c.first_draw[k], knee__rng_uniform(&r));
    }
}

/* Ties share ranks: two identical options get exactly the same acceptabilities, each half
 * of every rank they hold together; neither is favoured by its index. */
static void test_smaa_ties(void)
{
    static const double typ[3 * 2] = {0.5, 0.7, 0.5, 0.7, 0.9, 0.1}, spr[6] = {0, 0, 0, 0, 0, 0};
    smaa_ctx c = {3, 2, typ, spr, 0, {0}};
    knee__smaa_in in;
    static smaa_run o, ref;
    size_t i;
    smaa_input(&in, &c, 500, 8);
    CU_ASSERT_EQUAL_FATAL(run_smaa(&in, &o), 0);
    for (i = 0; i < 3; i++) /* the two copies are interchangeable */
        CU_ASSERT_EQUAL(o.ra[0 * 3 + i], o.ra[1 * 3 + i]);
    /* the pair holds ranks 1-2 or 2-3 together, half of each: rank 2 is always half theirs */
    CU_ASSERT_EQUAL(o.ra[0 * 3 + 1], 0.5);
    CU_ASSERT(o.ra[0] > 0.15 && o.ra[0] < 0.45);
    CU_ASSERT_EQUAL(o.cf[0], o.cf[1]);
    ref_smaa(&in, &ref);
    for (i = 0; i < 9; i++)
        CU_ASSERT(same(o.ra[i], ref.ra[i], "SMAA ties vs reference", (int)i, 0));
}

static void test_smaa_dominant(void)
{
    static const double typ[3 * 2] = {0.5, 0.5, 0.9, 0.8, 0.2, 0.4};
    static const double spr[3 * 2] = {0.05, 0.05, 0.05, 0.05, 0.05, 0.05};
    smaa_ctx c = {3, 2, typ, spr, 0, {0}};
    knee__smaa_in in;
    static smaa_run o;
    smaa_input(&in, &c, 1000, 1);
    CU_ASSERT_EQUAL_FATAL(run_smaa(&in, &o), 0);
    CU_ASSERT_EQUAL(o.ra[1 * 3 + 0], 1); /* option 2 dominates: rank 1 always */
    CU_ASSERT_EQUAL(o.cf[1], 1);
    CU_ASSERT_EQUAL(o.ra[0 * 3 + 1], 1);
    CU_ASSERT_EQUAL(o.ra[2 * 3 + 2], 1);
    CU_ASSERT(fabs(o.cw[2] + o.cw[3] - 1) < 1e-12);
    CU_ASSERT(o.cw[0] == 0 && o.cw[1] == 0 && o.cf[0] == 0);
}

/* Two options, each best on one criterion, weights uniform on the simplex: each ranks
 * first with probability 1/2 (sd at 20000 samples 0.0035; tolerance 0.015), and its central
 * weights are E[w | w_own > 1/2] = (3/4, 1/4). */
static void test_smaa_symmetric(void)
{
    static const double typ[2 * 2] = {1, 0, 0, 1}, spr[4] = {0, 0, 0, 0};
    smaa_ctx c = {2, 2, typ, spr, 0, {0}};
    knee__smaa_in in;
    static smaa_run o;
    smaa_input(&in, &c, 20000, 2024);
    CU_ASSERT_EQUAL_FATAL(run_smaa(&in, &o), 0);
    CU_ASSERT(near(o.ra[0], 0.5, 0.015, "symmetric RA", 0, 0));
    CU_ASSERT(near(o.ra[2], 0.5, 0.015, "symmetric RA", 1, 0));
    CU_ASSERT(near(o.cw[0], 0.75, 0.01, "symmetric central weight", 0, 0));
    CU_ASSERT(near(o.cw[3], 0.75, 0.01, "symmetric central weight", 1, 1));
    CU_ASSERT(o.cf[0] == 1 && o.cf[1] == 1); /* fixed utilities: the central weights always win */
}

/* Weights around a centre: with spread 0 they are the centre, so the ranking is deterministic
 * and the winner's central weights are the centre. */
static void test_smaa_centre(void)
{
    static const double typ[2 * 2] = {1, 0, 0, 1}, spr[4] = {0, 0, 0, 0};
    static const double centre[2] = {0.4, 0.6};
    static const double bad_centre[2] = {-0.1, 1}, nan_centre[2] = {NAN, 1};
    smaa_ctx c = {2, 2, typ, spr, 0, {0}};
    knee__smaa_in in;
    static smaa_run o;
    smaa_input(&in, &c, 200, 3);
    in.w_center = centre;
    in.w_spread = 0;
    CU_ASSERT_EQUAL_FATAL(run_smaa(&in, &o), 0);
    CU_ASSERT_EQUAL(o.ra[1 * 2 + 0], 1);
    CU_ASSERT(fabs(o.cw[2] - 0.4) < 1e-12 && fabs(o.cw[3] - 0.6) < 1e-12);
    /* spread 0.3: w1 in [0.1, 0.7] and w2 in [0.3, 0.9] before renormalising, so option 1
     * wins when w1 > w2, with probability 0.08 / 0.36 = 0.22 (sd at 1000 samples 0.013) */
    in.samples = 1000;
    in.w_spread = 0.3;
    CU_ASSERT_EQUAL_FATAL(run_smaa(&in, &o), 0);
    CU_ASSERT(near(o.ra[0], 0.08 / 0.36, 0.05, "centre +- spread", 0, 0));
    in.w_center = bad_centre;
    CU_ASSERT_EQUAL(run_smaa(&in, &o), -1);
    in.w_center = nan_centre;
    CU_ASSERT_EQUAL(run_smaa(&in, &o), -1);
    in.w_center = centre;
    in.w_spread = -1;
    CU_ASSERT_EQUAL(run_smaa(&in, &o), -1);
}

/* A missing cell is left out of its option's value, the weights rescaled over its known
 * criteria: option 1 is then valued by criterion 2 alone (0.9) and always wins. */
static void test_smaa_missing(void)
{
    static const double typ[2 * 2] = {0, 0.9, 0.8, 0.6}, spr[4] = {0, 0, 0, 0};
    static const unsigned char known[4] = {0, 1, 1, 1};
    smaa_ctx c = {2, 2, typ, spr, 0, {0}};
    knee__smaa_in in;
    static smaa_run o;
    smaa_input(&in, &c, 300, 5);
    in.known = known;
    CU_ASSERT_EQUAL_FATAL(run_smaa(&in, &o), 0);
    CU_ASSERT_EQUAL(o.ra[0], 1);
    in.known = NULL; /* known, its 0 counts: it wins only when w2 > 8/11 */
    CU_ASSERT_EQUAL_FATAL(run_smaa(&in, &o), 0);
    CU_ASSERT(o.ra[0] < 0.9);
}

static void nan_utilities(void *ctx, knee__rng *rng, double *u)
{
    (void)ctx;
    (void)rng;
    u[0] = u[1] = 0.5;
    u[2] = NAN;
    u[3] = 0.5;
}

static void test_smaa_bad_arguments(void)
{
    smaa_ctx c = {4, 3, smaa_typ, smaa_spr, 0, {0}};
    knee__smaa_in in;
    knee__smaa_out out;
    static smaa_run o;
    memset(&out, 0, sizeof out);
    smaa_input(&in, &c, 0, 1);
    CU_ASSERT_EQUAL(run_smaa(&in, &o), -1); /* no samples */
    in.samples = 10;
    in.utilities = NULL;
    CU_ASSERT_EQUAL(run_smaa(&in, &o), -1);
    in.utilities = sample_triangular;
    CU_ASSERT_EQUAL(knee__smaa(&in, &out, NULL), -1);
    CU_ASSERT_EQUAL(knee__smaa(NULL, &out, o.work), -1);
    out.rank_acceptability = o.ra;
    out.central_weights = NULL;
    out.confidence = o.cf; /* confidence needs the central weights */
    CU_ASSERT_EQUAL(knee__smaa(&in, &out, o.work), -1);
    out.confidence = NULL; /* rank acceptabilities alone: fine */
    CU_ASSERT_EQUAL(knee__smaa(&in, &out, o.work), 0);
    c.na = 2;
    c.nc = 2;
    in.n_opt = in.n_crit = 2;
    in.utilities = nan_utilities;
    CU_ASSERT_EQUAL(run_smaa(&in, &o), -1);
    in.n_opt = 0;
    CU_ASSERT_EQUAL(knee__smaa(&in, &out, o.work), 0);
    CU_ASSERT_EQUAL(knee__smaa_work_size((size_t)-1, 2), 0); /* overflow */
}

int main(void)
{
    CU_pSuite s;
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    s = CU_add_suite("topsis", NULL, NULL);
    CU_add_test(s, "Hwang & Yoon 1981 fighter aircraft", test_topsis_hwang_yoon);
    CU_add_test(s, "Opricovic & Tzeng 2004 Table 3", test_topsis_opricovic_tzeng);
    CU_add_test(s, "Keshavarz Ghorabaee 2015 Table 7 ranks", test_topsis_keshavarz_ranks);
    CU_add_test(s, "constant column, zero weight, ties, one, none", test_topsis_edges);
    CU_add_test(s, "missing cells", test_topsis_missing);
    CU_add_test(s, "bad arguments and NaN", test_topsis_bad_arguments);
    CU_add_test(s, "extreme magnitudes", test_topsis_extremes);
    CU_add_test(s, "random matrices vs reference", test_topsis_random);
    s = CU_add_suite("promethee", NULL, NULL);
    CU_add_test(s, "Brans, Vincke & Mareschal 1986 power station", test_promethee_brans_1986);
    CU_add_test(s, "the six preference functions", test_promethee_functions);
    CU_add_test(s, "constant column, zero weight, ties, one, none", test_promethee_edges);
    CU_add_test(s, "missing cells", test_promethee_missing);
    CU_add_test(s, "bad thresholds and NaN", test_promethee_bad_arguments);
    CU_add_test(s, "random matrices vs reference", test_promethee_random);
    s = CU_add_suite("vikor", NULL, NULL);
    CU_add_test(s, "Opricovic & Tzeng 2004 Table 3", test_vikor_opricovic_tzeng);
    CU_add_test(s, "Keshavarz Ghorabaee 2015 Table 7 ranks", test_vikor_keshavarz_ranks);
    CU_add_test(s, "compromise set: the three outcomes", test_vikor_compromise_rules);
    CU_add_test(s, "constant column, ties, one, none, unscored", test_vikor_edges);
    CU_add_test(s, "bad arguments and NaN", test_vikor_bad_arguments);
    CU_add_test(s, "random matrices vs reference", test_vikor_random);
    s = CU_add_suite("rng", NULL, NULL);
    CU_add_test(s, "pinned first outputs", test_rng_pinned);
    CU_add_test(s, "uniform on [0, 1), streams", test_rng_uniform);
    CU_add_test(s, "triangular", test_rng_triangular);
    CU_add_test(s, "simplex", test_rng_simplex);
    s = CU_add_suite("smaa", NULL, NULL);
    CU_add_test(s, "acceptabilities sum to 1; vs reference", test_smaa_sums_and_reference);
    CU_add_test(s, "same seed, same bits", test_smaa_reproducible);
    CU_add_test(s, "sample k uses stream k", test_smaa_streams);
    CU_add_test(s, "ties rank by index", test_smaa_ties);
    CU_add_test(s, "dominant alternative", test_smaa_dominant);
    CU_add_test(s, "symmetric two alternatives", test_smaa_symmetric);
    CU_add_test(s, "weights around a centre", test_smaa_centre);
    CU_add_test(s, "missing cells", test_smaa_missing);
    CU_add_test(s, "bad arguments", test_smaa_bad_arguments);
    return kt_run();
}
