/* expr.c - the condition language (see expr.h and rules/README.md, "Conditions").
 *
 * Compilation is one pass: a lexer with byte offsets feeds a recursive-descent parser that
 * type-checks as it goes and emits nodes into one array. The compiled form:
 *
 *   - nodes[]: boolean-valued nodes linked by index (never by pointer, so the array may grow
 *     while parsing). `and` / `or` are n-ary: a first child and a chain of `next` siblings, so
 *     a long chain `a and b and c ...` is one level deep, not one level per operand.
 *   - Comparison nodes hold their two operands inline: a literal (number, string, boolean), a
 *     fact index, or the index of a boolean sub-node (`(a and b) = true`).
 *   - Literal lists live in nums[] / strs[], compiled patterns in regexes[], and every decoded
 *     string literal in one pool sized from the text (a decoded literal is never longer than its
 *     quoted form), so pointers into it never move.
 *
 * Evaluation walks the nodes recursively (depth bounded by the nesting limit), reads only the
 * compiled expression and the fact array, and allocates nothing; the only mutable state is the
 * caller's match scratch, so one compiled expression may be evaluated from many threads. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* strtod_l, newlocale */
#endif
#include "rules/expr.h"

#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "knee.h"

#if defined(__GNUC__)
#define KNEE__PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define KNEE__PRINTF(f, a)
#endif

/* Whatever the caller's nesting limit, recursion in the parser and the evaluator never goes
 * deeper than this many levels (about 1 KiB of stack per level while parsing). */
#define DEPTH_CEILING 500

/* Defaults when the caller passes no limits (KNEE_LIMIT_EXPR_BYTES / _DEPTH). */
#define DEFAULT_MAX_BYTES 4096
#define DEFAULT_MAX_DEPTH 64

/* ---- compiled form ------------------------------------------------------------------------ */

/* Value types seen by the type checker (number and integer facts are both VT_NUM). */
enum { VT_NUM = 1, VT_BOOL, VT_STR, VT_SET, VT_REGION };

/* Where an operand's value comes from. */
enum { OPD_LIT, OPD_FACT, OPD_NODE };

typedef struct operand {
    unsigned char kind; /* OPD_* */
    int index;          /* OPD_FACT: fact index; OPD_NODE: node index; OPD_LIT boolean: 0/1 */
    double num;         /* OPD_LIT number */
    const char *str;    /* OPD_LIT string, NUL-terminated, in the pool */
    size_t len;
} operand;

enum {
    NK_CONST, /* value */
    NK_FACT,  /* a boolean fact used as a condition */
    NK_KNOWN, /* known(fact) */
    NK_NOT,   /* not child */
    NK_AND,   /* child, then its next siblings */
    NK_OR,
    NK_CMP,      /* a op b, both of type vtype */
    NK_IN_LIST,  /* a in [list_n items from list_off of nums[] or strs[]] */
    NK_IN_RANGE, /* lo <= a <= hi */
    NK_IN_SET,   /* a (a string) is a member of set fact `fact` */
    NK_MATCH,    /* a (a string) matches regexes[re] */
    NK_IN_REGION /* a (a region fact) lies in rsets[list_off]; op OP_NE negates */
};

enum { OP_LT, OP_LE, OP_GT, OP_GE, OP_EQ, OP_NE };

typedef struct node {
    unsigned char kind;  /* NK_* */
    unsigned char op;    /* NK_CMP: OP_* */
    unsigned char vtype; /* NK_CMP, NK_IN_LIST: VT_NUM, VT_STR or VT_BOOL */
    int value;           /* NK_CONST: KNEE__TRUE or KNEE__FALSE */
    int fact;            /* NK_FACT, NK_KNOWN, NK_IN_SET (the set fact) */
    int child;           /* NK_NOT, NK_AND, NK_OR: first child */
    int next;            /* next sibling under NK_AND / NK_OR, -1 at the end */
    int re;              /* NK_MATCH */
    size_t list_off, list_n;
    double lo, hi; /* NK_IN_RANGE */
    operand a, b;  /* left operand of every comparison-like node; b only for NK_CMP */
} node;

typedef struct strlit {
    const char *s;
    size_t len;
} strlit;

struct knee__expr {
    node *nodes;
    size_t n_nodes, cap_nodes;
    int root;
    double *nums;
    size_t n_nums, cap_nums;
    strlit *strs;
    size_t n_strs, cap_strs;
    knee__regex **regexes;
    size_t n_regexes, cap_regexes;
    int *facts; /* distinct fact indices read, in first-use order */
    size_t n_facts, cap_facts;
    char *pool; /* decoded string literals */
    size_t pool_used, pool_cap;
    knee__region_set *rsets; /* the sets of codes region conditions name */
    size_t n_rsets, cap_rsets;
    const knee__regions *regions; /* the rule file's groups, for a patient's value */
};

/* ---- lexer -------------------------------------------------------------------------------- */

enum {
    T_EOF,
    T_NUM,
    T_STR,
    T_IDENT,
    T_AND,
    T_OR,
    T_NOT,
    T_IN,
    T_TRUE,
    T_FALSE,
    T_KNOWN,
    T_LPAREN,
    T_RPAREN,
    T_LBRACK,
    T_RBRACK,
    T_COMMA,
    T_DOTDOT,
    T_LT,
    T_LE,
    T_GT,
    T_GE,
    T_EQ,
    T_NE,
    T_TILDE
};

typedef struct token {
    int kind;
    size_t off, len; /* raw bytes in the text (a string token includes its quotes) */
    double num;      /* T_NUM */
} token;

static const struct {
    const char *word;
    int kind;
} keywords[] = {
    {"and", T_AND},   {"or", T_OR},       {"not", T_NOT},     {"in", T_IN},
    {"true", T_TRUE}, {"false", T_FALSE}, {"known", T_KNOWN},
};

static const char *const fact_type_names[] = {"", "number", "integer", "boolean", "string", "set"};

typedef struct parser {
    const char *text;
    size_t len, pos;
    token tok; /* the lookahead */
    knee__expr *e;
    knee__fact_lookup lookup;
    void *lookup_ctx;
    size_t depth, max_depth, user_max_depth;
    locale_t c_locale; /* (locale_t)0 until the first number */
    knee__expr_error *err;
} parser;

/* A parsed operand or sub-expression: its type, how to get its value, and where it starts. */
typedef struct pval {
    int type; /* VT_* */
    operand o;
    size_t off;
    int fact_type;             /* KNEE_FACT_* when o.kind == OPD_FACT */
    size_t name_off, name_len; /* the fact's name in the text, for messages */
} pval;

static int fail(parser *p, int rc, const char *code, size_t off, const char *fmt, ...)
    KNEE__PRINTF(5, 6);

static int fail(parser *p, int rc, const char *code, size_t off, const char *fmt, ...)
{
    va_list ap;
    if (p->err->code) /* the first problem found is the one reported */
        return rc;
    p->err->code = code;
    p->err->offset = off;
    va_start(ap, fmt);
    vsnprintf(p->err->message, sizeof p->err->message, fmt, ap);
    va_end(ap);
    return rc;
}

