/* hints.h - what an error message adds so that the reader can fix the input (hints.c): the ids
 * nearest to a mistyped one ("did you mean 'age'?"), a list of the values allowed, and what a
 * fact takes ("a whole number from 0 to 4"). Every function writes a NUL-terminated text of at
 * most cap bytes (cap >= 1), cut short at a whole item when the list is long. */
#ifndef KNEE_HINTS_H
#define KNEE_HINTS_H

#include <stddef.h>

#include "rules/model.h"

/* The i-th of n ids, for the lists below (ctx: the array or record they come from). */
typedef const char *(*knee__id_at)(const void *ctx, size_t i);

/* The ids nearest to `given` by edit distance (any case; a swap of two neighbours counts one),
 * if near enough to be a likely typo: "'age'", "'age' or 'page'", at most three. Returns how
 * many were written (0: none, out is ""). Lists of more than 1,000 ids are not searched. */
size_t knee__suggest(const char *given, size_t n, knee__id_at id_at, const void *ctx, char *out,
                     size_t cap);

/* The ids "a, b, c" in order; when they do not all fit, as many as fit and "... (N in all)". */
void knee__list_ids(size_t n, knee__id_at id_at, const void *ctx, char *out, size_t cap);

/* What fact i takes, in words: "a number from 0 to 120", "a whole number of at least 0",
 * "yes/no, true/false or 1/0", "any text", "one of: x, y", "a set of members from: x, y",
 * "an ISO 3166-1 alpha-2 country code such as 'us' or 'gb', or a region group: eu". */
void knee__fact_takes(const knee_ruleset *rs, size_t fact, char *out, size_t cap);

/* Accessors for the lists above: facts and criteria of a ruleset (ctx: the ruleset), the
 * allowed values of a fact (ctx: the knee__fact), the levels of a criterion (ctx: the
 * knee__criterion). */
const char *knee__fact_id_at(const void *rs, size_t i);
const char *knee__criterion_id_at(const void *rs, size_t i);
const char *knee__allowed_at(const void *fact, size_t i);
const char *knee__level_at(const void *criterion, size_t i);

#endif
