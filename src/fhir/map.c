/* map.c - FHIR R4 resources -> patient facts through the rule file's <fhir> mapping, and
 * the report of what came from where (docs/fhir.md). Both encodings arrive here as the same
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
#include "rules/model.h"
#include "util/numbers.h"
#include "base/options.h"
#include "patient/patient.h"
#include "util/strbuf.h"

/* ---- the report ----------------------------------------------------------------------------- */

typedef struct rfact {
    const char *fact, *value, *rtype, *rid, *element, *date;
} rfact;
typedef struct rmiss {
    const char *fact, *reason;
} rmiss;
typedef struct rign {
    const char *rtype, *rid, *code, *reason;
} rign;
typedef struct rwarn {
    const char *code, *msg;
} rwarn;

struct knee_fhir_report {
    knee__arena arena;
    const char *as_of, *patient;
    rfact *facts;
    size_t n_facts, cap_facts;
    rmiss *missing;
    size_t n_missing, cap_missing;
    rign *ignored;
    size_t n_ignored, cap_ignored;
    rwarn *warnings;
    size_t n_warnings, cap_warnings;
    int oom;
};

static const char *rstr(knee_fhir_report *r, const char *s)
{
    char *d;
    if (!s)
        return NULL;
    d = knee__arena_strdup(&r->arena, s);
    if (!d) {
        r->oom = 1;
        return "";   /* the report is lost; later lookups in it stay safe (see rules/build.c) */
    }
    return d;
}

static void vfmt(char *buf, size_t cap, const char *fmt, va_list ap)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 0)))
#endif
    ;
static void vfmt(char *buf, size_t cap, const char *fmt, va_list ap)
{
    vsnprintf(buf, cap, fmt, ap);
}

static void add_fact(knee_fhir_report *r, const char *fact, const char *value, const char *rtype,
                     const char *rid, const char *element, const char *date)
{
    rfact *f;
    if (knee__grow((void **)&r->facts, &r->cap_facts, r->n_facts + 1, sizeof *r->facts) != 0) {
        r->oom = 1;
        return;
    }
    f = &r->facts[r->n_facts++];
    f->fact = rstr(r, fact);
    f->value = rstr(r, value);
    f->rtype = rstr(r, rtype);
    f->rid = rstr(r, rid);
    f->element = rstr(r, element);
    f->date = rstr(r, date);
}

