/* table.c - a comparison result as text a clinician reads: where it came from, the ranked
 * options with their values in words, cautions, exclusions and the facts still missing. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

#define FIXED_COLS 3 /* rank, option, score; then one column per criterion */
/* Rule-file texts are at most 4,000 characters (the XSD's Text type); room for one with its
 * provenance, so that nothing a clinician should read is cut. */
#define CELL_MAX 4200
#define NOTE_MAX 8400

/* The ruleset's index of a criterion id, or the count when absent. The result follows the
 * ruleset's order, but looking up by id does not depend on it. */
static size_t criterion_index(const knee_ruleset *rs, const char *id)
{
    size_t i = knee_ruleset_criterion_index(rs, id);
    return i != (size_t)-1 ? i : knee_ruleset_criterion_count(rs);
}

static const char *fact_label(const knee_ruleset *rs, const char *id)
{
    size_t i = knee_ruleset_fact_index(rs, id);
    return i != (size_t)-1 ? knee_ruleset_fact_label(rs, i) : NULL;
}

/* "[rule R, source S]" for a reason or caution. */
static void provenance(char *buf, size_t size, const char *rule, const char *source)
{
    if (source && *source)
        snprintf(buf, size, "[rule %s, source %s]", rule ? rule : "?", source);
    else
        snprintf(buf, size, "[rule %s]", rule ? rule : "?");
}

/* The label of criterion c's level id (the id itself when the file gives no label, or c is
 * not in the ruleset): the table never shows a raw id where a reader's word exists. */
static const char *level_label(const knee_ruleset *rs, size_t c, const char *id)
{
    size_t k, n;
    if (c >= knee_ruleset_criterion_count(rs))
        return id;
    n = knee_ruleset_criterion_level_count(rs, c);
    for (k = 0; k < n; k++)
        if (strcmp(knee_ruleset_criterion_level(rs, c, k), id) == 0)
            return knee_ruleset_criterion_level_label(rs, c, k);
    return id;
}

/* An unknown value in words, with its plausible bounds when the rule file gives them:
 * "unknown", "unknown ($50–$2,000)", "unknown (Low to Moderate)" (level labels may hold
 * dashes and colons, so their range is said in words). */
static void unknown_text(char *buf, size_t size, const knee_ruleset *rs, size_t c, const char *unit,
                         const knee_result *r, size_t i, size_t j)
{
    const char *llo, *lhi;
    double lo, hi;
    char a[128], b[128];
    if (knee_result_unknown_level_bounds(r, i, j, &llo, &lhi)) {
        snprintf(buf, size, "unknown (%s to %s)", level_label(rs, c, llo), level_label(rs, c, lhi));
    } else if (knee_result_unknown_bounds(r, i, j, &lo, &hi)) {
        knee__quantity(a, sizeof a, lo, unit);
        knee__quantity(b, sizeof b, hi, unit);
        snprintf(buf, size, "unknown (%s" CLI_EN_DASH "%s)", a, b);
    } else {
        snprintf(buf, size, "unknown");
    }
}

/* One criterion value in words: a level's label, "90 days (42–365)", or "unknown". */
static void value_text(char *buf, size_t size, const knee_ruleset *rs, const knee_result *r,
                       size_t i, size_t j)
{
    const char *level = knee_result_value_level(r, i, j);
    size_t c = criterion_index(rs, knee_result_criterion_id(r, j));
    const char *unit =
        c < knee_ruleset_criterion_count(rs) ? knee_ruleset_criterion_unit(rs, c) : NULL;
    double v = knee_result_value(r, i, j);

    if (!knee_result_value_known(r, i, j))
        unknown_text(buf, size, rs, c, unit, r, i, j);
    else if (level)
        snprintf(buf, size, "%s", level_label(rs, c, level));
    else if (!isnan(v))
        cli_format_value(buf, size, v, knee_result_value_low(r, i, j),
                         knee_result_value_high(r, i, j), unit);
    else
        snprintf(buf, size, "unknown");
}

/* A score with exactly two decimals ("0.50", "1.00"), so that the column lines up. */
static void two_decimals(char *buf, size_t size, double score)
{
    char *point;
    knee__num_text(buf, size, score, 2, 0);
    if (!strchr(buf, '.') && strlen(buf) + 1 < size)
        strcat(buf, ".");
    point = strchr(buf, '.');
    while (point && strlen(point) < 3 && strlen(buf) + 1 < size)
        strcat(buf, "0");
}

