/* result_json.c - the result in the JSON contract of docs/result-contract.md. Keys are kept
 * across versions (EHR plugins read them); numbers are written locale-independently. */
#include <math.h>
#include <string.h>

#include "util/alloc.h"
#include "base/names.h"
#include "engine/result.h"
#include "util/strbuf.h"

/* v[off .. off+n): the base may be NULL when n is 0 (NULL + offset is undefined, even + 0). */
static void str_list(knee__strbuf *b, const char *const *v, size_t off, size_t n)
{
    size_t k;
    knee__sb_str(b, "[");
    for (k = 0; k < n; k++) {
        if (k)
            knee__sb_str(b, ",");
        knee__sb_json_str(b, v[off + k]);
    }
    knee__sb_str(b, "]");
}

static void notes(knee__strbuf *b, const knee__note *base, size_t off, size_t n)
{
    size_t k;
    knee__sb_str(b, "[");
    for (k = 0; k < n; k++) {
        const knee__note *v = base + off;
        knee__sb_str(b, k ? ",{\"text\":" : "{\"text\":");
        knee__sb_json_str(b, v[k].text);
        knee__sb_str(b, ",\"rule\":");
        knee__sb_json_str(b, v[k].rule);
        knee__sb_str(b, ",\"source\":");
        knee__sb_json_str(b, v[k].source);
        knee__sb_str(b, ",\"patient\":"); /* two audiences (since 0.3); text = clinician */
        knee__sb_json_str(b, v[k].patient);
        knee__sb_str(b, ",\"clinician\":");
        knee__sb_json_str(b, v[k].text);
        knee__sb_str(b, "}");
    }
    knee__sb_str(b, "]");
}

static void num_or_null(knee__strbuf *b, double v)
{
    if (isnan(v))
        knee__sb_str(b, "null");
    else
        knee__sb_num(b, v);
}

/* The value's note for each audience (since 0.3), or null. */
static void note(knee__strbuf *b, const knee_result *r, size_t i, size_t j)
{
    const char *clinician = knee_result_value_note(r, i, j, KNEE_AUDIENCE_CLINICIAN);
    if (!clinician) {
        knee__sb_str(b, ",\"note\":null");
        return;
    }
    knee__sb_str(b, ",\"note\":{\"patient\":");
    knee__sb_json_str(b, knee_result_value_note(r, i, j, KNEE_AUDIENCE_PATIENT));
    knee__sb_str(b, ",\"clinician\":");
    knee__sb_json_str(b, clinician);
    knee__sb_str(b, "}");
}

/* The rate a source gives for the value (since 0.3), or null. */
static void rate(knee__strbuf *b, const knee_result *r, size_t i, size_t j)
{
    int count, per;
    const char *text, *source;
    if (!knee_result_value_rate(r, i, j, &count, &per, &text, &source)) {
        knee__sb_str(b, ",\"rate\":null");
        return;
    }
    knee__sb_printf(b, ",\"rate\":{\"value\":%d,\"per\":%d,\"text\":", count, per);
    knee__sb_json_str(b, text);
    knee__sb_str(b, ",\"source\":");
    knee__sb_json_str(b, source);
    knee__sb_str(b, "}");
}

/* ---- unknown values as ranges, ties (docs/result-contract.md) ---- */

/* "unknown" and "range": for an unknown value, the utilities it is scored over (null when it
 * is left out) and its plausible bounds (a number or a level id; null without bounds). */
static void unknown_range(knee__strbuf *b, const knee_result *r, size_t i, size_t j)
{
    double lo, hi;
    const char *llo, *lhi;
    if (!knee_result_utility_range(r, i, j, &lo, &hi)) {
        knee__sb_str(b, ",\"unknown\":false,\"range\":null");
        return;
    }
    knee__sb_str(b, ",\"unknown\":true,\"range\":{\"low\":");
    num_or_null(b, lo);
    knee__sb_str(b, ",\"high\":");
    num_or_null(b, hi);
    knee__sb_str(b, ",\"value_low\":");
    if (knee_result_unknown_level_bounds(r, i, j, &llo, &lhi)) {
        knee__sb_json_str(b, llo);
        knee__sb_str(b, ",\"value_high\":");
        knee__sb_json_str(b, lhi);
    } else {
        knee_result_unknown_bounds(r, i, j, &lo, &hi);
        num_or_null(b, lo);
        knee__sb_str(b, ",\"value_high\":");
        num_or_null(b, hi);
    }
    knee__sb_str(b, "}");
}

/* "score_range", "rank_range" (null when not given: excluded, or not the weighted sum) and
 * "tied_with". */
