/* driver.c - replays fuzz inputs without libFuzzer, so any compiler (gcc) and valgrind can run
 * the corpora as ordinary tests. Arguments are files or directories (read one level deep, in
 * sorted order); each file is passed once to LLVMFuzzerTestOneInput(). A bug shows as a crash,
 * an abort from a harness check, or a sanitizer/valgrind report; the exit status is then not 0. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL;
    size_t len = 0, cap = 0, got;
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        return 1;
    }
    do {
        if (len == cap) {
            unsigned char *nb;
            cap = cap ? cap * 2 : 65536;
            nb = realloc(buf, cap);
            if (!nb) {
                fprintf(stderr, "out of memory reading %s\n", path);
                free(buf);
                fclose(f);
                return 1;
            }
            buf = nb;
        }
        got = fread(buf + len, 1, cap - len, f);
        len += got;
    } while (got > 0);
    fclose(f);
    /* An exact-size copy, so a read past the input is caught (ASan, valgrind). */
    {
        unsigned char *exact = malloc(len ? len : 1);
        if (!exact) {
            free(buf);
            return 1;
        }
        if (len)
            memcpy(exact, buf, len);
        free(buf);
        LLVMFuzzerTestOneInput(exact, len);
        free(exact);
    }
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_path(const char *path, size_t *count)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "cannot stat %s\n", path);
        return 1;
    }
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *e;
        char **names = NULL;
        size_t n = 0, cap = 0, i;
        int bad = 0;
        if (!d) {
            fprintf(stderr, "cannot open directory %s\n", path);
            return 1;
        }
        while ((e = readdir(d)) != NULL) {
            if (e->d_name[0] == '.')
                continue;
            if (n == cap) {
                char **nn;
                cap = cap ? cap * 2 : 64;
                nn = realloc(names, cap * sizeof *names);
                if (!nn)
                    abort();
                names = nn;
            }
            names[n] = malloc(strlen(path) + strlen(e->d_name) + 2);
            if (!names[n])
                abort();
            sprintf(names[n], "%s/%s", path, e->d_name);
            n++;
        }
        closedir(d);
        if (n)
            qsort(names, n, sizeof *names, by_name);
        for (i = 0; i < n; i++) {
            bad |= run_file(names[i]);
            (*count)++;
            free(names[i]);
        }
        free(names);
        return bad;
    }
    (*count)++;
    return run_file(path);
}

int main(int argc, char **argv)
{
    size_t count = 0;
    int i, bad = 0;
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
        return 2;
    }
    for (i = 1; i < argc; i++)
        bad |= run_path(argv[i], &count);
    printf("replayed %zu inputs\n", count);
    if (count == 0) {
        fprintf(stderr, "no inputs found\n");
        return 1;
    }
    return bad;
}
