/* parts.c - what the page (html.c) and its charts (svg.c) both show: a criterion's label, the
 * count of ranked options, a rank with its tie mark, a score with its range, and a table that
 * scrolls sideways on a narrow screen. */
#include <stdio.h>
#include <string.h>

#include "report/report.h"

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
    knee__html_end(h);   /* table */
    knee__html_end(h);   /* div */
}
