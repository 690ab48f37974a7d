/* model.h - the loaded, immutable ruleset. Built once by rules/build.c, never changed after,
 * so any number of threads may read it. All strings and arrays live in its arena. */
#ifndef KNEE_MODEL_H
#define KNEE_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "base/diag.h"
#include "rules/expr.h"
#include "knee.h"
#include "rules/region.h"

#define KNEE__NONE ((size_t)-1)

typedef struct knee__idlist { /* source ids, borrowed from the ruleset's sources */
    const char **v;
    size_t n;
} knee__idlist;

/* A section's ids in sorted order, for lookups by id in O(log n) (rules/build.c): rule files
 * may hold hundreds of thousands of ids, and a scan per lookup made loading quadratic. Equal ids
 * keep their record order, so the first record with an id is the one found. */
typedef struct knee__id_entry {
    const char *id;
    size_t at; /* the record's index in its array */
} knee__id_entry;

typedef struct knee__id_index {
    knee__id_entry *v;
    size_t n;
} knee__id_index;

typedef struct knee__source {
    const char *id, *title, *url, *publisher, *tier, *note;
    int year;
    knee__pos pos;
} knee__source;

typedef struct knee__fact {
    const char *id, *label, *unit;
    int type; /* KNEE_FACT_* */
    int has_min, has_max;
    double min, max;
    const char **allowed; /* string/set facts: permitted values (none = any) */
    size_t n_allowed;
    int region; /* values are region codes (codes="iso-3166-1", region.h) */
    knee__id_index allowed_index;
} knee__fact;

typedef struct knee__level {
    const char *id, *label;
    double utility;
} knee__level;

typedef struct knee__point {
    double value, utility;
} knee__point;

/* How an unknown value is scored (rules/README.md, "Unknown values"): over its range, with its
 * utility at the middle (interval); left out, the option's other weights rescaled (renormalise);
 * at a fixed utility (worst 0, best 1, neutral 1/2, or a declared missing-utility); or the
 * option is excluded (refuse). */
enum {
    KNEE__MISSING_RENORMALISE,
    KNEE__MISSING_UTILITY,
    KNEE__MISSING_REFUSE,
    KNEE__MISSING_INTERVAL
};

/* Texts for readers may be given twice (rules/README.md, "Texts for patients and clinicians"):
 * each `x` below holds the clinician's text, or the only one, and `x_patient` the patient's (the
 * same pointer when one text serves both). */
static inline const char *knee__for_audience(const char *clinician, const char *patient,
                                             int audience)
{
    return audience == KNEE_AUDIENCE_PATIENT     ? patient
           : audience == KNEE_AUDIENCE_CLINICIAN ? clinician
                                                 : NULL;
}

typedef struct knee__criterion {
    const char *id, *label, *unit, *description, *description_patient;
    int direction;            /* KNEE_DIRECTION_* */
    double weight;            /* default, not normalised */
    int missing;              /* KNEE__MISSING_*: how an unknown value is scored (its own
                               * missing= or missing-utility=, else the ruleset's missing=) */
    const char *missing_name; /* "interval", "renormalise", "worst", "best", "neutral",
                               * "utility" or "refuse" */
    double
        missing_utility; /* KNEE__MISSING_UTILITY: worst 0, best 1, neutral 1/2, or as declared */
    const char *refuse_reason; /* the exclusion reason shown when the refuse policy applies */
    int pref_type;             /* PROMETHEE II preference function (mcda.h KNEE__PREF_*) */
    double pref_q, pref_p, pref_s;
    knee__level *levels; /* ordinal when n_levels > 0 */
    size_t n_levels;
    knee__id_index level_index;
    double worst, best;  /* numeric scale */
    knee__point *points; /* optional piecewise-linear points, worst to best */
    size_t n_points;
} knee__criterion;

/* A natural frequency a source gives for a declared value (rules/README.md, "Rates"): `count` in
 * `per` (10, 100 or 1000) `text` ("people had a serious side effect"), from one source. */
typedef struct knee__rate {
    int per, count;
    const char *text, *source;
} knee__rate;

/* A criterion value: declared in the file, or as changed by rules during evaluation. */
typedef struct knee__value {
    int known;
    int bounded;       /* unknown with plausible bounds: low..high (numeric) or the levels
                        * level..level_high (ordinal); without, the whole scale */
    size_t level;      /* ordinal: level index (a bounded unknown: its low level);
                        * KNEE__NONE for numeric */
    size_t level_high; /* a bounded unknown ordinal value: its high level */
    double low, typical, high;
    knee__idlist sources;
    int year; /* year of a cost figure, 0 when not given */
    const char *note, *note_patient;
    const knee__rate *rate; /* NULL: none; a value a rule changed has none */
    knee__pos pos;
} knee__value;

