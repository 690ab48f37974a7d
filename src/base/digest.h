/* digest.h - SHA-256 of the exact bytes of a rule file, for provenance in every result. */
#ifndef KNEE_DIGEST_H
#define KNEE_DIGEST_H

#include <stddef.h>

/* Writes 64 lower-case hex characters and a NUL into hex[65]. */
void knee__sha256_hex(const void *buf, size_t len, char hex[65]);

#endif
