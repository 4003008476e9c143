/* screen_out_drm.c -- a rendered screen on a DRM display (libdrm): the
 * first connected connector's preferred mode, one XRGB8888 dumb buffer. */
#include "screen_out_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

struct screen_drm {
    int fd;
    uint32_t connector, crtc, fb_id, handle, pitch;
    drmModeModeInfo mode;
    drmModeCrtc *saved; /* what was on screen before, to restore */
    int mode_set;       /* our buffer went on screen: restore at close */
    uint8_t *map;
    size_t size;
};

/* A CRTC that can drive connector c: the one already attached, else the
 * first free one any of its encoders reaches. 0 if none. */
static uint32_t pick_crtc(int fd, const drmModeRes *res,
                          const drmModeConnector *c)
{
    if (c->encoder_id) {
        drmModeEncoder *e = drmModeGetEncoder(fd, c->encoder_id);
        if (e) {
            uint32_t crtc = e->crtc_id;
            drmModeFreeEncoder(e);
            if (crtc)
                return crtc;
        }
    }
    for (int i = 0; i < c->count_encoders; i++) {
        drmModeEncoder *e = drmModeGetEncoder(fd, c->encoders[i]);
        if (!e)
            continue;
        for (int j = 0; j < res->count_crtcs && j < 32; j++) {
            if (e->possible_crtcs & (1u << j)) {
                drmModeFreeEncoder(e);
                return res->crtcs[j];
            }
        }
        drmModeFreeEncoder(e);
    }
    return 0;
}

/* Find a connected connector, its preferred mode and a CRTC. */
static int pick_output(screen_drm *d, const char *path, char *msg, size_t msgsz)
{
    drmModeRes *res = drmModeGetResources(d->fd);
    if (!res) {
        screen_out_say(msg, msgsz, "%s: not a modesetting device (%s)", path,
                       strerror(errno));
        return LABELS_ERR_IO;
    }
    int err = LABELS_ERR_NOT_FOUND;
    screen_out_say(msg, msgsz, "%s: no connected display", path);
    for (int i = 0; i < res->count_connectors && err; i++) {
        drmModeConnector *c = drmModeGetConnector(d->fd, res->connectors[i]);
        if (!c)
            continue;
        if (c->connection == DRM_MODE_CONNECTED && c->count_modes > 0) {
            int best = 0;
            for (int m = 0; m < c->count_modes; m++)
                if (c->modes[m].type & DRM_MODE_TYPE_PREFERRED) {
                    best = m;
                    break;
                }
            uint32_t crtc = pick_crtc(d->fd, res, c);
            if (crtc) {
                d->connector = c->connector_id;
                d->crtc = crtc;
                d->mode = c->modes[best];
                err = LABELS_OK;
            }
        }
        drmModeFreeConnector(c);
    }
    drmModeFreeResources(res);
    return err;
}

