/* result_pack.c - knee_result_pack(): a whole result in one flat buffer of 8-byte slots, so that a
 * binding reads it with one call instead of one per value (docs/result-contract.md, "The packed
 * result"). The layout is a header, one record per option (result order), one per option and
 * criterion, the weights and criterion ids, then the lists the records point into. One pass
 * lays it out and writes the slots that fit, so sizing and writing cannot disagree. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "base/names.h"
#include "engine/cells.h"
#include "engine/result.h"

/* Slot counts of version 1 (KNEE_PACK_VERSION). Later versions only add slots at the ends. */
enum {
    HEADER_SLOTS = 20,
    OPTION_SLOTS = 32,
    CELL_SLOTS = 21,
    NOTE_SLOTS = 4,
    UNKNOWN_SLOTS = 3,
    REGION_SLOTS = 4
};

/* The metrics of knee_result_option_metric() besides "weighted_sum", in mask bit order. */
static const char *const metric_names[] = {"closeness", "phi_plus", "phi_minus", "phi_net",
                                           "S",         "R",        "Q"};

typedef struct packer {
    unsigned char *buf;
    size_t cap;  /* slots in buf: those past it are laid out, not written */
    size_t next; /* the next free list slot */
} packer;

static void put_i(packer *p, size_t at, int64_t v)
{
    if (at < p->cap)
        memcpy(p->buf + at * 8, &v, 8);
}

static void put_f(packer *p, size_t at, double v)
{
    if (at < p->cap)
        memcpy(p->buf + at * 8, &v, 8);
}

static void put_s(packer *p, size_t at, const char *s)
{
    uint64_t v = (uint64_t)(uintptr_t)s;
    if (at < p->cap)
        memcpy(p->buf + at * 8, &v, 8);
}

/* Room for n slots of a list: writes its count and offset at `at`, returns its first slot. */
static size_t list(packer *p, size_t at, size_t n)
{
    size_t first = p->next;
    put_i(p, at, (int64_t)n);
    put_i(p, at + 1, (int64_t)first);
    p->next += n;
    return first;
}

/* A list of n strings, the k-th given by get(r, i, k). */
static void strings(packer *p, size_t at, const knee_result *r, size_t i, size_t n,
                    const char *(*get)(const knee_result *, size_t, size_t))
{
    size_t first = list(p, at, n), k;
    for (k = 0; k < n; k++)
        put_s(p, first + k, get(r, i, k));
}

static void notes(packer *p, size_t at, const knee_result *r, size_t i, size_t n,
                  const char *(*text)(const knee_result *, size_t, size_t),
                  const char *(*rule)(const knee_result *, size_t, size_t),
                  const char *(*source)(const knee_result *, size_t, size_t),
                  const char *(*patient)(const knee_result *, size_t, size_t))
{
    size_t first = list(p, at, n * NOTE_SLOTS), k;
    for (k = 0; k < n; k++) {
        size_t s = first + k * NOTE_SLOTS;
        put_s(p, s, text(r, i, k));
        put_s(p, s + 1, rule(r, i, k));
        put_s(p, s + 2, source(r, i, k));
        put_s(p, s + 3, patient(r, i, k));
    }
}

/* The mask bit (metric_names) of each figure of r's method, or -1, found once per pack: the
 * figures are then read directly, as knee_result_option_metric() finds them by name. */
static void metric_bits(const knee_result *r, int bits[KNEE__METHOD_FIGURES])
{
    const knee__method *d = knee__method_of(r->method);
    size_t f, k;
    for (f = 0; f < KNEE__METHOD_FIGURES; f++) {
        bits[f] = -1;
        for (k = 0; d && d->figures[f] && k < sizeof metric_names / sizeof *metric_names; k++)
            if (strcmp(d->figures[f], metric_names[k]) == 0)
                bits[f] = (int)k;
        if (!d || !d->figures[f])
            break; /* NULL-ended: the rest stay -1 */
    }
    for (; f < KNEE__METHOD_FIGURES; f++)
        bits[f] = -1;
}

