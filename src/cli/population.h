/* population.h - what the files of `knee compare --patients` share: the chunk of rows that
 * travels from the reader to a worker to the writer, its scoring as a batch, and the per-row
 * path for the rows a batch does not take. */
#ifndef KNEE_CLI_POPULATION_H
#define KNEE_CLI_POPULATION_H

#include <jansson.h>

#include "cli/cli.h"

/* A chunk closes at this many rows or this much cell text, whichever comes first, and holds
 * fewer rows when their output would pass POP_CHUNK_OUT_BYTES (a large rule file with --full
 * writes megabytes a row): the bounded ring of chunks is all the memory a run needs, whatever
 * the size of the input or of the rule file. */
#define POP_CHUNK_ROWS 256
#define POP_CHUNK_BYTES (256 * 1024)
#define POP_CHUNK_OUT_BYTES (1024 * 1024)

/* Text is built in util/strbuf.h's knee__strbuf, the library's own growable string. */

/* One input row. */
typedef struct pop_row {
    unsigned long long number; /* data rows counted from 1 in input order */
    unsigned long line;        /* the line of the input it starts on */
    size_t first_field, n_fields;
    /* a problem the reader found (csv-quote, csv-too-long, line-too-long) or NULL */
    const char *read_code;
    size_t read_column;
    unsigned long read_line;
    size_t read_message; /* offset of the message in the chunk's text */
    /* filled by the worker */
    int failed;
    size_t out_end, err_end; /* where the row's output and messages end in out and err */
} pop_row;

typedef struct pop_chunk {
    int state;
    pop_row rows[POP_CHUNK_ROWS];
    size_t n_rows;
    cli_csv_field *fields; /* the rows' cells; text at text + offset */
    size_t n_fields, fields_cap;
    char *text;
    size_t text_len, text_cap;
    unsigned long long bytes_end; /* input bytes consumed when the chunk closed */
    knee__strbuf out, err;        /* output rows, and messages for stderr */
} pop_chunk;

/* What every worker reads and nobody changes once the run starts. */
typedef struct pop_shared {
    const cli_population *pop;
    const knee_ruleset *rs;
    const char *input_name; /* for messages: the file name, or "-" */
    int input_format, output_format;
    /* CSV: the header's names, and for each column the fact it sets (NULL: none) */
    char **columns;
    const char **column_fact;
    size_t n_columns;
    long id_column;     /* CSV: the id column's index, or -1 */
    const char *id_key; /* JSON lines: the id member's name */
    size_t *tie_order;  /* the option indices in the order a result lists ties (the library's) */
} pop_shared;

/* One worker's objects, on the shared ruleset. A chunk's rows are scored together as one
 * knee_batch (the library's population engine); a row the batch cannot take as it is (a bad
 * cell, a failed comparison, a JSON value of another kind than its column's) takes the
 * per-row path on the worker's patient, which words every problem of the row. */
typedef struct pop_worker {
    const pop_shared *sh;
    void *pipeline;  /* the run it works for (population.c) */
    knee_patient *p; /* the per-row path's patient; its weights are every batch's */
    knee_result *r;
    knee_compare_options *opts;
    /* per row of the chunk being scored */
    unsigned char *slow; /* the row takes the per-row path */
    int *status;
    int *rank;       /* rows x options in rule-file order: 1-based, 0 when excluded */
    double *score;   /* the same cells' scores */
    char *json;      /* --full: every row's result, row k's from json_at[k] to json_at[k + 1] */
    size_t *json_at; /* rows + 1 */
    const char **values;
    size_t *order, *count; /* one row's options in the result's order */
    /* JSON lines: the chunk's cells, fact by fact (kind: 0 none, else POP_CELL_*) */
    knee__strbuf text;      /* the cells' text and the rows' ids, each ending in NUL */
    size_t *id_at, *id_len; /* per row: where its id is in text ((size_t)-1: none) */
    unsigned char *kind;    /* per fact */
    size_t *cell_at;        /* facts x rows: where a text cell is in text ((size_t)-1: none) */
    double *cell_num;       /* facts x rows: a number cell, NaN when unknown */
    size_t *used, n_used;   /* the facts with cells in the chunk */
    size_t *touched;        /* the per-row path's facts set by its last JSON row, to unset */
    size_t n_touched;
} pop_worker;

/* What a row has found so far. */
typedef struct pop_row_state {
    const char *id; /* the id cell's text, or NULL */
    size_t id_len;
    int n_problems;
    const char *code; /* the first problem */
    unsigned long line;
    size_t column;
    char message[600];
} pop_row_state;

/* The per-row path (population_row.c): check the row's cells one by one on w's patient, with a
 * problem line on c->err for each bad one, and compare it when they are all good: its ranks and
 * scores into rank and score (rule-file order) and, with --full, its result's JSON into *json
 * (freed with knee_free; NULL otherwise). id_text holds a JSON row's id. */
void pop_row_path(pop_worker *w, pop_chunk *c, pop_row *row, pop_row_state *st,
                  knee__strbuf *id_text, int *rank, double *score, char **json);
/* The CSV row's id cell into st. */
void pop_csv_id(const pop_worker *w, const pop_chunk *c, const pop_row *row, pop_row_state *st);
/* Write a row's output row: its first problem, or its ranks and scores (and json, len bytes,
 * with --full). */
void pop_write_row(pop_worker *w, knee__strbuf *out, const pop_row *row, const pop_row_state *st,
                   const int *rank, const double *score, const char *json, size_t len);
/* w->r's ranks and scores in rule-file order, and with --full its JSON (*json, freed with
 * knee_free). KNEE_OK, or KNEE_ENOMEM with *json NULL. */
int pop_result_cells(pop_worker *w, int *rank, double *score, char **json);
/* A JSON number as written out ("1", "0.5", "1.0"), for a boolean fact reading it as text. */
void pop_number_text(const json_t *v, char *out, size_t size);

/* The shared option order (sh->tie_order): 0, or -1 when out of memory. */
int pop_list_options(pop_shared *sh);
/* Make a worker's arrays (its patient, result and options are made by the caller): 0, or -1
 * when out of memory. pop_worker_release frees everything of the worker. */
int pop_worker_init(pop_worker *w);
void pop_worker_release(pop_worker *w);
/* The output's header line (CSV), or nothing (JSON lines). */
void pop_write_header(const pop_shared *sh, knee__strbuf *out);
/* Score every row of a chunk: output rows into c->out, messages into c->err. */
void pop_score_chunk(pop_worker *w, pop_chunk *c);
/* The size of the output row of a patient with no facts (0 if the comparison fails), compared
 * on w's fresh patient: the estimate of a row's output that sizes the first chunks. */
size_t pop_probe_row_bytes(pop_worker *w);
/* The library's "did you mean ...?" for a name that is not a fact (": did you mean 'age'?"),
 * or "" when no fact is near; borrowed from p until its next call. */
const char *pop_fact_hint(knee_patient *p, const char *name);

#endif
