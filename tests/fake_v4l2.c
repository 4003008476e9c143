/* fake_v4l2.c -- one emulated V4L2 capture device for LD_PRELOAD, at the
 * libv4l2 API (v4l2_open, v4l2_ioctl, v4l2_mmap, v4l2_munmap,
 * v4l2_close), which is where ZBar's video code meets the kernel. All
 * above it stays real: ZBar's probing, buffer queue and format
 * conversion, the kiosk's camera.c and its loop.
 *
 *   FAKE_V4L2_DEVICE=PATH  the device's path; any other path or fd goes
 *                          on to the real libv4l2
 *   FAKE_V4L2_FRAMES=DIR   the scene: DIR's *.pgm files (8-bit binary
 *                          PGM, all the size of the first) one per frame
 *                          in name order from STREAMON, then the last one
 *                          held. Each file is read when its frame is
 *                          captured, so renaming a new image over the
 *                          last one changes what the camera sees. An
 *                          unreadable or wrong-sized file is a dropped
 *                          frame.
 *   FAKE_V4L2_FORMAT=YUYV  offer YUYV 4:2:2 only (default: GREY only)
 *   FAKE_V4L2_TRACE=1      one stderr line per ioctl on the device
 *   FAKE_V4L2_LATE_HUP=1   the cable goes between poll() and the read:
 *                          the first poll() after DIR/unplugged appears
 *                          still says POLLIN (a frame on its way), and
 *                          the device dies under it, so the DQBUF that
 *                          follows fails (ENODEV) before any POLLHUP
 *
 * While DIR/unplugged exists the device is unplugged: opening fails with
 * ENOENT; an open device dies for good (every ioctl ENODEV, poll() says
 * POLLERR|POLLHUP), as a pulled USB camera does, and a later open once
 * the file is gone is a new device.
 *
 * The frame clock is a thread, the "sensor": 15 frames a second while
 * streaming, each filling the oldest queued buffer, or dropped when the
 * program holds them all. The fd handed out is the read end of a pipe
 * with one byte in it per filled buffer, so poll() on it is the kernel's
 * own. One device may be open at a time (a second open: EBUSY); MMAP is
 * the only I/O mode; there are no controls, crop, inputs or frame rate
 * settings (EINVAL or ENOTTY, as a driver without them answers).
 *
 * Not sanitized (see tests/service.cmake); everything it allocates is
 * freed at close. */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/videodev2.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define FPS 15
#define NBUF_MAX 8
#define MAPS_MAX 32

enum { DEQUEUED, QUEUED, DONE };

struct buffer {
    int state;
    uint64_t order; /* FIFO position among queued or among done buffers */
    uint32_t bytesused, sequence;
    struct timeval stamp;
};

static struct {
    pthread_mutex_t lock;
    pthread_cond_t done; /* a buffer was filled, or the device died */
    int fd;              /* the pipe's read end, handed out; -1: closed */
    int wake;            /* its write end; -1 once unplugged */
    int nonblock, gone, stop, streaming;
    pthread_t sensor;
    char dir[4096];
    struct dirent **names;
    int count;
    uint32_t width, height, fourcc, bpl, size;
    int memfd;
    uint8_t *mem; /* the buffers as the sensor writes them */
    size_t stride;
    uint32_t nbuf;
    struct buffer buf[NBUF_MAX];
    uint64_t order;
    uint32_t ticks;       /* frames since STREAMON, sent or dropped */
    void *maps[MAPS_MAX]; /* the program's own mappings of the buffers */
    int trace, late_hup;
} dev = {.lock = PTHREAD_MUTEX_INITIALIZER,
         .done = PTHREAD_COND_INITIALIZER,
         .fd = -1,
         .wake = -1,
         .memfd = -1};

static void *next_fn(const char *name)
{
    void *f = dlsym(RTLD_NEXT, name);
    if (!f)
        fprintf(stderr, "fake_v4l2: no %s to pass on to\n", name);
    return f;
}

static int fail(int err)
{
    errno = err;
    return -1;
}

static int is_pgm(const struct dirent *e)
{
    size_t n = strlen(e->d_name);
    return e->d_name[0] != '.' && n > 4 && !strcmp(e->d_name + n - 4, ".pgm");
}

