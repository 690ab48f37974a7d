/* writer.c - markup for the report through libxml2's text writer, so that every text and
 * attribute value is escaped by code that was written for it, not by hand. The writer is used
 * without a document declaration (HTML has none) and touches no libxml2 global state: it is
 * created into a memory buffer of its own and freed here.
 *
 * libxml2 initialises itself lazily and, in 2.9, not thread-safely; xml_input.c does it once
 * under pthread_once when a ruleset is loaded. A result exists only after a ruleset was loaded,
 * so by the time a report is written the initialisation is done. The writer functions used
 * here (no encoding, no document start) need no more than the allocator anyway. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include "util/alloc.h"
#include "report/report.h"
#include "util/utf8.h"

#define MAX_DEPTH 64

struct knee__html {
    xmlBufferPtr buf;
    xmlTextWriterPtr w;
    int failed;
    int depth;
    /* per open element: 1 where a <bdi> may not go (the head, its title and style, an svg) */
    unsigned char plain[MAX_DEPTH + 1];
};

knee__html *knee__html_new(void)
{
    knee__html *h = knee__calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->buf = xmlBufferCreate();
    if (h->buf)
        h->w = xmlNewTextWriterMemory(h->buf, 0);
    if (!h->w) {
        knee__html_free(h);
        return NULL;
    }
    return h;
}

void knee__html_free(knee__html *h)
{
    if (!h)
        return;
    if (h->w)
        xmlFreeTextWriter(h->w);
    if (h->buf)
        xmlBufferFree(h->buf);
    knee__dealloc(h);
}

static void check(knee__html *h, int rc)
{
    if (rc < 0)
        h->failed = 1;
}

/* Length of the valid UTF-8 sequence at s that is allowed in an HTML/XML text, or 0: no C0 or
 * C1 controls except tab, newline and carriage return, no non-characters U+FFFE and U+FFFF, and
 * none of the bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): one left
 * open in a rule-file text would reorder everything after it on the line ("score 0.99" read as
 * "99.0"), in places no <bdi> can contain (a title attribute, the page title, a chart). The
 * direction marks stay: they affect only their neighbours, and the text around them is
 * isolated (knee__html_text). */
static size_t good_char(const unsigned char *s)
{
    uint32_t cp;
    size_t len = knee__utf8_decode(s, 4, &cp); /* stops at the terminating NUL */
    if (len == 0 || cp == 0)
        return 0;
    if (cp < 0x20)
        return cp == '\t' || cp == '\n' || cp == '\r';
    if (cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || cp == 0xFFFE || cp == 0xFFFF ||
        (knee__utf8_bidi_control(cp) && cp != 0x200E && cp != 0x200F && cp != 0x061C))
        return 0;
    return len;
}

/* 1 if text holds a character that can change the display order around it: a right-to-left
 * letter or digit (Hebrew, Arabic, Syriac, Thaana, N'Ko, ... and their presentation forms) or a
 * direction mark. Text without one reads the same isolated or not. */
static int reorders(const char *text)
{
    const unsigned char *p = (const unsigned char *)text;
    size_t len;
    uint32_t cp;
    for (; *p; p += len ? len : 1) {
        if (*p < 0x80) {
            len = 1;
            continue;
        }
        len = knee__utf8_decode(p, 4, &cp);
        if (len && ((cp >= 0x0590 && cp <= 0x08FF) || (cp >= 0xFB1D && cp <= 0xFDFF) ||
                    (cp >= 0xFE70 && cp <= 0xFEFF) || (cp >= 0x10800 && cp <= 0x10FFF) ||
                    (cp >= 0x1E800 && cp <= 0x1EFFF) || knee__utf8_bidi_control(cp)))
            return 1;
    }
    return 0;
}

/* s itself when every character may appear in markup, else a copy (in *copy, to be freed)
 * with each bad byte or character replaced by U+FFFD. NULL when out of memory. */
