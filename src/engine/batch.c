/* batch.c - many patients as columns (knee.h, "batches"). A column is checked when it is set,
 * with the patient setters' own checks (patient.c), and kept as one ready-made fact value per
 * row, so comparing a row is a copy of a few structs into the scratch result's fact array and
 * knee_compare_ex: no lookup, parsing or allocation per patient. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/alloc.h"
#include "patient/patient.h"
#include "engine/result.h"
#include "util/strbuf.h"

typedef struct column {
    knee__factval *cells; /* one per row; NULL: no column (unknown in every row) */
    char *pool;           /* the text of string cells and set members */
    char **members;       /* set facts: every row's member pointers, into pool */
} column;

struct knee_batch {
    const knee_ruleset *rs;
    size_t n;
    column *cols;    /* one per declared fact */
    double *weights; /* one per criterion; used when weight_set[j] */
    unsigned char *weight_set;
    int *row_status; /* KNEE_OK or the row's first bad cell */
    size_t *row_msg; /* per row: 1 + the offset of its first bad cell's reason in
                      * msgs, or 0 (knee_batch_row_errmsg) */
    knee__strbuf msgs;
    size_t error_row;
    char errmsg[512];
};

/* A column being built: cells, and the text they point to kept as offsets into a growing pool
 * until the column is complete. */
typedef struct builder {
    knee__factval *cells;
    knee__strbuf pool;
    size_t *offs; /* start of each string / member in pool */
    size_t offs_n, offs_cap;
    size_t *first;   /* per row: its first entry in offs */
    int *bad;        /* per row: the status of its bad cell, or KNEE_OK */
    size_t bad_row;  /* first bad row, or KNEE__NONE */
    char msg[512];   /* the first bad cell's reason */
    size_t msgs_len; /* the batch's row messages when the column was started */
} builder;

static int fail(knee_batch *b, int status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static int fail(knee_batch *b, int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b->errmsg, sizeof b->errmsg, fmt, ap);
    va_end(ap);
    return status;
}

static void column_free(column *c)
{
    knee__dealloc(c->cells);
    knee__dealloc(c->pool);
    knee__dealloc(c->members);
    memset(c, 0, sizeof *c);
}

int knee_batch_new(knee_batch **out, const knee_ruleset *rs, size_t n)
{
    knee_batch *b;
    size_t nc;
    if (!out)
        return KNEE_EINVAL;
    *out = NULL;
    if (!rs || n > ((size_t)-1) / 4 / sizeof(knee__factval))
        return KNEE_EINVAL;
    nc = rs->n_criteria ? rs->n_criteria : 1;
    if (!(b = knee__calloc(1, sizeof *b)))
        return KNEE_ENOMEM;
    b->rs = rs;
    b->n = n;
    b->error_row = KNEE__NONE;
    b->cols = knee__calloc(rs->n_facts ? rs->n_facts : 1, sizeof *b->cols);
    b->weights = knee__calloc(nc, sizeof *b->weights);
    b->weight_set = knee__calloc(nc, 1);
    b->row_status = knee__calloc(n ? n : 1, sizeof *b->row_status);
    b->row_msg = knee__calloc(n ? n : 1, sizeof *b->row_msg);
    knee__sb_init(&b->msgs);
    if (!b->cols || !b->weights || !b->weight_set || !b->row_status || !b->row_msg) {
        knee_batch_free(b);
        return KNEE_ENOMEM;
    }
    *out = b;
    return KNEE_OK;
}

void knee_batch_free(knee_batch *b)
{
    size_t f;
    if (!b)
        return;
    for (f = 0; b->cols && f < b->rs->n_facts; f++)
        column_free(&b->cols[f]);
    knee__dealloc(b->cols);
    knee__dealloc(b->weights);
    knee__dealloc(b->weight_set);
    knee__dealloc(b->row_status);
    knee__dealloc(b->row_msg);
    knee__sb_release(&b->msgs);
    knee__dealloc(b);
}

size_t knee_batch_row_count(const knee_batch *b)
{
    return b ? b->n : 0;
}

int knee_batch_row_status(const knee_batch *b, size_t row)
{
    if (!b)
        return KNEE_EINVAL;
    return row < b->n ? b->row_status[row] : KNEE_ERANGE;
}

size_t knee_batch_error_row(const knee_batch *b)
{
    return b ? b->error_row : KNEE__NONE;
}

const char *knee_batch_errmsg(const knee_batch *b)
{
    return b ? b->errmsg : "no batch";
}

