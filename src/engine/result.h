/* result.h - the result object: filled by evaluate.c, read through result.c and
 * result_json.c. Everything is kept in flat arrays that keep their capacity when the result
 * is reused, so evaluating many patients into one result stops allocating after warm-up. */
#ifndef KNEE_RESULT_H
#define KNEE_RESULT_H

#include "rules/model.h"
#include "base/regex.h"

typedef struct knee__note {           /* an exclusion reason or a caution */
    const char *text, *rule, *source; /* text: the clinician's, or the only one */
    const char *patient;              /* the patient's text (the same pointer when one) */
} knee__note;

typedef struct knee__unknown {
    const char *rule;
    size_t fact_off, fact_n; /* into unknown_facts */
} knee__unknown;

typedef struct knee__change { /* a rule that changed a value */
    size_t criterion;
    const knee__rule *rule;
    const knee__action *action;
} knee__change;

/* A value a rule changed (set or adjust). Cells are copy-on-write: an option's unchanged values
 * are read from the ruleset (the declared value, its utility scored at load), so a comparison
 * writes a cell only where a fired rule changed something (cells.c). */
typedef struct knee__cell {
    size_t criterion;
    knee__value v;               /* after rules */
    double utility, low, high;   /* as scored (knee__score_value): point and range */
    int counted;                 /* takes part in the score */
    size_t change_off, change_n; /* into changes */
} knee__cell;

typedef struct knee__metrics { /* a candidate's figures under a matrix method */
    double figure[3];          /* in the order of its method's figures (base/names.h) */
    unsigned char in_compromise;
} knee__metrics;

typedef struct knee__opt { /* written for every option of every comparison: kept small */
    size_t option;
    int rank, excluded;
    double score;          /* the method's score, higher is better */
    long long key;         /* score rounded for ranking (aggregate.h, knee__rank_key) */
    double ws_score;       /* the weighted sum, always computed */
    size_t cand;           /* index among the ranked candidates, or KNEE__NONE */
    size_t dom_off, dom_n; /* into dominators */
    size_t reason_off, reason_n, caution_off, caution_n;
    size_t fired_off, fired_n, unknown_off, unknown_n;
    size_t cell_off, cell_n; /* its changed values in cells, by criterion */
    double counted_weight;   /* sum of the weights of its counted criteria */
} knee__opt;

typedef struct knee__draw {   /* a value SMAA draws per sample */
    size_t at;                /* its index in util */
    const knee__value *value; /* a numeric range (triangular), or NULL: an unknown value */
    double low, high;         /* ... whose utility is uniform in [low, high] */
} knee__draw;

typedef struct knee__range { /* an option's ranges under the weighted sum (opts index) */
    double low, high;        /* the weighted sum with its unknowns at worst / best */
    int best, worst;         /* its rank over every completion of the unknowns */
} knee__range;

typedef struct knee__ranked { /* a candidate being ranked */
    long long key;
    size_t opt;
} knee__ranked;

#define KNEE__VEC(T, name)                                                                         \
    T *name;                                                                                       \
    size_t name##_n, name##_cap

struct knee_compare_options {
    int method; /* KNEE_METHOD_* */
    double vikor_v;
    uint64_t smaa_samples, smaa_seed;
    double smaa_spread;
    int sensitivity;
    double fragile_margin;
    int dominance;  /* KNEE_DOMINANCE_* */
    int missing;    /* KNEE_MISSING_*: the caller's policy, or DEFAULT */
    int ranks_only; /* internal (the batch): no rank ranges, only ranks and scores */
};

/* The defaults of knee_compare_options_new() (the method's settings from its row, base/names.h):
 * the one place they are written. */
void knee__compare_options_init(knee_compare_options *o);

struct knee_result {
    const knee_ruleset *rs; /* NULL until filled */
    char errmsg[320];
    KNEE__VEC(double, weights);
    double weights_total;           /* their sum, added in criterion order */
    KNEE__VEC(knee__opt, opts);     /* in option order */
    KNEE__VEC(knee__range, ranges); /* per opts index, written for every option (not cleared) */
    KNEE__VEC(size_t, order);       /* result order -> opts index */
    KNEE__VEC(knee__metrics,
              metrics);           /* per opts index; filled for candidates by the matrix methods */
    KNEE__VEC(knee__cell, cells); /* changed values only, grouped by option */
    KNEE__VEC(double, cell_w);    /* weights / cell_w_total, shared by options alike */
    double cell_w_total;
    KNEE__VEC(knee__note, reasons);
    KNEE__VEC(knee__note, cautions);
    KNEE__VEC(const char *, fired);
    KNEE__VEC(knee__unknown, unknowns);
    KNEE__VEC(const char *, unknown_facts);
    KNEE__VEC(knee__change, changes);
    KNEE__VEC(const char *, missing);
    KNEE__VEC(unsigned char, cond_truth); /* per distinct condition */
    KNEE__VEC(knee__ranked, ranked);      /* ranking: key and option of each candidate */
    KNEE__VEC(knee__ranked, rank_tmp);    /* merge sort space */
    KNEE__VEC(long long, range_keys);     /* rank ranges: low and high score keys, sorted */
    KNEE__VEC(unsigned char, marks);      /* per fact: missing and read by an unknown rule */
    KNEE__VEC(knee__factval, blank);      /* all-unknown facts, for a comparison with no patient */
    KNEE__VEC(knee__factval, row_facts);  /* one batch row's facts (batch.c) */
    knee__match_scratch *scratch;
    uint32_t scratch_limits[4];

