/* test_report.c - the decision-aid report (knee_result_to_html, docs/report.md): a well-formed
 * page whose every element is one the report writes, every option and criterion in the option
 * grid, hostile rule-file and patient texts shown as text, the same bytes in every locale,
 * the edges of the API, and allocation failures. */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "util/alloc.h"
#include "rules/readability.h"
#include "support.h"

/* Every element the report writes. Anything else in the output came from the input. */
static const char *const ELEMENTS[] = {
    "html",   "head",    "meta",     "title",  "style",      "body",    "div",     "a",
    "header", "p",       "strong",   "dl",     "dt",         "dd",      "code",    "nav",
    "ol",     "ul",      "li",       "main",   "section",    "h1",      "h2",      "h3",
    "table",  "caption", "colgroup", "col",    "thead",      "tbody",   "tr",      "th",
    "td",     "span",    "br",       "figure", "figcaption", "svg",     "g",       "rect",
    "line",   "desc",    "article",  "footer", "bdi",        "details", "summary", NULL};

typedef struct page {
    xmlDocPtr doc;
    char *html;
    size_t len;
} page;

static int is_allowed(const char *name)
{
    size_t k;
    for (k = 0; ELEMENTS[k]; k++)
        if (strcmp(ELEMENTS[k], name) == 0)
            return 1;
    return 0;
}

/* The report of r (patient p, date) parsed as strict XML: the writer emits well-formed markup,
 * so a parse error is a bug. Aborts the test on failure. */
static page make_page(const knee_result *r, const knee_patient *p, const char *date)
{
    page pg = {NULL, NULL, 0};
    knee_report_options *o = NULL;
    if (date) {
        CU_ASSERT_EQUAL_FATAL(knee_report_options_new(&o), KNEE_OK);
        CU_ASSERT_EQUAL_FATAL(knee_report_options_set_date(o, date), KNEE_OK);
    }
    CU_ASSERT_EQUAL_FATAL(knee_result_to_html(r, p, o, &pg.html, &pg.len), KNEE_OK);
    knee_report_options_free(o);
    CU_ASSERT_EQUAL(strlen(pg.html), pg.len);
    CU_ASSERT_EQUAL(strncmp(pg.html, "<!DOCTYPE html>\n<html lang=\"en\">", 32), 0);
    pg.doc = xmlReadMemory(pg.html, (int)pg.len, "report.html", NULL,
                           XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    CU_ASSERT_PTR_NOT_NULL_FATAL(pg.doc);
    return pg;
}

static void free_page(page *pg)
{
    xmlFreeDoc(pg->doc);
    knee_free(pg->html);
}

static const char *attr(xmlNodePtr n, const char *name, char *buf, size_t size)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    if (!v)
        return NULL;
    snprintf(buf, size, "%s", (const char *)v);
    xmlFree(v);
    return buf;
}

static int has_class(xmlNodePtr n, const char *cls)
{
    char buf[256];
    const char *c = attr(n, "class", buf, sizeof buf);
    size_t len = strlen(cls);
    while (c && *c) {
        if (strncmp(c, cls, len) == 0 && (c[len] == ' ' || c[len] == '\0'))
            return 1;
        c = strchr(c, ' ');
        if (c)
            c++;
    }
    return 0;
}

/* The text of a node, whitespace as it is. Free with xmlFree. */
static char *text(xmlNodePtr n)
{
    return (char *)xmlNodeGetContent(n);
}

/* A header's own text: its first text child (the rank or hint below it is a span). */
static char *head_text(xmlNodePtr n)
{
    xmlNodePtr c = n->children;
    if (c && c->type == XML_TEXT_NODE)
        return (char *)xmlNodeGetContent(c);
    return text(n);
}

/* What the checks look at, gathered by one walk of the tree. */
typedef struct scan {
    size_t elements, bad_elements, event_attrs, bad_links, grids, svgs, labelled_svgs, links;
    char *col_heads[256]; /* option grid column headers (xmlFree) */
    size_t n_cols;
    char *row_heads[256]; /* option grid row headers */
    size_t n_rows;
    char *h1;
} scan;

static void walk(xmlNodePtr n, scan *s, int in_grid)
{
    for (; n; n = n->next) {
        xmlAttrPtr a;
        char buf[2048];
        const char *name = (const char *)n->name;
        if (n->type != XML_ELEMENT_NODE)
            continue;
        s->elements++;
        if (!is_allowed(name)) {
            fprintf(stderr, "\n    unexpected element <%s>", name);
            s->bad_elements++;
        }
        for (a = n->properties; a; a = a->next)
            if (strncasecmp((const char *)a->name, "on", 2) == 0)
                s->event_attrs++;
        if (strcmp(name, "a") == 0) {
            const char *href = attr(n, "href", buf, sizeof buf);
            s->links++;
            if (!href || !(href[0] == '#' || strncmp(href, "https://", 8) == 0 ||
                           strncmp(href, "http://", 7) == 0)) {
                fprintf(stderr, "\n    bad link '%s'", href ? href : "(none)");
                s->bad_links++;
            }
        }
        if (strcmp(name, "svg") == 0 && has_class(n, "bar")) {
            s->svgs++;
            if (attr(n, "role", buf, sizeof buf) && strcmp(buf, "img") == 0 &&
                attr(n, "aria-label", buf, sizeof buf) && *buf && n->children &&
                strcmp((const char *)n->children->name, "title") == 0)
                s->labelled_svgs++;
        }
        if (strcmp(name, "h1") == 0 && !s->h1)
            s->h1 = text(n);
        if (strcmp(name, "table") == 0 && has_class(n, "grid")) {
            s->grids++;
            walk(n->children, s, 1);
            continue;
        }
        if (in_grid && strcmp(name, "th") == 0) {
            const char *scope = attr(n, "scope", buf, sizeof buf);
            if (scope && strcmp(scope, "col") == 0 && s->n_cols < 256)
                s->col_heads[s->n_cols++] = head_text(n);
            else if (scope && strcmp(scope, "row") == 0 && s->n_rows < 256)
                s->row_heads[s->n_rows++] = head_text(n);
        }
        walk(n->children, s, in_grid);
    }
}

static void scan_page(const page *pg, scan *s)
{
    memset(s, 0, sizeof *s);
    walk(xmlDocGetRootElement(pg->doc), s, 0);
}

static void free_scan(scan *s)
{
    size_t k;
    for (k = 0; k < s->n_cols; k++)
        xmlFree(s->col_heads[k]);
    for (k = 0; k < s->n_rows; k++)
        xmlFree(s->row_heads[k]);
    xmlFree(s->h1);
}

