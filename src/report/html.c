/* html.c - the decision-aid report: one self-contained HTML page that a clinician and a
 * patient read together (docs/report.md). Sections, in order: who made it and from what, the
 * facts used and missing, what matters (weights), the ranked chart, the option grid, the
 * uncertainty, exclusions, cautions, each option in words, where sources disagree, the sources,
 * and how to read it. Every option gets the same rows and the same detail (IPDAS); every value
 * shows its number or level in words, its range, and its sources. No scripts, no network. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "util/alloc.h"
#include "base/names.h"
#include "engine/cells.h"
#include "patient/patient.h"
#include "report/report.h"

/* Options per part of the option grid: five options and the row headers fit an A4 page in
 * portrait and a desktop screen without scrolling. The style sheet sizes parts of 1 to 5. */
#define GRID_CHUNK 5

typedef struct ctx {
    knee__html *h;
    const knee_result *r;
    const knee_ruleset *rs;
    const knee_patient *p;
    const knee_report_options *o;
    size_t *src_num; /* per ruleset source: its number in the list of sources, 0 = not cited */
    size_t n_cited;
} ctx;

static size_t source_index(const knee_ruleset *rs, const char *id)
{
    return id ? knee__find_source(rs, id, strlen(id)) : KNEE__NONE;
}

static const knee__fact *fact_decl(const knee_ruleset *rs, const char *id)
{
    size_t i = knee__find_fact(rs, id);
    return i == KNEE__NONE ? NULL : &rs->facts[i];
}

static const char *fact_label(const knee_ruleset *rs, const char *id)
{
    const knee__fact *f = fact_decl(rs, id);
    return f && f->label && *f->label ? f->label : id;
}

static const knee__option *option_at(const knee_result *r, size_t i)
{
    return &r->rs->options[r->opts[r->order[i]].option];
}

static const knee__value *cell(const knee_result *r, size_t i, size_t j)
{
    return knee__cell_value(r, r->order[i], j);
}

/* Mark a source as cited. */
static void mark(ctx *c, const char *id)
{
    size_t k = source_index(c->rs, id);
    if (k != KNEE__NONE)
        c->src_num[k] = 1;
}

/* A citation in a text at `open` ('['): "[id]", "[a, b]" or "[a; b]" where every id is a source
 * of the rule file. Returns how many ids it holds, or 0 when the brackets hold anything else;
 * *end is set past the ']'. Then calls each(c, k) for every source index k when each is given. */
static size_t citation_at(ctx *c, const char *open, const char **end,
                          void (*each)(ctx *c, size_t k))
{
    const char *close = open + 1, *t;
    size_t n = 0;
    int pass;
    while (*close && *close != ']' && *close != '[' && *close != '\n')
        close++;
    if (*close != ']' || close == open + 1)
        return 0;
    for (pass = 0; pass < (each ? 2 : 1); pass++) /* check every id first, then call */
        for (t = open + 1; t < close;) {
            size_t len = strcspn(t, ",;]"), k;
            while (len && t[len - 1] == ' ')
                len--;
            k = len ? knee__find_source(c->rs, t, len) : KNEE__NONE;
            if (k == KNEE__NONE)
                return 0;
            if (pass)
                each(c, k);
            else
                n++;
            t += strcspn(t, ",;]");
            if (*t != ']')
                t += 1 + strspn(t + 1, " ");
        }
    *end = close + 1;
    return n;
}

static void mark_index(ctx *c, size_t k)
{
    c->src_num[k] = 1;
}

/* Mark the sources a text cites in brackets. */
static void mark_named(ctx *c, const char *text)
{
    const char *at = text, *end;
    while (at && (at = strchr(at, '[')) != NULL)
        at = citation_at(c, at, &end, mark_index) ? end : at + 1;
}

/* Find every source the page cites and number them in the rule file's order. */
static void number_sources(ctx *c)
{
    const knee_result *r = c->r;
    const knee_ruleset *rs = c->rs;
    size_t i, j, k, n = knee_result_option_count(r), nc = rs->n_criteria;
    for (i = 0; i < n; i++) {
        for (j = 0; j < nc; j++) {
            const char *rate_source;
            for (k = 0; k < knee_result_value_source_count(r, i, j); k++)
                mark(c, knee_result_value_source(r, i, j, k));
            if (knee_result_value_rate(r, i, j, NULL, NULL, NULL, &rate_source))
                mark(c, rate_source);
            mark_named(c, knee_result_value_note(r, i, j, KNEE_AUDIENCE_CLINICIAN));
        }
        for (k = 0; k < knee_result_reason_count(r, i); k++) {
            mark(c, knee_result_reason_source(r, i, k));
            mark_named(c, knee_result_reason_text(r, i, k));
        }
        for (k = 0; k < knee_result_caution_count(r, i); k++) {
            mark(c, knee_result_caution_source(r, i, k));
            mark_named(c, knee_result_caution_text(r, i, k));
        }
        mark_named(c, option_at(r, i)->description);
    }
    for (i = 0; i < rs->n_conflicts; i++) {
        for (k = 0; k < rs->conflicts[i].sources.n; k++)
            mark(c, rs->conflicts[i].sources.v[k]);
        mark_named(c, rs->conflicts[i].text);
        mark_named(c, rs->conflicts[i].stance);
    }
    for (j = 0; j < nc; j++)
        mark_named(c, rs->criteria[j].description);
    mark_named(c, rs->description);
    for (k = 0; k < rs->n_sources; k++)
        if (c->src_num[k])
            c->src_num[k] = ++c->n_cited;
}

/* "[3]", linked to source k in the list. */
static void cite_index(ctx *c, size_t k)
{
    char label[600];
    if (k == KNEE__NONE || !c->src_num[k])
        return;
    snprintf(label, sizeof label, "Source %zu: %.500s", c->src_num[k],
             c->rs->sources[k].title ? c->rs->sources[k].title : c->rs->sources[k].id);
    knee__html_text(c->h, " ");
    knee__html_start_class(c->h, "a", "cite");
    knee__html_attrf(c->h, "href", "#source-%zu", c->src_num[k]);
    knee__html_attr(c->h, "title", label);
    knee__html_textf(c->h, "[%zu]", c->src_num[k]);
    knee__html_end(c->h);
}

static void cite(ctx *c, const char *id)
{
    cite_index(c, source_index(c->rs, id));
}

/* The first n bytes of text, its bracketed source ids ("[fransen-15, ng226]") written as
 * numbered links to the list of sources: the reader sees citations, not the file's ids. */
