/* names.h - how many scoring methods and missing-value policies there are (names.c holds their
 * names; the public knee_method_name() and knee_missing_name() read them). */
#ifndef KNEE_NAMES_H
#define KNEE_NAMES_H

#include "knee.h"

#define KNEE__N_METHODS 7 /* KNEE_METHOD_DEFAULT .. KNEE_METHOD_TOPSIS_UTILITY */
#define KNEE__N_MISSING 7 /* KNEE_MISSING_DEFAULT .. KNEE_MISSING_REFUSE */

#endif
