/* knee_bench.c - libknee's figures on this machine (sh scripts/bench.sh).
 * Usage: knee_bench [LARGE_RULES.xml [--large-only]] [--scale SMALL.xml BIG.xml]
 * (--large-only: just the large-set figures; --scale: the cost per option of two generated files,
 * 18 and 100 options in scripts/bench.sh, dominance included)
 * Every figure is a median over RUNS runs (with min and max), each run long enough to time:
 * these machines are noisy, so compare ratios within one run and quote medians. */
#define _GNU_SOURCE
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "knee.h"
#include "rules/model.h" /* the baseline reads the declared values and value functions */

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

static void row(const char *name, const double *t, int n, const char *unit, double scale)
{
    qsort((void *)t, (size_t)n, sizeof t[0], cmp);
    printf("%-52s %12.3f %-4s (min %.3f, max %.3f)\n", name, t[n / 2] * scale, unit, t[0] * scale,
           t[n - 1] * scale);
}

typedef int (*op_fn)(void *ctx);

/* Median seconds per operation over RUNS runs of reps operations; also printed. */
static double measure(const char *name, op_fn op, void *ctx, long reps, const char *unit,
                      double scale)
{
    double t[RUNS], med;
    long i;
    int k;
    for (i = 0; i < reps / 10 + 1; i++) /* warm-up */
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
    row(name, t, RUNS, unit, scale);
    med = t[RUNS / 2];
    return med;
}

/* Median wall time of running a command (seconds), and its peak RSS in KiB via *rss. */
static double run_process(char *const argv[], long *rss)
{
    double t[5];
    int k;
    for (k = 0; k < 5; k++) {
        double t0;
        pid_t pid;
        fflush(stdout); /* or the child would print our buffered lines again */
        t0 = now();
        pid = fork();
        int status;
        struct rusage ru;
        if (pid == 0) {
            if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr))
                _exit(127);
            execvp(argv[0], argv);
            _exit(127);
        }
        wait4(pid, &status, 0, &ru);
        t[k] = now() - t0;
        if (rss)
            *rss = ru.ru_maxrss;
    }
    qsort(t, 5, sizeof t[0], cmp);
    return t[2];
}

/* ---- the operations -------------------------------------------------------------------------- */

typedef struct ctx {
    const char *path; /* NULL: the built-in rules */
    knee_ruleset *rs;
    knee_patient *p;
    knee_result *r;
    knee_compare_options *o;
} ctx;

static int load(const char *path, knee_ruleset **rs)
{
    return path ? knee_ruleset_load_file(rs, path, NULL, NULL)
                : knee_ruleset_load_default(rs, NULL);
}