static void option(packer *p, size_t at, const knee_result *r, size_t i, const int *bits)
{
    double lo, hi;
    int best, worst;
    size_t k, n, first;
    int64_t mask = 0;
    const knee__opt *o = &r->opts[r->order[i]];
    int excluded = o->excluded;
    put_s(p, at, knee_result_option_id(r, i));
    put_s(p, at + 1, knee_result_option_name(r, i));
    put_i(p, at + 2, (int64_t)r->order[i]);
    put_i(p, at + 3, o->rank);
    put_i(p, at + 4, excluded);
    put_f(p, at + 5, excluded ? NAN : o->score);
    put_f(p, at + 6, excluded ? NAN : o->ws_score);
    knee_result_option_score_range(r, i, &lo, &hi);
    put_f(p, at + 7, lo);
    put_f(p, at + 8, hi);
    knee_result_option_rank_range(r, i, &best, &worst);
    put_i(p, at + 9, best);
    put_i(p, at + 10, worst);
    for (k = 0; k < sizeof metric_names / sizeof *metric_names; k++)
        put_f(p, at + 12 + k, NAN);
    for (k = 0; !excluded && k < KNEE__METHOD_FIGURES; k++)
        if (bits[k] >= 0) {
            mask |= (int64_t)1 << bits[k];
            put_f(p, at + 12 + (size_t)bits[k], r->metrics[r->order[i]].figure[k]);
        }
    put_i(p, at + 11, mask);
    put_i(p, at + 19, knee_result_option_in_compromise(r, i));
    notes(p, at + 20, r, i, knee_result_reason_count(r, i), knee_result_reason_text,
          knee_result_reason_rule, knee_result_reason_source, knee_result_reason_patient_text);
    notes(p, at + 22, r, i, knee_result_caution_count(r, i), knee_result_caution_text,
          knee_result_caution_rule, knee_result_caution_source, knee_result_caution_patient_text);
    strings(p, at + 24, r, i, knee_result_fired_count(r, i), knee_result_fired_rule);
    n = knee_result_unknown_count(r, i);
    first = list(p, at + 26, n * UNKNOWN_SLOTS);
    for (k = 0; k < n; k++) {
        size_t s = first + k * UNKNOWN_SLOTS, f, nf = knee_result_unknown_fact_count(r, i, k);
        size_t facts = list(p, s + 1, nf);
        put_s(p, s, knee_result_unknown_rule(r, i, k));
        for (f = 0; f < nf; f++)
            put_s(p, facts + f, knee_result_unknown_fact(r, i, k, f));
    }
    strings(p, at + 28, r, i, knee_result_dominator_count(r, i), knee_result_dominator);
    strings(p, at + 30, r, i, knee_result_option_tie_count(r, i), knee_result_option_tied_with);
}

/* Option i's value on criterion j, found once and read with the accessors' rules (result.c,
 * cells.c): through the accessors a 24 x 8 result took about 4,000 calls, each finding the
 * value again, and cost as much as the comparison. test_pack.c checks every slot against the
 * accessors. */
static void cell(packer *p, size_t at, const knee_result *r, size_t i, size_t j)
{
    size_t t = r->order[i], k, m, n, first;
    const knee__cell *changed = knee__cell_changed(r, t, j);
    const knee__value *v = changed ? &changed->v : &r->rs->options[r->opts[t].option].values[j];
    const knee__criterion *c = &r->rs->criteria[j];
    const knee__change *changes = changed ? &r->changes[changed->change_off] : NULL;
    size_t n_changes = changed ? changed->change_n : 0;
    int numeric = v->known && v->level == KNEE__NONE;
    knee__cell_figs f;
    int counted = knee__cell_figures(r, t, j, &f);
    double lo = f.low, hi = f.high;
    put_i(p, at, v->known);
    put_f(p, at + 1, numeric ? v->typical : NAN);
    put_f(p, at + 2, numeric ? v->low : NAN);
    put_f(p, at + 3, numeric ? v->high : NAN);
    put_s(p, at + 4, v->known && v->level != KNEE__NONE ? c->levels[v->level].id : NULL);
    put_f(p, at + 5, f.utility);
    put_f(p, at + 6, f.weight);
    put_f(p, at + 7, f.contribution);
    put_s(p, at + 8, v->known ? NULL : knee__cell_policy_name(r, j));
    n = v->sources.n; /* the value's sources, then each changing rule's */
    for (k = 0; k < n_changes; k++)
        n += changes[k].action->sources.n;
    first = list(p, at + 9, n);
    for (k = 0; k < v->sources.n; k++)
        put_s(p, first++, v->sources.v[k]);
    for (k = 0; k < n_changes; k++)
        for (m = 0; m < changes[k].action->sources.n; m++)
            put_s(p, first++, changes[k].action->sources.v[m]);
    first = list(p, at + 11, n_changes);
    for (k = 0; k < n_changes; k++)
        put_s(p, first + k, changes[k].rule->id);
    put_s(p, at + 13, knee__for_audience(v->note, v->note_patient, KNEE_AUDIENCE_CLINICIAN));
    put_s(p, at + 14, knee__for_audience(v->note, v->note_patient, KNEE_AUDIENCE_PATIENT));
    put_i(p, at + 15, !v->known);
    put_f(p, at + 16, !v->known && !counted ? NAN : lo);
    put_f(p, at + 17, !v->known && !counted ? NAN : hi);
    if (!v->known && v->bounded && c->n_levels > 0) {
        put_i(p, at + 18, 2);
        put_s(p, at + 19, c->levels[v->level].id);
        put_s(p, at + 20, c->levels[v->level_high].id);
    } else if (!v->known && v->bounded) {
        put_i(p, at + 18, 1);
        put_f(p, at + 19, v->low);
        put_f(p, at + 20, v->high);
    } else {
        put_i(p, at + 18, 0);
        put_i(p, at + 19, 0);
        put_i(p, at + 20, 0);
    }
}

