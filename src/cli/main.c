/* main.c - the knee command: pick the subcommand (cmd_*.c; usage in help.c and usage.c). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/usage.h"

static int run(int argc, char **argv)
{
    const char *cmd;

    cli_usage_init();
    if (argc < 2) {
        cli_usage(stdout);
        return CLI_EXIT_OK;
    }
    cmd = argv[1];
    if (strcmp(cmd, "help") == 0 || cli_is_help(cmd)) {
        if (argc > 3)
            return cli_usage_error("help takes one command at most");
        if (argc == 3)
            return cli_help_for(cli_is_help(argv[2]) ? "help" : argv[2]);
        cli_usage(stdout);
        return CLI_EXIT_OK;
    }
    if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
        if (argc == 3 && cli_is_help(argv[2]))
            return cli_help_for("version");
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
