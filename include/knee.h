/*
 * knee.h - the public C API of libknee, a treatment-comparison engine for knee pain and
 * knee osteoarthritis.
 *
 * This is the only public header. It is C89-clean, usable from C++, and includes nothing but
 * <stddef.h> and <stdint.h>. Anything not declared here is not API.
 *
 * Conventions used throughout:
 *  - Functions return a status: KNEE_OK (0) on success, a negative KNEE_E* code on failure.
 *    The output comes first: knee_ruleset_load_file(&rs, ...).
 *  - On failure an output pointer is set to NULL and nothing is leaked or half-changed.
 *  - Destructors are void knee_*_free(x) and accept NULL.
 *  - Strings returned as "const char *" are borrowed: valid until the object they came from is
 *    freed (or, for a result, until it is filled again by knee_compare()). Memory returned
 *    through "char **" is owned by the caller and freed with knee_free().
 *  - Thread use: a knee_ruleset is immutable after load and may be shared by any number of
 *    threads. A knee_patient, knee_result, knee_diag or knee_options belongs to one thread at a
 *    time. The library keeps no mutable global state, never prints, never exits, never reads
 *    the clock and never changes the locale.
 */
#ifndef KNEE_H
#define KNEE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- version ------------------------------------------------------------------------------ */

#define KNEE_VERSION_MAJOR 0
#define KNEE_VERSION_MINOR 2
#define KNEE_VERSION_PATCH 0
/* MAJOR*10000 + MINOR*100 + PATCH, comparable with knee_version_number(). */
#define KNEE_VERSION_NUMBER                                                                        \
    (KNEE_VERSION_MAJOR * 10000 + KNEE_VERSION_MINOR * 100 + KNEE_VERSION_PATCH)

#if defined(KNEE_STATIC)
#define KNEE_API
#elif defined(_WIN32)
#if defined(KNEE_BUILDING)
#define KNEE_API __declspec(dllexport)
#else
#define KNEE_API __declspec(dllimport)
#endif
#elif defined(__GNUC__) && __GNUC__ >= 4
#define KNEE_API __attribute__((visibility("default")))
#else
#define KNEE_API
#endif

/* The version of the library actually loaded, e.g. "0.2.0". Static string. */
KNEE_API const char *knee_version_string(void);
/* The version of the library actually loaded, as KNEE_VERSION_NUMBER. */
KNEE_API int knee_version_number(void);

/* ---- status codes (pinned, append-only) --------------------------------------------------- */

#define KNEE_OK 0
#define KNEE_EINVAL (-1)   /* a bad argument: NULL handle, NULL required pointer, bad enum */
#define KNEE_ENOMEM (-2)   /* an allocation failed */
#define KNEE_EIO (-3)      /* a file could not be opened or read */
#define KNEE_EPARSE (-4)   /* input is not well-formed (XML syntax, bad number, bad text) */
#define KNEE_EINVALID (-5) /* a rule file or patient file breaks the schema or a semantic check */
#define KNEE_ELIMIT (-6)   /* a configured limit was exceeded (size, depth, count, regex budget) */
#define KNEE_EUNKNOWN (-7) /* an unknown id: fact, criterion, option */
#define KNEE_ETYPE (-8)    /* a value of the wrong type for the declared fact */
#define KNEE_ERANGE (-9)   /* a value outside the declared bounds, or an index out of range */
#define KNEE_EWEIGHT (-10) /* weights are negative, not finite, or sum to zero */
#define KNEE_ENOTFOUND (-11) /* the default rule file could not be found */
#define KNEE_EREGEX (-12)    /* a pattern match failed at evaluation */

/* A short, static, English description of a status code. Never NULL. */
KNEE_API const char *knee_strerror(int status);

/* Free memory the library handed to the caller through a "char **" output. Accepts NULL. */
KNEE_API void knee_free(void *p);

/* ---- options and limits ------------------------------------------------------------------- */

/* Caller-settable limits. Defaults are documented in docs/limits.md. */
enum knee_limit {
    KNEE_LIMIT_INPUT_BYTES = 0,    /* largest rule or patient file accepted (default 16 MiB) */
    KNEE_LIMIT_XML_DEPTH = 1,      /* deepest element nesting (default 32) */
    KNEE_LIMIT_ELEMENTS = 2,       /* most XML elements in one file (default 1,000,000) */
    KNEE_LIMIT_RULES = 3,          /* most rules in one rule file (default 100,000) */
    KNEE_LIMIT_EXPR_BYTES = 4,     /* longest condition text (default 4,096) */
    KNEE_LIMIT_EXPR_DEPTH = 5,     /* deepest condition nesting (default 64) */
    KNEE_LIMIT_STRING_BYTES = 6,   /* longest string fact value (default 4,096) */
    KNEE_LIMIT_REGEX_MATCH = 7,    /* PCRE2 match limit per match (default 100,000) */
    KNEE_LIMIT_REGEX_DEPTH = 8,    /* PCRE2 depth limit per match (default 1,000) */
    KNEE_LIMIT_REGEX_HEAP_KIB = 9, /* PCRE2 heap limit per match in KiB (default 1,024) */
    /* Pattern matches (`~`) in one comparison (default 10,000); past it knee_compare() fails
     * with KNEE_EREGEX. Bounds the time a file of many hostile patterns costs. Since 0.3. */
    KNEE_LIMIT_REGEX_BUDGET = 10
};
#define KNEE_LIMIT_COUNT 11

typedef struct knee_options knee_options;

/* Create options holding the default limits. Ownership: caller frees with knee_options_free(). */
KNEE_API int knee_options_new(knee_options **out);
KNEE_API void knee_options_free(knee_options *opts);
/* Set one limit; value must be >= 1. KNEE_EINVAL for an unknown limit or a value < 1. */
KNEE_API int knee_options_set_limit(knee_options *opts, int limit, int64_t value);
/* The limit's value, or -1 for an unknown limit. opts may be NULL: the default is returned. */
KNEE_API int64_t knee_options_get_limit(const knee_options *opts, int limit);

/* ---- diagnostics -------------------------------------------------------------------------- */

/* A list of problems found while loading a rule file or patient file. A rule author wants every
 * mistake at once, so a load reports all it finds. Line and column are 1-based; 0 = unknown. */
typedef struct knee_diag knee_diag;

#define KNEE_SEVERITY_ERROR 0
#define KNEE_SEVERITY_WARNING 1

KNEE_API size_t knee_diag_count(const knee_diag *d);
/* The status class of diagnostic i (a KNEE_E* code), or KNEE_ERANGE past the end. */
KNEE_API int knee_diag_status(const knee_diag *d, size_t i);
/* Stable, machine-readable code of diagnostic i, e.g. "duplicate-id" (see docs/diagnostics.md). */
KNEE_API const char *knee_diag_code(const knee_diag *d, size_t i);
KNEE_API const char *knee_diag_message(const knee_diag *d, size_t i);
KNEE_API const char *knee_diag_file(const knee_diag *d, size_t i);
KNEE_API unsigned knee_diag_line(const knee_diag *d, size_t i);
KNEE_API unsigned knee_diag_column(const knee_diag *d, size_t i);
/* The id of the element the problem is in (e.g. a rule id), or NULL. */
KNEE_API const char *knee_diag_element(const knee_diag *d, size_t i);
KNEE_API int knee_diag_severity(const knee_diag *d, size_t i);
/* Number of diagnostics with severity KNEE_SEVERITY_ERROR. */
KNEE_API size_t knee_diag_error_count(const knee_diag *d);
KNEE_API void knee_diag_free(knee_diag *d);

/* ---- rulesets ----------------------------------------------------------------------------- */

typedef struct knee_ruleset knee_ruleset;

/*
 * Load a rule file. On success *out is a ruleset the caller frees with knee_ruleset_free().
 * On failure *out is NULL. If diag is not NULL, *diag receives every problem found (also on
 * success, for warnings); the caller frees it with knee_diag_free(). opts may be NULL.
 * Thread use: a loaded ruleset is immutable and may be shared by any number of threads.
 */
