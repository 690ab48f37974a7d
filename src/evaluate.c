/* evaluate.c - one patient against a ruleset: rule conditions, value changes, exclusions and
 * cautions, value functions, weights, weighted sum and ranking (architecture.md, "Scoring"). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aggregate.h"
#include "alloc.h"
#include "cells.h"
#include "utility.h"
#include "patient.h"
#include "result.h"

static int fail(knee_result *r, int status, const char *msg)
{
    snprintf(r->errmsg, sizeof r->errmsg, "%s", msg);
    r->opts_n = r->order_n = r->cells_n = 0;
    r->rs = NULL;
    return status;
}

static int push_note(knee_result *r, int caution, const char *rule_id, const knee__op *op)
{
    knee__note n;
    n.text = op->text;
    n.patient = op->action->patient_text;
    n.rule = rule_id;
    n.source = op->source;
    if (caution) {
        if (KNEE__RESERVE(r, cautions, r->cautions_n + 1) != KNEE_OK)
            return KNEE_ENOMEM;
        r->cautions[r->cautions_n++] = n;
    } else {
        if (KNEE__RESERVE(r, reasons, r->reasons_n + 1) != KNEE_OK)
            return KNEE_ENOMEM;
        r->reasons[r->reasons_n++] = n;
    }
    return KNEE_OK;
}

/* The option's cell for criterion j, made from the declared value on the first change (its
 * cells are the last ones in r->cells while its rules run). NULL when out of memory. */
static knee__cell *changed_cell(knee_result *r, size_t t, size_t j)
{
    knee__opt *opt = &r->opts[t];
    knee__cell *cell;
    size_t k;
    for (k = 0; k < opt->cell_n; k++)
        if (r->cells[opt->cell_off + k].criterion == j)
            return &r->cells[opt->cell_off + k];
    if (KNEE__RESERVE(r, cells, r->cells_n + 1) != KNEE_OK)
        return NULL;
    cell = &r->cells[r->cells_n++];
    opt->cell_n++;
    cell->criterion = j;
    cell->v = r->rs->treatments[t].values[j];
    cell->change_n = 0;
    return cell;
}

static int apply_op(knee_result *r, size_t o, const knee__step *st, const knee__op *op)
{
    knee__opt *opt = &r->opts[o];
    knee__cell *cell;
    switch (op->kind) {
    case KNEE__ACT_EXCLUDE:
        opt->excluded = 1;
        opt->reason_n++;
        return push_note(r, 0, st->id, op);
    case KNEE__ACT_CAUTION:
        opt->caution_n++;
        return push_note(r, 1, st->id, op);
    default:
        break;
    }
    if ((cell = changed_cell(r, o, op->criterion)) == NULL)
        return KNEE_ENOMEM;
    if (op->kind == KNEE__ACT_SET) {
        knee__idlist declared = cell->v.sources;
        int year = cell->v.year;
        cell->v = op->action->value;   /* the action's own record: a set is the rarer change */
        cell->v.sources = declared;   /* sources list: declared value's, then the changes' */
        cell->v.year = year;
    } else if (cell->v.known || cell->v.bounded) { /* an unknown value's bounds shift too */
        cell->v.low += op->by;
        cell->v.typical += op->by;
        cell->v.high += op->by;
    }
    if (KNEE__RESERVE(r, changes, r->changes_n + 1) != KNEE_OK)
        return KNEE_ENOMEM;
    r->changes[r->changes_n].criterion = op->criterion;
    r->changes[r->changes_n].rule = &r->rs->rules[st->rule];
    r->changes[r->changes_n].action = op->action;
    r->changes_n++;
    return KNEE_OK;
}

