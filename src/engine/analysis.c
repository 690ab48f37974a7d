/* analysis.c - what a decision maker asks after the ranking: is an option dominated, how sure
 * is the winner (weight sensitivity, SMAA-2), and why does A rank above B. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/aggregate.h"
#include "util/alloc.h"
#include "mcda/mcda.h"
#include "util/strbuf.h"

/* ---- dominance ------------------------------------------------------------------------------ */

/* a dominates b whatever their unknown values are: a's worst is at least b's best on every
 * criterion (an unknown value spans the utilities it may take, whatever the missing policy:
 * a claim must not rest on a value nobody knows), and better on one. Both rows are nc long. */
static int dominates(const double *a_lo, const double *b_hi, size_t nc)
{
    size_t j;
    int better = 0;
    for (j = 0; j < nc; j++) {
        if (a_lo[j] < b_hi[j])
            return 0;
        better |= a_lo[j] > b_hi[j];
    }
    return better;
}

/* The same, two criteria at a time and without a branch per criterion: for pairs the sketches
 * let through, which mostly are dominations, so an early exit would seldom be taken.
 * (Utilities are never NaN.) */
#if defined(__GNUC__)
typedef double knee__v2d __attribute__((vector_size(16)));
typedef long long knee__v2l __attribute__((vector_size(16)));
#endif

static int dominates_all(const double *a_lo, const double *b_hi, size_t nc)
{
    size_t j = 0;
    int worse = 0, better = 0;
#if defined(__GNUC__)
    knee__v2l lt = {0, 0}, gt = {0, 0};
    for (; j + 2 <= nc; j += 2) {
        knee__v2d x, y;
        memcpy(&x, a_lo + j, sizeof x);
        memcpy(&y, b_hi + j, sizeof y);
        lt |= x < y;
        gt |= x > y;
    }
    worse = (lt[0] | lt[1]) != 0;
    better = (gt[0] | gt[1]) != 0;
#endif
    for (; j < nc; j++) {
        worse |= a_lo[j] < b_hi[j];
        better |= a_lo[j] > b_hi[j];
    }
    return (!worse) & better;
}

/* A row's utilities in small fields, k to a word: a cheap filter, as a >= b implies
 * floor(m a) >= floor(m b). Fields are f bits wide (8 for up to 8 criteria, narrower for more,
 * so that ten criteria take one word), each holding floor(m u) with m = 2^(f-1) - 1 below a
 * guard bit. Every field of a's worst sketch is at least b's best one exactly when no field of
 * ((a | H) - b) loses its guard bit (H: the guard bits; no borrow crosses a field). Utilities
 * are in [0, 1]. */
typedef struct sketch_shape {
    size_t per_word, bits, words;
    double scale;
    uint64_t guards;
} sketch_shape;

static sketch_shape sketch_shape_for(size_t nc)
{
    sketch_shape s;
    size_t k;
    s.bits = nc <= 8 ? 8 : 64 / nc >= 4 ? 64 / nc : 4;
    s.per_word = 64 / s.bits;
    s.words = (nc + s.per_word - 1) / s.per_word;
    s.scale = (double)(((uint64_t)1 << (s.bits - 1)) - 1);
    s.guards = 0;
    for (k = 0; k < s.per_word; k++)
        s.guards |= (uint64_t)1 << (k * s.bits + s.bits - 1);
    return s;
}

static void sketch(const double *u, size_t nc, const sketch_shape *sh, uint64_t *out)
{
    size_t w, j;
    for (w = 0; w < sh->words; w++) {
        uint64_t word = 0;
        for (j = w * sh->per_word; j < nc && j < (w + 1) * sh->per_word; j++)
            word |= (uint64_t)(u[j] * sh->scale) << (sh->bits * (j - w * sh->per_word));
        out[w] = word;
    }
}

