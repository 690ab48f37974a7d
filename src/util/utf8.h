/* utf8.h - reading UTF-8 text one character at a time, for the checks every input gets (XML
 * bytes, patient strings) and for output that must not be reordered or split (diagnostics, the
 * report). */
#ifndef KNEE_UTF8_H
#define KNEE_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* The character at s (n > 0 bytes available): its length, 1 to 4, with *cp set; 0 when the bytes
 * are not well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing past
 * U+10FFFF). A NUL byte is a character (length 1, *cp 0). */
size_t knee__utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

/* 1 for the characters that change the display order of the text around them: the bidi
 * embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) and the direction marks
 * (U+200E, U+200F, U+061C). An unterminated U+202E reverses everything after it on the line. */
int knee__utf8_bidi_control(uint32_t cp);

#endif
