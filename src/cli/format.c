/* format.c - numbers and quantities in words a clinician reads, the same in every locale. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

char *cli_format_number(char *buf, size_t size, double v, int decimals, int grouped)
{
    char raw[64];
    char *p, *point, *digits;
    size_t int_len, k, o = 0;

    if (size == 0)
        return buf;
    if (isnan(v)) {
        snprintf(buf, size, "?");
        return buf;
    }
    if (isinf(v)) {
        snprintf(buf, size, "%s", v < 0 ? "-inf" : "inf");
        return buf;
    }
    if (fabs(v) >= 1e18) {   /* beyond what grouping by hand is meant for */
        snprintf(buf, size, "%.6g", v);
        return buf;
    }
    snprintf(raw, sizeof raw, "%.*f", decimals, v);
    /* The CLI runs in the "C" locale, but whatever the decimal separator came out as, the
     * only character that is neither a digit nor a sign is it: make it a '.'. */
    point = NULL;
    for (p = raw; *p; p++) {
        if (*p != '-' && (*p < '0' || *p > '9')) {
            *p = '.';
            point = p;
        }
    }
    if (point) {   /* drop trailing zeros, then a bare point */
        p = raw + strlen(raw) - 1;
        while (p > point && *p == '0')
            *p-- = '\0';
        if (p == point)
            *p = '\0';
    }
    if (strcmp(raw, "-0") == 0)
        strcpy(raw, "0");

    digits = raw[0] == '-' ? raw + 1 : raw;
    point = strchr(digits, '.');
    int_len = point ? (size_t)(point - digits) : strlen(digits);
    if (digits != raw && o + 1 < size)
        buf[o++] = '-';
    for (k = 0; k < int_len && o + 1 < size; k++) {
        if (grouped && k > 0 && (int_len - k) % 3 == 0 && o + 2 < size)
            buf[o++] = ',';
        buf[o++] = digits[k];
    }
    for (p = digits + int_len; *p && o + 1 < size; p++)
        buf[o++] = *p;
    buf[o] = '\0';
    return buf;
}

char *cli_format_decimal(char *buf, size_t size, double v, int decimals)
{
    static const long long scales[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000,
                                       100000000, 1000000000};
    char digits[32];
    long long n, scale, whole, frac;
    size_t o = 0, k = 0;
    int d;

    if (decimals < 0 || decimals > 9 || !isfinite(v) || fabs(v) >= 1e9)
        return cli_format_number(buf, size, v, decimals < 0 ? 0 : decimals, 0);
    /* Integer arithmetic: no printf, so no locale and no cost that matters per cell. */
    scale = scales[decimals];
    n = (long long)(v < 0 ? v * (double)scale - 0.5 : v * (double)scale + 0.5);   /* half away from 0 */
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
        while (frac % 10 == 0) {   /* trailing zeros dropped */
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
    buf[o] = '\0';
    return buf;
}

static int is_dollars(const char *unit)
{
    return unit && (strcmp(unit, "USD") == 0 || strcmp(unit, "usd") == 0 ||
                    strcmp(unit, "$") == 0 || strcmp(unit, "US$") == 0);
}

/* Money is shown in whole units when whole, else with cents; other quantities with up to two
 * decimals. */
static char *format_plain(char *buf, size_t size, double v, const char *unit)
{
    int money = is_dollars(unit);
    int decimals = 2;

    if (money && v == floor(v))
        decimals = 0;
    cli_format_number(buf, size, v, decimals, 1);
    if (money && strchr(buf, '.') && strlen(strchr(buf, '.')) == 2 && strlen(buf) + 1 < size)
        strcat(buf, "0");   /* $12.5 -> $12.50 */
    return buf;
}

char *cli_format_quantity(char *buf, size_t size, double v, const char *unit)
{
    char num[80];

    format_plain(num, sizeof num, v, unit);
    if (!unit || !*unit)
        snprintf(buf, size, "%s", num);
    else if (is_dollars(unit))
        snprintf(buf, size, "%s$%s", num[0] == '-' ? "-" : "", num[0] == '-' ? num + 1 : num);
    else if (strcmp(unit, "%") == 0)
        snprintf(buf, size, "%s%%", num);
    else
        snprintf(buf, size, "%s %s", num, unit);
    return buf;
}

char *cli_format_value(char *buf, size_t size, double typical, double low, double high,
                       const char *unit)
{
    char t[128], l[128], h[128];

    cli_format_quantity(t, sizeof t, typical, unit);
    if (isnan(low))
        low = typical;
    if (isnan(high))
        high = typical;
    if (low == typical && high == typical) {
        snprintf(buf, size, "%s", t);
        return buf;
    }
    /* The range repeats the unit only where it is a prefix ("$"): "90 days (42–365)". */
    if (is_dollars(unit)) {
        cli_format_quantity(l, sizeof l, low, unit);
        cli_format_quantity(h, sizeof h, high, unit);
    } else {
        format_plain(l, sizeof l, low, unit);
        format_plain(h, sizeof h, high, unit);
    }
    snprintf(buf, size, "%s (%s" CLI_EN_DASH "%s)", t, l, h);
    return buf;
}

size_t cli_bidi_control(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    if (p[0] == 0xD8 && p[1] == 0x9C)
        return 2;
    if (p[0] == 0xE2 && ((p[1] == 0x80 && (p[2] == 0x8E || p[2] == 0x8F || (p[2] >= 0xAA && p[2] <= 0xAE))) ||
                         (p[1] == 0x81 && p[2] >= 0xA6 && p[2] <= 0xA9)))
        return 3;
    return 0;
}

const char *cli_plain(char *buf, size_t size, const char *s)
{
    size_t o = 0, n;

    while (*s && o + 1 < size) {
        if ((n = cli_bidi_control(s)) > 0)
            s += n;
        else
            buf[o++] = *s++;
    }
    if (size)
        buf[o] = '\0';
    return buf;
}

size_t cli_text_width(const char *s, size_t len)
{
    size_t i, n, w = 0;

    for (i = 0; i < len && s[i]; i++) {
        if ((n = cli_bidi_control(s + i)) > 0)
            i += n - 1;
        else if (((unsigned char)s[i] & 0xC0) != 0x80)   /* count lead bytes, not continuations */
            w++;
    }
    return w;
}
