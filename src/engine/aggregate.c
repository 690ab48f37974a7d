/* aggregate.c - turn the options' criterion utilities into one score per option by the chosen
 * method (docs/methods.md, "How the engine feeds the methods"). Every method but TOPSIS works on
 * the utilities of the rule file's value functions (0 to 1, more is better) of the options that
 * are not excluded; TOPSIS, as its authors define it, on the values in each criterion's unit. A
 * value left out under the renormalise policy is a missing cell for the kernels. The weighted sum
 * is computed for every option whatever the method, because the explanations (contributions, "why")
 * are stated in its terms. */
#include <math.h>
#include <string.h>

#include "engine/aggregate.h"
#include "base/names.h"
#include "util/alloc.h"
#include "mcda/mcda.h"

/* The candidates: r->cands, each option's cand, r->dirs. */
static int list_candidates(knee_result *r)
{
    size_t nc = r->rs->n_criteria, i, j, n = 0;
    if (KNEE__RESERVE(r, cands, r->opts_n) || KNEE__RESERVE(r, dirs, nc))
        return KNEE_ENOMEM;
    for (i = 0; i < r->opts_n; i++) {
        knee__opt *o = &r->opts[i];
        o->cand = KNEE__NONE;
        if (o->excluded)
            continue;
        o->cand = n;
        r->cands[n++] = i;
    }
    for (j = 0; j < nc; j++)
        r->dirs[j] = 1;
    r->cands_n = n;
    return KNEE_OK;
}

/* TOPSIS as Hwang & Yoon define it reads each criterion's values in its own unit, with its
 * direction (docs/methods.md): a numeric value's typical figure after rules; an ordinal level's
 * utility (levels have no unit; more is better); a cell that has only a utility (an unknown value
 * scored by a missing policy) the value with that utility on the scale. Cells left out of the
 * score stay missing (r->known). Needs r->util and r->known. */
static int raw_values(knee_result *r)
{
    const knee_ruleset *rs = r->rs;
    size_t nc = rs->n_criteria, a, j;
    if (KNEE__RESERVE(r, raw, r->cands_n * nc) || KNEE__RESERVE(r, raw_dirs, nc))
        return KNEE_ENOMEM;
    for (j = 0; j < nc; j++)
        r->raw_dirs[j] = rs->criteria[j].n_levels ? 1 : rs->criteria[j].direction;
    for (a = 0; a < r->cands_n; a++)
        for (j = 0; j < nc; j++) {
            const knee__criterion *c = &rs->criteria[j];
            const knee__value *v = knee__cell_value(r, r->cands[a], j);
            double u = r->util[a * nc + j];
            r->raw[a * nc + j] = v->known && !c->n_levels ? v->typical : knee__utility_value(c, u);
        }
    return KNEE_OK;
}

/* The plain weighted sum needs no matrix: each option's score is already in it. The other
 * methods and the analyses do, and build it here once per comparison. */
int knee__need_matrix(knee_result *r)
{
    size_t nc = r->rs->n_criteria, a, j;
    if (r->has_matrix)
        return KNEE_OK;
    if (KNEE__RESERVE(r, util, r->cands_n * nc) || KNEE__RESERVE(r, known, r->cands_n * nc))
        return KNEE_ENOMEM;
    for (a = 0; a < r->cands_n; a++) {
        size_t t = r->cands[a];
        const knee__option *tr = &r->rs->options[r->opts[t].option];
        if (r->opts[t].cell_n == 0 && (!r->missing_policy || tr->all_known) && nc) {
            /* no rule changed it, no caller's policy rescores it: the values scored at load */
            memcpy(&r->util[a * nc], tr->utility, nc * sizeof *r->util);
            memcpy(&r->known[a * nc], tr->counted, nc);
            continue;
        }
        for (j = 0; j < nc; j++) {
            double lo, hi;
            r->known[a * nc + j] =
                (unsigned char)knee__cell_score(r, t, j, &r->util[a * nc + j], &lo, &hi);
        }
    }
    r->has_matrix = 1;
    return knee__method_of(r->method) && (knee__method_of(r->method)->flags & KNEE__METHOD_RAW)
               ? raw_values(r)
               : KNEE_OK;
}

