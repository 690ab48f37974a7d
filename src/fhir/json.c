/* json.c - FHIR R4 JSON into the resource model (fhir.h); the only file that includes
 * jansson. Accepted roots: a resource (Bundle or any single resource), a CDS Hooks prefetch
 * object ({"key": resource-or-null, ...}), or a whole CDS Hooks request ({"hook", "context",
 * "prefetch"}), whose context is kept so the mapper can check the patient. Duplicate keys are
 * refused; nesting and element counts are capped like XML input. */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "util/alloc.h"
#include "fhir/fhir.h"
#include "util/numbers.h"

typedef struct jstate {
    knee__arena *arena;
    const knee__flimits *lim;
    size_t elements;
    int status;
    knee_diag *diag;
    const char *file;
} jstate;

static void jfail(jstate *st, int status, const char *code, const char *msg)
{
    if (st->status != KNEE_OK)
        return;
    st->status = status;
    knee__diag_add(st->diag, KNEE_SEVERITY_ERROR, status, code, st->file, (knee__pos){0, 0}, NULL,
                   "%s", msg);
}

static int skip_key(const char *key)
{
    /* "_x": extensions and ids on a primitive; "resourceType" becomes the node's shape;
     * "fhir_comments" is a pre-R4 artefact. */
    return key[0] == '_' || strcmp(key, "resourceType") == 0 || strcmp(key, "fhir_comments") == 0;
}

static size_t kid_count(json_t *obj)
{
    const char *key;
    json_t *v;
    size_t n = 0;
    json_object_foreach(obj, key, v)
    {
        if (skip_key(key))
            continue;
        if (json_is_array(v)) {
            size_t i;
            for (i = 0; i < json_array_size(v); i++)
                if (!json_is_null(json_array_get(v, i)))
                    n++;
        } else {
            n++;
        }
    }
    return n;
}

static int fill(jstate *st, knee__fnode *dst, const char *name, json_t *v, size_t depth);

/* The properties of an object as kids of dst. */
static int fill_object(jstate *st, knee__fnode *dst, json_t *obj, size_t depth)
{
    const char *key;
    json_t *v;
    size_t n = kid_count(obj), k = 0;
    if (n) {
        dst->kids = knee__arena_alloc(st->arena, n * sizeof *dst->kids);
        if (!dst->kids) {
            if (st->status == KNEE_OK)
                st->status = KNEE_ENOMEM;
            return st->status;
        }
    }
    json_object_foreach(obj, key, v)
    {
        if (skip_key(key))
            continue;
        if (json_is_array(v)) {
            size_t i;
            for (i = 0; i < json_array_size(v); i++) {
                json_t *item = json_array_get(v, i);
                if (json_is_null(item))
                    continue;
                if (json_is_array(item)) {
                    jfail(st, KNEE_EPARSE, "fhir-json",
                          "an array inside an array is not FHIR JSON");
                    return st->status;
                }
                if (fill(st, &dst->kids[k++], key, item, depth + 1) != KNEE_OK)
                    return st->status;
            }
        } else if (fill(st, &dst->kids[k++], key, v, depth + 1) != KNEE_OK) {
            return st->status;
        }
    }
    dst->n_kids = k;
    return KNEE_OK;
}

/* One node named `name` for JSON value v. An object with resourceType becomes
 * name -> Type -> properties, as in XML. */
static int fill(jstate *st, knee__fnode *dst, const char *name, json_t *v, size_t depth)
{
    char buf[KNEE__NUMBUF];
    if (++st->elements > st->lim->max_elements) {
        jfail(st, KNEE_ELIMIT, "limit-elements", "more JSON elements than KNEE_LIMIT_ELEMENTS");
        return st->status;
    }
    if (depth > st->lim->max_depth) {
        jfail(st, KNEE_ELIMIT, "limit-depth", "JSON nested deeper than KNEE_LIMIT_XML_DEPTH");
        return st->status;
    }
    dst->name = knee__arena_strdup(st->arena, name);
    if (!dst->name)
        goto oom;
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        json_t *rt = json_object_get(v, "resourceType");
        if (rt) {
            if (!json_is_string(rt) || json_string_length(rt) == 0) {
                jfail(st, KNEE_EINVALID, "fhir-not-fhir", "resourceType is not a string");
                return st->status;
            }
            dst->kids = knee__arena_alloc(st->arena, sizeof *dst->kids);
            if (!dst->kids)
                goto oom;
            dst->n_kids = 1;
            dst->kids[0].name = knee__arena_strdup(st->arena, json_string_value(rt));
            if (!dst->kids[0].name)
                goto oom;
            return fill_object(st, &dst->kids[0], v, depth + 1);
        }
        return fill_object(st, dst, v, depth);
    }
    case JSON_STRING:
        dst->value = knee__arena_strndup(st->arena, json_string_value(v), json_string_length(v));
        dst->is_json_string = 1;
        break;
    case JSON_INTEGER:
        snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        dst->value = knee__arena_strdup(st->arena, buf);
        break;
    case JSON_REAL:
        dst->value = knee__arena_strdup(st->arena, knee__format_double(buf, json_real_value(v)));
        break;
    case JSON_TRUE:
        dst->value = knee__arena_strdup(st->arena, "true");
        break;
    case JSON_FALSE:
        dst->value = knee__arena_strdup(st->arena, "false");
        break;
    case JSON_NULL:
        dst->is_null = 1;
        return KNEE_OK;
    default:
        return KNEE_OK;
    }
    if (!dst->value)
        goto oom;
    return KNEE_OK;
