/* service_status.c -- the one-line STATUS= the service gives systemd
 * (`systemctl status`): ready or why not, what is missing, what waits. */
#include "service_int.h"

#include "log.h"

#include <stdio.h>
#include <string.h>
#include <systemd/sd-daemon.h>

void svc_notify_status(struct svc *s, int64_t now)
{
    if (now >= s->next_stats && s->v.log) {
        scan_log_stats st;
        s->pending = scan_log_get_stats(s->v.log, &st) == 0 ? st.pending : -1;
        s->next_stats = now + STATS_MS;
    }
    char status[512];
    int64_t version = -1;
    char published[32];
    if (s->v.mirror)
        labels_mirror_info(s->v.mirror, &version, published);
    int n;
    if (!s->v.mirror)
        n = snprintf(status, sizeof status, "not ready: %s", s->v.not_ready);
    else
        n = snprintf(status, sizeof status, "ready, mirror v%lld",
                     (long long)version);
    if (n > 0 && (size_t)n < sizeof status && s->cfg.camera[0] && !s->cam)
        n += snprintf(status + n, sizeof status - (size_t)n, ", no camera");
    if (n > 0 && (size_t)n < sizeof status && s->v.mirror && s->stale)
        n += snprintf(status + n, sizeof status - (size_t)n, ", stale data");
    if (n > 0 && (size_t)n < sizeof status && s->v.log_problem[0])
        n += snprintf(status + n, sizeof status - (size_t)n,
                      ", scan log failing");
    if (n > 0 && (size_t)n < sizeof status && s->pending >= 0)
        snprintf(status + n, sizeof status - (size_t)n,
                 ", %lld scans pending upload", (long long)s->pending);
    if (!strcmp(status, s->status))
        return;
    memcpy(s->status, status, sizeof status);
    sd_notifyf(0, "STATUS=%s", status);
}
