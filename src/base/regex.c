/* regex.c - the only file that includes PCRE2 (see regex.h).
 *
 * Patterns are compiled in UTF mode (subjects are UTF-checked at every match) and JIT-compiled
 * when the JIT is available. All PCRE2 memory goes through alloc.h via a general context, so
 * fault-injection tests reach PCRE2's allocations too. Matching state lives in a per-thread
 * scratch: match data, a match context holding the match/depth/heap limits and, when the JIT is
 * available, a JIT stack sized from the heap limit. A compiled pattern is never written after
 * knee__regex_compile returns, so one pattern may be matched from many threads at once. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "base/regex.h"

#include <pcre2.h>
#include <stdio.h>
#include <string.h>

#include "util/alloc.h"
#include "knee.h"

struct knee__regex {
    pcre2_code *code;
};

struct knee__match_scratch {
    pcre2_general_context *gctx;
    pcre2_match_context *mctx;
    pcre2_match_data *md;
    pcre2_jit_stack *jit_stack; /* NULL when the JIT is not available */
    char *subject;              /* SUBJECT_PAD + SUBJECT_MAX + SUBJECT_PAD bytes, all written */
    uint32_t match_limit;
    uint32_t depth_limit;
    uint32_t heap_limit_kib;
    uint32_t budget, matches; /* matches allowed and made since the last reset (0: no budget) */
};

/* The JIT's SIMD scans read whole aligned 16-byte blocks, so they may read a few bytes past the
 * end of the subject (harmless inside one page, but memcheck reports the bytes past a heap
 * block as uninitialised, and an over-read at a page boundary has been a real PCRE2 bug).
 * Subjects up to SUBJECT_MAX bytes (the default KNEE_LIMIT_STRING_BYTES) are therefore matched
 * in a copy with initialised padding on both sides; longer ones are matched where they are.
 * The buffer is allocated with the scratch, so matching itself never allocates. */
#define SUBJECT_PAD 64
#define SUBJECT_MAX 4096

/* The JIT stack may grow to the heap budget, within these bounds (the maximum is reserved as
 * address space up front, so a huge heap limit must not turn into a huge reservation). */
#define JIT_STACK_START ((PCRE2_SIZE)32 * 1024)
#define JIT_STACK_MIN_MAX ((PCRE2_SIZE)64 * 1024)
#define JIT_STACK_MAX_MAX ((PCRE2_SIZE)64 * 1024 * 1024)

static void *gctx_malloc(PCRE2_SIZE n, void *data)
{
    (void)data;
    return knee__malloc(n);
}

static void gctx_free(void *p, void *data)
{
    (void)data;
    knee__dealloc(p);
}

static pcre2_general_context *new_gctx(void)
{
    return pcre2_general_context_create(gctx_malloc, gctx_free, NULL);
}

static void put_msg(char *errbuf, size_t errbuf_len, const char *msg)
{
    if (errbuf && errbuf_len) {
        size_t n = strlen(msg);
        if (n >= errbuf_len)
            n = errbuf_len - 1;
        memcpy(errbuf, msg, n);
        errbuf[n] = '\0';
    }
}

/* PCRE2's text for an error code (positive: compile error, negative: match error). */
static void pcre2_text(int code, char *buf, size_t len)
{
    if (pcre2_get_error_message(code, (PCRE2_UCHAR *)buf, len) < 0 && len > 0 && buf[0] == '\0')
        snprintf(buf, len, "PCRE2 error %d", code);
}

static int jit_available(void)
{
    uint32_t jit = 0;
    if (pcre2_config(PCRE2_CONFIG_JIT, &jit) < 0)
        return 0;
    return jit != 0;
}

