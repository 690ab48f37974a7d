/* xml_input.c - hardened XML parsing and XSD validation; the only file that includes libxml2.
 *
 * Hardening (conventions.md, rule 16): a parser context of our own per call, XML_PARSE_NONET,
 * never NOENT/DTDLOAD/DTDATTR/DTDVALID/XINCLUDE/HUGE/RECOVER; a DOCTYPE stops the parse the
 * moment it is seen (so no entity of any kind is ever declared); depth and element counts are
 * capped from inside the SAX callbacks; errors are captured through the context's own handler.
 * libxml2's global state (error handlers, allocator, entity loader) is never touched. */
#include "base/xml_input.h"

#include <limits.h>
#include <pthread.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/schemasInternals.h>
#include <libxml/xmlschemas.h>

#include "util/alloc.h"
#include "util/utf8.h"

#define MAX_REPORTED 200 /* beyond this many, further errors are counted, not listed */

typedef struct parse_state {
    knee_diag *diag;
    const char *file;
    size_t depth, elements;
    const knee__xml_limits *limits;
    int status; /* worst status seen: KNEE_EPARSE / KNEE_ELIMIT */
    size_t reported;
    int lt_in_attribute;          /* a bare '<' in an attribute was reported */
    startElementNsSAX2Func start; /* libxml2's own handlers we wrap */
    endElementNsSAX2Func end;
} parse_state;

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void init_libxml(void)
{
    /* libxml2 2.9 initialises lazily and not thread-safely: do it once, up front. */
    xmlInitParser();
}

static void note(parse_state *st, int status, const char *code, knee__pos pos, const char *msg)
{
    if (st->status == KNEE_OK || st->status == KNEE_EPARSE)
        st->status = status;
    if (st->reported++ < MAX_REPORTED)
        knee__diag_add(st->diag, KNEE_SEVERITY_ERROR, status, code, st->file, pos, NULL, "%s", msg);
}

static knee__pos ctxt_pos(xmlParserCtxtPtr ctxt)
{
    knee__pos p = {0, 0};
    if (ctxt->input) {
        p.line = ctxt->input->line > 0 ? (unsigned)ctxt->input->line : 0;
        p.col = ctxt->input->col > 0 ? (unsigned)ctxt->input->col : 0;
    }
    return p;
}

/* Copy a libxml2 message without its trailing newline. */
static void clean_message(char *dst, size_t cap, const char *msg)
{
    size_t n;
    if (!msg)
        msg = "XML error";
    n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        n--;
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, msg, n);
    dst[n] = '\0';
}

static void on_parse_error(void *data, xmlErrorPtr err)
{
    xmlParserCtxtPtr ctxt = data;
    parse_state *st = ctxt->_private;
    knee__pos pos;
    char msg[512];
    if (!st || err->level == XML_ERR_WARNING)
        return;
    pos.line = err->line > 0 ? (unsigned)err->line : 0;
    pos.col = err->int2 > 0 ? (unsigned)err->int2 : 0;
    clean_message(msg, sizeof msg, err->message);
    /* The errors libxml2 reports after a bare '<' in an attribute (tag mismatches, extra
     * content) only follow from it: the author sees the one that says what to fix. */
    if (st->lt_in_attribute)
        return;
    if (err->code == XML_ERR_LT_IN_ATTRIBUTE) {
        st->lt_in_attribute = 1;
        note(st, KNEE_EPARSE, "xml-syntax", pos,
             "a bare '<' in an attribute value: XML needs it written as &lt; (a condition "
             "when=\"age < 65\" is written when=\"age &lt; 65\"; '<=' as &lt;=)");
        return;
    }
    if (err->code == XML_ERR_INVALID_ENCODING) /* check_bytes saw it first; never two lines */
        note(st, KNEE_EPARSE, "xml-encoding", pos, "input is not valid UTF-8");
    else if (err->code == XML_ERR_INVALID_CHAR)
        note(st, KNEE_EPARSE, "xml-encoding", pos, msg);
    else
        note(st, KNEE_EPARSE, "xml-syntax", pos, msg);
}

