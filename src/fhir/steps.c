/* steps.c - the mapping steps, one per kind of the rule file's <fhir> mapping (KNEE__FM_*):
 * each reads the collected resources (resources.c) for one rule and applies the value it finds,
 * or records why none (report.c). */
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

/* The elements each resource type is read for, each allowed once by FHIR R4. */
static const char *const obs_once[] = {"code",
                                       "status",
                                       "effectiveDateTime|effectiveInstant|effectivePeriod",
                                       "effectivePeriod.start",
                                       "effectivePeriod.end",
                                       "valueQuantity|valueInteger",
                                       "valueQuantity.value",
                                       "valueQuantity.code",
                                       "valueQuantity.system",
                                       "valueQuantity.comparator",
                                       NULL};
static const char *const cond_once[] = {"code",
                                        "clinicalStatus",
                                        "verificationStatus",
                                        "abatementDateTime|abatementPeriod",
                                        "abatementPeriod.start",
                                        "abatementPeriod.end",
                                        "onsetDateTime|onsetPeriod",
                                        "onsetPeriod.start",
                                        "onsetPeriod.end",
                                        "recordedDate",
                                        "assertedDate",
                                        NULL};
static const char *const proc_once[] = {"code",
                                        "status",
                                        "performedDateTime|performedPeriod",
                                        "performedPeriod.start",
                                        "performedPeriod.end",
                                        NULL};
static const char *const med_once[] = {"medicationCodeableConcept|medicationReference",
                                       "status",
                                       "effectiveDateTime|effectivePeriod",
                                       "effectivePeriod.start",
                                       "effectivePeriod.end",
                                       "dateAsserted",
                                       "authoredOn",
                                       NULL};
static const char *const cov_once[] = {"status",    "period", "period.start", "period.end", "type",
                                       "type.text", NULL};
static const char *const claim_once[] = {"billablePeriod", "billablePeriod.start", "created", NULL};

/* ---- the mapping kinds --------------------------------------------------------------------- */

static int map_birth_date(mapper *m, const knee__fhir_rule *rule)
{
    const char *fact = m->rs->facts[rule->fact].id, *bd;
    fdate b;
    char num[32];
    int lo_age, hi_age, y, mo, d;
    if (!m->patient) {
        knee__frep_missing(m->rep, fact, "no Patient resource");
        return KNEE_OK;
    }
    if (m->patient->ignored) {
        knee__frep_missing(m->rep, fact, "the Patient resource was ignored");
        return KNEE_OK;
    }
    if (knee__fmap_occurrences(m->patient->node, "birthDate") > 1) {
        knee__frep_missing(m->rep, fact, "Patient/%s has more than one birthDate: none is used",
                           m->patient->id ? m->patient->id : "?");
        (void)knee__fmap_repeated(m, m->patient, m->patient->node,
                                  (const char *const[]){"birthDate", NULL});
        return KNEE_OK;
    }
    bd = knee__fval(m->patient->node, "birthDate");
    if (!bd) {
        knee__frep_missing(m->rep, fact, "Patient.birthDate is absent");
        return KNEE_OK;
    }
    if (knee__fdate_parse(bd, &b) != 0) {
        knee__frep_missing(m->rep, fact, "Patient.birthDate '%s' is not a valid date", bd);
        knee__frep_ignored(m->rep, "Patient", m->patient->id, "date",
                           "birthDate '%s' is not a valid date", bd);
        return KNEE_OK;
    }
    if (b.lo > m->asof.lo) {
        knee__frep_missing(m->rep, fact, "Patient.birthDate %s is after the as-of date", bd);
        return KNEE_OK;
    }
    /* A partial date: the earliest and the latest birthday it may mean. */
    y = b.y;
    mo = b.m ? b.m : 1;
    d = b.d ? b.d : 1;
    hi_age = knee__fdate_age_at(y, mo, d, &m->asof);
    mo = b.m ? b.m : 12;
    d = b.d ? b.d : (int)knee__fdate_month_days(y, (unsigned)mo);
    lo_age = knee__fdate_age_at(y, mo, d, &m->asof);
    if (lo_age != hi_age) {
        knee__frep_missing(
            m->rep, fact,
            "Patient.birthDate '%s' is partial: the age at %04d-%02d-%02d may be %d or %d", bd,
            m->asof.y, m->asof.m, m->asof.d, lo_age, hi_age);
        return KNEE_OK;
    }
    snprintf(num, sizeof num, "%d", lo_age);
    return knee__fmap_apply(m, rule, num, m->patient, "birthDate", bd);
}