static int unplugged(void)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/unplugged", dev.dir);
    return access(path, F_OK) == 0;
}

/* Latched: a replugged camera is a new device, the old fd stays dead.
 * Closing the pipe's write end wakes a poll() (POLLHUP) and the blocked
 * DQBUF. Called with the lock held. */
static void die(void)
{
    if (dev.gone)
        return;
    dev.gone = 1;
    if (dev.wake >= 0)
        close(dev.wake);
    dev.wake = -1;
    pthread_cond_broadcast(&dev.done);
}

/* A PGM header token: skips blanks and # comments. */
static int pgm_number(FILE *f, unsigned *out)
{
    int ch;
    while ((ch = getc(f)) != EOF) {
        if (ch == '#') {
            while ((ch = getc(f)) != EOF && ch != '\n')
                ;
        } else if (ch != ' ' && ch != '\t' && ch != '\r' && ch != '\n') {
            break;
        }
    }
    if (ch < '0' || ch > '9')
        return -1;
    unsigned v = 0;
    while (ch >= '0' && ch <= '9' && v < 100000) {
        v = v * 10 + (unsigned)(ch - '0');
        ch = getc(f);
    }
    *out = v; /* the one blank after the number is consumed */
    return 0;
}

/* Read DIR/name: its size in *w x *h, and its pixels into px (room for
 * max bytes; px NULL: the size only). */
static int read_pgm(const char *name, uint8_t *px, size_t max, unsigned *w,
                    unsigned *h)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", dev.dir, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    unsigned maxval = 0;
    int ok = getc(f) == 'P' && getc(f) == '5' && pgm_number(f, w) == 0 &&
             pgm_number(f, h) == 0 && pgm_number(f, &maxval) == 0 &&
             maxval == 255 && *w > 0 && *h > 0;
    if (ok && px)
        ok = (size_t)*w * *h <= max &&
             fread(px, 1, (size_t)*w * *h, f) == (size_t)*w * *h;
    fclose(f);
    return ok ? 0 : -1;
}

static int oldest(int state)
{
    int best = -1;
    for (uint32_t i = 0; i < dev.nbuf; i++)
        if (dev.buf[i].state == state &&
            (best < 0 || dev.buf[i].order < dev.buf[best].order))
            best = (int)i;
    return best;
}

/* Deliver one frame: the scene's pixels into the oldest queued buffer. */
static void fill(const uint8_t *grey)
{
    int i = oldest(QUEUED);
    if (i < 0)
        return; /* the program holds every buffer: the frame is lost */
    uint8_t *out = dev.mem + (size_t)i * dev.stride;
    size_t n = (size_t)dev.width * dev.height;
    if (dev.fourcc == V4L2_PIX_FMT_GREY) {
        memcpy(out, grey, n);
    } else { /* YUYV: Y0 U Y1 V, a grey scene has no colour */
        for (size_t p = 0; p < n; p++) {
            out[2 * p] = grey[p];
            out[2 * p + 1] = 128;
        }
    }
    struct buffer *b = &dev.buf[i];
    b->state = DONE;
    b->order = ++dev.order;
    b->bytesused = dev.size;
    b->sequence = dev.ticks - 1;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    b->stamp.tv_sec = now.tv_sec;
    b->stamp.tv_usec = now.tv_nsec / 1000;
    if (write(dev.wake, "", 1) != 1)
        fprintf(stderr, "fake_v4l2: wake: %s\n", strerror(errno));
    pthread_cond_broadcast(&dev.done);
}

