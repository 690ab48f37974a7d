/* fhir.h - FHIR R4 input: the rule file's <fhir> mapping (fhir_rules.c), one small resource
 * model that both encodings are read into (fhir_json.c: jansson; fhir_xml.c: the hardened
 * libxml2 reader), and the mapper that turns resources into facts (fhir_map.c).
 * See docs/fhir.md. */
#ifndef KNEE_FHIR_H
#define KNEE_FHIR_H

#include <stddef.h>

#include "util/arena.h"
#include "base/diag.h"
#include "knee.h"

/* ---- the mapping, as loaded from the rule file (lives in the ruleset's arena) -------------- */

enum {
    KNEE__FM_BIRTH_DATE,   /* Patient.birthDate -> age in whole years at the as-of date */
    KNEE__FM_GENDER,       /* Patient.gender -> string fact (an allowed value, else skipped) */
    KNEE__FM_CONDITION,    /* Condition.code -> boolean true, or a set member */
    KNEE__FM_OBSERVATION,  /* Observation.code -> number (latest valid), unit checked */
    KNEE__FM_HISTORY,      /* Procedure / MedicationStatement / MedicationRequest code within a window -> set member */
    KNEE__FM_COVERAGE      /* Coverage payor/type/class -> payer string (and plan) */
};

#define KNEE__FR_PROCEDURE 1u
#define KNEE__FR_MED_STATEMENT 2u
#define KNEE__FR_MED_REQUEST 4u
#define KNEE__FR_MED_ADMIN 8u

typedef struct knee__fhir_code {
    const char *system, *code;   /* code is a prefix when prefix != 0 */
    int prefix;
} knee__fhir_code;

typedef struct knee__fhir_payer {
    const char *text, *value;    /* text matched case-insensitively */
} knee__fhir_payer;

typedef struct knee__fhir_rule {
    int kind;                    /* KNEE__FM_* */
    size_t fact;                 /* fact index */
    size_t plan_fact;            /* coverage: KNEE__NONE or a string fact for the plan */
    const char *member;          /* set facts: the member added */
    const char *unit;            /* observation: the UCUM unit the fact is in (NULL: dimensionless) */
    long within_days;            /* history/condition: 0 = any time before as-of */
    unsigned resources;          /* history: KNEE__FR_* */
    int other_verbatim;          /* coverage: an unmapped payer text is used as written */
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

/* The one UCUM conversion table (fhir_rules.c), shared by the load check of unit= and the
 * mapper. knee__fhir_unit_known: 1 when some observation unit converts to `to`.
 * knee__fhir_unit_convert: *v from `from` into `to`; 0, or -1 (no conversion, *v unchanged). */
int knee__fhir_unit_known(const char *to);
int knee__fhir_unit_convert(const char *from, const char *to, double *v);

/* ---- the resource model --------------------------------------------------------------------- */

/* One element. A JSON object property or XML element becomes a node named after it; a JSON
 * array becomes one node per item (as XML repeats the element); a primitive's value is `value`
 * (JSON numbers and booleans as their text, XML value="" attributes). A resource is a node
 * named after its type inside the node that holds it (resource, contained, the root), as in
 * XML; JSON "resourceType" is turned into that shape. */
typedef struct knee__fnode {
    const char *name;
    const char *value;           /* NULL for a complex element */
    struct knee__fnode *kids;
    size_t n_kids;
    int is_null;                 /* a JSON null (prefetch: the query ran and found nothing) */
    int is_json_string;          /* the value was a JSON string (FHIR JSON writes numbers bare) */
} knee__fnode;

typedef struct knee__fdoc {
    knee__arena arena;
    knee__fnode *root;           /* a resource (named by type), or a "#prefetch" object whose
                                    kids are the prefetch keys */
    knee__fnode *context;        /* a CDS Hooks request's context object, or NULL */
} knee__fdoc;

typedef struct knee__flimits {
    size_t max_depth, max_elements;
} knee__flimits;

/* Parse FHIR JSON (fhir_json.c) or FHIR XML (fhir_xml.c). Problems go to diag. Return KNEE_OK
 * with *out set, or KNEE_EPARSE / KNEE_EINVALID / KNEE_ELIMIT / KNEE_ENOMEM with *out NULL. */
int knee__fhir_parse_json(knee__fdoc **out, const void *buf, size_t len, const char *file,
                          const knee__flimits *lim, knee_diag *diag);
int knee__fhir_parse_xml(knee__fdoc **out, const void *buf, size_t len, const char *file,
                         const knee__flimits *lim, knee_diag *diag);
void knee__fdoc_free(knee__fdoc *d);

/* Tree helpers. */
const knee__fnode *knee__fkid(const knee__fnode *n, const char *name);
const char *knee__fval(const knee__fnode *n, const char *name);

#endif