    int method;             /* KNEE_METHOD_* used */
    int missing_policy;     /* the caller's KNEE_MISSING_* policy, or DEFAULT */
    int missing_kind;       /* ... as a policy kind (KNEE__MISSING_*) */
    double missing_utility; /* ... and its utility */
    int has_ranges;         /* score and rank ranges apply (the weighted sum) */
    int ranges_flat;        /* ... and none spans anything: rank ranges are the ranks */
    int has_dominance;
    double vikor_v;
    KNEE__VEC(const char *, dominators);
    KNEE__VEC(size_t, dom_pos);      /* dominance: candidates' result positions, and found */
    KNEE__VEC(uint64_t, dom_sketch); /* dominance: rows of utilities as 7-bit bytes */
    /* matrix methods and analyses work on the ranked candidates only */
    KNEE__VEC(size_t, cands);        /* candidate -> opts index, in rule-file order */
    KNEE__VEC(double, util);         /* cands x criteria utilities */
    KNEE__VEC(unsigned char, known); /* cands x criteria: counted in the score */
    int has_matrix;                  /* util and known filled for this comparison */
    KNEE__VEC(double, span_lo);      /* cands x criteria: the utilities a value may take, */
    KNEE__VEC(double, span_hi);      /* ... whatever the missing policy (dominance) */
    KNEE__VEC(int, dirs);
    /* TOPSIS reads values in each criterion's unit, with its direction (aggregate.c) */
    KNEE__VEC(double, raw); /* cands x criteria, filled with util for KNEE_METHOD_TOPSIS */
    KNEE__VEC(int, raw_dirs);
    KNEE__VEC(double, work);
    KNEE__VEC(size_t, order_work);
    KNEE__VEC(unsigned char, flags); /* VIKOR compromise set, per candidate */
    KNEE__VEC(double, w_try);        /* weights tried by the sensitivity scan */
    /* SMAA-2 */
    uint64_t smaa_samples, smaa_seed;
    KNEE__VEC(double, rank_acc);   /* cands x cands */
    KNEE__VEC(double, central_w);  /* cands x criteria */
    KNEE__VEC(double, confidence); /* cands */
    KNEE__VEC(knee__draw, draws);  /* values drawn from their range per sample */
    /* sensitivity of the winner */
    int has_sensitivity, fragile, has_flip;
    double margin, flip_delta, fragile_margin;
    size_t flip_criterion, flip_winner; /* flip_winner: opts index */
    KNEE__VEC(double, sens_lo);
    KNEE__VEC(double, sens_hi);
    /* regions (result_regions.c): the patient's value of each region fact, canonical, or NULL */
    KNEE__VEC(const char *, region_values);
    KNEE__VEC(size_t, top_set); /* the candidates at the top: at the weights, and tried */
};

/* Append r's JSON (knee_result_to_json's contract) to b; r must be filled. */
struct knee__strbuf;
void knee__result_json(struct knee__strbuf *b, const knee_result *r);

/* Record the patient's value of each region fact (result_regions.c); KNEE_OK or KNEE_ENOMEM.
 * And the "regional_rules" key of the JSON. */
int knee__note_regions(knee_result *r, const knee__factval *facts);
void knee__regions_json(struct knee__strbuf *b, const knee_result *r);
/* The first rule from document index *i on (*i moves to it) applied on region fact k, or NULL:
 * a region's rules in one pass, `for (i = 0; (id = next(r, k, &i)); i++)`. */
const char *knee__regional_rule_next(const knee_result *r, size_t k, size_t *i);

/* Make room for n elements in a result vector; KNEE_OK or KNEE_ENOMEM. The capacity check is
 * inline: after warm-up it is all the hot path pays. */
#define KNEE__RESERVE(r, name, n)                                                                  \
    ((size_t)(n) <= (r)->name##_cap                                                                \
         ? KNEE_OK                                                                                 \
         : knee__grow((void **)&(r)->name, &(r)->name##_cap, (n), sizeof *(r)->name))

#endif