/* Number of headers whose own text is name. */
static size_t count_heads(char *const *heads, size_t n, const char *name)
{
    size_t k, found = 0;
    for (k = 0; k < n; k++)
        if (strcmp(heads[k], name) == 0)
            found++;
    return found;
}

static void assert_clean(const page *pg, const scan *s)
{
    CU_ASSERT(s->elements > 100);
    CU_ASSERT_EQUAL(s->bad_elements, 0);
    CU_ASSERT_EQUAL(s->event_attrs, 0);
    CU_ASSERT_EQUAL(s->bad_links, 0);
    CU_ASSERT_PTR_NULL(strcasestr(pg->html, "<script"));
    CU_ASSERT_PTR_NULL(strcasestr(pg->html, "href=\"javascript"));
    CU_ASSERT_EQUAL(s->svgs, s->labelled_svgs);
    CU_ASSERT_PTR_NOT_NULL(strstr(pg->html, "does not replace the clinician's judgement"));
}

/* ---- the default rules: every option and criterion, the facts, the analyses --------------- */

static void test_default_rules(void)
{
    knee_ruleset *rs = NULL;
    knee_patient *p = NULL;
    knee_result *r = NULL;
    knee_compare_options *co = NULL;
    page pg;
    scan s;
    size_t i, parts;

    CU_ASSERT_EQUAL_FATAL(knee_ruleset_load_default(&rs, NULL), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_patient_new(&p, rs), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_number(p, "age", 72), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_number(p, "kl_grade", 4), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_string(p, "payer", "medicare"), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_compare_options_new(&co), KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare_options_set_smaa(co, 500, 3, 0), KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare_options_set_sensitivity(co, 1, 0.05), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_result_new(&r), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_compare_ex(rs, p, co, r), KNEE_OK);

    pg = make_page(r, p, "2025-07-01");
    scan_page(&pg, &s);
    assert_clean(&pg, &s);
    /* Every option is a column of the option grid, once; every criterion a row of each part. */
    parts = (knee_ruleset_option_count(rs) + 4) / 5;
    CU_ASSERT_EQUAL(s.grids, parts);
    CU_ASSERT_EQUAL(s.n_cols, knee_ruleset_option_count(rs) + parts); /* + "Criterion" each */
    for (i = 0; i < knee_ruleset_option_count(rs); i++) {
        size_t found = count_heads(s.col_heads, s.n_cols, knee_ruleset_option_name(rs, i));
        if (found != 1)
            fprintf(stderr, "\n    option '%s' in %zu columns", knee_ruleset_option_name(rs, i),
                    found);
        CU_ASSERT_EQUAL(found, 1);
    }
    for (i = 0; i < knee_ruleset_criterion_count(rs); i++)
        CU_ASSERT_EQUAL(count_heads(s.row_heads, s.n_rows, knee_ruleset_criterion_label(rs, i)),
                        parts);
    /* the bars: one per ranked option in each of the two charts */
    {
        size_t ranked = 0;
        for (i = 0; i < knee_result_option_count(r); i++)
            ranked += !knee_result_option_excluded(r, i);
        CU_ASSERT(ranked > 1 && ranked < knee_result_option_count(r));
        CU_ASSERT_EQUAL(s.svgs, 2 * ranked);
    }
    /* provenance and the facts */
    CU_ASSERT_PTR_NOT_NULL(strstr(pg.html, knee_ruleset_sha256(rs)));
    CU_ASSERT_PTR_NOT_NULL(strstr(pg.html, "<dt>Report date</dt><dd>2025-07-01</dd>"));
    CU_ASSERT(strstr(pg.html, "<dt>Evidence as of</dt><dd>2025-07-15</dd>") != NULL ||
              strstr(pg.html, "<dt>Evidence as of</dt><dd>") != NULL);
    CU_ASSERT_PTR_NOT_NULL(strstr(pg.html, "<dt>Publisher</dt><dd>libknee project</dd>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(pg.html, "<td>72 years</td>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(pg.html, "<td>medicare</td>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(pg.html, "Body-mass index")); /* a missing fact */
    CU_ASSERT_PTR_NOT_NULL(strstr(pg.html, "Unknown \xe2\x80\x94 no sourced value"));
    CU_ASSERT_PTR_NOT_NULL(strstr(pg.html, "Figure 2.")); /* SMAA was run */
    CU_ASSERT_PTR_NOT_NULL(strstr(pg.html, "How stable is the first place?"));
    CU_ASSERT_PTR_NOT_NULL(strstr(pg.html, "href=\"https://www.orthoguidelines.org/"));
    CU_ASSERT_PTR_NOT_NULL(strstr(pg.html, "@media print"));
    CU_ASSERT_PTR_NULL(strstr(pg.html, "src=")); /* nothing loaded */
    CU_ASSERT_PTR_NULL(strstr(pg.html, "@import"));
    CU_ASSERT_PTR_NULL(strstr(pg.html, "url("));
    free_scan(&s);
    free_page(&pg);

    /* Without SMAA, a patient or a date the page says so. */
    CU_ASSERT_EQUAL_FATAL(knee_compare(rs, p, r), KNEE_OK);
    pg = make_page(r, NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL(strstr(pg.html, "SMAA) was not run"));
    CU_ASSERT_PTR_NOT_NULL(strstr(pg.html, "were not passed to the report"));
    CU_ASSERT_PTR_NOT_NULL(strstr(pg.html, "<dt>Report date</dt><dd>not given</dd>"));
    CU_ASSERT_PTR_NULL(strstr(pg.html, "Figure 2."));
    free_page(&pg);

    knee_compare_options_free(co);
    knee_result_free(r);
    knee_patient_free(p);
    knee_ruleset_free(rs);
}

/* ---- hostile rule-file and patient texts -------------------------------------------------- */

static void test_hostile_text(void)
{
    knee_ruleset *rs = kt_load_data("report-hostile.xml");
    knee_patient *p = NULL;
    knee_result *r = NULL;
    page pg;
    scan s;
    size_t i;

    CU_ASSERT_EQUAL_FATAL(knee_patient_new(&p, rs), KNEE_OK);
    CU_ASSERT_EQUAL(
        knee_patient_set_string(p, "payer", "<img src=x onerror=alert(5)>\x01\x1b[31m\"&amp;'"),
        KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_number(p, "age", 50), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_result_new(&r), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_compare(rs, p, r), KNEE_OK);
    pg = make_page(r, p, "<b>today</b>");
    scan_page(&pg, &s);
    assert_clean(&pg, &s);
    /* the texts came through as text, exactly */
    CU_ASSERT_PTR_NOT_NULL_FATAL(s.h1);
    CU_ASSERT_STRING_EQUAL(s.h1, knee_ruleset_title(rs));
    CU_ASSERT_PTR_NULL(strstr(pg.html, "<img"));
    CU_ASSERT_PTR_NULL(strstr(pg.html, "<iframe"));
    CU_ASSERT_PTR_NULL(strstr(pg.html, "<svg onload"));
    CU_ASSERT_PTR_NULL(strstr(pg.html, "<b>"));
    CU_ASSERT_PTR_NULL(strstr(pg.html, "<style>body"));
    CU_ASSERT_PTR_NOT_NULL(
        strstr(pg.html, "&lt;img src=x onerror=alert(5)&gt;\xef\xbf\xbd\xef\xbf\xbd[31m"));
    CU_ASSERT_PTR_NOT_NULL(strstr(pg.html, "&lt;b&gt;today&lt;/b&gt;"));
    /* a javascript: URL is not a link; an https one with quotes stays inside its attribute */
    CU_ASSERT_PTR_NULL(strstr(pg.html, "href=\"javascript"));
    CU_ASSERT_PTR_NOT_NULL(strstr(
        pg.html, "href=\"https://example.org/a?b=1&amp;c=&quot;2&quot;&gt;&lt;script&gt;\""));
    for (i = 0; i < knee_ruleset_option_count(rs); i++)
        CU_ASSERT_EQUAL(count_heads(s.col_heads, s.n_cols, knee_ruleset_option_name(rs, i)), 1);
    for (i = 0; i < knee_ruleset_criterion_count(rs); i++)
        CU_ASSERT_EQUAL(count_heads(s.row_heads, s.n_rows, knee_ruleset_criterion_label(rs, i)), 1);
    /* sources: cited by a value, or in a description's words; never-cited ones are not listed;
     * ids are the file's, not shown */
    CU_ASSERT_PTR_NOT_NULL(
        strstr(pg.html, "&lt;script&gt;src&lt;/script&gt; (2020). No web address."));
    CU_ASSERT_PTR_NOT_NULL(strstr(pg.html, ">Cited in words only</a> (2022)."));
    CU_ASSERT_PTR_NULL(strstr(pg.html, "Never cited"));
    CU_ASSERT_PTR_NULL(strstr(pg.html, "Id: s"));
    free_scan(&s);
    free_page(&pg);
    knee_result_free(r);
    knee_patient_free(p);
    knee_ruleset_free(rs);
}

/* ---- bidi controls and right-to-left text ---------------------------------------------------- */

/* 1 if s holds U+202A-U+202E or U+2066-U+2069 (embeddings, overrides, isolates). */
static int has_bidi_override(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    for (; *p; p++)
        if (p[0] == 0xE2 && ((p[1] == 0x80 && p[2] >= 0xAA && p[2] <= 0xAE) ||
                             (p[1] == 0x81 && p[2] >= 0xA6 && p[2] <= 0xA9)))
            return 1;
    return 0;
}

/* Issue 13, item 18: an unterminated U+202E in a rule-file text reversed what followed it on the
 * page ("score 0.99" read as "99.0"). The page drops the embeddings, overrides and isolates
 * (they would act in attributes, the page title and the charts, where nothing can contain
 * them), and isolates every text that holds right-to-left letters in a <bdi>, so that it cannot
 * move the words and numbers around it; the JSON keeps every text exactly. */
static void test_bidi_text(void)
{
    knee_ruleset *rs = kt_load_data("report-bidi.xml");
    knee_patient *p = NULL;
    knee_result *r = NULL;
    char *json = NULL;
    const char *title, *svg;
    page pg;
    CU_ASSERT_EQUAL_FATAL(knee_patient_new(&p, rs), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_number(p, "age", 50), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_result_new(&r), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_compare(rs, p, r), KNEE_OK);
    pg = make_page(r, p, NULL);
    CU_ASSERT(!has_bidi_override(pg.html));
    /* each override became U+FFFD, in text and attributes alike */
    CU_ASSERT_PTR_NOT_NULL(strstr(pg.html, "Cell therapy \xEF\xBF\xBD(unproven)"));
    CU_ASSERT_PTR_NOT_NULL(strstr(pg.html, "Caution \xEF\xBF\xBDleft open"));
    CU_ASSERT_PTR_NOT_NULL(strstr(pg.html, "Reason \xEF\xBF\xBDreversed"));
    CU_ASSERT_PTR_NOT_NULL(strstr(pg.html, "title=\"Source 1: Source &#xFFFD;one\""));
    /* the Hebrew name is isolated: the score after it stays where it is */
    CU_ASSERT_PTR_NOT_NULL(strstr(pg.html,
                                  "<strong><bdi>\xD7\x98\xD7\x99\xD7\xA4\xD7\x95\xD7\x9C</bdi>"
                                  "</strong> (score 0.99 of 1)."));
    /* no <bdi> where none may go: the page title, the charts */
    title = strstr(pg.html, "<title>");
    CU_ASSERT_PTR_NOT_NULL_FATAL(title);
    CU_ASSERT(strstr(title, "<bdi") == NULL || strstr(title, "<bdi") > strstr(title, "</title>"));
    for (svg = strstr(pg.html, "<svg"); svg; svg = strstr(svg + 4, "<svg"))
        CU_ASSERT(strstr(svg, "<bdi") == NULL || strstr(svg, "<bdi") > strstr(svg, "</svg>"));
    /* the JSON is exact */
    CU_ASSERT_EQUAL(knee_result_to_json(r, &json, NULL), KNEE_OK);
    CU_ASSERT_PTR_NOT_NULL(json);
    CU_ASSERT(has_bidi_override(json) || strstr(json, "\\u202e") || strstr(json, "\\u202E"));
    knee_free(json);
    free_page(&pg);
    knee_result_free(r);
    knee_patient_free(p);
    knee_ruleset_free(rs);
}

/* ---- the same bytes in every locale --------------------------------------------------------- */

static void test_locale(void)
{
    knee_ruleset *rs = kt_load_data("mini.xml");
    knee_result *r = NULL;
    knee_compare_options *co = NULL;
    char *de = NULL, *c = NULL, libc[16];
    const char *loc;

    CU_ASSERT_EQUAL_FATAL(knee_result_new(&r), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_compare_options_new(&co), KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare_options_set_smaa(co, 300, 1, 0.2), KNEE_OK);
    CU_ASSERT_EQUAL(knee_compare_options_set_sensitivity(co, 1, 0.05), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_compare_ex(rs, NULL, co, r), KNEE_OK);
    loc = setlocale(LC_ALL, "de_DE.UTF-8");
    if (!loc) {
        fprintf(stderr, "\n  de_DE.UTF-8 locale missing: run scripts/install-deps.sh\n");
        CU_FAIL("de_DE.UTF-8 locale is not installed");
    } else {
        snprintf(libc, sizeof libc, "%.1f", 2.5);
        CU_ASSERT_STRING_EQUAL(libc, "2,5"); /* the locale is in effect */
        CU_ASSERT_EQUAL(knee_result_to_html(r, NULL, NULL, &de, NULL), KNEE_OK);
        setlocale(LC_ALL, "C");
        CU_ASSERT_EQUAL(knee_result_to_html(r, NULL, NULL, &c, NULL), KNEE_OK);
        CU_ASSERT_PTR_NOT_NULL_FATAL(de);
        CU_ASSERT_PTR_NOT_NULL_FATAL(c);
        CU_ASSERT_STRING_EQUAL(de, c);
        /* mini.xml's weights 1:1:2 are 25%, 25%, 50%; option A's score is 0.975 */
        CU_ASSERT_PTR_NOT_NULL(strstr(c, ">25%<"));
        CU_ASSERT_PTR_NOT_NULL(strstr(c, ">0.97 of 1<"));
        CU_ASSERT_PTR_NOT_NULL(strstr(c, "$1,000")); /* grouped, scale worst */
        CU_ASSERT_PTR_NOT_NULL(strstr(c, "Range $50\xe2\x80\x93$200"));
        CU_ASSERT_PTR_NOT_NULL(strstr(c, "Range 10\xe2\x80\x93"
                                         "90 days"));
    }
    setlocale(LC_ALL, "C");
    knee_free(de);
    knee_free(c);
    knee_compare_options_free(co);
    knee_result_free(r);
    knee_ruleset_free(rs);
}

/* ---- the API's edges ------------------------------------------------------------------------- */

static void test_api(void)
{
    knee_ruleset *rs = kt_load_data("mini.xml"), *other = kt_load_data("mini.xml");
    knee_patient *p = NULL, *q = NULL;
    knee_result *r = NULL, *empty = NULL;
    knee_report_options *o = NULL;
    char *out = (char *)1, *t = NULL;
    size_t len = 99;

    CU_ASSERT_EQUAL_FATAL(knee_patient_new(&p, rs), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_patient_new(&q, other), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_result_new(&r), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_result_new(&empty), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_compare(rs, p, r), KNEE_OK);

    CU_ASSERT_EQUAL(knee_result_to_html(r, NULL, NULL, NULL, NULL), KNEE_EINVAL);
    CU_ASSERT_EQUAL(knee_result_to_html(NULL, NULL, NULL, &out, &len), KNEE_EINVAL);
    CU_ASSERT_PTR_NULL(out);
    CU_ASSERT_EQUAL(len, 0);
    CU_ASSERT_EQUAL(knee_result_to_html(empty, NULL, NULL, &out, NULL),
                    KNEE_EINVAL);                                              /* not filled */
    CU_ASSERT_EQUAL(knee_result_to_html(r, q, NULL, &out, NULL), KNEE_EINVAL); /* another ruleset */
    CU_ASSERT_PTR_NULL(out);
    CU_ASSERT_EQUAL(knee_result_to_html(r, p, NULL, &out, NULL), KNEE_OK);
    knee_free(out);

    /* report options */
    CU_ASSERT_EQUAL(knee_report_options_new(NULL), KNEE_EINVAL);
    CU_ASSERT_EQUAL_FATAL(knee_report_options_new(&o), KNEE_OK);
    CU_ASSERT_EQUAL(knee_report_options_set_date(NULL, "2025-01-01"), KNEE_EINVAL);
    CU_ASSERT_EQUAL(knee_report_options_set_date(o, ""), KNEE_EINVAL);
    CU_ASSERT_EQUAL(knee_report_options_set_date(o, "2025-01-01\n"), KNEE_EINVAL);
    CU_ASSERT_EQUAL(knee_report_options_set_date(o, "0123456789012345678901234567890123456789"
                                                    "0123456789012345678901234"),
                    KNEE_EINVAL);
    CU_ASSERT_EQUAL(knee_report_options_set_date(o, "1 July 2025"), KNEE_OK);
    CU_ASSERT_EQUAL(knee_report_options_set_date(o, "2 July 2025"), KNEE_OK); /* replaces */
    CU_ASSERT_EQUAL(knee_result_to_html(r, NULL, o, &out, NULL), KNEE_OK);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "<dd>2 July 2025</dd>"));
    knee_free(out);
    CU_ASSERT_EQUAL(knee_report_options_set_date(o, NULL), KNEE_OK); /* clears */
    CU_ASSERT_EQUAL(knee_result_to_html(r, NULL, o, &out, NULL), KNEE_OK);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "<dd>not given</dd>"));
    knee_free(out);
    knee_report_options_free(o);
    knee_report_options_free(NULL);

    /* a patient's facts as text, in the form knee_patient_set_text reads */
    CU_ASSERT_EQUAL(knee_patient_fact_text(p, "age", NULL), KNEE_EINVAL);
    CU_ASSERT_EQUAL(knee_patient_fact_text(NULL, "age", &t), KNEE_EINVAL);
    CU_ASSERT_EQUAL(knee_patient_fact_text(p, NULL, &t), KNEE_EINVAL);
    CU_ASSERT_EQUAL(knee_patient_fact_text(p, "nope", &t), KNEE_EUNKNOWN);
    CU_ASSERT_PTR_NULL(t);
    CU_ASSERT_EQUAL(knee_patient_fact_text(p, "age", &t), KNEE_OK);
    CU_ASSERT_PTR_NULL(t); /* unknown */
    CU_ASSERT_EQUAL(knee_patient_set_number(p, "age", 72.5), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_number(p, "kl_grade", 3), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_bool(p, "diabetes", 1), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_string(p, "payer", "MCR-B"), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_text(p, "prior", "pt, steroid-3mo"), KNEE_OK);
    {
        static const char *const facts[][2] = {{"age", "72.5"},
                                               {"kl_grade", "3"},
                                               {"diabetes", "yes"},
                                               {"payer", "MCR-B"},
                                               {"prior", "pt, steroid-3mo"}};
        size_t k;
        for (k = 0; k < sizeof facts / sizeof facts[0]; k++) {
            CU_ASSERT_EQUAL(knee_patient_fact_text(p, facts[k][0], &t), KNEE_OK);
            CU_ASSERT_PTR_NOT_NULL_FATAL(t);
            CU_ASSERT_STRING_EQUAL(t, facts[k][1]);
            /* it reads back as the same value */
            CU_ASSERT_EQUAL(knee_patient_set_text(q, facts[k][0], t), KNEE_OK);
            knee_free(t);
            CU_ASSERT_EQUAL(knee_patient_fact_text(q, facts[k][0], &t), KNEE_OK);
            CU_ASSERT_STRING_EQUAL(t, facts[k][1]);
            knee_free(t);
        }
    }
    CU_ASSERT_EQUAL(knee_patient_set_bool(p, "diabetes", 0), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_fact_text(p, "diabetes", &t), KNEE_OK);
    CU_ASSERT_STRING_EQUAL(t, "no");
    knee_free(t);
    CU_ASSERT_EQUAL(knee_patient_set_text(p, "prior", ","), KNEE_OK); /* known, empty */
    CU_ASSERT_EQUAL(knee_patient_fact_text(p, "prior", &t), KNEE_OK);
    CU_ASSERT_STRING_EQUAL(t, "");
    knee_free(t);

    knee_result_free(empty);
    knee_result_free(r);
    knee_patient_free(q);
    knee_patient_free(p);
    knee_ruleset_free(other);
    knee_ruleset_free(rs);
}

