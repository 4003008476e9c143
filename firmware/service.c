/* service.c -- the scanning loop of `ocop-kiosk run` (see service.h).
 *
 * Single-threaded on purpose: the mirror handle, the scan log and the
 * screen belong to this loop alone. It polls the signals, the sync
 * thread's eventfd, the camera and the scanner; every code from either
 * input goes through the one verdict pipeline, then to the screen and the
 * log. systemd hears READY=1 once the first screen is up (whatever state
 * it shows), WATCHDOG=1 from every turn of the loop, and STATUS= lines.
 */
#include "service.h"

#include "inspector.h"

#include "camera.h"
#include "commands.h"
#include "config.h"
#include "log.h"
#include "scan_debounce.h"
#include "screen_out.h"
#include "screen_render.h"
#include "service_workers.h"
#include "sync_state.h"
#include "verdict_pipeline.h"
#include "wedge.h"

#include <errno.h>
#include <fcntl.h>
#include <labels.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <systemd/sd-daemon.h>
#include <time.h>
#include <unistd.h>

#define RETRY_MS 2000     /* camera, scanner, mirror: try again after */
#define STATS_MS 30000    /* recount pending scans at most this often */
#define LOOP_MAX_MS 1000  /* the longest poll: the watchdog's pace */
#define STOP_WAIT_MS 1500 /* for the threads to finish at SIGTERM */
#define WEDGE_IDLE_MS 500 /* a scanner types a code in one burst */

struct svc {
    const char *config_path;
    struct kiosk_config cfg;
    struct kiosk_verdicts v;
    char data_date[11];
    struct workers w;
    int sigfd;

    camera *cam;
    int64_t cam_retry_ms; /* next open attempt; 0: none pending */
    char cam_problem[1200];
    labels_reader *dec; /* live mode: retries spread over frames */
    scan_debounce deb;
    int64_t frame_ms;

    int scan_fd; /* the scanner: evdev or stdin, -1 none */
    int scan_evdev;
    int64_t scan_retry_ms;
    int scan_problem; /* errno of the open failure last logged; 0: none */
    wedge wedge;

    screen_renderer *rend;
    screen_display *disp;
    int disp_w, disp_h;
    screen_lang lang;
    int64_t verdict_until;
    labels_facts facts;
    int verdict_stale;
    char shown[256]; /* what is on the screen now, to skip redraws */
    int ready_sent;

    int64_t next_mirror_try;
    int64_t last_watchdog, next_stats;
    int64_t next_stale_check;
    int stale;
    int64_t pending;
    char status[512];
    int log_warned, not_ready_warned;

    struct inspector insp; /* inspector mode (docs/inspectors.md) */
    char insp_banner[160];
    char insp_notes[1200]; /* the shown product's previous findings */
};

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- The screen -------------------------------------------------------- */

static void screen_close(struct svc *s)
{
    screen_display_close(s->disp);
    s->disp = NULL;
}

/* Open the configured display; without one, verdicts go to the log
 * only (they always do) and scanning goes on. */
static void screen_open(struct svc *s)
{
    screen_close(s);
    s->shown[0] = '\0';
    if (!strcmp(s->cfg.screen_output, "none"))
        return;
    char msg[512];
    if (!s->rend && screen_renderer_new(&s->rend) != LABELS_OK) {
        kiosk_logl(KLOG_ERR, "screen: cannot start the renderer; verdicts "
                             "are logged only");
        s->rend = NULL;
        return;
    }
    int rc = screen_display_open(s->cfg.screen_output, (int)s->cfg.screen_width,
                                 (int)s->cfg.screen_height, &s->disp, msg,
                                 sizeof msg);
    if (rc != LABELS_OK) {
        kiosk_logl(KLOG_WARNING,
                   "screen %s: %s; verdicts are logged only, scanning goes on",
                   s->cfg.screen_output, msg);
        s->disp = NULL;
        return;
    }
    screen_display_size(s->disp, &s->disp_w, &s->disp_h);
    kiosk_logl(KLOG_INFO, "screen: %s %dx%d", screen_display_kind(s->disp),
               s->disp_w, s->disp_h);
}

/* A surface for one screen, its pixels in their own anonymous mapping,
 * unmapped once the screen is shown: the display keeps the pixels, and
 * between changes the kiosk holds no 1.5 MB (800x480) to 8 MB
 * (1920x1080) copy. Not malloc: glibc raises its mmap threshold after
 * the first such block is freed and keeps the next ones in the heap,
 * resident for good. Costs under 0.1 ms at 800x480, 0.4 ms at 1080p. */
