/* fake_display.c -- an emulated framebuffer and DRM device for
 * LD_PRELOAD, at the calls firmware/screen/screen_out_fb.c and
 * screen_out_drm.c make: open, ioctl, mmap and close for the
 * framebuffer; open, mmap, close, drmIoctl and libdrm's drmMode*
 * functions for DRM. Everything above them stays real: the back ends'
 * geometry and format handling, the renderer, the service
 * loop. Any other path, fd or call goes on to the real function.
 *
 *   FAKE_DISPLAY_DUMP=DIR   where device memory lives, as files the test
 *                           reads (the program's mappings are MAP_SHARED
 *                           mappings of them), and DIR/display.log, one
 *                           line per call on an emulated device
 *   FAKE_FB_DEVICE=PATH     the framebuffer's path; memory: DIR/fb.raw
 *   FAKE_FB_MODE=WxHxD[bgr] the mode: D=16 RGB565, 24 RGB888, 32
 *                           XRGB8888; "bgr" swaps red and blue (XBGR8888)
 *   FAKE_FB_YOFFSET=N       the visible area starts N lines into a
 *                           virtual screen twice as tall (panned)
 *   FAKE_DRM_DEVICE=PATH    the DRM device's path
 *   FAKE_DRM_MODE=WxH       the connected connector's preferred mode
 *   FAKE_DRM_CRTC=off       the CRTC is off at start (default: it shows
 *                           the console's framebuffer, FB_CONSOLE)
 *   FAKE_DRM_FAIL=setcrtc   drmModeSetCrtc fails with EACCES, as when
 *                           another process is DRM master
 *
 * The DRM device has a disconnected connector, then a connected one with
 * two modes (the preferred one last), one encoder that can drive only
 * the second of two CRTCs. Dumb buffers are files DIR/dumb-HANDLE.raw,
 * unlinked when destroyed. SetCrtc and AddFB check their arguments as
 * the kernel does (an unknown framebuffer is ENOENT, a mode without a
 * framebuffer or connectors EINVAL, ...) and RmFB of a framebuffer on
 * screen turns the CRTC off. Closing the device logs what is on the CRTC
 * and what was left allocated, then frees it, as the kernel does.
 *
 * Not emulated: several opens of the DRM device, DRM master, atomic
 * modesetting, planes, vblank events, hotplug; framebuffer panning,
 * colour maps and blanking (ENOTTY, logged as unhandled).
 *
 * Not sanitized (see tests/service.cmake); what it allocates is freed by
 * the matching drmModeFree* call or at close. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fb.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#define CONN_OFF 31 /* disconnected, listed first */
#define CONN_ON 32
#define ENCODER 41
#define CRTC_A 50 /* the encoder cannot drive this one */
#define CRTC_B 51
#define FB_CONSOLE 61 /* what the console had on screen before */
#define NDUMB 4
#define NFB 4
#define NFBFD 4

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int logfd = -1;

static struct {
    int fds[NFBFD]; /* open fds of the framebuffer (0: none) */
    int w, h, bpp, bgr, yoffset, line_length;
    size_t smem_len;
} fbdev;

struct dumb {
    uint32_t handle; /* 0: free slot */
    uint32_t w, h, pitch;
    uint64_t size, offset;
    int fd; /* of its backing file */
};

struct fbo {
    uint32_t id, handle; /* id 0: free slot */
    uint32_t w, h;
};

static struct {
    int fd; /* the memfd handed out; 0: closed */
    drmModeModeInfo modes[2];
    uint32_t crtc_fb; /* 0: CRTC off */
    drmModeModeInfo crtc_mode;
    int crtc_x, crtc_y;
    struct dumb dumb[NDUMB];
    struct fbo fb[NFB];
    uint32_t next_handle, next_fb;
} drm;

/* ---- Plumbing ------------------------------------------------------------
 */

static void *next_fn(const char *name)
{
    void *f = dlsym(RTLD_NEXT, name);
    if (!f)
        fprintf(stderr, "fake_display: no %s to pass on to\n", name);
    return f;
}