static void ranges(knee__strbuf *b, const knee_result *r, size_t i)
{
    double lo, hi;
    int best, worst;
    size_t k, n = knee_result_option_tie_count(r, i);
    if (knee_result_option_score_range(r, i, &lo, &hi)) {
        knee__sb_str(b, ",\"score_range\":{\"low\":");
        knee__sb_num(b, lo);
        knee__sb_str(b, ",\"high\":");
        knee__sb_num(b, hi);
        knee__sb_str(b, "}");
    } else {
        knee__sb_str(b, ",\"score_range\":null");
    }
    if (knee_result_option_rank_range(r, i, &best, &worst))
        knee__sb_printf(b, ",\"rank_range\":{\"best\":%d,\"worst\":%d}", best, worst);
    else
        knee__sb_str(b, ",\"rank_range\":null");
    knee__sb_str(b, ",\"tied_with\":[");
    for (k = 0; k < n; k++) {
        if (k)
            knee__sb_str(b, ",");
        knee__sb_json_str(b, knee_result_option_tied_with(r, i, k));
    }
    knee__sb_str(b, "]");
}

static void criterion(knee__strbuf *b, const knee_result *r, size_t i, size_t j)
{
    size_t k, n;
    knee__sb_str(b, j ? ",{\"id\":" : "{\"id\":");
    knee__sb_json_str(b, knee_result_criterion_id(r, j));
    knee__sb_str(b, ",\"known\":");
    knee__sb_str(b, knee_result_value_known(r, i, j) ? "true" : "false");
    knee__sb_str(b, ",\"value\":");
    num_or_null(b, knee_result_value(r, i, j));
    knee__sb_str(b, ",\"low\":");
    num_or_null(b, knee_result_value_low(r, i, j));
    knee__sb_str(b, ",\"high\":");
    num_or_null(b, knee_result_value_high(r, i, j));
    knee__sb_str(b, ",\"level\":");
    knee__sb_json_str(b, knee_result_value_level(r, i, j));
    knee__sb_str(b, ",\"utility\":");
    knee__sb_num(b, knee_result_utility(r, i, j));
    knee__sb_str(b, ",\"weight\":");
    knee__sb_num(b, knee_result_cell_weight(r, i, j));
    knee__sb_str(b, ",\"contribution\":");
    knee__sb_num(b, knee_result_contribution(r, i, j));
    knee__sb_str(b, ",\"missing\":");
    knee__sb_json_str(b, knee_result_value_missing(r, i, j));
    knee__sb_str(b, ",\"sources\":[");
    n = knee_result_value_source_count(r, i, j);
    for (k = 0; k < n; k++) {
        if (k)
            knee__sb_str(b, ",");
        knee__sb_json_str(b, knee_result_value_source(r, i, j, k));
    }
    knee__sb_str(b, "],\"rules\":[");
    n = knee_result_value_rule_count(r, i, j);
    for (k = 0; k < n; k++) {
        if (k)
            knee__sb_str(b, ",");
        knee__sb_json_str(b, knee_result_value_rule(r, i, j, k));
    }
    knee__sb_str(b, "]");
    note(b, r, i, j);
    rate(b, r, i, j);
    unknown_range(b, r, i, j);
    knee__sb_str(b, "}");
}

/* The method's own figures for a ranked option. */
static void metrics(knee__strbuf *b, const knee_result *r, const knee__opt *opt)
{
    const knee__method *d = knee__method_of(r->method);
    const knee__metrics *o;
    size_t k;
    if (!d || !d->figures[0]) /* the weighted sum: no figures of its own */
        return;
    o = &r->metrics[opt - r->opts];
    for (k = 0; k < KNEE__METHOD_FIGURES && d->figures[k]; k++) {
        knee__sb_str(b, k ? "," : ",\"metrics\":{");
        knee__sb_json_str(b, d->figures[k]);
        knee__sb_str(b, ":");
        knee__sb_num(b, o->figure[k]);
    }
    if (d->flags & KNEE__METHOD_COMPROMISE)
        knee__sb_str(b, o->in_compromise ? ",\"compromise\":true" : ",\"compromise\":false");
    knee__sb_str(b, "}");
}

