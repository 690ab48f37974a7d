/* help.c - `knee help`, `knee help COMMAND` and `knee COMMAND --help`, printed from the usage
 * data of usage.c. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/usage.h"

/* Help reads best in lines no longer than this, on a wider terminal too. */
#define HELP_WIDTH 80
/* Option texts start in this column when the option fits before it. */
#define TEXT_COLUMN 30

static size_t help_width(void)
{
    size_t width = cli_line_width();
    return width < HELP_WIDTH ? width : HELP_WIDTH;
}

const cli_help_command *cli_help_find(const char *name)
{
    size_t i;
    for (i = 0; i < cli_help_command_count; i++)
        if (strcmp(cli_help_commands[i].name, name) == 0)
            return &cli_help_commands[i];
    return NULL;
}

static void print_paragraphs(FILE *out, const char *const *paragraphs, size_t indent, size_t width)
{
    size_t k;
    for (k = 0; paragraphs[k]; k++) {
        if (k)
            fputc('\n', out);
        cli_print_wrapped(out, NULL, indent, paragraphs[k], width);
    }
}

static void print_options(FILE *out, const cli_help_option *o, size_t width)
{
    char prefix[TEXT_COLUMN + 1];
    for (; o->names || o->text; o++) {
        if (!o->names) {
            fprintf(out, "\n%s:\n", o->text);
            continue;
        }
        if (strlen(o->names) + 4 <= TEXT_COLUMN) {
            snprintf(prefix, sizeof prefix, "  %-*s", TEXT_COLUMN - 2, o->names);
            cli_print_wrapped(out, prefix, TEXT_COLUMN, o->text, width);
        } else {
            cli_print_wrapped(out, "  ", 6, o->names, width);
            cli_print_wrapped(out, NULL, TEXT_COLUMN, o->text, width);
        }
    }
}

void cli_usage(FILE *out)
{
    size_t i, width = help_width();
    char prefix[32];

    fputs("usage: knee COMMAND [options]\n\n", out);
    cli_print_wrapped(out, NULL, 0, cli_help_description, width);
    fputs("\ncommands:\n", out);
    for (i = 0; i < cli_help_command_count; i++) {
        snprintf(prefix, sizeof prefix, "  %-10s", cli_help_commands[i].name);
        cli_print_wrapped(out, prefix, 12, cli_help_commands[i].summary, width);
    }
    fputc('\n', out);
    cli_print_wrapped(out, NULL, 0,
                      "Run 'knee COMMAND --help' (or 'knee help COMMAND') for a command's options, "
                      "'man knee' for everything.",
                      width);
    fputc('\n', out);
    cli_print_wrapped(out, "exit status: ", 2, cli_help_exit_status[0], width);
}

void cli_command_usage(FILE *out, const cli_help_command *c)
{
    size_t k, width = help_width();

    for (k = 0; c->synopses[k]; k++) {
        char prefix[32];
        snprintf(prefix, sizeof prefix, "%s knee ", k ? "      " : "usage:");
        /* continuation lines hang under the command's options */
        cli_print_wrapped(out, prefix, 13 + strlen(c->name), c->synopses[k], width);
    }
    fputc('\n', out);
    print_paragraphs(out, c->about, 0, width);
    if (c->options[0].names || c->options[0].text) {
        fputs("\noptions:\n", out);
        print_options(out, c->options, width);
    }
    if (c->shared)
        print_options(out, c->shared, width);
    fputc('\n', out);
    cli_print_wrapped(out, "exit status: ", 2, cli_help_exit_status[0], width);
}

int cli_help_for(const char *command)
{
    const cli_help_command *c = cli_help_find(command);
    if (!c)
        return cli_usage_error("help: no command '%s'", command);
    cli_command_usage(stdout, c);
    return CLI_EXIT_OK;
}