static cairo_surface_t *screen_surface_new(struct svc *s, void **px,
                                           size_t *size)
{
    int stride = cairo_format_stride_for_width(CAIRO_FORMAT_ARGB32, s->disp_w);
    if (stride <= 0 || s->disp_h <= 0)
        return NULL;
    *size = (size_t)stride * (size_t)s->disp_h;
    *px = mmap(NULL, *size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
               -1, 0);
    if (*px == MAP_FAILED) {
        *px = NULL;
        return NULL;
    }
    cairo_surface_t *surf = cairo_image_surface_create_for_data(
        *px, CAIRO_FORMAT_ARGB32, s->disp_w, s->disp_h, stride);
    if (cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(surf);
        munmap(*px, *size);
        *px = NULL;
        return NULL;
    }
    return surf;
}

static void screen_surface_free(cairo_surface_t *surf, void *px, size_t size)
{
    if (surf)
        cairo_surface_destroy(surf);
    if (px)
        munmap(px, size);
}

static const char *mode_name(screen_mode m)
{
    switch (m) {
    case SCREEN_MODE_VERDICT: return "verdict";
    case SCREEN_MODE_NO_MIRROR: return "not_ready";
    case SCREEN_MODE_NO_CAMERA: return "no_camera";
    default: return "idle";
    }
}

/* What the screen should show now; drawn only when it changed. */
static void screen_update(struct svc *s, int64_t now)
{
    screen_state st;
    memset(&st, 0, sizeof st);
    st.lang = s->lang;
    char since[32];

    /* The state file changes once a sync round at most: reading it
     * once a second, not once a camera frame, is enough. */
    if (now >= s->next_stale_check) {
        s->stale = sync_stale_since(s->cfg.state, time(NULL), since);
        s->next_stale_check = now + 1000;
    }
    st.stale = s->stale;
    memcpy(st.data_date, s->data_date, sizeof st.data_date);
    pthread_mutex_lock(&s->w.mu);
    st.offline = s->w.offline;
    pthread_mutex_unlock(&s->w.mu);
    if (s->insp.active) {
        st.inspector = s->insp_banner;
        st.inspector_notes = s->insp_notes;
    }
    if (s->verdict_until > now) {
        st.mode = SCREEN_MODE_VERDICT;
        st.facts = &s->facts;
        st.stale = s->verdict_stale;
    } else if (!s->v.mirror) {
        st.mode = SCREEN_MODE_NO_MIRROR;
    } else if (!s->cam && s->cfg.camera[0] && s->scan_fd < 0) {
        /* No way to scan at all; with a scanner the kiosk still works
         * and the missing camera is only logged. */
        st.mode = SCREEN_MODE_NO_CAMERA;
    } else {
        st.mode = SCREEN_MODE_IDLE;
    }
    char key[sizeof s->shown];
    snprintf(
        key, sizeof key, "%s lang=%s stale=%d offline=%d insp=%d date=%s %s",
        mode_name(st.mode), screen_lang_code(st.lang), st.stale, st.offline,
        s->insp.active, st.data_date,
        st.mode == SCREEN_MODE_VERDICT ? labels_verdict_word(s->facts.verdict)
                                       : "");
    if (!strcmp(key, s->shown))
        return;
    /* A new verdict for the same code is a new screen too: the caller
     * clears shown[] when it sets one. */
    memcpy(s->shown, key, sizeof key);
    if (s->disp) {
        screen_info info;
        char msg[512];
        size_t size = 0;
        void *px = NULL;
        cairo_surface_t *surf = screen_surface_new(s, &px, &size);
        int rc = LABELS_ERR_NOMEM;
        if (surf)
            rc = screen_render(s->rend, surf, s->disp_w, s->disp_h, &st, &info);
        if (rc == LABELS_OK)
            rc = screen_display_show(s->disp, surf, msg, sizeof msg);
        else
            snprintf(msg, sizeof msg, "%s", labels_strerror(rc));
        screen_surface_free(surf, px, size);
        if (rc != LABELS_OK)
            kiosk_logl(KLOG_ERR, "screen: %s", msg);
    }
    /* Logged once it is shown: what the shopper sees, or would see. */
    kiosk_logl(KLOG_INFO, "screen: %s", key);
    /* Back to idle after a shopper: the reader's retry images and the
     * verdict's working memory are free but glibc keeps them in the heap
     * (about 4 MB after a few labels); give them back. Once per return
     * to idle, a few hundred microseconds. */
    if (st.mode == SCREEN_MODE_IDLE)
        malloc_trim(0);
}

