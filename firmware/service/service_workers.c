/* service_workers.c -- the sync and upload threads of `ocop-kiosk run`.
 * Each copies the configuration at the start of a round, runs one
 * ocop-kiosk-net round and waits for it, so the scanning loop never
 * waits for the network and never holds its libraries. */
#include "service_workers.h"

#include <labels.h>

#include "log.h"
#include "net_helper.h"
#include "upload_backoff.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
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

/* One helper round: `ocop-kiosk-net CMD`, its pid in w->child[slot]
 * while it runs (workers_stop kills it), its first output line in line.
 * Returns its exit status, or -1 (not started, or ended by a signal). */
static int helper_round(struct workers *w, int slot, const char *cmd,
                        char *line, size_t linesz)
{
    char err[4200];
    pid_t pid;
    int fd;
    line[0] = '\0';
    if (net_helper_spawn(cmd, w->config_path, &pid, &fd, err, sizeof err)) {
        kiosk_logl(KLOG_ERR, "%s: %s", cmd, err);
        return -1;
    }
    pthread_mutex_lock(&w->mu);
    w->child[slot] = pid;
    if (w->stop)
        kill(pid, SIGTERM);
    pthread_mutex_unlock(&w->mu);
    int st = net_helper_wait(pid, fd, line, linesz);
    pthread_mutex_lock(&w->mu);
    w->child[slot] = 0;
    int stopping = w->stop;
    pthread_mutex_unlock(&w->mu);
    net_helper_reap(pid);
    if (st < 0 && !stopping)
        kiosk_logl(KLOG_ERR, "%s: %s was stopped by a signal", cmd,
                   NET_HELPER_NAME);
    return st;
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

        char line[256], path[16] = "";
        long long version = -1;
        int rc = helper_round(w, 0, "sync", line, sizeof line);
        if (rc == LABELS_EXIT_OK &&
            sscanf(line, "version=%lld path=%15s", &version, path) != 2) {
            kiosk_logl(KLOG_ERR, "sync: %s said '%s'", NET_HELPER_NAME, line);
            rc = -1;
        }
        if (rc == LABELS_EXIT_OK && strcmp(path, "unchanged")) {
            /* Which path a version took: a running kiosk should take
             * deltas (docs/feed.md), and this is where that shows. */
            kiosk_logl(KLOG_INFO, "sync: mirror v%lld (%s)", version, path);
            uint64_t one = 1;
            if (write(w->mirror_fd, &one, sizeof one) != (ssize_t)sizeof one)
                kiosk_logl(KLOG_ERR, "sync: cannot wake the scan loop: %s",
                           strerror(errno));
        }
        pthread_mutex_lock(&w->mu);
        /* LABELS_EXIT_NO: the feed answered and was refused (bad signature,
         * replay); anything else that failed did not get an answer. */
        w->offline = rc != LABELS_EXIT_OK && rc != LABELS_EXIT_NO;
        if (rc == LABELS_EXIT_OK)
            w->version = version;
        /* The loop reopens a missing mirror by itself every few seconds,
         * so an unchanged round need not wake it. */
        /* After a failure, try again sooner than the interval: a kiosk
         * that was offline should not stay stale for an hour more. */
        long wait = cfg->interval;
        if (rc != 0) {
            wait = retry < cfg->interval ? retry : cfg->interval;
            if (retry < cfg->interval) /* days offline must not overflow it */
                retry *= 2;
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

/* One upload round. Returns the seconds to wait before the next. */
static long upload_once(struct workers *w, const struct kiosk_config *cfg,
                        int *failures)
{
    char line[256], word[16] = "";
    long retry_after = -1;
    int rc = helper_round(w, 1, "upload", line, sizeof line);
    if (sscanf(line, "outcome=%15s retry_after=%ld", word, &retry_after) < 1)
        word[0] = '\0';
    if (rc == LABELS_EXIT_OK && !strcmp(word, "sent")) {
        *failures = 0;
        return 0; /* more may be waiting */
    }
    if (rc == LABELS_EXIT_OK && !strcmp(word, "idle")) {
        *failures = 0;
        return cfg->upload_interval;
    }
    if (rc == LABELS_EXIT_OK && !strcmp(word, "busy"))
        return LOCAL_TROUBLE_WAIT; /* a round by hand is running */
    if (rc == LABELS_EXIT_NO && !strcmp(word, "refused")) {
        ++*failures;
        long wait = upload_backoff(*failures, retry_after, 0);
        kiosk_logl(KLOG_WARNING, "upload: %d failed round(s), next in %ld s",
                   *failures, wait);
        return wait;
    }
    /* The helper said why on stderr (or could not start). */
    return LOCAL_TROUBLE_WAIT;
}

static void *upload_main(void *arg)
{
    struct workers *w = arg;
    struct kiosk_config *cfg = malloc(sizeof *cfg);
    int failures = 0;
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
            wait = upload_once(w, cfg, &failures);
        pthread_mutex_lock(&w->mu);
        if (wait > 0)
            wait_until(w, mono_s() + wait, &w->upload_now);
    }
    w->running--;
    pthread_cond_broadcast(&w->cond);
    pthread_mutex_unlock(&w->mu);
    free(cfg);
    return NULL;
}

int workers_start(struct workers *w, const struct kiosk_config *cfg,
                  const char *config_path)
{
    memset(w, 0, sizeof *w);
    w->version = -1;
    w->cfg = *cfg;
    /* Absolute, so a helper finds it whatever its working directory. */
    char abs[PATH_MAX];
    if (realpath(config_path, abs))
        config_path = abs;
    if ((size_t)snprintf(w->config_path, sizeof w->config_path, "%s",
                         config_path) >= sizeof w->config_path) {
        w->mirror_fd = -1;
        return -1;
    }
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
    for (int i = 0; i < 2; i++)
        if (w->child[i] > 0)
            kill(w->child[i], SIGTERM);
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