const char *knee_batch_row_errmsg(const knee_batch *b, size_t row)
{
    return b && row < b->n && b->row_msg[row] ? b->msgs.s + b->row_msg[row] - 1 : "";
}

int knee_batch_set_weight(knee_batch *b, const char *criterion, double weight)
{
    size_t j;
    int status;
    if (!b)
        return KNEE_EINVAL;
    b->error_row = KNEE__NONE;
    if ((status = knee__criterion_decl(b->rs, criterion, &j, b->errmsg, sizeof b->errmsg)) !=
        KNEE_OK)
        return status;
    if (!isfinite(weight) || weight < 0)
        return fail(b, KNEE_EWEIGHT, "criterion '%s': a weight must be a finite number >= 0",
                    criterion);
    b->weights[j] = weight;
    b->weight_set[j] = 1;
    b->errmsg[0] = '\0';
    return KNEE_OK;
}

int knee_batch_copy_weights(knee_batch *b, const knee_patient *p)
{
    size_t n;
    if (!b || !p || p->rs != b->rs)
        return KNEE_EINVAL;
    n = b->rs->n_criteria;
    if (n) {
        memcpy(b->weights, p->weights, n * sizeof *b->weights);
        memcpy(b->weight_set, p->weight_set, n);
    }
    b->error_row = KNEE__NONE;
    b->errmsg[0] = '\0';
    return KNEE_OK;
}

/* ---- building a column ----------------------------------------------------------------------- */

/* The fact's index if it exists and its type is one of want (0: any), else the error. */
static int find(knee_batch *b, const char *fact, int want1, int want2, size_t *index)
{
    return knee__fact_decl(b->rs, fact, want1, want2, index, b->errmsg, sizeof b->errmsg);
}

static void builder_release(builder *w)
{
    knee__dealloc(w->cells);
    knee__sb_release(&w->pool);
    knee__dealloc(w->offs);
    knee__dealloc(w->first);
    knee__dealloc(w->bad);
}

static int builder_init(builder *w, const knee_batch *b, size_t fact)
{
    size_t i, n = b->n ? b->n : 1;
    memset(w, 0, sizeof *w);
    w->bad_row = KNEE__NONE;
    w->msgs_len = b->msgs.len;
    w->cells = knee__calloc(n, sizeof *w->cells);
    w->first = knee__calloc(n, sizeof *w->first);
    w->bad = knee__calloc(n, sizeof *w->bad);
    if (!w->cells || !w->first || !w->bad) {
        builder_release(w); /* a failed start leaves nothing for the caller to free */
        return KNEE_ENOMEM;
    }
    for (i = 0; i < b->n; i++)
        w->cells[i].type = b->rs->facts[fact].type;
    return KNEE_OK;
}

/* Whether a bad cell in row would be the row's first: its reason is then the row's message. */
static int row_first(const knee_batch *b, const builder *w, size_t row)
{
    return b->row_status[row] == KNEE_OK && w->bad[row] == KNEE_OK;
}

/* The room for a bad cell's reason: kept for the column's first bad cell and for each row's
 * first, so the others are not worded (the nearest allowed values are searched for once per
 * bad row, not per bad cell). */
static size_t msg_cap(const knee_batch *b, const builder *w, size_t row)
{
    return w->bad_row == KNEE__NONE || row_first(b, w, row) ? sizeof w->msg : 0;
}

/* A bad cell: the row is left unknown; the column's first reason and each row's first are
 * kept (the row's in b->msgs, taken back by discard_row_msgs if the column is not installed). */
static void bad_cell(knee_batch *b, builder *w, size_t row, int status, const char *msg)
{
    knee__factval *v = &w->cells[row];
    if (row_first(b, w, row)) {
        b->row_msg[row] = b->msgs.len + 1;
        knee__sb_add(&b->msgs, msg, strlen(msg) + 1); /* with its NUL */
    }
    v->known = 0;
    v->n_members = 0;
    w->offs_n = w->first[row]; /* drop the row's members added so far */
    if (w->bad[row] == KNEE_OK)
        w->bad[row] = status;
    if (w->bad_row == KNEE__NONE) {
        w->bad_row = row;
        snprintf(w->msg, sizeof w->msg, "%s", msg);
    }
}

/* A column not installed: take back the row messages its bad cells left. */
static void discard_row_msgs(knee_batch *b, const builder *w)
{
    size_t i;
    for (i = 0; i < b->n; i++)
        if (w->bad[i] != KNEE_OK && b->row_status[i] == KNEE_OK)
            b->row_msg[i] = 0;
    b->msgs.len = w->msgs_len;
    b->msgs.failed = 0;
    if (b->msgs.s)
        b->msgs.s[b->msgs.len] = '\0';
}

