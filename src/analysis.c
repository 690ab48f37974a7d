/* analysis.c - what a decision maker asks after the ranking: is an option dominated, how sure
 * is the winner (weight sensitivity, SMAA-2), and why does A rank above B. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "aggregate.h"
#include "alloc.h"
#include "mcda.h"
#include "strbuf.h"

/* ---- dominance ------------------------------------------------------------------------------ */

/* a dominates b: both have every criterion counted, a is at least as good on each and better on
 * one. With a value left out we make no claim. */
static int dominates(const knee_result *r, size_t a, size_t b)
{
    size_t nc = r->rs->n_criteria, j;
    int better = 0;
    for (j = 0; j < nc; j++) {
        double ua = r->util[a * nc + j], ub = r->util[b * nc + j];
        if (!r->known[a * nc + j] || !r->known[b * nc + j] || ua < ub)
            return 0;
        better |= ua > ub;
    }
    return better;
}

/* 1 if every criterion of candidate a takes part in its score: only such options can dominate
 * or be dominated. */
static int complete(const knee_result *r, size_t a)
{
    size_t nc = r->rs->n_criteria, j;
    for (j = 0; j < nc; j++)
        if (!r->known[a * nc + j])
            return 0;
    return 1;
}

int knee__dominance(knee_result *r)
{
    size_t n = r->alts_n, a, b;
    int rc;
    r->dominators_n = 0;   /* each option's dom_off/dom_n were zeroed by evaluate_option */
    if ((rc = knee__need_matrix(r)) != KNEE_OK)
        return rc;
    for (a = 0; a < n; a++)   /* reuse the compromise flags' bytes: free at this point */
        r->flags[a] = (unsigned char)complete(r, a);
    for (b = 0; b < n; b++) {
        knee__opt *ob = &r->opts[r->alts[b]];
        ob->dom_off = r->dominators_n;
        if (!r->flags[b])
            continue;
        for (a = 0; a < n; a++) {
            /* a dominator has a weighted sum at least as high: a cheap filter first */
            if (a == b || !r->flags[a] || r->opts[r->alts[a]].ws_score < ob->ws_score ||
                !dominates(r, a, b))
                continue;
            if (KNEE__RESERVE(r, dominators, r->dominators_n + 1) != KNEE_OK)
                return KNEE_ENOMEM;
            r->dominators[r->dominators_n++] = r->rs->treatments[r->opts[r->alts[a]].treatment].id;
            ob->dom_n++;
        }
    }
    return KNEE_OK;
}

/* ---- sensitivity ------------------------------------------------------------------------------ */

/* The candidate that wins under weights w (ties: the rule file's order), or KNEE__NONE. */
static size_t winner_for(knee_result *r, const double *w, double *scores, int *rc)
{
    size_t a, best = KNEE__NONE;
    *rc = knee__scores_for_weights(r, r->method, r->vikor_v, w, scores);
    if (*rc != KNEE_OK)
        return KNEE__NONE;
    for (a = 0; a < r->alts_n; a++)
        if (best == KNEE__NONE || knee__rank_key(scores[a]) > knee__rank_key(scores[best]))
            best = a;
    return best;
}

/* Weights with criterion j set to t and the others rescaled in proportion. */
static void weights_at(const knee_result *r, size_t j, double t, double *w)
{
    size_t k, nc = r->rs->n_criteria;
    double rest = 1.0 - r->weights[j];
    for (k = 0; k < nc; k++) {
        if (k == j)
            w[k] = t;
        else if (rest > 1e-15)
            w[k] = r->weights[k] * (1.0 - t) / rest;
        else   /* j held all the weight: share the rest equally */
            w[k] = nc > 1 ? (1.0 - t) / (double)(nc - 1) : 0;
    }
}

#define SCAN_STEPS 1000

/* Move criterion j's weight from its value toward `end` until the winner changes: returns 1 and
 * the boundary (to 1e-9) and the new winner, or 0 if it never changes. */
static int find_change(knee_result *r, size_t j, double end, size_t winner, double *boundary,
                       size_t *next, double *w, double *scores, int *rc)
{
    double from = r->weights[j], prev = from;
    int s;
    for (s = 1; s <= SCAN_STEPS; s++) {
        /* the open interval: at a weight of exactly 0 or 1 an option missing values on every
         * weighted criterion has no score at all */
        double t = from + (end - from) * s / SCAN_STEPS * (1 - 1e-9);
        size_t who;
        weights_at(r, j, t, w);
        who = winner_for(r, w, scores, rc);
        if (*rc != KNEE_OK)
            return 0;
        if (who != winner) {
            double lo = prev, hi = t;   /* winner holds at lo, not at hi */
            int it;
            for (it = 0; it < 60 && fabs(hi - lo) > 1e-10; it++) {
                double mid = (lo + hi) / 2;
                weights_at(r, j, mid, w);
                if (winner_for(r, w, scores, rc) == winner)
                    lo = mid;
                else
                    hi = mid;
                if (*rc != KNEE_OK)
                    return 0;
            }
            weights_at(r, j, hi, w);
            *next = winner_for(r, w, scores, rc);
            *boundary = (lo + hi) / 2;
            return 1;
        }
        prev = t;
    }
    return 0;
}

