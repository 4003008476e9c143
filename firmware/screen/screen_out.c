/* screen_out.c -- the display a configuration names (screen_out.h): one of
 * the back ends screen_out_drm.c, screen_out_fb.c and screen_out_png.c. */
#include "screen_out_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void screen_out_say(char *msg, size_t msgsz, const char *fmt, ...)
{
    if (!msg || msgsz == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, msgsz, fmt, ap);
    va_end(ap);
}

const uint8_t *screen_out_argb(cairo_surface_t *s, int *w, int *h, int *stride,
                               char *msg, size_t msgsz)
{
    if (!s || cairo_surface_status(s) != CAIRO_STATUS_SUCCESS ||
        cairo_surface_get_type(s) != CAIRO_SURFACE_TYPE_IMAGE ||
        (cairo_image_surface_get_format(s) != CAIRO_FORMAT_ARGB32 &&
         cairo_image_surface_get_format(s) != CAIRO_FORMAT_RGB24)) {
        screen_out_say(msg, msgsz, "screen: not an ARGB32 image surface");
        return NULL;
    }
    cairo_surface_flush(s);
    *w = cairo_image_surface_get_width(s);
    *h = cairo_image_surface_get_height(s);
    *stride = cairo_image_surface_get_stride(s);
    return cairo_image_surface_get_data(s);
}

struct screen_display {
    enum { D_DRM, D_FB, D_PNG } kind;
    screen_drm *drm;
    screen_fb fb;
    char *png_path;
    int width, height;
};

static int open_drm(const char *path, screen_display *d, char *msg,
                    size_t msgsz)
{
    int err = screen_drm_open(path, &d->drm, msg, msgsz);
    if (err)
        return err;
    d->kind = D_DRM;
    screen_drm_size(d->drm, &d->width, &d->height);
    return LABELS_OK;
}

static int open_fb(const char *path, screen_display *d, char *msg, size_t msgsz)
{
    int err = screen_fb_open(path, &d->fb, msg, msgsz);
    if (err)
        return err;
    d->kind = D_FB;
    d->width = d->fb.width;
    d->height = d->fb.height;
    return LABELS_OK;
}

int screen_display_open(const char *spec, int png_width, int png_height,
                        screen_display **out, char *msg, size_t msgsz)
{
    if (!out)
        return LABELS_ERR_ARG;
    *out = NULL;
    if (!spec)
        spec = "auto";
    screen_display *d = calloc(1, sizeof *d);
    if (!d)
        return LABELS_ERR_NOMEM;
    d->fb.fd = -1;
    int err;
    if (strcmp(spec, "auto") == 0) {
        char first[256] = "", second[256] = "";
        int e1 = open_drm(NULL, d, first, sizeof first);
        err = e1 ? open_fb(NULL, d, second, sizeof second) : LABELS_OK;
        if (err) {
            screen_out_say(msg, msgsz, "no display: %s; %s", first, second);
            /* NOT_FOUND only when neither device exists; otherwise the
             * error of the one that exists but failed. */
            if (err == LABELS_ERR_NOT_FOUND)
                err = e1;
        }
    } else if (strcmp(spec, "drm") == 0 || strncmp(spec, "drm:", 4) == 0) {
        err = open_drm(spec[3] ? spec + 4 : NULL, d, msg, msgsz);
    } else if (strcmp(spec, "fb") == 0 || strncmp(spec, "fb:", 3) == 0) {
        err = open_fb(spec[2] ? spec + 3 : NULL, d, msg, msgsz);
    } else if (strncmp(spec, "png:", 4) == 0 && spec[4]) {
        if (png_width < 160 || png_height < 120 || png_width > 8192 ||
            png_height > 8192) {
            screen_out_say(msg, msgsz, "display: bad PNG size %dx%d", png_width,
                           png_height);
            err = LABELS_ERR_ARG;
        } else if (!(d->png_path = strdup(spec + 4))) {
            err = LABELS_ERR_NOMEM;
        } else {
            d->kind = D_PNG;
            d->width = png_width;
            d->height = png_height;
            err = LABELS_OK;
        }
    } else {
        screen_out_say(msg, msgsz,
                       "display: '%s' is not auto, drm[:PATH], fb[:PATH] "
                       "or png:PATH",
                       spec);
        err = LABELS_ERR_ARG;
    }
    if (err) {
        free(d);
        return err;
    }
    *out = d;
    return LABELS_OK;
}

void screen_display_size(const screen_display *d, int *width, int *height)
{
    if (width)
        *width = d ? d->width : 0;
    if (height)
        *height = d ? d->height : 0;
}

const char *screen_display_kind(const screen_display *d)
{
    if (!d)
        return "none";
    return d->kind == D_DRM ? "drm" : d->kind == D_FB ? "fb" : "png";
}

int screen_display_show(screen_display *d, cairo_surface_t *surface, char *msg,
                        size_t msgsz)
{
    if (!d)
        return LABELS_ERR_ARG;
    switch (d->kind) {
    case D_DRM: return screen_drm_show(d->drm, surface, msg, msgsz);
    case D_FB: return screen_fb_show(&d->fb, surface, msg, msgsz);
    default: return screen_out_png(surface, d->png_path, msg, msgsz);
    }
}

void screen_display_close(screen_display *d)
{
    if (!d)
        return;
    if (d->kind == D_DRM)
        screen_drm_close(d->drm);
    else if (d->kind == D_FB)
        screen_fb_close(&d->fb);
    free(d->png_path);
    free(d);
}
