/* strbuf.h - a growable string for building JSON and reports. Once an append fails the buffer
 * stays failed, so callers check once at the end. */
#ifndef KNEE_STRBUF_H
#define KNEE_STRBUF_H

#include <stddef.h>

typedef struct knee__strbuf {
    char *s;
    size_t len, cap;
    int failed;
} knee__strbuf;

void knee__sb_init(knee__strbuf *b);
void knee__sb_release(knee__strbuf *b);
void knee__sb_add(knee__strbuf *b, const char *s, size_t n);
void knee__sb_str(knee__strbuf *b, const char *s);
void knee__sb_printf(knee__strbuf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void knee__sb_num(knee__strbuf *b, double v);   /* locale-independent */
void knee__sb_json_str(knee__strbuf *b, const char *s);   /* quoted and escaped, or null */
/* Hand the string to the caller (free with knee_free); KNEE_ENOMEM if any append failed. */
int knee__sb_finish(knee__strbuf *b, char **out, size_t *len);

#endif