static void cited_text_n(ctx *c, const char *text, size_t n)
{
    const char *at = text, *stop = text + n, *end, *open;
    while (at < stop) {
        open = memchr(at, '[', (size_t)(stop - at));
        if (!open) {
            knee__html_text_n(c->h, at, (size_t)(stop - at));
            return;
        }
        if (citation_at(c, open, &end, NULL) && end <= stop) {
            const char *before = open;
            if (before > at && before[-1] == ' ') /* cite_index writes its own space */
                before--;
            knee__html_text_n(c->h, at, (size_t)(before - at));
            citation_at(c, open, &end, cite_index);
            at = end;
        } else {
            knee__html_text_n(c->h, at, (size_t)(open + 1 - at));
            at = open + 1;
        }
    }
}

static void cited_text(ctx *c, const char *text)
{
    if (text)
        cited_text_n(c, text, strlen(text));
}

/* As knee__report_paragraphs, with citations. */
static void cited_paragraphs(ctx *c, const char *text, const char *cls)
{
    const char *s = text;
    while (s && *s) {
        const char *e = strchr(s, '\n');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        if (strspn(s, " \t\r") < n) { /* not a blank line */
            knee__html_start_class(c->h, "p", cls);
            cited_text_n(c, s, n);
            knee__html_end(c->h);
        }
        s += n + (e != NULL);
    }
}

/* The method in words, from its row (base/names.h). */
static const char *method_words(const char *method)
{
    const knee__method *d = knee__method_of(knee_method_from_name(method));
    return d ? d->words : method ? method : "?";
}

/* Scores that split into the criteria's contributions, with ranges: the weighted sum. */
static int is_weighted_sum(const knee_result *r)
{
    const knee__method *d = knee__method_of(r->method);
    return r->rs && d && (d->flags & KNEE__METHOD_ADDITIVE);
}

/* Detail the reader opens when wanted, without a script: <details><summary>...</summary>;
 * end it with knee__html_end(). Printed open (the style sheet). */
static void details_start(knee__html *h, const char *summary)
{
    knee__html_start(h, "details");
    knee__html_elem(h, "summary", NULL, summary);
}

/* ---- head and header ------------------------------------------------------------------------- */

static void meta_item(knee__html *h, const char *term, const char *value)
{
    knee__html_elem(h, "dt", NULL, term);
    knee__html_elem(h, "dd", NULL, value);
}

static void header(ctx *c)
{
    knee__html *h = c->h;
    const knee_ruleset *rs = c->rs;
    char buf[800];

    knee__html_start(h, "header");
    knee__html_elem(h, "p", "kicker", "Decision aid: treatment options compared side by side");
    knee__html_elem(h, "h1", NULL, rs->title);
    knee__html_start_class(h, "p", "statement");
    knee__html_attr(h, "role", "note");
    knee__html_elem(h, "strong", NULL,
                    "This page compares treatment options. It does not replace the clinician's "
                    "judgement.");
    knee__html_text(h, " It is meant to be read by a clinician and a patient together, to talk "
                       "about what each option involves and what matters most to the patient. "
                       "The order of the options depends on the preference weights shown below: "
                       "other weights can give another order.");
    knee__html_end(h);

    knee__html_start_class(h, "dl", "meta");
    meta_item(h, "Publisher",
              rs->publisher && *rs->publisher ? rs->publisher : "not stated in the rule file");
    snprintf(buf, sizeof buf, "%.300s (id %.100s, version %.60s, %.40s)", rs->title, rs->id,
             rs->version, rs->status ? rs->status : "status not given");
    meta_item(h, "Rule file", buf);
    meta_item(h, "Evidence as of", rs->evidence_as_of);
    knee__html_elem(h, "dt", NULL, "Rule file SHA-256");
    knee__html_start(h, "dd");
    knee__html_elem(h, "code", NULL, rs->sha256);
    knee__html_end(h);
    meta_item(h, "Report date", c->o && c->o->date ? c->o->date : "not given");
    snprintf(buf, sizeof buf, "%s; made by libknee %s", method_words(knee_result_method(c->r)),
             knee_version_string());
    meta_item(h, "Method", buf);
    knee__html_end(h); /* dl */
    knee__html_end(h); /* header */
}

static void nav_item(knee__html *h, const char *href, const char *text)
{
    knee__html_start(h, "li");
    knee__html_start(h, "a");
    knee__html_attr(h, "href", href);
    knee__html_text(h, text);
    knee__html_end(h);
    knee__html_end(h);
}

static void nav(ctx *c)
{
    knee__html *h = c->h;
    knee__html_start(h, "nav");
    knee__html_attr(h, "aria-label", "Sections of this report");
    knee__html_start(h, "ol");
    nav_item(h, "#summary", "At a glance");
    nav_item(h, "#facts", "Facts used");
    nav_item(h, "#weights", "What matters");
    nav_item(h, "#scores", "Ranking");
    nav_item(h, "#grid", "Option grid");
    nav_item(h, "#uncertainty", "Uncertainty");
    nav_item(h, "#excluded", "Excluded options");
    nav_item(h, "#cautions", "Cautions");
    nav_item(h, "#options", "Each option");
    if (c->rs->n_conflicts)
        nav_item(h, "#disagreements", "Where sources disagree");
    nav_item(h, "#sources", "Sources");
    nav_item(h, "#about", "About this report");
    knee__html_end(h);
    knee__html_end(h);
}

/* ---- at a glance ----------------------------------------------------------------------------- */