/* Every option excluded: the page still has every section and says so. */
static const char NONE_LEFT[] =
    "<ruleset xmlns='urn:libknee:rules:1' id='none' version='1.0.0' status='draft'"
    " title='None left' evidence-as-of='2025-01-01'>"
    "<sources><source id='s' title='S' year='2020' url='https://example.org/s'/></sources>"
    "<facts><fact id='age' type='number'/></facts>"
    "<criteria><criterion id='c' label='Days' direction='minimize' unit='days' weight='1'>"
    "<scale worst='10' best='0'/></criterion></criteria>"
    "<treatment id='a' name='Only A'><value criterion='c' typical='1' source='s'/>"
    "<rule id='never' source='s'><exclude reason='Never for anyone'/></rule></treatment>"
    "</ruleset>";

static void test_all_excluded(void)
{
    knee_ruleset *rs = NULL;
    knee_diag *d = NULL;
    knee_result *r = NULL;
    page pg;
    scan s;
    if (knee_ruleset_load_memory(&rs, NONE_LEFT, sizeof NONE_LEFT - 1, "none.xml", NULL, &d) !=
        KNEE_OK)
        kt_dump(d);
    knee_diag_free(d);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rs);
    CU_ASSERT_EQUAL_FATAL(knee_result_new(&r), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_compare(rs, NULL, r), KNEE_OK);
    pg = make_page(r, NULL, NULL);
    scan_page(&pg, &s);
    CU_ASSERT_EQUAL(s.bad_elements, 0);
    CU_ASSERT_EQUAL(s.grids, 1);
    CU_ASSERT_EQUAL(count_heads(s.col_heads, s.n_cols, "Only A"), 1);
    CU_ASSERT_EQUAL(s.svgs, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(pg.html, "Every option is excluded for this patient"));
    CU_ASSERT_PTR_NOT_NULL(strstr(pg.html, "Never for anyone"));
    free_scan(&s);
    free_page(&pg);
    knee_result_free(r);
    knee_ruleset_free(rs);
}