int knee__need_spans(knee_result *r)
{
    size_t nc = r->rs->n_criteria, a, k;
    if (KNEE__RESERVE(r, span_lo, r->cands_n * nc) || KNEE__RESERVE(r, span_hi, r->cands_n * nc))
        return KNEE_ENOMEM;
    for (a = 0; a < r->cands_n && nc; a++) {
        const knee__opt *o = &r->opts[r->cands[a]];
        const knee__option *tr = &r->rs->options[o->option];
        double *lo = &r->span_lo[a * nc], *hi = &r->span_hi[a * nc];
        memcpy(lo, tr->span_low, nc * sizeof *lo); /* as declared, spanned at load */
        memcpy(hi, tr->span_high, nc * sizeof *hi);
        for (k = 0; k < o->cell_n; k++) { /* the values rules changed */
            const knee__cell *c = &r->cells[o->cell_off + k];
            knee__natural_range(&r->rs->criteria[c->criterion], &c->v, &lo[c->criterion],
                                &hi[c->criterion]);
        }
    }
    return KNEE_OK;
}

/* r->work layout: [0, OUT) the kernels' own work space (TOPSIS needs n*nc + 2nc, VIKOR 2nc + n);
 * then four output rows of n doubles each: OUT + k*n. */
#define OUT(n, nc) ((n) * (nc) + 2 * (nc) + (n) + 4)

static int reserve_work(knee_result *r, size_t n, size_t nc)
{
    if (KNEE__RESERVE(r, work, OUT(n, nc) + 4 * n + 4) || KNEE__RESERVE(r, order_work, n + 1) ||
        KNEE__RESERVE(r, flags, n + 1))
        return KNEE_ENOMEM;
    return KNEE_OK;
}

/* Output row k (0..3) of the work space, cands_n doubles. */
static double *out_row(knee_result *r, size_t k)
{
    return r->work + OUT(r->cands_n, r->rs->n_criteria) + k * r->cands_n;
}

static void preference_fns(const knee_ruleset *rs, knee__pref_fn *fn)
{
    size_t j;
    for (j = 0; j < rs->n_criteria; j++) {
        const knee__criterion *c = &rs->criteria[j];
        /* thresholds are in the criterion's unit: map them onto the utility scale */
        double span = c->n_levels ? 1.0 : fabs(c->best - c->worst);
        fn[j].type = c->pref_type;
        fn[j].q = c->pref_q / span;
        fn[j].p = c->pref_p / span;
        fn[j].s = c->pref_s / span;
    }
}

/* ---- the kernel entries: one per method, by KNEE_METHOD_* id --------------------------------- */

/* A method's kernel entry scores the candidates of matrix m (utilities, or values in their units
 * for a KNEE__METHOD_RAW method) into out, and writes its figures (names.h, in its row's order)
 * into fig[0..2]. KNEE_OK, or KNEE_EINVAL when the kernel refuses the matrix. */
typedef int (*kernel_entry)(knee_result *r, knee__matrix *m, double setting, double *out,
                            double *const fig[]);

/* Weighted sum over each option's counted criteria, weights rescaled. */
static int weighted_sum(knee_result *r, knee__matrix *m, double setting, double *out,
                        double *const fig[])
{
    size_t nc = m->n_crit, a, j;
    (void)r, (void)setting, (void)fig;
    for (a = 0; a < m->n_opt; a++) {
        double num = 0, den = 0;
        for (j = 0; j < nc; j++)
            if (m->known[a * nc + j]) {
                num += m->w[j] * m->x[a * nc + j];
                den += m->w[j];
            }
        out[a] = den > 0 ? num / den : 0;
    }
    return KNEE_OK;
}

static int topsis_vector(knee_result *r, knee__matrix *m, double setting, double *out,
                         double *const fig[])
{
    (void)setting;
    if (knee__topsis(m, KNEE__NORM_VECTOR, out, r->work) != 0)
        return KNEE_EINVAL;
    memcpy(fig[0], out, m->n_opt * sizeof *out); /* closeness */
    return KNEE_OK;
}

static int topsis_minmax(knee_result *r, knee__matrix *m, double setting, double *out,
                         double *const fig[])
{
    (void)setting;
    if (knee__topsis(m, KNEE__NORM_MINMAX, out, r->work) != 0)
        return KNEE_EINVAL;
    memcpy(fig[0], out, m->n_opt * sizeof *out);
    return KNEE_OK;
}

