/* options.c - what the caller tells the report that the library cannot know: the date
 * (the library never reads the clock). */
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
    return *out ? KNEE_OK : KNEE_ENOMEM;
}

void knee_report_options_free(knee_report_options *o)
{
    if (!o)
        return;
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
        for (k = 0; k < n; k++)   /* no control characters; UTF-8 is checked when written */
            if ((unsigned char)date[k] < 0x20 || date[k] == 0x7F)
                return KNEE_EINVAL;
        if (!(copy = knee__strdup(date)))
            return KNEE_ENOMEM;
    }
    knee__dealloc(o->date);
    o->date = copy;
    return KNEE_OK;
}
