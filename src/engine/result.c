/* result.c - the result object's life and its read-only accessors. Index i is in result order
 * (ranked options by rank, then excluded ones in document order); j is a criterion index. */
#include <math.h>
#include <string.h>

#include "util/alloc.h"
#include "base/names.h"
#include "engine/cells.h"
#include "engine/result.h"

int knee_result_new(knee_result **out)
{
    if (!out)
        return KNEE_EINVAL;
    *out = knee__calloc(1, sizeof **out);
    return *out ? KNEE_OK : KNEE_ENOMEM;
}

void knee_result_free(knee_result *r)
{
    if (!r)
        return;
    knee__dealloc(r->weights);
    knee__dealloc(r->opts);
    knee__dealloc(r->ranges);
    knee__dealloc(r->order);
    knee__dealloc(r->metrics);
    knee__dealloc(r->cells);
    knee__dealloc(r->reasons);
    knee__dealloc(r->cautions);
    knee__dealloc(r->fired);
    knee__dealloc(r->unknowns);
    knee__dealloc(r->unknown_facts);
    knee__dealloc(r->changes);
    knee__dealloc(r->missing);
    knee__dealloc(r->cond_truth);
    knee__dealloc(r->ranked);
    knee__dealloc(r->rank_tmp);
    knee__dealloc(r->range_keys);
    knee__dealloc(r->marks);
    knee__dealloc(r->blank);
    knee__dealloc(r->row_facts);
    knee__dealloc(r->dominators);
    knee__dealloc(r->dom_pos);
    knee__dealloc(r->dom_sketch);
    knee__dealloc(r->cands);
    knee__dealloc(r->util);
    knee__dealloc(r->known);
    knee__dealloc(r->span_lo);
    knee__dealloc(r->span_hi);
    knee__dealloc(r->dirs);
    knee__dealloc(r->raw);
    knee__dealloc(r->raw_dirs);
    knee__dealloc(r->work);
    knee__dealloc(r->order_work);
    knee__dealloc(r->flags);
    knee__dealloc(r->w_try);
    knee__dealloc(r->rank_acc);
    knee__dealloc(r->central_w);
    knee__dealloc(r->confidence);
    knee__dealloc(r->draws);
    knee__dealloc(r->cell_w);
    knee__dealloc(r->sens_lo);
    knee__dealloc(r->sens_hi);
    knee__dealloc(r->region_values);
    knee__dealloc(r->top_set);
    knee__match_scratch_free(r->scratch);
    knee__dealloc(r);
}

const char *knee_result_errmsg(const knee_result *r)
{
    return r ? r->errmsg : "no result";
}

const char *knee_result_method(const knee_result *r)
{
    return r && r->rs ? knee_method_name(r->method) : NULL;
}

size_t knee_result_criterion_count(const knee_result *r)
{
    return r && r->rs ? r->rs->n_criteria : 0;
}

const char *knee_result_criterion_id(const knee_result *r, size_t j)
{
    return r && r->rs && j < r->rs->n_criteria ? r->rs->criteria[j].id : NULL;
}

double knee_result_weight(const knee_result *r, size_t j)
{
    return r && r->rs && j < r->rs->n_criteria ? r->weights[j] : NAN;
}

size_t knee_result_option_count(const knee_result *r)
{
    return r && r->rs ? r->order_n : 0;
}

static const knee__opt *opt(const knee_result *r, size_t i)
{
    return r && r->rs && i < r->order_n ? &r->opts[r->order[i]] : NULL;
}

/* Option i's value for criterion j after rules (cells.c), or NULL. */
static const knee__value *value(const knee_result *r, size_t i, size_t j)
{
    return opt(r, i) && j < r->rs->n_criteria ? knee__cell_value(r, r->order[i], j) : NULL;
}

const char *knee_result_option_id(const knee_result *r, size_t i)
{
    return opt(r, i) ? r->rs->options[opt(r, i)->option].id : NULL;
}

const char *knee_result_option_name(const knee_result *r, size_t i)
{
    return opt(r, i) ? r->rs->options[opt(r, i)->option].name : NULL;
}

