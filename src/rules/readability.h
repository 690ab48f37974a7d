/* readability.h - the Flesch-Kincaid grade level of a text (readability.c), for the lint of the
 * texts a rule file writes for patients (rules/README.md, docs/diagnostics.md). */
#ifndef KNEE_READABILITY_H
#define KNEE_READABILITY_H

#include <stddef.h>

typedef struct knee__reading {
    size_t words, sentences, syllables;
} knee__reading;

/* Count the words, sentences and syllables of text (NUL-terminated UTF-8) and return the
 * Flesch-Kincaid grade, 0.39 x words/sentences + 11.8 x syllables/words - 15.59; 0 for a text
 * without words. counts may be NULL. The counting rules are in docs/diagnostics.md. */
double knee__reading_grade(const char *text, knee__reading *counts);

#endif
