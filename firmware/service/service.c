/* service.c -- `ocop-kiosk run` (see service.h): start, reload on SIGHUP,
 * stop. The loop and its parts are the other service_*.c files.
 *
 * Single-threaded on purpose: the mirror handle, the scan log and the
 * screen belong to this loop alone. It polls the signals, the sync
 * thread's eventfd, the camera and the scanner; every code from either
 * input goes through the one verdict pipeline, then to the screen and the
 * log. systemd hears READY=1 once the first screen is up (whatever state
 * it shows), WATCHDOG=1 from every turn of the loop, and STATUS= lines.
 */
#include "service.h"
#include "service_int.h"

#include "log.h"

#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

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
        svc_mirror_opened(s);
    else
        kiosk_logl(KLOG_WARNING, "not ready: %s", s->v.not_ready);
    /* A shopper's language card outlives a reload; only a new configured
     * language replaces it. */
    if (old.language != s->cfg.language)
        s->lang = (labels_lang)s->cfg.language;
    s->deb.absent_ms = s->cfg.absent_ms;
    if (strcmp(old.camera, s->cfg.camera) ||
        old.camera_width != s->cfg.camera_width ||
        old.camera_height != s->cfg.camera_height) {
        camera_close(s->cam);
        s->cam = NULL;
        s->cam_problem[0] = '\0';
        svc_camera_try(s);
    }
    if (strcmp(old.scanner, s->cfg.scanner)) {
        svc_scanner_close(s);
        s->scan_problem = 0;
        svc_scanner_try(s);
    }
    if (strcmp(old.screen_output, s->cfg.screen_output) ||
        old.screen_width != s->cfg.screen_width ||
        old.screen_height != s->cfg.screen_height)
        svc_screen_open(s);
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
int svc_on_signal(struct svc *s)
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
            s->lang = labels_lang_toggle(s->lang);
            kiosk_logl(KLOG_INFO, "language: %s", labels_lang_code(s->lang));
        }
    }
    return stop;
}

int service_run(const char *config_path, int *stranded)
{
    *stranded = 0;
    /* One malloc arena for the whole process: pango starts short-lived
     * threads to load fonts, and glibc would keep a 64 MB-aligned arena
     * per thread, with a few hundred kB resident, for the life of the
     * kiosk. The sync and upload threads allocate next to nothing, so
     * sharing one arena costs no waiting. */
    (void)mallopt(M_ARENA_MAX, 1); /* 0 under ASan: only memory to lose */
    struct svc *s = calloc(1, sizeof *s);
    if (!s) {
        kiosk_logl(KLOG_ERR, "out of memory");
        return LABELS_EXIT_FAIL;
    }
    s->config_path = config_path;
    s->scan_fd = -1;
    s->pending = -1;
    if (load_config(config_path, &s->cfg) != 0) {
        free(s);
        return LABELS_EXIT_FAIL;
    }
    s->sigfd = signals_open();
    s->dec = labels_reader_new();
    if (s->sigfd < 0 || !s->dec) {
        kiosk_logl(KLOG_ERR, "cannot set up the loop: %s", strerror(errno));
        if (s->sigfd >= 0)
            close(s->sigfd);
        labels_reader_free(s->dec);
        free(s);
        return LABELS_EXIT_FAIL;
    }
    s->lang = (labels_lang)s->cfg.language;
    debounce_init(&s->deb, s->cfg.absent_ms);
    kiosk_logl(KLOG_INFO, "starting with %s", config_path);

    verdicts_open(&s->v, &s->cfg);
    if (s->v.mirror)
        svc_mirror_opened(s);
    else
        kiosk_logl(KLOG_WARNING, "not ready: %s", s->v.not_ready);
    s->not_ready_warned = 1;
    s->next_mirror_try = svc_mono_ms() + RETRY_MS;
    if (s->v.log_problem[0]) {
        kiosk_logl(KLOG_ERR, "scan log: %s (verdicts continue)",
                   s->v.log_problem);
        s->log_warned = 1;
    }
    svc_screen_open(s);
    svc_camera_try(s);
    svc_scanner_try(s);
    if (!s->cfg.camera[0] && !s->cfg.scanner[0])
        kiosk_logl(KLOG_WARNING, "neither camera nor scanner configured");

    int rc = LABELS_EXIT_OK;
    if (workers_start(&s->w, &s->cfg, s->config_path) != 0) {
        kiosk_logl(KLOG_ERR, "cannot start the sync and upload threads");
        rc = LABELS_EXIT_FAIL;
    } else {
        svc_loop(s);
    }
    sd_notify(0, "STOPPING=1");
    int joined = workers_stop(&s->w, STOP_WAIT_MS) == 0;
    if (!joined)
        kiosk_logl(KLOG_WARNING, "a sync or upload was still running; "
                                 "stopping without it (safe: it resumes "
                                 "next start)");
    camera_close(s->cam);
    svc_scanner_close(s);
    svc_screen_close(s);
    screen_renderer_free(s->rend);
    labels_reader_free(s->dec);
    verdicts_close(&s->v);
    close(s->sigfd);
    kiosk_logl(KLOG_INFO, "stopped");
    if (!joined) {
        /* A thread still waits for its helper and uses s: leave both to
         * the caller's _exit. */
        *stranded = 1;
        return rc;
    }
    workers_free(&s->w);
    free(s);
    return rc;
}
