/* icons.c - an icon array for a natural frequency ("about 8 in 100 people"): per small squares
 * in rows of 10 (50 for 1000), the first `count` filled, the others outlined, so it reads
 * without colour and in a black-and-white print. Inline SVG with role="img", named by the
 * sentence that says the same in words (aria-labelledby): the picture never stands alone. */
#include "report/report.h"

#define ICON 10 /* a square's side, in viewBox units */
#define STEP 13 /* from one square to the next: the side and a gap */

/* Squares from..to-1 in reading order: filled ("on") or outlined ("off"). */
static void squares(knee__html *h, int filled, int from, int to, int cols)
{
    int k;
    knee__html_start_class(h, "g", filled ? "on" : "off");
    knee__html_attr(h, "fill", filled ? "#1a1a1a" : "#fff");
    if (!filled) {
        knee__html_attr(h, "stroke", "#1a1a1a");
        knee__html_attr(h, "stroke-width", "1");
    }
    for (k = from; k < to; k++) {
        knee__html_start(h, "rect");
        knee__html_attrf(h, "x", "%d", k % cols * STEP + 1);
        knee__html_attrf(h, "y", "%d", k / cols * STEP + 1);
        knee__html_attrf(h, "width", "%d", ICON);
        knee__html_attrf(h, "height", "%d", ICON);
        knee__html_end_empty(h);
    }
    knee__html_end(h);
}

void knee__report_icon_array(knee__html *h, int count, int per, const char *labelled_by)
{
    int cols = per > 100 ? 50 : 10, rows = (per + cols - 1) / cols;
    if (count < 0 || count > per)
        return;
    knee__html_start_class(h, "svg", per > 100 ? "icons icons-wide" : "icons");
    knee__html_attr(h, "xmlns", "http://www.w3.org/2000/svg");
    knee__html_attrf(h, "viewBox", "0 0 %d %d", cols * STEP + 1, rows * STEP + 1);
    knee__html_attr(h, "role", "img");
    knee__html_attr(h, "aria-labelledby", labelled_by);
    knee__html_attrf(h, "data-count", "%d", count);
    knee__html_attrf(h, "data-per", "%d", per);
    squares(h, 1, 0, count, cols);
    squares(h, 0, count, per, cols);
    knee__html_end(h);
}
