/* arena.c - bump allocator over blocks from the allocation choke point. */
#include "util/arena.h"

#include <stdalign.h>
#include <string.h>

#include "util/alloc.h"

struct knee__arena_block {
    knee__arena_block *next;
    size_t used, size;
    alignas(max_align_t) unsigned char data[];
};

#define ARENA_BLOCK 16384u

void knee__arena_init(knee__arena *a)
{
    a->head = NULL;
    a->total = 0;
}

void knee__arena_release(knee__arena *a)
{
    knee__arena_block *b = a->head;
    while (b) {
        knee__arena_block *next = b->next;
        knee__dealloc(b);
        b = next;
    }
    a->head = NULL;
    a->total = 0;
}

void *knee__arena_alloc(knee__arena *a, size_t n)
{
    const size_t align = alignof(max_align_t);
    knee__arena_block *b = a->head;
    void *p;
    if (n > ((size_t)-1) / 2)
        return NULL;
    n = (n + align - 1) & ~(align - 1);
    if (!b || b->size - b->used < n) {
        size_t size = n > ARENA_BLOCK ? n : ARENA_BLOCK;
        b = knee__malloc(sizeof *b + size);
        if (!b)
            return NULL;
        b->used = 0;
        b->size = size;
        b->next = a->head;
        a->head = b;
        a->total += sizeof *b + size;
    }
    p = b->data + b->used;
    b->used += n;
    memset(p, 0, n);
    return p;
}

char *knee__arena_strndup(knee__arena *a, const char *s, size_t n)
{
    char *d = knee__arena_alloc(a, n + 1);
    if (!d)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *knee__arena_strdup(knee__arena *a, const char *s)
{
    return knee__arena_strndup(a, s, strlen(s));
}