static void on_doctype(void *ctx, const xmlChar *name, const xmlChar *ext, const xmlChar *sys)
{
    xmlParserCtxtPtr ctxt = ctx;
    parse_state *st = ctxt->_private;
    (void)name;
    (void)ext;
    (void)sys;
    note(st, KNEE_EPARSE, "xml-doctype", ctxt_pos(ctxt),
         "a DOCTYPE is not allowed (no DTDs or entities in rule or patient files)");
    xmlStopParser(ctxt);
}

static void on_start(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri,
                     int nb_namespaces, const xmlChar **namespaces, int nb_attributes,
                     int nb_defaulted, const xmlChar **attributes)
{
    xmlParserCtxtPtr ctxt = ctx;
    parse_state *st = ctxt->_private;
    st->depth++;
    st->elements++;
    if (st->depth > st->limits->max_depth) {
        note(st, KNEE_ELIMIT, "limit-depth", ctxt_pos(ctxt),
             "elements nested deeper than the depth limit (KNEE_LIMIT_XML_DEPTH)");
        xmlStopParser(ctxt);
        return;
    }
    if (st->elements > st->limits->max_elements) {
        note(st, KNEE_ELIMIT, "limit-elements", ctxt_pos(ctxt),
             "more elements than the element limit (KNEE_LIMIT_ELEMENTS)");
        xmlStopParser(ctxt);
        return;
    }
    st->start(ctx, localname, prefix, uri, nb_namespaces, namespaces, nb_attributes, nb_defaulted,
              attributes);
}

static void on_end(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri)
{
    xmlParserCtxtPtr ctxt = ctx;
    parse_state *st = ctxt->_private;
    if (st->depth)
        st->depth--;
    st->end(ctx, localname, prefix, uri);
}

/* ---- positions: a forward scan of the raw bytes, in step with document order ------------- */

typedef struct scanner {
    const char *p, *end;
    knee__pos pos;
} scanner;

static void advance(scanner *s, size_t n)
{
    while (n-- && s->p < s->end) {
        unsigned char c = (unsigned char)*s->p++;
        if (c == '\n') {
            s->pos.line++;
            s->pos.col = 1;
        } else if ((c & 0xC0) != 0x80) {
            s->pos.col++; /* columns count characters, not bytes */
        }
    }
}

static int starts(const scanner *s, const char *lit)
{
    size_t n = strlen(lit);
    return (size_t)(s->end - s->p) >= n && memcmp(s->p, lit, n) == 0;
}

static void skip_past(scanner *s, const char *lit)
{
    while (s->p < s->end && !starts(s, lit))
        advance(s, 1);
    advance(s, strlen(lit));
}