static void *sensor(void *arg)
{
    (void)arg;
    size_t n = (size_t)dev.width * dev.height;
    uint8_t *grey = malloc(n);
    struct timespec at;
    clock_gettime(CLOCK_MONOTONIC, &at);
    for (;;) {
        at.tv_nsec += 1000000000L / FPS;
        if (at.tv_nsec >= 1000000000L) {
            at.tv_sec++;
            at.tv_nsec -= 1000000000L;
        }
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, NULL))
            ;
        pthread_mutex_lock(&dev.lock);
        if (dev.stop || dev.gone) {
            pthread_mutex_unlock(&dev.lock);
            break;
        }
        if (unplugged() && dev.late_hup) {
            pthread_mutex_unlock(&dev.lock); /* poll() pulls the cable */
            continue;
        }
        if (unplugged()) {
            die();
            pthread_mutex_unlock(&dev.lock);
            break;
        }
        if (!dev.streaming || !grey) {
            pthread_mutex_unlock(&dev.lock);
            continue;
        }
        uint32_t k = dev.ticks++;
        const char *name =
            dev.names[k < (uint32_t)dev.count ? k : (uint32_t)dev.count - 1]
                ->d_name;
        pthread_mutex_unlock(&dev.lock);
        /* File I/O outside the lock: the program's ioctls go on. The
         * names stay until close, which joins this thread first. */
        unsigned w, h;
        int ok = read_pgm(name, grey, n, &w, &h) == 0 && w == dev.width &&
                 h == dev.height;
        pthread_mutex_lock(&dev.lock);
        if (ok && dev.streaming && !dev.gone && !dev.stop)
            fill(grey);
        pthread_mutex_unlock(&dev.lock);
    }
    free(grey);
    return NULL;
}

static void free_buffers(void)
{
    if (dev.mem)
        munmap(dev.mem, dev.stride * dev.nbuf);
    if (dev.memfd >= 0)
        close(dev.memfd);
    dev.mem = NULL;
    dev.memfd = -1;
    dev.nbuf = 0;
}

static void close_device(void)
{
    pthread_mutex_lock(&dev.lock);
    dev.stop = 1;
    pthread_mutex_unlock(&dev.lock);
    pthread_join(dev.sensor, NULL);
    pthread_mutex_lock(&dev.lock);
    free_buffers();
    close(dev.fd);
    if (dev.wake >= 0)
        close(dev.wake);
    for (int i = 0; i < dev.count; i++)
        free(dev.names[i]);
    free(dev.names);
    dev.names = NULL;
    dev.count = 0;
    dev.fd = dev.wake = -1;
    dev.gone = dev.stop = dev.streaming = 0;
    pthread_mutex_unlock(&dev.lock);
}

static int open_device(int oflag)
{
    const char *frames = getenv("FAKE_V4L2_FRAMES");
    const char *format = getenv("FAKE_V4L2_FORMAT");
    const char *trace = getenv("FAKE_V4L2_TRACE");
    if (dev.fd >= 0)
        return fail(EBUSY);
    if (!frames || strlen(frames) >= sizeof dev.dir)
        return fail(ENODEV);
    memcpy(dev.dir, frames, strlen(frames) + 1);
    if (unplugged())
        return fail(ENOENT);
    dev.trace = trace && *trace == '1';
    const char *late = getenv("FAKE_V4L2_LATE_HUP");
    dev.late_hup = late && *late == '1';
    dev.fourcc = format && !strcmp(format, "YUYV") ? V4L2_PIX_FMT_YUYV
                                                   : V4L2_PIX_FMT_GREY;
    dev.count = scandir(dev.dir, &dev.names, is_pgm, alphasort);
    unsigned w = 0, h = 0;
    if (dev.count <= 0 ||
        read_pgm(dev.names[0]->d_name, NULL, 0, &w, &h) != 0 ||
        (dev.fourcc == V4L2_PIX_FMT_YUYV && w % 2)) {
        fprintf(stderr, "fake_v4l2: %s: no usable *.pgm frames\n", dev.dir);
        for (int i = 0; i < dev.count; i++)
            free(dev.names[i]);
        free(dev.names);
        dev.names = NULL;
        dev.count = 0;
        return fail(EIO);
    }
    dev.width = w;
    dev.height = h;
    dev.bpl = dev.fourcc == V4L2_PIX_FMT_GREY ? w : 2 * w;
    dev.size = dev.bpl * h;
    dev.nonblock = (oflag & O_NONBLOCK) != 0;
    int p[2];
    if (pipe2(p, O_CLOEXEC | O_NONBLOCK) != 0)
        return -1;
    dev.fd = p[0];
    dev.wake = p[1];
    int err = pthread_create(&dev.sensor, NULL, sensor, NULL);
    if (err) {
        close(p[0]);
        close(p[1]);
        dev.fd = dev.wake = -1;
        return fail(err);
    }
    return dev.fd;
}