/* Option i's score, with its range where unknown values give it one: "0.80 (0.60–1.00)". */
static void score_text(char *buf, size_t size, const knee_result *r, size_t i)
{
    char s[32], lo[32], hi[32];
    double l, h;
    two_decimals(s, sizeof s, knee_result_option_score(r, i));
    if (knee_result_option_score_range(r, i, &l, &h)) {
        two_decimals(lo, sizeof lo, l);
        two_decimals(hi, sizeof hi, h);
        if (strcmp(lo, hi) != 0) {
            snprintf(buf, size, "%s (%s" CLI_EN_DASH "%s)", s, lo, hi);
            return;
        }
    }
    snprintf(buf, size, "%s", s);
}

/* What the table's unknown values mean, under the policy the comparison used. */
static void print_unknown_note(FILE *out, const knee_result *r, size_t n_unknown, size_t n_values,
                               int any_partial, size_t width)
{
    const char *policy = knee_result_missing_policy(r);
    char line[1024];
    if (!n_unknown)
        return;
    snprintf(line, sizeof line, "%zu of the %zu values above %s unknown (no sourced value). ",
             n_unknown, n_values, n_unknown == 1 ? "is" : "are");
    if (policy && strcmp(policy, "interval") == 0)
        strcat(line,
               "Each counts with its full weight over its plausible range (the whole scale "
               "when the rule file gives no bounds): the score takes it at the middle, and the "
               "score's range in brackets takes every unknown value of that option at its worst "
               "and at its best, so an option's true score may lie anywhere in it.");
    else if (policy && strcmp(policy, "renormalise") == 0)
        strcat(line, n_unknown == 1 ? "It is left out of the score (see *)."
                                    : "They are left out of the score (see *).");
    else if (policy && strcmp(policy, "refuse") == 0)
        strcat(line, "Options with an unknown value are excluded.");
    else
        snprintf(line + strlen(line), sizeof line - strlen(line),
                 "%s scored by the missing policy '%s', not by evidence.",
                 n_unknown == 1 ? "It is" : "They are", policy ? policy : "?");
    cli_print_wrapped(out, "", 0, line, width);
    if (any_partial)
        cli_print_wrapped(out, "", 2,
                          "* scored on the criteria with known values only: unknown values are "
                          "left out and the other weights rescaled.",
                          width);
}

static const char *criterion_label(const knee_ruleset *rs, const char *id)
{
    size_t c = criterion_index(rs, id);
    return c < knee_ruleset_criterion_count(rs) ? knee_ruleset_criterion_label(rs, c) : id;
}

static void print_header(FILE *out, const knee_ruleset *rs, const knee_result *r, size_t width)
{
    char line[4096], num[64];
    size_t j, n = knee_result_criterion_count(r), o = 0;

    cli_print_wrapped(out, "", 0, knee_ruleset_title(rs), width);
    snprintf(line, sizeof line, "%s %s (%s), sha256 %.12s, from %s", knee_ruleset_id(rs),
             knee_ruleset_version(rs), knee_ruleset_status(rs), knee_ruleset_sha256(rs),
             knee_ruleset_name(rs));
    cli_print_wrapped(out, "Rule file: ", 2, line, width);
    fprintf(out, "Evidence as of: %s\n", knee_ruleset_evidence_as_of(rs));
    o += (size_t)snprintf(line, sizeof line, "%s; weights:", knee_result_method(r));
    for (j = 0; j < n && o < sizeof line; j++) {
        knee__num_text(num, sizeof num, 100.0 * knee_result_weight(r, j), 1, 0);
        o += (size_t)snprintf(line + o, sizeof line - o, "%s %s %s%%", j ? "," : "",
                              criterion_label(rs, knee_result_criterion_id(r, j)), num);
    }
    cli_print_wrapped(out, "Method: ", 8, line, width);
}

/* 1 if option i was scored without some criterion (an unknown value left out). */
static int scored_on_part(const knee_result *r, size_t i)
{
    size_t j;
    for (j = 0; j < knee_result_criterion_count(r); j++)
        if (!knee_result_value_known(r, i, j) && knee_result_cell_weight(r, i, j) == 0 &&
            knee_result_weight(r, j) > 0)
            return 1;
    return 0;
}

/* The cells of ranked option i (rank, name, score, then its values: FIXED_COLS + the criterion
 * count, each CELL_MAX bytes); adds its unknown values to *n_unknown and sets *partial and
 * *tie. */