static int record_unknown(knee_result *r, const knee_patient *p, const knee__step *st)
{
    const knee__expr *cond = r->rs->conds[st->cond];   /* the step's, not the rule record's */
    size_t k, n = knee__expr_fact_count(cond);
    knee__unknown *u;
    if (KNEE__RESERVE(r, unknowns, r->unknowns_n + 1) != KNEE_OK ||
        KNEE__RESERVE(r, unknown_facts, r->unknown_facts_n + n) != KNEE_OK)
        return KNEE_ENOMEM;
    u = &r->unknowns[r->unknowns_n++];
    u->rule = st->id;
    u->fact_off = r->unknown_facts_n;
    u->fact_n = 0;
    for (k = 0; k < n; k++) {
        int f = knee__expr_fact(cond, k);
        if (p && p->facts[f].known)
            continue;
        r->unknown_facts[r->unknown_facts_n++] = r->rs->facts[f].id;
        u->fact_n++;
        r->marks[f] = 1;
    }
    return KNEE_OK;
}

/* Stable insertion sort of one option's changes by criterion (there are only a few). */
static void group_changes(knee_result *r, size_t from)
{
    size_t i, j;
    for (i = from + 1; i < r->changes_n; i++) {
        knee__change c = r->changes[i];
        for (j = i; j > from && r->changes[j - 1].criterion > c.criterion; j--)
            r->changes[j] = r->changes[j - 1];
        r->changes[j] = c;
    }
}

/* Sort an option's changed cells by criterion, point each at its changes, score its value. */
static void finish_cells(knee_result *r, size_t t, size_t changes_from)
{
    const knee__opt *opt = &r->opts[t];
    knee__cell *cells;
    size_t i, j, k;
    if (opt->cell_n == 0)   /* r->cells may still be NULL: no rule has changed a value yet */
        return;
    cells = r->cells + opt->cell_off;
    for (i = 1; i < opt->cell_n; i++) {
        knee__cell c = cells[i];
        for (j = i; j > 0 && cells[j - 1].criterion > c.criterion; j--)
            cells[j] = cells[j - 1];
        cells[j] = c;
    }
    for (i = 0, k = changes_from; i < opt->cell_n; i++) {   /* both in criterion order */
        size_t c = cells[i].criterion;
        double mu;
        int kind;
        while (k < r->changes_n && r->changes[k].criterion < c)
            k++;
        cells[i].change_off = k;
        while (k < r->changes_n && r->changes[k].criterion == c)
            k++;
        cells[i].change_n = k - cells[i].change_off;
        if (cells[i].v.known) { /* usual: a known value, whatever the policy */
            cells[i].utility = cells[i].low = cells[i].high =
                knee__utility(&r->rs->criteria[c], &cells[i].v);
            cells[i].counted = 1;
            continue;
        }
        kind = knee__cell_policy(r, c, &mu);
        cells[i].counted = knee__score_value(&r->rs->criteria[c], kind, mu, &cells[i].v,
                                             &cells[i].utility, &cells[i].low, &cells[i].high);
    }
}

/* The weights divided by an option's counted weight. Options that count the same criteria have
 * the same total, so the division is done once for them all (the same doubles as one by one). */
static const double *normalised_weights(knee_result *r, double total)
{
    size_t j;
    if (total != r->cell_w_total) {
        for (j = 0; j < r->weights_n; j++)
            r->cell_w[j] = r->weights[j] / total;
        r->cell_w_total = total;
    }
    return r->cell_w;
}

/* Every value counts with its criterion's full weight, except an unknown one its missing policy
 * leaves out (renormalise, refuse): the option's other weights are then rescaled to sum to 1.
 * An unknown value scored over a range (interval) counts at the middle of it, and the score's
 * range takes every such value at its worst and at its best (rules/README.md, "Unknown
 * values"). Unchanged values read what was scored at load; cells.c derives each value's weight
 * and contribution with the same operations. */
