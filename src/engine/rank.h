/* rank.h - the ranking (rank.c): score keys, what beats what, the order of a tie, and the sorts
 * that rank a comparison's options. */
#ifndef KNEE_RANK_H
#define KNEE_RANK_H

#include "engine/result.h"

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
 * by place in the rule file; the options' places in that order are set at load. */
static inline int knee__listed_before(const knee_result *r, size_t a, size_t b)
{
    return r->rs->listed[r->opts[a].option] < r->rs->listed[r->opts[b].option];
}
/* Sort r->ranked[0..n) by key, highest first (equal keys in no set order), through
 * r->rank_tmp; linear beyond a few. */
void knee__sort_ranked(knee_result *r, size_t n);
/* Rank the options that are not excluded by their scores (r->opts[].score): ties share the rank
 * of the first and are listed by name; r->order lists them by rank, then the excluded ones in
 * rule-file order. */
void knee__rank_options(knee_result *r);
/* Each ranked option's rank range from its score range (r->ranges), under the weighted sum. */
void knee__rank_ranges(knee_result *r);

#endif
