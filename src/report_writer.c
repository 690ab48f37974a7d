/* report_writer.c - markup for the report through libxml2's text writer, so that every text and
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

#include "alloc.h"
#include "report.h"

#define MAX_DEPTH 64

struct knee__html {
    xmlBufferPtr buf;
    xmlTextWriterPtr w;
    int failed;
    int depth;
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

/* Length of the valid UTF-8 sequence at s that is allowed in an HTML/XML text (no C0 or C1
 * controls except tab, newline and carriage return, no surrogates or non-characters U+FFFE and
 * U+FFFF), or 0. */
static size_t good_char(const unsigned char *s)
{
    unsigned long cp;
    size_t len, k;
    if (s[0] < 0x80)
        return (s[0] >= 0x20 && s[0] != 0x7F) || s[0] == '\t' || s[0] == '\n' || s[0] == '\r';
    if ((s[0] & 0xE0) == 0xC0) { len = 2; cp = s[0] & 0x1F; }
    else if ((s[0] & 0xF0) == 0xE0) { len = 3; cp = s[0] & 0x0F; }
    else if ((s[0] & 0xF8) == 0xF0) { len = 4; cp = s[0] & 0x07; }
    else return 0;
    for (k = 1; k < len; k++) {
        if ((s[k] & 0xC0) != 0x80)   /* also stops at the terminating NUL */
            return 0;
        cp = (cp << 6) | (s[k] & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || (cp >= 0x80 && cp <= 0x9F) ||
        cp == 0xFFFE || cp == 0xFFFF)
        return 0;
    return len;
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
    c = knee__malloc(strlen(s) * 3 + 1);   /* each byte becomes at most 3 */
    if (!c) {
        h->failed = 1;
        return NULL;
    }
    for (p = (const unsigned char *)s; *p;) {
        if ((n = good_char(p)) > 0) {
            memcpy(c + o, p, n);
            o += n;
            p += n;
        } else {
            memcpy(c + o, "\xEF\xBF\xBD", 3);
            o += 3;
            p++;
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
    if (h->depth >= MAX_DEPTH) {   /* a bug in the report's structure, not bad input */
        h->failed = 1;
        return;
    }
    check(h, xmlTextWriterStartElement(h->w, (const xmlChar *)element));
    h->depth++;
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

void knee__html_text(knee__html *h, const char *s)
{
    char *copy;
    const char *v;
    if (h->failed || !s || !*s)
        return;
    if (!(v = clean(h, s, &copy)))
        return;
    check(h, xmlTextWriterWriteString(h->w, (const xmlChar *)v));
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
