/* population.c - `knee compare --patients FILE`: score a whole file of patients.
 *
 * One reader thread cuts the input into chunks of rows, N worker threads score chunks (each
 * with its own patient, result and options on the one shared ruleset), and the calling thread
 * writes the chunks' output in input order. The chunks live in a ring of 2N+2 slots, so memory
 * stays bounded whatever the size of the input, and the output is the same bytes for any N. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/population.h"

#define SLOT_FREE 0  /* the reader may fill it */
#define SLOT_READY 1 /* filled, waiting for a worker */
#define SLOT_WORKING 2
#define SLOT_DONE 3 /* scored, waiting for the writer */

#define MAX_THREADS 256

typedef struct pipeline {
    pop_shared sh;
    FILE *in;
    cli_output out;
    cli_csv *csv;
    cli_csv_record rec;
    unsigned long long input_size; /* 0 when unknown (a pipe) */
    pop_chunk *slots;
    size_t n_slots;
    pop_worker *workers;
    size_t n_workers;
    pthread_t reader, *threads;
    int reader_started;
    size_t started; /* worker threads running */
    pthread_mutex_t lock;
    pthread_cond_t slot_free, slot_ready, slot_done;
    unsigned long long filled, taken, written; /* chunk sequence numbers */
    unsigned long long rows_read;
    size_t row_bytes;  /* the largest output row seen (or foreseen) */
    size_t chunk_rows; /* rows a chunk may take, from row_bytes */
    int input_done, stop;
    int read_failure; /* 0, -1 (read error) or -2 (out of memory) */
    int interrupted;  /* the signal that stopped the writer, or 0 */
    /* counts of the rows written, kept by the writer */
    unsigned long long rows_out, rows_failed;
    unsigned long long errors_shown; /* problem lines written to stderr (--max-errors) */
    int errors_capped;               /* the --max-errors notice was printed */
    unsigned long stopped_line;
} pipeline;

/* ---- the reader --------------------------------------------------------------------------- */

static int add_chunk_text(pop_chunk *c, const char *s, size_t n)
{
    if (c->text_len + n > c->text_cap &&
        knee__grow((void **)&c->text, &c->text_cap, c->text_len + n, 1) != 0)
        return -1;
    memcpy(c->text + c->text_len, s, n);
    c->text_len += n;
    return 0;
}

/* Append the record just read to the chunk as a row. */
static int add_row(pipeline *pl, pop_chunk *c)
{
    cli_csv_record *rec = &pl->rec;
    pop_row *row = &c->rows[c->n_rows];
    size_t base = c->text_len, k;

    if (knee__grow((void **)&c->fields, &c->fields_cap, c->n_fields + rec->n_fields,
                   sizeof *c->fields) != 0)
        return -1;
    if (add_chunk_text(c, rec->text, rec->text_len) != 0)
        return -1;
    memset(row, 0, sizeof *row);
    row->number = ++pl->rows_read;
    row->line = rec->line;
    row->first_field = c->n_fields;
    row->n_fields = rec->n_fields;
    for (k = 0; k < rec->n_fields; k++) {
        c->fields[c->n_fields] = rec->fields[k];
        c->fields[c->n_fields].offset += base;
        c->n_fields++;
    }
    if (rec->error_code) {
        row->read_code = rec->error_code;
        row->read_column = rec->error_column;
        row->read_line = rec->error_line;
        row->read_message = c->text_len;
        if (add_chunk_text(c, rec->error_message, strlen(rec->error_message) + 1) != 0)
            return -1;
    }
    c->n_rows++;
    return 0;
}

static int read_record(pipeline *pl)
{
    return pl->sh.input_format == CLI_POP_JSONL ? cli_csv_next_line(pl->csv, &pl->rec)
                                                : cli_csv_next(pl->csv, &pl->rec);
}

