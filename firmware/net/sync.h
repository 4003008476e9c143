/* sync.h -- one sync round of the kiosk's mirror against the signed feed
 * (docs/feed.md). The service calls kiosk_sync() on a timer; the
 * command `ocop-kiosk sync` runs it once. */
#ifndef OCOP_KIOSK_SYNC_H
#define OCOP_KIOSK_SYNC_H

#include "config.h"

#include <stdint.h>

enum sync_path { SYNC_UNCHANGED, SYNC_DELTA, SYNC_SNAPSHOT };

struct sync_report {
    int64_t version;     /* the mirror's version afterwards */
    enum sync_path path; /* how it got there */
    uint64_t wire_bytes; /* HTTP bytes sent and received */
    double apply_ms;     /* time to apply the delta or install the snapshot */
    double fold_ms;      /* time to fold the overlay after a delta, 0: none */
};

enum { SYNC_REFUSED = 1, SYNC_FAILED = 2 };

/* One round: 0 when the mirror is the feed's current version;
 * SYNC_REFUSED if the feed offered something that failed a check
 * (signature, rollback, expiry, hash, size, delta); SYNC_FAILED if it
 * could not be reached or the kiosk could not write. Every refusal and
 * failure is logged, one line each, and the old mirror stays in use.
 * feed_url NULL: the configured one. */
int kiosk_sync(const struct kiosk_config *cfg, const char *feed_url,
               struct sync_report *rep);

#endif
