/* names.c - the names of the scoring methods and the missing-value policies, as rule files, the
 * JSON result and the knee command write them (names.h): one table each, below every family that
 * reads them. */
#include <string.h>

#include "base/names.h"

static const char *const method_names[] = {NULL, "weighted-sum", "topsis", "topsis-minmax",
                                           "promethee2", "vikor", "topsis-utility"};

const char *knee_method_name(int method)
{
    return method > 0 && method < KNEE__N_METHODS ? method_names[method] : NULL;
}

int knee_method_from_name(const char *name)
{
    int m;
    for (m = 1; name && m < KNEE__N_METHODS; m++)
        if (strcmp(name, method_names[m]) == 0)
            return m;
    return KNEE_EINVAL;
}

static const char *const missing_names[] = {NULL,   "interval", "renormalise", "worst",
                                            "best", "neutral",  "refuse"};

const char *knee_missing_name(int policy)
{
    return policy > 0 && policy < KNEE__N_MISSING ? missing_names[policy] : NULL;
}

int knee_missing_from_name(const char *name)
{
    int m;
    for (m = 1; name && m < KNEE__N_MISSING; m++)
        if (strcmp(name, missing_names[m]) == 0)
            return m;
    return KNEE_EINVAL;
}
