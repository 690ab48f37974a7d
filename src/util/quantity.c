/* report_format.c - numbers and quantities in the words of the report, the same whatever the
 * host's locale: snprintf follows LC_NUMERIC, so whatever decimal point it wrote is made a '.'
 * (the technique of numbers.c). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/report.h"

#define EN_DASH "\xe2\x80\x93"

/* "%.*f" of v with a '.' decimal point, "-0" folded to "0". */
static void fixed_c(char *raw, size_t size, double v, int decimals)
{
    char *p;
    snprintf(raw, size, "%.*f", decimals, v);
    for (p = raw; *p; p++)
        if (*p != '-' && (*p < '0' || *p > '9'))
            *p = '.';
    /* A multi-byte decimal point became several '.': keep one. */
    if ((p = strchr(raw, '.')) != NULL) {
        char *q = p + 1;
        while (*q == '.')
            memmove(q, q + 1, strlen(q));
    }
    for (p = raw; *p == '-' || *p == '0' || *p == '.'; p++)
        ;
    if (raw[0] == '-' && *p == '\0')   /* every digit is 0 */
        memmove(raw, raw + 1, strlen(raw));
}

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

char *knee__report_number(char *buf, size_t size, double v, int decimals, int grouped)
{
    char raw[KNEE__REPORT_NUM], *point, *p;
    if (size == 0)
        return buf;
    if (isnan(v) || isinf(v) || fabs(v) >= 1e15) {
        snprintf(buf, size, "%s", isnan(v) ? "?" : isinf(v) ? (v < 0 ? "-inf" : "inf") : "huge");
        return buf;
    }
    fixed_c(raw, sizeof raw, v, decimals);
    if ((point = strchr(raw, '.')) != NULL) {   /* drop trailing zeros, then a bare point */
        p = raw + strlen(raw) - 1;
        while (p > point && *p == '0')
            *p-- = '\0';
        if (p == point)
            *p = '\0';
    }
    if (strcmp(raw, "-0") == 0)
        strcpy(raw, "0");
    return group(buf, size, raw, grouped);
}

char *knee__report_fixed(char *buf, size_t size, double v, int decimals)
{
    char raw[KNEE__REPORT_NUM];
    if (size == 0)
        return buf;
    if (isnan(v) || isinf(v) || fabs(v) >= 1e15) {
        snprintf(buf, size, "?");
        return buf;
    }
    fixed_c(raw, sizeof raw, v, decimals);
    return group(buf, size, raw, 0);
}

char *knee__report_percent(char *buf, size_t size, double share)
{
    char num[KNEE__REPORT_NUM];
    knee__report_number(num, sizeof num, 100.0 * share, 1, 0);
    snprintf(buf, size, "%s%%", num);
    return buf;
}

static int is_dollars(const char *unit)
{
    return unit && (strcmp(unit, "USD") == 0 || strcmp(unit, "usd") == 0 ||
                    strcmp(unit, "$") == 0 || strcmp(unit, "US$") == 0);
}

/* Money in whole units when whole, else with cents; other quantities with up to two decimals. */
static char *plain(char *buf, size_t size, double v, const char *unit)
{
    int money = is_dollars(unit);
    if (money && v == floor(v))
        return knee__report_number(buf, size, v, 0, 1);
    knee__report_number(buf, size, v, 2, 1);
    if (money && strchr(buf, '.') && strlen(strchr(buf, '.')) == 2 && strlen(buf) + 1 < size)
        strcat(buf, "0");   /* $12.5 -> $12.50 */
    return buf;
}

char *knee__report_quantity(char *buf, size_t size, double v, const char *unit)
{
    char num[KNEE__REPORT_NUM];
    plain(num, sizeof num, v, unit);
    if (!unit || !*unit)
        snprintf(buf, size, "%s", num);
    else if (is_dollars(unit))
        snprintf(buf, size, "%s$%s", num[0] == '-' ? "-" : "", num[0] == '-' ? num + 1 : num);
    else if (strcmp(unit, "%") == 0)
        snprintf(buf, size, "%s%%", num);
    else
        snprintf(buf, size, "%s %.60s", num, unit);
    return buf;
}

char *knee__report_range(char *buf, size_t size, double low, double high, const char *unit)
{
    char l[KNEE__REPORT_NUM + 64], hi[KNEE__REPORT_NUM + 64];
    if (is_dollars(unit) || (unit && strcmp(unit, "%") == 0)) {
        knee__report_quantity(l, sizeof l, low, unit);
        knee__report_quantity(hi, sizeof hi, high, unit);
        snprintf(buf, size, "%s" EN_DASH "%s", l, hi);
    } else {
        plain(l, sizeof l, low, unit);
        knee__report_quantity(hi, sizeof hi, high, unit);
        snprintf(buf, size, "%s" EN_DASH "%s", l, hi);
    }
    return buf;
}
