/* upload.h -- send the scan log to the authority's collector.
 *
 * One call, upload_round(), sends at most one batch: the batch already
 * pending (same batch ID, same bytes) if a previous round did not finish,
 * else a new one from the oldest scans not yet uploaded. The pending batch
 * lives in <state_dir>/upload.pending, written atomically before the POST
 * and removed after the scans are marked uploaded, so kill -9 at any
 * moment either resends the same batch (the collector answers "already
 * stored") or, if the file is gone, nothing. The caller waits
 * upload_backoff() seconds after a failed round; scans stay in the log
 * (whose own bounds decide what is dropped first, counted) until a 200.
 *
 * Call curl_global_init(CURL_GLOBAL_DEFAULT) once before the first round.
 */
#ifndef OCOP_UPLOAD_H
#define OCOP_UPLOAD_H

#include "config.h"
#include "scan_log.h"

#include <labels.h>
#include <stddef.h>

#define UPLOAD_PENDING_FILE "upload.pending"

typedef struct upload_config {
    const char *url;        /* the collector, e.g. https://host/v1/scans */
    const char *state_dir;  /* the kiosk's data directory */
    const char *ca_file;    /* NULL: the system's CA certificates */
    int batch_max;          /* scans per batch, 1..1000 (0: 200) */
    long connect_timeout_s; /* 0: 10 */
    long timeout_s;         /* whole request; 0: 60 */
    /* The mirror and sync state whose version and data age each new batch
     * reports (docs/upload.md, the `mirror` line); NULL: no such line. */
    const char *mirror;
    const char *sync_state;
    /* Test hook: called after the collector answered, before anything is
     * marked. NULL in production. */
    void (*after_post)(void *ctx, long http_status);
    void *hook_ctx;
} upload_config;

typedef enum upload_outcome {
    UPLOAD_IDLE = 0, /* nothing to send */
    UPLOAD_SENT,     /* a batch was accepted (stored or already stored) */
    UPLOAD_FAILED,   /* not accepted: keep the scans, back off */
} upload_outcome;

typedef struct upload_result {
    upload_outcome outcome;
    int scans;          /* scans in the batch sent */
    int findings;       /* inspectors' findings in it */
    int resent;         /* the batch was a pending one from before */
    long http_status;   /* 0: no HTTP answer (down, timeout, TLS) */
    long retry_after_s; /* the collector's Retry-After, or -1 */
    char message[256];  /* the collector's answer or the transport error */
} upload_result;

/* One round (see above). 0 when the round ran (res->outcome says how it
 * went), -1 on a local failure (scan log, state file; message in res). */
int upload_round(const upload_config *cfg, scan_log *log,
                 const labels_seckey *sec, upload_result *res);

/* POST one body to cfg->url. Fills http_status, retry_after_s, message;
 * returns 0 when the collector answered 200, else -1. */
int upload_post(const upload_config *cfg, const char *body, size_t len,
                upload_result *res);

/* One round as the kiosk runs it (`ocop-kiosk-net upload`): the scan log
 * and data directory of cfg, the device key (made on first use), under
 * an exclusive lock on upload.lock in the data directory. Problems are
 * logged (log.h); res says what the collector answered. */
enum upload_kiosk_rc {
    UPLOAD_KIOSK_DONE = 0, /* a round ran: see res->outcome */
    UPLOAD_KIOSK_BUSY,     /* another round holds the lock: nothing done */
    UPLOAD_KIOSK_NO_LOCK,  /* the lock file cannot be opened or locked */
    UPLOAD_KIOSK_FAILED,   /* scan log, device key or the round failed */
};
enum upload_kiosk_rc upload_kiosk_round(const struct kiosk_config *cfg,
                                        upload_result *res);

#endif
