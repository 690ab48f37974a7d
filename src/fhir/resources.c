/* resources.c - the resources of one FHIR load (mapper.h): collected from a resource, Bundle or
 * prefetch object, checked to be about one patient, read where FHIR allows one value only once;
 * the codes, statuses and dates of a resource; a value applied to the working patient. */
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/alloc.h"
#include "fhir/fhir.h"
#include "fhir/mapper.h"
#include "rules/model.h"
#include "util/numbers.h"
#include "base/options.h"
#include "patient/patient.h"
#include "util/strbuf.h"

/* ---- resources ------------------------------------------------------------------------------- */

static size_t count_named(const knee__fnode *n, const char *name, size_t len);

const char *knee__fmap_node_id(const knee__fnode *r)
{
    return knee__fval(r, "id");
}

static int add_res(mapper *m, const knee__fnode *node, const char *full_url, const res *container)
{
    res *x;
    if (knee__grow((void **)&m->v, &m->cap, m->n + 1, sizeof *m->v) != 0)
        return KNEE_ENOMEM;
    x = &m->v[m->n++];
    memset(x, 0, sizeof *x);
    x->node = node;
    x->type = node->name;
    x->id = knee__fmap_node_id(node);
    x->full_url = full_url;
    (void)container;
    return KNEE_OK;
}

int knee__fmap_collect(mapper *m, const knee__fnode *r, const char *full_url, size_t depth);

/* A resource wrapper (Bundle.entry.resource, contained) holds exactly one node named by its
 * resource type, which FHIR writes with a capital (elements start lower case). */
static int one_resource(const knee__fnode *w)
{
    return w->n_kids == 1 && isupper((unsigned char)w->kids[0].name[0]);
}

static const char *resource_shape(const knee__fnode *w)
{
    return w->n_kids == 0  ? "nothing"
           : w->n_kids > 1 ? "more than one resource"
                           : "no resourceType";
}

static int collect_bundle(mapper *m, const knee__fnode *b, size_t depth)
{
    size_t i;
    for (i = 0; i < b->n_kids; i++) {
        const knee__fnode *e = &b->kids[i], *rw, *req, *srch;
        int rc;
        if (strcmp(e->name, "entry") != 0)
            continue;
        rw = knee__fkid(e, "resource");
        req = knee__fkid(e, "request");
        srch = knee__fkid(e, "search");
        if (req && knee__fval(req, "method") && strcmp(knee__fval(req, "method"), "POST") != 0 &&
            strcmp(knee__fval(req, "method"), "PUT") != 0) {
            knee__frep_ignored(
                m->rep, rw && rw->n_kids ? rw->kids[0].name : "Bundle.entry",
                rw && rw->n_kids ? knee__fmap_node_id(&rw->kids[0]) : NULL, "transaction-request",
                "a %s request in a transaction carries no patient data", knee__fval(req, "method"));
            continue;
        }
        if (srch && knee__fval(srch, "mode") && strcmp(knee__fval(srch, "mode"), "outcome") == 0)
            continue;
        if (count_named(e, "resource", 8) > 1 || count_named(e, "fullUrl", 7) > 1) {
            knee__frep_ignored(
                m->rep, "Bundle.entry", knee__fval(e, "fullUrl"), "cardinality",
                "an entry has %zu resource and %zu fullUrl elements where FHIR allows one "
                "of each: none is used",
                count_named(e, "resource", 8), count_named(e, "fullUrl", 7));
            continue;
        }
        if (!rw) /* an entry without a resource (a deletion in a history) carries no data */
            continue;
        if (!one_resource(rw)) {
            knee__frep_ignored(m->rep, "Bundle.entry", knee__fval(e, "fullUrl"), "not-a-resource",
                               "Bundle.entry.resource holds %s: not used", resource_shape(rw));
            continue;
        }
        rc = knee__fmap_collect(m, &rw->kids[0], knee__fval(e, "fullUrl"), depth + 1);
        if (rc != KNEE_OK)
            return rc;
    }
    return KNEE_OK;
}

