/* numbers.c - see numbers.h. strtod_l with the "C" locale object: in glibc newlocale() for "C"
 * returns a static object, so nothing global is changed and nothing is allocated. */
#include "numbers.h"

#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;

static void init_c_locale(void)
{
    c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int knee__parse_double(const char *s, size_t len, double *out)
{
    char buf[64], *end;
    size_t i = 0, j;
    double v;
    while (i < len && is_blank(s[i]))
        i++;
    while (len > i && is_blank(s[len - 1]))
        len--;
    if (i == len || len - i >= sizeof buf)
        return -1;
    /* Only the characters of a plain decimal: no hex floats, "inf", "nan" or locale forms. */
    for (j = i; j < len; j++) {
        char c = s[j];
        if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E'))
            return -1;
    }
    memcpy(buf, s + i, len - i);
    buf[len - i] = '\0';
    pthread_once(&c_locale_once, init_c_locale);
    if (!c_locale)
        return -1;
    v = strtod_l(buf, &end, c_locale);
    if (end == buf || *end != '\0' || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

/* snprintf follows LC_NUMERIC; map whatever decimal point it wrote back to '.'. */
static void to_c_decimal(char *s)
{
    char *w = s;
    int in_point = 0;
    for (; *s; s++) {
        char c = *s;
        if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == 'e') {
            *w++ = c;
            in_point = 0;
        } else if (!in_point) {
            *w++ = '.';
            in_point = 1;  /* a multi-byte decimal point becomes one '.' */
        }
    }
    *w = '\0';
}

char *knee__format_double(char *buf, double v)
{
    int prec;
    if (!isfinite(v)) {
        strcpy(buf, "null");
        return buf;
    }
    if (v == 0) {   /* also folds -0 */
        strcpy(buf, "0");
        return buf;
    }
    for (prec = 15; prec <= 17; prec++) {
        double back;
        snprintf(buf, KNEE__NUMBUF, "%.*g", prec, v);
        to_c_decimal(buf);
        if (knee__parse_double(buf, strlen(buf), &back) == 0 && back == v)
            break;
    }
    return buf;
}