static void summary(ctx *c)
{
    knee__html *h = c->h;
    const knee_result *r = c->r;
    size_t n = knee_result_option_count(r), ranked = knee__report_ranked_count(r);
    size_t missing = knee_result_missing_fact_count(r);
    char num[KNEE__NUM_BUF];

    knee__report_section_start(h, "summary", "At a glance");
    knee__html_start_class(h, "p", "summary");
    knee__html_textf(h, "%zu treatment %s compared. ", n, n == 1 ? "option was" : "options were");
    if (ranked == 0) {
        knee__html_text(h, "Every option is excluded for this patient: see the reasons below.");
    } else {
        if (ranked < n)
            knee__html_textf(h, "%zu %s excluded for this patient, with the reasons given below. ",
                             n - ranked, n - ranked == 1 ? "is" : "are");
        size_t k, tied = knee_result_option_tie_count(r, 0);
        knee__html_text(h, tied ? "Tied first with these weights: "
                                : "Ranked first with these weights: ");
        knee__html_elem(h, "strong", NULL, knee_result_option_name(r, 0));
        for (k = 0; k < tied; k++) { /* the tied options follow the first, by name */
            knee__html_text(h, k + 1 == tied ? " and " : ", ");
            knee__html_elem(h, "strong", NULL, knee_result_option_name(r, k + 1));
        }
        knee__num_fixed(num, sizeof num, knee_result_option_score(r, 0), 2);
        if (is_weighted_sum(r)) {
            char lo[KNEE__NUM_BUF], hi[KNEE__NUM_BUF];
            double l, u;
            knee_result_option_score_range(r, 0, &l, &u);
            knee__num_fixed(lo, sizeof lo, l, 2);
            knee__num_fixed(hi, sizeof hi, u, 2);
            if (strcmp(lo, hi) != 0)
                knee__html_textf(h,
                                 " (score %s of 1; from %s to %s depending on values no "
                                 "source gives yet).",
                                 num, lo, hi);
            else
                knee__html_textf(h, " (score %s of 1).", num);
        } else
            knee__html_textf(h, " (score %s by the %s method).", num,
                             method_words(knee_result_method(r)));
    }
    knee__html_end(h);
    if (ranked > 1 && knee_result_option_tie_count(r, 0))
        knee__html_elem(h, "p", NULL,
                        "Their scores are equal: on these values and weights nothing decides "
                        "between them.");
    if (knee_result_has_sensitivity(r) && ranked > 1 && knee_result_winner_fragile(r))
        knee__html_elem(h, "p", NULL,
                        "The first two options are close: a small change in what matters most "
                        "could change which comes first (see Uncertainty).");
    if (missing) {
        knee__html_start(h, "p");
        knee__html_textf(h, "%zu %s not given that could change the result: see Facts used.",
                         missing, missing == 1 ? "fact was" : "facts were");
        knee__html_end(h);
    }
    knee__html_end(h); /* section */
}

/* ---- facts ----------------------------------------------------------------------------------- */

static int facts_used(ctx *c)
{
    knee__html *h = c->h;
    const knee_ruleset *rs = c->rs;
    size_t i, shown = 0;
    int status = KNEE_OK;
    char cap[64];

    knee__html_start(h, "h3");
    knee__html_text(h, "Facts given for this comparison");
    knee__html_end(h);
    if (!c->p) {
        knee__html_elem(h, "p", NULL,
                        "The facts given for this comparison were not passed to the report, so "
                        "they are not listed here.");
        return KNEE_OK;
    }
    for (i = 0; i < rs->n_facts; i++)
        shown += c->p->facts[i].known != 0;
    if (!shown) {
        knee__html_elem(h, "p", NULL,
                        "No facts were given: every option is shown with its general values.");
        return KNEE_OK;
    }
    snprintf(cap, sizeof cap, "%zu %s used", shown, shown == 1 ? "fact" : "facts");
    knee__report_table_start(h, "data", "facts-caption", cap);
    knee__html_start(h, "thead");
    knee__html_start(h, "tr");
    knee__html_start(h, "th");
    knee__html_attr(h, "scope", "col");
    knee__html_text(h, "Fact");
    knee__html_end(h);
    knee__html_start(h, "th");
    knee__html_attr(h, "scope", "col");
    knee__html_text(h, "Value");
    knee__html_end(h);
    knee__html_end(h);
    knee__html_end(h);
    knee__html_start(h, "tbody");
    for (i = 0; i < rs->n_facts && status == KNEE_OK; i++) {
        const knee__fact *f = &rs->facts[i];
        char *text = NULL;
        if (!c->p->facts[i].known)
            continue;
        if ((status = knee_patient_fact_text(c->p, f->id, &text)) != KNEE_OK)
            break;
        knee__html_start(h, "tr");
        knee__html_start(h, "th");
        knee__html_attr(h, "scope", "row");
        knee__html_text(h, f->label && *f->label ? f->label : f->id);
        if (f->label && strcmp(f->label, f->id) != 0) {
            knee__html_start_class(h, "span", "hint");
            knee__html_textf(h, "%.200s", f->id);
            knee__html_end(h);
        }
        knee__html_end(h);
        knee__html_start(h, "td");
        knee__html_text(h, text && *text ? text : "(none)");
        if (f->unit && *f->unit && (f->type == KNEE_FACT_NUMBER || f->type == KNEE_FACT_INTEGER)) {
            knee__html_text(h, " ");
            knee__html_text(h, f->unit);
        }
        knee__html_end(h);
        knee__html_end(h);
        knee_free(text);
    }
    knee__html_end(h); /* tbody */
    knee__report_table_end(h);
    return status;
}

static void facts_missing(ctx *c)
{
    knee__html *h = c->h;
    size_t k, n = knee_result_missing_fact_count(c->r);
    knee__html_start(h, "h3");
    knee__html_text(h, "Facts not given that could change the result");
    knee__html_end(h);
    if (!n) {
        knee__html_elem(h, "p", NULL,
                        "None: every rule that could apply was decided with the facts given.");
        return;
    }
    knee__html_elem(h, "p", NULL,
                    "Some rules could not be decided without these facts. Giving them may "
                    "exclude an option, add a caution or change a value:");
    knee__html_start(h, "ul");
    for (k = 0; k < n; k++) {
        const char *id = knee_result_missing_fact(c->r, k);
        const char *label = fact_label(c->rs, id);
        knee__html_start(h, "li");
        knee__html_text(h, label);
        if (strcmp(label, id) != 0) {
            knee__html_text(h, " ");
            knee__html_elem(h, "code", NULL, id);
        }
        knee__html_end(h);
    }
    knee__html_end(h);
}

static int facts(ctx *c)
{
    int status;
    knee__report_section_start(c->h, "facts", "Facts used, and facts missing");
    status = facts_used(c);
    facts_missing(c);
    knee__html_end(c->h);
    return status;
}

/* ---- what matters: the weights --------------------------------------------------------------- */

static void th_col(knee__html *h, const char *text, const char *cls)
{
    knee__html_start_class(h, "th", cls);
    knee__html_attr(h, "scope", "col");
    knee__html_text(h, text);
    knee__html_end(h);
}