static int map_gender(mapper *m, const knee__fhir_rule *rule)
{
    const char *fact = m->rs->facts[rule->fact].id, *g;
    if (!m->patient || m->patient->ignored) {
        knee__frep_missing(m->rep, fact,
                           m->patient ? "the Patient resource was ignored" : "no Patient resource");
        return KNEE_OK;
    }
    if (knee__fmap_occurrences(m->patient->node, "gender") > 1) {
        knee__frep_missing(m->rep, fact, "Patient/%s has more than one gender: none is used",
                           m->patient->id ? m->patient->id : "?");
        (void)knee__fmap_repeated(m, m->patient, m->patient->node,
                                  (const char *const[]){"gender", NULL});
        return KNEE_OK;
    }
    g = knee__fval(m->patient->node, "gender");
    if (!g) {
        knee__frep_missing(m->rep, fact, "Patient.gender is absent");
        return KNEE_OK;
    }
    return knee__fmap_apply(m, rule, g, m->patient, "gender", NULL);
}

/* Shared status and date checks for coded events. Returns 1 when usable. */
static int condition_usable(mapper *m, const res *x)
{
    int len1, len2;
    const char *clin = knee__fmap_status_code(x->node, "clinicalStatus", &len1);
    const char *ver = knee__fmap_status_code(x->node, "verificationStatus", &len2);
    const char *abate;
    fdate ad;
    if (len1 || len2)
        m->lenient_status++;
    if (ver && (strcmp(ver, "entered-in-error") == 0 || strcmp(ver, "refuted") == 0)) {
        knee__frep_ignored(m->rep, x->type, x->id, ver, "verificationStatus is %s", ver);
        return 0;
    }
    if (ver && strcmp(ver, "confirmed") != 0) {
        knee__frep_ignored(m->rep, x->type, x->id, "unconfirmed", "verificationStatus is %s", ver);
        return 0;
    }
    if (clin && strcmp(clin, "active") != 0 && strcmp(clin, "recurrence") != 0 &&
        strcmp(clin, "relapse") != 0) {
        knee__frep_ignored(m->rep, x->type, x->id, "inactive", "clinicalStatus is %s", clin);
        return 0;
    }
    if (!clin) {
        knee__frep_ignored(m->rep, x->type, x->id, "no-status",
                           "no clinicalStatus: whether it is active is unknown");
        return 0;
    }
    abate = knee__fmap_event_date(
        x->node, (const char *const[]){"abatementDateTime", "abatementPeriod", NULL});
    if (abate && knee__fdate_parse(abate, &ad) == 0 && ad.hi <= m->asof.lo) {
        knee__frep_ignored(m->rep, x->type, x->id, "inactive", "abated on %s", abate);
        return 0;
    }
    return 1;
}

