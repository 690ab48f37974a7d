/* output.c - where a command writes (-o FILE or standard output), so that what it leaves is
 * whole or nothing: an output that is one of the inputs is refused before anything is opened;
 * a file is written to a temporary file in its folder and renamed over it only on success;
 * SIGINT, SIGTERM and SIGHUP remove the temporary file; and write errors are reported, not
 * lost.
 *
 * The signal handling lives here, in the command, never in the library. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"

/* ---- signals ------------------------------------------------------------------------------ */

/* The signal handler sees only these: a lock-free atomic and a name written before it is
 * published (one output per process). */
static atomic_int caught;         /* the signal caught, or 0 */
static atomic_int deferred;       /* the command stops by itself at a whole row */
static atomic_int temp_published; /* temp_name holds a file to remove */
static char temp_name[PATH_MAX];

static void die_of(int sig)
{
    struct sigaction sa;
    sigset_t set;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_DFL;
    sigaction(sig, &sa, NULL);
    sigemptyset(&set);
    sigaddset(&set, sig);
    raise(sig);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
}

/* Async-signal-safe: unlink, sigaction, raise. A second signal while the command is stopping
 * by itself does not wait for it. */
static void on_signal(int sig)
{
    int first = atomic_exchange(&caught, sig) == 0;
    if (first && atomic_load(&deferred))
        return;
    if (atomic_load(&temp_published))
        unlink(temp_name);
    die_of(sig); /* delivered when the handler returns */
}

void cli_signals_install(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    size_t k;
    for (k = 0; k < sizeof sigs / sizeof sigs[0]; k++) {
        struct sigaction sa, old;
        /* A signal ignored when we started (nohup, a background job) stays ignored. */
        if (sigaction(sigs[k], NULL, &old) != 0 || old.sa_handler == SIG_IGN)
            continue;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sa.sa_flags = SA_RESTART; /* reads and writes in progress go on */
        sigemptyset(&sa.sa_mask);
        sigaction(sigs[k], &sa, NULL);
    }
}

void cli_signals_defer(int on)
{
    atomic_store(&deferred, on);
}

int cli_interrupted(void)
{
    return atomic_load(&caught);
}

const char *cli_signal_name(int sig)
{
    return sig == SIGINT    ? "SIGINT"
           : sig == SIGTERM ? "SIGTERM"
           : sig == SIGHUP  ? "SIGHUP"
                            : "a signal";
}

void cli_die_of_signal(int sig)
{
    fflush(stderr);
    die_of(sig);
    _exit(128 + sig); /* not reached */
}

/* ---- same file ---------------------------------------------------------------------------- */

int cli_output_refuse_inputs(const char *output, const char *const *inputs, size_t n)
{
    struct stat out, in;
    size_t k;

    /* A new file, a device or a pipe cannot be one of the inputs in a way that destroys it. */
    if ((output ? stat(output, &out) : fstat(STDOUT_FILENO, &out)) != 0 || !S_ISREG(out.st_mode))
        return CLI_EXIT_OK;
    for (k = 0; k < n; k++) {
        if (!inputs[k])
            continue;
        if ((strcmp(inputs[k], "-") == 0 ? fstat(STDIN_FILENO, &in) : stat(inputs[k], &in)) != 0)
            continue;
        if (in.st_dev == out.st_dev && in.st_ino == out.st_ino) {
            fprintf(stderr,
                    "knee: %s%s%s is the input '%s': writing it would destroy the input; "
                    "write to another file\n",
                    output ? "-o '" : "standard output", output ? output : "", output ? "'" : "",
                    strcmp(inputs[k], "-") == 0 ? "<stdin>" : inputs[k]);
            return CLI_EXIT_USAGE;
        }
    }
    return CLI_EXIT_OK;
}

/* ---- the output file ---------------------------------------------------------------------- */

/* The permissions a new file gets from fopen(), or the existing file's. */
static mode_t file_mode(const struct stat *existing)
{
    mode_t mask;
    if (existing)
        return existing->st_mode & 07777;
    mask = umask(0); /* the command is single-threaded when it opens its output */
    umask(mask);
    return 0666 & ~mask;
}

