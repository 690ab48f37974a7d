/* report_patient.c - the patient's page (docs/report.md, "The patient's page"): a few options
 * side by side, the rows the questions patients ask (Option Grid, IPDAS), in plain words and
 * the rule file's patient texts only; what is not known said so; the patient's priorities and
 * how the order changes with them; questions to ask; a short list of sources; the statement.
 * Our own words aim at school grade 6 to 8 (Flesch-Kincaid, tests/unit/test_report.c). A text
 * from the rule file is written inside class "rf", so the test can grade our words alone. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "util/alloc.h"
#include "base/names.h"
#include "engine/cells.h"
#include "report/report.h"

/* Columns when the patient asks for none: the top options. With options asked for, the top
 * three and those asked, at most KNEE_REPORT_MAX_OPTIONS. */
#define TOP_ALONE 4
#define TOP_WITH_ASKED 3

typedef struct pctx {
    knee__html *h;
    const knee_result *r;
    const knee_ruleset *rs;
    const knee_report_options *o;
    size_t cols[KNEE_REPORT_MAX_OPTIONS]; /* result indices, in result order */
    size_t n_cols;
    size_t *src_num; /* per ruleset source: its number in the short list, 0 = not cited */
    size_t n_cited;
    size_t n_rates; /* rates written so far: each sentence's id, for its icon array */
} pctx;

/* The questions patients ask, each answered by the criteria it names (by id). A criterion of
 * another rule file that no question names gets a row of its own, under its label. */
typedef struct question {
    const char *text, *id;
    const char *criteria[3];
} question;

static const question QUESTIONS[] = {
    {"What does it involve?", "q-involve", {"invasiveness", NULL}},
    {"How soon can I get back to normal?", "q-recovery", {"recovery", NULL}},
    {"How much does it help, and for how long?", "q-benefit", {"benefit", "durability", NULL}},
    {"What are the risks?", "q-risks", {"harms", NULL}},
    {"How sure are we?", "q-sure", {"evidence", NULL}},
    {"What will it cost me, and will insurance pay?", "q-cost", {"cost", "coverage", NULL}},
};
#define N_QUESTIONS (sizeof QUESTIONS / sizeof QUESTIONS[0])

/* The style sheet: constant, written raw. Larger type than the clinician's page; the table of
 * options scrolls inside its own region on a phone, its questions staying in view. */
static const char CSS[] =
    ":root{color-scheme:light;--ink:#1a1a1a;--muted:#454545;--line:#8a8a8a;--soft:#eef1f4;"
    "--accent:#0b4f8a;--warn:#6b3300;--warnbg:#fff3df}\n"
    "*{box-sizing:border-box}\n"
    "html{-webkit-text-size-adjust:100%;text-size-adjust:100%}\n"
    "body{margin:0;background:#fff;color:var(--ink);"
    "font:17px/1.55 'DejaVu Sans',system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif}\n"
    ".page{max-width:72rem;margin:0 auto;padding:1rem 1rem 3rem}\n"
    "h1{font-size:1.8rem;line-height:1.2;margin:.25rem 0 .75rem}\n"
    "h2{font-size:1.35rem;line-height:1.25;margin:2rem 0 .5rem;padding-top:.5rem;"
    "border-top:3px solid var(--ink)}\n"
    "p{margin:.45rem 0}a{color:var(--accent)}\n"
    "a:focus-visible,.scroll:focus-visible{outline:3px solid #b35806;outline-offset:2px}\n"
    ".kicker{font-size:.95rem;font-weight:bold;color:var(--muted);margin:0}\n"
    ".statement{border:2px solid var(--accent);border-left-width:8px;background:#eef4fa;"
    "padding:.75rem 1rem;margin:1rem 0}\n"
    ".made{color:var(--muted);font-size:.92rem}\n"
    ".scroll{overflow-x:auto;max-width:100%;margin:.5rem 0 1rem}\n"
    "table{border-collapse:collapse}\n"
    "caption{text-align:left;font-weight:bold;padding:.3rem 0}\n"
    ".cap{display:block;position:sticky;left:0;max-width:calc(100vw - 2.5rem)}\n"
    "th,td{border:1px solid var(--line);padding:.5rem .6rem;text-align:left;vertical-align:top}\n"
    "thead th{background:var(--soft)}\n"
    ".og{table-layout:fixed;width:100%;min-width:calc(9rem + var(--n) * 13rem);font-size:.95rem}\n"
    ".og-1{--n:1}.og-2{--n:2}.og-3{--n:3}.og-4{--n:4}.og-5{--n:5}\n"
    ".og col.q{width:9rem}\n"
    ".og th[scope=row]{position:sticky;left:0;z-index:1;background:var(--soft)}\n"
    ".og td,.og th{overflow-wrap:break-word}\n"
    ".og p{margin:0 0 .4rem}\n"
    ".place{display:block;font-weight:normal;font-size:.9rem}\n"
    ".k{font-weight:bold}\n"
    ".narrow{display:none;font-style:italic}\n"
    ".unknown{font-style:italic}\n"
    ".rate{display:flex;flex-wrap:wrap;gap:.5rem;align-items:flex-start;margin:.2rem 0 .4rem}\n"
    ".rate p{margin:0}.icons{flex:none;width:5.5rem;height:auto}\n"
    ".icons-wide{width:100%;max-width:16rem}\n"
    ".small{font-size:.88rem;color:var(--muted)}\n"
    ".tag{display:inline-block;border:2px solid currentColor;border-radius:.25rem;padding:0 .3rem;"
    "font-size:.85rem;font-weight:bold}\n"
    ".caution{border-left:5px solid var(--warn);background:var(--warnbg);padding:.3rem .5rem}\n"
    ".cite{white-space:nowrap;font-size:.85rem}\n"
    ".sources{font-size:.88rem}.sources li{overflow-wrap:anywhere}\n"
    "ul.plain{padding-left:1.2rem}\n"
    "footer{margin-top:2rem;border-top:3px solid var(--ink);padding-top:.75rem}\n"
    "@media (max-width:40rem){\n"
    " body{font-size:16px}.page{padding:.75rem .75rem 2rem}h1{font-size:1.5rem}\n"
    " .narrow{display:block}\n"
    " .og{min-width:calc(7rem + var(--n) * 11rem)}.og col.q{width:7rem}\n"
    "}\n"
    "@media print{\n"
    " @page{margin:12mm}\n"
    " body{font-size:9pt;line-height:1.3}.page{max-width:none;padding:0}\n"
    " *{-webkit-print-color-adjust:exact;print-color-adjust:exact}\n"
    " h1{font-size:16pt}h2{font-size:12pt;margin:.6rem 0 .25rem;break-after:avoid;"
    "page-break-after:avoid}\n"
    " .statement{padding:.35rem .6rem;margin:.5rem 0}\n"
    " .scroll{overflow:visible;margin:.25rem 0}.cap{position:static;max-width:none}\n"
    " .og{min-width:0;font-size:7.8pt;line-height:1.25}.og col.q{width:13%}"
    ".og th[scope=row]{position:static}\n"
    " .og p{margin:0 0 .2rem}th,td{padding:2pt 3pt}\n"
    " .icons{width:14mm}.icons-wide{width:100%;max-width:34mm}\n"
    " thead{display:table-header-group}\n"
    " li,.statement{break-inside:avoid;page-break-inside:avoid}\n"
    " .sources{columns:2;column-gap:1.5rem;font-size:7.5pt}\n"
    " a{color:inherit;text-decoration:none}\n"
    "}\n";