/* Append text to the pool as the next string / member of the row being built. */
static int add_text(builder *w, const char *s, size_t n)
{
    if (KNEE_OK != knee__grow((void **)&w->offs, &w->offs_cap, w->offs_n + 1, sizeof *w->offs))
        return KNEE_ENOMEM;
    w->offs[w->offs_n++] = w->pool.len;
    knee__sb_add(&w->pool, s, n);
    knee__sb_add(&w->pool, "", 1); /* each text keeps its NUL */
    return w->pool.failed ? KNEE_ENOMEM : KNEE_OK;
}

static int row_has(const builder *w, size_t row, const char *s, size_t n)
{
    size_t k;
    for (k = w->first[row]; k < w->offs_n; k++) {
        const char *m = w->pool.s + w->offs[k];
        if (strlen(m) == n && memcmp(m, s, n) == 0)
            return 1;
    }
    return 0;
}

/* One set member for row `row`, checked and kept once. */
static int add_member(knee_batch *b, builder *w, size_t fact, size_t row, const char *s, size_t n)
{
    char msg[512];
    int rc;
    if (row_has(w, row, s, n))
        return KNEE_OK;
    if ((rc = knee__check_text(b->rs, fact, s, n, msg, msg_cap(b, w, row))) != KNEE_OK) {
        bad_cell(b, w, row, rc, msg);
        return rc;
    }
    if (add_text(w, s, n) != KNEE_OK)
        return KNEE_ENOMEM;
    w->cells[row].n_members++;
    return KNEE_OK;
}

/* Turn the pool offsets into pointers and install the column, or report the first bad cell. */
static int finish(knee_batch *b, builder *w, size_t fact, int mode)
{
    column c;
    size_t i, k;
    int type = b->rs->facts[fact].type;
    memset(&c, 0, sizeof c);
    if (w->bad_row != KNEE__NONE) {
        b->error_row = w->bad_row;
        fail(b, w->bad[w->bad_row], "row %zu: %s", w->bad_row, w->msg);
        if (mode != KNEE_BATCH_MARK_ROW) {
            discard_row_msgs(b, w);
            return w->bad[w->bad_row];
        }
    } else {
        b->errmsg[0] = '\0';
    }
    if (b->msgs.failed || (w->offs_n && type == KNEE_FACT_SET &&
                           !(c.members = knee__calloc(w->offs_n, sizeof *c.members)))) {
        discard_row_msgs(b, w);
        return fail(b, KNEE_ENOMEM, "out of memory");
    }
    if (w->offs_n) {
        for (i = 0; i < b->n; i++) {
            knee__factval *v = &w->cells[i];
            if (!v->known)
                continue;
            if (type == KNEE_FACT_STRING)
                v->str = w->pool.s + w->offs[w->first[i]];
            else if (type == KNEE_FACT_SET)
                v->members = c.members + w->first[i];
        }
        for (k = 0; c.members && k < w->offs_n; k++)
            c.members[k] = w->pool.s + w->offs[k];
    }
    /* nothing can fail from here: install */
    c.cells = w->cells;
    c.pool = w->pool.s;
    w->cells = NULL;
    w->pool.s = NULL;
    column_free(&b->cols[fact]);
    b->cols[fact] = c;
    for (i = 0; i < b->n; i++)
        if (w->bad[i] != KNEE_OK && b->row_status[i] == KNEE_OK)
            b->row_status[i] = w->bad[i];
    return KNEE_OK;
}

/* Start a column call: the common checks and the builder. */
static int start(knee_batch *b, const void *values, const char *fact, int mode, int want1,
                 int want2, size_t *index, builder *w)
{
    int rc;
    b->error_row = KNEE__NONE;
    if ((mode != KNEE_BATCH_FAIL_COLUMN && mode != KNEE_BATCH_MARK_ROW) || (!values && b->n))
        return fail(b, KNEE_EINVAL, "no values or an unknown mode given");
    if ((rc = find(b, fact, want1, want2, index)) != KNEE_OK)
        return rc;
    if (builder_init(w, b, *index) != KNEE_OK)
        return fail(b, KNEE_ENOMEM, "out of memory");
    return KNEE_OK;
}

