/* knee_bench.c - figures for libknee on this machine: medians (min-max) over several runs.
 * Usage: knee_bench [RULES.xml]   (default: the built-in rules)
 * Each measurement repeats an operation enough times for a run to last ~50 ms, does that 7
 * times, and reports per-operation medians: the machines are noisy, medians and ratios hold. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "knee.h"

#define RUNS 7

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

typedef int (*op_fn)(void *ctx);

/* Seconds per operation: median, min, max over RUNS runs of `reps` operations. */
static void measure(const char *name, op_fn op, void *ctx, long reps, const char *unit, double scale)
{
    double t[RUNS];
    int k;
    long i;
    for (i = 0; i < reps / 10 + 1; i++)   /* warm-up */
        op(ctx);
    for (k = 0; k < RUNS; k++) {
        double t0 = now();
        for (i = 0; i < reps; i++)
            if (op(ctx) != KNEE_OK) {
                fprintf(stderr, "%s: operation failed\n", name);
                exit(1);
            }
        t[k] = (now() - t0) / (double)reps;
    }
    qsort(t, RUNS, sizeof t[0], cmp);
    printf("%-46s %12.3f %s   (min %.3f, max %.3f)\n", name, t[RUNS / 2] * scale, unit,
           t[0] * scale, t[RUNS - 1] * scale);
}

typedef struct ctx {
    const char *path;
    knee_ruleset *rs;
    knee_patient *p;
    knee_result *r;
    knee_compare_options *o;
} ctx;

static int op_load(void *v)
{
    ctx *c = v;
    knee_ruleset *rs = NULL;
    int rc = c->path ? knee_ruleset_load_file(&rs, c->path, NULL, NULL) : knee_ruleset_load_default(&rs, NULL);
    knee_ruleset_free(rs);
    return rc;
}

static int op_compare(void *v)
{
    ctx *c = v;
    return knee_compare(c->rs, c->p, c->r);
}

static int op_compare_ex(void *v)
{
    ctx *c = v;
    return knee_compare_ex(c->rs, c->p, c->o, c->r);
}

static int op_json(void *v)
{
    ctx *c = v;
    char *json = NULL;
    int rc = knee_result_to_json(c->r, &json, NULL);
    knee_free(json);
    return rc;
}

int main(int argc, char **argv)
{
    ctx c;
    char host[256] = "?";
    FILE *f;
    memset(&c, 0, sizeof c);
    c.path = argc > 1 ? argv[1] : NULL;
    if ((f = fopen("/proc/cpuinfo", "r")) != NULL) {
        char line[512];
        while (fgets(line, sizeof line, f))
            if (strncmp(line, "model name", 10) == 0) {
                snprintf(host, sizeof host, "%s", strchr(line, ':') + 2);
                host[strcspn(host, "\n")] = '\0';
                break;
            }
        fclose(f);
    }
    printf("libknee %s benchmark on %s (%ld cores); rules: %s\n", knee_version_string(), host,
           sysconf(_SC_NPROCESSORS_ONLN), c.path ? c.path : "built-in knee-oa.xml");
    printf("%-46s %15s\n", "operation", "median per op");
    if (op_load(&c) != KNEE_OK ||
        (c.path ? knee_ruleset_load_file(&c.rs, c.path, NULL, NULL) : knee_ruleset_load_default(&c.rs, NULL)) != KNEE_OK ||
        knee_patient_new(&c.p, c.rs) != KNEE_OK || knee_result_new(&c.r) != KNEE_OK ||
        knee_compare_options_new(&c.o) != KNEE_OK) {
        fprintf(stderr, "cannot load the rules\n");
        return 1;
    }
    knee_patient_set_text(c.p, "age", "72");
    knee_patient_set_text(c.p, "kl_grade", "4");
    if (knee_ruleset_fact_count(c.rs) > 2) {
        knee_patient_set_text(c.p, "payer", "medicare");
        knee_patient_set_text(c.p, "diabetes", "yes");
    }
    measure("load rules (parse + XSD + checks + compile)", op_load, &c, 20, "ms", 1e3);
    measure("compare one patient (result reused)", op_compare, &c, 20000, "us", 1e6);
    measure("result to JSON", op_json, &c, 5000, "us", 1e6);
    knee_compare_options_set_method(c.o, KNEE_METHOD_TOPSIS);
    measure("compare, TOPSIS", op_compare_ex, &c, 10000, "us", 1e6);
    knee_compare_options_set_method(c.o, KNEE_METHOD_PROMETHEE2);
    measure("compare, PROMETHEE II", op_compare_ex, &c, 10000, "us", 1e6);
    knee_compare_options_set_method(c.o, KNEE_METHOD_VIKOR);
    measure("compare, VIKOR", op_compare_ex, &c, 10000, "us", 1e6);
    knee_compare_options_set_method(c.o, KNEE_METHOD_DEFAULT);
    knee_compare_options_set_sensitivity(c.o, 1, 0.05);
    measure("compare + weight sensitivity", op_compare_ex, &c, 200, "ms", 1e3);
    knee_compare_options_set_sensitivity(c.o, 0, 0.05);
    knee_compare_options_set_smaa(c.o, 10000, 1, 0);
    measure("compare + SMAA-2, 10,000 samples", op_compare_ex, &c, 5, "ms", 1e3);
    knee_compare_options_free(c.o);
    knee_result_free(c.r);
    knee_patient_free(c.p);
    knee_ruleset_free(c.rs);
    return 0;
}
