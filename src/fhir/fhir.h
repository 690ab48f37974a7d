/* fhir.h - FHIR R4 input: one small resource model that both encodings are read into (json.c:
 * jansson; xml.c: the hardened libxml2 reader), for the mapper that turns resources into facts
 * through the rule file's <fhir> mapping (map.c; the mapping itself is rules/fhir_mapping.h).
 * See docs/fhir.md. */
#ifndef KNEE_FHIR_H
#define KNEE_FHIR_H

#include <stddef.h>

#include "util/arena.h"
#include "base/diag.h"
#include "knee.h"
#include "rules/fhir_mapping.h"

/* ---- the resource model --------------------------------------------------------------------- */

/* One element. A JSON object property or XML element becomes a node named after it; a JSON
 * array becomes one node per item (as XML repeats the element); a primitive's value is `value`
 * (JSON numbers and booleans as their text, XML value="" attributes). A resource is a node
 * named after its type inside the node that holds it (resource, contained, the root), as in
 * XML; JSON "resourceType" is turned into that shape. */
typedef struct knee__fnode {
    const char *name;
    const char *value; /* NULL for a complex element */
    struct knee__fnode *kids;
    size_t n_kids;
    int is_null;        /* a JSON null (prefetch: the query ran and found nothing) */
    int is_json_string; /* the value was a JSON string (FHIR JSON writes numbers bare) */
} knee__fnode;

typedef struct knee__fdoc {
    knee__arena arena;
    knee__fnode *root;    /* a resource (named by type), or a "#prefetch" object whose
                             kids are the prefetch keys */
    knee__fnode *context; /* a CDS Hooks request's context object, or NULL */
} knee__fdoc;

typedef struct knee__flimits {
    size_t max_depth, max_elements;
} knee__flimits;

/* Parse FHIR JSON (fhir/json.c) or FHIR XML (fhir/xml.c). Problems go to diag. Return KNEE_OK
 * with *out set, or KNEE_EPARSE / KNEE_EINVALID / KNEE_ELIMIT / KNEE_ENOMEM with *out NULL. */
int knee__fhir_parse_json(knee__fdoc **out, const void *buf, size_t len, const char *file,
                          const knee__flimits *lim, knee_diag *diag);
int knee__fhir_parse_xml(knee__fdoc **out, const void *buf, size_t len, const char *file,
                         const knee__flimits *lim, knee_diag *diag);
void knee__fdoc_free(knee__fdoc *d);

/* Tree helpers. */
const knee__fnode *knee__fkid(const knee__fnode *n, const char *name);
const char *knee__fval(const knee__fnode *n, const char *name);

#endif
