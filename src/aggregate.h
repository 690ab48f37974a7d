/* aggregate.h - scores by method (aggregate.c) and the analyses built on them (analysis.c). */
#ifndef KNEE_AGGREGATE_H
#define KNEE_AGGREGATE_H

#include "cells.h"
#include "result.h"
#include "utility.h"

/* Ranking key: the score in units of 1e-12. Scores are in [-1, 1]; rounding half away from
 * zero, as llround, without the libm call. Keys at most one apart tie (scores within 1e-12,
 * allowing for the rounding): knee__beats is the ranking's "better than". */
static inline long long knee__rank_key(double score)
{
    double x = score * 1e12;
    return (long long)(x >= 0 ? x + 0.5 : x - 0.5);
}
static inline int knee__beats(double a, double b)
{
    return knee__rank_key(a) - knee__rank_key(b) > 1;
}
/* Listing order within a tie: option a (an opts index) before b by name, then id (unique), never
 * by place in the rule file; the treatments' places in that order are set at load. */
static inline int knee__listed_before(const knee_result *r, size_t a, size_t b)
{
    return r->rs->listed[r->opts[a].treatment] < r->rs->listed[r->opts[b].treatment];
}
/* Sort r->ranked[0..n) by key, highest first (equal keys in no set order), through
 * r->rank_tmp; linear beyond a few (evaluate.c). */
void knee__sort_ranked(knee_result *r, size_t n);
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
/* The candidates' scores under weights w (sum 1) by method, into out[alts_n]. */
int knee__scores_for_weights(knee_result *r, int method, double vikor_v, const double *w,
                             double *out);
/* Output row k (0..3) of the work space, alts_n doubles. */
double *knee__out_row(knee_result *r, size_t k);

/* analysis.c */
int knee__dominance(knee_result *r);
int knee__sensitivity(knee_result *r, const knee_compare_options *o);
int knee__smaa_run(knee_result *r, const knee_compare_options *o);

#endif