/* ---- Verdicts ---------------------------------------------------------- */

static void mirror_opened(struct svc *s)
{
    s->data_date[0] = '\0';
    s->next_stale_check = 0;
    int64_t version;
    char published[32];
    if (s->v.mirror &&
        labels_mirror_info(s->v.mirror, &version, published) == LABELS_OK) {
        if (strlen(published) >= 10) {
            memcpy(s->data_date, published, 10);
            s->data_date[10] = '\0';
        }
        kiosk_logl(KLOG_INFO, "ready: mirror version %lld published %s",
                   (long long)version, published);
    }
}

static void mirror_reload(struct svc *s)
{
    int was_ready = s->v.mirror != NULL;
    if (verdicts_reload(&s->v) == 0) {
        s->not_ready_warned = 0;
        mirror_opened(s);
    } else if (was_ready || !s->not_ready_warned) {
        kiosk_logl(KLOG_WARNING, "not ready: %s", s->v.not_ready);
        s->not_ready_warned = 1;
    }
}

/* One line per earlier finding about a product, newest first. */
static int note_line(void *ctx, const finding_record *r)
{
    struct svc *s = ctx;
    size_t used = strlen(s->insp_notes);
    char day[11];
    struct tm tm;
    time_t t = (time_t)r->time;
    if (!gmtime_r(&t, &tm) || !strftime(day, sizeof day, "%Y-%m-%d", &tm))
        snprintf(day, sizeof day, "?");
    snprintf(s->insp_notes + used, sizeof s->insp_notes - used,
             "%s%s %s (%s)%s%s", used ? "\n" : "", day, r->finding,
             r->inspector, r->note[0] ? ": " : "", r->note);
    return 0;
}

static void inspector_notes(struct svc *s, const labels_facts *f)
{
    s->insp_notes[0] = '\0';
    if (!f->have_label || !s->v.log)
        return;
    int n = scan_log_findings_for(s->v.log, f->label.product, 4, note_line, s);
    kiosk_logl(KLOG_INFO, "inspector: %d previous finding(s) for %s shown", n,
               f->label.product);
}

static void judge(struct svc *s, const char *source, const char *text,
                  size_t len)
{
    struct kiosk_verdict kv;
    int64_t t0 = mono_ms();
    if (verdicts_check(&s->v, text, len, &kv) != 0) {
        kiosk_logl(KLOG_WARNING, "%s scan not judged: not ready: %s", source,
                   s->v.not_ready);
        s->verdict_until = 0;
        return;
    }
    const labels_facts *f = &kv.facts;
    kiosk_logl(KLOG_INFO, "verdict %s%s: %s product=%s scan_id=%lld (%lld ms)",
               labels_verdict_word(f->verdict), kv.stale ? " (stale data)" : "",
               source, f->have_label ? f->label.product : "-",
               (long long)kv.scan_id, (long long)(mono_ms() - t0));
    if (s->v.log_problem[0]) {
        if (!s->log_warned)
            kiosk_logl(KLOG_ERR, "scan log: %s (verdicts continue)",
                       s->v.log_problem);
        s->log_warned = 1;
    } else if (s->log_warned) {
        kiosk_logl(KLOG_INFO, "scan log: writing again");
        s->log_warned = 0;
    }
    if (s->insp.active) {
        inspector_set_product(&s->insp, f, kv.scan_id);
        inspector_notes(s, f);
    }
    s->facts = kv.facts;
    s->verdict_stale = kv.stale;
    s->verdict_until = mono_ms() + s->cfg.verdict_seconds * 1000;
    s->shown[0] = '\0';
    /* Recount the scans waiting for upload soon, not at every scan. */
    int64_t soon = mono_ms() + 2000;
    if (s->next_stats > soon)
        s->next_stats = soon;
}

/* The language card (a printed code, [screen] language_code) switches
 * the language instead of being judged. */
static int language_card(struct svc *s, const char *text, size_t len)
{
    if (len != strlen(s->cfg.language_code) ||
        memcmp(text, s->cfg.language_code, len))
        return 0;
    s->lang = screen_lang_toggle(s->lang);
    kiosk_logl(KLOG_INFO, "language: %s", screen_lang_code(s->lang));
    return 1;
}

