/* file_input.c - see file_input.h. */
#include "base/file_input.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "util/alloc.h"

int knee__file_read(const char *path, size_t max_bytes, char **buf, size_t *len, char *errbuf,
                    size_t errbuf_len)
{
    FILE *f;
    struct stat st;
    char *data = NULL;
    size_t n = 0, cap;
    int rc = KNEE_EIO;
    *buf = NULL;
    *len = 0;
    f = fopen(path, "rb");
    if (!f) {
        snprintf(errbuf, errbuf_len, "cannot open '%s': %s", path, strerror(errno));
        return KNEE_EIO;
    }
    if (fstat(fileno(f), &st) != 0 || S_ISDIR(st.st_mode)) {
        snprintf(errbuf, errbuf_len, "cannot read '%s': not a regular file", path);
        goto out;
    }
    if (st.st_size > 0 && (unsigned long long)st.st_size > max_bytes) {
        snprintf(errbuf, errbuf_len, "'%s' is %lld bytes, over the input limit of %zu bytes", path,
                 (long long)st.st_size, max_bytes);
        rc = KNEE_ELIMIT;
        goto out;
    }
    /* Read in chunks: the size from stat may be wrong (pipes, /proc), the limit is not. */
    cap = st.st_size > 0 ? (size_t)st.st_size + 1 : 65536;
    data = knee__malloc(cap);
    if (!data) {
        rc = KNEE_ENOMEM;
        goto out;
    }
    for (;;) {
        size_t got;
        if (n == cap) {
            if (knee__grow((void **)&data, &cap, cap + 1, 1) != KNEE_OK) {
                rc = KNEE_ENOMEM;
                goto out;
            }
        }
        got = fread(data + n, 1, cap - n, f);
        n += got;
        if (n > max_bytes) {
            snprintf(errbuf, errbuf_len, "'%s' is over the input limit of %zu bytes", path,
                     max_bytes);
            rc = KNEE_ELIMIT;
            goto out;
        }
        if (got == 0) {
            if (ferror(f)) {
                snprintf(errbuf, errbuf_len, "cannot read '%s': %s", path, strerror(errno));
                goto out;
            }
            break;
        }
    }
    *buf = data;
    *len = n;
    data = NULL;
    rc = KNEE_OK;
out:
    knee__dealloc(data);
    fclose(f);
    return rc;
}