static void *reader_main(void *arg)
{
    pipeline *pl = arg;
    int end = 0;

    while (!end) {
        pop_chunk *c;
        size_t limit;
        pthread_mutex_lock(&pl->lock);
        while (!pl->stop && pl->slots[pl->filled % pl->n_slots].state != SLOT_FREE)
            pthread_cond_wait(&pl->slot_free, &pl->lock);
        if (pl->stop) {
            pthread_mutex_unlock(&pl->lock);
            break;
        }
        c = &pl->slots[pl->filled % pl->n_slots];
        limit = pl->chunk_rows;
        pthread_mutex_unlock(&pl->lock);

        /* The slot is the reader's alone until it is marked ready. */
        c->n_rows = c->n_fields = c->text_len = 0;
        while (c->n_rows < limit && c->text_len < POP_CHUNK_BYTES) {
            int rc = read_record(pl);
            if (rc == 1 && add_row(pl, c) != 0)
                rc = -2;
            if (rc != 1) {
                end = 1;
                pl->read_failure = rc < 0 ? rc : 0;
                break;
            }
        }
        c->bytes_end = cli_csv_bytes(pl->csv);

        pthread_mutex_lock(&pl->lock);
        if (c->n_rows) {
            c->state = SLOT_READY;
            pl->filled++;
            pthread_cond_signal(&pl->slot_ready);
        }
        if (end) {
            pl->input_done = 1;
            pthread_cond_broadcast(&pl->slot_ready);
            pthread_cond_broadcast(&pl->slot_done);
        }
        pthread_mutex_unlock(&pl->lock);
    }
    return NULL;
}

/* ---- the workers -------------------------------------------------------------------------- */

/* Rows per chunk for output rows of up to row_bytes each: the chunk's output stays within
 * POP_CHUNK_OUT_BYTES, or is one row. */
static size_t rows_for(size_t row_bytes)
{
    size_t n = row_bytes ? POP_CHUNK_OUT_BYTES / row_bytes : POP_CHUNK_ROWS;
    return n < 1 ? 1 : n > POP_CHUNK_ROWS ? POP_CHUNK_ROWS : n;
}

/* The largest output row of a scored chunk. */
static size_t largest_row(const pop_chunk *c)
{
    size_t i, prev = 0, most = 0;
    for (i = 0; i < c->n_rows; i++) {
        if (c->rows[i].out_end - prev > most)
            most = c->rows[i].out_end - prev;
        prev = c->rows[i].out_end;
    }
    return most;
}

static void *worker_main(void *arg)
{
    pop_worker *w = arg;
    pipeline *pl = w->pipeline;

    pthread_mutex_lock(&pl->lock);
    for (;;) {
        pop_chunk *c;
        size_t most;
        while (!pl->stop && pl->taken == pl->filled && !pl->input_done)
            pthread_cond_wait(&pl->slot_ready, &pl->lock);
        if (pl->stop || pl->taken == pl->filled)
            break;
        c = &pl->slots[pl->taken % pl->n_slots];
        pl->taken++;
        c->state = SLOT_WORKING;
        pthread_mutex_unlock(&pl->lock);
        pop_score_chunk(w, c);
        most = largest_row(c);
        pthread_mutex_lock(&pl->lock);
        if (most > pl->row_bytes) { /* rows bigger than foreseen: smaller chunks from now on */
            pl->row_bytes = most;
            pl->chunk_rows = rows_for(most);
        }
        c->state = SLOT_DONE;
        pthread_cond_broadcast(&pl->slot_done);
    }
    pthread_mutex_unlock(&pl->lock);
    return NULL;
}

/* ---- progress and the summary ------------------------------------------------------------- */

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void show_progress(const pipeline *pl, double elapsed, unsigned long long bytes)
{
    char rows[64], rate[64];
    knee__num_text(rows, sizeof rows, (double)pl->rows_out, 0, 1);
    knee__num_text(rate, sizeof rate, elapsed > 0 ? (double)pl->rows_out / elapsed : 0, 0, 1);
    if (pl->input_size) {
        double f = (double)bytes / (double)pl->input_size;
        int bar = (int)(f * 30 + 0.5), k;
        fputs("\r[", stderr);
        for (k = 0; k < 30; k++)
            fputc(k < bar ? '#' : ' ', stderr);
        fprintf(stderr, "] %3d%%  %s rows  %s rows/s ", (int)(f * 100), rows, rate);
    } else {
        fprintf(stderr, "\r%s rows  %s rows/s ", rows, rate);
    }
    fflush(stderr);
}

static void clear_progress(void)
{
    fputs("\r\033[K", stderr);
}

/* ---- the writer --------------------------------------------------------------------------- */

