/* patient.c - typed patient facts and preference weights, checked against the ruleset's
 * declarations. Every setter validates and allocates first and changes the patient last, so a
 * failed call leaves it exactly as it was. */
#include "patient/patient.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util/alloc.h"
#include "base/diag.h"
#include "base/embedded.h"
#include "base/file_input.h"
#include "rules/model.h"
#include "util/numbers.h"
#include "base/options.h"
#include "util/utf8.h"
#include "base/xml_input.h"
#include "rules/hints.h"

static int fail(knee_patient *p, int status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static int fail(knee_patient *p, int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->errmsg, sizeof p->errmsg, fmt, ap);
    va_end(ap);
    return status;
}

static int ok(knee_patient *p)
{
    p->errmsg[0] = '\0';
    return KNEE_OK;
}

static void clear_value(knee__factval *v)
{
    union {
        const char *c;
        char *m;
    } owned; /* the patient owns str; facts.h shows it const */
    size_t i;
    owned.c = v->str;
    knee__dealloc(owned.m);
    for (i = 0; i < v->n_members; i++)
        knee__dealloc(v->members[i]);
    knee__dealloc(v->members);
    v->str = NULL;
    v->str_len = 0;
    v->members = NULL;
    v->n_members = 0;
    v->known = 0;
}

int knee_patient_new(knee_patient **out, const knee_ruleset *rs)
{
    knee_patient *p;
    size_t i;
    if (!out)
        return KNEE_EINVAL;
    *out = NULL;
    if (!rs)
        return KNEE_EINVAL;
    p = knee__calloc(1, sizeof *p);
    if (!p)
        return KNEE_ENOMEM;
    p->rs = rs;
    p->facts = knee__calloc(rs->n_facts ? rs->n_facts : 1, sizeof *p->facts);
    p->weights = knee__calloc(rs->n_criteria ? rs->n_criteria : 1, sizeof *p->weights);
    p->weight_set = knee__calloc(rs->n_criteria ? rs->n_criteria : 1, 1);
    if (!p->facts || !p->weights || !p->weight_set) {
        knee_patient_free(p);
        return KNEE_ENOMEM;
    }
    for (i = 0; i < rs->n_facts; i++)
        p->facts[i].type = rs->facts[i].type;
    *out = p;
    return KNEE_OK;
}

void knee_patient_clear(knee_patient *p)
{
    size_t i;
    if (!p)
        return;
    for (i = 0; i < p->rs->n_facts; i++)
        clear_value(&p->facts[i]);
    if (p->weight_set) /* NULL when knee_patient_new ran out of memory half-way */
        memset(p->weight_set, 0, p->rs->n_criteria ? p->rs->n_criteria : 1);
    p->errmsg[0] = '\0';
}

void knee_patient_free(knee_patient *p)
{
    if (!p)
        return;
    if (p->facts)
        knee_patient_clear(p);
    knee__dealloc(p->facts);
    knee__dealloc(p->weights);
    knee__dealloc(p->weight_set);
    knee__dealloc(p);
}

const char *knee_patient_errmsg(const knee_patient *p)
{
    return p ? p->errmsg : "no patient";
}

static int say(char *msg, size_t cap, int status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

static int say(char *msg, size_t cap, int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, cap, fmt, ap);
    va_end(ap);
    return status;
}

int knee__fact_decl(const knee_ruleset *rs, const char *id, int want1, int want2, size_t *index,
                    char *msg, size_t cap)
{
    static const char *const type_names[] = {"?", "number", "integer", "boolean", "string", "set"};
    char hint[200], takes[240];
    size_t i;
    int type;
    if (!id)
        return say(msg, cap, KNEE_EINVAL, "no fact name given");
    if ((i = knee__find_fact(rs, id)) == KNEE__NONE) {
        int near = knee__suggest(id, rs->n_facts, knee__fact_id_at, rs, hint, sizeof hint) > 0;
        return say(msg, cap, KNEE_EUNKNOWN,
                   "unknown fact '%.64s' (not declared in rule file '%s')%s%s%s", id, rs->id,
                   near ? ": did you mean " : "", hint, near ? "?" : "");
    }
    type = rs->facts[i].type;
    if (want1 && type != want1 && type != want2) {
        knee__fact_takes(rs, i, takes, sizeof takes);
        return say(msg, cap, KNEE_ETYPE, "fact '%s' is a%s %s, not a%s %s (it takes %s)", id,
                   type == KNEE_FACT_INTEGER ? "n" : "", type_names[type],
                   want1 == KNEE_FACT_INTEGER ? "n" : "", type_names[want1], takes);
    }
    *index = i;
    return KNEE_OK;
}

