/* camera.c -- V4L2 frames through ZBar's video API, or still images from
 * a folder on a timer; both end as the newest grey frame. */
#include "camera.h"

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <unistd.h>
#include <zbar.h>

#if defined(__SANITIZE_ADDRESS__)
#define CAMERA_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CAMERA_LSAN 1
#endif
#endif
#ifdef CAMERA_LSAN
#include <sanitizer/lsan_interface.h>
#endif

/* At most this many queued frames are dropped per take: the driver's
 * queue is a handful of buffers, so more means the fd never goes quiet
 * (a broken driver), and decoding something beats spinning. */
#define DRAIN_MAX 16

struct camera {
    int kind; /* 0 v4l2, 1 frames */
    /* v4l2 */
    zbar_video_t *video;
    zbar_image_t *frame; /* the frame handed out last */
    /* frames */
    int timer;
    char dir[1024];
    struct dirent **names;
    int count, next;
    labels_image still;
};

static void video_error(zbar_video_t *v, const char *spec, const char *what,
                        char *msg, size_t msgsz)
{
    /* ZBar's message is "ERROR: zbar video in f():\n    system error:
     * ... (2)\n": its last line says what happened. */
    const char *why = v ? zbar_video_error_string(v, 0) : NULL;
    char last[512] = "";
    if (why) {
        const char *end = why + strlen(why);
        while (end > why && (end[-1] == '\n' || end[-1] == ' '))
            end--;
        const char *start = end;
        while (start > why && start[-1] != '\n')
            start--;
        while (start < end && *start == ' ')
            start++;
        snprintf(last, sizeof last, "%.*s", (int)(end - start), start);
    }
    snprintf(msg, msgsz, "camera %s: %s%s%s", spec, what, last[0] ? ": " : "",
             last);
}

/* ZBar 0.23.92's V4L2 probe lists the device's frame sizes (12 bytes a
 * size) and never frees the list: a few dozen bytes lost each time a
 * camera is opened, nothing camera.c can give back. Under the sanitizers
 * LeakSanitizer is told to let what zbar_video_open() allocates go, so
 * that every other leak still fails the tests. */
static int video_open(zbar_video_t *v, const char *spec)
{
#ifdef CAMERA_LSAN
    __lsan_disable();
#endif
    int rc = zbar_video_open(v, spec);
#ifdef CAMERA_LSAN
    __lsan_enable();
#endif
    return rc;
}

/* The formats to ask the driver for, cheapest to turn into grey first,
 * as zbar_negotiate_format() orders them: grey, YUV, then JPEG. That
 * function is not called: in ZBar 0.23.92 (Debian 12) it locks the
 * window it is given, and without one (NULL) it crashes; later ZBar
 * checks. Last come the formats libv4l2 makes in software from any
 * other (YU12, YV12, RGB3, BGR3), which ZBar too takes only when nothing
 * else works: a driver that has YUYV is better asked for it than for
 * libv4l2's YU12 made from it. */
static const char formats[][5] = {"GREY", "Y800", "NV12", "NV21", "422P",
                                  "YUYV", "UYVY", "MJPG", "JPEG", "YU12",
                                  "YV12", "RGB3", "BGR3", "RGB4", "BGR4"};

/* The first of formats the driver gives as asked: ZBar sets it (S_FMT),
 * reads it back and fails when the driver gave another. */
static int init_format(zbar_video_t *v)
{
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        const char *f = formats[i];
        if (zbar_video_init(v, zbar_fourcc(f[0], f[1], f[2], f[3])) == 0)
            return 0;
    }
    return -1;
}

static int open_v4l2(camera *c, const char *spec, int width, int height,
                     char *msg, size_t msgsz)
{
    c->video = zbar_video_create();
    if (!c->video) {
        snprintf(msg, msgsz, "camera %s: out of memory", spec);
        return -1;
    }
    if (width > 0 && height > 0)
        zbar_video_request_size(c->video, (unsigned)width, (unsigned)height);
    if (video_open(c->video, spec) != 0) {
        video_error(c->video, spec, "cannot open", msg, msgsz);
        return -1;
    }
    if (init_format(c->video) != 0) {
        video_error(c->video, spec, "no usable format", msg, msgsz);
        return -1;
    }
    if (zbar_video_enable(c->video, 1) != 0) {
        video_error(c->video, spec, "cannot start streaming", msg, msgsz);
        return -1;
    }
    if (zbar_video_get_fd(c->video) < 0) {
        snprintf(msg, msgsz, "camera %s: the driver cannot be polled", spec);
        return -1;
    }
    return 0;
}

static int is_image_name(const struct dirent *e)
{
    const char *dot = strrchr(e->d_name, '.');
    return e->d_name[0] != '.' && dot &&
           (!strcmp(dot, ".pgm") || !strcmp(dot, ".png") ||
            !strcmp(dot, ".jpg") || !strcmp(dot, ".jpeg"));
}