static int op_load(void *v)
{
    ctx *c = v;
    knee_ruleset *rs = NULL;
    int rc = load(c->path, &rs);
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

/* The large-set figure: each call compares the next of a pool of varied patients into the one
 * reused result, so the rules that fire, and the cells and notes written, change per call. */
enum { POOL = 64 };
typedef struct pool_ctx {
    const knee_ruleset *rs;
    knee_patient *p[POOL];
    knee_result *r;
    unsigned next;
} pool_ctx;

static int op_compare_pool(void *v)
{
    pool_ctx *c = v;
    return knee_compare(c->rs, c->p[c->next++ % POOL], c->r);
}

static int op_json(void *v)
{
    ctx *c = v;
    char *json = NULL;
    int rc = knee_result_to_json(c->r, &json, NULL);
    knee_free(json);
    return rc;
}

/* A deterministic variety of patients, so the branch predictor does not learn one. */
static void make_patient(knee_patient *p, unsigned k)
{
    static const char *const payers[] = {"medicare", "commercial-aetna", "self-pay", "MCR-B",
                                         "medicaid"};
    char num[32];
    knee_patient_clear(p);
    snprintf(num, sizeof num, "%u", 40 + k % 50);
    knee_patient_set_text(p, "age", num);
    snprintf(num, sizeof num, "%u", k % 5);
    knee_patient_set_text(p, "kl_grade", num);
    snprintf(num, sizeof num, "%u", 20 + k % 25);
    knee_patient_set_text(p, "bmi", num);
    knee_patient_set_text(p, "diabetes", k % 3 ? "no" : "yes");
    knee_patient_set_text(p, "payer", payers[k % 5]);
}

/* ---- threads --------------------------------------------------------------------------------- */

typedef struct worker {
    const knee_ruleset *rs;
    unsigned first, count;
    int failed;
} worker;

static void *work(void *v)
{
    worker *w = v;
    knee_patient *p = NULL;
    knee_result *r = NULL;
    unsigned k;
    enum { VARIANTS = 64 };
    knee_patient *pool[VARIANTS];
    /* patients are made before timing starts in earnest: the figure is for comparisons */
    knee_result_new(&r);
    for (k = 0; k < VARIANTS; k++) {
        pool[k] = NULL;
        knee_patient_new(&pool[k], w->rs);
        make_patient(pool[k], w->first + k);
    }
    for (k = 0; k < w->count; k++)
        if (knee_compare(w->rs, pool[(w->first + k) % VARIANTS], r) != KNEE_OK)
            w->failed = 1;
    for (k = 0; k < VARIANTS; k++)
        knee_patient_free(pool[k]);
    knee_result_free(r);
    (void)p;
    return NULL;
}

/* Scaling is measured in pairs: each run times 1 thread and then n threads back to back, and
 * the figure is the median of the per-pair ratios. On a shared host the speed of a core drifts
 * by 2x within seconds; a ratio of two medians taken minutes apart would mostly measure that. */
typedef double (*rate_fn)(void *ctx, int n); /* patients per second with n threads, one run */

static void scaling(const char *name, rate_fn rate, void *ctx, int n)
{
    double one[RUNS], all[RUNS], ratio[RUNS];
    int k;
    for (k = 0; k < RUNS; k++) {
        one[k] = rate(ctx, 1);
        all[k] = rate(ctx, n);
        ratio[k] = all[k] / one[k];
    }
    qsort(one, RUNS, sizeof one[0], cmp);
    qsort(all, RUNS, sizeof all[0], cmp);
    qsort(ratio, RUNS, sizeof ratio[0], cmp);
    printf("%-40s 1 thread %9.0f /s   %d threads %9.0f /s   scaling %.2fx (pairs: min %.2f, max "
           "%.2f)\n",
           name, one[RUNS / 2], n, all[RUNS / 2], ratio[RUNS / 2], ratio[0], ratio[RUNS - 1]);
}

typedef struct compare_ctx {
    const knee_ruleset *rs;
    unsigned per_thread;
} compare_ctx;

/* One run: n threads sharing one ruleset, each comparing per_thread patients. */
static double compare_rate(void *v, int n)
{
    const compare_ctx *c = v;
    pthread_t th[64];
    worker w[64];
    double t0 = now();
    int i;
    for (i = 0; i < n; i++) {
        w[i].rs = c->rs;
        w[i].first = (unsigned)i * 1000;
        w[i].count = c->per_thread;
        w[i].failed = 0;
        pthread_create(&th[i], NULL, work, &w[i]);
    }
    for (i = 0; i < n; i++)
        pthread_join(th[i], NULL);
    return (double)c->per_thread * n / (now() - t0);
}

/* ---- the batch path: columns of facts, rows split over threads
 * ------------------------------------ */

#define BATCH_ROWS 65536

typedef struct batch_job {
    const knee_ruleset *rs;
    const knee_batch *b;
    size_t first, count;
    int *ranks;
    double *scores;
} batch_job;

static void *batch_work(void *v)
{
    batch_job *j = v;
    knee_result *scratch = NULL;
    size_t nt = knee_ruleset_option_count(j->rs);
    knee_result_new(&scratch);
    knee_compare_batch(j->rs, j->b, NULL, j->first, j->count, scratch, j->ranks + j->first * nt,
                       j->scores + j->first * nt, NULL);
    knee_result_free(scratch);
    return NULL;
}

typedef struct batch_ctx {
    const knee_ruleset *rs;
    knee_batch *b;
    int *ranks;
    double *scores;
} batch_ctx;

/* One run: knee_compare_batch over BATCH_ROWS rows split into n disjoint ranges. */
static double batch_rate(void *v, int n)
{
    const batch_ctx *c = v;
    pthread_t tid[64];
    batch_job j[64];
    double t0 = now();
    int th;
    for (th = 0; th < n; th++) {
        j[th].rs = c->rs;
        j[th].b = c->b;
        j[th].first = (size_t)th * BATCH_ROWS / (size_t)n;
        j[th].count = (size_t)(th + 1) * BATCH_ROWS / (size_t)n - j[th].first;
        j[th].ranks = c->ranks;
        j[th].scores = c->scores;
        pthread_create(&tid[th], NULL, batch_work, &j[th]);
    }
    for (th = 0; th < n; th++)
        pthread_join(tid[th], NULL);
    return BATCH_ROWS / (now() - t0);
}

/* Patients per second through knee_compare_batch, 1 thread against n (generated columns). */
static void batch_scaling(const knee_ruleset *rs, int n)
{
    static double age[BATCH_ROWS], kl[BATCH_ROWS], bmi[BATCH_ROWS];
    static signed char diabetes[BATCH_ROWS];
    static const char *payer[BATCH_ROWS];
    static const char *const payers[] = {"medicare", "commercial-aetna", "self-pay", "MCR-B",
                                         "medicaid"};
    size_t nt = knee_ruleset_option_count(rs), i;
    batch_ctx c;
    c.rs = rs;
    c.b = NULL;
    c.ranks = malloc(BATCH_ROWS * nt * sizeof *c.ranks);
    c.scores = malloc(BATCH_ROWS * nt * sizeof *c.scores);
    for (i = 0; i < BATCH_ROWS; i++) {
        age[i] = 40 + (double)(i * 7 % 50);
        kl[i] = (double)(i % 5);
        bmi[i] = 20 + (double)(i * 3 % 25);
        diabetes[i] = (signed char)(i % 3) - 1;
        payer[i] = payers[i % 5];
    }
    if (!c.ranks || !c.scores || knee_batch_new(&c.b, rs, BATCH_ROWS) != KNEE_OK ||
        knee_batch_set_numbers(c.b, "age", age, KNEE_BATCH_FAIL_COLUMN) != KNEE_OK ||
        knee_batch_set_numbers(c.b, "kl_grade", kl, KNEE_BATCH_FAIL_COLUMN) != KNEE_OK ||
        knee_batch_set_numbers(c.b, "bmi", bmi, KNEE_BATCH_FAIL_COLUMN) != KNEE_OK ||
        knee_batch_set_bools(c.b, "diabetes", diabetes, KNEE_BATCH_FAIL_COLUMN) != KNEE_OK ||
        knee_batch_set_strings(c.b, "payer", payer, KNEE_BATCH_FAIL_COLUMN) != KNEE_OK) {
        fprintf(stderr, "batch: %s\n", c.b ? knee_batch_errmsg(c.b) : "out of memory");
        exit(1);
    }
    scaling("batch (knee_compare_batch)", batch_rate, &c, n);
    knee_batch_free(c.b);
    free(c.ranks);
    free(c.scores);
}

/* ---- the baseline: the same option x criterion matrix scored by a plain C loop, no rules -----
 * It reads the rule file's declared values, value functions and default weights once (through
 * the private model.h: the public API does not expose level utilities or scale points), then per
 * patient does what any scorer must: normalise the weights, put every value through its value
 * function (levels, linear or piecewise-linear scales, the missing policy: an unknown value over
 * its range, the interval policy), the weighted sum with its low and high, and rank by
 * insertion sort. No rules, no exclusions, no ties, no explanations. */

typedef struct plain {
    size_t n, m;
    const knee__criterion *crit; /* the value functions, borrowed from the ruleset */
    double x[64 * 16];           /* typical value (numeric criteria) */
    size_t level[64 * 16];       /* level index (ordinal criteria) */
    unsigned char known[64 * 16];
    const knee__value *value[64 * 16];
    double w_raw[16], w[16], u[64 * 16], score[64], low[64], high[64];
    size_t order[64];
} plain;

static double plain_utility(const knee__criterion *c, int known, size_t level, double x)
{
    double prev_x = c->worst, prev_u = 0;
    size_t i;
    if (!known)
        return c->missing == KNEE__MISSING_UTILITY ? c->missing_utility : 0;
    if (c->n_levels)
        return c->levels[level].utility;
    for (i = 0; i <= c->n_points; i++) {
        double nx = i < c->n_points ? c->points[i].value : c->best;
        double nu = i < c->n_points ? c->points[i].utility : 1.0;
        if (c->worst < c->best ? x <= nx : x >= nx) {
            double t = (x - prev_x) / (nx - prev_x);
            return prev_u + (t < 0 ? 0 : t) * (nu - prev_u);
        }
        prev_x = nx;
        prev_u = nu;
    }
    return 1.0;
}

/* An unknown value's utility range (the interval policy): its bounds', or the whole scale's. */
static void plain_range(const knee__criterion *c, const knee__value *v, double *lo, double *hi)
{
    double a, b;
    size_t i, from = 0, to = c->n_levels;
    if (!c->n_levels) {
        a = v->bounded ? plain_utility(c, 1, 0, v->low) : 0;
        b = v->bounded ? plain_utility(c, 1, 0, v->high) : 1;
        *lo = a < b ? a : b;
        *hi = a < b ? b : a;
        return;
    }
    if (v->bounded) {
        from = v->level;
        to = v->level_high + 1;
    }
    *lo = *hi = c->levels[from].utility;
    for (i = from + 1; i < to; i++) {
        *lo = c->levels[i].utility < *lo ? c->levels[i].utility : *lo;
        *hi = c->levels[i].utility > *hi ? c->levels[i].utility : *hi;
    }
}

static int op_plain(void *v)
{
    plain *pl = v;
    size_t i, j;
    double total = 0;
    for (j = 0; j < pl->m; j++)
        total += pl->w_raw[j];
    for (j = 0; j < pl->m; j++)
        pl->w[j] = pl->w_raw[j] / total;
    for (i = 0; i < pl->n; i++) {
        double num = 0, lo = 0, hi = 0;
        for (j = 0; j < pl->m; j++) {
            const knee__criterion *c = &pl->crit[j];
            size_t k = i * pl->m + j;
            double ul, uh;
            if (pl->known[k]) {
                ul = uh = pl->u[k] = plain_utility(c, 1, pl->level[k], pl->x[k]);
            } else {
                plain_range(c, pl->value[k], &ul, &uh);
                pl->u[k] = (ul + uh) / 2;
            }
            num += pl->w[j] * pl->u[k];
            lo += pl->w[j] * ul;
            hi += pl->w[j] * uh;
        }
        pl->score[i] = num;
        pl->low[i] = lo;
        pl->high[i] = hi;
        pl->order[i] = i;
    }
    for (i = 1; i < pl->n; i++) { /* rank: the same insertion sort */
        size_t x = pl->order[i];
        for (j = i; j > 0 && pl->score[pl->order[j - 1]] < pl->score[x]; j--)
            pl->order[j] = pl->order[j - 1];
        pl->order[j] = x;
    }
    __asm__ volatile("" : : "r"(pl->order) : "memory"); /* keep the work */
    return KNEE_OK;
}

/* The weighted sum alone, utilities given: the arithmetic floor under any scorer. */
static int op_sum_only(void *v)
{
    plain *pl = v;
    size_t i, j;
    for (i = 0; i < pl->n; i++) {
        double s = 0;
        for (j = 0; j < pl->m; j++)
            s += pl->w[j] * pl->u[i * pl->m + j];
        pl->score[i] = s;
    }
    __asm__ volatile("" : : "r"(pl->score) : "memory");
    return KNEE_OK;
}

/* Fill the baseline from the ruleset: declared values and default weights. 0, or -1 if too big. */
static int plain_init(plain *pl, const knee_ruleset *rs)
{
    size_t i, j;
    memset(pl, 0, sizeof *pl);
    pl->n = rs->n_options;
    pl->m = rs->n_criteria;
    pl->crit = rs->criteria;
    if (pl->n > 64 || pl->m > 16)
        return -1;
    for (j = 0; j < pl->m; j++)
        pl->w_raw[j] = rs->criteria[j].weight;
    for (i = 0; i < pl->n; i++)
        for (j = 0; j < pl->m; j++) {
            const knee__value *v = &rs->options[i].values[j];
            pl->x[i * pl->m + j] = v->typical;
            pl->level[i * pl->m + j] = v->level;
            pl->known[i * pl->m + j] = (unsigned char)v->known;
            pl->value[i * pl->m + j] = v;
        }
    return 0;
}

/* ---- cost per option as options grow --------------------------------------------------------- */

/* One file's compare time per option (dominance on, as knee_compare does up to 256 options), a
 * pool of varied patients; 0 if the file does not load. */
static double per_option(const char *path)
{
    pool_ctx pc;
    unsigned k;
    size_t n;
    char name[128];
    double t;
    memset(&pc, 0, sizeof pc);
    if (load(path, (knee_ruleset **)&pc.rs) != KNEE_OK || knee_result_new(&pc.r) != KNEE_OK)
        return 0;
    for (k = 0; k < POOL; k++)
        if (knee_patient_new(&pc.p[k], pc.rs) == KNEE_OK)
            make_patient(pc.p[k], 3 + 7 * k);
    n = knee_ruleset_option_count(pc.rs);
    snprintf(name, sizeof name, "compare, %zu options (per option)", n);
    t = measure(name, op_compare_pool, &pc, (long)(400000 / n), "ns", 1e9 / (double)n) / (double)n;
    for (k = 0; k < POOL; k++)
        knee_patient_free(pc.p[k]);
    knee_result_free(pc.r);
    knee_ruleset_free((knee_ruleset *)pc.rs);
    return t;
}

static void scale(const char *small, const char *big)
{
    double a, b;
    printf("\n%-52s %12s\n", "cost per option (bench/gen_large.py, dominance on)", "median");
    a = per_option(small);
    b = per_option(big);
    if (a > 0 && b > 0)
        printf("%-52s %12.2f x\n", "per option, larger / smaller file", b / a);
}

/* ---- memory ---------------------------------------------------------------------------------- */

static size_t heap_used(void)
{
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd;
}

static long file_size(const char *path)
{
    struct stat st;
    return path && stat(path, &st) == 0 ? (long)st.st_size : -1;
}

int main(int argc, char **argv)
{
    ctx c;
    plain pl;
    char host[256] = "?", exe[1024], knee_bin[1100], xsd[1100], rules[1100];
    const char *large = argc > 1 ? argv[1] : NULL;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN), rss = 0;
    double t_compare, t_plain, t_sum, t_xml, t_knee;
    size_t i, j, before;
    ssize_t len;
    FILE *f;

    memset(&c, 0, sizeof c);
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
    /* the knee binary and the sources sit beside this program's build directory */
    len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[len > 0 ? len : 0] = '\0';
    if (strrchr(exe, '/'))
        *strrchr(exe, '/') = '\0';
    snprintf(knee_bin, sizeof knee_bin, "%s/knee", exe);
    snprintf(xsd, sizeof xsd, "%s/../rules/schema/knee-rules-1.xsd", exe);
    snprintf(rules, sizeof rules, "%s/../rules/knee-oa.xml", exe);

    printf("libknee %s on %s, %ld cores\n\n", knee_version_string(), host, ncpu);
    for (i = 1; i + 2 < (size_t)argc; i++)
        if (strcmp(argv[i], "--scale") == 0) {
            scale(argv[i + 1], argv[i + 2]);
            if (large && strcmp(large, "--scale") == 0)
                return 0; /* nothing else asked for */
        }
    if (large && argc > 2 && strcmp(argv[2], "--large-only") == 0)
        goto large_set;
    printf("%-52s %12s\n", "default rules (rules/knee-oa.xml)", "median");
    if (load(NULL, &c.rs) != KNEE_OK || knee_patient_new(&c.p, c.rs) != KNEE_OK ||
        knee_result_new(&c.r) != KNEE_OK || knee_compare_options_new(&c.o) != KNEE_OK) {
        fprintf(stderr, "cannot load the rules\n");
        return 1;
    }
    make_patient(c.p, 7);
    measure("load (parse + XSD + checks + compile), in process", op_load, &c, 20, "ms", 1e3);
    {
        char *k_argv[] = {knee_bin, "check", rules, NULL};
        char *x_argv[] = {"xmllint", "--noout", "--schema", xsd, rules, NULL};
        t_knee = run_process(k_argv, NULL);
        t_xml = run_process(x_argv, NULL);
        printf("%-52s %12.3f ms   xmllint --schema %.3f ms: ratio %.2f\n",
               "knee check (load + lint), as a process", t_knee * 1e3, t_xml * 1e3, t_knee / t_xml);
    }
    t_compare = measure("compare one patient (result reused)", op_compare, &c, 20000, "us", 1e6);
    measure("result to JSON", op_json, &c, 2000, "us", 1e6);
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
    knee_compare_options_set_smaa(c.o, 0, 1, 0);

    /* the same matrix with no rules (see plain_init) */
    if (plain_init(&pl, c.rs) != 0) {
        fprintf(stderr, "the default rules are larger than the baseline's arrays\n");
        return 1;
    }
    t_plain = measure("baseline: plain C loop, value functions + weights", op_plain, &pl, 200000,
                      "us", 1e6);
    printf("%-52s %12.1f x   (%zu options x %zu criteria; compare also runs %zu rules)\n",
           "compare / baseline", t_compare / t_plain, pl.n, pl.m, knee_ruleset_rule_count(c.rs));
    t_sum = measure("weighted sum alone, utilities given (arithmetic floor)", op_sum_only, &pl,
                    200000, "us", 1e6);
    printf("%-52s %12.1f x\n", "compare / arithmetic floor", t_compare / t_sum);

    {
        compare_ctx cc;
        cc.rs = c.rs;
        cc.per_thread = 200000;
        scaling("compare, patients per second", compare_rate, &cc, (int)ncpu);
    }
    batch_scaling(c.rs, (int)ncpu);

    before = heap_used();
    {
        knee_ruleset *m = NULL;
        long size = file_size(rules);
        load(NULL, &m);
        printf("%-52s %12.0f KiB  file %ld KiB: %.2fx\n", "ruleset heap after load (mallinfo2)",
               (double)(heap_used() - before) / 1024, size / 1024,
               size > 0 ? (double)(heap_used() - before) / (double)size : 0);
        knee_ruleset_free(m);
    }
    {
        char *k_argv[] = {knee_bin, "compare", "--fact", "age=72", "--fact", "kl_grade=4", NULL};
        run_process(k_argv, &rss);
        printf("%-52s %12ld KiB\n", "peak RSS of knee compare", rss);
    }
    printf("%-52s %12s\n", "heap allocations per compare after warm-up", "0 (tested)");

large_set:
    if (large) {
        ctx g;
        long size = file_size(large);
        memset(&g, 0, sizeof g);
        g.path = large;
        printf("\n%-52s %12s\n", "large rules (bench/gen_large.py)", "median");
        measure("load, in process", op_load, &g, 3, "ms", 1e3);
        {
            char *x_argv[] = {"xmllint", "--noout", "--schema", xsd, (char *)large, NULL};
            double tl;
            t_xml = run_process(x_argv, NULL);
            tl = measure("load, in process (again, for the ratio)", op_load, &g, 3, "ms", 1e3);
            printf("%-52s %12.3f ms   ratio load/xmllint %.2f\n",
                   "xmllint --noout --schema (process)", t_xml * 1e3, tl / t_xml);
        }
        before = heap_used();
        if (load(large, &g.rs) != KNEE_OK || knee_patient_new(&g.p, g.rs) != KNEE_OK ||
            knee_result_new(&g.r) != KNEE_OK) {
            fprintf(stderr, "cannot load %s\n", large);
            return 1;
        }
        printf("%-52s %12.0f KiB  file %ld KiB: %.2fx\n", "ruleset heap after load",
               (double)(heap_used() - before) / 1024, size / 1024,
               (double)(heap_used() - before) / (double)size);
        printf("%-52s %12zu x %zu, %zu rules\n", "options x criteria",
               knee_ruleset_option_count(g.rs), knee_ruleset_criterion_count(g.rs),
               knee_ruleset_rule_count(g.rs));
        {
            pool_ctx pc;
            unsigned k;
            memset(&pc, 0, sizeof pc);
            pc.rs = g.rs;
            pc.r = g.r;
            for (k = 0; k < POOL; k++)
                if (knee_patient_new(&pc.p[k], g.rs) != KNEE_OK) {
                    fprintf(stderr, "out of memory\n");
                    return 1;
                } else
                    make_patient(pc.p[k], 3 + 7 * k);
            measure("compare one patient (64 varied, result reused)", op_compare_pool, &pc, 2000,
                    "us", 1e6);
            make_patient(g.p, 3); /* the figure before the varied one: few of its rules fire */
            measure("compare the same patient again and again", op_compare, &g, 2000, "us", 1e6);
            for (k = 0; k < POOL; k++)
                knee_patient_free(pc.p[k]);
        }
        knee_result_free(g.r);
        knee_patient_free(g.p);
        knee_ruleset_free(g.rs);
    }
    knee_compare_options_free(c.o);
    knee_result_free(c.r);
    knee_patient_free(c.p);
    knee_ruleset_free(c.rs);
    return 0;
}
