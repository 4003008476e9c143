/* screen_out.c -- a rendered screen to a PNG file, /dev/fb0 or a DRM dumb
 * buffer. */
#include "screen_out.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

const screen_fb_format screen_fb_rgb565 = {16, 11, 5, 5, 6, 0, 5};
const screen_fb_format screen_fb_xrgb8888 = {32, 16, 8, 8, 8, 0, 8};

static void say(char *msg, size_t msgsz, const char *fmt, ...)
{
    if (!msg || msgsz == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, msgsz, fmt, ap);
    va_end(ap);
}

/* The surface as ARGB32 pixels, or NULL (with a message). */
static const uint8_t *argb_pixels(cairo_surface_t *s, int *w, int *h,
                                  int *stride, char *msg, size_t msgsz)
{
    if (!s || cairo_surface_status(s) != CAIRO_STATUS_SUCCESS ||
        cairo_surface_get_type(s) != CAIRO_SURFACE_TYPE_IMAGE ||
        (cairo_image_surface_get_format(s) != CAIRO_FORMAT_ARGB32 &&
         cairo_image_surface_get_format(s) != CAIRO_FORMAT_RGB24)) {
        say(msg, msgsz, "screen: not an ARGB32 image surface");
        return NULL;
    }
    cairo_surface_flush(s);
    *w = cairo_image_surface_get_width(s);
    *h = cairo_image_surface_get_height(s);
    *stride = cairo_image_surface_get_stride(s);
    return cairo_image_surface_get_data(s);
}

/* ---- PNG ------------------------------------------------------------------
 */

typedef struct membuf {
    unsigned char *data;
    size_t len, cap;
} membuf;

static cairo_status_t membuf_write(void *closure, const unsigned char *data,
                                   unsigned int len)
{
    membuf *b = closure;
    if (len > b->cap - b->len) {
        size_t cap = b->cap ? b->cap : 65536;
        while (cap - b->len < len) {
            if (cap > SIZE_MAX / 2)
                return CAIRO_STATUS_NO_MEMORY;
            cap *= 2;
        }
        unsigned char *p = realloc(b->data, cap);
        if (!p)
            return CAIRO_STATUS_NO_MEMORY;
        b->data = p;
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, len);
    b->len += len;
    return CAIRO_STATUS_SUCCESS;
}

int screen_out_png(cairo_surface_t *surface, const char *path, char *msg,
                   size_t msgsz)
{
    if (!surface || !path || !*path) {
        say(msg, msgsz, "screen: no surface or PNG path");
        return LABELS_ERR_ARG;
    }
    /* Encode in memory first so the file appears whole or not at all. */
    membuf b = {0};
    cairo_status_t cs =
        cairo_surface_write_to_png_stream(surface, membuf_write, &b);
    if (cs != CAIRO_STATUS_SUCCESS) {
        free(b.data);
        say(msg, msgsz, "%s: PNG encoding failed: %s", path,
            cairo_status_to_string(cs));
        return cs == CAIRO_STATUS_NO_MEMORY ? LABELS_ERR_NOMEM
                                            : LABELS_ERR_IMAGE;
    }
    int err = labels_file_write_atomic(path, b.data, b.len, 0644, 0);
    int saved = errno;
    free(b.data);
    if (err) {
        say(msg, msgsz, "%s: %s (%s)", path, labels_strerror(err),
            strerror(saved));
        errno = saved;
    }
    return err;
}

/* ---- Framebuffer ------------------------------------------------------------
 */

static int channel_ok(int offset, int length, int bpp)
{
    return length >= 1 && length <= 8 && offset >= 0 && offset + length <= bpp;
}

static int format_ok(const screen_fb_format *f)
{
    return f && (f->bpp == 16 || f->bpp == 24 || f->bpp == 32) &&
           channel_ok(f->red_offset, f->red_length, f->bpp) &&
           channel_ok(f->green_offset, f->green_length, f->bpp) &&
           channel_ok(f->blue_offset, f->blue_length, f->bpp);
}

