/* xml.c - FHIR R4 XML into the resource model (fhir.h), through the hardened libxml2
 * reader (xml_input.c: no DOCTYPE, no entities, no network, depth and element caps) without a
 * schema. Elements must be in the FHIR namespace; primitive values are value="" attributes;
 * narrative XHTML (other namespaces) is skipped. */
#include <string.h>

#include "util/alloc.h"
#include "fhir/fhir.h"
#include "base/xml_input.h"

#define FHIR_NS "http://hl7.org/fhir"

static int in_fhir(const knee__xnode *x)
{
    return x->ns && strcmp(x->ns, FHIR_NS) == 0;
}

static int convert(knee__arena *a, const knee__xnode *x, knee__fnode *dst)
{
    size_t i, n = 0, k = 0;
    const char *v = knee__xml_attr_value(x, "value"), *url = knee__xml_attr_value(x, "url");
    dst->name = knee__arena_strdup(a, x->name);
    if (!dst->name)
        return KNEE_ENOMEM;
    if (v) {
        dst->value = knee__arena_strdup(a, v);
        if (!dst->value)
            return KNEE_ENOMEM;
    }
    for (i = 0; i < x->n_children; i++)
        if (in_fhir(&x->children[i]))
            n++;
    if (url)
        n++;
    if (n) {
        dst->kids = knee__arena_alloc(a, n * sizeof *dst->kids);
        if (!dst->kids)
            return KNEE_ENOMEM;
    }
    if (url) { /* extension url: an attribute in XML, a property in JSON */
        dst->kids[k].name = "url";
        dst->kids[k].value = knee__arena_strdup(a, url);
        if (!dst->kids[k++].value)
            return KNEE_ENOMEM;
    }
    for (i = 0; i < x->n_children; i++) {
        int rc;
        if (!in_fhir(&x->children[i]))
            continue;
        rc = convert(a, &x->children[i], &dst->kids[k++]);
        if (rc != KNEE_OK)
            return rc;
    }
    dst->n_kids = k;
    return KNEE_OK;
}

int knee__fhir_parse_xml(knee__fdoc **out, const void *buf, size_t len, const char *file,
                         const knee__flimits *lim, knee_diag *diag)
{
    knee__xdoc *x = NULL;
    knee__xml_limits xl;
    knee__fdoc *d;
    int rc;

    *out = NULL;
    xl.max_depth = lim->max_depth;
    xl.max_elements = lim->max_elements;
    rc = knee__xml_read(&x, buf, len, file, NULL, 0, &xl, diag);
    if (rc != KNEE_OK) {
        knee__xdoc_free(x);
        return rc;
    }
    if (!in_fhir(x->root)) {
        knee__diag_add(diag, KNEE_SEVERITY_ERROR, KNEE_EINVALID, "fhir-not-fhir", file,
                       x->root->pos, NULL, "the root element <%s> is not in the FHIR namespace %s",
                       x->root->name, FHIR_NS);
        knee__xdoc_free(x);
        return KNEE_EINVALID;
    }
    d = knee__calloc(1, sizeof *d);
    if (!d) {
        knee__xdoc_free(x);
        return KNEE_ENOMEM;
    }
    knee__arena_init(&d->arena);
    d->root = knee__arena_alloc(&d->arena, sizeof *d->root);
    rc = d->root ? convert(&d->arena, x->root, d->root) : KNEE_ENOMEM;
    knee__xdoc_free(x);
    if (rc != KNEE_OK) {
        knee__fdoc_free(d);
        return rc;
    }
    *out = d;
    return KNEE_OK;
}

void knee__fdoc_free(knee__fdoc *d)
{
    if (!d)
        return;
    knee__arena_release(&d->arena);
    knee__dealloc(d);
}

const knee__fnode *knee__fkid(const knee__fnode *n, const char *name)
{
    size_t i;
    if (!n)
        return NULL;
    for (i = 0; i < n->n_kids; i++)
        if (strcmp(n->kids[i].name, name) == 0)
            return &n->kids[i];
    return NULL;
}

const char *knee__fval(const knee__fnode *n, const char *name)
{
    const knee__fnode *k = knee__fkid(n, name);
    return k ? k->value : NULL;
}
