/* grid.c - text laid out in aligned columns, wrapped at spaces to fit a line width. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

#define GAP 2 /* spaces between columns */

typedef struct note {
    size_t col;
    char *text;
} note;

typedef struct row {
    char **cells;
    note *notes;
    size_t n_notes;
} row;

struct cli_grid {
    size_t ncols;
    char **headers; /* NULL: no header row */
    int *align;
    unsigned char *wrap_first;
    row *rows;
    size_t n_rows, cap_rows;
};

static char *dup_text(const char *s)
{
    size_t n = strlen(s ? s : "");
    char *d = malloc(n + 1);
    if (d)
        memcpy(d, s ? s : "", n + 1);
    return d;
}

static void free_cells(char **cells, size_t n)
{
    size_t i;
    if (!cells)
        return;
    for (i = 0; i < n; i++)
        free(cells[i]);
    free(cells);
}

static char **copy_cells(const char *const *src, size_t n)
{
    char **cells = calloc(n ? n : 1, sizeof *cells);
    size_t i;
    if (!cells)
        return NULL;
    for (i = 0; i < n; i++) {
        cells[i] = dup_text(src[i]);
        if (!cells[i]) {
            free_cells(cells, n);
            return NULL;
        }
    }
    return cells;
}

cli_grid *cli_grid_new(size_t ncols, const char *const *headers)
{
    cli_grid *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    g->ncols = ncols;
    g->align = calloc(ncols ? ncols : 1, sizeof *g->align);
    g->wrap_first = calloc(ncols ? ncols : 1, 1);
    if (!g->align || !g->wrap_first || (headers && !(g->headers = copy_cells(headers, ncols)))) {
        cli_grid_free(g);
        return NULL;
    }
    return g;
}

void cli_grid_free(cli_grid *g)
{
    size_t r, k;
    if (!g)
        return;
    for (r = 0; r < g->n_rows; r++) {
        free_cells(g->rows[r].cells, g->ncols);
        for (k = 0; k < g->rows[r].n_notes; k++)
            free(g->rows[r].notes[k].text);
        free(g->rows[r].notes);
    }
    free(g->rows);
    free_cells(g->headers, g->ncols);
    free(g->align);
    free(g->wrap_first);
    free(g);
}

void cli_grid_align(cli_grid *g, size_t col, int align)
{
    if (g && col < g->ncols)
        g->align[col] = align;
}

void cli_grid_wrap_first(cli_grid *g, size_t col)
{
    if (g && col < g->ncols)
        g->wrap_first[col] = 1;
}

int cli_grid_add_row(cli_grid *g, const char *const *cells)
{
    row *r;
    if (knee__grow((void **)&g->rows, &g->cap_rows, g->n_rows + 1, sizeof *g->rows) != 0)
        return -1;
    r = &g->rows[g->n_rows];
    memset(r, 0, sizeof *r);
    r->cells = copy_cells(cells, g->ncols);
    if (!r->cells)
        return -1;
    g->n_rows++;
    return 0;
}

int cli_grid_add_note(cli_grid *g, size_t col, const char *text)
{
    row *r;
    note *notes;
    char *t;
    if (g->n_rows == 0 || col >= g->ncols)
        return -1;
    r = &g->rows[g->n_rows - 1];
    t = dup_text(text);
    notes = t ? realloc(r->notes, (r->n_notes + 1) * sizeof *notes) : NULL;
    if (!notes) {
        free(t);
        return -1;
    }
    r->notes = notes;
    r->notes[r->n_notes].col = col;
    r->notes[r->n_notes].text = t;
    r->n_notes++;
    return 0;
}

/* XML text may carry tabs and line breaks; the layout treats them as spaces. */
static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Write len bytes of text with tabs and line breaks as spaces, and without bidi controls. */
static void put_text(FILE *out, const char *s, size_t len)
{
    size_t i, n;
    for (i = 0; i < len; i++) {
        if ((n = cli_bidi_control(s + i)) > 0)
            i += n - 1;
        else
            fputc(is_space(s[i]) ? ' ' : s[i], out);
    }
}

static int is_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* The end of the piece of text starting at q (not a space): the next space or, in a table cell
 * (hyphens set), just after a hyphen inside a word ("covered-with-criteria" may wrap as
 * "covered-with-" / "criteria"); a leading minus sign never breaks. Prose keeps ids such as
 * "src-b" whole. */
