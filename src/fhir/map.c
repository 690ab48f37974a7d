/* map.c - FHIR R4 resources -> patient facts through the rule file's <fhir> mapping, and
 * the report of what came from where (docs/fhir.md): knee_patient_load_fhir(), which parses,
 * collects the resources (resources.c), runs the mapping steps (steps.c) and writes the report
 * (report.c). Both encodings arrive here as the same
 * resource model (fhir.h), so they give the same facts. Nothing is guessed: a value that cannot
 * be read exactly (a unit that does not convert, an imprecise date, a status that says not to
 * use it) is a recorded skip. */
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

/* ---- the entry point ------------------------------------------------------------------------- */

static int first_byte(const unsigned char *b, size_t len)
{
    size_t i = 0;
    if (len >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF)
        i = 3;
    while (i < len && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n'))
        i++;
    return i < len ? b[i] : -1;
}

static void report_prefetch_keys(mapper *m, const knee__fnode *root)
{
    size_t i;
    for (i = 0; i < root->n_kids; i++)
        if (root->kids[i].is_null)
            knee__frep_warning(m->rep, "prefetch-none",
                               "prefetch '%s' is null: the EHR ran the query and found nothing",
                               root->kids[i].name);
}

/* The FHIR text (JSON or XML, told by its first byte) into *doc, within the caller's limits. */
static int parse_input(const void *buf, size_t len, const char *name, const knee_options *opts,
                       knee_diag *d, knee__fdoc **doc)
{
    knee__flimits lim;
    int rc, c;

    if ((int64_t)len > knee__limit(opts, KNEE_LIMIT_INPUT_BYTES)) {
        knee__diag_add(d, KNEE_SEVERITY_ERROR, KNEE_ELIMIT, "limit-size", name, (knee__pos){0, 0},
                       NULL, "%zu bytes, over KNEE_LIMIT_INPUT_BYTES (%lld)", len,
                       (long long)knee__limit(opts, KNEE_LIMIT_INPUT_BYTES));
        return KNEE_ELIMIT;
    }
    lim.max_depth = (size_t)knee__limit(opts, KNEE_LIMIT_XML_DEPTH);
    lim.max_elements = (size_t)knee__limit(opts, KNEE_LIMIT_ELEMENTS);
    c = first_byte(buf, len);
    if (c == '{')
        rc = knee__fhir_parse_json(doc, buf, len, name, &lim, d);
    else if (c == '<')
        rc = knee__fhir_parse_xml(doc, buf, len, name, &lim, d);
    else {
        knee__diag_add(d, KNEE_SEVERITY_ERROR, KNEE_EPARSE, "fhir-not-fhir", name,
                       (knee__pos){1, 1}, NULL, "neither FHIR JSON ('{') nor FHIR XML ('<')");
        rc = KNEE_EPARSE;
    }
    return rc;
}

/* Every resource of doc into m->v, checked to be about one patient (m->patient); resources with
 * an unknown modifierExtension are ignored, a death before the as-of date is a warning. */
static int read_resources(mapper *m, const knee__fdoc *doc)
{
    size_t i;
    int rc = KNEE_OK;

    if (strcmp(doc->root->name, "#prefetch") == 0) {
        report_prefetch_keys(m, doc->root);
        for (i = 0; i < doc->root->n_kids && rc == KNEE_OK; i++)
            if (!doc->root->kids[i].is_null && doc->root->kids[i].n_kids == 1)
                rc = knee__fmap_collect(m, &doc->root->kids[i].kids[0], NULL, 0);
    } else {
        rc = knee__fmap_collect(m, doc->root, NULL, 0);
    }
    if (rc != KNEE_OK)
        return rc;
    /* Containers by index (the array moved while it grew). */
    for (i = 0; i < m->n; i++)
        if (m->v[i].container)
            m->v[i].container = &m->v[(size_t)(uintptr_t)m->v[i].container - 1];
    rc = knee__fmap_find_patient(m, doc->context);
    if (rc != KNEE_OK)
        return rc;
    m->rep->patient = knee__frep_str(m->rep, m->patient_id);
    for (i = 0; i < m->n; i++) {
        res *x = &m->v[i];
        if (x->ignored)
            continue;
        if (knee__fmap_has_modifier(x->node)) {
            x->ignored = 1;
            knee__frep_ignored(
                m->rep, knee__fmap_rtype(x), knee__fmap_rid(x), "modifier-extension",
                "%s has a modifierExtension libknee does not know: it may change the "
                "meaning, so it is not used",
                x->type);
            continue;
        }
        if (!x->container && (knee__fkid(x->node, "context") && !knee__fkid(x->node, "encounter")))
            m->lenient_context++;
    }
    if (m->patient && !m->patient->ignored && knee__fval(m->patient->node, "deceasedDateTime") &&
        !knee__fmap_repeated(m, m->patient, m->patient->node,
                             (const char *const[]){"deceasedDateTime", NULL})) {
        fdate dd;
        const char *dt = knee__fval(m->patient->node, "deceasedDateTime");
        if (knee__fdate_parse(dt, &dd) == 0 && dd.lo <= m->asof.lo)
            knee__frep_warning(m->rep, "deceased", "the patient died on %s, before the as-of date",
                               dt);
    }
    return KNEE_OK;
}

/* One warning per kind of lenient reading the load counted. */
static void report_lenient(mapper *m)
{
    if (m->lenient_status)
        knee__frep_warning(
            m->rep, "lenient-status",
            "%zu Condition status elements were plain strings (STU3 style), read as codes",
            m->lenient_status);
    if (m->lenient_number)
        knee__frep_warning(
            m->rep, "lenient-number",
            "%zu numeric values were JSON strings (\"28\"), not JSON numbers; read as the "
            "number they hold",
            m->lenient_number);
    if (m->lenient_context)
        knee__frep_warning(m->rep, "lenient-context",
                           "%zu resources use the STU3 element 'context' instead of R4 'encounter' "
                           "(not used by the mapping)",
                           m->lenient_context);
}

int knee_patient_load_fhir(knee_patient *p, const void *buf, size_t len, const char *name,
                           const char *as_of, const knee_options *opts, knee_fhir_report **report,
                           knee_diag **diag)
{
    knee_diag *d = NULL;
    knee__fdoc *doc = NULL;
    knee_fhir_report *rep = NULL;
    mapper m;
    size_t i;
    int rc;

    if (report)
        *report = NULL;
    if (diag)
        *diag = NULL;
    if (!p || (!buf && len) || !as_of)
        return KNEE_EINVAL;
    memset(&m, 0, sizeof m);
    if (strlen(as_of) != 10 || knee__fdate_parse(as_of, &m.asof) != 0 || m.asof.d == 0)
        return KNEE_EINVAL;
    if (!p->rs->fhir)
        return KNEE_EINVAL;
    if (!name)
        name = "FHIR input";
    rc = knee__diag_new(&d);
    if (rc != KNEE_OK)
        return rc;
    rc = parse_input(buf, len, name, opts, d, &doc);
    if (rc != KNEE_OK)
        goto out;

    rep = knee__calloc(1, sizeof *rep);
    if (!rep) {
        rc = KNEE_ENOMEM;
        goto out;
    }
    knee__arena_init(&rep->arena);
    rep->as_of = knee__frep_str(rep, as_of);
    m.rs = p->rs;
    m.rep = rep;
    m.diag = d;
    m.file = name;
    rc = read_resources(&m, doc);
    if (rc != KNEE_OK)
        goto out;

    rc = knee__patient_copy(&m.work, p);
    for (i = 0; rc == KNEE_OK && i < p->rs->fhir->n_rules; i++)
        rc = knee__fmap_rule(&m, &p->rs->fhir->rules[i]);
    if (rc == KNEE_OK)
        report_lenient(&m);
    if (rc == KNEE_OK && rep->oom)
        rc = KNEE_ENOMEM;
    if (rc == KNEE_OK)
        knee__patient_swap(p, m.work);
out:
    knee_patient_free(m.work);
    knee__dealloc(m.v);
    knee__fdoc_free(doc);
    if (rc != KNEE_OK) {
        knee_fhir_report_free(rep);
        rep = NULL;
        if (rc != KNEE_ENOMEM && knee_diag_count(d) == 0)
            knee__diag_add(d, KNEE_SEVERITY_ERROR, rc, "fhir", name, (knee__pos){0, 0}, NULL, "%s",
                           knee_strerror(rc));
    }
    if (report)
        *report = rep;
    else
        knee_fhir_report_free(rep);
    if (diag)
        *diag = d;
    else
        knee_diag_free(d);
    return rc;
}