KNEE_API int knee_ruleset_load_file(knee_ruleset **out, const char *path, const knee_options *opts,
                                    knee_diag **diag);
/* As above, from len bytes at buf (not NUL-terminated). name is used in diagnostics; may be NULL.
 */
KNEE_API int knee_ruleset_load_memory(knee_ruleset **out, const void *buf, size_t len,
                                      const char *name, const knee_options *opts, knee_diag **diag);
/* The default knee-OA rule set that ships with the library (compiled in). */
KNEE_API int knee_ruleset_load_default(knee_ruleset **out, knee_diag **diag);
KNEE_API void knee_ruleset_free(knee_ruleset *rs);

/* Metadata. Borrowed strings, valid while the ruleset lives. */
KNEE_API const char *knee_ruleset_id(const knee_ruleset *rs);
KNEE_API const char *knee_ruleset_version(const knee_ruleset *rs);
KNEE_API const char *knee_ruleset_title(const knee_ruleset *rs);
KNEE_API const char *knee_ruleset_status(const knee_ruleset *rs);
KNEE_API const char *knee_ruleset_evidence_as_of(const knee_ruleset *rs);
/* Lower-case hex SHA-256 of the exact bytes loaded (64 characters). */
KNEE_API const char *knee_ruleset_sha256(const knee_ruleset *rs);
/* The file name or name given at load ("knee-oa.xml (built in)" for the built-in rules). */
KNEE_API const char *knee_ruleset_name(const knee_ruleset *rs);

/* Treatment options, in document order. */
KNEE_API size_t knee_ruleset_option_count(const knee_ruleset *rs);
KNEE_API const char *knee_ruleset_option_id(const knee_ruleset *rs, size_t i);
KNEE_API const char *knee_ruleset_option_name(const knee_ruleset *rs, size_t i);

/* Criteria, in document order. */
#define KNEE_DIRECTION_MINIMIZE (-1)
#define KNEE_DIRECTION_MAXIMIZE 1
KNEE_API size_t knee_ruleset_criterion_count(const knee_ruleset *rs);
KNEE_API const char *knee_ruleset_criterion_id(const knee_ruleset *rs, size_t i);
KNEE_API const char *knee_ruleset_criterion_label(const knee_ruleset *rs, size_t i);
/* Unit text, or NULL for an ordinal criterion without one. */
KNEE_API const char *knee_ruleset_criterion_unit(const knee_ruleset *rs, size_t i);
KNEE_API int knee_ruleset_criterion_direction(const knee_ruleset *rs, size_t i);
/* The rule file's default weight (not normalised). */
KNEE_API double knee_ruleset_criterion_weight(const knee_ruleset *rs, size_t i);
/* Ordinal levels (0 for a numeric criterion), from the least to the most of the quantity. */
KNEE_API size_t knee_ruleset_criterion_level_count(const knee_ruleset *rs, size_t i);
KNEE_API const char *knee_ruleset_criterion_level(const knee_ruleset *rs, size_t i, size_t k);
/* The level's label (its id when the file gives none). */
KNEE_API const char *knee_ruleset_criterion_level_label(const knee_ruleset *rs, size_t i, size_t k);
/* A numeric criterion's absolute scale: returns 1 and sets *worst and *best (either may be
 * NULL); returns 0 for an ordinal criterion. */
KNEE_API int knee_ruleset_criterion_scale(const knee_ruleset *rs, size_t i, double *worst,
                                          double *best);
/* Returns 1 and sets *utility when the rule file scores the criterion's unknown values at a
 * fixed utility (missing-utility, or missing="worst", "best", "neutral"); 0 when they are scored
 * over their range (interval), left out or refused (rules/README.md, "Unknown values"). */
KNEE_API int knee_ruleset_criterion_missing_utility(const knee_ruleset *rs, size_t i,
                                                    double *utility);

/* Number of rules (in options and at top level). */
KNEE_API size_t knee_ruleset_rule_count(const knee_ruleset *rs);

/* Declared facts, in document order. */
#define KNEE_FACT_NUMBER 1
#define KNEE_FACT_INTEGER 2
#define KNEE_FACT_BOOLEAN 3
#define KNEE_FACT_STRING 4
#define KNEE_FACT_SET 5
KNEE_API size_t knee_ruleset_fact_count(const knee_ruleset *rs);
KNEE_API const char *knee_ruleset_fact_id(const knee_ruleset *rs, size_t i);
KNEE_API int knee_ruleset_fact_type(const knee_ruleset *rs, size_t i);
/* Human label, or the id when the file gives none. */
KNEE_API const char *knee_ruleset_fact_label(const knee_ruleset *rs, size_t i);
KNEE_API const char *knee_ruleset_fact_unit(const knee_ruleset *rs, size_t i); /* or NULL */
/* Bounds of a numeric fact; returns 1 if the bound is declared, 0 if not. */
KNEE_API int knee_ruleset_fact_min(const knee_ruleset *rs, size_t i, double *min);
KNEE_API int knee_ruleset_fact_max(const knee_ruleset *rs, size_t i, double *max);
/* Allowed values of a string or set fact (0 when any value is allowed). */
KNEE_API size_t knee_ruleset_fact_value_count(const knee_ruleset *rs, size_t i);
KNEE_API const char *knee_ruleset_fact_value(const knee_ruleset *rs, size_t i, size_t k);

/* Sources, in document order. */
KNEE_API size_t knee_ruleset_source_count(const knee_ruleset *rs);
KNEE_API const char *knee_ruleset_source_id(const knee_ruleset *rs, size_t i);
KNEE_API const char *knee_ruleset_source_title(const knee_ruleset *rs, size_t i);
KNEE_API const char *knee_ruleset_source_url(const knee_ruleset *rs, size_t i);
KNEE_API int knee_ruleset_source_year(const knee_ruleset *rs, size_t i);

/*
 * Run the rule file's own <tests> cases. *n_cases and *n_failed (either may be NULL) receive
 * the counts. If report is not NULL, *report receives one line per failed expectation
 * ("case-id: option: expected ..., got ..."), "" when all pass; caller frees with knee_free().
 * Returns KNEE_OK when the cases ran (whether or not they passed), or a negative status.
 */
KNEE_API int knee_ruleset_run_tests(const knee_ruleset *rs, size_t *n_cases, size_t *n_failed,
                                    char **report);

/*
 * Checks for rule authors beyond what loading requires: a source never cited, a rule whose
 * condition can never be true, two rules that set the same value differently and can fire
 * together, options described in unequal detail. *out receives warnings (severity
 * KNEE_SEVERITY_WARNING, located, codes in docs/diagnostics.md); caller frees with
 * knee_diag_free(). Returns KNEE_OK or KNEE_ENOMEM. `knee check` prints them; --strict fails on
 * them. The searches are bounded (docs/limits.md): at most 200,000 assignments per question and
 * 50,000,000 condition steps in all; when the overall budget runs out the lint stops and says so
 * with a "lint-budget" warning at the rule it had reached.
 */
KNEE_API int knee_ruleset_lint(const knee_ruleset *rs, knee_diag **out);

/* ---- patients ----------------------------------------------------------------------------- */

/* A patient: typed facts and per-criterion preference weights, checked against the ruleset's
 * declarations. A failed setter leaves the patient unchanged. The ruleset must outlive the
 * patient. Belongs to one thread at a time. */
typedef struct knee_patient knee_patient;

/* Ownership: caller frees with knee_patient_free(). */
KNEE_API int knee_patient_new(knee_patient **out, const knee_ruleset *rs);
KNEE_API void knee_patient_free(knee_patient *p);
/* Forget every fact and weight. */
KNEE_API void knee_patient_clear(knee_patient *p);

