/* population_batch.c - `knee compare --patients`: score the rows of one chunk as one knee_batch,
 * the library's population engine, in a worker thread. The rows the batch cannot take as they
 * are (population.h) take the per-row path of population_row.c; the output is the same bytes
 * either way. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/population.h"

#define NONE ((size_t)-1)
#define CELL_TEXT 1 /* a text column: read by the fact's type, as a CSV cell is */
#define CELL_NUMBER 2

/* ---- setting up --------------------------------------------------------------------------- */

int pop_list_options(pop_shared *sh)
{
    size_t k, n = knee_ruleset_option_count(sh->rs);
    if (!(sh->tie_order = calloc(n + 1, sizeof *sh->tie_order)))
        return -1;
    for (k = 0; k < n; k++) /* the library's order for ties: a result's, whatever it is */
        sh->tie_order[knee_ruleset_option_tie_order(sh->rs, k)] = k;
    return 0;
}

int pop_worker_init(pop_worker *w)
{
    size_t rows = POP_CHUNK_ROWS, n_options = knee_ruleset_option_count(w->sh->rs) + 1;
    size_t n_facts = knee_ruleset_fact_count(w->sh->rs) + 1;

    w->slow = calloc(rows, 1);
    w->status = calloc(rows, sizeof *w->status);
    w->rank = calloc(rows * n_options, sizeof *w->rank);
    w->score = calloc(rows * n_options, sizeof *w->score);
    w->json_at = calloc(rows + 1, sizeof *w->json_at);
    w->values = calloc(rows, sizeof *w->values);
    w->order = calloc(n_options, sizeof *w->order);
    w->count = calloc(n_options + 1, sizeof *w->count);
    w->touched = calloc(n_facts, sizeof *w->touched);
    if (!w->slow || !w->status || !w->rank || !w->score || !w->json_at || !w->values || !w->order ||
        !w->count || !w->touched)
        return -1;
    if (w->sh->input_format != CLI_POP_JSONL)
        return 0;
    w->id_at = calloc(rows, sizeof *w->id_at);
    w->id_len = calloc(rows, sizeof *w->id_len);
    w->kind = calloc(n_facts, 1);
    w->cell_at = calloc(n_facts * rows, sizeof *w->cell_at);
    w->cell_num = calloc(n_facts * rows, sizeof *w->cell_num);
    w->used = calloc(n_facts, sizeof *w->used);
    return w->id_at && w->id_len && w->kind && w->cell_at && w->cell_num && w->used ? 0 : -1;
}

void pop_worker_release(pop_worker *w)
{
    knee_patient_free(w->p);
    knee_result_free(w->r);
    knee_compare_options_free(w->opts);
    free(w->slow);
    free(w->status);
    free(w->rank);
    free(w->score);
    knee_free(w->json);
    free(w->json_at);
    free(w->values);
    free(w->order);
    free(w->count);
    knee__sb_release(&w->text);
    free(w->id_at);
    free(w->id_len);
    free(w->kind);
    free(w->cell_at);
    free(w->cell_num);
    free(w->used);
    free(w->touched);
}

/* ---- CSV rows as columns ------------------------------------------------------------------ */

/* Every fact column's cells, as text (an empty cell is unknown). A row the reader found bad or
 * with the wrong number of fields is left to the per-row path, which says so. */
static int csv_columns(pop_worker *w, const pop_chunk *c, knee_batch *b)
{
    const pop_shared *sh = w->sh;
    size_t i, k;
    for (i = 0; i < c->n_rows; i++)
        w->slow[i] = c->rows[i].read_code || c->rows[i].n_fields != sh->n_columns;
    for (k = 0; k < sh->n_columns; k++) {
        if (!sh->column_fact[k])
            continue;
        for (i = 0; i < c->n_rows; i++) {
            const cli_csv_field *f = w->slow[i] ? NULL : &c->fields[c->rows[i].first_field + k];
            w->values[i] = f && f->len ? c->text + f->offset : NULL;
        }
        if (knee_batch_set_text(b, sh->column_fact[k], w->values, KNEE_BATCH_MARK_ROW) != KNEE_OK)
            return -1;
    }
    return 0;
}

/* ---- JSON lines rows as columns ----------------------------------------------------------- */

/* Row i's cell of fact, of a kind: the fact's column takes the kind of its first cell in the
 * chunk. NULL when the column is of the other kind (the row then takes the per-row path). */
static size_t *cell(pop_worker *w, size_t fact, size_t i, int kind, size_t n_rows)
{
    size_t r, at = fact * POP_CHUNK_ROWS;
    if (!w->kind[fact]) {
        w->kind[fact] = (unsigned char)kind;
        w->used[w->n_used++] = fact;
        for (r = 0; r < n_rows; r++) {
            w->cell_at[at + r] = NONE;
            w->cell_num[at + r] = NAN;
        }
    }
    return w->kind[fact] == kind ? &w->cell_at[at + i] : NULL;
}

