/* report.c - the report of a FHIR load (docs/fhir.md): every fact with the resource and element
 * it came from, every fact left missing and why, every resource ignored and why, warnings; and
 * its JSON. Written by the mapper (mapper.h), read through knee_fhir_report_*(). */
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

/* ---- the report ----------------------------------------------------------------------------- */

const char *knee__frep_str(knee_fhir_report *r, const char *s)
{
    char *d;
    if (!s)
        return NULL;
    d = knee__arena_strdup(&r->arena, s);
    if (!d) {
        r->oom = 1;
        return ""; /* the report is lost; later lookups in it stay safe (see rules/build.c) */
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

void knee__frep_fact(knee_fhir_report *r, const char *fact, const char *value, const char *rtype,
                     const char *rid, const char *element, const char *date)
{
    rfact *f;
    if (knee__grow((void **)&r->facts, &r->cap_facts, r->n_facts + 1, sizeof *r->facts) != 0) {
        r->oom = 1;
        return;
    }
    f = &r->facts[r->n_facts++];
    f->fact = knee__frep_str(r, fact);
    f->value = knee__frep_str(r, value);
    f->rtype = knee__frep_str(r, rtype);
    f->rid = knee__frep_str(r, rid);
    f->element = knee__frep_str(r, element);
    f->date = knee__frep_str(r, date);
}

void knee__frep_missing(knee_fhir_report *r, const char *fact, const char *fmt, ...)
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
    r->missing[r->n_missing].fact = knee__frep_str(r, fact);
    r->missing[r->n_missing++].reason = knee__frep_str(r, msg);
}

void knee__frep_ignored(knee_fhir_report *r, const char *rtype, const char *rid, const char *code,
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
    g->rtype = knee__frep_str(r, rtype);
    g->rid = knee__frep_str(r, rid);
    g->code = knee__frep_str(r, code);
    g->reason = knee__frep_str(r, msg);
}

void knee__frep_warning(knee_fhir_report *r, const char *code, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vfmt(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (knee__grow((void **)&r->warnings, &r->cap_warnings, r->n_warnings + 1,
                   sizeof *r->warnings)) {
        r->oom = 1;
        return;
    }
    r->warnings[r->n_warnings].code = knee__frep_str(r, code);
    r->warnings[r->n_warnings++].msg = knee__frep_str(r, msg);
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

#define ACCESS(name, arr, n, field)                                                                \
    const char *knee_fhir_report_##name(const knee_fhir_report *r, size_t i)                       \
    {                                                                                              \
        return r && i < r->n ? r->arr[i].field : NULL;                                             \
    }
size_t knee_fhir_report_fact_count(const knee_fhir_report *r)
{
    return r ? r->n_facts : 0;
}
size_t knee_fhir_report_missing_count(const knee_fhir_report *r)
{
    return r ? r->n_missing : 0;
}
size_t knee_fhir_report_ignored_count(const knee_fhir_report *r)
{
    return r ? r->n_ignored : 0;
}
size_t knee_fhir_report_warning_count(const knee_fhir_report *r)
{
    return r ? r->n_warnings : 0;
}
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
