/* diag.h - building a list of diagnostics (the public accessors are in diag.c). */
#ifndef KNEE_DIAG_H
#define KNEE_DIAG_H

#include "knee.h"

/* A position in an input file (1-based; 0 = unknown). */
typedef struct knee__pos {
    unsigned line, col;
} knee__pos;

int knee__diag_new(knee_diag **out);
/* Append a diagnostic. The message is formatted printf-style (no floating point: it would be
 * locale-dependent; format numbers with knee__format_double first). Returns KNEE_OK or
 * KNEE_ENOMEM. d may be NULL (the diagnostic is dropped, errors still counted by the caller). */
int knee__diag_add(knee_diag *d, int severity, int status, const char *code, const char *file,
                   knee__pos pos, const char *element, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 8, 9)))
#endif
    ;

#endif