/* ---- ioctls ------------------------------------------------------------
 * Called with the lock held, the device present. */

static void pix_format(struct v4l2_pix_format *p)
{
    /* One size, one format: a driver answers a request for anything
     * else with what it has (no error), as the V4L2 spec says. */
    memset(p, 0, sizeof *p);
    p->width = dev.width;
    p->height = dev.height;
    p->pixelformat = dev.fourcc;
    p->field = V4L2_FIELD_NONE;
    p->bytesperline = dev.bpl;
    p->sizeimage = dev.size;
    p->colorspace = V4L2_COLORSPACE_SRGB;
}

static int reqbufs(struct v4l2_requestbuffers *rb)
{
    if (rb->type != V4L2_BUF_TYPE_VIDEO_CAPTURE ||
        rb->memory != V4L2_MEMORY_MMAP)
        return fail(EINVAL); /* no USERPTR or DMABUF */
    if (dev.streaming)
        return fail(EBUSY);
    free_buffers();
    if (rb->count == 0)
        return 0;
    dev.nbuf = rb->count < NBUF_MAX ? rb->count : NBUF_MAX;
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    dev.stride = (dev.size + page - 1) / page * page;
    /* A memfd, so each v4l2_mmap is a real mapping of shared pages, as
     * a driver's buffers are. */
    dev.memfd = memfd_create("fake_v4l2", MFD_CLOEXEC);
    if (dev.memfd < 0 || ftruncate(dev.memfd, (off_t)(dev.stride * dev.nbuf)))
        goto broken;
    dev.mem = mmap(NULL, dev.stride * dev.nbuf, PROT_READ | PROT_WRITE,
                   MAP_SHARED, dev.memfd, 0);
    if (dev.mem == MAP_FAILED) {
        dev.mem = NULL;
        goto broken;
    }
    memset(dev.buf, 0, sizeof dev.buf);
    rb->count = dev.nbuf;
    rb->capabilities = V4L2_BUF_CAP_SUPPORTS_MMAP;
    return 0;
broken:
    free_buffers();
    return fail(ENOMEM);
}

static int buffer_arg(struct v4l2_buffer *vb)
{
    if (vb->type != V4L2_BUF_TYPE_VIDEO_CAPTURE ||
        vb->memory != V4L2_MEMORY_MMAP || vb->index >= dev.nbuf)
        return fail(EINVAL);
    return 0;
}

static void buffer_info(struct v4l2_buffer *vb, uint32_t i)
{
    const struct buffer *b = &dev.buf[i];
    memset(vb, 0, sizeof *vb);
    vb->index = i;
    vb->type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    vb->memory = V4L2_MEMORY_MMAP;
    vb->m.offset = (uint32_t)(i * dev.stride);
    vb->length = dev.size;
    vb->field = V4L2_FIELD_NONE;
    vb->flags =
        V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC | V4L2_BUF_FLAG_TSTAMP_SRC_EOF;
    if (b->state == QUEUED)
        vb->flags |= V4L2_BUF_FLAG_QUEUED;
    if (b->state == DONE)
        vb->flags |= V4L2_BUF_FLAG_DONE;
    vb->bytesused = b->state == QUEUED ? 0 : b->bytesused;
    vb->sequence = b->sequence;
    vb->timestamp = b->stamp;
}

static int dqbuf(struct v4l2_buffer *vb)
{
    if (vb->type != V4L2_BUF_TYPE_VIDEO_CAPTURE ||
        vb->memory != V4L2_MEMORY_MMAP)
        return fail(EINVAL);
    int i;
    while ((i = oldest(DONE)) < 0) {
        if (!dev.streaming)
            return fail(EINVAL);
        if (dev.nonblock)
            return fail(EAGAIN);
        pthread_cond_wait(&dev.done, &dev.lock);
        if (dev.gone)
            return fail(ENODEV);
    }
    char byte;
    if (read(dev.fd, &byte, 1) != 1)
        fprintf(stderr, "fake_v4l2: DQBUF with an empty pipe\n");
    dev.buf[i].state = DEQUEUED;
    buffer_info(vb, (uint32_t)i);
    return 0;
}