oom:
    if (st->status == KNEE_OK)
        st->status = KNEE_ENOMEM;
    return st->status;
}

/* The JSON object in buf, in *root (the caller's to json_decref). */
static int load_object(json_t **root, const void *buf, size_t len, const char *file,
                       knee_diag *diag)
{
    json_error_t err;
    *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &err);
    if (!*root) {
        knee__diag_add(diag, KNEE_SEVERITY_ERROR, KNEE_EPARSE, "fhir-json", file,
                       (knee__pos){err.line > 0 ? (unsigned)err.line : 0,
                                   err.column > 0 ? (unsigned)err.column : 0},
                       NULL, "not valid JSON: %s", err.text);
        return KNEE_EPARSE;
    }
    if (!json_is_object(*root)) {
        knee__diag_add(diag, KNEE_SEVERITY_ERROR, KNEE_EINVALID, "fhir-not-fhir", file,
                       (knee__pos){0, 0}, NULL,
                       "expected a FHIR resource, a CDS Hooks prefetch object or request");
        json_decref(*root);
        *root = NULL;
        return KNEE_EINVALID;
    }
    return KNEE_OK;
}

/* d's root node from body: one resource, a prefetch object of resources (or null), or no keys at
 * all (body NULL: a request without prefetch). */
static void fill_root(jstate *st, knee__fdoc *d, json_t *body)
{
    d->root = knee__arena_alloc(&d->arena, sizeof *d->root);
    if (!d->root && st->status == KNEE_OK)
        st->status = KNEE_ENOMEM;
    if (st->status != KNEE_OK)
        return;
    if (!body) {
        d->root->name = "#prefetch";
    } else if (json_object_get(body, "resourceType")) {
        fill(st, d->root, "#root", body, 0);
        if (st->status == KNEE_OK)
            *d->root = d->root->kids[0]; /* the resource node itself */
    } else {
        /* A prefetch object: every value must be a resource or null. */
        const char *key;
        json_t *v;
        json_object_foreach(body, key, v)
        {
            if (!json_is_null(v) && !(json_is_object(v) && json_object_get(v, "resourceType"))) {
                jfail(st, KNEE_EINVALID, "fhir-not-fhir",
                      "not a FHIR resource (no resourceType), nor a prefetch object whose "
                      "values are resources or null");
                return;
            }
        }
        fill_object(st, d->root, body, 0);
        d->root->name = "#prefetch";
    }
}

int knee__fhir_parse_json(knee__fdoc **out, const void *buf, size_t len, const char *file,
                          const knee__flimits *lim, knee_diag *diag)
{
    json_t *root, *body;
    knee__fdoc *d;
    jstate st;
    int rc;

    *out = NULL;
    rc = load_object(&root, buf, len, file, diag);
    if (rc != KNEE_OK)
        return rc;
    d = knee__calloc(1, sizeof *d);
    if (!d) {
        json_decref(root);
        return KNEE_ENOMEM;
    }
    knee__arena_init(&d->arena);
    memset(&st, 0, sizeof st);
    st.arena = &d->arena;
    st.lim = lim;
    st.status = KNEE_OK;
    st.diag = diag;
    st.file = file;

    body = root;
    if (!json_object_get(root, "resourceType") && json_object_get(root, "hook") &&
        json_is_object(json_object_get(root, "context"))) {
        /* A CDS Hooks request: its prefetch (possibly absent: nothing prefetched) and context. */
        d->context = knee__arena_alloc(&d->arena, sizeof *d->context);
        if (!d->context)
            st.status = KNEE_ENOMEM;
        else
            fill(&st, d->context, "context", json_object_get(root, "context"), 1);
        body = json_object_get(root, "prefetch");
        if (body && !json_is_object(body)) {
            jfail(&st, KNEE_EINVALID, "fhir-not-fhir", "the request's prefetch is not an object");
            body = NULL;
        }
    }
    fill_root(&st, d, body);
    json_decref(root);
    rc = st.status;
    if (rc != KNEE_OK) {
        knee__fdoc_free(d);
        return rc;
    }
    *out = d;
    return KNEE_OK;
}
