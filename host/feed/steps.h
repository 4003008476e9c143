/* steps.h -- the feed's kept history, one changeset per version; shared
 * by publish.c, not part of the module's API (feed.h). */
#ifndef OCOP_HOST_FEED_STEPS_H
#define OCOP_HOST_FEED_STEPS_H

#include <stddef.h>
#include <stdint.h>

/* "<vdir>/<from>-<to>.cs.zst": the zstd changeset from version from to
 * version to (the version published before it). 0, or -1 if it does not
 * fit in outsz. */
int feed_step_path(const char *vdir, int64_t from, int64_t to, char *out,
                   size_t outsz);
/* 0 with *from and *to if name is such a file's name, else -1. */
int feed_step_parse(const char *name, int64_t *from, int64_t *to);

/* Called with each delta: the changeset (len bytes) from version base to
 * the new version. Non-zero stops the walk (err set by the callee). */
typedef int (*feed_delta_fn)(void *ctx, int64_t base, const void *cs,
                             size_t len);

/* The deltas to the new version, whose step from version prev is last
 * (last_len bytes): from prev, then from each older version the kept
 * steps reach, back to oldest, at most max of them, newest base first.
 * 0; 1 when a kept step is damaged (err says which; the deltas before it
 * were made); -1 with err set on a failure. */
int feed_deltas_from_steps(const char *vdir, int64_t prev, int64_t oldest,
                           size_t max, const void *last, size_t last_len,
                           feed_delta_fn fn, void *ctx, char *err,
                           size_t errsz);

/* Decompress the zstd file src into a new file dst (never an existing
 * one). 0, or -1 with err set and dst removed. */
int feed_unzstd_file(const char *src, const char *dst, char *err, size_t errsz);

#endif
