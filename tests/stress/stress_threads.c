/* stress_threads.c - many threads share one ruleset. Evaluates N different patients (generated
 * deterministically from the default rules' facts) first serially, then with T threads sharing
 * the one ruleset, each with its own patient and result; every patient's JSON must be
 * byte-identical between the two runs (compared by a 64-bit FNV-1a hash per patient and by the
 * length). Run under ThreadSanitizer by scripts/ci-tsan.sh.
 *
 * usage: stress_threads [patients (10000)] [threads (8)] */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "knee.h"

static const knee_ruleset *rules;
static size_t n_patients;
static uint64_t *serial_hash, *thread_hash;
static size_t *serial_len, *thread_len;

typedef struct worker {
    size_t first, step; /* patients first, first + step, ... */
    int failures;
    size_t done;
} worker;

static uint64_t fnv1a(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603u;
    size_t i;
    for (i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211u;
    }
    return h;
}

static uint32_t mix(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x7feb352du;
    x ^= x >> 15;
    x *= 0x846ca68bu;
    x ^= x >> 16;
    return x;
}

/* Patient number i: every fact sometimes unknown, values over and past the declared ranges. */
static int make_patient(knee_patient *p, size_t i)
{
    static const char *const payers[] = {"medicare",
                                         "medicare-advantage-xyz",
                                         "MCR-B",
                                         "Medicare Part B",
                                         "commercial-aetna",
                                         "commercial-bcbs",
                                         "self-pay",
                                         "SELF PAY",
                                         "medicaid",
                                         "uninsured",
                                         "",
                                         "va"};
    static const char *const priors[] = {"pt",
                                         "nsaid",
                                         "failed-conservative",
                                         "steroid-injection-3mo",
                                         "ha-6mo",
                                         "failed-steroid-injection",
                                         "prp",
                                         "tka-other-knee"};
    static const char *const bools[] = {"true", "false", "yes", "no", "1", "0"};
    uint32_t h = mix((uint32_t)i * 2654435761u + 12345u), g = mix(h);
    char buf[256];
    int rc = KNEE_OK, k;
    knee_patient_clear(p);
#define SET(call)                                                                                  \
    do {                                                                                           \
        int rc_ = (call);                                                                          \
        if (rc_ != KNEE_OK && rc_ != KNEE_ERANGE && rc_ != KNEE_ETYPE && rc_ != KNEE_EUNKNOWN)     \
            rc = rc_;                                                                              \
    } while (0)
    if (h % 11)
        SET(knee_patient_set_number(p, "age", 18 + (double)(h % 85)));
    if ((h >> 4) % 7)
        SET(knee_patient_set_number(p, "kl_grade", (double)((h >> 8) % 5)));
    if ((h >> 11) % 3) {
        snprintf(buf, sizeof buf, "%u.%u", 16 + (g % 35), (g >> 6) % 10);
        SET(knee_patient_set_text(p, "bmi", buf));
    }
    if ((h >> 13) % 4)
        SET(knee_patient_set_text(p, "diabetes", bools[(g >> 3) % 6]));
    if ((h >> 15) % 4)
        SET(knee_patient_set_bool(p, "ckd", (int)((g >> 7) & 1)));
    if ((h >> 17) % 4)
        SET(knee_patient_set_bool(p, "cvd", (int)((g >> 9) & 1)));
    if ((h >> 19) % 5)
        SET(knee_patient_set_bool(p, "gi_risk", (int)((g >> 11) & 1)));
    if ((h >> 21) % 6)
        SET(knee_patient_set_string(p, "payer", payers[(g >> 13) % 12]));
    if ((h >> 23) % 3)
        SET(knee_patient_set_text(p, "region", (g >> 17) & 1 ? "uk" : "us"));
    if ((h >> 25) % 3)
        SET(knee_patient_set_text(p, "sex", (g >> 18) & 1 ? "female" : "male"));
    for (k = 0; k < 8; k++)
        if ((g >> (19 + k)) & 1 && ((h >> 27) % 4))
            SET(knee_patient_add_to_set(p, "prior", priors[k]));
    if (!((g >> 28) % 4))
        SET(knee_patient_set_bool(p, "medial_only", (int)((h >> 1) & 1)));
    if (!((g >> 29) % 4))
        SET(knee_patient_set_bool(p, "locking", (int)((h >> 2) & 1)));
    if (!((g >> 30) % 3))
        SET(knee_patient_set_weight(p, "cost", (double)(h % 5)));
#undef SET
    return rc;
}