static void scale_words(char *buf, size_t size, const knee__criterion *cr)
{
    char lo[KNEE__NUM_BUF + 64], hi[KNEE__NUM_BUF + 64];
    if (cr->n_levels) {
        snprintf(buf, size, "%zu levels, from %.200s to %.200s", cr->n_levels,
                 cr->levels[0].label ? cr->levels[0].label : cr->levels[0].id,
                 cr->levels[cr->n_levels - 1].label ? cr->levels[cr->n_levels - 1].label
                                                    : cr->levels[cr->n_levels - 1].id);
        return;
    }
    knee__quantity(lo, sizeof lo, cr->best, cr->unit);
    knee__quantity(hi, sizeof hi, cr->worst, cr->unit);
    snprintf(buf, size, "%s scores best, %s or %s scores worst", lo, hi,
             cr->worst > cr->best ? "more" : "less");
}

static void weights(ctx *c)
{
    knee__html *h = c->h;
    const knee_result *r = c->r;
    const knee_ruleset *rs = c->rs;
    size_t j;
    double total = 0;
    char buf[900];

    for (j = 0; j < rs->n_criteria; j++)
        total += rs->criteria[j].weight;
    knee__report_section_start(h, "weights", "What matters: the weights used");
    knee__html_elem(h, "p", NULL,
                    "Each criterion counts in the overall score by its weight. The weights add "
                    "up to 100%. The patient's own preferences replace the rule file's defaults; "
                    "changing them can change the order of the options.");
    knee__report_table_start(h, "data", "weights-caption", "Criteria and their weights");
    knee__html_start(h, "thead");
    knee__html_start(h, "tr");
    th_col(h, "Criterion", NULL);
    th_col(h, "Weight", "num");
    th_col(h, "Better is", NULL);
    th_col(h, "Scale", NULL);
    th_col(h, "Weight set by", NULL);
    knee__html_end(h);
    knee__html_end(h);
    knee__html_start(h, "tbody");
    for (j = 0; j < rs->n_criteria; j++) {
        const knee__criterion *cr = &rs->criteria[j];
        double def = total > 0 ? cr->weight / total : NAN;
        knee__html_start(h, "tr");
        knee__html_start(h, "th");
        knee__html_attr(h, "scope", "row");
        knee__html_text(h, knee__report_criterion_label(r, j));
        knee__html_end(h);
        knee__html_elem(h, "td", "num",
                        knee__num_percent(buf, sizeof buf, knee_result_weight(r, j)));
        knee__html_elem(h, "td", NULL,
                        cr->direction == KNEE_DIRECTION_MINIMIZE ? "lower" : "higher");
        scale_words(buf, sizeof buf, cr);
        knee__html_elem(h, "td", NULL, buf);
        knee__html_elem(h, "td", NULL,
                        !isnan(def) && fabs(def - knee_result_weight(r, j)) < 1e-9
                            ? "the rule file's default"
                            : "the patient's preferences");
        knee__html_end(h);
    }
    knee__html_end(h); /* tbody */
    knee__report_table_end(h);
    knee__html_end(h); /* section */
}

/* ---- the option grid ------------------------------------------------------------------------- */

/* How an unknown value is scored, in words: the policy applied to it, and its range. */
static const char *missing_policy_words(char *buf, size_t size, const knee_result *r, size_t i,
                                        size_t j)
{
    const char *policy = knee_result_value_missing(r, i, j);
    char lo[KNEE__NUM_BUF], hi[KNEE__NUM_BUF];
    double l, h;
    if (!policy || strcmp(policy, "interval") == 0) {
        knee_result_utility_range(r, i, j, &l, &h);
        snprintf(buf, size,
                 "Counted over its plausible range: %s to %s on the 0 to 1 scale "
                 "(the score takes the middle).",
                 knee__num_fixed(lo, sizeof lo, l, 2), knee__num_fixed(hi, sizeof hi, h, 2));
        return buf;
    }
    if (strcmp(policy, "worst") == 0)
        return "Scored as the worst value (the choice for unknown values).";
    if (strcmp(policy, "best") == 0)
        return "Scored as the best value (the choice for unknown values).";
    if (strcmp(policy, "neutral") == 0 || strcmp(policy, "utility") == 0)
        return "Scored with a fixed value chosen for unknown values.";
    if (strcmp(policy, "refuse") == 0)
        return "An unknown value here excludes the option.";
    return "Left out of this option's score; its other weights were rescaled.";
}

static void value_cell(ctx *c, size_t i, size_t j)
{
    knee__html *h = c->h;
    const knee_result *r = c->r;
    const knee__criterion *cr = &c->rs->criteria[j];
    const knee__value *ce = cell(r, i, j);
    char buf[600];
    size_t k, n;

    knee__html_start_class(h, "td", ce->known ? NULL : "unknown");
    if (!ce->known) {
        const char *llo, *lhi;
        double blo, bhi;
        knee__html_elem(h, "span", "val", "Unknown \xe2\x80\x94 no sourced value");
        if (knee_result_unknown_level_bounds(r, i, j, &llo, &lhi)) {
            snprintf(buf, sizeof buf, "Plausible: %s to %s", llo, lhi);
            knee__html_elem(h, "span", "range", buf);
        } else if (knee_result_unknown_bounds(r, i, j, &blo, &bhi)) {
            char range[300];
            snprintf(range, sizeof range, "Plausible: %s",
                     knee__quantity_range(buf, sizeof buf, blo, bhi, cr->unit));
            knee__html_elem(h, "span", "range", range);
        }
        knee__html_elem(h, "span", "note", missing_policy_words(buf, sizeof buf, r, i, j));
    } else if (ce->level != KNEE__NONE) {
        const knee__level *lv = &cr->levels[ce->level];
        knee__html_elem(h, "span", "val", lv->label && *lv->label ? lv->label : lv->id);
        snprintf(buf, sizeof buf, "Level %zu of %zu", ce->level + 1, cr->n_levels);
        knee__html_elem(h, "span", "range", buf);
    } else {
        knee__html_elem(h, "span", "val", knee__quantity(buf, sizeof buf, ce->typical, cr->unit));
        if (!isnan(ce->low) && !isnan(ce->high) &&
            (ce->low != ce->typical || ce->high != ce->typical)) {
            char range[300];
            snprintf(range, sizeof range, "Range %s",
                     knee__quantity_range(buf, sizeof buf, ce->low, ce->high, cr->unit));
            knee__html_elem(h, "span", "range", range);
        }
        if (ce->year > 0) {
            snprintf(buf, sizeof buf, "Figure from %d", ce->year);
            knee__html_elem(h, "span", "note", buf);
        }
    }
    if (ce->note && *ce->note) {
        knee__html_start_class(h, "span", "note");
        cited_text(c, ce->note);
        knee__html_end(h);
    }
    if (ce->rate) { /* the natural frequency as text; the icon array is the patient's */
        knee__html_start_class(h, "span", "note rate");
        knee__html_textf(h, "Rate: %d in %d ", ce->rate->count, ce->rate->per);
        knee__html_text(h, ce->rate->text);
        cite(c, ce->rate->source);
        knee__html_end(h);
    }
    n = knee_result_value_rule_count(r, i, j);
    if (n) {
        knee__html_start_class(h, "span", "changed");
        knee__html_text(h, "Changed for this patient by rule ");
        for (k = 0; k < n; k++) {
            if (k)
                knee__html_text(h, ", ");
            knee__html_text(h, knee_result_value_rule(r, i, j, k));
        }
        knee__html_end(h);
    }
    n = knee_result_value_source_count(r, i, j);
    if (n) {
        knee__html_start_class(h, "span", "src");
        knee__html_text(h, n == 1 ? "Source" : "Sources");
        for (k = 0; k < n; k++)
            cite(c, knee_result_value_source(r, i, j, k));
        knee__html_end(h);
    }
    knee__html_end(h);
}