/* ---- small helpers --------------------------------------------------------------------------- */

static const knee__option *option_at(const knee_result *r, size_t i)
{
    return &r->rs->options[r->opts[r->order[i]].option];
}

/* The patient's version of a text, or NULL when the rule file wrote none for patients. */
static const char *for_patient(const knee_ruleset *rs, const char *patient_text)
{
    return knee__report_is_patient_text(rs, patient_text) ? patient_text : NULL;
}

/* A text from the rule file, marked so the reading-grade test leaves it out. */
static void rf(knee__html *h, const char *element, const char *text)
{
    knee__html_elem(h, element, "rf", text);
}

static void mark(pctx *c, const char *id)
{
    size_t k = id ? knee__find_source(c->rs, id, strlen(id)) : KNEE__NONE;
    if (k != KNEE__NONE)
        c->src_num[k] = 1;
}

static void cite(pctx *c, const char *id)
{
    size_t k = id ? knee__find_source(c->rs, id, strlen(id)) : KNEE__NONE;
    if (k == KNEE__NONE || !c->src_num[k])
        return;
    knee__html_text(c->h, " ");
    knee__html_start_class(c->h, "a", "cite");
    knee__html_attrf(c->h, "href", "#source-%zu", c->src_num[k]);
    knee__html_attrf(c->h, "aria-label", "source %zu", c->src_num[k]);
    knee__html_textf(c->h, "[%zu]", c->src_num[k]);
    knee__html_end(c->h);
}

static size_t criterion(const knee_ruleset *rs, const char *id)
{
    return id ? knee__find_criterion(rs, id) : KNEE__NONE;
}

/* 1 if some question answers criterion j. */
static int asked_by_question(const knee_ruleset *rs, size_t j)
{
    size_t q, k;
    for (q = 0; q < N_QUESTIONS; q++)
        for (k = 0; QUESTIONS[q].criteria[k]; k++)
            if (criterion(rs, QUESTIONS[q].criteria[k]) == j)
                return 1;
    return 0;
}

static const char *ordinal_suffix(size_t n)
{
    if (n % 100 >= 11 && n % 100 <= 13)
        return "th";
    return n % 10 == 1 ? "st" : n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd" : "th";
}

/* ---- which options are columns ------------------------------------------------------------- */

static int choose_columns(pctx *c)
{
    const knee_result *r = c->r;
    size_t n = knee_result_option_count(r), i, k, top = 0, want;
    unsigned char chosen[1024] = {0}; /* rule files hold far fewer options (limits) */
    size_t n_chosen = 0, n_asked = c->o ? c->o->n_asked : 0;

    if (n > sizeof chosen)
        n = sizeof chosen;
    for (k = 0; k < n_asked; k++) {
        for (i = 0; i < n && strcmp(knee_result_option_id(r, i), c->o->asked[k]) != 0; i++)
            ;
        if (i == n)
            return KNEE_EUNKNOWN;
        n_chosen += !chosen[i];
        chosen[i] = 1;
    }
    want = n_asked ? TOP_WITH_ASKED : TOP_ALONE;
    for (i = 0; i < n && top < want && n_chosen < KNEE_REPORT_MAX_OPTIONS; i++)
        if (!knee_result_option_excluded(r, i)) {
            top++;
            n_chosen += !chosen[i];
            chosen[i] = 1;
        }
    for (i = 0; i < n; i++)
        if (chosen[i])
            c->cols[c->n_cols++] = i;
    return KNEE_OK;
}