/* Move to the '<' of the next start tag. The input is known to be well-formed. */
static int next_start_tag(scanner *s)
{
    while (s->p < s->end) {
        if (*s->p != '<') {
            advance(s, 1);
            continue;
        }
        if (starts(s, "<!--"))
            skip_past(s, "-->");
        else if (starts(s, "<![CDATA["))
            skip_past(s, "]]>");
        else if (starts(s, "<?"))
            skip_past(s, "?>");
        else if (starts(s, "</") || starts(s, "<!"))
            skip_past(s, ">");
        else
            return 1;
    }
    return 0;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static const char *local_part(const char *name, size_t len, size_t *llen)
{
    const char *colon = memchr(name, ':', len);
    if (!colon) {
        *llen = len;
        return name;
    }
    *llen = len - (size_t)(colon + 1 - name);
    return colon + 1;
}

/* Fill positions of node n (whose start tag is at s) and of its attributes. */
static void locate_tag(scanner *s, knee__xnode *n)
{
    n->pos = s->pos;
    advance(s, 1); /* '<' */
    while (s->p < s->end && !is_space(*s->p) && *s->p != '>' && *s->p != '/')
        advance(s, 1);
    for (;;) {
        const char *name;
        size_t nlen, llen, i;
        const char *lname;
        char quote;
        while (s->p < s->end && is_space(*s->p))
            advance(s, 1);
        if (s->p >= s->end || *s->p == '>' || *s->p == '/')
            break;
        name = s->p;
        while (s->p < s->end && !is_space(*s->p) && *s->p != '=')
            advance(s, 1);
        nlen = (size_t)(s->p - name);
        while (s->p < s->end && (is_space(*s->p) || *s->p == '='))
            advance(s, 1);
        if (s->p >= s->end)
            break;
        quote = *s->p;
        advance(s, 1);
        lname = local_part(name, nlen, &llen);
        for (i = 0; i < n->n_attrs; i++) {
            knee__xattr *a = &n->attrs[i];
            if (!a->raw && strlen(a->name) == llen && memcmp(a->name, lname, llen) == 0 &&
                !(nlen >= 5 && memcmp(name, "xmlns", 5) == 0)) {
                a->raw = s->p;
                a->pos = s->pos;
                break;
            }
        }
        {
            const char *v = s->p;
            while (s->p < s->end && *s->p != quote)
                advance(s, 1);
            if (i < n->n_attrs)
                n->attrs[i].raw_len = (size_t)(s->p - v);
        }
        advance(s, 1); /* closing quote */
    }
}

/* ---- conversion of libxml2's tree into ours ------------------------------------------------ */

typedef struct build_state {
    knee__arena *arena;
    scanner scan;
} build_state;

static int build_node(build_state *b, xmlNodePtr src, knee__xnode *dst)
{
    xmlNodePtr c;
    xmlAttrPtr a;
    size_t n, i;
    char *text = NULL;
    size_t text_len = 0;

    src->_private = dst; /* lets schema errors find the node's position */
    dst->name = knee__arena_strdup(b->arena, (const char *)src->name);
    if (!dst->name)
        return KNEE_ENOMEM;
    if (src->ns && src->ns->href) {
        dst->ns = knee__arena_strdup(b->arena, (const char *)src->ns->href);
        if (!dst->ns)
            return KNEE_ENOMEM;
    }

    for (n = 0, a = src->properties; a; a = a->next)
        n++;
    if (n) {
        dst->attrs = knee__arena_alloc(b->arena, n * sizeof *dst->attrs);
        if (!dst->attrs)
            return KNEE_ENOMEM;
    }
    for (i = 0, a = src->properties; a; a = a->next, i++) {
        /* the usual value is one text node: copy it, sparing libxml2 a malloc and a free */
        int one_text = a->children && a->children->type == XML_TEXT_NODE && !a->children->next;
        xmlChar *v = one_text ? NULL : xmlNodeListGetString(src->doc, a->children, 1);
        const char *value = one_text ? (const char *)a->children->content : (const char *)v;
        dst->attrs[i].name = knee__arena_strdup(b->arena, (const char *)a->name);
        dst->attrs[i].value = knee__arena_strdup(b->arena, value ? value : "");
        xmlFree(v);
        if (!dst->attrs[i].name || !dst->attrs[i].value)
            return KNEE_ENOMEM;
    }
    dst->n_attrs = n;
    if (next_start_tag(&b->scan))
        locate_tag(&b->scan, dst);

    for (n = 0, c = src->children; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE) {
            n++;
        } else if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content) {
            text_len += strlen((const char *)c->content);
        }
    }
    text = knee__arena_alloc(b->arena, text_len + 1);
    if (!text)
        return KNEE_ENOMEM;
    for (c = src->children, text_len = 0; c; c = c->next) /* no strcat: linear in the children */
        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content) {
            size_t len = strlen((const char *)c->content);
            memcpy(text + text_len, c->content, len);
            text_len += len;
        }
    text[text_len] = '\0';
    dst->text = text;
    if (n) {
        dst->children = knee__arena_alloc(b->arena, n * sizeof *dst->children);
        if (!dst->children)
            return KNEE_ENOMEM;
    }
    dst->n_children = n;
    for (i = 0, c = src->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        {
            int rc = build_node(b, c, &dst->children[i++]);
            if (rc != KNEE_OK)
                return rc;
        }
    }
    return KNEE_OK;
}

/* ---- schema validation ---------------------------------------------------------------------- */

typedef struct schema_state {
    knee_diag *diag;
    const char *file;
    size_t errors;
} schema_state;

