/* service_workers.h -- the service's background threads: sync (keep the
 * mirror current) and upload (send the scan log). Each round is one run
 * of ocop-kiosk-net (net_helper.h) that the thread waits for, so the
 * scanning process never maps the network libraries. The threads share
 * one structure with the scanning loop, under one mutex; the loop hears
 * of a newly installed mirror through an eventfd it polls. */
#ifndef OCOP_KIOSK_SERVICE_WORKERS_H
#define OCOP_KIOSK_SERVICE_WORKERS_H

#include "config.h"

#include <pthread.h>
#include <stdint.h>
#include <sys/types.h>

struct workers {
    pthread_mutex_t mu;
    pthread_cond_t cond;              /* CLOCK_MONOTONIC */
    struct kiosk_config cfg;          /* the current configuration (copied) */
    char config_path[KIOSK_PATH_MAX]; /* what the helpers read */
    pid_t child[2]; /* a helper running: sync, upload; 0 none */
    int stop;
    int sync_now; /* sync at once (configuration reloaded) */
    int upload_now;
    int running; /* threads started and not yet finished */
    /* Reported by the threads, read by the loop. */
    int offline;     /* the last sync round could not reach the feed */
    int64_t version; /* the mirror's version after the last good round */
    int mirror_fd;   /* eventfd: written when a sync round succeeded */
    pthread_t sync_thread, upload_thread;
    int started; /* bit 0 sync, bit 1 upload */
    int inited;  /* mu and cond exist */
};

/* Set up (mirror_fd included) and start both threads with cfg, read
 * from config_path (which the helpers read too). */
int workers_start(struct workers *w, const struct kiosk_config *cfg,
                  const char *config_path);
/* A new configuration: used from the next round; sync runs at once. */
void workers_reload(struct workers *w, const struct kiosk_config *cfg);
/* Ask the threads to stop, SIGTERM their helpers, and wait up to
 * wait_ms for them. 0 when they finished (and were joined); -1 when one
 * did not: the caller exits without it, which is safe (sync and upload
 * are built to survive kill -9 at any moment). */
int workers_stop(struct workers *w, int wait_ms);
/* Free what workers_start made; only after workers_stop returned 0. */
void workers_free(struct workers *w);

#endif
