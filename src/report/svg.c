/* svg.c - the report's charts as inline SVG, each with a text alternative and the table
 * of its numbers. Every bar is its own small SVG beside an HTML label, so labels wrap on a
 * phone and keep their size; bar parts are placed in percent of the width (no viewBox), so
 * nothing is stretched. Parts are told apart by colour, by a mark drawn across them (none, a
 * line, dots, dashes, two lines, ...) and by a white gap, and the legend and the table name
 * them in words: colour is never the only cue, and a black-and-white print keeps the marks.
 * The marks are dashed lines rather than SVG patterns: a printed pattern becomes an image per
 * bar part (megabytes of PDF), a dashed line stays a line. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/names.h"
#include "report/report.h"

#define OUTLINE "#1a1a1a"

/* A mark: up to two lines across the part, at offsets from its middle, with a dash pattern. */
typedef struct mark {
    int lines;          /* 0, 1 or 2 */
    double offset;      /* of each line from the middle (two lines: -offset and +offset) */
    double width;       /* stroke width */
    const char *dashes; /* stroke-dasharray, NULL for a solid line */
} mark;

typedef struct fill {
    const char *colour;
    const char *ink; /* the mark's colour: white on the dark fills */
    mark m;
} fill;

/* Dark colours (each with at least 4.5:1 contrast on white), each with its own mark. */
/* clang-format off: one row a line */
static const fill criterion_fills[KNEE__REPORT_FILLS] = {
    {"#0a5c99", "#fff", {0, 0, 0, NULL}},      {"#b35806", "#fff", {1, 0, 3, "3 3"}},
    {"#1b7a4a", "#fff", {1, 0, 2, NULL}},      {"#7b3294", "#fff", {2, 4, 2, "8 4"}},
    {"#a50f15", "#fff", {2, 4, 2, NULL}},      {"#4d4d4d", "#fff", {1, 0, 3, "12 4 3 4"}},
    {"#8c6d00", "#fff", {2, 4, 2.5, "2.5 3"}}, {"#01665e", "#fff", {1, 0, 6, "3 6"}},
};
/* clang-format on */

/* Ranks 1, 2, 3 and "4th or lower" in the uncertainty chart. */
#define RANK_GROUPS 4
static const fill rank_fills[RANK_GROUPS] = {
    {"#0a3d62", "#fff", {0, 0, 0, NULL}},
    {"#1b7a4a", "#fff", {1, 0, 3, "3 3"}},
    {"#b35806", "#fff", {2, 4, 2, NULL}},
    {"#d4d4d4", "#333", {1, 0, 2, "8 4"}},
};

/* A number attribute, locale-independent. */
static void attr_num(knee__html *h, const char *name, double v)
{
    char num[KNEE__NUM_BUF];
    knee__html_attr(h, name, knee__num_text(num, sizeof num, v, 3, 0));
}

/* The part's rectangle from x1 to x2 (attribute values, "12%" or "0.5"), top y, height h. */
static void draw_part(knee__html *h, const fill *f, const char *x1, const char *x2,
                      const char *width, double y, double height, const char *gap)
{
    int k;
    knee__html_start(h, "rect");
    knee__html_attr(h, "x", x1);
    attr_num(h, "y", y);
    knee__html_attr(h, "width", width);
    attr_num(h, "height", height);
    knee__html_attr(h, "fill", f->colour);
    if (gap) {
        knee__html_attr(h, "stroke", gap);
        knee__html_attr(h, "stroke-width", "1.5");
    }
    knee__html_end_empty(h);
    for (k = 0; k < f->m.lines; k++) {
        double at = y + height / 2 + (f->m.lines == 2 ? (k ? f->m.offset : -f->m.offset) : 0);
        knee__html_start(h, "line");
        knee__html_attr(h, "x1", x1);
        knee__html_attr(h, "x2", x2);
        attr_num(h, "y1", at);
        attr_num(h, "y2", at);
        knee__html_attr(h, "stroke", f->ink);
        attr_num(h, "stroke-width", f->m.width);
        if (f->m.dashes)
            knee__html_attr(h, "stroke-dasharray", f->m.dashes);
        knee__html_end_empty(h);
    }
}