/* Evaluate patients first, first+step, ... into hash/len. */
static void evaluate_range(worker *w, uint64_t *hash, size_t *len)
{
    knee_patient *p = NULL;
    knee_result *r = NULL;
    size_t i;
    if (knee_patient_new(&p, rules) != KNEE_OK || knee_result_new(&r) != KNEE_OK) {
        w->failures++;
        goto out;
    }
    for (i = w->first; i < n_patients; i += w->step) {
        char *json = NULL;
        size_t n = 0;
        int rc = make_patient(p, i);
        if (rc == KNEE_OK)
            rc = knee_compare(rules, p, r);
        if (rc == KNEE_OK)
            rc = knee_result_to_json(r, &json, &n);
        if (rc != KNEE_OK) {
            /* a failure is an answer too (e.g. a regex limit): hash its status and message */
            char msg[400];
            n = (size_t)snprintf(msg, sizeof msg, "status %d: %s", rc, knee_result_errmsg(r));
            hash[i] = fnv1a(msg, n);
            len[i] = 0;
        } else {
            hash[i] = fnv1a(json, n);
            len[i] = n;
        }
        knee_free(json);
        w->done++;
    }
out:
    knee_result_free(r);
    knee_patient_free(p);
}

static void *thread_main(void *arg)
{
    worker *w = arg;
    evaluate_range(w, thread_hash, thread_len);
    return NULL;
}

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    knee_ruleset *rs = NULL;
    size_t n_threads = 8, t, i, mismatches = 0, failed_patients = 0, distinct = 0;
    worker serial = {0, 1, 0, 0}, *workers;
    pthread_t *tids;
    double t0, t_serial, t_threads;
    uint64_t all = 1469598103934665603u;
    int failures = 0;

    n_patients = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 10000;
    if (argc > 2)
        n_threads = (size_t)strtoul(argv[2], NULL, 10);
    if (n_patients == 0 || n_threads == 0 || n_threads > 256) {
        fprintf(stderr, "usage: %s [patients] [threads]\n", argv[0]);
        return 2;
    }
    if (knee_ruleset_load_default(&rs, NULL) != KNEE_OK) {
        fprintf(stderr, "cannot load the default rules\n");
        return 1;
    }
    rules = rs;
    serial_hash = calloc(n_patients, sizeof *serial_hash);
    thread_hash = calloc(n_patients, sizeof *thread_hash);
    serial_len = calloc(n_patients, sizeof *serial_len);
    thread_len = calloc(n_patients, sizeof *thread_len);
    workers = calloc(n_threads, sizeof *workers);
    tids = calloc(n_threads, sizeof *tids);
    if (!serial_hash || !thread_hash || !serial_len || !thread_len || !workers || !tids)
        return 1;

    t0 = seconds();
    evaluate_range(&serial, serial_hash, serial_len);
    t_serial = seconds() - t0;

    t0 = seconds();
    for (t = 0; t < n_threads; t++) {
        workers[t].first = t;
        workers[t].step = n_threads;
        if (pthread_create(&tids[t], NULL, thread_main, &workers[t]) != 0) {
            fprintf(stderr, "pthread_create failed\n");
            return 1;
        }
    }
    for (t = 0; t < n_threads; t++) {
        pthread_join(tids[t], NULL);
        failures += workers[t].failures;
    }
    t_threads = seconds() - t0;

    for (i = 0; i < n_patients; i++) {
        if (serial_hash[i] != thread_hash[i] || serial_len[i] != thread_len[i]) {
            if (mismatches < 10)
                fprintf(stderr, "patient %zu: serial and threaded results differ\n", i);
            mismatches++;
        }
        if (serial_len[i] == 0)
            failed_patients++;
        all = (all ^ serial_hash[i]) * 1099511628211u;
        if (i == 0 || serial_hash[i] != serial_hash[i - 1])
            distinct++;
    }
    printf("patients: %zu, threads: %zu, mismatches: %zu, comparisons that failed: %zu\n",
           n_patients, n_threads, mismatches, failed_patients);
    printf("serial: %.2f s (%.0f patients/s); %zu threads: %.2f s (%.0f patients/s)\n", t_serial,
           (double)n_patients / t_serial, n_threads, t_threads, (double)n_patients / t_threads);
    printf("combined hash of all results: %016llx (%zu runs of distinct neighbours)\n",
           (unsigned long long)all, distinct);
    failures += serial.failures;
    /* The patients must differ: a generator that makes one patient proves nothing. */
    if (distinct < n_patients / 10) {
        fprintf(stderr, "too few different results: %zu\n", distinct);
        failures++;
    }
    free(serial_hash);
    free(thread_hash);
    free(serial_len);
    free(thread_len);
    free(workers);
    free(tids);
    knee_ruleset_free(rs);
    if (mismatches || failures || failed_patients == n_patients) {
        printf("0 passed, 1 failed\n");
        return 1;
    }
    printf("1 passed, 0 failed\n");
    return 0;
}
