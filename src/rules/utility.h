/* utility.h - the value functions: a criterion value's utility on the criterion's absolute scale,
 * the utilities an unknown value may take, and how a value enters its option's score under a
 * missing policy (utility.c). Used at load to score every declared value once, and per patient
 * for the values rules changed (or every unknown one under a caller's missing policy). */
#ifndef KNEE_UTILITY_H
#define KNEE_UTILITY_H

#include "rules/model.h"

/* Utility of a known value on criterion c's absolute scale, in [0, 1] (0 for an unknown one). */
double knee__utility(const knee__criterion *c, const knee__value *v);

/* The value in the criterion's unit whose utility is u: the inverse of the value function (the
 * start of a flat piece); for an ordinal criterion, u itself. For a cell that has a utility but
 * no value (an unknown value scored by a missing policy) in a method that reads values. */
double knee__utility_value(const knee__criterion *c, double u);

/* The utilities a value may take: [u, u] for a known value; for an unknown one, those of its
 * bounds, or of the whole scale without (numeric: [0, 1]; ordinal: the lowest to the highest
 * level utility), whatever the missing policy. */
void knee__natural_range(const knee__criterion *c, const knee__value *v, double *low, double *high);

/* How v enters its option's score when unknown values are scored by policy `kind`
 * (KNEE__MISSING_*, with `utility` for KNEE__MISSING_UTILITY): returns 1 if it counts, with its
 * point utility *u and the range [*low, *high] it is scored over (interval: the natural range,
 * *u its middle; a known value or a fixed utility: all three equal); 0 if it is left out
 * (renormalise, refuse), with all three 0. low <= u <= high holds exactly. */
int knee__score_value(const knee__criterion *c, int kind, double utility, const knee__value *v,
                      double *u, double *low, double *high);

/* A caller's missing policy (KNEE_MISSING_*, not DEFAULT) as the policy kind and utility of a
 * criterion; 0, or -1 for an unknown policy. */
int knee__missing_resolve(int policy, int *kind, double *utility);

#endif
