/* verdict_pipeline.h -- from QR text to a logged verdict: the one path
 * every input (camera, scanner, image file, one-shot command) takes.
 *
 * Opened once: the mirror with its prepared statements, the scan log, the
 * sync state. Each check then parses, verifies, looks up, marks the
 * verdict stale when the data is past its expiry, and appends the scan to
 * the log durably before returning, so a verdict the caller shows is
 * never lost. Without a usable mirror the pipeline is "not ready" and
 * gives no verdict at all; without a usable scan log it still gives
 * verdicts and reports the problem.
 */
#ifndef OCOP_KIOSK_VERDICT_PIPELINE_H
#define OCOP_KIOSK_VERDICT_PIPELINE_H

#include "config.h"
#include "scan_log.h"
#include "sync_state.h"

#include <labels.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

struct kiosk_verdicts {
    const struct kiosk_config *cfg;
    labels_mirror *mirror;                /* NULL: not ready */
    char not_ready[KIOSK_PATH_MAX + 512]; /* why, while mirror is NULL */
    uint16_t floor_day; /* the mirror's publish day: "today" is never
                           earlier, whatever the clock says */
    scan_log *log;      /* NULL when the log cannot be used */
    char log_problem[KIOSK_PATH_MAX + 512]; /* last scan log error, or "" */
    struct sync_state state;
    time_t state_mtime; /* the state file as last read */
    ino_t state_ino;
};

struct kiosk_verdict {
    labels_facts facts;
    int stale;       /* data past its expiry (or never synced) */
    char since[32];  /* last sync, ISO 8601, or "never" */
    int64_t scan_id; /* its row in the scan log; 0 if not logged */
};

/* Open everything; never fails outright: see mirror / log for state. */
void verdicts_open(struct kiosk_verdicts *v, const struct kiosk_config *cfg);
/* Reopen the mirror (after a sync replaced it, or to retry when not
 * ready). 0 when ready. */
int verdicts_reload(struct kiosk_verdicts *v);
/* Judge one QR text and log it. 0 with *out filled, or -1 when not ready
 * (v->not_ready says why). */
int verdicts_check(struct kiosk_verdicts *v, const char *text, size_t len,
                   struct kiosk_verdict *out);
void verdicts_close(struct kiosk_verdicts *v);

#endif