/* Write a chunk's problem lines to stderr, up to --max-errors lines in the whole run; at the
 * first line over it, one notice instead. The writer sees the chunks in input order, so the
 * lines shown are the same for any number of threads. */
static void write_problems(pipeline *pl, const char *text, size_t len)
{
    unsigned long long max = pl->sh.pop->max_errors;
    size_t shown = len;

    if (max) {
        const char *p = text, *end = text + len, *nl;
        while (p < end && pl->errors_shown < max && (nl = memchr(p, '\n', (size_t)(end - p)))) {
            p = nl + 1;
            pl->errors_shown++;
        }
        shown = (size_t)(p - text);
    }
    fwrite(text, 1, shown, stderr);
    if (shown < len) {
        fprintf(stderr,
                "knee: %s: %llu problem%s shown; further ones are reported only in the "
                "output rows (status error; --max-errors 0 shows them all)\n",
                pl->sh.input_name, max, max == 1 ? "" : "s");
        pl->errors_capped = 1;
    }
}

/* Write a chunk's rows (up to the first failed one with --strict), and count them once they
 * have reached the output: the summary counts only rows written. Returns 0, or -1 when the
 * output failed. */
static int write_chunk(pipeline *pl, pop_chunk *c, int progress)
{
    size_t out_len = c->out.len, err_len = c->err.len, n = c->n_rows, i;
    unsigned long long failed = 0;
    unsigned long stopped = 0;

    if (c->out.failed || c->err.failed) {
        fputs("knee: out of memory\n", stderr);
        return -1;
    }
    for (i = 0; i < c->n_rows; i++) {
        if (c->rows[i].failed)
            failed++;
        if (c->rows[i].failed && pl->sh.pop->strict) {
            n = i + 1;
            out_len = c->rows[i].out_end;
            err_len = c->rows[i].err_end;
            stopped = c->rows[i].line;
            break;
        }
    }
    if (err_len && !pl->errors_capped) {
        if (progress)
            clear_progress();
        write_problems(pl, c->err.s, err_len);
    }
    /* A whole chunk at a time, pushed out at once: the output ends at a whole row whenever
     * the run stops, and a write error is seen before the rows are counted. */
    if (cli_output_write(&pl->out, c->out.s, out_len) != 0 || cli_output_flush(&pl->out) != 0)
        return -1;
    pl->rows_out += n;
    pl->rows_failed += failed;
    pl->stopped_line = stopped;
    return 0;
}

/* Wait for a worker to finish a chunk, waking now and then to see whether a signal asked the
 * run to stop. Called with the lock held. */
static void wait_done(pipeline *pl)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    t.tv_nsec += 100 * 1000 * 1000;
    if (t.tv_nsec >= 1000 * 1000 * 1000) {
        t.tv_sec++;
        t.tv_nsec -= 1000 * 1000 * 1000;
    }
    pthread_cond_timedwait(&pl->slot_done, &pl->lock, &t);
}

/* Write the chunks in input order until the input ends, a write fails, --strict stops the run
 * or a signal interrupts it (then the last chunk written is whole). Returns 0, or -1 when the
 * output failed. */
static int write_all(pipeline *pl, int progress, double start)
{
    double last = start;
    int rc = 0;

    pthread_mutex_lock(&pl->lock);
    for (;;) {
        pop_chunk *c;
        while (!pl->stop && !cli_interrupted() &&
               !(pl->written < pl->filled &&
                 pl->slots[pl->written % pl->n_slots].state == SLOT_DONE) &&
               !(pl->input_done && pl->written == pl->filled))
            wait_done(pl);
        if ((pl->interrupted = cli_interrupted()) != 0 || pl->stop || pl->written == pl->filled)
            break;
        c = &pl->slots[pl->written % pl->n_slots];
        pthread_mutex_unlock(&pl->lock);

        if (write_chunk(pl, c, progress) != 0)
            rc = -1;
        if (progress && rc == 0) {
            double t = now_seconds();
            if (t - last >= 0.2) {
                show_progress(pl, t - start, c->bytes_end);
                last = t;
            }
        }

        pthread_mutex_lock(&pl->lock);
        c->state = SLOT_FREE;
        pl->written++;
        if (rc != 0 || pl->stopped_line) {
            pl->stop = 1;
            pthread_cond_broadcast(&pl->slot_ready);
        }
        pthread_cond_broadcast(&pl->slot_free);
    }
    pthread_mutex_unlock(&pl->lock);
    return rc;
}