int knee__regex_compile(knee__regex **out, const char *pattern, size_t len, size_t *err_offset,
                        char *errbuf, size_t errbuf_len)
{
    pcre2_general_context *gctx = NULL;
    pcre2_compile_context *cctx = NULL;
    pcre2_code *code = NULL;
    knee__regex *re = NULL;
    int errcode = 0;
    PCRE2_SIZE erroff = 0;
    int rc = KNEE_ENOMEM;

    *out = NULL;
    if (err_offset)
        *err_offset = 0;
    put_msg(errbuf, errbuf_len, "");
    if (!pattern)
        pattern = "";

    gctx = new_gctx();
    if (!gctx)
        goto nomem;
    cctx = pcre2_compile_context_create(gctx);
    if (!cctx)
        goto nomem;
    /* UTF mode, and the pattern itself is UTF-checked (no PCRE2_NO_UTF_CHECK). \C could split
     * a UTF-8 character and is of no use in a condition, so it is refused. */
    code = pcre2_compile((PCRE2_SPTR)pattern, (PCRE2_SIZE)len, PCRE2_UTF | PCRE2_NEVER_BACKSLASH_C,
                         &errcode, &erroff, cctx);
    if (!code) {
        if (errcode == PCRE2_ERROR_HEAP_FAILED) {
            put_msg(errbuf, errbuf_len, "out of memory");
            goto nomem;
        }
        if (err_offset)
            *err_offset = (size_t)erroff;
        if (errbuf && errbuf_len)
            pcre2_text(errcode, errbuf, errbuf_len);
        rc = KNEE_EINVALID;
        goto out;
    }
    /* JIT failure of any kind (not built in, no executable memory under a hardened kernel, no
     * memory) only costs speed: the interpreter gives the same answers under the same limits. */
    if (jit_available())
        (void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);

    re = knee__malloc(sizeof *re);
    if (!re)
        goto nomem;
    re->code = code;
    code = NULL;
    *out = re;
    rc = KNEE_OK;
    goto out;

nomem:
    put_msg(errbuf, errbuf_len, "out of memory");
    rc = KNEE_ENOMEM;
out:
    pcre2_code_free(code);
    pcre2_compile_context_free(cctx);
    pcre2_general_context_free(gctx);
    return rc;
}

void knee__regex_free(knee__regex *re)
{
    if (!re)
        return;
    pcre2_code_free(re->code);
    knee__dealloc(re);
}

int knee__match_scratch_new(knee__match_scratch **out, uint32_t match_limit, uint32_t depth_limit,
                            uint32_t heap_limit_kib, uint32_t budget)
{
    knee__match_scratch *s;
    *out = NULL;
    s = knee__calloc(1, sizeof *s);
    if (!s)
        return KNEE_ENOMEM;
    s->match_limit = match_limit;
    s->depth_limit = depth_limit;
    s->heap_limit_kib = heap_limit_kib;
    s->budget = budget;
    s->gctx = new_gctx();
    if (!s->gctx)
        goto nomem;
    s->mctx = pcre2_match_context_create(s->gctx);
    if (!s->mctx)
        goto nomem;
    /* One pair of offsets is enough for a yes/no answer, whatever the pattern's groups. */
    s->md = pcre2_match_data_create(1, s->gctx);
    if (!s->md)
        goto nomem;
    s->subject = knee__calloc(1, SUBJECT_PAD + SUBJECT_MAX + SUBJECT_PAD);
    if (!s->subject)
        goto nomem;
    pcre2_set_match_limit(s->mctx, match_limit);
    pcre2_set_depth_limit(s->mctx, depth_limit);
    pcre2_set_heap_limit(s->mctx, heap_limit_kib);
    if (jit_available()) {
        /* The JIT ignores the depth and heap limits; its stack is its budget instead. */
        PCRE2_SIZE max = (PCRE2_SIZE)heap_limit_kib * 1024;
        if (max < JIT_STACK_MIN_MAX)
            max = JIT_STACK_MIN_MAX;
        if (max > JIT_STACK_MAX_MAX)
            max = JIT_STACK_MAX_MAX;
        s->jit_stack = pcre2_jit_stack_create(JIT_STACK_START, max, s->gctx);
        /* Without it the JIT uses a 32 KiB stack on the machine stack: still bounded. */
        if (s->jit_stack)
            pcre2_jit_stack_assign(s->mctx, NULL, s->jit_stack);
    }
    *out = s;
    return KNEE_OK;
nomem:
    knee__match_scratch_free(s);
    return KNEE_ENOMEM;
}

