/* evaluate.c - one patient against a ruleset: rule conditions, value changes, exclusions and
 * cautions, value functions, weights and the weighted sum (architecture.md, "Scoring"); then the
 * method (aggregate.c), the ranking (rank.c) and the analyses (analysis.c). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/aggregate.h"
#include "util/alloc.h"
#include "base/names.h"
#include "engine/cells.h"
#include "rules/utility.h"
#include "patient/patient.h"
#include "engine/rank.h"
#include "engine/result.h"

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
    cell->v = r->rs->options[t].values[j];
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
        cell->v = op->action->value; /* the action's own record: a set is the rarer change */
        cell->v.sources = declared;  /* sources list: declared value's, then the changes' */
        cell->v.year = year;
    } else if (cell->v.known || cell->v.bounded) { /* an unknown value's bounds shift too */
        cell->v.low += op->by;
        cell->v.typical += op->by;
        cell->v.high += op->by;
    }
    cell->v.rate = NULL; /* the source's rate was for the declared value */
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
    const knee__expr *cond = r->rs->conds[st->cond]; /* the step's, not the rule record's */
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
    if (opt->cell_n == 0) /* r->cells may still be NULL: no rule has changed a value yet */
        return;
    cells = r->cells + opt->cell_off;
    for (i = 1; i < opt->cell_n; i++) {
        knee__cell c = cells[i];
        for (j = i; j > 0 && cells[j - 1].criterion > c.criterion; j--)
            cells[j] = cells[j - 1];
        cells[j] = c;
    }
    for (i = 0, k = changes_from; i < opt->cell_n; i++) { /* both in criterion order */
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

/* The range of a score whose values span one: each value at its worst (*lo) and at its best
 * (*hi), the changed cells [first, end) walked alongside the criteria as score_option does. */
static void score_range(knee_result *r, const knee__option *tr, const knee__cell *first,
                        const knee__cell *end, int plain, const double *w, double *lo, double *hi)
{
    const knee__cell *cell;
    size_t nc = r->rs->n_criteria, j;
    double u, ul, uh;
    *lo = *hi = 0;
    for (j = 0, cell = first; j < nc; j++) {
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
            *lo += w[j] * ul;
            *hi += w[j] * uh;
        }
        if (changed)
            cell++;
    }
}

/* Every value counts with its criterion's full weight, except an unknown one its missing policy
 * leaves out (renormalise, refuse): the option's other weights are then rescaled to sum to 1.
 * An unknown value scored over a range (interval) counts at the middle of it, and the score's
 * range takes every such value at its worst and at its best (rules/README.md, "Unknown
 * values"). Unchanged values read what was scored at load; cells.c derives each value's weight
 * and contribution with the same operations. */
/* The usual case: no rule changed a value and no caller's policy rescores an unknown one, so the
 * option scores as its values were scored at load. */
static void score_as_loaded(knee_result *r, size_t t)
{
    const knee__option *tr = &r->rs->options[t];
    knee__opt *opt = &r->opts[t];
    size_t nc = r->rs->n_criteria, j;
    double total = 0, score = 0, lo = 0, hi = 0;
    const double *w;
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
}

/* The weight of the values that count once the changed cells [first, end) are applied (plain: the
 * other values as declared, else as the caller's policy scores them); *ranged is set when one of
 * them spans a range. */
static double counted_weight(knee_result *r, const knee__option *tr, const knee__cell *first,
                             const knee__cell *end, int plain, int *ranged)
{
    const knee__cell *cell;
    size_t nc = r->rs->n_criteria, j;
    double total = 0, u, ul, uh;
    int same = plain; /* usual: the changes keep every value counted as declared */
    for (cell = first; cell != end; cell++) {
        *ranged |= cell->low < cell->high;
        same &= cell->counted == tr->counted[cell->criterion];
    }
    if (same && tr->all_counted)
        return r->weights_total;
    if (same) {
        for (j = 0; j < nc; j++)
            if (tr->counted[j])
                total += r->weights[j];
        return total;
    }
    for (j = 0, cell = first; j < nc; j++) {
        int changed = cell != end && cell->criterion == j, counted;
        if (changed)
            counted = cell->counted;
        else if (plain)
            counted = tr->counted[j];
        else {
            counted = knee__declared_score(r, tr, j, &u, &ul, &uh);
            *ranged |= ul < uh;
        }
        if (counted)
            total += r->weights[j];
        if (changed) /* never NULL + 0: r->cells may be NULL */
            cell++;
    }
    return total;
}