enum { KNEE__ACT_EXCLUDE, KNEE__ACT_CAUTION, KNEE__ACT_SET, KNEE__ACT_ADJUST };

typedef struct knee__action { /* what a comparison reads first comes first: one cache line */
    int kind;
    size_t option;        /* option index it acts on */
    const char *text;     /* exclude reason / caution text (the clinician's) */
    knee__idlist sources; /* its own, or the rule's */
    size_t criterion;     /* set / adjust */
    double by;            /* adjust */
    knee__value value;    /* set: the new value (known) */
    knee__pos pos;
    const char *patient_text; /* exclude reason / caution text for the patient */
} knee__action;

typedef struct knee__rule { /* what a fired rule reads first comes first */
    const char *id;
    knee__action *actions;
    size_t n_actions;
    const char *when, *note;
    knee__expr *cond;      /* NULL: always true; shared by rules with the same `when` */
    size_t cond_index;     /* index into the ruleset's distinct conditions, or KNEE__NONE */
    size_t owner;          /* option index, or KNEE__NONE for a top-level rule */
    knee__idlist sources;  /* the rule's own source attribute */
    const char *overrides; /* space-separated ids of rules it deliberately overrides */
    knee__pos pos;
} knee__rule;

/* The step table, built at load (rules/steps.c): for each option, the rules that
 * act on it in evaluation order, each with its actions on that option, holding what a
 * comparison copies out of them. A comparison walks one option's steps and ops front to back,
 * both contiguous for all options, and reads a rule's or an action's own record only for a
 * value change or a rule whose outcome is unknown (evaluate.c). */
#define KNEE__ALWAYS UINT32_MAX /* step.cond of a rule without a condition */

typedef struct knee__op { /* an action of a rule on the step's option */
    const char *text;     /* exclude reason / caution text */
    const char *source;   /* its first source, or NULL */
    const knee__action *action;
    double by;          /* adjust */
    int kind;           /* KNEE__ACT_* */
    uint32_t criterion; /* set / adjust */
} knee__op;

typedef struct knee__step { /* a rule acting on an option */
    uint32_t cond;          /* index into the ruleset's distinct conditions, or KNEE__ALWAYS */
    uint32_t rule;          /* index into rs->rules */
    uint32_t op_off, op_n;  /* its ops, in rs->ops */
    const char *id;         /* the rule's id */
} knee__step;

typedef struct knee__option {
    const char *id, *name, *group, *description, *description_patient;
    knee__value *values;          /* one per criterion, in criterion order */
    double *utility;              /* per criterion: the declared value's utility (scored at load) */
    const double *u_low, *u_high; /* per criterion: the utility range it is scored over (a
                                   * known value, or an unknown at a fixed utility: both equal
                                   * utility; with every value known, both are utility itself) */
    unsigned char *counted; /* per criterion: 1 if the declared value takes part in the score */
    int all_counted;        /* every declared value takes part */
    int all_known;          /* no declared value is unknown */
    int ranged;             /* some counted value is scored over a range (u_low < u_high) */
    const double *span_low, *span_high; /* per criterion: the utilities the value may take,
                                         * whatever the policy (knee__natural_range); u_low/u_high
                                         * when they are the same, as under interval (dominance) */
    const knee__step *steps; /* rules acting on it, in evaluation order (rules/README.md) */
    size_t n_steps;
    knee__pos pos;
} knee__option;

typedef struct knee__conflict { /* where sources disagree, and the stance the file takes */
    const char *id, *topic, *stance, *text;
    knee__idlist sources;
} knee__conflict;

typedef struct knee__expect {
    size_t option;
    int rank, rank_at_most;                /* 0: not asserted */
    size_t above;                          /* ranked above this option; KNEE__NONE: not asserted */
    int rank_range_best, rank_range_worst; /* 0: not asserted */
    int excluded;                          /* -1: not asserted */
    const char *fired, *not_fired, *caution;
    size_t criterion; /* KNEE__NONE: not asserted */
    const char *level;
    int has_value;
    double value;
} knee__expect;

typedef struct knee__case_fact {
    const char *id, *text;
} knee__case_fact;

typedef struct knee__case_weight {
    const char *criterion;
    double weight;
} knee__case_weight;

typedef struct knee__case {
    const char *id, *description;
    knee__case_fact *facts;
    size_t n_facts;
    knee__case_weight *weights;
    size_t n_weights;
    knee__expect *expects;
    size_t n_expects;
} knee__case;

/* A text given as <patient>, for the readability lint (lint.c), in document order. */
typedef struct knee__patient_text {
    const char *text, *element; /* element: the id of what it describes, for the message */
    knee__pos pos;
    struct knee__patient_text *next;
} knee__patient_text;

