/* readability.c - the Flesch-Kincaid grade level (Kincaid et al. 1975) with a documented,
 * deterministic count of words, sentences and syllables (docs/diagnostics.md, "Reading grade").
 * A heuristic: it reads English spelling, not sound, and is meant to flag texts that are clearly
 * too hard, not to grade them to a decimal. */
#include "rules/readability.h"

enum { OTHER, LETTER, DIGIT, JOINER };

/* What the character at s is, and its length in bytes. Beyond ASCII: U+0080-U+00BF (no-break
 * space, degree sign, ...) and U+2000-U+2FFF (dashes, quotes, ellipsis, arrows, maths) are
 * punctuation, the right single quote U+2019 joins like an apostrophe ("don't"), and anything
 * else is a letter (é, ü, ...). */
static int kind(const unsigned char *s, size_t *len)
{
    unsigned char c = *s;
    size_t k;
    *len = 1;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
        return LETTER;
    if (c >= '0' && c <= '9')
        return DIGIT;
    if (c == '-' || c == '\'' || c == '.' || c == ',')
        return JOINER;
    if (c < 0xC2)
        return OTHER;
    *len = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    for (k = 1; k < *len; k++)
        if ((s[k] & 0xC0) != 0x80) { /* a broken sequence: one byte of punctuation */
            *len = 1;
            return OTHER;
        }
    if (c == 0xE2 && s[1] == 0x80 && s[2] == 0x99)
        return JOINER;
    return c == 0xC2 || c == 0xE2 ? OTHER : LETTER;
}

static int is_vowel(unsigned char c)
{
    c = (unsigned char)(c | 0x20); /* lower case, for ASCII letters */
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

/* Syllables of one run of letters: its groups of vowels (a e i o u y), less a silent final e
 * ("made"; not "table", "knee" or "the"). */
static size_t part_syllables(const unsigned char *p, size_t n)
{
    size_t i, groups = 0;
    int in_group = 0;
    for (i = 0; i < n; i++) {
        int v = p[i] < 0x80 && is_vowel(p[i]);
        groups += v && !in_group;
        in_group = v;
    }
    if (groups > 1 && n >= 2 && (p[n - 1] | 0x20) == 'e' && !is_vowel(p[n - 2]) &&
        !(n >= 3 && (p[n - 2] | 0x20) == 'l' && !is_vowel(p[n - 3])))
        groups--;
    return groups;
}

/* Read the word at *s (it starts with a letter or a digit): letters and digits, joined by a
 * hyphen, apostrophe, full stop or comma between them ("non-surgical", "2.5", "10,000"). Its
 * syllables are those of its runs of letters added up, at least 1 (a number counts 1). */
static size_t read_word(const unsigned char **s)
{
    const unsigned char *p = *s, *run = NULL;
    size_t len, next_len, syllables = 0;
    for (;;) {
        int k = kind(p, &len), next;
        if (k == LETTER && !run)
            run = p;
        if (k != LETTER && run) {
            syllables += part_syllables(run, (size_t)(p - run));
            run = NULL;
        }
        if (k == LETTER || k == DIGIT) {
            p += len;
            continue;
        }
        next = k == JOINER ? kind(p + len, &next_len) : OTHER;
        if (next == LETTER || next == DIGIT) {
            p += len;
            continue;
        }
        break;
    }
    *s = p;
    return syllables ? syllables : 1;
}

static int ends_sentence(unsigned char c)
{
    return c == '.' || c == '!' || c == '?';
}

double knee__reading_grade(const char *text, knee__reading *counts)
{
    const unsigned char *s = (const unsigned char *)(text ? text : "");
    knee__reading c = {0, 0, 0};
    size_t len, since_end = 0; /* words since the last sentence end */
    while (*s) {
        int k = kind(s, &len);
        if (k == LETTER || k == DIGIT) {
            c.syllables += read_word(&s);
            c.words++;
            since_end++;
            continue;
        }
        /* A sentence ends at . ! or ? (a run of them, then any closing quotes or brackets)
         * followed by white space or the end; a line break after words ends one too (a list item
         * without a full stop). */
        if (since_end && *s == '\n') {
            c.sentences++;
            since_end = 0;
        } else if (since_end && ends_sentence(*s)) {
            const unsigned char *p = s;
            while (ends_sentence(*p) || *p == '"' || *p == ')' || *p == '\'')
                p++;
            if (*p == '\0' || *p == ' ' || *p == '\n' || *p == '\t' || *p == '\r') {
                c.sentences++;
                since_end = 0;
            }
            s = p;
            continue;
        }
        s += len;
    }
    if (since_end) /* text that stops without a full stop */
        c.sentences++;
    if (counts)
        *counts = c;
    if (!c.words)
        return 0;
    return 0.39 * (double)c.words / (double)c.sentences +
           11.8 * (double)c.syllables / (double)c.words - 15.59;
}
