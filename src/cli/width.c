/* width.c - how wide the lines of text output may be. */
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli/cli.h"

/* COLUMNS when it is a whole number, else the terminal's width when standard output is one,
 * else CLI_LINE_WIDTH: a pipe or a file gets the same layout wherever it runs, so that scripts
 * and tests do not change with the window they were started from. */
size_t cli_line_width(void)
{
    const char *columns = getenv("COLUMNS");
    struct winsize ws;
    size_t width = 0;

    if (columns && *columns) {
        char *end = NULL;
        long v = strtol(columns, &end, 10);
        if (end && *end == '\0' && v > 0)
            width = (size_t)v;
    }
    if (!width && isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 &&
        ws.ws_col > 0)
        width = ws.ws_col;
    if (!width)
        width = CLI_LINE_WIDTH;
    if (width < CLI_MIN_LINE_WIDTH)
        width = CLI_MIN_LINE_WIDTH;
    if (width > CLI_MAX_LINE_WIDTH)
        width = CLI_MAX_LINE_WIDTH;
    return width;
}