/* Drop "{urn:...}" namespace prefixes from element names: they are noise to a rule author. */
static void strip_namespaces(char *s)
{
    char *w = s, *r = s;
    while (*r) {
        if (*r == '{') {
            char *close = strchr(r, '}');
            if (close && close - r < 64 && memchr(r, ':', (size_t)(close - r))) {
                r = close + 1;
                continue;
            }
        }
        *w++ = *r++;
    }
    *w = '\0';
}

static const char *schema_code(int code)
{
    switch (code) {
    case XML_SCHEMAV_ELEMENT_CONTENT:
    case XML_SCHEMAV_CVC_ELT_1:
        return "schema-element";
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_3_2_1:
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_3_2_2:
        return "schema-unknown-attribute";
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_4:
        return "schema-missing-attribute";
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_2_4:
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_2_3:
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_2_1:
        return "schema-content";
    default:
        return "schema-value";
    }
}

static void on_schema_error(void *data, xmlErrorPtr err)
{
    schema_state *st = data;
    char msg[768];
    knee__pos pos = {0, 0};
    xmlNodePtr node = err->node;
    if (err->level == XML_ERR_WARNING)
        return;
    if (node && node->type == XML_ELEMENT_NODE && node->_private) {
        const knee__xnode *n = node->_private;
        pos = n->pos;
    } else if (node && node->type == XML_ATTRIBUTE_NODE && node->parent && node->parent->_private) {
        const knee__xnode *n = node->parent->_private;
        const knee__xattr *a = knee__xml_attr(n, (const char *)node->name);
        pos = a ? a->pos : n->pos;
    } else if (err->line > 0) {
        pos.line = (unsigned)err->line;
    }
    clean_message(msg, sizeof msg, err->message);
    strip_namespaces(msg);
    if (st->errors++ < MAX_REPORTED)
        knee__diag_add(st->diag, KNEE_SEVERITY_ERROR, KNEE_EINVALID, schema_code(err->code),
                       st->file, pos, NULL, "%s", msg);
}

/* Schema parser messages would mean our own embedded XSD is broken: keep them out of sight. */
static void ignore_error(void *data, xmlErrorPtr err)
{
    (void)data;
    (void)err;
}

/* The root element outside the schema's namespace (most often: no xmlns= at all). Reported
 * with the line to write, instead of the validator's "no matching global declaration"; returns
 * 1 when so. */
static int wrong_namespace(xmlDocPtr doc, xmlSchemaPtr schema, const char *file, knee_diag *diag)
{
    xmlNodePtr root = xmlDocGetRootElement(doc);
    const char *want = (const char *)schema->targetNamespace;
    const char *have;
    knee__pos pos = {0, 0};
    if (!root || !want)
        return 0;
    have = root->ns && root->ns->href ? (const char *)root->ns->href : NULL;
    if (have && strcmp(have, want) == 0)
        return 0;
    if (root->_private)
        pos = ((const knee__xnode *)root->_private)->pos;
    if (have)
        knee__diag_add(diag, KNEE_SEVERITY_ERROR, KNEE_EINVALID, "schema-namespace", file, pos,
                       NULL, "<%s> is in the namespace '%s', not '%s': write <%s xmlns=\"%s\" ...>",
                       (const char *)root->name, have, want, (const char *)root->name, want);
    else
        knee__diag_add(diag, KNEE_SEVERITY_ERROR, KNEE_EINVALID, "schema-namespace", file, pos,
                       NULL, "<%s> has no namespace: write <%s xmlns=\"%s\" ...>",
                       (const char *)root->name, (const char *)root->name, want);
    return 1;
}