static int sketch_at_least(const uint64_t *a, const uint64_t *b, size_t words, uint64_t h)
{
    size_t w;
    uint64_t all = h;
    for (w = 0; w < words; w++) /* no branch: the caller counts the result */
        all &= ((a[w] | h) - b[w]) & h;
    return all == h;
}

/* Sort v[0..n) ascending: positions below `limit`, all different. A few by insertion; many by
 * marking them in `mark` (limit bytes, left clear) and reading the marks back in order. */
static void sort_positions(size_t *v, size_t n, unsigned char *mark, size_t limit)
{
    size_t i, j;
    if (n > 32) {
        for (i = 0; i < n; i++)
            mark[v[i]] = 1;
        for (i = 0, j = 0; i < limit; i++)
            if (mark[i]) {
                mark[i] = 0;
                v[j++] = i;
            }
        return;
    }
    for (i = 1; i < n; i++) {
        size_t x = v[i];
        for (j = i; j > 0 && v[j - 1] > x; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
}

/* How many of the options sorted by the sum of their worst utilities (r->ranked) have a sum
 * that reaches need: the prefix that holds every possible dominator. */
static size_t prefix_reaching(const knee_result *r, size_t n, long long need)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->ranked[mid].key >= need)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The positions k < m whose worst sketch (lo_sk, words a row) is at least the best sketch bs,
 * into cand, without a branch per pair; all of them when there are no sketches (words 0). */
static size_t sketch_pass(const uint64_t *lo_sk, const uint64_t *bs, size_t m, size_t words,
                          uint64_t h, size_t *cand)
{
    size_t k, n_cand = 0;
    if (words == 1) { /* up to ten criteria: one word a side (the usual case) */
        for (k = 0; k < m; k++) {
            cand[n_cand] = k;
            n_cand += (((lo_sk[k] | h) - *bs) & h) == h;
        }
    } else if (words) {
        for (k = 0; k < m; k++) {
            cand[n_cand] = k;
            n_cand += (size_t)sketch_at_least(&lo_sk[k * words], bs, words, h);
        }
    } else {
        for (k = 0; k < m; k++)
            cand[n_cand++] = k;
    }
    return n_cand;
}

/* A dominator's worst is at least the dominated option's best on each criterion, so the sum of
 * its worst utilities is at least the sum of the other's best ones. The candidates sorted by
 * that sum (r->ranked), each option's possible dominators are a prefix: the pairs checked are
 * only those, each first on the sketches (one word a row for up to ten criteria), without a
 * branch, then exactly, the few that pass. Up to 32 options every pair of the prefix is checked
 * exactly. The dominators are listed in result order, so the list does not depend on the rule
 * file's order. */
int knee__dominance(knee_result *r)
{
    size_t n = r->cands_n, nc = r->rs->n_criteria, a, b, j, k, words;
    sketch_shape sh = sketch_shape_for(nc);
    size_t *pos, *found, *cand;
    uint64_t *lo_sk, *hi_sk;
    int rc;
    r->dominators_n = 0; /* each option's dom_off/dom_n were zeroed by evaluate_option */
    words = sh.words;
    if ((rc = knee__need_spans(r)) != KNEE_OK)
        return rc;
    if (KNEE__RESERVE(r, dom_pos, 3 * n + 3) != KNEE_OK ||
        KNEE__RESERVE(r, dom_sketch, 2 * n * words + 1) != KNEE_OK)
        return KNEE_ENOMEM;
    pos = r->dom_pos;
    found = r->dom_pos + n + 1;
    cand = r->dom_pos + 2 * n + 2;
    lo_sk = r->dom_sketch;             /* in sorted order, read front to back */
    hi_sk = r->dom_sketch + n * words; /* by candidate */
    for (k = 0; k < n; k++) {          /* candidate -> position in the result */
        pos[r->opts[r->order[k]].cand] = k;
        r->flags[k] = 0; /* sort_positions' marks: free once the method has scored */
    }
    for (a = 0; a < n; a++) {
        double worst = 0, best = 0;
        for (j = 0; j < nc; j++) {
            worst += r->span_lo[a * nc + j];
            best += r->span_hi[a * nc + j];
        }
        r->ranked[a].key = knee__rank_key(worst); /* rounding keeps the order: no pair lost */
        r->ranked[a].opt = a;
        r->work[a] = best; /* free once the method has scored */
    }
    knee__sort_ranked(r, n);
    if (n <= 32) /* a few pairs: the exact check alone is cheaper */
        words = 0;
    for (k = 0; k < n && words; k++) {
        sketch(&r->span_lo[r->ranked[k].opt * nc], nc, &sh, &lo_sk[k * words]);
        sketch(&r->span_hi[k * nc], nc, &sh, &hi_sk[k * words]);
    }
    for (b = 0; b < n; b++) {
        knee__opt *ob = &r->opts[r->cands[b]];
        long long need = knee__rank_key(r->work[b]);
        size_t n_found = 0, c, n_cand;
        ob->dom_off = r->dominators_n;
        n_cand = sketch_pass(lo_sk, &hi_sk[b * words], prefix_reaching(r, n, need), words,
                             sh.guards, cand);
        for (c = 0; c < n_cand; c++) {
            a = r->ranked[cand[c]].opt;
            if (a != b && (words ? dominates_all(&r->span_lo[a * nc], &r->span_hi[b * nc], nc)
                                 : dominates(&r->span_lo[a * nc], &r->span_hi[b * nc], nc)))
                found[n_found++] = pos[a];
        }
        if (!n_found)
            continue;
        sort_positions(found, n_found, r->flags, n);
        if (KNEE__RESERVE(r, dominators, r->dominators_n + n_found) != KNEE_OK)
            return KNEE_ENOMEM;
        for (k = 0; k < n_found; k++)
            r->dominators[r->dominators_n++] =
                r->rs->options[r->opts[r->order[found[k]]].option].id;
        ob->dom_n = n_found;
    }
    return KNEE_OK;
}

/* ---- sensitivity ----------------------------------------------------------------------------- */

/* The candidates at the top under weights w: the best and every candidate tied with it (not
 * beaten, knee__beats, chained as in the ranking), in candidate order into top[]; returns how
 * many, 0 on error (*rc says). A tie is one outcome, so a weight change that leaves the same
 * options tied at the top changes nothing, and one that separates them does. */
static size_t top_for(knee_result *r, const double *w, double *scores, size_t *top, int *rc)
{
    size_t a, m = 0;
    double low;
    *rc = knee__scores_for_weights(r, r->method, r->vikor_v, w, scores);
    if (*rc != KNEE_OK || r->cands_n == 0)
        return 0;
    for (low = scores[0], a = 1; a < r->cands_n; a++)
        low = scores[a] > low ? scores[a] : low;
    for (;;) { /* lower the bar while a candidate is tied with the lowest at the top */
        double lowest = low;
        for (a = 0; a < r->cands_n; a++)
            if (!knee__beats(low, scores[a]) && scores[a] < lowest)
                lowest = scores[a];
        if (lowest == low)
            break;
        low = lowest;
    }
    for (a = 0; a < r->cands_n; a++)
        if (!knee__beats(low, scores[a]))
            top[m++] = a;
    return m;
}

static int same_top(const size_t *a, size_t na, const size_t *b, size_t nb)
{
    return na == nb && memcmp(a, b, na * sizeof *a) == 0;
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
        else /* j held all the weight: share the rest equally */
            w[k] = nc > 1 ? (1.0 - t) / (double)(nc - 1) : 0;
    }
}

