/* analyses.c - the decision-analysis figures of `knee compare` as text: the method's own
 * figures, dominated options, SMAA-2 acceptabilities, the winner's weight sensitivity, and why
 * one option ranks where it does against another. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const char *criterion_label(const knee_ruleset *rs, const char *id)
{
    size_t j = knee_ruleset_criterion_index(rs, id);
    return j != (size_t)-1 ? knee_ruleset_criterion_label(rs, j) : id;
}

static size_t find_option(const knee_result *r, const char *id, size_t len)
{
    size_t i;
    for (i = 0; i < knee_result_option_count(r); i++) {
        const char *o = knee_result_option_id(r, i);
        if (strlen(o) == len && strncmp(o, id, len) == 0)
            return i;
    }
    return (size_t)-1;
}

int cli_find_pair(const knee_result *r, const char *pair, size_t *a, size_t *b)
{
    const char *comma = strchr(pair, ',');
    char detail[200];
    *a = find_option(r, pair, (size_t)(comma - pair));
    *b = find_option(r, comma + 1, strlen(comma + 1));
    if (*a == (size_t)-1 || *b == (size_t)-1) {
        snprintf(detail, sizeof detail, "no option '%.*s' in this rule file",
                 *a == (size_t)-1 ? (int)(comma - pair) : (int)strlen(comma + 1),
                 *a == (size_t)-1 ? pair : comma + 1);
        cli_fail("--why", KNEE_EUNKNOWN, detail);
        return -1;
    }
    return 0;
}

static void print_dominance(FILE *out, const knee_result *r, size_t width)
{
    size_t i, k, shown = 0, o;
    char line[8192];
    for (i = 0; i < knee_result_option_count(r); i++) {
        size_t n = knee_result_dominator_count(r, i);
        if (!n)
            continue;
        if (!shown++) {
            fputc('\n', out);
            cli_print_wrapped(out, "", 2,
                              "Dominated options (another is at least as good on every criterion "
                              "and better on one, whatever is unknown)",
                              width);
        }
        o = (size_t)snprintf(line, sizeof line, "%s: by", knee_result_option_name(r, i));
        for (k = 0; k < n && o < sizeof line; k++)
            o += (size_t)snprintf(line + o, sizeof line - o, "%s %s", k ? "," : "",
                                  knee_result_dominator(r, i, k));
        cli_print_wrapped(out, "  ", 4, line, width);
    }
}

/* How often each option ranks first and in the top 3, as a grid that fits the width. */
static int print_smaa(FILE *out, const knee_result *r, size_t width)
{
    static const char *const headers[] = {"Option", "First", "Top 3", "Confidence"};
    size_t i, n = knee_result_option_count(r), ranked = 0;
    char a[32], c[32], f[32], line[256];
    const char *cells[4];
    cli_grid *g = cli_grid_new(4, headers);
    if (!g)
        return -1;
    for (i = 1; i < 4; i++)
        cli_grid_align(g, i, CLI_ALIGN_RIGHT);
    for (i = 0; i < n; i++)
        ranked += !knee_result_option_excluded(r, i);
    snprintf(line, sizeof line,
             "Uncertainty (SMAA-2, %llu samples, seed %llu): how often each option ranks first, "
             "and in the top 3",
             (unsigned long long)knee_result_smaa_samples(r),
             (unsigned long long)knee_result_smaa_seed(r));
    fputc('\n', out);
    cli_print_wrapped(out, "", 2, line, width);
    for (i = 0; i < n; i++) {
        double first, top3 = 0, conf;
        size_t k;
        if (knee_result_option_excluded(r, i))
            continue;
        first = knee_result_rank_acceptability(r, i, 1);
        for (k = 1; k <= 3 && k <= ranked; k++)
            top3 += knee_result_rank_acceptability(r, i, k);
        conf = knee_result_confidence(r, i);
        strcat(knee__num_text(a, sizeof a - 1, 100 * first, 1, 0), "%");
        strcat(knee__num_text(c, sizeof c - 1, 100 * top3, 1, 0), "%");
        if (isnan(conf))
            f[0] = '\0';
        else
            strcat(knee__num_text(f, sizeof f - 1, 100 * conf, 1, 0), "%");
        cells[0] = knee_result_option_name(r, i);
        cells[1] = a;
        cells[2] = c;
        cells[3] = f;
        if (cli_grid_add_row(g, cells) != 0) {
            cli_grid_free(g);
            return -1;
        }
    }
    cli_grid_print(g, out, 2, width);
    cli_grid_free(g);
    return 0;
}