static void score_option(knee_result *r, size_t t)
{
    const knee_ruleset *rs = r->rs;
    const knee__treatment *tr = &rs->treatments[t];
    knee__opt *opt = &r->opts[t];
    const knee__cell *first, *end, *cell;
    size_t nc = rs->n_criteria, j;
    double total = 0, score = 0, lo = 0, hi = 0, u, ul, uh;
    const double *w;
    int plain, ranged, same;
    if (opt->cell_n == 0 && (!r->missing_policy || tr->all_known)) { /* usual: as scored at load */
        if (tr->all_counted) {
            total = r->weights_total;
        } else {
            for (j = 0; j < nc; j++)
                if (tr->counted[j])
                    total += r->weights[j];
        }
        opt->counted_weight = total;
        if (total > 0 && !opt->excluded) {
            w = normalised_weights(r, total);
            if (tr->all_counted)
                for (j = 0; j < nc; j++)
                    score += w[j] * tr->utility[j];
            else
                for (j = 0; j < nc; j++)
                    if (tr->counted[j])
                        score += w[j] * tr->utility[j];
            lo = hi = score;
            if (tr->ranged) { /* a value left out has a range of 0 to 0: adding it adds 0 */
                lo = hi = 0;
                for (j = 0; j < nc; j++) {
                    lo += w[j] * tr->u_low[j];
                    hi += w[j] * tr->u_high[j];
                }
            }
        }
        opt->score = opt->ws_score = score;
        r->ranges[t].low = lo;
        r->ranges[t].high = hi;
        return;
    }
    /* values a rule changed, or unknown ones a caller's policy scores: the changed cells are in
     * criterion order, walked alongside the criteria; the other values are read as scored at
     * load unless the caller's policy rescores them (plain == 0) */
    plain = !r->missing_policy || tr->all_known;
    ranged = tr->ranged;
    first = end = NULL; /* r->cells may still be NULL: no rule has changed a value yet */
    if (opt->cell_n) {
        first = r->cells + opt->cell_off;
        end = first + opt->cell_n;
    }
    same = plain; /* usual: the changes keep every value counted as declared */
    for (cell = first; cell != end; cell++) {
        ranged |= cell->low < cell->high;
        same &= cell->counted == tr->counted[cell->criterion];
    }
    if (same && tr->all_counted) {
        total = r->weights_total;
    } else if (same) {
        for (j = 0; j < nc; j++)
            if (tr->counted[j])
                total += r->weights[j];
    } else {
        for (j = 0, cell = first; j < nc; j++) {
            int changed = cell != end && cell->criterion == j, counted;
            if (changed)
                counted = cell->counted;
            else if (plain)
                counted = tr->counted[j];
            else {
                counted = knee__declared_score(r, tr, j, &u, &ul, &uh);
                ranged |= ul < uh;
            }
            if (counted)
                total += r->weights[j];
            if (changed)   /* never NULL + 0: r->cells may be NULL */
                cell++;
        }
    }
    opt->counted_weight = total;
    if (total > 0 && !opt->excluded) {
        w = normalised_weights(r, total);
        if (plain) { /* the usual case: the declared values, with a few changed */
            for (j = 0, cell = first; j < nc; j++) {
                int counted = tr->counted[j];
                u = tr->utility[j];
                if (cell != end && cell->criterion == j) {
                    counted = cell->counted;
                    u = (cell++)->utility;
                }
                if (counted)
                    score += w[j] * u;
            }
        } else {
            for (j = 0, cell = first; j < nc; j++) {
                int changed = cell != end && cell->criterion == j, counted;
                if (changed) {
                    counted = cell->counted;
                    u = cell->utility;
                } else {
                    counted = knee__declared_score(r, tr, j, &u, &ul, &uh);
                }
                if (counted)
                    score += w[j] * u;
                if (changed)
                    cell++;
            }
        }
        /* the range: only where something unknown spans one, else the score itself */
        for (j = 0, cell = first, lo = hi = ranged ? 0 : score; ranged && j < nc; j++) {
            int changed = cell != end && cell->criterion == j, counted;
            if (changed) {
                counted = cell->counted;
                ul = cell->low;
                uh = cell->high;
            } else if (plain) {
                counted = tr->counted[j];
                ul = tr->u_low[j];
                uh = tr->u_high[j];
            } else {
                counted = knee__declared_score(r, tr, j, &u, &ul, &uh);
            }
            if (counted) {
                lo += w[j] * ul;
                hi += w[j] * uh;
            }
            if (changed)
                cell++;
        }
    }
    opt->score = opt->ws_score = score;
    r->ranges[t].low = lo;
    r->ranges[t].high = hi;
}