static int validate(xmlDocPtr doc, const unsigned char *xsd, size_t xsd_len, const char *file,
                    knee_diag *diag)
{
    xmlSchemaParserCtxtPtr pctxt = NULL;
    xmlSchemaPtr schema = NULL;
    xmlSchemaValidCtxtPtr vctxt = NULL;
    schema_state st;
    int rc = KNEE_ENOMEM, v;

    st.diag = diag;
    st.file = file;
    st.errors = 0;
    pctxt = xmlSchemaNewMemParserCtxt((const char *)xsd, (int)xsd_len);
    if (!pctxt)
        goto out;
    xmlSchemaSetParserStructuredErrors(pctxt, ignore_error, NULL);
    schema = xmlSchemaParse(pctxt);
    if (!schema)
        goto out;
    if (wrong_namespace(doc, schema, file, diag)) {
        rc = KNEE_EINVALID;
        goto out;
    }
    vctxt = xmlSchemaNewValidCtxt(schema);
    if (!vctxt)
        goto out;
    xmlSchemaSetValidStructuredErrors(vctxt, on_schema_error, &st);
    v = xmlSchemaValidateDoc(vctxt, doc);
    if (v == 0)
        rc = KNEE_OK;
    else if (v > 0 || st.errors)
        rc = KNEE_EINVALID;
    if (rc == KNEE_EINVALID && st.errors == 0)
        knee__diag_add(diag, KNEE_SEVERITY_ERROR, KNEE_EINVALID, "schema-value", file,
                       (knee__pos){0, 0}, NULL, "the document does not match the schema");
out:
    xmlSchemaFreeValidCtxt(vctxt);
    xmlSchemaFree(schema);
    xmlSchemaFreeParserCtxt(pctxt);
    return rc;
}

/* ---- the entry point -------------------------------------------------------------------- */

/* The encoding named by an XML declaration at the start of b, or NULL (no declaration or no
 * encoding pseudo-attribute). *n receives its length. */
static const char *declared_encoding(const unsigned char *b, size_t len, size_t *n)
{
    const char *p = (const char *)b, *end, *enc;
    char q;
    if (len >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) {
        p += 3;
        len -= 3;
    }
    if (len < 6 || memcmp(p, "<?xml", 5) != 0)
        return NULL;
    end = memchr(p, '>', len); /* blanks inside the declaration may be arbitrarily long */
    if (!end)
        end = p + len;
    for (enc = p + 5; enc + 8 < end; enc++)
        if (memcmp(enc, "encoding", 8) == 0)
            break;
    if (enc + 8 >= end)
        return NULL;
    for (enc += 8;
         enc < end && (*enc == ' ' || *enc == '=' || *enc == '\t' || *enc == '\r' || *enc == '\n');
         enc++)
        ;
    if (enc >= end || (*enc != '"' && *enc != '\''))
        return NULL;
    q = *enc++;
    for (*n = 0; enc + *n < end && enc[*n] != q; (*n)++)
        ;
    return enc;
}

/* Refuse anything that is not UTF-8 before libxml2 sees it: given another encoding (declared,
 * or detected from the first bytes: UTF-16/32 with or without a byte order mark, EBCDIC),
 * libxml2 2.9 converts the input and reports conversion failures on stderr through its global
 * error handler, which a library must never do (and which we must not replace). */
static int check_encoding(const unsigned char *b, size_t len, const char *file, knee_diag *diag)
{
    const char *enc;
    size_t n = 0;
    const char *why = NULL;
    /* byte order marks; a NUL in the first four bytes (libxml2 would take UTF-16 or UTF-32);
     * EBCDIC's "<?xm" */
    if ((len >= 2 && ((b[0] == 0xFE && b[1] == 0xFF) || (b[0] == 0xFF && b[1] == 0xFE))) ||
        memchr(b, 0, len < 4 ? len : 4) || (len >= 4 && memcmp(b, "\x4C\x6F\xA7\x94", 4) == 0))
        why = "input must be UTF-8";
    else if ((enc = declared_encoding(b, len, &n)) != NULL &&
             !(n == 5 && strncasecmp(enc, "UTF-8", 5) == 0))
        why = "input must be UTF-8: the XML declaration names another encoding";
    if (why) {
        knee__diag_add(diag, KNEE_SEVERITY_ERROR, KNEE_EPARSE, "xml-encoding", file,
                       (knee__pos){1, 1}, NULL, "%s", why);
        return KNEE_EPARSE;
    }
    return KNEE_OK;
}

