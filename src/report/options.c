/* options.c - what the caller tells the report that the library cannot know: the date
 * (the library never reads the clock), who reads it, and which options the patient asks about. */
#include <string.h>

#include "util/alloc.h"
#include "report/report.h"

/* A date is shown as given; it must be short, printable UTF-8 text. */
#define MAX_DATE_BYTES 64

int knee_report_options_new(knee_report_options **out)
{
    if (!out)
        return KNEE_EINVAL;
    *out = knee__calloc(1, sizeof **out);
    if (!*out)
        return KNEE_ENOMEM;
    (*out)->audience = KNEE_AUDIENCE_CLINICIAN; /* the page callers had before there was a choice */
    return KNEE_OK;
}

void knee_report_options_free(knee_report_options *o)
{
    size_t k;
    if (!o)
        return;
    for (k = 0; k < o->n_asked; k++)
        knee__dealloc(o->asked[k]);
    knee__dealloc(o->date);
    knee__dealloc(o);
}

int knee_report_options_set_date(knee_report_options *o, const char *date)
{
    char *copy = NULL;
    size_t n, k;
    if (!o)
        return KNEE_EINVAL;
    if (date) {
        n = strlen(date);
        if (n == 0 || n > MAX_DATE_BYTES)
            return KNEE_EINVAL;
        for (k = 0; k < n; k++) /* no control characters; UTF-8 is checked when written */
            if ((unsigned char)date[k] < 0x20 || date[k] == 0x7F)
                return KNEE_EINVAL;
        if (!(copy = knee__strdup(date)))
            return KNEE_ENOMEM;
    }
    knee__dealloc(o->date);
    o->date = copy;
    return KNEE_OK;
}

int knee_report_options_set_audience(knee_report_options *o, int audience)
{
    if (!o || (audience != KNEE_AUDIENCE_PATIENT && audience != KNEE_AUDIENCE_CLINICIAN))
        return KNEE_EINVAL;
    o->audience = audience;
    return KNEE_OK;
}

int knee_report_options_add_option(knee_report_options *o, const char *id)
{
    size_t k;
    if (!o || !id || !*id)
        return KNEE_EINVAL;
    for (k = 0; k < o->n_asked; k++)
        if (strcmp(o->asked[k], id) == 0)
            return KNEE_OK;
    if (o->n_asked == KNEE_REPORT_MAX_OPTIONS)
        return KNEE_ERANGE;
    if (!(o->asked[o->n_asked] = knee__strdup(id)))
        return KNEE_ENOMEM;
    o->n_asked++;
    return KNEE_OK;
}
