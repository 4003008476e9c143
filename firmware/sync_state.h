/* sync_state.h -- what the kiosk remembers between sync rounds: the feed
 * version it holds, when it last reached the feed, and the expiry after
 * which every verdict is marked stale (docs/feed.md). */
#ifndef OCOP_KIOSK_SYNC_STATE_H
#define OCOP_KIOSK_SYNC_STATE_H

#include <labels.h>
#include <stdint.h>
#include <time.h>

struct sync_state {
    int64_t version;          /* feed version of the manifest we hold */
    char manifest_sha256[65]; /* of that manifest's exact bytes */
    char etag[256];           /* the server's ETag for it */
    time_t last_sync;         /* last time the feed was reached and current */
    time_t published;         /* the manifest's publish time */
    time_t expires;           /* the manifest's expiry */
    /* The feed key after rotations, and the authority key the chain of
     * rotations started from (ignored if the configuration changes it). */
    int have_feed_key;
    labels_pubkey feed_key;
    char root_key_id[LABELS_KEY_ID_HEX_SIZE];
};

/* Read the state file; a missing file is an empty state (returns 0). */
int sync_state_read(const char *path, struct sync_state *st);
/* Write it atomically. */
int sync_state_write(const char *path, const struct sync_state *st);
/* Non-zero when verdicts must carry the stale flag: no valid manifest
 * yet, the held manifest's expiry has passed, or the clock is more than a
 * day before its publish time (so the expiry cannot be judged). */
int sync_state_stale(const struct sync_state *st, time_t now);

/* For every verdict: non-zero if it must carry the stale flag, with
 * since (32 bytes) set to the last sync ("never" if none) for the screen's
 * "data not updated since ...". An unreadable state file counts as stale. */
int sync_stale_since(const char *state_path, time_t now, char since[32]);

/* A feed time, exactly "YYYY-MM-DDTHH:MM:SSZ" (labels_time_iso_parse), to
 * time_t; -1 for anything else or a year before 2020. Written back with
 * labels_time_iso(). */
int iso_time_parse(const char *s, time_t *out);

#endif
