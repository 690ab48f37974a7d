/* options.c - limits with safe defaults; every untrusted input is checked against them. */
#include "base/options.h"

#include "util/alloc.h"

static const int64_t defaults[KNEE_LIMIT_COUNT] = {
    16 * 1024 * 1024, /* KNEE_LIMIT_INPUT_BYTES */
    32,               /* KNEE_LIMIT_XML_DEPTH: the format needs 5 */
    1000000,          /* KNEE_LIMIT_ELEMENTS */
    100000,           /* KNEE_LIMIT_RULES */
    4096,             /* KNEE_LIMIT_EXPR_BYTES */
    64,               /* KNEE_LIMIT_EXPR_DEPTH */
    4096,             /* KNEE_LIMIT_STRING_BYTES */
    100000,           /* KNEE_LIMIT_REGEX_MATCH */
    1000,             /* KNEE_LIMIT_REGEX_DEPTH */
    1024,             /* KNEE_LIMIT_REGEX_HEAP_KIB */
    10000,            /* KNEE_LIMIT_REGEX_BUDGET: the shipped rules make a few per comparison */
};

int knee_options_new(knee_options **out)
{
    int i;
    if (!out)
        return KNEE_EINVAL;
    *out = knee__malloc(sizeof **out);
    if (!*out)
        return KNEE_ENOMEM;
    for (i = 0; i < KNEE_LIMIT_COUNT; i++)
        (*out)->limit[i] = defaults[i];
    return KNEE_OK;
}

void knee_options_free(knee_options *opts)
{
    knee__dealloc(opts);
}

int knee_options_set_limit(knee_options *opts, int limit, int64_t value)
{
    if (!opts || limit < 0 || limit >= KNEE_LIMIT_COUNT || value < 1)
        return KNEE_EINVAL;
    /* Regex limits are 32-bit in PCRE2 (the budget too: it is kept beside them). */
    if (limit >= KNEE_LIMIT_REGEX_MATCH && value > UINT32_MAX)
        return KNEE_EINVAL;
    opts->limit[limit] = value;
    return KNEE_OK;
}

int64_t knee_options_get_limit(const knee_options *opts, int limit)
{
    if (limit < 0 || limit >= KNEE_LIMIT_COUNT)
        return -1;
    return knee__limit(opts, limit);
}

int64_t knee__limit(const knee_options *opts, int which)
{
    return opts ? opts->limit[which] : defaults[which];
}