static void inspector_leave(struct svc *s, const char *why)
{
    kiosk_logl(KLOG_INFO, "inspector %s: session ended (%s)",
               s->insp.badge.inspector, why);
    memset(&s->insp, 0, sizeof s->insp);
    s->shown[0] = '\0';
}

/* A badge scanned: start (or, the same inspector's again, end) a session.
 * Refusals are logged and change nothing for shoppers. */
static void inspector_badge(struct svc *s, const char *text, size_t len)
{
    if (!s->v.mirror) {
        kiosk_logl(KLOG_WARNING, "inspector badge not checked: not ready");
        return;
    }
    labels_badge b;
    enum inspector_badge_result r =
        inspector_check_badge_for(&s->v, text, len, &b);
    int same = s->insp.active && !strcmp(b.inspector, s->insp.badge.inspector);
    if (r != INSP_BADGE_OK) {
        kiosk_logl(KLOG_WARNING, "inspector badge refused (%s): %s",
                   inspector_badge_word(r), inspector_badge_sentence(r));
        if (same && r != INSP_BADGE_MALFORMED)
            inspector_leave(s, inspector_badge_word(r));
        return;
    }
    if (same) {
        inspector_leave(s, "badge scanned again");
        return;
    }
    memset(&s->insp, 0, sizeof s->insp);
    s->insp.active = 1;
    s->insp.badge = b;
    snprintf(s->insp_banner, sizeof s->insp_banner, "%s: %s (%s, %s)",
             s->lang == SCREEN_LANG_EN ? "Inspector" : "Thanh tra", b.name,
             b.inspector, b.province);
    s->shown[0] = '\0';
    kiosk_logl(KLOG_INFO, "inspector %s (%s): session started", b.inspector,
               b.province);
}

/* A finding typed or scanned in inspector mode, about the last product. */
static void inspector_finding(struct svc *s, int finding, const char *note)
{
    finding_record rec;
    if (!s->insp.active || finding < 0 ||
        inspector_make_finding(&s->insp, finding, note, (int64_t)time(NULL),
                               &rec) != 0) {
        kiosk_logl(KLOG_WARNING, "finding not recorded: %s",
                   !s->insp.active ? "not in inspector mode"
                   : finding < 0   ? note
                                   : "scan a product first");
        return;
    }
    if (!s->v.log || scan_log_finding_append(s->v.log, &rec) != 0) {
        kiosk_logl(KLOG_ERR, "finding not recorded: %s",
                   s->v.log ? scan_log_error(s->v.log) : s->v.log_problem);
        return;
    }
    kiosk_logl(KLOG_INFO,
               "finding %s recorded: inspector=%s product=%s "
               "serial=%u id=%lld",
               rec.finding, s->insp.badge.inspector, s->insp.product,
               (unsigned)s->insp.serial, (long long)rec.id);
}

/* Every code or line, from any input: inspector lines first, then the
 * language card, then a verdict. */
static void dispatch(struct svc *s, const char *source, const char *text,
                     size_t len, int typed)
{
    int finding;
    char note[SCAN_FINDING_NOTE_MAX + 1];
    switch (inspector_classify(text, len, &finding, note)) {
    case INSP_LINE_EMPTY: return;
    case INSP_LINE_BADGE: inspector_badge(s, text, len); return;
    case INSP_LINE_END:
        if (s->insp.active) {
            inspector_leave(s, "END");
            return;
        }
        break;
    case INSP_LINE_FINDING:
        /* Findings are typed (keyboard or scanner), never seen by the
         * camera on a pack. */
        if (typed && s->insp.active) {
            inspector_finding(s, finding, note);
            return;
        }
        break;
    case INSP_LINE_SCAN: break;
    }
    if (!language_card(s, text, len))
        judge(s, source, text, len);
}

static int camera_code(void *ctx, const char *text, size_t len)
{
    struct svc *s = ctx;
    if (debounce_seen(&s->deb, text, len, s->frame_ms))
        dispatch(s, "camera", text, len, 0);
    return 0;
}

static int scanner_line(void *ctx, const char *text, size_t len, int overflow)
{
    struct svc *s = ctx;
    if (len == 0)
        return 0;
    /* An overflowing line is judged by its start: longer than any
     * label, it can never pass as one. */
    if (overflow)
        judge(s, "scanner", text, len);
    else
        dispatch(s, "scanner", text, len, 1);
    return 0;
}