/* missing="refuse": an option whose value is unknown after its rules is excluded, saying why. */
static int refuse_unknown(knee_result *r, size_t t)
{
    const knee_ruleset *rs = r->rs;
    int any = r->missing_policy ? r->missing_kind == KNEE__MISSING_REFUSE : rs->has_refuse;
    size_t nc = any ? rs->n_criteria : 0, j;
    double mu;
    for (j = 0; j < nc; j++) {
        const knee__criterion *c = &rs->criteria[j];
        if (knee__cell_policy(r, j, &mu) != KNEE__MISSING_REFUSE ||
            knee__cell_value(r, t, j)->known)
            continue;
        if (KNEE__RESERVE(r, reasons, r->reasons_n + 1) != KNEE_OK)
            return KNEE_ENOMEM;
        r->reasons[r->reasons_n].text = r->reasons[r->reasons_n].patient = c->refuse_reason;
        r->reasons[r->reasons_n].rule = NULL;
        r->reasons[r->reasons_n].source = NULL;
        r->reasons_n++;
        r->opts[t].reason_n++;
        r->opts[t].excluded = 1;
    }
    return KNEE_OK;
}

static int evaluate_option(knee_result *r, const knee_patient *p, size_t t)
{
    const knee_ruleset *rs = r->rs;
    const knee__treatment *tr = &rs->treatments[t];
    knee__opt *opt = &r->opts[t];
    size_t k, changes_from = r->changes_n;
    int rc;

    opt->treatment = t;   /* the options were zeroed together (knee_compare_ex) */
    opt->reason_off = r->reasons_n;
    opt->caution_off = r->cautions_n;
    opt->fired_off = r->fired_n;
    opt->unknown_off = r->unknowns_n;
    opt->cell_off = r->cells_n;
    for (k = 0; k < tr->n_steps; k++) {
        const knee__step *st = &tr->steps[k];
        const knee__op *op, *end;
        int truth = st->cond == KNEE__ALWAYS ? KNEE__TRUE : r->cond_truth[st->cond];
        if (truth == KNEE__FALSE)   /* the usual case */
            continue;
        if (truth == KNEE__UNKNOWN) {
            if ((rc = record_unknown(r, p, st)) != KNEE_OK)
                return rc;
            opt->unknown_n++;
            continue;
        }
        if (truth != KNEE__TRUE)
            continue;
        if (KNEE__RESERVE(r, fired, r->fired_n + 1) != KNEE_OK)
            return KNEE_ENOMEM;
        r->fired[r->fired_n++] = st->id;
        opt->fired_n++;
        for (op = rs->ops + st->op_off, end = op + st->op_n; op < end; op++)
            if ((rc = apply_op(r, t, st, op)) != KNEE_OK)
                return rc;
    }
    /* refusals come after the rules' own reasons, which are contiguous for this option */
    if ((rc = refuse_unknown(r, t)) != KNEE_OK)
        return rc;
    group_changes(r, changes_from);
    finish_cells(r, t, changes_from);
    score_option(r, t);
    return KNEE_OK;
}

/* Stable sort of the candidates by key, highest first, through r->rank_tmp (reserved in
 * prepare): insertion sort for a few; beyond that a bucket pass (bucket_sort), or, when the keys
 * crowd, an LSD radix sort on the key's bytes, linear whatever the keys, where a byte every key
 * shares (the high ones, mostly) costs no pass. The key is mapped to an unsigned number that
 * grows as the key falls, so ascending order of it is descending order of score (equal keys
 * keep their order here; rank_options then lists each tie by name). */