int knee__sensitivity(knee_result *r, const knee_compare_options *o)
{
    size_t nc = r->rs->n_criteria, n = r->alts_n, j, winner, runner;
    double *w, *scores, best_delta = INFINITY;
    int rc = KNEE_OK;
    r->has_sensitivity = 1;
    r->fragile_margin = o->fragile_margin;
    r->has_flip = 0;
    r->fragile = 0;
    r->margin = NAN;
    if (KNEE__RESERVE(r, sens_lo, nc) || KNEE__RESERVE(r, sens_hi, nc) ||
        KNEE__RESERVE(r, w_try, nc + n))
        return KNEE_ENOMEM;
    for (j = 0; j < nc; j++) {
        r->sens_lo[j] = 0;
        r->sens_hi[j] = 1;
    }
    if (n == 0)
        return KNEE_OK;
    /* winner and runner-up as ranked */
    winner = r->opts[r->order[0]].alt;
    if (n > 1) {
        runner = r->opts[r->order[1]].alt;
        r->margin = r->opts[r->alts[winner]].score - r->opts[r->alts[runner]].score;
        r->fragile = r->margin < o->fragile_margin;
    }
    if (n < 2)
        return KNEE_OK;
    w = r->w_try;
    scores = r->w_try + nc;
    for (j = 0; j < nc; j++) {
        double b;
        size_t next;
        if (find_change(r, j, 1.0, winner, &b, &next, w, scores, &rc)) {
            r->sens_hi[j] = b;
            if (b - r->weights[j] < best_delta) {
                best_delta = b - r->weights[j];
                r->has_flip = 1;
                r->flip_criterion = j;
                r->flip_delta = best_delta;
                r->flip_winner = r->alts[next];
            }
        }
        if (rc != KNEE_OK)
            return rc;
        if (find_change(r, j, 0.0, winner, &b, &next, w, scores, &rc)) {
            r->sens_lo[j] = b;
            if (r->weights[j] - b < best_delta) {
                best_delta = r->weights[j] - b;
                r->has_flip = 1;
                r->flip_criterion = j;
                r->flip_delta = b - r->weights[j];
                r->flip_winner = r->alts[next];
            }
        }
        if (rc != KNEE_OK)
            return rc;
    }
    return KNEE_OK;
}

/* ---- SMAA-2 ------------------------------------------------------------------------------------ */

/* Utilities for one sample: numeric values drawn from triangular(low, typical, high) and put
 * through the criterion's value function; levels and missing-policy values are fixed. The
 * uncertain values were listed once (list_uncertain), in matrix order, so the draws come in
 * the same order as a walk over every cell would make them. */
static void sample_utilities(void *ctx, knee__rng *rng, double *u)
{
    const knee_result *r = ctx;
    const knee_ruleset *rs = r->rs;
    size_t nc = rs->n_criteria, k;
    memcpy(u, r->util, r->alts_n * nc * sizeof *u);
    for (k = 0; k < r->uncertain_n; k++) {
        const knee__value *c = r->uncertain[k];
        knee__value v = *c;
        v.typical = knee__rng_triangular(rng, c->low, c->typical, c->high);
        u[r->uncertain_at[k]] = knee__utility(&rs->criteria[r->uncertain_at[k] % nc], &v);
    }
}

/* The candidates' numeric values given as a range, and where each sits in the matrix. */
static int list_uncertain(knee_result *r)
{
    size_t nc = r->rs->n_criteria, a, j;
    r->uncertain_n = 0;
    for (a = 0; a < r->alts_n; a++)
        for (j = 0; j < nc; j++) {
            const knee__value *c = knee__cell_value(r, r->alts[a], j);
            if (!(c->known && c->level == KNEE__NONE && c->low < c->high))
                continue;
            if (KNEE__RESERVE(r, uncertain, r->uncertain_n + 1) ||
                KNEE__RESERVE(r, uncertain_at, r->uncertain_n + 1))
                return KNEE_ENOMEM;
            r->uncertain[r->uncertain_n] = c;
            r->uncertain_at[r->uncertain_n++] = a * nc + j;
        }
    return KNEE_OK;
}

