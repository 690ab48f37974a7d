/* host_locale.c - a shared object that scripts/ci-locale.sh preloads (LD_PRELOAD) into every
 * test program, so each runs as a host that called setlocale(LC_ALL, "") at start-up, as EHR
 * servers often do. With LC_ALL=de_DE.UTF-8 that makes the decimal separator a comma; the
 * library's parsing and output must not change. */
#include <locale.h>
#include <stdio.h>

__attribute__((constructor)) static void knee_host_locale(void)
{
    if (!setlocale(LC_ALL, ""))
        fprintf(stderr, "host_locale: the locale named by the environment is not installed\n");
}
