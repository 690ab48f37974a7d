/* patient.h - the patient object as the evaluator reads it. */
#ifndef KNEE_PATIENT_H
#define KNEE_PATIENT_H

#include "facts.h"
#include "knee.h"

struct knee_patient {
    const knee_ruleset *rs;
    knee__factval *facts;      /* one per declared fact */
    double *weights;           /* one per criterion; used when weight_set[j] */
    unsigned char *weight_set;
    char errmsg[320];
};

/* A copy of p to work on (all-or-nothing loads), and swapping its contents into p. */
int knee__patient_copy(knee_patient **out, const knee_patient *p);
void knee__patient_swap(knee_patient *a, knee_patient *b);

#endif
