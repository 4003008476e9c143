/* service_camera.c -- the service's camera: opened, retried when it fails,
 * each frame read for codes in live mode. */
#include "service_int.h"

#include "log.h"

#include <poll.h>
#include <stdio.h>
#include <string.h>

static void camera_drop(struct svc *s, const char *why)
{
    if (s->cam) {
        camera_close(s->cam);
        s->cam = NULL;
    }
    if (strcmp(why, s->cam_problem)) {
        kiosk_logl(KLOG_WARNING, "%s; retrying every %d s", why,
                   RETRY_MS / 1000);
        snprintf(s->cam_problem, sizeof s->cam_problem, "%s", why);
    }
    s->cam_retry_ms = svc_mono_ms() + RETRY_MS;
}

void svc_camera_try(struct svc *s)
{
    s->cam_retry_ms = 0;
    if (!s->cfg.camera[0])
        return;
    char msg[1200];
    if (camera_open(s->cfg.camera, (int)s->cfg.camera_width,
                    (int)s->cfg.camera_height, &s->cam, msg, sizeof msg) != 0) {
        camera_drop(s, msg);
        return;
    }
    s->cam_problem[0] = '\0';
    debounce_reset(&s->deb);
    kiosk_logl(KLOG_INFO, "camera %s: open (%s)", s->cfg.camera,
               camera_kind(s->cam));
}

static int camera_code(void *ctx, const char *text, size_t len)
{
    struct svc *s = ctx;
    if (debounce_seen(&s->deb, text, len, s->frame_ms))
        svc_dispatch(s, "camera", text, len, 0);
    return 0;
}

void svc_camera_ready(struct svc *s, short revents)
{
    char msg[1200];
    labels_image img;
    int rc = revents & (POLLERR | POLLHUP | POLLNVAL)
                 ? CAMERA_GONE
                 : camera_take(s->cam, &img, msg, sizeof msg);
    if (rc == CAMERA_GONE)
        snprintf(msg, sizeof msg, "camera %s: device gone", s->cfg.camera);
    if (rc < 0) {
        camera_drop(s, msg);
        return;
    }
    if (rc == 0)
        return;
    s->frame_ms = svc_mono_ms();
    /* Live mode: about one ZBar pass per frame; the reader spreads its
     * retries for a likely but unread code over the next frames. */
    rc = labels_read(s->dec, &img, LABELS_EFFORT_FRAME, camera_code, s, NULL);
    if (rc != LABELS_OK)
        kiosk_logl(KLOG_WARNING, "camera: %s", labels_strerror(rc));
}
