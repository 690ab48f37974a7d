/* expr.h - the condition language: tokenize, parse, type-check against the declared facts,
 * compile to a form that evaluates without re-parsing, and evaluate with three-valued logic.
 * Grammar and semantics: rules/README.md, "Conditions". */
#ifndef KNEE_EXPR_H
#define KNEE_EXPR_H

#include <stddef.h>

#include "rules/facts.h"
#include "base/regex.h"
#include "rules/region.h"

/* Three-valued truth. */
#define KNEE__FALSE 0
#define KNEE__TRUE 1
#define KNEE__UNKNOWN 2

typedef struct knee__expr knee__expr;

/* The type a lookup gives a string fact whose values are region codes (region.h). */
#define KNEE__FACT_REGION 16

/* Resolve a fact name (len bytes, not NUL-terminated) to its declaration index and KNEE_FACT_*
 * type (or KNEE__FACT_REGION); return -1 when no such fact is declared. */
typedef int (*knee__fact_lookup)(void *ctx, const char *name, size_t len, int *type);

typedef struct knee__expr_limits {
    size_t max_bytes; /* longest text accepted (KNEE_LIMIT_EXPR_BYTES) */
    size_t max_depth; /* deepest nesting of parentheses / operators (KNEE_LIMIT_EXPR_DEPTH) */
} knee__expr_limits;

typedef struct knee__expr_error {
    const char *code; /* stable diagnostic code: "expr-syntax", "expr-type", "expr-unknown-fact",
                         "expr-region", "regex-invalid", "limit-expr" */
    size_t offset;    /* 0-based byte offset into the text where the problem is */
    char message[256];
} knee__expr_error;

/* Compile text (len bytes). On failure returns KNEE_EINVALID (syntax, type, unknown fact, bad
 * regex), KNEE_ELIMIT or KNEE_ENOMEM, *out is NULL and err says what and where. */
int knee__expr_compile(knee__expr **out, const char *text, size_t len, knee__fact_lookup lookup,
                       void *lookup_ctx, const knee__expr_limits *limits, knee__expr_error *err);
/* As knee__expr_compile, with the rule file's region groups for conditions on region facts
 * (`region = 'de'`, `region in eu`); regions (may be NULL) must outlive the expression. */
int knee__expr_compile_regions(knee__expr **out, const char *text, size_t len,
                               knee__fact_lookup lookup, void *lookup_ctx,
                               const knee__regions *regions, const knee__expr_limits *limits,
                               knee__expr_error *err);
void knee__expr_free(knee__expr *e);

/* Evaluate against the patient's facts (indexed by declaration index). Returns KNEE__FALSE,
 * KNEE__TRUE or KNEE__UNKNOWN, or KNEE_EREGEX when a match failed (message in errbuf).
 * Thread-safe for a shared e: all mutable state is in scratch. */
int knee__expr_eval(const knee__expr *e, const knee__factval *facts, knee__match_scratch *scratch,
                    char *errbuf, size_t errbuf_len);

/* Every literal the expression compares a fact with (a number, or a string of len bytes), for
 * the lint's search of values that make a condition true. is_num tells which is given. */
typedef void (*knee__expr_literal_fn)(void *ctx, int fact, int is_num, double num, const char *str,
                                      size_t len);
void knee__expr_literals(const knee__expr *e, knee__expr_literal_fn fn, void *ctx);

/* Every set of codes the expression tests a region fact against, for the lint. */
typedef void (*knee__expr_region_fn)(void *ctx, int fact, const knee__region_set *set);
void knee__expr_region_sets(const knee__expr *e, knee__expr_region_fn fn, void *ctx);
/* What one evaluation may cost, in steps: its nodes and literals (a list of a thousand values is
 * a thousand steps). 0 for NULL (no condition). The lint's overall budget counts these. */
size_t knee__expr_size(const knee__expr *e);

/* The distinct fact indices the expression reads, in first-use order. */
size_t knee__expr_fact_count(const knee__expr *e);
int knee__expr_fact(const knee__expr *e, size_t k);

#endif
