/* dates.c - FHIR dates: a date or dateTime is the interval of days it may mean, so a partial
 * date ("2019") is compared honestly with the as-of date, and ages are whole years. */
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/alloc.h"
#include "fhir/fhir.h"
#include "fhir/mapper.h"
#include "rules/model.h"
#include "util/numbers.h"
#include "base/options.h"
#include "patient/patient.h"
#include "util/strbuf.h"

/* ---- dates: a FHIR date or dateTime is the interval of days it may mean -------------------- */

static long days_from_civil(long y, unsigned m, unsigned d)
{
    long era, yoe, doy, doe;
    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

unsigned knee__fdate_month_days(long y, unsigned m)
{
    static const unsigned md[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return md[m - 1];
}

static int digits(const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return 0;
    return 1;
}

/* YYYY, YYYY-MM, YYYY-MM-DD, or YYYY-MM-DDThh:mm(:ss(.s+))?(Z|+hh:mm|-hh:mm): the time and zone
 * are checked for form and otherwise not used (days are compared as written). 0 or -1. */
int knee__fdate_parse(const char *s, fdate *out)
{
    size_t n;
    long y;
    unsigned m = 0, d = 0;
    if (!s)
        return -1;
    n = strlen(s);
    if (n < 4 || !digits(s, 4))
        return -1;
    y = (s[0] - '0') * 1000L + (s[1] - '0') * 100L + (s[2] - '0') * 10L + (s[3] - '0');
    if (y < 1)
        return -1;
    if (n == 4) {
        out->lo = days_from_civil(y, 1, 1);
        out->hi = days_from_civil(y, 12, 31);
        out->y = (int)y;
        out->m = out->d = 0;
        return 0;
    }
    if (n < 7 || s[4] != '-' || !digits(s + 5, 2))
        return -1;
    m = (unsigned)((s[5] - '0') * 10 + (s[6] - '0'));
    if (m < 1 || m > 12)
        return -1;
    if (n == 7) {
        out->lo = days_from_civil(y, m, 1);
        out->hi = days_from_civil(y, m, knee__fdate_month_days(y, m));
        out->y = (int)y;
        out->m = (int)m;
        out->d = 0;
        return 0;
    }
    if (n < 10 || s[7] != '-' || !digits(s + 8, 2))
        return -1;
    d = (unsigned)((s[8] - '0') * 10 + (s[9] - '0'));
    if (d < 1 || d > knee__fdate_month_days(y, m))
        return -1;
    if (n > 10) {
        const char *t = s + 10;
        if (*t != 'T' || strlen(t) < 6 || !digits(t + 1, 2) || t[3] != ':' || !digits(t + 4, 2))
            return -1;
        t += 6;
        if (*t == ':') {
            if (!digits(t + 1, 2))
                return -1;
            t += 3;
            if (*t == '.') {
                t++;
                if (!isdigit((unsigned char)*t))
                    return -1;
                while (isdigit((unsigned char)*t))
                    t++;
            }
        }
        if (*t == 'Z')
            t++;
        else if (*t == '+' || *t == '-') {
            if (strlen(t) != 6 || !digits(t + 1, 2) || t[3] != ':' || !digits(t + 4, 2))
                return -1;
            t += 6;
        } else {
            return -1;
        }
        if (*t)
            return -1;
    }
    out->lo = out->hi = days_from_civil(y, m, d);
    out->y = (int)y;
    out->m = (int)m;
    out->d = (int)d;
    return 0;
}

/* Whole years from birth (y, m, d) to the as-of date. */
int knee__fdate_age_at(int by, int bm, int bd, const fdate *asof)
{
    int age = asof->y - by;
    if (asof->m < bm || (asof->m == bm && asof->d < bd))
        age--;
    return age;
}