int knee_result_option_rank(const knee_result *r, size_t i)
{
    return opt(r, i) ? opt(r, i)->rank : 0;
}
double knee_result_option_score(const knee_result *r, size_t i)
{
    return opt(r, i) ? opt(r, i)->score : NAN;
}
int knee_result_option_excluded(const knee_result *r, size_t i)
{
    return opt(r, i) ? opt(r, i)->excluded : 0;
}

size_t knee_result_reason_count(const knee_result *r, size_t i)
{
    return opt(r, i) ? opt(r, i)->reason_n : 0;
}
size_t knee_result_caution_count(const knee_result *r, size_t i)
{
    return opt(r, i) ? opt(r, i)->caution_n : 0;
}

static const knee__note *reason(const knee_result *r, size_t i, size_t k)
{
    const knee__opt *o = opt(r, i);
    return o && k < o->reason_n ? &r->reasons[o->reason_off + k] : NULL;
}

static const knee__note *caution(const knee_result *r, size_t i, size_t k)
{
    const knee__opt *o = opt(r, i);
    return o && k < o->caution_n ? &r->cautions[o->caution_off + k] : NULL;
}

const char *knee_result_reason_text(const knee_result *r, size_t i, size_t k)
{
    return reason(r, i, k) ? reason(r, i, k)->text : NULL;
}
const char *knee_result_reason_rule(const knee_result *r, size_t i, size_t k)
{
    return reason(r, i, k) ? reason(r, i, k)->rule : NULL;
}
const char *knee_result_reason_source(const knee_result *r, size_t i, size_t k)
{
    return reason(r, i, k) ? reason(r, i, k)->source : NULL;
}
const char *knee_result_caution_text(const knee_result *r, size_t i, size_t k)
{
    return caution(r, i, k) ? caution(r, i, k)->text : NULL;
}
const char *knee_result_caution_rule(const knee_result *r, size_t i, size_t k)
{
    return caution(r, i, k) ? caution(r, i, k)->rule : NULL;
}
const char *knee_result_caution_source(const knee_result *r, size_t i, size_t k)
{
    return caution(r, i, k) ? caution(r, i, k)->source : NULL;
}

int knee_result_value_known(const knee_result *r, size_t i, size_t j)
{
    return value(r, i, j) ? value(r, i, j)->known : 0;
}

static int numeric(const knee__value *v)
{
    return v && v->known && v->level == KNEE__NONE;
}

double knee_result_value(const knee_result *r, size_t i, size_t j)
{
    const knee__value *v = value(r, i, j);
    return numeric(v) ? v->typical : NAN;
}

double knee_result_value_low(const knee_result *r, size_t i, size_t j)
{
    const knee__value *v = value(r, i, j);
    return numeric(v) ? v->low : NAN;
}

double knee_result_value_high(const knee_result *r, size_t i, size_t j)
{
    const knee__value *v = value(r, i, j);
    return numeric(v) ? v->high : NAN;
}

const char *knee_result_value_level(const knee_result *r, size_t i, size_t j)
{
    const knee__value *v = value(r, i, j);
    if (!v || !v->known || v->level == KNEE__NONE)
        return NULL;
    return r->rs->criteria[j].levels[v->level].id;
}

double knee_result_utility(const knee_result *r, size_t i, size_t j)
{
    return value(r, i, j) ? knee__cell_utility(r, r->order[i], j) : NAN;
}

double knee_result_cell_weight(const knee_result *r, size_t i, size_t j)
{
    return value(r, i, j) ? knee__cell_weight(r, r->order[i], j) : NAN;
}

double knee_result_contribution(const knee_result *r, size_t i, size_t j)
{
    return value(r, i, j) ? knee__cell_contribution(r, r->order[i], j) : NAN;
}

/* The rules' changes to option i's value j: their count, and the first's index in changes. */
static size_t changes(const knee_result *r, size_t i, size_t j, size_t *off)
{
    const knee__cell *c = value(r, i, j) ? knee__cell_changed(r, r->order[i], j) : NULL;
    *off = c ? c->change_off : 0;
    return c ? c->change_n : 0;
}