/* Number and integer facts (an integer fact needs a whole value). */
KNEE_API int knee_patient_set_number(knee_patient *p, const char *fact, double value);
KNEE_API int knee_patient_set_bool(knee_patient *p, const char *fact, int value);
/* String facts; value is copied. */
KNEE_API int knee_patient_set_string(knee_patient *p, const char *fact, const char *value);
/* Set facts: add one member (value copied; adding a member twice keeps one). */
KNEE_API int knee_patient_add_to_set(knee_patient *p, const char *fact, const char *member);
/* Parse text by the fact's declared type: "72", "true"/"false"/"yes"/"no"/"1"/"0", any text
 * for a string, comma-separated members for a set (replacing the set). Locale-independent. */
KNEE_API int knee_patient_set_text(knee_patient *p, const char *fact, const char *text);
/* Make a fact unknown again. */
KNEE_API int knee_patient_unset(knee_patient *p, const char *fact);
/* 1 if the patient has a value for the fact, 0 if not, negative on error. */
KNEE_API int knee_patient_has(const knee_patient *p, const char *fact);

/* Preference weight for one criterion, >= 0 and finite; overrides the rule file's default. */
KNEE_API int knee_patient_set_weight(knee_patient *p, const char *criterion, double weight);
/* Swing weight: 0-100 points for the criterion (100 for the swing that matters most); only the
 * ratios matter. The same as set_weight, but checked against the 0-100 scale. */
KNEE_API int knee_patient_set_swing(knee_patient *p, const char *criterion, double points);

/* Weights from the patient's ranking of what matters most (ids[0] first), replacing every
 * weight: KNEE_RANKING_ROC (rank-order centroid) or KNEE_RANKING_RANK_SUM. Criteria not ranked
 * share equally the weights of the places after the last ranked one (docs/methods.md). An id
 * given twice or unknown is an error, and the patient is unchanged. */
#define KNEE_RANKING_ROC 0
#define KNEE_RANKING_RANK_SUM 1
KNEE_API int knee_patient_rank_criteria(knee_patient *p, const char *const *ids, size_t n,
                                        int scheme);

/* Read a patient XML file (docs/patient-format.md) into p. All or nothing: on failure p is
 * unchanged and *diag (if not NULL) lists every problem. opts may be NULL. */
KNEE_API int knee_patient_load_file(knee_patient *p, const char *path, const knee_options *opts,
                                    knee_diag **diag);
KNEE_API int knee_patient_load_memory(knee_patient *p, const void *buf, size_t len,
                                      const char *name, const knee_options *opts, knee_diag **diag);

/* Why the last call on p failed, in words; "" after success. Borrowed until the next call. */
KNEE_API const char *knee_patient_errmsg(const knee_patient *p);

/* ---- comparison and results --------------------------------------------------------------- */

typedef struct knee_result knee_result;

/* ---- comparison options: method and analyses --------------------------------------------- */

/* Aggregation methods (docs/methods.md). */
#define KNEE_METHOD_DEFAULT 0 /* the rule file's method (weighted sum unless it says) */
/* Weighted sum: additive value on the file's absolute scales, no rank reversal. */
#define KNEE_METHOD_WEIGHTED_SUM 1
/* TOPSIS (Hwang & Yoon): values in their units, vector normalisation. */
#define KNEE_METHOD_TOPSIS 2
#define KNEE_METHOD_TOPSIS_MINMAX 3 /* TOPSIS, min-max normalisation */
#define KNEE_METHOD_PROMETHEE2 4    /* PROMETHEE II net flow, preference functions from the file */
#define KNEE_METHOD_VIKOR 5         /* VIKOR; the compromise set is reported */
/* TOPSIS with vector normalisation of the 0-1 utilities instead of the values: what "topsis" was
 * in 0.2, kept to reproduce those results. Its ranking depends on where the rule file puts each
 * scale's bounds (docs/methods.md). Since 0.3. */
#define KNEE_METHOD_TOPSIS_UTILITY 6
/* The method's name ("weighted-sum", "topsis", "topsis-minmax", "promethee2", "vikor",
 * "topsis-utility"), or NULL. */
KNEE_API const char *knee_method_name(int method);
/* The method for a name, or KNEE_EINVAL. */
KNEE_API int knee_method_from_name(const char *name);

typedef struct knee_compare_options knee_compare_options;
/* Defaults: the rule file's method, VIKOR v = 0.5, no SMAA, no sensitivity analysis.
 * Ownership: caller frees with knee_compare_options_free(). One thread at a time. */
KNEE_API int knee_compare_options_new(knee_compare_options **out);
KNEE_API void knee_compare_options_free(knee_compare_options *o);
KNEE_API int knee_compare_options_set_method(knee_compare_options *o, int method);
/* VIKOR's strategy weight v in [0, 1] ("majority of criteria" vs "veto"). */
KNEE_API int knee_compare_options_set_vikor_v(knee_compare_options *o, double v);
/* SMAA-2 with this many samples (0: off; at most 10,000,000) and seed. Values are sampled from
 * their low/typical/high ranges (triangular); unknown values scored over a range (interval
 * policy) uniformly in utility within it. Weights: uniform on the simplex when spread is
 * 0, else uniform within +-spread of the patient's normalised weights (renormalised). */
KNEE_API int knee_compare_options_set_smaa(knee_compare_options *o, uint64_t samples, uint64_t seed,
                                           double weight_spread);
/* Weight sensitivity of the winner; a winner whose score margin over the runner-up is below
 * fragile_margin (default 0.05) is flagged fragile. */
KNEE_API int knee_compare_options_set_sensitivity(knee_compare_options *o, int on,
                                                  double fragile_margin);

/* Pareto dominance costs O(options^2 x criteria): by default (AUTO) it is computed when at most
 * 256 options are ranked, and on request (ON) for more; OFF skips it. */
#define KNEE_DOMINANCE_AUTO 0
#define KNEE_DOMINANCE_ON 1
#define KNEE_DOMINANCE_OFF 2
KNEE_API int knee_compare_options_set_dominance(knee_compare_options *o, int mode);

/* knee_compare with options (o may be NULL: the same as knee_compare). */
KNEE_API int knee_compare_ex(const knee_ruleset *rs, const knee_patient *p,
                             const knee_compare_options *o, knee_result *r);

/* An empty result to fill with knee_compare(); reuse it for many patients to avoid
 * allocation. Ownership: caller frees with knee_result_free(). */
KNEE_API int knee_result_new(knee_result **out);
KNEE_API void knee_result_free(knee_result *r);

/*
 * Compare every option of rs for patient p (weighted sum on the rule file's absolute scales)
 * and fill r. p may be NULL (no facts, default weights). The result borrows strings from rs:
 * rs must outlive r's contents. On failure r holds no options and knee_result_errmsg() says why.
 * Thread use: any number of threads may call this on one shared rs with their own p and r.
 */
KNEE_API int knee_compare(const knee_ruleset *rs, const knee_patient *p, knee_result *r);

KNEE_API const char *knee_result_errmsg(const knee_result *r);
/* The method used, by name (knee_method_name). */
KNEE_API const char *knee_result_method(const knee_result *r);

/* Criteria and the normalised weights used (sum 1). Index j follows the ruleset's order. */
KNEE_API size_t knee_result_criterion_count(const knee_result *r);
KNEE_API const char *knee_result_criterion_id(const knee_result *r, size_t j);
KNEE_API double knee_result_weight(const knee_result *r, size_t j);

/* Options in result order: ranked options by rank, then excluded options in document order. */
KNEE_API size_t knee_result_option_count(const knee_result *r);
KNEE_API const char *knee_result_option_id(const knee_result *r, size_t i);
KNEE_API const char *knee_result_option_name(const knee_result *r, size_t i);
/* 1-based rank; 0 for an excluded option. Options whose scores are equal within 1e-12 share a
 * rank (1, 1, 1, 4) and are listed by name (knee_result_option_tie_count). */
KNEE_API int knee_result_option_rank(const knee_result *r, size_t i);
/* The method's score, higher is better: weighted sum in [0, 1] (the sum of the contributions),
 * TOPSIS closeness in [0, 1], PROMETHEE II net flow in [-1, 1], VIKOR 1 - Q in [0, 1].
 * 0 for an excluded option. */
