/* compare_options.c - the method and analyses a comparison is asked for. */
#include <math.h>
#include <string.h>

#include "util/alloc.h"
#include "base/names.h"
#include "engine/result.h"

int knee_compare_options_set_missing(knee_compare_options *o, int policy)
{
    if (!o || policy < KNEE_MISSING_DEFAULT || policy >= KNEE__N_MISSING)
        return KNEE_EINVAL;
    o->missing = policy;
    return KNEE_OK;
}

void knee__compare_options_init(knee_compare_options *o)
{
    memset(o, 0, sizeof *o);
    o->method = KNEE_METHOD_DEFAULT;
    o->vikor_v = knee__method_of(KNEE_METHOD_VIKOR)->setting_default;
    o->fragile_margin = 0.05;
}

int knee_compare_options_new(knee_compare_options **out)
{
    if (!out)
        return KNEE_EINVAL;
    *out = knee__calloc(1, sizeof **out);
    if (!*out)
        return KNEE_ENOMEM;
    knee__compare_options_init(*out);
    return KNEE_OK;
}

void knee_compare_options_free(knee_compare_options *o)
{
    knee__dealloc(o);
}

int knee_compare_options_set_method(knee_compare_options *o, int method)
{
    if (!o || (method != KNEE_METHOD_DEFAULT && !knee__method_of(method)))
        return KNEE_EINVAL;
    o->method = method;
    return KNEE_OK;
}

int knee_compare_options_set_vikor_v(knee_compare_options *o, double v)
{
    if (!o || !(v >= 0 && v <= 1))
        return KNEE_EINVAL;
    o->vikor_v = v;
    return KNEE_OK;
}

int knee_compare_options_set_smaa(knee_compare_options *o, uint64_t samples, uint64_t seed,
                                  double weight_spread)
{
    if (!o || samples > 10000000u || !(weight_spread >= 0 && weight_spread <= 1))
        return KNEE_EINVAL;
    o->smaa_samples = samples;
    o->smaa_seed = seed;
    o->smaa_spread = weight_spread;
    return KNEE_OK;
}

int knee_compare_options_set_dominance(knee_compare_options *o, int mode)
{
    if (!o || mode < KNEE_DOMINANCE_AUTO || mode > KNEE_DOMINANCE_OFF)
        return KNEE_EINVAL;
    o->dominance = mode;
    return KNEE_OK;
}

int knee_compare_options_set_sensitivity(knee_compare_options *o, int on, double fragile_margin)
{
    if (!o || !(fragile_margin >= 0) || !isfinite(fragile_margin))
        return KNEE_EINVAL;
    o->sensitivity = on != 0;
    o->fragile_margin = fragile_margin;
    return KNEE_OK;
}
