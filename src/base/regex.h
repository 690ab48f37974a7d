/* regex.h - the only interface to PCRE2 (regex.c is the only file that includes it).
 * Patterns are compiled in UTF mode and JIT-compiled at load, before a ruleset is shared; a
 * compiled pattern is then read-only and safe to use from many threads at once. Matching runs
 * with per-call match data under match, depth and heap limits, so a hostile pattern or subject
 * ends in an error instead of a hang. */
#ifndef KNEE_REGEX_H
#define KNEE_REGEX_H

#include <stddef.h>
#include <stdint.h>

typedef struct knee__regex knee__regex;
/* Per-thread matching state (match data and match context holding the limits). */
typedef struct knee__match_scratch knee__match_scratch;

/* Compile pattern (len bytes). On failure returns KNEE_EINVALID (bad pattern) or KNEE_ENOMEM,
 * sets *err_offset to the byte offset in the pattern and writes a message to errbuf. */
int knee__regex_compile(knee__regex **out, const char *pattern, size_t len, size_t *err_offset,
                        char *errbuf, size_t errbuf_len);
void knee__regex_free(knee__regex *re);

/* budget: the matches allowed between two knee__match_scratch_reset() calls (one comparison:
 * KNEE_LIMIT_REGEX_BUDGET), 0 for no budget (the lint has its own). */
int knee__match_scratch_new(knee__match_scratch **out, uint32_t match_limit, uint32_t depth_limit,
                            uint32_t heap_limit_kib, uint32_t budget);
void knee__match_scratch_free(knee__match_scratch *s);
/* Start a new budget: a comparison begins. */
void knee__match_scratch_reset(knee__match_scratch *s);

/* 1: matches, 0: no match, KNEE_EREGEX: a limit or the budget was hit, or matching failed
 * (message in errbuf). */
int knee__regex_match(const knee__regex *re, const char *subject, size_t len,
                      knee__match_scratch *s, char *errbuf, size_t errbuf_len);

#endif