static const char *piece_end(const char *q, int hyphens)
{
    const char *e = q;
    while (*e && !is_space(*e)) {
        if (hyphens && *e == '-' && e > q && is_alnum(e[-1]) && is_alnum(e[1]))
            return e + 1;
        e++;
    }
    return e;
}

/* The next line of *s wrapped to width, broken at spaces or after inner hyphens; a piece
 * longer than the width goes on a line of its own. Returns 0 when nothing is left. */
static int wrap_next(const char **s, size_t width, int hyphens, const char **line, size_t *len)
{
    const char *p = *s, *end;
    size_t w = 0;

    while (is_space(*p))
        p++;
    if (!*p) {
        *s = p;
        return 0;
    }
    *line = p;
    end = p;
    while (*end) {
        const char *q = end, *pe;
        size_t gap, ww;
        while (is_space(*q))
            q++;
        if (!*q)
            break; /* only trailing spaces left */
        gap = (size_t)(q - end);
        pe = piece_end(q, hyphens);
        ww = cli_text_width(q, (size_t)(pe - q));
        if (end != p && w + gap + ww > width)
            break;
        w += (end != p ? gap : 0) + ww;
        end = pe;
    }
    *len = (size_t)(end - p);
    *s = end;
    return 1;
}

static void spaces(FILE *out, size_t n)
{
    while (n--)
        fputc(' ', out);
}

void cli_print_wrapped(FILE *out, const char *first_prefix, size_t indent, const char *text,
                       size_t width)
{
    const char *s = text, *line;
    size_t len, prefix_w, first = 1;

    prefix_w = first_prefix ? cli_text_width(first_prefix, strlen(first_prefix)) : indent;
    for (;;) {
        size_t avail, used = first ? prefix_w : indent;
        avail = width > used + 10 ? width - used : 10;
        if (!wrap_next(&s, avail, 0, &line, &len))
            break;
        if (first && first_prefix)
            fputs(first_prefix, out);
        else
            spaces(out, used);
        put_text(out, line, len);
        fputc('\n', out);
        first = 0;
    }
    if (first) { /* empty text: still print the prefix line */
        if (first_prefix)
            fputs(first_prefix, out);
        fputc('\n', out);
    }
}

/* Lines the cell text takes at a width. */
static size_t cell_lines(const char *s, size_t width)
{
    const char *line;
    size_t len, n = 0;
    while (wrap_next(&s, width, 1, &line, &len))
        n++;
    return n ? n : 1;
}

/* Lines the whole grid takes (header and rows, not notes) with these column widths. */
static size_t table_height(const cli_grid *g, const size_t *width)
{
    size_t r, c, total = 0;
    for (r = 0; r <= g->n_rows; r++) {
        char *const *cells = r < g->n_rows ? g->rows[r].cells : g->headers;
        size_t h = 0;
        if (!cells)
            continue;
        for (c = 0; c < g->ncols; c++) {
            size_t n = cell_lines(cells[c], width[c]);
            if (n > h)
                h = n;
        }
        total += h;
    }
    return total;
}

/* Width of the widest unbreakable piece and of the whole text. */
static void measure(const char *s, size_t *widest_piece, size_t *whole)
{
    const char *p = s;
    *whole = cli_text_width(s, strlen(s));
    *widest_piece = 0;
    while (*p) {
        const char *q;
        size_t w;
        while (is_space(*p))
            p++;
        if (!*p)
            break;
        q = piece_end(p, 1);
        w = cli_text_width(p, (size_t)(q - p));
        if (w > *widest_piece)
            *widest_piece = w;
        p = q;
    }
}

static void print_cells(const cli_grid *g, char *const *cells, const size_t *width, FILE *out,
                        size_t indent)
{
    const char *cursor[64];
    const char **cur = g->ncols <= 64 ? cursor : malloc(g->ncols * sizeof *cur);
    size_t c;
    int more = 1;

    if (!cur)
        return;
    for (c = 0; c < g->ncols; c++)
        cur[c] = cells[c];
    while (more) {
        size_t pending = 0; /* spaces owed before the next text, so lines end without any */
        int printed = 0;
        more = 0;
        for (c = 0; c < g->ncols; c++) {
            const char *line = NULL;
            size_t len = 0, w = 0;
            if (wrap_next(&cur[c], width[c], 1, &line, &len)) {
                w = cli_text_width(line, len);
                if (!printed) {
                    spaces(out, indent);
                    printed = 1;
                }
                if (g->align[c] == CLI_ALIGN_RIGHT && width[c] > w)
                    pending += width[c] - w;
                spaces(out, pending);
                put_text(out, line, len);
                pending = 0;
                if (g->align[c] != CLI_ALIGN_RIGHT && width[c] > w)
                    pending += width[c] - w;
            } else {
                pending += width[c];
            }
            if (c + 1 < g->ncols)
                pending += GAP;
            while (is_space(*cur[c]))
                cur[c]++;
            if (*cur[c])
                more = 1;
        }
        if (printed)
            fputc('\n', out);
    }
    if (cur != cursor)
        free(cur);
}

