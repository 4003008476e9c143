/* service_int.h -- what the files of `ocop-kiosk run` share (service.h is
 * the public side): the loop's state and one function family per file.
 * Everything here runs on the scanning loop's thread alone. */
#ifndef OCOP_KIOSK_SERVICE_INT_H
#define OCOP_KIOSK_SERVICE_INT_H

#include "camera.h"
#include "config.h"
#include "inspector.h"
#include "scan_debounce.h"
#include "screen_out.h"
#include "screen_render.h"
#include "service_workers.h"
#include "verdict_pipeline.h"
#include "wedge.h"

#include <labels.h>
#include <stdint.h>
#include <time.h>

#define RETRY_MS 2000     /* camera, scanner, mirror: try again after */
#define STATS_MS 30000    /* recount pending scans at most this often */
#define LOOP_MAX_MS 1000  /* the longest poll: the watchdog's pace */
#define STOP_WAIT_MS 1500 /* for the threads to finish at SIGTERM */
#define WEDGE_IDLE_MS 500 /* a scanner types a code in one burst */
#define NOTICE_MS 4000    /* an inspector's notice stays this long */

struct svc {
    const char *config_path;
    struct kiosk_config cfg;
    struct kiosk_verdicts v;
    char data_date[LABELS_DATE_SIZE]; /* the last sync's day, or "" */
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
    labels_lang lang;
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
    /* The answer to an inspector's last action, on screen until
     * notice_until; notice_kind names it in the screen's log line. */
    char notice[200];
    const char *notice_kind;
    int64_t notice_until;
};

static inline int64_t svc_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* service_screen.c: the display and what it shows. */
void svc_screen_open(struct svc *s);
void svc_screen_close(struct svc *s);
/* What the screen should show now; drawn only when it changed. */
void svc_screen_update(struct svc *s, int64_t now);

/* service_dispatch.c: from a code to the screen. */
void svc_mirror_opened(struct svc *s);
void svc_mirror_reload(struct svc *s);
/* Every code or line, from any input (typed: scanner or keyboard). */
void svc_dispatch(struct svc *s, const char *source, const char *text,
                  size_t len, int typed);
/* A verdict for text, logged and shown. */
void svc_judge(struct svc *s, const char *source, const char *text, size_t len);

/* service_inspector.c: inspector mode in the service (docs/inspectors.md). */
void svc_inspector_badge(struct svc *s, const char *text, size_t len);
void svc_inspector_finding(struct svc *s, int finding, const char *note);
void svc_inspector_leave(struct svc *s, const char *why);
void svc_inspector_notes(struct svc *s, const labels_facts *f);

/* service_camera.c and service_scanner.c: the inputs, retried. */
void svc_camera_try(struct svc *s);
void svc_camera_ready(struct svc *s, short revents);
void svc_scanner_try(struct svc *s);
void svc_scanner_ready(struct svc *s);
void svc_scanner_close(struct svc *s);

/* service_status.c: systemd's STATUS= line. */
void svc_notify_status(struct svc *s, int64_t now);

/* service_loop.c and service.c: the poll loop, signals, reload. */
void svc_loop(struct svc *s);
int svc_on_signal(struct svc *s);

#endif
