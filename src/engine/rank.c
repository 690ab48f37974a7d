/* rank.c - the ranking (docs/result-contract.md, "Ranking and ties"): sorting the candidates by
 * their score keys in linear time, ties listed by name, and each option's rank range under the
 * weighted sum. Used by evaluate.c and by the analyses (analysis.c). */
#include <string.h>

#include "engine/rank.h"

/* Stable sort of the candidates by key, highest first, through r->rank_tmp (reserved in
 * prepare): insertion sort for a few; beyond that a bucket pass (bucket_sort), or, when the keys
 * crowd, an LSD radix sort on the key's bytes, linear whatever the keys, where a byte every key
 * shares (the high ones, mostly) costs no pass. The key is mapped to an unsigned number that
 * grows as the key falls, so ascending order of it is descending order of score (equal keys
 * keep their order here; rank_options then lists each tie by name). */
static uint64_t descending(long long key)
{
    return ~((uint64_t)key ^ 0x8000000000000000u);
}

/* Stable insertion sort, highest key first: fastest for a handful, and linear for keys that are
 * each a few places from their own (after bucket_sort's pass). */
static void insertion_sort(knee__ranked *v, size_t n)
{
    size_t i, j;
    for (i = 1; i < n; i++) {
        knee__ranked x = v[i];
        for (j = i; j > 0 && v[j - 1].key < x.key; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
}

#define BUCKETS_MAX 4096
#define BUCKET_FULL 32 /* beyond this many keys in one bucket, the radix sort does it */

/* One pass of the radix sort on the top bits of the keys' span (the keys minus the least), into
 * about two buckets per key, then insertion sort: with spread-out keys, as scores mostly are, two
 * passes over the keys instead of one per differing byte. Returns 0, the keys untouched, when
 * a bucket would be crowded (many ties or a cluster): the insertion sort would be quadratic. */
static int bucket_sort(knee_result *r, size_t n, uint64_t lo, uint64_t hi)
{
    knee__ranked *src = r->ranked, *dst = r->rank_tmp;
    uint32_t count[BUCKETS_MAX];
    size_t nb = 64, i, sum = 0, shift = 0;
    while (nb < 2 * n && nb < BUCKETS_MAX)
        nb *= 2;
    while (((hi - lo) >> shift) >= nb)
        shift++;
    memset(count, 0, nb * sizeof count[0]);
    for (i = 0; i < n; i++)
        if (++count[(descending(src[i].key) - lo) >> shift] > BUCKET_FULL)
            return 0;
    for (i = 0; i < nb; i++) {
        size_t c = count[i];
        count[i] = (uint32_t)sum;
        sum += c;
    }
    for (i = 0; i < n; i++)
        dst[count[(descending(src[i].key) - lo) >> shift]++] = src[i];
    insertion_sort(dst, n);
    memcpy(src, dst, n * sizeof *src);
    return 1;
}

void knee__sort_ranked(knee_result *r, size_t n)
{
    knee__ranked *src = r->ranked, *dst = r->rank_tmp;
    size_t count[256], i, shift;
    uint64_t all = ~(uint64_t)0, any = 0, lo = ~(uint64_t)0, hi = 0;
    if (n <= 32) {
        insertion_sort(src, n);
        return;
    }
    for (i = 0; i < n; i++) { /* the bits where keys differ, and their span */
        uint64_t d = descending(src[i].key);
        all &= d;
        any |= d;
        lo = d < lo ? d : lo;
        hi = d > hi ? d : hi;
    }
    if (n <= UINT32_MAX && bucket_sort(r, n, lo, hi))
        return;
    for (shift = 0; shift < 64; shift += 8) {
        size_t sum = 0;
        if ((((all ^ any) >> shift) & 0xFF) == 0)
            continue; /* every key has this byte: the order stands */
        memset(count, 0, sizeof count);
        for (i = 0; i < n; i++)
            count[(descending(src[i].key) >> shift) & 0xFF]++;
        for (i = 0; i < 256; i++) {
            size_t c = count[i];
            count[i] = sum;
            sum += c;
        }
        for (i = 0; i < n; i++)
            dst[count[(descending(src[i].key) >> shift) & 0xFF]++] = src[i];
        {
            knee__ranked *t = src;
            src = dst;
            dst = t;
        }
    }
    if (src != r->ranked)
        memcpy(r->ranked, src, n * sizeof *src);
}

/* Sort v[0..n) by name (knee__listed_before): insertion sort for the usual few, else a merge
 * sort through tmp. */
static void sort_by_name(const knee_result *r, knee__ranked *v, size_t n, knee__ranked *tmp)
{
    size_t i, j, width;
    if (n <= 16) {
        for (i = 1; i < n; i++) {
            knee__ranked x = v[i];
            for (j = i; j > 0 && knee__listed_before(r, x.opt, v[j - 1].opt); j--)
                v[j] = v[j - 1];
            v[j] = x;
        }
        return;
    }
    for (width = 1; width < n; width *= 2) {
        for (i = 0; i < n; i += 2 * width) {
            size_t mid = i + width < n ? i + width : n, hi = i + 2 * width < n ? i + 2 * width : n;
            size_t a = i, b = mid, k = i;
            while (a < mid || b < hi)
                tmp[k++] = b >= hi || (a < mid && knee__listed_before(r, v[a].opt, v[b].opt))
                               ? v[a++]
                               : v[b++];
        }
        memcpy(v, tmp, n * sizeof *v);
    }
}

/* Ranking (docs/result-contract.md, "Ranking and ties"): by score, highest first. Keys one
 * apart (scores within 1e-12, allowing for the rounding to the key) tie, and a run of such steps
 * is one tie: tied options share the rank of the first (competition ranking: 1, 1, 1, 4) and
 * are listed by name, so no rank or position depends on the rule file's order. */
void knee__rank_options(knee_result *r)
{
    size_t i, k, g, n = 0;
    for (i = 0; i < r->opts_n; i++)
        if (!r->opts[i].excluded) {
            r->opts[i].key = knee__rank_key(r->opts[i].score);
            r->ranked[n].key = r->opts[i].key;
            r->ranked[n++].opt = i;
        }
    knee__sort_ranked(r, n);
    for (i = 0; i < n; i = g) {
        for (g = i + 1; g < n && r->ranked[g - 1].key - r->ranked[g].key <= 1; g++)
            ;
        if (g - i > 1)
            sort_by_name(r, r->ranked + i, g - i, r->rank_tmp);
        for (k = i; k < g; k++) {
            r->order[k] = r->ranked[k].opt;
            r->opts[r->order[k]].rank = (int)(i + 1);
        }
    }
    for (i = 0; i < r->opts_n; i++)
        if (r->opts[i].excluded)
            r->order[n++] = i;
    r->order_n = n;
}

/* How many of the n keys, sorted highest first, are above x. */
static size_t count_above(const long long *sorted, size_t n, long long x)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (sorted[mid] > x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The candidates' keys of low (which 0) or high (1) weighted sums, highest first, into out. */
static void sorted_range_keys(knee_result *r, size_t n, int which, long long *out)
{
    size_t a;
    for (a = 0; a < n; a++) {
        const knee__range *g = &r->ranges[r->order[a]];
        r->ranked[a].key = knee__rank_key(which ? g->high : g->low);
        r->ranked[a].opt = r->order[a];
    }
    knee__sort_ranked(r, n);
    for (a = 0; a < n; a++)
        out[a] = r->ranked[a].key;
}

/* Each ranked option's rank range under the weighted sum. Its unknowns are its own, so its best
 * rank puts them at their best and everyone else's at their worst: 1 + the options whose low
 * score beats its high one; its worst rank the other way round. "Beats" is the ranking's: keys
 * more than one apart. Counted by bisection over the sorted keys (linear sorts), and clamped to
 * include the rank itself (a tie chained over several steps). */
void knee__rank_ranges(knee_result *r)
{
    size_t n = r->cands_n, i, any = 0;
    long long *lo_keys = r->range_keys, *hi_keys = r->range_keys + n;
    for (i = 0; i < r->opts_n; i++) /* in option order: read front to back */
        any |= !r->opts[i].excluded && r->ranges[i].low != r->ranges[i].high;
    r->ranges_flat = !any; /* nothing spans a range: each rank range is the rank */
    if (!any)
        return;
    sorted_range_keys(r, n, 0, lo_keys); /* then count by bisection, not pair by pair */
    sorted_range_keys(r, n, 1, hi_keys);
    for (i = 0; i < n; i++) {
        const knee__opt *o = &r->opts[r->order[i]];
        knee__range *g = &r->ranges[r->order[i]];
        long long lo = knee__rank_key(g->low), hi = knee__rank_key(g->high);
        size_t above_best = count_above(lo_keys, n, hi + 1); /* its own low never beats it */
        size_t above_worst = count_above(hi_keys, n, lo + 1) - (hi > lo + 1); /* not itself */
        g->best = (int)(above_best + 1) < o->rank ? (int)(above_best + 1) : o->rank;
        g->worst = (int)(above_worst + 1) > o->rank ? (int)(above_worst + 1) : o->rank;
    }
}
