/* feed_crash_shim.c -- LD_PRELOAD fault injector for the kill -9 tests:
 * counts the calls that change files (write, pwrite, fsync, fdatasync,
 * ftruncate, rename, unlink) and SIGKILLs the process at call number
 * OCOP_CRASH_AT, so a test can stop a sync at every step of an apply.
 * With OCOP_CRASH_COUNT=FILE it only counts and writes the total there. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

static long calls, crash_at = -1;

static void tick(void)
{
    if (crash_at < 0) {
        const char *e = getenv("OCOP_CRASH_AT");
        crash_at = e ? atol(e) : 0;
    }
    if (++calls == crash_at)
        raise(SIGKILL);
}

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

#define REAL(name, type)                                                     \
    static type real;                                                        \
    if (!real)                                                               \
        real = (type)dlsym(RTLD_NEXT, name);

ssize_t write(int fd, const void *buf, size_t n)
{
    REAL("write", write_fn);
    if (fd > 2)
        tick();
    return real(fd, buf, n);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off)
{
    REAL("pwrite64", pwrite_fn);
    tick();
    return real(fd, buf, n, off);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
    REAL("pwrite", pwrite_fn);
    tick();
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
    tick();
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