/* Lay out the pack of r, writing the slots that fit; returns its size in slots. */
static size_t pack(packer *p, const knee_result *r)
{
    size_t no = knee_result_option_count(r), nc = knee_result_criterion_count(r);
    size_t options = HEADER_SLOTS, cells = options + no * OPTION_SLOTS;
    size_t weights = cells + no * nc * CELL_SLOTS, ids = weights + nc, i, j, k, n, first;
    int bits[KNEE__METHOD_FIGURES];
    metric_bits(r, bits);
    p->next = ids + nc;
    put_i(p, 0, KNEE_PACK_VERSION);
    put_i(p, 1, HEADER_SLOTS);
    put_i(p, 3, (int64_t)no);
    put_i(p, 4, (int64_t)nc);
    put_i(p, 5, OPTION_SLOTS);
    put_i(p, 6, CELL_SLOTS);
    put_i(p, 7, (int64_t)options);
    put_i(p, 8, (int64_t)cells);
    put_i(p, 9, (int64_t)weights);
    put_i(p, 10, (int64_t)ids);
    put_s(p, 11, knee_result_method(r));
    put_s(p, 12, knee_result_missing_policy(r));
    put_i(p, 13, (r->has_ranges ? 1 : 0) | (knee_result_has_dominance(r) ? 2 : 0));
    put_i(p, 18, (int64_t)knee_result_smaa_samples(r));
    put_i(p, 19, knee_result_has_sensitivity(r));
    for (j = 0; j < nc; j++) {
        put_f(p, weights + j, knee_result_weight(r, j));
        put_s(p, ids + j, knee_result_criterion_id(r, j));
    }
    for (i = 0; i < no; i++) {
        option(p, options + i * OPTION_SLOTS, r, i, bits);
        for (j = 0; j < nc; j++)
            cell(p, cells + (i * nc + j) * CELL_SLOTS, r, i, j);
    }
    n = knee_result_missing_fact_count(r);
    first = list(p, 14, n);
    for (k = 0; k < n; k++)
        put_s(p, first + k, knee_result_missing_fact(r, k));
    n = knee_result_region_count(r);
    first = list(p, 16, n * REGION_SLOTS);
    for (k = 0; k < n; k++) {
        size_t s = first + k * REGION_SLOTS, m, nr = knee_result_regional_rule_count(r, k);
        size_t rules = list(p, s + 2, nr);
        const char *id;
        put_s(p, s, knee_result_region_fact(r, k));
        put_s(p, s + 1, knee_result_region_value(r, k));
        for (m = 0; (id = knee__regional_rule_next(r, k, &m)) != NULL; m++)
            put_s(p, rules++, id);
    }
    put_i(p, 2, (int64_t)(p->next * 8));
    return p->next;
}

int knee_result_pack(const knee_result *r, void *buf, size_t cap, size_t *len)
{
    packer p;
    if (len)
        *len = 0;
    if (!r || !r->rs || !len || (cap && (!buf || (uintptr_t)buf % 8 != 0)))
        return KNEE_EINVAL;
    p.buf = buf;
    p.cap = cap / 8;
    *len = pack(&p, r) * 8;
    return *len <= cap ? KNEE_OK : KNEE_ERANGE;
}