/* ---- the patient's page -------------------------------------------------------------------- */

/* Our own words on the patient's page: its prose, every text outside the style, the title,
 * tables (their cells are short answers, not sentences), citations, the list of sources and
 * the line saying what the page was made from (titles and dates), and elements of class "rf"
 * (texts from the rule file), each block (paragraph, heading, item) ending a sentence, as a
 * reader takes it. */
static void our_words(xmlNodePtr n, char *buf, size_t size, size_t *len)
{
    for (; n; n = n->next) {
        const char *name = (const char *)n->name;
        if (n->type == XML_TEXT_NODE) {
            const char *t = (const char *)n->content;
            size_t k = strlen(t);
            if (*len + k + 1 < size) {
                memcpy(buf + *len, t, k);
                *len += k;
                buf[*len] = '\0';
            }
            continue;
        }
        if (n->type != XML_ELEMENT_NODE || strcmp(name, "style") == 0 ||
            strcmp(name, "title") == 0 || strcmp(name, "table") == 0 || has_class(n, "rf") ||
            has_class(n, "cite") || has_class(n, "sources") || has_class(n, "made"))
            continue;
        our_words(n->children, buf, size, len);
        if ((strcmp(name, "p") == 0 || strcmp(name, "li") == 0 || strcmp(name, "th") == 0 ||
             strcmp(name, "td") == 0 || strcmp(name, "h1") == 0 || strcmp(name, "h2") == 0 ||
             strcmp(name, "h3") == 0 || strcmp(name, "caption") == 0) &&
            *len + 3 < size) {
            size_t e = *len;
            while (e > 0 && (buf[e - 1] == ' ' || buf[e - 1] == '\n'))
                e--;
            *len = e;
            if (e > 0 && !strchr(".?!:", buf[e - 1]))
                buf[(*len)++] = '.';
            buf[(*len)++] = ' ';
            buf[*len] = '\0';
        }
    }
}