/* Number the sources the page cites (the first of each of the columns' values, cautions and
 * reasons), in rule-file order. */
static void number_sources(pctx *c)
{
    const knee_result *r = c->r;
    size_t a, j, k;
    for (a = 0; a < c->n_cols; a++) {
        size_t i = c->cols[a];
        for (j = 0; j < c->rs->n_criteria; j++) {
            const char *rate_source;
            if (knee_result_value_source_count(r, i, j))
                mark(c, knee_result_value_source(r, i, j, 0));
            if (knee_result_value_rate(r, i, j, NULL, NULL, NULL, &rate_source))
                mark(c, rate_source);
        }
        for (k = 0; k < knee_result_reason_count(r, i); k++)
            mark(c, knee_result_reason_source(r, i, k));
        for (k = 0; k < knee_result_caution_count(r, i); k++)
            mark(c, knee_result_caution_source(r, i, k));
    }
    for (k = 0; k < c->rs->n_sources; k++)
        if (c->src_num[k])
            c->src_num[k] = ++c->n_cited;
}

/* ---- header and the answer first ------------------------------------------------------------ */

static void header(pctx *c)
{
    knee__html *h = c->h;
    knee__html_start(h, "header");
    knee__html_elem(h, "p", "kicker", "A decision aid for you and your doctor");
    knee__html_elem(h, "h1", NULL, "Your knee: treatment choices side by side");
    knee__html_start_class(h, "p", "statement");
    knee__html_attr(h, "role", "note");
    knee__html_elem(h, "strong", NULL,
                    "This page helps you and your doctor talk about your choices. It does not "
                    "replace your doctor's advice.");
    knee__html_text(h, " There is often more than one good choice. The best one for you depends "
                       "on what matters most to you.");
    knee__html_end(h);
    knee__html_end(h);
}

/* "A", "A and B", "A, B and C": names from the rule file. */
static void name_list(pctx *c, const size_t *idx, size_t n)
{
    size_t k;
    for (k = 0; k < n; k++) {
        if (k)
            knee__html_text(c->h, k + 1 == n ? " and " : ", ");
        knee__html_start_class(c->h, "strong", "rf");
        knee__html_text(c->h, knee_result_option_name(c->r, idx[k]));
        knee__html_end(c->h);
    }
}

static void glance(pctx *c)
{
    knee__html *h = c->h;
    const knee_result *r = c->r;
    size_t n = knee_result_option_count(r), ranked = knee__report_ranked_count(r), k;
    size_t top[3], n_top = 0, tied = ranked ? knee_result_option_tie_count(r, 0) : 0;
    int best, worst;

    knee__report_section_start(h, "glance", "Your choices at a glance");
    knee__html_start(h, "p");
    knee__html_textf(h, "We compared %zu treatment choices for your knee. ", n);
    if (ranked < n)
        knee__html_textf(h, "%zu of them %s not right for you. The end of this page says why. ",
                         n - ranked, n - ranked == 1 ? "is" : "are");
    knee__html_end(h);
    if (ranked == 0) {
        knee__html_elem(h, "p", NULL,
                        "None of the choices fits you. Please talk with your doctor.");
        knee__html_end(h);
        return;
    }
    for (k = 0; k < ranked && n_top < 3; k++)
        top[n_top++] = k;
    knee__html_start(h, "p");
    knee__html_text(h, n_top == 1 ? "The best match for you is " : "The best matches for you are ");
    name_list(c, top, n_top);
    knee__html_text(h, n_top == 1 ? "." : ", in that order.");
    knee__html_text(h, " This order comes from the facts you gave and from what matters most to "
                       "people. It is not advice to choose one.");
    knee__html_end(h);
    if (tied) {
        size_t t[KNEE_REPORT_MAX_OPTIONS], nt = 0;
        for (k = 0; k <= tied && nt < KNEE_REPORT_MAX_OPTIONS; k++)
            t[nt++] = k;
        knee__html_start(h, "p");
        name_list(c, t, nt);
        knee__html_text(h, " are tied for first. Nothing here says which of them is better.");
        knee__html_end(h);
    } else if (ranked > 1 && knee_result_option_rank_range(r, 0, &best, &worst) && worst > 1) {
        knee__html_start(h, "p");
        knee__html_text(h, "This is a close call. ");
        name_list(c, top, 2);
        knee__html_text(h, " could swap places. It depends on things nobody has measured yet.");
        knee__html_end(h);
    } else if (ranked > 1 &&
               knee_result_option_score(r, 0) - knee_result_option_score(r, 1) < 0.02) {
        knee__html_start(h, "p");
        knee__html_text(h, "This is a close call. ");
        name_list(c, top, 2);
        knee__html_text(h, " are very near each other. A small change in what matters to you "
                           "could swap them.");
        knee__html_end(h);
    }
    if (knee_result_missing_fact_count(r))
        knee__html_elem(h, "p", NULL,
                        "Some facts about you were not given. They could change the order.");
    knee__html_end(h);
}

/* ---- the table of options ------------------------------------------------------------------- */

