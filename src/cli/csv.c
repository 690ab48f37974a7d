/* csv.c - a streaming CSV reader (RFC 4180) for `knee compare --patients`.
 *
 * One record at a time from a FILE, in memory bounded by CLI_CSV_MAX_RECORD whatever the size
 * of the file: quoted fields with embedded commas, quotes ("") and line breaks, CRLF or LF line
 * ends, and a UTF-8 byte-order mark at the start. A malformed record (an unterminated quote,
 * text after a closing quote, a NUL byte, a record over the limit) is returned with its problem
 * so that the caller reports it and goes on; the reader never gives up on a bad row, and never
 * takes text inside a record for the start of another. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

#define READ_BUFFER 65536

struct cli_csv {
    FILE *in;
    unsigned char buf[READ_BUFFER];
    size_t pos, len;
    int eof, io_error, started;
    unsigned long line; /* line of the next byte, 1-based */
    /* The record being read passed CLI_CSV_MAX_RECORD: its bytes are dropped from then on, and
     * the reader goes on to the record's true end (quotes honoured). */
    int dropping;
    size_t field_start; /* where the current field's text starts */
    size_t long_column; /* the field that passed the limit, and the line it starts on */
    unsigned long long_line;
    unsigned long long consumed; /* bytes taken from the file so far */
};

cli_csv *cli_csv_new(FILE *in)
{
    cli_csv *r = calloc(1, sizeof *r);
    if (r) {
        r->in = in;
        r->line = 1;
    }
    return r;
}

void cli_csv_free(cli_csv *r)
{
    free(r);
}

unsigned long long cli_csv_bytes(const cli_csv *r)
{
    return r->consumed;
}

/* The next byte, or -1 at the end of the input (or after a read error: cli_csv_next says). */
static int next_byte(cli_csv *r)
{
    if (r->pos == r->len) {
        if (r->eof)
            return -1;
        r->len = fread(r->buf, 1, sizeof r->buf, r->in);
        r->pos = 0;
        if (r->len == 0) {
            r->eof = 1;
            if (ferror(r->in))
                r->io_error = 1;
            return -1;
        }
    }
    r->consumed++;
    return r->buf[r->pos++];
}

static int peek_byte(cli_csv *r)
{
    int c = next_byte(r);
    if (c >= 0) {
        r->pos--;
        r->consumed--;
    }
    return c;
}

static int put_char(cli_csv_record *rec, int c)
{
    if (rec->text_len + 1 >= rec->text_cap &&
        knee__grow((void **)&rec->text, &rec->text_cap, rec->text_len + 2, 1) != 0)
        return -1;
    rec->text[rec->text_len++] = (char)c;
    return 0;
}

/* Close the current field: NUL-terminate its text and record where it is. */
static int end_field(cli_csv_record *rec, size_t start, unsigned long line)
{
    if (rec->n_fields == rec->fields_cap && knee__grow((void **)&rec->fields, &rec->fields_cap,
                                                       rec->n_fields + 1, sizeof *rec->fields) != 0)
        return -1;
    if (put_char(rec, '\0') != 0)
        return -1;
    rec->fields[rec->n_fields].offset = start;
    rec->fields[rec->n_fields].len = rec->text_len - 1 - start;
    rec->fields[rec->n_fields].line = line;
    rec->n_fields++;
    return 0;
}

/* The first problem of a record wins; later ones in the same record are not reported. */
static void set_error(cli_csv_record *rec, const char *code, size_t column, unsigned long line,
                      const char *msg)
{
    if (rec->error_code)
        return;
    rec->error_code = code;
    rec->error_column = column;
    rec->error_line = line;
    snprintf(rec->error_message, sizeof rec->error_message, "%s", msg);
}

/* Keep byte c of the current field (column `column`, starting on line `line`). A NUL byte
 * would cut the cell short where it is read as text: it is a problem of the record, and kept
 * as U+FFFD. Past CLI_CSV_MAX_RECORD the record is too long: the runaway field is closed
 * empty, the fields before it kept, and nothing more is stored. Returns 0, or -1 when out of
 * memory. */
static int add_byte(cli_csv *r, cli_csv_record *rec, int c, size_t column, unsigned long line)
{
    if (r->dropping)
        return 0;
    if (rec->text_len >= CLI_CSV_MAX_RECORD) {
        r->dropping = 1;
        r->long_column = column;
        r->long_line = line;
        rec->text_len = r->field_start;
        return end_field(rec, r->field_start, line);
    }
    if (c == 0) {
        set_error(rec, "csv-nul", column, r->line, "the field holds a NUL byte (a binary file?)");
        return put_char(rec, 0xEF) || put_char(rec, 0xBF) || put_char(rec, 0xBD) ? -1 : 0;
    }
    return put_char(rec, c);
}

/* Close the current field, unless the record is too long (its runaway field is closed already
 * and the fields after it are not kept). */
static int close_field(cli_csv *r, cli_csv_record *rec, unsigned long line)
{
    return r->dropping ? 0 : end_field(rec, r->field_start, line);
}

/* The end of a record, on line last_line: a record over the limit is reported now that its
 * end is known (a problem found before, such as a quote that never closes, wins). */
static int finish_record(cli_csv *r, cli_csv_record *rec, unsigned long last_line)
{
    if (r->dropping) {
        char msg[160];
        snprintf(msg, sizeof msg,
                 "the record is longer than %d bytes (a quote that never "
                 "closes?); skipped to its end on line %lu",
                 CLI_CSV_MAX_RECORD, last_line);
        set_error(rec, "csv-too-long", r->long_column, r->long_line, msg);
        r->dropping = 0;
    }
    return r->io_error ? -1 : 1;
}

