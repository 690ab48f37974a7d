/* support.h - small helpers shared by the unit suites. */
#ifndef KNEE_TEST_SUPPORT_H
#define KNEE_TEST_SUPPORT_H

#include <stddef.h>

#include <CUnit/Basic.h>

#include "knee.h"

/* Read a whole file (test data); aborts the test program if it cannot. Free with free(). */
char *kt_read(const char *path, size_t *len);
/* 1 if d has a diagnostic with this code (and line/col, when not 0). */
int kt_has_diag(const knee_diag *d, const char *code, unsigned line, unsigned col);
/* Print every diagnostic (to make a failing assertion readable). */
void kt_dump(const knee_diag *d);
/* Load tests/data/NAME; aborts on failure. */
knee_ruleset *kt_load_data(const char *name);
/* Run the registered suites verbosely; return the process exit status. */
int kt_run(void);
/* Index of option id in a result, or (size_t)-1. */
size_t kt_option(const knee_result *r, const char *id);

#endif