int knee__fmap_collect(mapper *m, const knee__fnode *r, const char *full_url, size_t depth)
{
    size_t i, first;
    int rc;
    if (depth > 4) /* a Bundle in a Bundle in a Bundle...: not patient data */
        return KNEE_OK;
    if (strcmp(r->name, "Bundle") == 0)
        return collect_bundle(m, r, depth);
    if (strcmp(r->name, "OperationOutcome") == 0) {
        knee__frep_warning(
            m->rep, "operation-outcome",
            "an OperationOutcome was sent in place of data: that query's data is unknown");
        return KNEE_OK;
    }
    first = m->n;
    rc = add_res(m, r, full_url, NULL);
    if (rc != KNEE_OK)
        return rc;
    /* Contained resources follow their container (their own index records it). */
    for (i = 0; i < r->n_kids; i++) {
        const knee__fnode *c = &r->kids[i];
        if (strcmp(c->name, "contained") != 0)
            continue;
        if (!one_resource(c)) {
            knee__frep_ignored(m->rep, r->name, knee__fmap_node_id(r), "not-a-resource",
                               "%s.contained holds %s: not used", r->name, resource_shape(c));
            continue;
        }
        rc = add_res(m, &c->kids[0], NULL, NULL);
        if (rc != KNEE_OK)
            return rc;
        m->v[m->n - 1].container = (const res *)(uintptr_t)(first + 1); /* fixed below */
    }
    return KNEE_OK;
}

/* Does the subtree hold a modifierExtension (not looking into contained resources)? */
int knee__fmap_has_modifier(const knee__fnode *n)
{
    size_t i;
    for (i = 0; i < n->n_kids; i++) {
        if (strcmp(n->kids[i].name, "modifierExtension") == 0)
            return 1;
        if (strcmp(n->kids[i].name, "contained") == 0)
            continue;
        if (knee__fmap_has_modifier(&n->kids[i]))
            return 1;
    }
    return 0;
}

/* 1: the reference is our patient; 0: another patient; -1: cannot tell. */
static int refers_to_patient(const mapper *m, const char *ref)
{
    const char *p;
    size_t n;
    if (m->patient_url && strcmp(ref, m->patient_url) == 0)
        return 1;
    p = strstr(ref, "Patient/");
    if (!p || (p != ref && p[-1] != '/'))
        return strncmp(ref, "urn:", 4) == 0 ? -1 : -2;
    p += 8;
    n = strcspn(p, "/");
    if (!m->patient_id)
        return -1;
    return strlen(m->patient_id) == n && memcmp(p, m->patient_id, n) == 0;
}

const char *knee__fmap_rtype(const res *x);
const char *knee__fmap_rid(const res *x);
int knee__fmap_repeated(mapper *m, const res *x, const knee__fnode *r, const char *const *paths);

/* The elements that say whom a resource is about, and its id: each allowed once. */
static const char *const subject_once[] = {"id",
                                           "subject",
                                           "subject.reference",
                                           "patient",
                                           "patient.reference",
                                           "beneficiary",
                                           "beneficiary.reference",
                                           NULL};

/* Checks every subject/patient/beneficiary reference of x, a repeated one too, so that a second
 * reference to another patient cannot hide behind the first. Another patient fails the load;
 * a repeated element or an unmatched reference makes x ignored. */
static int check_subject(mapper *m, res *x)
{
    static const char *const names[] = {"subject", "patient", "beneficiary"};
    const char *unresolved = NULL;
    size_t i, k, j;
    for (k = 0; k < x->node->n_kids; k++) {
        const knee__fnode *s = &x->node->kids[k];
        for (i = 0; i < 3 && strcmp(s->name, names[i]) != 0; i++)
            ;
        for (j = 0; i < 3 && j < s->n_kids; j++) {
            const char *ref = s->kids[j].value;
            int who;
            if (strcmp(s->kids[j].name, "reference") != 0 || !ref)
                continue;
            who = refers_to_patient(m, ref);
            if (who == 0) {
                knee__diag_add(m->diag, KNEE_SEVERITY_ERROR, KNEE_EINVALID, "fhir-other-patient",
                               m->file, (knee__pos){0, 0}, x->id,
                               "%s/%s is about %s, not the patient %s", x->type,
                               x->id ? x->id : "?", ref, m->patient_id);
                return KNEE_EINVALID;
            }
            if (who < 0 && !unresolved)
                unresolved = ref;
        }
    }
    if (knee__fmap_repeated(m, x, x->node, subject_once)) {
        x->ignored = 1;
    } else if (unresolved && (m->patient_id || m->patient_url)) {
        x->ignored = 1;
        knee__frep_ignored(m->rep, x->type, x->id, "subject-unresolved",
                           "its subject %s cannot be matched to the patient", unresolved);
    }
    return KNEE_OK;
}

