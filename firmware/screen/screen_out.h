/*
 * screen_out.h -- where a rendered screen goes: a PNG file, a Linux
 * framebuffer (/dev/fb0) or a DRM dumb buffer (/dev/dri/card0).
 *
 * Every function returns a labels_err and, when msg is not NULL, writes
 * one plain line saying what failed into msg (the caller logs it and
 * falls back, e.g. to logging verdicts without a screen). A display that
 * is not there is LABELS_ERR_NOT_FOUND; one that is there but cannot be
 * used is LABELS_ERR_IO (or LABELS_ERR_IMAGE for a pixel format we do
 * not draw).
 */
#ifndef SCREEN_OUT_H
#define SCREEN_OUT_H

#include <cairo.h>
#include <stddef.h>
#include <stdint.h>

#include "labels.h"

/* Write an image surface as a PNG file, atomically (mode 0644). */
int screen_out_png(cairo_surface_t *surface, const char *path, char *msg,
                   size_t msgsz);

/* ---- Framebuffer ----------------------------------------------------- */

/* A truecolour pixel layout: bits per pixel (16, 24 or 32) and each
 * channel's offset and length in bits within the little-endian pixel,
 * as struct fb_var_screeninfo describes them. */
typedef struct screen_fb_format {
    int bpp;
    int red_offset, red_length;
    int green_offset, green_length;
    int blue_offset, blue_length;
} screen_fb_format;

/* Common layouts: RGB565 and XRGB8888. */
extern const screen_fb_format screen_fb_rgb565;
extern const screen_fb_format screen_fb_xrgb8888;

/* Convert width x height ARGB32 pixels (src_stride bytes per row) into
 * fmt at dst (dst_stride bytes per row). Opaque pixels are assumed (the
 * screens are). LABELS_ERR_IMAGE for a layout we cannot write. */
int screen_fb_convert(const uint8_t *src, int src_stride, int width, int height,
                      uint8_t *dst, int dst_stride,
                      const screen_fb_format *fmt);

/* An open framebuffer: its visible size and layout. */
typedef struct screen_fb {
    int fd;
    int width, height; /* visible resolution */
    int line_length;   /* bytes per row */
    size_t offset;     /* of the visible area within the mapping */
    screen_fb_format fmt;
    uint8_t *map;
    size_t map_len;
} screen_fb;

/* Open a framebuffer device (NULL: "/dev/fb0"), read its geometry with
 * FBIOGET_VSCREENINFO/FSCREENINFO and map it. */
int screen_fb_open(const char *path, screen_fb *fb, char *msg, size_t msgsz);
/* Map fd (kept open and closed by screen_fb_close) with a geometry the
 * caller knows: how screen_fb_open finishes, and how tests drive a
 * regular file standing in for a framebuffer. */
int screen_fb_attach(int fd, int width, int height, int line_length,
                     size_t offset, const screen_fb_format *fmt, screen_fb *fb,
                     char *msg, size_t msgsz);
/* Copy an ARGB32 image surface to the framebuffer's top-left corner,
 * clipped to the smaller of the two. */
int screen_fb_show(screen_fb *fb, cairo_surface_t *surface, char *msg,
                   size_t msgsz);
void screen_fb_close(screen_fb *fb);

/* ---- DRM dumb buffer ----------------------------------------------------- */

typedef struct screen_drm screen_drm;

/* Open a DRM device (NULL: "/dev/dri/card0"), pick the first connected
 * connector and its preferred mode, create an XRGB8888 dumb buffer and
 * show it. Needs DRM master: no other display server running. */
int screen_drm_open(const char *path, screen_drm **out, char *msg,
                    size_t msgsz);
/* The mode's size, to render at. */
void screen_drm_size(const screen_drm *d, int *width, int *height);
/* Copy an ARGB32 image surface into the buffer (clipped). */
int screen_drm_show(screen_drm *d, cairo_surface_t *surface, char *msg,
                    size_t msgsz);
/* Restore the previous mode where possible and free everything. */
void screen_drm_close(screen_drm *d);

/* ---- One of the above, chosen by configuration --------------------------- */

typedef struct screen_display screen_display;

/* Open the display a config value names:
 *   "drm" or "drm:/dev/dri/cardN"   a DRM device
 *   "fb" or "fb:/dev/fbN"           a framebuffer
 *   "png:/path/screen.png"          each frame replaces a PNG file
 *   "auto" (or NULL)                drm, then fb; NOT_FOUND if neither
 * png_width x png_height is the size of PNG frames (devices decide their
 * own). A malformed spec is LABELS_ERR_ARG. */
int screen_display_open(const char *spec, int png_width, int png_height,
                        screen_display **out, char *msg, size_t msgsz);
/* The size to render at. */
void screen_display_size(const screen_display *d, int *width, int *height);
/* "drm", "fb" or "png": what was opened, for the log. */
const char *screen_display_kind(const screen_display *d);
/* Put a rendered ARGB32 image surface on the display. */
int screen_display_show(screen_display *d, cairo_surface_t *surface, char *msg,
                        size_t msgsz);
void screen_display_close(screen_display *d);

#endif
