/* build.c - turn a schema-checked XML tree into the immutable ruleset, with every
 * semantic check of rules/README.md ("Loading: what is checked"). It reports every problem it
 * finds, not just the first, and is defensive about trees the XSD already rejected (a missing
 * required attribute is skipped here: the XSD has reported it). */
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "base/diag.h"
#include "rules/fhir_mapping.h"
#include "rules/model.h"
#include "util/numbers.h"
#include "base/options.h"
#include "rules/utility.h"
#include "base/xml_input.h"
#include "rules/hints.h"

typedef struct builder {
    knee_ruleset *rs;
    knee_diag *diag;
    const char *file;
    const knee_options *opts;
    int status; /* KNEE_OK, or the first failure's status */
    int oom;
    knee__cond_table conds;          /* compiled conditions by text, while rules are built */
    knee__patient_text **ptext_tail; /* where the next <patient> text is linked */
} builder;

#if defined(__GNUC__)
#define PRINTF_LIKE(fmt, first) __attribute__((format(printf, fmt, first)))
#else
#define PRINTF_LIKE(fmt, first)
#endif

/* One located problem. The first error's status becomes the load's; a problem that cannot be
 * recorded makes the load fail as out of memory. */
static PRINTF_LIKE(7, 8) void report(builder *b, int severity, int status, const char *code,
                                     knee__pos pos, const char *element, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (severity == KNEE_SEVERITY_ERROR && b->status == KNEE_OK)
        b->status = status;
    if (knee__diag_add(b->diag, severity, status, code, b->file, pos, element, "%s", msg) !=
        KNEE_OK)
        b->oom = 1;
}

/* The semantic checks' problems; a limit or a condition's own status goes through report(). */
#define ERR(b, code, pos, el, ...)                                                                 \
    report(b, KNEE_SEVERITY_ERROR, KNEE_EINVALID, code, pos, el, __VA_ARGS__)
#define WARN(b, code, pos, el, ...)                                                                \
    report(b, KNEE_SEVERITY_WARNING, KNEE_EINVALID, code, pos, el, __VA_ARGS__)

/* A reference to a level the criterion does not declare, with the nearest level and the levels
 * it does ("'hihg' is not a level of criterion 'evidence': did you mean 'high'? (its levels: low,
 * moderate, high): use one of them, or declare it ..."): the author sees what to write instead. */
static void unknown_level(builder *b, knee__pos pos, const char *el, const knee__criterion *cr,
                          const char *level)
{
    char hint[200], levels[400];
    int near;
    if (!cr->n_levels) {
        ERR(b, "unknown-level", pos, el,
            "'%s' is not a level of criterion '%s': it is numeric, with no levels (give a number "
            "instead)",
            level, cr->id);
        return;
    }
    near = knee__suggest(level, cr->n_levels, knee__level_at, cr, hint, sizeof hint) > 0;
    knee__list_ids(cr->n_levels, knee__level_at, cr, levels, sizeof levels);
    ERR(b, "unknown-level", pos, el,
        "'%s' is not a level of criterion '%s'%s%s%s (its levels: %s): use one of them, or "
        "declare it with <level id=\"%s\"/> in the criterion",
        level, cr->id, near ? ": did you mean " : "", near ? hint : "", near ? "?" : "", levels,
        level);
}

static void *alloc_array(builder *b, size_t n, size_t size)
{
    void *p;
    if (n == 0)
        return NULL;
    p = knee__arena_alloc(&b->rs->arena, n * size);
    if (!p)
        b->oom = 1;
    return p;
}

/* On failure the load is already lost (b->oom); "" instead of NULL lets the rest of the build,
 * which still runs to collect diagnostics, compare the copy (a duplicate check, a level lookup)
 * without crashing. The ruleset is discarded, so the constant is never freed or returned. */
static const char *dup(builder *b, const char *s)
{
    char *d;
    if (!s)
        return NULL;
    d = knee__arena_strdup(&b->rs->arena, s);
    if (!d) {
        b->oom = 1;
        return "";
    }
    return d;
}

/* ---- reading the tree ------------------------------------------------------------------------ */

static const char *attr(const knee__xnode *n, const char *name)
{
    return knee__xml_attr_value(n, name);
}

static const char *attr_or(const knee__xnode *n, const char *name, const char *fallback)
{
    const char *v = attr(n, name);
    return v ? v : fallback;
}

static knee__pos attr_pos(const knee__xnode *n, const char *name)
{
    const knee__xattr *a = knee__xml_attr(n, name);
    return a ? a->pos : n->pos;
}

/* 1: present and a number; 0: absent; -1: present but not a number (reported). */
static int num_attr(builder *b, const knee__xnode *n, const char *name, double *out)
{
    const char *v = attr(n, name);
    if (!v)
        return 0;
    if (knee__parse_double(v, strlen(v), out) != 0) {
        ERR(b, "bad-number", attr_pos(n, name), NULL, "'%s' is not a number", v);
        return -1;
    }
    return 1;
}

/* The first len bytes of attribute `name` of n as a whole number within [min, max]. The XSD's
 * integer types have no upper bound, so a value outside is reported here, and 0 stands in for
 * it: never wrapped, as atoi did (year="2147483648" read as -2147483648). */
static int whole_number(builder *b, const knee__xnode *n, const char *name, size_t len, int min,
                        int max)
{
    const char *v = attr(n, name);
    long long x = 0;
    int rc = knee__parse_int(v, len, min, max, &x);
    if (rc == 0)
        return (int)x;
    if (rc > 0)
        ERR(b, "bad-number", attr_pos(n, name), NULL, "%s '%.40s' is out of range (%d to %d)", name,
            v, min, max);
    else
        ERR(b, "bad-number", attr_pos(n, name), NULL, "%s '%.40s' is not a whole number", name, v);
    return 0;
}

/* A whole number within [min, max], 0 when absent. */
static int int_attr(builder *b, const knee__xnode *n, const char *name, int min, int max)
{
    const char *v = attr(n, name);
    return v ? whole_number(b, n, name, strlen(v), min, max) : 0;
}

/* An xs:gYear ("2021", "-0044", perhaps with a time zone that is not kept: "2021Z",
 * "2021+01:00"), 0 when absent. */
static int year_attr(builder *b, const knee__xnode *n)
{
    const char *v = attr(n, "year");
    size_t sign = v && v[0] == '-';
    return v ? whole_number(b, n, "year", sign + strspn(v + sign, "0123456789"), -9999, 9999) : 0;
}

/* 1: "true" or "1"; 0: any other value; -1: absent. */
static int bool_attr(const knee__xnode *n, const char *name)
{
    const char *v = attr(n, name);
    if (!v)
        return -1;
    return strcmp(v, "true") == 0 || strcmp(v, "1") == 0;
}

static size_t count_children(const knee__xnode *n, const char *name)
{
    size_t i, k = 0;
    for (i = 0; i < n->n_children; i++)
        if (strcmp(n->children[i].name, name) == 0)
            k++;
    return k;
}

/* The next child of n named `name` from *at on, skipping those without attribute `need` (when
 * need is not NULL); *at moves past it. NULL when none is left. */
static const knee__xnode *next_child(const knee__xnode *n, const char *name, const char *need,
                                     size_t *at)
{
    while (*at < n->n_children) {
        const knee__xnode *c = &n->children[(*at)++];
        if (strcmp(c->name, name) == 0 && (!need || attr(c, need)))
            return c;
    }
    return NULL;
}

static const knee__xnode *child(const knee__xnode *n, const char *name)
{
    size_t at = 0;
    return next_child(n, name, NULL, &at);
}

/* ---- texts for two audiences (rules/README.md, "Texts for patients and clinicians") ---------- */

#define TEXT_MAX_CHARS 4000 /* as the XSD's Text type, for a <description>'s own text */