int knee__fmap_find_patient(mapper *m, const knee__fnode *context)
{
    size_t i;
    const char *ctx = context ? knee__fval(context, "patientId") : NULL;
    m->patient_id = ctx;
    for (i = 0; i < m->n; i++) {
        res *x = &m->v[i];
        if (strcmp(x->type, "Patient") != 0 || x->container)
            continue;
        if (count_named(x->node, "id", 2) > 1) {
            knee__diag_add(m->diag, KNEE_SEVERITY_ERROR, KNEE_EINVALID, "fhir-other-patient",
                           m->file, (knee__pos){0, 0}, x->id,
                           "a Patient has %zu ids where FHIR allows one: which patient the data "
                           "is about cannot be told",
                           count_named(x->node, "id", 2));
            return KNEE_EINVALID;
        }
        if (m->patient) {
            if (!x->id || !m->patient->id || strcmp(x->id, m->patient->id) != 0) {
                knee__diag_add(m->diag, KNEE_SEVERITY_ERROR, KNEE_EINVALID, "fhir-other-patient",
                               m->file, (knee__pos){0, 0}, x->id,
                               "the data holds more than one patient (%s and %s)",
                               m->patient->id         ? m->patient->id
                               : m->patient->full_url ? m->patient->full_url
                                                      : "?",
                               x->id         ? x->id
                               : x->full_url ? x->full_url
                                             : "?");
                return KNEE_EINVALID;
            }
            continue;
        }
        if (ctx && (!x->id || strcmp(x->id, ctx) != 0)) {
            knee__diag_add(m->diag, KNEE_SEVERITY_ERROR, KNEE_EINVALID, "fhir-other-patient",
                           m->file, (knee__pos){0, 0}, x->id,
                           "Patient/%s is not the patient of the context (%s)", x->id ? x->id : "?",
                           ctx);
            return KNEE_EINVALID;
        }
        m->patient = x;
        m->patient_url = x->full_url;
        if (!m->patient_id)
            m->patient_id = x->id;
    }
    /* Every resource about a patient must be about this one. */
    for (i = 0; i < m->n; i++) {
        res *x = &m->v[i];
        int rc;
        if (x->container || strcmp(x->type, "Patient") == 0)
            continue;
        if ((rc = check_subject(m, x)) != KNEE_OK)
            return rc;
    }
    if (!m->patient_id && !m->patient_url)
        knee__frep_warning(m->rep, "no-patient",
                           "no Patient resource and no context patient: subjects were not checked");
    return KNEE_OK;
}

/* ---- cardinality: where FHIR allows one value, two are never reduced to a pick -------------- */

static size_t count_named(const knee__fnode *n, const char *name, size_t len)
{
    size_t i, c = 0;
    for (i = 0; i < n->n_kids; i++)
        if (strlen(n->kids[i].name) == len && memcmp(n->kids[i].name, name, len) == 0)
            c++;
    return c;
}

/* How often the element `path` occurs where it may occur once: "a" (a kid of r), "a.b" (the most
 * b in any one a), or "a|b|c" (the alternatives of one choice element, e.g. effective[x]). */
size_t knee__fmap_occurrences(const knee__fnode *r, const char *path)
{
    const char *dot = strchr(path, '.'), *p;
    size_t i, most = 0, total = 0;
    if (dot) {
        size_t len = (size_t)(dot - path);
        for (i = 0; i < r->n_kids; i++)
            if (strlen(r->kids[i].name) == len && memcmp(r->kids[i].name, path, len) == 0) {
                size_t c = count_named(&r->kids[i], dot + 1, strlen(dot + 1));
                if (c > most)
                    most = c;
            }
        return most;
    }
    for (p = path;; p++) {
        size_t len = strcspn(p, "|");
        total += count_named(r, p, len);
        p += len;
        if (!*p)
            break;
    }
    return total;
}

/* When one of `paths` occurs more than once in r (a resource of x), records x as ignored
 * (`cardinality`) and returns 1: its value for that element is not used, not the first one. */
int knee__fmap_repeated(mapper *m, const res *x, const knee__fnode *r, const char *const *paths)
{
    size_t i, n;
    for (i = 0; paths[i]; i++)
        if ((n = knee__fmap_occurrences(r, paths[i])) > 1) {
            knee__frep_ignored(m->rep, knee__fmap_rtype(x), knee__fmap_rid(x), "cardinality",
                               "%s.%s occurs %zu times where FHIR allows one: none is used",
                               r->name, paths[i], n);
            return 1;
        }
    return 0;
}

/* ---- codes, statuses, dates of resources ---------------------------------------------------- */

int knee__fmap_code_matches(const knee__fhir_rule *rule, const knee__fnode *concept,
                            const char **sys, const char **code);