static void smaa(knee__strbuf *b, const knee_result *r)
{
    size_t i, k, j, nc = r->rs->n_criteria;
    knee__sb_printf(b, ",\n \"smaa\":{\"samples\":%llu,\"seed\":%llu,\"options\":[",
                    (unsigned long long)r->smaa_samples, (unsigned long long)r->smaa_seed);
    for (i = 0, k = 0; i < r->order_n; i++) {
        const knee__opt *o = &r->opts[r->order[i]];
        size_t rank;
        double c;
        if (o->excluded)
            continue;
        knee__sb_str(b, k++ ? ",\n  {\"id\":" : "\n  {\"id\":");
        knee__sb_json_str(b, knee_result_option_id(r, i));
        knee__sb_str(b, ",\"rank_acceptability\":[");
        for (rank = 1; rank <= r->cands_n; rank++) {
            if (rank > 1)
                knee__sb_str(b, ",");
            knee__sb_num(b, knee_result_rank_acceptability(r, i, rank));
        }
        knee__sb_str(b, "],\"central_weights\":");
        if (isnan(knee_result_central_weight(r, i, 0))) {
            knee__sb_str(b, "null");
        } else {
            knee__sb_str(b, "{");
            for (j = 0; j < nc; j++) {
                if (j)
                    knee__sb_str(b, ",");
                knee__sb_json_str(b, r->rs->criteria[j].id);
                knee__sb_str(b, ":");
                knee__sb_num(b, knee_result_central_weight(r, i, j));
            }
            knee__sb_str(b, "}");
        }
        knee__sb_str(b, ",\"confidence\":");
        c = knee_result_confidence(r, i);
        if (isnan(c))
            knee__sb_str(b, "null");
        else
            knee__sb_num(b, c);
        knee__sb_str(b, "}");
    }
    knee__sb_str(b, "]}");
}

static void sensitivity(knee__strbuf *b, const knee_result *r)
{
    size_t j, c, w;
    double d;
    knee__sb_str(b, ",\n \"sensitivity\":{\"winner\":");
    knee__sb_json_str(b, knee_result_option_count(r) ? knee_result_option_id(r, 0) : NULL);
    knee__sb_str(b, ",\"margin\":");
    if (isnan(r->margin))
        knee__sb_str(b, "null");
    else
        knee__sb_num(b, r->margin);
    knee__sb_str(b, r->fragile ? ",\"fragile\":true,\"fragile_margin\":"
                               : ",\"fragile\":false,\"fragile_margin\":");
    knee__sb_num(b, r->fragile_margin);
    knee__sb_str(b, ",\"tied_top\":["); /* the options tied first, the winner included */
    if (knee_result_option_count(r) && knee_result_option_tie_count(r, 0)) {
        knee__sb_json_str(b, knee_result_option_id(r, 0));
        for (j = 0; j < knee_result_option_tie_count(r, 0); j++) {
            knee__sb_str(b, ",");
            knee__sb_json_str(b, knee_result_option_tied_with(r, 0, j));
        }
    }
    knee__sb_str(b, "]");
    knee__sb_str(b, ",\"criteria\":[");
    for (j = 0; j < r->rs->n_criteria; j++) {
        knee__sb_str(b, j ? ",{\"id\":" : "{\"id\":");
        knee__sb_json_str(b, r->rs->criteria[j].id);
        knee__sb_str(b, ",\"weight\":");
        knee__sb_num(b, r->weights[j]);
        knee__sb_str(b, ",\"lower\":");
        knee__sb_num(b, r->sens_lo[j]);
        knee__sb_str(b, ",\"upper\":");
        knee__sb_num(b, r->sens_hi[j]);
        knee__sb_str(b, "}");
    }
    knee__sb_str(b, "],\"smallest_change\":");
    if (knee_result_min_weight_change(r, &c, &d, &w)) {
        knee__sb_str(b, "{\"criterion\":");
        knee__sb_json_str(b, r->rs->criteria[c].id);
        knee__sb_str(b, ",\"delta\":");
        knee__sb_num(b, d);
        knee__sb_str(b, ",\"new_winner\":");
        knee__sb_json_str(b, knee_result_option_id(r, w));
        knee__sb_str(b, "}");
    } else {
        knee__sb_str(b, "null");
    }
    knee__sb_str(b, "}");
}

