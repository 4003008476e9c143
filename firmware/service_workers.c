/* service_workers.c -- the sync and upload threads of `ocop-kiosk run`.
 * Each copies the configuration at the start of a round and works only on
 * its own handles (curl, its own scan log connection), so the scanning
 * loop never waits for the network. */
#include "service_workers.h"

#include "device_key.h"
#include "log.h"
#include "scan_log.h"
#include "sync.h"
#include "upload.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#define SYNC_RETRY_FIRST 30 /* seconds after a failed round, doubling */
#define LOCAL_TROUBLE_WAIT 60

/* Wait on the condition until deadline (CLOCK_MONOTONIC seconds), stop,
 * or *flag. Called and returns with mu held. */
static void wait_until(struct workers *w, time_t deadline, int *flag)
{
    struct timespec ts = {.tv_sec = deadline};
    while (!w->stop && !*flag) {
        int rc = pthread_cond_timedwait(&w->cond, &w->mu, &ts);
        if (rc == ETIMEDOUT)
            break;
    }
    *flag = 0;
}

static time_t mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec;
}

static void *sync_main(void *arg)
{
    struct workers *w = arg;
    struct kiosk_config *cfg = malloc(sizeof *cfg);
    long retry = SYNC_RETRY_FIRST;
    pthread_mutex_lock(&w->mu);
    while (cfg && !w->stop) {
        *cfg = w->cfg;
        pthread_mutex_unlock(&w->mu);

        struct sync_report rep;
        int rc = kiosk_sync(cfg, NULL, &rep);
        if (rc == 0 && rep.path != SYNC_UNCHANGED) {
            uint64_t one = 1;
            if (write(w->mirror_fd, &one, sizeof one) != (ssize_t)sizeof one)
                kiosk_logl(KLOG_ERR, "sync: cannot wake the scan loop: %s",
                           strerror(errno));
        }
        pthread_mutex_lock(&w->mu);
        w->offline = rc == SYNC_FAILED;
        if (rc == 0)
            w->version = rep.version;
        /* The loop reopens a missing mirror by itself every few seconds,
         * so an unchanged round need not wake it. */
        /* After a failure, try again sooner than the interval: a kiosk
         * that was offline should not stay stale for an hour more. */
        long wait = cfg->interval;
        if (rc != 0) {
            wait = retry < cfg->interval ? retry : cfg->interval;
            retry = retry * 2;
        } else {
            retry = SYNC_RETRY_FIRST;
        }
        wait_until(w, mono_s() + wait, &w->sync_now);
    }
    if (!cfg)
        kiosk_logl(KLOG_ERR, "sync: out of memory; no sync rounds");
    w->running--;
    pthread_cond_broadcast(&w->cond);
    pthread_mutex_unlock(&w->mu);
    free(cfg);
    return NULL;
}

/* One upload round with the configuration copied in cfg. Returns the
 * seconds to wait before the next. */
static long upload_once(const struct kiosk_config *cfg, scan_log **log,
                        labels_seckey *sec, int *have_key, int *failures)
{
    char err[KIOSK_PATH_MAX + 256], dir[KIOSK_PATH_MAX];
    kiosk_data_dir(cfg, dir, sizeof dir);
    if (!*log &&
        scan_log_open(cfg->scans, cfg->scans_max, log, err, sizeof err) != 0) {
        kiosk_logl(KLOG_ERR, "upload: %s", err);
        *log = NULL;
        return LOCAL_TROUBLE_WAIT;
    }
    if (!*have_key) {
        labels_pubkey pub;
        if (device_key_load_or_create(dir, sec, &pub, NULL, err, sizeof err)) {
            kiosk_logl(KLOG_ERR, "upload: %s", err);
            return LOCAL_TROUBLE_WAIT;
        }
        *have_key = 1;
    }
    upload_config uc = {
        .url = cfg->upload_url,
        .state_dir = dir,
        .ca_file = cfg->upload_ca_file[0] ? cfg->upload_ca_file : NULL,
        .batch_max = (int)cfg->upload_batch,
    };
    upload_result res;
    long wait;
    if (upload_round(&uc, *log, sec, &res) != 0) {
        kiosk_logl(KLOG_ERR, "upload: %s", res.message);
        wait = LOCAL_TROUBLE_WAIT;
    } else if (res.outcome == UPLOAD_SENT) {
        kiosk_logl(KLOG_INFO, "upload: %d scans sent%s", res.scans,
                   res.resent ? " (a batch resent)" : "");
        *failures = 0;
        wait = 0; /* more may be waiting */
    } else if (res.outcome == UPLOAD_IDLE) {
        *failures = 0;
        wait = cfg->upload_interval;
    } else {
        ++*failures;
        wait = upload_backoff(*failures, res.retry_after_s, 0);
        kiosk_logl(KLOG_WARNING,
                   "upload: collector answered %ld: %s; %d failed round(s), "
                   "next in %ld s; scans stay in the log",
                   res.http_status, res.message, *failures, wait);
    }
    return wait;
}