static int blank(const char *s)
{
    while (s && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'))
        s++;
    return !s || !*s;
}

static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* Keeps a text written for patients, for the readability lint (lint.c). */
static void add_patient_text(builder *b, const char *text, const char *el, knee__pos pos)
{
    knee__patient_text *t = knee__arena_alloc(&b->rs->arena, sizeof *t);
    if (!t) {
        b->oom = 1;
        return;
    }
    t->text = text;
    t->element = el;
    t->pos = pos;
    t->next = NULL;
    *b->ptext_tail = t;
    b->ptext_tail = &t->next;
}

/* A text given once - attribute `name` of n, or n's own text when name is NULL - or as <patient>
 * and <clinician> children of n. An audience without its own element takes the single text; one
 * element alone serves both. Both stay NULL when nothing is given. A single text beside both
 * elements would be shown to no one: an error. Each <patient> text is kept for the lint. */
static void read_texts(builder *b, const knee__xnode *n, const char *name, const char *el,
                       const char **clinician, const char **patient)
{
    const knee__xnode *pn = child(n, "patient"), *cn = child(n, "clinician");
    const char *once = name ? attr(n, name) : n->text;
    *clinician = *patient = NULL;
    if (blank(once))
        once = NULL;
    if (once && pn && cn)
        ERR(b, "text-audience", n->pos, el,
            "<%s> gives its text once%s%s%s and also as <patient> and <clinician>: the single text "
            "would be shown to no one",
            n->name, name ? " (" : "", name ? name : "", name ? "=)" : "");
    if (!name && once && utf8_chars(once) > TEXT_MAX_CHARS)
        ERR(b, "text-length", n->pos, el, "<%s> is longer than %d characters", n->name,
            TEXT_MAX_CHARS);
    once = dup(b, once ? once : pn ? pn->text : cn ? cn->text : NULL);
    *clinician = cn ? dup(b, cn->text) : once;
    *patient = pn ? dup(b, pn->text) : once;
    if (pn)
        add_patient_text(b, *patient, el, pn->pos);
}

/* A <description> child of n, if any, read by read_texts. */
static void description(builder *b, const knee__xnode *n, const char *el, const char **clinician,
                        const char **patient)
{
    const knee__xnode *d = child(n, "description");
    *clinician = *patient = NULL;
    if (d)
        read_texts(b, d, NULL, el, clinician, patient);
}

/* ---- ids: collected while a section is built, sorted once at its end for the duplicate check
 * and kept as the section's index, so that every lookup by id is a bisection ---------------- */

typedef struct idref {
    const char *id; /* the record's own copy: the index outlives the XML tree */
    size_t index;
    knee__pos pos;
} idref;

typedef struct id_check {
    idref *refs;
    size_t n;
} id_check;

/* Room for the ids of n records. `records` is the array just allocated for them (NULL when n is
 * 0), checked here too so that a section has a single out-of-memory exit. 0 when either is
 * missing (b->oom set, nothing left to free). */
static int ids_begin(builder *b, id_check *ids, size_t n, const void *records)
{
    ids->n = 0;
    ids->refs = knee__calloc(n ? n : 1, sizeof *ids->refs);
    if ((n && !records) || !ids->refs) {
        b->oom = 1;
        knee__dealloc(ids->refs);
        return 0;
    }
    return 1;
}

/* Remember the id of the next record (at most the n of ids_begin), written at pos. */
static void ids_push(id_check *ids, const char *id, knee__pos pos)
{
    idref *r = &ids->refs[ids->n];
    r->id = id;
    r->index = ids->n++;
    r->pos = pos;
}

static int cmp_idref(const void *a, const void *b)
{
    const idref *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    if (c)
        return c;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Sort the ids, report every one that repeats an earlier one (`what` names them; the
 * diagnostic's element is owner, or the id itself when owner is NULL), keep them as the index
 * *keep (when keep is not NULL) and free the list. */
static void ids_finish(builder *b, id_check *ids, const char *what, const char *owner,
                       knee__id_index *keep)
{
    idref *refs = ids->refs;
    size_t i;
    qsort(refs, ids->n, sizeof *refs, cmp_idref);
    for (i = 1; i < ids->n; i++)
        if (strcmp(refs[i].id, refs[i - 1].id) == 0)
            ERR(b, "duplicate-id", refs[i].pos, owner ? owner : refs[i].id,
                "duplicate %s '%s' (first at line %u)", what, refs[i].id, refs[i - 1].pos.line);
    if (keep) {
        keep->v = alloc_array(b, ids->n, sizeof *keep->v);
        for (i = 0; keep->v && i < ids->n; i++) {
            keep->v[i].id = refs[i].id;
            keep->v[i].at = refs[i].index;
        }
        keep->n = keep->v ? ids->n : 0;
    }
    knee__dealloc(refs);
}

/* ---- id lists -------------------------------------------------------------------------------- */

static int is_list_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n';
}

/* The next word of a source list (split at spaces, tabs and newlines) from *s on, its length in
 * *len and *s moved past it; NULL when none is left. */
static const char *next_word(const char **s, size_t *len)
{
    const char *p = *s, *w;
    while (is_list_space(*p))
        p++;
    w = p;
    while (*p && !is_list_space(*p))
        p++;
    *s = p;
    *len = (size_t)(p - w);
    return *len ? w : NULL;
}

/* Parse a space-separated list of source ids from attribute `name` of n. */
static knee__idlist source_list(builder *b, const knee__xnode *n, const char *name, const char *el)
{
    knee__idlist l = {NULL, 0};
    const knee__xattr *a = knee__xml_attr(n, name);
    const char *s, *w;
    size_t len, count = 0;
    if (!a)
        return l;
    for (s = a->value; next_word(&s, &len);)
        count++;
    l.v = alloc_array(b, count, sizeof *l.v);
    if (count && !l.v)
        return l;
    for (s = a->value; (w = next_word(&s, &len)) != NULL;) {
        size_t k = knee__find_source(b->rs, w, len);
        if (k == KNEE__NONE)
            ERR(b, "unknown-source", knee__xml_value_pos(a, (size_t)(w - a->value)), el,
                "unknown source '%.*s'", (int)len, w);
        else
            l.v[l.n++] = b->rs->sources[k].id;
    }
    return l;
}

/* Every id of a space-separated list attribute (may be NULL) must be found by `find`; each one
 * that is not is reported at its own column. */
static void check_id_list(builder *b, const knee__xattr *list, const char *element,
                          size_t (*find)(const knee_ruleset *, const char *), const char *code,
                          const char *noun)
{
    const char *s = list ? list->value : "";
    while (*s) {
        const char *p;
        char id[65]; /* ids are at most 64 characters (XSD) */
        while (*s == ' ')
            s++;
        p = s;
        while (*s && *s != ' ')
            s++;
        if (s == p || (size_t)(s - p) >= sizeof id)
            continue;
        memcpy(id, p, (size_t)(s - p));
        id[s - p] = '\0';
        if (find(b->rs, id) == KNEE__NONE)
            ERR(b, code, knee__xml_value_pos(list, (size_t)(p - list->value)), element,
                "unknown %s '%s'", noun, id);
    }
}

/* ---- sources and facts ----------------------------------------------------------------------- */

static void build_sources(builder *b, const knee__xnode *sec)
{
    knee_ruleset *rs = b->rs;
    size_t at = 0, n = count_children(sec, "source");
    const knee__xnode *c;
    id_check ids;
    rs->sources = alloc_array(b, n, sizeof *rs->sources);
    if (!ids_begin(b, &ids, n, rs->sources))
        return;
    while ((c = next_child(sec, "source", "id", &at)) != NULL) {
        knee__source *s = &rs->sources[rs->n_sources++];
        s->id = dup(b, attr(c, "id"));
        s->title = dup(b, attr(c, "title"));
        s->url = dup(b, attr(c, "url"));
        s->publisher = dup(b, attr(c, "publisher"));
        s->tier = dup(b, attr(c, "tier"));
        s->note = c->text[0] ? dup(b, c->text) : NULL;
        s->year = year_attr(b, c);
        s->pos = c->pos;
        ids_push(&ids, s->id, attr_pos(c, "id"));
    }
    ids_finish(b, &ids, "source id", NULL, &rs->source_index);
}

static int fact_type(const char *t)
{
    static const char *const names[] = {"number", "integer", "boolean", "string", "set"};
    int i;
    for (i = 0; t && i < 5; i++)
        if (strcmp(t, names[i]) == 0)
            return i + 1; /* KNEE_FACT_NUMBER .. KNEE_FACT_SET */
    return 0;
}

static int is_reserved(const char *id)
{
    static const char *const words[] = {"and", "or", "not", "in", "true", "false", "known"};
    size_t i;
    for (i = 0; i < sizeof words / sizeof *words; i++)
        if (strcmp(id, words[i]) == 0)
            return 1;
    return 0;
}

/* A string or set fact's <allowed> values. */
static void build_allowed(builder *b, knee__fact *f, const knee__xnode *c)
{
    size_t at = 0, n = count_children(c, "allowed");
    const knee__xnode *a;
    id_check values;
    if (n && f->type != KNEE_FACT_STRING && f->type != KNEE_FACT_SET)
        ERR(b, "fact-allowed", c->pos, f->id, "<allowed> only applies to string and set facts");
    f->allowed = alloc_array(b, n, sizeof *f->allowed);
    if (!ids_begin(b, &values, n, f->allowed))
        return;
    while ((a = next_child(c, "allowed", "value", &at)) != NULL) {
        f->allowed[f->n_allowed] = dup(b, attr(a, "value"));
        ids_push(&values, f->allowed[f->n_allowed++], attr_pos(a, "value"));
    }
    ids_finish(b, &values, "allowed value", f->id, &f->allowed_index);
}

/* ---- regions (rules/README.md, "Regions") ---------------------------------------------------- */

/* codes="iso-3166-1": a string fact whose values are ISO 3166-1 alpha-2 codes or the file's
 * region groups. */
static void build_region_fact(builder *b, knee__fact *f, const knee__xnode *c)
{
    if (!attr(c, "codes"))
        return;
    if (f->type != KNEE_FACT_STRING || f->n_allowed)
        ERR(b, "region-fact", c->pos, f->id,
            "fact '%s': codes= applies to a string fact without <allowed> values", f->id);
    f->region = 1;
}

/* rs->region_facts: the region facts' indices, for the result's regional rules. */
static void list_region_facts(builder *b)
{
    knee_ruleset *rs = b->rs;
    size_t i, n = 0;
    for (i = 0; i < rs->n_facts; i++)
        n += (size_t)rs->facts[i].region;
    rs->region_facts = alloc_array(b, n, sizeof *rs->region_facts);
    for (i = 0; rs->region_facts && i < rs->n_facts; i++)
        if (rs->facts[i].region)
            rs->region_facts[rs->n_region_facts++] = i;
}

/* <region-groups><group id="eu" label="...">at be bg ...</group></region-groups>: each group a
 * set of assigned codes (any case), its id a condition identifier that is neither a code nor a
 * word of the condition language. */
static void build_region_groups(builder *b, const knee__xnode *sec)
{
    knee__regions *g = &b->rs->regions;
    size_t at = 0, n = count_children(sec, "group");
    const knee__xnode *c;
    id_check ids;
    g->groups = alloc_array(b, n, sizeof *g->groups);
    if (!ids_begin(b, &ids, n, g->groups))
        return;
    while ((c = next_child(sec, "group", "id", &at)) != NULL) {
        knee__region_group *grp = &g->groups[g->n];
        const char *id = attr(c, "id"), *s = c->text, *w;
        size_t len, members = 0;
        if (knee__region_code(id, strlen(id)) || is_reserved(id))
            ERR(b, "region-group", attr_pos(c, "id"), id,
                "region group '%s': an id may not be an ISO 3166-1 code or a word of the "
                "condition language",
                id);
        memset(grp, 0, sizeof *grp);
        grp->id = dup(b, id);
        grp->label = dup(b, attr_or(c, "label", id));
        grp->pos = c->pos;
        {
            knee__idlist src = source_list(b, c, "source", id);
            grp->sources = src.v;
            grp->n_sources = src.n;
        }
        while ((w = next_word(&s, &len)) != NULL) {
            const char *code = knee__region_code(w, len);
            knee__region_set one;
            size_t k;
            if (!code) {
                ERR(b, "region-code", c->pos, id,
                    "region group '%s': '%.*s' is not an assigned ISO 3166-1 alpha-2 code", id,
                    (int)(len > 16 ? 16 : len), w);
                continue;
            }
            knee__region_resolve(NULL, code, 2, &one, NULL);
            for (k = 0; k < KNEE__REGION_WORDS; k++)
                grp->set.w[k] |= one.w[k];
            members++;
        }
        if (!members)
            ERR(b, "region-group", c->pos, id, "region group '%s' names no code", id);
        g->n++;
        ids_push(&ids, grp->id, attr_pos(c, "id"));
    }
    ids_finish(b, &ids, "region group", NULL, NULL);
}

static void build_facts(builder *b, const knee__xnode *sec)
{
    knee_ruleset *rs = b->rs;
    size_t at = 0, n = count_children(sec, "fact");
    const knee__xnode *c;
    id_check ids;
    rs->facts = alloc_array(b, n, sizeof *rs->facts);
    if (!ids_begin(b, &ids, n, rs->facts))
        return;
    while ((c = next_child(sec, "fact", "id", &at)) != NULL) {
        const char *id = attr(c, "id");
        knee__fact *f;
        int numeric;
        if (!fact_type(attr(c, "type")))
            continue;
        if (is_reserved(id))
            ERR(b, "fact-reserved", attr_pos(c, "id"), id,
                "'%s' is a word of the condition language and cannot name a fact", id);
        f = &rs->facts[rs->n_facts++];
        f->id = dup(b, id);
        f->type = fact_type(attr(c, "type"));
        f->label = dup(b, attr_or(c, "label", id));
        f->unit = dup(b, attr(c, "unit"));
        numeric = f->type == KNEE_FACT_NUMBER || f->type == KNEE_FACT_INTEGER;
        f->has_min = num_attr(b, c, "min", &f->min) == 1;
        f->has_max = num_attr(b, c, "max", &f->max) == 1;
        if ((f->has_min || f->has_max) && !numeric)
            ERR(b, "fact-bounds", c->pos, f->id, "min/max only apply to number and integer facts");
        if (f->has_min && f->has_max && f->min > f->max)
            ERR(b, "fact-bounds", attr_pos(c, "min"), f->id, "fact '%s' has min greater than max",
                f->id);
        build_allowed(b, f, c);
        build_region_fact(b, f, c);
        ids_push(&ids, f->id, attr_pos(c, "id"));
    }
    ids_finish(b, &ids, "fact id", NULL, &rs->fact_index);
    list_region_facts(b);
}

/* ---- criteria -------------------------------------------------------------------------------- */

static void build_scale(builder *b, knee__criterion *cr, const knee__xnode *s)
{
    size_t at = 0, n = count_children(s, "point");
    const knee__xnode *p;
    double prev_v, prev_u = 0;
    if (num_attr(b, s, "worst", &cr->worst) != 1 || num_attr(b, s, "best", &cr->best) != 1)
        return;
    if (cr->worst == cr->best) {
        ERR(b, "scale", s->pos, cr->id, "criterion '%s': worst and best are equal", cr->id);
        return;
    }
    if ((cr->direction == KNEE_DIRECTION_MINIMIZE) != (cr->worst > cr->best))
        ERR(b, "scale-direction", s->pos, cr->id,
            "criterion '%s' is to be %s, but its scale runs the other way (worst=%s, best=%s)",
            cr->id, cr->direction == KNEE_DIRECTION_MINIMIZE ? "minimized" : "maximized",
            attr(s, "worst"), attr(s, "best"));
    cr->points = alloc_array(b, n, sizeof *cr->points);
    prev_v = cr->worst;
    while (cr->points && (p = next_child(s, "point", NULL, &at)) != NULL) {
        knee__point pt;
        int inside;
        if (num_attr(b, p, "value", &pt.value) != 1 || num_attr(b, p, "utility", &pt.utility) != 1)
            continue;
        inside = cr->worst < cr->best ? (pt.value > prev_v && pt.value < cr->best)
                                      : (pt.value < prev_v && pt.value > cr->best);
        if (!inside || pt.utility < prev_u)
            ERR(b, "scale-points", p->pos, cr->id,
                "points must run from worst to best, strictly inside the scale, with utilities not "
                "decreasing");
        prev_v = pt.value;
        prev_u = pt.utility;
        cr->points[cr->n_points++] = pt;
    }
}

static void build_levels(builder *b, knee__criterion *cr, const knee__xnode *c)
{
    size_t i, at = 0, n = count_children(c, "level"), given = 0;
    const knee__xnode *l;
    id_check ids;
    cr->levels = alloc_array(b, n, sizeof *cr->levels);
    if (!ids_begin(b, &ids, n, cr->levels))
        return;
    while ((l = next_child(c, "level", "id", &at)) != NULL) {
        const char *id = attr(l, "id");
        knee__level *lv = &cr->levels[cr->n_levels++];
        lv->id = dup(b, id);
        lv->label = dup(b, attr_or(l, "label", id));
        lv->utility = -1;
        if (num_attr(b, l, "utility", &lv->utility) == 1)
            given++;
        ids_push(&ids, lv->id, attr_pos(l, "id"));
    }
    ids_finish(b, &ids, "level", cr->id, &cr->level_index);
    if (given && given != cr->n_levels)
        ERR(b, "level-utility", c->pos, cr->id,
            "criterion '%s': give a utility for every level or for none", cr->id);
    if (!given) { /* evenly spaced in the preferred direction */
        for (i = 0; i < cr->n_levels; i++) {
            double u = cr->n_levels > 1 ? (double)i / (double)(cr->n_levels - 1) : 1.0;
            cr->levels[i].utility = cr->direction == KNEE_DIRECTION_MAXIMIZE ? u : 1.0 - u;
        }
    }
}

/* How the criterion's unknown values are scored: its own missing= or missing-utility=, else the
 * ruleset's missing= (interval when absent). The XSD limits the names. */
static void build_missing(builder *b, knee__criterion *cr, const knee__xnode *c)
{
    const char *policy = attr(c, "missing");
    int m = policy ? knee_missing_from_name(policy) : b->rs->missing;
    char reason[300];
    snprintf(reason, sizeof reason,
             "No sourced value for %s; this rule file does not score an option without one",
             cr->label);
    cr->refuse_reason = dup(b, reason); /* for missing="refuse", here or from the caller */
    if (num_attr(b, c, "missing-utility", &cr->missing_utility) == 1) {
        cr->missing = KNEE__MISSING_UTILITY;
        cr->missing_name = "utility";
        if (policy)
            ERR(b, "missing-policy", attr_pos(c, "missing"), cr->id,
                "criterion '%s': give missing= or missing-utility=, not both", cr->id);
        return;
    }
    if (m < 0)
        m = KNEE_MISSING_INTERVAL; /* the XSD has already reported the name */
    knee__missing_resolve(m, &cr->missing, &cr->missing_utility);
    cr->missing_name = knee_missing_name(m);
}

static void build_preference(builder *b, knee__criterion *cr, const knee__xnode *pn)
{
    static const char *const names[] = {"usual", "u-shape", "v-shape",
                                        "level", "linear",  "gaussian"};
    const char *fn;
    int i, hq, hp, hs;
    cr->pref_type = 0;
    if (!pn || !(fn = attr(pn, "function")))
        return;
    for (i = 0; i < 6; i++)
        if (strcmp(fn, names[i]) == 0)
            cr->pref_type = i;
    hq = num_attr(b, pn, "q", &cr->pref_q) == 1;
    hp = num_attr(b, pn, "p", &cr->pref_p) == 1;
    hs = num_attr(b, pn, "s", &cr->pref_s) == 1;
    /* which thresholds each function needs (Brans & Vincke 1985) */
    if (((cr->pref_type == 1 || cr->pref_type == 3 || cr->pref_type == 4) && !hq) ||
        ((cr->pref_type == 2 || cr->pref_type == 3 || cr->pref_type == 4) && !hp) ||
        (cr->pref_type == 5 && !hs))
        ERR(b, "preference", pn->pos, cr->id, "criterion '%s': the %s preference function needs %s",
            cr->id, fn,
            cr->pref_type == 5   ? "s"
            : cr->pref_type == 1 ? "q"
            : cr->pref_type == 2 ? "p"
                                 : "q and p");
    else if ((hq && cr->pref_q < 0) || (hp && cr->pref_p < 0) || (hs && cr->pref_s <= 0) ||
             (hq && hp && cr->pref_p < cr->pref_q))
        ERR(b, "preference", pn->pos, cr->id,
            "criterion '%s': thresholds must satisfy 0 <= q <= p and s > 0", cr->id);
}

static void build_criteria(builder *b, const knee__xnode *sec)
{
    knee_ruleset *rs = b->rs;
    size_t at = 0, n = count_children(sec, "criterion");
    double total = 0;
    const knee__xnode *c;
    id_check ids;
    rs->criteria = alloc_array(b, n, sizeof *rs->criteria);
    if (!ids_begin(b, &ids, n, rs->criteria))
        return;
    while ((c = next_child(sec, "criterion", "id", &at)) != NULL) {
        knee__criterion *cr = &rs->criteria[rs->n_criteria++];
        const knee__xnode *scale;
        const char *dir;
        cr->id = dup(b, attr(c, "id"));
        cr->label = dup(b, attr_or(c, "label", attr(c, "id")));
        cr->unit = dup(b, attr(c, "unit"));
        description(b, c, cr->id, &cr->description, &cr->description_patient);
        dir = attr(c, "direction");
        cr->direction =
            dir && strcmp(dir, "maximize") == 0 ? KNEE_DIRECTION_MAXIMIZE : KNEE_DIRECTION_MINIMIZE;
        if (num_attr(b, c, "weight", &cr->weight) == 1 && cr->weight < 0)
            ERR(b, "weight", attr_pos(c, "weight"), cr->id, "weight must not be negative");
        total += cr->weight > 0 ? cr->weight : 0;
        build_missing(b, cr, c);
        build_preference(b, cr, child(c, "preference"));
        scale = child(c, "scale");
        if (scale)
            build_scale(b, cr, scale);
        else
            build_levels(b, cr, c);
        ids_push(&ids, cr->id, attr_pos(c, "id"));
    }
    ids_finish(b, &ids, "criterion id", NULL, &rs->criterion_index);
    if (rs->n_criteria && !(total > 0))
        ERR(b, "weights-zero", sec->pos, NULL, "the default weights of all criteria are zero");
}

/* ---- options' values ---------------------------------------------------------------------- */

/* An unknown value's plausible bounds, into v: low= and high= in the criterion's unit, or
 * low-level= and high-level= on an ordinal scale. A side not given is the scale's end; bounds
 * lie on the scale, low before high. Without either, v spans the whole scale. */
static void build_bounds(builder *b, knee__value *v, const knee__criterion *cr,
                         const knee__xnode *n, const char *el)
{
    const char *llo = attr(n, "low-level"), *lhi = attr(n, "high-level");
    double lo = 0, hi = 0, min, max;
    int nlo = num_attr(b, n, "low", &lo), nhi = num_attr(b, n, "high", &hi);
    if (cr->n_levels) {
        if (nlo || nhi)
            ERR(b, "value-kind", n->pos, el,
                "criterion '%s' is ordinal: give an unknown value's bounds as low-level= and "
                "high-level=, not numbers",
                cr->id);
        if (!llo && !lhi)
            return;
        v->level = llo ? knee__find_level(cr, llo) : 0;
        v->level_high = lhi ? knee__find_level(cr, lhi) : cr->n_levels - 1;
        if (v->level == KNEE__NONE || v->level_high == KNEE__NONE) {
            unknown_level(b, attr_pos(n, v->level == KNEE__NONE ? "low-level" : "high-level"), el,
                          cr, v->level == KNEE__NONE ? llo : lhi);
            v->level = KNEE__NONE;
            return;
        }
        if (v->level > v->level_high) {
            ERR(b, "value-bounds", n->pos, el,
                "criterion '%s': low-level '%s' comes after high-level '%s' on the scale", cr->id,
                llo, lhi);
            v->level = KNEE__NONE;
            return;
        }
        v->bounded = 1;
        return;
    }
    if (llo || lhi)
        ERR(b, "value-kind", n->pos, el,
            "criterion '%s' is numeric: give an unknown value's bounds as low= and high=", cr->id);
    if (nlo < 0 || nhi < 0 || (!nlo && !nhi))
        return;
    min = cr->worst < cr->best ? cr->worst : cr->best;
    max = cr->worst < cr->best ? cr->best : cr->worst;
    v->low = nlo ? lo : min;
    v->high = nhi ? hi : max;
    if (!(min <= v->low && v->low <= v->high && v->high <= max)) {
        ERR(b, "value-bounds", n->pos, el,
            "criterion '%s': the bounds of an unknown value must lie on the scale, low before "
            "high (%s to %s)",
            cr->id, attr_or(n, "low", "the scale's end"), attr_or(n, "high", "the scale's end"));
        return;
    }
    v->bounded = 1;
}

/* A level or low/typical/high on node n for criterion cr, into v, or unknown="true" with
 * optional bounds. For <value> and <set>. */
static void build_value(builder *b, knee__value *v, const knee__criterion *cr, const knee__xnode *n,
                        const char *el)
{
    const char *level = attr(n, "level");
    int has_num;
    double lo = 0, ty = 0, hi = 0;
    int nlo, nty, nhi;
    v->level = KNEE__NONE;
    v->known = 0;
    if (bool_attr(n, "unknown") == 1) {
        if (level || knee__xml_attr(n, "typical"))
            ERR(b, "value-kind", n->pos, el,
                "an unknown value cannot also give a level or typical=; give its plausible "
                "bounds as low= and high= (or low-level= and high-level=)");
        else
            build_bounds(b, v, cr, n, el);
        return;
    }
    if (knee__xml_attr(n, "low-level") || knee__xml_attr(n, "high-level"))
        ERR(b, "value-kind", n->pos, el,
            "low-level= and high-level= are the bounds of an unknown value (unknown=\"true\")");
    nlo = num_attr(b, n, "low", &lo);
    nty = num_attr(b, n, "typical", &ty);
    nhi = num_attr(b, n, "high", &hi);
    has_num = nlo != 0 || nty != 0 || nhi != 0;
    if (cr->n_levels) {
        if (has_num)
            ERR(b, "value-kind", n->pos, el, "criterion '%s' is ordinal: give level=, not numbers",
                cr->id);
        if (!level) {
            ERR(b, "value-kind", n->pos, el, "criterion '%s' needs level= (or unknown=\"true\")",
                cr->id);
            return;
        }
        v->level = knee__find_level(cr, level);
        if (v->level == KNEE__NONE) {
            unknown_level(b, attr_pos(n, "level"), el, cr, level);
            return;
        }
        v->known = 1;
        return;
    }
    if (level)
        ERR(b, "value-kind", attr_pos(n, "level"), el,
            "criterion '%s' is numeric: give typical=, not level=", cr->id);
    if (nty != 1) {
        if (nty == 0)
            ERR(b, "value-kind", n->pos, el, "criterion '%s' needs typical= (or unknown=\"true\")",
                cr->id);
        return;
    }
    if (nlo < 0 || nhi < 0)
        return;
    v->typical = ty;
    v->low = nlo == 1 ? lo : ty;
    v->high = nhi == 1 ? hi : ty;
    if (!(v->low <= v->typical && v->typical <= v->high)) {
        ERR(b, "value-order", n->pos, el, "low <= typical <= high does not hold (%s, %s, %s)",
            attr_or(n, "low", attr(n, "typical")), attr(n, "typical"),
            attr_or(n, "high", attr(n, "typical")));
        return;
    }
    v->known = 1;
}

/* A value's <rate per value text source> (rules/README.md, "Rates"): a natural frequency, value
 * in per (10, 100 or 1000), from one source. Its text is a patient's, so the lint grades it. */
static void build_rate(builder *b, knee__value *v, const knee__xnode *vn, const char *el)
{
    const knee__xnode *n = child(vn, "rate");
    const char *per = n ? attr(n, "per") : NULL, *value = n ? attr(n, "value") : NULL;
    const char *text = n ? attr(n, "text") : NULL, *source = n ? attr(n, "source") : NULL;
    knee__rate *rate;
    size_t k;
    long long count;
    int pn;
    if (!n || !per || !value || !text || !source) /* a missing attribute: the schema said so */
        return;
    pn = !strcmp(per, "10") ? 10 : !strcmp(per, "100") ? 100 : !strcmp(per, "1000") ? 1000 : 0;
    if (!pn)
        ERR(b, "rate-per", attr_pos(n, "per"), el,
            "per='%.40s': a rate is given in 10, 100 or 1000 (\"about 8 in 100 people\")", per);
    if (knee__parse_int(value, strlen(value), 0, LLONG_MAX, &count) != 0) {
        ERR(b, "bad-number", attr_pos(n, "value"), el,
            "value '%.40s' is not a whole number of 0 or more (round it: \"about 8 in 100\")",
            value);
        return;
    }
    if (pn && count > pn)
        ERR(b, "rate-value", attr_pos(n, "value"), el,
            "value %lld is more than per=\"%d\": a rate counts people out of per", count, pn);
    if ((k = knee__find_source(b->rs, source, strlen(source))) == KNEE__NONE) {
        ERR(b, "unknown-source", attr_pos(n, "source"), el, "unknown source '%s'", source);
        return;
    }
    if (!pn || count > pn)
        return;
    if ((rate = knee__arena_alloc(&b->rs->arena, sizeof *rate)) == NULL) {
        b->oom = 1;
        return;
    }
    rate->per = pn;
    rate->count = (int)count;
    rate->text = dup(b, text);
    rate->source = b->rs->sources[k].id;
    v->rate = rate;
    add_patient_text(b, rate->text, el, n->pos);
}

static void build_values(builder *b, knee__option *t, const knee__xnode *tn)
{
    knee_ruleset *rs = b->rs;
    size_t i, at = 0;
    const knee__xnode *vn;
    char *seen = knee__calloc(rs->n_criteria ? rs->n_criteria : 1, 1);
    t->values = alloc_array(b, rs->n_criteria, sizeof *t->values);
    if (!seen || (rs->n_criteria && !t->values)) {
        b->oom = 1;
        knee__dealloc(seen);
        return;
    }
    while ((vn = next_child(tn, "value", "criterion", &at)) != NULL) {
        const char *cid = attr(vn, "criterion");
        knee__value *v;
        size_t j = knee__find_criterion(rs, cid);
        if (j == KNEE__NONE) {
            ERR(b, "unknown-criterion", attr_pos(vn, "criterion"), t->id, "unknown criterion '%s'",
                cid);
            continue;
        }
        if (seen[j]++) {
            ERR(b, "duplicate-value", vn->pos, t->id, "treatment '%s' gives criterion '%s' twice",
                t->id, cid);
            continue;
        }
        v = &t->values[j];
        build_value(b, v, &rs->criteria[j], vn, t->id);
        v->sources = source_list(b, vn, "source", t->id);
        read_texts(b, vn, "note", t->id, &v->note, &v->note_patient);
        build_rate(b, v, vn, t->id);
        v->pos = vn->pos;
        v->year = year_attr(b, vn);
        if (v->known && v->sources.n == 0 && !knee__xml_attr(vn, "source"))
            WARN(b, "value-without-source", vn->pos, t->id,
                 "treatment '%s', criterion '%s': a value without a source", t->id, cid);
        if (v->bounded && !knee__xml_attr(vn, "source"))
            ERR(b, "bounds-without-source", vn->pos, t->id,
                "treatment '%s', criterion '%s': the bounds of an unknown value need a source",
                t->id, cid);
    }
    for (i = 0; i < rs->n_criteria; i++)
        if (!seen[i]) {
            ERR(b, "missing-value", tn->pos, t->id,
                "treatment '%s' gives no value for criterion '%s' (use unknown=\"true\" if none is "
                "sourced)",
                t->id, rs->criteria[i].id);
            t->values[i].level = KNEE__NONE;
        }
    knee__dealloc(seen);
}

/* ---- rules ---------------------------------------------------------------------------------- */

static int lookup_fact(void *ctx, const char *name, size_t len, int *type)
{
    const knee_ruleset *rs = ctx;
    size_t i = knee__find_fact_n(rs, name, len);
    if (i == KNEE__NONE)
        return -1;
    *type = rs->facts[i].region ? KNEE__FACT_REGION : rs->facts[i].type;
    return (int)i;
}

static void compile_condition(builder *b, knee__rule *r, const knee__xnode *rn)
{
    const knee__xattr *a = knee__xml_attr(rn, "when");
    knee__expr_limits lim;
    knee__expr_error e;
    size_t shared;
    int rc;
    if (!a)
        return;
    if ((shared = knee__conds_find(&b->conds, a->value)) != KNEE__NONE) {
        r->cond = b->rs->conds[shared];
        r->cond_index = shared;
        return;
    }
    lim.max_bytes = (size_t)knee__limit(b->opts, KNEE_LIMIT_EXPR_BYTES);
    lim.max_depth = (size_t)knee__limit(b->opts, KNEE_LIMIT_EXPR_DEPTH);
    memset(&e, 0, sizeof e);
    rc = knee__expr_compile_regions(&r->cond, a->value, strlen(a->value), lookup_fact, b->rs,
                                    &b->rs->regions, &lim, &e);
    if (rc == KNEE_ENOMEM) {
        b->oom = 1;
    } else if (rc != KNEE_OK) {
        report(b, KNEE_SEVERITY_ERROR, rc == KNEE_ELIMIT ? KNEE_ELIMIT : KNEE_EINVALID,
               e.code ? e.code : "expr-syntax", knee__xml_value_pos(a, e.offset), r->id,
               "rule '%s': %s", r->id, e.message);
    } else {
        r->cond_index = knee__conds_add(&b->conds, b->rs, a->value, r->cond);
    }
}

static int action_kind(const char *name)
{
    if (strcmp(name, "exclude") == 0)
        return KNEE__ACT_EXCLUDE;
    if (strcmp(name, "caution") == 0)
        return KNEE__ACT_CAUTION;
    if (strcmp(name, "set") == 0)
        return KNEE__ACT_SET;
    if (strcmp(name, "adjust") == 0)
        return KNEE__ACT_ADJUST;
    return -1;
}

static void build_action(builder *b, knee__rule *r, knee__action *act, const knee__xnode *an,
                         knee__idlist rule_sources, int has_rule_source)
{
    knee_ruleset *rs = b->rs;
    const char *opt = attr(an, "option");
    const char *cid = attr(an, "criterion");
    act->kind = action_kind(an->name);
    act->criterion = KNEE__NONE;
    act->pos = an->pos;
    if (r->owner != KNEE__NONE) {
        if (opt)
            ERR(b, "action-option", attr_pos(an, "option"), r->id,
                "rule '%s' is inside a treatment: its actions may not name an option", r->id);
        act->option = r->owner;
    } else if (!opt) {
        ERR(b, "action-option", an->pos, r->id,
            "rule '%s' is a top-level rule: each action must name the option it acts on", r->id);
        act->option = KNEE__NONE;
    } else {
        act->option = knee__find_option(rs, opt);
        if (act->option == KNEE__NONE)
            ERR(b, "unknown-option", attr_pos(an, "option"), r->id, "unknown option '%s'", opt);
    }
    if (knee__xml_attr(an, "source")) {
        act->sources = source_list(b, an, "source", r->id);
    } else {
        act->sources = rule_sources;
        if (!has_rule_source)
            ERR(b, "action-without-source", an->pos, r->id,
                "rule '%s': <%s> has no source (give source= on the action or the rule)", r->id,
                an->name);
    }

    switch (act->kind) {
    case KNEE__ACT_EXCLUDE:
    case KNEE__ACT_CAUTION:
        read_texts(b, an, act->kind == KNEE__ACT_EXCLUDE ? "reason" : "text", r->id, &act->text,
                   &act->patient_text);
        if (!act->text)
            ERR(b, "text-missing", an->pos, r->id,
                "rule '%s': <%s> needs %s= or a <patient> or <clinician> text", r->id, an->name,
                act->kind == KNEE__ACT_EXCLUDE ? "reason" : "text");
        break;
    case KNEE__ACT_SET:
    case KNEE__ACT_ADJUST:
        if (!cid)
            break;
        act->criterion = knee__find_criterion(rs, cid);
        if (act->criterion == KNEE__NONE) {
            ERR(b, "unknown-criterion", attr_pos(an, "criterion"), r->id, "unknown criterion '%s'",
                cid);
            break;
        }
        if (act->kind == KNEE__ACT_SET) {
            build_value(b, &act->value, &rs->criteria[act->criterion], an, r->id);
            act->value.sources = act->sources;
        } else if (rs->criteria[act->criterion].n_levels) {
            ERR(b, "adjust-ordinal", an->pos, r->id,
                "rule '%s': cannot adjust ordinal criterion '%s' (use <set level=...>)", r->id,
                cid);
        } else {
            num_attr(b, an, "by", &act->by);
        }
        break;
    default:
        break;
    }
}

static void build_rule(builder *b, knee__rule *r, const knee__xnode *rn, size_t owner)
{
    size_t i, n = 0;
    knee__idlist rule_sources;
    r->id = dup(b, attr(rn, "id"));
    r->when = dup(b, attr(rn, "when"));
    r->note = dup(b, attr(rn, "note"));
    r->overrides = dup(b, attr(rn, "overrides"));
    r->owner = owner;
    r->pos = rn->pos;
    r->cond_index = KNEE__NONE;
    rule_sources = source_list(b, rn, "source", r->id);
    r->sources = rule_sources;
    compile_condition(b, r, rn);
    for (i = 0; i < rn->n_children; i++)
        if (action_kind(rn->children[i].name) >= 0)
            n++;
    r->actions = alloc_array(b, n, sizeof *r->actions);
    for (i = 0; r->actions && i < rn->n_children; i++) {
        if (action_kind(rn->children[i].name) < 0)
            continue;
        build_action(b, r, &r->actions[r->n_actions++], &rn->children[i], rule_sources,
                     knee__xml_attr(rn, "source") != NULL);
    }
}

/* Every <rule> of the file in document order: those of each <treatment> and <rules> section, with
 * attribute `need` unless it is NULL. */
typedef struct rule_walk {
    const knee__xnode *root;
    const char *need;
    size_t section, at;
} rule_walk;

static const knee__xnode *next_rule(rule_walk *w)
{
    for (; w->section < w->root->n_children; w->section++, w->at = 0) {
        const knee__xnode *s = &w->root->children[w->section], *r;
        if ((strcmp(s->name, "treatment") == 0 || strcmp(s->name, "rules") == 0) &&
            (r = next_child(s, "rule", w->need, &w->at)) != NULL)
            return r;
    }
    return NULL;
}

/* Count all rules, so the rule array is allocated once and the rule limit checked up front. */
static size_t count_rules(const knee__xnode *root)
{
    rule_walk w = {root, "id", 0, 0};
    size_t n = 0;
    while (next_rule(&w))
        n++;
    return n;
}

static void build_options(builder *b, const knee__xnode *root)
{
    knee_ruleset *rs = b->rs;
    size_t at = 0, n = count_children(root, "treatment");
    const knee__xnode *tn;
    id_check ids;
    rs->options = alloc_array(b, n, sizeof *rs->options);
    if (!ids_begin(b, &ids, n, rs->options))
        return;
    while (!b->oom && (tn = next_child(root, "treatment", "id", &at)) != NULL) {
        knee__option *t = &rs->options[rs->n_options];
        const knee__xnode *rn;
        size_t r_at = 0;
        t->id = dup(b, attr(tn, "id"));
        t->name = dup(b, attr_or(tn, "name", attr(tn, "id")));
        t->group = dup(b, attr(tn, "group"));
        description(b, tn, t->id, &t->description, &t->description_patient);
        t->pos = tn->pos;
        ids_push(&ids, t->id, attr_pos(tn, "id"));
        build_values(b, t, tn);
        while ((rn = next_child(tn, "rule", "id", &r_at)) != NULL)
            build_rule(b, &rs->rules[rs->n_rules++], rn, rs->n_options); /* owned by t */
        rs->n_options++;
    }
    ids_finish(b, &ids, "treatment id", NULL, &rs->option_index);
}

static void build_top_rules(builder *b, const knee__xnode *sec)
{
    size_t at = 0;
    const knee__xnode *rn;
    while ((rn = next_child(sec, "rule", "id", &at)) != NULL)
        build_rule(b, &b->rs->rules[b->rs->n_rules++], rn, KNEE__NONE);
}

/* Rule ids are unique, and every id in an overrides= names a rule. */
static void check_rule_ids(builder *b, const knee__xnode *root)
{
    knee_ruleset *rs = b->rs;
    rule_walk with_id = {root, "id", 0, 0}, every = {root, NULL, 0, 0};
    const knee__xnode *rn;
    id_check ids;
    if (!ids_begin(b, &ids, rs->n_rules, rs->rules))
        return;
    while (ids.n < rs->n_rules && (rn = next_rule(&with_id)) != NULL) /* document order */
        ids_push(&ids, rs->rules[ids.n].id, attr_pos(rn, "id"));
    ids_finish(b, &ids, "rule id", NULL, &rs->rule_index);
    while ((rn = next_rule(&every)) != NULL)
        check_id_list(b, knee__xml_attr(rn, "overrides"), attr(rn, "id"), knee__find_rule,
                      "unknown-rule", "rule");
}

/* ---- conflicts ------------------------------------------------------------------------------- */

static void build_conflicts(builder *b, const knee__xnode *sec)
{
    knee_ruleset *rs = b->rs;
    size_t at = 0;
    const knee__xnode *c;
    rs->conflicts = alloc_array(b, count_children(sec, "conflict"), sizeof *rs->conflicts);
    while (rs->conflicts && (c = next_child(sec, "conflict", NULL, &at)) != NULL) {
        knee__conflict *k = &rs->conflicts[rs->n_conflicts++];
        k->id = dup(b, attr(c, "id"));
        k->topic = dup(b, attr(c, "topic"));
        k->stance = dup(b, attr(c, "stance"));
        k->text = dup(b, c->text);
        k->sources = source_list(b, c, "source", attr(c, "id"));
        check_id_list(b, knee__xml_attr(c, "options"), attr(c, "id"), knee__find_option,
                      "unknown-option", "option");
    }
}

/* ---- test cases ----------------------------------------------------------------------------- */

static const char *rule_ref(builder *b, const knee__xnode *e, const char *name, const char *el)
{
    const char *v = attr(e, name);
    if (v && knee__find_rule(b->rs, v) == KNEE__NONE)
        ERR(b, "unknown-rule", attr_pos(e, name), el, "unknown rule '%s'", v);
    return dup(b, v);
}

static void build_case_fact(builder *b, knee__case *cs, const knee__xnode *e)
{
    knee__case_fact *f = &cs->facts[cs->n_facts++];
    if (knee__find_fact(b->rs, attr(e, "id")) == KNEE__NONE)
        ERR(b, "unknown-fact", attr_pos(e, "id"), cs->id, "unknown fact '%s'", attr(e, "id"));
    f->id = dup(b, attr(e, "id"));
    f->text = dup(b, e->text);
}

static void build_case_weight(builder *b, knee__case *cs, const knee__xnode *e)
{
    knee__case_weight *w = &cs->weights[cs->n_weights++];
    if (knee__find_criterion(b->rs, attr(e, "criterion")) == KNEE__NONE)
        ERR(b, "unknown-criterion", attr_pos(e, "criterion"), cs->id, "unknown criterion '%s'",
            attr(e, "criterion"));
    w->criterion = dup(b, attr(e, "criterion"));
    if (knee__parse_double(e->text, strlen(e->text), &w->weight) != 0)
        ERR(b, "bad-number", e->pos, cs->id, "weight '%s' is not a number", e->text);
}

static void build_expect(builder *b, knee__case *cs, const knee__xnode *e)
{
    knee_ruleset *rs = b->rs;
    knee__expect *x = &cs->expects[cs->n_expects];
    const char *opt = attr(e, "option"), *cid = attr(e, "criterion"), *lvl = attr(e, "level");
    if (!opt)
        return;
    x->option = knee__find_option(rs, opt);
    if (x->option == KNEE__NONE) {
        ERR(b, "unknown-option", attr_pos(e, "option"), cs->id, "unknown option '%s'", opt);
        return;
    }
    x->rank = int_attr(b, e, "rank", 1, INT_MAX);
    x->rank_at_most = int_attr(b, e, "rank-at-most", 1, INT_MAX);
    x->rank_range_best = int_attr(b, e, "rank-range-best", 1, INT_MAX);
    x->rank_range_worst = int_attr(b, e, "rank-range-worst", 1, INT_MAX);
    x->above = KNEE__NONE;
    if (attr(e, "above")) {
        x->above = knee__find_option(rs, attr(e, "above"));
        if (x->above == KNEE__NONE)
            ERR(b, "unknown-option", attr_pos(e, "above"), cs->id, "unknown option '%s'",
                attr(e, "above"));
    }
    x->excluded = bool_attr(e, "excluded");
    x->fired = rule_ref(b, e, "fired", cs->id);
    x->not_fired = rule_ref(b, e, "not-fired", cs->id);
    x->caution = rule_ref(b, e, "caution", cs->id);
    x->criterion = KNEE__NONE;
    x->has_value = num_attr(b, e, "value", &x->value) == 1;
    if (cid) {
        x->criterion = knee__find_criterion(rs, cid);
        if (x->criterion == KNEE__NONE) {
            ERR(b, "unknown-criterion", attr_pos(e, "criterion"), cs->id, "unknown criterion '%s'",
                cid);
            return;
        }
        if (lvl && knee__find_level(&rs->criteria[x->criterion], lvl) == KNEE__NONE)
            unknown_level(b, attr_pos(e, "level"), cs->id, &rs->criteria[x->criterion], lvl);
        x->level = dup(b, lvl);
    } else if (lvl || x->has_value) {
        ERR(b, "expect-criterion", e->pos, cs->id, "level= or value= needs criterion=");
    }
    cs->n_expects++;
}

static void build_tests(builder *b, const knee__xnode *sec)
{
    knee_ruleset *rs = b->rs;
    size_t j, at = 0, n = count_children(sec, "case");
    const knee__xnode *c;
    id_check ids;
    rs->cases = alloc_array(b, n, sizeof *rs->cases);
    if (!ids_begin(b, &ids, n, rs->cases))
        return;
    while (!b->oom && (c = next_child(sec, "case", "id", &at)) != NULL) {
        knee__case *cs = &rs->cases[rs->n_cases++];
        cs->id = dup(b, attr(c, "id"));
        cs->description = dup(b, attr(c, "description"));
        cs->facts = alloc_array(b, count_children(c, "fact"), sizeof *cs->facts);
        cs->weights = alloc_array(b, count_children(c, "weight"), sizeof *cs->weights);
        cs->expects = alloc_array(b, count_children(c, "expect"), sizeof *cs->expects);
        for (j = 0; j < c->n_children && !b->oom; j++) {
            const knee__xnode *e = &c->children[j];
            if (strcmp(e->name, "fact") == 0 && attr(e, "id"))
                build_case_fact(b, cs, e);
            else if (strcmp(e->name, "weight") == 0 && attr(e, "criterion"))
                build_case_weight(b, cs, e);
            else if (strcmp(e->name, "expect") == 0)
                build_expect(b, cs, e);
        }
        ids_push(&ids, cs->id, attr_pos(c, "id"));
    }
    ids_finish(b, &ids, "test case id", NULL, NULL);
}

/* Each option's place by name, then id (ids are unique): the order tied options are listed
 * in, so that it never depends on the file's order. A merge sort through the arena. */
static int name_before(const knee__option *a, const knee__option *b)
{
    int c = strcmp(a->name, b->name);
    return c < 0 || (c == 0 && strcmp(a->id, b->id) < 0);
}

static void place_by_name(builder *b)
{
    knee_ruleset *rs = b->rs;
    size_t n = rs->n_options, i, width;
    size_t *v = alloc_array(b, n, sizeof *v), *tmp = alloc_array(b, n, sizeof *tmp);
    if (!v || !tmp)
        return;
    for (i = 0; i < n; i++)
        v[i] = i;
    for (width = 1; width < n; width *= 2) {
        for (i = 0; i < n; i += 2 * width) {
            size_t mid = i + width < n ? i + width : n, hi = i + 2 * width < n ? i + 2 * width : n;
            size_t x = i, y = mid, k = i;
            while (x < mid || y < hi)
                tmp[k++] =
                    y >= hi || (x < mid && !name_before(&rs->options[v[y]], &rs->options[v[x]]))
                        ? v[x++]
                        : v[y++];
        }
        memcpy(v, tmp, n * sizeof *v);
    }
    rs->listed = tmp; /* the scratch array, reused */
    for (i = 0; i < n; i++)
        rs->listed[v[i]] = i;
}

/* Every declared value's utility and counted flag, once: the ruleset never changes, and a
 * comparison then reads them for every value no rule changed (cells.c). Only for a valid file. */
static void score_declared_values(builder *b)
{
    knee_ruleset *rs = b->rs;
    size_t t, j, nc = rs->n_criteria;
    for (j = 0; j < nc; j++)
        rs->has_refuse |= rs->criteria[j].missing == KNEE__MISSING_REFUSE;
    for (t = 0; t < rs->n_options && !b->oom; t++) {
        knee__option *tr = &rs->options[t];
        double *u_low, *u_high;
        tr->all_counted = tr->all_known = 1;
        for (j = 0; j < nc; j++)
            tr->all_known &= tr->values[j].known;
        tr->utility = alloc_array(b, nc, sizeof *tr->utility);
        tr->counted = alloc_array(b, nc, sizeof *tr->counted);
        /* every value known: each range is its utility, so the arrays are the same one */
        u_low = tr->all_known ? tr->utility : alloc_array(b, nc, sizeof *u_low);
        u_high = tr->all_known ? tr->utility : alloc_array(b, nc, sizeof *u_high);
        for (j = 0; tr->utility && u_low && u_high && tr->counted && j < nc; j++) {
            const knee__criterion *c = &rs->criteria[j];
            double lo, hi;
            tr->counted[j] = (unsigned char)knee__score_value(
                c, c->missing, c->missing_utility, &tr->values[j], &tr->utility[j], &lo, &hi);
            u_low[j] = lo;
            u_high[j] = hi;
            tr->all_counted &= tr->counted[j];
            tr->ranged |= lo < hi;
        }
        tr->u_low = u_low;
        tr->u_high = u_high;
        tr->span_low = tr->u_low;
        tr->span_high = tr->u_high;
        for (j = 0; tr->u_low && tr->u_high && j < nc; j++) {
            double lo, hi;
            knee__natural_range(&rs->criteria[j], &tr->values[j], &lo, &hi);
            if (lo != tr->u_low[j] || hi != tr->u_high[j])
                break;
        }
        if (j < nc) { /* a policy other than interval: the spans need arrays of their own */
            double *lo = alloc_array(b, nc, sizeof *lo), *hi = alloc_array(b, nc, sizeof *hi);
            for (j = 0; lo && hi && j < nc; j++)
                knee__natural_range(&rs->criteria[j], &tr->values[j], &lo[j], &hi[j]);
            tr->span_low = lo;
            tr->span_high = hi;
        }
    }
}

/* ---- entry point ----------------------------------------------------------------------------- */

static void free_partial(knee_ruleset *rs)
{
    size_t i;
    if (!rs)
        return;
    for (i = 0; i < rs->n_conds; i++) /* rules borrow these: each distinct condition once */
        knee__expr_free(rs->conds[i]);
    knee__arena_release(&rs->arena);
    knee__dealloc(rs);
}

static const char *method_name_at(const void *ctx, size_t i)
{
    (void)ctx;
    return knee_method_name((int)i + 1);
}

/* The file's default method (weighted sum when absent). The method table decides which names
 * exist, not the XSD, so that a new method needs no schema change; a name it does not know is
 * `unknown-method` with the nearest names and the list. */
static int default_method(builder *b, const knee__xnode *root)
{
    const char *name = attr(root, "method");
    char hint[200], names[400];
    size_t n = 0;
    int m;
    if (!name)
        return KNEE_METHOD_WEIGHTED_SUM;
    m = knee_method_from_name(name);
    if (m > 0)
        return m;
    while (knee_method_name((int)n + 1))
        n++;
    knee__list_ids(n, method_name_at, NULL, names, sizeof names);
    if (knee__suggest(name, n, method_name_at, NULL, hint, sizeof hint) > 0)
        ERR(b, "unknown-method", attr_pos(root, "method"), NULL,
            "unknown method '%s': did you mean %s? (the methods: %s)", name, hint, names);
    else
        ERR(b, "unknown-method", attr_pos(root, "method"), NULL,
            "unknown method '%s' (the methods: %s)", name, names);
    return KNEE_METHOD_WEIGHTED_SUM;
}

/* The <ruleset> element's attributes and description, and the limits the options set. */
static void read_header(builder *b, const knee__xnode *root)
{
    knee_ruleset *rs = b->rs;
    rs->id = dup(b, attr_or(root, "id", ""));
    rs->version = dup(b, attr_or(root, "version", ""));
    rs->status = dup(b, attr_or(root, "status", ""));
    rs->title = dup(b, attr_or(root, "title", ""));
    rs->evidence_as_of = dup(b, attr_or(root, "evidence-as-of", ""));
    rs->publisher = dup(b, attr(root, "publisher"));
    b->ptext_tail = &rs->patient_texts;
    description(b, root, rs->id, &rs->description, &rs->description_patient);
    rs->method = default_method(b, root);
    rs->missing = KNEE_MISSING_INTERVAL; /* unknown values are ranges unless the file says */
    if (attr(root, "missing") && knee_missing_from_name(attr(root, "missing")) > 0)
        rs->missing = knee_missing_from_name(attr(root, "missing"));
    rs->max_string_bytes = (size_t)knee__limit(b->opts, KNEE_LIMIT_STRING_BYTES);
    rs->regex_match_limit = (uint32_t)knee__limit(b->opts, KNEE_LIMIT_REGEX_MATCH);
    rs->regex_depth_limit = (uint32_t)knee__limit(b->opts, KNEE_LIMIT_REGEX_DEPTH);
    rs->regex_heap_kib = (uint32_t)knee__limit(b->opts, KNEE_LIMIT_REGEX_HEAP_KIB);
    rs->regex_budget = (uint32_t)knee__limit(b->opts, KNEE_LIMIT_REGEX_BUDGET);
}

/* The sections of the rule file, in the order each needs the ones before. */
static void build_sections(builder *b, const knee__xnode *root)
{
    knee_ruleset *rs = b->rs;
    const knee__xnode *sec;
    if ((sec = child(root, "sources")) != NULL)
        build_sources(b, sec);
    if ((sec = child(root, "facts")) != NULL)
        build_facts(b, sec);
    if ((sec = child(root, "region-groups")) != NULL)
        build_region_groups(b, sec);
    if ((sec = child(root, "criteria")) != NULL)
        build_criteria(b, sec);
    if (!b->oom)
        build_options(b, root);
    if (!b->oom && (sec = child(root, "rules")) != NULL)
        build_top_rules(b, sec);
    if (!b->oom) {
        check_rule_ids(b, root);
        if (knee__ruleset_link_steps(rs) != KNEE_OK)
            b->oom = 1;
    }
    if (!b->oom && (sec = child(root, "conflicts")) != NULL)
        build_conflicts(b, sec);
    if (!b->oom && (sec = child(root, "fhir")) != NULL) {
        int frc = knee__fhir_rules_build(rs, sec, b->file, b->diag);
        if (frc == KNEE_ENOMEM)
            b->oom = 1;
        else if (frc != KNEE_OK && b->status == KNEE_OK)
            b->status = frc;
    }
    if (!b->oom && (sec = child(root, "tests")) != NULL)
        build_tests(b, sec);
}

int knee__ruleset_build(knee_ruleset **out, const knee__xdoc *doc, const knee_options *opts,
                        knee_diag *diag)
{
    const knee__xnode *root = doc->root;
    builder b;
    knee_ruleset *rs;
    size_t n_rules;

    *out = NULL;
    rs = knee__calloc(1, sizeof *rs);
    if (!rs)
        return KNEE_ENOMEM;
    knee__arena_init(&rs->arena);
    memset(&b, 0, sizeof b);
    b.rs = rs;
    b.diag = diag;
    b.file = doc->file;
    b.opts = opts;
    b.status = KNEE_OK;

    if (strcmp(root->name, "ruleset") != 0) {
        ERR(&b, "schema-element", root->pos, NULL, "the root element must be <ruleset>");
        goto out;
    }
    read_header(&b, root);

    n_rules = count_rules(root);
    if (n_rules > (size_t)knee__limit(opts, KNEE_LIMIT_RULES)) {
        report(&b, KNEE_SEVERITY_ERROR, KNEE_ELIMIT, "limit-rules", root->pos, NULL,
               "%zu rules, over the rule limit (KNEE_LIMIT_RULES) of %lld", n_rules,
               (long long)knee__limit(opts, KNEE_LIMIT_RULES));
        goto out;
    }
    rs->rules = alloc_array(&b, n_rules, sizeof *rs->rules);
    if (knee__conds_begin(&b.conds, rs, n_rules) != KNEE_OK)
        b.oom = 1;

    build_sections(&b, root);
    if (rs->n_options == 0 && b.status == KNEE_OK)
        ERR(&b, "empty", root->pos, NULL, "the rule file declares no treatments");
    if (!b.oom && b.status == KNEE_OK) {
        score_declared_values(&b);
        place_by_name(&b);
    }
out:
    knee__conds_end(&b.conds);
    if (b.oom) {
        free_partial(rs);
        return KNEE_ENOMEM;
    }
    if (b.status != KNEE_OK) {
        free_partial(rs);
        return b.status;
    }
    *out = rs;
    return KNEE_OK;
}

void knee__ruleset_destroy(knee_ruleset *rs)
{
    free_partial(rs);
}