static void option(knee__strbuf *b, const knee_result *r, size_t i)
{
    const knee__opt *o = &r->opts[r->order[i]];
    size_t j, k;
    knee__sb_str(b, i ? ",\n  {\"id\":" : "\n  {\"id\":");
    knee__sb_json_str(b, knee_result_option_id(r, i));
    knee__sb_str(b, ",\"name\":");
    knee__sb_json_str(b, knee_result_option_name(r, i));
    if (o->excluded) {
        knee__sb_str(b, ",\"rank\":null,\"score\":null,\"excluded\":true");
    } else {
        knee__sb_str(b, ",\"rank\":");
        knee__sb_num(b, o->rank); /* a whole number: the same text as %d, without printf */
        knee__sb_str(b, ",\"score\":");
        knee__sb_num(b, o->score);
        knee__sb_str(b, ",\"excluded\":false,\"weighted_sum\":");
        knee__sb_num(b, o->ws_score);
        metrics(b, r, o);
    }
    knee__sb_str(b, ",\"reasons\":");
    notes(b, r->reasons, o->reason_off, o->reason_n);
    knee__sb_str(b, ",\"cautions\":");
    notes(b, r->cautions, o->caution_off, o->caution_n);
    knee__sb_str(b, ",\"criteria\":[");
    for (j = 0; j < r->rs->n_criteria; j++)
        criterion(b, r, i, j);
    knee__sb_str(b, "]");
    if (r->has_dominance) {
        knee__sb_str(b, ",\"dominated_by\":");
        str_list(b, r->dominators, o->dom_off, o->dom_n);
    }
    knee__sb_str(b, ",\"rules_fired\":");
    str_list(b, r->fired, o->fired_off, o->fired_n);
    knee__sb_str(b, ",\"unknown\":[");
    for (k = 0; k < o->unknown_n; k++) {
        const knee__unknown *u = &r->unknowns[o->unknown_off + k];
        knee__sb_str(b, k ? ",{\"rule\":" : "{\"rule\":");
        knee__sb_json_str(b, u->rule);
        knee__sb_str(b, ",\"facts\":");
        str_list(b, r->unknown_facts, u->fact_off, u->fact_n);
        knee__sb_str(b, "}");
    }
    knee__sb_str(b, "]");
    ranges(b, r, i);
    knee__sb_str(b, "}");
}

void knee__result_json(knee__strbuf *b, const knee_result *r)
{
    const knee_ruleset *rs = r->rs;
    const knee__method *method = knee__method_of(r->method);
    size_t i, j;
    knee__sb_str(b, "{\"ruleset\":{\"id\":");
    knee__sb_json_str(b, rs->id);
    knee__sb_str(b, ",\"version\":");
    knee__sb_json_str(b, rs->version);
    knee__sb_str(b, ",\"title\":");
    knee__sb_json_str(b, rs->title);
    knee__sb_str(b, ",\"sha256\":");
    knee__sb_json_str(b, rs->sha256);
    knee__sb_str(b, ",\"evidence_as_of\":");
    knee__sb_json_str(b, rs->evidence_as_of);
    knee__sb_str(b, "},\n \"library\":{\"version\":");
    knee__sb_json_str(b, knee_version_string());
    knee__sb_str(b, "},\n \"method\":");
    knee__sb_json_str(b, knee_method_name(r->method));
    if (method && method->setting) {
        knee__sb_str(b, ",\n \"method_options\":{");
        knee__sb_json_str(b, method->setting);
        knee__sb_str(b, ":");
        knee__sb_num(b, r->vikor_v);
        knee__sb_str(b, "}");
    }
    knee__sb_str(b, ",\n \"missing_policy\":");
    knee__sb_json_str(b, knee_result_missing_policy(r));
    knee__sb_str(b, ",\n \"weights\":{");
    for (j = 0; j < rs->n_criteria; j++) {
        if (j)
            knee__sb_str(b, ",");
        knee__sb_json_str(b, rs->criteria[j].id);
        knee__sb_str(b, ":");
        knee__sb_num(b, r->weights[j]);
    }
    knee__sb_str(b, "},\n \"options\":[");
    for (i = 0; i < r->order_n; i++)
        option(b, r, i);
    knee__sb_str(b, "],\n \"missing_facts\":");
    str_list(b, r->missing, 0, r->missing_n);
    knee__regions_json(b, r);
    if (r->smaa_samples)
        smaa(b, r);
    if (r->has_sensitivity)
        sensitivity(b, r);
    knee__sb_str(b, "}\n");
}

int knee_result_to_json(const knee_result *r, char **out, size_t *len)
{
    knee__strbuf b;
    if (!out)
        return KNEE_EINVAL;
    *out = NULL;
    if (len)
        *len = 0;
    if (!r || !r->rs)
        return KNEE_EINVAL;
    knee__sb_init(&b);
    b.nums =
        knee__malloc(sizeof *b.nums); /* optional: without it numbers are formatted each time */
    if (b.nums)
        memset(b.nums, 0, sizeof *b.nums);
    knee__result_json(&b, r);
    knee__dealloc(b.nums);
    return knee__sb_finish(&b, out, len);
}
