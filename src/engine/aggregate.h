/* aggregate.h - scores by method (aggregate.c) and the analyses built on them (analysis.c). */
#ifndef KNEE_AGGREGATE_H
#define KNEE_AGGREGATE_H

#include "engine/cells.h"
#include "engine/rank.h"
#include "engine/result.h"
#include "rules/utility.h"

/* Fill r->util and r->known (candidates x criteria) for the methods and analyses that work on the
 * matrix; once per comparison, on first need. KNEE_OK or KNEE_ENOMEM. */
int knee__need_matrix(knee_result *r);
/* Fill r->span_lo and r->span_hi (candidates x criteria): the utilities each value may take,
 * whatever the missing policy (knee__natural_range), for dominance; from the ruleset, but for
 * the values rules changed. KNEE_OK or KNEE_ENOMEM. */
int knee__need_spans(knee_result *r);
/* Build the candidate matrix and score the candidates by the method asked for (or the rule
 * file's); the weighted sum is already in every option. */
int knee__aggregate(knee_result *r, const knee_compare_options *o);
/* The candidates' scores under weights w (sum 1) by method, into out[cands_n]. */
int knee__scores_for_weights(knee_result *r, int method, double vikor_v, const double *w,
                             double *out);

/* analysis.c */
int knee__dominance(knee_result *r);
int knee__sensitivity(knee_result *r, const knee_compare_options *o);
int knee__smaa_run(knee_result *r, const knee_compare_options *o);

#endif