static void *upload_main(void *arg)
{
    struct workers *w = arg;
    struct kiosk_config *cfg = malloc(sizeof *cfg);
    scan_log *log = NULL;
    labels_seckey sec;
    int have_key = 0, failures = 0;
    char last_url[KIOSK_URL_MAX] = "";
    pthread_mutex_lock(&w->mu);
    while (cfg && !w->stop) {
        *cfg = w->cfg;
        pthread_mutex_unlock(&w->mu);
        long wait = 3600;
        if (strcmp(last_url, cfg->upload_url)) {
            /* Another collector: its backoff does not carry over. */
            failures = 0;
            memcpy(last_url, cfg->upload_url, sizeof last_url);
        }
        if (cfg->upload_url[0])
            wait = upload_once(cfg, &log, &sec, &have_key, &failures);
        pthread_mutex_lock(&w->mu);
        if (wait > 0)
            wait_until(w, mono_s() + wait, &w->upload_now);
    }
    w->running--;
    pthread_cond_broadcast(&w->cond);
    pthread_mutex_unlock(&w->mu);
    scan_log_close(log);
    if (have_key)
        labels_seckey_wipe(&sec);
    free(cfg);
    return NULL;
}

int workers_start(struct workers *w, const struct kiosk_config *cfg)
{
    memset(w, 0, sizeof *w);
    w->version = -1;
    w->cfg = *cfg;
    pthread_condattr_t ca;
    if (pthread_condattr_init(&ca) ||
        pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) ||
        pthread_cond_init(&w->cond, &ca)) {
        w->mirror_fd = -1;
        return -1;
    }
    pthread_condattr_destroy(&ca);
    if (pthread_mutex_init(&w->mu, NULL)) {
        pthread_cond_destroy(&w->cond);
        w->mirror_fd = -1;
        return -1;
    }
    w->inited = 1;
    w->mirror_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (w->mirror_fd < 0)
        return -1;
    pthread_mutex_lock(&w->mu);
    if (pthread_create(&w->sync_thread, NULL, sync_main, w) == 0) {
        w->started |= 1;
        w->running++;
    }
    if (pthread_create(&w->upload_thread, NULL, upload_main, w) == 0) {
        w->started |= 2;
        w->running++;
    }
    pthread_mutex_unlock(&w->mu);
    return w->started == 3 ? 0 : -1;
}

void workers_reload(struct workers *w, const struct kiosk_config *cfg)
{
    pthread_mutex_lock(&w->mu);
    w->cfg = *cfg;
    w->sync_now = 1;
    w->upload_now = 1;
    pthread_cond_broadcast(&w->cond);
    pthread_mutex_unlock(&w->mu);
}

int workers_stop(struct workers *w, int wait_ms)
{
    if (!w->inited)
        return 0;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_sec += wait_ms / 1000;
    ts.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&w->mu);
    w->stop = 1;
    pthread_cond_broadcast(&w->cond);
    while (w->running > 0)
        if (pthread_cond_timedwait(&w->cond, &w->mu, &ts) == ETIMEDOUT)
            break;
    int left = w->running;
    pthread_mutex_unlock(&w->mu);
    if (left)
        return -1;
    if (w->started & 1)
        pthread_join(w->sync_thread, NULL);
    if (w->started & 2)
        pthread_join(w->upload_thread, NULL);
    w->started = 0;
    return 0;
}

void workers_free(struct workers *w)
{
    if (!w->inited)
        return;
    if (w->mirror_fd >= 0)
        close(w->mirror_fd);
    pthread_cond_destroy(&w->cond);
    pthread_mutex_destroy(&w->mu);
    w->inited = 0;
}
