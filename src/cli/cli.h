/* cli.h - what the files of the knee command share. Internal to src/cli; the command itself
 * uses only the public API in knee.h and the helpers of util/ (src/layers.txt). */
#ifndef KNEE_CLI_H
#define KNEE_CLI_H

#include <stddef.h>
#include <stdio.h>

#include "knee.h"
#include "util/alloc.h"
#include "util/quantity.h"
#include "util/strbuf.h"

/* Exit statuses of the command. */
#define CLI_EXIT_OK 0
#define CLI_EXIT_FAIL 1  /* a library call failed, a check or a test failed */
#define CLI_EXIT_USAGE 2 /* unknown command or option, missing argument */

#if defined(__GNUC__)
#define CLI_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define CLI_PRINTF(fmt, args)
#endif

/* ---- commands (cmd_*.c); argv[0] is the command name ----------------------------------------- */

int cli_cmd_compare(int argc, char **argv);
int cli_cmd_check(int argc, char **argv);
int cli_cmd_list(int argc, char **argv);
int cli_cmd_test(int argc, char **argv);
int cli_cmd_report(int argc, char **argv);

/* ---- one comparison from the command line (session.c) ---------------------------------------- */

/* The patient, method and analysis options that `knee compare` and `knee report` share, and
 * what running them makes. */
typedef struct cli_session {
    const char *rules;
    const char *patient;
    /* --fact, --weight and --swing keep their order on the command line: a later one wins. */
    const char **facts;
    size_t n_facts;
    const char **weights;
    size_t n_weights;
    const char **swings;
    size_t n_swings;
    int method;
    int missing; /* --missing: KNEE_MISSING_*, or 0 for the rule file's */
    double vikor_v;
    int has_vikor_v;
    double smaa_samples, seed, spread;
    int sensitivity;
    double fragile;
    const char *why;           /* "A,B" */
    const char *rank_criteria; /* "a,b,c" */
    int rank_scheme;
    const char *fhir;  /* --fhir FILE: FHIR R4 data (JSON or XML) */
    const char *as_of; /* --as-of YYYY-MM-DD, required with --fhir */
    /* filled by cli_session_run() */
    knee_fhir_report *fhir_report;
    knee_ruleset *rs;
    knee_patient *p;
    knee_compare_options *opts;
    knee_result *r;
} cli_session;

/* Prepare s for a command line of argc arguments. CLI_EXIT_OK, or CLI_EXIT_FAIL (reported).
 * Call cli_session_release() in every case. */
int cli_session_init(cli_session *s, int argc);
/* If argv[*i] is a shared option, record it (moving *i to the last argument used) and return 1;
 * return 0 if it is another argument, or CLI_EXIT_USAGE after a usage message. */
int cli_session_option(cli_session *s, int argc, char **argv, int *i);
/* Load the rules, build the patient (file first, then facts, ranking, weights, swings) and
 * compare. CLI_EXIT_OK, or CLI_EXIT_FAIL with the problem printed. */
int cli_session_run(cli_session *s);
void cli_session_release(cli_session *s);
/* Apply --rank-criteria, --weight and --swing (in that order) to p. CLI_EXIT_OK, or
 * CLI_EXIT_FAIL with the problem printed. */
int cli_session_apply_weights(const cli_session *s, knee_patient *p);
/* The comparison options (method, analyses) the command line asked for, or NULL after a
 * message. Ownership: the caller frees them with knee_compare_options_free(). */
knee_compare_options *cli_session_make_options(const cli_session *s);
/* The FHIR report (facts from the record, missing, ignored, warnings) as text. */
void cli_print_fhir_report(FILE *out, const knee_fhir_report *r);

/* ---- streaming CSV (csv.c) ------------------------------------------------------------------- */

/* A record longer than this is reported (csv-too-long) and the rest of it skipped, to its true
 * end: the reader's memory stays bounded whatever the input, even with a quote that never
 * closes. */
#define CLI_CSV_MAX_RECORD (1024 * 1024)

typedef struct cli_csv cli_csv;
/* One field of a record: its text at record->text + offset (NUL-terminated, len bytes) and the
 * line it starts on. */