/* The option's missing facts: those its undecided rules need (unique, in first-seen order). */
static void undecided_cell(ctx *c, size_t i)
{
    knee__html *h = c->h;
    const knee_result *r = c->r;
    size_t k, f, shown = 0;
    knee__html_start(h, "td");
    for (k = 0; k < knee_result_unknown_count(r, i); k++) {
        for (f = 0; f < knee_result_unknown_fact_count(r, i, k); f++) {
            const char *id = knee_result_unknown_fact(r, i, k, f);
            int seen = 0;
            size_t k2, f2;
            for (k2 = 0; k2 <= k && !seen; k2++)
                for (f2 = 0; f2 < knee_result_unknown_fact_count(r, i, k2) && !seen; f2++) {
                    if (k2 == k && f2 == f)
                        break;
                    seen = strcmp(knee_result_unknown_fact(r, i, k2, f2), id) == 0;
                }
            if (seen)
                continue;
            knee__html_text(h, shown++ ? "; " : "");
            knee__html_text(h, fact_label(c->rs, id));
        }
    }
    if (!shown)
        knee__html_text(h, "None");
    knee__html_end(h);
}

static void option_header(ctx *c, size_t i)
{
    knee__html *h = c->h;
    const knee_result *r = c->r;
    char num[KNEE__NUM_BUF];
    knee__html_start_class(h, "th", knee_result_option_excluded(r, i) ? "is-excluded" : NULL);
    knee__html_attr(h, "scope", "col");
    knee__html_text(h, knee_result_option_name(r, i));
    knee__html_start_class(h, "span", "rank");
    if (knee_result_option_excluded(r, i))
        knee__html_text(h, "Excluded for this patient");
    else {
        char rank[16];
        knee__html_textf(h, "Ranked %s, score %s", knee__report_rank(rank, sizeof rank, r, i),
                         knee__report_score(num, sizeof num, r, i, 2));
    }
    knee__html_end(h);
    knee__html_end(h);
}

static void row_header(knee__html *h, const char *label, const char *hint)
{
    knee__html_start(h, "th");
    knee__html_attr(h, "scope", "row");
    knee__html_text(h, label);
    if (hint)
        knee__html_elem(h, "span", "hint", hint);
    knee__html_end(h);
}

static void grid_part(ctx *c, size_t first, size_t count, size_t part, size_t parts)
{
    knee__html *h = c->h;
    const knee_result *r = c->r;
    size_t i, j, k;
    char cap[128], title[160], hint[300], cls[32];

    snprintf(cap, sizeof cap, "grid-caption-%zu", part);
    if (parts > 1)
        snprintf(title, sizeof title, "Option grid, part %zu of %zu: options %zu to %zu of %zu",
                 part, parts, first + 1, first + count, knee_result_option_count(r));
    else
        snprintf(title, sizeof title, "Option grid: every option on every criterion");
    snprintf(cls, sizeof cls, "grid grid-%zu", count);
    knee__report_table_start(h, cls, cap, title);
    knee__html_start(h, "colgroup");
    knee__html_start_class(h, "col", "rowhead");
    knee__html_end_empty(h);
    for (i = 0; i < count; i++) {
        knee__html_start_class(h, "col", "option");
        knee__html_end_empty(h);
    }
    knee__html_end(h);
    knee__html_start(h, "thead");
    knee__html_start(h, "tr");
    th_col(h, "Criterion", NULL);
    for (i = first; i < first + count; i++)
        option_header(c, i);
    knee__html_end(h);
    knee__html_end(h);
    knee__html_start(h, "tbody");
    for (j = 0; j < c->rs->n_criteria; j++) {
        const knee__criterion *cr = &c->rs->criteria[j];
        char w[KNEE__NUM_BUF];
        knee__num_percent(w, sizeof w, knee_result_weight(r, j));
        snprintf(hint, sizeof hint, "%s is better%s%.60s; weight %s",
                 cr->direction == KNEE_DIRECTION_MINIMIZE ? "Lower" : "Higher",
                 cr->unit && *cr->unit ? "; in " : "", cr->unit && *cr->unit ? cr->unit : "", w);
        knee__html_start(h, "tr");
        row_header(h, knee__report_criterion_label(r, j), hint);
        for (i = first; i < first + count; i++)
            value_cell(c, i, j);
        knee__html_end(h);
    }
    knee__html_start(h, "tr");
    row_header(h, "Cautions and exclusions", NULL);
    for (i = first; i < first + count; i++) {
        size_t nr = knee_result_reason_count(r, i), ncau = knee_result_caution_count(r, i);
        knee__html_start(h, "td");
        if (!nr && !ncau)
            knee__html_text(h, "None");
        for (k = 0; k < nr; k++) {
            knee__html_elem(h, "strong", NULL, "Excluded: ");
            cited_text(c, knee_result_reason_text(r, i, k));
            cite(c, knee_result_reason_source(r, i, k));
            knee__html_start(h, "br");
            knee__html_end_empty(h);
        }
        for (k = 0; k < ncau; k++) {
            knee__html_elem(h, "strong", NULL, "Caution: ");
            cited_text(c, knee_result_caution_text(r, i, k));
            cite(c, knee_result_caution_source(r, i, k));
            knee__html_start(h, "br");
            knee__html_end_empty(h);
        }
        knee__html_end(h);
    }
    knee__html_end(h);
    knee__html_start(h, "tr");
    row_header(h, "Facts not given that could change this", NULL);
    for (i = first; i < first + count; i++)
        undecided_cell(c, i);
    knee__html_end(h);
    knee__html_end(h); /* tbody */
    knee__report_table_end(h);
    knee__html_newline(h);
}