int knee__smaa_run(knee_result *r, const knee_compare_options *o)
{
    size_t n = r->alts_n, nc = r->rs->n_criteria;
    knee__smaa_in in;
    knee__smaa_out out;
    r->smaa_samples = o->smaa_samples;
    r->smaa_seed = o->smaa_seed;
    if (knee__need_matrix(r) != KNEE_OK || list_uncertain(r) != KNEE_OK)
        return KNEE_ENOMEM;
    if (KNEE__RESERVE(r, rank_acc, n * n + 1) || KNEE__RESERVE(r, central_w, n * nc + 1) ||
        KNEE__RESERVE(r, confidence, n + 1) || KNEE__RESERVE(r, work, knee__smaa_work_size(n, nc)))
        return KNEE_ENOMEM;
    if (n == 0)
        return KNEE_OK;
    memset(&in, 0, sizeof in);
    in.n_alt = n;
    in.n_crit = nc;
    in.samples = (size_t)o->smaa_samples;
    in.seed = o->smaa_seed;
    in.w_center = o->smaa_spread > 0 ? r->weights : NULL;
    in.w_spread = o->smaa_spread;
    in.known = r->known;
    in.utilities = sample_utilities;
    in.ctx = r;
    out.rank_acceptability = r->rank_acc;
    out.central_weights = r->central_w;
    out.confidence = r->confidence;
    return knee__smaa(&in, &out, r->work) == 0 ? KNEE_OK : KNEE_EINVAL;
}

/* ---- why A ranks where it does against B -------------------------------------------------------- */

typedef struct diff {
    size_t j;
    double d;
} diff;

static int by_size(const void *x, const void *y)
{
    double a = fabs(((const diff *)x)->d), b = fabs(((const diff *)y)->d);
    return a < b ? 1 : a > b ? -1 : 0;
}

static void diffs(knee__strbuf *b, const knee_result *r, size_t ia, size_t ib, const diff *d,
                  size_t n, int sign)
{
    size_t k, first = 1;
    knee__sb_str(b, "[");
    for (k = 0; k < n; k++) {
        if ((sign > 0) != (d[k].d > 0) || d[k].d == 0)
            continue;
        knee__sb_str(b, first ? "{\"criterion\":" : ",{\"criterion\":");
        first = 0;
        knee__sb_json_str(b, r->rs->criteria[d[k].j].id);
        knee__sb_str(b, ",\"difference\":");
        knee__sb_num(b, d[k].d);
        knee__sb_str(b, ",\"utility_a\":");
        knee__sb_num(b, knee_result_utility(r, ia, d[k].j));
        knee__sb_str(b, ",\"utility_b\":");
        knee__sb_num(b, knee_result_utility(r, ib, d[k].j));
        knee__sb_str(b, "}");
    }
    knee__sb_str(b, "]");
}

int knee_result_why(const knee_result *r, size_t a, size_t b, char **out)
{
    knee__strbuf sb;
    diff d[256];
    size_t nc, j;
    if (!out)
        return KNEE_EINVAL;
    *out = NULL;
    if (!r || !r->rs || a >= r->order_n || b >= r->order_n)
        return KNEE_EINVAL;
    nc = r->rs->n_criteria;
    if (nc > 256)
        return KNEE_ELIMIT;
    for (j = 0; j < nc; j++) {
        d[j].j = j;
        d[j].d = knee_result_contribution(r, a, j) - knee_result_contribution(r, b, j);
    }
    qsort(d, nc, sizeof *d, by_size);
    knee__sb_init(&sb);
    knee__sb_str(&sb, "{\"a\":");
    knee__sb_json_str(&sb, knee_result_option_id(r, a));
    knee__sb_str(&sb, ",\"b\":");
    knee__sb_json_str(&sb, knee_result_option_id(r, b));
    knee__sb_printf(&sb, ",\"rank_a\":%d,\"rank_b\":%d,\"weighted_sum_a\":",
                    knee_result_option_rank(r, a), knee_result_option_rank(r, b));
    knee__sb_num(&sb, r->opts[r->order[a]].ws_score);
    knee__sb_str(&sb, ",\"weighted_sum_b\":");
    knee__sb_num(&sb, r->opts[r->order[b]].ws_score);
    knee__sb_str(&sb, ",\"for\":");
    diffs(&sb, r, a, b, d, nc, 1);
    knee__sb_str(&sb, ",\"against\":");
    diffs(&sb, r, a, b, d, nc, -1);
    knee__sb_str(&sb, "}");
    return knee__sb_finish(&sb, out, NULL);
}