static uint64_t descending(long long key)
{
    return ~((uint64_t)key ^ 0x8000000000000000u);
}

/* Stable insertion sort, highest key first: fastest for a handful, and linear for keys that are
 * each a few places from their own (after bucket_sort's pass). */
static void insertion_sort(knee__ranked *v, size_t n)
{
    size_t i, j;
    for (i = 1; i < n; i++) {
        knee__ranked x = v[i];
        for (j = i; j > 0 && v[j - 1].key < x.key; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
}

#define BUCKETS_MAX 4096
#define BUCKET_FULL 32   /* beyond this many keys in one bucket, the radix sort does it */

/* One pass of the radix sort on the top bits of the keys' span (the keys minus the least), into
 * about two buckets per key, then insertion sort: with spread-out keys, as scores mostly are, two
 * passes over the keys instead of one per differing byte. Returns 0, the keys untouched, when
 * a bucket would be crowded (many ties or a cluster): the insertion sort would be quadratic. */
static int bucket_sort(knee_result *r, size_t n, uint64_t lo, uint64_t hi)
{
    knee__ranked *src = r->ranked, *dst = r->rank_tmp;
    uint32_t count[BUCKETS_MAX];
    size_t nb = 64, i, sum = 0, shift = 0;
    while (nb < 2 * n && nb < BUCKETS_MAX)
        nb *= 2;
    while (((hi - lo) >> shift) >= nb)
        shift++;
    memset(count, 0, nb * sizeof count[0]);
    for (i = 0; i < n; i++)
        if (++count[(descending(src[i].key) - lo) >> shift] > BUCKET_FULL)
            return 0;
    for (i = 0; i < nb; i++) {
        size_t c = count[i];
        count[i] = (uint32_t)sum;
        sum += c;
    }
    for (i = 0; i < n; i++)
        dst[count[(descending(src[i].key) - lo) >> shift]++] = src[i];
    insertion_sort(dst, n);
    memcpy(src, dst, n * sizeof *src);
    return 1;
}

void knee__sort_ranked(knee_result *r, size_t n)
{
    knee__ranked *src = r->ranked, *dst = r->rank_tmp;
    size_t count[256], i, shift;
    uint64_t all = ~(uint64_t)0, any = 0, lo = ~(uint64_t)0, hi = 0;
    if (n <= 32) {
        insertion_sort(src, n);
        return;
    }
    for (i = 0; i < n; i++) {   /* the bits where keys differ, and their span */
        uint64_t d = descending(src[i].key);
        all &= d;
        any |= d;
        lo = d < lo ? d : lo;
        hi = d > hi ? d : hi;
    }
    if (n <= UINT32_MAX && bucket_sort(r, n, lo, hi))
        return;
    for (shift = 0; shift < 64; shift += 8) {
        size_t sum = 0;
        if ((((all ^ any) >> shift) & 0xFF) == 0)
            continue;   /* every key has this byte: the order stands */
        memset(count, 0, sizeof count);
        for (i = 0; i < n; i++)
            count[(descending(src[i].key) >> shift) & 0xFF]++;
        for (i = 0; i < 256; i++) {
            size_t c = count[i];
            count[i] = sum;
            sum += c;
        }
        for (i = 0; i < n; i++)
            dst[count[(descending(src[i].key) >> shift) & 0xFF]++] = src[i];
        { knee__ranked *t = src; src = dst; dst = t; }
    }
    if (src != r->ranked)
        memcpy(r->ranked, src, n * sizeof *src);
}

/* Sort v[0..n) by name (knee__listed_before): insertion sort for the usual few, else a merge
 * sort through tmp. */
static void sort_by_name(const knee_result *r, knee__ranked *v, size_t n, knee__ranked *tmp)
{
    size_t i, j, width;
    if (n <= 16) {
        for (i = 1; i < n; i++) {
            knee__ranked x = v[i];
            for (j = i; j > 0 && knee__listed_before(r, x.opt, v[j - 1].opt); j--)
                v[j] = v[j - 1];
            v[j] = x;
        }
        return;
    }
    for (width = 1; width < n; width *= 2) {
        for (i = 0; i < n; i += 2 * width) {
            size_t mid = i + width < n ? i + width : n, hi = i + 2 * width < n ? i + 2 * width : n;
            size_t a = i, b = mid, k = i;
            while (a < mid || b < hi)
                tmp[k++] = b >= hi || (a < mid && knee__listed_before(r, v[a].opt, v[b].opt))
                               ? v[a++]
                               : v[b++];
        }
        memcpy(v, tmp, n * sizeof *v);
    }
}

/* Ranking (docs/result-contract.md, "Ranking and ties"): by score, highest first. Keys one
 * apart (scores within 1e-12, allowing for the rounding to the key) tie, and a run of such steps
 * is one tie: tied options share the rank of the first (competition ranking: 1, 1, 1, 4) and
 * are listed by name, so no rank or position depends on the rule file's order. */
static void rank_options(knee_result *r)
{
    size_t i, k, g, n = 0;
    for (i = 0; i < r->opts_n; i++)
        if (!r->opts[i].excluded) {
            r->opts[i].key = knee__rank_key(r->opts[i].score);
            r->ranked[n].key = r->opts[i].key;
            r->ranked[n++].opt = i;
        }
    knee__sort_ranked(r, n);
    for (i = 0; i < n; i = g) {
        for (g = i + 1; g < n && r->ranked[g - 1].key - r->ranked[g].key <= 1; g++)
            ;
        if (g - i > 1)
            sort_by_name(r, r->ranked + i, g - i, r->rank_tmp);
        for (k = i; k < g; k++) {
            r->order[k] = r->ranked[k].opt;
            r->opts[r->order[k]].rank = (int)(i + 1);
        }
    }
    for (i = 0; i < r->opts_n; i++)
        if (r->opts[i].excluded)
            r->order[n++] = i;
    r->order_n = n;
}

/* How many of the n keys, sorted highest first, are above x. */
static size_t count_above(const long long *sorted, size_t n, long long x)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (sorted[mid] > x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The candidates' keys of low (which 0) or high (1) weighted sums, highest first, into out. */
static void sorted_range_keys(knee_result *r, size_t n, int which, long long *out)
{
    size_t a;
    for (a = 0; a < n; a++) {
        const knee__range *g = &r->ranges[r->order[a]];
        r->ranked[a].key = knee__rank_key(which ? g->high : g->low);
        r->ranked[a].opt = r->order[a];
    }
    knee__sort_ranked(r, n);
    for (a = 0; a < n; a++)
        out[a] = r->ranked[a].key;
}

/* Each ranked option's rank range under the weighted sum. Its unknowns are its own, so its best
 * rank puts them at their best and everyone else's at their worst: 1 + the options whose low
 * score beats its high one; its worst rank the other way round. "Beats" is the ranking's: keys
 * more than one apart. Counted by bisection over the sorted keys (linear sorts), and clamped to
 * include the rank itself (a tie chained over several steps). */
static void rank_ranges(knee_result *r)
{
    size_t n = r->alts_n, i, any = 0;
    long long *lo_keys = r->range_keys, *hi_keys = r->range_keys + n;
    for (i = 0; i < r->opts_n; i++) /* in option order: read front to back */
        any |= !r->opts[i].excluded && r->ranges[i].low != r->ranges[i].high;
    r->ranges_flat = !any; /* nothing spans a range: each rank range is the rank */
    if (!any)
        return;
    sorted_range_keys(r, n, 0, lo_keys); /* then count by bisection, not pair by pair */
    sorted_range_keys(r, n, 1, hi_keys);
    for (i = 0; i < n; i++) {
        const knee__opt *o = &r->opts[r->order[i]];
        knee__range *g = &r->ranges[r->order[i]];
        long long lo = knee__rank_key(g->low), hi = knee__rank_key(g->high);
        size_t above_best = count_above(lo_keys, n, hi + 1); /* its own low never beats it */
        size_t above_worst = count_above(hi_keys, n, lo + 1) - (hi > lo + 1); /* not itself */
        g->best = (int)(above_best + 1) < o->rank ? (int)(above_best + 1) : o->rank;
        g->worst = (int)(above_worst + 1) > o->rank ? (int)(above_worst + 1) : o->rank;
    }
}

static int prepare(knee_result *r, const knee_ruleset *rs)
{
    size_t nt = rs->n_treatments, nc = rs->n_criteria;
    uint32_t lim[4];
    if (KNEE__RESERVE(r, weights, nc) || KNEE__RESERVE(r, opts, nt) ||
        KNEE__RESERVE(r, order, nt) || KNEE__RESERVE(r, ranges, nt) ||
        KNEE__RESERVE(r, cell_w, nc) || KNEE__RESERVE(r, ranked, nt) ||
        KNEE__RESERVE(r, rank_tmp, nt) || KNEE__RESERVE(r, range_keys, 2 * nt) ||
        KNEE__RESERVE(r, cond_truth, rs->n_conds) || KNEE__RESERVE(r, marks, rs->n_facts) ||
        KNEE__RESERVE(r, missing, rs->n_facts))
        return KNEE_ENOMEM;
    lim[0] = rs->regex_match_limit;
    lim[1] = rs->regex_depth_limit;
    lim[2] = rs->regex_heap_kib;
    lim[3] = rs->regex_budget;
    if (!r->scratch || memcmp(lim, r->scratch_limits, sizeof lim) != 0) {
        knee__match_scratch_free(r->scratch);
        r->scratch = NULL;
        if (knee__match_scratch_new(&r->scratch, lim[0], lim[1], lim[2], lim[3]) != KNEE_OK)
            return KNEE_ENOMEM;
        memcpy(r->scratch_limits, lim, sizeof lim);
    }
    knee__match_scratch_reset(r->scratch);   /* the budget is per comparison */
    r->reasons_n = r->cautions_n = r->fired_n = r->unknowns_n = 0;
    r->unknown_facts_n = r->changes_n = r->missing_n = r->cells_n = 0;
    r->cell_w_total = 0;   /* no option's total is 0 when its weights are used */
    r->has_matrix = 0;
    if (rs->n_facts)   /* a ruleset may declare no facts: then nothing was reserved */
        memset(r->marks, 0, rs->n_facts);
    return KNEE_OK;
}

static int set_weights(knee_result *r, const knee_ruleset *rs, const knee_patient *p)
{
    double total = 0, largest = 0;
    size_t j;
    for (j = 0; j < rs->n_criteria; j++) {
        double w = p && p->weight_set[j] ? p->weights[j] : rs->criteria[j].weight;
        r->weights[j] = w;
        total += w;
        largest = w > largest ? w : largest;
    }
    r->weights_n = rs->n_criteria;
    if (isinf(total)) {   /* finite weights (1e308 each) whose sum is not: the ratios still hold */
        total = 0;
        for (j = 0; j < rs->n_criteria; j++)
            total += r->weights[j] /= largest;
    }
    if (!(total > 0))
        return KNEE_EWEIGHT;
    r->weights_total = 0;
    for (j = 0; j < rs->n_criteria; j++) {
        r->weights[j] /= total;
        r->weights_total += r->weights[j];   /* as an option that counts every criterion sums it */
    }
    return KNEE_OK;
}

int knee_compare(const knee_ruleset *rs, const knee_patient *p, knee_result *r)
{
    return knee_compare_ex(rs, p, NULL, r);
}

int knee_compare_ex(const knee_ruleset *rs, const knee_patient *p, const knee_compare_options *o,
                    knee_result *r)
{
    char err[256];
    size_t i;
    int rc;
    if (!r)
        return KNEE_EINVAL;
    if (!rs)
        return fail(r, KNEE_EINVAL, "no ruleset given");
    if (p && p->rs != rs)
        return fail(r, KNEE_EINVAL, "the patient was made for another ruleset");
    r->rs = NULL;
    if ((rc = prepare(r, rs)) != KNEE_OK)
        return fail(r, rc, "out of memory");
    r->rs = rs;
    r->missing_policy = o ? o->missing : KNEE_MISSING_DEFAULT;
    if (r->missing_policy)
        knee__missing_resolve(r->missing_policy, &r->missing_kind, &r->missing_utility);
    if ((rc = set_weights(r, rs, p)) != KNEE_OK)
        return fail(r, rc, "the weights sum to zero: give at least one criterion a positive weight");

    /* No patient: every fact is unknown (known(x) is still false, literals still work). */
    if (!p) {
        if (KNEE__RESERVE(r, blank, rs->n_facts) != KNEE_OK)
            return fail(r, KNEE_ENOMEM, "out of memory");
        if (rs->n_facts)
            memset(r->blank, 0, rs->n_facts * sizeof *r->blank);
    }
    /* Each condition once per patient, however many options its rule acts on. */
    for (i = 0; i < rs->n_conds; i++) {
        int t = knee__expr_eval(rs->conds[i], p ? p->facts : r->blank, r->scratch, err, sizeof err);
        if (t < 0) {
            size_t k;
            for (k = 0; k < rs->n_rules && rs->rules[k].cond_index != i; k++)
                ;
            fail(r, t, "");
            snprintf(r->errmsg, sizeof r->errmsg, "rule '%s': %s", k < rs->n_rules ? rs->rules[k].id : "?", err);
            return t;
        }
        r->cond_truth[i] = (unsigned char)t;
    }
    if (knee__note_regions(r, p ? p->facts : r->blank) != KNEE_OK)
        return fail(r, KNEE_ENOMEM, "out of memory");
    r->opts_n = rs->n_treatments;
    /* one large clear is much cheaper than a small one per option */
    memset(r->opts, 0, rs->n_treatments * sizeof *r->opts);
    for (i = 0; i < rs->n_treatments; i++)
        if ((rc = evaluate_option(r, p, i)) != KNEE_OK)
            return fail(r, rc, "out of memory");
    r->vikor_v = o ? o->vikor_v : 0.5;
    r->smaa_samples = 0;
    r->has_sensitivity = 0;
    if ((rc = knee__aggregate(r, o)) != KNEE_OK)
        return fail(r, rc, rc == KNEE_ENOMEM ? "out of memory" : "the method could not score these options");
    rank_options(r);
    if (r->has_ranges && o && o->ranks_only)
        r->has_ranges = 0; /* the batch's ranks and scores: no one reads the ranges */
    if (r->has_ranges)
        rank_ranges(r);
    {
        int mode = o ? o->dominance : KNEE_DOMINANCE_AUTO;
        /* every option's dominator list starts empty: evaluate_option zeroed it */
        r->has_dominance = mode == KNEE_DOMINANCE_ON || (mode == KNEE_DOMINANCE_AUTO && r->alts_n <= 256);
        if (r->has_dominance && (rc = knee__dominance(r)) != KNEE_OK)
            return fail(r, rc, "out of memory");
    }
    if (o && o->sensitivity && (rc = knee__sensitivity(r, o)) != KNEE_OK)
        return fail(r, rc, rc == KNEE_ENOMEM ? "out of memory" : "the sensitivity analysis failed");
    if (o && o->smaa_samples && (rc = knee__smaa_run(r, o)) != KNEE_OK)
        return fail(r, rc, rc == KNEE_ENOMEM ? "out of memory" : "the SMAA analysis failed");
    for (i = 0; i < rs->n_facts; i++)
        if (r->marks[i])
            r->missing[r->missing_n++] = rs->facts[i].id;
    r->errmsg[0] = '\0';
    return KNEE_OK;
}