static int end(knee_batch *b, builder *w, size_t fact, int mode, int rc)
{
    if (rc == KNEE_OK) {
        rc = finish(b, w, fact, mode);
    } else {
        discard_row_msgs(b, w);
        fail(b, rc, "out of memory");
    }
    builder_release(w);
    return rc;
}

static void number_cell(knee_batch *b, builder *w, size_t fact, size_t row, double v)
{
    char msg[512];
    int rc;
    if ((rc = knee__check_number(b->rs, fact, v, msg, msg_cap(b, w, row))) != KNEE_OK) {
        bad_cell(b, w, row, rc, msg);
        return;
    }
    w->cells[row].num = v;
    w->cells[row].known = 1;
}

int knee_batch_set_numbers(knee_batch *b, const char *fact, const double *values, int mode)
{
    builder w;
    size_t f, i;
    int rc;
    if (!b)
        return KNEE_EINVAL;
    if ((rc = start(b, values, fact, mode, KNEE_FACT_NUMBER, KNEE_FACT_INTEGER, &f, &w)) != KNEE_OK)
        return rc;
    for (i = 0; i < b->n; i++)
        if (!isnan(values[i]))
            number_cell(b, &w, f, i, values[i]);
    return end(b, &w, f, mode, KNEE_OK);
}

int knee_batch_set_bools(knee_batch *b, const char *fact, const signed char *values, int mode)
{
    builder w;
    size_t f, i;
    int rc;
    if (!b)
        return KNEE_EINVAL;
    if ((rc = start(b, values, fact, mode, KNEE_FACT_BOOLEAN, 0, &f, &w)) != KNEE_OK)
        return rc;
    for (i = 0; i < b->n; i++)
        if (values[i] >= 0) {
            w.cells[i].boolean = values[i] > 0;
            w.cells[i].known = 1;
        }
    return end(b, &w, f, mode, KNEE_OK);
}

/* A string cell, checked like knee_patient_set_string. */
static int string_cell(knee_batch *b, builder *w, size_t fact, size_t row, const char *s)
{
    char msg[512];
    size_t n = strlen(s);
    int rc;
    w->first[row] = w->offs_n;
    if ((rc = knee__check_text(b->rs, fact, s, n, msg, msg_cap(b, w, row))) != KNEE_OK) {
        bad_cell(b, w, row, rc, msg);
        return KNEE_OK;
    }
    if (add_text(w, s, n) != KNEE_OK)
        return KNEE_ENOMEM;
    w->cells[row].str_len = n;
    w->cells[row].known = 1;
    return KNEE_OK;
}

int knee_batch_set_strings(knee_batch *b, const char *fact, const char *const *values, int mode)
{
    builder w;
    size_t f, i;
    int rc;
    if (!b)
        return KNEE_EINVAL;
    if ((rc = start(b, values, fact, mode, KNEE_FACT_STRING, 0, &f, &w)) != KNEE_OK)
        return rc;
    for (i = 0; i < b->n && rc == KNEE_OK; i++)
        if (values[i])
            rc = string_cell(b, &w, f, i, values[i]);
    return end(b, &w, f, mode, rc);
}

int knee_batch_set_members(knee_batch *b, const char *fact, const size_t *starts,
                           const char *const *members, const unsigned char *known, int mode)
{
    builder w;
    size_t f, i, k;
    int rc;
    if (!b)
        return KNEE_EINVAL;
    if ((rc = start(b, starts, fact, mode, KNEE_FACT_SET, 0, &f, &w)) != KNEE_OK)
        return rc;
    for (i = 0; i < b->n; i++)
        if (starts[i + 1] < starts[i] || (!members && starts[i + 1] > starts[i])) {
            builder_release(&w);
            return fail(b, KNEE_EINVAL, "row %zu: the member list's start and end are out of order",
                        i);
        }
    for (i = 0; i < b->n && rc != KNEE_ENOMEM; i++) {
        rc = KNEE_OK;
        w.first[i] = w.offs_n;
        if (known && !known[i])
            continue;
        w.cells[i].known = 1;
        for (k = starts[i]; k < starts[i + 1]; k++) {
            if (!members[k]) {
                char msg[512];
                snprintf(msg, sizeof msg, "fact '%s': no member given", b->rs->facts[f].id);
                bad_cell(b, &w, i, KNEE_EINVAL, msg);
                break;
            }
            if ((rc = add_member(b, &w, f, i, members[k], strlen(members[k]))) != KNEE_OK)
                break;
        }
    }
    return end(b, &w, f, mode, rc == KNEE_ENOMEM ? rc : KNEE_OK);
}

