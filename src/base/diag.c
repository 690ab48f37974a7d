/* diag.c - the diagnostics list: several problems per load, each with code and location. */
#include "base/diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/alloc.h"
#include "util/utf8.h"

typedef struct entry {
    int severity, status;
    const char *code; /* static string */
    char *message, *file, *element;
    knee__pos pos;
} entry;

struct knee_diag {
    entry *v;
    size_t n, cap, errors;
};

int knee__diag_new(knee_diag **out)
{
    *out = knee__calloc(1, sizeof **out);
    return *out ? KNEE_OK : KNEE_ENOMEM;
}

/* A copy of s in which nothing can break the line or reorder it when printed: a diagnostic
 * quotes rule and patient text (a condition, a value), and printed as "file:line:col: code:
 * message" it must stay one line whatever that text holds. Line breaks and tabs become \n, \r,
 * \t; other C0 controls, DEL and bytes that are not UTF-8 \xNN; C1 controls, bidi controls and
 * the Unicode line and paragraph separators \u{XXXX}. NULL when out of memory. */
static char *escaped(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s), i, len, o = 0;
    char *out = knee__malloc(n * 4 + 1); /* at most 4 bytes out per byte in: \xNN, \u{85} */
    uint32_t cp;
    if (!out)
        return NULL;
    for (i = 0; i < n; i += len) {
        len = knee__utf8_decode(p + i, n - i, &cp);
        if (len == 0) {
            o += (size_t)sprintf(out + o, "\\x%02X", p[i]);
            len = 1;
        } else if (cp == '\n' || cp == '\r' || cp == '\t') {
            out[o++] = '\\';
            out[o++] = cp == '\n' ? 'n' : cp == '\r' ? 'r' : 't';
        } else if (cp < 0x20 || cp == 0x7F) {
            o += (size_t)sprintf(out + o, "\\x%02X", (unsigned)cp);
        } else if ((cp >= 0x80 && cp <= 0x9F) || knee__utf8_bidi_control(cp) || cp == 0x2028 ||
                   cp == 0x2029) {
            o += (size_t)sprintf(out + o, "\\u{%X}", (unsigned)cp);
        } else {
            memcpy(out + o, p + i, len);
            o += len;
        }
    }
    out[o] = '\0';
    return out;
}

int knee__diag_add(knee_diag *d, int severity, int status, const char *code, const char *file,
                   knee__pos pos, const char *element, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    entry *e;
    if (!d)
        return KNEE_OK;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (knee__grow((void **)&d->v, &d->cap, d->n + 1, sizeof *d->v) != KNEE_OK)
        return KNEE_ENOMEM;
    e = &d->v[d->n];
    memset(e, 0, sizeof *e);
    e->severity = severity;
    e->status = status;
    e->code = code;
    e->pos = pos;
    e->message = escaped(msg);
    e->file = escaped(file ? file : "<memory>");
    e->element = element ? escaped(element) : NULL;
    if (!e->message || !e->file || (element && !e->element)) {
        knee__dealloc(e->message);
        knee__dealloc(e->file);
        knee__dealloc(e->element);
        return KNEE_ENOMEM;
    }
    d->n++;
    if (severity == KNEE_SEVERITY_ERROR)
        d->errors++;
    return KNEE_OK;
}

void knee_diag_free(knee_diag *d)
{
    size_t i;
    if (!d)
        return;
    for (i = 0; i < d->n; i++) {
        knee__dealloc(d->v[i].message);
        knee__dealloc(d->v[i].file);
        knee__dealloc(d->v[i].element);
    }
    knee__dealloc(d->v);
    knee__dealloc(d);
}

static const entry *at(const knee_diag *d, size_t i)
{
    return (d && i < d->n) ? &d->v[i] : NULL;
}

size_t knee_diag_count(const knee_diag *d)
{
    return d ? d->n : 0;
}
size_t knee_diag_error_count(const knee_diag *d)
{
    return d ? d->errors : 0;
}
int knee_diag_status(const knee_diag *d, size_t i)
{
    return at(d, i) ? at(d, i)->status : KNEE_ERANGE;
}
const char *knee_diag_code(const knee_diag *d, size_t i)
{
    return at(d, i) ? at(d, i)->code : NULL;
}
const char *knee_diag_message(const knee_diag *d, size_t i)
{
    return at(d, i) ? at(d, i)->message : NULL;
}
const char *knee_diag_file(const knee_diag *d, size_t i)
{
    return at(d, i) ? at(d, i)->file : NULL;
}
unsigned knee_diag_line(const knee_diag *d, size_t i)
{
    return at(d, i) ? at(d, i)->pos.line : 0;
}
unsigned knee_diag_column(const knee_diag *d, size_t i)
{
    return at(d, i) ? at(d, i)->pos.col : 0;
}
const char *knee_diag_element(const knee_diag *d, size_t i)
{
    return at(d, i) ? at(d, i)->element : NULL;
}
int knee_diag_severity(const knee_diag *d, size_t i)
{
    return at(d, i) ? at(d, i)->severity : -1;
}