/* Every byte is checked before libxml2 parses: libxml2 2.9 stops reading at a NUL that follows
 * the root element, so "rules.xml" + "\0<garbage>" loaded with the garbage unread; and its
 * message for invalid UTF-8 runs over two lines ("indicate encoding !" and the bytes). A NUL
 * anywhere, or a byte that is not UTF-8, is one located diagnostic. Columns count characters,
 * as the scanner below does. */
static int check_bytes(const unsigned char *b, size_t len, const char *file, knee_diag *diag)
{
    knee__pos pos = {1, 1};
    size_t i = 0, n;
    uint32_t cp;
    while (i < len) {
        if (b[i] >= 0x20 && b[i] < 0x80) { /* the usual case */
            i++;
            pos.col++;
            continue;
        }
        if (b[i] == 0) {
            knee__diag_add(diag, KNEE_SEVERITY_ERROR, KNEE_EPARSE, "xml-encoding", file, pos, NULL,
                           "a NUL byte (XML allows none, anywhere in the input)");
            return KNEE_EPARSE;
        }
        if ((n = knee__utf8_decode(b + i, len - i, &cp)) == 0) {
            knee__diag_add(diag, KNEE_SEVERITY_ERROR, KNEE_EPARSE, "xml-encoding", file, pos, NULL,
                           "input is not valid UTF-8 (byte 0x%02X)", b[i]);
            return KNEE_EPARSE;
        }
        if (b[i] == '\n') {
            pos.line++;
            pos.col = 1;
        } else {
            pos.col++;
        }
        i += n;
    }
    return KNEE_OK;
}

/* libxml2 2.9 checks a start tag's attributes for duplicates pairwise, so one element with
 * 50,000 attributes takes seconds and 16 MiB can hold two million (hours). No element of the
 * formats has more than a handful, so a start tag with more than MAX_ATTRIBUTES is refused
 * before libxml2 sees it, by one linear scan of the bytes (our own position scan is pairwise
 * per tag too). Comments, CDATA sections and processing instructions are skipped. */
#define MAX_ATTRIBUTES 64

/* The first lit (n bytes) in [s, end), or NULL. Not memmem: sanitizers' memmem checks the whole
 * haystack on every call, which made one search per comment quadratic under ASan and TSan. */
static const char *find_lit(const char *s, const char *end, const char *lit, size_t n)
{
    while (s < end && (s = memchr(s, lit[0], (size_t)(end - s))) != NULL) {
        if ((size_t)(end - s) < n)
            return NULL;
        if (memcmp(s, lit, n) == 0)
            return s;
        s++;
    }
    return NULL;
}

static int check_attribute_counts(const char *p, size_t len, const char *file, knee_diag *diag)
{
    const char *end = p + len, *s = p;
    while (s < end) {
        const char *lt = memchr(s, '<', (size_t)(end - s)), *close;
        size_t n = 0;
        char quote = 0;
        if (!lt)
            break;
        s = lt + 1;
        if (end - s >= 3 && memcmp(s, "!--", 3) == 0) {
            close = find_lit(s, end, "-->", 3);
            s = close ? close + 3 : end;
            continue;
        }
        if (end - s >= 8 && memcmp(s, "![CDATA[", 8) == 0) {
            close = find_lit(s, end, "]]>", 3);
            s = close ? close + 3 : end;
            continue;
        }
        if (s < end && *s == '?') {
            close = find_lit(s, end, "?>", 2);
            s = close ? close + 2 : end;
            continue;
        }
        for (; s < end; s++) {
            if (quote) {
                if (*s == quote)
                    quote = 0;
            } else if (*s == '"' || *s == '\'') {
                quote = *s;
            } else if (*s == '>') {
                break;
            } else if (*s == '=' && ++n > MAX_ATTRIBUTES) {
                knee__pos pos = {1, 0};
                for (close = p; close < lt; close++)
                    pos.line += *close == '\n';
                knee__diag_add(diag, KNEE_SEVERITY_ERROR, KNEE_ELIMIT, "limit-attributes", file,
                               pos, NULL, "an element has more than %d attributes", MAX_ATTRIBUTES);
                return KNEE_ELIMIT;
            }
        }
    }
    return KNEE_OK;
}

