/* rules.c - load the rule file a command works on, reporting a failure the one way. */
#include <stdio.h>

#include "cli/cli.h"

knee_ruleset *cli_load_rules(const char *path)
{
    knee_ruleset *rs = NULL;
    knee_diag *diag = NULL;
    char what[512];
    int status;

    if (path)
        status = knee_ruleset_load_file(&rs, path, NULL, &diag);
    else
        status = knee_ruleset_load_default(&rs, &diag);
    if (status != KNEE_OK) {
        snprintf(what, sizeof what, "rules '%s'", path ? path : "<default>");
        cli_fail_diag(what, status, diag, path ? path : "<default>");
        rs = NULL;
    }
    knee_diag_free(diag);
    return rs;
}
