/* feed.h -- the signed mirror feed, publisher side (docs/feed.md). */
#ifndef OCOP_HOST_FEED_H
#define OCOP_HOST_FEED_H

#include <labels.h>
#include <stddef.h>
#include <stdint.h>

#define FEED_MANIFEST_NAME "manifest"
#define FEED_DEFAULT_EXPIRES_DAYS 7
#define FEED_DEFAULT_KEEP_DELTAS 7
#define FEED_MAX_KEEP_DELTAS 64
/* How long a delta stays served after the manifest naming it was
 * replaced: a kiosk's longest sync round with the default settings (four
 * attempts of 600 s and their back-off, docs/kiosk-config.md). The
 * previous snapshot is not kept: a kiosk reads the manifest again. */
#define FEED_GRACE_S 3600

struct feed_publish_opts {
    const char *mirror; /* the registry's export (read only) */
    /* Instead of mirror: called under the feed's lock to write the mirror
     * to publish at path, e.g. the registry's export as it is now.
     * *version is the number this publish takes; it may raise it (the
     * registry's own count is higher) and the feed follows. 0, or
     * non-zero with err set. */
    int (*export_fn)(void *ctx, const char *path, int64_t *version, char *err,
                     size_t errsz);
    void *export_ctx;
    const char *feed_dir;     /* served as static files */
    const labels_seckey *key; /* the authority's current feed key */
    /* When rotating: the previous feed key, which signs an announcement
     * of key (NULL otherwise). */
    const labels_seckey *announce_from;
    int expires_days;
    int keep_deltas;
    /* The publish time; 0 for now. Set only to re-create a past or
     * staged feed (and by tests: an already expired manifest). */
    int64_t now;
    /* The version to publish; 0 for the next one. Must be above every
     * version published before (recovering a lost feed folder: above any
     * version a kiosk may hold). */
    int64_t version;
};

struct feed_publish_result {
    int64_t version;
    size_t snapshot_bytes;
    size_t ndeltas;
    /* Old versions no delta could be made from (damaged files), and why
     * the last one failed; their kiosks take the snapshot. */
    size_t skipped;
    char skipped_why[256];
    /* opts->mirror says it is a version the feed already published: its
     * data may be older than the registry (no export since). */
    int stale_mirror;
};

/* Publish opts->mirror (or export_fn's mirror) as the next feed version into
 * opts->feed_dir. On failure returns a labels_err and writes one sentence into
 * err; the feed already served stays as it was (the manifest is written last,
 * atomically). */
int feed_publish(const struct feed_publish_opts *opts,
                 struct feed_publish_result *res, char *err, size_t errsz);

/* Remove from feed_dir the snapshots and deltas that neither the served
 * manifest names nor (deltas) a manifest replaced less than FEED_GRACE_S
 * before now (0: the time now). A publish does this itself; the publish
 * timer calls it when nothing is due, so the previous version's deltas go
 * an hour after a publish. Nothing is removed without a manifest. 0, or -1
 * with err set (another publish runs, the manifest cannot be read). */
int feed_prune(const char *feed_dir, int64_t now, char *err, size_t errsz);

/* Write a kiosk configuration (docs/kiosk-config.md) for a feed at url
 * signed by auth, keeping the kiosk's data in data_dir. */
int feed_kiosk_conf_write(const char *path, const char *url,
                          const labels_pubkey *auth, const char *data_dir);

/* ---- What the last publish did, and the feed's state (status.c) -------
 * Every publish, by hand, by the timer or from the console, records its
 * outcome in a small file (docs/feed.md "Keeping the feed alive"), which
 * the console's dashboard and ocop-host serve's log both read. */

#define FEED_STATUS_NAME "publish-status" /* beside feed/ in a world */
/* The timer's rule: publish when the registry changed, or when the last
 * publish is this old (the feed expires after 7 days by default). */
#define FEED_REPUBLISH_S (24 * 3600)
/* The alarm: the feed expires within this, or has expired. */
#define FEED_ALARM_S (48 * 3600)

struct feed_status {
    char attempt[LABELS_TIME_ISO_SIZE];   /* the last attempt ("" never) */
    int ok;                               /* its outcome */
    int scheduled;                        /* it was the timer's */
    char error[256];                      /* why it failed ("" when ok) */
    int64_t version;                      /* the last version published */
    char published[LABELS_TIME_ISO_SIZE]; /* when ("" never) */
    long long mark; /* the registry's change mark it published */
};

/* 1 read, 0 no file yet, -1 unreadable or malformed (err says why). */
int feed_status_read(const char *path, struct feed_status *st, char *err,
                     size_t errsz);
/* Write st to path (temporary file, fsync, rename). 0 or -1. */
int feed_status_write(const char *path, const struct feed_status *st, char *err,
                      size_t errsz);
/* Record one attempt's outcome in path, keeping what the last success
 * recorded when this one failed: ok with the version and mark published,
 * or the failure's sentence. 0 or -1. */
int feed_status_record(const char *path, int ok, int scheduled, int64_t version,
                       long long mark, const char *error, int64_t now,
                       char *err, size_t errsz);

/* The timer's rule: 1 when a publish is due at now (no successful
 * publish recorded, the last attempt failed, the registry's change mark
 * moved since, the last publish is FEED_REPUBLISH_S old, or feed_dir
 * has no manifest), else 0. */
int feed_publish_due(const char *status_path, const char *feed_dir,
                     long long mark, int64_t now);

struct feed_state {
    int have_manifest;
    int64_t version;                      /* the served manifest's */
    char published[LABELS_TIME_ISO_SIZE]; /* "" without a manifest */
    char expires[LABELS_TIME_ISO_SIZE];
    int have_status;
    struct feed_status status;
    char next_due[LABELS_TIME_ISO_SIZE]; /* published + FEED_REPUBLISH_S */
    int alarm_expiry; /* no manifest, or it expires within FEED_ALARM_S */
    int alarm_failed; /* the last scheduled publish failed */
};

/* The state of the feed served from feed_dir and of the publishes
 * recorded in status_path (may be NULL) at now. The manifest is read for
 * display, not verified (kiosks verify it). 0, or -1 with err set. */
int feed_state_read(const char *feed_dir, const char *status_path, int64_t now,
                    struct feed_state *st, char *err, size_t errsz);
/* One sentence for an operator's log about st's alarms into out; 0 when
 * there is none (out ""). */
int feed_state_alarm(const struct feed_state *st, char *out, size_t outsz);

#endif