/* "A, B and C" from the options tied with result option 0 (it included). */
static void tied_top_names(char *buf, size_t size, const knee_result *r)
{
    size_t k, n = knee_result_option_tie_count(r, 0), o;
    o = (size_t)snprintf(buf, size, "%s", knee_result_option_name(r, 0));
    for (k = 0; k < n && o < size; k++) {
        size_t i, idx = 0;
        const char *id = knee_result_option_tied_with(r, 0, k);
        for (i = 0; i < knee_result_option_count(r); i++)
            if (strcmp(knee_result_option_id(r, i), id) == 0)
                idx = i;
        o += (size_t)snprintf(buf + o, size - o, "%s%s", k + 1 == n ? " and " : ", ",
                              knee_result_option_name(r, idx));
    }
}

static int print_sensitivity(FILE *out, const knee_ruleset *rs, const knee_result *r, size_t width)
{
    size_t j, c, w;
    double d, lo, hi, margin = knee_result_winner_margin(r);
    static const char *const headers[] = {"Criterion", "Weight", "Range"};
    char b1[32], b2[32], b3[32], range[80], names[2048], line[8400];
    const char *cells[3];
    cli_grid *g;
    int tied;
    if (knee_result_option_count(r) == 0 || knee_result_option_excluded(r, 0))
        return 0;
    tied = knee_result_option_tie_count(r, 0) > 0;
    if (tied) { /* no single winner: the analysis concerns which options are at the top */
        tied_top_names(names, sizeof names, r);
        snprintf(line, sizeof line,
                 "Sensitivity: tied at the top: %s. They stay tied at the top "
                 "while each weight stays in its range (the other weights rescaled)",
                 names);
        fputc('\n', out);
        cli_print_wrapped(out, "", 2, line, width);
    } else {
        snprintf(line, sizeof line,
                 "Sensitivity: %s stays first while each weight stays in its range (the other "
                 "weights rescaled)",
                 knee_result_option_name(r, 0));
        fputc('\n', out);
        cli_print_wrapped(out, "", 2, line, width);
    }
    /* each weight, and the range it may take with the first option(s) staying first */
    if (!(g = cli_grid_new(3, headers)))
        return -1;
    cli_grid_align(g, 1, CLI_ALIGN_RIGHT);
    cli_grid_align(g, 2, CLI_ALIGN_RIGHT);
    for (j = 0; j < knee_result_criterion_count(r); j++) {
        knee_result_sensitivity_interval(r, j, &lo, &hi);
        strcat(knee__num_text(b1, sizeof b1 - 1, 100 * knee_result_weight(r, j), 1, 0), "%");
        knee__num_text(b2, sizeof b2, 100 * lo, 1, 0);
        knee__num_text(b3, sizeof b3, 100 * hi, 1, 0);
        snprintf(range, sizeof range, "%s%% to %s%%", b2, b3);
        cells[0] = criterion_label(rs, knee_result_criterion_id(r, j));
        cells[1] = b1;
        cells[2] = range;
        if (cli_grid_add_row(g, cells) != 0) {
            cli_grid_free(g);
            return -1;
        }
    }
    cli_grid_print(g, out, 2, width);
    cli_grid_free(g);
    if (knee_result_min_weight_change(r, &c, &d, &w)) {
        knee__num_text(b1, sizeof b1, 100 * fabs(d), 1, 0);
        snprintf(line, sizeof line, "Smallest change that %s: %s weight %s by %s points -> %s%s",
                 tied ? "changes the options at the top" : "changes the winner",
                 criterion_label(rs, knee_result_criterion_id(r, c)), d < 0 ? "down" : "up", b1,
                 knee_result_option_name(r, w), tied ? " first" : "");
        cli_print_wrapped(out, "  ", 4, line, width);
    } else if (tied) {
        cli_print_wrapped(out, "  ", 4,
                          "No change of a single weight separates them or brings another option "
                          "to the top: on these values nothing decides between them.",
                          width);
    } else {
        cli_print_wrapped(out, "  ", 4, "No change of a single weight changes the winner.", width);
    }
    if (!tied && !isnan(margin)) {
        knee__num_text(b1, sizeof b1, margin, 3, 0);
        snprintf(line, sizeof line, "Margin over the runner-up: %s%s", b1,
                 knee_result_winner_fragile(r)
                     ? " - FRAGILE: a small change of preferences could change the winner"
                     : "");
        cli_print_wrapped(out, "  ", 4, line, width);
    }
    return 0;
}