int screen_fb_convert(const uint8_t *src, int src_stride, int width, int height,
                      uint8_t *dst, int dst_stride, const screen_fb_format *f)
{
    if (!src || !dst || width < 0 || height < 0 || !format_ok(f))
        return LABELS_ERR_IMAGE;
    int bytes = f->bpp / 8;
    if (src_stride < width * 4 || dst_stride < width * bytes)
        return LABELS_ERR_ARG;
    /* XRGB8888 is cairo's own layout: rows copy as they are. */
    if (memcmp(f, &screen_fb_xrgb8888, sizeof *f) == 0) {
        for (int y = 0; y < height; y++)
            memcpy(dst + (size_t)y * dst_stride, src + (size_t)y * src_stride,
                   (size_t)width * 4);
        return LABELS_OK;
    }
    /* RGB565, the usual small panel, with constant shifts the compiler
     * vectorises. */
    if (memcmp(f, &screen_fb_rgb565, sizeof *f) == 0) {
        for (int y = 0; y < height; y++) {
            const uint32_t *s =
                (const uint32_t *)(src + (size_t)y * src_stride);
            uint8_t *d = dst + (size_t)y * dst_stride;
            for (int x = 0; x < width; x++) {
                uint32_t p = s[x];
                uint16_t v =
                    (uint16_t)(((p >> 8) & 0xF800u) | ((p >> 5) & 0x07E0u) |
                               ((p >> 3) & 0x001Fu));
                memcpy(d + 2 * x, &v, 2);
            }
        }
        return LABELS_OK;
    }
    unsigned rs = 8u - (unsigned)f->red_length,
             gs = 8u - (unsigned)f->green_length,
             bs = 8u - (unsigned)f->blue_length;
    unsigned ro = (unsigned)f->red_offset, go = (unsigned)f->green_offset,
             bo = (unsigned)f->blue_offset;
    /* One loop per pixel size so the compiler can keep it tight (a
     * 1920x1080 frame is two million pixels). Pixels are stored as
     * little-endian words, as on every kiosk target. */
    for (int y = 0; y < height; y++) {
        const uint32_t *s = (const uint32_t *)(src + (size_t)y * src_stride);
        uint8_t *d = dst + (size_t)y * dst_stride;
        switch (bytes) {
        case 2:
            for (int x = 0; x < width; x++) {
                uint32_t p = s[x];
                uint32_t v = (((p >> 16) & 0xFFu) >> rs) << ro |
                             (((p >> 8) & 0xFFu) >> gs) << go |
                             ((p & 0xFFu) >> bs) << bo;
                d[2 * x] = (uint8_t)v;
                d[2 * x + 1] = (uint8_t)(v >> 8);
            }
            break;
        case 3:
            for (int x = 0; x < width; x++) {
                uint32_t p = s[x];
                uint32_t v = (((p >> 16) & 0xFFu) >> rs) << ro |
                             (((p >> 8) & 0xFFu) >> gs) << go |
                             ((p & 0xFFu) >> bs) << bo;
                d[3 * x] = (uint8_t)v;
                d[3 * x + 1] = (uint8_t)(v >> 8);
                d[3 * x + 2] = (uint8_t)(v >> 16);
            }
            break;
        default:
            for (int x = 0; x < width; x++) {
                uint32_t p = s[x];
                uint32_t v = (((p >> 16) & 0xFFu) >> rs) << ro |
                             (((p >> 8) & 0xFFu) >> gs) << go |
                             ((p & 0xFFu) >> bs) << bo;
                d[4 * x] = (uint8_t)v;
                d[4 * x + 1] = (uint8_t)(v >> 8);
                d[4 * x + 2] = (uint8_t)(v >> 16);
                d[4 * x + 3] = (uint8_t)(v >> 24);
            }
            break;
        }
    }
    return LABELS_OK;
}