/* A number of days in words: "No time off", "About 3 days", "About 6 weeks", "About 4 months". */
static void days_words(char *buf, size_t size, double d)
{
    if (d < 0.5)
        snprintf(buf, size, "no time off");
    else if (d < 1.5)
        snprintf(buf, size, "about 1 day");
    else if (d < 14)
        snprintf(buf, size, "about %.0f days", d);
    else if (d < 60)
        snprintf(buf, size, "about %.0f weeks", floor(d / 7 + 0.5));
    else if (d < 540)
        snprintf(buf, size, "about %.0f months", floor(d / 30.4 + 0.5));
    else
        snprintf(buf, size, "about %.0f years", floor(d / 365 + 0.5));
}

static int is_days(const char *unit)
{
    return unit && (strcmp(unit, "days") == 0 || strcmp(unit, "day") == 0);
}

/* A numeric value or bound in words. */
static void amount(char *buf, size_t size, double v, const char *unit)
{
    if (is_days(unit))
        days_words(buf, size, v);
    else
        knee__quantity(buf, size, v, unit);
}

static const char *level_label(const knee__criterion *cr, size_t l)
{
    const knee__level *lv = &cr->levels[l];
    return lv->label && *lv->label ? lv->label : lv->id;
}

/* A level's label inside a sentence: "Small but noticeable" -> "small but noticeable"; a
 * label that starts with an abbreviation ("NSAID ...") is kept as it is. */
static void in_sentence(knee__html *h, const char *label)
{
    knee__html_start_class(h, "span", "rf");
    if (label[0] >= 'A' && label[0] <= 'Z' && !(label[1] >= 'A' && label[1] <= 'Z')) {
        knee__html_textf(h, "%c", label[0] - 'A' + 'a');
        knee__html_text(h, label + 1);
    } else
        knee__html_text(h, label);
    knee__html_end(h);
}

/* A fact's label as the patient reads it: the words before codes and details ("Kidney
 * function: estimated ..." -> "Kidney function"), its id when it has none. *len: its length. */
static const char *fact_label(const knee_ruleset *rs, const char *id, size_t *len)
{
    size_t d = knee__find_fact(rs, id);
    const char *label =
        d != KNEE__NONE && rs->facts[d].label && *rs->facts[d].label ? rs->facts[d].label : id;
    size_t cut = strcspn(label, ":(");
    while (cut > 1 && label[cut - 1] == ' ')
        cut--;
    *len = cut ? cut : strlen(label);
    return label;
}

/* 1 if undecided rule k of option i would change its value on criterion j: the value is then
 * unknown for want of facts about the patient, not for want of a study. */
static int decides_value(const knee_result *r, size_t i, size_t k, size_t j)
{
    size_t t = r->opts[r->order[i]].option, a;
    size_t ri = knee__find_rule(r->rs, knee_result_unknown_rule(r, i, k));
    const knee__rule *rule = ri != KNEE__NONE ? &r->rs->rules[ri] : NULL;
    for (a = 0; rule && a < rule->n_actions; a++) {
        const knee__action *act = &rule->actions[a];
        if ((act->kind == KNEE__ACT_SET || act->kind == KNEE__ACT_ADJUST) && act->option == t &&
            act->criterion == j)
            return 1;
    }
    return 0;
}

/* For an unknown value that facts about the patient would decide: "Your doctor can tell you
 * this once they know your body-mass index." 0 (nothing written) when no such fact exists. */
static int needs_facts(pctx *c, size_t i, size_t j)
{
    const knee_result *r = c->r;
    const char *seen[8];
    size_t k, f, n = 0;
    for (k = 0; k < knee_result_unknown_count(r, i); k++) {
        if (!decides_value(r, i, k, j))
            continue;
        for (f = 0; f < knee_result_unknown_fact_count(r, i, k) && n < 8; f++) {
            const char *id = knee_result_unknown_fact(r, i, k, f);
            size_t s2 = 0;
            while (s2 < n && strcmp(seen[s2], id) != 0)
                s2++;
            if (s2 == n)
                seen[n++] = id;
        }
    }
    if (!n)
        return 0;
    knee__html_text(c->h, " It depends on facts about you. Your doctor can tell you this once "
                          "they know your ");
    for (k = 0; k < n; k++) {
        size_t len;
        const char *label = fact_label(c->rs, seen[k], &len);
        char low[2] = {0, 0};
        if (k)
            knee__html_text(c->h, k + 1 == n ? " and " : ", ");
        knee__html_start_class(c->h, "span", "rf");
        if (label[0] >= 'A' && label[0] <= 'Z' && !(label[1] >= 'A' && label[1] <= 'Z')) {
            low[0] = (char)(label[0] - 'A' + 'a'); /* "Body-mass index" -> "body-mass index" */
            knee__html_text(c->h, low);
            knee__html_text_n(c->h, label + 1, len - 1);
        } else
            knee__html_text_n(c->h, label, len);
        knee__html_end(c->h);
    }
    knee__html_text(c->h, ".");
    return 1;
}

/* The rate a source gives for the value, in words ("About 10 in 100 people had ...") beside an
 * icon array of the same, named by the words. */