static void print_difference(FILE *out, const knee_ruleset *rs, const knee_result *r, size_t a,
                             size_t b, size_t j, size_t width)
{
    char l[32], h[32], line[512];
    double lo, hi;
    knee_result_difference(r, a, b, j, &lo, &hi);
    knee__num_text(l, sizeof l, lo, 3, 0);
    knee__num_text(h, sizeof h, hi, 3, 0);
    snprintf(line, sizeof line, "%-28s %s to %s: %s",
             criterion_label(rs, knee_result_criterion_id(r, j)), l, h,
             lo > 0               ? "favours A whatever the unknown value is"
             : hi < 0             ? "favours B whatever the unknown value is"
             : lo == 0 && hi == 0 ? "no difference whatever the unknown value is"
             : lo == 0            ? "favours A or neither"
             : hi == 0            ? "favours B or neither"
                                  : "could favour either");
    cli_print_wrapped(out, "    ", 33, line, width);
}

static int print_why(FILE *out, const knee_ruleset *rs, const knee_result *r, const char *pair,
                     size_t width)
{
    size_t a, b, j, nc = knee_result_criterion_count(r);
    int side, ra, rb, any_unknown = 0;
    char num[32], name_a[4096], line[8400];
    double d;
    if (cli_find_pair(r, pair, &a, &b) != 0)
        return 0;
    ra = knee_result_option_rank(r, a);
    rb = knee_result_option_rank(r, b);
    snprintf(line, sizeof line, "Why %s ranks %s %s (weighted-sum contributions, A minus B)",
             knee_result_option_name(r, a),
             ra && ra == rb           ? "level with"
             : ra && (!rb || ra < rb) ? "above"
                                      : "below",
             knee_result_option_name(r, b));
    fputc('\n', out);
    cli_print_wrapped(out, "", 2, line, width);
    for (side = 1; side >= -1; side -= 2) {
        int any = 0;
        fprintf(out, "  %s:\n", side > 0 ? "For" : "Against");
        for (j = 0; j < nc; j++) {
            if (knee_result_difference(r, a, b, j, &d, NULL) != 1) {
                any_unknown = 1; /* never counted for or against */
                continue;
            }
            if ((side > 0 && d <= 0) || (side < 0 && d >= 0))
                continue;
            any = 1;
            knee__num_text(num, sizeof num, d, 3, 0);
            fprintf(out, "    %-28s %s\n",
                    cli_plain(name_a, sizeof name_a,
                              criterion_label(rs, knee_result_criterion_id(r, j))),
                    num);
        }
        if (!any)
            fputs("    (none)\n", out);
    }
    if (any_unknown) {
        cli_print_wrapped(out, "  ", 4,
                          "Unknown (a value of A or B has no source; the range of the difference "
                          "over it):",
                          width);
        for (j = 0; j < nc; j++)
            if (knee_result_difference(r, a, b, j, NULL, NULL) == 0)
                print_difference(out, rs, r, a, b, j, width);
    }
    return 0;
}

int cli_print_analyses(FILE *out, const knee_ruleset *rs, const knee_result *r, const char *why,
                       size_t width)
{
    print_dominance(out, r, width);
    if (knee_result_smaa_samples(r) && print_smaa(out, r, width) != 0)
        return -1;
    if (knee_result_has_sensitivity(r) && print_sensitivity(out, rs, r, width) != 0)
        return -1;
    if (why)
        return print_why(out, rs, r, why, width);
    return 0;
}