int screen_fb_attach(int fd, int width, int height, int line_length,
                     size_t offset, const screen_fb_format *fmt, screen_fb *fb,
                     char *msg, size_t msgsz)
{
    if (!fb || fd < 0) {
        say(msg, msgsz, "framebuffer: bad arguments");
        return LABELS_ERR_ARG;
    }
    memset(fb, 0, sizeof *fb);
    fb->fd = -1;
    if (!format_ok(fmt)) {
        say(msg, msgsz, "framebuffer: unsupported pixel format (%d bpp)",
            fmt ? fmt->bpp : 0);
        return LABELS_ERR_IMAGE;
    }
    if (width < 1 || height < 1 || width > 16384 || height > 16384 ||
        line_length < width * (fmt->bpp / 8)) {
        say(msg, msgsz,
            "framebuffer: impossible geometry %dx%d, %d bytes "
            "per line",
            width, height, line_length);
        return LABELS_ERR_IMAGE;
    }
    size_t need = offset + (size_t)line_length * (size_t)height;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        say(msg, msgsz, "framebuffer: %s", strerror(errno));
        return LABELS_ERR_IO;
    }
    /* A short regular file would SIGBUS on the first write past its end. */
    if (S_ISREG(st.st_mode) && (size_t)st.st_size < need) {
        say(msg, msgsz, "framebuffer: file holds %lld bytes, %zu needed",
            (long long)st.st_size, need);
        return LABELS_ERR_IMAGE;
    }
    void *map = mmap(NULL, need, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED) {
        say(msg, msgsz, "framebuffer: mmap: %s", strerror(errno));
        return LABELS_ERR_IO;
    }
    fb->fd = fd;
    fb->width = width;
    fb->height = height;
    fb->line_length = line_length;
    fb->offset = offset;
    fb->fmt = *fmt;
    fb->map = map;
    fb->map_len = need;
    return LABELS_OK;
}

int screen_fb_open(const char *path, screen_fb *fb, char *msg, size_t msgsz)
{
    if (!fb)
        return LABELS_ERR_ARG;
    memset(fb, 0, sizeof *fb);
    fb->fd = -1;
    if (!path)
        path = "/dev/fb0";
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        say(msg, msgsz, "%s: %s", path, strerror(e));
        return e == ENOENT || e == ENODEV || e == ENXIO ? LABELS_ERR_NOT_FOUND
                                                        : LABELS_ERR_IO;
    }
    struct fb_var_screeninfo var;
    struct fb_fix_screeninfo fix;
    if (ioctl(fd, FBIOGET_VSCREENINFO, &var) != 0 ||
        ioctl(fd, FBIOGET_FSCREENINFO, &fix) != 0) {
        say(msg, msgsz, "%s: not a framebuffer (%s)", path, strerror(errno));
        close(fd);
        return LABELS_ERR_IO;
    }
    if (fix.type != FB_TYPE_PACKED_PIXELS ||
        (fix.visual != FB_VISUAL_TRUECOLOR &&
         fix.visual != FB_VISUAL_DIRECTCOLOR)) {
        say(msg, msgsz, "%s: not a packed truecolour framebuffer", path);
        close(fd);
        return LABELS_ERR_IMAGE;
    }
    screen_fb_format fmt = {(int)var.bits_per_pixel, (int)var.red.offset,
                            (int)var.red.length,     (int)var.green.offset,
                            (int)var.green.length,   (int)var.blue.offset,
                            (int)var.blue.length};
    size_t offset = (size_t)var.yoffset * fix.line_length +
                    (size_t)var.xoffset * (var.bits_per_pixel / 8);
    if (offset + (size_t)fix.line_length * var.yres > fix.smem_len) {
        say(msg, msgsz, "%s: visible area lies outside video memory", path);
        close(fd);
        return LABELS_ERR_IMAGE;
    }
    int err =
        screen_fb_attach(fd, (int)var.xres, (int)var.yres, (int)fix.line_length,
                         offset, &fmt, fb, msg, msgsz);
    if (err) {
        /* say() already described it; name the device too. */
        if (msg && msgsz > 0) {
            char tmp[256];
            snprintf(tmp, sizeof tmp, "%s", msg);
            say(msg, msgsz, "%s: %s", path, tmp);
        }
        close(fd);
    }
    return err;
}