static int streamoff(void)
{
    dev.streaming = 0;
    for (uint32_t i = 0; i < dev.nbuf; i++)
        dev.buf[i].state = DEQUEUED;
    char drain[64];
    while (read(dev.fd, drain, sizeof drain) > 0)
        ;
    pthread_cond_broadcast(&dev.done); /* a blocked DQBUF: EINVAL */
    return 0;
}

static int device_ioctl(unsigned long req, void *arg)
{
    switch (req) {
    case VIDIOC_QUERYCAP: {
        struct v4l2_capability *cap = arg;
        memset(cap, 0, sizeof *cap);
        snprintf((char *)cap->driver, sizeof cap->driver, "fake_v4l2");
        snprintf((char *)cap->card, sizeof cap->card, "OCOP test camera");
        snprintf((char *)cap->bus_info, sizeof cap->bus_info, "platform:fake");
        cap->version = 0x060100;
        cap->device_caps = V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_STREAMING;
        cap->capabilities = cap->device_caps | V4L2_CAP_DEVICE_CAPS;
        return 0;
    }
    case VIDIOC_ENUM_FMT: {
        struct v4l2_fmtdesc *d = arg;
        if (d->type != V4L2_BUF_TYPE_VIDEO_CAPTURE || d->index != 0)
            return fail(EINVAL);
        uint32_t index = d->index, type = d->type;
        memset(d, 0, sizeof *d);
        d->index = index;
        d->type = type;
        d->pixelformat = dev.fourcc;
        snprintf((char *)d->description, sizeof d->description, "%s",
                 dev.fourcc == V4L2_PIX_FMT_GREY ? "8-bit Greyscale"
                                                 : "YUYV 4:2:2");
        return 0;
    }
    case VIDIOC_ENUM_FRAMESIZES: {
        struct v4l2_frmsizeenum *s = arg;
        if (s->index != 0 || s->pixel_format != dev.fourcc)
            return fail(EINVAL);
        s->type = V4L2_FRMSIZE_TYPE_DISCRETE;
        s->discrete.width = dev.width;
        s->discrete.height = dev.height;
        return 0;
    }
    case VIDIOC_ENUM_FRAMEINTERVALS: {
        struct v4l2_frmivalenum *v = arg;
        if (v->index != 0 || v->pixel_format != dev.fourcc ||
            v->width != dev.width || v->height != dev.height)
            return fail(EINVAL);
        v->type = V4L2_FRMIVAL_TYPE_DISCRETE;
        v->discrete.numerator = 1;
        v->discrete.denominator = FPS;
        return 0;
    }
    case VIDIOC_G_FMT:
    case VIDIOC_S_FMT:
    case VIDIOC_TRY_FMT: {
        struct v4l2_format *f = arg;
        if (f->type != V4L2_BUF_TYPE_VIDEO_CAPTURE)
            return fail(EINVAL);
        if (req == VIDIOC_S_FMT && dev.nbuf)
            return fail(EBUSY); /* buffers of the old size exist */
        pix_format(&f->fmt.pix);
        return 0;
    }
    case VIDIOC_REQBUFS: return reqbufs(arg);
    case VIDIOC_QUERYBUF: {
        struct v4l2_buffer *vb = arg;
        if (buffer_arg(vb))
            return -1;
        buffer_info(vb, vb->index);
        return 0;
    }
    case VIDIOC_QBUF: {
        struct v4l2_buffer *vb = arg;
        if (buffer_arg(vb) || dev.buf[vb->index].state != DEQUEUED)
            return fail(EINVAL);
        dev.buf[vb->index].state = QUEUED;
        dev.buf[vb->index].order = ++dev.order;
        buffer_info(vb, vb->index);
        return 0;
    }
    case VIDIOC_DQBUF: return dqbuf(arg);
    case VIDIOC_STREAMON:
    case VIDIOC_STREAMOFF:
        if (*(int *)arg != V4L2_BUF_TYPE_VIDEO_CAPTURE)
            return fail(EINVAL);
        if (req == VIDIOC_STREAMOFF)
            return streamoff();
        if (!dev.nbuf)
            return fail(EINVAL);
        if (!dev.streaming)
            dev.ticks = 0;
        dev.streaming = 1;
        return 0;
    /* A driver with a control handler and no controls. */
    case VIDIOC_QUERYCTRL:
    case VIDIOC_QUERY_EXT_CTRL:
    case VIDIOC_QUERYMENU:
    case VIDIOC_G_CTRL:
    case VIDIOC_S_CTRL:
    case VIDIOC_G_EXT_CTRLS:
    case VIDIOC_S_EXT_CTRLS:
    case VIDIOC_TRY_EXT_CTRLS: return fail(EINVAL);
    default: return fail(ENOTTY); /* what V4L2 says of an ioctl it lacks */
    }
}