static int map_condition(mapper *m, const knee__fhir_rule *rule)
{
    const char *fact = m->rs->facts[rule->fact].id;
    size_t i;
    int found = 0;
    for (i = 0; i < m->n; i++) { /* every matching Condition is checked, so skips are reported */
        const res *x = &m->v[i];
        const char *sys, *code, *onset;
        fdate od;
        if (x->ignored || strcmp(x->type, "Condition") != 0 ||
            !knee__fmap_coded(rule, x->node, "code", &sys, &code))
            continue;
        if (knee__fmap_repeated(m, x, x->node, cond_once) || !condition_usable(m, x))
            continue;
        onset = knee__fmap_event_date(x->node,
                                      (const char *const[]){"onsetDateTime", "onsetPeriod",
                                                            "recordedDate", "assertedDate", NULL});
        if (onset && knee__fdate_parse(onset, &od) != 0) {
            knee__frep_ignored(m->rep, x->type, x->id, "date", "onset '%s' is not a valid date",
                               onset);
            continue;
        }
        if (onset && od.lo > m->asof.lo) {
            knee__frep_ignored(m->rep, x->type, x->id, "after-as-of",
                               "onset %s is after the as-of date", onset);
            continue;
        }
        if (rule->within_days && (!onset || od.lo < m->asof.lo - rule->within_days)) {
            knee__frep_ignored(m->rep, x->type, x->id, "outside-window",
                               "onset %s is not within %ld days of the as-of date",
                               onset ? onset : "(none)", rule->within_days);
            continue;
        }
        if (found)
            continue;
        {
            char el[160];
            snprintf(el, sizeof el, "code(%s|%s)", sys, code);
            if (knee__fmap_apply(m, rule, "true", x, el, onset) == KNEE_ENOMEM)
                return KNEE_ENOMEM;
        }
        found = 1;
    }
    if (!found)
        knee__frep_missing(m->rep, fact, "no active, confirmed Condition with a mapped code%s",
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

/* Reads Observation x for `rule` into *out (value in unit `want`), or records why it is not
 * used and returns -1. */
/* The value of Observation x's valueQuantity q in unit `want` into *v, or -1 (recorded): a
 * comparator, not a number, not a UCUM unit, or a unit that does not convert. */
static int quantity_value(mapper *m, const res *x, const knee__fnode *q, const char *want,
                          double *v)
{
    const char *unit = knee__fval(q, "code"), *usys = knee__fval(q, "system");
    const char *vtext = knee__fval(q, "value");
    if (knee__fval(q, "comparator")) {
        knee__frep_ignored(m->rep, x->type, x->id, "comparator", "value has comparator '%s'",
                           knee__fval(q, "comparator"));
        return -1;
    }
    if (read_number(m, knee__fkid(q, "value"), v) != 0) {
        knee__frep_ignored(m->rep, x->type, x->id, "value",
                           "valueQuantity.value%s%s%s is not a number", vtext ? " '" : "",
                           vtext ? vtext : "", vtext ? "'" : "");
        return -1;
    }
    if (!unit && strcmp(want, "1") == 0) { /* no unit: dimensionless */
        unit = "1";
    } else if (!unit || !usys || strcmp(usys, "http://unitsofmeasure.org") != 0) {
        knee__frep_ignored(m->rep, x->type, x->id, "unit",
                           "unit '%s' is not a UCUM code (system %s): not converted to %s",
                           unit ? unit : (knee__fval(q, "unit") ? knee__fval(q, "unit") : "none"),
                           usys ? usys : "absent", want);
        return -1;
    }
    if (knee__fhir_unit_convert(unit, want, v) != 0) {
        knee__frep_ignored(m->rep, x->type, x->id, "unit", "unit '%s' does not convert to %s", unit,
                           want);
        return -1;
    }
    return 0;
}

static int read_observation(mapper *m, const res *x, const char *want, obs_pick *out)
{
    int dimensionless = strcmp(want, "1") == 0; /* unit="1" written out, or no unit */
    const char *st, *dt, *vtext, *el;
    const knee__fnode *q;
    double v;
    fdate d;
    st = knee__fval(x->node, "status");
    if (!st ||
        (strcmp(st, "final") != 0 && strcmp(st, "amended") != 0 && strcmp(st, "corrected") != 0)) {
        knee__frep_ignored(
            m->rep, x->type, x->id, st && strcmp(st, "entered-in-error") == 0 ? st : "status",
            "status is %s (only final, amended, corrected are used)", st ? st : "absent");
        return -1;
    }
    if (knee__fkid(x->node, "dataAbsentReason")) {
        knee__frep_ignored(m->rep, x->type, x->id, "data-absent", "dataAbsentReason is given");
        return -1;
    }
    dt = knee__fmap_event_date(
        x->node,
        (const char *const[]){"effectiveDateTime", "effectiveInstant", "effectivePeriod", NULL});
    if (!dt) {
        knee__frep_ignored(m->rep, x->type, x->id, "no-date",
                           "no effective date: cannot tell which is latest");
        return -1;
    }
    if (knee__fdate_parse(dt, &d) != 0) {
        knee__frep_ignored(m->rep, x->type, x->id, "date",
                           "effective date '%s' is not a valid date", dt);
        return -1;
    }
    if (d.lo > m->asof.lo) {
        knee__frep_ignored(m->rep, x->type, x->id, "after-as-of",
                           "effective %s is after the as-of date", dt);
        return -1;
    }
    q = knee__fkid(x->node, "valueQuantity");
    if (q) {
        el = "valueQuantity";
        if (quantity_value(m, x, q, want, &v) != 0)
            return -1;
    } else if ((vtext = knee__fval(x->node, "valueInteger")) != NULL && dimensionless) {
        el = "valueInteger";
        if (read_number(m, knee__fkid(x->node, "valueInteger"), &v) != 0) {
            knee__frep_ignored(m->rep, x->type, x->id, "value", "valueInteger '%s' is not a number",
                               vtext);
            return -1;
        }
    } else {
        knee__frep_ignored(m->rep, x->type, x->id, "value", "no %s value",
                           dimensionless ? "valueQuantity or valueInteger" : "valueQuantity");
        return -1;
    }
    out->x = x;
    out->value = v;
    out->date = d;
    out->date_text = dt;
    out->element = el;
    return 0;
}

static int map_observation(mapper *m, const knee__fhir_rule *rule)
{
    const char *fact = m->rs->facts[rule->fact].id, *want = rule->unit ? rule->unit : "1";
    size_t i;
    obs_pick best, o;
    memset(&best, 0, sizeof best);
    for (i = 0; i < m->n; i++) {
        const res *x = &m->v[i];
        const char *sys, *code;
        if (x->ignored || strcmp(x->type, "Observation") != 0 ||
            !knee__fmap_coded(rule, x->node, "code", &sys, &code) ||
            knee__fmap_repeated(m, x, x->node, obs_once))
            continue;
        if (read_observation(m, x, want, &o) != 0)
            continue;
        /* Latest effective date wins; on the same date the later one in the document. */
        if (!best.x || o.date.hi > best.date.hi ||
            (o.date.hi == best.date.hi && o.date.lo >= best.date.lo)) {
            if (best.x && o.date.hi == best.date.hi && o.date.lo == best.date.lo &&
                o.value != best.value)
                knee__frep_warning(
                    m->rep, "conflicting-values",
                    "%s: Observation/%s and Observation/%s on the same date give different "
                    "values; the later in the document is used",
                    fact, best.x->id ? best.x->id : "?", x->id ? x->id : "?");
            if (best.x)
                knee__frep_ignored(m->rep, best.x->type, best.x->id, "superseded",
                                   "a later %s observation exists", fact);
            best = o;
        } else {
            knee__frep_ignored(m->rep, x->type, x->id, "superseded",
                               "a later %s observation exists", fact);
        }
    }
    if (!best.x) {
        knee__frep_missing(m->rep, fact, "no usable Observation with a mapped code");
        return KNEE_OK;
    }
    {
        char num[KNEE__NUMBUF];
        knee__format_double(num, best.value);
        return knee__fmap_apply(m, rule, num, best.x, best.element, best.date_text);
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
            strcmp(c->kids[0].name, "Medication") == 0 && knee__fmap_node_id(&c->kids[0]) &&
            strcmp(knee__fmap_node_id(&c->kids[0]), knee__fval(ref, "reference") + 1) == 0) {
            *contained_med = &c->kids[0];
            return knee__fkid(&c->kids[0], "code");
        }
    }
    return NULL;
}

/* The date of history record x, read from the first of `dates` it has, into *d and *dt; -1
 * (recorded) when it has none, is after the as-of date or is not within the rule's window. */
static int history_date(mapper *m, const knee__fhir_rule *rule, const res *x,
                        const char *const *dates, fdate *d, const char **dt)
{
    *dt = knee__fmap_event_date(x->node, dates);
    if (!*dt || knee__fdate_parse(*dt, d) != 0) {
        knee__frep_ignored(m->rep, x->type, x->id, "date",
                           *dt ? "date '%s' is not a valid date" : "no date%s", *dt ? *dt : "");
        return -1;
    }
    if (d->lo > m->asof.lo) {
        knee__frep_ignored(m->rep, x->type, x->id, "after-as-of", "dated %s, after the as-of date",
                           *dt);
        return -1;
    }
    if (rule->within_days) {
        long start = m->asof.lo - rule->within_days;
        if (d->hi < start) {
            knee__frep_ignored(m->rep, x->type, x->id, "outside-window",
                               "dated %s, more than %ld days before the as-of date", *dt,
                               rule->within_days);
            return -1;
        }
        if (d->lo < start || d->hi > m->asof.lo) {
            knee__frep_ignored(m->rep, x->type, x->id, "imprecise-date",
                               "dated '%s': may or may not fall within %ld days of the as-of date",
                               *dt, rule->within_days);
            knee__frep_warning(m->rep, "imprecise-date",
                               "%s/%s is dated '%s', too imprecise to tell whether '%s' applies",
                               x->type, x->id ? x->id : "?", *dt, rule->member);
            return -1;
        }
    }
    return 0;
}

/* What a history rule reads from one resource of a history type: its bit of the rule's
 * resources, the element its code is in (el), the concept of a contained Medication (*concept,
 * *med; NULL when the code is the resource's own) and the elements that date it. */
typedef struct history_kind {
    unsigned bit;
    const knee__fnode *concept, *med;
    const char *el;
    const char *const *dates;
} history_kind;

/* The kind of x, or 0 when x is not a Procedure or a Medication record. */
static int history_kind_of(const res *x, history_kind *k)
{
    static const char *const proc_dates[] = {"performedDateTime", "performedPeriod", NULL};
    static const char *const stmt_dates[] = {"effectiveDateTime", "effectivePeriod", "dateAsserted",
                                             NULL};
    static const char *const req_dates[] = {"authoredOn", NULL};
    k->med = NULL;
    if (strcmp(x->type, "Procedure") == 0) {
        k->bit = KNEE__FR_PROCEDURE;
        k->concept = NULL;
        k->el = "code";
        k->dates = proc_dates;
        return 1;
    }
    if (strcmp(x->type, "MedicationStatement") == 0 ||
        strcmp(x->type, "MedicationAdministration") == 0) {
        k->bit = x->type[10] == 'S' ? KNEE__FR_MED_STATEMENT : KNEE__FR_MED_ADMIN;
        k->dates = stmt_dates;
    } else if (strcmp(x->type, "MedicationRequest") == 0) {
        k->bit = KNEE__FR_MED_REQUEST;
        k->dates = req_dates;
    } else {
        return 0;
    }
    k->concept = med_concept(x, &k->med);
    k->el = k->med ? "contained(Medication).code" : "medicationCodeableConcept";
    return 1;
}

/* Whether x's status says the procedure was done or the medication taken; if not, x is reported
 * ignored. */
static int history_status_usable(mapper *m, const res *x, unsigned bit)
{
    const char *st = knee__fval(x->node, "status");
    if (!st || (bit == KNEE__FR_PROCEDURE && strcmp(st, "completed") != 0) ||
        (bit == KNEE__FR_MED_STATEMENT && strcmp(st, "active") != 0 &&
         strcmp(st, "completed") != 0) ||
        (bit == KNEE__FR_MED_ADMIN && strcmp(st, "completed") != 0) ||
        (bit == KNEE__FR_MED_REQUEST && strcmp(st, "active") != 0 &&
         strcmp(st, "completed") != 0)) {
        knee__frep_ignored(m->rep, x->type, x->id,
                           st && (strcmp(st, "entered-in-error") == 0 ||
                                  strcmp(st, "not-done") == 0 || strcmp(st, "not-taken") == 0)
                               ? st
                               : "status",
                           "status is %s", st ? st : "absent");
        return 0;
    }
    return 1;
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
        const char *sys, *code, *dt;
        history_kind k;
        fdate d;
        if (x->ignored || !history_kind_of(x, &k) || !(rule->resources & k.bit))
            continue;
        /* A contained Medication's code; else every code element, so a repeated one is seen. */
        if (k.med ? !knee__fmap_code_matches(rule, k.concept, &sys, &code)
                  : !knee__fmap_coded(rule, x->node,
                                      k.bit == KNEE__FR_PROCEDURE ? "code"
                                                                  : "medicationCodeableConcept",
                                      &sys, &code))
            continue;
        if (knee__fmap_repeated(m, x, x->node, k.bit == KNEE__FR_PROCEDURE ? proc_once : med_once))
            continue;
        if (!history_status_usable(m, x, k.bit))
            continue;
        if (history_date(m, rule, x, k.dates, &d, &dt) != 0)
            continue;
        if (!best || d.hi >= best_d.hi) {
            best = x;
            best_d = d;
            best_dt = dt;
            snprintf(best_elbuf, sizeof best_elbuf, "%s(%s|%s)", k.el, sys, code);
            best_el = best_elbuf;
        }
    }
    if (!best) {
        knee__frep_missing(m->rep, fact, "'%s' not found: no usable record with a mapped code%s",
                           rule->member, rule->within_days ? " in the time window" : "");
        return KNEE_OK;
    }
    return knee__fmap_apply(m, rule, rule->member, best, best_el, best_dt);
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
    *n_human = n; /* names meant for people; codes and classes below only match the table */
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

/* The payer of the latest Coverage `best` (and its plan, when the rule has a plan-fact) into
 * the working patient, or recorded as missing. */
static int apply_payer(mapper *m, const knee__fhir_rule *rule, const res *best, const char *best_dt)
{
    const char *fact = m->rs->facts[rule->fact].id;
    const char *texts[16], *value = NULL, *matched = NULL;
    size_t k, j, n_human, n = coverage_texts(best->node, texts, 16, &n_human);
    for (k = 0; k < rule->n_payers && !value; k++)
        for (j = 0; j < n && !value; j++)
            if (text_eq(rule->payers[k].text, texts[j])) {
                value = rule->payers[k].value;
                matched = texts[j];
            }
    if (!value && rule->other_verbatim && n_human)
        value = matched = texts[0];
    if (!value) {
        knee__frep_missing(m->rep, fact,
                           "the latest Coverage (%s/%s) names its payer as '%s', which the "
                           "mapping does not list",
                           knee__fmap_rtype(best),
                           knee__fmap_rid(best) ? knee__fmap_rid(best) : "?",
                           n ? texts[0] : "(nothing)");
    } else {
        char el[200];
        int rc;
        snprintf(el, sizeof el, "payor|type|class = '%s'", matched);
        rc = knee__fmap_apply(m, rule, value, best, el, best_dt);
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
            return knee__fmap_apply(m, &pr, plan, best, "class(plan).value", best_dt);
        }
        knee__frep_missing(m->rep, m->rs->facts[rule->plan_fact].id,
                           "the Coverage has no plan class");
    }
    return KNEE_OK;
}