int knee__criterion_decl(const knee_ruleset *rs, const char *id, size_t *index, char *msg,
                         size_t cap)
{
    char hint[200];
    int near;
    if (!id)
        return say(msg, cap, KNEE_EINVAL, "no criterion given");
    if ((*index = knee__find_criterion(rs, id)) != KNEE__NONE)
        return KNEE_OK;
    near = knee__suggest(id, rs->n_criteria, knee__criterion_id_at, rs, hint, sizeof hint) > 0;
    return say(msg, cap, KNEE_EUNKNOWN, "unknown criterion '%.64s'%s%s%s", id,
               near ? ": did you mean " : "", hint, near ? "?" : "");
}

/* The declaration of fact `id` with the wanted type (0: any; a number fact's setter takes an
 * integer fact too), or NULL (with the error recorded). */
static const knee__fact *decl(knee_patient *p, const char *id, int want, size_t *index, int *status)
{
    *status = knee__fact_decl(p->rs, id, want, want == KNEE_FACT_NUMBER ? KNEE_FACT_INTEGER : 0,
                              index, p->errmsg, sizeof p->errmsg);
    return *status == KNEE_OK ? &p->rs->facts[*index] : NULL;
}

/* 0 when s[0..n) is UTF-8 without a NUL, else -1. */
static int check_utf8(const char *s, size_t n)
{
    size_t i = 0, len;
    uint32_t cp;
    for (; i < n; i += len)
        if ((len = knee__utf8_decode((const unsigned char *)s + i, n - i, &cp)) == 0 || cp == 0)
            return -1;
    return 0;
}

/* "fact 'sex': 'femal' is not one of its allowed values: did you mean 'female'? (it takes one
 * of: female, male)": the nearest allowed values (or region groups), and what the fact takes. */
static int not_allowed(const knee_ruleset *rs, size_t fact, const char *s, size_t n,
                       const char *what, char *msg, size_t cap)
{
    const knee__fact *f = &rs->facts[fact];
    char given[65], hint[200], takes[240];
    int near;
    if (cap == 0) /* no room for words: spare the search */
        return KNEE_ERANGE;
    snprintf(given, sizeof given, "%.*s", (int)(n < 64 ? n : 64), s); /* a member ends at n */
    near = f->region
               ? 0
               : knee__suggest(given, f->n_allowed, knee__allowed_at, f, hint, sizeof hint) > 0;
    knee__fact_takes(rs, fact, takes, sizeof takes);
    return say(msg, cap, KNEE_ERANGE, "fact '%s': '%s' is not %s%s%s%s (it takes %s)", f->id, given,
               what, near ? ": did you mean " : "", near ? hint : "", near ? "?" : "", takes);
}

int knee__check_text(const knee_ruleset *rs, size_t fact, const char *s, size_t n, char *msg,
                     size_t cap)
{
    const knee__fact *f = &rs->facts[fact];
    if (n > rs->max_string_bytes)
        return say(msg, cap, KNEE_ELIMIT, "fact '%s': value is %zu bytes, over the limit of %zu",
                   f->id, n, rs->max_string_bytes);
    if (check_utf8(s, n) != 0)
        return say(msg, cap, KNEE_EPARSE, "fact '%s': value is not valid UTF-8 text", f->id);
    if (f->region && !knee__region_code(s, n) && !knee__region_group_find(&rs->regions, s, n))
        return not_allowed(rs, fact, s, n, "a country code or a region group", msg, cap);
    if (f->n_allowed == 0 || knee__find_allowed(f, s, n) != KNEE__NONE)
        return KNEE_OK;
    return not_allowed(rs, fact, s, n, "one of its allowed values", msg, cap);
}

/* Check a string (or set member) value against limits, UTF-8 and the allowed list. */
static int check_text(knee_patient *p, const knee__fact *f, const char *s, size_t n)
{
    return knee__check_text(p->rs, (size_t)(f - p->rs->facts), s, n, p->errmsg, sizeof p->errmsg);
}