static const char *ioctl_name(unsigned long req)
{
    switch (req) {
    case VIDIOC_QUERYCAP: return "QUERYCAP";
    case VIDIOC_ENUM_FMT: return "ENUM_FMT";
    case VIDIOC_ENUM_FRAMESIZES: return "ENUM_FRAMESIZES";
    case VIDIOC_ENUM_FRAMEINTERVALS: return "ENUM_FRAMEINTERVALS";
    case VIDIOC_G_FMT: return "G_FMT";
    case VIDIOC_S_FMT: return "S_FMT";
    case VIDIOC_TRY_FMT: return "TRY_FMT";
    case VIDIOC_REQBUFS: return "REQBUFS";
    case VIDIOC_QUERYBUF: return "QUERYBUF";
    case VIDIOC_QBUF: return "QBUF";
    case VIDIOC_DQBUF: return "DQBUF";
    case VIDIOC_STREAMON: return "STREAMON";
    case VIDIOC_STREAMOFF: return "STREAMOFF";
    case VIDIOC_QUERY_EXT_CTRL: return "QUERY_EXT_CTRL";
    case VIDIOC_CROPCAP: return "CROPCAP";
    case VIDIOC_S_CROP: return "S_CROP";
    default: return "?";
    }
}

/* ---- the libv4l2 API and poll() ---------------------------------------- */

int v4l2_open(const char *file, int oflag, ...)
{
    mode_t mode = 0;
    if (oflag & (O_CREAT | O_TMPFILE)) { /* only then is it passed */
        va_list ap;
        va_start(ap, oflag);
        mode = (mode_t)va_arg(ap, int);
        va_end(ap);
    }
    const char *path = getenv("FAKE_V4L2_DEVICE");
    if (!path || strcmp(file, path)) {
        int (*next)(const char *, int, ...) =
            (int (*)(const char *, int, ...))next_fn("v4l2_open");
        return next ? next(file, oflag, mode) : fail(ENOSYS);
    }
    pthread_mutex_lock(&dev.lock);
    int fd = open_device(oflag);
    int err = errno;
    pthread_mutex_unlock(&dev.lock);
    errno = err;
    return fd;
}

int v4l2_close(int fd)
{
    pthread_mutex_lock(&dev.lock);
    int mine = fd >= 0 && fd == dev.fd;
    pthread_mutex_unlock(&dev.lock);
    if (!mine) {
        int (*next)(int) = (int (*)(int))next_fn("v4l2_close");
        return next ? next(fd) : close(fd);
    }
    /* Only the closing thread uses the device now (as with a real fd,
     * closing it under another thread's ioctl is the program's bug). */
    close_device();
    return 0;
}

int v4l2_ioctl(int fd, unsigned long int request, ...)
{
    va_list ap;
    va_start(ap, request);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    pthread_mutex_lock(&dev.lock);
    if (fd < 0 || fd != dev.fd) {
        pthread_mutex_unlock(&dev.lock);
        int (*next)(int, unsigned long, ...) =
            (int (*)(int, unsigned long, ...))next_fn("v4l2_ioctl");
        return next ? next(fd, request, arg) : fail(ENOSYS);
    }
    if (unplugged())
        die();
    uint32_t asked = 0;
    if (request == VIDIOC_S_FMT || request == VIDIOC_TRY_FMT)
        asked = ((struct v4l2_format *)arg)->fmt.pix.pixelformat;
    int rc = dev.gone ? fail(ENODEV) : device_ioctl(request, arg);
    int err = errno;
    if (dev.trace && asked) /* "S_FMT GREY->YUYV ok": asked, given */
        fprintf(stderr, "fake_v4l2: %s %.4s->%.4s %s\n", ioctl_name(request),
                (const char *)&asked, (const char *)&dev.fourcc,
                rc == 0 ? "ok" : strerror(err));
    else if (dev.trace)
        fprintf(stderr, "fake_v4l2: %s %s\n", ioctl_name(request),
                rc == 0 ? "ok" : strerror(err));
    pthread_mutex_unlock(&dev.lock);
    errno = err;
    return rc;
}