size_t knee_result_value_source_count(const knee_result *r, size_t i, size_t j)
{
    const knee__value *v = value(r, i, j);
    size_t k, n, off, n_changes = changes(r, i, j, &off);
    if (!v)
        return 0;
    n = v->sources.n;
    for (k = 0; k < n_changes; k++)
        n += r->changes[off + k].action->sources.n;
    return n;
}

const char *knee_result_value_source(const knee_result *r, size_t i, size_t j, size_t k)
{
    const knee__value *v = value(r, i, j);
    size_t m, off, n_changes = changes(r, i, j, &off);
    if (!v)
        return NULL;
    if (k < v->sources.n)
        return v->sources.v[k];
    k -= v->sources.n;
    for (m = 0; m < n_changes; m++) {
        const knee__idlist *s = &r->changes[off + m].action->sources;
        if (k < s->n)
            return s->v[k];
        k -= s->n;
    }
    return NULL;
}

size_t knee_result_value_rule_count(const knee_result *r, size_t i, size_t j)
{
    size_t off;
    return changes(r, i, j, &off);
}

const char *knee_result_value_rule(const knee_result *r, size_t i, size_t j, size_t k)
{
    size_t off, n = changes(r, i, j, &off);
    return k < n ? r->changes[off + k].rule->id : NULL;
}

size_t knee_result_fired_count(const knee_result *r, size_t i)
{
    return opt(r, i) ? opt(r, i)->fired_n : 0;
}

const char *knee_result_fired_rule(const knee_result *r, size_t i, size_t k)
{
    const knee__opt *o = opt(r, i);
    return o && k < o->fired_n ? r->fired[o->fired_off + k] : NULL;
}

size_t knee_result_unknown_count(const knee_result *r, size_t i)
{
    return opt(r, i) ? opt(r, i)->unknown_n : 0;
}

static const knee__unknown *unknown(const knee_result *r, size_t i, size_t k)
{
    const knee__opt *o = opt(r, i);
    return o && k < o->unknown_n ? &r->unknowns[o->unknown_off + k] : NULL;
}

const char *knee_result_unknown_rule(const knee_result *r, size_t i, size_t k)
{
    return unknown(r, i, k) ? unknown(r, i, k)->rule : NULL;
}
size_t knee_result_unknown_fact_count(const knee_result *r, size_t i, size_t k)
{
    return unknown(r, i, k) ? unknown(r, i, k)->fact_n : 0;
}

const char *knee_result_unknown_fact(const knee_result *r, size_t i, size_t k, size_t f)
{
    const knee__unknown *u = unknown(r, i, k);
    return u && f < u->fact_n ? r->unknown_facts[u->fact_off + f] : NULL;
}

size_t knee_result_missing_fact_count(const knee_result *r)
{
    return r && r->rs ? r->missing_n : 0;
}

const char *knee_result_missing_fact(const knee_result *r, size_t k)
{
    return r && r->rs && k < r->missing_n ? r->missing[k] : NULL;
}

/* ---- method figures, dominance, analyses ----------------------------------------------------- */

int knee_result_option_metric(const knee_result *r, size_t i, const char *name, double *value)
{
    const knee__opt *o = opt(r, i);
    const knee__method *d;
    double v;
    size_t k;
    if (!o || !name || o->excluded)
        return 0;
    d = knee__method_of(r->method);
    if (strcmp(name, "weighted_sum") == 0)
        v = o->ws_score;
    else {
        for (k = 0; d && k < KNEE__METHOD_FIGURES && d->figures[k]; k++)
            if (strcmp(name, d->figures[k]) == 0)
                break;
        if (!d || k == KNEE__METHOD_FIGURES || !d->figures[k])
            return 0;
        v = r->metrics[r->order[i]].figure[k];
    }
    if (value)
        *value = v;
    return 1;
}

int knee_result_option_in_compromise(const knee_result *r, size_t i)
{
    const knee__opt *o = opt(r, i);
    const knee__method *d = knee__method_of(r->method);
    return o && d && (d->flags & KNEE__METHOD_COMPROMISE) && !o->excluded
               ? r->metrics[r->order[i]].in_compromise
               : 0;
}

int knee_result_has_dominance(const knee_result *r)
{
    return r && r->rs ? r->has_dominance : 0;
}

