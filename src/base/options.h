/* options.h - caller-settable limits (public API in knee.h; defaults in docs/limits.md). */
#ifndef KNEE_OPTIONS_H
#define KNEE_OPTIONS_H

#include "knee.h"

struct knee_options {
    int64_t limit[KNEE_LIMIT_COUNT];
};

/* The value of a limit from opts, or its default when opts is NULL. */
int64_t knee__limit(const knee_options *opts, int which);

#endif
