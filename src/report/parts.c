/* parts.c - what the pages (html.c, patient.c) and the charts (svg.c) share: a criterion's label,
 * the count of ranked options, a rank with its tie mark, a score with its range, a table that
 * scrolls sideways on a narrow screen, the head, sections and paragraphs, and which texts are
 * web addresses and which were written for patients. */
#include <stdio.h>
#include <string.h>

#include "report/report.h"
#include "rules/model.h"

/* ---- labels, ranks and scores ---------------------------------------------------------------- */

const char *knee__report_criterion_label(const knee_result *r, size_t j)
{
    const knee__criterion *c = &r->rs->criteria[j];
    return c->label && *c->label ? c->label : c->id;
}

size_t knee__report_ranked_count(const knee_result *r)
{
    size_t i, n = 0;
    for (i = 0; i < knee_result_option_count(r); i++)
        n += !knee_result_option_excluded(r, i);
    return n;
}

char *knee__report_rank(char *buf, size_t size, const knee_result *r, size_t i)
{
    snprintf(buf, size, "%d%s", knee_result_option_rank(r, i),
             knee_result_option_tie_count(r, i) ? "=" : "");
    return buf;
}

char *knee__report_score(char *buf, size_t size, const knee_result *r, size_t i, int decimals)
{
    char s[KNEE__NUM_BUF], lo[KNEE__NUM_BUF], hi[KNEE__NUM_BUF];
    double l, h;
    knee__num_fixed(s, sizeof s, knee_result_option_score(r, i), decimals);
    if (decimals > 2)
        decimals = 2;
    if (knee_result_option_score_range(r, i, &l, &h) &&
        strcmp(knee__num_fixed(lo, sizeof lo, l, decimals),
               knee__num_fixed(hi, sizeof hi, h, decimals)) != 0)
        snprintf(buf, size, "%s (%s\xe2\x80\x93%s)", s, lo, hi);
    else
        snprintf(buf, size, "%s", s);
    return buf;
}

void knee__report_table_start(knee__html *h, const char *cls, const char *caption_id,
                              const char *caption)
{
    knee__html_start_class(h, "div", "scroll");
    knee__html_attr(h, "role", "region");
    knee__html_attr(h, "aria-labelledby", caption_id);
    knee__html_attr(h, "tabindex", "0");
    knee__html_start_class(h, "table", cls);
    knee__html_start(h, "caption");
    knee__html_attr(h, "id", caption_id);
    /* The caption is as wide as its table; this span keeps the words in view on a phone. */
    knee__html_elem(h, "span", "cap", caption);
    knee__html_end(h);
}

void knee__report_table_end(knee__html *h)
{
    knee__html_end(h); /* table */
    knee__html_end(h); /* div */
}

/* ---- the head, sections, paragraphs and texts ------------------------------------------------ */

int knee__report_is_web_url(const char *url)
{
    return url && (strncmp(url, "https://", 8) == 0 || strncmp(url, "http://", 7) == 0);
}

void knee__report_paragraphs(knee__html *h, const char *text, const char *cls)
{
    const char *s = text;
    if (!text)
        return;
    while (*s) {
        const char *e = strchr(s, '\n');
        size_t n = e ? (size_t)(e - s) : strlen(s), k;
        for (k = 0; k < n && (s[k] == ' ' || s[k] == '\t' || s[k] == '\r'); k++)
            ;
        if (k < n) { /* not a blank line */
            knee__html_start_class(h, "p", cls);
            knee__html_text_n(h, s, n);
            knee__html_end(h);
        }
        s += n + (e != NULL);
    }
}

void knee__report_section_start(knee__html *h, const char *id, const char *title)
{
    char hid[64];
    snprintf(hid, sizeof hid, "%s-title", id);
    knee__html_newline(h);
    knee__html_start(h, "section");
    knee__html_attr(h, "id", id);
    knee__html_attr(h, "aria-labelledby", hid);
    knee__html_start(h, "h2");
    knee__html_attr(h, "id", hid);
    knee__html_text(h, title);
    knee__html_end(h);
}

void knee__report_head(knee__html *h, const char *title, const char *css)
{
    knee__html_raw(h, "<!DOCTYPE html>\n");
    knee__html_start(h, "html");
    knee__html_attr(h, "lang", "en");
    knee__html_start(h, "head");
    knee__html_start(h, "meta");
    knee__html_attr(h, "charset", "utf-8");
    knee__html_end_empty(h);
    knee__html_start(h, "meta");
    knee__html_attr(h, "name", "viewport");
    knee__html_attr(h, "content", "width=device-width, initial-scale=1");
    knee__html_end_empty(h);
    knee__html_start(h, "meta");
    knee__html_attr(h, "name", "generator");
    knee__html_attrf(h, "content", "libknee %s", knee_version_string());
    knee__html_end_empty(h);
    knee__html_elem(h, "title", NULL, title);
    knee__html_start(h, "style");
    knee__html_raw(h, css);
    knee__html_end(h);
    knee__html_end(h); /* head */
    knee__html_newline(h);
}

int knee__report_is_patient_text(const knee_ruleset *rs, const char *text)
{
    const knee__patient_text *t;
    for (t = text ? rs->patient_texts : NULL; t; t = t->next)
        if (t->text == text)
            return 1;
    return 0;
}