/* ---- Inputs ------------------------------------------------------------ */

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
    s->cam_retry_ms = mono_ms() + RETRY_MS;
}

static void camera_try(struct svc *s)
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

static void camera_ready(struct svc *s, short revents)
{
    char msg[1200];
    if (revents & (POLLERR | POLLHUP | POLLNVAL)) {
        snprintf(msg, sizeof msg, "camera %s: device gone", s->cfg.camera);
        camera_drop(s, msg);
        return;
    }
    labels_image img;
    int rc = camera_take(s->cam, &img, msg, sizeof msg);
    if (rc < 0) {
        camera_drop(s, msg);
        return;
    }
    if (rc == 0)
        return;
    s->frame_ms = mono_ms();
    /* Live mode: about one ZBar pass per frame; the reader spreads its
     * retries for a likely but unread code over the next frames. */
    rc = labels_read(s->dec, &img, LABELS_EFFORT_FRAME, camera_code, s, NULL);
    if (rc != LABELS_OK)
        kiosk_logl(KLOG_WARNING, "camera: %s", labels_strerror(rc));
}

static void scanner_close(struct svc *s)
{
    if (s->scan_fd > STDERR_FILENO)
        close(s->scan_fd);
    s->scan_fd = -1;
}

static void scanner_try(struct svc *s)
{
    s->scan_retry_ms = 0;
    if (!s->cfg.scanner[0])
        return;
    if (!strcmp(s->cfg.scanner, "-")) {
        s->scan_evdev = 0;
        wedge_init(&s->wedge, 0);
        s->scan_fd = STDIN_FILENO;
        return;
    }
    s->scan_evdev = 1;
    wedge_init(&s->wedge, WEDGE_IDLE_MS);
    s->scan_fd = wedge_open_evdev(s->cfg.scanner);
    if (s->scan_fd < 0) {
        /* Once per problem, as for the camera: an unplugged scanner
         * must not write a line to the journal every 2 s all day. */
        int err = errno;
        if (err != s->scan_problem)
            kiosk_logl(KLOG_WARNING, "scanner %s: %s; retrying every %d s",
                       s->cfg.scanner, strerror(err), RETRY_MS / 1000);
        s->scan_problem = err;
        s->scan_retry_ms = mono_ms() + RETRY_MS;
        return;
    }
    s->scan_problem = 0;
    kiosk_logl(KLOG_INFO, "scanner %s: open", s->cfg.scanner);
}

static void scanner_ready(struct svc *s)
{
    int64_t now = mono_ms();
    if (!s->scan_evdev) {
        char buf[4096];
        ssize_t n = read(s->scan_fd, buf, sizeof buf);
        if (n > 0) {
            wedge_bytes(&s->wedge, buf, (size_t)n, now, scanner_line, s);
        } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
            /* The end of stdin: a last line without its Enter counts. */
            wedge_bytes(&s->wedge, "\n", 1, now, scanner_line, s);
            kiosk_logl(KLOG_INFO, "scanner: standard input ended");
            s->scan_fd = -1;
        }
        return;
    }
    struct input_event ev[64];
    ssize_t n = read(s->scan_fd, ev, sizeof ev);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (n <= 0) {
        kiosk_logl(KLOG_WARNING, "scanner %s: %s; retrying every %d s",
                   s->cfg.scanner, n < 0 ? strerror(errno) : "gone",
                   RETRY_MS / 1000);
        scanner_close(s);
        s->scan_retry_ms = now + RETRY_MS;
        return;
    }
    for (size_t i = 0; i < (size_t)n / sizeof ev[0]; i++) {
        if (ev[i].type == EV_SYN && ev[i].code == SYN_DROPPED)
            kiosk_logl(KLOG_WARNING,
                       "scanner %s: events lost (read too late); "
                       "the code being typed is dropped",
                       s->cfg.scanner);
        /* The pause that ends a broken-off code is measured between the
         * kernel's timestamps of the keys, not when this loop got to
         * them: a loop held up mid-code (a slow fsync on an SD card)
         * must not split one code in two. */
        int64_t t = ev[i].input_event_sec || ev[i].input_event_usec
                        ? (int64_t)ev[i].input_event_sec * 1000 +
                              (int64_t)ev[i].input_event_usec / 1000
                        : now;
        wedge_event(&s->wedge, &ev[i], t, scanner_line, s);
    }
}

