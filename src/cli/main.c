/* main.c - the knee command: pick the subcommand and print usage. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

void cli_usage(FILE *out)
{
    fputs(
        "usage: knee <command> [options]\n"
        "\n"
        "Compare knee-osteoarthritis treatment options for one patient, on rule files that\n"
        "cite a source for every value and rule.\n"
        "\n"
        "commands:\n"
        "  compare [--rules FILE] [--patient FILE] [--fact NAME=VALUE]... [--weight "
        "CRITERION=N]...\n"
        "          [--format table|json]\n"
        "      Rank every option for the patient. Facts from --patient are read first; --fact\n"
        "      overrides them (an empty VALUE makes the fact unknown). Without --rules the\n"
        "      built-in knee-OA rules are used.\n"
        "      Preferences: --weight CRITERION=N (any scale), --swing CRITERION=POINTS (0-100),\n"
        "        --rank-criteria a,b,c (most important first) [--rank-scheme roc|rank-sum].\n"
        "      From an EHR record: --fhir FILE --as-of YYYY-MM-DD (FHIR R4 JSON or XML: a Bundle,\n"
        "        a resource or a CDS Hooks request; --fact still overrides).\n"
        "      Method: --method weighted-sum|topsis|topsis-minmax|topsis-utility|promethee2|vikor [--vikor-v V].\n"
        "      Unknown values: --missing interval|renormalise|worst|best|neutral|refuse (default:\n"
        "        the rule file's; interval: over their plausible range, score at the middle).\n"
        "      Analyses: --smaa N [--seed S] [--smaa-spread X] (uncertainty, SMAA-2),\n"
        "        --sensitivity [--fragile-margin M] (how stable the winner is),\n"
        "        --why A,B (the criteria for and against option A against option B).\n"
        "  compare --patients FILE|- [-o FILE] [--format csv|jsonl] [--threads N] [--strict]\n"
        "          [--rules FILE] [--weight, --method and the other options of compare]\n"
        "      Score every row of a file of patients: CSV (a header row of fact ids; RFC 4180)\n"
        "      or JSON lines (.jsonl/.ndjson, one object of fact: value a line; or\n"
        "      --input-format csv|jsonl). An empty cell is an unknown fact. One output row per\n"
        "      input row, in input order: CSV (row,line,id,status,error,top, then each option's\n"
        "      _rank and _score in rule-file order) or JSON lines (the ranked options, or the\n"
        "      whole result with --full); the format follows -o's extension unless --format.\n"
        "      --id-column NAME: copied to the output (default: id, when there is one).\n"
        "      A column that is not a fact stops the run unless --ignore-unknown-columns.\n"
        "      A bad row is reported as FILE:LINE:COLUMN: code: message on stderr and written\n"
        "        with status error; --strict stops at the first one. --max-errors N: after N\n"
        "        such lines (default 100; 0: no limit), one notice, then the output rows only.\n"
        "        A summary follows (rows, scored, failed, patients/s); -q/--quiet drops it and\n"
        "        the progress bar.\n"
        "      --threads N: N workers (default 1; 0: one per CPU); the output is the same.\n"
        "  report [the options of compare, except --format and --why] -o FILE|- [--date TEXT]\n"
        "         [--audience patient|clinician] [--options ID,ID,...]\n"
        "      Write the comparison as a decision-aid page: one self-contained HTML file (no\n"
        "      scripts, no network; prints on A4 and Letter). --audience patient (the default):\n"
        "      a short page in plain words, the top options side by side answering the\n"
        "      questions patients ask, plus up to 5 options asked for with --options.\n"
        "      --audience clinician: the full page (facts used and missing, the option grid,\n"
        "      charts, uncertainty, exclusions, cautions, sources). --date: the date shown\n"
        "      (default: today). -o - writes to standard output.\n"
        "  check [--strict] FILE...\n"
        "      Load rule files and print every problem as file:line:col: code: message, then\n"
        "      the author's lint (unused sources, rules that never fire, conflicting rules,\n"
        "      unequal detail) as warnings. --strict: warnings fail the check too.\n"
        "  list [--rules FILE]\n"
        "      Show a rule file's options, criteria, facts and sources.\n"
        "  test [FILE...]\n"
        "      Run the test cases inside rule files (the built-in rules when none given).\n"
        "  version    Print the library version.\n"
        "  help       Print this text.\n"
        "\n"
        "exit status: 0 success, 1 failure (bad input, a bad row of --patients, failed check\n"
        "or test), 2 usage error.\n",
        out);
}

static int run(int argc, char **argv)
{
    const char *cmd;

    if (argc < 2) {
        cli_usage(stdout);
        return CLI_EXIT_OK;
    }
    cmd = argv[1];
    if (strcmp(cmd, "help") == 0 || cli_is_help(cmd)) {
        cli_usage(stdout);
        return CLI_EXIT_OK;
    }
    if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
        if (argc > 2)
            return cli_usage_error("version takes no arguments");
        printf("%s\n", knee_version_string());
        return CLI_EXIT_OK;
    }
    if (strcmp(cmd, "compare") == 0)
        return cli_cmd_compare(argc - 1, argv + 1);
    if (strcmp(cmd, "report") == 0)
        return cli_cmd_report(argc - 1, argv + 1);
    if (strcmp(cmd, "check") == 0)
        return cli_cmd_check(argc - 1, argv + 1);
    if (strcmp(cmd, "list") == 0)
        return cli_cmd_list(argc - 1, argv + 1);
    if (strcmp(cmd, "test") == 0)
        return cli_cmd_test(argc - 1, argv + 1);
    if (cmd[0] == '-')
        return cli_usage_error("unknown option '%s'", cmd);
    return cli_usage_error("unknown command '%s'", cmd);
}

int main(int argc, char **argv)
{
    /* No setlocale() on purpose: the "C" locale keeps every number we print with a '.'
     * decimal point whatever LANG or LC_ALL say. */
    cli_signals_install();
    /* Standard output must have reached its file, pipe or terminal: a full disk or a closed
     * pipe is a failure, not a silent success. */
    return cli_output_finish_stdout(run(argc, argv));
}