static int map_coverage(mapper *m, const knee__fhir_rule *rule)
{
    const char *fact = m->rs->facts[rule->fact].id;
    size_t i;
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
        if (knee__fmap_repeated(m, x, x->node, cov_once) ||
            (x->container && knee__fmap_repeated(m, x, x->container->node, claim_once)))
            continue;
        st = knee__fval(x->node, "status");
        if (st && strcmp(st, "active") != 0) {
            knee__frep_ignored(m->rep, knee__fmap_rtype(x), knee__fmap_rid(x),
                               strcmp(st, "entered-in-error") == 0 ? st : "status",
                               "Coverage status is %s", st);
            continue;
        }
        if (!st && !x->container) {
            knee__frep_ignored(m->rep, x->type, x->id, "status", "Coverage has no status");
            continue;
        }
        period = knee__fkid(x->node, "period");
        if (period && knee__fval(period, "end")) {
            fdate e;
            if (knee__fdate_parse(knee__fval(period, "end"), &e) == 0 && e.hi < m->asof.lo) {
                knee__frep_ignored(m->rep, knee__fmap_rtype(x), knee__fmap_rid(x), "ended",
                                   "coverage ended %s", knee__fval(period, "end"));
                continue;
            }
        }
        dt = period ? knee__fval(period, "start") : NULL;
        if (!dt && x->container) {
            const knee__fnode *bp = knee__fkid(x->container->node, "billablePeriod");
            dt = bp && knee__fval(bp, "start") ? knee__fval(bp, "start")
                                               : knee__fval(x->container->node, "created");
        }
        if (dt && knee__fdate_parse(dt, &d) != 0) {
            knee__frep_ignored(m->rep, knee__fmap_rtype(x), knee__fmap_rid(x), "date",
                               "date '%s' is not a valid date", dt);
            continue;
        }
        if (!dt) {
            d.lo = d.hi = -1000000000L; /* undated: older than any dated coverage */
        } else if (d.lo > m->asof.lo) {
            knee__frep_ignored(m->rep, knee__fmap_rtype(x), knee__fmap_rid(x), "after-as-of",
                               "dated %s, after the as-of date", dt);
            continue;
        }
        if (!best || d.hi >= best_d.hi) {
            best = x;
            best_d = d;
            best_dt = dt;
        }
    }
    if (!best) {
        knee__frep_missing(m->rep, fact, "no active Coverage (top-level or contained in a claim)");
        return KNEE_OK;
    }
    return apply_payer(m, rule, best, best_dt);
}

