/* mapper.h - what the files of the FHIR mapper share (fhir/ only): the report being written
 * (report.c), FHIR dates (dates.c), the resources of one load and the helpers that read them
 * (resources.c), the mapping steps (steps.c). The entry point is map.c. */
#ifndef KNEE_FHIR_MAPPER_H
#define KNEE_FHIR_MAPPER_H

#include <stddef.h>

#include "fhir/fhir.h"
#include "rules/fhir_mapping.h"
#include "util/arena.h"

#if defined(__GNUC__)
#define KNEE__FPRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define KNEE__FPRINTF(f, a)
#endif

/* ---- the report (report.c) ------------------------------------------------------------------ */

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

/* A copy of s in the report's arena ("" and r->oom set when out of memory). */
const char *knee__frep_str(knee_fhir_report *r, const char *s);
void knee__frep_fact(knee_fhir_report *r, const char *fact, const char *value, const char *rtype,
                     const char *rid, const char *element, const char *date);
void knee__frep_missing(knee_fhir_report *r, const char *fact, const char *fmt, ...)
    KNEE__FPRINTF(3, 4);
void knee__frep_ignored(knee_fhir_report *r, const char *rtype, const char *rid, const char *code,
                        const char *fmt, ...) KNEE__FPRINTF(5, 6);
void knee__frep_warning(knee_fhir_report *r, const char *code, const char *fmt, ...)
    KNEE__FPRINTF(3, 4);

/* ---- dates (dates.c) ------------------------------------------------------------------------ */

typedef struct fdate {
    long lo, hi; /* first and last day it may mean */
    int y, m, d; /* as written; m, d 0 when absent */
} fdate;

unsigned knee__fdate_month_days(long y, unsigned m);
int knee__fdate_parse(const char *s, fdate *out);
int knee__fdate_age_at(int by, int bm, int bd, const fdate *asof);

/* ---- the resources of one load (resources.c) ------------------------------------------------ */

typedef struct res {
    const knee__fnode *node; /* the resource (named by its type) */
    const char *type, *id, *full_url;
    const struct res *container; /* for a contained resource */
    int ignored;                 /* a reason applying to every mapping was recorded */
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

int knee__fmap_collect(mapper *m, const knee__fnode *r, const char *full_url, size_t depth);
int knee__fmap_find_patient(mapper *m, const knee__fnode *context);
int knee__fmap_has_modifier(const knee__fnode *n);
const char *knee__fmap_node_id(const knee__fnode *r);
const char *knee__fmap_rtype(const res *x);
const char *knee__fmap_rid(const res *x);
size_t knee__fmap_occurrences(const knee__fnode *r, const char *path);
int knee__fmap_repeated(mapper *m, const res *x, const knee__fnode *r, const char *const *paths);
int knee__fmap_code_matches(const knee__fhir_rule *rule, const knee__fnode *concept,
                            const char **sys, const char **code);
int knee__fmap_coded(const knee__fhir_rule *rule, const knee__fnode *r, const char *name,
                     const char **sys, const char **code);
const char *knee__fmap_status_code(const knee__fnode *r, const char *name, int *lenient);
const char *knee__fmap_event_date(const knee__fnode *r, const char *const *names);
int knee__fmap_apply(mapper *m, const knee__fhir_rule *rule, const char *text, const res *x,
                     const char *el, const char *date);

/* ---- the mapping steps (steps.c) ------------------------------------------------------------ */

/* Maps one rule of the <fhir> mapping into m->work; KNEE_EINVALID for a kind that is none of
 * KNEE__FM_*. */
int knee__fmap_rule(mapper *m, const knee__fhir_rule *rule);

#endif
