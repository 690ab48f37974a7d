/* file_input.h - read a whole file, refusing anything over the size limit before reading it. */
#ifndef KNEE_FILE_INPUT_H
#define KNEE_FILE_INPUT_H

#include <stddef.h>

#include "knee.h"

/* KNEE_OK with *buf (free with knee__dealloc) and *len; KNEE_EIO (message in errbuf) or
 * KNEE_ELIMIT or KNEE_ENOMEM. */
int knee__file_read(const char *path, size_t max_bytes, char **buf, size_t *len, char *errbuf,
                    size_t errbuf_len);

#endif
