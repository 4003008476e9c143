/* service_scanner.c -- the service's barcode scanner: an evdev keyboard
 * (grabbed, its key events read with the kernel's timestamps) or standard
 * input, turned into lines by wedge.c. */
#include "service_int.h"

#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

void svc_scanner_close(struct svc *s)
{
    if (s->scan_fd > STDERR_FILENO)
        close(s->scan_fd);
    s->scan_fd = -1;
}

void svc_scanner_try(struct svc *s)
{
    s->scan_retry_ms = 0;
    if (!s->cfg.scanner[0])
        return;
    if (!strcmp(s->cfg.scanner, "-")) {
        s->scan_evdev = 0;
        wedge_init(&s->wedge, 0);
        s->scan_fd = STDIN_FILENO;
        return;
    }
    s->scan_evdev = 1;
    wedge_init(&s->wedge, WEDGE_IDLE_MS);
    s->scan_fd = wedge_open_evdev(s->cfg.scanner);
    if (s->scan_fd < 0) {
        /* Once per problem, as for the camera: an unplugged scanner
         * must not write a line to the journal every 2 s all day. */
        int err = errno;
        if (err != s->scan_problem)
            kiosk_logl(KLOG_WARNING, "scanner %s: %s; retrying every %d s",
                       s->cfg.scanner, strerror(err), RETRY_MS / 1000);
        s->scan_problem = err;
        s->scan_retry_ms = svc_mono_ms() + RETRY_MS;
        return;
    }
    s->scan_problem = 0;
    kiosk_logl(KLOG_INFO, "scanner %s: open", s->cfg.scanner);
}

static int scanner_line(void *ctx, const char *text, size_t len, int overflow)
{
    struct svc *s = ctx;
    if (len == 0)
        return 0;
    /* An overflowing line is judged by its start: longer than any
     * label, it can never pass as one. */
    if (overflow)
        svc_judge(s, "scanner", text, len);
    else
        svc_dispatch(s, "scanner", text, len, 1);
    return 0;
}

void svc_scanner_ready(struct svc *s)
{
    int64_t now = svc_mono_ms();
    if (!s->scan_evdev) {
        char buf[4096];
        ssize_t n = read(s->scan_fd, buf, sizeof buf);
        if (n > 0) {
            wedge_bytes(&s->wedge, buf, (size_t)n, now, scanner_line, s);
        } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
            /* The end of stdin: a last line without its Enter counts. */
            wedge_bytes(&s->wedge, "\n", 1, now, scanner_line, s);
            kiosk_logl(KLOG_INFO, "scanner: standard input ended");
            s->scan_fd = -1;
        }
        return;
    }
    struct input_event ev[64];
    ssize_t n = read(s->scan_fd, ev, sizeof ev);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (n <= 0) {
        kiosk_logl(KLOG_WARNING, "scanner %s: %s; retrying every %d s",
                   s->cfg.scanner, n < 0 ? strerror(errno) : "gone",
                   RETRY_MS / 1000);
        svc_scanner_close(s);
        s->scan_retry_ms = now + RETRY_MS;
        return;
    }
    for (size_t i = 0; i < (size_t)n / sizeof ev[0]; i++) {
        if (ev[i].type == EV_SYN && ev[i].code == SYN_DROPPED)
            kiosk_logl(KLOG_WARNING,
                       "scanner %s: events lost (read too late); "
                       "the code being typed is dropped",
                       s->cfg.scanner);
        /* The pause that ends a broken-off code is measured between the
         * kernel's timestamps of the keys, not when this loop got to
         * them: a loop held up mid-code (a slow fsync on an SD card)
         * must not split one code in two. */
        int64_t t = ev[i].input_event_sec || ev[i].input_event_usec
                        ? (int64_t)ev[i].input_event_sec * 1000 +
                              (int64_t)ev[i].input_event_usec / 1000
                        : now;
        wedge_event(&s->wedge, &ev[i], t, scanner_line, s);
    }
}
