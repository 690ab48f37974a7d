/* region.c - ISO 3166-1 alpha-2 codes and the rule file's groups of them (region.h). */
#include "rules/region.h"

#include <string.h>

#include "rules/expr.h"

/* Every officially assigned ISO 3166-1 alpha-2 code (249), sorted; from the Debian iso-codes
 * package 4.15 (iso_3166-1.json). Reserved codes (uk, eu, ...) are not assigned: a rule file
 * may name a group so, e.g. <group id="uk">gb</group>. */
static const char codes[][3] = {
    "ad", "ae", "af", "ag", "ai", "al", "am", "ao", "aq", "ar", "as", "at", "au", "aw", "ax", "az",
    "ba", "bb", "bd", "be", "bf", "bg", "bh", "bi", "bj", "bl", "bm", "bn", "bo", "bq", "br", "bs",
    "bt", "bv", "bw", "by", "bz", "ca", "cc", "cd", "cf", "cg", "ch", "ci", "ck", "cl", "cm", "cn",
    "co", "cr", "cu", "cv", "cw", "cx", "cy", "cz", "de", "dj", "dk", "dm", "do", "dz", "ec", "ee",
    "eg", "eh", "er", "es", "et", "fi", "fj", "fk", "fm", "fo", "fr", "ga", "gb", "gd", "ge", "gf",
    "gg", "gh", "gi", "gl", "gm", "gn", "gp", "gq", "gr", "gs", "gt", "gu", "gw", "gy", "hk", "hm",
    "hn", "hr", "ht", "hu", "id", "ie", "il", "im", "in", "io", "iq", "ir", "is", "it", "je", "jm",
    "jo", "jp", "ke", "kg", "kh", "ki", "km", "kn", "kp", "kr", "kw", "ky", "kz", "la", "lb", "lc",
    "li", "lk", "lr", "ls", "lt", "lu", "lv", "ly", "ma", "mc", "md", "me", "mf", "mg", "mh", "mk",
    "ml", "mm", "mn", "mo", "mp", "mq", "mr", "ms", "mt", "mu", "mv", "mw", "mx", "my", "mz", "na",
    "nc", "ne", "nf", "ng", "ni", "nl", "no", "np", "nr", "nu", "nz", "om", "pa", "pe", "pf", "pg",
    "ph", "pk", "pl", "pm", "pn", "pr", "ps", "pt", "pw", "py", "qa", "re", "ro", "rs", "ru", "rw",
    "sa", "sb", "sc", "sd", "se", "sg", "sh", "si", "sj", "sk", "sl", "sm", "sn", "so", "sr", "ss",
    "st", "sv", "sx", "sy", "sz", "tc", "td", "tf", "tg", "th", "tj", "tk", "tl", "tm", "tn", "to",
    "tr", "tt", "tv", "tw", "tz", "ua", "ug", "um", "us", "uy", "uz", "va", "vc", "ve", "vg", "vi",
    "vn", "vu", "wf", "ws", "ye", "yt", "za", "zm", "zw",
};
#define N_CODES (sizeof codes / sizeof codes[0])

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* The bit of a lower-case two-letter code. */
static size_t bit(const char *code)
{
    return (size_t)(code[0] - 'a') * 26 + (size_t)(code[1] - 'a');
}

const char *knee__region_code(const char *s, size_t n)
{
    char c[3];
    size_t lo = 0, hi = N_CODES;
    if (n != 2)
        return NULL;
    c[0] = lower(s[0]);
    c[1] = lower(s[1]);
    c[2] = '\0';
    while (lo < hi) { /* binary search of the sorted table */
        size_t mid = (lo + hi) / 2;
        int d = strcmp(codes[mid], c);
        if (d == 0)
            return codes[mid];
        if (d < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static int same_word(const char *id, const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (!id[i] || id[i] != lower(s[i]))
            return 0;
    return id[n] == '\0';
}

const knee__region_group *knee__region_group_find(const knee__regions *regions, const char *s,
                                                  size_t n)
{
    size_t i;
    for (i = 0; regions && i < regions->n; i++)
        if (same_word(regions->groups[i].id, s, n))
            return &regions->groups[i];
    return NULL;
}

int knee__region_resolve(const knee__regions *regions, const char *s, size_t n,
                         knee__region_set *out, const char **name)
{
    const char *code = knee__region_code(s, n);
    const knee__region_group *g;
    if (code) {
        memset(out, 0, sizeof *out);
        out->w[bit(code) / 64] |= (uint64_t)1 << (bit(code) % 64);
        if (name)
            *name = code;
        return 0;
    }
    if ((g = knee__region_group_find(regions, s, n)) == NULL)
        return -1;
    *out = g->set;
    if (name)
        *name = g->id;
    return 0;
}

int knee__region_in(const knee__region_set *value, const knee__region_set *in)
{
    int inside = 1, shared = 0;
    size_t k;
    for (k = 0; k < KNEE__REGION_WORDS; k++) {
        inside &= (value->w[k] & ~in->w[k]) == 0;
        shared |= (value->w[k] & in->w[k]) != 0;
    }
    return inside ? KNEE__TRUE : shared ? KNEE__UNKNOWN : KNEE__FALSE;
}

static int has(const knee__region_set *in, const char *code)
{
    return (int)((in->w[bit(code) / 64] >> (bit(code) % 64)) & 1);
}

const char *knee__region_member(const knee__region_set *in, size_t m)
{
    size_t i;
    for (i = 0; i < N_CODES; i++)
        if (has(in, codes[i]) && m-- == 0)
            return codes[i];
    return NULL;
}

size_t knee__region_representatives(const knee__region_set *sets, size_t n, const char **out,
                                    size_t max)
{
    uint64_t seen[64];
    size_t i, j, k, found = 0;
    if (n > 64)
        n = 64;
    for (i = 0; i < N_CODES && found < max; i++) {
        uint64_t sig = 0;
        for (j = 0; j < n; j++)
            sig |= (uint64_t)has(&sets[j], codes[i]) << j;
        for (k = 0; k < found && seen[k] != sig; k++)
            ;
        if (k == found && found < 64) {
            seen[found] = sig;
            out[found++] = codes[i];
        }
    }
    return found;
}
