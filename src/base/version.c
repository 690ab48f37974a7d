/* version.c - the version of the library actually loaded. */
#include "knee.h"

#define KNEE_STR2(x) #x
#define KNEE_STR(x) KNEE_STR2(x)

const char *knee_version_string(void)
{
    return KNEE_STR(KNEE_VERSION_MAJOR) "." KNEE_STR(KNEE_VERSION_MINOR) "." KNEE_STR(
        KNEE_VERSION_PATCH);
}

int knee_version_number(void)
{
    return KNEE_VERSION_NUMBER;
}