KNEE_API double knee_result_option_score(const knee_result *r, size_t i);
/* A method's own figure for option i by name: "weighted_sum" (always), "closeness",
 * "phi_plus", "phi_minus", "phi_net", "S", "R", "Q". Returns 1 and sets *value, or 0 when the
 * figure does not apply. */
KNEE_API int knee_result_option_metric(const knee_result *r, size_t i, const char *name,
                                       double *value);
/* VIKOR: 1 if option i is in the compromise set. */
KNEE_API int knee_result_option_in_compromise(const knee_result *r, size_t i);
/* 1 if dominance was computed for this result (see KNEE_DOMINANCE_AUTO). */
KNEE_API int knee_result_has_dominance(const knee_result *r);
/* Options that Pareto-dominate option i, in result order: among non-excluded options, at least
 * as good on every criterion's utility and better on one, whatever the unknown values are (an
 * unknown value counts at the worst of its range for the dominator and at the best for the
 * dominated option). */
KNEE_API size_t knee_result_dominator_count(const knee_result *r, size_t i);
KNEE_API const char *knee_result_dominator(const knee_result *r, size_t i, size_t k);
KNEE_API int knee_result_option_excluded(const knee_result *r, size_t i);

/* Exclusion reasons and cautions: text, the rule that gave it, and the first source id the
 * action (or else its rule) cites. */
KNEE_API size_t knee_result_reason_count(const knee_result *r, size_t i);
KNEE_API const char *knee_result_reason_text(const knee_result *r, size_t i, size_t k);
KNEE_API const char *knee_result_reason_rule(const knee_result *r, size_t i, size_t k);
KNEE_API const char *knee_result_reason_source(const knee_result *r, size_t i, size_t k);
KNEE_API size_t knee_result_caution_count(const knee_result *r, size_t i);
KNEE_API const char *knee_result_caution_text(const knee_result *r, size_t i, size_t k);
KNEE_API const char *knee_result_caution_rule(const knee_result *r, size_t i, size_t k);
KNEE_API const char *knee_result_caution_source(const knee_result *r, size_t i, size_t k);

/* Per option i and criterion j. A numeric value is the typical one used for scoring; low and
 * high give its range. value_known is 0 when the rule file marks the value unknown. */
KNEE_API int knee_result_value_known(const knee_result *r, size_t i, size_t j);
/* The numeric value, or NaN for an ordinal or unknown value. */
KNEE_API double knee_result_value(const knee_result *r, size_t i, size_t j);
KNEE_API double knee_result_value_low(const knee_result *r, size_t i, size_t j);
KNEE_API double knee_result_value_high(const knee_result *r, size_t i, size_t j);
/* The ordinal level id, or NULL for a numeric or unknown value. */
KNEE_API const char *knee_result_value_level(const knee_result *r, size_t i, size_t j);
/* Utility on the criterion's absolute 0-1 scale. An unknown value has the utility its missing
 * policy scores it at: the middle of its range (interval), the fixed utility, or 0 when it is
 * left out (knee_result_utility_range). */
KNEE_API double knee_result_utility(const knee_result *r, size_t i, size_t j);
/* The weight option i's score gives criterion j: the normalised weight, rescaled over the
 * criteria that count in option i's score. Every value counts unless an unknown one is left out
 * (renormalise, refuse: weight 0). contribution = cell weight x utility. */
KNEE_API double knee_result_cell_weight(const knee_result *r, size_t i, size_t j);
KNEE_API double knee_result_contribution(const knee_result *r, size_t i, size_t j);
/* Sources behind the value: the declared value's, then each rule that changed it. */
KNEE_API size_t knee_result_value_source_count(const knee_result *r, size_t i, size_t j);
KNEE_API const char *knee_result_value_source(const knee_result *r, size_t i, size_t j, size_t k);
/* Rules that changed the value (set/adjust), in the order applied. */
KNEE_API size_t knee_result_value_rule_count(const knee_result *r, size_t i, size_t j);
KNEE_API const char *knee_result_value_rule(const knee_result *r, size_t i, size_t j, size_t k);

/* Rules whose condition was true for option i, in the order applied. */
KNEE_API size_t knee_result_fired_count(const knee_result *r, size_t i);
KNEE_API const char *knee_result_fired_rule(const knee_result *r, size_t i, size_t k);
/* Rules whose condition was unknown (a fact missing) and the facts that would decide them. */
KNEE_API size_t knee_result_unknown_count(const knee_result *r, size_t i);
KNEE_API const char *knee_result_unknown_rule(const knee_result *r, size_t i, size_t k);
KNEE_API size_t knee_result_unknown_fact_count(const knee_result *r, size_t i, size_t k);
KNEE_API const char *knee_result_unknown_fact(const knee_result *r, size_t i, size_t k, size_t f);

/* Facts the ruleset's conditions read that the patient did not give (sorted, unique). */
KNEE_API size_t knee_result_missing_fact_count(const knee_result *r);
KNEE_API const char *knee_result_missing_fact(const knee_result *r, size_t k);

/* ---- analyses (filled when asked for in knee_compare_options) ------------------------------- */

/* SMAA-2: samples (0 when not run) and seed used. */
KNEE_API uint64_t knee_result_smaa_samples(const knee_result *r);
KNEE_API uint64_t knee_result_smaa_seed(const knee_result *r);
/* P(option i has rank `rank`), rank 1..number of ranked options; NaN if not run. */
KNEE_API double knee_result_rank_acceptability(const knee_result *r, size_t i, size_t rank);
/* Mean weight of criterion j in the samples where option i ranked first (NaN if never). */
KNEE_API double knee_result_central_weight(const knee_result *r, size_t i, size_t j);
/* P(option i ranks first when its central weights are used), NaN if never first. */
KNEE_API double knee_result_confidence(const knee_result *r, size_t i);

/* Sensitivity of the winner (weighted sum): 1 if computed. */
KNEE_API int knee_result_has_sensitivity(const knee_result *r);
/* The interval [lower, upper] of criterion j's weight over which the winner stays first, the
 * other weights rescaled in proportion. */
KNEE_API int knee_result_sensitivity_interval(const knee_result *r, size_t j, double *lower,
                                              double *upper);
/* The smallest change of a single weight that changes the winner: the criterion index, the
 * signed change and the new winner's result index. Returns 0 when no single weight can. */
KNEE_API int knee_result_min_weight_change(const knee_result *r, size_t *criterion, double *delta,
                                           size_t *new_winner);
/* Score margin of the winner over the runner-up, and 1 if it is below the fragile margin (less
 * 1e-12, so a margin equal to it in exact arithmetic is not fragile). With a tie at the top
 * (knee_result_option_tie_count(r, 0) > 0) the margin is 0 and no winner is called fragile; the
 * weight intervals and the smallest change then concern which options are at the top. */
KNEE_API double knee_result_winner_margin(const knee_result *r);
KNEE_API int knee_result_winner_fragile(const knee_result *r);

/* Why option a ranks where it does against option b (result indices): each criterion's
 * contribution to the weighted-sum difference, as JSON {"a":..,"b":..,"rank_a":..,"rank_b":..,
 * "weighted_sum_a":..,"weighted_sum_b":..,"for":[{"criterion":..,"difference":..,
 * "utility_a":..,"utility_b":..}],"against":[..]}, each list largest first.
 * Ownership: caller frees *out with knee_free(). */
KNEE_API int knee_result_why(const knee_result *r, size_t a, size_t b, char **out);

/*
 * The result as JSON in the documented contract (docs/result-contract.md): library version,
 * ruleset id/version/sha256/evidence date, method, weights, options with everything above.
 * Numbers are written locale-independently. Ownership: caller frees *out with knee_free().
 * *len (if len is not NULL) receives the length without the terminating NUL.
 */
KNEE_API int knee_result_to_json(const knee_result *r, char **out, size_t *len);