static int promethee2(knee_result *r, knee__matrix *m, double setting, double *out,
                      double *const fig[])
{
    knee__pref_fn fn[64];
    (void)setting;
    if (m->n_crit > 64)
        return KNEE_ELIMIT;
    preference_fns(r->rs, fn);
    if (knee__promethee2(m, fn, fig[0], fig[1], out) != 0)
        return KNEE_EINVAL;
    memcpy(fig[2], out, m->n_opt * sizeof *out); /* phi_net */
    return KNEE_OK;
}

static int vikor(knee_result *r, knee__matrix *m, double v, double *out, double *const fig[])
{
    size_t a;
    if (knee__vikor(m, v, fig[0], fig[1], fig[2], r->flags, r->work, r->order_work) != 0)
        return KNEE_EINVAL;
    for (a = 0; a < m->n_opt; a++)
        out[a] = 1.0 - fig[2][a]; /* 1 - Q: higher is better */
    return KNEE_OK;
}

/* By KNEE_METHOD_* id, as base/names.c's rows (docs/architecture.md, "Adding a scoring method"). */
static const kernel_entry kernels[] = {
    [KNEE_METHOD_WEIGHTED_SUM] = weighted_sum,
    [KNEE_METHOD_TOPSIS] = topsis_vector,
    [KNEE_METHOD_TOPSIS_MINMAX] = topsis_minmax,
    [KNEE_METHOD_PROMETHEE2] = promethee2,
    [KNEE_METHOD_VIKOR] = vikor,
    [KNEE_METHOD_TOPSIS_UTILITY] = topsis_vector,
};

static kernel_entry kernel_of(int method)
{
    return knee__method_of(method) && (size_t)method < sizeof kernels / sizeof *kernels
               ? kernels[method]
               : NULL;
}

int knee__scores_for_weights(knee_result *r, int method, double setting, const double *w,
                             double *out)
{
    const knee__method *d = knee__method_of(method);
    kernel_entry k = kernel_of(method);
    double *const fig[KNEE__METHOD_FIGURES] = {out_row(r, 0), out_row(r, 1), out_row(r, 2)};
    knee__matrix m;
    int rc;
    if (!k)
        return KNEE_EINVAL;
    if ((rc = knee__need_matrix(r)) != KNEE_OK)
        return rc;
    m.n_opt = r->cands_n;
    m.n_crit = r->rs->n_criteria;
    m.x = d->flags & KNEE__METHOD_RAW ? r->raw : r->util;
    m.known = r->known;
    m.direction = d->flags & KNEE__METHOD_RAW ? r->raw_dirs : r->dirs;
    m.w = w;
    return k(r, &m, setting, out, fig);
}

int knee__aggregate(knee_result *r, const knee_compare_options *o)
{
    const knee__method *d;
    size_t n, a, k;
    int rc;
    double *scores;
    r->method = o && o->method ? o->method : r->rs->method;
    d = knee__method_of(r->method);
    r->has_ranges = d && (d->flags & KNEE__METHOD_ADDITIVE);
    if ((rc = list_candidates(r)) != KNEE_OK)
        return rc;
    n = r->cands_n;
    if ((rc = reserve_work(r, n, r->rs->n_criteria)) != KNEE_OK)
        return rc;
    if (r->has_ranges || n == 0) /* the weighted sum is already in every option */
        return KNEE_OK;
    if (KNEE__RESERVE(r, metrics, r->opts_n))
        return KNEE_ENOMEM;
    scores = out_row(r, 3);
    if ((rc = knee__scores_for_weights(r, r->method, r->vikor_v, r->weights, scores)) != KNEE_OK)
        return rc;
    for (a = 0; a < n; a++) {
        knee__metrics *m = &r->metrics[r->cands[a]];
        r->opts[r->cands[a]].score = scores[a];
        for (k = 0; k < KNEE__METHOD_FIGURES && d->figures[k]; k++)
            m->figure[k] = out_row(r, k)[a];
        m->in_compromise = d->flags & KNEE__METHOD_COMPROMISE ? r->flags[a] : 0;
    }
    return KNEE_OK;
}
