/* fuzz_expr.c - bytes -> the condition compiler (knee__expr_compile) against a fixed table of
 * declared facts; a condition that compiles is evaluated on a few fact vectors (all unknown, two
 * patients, one with a string that is not UTF-8 and one with a long string). Evaluation must give
 * false, true, unknown or KNEE_EREGEX, and the facts it reads must be declared ones. */
#include "fuzz_common.h"

#include "rules/expr.h"
#include "base/regex.h"

/* The default rules' facts, so their conditions (the seed corpus) compile. */
enum {
    F_AGE,
    F_KL,
    F_DIAB,
    F_PAYER,
    F_PRIOR,
    F_BMI,
    F_REGION,
    F_SEX,
    F_CKD,
    F_CVD,
    F_GI,
    F_MEDIAL,
    F_LOCKING,
    N_FACTS
};

static const struct {
    const char *id;
    int type;
} decls[N_FACTS] = {
    {"age", KNEE_FACT_NUMBER},       {"kl_grade", KNEE_FACT_INTEGER},
    {"diabetes", KNEE_FACT_BOOLEAN}, {"payer", KNEE_FACT_STRING},
    {"prior", KNEE_FACT_SET},        {"bmi", KNEE_FACT_NUMBER},
    {"region", KNEE_FACT_STRING},    {"sex", KNEE_FACT_STRING},
    {"ckd", KNEE_FACT_BOOLEAN},      {"cvd", KNEE_FACT_BOOLEAN},
    {"gi_risk", KNEE_FACT_BOOLEAN},  {"medial_only", KNEE_FACT_BOOLEAN},
    {"locking", KNEE_FACT_BOOLEAN},
};

static int lookup(void *ctx, const char *name, size_t len, int *type)
{
    int i;
    (void)ctx;
    for (i = 0; i < N_FACTS; i++)
        if (strlen(decls[i].id) == len && memcmp(decls[i].id, name, len) == 0) {
            *type = decls[i].type;
            return i;
        }
    return -1;
}

static char m_pt[] = "pt", m_steroid[] = "steroid-injection-3mo", m_bad[] = "\xff\xfe";
static char *members_a[] = {m_pt, m_steroid};
static char *members_b[] = {m_bad};
static char long_string[4000];

static void vectors(knee__factval v[4][N_FACTS])
{
    int k, i;
    memset(long_string, 'a', sizeof long_string - 1);
    memset(v, 0, sizeof(knee__factval) * 4 * N_FACTS);
    for (k = 0; k < 4; k++)
        for (i = 0; i < N_FACTS; i++) {
            v[k][i].type = decls[i].type;
            v[k][i].known = k > 0;
        }
    /* 1: a typical patient */
    v[1][F_AGE].num = 72;
    v[1][F_KL].num = 4;
    v[1][F_DIAB].boolean = 1;
    v[1][F_PAYER].str = "medicare";
    v[1][F_PAYER].str_len = 8;
    v[1][F_PRIOR].members = members_a;
    v[1][F_PRIOR].n_members = 2;
    v[1][F_BMI].num = 31.5;
    v[1][F_REGION].str = "us";
    v[1][F_REGION].str_len = 2;
    v[1][F_SEX].str = "female";
    v[1][F_SEX].str_len = 6;
    v[1][F_CKD].boolean = 1;
    /* 2: edge values, a string that is not UTF-8, and some facts unknown */
    v[2][F_AGE].num = 0;
    v[2][F_KL].known = 0;
    v[2][F_PAYER].str = "\xc3(self-pay";
    v[2][F_PAYER].str_len = 10;
    v[2][F_PRIOR].members = members_b;
    v[2][F_PRIOR].n_members = 1;
    v[2][F_BMI].num = -1e308;
    v[2][F_REGION].known = 0;
    v[2][F_SEX].str = "";
    v[2][F_MEDIAL].boolean = 1;
    /* 3: a long string (near the string limit) and an empty set */
    v[3][F_AGE].num = 120;
    v[3][F_KL].num = 0;
    v[3][F_PAYER].str = long_string;
    v[3][F_PAYER].str_len = sizeof long_string - 1;
    v[3][F_BMI].num = 1e308;
    v[3][F_REGION].str = "";
    v[3][F_REGION].str_len = 0;
    v[3][F_SEX].str = "male";
    v[3][F_SEX].str_len = 4;
    v[3][F_LOCKING].boolean = 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static knee__match_scratch *scratch;
    static knee__factval v[4][N_FACTS];
    static const knee__expr_limits limits = {4096, 64};
    knee__expr *e = NULL;
    knee__expr_error err;
    char errbuf[256];
    size_t k;
    int rc;

    if (!scratch) {
        if (knee__match_scratch_new(&scratch, 100000, 1000, 1024, 0) != KNEE_OK)
            abort();
        vectors(v);
    }
    memset(&err, 0, sizeof err);
    rc = knee__expr_compile(&e, (const char *)data, size, lookup, NULL, &limits, &err);
    if (rc != KNEE_OK) {
        FUZZ_CHECK(e == NULL);
        FUZZ_CHECK(rc == KNEE_EINVALID || rc == KNEE_ELIMIT || rc == KNEE_ENOMEM);
        FUZZ_CHECK(err.code != NULL && err.offset <= size);
        FUZZ_CHECK(memchr(err.message, '\0', sizeof err.message) != NULL);
        return 0;
    }
    for (k = 0; k < knee__expr_fact_count(e); k++) {
        int f = knee__expr_fact(e, k);
        FUZZ_CHECK(f >= 0 && f < N_FACTS);
    }
    for (k = 0; k < 4; k++) {
        rc = knee__expr_eval(e, v[k], scratch, errbuf, sizeof errbuf);
        /* KNEE_EREGEX is possible even with every fact unknown: 'literal' ~ 'pattern'. */
        FUZZ_CHECK(rc == KNEE__FALSE || rc == KNEE__TRUE || rc == KNEE__UNKNOWN ||
                   rc == KNEE_EREGEX);
    }
    knee__expr_free(e);
    return 0;
}
