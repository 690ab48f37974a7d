/* format.c - values and text for a terminal: a criterion value with its range, and text without
 * the bidi controls that would reorder a line, measured in characters. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "util/utf8.h"

char *cli_format_value(char *buf, size_t size, double typical, double low, double high,
                       const char *unit)
{
    char t[128], l[128], h[128];

    knee__quantity(t, sizeof t, typical, unit);
    if (isnan(low))
        low = typical;
    if (isnan(high))
        high = typical;
    if (low == typical && high == typical) {
        snprintf(buf, size, "%s", t);
        return buf;
    }
    /* The range repeats the unit only where it is a prefix ("$"): "90 days (42–365)". */
    if (knee__unit_is_money(unit)) {
        knee__quantity(l, sizeof l, low, unit);
        knee__quantity(h, sizeof h, high, unit);
    } else {
        knee__quantity_number(l, sizeof l, low, unit);
        knee__quantity_number(h, sizeof h, high, unit);
    }
    snprintf(buf, size, "%s (%s" CLI_EN_DASH "%s)", t, l, h);
    return buf;
}

size_t cli_bidi_control(const char *s)
{
    uint32_t cp;
    size_t n = knee__utf8_decode((const unsigned char *)s, strnlen(s, 4), &cp);
    return n > 1 && knee__utf8_bidi_control(cp) ? n : 0;
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
        else if (((unsigned char)s[i] & 0xC0) != 0x80) /* count lead bytes, not continuations */
            w++;
    }
    return w;
}