/* ---- unknown values as ranges, ties as ties (docs/result-contract.md); since 0.3 ------------ */
/* The result accessors below only read the result, like those above; strings they return are
 * borrowed from the ruleset (valid while it lives). Indices i, a, b are in result order. */

/* How a value the rule file marks unknown (no sourced value) is scored (rules/README.md,
 * "Unknown values"). A rule file sets its default (<ruleset missing="...">, interval when it
 * says nothing) and may set one per criterion; a caller may override them all. */
/* INTERVAL: full weight, over the utilities of its bounds (the whole scale without): the score
 * takes the middle, its range the ends. */
#define KNEE_MISSING_DEFAULT 0     /* the rule file's policies */
#define KNEE_MISSING_INTERVAL 1    /* full weight, over its range: the default */
#define KNEE_MISSING_RENORMALISE 2 /* left out; the option's other weights rescaled */
#define KNEE_MISSING_WORST 3       /* utility 0, full weight */
#define KNEE_MISSING_BEST 4        /* utility 1, full weight */
#define KNEE_MISSING_NEUTRAL 5     /* utility 1/2, full weight */
#define KNEE_MISSING_REFUSE 6      /* the option is excluded, with the reason */
/* The policy's name ("interval", "renormalise", "worst", "best", "neutral", "refuse"), or NULL
 * (for KNEE_MISSING_DEFAULT too). Static string. Since 0.3. */
KNEE_API const char *knee_missing_name(int policy);
/* The policy for a name, or KNEE_EINVAL. Since 0.3. */
KNEE_API int knee_missing_from_name(const char *name);
/* Score every unknown value by this policy instead of the rule file's (its per-criterion
 * policies and missing-utility included); KNEE_MISSING_DEFAULT (the default) keeps the file's.
 * KNEE_EINVAL for an unknown policy. Since 0.3. */
KNEE_API int knee_compare_options_set_missing(knee_compare_options *o, int policy);
/* The missing policy used, by name: the caller's, else the rule file's default. A criterion
 * that declares its own policy says so in knee_result_value_missing(). Since 0.3. */
KNEE_API const char *knee_result_missing_policy(const knee_result *r);
/* The policy applied to option i's value j ("interval", ..., "utility" for a declared
 * missing-utility), or NULL for a known value. Since 0.3. */
KNEE_API const char *knee_result_value_missing(const knee_result *r, size_t i, size_t j);

/* Option i's weighted-sum score with each of its unknown values at the worst and at the best
 * of its range (its other values as scored): returns 1 and sets *low <= score <= *high; equal
 * when nothing is unknown or unknowns are scored at a fixed utility. Returns 0 (NaN) for an
 * excluded option, or when the method is not the weighted sum (its scores depend on every
 * option at once, so no range per option is given). Either pointer may be NULL. Since 0.3. */
KNEE_API int knee_result_option_score_range(const knee_result *r, size_t i, double *low,
                                            double *high);
/* The best and worst rank option i can take over every completion of the unknown values
 * (exact: each option's unknowns are its own, so it follows from the score ranges, with the
 * same 1e-12 tie tolerance as the ranking): returns 1 and sets *best <= rank <= *worst. 0 (and
 * 0, 0) when knee_result_option_score_range() gives no range. Since 0.3. */
KNEE_API int knee_result_option_rank_range(const knee_result *r, size_t i, int *best, int *worst);
/* Options whose scores are equal within 1e-12 share a rank (competition ranking: 1, 1, 1, 4)
 * and are listed by name, then id. The number of other options tied with option i, and the
 * k-th of them (result order). Since 0.3. */
KNEE_API size_t knee_result_option_tie_count(const knee_result *r, size_t i);
KNEE_API const char *knee_result_option_tied_with(const knee_result *r, size_t i, size_t k);
/* The utilities option i's value j is scored over. For an unknown value returns 1, with the
 * range (interval policy: its bounds' utilities; a fixed utility: both equal it; left out of
 * the score: NaN). For a known value returns 0 with both set to its utility. Since 0.3. */
KNEE_API int knee_result_utility_range(const knee_result *r, size_t i, size_t j, double *low,
                                       double *high);
/* The plausible bounds the rule file gives an unknown value: numeric (in the criterion's unit;
 * returns 1), or levels (level ids, borrowed; returns 1). 0 when the value is known or has no
 * bounds (it then spans the whole scale). Since 0.3. */
KNEE_API int knee_result_unknown_bounds(const knee_result *r, size_t i, size_t j, double *low,
                                        double *high);
KNEE_API int knee_result_unknown_level_bounds(const knee_result *r, size_t i, size_t j,
                                              const char **low, const char **high);
/* Criterion j's part in the weighted-sum difference of options a and b (contribution of a
 * minus that of b). Returns 1 when both values are known (*low == *high, the difference);
 * 0 when either is unknown: [*low, *high] is the range of the difference over the unknowns'
 * ranges, so it may favour either option and is never counted for one. KNEE_EINVAL (negative)
 * for bad indices. Since 0.3. */
KNEE_API int knee_result_difference(const knee_result *r, size_t a, size_t b, size_t j, double *low,
                                    double *high);

/* ---- FHIR R4 input (docs/fhir.md) ----------------------------------------------------------- */

/* What a FHIR load did: which facts came from which resource, which facts stayed missing,
 * which resources were ignored and why, and warnings for what was read leniently.
 * Ownership: caller frees with knee_fhir_report_free(). Strings are borrowed from the report. */
typedef struct knee_fhir_report knee_fhir_report;

/*
 * Read a patient from FHIR R4 data in either encoding, JSON or XML (detected from the first
 * non-blank byte): a Bundle, a single resource, a CDS Hooks prefetch object ({"key": resource
 * or null}) or a whole CDS Hooks request (its context.patientId is then checked against every
 * resource). Facts are derived through the ruleset's <fhir> mapping (rules/README.md).
 * as_of ("YYYY-MM-DD", required) is the evaluation date: ages and time windows are computed at
 * it, and data dated after it is ignored; the clock is never read. name is used in diagnostics
 * (may be NULL). opts may be NULL (KNEE_LIMIT_INPUT_BYTES, _XML_DEPTH and _ELEMENTS apply).
 * All or nothing: on failure p is unchanged, *report is NULL, and *diag (if diag is not NULL)
 * says why (e.g. "fhir-other-patient", "fhir-json", "xml-doctype", "limit-size"). On success
 * the facts the mapping found replace those facts in p (others are kept), and *report (if
 * report is not NULL) describes the load. KNEE_EINVAL for a bad as_of or a ruleset without a
 * <fhir> mapping.
 */
KNEE_API int knee_patient_load_fhir(knee_patient *p, const void *buf, size_t len, const char *name,
                                    const char *as_of, const knee_options *opts,
                                    knee_fhir_report **report, knee_diag **diag);
KNEE_API void knee_fhir_report_free(knee_fhir_report *r);
/* Facts set, in mapping order: fact id, value as text, and the resource it came from (type, id
 * (or NULL), element path, date or NULL). */
KNEE_API size_t knee_fhir_report_fact_count(const knee_fhir_report *r);
KNEE_API const char *knee_fhir_report_fact(const knee_fhir_report *r, size_t i);
KNEE_API const char *knee_fhir_report_fact_value(const knee_fhir_report *r, size_t i);
KNEE_API const char *knee_fhir_report_fact_resource_type(const knee_fhir_report *r, size_t i);
KNEE_API const char *knee_fhir_report_fact_resource_id(const knee_fhir_report *r, size_t i);
KNEE_API const char *knee_fhir_report_fact_element(const knee_fhir_report *r, size_t i);
KNEE_API const char *knee_fhir_report_fact_date(const knee_fhir_report *r, size_t i);
/* Mapped facts the data did not give, with the reason in words. */
KNEE_API size_t knee_fhir_report_missing_count(const knee_fhir_report *r);
KNEE_API const char *knee_fhir_report_missing_fact(const knee_fhir_report *r, size_t i);
KNEE_API const char *knee_fhir_report_missing_reason(const knee_fhir_report *r, size_t i);
/* Resources (or groups of them) ignored: type, id (NULL for a group), a stable code
 * (docs/fhir.md: "entered-in-error", "refuted", "not-done", "unit", "superseded", ...) and a
 * message. */
