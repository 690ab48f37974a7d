/* ruleset.c - loading a rule file (bytes -> XML tree -> checked, immutable ruleset) and the
 * public read-only accessors. */
#include <string.h>

#include "util/alloc.h"
#include "base/digest.h"
#include "base/embedded.h"
#include "base/file_input.h"
#include "rules/model.h"
#include "base/options.h"
#include "base/xml_input.h"

#define DEFAULT_NAME "knee-oa.xml (built in)"

static int load(knee_ruleset **out, const void *buf, size_t len, const char *name,
                const knee_options *opts, knee_diag *d)
{
    knee__xdoc *doc = NULL;
    knee__xml_limits lim;
    knee_ruleset *rs = NULL;
    int rc, xrc;

    if ((uint64_t)len > (uint64_t)knee__limit(opts, KNEE_LIMIT_INPUT_BYTES)) {
        knee__diag_add(d, KNEE_SEVERITY_ERROR, KNEE_ELIMIT, "limit-size", name, (knee__pos){0, 0},
                       NULL, "%zu bytes, over the input limit (KNEE_LIMIT_INPUT_BYTES) of %lld",
                       len, (long long)knee__limit(opts, KNEE_LIMIT_INPUT_BYTES));
        return KNEE_ELIMIT;
    }
    lim.max_depth = (size_t)knee__limit(opts, KNEE_LIMIT_XML_DEPTH);
    lim.max_elements = (size_t)knee__limit(opts, KNEE_LIMIT_ELEMENTS);
    xrc = knee__xml_read(&doc, buf, len, name, knee__xsd_rules, knee__xsd_rules_len, &lim, d);
    if (!doc)
        return xrc;
    /* Semantic checks run on a schema-invalid tree too, so the author sees every problem. */
    rc = knee__ruleset_build(&rs, doc, opts, d);
    knee__xdoc_free(doc);
    if (rc == KNEE_OK && xrc != KNEE_OK) {
        knee__ruleset_destroy(rs);
        return xrc;
    }
    if (rc != KNEE_OK)
        return xrc == KNEE_ENOMEM ? xrc : rc;
    rs->name = knee__arena_strdup(&rs->arena, name);
    if (!rs->name) {
        knee__ruleset_destroy(rs);
        return KNEE_ENOMEM;
    }
    knee__sha256_hex(buf, len, rs->sha256);
    *out = rs;
    return KNEE_OK;
}

/* Hand diagnostics to the caller, or drop them. */
static int finish(int rc, knee_diag *d, knee_diag **diag)
{
    if (diag)
        *diag = d;
    else
        knee_diag_free(d);
    return rc;
}

int knee_ruleset_load_memory(knee_ruleset **out, const void *buf, size_t len, const char *name,
                             const knee_options *opts, knee_diag **diag)
{
    knee_diag *d = NULL;
    int rc;
    if (diag)
        *diag = NULL;
    if (!out)
        return KNEE_EINVAL;
    *out = NULL;
    if (!buf && len)
        return KNEE_EINVAL;
    if (knee__diag_new(&d) != KNEE_OK)
        return KNEE_ENOMEM;
    rc = load(out, buf ? buf : "", len, name ? name : "<memory>", opts, d);
    return finish(rc, d, diag);
}

int knee_ruleset_load_file(knee_ruleset **out, const char *path, const knee_options *opts,
                           knee_diag **diag)
{
    knee_diag *d = NULL;
    char *buf = NULL, err[512];
    size_t len = 0;
    int rc;
    if (diag)
        *diag = NULL;
    if (!out)
        return KNEE_EINVAL;
    *out = NULL;
    if (!path)
        return KNEE_EINVAL;
    if (knee__diag_new(&d) != KNEE_OK)
        return KNEE_ENOMEM;
    rc = knee__file_read(path, (size_t)knee__limit(opts, KNEE_LIMIT_INPUT_BYTES), &buf, &len, err,
                         sizeof err);
    if (rc == KNEE_OK)
        rc = load(out, buf, len, path, opts, d);
    else if (rc != KNEE_ENOMEM)
        knee__diag_add(d, KNEE_SEVERITY_ERROR, rc, rc == KNEE_ELIMIT ? "limit-size" : "io", path,
                       (knee__pos){0, 0}, NULL, "%s", err);
    knee__dealloc(buf);
    return finish(rc, d, diag);
}

int knee_ruleset_load_default(knee_ruleset **out, knee_diag **diag)
{
    return knee_ruleset_load_memory(out, knee__default_rules, knee__default_rules_len, DEFAULT_NAME,
                                    NULL, diag);
}