/* Every value counts with its criterion's full weight, except an unknown one its missing policy
 * leaves out (renormalise, refuse): the option's other weights are then rescaled to sum to 1.
 * An unknown value scored over a range (interval) counts at the middle of it, and the score's
 * range takes every such value at its worst and at its best (rules/README.md, "Unknown
 * values"). Unchanged values read what was scored at load; cells.c derives each value's weight
 * and contribution with the same operations. On the hot path of every comparison: the steps are
 * static, one call each. */
static void score_option(knee_result *r, size_t t)
{
    const knee_ruleset *rs = r->rs;
    const knee__option *tr = &rs->options[t];
    knee__opt *opt = &r->opts[t];
    const knee__cell *first, *end, *cell;
    size_t nc = rs->n_criteria, j;
    double total, score = 0, lo = 0, hi = 0, u, ul, uh;
    const double *w;
    int plain, ranged;
    if (opt->cell_n == 0 && (!r->missing_policy || tr->all_known)) {
        score_as_loaded(r, t);
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
    total = counted_weight(r, tr, first, end, plain, &ranged);
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
        lo = hi = score;
        if (ranged) /* the range: only where something unknown spans one, else the score itself */
            score_range(r, tr, first, end, plain, w, &lo, &hi);
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
    const knee__option *tr = &rs->options[t];
    knee__opt *opt = &r->opts[t];
    size_t k, changes_from = r->changes_n;
    int rc;

    opt->option = t; /* the options were zeroed together (knee_compare_ex) */
    opt->reason_off = r->reasons_n;
    opt->caution_off = r->cautions_n;
    opt->fired_off = r->fired_n;
    opt->unknown_off = r->unknowns_n;
    opt->cell_off = r->cells_n;
    for (k = 0; k < tr->n_steps; k++) {
        const knee__step *st = &tr->steps[k];
        const knee__op *op, *end;
        int truth = st->cond == KNEE__ALWAYS ? KNEE__TRUE : r->cond_truth[st->cond];
        if (truth == KNEE__FALSE) /* the usual case */
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

static int prepare(knee_result *r, const knee_ruleset *rs)
{
    size_t nt = rs->n_options, nc = rs->n_criteria;
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
    knee__match_scratch_reset(r->scratch); /* the budget is per comparison */
    r->reasons_n = r->cautions_n = r->fired_n = r->unknowns_n = 0;
    r->unknown_facts_n = r->changes_n = r->missing_n = r->cells_n = 0;
    r->cell_w_total = 0; /* no option's total is 0 when its weights are used */
    r->has_matrix = 0;
    if (rs->n_facts) /* a ruleset may declare no facts: then nothing was reserved */
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
    if (isinf(total)) { /* finite weights (1e308 each) whose sum is not: the ratios still hold */
        total = 0;
        for (j = 0; j < rs->n_criteria; j++)
            total += r->weights[j] /= largest;
    }
    if (!(total > 0))
        return KNEE_EWEIGHT;
    r->weights_total = 0;
    for (j = 0; j < rs->n_criteria; j++) {
        r->weights[j] /= total;
        r->weights_total += r->weights[j]; /* as an option that counts every criterion sums it */
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
        return fail(r, rc,
                    "the weights sum to zero: give at least one criterion a positive weight");

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
            snprintf(r->errmsg, sizeof r->errmsg, "rule '%s': %s",
                     k < rs->n_rules ? rs->rules[k].id : "?", err);
            return t;
        }
        r->cond_truth[i] = (unsigned char)t;
    }
    if (knee__note_regions(r, p ? p->facts : r->blank) != KNEE_OK)
        return fail(r, KNEE_ENOMEM, "out of memory");
    r->opts_n = rs->n_options;
    /* one large clear is much cheaper than a small one per option */
    memset(r->opts, 0, rs->n_options * sizeof *r->opts);
    for (i = 0; i < rs->n_options; i++)
        if ((rc = evaluate_option(r, p, i)) != KNEE_OK)
            return fail(r, rc, "out of memory");
    r->vikor_v = o ? o->vikor_v : knee__method_of(KNEE_METHOD_VIKOR)->setting_default;
    r->smaa_samples = 0;
    r->has_sensitivity = 0;
    if ((rc = knee__aggregate(r, o)) != KNEE_OK)
        return fail(r, rc,
                    rc == KNEE_ENOMEM ? "out of memory"
                                      : "the method could not score these options");
    knee__rank_options(r);
    if (r->has_ranges && o && o->ranks_only)
        r->has_ranges = 0; /* the batch's ranks and scores: no one reads the ranges */
    if (r->has_ranges)
        knee__rank_ranges(r);
    {
        int mode = o ? o->dominance : KNEE_DOMINANCE_AUTO;
        /* every option's dominator list starts empty: evaluate_option zeroed it */
        r->has_dominance =
            mode == KNEE_DOMINANCE_ON || (mode == KNEE_DOMINANCE_AUTO && r->cands_n <= 256);
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