void *v4l2_mmap(void *start, size_t length, int prot, int flags, int fd,
                int64_t offset)
{
    pthread_mutex_lock(&dev.lock);
    if (fd < 0 || fd != dev.fd) {
        pthread_mutex_unlock(&dev.lock);
        void *(*next)(void *, size_t, int, int, int, int64_t) =
            (void *(*)(void *, size_t, int, int, int, int64_t))next_fn(
                "v4l2_mmap");
        if (!next) {
            errno = ENOSYS;
            return MAP_FAILED;
        }
        return next(start, length, prot, flags, fd, offset);
    }
    void *p = MAP_FAILED;
    int slot = 0;
    while (slot < MAPS_MAX && dev.maps[slot])
        slot++;
    if (dev.gone) {
        errno = ENODEV;
    } else if (!dev.nbuf || offset < 0 || (uint64_t)offset % dev.stride ||
               (uint64_t)offset / dev.stride >= dev.nbuf ||
               length > dev.stride || slot == MAPS_MAX) {
        errno = EINVAL;
    } else {
        p = mmap(start, length, prot, flags, dev.memfd, (off_t)offset);
        if (p != MAP_FAILED)
            dev.maps[slot] = p;
    }
    int err = errno;
    pthread_mutex_unlock(&dev.lock);
    errno = err;
    return p;
}

int v4l2_munmap(void *start, size_t length)
{
    pthread_mutex_lock(&dev.lock);
    int slot = 0;
    while (slot < MAPS_MAX && dev.maps[slot] != start)
        slot++;
    if (start && slot < MAPS_MAX)
        dev.maps[slot] = NULL;
    pthread_mutex_unlock(&dev.lock);
    if (start && slot < MAPS_MAX)
        return munmap(start, length); /* also after the device died */
    int (*next)(void *, size_t) =
        (int (*)(void *, size_t))next_fn("v4l2_munmap");
    return next ? next(start, length) : munmap(start, length);
}

/* The pipe alone says POLLHUP once the device died; a V4L2 device that
 * is gone says POLLERR|POLLHUP (and POLLPRI), so the program sees what
 * an unplugged camera shows it, whichever flag it checks. */
int poll(struct pollfd *fds, nfds_t nfds, int timeout)
{
    static int (*next)(struct pollfd *, nfds_t, int);
    if (!next)
        next = (int (*)(struct pollfd *, nfds_t, int))next_fn("poll");
    if (!next)
        return fail(ENOSYS);
    int n = next(fds, nfds, timeout);
    if (n < 0)
        return n;
    pthread_mutex_lock(&dev.lock);
    if (dev.fd >= 0 && dev.late_hup && !dev.gone && unplugged()) {
        for (nfds_t i = 0; i < nfds; i++) {
            if (fds[i].fd != dev.fd)
                continue;
            if (!fds[i].revents)
                n++;
            fds[i].revents = POLLIN;
            if (dev.trace)
                fprintf(stderr, "fake_v4l2: poll POLLIN, then unplugged\n");
        }
        die();
        pthread_mutex_unlock(&dev.lock);
        return n;
    }
    if (dev.fd >= 0 && dev.gone) {
        for (nfds_t i = 0; i < nfds; i++) {
            if (fds[i].fd != dev.fd)
                continue;
            if (!fds[i].revents)
                n++;
            fds[i].revents =
                (short)(POLLERR | POLLHUP | (fds[i].events & POLLPRI));
            if (dev.trace)
                fprintf(stderr, "fake_v4l2: poll POLLERR|POLLHUP\n");
        }
    }
    pthread_mutex_unlock(&dev.lock);
    return n;
}
