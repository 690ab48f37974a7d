/* population_row.c - `knee compare --patients`: one row alone (the rows a batch does not take:
 * every problem of a bad row worded, a row compared on the worker's patient), and the output
 * rows (CSV or JSON lines) of every row, in a worker thread. */
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/population.h"
#include "util/utf8.h"

/* ---- text --------------------------------------------------------------------------------- */

/* A whole number without printf (millions of cells: printf's cost shows). */
static void add_uint(knee__strbuf *b, unsigned long long v)
{
    char digits[24];
    size_t k = sizeof digits;
    do {
        digits[--k] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    knee__sb_add(b, digits + k, sizeof digits - k);
}

/* ---- quoting ------------------------------------------------------------------------------ */

/* A CSV field: quoted (quotes doubled) when it holds a comma, quote or line break. */
static void add_csv(knee__strbuf *b, const char *s, size_t n)
{
    size_t i;
    if (!memchr(s, ',', n) && !memchr(s, '"', n) && !memchr(s, '\n', n) && !memchr(s, '\r', n)) {
        knee__sb_add(b, s, n);
        return;
    }
    knee__sb_add(b, "\"", 1);
    for (i = 0; i < n; i++) {
        if (s[i] == '"')
            knee__sb_add(b, "\"", 1);
        knee__sb_add(b, s + i, 1);
    }
    knee__sb_add(b, "\"", 1);
}

/* A JSON string; bytes that are not UTF-8 become U+FFFD so that every line stays valid JSON. */
static void add_json(knee__strbuf *b, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    knee__sb_add(b, "\"", 1);
    while (i < n) {
        size_t len;
        uint32_t cp;
        if (u[i] == '"' || u[i] == '\\') {
            knee__sb_add(b, "\\", 1);
            knee__sb_add(b, s + i, 1);
            i++;
        } else if (u[i] < 0x20) {
            knee__sb_printf(b, "\\u%04x", u[i]);
            i++;
        } else if ((len = knee__utf8_decode(u + i, n - i, &cp)) == 0) {
            knee__sb_str(b, "\\ufffd");
            i++;
        } else {
            knee__sb_add(b, s + i, len);
            i += len;
        }
    }
    knee__sb_add(b, "\"", 1);
}

/* Message text for one line of stderr: line breaks and tabs become spaces. */
static void add_message(knee__strbuf *b, const char *s)
{
    for (; *s; s++)
        knee__sb_add(b, (*s == '\n' || *s == '\r' || *s == '\t') ? " " : s, 1);
}

/* ---- the header --------------------------------------------------------------------------- */

void pop_write_header(const pop_shared *sh, knee__strbuf *out)
{
    size_t k, n = knee_ruleset_option_count(sh->rs);
    if (sh->output_format != CLI_POP_CSV)
        return;
    knee__sb_str(out, "row,line,id,status,error,top");
    for (k = 0; k < n; k++) {
        const char *id = knee_ruleset_option_id(sh->rs, k);
        char name[512];
        snprintf(name, sizeof name, "%s_rank", id);
        knee__sb_add(out, ",", 1);
        add_csv(out, name, strlen(name));
        snprintf(name, sizeof name, "%s_score", id);
        knee__sb_add(out, ",", 1);
        add_csv(out, name, strlen(name));
    }
    knee__sb_add(out, "\n", 1);
}

/* ---- one row ------------------------------------------------------------------------------ */

/* Report a problem of the row: a "FILE:LINE:COLUMN: code: message" line for stderr, and the
 * first one kept for the output row. where is "column 3 'age'" or similar, or NULL. */
static void problem(pop_worker *w, pop_chunk *c, pop_row_state *st, const char *code,
                    unsigned long line, size_t column, const char *where, const char *msg)
{
    knee__sb_printf(&c->err, "%s:%lu:%zu: %s: ", w->sh->input_name, line, column, code);
    if (where) {
        add_message(&c->err, where);
        knee__sb_str(&c->err, ": ");
    }
    add_message(&c->err, msg);
    knee__sb_add(&c->err, "\n", 1);
    if (st->n_problems++ == 0) {
        st->code = code;
        st->line = line;
        st->column = column;
        snprintf(st->message, sizeof st->message, "%s%s%s", where ? where : "", where ? ": " : "",
                 msg);
    }
}

/* The stable code for a status from knee_patient_set_*. */
static const char *value_code(int status)
{
    switch (status) {
    case KNEE_ERANGE:
        return "out-of-range";
    case KNEE_ETYPE:
        return "wrong-type";
    case KNEE_EUNKNOWN:
        return "unknown-fact";
    case KNEE_ELIMIT:
        return "too-long";
    case KNEE_ENOMEM:
        return "out-of-memory";
    default:
        return "bad-value";
    }
}

void pop_csv_id(const pop_worker *w, const pop_chunk *c, const pop_row *row, pop_row_state *st)
{
    long id = w->sh->id_column;
    if (id >= 0 && (size_t)id < row->n_fields) {
        const cli_csv_field *f = &c->fields[row->first_field + (size_t)id];
        st->id = c->text + f->offset;
        st->id_len = f->len;
    }
}

static void score_csv_row(pop_worker *w, pop_chunk *c, pop_row *row, pop_row_state *st)
{
    const pop_shared *sh = w->sh;
    char where[300];
    size_t k;

    pop_csv_id(w, c, row, st);
    if (row->read_code) {
        problem(w, c, st, row->read_code, row->read_line, row->read_column, NULL,
                c->text + row->read_message);
        return;
    }
    if (row->n_fields != sh->n_columns) {
        char msg[128];
        size_t col = row->n_fields > sh->n_columns ? sh->n_columns + 1 : row->n_fields + 1;
        snprintf(msg, sizeof msg, "the row has %zu field%s, the header has %zu", row->n_fields,
                 row->n_fields == 1 ? "" : "s", sh->n_columns);
        problem(w, c, st, "csv-field-count", row->line, col, NULL, msg);
        return;
    }
    for (k = 0; k < sh->n_columns; k++) {
        const cli_csv_field *f = &c->fields[row->first_field + k];
        const char *fact = sh->column_fact[k];
        int status;
        if (!fact)
            continue;
        /* An empty cell is an unknown fact; every row sets or unsets every fact column, so
         * nothing carries over from the worker's previous row. */
        status = f->len ? knee_patient_set_text(w->p, fact, c->text + f->offset)
                        : knee_patient_unset(w->p, fact);
        if (status != KNEE_OK) {
            snprintf(where, sizeof where, "column %zu '%.200s'", k + 1, sh->columns[k]);
            problem(w, c, st, value_code(status), f->line, k + 1, where, knee_patient_errmsg(w->p));
        }
    }
}

/* Make the facts the worker's previous JSON row set unknown again. */
static void forget_touched(pop_worker *w)
{
    size_t k;
    for (k = 0; k < w->n_touched; k++)
        knee_patient_unset(w->p, knee_ruleset_fact_id(w->sh->rs, w->touched[k]));
    w->n_touched = 0;
}

static const char *type_name(int type)
{
    switch (type) {
    case KNEE_FACT_NUMBER:
        return "a number";
    case KNEE_FACT_INTEGER:
        return "an integer";
    case KNEE_FACT_BOOLEAN:
        return "a boolean";
    case KNEE_FACT_STRING:
        return "a string";
    default:
        return "a set";
    }
}

const char *pop_fact_hint(knee_patient *p, const char *name)
{
    const char *m;
    if (knee_patient_unset(p, name) != KNEE_EUNKNOWN)
        return "";
    m = strstr(knee_patient_errmsg(p), ": did you mean ");
    return m ? m : "";
}

/* A JSON number as a boolean fact reads it: a whole one as the integer ("1", also for 1.0, the
 * same number in JSON, as pandas' to_json writes a 0/1 column with gaps), any other as %.17g
 * ("0.5"); so 1 and 1.0 are true as in the Python binding, 2.0 and 0.5 are not true or false. */
void pop_number_text(const json_t *v, char *out, size_t size)
{
    double x = json_real_value(v); /* 0 for an integer, written below as its digits */
    if (json_is_integer(v))
        snprintf(out, size, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    else if (x == floor(x) && fabs(x) < 9007199254740992.0) /* whole, exactly an integer */
        snprintf(out, size, "%.0f", x);
    else
        snprintf(out, size, "%.17g", x);
}

/* Set fact (index `fact`) from a JSON value, read as the same value in a CSV cell or in Python
 * (tests/data/value-readings.json): "" and null are unknown, a number for a boolean fact is read
 * as written. Returns KNEE_OK, or a status with the problem in words in msg: the patient's
 * message, or ours for a value of the wrong kind. */
static int set_json_value(pop_worker *w, size_t fact, json_t *v, char *msg, size_t size)
{
    const char *id = knee_ruleset_fact_id(w->sh->rs, fact);
    int type = knee_ruleset_fact_type(w->sh->rs, fact);
    knee_patient *p = w->p;
    size_t k;
    int status = KNEE_OK;

    switch (json_typeof(v)) {
    case JSON_NULL:
        status = knee_patient_unset(p, id);
        break;
    case JSON_STRING:
        status = *json_string_value(v) ? knee_patient_set_text(p, id, json_string_value(v))
                                       : knee_patient_unset(p, id);
        break;
    case JSON_TRUE:
    case JSON_FALSE:
        status = knee_patient_set_bool(p, id, json_is_true(v));
        break;
    case JSON_INTEGER:
    case JSON_REAL:
        if (type == KNEE_FACT_BOOLEAN) {
            char text[64];
            pop_number_text(v, text, sizeof text);
            status = knee_patient_set_text(p, id, text);
        } else {
            status = knee_patient_set_number(p, id, json_number_value(v));
        }
        break;
    case JSON_ARRAY: /* the members of a set fact, and nothing else */
        if (type != KNEE_FACT_SET) {
            snprintf(msg, size, "fact '%.200s' is %s: a list is only for a set fact", id,
                     type_name(type));
            return KNEE_ETYPE;
        }
        if ((status = knee_patient_set_text(p, id, "")) != KNEE_OK)
            break;
        for (k = 0; k < json_array_size(v) && status == KNEE_OK; k++) {
            json_t *m = json_array_get(v, k);
            if (!json_is_string(m)) {
                snprintf(msg, size, "fact '%.200s': the members of a set are strings", id);
                return KNEE_ETYPE;
            }
            status = knee_patient_add_to_set(p, id, json_string_value(m));
        }
        break;
    default:
        snprintf(msg, size, "fact '%.200s' is %s: an object is not a value", id, type_name(type));
        return KNEE_ETYPE;
    }
    if (status != KNEE_OK)
        snprintf(msg, size, "%s", knee_patient_errmsg(p));
    return status;
}

static void score_json_row(pop_worker *w, pop_chunk *c, pop_row *row, pop_row_state *st,
                           knee__strbuf *id_text)
{
    const pop_shared *sh = w->sh;
    const cli_csv_field *f = &c->fields[row->first_field];
    json_error_t jerr;
    json_t *obj, *v;
    const char *key;
    char where[300];

    forget_touched(w);
    if (row->read_code) {
        problem(w, c, st, row->read_code, row->read_line, row->read_column, NULL,
                c->text + row->read_message);
        return;
    }
    obj = json_loadb(c->text + f->offset, f->len, JSON_REJECT_DUPLICATES, &jerr);
    if (!obj) {
        problem(w, c, st, "json-syntax", row->line, jerr.column > 0 ? (size_t)jerr.column : 0, NULL,
                jerr.text);
        return;
    }
    if (!json_is_object(obj)) {
        problem(w, c, st, "json-type", row->line, 1, NULL, "the line is not a JSON object");
        json_decref(obj);
        return;
    }
    /* The id: a string or a whole number, copied; null is no id (written as null). */
    if ((v = json_object_get(obj, sh->id_key)) != NULL && !json_is_null(v)) {
        if (json_is_string(v) || json_is_integer(v)) {
            if (json_is_string(v))
                knee__sb_str(id_text, json_string_value(v));
            else
                knee__sb_printf(id_text, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
            st->id = id_text->s ? id_text->s : "";
            st->id_len = id_text->len;
        } else {
            snprintf(where, sizeof where, "member '%.200s'", sh->id_key);
            problem(w, c, st, "wrong-type", row->line, 0, where,
                    "the id is a string or a whole number (null: no id)");
        }
    }
    json_object_foreach(obj, key, v)
    {
        char msg[512];
        size_t fact;
        int status;
        if (strcmp(key, sh->id_key) == 0)
            continue;
        snprintf(where, sizeof where, "member '%.200s'", key);
        if ((fact = knee_ruleset_fact_index(sh->rs, key)) == (size_t)-1) {
            if (!sh->pop->ignore_unknown) {
                snprintf(msg, sizeof msg,
                         "not a fact of the rule file%s (--ignore-unknown-columns "
                         "skips it)",
                         pop_fact_hint(w->p, key));
                problem(w, c, st, "unknown-column", row->line, 0, where, msg);
            }
            continue;
        }
        w->touched[w->n_touched++] = fact;
        if ((status = set_json_value(w, fact, v, msg, sizeof msg)) != KNEE_OK)
            problem(w, c, st, value_code(status), row->line, 0, where, msg);
    }
    json_decref(obj);
}

/* ---- the per-row path --------------------------------------------------------------------- */

int pop_result_cells(pop_worker *w, int *rank, double *score, char **json)
{
    size_t k, n = knee_ruleset_option_count(w->sh->rs);
    *json = NULL;
    for (k = 0; k < n; k++) {
        rank[k] = 0;
        score[k] = 0;
    }
    for (k = 0; k < knee_result_option_count(w->r); k++) {
        size_t o = knee_ruleset_option_index(w->sh->rs, knee_result_option_id(w->r, k));
        if (o < n) {
            rank[o] = knee_result_option_rank(w->r, k);
            score[o] = knee_result_option_score(w->r, k);
        }
    }
    if (w->sh->pop->full && knee_result_to_json(w->r, json, NULL) != KNEE_OK)
        return KNEE_ENOMEM;
    return KNEE_OK;
}

void pop_row_path(pop_worker *w, pop_chunk *c, pop_row *row, pop_row_state *st,
                  knee__strbuf *id_text, int *rank, double *score, char **json)
{
    *json = NULL;
    if (w->sh->input_format == CLI_POP_JSONL)
        score_json_row(w, c, row, st, id_text);
    else
        score_csv_row(w, c, row, st);
    if (!st->n_problems) {
        int status = knee_compare_ex(w->sh->rs, w->p, w->opts, w->r);
        if (status != KNEE_OK)
            problem(w, c, st, "compare", row->line, 0, NULL, knee_result_errmsg(w->r));
        else if (pop_result_cells(w, rank, score, json) != KNEE_OK)
            c->out.failed = 1;
    }
}

/* ---- output rows -------------------------------------------------------------------------- */

/* The options of a row in the order its result lists them: by rank, ties in the library's tie
 * order (knee_ruleset_option_tie_order), then the excluded ones (rank 0) in rule-file order (a
 * counting sort of the options in tie order). */
static const size_t *result_order(pop_worker *w, const int *rank)
{
    size_t k, n = knee_ruleset_option_count(w->sh->rs), at = 0;
    for (k = 0; k <= n; k++)
        w->count[k] = 0;
    for (k = 0; k < n; k++)
        if (rank[k] > 0 && (size_t)rank[k] <= n)
            w->count[rank[k] - 1]++;
    for (k = 0; k < n; k++) { /* count[r - 1] becomes the first place of rank r */
        size_t m = w->count[k];
        w->count[k] = at;
        at += m;
    }
    for (k = 0; k < n; k++) {
        size_t o = w->sh->tie_order[k];
        if (rank[o] > 0 && (size_t)rank[o] <= n)
            w->order[w->count[rank[o] - 1]++] = o;
    }
    for (k = 0; k < n; k++)
        if (!(rank[k] > 0 && (size_t)rank[k] <= n))
            w->order[at++] = k;
    return w->order;
}

static void write_csv_row(pop_worker *w, knee__strbuf *out, const pop_row *row,
                          const pop_row_state *st, const int *rank, const double *score)
{
    const pop_shared *sh = w->sh;
    size_t k, n = knee_ruleset_option_count(sh->rs);
    char num[64];

    add_uint(out, row->number);
    knee__sb_add(out, ",", 1);
    add_uint(out, row->line);
    knee__sb_add(out, ",", 1);
    if (st->id)
        add_csv(out, st->id, st->id_len);
    if (st->n_problems) {
        char msg[700];
        if (st->n_problems > 1)
            snprintf(msg, sizeof msg, "%s: %s (and %d more)", st->code, st->message,
                     st->n_problems - 1);
        else
            snprintf(msg, sizeof msg, "%s: %s", st->code, st->message);
        knee__sb_str(out, ",error,");
        add_csv(out, msg, strlen(msg));
        knee__sb_add(out, ",", 1); /* no top option */
        for (k = 0; k < n; k++)
            knee__sb_add(out, ",,", 2);
        knee__sb_add(out, "\n", 1);
        return;
    }
    knee__sb_str(out, ",ok,,");
    for (k = 0; k < n; k++) { /* the top: the first of the options ranked 1, by name */
        const char *id = knee_ruleset_option_id(sh->rs, sh->tie_order[k]);
        if (rank[sh->tie_order[k]] == 1) {
            add_csv(out, id, strlen(id));
            break;
        }
    }
    for (k = 0; k < n; k++) {
        /* An excluded option has no rank and no score (null in the JSON result too). */
        if (rank[k] > 0) {
            knee__sb_add(out, ",", 1);
            add_uint(out, (unsigned long long)rank[k]);
            knee__sb_add(out, ",", 1);
            knee__sb_str(out, knee__num_decimal(num, sizeof num, score[k], 6));
        } else
            knee__sb_add(out, ",,", 2);
    }
    knee__sb_add(out, "\n", 1);
}

/* --full: the row's result, on one line: the library's JSON breaks lines only between tokens
 * (a line break inside a string is written as \n), so dropping them keeps the same JSON. */
static void add_result(knee__strbuf *out, const char *json, size_t len)
{
    const char *p, *end, *nl;
    knee__sb_str(out, ",\"result\":");
    for (p = json, end = json + len; p < end; p = nl + 1) {
        if (!(nl = memchr(p, '\n', (size_t)(end - p))))
            nl = end;
        knee__sb_add(out, p, (size_t)(nl - p));
    }
    knee__sb_str(out, "}\n");
}

static void write_json_row(pop_worker *w, knee__strbuf *out, const pop_row *row,
                           const pop_row_state *st, const int *rank, const double *score,
                           const char *json, size_t len)
{
    const knee_ruleset *rs = w->sh->rs;
    size_t k, n = knee_ruleset_option_count(rs);
    const size_t *order;
    char num[64];

    knee__sb_str(out, "{\"row\":");
    add_uint(out, row->number);
    knee__sb_str(out, ",\"line\":");
    add_uint(out, row->line);
    knee__sb_str(out, ",\"id\":");
    if (st->id)
        add_json(out, st->id, st->id_len);
    else
        knee__sb_str(out, "null");
    if (st->n_problems) {
        knee__sb_str(out, ",\"status\":\"error\",\"error\":{\"code\":");
        add_json(out, st->code, strlen(st->code));
        knee__sb_printf(out, ",\"line\":%lu,\"column\":%zu,\"message\":", st->line, st->column);
        add_json(out, st->message, strlen(st->message));
        knee__sb_printf(out, ",\"problems\":%d}}\n", st->n_problems);
        return;
    }
    knee__sb_str(out, ",\"status\":\"ok\"");
    if (w->sh->pop->full) {
        add_result(out, json, len);
        return;
    }
    order = result_order(w, rank);
    knee__sb_str(out, ",\"top\":");
    if (n && rank[order[0]] == 1)
        add_json(out, knee_ruleset_option_id(rs, order[0]),
                 strlen(knee_ruleset_option_id(rs, order[0])));
    else
        knee__sb_str(out, "null");
    knee__sb_str(out, ",\"options\":[");
    for (k = 0; k < n; k++) {
        size_t o = order[k];
        knee__sb_str(out, k ? ",{\"id\":" : "{\"id\":");
        add_json(out, knee_ruleset_option_id(rs, o), strlen(knee_ruleset_option_id(rs, o)));
        if (rank[o] > 0) {
            knee__sb_str(out, ",\"rank\":");
            add_uint(out, (unsigned long long)rank[o]);
            knee__sb_str(out, ",\"score\":");
            knee__sb_str(out, knee__num_decimal(num, sizeof num, score[o], 6));
            knee__sb_str(out, ",\"excluded\":false}");
        } else /* as in the JSON result: an excluded option has no rank and no score */
            knee__sb_str(out, ",\"rank\":null,\"score\":null,\"excluded\":true}");
    }
    knee__sb_str(out, "]}\n");
}

void pop_write_row(pop_worker *w, knee__strbuf *out, const pop_row *row, const pop_row_state *st,
                   const int *rank, const double *score, const char *json, size_t len)
{
    if (w->sh->output_format == CLI_POP_JSONL)
        write_json_row(w, out, row, st, rank, score, json, len);
    else
        write_csv_row(w, out, row, st, rank, score);
}