static void swatch(knee__html *h, const fill *f)
{
    knee__html_start(h, "svg");
    knee__html_attr(h, "xmlns", "http://www.w3.org/2000/svg");
    knee__html_attr(h, "width", "30");
    knee__html_attr(h, "height", "20");
    knee__html_attr(h, "aria-hidden", "true");
    knee__html_attr(h, "focusable", "false");
    draw_part(h, f, "0", "30", "30", 0, 20, NULL);
    knee__html_start(h, "rect");
    knee__html_attr(h, "x", "0.5");
    knee__html_attr(h, "y", "0.5");
    knee__html_attr(h, "width", "29");
    knee__html_attr(h, "height", "19");
    knee__html_attr(h, "fill", "none");
    knee__html_attr(h, "stroke", OUTLINE);
    knee__html_end_empty(h);
    knee__html_end(h);
}

/* A legend swatch for fill k (decorative; the text beside it names it). */
static void report_swatch(knee__html *h, size_t k)
{
    swatch(h, &criterion_fills[k % KNEE__REPORT_FILLS]);
}

/* A percent for an SVG attribute, locale-independent ("12.345%"). */
static void attr_percent(knee__html *h, const char *name, double share)
{
    char num[KNEE__NUM_BUF];
    if (share < 0)
        share = 0;
    if (share > 1)
        share = 1;
    knee__num_text(num, sizeof num, 100.0 * share, 3, 0);
    knee__html_attrf(h, name, "%s%%", num);
}

/* The bar's outline and its ticks at 0, 1/4, 1/2, 3/4 and 1 of the scale. */
static void bar_frame(knee__html *h)
{
    int t;
    knee__html_start(h, "rect");
    knee__html_attr(h, "x", "0");
    knee__html_attr(h, "y", "1");
    knee__html_attr(h, "width", "100%");
    knee__html_attr(h, "height", "20");
    knee__html_attr(h, "fill", "none");
    knee__html_attr(h, "stroke", OUTLINE);
    knee__html_end_empty(h);
    for (t = 0; t <= 4; t++) {
        knee__html_start(h, "line");
        attr_percent(h, "x1", t / 4.0);
        attr_percent(h, "x2", t / 4.0);
        knee__html_attr(h, "y1", "21");
        knee__html_attr(h, "y2", t % 2 ? "25" : "28");
        knee__html_attr(h, "stroke", OUTLINE);
        knee__html_end_empty(h);
    }
}

static void segment(knee__html *h, double from, double width, const fill *f)
{
    char x1[KNEE__NUM_BUF + 2], x2[KNEE__NUM_BUF + 2], w[KNEE__NUM_BUF + 2];
    char num[KNEE__NUM_BUF];
    if (!(width > 0))
        return;
    if (from + width > 1)
        width = 1 - from;
    snprintf(x1, sizeof x1, "%s%%", knee__num_text(num, sizeof num, 100.0 * from, 3, 0));
    snprintf(x2, sizeof x2, "%s%%", knee__num_text(num, sizeof num, 100.0 * (from + width), 3, 0));
    snprintf(w, sizeof w, "%s%%", knee__num_text(num, sizeof num, 100.0 * width, 3, 0));
    draw_part(h, f, x1, x2, w, 1, 20, "#fff");
}

/* <svg class="bar" role="img" aria-label=label> with <title> and <desc id=desc_id>. */
static void bar_start(knee__html *h, const char *label, const char *desc_id, const char *desc)
{
    knee__html_start_class(h, "svg", "bar");
    knee__html_attr(h, "xmlns", "http://www.w3.org/2000/svg");
    knee__html_attr(h, "role", "img");
    knee__html_attr(h, "aria-label", label);
    knee__html_attr(h, "aria-describedby", desc_id);
    knee__html_attr(h, "focusable", "false");
    knee__html_elem(h, "title", NULL, label);
    knee__html_start(h, "desc");
    knee__html_attr(h, "id", desc_id);
    knee__html_text(h, desc);
    knee__html_end(h);
}

static void th_scope(knee__html *h, const char *scope, const char *cls, const char *text)
{
    knee__html_start_class(h, "th", cls);
    knee__html_attr(h, "scope", scope);
    knee__html_text(h, text);
    knee__html_end(h);
}

