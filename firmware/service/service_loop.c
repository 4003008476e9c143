/* service_loop.c -- the scanning loop: one poll over the signals, the sync
 * thread's eventfd, the camera and the scanner; the watchdog each turn. */
#include "service_int.h"

#include "log.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

static int64_t earliest(int64_t a, int64_t b)
{
    return a && (!b || a < b) ? a : b;
}

void svc_loop(struct svc *s)
{
    for (;;) {
        int64_t now = svc_mono_ms();
        /* Every turn, at most once a second: a loop stuck anywhere stops
         * these and systemd restarts the service. */
        if (now - s->last_watchdog >= LOOP_MAX_MS / 2) {
            sd_notify(0, "WATCHDOG=1");
            s->last_watchdog = now;
        }
        if (s->cam_retry_ms && now >= s->cam_retry_ms)
            svc_camera_try(s);
        if (s->scan_retry_ms && now >= s->scan_retry_ms)
            svc_scanner_try(s);
        if (!s->v.mirror && now >= s->next_mirror_try) {
            svc_mirror_reload(s);
            s->next_mirror_try = now + RETRY_MS;
        }
        svc_screen_update(s, now);
        svc_notify_status(s, now);
        if (!s->ready_sent) {
            sd_notify(0, "READY=1");
            kiosk_logl(KLOG_INFO, "running");
            s->ready_sent = 1;
        }

        int64_t wake = now + LOOP_MAX_MS;
        if (s->verdict_until > now)
            wake = earliest(s->verdict_until, wake);
        wake = earliest(s->cam_retry_ms, wake);
        wake = earliest(s->scan_retry_ms, wake);
        if (!s->v.mirror)
            wake = earliest(s->next_mirror_try, wake);
        struct pollfd p[4] = {
            {.fd = s->sigfd, .events = POLLIN},
            {.fd = s->w.mirror_fd, .events = POLLIN},
            {.fd = s->cam ? camera_fd(s->cam) : -1, .events = POLLIN},
            {.fd = s->scan_fd, .events = POLLIN},
        };
        int timeout = wake > now ? (int)(wake - now) : 0;
        int n = poll(p, 4, timeout);
        if (n < 0 && errno != EINTR) {
            kiosk_logl(KLOG_ERR, "poll: %s", strerror(errno));
            return;
        }
        if (n <= 0)
            continue;
        if ((p[0].revents & POLLIN) && svc_on_signal(s))
            return;
        if (p[1].revents & POLLIN) {
            uint64_t count;
            if (read(s->w.mirror_fd, &count, sizeof count) > 0)
                svc_mirror_reload(s);
        }
        if (s->cam && p[2].revents)
            svc_camera_ready(s, p[2].revents);
        if (s->scan_fd >= 0 && p[3].revents)
            svc_scanner_ready(s);
    }
}
