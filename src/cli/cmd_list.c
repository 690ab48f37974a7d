/* cmd_list.c - `knee list`: what a rule file declares, so that a user knows which facts,
 * criteria and option ids the other commands accept. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

/* Grids are built from rows of borrowed strings; every list has at most this many columns. */
#define MAX_COLS 6

static const char *type_name(int type)
{
    switch (type) {
    case KNEE_FACT_NUMBER:
        return "number";
    case KNEE_FACT_INTEGER:
        return "integer";
    case KNEE_FACT_BOOLEAN:
        return "boolean";
    case KNEE_FACT_STRING:
        return "string";
    case KNEE_FACT_SET:
        return "set";
    default:
        return "?";
    }
}

/* Append ", "-separated items to buf, cutting (with "...") at the end of the buffer. */
static void append(char *buf, size_t size, const char *sep, const char *item)
{
    size_t used = strlen(buf);
    if (used + strlen(sep) + strlen(item) + 4 >= size) {
        if (used + 4 < size && strcmp(buf + (used >= 3 ? used - 3 : 0), "...") != 0)
            strcat(buf, "...");
        return;
    }
    if (used)
        strcat(buf, sep);
    strcat(buf, item);
}

static void print_metadata(const knee_ruleset *rs)
{
    cli_grid *g = cli_grid_new(2, NULL);
    /* clang-format off: one row a line */
    const char *rows[][2] = {
        {"file", knee_ruleset_name(rs)},       {"id", knee_ruleset_id(rs)},
        {"version", knee_ruleset_version(rs)}, {"status", knee_ruleset_status(rs)},
        {"title", knee_ruleset_title(rs)},     {"evidence as of", knee_ruleset_evidence_as_of(rs)},
        {"sha256", knee_ruleset_sha256(rs)},
    };
    /* clang-format on */
    size_t i;

    puts("Rule file");
    if (!g)
        return;
    for (i = 0; i < sizeof rows / sizeof rows[0]; i++)
        if (cli_grid_add_row(g, rows[i]) != 0)
            break;
    cli_grid_print(g, stdout, 2, cli_line_width());
    cli_grid_free(g);
}

static int print_options(const knee_ruleset *rs)
{
    size_t i, n = knee_ruleset_option_count(rs);
    cli_grid *g = cli_grid_new(2, NULL);
    int rc = -1;

    printf("\nOptions (%zu)\n", n);
    if (!g)
        return -1;
    for (i = 0; i < n; i++) {
        const char *cells[2];
        cells[0] = knee_ruleset_option_id(rs, i);
        cells[1] = knee_ruleset_option_name(rs, i);
        if (cli_grid_add_row(g, cells) != 0)
            goto out;
    }
    cli_grid_print(g, stdout, 2, cli_line_width());
    rc = 0;
out:
    cli_grid_free(g);
    return rc;
}

static int print_criteria(const knee_ruleset *rs)
{
    static const char *const headers[] = {"id", "label", "direction", "unit", "weight", "levels"};
    size_t i, k, n = knee_ruleset_criterion_count(rs);
    cli_grid *g = cli_grid_new(6, headers);
    int rc = -1;

    printf("\nCriteria (%zu)\n", n);
    if (!g)
        return -1;
    cli_grid_align(g, 4, CLI_ALIGN_RIGHT);
    for (i = 0; i < n; i++) {
        char weight[64], levels[1024] = "";
        const char *cells[MAX_COLS];
        const char *unit = knee_ruleset_criterion_unit(rs, i);
        for (k = 0; k < knee_ruleset_criterion_level_count(rs, i); k++)
            append(levels, sizeof levels, " < ", knee_ruleset_criterion_level(rs, i, k));
        cells[0] = knee_ruleset_criterion_id(rs, i);
        cells[1] = knee_ruleset_criterion_label(rs, i);
        cells[2] = knee_ruleset_criterion_direction(rs, i) == KNEE_DIRECTION_MINIMIZE ? "minimize"
                                                                                      : "maximize";
        cells[3] = unit ? unit : "-";
        cells[4] =
            knee__num_text(weight, sizeof weight, knee_ruleset_criterion_weight(rs, i), 6, 0);
        cells[5] = levels[0] ? levels : "numeric";
        if (cli_grid_add_row(g, cells) != 0)
            goto out;
    }
    cli_grid_print(g, stdout, 2, cli_line_width());
    rc = 0;
out:
    cli_grid_free(g);
    return rc;
}

