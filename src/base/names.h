/* names.h - the scoring methods described once (names.c, knee__method_of), and how many
 * missing-value policies there are: below every family that reads them. The engine adds each
 * method's kernel entry (engine/aggregate.c, "kernels"); docs/architecture.md, "Adding a scoring
 * method", lists every file a new method touches. */
#ifndef KNEE_NAMES_H
#define KNEE_NAMES_H

#include "knee.h"

#define KNEE__N_MISSING 7      /* KNEE_MISSING_DEFAULT .. KNEE_MISSING_REFUSE */
#define KNEE__METHOD_FIGURES 3 /* at most this many figures of its own per method */

/* What a method is, for every layer (flags). */
#define KNEE__METHOD_ADDITIVE 1   /* the weighted sum: contributions and ranges apply */
#define KNEE__METHOD_RAW 2        /* reads values in each criterion's unit, not utilities */
#define KNEE__METHOD_COMPROMISE 4 /* has a compromise set (knee_result_option_in_compromise) */

typedef struct knee__method {
    const char *name;  /* as rule files, the JSON result and the knee command write it */
    const char *words; /* for people: the report's "Method" */
    /* its own figures, in the JSON "metrics" order (knee_result_option_metric), NULL-ended */
    const char *figures[KNEE__METHOD_FIGURES + 1];
    const char *setting; /* its one setting's key in the JSON "method_options", or NULL */
    double setting_default;
    unsigned flags; /* KNEE__METHOD_* */
} knee__method;

/* The method KNEE_METHOD_* id, or NULL for none (KNEE_METHOD_DEFAULT included). */
const knee__method *knee__method_of(int id);

#endif
