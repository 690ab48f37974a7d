/* alloc.c - the allocation choke point (alloc.h). */
#include "util/alloc.h"

#include <stdlib.h>
#include <string.h>

#include "knee.h"

#ifdef KNEE_FAULT_INJECTION
/* Test builds only; the shipped library has no mutable global state. */
static _Thread_local long fault_countdown = -1;
static _Thread_local long alloc_count = 0;

long knee__fault_inject(long n)
{
    long made = alloc_count;
    fault_countdown = n;
    alloc_count = 0;
    return made;
}

static int should_fail(void)
{
    alloc_count++;
    if (fault_countdown < 0)
        return 0;
    if (fault_countdown == 0) {
        fault_countdown = -1;
        return 1;
    }
    fault_countdown--;
    return 0;
}
#else
#define should_fail() 0
#endif

void *knee__malloc(size_t n)
{
    if (should_fail())
        return NULL;
    return malloc(n ? n : 1);
}

void *knee__calloc(size_t count, size_t size)
{
    if (should_fail())
        return NULL;
    return calloc(count ? count : 1, size ? size : 1);
}

void *knee__realloc(void *p, size_t n)
{
    if (should_fail())
        return NULL;
    return realloc(p, n ? n : 1);
}

void knee__dealloc(void *p)
{
    free(p);
}

char *knee__strndup(const char *s, size_t n)
{
    char *d = knee__malloc(n + 1);
    if (!d)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *knee__strdup(const char *s)
{
    return knee__strndup(s, strlen(s));
}

int knee__grow(void **v, size_t *cap, size_t need, size_t elem)
{
    size_t ncap;
    void *nv;
    if (need <= *cap)
        return KNEE_OK;
    ncap = *cap ? *cap * 2 : 8;
    while (ncap < need) {
        if (ncap > ((size_t)-1) / 2)
            return KNEE_ENOMEM;
        ncap *= 2;
    }
    if (ncap > ((size_t)-1) / elem)
        return KNEE_ENOMEM;
    nv = knee__realloc(*v, ncap * elem);
    if (!nv)
        return KNEE_ENOMEM;
    *v = nv;
    *cap = ncap;
    return KNEE_OK;
}
