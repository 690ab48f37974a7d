/* xml_input.h - the only interface to libxml2 (xml_input.c is the only file that includes it).
 * Untrusted bytes are parsed with a hardened, per-call parser context, validated against an
 * XSD, and turned into a small read-only tree of our own in which every element and attribute
 * value knows its line and column, so later checks can point at the exact place. */
#ifndef KNEE_XML_INPUT_H
#define KNEE_XML_INPUT_H

#include <stddef.h>

#include "util/arena.h"
#include "base/diag.h"

typedef struct knee__xattr {
    const char *name;  /* local name */
    const char *value; /* decoded (entities replaced), NUL-terminated */
    const char *raw;   /* the value as written in the input, between the quotes */
    size_t raw_len;
    knee__pos pos; /* where the value starts (after the quote) */
} knee__xattr;

typedef struct knee__xnode {
    const char *name; /* local name */
    const char *text; /* the element's own text content, "" when none */
    knee__xattr *attrs;
    size_t n_attrs;
    struct knee__xnode *children; /* child elements only, in document order */
    size_t n_children;
    knee__pos pos;  /* where the start tag's '<' is */
    const char *ns; /* namespace URI, or NULL when the element has none */
} knee__xnode;

typedef struct knee__xdoc {
    knee__arena arena; /* owns every node and string */
    knee__xnode *root;
    const char *file;
} knee__xdoc;

typedef struct knee__xml_limits {
    size_t max_depth;
    size_t max_elements;
} knee__xml_limits;

/*
 * Parse len bytes as UTF-8 XML (no DOCTYPE, no network, no entity expansion), check depth and
 * element limits, validate against the XSD (xsd_len bytes; xsd == NULL: no schema, for input
 * such as FHIR XML whose structure the caller checks itself, with every other hardening kept)
 * and build the tree. Every problem
 * goes to diag, located. Returns KNEE_OK; KNEE_EPARSE or KNEE_ELIMIT with *out NULL; or
 * KNEE_EINVALID with *out set (the tree is usable for further checks, but the caller must
 * treat the input as invalid); or KNEE_ENOMEM.
 */
int knee__xml_read(knee__xdoc **out, const void *buf, size_t len, const char *file,
                   const unsigned char *xsd, size_t xsd_len, const knee__xml_limits *limits,
                   knee_diag *diag);
void knee__xdoc_free(knee__xdoc *d);

/* Attribute value by local name, or NULL. */
const knee__xattr *knee__xml_attr(const knee__xnode *n, const char *name);
const char *knee__xml_attr_value(const knee__xnode *n, const char *name);
/* Position of the decoded character at byte offset off of an attribute's value. */
knee__pos knee__xml_value_pos(const knee__xattr *a, size_t off);

#endif