int cli_output_open(cli_output *o, const char *path)
{
    struct stat st, lst;
    const char *slash;
    size_t dir_len;
    int fd = -1, exists;

    memset(o, 0, sizeof *o);
    o->name = path ? path : "standard output";
    if (!path) {
        o->f = stdout;
        return CLI_EXIT_OK;
    }
    errno = ENOENT; /* for an empty name */
    if (!*path)
        goto fail;
    exists = stat(path, &st) == 0;
    if (exists && access(path, W_OK) != 0) /* as fopen() would: a read-only file stays */
        goto fail;
    if (exists && !S_ISREG(st.st_mode)) {
        /* A device or a pipe (/dev/null, a FIFO): written in place, nothing to replace. */
        if (!(o->f = fopen(path, "wb")))
            goto fail;
        return CLI_EXIT_OK;
    }
    /* A symbolic link to a file: the file is replaced, the link stays. */
    if (exists && lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode))
        o->final = realpath(path, NULL);
    else
        o->final = strdup(path);
    if (!o->final || !(o->temp = malloc(strlen(o->final) + 16)))
        goto fail;
    slash = strrchr(o->final, '/');
    dir_len = slash ? (size_t)(slash - o->final) + 1 : 0;
    sprintf(o->temp, "%.*s.%s.XXXXXX", (int)dir_len, o->final, o->final + dir_len);
    if (strlen(o->temp) >= sizeof temp_name) {
        errno = ENAMETOOLONG;
        goto fail;
    }
    if ((fd = mkstemp(o->temp)) < 0) {
        free(o->temp); /* nothing to remove */
        o->temp = NULL;
        goto fail;
    }
    strcpy(temp_name, o->temp);
    atomic_store(&temp_published, 1);
    if (fchmod(fd, file_mode(exists ? &st : NULL)) != 0 || !(o->f = fdopen(fd, "wb")))
        goto fail;
    return CLI_EXIT_OK;
fail:
    fprintf(stderr, "knee: cannot write '%s': %s\n", path, strerror(errno));
    if (fd >= 0 && !o->f)
        close(fd);
    cli_output_discard(o);
    return CLI_EXIT_FAIL;
}

int cli_output_write(cli_output *o, const void *data, size_t len)
{
    if (!o->failed && len && fwrite(data, 1, len, o->f) != len) {
        o->error = errno;
        o->failed = 1;
    }
    return o->failed ? -1 : 0;
}

int cli_output_flush(cli_output *o)
{
    if (fflush(o->f) != 0 || ferror(o->f)) {
        if (!o->failed)
            o->error = errno ? errno : EIO;
        o->failed = 1;
    }
    return o->failed ? -1 : 0;
}

static int stdout_reported; /* a failure of standard output was reported already */

void cli_output_report(const cli_output *o)
{
    fprintf(stderr, "knee: error writing %s: %s\n", o->name, strerror(o->error ? o->error : EIO));
    if (o->f == stdout)
        stdout_reported = 1;
}

int cli_output_finish_stdout(int rc)
{
    int bad = fflush(stdout) != 0 || ferror(stdout);
    int err = errno;
    if (fclose(stdout) != 0 && !bad) {
        bad = 1;
        err = errno;
    }
    if (bad) {
        if (!stdout_reported)
            fprintf(stderr, "knee: error writing standard output: %s\n", strerror(err ? err : EIO));
        if (rc == CLI_EXIT_OK)
            rc = CLI_EXIT_FAIL;
    }
    return rc;
}

void cli_output_discard(cli_output *o)
{
    if (o->f && o->f != stdout)
        fclose(o->f);
    else if (o->f == stdout)
        fflush(stdout); /* the whole rows written so far */
    if (o->temp) {
        unlink(o->temp);
        atomic_store(&temp_published, 0);
    }
    free(o->temp);
    free(o->final);
    o->f = NULL;
    o->temp = o->final = NULL;
}

int cli_output_close(cli_output *o)
{
    FILE *f = o->f;

    if (cli_output_flush(o) == 0 && f != stdout) { /* main() closes standard output */
        o->f = NULL;
        if (fclose(f) != 0 || (o->temp && rename(o->temp, o->final) != 0)) {
            o->error = errno;
            o->failed = 1;
        } else if (o->temp) { /* in place now: nothing to remove */
            atomic_store(&temp_published, 0);
            free(o->temp);
            o->temp = NULL;
        }
    }
    if (o->failed) {
        cli_output_report(o);
        cli_output_discard(o);
        return CLI_EXIT_FAIL;
    }
    o->f = NULL;
    cli_output_discard(o);
    return CLI_EXIT_OK;
}