typedef struct cli_csv_field {
    size_t offset, len;
    unsigned long line;
} cli_csv_field;
/* One record; reuse it across calls (its buffers are kept) and release it at the end. */
typedef struct cli_csv_record {
    char *text;
    size_t text_len, text_cap;
    cli_csv_field *fields;
    size_t n_fields, fields_cap;
    unsigned long line; /* the line the record starts on, 1-based */
    /* The record's first problem, or error_code NULL: "csv-quote", "csv-nul" or
     * "csv-too-long", the 1-based field it is in, the line it is on and a message. */
    const char *error_code;
    size_t error_column;
    unsigned long error_line;
    char error_message[160];
} cli_csv_record;

/* A reader of in (not closed by it); NULL when out of memory. */
cli_csv *cli_csv_new(FILE *in);
void cli_csv_free(cli_csv *r);
/* The next record of the CSV text (blank lines skipped). 1: a record (maybe with a problem,
 * see error_code), 0: the end of the input, -1: a read error, -2: out of memory. */
int cli_csv_next(cli_csv *r, cli_csv_record *rec);
/* The next non-blank line as one field (JSON lines), with the same returns; a line over
 * CLI_CSV_MAX_RECORD bytes comes back empty with error_code "line-too-long". */
int cli_csv_next_line(cli_csv *r, cli_csv_record *rec);
/* Bytes consumed from the input so far. */
unsigned long long cli_csv_bytes(const cli_csv *r);
void cli_csv_record_release(cli_csv_record *rec);

/* ---- knee compare --patients (population.c) -------------------------------------------------- */

#define CLI_POP_CSV 1
#define CLI_POP_JSONL 2

typedef struct cli_population {
    const char *input;             /* file name, or "-" for standard input */
    const char *output;            /* -o FILE, or NULL for standard output */
    int input_format;              /* CLI_POP_*, 0: from the input's extension (CSV otherwise) */
    int output_format;             /* CLI_POP_*, 0: from the output's extension (CSV otherwise) */
    const char *id_column;         /* NULL: "id" when the input has it */
    int ignore_unknown;            /* --ignore-unknown-columns */
    int strict;                    /* stop at the first bad row */
    int quiet;                     /* no progress bar, no summary */
    int full;                      /* JSON lines: the whole result per row */
    long threads;                  /* workers; 0: one per online CPU */
    unsigned long long max_errors; /* problem lines on stderr before a notice; 0: no limit */
} cli_population;

/* Score every row of the input with the session's rules, method and weights (s->rules etc.;
 * no patient facts) and write one output row per input row, in input order. Returns
 * CLI_EXIT_OK, CLI_EXIT_FAIL (a row failed, or the input or output failed: reported), or
 * CLI_EXIT_USAGE. */
int cli_population_run(cli_session *s, const cli_population *pop);

/* ---- where output goes (output.c) ------------------------------------------------------------ */

/* -o FILE or standard output. A regular file (new or existing) is written to a temporary file
 * in its folder and renamed over it by cli_output_close(); a device or a pipe is written in
 * place. */
typedef struct cli_output {
    FILE *f;           /* write here */
    const char *name;  /* for messages: the file as given, or "standard output" */
    char *final;       /* the file the temporary one replaces (a symlink's target) */
    char *temp;        /* the temporary file, or NULL */
    int failed, error; /* a write failed, and its errno */
} cli_output;

/* Refuse an output that is one of the inputs (output NULL: standard output; an input "-":
 * standard input; NULL inputs are skipped): the same file by any name (path, symlink, hard
 * link: device and inode), checked before the output is opened. CLI_EXIT_OK, or
 * CLI_EXIT_USAGE after a message. */
int cli_output_refuse_inputs(const char *output, const char *const *inputs, size_t n);
/* Open path (NULL: standard output). CLI_EXIT_OK, or CLI_EXIT_FAIL after a message. */
int cli_output_open(cli_output *o, const char *path);
/* Write len bytes; 0, or -1 when the output failed (now or before: o->failed, o->error). */
int cli_output_write(cli_output *o, const void *data, size_t len);
/* Push what was written to the file; -1 (and o->failed) when the output failed. */
int cli_output_flush(cli_output *o);
/* "knee: error writing NAME: reason" on stderr. */
void cli_output_report(const cli_output *o);
/* Finish: flush, close and rename into place. CLI_EXIT_OK, or CLI_EXIT_FAIL after a message
 * (the temporary file removed, an existing file left as it was). */