size_t knee_result_dominator_count(const knee_result *r, size_t i)
{
    return opt(r, i) ? opt(r, i)->dom_n : 0;
}

const char *knee_result_dominator(const knee_result *r, size_t i, size_t k)
{
    const knee__opt *o = opt(r, i);
    return o && k < o->dom_n ? r->dominators[o->dom_off + k] : NULL;
}

uint64_t knee_result_smaa_samples(const knee_result *r)
{
    return r && r->rs ? r->smaa_samples : 0;
}
uint64_t knee_result_smaa_seed(const knee_result *r)
{
    return r && r->rs ? r->smaa_seed : 0;
}

/* The candidate index of result option i when SMAA ran, or KNEE__NONE. */
static size_t smaa_alt(const knee_result *r, size_t i)
{
    const knee__opt *o = opt(r, i);
    return o && r->smaa_samples && !o->excluded ? o->cand : KNEE__NONE;
}

double knee_result_rank_acceptability(const knee_result *r, size_t i, size_t rank)
{
    size_t a = smaa_alt(r, i);
    if (a == KNEE__NONE || rank < 1 || rank > r->cands_n)
        return NAN;
    return r->rank_acc[a * r->cands_n + rank - 1];
}

double knee_result_central_weight(const knee_result *r, size_t i, size_t j)
{
    size_t a = smaa_alt(r, i);
    if (a == KNEE__NONE || j >= r->rs->n_criteria || r->rank_acc[a * r->cands_n] == 0)
        return NAN;
    return r->central_w[a * r->rs->n_criteria + j];
}

double knee_result_confidence(const knee_result *r, size_t i)
{
    size_t a = smaa_alt(r, i);
    if (a == KNEE__NONE || r->rank_acc[a * r->cands_n] == 0)
        return NAN;
    return r->confidence[a];
}

int knee_result_has_sensitivity(const knee_result *r)
{
    return r && r->rs ? r->has_sensitivity : 0;
}

int knee_result_sensitivity_interval(const knee_result *r, size_t j, double *lower, double *upper)
{
    if (!knee_result_has_sensitivity(r) || j >= r->rs->n_criteria)
        return KNEE_ERANGE;
    if (lower)
        *lower = r->sens_lo[j];
    if (upper)
        *upper = r->sens_hi[j];
    return KNEE_OK;
}

int knee_result_min_weight_change(const knee_result *r, size_t *criterion, double *delta,
                                  size_t *new_winner)
{
    size_t i;
    if (!knee_result_has_sensitivity(r) || !r->has_flip)
        return 0;
    if (criterion)
        *criterion = r->flip_criterion;
    if (delta)
        *delta = r->flip_delta;
    if (new_winner)
        for (i = 0; i < r->order_n; i++)
            if (r->order[i] == r->flip_winner)
                *new_winner = i;
    return 1;
}

double knee_result_winner_margin(const knee_result *r)
{
    return knee_result_has_sensitivity(r) ? r->margin : NAN;
}

int knee_result_winner_fragile(const knee_result *r)
{
    return knee_result_has_sensitivity(r) ? r->fragile : 0;
}

/* ---- texts for two audiences ----------------------------------------------------------------- */

const char *knee_result_reason_patient_text(const knee_result *r, size_t i, size_t k)
{
    return reason(r, i, k) ? reason(r, i, k)->patient : NULL;
}
const char *knee_result_reason_clinician_text(const knee_result *r, size_t i, size_t k)
{
    return knee_result_reason_text(r, i, k);
}
const char *knee_result_caution_patient_text(const knee_result *r, size_t i, size_t k)
{
    return caution(r, i, k) ? caution(r, i, k)->patient : NULL;
}
const char *knee_result_caution_clinician_text(const knee_result *r, size_t i, size_t k)
{
    return knee_result_caution_text(r, i, k);
}

const char *knee_result_value_note(const knee_result *r, size_t i, size_t j, int audience)
{
    const knee__value *v = value(r, i, j);
    return v ? knee__for_audience(v->note, v->note_patient, audience) : NULL;
}

