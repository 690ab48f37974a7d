/* strbuf.c - growable text (strbuf.h). */
#include "util/strbuf.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/alloc.h"
#include "knee.h"
#include "util/numbers.h"

void knee__sb_init(knee__strbuf *b)
{
    memset(b, 0, sizeof *b);
}

void knee__sb_release(knee__strbuf *b)
{
    knee__dealloc(b->s);
    memset(b, 0, sizeof *b);
}

void knee__sb_add_slow(knee__strbuf *b, const char *s, size_t n)
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
    if ((size_t)n < sizeof tmp) {
        knee__sb_add(b, tmp, (size_t)n);
        return;
    }
    /* Longer than tmp: again, straight into the buffer. */
    if (b->failed || knee__grow((void **)&b->s, &b->cap, b->len + (size_t)n + 1, 1) != KNEE_OK) {
        b->failed = 1;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void knee__sb_num(knee__strbuf *b, double v)
{
    char buf[KNEE__NUMBUF];
    unsigned long long bits;
    size_t n;
    if (!b->nums || v == floor(v)) { /* whole numbers are quick to write (numbers.c) */
        knee__sb_str(b, knee__format_double(buf, v));
        return;
    }
    memcpy(&bits, &v, sizeof bits);
    {
        unsigned long long h = bits * 0x9E3779B97F4A7C15ull;
        size_t k = (size_t)(h >> 54) % KNEE__NUMCACHE_SIZE;
        if (b->nums->slot[k].bits == bits && bits) {
            knee__sb_add(b, b->nums->slot[k].text, b->nums->slot[k].len);
            return;
        }
        n = strlen(knee__format_double(buf, v));
        if (n < sizeof b->nums->slot[k].text) {
            b->nums->slot[k].bits = bits;
            b->nums->slot[k].len = (unsigned char)n;
            memcpy(b->nums->slot[k].text, buf, n);
        }
        knee__sb_add(b, buf, n);
    }
}

void knee__sb_json_str(knee__strbuf *b, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    if (!s) {
        knee__sb_add(b, "null", 4);
        return;
    }
    knee__sb_add(b, "\"", 1);
    for (;;) {
        const unsigned char *p = (const unsigned char *)s;
        char u[7];
        const char *esc = u;
        /* the longest run that needs no escape: it ends at '"', '\\', a control byte or NUL */
        while (*p >= 0x20 && *p != '"' && *p != '\\')
            p++;
        knee__sb_add(b, s, (size_t)(p - (const unsigned char *)s));
        if (!*p)
            break;
        switch (*p) {
        case '"':
            esc = "\\\"";
            break;
        case '\\':
            esc = "\\\\";
            break;
        case '\n':
            esc = "\\n";
            break;
        case '\r':
            esc = "\\r";
            break;
        case '\t':
            esc = "\\t";
            break;
        default:
            u[0] = '\\';
            u[1] = 'u';
            u[2] = '0';
            u[3] = '0';
            u[4] = hex[*p >> 4];
            u[5] = hex[*p & 15];
            u[6] = '\0';
        }
        knee__sb_str(b, esc);
        s = (const char *)p + 1;
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