static void add_missing(knee_fhir_report *r, const char *fact, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static void add_missing(knee_fhir_report *r, const char *fact, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vfmt(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (knee__grow((void **)&r->missing, &r->cap_missing, r->n_missing + 1, sizeof *r->missing)) {
        r->oom = 1;
        return;
    }
    r->missing[r->n_missing].fact = rstr(r, fact);
    r->missing[r->n_missing++].reason = rstr(r, msg);
}

static void add_ignored(knee_fhir_report *r, const char *rtype, const char *rid, const char *code,
                        const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;
static void add_ignored(knee_fhir_report *r, const char *rtype, const char *rid, const char *code,
                        const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    rign *g;
    va_start(ap, fmt);
    vfmt(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (knee__grow((void **)&r->ignored, &r->cap_ignored, r->n_ignored + 1, sizeof *r->ignored)) {
        r->oom = 1;
        return;
    }
    g = &r->ignored[r->n_ignored++];
    g->rtype = rstr(r, rtype);
    g->rid = rstr(r, rid);
    g->code = rstr(r, code);
    g->reason = rstr(r, msg);
}

static void add_warning(knee_fhir_report *r, const char *code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static void add_warning(knee_fhir_report *r, const char *code, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vfmt(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (knee__grow((void **)&r->warnings, &r->cap_warnings, r->n_warnings + 1, sizeof *r->warnings)) {
        r->oom = 1;
        return;
    }
    r->warnings[r->n_warnings].code = rstr(r, code);
    r->warnings[r->n_warnings++].msg = rstr(r, msg);
}

void knee_fhir_report_free(knee_fhir_report *r)
{
    if (!r)
        return;
    knee__dealloc(r->facts);
    knee__dealloc(r->missing);
    knee__dealloc(r->ignored);
    knee__dealloc(r->warnings);
    knee__arena_release(&r->arena);
    knee__dealloc(r);
}

#define ACCESS(name, arr, n, field)                                                               \
    const char *knee_fhir_report_##name(const knee_fhir_report *r, size_t i)                      \
    {                                                                                             \
        return r && i < r->n ? r->arr[i].field : NULL;                                            \
    }
size_t knee_fhir_report_fact_count(const knee_fhir_report *r) { return r ? r->n_facts : 0; }
size_t knee_fhir_report_missing_count(const knee_fhir_report *r) { return r ? r->n_missing : 0; }
size_t knee_fhir_report_ignored_count(const knee_fhir_report *r) { return r ? r->n_ignored : 0; }
size_t knee_fhir_report_warning_count(const knee_fhir_report *r) { return r ? r->n_warnings : 0; }
ACCESS(fact, facts, n_facts, fact)
ACCESS(fact_value, facts, n_facts, value)
ACCESS(fact_resource_type, facts, n_facts, rtype)
ACCESS(fact_resource_id, facts, n_facts, rid)
ACCESS(fact_element, facts, n_facts, element)
ACCESS(fact_date, facts, n_facts, date)
ACCESS(missing_fact, missing, n_missing, fact)
ACCESS(missing_reason, missing, n_missing, reason)
ACCESS(ignored_type, ignored, n_ignored, rtype)
ACCESS(ignored_id, ignored, n_ignored, rid)
ACCESS(ignored_code, ignored, n_ignored, code)
ACCESS(ignored_reason, ignored, n_ignored, reason)
ACCESS(warning_code, warnings, n_warnings, code)
ACCESS(warning, warnings, n_warnings, msg)

int knee_fhir_report_to_json(const knee_fhir_report *r, char **out, size_t *len)
{
    knee__strbuf b;
    size_t i;
    if (!out)
        return KNEE_EINVAL;
    *out = NULL;
    if (!r)
        return KNEE_EINVAL;
    knee__sb_init(&b);
    knee__sb_str(&b, "{\"as_of\":");
    knee__sb_json_str(&b, r->as_of);
    knee__sb_str(&b, ",\"patient\":");
    knee__sb_json_str(&b, r->patient);
    knee__sb_str(&b, ",\"facts\":[");
    for (i = 0; i < r->n_facts; i++) {
        const rfact *f = &r->facts[i];
        knee__sb_str(&b, i ? ",{\"fact\":" : "{\"fact\":");
        knee__sb_json_str(&b, f->fact);
        knee__sb_str(&b, ",\"value\":");
        knee__sb_json_str(&b, f->value);
        knee__sb_str(&b, ",\"resource_type\":");
        knee__sb_json_str(&b, f->rtype);
        knee__sb_str(&b, ",\"resource_id\":");
        knee__sb_json_str(&b, f->rid);
        knee__sb_str(&b, ",\"element\":");
        knee__sb_json_str(&b, f->element);
        knee__sb_str(&b, ",\"date\":");
        knee__sb_json_str(&b, f->date);
        knee__sb_str(&b, "}");
    }
    knee__sb_str(&b, "],\"missing\":[");
    for (i = 0; i < r->n_missing; i++) {
        knee__sb_str(&b, i ? ",{\"fact\":" : "{\"fact\":");
        knee__sb_json_str(&b, r->missing[i].fact);
        knee__sb_str(&b, ",\"reason\":");
        knee__sb_json_str(&b, r->missing[i].reason);
        knee__sb_str(&b, "}");
    }
    knee__sb_str(&b, "],\"ignored\":[");
    for (i = 0; i < r->n_ignored; i++) {
        const rign *g = &r->ignored[i];
        knee__sb_str(&b, i ? ",{\"resource_type\":" : "{\"resource_type\":");
        knee__sb_json_str(&b, g->rtype);
        knee__sb_str(&b, ",\"resource_id\":");
        knee__sb_json_str(&b, g->rid);
        knee__sb_str(&b, ",\"code\":");
        knee__sb_json_str(&b, g->code);
        knee__sb_str(&b, ",\"reason\":");
        knee__sb_json_str(&b, g->reason);
        knee__sb_str(&b, "}");
    }
    knee__sb_str(&b, "],\"warnings\":[");
    for (i = 0; i < r->n_warnings; i++) {
        knee__sb_str(&b, i ? ",{\"code\":" : "{\"code\":");
        knee__sb_json_str(&b, r->warnings[i].code);
        knee__sb_str(&b, ",\"message\":");
        knee__sb_json_str(&b, r->warnings[i].msg);
        knee__sb_str(&b, "}");
    }
    knee__sb_str(&b, "]}");
    return knee__sb_finish(&b, out, len);
}

/* ---- dates: a FHIR date or dateTime is the interval of days it may mean -------------------- */

static long days_from_civil(long y, unsigned m, unsigned d)
{
    long era, yoe, doy, doe;
    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static unsigned month_days(long y, unsigned m)
{
    static const unsigned md[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return md[m - 1];
}

static int digits(const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return 0;
    return 1;
}

typedef struct fdate {
    long lo, hi;      /* first and last day it may mean */
    int y, m, d;      /* as written; m, d 0 when absent */
} fdate;

/* YYYY, YYYY-MM, YYYY-MM-DD, or YYYY-MM-DDThh:mm(:ss(.s+))?(Z|+hh:mm|-hh:mm): the time and zone
 * are checked for form and otherwise not used (days are compared as written). 0 or -1. */
static int parse_fdate(const char *s, fdate *out)
{
    size_t n;
    long y;
    unsigned m = 0, d = 0;
    if (!s)
        return -1;
    n = strlen(s);
    if (n < 4 || !digits(s, 4))
        return -1;
    y = (s[0] - '0') * 1000L + (s[1] - '0') * 100L + (s[2] - '0') * 10L + (s[3] - '0');
    if (y < 1)
        return -1;
    if (n == 4) {
        out->lo = days_from_civil(y, 1, 1);
        out->hi = days_from_civil(y, 12, 31);
        out->y = (int)y;
        out->m = out->d = 0;
        return 0;
    }
    if (n < 7 || s[4] != '-' || !digits(s + 5, 2))
        return -1;
    m = (unsigned)((s[5] - '0') * 10 + (s[6] - '0'));
    if (m < 1 || m > 12)
        return -1;
    if (n == 7) {
        out->lo = days_from_civil(y, m, 1);
        out->hi = days_from_civil(y, m, month_days(y, m));
        out->y = (int)y;
        out->m = (int)m;
        out->d = 0;
        return 0;
    }
    if (n < 10 || s[7] != '-' || !digits(s + 8, 2))
        return -1;
    d = (unsigned)((s[8] - '0') * 10 + (s[9] - '0'));
    if (d < 1 || d > month_days(y, m))
        return -1;
    if (n > 10) {
        const char *t = s + 10;
        if (*t != 'T' || strlen(t) < 6 || !digits(t + 1, 2) || t[3] != ':' || !digits(t + 4, 2))
            return -1;
        t += 6;
        if (*t == ':') {
            if (!digits(t + 1, 2))
                return -1;
            t += 3;
            if (*t == '.') {
                t++;
                if (!isdigit((unsigned char)*t))
                    return -1;
                while (isdigit((unsigned char)*t))
                    t++;
            }
        }
        if (*t == 'Z')
            t++;
        else if (*t == '+' || *t == '-') {
            if (strlen(t) != 6 || !digits(t + 1, 2) || t[3] != ':' || !digits(t + 4, 2))
                return -1;
            t += 6;
        } else {
            return -1;
        }
        if (*t)
            return -1;
    }
    out->lo = out->hi = days_from_civil(y, m, d);
    out->y = (int)y;
    out->m = (int)m;
    out->d = (int)d;
    return 0;
}

/* Whole years from birth (y, m, d) to the as-of date. */
static int age_at(int by, int bm, int bd, const fdate *asof)
{
    int age = asof->y - by;
    if (asof->m < bm || (asof->m == bm && asof->d < bd))
        age--;
    return age;
}

/* ---- resources -------------------------------------------------------------------------------- */

typedef struct res {
    const knee__fnode *node;       /* the resource (named by its type) */
    const char *type, *id, *full_url;
    const struct res *container;   /* for a contained resource */
    int ignored;                   /* a reason applying to every mapping was recorded */
} res;

typedef struct mapper {
    const knee_ruleset *rs;
    knee_fhir_report *rep;
    knee_diag *diag;
    const char *file;
    fdate asof;
    res *v;
    size_t n, cap;
    const char *patient_id, *patient_url;
    const res *patient;
    int status;
    knee_patient *work;
    /* lenient-read counters, reported once per kind */
    size_t lenient_status, lenient_context, lenient_number;
} mapper;

static size_t count_named(const knee__fnode *n, const char *name, size_t len);

static const char *node_id(const knee__fnode *r)
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
    x->id = node_id(node);
    x->full_url = full_url;
    (void)container;
    return KNEE_OK;
}

static int collect(mapper *m, const knee__fnode *r, const char *full_url, size_t depth);

/* A resource wrapper (Bundle.entry.resource, contained) holds exactly one node named by its
 * resource type, which FHIR writes with a capital (elements start lower case). */
static int one_resource(const knee__fnode *w)
{
    return w->n_kids == 1 && isupper((unsigned char)w->kids[0].name[0]);
}

static const char *resource_shape(const knee__fnode *w)
{
    return w->n_kids == 0 ? "nothing" : w->n_kids > 1 ? "more than one resource"
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
            add_ignored(m->rep, rw && rw->n_kids ? rw->kids[0].name : "Bundle.entry",
                        rw && rw->n_kids ? node_id(&rw->kids[0]) : NULL, "transaction-request",
                        "a %s request in a transaction carries no patient data",
                        knee__fval(req, "method"));
            continue;
        }
        if (srch && knee__fval(srch, "mode") && strcmp(knee__fval(srch, "mode"), "outcome") == 0)
            continue;
        if (count_named(e, "resource", 8) > 1 || count_named(e, "fullUrl", 7) > 1) {
            add_ignored(m->rep, "Bundle.entry", knee__fval(e, "fullUrl"), "cardinality",
                        "an entry has %zu resource and %zu fullUrl elements where FHIR allows one "
                        "of each: none is used", count_named(e, "resource", 8),
                        count_named(e, "fullUrl", 7));
            continue;
        }
        if (!rw)   /* an entry without a resource (a deletion in a history) carries no data */
            continue;
        if (!one_resource(rw)) {
            add_ignored(m->rep, "Bundle.entry", knee__fval(e, "fullUrl"), "not-a-resource",
                        "Bundle.entry.resource holds %s: not used", resource_shape(rw));
            continue;
        }
        rc = collect(m, &rw->kids[0], knee__fval(e, "fullUrl"), depth + 1);
        if (rc != KNEE_OK)
            return rc;
    }
    return KNEE_OK;
}

static int collect(mapper *m, const knee__fnode *r, const char *full_url, size_t depth)
{
    size_t i, first;
    int rc;
    if (depth > 4)   /* a Bundle in a Bundle in a Bundle...: not patient data */
        return KNEE_OK;
    if (strcmp(r->name, "Bundle") == 0)
        return collect_bundle(m, r, depth);
    if (strcmp(r->name, "OperationOutcome") == 0) {
        add_warning(m->rep, "operation-outcome",
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
            add_ignored(m->rep, r->name, node_id(r), "not-a-resource",
                        "%s.contained holds %s: not used", r->name, resource_shape(c));
            continue;
        }
        rc = add_res(m, &c->kids[0], NULL, NULL);
        if (rc != KNEE_OK)
            return rc;
        m->v[m->n - 1].container = (const res *)(uintptr_t)(first + 1);   /* fixed below */
    }
    return KNEE_OK;
}

/* Does the subtree hold a modifierExtension (not looking into contained resources)? */
static int has_modifier(const knee__fnode *n)
{
    size_t i;
    for (i = 0; i < n->n_kids; i++) {
        if (strcmp(n->kids[i].name, "modifierExtension") == 0)
            return 1;
        if (strcmp(n->kids[i].name, "contained") == 0)
            continue;
        if (has_modifier(&n->kids[i]))
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

static const char *rtype_of(const res *x);
static const char *rid_of(const res *x);
static int repeated(mapper *m, const res *x, const knee__fnode *r, const char *const *paths);

/* The elements that say whom a resource is about, and its id: each allowed once. */
static const char *const subject_once[] = {
    "id", "subject", "subject.reference", "patient", "patient.reference", "beneficiary",
    "beneficiary.reference", NULL};

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
    if (repeated(m, x, x->node, subject_once)) {
        x->ignored = 1;
    } else if (unresolved && (m->patient_id || m->patient_url)) {
        x->ignored = 1;
        add_ignored(m->rep, x->type, x->id, "subject-unresolved",
                    "its subject %s cannot be matched to the patient", unresolved);
    }
    return KNEE_OK;
}

static int find_patient(mapper *m, const knee__fnode *context)
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
                           "is about cannot be told", count_named(x->node, "id", 2));
            return KNEE_EINVALID;
        }
        if (m->patient) {
            if (!x->id || !m->patient->id || strcmp(x->id, m->patient->id) != 0) {
                knee__diag_add(m->diag, KNEE_SEVERITY_ERROR, KNEE_EINVALID, "fhir-other-patient",
                               m->file, (knee__pos){0, 0}, x->id,
                               "the data holds more than one patient (%s and %s)",
                               m->patient->id ? m->patient->id
                                              : m->patient->full_url ? m->patient->full_url : "?",
                               x->id ? x->id : x->full_url ? x->full_url : "?");
                return KNEE_EINVALID;
            }
            continue;
        }
        if (ctx && (!x->id || strcmp(x->id, ctx) != 0)) {
            knee__diag_add(m->diag, KNEE_SEVERITY_ERROR, KNEE_EINVALID, "fhir-other-patient",
                           m->file, (knee__pos){0, 0}, x->id,
                           "Patient/%s is not the patient of the context (%s)",
                           x->id ? x->id : "?", ctx);
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
        add_warning(m->rep, "no-patient",
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
static size_t occurrences(const knee__fnode *r, const char *path)
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

/* The elements each resource type is read for, each allowed once by FHIR R4. */
static const char *const obs_once[] = {
    "code", "status", "effectiveDateTime|effectiveInstant|effectivePeriod", "effectivePeriod.start",
    "effectivePeriod.end", "valueQuantity|valueInteger", "valueQuantity.value", "valueQuantity.code",
    "valueQuantity.system", "valueQuantity.comparator", NULL};
static const char *const cond_once[] = {
    "code", "clinicalStatus", "verificationStatus", "abatementDateTime|abatementPeriod",
    "abatementPeriod.start", "abatementPeriod.end", "onsetDateTime|onsetPeriod", "onsetPeriod.start",
    "onsetPeriod.end", "recordedDate", "assertedDate", NULL};
static const char *const proc_once[] = {
    "code", "status", "performedDateTime|performedPeriod", "performedPeriod.start",
    "performedPeriod.end", NULL};
static const char *const med_once[] = {
    "medicationCodeableConcept|medicationReference", "status", "effectiveDateTime|effectivePeriod",
    "effectivePeriod.start", "effectivePeriod.end", "dateAsserted", "authoredOn", NULL};
static const char *const cov_once[] = {
    "status", "period", "period.start", "period.end", "type", "type.text", NULL};
static const char *const claim_once[] = {"billablePeriod", "billablePeriod.start", "created", NULL};

/* When one of `paths` occurs more than once in r (a resource of x), records x as ignored
 * (`cardinality`) and returns 1: its value for that element is not used, not the first one. */
static int repeated(mapper *m, const res *x, const knee__fnode *r, const char *const *paths)
{
    size_t i, n;
    for (i = 0; paths[i]; i++)
        if ((n = occurrences(r, paths[i])) > 1) {
            add_ignored(m->rep, rtype_of(x), rid_of(x), "cardinality",
                        "%s.%s occurs %zu times where FHIR allows one: none is used", r->name,
                        paths[i], n);
            return 1;
        }
    return 0;
}

/* ---- codes, statuses, dates of resources ---------------------------------------------------- */

static int code_matches(const knee__fhir_rule *rule, const knee__fnode *concept, const char **sys,
                        const char **code);

/* Does any element `name` of r (a repeated one included, so it can be reported) match? */
static int coded(const knee__fhir_rule *rule, const knee__fnode *r, const char *name,
                 const char **sys, const char **code)
{
    size_t i;
    for (i = 0; i < r->n_kids; i++)
        if (strcmp(r->kids[i].name, name) == 0 && code_matches(rule, &r->kids[i], sys, code))
            return 1;
    return 0;
}

static int code_matches(const knee__fhir_rule *rule, const knee__fnode *concept, const char **sys,
                        const char **code)
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
            if (fc->prefix ? strncmp(v, fc->code, strlen(fc->code)) == 0 : strcmp(v, fc->code) == 0) {
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
static const char *status_code(const knee__fnode *r, const char *name, int *lenient)
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
static const char *event_date(const knee__fnode *r, const char *const *names)
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

static const char *rtype_of(const res *x)
{
    return x->container ? x->container->type : x->type;
}

static const char *rid_of(const res *x)
{
    return x->container ? x->container->id : x->id;
}

static void element_path(char *buf, size_t cap, const res *x, const char *el)
{
    if (x->container)
        snprintf(buf, cap, "%s.contained(%s%s%s).%s", x->container->type, x->type,
                 x->id ? "/" : "", x->id ? x->id : "", el);
    else
        snprintf(buf, cap, "%s.%s", x->type, el);
}

/* ---- applying a value to the working patient --------------------------------------------- */

static int apply(mapper *m, const knee__fhir_rule *rule, const char *text, const res *x,
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
        add_missing(m->rep, fact, "%s/%s %s = '%s' was refused: %s", rtype_of(x),
                    rid_of(x) ? rid_of(x) : "?", path, text, knee_patient_errmsg(m->work));
        add_ignored(m->rep, rtype_of(x), rid_of(x), "value-refused", "%s = '%s': %s", path, text,
                    knee_patient_errmsg(m->work));
        return KNEE_OK;
    }
    add_fact(m->rep, fact, text, rtype_of(x), rid_of(x), path, date);
    return KNEE_OK;
}

/* ---- the mapping kinds --------------------------------------------------------------------- */

static int map_birth_date(mapper *m, const knee__fhir_rule *rule)
{
    const char *fact = m->rs->facts[rule->fact].id, *bd;
    fdate b;
    char num[32];
    int lo_age, hi_age, y, mo, d;
    if (!m->patient) {
        add_missing(m->rep, fact, "no Patient resource");
        return KNEE_OK;
    }
    if (m->patient->ignored) {
        add_missing(m->rep, fact, "the Patient resource was ignored");
        return KNEE_OK;
    }
    if (occurrences(m->patient->node, "birthDate") > 1) {
        add_missing(m->rep, fact, "Patient/%s has more than one birthDate: none is used",
                    m->patient->id ? m->patient->id : "?");
        (void)repeated(m, m->patient, m->patient->node, (const char *const[]){"birthDate", NULL});
        return KNEE_OK;
    }
    bd = knee__fval(m->patient->node, "birthDate");
    if (!bd) {
        add_missing(m->rep, fact, "Patient.birthDate is absent");
        return KNEE_OK;
    }
    if (parse_fdate(bd, &b) != 0) {
        add_missing(m->rep, fact, "Patient.birthDate '%s' is not a valid date", bd);
        add_ignored(m->rep, "Patient", m->patient->id, "date", "birthDate '%s' is not a valid date", bd);
        return KNEE_OK;
    }
    if (b.lo > m->asof.lo) {
        add_missing(m->rep, fact, "Patient.birthDate %s is after the as-of date", bd);
        return KNEE_OK;
    }
    /* A partial date: the earliest and the latest birthday it may mean. */
    y = b.y;
    mo = b.m ? b.m : 1;
    d = b.d ? b.d : 1;
    hi_age = age_at(y, mo, d, &m->asof);
    mo = b.m ? b.m : 12;
    d = b.d ? b.d : (int)month_days(y, (unsigned)mo);
    lo_age = age_at(y, mo, d, &m->asof);
    if (lo_age != hi_age) {
        add_missing(m->rep, fact,
                    "Patient.birthDate '%s' is partial: the age at %04d-%02d-%02d may be %d or %d",
                    bd, m->asof.y, m->asof.m, m->asof.d, lo_age, hi_age);
        return KNEE_OK;
    }
    snprintf(num, sizeof num, "%d", lo_age);
    return apply(m, rule, num, m->patient, "birthDate", bd);
}

static int map_gender(mapper *m, const knee__fhir_rule *rule)
{
    const char *fact = m->rs->facts[rule->fact].id, *g;
    if (!m->patient || m->patient->ignored) {
        add_missing(m->rep, fact, m->patient ? "the Patient resource was ignored" : "no Patient resource");
        return KNEE_OK;
    }
    if (occurrences(m->patient->node, "gender") > 1) {
        add_missing(m->rep, fact, "Patient/%s has more than one gender: none is used",
                    m->patient->id ? m->patient->id : "?");
        (void)repeated(m, m->patient, m->patient->node, (const char *const[]){"gender", NULL});
        return KNEE_OK;
    }
    g = knee__fval(m->patient->node, "gender");
    if (!g) {
        add_missing(m->rep, fact, "Patient.gender is absent");
        return KNEE_OK;
    }
    return apply(m, rule, g, m->patient, "gender", NULL);
}

/* Shared status and date checks for coded events. Returns 1 when usable. */
static int condition_usable(mapper *m, const res *x)
{
    int len1, len2;
    const char *clin = status_code(x->node, "clinicalStatus", &len1);
    const char *ver = status_code(x->node, "verificationStatus", &len2);
    const char *abate;
    fdate ad;
    if (len1 || len2)
        m->lenient_status++;
    if (ver && (strcmp(ver, "entered-in-error") == 0 || strcmp(ver, "refuted") == 0)) {
        add_ignored(m->rep, x->type, x->id, ver, "verificationStatus is %s", ver);
        return 0;
    }
    if (ver && strcmp(ver, "confirmed") != 0) {
        add_ignored(m->rep, x->type, x->id, "unconfirmed", "verificationStatus is %s", ver);
        return 0;
    }
    if (clin && strcmp(clin, "active") != 0 && strcmp(clin, "recurrence") != 0 &&
        strcmp(clin, "relapse") != 0) {
        add_ignored(m->rep, x->type, x->id, "inactive", "clinicalStatus is %s", clin);
        return 0;
    }
    if (!clin) {
        add_ignored(m->rep, x->type, x->id, "no-status", "no clinicalStatus: whether it is active is unknown");
        return 0;
    }
    abate = event_date(x->node, (const char *const[]){"abatementDateTime", "abatementPeriod", NULL});
    if (abate && parse_fdate(abate, &ad) == 0 && ad.hi <= m->asof.lo) {
        add_ignored(m->rep, x->type, x->id, "inactive", "abated on %s", abate);
        return 0;
    }
    return 1;
}

static int map_condition(mapper *m, const knee__fhir_rule *rule)
{
    const char *fact = m->rs->facts[rule->fact].id;
    size_t i;
    int found = 0;
    for (i = 0; i < m->n; i++) {   /* every matching Condition is checked, so skips are reported */
        const res *x = &m->v[i];
        const char *sys, *code, *onset;
        fdate od;
        if (x->ignored || strcmp(x->type, "Condition") != 0 || !coded(rule, x->node, "code", &sys, &code))
            continue;
        if (repeated(m, x, x->node, cond_once) || !condition_usable(m, x))
            continue;
        onset = event_date(x->node, (const char *const[]){"onsetDateTime", "onsetPeriod",
                                                          "recordedDate", "assertedDate", NULL});
        if (onset && parse_fdate(onset, &od) != 0) {
            add_ignored(m->rep, x->type, x->id, "date", "onset '%s' is not a valid date", onset);
            continue;
        }
        if (onset && od.lo > m->asof.lo) {
            add_ignored(m->rep, x->type, x->id, "after-as-of", "onset %s is after the as-of date", onset);
            continue;
        }
        if (rule->within_days && (!onset || od.lo < m->asof.lo - rule->within_days)) {
            add_ignored(m->rep, x->type, x->id, "outside-window",
                        "onset %s is not within %ld days of the as-of date", onset ? onset : "(none)",
                        rule->within_days);
            continue;
        }
        if (found)
            continue;
        {
            char el[160];
            snprintf(el, sizeof el, "code(%s|%s)", sys, code);
            if (apply(m, rule, "true", x, el, onset) == KNEE_ENOMEM)
                return KNEE_ENOMEM;
        }
        found = 1;
    }
    if (!found)
        add_missing(m->rep, fact, "no active, confirmed Condition with a mapped code%s",
                    rule->member ? " (member not added)" : "");
    return KNEE_OK;
}

/* Exactly a JSON number's text: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static int json_number_text(const char *s)
{
    if (*s == '-')
        s++;
    if (*s == '0')
        s++;
    else if (*s >= '1' && *s <= '9')
        while (isdigit((unsigned char)*s))
            s++;
    else
        return 0;
    if (*s == '.') {
        if (!isdigit((unsigned char)*++s))
            return 0;
        while (isdigit((unsigned char)*s))
            s++;
    }
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '+' || *s == '-')
            s++;
        if (!isdigit((unsigned char)*s))
            return 0;
        while (isdigit((unsigned char)*s))
            s++;
    }
    return *s == '\0';
}

/* The number in a value element. FHIR JSON writes numbers bare; a JSON string holding exactly
 * a number ("28") is read leniently and counted (warning `lenient-number`), anything else in a
 * string ("28 kg", " 28") is not a number. 0, or -1. */
static int read_number(mapper *m, const knee__fnode *n, double *v)
{
    if (!n || !n->value)
        return -1;
    if (n->is_json_string && !json_number_text(n->value))
        return -1;
    if (knee__parse_double(n->value, strlen(n->value), v) != 0)
        return -1;
    if (n->is_json_string)
        m->lenient_number++;
    return 0;
}

typedef struct obs_pick {
    const res *x;
    double value;
    fdate date;
    const char *date_text, *element;
} obs_pick;

static int map_observation(mapper *m, const knee__fhir_rule *rule)
{
    const char *fact = m->rs->facts[rule->fact].id, *want = rule->unit ? rule->unit : "1";
    int dimensionless = strcmp(want, "1") == 0;   /* unit="1" written out, or no unit */
    size_t i, n_cand = 0;
    obs_pick best;
    memset(&best, 0, sizeof best);
    for (i = 0; i < m->n; i++) {
        const res *x = &m->v[i];
        const char *sys, *code, *st, *dt, *vtext, *el;
        const knee__fnode *q;
        double v;
        fdate d;
        if (x->ignored || strcmp(x->type, "Observation") != 0 ||
            !coded(rule, x->node, "code", &sys, &code) || repeated(m, x, x->node, obs_once))
            continue;
        st = knee__fval(x->node, "status");
        if (!st || (strcmp(st, "final") != 0 && strcmp(st, "amended") != 0 &&
                    strcmp(st, "corrected") != 0)) {
            add_ignored(m->rep, x->type, x->id, st && strcmp(st, "entered-in-error") == 0 ? st : "status",
                        "status is %s (only final, amended, corrected are used)", st ? st : "absent");
            continue;
        }
        if (knee__fkid(x->node, "dataAbsentReason")) {
            add_ignored(m->rep, x->type, x->id, "data-absent", "dataAbsentReason is given");
            continue;
        }
        dt = event_date(x->node, (const char *const[]){"effectiveDateTime", "effectiveInstant",
                                                       "effectivePeriod", NULL});
        if (!dt) {
            add_ignored(m->rep, x->type, x->id, "no-date", "no effective date: cannot tell which is latest");
            continue;
        }
        if (parse_fdate(dt, &d) != 0) {
            add_ignored(m->rep, x->type, x->id, "date", "effective date '%s' is not a valid date", dt);
            continue;
        }
        if (d.lo > m->asof.lo) {
            add_ignored(m->rep, x->type, x->id, "after-as-of", "effective %s is after the as-of date", dt);
            continue;
        }
        q = knee__fkid(x->node, "valueQuantity");
        if (q) {
            const char *unit = knee__fval(q, "code"), *usys = knee__fval(q, "system");
            vtext = knee__fval(q, "value");
            el = "valueQuantity";
            if (knee__fval(q, "comparator")) {
                add_ignored(m->rep, x->type, x->id, "comparator", "value has comparator '%s'",
                            knee__fval(q, "comparator"));
                continue;
            }
            if (read_number(m, knee__fkid(q, "value"), &v) != 0) {
                add_ignored(m->rep, x->type, x->id, "value", "valueQuantity.value%s%s%s is not a number",
                            vtext ? " '" : "", vtext ? vtext : "", vtext ? "'" : "");
                continue;
            }
            if (!unit && dimensionless) {
                unit = "1";
            } else if (!unit || !usys || strcmp(usys, "http://unitsofmeasure.org") != 0) {
                add_ignored(m->rep, x->type, x->id, "unit",
                            "unit '%s' is not a UCUM code (system %s): not converted to %s",
                            unit ? unit : (knee__fval(q, "unit") ? knee__fval(q, "unit") : "none"),
                            usys ? usys : "absent", want);
                continue;
            }
            if (knee__fhir_unit_convert(unit, want, &v) != 0) {
                add_ignored(m->rep, x->type, x->id, "unit", "unit '%s' does not convert to %s", unit, want);
                continue;
            }
        } else if ((vtext = knee__fval(x->node, "valueInteger")) != NULL && dimensionless) {
            el = "valueInteger";
            if (read_number(m, knee__fkid(x->node, "valueInteger"), &v) != 0) {
                add_ignored(m->rep, x->type, x->id, "value", "valueInteger '%s' is not a number", vtext);
                continue;
            }
        } else {
            add_ignored(m->rep, x->type, x->id, "value",
                        "no %s value", dimensionless ? "valueQuantity or valueInteger" : "valueQuantity");
            continue;
        }
        n_cand++;
        /* Latest effective date wins; on the same date the later one in the document. */
        if (!best.x || d.hi > best.date.hi || (d.hi == best.date.hi && d.lo >= best.date.lo)) {
            if (best.x && d.hi == best.date.hi && d.lo == best.date.lo && v != best.value)
                add_warning(m->rep, "conflicting-values",
                            "%s: Observation/%s and Observation/%s on the same date give different "
                            "values; the later in the document is used",
                            fact, best.x->id ? best.x->id : "?", x->id ? x->id : "?");
            if (best.x)
                add_ignored(m->rep, best.x->type, best.x->id, "superseded",
                            "a later %s observation exists", fact);
            best.x = x;
            best.value = v;
            best.date = d;
            best.date_text = dt;
            best.element = el;
        } else {
            add_ignored(m->rep, x->type, x->id, "superseded", "a later %s observation exists", fact);
        }
    }
    if (!best.x) {
        add_missing(m->rep, fact, "no usable Observation with a mapped code");
        return KNEE_OK;
    }
    {
        char num[KNEE__NUMBUF];
        knee__format_double(num, best.value);
        return apply(m, rule, num, best.x, best.element, best.date_text);
    }
}

static const knee__fnode *med_concept(const res *x, const knee__fnode **contained_med)
{
    const knee__fnode *cc = knee__fkid(x->node, "medicationCodeableConcept"), *ref;
    size_t i;
    *contained_med = NULL;
    if (cc)
        return cc;
    ref = knee__fkid(x->node, "medicationReference");
    if (!ref || !knee__fval(ref, "reference") || knee__fval(ref, "reference")[0] != '#')
        return NULL;
    for (i = 0; i < x->node->n_kids; i++) {
        const knee__fnode *c = &x->node->kids[i];
        if (strcmp(c->name, "contained") == 0 && c->n_kids == 1 &&
            strcmp(c->kids[0].name, "Medication") == 0 && node_id(&c->kids[0]) &&
            strcmp(node_id(&c->kids[0]), knee__fval(ref, "reference") + 1) == 0) {
            *contained_med = &c->kids[0];
            return knee__fkid(&c->kids[0], "code");
        }
    }
    return NULL;
}

static int map_history(mapper *m, const knee__fhir_rule *rule)
{
    const char *fact = m->rs->facts[rule->fact].id;
    size_t i;
    const res *best = NULL;
    fdate best_d;
    const char *best_dt = NULL, *best_el = NULL;
    char best_elbuf[200];
    memset(&best_d, 0, sizeof best_d);
    for (i = 0; i < m->n; i++) {
        const res *x = &m->v[i];
        const knee__fnode *concept, *med = NULL;
        const char *sys, *code, *st, *dt, *el;
        unsigned bit;
        fdate d;
        static const char *const proc_dates[] = {"performedDateTime", "performedPeriod", NULL};
        static const char *const stmt_dates[] = {"effectiveDateTime", "effectivePeriod", "dateAsserted", NULL};
        static const char *const req_dates[] = {"authoredOn", NULL};
        const char *const *dates;
        if (x->ignored)
            continue;
        if (strcmp(x->type, "Procedure") == 0) {
            bit = KNEE__FR_PROCEDURE;
            concept = NULL;
            el = "code";
            dates = proc_dates;
        } else if (strcmp(x->type, "MedicationStatement") == 0 ||
                   strcmp(x->type, "MedicationAdministration") == 0) {
            bit = x->type[10] == 'S' ? KNEE__FR_MED_STATEMENT : KNEE__FR_MED_ADMIN;
            concept = med_concept(x, &med);
            el = med ? "contained(Medication).code" : "medicationCodeableConcept";
            dates = stmt_dates;
        } else if (strcmp(x->type, "MedicationRequest") == 0) {
            bit = KNEE__FR_MED_REQUEST;
            concept = med_concept(x, &med);
            el = med ? "contained(Medication).code" : "medicationCodeableConcept";
            dates = req_dates;
        } else {
            continue;
        }
        if (!(rule->resources & bit))
            continue;
        /* A contained Medication's code; else every code element, so a repeated one is seen. */
        if (med ? !code_matches(rule, concept, &sys, &code)
                : !coded(rule, x->node, bit == KNEE__FR_PROCEDURE ? "code" : "medicationCodeableConcept",
                         &sys, &code))
            continue;
        if (repeated(m, x, x->node, bit == KNEE__FR_PROCEDURE ? proc_once : med_once))
            continue;
        st = knee__fval(x->node, "status");
        if (!st || (bit == KNEE__FR_PROCEDURE && strcmp(st, "completed") != 0) ||
            (bit == KNEE__FR_MED_STATEMENT && strcmp(st, "active") != 0 &&
             strcmp(st, "completed") != 0) ||
            (bit == KNEE__FR_MED_ADMIN && strcmp(st, "completed") != 0) ||
            (bit == KNEE__FR_MED_REQUEST && strcmp(st, "active") != 0 &&
             strcmp(st, "completed") != 0)) {
            add_ignored(m->rep, x->type, x->id,
                        st && (strcmp(st, "entered-in-error") == 0 || strcmp(st, "not-done") == 0 ||
                               strcmp(st, "not-taken") == 0) ? st : "status",
                        "status is %s", st ? st : "absent");
            continue;
        }
        dt = event_date(x->node, dates);
        if (!dt || parse_fdate(dt, &d) != 0) {
            add_ignored(m->rep, x->type, x->id, "date", dt ? "date '%s' is not a valid date" : "no date%s",
                        dt ? dt : "");
            continue;
        }
        if (d.lo > m->asof.lo) {
            add_ignored(m->rep, x->type, x->id, "after-as-of", "dated %s, after the as-of date", dt);
            continue;
        }
        if (rule->within_days) {
            long start = m->asof.lo - rule->within_days;
            if (d.hi < start) {
                add_ignored(m->rep, x->type, x->id, "outside-window",
                            "dated %s, more than %ld days before the as-of date", dt, rule->within_days);
                continue;
            }
            if (d.lo < start || d.hi > m->asof.lo) {
                add_ignored(m->rep, x->type, x->id, "imprecise-date",
                            "dated '%s': may or may not fall within %ld days of the as-of date", dt,
                            rule->within_days);
                add_warning(m->rep, "imprecise-date",
                            "%s/%s is dated '%s', too imprecise to tell whether '%s' applies",
                            x->type, x->id ? x->id : "?", dt, rule->member);
                continue;
            }
        }
        if (!best || d.hi >= best_d.hi) {
            best = x;
            best_d = d;
            best_dt = dt;
            snprintf(best_elbuf, sizeof best_elbuf, "%s(%s|%s)", el, sys, code);
            best_el = best_elbuf;
        }
    }
    if (!best) {
        add_missing(m->rep, fact, "'%s' not found: no usable record with a mapped code%s",
                    rule->member, rule->within_days ? " in the time window" : "");
        return KNEE_OK;
    }
    return apply(m, rule, rule->member, best, best_el, best_dt);
}

static int text_eq(const char *a, const char *b)
{
    return a && b && strcasecmp(a, b) == 0;
}

/* The texts a Coverage names its payer by, in order: payor.display, type.text, type codes and
 * displays, class names and values. */
static size_t coverage_texts(const knee__fnode *cov, const char **out, size_t cap, size_t *n_human)
{
    size_t i, j, n = 0;
    const knee__fnode *type = knee__fkid(cov, "type");
    for (i = 0; i < cov->n_kids && n < cap; i++)
        if (strcmp(cov->kids[i].name, "payor") == 0 && knee__fval(&cov->kids[i], "display"))
            out[n++] = knee__fval(&cov->kids[i], "display");
    if (type && knee__fval(type, "text") && n < cap)
        out[n++] = knee__fval(type, "text");
    *n_human = n;   /* names meant for people; codes and classes below only match the table */
    for (i = 0; type && i < type->n_kids && n + 2 <= cap; i++)
        if (strcmp(type->kids[i].name, "coding") == 0) {
            if (knee__fval(&type->kids[i], "code"))
                out[n++] = knee__fval(&type->kids[i], "code");
            if (knee__fval(&type->kids[i], "display"))
                out[n++] = knee__fval(&type->kids[i], "display");
        }
    for (i = 0; i < cov->n_kids && n + 2 <= cap; i++)
        if (strcmp(cov->kids[i].name, "class") == 0)
            for (j = 0; j < 2; j++) {
                const char *t = knee__fval(&cov->kids[i], j ? "value" : "name");
                if (t)
                    out[n++] = t;
            }
    return n;
}

static int map_coverage(mapper *m, const knee__fhir_rule *rule)
{
    const char *fact = m->rs->facts[rule->fact].id;
    size_t i, k, j;
    const res *best = NULL;
    fdate best_d;
    const char *best_dt = NULL;
    memset(&best_d, 0, sizeof best_d);
    for (i = 0; i < m->n; i++) {
        const res *x = &m->v[i];
        const char *st, *dt;
        const knee__fnode *period;
        fdate d;
        if (x->ignored || strcmp(x->type, "Coverage") != 0)
            continue;
        if (x->container && x->container->ignored)
            continue;
        if (repeated(m, x, x->node, cov_once) ||
            (x->container && repeated(m, x, x->container->node, claim_once)))
            continue;
        st = knee__fval(x->node, "status");
        if (st && strcmp(st, "active") != 0) {
            add_ignored(m->rep, rtype_of(x), rid_of(x), strcmp(st, "entered-in-error") == 0 ? st : "status",
                        "Coverage status is %s", st);
            continue;
        }
        if (!st && !x->container) {
            add_ignored(m->rep, x->type, x->id, "status", "Coverage has no status");
            continue;
        }
        period = knee__fkid(x->node, "period");
        if (period && knee__fval(period, "end")) {
            fdate e;
            if (parse_fdate(knee__fval(period, "end"), &e) == 0 && e.hi < m->asof.lo) {
                add_ignored(m->rep, rtype_of(x), rid_of(x), "ended", "coverage ended %s",
                            knee__fval(period, "end"));
                continue;
            }
        }
        dt = period ? knee__fval(period, "start") : NULL;
        if (!dt && x->container) {
            const knee__fnode *bp = knee__fkid(x->container->node, "billablePeriod");
            dt = bp && knee__fval(bp, "start") ? knee__fval(bp, "start")
                                               : knee__fval(x->container->node, "created");
        }
        if (dt && parse_fdate(dt, &d) != 0) {
            add_ignored(m->rep, rtype_of(x), rid_of(x), "date", "date '%s' is not a valid date", dt);
            continue;
        }
        if (!dt) {
            d.lo = d.hi = -1000000000L;   /* undated: older than any dated coverage */
        } else if (d.lo > m->asof.lo) {
            add_ignored(m->rep, rtype_of(x), rid_of(x), "after-as-of", "dated %s, after the as-of date", dt);
            continue;
        }
        if (!best || d.hi >= best_d.hi) {
            best = x;
            best_d = d;
            best_dt = dt;
        }
    }
    if (!best) {
        add_missing(m->rep, fact, "no active Coverage (top-level or contained in a claim)");
        return KNEE_OK;
    }
    {
        const char *texts[16], *value = NULL, *matched = NULL;
        size_t n_human, n = coverage_texts(best->node, texts, 16, &n_human);
        for (k = 0; k < rule->n_payers && !value; k++)
            for (j = 0; j < n && !value; j++)
                if (text_eq(rule->payers[k].text, texts[j])) {
                    value = rule->payers[k].value;
                    matched = texts[j];
                }
        if (!value && rule->other_verbatim && n_human)
            value = matched = texts[0];
        if (!value) {
            add_missing(m->rep, fact, "the latest Coverage (%s/%s) names its payer as '%s', which the "
                        "mapping does not list", rtype_of(best), rid_of(best) ? rid_of(best) : "?",
                        n ? texts[0] : "(nothing)");
        } else {
            char el[200];
            int rc;
            snprintf(el, sizeof el, "payor|type|class = '%s'", matched);
            rc = apply(m, rule, value, best, el, best_dt);
            if (rc != KNEE_OK)
                return rc;
        }
        if (rule->plan_fact != KNEE__NONE) {
            const char *plan = NULL;
            for (k = 0; k < best->node->n_kids && !plan; k++) {
                const knee__fnode *c = &best->node->kids[k];
                const knee__fnode *t = knee__fkid(c, "type");
                size_t q;
                if (strcmp(c->name, "class") != 0 || !t)
                    continue;
                for (q = 0; q < t->n_kids; q++)
                    if (strcmp(t->kids[q].name, "coding") == 0 &&
                        text_eq(knee__fval(&t->kids[q], "code"), "plan"))
                        plan = knee__fval(c, "value");
            }
            if (plan) {
                knee__fhir_rule pr = *rule;
                pr.fact = rule->plan_fact;
                return apply(m, &pr, plan, best, "class(plan).value", best_dt);
            }
            add_missing(m->rep, m->rs->facts[rule->plan_fact].id, "the Coverage has no plan class");
        }
    }
    return KNEE_OK;
}

/* ---- the entry point -------------------------------------------------------------------------- */

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
            add_warning(m->rep, "prefetch-none",
                        "prefetch '%s' is null: the EHR ran the query and found nothing",
                        root->kids[i].name);
}

int knee_patient_load_fhir(knee_patient *p, const void *buf, size_t len, const char *name,
                           const char *as_of, const knee_options *opts, knee_fhir_report **report,
                           knee_diag **diag)
{
    knee_diag *d = NULL;
    knee__fdoc *doc = NULL;
    knee_fhir_report *rep = NULL;
    knee__flimits lim;
    mapper m;
    size_t i;
    int rc, c;

    if (report)
        *report = NULL;
    if (diag)
        *diag = NULL;
    if (!p || (!buf && len) || !as_of)
        return KNEE_EINVAL;
    memset(&m, 0, sizeof m);
    if (strlen(as_of) != 10 || parse_fdate(as_of, &m.asof) != 0 || m.asof.d == 0)
        return KNEE_EINVAL;
    if (!p->rs->fhir)
        return KNEE_EINVAL;
    if (!name)
        name = "FHIR input";
    rc = knee__diag_new(&d);
    if (rc != KNEE_OK)
        return rc;
    if ((int64_t)len > knee__limit(opts, KNEE_LIMIT_INPUT_BYTES)) {
        knee__diag_add(d, KNEE_SEVERITY_ERROR, KNEE_ELIMIT, "limit-size", name, (knee__pos){0, 0},
                       NULL, "%zu bytes, over KNEE_LIMIT_INPUT_BYTES (%lld)", len,
                       (long long)knee__limit(opts, KNEE_LIMIT_INPUT_BYTES));
        rc = KNEE_ELIMIT;
        goto out;
    }
    lim.max_depth = (size_t)knee__limit(opts, KNEE_LIMIT_XML_DEPTH);
    lim.max_elements = (size_t)knee__limit(opts, KNEE_LIMIT_ELEMENTS);
    c = first_byte(buf, len);
    if (c == '{')
        rc = knee__fhir_parse_json(&doc, buf, len, name, &lim, d);
    else if (c == '<')
        rc = knee__fhir_parse_xml(&doc, buf, len, name, &lim, d);
    else {
        knee__diag_add(d, KNEE_SEVERITY_ERROR, KNEE_EPARSE, "fhir-not-fhir", name, (knee__pos){1, 1},
                       NULL, "neither FHIR JSON ('{') nor FHIR XML ('<')");
        rc = KNEE_EPARSE;
    }
    if (rc != KNEE_OK)
        goto out;

    rep = knee__calloc(1, sizeof *rep);
    if (!rep) {
        rc = KNEE_ENOMEM;
        goto out;
    }
    knee__arena_init(&rep->arena);
    rep->as_of = rstr(rep, as_of);
    m.rs = p->rs;
    m.rep = rep;
    m.diag = d;
    m.file = name;
    if (strcmp(doc->root->name, "#prefetch") == 0) {
        report_prefetch_keys(&m, doc->root);
        for (i = 0; i < doc->root->n_kids && rc == KNEE_OK; i++)
            if (!doc->root->kids[i].is_null && doc->root->kids[i].n_kids == 1)
                rc = collect(&m, &doc->root->kids[i].kids[0], NULL, 0);
    } else {
        rc = collect(&m, doc->root, NULL, 0);
    }
    if (rc != KNEE_OK)
        goto out;
    /* Containers by index (the array moved while it grew). */
    for (i = 0; i < m.n; i++)
        if (m.v[i].container)
            m.v[i].container = &m.v[(size_t)(uintptr_t)m.v[i].container - 1];
    rc = find_patient(&m, doc->context);
    if (rc != KNEE_OK)
        goto out;
    rep->patient = rstr(rep, m.patient_id);
    for (i = 0; i < m.n; i++) {
        res *x = &m.v[i];
        if (x->ignored)
            continue;
        if (has_modifier(x->node)) {
            x->ignored = 1;
            add_ignored(rep, rtype_of(x), rid_of(x), "modifier-extension",
                        "%s has a modifierExtension libknee does not know: it may change the "
                        "meaning, so it is not used", x->type);
            continue;
        }
        if (!x->container && (knee__fkid(x->node, "context") && !knee__fkid(x->node, "encounter")))
            m.lenient_context++;
    }
    if (m.patient && !m.patient->ignored && knee__fval(m.patient->node, "deceasedDateTime") &&
        !repeated(&m, m.patient, m.patient->node, (const char *const[]){"deceasedDateTime", NULL})) {
        fdate dd;
        const char *dt = knee__fval(m.patient->node, "deceasedDateTime");
        if (parse_fdate(dt, &dd) == 0 && dd.lo <= m.asof.lo)
            add_warning(rep, "deceased", "the patient died on %s, before the as-of date", dt);
    }

    rc = knee__patient_copy(&m.work, p);
    for (i = 0; rc == KNEE_OK && i < p->rs->fhir->n_rules; i++) {
        const knee__fhir_rule *rule = &p->rs->fhir->rules[i];
        switch (rule->kind) {
        case KNEE__FM_BIRTH_DATE:
            rc = map_birth_date(&m, rule);
            break;
        case KNEE__FM_GENDER:
            rc = map_gender(&m, rule);
            break;
        case KNEE__FM_CONDITION:
            rc = map_condition(&m, rule);
            break;
        case KNEE__FM_OBSERVATION:
            rc = map_observation(&m, rule);
            break;
        case KNEE__FM_HISTORY:
            rc = map_history(&m, rule);
            break;
        default:
            rc = map_coverage(&m, rule);
            break;
        }
    }
    if (rc == KNEE_OK && m.lenient_status)
        add_warning(rep, "lenient-status",
                    "%zu Condition status elements were plain strings (STU3 style), read as codes",
                    m.lenient_status);
    if (rc == KNEE_OK && m.lenient_number)
        add_warning(rep, "lenient-number",
                    "%zu numeric values were JSON strings (\"28\"), not JSON numbers; read as the "
                    "number they hold", m.lenient_number);
    if (rc == KNEE_OK && m.lenient_context)
        add_warning(rep, "lenient-context",
                    "%zu resources use the STU3 element 'context' instead of R4 'encounter' "
                    "(not used by the mapping)", m.lenient_context);
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
            knee__diag_add(d, KNEE_SEVERITY_ERROR, rc, "fhir", name, (knee__pos){0, 0}, NULL,
                           "%s", knee_strerror(rc));
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