/* One text cell, read by the fact's type as knee_patient_set_text reads it. */
static int text_cell(knee_batch *b, builder *w, size_t fact, size_t row, const char *text)
{
    char msg[512];
    const char *s = text, *m;
    size_t n;
    double v;
    int rc, yes;
    switch (b->rs->facts[fact].type) {
    case KNEE_FACT_NUMBER:
    case KNEE_FACT_INTEGER:
        if ((rc = knee__parse_number(b->rs, fact, text, strlen(text), &v, msg,
                                     msg_cap(b, w, row))) != KNEE_OK)
            bad_cell(b, w, row, rc, msg);
        else
            number_cell(b, w, fact, row, v);
        return KNEE_OK;
    case KNEE_FACT_BOOLEAN:
        if ((rc = knee__parse_bool(b->rs, fact, text, &yes, msg, msg_cap(b, w, row))) != KNEE_OK) {
            bad_cell(b, w, row, rc, msg);
        } else {
            w->cells[row].boolean = yes;
            w->cells[row].known = 1;
        }
        return KNEE_OK;
    case KNEE_FACT_STRING:
        return string_cell(b, w, fact, row, text);
    default:
        w->first[row] = w->offs_n;
        w->cells[row].known = 1;
        while (knee__next_member(&s, &m, &n))
            if ((rc = add_member(b, w, fact, row, m, n)) != KNEE_OK)
                return rc == KNEE_ENOMEM ? rc : KNEE_OK;
        return KNEE_OK;
    }
}

int knee_batch_set_text(knee_batch *b, const char *fact, const char *const *values, int mode)
{
    builder w;
    size_t f, i;
    int rc;
    if (!b)
        return KNEE_EINVAL;
    if ((rc = start(b, values, fact, mode, 0, 0, &f, &w)) != KNEE_OK)
        return rc;
    for (i = 0; i < b->n && rc == KNEE_OK; i++) {
        w.first[i] = w.offs_n;
        if (values[i])
            rc = text_cell(b, &w, f, i, values[i]);
    }
    return end(b, &w, f, mode, rc);
}

/* ---- comparing rows -------------------------------------------------------------------------- */

/* Check the arguments and point p at the scratch result's fact array (filled per row). */
static int begin(const knee_ruleset *rs, const knee_batch *b, size_t first, size_t count,
                 knee_result **scratch, knee_result **own, knee_patient *p)
{
    *own = NULL;
    if (!rs || !b || b->rs != rs)
        return KNEE_EINVAL;
    if (first > b->n || count > b->n - first)
        return KNEE_ERANGE;
    if (!*scratch) {
        if (knee_result_new(own) != KNEE_OK)
            return KNEE_ENOMEM;
        *scratch = *own;
    }
    if (KNEE__RESERVE(*scratch, row_facts, rs->n_facts ? rs->n_facts : 1) != KNEE_OK) {
        knee_result_free(*own);
        *own = NULL;
        return KNEE_ENOMEM;
    }
    memset(p, 0, sizeof *p);
    p->rs = rs;
    p->facts = (*scratch)->row_facts;
    p->weights = b->weights;
    p->weight_set = b->weight_set;
    return KNEE_OK;
}

/* Fill p's facts with row i's values: a copy of one ready-made value per fact. */
static void load_row(const knee_batch *b, knee_patient *p, size_t i)
{
    size_t f;
    for (f = 0; f < b->rs->n_facts; f++) {
        if (b->cols[f].cells) {
            p->facts[f] = b->cols[f].cells[i];
        } else {
            memset(&p->facts[f], 0, sizeof p->facts[f]);
            p->facts[f].type = b->rs->facts[f].type;
        }
    }
}

/* Option t's cells of one row, as knee_compare_batch_ranges writes them (rc: the row's status). */
static void range_cells(const knee_result *r, int rc, size_t t, double *out)
{
    const knee__opt *o = &r->opts[t];
    const knee__range *g = &r->ranges[t];
    int ok = rc == KNEE_OK && !o->excluded, ranged = ok && r->has_ranges;
    out[0] = ok ? (double)o->rank : NAN;
    out[1] = ok ? o->score : NAN;
    out[2] = ranged ? g->low : NAN;
    out[3] = ranged ? g->high : NAN;
    out[4] = !ranged ? NAN : r->ranges_flat ? (double)o->rank : (double)g->best;
    out[5] = !ranged ? NAN : r->ranges_flat ? (double)o->rank : (double)g->worst;
}

