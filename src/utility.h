/* utility.h - the value functions: a criterion value's utility on the criterion's absolute scale,
 * and whether it takes part in its option's score (utility.c). Used at load to score every
 * declared value once, and per patient for the values rules changed. */
#ifndef KNEE_UTILITY_H
#define KNEE_UTILITY_H

#include "model.h"

/* Utility of a value on criterion c's absolute scale, in [0, 1]. */
double knee__utility(const knee__criterion *c, const knee__value *v);

/* The value in the criterion's unit whose utility is u: the inverse of the value function (the
 * start of a flat piece); for an ordinal criterion, u itself. For a cell that has a utility but
 * no value (an unknown value scored by a missing policy) in a method that reads values. */
double knee__utility_value(const knee__criterion *c, double u);

/* 1 if a value takes part in its option's score (known, or scored by a missing policy). */
static inline int knee__counted(const knee__criterion *c, const knee__value *v)
{
    return v->known || c->missing == KNEE__MISSING_UTILITY;
}

#endif
