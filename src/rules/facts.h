/* facts.h - a patient's fact values as the evaluator and the condition language see them.
 * The array is indexed by the fact's declaration index in the ruleset. Strings are owned by the
 * patient object (patient.c) and borrowed here. */
#ifndef KNEE_FACTS_H
#define KNEE_FACTS_H

#include <stddef.h>

typedef struct knee__factval {
    int known;       /* 0: the patient did not give this fact (three-valued: unknown) */
    int type;        /* KNEE_FACT_* of the declaration */
    double num;      /* KNEE_FACT_NUMBER, KNEE_FACT_INTEGER */
    int boolean;     /* KNEE_FACT_BOOLEAN: 0 or 1 */
    const char *str; /* KNEE_FACT_STRING: NUL-terminated, str_len bytes */
    size_t str_len;
    char **members; /* KNEE_FACT_SET: n_members NUL-terminated strings */
    size_t n_members;
} knee__factval;

#endif