/* ---- scores split into contributions --------------------------------------------------------- */

/* Scores that split into the criteria's contributions, with ranges (base/names.h). */
static int weighted_sum(const knee_result *r)
{
    const knee__method *d = knee__method_of(r->method);
    return r->rs && d && (d->flags & KNEE__METHOD_ADDITIVE);
}

/* An unknown value's contribution: "0.100 (0.00–0.20)", the middle and the range (to two
 * decimals, so that the table fits a printed page). */
static char *unknown_contribution(char *buf, size_t size, const knee_result *r, size_t i, size_t j)
{
    char m[KNEE__NUM_BUF], lo[KNEE__NUM_BUF], hi[KNEE__NUM_BUF];
    double l, h, w = knee_result_cell_weight(r, i, j);
    knee_result_utility_range(r, i, j, &l, &h);
    knee__num_fixed(m, sizeof m, knee_result_contribution(r, i, j), 3);
    knee__num_fixed(lo, sizeof lo, w * l, 2);
    knee__num_fixed(hi, sizeof hi, w * h, 2);
    if (strcmp(lo, hi) == 0)
        snprintf(buf, size, "%s", m);
    else
        snprintf(buf, size, "%s (%s\xe2\x80\x93%s)", m, lo, hi);
    return buf;
}

static void scores_table(knee__html *h, const knee_result *r)
{
    size_t i, j, nc = knee_result_criterion_count(r);
    int ws = weighted_sum(r);
    char num[KNEE__NUM_BUF], cell[3 * KNEE__NUM_BUF + 16];
    knee__report_table_start(/* many criteria: the print style fits it to the paper */
                             h, nc > 5 ? "data fit" : "data", "scores-table-caption",
                             "The numbers behind the chart: each criterion's contribution to the "
                             "score "
                             "(weight times the value's place on its 0 to 1 scale; for an unknown "
                             "value, "
                             "at the middle of its range, the range in brackets)");
    knee__html_start(h, "thead");
    knee__html_start(h, "tr");
    th_scope(h, "col", "num", "Rank");
    th_scope(h, "col", NULL, "Option");
    for (j = 0; j < nc; j++)
        th_scope(h, "col", "num", knee__report_criterion_label(r, j));
    th_scope(h, "col", "num", ws ? "Score" : "Weighted sum");
    if (!ws)
        th_scope(h, "col", "num", "Method score");
    knee__html_end(h);
    knee__html_end(h);
    knee__html_start(h, "tbody");
    for (i = 0; i < knee_result_option_count(r); i++) {
        double total = 0;
        if (knee_result_option_excluded(r, i))
            continue;
        knee__html_start(h, "tr");
        knee__html_elem(h, "td", "num", knee__report_rank(num, sizeof num, r, i));
        th_scope(h, "row", NULL, knee_result_option_name(r, i));
        for (j = 0; j < nc; j++) {
            double v = knee_result_contribution(r, i, j);
            total += v;
            if (!knee_result_value_known(r, i, j) && knee_result_cell_weight(r, i, j) == 0)
                knee__html_elem(h, "td", "num", "unknown");
            else if (!knee_result_value_known(r, i, j)) /* may wrap before its range in print */
                knee__html_elem(h, "td", "num ranged",
                                unknown_contribution(cell, sizeof cell, r, i, j));
            else
                knee__html_elem(h, "td", "num", knee__num_fixed(num, sizeof num, v, 3));
        }
        if (ws)
            knee__html_elem(h, "td", "num ranged", knee__report_score(num, sizeof num, r, i, 3));
        else
            knee__html_elem(h, "td", "num", knee__num_fixed(num, sizeof num, total, 3));
        if (!ws)
            knee__html_elem(h, "td", "num",
                            knee__num_fixed(num, sizeof num, knee_result_option_score(r, i), 3));
        knee__html_end(h);
    }
    knee__html_end(h);
    knee__report_table_end(h);
}