static void rate_words(pctx *c, size_t i, size_t j)
{
    knee__html *h = c->h;
    int count, per;
    const char *text, *source;
    char id[32];
    if (!knee_result_value_rate(c->r, i, j, &count, &per, &text, &source))
        return;
    snprintf(id, sizeof id, "rate-%zu", ++c->n_rates);
    knee__html_start_class(h, "div", "rate");
    knee__report_icon_array(h, count, per, id);
    knee__html_start(h, "p");
    knee__html_start(h, "span");
    knee__html_attr(h, "id", id);
    if (per == 1000)
        knee__html_textf(h, "About %d in 1,000 ", count);
    else
        knee__html_textf(h, "About %d in %d ", count, per);
    rf(h, "span", text);
    knee__html_text(h, ".");
    knee__html_end(h);
    cite(c, source);
    knee__html_end(h); /* p */
    knee__html_end(h); /* div */
}

/* Criterion j of option i in plain words, with its sources. */
static void value_words(pctx *c, size_t i, size_t j)
{
    knee__html *h = c->h;
    const knee_result *r = c->r;
    const knee__criterion *cr = &c->rs->criteria[j];
    const knee__value *v = knee__cell_value(r, r->order[i], j);
    const char *note = for_patient(c->rs, v->note_patient);
    char a[160], b[160];

    knee__html_start(h, "p");
    knee__html_start_class(h, "span", "k rf");
    knee__html_text(h, knee__report_criterion_label(r, j));
    knee__html_end(h);
    knee__html_text(h, ": ");
    if (!v->known) {
        const char *llo, *lhi;
        double lo, hi;
        knee__html_elem(h, "strong", "unknown", "not known.");
        if (!needs_facts(c, i, j))
            knee__html_text(h, " Nobody has measured this for this treatment yet.");
        if (knee_result_unknown_level_bounds(r, i, j, &llo, &lhi)) {
            size_t l1 = knee__find_level(cr, llo), l2 = knee__find_level(cr, lhi);
            knee__html_text(h, " Best guess: from ");
            in_sentence(h, l1 != KNEE__NONE ? level_label(cr, l1) : llo);
            knee__html_text(h, " to ");
            in_sentence(h, l2 != KNEE__NONE ? level_label(cr, l2) : lhi);
            knee__html_text(h, ".");
        } else if (knee_result_unknown_bounds(r, i, j, &lo, &hi)) {
            amount(a, sizeof a, lo, cr->unit);
            amount(b, sizeof b, hi, cr->unit);
            knee__html_textf(h, " Best guess: from %s to %s.", a, b);
        }
    } else if (v->level != KNEE__NONE) {
        knee__html_elem(h, "strong", "rf", level_label(cr, v->level));
    } else {
        amount(a, sizeof a, v->typical, cr->unit);
        knee__html_elem(h, "strong", NULL, a);
        if (!isnan(v->low) && !isnan(v->high) && (v->low != v->typical || v->high != v->typical)) {
            amount(a, sizeof a, v->low, cr->unit);
            amount(b, sizeof b, v->high, cr->unit);
            if (strcmp(a, b) != 0) /* "(1 to 6 weeks)", not "(about 1 week to about 6 weeks)" */
                knee__html_textf(h, " (%s to %s)", strncmp(a, "about ", 6) ? a : a + 6,
                                 strncmp(b, "about ", 6) ? b : b + 6);
        }
        if (v->year > 0)
            knee__html_textf(h, " (price in %d)", v->year);
    }
    if (knee_result_value_source_count(r, i, j)) /* the first: a short list of sources */
        cite(c, knee_result_value_source(r, i, j, 0));
    knee__html_end(h); /* p */
    if (knee_result_value_rule_count(r, i, j))
        knee__html_elem(h, "p", "small", "This was changed for you, because of facts about you.");
    if (note)
        rf(h, "p", note);
    rate_words(c, i, j);
}

/* The option's cautions and, when it is excluded, the reasons: patient texts only. */
static void warnings(pctx *c, size_t i)
{
    knee__html *h = c->h;
    const knee_result *r = c->r;
    size_t k, other = 0;
    for (k = 0; k < knee_result_caution_count(r, i); k++) {
        const char *t = for_patient(c->rs, knee_result_caution_patient_text(r, i, k));
        if (!t) {
            other++;
            continue;
        }
        knee__html_start_class(h, "p", "caution");
        knee__html_elem(h, "span", "k", "For you: ");
        rf(h, "span", t);
        cite(c, knee_result_caution_source(r, i, k));
        knee__html_end(h);
    }
    if (other)
        knee__html_elem(h, "p", "caution",
                        "Your doctor has a note about this choice for you. Ask about it.");
}

static void option_head(pctx *c, size_t i)
{
    knee__html *h = c->h;
    const knee_result *r = c->r;
    size_t k;
    knee__html_start(h, "th");
    knee__html_attr(h, "scope", "col");
    rf(h, "span", knee_result_option_name(r, i));
    knee__html_start_class(h, "span", "place");
    if (knee_result_option_excluded(r, i)) {
        knee__html_elem(h, "span", "tag", "Not right for you");
        for (k = 0; k < knee_result_reason_count(r, i); k++) {
            const char *t = for_patient(c->rs, knee_result_reason_patient_text(r, i, k));
            knee__html_text(h, " ");
            if (t)
                rf(h, "span", t);
            else
                knee__html_text(h, "Ask your doctor why.");
        }
    } else {
        size_t rank = (size_t)knee_result_option_rank(r, i);
        knee__html_textf(h, "%zu%s of %zu for you%s", rank, ordinal_suffix(rank),
                         knee__report_ranked_count(r),
                         knee_result_option_tie_count(r, i) ? " (tied)" : "");
    }
    knee__html_end(h);
    knee__html_end(h);
}

