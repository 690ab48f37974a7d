/* report.h - what the files of the decision-aid report share (docs/report.md):
 *   writer.c   markup through libxml2's text writer, so every text is escaped
 *   parts.c    labels, ranks, scores and scrolling tables that the page and the charts show
 *   svg.c      the charts (inline SVG) and their data tables
 *   html.c     the page: its sections, in order, and knee_result_to_html()
 *   style.c    the style sheet
 *   patient.c  the patient's page (knee_report_options_set_audience)
 *   options.c  knee_report_options
 * Numbers and quantities in words come from util/quantity.h. Only writer.c includes libxml2;
 * the others see an opaque writer. Calls go one way: html.c -> patient.c, svg.c -> parts.c ->
 * writer.c. */
#ifndef KNEE_REPORT_H
#define KNEE_REPORT_H

#include <stddef.h>

#include "knee.h"
#include "engine/result.h"
#include "util/quantity.h"

struct knee_report_options {
    char *date;                           /* shown as the report's date; NULL: "not given" */
    int audience;                         /* KNEE_AUDIENCE_*: which page */
    char *asked[KNEE_REPORT_MAX_OPTIONS]; /* option ids asked for on the patient page */
    size_t n_asked;
};

/* ---- the writer (writer.c) ----------------------------------------------------------
 * Calls after a failure do nothing, so callers check once, at knee__html_finish(). Every text
 * and attribute value is escaped by libxml2; control characters, bidi embeddings, overrides and
 * isolates, and invalid UTF-8 are replaced by U+FFFD first, so the output is always well-formed
 * and no text reverses another. A text with right-to-left letters is written inside a <bdi>
 * (except in the head and in charts, where none may go). */
typedef struct knee__html knee__html;

/* A writer into memory; NULL when out of memory. */
knee__html *knee__html_new(void);
/* Free a writer that was not finished (after an error). Accepts NULL. */
void knee__html_free(knee__html *h);
/* Text written as it is: only for the doctype and the constant style sheet. */
void knee__html_raw(knee__html *h, const char *s);
/* An element's start tag; its attributes follow; end it with knee__html_end(). */
void knee__html_start(knee__html *h, const char *element);
/* Start an element with a class attribute (cls may be NULL). */
void knee__html_start_class(knee__html *h, const char *element, const char *cls);
void knee__html_attr(knee__html *h, const char *name, const char *value);
/* An attribute from a printf format: only for numbers and ids the caller built. */
void knee__html_attrf(knee__html *h, const char *name, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
void knee__html_text(knee__html *h, const char *s);
/* The first n bytes of s as text. */
void knee__html_text_n(knee__html *h, const char *s, size_t n);
void knee__html_textf(knee__html *h, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* End the innermost element with an end tag (never "<x/>": HTML reads that as a start tag). */
void knee__html_end(knee__html *h);
/* End a void element (meta) or an SVG shape: "<meta .../>". */
void knee__html_end_empty(knee__html *h);
/* A whole element holding text: <element class="cls">text</element>. */
void knee__html_elem(knee__html *h, const char *element, const char *cls, const char *text);
/* A line break in the markup (between blocks, for people reading the source). */
void knee__html_newline(knee__html *h);
/* Close what is open and hand over the text (caller frees with knee_free). KNEE_ENOMEM if any
 * call failed. Frees the writer in every case. */
int knee__html_finish(knee__html *h, char **out, size_t *len);

/* ---- the charts (svg.c) ---------------------------------------------------------------------- */

/* Number of fills (colour + mark) the charts cycle through. */
#define KNEE__REPORT_FILLS 8
/* The ranked bar chart of weighted-sum scores split into criterion contributions, with its
 * data table. */
void knee__report_chart_scores(knee__html *h, const knee_result *r);
/* The SMAA-2 rank-acceptability chart with its data table (only when SMAA ran). */
void knee__report_chart_smaa(knee__html *h, const knee_result *r);

/* ---- what the page and the charts share (parts.c) -------------------------------------------- */

/* The criterion's label (its id when it has none). */
const char *knee__report_criterion_label(const knee_result *r, size_t j);
/* Number of options that are ranked (not excluded). */
size_t knee__report_ranked_count(const knee_result *r);
/* Option i's rank as shown: "3", or "1=" when it shares the rank (a tie). */
char *knee__report_rank(char *buf, size_t size, const knee_result *r, size_t i);
/* Option i's score with `decimals` decimals and, where unknown values give it a range that
 * shows at that precision (at most two decimals, so tables fit a printed page), the range:
 * "0.80 (0.60–1.00)". */
char *knee__report_score(char *buf, size_t size, const knee_result *r, size_t i, int decimals);
/* The doctype and the head: meta, the title and the constant style sheet (raw). */
void knee__report_head(knee__html *h, const char *title, const char *css);
/* A section named by its h2: <section id="id" aria-labelledby="id-title"><h2 ...>title</h2>;
 * end it with knee__html_end(). */
void knee__report_section_start(knee__html *h, const char *id, const char *title);
/* Text with a paragraph (class cls, may be NULL) at each line break; blank lines dropped. */
void knee__report_paragraphs(knee__html *h, const char *text, const char *cls);
/* 1 for an http:// or https:// address: the only ones that become links. */
int knee__report_is_web_url(const char *url);
/* 1 if text (a pointer into rs) was written for patients, as a <patient> element. */
int knee__report_is_patient_text(const knee_ruleset *rs, const char *text);
/* An icon array for count in per (10, 100 or 1000; icons.c): inline SVG, role="img", named by
 * the element whose id is labelled_by (the same in words). Nothing for a count outside 0..per. */
void knee__report_icon_array(knee__html *h, int count, int per, const char *labelled_by);
/* The patient's page (patient.c); KNEE_EUNKNOWN for an option asked for that the rule
 * file does not have. */
int knee__report_patient(const knee_result *r, const knee_patient *p, const knee_report_options *o,
                         char **out, size_t *len);
/* A table in a region that scrolls sideways when the table is wider than the screen (named by
 * the caption, focusable for keyboard scrolling); end it with knee__report_table_end(). */
void knee__report_table_start(knee__html *h, const char *cls, const char *caption_id,
                              const char *caption);
void knee__report_table_end(knee__html *h);

/* ---- the style sheet (style.c) --------------------------------------------------------------- */

/* Constant text, written raw into the page's head (no '<' or '&' in it). */
extern const char knee__report_css[];

#endif