/* A text cell: the text goes to w->text, with its NUL. 0, or -1 for the per-row path. */
static int text_cell(pop_worker *w, size_t fact, size_t i, size_t n_rows, const char *s)
{
    size_t *at = cell(w, fact, i, CELL_TEXT, n_rows);
    if (!at)
        return -1;
    *at = w->text.len;
    knee__sb_add(&w->text, s, strlen(s) + 1);
    return 0;
}

/* A set fact's list as its comma-separated text, when that text reads back as the same members
 * (strings, none empty, with a comma or blank edges); else -1 for the per-row path. */
static int list_cell(pop_worker *w, size_t fact, size_t i, size_t n_rows, const json_t *v)
{
    size_t k, *at = cell(w, fact, i, CELL_TEXT, n_rows);
    if (!at)
        return -1;
    for (k = 0; k < json_array_size(v); k++) {
        const char *m = json_string_value(json_array_get(v, k));
        size_t n = m ? strlen(m) : 0;
        if (!n || strchr(m, ',') || strchr(" \t\r\n", m[0]) || strchr(" \t\r\n", m[n - 1]))
            return -1;
    }
    *at = w->text.len;
    for (k = 0; k < json_array_size(v); k++) {
        const char *m = json_string_value(json_array_get(v, k));
        if (k)
            knee__sb_add(&w->text, ",", 1);
        knee__sb_add(&w->text, m, strlen(m));
    }
    knee__sb_add(&w->text, "", 1);
    return 0;
}

/* Row i's value v of fact as a cell, read as the per-row path reads it (set_json_value): 0, or
 * -1 when the value takes the per-row path (of another kind than the column's, or one the
 * patient refuses for its kind: it words why). */
static int json_cell(pop_worker *w, size_t fact, size_t i, size_t n_rows, const json_t *v)
{
    int type = knee_ruleset_fact_type(w->sh->rs, fact);
    char text[64];
    size_t *at;
    switch (json_typeof(v)) {
    case JSON_NULL:
        return 0;
    case JSON_STRING:
        return *json_string_value(v) ? text_cell(w, fact, i, n_rows, json_string_value(v)) : 0;
    case JSON_TRUE:
    case JSON_FALSE:
        return type == KNEE_FACT_BOOLEAN
                   ? text_cell(w, fact, i, n_rows, json_is_true(v) ? "true" : "false")
                   : -1;
    case JSON_INTEGER:
    case JSON_REAL:
        if (type == KNEE_FACT_BOOLEAN) {
            pop_number_text(v, text, sizeof text);
            return text_cell(w, fact, i, n_rows, text);
        }
        if ((type != KNEE_FACT_NUMBER && type != KNEE_FACT_INTEGER) ||
            !(at = cell(w, fact, i, CELL_NUMBER, n_rows)))
            return -1;
        w->cell_num[at - w->cell_at] = json_number_value(v);
        return 0;
    case JSON_ARRAY:
        return type == KNEE_FACT_SET ? list_cell(w, fact, i, n_rows, v) : -1;
    default:
        return -1;
    }
}

/* Row i's id and cells. 0, or -1 when the row takes the per-row path (a line the reader found
 * bad, not a JSON object, an id of the wrong type, an unknown member, an odd value). */