/* "Contributions: a 0.120; b unknown, 0.100 (0.00–0.20); ...": option i's bar in words. */
static void contributions_text(char *desc, size_t size, const knee_result *r, size_t i)
{
    char num[KNEE__NUM_BUF], cell[3 * KNEE__NUM_BUF + 16];
    size_t j, nc = knee_result_criterion_count(r);
    size_t o = (size_t)snprintf(desc, size, "Contributions:");
    for (j = 0; j < nc && o < size; j++) {
        const char *crit = knee__report_criterion_label(r, j);
        if (!knee_result_value_known(r, i, j) && knee_result_cell_weight(r, i, j) == 0)
            o += (size_t)snprintf(desc + o, size - o, "%s %.200s unknown (left out)", j ? ";" : "",
                                  crit);
        else if (!knee_result_value_known(r, i, j))
            o += (size_t)snprintf(desc + o, size - o, "%s %.200s unknown, %s", j ? ";" : "", crit,
                                  unknown_contribution(cell, sizeof cell, r, i, j));
        else
            o += (size_t)snprintf(
                desc + o, size - o, "%s %.200s %s", j ? ";" : "", crit,
                knee__num_fixed(num, sizeof num, knee_result_contribution(r, i, j), 3));
    }
    if (o < size)
        snprintf(desc + o, size - o, ".");
}

/* One ranked option's row of the chart: its rank, name and score, then its bar. */
static void score_bar(knee__html *h, const knee_result *r, size_t i)
{
    size_t j, o, nc = knee_result_criterion_count(r);
    char label[700], desc[4000], num[KNEE__NUM_BUF], id[48];
    double at = 0, total = 0;
    for (j = 0; j < nc; j++)
        total += knee_result_contribution(r, i, j);
    knee__html_start(h, "li");
    knee__html_start_class(h, "div", "bar-head");
    knee__html_start_class(h, "span", "bar-name");
    knee__html_textf(h, "%s. ", knee__report_rank(num, sizeof num, r, i));
    knee__html_text(h, knee_result_option_name(r, i));
    knee__html_end(h);
    knee__html_start_class(h, "span", "bar-value");
    /* the weighted sum; with its range where the method is the weighted sum */
    if (weighted_sum(r))
        knee__report_score(num, sizeof num, r, i, 2);
    else
        knee__num_fixed(num, sizeof num, total, 2);
    knee__html_textf(h, "%s of 1", num);
    for (j = 0, o = 0; j < nc; j++) /* unknown values: say which */
        if (!knee_result_value_known(r, i, j) && knee_result_weight(r, j) > 0) {
            knee__html_text(h, o++ ? ", " : "; unknown: ");
            knee__html_text(h, knee__report_criterion_label(r, j));
        }
    knee__html_end(h);
    knee__html_end(h);
    snprintf(label, sizeof label, "%.500s: score %s of 1", knee_result_option_name(r, i), num);
    contributions_text(desc, sizeof desc, r, i);
    snprintf(id, sizeof id, "score-desc-%zu", i + 1);
    bar_start(h, label, id, desc);
    for (j = 0; j < nc; j++) {
        double v = knee_result_contribution(r, i, j);
        segment(h, at, v, &criterion_fills[j % KNEE__REPORT_FILLS]);
        if (v > 0)
            at += v;
    }
    bar_frame(h);
    knee__html_end(h); /* svg */
    knee__html_end(h); /* li */
}

void knee__report_chart_scores(knee__html *h, const knee_result *r)
{
    size_t i, j, nc = knee_result_criterion_count(r), n = knee_result_option_count(r);
    size_t ranked = knee__report_ranked_count(r);

    if (ranked == 0) {
        knee__html_elem(h, "p", NULL, "No option is ranked: every option is excluded.");
        return;
    }
    knee__html_start_class(h, "figure", "chart");
    knee__html_attr(h, "aria-labelledby", "scores-caption");
    knee__html_start(h, "figcaption");
    knee__html_attr(h, "id", "scores-caption");
    knee__html_elem(h, "strong", NULL, "Figure 1. ");
    knee__html_text(h, weighted_sum(r)
                           ? "The options in order of their overall score, from 0 to 1 (higher is "
                             "better). Each bar is split into the criteria's contributions: a "
                             "longer part means the option does well on a criterion that matters."
                           : "The options in the order the method ranks them. Each bar shows the "
                             "weighted sum, from 0 to 1 (higher is better), split into the "
                             "criteria's contributions.");
    knee__html_end(h);
    knee__html_start_class(h, "ul", "legend");
    knee__html_attr(h, "aria-label", "Key to the criteria");
    for (j = 0; j < nc; j++) {
        knee__html_start(h, "li");
        report_swatch(h, j);
        knee__html_elem(h, "span", NULL, knee__report_criterion_label(r, j));
        knee__html_end(h);
    }
    knee__html_end(h);
    knee__html_start_class(h, "ol", "bars");
    for (i = 0; i < n; i++)
        if (!knee_result_option_excluded(r, i))
            score_bar(h, r, i);
    knee__html_end(h); /* ol */
    knee__html_elem(h, "p", "axis",
                    "Scale: 0 at the left end of each bar, 1 at the right end; tick marks at "
                    "0.25, 0.5 and 0.75. An option with unknown values (named after its score) "
                    "is drawn with each of them at the middle of its range, and its score's "
                    "range is given in brackets; read its score together with its values in "
                    "the option grid.");
    if (ranked < n)
        knee__html_elem(h, "p", "axis", "Excluded options have no score and are not shown here.");
    knee__html_end(h); /* figure */
    scores_table(h, r);
}

