/* population.h - what the files of `knee compare --patients` share: the chunk of rows that
 * travels from the reader to a worker to the writer, and the scoring of one row. */
#ifndef KNEE_CLI_POPULATION_H
#define KNEE_CLI_POPULATION_H

#include "cli/cli.h"

/* A chunk closes at this many rows or this much cell text, whichever comes first, and holds
 * fewer rows when their output would pass POP_CHUNK_OUT_BYTES (a large rule file with --full
 * writes megabytes a row): the bounded ring of chunks is all the memory a run needs, whatever
 * the size of the input or of the rule file. */
#define POP_CHUNK_ROWS 256
#define POP_CHUNK_BYTES (256 * 1024)
#define POP_CHUNK_OUT_BYTES (1024 * 1024)

/* Growable text; oom is set (and further appends ignored) when an allocation fails. */
typedef struct pop_buf {
    char *data;
    size_t len, cap;
    int oom;
} pop_buf;

void pop_buf_add(pop_buf *b, const char *s, size_t n);
void pop_buf_str(pop_buf *b, const char *s);
void pop_buf_printf(pop_buf *b, const char *fmt, ...) CLI_PRINTF(2, 3);
void pop_buf_free(pop_buf *b);

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
    pop_buf out, err;             /* output rows, and messages for stderr */
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
} pop_shared;

/* One worker's objects: a patient, a result and options of its own, on the shared ruleset. */
typedef struct pop_worker {
    const pop_shared *sh;
    void *pipeline; /* the run it works for (population.c) */
    knee_patient *p;
    knee_result *r;
    knee_compare_options *opts;
    /* result option id (pointer) -> ruleset option index, open addressing */
    const char **option_ptr;
    long *option_index;
    size_t option_slots, option_used;
    int *rank; /* per ruleset option, for the CSV's columns */
    double *score;
    size_t *touched; /* JSON lines: the facts the last row set, to unset */
    size_t n_touched;
} pop_worker;

/* The output's header line (CSV), or nothing (JSON lines). */
void pop_write_header(const pop_shared *sh, pop_buf *out);
/* Score every row of a chunk: output rows into c->out, messages into c->err. */
void pop_score_chunk(pop_worker *w, pop_chunk *c);
/* The size of the output row of a patient with no facts (0 if the comparison fails), compared
 * on w's fresh patient: the estimate of a row's output that sizes the first chunks. */
size_t pop_probe_row_bytes(pop_worker *w);
/* The library's "did you mean ...?" for a name that is not a fact (": did you mean 'age'?"),
 * or "" when no fact is near; borrowed from p until its next call. */
const char *pop_fact_hint(knee_patient *p, const char *name);

#endif
