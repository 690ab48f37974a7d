/* quantity.c - numbers and quantities as people read them (quantity.h). snprintf follows
 * LC_NUMERIC, so whatever decimal point it wrote is made a '.' (knee__c_decimal). */
#include "util/quantity.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "util/numbers.h"

#define EN_DASH "\xe2\x80\x93"

/* "%.*f" of v with a '.' decimal point; "-0", "-0.00" folded to "0", "0.00". */
static void fixed_c(char *raw, size_t size, double v, int decimals)
{
    const char *p;
    snprintf(raw, size, "%.*f", decimals, v);
    knee__c_decimal(raw);
    for (p = raw; *p == '-' || *p == '0' || *p == '.'; p++)
        ;
    if (raw[0] == '-' && *p == '\0') /* every digit is 0 */
        memmove(raw, raw + 1, strlen(raw));
}

/* raw ("-1234.5") with its thousands grouped when grouped, into buf. */
static char *group(char *buf, size_t size, const char *raw, int grouped)
{
    const char *digits = raw[0] == '-' ? raw + 1 : raw;
    const char *point = strchr(digits, '.');
    size_t int_len = point ? (size_t)(point - digits) : strlen(digits), k, o = 0;
    if (digits != raw && o + 1 < size)
        buf[o++] = '-';
    for (k = 0; k < int_len && o + 1 < size; k++) {
        if (grouped && k > 0 && (int_len - k) % 3 == 0 && o + 2 < size)
            buf[o++] = ',';
        buf[o++] = digits[k];
    }
    for (k = int_len; digits[k] && o + 1 < size; k++)
        buf[o++] = digits[k];
    buf[o] = '\0';
    return buf;
}

char *knee__num_text(char *buf, size_t size, double v, int decimals, int grouped)
{
    char raw[KNEE__NUM_BUF], *point, *p;
    if (size == 0)
        return buf;
    if (isnan(v) || isinf(v)) {
        snprintf(buf, size, "%s", isnan(v) ? "?" : v < 0 ? "-inf" : "inf");
        return buf;
    }
    if (fabs(v) >= 1e18) { /* beyond what grouping by hand is meant for */
        snprintf(raw, sizeof raw, "%.6g", v);
        knee__c_decimal(raw);
        snprintf(buf, size, "%s", raw);
        return buf;
    }
    fixed_c(raw, sizeof raw, v, decimals);
    if ((point = strchr(raw, '.')) != NULL) { /* drop trailing zeros, then a bare point */
        p = raw + strlen(raw) - 1;
        while (p > point && *p == '0')
            *p-- = '\0';
        if (p == point)
            *p = '\0';
    }
    return group(buf, size, raw, grouped);
}

char *knee__num_decimal(char *buf, size_t size, double v, int decimals)
{
    static const long long scales[] = {1,      10,      100,      1000,      10000,
                                       100000, 1000000, 10000000, 100000000, 1000000000};
    char digits[32];
    long long n, scale, whole, frac;
    size_t o = 0, k = 0;
    int d;

    if (decimals < 0 || decimals > 9 || !isfinite(v) || fabs(v) >= 1e9)
        return knee__num_text(buf, size, v, decimals < 0 ? 0 : decimals, 0);
    scale = scales[decimals];
    n = (long long)(v < 0 ? v * (double)scale - 0.5
                          : v * (double)scale + 0.5); /* half away from 0 */
    if (n < 0 && o + 1 < size)
        buf[o++] = '-';
    if (n < 0)
        n = -n;
    whole = n / scale;
    frac = n % scale;
    do {
        digits[k++] = (char)('0' + whole % 10);
        whole /= 10;
    } while (whole);
    while (k && o + 1 < size)
        buf[o++] = digits[--k];
    if (frac) {
        d = decimals;
        while (frac % 10 == 0) { /* trailing zeros dropped */
            frac /= 10;
            d--;
        }
        if (o + 1 < size)
            buf[o++] = '.';
        for (k = 0; k < (size_t)d; k++) {
            digits[d - 1 - (int)k] = (char)('0' + frac % 10);
            frac /= 10;
        }
        for (k = 0; k < (size_t)d && o + 1 < size; k++)
            buf[o++] = digits[k];
    }
    if (size)
        buf[o] = '\0';
    return buf;
}

char *knee__num_fixed(char *buf, size_t size, double v, int decimals)
{
    char raw[KNEE__NUM_BUF];
    if (size == 0)
        return buf;
    if (isnan(v) || isinf(v) || fabs(v) >= 1e15) {
        snprintf(buf, size, "?");
        return buf;
    }
    fixed_c(raw, sizeof raw, v, decimals);
    return group(buf, size, raw, 0);
}

char *knee__num_percent(char *buf, size_t size, double share)
{
    char num[KNEE__NUM_BUF];
    knee__num_text(num, sizeof num, 100.0 * share, 1, 0);
    snprintf(buf, size, "%s%%", num);
    return buf;
}

int knee__unit_is_money(const char *unit)
{
    return unit && (strcmp(unit, "USD") == 0 || strcmp(unit, "usd") == 0 ||
                    strcmp(unit, "$") == 0 || strcmp(unit, "US$") == 0);
}

char *knee__quantity_number(char *buf, size_t size, double v, const char *unit)
{
    int money = knee__unit_is_money(unit);
    if (money && v == floor(v))
        return knee__num_text(buf, size, v, 0, 1);
    knee__num_text(buf, size, v, 2, 1);
    if (money && strchr(buf, '.') && strlen(strchr(buf, '.')) == 2 && strlen(buf) + 1 < size)
        strcat(buf, "0"); /* $12.5 -> $12.50 */
    return buf;
}

char *knee__quantity(char *buf, size_t size, double v, const char *unit)
{
    char num[KNEE__NUM_BUF];
    knee__quantity_number(num, sizeof num, v, unit);
    if (!unit || !*unit)
        snprintf(buf, size, "%s", num);
    else if (knee__unit_is_money(unit))
        snprintf(buf, size, "%s$%s", num[0] == '-' ? "-" : "", num[0] == '-' ? num + 1 : num);
    else if (strcmp(unit, "%") == 0)
        snprintf(buf, size, "%s%%", num);
    else
        snprintf(buf, size, "%s %s", num, unit);
    return buf;
}

char *knee__quantity_range(char *buf, size_t size, double low, double high, const char *unit)
{
    char l[KNEE__NUM_BUF + 64], hi[KNEE__NUM_BUF + 64];
    if (knee__unit_is_money(unit) || (unit && strcmp(unit, "%") == 0))
        knee__quantity(l, sizeof l, low, unit);
    else
        knee__quantity_number(l, sizeof l, low, unit);
    knee__quantity(hi, sizeof hi, high, unit);
    snprintf(buf, size, "%s" EN_DASH "%s", l, hi);
    return buf;
}
