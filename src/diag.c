/* diag.c - the diagnostics list: several problems per load, each with code and location. */
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"

typedef struct entry {
    int severity, status;
    const char *code;   /* static string */
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
    e->message = knee__strdup(msg);
    e->file = knee__strdup(file ? file : "<memory>");
    e->element = element ? knee__strdup(element) : NULL;
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

int knee__diag_first_status(const knee_diag *d)
{
    size_t i;
    for (i = 0; d && i < d->n; i++)
        if (d->v[i].severity == KNEE_SEVERITY_ERROR)
            return d->v[i].status;
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

size_t knee_diag_count(const knee_diag *d) { return d ? d->n : 0; }
size_t knee_diag_error_count(const knee_diag *d) { return d ? d->errors : 0; }
int knee_diag_status(const knee_diag *d, size_t i) { return at(d, i) ? at(d, i)->status : KNEE_ERANGE; }
const char *knee_diag_code(const knee_diag *d, size_t i) { return at(d, i) ? at(d, i)->code : NULL; }
const char *knee_diag_message(const knee_diag *d, size_t i) { return at(d, i) ? at(d, i)->message : NULL; }
const char *knee_diag_file(const knee_diag *d, size_t i) { return at(d, i) ? at(d, i)->file : NULL; }
unsigned knee_diag_line(const knee_diag *d, size_t i) { return at(d, i) ? at(d, i)->pos.line : 0; }
unsigned knee_diag_column(const knee_diag *d, size_t i) { return at(d, i) ? at(d, i)->pos.col : 0; }
const char *knee_diag_element(const knee_diag *d, size_t i) { return at(d, i) ? at(d, i)->element : NULL; }
int knee_diag_severity(const knee_diag *d, size_t i) { return at(d, i) ? at(d, i)->severity : -1; }