/* ---- setting up --------------------------------------------------------------------------- */

/* "name.csv" -> CLI_POP_CSV; .jsonl and .ndjson -> CLI_POP_JSONL; else 0. */
static int format_of(const char *name)
{
    const char *dot = name ? strrchr(name, '.') : NULL;
    if (!dot)
        return 0;
    if (strcmp(dot, ".jsonl") == 0 || strcmp(dot, ".ndjson") == 0)
        return CLI_POP_JSONL;
    if (strcmp(dot, ".csv") == 0)
        return CLI_POP_CSV;
    return 0;
}

/* Read the CSV header: every column must be a fact, the id column or (with
 * --ignore-unknown-columns) is skipped. CLI_EXIT_OK, or CLI_EXIT_FAIL after a message. */
static int read_header(pipeline *pl)
{
    pop_shared *sh = &pl->sh;
    const char *id_name = sh->pop->id_column ? sh->pop->id_column : "id";
    size_t k, j, unknown = 0;
    knee_patient *hints = NULL; /* for the library's "did you mean" on an unknown column */
    int rc = cli_csv_next(pl->csv, &pl->rec);

    if (rc == 0) {
        fprintf(stderr,
                "knee: %s: the input is empty (a CSV file needs a header row of fact ids)\n",
                sh->input_name);
        return CLI_EXIT_FAIL;
    }
    if (rc < 0)
        return cli_fail(sh->input_name, rc == -2 ? KNEE_ENOMEM : KNEE_EIO, NULL);
    if (pl->rec.error_code) {
        fprintf(stderr, "%s:%lu:%zu: %s: %s (in the header row)\n", sh->input_name,
                pl->rec.error_line, pl->rec.error_column, pl->rec.error_code,
                pl->rec.error_message);
        return CLI_EXIT_FAIL;
    }
    sh->n_columns = pl->rec.n_fields;
    sh->columns = calloc(sh->n_columns, sizeof *sh->columns);
    sh->column_fact = calloc(sh->n_columns, sizeof *sh->column_fact);
    if (!sh->columns || !sh->column_fact)
        return cli_fail("header", KNEE_ENOMEM, NULL);
    sh->id_column = -1;
    for (k = 0; k < sh->n_columns; k++) {
        const char *name = pl->rec.text + pl->rec.fields[k].offset;
        size_t fact;
        if (!(sh->columns[k] = strdup(name))) {
            knee_patient_free(hints);
            return cli_fail("header", KNEE_ENOMEM, NULL);
        }
        for (j = 0; j < k; j++) {
            if (strcmp(sh->columns[j], name) == 0) {
                fprintf(stderr, "%s:%lu:%zu: csv-header: column %zu '%s' repeats column %zu\n",
                        sh->input_name, pl->rec.fields[k].line, k + 1, k + 1, name, j + 1);
                knee_patient_free(hints);
                return CLI_EXIT_FAIL;
            }
        }
        if (strcmp(name, id_name) == 0) {
            sh->id_column = (long)k;
        } else if ((fact = knee_ruleset_fact_index(sh->rs, name)) != (size_t)-1) {
            sh->column_fact[k] = knee_ruleset_fact_id(sh->rs, fact);
        } else if (!sh->pop->ignore_unknown) {
            if (!hints && knee_patient_new(&hints, sh->rs) != KNEE_OK)
                return cli_fail("header", KNEE_ENOMEM, NULL);
            fprintf(stderr, "%s:%lu:%zu: unknown-column: column %zu '%s' is not a fact of %s%s\n",
                    sh->input_name, pl->rec.fields[k].line, k + 1, k + 1, name,
                    knee_ruleset_name(sh->rs), pop_fact_hint(hints, name));
            unknown++;
        }
    }
    knee_patient_free(hints);
    if (unknown) {
        fprintf(stderr,
                "knee: %s: %zu column%s not %s of the rules (--ignore-unknown-columns "
                "skips unknown columns; --id-column names the id column)\n",
                sh->input_name, unknown, unknown == 1 ? " is" : "s are",
                unknown == 1 ? "a fact" : "facts");
        return CLI_EXIT_FAIL;
    }
    if (sh->pop->id_column && sh->id_column < 0) {
        fprintf(stderr, "knee: %s: no column '%s' (--id-column)\n", sh->input_name, id_name);
        return CLI_EXIT_FAIL;
    }
    return CLI_EXIT_OK;
}