/* 1 if text has word (any case) between non-letters. */
static int has_word(const char *text, const char *word)
{
    const char *at = text;
    size_t n = strlen(word);
    while ((at = strcasestr(at, word)) != NULL) {
        int before = at > text && ((at[-1] | 0x20) >= 'a' && (at[-1] | 0x20) <= 'z');
        int after = (at[n] | 0x20) >= 'a' && (at[n] | 0x20) <= 'z';
        if (!before && !after)
            return 1;
        at += n;
    }
    return 0;
}

static page make_patient_page(const knee_result *r, const char *const *asked, size_t n_asked)
{
    page pg = {NULL, NULL, 0};
    knee_report_options *o = NULL;
    size_t k;
    CU_ASSERT_EQUAL_FATAL(knee_report_options_new(&o), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_report_options_set_audience(o, KNEE_AUDIENCE_PATIENT), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_report_options_set_date(o, "2025-07-01"), KNEE_OK);
    for (k = 0; k < n_asked; k++)
        CU_ASSERT_EQUAL_FATAL(knee_report_options_add_option(o, asked[k]), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_result_to_html(r, NULL, o, &pg.html, &pg.len), KNEE_OK);
    knee_report_options_free(o);
    pg.doc = xmlReadMemory(pg.html, (int)pg.len, "patient.html", NULL,
                           XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    CU_ASSERT_PTR_NOT_NULL_FATAL(pg.doc);
    return pg;
}

/* Options (column headers) of the patient page's table, in order, into heads. */
static size_t patient_columns(const char *html, char heads[][128], size_t max)
{
    const char *at = html, *mark = "<th scope=\"col\"><span class=\"rf\">";
    size_t n = 0;
    while (n < max && (at = strstr(at, mark)) != NULL) {
        const char *e;
        at += strlen(mark);
        e = strchr(at, '<');
        snprintf(heads[n++], 128, "%.*s", (int)(e - at), at);
    }
    return n;
}

static void test_patient_page(void)
{
    knee_ruleset *rs = NULL;
    knee_patient *p = NULL;
    knee_result *r = NULL, *clin = NULL;
    knee_report_options *o = NULL;
    static char words[200000];
    char heads[8][128], *out = NULL;
    static const char *const asked[] = {"tka", "prp"};
    static const char *const INTERNAL[] = {
        "urn:libknee", "evidence-pack",           "evidence pack",       "knee-pack",
        "engineering", "low-quality clinic page", "No address recorded", NULL};
    knee__reading reading;
    size_t len = 0, n, k;
    double grade;
    page pg;
    scan s;

    CU_ASSERT_EQUAL_FATAL(knee_ruleset_load_default(&rs, NULL), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_patient_new(&p, rs), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_number(p, "age", 72), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_number(p, "kl_grade", 4), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_string(p, "payer", "medicare"), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_result_new(&r), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_compare(rs, p, r), KNEE_OK);

    pg = make_patient_page(r, NULL, 0);
    scan_page(&pg, &s);
    CU_ASSERT_EQUAL(s.bad_elements, 0);
    CU_ASSERT_EQUAL(s.event_attrs, 0);
    CU_ASSERT_EQUAL(s.bad_links, 0);
    CU_ASSERT_EQUAL(s.grids, 0); /* not the clinician's grid */
    /* the top four options as columns, the questions as rows */
    n = patient_columns(pg.html, heads, 8);
    CU_ASSERT_EQUAL(n, 4);
    for (k = 0; k < n && k < 4; k++)
        CU_ASSERT_STRING_EQUAL(heads[k], knee_result_option_name(r, k));
    CU_ASSERT_PTR_NOT_NULL(strstr(pg.html, ">What does it involve?</th>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(pg.html, ">How soon can I get back to normal?</th>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(pg.html, ">How much does it help, and for how long?</th>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(pg.html, ">What are the risks?</th>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(pg.html, ">How sure are we?</th>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(pg.html, ">What will it cost me, and will insurance pay?</th>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(pg.html, "Nobody has measured this")); /* unknown, in words */
    CU_ASSERT_PTR_NULL(strstr(pg.html, " of 1"));                        /* no scores */
    CU_ASSERT_PTR_NOT_NULL(strstr(pg.html, "Questions to ask your doctor"));
    CU_ASSERT_PTR_NOT_NULL(strstr(pg.html, "What matters to you"));
    CU_ASSERT_PTR_NOT_NULL(strstr(pg.html, "It does not replace your doctor's advice."));
    /* patient texts only: the clinician's descriptions are not on the page */
    CU_ASSERT_PTR_NOT_NULL(
        strstr(pg.html, knee_ruleset_option_description(rs, 1, KNEE_AUDIENCE_PATIENT)));
    CU_ASSERT_PTR_NULL(strstr(pg.html, "Structured therapeutic exercise"));
    for (k = 0; INTERNAL[k]; k++)
        CU_ASSERT_PTR_NULL(strcasestr(pg.html, INTERNAL[k]));
    CU_ASSERT(!has_word(pg.html, "pack"));
    /* our own words read at school grade 6 to 8 (Flesch-Kincaid, src/readability.c) */
    words[0] = '\0';
    our_words(xmlDocGetRootElement(pg.doc), words, sizeof words, &len);
    grade = knee__reading_grade(words, &reading);
    if (getenv("KNEE_SHOW_WORDS"))
        printf("\n%s\n", words);
    printf("\n    patient page, our words: %zu words, %zu sentences, grade %.1f\n", reading.words,
           reading.sentences, grade);
    /* At most grade 8: the top of the 6-8 band asked of patient materials (a lower grade is
     * easier still; short plain sentences measure near grade 2-3 by this formula). */
    CU_ASSERT(reading.words > 200);
    CU_ASSERT(grade > 0 && grade <= 8.0);
    free_scan(&s);
    free_page(&pg);

    /* options asked for join the top three; an unknown one fails; at most five */
    pg = make_patient_page(r, asked, 2);
    n = patient_columns(pg.html, heads, 8);
    CU_ASSERT_EQUAL(n, 5);
    for (k = 0; k < n; k++)
        CU_ASSERT(k < 3 ? strcmp(heads[k], knee_result_option_name(r, k)) == 0
                        : strcmp(heads[k], "Total knee replacement") == 0 ||
                              strstr(heads[k], "PRP") != NULL);
    free_page(&pg);
    CU_ASSERT_EQUAL_FATAL(knee_report_options_new(&o), KNEE_OK);
    CU_ASSERT_EQUAL(knee_report_options_set_audience(o, 7), KNEE_EINVAL);
    CU_ASSERT_EQUAL(knee_report_options_set_audience(NULL, KNEE_AUDIENCE_PATIENT), KNEE_EINVAL);
    CU_ASSERT_EQUAL(knee_report_options_set_audience(o, KNEE_AUDIENCE_PATIENT), KNEE_OK);
    CU_ASSERT_EQUAL(knee_report_options_add_option(o, ""), KNEE_EINVAL);
    CU_ASSERT_EQUAL(knee_report_options_add_option(o, NULL), KNEE_EINVAL);
    CU_ASSERT_EQUAL(knee_report_options_add_option(o, "no-such-option"), KNEE_OK);
    CU_ASSERT_EQUAL(knee_result_to_html(r, NULL, o, &out, NULL), KNEE_EUNKNOWN);
    CU_ASSERT_PTR_NULL(out);
    knee_report_options_free(o);
    CU_ASSERT_EQUAL_FATAL(knee_report_options_new(&o), KNEE_OK);
    CU_ASSERT_EQUAL(knee_report_options_add_option(o, "pt"), KNEE_OK);
    CU_ASSERT_EQUAL(knee_report_options_add_option(o, "pt"), KNEE_OK); /* counts once */
    CU_ASSERT_EQUAL(knee_report_options_add_option(o, "tka"), KNEE_OK);
    CU_ASSERT_EQUAL(knee_report_options_add_option(o, "prp"), KNEE_OK);
    CU_ASSERT_EQUAL(knee_report_options_add_option(o, "gae"), KNEE_OK);
    CU_ASSERT_EQUAL(knee_report_options_add_option(o, "hto"), KNEE_OK);
    CU_ASSERT_EQUAL(knee_report_options_add_option(o, "uka"), KNEE_ERANGE);
    /* the clinician's page is still the default, with every option */
    CU_ASSERT_EQUAL(knee_result_to_html(r, NULL, o, &out, NULL), KNEE_OK);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "class=\"grid"));
    knee_free(out);
    knee_report_options_free(o);

    /* the clinician's page: citations, not the file's internal notes and ids */
    CU_ASSERT_EQUAL_FATAL(knee_result_new(&clin), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_compare(rs, p, clin), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_result_to_html(clin, p, NULL, &out, NULL), KNEE_OK);
    for (k = 0; INTERNAL[k]; k++)
        CU_ASSERT_PTR_NULL(strcasestr(out, INTERNAL[k]));
    CU_ASSERT(!has_word(out, "pack")); /* "17 monthly packs" is a medicine's, and fine */
    CU_ASSERT_PTR_NULL(strstr(out, "[fransen-15"));   /* a bracketed id became a number */
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "<details>")); /* the detail folds away */
    /* a rate as text with its citation (issue 16) */
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "Rate: 10 in 100 people who took it had a serious side "
                                       "effect over 68 weeks (8 in 100 with a dummy shot) <a "
                                       "class=\"cite\""));
    knee_free(out);
    knee_result_free(clin);
    knee_result_free(r);
    knee_patient_free(p);
    knee_ruleset_free(rs);
}

