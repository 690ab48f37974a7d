/* args.c - small helpers for parsing the command line. */
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

int cli_is_help(const char *arg)
{
    return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

int cli_option_value(int argc, char **argv, int *i, const char *name, const char **value)
{
    const char *arg = argv[*i];
    size_t n = strlen(name);

    if (strncmp(arg, name, n) != 0)
        return 0;
    if (arg[n] == '=') {
        *value = arg + n + 1;
        return 1;
    }
    if (arg[n] != '\0')
        return 0; /* a longer option that shares the prefix */
    if (*i + 1 >= argc) {
        cli_usage_error("option %s needs a value", name);
        return -1;
    }
    *i += 1;
    *value = argv[*i];
    return 1;
}

int cli_split_assignment(const char *arg, char **name, const char **value)
{
    const char *eq = strchr(arg, '=');
    size_t n;

    *name = NULL;
    *value = NULL;
    if (!eq || eq == arg)
        return -1;
    n = (size_t)(eq - arg);
    *name = malloc(n + 1);
    if (!*name)
        return -2;
    memcpy(*name, arg, n);
    (*name)[n] = '\0';
    *value = eq + 1;
    return 0;
}

/* The plain decimal syntax: [+-] digits [. digits] [e [+-] digits], at least one digit before
 * the exponent. Checked first so that strtod's extras (hex, inf, nan, leading space) and a
 * locale's decimal comma are never accepted. */
static int is_decimal(const char *s)
{
    int digits = 0;

    if (*s == '+' || *s == '-')
        s++;
    while (*s >= '0' && *s <= '9') {
        s++;
        digits++;
    }
    if (*s == '.') {
        s++;
        while (*s >= '0' && *s <= '9') {
            s++;
            digits++;
        }
    }
    if (!digits)
        return 0;
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '+' || *s == '-')
            s++;
        if (!(*s >= '0' && *s <= '9'))
            return 0;
        while (*s >= '0' && *s <= '9')
            s++;
    }
    return *s == '\0';
}

int cli_parse_number(const char *text, double *out)
{
    locale_t c_locale;
    char *end = NULL;
    double v;

    if (!is_decimal(text))
        return -1;
    /* strtod_l with the "C" locale: the decimal point is '.' whatever the environment says. */
    c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    if (c_locale == (locale_t)0)
        return -1;
    v = strtod_l(text, &end, c_locale);
    freelocale(c_locale);
    if (!end || *end != '\0' || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}
