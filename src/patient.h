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

#endif
