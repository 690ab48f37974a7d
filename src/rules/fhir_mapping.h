/* fhir_mapping.h - the rule file's <fhir> section as loaded (fhir_mapping.c): which FHIR data
 * gives which fact, and the one UCUM conversion table. The mapper is fhir/map.c (steps.c: one step
 * per kind). */
#ifndef KNEE_FHIR_MAPPING_H
#define KNEE_FHIR_MAPPING_H

#include <stddef.h>

#include "base/diag.h"
#include "knee.h"

/* ---- the mapping, as loaded from the rule file (lives in the ruleset's arena) -------------- */

/* The mapping kinds, one per element of <fhir>. Each is described once, in knee__fhir_kinds
 * (fhir_mapping.c); the mapper (fhir/steps.c) has one mapping step per kind, checked at compile
 * time against KNEE__FM_COUNT, and refuses any other value. */
enum {
    KNEE__FM_BIRTH_DATE,  /* Patient.birthDate -> age in whole years at the as-of date */
    KNEE__FM_GENDER,      /* Patient.gender -> string fact (an allowed value, else skipped) */
    KNEE__FM_CONDITION,   /* Condition.code -> boolean true, or a set member */
    KNEE__FM_OBSERVATION, /* Observation.code -> number (latest valid), unit checked */
    KNEE__FM_HISTORY, /* Procedure / MedicationStatement / MedicationRequest code within a window ->
                         set member */
    KNEE__FM_COVERAGE, /* Coverage payor/type/class -> payer string (and plan) */
    KNEE__FM_COUNT
};

/* Where a CDS Hooks prefetch finds a kind's data (fhir/prefetch.c). */
enum {
    KNEE__FK_PATIENT, /* the Patient resource itself */
    KNEE__FK_SEARCH,  /* a search by resource type and code (prefetch.c's keys) */
    KNEE__FK_COVERAGE /* Coverage, and claims that contain one */
};

typedef struct knee__fhir_kind {
    const char *element; /* its element in <fhir> */
    unsigned fact_types; /* 1u << KNEE_FACT_*: the facts it can fill */
    const char *needs;   /* the same in words, for the load error */
    int member;          /* 1: a set fact needs member=, any other fact must have none */
    int codes;           /* 1: lists at least one <code> */
    int unit;            /* 1: unit= is checked against the conversion table */
    int prefetch;        /* KNEE__FK_* */
} knee__fhir_kind;

/* Indexed by KNEE__FM_*. */
extern const knee__fhir_kind knee__fhir_kinds[KNEE__FM_COUNT];

#define KNEE__FR_PROCEDURE 1u
#define KNEE__FR_MED_STATEMENT 2u
#define KNEE__FR_MED_REQUEST 4u
#define KNEE__FR_MED_ADMIN 8u

typedef struct knee__fhir_code {
    const char *system, *code; /* code is a prefix when prefix != 0 */
    int prefix;
} knee__fhir_code;

typedef struct knee__fhir_payer {
    const char *text, *value; /* text matched case-insensitively */
} knee__fhir_payer;

typedef struct knee__fhir_rule {
    int kind;           /* KNEE__FM_* */
    size_t fact;        /* fact index */
    size_t plan_fact;   /* coverage: KNEE__NONE or a string fact for the plan */
    const char *member; /* set facts: the member added */
    const char *unit;   /* observation: the UCUM unit the fact is in (NULL: dimensionless) */
    long within_days;   /* history/condition: 0 = any time before as-of */
    unsigned resources; /* history: KNEE__FR_* */
    int other_verbatim; /* coverage: an unmapped payer text is used as written */
    knee__fhir_code *codes;
    size_t n_codes;
    knee__fhir_payer *payers;
    size_t n_payers;
    const char **sources;
    size_t n_sources;
    knee__pos pos;
} knee__fhir_rule;

typedef struct knee__fhir_map {
    knee__fhir_rule *rules;
    size_t n_rules;
} knee__fhir_map;

struct knee__xnode;
/* Build rs->fhir from the <fhir> section; problems go to diag. Returns KNEE_OK, KNEE_EINVALID
 * or KNEE_ENOMEM. */
int knee__fhir_rules_build(knee_ruleset *rs, const struct knee__xnode *sec, const char *file,
                           knee_diag *diag);

/* The one UCUM conversion table (fhir_mapping.c), shared by the load check of unit= and the
 * mapper. knee__fhir_unit_convert: *v from `from` into `to`; 0, or -1 (no conversion, *v
 * unchanged). */
int knee__fhir_unit_convert(const char *from, const char *to, double *v);

#endif
