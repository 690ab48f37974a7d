/* usage.c - the knee command's usage text, the one source of its help, man page and bash
 * completion (usage.h). Write options as typed, values as CAPITALS or a|b|c lists: the
 * completion offers the values of a|b|c lists after the option. */
#include <stdio.h>
#include <string.h>

#include "cli/usage.h"
#include "knee.h"

const char cli_help_description[] =
    "Compare knee-osteoarthritis treatment options for one patient, on rule files that cite a "
    "source for every value and rule.";

/* ---- the comparison options of compare and report ------------------------------------------ */

/* "--method weighted-sum|topsis|...": the library's methods, written by cli_usage_init(). */
static char method_option[256] = "--method METHOD";

void cli_method_list(char *buf, size_t size, const char *sep, const char *last)
{
    size_t len = 0;
    int m, n = 1;
    while (knee_method_name(n + 1))
        n++;
    buf[0] = '\0';
    for (m = 1; m <= n && len < size; m++) {
        snprintf(buf + len, size - len, "%s%s",
                 m == 1   ? ""
                 : m == n ? last
                          : sep,
                 knee_method_name(m));
        len += strlen(buf + len);
    }
}

void cli_usage_init(void)
{
    strcpy(method_option, "--method ");
    cli_method_list(method_option + 9, sizeof method_option - 9, "|", "|");
}

static const cli_help_option comparison[] = {
    {NULL, "The patient"},
    {"--rules FILE", "The rule file (default: the built-in knee-OA rules)."},
    {"--patient FILE", "A patient file (XML) whose facts are read first."},
    {"--fact NAME=VALUE",
     "A fact; overrides the patient file. An empty VALUE makes the fact unknown. Repeatable."},
    {"--fhir FILE",
     "Facts from an EHR record: FHIR R4 JSON or XML (a Bundle, a resource or a CDS Hooks "
     "request); --fact still overrides. Needs --as-of."},
    {"--as-of YYYY-MM-DD", "The date the FHIR record is read at (ages, recent events)."},
    {NULL, "Preferences"},
    {"--weight CRITERION=N", "A criterion's weight, on any scale. Repeatable; a later one wins."},
    {"--swing CRITERION=POINTS", "Swing weighting: the criterion's points from 0 to 100."},
    {"--rank-criteria A,B,C", "The criteria from the most important down (weights by rank)."},
    {"--rank-scheme roc|rank-sum", "How ranks become weights (default: roc)."},
    {NULL, "Method and unknown values"},
    {method_option, "The aggregation (default: weighted-sum; docs/methods.md)."},
    {"--vikor-v V", "VIKOR's strategy weight, 0 to 1."},
    {"--missing interval|renormalise|worst|best|neutral|refuse",
     "How unknown values are scored (default: the rule file's; interval: over their plausible "
     "range, the score at the middle)."},
    {NULL, "Analyses"},
    {"--smaa N", "Uncertainty by SMAA-2 with N samples."},
    {"--seed S", "The SMAA random seed (the same seed, the same result)."},
    {"--smaa-spread X", "How far SMAA moves the weights, 0 to 1."},
    {"--sensitivity", "How stable the winner is against each weight."},
    {"--fragile-margin M", "A winner ahead by less than M is called fragile."},
    {NULL, NULL}};

/* ---- compare ------------------------------------------------------------------------------- */

static const char *const compare_synopses[] = {
    "compare [--rules FILE] [--patient FILE] [--fact NAME=VALUE]... [--weight CRITERION=N]... "
    "[--format table|json] [options]",
    "compare --patients FILE|- [-o FILE] [--format csv|jsonl] [--threads N] [--strict] [options]",
    NULL};

static const char *const compare_about[] = {
    "Rank every option for the patient. Facts from --patient are read first; --fact overrides "
    "them. Without --rules the built-in knee-OA rules are used.",
    "The table fits the terminal: COLUMNS, else the terminal's width, else 120 columns (a pipe "
    "or a file gets the same layout everywhere). The options are rows of a grid when it reads "
    "well, else one after another with a value a line; ordinal values show their labels.",
    "With --patients, score every row of a file of patients: CSV (a header row of fact ids; "
    "RFC 4180) or JSON lines (.jsonl/.ndjson, one object of fact: value a line). An empty cell "
    "is an unknown fact. One output row per input row, in input order: CSV (row, line, id, "
    "status, error, top, then each option's _rank and _score in rule-file order) or JSON lines "
    "(the ranked options, or the whole result with --full); the format follows -o's extension "
    "unless --format. A bad row is reported as FILE:LINE:COLUMN: code: message on standard "
    "error and written with status error.",
    NULL};

