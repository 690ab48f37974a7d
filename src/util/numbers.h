/* numbers.h - locale-independent number text. The host may run under any locale (a comma
 * decimal point, say); rule files, patient input and JSON always use '.'. */
#ifndef KNEE_NUMBERS_H
#define KNEE_NUMBERS_H

#include <stddef.h>

/* Parse the whole of s[0..len) as a finite decimal ("-12", "0.5", "1e3"; surrounding blanks
 * allowed). Returns 0 on success, -1 when it is not exactly one finite number. */
int knee__parse_double(const char *s, size_t len, double *out);

/* Parse the whole of s[0..len) as a decimal integer: an optional sign, digits (surrounding blanks
 * allowed; nothing else). Returns 0 with *out set when it lies in [min, max]; 1 when it is an
 * integer outside them, with *out set to the nearer bound (however many digits: nothing
 * overflows); -1 when it is not an integer. */
int knee__parse_int(const char *s, size_t len, long long min, long long max, long long *out);

/* Shortest text that reads back as v ("0.2", "90", "1e-07"); "null" for NaN or infinities.
 * buf must hold KNEE__NUMBUF bytes. Returns buf. */
#define KNEE__NUMBUF 40
char *knee__format_double(char *buf, double v);

/* snprintf follows LC_NUMERIC: make whatever decimal point it wrote into s (a number printed by
 * %f, %e or %g) a '.', a multi-byte one included. */
void knee__c_decimal(char *s);

#endif
