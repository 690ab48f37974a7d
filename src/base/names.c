/* names.c - the scoring methods, described once (names.h: name, words, figures, setting), and
 * the names of the missing-value policies, as rule files, the JSON result and the knee command
 * write them: one table each, below every family that reads them. */
#include <string.h>

#include "base/names.h"

/* By KNEE_METHOD_* id; the engine's kernel entries have the same ids (aggregate.c, kernels). */
static const knee__method methods[] = {
    [KNEE_METHOD_WEIGHTED_SUM] =
        {"weighted-sum", "weighted sum", {NULL}, NULL, 0, KNEE__METHOD_ADDITIVE},
    [KNEE_METHOD_TOPSIS] =
        {"topsis", "TOPSIS (vector normalisation)", {"closeness", NULL}, NULL, 0, KNEE__METHOD_RAW},
    [KNEE_METHOD_TOPSIS_MINMAX] =
        {"topsis-minmax", "TOPSIS (min-max normalisation)", {"closeness", NULL}, NULL, 0, 0},
    [KNEE_METHOD_PROMETHEE2] =
        {"promethee2", "PROMETHEE II", {"phi_plus", "phi_minus", "phi_net", NULL}, NULL, 0, 0},
    [KNEE_METHOD_VIKOR] =
        {"vikor", "VIKOR", {"S", "R", "Q", NULL}, "v", 0.5, KNEE__METHOD_COMPROMISE},
    [KNEE_METHOD_TOPSIS_UTILITY] = {"topsis-utility",
                                    "TOPSIS (vector normalisation of utilities)",
                                    {"closeness", NULL},
                                    NULL,
                                    0,
                                    0},
};

#define N_METHODS ((int)(sizeof methods / sizeof *methods))

const knee__method *knee__method_of(int id)
{
    return id > 0 && id < N_METHODS && methods[id].name ? &methods[id] : NULL;
}

const char *knee_method_name(int method)
{
    const knee__method *m = knee__method_of(method);
    return m ? m->name : NULL;
}

int knee_method_from_name(const char *name)
{
    int m;
    for (m = 1; name && m < N_METHODS; m++)
        if (methods[m].name && strcmp(name, methods[m].name) == 0)
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