KNEE_API size_t knee_fhir_report_ignored_count(const knee_fhir_report *r);
KNEE_API const char *knee_fhir_report_ignored_type(const knee_fhir_report *r, size_t i);
KNEE_API const char *knee_fhir_report_ignored_id(const knee_fhir_report *r, size_t i);
KNEE_API const char *knee_fhir_report_ignored_code(const knee_fhir_report *r, size_t i);
KNEE_API const char *knee_fhir_report_ignored_reason(const knee_fhir_report *r, size_t i);
/* Warnings: a stable code and a message (e.g. "lenient-status", "no-patient"). */
KNEE_API size_t knee_fhir_report_warning_count(const knee_fhir_report *r);
KNEE_API const char *knee_fhir_report_warning_code(const knee_fhir_report *r, size_t i);
KNEE_API const char *knee_fhir_report_warning(const knee_fhir_report *r, size_t i);
/* The report as JSON: {"as_of","patient","facts":[{"fact","value","resource_type",
 * "resource_id","element","date"}],"missing":[{"fact","reason"}],"ignored":[{"resource_type",
 * "resource_id","code","reason"}],"warnings":[{"code","message"}]}. Caller frees with knee_free().
 */
KNEE_API int knee_fhir_report_to_json(const knee_fhir_report *r, char **out, size_t *len);

/*
 * The CDS Hooks prefetch templates the ruleset's <fhir> mapping needs (docs/cds-hooks.md), as a
 * JSON object of prefetch key -> FHIR query template, for a CDS Hooks discovery response. Only
 * the keys the mapping reads appear, in this order: "patient" (Patient/{{context.patientId}},
 * for birth date or gender), "conditions", "observations" (most recent first),
 * "procedures", "medicationStatements", "medicationRequests", "medicationAdministrations" (the
 * resource types the history rules read), "coverage" and, with it, "explanationOfBenefit"
 * (the 5 most recently created, _sort=-created&_count=5: the mapper also reads a Coverage
 * contained in a claim, where some records, Synthea's among them, name the only payer).
 * Searches filter by the mapped codes (code=system|code,..., FHIR-escaped and
 * percent-encoded), except that a prefix code in a rule leaves that search unfiltered.
 * knee_patient_load_fhir() reads a prefetch object (or a CDS Hooks request) with these keys.
 * KNEE_EINVAL for a ruleset without a <fhir> mapping. Ownership: caller frees *out with
 * knee_free(); *len (if len is not NULL) receives the length without the terminating NUL.
 * Thread-safe on a shared ruleset. Since 0.2.
 */
KNEE_API int knee_ruleset_fhir_prefetch(const knee_ruleset *rs, char **out, size_t *len);

/* ---- the decision-aid report (docs/report.md) ---------------------------------------------- */

/* A patient's value for one fact as text, in the form knee_patient_set_text() reads: a number
 * in its shortest form ("72", "27.5"), "yes"/"no", a string as given, a set's members joined
 * by ", " in the order added ("" for a known empty set). *out is NULL (and KNEE_OK returned)
 * when the patient has no value for the fact; KNEE_EUNKNOWN for a fact the ruleset does not
 * declare. Ownership: caller frees *out with knee_free(). Locale-independent. */
KNEE_API int knee_patient_fact_text(const knee_patient *p, const char *fact, char **out);

/* What the caller tells the report that the library cannot know. Defaults: no report date.
 * Ownership: caller frees with knee_report_options_free(). One thread at a time. */
typedef struct knee_report_options knee_report_options;
KNEE_API int knee_report_options_new(knee_report_options **out);
KNEE_API void knee_report_options_free(knee_report_options *o);
/* The date shown as the report's date, as text (e.g. "2025-07-01"; copied). The library never
 * reads the clock: without a date the report says "not given". NULL clears it; text that is
 * empty, over 64 bytes or has control characters is KNEE_EINVAL. */
KNEE_API int knee_report_options_set_date(knee_report_options *o, const char *date);

/*
 * The result as a decision-aid report: one self-contained HTML5 page (no scripts, no network,
 * inline SVG charts, printable on A4 and Letter) that a clinician and a patient read together:
 * the rule file's title, publisher, id, version, SHA-256 and evidence date, the report date,
 * the patient's facts used and those missing, the weights, a ranked bar chart of the scores
 * split into criterion contributions, the option grid (options as columns, criteria as rows,
 * values in words and numbers with ranges and sources), the SMAA rank acceptabilities when
 * computed, sensitivity, excluded options with reasons, cautions, each option's description,
 * the sources cited with links, and the statement that it does not replace the clinician's
 * judgement. docs/report.md lists the content and the accessibility choices.
 * p: the patient the result was computed for, whose known facts are listed as the facts used
 * (NULL: not listed); it must belong to the result's ruleset (else KNEE_EINVAL). o may be NULL.
 * Every text is escaped; numbers are written locale-independently. Ownership: caller frees
 * *out with knee_free(); *len (if len is not NULL) receives the length without the NUL.
 * Thread use: as knee_result_to_json (r and p are only read).
 */
KNEE_API int knee_result_to_html(const knee_result *r, const knee_patient *p,
                                 const knee_report_options *o, char **out, size_t *len);

/* ---- batches: many patients as columns (docs/scaling.md); since 0.2 -------------------------- */

/* The facts of n patients ("rows") as columns, for one ruleset, compared with
 * knee_compare_batch() or knee_compare_batch_json(). Columns are checked when they are set,
 * exactly as the patient setters check a value, and each fact's values are stored ready to use,
 * so a comparison does no lookup, parsing or allocation per patient. A fact without a column
 * is unknown in every row. One set of weights serves the whole batch (knee_batch_set_weight);
 * per-row weights are not supported (make one batch per weight set).
 * Ownership: caller frees with knee_batch_free(); the ruleset must outlive the batch. Thread
 * use: setting columns and weights is for one thread at a time; while no column or weight is
 * being set, any number of threads may compare rows of the batch at once (it is only read). */
typedef struct knee_batch knee_batch;

KNEE_API int knee_batch_new(knee_batch **out, const knee_ruleset *rs, size_t n);
KNEE_API void knee_batch_free(knee_batch *b);
/* The number of rows n. */
KNEE_API size_t knee_batch_row_count(const knee_batch *b);

/* What a column setter does with a bad cell (a value the patient setter would refuse):
 * KNEE_BATCH_FAIL_COLUMN returns that cell's status and leaves the batch unchanged;
 * KNEE_BATCH_MARK_ROW leaves the cell unknown, marks its row failed with that status (a row
 * keeps its first failure; knee_batch_row_status) and sets the rest of the column, returning
 * KNEE_OK. Either way knee_batch_error_row() and knee_batch_errmsg() name the first bad cell of
 * the call: its row and its fact, with the patient setter's reason. A failed row is not
 * compared. */
#define KNEE_BATCH_FAIL_COLUMN 0
#define KNEE_BATCH_MARK_ROW 1

/* Column setters: `values` has one cell per row and replaces the fact's column.
 * Numbers (number and integer facts): NaN is unknown; infinities and values out of the
 * declared bounds (or not whole, for an integer fact) are bad cells. */
KNEE_API int knee_batch_set_numbers(knee_batch *b, const char *fact, const double *values,
                                    int mode);
/* Booleans: a negative cell is unknown, 0 is false, a positive cell is true. */
KNEE_API int knee_batch_set_bools(knee_batch *b, const char *fact, const signed char *values,
                                  int mode);
/* String facts: NULL is unknown; each string is copied and checked like
 * knee_patient_set_string (length limit, UTF-8, allowed values). */
