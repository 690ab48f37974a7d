/* strbuf.c - see strbuf.h. */
#include "strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "knee.h"
#include "numbers.h"

void knee__sb_init(knee__strbuf *b)
{
    memset(b, 0, sizeof *b);
}

void knee__sb_release(knee__strbuf *b)
{
    knee__dealloc(b->s);
    memset(b, 0, sizeof *b);
}

void knee__sb_add(knee__strbuf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (knee__grow((void **)&b->s, &b->cap, b->len + n + 1, 1) != KNEE_OK) {
        b->failed = 1;
        return;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void knee__sb_str(knee__strbuf *b, const char *s)
{
    knee__sb_add(b, s, strlen(s));
}

void knee__sb_printf(knee__strbuf *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = 1;
        return;
    }
    knee__sb_add(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

void knee__sb_num(knee__strbuf *b, double v)
{
    char buf[KNEE__NUMBUF];
    knee__sb_str(b, knee__format_double(buf, v));
}

void knee__sb_json_str(knee__strbuf *b, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s;
    size_t run = 0;
    if (!s) {
        knee__sb_str(b, "null");
        return;
    }
    knee__sb_add(b, "\"", 1);
    for (; p[run] || run; ) {
        unsigned char c = p[run];
        const char *esc = NULL;
        char u[7];
        if (c == '\0') {
            knee__sb_add(b, (const char *)p, run);
            break;
        }
        switch (c) {
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        default:
            if (c < 0x20) {
                u[0] = '\\'; u[1] = 'u'; u[2] = '0'; u[3] = '0';
                u[4] = hex[c >> 4]; u[5] = hex[c & 15]; u[6] = '\0';
                esc = u;
            }
        }
        if (esc) {
            knee__sb_add(b, (const char *)p, run);
            knee__sb_str(b, esc);
            p += run + 1;
            run = 0;
        } else {
            run++;
        }
    }
    knee__sb_add(b, "\"", 1);
}

int knee__sb_finish(knee__strbuf *b, char **out, size_t *len)
{
    if (!b->failed && !b->s)
        knee__sb_add(b, "", 0);
    if (b->failed) {
        knee__sb_release(b);
        return KNEE_ENOMEM;
    }
    *out = b->s;
    if (len)
        *len = b->len;
    b->s = NULL;
    b->len = b->cap = 0;
    return KNEE_OK;
}
