/* fhir_mapping.c - the rule file's <fhir> section (docs/fhir.md): which FHIR data gives which
 * fact. Checked at load: the fact exists and has a type the element can fill, a set member is
 * allowed, every code has exactly one of code/prefix, every source exists, an observation's
 * unit is one the mapper converts to. Also home of the unit conversion table both use. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/fhir_mapping.h"
#include "rules/model.h"
#include "util/numbers.h"
#include "base/xml_input.h"

#define MAX_WINDOW_DAYS 4000000L /* more than 10,000 years */

/* UCUM units the mapper converts between: (from, to, factor). Anything else does not convert.
 * The `to` column is every unit an <observation unit=""> may name ("1": dimensionless). */
static const struct {
    const char *from, *to;
    double factor;
} unit_table[] = {
    {"kg/m2", "kg/m2", 1.0},
    {"kg/m^2", "kg/m2", 1.0},
    {"[lb_av]/[in_i]2", "kg/m2", 703.0695796},     /* BMI from lb/in2 */
    {"mL/min/{1.73_m2}", "mL/min/{1.73_m2}", 1.0}, /* eGFR, as labs report it */
    {"1", "1", 1.0},
    {"{score}", "1", 1.0},
    {"{grade}", "1", 1.0},
};
#define N_UNITS (sizeof unit_table / sizeof unit_table[0])

#define FT(t) (1u << KNEE_FACT_##t)
const knee__fhir_kind knee__fhir_kinds[KNEE__FM_COUNT] = {
    [KNEE__FM_BIRTH_DATE] = {"birth-date", FT(NUMBER) | FT(INTEGER), "a number or integer fact", 0,
                             0, 1, KNEE__FK_PATIENT},
    [KNEE__FM_GENDER] = {"gender", FT(STRING), "a string fact", 0, 0, 0, KNEE__FK_PATIENT},
    [KNEE__FM_CONDITION] = {"condition", FT(BOOLEAN) | FT(SET),
                            "a boolean fact, or a set fact with member=", 1, 1, 0, KNEE__FK_SEARCH},
    [KNEE__FM_OBSERVATION] = {"observation", FT(NUMBER) | FT(INTEGER), "a number or integer fact",
                              0, 1, 1, KNEE__FK_SEARCH},
    [KNEE__FM_HISTORY] = {"history", FT(SET), "a set fact and member=", 1, 1, 0, KNEE__FK_SEARCH},
    [KNEE__FM_COVERAGE] = {"coverage", FT(STRING), "a string fact", 0, 0, 0, KNEE__FK_COVERAGE},
};
#undef FT

/* 1 when some observation unit converts to `to`. */
static int fhir_unit_known(const char *to)
{
    size_t i;
    for (i = 0; i < N_UNITS; i++)
        if (strcmp(unit_table[i].to, to) == 0)
            return 1;
    return 0;
}

int knee__fhir_unit_convert(const char *from, const char *to, double *v)
{
    size_t i;
    for (i = 0; i < N_UNITS; i++)
        if (strcmp(unit_table[i].from, from) == 0 && strcmp(unit_table[i].to, to) == 0) {
            *v *= unit_table[i].factor;
            return 0;
        }
    return -1;
}

/* The target units, for a diagnostic: "kg/m2, 1". */
static void known_units(char *buf, size_t cap)
{
    size_t i, k, n = 0;
    buf[0] = '\0';
    for (i = 0; i < N_UNITS; i++) {
        for (k = 0; k < i && strcmp(unit_table[k].to, unit_table[i].to) != 0; k++)
            ;
        if (k == i && n < cap)
            n += (size_t)snprintf(buf + n, cap - n, "%s%s", n ? ", " : "", unit_table[i].to);
    }
}

typedef struct fbuild {
    knee_ruleset *rs;
    knee_diag *diag;
    const char *file;
    int status;
} fbuild;

