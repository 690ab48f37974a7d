/* cells.h - an option's criterion values after rules, read lazily (cells.c). Option t is an index
 * into r->opts (rule-file order); j a criterion index. A value no rule changed is the ruleset's
 * declared value with the utility scored at load; a changed one is a knee__cell. */
#ifndef KNEE_CELLS_H
#define KNEE_CELLS_H

#include "engine/result.h"

/* The cell a rule changed, or NULL when the value is the declared one. */
const knee__cell *knee__cell_changed(const knee_result *r, size_t t, size_t j);
/* The value after rules. */
const knee__value *knee__cell_value(const knee_result *r, size_t t, size_t j);
/* The missing policy for criterion j in this comparison (the caller's, else the criterion's):
 * its kind (KNEE__MISSING_*), with *utility for a fixed one, and its name. */
int knee__cell_policy(const knee_result *r, size_t j, double *utility);
const char *knee__cell_policy_name(const knee_result *r, size_t j);
/* How option tr's declared value j enters a score in this comparison (as scored at load,
 * unless a caller's policy rescores an unknown value); as knee__cell_score. */
int knee__declared_score(const knee_result *r, const knee__option *tr, size_t j, double *u,
                         double *low, double *high);
/* How the value enters the option's score (knee__score_value): 1 if it counts, with its point
 * utility and the range it is scored over. */
int knee__cell_score(const knee_result *r, size_t t, size_t j, double *u, double *low,
                     double *high);
/* The point utility as scored. */
double knee__cell_utility(const knee_result *r, size_t t, size_t j);
/* The criterion's weight for this option: its share of the counted criteria's weight, or 0. */
double knee__cell_weight(const knee_result *r, size_t t, size_t j);
/* weight x utility; 0 for an excluded option. */
double knee__cell_contribution(const knee_result *r, size_t t, size_t j);

/* All of the above at once, finding the value once (the packer reads them all): the same
 * doubles as knee__cell_score, knee__cell_weight and knee__cell_contribution. */
typedef struct knee__cell_figs {
    double utility, low, high, weight, contribution;
    int counted;
} knee__cell_figs;
int knee__cell_figures(const knee_result *r, size_t t, size_t j, knee__cell_figs *f);

#endif