void knee__match_scratch_reset(knee__match_scratch *s)
{
    s->matches = 0;
}

void knee__match_scratch_free(knee__match_scratch *s)
{
    if (!s)
        return;
    pcre2_jit_stack_free(s->jit_stack);
    knee__dealloc(s->subject);
    pcre2_match_data_free(s->md);
    pcre2_match_context_free(s->mctx);
    pcre2_general_context_free(s->gctx);
    knee__dealloc(s);
}

int knee__regex_match(const knee__regex *re, const char *subject, size_t len,
                      knee__match_scratch *s, char *errbuf, size_t errbuf_len)
{
    int rc;
    char msg[200];
    if (!re || !s) {
        put_msg(errbuf, errbuf_len, "pattern match failed: no pattern or no match scratch");
        return KNEE_EREGEX;
    }
    /* Each match is bounded by the limits, but a file of many patterns near them would still
     * cost seconds per comparison (100,000 took 5.8 s): the budget bounds their number. */
    if (s->budget && s->matches++ >= s->budget) {
        snprintf(msg, sizeof msg,
                 "pattern match budget reached: more than %lu pattern matches in one comparison "
                 "(KNEE_LIMIT_REGEX_BUDGET)",
                 (unsigned long)s->budget);
        put_msg(errbuf, errbuf_len, msg);
        return KNEE_EREGEX;
    }
    if (!subject) {
        subject = "";
        len = 0;
    }
    if (len <= SUBJECT_MAX) {
        char *copy = s->subject + SUBJECT_PAD;
        if (len)
            memcpy(copy, subject, len);
        subject = copy;
    }
    /* UTF checking stays on: an invalid subject is an error, never undefined behaviour. */
    rc = pcre2_match(re->code, (PCRE2_SPTR)subject, (PCRE2_SIZE)len, 0, 0, s->md, s->mctx);
    if (rc >= 0)
        return 1;
    if (rc == PCRE2_ERROR_NOMATCH)
        return 0;
    switch (rc) {
    case PCRE2_ERROR_MATCHLIMIT:
        snprintf(msg, sizeof msg,
                 "pattern match limit reached (match limit %lu): the pattern backtracks too much "
                 "on this value",
                 (unsigned long)s->match_limit);
        break;
    case PCRE2_ERROR_DEPTHLIMIT:
        snprintf(msg, sizeof msg,
                 "pattern match limit reached (depth limit %lu): the pattern nests too deeply "
                 "on this value",
                 (unsigned long)s->depth_limit);
        break;
    case PCRE2_ERROR_HEAPLIMIT:
        snprintf(msg, sizeof msg,
                 "pattern match limit reached (heap limit %lu KiB): the pattern needs too much "
                 "memory on this value",
                 (unsigned long)s->heap_limit_kib);
        break;
    case PCRE2_ERROR_JIT_STACKLIMIT:
        snprintf(msg, sizeof msg,
                 "pattern match limit reached (JIT stack exhausted): the pattern needs too much "
                 "memory on this value");
        break;
    default: {
        char text[120];
        text[0] = '\0';
        pcre2_text(rc, text, sizeof text);
        if (rc <= PCRE2_ERROR_UTF8_ERR1 && rc >= PCRE2_ERROR_UTF8_ERR21)
            snprintf(msg, sizeof msg, "value is not valid UTF-8 at byte %lu: %s",
                     (unsigned long)pcre2_get_startchar(s->md), text);
        else
            snprintf(msg, sizeof msg, "pattern match failed: %s", text);
        break;
    }
    }
    put_msg(errbuf, errbuf_len, msg);
    return KNEE_EREGEX;
}