static void question_row(pctx *c, const char *text, const size_t *crit, size_t n_crit,
                         int with_description, int with_warnings)
{
    knee__html *h = c->h;
    size_t a, k;
    knee__html_start(h, "tr");
    knee__html_start(h, "th");
    knee__html_attr(h, "scope", "row");
    knee__html_text(h, text);
    knee__html_end(h);
    for (a = 0; a < c->n_cols; a++) {
        size_t i = c->cols[a];
        knee__html_start(h, "td");
        if (with_description) {
            const char *d = for_patient(c->rs, option_at(c->r, i)->description_patient);
            if (d)
                knee__report_paragraphs(h, d, "rf");
        }
        for (k = 0; k < n_crit; k++)
            value_words(c, i, crit[k]);
        if (with_warnings)
            warnings(c, i);
        knee__html_end(h);
    }
    knee__html_end(h);
}

static void options_table(pctx *c)
{
    knee__html *h = c->h;
    const knee_ruleset *rs = c->rs;
    size_t q, k, a, j, crit[3], n;
    char cls[16];

    knee__report_section_start(h, "choices", "Your choices side by side");
    knee__html_elem(h, "p", NULL,
                    "Each column is one choice. Each row answers a question people often ask. "
                    "Numbers in brackets point to the sources at the end.");
    knee__html_elem(h, "p", "narrow",
                    "On a small screen, slide the table sideways to see every "
                    "choice.");
    if (!c->n_cols) {
        knee__html_elem(h, "p", NULL, "There is no choice to show.");
        knee__html_end(h);
        return;
    }
    snprintf(cls, sizeof cls, "og og-%zu", c->n_cols);
    knee__report_table_start(h, cls, "choices-caption",
                             "Your choices, and answers to common questions");
    knee__html_start(h, "colgroup");
    knee__html_start_class(h, "col", "q");
    knee__html_end_empty(h);
    for (a = 0; a < c->n_cols; a++) {
        knee__html_start(h, "col");
        knee__html_end_empty(h);
    }
    knee__html_end(h);
    knee__html_start(h, "thead");
    knee__html_start(h, "tr");
    knee__html_start(h, "th");
    knee__html_attr(h, "scope", "col");
    knee__html_text(h, "Question");
    knee__html_end(h);
    for (a = 0; a < c->n_cols; a++)
        option_head(c, c->cols[a]);
    knee__html_end(h);
    knee__html_end(h);
    knee__html_start(h, "tbody");
    for (q = 0; q < N_QUESTIONS; q++) {
        int involve = q == 0, risks = strcmp(QUESTIONS[q].id, "q-risks") == 0;
        for (n = 0, k = 0; QUESTIONS[q].criteria[k]; k++)
            if ((crit[n] = criterion(rs, QUESTIONS[q].criteria[k])) != KNEE__NONE)
                n++;
        if (n || involve || risks)
            question_row(c, QUESTIONS[q].text, crit, n, involve, risks);
    }
    for (j = 0; j < rs->n_criteria; j++) /* criteria of another rule file */
        if (!asked_by_question(rs, j))
            question_row(c, knee__report_criterion_label(c->r, j), &j, 1, 0, 0);
    knee__html_end(h); /* tbody */
    knee__report_table_end(h);
    knee__html_end(h); /* section */
}

/* ---- what matters to you -------------------------------------------------------------------- */

/* The first option by the weighted sum of the result's utilities under weights w (one per
 * criterion, any scale): its result index, and in *ties how many others have the same score.
 * Unknown values count at the middle of their range, as in the result. */
static size_t first_under(const knee_result *r, const double *w, size_t *ties)
{
    size_t i, j, n = knee_result_option_count(r), best = KNEE__NONE;
    double best_score = -1;
    *ties = 0;
    for (i = 0; i < n; i++) {
        double s = 0, total = 0;
        if (knee_result_option_excluded(r, i))
            continue;
        for (j = 0; j < r->rs->n_criteria; j++) {
            double u = knee_result_utility(r, i, j);
            if (!isnan(u)) {
                s += w[j] * u;
                total += w[j];
            }
        }
        s = total > 0 ? s / total : 0;
        if (best == KNEE__NONE || s > best_score + 1e-9) {
            best = i;
            best_score = s;
            *ties = 0;
        } else if (fabs(s - best_score) <= 1e-9) {
            (*ties)++;
        }
    }
    return best;
}

static void first_words(pctx *c, size_t first, size_t ties)
{
    if (first == KNEE__NONE) {
        knee__html_text(c->h, "none");
        return;
    }
    rf(c->h, "span", knee_result_option_name(c->r, first));
    if (ties)
        knee__html_textf(c->h, " (tied with %zu other%s)", ties, ties == 1 ? "" : "s");
}

static void priorities_head(knee__html *h)
{
    static const char *const heads[] = {"What matters", "Counts for",
                                        "If it mattered most to you, first would be",
                                        "If only this mattered, first would be"};
    size_t i;

    knee__html_start(h, "thead");
    knee__html_start(h, "tr");
    for (i = 0; i < sizeof heads / sizeof heads[0]; i++) {
        knee__html_start(h, "th");
        knee__html_attr(h, "scope", "col");
        knee__html_text(h, heads[i]);
        knee__html_end(h);
    }
    knee__html_end(h);
    knee__html_end(h);
}

