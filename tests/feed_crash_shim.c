/* feed_crash_shim.c -- LD_PRELOAD fault injector for the feed tests:
 * counts the calls that change files (write, pwrite, fsync, fdatasync,
 * ftruncate, rename, unlink) and
 * - OCOP_CRASH_AT=N: SIGKILLs the process at call N, so a test can stop
 *   a sync at every step of an apply;
 * - OCOP_FULL_AT=N: from call N on, every write fails with ENOSPC, as on
 *   a disk that just filled up.
 * With OCOP_CRASH_COUNT=FILE it writes the number of calls there. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

static long calls, crash_at = -1, full_at = -1;

/* Count a call; non-zero if a write must fail with ENOSPC. */
static int tick(void)
{
    if (crash_at < 0) {
        const char *e = getenv("OCOP_CRASH_AT");
        crash_at = e ? atol(e) : 0;
        e = getenv("OCOP_FULL_AT");
        full_at = e ? atol(e) : 0;
    }
    if (++calls == crash_at)
        raise(SIGKILL);
    return full_at > 0 && calls >= full_at;
}

#define FULL()                                                                 \
    do {                                                                       \
        errno = ENOSPC;                                                        \
        return -1;                                                             \
    } while (0)

__attribute__((destructor)) static void report(void)
{
    const char *path = getenv("OCOP_CRASH_COUNT");
    if (!path)
        return;
    FILE *f = fopen(path, "w");
    if (f) {
        fprintf(f, "%ld\n", calls);
        fclose(f);
    }
}

typedef ssize_t (*write_fn)(int, const void *, size_t);
typedef ssize_t (*pwrite_fn)(int, const void *, size_t, off_t);
typedef int (*fd_fn)(int);
typedef int (*trunc_fn)(int, off_t);
typedef int (*rename_fn)(const char *, const char *);
typedef int (*path_fn)(const char *);

#define REAL(name, type)                                                       \
    static type real;                                                          \
    if (!real)                                                                 \
        real = (type)dlsym(RTLD_NEXT, name);

ssize_t write(int fd, const void *buf, size_t n)
{
    REAL("write", write_fn);
    if (fd > 2 && tick())
        FULL();
    return real(fd, buf, n);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off)
{
    REAL("pwrite64", pwrite_fn);
    if (tick())
        FULL();
    return real(fd, buf, n, off);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
    REAL("pwrite", pwrite_fn);
    if (tick())
        FULL();
    return real(fd, buf, n, off);
}

int fsync(int fd)
{
    REAL("fsync", fd_fn);
    tick();
    return real(fd);
}

int fdatasync(int fd)
{
    REAL("fdatasync", fd_fn);
    tick();
    return real(fd);
}

int ftruncate(int fd, off_t len)
{
    REAL("ftruncate", trunc_fn);
    if (tick() && len > 0)
        FULL();
    return real(fd, len);
}

int rename(const char *a, const char *b)
{
    REAL("rename", rename_fn);
    tick();
    return real(a, b);
}

int unlink(const char *p)
{
    REAL("unlink", path_fn);
    tick();
    return real(p);
}