/* Column widths (width[], g->ncols of them) for lines of at most max_width: each column as wide
 * as its widest cell, then narrowed where needed. Returns 1 when the lines fit, 0 when even
 * every column at its widest word is too wide (the widths are then those minimums). */
static int lay_out(const cli_grid *g, size_t indent, size_t max_width, size_t *width, size_t *minw)
{
    size_t total, c, r;

    for (c = 0; c < g->ncols; c++) {
        width[c] = minw[c] = 0;
        for (r = 0; r <= g->n_rows; r++) {
            const char *text = r < g->n_rows ? g->rows[r].cells[c]
                               : g->headers  ? g->headers[c]
                                             : "";
            size_t word, whole;
            measure(text, &word, &whole);
            if (whole > width[c])
                width[c] = whole;
            if (word > minw[c])
                minw[c] = word;
        }
    }
    /* Narrow one column a character at a time until the lines fit, never below a column's
     * widest word. Each step takes the column whose narrowing adds the fewest lines to the
     * table (a cell in a row already made tall by another wraps for free); on a tie, a column
     * marked wrap-first (long names read well wrapped, "90 days (42–365)" does not), then the
     * widest. */
    for (;;) {
        size_t best = g->ncols, best_cost = 0, height;
        total = indent;
        for (c = 0; c < g->ncols; c++)
            total += width[c] + (c + 1 < g->ncols ? GAP : 0);
        if (total <= max_width)
            return 1;
        height = table_height(g, width);
        for (c = 0; c < g->ncols; c++) {
            size_t cost;
            if (width[c] <= minw[c])
                continue;
            width[c]--;
            cost = table_height(g, width) - height;
            width[c]++;
            if (best == g->ncols || cost < best_cost ||
                (cost == best_cost && g->wrap_first[c] > g->wrap_first[best]) ||
                (cost == best_cost && g->wrap_first[c] == g->wrap_first[best] &&
                 width[c] > width[best])) {
                best = c;
                best_cost = cost;
            }
        }
        if (best == g->ncols)
            return 0;
        width[best]--;
    }
}

size_t cli_grid_height(const cli_grid *g, size_t indent, size_t max_width)
{
    size_t *width = calloc(g->ncols ? g->ncols : 1, sizeof *width);
    size_t *minw = calloc(g->ncols ? g->ncols : 1, sizeof *minw);
    size_t height = 0;

    if (width && minw && lay_out(g, indent, max_width, width, minw))
        height = table_height(g, width);
    free(width);
    free(minw);
    return height;
}

void cli_grid_print(const cli_grid *g, FILE *out, size_t indent, size_t max_width)
{
    size_t *width, *minw, c, r, k;

    width = calloc(g->ncols ? g->ncols : 1, sizeof *width);
    minw = calloc(g->ncols ? g->ncols : 1, sizeof *minw);
    if (!width || !minw)
        goto out;
    lay_out(g, indent, max_width, width, minw);

    if (g->headers) {
        print_cells(g, g->headers, width, out, indent);
        spaces(out, indent);
        for (c = 0; c < g->ncols; c++) {
            for (k = 0; k < width[c]; k++)
                fputc('-', out);
            if (c + 1 < g->ncols)
                spaces(out, GAP);
        }
        fputc('\n', out);
    }
    for (r = 0; r < g->n_rows; r++) {
        const row *rw = &g->rows[r];
        print_cells(g, rw->cells, width, out, indent);
        for (k = 0; k < rw->n_notes; k++) {
            size_t off = indent;
            for (c = 0; c < rw->notes[k].col; c++)
                off += width[c] + GAP;
            {
                char prefix[256];
                size_t n = off < sizeof prefix - 1 ? off : sizeof prefix - 1;
                memset(prefix, ' ', n);
                prefix[n] = '\0';
                /* continuation lines hang two spaces in, under the note's first word */
                cli_print_wrapped(out, prefix, n + 2, rw->notes[k].text, max_width);
            }
        }
    }
out:
    free(width);
    free(minw);
}
