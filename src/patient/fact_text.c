/* fact_text.c - a patient's fact value as text, in the form knee_patient_set_text() reads:
 * for the report's "facts used" and for callers that show what was entered. */
#include <string.h>

#include "util/alloc.h"
#include "rules/model.h"
#include "patient/patient.h"
#include "util/strbuf.h"

int knee_patient_fact_text(const knee_patient *p, const char *fact, char **out)
{
    const knee__factval *v;
    knee__strbuf b;
    size_t i, k;
    if (!out)
        return KNEE_EINVAL;
    *out = NULL;
    if (!p || !fact)
        return KNEE_EINVAL;
    if ((i = knee__find_fact(p->rs, fact)) == KNEE__NONE)
        return KNEE_EUNKNOWN;
    v = &p->facts[i];
    if (!v->known)
        return KNEE_OK;
    knee__sb_init(&b);
    switch (p->rs->facts[i].type) {
    case KNEE_FACT_NUMBER:
    case KNEE_FACT_INTEGER:
        knee__sb_num(&b, v->num);
        break;
    case KNEE_FACT_BOOLEAN:
        knee__sb_str(&b, v->boolean ? "yes" : "no");
        break;
    case KNEE_FACT_STRING:
        knee__sb_add(&b, v->str, v->str_len);
        break;
    default:
        for (k = 0; k < v->n_members; k++) {
            if (k)
                knee__sb_str(&b, ", ");
            knee__sb_str(&b, v->members[k]);
        }
        break;
    }
    return knee__sb_finish(&b, out, NULL); /* a known empty set is "", not NULL */
}