int screen_drm_open(const char *path, screen_drm **out, char *msg, size_t msgsz)
{
    if (!out)
        return LABELS_ERR_ARG;
    *out = NULL;
    if (!path)
        path = "/dev/dri/card0";
    screen_drm *d = calloc(1, sizeof *d);
    if (!d)
        return LABELS_ERR_NOMEM;
    d->fd = open(path, O_RDWR | O_CLOEXEC);
    if (d->fd < 0) {
        int e = errno;
        screen_out_say(msg, msgsz, "%s: %s", path, strerror(e));
        free(d);
        return e == ENOENT || e == ENODEV || e == ENXIO ? LABELS_ERR_NOT_FOUND
                                                        : LABELS_ERR_IO;
    }
    int err = pick_output(d, path, msg, msgsz);
    if (err)
        goto fail;

    err = LABELS_ERR_IO;
    struct drm_mode_create_dumb creq = {0};
    creq.width = d->mode.hdisplay;
    creq.height = d->mode.vdisplay;
    creq.bpp = 32;
    if (drmIoctl(d->fd, DRM_IOCTL_MODE_CREATE_DUMB, &creq) != 0) {
        screen_out_say(msg, msgsz, "%s: cannot create a dumb buffer (%s)", path,
                       strerror(errno));
        goto fail;
    }
    d->handle = creq.handle;
    d->pitch = creq.pitch;
    d->size = creq.size;
    if (drmModeAddFB(d->fd, creq.width, creq.height, 24, 32, d->pitch,
                     d->handle, &d->fb_id) != 0) {
        screen_out_say(msg, msgsz, "%s: cannot add a framebuffer (%s)", path,
                       strerror(errno));
        goto fail;
    }
    struct drm_mode_map_dumb mreq = {0};
    mreq.handle = d->handle;
    if (drmIoctl(d->fd, DRM_IOCTL_MODE_MAP_DUMB, &mreq) != 0) {
        screen_out_say(msg, msgsz, "%s: cannot map the dumb buffer (%s)", path,
                       strerror(errno));
        goto fail;
    }
    void *map = mmap(NULL, d->size, PROT_READ | PROT_WRITE, MAP_SHARED, d->fd,
                     (off_t)mreq.offset);
    if (map == MAP_FAILED) {
        screen_out_say(msg, msgsz, "%s: mmap: %s", path, strerror(errno));
        goto fail;
    }
    d->map = map;
    memset(d->map, 0, d->size);
    d->saved = drmModeGetCrtc(d->fd, d->crtc);
    if (drmModeSetCrtc(d->fd, d->crtc, d->fb_id, 0, 0, &d->connector, 1,
                       &d->mode) != 0) {
        screen_out_say(msg, msgsz,
                       "%s: cannot set the mode (%s; is another display "
                       "server running?)",
                       path, strerror(errno));
        goto fail;
    }
    d->mode_set = 1;
    *out = d;
    return LABELS_OK;
fail:
    screen_drm_close(d);
    return err;
}

void screen_drm_size(const screen_drm *d, int *width, int *height)
{
    if (width)
        *width = d ? d->mode.hdisplay : 0;
    if (height)
        *height = d ? d->mode.vdisplay : 0;
}

int screen_drm_show(screen_drm *d, cairo_surface_t *surface, char *msg,
                    size_t msgsz)
{
    if (!d || !d->map) {
        screen_out_say(msg, msgsz, "drm: not open");
        return LABELS_ERR_ARG;
    }
    int w, h, stride;
    const uint8_t *px = screen_out_argb(surface, &w, &h, &stride, msg, msgsz);
    if (!px)
        return LABELS_ERR_ARG;
    if (w > d->mode.hdisplay)
        w = d->mode.hdisplay;
    if (h > d->mode.vdisplay)
        h = d->mode.vdisplay;
    return screen_fb_convert(px, stride, w, h, d->map, (int)d->pitch,
                             &screen_fb_xrgb8888);
}

void screen_drm_close(screen_drm *d)
{
    if (!d)
        return;
    if (d->saved && d->mode_set) {
        /* A CRTC that was off goes off again: "restoring" its empty mode
         * with framebuffer 0 is refused (ENOENT) and would leave our
         * buffer on screen until it is removed. */
        if (d->saved->mode_valid && d->saved->buffer_id)
            drmModeSetCrtc(d->fd, d->saved->crtc_id, d->saved->buffer_id,
                           d->saved->x, d->saved->y, &d->connector, 1,
                           &d->saved->mode);
        else
            drmModeSetCrtc(d->fd, d->saved->crtc_id, 0, 0, 0, NULL, 0, NULL);
    }
    if (d->saved)
        drmModeFreeCrtc(d->saved);
    if (d->map)
        munmap(d->map, d->size);
    if (d->fb_id)
        drmModeRmFB(d->fd, d->fb_id);
    if (d->handle) {
        struct drm_mode_destroy_dumb dreq = {0};
        dreq.handle = d->handle;
        drmIoctl(d->fd, DRM_IOCTL_MODE_DESTROY_DUMB, &dreq);
    }
    if (d->fd >= 0)
        close(d->fd);
    free(d);
}