int knee_result_value_rate(const knee_result *r, size_t i, size_t j, int *count, int *per,
                           const char **text, const char **source)
{
    const knee__value *v = value(r, i, j);
    const knee__rate *rt = v ? v->rate : NULL;
    if (count)
        *count = rt ? rt->count : 0;
    if (per)
        *per = rt ? rt->per : 0;
    if (text)
        *text = rt ? rt->text : NULL;
    if (source)
        *source = rt ? rt->source : NULL;
    return rt != NULL;
}

/* ---- unknown values as ranges, ties ---------------------------------------------------------- */

const char *knee_result_missing_policy(const knee_result *r)
{
    if (!r || !r->rs)
        return NULL;
    return knee_missing_name(r->missing_policy ? r->missing_policy : r->rs->missing);
}

const char *knee_result_value_missing(const knee_result *r, size_t i, size_t j)
{
    const knee__value *v = value(r, i, j);
    return v && !v->known ? knee__cell_policy_name(r, j) : NULL;
}

int knee_result_option_score_range(const knee_result *r, size_t i, double *low, double *high)
{
    const knee__opt *o = opt(r, i);
    int ok = o && !o->excluded && r->has_ranges;
    if (low)
        *low = ok ? r->ranges[r->order[i]].low : NAN;
    if (high)
        *high = ok ? r->ranges[r->order[i]].high : NAN;
    return ok;
}

int knee_result_option_rank_range(const knee_result *r, size_t i, int *best, int *worst)
{
    const knee__opt *o = opt(r, i);
    int ok = o && !o->excluded && r->has_ranges;
    if (best)
        *best = !ok ? 0 : r->ranges_flat ? o->rank : r->ranges[r->order[i]].best;
    if (worst)
        *worst = !ok ? 0 : r->ranges_flat ? o->rank : r->ranges[r->order[i]].worst;
    return ok;
}

/* The options tied with result option i are its neighbours in result order with its rank. */
static void tie_run(const knee_result *r, size_t i, size_t *first, size_t *end)
{
    int rank = r->opts[r->order[i]].rank;
    *first = *end = i;
    while (*first > 0 && r->opts[r->order[*first - 1]].rank == rank)
        (*first)--;
    while (*end < r->order_n && !r->opts[r->order[*end]].excluded &&
           r->opts[r->order[*end]].rank == rank)
        (*end)++;
}

size_t knee_result_option_tie_count(const knee_result *r, size_t i)
{
    size_t first, end;
    if (!opt(r, i) || opt(r, i)->excluded)
        return 0;
    tie_run(r, i, &first, &end);
    return end - first - 1;
}

const char *knee_result_option_tied_with(const knee_result *r, size_t i, size_t k)
{
    size_t first, end;
    if (!opt(r, i) || opt(r, i)->excluded)
        return NULL;
    tie_run(r, i, &first, &end);
    if (first + k >= i)
        k++; /* skip i itself */
    return first + k < end ? knee_result_option_id(r, first + k) : NULL;
}

int knee_result_utility_range(const knee_result *r, size_t i, size_t j, double *low, double *high)
{
    const knee__value *v = value(r, i, j);
    double u, lo = NAN, hi = NAN;
    int counted;
    if (v) {
        counted = knee__cell_score(r, r->order[i], j, &u, &lo, &hi);
        if (!v->known && !counted)
            lo = hi = NAN;
    }
    if (low)
        *low = lo;
    if (high)
        *high = hi;
    return v && !v->known;
}

int knee_result_unknown_bounds(const knee_result *r, size_t i, size_t j, double *low, double *high)
{
    const knee__value *v = value(r, i, j);
    int ok = v && !v->known && v->bounded && r->rs->criteria[j].n_levels == 0;
    if (low)
        *low = ok ? v->low : NAN;
    if (high)
        *high = ok ? v->high : NAN;
    return ok;
}

int knee_result_unknown_level_bounds(const knee_result *r, size_t i, size_t j, const char **low,
                                     const char **high)
{
    const knee__value *v = value(r, i, j);
    const knee__criterion *c = v ? &r->rs->criteria[j] : NULL;
    int ok = v && !v->known && v->bounded && c->n_levels > 0;
    if (low)
        *low = ok ? c->levels[v->level].id : NULL;
    if (high)
        *high = ok ? c->levels[v->level_high].id : NULL;
    return ok;
}
