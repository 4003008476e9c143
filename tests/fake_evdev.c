/* fake_evdev.c -- lets a FIFO stand in for an evdev input device, for
 * LD_PRELOAD.
 *
 *   FAKE_EVDEV=PATH  a FIFO; EVIOCGRAB on an fd open on it succeeds
 *
 * No machine here has /dev/input devices or uinput, but what the kiosk
 * reads from one is a plain stream of struct input_event records, which a
 * test can write into a FIFO itself. The one call a FIFO cannot answer is
 * the grab (ioctl EVIOCGRAB: ENOTTY), so that is all this emulates. The fd
 * is matched by what it is open on (st_dev/st_ino of PATH), not by the
 * path it was opened with. Every other ioctl, and EVIOCGRAB on anything
 * else, goes on to the real one. Each grab is one stderr line, so the test
 * sees that the kiosk did grab its scanner.
 *
 * Not sanitized (see tests/service.cmake). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <linux/input.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

typedef int (*ioctl_fn)(int, unsigned long, ...);

static ioctl_fn real_ioctl(void)
{
    /* Resolved on first use: a constructor could run after a sanitizer
     * runtime's own first ioctl. Racing threads store the same value. */
    static ioctl_fn real;
    if (!real)
        real = (ioctl_fn)dlsym(RTLD_NEXT, "ioctl");
    return real;
}

static int is_fake(int fd)
{
    const char *path = getenv("FAKE_EVDEV");
    struct stat want, got;
    if (!path || !*path || stat(path, &want) != 0 || fstat(fd, &got) != 0)
        return 0;
    return S_ISFIFO(got.st_mode) && got.st_dev == want.st_dev &&
           got.st_ino == want.st_ino;
}

/* glibc's prototype; the third argument is a pointer or an integer the
 * size of one, so passing it on as a pointer is what glibc itself does. */
int ioctl(int fd, unsigned long request, ...)
{
    va_list ap;
    va_start(ap, request);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    if (request == (unsigned long)EVIOCGRAB && is_fake(fd)) {
        fprintf(stderr, "fake_evdev: EVIOCGRAB %s fd %d\n",
                arg ? "grab" : "release", fd);
        return 0;
    }
    ioctl_fn real = real_ioctl();
    if (!real) {
        errno = ENOSYS;
        return -1;
    }
    return real(fd, request, arg);
}
