/* support.c - see support.h. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *kt_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;
    if (!f || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fprintf(stderr, "cannot read %s\n", path);
        exit(2);
    }
    buf = malloc((size_t)n + 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        fprintf(stderr, "cannot read %s\n", path);
        exit(2);
    }
    buf[n] = '\0';
    fclose(f);
    if (len)
        *len = (size_t)n;
    return buf;
}

int kt_has_diag(const knee_diag *d, const char *code, unsigned line, unsigned col)
{
    size_t i;
    for (i = 0; i < knee_diag_count(d); i++)
        if (strcmp(knee_diag_code(d, i), code) == 0 && (!line || knee_diag_line(d, i) == line) &&
            (!col || knee_diag_column(d, i) == col))
            return 1;
    return 0;
}

void kt_dump(const knee_diag *d)
{
    size_t i;
    for (i = 0; i < knee_diag_count(d); i++)
        fprintf(stderr, "    %s:%u:%u: %s: %s\n", knee_diag_file(d, i), knee_diag_line(d, i),
                knee_diag_column(d, i), knee_diag_code(d, i), knee_diag_message(d, i));
}

knee_ruleset *kt_load_data(const char *name)
{
    char path[1024];
    knee_ruleset *rs = NULL;
    knee_diag *d = NULL;
    snprintf(path, sizeof path, "%s/%s", KNEE_TEST_DATA, name);
    if (knee_ruleset_load_file(&rs, path, NULL, &d) != KNEE_OK) {
        fprintf(stderr, "cannot load %s:\n", path);
        kt_dump(d);
        exit(2);
    }
    knee_diag_free(d);
    return rs;
}

size_t kt_option(const knee_result *r, const char *id)
{
    size_t i;
    for (i = 0; i < knee_result_option_count(r); i++)
        if (strcmp(knee_result_option_id(r, i), id) == 0)
            return i;
    return (size_t)-1;
}

int kt_run(void)
{
    unsigned failed;
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    /* A suite whose set-up failed (e.g. the default rules did not load) ran no test: a failure. */
    failed = CU_get_number_of_tests_failed() + CU_get_number_of_suites_failed();
    CU_cleanup_registry();
    return failed ? 1 : 0;
}
