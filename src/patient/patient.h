/* patient.h - the patient object as the evaluator reads it. */
#ifndef KNEE_PATIENT_H
#define KNEE_PATIENT_H

#include "rules/facts.h"
#include "knee.h"

struct knee_patient {
    const knee_ruleset *rs;
    knee__factval *facts; /* one per declared fact */
    double *weights;      /* one per criterion; used when weight_set[j] */
    unsigned char *weight_set;
    char errmsg[512];
};

/* A copy of p to work on (all-or-nothing loads), and swapping its contents into p. */
int knee__patient_copy(knee_patient **out, const knee_patient *p);
void knee__patient_swap(knee_patient *a, knee_patient *b);

/* The lookups behind the setters, with their messages (an unknown id's nearest ids, what a
 * fact of another type takes): KNEE_OK with *index, or the status with msg written. A fact
 * must be of type want1 or want2 (0: any type). Shared by the patient and the batch. */
int knee__fact_decl(const knee_ruleset *rs, const char *id, int want1, int want2, size_t *index,
                    char *msg, size_t cap);
int knee__criterion_decl(const knee_ruleset *rs, const char *id, size_t *index, char *msg,
                         size_t cap);

/* The checks and parsing behind the setters, by fact index, for callers that validate values
 * without a patient (batch.c). Each returns KNEE_OK or the setter's status with its message
 * written to msg (cap bytes; cap 0: the status alone, without the cost of wording it). */
int knee__check_number(const knee_ruleset *rs, size_t fact, double value, char *msg, size_t cap);
/* A string value or set member: length limit, UTF-8, allowed values. */
int knee__check_text(const knee_ruleset *rs, size_t fact, const char *s, size_t n, char *msg,
                     size_t cap);
/* Text as knee_patient_set_text reads it: a number, or a boolean word. */
int knee__parse_number(const knee_ruleset *rs, size_t fact, const char *text, size_t n,
                       double *value, char *msg, size_t cap);
int knee__parse_bool(const knee_ruleset *rs, size_t fact, const char *text, int *value, char *msg,
                     size_t cap);
/* The next member of a set's comma-separated text: trimmed, empty ones skipped. Advances
 * *text; returns 0 when there are no more. */
int knee__next_member(const char **text, const char **member, size_t *n);

#endif
