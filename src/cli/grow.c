/* grow.c - the knee command's growable arrays: one doubling rule, with the overflow check. */
#include <stdint.h>
#include <stdlib.h>

#include "cli/cli.h"

int cli_grow(void **v, size_t *cap, size_t need, size_t elem, size_t first)
{
    size_t ncap;
    void *nv;
    if (need <= *cap)
        return 0;
    ncap = *cap ? *cap : first;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2)
            return -1;
        ncap *= 2;
    }
    if (ncap > SIZE_MAX / elem || !(nv = realloc(*v, ncap * elem)))
        return -1;
    *v = nv;
    *cap = ncap;
    return 0;
}