/* The option named as the new winner when the top changes from `old` to `now` (candidate
 * indices): the best-scoring one not at the top before (or, when the top only narrowed, the
 * best one left), ties by name. Returns an opts index. */
static size_t new_winner(const knee_result *r, const double *scores, const size_t *old,
                         size_t n_old, const size_t *now, size_t n_now)
{
    size_t k, m, best = KNEE__NONE;
    int pass;
    for (pass = 0; pass < 2 && best == KNEE__NONE; pass++)
        for (k = 0; k < n_now; k++) {
            size_t a = now[k];
            for (m = 0; pass == 0 && m < n_old && old[m] != a; m++)
                ;
            if (pass == 0 && m < n_old)
                continue; /* first pass: only a newcomer */
            if (best == KNEE__NONE || scores[a] > scores[best] ||
                (scores[a] == scores[best] && knee__listed_before(r, r->cands[a], r->cands[best])))
                best = a;
        }
    return r->cands[best];
}

#define SCAN_STEPS 1000

/* Move criterion j's weight from its value toward `end` until the options at the top change:
 * returns 1, the boundary (to 1e-10) and the new winner (new_winner), or 0 if they never
 * change. top[0..n_top) is the top at the patient's weights; trial has room for cands_n. */
static int find_change(knee_result *r, size_t j, double end, const size_t *top, size_t n_top,
                       size_t *trial, double *boundary, size_t *next, double *w, double *scores,
                       int *rc)
{
    double from = r->weights[j], prev = from;
    size_t m;
    int s;
    for (s = 1; s <= SCAN_STEPS; s++) {
        /* the open interval: at a weight of exactly 0 or 1 an option missing values on every
         * weighted criterion has no score at all */
        double t = from + (end - from) * s / SCAN_STEPS * (1 - 1e-9);
        weights_at(r, j, t, w);
        m = top_for(r, w, scores, trial, rc);
        if (*rc != KNEE_OK)
            return 0;
        if (!same_top(top, n_top, trial, m)) {
            double lo = prev, hi = t; /* the top holds at lo, not at hi */
            int it;
            for (it = 0; it < 60 && fabs(hi - lo) > 1e-10; it++) {
                double mid = (lo + hi) / 2;
                weights_at(r, j, mid, w);
                m = top_for(r, w, scores, trial, rc);
                if (*rc != KNEE_OK)
                    return 0;
                if (same_top(top, n_top, trial, m))
                    lo = mid;
                else
                    hi = mid;
            }
            weights_at(r, j, hi, w);
            m = top_for(r, w, scores, trial, rc);
            if (*rc != KNEE_OK)
                return 0;
            *next = new_winner(r, scores, top, n_top, trial, m);
            *boundary = (lo + hi) / 2;
            return 1;
        }
        prev = t;
    }
    return 0;
}