/* ---- SMAA-2 rank acceptabilities ------------------------------------------------------------- */

static const char *ordinal(size_t rank, char *buf, size_t size)
{
    const char *suffix = "th";
    if (rank % 100 < 11 || rank % 100 > 13) {
        if (rank % 10 == 1)
            suffix = "st";
        else if (rank % 10 == 2)
            suffix = "nd";
        else if (rank % 10 == 3)
            suffix = "rd";
    }
    snprintf(buf, size, "%zu%s", rank, suffix);
    return buf;
}

/* The groups shown: each rank when there are at most RANK_GROUPS ranked options, else 1st, 2nd,
 * 3rd and "4th or lower". */
static size_t group_count(size_t ranked)
{
    return ranked < RANK_GROUPS ? ranked : RANK_GROUPS;
}

static double group_share(const knee_result *r, size_t i, size_t g, size_t groups, size_t ranked)
{
    size_t rank;
    double s = 0;
    if (g + 1 < groups || ranked <= RANK_GROUPS) {
        double v = knee_result_rank_acceptability(r, i, g + 1);
        return isnan(v) ? 0 : v;
    }
    for (rank = g + 1; rank <= ranked; rank++) {
        double v = knee_result_rank_acceptability(r, i, rank);
        s += isnan(v) ? 0 : v;
    }
    return s;
}

static void group_name(char *buf, size_t size, size_t g, size_t groups, size_t ranked)
{
    char o[16];
    ordinal(g + 1, o, sizeof o);
    if (g + 1 == groups && ranked > RANK_GROUPS)
        snprintf(buf, size, "%s or lower", o);
    else
        snprintf(buf, size, "%s", o);
}

static void smaa_table(knee__html *h, const knee_result *r, size_t ranked)
{
    size_t i, rank;
    char cap[300], o[16], num[KNEE__NUM_BUF];
    snprintf(cap, sizeof cap,
             "The numbers behind the chart: how often each option came at each "
             "rank, and its confidence (%llu samples)",
             (unsigned long long)knee_result_smaa_samples(r));
    knee__report_table_start(h, ranked > 8 ? "data wide" : "data", "smaa-table-caption", cap);
    knee__html_start(h, "thead");
    knee__html_start(h, "tr");
    th_scope(h, "col", NULL, "Option");
    for (rank = 1; rank <= ranked; rank++) {
        char head[32];
        snprintf(head, sizeof head, "%s", ordinal(rank, o, sizeof o));
        th_scope(h, "col", "num", head);
    }
    th_scope(h, "col", "num", "Confidence");
    knee__html_end(h);
    knee__html_end(h);
    knee__html_start(h, "tbody");
    for (i = 0; i < knee_result_option_count(r); i++) {
        double conf;
        if (knee_result_option_excluded(r, i))
            continue;
        knee__html_start(h, "tr");
        th_scope(h, "row", NULL, knee_result_option_name(r, i));
        for (rank = 1; rank <= ranked; rank++)
            knee__html_elem(
                h, "td", "num",
                knee__num_percent(num, sizeof num, knee_result_rank_acceptability(r, i, rank)));
        conf = knee_result_confidence(r, i);
        knee__html_elem(h, "td", "num",
                        isnan(conf) ? "never first" : knee__num_percent(num, sizeof num, conf));
        knee__html_end(h);
    }
    knee__html_end(h);
    knee__report_table_end(h);
}