static int nomem(parser *p)
{
    return fail(p, KNEE_ENOMEM, "out-of-memory", p->tok.off, "out of memory");
}

static int syntax(parser *p, size_t off, const char *fmt, ...) KNEE__PRINTF(3, 4);

static int syntax(parser *p, size_t off, const char *fmt, ...)
{
    va_list ap;
    char msg[sizeof p->err->message];
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return fail(p, KNEE_EINVALID, "expr-syntax", off, "%s", msg);
}

static int type_error(parser *p, size_t off, const char *fmt, ...) KNEE__PRINTF(3, 4);

static int type_error(parser *p, size_t off, const char *fmt, ...)
{
    va_list ap;
    char msg[sizeof p->err->message];
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return fail(p, KNEE_EINVALID, "expr-type", off, "%s", msg);
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_ident_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_ident_char(char c)
{
    return is_ident_start(c) || is_digit(c);
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Quote at most 40 bytes of text for a message, never cutting a UTF-8 sequence in two. */
static const char *quote(char *buf, size_t n, const char *s, size_t len)
{
    if (len > 40) {
        size_t cut = 40;
        while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
            cut--;
        snprintf(buf, n, "'%.*s...'", (int)cut, s);
    } else {
        snprintf(buf, n, "'%.*s'", (int)len, s);
    }
    return buf;
}

/* The lookahead, for "expected X but found Y". */
static const char *found(const parser *p, char *buf, size_t n)
{
    if (p->tok.kind == T_EOF)
        return "the end of the condition";
    if (p->tok.kind == T_STR) { /* already in quotes */
        if (p->tok.len > 40)
            return "a string";
        snprintf(buf, n, "%.*s", (int)p->tok.len, p->text + p->tok.off);
        return buf;
    }
    return quote(buf, n, p->text + p->tok.off, p->tok.len);
}

static int lex_number(parser *p, size_t i)
{
    const char *t = p->text;
    size_t n = p->len, j = i, k;
    char buf[128], q[64], *end;
    double v;
    int bad = 0;
    if (t[j] == '-' || t[j] == '+')
        j++;
    while (j < n && is_digit(t[j]))
        j++;
    if (j < n && t[j] == '.' && !(j + 1 < n && t[j + 1] == '.')) {
        if (j + 1 < n && is_digit(t[j + 1])) {
            j++;
            while (j < n && is_digit(t[j]))
                j++;
        } else {
            bad = 1;
        }
    }
    if (!bad && j < n && (t[j] == 'e' || t[j] == 'E')) {
        k = j + 1;
        if (k < n && (t[k] == '-' || t[k] == '+'))
            k++;
        if (k < n && is_digit(t[k])) {
            while (k < n && is_digit(t[k]))
                k++;
            j = k;
        } else {
            bad = 1;
        }
    }
    /* A number runs into nothing but a blank or punctuation: "12abc" or "1.2.3" is one mistake,
     * reported as a whole. */
    if (!bad && j < n && (is_ident_char(t[j]) || (t[j] == '.' && !(j + 1 < n && t[j + 1] == '.'))))
        bad = 1;
    if (bad) {
        while (j < n && (is_ident_char(t[j]) || t[j] == '.' || t[j] == '+' || t[j] == '-'))
            j++;
        return syntax(p, i, "malformed number %s", quote(q, sizeof q, t + i, j - i));
    }
    if (j - i >= sizeof buf)
        return syntax(p, i, "number %s has too many digits", quote(q, sizeof q, t + i, j - i));
    memcpy(buf, t + i, j - i);
    buf[j - i] = '\0';
    /* strtod would follow LC_NUMERIC (a comma-decimal host locale would stop at the '.'). In
     * glibc, newlocale() for "C" returns a static object: nothing is allocated or changed. */
    if (p->c_locale == (locale_t)0) {
        p->c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
        if (p->c_locale == (locale_t)0)
            return nomem(p);
    }
    v = strtod_l(buf, &end, p->c_locale);
    if (end != buf + (j - i))
        return syntax(p, i, "malformed number %s", quote(q, sizeof q, t + i, j - i));
    if (!isfinite(v))
        return syntax(p, i, "number %s is out of range", quote(q, sizeof q, t + i, j - i));
    p->tok.kind = T_NUM;
    p->tok.len = j - i;
    p->tok.num = v;
    p->pos = j;
    return KNEE_OK;
}

/* The punctuation token at t[i], or a syntax error that says what to write instead. */
static int lex_punct(parser *p, size_t i)
{
    const char *t = p->text;
    size_t n = p->len;
    char c = t[i], q[64];
    p->pos = i + 1;
    switch (c) {
    case '(':
        p->tok.kind = T_LPAREN;
        return KNEE_OK;
    case ')':
        p->tok.kind = T_RPAREN;
        return KNEE_OK;
    case '[':
        p->tok.kind = T_LBRACK;
        return KNEE_OK;
    case ']':
        p->tok.kind = T_RBRACK;
        return KNEE_OK;
    case ',':
        p->tok.kind = T_COMMA;
        return KNEE_OK;
    case '~':
        p->tok.kind = T_TILDE;
        return KNEE_OK;
    case '.':
        if (i + 1 < n && t[i + 1] == '.') {
            p->tok.kind = T_DOTDOT;
            p->tok.len = 2;
            p->pos = i + 2;
            return KNEE_OK;
        }
        if (i + 1 < n && is_digit(t[i + 1]))
            return syntax(p, i,
                          "a number needs a digit before the decimal point (write 0.5, "
                          "not .5)");
        break;
    case '<':
    case '>':
        if (i + 1 < n && t[i + 1] == '=') {
            p->tok.kind = c == '<' ? T_LE : T_GE;
            p->tok.len = 2;
            p->pos = i + 2;
        } else {
            p->tok.kind = c == '<' ? T_LT : T_GT;
        }
        return KNEE_OK;
    case '=':
        if (i + 1 < n && t[i + 1] == '=')
            return syntax(p, i, "'==' is not an operator: write '=' to compare");
        p->tok.kind = T_EQ;
        return KNEE_OK;
    case '!':
        if (i + 1 < n && t[i + 1] == '=') {
            p->tok.kind = T_NE;
            p->tok.len = 2;
            p->pos = i + 2;
            return KNEE_OK;
        }
        return syntax(p, i, "'!' is not an operator: write 'not' (or '!=' to compare)");
    case '&':
        return syntax(p, i, "'&' is not an operator: write 'and'");
    case '|':
        return syntax(p, i, "'|' is not an operator: write 'or'");
    default:
        break;
    }
    if ((unsigned char)c < 0x20 || (unsigned char)c >= 0x7f)
        return syntax(p, i, "unexpected byte 0x%02X", (unsigned)(unsigned char)c);
    return syntax(p, i, "unexpected character %s", quote(q, sizeof q, t + i, 1));
}

/* Read the next token into p->tok. */
static int lex(parser *p)
{
    const char *t = p->text;
    size_t n = p->len, i = p->pos, j;
    char c;
    while (i < n && is_blank(t[i]))
        i++;
    p->tok.off = i;
    p->tok.len = 1;
    p->tok.num = 0;
    if (i >= n) {
        p->tok.kind = T_EOF;
        p->tok.len = 0;
        p->pos = n;
        return KNEE_OK;
    }
    c = t[i];
    if (is_digit(c) || ((c == '-' || c == '+') && i + 1 < n && is_digit(t[i + 1])))
        return lex_number(p, i);
    if (is_ident_start(c)) {
        size_t k;
        j = i;
        while (j < n && is_ident_char(t[j]))
            j++;
        p->tok.kind = T_IDENT;
        p->tok.len = j - i;
        for (k = 0; k < sizeof keywords / sizeof keywords[0]; k++)
            if (strlen(keywords[k].word) == j - i && memcmp(keywords[k].word, t + i, j - i) == 0)
                p->tok.kind = keywords[k].kind;
        p->pos = j;
        return KNEE_OK;
    }
    if (c == '\'' || c == '"') {
        j = i + 1;
        while (j < n && t[j] != c)
            j += (t[j] == '\\' && j + 1 < n) ? 2 : 1;
        if (j >= n)
            return syntax(p, i, "unterminated string: no closing %s", c == '\'' ? "'" : "\"");
        p->tok.kind = T_STR;
        p->tok.len = j + 1 - i;
        p->pos = j + 1;
        return KNEE_OK;
    }
    return lex_punct(p, i);
}

/* ---- building the compiled form ------------------------------------------------------------ */

static int new_node(parser *p, int kind, int *idx)
{
    knee__expr *e = p->e;
    node *nd;
    if (e->n_nodes >= (size_t)INT_MAX ||
        knee__grow((void **)&e->nodes, &e->cap_nodes, e->n_nodes + 1, sizeof *e->nodes) != KNEE_OK)
        return nomem(p);
    nd = &e->nodes[e->n_nodes];
    memset(nd, 0, sizeof *nd);
    nd->kind = (unsigned char)kind;
    nd->fact = -1;
    nd->child = -1;
    nd->next = -1;
    nd->re = -1;
    *idx = (int)e->n_nodes++;
    return KNEE_OK;
}

static int note_fact(parser *p, int f)
{
    knee__expr *e = p->e;
    size_t k;
    for (k = 0; k < e->n_facts; k++)
        if (e->facts[k] == f)
            return KNEE_OK;
    if (knee__grow((void **)&e->facts, &e->cap_facts, e->n_facts + 1, sizeof *e->facts) != KNEE_OK)
        return nomem(p);
    e->facts[e->n_facts++] = f;
    return KNEE_OK;
}

static int is_escape(char c)
{
    return c == '\\' || c == '\'' || c == '"';
}

/* Decode the string token into the pool. \\ \' \" are escapes; a backslash before any other
 * character is kept as written, so that regex escapes such as '\d' or '\.' read naturally. */
static int decode_string(parser *p, const char **s, size_t *len)
{
    knee__expr *e = p->e;
    const char *t = p->text + p->tok.off + 1;
    size_t n = p->tok.len - 2, i;
    char *w;
    if (!e->pool) {
        e->pool_cap = p->len + 1;
        e->pool = knee__malloc(e->pool_cap);
        if (!e->pool)
            return nomem(p);
    }
    /* Decoded literals plus their NULs never outgrow the text: each has two quotes. */
    w = e->pool + e->pool_used;
    *s = w;
    for (i = 0; i < n; i++) {
        if (t[i] == '\\' && i + 1 < n && is_escape(t[i + 1]))
            i++;
        *w++ = t[i];
    }
    *w = '\0';
    *len = (size_t)(w - *s);
    e->pool_used += *len + 1;
    return KNEE_OK;
}

/* The text offset of byte `d` of the decoded string token starting at `tok_off`. */
static size_t raw_offset(const parser *p, size_t tok_off, size_t tok_len, size_t d)
{
    const char *t = p->text;
    size_t i = tok_off + 1, end = tok_off + tok_len - 1, dpos = 0;
    while (i < end && dpos < d) {
        if (t[i] == '\\' && i + 1 < end && is_escape(t[i + 1]))
            i += 2;
        else
            i++;
        dpos++;
    }
    return i;
}

/* "number fact 'age'", "a string", "a condition": what an operand is, for messages. */
static const char *describe(const parser *p, const pval *v, char *buf, size_t n)
{
    if (v->o.kind == OPD_FACT) {
        char q[64];
        int ft = v->fact_type >= 1 && v->fact_type <= 5 ? v->fact_type : 0;
        snprintf(buf, n, "%s fact %s",
                 v->fact_type == KNEE__FACT_REGION ? "region" : fact_type_names[ft],
                 quote(q, sizeof q, p->text + v->name_off, v->name_len));
        return buf;
    }
    if (v->o.kind == OPD_NODE)
        return "a condition";
    switch (v->type) {
    case VT_NUM:
        return "a number";
    case VT_STR:
        return "a string";
    default:
        return "a boolean";
    }
}

static int set_misuse(parser *p, const pval *v)
{
    char q[64];
    const char *name = quote(q, sizeof q, p->text + v->name_off, v->name_len);
    return type_error(p, v->off,
                      "set fact %s can only be used on the right of 'in', as in 'value' in %.*s",
                      name, (int)(v->name_len > 40 ? 40 : v->name_len), p->text + v->name_off);
}

/* A boolean pval as a node (a fact or a literal gets a node of its own). `what` names the
 * operator needing it ("and", "or", "not"), or NULL for the whole condition. */
static int as_node(parser *p, const pval *v, const char *what, int *idx)
{
    int rc;
    if (v->type != VT_BOOL) {
        char d[128];
        if (v->type == VT_SET)
            return set_misuse(p, v);
        if (what)
            return type_error(p, v->off, "'%s' needs true/false operands, not %s", what,
                              describe(p, v, d, sizeof d));
        return type_error(p, v->off, "a condition must be true or false, not %s",
                          describe(p, v, d, sizeof d));
    }
    if (v->o.kind == OPD_NODE) {
        *idx = v->o.index;
        return KNEE_OK;
    }
    rc = new_node(p, v->o.kind == OPD_FACT ? NK_FACT : NK_CONST, idx);
    if (rc != KNEE_OK)
        return rc;
    if (v->o.kind == OPD_FACT)
        p->e->nodes[*idx].fact = v->o.index;
    else
        p->e->nodes[*idx].value = v->o.index ? KNEE__TRUE : KNEE__FALSE;
    return KNEE_OK;
}

static void node_result(pval *v, int idx)
{
    v->type = VT_BOOL;
    memset(&v->o, 0, sizeof v->o);
    v->o.kind = OPD_NODE;
    v->o.index = idx;
}

static int enter(parser *p, size_t off)
{
    if (++p->depth > p->max_depth) {
        if (p->max_depth < p->user_max_depth)
            return fail(p, KNEE_ELIMIT, "limit-expr", off,
                        "condition nests deeper than %lu levels (the most supported)",
                        (unsigned long)p->max_depth);
        return fail(p, KNEE_ELIMIT, "limit-expr", off,
                    "condition nests deeper than the limit of %lu levels",
                    (unsigned long)p->max_depth);
    }
    return KNEE_OK;
}

/* ---- parser ------------------------------------------------------------------------------- */

static int parse_or(parser *p, pval *v);

/* Resolve the identifier token as a fact; fills v as a fact operand. */
static int parse_fact(parser *p, pval *v)
{
    int type = 0, f;
    char q[64];
    f = p->lookup(p->lookup_ctx, p->text + p->tok.off, p->tok.len, &type);
    if (f < 0)
        return fail(p, KNEE_EINVALID, "expr-unknown-fact", p->tok.off, "unknown fact %s",
                    quote(q, sizeof q, p->text + p->tok.off, p->tok.len));
    memset(v, 0, sizeof *v);
    switch (type) {
    case KNEE_FACT_NUMBER:
    case KNEE_FACT_INTEGER:
        v->type = VT_NUM;
        break;
    case KNEE_FACT_BOOLEAN:
        v->type = VT_BOOL;
        break;
    case KNEE_FACT_STRING:
        v->type = VT_STR;
        break;
    case KNEE_FACT_SET:
        v->type = VT_SET;
        break;
    case KNEE__FACT_REGION:
        v->type = VT_REGION;
        break;
    default:
        return type_error(p, p->tok.off, "fact %s has an unsupported type",
                          quote(q, sizeof q, p->text + p->tok.off, p->tok.len));
    }
    v->o.kind = OPD_FACT;
    v->o.index = f;
    v->off = p->tok.off;
    v->fact_type = type;
    v->name_off = p->tok.off;
    v->name_len = p->tok.len;
    return note_fact(p, f);
}

static int parse_operand(parser *p, pval *v)
{
    int rc, idx;
    char q[64];
    memset(v, 0, sizeof *v);
    v->off = p->tok.off;
    switch (p->tok.kind) {
    case T_NUM:
        v->type = VT_NUM;
        v->o.kind = OPD_LIT;
        v->o.num = p->tok.num;
        return lex(p);
    case T_STR:
        v->type = VT_STR;
        v->o.kind = OPD_LIT;
        rc = decode_string(p, &v->o.str, &v->o.len);
        return rc != KNEE_OK ? rc : lex(p);
    case T_TRUE:
    case T_FALSE:
        v->type = VT_BOOL;
        v->o.kind = OPD_LIT;
        v->o.index = p->tok.kind == T_TRUE;
        return lex(p);
    case T_IDENT:
        rc = parse_fact(p, v);
        return rc != KNEE_OK ? rc : lex(p);
    case T_KNOWN: {
        pval f;
        size_t off = p->tok.off;
        if ((rc = lex(p)) != KNEE_OK)
            return rc;
        if (p->tok.kind != T_LPAREN)
            return syntax(p, p->tok.off, "expected '(' after 'known' but found %s",
                          found(p, q, sizeof q));
        if ((rc = lex(p)) != KNEE_OK)
            return rc;
        if (p->tok.kind != T_IDENT)
            return syntax(p, p->tok.off, "expected a fact name in 'known(...)' but found %s",
                          found(p, q, sizeof q));
        if ((rc = parse_fact(p, &f)) != KNEE_OK || (rc = lex(p)) != KNEE_OK)
            return rc;
        if (p->tok.kind != T_RPAREN)
            return syntax(p, p->tok.off, "expected ')' but found %s", found(p, q, sizeof q));
        if ((rc = new_node(p, NK_KNOWN, &idx)) != KNEE_OK)
            return rc;
        p->e->nodes[idx].fact = f.o.index;
        node_result(v, idx);
        v->off = off;
        return lex(p);
    }
    case T_LPAREN: {
        size_t off = p->tok.off;
        if ((rc = enter(p, off)) != KNEE_OK || (rc = lex(p)) != KNEE_OK)
            return rc;
        if ((rc = parse_or(p, v)) != KNEE_OK)
            return rc;
        p->depth--;
        if (p->tok.kind != T_RPAREN)
            return syntax(p, p->tok.off, "expected ')' but found %s", found(p, q, sizeof q));
        v->off = off;
        return lex(p);
    }
    default:
        return syntax(p, p->tok.off, "expected a value but found %s", found(p, q, sizeof q));
    }
}

static int cmp_op(int kind)
{
    switch (kind) {
    case T_LT:
        return OP_LT;
    case T_LE:
        return OP_LE;
    case T_GT:
        return OP_GT;
    case T_GE:
        return OP_GE;
    case T_EQ:
        return OP_EQ;
    case T_NE:
        return OP_NE;
    default:
        return -1;
    }
}

static int parse_comparison(parser *p, pval *v, int op)
{
    static const char *const op_text[] = {"<", "<=", ">", ">=", "=", "!="};
    pval r;
    int rc, idx;
    size_t op_off = p->tok.off;
    node *nd;
    char d1[128], d2[128];
    if ((rc = lex(p)) != KNEE_OK || (rc = parse_operand(p, &r)) != KNEE_OK)
        return rc;
    if (v->type == VT_SET)
        return set_misuse(p, v);
    if (r.type == VT_SET)
        return set_misuse(p, &r);
    if (v->type != r.type)
        return type_error(p, r.off, "cannot compare %s with %s", describe(p, v, d1, sizeof d1),
                          describe(p, &r, d2, sizeof d2));
    if (v->type != VT_NUM && op != OP_EQ && op != OP_NE)
        return type_error(p, op_off,
                          "'%s' compares numbers; %s can only be compared with '=' "
                          "and '!='",
                          op_text[op], v->type == VT_STR ? "strings" : "true/false values");
    if ((rc = new_node(p, NK_CMP, &idx)) != KNEE_OK)
        return rc;
    nd = &p->e->nodes[idx];
    nd->op = (unsigned char)op;
    nd->vtype = (unsigned char)v->type;
    nd->a = v->o;
    nd->b = r.o;
    node_result(v, idx);
    return KNEE_OK;
}

static int parse_in_list(parser *p, pval *v)
{
    knee__expr *e = p->e;
    int rc, idx;
    size_t off, n = 0;
    char d1[128], q[64];
    if (v->type == VT_SET)
        return set_misuse(p, v);
    if (v->type != VT_NUM && v->type != VT_STR)
        return type_error(p, v->off, "'in [...]' needs a number or a string on its left, not %s",
                          describe(p, v, d1, sizeof d1));
    off = v->type == VT_NUM ? e->n_nums : e->n_strs;
    for (;;) {
        if ((rc = lex(p)) != KNEE_OK)
            return rc;
        if (p->tok.kind != T_NUM && p->tok.kind != T_STR)
            return syntax(p, p->tok.off, "expected a number or a string in the list but found %s",
                          found(p, q, sizeof q));
        if ((p->tok.kind == T_NUM) != (v->type == VT_NUM))
            return type_error(p, p->tok.off, "cannot compare %s with %s",
                              describe(p, v, d1, sizeof d1),
                              p->tok.kind == T_NUM ? "a number" : "a string");
        if (v->type == VT_NUM) {
            if (knee__grow((void **)&e->nums, &e->cap_nums, e->n_nums + 1, sizeof *e->nums))
                return nomem(p);
            e->nums[e->n_nums++] = p->tok.num;
        } else {
            strlit s;
            if (knee__grow((void **)&e->strs, &e->cap_strs, e->n_strs + 1, sizeof *e->strs))
                return nomem(p);
            if ((rc = decode_string(p, &s.s, &s.len)) != KNEE_OK)
                return rc;
            e->strs[e->n_strs++] = s;
        }
        n++;
        if ((rc = lex(p)) != KNEE_OK)
            return rc;
        if (p->tok.kind == T_RBRACK)
            break;
        if (p->tok.kind != T_COMMA)
            return syntax(p, p->tok.off, "expected ',' or ']' in the list but found %s",
                          found(p, q, sizeof q));
    }
    if ((rc = new_node(p, NK_IN_LIST, &idx)) != KNEE_OK)
        return rc;
    e->nodes[idx].vtype = (unsigned char)v->type;
    e->nodes[idx].a = v->o;
    e->nodes[idx].list_off = off;
    e->nodes[idx].list_n = n;
    node_result(v, idx);
    return lex(p);
}

static int parse_in_range(parser *p, pval *v)
{
    int rc, idx;
    double lo, hi;
    size_t lo_off = p->tok.off;
    char d1[128], q[64];
    if (v->type == VT_SET)
        return set_misuse(p, v);
    if (v->type != VT_NUM)
        return type_error(p, v->off, "a range needs a number on the left of 'in', not %s",
                          describe(p, v, d1, sizeof d1));
    lo = p->tok.num;
    if ((rc = lex(p)) != KNEE_OK)
        return rc;
    if (p->tok.kind != T_DOTDOT)
        return syntax(p, p->tok.off, "expected '..' in the range but found %s",
                      found(p, q, sizeof q));
    if ((rc = lex(p)) != KNEE_OK)
        return rc;
    if (p->tok.kind != T_NUM)
        return syntax(p, p->tok.off, "expected a number after '..' but found %s",
                      found(p, q, sizeof q));
    hi = p->tok.num;
    if (lo > hi)
        return syntax(p, lo_off, "empty range %s: the low end is greater than the high end",
                      quote(q, sizeof q, p->text + lo_off, p->tok.off + p->tok.len - lo_off));
    if ((rc = new_node(p, NK_IN_RANGE, &idx)) != KNEE_OK)
        return rc;
    p->e->nodes[idx].a = v->o;
    p->e->nodes[idx].lo = lo;
    p->e->nodes[idx].hi = hi;
    node_result(v, idx);
    return lex(p);
}

static int parse_in_set(parser *p, pval *v)
{
    pval s;
    int rc, idx;
    char d1[128], q[64];
    if ((rc = parse_fact(p, &s)) != KNEE_OK)
        return rc;
    if (s.type != VT_SET)
        return type_error(p, s.off,
                          "'in' needs a list, a range or a set fact on its right, but "
                          "%s is a %s fact",
                          quote(q, sizeof q, p->text + s.name_off, s.name_len),
                          fact_type_names[s.fact_type]);
    if (v->type == VT_SET)
        return set_misuse(p, v);
    if (v->type != VT_STR)
        return type_error(p, v->off,
                          "membership in set fact %s needs a string on the left of "
                          "'in', not %s",
                          quote(q, sizeof q, p->text + s.name_off, s.name_len),
                          describe(p, v, d1, sizeof d1));
    if ((rc = new_node(p, NK_IN_SET, &idx)) != KNEE_OK)
        return rc;
    p->e->nodes[idx].a = v->o;
    p->e->nodes[idx].fact = s.o.index;
    node_result(v, idx);
    return lex(p);
}

static int parse_match(parser *p, pval *v)
{
    knee__expr *e = p->e;
    int rc, idx;
    const char *pat;
    size_t pat_len, err_off = 0, tok_off, tok_len;
    char d1[128], q[64], msg[200];
    knee__regex *re = NULL;
    if (v->type == VT_SET)
        return set_misuse(p, v);
    if (v->type != VT_STR)
        return type_error(p, v->off, "'~' matches strings, not %s", describe(p, v, d1, sizeof d1));
    if ((rc = lex(p)) != KNEE_OK)
        return rc;
    if (p->tok.kind != T_STR)
        return syntax(p, p->tok.off, "expected a pattern in quotes after '~' but found %s",
                      found(p, q, sizeof q));
    tok_off = p->tok.off;
    tok_len = p->tok.len;
    if ((rc = decode_string(p, &pat, &pat_len)) != KNEE_OK)
        return rc;
    if (knee__grow((void **)&e->regexes, &e->cap_regexes, e->n_regexes + 1, sizeof *e->regexes))
        return nomem(p);
    msg[0] = '\0';
    rc = knee__regex_compile(&re, pat, pat_len, &err_off, msg, sizeof msg);
    if (rc == KNEE_ENOMEM)
        return nomem(p);
    if (rc != KNEE_OK)
        return fail(p, KNEE_EINVALID, "regex-invalid", raw_offset(p, tok_off, tok_len, err_off),
                    "invalid pattern: %s (at byte %lu of the pattern)", msg,
                    (unsigned long)err_off);
    e->regexes[e->n_regexes++] = re;
    if ((rc = new_node(p, NK_MATCH, &idx)) != KNEE_OK)
        return rc;
    e->nodes[idx].a = v->o;
    e->nodes[idx].re = (int)(e->n_regexes - 1);
    node_result(v, idx);
    return lex(p);
}

/* ---- conditions on region facts (region.h) ---- */

/* Add the code or group the string token names to *in; an error at the token if it is neither. */
static int region_literal(parser *p, knee__region_set *in)
{
    knee__region_set one;
    const char *s;
    size_t len, k, off = p->tok.off, tok_len = p->tok.len;
    char q[64];
    int rc;
    if ((rc = decode_string(p, &s, &len)) != KNEE_OK)
        return rc;
    if (knee__region_resolve(p->e->regions, s, len, &one, NULL) != 0)
        return fail(p, KNEE_EINVALID, "expr-region", off,
                    "%s is not an ISO 3166-1 alpha-2 country code or a region group of this rule "
                    "file",
                    quote(q, sizeof q, p->text + off, tok_len));
    for (k = 0; k < KNEE__REGION_WORDS; k++)
        in->w[k] |= one.w[k];
    return KNEE_OK;
}

/* region = 'de' | region != 'de' | region in ['de', 'eu', ...] | region in eu: is the patient's
 * region (a code, or a group: a set of codes) inside the codes named? */
static int parse_region(parser *p, pval *v)
{
    knee__expr *e = p->e;
    knee__region_set in;
    int rc, idx, op = cmp_op(p->tok.kind);
    char q[64];
    memset(&in, 0, sizeof in);
    if (op == OP_EQ || op == OP_NE) {
        if ((rc = lex(p)) != KNEE_OK)
            return rc;
        if (p->tok.kind != T_STR)
            return type_error(p, p->tok.off,
                              "a region fact is compared with a code or group in quotes ('de', "
                              "'eu'), not %s",
                              found(p, q, sizeof q));
        if ((rc = region_literal(p, &in)) != KNEE_OK)
            return rc;
    } else if (p->tok.kind == T_IN) {
        if ((rc = lex(p)) != KNEE_OK)
            return rc;
        if (p->tok.kind == T_IDENT) {
            const knee__region_group *g =
                knee__region_group_find(e->regions, p->text + p->tok.off, p->tok.len);
            if (!g)
                return fail(p, KNEE_EINVALID, "expr-region", p->tok.off,
                            "%s is not a region group of this rule file",
                            quote(q, sizeof q, p->text + p->tok.off, p->tok.len));
            in = g->set;
        } else if (p->tok.kind == T_LBRACK) {
            do {
                if ((rc = lex(p)) != KNEE_OK)
                    return rc;
                if (p->tok.kind != T_STR)
                    return syntax(p, p->tok.off,
                                  "expected a code or group in quotes in the list "
                                  "but found %s",
                                  found(p, q, sizeof q));
                if ((rc = region_literal(p, &in)) != KNEE_OK || (rc = lex(p)) != KNEE_OK)
                    return rc;
            } while (p->tok.kind == T_COMMA);
            if (p->tok.kind != T_RBRACK)
                return syntax(p, p->tok.off, "expected ',' or ']' in the list but found %s",
                              found(p, q, sizeof q));
        } else {
            return syntax(p, p->tok.off,
                          "expected a region group or a list after 'in' but "
                          "found %s",
                          found(p, q, sizeof q));
        }
        op = OP_EQ;
    } else if (op >= 0 || p->tok.kind == T_TILDE) {
        return type_error(p, p->tok.off,
                          "a region fact is compared with '=', '!=' or 'in' (a code, a list or a "
                          "region group), not %s",
                          found(p, q, sizeof q));
    } else {
        return KNEE_OK; /* alone: as_node reports it */
    }
    if (knee__grow((void **)&e->rsets, &e->cap_rsets, e->n_rsets + 1, sizeof *e->rsets))
        return nomem(p);
    e->rsets[e->n_rsets] = in;
    if ((rc = new_node(p, NK_IN_REGION, &idx)) != KNEE_OK)
        return rc;
    e->nodes[idx].op = (unsigned char)op;
    e->nodes[idx].a = v->o;
    e->nodes[idx].list_off = e->n_rsets++;
    node_result(v, idx);
    return lex(p);
}

/* cmp := operand [ op operand | 'in' ( list | range | set_fact ) | '~' pattern ] */
static int parse_cmp(parser *p, pval *v)
{
    int rc, op;
    char q[64];
    if ((rc = parse_operand(p, v)) != KNEE_OK)
        return rc;
    if (v->type == VT_REGION)
        return parse_region(p, v);
    op = cmp_op(p->tok.kind);
    if (op >= 0)
        return parse_comparison(p, v, op);
    if (p->tok.kind == T_TILDE)
        return parse_match(p, v);
    if (p->tok.kind != T_IN)
        return KNEE_OK;
    if ((rc = lex(p)) != KNEE_OK)
        return rc;
    switch (p->tok.kind) {
    case T_LBRACK:
        return parse_in_list(p, v);
    case T_NUM:
        return parse_in_range(p, v);
    case T_IDENT:
        return parse_in_set(p, v);
    default:
        return syntax(p, p->tok.off, "expected '[', a range or a set fact after 'in' but found %s",
                      found(p, q, sizeof q));
    }
}

static int parse_not(parser *p, pval *v)
{
    int rc, child, idx;
    size_t off;
    pval x;
    if (p->tok.kind != T_NOT)
        return parse_cmp(p, v);
    off = p->tok.off;
    if ((rc = enter(p, off)) != KNEE_OK || (rc = lex(p)) != KNEE_OK ||
        (rc = parse_not(p, &x)) != KNEE_OK)
        return rc;
    p->depth--;
    if ((rc = as_node(p, &x, "not", &child)) != KNEE_OK || (rc = new_node(p, NK_NOT, &idx)))
        return rc;
    p->e->nodes[idx].child = child;
    memset(v, 0, sizeof *v);
    node_result(v, idx);
    v->off = off;
    return KNEE_OK;
}

/* and := not ('and' not)*   or := and ('or' and)*  (one n-ary node per chain) */
static int parse_chain(parser *p, pval *v, int tok, int kind, const char *word,
                       int (*sub)(parser *, pval *))
{
    int rc, first, last, idx, k;
    size_t off;
    pval x;
    if ((rc = sub(p, v)) != KNEE_OK || p->tok.kind != tok)
        return rc;
    off = v->off;
    if ((rc = as_node(p, v, word, &first)) != KNEE_OK || (rc = new_node(p, kind, &idx)))
        return rc;
    p->e->nodes[idx].child = first;
    last = first;
    while (p->tok.kind == tok) {
        if ((rc = lex(p)) != KNEE_OK || (rc = sub(p, &x)) != KNEE_OK ||
            (rc = as_node(p, &x, word, &k)) != KNEE_OK)
            return rc;
        p->e->nodes[last].next = k;
        last = k;
    }
    memset(v, 0, sizeof *v);
    node_result(v, idx);
    v->off = off;
    return KNEE_OK;
}

static int parse_and(parser *p, pval *v)
{
    return parse_chain(p, v, T_AND, NK_AND, "and", parse_not);
}

static int parse_or(parser *p, pval *v)
{
    return parse_chain(p, v, T_OR, NK_OR, "or", parse_and);
}

/* ---- compile / free ----------------------------------------------------------------------- */

void knee__expr_free(knee__expr *e)
{
    size_t i;
    if (!e)
        return;
    for (i = 0; i < e->n_regexes; i++)
        knee__regex_free(e->regexes[i]);
    knee__dealloc(e->regexes);
    knee__dealloc(e->nodes);
    knee__dealloc(e->nums);
    knee__dealloc(e->strs);
    knee__dealloc(e->facts);
    knee__dealloc(e->pool);
    knee__dealloc(e->rsets);
    knee__dealloc(e);
}

int knee__expr_compile(knee__expr **out, const char *text, size_t len, knee__fact_lookup lookup,
                       void *lookup_ctx, const knee__expr_limits *limits, knee__expr_error *err)
{
    return knee__expr_compile_regions(out, text, len, lookup, lookup_ctx, NULL, limits, err);
}

int knee__expr_compile_regions(knee__expr **out, const char *text, size_t len,
                               knee__fact_lookup lookup, void *lookup_ctx,
                               const knee__regions *regions, const knee__expr_limits *limits,
                               knee__expr_error *err)
{
    parser p;
    knee__expr_error dummy;
    pval v;
    int rc;
    size_t max_bytes = limits ? limits->max_bytes : DEFAULT_MAX_BYTES;
    char q[64];

    if (!err)
        err = &dummy;
    memset(err, 0, sizeof *err);
    if (out)
        *out = NULL;
    if (!out || !lookup || (!text && len)) {
        err->code = "expr-syntax";
        snprintf(err->message, sizeof err->message, "invalid arguments");
        return KNEE_EINVAL;
    }
    if (!text)
        text = "";

    memset(&p, 0, sizeof p);
    p.text = text;
    p.len = len;
    p.lookup = lookup;
    p.lookup_ctx = lookup_ctx;
    p.err = err;
    p.user_max_depth = limits ? limits->max_depth : DEFAULT_MAX_DEPTH;
    p.max_depth = p.user_max_depth < DEPTH_CEILING ? p.user_max_depth : DEPTH_CEILING;

    /* Too long is refused before any byte is read. */
    if (len > max_bytes)
        return fail(&p, KNEE_ELIMIT, "limit-expr", max_bytes,
                    "condition is %lu bytes long; the limit is %lu", (unsigned long)len,
                    (unsigned long)max_bytes);

    p.e = knee__calloc(1, sizeof *p.e);
    if (!p.e)
        return nomem(&p);
    p.e->root = -1;
    p.e->regions = regions;

    if ((rc = lex(&p)) != KNEE_OK)
        goto out;
    if (p.tok.kind == T_EOF) {
        rc = syntax(&p, 0, "the condition is empty");
        goto out;
    }
    if ((rc = parse_or(&p, &v)) != KNEE_OK)
        goto out;
    if (p.tok.kind != T_EOF) {
        rc = syntax(&p, p.tok.off,
                    "expected an operator, 'and', 'or' or the end of the condition but found %s",
                    found(&p, q, sizeof q));
        goto out;
    }
    if ((rc = as_node(&p, &v, NULL, &p.e->root)) != KNEE_OK)
        goto out;
    /* Give back the unused tail of the node array; a failed shrink changes nothing. */
    if (p.e->cap_nodes > p.e->n_nodes) {
        node *nn = knee__realloc(p.e->nodes, p.e->n_nodes * sizeof *nn);
        if (nn) {
            p.e->nodes = nn;
            p.e->cap_nodes = p.e->n_nodes;
        }
    }
    *out = p.e;
    p.e = NULL;
    rc = KNEE_OK;
out:
    if (p.c_locale != (locale_t)0)
        freelocale(p.c_locale);
    knee__expr_free(p.e);
    return rc;
}

/* ---- evaluation --------------------------------------------------------------------------- */

/* Nothing here allocates: a compiled expression is read-only and evaluation state is on the
 * stack (and, for matches, in the caller's scratch). */

static int get_num(const operand *o, const knee__factval *facts, double *x)
{
    if (o->kind == OPD_LIT) {
        *x = o->num;
        return 1;
    }
    if (!facts[o->index].known)
        return 0;
    *x = facts[o->index].num;
    return 1;
}

static int get_str(const operand *o, const knee__factval *facts, const char **s, size_t *len)
{
    const knee__factval *f;
    if (o->kind == OPD_LIT) {
        *s = o->str;
        *len = o->len;
        return 1;
    }
    f = &facts[o->index];
    if (!f->known)
        return 0;
    *s = f->str ? f->str : "";
    *len = f->str ? f->str_len : 0;
    return 1;
}

static int str_eq(const char *a, size_t alen, const char *b, size_t blen)
{
    return alen == blen && (alen == 0 || memcmp(a, b, alen) == 0);
}

static int truth(int b)
{
    return b ? KNEE__TRUE : KNEE__FALSE;
}

static int eval_node(const knee__expr *e, int idx, const knee__factval *facts,
                     knee__match_scratch *s, char *errbuf, size_t errbuf_len);

static int eval_bool(const knee__expr *e, const operand *o, const knee__factval *facts,
                     knee__match_scratch *s, char *errbuf, size_t errbuf_len)
{
    switch (o->kind) {
    case OPD_LIT:
        return truth(o->index);
    case OPD_FACT:
        if (!facts[o->index].known)
            return KNEE__UNKNOWN;
        return truth(facts[o->index].boolean);
    default:
        return eval_node(e, o->index, facts, s, errbuf, errbuf_len);
    }
}

static int eval_cmp(const knee__expr *e, const node *nd, const knee__factval *facts,
                    knee__match_scratch *s, char *errbuf, size_t errbuf_len)
{
    int eq;
    if (nd->vtype == VT_NUM) {
        double x, y;
        if (!get_num(&nd->a, facts, &x) || !get_num(&nd->b, facts, &y))
            return KNEE__UNKNOWN;
        switch (nd->op) {
        case OP_LT:
            return truth(x < y);
        case OP_LE:
            return truth(x <= y);
        case OP_GT:
            return truth(x > y);
        case OP_GE:
            return truth(x >= y);
        case OP_EQ:
            return truth(x == y);
        default:
            return truth(x != y);
        }
    }
    if (nd->vtype == VT_STR) {
        const char *x, *y;
        size_t xl, yl;
        if (!get_str(&nd->a, facts, &x, &xl) || !get_str(&nd->b, facts, &y, &yl))
            return KNEE__UNKNOWN;
        eq = str_eq(x, xl, y, yl);
    } else {
        int x, y;
        x = eval_bool(e, &nd->a, facts, s, errbuf, errbuf_len);
        if (x < 0 || x == KNEE__UNKNOWN)
            return x;
        y = eval_bool(e, &nd->b, facts, s, errbuf, errbuf_len);
        if (y < 0 || y == KNEE__UNKNOWN)
            return y;
        eq = x == y;
    }
    return truth(nd->op == OP_EQ ? eq : !eq);
}

/* The truth of node idx: KNEE__TRUE, KNEE__FALSE, KNEE__UNKNOWN or a negative error code.
 * Long because: one case per node kind, each a few lines, read side by side; the longer kinds
 * (comparisons) are functions of their own. */
static int eval_node(const knee__expr *e, int idx, const knee__factval *facts,
                     knee__match_scratch *s, char *errbuf, size_t errbuf_len)
{
    const node *nd = &e->nodes[idx];
    switch (nd->kind) {
    case NK_CONST:
        return nd->value;
    case NK_FACT:
        if (!facts[nd->fact].known)
            return KNEE__UNKNOWN;
        return truth(facts[nd->fact].boolean);
    case NK_KNOWN:
        return truth(facts[nd->fact].known);
    case NK_NOT: {
        int t = eval_node(e, nd->child, facts, s, errbuf, errbuf_len);
        if (t < 0 || t == KNEE__UNKNOWN)
            return t;
        return t == KNEE__TRUE ? KNEE__FALSE : KNEE__TRUE;
    }
    case NK_AND:
    case NK_OR: {
        /* Kleene: a decisive operand (false for and, true for or) settles it; otherwise any
         * unknown operand makes the result unknown. Operands after the decisive one are not
         * evaluated. */
        int decisive = nd->kind == NK_AND ? KNEE__FALSE : KNEE__TRUE;
        int result = nd->kind == NK_AND ? KNEE__TRUE : KNEE__FALSE;
        int c;
        for (c = nd->child; c >= 0; c = e->nodes[c].next) {
            int t = eval_node(e, c, facts, s, errbuf, errbuf_len);
            if (t < 0 || t == decisive)
                return t;
            if (t == KNEE__UNKNOWN)
                result = KNEE__UNKNOWN;
        }
        return result;
    }
    case NK_CMP:
        return eval_cmp(e, nd, facts, s, errbuf, errbuf_len);
    case NK_IN_LIST: {
        size_t k;
        if (nd->vtype == VT_NUM) {
            double x;
            if (!get_num(&nd->a, facts, &x))
                return KNEE__UNKNOWN;
            for (k = 0; k < nd->list_n; k++)
                if (e->nums[nd->list_off + k] == x)
                    return KNEE__TRUE;
        } else {
            const char *x;
            size_t xl;
            if (!get_str(&nd->a, facts, &x, &xl))
                return KNEE__UNKNOWN;
            for (k = 0; k < nd->list_n; k++) {
                const strlit *l = &e->strs[nd->list_off + k];
                if (str_eq(x, xl, l->s, l->len))
                    return KNEE__TRUE;
            }
        }
        return KNEE__FALSE;
    }
    case NK_IN_RANGE: {
        double x;
        if (!get_num(&nd->a, facts, &x))
            return KNEE__UNKNOWN;
        return truth(x >= nd->lo && x <= nd->hi);
    }
    case NK_IN_SET: {
        const knee__factval *set = &facts[nd->fact];
        const char *x;
        size_t xl, k;
        if (!get_str(&nd->a, facts, &x, &xl) || !set->known)
            return KNEE__UNKNOWN;
        for (k = 0; k < set->n_members; k++)
            if (set->members[k] && str_eq(x, xl, set->members[k], strlen(set->members[k])))
                return KNEE__TRUE;
        return KNEE__FALSE;
    }
    case NK_MATCH: {
        const char *x;
        size_t xl;
        int m;
        if (!get_str(&nd->a, facts, &x, &xl))
            return KNEE__UNKNOWN;
        m = knee__regex_match(e->regexes[nd->re], x, xl, s, errbuf, errbuf_len);
        if (m < 0)
            return m;
        return truth(m);
    }
    case NK_IN_REGION: {
        const char *x;
        size_t xl;
        knee__region_set value;
        int t;
        if (!get_str(&nd->a, facts, &x, &xl) ||
            knee__region_resolve(e->regions, x, xl, &value, NULL) != 0)
            return KNEE__UNKNOWN;
        t = knee__region_in(&value, &e->rsets[nd->list_off]);
        if (nd->op == OP_NE && t != KNEE__UNKNOWN)
            t = t == KNEE__TRUE ? KNEE__FALSE : KNEE__TRUE;
        return t;
    }
    default:
        if (errbuf && errbuf_len)
            snprintf(errbuf, errbuf_len, "corrupt compiled condition");
        return KNEE_EREGEX;
    }
}

int knee__expr_eval(const knee__expr *e, const knee__factval *facts, knee__match_scratch *scratch,
                    char *errbuf, size_t errbuf_len)
{
    if (!e) /* no condition: always true */
        return KNEE__TRUE;
    return eval_node(e, e->root, facts, scratch, errbuf, errbuf_len);
}

size_t knee__expr_size(const knee__expr *e)
{
    return e ? e->n_nodes + e->n_nums + e->n_strs : 0;
}

size_t knee__expr_fact_count(const knee__expr *e)
{
    return e ? e->n_facts : 0;
}

int knee__expr_fact(const knee__expr *e, size_t k)
{
    if (!e || k >= e->n_facts)
        return -1;
    return e->facts[k];
}

/* ---- literals, for the lint ----------------------------------------------------------------- */

static void literal_pair(const knee__expr *e, const operand *x, const operand *y, int vtype,
                         knee__expr_literal_fn fn, void *ctx)
{
    (void)e;
    if (x->kind != OPD_FACT || y->kind != OPD_LIT)
        return;
    if (vtype == VT_NUM)
        fn(ctx, x->index, 1, y->num, NULL, 0);
    else if (vtype == VT_STR)
        fn(ctx, x->index, 0, 0, y->str, y->len);
}

void knee__expr_literals(const knee__expr *e, knee__expr_literal_fn fn, void *ctx)
{
    size_t i, k;
    if (!e)
        return;
    for (i = 0; i < e->n_nodes; i++) {
        const node *nd = &e->nodes[i];
        switch (nd->kind) {
        case NK_CMP:
            literal_pair(e, &nd->a, &nd->b, nd->vtype, fn, ctx);
            literal_pair(e, &nd->b, &nd->a, nd->vtype, fn, ctx);
            break;
        case NK_IN_LIST:
            if (nd->a.kind != OPD_FACT)
                break;
            for (k = 0; k < nd->list_n; k++) {
                if (nd->vtype == VT_NUM)
                    fn(ctx, nd->a.index, 1, e->nums[nd->list_off + k], NULL, 0);
                else
                    fn(ctx, nd->a.index, 0, 0, e->strs[nd->list_off + k].s,
                       e->strs[nd->list_off + k].len);
            }
            break;
        case NK_IN_RANGE:
            if (nd->a.kind == OPD_FACT) {
                fn(ctx, nd->a.index, 1, nd->lo, NULL, 0);
                fn(ctx, nd->a.index, 1, nd->hi, NULL, 0);
            }
            break;
        case NK_IN_SET:
            if (nd->a.kind == OPD_LIT)
                fn(ctx, nd->fact, 0, 0, nd->a.str, nd->a.len);
            break;

        default:
            break;
        }
    }
}

void knee__expr_region_sets(const knee__expr *e, knee__expr_region_fn fn, void *ctx)
{
    size_t i;
    for (i = 0; e && i < e->n_nodes; i++)
        if (e->nodes[i].kind == NK_IN_REGION)
            fn(ctx, e->nodes[i].a.index, &e->rsets[e->nodes[i].list_off]);
}
