/* digest.c - the only file that uses Nettle: its SHA-256 is small, well kept, keeps no global
 * state and spares us a hand-written hash. */
#include "base/digest.h"

#include <nettle/sha2.h>

void knee__sha256_hex(const void *buf, size_t len, char hex[65])
{
    static const char digits[] = "0123456789abcdef";
    struct sha256_ctx ctx;
    unsigned char d[SHA256_DIGEST_SIZE];
    int i;
    sha256_init(&ctx);
    sha256_update(&ctx, len, buf);
    sha256_digest(&ctx, sizeof d, d);
    for (i = 0; i < SHA256_DIGEST_SIZE; i++) {
        hex[2 * i] = digits[d[i] >> 4];
        hex[2 * i + 1] = digits[d[i] & 15];
    }
    hex[64] = '\0';
}