/* "0..120", ">= 0", "<= 4" or "" for a fact's bounds. */
static void bounds_text(char *buf, size_t size, const knee_ruleset *rs, size_t i)
{
    double lo = 0, hi = 0;
    char a[64], b[64];
    int has_lo = knee_ruleset_fact_min(rs, i, &lo) == 1;
    int has_hi = knee_ruleset_fact_max(rs, i, &hi) == 1;

    if (has_lo)
        knee__num_text(a, sizeof a, lo, 6, 0);
    if (has_hi)
        knee__num_text(b, sizeof b, hi, 6, 0);
    if (has_lo && has_hi)
        snprintf(buf, size, "%s..%s", a, b);
    else if (has_lo)
        snprintf(buf, size, ">= %s", a);
    else if (has_hi)
        snprintf(buf, size, "<= %s", b);
    else
        buf[0] = '\0';
}

static int print_facts(const knee_ruleset *rs)
{
    static const char *const headers[] = {"id",     "type",           "unit",
                                          "bounds", "allowed values", "label"};
    size_t i, k, n = knee_ruleset_fact_count(rs);
    cli_grid *g = cli_grid_new(6, headers);
    int rc = -1;

    printf("\nFacts (%zu)\n", n);
    if (!g)
        return -1;
    for (i = 0; i < n; i++) {
        char bounds[160], allowed[2048] = "";
        const char *cells[MAX_COLS];
        const char *unit = knee_ruleset_fact_unit(rs, i);
        const char *label = knee_ruleset_fact_label(rs, i);
        for (k = 0; k < knee_ruleset_fact_value_count(rs, i); k++)
            append(allowed, sizeof allowed, ", ", knee_ruleset_fact_value(rs, i, k));
        bounds_text(bounds, sizeof bounds, rs, i);
        cells[0] = knee_ruleset_fact_id(rs, i);
        cells[1] = type_name(knee_ruleset_fact_type(rs, i));
        cells[2] = unit ? unit : "";
        cells[3] = bounds;
        cells[4] = allowed[0] ? allowed
                   : knee_ruleset_fact_type(rs, i) == KNEE_FACT_STRING ||
                           knee_ruleset_fact_type(rs, i) == KNEE_FACT_SET
                       ? "any"
                       : "";
        /* The label only when the file gives one (the API returns the id otherwise). */
        cells[5] = label && strcmp(label, cells[0]) != 0 ? label : "";
        if (cli_grid_add_row(g, cells) != 0)
            goto out;
    }
    cli_grid_print(g, stdout, 2, cli_line_width());
    rc = 0;
out:
    cli_grid_free(g);
    return rc;
}

static int print_sources(const knee_ruleset *rs)
{
    static const char *const headers[] = {"id", "year", "title"};
    size_t i, n = knee_ruleset_source_count(rs);
    cli_grid *g = cli_grid_new(3, headers);
    int rc = -1;

    printf("\nSources (%zu)\n", n);
    if (!g)
        return -1;
    cli_grid_align(g, 1, CLI_ALIGN_RIGHT);
    for (i = 0; i < n; i++) {
        char year[32];
        const char *cells[MAX_COLS];
        const char *url = knee_ruleset_source_url(rs, i);
        snprintf(year, sizeof year, "%d", knee_ruleset_source_year(rs, i));
        cells[0] = knee_ruleset_source_id(rs, i);
        cells[1] = year;
        cells[2] = knee_ruleset_source_title(rs, i);
        if (cli_grid_add_row(g, cells) != 0)
            goto out;
        /* A URL cannot wrap: on its own line under the title it leaves the title room. */
        if (url && *url && cli_grid_add_note(g, 2, url) != 0)
            goto out;
    }
    cli_grid_print(g, stdout, 2, cli_line_width());
    rc = 0;
out:
    cli_grid_free(g);
    return rc;
}

int cli_cmd_list(int argc, char **argv)
{
    const char *rules = NULL;
    knee_ruleset *rs;
    int i, rc = CLI_EXIT_OK;

    for (i = 1; i < argc; i++) {
        const char *v = NULL;
        int m;
        if (cli_is_help(argv[i])) {
            cli_help_for("list");
            return CLI_EXIT_OK;
        }
        if ((m = cli_option_value(argc, argv, &i, "--rules", &v)) != 0) {
            if (m < 0)
                return CLI_EXIT_USAGE;
            if (rules)
                return cli_usage_error("--rules given twice");
            rules = v;
        } else if (argv[i][0] == '-') {
            return cli_usage_error("list: unknown option '%s'", argv[i]);
        } else {
            return cli_usage_error("list: unexpected argument '%s' (use --rules FILE)", argv[i]);
        }
    }
    if (!(rs = cli_load_rules(rules)))
        return CLI_EXIT_FAIL;
    print_metadata(rs);
    if (print_options(rs) != 0 || print_criteria(rs) != 0 || print_facts(rs) != 0 ||
        print_sources(rs) != 0)
        rc = cli_fail("list", KNEE_ENOMEM, NULL);
    knee_ruleset_free(rs);
    return rc;
}
