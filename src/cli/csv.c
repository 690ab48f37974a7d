/* csv.c - a streaming CSV reader (RFC 4180) for `knee compare --patients`.
 *
 * One record at a time from a FILE, in memory bounded by CLI_CSV_MAX_RECORD whatever the size
 * of the file: quoted fields with embedded commas, quotes ("") and line breaks, CRLF or LF line
 * ends, and a UTF-8 byte-order mark at the start. A malformed record (an unterminated quote,
 * text after a closing quote, a record over the limit) is returned with its problem so that the
 * caller reports it and goes on; the reader never gives up on a bad row. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define READ_BUFFER 65536

struct cli_csv {
    FILE *in;
    unsigned char buf[READ_BUFFER];
    size_t pos, len;
    int eof, io_error, started;
    unsigned long line;          /* line of the next byte, 1-based */
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
        cli_grow((void **)&rec->text, &rec->text_cap, rec->text_len + 2, 1, 256) != 0)
        return -1;
    rec->text[rec->text_len++] = (char)c;
    return 0;
}

/* Close the current field: NUL-terminate its text and record where it is. */
static int end_field(cli_csv_record *rec, size_t start, unsigned long line)
{
    if (rec->n_fields == rec->fields_cap &&
        cli_grow((void **)&rec->fields, &rec->fields_cap, rec->n_fields + 1, sizeof *rec->fields,
                 32) != 0)
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

/* Skip what is left of the physical line after a record grew too long. */
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
        if (k != 3) {   /* not a BOM after all: keep the bytes as text */
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

    for (;;) {   /* one field per turn */
        size_t start = rec->text_len;
        unsigned long field_line = r->line;
        int quoted = 0, ended_record = 0;

        c = next_byte(r);
        if (c == '"') {
            quoted = 1;
            for (;;) {
                c = next_byte(r);
                if (c < 0) {
                    char msg[128];
                    snprintf(msg, sizeof msg, "the quoted field that starts on line %lu never closes",
                             field_line);
                    set_error(rec, "csv-quote", rec->n_fields + 1, field_line, msg);
                    ended_record = 1;
                    break;
                }
                if (c == '"') {
                    if (peek_byte(r) == '"') {
                        next_byte(r);
                    } else {
                        break;
                    }
                } else if (c == '\n') {
                    r->line++;
                } else if (c == '\r' && peek_byte(r) != '\n') {
                    r->line++;
                }
                if (put_char(rec, c) != 0)
                    return -2;
                if (rec->text_len > CLI_CSV_MAX_RECORD)
                    break;
            }
            if (!ended_record && rec->text_len <= CLI_CSV_MAX_RECORD)
                c = next_byte(r);   /* what follows the closing quote */
        }
        /* The unquoted part: the whole field, or what follows a closing quote (an error). */
        while (!ended_record && rec->text_len <= CLI_CSV_MAX_RECORD) {
            if (c < 0 || c == ',' || c == '\n' || c == '\r')
                break;
            if (quoted)
                set_error(rec, "csv-quote", rec->n_fields + 1, r->line,
                          "text after the closing quote of a quoted field");
            if (put_char(rec, c) != 0)
                return -2;
            c = next_byte(r);
        }
        if (rec->text_len > CLI_CSV_MAX_RECORD) {
            char msg[128];
            snprintf(msg, sizeof msg, "the record is longer than %d bytes (an unterminated quote?); "
                     "skipped to the end of line %lu", CLI_CSV_MAX_RECORD, r->line);
            set_error(rec, "csv-too-long", rec->n_fields + 1, field_line, msg);
            rec->text_len = start;   /* keep the fields before, drop the runaway one */
            if (end_field(rec, start, field_line) != 0)
                return -2;
            skip_line(r);
            return r->io_error ? -1 : 1;
        }
        if (end_field(rec, start, field_line) != 0)
            return -2;
        if (ended_record || c < 0)
            return r->io_error ? -1 : 1;
        if (c == '\n' || c == '\r') {
            if (c == '\r' && peek_byte(r) == '\n')
                next_byte(r);
            r->line++;
            return 1;
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
        rec->text_len = 0;   /* blank lines are not records */
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
