/* lint.c - checks for rule authors beyond what a load requires (knee_ruleset_lint, and
 * `knee check --strict`): sources never cited, rules that can never fire, rules that set the same
 * value differently and can fire together, and options described in unequal detail.
 *
 * "Can this condition be true?" is answered by search: conditions compare facts with literals,
 * so their truth can only change at those literals. For each fact read we try unknown, the
 * declared bounds, every literal the file compares it with and the values just either side,
 * the allowed values, and the values the file's own test cases use; sets try every combination
 * of the members the file mentions. Past a search budget the check stays silent rather than
 * guess; past the overall budget the lint stops and says so (a `lint-budget` warning): a file of
 * a few hundred rules over a dozen facts each would otherwise keep it busy for hours. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "rules/fhir_mapping.h"
#include "rules/model.h"
#include "util/numbers.h"
#include "rules/readability.h"

#define MAX_CANDIDATES 64       /* values tried per fact (plus "unknown") */
#define MAX_SET_MEMBERS 6       /* every subset up to this many members; beyond, singles */
#define SEARCH_BUDGET 200000    /* assignments tried per question */
#define LINT_BUDGET 50000000ULL /* condition steps in all (knee__expr_size): docs/limits.md */

typedef struct candidates {
    int type;
    size_t n; /* values, not counting "unknown" */
    double num[MAX_CANDIDATES];
    const char *str[MAX_CANDIDATES]; /* strings and set members */
    size_t n_members;                /* set facts: members[] for the subsets */
    const char *members[MAX_CANDIDATES];
} candidates;

typedef struct linter {
    const knee_ruleset *rs;
    knee_diag *diag;
    candidates *cand;     /* one per fact */
    knee__factval *facts; /* the assignment being tried */
    char **set_buf;       /* members of the set being tried, per fact */
    knee__match_scratch *scratch;
    unsigned long long spent;  /* condition steps so far, against LINT_BUDGET */
    const knee__rule *stopped; /* the rule being checked when the budget ran out, or NULL */
    int oom;
} linter;

static void warn(linter *l, const char *code, knee__pos pos, const char *element, const char *msg)
{
    if (knee__diag_add(l->diag, KNEE_SEVERITY_WARNING, KNEE_EINVALID, code, l->rs->name, pos,
                       element, "%s", msg) != KNEE_OK)
        l->oom = 1;
}

/* ---- candidate values ------------------------------------------------------------------------ */

static void add_num(candidates *c, const knee__fact *f, double v)
{
    size_t i;
    if (f->type == KNEE_FACT_INTEGER && v != floor(v))
        return;
    if ((f->has_min && v < f->min) || (f->has_max && v > f->max) || !isfinite(v))
        return;
    for (i = 0; i < c->n; i++)
        if (c->num[i] == v)
            return;
    if (c->n < MAX_CANDIDATES)
        c->num[c->n++] = v;
}

static void add_str(const char **v, size_t *n, const char *s)
{
    size_t i;
    for (i = 0; i < *n; i++)
        if (strcmp(v[i], s) == 0)
            return;
    if (*n < MAX_CANDIDATES)
        v[(*n)++] = s;
}

typedef struct literal_ctx {
    linter *l;
    knee__arena *arena;
} literal_ctx;

static void on_literal(void *ctx, int fact, int is_num, double num, const char *str, size_t len)
{
    literal_ctx *lc = ctx;
    linter *l = lc->l;
    const knee__fact *f = &l->rs->facts[fact];
    candidates *c = &l->cand[fact];
    if (is_num) {
        double d = f->type == KNEE_FACT_INTEGER ? 1 : fmax(1e-9, fabs(num) * 1e-9);
        add_num(c, f, num);
        add_num(c, f, f->type == KNEE_FACT_INTEGER ? floor(num) : num - d);
        add_num(c, f, f->type == KNEE_FACT_INTEGER ? ceil(num) : num + d);
        if (f->type == KNEE_FACT_INTEGER) {
            add_num(c, f, floor(num) - 1);
            add_num(c, f, ceil(num) + 1);
        }
        return;
    } else {
        char *s = knee__arena_strndup(lc->arena, str, len); /* literals are not NUL-safe views */
        if (!s) {
            l->oom = 1;
            return;
        }
        if (f->type == KNEE_FACT_SET)
            add_str(c->members, &c->n_members, s);
        else if (f->n_allowed == 0)
            add_str(c->str, &c->n, s);
    }
}

