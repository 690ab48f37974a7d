/* alloc.h - the one allocation choke point. Every library allocation goes through here so that
 * tests can fail the Nth allocation (builds with KNEE_FAULT_INJECTION) and prove that nothing
 * leaks or crashes. libxml2 allocates through its own allocator, which we must not replace
 * (the host process may use libxml2 too). */
#ifndef KNEE_ALLOC_H
#define KNEE_ALLOC_H

#include <stddef.h>

void *knee__malloc(size_t n);
void *knee__calloc(size_t count, size_t size);
void *knee__realloc(void *p, size_t n);
void knee__dealloc(void *p);
char *knee__strdup(const char *s);
char *knee__strndup(const char *s, size_t n);
/* Grow *v (elements of size elem) so that it holds at least need elements; 0 or KNEE_ENOMEM. */
int knee__grow(void **v, size_t *cap, size_t need, size_t elem);

#ifdef KNEE_FAULT_INJECTION
/* Test builds only: make the allocation after `n` more succeed fail (n = 0: the next one);
 * -1 disables. Per thread. Returns how many allocations were made since the last call. */
long knee__fault_inject(long n);
#endif

#endif