KNEE_API int knee_batch_set_strings(knee_batch *b, const char *fact, const char *const *values,
                                    int mode);
/* Set facts, one list of members per row: row i has members[starts[i]] up to (not including)
 * members[starts[i + 1]] (starts has n + 1 entries); each member is checked and copied like
 * knee_patient_add_to_set, and a member given twice is kept once. known may be NULL (every row
 * known, an empty range being a known empty set); known[i] == 0 makes row i unknown. */
KNEE_API int knee_batch_set_members(knee_batch *b, const char *fact, const size_t *starts,
                                    const char *const *members, const unsigned char *known,
                                    int mode);
/* Any fact, as text read by its declared type exactly as knee_patient_set_text reads it
 * ("72", "yes", any text, comma-separated members); NULL is unknown. */
KNEE_API int knee_batch_set_text(knee_batch *b, const char *fact, const char *const *values,
                                 int mode);
/* One criterion's preference weight for every row (as knee_patient_set_weight). */
KNEE_API int knee_batch_set_weight(knee_batch *b, const char *criterion, double weight);

/* KNEE_OK, or the status of the first bad cell in row `row` (KNEE_ERANGE past the end). */
KNEE_API int knee_batch_row_status(const knee_batch *b, size_t row);
/* The row of the first bad cell of the last column call, or (size_t)-1 when it had none. */
KNEE_API size_t knee_batch_error_row(const knee_batch *b);
/* Why the last call on b failed or found a bad cell ("row 7: fact 'age': 130 is above the
 * maximum 120"), "" when it did not. Borrowed until the next call on b. */
KNEE_API const char *knee_batch_errmsg(const knee_batch *b);

/*
 * Compare rows first .. first+count-1 of b (o may be NULL, as for knee_compare_ex) and write,
 * row-major, count x knee_ruleset_option_count(rs) cells in rule-file (option) order: ranks[]
 * the 1-based rank, 0 for an excluded option; scores[] the method's score as
 * knee_result_option_score gives it. Either may be NULL. status[] (may be NULL; count entries)
 * receives each row's status: KNEE_OK, the row's column failure, or its comparison failure;
 * a failed row's ranks are 0 and its scores NaN. The ranks and scores equal those of
 * knee_compare_ex for a patient with the row's facts and the batch's weights; the analyses
 * (SMAA, sensitivity) and dominance do not change them and are skipped here.
 * scratch: a result to work in (its contents afterwards are unspecified); reuse one per
 * thread and the comparison allocates nothing after the first call. NULL: a result is made
 * and freed for the call. Returns KNEE_OK when every row was compared, else the status of the
 * first failed row (every other row is still compared), or KNEE_EINVAL (NULL rs or b, b made
 * for another ruleset) / KNEE_ERANGE (rows past the end) with nothing written.
 * Thread use: any number of threads may compare disjoint (or even the same) rows of one batch
 * at once, each with its own scratch and output arrays.
 */
KNEE_API int knee_compare_batch(const knee_ruleset *rs, const knee_batch *b,
                                const knee_compare_options *o, size_t first, size_t count,
                                knee_result *scratch, int *ranks, double *scores, int *status);

/*
 * As knee_compare_batch, but each row's full result as the JSON of knee_result_to_json (the
 * contract of docs/result-contract.md, with dominance and the analyses o asks for). *out
 * receives the texts one after another (NUL-terminated); row k's text is the bytes from
 * offsets[k] to offsets[k + 1] (offsets has count + 1 entries); a failed row's text is empty.
 * *len (if len is not NULL) receives the total length. Ownership: caller frees *out with
 * knee_free(). On an argument error or KNEE_ENOMEM *out is NULL.
 */
KNEE_API int knee_compare_batch_json(const knee_ruleset *rs, const knee_batch *b,
                                     const knee_compare_options *o, size_t first, size_t count,
                                     knee_result *scratch, char **out, size_t *len, size_t *offsets,
                                     int *status);

/* ---- texts for two audiences (rules/README.md, "Texts for patients and clinicians"); since 0.3 */

/* A rule file may give each text for readers twice: in plain language for the patient and in
 * detail, with citations, for the clinician. A text given once serves both audiences. Texts are
 * borrowed from the ruleset (valid while it lives). */
#define KNEE_AUDIENCE_PATIENT 0
#define KNEE_AUDIENCE_CLINICIAN 1

/* Exclusion reason / caution k of option i for one audience; NULL past the end. The clinician's
 * text is the one knee_result_reason_text and knee_result_caution_text give. */
KNEE_API const char *knee_result_reason_patient_text(const knee_result *r, size_t i, size_t k);
KNEE_API const char *knee_result_reason_clinician_text(const knee_result *r, size_t i, size_t k);
KNEE_API const char *knee_result_caution_patient_text(const knee_result *r, size_t i, size_t k);
KNEE_API const char *knee_result_caution_clinician_text(const knee_result *r, size_t i, size_t k);
/* The note on option i's value for criterion j after rules, for the audience (a KNEE_AUDIENCE_*),
 * or NULL when it has none: the declared value's note, kept by <adjust>, dropped by a <set> that
 * replaces the value. NULL too for a bad index or audience. */
KNEE_API const char *knee_result_value_note(const knee_result *r, size_t i, size_t j, int audience);
/* The descriptions of the rule file, of option i and of criterion j for the audience, or NULL
 * when the file gives none (or for a bad index or audience). Thread-safe on a shared ruleset. */
KNEE_API const char *knee_ruleset_description(const knee_ruleset *rs, int audience);
KNEE_API const char *knee_ruleset_option_description(const knee_ruleset *rs, size_t i,
                                                     int audience);
KNEE_API const char *knee_ruleset_criterion_description(const knee_ruleset *rs, size_t j,
                                                        int audience);

/* ---- regions (rules/README.md, "Regions"); since 0.3 ---------------------------------------- */

/* A string fact declared with codes="iso-3166-1" takes ISO 3166-1 alpha-2 country codes (any
 * case) or the ids of the region groups the rule file declares; conditions ask whether the
 * patient's region lies in a code or group. knee_ruleset_fact_type() says KNEE_FACT_STRING. */
/* 1 if fact i is a region fact, else 0. */
KNEE_API int knee_ruleset_fact_is_region(const knee_ruleset *rs, size_t i);
/* The rule file's region groups, in document order: id, label (the id when none is given), and
 * member codes (lower case, sorted). NULL / 0 past the end. */
KNEE_API size_t knee_ruleset_region_group_count(const knee_ruleset *rs);
KNEE_API const char *knee_ruleset_region_group_id(const knee_ruleset *rs, size_t k);
KNEE_API const char *knee_ruleset_region_group_label(const knee_ruleset *rs, size_t k);
KNEE_API size_t knee_ruleset_region_group_member_count(const knee_ruleset *rs, size_t k);
KNEE_API const char *knee_ruleset_region_group_member(const knee_ruleset *rs, size_t k, size_t m);

/* Regional rules in a result, per region fact k (the ruleset's region facts in declaration
 * order): the fact's id; the patient's value, canonical (a lower-case code or a group id), or
 * NULL when not given; and the rules whose condition reads the fact and was true (document
 * order). A count of 0 for a given region says that the rule file has no rule for it: its
 * values and rules apply as written (no other region's rule). */
KNEE_API size_t knee_result_region_count(const knee_result *r);
KNEE_API const char *knee_result_region_fact(const knee_result *r, size_t k);
KNEE_API const char *knee_result_region_value(const knee_result *r, size_t k);
KNEE_API size_t knee_result_regional_rule_count(const knee_result *r, size_t k);
KNEE_API const char *knee_result_regional_rule(const knee_result *r, size_t k, size_t m);

/* ---- many patients with their ranges (docs/scaling.md); since 0.3 ------------------------ */

/* The number of cells knee_compare_batch_ranges() writes per row and option. */
#define KNEE_BATCH_RANGE_FIELDS 6