struct knee_ruleset {
    knee__arena arena;
    const char *name; /* file name given at load */
    const char *id, *version, *status, *title, *evidence_as_of, *publisher, *description;
    const char *description_patient;
    knee__patient_text *patient_texts;
    int method;  /* default KNEE_METHOD_* */
    int missing; /* default missing policy, KNEE_MISSING_* (interval unless said) */
    char sha256[65];

    knee__source *sources;
    size_t n_sources;
    knee__fact *facts;
    size_t n_facts;
    knee__regions regions; /* the <region-groups> (region.h) */
    size_t *region_facts;  /* indices of the region facts, in declaration order */
    size_t n_region_facts;
    knee__criterion *criteria;
    size_t n_criteria;
    int has_refuse; /* a criterion has missing="refuse" */
    knee__option *options;
    size_t n_options;
    size_t *listed;    /* per option: its place by name, then id, the listing order
                        * of a tie (rules/build.c) */
    knee__rule *rules; /* every rule, in document order */
    size_t n_rules;
    knee__step *steps;  /* every option's steps, option after option */
    knee__op *ops;      /* their ops, in step order */
    knee__expr **conds; /* distinct compiled conditions (owned here) */
    size_t n_conds;
    knee__case *cases;
    size_t n_cases;
    knee__conflict *conflicts;
    size_t n_conflicts;
    knee__id_index source_index, fact_index, criterion_index, option_index, rule_index;

    struct knee__fhir_map
        *fhir; /* the <fhir> mapping (fhir_mapping.h), or NULL when the file has none */

    size_t max_string_bytes; /* for patient string facts */
    uint32_t regex_match_limit, regex_depth_limit, regex_heap_kib;
    uint32_t regex_budget; /* pattern matches per comparison (KNEE_LIMIT_REGEX_BUDGET) */
};

/* Lookups by id (lookup.c); KNEE__NONE when absent. */
size_t knee__find_fact(const knee_ruleset *rs, const char *id);
size_t knee__find_rule(const knee_ruleset *rs, const char *id);
/* The fact named by the len bytes at name (a condition's text is not NUL-terminated there). */
size_t knee__find_fact_n(const knee_ruleset *rs, const char *name, size_t len);
size_t knee__find_criterion(const knee_ruleset *rs, const char *id);
size_t knee__find_option(const knee_ruleset *rs, const char *id);
/* The source whose id is the len bytes at id. */
size_t knee__find_source(const knee_ruleset *rs, const char *id, size_t len);
size_t knee__find_level(const knee__criterion *c, const char *id);
/* The index of len bytes at s among f's allowed values, or KNEE__NONE. */
size_t knee__find_allowed(const knee__fact *f, const char *s, size_t len);

/* Build a ruleset from a validated tree (rules/build.c). Every semantic problem goes to diag.
 * Returns KNEE_OK, KNEE_EINVALID, KNEE_ELIMIT or KNEE_ENOMEM; on failure *out is NULL. */
struct knee__xdoc;
int knee__ruleset_build(knee_ruleset **out, const struct knee__xdoc *doc, const knee_options *opts,
                        knee_diag *diag);

/* Lay out each option's steps and ops (rules/steps.c) once the rules are built, in the
 * ruleset's arena. KNEE_OK or KNEE_ENOMEM. */
int knee__ruleset_link_steps(knee_ruleset *rs);

/* Rules with the same `when` text share one compiled condition, compiled once and evaluated
 * once per patient (rules/conds.c). While rules are built, the table finds the condition
 * compiled for a text; rs->conds owns every distinct condition, in order of first use. */
typedef struct knee__cond_table {
    size_t *slot;      /* hash slots: condition index + 1, 0 when empty */
    const char **text; /* per condition: its text (borrowed from the XML tree) */
    size_t mask;
} knee__cond_table;
/* Room for n_rules conditions (rs->conds in the arena); KNEE_OK or KNEE_ENOMEM. */
int knee__conds_begin(knee__cond_table *t, knee_ruleset *rs, size_t n_rules);
/* The index in rs->conds of the condition compiled for text, or KNEE__NONE. */
size_t knee__conds_find(const knee__cond_table *t, const char *text);
/* Hand cond (compiled from text) to the ruleset; returns its index. Cannot fail: one slot per
 * rule was reserved. */
size_t knee__conds_add(knee__cond_table *t, knee_ruleset *rs, const char *text, knee__expr *cond);
void knee__conds_end(knee__cond_table *t);

/* Free a ruleset built by knee__ruleset_build (its compiled conditions and arena). */
void knee__ruleset_destroy(knee_ruleset *rs);

#endif