static int open_frames(camera *c, const char *spec, char *msg, size_t msgsz)
{
    const char *dir = spec + strlen(CAMERA_FRAMES_PREFIX);
    if (strlen(dir) >= sizeof c->dir - 256) {
        snprintf(msg, msgsz, "camera %s: path too long", spec);
        return -1;
    }
    memcpy(c->dir, dir, strlen(dir) + 1);
    c->count = scandir(dir, &c->names, is_image_name, alphasort);
    if (c->count < 0) {
        snprintf(msg, msgsz, "camera %s: %s", spec, strerror(errno));
        c->names = NULL;
        c->count = 0;
        return -1;
    }
    c->timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (c->timer < 0) {
        snprintf(msg, msgsz, "camera %s: timerfd: %s", spec, strerror(errno));
        return -1;
    }
    struct itimerspec its = {0};
    its.it_interval.tv_nsec = 1000000000L / CAMERA_FRAMES_FPS;
    its.it_value = its.it_interval;
    if (timerfd_settime(c->timer, 0, &its, NULL) != 0) {
        snprintf(msg, msgsz, "camera %s: timerfd: %s", spec, strerror(errno));
        return -1;
    }
    return 0;
}

int camera_open(const char *spec, int width, int height, camera **out,
                char *msg, size_t msgsz)
{
    *out = NULL;
    camera *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(msg, msgsz, "camera %s: out of memory", spec);
        return -1;
    }
    c->timer = -1;
    int rc;
    if (!strncmp(spec, CAMERA_FRAMES_PREFIX, strlen(CAMERA_FRAMES_PREFIX))) {
        c->kind = 1;
        rc = open_frames(c, spec, msg, msgsz);
    } else {
        rc = open_v4l2(c, spec, width, height, msg, msgsz);
    }
    if (rc != 0) {
        camera_close(c);
        return -1;
    }
    *out = c;
    return 0;
}

int camera_fd(const camera *c)
{
    return c->kind ? c->timer : zbar_video_get_fd(c->video);
}

const char *camera_kind(const camera *c) { return c->kind ? "frames" : "v4l2"; }

static int readable_now(int fd)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    return poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

static int device_gone(int fd)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    return poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP | POLLNVAL));
}

static int take_v4l2(camera *c, labels_image *img, char *msg, size_t msgsz)
{
    if (c->frame) {
        zbar_image_destroy(c->frame); /* gives its buffer back */
        c->frame = NULL;
    }
    int fd = zbar_video_get_fd(c->video);
    zbar_image_t *raw = NULL;
    for (int i = 0; i < DRAIN_MAX; i++) {
        zbar_image_t *next = zbar_video_next_image(c->video);
        if (!next) {
            if (raw)
                break; /* keep the last good one; the error recurs */
            /* Unplugged between the caller's poll() and this read: the
             * same event as a POLLHUP, told the same way. */
            if (device_gone(fd))
                return CAMERA_GONE;
            video_error(c->video, "device", "read failed", msg, msgsz);
            return -1;
        }
        if (raw)
            zbar_image_destroy(raw);
        raw = next;
        if (!readable_now(fd))
            break;
    }
    unsigned long fmt = zbar_image_get_format(raw);
    if (fmt == zbar_fourcc('Y', '8', '0', '0') ||
        fmt == zbar_fourcc('G', 'R', 'E', 'Y')) {
        c->frame = raw;
    } else {
        c->frame = zbar_image_convert(raw, zbar_fourcc('Y', '8', '0', '0'));
        zbar_image_destroy(raw);
        if (!c->frame)
            return 0; /* a frame ZBar could not convert (a bad MJPEG) */
    }
    unsigned w = zbar_image_get_width(c->frame);
    unsigned h = zbar_image_get_height(c->frame);
    if (!w || !h || zbar_image_get_data_length(c->frame) < (unsigned long)w * h)
        return 0;
    img->width = (int)w;
    img->height = (int)h;
    img->stride = (int)w;
    /* labels_decode only reads the pixels. */
    img->pixels = (uint8_t *)(uintptr_t)zbar_image_get_data(c->frame);
    return 1;
}

static int take_frames(camera *c, labels_image *img, char *msg, size_t msgsz)
{
    uint64_t ticks = 0;
    if (read(c->timer, &ticks, sizeof ticks) != (ssize_t)sizeof ticks)
        return 0;
    if (c->next >= c->count) {
        struct itimerspec off = {0};
        timerfd_settime(c->timer, 0, &off, NULL); /* no more frames */
        return 0;
    }
    /* Ticks missed while the loop was busy are frames a camera would
     * have dropped: skip to the newest. */
    uint64_t left = (uint64_t)(c->count - c->next);
    c->next += (int)(ticks < left ? ticks : left);
    labels_image_free(&c->still);
    char path[2048];
    snprintf(path, sizeof path, "%s/%s", c->dir, c->names[c->next - 1]->d_name);
    int rc = labels_image_read(path, 0, &c->still);
    if (rc != LABELS_OK) {
        snprintf(msg, msgsz, "camera %s: %s", path, labels_strerror(rc));
        return -1;
    }
    *img = c->still;
    return 1;
}

int camera_take(camera *c, labels_image *img, char *msg, size_t msgsz)
{
    memset(img, 0, sizeof *img);
    return c->kind ? take_frames(c, img, msg, msgsz)
                   : take_v4l2(c, img, msg, msgsz);
}

void camera_close(camera *c)
{
    if (!c)
        return;
    if (c->frame)
        zbar_image_destroy(c->frame);
    if (c->video) {
        zbar_video_enable(c->video, 0);
        zbar_video_destroy(c->video);
    }
    if (c->timer >= 0)
        close(c->timer);
    for (int i = 0; i < c->count; i++)
        free(c->names[i]);
    free(c->names);
    labels_image_free(&c->still);
    free(c);
}