/* Issue 16: each rate the rule file gives for a shown value is an icon array on the patient's
 * page: count filled squares and per - count outlined ones, named by the sentence beside it
 * ("About 60 in 100 ..."). */
typedef struct icons {
    size_t n;
    int count[16], per[16], on[16], off[16];
    char label[16][64];
} icons;

static int count_rects(xmlNodePtr g)
{
    int k = 0;
    for (g = g->children; g; g = g->next)
        k += g->type == XML_ELEMENT_NODE && strcmp((const char *)g->name, "rect") == 0;
    return k;
}

static void find_icons(xmlNodePtr n, icons *ic)
{
    char buf[64];
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (strcmp((const char *)n->name, "svg") == 0 && has_class(n, "icons") && ic->n < 16) {
            xmlNodePtr g;
            size_t i = ic->n++;
            CU_ASSERT_STRING_EQUAL(attr(n, "role", buf, sizeof buf), "img");
            snprintf(ic->label[i], sizeof ic->label[i], "%s",
                     attr(n, "aria-labelledby", buf, sizeof buf) ? buf : "");
            ic->count[i] = atoi(attr(n, "data-count", buf, sizeof buf) ? buf : "-1");
            ic->per[i] = atoi(attr(n, "data-per", buf, sizeof buf) ? buf : "-1");
            for (g = n->children; g; g = g->next)
                if (g->type == XML_ELEMENT_NODE && has_class(g, "on"))
                    ic->on[i] += count_rects(g);
                else if (g->type == XML_ELEMENT_NODE && has_class(g, "off"))
                    ic->off[i] += count_rects(g);
            continue;
        }
        find_icons(n->children, ic);
    }
}