/* ---- systemd ----------------------------------------------------------- */

static void notify_status(struct svc *s, int64_t now)
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

/* ---- Setup, reload, teardown -------------------------------------------- */

static int load_config(const char *path, struct kiosk_config *cfg)
{
    char err[1536];
    if (kiosk_config_load(path, cfg, err, sizeof err) != 0) {
        kiosk_logl(KLOG_ERR, "%s", err);
        return -1;
    }
    return 0;
}

static void reload(struct svc *s)
{
    struct kiosk_config *next = malloc(sizeof *next);
    if (!next || load_config(s->config_path, next) != 0) {
        kiosk_logl(KLOG_ERR, "reload refused; the running configuration "
                             "stays");
        free(next);
        return;
    }
    struct kiosk_config old = s->cfg;
    s->cfg = *next;
    free(next);
    kiosk_logl(KLOG_INFO, "configuration reloaded from %s", s->config_path);
    /* The pipeline points at s->cfg; reopen it for changed paths. */
    verdicts_close(&s->v);
    verdicts_open(&s->v, &s->cfg);
    if (s->v.mirror)
        mirror_opened(s);
    else
        kiosk_logl(KLOG_WARNING, "not ready: %s", s->v.not_ready);
    s->lang = (screen_lang)s->cfg.language;
    s->deb.absent_ms = s->cfg.absent_ms;
    if (strcmp(old.camera, s->cfg.camera) ||
        old.camera_width != s->cfg.camera_width ||
        old.camera_height != s->cfg.camera_height) {
        camera_close(s->cam);
        s->cam = NULL;
        s->cam_problem[0] = '\0';
        camera_try(s);
    }
    if (strcmp(old.scanner, s->cfg.scanner)) {
        scanner_close(s);
        s->scan_problem = 0;
        scanner_try(s);
    }
    if (strcmp(old.screen_output, s->cfg.screen_output) ||
        old.screen_width != s->cfg.screen_width ||
        old.screen_height != s->cfg.screen_height)
        screen_open(s);
    s->shown[0] = '\0';
    s->next_stats = 0;
    s->next_stale_check = 0;
    workers_reload(&s->w, &s->cfg);
}

static int signals_open(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGUSR1);
    /* Blocked before the threads start, so they inherit it and only the
     * loop's signalfd hears them. A closed stdin pipe is not a signal. */
    if (pthread_sigmask(SIG_BLOCK, &set, NULL) != 0)
        return -1;
    signal(SIGPIPE, SIG_IGN);
    return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

/* 1 to stop the loop. */
static int on_signal(struct svc *s)
{
    struct signalfd_siginfo si;
    int stop = 0;
    while (read(s->sigfd, &si, sizeof si) == (ssize_t)sizeof si) {
        if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
            kiosk_logl(KLOG_INFO, "stopping (signal %u)", si.ssi_signo);
            stop = 1;
        } else if (si.ssi_signo == SIGHUP) {
            reload(s);
        } else if (si.ssi_signo == SIGUSR1) {
            s->lang = screen_lang_toggle(s->lang);
            kiosk_logl(KLOG_INFO, "language: %s", screen_lang_code(s->lang));
        }
    }
    return stop;
}

static int64_t earliest(int64_t a, int64_t b)
{
    return a && (!b || a < b) ? a : b;
}