/* The checks made on the bytes before libxml2 sees them. */
static int check_input(const void *buf, size_t len, const char *file, knee_diag *diag)
{
    int rc;
    if (len == 0) {
        knee__diag_add(diag, KNEE_SEVERITY_ERROR, KNEE_EPARSE, "xml-empty", file, (knee__pos){1, 1},
                       NULL, "the input is empty");
        return KNEE_EPARSE;
    }
    if (len > INT_MAX) {
        knee__diag_add(diag, KNEE_SEVERITY_ERROR, KNEE_ELIMIT, "limit-size", file,
                       (knee__pos){0, 0}, NULL, "the input is too large");
        return KNEE_ELIMIT;
    }
    rc = check_encoding(buf, len, file, diag);
    if (rc == KNEE_OK)
        rc = check_bytes(buf, len, file, diag);
    if (rc == KNEE_OK)
        rc = check_attribute_counts(buf, len, file, diag);
    return rc;
}

/* A libxml2 parser over buf that reports to st and counts elements through on_start/on_end, or
 * NULL when out of memory. */
static xmlParserCtxtPtr new_parser(const void *buf, size_t len, parse_state *st)
{
    xmlParserCtxtPtr ctxt;
    pthread_once(&init_once, init_libxml);
    ctxt = xmlCreateMemoryParserCtxt(buf, (int)len);
    if (!ctxt)
        return NULL;
    /* IGNORE_ENC: whatever declaration check_encoding did not recognise, libxml2 must never
     * switch to another encoding (its converters report failures on stderr); the input is read
     * as UTF-8, so other encodings' bytes fail as invalid UTF-8. */
    xmlCtxtUseOptions(ctxt, XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOWARNING |
                                XML_PARSE_IGNORE_ENC);
    ctxt->_private = st;
    ctxt->sax->serror = on_parse_error;
    ctxt->sax->error = NULL;
    ctxt->sax->warning = NULL;
    ctxt->sax->internalSubset = on_doctype;
    ctxt->sax->externalSubset = NULL;
    /* Comments and processing instructions are never read, and 16 MiB of them would otherwise
     * become 1.5 million tree nodes that no element limit counts. */
    ctxt->sax->comment = NULL;
    ctxt->sax->processingInstruction = NULL;
    st->start = ctxt->sax->startElementNs;
    st->end = ctxt->sax->endElementNs;
    ctxt->sax->startElementNs = on_start;
    ctxt->sax->endElementNs = on_end;
    ctxt->linenumbers = 1;
    return ctxt;
}

/* The parsed document is one well-formed UTF-8 element tree without a DOCTYPE. */
static int check_document(const parse_state *st, xmlParserCtxtPtr ctxt, xmlDocPtr doc,
                          const char *file, knee_diag *diag)
{
    if (st->status != KNEE_OK || !ctxt->wellFormed || !doc || !xmlDocGetRootElement(doc)) {
        if (st->reported == 0)
            knee__diag_add(diag, KNEE_SEVERITY_ERROR, KNEE_EPARSE, "xml-syntax", file,
                           (knee__pos){0, 0}, NULL, "the input is not well-formed XML");
        return st->status != KNEE_OK ? st->status : KNEE_EPARSE;
    }
    if (doc->intSubset || doc->extSubset) { /* belt and braces: on_doctype already stopped it */
        knee__diag_add(diag, KNEE_SEVERITY_ERROR, KNEE_EPARSE, "xml-doctype", file,
                       (knee__pos){0, 0}, NULL, "a DOCTYPE is not allowed");
        return KNEE_EPARSE;
    }
    if (doc->encoding && xmlStrcasecmp(doc->encoding, BAD_CAST "UTF-8") != 0) {
        knee__diag_add(diag, KNEE_SEVERITY_ERROR, KNEE_EPARSE, "xml-encoding", file,
                       (knee__pos){1, 1}, NULL, "input must be UTF-8, not %s",
                       (const char *)doc->encoding);
        return KNEE_EPARSE;
    }
    return KNEE_OK;
}