static void grid(ctx *c)
{
    knee__html *h = c->h;
    size_t n = knee_result_option_count(c->r), first, parts = (n + GRID_CHUNK - 1) / GRID_CHUNK;
    knee__report_section_start(h, "grid", "Option grid: the options side by side");
    knee__html_elem(h, "p", NULL,
                    "Each column is an option, each row a criterion, in the same detail for "
                    "every option. Numbers are typical values with the range the sources give; "
                    "levels are given in words. A value marked unknown has no sourced value and "
                    "is never guessed. Numbers in brackets are the sources, listed at the end.");
    if (n == 0)
        knee__html_elem(h, "p", NULL, "The rule file has no options.");
    for (first = 0; first < n; first += GRID_CHUNK)
        grid_part(c, first, n - first < GRID_CHUNK ? n - first : GRID_CHUNK, first / GRID_CHUNK + 1,
                  parts);
    knee__html_end(h);
}

/* ---- uncertainty ----------------------------------------------------------------------------- */

static void sensitivity(ctx *c)
{
    knee__html *h = c->h;
    const knee_result *r = c->r;
    size_t j, crit, winner, tied;
    double lo, hi, delta, margin = knee_result_winner_margin(r);
    char a[KNEE__NUM_BUF], b[KNEE__NUM_BUF], w[KNEE__NUM_BUF];

    if (!knee_result_has_sensitivity(r) || knee__report_ranked_count(r) == 0)
        return;
    tied = knee_result_option_tie_count(r, 0);
    knee__html_start(h, "h3");
    knee__html_text(h, "How stable is the first place?");
    knee__html_end(h);
    knee__html_start(h, "p");
    knee__html_text(h, knee_result_option_name(r, 0));
    if (tied) { /* no single winner to lead or to be fragile */
        for (j = 0; j < tied; j++) {
            knee__html_text(h, j + 1 == tied ? " and " : ", ");
            knee__html_text(h, knee_result_option_name(r, j + 1));
        }
        knee__html_text(h, " are tied at the top.");
    } else if (!isnan(margin)) {
        knee__html_textf(h, " leads the next option by %s on the 0 to 1 score.",
                         knee__num_fixed(a, sizeof a, margin, 3));
    }
    if (knee_result_winner_fragile(r))
        knee__html_text(h, " The lead is small: a small change in the weights could change "
                           "which option comes first.");
    if (tied && !knee_result_min_weight_change(r, NULL, NULL, NULL)) {
        knee__html_text(h, " No change of a single weight separates them: on these values "
                           "nothing decides between them.");
    } else if (knee_result_min_weight_change(r, &crit, &delta, &winner)) {
        knee__html_textf(h,
                         " The smallest single change of a weight that changes the first "
                         "place: %s %s by %s points, which puts ",
                         knee__report_criterion_label(r, crit), delta < 0 ? "down" : "up",
                         knee__num_text(a, sizeof a, 100 * fabs(delta), 1, 0));
        knee__html_text(h, knee_result_option_name(r, winner));
        knee__html_text(h, " first.");
    } else {
        knee__html_text(h, " No change of a single weight changes the first place.");
    }
    knee__html_end(h);
    knee__report_table_start(h, "data", "sens-caption",
                             "The weight range over which the first option stays first "
                             "(the other weights rescaled)");
    knee__html_start(h, "thead");
    knee__html_start(h, "tr");
    th_col(h, "Criterion", NULL);
    th_col(h, "Weight used", "num");
    th_col(h, "Stays first from", "num");
    th_col(h, "to", "num");
    knee__html_end(h);
    knee__html_end(h);
    knee__html_start(h, "tbody");
    for (j = 0; j < c->rs->n_criteria; j++) {
        if (knee_result_sensitivity_interval(r, j, &lo, &hi) != KNEE_OK)
            continue;
        knee__html_start(h, "tr");
        row_header(h, knee__report_criterion_label(r, j), NULL);
        knee__html_elem(h, "td", "num", knee__num_percent(w, sizeof w, knee_result_weight(r, j)));
        knee__html_elem(h, "td", "num", knee__num_percent(a, sizeof a, lo));
        knee__html_elem(h, "td", "num", knee__num_percent(b, sizeof b, hi));
        knee__html_end(h);
    }
    knee__html_end(h); /* tbody */
    knee__report_table_end(h);
}

static void dominance(ctx *c)
{
    knee__html *h = c->h;
    const knee_result *r = c->r;
    size_t i, k, shown = 0;
    for (i = 0; i < knee_result_option_count(r); i++) {
        size_t n = knee_result_dominator_count(r, i);
        if (!n)
            continue;
        if (!shown++) {
            knee__html_start(h, "h3");
            knee__html_text(h, "Options that another option beats on every criterion");
            knee__html_end(h);
            knee__html_elem(h, "p", NULL,
                            "Another option is at least as good on every criterion and better "
                            "on one, whatever the unknown values are:");
            knee__html_start(h, "ul");
        }
        knee__html_start(h, "li");
        knee__html_text(h, knee_result_option_name(r, i));
        knee__html_text(h, ": beaten by ");
        for (k = 0; k < n; k++) {
            const char *id = knee_result_dominator(r, i, k);
            size_t t = knee__find_option(c->rs, id);
            if (k)
                knee__html_text(h, ", ");
            knee__html_text(h, t != KNEE__NONE ? c->rs->options[t].name : id);
        }
        knee__html_end(h);
    }
    if (shown)
        knee__html_end(h);
}

static void uncertainty(ctx *c)
{
    knee__html *h = c->h;
    knee__report_section_start(h, "uncertainty", "Uncertainty: how sure is this ranking?");
    knee__html_elem(h, "p", NULL,
                    "Values have ranges, some are unknown, and weights are a matter of "
                    "preference. The ranges are in the option grid; unknown values are marked "
                    "there and scored as stated, and a score's range in brackets takes that "
                    "option's unknown values at their worst and at their best.");
    if (knee_result_smaa_samples(c->r) > 0)
        knee__report_chart_smaa(h, c->r);
    else
        knee__html_elem(h, "p", NULL,
                        "A simulation of the uncertainty (SMAA) was not run for this comparison, "
                        "so no chance of each rank is shown.");
    sensitivity(c);
    dominance(c);
    knee__html_end(h);
}