static void loop(struct svc *s)
{
    for (;;) {
        int64_t now = mono_ms();
        /* Every turn, at most once a second: a loop stuck anywhere stops
         * these and systemd restarts the service. */
        if (now - s->last_watchdog >= LOOP_MAX_MS / 2) {
            sd_notify(0, "WATCHDOG=1");
            s->last_watchdog = now;
        }
        if (s->cam_retry_ms && now >= s->cam_retry_ms)
            camera_try(s);
        if (s->scan_retry_ms && now >= s->scan_retry_ms)
            scanner_try(s);
        if (!s->v.mirror && now >= s->next_mirror_try) {
            mirror_reload(s);
            s->next_mirror_try = now + RETRY_MS;
        }
        screen_update(s, now);
        notify_status(s, now);
        if (!s->ready_sent) {
            sd_notify(0, "READY=1");
            kiosk_logl(KLOG_INFO, "running");
            s->ready_sent = 1;
        }

        int64_t wake = now + LOOP_MAX_MS;
        if (s->verdict_until > now)
            wake = earliest(s->verdict_until, wake);
        wake = earliest(s->cam_retry_ms, wake);
        wake = earliest(s->scan_retry_ms, wake);
        if (!s->v.mirror)
            wake = earliest(s->next_mirror_try, wake);
        struct pollfd p[4] = {
            {.fd = s->sigfd, .events = POLLIN},
            {.fd = s->w.mirror_fd, .events = POLLIN},
            {.fd = s->cam ? camera_fd(s->cam) : -1, .events = POLLIN},
            {.fd = s->scan_fd, .events = POLLIN},
        };
        int timeout = wake > now ? (int)(wake - now) : 0;
        int n = poll(p, 4, timeout);
        if (n < 0 && errno != EINTR) {
            kiosk_logl(KLOG_ERR, "poll: %s", strerror(errno));
            return;
        }
        if (n <= 0)
            continue;
        if ((p[0].revents & POLLIN) && on_signal(s))
            return;
        if (p[1].revents & POLLIN) {
            uint64_t count;
            if (read(s->w.mirror_fd, &count, sizeof count) > 0)
                mirror_reload(s);
        }
        if (s->cam && p[2].revents)
            camera_ready(s, p[2].revents);
        if (s->scan_fd >= 0 && p[3].revents)
            scanner_ready(s);
    }
}

int service_run(const char *config_path)
{
    /* One malloc arena for the whole process: pango starts short-lived
     * threads to load fonts, and glibc would keep a 64 MB-aligned arena
     * per thread, with a few hundred kB resident, for the life of the
     * kiosk. The sync and upload threads allocate next to nothing, so
     * sharing one arena costs no waiting. */
    (void)mallopt(M_ARENA_MAX, 1); /* 0 under ASan: only memory to lose */
    struct svc *s = calloc(1, sizeof *s);
    if (!s) {
        kiosk_logl(KLOG_ERR, "out of memory");
        return K_FAILURE;
    }
    s->config_path = config_path;
    s->scan_fd = -1;
    s->pending = -1;
    if (load_config(config_path, &s->cfg) != 0) {
        free(s);
        return K_FAILURE;
    }
    s->sigfd = signals_open();
    s->dec = labels_reader_new();
    if (s->sigfd < 0 || !s->dec) {
        kiosk_logl(KLOG_ERR, "cannot set up the loop: %s", strerror(errno));
        if (s->sigfd >= 0)
            close(s->sigfd);
        labels_reader_free(s->dec);
        free(s);
        return K_FAILURE;
    }
    s->lang = (screen_lang)s->cfg.language;
    debounce_init(&s->deb, s->cfg.absent_ms);
    kiosk_logl(KLOG_INFO, "starting with %s", config_path);

    verdicts_open(&s->v, &s->cfg);
    if (s->v.mirror)
        mirror_opened(s);
    else
        kiosk_logl(KLOG_WARNING, "not ready: %s", s->v.not_ready);
    s->not_ready_warned = 1;
    s->next_mirror_try = mono_ms() + RETRY_MS;
    if (s->v.log_problem[0]) {
        kiosk_logl(KLOG_ERR, "scan log: %s (verdicts continue)",
                   s->v.log_problem);
        s->log_warned = 1;
    }
    screen_open(s);
    camera_try(s);
    scanner_try(s);
    if (!s->cfg.camera[0] && !s->cfg.scanner[0])
        kiosk_logl(KLOG_WARNING, "neither camera nor scanner configured");

    int rc = K_OK;
    if (workers_start(&s->w, &s->cfg, s->config_path) != 0) {
        kiosk_logl(KLOG_ERR, "cannot start the sync and upload threads");
        rc = K_FAILURE;
    } else {
        loop(s);
    }
    sd_notify(0, "STOPPING=1");
    int joined = workers_stop(&s->w, STOP_WAIT_MS) == 0;
    if (!joined)
        kiosk_logl(KLOG_WARNING, "a sync or upload was still running; "
                                 "stopping without it (safe: it resumes "
                                 "next start)");
    camera_close(s->cam);
    scanner_close(s);
    screen_close(s);
    screen_renderer_free(s->rend);
    labels_reader_free(s->dec);
    verdicts_close(&s->v);
    close(s->sigfd);
    kiosk_logl(KLOG_INFO, "stopped");
    if (!joined) {
        /* A thread still waits for its helper; exit around it. */
        fflush(NULL);
        _exit(rc);
    }
    workers_free(&s->w);
    free(s);
    return rc;
}