/* Compare rows first .. first+count-1 and write ranks and scores, or (with ranges) the cells
 * of knee_compare_batch_ranges. */
static int compare_rows(const knee_ruleset *rs, const knee_batch *b, const knee_compare_options *o,
                        size_t first, size_t count, knee_result *scratch, int ranges, int *ranks,
                        double *scores, double *cells, int *status)
{
    knee_compare_options quick;
    knee_patient p;
    knee_result *own;
    size_t nt, k, t;
    int rc, ret = KNEE_OK;
    if ((rc = begin(rs, b, first, count, &scratch, &own, &p)) != KNEE_OK)
        return rc;
    /* Dominance and the analyses do not change ranks, scores or ranges: skipped. */
    if (o) {
        quick = *o;
    } else {
        knee__compare_options_init(&quick);
    }
    quick.dominance = KNEE_DOMINANCE_OFF;
    quick.smaa_samples = 0;
    quick.sensitivity = 0;
    quick.ranks_only = !ranges; /* nor do the rank ranges, unless asked for */
    nt = rs->n_options;
    for (k = 0; k < count; k++) {
        size_t i = first + k;
        rc = b->row_status[i];
        if (rc == KNEE_OK) {
            load_row(b, &p, i);
            rc = knee_compare_ex(rs, &p, &quick, scratch);
        }
        for (t = 0; t < nt; t++) {
            if (ranks)
                ranks[k * nt + t] = rc == KNEE_OK ? scratch->opts[t].rank : 0;
            if (scores)
                scores[k * nt + t] = rc == KNEE_OK ? scratch->opts[t].score : NAN;
            if (cells)
                range_cells(scratch, rc, t, cells + (k * nt + t) * KNEE_BATCH_RANGE_FIELDS);
        }
        if (status)
            status[k] = rc;
        if (rc != KNEE_OK && ret == KNEE_OK)
            ret = rc;
    }
    knee_result_free(own);
    return ret;
}

int knee_compare_batch(const knee_ruleset *rs, const knee_batch *b, const knee_compare_options *o,
                       size_t first, size_t count, knee_result *scratch, int *ranks, double *scores,
                       int *status)
{
    return compare_rows(rs, b, o, first, count, scratch, 0, ranks, scores, NULL, status);
}

int knee_compare_batch_ranges(const knee_ruleset *rs, const knee_batch *b,
                              const knee_compare_options *o, size_t first, size_t count,
                              knee_result *scratch, double *cells, int *status)
{
    return compare_rows(rs, b, o, first, count, scratch, 1, NULL, NULL, cells, status);
}

int knee_compare_batch_json(const knee_ruleset *rs, const knee_batch *b,
                            const knee_compare_options *o, size_t first, size_t count,
                            knee_result *scratch, char **out, size_t *len, size_t *offsets,
                            int *status)
{
    knee__strbuf sb;
    knee_patient p;
    knee_result *own;
    size_t k;
    int rc, ret = KNEE_OK;
    if (len)
        *len = 0;
    if (!out || !offsets)
        return KNEE_EINVAL;
    *out = NULL;
    if ((rc = begin(rs, b, first, count, &scratch, &own, &p)) != KNEE_OK)
        return rc;
    knee__sb_init(&sb);
    if (!(sb.nums = knee__calloc(1, sizeof *sb.nums))) /* shared by every row: few misses */
        sb.failed = 1;
    for (k = 0; k < count && !sb.failed; k++) {
        size_t i = first + k;
        offsets[k] = sb.len;
        rc = b->row_status[i];
        if (rc == KNEE_OK) {
            load_row(b, &p, i);
            rc = knee_compare_ex(rs, &p, o, scratch);
        }
        if (rc == KNEE_ENOMEM)
            sb.failed = 1;
        else if (rc == KNEE_OK)
            knee__result_json(&sb, scratch);
        /* rows' texts are about the same size: grow once, not by doubling copies */
        if (k == 0 && sb.len && count > 1 && sb.len < ((size_t)-1) / 2 / count)
            knee__grow((void **)&sb.s, &sb.cap, sb.len + sb.len * count * 9 / 8 + 1, 1);
        if (status)
            status[k] = rc;
        if (rc != KNEE_OK && ret == KNEE_OK)
            ret = rc;
    }
    offsets[count] = sb.len;
    knee_result_free(own);
    knee__dealloc(sb.nums);
    if (knee__sb_finish(&sb, out, len) != KNEE_OK)
        return KNEE_ENOMEM;
    return ret;
}
