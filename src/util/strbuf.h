/* strbuf.h - a growable string for building JSON and reports. Once an append fails the buffer
 * stays failed, so callers check once at the end. */
#ifndef KNEE_STRBUF_H
#define KNEE_STRBUF_H

#include <stddef.h>
#include <string.h>

/* Numbers already formatted, by their bits: a result's JSON writes the same few fractions (weights,
 * utilities, their products) many times, and shortest round-trip text costs a printf and a strtod
 * per try. Direct-mapped; a collision just formats again. */
#define KNEE__NUMCACHE_SIZE 1024
typedef struct knee__numcache {
    struct {
        unsigned long long bits; /* 0: empty (0.0 is never cached: it is written directly) */
        unsigned char len;
        char text[31];
    } slot[KNEE__NUMCACHE_SIZE];
} knee__numcache;

typedef struct knee__strbuf {
    char *s;
    size_t len, cap;
    int failed;
    knee__numcache *nums; /* optional, for knee__sb_num; the caller owns it */
} knee__strbuf;

void knee__sb_init(knee__strbuf *b);
void knee__sb_release(knee__strbuf *b);
/* Append n bytes. Inline: JSON results make hundreds of small appends, and a literal's length
 * is then known at compile time. */
void knee__sb_add_slow(knee__strbuf *b, const char *s, size_t n);
static inline void knee__sb_add(knee__strbuf *b, const char *s, size_t n)
{
    if (!b->failed && b->len + n < b->cap) {
        memcpy(b->s + b->len, s, n);
        b->len += n;
        b->s[b->len] = '\0';
    } else {
        knee__sb_add_slow(b, s, n);
    }
}
static inline void knee__sb_str(knee__strbuf *b, const char *s)
{
    knee__sb_add(b, s, strlen(s));
}
void knee__sb_printf(knee__strbuf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void knee__sb_num(knee__strbuf *b, double v);           /* locale-independent */
void knee__sb_json_str(knee__strbuf *b, const char *s); /* quoted and escaped, or null */
/* Hand the string to the caller (free with knee_free); KNEE_ENOMEM if any append failed. */
int knee__sb_finish(knee__strbuf *b, char **out, size_t *len);

#endif