static int json_row(pop_worker *w, const pop_chunk *c, size_t i)
{
    const pop_shared *sh = w->sh;
    const pop_row *row = &c->rows[i];
    const cli_csv_field *f = &c->fields[row->first_field];
    json_t *obj, *v;
    const char *key;
    int rc = 0;

    w->id_at[i] = NONE;
    if (row->read_code ||
        !(obj = json_loadb(c->text + f->offset, f->len, JSON_REJECT_DUPLICATES, NULL)))
        return -1;
    if (!json_is_object(obj)) {
        json_decref(obj);
        return -1;
    }
    if ((v = json_object_get(obj, sh->id_key)) != NULL && !json_is_null(v)) {
        w->id_at[i] = w->text.len;
        if (json_is_string(v))
            knee__sb_str(&w->text, json_string_value(v));
        else if (json_is_integer(v))
            knee__sb_printf(&w->text, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        else
            rc = -1;
        w->id_len[i] = w->text.len - w->id_at[i];
    }
    json_object_foreach(obj, key, v)
    {
        size_t fact;
        if (rc != 0 || strcmp(key, sh->id_key) == 0)
            continue;
        if ((fact = knee_ruleset_fact_index(sh->rs, key)) == NONE)
            rc = sh->pop->ignore_unknown ? 0 : -1;
        else
            rc = json_cell(w, fact, i, c->n_rows, v);
    }
    json_decref(obj);
    return rc;
}

/* Every row's cells, then each fact's column: a text column read by the fact's type, or a
 * number column. */
static int json_columns(pop_worker *w, const pop_chunk *c, knee_batch *b)
{
    double nums[POP_CHUNK_ROWS];
    size_t i, u;
    int rc = 0;

    w->text.len = 0;
    w->n_used = 0;
    for (i = 0; i < c->n_rows; i++)
        w->slow[i] = json_row(w, c, i) != 0;
    for (u = 0; u < w->n_used; u++) {
        size_t fact = w->used[u], at = fact * POP_CHUNK_ROWS;
        const char *id = knee_ruleset_fact_id(w->sh->rs, fact);
        int kind = w->kind[fact];
        w->kind[fact] = 0;
        if (rc != 0 || w->text.failed) {
            rc = -1;
            continue;
        }
        for (i = 0; i < c->n_rows; i++) {
            size_t t = w->cell_at[at + i];
            w->values[i] = w->slow[i] || t == NONE ? NULL : w->text.s + t;
            nums[i] = w->slow[i] ? NAN : w->cell_num[at + i];
        }
        if (kind == CELL_TEXT)
            rc = knee_batch_set_text(b, id, w->values, KNEE_BATCH_MARK_ROW);
        else
            rc = knee_batch_set_numbers(b, id, nums, KNEE_BATCH_MARK_ROW);
        rc = rc == KNEE_OK ? 0 : -1;
    }
    return rc == 0 && !w->text.failed ? 0 : -1;
}

/* ---- scoring a chunk ---------------------------------------------------------------------- */

/* Score the chunk's rows as one batch: w->status, and the ranks and scores (or with --full the
 * results' JSON) of the rows it compared. A row the batch did not take, or could not compare,
 * is marked slow; every row is when the batch cannot be made. */
static void score_batch(pop_worker *w, const pop_chunk *c)
{
    const knee_ruleset *rs = w->sh->rs;
    knee_batch *b = NULL;
    size_t i, n = c->n_rows;
    int rc = -1;

    if (knee_batch_new(&b, rs, n) == KNEE_OK && knee_batch_copy_weights(b, w->p) == KNEE_OK)
        rc = w->sh->input_format == CLI_POP_JSONL ? json_columns(w, c, b) : csv_columns(w, c, b);
    if (rc == 0 && w->sh->pop->full) {
        knee_compare_batch_json(rs, b, w->opts, 0, n, w->r, &w->json, NULL, w->json_at, w->status);
        rc = w->json ? 0 : -1;
    } else if (rc == 0) {
        rc = knee_compare_batch(rs, b, w->opts, 0, n, w->r, w->rank, w->score, w->status);
        rc = rc == KNEE_EINVAL || rc == KNEE_ERANGE ? -1 : 0;
    }
    for (i = 0; i < n; i++)
        w->slow[i] = rc != 0 || w->slow[i] || w->status[i] != KNEE_OK;
    knee_batch_free(b);
}

void pop_score_chunk(pop_worker *w, pop_chunk *c)
{
    size_t n_options = knee_ruleset_option_count(w->sh->rs), i;
    knee__strbuf id_text = {0};

    c->out.len = 0;
    c->err.len = 0;
    score_batch(w, c);
    for (i = 0; i < c->n_rows; i++) {
        pop_row *row = &c->rows[i];
        int *rank = w->rank + i * n_options;
        double *score = w->score + i * n_options;
        pop_row_state st;
        memset(&st, 0, sizeof st);
        if (w->slow[i]) {
            char *json = NULL;
            id_text.len = 0;
            pop_row_path(w, c, row, &st, &id_text, rank, score, &json);
            pop_write_row(w, &c->out, row, &st, rank, score, json, json ? strlen(json) : 0);
            knee_free(json);
        } else {
            if (w->sh->input_format == CLI_POP_JSONL && w->id_at[i] != NONE) {
                st.id = w->text.s ? w->text.s + w->id_at[i] : "";
                st.id_len = w->id_len[i];
            } else if (w->sh->input_format != CLI_POP_JSONL) {
                pop_csv_id(w, c, row, &st);
            }
            pop_write_row(w, &c->out, row, &st, rank, score,
                          w->json ? w->json + w->json_at[i] : NULL,
                          w->json ? w->json_at[i + 1] - w->json_at[i] : 0);
        }
        row->failed = st.n_problems > 0;
        row->out_end = c->out.len;
        row->err_end = c->err.len;
    }
    knee_free(w->json);
    w->json = NULL;
    knee__sb_release(&id_text);
}

size_t pop_probe_row_bytes(pop_worker *w)
{
    knee__strbuf out = {0};
    pop_row row;
    pop_row_state st;
    char *json = NULL;
    size_t n = 0;

    memset(&row, 0, sizeof row);
    memset(&st, 0, sizeof st);
    row.number = ~0ULL; /* the widest numbers */
    row.line = ~0UL;
    if (knee_compare_ex(w->sh->rs, w->p, w->opts, w->r) == KNEE_OK &&
        pop_result_cells(w, w->rank, w->score, &json) == KNEE_OK) {
        pop_write_row(w, &out, &row, &st, w->rank, w->score, json, json ? strlen(json) : 0);
        n = out.failed ? 0 : out.len;
    }
    knee_free(json);
    knee__sb_release(&out);
    return n;
}