static xmlNodePtr find_id(xmlNodePtr n, const char *id)
{
    char buf[64];
    xmlNodePtr hit;
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (attr(n, "id", buf, sizeof buf) && strcmp(buf, id) == 0)
            return n;
        if ((hit = find_id(n->children, id)) != NULL)
            return hit;
    }
    return NULL;
}

static void test_patient_rates(void)
{
    knee_ruleset *rs = NULL;
    knee_patient *p = NULL;
    knee_result *r = NULL;
    static const char *const asked[] = {"tka", "steroid-injection"};
    icons ic;
    size_t k, i, j, want = 0;
    page pg;
    CU_ASSERT_EQUAL_FATAL(knee_ruleset_load_default(&rs, NULL), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_patient_new(&p, rs), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_number(p, "age", 72), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_number(p, "kl_grade", 4), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_result_new(&r), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_compare(rs, p, r), KNEE_OK);
    pg = make_patient_page(r, asked, 2);
    memset(&ic, 0, sizeof ic);
    find_icons(xmlDocGetRootElement(pg.doc), &ic);
    /* one array per rate of the columns' values, in page order (row by row): check each */
    for (i = 0; i < knee_result_option_count(r); i++)
        for (j = 0; j < knee_result_criterion_count(r); j++)
            want += knee_result_value_rate(r, i, j, NULL, NULL, NULL, NULL) &&
                    (i < 3 || strcmp(knee_result_option_id(r, i), "tka") == 0 ||
                     strcmp(knee_result_option_id(r, i), "steroid-injection") == 0);
    CU_ASSERT(ic.n >= 3); /* topical NSAID's benefit, the steroid's and TKA's harms at least */
    CU_ASSERT_EQUAL(ic.n, want);
    for (k = 0; k < ic.n; k++) {
        xmlNodePtr words = find_id(xmlDocGetRootElement(pg.doc), ic.label[k]);
        char expect[64];
        xmlChar *text;
        CU_ASSERT(ic.per[k] == 10 || ic.per[k] == 100 || ic.per[k] == 1000);
        CU_ASSERT_EQUAL(ic.on[k], ic.count[k]);           /* filled: the rate */
        CU_ASSERT_EQUAL(ic.on[k] + ic.off[k], ic.per[k]); /* the rest outlined */
        CU_ASSERT_PTR_NOT_NULL_FATAL(words);
        text = xmlNodeGetContent(words);
        snprintf(expect, sizeof expect, "About %d in %s ", ic.count[k],
                 ic.per[k] == 1000  ? "1,000"
                 : ic.per[k] == 100 ? "100"
                                    : "10");
        CU_ASSERT_EQUAL(strncmp((const char *)text, expect, strlen(expect)), 0);
        xmlFree(text);
    }
    /* the steroid's "about 1 in 1,000 shots" and TKA's 16 in 1,000 are among them */
    CU_ASSERT_PTR_NOT_NULL(strstr(pg.html, "About 1 in 1,000 <span class=\"rf\">shots led to"));
    CU_ASSERT_PTR_NOT_NULL(strstr(pg.html, "About 16 in 1,000 <span class=\"rf\">people got an"));
    free_page(&pg);
    knee_result_free(r);
    knee_patient_free(p);
    knee_ruleset_free(rs);
}