int knee__sensitivity(knee_result *r, const knee_compare_options *o)
{
    size_t nc = r->rs->n_criteria, n = r->cands_n, j, n_top;
    size_t *top, *trial;
    double *w, *scores, best_delta = INFINITY;
    int rc = KNEE_OK;
    r->has_sensitivity = 1;
    r->fragile_margin = o->fragile_margin;
    r->has_flip = 0;
    r->fragile = 0;
    r->margin = NAN;
    if (KNEE__RESERVE(r, sens_lo, nc) || KNEE__RESERVE(r, sens_hi, nc) ||
        KNEE__RESERVE(r, w_try, nc + n) || KNEE__RESERVE(r, top_set, 2 * n + 2))
        return KNEE_ENOMEM;
    for (j = 0; j < nc; j++) {
        r->sens_lo[j] = 0;
        r->sens_hi[j] = 1;
    }
    if (n < 2)
        return KNEE_OK;
    /* the margin of the option ranked first over the next; 0 when the first is tied, and a tie
     * has no winner to call fragile. A margin equal to the threshold but for rounding is not
     * below it. */
    r->margin = r->opts[r->order[0]].score - r->opts[r->order[1]].score;
    if (r->opts[r->order[1]].rank == 1)
        r->margin = 0;
    else
        r->fragile = r->margin < o->fragile_margin - 1e-12;
    w = r->w_try;
    scores = r->w_try + nc;
    top = r->top_set;
    trial = r->top_set + n + 1;
    n_top = top_for(r, r->weights, scores, top, &rc);
    if (rc != KNEE_OK)
        return rc;
    for (j = 0; j < nc; j++) {
        double b;
        size_t next;
        if (find_change(r, j, 1.0, top, n_top, trial, &b, &next, w, scores, &rc)) {
            r->sens_hi[j] = b;
            if (b - r->weights[j] < best_delta) {
                best_delta = b - r->weights[j];
                r->has_flip = 1;
                r->flip_criterion = j;
                r->flip_delta = best_delta;
                r->flip_winner = next;
            }
        }
        if (rc != KNEE_OK)
            return rc;
        if (find_change(r, j, 0.0, top, n_top, trial, &b, &next, w, scores, &rc)) {
            r->sens_lo[j] = b;
            if (r->weights[j] - b < best_delta) {
                best_delta = r->weights[j] - b;
                r->has_flip = 1;
                r->flip_criterion = j;
                r->flip_delta = b - r->weights[j];
                r->flip_winner = next;
            }
        }
        if (rc != KNEE_OK)
            return rc;
    }
    return KNEE_OK;
}

