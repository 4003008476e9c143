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

/* Write a kiosk configuration (docs/kiosk-config.md) for a feed at url
 * signed by auth, keeping the kiosk's data in data_dir. */
int feed_kiosk_conf_write(const char *path, const char *url,
                          const labels_pubkey *auth, const char *data_dir);

#endif