/* One row: criterion j's share, and what comes first if it counted most (as much as all the
 * others together) or alone. w has room for every criterion. */
static void priorities_row(pctx *c, size_t j, double *w)
{
    knee__html *h = c->h;
    const knee_result *r = c->r;
    size_t k, nc = c->rs->n_criteria, first, ties;
    char pct[KNEE__NUM_BUF];

    for (k = 0; k < nc; k++)
        w[k] = k == j ? 1 - knee_result_weight(r, j) : knee_result_weight(r, k);
    first = first_under(r, w, &ties);
    knee__html_start(h, "tr");
    knee__html_start(h, "th");
    knee__html_attr(h, "scope", "row");
    rf(h, "span", knee__report_criterion_label(r, j));
    knee__html_end(h);
    knee__html_elem(h, "td", NULL, knee__num_percent(pct, sizeof pct, knee_result_weight(r, j)));
    knee__html_start(h, "td");
    first_words(c, first, ties);
    knee__html_end(h);
    for (k = 0; k < nc; k++)
        w[k] = k == j;
    first = first_under(r, w, &ties);
    knee__html_start(h, "td");
    first_words(c, first, ties);
    knee__html_end(h);
    knee__html_end(h);
}

static void priorities_table(pctx *c, double *w)
{
    size_t j;

    knee__report_table_start(c->h, "data", "matters-caption",
                             "How much each thing counts, and what comes first when it "
                             "matters most, or alone");
    priorities_head(c->h);
    knee__html_start(c->h, "tbody");
    for (j = 0; j < c->rs->n_criteria; j++)
        priorities_row(c, j, w);
    knee__html_end(c->h);
    knee__report_table_end(c->h);
}

static void priorities(pctx *c)
{
    knee__html *h = c->h;
    const knee_result *r = c->r;
    const knee_ruleset *rs = c->rs;
    size_t j, nc = rs->n_criteria, first, ties;
    double w[64], total = 0;
    int own = 0;

    knee__report_section_start(h, "matters", "What matters to you");
    for (j = 0; j < nc; j++)
        total += rs->criteria[j].weight;
    for (j = 0; j < nc; j++)
        if (total > 0 && fabs(rs->criteria[j].weight / total - knee_result_weight(r, j)) > 1e-9)
            own = 1;
    knee__html_elem(h, "p", NULL,
                    own ? "The order on this page uses your own priorities. The table shows how "
                          "much each thing counts."
                        : "The order on this page uses the usual priorities. They come from "
                          "studies that asked people with knee arthritis what matters most to "
                          "them. Yours may be different. Tell your doctor what matters to you.");
    if (nc > sizeof w / sizeof w[0] || knee__report_ranked_count(r) == 0 ||
        !knee__method_of(r->method) ||
        !(knee__method_of(r->method)->flags & KNEE__METHOD_ADDITIVE)) {
        knee__html_end(h);
        return;
    }
    if (own) {
        for (j = 0; j < nc; j++)
            w[j] = rs->criteria[j].weight;
        first = first_under(r, w, &ties);
        knee__html_start(h, "p");
        knee__html_text(h, "With the usual priorities, the first choice would be ");
        first_words(c, first, ties);
        knee__html_text(h, ".");
        knee__html_end(h);
    }
    priorities_table(c, w);
    knee__html_end(h);
}

/* ---- questions, options that do not fit, sources, footer ------------------------------------- */

/* 1 if fact id came up before unknown (a, k, f) of the columns. */
static int fact_seen(pctx *c, size_t a, size_t k, size_t f, const char *id)
{
    size_t a2, k2, f2;
    for (a2 = 0; a2 <= a; a2++)
        for (k2 = 0; k2 < knee_result_unknown_count(c->r, c->cols[a2]); k2++)
            for (f2 = 0; f2 < knee_result_unknown_fact_count(c->r, c->cols[a2], k2); f2++) {
                if (a2 == a && k2 == k && f2 == f)
                    return 0;
                if (strcmp(knee_result_unknown_fact(c->r, c->cols[a2], k2, f2), id) == 0)
                    return 1;
            }
    return 0;
}

static void questions(pctx *c)
{
    knee__html *h = c->h;
    const knee_result *r = c->r;
    static const char *const ASK[] = {
        "Which of these choices fit my goals?",
        "What happens if I wait and do nothing new for now?",
        "What would I have to do, and for how long?",
        "How will we know if it is working? What do we do if it is not?",
        "What will it cost me with my insurance?",
    };
    size_t k, a, f, shown = 0;
    knee__report_section_start(h, "ask", "Questions to ask your doctor");
    knee__html_start_class(h, "ul", "plain");
    for (k = 0; k < sizeof ASK / sizeof ASK[0]; k++)
        knee__html_elem(h, "li", NULL, ASK[k]);
    /* the facts not given that could change the choices shown, each once */
    for (a = 0; a < c->n_cols; a++)
        for (k = 0; k < knee_result_unknown_count(r, c->cols[a]); k++)
            for (f = 0; f < knee_result_unknown_fact_count(r, c->cols[a], k); f++) {
                const char *id = knee_result_unknown_fact(r, c->cols[a], k, f);
                size_t cut;
                const char *label = fact_label(c->rs, id, &cut);
                if (fact_seen(c, a, k, f, id))
                    continue;
                if (!shown++) {
                    knee__html_start(h, "li");
                    knee__html_text(h, "Some facts about me were not given. Could they change "
                                       "my choice? ");
                } else
                    knee__html_text(h, "; ");
                knee__html_start_class(h, "span", "rf");
                knee__html_text_n(h, label, cut);
                knee__html_end(h);
            }
    if (shown) {
        knee__html_text(h, ".");
        knee__html_end(h);
    }
    knee__html_end(h);
    knee__html_end(h);
}