/* ---- exclusions and cautions ----------------------------------------------------------------- */

static void note_item(ctx *c, const char *cls, const char *text, const char *rule,
                      const char *source)
{
    knee__html *h = c->h;
    knee__html_start_class(h, "li", cls);
    cited_text(c, text);
    cite(c, source);
    if (rule) {
        knee__html_start_class(h, "span", "hint");
        knee__html_text(h, "Rule: ");
        knee__html_text(h, rule);
        knee__html_end(h);
    }
    knee__html_end(h);
}

static void excluded(ctx *c)
{
    knee__html *h = c->h;
    const knee_result *r = c->r;
    size_t i, k, shown = 0;
    knee__report_section_start(h, "excluded", "Options excluded for this patient");
    for (i = 0; i < knee_result_option_count(r); i++) {
        if (!knee_result_option_excluded(r, i))
            continue;
        shown++;
        knee__html_start(h, "h3");
        knee__html_text(h, knee_result_option_name(r, i));
        knee__html_end(h);
        knee__html_start_class(h, "ul", "reasons");
        for (k = 0; k < knee_result_reason_count(r, i); k++)
            note_item(c, "reason", knee_result_reason_text(r, i, k),
                      knee_result_reason_rule(r, i, k), knee_result_reason_source(r, i, k));
        knee__html_end(h);
    }
    if (!shown)
        knee__html_elem(h, "p", NULL, "None: no option is excluded for this patient.");
    knee__html_end(h);
}

static void cautions(ctx *c)
{
    knee__html *h = c->h;
    const knee_result *r = c->r;
    size_t i, k, shown = 0;
    knee__report_section_start(h, "cautions", "Cautions");
    for (i = 0; i < knee_result_option_count(r); i++) {
        size_t n = knee_result_caution_count(r, i);
        if (!n)
            continue;
        shown++;
        knee__html_start(h, "h3");
        knee__html_text(h, knee_result_option_name(r, i));
        if (knee_result_option_excluded(r, i))
            knee__html_elem(h, "span", "tag", "excluded");
        knee__html_end(h);
        knee__html_start_class(h, "ul", "cautions");
        for (k = 0; k < n; k++)
            note_item(c, "caution", knee_result_caution_text(r, i, k),
                      knee_result_caution_rule(r, i, k), knee_result_caution_source(r, i, k));
        knee__html_end(h);
    }
    if (!shown)
        knee__html_elem(h, "p", NULL, "None of the options has a caution for this patient.");
    knee__html_end(h);
}

/* ---- each option in words -------------------------------------------------------------------- */

static void options_in_words(ctx *c)
{
    knee__html *h = c->h;
    const knee_result *r = c->r;
    size_t i;
    char num[KNEE__NUM_BUF];
    knee__report_section_start(h, "options", "Each option in words");
    knee__html_elem(h, "p", NULL,
                    "What each option is, its benefits and harms, and what it involves, as the "
                    "rule file describes them, in the same order as the ranking.");
    for (i = 0; i < knee_result_option_count(r); i++) {
        const knee__option *t = option_at(r, i);
        knee__html_start_class(h, "article", "option");
        knee__html_start(h, "h3");
        knee__html_text(h, t->name);
        knee__html_end(h);
        knee__html_start_class(h, "p", "hint");
        if (knee_result_option_excluded(r, i))
            knee__html_text(h, "Excluded for this patient.");
        else {
            char rank[16];
            knee__html_textf(
                h, "Ranked %s of %zu, score %s.", knee__report_rank(rank, sizeof rank, r, i),
                knee__report_ranked_count(r), knee__report_score(num, sizeof num, r, i, 2));
        }
        knee__html_end(h);
        details_start(h, "What it is, its benefit and harms, what it involves, cost");
        knee__html_start_class(h, "div", "desc");
        if (t->description && *t->description)
            cited_paragraphs(c, t->description, NULL);
        else
            knee__html_elem(h, "p", NULL, "The rule file gives no description of this option.");
        knee__html_end(h);
        knee__html_end(h); /* details */
        knee__html_end(h);
        knee__html_newline(h);
    }
    knee__html_end(h);
}

static void disagreements(ctx *c)
{
    knee__html *h = c->h;
    size_t i, k;
    if (!c->rs->n_conflicts)
        return;
    knee__report_section_start(h, "disagreements", "Where the sources disagree");
    knee__html_elem(h, "p", NULL,
                    "Guidelines and payers do not always agree. These are the disagreements the "
                    "rule file records, and the position it takes.");
    for (i = 0; i < c->rs->n_conflicts; i++) {
        const knee__conflict *cf = &c->rs->conflicts[i];
        knee__html_start(h, "h3");
        knee__html_text(h, cf->topic && *cf->topic ? cf->topic : cf->id);
        knee__html_end(h);
        details_start(h, "What the sources say, and the position taken");
        if (cf->text && *cf->text) {
            knee__html_start(h, "p");
            cited_text(c, cf->text);
            for (k = 0; k < cf->sources.n; k++)
                cite(c, cf->sources.v[k]);
            knee__html_end(h);
        }
        if (cf->stance && *cf->stance) {
            knee__html_start(h, "p");
            knee__html_elem(h, "strong", NULL, "Position taken: ");
            cited_text(c, cf->stance);
            knee__html_end(h);
        }
        knee__html_end(h); /* details */
    }
    knee__html_end(h);
}

/* ---- sources and the about section ----------------------------------------------------------- */

static void sources(ctx *c)
{
    knee__html *h = c->h;
    size_t k;
    char label[96];
    knee__report_section_start(h, "sources", "Sources cited");
    if (!c->n_cited) {
        knee__html_elem(h, "p", NULL, "No source is cited.");
        knee__html_end(h);
        return;
    }
    snprintf(label, sizeof label, "The %zu sources, numbered as cited", c->n_cited);
    details_start(h, label);
    knee__html_start_class(h, "ol", "sources");
    for (k = 0; k < c->rs->n_sources; k++) {
        const knee__source *s = &c->rs->sources[k];
        if (!c->src_num[k])
            continue;
        knee__html_start(h, "li");
        knee__html_attrf(h, "id", "source-%zu", c->src_num[k]);
        if (knee__report_is_web_url(s->url)) {
            knee__html_start(h, "a");
            knee__html_attr(h, "href", s->url);
            knee__html_text(h, s->title && *s->title ? s->title : s->id);
            knee__html_end(h);
        } else {
            knee__html_text(h, s->title && *s->title ? s->title : s->id);
        }
        if (s->year > 0)
            knee__html_textf(h, " (%d)", s->year);
        knee__html_text(h, ".");
        if (!knee__report_is_web_url(s->url))
            knee__html_text(h, " No web address.");
        /* The source's note and id, and a reference that is not a web address, are the rule
         * author's bookkeeping (rules/README.md): kept in the file, not shown to readers. */
        knee__html_end(h);
    }
    knee__html_end(h); /* ol */
    knee__html_end(h); /* details */
    knee__html_end(h);
}