static void fill_row(char **texts, const knee_ruleset *rs, const knee_result *r, size_t i,
                     size_t *n_unknown, int *partial, int *tie)
{
    size_t j, nc = knee_result_criterion_count(r);
    /* "1=": tied with another option (listed by name) */
    snprintf(texts[0], CELL_MAX, "%d%s", knee_result_option_rank(r, i),
             knee_result_option_tie_count(r, i) ? "=" : "");
    *tie |= knee_result_option_tie_count(r, i) > 0;
    snprintf(texts[1], CELL_MAX, "%s", knee_result_option_name(r, i));
    score_text(texts[2], CELL_MAX, r, i);
    if (scored_on_part(r, i)) {
        strncat(texts[2], "*", CELL_MAX - strlen(texts[2]) - 1);
        *partial = 1;
    }
    for (j = 0; j < nc; j++) {
        value_text(texts[FIXED_COLS + j], CELL_MAX, rs, r, i, j);
        *n_unknown += !knee_result_value_known(r, i, j);
    }
}

static void caution_text(char *note, size_t size, const knee_result *r, size_t i, size_t k)
{
    char prov[512];
    provenance(prov, sizeof prov, knee_result_caution_rule(r, i, k),
               knee_result_caution_source(r, i, k));
    snprintf(note, size, "caution: %s %s", knee_result_caution_text(r, i, k), prov);
}

static int is_ranked(const knee_result *r, size_t i)
{
    return !knee_result_option_excluded(r, i) && knee_result_option_rank(r, i) > 0;
}

/* The options one after another, each value on a line of its own under the option's name: for
 * a width the columns do not fit.
 *    1= Acetaminophen (paracetamol)
 *       Score: 0.80 (0.60–1.00)
 *       Invasiveness: Non-invasive */
static void print_stacked(FILE *out, const knee_ruleset *rs, const knee_result *r, char **texts,
                          size_t width)
{
    size_t i, j, k, nc = knee_result_criterion_count(r), dummy = 0, shown = 0;
    int flag = 0;
    char prefix[CELL_MAX + 16], note[NOTE_MAX];

    for (i = 0; i < knee_result_option_count(r); i++) {
        if (!is_ranked(r, i))
            continue;
        fill_row(texts, rs, r, i, &dummy, &flag, &flag);
        if (shown++)
            fputc('\n', out); /* a blank line between options */
        snprintf(prefix, sizeof prefix, "%3s  ", texts[0]);
        cli_print_wrapped(out, prefix, 5, texts[1], width);
        cli_print_wrapped(out, "     Score: ", 7, texts[2], width);
        for (j = 0; j < nc; j++) {
            char label[CELL_MAX];
            cli_plain(label, sizeof label, criterion_label(rs, knee_result_criterion_id(r, j)));
            snprintf(prefix, sizeof prefix, "     %s: ", label);
            cli_print_wrapped(out, prefix, 7, texts[FIXED_COLS + j], width);
        }
        for (k = 0; k < knee_result_caution_count(r, i); k++) {
            caution_text(note, sizeof note, r, i, k);
            cli_print_wrapped(out, "     ", 7, note, width);
        }
    }
}

/* A grid taller than this many lines per row on average (cells wrapped into narrow columns)
 * reads worse than the options stacked. */
#define GRID_MAX_LINES_PER_ROW 3

static int print_ranked(FILE *out, const knee_ruleset *rs, const knee_result *r, size_t width)
{
    int any_partial = 0, any_tie = 0;
    size_t nc = knee_result_criterion_count(r), ncols = FIXED_COLS + nc;
    size_t i, j, k, n_ranked = 0, n_unknown = 0, height;
    const char **cells = calloc(ncols, sizeof *cells);
    char **texts = calloc(ncols, sizeof *texts);
    char note[NOTE_MAX];
    cli_grid *g = NULL;
    int rc = -1;

    if (!cells || !texts)
        goto out;
    for (j = 0; j < ncols; j++)
        if (!(texts[j] = malloc(CELL_MAX)))
            goto out;
    cells[0] = "Rank";
    cells[1] = "Option";
    cells[2] = "Score";
    for (j = 0; j < nc; j++)
        cells[FIXED_COLS + j] = criterion_label(rs, knee_result_criterion_id(r, j));
    if (!(g = cli_grid_new(ncols, cells)))
        goto out;
    cli_grid_align(g, 0, CLI_ALIGN_RIGHT);
    cli_grid_align(g, 2, CLI_ALIGN_RIGHT);
    cli_grid_wrap_first(g, 1);

    for (i = 0; i < knee_result_option_count(r); i++) {
        if (!is_ranked(r, i))
            continue;
        n_ranked++;
        fill_row(texts, rs, r, i, &n_unknown, &any_partial, &any_tie);
        for (j = 0; j < ncols; j++)
            cells[j] = texts[j];
        if (cli_grid_add_row(g, cells) != 0)
            goto out;
        for (k = 0; k < knee_result_caution_count(r, i); k++) {
            caution_text(note, sizeof note, r, i, k);
            if (cli_grid_add_note(g, 1, note) != 0)
                goto out;
        }
    }
    fputs("\nRanked options (score 0 to 1, higher is better)\n", out);
    if (n_ranked) {
        height = cli_grid_height(g, 0, width);
        if (height && height <= GRID_MAX_LINES_PER_ROW * (n_ranked + 1))
            cli_grid_print(g, out, 0, width);
        else
            print_stacked(out, rs, r, texts, width);
        cli_print_wrapped(out, "", 0,
                          "Numbers are typical values, with their range (low" CLI_EN_DASH
                          "high) where sources give one; unknown: no sourced value.",
                          width);
        if (any_tie)
            cli_print_wrapped(out, "", 0,
                              "A rank with = is shared: those options' scores are equal (within "
                              "1e-12); they are listed by name.",
                              width);
        print_unknown_note(out, r, n_unknown, n_ranked * nc, any_partial, width);
    } else {
        fputs("  none: every option is excluded for this patient\n", out);
    }
    rc = 0;
out:
    cli_grid_free(g);
    if (texts)
        for (j = 0; j < ncols; j++)
            free(texts[j]);
    free(texts);
    free(cells);
    return rc;
}