/* Region facts: one code from each cell of the partition that the sets of codes in the
 * conditions make (region.h); past 64 sets per fact the later ones are not told apart. */
typedef struct region_sets {
    int fact;
    size_t n;
    knee__region_set sets[64];
} region_sets;

static void on_region_set(void *ctx, int fact, const knee__region_set *set)
{
    region_sets *rsx = ctx;
    if (fact == rsx->fact && rsx->n < 64)
        rsx->sets[rsx->n++] = *set;
}

static void region_candidates(linter *l, size_t f, region_sets *rsx)
{
    const char *codes[MAX_CANDIDATES];
    size_t i, n;
    rsx->fact = (int)f;
    rsx->n = 0;
    for (i = 0; i < l->rs->n_rules; i++)
        knee__expr_region_sets(l->rs->rules[i].cond, on_region_set, rsx);
    n = knee__region_representatives(rsx->sets, rsx->n, codes, MAX_CANDIDATES);
    for (i = 0; i < n; i++)
        add_str(l->cand[f].str, &l->cand[f].n, codes[i]);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void gather(linter *l, knee__arena *arena)
{
    const knee_ruleset *rs = l->rs;
    literal_ctx lc;
    size_t i, k;
    lc.l = l;
    lc.arena = arena;
    for (i = 0; i < rs->n_facts; i++) {
        const knee__fact *f = &rs->facts[i];
        candidates *c = &l->cand[i];
        c->type = f->type;
        if (f->has_min)
            add_num(c, f, f->min);
        if (f->has_max)
            add_num(c, f, f->max);
        if (f->has_min && f->has_max)
            add_num(c, f,
                    f->type == KNEE_FACT_INTEGER ? floor((f->min + f->max) / 2)
                                                 : (f->min + f->max) / 2);
        if (!f->has_min && !f->has_max &&
            (f->type == KNEE_FACT_NUMBER || f->type == KNEE_FACT_INTEGER))
            add_num(c, f, 0);
        for (k = 0; k < f->n_allowed; k++)
            add_str(f->type == KNEE_FACT_SET ? c->members : c->str,
                    f->type == KNEE_FACT_SET ? &c->n_members : &c->n, f->allowed[k]);
        if (f->type == KNEE_FACT_STRING && f->n_allowed == 0)
            add_str(c->str, &c->n, "\001"); /* some other value */
    }
    for (i = 0; i < rs->n_rules; i++)
        knee__expr_literals(rs->rules[i].cond, on_literal, &lc);
    for (i = 0; i < rs->n_facts && !l->oom; i++)
        if (rs->facts[i].region) {
            region_sets *rsx = knee__arena_alloc(arena, sizeof *rsx);
            if (!rsx)
                l->oom = 1;
            else
                region_candidates(l, i, rsx);
        }
    /* values the file's own test cases give: a pattern's intended matches live there */
    for (i = 0; i < rs->n_cases; i++)
        for (k = 0; k < rs->cases[i].n_facts; k++) {
            size_t f = knee__find_fact(rs, rs->cases[i].facts[k].id);
            double v;
            const char *t = rs->cases[i].facts[k].text;
            if (f == KNEE__NONE)
                continue;
            if (rs->facts[f].type == KNEE_FACT_STRING && rs->facts[f].n_allowed == 0)
                add_str(l->cand[f].str, &l->cand[f].n, t);
            else if ((rs->facts[f].type == KNEE_FACT_NUMBER ||
                      rs->facts[f].type == KNEE_FACT_INTEGER) &&
                     knee__parse_double(t, strlen(t), &v) == 0)
                add_num(&l->cand[f], &rs->facts[f], v);
        }
    for (i = 0; i < rs->n_facts; i++) {
        candidates *c = &l->cand[i];
        if (c->type == KNEE_FACT_NUMBER || c->type == KNEE_FACT_INTEGER)
            qsort(c->num, c->n, sizeof c->num[0], cmp_double); /* examples read low to high */
        if (c->type == KNEE_FACT_BOOLEAN)
            c->n = 2;
        else if (c->type == KNEE_FACT_SET) /* subsets, or each member alone plus all of them */
            c->n = c->n_members <= MAX_SET_MEMBERS ? (size_t)1 << c->n_members : c->n_members + 2;
    }
}

/* Put candidate k of fact f into the assignment (k == 0: unknown). */
static void assign(linter *l, size_t f, size_t k)
{
    candidates *c = &l->cand[f];
    knee__factval *v = &l->facts[f];
    v->known = k > 0;
    v->type = c->type;
    if (!k)
        return;
    k--;
    switch (c->type) {
    case KNEE_FACT_NUMBER:
    case KNEE_FACT_INTEGER:
        v->num = c->num[k];
        break;
    case KNEE_FACT_BOOLEAN:
        v->boolean = (int)k;
        break;
    case KNEE_FACT_STRING:
        v->str = c->str[k];
        v->str_len = strlen(c->str[k]);
        break;
    default: {
        size_t m, n = 0;
        char **buf = &l->set_buf[f * MAX_CANDIDATES];
        for (m = 0; m < c->n_members; m++) {
            int in = c->n_members <= MAX_SET_MEMBERS ? (int)((k >> m) & 1)
                                                     : (k == c->n_members ? 1 : k == m);
            if (in)
                memcpy(&buf[n++], &c->members[m], sizeof buf[0]); /* borrowed, never written */
        }
        v->members = buf;
        v->n_members = n;
    }
    }
}

/* Is there an assignment of the facts the rules read that makes every rule true? Returns 1
 * (found; left in l->facts), 0 (none), -1 (search too large or a match error: undecided). */
static int satisfiable(linter *l, const knee__rule *const *rules, size_t n_rules)
{
    int facts[128];
    size_t nf = 0, i, k, tried = 0, odo[128], cost = 1;
    char err[128];
    for (i = 0; i < n_rules; i++)
        cost += knee__expr_size(rules[i]->cond);
    for (i = 0; i < n_rules; i++)
        for (k = 0; k < knee__expr_fact_count(rules[i]->cond); k++) {
            int f = knee__expr_fact(rules[i]->cond, k);
            size_t j;
            for (j = 0; j < nf && facts[j] != f; j++)
                ;
            if (j == nf) {
                if (nf == 128)
                    return -1;
                facts[nf++] = f;
            }
        }
    memset(l->facts, 0, l->rs->n_facts * sizeof *l->facts);
    memset(odo, 0, sizeof odo);
    for (;;) {
        int all = 1;
        if (++tried > SEARCH_BUDGET)
            return -1;
        if ((l->spent += cost) > LINT_BUDGET) {
            l->stopped = rules[n_rules - 1];
            return -1;
        }
        for (i = 0; i < nf; i++)
            assign(l, (size_t)facts[i], odo[i]);
        for (i = 0; i < n_rules && all; i++) {
            int t = knee__expr_eval(rules[i]->cond, l->facts, l->scratch, err, sizeof err);
            if (t < 0)
                return -1;
            all = t == KNEE__TRUE;
        }
        if (all)
            return 1;
        for (i = 0; i < nf; i++) { /* next assignment */
            if (++odo[i] <= l->cand[facts[i]].n)
                break;
            odo[i] = 0;
        }
        if (i == nf)
            return 0;
    }
}

/* "age=70, payer='medicare'": the facts of the assignment found, for a message. */
static void describe(const linter *l, const knee__rule *const *rules, size_t n_rules, char *buf,
                     size_t size)
{
    size_t i, k, used = 0;
    buf[0] = '\0';
    for (i = 0; i < n_rules; i++)
        for (k = 0; k < knee__expr_fact_count(rules[i]->cond); k++) {
            int f = knee__expr_fact(rules[i]->cond, k);
            const knee__factval *v = &l->facts[f];
            char val[160], nb[KNEE__NUMBUF];
            if (!v->known || used >= size)
                continue;
            if (strstr(buf, l->rs->facts[f].id))
                continue;
            if (v->type == KNEE_FACT_NUMBER || v->type == KNEE_FACT_INTEGER)
                snprintf(val, sizeof val, "%s", knee__format_double(nb, v->num));
            else if (v->type == KNEE_FACT_BOOLEAN)
                snprintf(val, sizeof val, "%s", v->boolean ? "true" : "false");
            else if (v->type == KNEE_FACT_STRING)
                snprintf(val, sizeof val, "'%.60s'", v->str[0] == '\001' ? "(other)" : v->str);
            else
                snprintf(val, sizeof val, "%zu member%s", v->n_members,
                         v->n_members == 1 ? "" : "s");
            used += (size_t)snprintf(buf + used, size - used, "%s%s=%s", used ? ", " : "",
                                     l->rs->facts[f].id, val);
        }
}

/* ---- the checks ------------------------------------------------------------------------------ */

static void cited(const knee__idlist *l, const knee_ruleset *rs, unsigned char *used)
{
    size_t i, k;
    for (i = 0; i < l->n; i++)
        if ((k = knee__find_source(rs, l->v[i], strlen(l->v[i]))) != KNEE__NONE)
            used[k] = 1;
}

/* Descriptions may cite inline as "[id]" or "[id1; id2]": those ids count as cited. */
static void cited_in_text(const char *text, const knee_ruleset *rs, unsigned char *used)
{
    const char *p = text;
    while (p && (p = strchr(p, '[')) != NULL) {
        const char *end = strchr(++p, ']');
        if (!end)
            break;
        while (p < end) {
            const char *q = p;
            size_t k, n;
            while (q < end && *q != ';' && *q != ',' && *q != ' ')
                q++;
            n = (size_t)(q - p);
            if (n && (k = knee__find_source(rs, p, n)) != KNEE__NONE)
                used[k] = 1;
            p = q + 1;
        }
        p = end + 1;
    }
}

static void check_sources(linter *l)
{
    const knee_ruleset *rs = l->rs;
    unsigned char *used = knee__calloc(rs->n_sources ? rs->n_sources : 1, 1);
    size_t i, j;
    char msg[256];
    if (!used) {
        l->oom = 1;
        return;
    }
    for (i = 0; i < rs->n_options; i++)
        for (j = 0; j < rs->n_criteria; j++)
            cited(&rs->options[i].values[j].sources, rs, used);
    for (i = 0; i < rs->n_rules; i++) {
        cited(&rs->rules[i].sources, rs, used);
        for (j = 0; j < rs->rules[i].n_actions; j++)
            cited(&rs->rules[i].actions[j].sources, rs, used);
    }
    for (i = 0; i < rs->n_conflicts; i++)
        cited(&rs->conflicts[i].sources, rs, used);
    for (i = 0; i < rs->regions.n; i++) {
        knee__idlist gl;
        gl.v = rs->regions.groups[i].sources;
        gl.n = rs->regions.groups[i].n_sources;
        cited(&gl, rs, used);
    }
    for (i = 0; rs->fhir && i < rs->fhir->n_rules; i++) {
        knee__idlist fl;
        fl.v = rs->fhir->rules[i].sources;
        fl.n = rs->fhir->rules[i].n_sources;
        cited(&fl, rs, used);
    }
    for (i = 0; i < rs->n_options; i++)
        cited_in_text(rs->options[i].description, rs, used);
    cited_in_text(rs->description, rs, used);
    for (i = 0; i < rs->n_sources; i++)
        if (!used[i]) {
            snprintf(msg, sizeof msg, "source '%s' is never cited", rs->sources[i].id);
            warn(l, "source-unused", rs->sources[i].pos, rs->sources[i].id, msg);
        }
    knee__dealloc(used);
}

static void check_never_true(linter *l)
{
    const knee_ruleset *rs = l->rs;
    size_t i;
    char msg[400];
    for (i = 0; i < rs->n_rules && !l->oom && !l->stopped; i++) {
        const knee__rule *r = &rs->rules[i];
        if (!r->cond || satisfiable(l, &r, 1) != 0)
            continue;
        snprintf(msg, sizeof msg,
                 "rule '%s' can never fire: no values of its facts (within their declared bounds "
                 "and allowed values) make \"%.200s\" true",
                 r->id, r->when);
        warn(l, "rule-never-true", r->pos, r->id, msg);
    }
}

static int same_value(const knee__value *a, const knee__value *b)
{
    if (a->known != b->known)
        return 0;
    if (!a->known) /* unknown both: the same when their bounds are */
        return a->bounded == b->bounded &&
               (!a->bounded || (a->level == b->level && a->level_high == b->level_high &&
                                a->low == b->low && a->high == b->high));
    return a->level == b->level && a->low == b->low && a->typical == b->typical &&
           a->high == b->high;
}

/* 1 if rule r declares overrides="... id ..." */
static int overrides(const knee__rule *r, const char *id)
{
    const char *s = r->overrides;
    size_t n = strlen(id);
    while (s && *s) {
        while (*s == ' ')
            s++;
        if (strncmp(s, id, n) == 0 && (s[n] == ' ' || s[n] == '\0'))
            return 1;
        while (*s && *s != ' ')
            s++;
    }
    return 0;
}

/* A rule's <set> on the option being checked: the criterion, the step, the action. */
typedef struct setter {
    size_t criterion, step;
    const knee__action *action;
} setter;

static int cmp_setter(const void *a, const void *b)
{
    const setter *x = a, *y = b;
    if (x->criterion != y->criterion)
        return x->criterion < y->criterion ? -1 : 1;
    return x->step < y->step ? -1 : x->step > y->step;
}

/* Pairs of rules that set the same value of one option, in the order they run: the setters of
 * each option sorted by criterion, so that only rules that share a value are paired (a rule
 * that sets a value twice counts with its first <set>). */
static void check_conflicting_sets(linter *l)
{
    const knee_ruleset *rs = l->rs;
    setter *set = NULL;
    size_t cap = 0, t, i, j, n;
    char msg[768], example[256];
    for (t = 0; t < rs->n_options && !l->oom && !l->stopped; t++) {
        const knee__option *tr = &rs->options[t];
        for (i = n = 0; i < tr->n_steps; i++) {
            const knee__op *op = rs->ops + tr->steps[i].op_off, *end = op + tr->steps[i].op_n;
            for (; op < end; op++) {
                if (op->kind != KNEE__ACT_SET)
                    continue;
                if (knee__grow((void **)&set, &cap, n + 1, sizeof *set) != KNEE_OK) {
                    l->oom = 1;
                    goto out;
                }
                set[n].criterion = op->criterion;
                set[n].step = i;
                set[n++].action = op->action;
            }
        }
        if (n > 1)
            qsort(set, n, sizeof *set, cmp_setter);
        for (i = 0; i < n && !l->oom && !l->stopped; i++) {
            const knee__rule *a = &rs->rules[tr->steps[set[i].step].rule];
            if (i && set[i].criterion == set[i - 1].criterion && set[i].step == set[i - 1].step)
                continue; /* the same rule's second <set> of this value */
            for (j = i + 1; j < n && set[j].criterion == set[i].criterion && !l->oom && !l->stopped;
                 j++) {
                const knee__rule *b = &rs->rules[tr->steps[set[j].step].rule];
                const knee__rule *pair[2];
                if (set[j].step == set[j - 1].step ||
                    same_value(&set[i].action->value, &set[j].action->value) || overrides(b, a->id))
                    continue;
                pair[0] = a;
                pair[1] = b;
                if (satisfiable(l, pair, 2) != 1)
                    continue;
                describe(l, pair, 2, example, sizeof example);
                snprintf(msg, sizeof msg,
                         "rules '%s' and '%s' set %s of '%s' to different values and can both "
                         "fire (e.g. %s); '%s' wins because it runs later",
                         a->id, b->id, rs->criteria[set[i].criterion].id, tr->id,
                         example[0] ? example : "with no facts", b->id);
                warn(l, "rule-conflict", b->pos, b->id, msg);
            }
        }
    }
out:
    knee__dealloc(set);
}

/* The budget ran out: say where, so that a clean report is not mistaken for a checked file. */
static void report_stop(linter *l)
{
    char msg[400];
    snprintf(msg, sizeof msg,
             "the lint stopped at rule '%s': its search budget (%llu condition steps in all) ran "
             "out, so the rules from there on were not checked for conditions that can never be "
             "true or for conflicting values",
             l->stopped->id, LINT_BUDGET);
    warn(l, "lint-budget", l->stopped->pos, l->stopped->id, msg);
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

/* IPDAS asks that options be shown in equal detail: every option described, none with a
 * description much thinner than the others'. */
static void check_detail(linter *l)
{
    const knee_ruleset *rs = l->rs;
    size_t i, n = rs->n_options, described = 0, median;
    size_t *len = knee__calloc(n ? n : 1, sizeof *len),
           *sorted = knee__calloc(n ? n : 1, sizeof *len);
    char msg[320];
    if (!len || !sorted) {
        l->oom = 1;
        goto out;
    }
    for (i = 0; i < n; i++) {
        len[i] = rs->options[i].description ? strlen(rs->options[i].description) : 0;
        if (len[i])
            sorted[described++] = len[i];
    }
    if (!described)
        goto out;
    qsort(sorted, described, sizeof *sorted, cmp_size);
    median = sorted[described / 2]; /* of the described options */
    for (i = 0; i < n; i++) {
        const knee__option *t = &rs->options[i];
        if (len[i] == 0)
            snprintf(msg, sizeof msg, "option '%s' has no description, while %zu other option%s do",
                     t->id, described, described == 1 ? "" : "s");
        else if (len[i] * 3 < median)
            snprintf(
                msg, sizeof msg,
                "option '%s' is described in much less detail than the others (%zu characters; "
                "median %zu)",
                t->id, len[i], median);
        else
            continue;
        warn(l, "unequal-detail", t->pos, t->id, msg);
    }
out:
    knee__dealloc(len);
    knee__dealloc(sorted);
}

/* Texts written for patients should read at school grade 9 or below (Flesch-Kincaid; the
 * counting rules are in docs/diagnostics.md). Only explicit <patient> texts are graded: a text
 * given once is for the clinician too, and may be technical. */
#define READING_GRADE_MAX 9.0

static void check_reading_grade(linter *l)
{
    const knee__patient_text *t;
    char msg[400], nb[KNEE__NUMBUF];
    for (t = l->rs->patient_texts; t && !l->oom; t = t->next) {
        knee__reading c;
        double grade = knee__reading_grade(t->text, &c);
        size_t n = strlen(t->text), cut = n > 60 ? 60 : n;
        if (!(grade > READING_GRADE_MAX))
            continue;
        while (cut < n && cut > 0 && ((unsigned char)t->text[cut] & 0xC0) == 0x80)
            cut--; /* quote whole UTF-8 characters */
        snprintf(msg, sizeof msg,
                 "a <patient> text of '%s' reads at grade %s (Flesch-Kincaid; at most %g for "
                 "patients): %zu words in %zu sentence%s, %zu syllables: \"%.*s%s\"",
                 t->element ? t->element : "",
                 knee__format_double(nb, floor(grade * 10 + 0.5) / 10), READING_GRADE_MAX, c.words,
                 c.sentences, c.sentences == 1 ? "" : "s", c.syllables, (int)cut, t->text,
                 cut < n ? "..." : "");
        warn(l, "patient-reading-grade", t->pos, t->element, msg);
    }
}

int knee_ruleset_lint(const knee_ruleset *rs, knee_diag **out)
{
    linter l;
    knee__arena arena;
    int rc;
    if (!out)
        return KNEE_EINVAL;
    *out = NULL;
    if (!rs)
        return KNEE_EINVAL;
    memset(&l, 0, sizeof l);
    l.rs = rs;
    knee__arena_init(&arena);
    if (knee__diag_new(&l.diag) != KNEE_OK)
        return KNEE_ENOMEM;
    l.cand = knee__calloc(rs->n_facts ? rs->n_facts : 1, sizeof *l.cand);
    l.facts = knee__calloc(rs->n_facts ? rs->n_facts : 1, sizeof *l.facts);
    l.set_buf = knee__calloc((rs->n_facts ? rs->n_facts : 1) * MAX_CANDIDATES, sizeof *l.set_buf);
    if (!l.cand || !l.facts || !l.set_buf ||
        knee__match_scratch_new(&l.scratch, rs->regex_match_limit, rs->regex_depth_limit,
                                rs->regex_heap_kib, 0) != KNEE_OK) {
        l.oom = 1;
        goto out;
    }
    gather(&l, &arena);
    check_sources(&l);
    if (!l.oom)
        check_never_true(&l);
    if (!l.oom)
        check_conflicting_sets(&l);
    if (!l.oom)
        check_detail(&l);
    if (!l.oom)
        check_reading_grade(&l);
    if (!l.oom && l.stopped)
        report_stop(&l);
out:
    knee__match_scratch_free(l.scratch);
    knee__dealloc(l.set_buf);
    knee__dealloc(l.facts);
    knee__dealloc(l.cand);
    knee__arena_release(&arena);
    rc = l.oom ? KNEE_ENOMEM : KNEE_OK;
    if (rc != KNEE_OK) {
        knee_diag_free(l.diag);
        return rc;
    }
    *out = l.diag;
    return KNEE_OK;
}