static int make_workers(pipeline *pl, cli_session *s, size_t n)
{
    size_t k;
    int status;

    if (!(pl->workers = calloc(n, sizeof *pl->workers)))
        return cli_fail("threads", KNEE_ENOMEM, NULL);
    pl->n_workers = n;
    for (k = 0; k < n; k++) {
        pop_worker *w = &pl->workers[k];
        w->sh = &pl->sh;
        w->pipeline = pl;
        if ((status = knee_patient_new(&w->p, pl->sh.rs)) != KNEE_OK)
            return cli_fail("patient", status, NULL);
        if ((status = knee_result_new(&w->r)) != KNEE_OK)
            return cli_fail("result", status, NULL);
        if (cli_session_apply_weights(s, w->p) != CLI_EXIT_OK)
            return CLI_EXIT_FAIL;
        if (!(w->opts = cli_session_make_options(s)))
            return CLI_EXIT_FAIL;
        if (pop_worker_init(w) != 0)
            return cli_fail("threads", KNEE_ENOMEM, NULL);
    }
    return CLI_EXIT_OK;
}

static void release(pipeline *pl)
{
    size_t k;
    for (k = 0; k < pl->n_workers; k++)
        pop_worker_release(&pl->workers[k]);
    free(pl->workers);
    for (k = 0; k < pl->n_slots; k++) {
        free(pl->slots[k].fields);
        free(pl->slots[k].text);
        knee__sb_release(&pl->slots[k].out);
        knee__sb_release(&pl->slots[k].err);
    }
    free(pl->slots);
    for (k = 0; k < pl->sh.n_columns && pl->sh.columns; k++)
        free(pl->sh.columns[k]);
    free(pl->sh.columns);
    free(pl->sh.column_fact);
    free(pl->sh.tie_order);
    cli_csv_record_release(&pl->rec);
    cli_csv_free(pl->csv);
    if (pl->in && pl->in != stdin)
        fclose(pl->in);
}

static void print_summary(const pipeline *pl, double seconds)
{
    char rows[64], ok[64], failed[64], rate[64], secs[64];
    knee__num_text(rows, sizeof rows, (double)pl->rows_out, 0, 1);
    knee__num_text(ok, sizeof ok, (double)(pl->rows_out - pl->rows_failed), 0, 1);
    knee__num_text(failed, sizeof failed, (double)pl->rows_failed, 0, 1);
    knee__num_text(rate, sizeof rate, seconds > 0 ? (double)pl->rows_out / seconds : 0, 0, 1);
    knee__num_text(secs, sizeof secs, seconds, 2, 0);
    fprintf(stderr, "knee: %s: %s row%s: %s scored, %s failed, in %s s (%s patients/s)\n",
            pl->sh.input_name, rows, pl->rows_out == 1 ? "" : "s", ok, failed, secs, rate);
}

/* A signal stopped the writer: the output so far ends at a whole row. Standard output keeps
 * those rows; a file is not written (its temporary file is removed). Then die of the signal,
 * without waiting for a reader that may be blocked on its input. */
static void stop_interrupted(pipeline *pl)
{
    char rows[64];
    knee__num_text(rows, sizeof rows, (double)pl->rows_out, 0, 1);
    if (pl->out.temp) {
        cli_output_discard(&pl->out);
        fprintf(stderr, "knee: %s: interrupted (%s); %s not written\n", pl->sh.input_name,
                cli_signal_name(pl->interrupted), pl->sh.pop->output);
    } else {
        fflush(pl->out.f);
        fprintf(stderr, "knee: %s: interrupted (%s) after %s row%s written\n", pl->sh.input_name,
                cli_signal_name(pl->interrupted), rows, pl->rows_out == 1 ? "" : "s");
    }
    cli_die_of_signal(pl->interrupted);
}

