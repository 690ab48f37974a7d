/* region.h - regions as codes (region.c): the ISO 3166-1 alpha-2 codes, compiled in, and the
 * named groups of codes a rule file declares (rules/README.md, "Regions"). A region value - a
 * code or a group - stands for a set of codes, and a condition on a region fact asks whether the
 * patient's set lies inside the set the condition names: true when it does, false when the two
 * share no code, unknown otherwise (a patient "in the EU" for a rule on Germany). */
#ifndef KNEE_REGION_H
#define KNEE_REGION_H

#include <stddef.h>
#include <stdint.h>

#include "base/diag.h"

#define KNEE__REGION_WORDS 11 /* 26 x 26 two-letter codes, one bit each */

typedef struct knee__region_set {
    uint64_t w[KNEE__REGION_WORDS];
} knee__region_set;

typedef struct knee__region_group {
    const char *id, *label;
    const char **sources; /* source ids cited (borrowed from the ruleset's sources) */
    size_t n_sources;
    knee__region_set set;
    knee__pos pos;
} knee__region_group;

typedef struct knee__regions { /* the groups a rule file declares */
    knee__region_group *groups;
    size_t n;
} knee__regions;

/* The assigned ISO 3166-1 alpha-2 code of n bytes at s (any case), as a static lower-case
 * string, or NULL. */
const char *knee__region_code(const char *s, size_t n);
/* The declared group named by n bytes at s (any case), or NULL. regions may be NULL. */
const knee__region_group *knee__region_group_find(const knee__regions *regions, const char *s,
                                                  size_t n);
/* A code or group to its set of codes, and its canonical name (a static code string or the
 * group's id) in *name when name is not NULL. 0, or -1 when it is neither. */
int knee__region_resolve(const knee__regions *regions, const char *s, size_t n,
                         knee__region_set *out, const char **name);
/* Is a value in the set `in`? KNEE__TRUE, KNEE__FALSE or KNEE__UNKNOWN (expr.h). */
int knee__region_in(const knee__region_set *value, const knee__region_set *in);
/* The m-th assigned code in `in` (sorted), as a static string, or NULL past the end. */
const char *knee__region_member(const knee__region_set *in, size_t m);
/* For the lint's search of values: one code (a static string) from each cell of the partition
 * of all codes by the n sets (at most 64), in code order, at most max of them; returns how many.
 * A condition on a region fact that reads only these sets has the same truth for every code of
 * a cell, so these codes are all the search needs (a group is never needed: it makes a condition
 * true only when each of its codes does). */
size_t knee__region_representatives(const knee__region_set *sets, size_t n, const char **out,
                                    size_t max);

#endif
