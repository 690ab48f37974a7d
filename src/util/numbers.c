/* numbers.c - locale-independent number text (numbers.h). strtod_l with the "C" locale object:
 * in glibc newlocale() for "C" returns a static object, so nothing global is changed and nothing
 * is allocated. */
#include "util/numbers.h"

#include <limits.h>
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

int knee__parse_int(const char *s, size_t len, long long min, long long max, long long *out)
{
    size_t i = 0;
    int negative = 0;
    unsigned long long v = 0; /* the magnitude, saturating: no number of digits overflows it */
    long long x;
    while (i < len && is_blank(s[i]))
        i++;
    while (len > i && is_blank(s[len - 1]))
        len--;
    if (i < len && (s[i] == '-' || s[i] == '+'))
        negative = s[i++] == '-';
    if (i == len)
        return -1;
    for (; i < len; i++) {
        unsigned d;
        if (s[i] < '0' || s[i] > '9')
            return -1;
        d = (unsigned)(s[i] - '0');
        v = v > (ULLONG_MAX - d) / 10 ? ULLONG_MAX : v * 10 + d;
    }
    if (v > (unsigned long long)LLONG_MAX + (negative ? 1 : 0)) {
        *out = negative ? min : max;
        return 1;
    }
    x = !negative ? (long long)v : v > (unsigned long long)LLONG_MAX ? LLONG_MIN : -(long long)v;
    *out = x < min ? min : x > max ? max : x;
    return x < min || x > max;
}

void knee__c_decimal(char *s)
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
            in_point = 1; /* a multi-byte decimal point becomes one '.' */
        }
    }
    *w = '\0';
}

/* The text the general loop below gives, found without printf or strtod for the common values:
 * a decimal D = m / 10^d with m < 1e15 (at most 15 significant digits) and |D| >= 1e-4. When
 * m / 10^d == v, v is the double nearest D; D then lies within half an ulp of v, closer than
 * half the spacing of 15-digit decimals, so "%.15g" prints D and it reads back as v: the loop
 * would stop at precision 15 with this same text (fixed notation, as %g uses for exponents -4
 * to 14). Returns 0 to leave v to the loop. */
static int format_short(char *buf, double v)
{
    static const double p10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8, 1e9,
                                 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18};
    double a = fabs(v), m = 0;
    unsigned long long whole, frac, scale = 1;
    char digits[24], *w = buf;
    int d, k, n;
    if (!(a >= 1e-4 && a < 1e15))
        return 0;
    for (d = 0; d <= 18; d++) {
        m = floor(a * p10[d] + 0.5);
        if (m >= 1e15)
            return 0;
        if (m / p10[d] == a)
            break;
    }
    if (d > 18)
        return 0;
    for (k = 0; k < d; k++)
        scale *= 10;
    whole = (unsigned long long)m / scale;
    frac = (unsigned long long)m % scale;
    if (v < 0)
        *w++ = '-';
    n = 0;
    do {
        digits[n++] = (char)('0' + whole % 10);
        whole /= 10;
    } while (whole);
    while (n)
        *w++ = digits[--n];
    if (d) {
        while (frac % 10 == 0 && d) { /* no trailing zeros, as %g */
            frac /= 10;
            d--;
        }
        *w++ = '.';
        for (k = d - 1; k >= 0; k--) {
            w[k] = (char)('0' + frac % 10);
            frac /= 10;
        }
        w += d;
    }
    *w = '\0';
    return 1;
}

char *knee__format_double(char *buf, double v)
{
    int prec;
    if (!isfinite(v)) {
        strcpy(buf, "null");
        return buf;
    }
    if (v == 0) { /* also folds -0 */
        strcpy(buf, "0");
        return buf;
    }
    if (format_short(buf, v))
        return buf;
    for (prec = 15; prec <= 17; prec++) {
        double back;
        snprintf(buf, KNEE__NUMBUF, "%.*g", prec, v);
        knee__c_decimal(buf);
        if (knee__parse_double(buf, strlen(buf), &back) == 0 && back == v)
            break;
    }
    return buf;
}