void knee__report_chart_smaa(knee__html *h, const knee_result *r)
{
    size_t i, g, ranked = knee__report_ranked_count(r), groups = group_count(ranked);
    char label[800], desc[1200], num[KNEE__NUM_BUF], name[32], id[48];

    if (ranked == 0)
        return;
    knee__html_start_class(h, "figure", "chart");
    knee__html_attr(h, "aria-labelledby", "smaa-caption");
    knee__html_start(h, "figcaption");
    knee__html_attr(h, "id", "smaa-caption");
    knee__html_elem(h, "strong", NULL, "Figure 2. ");
    knee__html_textf(h,
                     "How often each option came first, second, third or lower when the "
                     "values were drawn from their ranges and the weights varied, in %llu "
                     "simulated comparisons (SMAA-2, seed %llu). A long first part means the "
                     "option's place is robust.",
                     (unsigned long long)knee_result_smaa_samples(r),
                     (unsigned long long)knee_result_smaa_seed(r));
    knee__html_end(h);
    knee__html_start_class(h, "ul", "legend");
    knee__html_attr(h, "aria-label", "Key to the ranks");
    for (g = 0; g < groups; g++) {
        knee__html_start(h, "li");
        swatch(h, &rank_fills[g]);
        group_name(name, sizeof name, g, groups, ranked);
        knee__html_elem(h, "span", NULL, name);
        knee__html_end(h);
    }
    knee__html_end(h);
    knee__html_start_class(h, "ol", "bars");
    for (i = 0; i < knee_result_option_count(r); i++) {
        double at = 0, first, top3 = 0;
        size_t o, rank;
        if (knee_result_option_excluded(r, i))
            continue;
        first = group_share(r, i, 0, groups, ranked);
        for (rank = 1; rank <= 3 && rank <= ranked; rank++) {
            double v = knee_result_rank_acceptability(r, i, rank);
            top3 += isnan(v) ? 0 : v;
        }
        knee__html_start(h, "li");
        knee__html_start_class(h, "div", "bar-head");
        knee__html_start_class(h, "span", "bar-name");
        knee__html_textf(h, "%d. ", knee_result_option_rank(r, i));
        knee__html_text(h, knee_result_option_name(r, i));
        knee__html_end(h);
        knee__html_start_class(h, "span", "bar-value");
        knee__html_textf(h, "first in %s", knee__num_percent(num, sizeof num, first));
        if (ranked > 3)
            knee__html_textf(h, ", top three in %s", knee__num_percent(num, sizeof num, top3));
        knee__html_end(h);
        knee__html_end(h);
        snprintf(label, sizeof label, "%.500s: first in %s of the simulations",
                 knee_result_option_name(r, i), knee__num_percent(num, sizeof num, first));
        o = (size_t)snprintf(desc, sizeof desc, "Ranks:");
        for (g = 0; g < groups && o < sizeof desc; g++) {
            group_name(name, sizeof name, g, groups, ranked);
            o += (size_t)snprintf(
                desc + o, sizeof desc - o, "%s %s %s", g ? ";" : "", name,
                knee__num_percent(num, sizeof num, group_share(r, i, g, groups, ranked)));
        }
        if (o < sizeof desc)
            snprintf(desc + o, sizeof desc - o, ".");
        snprintf(id, sizeof id, "smaa-desc-%zu", i + 1);
        bar_start(h, label, id, desc);
        for (g = 0; g < groups; g++) {
            double v = group_share(r, i, g, groups, ranked);
            segment(h, at, v, &rank_fills[g]);
            at += v > 0 ? v : 0;
        }
        bar_frame(h);
        knee__html_end(h); /* svg */
        knee__html_end(h); /* li */
    }
    knee__html_end(h); /* ol */
    knee__html_elem(h, "p", "axis",
                    "Each bar is 100% of the simulations; tick marks at 25%, 50% and 75%.");
    knee__html_end(h); /* figure */
    smaa_table(h, r, ranked);
}