int knee__check_number(const knee_ruleset *rs, size_t fact, double value, char *msg, size_t cap)
{
    const knee__fact *f = &rs->facts[fact];
    char nb[KNEE__NUMBUF], lim[KNEE__NUMBUF], takes[240];
    if (isfinite(value) &&
        !(f->type == KNEE_FACT_INTEGER &&
          (value != floor(value) || fabs(value) > 9007199254740992.0)) &&
        !(f->has_min && value < f->min) && !(f->has_max && value > f->max))
        return KNEE_OK;
    knee__fact_takes(rs, fact, takes, sizeof takes);
    if (!isfinite(value))
        return say(msg, cap, KNEE_ERANGE,
                   "fact '%s': the value is not a finite number (it takes %s)", f->id, takes);
    if (f->type == KNEE_FACT_INTEGER && (value != floor(value) || fabs(value) > 9007199254740992.0))
        return say(msg, cap, KNEE_ETYPE,
                   "fact '%s' is an integer; %s is not a whole number (it takes %s)", f->id,
                   knee__format_double(nb, value), takes);
    if (f->has_min && value < f->min)
        return say(msg, cap, KNEE_ERANGE, "fact '%s': %s is below the minimum %s (it takes %s)",
                   f->id, knee__format_double(nb, value), knee__format_double(lim, f->min), takes);
    return say(msg, cap, KNEE_ERANGE, "fact '%s': %s is above the maximum %s (it takes %s)", f->id,
               knee__format_double(nb, value), knee__format_double(lim, f->max), takes);
}

int knee_patient_set_number(knee_patient *p, const char *fact, double value)
{
    size_t i;
    int status = KNEE_EINVAL;
    if (!p)
        return KNEE_EINVAL;
    if (!decl(p, fact, KNEE_FACT_NUMBER, &i, &status))
        return status;
    if ((status = knee__check_number(p->rs, i, value, p->errmsg, sizeof p->errmsg)) != KNEE_OK)
        return status;
    clear_value(&p->facts[i]);
    p->facts[i].num = value;
    p->facts[i].known = 1;
    return ok(p);
}

int knee_patient_set_bool(knee_patient *p, const char *fact, int value)
{
    size_t i;
    int status = KNEE_EINVAL;
    if (!p)
        return KNEE_EINVAL;
    if (!decl(p, fact, KNEE_FACT_BOOLEAN, &i, &status))
        return status;
    clear_value(&p->facts[i]);
    p->facts[i].boolean = value != 0;
    p->facts[i].known = 1;
    return ok(p);
}

int knee_patient_set_string(knee_patient *p, const char *fact, const char *value)
{
    const knee__fact *f;
    size_t i, n;
    int status = KNEE_EINVAL;
    char *copy;
    if (!p)
        return KNEE_EINVAL;
    if (!(f = decl(p, fact, KNEE_FACT_STRING, &i, &status)))
        return status;
    if (!value)
        return fail(p, KNEE_EINVAL, "fact '%s': no value given", f->id);
    n = strlen(value);
    if ((status = check_text(p, f, value, n)) != KNEE_OK)
        return status;
    if (!(copy = knee__strndup(value, n)))
        return fail(p, KNEE_ENOMEM, "out of memory");
    clear_value(&p->facts[i]);
    p->facts[i].str = copy;
    p->facts[i].str_len = n;
    p->facts[i].known = 1;
    return ok(p);
}

static int has_member(const knee__factval *v, const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < v->n_members; i++)
        if (strlen(v->members[i]) == n && memcmp(v->members[i], s, n) == 0)
            return 1;
    return 0;
}