/*
 * As knee_compare_batch, with each option's score and rank ranges (knee_result_option_score_range,
 * knee_result_option_rank_range) too: cells[] receives count x knee_ruleset_option_count(rs) x
 * KNEE_BATCH_RANGE_FIELDS doubles, row-major, options in rule-file order, each option's fields in
 * this order: rank, score, score low, score high, best rank, worst rank. A field that does not
 * apply is NaN: all six for an excluded option and for a failed row (status[] says why), the
 * four ranges for a method other than the weighted sum. Costs the rank ranges that
 * knee_compare_batch skips. cells may be NULL (statuses only). Thread use: as
 * knee_compare_batch. Since 0.3.
 */
KNEE_API int knee_compare_batch_ranges(const knee_ruleset *rs, const knee_batch *b,
                                       const knee_compare_options *o, size_t first, size_t count,
                                       knee_result *scratch, double *cells, int *status);

/* ---- results cheap to read from other languages (docs/result-contract.md, "The packed
 * result"); since 0.3 ------------------------------------------------------------------------- */

/* The version of the packed layout knee_result_pack() writes (the header's first slot). */
#define KNEE_PACK_VERSION 1

/*
 * The whole of a filled result r in one buffer, so that a binding reads it with one call instead
 * of one call per value: a flat array of 8-byte slots, each an int64_t, a double (NaN: none) or
 * a string as its address (a uint64_t; 0: none). The layout (docs/result-contract.md, "The
 * packed result"): a header (the version, sizes and offsets, method, missing policy, missing
 * facts, regions), one record per option in result order (id, name, rank, score, ranges, ties,
 * metrics, reasons, cautions, rules, dominators), one record per option and criterion (the value,
 * utility, weight, contribution, sources, rules, note, range), the weights and criterion ids,
 * then the lists the records point into (as a count and a slot offset). It holds what the
 * accessors above and knee_result_to_json() give, the analyses (SMAA, sensitivity) apart. Later
 * versions only add slots at the end of the header and of each record, whose sizes the header
 * gives. Strings are not copied: each is borrowed from the ruleset (or static) and is valid
 * while the ruleset lives, whatever happens to r. Slots are in the machine's byte order.
 * *len (not NULL) receives the bytes needed. Returns KNEE_OK when they fit in cap bytes at buf
 * (8-byte aligned); KNEE_ERANGE when cap is too small (buf's contents are then unspecified:
 * call again with *len bytes; buf may be NULL with cap 0 to ask); KNEE_EINVAL for a NULL r or
 * len, a result never filled, or a NULL or unaligned buf with cap > 0. Allocates nothing.
 * Thread use: as knee_result_to_json (r is only read).
 */
KNEE_API int knee_result_pack(const knee_result *r, void *buf, size_t cap, size_t *len);
/* ---- the report for one audience (docs/report.md); since 0.3 -------------------------------- */

/* The page knee_result_to_html() writes: KNEE_AUDIENCE_CLINICIAN (the default) the full page,
 * every option on every criterion with sources and analyses, detail in collapsible sections;
 * KNEE_AUDIENCE_PATIENT a short page in plain words (the rule file's patient texts only): a few
 * options side by side answering the questions patients ask, what is not known, the patient's
 * priorities and how the order changes with them, questions to ask, sources and the statement.
 * KNEE_EINVAL for another value. Since 0.3. */
KNEE_API int knee_report_options_set_audience(knee_report_options *o, int audience);
/* Ask for option id (an option id of the rule file; copied) to be a column of the patient
 * page, besides the top-ranked options; at most KNEE_REPORT_MAX_OPTIONS are asked for (the
 * next is KNEE_ERANGE), an id asked twice counts once, an empty id is KNEE_EINVAL. An id the
 * result's rule file does not have makes knee_result_to_html() fail with KNEE_EUNKNOWN. The
 * clinician page shows every option anyway. Since 0.3. */
#define KNEE_REPORT_MAX_OPTIONS 5
KNEE_API int knee_report_options_add_option(knee_report_options *o, const char *id);

/* ---- natural frequencies (rules/README.md, "Rates"); since 0.3 ------------------------------ */

/* The rate a source gives for option i's value on criterion j (result order, rule-file order):
 * *count in *per (10, 100 or 1000) people, *text saying what happened to them ("people had a
 * serious side effect over 68 weeks", so "about 10 in 100 people had ..."), from the rule
 * file's source *source. Returns 1 when the value has one; 0 when it has none, when a rule
 * changed the value for this patient (the rate was the declared value's), or for a bad r, i or
 * j, the outputs then 0 and NULL. Any pointer may be NULL. The strings belong to the ruleset
 * and live as long as it does. Thread use: as the other knee_result_* readers (r only read).
 * Since 0.3. */
KNEE_API int knee_result_value_rate(const knee_result *r, size_t i, size_t j, int *count, int *per,
                                    const char **text, const char **source);
/* ---- lookups by id; since 0.3 -------------------------------------------------------------- */

/* The index of the fact, option or criterion whose id is `id`: the i that knee_ruleset_fact_id(),
 * knee_ruleset_option_id() or knee_ruleset_criterion_id() names it by (options and criteria also
 * keep these indices in batch output and knee_result_criterion_id). (size_t)-1 when the rule file
 * declares none with that id, or rs or id is NULL. A bisection over ids sorted at load: no
 * allocation, O(log n). Thread-safe on a shared ruleset. */
KNEE_API size_t knee_ruleset_fact_index(const knee_ruleset *rs, const char *id);
KNEE_API size_t knee_ruleset_option_index(const knee_ruleset *rs, const char *id);
KNEE_API size_t knee_ruleset_criterion_index(const knee_ruleset *rs, const char *id);

/* ---- each bad row's own reason; since 0.3 ------------------------------------------------- */

/* Why row `row` of b failed when its cells were set: the reason of its first bad cell (in the
 * order the columns were set), as the patient setter words it for the same value and names the
 * fact ("fact 'age': 130 is above the maximum 120"), without the "row N: " knee_batch_errmsg()
 * puts first. "" for a row whose cells were all good (a comparison failure is not a cell's: see
 * the status knee_compare_batch writes), for a row out of range, and for a NULL b. Unlike
 * knee_batch_errmsg(), which names only the first bad cell of the last call, every failed row
 * keeps its own. A column call that fails as a whole (KNEE_BATCH_FAIL_COLUMN) leaves no row
 * messages. Borrowed from b: valid until the next column call on b or knee_batch_free(); the
 * same thread use as knee_batch_row_status (safe beside knee_compare_batch on b). Since 0.3. */
KNEE_API const char *knee_batch_row_errmsg(const knee_batch *b, size_t row);

/* ---- a patient's weights for a whole batch; since 0.3 -------------------------------------- */

/* Give every row of b the weights of p: those set with knee_patient_set_weight, _set_swing or
 * _rank_criteria, each criterion p leaves unset keeping the rule file's weight; weights set on b
 * before are replaced (p's facts are not read). For a caller that takes weights the patient's
 * ways (a ranking has no batch setter) and scores many patients with them. KNEE_OK, or
 * KNEE_EINVAL for a NULL b or p or a patient of another ruleset (b unchanged). Thread use: as
 * knee_batch_set_weight; p is only read. Since 0.3. */
KNEE_API int knee_batch_copy_weights(knee_batch *b, const knee_patient *p);

/* ---- the order ties are listed in; since 0.3 ------------------------------------------------ */

/* Option i's place (0 first) in the order a result lists options of equal rank: by name, then
 * id, as knee_result_option_id() and the JSON and reports list a tie. For a caller that keeps
 * ranks without results (knee_compare_batch) and lists a row's options as a result would, so the
 * rule lives here only. (size_t)-1 for a NULL rs or an i out of range. Thread-safe on a shared
 * ruleset. Since 0.3. */
KNEE_API size_t knee_ruleset_option_tie_order(const knee_ruleset *rs, size_t i);

#ifdef __cplusplus
}
#endif

#endif /* KNEE_H */