/* The run's settings from the command line, and the rules. CLI_EXIT_OK, or the exit status after
 * a message; nothing to release either way. */
static int prepare(pipeline *pl, cli_session *s, const cli_population *pop, size_t *n_threads)
{
    const char *inputs[2];
    int rc;

    pl->sh.pop = pop;
    pl->sh.input_name = strcmp(pop->input, "-") == 0 ? "<stdin>" : pop->input;
    pl->sh.id_key = pop->id_column ? pop->id_column : "id";
    pl->sh.input_format = pop->input_format       ? pop->input_format
                          : format_of(pop->input) ? format_of(pop->input)
                                                  : CLI_POP_CSV;
    pl->sh.output_format = pop->output_format       ? pop->output_format
                           : format_of(pop->output) ? format_of(pop->output)
                                                    : CLI_POP_CSV;
    if (pop->full && pl->sh.output_format != CLI_POP_JSONL)
        return cli_usage_error("--full goes with JSON lines output (--format jsonl)");
    inputs[0] = pop->input;
    inputs[1] = s->rules;
    if ((rc = cli_output_refuse_inputs(pop->output, inputs, 2)) != CLI_EXIT_OK)
        return rc;
    *n_threads = pop->threads > 0 ? (size_t)pop->threads : (size_t)sysconf(_SC_NPROCESSORS_ONLN);
    if (*n_threads < 1)
        *n_threads = 1;
    if (*n_threads > MAX_THREADS)
        *n_threads = MAX_THREADS;
    if (!(s->rs = cli_load_rules(s->rules)))
        return CLI_EXIT_FAIL;
    pl->sh.rs = s->rs;
    return CLI_EXIT_OK;
}

/* Open the input (and read the CSV header), make the workers and the ring, open the output and
 * write its header (*out_failed when that fails). CLI_EXIT_OK, or CLI_EXIT_FAIL after a message;
 * release() frees what was made. */
static int open_run(pipeline *pl, cli_session *s, size_t n_threads, int *out_failed)
{
    const cli_population *pop = pl->sh.pop;
    struct stat st;
    knee__strbuf header = {0};

    if (strcmp(pop->input, "-") == 0) {
        pl->in = stdin;
    } else if (!(pl->in = fopen(pop->input, "rb"))) {
        fprintf(stderr, "knee: %s: %s\n", pop->input, strerror(errno));
        return CLI_EXIT_FAIL;
    }
    if (fstat(fileno(pl->in), &st) == 0 && S_ISREG(st.st_mode))
        pl->input_size = (unsigned long long)st.st_size;
    if (!(pl->csv = cli_csv_new(pl->in)))
        return cli_fail("input", KNEE_ENOMEM, NULL);
    if (pl->sh.input_format == CLI_POP_CSV && read_header(pl) != CLI_EXIT_OK)
        return CLI_EXIT_FAIL;
    if (pop_list_options(&pl->sh) != 0)
        return cli_fail("options", KNEE_ENOMEM, NULL);
    if (make_workers(pl, s, n_threads) != CLI_EXIT_OK)
        return CLI_EXIT_FAIL;
    pl->row_bytes = pop_probe_row_bytes(&pl->workers[0]);
    pl->chunk_rows = rows_for(pl->row_bytes);
    pl->n_slots = 2 * n_threads + 2;
    if (!(pl->slots = calloc(pl->n_slots, sizeof *pl->slots)) ||
        !(pl->threads = calloc(n_threads, sizeof *pl->threads)))
        return cli_fail("threads", KNEE_ENOMEM, NULL);
    if (cli_output_open(&pl->out, pop->output) != CLI_EXIT_OK)
        return CLI_EXIT_FAIL;
    /* From here a signal only stops the writer at a whole row (stop_interrupted). */
    cli_signals_defer(1);
    pop_write_header(&pl->sh, &header);
    if (header.failed || cli_output_write(&pl->out, header.s, header.len) != 0 ||
        cli_output_flush(&pl->out) != 0)
        *out_failed = 1;
    knee__sb_release(&header);
    return CLI_EXIT_OK;
}