/* Our own copy of doc's tree in an arena, with positions scanned from buf, in *out. */
static int copy_tree(knee__xdoc **out, xmlDocPtr doc, const void *buf, size_t len, const char *file)
{
    build_state b;
    knee__xdoc *d = knee__calloc(1, sizeof *d);
    int rc;
    if (!d)
        return KNEE_ENOMEM;
    knee__arena_init(&d->arena);
    d->file = knee__arena_strdup(&d->arena, file);
    d->root = knee__arena_alloc(&d->arena, sizeof *d->root);
    if (!d->file || !d->root) {
        knee__xdoc_free(d);
        return KNEE_ENOMEM;
    }
    b.arena = &d->arena;
    b.scan.p = buf;
    b.scan.end = (const char *)buf + len;
    b.scan.pos.line = 1;
    b.scan.pos.col = 1;
    rc = build_node(&b, xmlDocGetRootElement(doc), d->root);
    if (rc != KNEE_OK) {
        knee__xdoc_free(d);
        return rc;
    }
    *out = d;
    return KNEE_OK;
}

int knee__xml_read(knee__xdoc **out, const void *buf, size_t len, const char *file,
                   const unsigned char *xsd, size_t xsd_len, const knee__xml_limits *limits,
                   knee_diag *diag)
{
    xmlParserCtxtPtr ctxt;
    xmlDocPtr doc;
    knee__xdoc *d = NULL;
    parse_state st;
    int rc;

    *out = NULL;
    memset(&st, 0, sizeof st);
    st.diag = diag;
    st.file = file;
    st.limits = limits;
    st.status = KNEE_OK;

    rc = check_input(buf, len, file, diag);
    if (rc != KNEE_OK)
        return rc;
    ctxt = new_parser(buf, len, &st);
    if (!ctxt)
        return KNEE_ENOMEM;
    xmlParseDocument(ctxt);
    doc = ctxt->myDoc;
    ctxt->myDoc = NULL;
    rc = check_document(&st, ctxt, doc, file, diag);
    if (rc == KNEE_OK)
        rc = copy_tree(&d, doc, buf, len, file);
    if (rc == KNEE_OK)
        rc = xsd ? validate(doc, xsd, xsd_len, file, diag) : KNEE_OK;
    if (rc != KNEE_ENOMEM && d) {
        *out = d; /* also when invalid: the caller runs its own checks and reports them too */
        d = NULL;
    }
    knee__xdoc_free(d);
    if (doc)
        xmlFreeDoc(doc);
    xmlFreeParserCtxt(ctxt);
    return rc;
}

void knee__xdoc_free(knee__xdoc *d)
{
    if (!d)
        return;
    knee__arena_release(&d->arena);
    knee__dealloc(d);
}

const knee__xattr *knee__xml_attr(const knee__xnode *n, const char *name)
{
    size_t i;
    for (i = 0; i < n->n_attrs; i++)
        if (strcmp(n->attrs[i].name, name) == 0)
            return &n->attrs[i];
    return NULL;
}

const char *knee__xml_attr_value(const knee__xnode *n, const char *name)
{
    const knee__xattr *a = knee__xml_attr(n, name);
    return a ? a->value : NULL;
}

knee__pos knee__xml_value_pos(const knee__xattr *a, size_t off)
{
    /* Walk the raw text, where "&lt;" is one decoded character, until off decoded bytes. */
    knee__pos p = a->pos;
    size_t i = 0, done = 0;
    if (!a->raw)
        return p;
    while (i < a->raw_len && done < off) {
        unsigned char c = (unsigned char)a->raw[i];
        if (c == '&') {
            const char *semi = memchr(a->raw + i, ';', a->raw_len - i);
            size_t n = semi ? (size_t)(semi - (a->raw + i)) + 1 : 1;
            /* a character reference may decode to several UTF-8 bytes; count one */
            done++;
            p.col += (unsigned)n;
            i += n;
            continue;
        }
        if (c == '\n') {
            p.line++;
            p.col = 1;
        } else if ((c & 0xC0) != 0x80) {
            p.col++;
        }
        done++;
        i++;
    }
    return p;
}
