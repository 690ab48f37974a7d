/* Compiled alone as C89 (-pedantic) and as C++: the public header must stand on its own. */
#include "knee.h"

int main(void)
{
    knee_ruleset *rs = 0;
    (void)rs;
    return knee_version_number() == KNEE_VERSION_NUMBER ? 0 : 1;
}