/* ---- SMAA-2 ---------------------------------------------------------------------------------- */

/* Utilities for one sample: numeric values drawn from triangular(low, typical, high) and put
 * through the criterion's value function; unknown values scored over a range (interval) drawn
 * uniformly in utility within it; levels and fixed missing-policy utilities stay. The draws
 * were listed once (list_draws), in matrix order, so they come in the same order as a walk
 * over every cell would make them. */
static void sample_utilities(void *ctx, knee__rng *rng, double *u)
{
    const knee_result *r = ctx;
    const knee_ruleset *rs = r->rs;
    size_t nc = rs->n_criteria, k;
    memcpy(u, r->util, r->cands_n * nc * sizeof *u);
    for (k = 0; k < r->draws_n; k++) {
        const knee__draw *d = &r->draws[k];
        if (d->value) {
            knee__value v = *d->value;
            v.typical = knee__rng_triangular(rng, d->value->low, d->value->typical, d->value->high);
            u[d->at] = knee__utility(&rs->criteria[d->at % nc], &v);
        } else {
            u[d->at] = d->low + knee__rng_uniform(rng) * (d->high - d->low);
        }
    }
}

/* The candidates' values a sample draws, and where each sits in the matrix: numeric values
 * given as a range, and unknown values scored over one. */
static int list_draws(knee_result *r)
{
    size_t nc = r->rs->n_criteria, a, j;
    r->draws_n = 0;
    for (a = 0; a < r->cands_n; a++)
        for (j = 0; j < nc; j++) {
            const knee__value *c = knee__cell_value(r, r->cands[a], j);
            knee__draw d;
            double u;
            d.at = a * nc + j;
            d.value = NULL;
            d.low = d.high = 0;
            if (c->known && c->level == KNEE__NONE && c->low < c->high)
                d.value = c;
            else if (c->known || !knee__cell_score(r, r->cands[a], j, &u, &d.low, &d.high) ||
                     !(d.low < d.high))
                continue;
            if (KNEE__RESERVE(r, draws, r->draws_n + 1))
                return KNEE_ENOMEM;
            r->draws[r->draws_n++] = d;
        }
    return KNEE_OK;
}