static void print_excluded(FILE *out, const knee_result *r, size_t width)
{
    size_t i, k, n_excluded = 0;
    char line[NOTE_MAX], prov[512];

    fputs("\nExcluded\n", out);
    for (i = 0; i < knee_result_option_count(r); i++) {
        if (!knee_result_option_excluded(r, i))
            continue;
        n_excluded++;
        snprintf(line, sizeof line, "%s (%s)", knee_result_option_name(r, i),
                 knee_result_option_id(r, i));
        cli_print_wrapped(out, "  ", 4, line, width);
        for (k = 0; k < knee_result_reason_count(r, i); k++) {
            provenance(prov, sizeof prov, knee_result_reason_rule(r, i, k),
                       knee_result_reason_source(r, i, k));
            snprintf(line, sizeof line, "%s %s", knee_result_reason_text(r, i, k), prov);
            cli_print_wrapped(out, "    reason: ", 12, line, width);
        }
        for (k = 0; k < knee_result_caution_count(r, i); k++) {
            provenance(prov, sizeof prov, knee_result_caution_rule(r, i, k),
                       knee_result_caution_source(r, i, k));
            snprintf(line, sizeof line, "%s %s", knee_result_caution_text(r, i, k), prov);
            cli_print_wrapped(out, "    caution: ", 13, line, width);
        }
    }
    if (!n_excluded)
        fputs("  none\n", out);
}

static void print_missing(FILE *out, const knee_ruleset *rs, const knee_result *r, size_t width)
{
    size_t k, n = knee_result_missing_fact_count(r);

    fputs("\nMissing facts that would change the result:", out);
    if (!n) {
        fputs(" none\n", out);
        return;
    }
    fputc('\n', out);
    for (k = 0; k < n; k++) {
        const char *id = knee_result_missing_fact(r, k);
        const char *label = fact_label(rs, id);
        char line[NOTE_MAX];
        if (label && strcmp(label, id) != 0)
            snprintf(line, sizeof line, "%s (%s)", id, label);
        else
            snprintf(line, sizeof line, "%s", id);
        cli_print_wrapped(out, "  ", 4, line, width);
    }
}

/* For each region the patient gave: the regional rules that applied, or that none did (the file
 * has no rule for that region: its values are used as written). */
static void print_regions(FILE *out, const knee_result *r, size_t width)
{
    size_t k, m;
    for (k = 0; k < knee_result_region_count(r); k++) {
        const char *value = knee_result_region_value(r, k);
        size_t n = knee_result_regional_rule_count(r, k), o;
        char line[NOTE_MAX];
        if (!value)
            continue;
        if (!n) {
            snprintf(line, sizeof line,
                     "Region %s: no regional rule of this rule file applies; its values are used "
                     "as written.",
                     value);
        } else {
            o = (size_t)snprintf(line, sizeof line,
                                 "Region %s: %zu regional rule%s applied:", value, n,
                                 n == 1 ? "" : "s");
            for (m = 0; m < n && o < sizeof line; m++)
                o += (size_t)snprintf(line + o, sizeof line - o, "%s %s", m ? "," : "",
                                      knee_result_regional_rule(r, k, m));
        }
        fputc('\n', out);
        cli_print_wrapped(out, "", 2, line, width);
    }
}

int cli_print_result_table(FILE *out, const knee_ruleset *rs, const knee_result *r, size_t width)
{
    print_header(out, rs, r, width);
    if (print_ranked(out, rs, r, width) != 0)
        return -1;
    print_excluded(out, r, width);
    print_missing(out, rs, r, width);
    print_regions(out, r, width);
    return 0;
}