/* Issue 16: an unknown that facts about the patient would decide is not "nobody has measured
 * this": in severe OA, how much weight loss helps turns on the patient's BMI, not given here. */
static void test_patient_unknown_for_you(void)
{
    knee_ruleset *rs = NULL;
    knee_patient *p = NULL;
    knee_result *r = NULL;
    static const char *const asked[] = {"weight-loss"};
    static const char *const SAYS =
        "Your doctor can tell you this once they know your <span class=\"rf\">body-mass "
        "index</span>.";
    page pg;
    const char *at;
    CU_ASSERT_EQUAL_FATAL(knee_ruleset_load_default(&rs, NULL), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_patient_new(&p, rs), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_number(p, "age", 72), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_number(p, "kl_grade", 4), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_result_new(&r), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_compare(rs, p, r), KNEE_OK);
    pg = make_patient_page(r, asked, 1);
    at = strstr(pg.html, SAYS);
    CU_ASSERT_PTR_NOT_NULL(at);
    /* the same value does not also say nobody measured it */
    if (at) {
        const char *start = at;
        while (start > pg.html && strncmp(start, "<p>", 3) != 0)
            start--;
        CU_ASSERT(strstr(start, "Nobody has measured") == NULL ||
                  strstr(start, "Nobody has measured") > at);
    }
    /* a value no fact decides still says so: weight loss's harms */
    CU_ASSERT_PTR_NOT_NULL(strstr(pg.html, "Nobody has measured this for this treatment yet."));
    free_page(&pg);
    /* with the BMI given, the rule decides and the sentence is gone */
    CU_ASSERT_EQUAL(knee_patient_set_number(p, "bmi", 33), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_compare(rs, p, r), KNEE_OK);
    pg = make_patient_page(r, asked, 1);
    CU_ASSERT_PTR_NULL(strstr(pg.html, SAYS));
    free_page(&pg);
    knee_result_free(r);
    knee_patient_free(p);
    knee_ruleset_free(rs);
}

/* ---- allocation failures --------------------------------------------------------------------- */

static void test_faults(void)
{
    knee_ruleset *rs = kt_load_data("mini.xml");
    knee_patient *p = NULL;
    knee_result *r = NULL;
    knee_report_options *o = NULL;
    char *out, *good = NULL;
    long n, made;
    int rc;

    CU_ASSERT_EQUAL_FATAL(knee_patient_new(&p, rs), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_text(p, "prior", "pt"), KNEE_OK);
    CU_ASSERT_EQUAL(knee_patient_set_string(p, "payer", "x\x01y"), KNEE_OK); /* a cleaned copy */
    CU_ASSERT_EQUAL_FATAL(knee_result_new(&r), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_compare(rs, p, r), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_result_to_html(r, p, NULL, &good, NULL), KNEE_OK);
    for (n = 0; n < 1000; n++) {
        out = (char *)1;
        knee__fault_inject(n);
        rc = knee_result_to_html(r, p, NULL, &out, NULL);
        made = knee__fault_inject(-1);
        if (made <= n) { /* the failing allocation was never reached: done */
            CU_ASSERT_EQUAL(rc, KNEE_OK);
            CU_ASSERT_STRING_EQUAL(out, good);
            knee_free(out);
            break;
        }
        CU_ASSERT_EQUAL(rc, KNEE_ENOMEM);
        CU_ASSERT_PTR_NULL(out);
    }
    CU_ASSERT(n > 3 && n < 1000);
    knee_free(good);
    good = NULL;
    CU_ASSERT_EQUAL_FATAL(knee_report_options_new(&o), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_report_options_set_audience(o, KNEE_AUDIENCE_PATIENT), KNEE_OK);
    CU_ASSERT_EQUAL_FATAL(knee_result_to_html(r, p, o, &good, NULL), KNEE_OK);
    for (n = 0; n < 1000; n++) { /* the patient's page */
        out = (char *)1;
        knee__fault_inject(n);
        rc = knee_result_to_html(r, p, o, &out, NULL);
        made = knee__fault_inject(-1);
        if (made <= n) {
            CU_ASSERT_EQUAL(rc, KNEE_OK);
            CU_ASSERT_STRING_EQUAL(out, good);
            knee_free(out);
            break;
        }
        CU_ASSERT_EQUAL(rc, KNEE_ENOMEM);
        CU_ASSERT_PTR_NULL(out);
    }
    CU_ASSERT(n > 2 && n < 1000);
    knee_report_options_free(o);
    o = NULL;
    for (n = 0; n < 100; n++) {
        knee__fault_inject(n);
        rc = knee_report_options_new(&o);
        if (rc == KNEE_OK)
            rc = knee_report_options_set_date(o, "2025-07-01");
        if (rc == KNEE_OK)
            rc = knee_report_options_add_option(o, "pt");
        made = knee__fault_inject(-1);
        knee_report_options_free(o);
        o = NULL;
        if (made <= n) {
            CU_ASSERT_EQUAL(rc, KNEE_OK);
            break;
        }
        CU_ASSERT_EQUAL(rc, KNEE_ENOMEM);
    }
    knee_free(good);
    knee_result_free(r);
    knee_patient_free(p);
    knee_ruleset_free(rs);
}

int main(void)
{
    CU_pSuite s;
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    s = CU_add_suite("report", NULL, NULL);
    CU_add_test(s, "default rules: every option and criterion, facts, analyses",
                test_default_rules);
    CU_add_test(s, "hostile rule-file and patient texts are shown as text", test_hostile_text);
    CU_add_test(s, "bidi controls dropped, right-to-left text isolated", test_bidi_text);
    CU_add_test(s, "the same bytes under a comma-decimal locale", test_locale);
    CU_add_test(s, "API edges, report options, facts as text", test_api);
    CU_add_test(s, "every option excluded", test_all_excluded);
    CU_add_test(s, "the patient's page: questions, plain words, reading grade, options asked",
                test_patient_page);
    CU_add_test(s, "the patient's page: an icon array for each rate, named by its words",
                test_patient_rates);
    CU_add_test(s, "the patient's page: an unknown the patient's facts decide, in words",
                test_patient_unknown_for_you);
    CU_add_test(s, "allocation failures", test_faults);
    return kt_run();
}