int cli_output_close(cli_output *o);
/* Give up: close and remove the temporary file (an existing file is left as it was). */
void cli_output_discard(cli_output *o);

/* At the end of main(): flush and close standard output; a failure not reported yet is
 * reported, and makes a successful rc CLI_EXIT_FAIL. Returns the exit status. */
int cli_output_finish_stdout(int rc);

/* SIGINT, SIGTERM and SIGHUP (unless ignored at start): remove the temporary output and die of
 * the signal. main() installs this first. */
void cli_signals_install(void);
/* While on, the first signal is only recorded (cli_interrupted()), for a command that stops by
 * itself at a whole row; a second one acts at once. */
void cli_signals_defer(int on);
/* The signal caught, or 0. */
int cli_interrupted(void);
/* "SIGINT", "SIGTERM" or "SIGHUP". */
const char *cli_signal_name(int sig);
/* After cleaning up: die of the signal, so that the caller sees how the command ended. */
void cli_die_of_signal(int sig);

/* ---- usage (help.c, from the data of usage.c) ------------------------------------------------ */

struct cli_help_command;
/* `knee help`: the commands and what they do. */
void cli_usage(FILE *out);
/* One command's usage, options and exit status. */
void cli_command_usage(FILE *out, const struct cli_help_command *c);
/* The usage data of a command, or NULL. */
const struct cli_help_command *cli_help_find(const char *name);
/* `knee COMMAND --help`: command's usage on standard output, CLI_EXIT_OK; CLI_EXIT_USAGE after a
 * message when there is no such command. */
int cli_help_for(const char *command);

/* ---- option parsing (args.c) ----------------------------------------------------------------- */

/* 1 if argv[*i] is a help option (-h, --help). */
int cli_is_help(const char *arg);
/* If argv[*i] is the option `name` ("--rules FILE" or "--rules=FILE"): set *value, move *i to
 * the last argument used and return 1. Return 0 if it is another argument, or -1 (after a usage
 * message) if the option has no value. */
int cli_option_value(int argc, char **argv, int *i, const char *name, const char **value);
/* Split "name=value" at the first '='. *name is owned by the caller (free()); *value points into
 * arg. Returns 0, or -1 if there is no '=' or the name is empty, or -2 when out of memory. */
int cli_split_assignment(const char *arg, char **name, const char **value);
/* Parse a plain decimal number ("12", "-0.5", "1e3") whatever the process locale: no hex, no
 * inf/nan, no surrounding space. Returns 0 on success, -1 if text is not such a number. */
int cli_parse_number(const char *text, double *out);

/* ---- messages (messages.c) ------------------------------------------------------------------- */

/* "knee: <message>" and a hint on stderr; returns CLI_EXIT_USAGE. */
int cli_usage_error(const char *fmt, ...) CLI_PRINTF(1, 2);
/* "knee: <what>: <knee_strerror(status)>[: <detail>]" on stderr; returns CLI_EXIT_FAIL. */
int cli_fail(const char *what, int status, const char *detail);
/* As cli_fail, with the detail taken from a diagnostics list: one diagnostic goes on the same
 * line, several go on the lines below in file:line:col form. d may be NULL. */
int cli_fail_diag(const char *what, int status, const knee_diag *d, const char *file);
/* Every diagnostic of d, one per line: "file:line:col: code: [warning: ]message". file is used
 * when a diagnostic names none. */
void cli_print_diags(FILE *out, const knee_diag *d, const char *file);

/* ---- analyses as text (analyses.c) ----------------------------------------------------------- */

/* Method figures, dominance, SMAA, sensitivity and (when why is "A,B") why A ranks where it
 * does against B, as text after the table. Returns 0, or -1 when out of memory. */
int cli_print_analyses(FILE *out, const knee_ruleset *rs, const knee_result *r, const char *why,
                       size_t width);