int screen_fb_show(screen_fb *fb, cairo_surface_t *surface, char *msg,
                   size_t msgsz)
{
    if (!fb || !fb->map) {
        say(msg, msgsz, "framebuffer: not open");
        return LABELS_ERR_ARG;
    }
    int w, h, stride;
    const uint8_t *px = argb_pixels(surface, &w, &h, &stride, msg, msgsz);
    if (!px)
        return LABELS_ERR_ARG;
    if (w > fb->width)
        w = fb->width;
    if (h > fb->height)
        h = fb->height;
    int err = screen_fb_convert(px, stride, w, h, fb->map + fb->offset,
                                fb->line_length, &fb->fmt);
    if (err)
        say(msg, msgsz, "framebuffer: cannot convert to %d bpp", fb->fmt.bpp);
    return err;
}

void screen_fb_close(screen_fb *fb)
{
    if (!fb)
        return;
    if (fb->map)
        munmap(fb->map, fb->map_len);
    if (fb->fd >= 0)
        close(fb->fd);
    memset(fb, 0, sizeof *fb);
    fb->fd = -1;
}

/* ---- DRM dumb buffer ---------------------------------------------------- */

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
        say(msg, msgsz, "%s: not a modesetting device (%s)", path,
            strerror(errno));
        return LABELS_ERR_IO;
    }
    int err = LABELS_ERR_NOT_FOUND;
    say(msg, msgsz, "%s: no connected display", path);
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
        say(msg, msgsz, "%s: %s", path, strerror(e));
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
        say(msg, msgsz, "%s: cannot create a dumb buffer (%s)", path,
            strerror(errno));
        goto fail;
    }
    d->handle = creq.handle;
    d->pitch = creq.pitch;
    d->size = creq.size;
    if (drmModeAddFB(d->fd, creq.width, creq.height, 24, 32, d->pitch,
                     d->handle, &d->fb_id) != 0) {
        say(msg, msgsz, "%s: cannot add a framebuffer (%s)", path,
            strerror(errno));
        goto fail;
    }
    struct drm_mode_map_dumb mreq = {0};
    mreq.handle = d->handle;
    if (drmIoctl(d->fd, DRM_IOCTL_MODE_MAP_DUMB, &mreq) != 0) {
        say(msg, msgsz, "%s: cannot map the dumb buffer (%s)", path,
            strerror(errno));
        goto fail;
    }
    void *map = mmap(NULL, d->size, PROT_READ | PROT_WRITE, MAP_SHARED, d->fd,
                     (off_t)mreq.offset);
    if (map == MAP_FAILED) {
        say(msg, msgsz, "%s: mmap: %s", path, strerror(errno));
        goto fail;
    }
    d->map = map;
    memset(d->map, 0, d->size);
    d->saved = drmModeGetCrtc(d->fd, d->crtc);
    if (drmModeSetCrtc(d->fd, d->crtc, d->fb_id, 0, 0, &d->connector, 1,
                       &d->mode) != 0) {
        say(msg, msgsz,
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
        say(msg, msgsz, "drm: not open");
        return LABELS_ERR_ARG;
    }
    int w, h, stride;
    const uint8_t *px = argb_pixels(surface, &w, &h, &stride, msg, msgsz);
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

/* ---- Display by configuration -------------------------------------------- */

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
            say(msg, msgsz, "no display: %s; %s", first, second);
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
            say(msg, msgsz, "display: bad PNG size %dx%d", png_width,
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
        say(msg, msgsz,
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
