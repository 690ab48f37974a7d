/* aggregate.c - turn the options' criterion utilities into one score per option by the chosen
 * method (docs/methods.md, "How the engine feeds the methods"). Every method but TOPSIS works on
 * the utilities of the rule file's value functions (0 to 1, more is better) of the options that
 * are not excluded; TOPSIS, as its authors define it, on the values in each criterion's unit. A
 * value left out under the renormalise policy is a missing cell for the kernels. The weighted sum is computed for every option whatever the method, because the
 * explanations (contributions, "why") are stated in its terms. */
#include <math.h>
#include <string.h>

#include "engine/aggregate.h"
#include "util/alloc.h"
#include "mcda/mcda.h"

/* The candidates: r->alts, each option's alt, r->dirs. */
static int list_candidates(knee_result *r)
{
    size_t nc = r->rs->n_criteria, i, j, n = 0;
    if (KNEE__RESERVE(r, alts, r->opts_n) || KNEE__RESERVE(r, dirs, nc))
        return KNEE_ENOMEM;
    for (i = 0; i < r->opts_n; i++) {
        knee__opt *o = &r->opts[i];
        o->alt = KNEE__NONE;
        if (o->excluded)
            continue;
        o->alt = n;
        r->alts[n++] = i;
    }
    for (j = 0; j < nc; j++)
        r->dirs[j] = 1;
    r->alts_n = n;
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
    if (KNEE__RESERVE(r, raw, r->alts_n * nc) || KNEE__RESERVE(r, raw_dirs, nc))
        return KNEE_ENOMEM;
    for (j = 0; j < nc; j++)
        r->raw_dirs[j] = rs->criteria[j].n_levels ? 1 : rs->criteria[j].direction;
    for (a = 0; a < r->alts_n; a++)
        for (j = 0; j < nc; j++) {
            const knee__criterion *c = &rs->criteria[j];
            const knee__value *v = knee__cell_value(r, r->alts[a], j);
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
    if (KNEE__RESERVE(r, util, r->alts_n * nc) || KNEE__RESERVE(r, known, r->alts_n * nc))
        return KNEE_ENOMEM;
    for (a = 0; a < r->alts_n; a++) {
        size_t t = r->alts[a];
        const knee__treatment *tr = &r->rs->treatments[r->opts[t].treatment];
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
    return r->method == KNEE_METHOD_TOPSIS ? raw_values(r) : KNEE_OK;
}

int knee__need_spans(knee_result *r)
{
    size_t nc = r->rs->n_criteria, a, k;
    if (KNEE__RESERVE(r, span_lo, r->alts_n * nc) || KNEE__RESERVE(r, span_hi, r->alts_n * nc))
        return KNEE_ENOMEM;
    for (a = 0; a < r->alts_n && nc; a++) {
        const knee__opt *o = &r->opts[r->alts[a]];
        const knee__treatment *tr = &r->rs->treatments[o->treatment];
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

double *knee__out_row(knee_result *r, size_t k)
{
    return r->work + OUT(r->alts_n, r->rs->n_criteria) + k * r->alts_n;
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

int knee__scores_for_weights(knee_result *r, int method, double vikor_v, const double *w,
                             double *out)
{
    const knee_ruleset *rs = r->rs;
    size_t n = r->alts_n, nc = rs->n_criteria, a, j;
    knee__matrix m;
    int rc;
    if ((rc = knee__need_matrix(r)) != KNEE_OK)
        return rc;
    m.n_alt = n;
    m.n_crit = nc;
    m.x = r->util;
    m.known = r->known;
    m.direction = r->dirs;
    m.w = w;
    switch (method) {
    case KNEE_METHOD_TOPSIS:   /* values in their units (raw_values) */
        m.x = r->raw;
        m.direction = r->raw_dirs;
        return knee__topsis(&m, KNEE__NORM_VECTOR, out, r->work) == 0 ? KNEE_OK : KNEE_EINVAL;
    case KNEE_METHOD_TOPSIS_UTILITY:
    case KNEE_METHOD_TOPSIS_MINMAX:
        return knee__topsis(&m, method == KNEE_METHOD_TOPSIS_UTILITY ? KNEE__NORM_VECTOR
                                                                     : KNEE__NORM_MINMAX,
                            out, r->work) == 0 ? KNEE_OK : KNEE_EINVAL;
    case KNEE_METHOD_PROMETHEE2: {
        knee__pref_fn fn[64];
        double *plus = knee__out_row(r, 0), *minus = knee__out_row(r, 1);
        if (nc > 64)
            return KNEE_ELIMIT;
        preference_fns(rs, fn);
        return knee__promethee2(&m, fn, plus, minus, out) == 0 ? KNEE_OK : KNEE_EINVAL;
    }
    case KNEE_METHOD_VIKOR: {
        double *S = knee__out_row(r, 2), *R = knee__out_row(r, 0), *Q = knee__out_row(r, 1);
        if (knee__vikor(&m, vikor_v, S, R, Q, r->flags, r->work, r->order_work) != 0)
            return KNEE_EINVAL;
        for (a = 0; a < n; a++)
            out[a] = 1.0 - Q[a];
        return KNEE_OK;
    }
    default:   /* weighted sum over each option's counted criteria, weights rescaled */
        for (a = 0; a < n; a++) {
            double num = 0, den = 0;
            for (j = 0; j < nc; j++)
                if (r->known[a * nc + j]) {
                    num += w[j] * r->util[a * nc + j];
                    den += w[j];
                }
            out[a] = den > 0 ? num / den : 0;
        }
        return KNEE_OK;
    }
}

int knee__aggregate(knee_result *r, const knee_compare_options *o)
{
    const knee_ruleset *rs = r->rs;
    size_t n, nc = rs->n_criteria, a;
    int rc;
    double *scores;
    r->method = o && o->method ? o->method : rs->method;
    r->has_ranges = r->method == KNEE_METHOD_WEIGHTED_SUM;
    if ((rc = list_candidates(r)) != KNEE_OK)
        return rc;
    n = r->alts_n;
    if ((rc = reserve_work(r, n, nc)) != KNEE_OK)
        return rc;
    if (r->method == KNEE_METHOD_WEIGHTED_SUM || n == 0)
        return KNEE_OK;
    if (KNEE__RESERVE(r, metrics, r->opts_n))
        return KNEE_ENOMEM;
    scores = knee__out_row(r, 3);
    switch (r->method) {
    case KNEE_METHOD_TOPSIS:
    case KNEE_METHOD_TOPSIS_MINMAX:
    case KNEE_METHOD_TOPSIS_UTILITY:
        if ((rc = knee__scores_for_weights(r, r->method, 0, r->weights, scores)) != KNEE_OK)
            return rc;
        for (a = 0; a < n; a++)
            r->opts[r->alts[a]].score = r->metrics[r->alts[a]].closeness = scores[a];
        return KNEE_OK;
    case KNEE_METHOD_PROMETHEE2:
        if ((rc = knee__scores_for_weights(r, r->method, 0, r->weights, scores)) != KNEE_OK)
            return rc;
        for (a = 0; a < n; a++) {
            knee__metrics *m = &r->metrics[r->alts[a]];
            m->phi_plus = knee__out_row(r, 0)[a];
            m->phi_minus = knee__out_row(r, 1)[a];
            r->opts[r->alts[a]].score = m->phi_net = scores[a];
        }
        return KNEE_OK;
    case KNEE_METHOD_VIKOR:
        if ((rc = knee__scores_for_weights(r, r->method, o ? o->vikor_v : 0.5, r->weights,
                                           scores)) != KNEE_OK)
            return rc;
        for (a = 0; a < n; a++) {
            knee__metrics *m = &r->metrics[r->alts[a]];
            m->S = knee__out_row(r, 2)[a];
            m->R = knee__out_row(r, 0)[a];
            m->Q = knee__out_row(r, 1)[a];
            r->opts[r->alts[a]].score = 1.0 - m->Q;
            m->in_compromise = r->flags[a];
        }
        return KNEE_OK;
    default:
        return KNEE_OK;
    }
}