static void ferr(fbuild *b, const char *code, knee__pos pos, const char *el, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;
static void ferr(fbuild *b, const char *code, knee__pos pos, const char *el, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (b->status == KNEE_OK)
        b->status = KNEE_EINVALID;
    if (knee__diag_add(b->diag, KNEE_SEVERITY_ERROR, KNEE_EINVALID, code, b->file, pos, el, "%s",
                       msg) != KNEE_OK)
        b->status = KNEE_ENOMEM;
}

static const char *sdup(fbuild *b, const char *s)
{
    char *d;
    if (!s)
        return NULL;
    d = knee__arena_strdup(&b->rs->arena, s);
    if (!d) {
        b->status = KNEE_ENOMEM;
        return ""; /* as in rules/build.c: the load is lost, later comparisons stay safe */
    }
    return d;
}

static void *aalloc(fbuild *b, size_t n, size_t size)
{
    void *p;
    if (n == 0)
        return NULL;
    p = knee__arena_alloc(&b->rs->arena, n * size);
    if (!p)
        b->status = KNEE_ENOMEM;
    return p;
}

/* The separators of the schema's list types (xs:list collapses all XML white space; character
 * references such as &#9; survive attribute normalisation). */
static int list_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void parse_sources(fbuild *b, knee__fhir_rule *r, const knee__xnode *n)
{
    const char *s = knee__xml_attr_value(n, "source"), *p;
    size_t count = 0, k;
    if (!s)
        return;
    for (p = s; *p;) {
        while (list_space(*p))
            p++;
        if (!*p)
            break;
        count++;
        while (*p && !list_space(*p))
            p++;
    }
    r->sources = aalloc(b, count, sizeof *r->sources);
    if (!r->sources)
        return;
    for (p = s; *p;) {
        const char *q;
        char id[80];
        while (list_space(*p))
            p++;
        if (!*p)
            break;
        q = p;
        while (*p && !list_space(*p))
            p++;
        snprintf(id, sizeof id, "%.*s", (int)(p - q), q);
        for (k = 0; k < b->rs->n_sources; k++)
            if (strcmp(b->rs->sources[k].id, id) == 0)
                break;
        if (k == b->rs->n_sources)
            ferr(b, "unknown-source", n->pos, NULL, "unknown source '%s'", id);
        else
            r->sources[r->n_sources++] = b->rs->sources[k].id;
    }
}

static int member_allowed(const knee__fact *f, const char *m)
{
    return f->n_allowed == 0 || knee__find_allowed(f, m, strlen(m)) != KNEE__NONE;
}

static unsigned resource_bits(fbuild *b, const knee__xnode *n)
{
    const char *s = knee__xml_attr_value(n, "resources"), *p;
    unsigned bits = 0;
    if (!s)
        return KNEE__FR_PROCEDURE | KNEE__FR_MED_STATEMENT | KNEE__FR_MED_REQUEST |
               KNEE__FR_MED_ADMIN;
    for (p = s; *p;) {
        const char *q;
        size_t len;
        while (list_space(*p))
            p++;
        q = p;
        while (*p && !list_space(*p))
            p++;
        len = (size_t)(p - q);
        if (len == 9 && memcmp(q, "Procedure", 9) == 0)
            bits |= KNEE__FR_PROCEDURE;
        else if (len == 19 && memcmp(q, "MedicationStatement", 19) == 0)
            bits |= KNEE__FR_MED_STATEMENT;
        else if (len == 17 && memcmp(q, "MedicationRequest", 17) == 0)
            bits |= KNEE__FR_MED_REQUEST;
        else if (len == 24 && memcmp(q, "MedicationAdministration", 24) == 0)
            bits |= KNEE__FR_MED_ADMIN;
        else if (len) {
            char t[64];
            snprintf(t, sizeof t, "%.*s", (int)(len < 60 ? len : 60), q);
            ferr(b, "fhir-mapping", n->pos, NULL,
                 "unknown resource type '%s' in resources= (Procedure, MedicationStatement, "
                 "MedicationRequest, MedicationAdministration)",
                 t);
        }
    }
    return bits;
}

/* A rule's <code> and <payer> children. */
static void build_codes(fbuild *b, knee__fhir_rule *r, const knee__xnode *n)
{
    size_t i, nc = 0, np = 0;
    for (i = 0; i < n->n_children; i++) {
        if (strcmp(n->children[i].name, "code") == 0)
            nc++;
        else if (strcmp(n->children[i].name, "payer") == 0)
            np++;
    }
    r->codes = aalloc(b, nc, sizeof *r->codes);
    r->payers = aalloc(b, np, sizeof *r->payers);
    for (i = 0; i < n->n_children && b->status != KNEE_ENOMEM; i++) {
        const knee__xnode *c = &n->children[i];
        if (strcmp(c->name, "code") == 0 && r->codes) {
            knee__fhir_code *k = &r->codes[r->n_codes++];
            const char *code = knee__xml_attr_value(c, "code"),
                       *prefix = knee__xml_attr_value(c, "prefix");
            if ((code != NULL) == (prefix != NULL))
                ferr(b, "fhir-mapping", c->pos, NULL,
                     "<code> needs exactly one of code= or prefix=");
            k->system =
                sdup(b, knee__xml_attr_value(c, "system") ? knee__xml_attr_value(c, "system") : "");
            k->code = sdup(b, code ? code : prefix ? prefix : "");
            k->prefix = prefix != NULL;
        } else if (strcmp(c->name, "payer") == 0 && r->payers) {
            knee__fhir_payer *p = &r->payers[r->n_payers++];
            p->text = sdup(b, knee__xml_attr_value(c, "text"));
            p->value = sdup(b, knee__xml_attr_value(c, "value"));
        }
    }
}

static void build_rule(fbuild *b, knee__fhir_rule *r, const knee__xnode *n)
{
    const char *name = n->name, *fact = knee__xml_attr_value(n, "fact");
    const knee__fact *f;
    const knee__fhir_kind *kind;

    r->pos = n->pos;
    r->plan_fact = KNEE__NONE;
    for (r->kind = 0; r->kind < KNEE__FM_COUNT; r->kind++)
        if (strcmp(name, knee__fhir_kinds[r->kind].element) == 0)
            break;
    if (r->kind == KNEE__FM_COUNT) { /* the schema names the same elements: a slip between them */
        ferr(b, "fhir-mapping", n->pos, NULL, "<%s> is not a mapping element", name);
        return;
    }
    kind = &knee__fhir_kinds[r->kind];
    parse_sources(b, r, n);
    r->fact = fact ? knee__find_fact(b->rs, fact) : KNEE__NONE;
    if (r->fact == KNEE__NONE) {
        ferr(b, "unknown-fact", n->pos, fact, "<%s> maps to an undeclared fact '%s'", name, fact);
        return;
    }
    f = &b->rs->facts[r->fact];
    r->member = sdup(b, knee__xml_attr_value(n, "member"));
    r->unit = sdup(b, knee__xml_attr_value(n, "unit"));
    if (knee__xml_attr_value(n, "within-days")) {
        /* The schema allows any positive integer; FHIR years are 0000-9999, so a longer window
         * means "any time", and the cap keeps as-of minus the window from overflowing (day
         * numbers are negative before 1970). */
        const char *v = knee__xml_attr_value(n, "within-days");
        long long days = 0;
        if (knee__parse_int(v, strlen(v), 1, MAX_WINDOW_DAYS, &days) < 0) /* > the cap: the cap */
            ferr(b, "fhir-mapping", n->pos, fact, "within-days '%.40s' is not a whole number", v);
        r->within_days = (long)days;
    }
    r->resources = resource_bits(b, n);
    r->other_verbatim = knee__xml_attr_value(n, "other") &&
                        strcmp(knee__xml_attr_value(n, "other"), "verbatim") == 0;

    if (!(kind->fact_types & (1u << f->type)) ||
        (kind->member && (f->type == KNEE_FACT_SET) != (r->member != NULL)))
        ferr(b, "fhir-mapping", n->pos, fact, "<%s> needs %s; '%s' is not", name, kind->needs,
             fact);
    /* Caught here, not as a `unit` skip on every observation at run time. */
    if (kind->unit && r->unit && !fhir_unit_known(r->unit)) {
        char units[128];
        known_units(units, sizeof units);
        ferr(b, "fhir-unit", n->pos, fact,
             "<%s> for '%s': no observation unit converts to unit '%s' (known: %s; none = "
             "dimensionless)",
             name, fact, r->unit, units);
    }
    if (r->member && f->type == KNEE_FACT_SET && !member_allowed(f, r->member))
        ferr(b, "fhir-mapping", n->pos, fact, "member '%s' is not an allowed value of '%s'",
             r->member, fact);
    if (knee__xml_attr_value(n, "plan-fact")) {
        const char *pf = knee__xml_attr_value(n, "plan-fact");
        r->plan_fact = knee__find_fact(b->rs, pf);
        if (r->plan_fact == KNEE__NONE || b->rs->facts[r->plan_fact].type != KNEE_FACT_STRING)
            ferr(b, "fhir-mapping", n->pos, pf, "plan-fact '%s' is not a declared string fact", pf);
    }

    build_codes(b, r, n);
    if (kind->codes && r->n_codes == 0)
        ferr(b, "fhir-mapping", n->pos, fact, "<%s> for '%s' lists no <code>", name, fact);
}

int knee__fhir_rules_build(knee_ruleset *rs, const knee__xnode *sec, const char *file,
                           knee_diag *diag)
{
    fbuild b;
    knee__fhir_map *m;
    size_t i;

    b.rs = rs;
    b.diag = diag;
    b.file = file;
    b.status = KNEE_OK;
    m = knee__arena_alloc(&rs->arena, sizeof *m);
    if (!m)
        return KNEE_ENOMEM;
    m->rules = aalloc(&b, sec->n_children, sizeof *m->rules);
    if (sec->n_children && !m->rules)
        return KNEE_ENOMEM;
    for (i = 0; i < sec->n_children && b.status != KNEE_ENOMEM; i++)
        build_rule(&b, &m->rules[m->n_rules++], &sec->children[i]);
    rs->fhir = m;
    return b.status;
}