int knee_patient_add_to_set(knee_patient *p, const char *fact, const char *member)
{
    const knee__fact *f;
    knee__factval *v;
    size_t i, n;
    int status = KNEE_EINVAL;
    char *copy, **grown;
    if (!p)
        return KNEE_EINVAL;
    if (!(f = decl(p, fact, KNEE_FACT_SET, &i, &status)))
        return status;
    if (!member)
        return fail(p, KNEE_EINVAL, "fact '%s': no member given", f->id);
    v = &p->facts[i];
    n = strlen(member);
    if ((status = check_text(p, f, member, n)) != KNEE_OK)
        return status;
    if (v->known && has_member(v, member, n))
        return ok(p);
    copy = knee__strndup(member, n);
    grown = copy ? knee__realloc(v->members, (v->n_members + 1) * sizeof *v->members) : NULL;
    if (!grown) {
        knee__dealloc(copy);
        return fail(p, KNEE_ENOMEM, "out of memory");
    }
    v->members = grown;
    v->members[v->n_members++] = copy;
    v->known = 1;
    return ok(p);
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int knee__parse_number(const knee_ruleset *rs, size_t fact, const char *text, size_t n,
                       double *value, char *msg, size_t cap)
{
    char takes[240];
    if (knee__parse_double(text, n, value) == 0)
        return KNEE_OK;
    knee__fact_takes(rs, fact, takes, sizeof takes);
    return say(msg, cap, KNEE_EPARSE, "fact '%s': '%.64s' is not a number (it takes %s)",
               rs->facts[fact].id, text, takes);
}

int knee__parse_bool(const knee_ruleset *rs, size_t fact, const char *text, int *value, char *msg,
                     size_t cap)
{
    char word[8];
    size_t b = 0, n = strlen(text);
    while (b < n && is_blank(text[b]))
        b++;
    while (n > b && is_blank(text[n - 1]))
        n--;
    if (n - b < sizeof word) {
        memcpy(word, text + b, n - b);
        word[n - b] = '\0';
        if (!strcasecmp(word, "true") || !strcasecmp(word, "yes") || !strcmp(word, "1")) {
            *value = 1;
            return KNEE_OK;
        }
        if (!strcasecmp(word, "false") || !strcasecmp(word, "no") || !strcmp(word, "0")) {
            *value = 0;
            return KNEE_OK;
        }
    }
    return say(msg, cap, KNEE_EPARSE,
               "fact '%s': '%.64s' is not true or false (it takes yes/no, "
               "true/false or 1/0)",
               rs->facts[fact].id, text);
}

int knee__next_member(const char **text, const char **member, size_t *n)
{
    const char *s = *text;
    while (*s) {
        const char *b = s, *e;
        while (*s && *s != ',')
            s++;
        e = s;
        if (*s == ',')
            s++;
        while (b < e && is_blank(*b))
            b++;
        while (e > b && is_blank(e[-1]))
            e--;
        if (b == e)
            continue;
        *text = s;
        *member = b;
        *n = (size_t)(e - b);
        return 1;
    }
    *text = s;
    return 0;
}

/* Replace a set fact by the comma-separated members of text, all or nothing. */
static int set_members_from_text(knee_patient *p, const knee__fact *f, size_t i, const char *text)
{
    knee__factval nv;
    const char *s = text, *b;
    size_t n;
    int status = KNEE_OK;
    memset(&nv, 0, sizeof nv);
    nv.type = KNEE_FACT_SET;
    while (knee__next_member(&s, &b, &n)) {
        char **grown;
        if (has_member(&nv, b, n))
            continue;
        if ((status = check_text(p, f, b, n)) != KNEE_OK)
            break;
        grown = knee__realloc(nv.members, (nv.n_members + 1) * sizeof *nv.members);
        if (!grown) {
            status = fail(p, KNEE_ENOMEM, "out of memory");
            break;
        }
        nv.members = grown;
        if (!(nv.members[nv.n_members] = knee__strndup(b, n))) {
            status = fail(p, KNEE_ENOMEM, "out of memory");
            break;
        }
        nv.n_members++;
    }
    if (status != KNEE_OK) {
        clear_value(&nv);
        return status;
    }
    clear_value(&p->facts[i]);
    p->facts[i] = nv;
    p->facts[i].known = 1;
    return ok(p);
}

int knee_patient_set_text(knee_patient *p, const char *fact, const char *text)
{
    const knee__fact *f;
    size_t i, n;
    int status = KNEE_EINVAL;
    double v;
    if (!p)
        return KNEE_EINVAL;
    if (!(f = decl(p, fact, 0, &i, &status)))
        return status;
    if (!text)
        return fail(p, KNEE_EINVAL, "fact '%s': no value given", f->id);
    n = strlen(text);
    switch (f->type) {
    case KNEE_FACT_NUMBER:
    case KNEE_FACT_INTEGER:
        if ((status = knee__parse_number(p->rs, i, text, n, &v, p->errmsg, sizeof p->errmsg)) !=
            KNEE_OK)
            return status;
        return knee_patient_set_number(p, fact, v);
    case KNEE_FACT_BOOLEAN: {
        int b;
        if ((status = knee__parse_bool(p->rs, i, text, &b, p->errmsg, sizeof p->errmsg)) != KNEE_OK)
            return status;
        return knee_patient_set_bool(p, fact, b);
    }
    case KNEE_FACT_STRING:
        return knee_patient_set_string(p, fact, text);
    default:
        return set_members_from_text(p, f, i, text);
    }
}

int knee_patient_unset(knee_patient *p, const char *fact)
{
    size_t i;
    int status = KNEE_EINVAL;
    if (!p)
        return KNEE_EINVAL;
    if (!decl(p, fact, 0, &i, &status))
        return status;
    clear_value(&p->facts[i]);
    return ok(p);
}

int knee_patient_has(const knee_patient *p, const char *fact)
{
    size_t i;
    if (!p || !fact)
        return KNEE_EINVAL;
    i = knee__find_fact(p->rs, fact);
    if (i == KNEE__NONE)
        return KNEE_EUNKNOWN;
    return p->facts[i].known;
}

int knee_patient_set_weight(knee_patient *p, const char *criterion, double weight)
{
    size_t j;
    int status;
    if (!p)
        return KNEE_EINVAL;
    if ((status = knee__criterion_decl(p->rs, criterion, &j, p->errmsg, sizeof p->errmsg)) !=
        KNEE_OK)
        return status;
    if (!isfinite(weight) || weight < 0)
        return fail(p, KNEE_EWEIGHT, "criterion '%s': a weight must be a finite number >= 0",
                    criterion);
    p->weights[j] = weight;
    p->weight_set[j] = 1;
    return ok(p);
}

int knee_patient_set_swing(knee_patient *p, const char *criterion, double points)
{
    if (!p)
        return KNEE_EINVAL;
    if (!(points >= 0 && points <= 100))
        return fail(p, KNEE_EWEIGHT, "swing weights are points from 0 to 100");
    return knee_patient_set_weight(p, criterion, points);
}

/* Weight of place k (1-based) of N: rank-order centroid (1/N) sum_{i=k..N} 1/i, or rank sum
 * 2(N+1-k) / (N(N+1)). */
static double place_weight(int scheme, size_t k, size_t n)
{
    double w = 0;
    size_t i;
    if (scheme == KNEE_RANKING_RANK_SUM)
        return 2.0 * (double)(n + 1 - k) / ((double)n * (double)(n + 1));
    for (i = k; i <= n; i++)
        w += 1.0 / (double)i;
    return w / (double)n;
}

int knee_patient_rank_criteria(knee_patient *p, const char *const *ids, size_t n, int scheme)
{
    const knee_ruleset *rs;
    size_t nc, i, j, *place;
    double rest = 0;
    if (!p)
        return KNEE_EINVAL;
    rs = p->rs;
    nc = rs->n_criteria;
    if ((scheme != KNEE_RANKING_ROC && scheme != KNEE_RANKING_RANK_SUM) || (!ids && n))
        return fail(p, KNEE_EINVAL, "unknown ranking scheme or no criteria given");
    if (n == 0 || n > nc)
        return fail(p, KNEE_EINVAL, "rank between 1 and %zu criteria", nc);
    place = knee__calloc(nc, sizeof *place); /* 0: not ranked */
    if (!place)
        return fail(p, KNEE_ENOMEM, "out of memory");
    for (i = 0; i < n; i++) {
        size_t c;
        int status = knee__criterion_decl(rs, ids[i], &c, p->errmsg, sizeof p->errmsg);
        if (status != KNEE_OK || place[c]) {
            knee__dealloc(place);
            return status != KNEE_OK
                       ? status
                       : fail(p, KNEE_EINVAL, "criterion '%.64s' is ranked twice", ids[i]);
        }
        place[c] = i + 1;
    }
    /* criteria left out share the places after the last ranked one */
    for (j = n + 1; j <= nc; j++)
        rest += place_weight(scheme, j, nc);
    for (j = 0; j < nc; j++) {
        p->weights[j] = place[j] ? place_weight(scheme, place[j], nc) : rest / (double)(nc - n);
        p->weight_set[j] = 1;
    }
    knee__dealloc(place);
    return ok(p);
}

/* ---- patient files --------------------------------------------------------------------------- */

static void trim(const char *s, const char **b, size_t *n)
{
    size_t len = strlen(s);
    while (len && is_blank(*s)) {
        s++;
        len--;
    }
    while (len && is_blank(s[len - 1]))
        len--;
    *b = s;
    *n = len;
}

/* Where each fact (then each criterion's weight) was first given, line 0 when not yet: a second
 * <fact> or <weight> for the same one is an error, never a silent "the last one wins". The
 * first one seen for (fact or criterion) index k, or NULL. */
static const knee__pos *first_given(knee__pos *seen, size_t k, knee__pos at)
{
    if (seen[k].line)
        return &seen[k];
    seen[k] = at;
    return NULL;
}

/* Apply every fact and weight of doc to p; report each problem at its element. */
static int apply_doc(knee_patient *p, const knee__xdoc *doc, knee_diag *d)
{
    const knee_ruleset *rs = p->rs;
    const knee__xnode *root = doc->root;
    knee__pos *seen = knee__calloc(rs->n_facts + rs->n_criteria + 1, sizeof *seen);
    size_t i;
    int first = KNEE_OK, rc = KNEE_OK;
    char text[8192];
    if (!seen)
        return KNEE_ENOMEM;
    for (i = 0; i < root->n_children && rc != KNEE_ENOMEM; i++) {
        const knee__xnode *c = &root->children[i];
        int is_fact = strcmp(c->name, "fact") == 0;
        const char *id = knee__xml_attr_value(c, is_fact ? "id" : "criterion");
        const char *code = "patient-value", *b;
        size_t n, k = !id       ? KNEE__NONE
                      : is_fact ? knee__find_fact(rs, id)
                                : knee__find_criterion(rs, id);
        const knee__pos *before =
            k == KNEE__NONE ? NULL : first_given(seen, is_fact ? k : rs->n_facts + k, c->pos);
        trim(c->text, &b, &n);
        if (before) {
            code = "patient-duplicate";
            rc = fail(p, KNEE_EINVALID, "%s '%s' is given twice (first at line %u)",
                      is_fact ? "fact" : "the weight of criterion", id, before->line);
        } else if (n >= sizeof text) {
            rc = fail(p, KNEE_ELIMIT, "value is too long");
        } else {
            memcpy(text, b, n);
            text[n] = '\0';
            if (is_fact) {
                rc = knee_patient_set_text(p, id, text);
            } else {
                double w;
                if (knee__parse_double(text, n, &w) != 0)
                    rc = fail(p, KNEE_EPARSE, "weight for '%.64s': '%.64s' is not a number",
                              id ? id : "?", text);
                else
                    rc = knee_patient_set_weight(p, id, w);
            }
        }
        if (rc == KNEE_OK || rc == KNEE_ENOMEM)
            continue;
        if (first == KNEE_OK)
            first = rc;
        if (knee__diag_add(d, KNEE_SEVERITY_ERROR, rc, code, doc->file, c->pos, id, "%s",
                           p->errmsg) != KNEE_OK)
            rc = KNEE_ENOMEM;
    }
    knee__dealloc(seen);
    return rc == KNEE_ENOMEM ? rc : first;
}

/* Swap the contents of two patients of the same ruleset. */
static void swap(knee_patient *a, knee_patient *b)
{
    knee_patient t = *a;
    a->facts = b->facts;
    a->weights = b->weights;
    a->weight_set = b->weight_set;
    b->facts = t.facts;
    b->weights = t.weights;
    b->weight_set = t.weight_set;
}

static int copy_into(knee_patient *dst, const knee_patient *src)
{
    size_t i, k;
    const knee_ruleset *rs = src->rs;
    memcpy(dst->weights, src->weights, rs->n_criteria * sizeof *dst->weights);
    memcpy(dst->weight_set, src->weight_set, rs->n_criteria);
    for (i = 0; i < rs->n_facts; i++) {
        const knee__factval *v = &src->facts[i];
        knee__factval *w = &dst->facts[i];
        *w = *v;
        w->str = NULL;
        w->members = NULL;
        w->n_members = 0;
        if (v->str && !(w->str = knee__strndup(v->str, v->str_len)))
            return KNEE_ENOMEM;
        if (v->n_members) {
            if (!(w->members = knee__calloc(v->n_members, sizeof *w->members)))
                return KNEE_ENOMEM;
            for (k = 0; k < v->n_members; k++) {
                if (!(w->members[k] = knee__strdup(v->members[k])))
                    return KNEE_ENOMEM;
                w->n_members++;
            }
        }
    }
    return KNEE_OK;
}

int knee__patient_copy(knee_patient **out, const knee_patient *p)
{
    int rc = knee_patient_new(out, p->rs);
    if (rc == KNEE_OK && (rc = copy_into(*out, p)) != KNEE_OK) {
        knee_patient_free(*out);
        *out = NULL;
    }
    return rc;
}

void knee__patient_swap(knee_patient *a, knee_patient *b)
{
    swap(a, b);
    ok(a);
}

static int load_patient(knee_patient *p, const void *buf, size_t len, const char *name,
                        const knee_options *opts, knee_diag *d)
{
    knee__xdoc *doc = NULL;
    knee__xml_limits lim;
    knee_patient *work = NULL;
    int rc;
    lim.max_depth = (size_t)knee__limit(opts, KNEE_LIMIT_XML_DEPTH);
    lim.max_elements = (size_t)knee__limit(opts, KNEE_LIMIT_ELEMENTS);
    rc = knee__xml_read(&doc, buf, len, name, knee__xsd_patient, knee__xsd_patient_len, &lim, d);
    if (rc != KNEE_OK)
        goto out;
    /* Work on a copy; the caller's patient changes only when everything applied. */
    rc = knee_patient_new(&work, p->rs);
    if (rc == KNEE_OK)
        rc = copy_into(work, p);
    if (rc == KNEE_OK)
        rc = apply_doc(work, doc, d);
    if (rc == KNEE_OK) {
        swap(p, work);
        ok(p);
    } else {
        fail(p, rc, "%s: %s", name, rc == KNEE_ENOMEM ? "out of memory" : work->errmsg);
    }
out:
    if (rc != KNEE_OK && rc != KNEE_ENOMEM && !work) {
        const char *m = knee_diag_count(d) ? knee_diag_message(d, 0) : knee_strerror(rc);
        fail(p, rc, "%s:%u:%u: %s", name, knee_diag_line(d, 0), knee_diag_column(d, 0), m);
    }
    knee_patient_free(work);
    knee__xdoc_free(doc);
    return rc;
}

int knee_patient_load_memory(knee_patient *p, const void *buf, size_t len, const char *name,
                             const knee_options *opts, knee_diag **diag)
{
    knee_diag *d = NULL;
    int rc;
    if (diag)
        *diag = NULL;
    if (!p || (!buf && len))
        return KNEE_EINVAL;
    if (knee__diag_new(&d) != KNEE_OK)
        return KNEE_ENOMEM;
    if ((uint64_t)len > (uint64_t)knee__limit(opts, KNEE_LIMIT_INPUT_BYTES)) {
        rc = fail(p, KNEE_ELIMIT, "patient input is over the input limit");
        knee__diag_add(d, KNEE_SEVERITY_ERROR, rc, "limit-size", name ? name : "<memory>",
                       (knee__pos){0, 0}, NULL, "%s", p->errmsg);
    } else {
        rc = load_patient(p, buf ? buf : "", len, name ? name : "<memory>", opts, d);
    }
    if (diag)
        *diag = d;
    else
        knee_diag_free(d);
    return rc;
}

int knee_patient_load_file(knee_patient *p, const char *path, const knee_options *opts,
                           knee_diag **diag)
{
    char *buf = NULL;
    size_t len = 0;
    int rc;
    if (diag)
        *diag = NULL;
    if (!p || !path)
        return KNEE_EINVAL;
    rc = knee__file_read(path, (size_t)knee__limit(opts, KNEE_LIMIT_INPUT_BYTES), &buf, &len,
                         p->errmsg, sizeof p->errmsg);
    if (rc != KNEE_OK) {
        if (diag && knee__diag_new(diag) == KNEE_OK)
            knee__diag_add(*diag, KNEE_SEVERITY_ERROR, rc, rc == KNEE_ELIMIT ? "limit-size" : "io",
                           path, (knee__pos){0, 0}, NULL, "%s", p->errmsg);
        return rc;
    }
    rc = knee_patient_load_memory(p, buf, len, path, opts, diag);
    knee__dealloc(buf);
    return rc;
}