/* Skip what is left of the physical line after a JSON line grew too long. */
static void skip_line(cli_csv *r)
{
    int c;
    while ((c = next_byte(r)) >= 0) {
        if (c == '\n') {
            r->line++;
            return;
        }
    }
}

/* A UTF-8 byte-order mark at the start is not part of the first record. Returns 0, or -1 when
 * out of memory. */
static int skip_bom(cli_csv *r, cli_csv_record *rec)
{
    r->started = 1;
    if (peek_byte(r) == 0xEF) {
        unsigned char bom[3] = {0, 0, 0};
        size_t k;
        for (k = 0; k < 3 && peek_byte(r) == (k == 0 ? 0xEF : k == 1 ? 0xBB : 0xBF); k++)
            bom[k] = (unsigned char)next_byte(r);
        if (k != 3) { /* not a BOM after all: keep the bytes as text */
            size_t j;
            for (j = 0; j < k; j++)
                if (put_char(rec, bom[j]) != 0)
                    return -1;
        }
    }
    return 0;
}

/* Empty the record for the next one (and skip a BOM before the first). */
static int begin_record(cli_csv *r, cli_csv_record *rec)
{
    rec->n_fields = 0;
    rec->text_len = 0;
    rec->error_code = NULL;
    rec->error_column = 0;
    rec->error_line = 0;
    rec->error_message[0] = '\0';
    r->dropping = 0;
    return r->started ? 0 : skip_bom(r, rec);
}

int cli_csv_next(cli_csv *r, cli_csv_record *rec)
{
    int c;

    if (begin_record(r, rec) != 0)
        return -2;
    /* Blank lines between records are not records. */
    while (rec->text_len == 0 && ((c = peek_byte(r)) == '\n' || c == '\r')) {
        next_byte(r);
        if (c == '\r' && peek_byte(r) == '\n')
            next_byte(r);
        r->line++;
    }
    c = peek_byte(r);
    if (c < 0 && rec->text_len == 0)
        return r->io_error ? -1 : 0;
    rec->line = r->line;

    for (;;) { /* one field per turn */
        size_t column = rec->n_fields + 1;
        unsigned long field_line = r->line;
        int quoted = 0;

        r->field_start = rec->text_len;
        c = next_byte(r);
        if (c == '"') {
            quoted = 1;
            for (;;) {
                c = next_byte(r);
                if (c < 0) {
                    char msg[128];
                    snprintf(msg, sizeof msg,
                             "the quoted field that starts on line %lu never closes", field_line);
                    set_error(rec, "csv-quote", column, field_line, msg);
                    break;
                }
                if (c == '"') {
                    if (peek_byte(r) != '"')
                        break;
                    next_byte(r);
                } else if (c == '\n') {
                    r->line++;
                } else if (c == '\r' && peek_byte(r) != '\n') {
                    r->line++;
                }
                if (add_byte(r, rec, c, column, field_line) != 0)
                    return -2;
            }
            if (c >= 0)
                c = next_byte(r); /* what follows the closing quote */
        }
        /* The unquoted part: the whole field, or what follows a closing quote (an error). */
        while (c >= 0 && c != ',' && c != '\n' && c != '\r') {
            if (quoted)
                set_error(rec, "csv-quote", column, r->line,
                          "text after the closing quote of a quoted field");
            if (add_byte(r, rec, c, column, field_line) != 0)
                return -2;
            c = next_byte(r);
        }
        if (close_field(r, rec, field_line) != 0)
            return -2;
        if (c < 0)
            return finish_record(r, rec, r->line);
        if (c == '\n' || c == '\r') {
            if (c == '\r' && peek_byte(r) == '\n')
                next_byte(r);
            r->line++;
            return finish_record(r, rec, r->line - 1);
        }
        /* c == ',': another field follows */
    }
}

int cli_csv_next_line(cli_csv *r, cli_csv_record *rec)
{
    int c;

    if (begin_record(r, rec) != 0)
        return -2;
    for (;;) {
        int blank = rec->text_len == 0;
        rec->line = r->line;
        while ((c = next_byte(r)) >= 0 && c != '\n') {
            if (rec->text_len >= CLI_CSV_MAX_RECORD) {
                char msg[128];
                snprintf(msg, sizeof msg, "the line is longer than %d bytes", CLI_CSV_MAX_RECORD);
                set_error(rec, "line-too-long", 1, rec->line, msg);
                rec->text_len = 0;
                skip_line(r);
                if (end_field(rec, 0, rec->line) != 0)
                    return -2;
                return r->io_error ? -1 : 1;
            }
            if (c != ' ' && c != '\t' && c != '\r')
                blank = 0;
            if (put_char(rec, c) != 0)
                return -2;
        }
        if (c == '\n')
            r->line++;
        if (!blank) {
            if (end_field(rec, 0, rec->line) != 0)
                return -2;
            return r->io_error ? -1 : 1;
        }
        rec->text_len = 0; /* blank lines are not records */
        if (c < 0)
            return r->io_error ? -1 : 0;
    }
}

void cli_csv_record_release(cli_csv_record *rec)
{
    free(rec->text);
    free(rec->fields);
    memset(rec, 0, sizeof *rec);
}