static const char *clean(knee__html *h, const char *s, char **copy)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n, o = 0;
    char *c;
    *copy = NULL;
    while (*p && (n = good_char(p)) > 0)
        p += n;
    if (!*p)
        return s;
    c = knee__malloc(strlen(s) * 3 + 1); /* each byte becomes at most 3 */
    if (!c) {
        h->failed = 1;
        return NULL;
    }
    for (p = (const unsigned char *)s; *p;) {
        if ((n = good_char(p)) > 0) {
            memcpy(c + o, p, n);
            o += n;
            p += n;
        } else { /* one U+FFFD for a character refused whole, one per byte that is not UTF-8 */
            uint32_t cp;
            size_t bad = knee__utf8_decode(p, 4, &cp);
            memcpy(c + o, "\xEF\xBF\xBD", 3);
            o += 3;
            p += bad ? bad : 1;
        }
    }
    c[o] = '\0';
    *copy = c;
    return c;
}

void knee__html_raw(knee__html *h, const char *s)
{
    if (h->failed)
        return;
    check(h, xmlTextWriterWriteRaw(h->w, (const xmlChar *)s));
}

void knee__html_start(knee__html *h, const char *element)
{
    if (h->failed)
        return;
    if (h->depth >= MAX_DEPTH) { /* a bug in the report's structure, not bad input */
        h->failed = 1;
        return;
    }
    check(h, xmlTextWriterStartElement(h->w, (const xmlChar *)element));
    h->depth++;
    h->plain[h->depth] =
        h->plain[h->depth - 1] || strcmp(element, "head") == 0 || strcmp(element, "svg") == 0;
}

void knee__html_start_class(knee__html *h, const char *element, const char *cls)
{
    knee__html_start(h, element);
    if (cls)
        knee__html_attr(h, "class", cls);
}

void knee__html_attr(knee__html *h, const char *name, const char *value)
{
    char *copy;
    const char *v;
    if (h->failed || !value)
        return;
    if (!(v = clean(h, value, &copy)))
        return;
    check(h, xmlTextWriterWriteAttribute(h->w, (const xmlChar *)name, (const xmlChar *)v));
    knee__dealloc(copy);
}

void knee__html_attrf(knee__html *h, const char *name, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    knee__html_attr(h, name, buf);
}

/* A text that could reorder what is around it (a rule file's option name in Hebrew beside our
 * "(score 0.99 of 1)") is written as an isolate, <bdi>, wherever one may go. */
void knee__html_text(knee__html *h, const char *s)
{
    char *copy;
    const char *v;
    int isolate;
    if (h->failed || !s || !*s)
        return;
    if (!(v = clean(h, s, &copy)))
        return;
    isolate = !h->plain[h->depth] && reorders(v);
    if (isolate)
        knee__html_start(h, "bdi");
    if (!h->failed)
        check(h, xmlTextWriterWriteString(h->w, (const xmlChar *)v));
    if (isolate)
        knee__html_end(h);
    knee__dealloc(copy);
}

void knee__html_text_n(knee__html *h, const char *s, size_t n)
{
    char *copy;
    if (h->failed || n == 0)
        return;
    if (!(copy = knee__strndup(s, n))) {
        h->failed = 1;
        return;
    }
    knee__html_text(h, copy);
    knee__dealloc(copy);
}

void knee__html_textf(knee__html *h, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    knee__html_text(h, buf);
}

void knee__html_end(knee__html *h)
{
    if (h->failed)
        return;
    check(h, xmlTextWriterFullEndElement(h->w));
    h->depth--;
}

void knee__html_end_empty(knee__html *h)
{
    if (h->failed)
        return;
    check(h, xmlTextWriterEndElement(h->w));
    h->depth--;
}

void knee__html_elem(knee__html *h, const char *element, const char *cls, const char *text)
{
    knee__html_start_class(h, element, cls);
    knee__html_text(h, text);
    knee__html_end(h);
}

void knee__html_newline(knee__html *h)
{
    knee__html_raw(h, "\n");
}

int knee__html_finish(knee__html *h, char **out, size_t *len)
{
    int status = KNEE_ENOMEM;
    const xmlChar *content;
    int n;
    if (!h)
        return KNEE_ENOMEM;
    while (!h->failed && h->depth > 0)
        knee__html_end(h);
    if (!h->failed && xmlTextWriterFlush(h->w) >= 0) {
        content = xmlBufferContent(h->buf);
        n = xmlBufferLength(h->buf);
        if (content && n >= 0 && (*out = knee__malloc((size_t)n + 1)) != NULL) {
            memcpy(*out, content, (size_t)n);
            (*out)[n] = '\0';
            if (len)
                *len = (size_t)n;
            status = KNEE_OK;
        }
    }
    knee__html_free(h);
    return status;
}