static const cli_help_option compare_options[] = {
    {"--format table|json|csv|jsonl",
     "table (default) or json for one patient (docs/result-contract.md, "
     "docs/result.schema.json); csv or jsonl with --patients."},
    {"--why A,B", "The criteria for and against option A against option B."},
    {NULL, "A file of patients"},
    {"--patients FILE|-", "Score every row of FILE (- for standard input)."},
    {"-o, --output FILE", "Write the rows to FILE (default: standard output)."},
    {"--input-format csv|jsonl", "The input's format when its extension does not say."},
    {"--id-column NAME", "A column copied to the output (default: id, when there is one)."},
    {"--ignore-unknown-columns", "Skip columns that are not facts (else the run stops)."},
    {"--full", "JSON lines: the whole result of each row."},
    {"--threads N", "N workers (default 1; 0: one per CPU); the output is the same."},
    {"--strict", "Stop at the first bad row."},
    {"--max-errors N",
     "After N problem lines (default 100; 0: no limit), one notice, then the output rows only."},
    {"-q, --quiet", "No progress bar and no summary."},
    {NULL, NULL}};

/* ---- report -------------------------------------------------------------------------------- */

static const char *const report_synopses[] = {
    "report -o FILE|- [--audience patient|clinician] [--options ID,ID,...] [--date TEXT] "
    "[--rules FILE] [--patient FILE] [--fact NAME=VALUE]... [options]",
    NULL};

static const char *const report_about[] = {
    "Write the comparison as a decision-aid page: one self-contained HTML file (no scripts, no "
    "network; prints on A4 and Letter). The patient's page (the default) is short and in plain "
    "words: the top options side by side answering the questions patients ask, what nobody has "
    "measured yet, the patient's priorities, questions to ask and the sources. The clinician's "
    "page is the full comparison: the facts used and missing, the option grid, charts of the "
    "scores and of the uncertainty (with --smaa), exclusions, cautions and sources. It takes "
    "the options of compare except --format and --why.",
    NULL};

static const cli_help_option report_options[] = {
    {"-o, --output FILE|-", "The HTML file to write; - for standard output. Required."},
    {"--audience patient|clinician",
     "The page to write: the patient's short page (the default) or the clinician's full page."},
    {"--options ID,ID,...",
     "Options the patient asks about, shown as columns of the patient's page beside the top "
     "ones (at most 5)."},
    {"--date TEXT", "The date shown on the page (default: today)."},
    {NULL, NULL}};

/* ---- check, list, test, version, help ------------------------------------------------------ */

static const char *const check_synopses[] = {"check [--strict] FILE...", NULL};
static const char *const check_about[] = {
    "Load rule files and print every problem as FILE:LINE:COLUMN: code: message, with how to "
    "fix it, then the author's lint (unused sources, rules that never fire, conflicting rules, "
    "unequal detail) as warnings. docs/writing-rules.md walks through the first mistakes.",
    NULL};
static const cli_help_option check_options[] = {{"--strict", "Warnings fail the check too."},
                                                {NULL, NULL}};

static const char *const list_synopses[] = {"list [--rules FILE]", NULL};
static const char *const list_about[] = {
    "Show a rule file's options, criteria (with their levels), facts and sources.", NULL};
static const cli_help_option list_options[] = {
    {"--rules FILE", "The rule file (default: the built-in knee-OA rules)."}, {NULL, NULL}};

static const char *const test_synopses[] = {"test [FILE...]", NULL};
static const char *const test_about[] = {
    "Run the test cases inside rule files (the built-in rules when none is given): each case's "
    "patient is compared and its expectations checked.",
    NULL};

static const char *const version_synopses[] = {"version", "-V, --version", NULL};
static const char *const version_about[] = {"Print the library version.", NULL};

static const char *const help_synopses[] = {"help [COMMAND]", "COMMAND --help", NULL};
static const char *const help_about[] = {"Print the usage of knee, or of one command.", NULL};

static const cli_help_option no_options[] = {{NULL, NULL}};

const cli_help_command cli_help_commands[] = {
    {"compare", compare_synopses, "Rank the options for one patient, or for a file of patients.",
     compare_about, compare_options, comparison},
    {"report", report_synopses, "Write the comparison as a decision-aid page (HTML).", report_about,
     report_options, comparison},
    {"check", check_synopses, "Check rule files: problems, with how to fix them, and lint.",
     check_about, check_options, NULL},
    {"list", list_synopses, "Show a rule file's options, criteria, facts and sources.", list_about,
     list_options, NULL},
    {"test", test_synopses, "Run the test cases inside rule files.", test_about, no_options, NULL},
    {"version", version_synopses, "Print the library version.", version_about, no_options, NULL},
    {"help", help_synopses, "Print this text, or a command's.", help_about, no_options, NULL},
};
const size_t cli_help_command_count = sizeof cli_help_commands / sizeof cli_help_commands[0];

const char *const cli_help_exit_status[] = {
    "0 success; 1 failure (bad input, a bad row of --patients, a failed check or test); "
    "2 usage error.",
    NULL};

const char *const cli_help_environment[] = {
    "COLUMNS: the width of text output (compare, list). Without it, the terminal's width when "
    "standard output is a terminal, else 120, so that a pipe or a file gets the same layout "
    "wherever it runs.",
    NULL};