void knee_ruleset_free(knee_ruleset *rs)
{
    knee__ruleset_destroy(rs);
}

/* ---- accessors ------------------------------------------------------------------------------ */

#define RS_STR(fn, field)                                                                          \
    const char *fn(const knee_ruleset *rs)                                                         \
    {                                                                                              \
        return rs ? rs->field : NULL;                                                              \
    }
RS_STR(knee_ruleset_id, id)
RS_STR(knee_ruleset_version, version)
RS_STR(knee_ruleset_title, title)
RS_STR(knee_ruleset_status, status)
RS_STR(knee_ruleset_evidence_as_of, evidence_as_of)
RS_STR(knee_ruleset_name, name)

const char *knee_ruleset_sha256(const knee_ruleset *rs)
{
    return rs ? rs->sha256 : NULL;
}

size_t knee_ruleset_option_count(const knee_ruleset *rs)
{
    return rs ? rs->n_options : 0;
}
size_t knee_ruleset_criterion_count(const knee_ruleset *rs)
{
    return rs ? rs->n_criteria : 0;
}
size_t knee_ruleset_fact_count(const knee_ruleset *rs)
{
    return rs ? rs->n_facts : 0;
}
size_t knee_ruleset_source_count(const knee_ruleset *rs)
{
    return rs ? rs->n_sources : 0;
}

static const knee__option *opt_at(const knee_ruleset *rs, size_t i)
{
    return rs && i < rs->n_options ? &rs->options[i] : NULL;
}
static const knee__criterion *crit_at(const knee_ruleset *rs, size_t i)
{
    return rs && i < rs->n_criteria ? &rs->criteria[i] : NULL;
}
static const knee__fact *fact_at(const knee_ruleset *rs, size_t i)
{
    return rs && i < rs->n_facts ? &rs->facts[i] : NULL;
}
static const knee__source *src_at(const knee_ruleset *rs, size_t i)
{
    return rs && i < rs->n_sources ? &rs->sources[i] : NULL;
}

const char *knee_ruleset_option_id(const knee_ruleset *rs, size_t i)
{
    return opt_at(rs, i) ? opt_at(rs, i)->id : NULL;
}
const char *knee_ruleset_option_name(const knee_ruleset *rs, size_t i)
{
    return opt_at(rs, i) ? opt_at(rs, i)->name : NULL;
}
size_t knee_ruleset_option_tie_order(const knee_ruleset *rs, size_t i)
{
    return opt_at(rs, i) ? rs->listed[i] : KNEE__NONE;
}

const char *knee_ruleset_criterion_id(const knee_ruleset *rs, size_t i)
{
    return crit_at(rs, i) ? crit_at(rs, i)->id : NULL;
}
const char *knee_ruleset_criterion_label(const knee_ruleset *rs, size_t i)
{
    return crit_at(rs, i) ? crit_at(rs, i)->label : NULL;
}
const char *knee_ruleset_criterion_unit(const knee_ruleset *rs, size_t i)
{
    return crit_at(rs, i) ? crit_at(rs, i)->unit : NULL;
}
int knee_ruleset_criterion_direction(const knee_ruleset *rs, size_t i)
{
    return crit_at(rs, i) ? crit_at(rs, i)->direction : 0;
}
double knee_ruleset_criterion_weight(const knee_ruleset *rs, size_t i)
{
    return crit_at(rs, i) ? crit_at(rs, i)->weight : 0;
}
size_t knee_ruleset_criterion_level_count(const knee_ruleset *rs, size_t i)
{
    return crit_at(rs, i) ? crit_at(rs, i)->n_levels : 0;
}

const char *knee_ruleset_criterion_level(const knee_ruleset *rs, size_t i, size_t k)
{
    const knee__criterion *c = crit_at(rs, i);
    return c && k < c->n_levels ? c->levels[k].id : NULL;
}

const char *knee_ruleset_criterion_level_label(const knee_ruleset *rs, size_t i, size_t k)
{
    const knee__criterion *c = crit_at(rs, i);
    return c && k < c->n_levels ? c->levels[k].label : NULL;
}

int knee_ruleset_criterion_scale(const knee_ruleset *rs, size_t i, double *worst, double *best)
{
    const knee__criterion *c = crit_at(rs, i);
    if (!c || c->n_levels)
        return 0;
    if (worst)
        *worst = c->worst;
    if (best)
        *best = c->best;
    return 1;
}

int knee_ruleset_criterion_missing_utility(const knee_ruleset *rs, size_t i, double *utility)
{
    const knee__criterion *c = crit_at(rs, i);
    if (!c || c->missing != KNEE__MISSING_UTILITY)
        return 0;
    if (utility)
        *utility = c->missing_utility;
    return 1;
}