/* The next definition of name: libc's or libdrm's own. */
#define REAL(name)                                                             \
    static __typeof__(&name) real_##name;                                      \
    if (!real_##name)                                                          \
    real_##name = (__typeof__(&name))next_fn(#name)

static int fail(int err)
{
    errno = err;
    return -1;
}

static int real_open_(const char *path, int flags, mode_t mode)
{
    REAL(open);
    return real_open ? real_open(path, flags, mode) : fail(ENOSYS);
}

static int real_close_(int fd)
{
    REAL(close);
    return real_close ? real_close(fd) : fail(ENOSYS);
}

static const char *dump_dir(void)
{
    const char *d = getenv("FAKE_DISPLAY_DUMP");
    return d && *d ? d : ".";
}

/* One line to DIR/display.log; errno is kept for the caller. */
static void logf_(const char *fmt, ...)
{
    int saved = errno;
    if (logfd < 0) {
        char path[4200];
        snprintf(path, sizeof path, "%s/display.log", dump_dir());
        logfd =
            real_open_(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    }
    if (logfd >= 0) {
        char line[512];
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(line, sizeof line - 1, fmt, ap);
        va_end(ap);
        if (n > (int)sizeof line - 2)
            n = (int)sizeof line - 2;
        line[n++] = '\n';
        if (write(logfd, line, (size_t)n) != n)
            fprintf(stderr, "fake_display: log write failed\n");
    }
    errno = saved;
}

static int is_path(const char *path, const char *env)
{
    const char *p = getenv(env);
    return path && p && *p && !strcmp(path, p);
}

static int fb_fd(int fd)
{
    for (int i = 0; fd > 0 && i < NFBFD; i++)
        if (fbdev.fds[i] == fd)
            return 1;
    return 0;
}

/* ---- Framebuffer ---------------------------------------------------------
 */

static int fb_open(int flags)
{
    const char *m = getenv("FAKE_FB_MODE");
    char bgr[4] = "";
    if (!m ||
        sscanf(m, "%dx%dx%d%3s", &fbdev.w, &fbdev.h, &fbdev.bpp, bgr) < 3 ||
        fbdev.w < 1 || fbdev.h < 1 ||
        (fbdev.bpp != 16 && fbdev.bpp != 24 && fbdev.bpp != 32)) {
        fprintf(stderr, "fake_display: bad FAKE_FB_MODE\n");
        return fail(ENODEV);
    }
    fbdev.bgr = !strcmp(bgr, "bgr");
    const char *y = getenv("FAKE_FB_YOFFSET");
    fbdev.yoffset = y ? atoi(y) : 0;
    /* Rows padded to 256 bytes, as many drivers do: the kiosk must use
     * line_length, not width * bytes per pixel. */
    fbdev.line_length = (fbdev.w * fbdev.bpp / 8 + 255) & ~255;
    fbdev.smem_len = (size_t)fbdev.line_length * (size_t)fbdev.h * 2;
    char path[4200];
    snprintf(path, sizeof path, "%s/fb.raw", dump_dir());
    /* Video memory outlives opens: created once, never truncated. */
    int fd = real_open_(path, O_RDWR | O_CREAT | (flags & O_CLOEXEC), 0644);
    if (fd < 0)
        return -1;
    if (ftruncate(fd, (off_t)fbdev.smem_len) != 0) {
        real_close_(fd);
        return -1;
    }
    for (int i = 0; i < NFBFD; i++)
        if (!fbdev.fds[i]) {
            fbdev.fds[i] = fd;
            logf_("fb open fd=%d %dx%d bpp=%d%s line_length=%d yoffset=%d "
                  "smem_len=%zu file=%s",
                  fd, fbdev.w, fbdev.h, fbdev.bpp, fbdev.bgr ? " bgr" : "",
                  fbdev.line_length, fbdev.yoffset, fbdev.smem_len, path);
            return fd;
        }
    real_close_(fd);
    return fail(EMFILE);
}

static void bitfield(struct fb_bitfield *b, int offset, int length)
{
    b->offset = (uint32_t)offset;
    b->length = (uint32_t)length;
    b->msb_right = 0;
}

static int fb_ioctl(unsigned long req, void *arg)
{
    if (req == FBIOGET_VSCREENINFO) {
        struct fb_var_screeninfo *v = arg;
        memset(v, 0, sizeof *v);
        v->xres = v->xres_virtual = (uint32_t)fbdev.w;
        v->yres = (uint32_t)fbdev.h;
        v->yres_virtual = (uint32_t)fbdev.h * 2;
        v->yoffset = (uint32_t)fbdev.yoffset;
        v->bits_per_pixel = (uint32_t)fbdev.bpp;
        int r = fbdev.bgr ? 0 : 16, b = fbdev.bgr ? 16 : 0;
        if (fbdev.bpp == 16) {
            bitfield(&v->red, 11, 5);
            bitfield(&v->green, 5, 6);
            bitfield(&v->blue, 0, 5);
        } else {
            bitfield(&v->red, r, 8);
            bitfield(&v->green, 8, 8);
            bitfield(&v->blue, b, 8);
        }
        logf_("fb FBIOGET_VSCREENINFO");
        return 0;
    }
    if (req == FBIOGET_FSCREENINFO) {
        struct fb_fix_screeninfo *f = arg;
        memset(f, 0, sizeof *f);
        snprintf(f->id, sizeof f->id, "fake_display");
        f->smem_len = (uint32_t)fbdev.smem_len;
        f->type = FB_TYPE_PACKED_PIXELS;
        f->visual = FB_VISUAL_TRUECOLOR;
        f->line_length = (uint32_t)fbdev.line_length;
        logf_("fb FBIOGET_FSCREENINFO");
        return 0;
    }
    logf_("fb unhandled ioctl 0x%lx", req);
    return fail(ENOTTY);
}

/* ---- DRM: the device's objects ---------------------------------------
 */

static void make_mode(drmModeModeInfo *m, int w, int h, int preferred)
{
    memset(m, 0, sizeof *m);
    m->hdisplay = (uint16_t)w;
    m->hsync_start = (uint16_t)(w + 48);
    m->hsync_end = (uint16_t)(w + 80);
    m->htotal = (uint16_t)(w + 160);
    m->vdisplay = (uint16_t)h;
    m->vsync_start = (uint16_t)(h + 3);
    m->vsync_end = (uint16_t)(h + 8);
    m->vtotal = (uint16_t)(h + 30);
    m->vrefresh = 60;
    m->clock = (uint32_t)m->htotal * m->vtotal * 60 / 1000;
    m->type = DRM_MODE_TYPE_DRIVER | (preferred ? DRM_MODE_TYPE_PREFERRED : 0);
    snprintf(m->name, sizeof m->name, "%dx%d", w, h);
}

static int drm_open(int flags)
{
    int w = 0, h = 0;
    const char *m = getenv("FAKE_DRM_MODE");
    if (!m || sscanf(m, "%dx%d", &w, &h) != 2 || w < 1 || h < 1) {
        fprintf(stderr, "fake_display: bad FAKE_DRM_MODE\n");
        return fail(ENODEV);
    }
    if (drm.fd)
        return fail(EBUSY); /* one open at a time is all we emulate */
    int fd = memfd_create("fake-drm", (flags & O_CLOEXEC) ? MFD_CLOEXEC : 0);
    if (fd < 0)
        return -1;
    memset(&drm, 0, sizeof drm);
    drm.fd = fd;
    drm.next_handle = 1;
    drm.next_fb = 70;
    make_mode(&drm.modes[0], 1024, 768, 0); /* a preferred mode comes last */
    make_mode(&drm.modes[1], w, h, 1);
    const char *c = getenv("FAKE_DRM_CRTC");
    if (!c || strcmp(c, "off")) {
        drm.crtc_fb = FB_CONSOLE;
        drm.crtc_mode = drm.modes[1];
    }
    logf_("drm open fd=%d mode=%dx%d crtc %u %s", fd, w, h, CRTC_B,
          drm.crtc_fb ? "on (console)" : "off");
    return fd;
}

static int drm_fd(int fd) { return fd > 0 && fd == drm.fd; }

static struct dumb *dumb_of(uint32_t handle)
{
    for (int i = 0; handle && i < NDUMB; i++)
        if (drm.dumb[i].handle == handle)
            return &drm.dumb[i];
    return NULL;
}

static struct fbo *fbo_of(uint32_t id)
{
    for (int i = 0; id && i < NFB; i++)
        if (drm.fb[i].id == id)
            return &drm.fb[i];
    return NULL;
}

static void dumb_path(char *path, size_t size, uint32_t handle)
{
    snprintf(path, size, "%s/dumb-%u.raw", dump_dir(), handle);
}

static void dumb_free(struct dumb *d)
{
    char path[4200];
    dumb_path(path, sizeof path, d->handle);
    unlink(path);
    real_close_(d->fd);
    memset(d, 0, sizeof *d);
}

static int create_dumb(struct drm_mode_create_dumb *c)
{
    if (!c->width || !c->height || c->width > 8192 || c->height > 8192 ||
        !c->bpp || c->bpp % 8)
        return fail(EINVAL);
    struct dumb *d = NULL;
    for (int i = 0; !d && i < NDUMB; i++)
        if (!drm.dumb[i].handle)
            d = &drm.dumb[i];
    if (!d)
        return fail(ENOMEM);
    uint32_t handle = drm.next_handle++;
    /* Pitch aligned to 256 bytes, as several drivers do. */
    uint32_t pitch = (c->width * (c->bpp / 8) + 255) & ~255u;
    uint64_t size = ((uint64_t)pitch * c->height + 4095) & ~4095ull;
    char path[4200];
    dumb_path(path, sizeof path, handle);
    int fd = real_open_(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || ftruncate(fd, (off_t)size) != 0) {
        if (fd >= 0)
            real_close_(fd);
        return fail(ENOMEM);
    }
    *d = (struct dumb){handle, c->width, c->height, pitch, size, 0, fd};
    c->handle = handle;
    c->pitch = pitch;
    c->size = size;
    logf_("CREATE_DUMB handle=%u %ux%u bpp=%u pitch=%u size=%llu file=%s",
          handle, c->width, c->height, c->bpp, pitch, (unsigned long long)size,
          path);
    return 0;
}

int drmIoctl(int fd, unsigned long request, void *arg)
{
    if (!drm_fd(fd)) {
        REAL(drmIoctl);
        return real_drmIoctl ? real_drmIoctl(fd, request, arg) : fail(ENOSYS);
    }
    pthread_mutex_lock(&lock);
    int rc;
    if (request == DRM_IOCTL_MODE_CREATE_DUMB) {
        rc = create_dumb(arg);
    } else if (request == DRM_IOCTL_MODE_MAP_DUMB) {
        struct drm_mode_map_dumb *m = arg;
        struct dumb *d = dumb_of(m->handle);
        /* A fake offset far from 0, as drivers give: mmap must pass it. */
        if (d)
            m->offset = d->offset = (uint64_t)d->handle << 32;
        logf_("MAP_DUMB handle=%u %s", m->handle, d ? "ok" : "ENOENT");
        rc = d ? 0 : fail(ENOENT);
    } else if (request == DRM_IOCTL_MODE_DESTROY_DUMB) {
        struct drm_mode_destroy_dumb *x = arg;
        struct dumb *d = dumb_of(x->handle);
        logf_("DESTROY_DUMB handle=%u %s", x->handle, d ? "ok" : "ENOENT");
        if (d)
            dumb_free(d);
        rc = d ? 0 : fail(ENOENT);
    } else {
        logf_("drm unhandled ioctl 0x%lx", request);
        rc = fail(ENOTTY);
    }
    pthread_mutex_unlock(&lock);
    return rc;
}

/* ---- DRM: libdrm's mode-setting calls --------------------------------
 */

static void *dup_array(const void *src, size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (p && n)
        memcpy(p, src, n * size);
    return p;
}

drmModeResPtr drmModeGetResources(int fd)
{
    if (!drm_fd(fd)) {
        REAL(drmModeGetResources);
        return real_drmModeGetResources ? real_drmModeGetResources(fd) : NULL;
    }
    static const uint32_t conns[] = {CONN_OFF, CONN_ON}, encs[] = {ENCODER},
                          crtcs[] = {CRTC_A, CRTC_B};
    drmModeRes *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->count_connectors = 2;
    r->connectors = dup_array(conns, 2, sizeof *conns);
    r->count_encoders = 1;
    r->encoders = dup_array(encs, 1, sizeof *encs);
    r->count_crtcs = 2;
    r->crtcs = dup_array(crtcs, 2, sizeof *crtcs);
    r->max_width = r->max_height = 8192;
    logf_("GetResources");
    return r;
}

void drmModeFreeResources(drmModeResPtr r)
{
    if (!r)
        return;
    free(r->fbs);
    free(r->crtcs);
    free(r->connectors);
    free(r->encoders);
    free(r);
}

drmModeConnectorPtr drmModeGetConnector(int fd, uint32_t id)
{
    if (!drm_fd(fd)) {
        REAL(drmModeGetConnector);
        return real_drmModeGetConnector ? real_drmModeGetConnector(fd, id)
                                        : NULL;
    }
    logf_("GetConnector %u", id);
    if (id != CONN_OFF && id != CONN_ON) {
        errno = ENOENT;
        return NULL;
    }
    static const uint32_t encs[] = {ENCODER};
    drmModeConnector *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->connector_id = id;
    c->connector_type =
        id == CONN_ON ? DRM_MODE_CONNECTOR_HDMIA : DRM_MODE_CONNECTOR_VGA;
    c->connector_type_id = 1;
    c->connection = id == CONN_ON ? DRM_MODE_CONNECTED : DRM_MODE_DISCONNECTED;
    c->count_encoders = 1;
    c->encoders = dup_array(encs, 1, sizeof *encs);
    if (id == CONN_ON) {
        c->encoder_id = drm.crtc_fb ? ENCODER : 0;
        c->count_modes = 2;
        c->modes = dup_array(drm.modes, 2, sizeof *drm.modes);
        c->mmWidth = 510;
        c->mmHeight = 290;
    }
    c->subpixel = DRM_MODE_SUBPIXEL_UNKNOWN;
    return c;
}

void drmModeFreeConnector(drmModeConnectorPtr c)
{
    if (!c)
        return;
    free(c->encoders);
    free(c->prop_values);
    free(c->props);
    free(c->modes);
    free(c);
}

drmModeEncoderPtr drmModeGetEncoder(int fd, uint32_t id)
{
    if (!drm_fd(fd)) {
        REAL(drmModeGetEncoder);
        return real_drmModeGetEncoder ? real_drmModeGetEncoder(fd, id) : NULL;
    }
    logf_("GetEncoder %u", id);
    if (id != ENCODER) {
        errno = ENOENT;
        return NULL;
    }
    drmModeEncoder *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    e->encoder_id = id;
    e->encoder_type = DRM_MODE_ENCODER_TMDS;
    e->crtc_id = drm.crtc_fb ? CRTC_B : 0;
    e->possible_crtcs = 1u << 1; /* CRTC_B, the second in resources */
    return e;
}

void drmModeFreeEncoder(drmModeEncoderPtr e) { free(e); }

drmModeCrtcPtr drmModeGetCrtc(int fd, uint32_t id)
{
    if (!drm_fd(fd)) {
        REAL(drmModeGetCrtc);
        return real_drmModeGetCrtc ? real_drmModeGetCrtc(fd, id) : NULL;
    }
    logf_("GetCrtc %u", id);
    if (id != CRTC_A && id != CRTC_B) {
        errno = ENOENT;
        return NULL;
    }
    drmModeCrtc *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->crtc_id = id;
    c->gamma_size = 256;
    if (id == CRTC_B && drm.crtc_fb) {
        c->buffer_id = drm.crtc_fb;
        c->x = (uint32_t)drm.crtc_x;
        c->y = (uint32_t)drm.crtc_y;
        c->mode = drm.crtc_mode;
        c->mode_valid = 1;
        c->width = drm.crtc_mode.hdisplay;
        c->height = drm.crtc_mode.vdisplay;
    }
    return c;
}

void drmModeFreeCrtc(drmModeCrtcPtr c) { free(c); }

int drmModeAddFB(int fd, uint32_t width, uint32_t height, uint8_t depth,
                 uint8_t bpp, uint32_t pitch, uint32_t handle, uint32_t *id)
{
    if (!drm_fd(fd)) {
        REAL(drmModeAddFB);
        return real_drmModeAddFB ? real_drmModeAddFB(fd, width, height, depth,
                                                     bpp, pitch, handle, id)
                                 : fail(ENOSYS);
    }
    pthread_mutex_lock(&lock);
    struct dumb *d = dumb_of(handle);
    struct fbo *f = NULL;
    for (int i = 0; !f && i < NFB; i++)
        if (!drm.fb[i].id)
            f = &drm.fb[i];
    int err = !d ? ENOENT
              : depth != 24 || bpp != 32 || !width || !height ||
                      pitch < width * 4 || (uint64_t)pitch * height > d->size
                  ? EINVAL
              : !f ? ENOSPC
                   : 0;
    if (!err) {
        *f = (struct fbo){drm.next_fb++, handle, width, height};
        *id = f->id;
    }
    logf_("AddFB fb=%u handle=%u %ux%u depth=%u bpp=%u pitch=%u %s",
          err ? 0 : f->id, handle, width, height, depth, bpp, pitch,
          err ? strerror(err) : "ok");
    pthread_mutex_unlock(&lock);
    return err ? fail(err) : 0;
}

int drmModeRmFB(int fd, uint32_t id)
{
    if (!drm_fd(fd)) {
        REAL(drmModeRmFB);
        return real_drmModeRmFB ? real_drmModeRmFB(fd, id) : fail(ENOSYS);
    }
    pthread_mutex_lock(&lock);
    struct fbo *f = fbo_of(id);
    /* The kernel turns off a CRTC whose framebuffer goes away. */
    int shown = f && drm.crtc_fb == id;
    if (shown)
        drm.crtc_fb = 0;
    if (f)
        memset(f, 0, sizeof *f);
    logf_("RmFB fb=%u %s%s", id, f ? "ok" : "ENOENT",
          shown ? " (it was on screen: crtc off)" : "");
    pthread_mutex_unlock(&lock);
    return f ? 0 : fail(ENOENT);
}

static int mode_known(const drmModeModeInfo *m)
{
    for (int i = 0; i < 2; i++)
        if (!memcmp(m, &drm.modes[i], sizeof *m))
            return 1;
    return 0;
}

/* drm_mode_setcrtc()'s checks, in its order. */
static int setcrtc_check(uint32_t crtc, uint32_t fb, int x, int y,
                         const uint32_t *conns, int count,
                         const drmModeModeInfo *mode)
{
    const char *f = getenv("FAKE_DRM_FAIL");
    if (f && !strcmp(f, "setcrtc"))
        return EACCES; /* not DRM master */
    if (crtc != CRTC_A && crtc != CRTC_B)
        return ENOENT;
    uint32_t w = 0, h = 0;
    if (mode) {
        if (fb == FB_CONSOLE) {
            w = drm.modes[1].hdisplay;
            h = drm.modes[1].vdisplay;
        } else if (fbo_of(fb)) {
            w = fbo_of(fb)->w;
            h = fbo_of(fb)->h;
        } else {
            return ENOENT; /* fb 0 too: a mode needs a framebuffer */
        }
        if (!mode_known(mode))
            return EINVAL;
        if ((uint32_t)x + mode->hdisplay > w ||
            (uint32_t)y + mode->vdisplay > h)
            return ENOSPC;
    }
    if (count == 0 && mode)
        return EINVAL;
    if (count > 0 && (!mode || !fb))
        return EINVAL;
    for (int i = 0; i < count; i++)
        if (conns[i] != CONN_ON && conns[i] != CONN_OFF)
            return ENOENT;
    if (mode && crtc != CRTC_B)
        return EINVAL; /* the encoder cannot reach CRTC_A */
    return 0;
}

int drmModeSetCrtc(int fd, uint32_t crtc, uint32_t fb, uint32_t x, uint32_t y,
                   uint32_t *conns, int count, drmModeModeInfoPtr mode)
{
    if (!drm_fd(fd)) {
        REAL(drmModeSetCrtc);
        return real_drmModeSetCrtc
                   ? real_drmModeSetCrtc(fd, crtc, fb, x, y, conns, count, mode)
                   : fail(ENOSYS);
    }
    pthread_mutex_lock(&lock);
    int err = setcrtc_check(crtc, fb, (int)x, (int)y, conns, count, mode);
    if (!err && crtc == CRTC_B) {
        drm.crtc_fb = mode ? fb : 0;
        drm.crtc_x = (int)x;
        drm.crtc_y = (int)y;
        if (mode)
            drm.crtc_mode = *mode;
    }
    logf_("SetCrtc crtc=%u fb=%u conn=%u mode=%s %s", crtc, fb,
          count > 0 ? conns[0] : 0, mode ? mode->name : "none",
          err ? strerror(err) : "ok");
    pthread_mutex_unlock(&lock);
    return err ? fail(err) : 0;
}

/* What the kernel frees when the last fd of a device closes. */
static void drm_close(void)
{
    int dumbs = 0, fbs = 0;
    for (int i = 0; i < NFB; i++)
        fbs += drm.fb[i].id != 0;
    for (int i = 0; i < NDUMB; i++)
        if (drm.dumb[i].handle) {
            dumbs++;
            dumb_free(&drm.dumb[i]);
        }
    if (drm.crtc_fb)
        logf_("close: crtc %u shows fb=%u mode=%s; left: %d dumb buffers, "
              "%d framebuffers",
              CRTC_B, drm.crtc_fb, drm.crtc_mode.name, dumbs, fbs);
    else
        logf_("close: crtc %u off; left: %d dumb buffers, %d framebuffers",
              CRTC_B, dumbs, fbs);
    drm.fd = 0;
}

/* ---- The libc calls: our paths and fds, else the real ones -------------
 */

static int open_hook(const char *path, int flags, mode_t mode)
{
    if (is_path(path, "FAKE_FB_DEVICE") || is_path(path, "FAKE_DRM_DEVICE")) {
        pthread_mutex_lock(&lock);
        int fd =
            is_path(path, "FAKE_FB_DEVICE") ? fb_open(flags) : drm_open(flags);
        pthread_mutex_unlock(&lock);
        return fd;
    }
    return real_open_(path, flags, mode);
}

int open(const char *path, int flags, ...)
{
    mode_t mode = 0;
    if (flags & (O_CREAT | O_TMPFILE)) {
        va_list ap;
        va_start(ap, flags);
        mode = (mode_t)va_arg(ap, int);
        va_end(ap);
    }
    return open_hook(path, flags, mode);
}

int open64(const char *path, int flags, ...)
{
    mode_t mode = 0;
    if (flags & (O_CREAT | O_TMPFILE)) {
        va_list ap;
        va_start(ap, flags);
        mode = (mode_t)va_arg(ap, int);
        va_end(ap);
    }
    return open_hook(path, flags, mode);
}

int close(int fd)
{
    pthread_mutex_lock(&lock);
    for (int i = 0; fd > 0 && i < NFBFD; i++)
        if (fbdev.fds[i] == fd) {
            fbdev.fds[i] = 0;
            logf_("fb close fd=%d", fd);
        }
    if (drm_fd(fd))
        drm_close();
    pthread_mutex_unlock(&lock);
    return real_close_(fd);
}

int ioctl(int fd, unsigned long request, ...)
{
    va_list ap;
    va_start(ap, request);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    pthread_mutex_lock(&lock);
    int ours = fb_fd(fd), rc = 0;
    if (ours)
        rc = fb_ioctl(request, arg);
    else if ((ours = drm_fd(fd))) {
        logf_("drm unhandled ioctl 0x%lx (not through drmIoctl)", request);
        rc = fail(ENOTTY);
    }
    pthread_mutex_unlock(&lock);
    if (ours)
        return rc;
    REAL(ioctl);
    return real_ioctl ? real_ioctl(fd, request, arg) : fail(ENOSYS);
}

static void *map_hook(void *addr, size_t len, int prot, int flags, int fd,
                      off_t off)
{
    REAL(mmap);
    if (!real_mmap) {
        errno = ENOSYS;
        return MAP_FAILED;
    }
    pthread_mutex_lock(&lock);
    int mapfd = fd, err = 0;
    off_t mapoff = off;
    if (fb_fd(fd)) {
        size_t pages = (fbdev.smem_len + 4095) & ~(size_t)4095;
        if (off < 0 || (size_t)off > pages || len > pages - (size_t)off)
            err = EINVAL;
        logf_("fb mmap len=%zu offset=%lld %s", len, (long long)off,
              err ? "EINVAL" : "ok");
    } else if (drm_fd(fd)) {
        /* The fake offset names the buffer; map its file from 0. */
        struct dumb *d = NULL;
        for (int i = 0; !d && i < NDUMB; i++)
            if (drm.dumb[i].handle && drm.dumb[i].offset &&
                drm.dumb[i].offset == (uint64_t)off)
                d = &drm.dumb[i];
        err = !d ? EINVAL : len > d->size ? EINVAL : 0;
        if (d) {
            mapfd = d->fd;
            mapoff = 0;
        }
        logf_("drm mmap len=%zu offset=0x%llx handle=%u %s", len,
              (unsigned long long)off, d ? d->handle : 0,
              err ? "EINVAL" : "ok");
    }
    pthread_mutex_unlock(&lock);
    if (err) {
        errno = err;
        return MAP_FAILED;
    }
    return real_mmap(addr, len, prot, flags, mapfd, mapoff);
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
    return map_hook(addr, len, prot, flags, fd, off);
}

void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off64_t off)
{
    return map_hook(addr, len, prot, flags, fd, off);
}