static void about(ctx *c)
{
    knee__html *h = c->h;
    const knee_ruleset *rs = c->rs;
    size_t j;
    knee__report_section_start(h, "about", "About this report");
    knee__html_start(h, "h3");
    knee__html_text(h, "How to read the scores");
    knee__html_end(h);
    knee__html_elem(h, "p", NULL,
                    "Each value is placed on its criterion's fixed scale from 0 (worst) to 1 "
                    "(best). The overall score adds up these scale values times the weights, so "
                    "it runs from 0 to 1 and higher is better. Because the scales are fixed, "
                    "adding or removing an option never changes the order of the others.");
    if (!is_weighted_sum(c->r)) {
        knee__html_start(h, "p");
        knee__html_textf(h,
                         "This comparison ranks the options with the %s method; the bars "
                         "still show the weighted sum, the only score that splits into the "
                         "criteria's contributions.",
                         method_words(knee_result_method(c->r)));
        knee__html_end(h);
    }
    knee__html_start(h, "h3");
    knee__html_text(h, "The criteria");
    knee__html_end(h);
    details_start(h, "How each criterion is defined and scaled");
    knee__html_start(h, "dl");
    for (j = 0; j < rs->n_criteria; j++) {
        knee__html_elem(h, "dt", NULL, knee__report_criterion_label(c->r, j));
        knee__html_start(h, "dd");
        if (rs->criteria[j].description && *rs->criteria[j].description)
            cited_paragraphs(c, rs->criteria[j].description, NULL);
        else
            knee__html_text(h, "No description in the rule file.");
        knee__html_end(h);
    }
    knee__html_end(h);
    knee__html_end(h); /* details */
    knee__html_start(h, "h3");
    knee__html_text(h, "The rule file");
    knee__html_end(h);
    if (rs->description && *rs->description)
        cited_paragraphs(c, rs->description, NULL);
    else
        knee__html_elem(h, "p", NULL, "The rule file gives no description.");
    knee__html_start(h, "p");
    knee__html_textf(h, "File: %.300s. ", rs->name ? rs->name : "?");
    knee__html_textf(h, "It has %zu options, %zu criteria, %zu rules and %zu sources.",
                     rs->n_options, rs->n_criteria, rs->n_rules, rs->n_sources);
    knee__html_end(h);
    knee__html_end(h);
}

static void footer(ctx *c)
{
    knee__html *h = c->h;
    knee__html_newline(h);
    knee__html_start(h, "footer");
    knee__html_start(h, "p");
    knee__html_elem(h, "strong", NULL,
                    "This report compares options; it does not replace the clinician's judgement.");
    knee__html_text(h, " Decisions about treatment are made by the patient and the clinician "
                       "together, with everything they know that this page does not.");
    knee__html_end(h);
    knee__html_start(h, "p");
    knee__html_textf(h, "Made by libknee %s from rule file %.100s version %.60s (SHA-256 ",
                     knee_version_string(), c->rs->id, c->rs->version);
    knee__html_elem(h, "code", NULL, c->rs->sha256);
    knee__html_text(h, "), evidence as of ");
    knee__html_text(h, c->rs->evidence_as_of);
    knee__html_text(h, ". Report date: ");
    knee__html_text(h, c->o && c->o->date ? c->o->date : "not given");
    knee__html_text(h, ".");
    knee__html_end(h);
    knee__html_end(h);
}

/* ---- the page -------------------------------------------------------------------------------- */

int knee_result_to_html(const knee_result *r, const knee_patient *p, const knee_report_options *o,
                        char **out, size_t *len)
{
    ctx c;
    int status;
    char title[700];
    if (!out)
        return KNEE_EINVAL;
    *out = NULL;
    if (len)
        *len = 0;
    if (!r || !r->rs || (p && p->rs != r->rs))
        return KNEE_EINVAL;
    if (o && o->audience == KNEE_AUDIENCE_PATIENT)
        return knee__report_patient(r, p, o, out, len);
    memset(&c, 0, sizeof c);
    c.r = r;
    c.rs = r->rs;
    c.p = p;
    c.o = o;
    if (!(c.src_num = knee__calloc(c.rs->n_sources + 1, sizeof *c.src_num)))
        return KNEE_ENOMEM;
    if (!(c.h = knee__html_new())) {
        knee__dealloc(c.src_num);
        return KNEE_ENOMEM;
    }
    number_sources(&c);
    snprintf(title, sizeof title, "Treatment options compared: %.600s", c.rs->title);
    knee__report_head(c.h, title, knee__report_css);
    knee__html_start(c.h, "body");
    knee__html_start_class(c.h, "div", "page");
    knee__html_start_class(c.h, "a", "skip");
    knee__html_attr(c.h, "href", "#grid");
    knee__html_text(c.h, "Skip to the option grid");
    knee__html_end(c.h);
    header(&c);
    nav(&c);
    knee__html_start(c.h, "main");
    summary(&c);
    status = facts(&c);
    weights(&c);
    knee__report_section_start(c.h, "scores", "Ranking: the overall scores and what makes them up");
    knee__report_chart_scores(c.h, r);
    knee__html_end(c.h);
    grid(&c);
    uncertainty(&c);
    excluded(&c);
    cautions(&c);
    options_in_words(&c);
    disagreements(&c);
    sources(&c);
    about(&c);
    knee__html_end(c.h); /* main */
    footer(&c);
    knee__html_end(c.h); /* div.page */
    knee__html_end(c.h); /* body */
    knee__html_end(c.h); /* html */
    knee__html_newline(c.h);
    knee__dealloc(c.src_num);
    if (status != KNEE_OK) {
        knee__html_free(c.h);
        return status;
    }
    return knee__html_finish(c.h, out, len);
}