static void not_for_you(pctx *c)
{
    knee__html *h = c->h;
    const knee_result *r = c->r;
    size_t i, k, n = knee_result_option_count(r);
    if (knee__report_ranked_count(r) == n)
        return;
    knee__report_section_start(h, "not-for-you", "Choices that are not right for you");
    knee__html_start_class(h, "ul", "plain");
    for (i = 0; i < n; i++) {
        if (!knee_result_option_excluded(r, i))
            continue;
        knee__html_start(h, "li");
        knee__html_start_class(h, "strong", "rf");
        knee__html_text(h, knee_result_option_name(r, i));
        knee__html_end(h);
        knee__html_text(h, ": ");
        for (k = 0; k < knee_result_reason_count(r, i); k++) {
            const char *t = for_patient(c->rs, knee_result_reason_patient_text(r, i, k));
            if (k)
                knee__html_text(h, " ");
            if (t)
                rf(h, "span", t);
            else
                knee__html_text(h, "Ask your doctor why.");
        }
        knee__html_end(h);
    }
    knee__html_end(h);
    knee__html_end(h);
}

static void sources(pctx *c)
{
    knee__html *h = c->h;
    size_t k;
    if (!c->n_cited)
        return;
    knee__report_section_start(h, "sources", "Where this comes from");
    knee__html_start_class(h, "ol", "sources");
    for (k = 0; k < c->rs->n_sources; k++) {
        const knee__source *s = &c->rs->sources[k];
        const char *title = s->title && *s->title ? s->title : s->id;
        if (!c->src_num[k])
            continue;
        knee__html_start(h, "li");
        knee__html_attrf(h, "id", "source-%zu", c->src_num[k]);
        knee__html_start_class(h, "span", "rf");
        if (knee__report_is_web_url(s->url)) {
            knee__html_start(h, "a");
            knee__html_attr(h, "href", s->url);
            knee__html_text(h, title);
            knee__html_end(h);
        } else {
            knee__html_text(h, title);
        }
        knee__html_end(h);
        if (s->year > 0)
            knee__html_textf(h, " (%d)", s->year);
        knee__html_end(h);
    }
    knee__html_end(h);
    knee__html_end(h);
}

static void footer(pctx *c)
{
    knee__html *h = c->h;
    const knee_ruleset *rs = c->rs;
    knee__html_newline(h);
    knee__html_start(h, "footer");
    knee__html_start(h, "p");
    knee__html_elem(h, "strong", NULL,
                    "This page compares choices. It does not replace your doctor's advice.");
    knee__html_text(h, " You and your doctor decide together, with all you both know.");
    knee__html_end(h);
    knee__html_start_class(h, "p", "made");
    knee__html_text(h, "Made from ");
    rf(h, "span", rs->title);
    knee__html_textf(h, " (version %.60s", rs->version);
    if (rs->publisher && *rs->publisher) {
        knee__html_text(h, ", by ");
        rf(h, "span", rs->publisher);
    }
    knee__html_text(h, "). Evidence as of ");
    knee__html_text(h, rs->evidence_as_of);
    knee__html_text(h, ". Date of this page: ");
    knee__html_text(h, c->o && c->o->date ? c->o->date : "not given");
    knee__html_textf(h, ". libknee %s.", knee_version_string());
    knee__html_end(h);
    knee__html_end(h);
}

/* ---- the page -------------------------------------------------------------------------------- */

int knee__report_patient(const knee_result *r, const knee_patient *p, const knee_report_options *o,
                         char **out, size_t *len)
{
    pctx c;
    int status;
    (void)p; /* the facts used are the clinician page's; the patient page names the missing */
    memset(&c, 0, sizeof c);
    c.r = r;
    c.rs = r->rs;
    c.o = o;
    if ((status = choose_columns(&c)) != KNEE_OK)
        return status;
    if (!(c.src_num = knee__calloc(c.rs->n_sources + 1, sizeof *c.src_num)))
        return KNEE_ENOMEM;
    if (!(c.h = knee__html_new())) {
        knee__dealloc(c.src_num);
        return KNEE_ENOMEM;
    }
    number_sources(&c);
    knee__report_head(c.h, "Your knee: treatment choices side by side", CSS);
    knee__html_start(c.h, "body");
    knee__html_start_class(c.h, "div", "page");
    header(&c);
    knee__html_start(c.h, "main");
    glance(&c);
    options_table(&c);
    priorities(&c);
    questions(&c);
    not_for_you(&c);
    sources(&c);
    knee__html_end(c.h); /* main */
    footer(&c);
    knee__html_end(c.h); /* div.page */
    knee__html_end(c.h); /* body */
    knee__html_end(c.h); /* html */
    knee__html_newline(c.h);
    knee__dealloc(c.src_num);
    return knee__html_finish(c.h, out, len);
}