/* Start the reader and the workers: 0, or -1 after a message (stop_threads ends those begun). */
static int start_threads(pipeline *pl, size_t n_threads)
{
    size_t k;
    if (pthread_create(&pl->reader, NULL, reader_main, pl) != 0) {
        fputs("knee: cannot start a thread\n", stderr);
        return -1;
    }
    pl->reader_started = 1;
    for (k = 0; k < n_threads; k++) {
        if (pthread_create(&pl->threads[k], NULL, worker_main, &pl->workers[k]) != 0)
            break;
        pl->started++;
    }
    if (pl->started == 0) {
        fputs("knee: cannot start a thread\n", stderr);
        return -1;
    }
    return 0;
}

/* Stop the reader and the workers, if they are not done already, and wait for them. */
static void stop_threads(pipeline *pl)
{
    size_t k;
    pthread_mutex_lock(&pl->lock);
    pl->stop = 1;
    pthread_cond_broadcast(&pl->slot_free);
    pthread_cond_broadcast(&pl->slot_ready);
    pthread_mutex_unlock(&pl->lock);
    if (pl->reader_started)
        pthread_join(pl->reader, NULL);
    pl->reader_started = 0;
    for (k = 0; k < pl->started; k++)
        pthread_join(pl->threads[k], NULL);
    pl->started = 0;
}

/* After the last row: close the output, say why the run stopped early, print the summary.
 * The exit status. */
static int conclude(pipeline *pl, int out_failed, double start)
{
    int rc = CLI_EXIT_OK;
    if (out_failed) {
        cli_output_report(&pl->out);
        cli_output_discard(&pl->out);
        rc = CLI_EXIT_FAIL;
    } else if (cli_output_close(&pl->out) != CLI_EXIT_OK) {
        rc = CLI_EXIT_FAIL;
    } else if (pl->stopped_line) {
        fprintf(stderr, "knee: %s: stopped at the bad row on line %lu (--strict)\n",
                pl->sh.input_name, pl->stopped_line);
    } else if (pl->read_failure) {
        fprintf(stderr, "knee: %s: %s after line %lu\n", pl->sh.input_name,
                pl->read_failure == -2 ? "out of memory" : "read error", pl->rec.line);
        rc = CLI_EXIT_FAIL;
    }
    if (pl->rows_failed)
        rc = CLI_EXIT_FAIL;
    if (!pl->sh.pop->quiet)
        print_summary(pl, now_seconds() - start);
    return rc;
}

/* Score, write, stop: the run once everything is open. The exit status. */
static int score_all(pipeline *pl, size_t n_threads, int out_failed)
{
    double start = now_seconds(); /* the figures are for scoring, not for loading the rules */
    int progress;

    if (start_threads(pl, n_threads) != 0)
        return CLI_EXIT_FAIL;
    progress = !pl->sh.pop->quiet && isatty(fileno(stderr));
    if (!out_failed && write_all(pl, progress, start) != 0)
        out_failed = 1;
    if (progress)
        clear_progress();
    if (pl->interrupted)
        stop_interrupted(pl);
    stop_threads(pl);
    cli_signals_defer(0);
    if ((pl->interrupted = cli_interrupted()) != 0)
        stop_interrupted(pl);
    return conclude(pl, out_failed, start);
}

int cli_population_run(cli_session *s, const cli_population *pop)
{
    pipeline pl;
    size_t n_threads = 1;
    int rc, out_failed = 0;

    memset(&pl, 0, sizeof pl);
    if ((rc = prepare(&pl, s, pop, &n_threads)) != CLI_EXIT_OK)
        return rc;
    pthread_mutex_init(&pl.lock, NULL);
    pthread_cond_init(&pl.slot_free, NULL);
    pthread_cond_init(&pl.slot_ready, NULL);
    pthread_cond_init(&pl.slot_done, NULL);
    rc = open_run(&pl, s, n_threads, &out_failed);
    if (rc == CLI_EXIT_OK)
        rc = score_all(&pl, n_threads, out_failed);
    stop_threads(&pl); /* after a failed start */
    free(pl.threads);
    cli_signals_defer(0);
    cli_output_discard(&pl.out); /* after a failure before the end; nothing once closed */
    release(&pl);
    pthread_cond_destroy(&pl.slot_free);
    pthread_cond_destroy(&pl.slot_ready);
    pthread_cond_destroy(&pl.slot_done);
    pthread_mutex_destroy(&pl.lock);
    return rc;
}