/* Find options "A,B" (ids) in a result; prints the problem and returns -1 if one is missing. */
int cli_find_pair(const knee_result *r, const char *pair, size_t *a, size_t *b);

/* ---- rule file loading (rules.c) ------------------------------------------------------------- */

/* Load path, or the built-in rules when path is NULL. On failure the problem is printed
 * (cli_fail_diag) and NULL returned. Warnings are not printed: `knee check` shows them. */
knee_ruleset *cli_load_rules(const char *path);

/* ---- values and text on a terminal (format.c); numbers and quantities in words come from
 * util/quantity.h, growable arrays and text from util/alloc.h and util/strbuf.h -------------- */

/* A numeric criterion value: typical with unit and, if it differs, the range:
 * "90 days (42–365)", "$20,000 ($15,000–$35,000)". */
char *cli_format_value(char *buf, size_t size, double typical, double low, double high,
                       const char *unit);
/* Display width of UTF-8 text (code points; the CLI prints no wide or combining characters; bidi
 * controls, which it drops, count 0). */
size_t cli_text_width(const char *s, size_t len);
/* The length of the bidi control at s (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069), or
 * 0. A rule file's text may leave a right-to-left override open, which would reverse the rest of
 * a terminal line ("0.99" printed after it reads "99.0"): text output drops them. */
size_t cli_bidi_control(const char *s);
/* s without bidi controls, in buf (cut to size); returns buf. */
const char *cli_plain(char *buf, size_t size, const char *s);

/* ---- aligned text columns (grid.c) ----------------------------------------------------------- */

typedef struct cli_grid cli_grid;

#define CLI_ALIGN_LEFT 0
#define CLI_ALIGN_RIGHT 1

/* A grid of ncols columns. headers may be NULL (no header row); otherwise ncols strings.
 * Returns NULL when out of memory. */
cli_grid *cli_grid_new(size_t ncols, const char *const *headers);
void cli_grid_free(cli_grid *g);
void cli_grid_align(cli_grid *g, size_t col, int align);
/* Mark a column to be narrowed (its cells wrapped) before the others when lines are too long. */
void cli_grid_wrap_first(cli_grid *g, size_t col);
/* Append a row; cells are copied (NULL = empty). Returns 0, or -1 when out of memory. */
int cli_grid_add_row(cli_grid *g, const char *const *cells);
/* Append a note printed under the last row, starting at column `col` (wrapped there).
 * Returns 0, or -1 when out of memory or there is no row yet. */
int cli_grid_add_note(cli_grid *g, size_t col, const char *text);
/* Print with `indent` spaces before each line, columns two spaces apart, cells wrapped at
 * spaces so that lines stay within max_width where the words allow. */
void cli_grid_print(const cli_grid *g, FILE *out, size_t indent, size_t max_width);
/* Lines the header and the rows (not the notes) take when printed within max_width, or 0 when
 * they cannot fit (a word wider than its share) or memory ran out. */
size_t cli_grid_height(const cli_grid *g, size_t indent, size_t max_width);

/* Word-wrap text to width, each line prefixed by `indent` spaces (first_prefix replaces the
 * indent on the first line when not NULL). */
void cli_print_wrapped(FILE *out, const char *first_prefix, size_t indent, const char *text,
                       size_t width);

/* ---- the clinician's table (table.c) --------------------------------------------------------- */

/* Print a comparison result as text within width columns: the options as a table when it fits
 * readably, else one after another with a value a line; level labels, never level ids.
 * Returns 0, or -1 when out of memory. */
int cli_print_result_table(FILE *out, const knee_ruleset *rs, const knee_result *r, size_t width);

/* The en dash of ranges ("42–365"), in UTF-8. */
#define CLI_EN_DASH "\xe2\x80\x93"

/* Lines of text output are kept within cli_line_width() where the words allow: COLUMNS, else
 * the terminal's width, else CLI_LINE_WIDTH (a pipe or a file: the same layout everywhere),
 * held between the minimum and the maximum. */
#define CLI_LINE_WIDTH 120
#define CLI_MIN_LINE_WIDTH 40
#define CLI_MAX_LINE_WIDTH 1000
size_t cli_line_width(void);

#endif /* KNEE_CLI_H */
