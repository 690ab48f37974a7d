/* usage.h - the knee command's usage as data: the one source of `knee help`, `knee COMMAND
 * --help`, the man page knee.1 (man/knee_man.c, at build time) and, through --help, the bash
 * completion. Plain data, so that the man page generator needs nothing else but the library's
 * method names (cli_usage_init). */
#ifndef KNEE_CLI_USAGE_H
#define KNEE_CLI_USAGE_H

#include <stddef.h>

/* One option as typed, with its argument ("-o, --output FILE"), and what it does. A row with
 * names NULL and text set is a heading over the options below it; names and text NULL end
 * the list. */
typedef struct cli_help_option {
    const char *names;
    const char *text;
} cli_help_option;

typedef struct cli_help_command {
    const char *name;               /* "compare" */
    const char *const *synopses;    /* after "knee ", one form each; NULL-terminated */
    const char *summary;            /* one line, for `knee help` */
    const char *const *about;       /* paragraphs; NULL-terminated */
    const cli_help_option *options; /* this command's own options */
    const cli_help_option *shared;  /* the comparison options of compare and report, or NULL */
} cli_help_command;

/* Fill in what the usage data takes from the library: the methods of --method. Call first. */
void cli_usage_init(void);
/* The library's method names (knee_method_name) into buf: "a, b or c" with sep ", " and
 * last " or ". */
void cli_method_list(char *buf, size_t size, const char *sep, const char *last);

/* What knee does, in one paragraph. */
extern const char cli_help_description[];
/* The commands, in the order `knee help` lists them. */
extern const cli_help_command cli_help_commands[];
extern const size_t cli_help_command_count;
/* Paragraphs on exit status and environment (COLUMNS). NULL-terminated. */
extern const char *const cli_help_exit_status[];
extern const char *const cli_help_environment[];

#endif /* KNEE_CLI_USAGE_H */
