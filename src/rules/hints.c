/* hints.c - the part of an error message that says how to fix the input (hints.h). Only error
 * paths call these, so they favour plain code over speed, within bounds: an id longer than
 * MAX_LEN bytes or a list longer than MAX_IDS is not searched for a suggestion. */
#include "rules/hints.h"

#include <stdio.h>
#include <string.h>

#include "util/numbers.h"

#define MAX_LEN 128
#define MAX_IDS 1000
#define MAX_SUGGESTIONS 3

const char *knee__fact_id_at(const void *rs, size_t i)
{
    return ((const knee_ruleset *)rs)->facts[i].id;
}

const char *knee__criterion_id_at(const void *rs, size_t i)
{
    return ((const knee_ruleset *)rs)->criteria[i].id;
}

const char *knee__allowed_at(const void *fact, size_t i)
{
    return ((const knee__fact *)fact)->allowed[i];
}

const char *knee__level_at(const void *criterion, size_t i)
{
    return ((const knee__criterion *)criterion)->levels[i].id;
}

static const char *group_at(const void *regions, size_t i)
{
    return ((const knee__regions *)regions)->groups[i].id;
}

static int fold(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static size_t min3(size_t a, size_t b, size_t c)
{
    size_t m = a < b ? a : b;
    return m < c ? m : c;
}

/* The optimal-string-alignment distance of a and b (any case; both at most MAX_LEN bytes), or
 * limit + 1 as soon as it is sure to exceed limit. */
static size_t distance(const char *a, size_t na, const char *b, size_t nb, size_t limit)
{
    size_t rows[3][MAX_LEN + 1], i, j;
    size_t *prev2 = rows[0], *prev = rows[1], *cur = rows[2];
    for (j = 0; j <= nb; j++)
        prev[j] = j;
    for (i = 1; i <= na; i++) {
        size_t *t, best;
        cur[0] = best = i;
        for (j = 1; j <= nb; j++) {
            size_t cost = fold((unsigned char)a[i - 1]) != fold((unsigned char)b[j - 1]);
            cur[j] = min3(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
            if (i > 1 && j > 1 && fold((unsigned char)a[i - 1]) == fold((unsigned char)b[j - 2]) &&
                fold((unsigned char)a[i - 2]) == fold((unsigned char)b[j - 1]) &&
                prev2[j - 2] + 1 < cur[j])
                cur[j] = prev2[j - 2] + 1; /* two neighbours swapped */
            if (cur[j] < best)
                best = cur[j];
        }
        if (best > limit)
            return limit + 1;
        t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    return prev[nb];
}

size_t knee__suggest(const char *given, size_t n, knee__id_at id_at, const void *ctx, char *out,
                     size_t cap)
{
    size_t picked[MAX_SUGGESTIONS], n_picked = 0, best, len, i, k, used = 0;
    out[0] = '\0';
    len = given ? strlen(given) : 0;
    if (len == 0 || len > MAX_LEN || n > MAX_IDS)
        return 0;
    /* A likely typo: about one edit in three characters, and never the whole word. */
    best = len / 3 < 1 ? 1 : len / 3;
    if (best > 3)
        best = 3;
    if (best >= len)
        best = len - 1;
    for (i = 0; i < n; i++) {
        const char *id = id_at(ctx, i);
        size_t m = strlen(id), d;
        if (m > MAX_LEN || (m > len ? m - len : len - m) > best || strcmp(id, given) == 0)
            continue;
        d = distance(given, len, id, m, best);
        if (d > best || d >= m)
            continue;
        if (d < best || n_picked == 0) { /* nearer than any before: start again */
            best = d;
            n_picked = 0;
        }
        if (n_picked < MAX_SUGGESTIONS)
            picked[n_picked++] = i;
    }
    for (k = 0; k < n_picked && used + 1 < cap; k++) {
        int w = snprintf(out + used, cap - used, "%s'%.64s'",
                         k == 0              ? ""
                         : k + 1 == n_picked ? " or "
                                             : ", ",
                         id_at(ctx, picked[k]));
        if (w < 0)
            break;
        used += (size_t)w < cap - used ? (size_t)w : cap - used - 1;
    }
    return n_picked;
}

void knee__list_ids(size_t n, knee__id_at id_at, const void *ctx, char *out, size_t cap)
{
    char tail[48];
    size_t len = 0, k, tail_len;
    out[0] = '\0';
    snprintf(tail, sizeof tail, ", ... (%zu in all)", n);
    tail_len = strlen(tail);
    for (k = 0; k < n; k++) {
        const char *id = id_at(ctx, k);
        size_t add = strlen(id) + (k ? 2 : 0);
        /* room for this id, and for the tail unless it is the last one */
        if (len + add + (k + 1 < n ? tail_len : 0) + 1 > cap) {
            const char *t = k ? tail : tail + 2;
            if (len + strlen(t) + 1 <= cap)
                memcpy(out + len, t, strlen(t) + 1);
            return;
        }
        if (k)
            memcpy(out + len, ", ", 2);
        memcpy(out + len + (k ? 2 : 0), id, strlen(id) + 1);
        len += add;
    }
}

/* " from 0 to 120", " of at least 0", " of at most 5" or "" for a numeric fact's bounds. */
static void bounds(const knee__fact *f, char *out, size_t cap)
{
    char lo[KNEE__NUMBUF], hi[KNEE__NUMBUF];
    if (f->has_min)
        knee__format_double(lo, f->min);
    if (f->has_max)
        knee__format_double(hi, f->max);
    if (f->has_min && f->has_max)
        snprintf(out, cap, " from %s to %s", lo, hi);
    else if (f->has_min)
        snprintf(out, cap, " of at least %s", lo);
    else if (f->has_max)
        snprintf(out, cap, " of at most %s", hi);
    else
        out[0] = '\0';
}

void knee__fact_takes(const knee_ruleset *rs, size_t fact, char *out, size_t cap)
{
    const knee__fact *f = &rs->facts[fact];
    char list[160], range[2 * KNEE__NUMBUF + 16];
    switch (f->type) {
    case KNEE_FACT_NUMBER:
    case KNEE_FACT_INTEGER:
        bounds(f, range, sizeof range);
        snprintf(out, cap, "%s%s", f->type == KNEE_FACT_INTEGER ? "a whole number" : "a number",
                 range);
        return;
    case KNEE_FACT_BOOLEAN:
        snprintf(out, cap, "yes/no, true/false or 1/0");
        return;
    case KNEE_FACT_STRING:
        if (f->region) {
            knee__list_ids(rs->regions.n, group_at, &rs->regions, list, sizeof list);
            snprintf(out, cap, "an ISO 3166-1 alpha-2 country code such as 'us' or 'gb'%s%s",
                     rs->regions.n ? ", or a region group: " : "", list);
        } else if (f->n_allowed) {
            knee__list_ids(f->n_allowed, knee__allowed_at, f, list, sizeof list);
            snprintf(out, cap, "one of: %s", list);
        } else {
            snprintf(out, cap, "any text");
        }
        return;
    default:
        if (f->n_allowed) {
            knee__list_ids(f->n_allowed, knee__allowed_at, f, list, sizeof list);
            snprintf(out, cap, "a set of members from: %s", list);
        } else {
            snprintf(out, cap, "a set of members (any text)");
        }
        return;
    }
}
