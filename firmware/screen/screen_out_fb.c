/* screen_out_fb.c -- a rendered screen on a Linux framebuffer (/dev/fb0):
 * its geometry and pixel layout, the conversion from ARGB32, the copy. */
#include "screen_out_int.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fb.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

const screen_fb_format screen_fb_rgb565 = {16, 11, 5, 5, 6, 0, 5};
const screen_fb_format screen_fb_xrgb8888 = {32, 16, 8, 8, 8, 0, 8};

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
        screen_out_say(msg, msgsz, "framebuffer: bad arguments");
        return LABELS_ERR_ARG;
    }
    memset(fb, 0, sizeof *fb);
    fb->fd = -1;
    if (!format_ok(fmt)) {
        screen_out_say(msg, msgsz,
                       "framebuffer: unsupported pixel format (%d bpp)",
                       fmt ? fmt->bpp : 0);
        return LABELS_ERR_IMAGE;
    }
    if (width < 1 || height < 1 || width > 16384 || height > 16384 ||
        line_length < width * (fmt->bpp / 8)) {
        screen_out_say(msg, msgsz,
                       "framebuffer: impossible geometry %dx%d, %d bytes "
                       "per line",
                       width, height, line_length);
        return LABELS_ERR_IMAGE;
    }
    size_t need = offset + (size_t)line_length * (size_t)height;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        screen_out_say(msg, msgsz, "framebuffer: %s", strerror(errno));
        return LABELS_ERR_IO;
    }
    /* A short regular file would SIGBUS on the first write past its end. */
    if (S_ISREG(st.st_mode) && (size_t)st.st_size < need) {
        screen_out_say(msg, msgsz,
                       "framebuffer: file holds %lld bytes, %zu needed",
                       (long long)st.st_size, need);
        return LABELS_ERR_IMAGE;
    }
    void *map = mmap(NULL, need, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED) {
        screen_out_say(msg, msgsz, "framebuffer: mmap: %s", strerror(errno));
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
        screen_out_say(msg, msgsz, "%s: %s", path, strerror(e));
        return e == ENOENT || e == ENODEV || e == ENXIO ? LABELS_ERR_NOT_FOUND
                                                        : LABELS_ERR_IO;
    }
    struct fb_var_screeninfo var;
    struct fb_fix_screeninfo fix;
    if (ioctl(fd, FBIOGET_VSCREENINFO, &var) != 0 ||
        ioctl(fd, FBIOGET_FSCREENINFO, &fix) != 0) {
        screen_out_say(msg, msgsz, "%s: not a framebuffer (%s)", path,
                       strerror(errno));
        close(fd);
        return LABELS_ERR_IO;
    }
    if (fix.type != FB_TYPE_PACKED_PIXELS ||
        (fix.visual != FB_VISUAL_TRUECOLOR &&
         fix.visual != FB_VISUAL_DIRECTCOLOR)) {
        screen_out_say(msg, msgsz, "%s: not a packed truecolour framebuffer",
                       path);
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
        screen_out_say(msg, msgsz, "%s: visible area lies outside video memory",
                       path);
        close(fd);
        return LABELS_ERR_IMAGE;
    }
    int err =
        screen_fb_attach(fd, (int)var.xres, (int)var.yres, (int)fix.line_length,
                         offset, &fmt, fb, msg, msgsz);
    if (err) {
        /* screen_out_say() already described it; name the device too. */
        if (msg && msgsz > 0) {
            char tmp[256];
            snprintf(tmp, sizeof tmp, "%s", msg);
            screen_out_say(msg, msgsz, "%s: %s", path, tmp);
        }
        close(fd);
    }
    return err;
}

int screen_fb_show(screen_fb *fb, cairo_surface_t *surface, char *msg,
                   size_t msgsz)
{
    if (!fb || !fb->map) {
        screen_out_say(msg, msgsz, "framebuffer: not open");
        return LABELS_ERR_ARG;
    }
    int w, h, stride;
    const uint8_t *px = screen_out_argb(surface, &w, &h, &stride, msg, msgsz);
    if (!px)
        return LABELS_ERR_ARG;
    if (w > fb->width)
        w = fb->width;
    if (h > fb->height)
        h = fb->height;
    int err = screen_fb_convert(px, stride, w, h, fb->map + fb->offset,
                                fb->line_length, &fb->fmt);
    if (err)
        screen_out_say(msg, msgsz, "framebuffer: cannot convert to %d bpp",
                       fb->fmt.bpp);
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
