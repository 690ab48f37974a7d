/* arena.h - bump allocation for objects that live and die together (a loaded ruleset, a parsed
 * XML tree). One free releases everything, and a failed load cannot leak a piece. */
#ifndef KNEE_ARENA_H
#define KNEE_ARENA_H

#include <stddef.h>

typedef struct knee__arena_block knee__arena_block;
typedef struct knee__arena {
    knee__arena_block *head;
    size_t total; /* bytes obtained from the allocator, for memory accounting */
} knee__arena;

void knee__arena_init(knee__arena *a);
void knee__arena_release(knee__arena *a);
/* Zeroed memory aligned for any type; NULL when out of memory. */
void *knee__arena_alloc(knee__arena *a, size_t n);
char *knee__arena_strndup(knee__arena *a, const char *s, size_t n);
char *knee__arena_strdup(knee__arena *a, const char *s);

#endif