/* One mapping step per kind, in KNEE__FM_* order. */
typedef int (*map_step)(mapper *m, const knee__fhir_rule *rule);
static const map_step map_steps[] = {
    [KNEE__FM_BIRTH_DATE] = map_birth_date, [KNEE__FM_GENDER] = map_gender,
    [KNEE__FM_CONDITION] = map_condition,   [KNEE__FM_OBSERVATION] = map_observation,
    [KNEE__FM_HISTORY] = map_history,       [KNEE__FM_COVERAGE] = map_coverage,
};
_Static_assert(sizeof map_steps / sizeof map_steps[0] == KNEE__FM_COUNT,
               "one mapping step per KNEE__FM_ kind");

/* The builder gives only the kinds above; any other value is refused, never read as some kind. */
int knee__fmap_rule(mapper *m, const knee__fhir_rule *rule)
{
    if (rule->kind < 0 || rule->kind >= KNEE__FM_COUNT || !map_steps[rule->kind]) {
        knee__diag_add(m->diag, KNEE_SEVERITY_ERROR, KNEE_EINVALID, "fhir-mapping", m->file,
                       (knee__pos){0, 0}, NULL, "a <fhir> mapping rule of unknown kind %d",
                       rule->kind);
        return KNEE_EINVALID;
    }
    return map_steps[rule->kind](m, rule);
}