/* Does any element `name` of r (a repeated one included, so it can be reported) match? */
int knee__fmap_coded(const knee__fhir_rule *rule, const knee__fnode *r, const char *name,
                     const char **sys, const char **code)
{
    size_t i;
    for (i = 0; i < r->n_kids; i++)
        if (strcmp(r->kids[i].name, name) == 0 &&
            knee__fmap_code_matches(rule, &r->kids[i], sys, code))
            return 1;
    return 0;
}

int knee__fmap_code_matches(const knee__fhir_rule *rule, const knee__fnode *concept,
                            const char **sys, const char **code)
{
    size_t i, k;
    if (!concept)
        return 0;
    for (i = 0; i < concept->n_kids; i++) {
        const knee__fnode *c = &concept->kids[i];
        const char *s, *v;
        if (strcmp(c->name, "coding") != 0)
            continue;
        s = knee__fval(c, "system");
        v = knee__fval(c, "code");
        if (!s || !v)
            continue;
        for (k = 0; k < rule->n_codes; k++) {
            const knee__fhir_code *fc = &rule->codes[k];
            if (strcmp(fc->system, s) != 0)
                continue;
            if (fc->prefix ? strncmp(v, fc->code, strlen(fc->code)) == 0
                           : strcmp(v, fc->code) == 0) {
                *sys = s;
                *code = v;
                return 1;
            }
        }
    }
    return 0;
}

/* The code of a CodeableConcept with a given system, or its only/first code; or a plain string
 * (STU3-style status, lenient). *lenient is set for a plain string. */
const char *knee__fmap_status_code(const knee__fnode *r, const char *name, int *lenient)
{
    const knee__fnode *s = knee__fkid(r, name);
    size_t i;
    *lenient = 0;
    if (!s)
        return NULL;
    if (s->value) {
        *lenient = 1;
        return s->value;
    }
    for (i = 0; i < s->n_kids; i++)
        if (strcmp(s->kids[i].name, "coding") == 0 && knee__fval(&s->kids[i], "code"))
            return knee__fval(&s->kids[i], "code");
    return NULL;
}

/* The date of an event: the first of the named choice elements present (a Period gives its end
 * when it has one, else its start). Returns its text, or NULL. */
const char *knee__fmap_event_date(const knee__fnode *r, const char *const *names)
{
    size_t i;
    for (i = 0; names[i]; i++) {
        const knee__fnode *e = knee__fkid(r, names[i]);
        if (!e)
            continue;
        if (e->value)
            return e->value;
        if (knee__fval(e, "end"))
            return knee__fval(e, "end");
        if (knee__fval(e, "start"))
            return knee__fval(e, "start");
    }
    return NULL;
}

const char *knee__fmap_rtype(const res *x)
{
    return x->container ? x->container->type : x->type;
}

const char *knee__fmap_rid(const res *x)
{
    return x->container ? x->container->id : x->id;
}

static void element_path(char *buf, size_t cap, const res *x, const char *el)
{
    if (x->container)
        snprintf(buf, cap, "%s.contained(%s%s%s).%s", x->container->type, x->type, x->id ? "/" : "",
                 x->id ? x->id : "", el);
    else
        snprintf(buf, cap, "%s.%s", x->type, el);
}

/* ---- applying a value to the working patient --------------------------------------------- */

int knee__fmap_apply(mapper *m, const knee__fhir_rule *rule, const char *text, const res *x,
                     const char *element, const char *date)
{
    const char *fact = m->rs->facts[rule->fact].id;
    char path[256];
    int rc;
    switch (m->rs->facts[rule->fact].type) {
    case KNEE_FACT_SET:
        rc = knee_patient_add_to_set(m->work, fact, rule->member);
        text = rule->member;
        break;
    default:
        rc = knee_patient_set_text(m->work, fact, text);
        break;
    }
    if (rc == KNEE_ENOMEM)
        return rc;
    element_path(path, sizeof path, x, element);
    if (rc != KNEE_OK) {
        knee__frep_missing(m->rep, fact, "%s/%s %s = '%s' was refused: %s", knee__fmap_rtype(x),
                           knee__fmap_rid(x) ? knee__fmap_rid(x) : "?", path, text,
                           knee_patient_errmsg(m->work));
        knee__frep_ignored(m->rep, knee__fmap_rtype(x), knee__fmap_rid(x), "value-refused",
                           "%s = '%s': %s", path, text, knee_patient_errmsg(m->work));
        return KNEE_OK;
    }
    knee__frep_fact(m->rep, fact, text, knee__fmap_rtype(x), knee__fmap_rid(x), path, date);
    return KNEE_OK;
}