size_t knee_ruleset_rule_count(const knee_ruleset *rs)
{
    return rs ? rs->n_rules : 0;
}

const char *knee_ruleset_fact_id(const knee_ruleset *rs, size_t i)
{
    return fact_at(rs, i) ? fact_at(rs, i)->id : NULL;
}
int knee_ruleset_fact_type(const knee_ruleset *rs, size_t i)
{
    return fact_at(rs, i) ? fact_at(rs, i)->type : 0;
}
const char *knee_ruleset_fact_label(const knee_ruleset *rs, size_t i)
{
    return fact_at(rs, i) ? fact_at(rs, i)->label : NULL;
}
const char *knee_ruleset_fact_unit(const knee_ruleset *rs, size_t i)
{
    return fact_at(rs, i) ? fact_at(rs, i)->unit : NULL;
}

int knee_ruleset_fact_min(const knee_ruleset *rs, size_t i, double *min)
{
    const knee__fact *f = fact_at(rs, i);
    if (!f || !f->has_min)
        return 0;
    if (min)
        *min = f->min;
    return 1;
}

int knee_ruleset_fact_max(const knee_ruleset *rs, size_t i, double *max)
{
    const knee__fact *f = fact_at(rs, i);
    if (!f || !f->has_max)
        return 0;
    if (max)
        *max = f->max;
    return 1;
}

size_t knee_ruleset_fact_value_count(const knee_ruleset *rs, size_t i)
{
    return fact_at(rs, i) ? fact_at(rs, i)->n_allowed : 0;
}

const char *knee_ruleset_fact_value(const knee_ruleset *rs, size_t i, size_t k)
{
    const knee__fact *f = fact_at(rs, i);
    return f && k < f->n_allowed ? f->allowed[k] : NULL;
}

const char *knee_ruleset_source_id(const knee_ruleset *rs, size_t i)
{
    return src_at(rs, i) ? src_at(rs, i)->id : NULL;
}
const char *knee_ruleset_source_title(const knee_ruleset *rs, size_t i)
{
    return src_at(rs, i) ? src_at(rs, i)->title : NULL;
}
const char *knee_ruleset_source_url(const knee_ruleset *rs, size_t i)
{
    return src_at(rs, i) ? src_at(rs, i)->url : NULL;
}
int knee_ruleset_source_year(const knee_ruleset *rs, size_t i)
{
    return src_at(rs, i) ? src_at(rs, i)->year : 0;
}

/* ---- texts for two audiences ----------------------------------------------------------------- */

const char *knee_ruleset_description(const knee_ruleset *rs, int audience)
{
    return rs ? knee__for_audience(rs->description, rs->description_patient, audience) : NULL;
}

const char *knee_ruleset_option_description(const knee_ruleset *rs, size_t i, int audience)
{
    const knee__option *t = opt_at(rs, i);
    return t ? knee__for_audience(t->description, t->description_patient, audience) : NULL;
}

const char *knee_ruleset_criterion_description(const knee_ruleset *rs, size_t j, int audience)
{
    const knee__criterion *c = crit_at(rs, j);
    return c ? knee__for_audience(c->description, c->description_patient, audience) : NULL;
}

/* ---- regions ------------------------------------------------------------------------------- */

int knee_ruleset_fact_is_region(const knee_ruleset *rs, size_t i)
{
    return fact_at(rs, i) ? fact_at(rs, i)->region : 0;
}
size_t knee_ruleset_region_group_count(const knee_ruleset *rs)
{
    return rs ? rs->regions.n : 0;
}

static const knee__region_group *group_at(const knee_ruleset *rs, size_t k)
{
    return rs && k < rs->regions.n ? &rs->regions.groups[k] : NULL;
}

const char *knee_ruleset_region_group_id(const knee_ruleset *rs, size_t k)
{
    return group_at(rs, k) ? group_at(rs, k)->id : NULL;
}
const char *knee_ruleset_region_group_label(const knee_ruleset *rs, size_t k)
{
    return group_at(rs, k) ? group_at(rs, k)->label : NULL;
}

size_t knee_ruleset_region_group_member_count(const knee_ruleset *rs, size_t k)
{
    size_t n = 0;
    while (knee_ruleset_region_group_member(rs, k, n))
        n++;
    return n;
}

const char *knee_ruleset_region_group_member(const knee_ruleset *rs, size_t k, size_t m)
{
    const knee__region_group *g = group_at(rs, k);
    return g ? knee__region_member(&g->set, m) : NULL;
}