int knee__smaa_run(knee_result *r, const knee_compare_options *o)
{
    size_t n = r->cands_n, nc = r->rs->n_criteria;
    knee__smaa_in in;
    knee__smaa_out out;
    r->smaa_samples = o->smaa_samples;
    r->smaa_seed = o->smaa_seed;
    if (knee__need_matrix(r) != KNEE_OK || list_draws(r) != KNEE_OK)
        return KNEE_ENOMEM;
    if (KNEE__RESERVE(r, rank_acc, n * n + 1) || KNEE__RESERVE(r, central_w, n * nc + 1) ||
        KNEE__RESERVE(r, confidence, n + 1) || KNEE__RESERVE(r, work, knee__smaa_work_size(n, nc)))
        return KNEE_ENOMEM;
    if (n == 0)
        return KNEE_OK;
    memset(&in, 0, sizeof in);
    in.n_opt = n;
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

/* ---- why A ranks where it does against B ----------------------------------------------------- */

/* Option t's contribution on criterion j at the worst and best of its value's range. */
static void contribution_range(const knee_result *r, size_t t, size_t j, double *lo, double *hi)
{
    double u, w = knee__cell_weight(r, t, j);
    if (r->opts[t].excluded) {
        *lo = *hi = 0;
        return;
    }
    knee__cell_score(r, t, j, &u, lo, hi);
    *lo *= w;
    *hi *= w;
}

int knee_result_difference(const knee_result *r, size_t a, size_t b, size_t j, double *low,
                           double *high)
{
    double alo, ahi, blo, bhi;
    size_t ta, tb;
    if (!r || !r->rs || a >= r->order_n || b >= r->order_n || j >= r->rs->n_criteria)
        return KNEE_EINVAL;
    ta = r->order[a];
    tb = r->order[b];
    if (knee__cell_value(r, ta, j)->known && knee__cell_value(r, tb, j)->known) {
        double d = knee__cell_contribution(r, ta, j) - knee__cell_contribution(r, tb, j);
        if (low)
            *low = d;
        if (high)
            *high = d;
        return 1;
    }
    contribution_range(r, ta, j, &alo, &ahi);
    contribution_range(r, tb, j, &blo, &bhi);
    if (low)
        *low = alo - bhi;
    if (high)
        *high = ahi - blo;
    return 0;
}

typedef struct diff {
    size_t j;
    double d;
    int known; /* both values known: d is a difference that counts for or against A */
} diff;

static int by_size(const void *x, const void *y)
{
    double a = fabs(((const diff *)x)->d), b = fabs(((const diff *)y)->d);
    size_t ja = ((const diff *)x)->j, jb = ((const diff *)y)->j;
    return a < b ? 1 : a > b ? -1 : ja < jb ? -1 : ja > jb;
}

/* The known differences for A (sign > 0) or against it (sign < 0), largest first. */
static void diffs(knee__strbuf *b, const knee_result *r, size_t ia, size_t ib, const diff *d,
                  size_t n, int sign)
{
    size_t k, first = 1;
    knee__sb_str(b, "[");
    for (k = 0; k < n; k++) {
        if (!d[k].known || (sign > 0) != (d[k].d > 0) || d[k].d == 0)
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

/* The criteria where A's or B's value is unknown, in criterion order: the range of the
 * difference over the unknowns' ranges, never counted for either option. */
static void unknown_diffs(knee__strbuf *b, const knee_result *r, size_t ia, size_t ib)
{
    size_t j, first = 1;
    double lo, hi;
    knee__sb_str(b, "[");
    for (j = 0; j < r->rs->n_criteria; j++) {
        if (knee_result_difference(r, ia, ib, j, &lo, &hi) != 0)
            continue;
        knee__sb_str(b, first ? "{\"criterion\":" : ",{\"criterion\":");
        first = 0;
        knee__sb_json_str(b, r->rs->criteria[j].id);
        knee__sb_str(b, ",\"difference_low\":");
        knee__sb_num(b, lo);
        knee__sb_str(b, ",\"difference_high\":");
        knee__sb_num(b, hi);
        knee__sb_str(b, knee_result_value_known(r, ia, j) ? ",\"known_a\":true"
                                                          : ",\"known_a\":false");
        knee__sb_str(b, knee_result_value_known(r, ib, j) ? ",\"known_b\":true}"
                                                          : ",\"known_b\":false}");
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
        d[j].known = knee_result_difference(r, a, b, j, &d[j].d, NULL);
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
    knee__sb_str(&sb, ",\"unknown\":");
    unknown_diffs(&sb, r, a, b);
    knee__sb_str(&sb, "}");
    return knee__sb_finish(&sb, out, NULL);
}
