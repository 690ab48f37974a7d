/* analyses.c - the decision-analysis figures of `knee compare` as text: the method's own
 * figures, dominated options, SMAA-2 acceptabilities, the winner's weight sensitivity, and why
 * one option ranks where it does against another. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *criterion_label(const knee_ruleset *rs, const char *id)
{
    size_t j;
    for (j = 0; j < knee_ruleset_criterion_count(rs); j++)
        if (strcmp(knee_ruleset_criterion_id(rs, j), id) == 0)
            return knee_ruleset_criterion_label(rs, j);
    return id;
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

static void print_dominance(FILE *out, const knee_result *r)
{
    size_t i, k, shown = 0;
    char name[4096];
    for (i = 0; i < knee_result_option_count(r); i++) {
        size_t n = knee_result_dominator_count(r, i);
        if (!n)
            continue;
        if (!shown++)
            fputs("\nDominated options (another option is at least as good on every criterion and better on one)\n", out);
        fprintf(out, "  %s: by", cli_plain(name, sizeof name, knee_result_option_name(r, i)));
        for (k = 0; k < n; k++)
            fprintf(out, "%s %s", k ? "," : "", knee_result_dominator(r, i, k));
        fputc('\n', out);
    }
}

static void print_smaa(FILE *out, const knee_result *r)
{
    size_t i, n = knee_result_option_count(r), ranked = 0;
    char a[32], c[32], name[4096];
    for (i = 0; i < n; i++)
        ranked += !knee_result_option_excluded(r, i);
    fprintf(out, "\nUncertainty (SMAA-2, %llu samples, seed %llu): how often each option ranks first, "
                 "and in the top 3\n",
            (unsigned long long)knee_result_smaa_samples(r), (unsigned long long)knee_result_smaa_seed(r));
    for (i = 0; i < n; i++) {
        double first, top3 = 0, conf;
        size_t k;
        if (knee_result_option_excluded(r, i))
            continue;
        first = knee_result_rank_acceptability(r, i, 1);
        for (k = 1; k <= 3 && k <= ranked; k++)
            top3 += knee_result_rank_acceptability(r, i, k);
        conf = knee_result_confidence(r, i);
        cli_format_number(a, sizeof a, 100 * first, 1, 0);
        cli_format_number(c, sizeof c, 100 * top3, 1, 0);
        fprintf(out, "  %-48s first %6s%%   top 3 %6s%%",
                cli_plain(name, sizeof name, knee_result_option_name(r, i)), a, c);
        if (!isnan(conf)) {
            cli_format_number(a, sizeof a, 100 * conf, 1, 0);
            fprintf(out, "   confidence %s%%", a);
        }
        fputc('\n', out);
    }
}

static void print_sensitivity(FILE *out, const knee_ruleset *rs, const knee_result *r)
{
    size_t j, c, w;
    double d, lo, hi, margin = knee_result_winner_margin(r);
    char b1[32], b2[32], b3[32], name[4096], label[4096];
    if (knee_result_option_count(r) == 0 || knee_result_option_excluded(r, 0))
        return;
    fprintf(out, "\nSensitivity: %s stays first while each weight stays in its range "
                 "(the other weights rescaled)\n", cli_plain(name, sizeof name, knee_result_option_name(r, 0)));
    for (j = 0; j < knee_result_criterion_count(r); j++) {
        knee_result_sensitivity_interval(r, j, &lo, &hi);
        cli_format_number(b1, sizeof b1, 100 * knee_result_weight(r, j), 1, 0);
        cli_format_number(b2, sizeof b2, 100 * lo, 1, 0);
        cli_format_number(b3, sizeof b3, 100 * hi, 1, 0);
        fprintf(out, "  %-28s weight %5s%%   range %5s%% to %5s%%\n",
                cli_plain(label, sizeof label, criterion_label(rs, knee_result_criterion_id(r, j))), b1,
                b2, b3);
    }
    if (knee_result_min_weight_change(r, &c, &d, &w)) {
        cli_format_number(b1, sizeof b1, 100 * fabs(d), 1, 0);
        fprintf(out, "  Smallest change that changes the winner: %s weight %s by %s points -> %s\n",
                cli_plain(label, sizeof label, criterion_label(rs, knee_result_criterion_id(r, c))),
                d < 0 ? "down" : "up", b1, cli_plain(name, sizeof name, knee_result_option_name(r, w)));
    } else {
        fputs("  No change of a single weight changes the winner.\n", out);
    }
    if (!isnan(margin)) {
        cli_format_number(b1, sizeof b1, margin, 3, 0);
        fprintf(out, "  Margin over the runner-up: %s%s\n", b1,
                knee_result_winner_fragile(r) ? " - FRAGILE: a small change of preferences could change the winner" : "");
    }
}

static int print_why(FILE *out, const knee_ruleset *rs, const knee_result *r, const char *pair)
{
    size_t a, b, j, nc = knee_result_criterion_count(r);
    int side;
    char num[32], name_a[4096], name_b[4096];
    if (cli_find_pair(r, pair, &a, &b) != 0)
        return 0;
    fprintf(out, "\nWhy %s ranks %s %s (weighted-sum contributions, A minus B)\n",
            cli_plain(name_a, sizeof name_a, knee_result_option_name(r, a)),
            knee_result_option_rank(r, a) && (!knee_result_option_rank(r, b) ||
                                              knee_result_option_rank(r, a) < knee_result_option_rank(r, b))
                ? "above" : "below",
            cli_plain(name_b, sizeof name_b, knee_result_option_name(r, b)));
    for (side = 1; side >= -1; side -= 2) {
        int any = 0;
        fprintf(out, "  %s:\n", side > 0 ? "For" : "Against");
        for (j = 0; j < nc; j++) {
            double d = knee_result_contribution(r, a, j) - knee_result_contribution(r, b, j);
            if ((side > 0 && d <= 0) || (side < 0 && d >= 0))
                continue;
            any = 1;
            cli_format_number(num, sizeof num, d, 3, 0);
            fprintf(out, "    %-28s %s\n",
                    cli_plain(name_a, sizeof name_a, criterion_label(rs, knee_result_criterion_id(r, j))),
                    num);
        }
        if (!any)
            fputs("    (none)\n", out);
    }
    return 0;
}

int cli_print_analyses(FILE *out, const knee_ruleset *rs, const knee_result *r, const char *why)
{
    print_dominance(out, r);
    if (knee_result_smaa_samples(r))
        print_smaa(out, r);
    if (knee_result_has_sensitivity(r))
        print_sensitivity(out, rs, r);
    if (why)
        return print_why(out, rs, r, why);
    return 0;
}
