/* sync_apply.h -- changing the kiosk's mirror: a delta inside one
 * transaction, or a snapshot (or a folded overlay) swapped in by rename. Either
 * way a reader sees the old mirror or the new one, never a mix. */
#ifndef OCOP_KIOSK_SYNC_APPLY_H
#define OCOP_KIOSK_SYNC_APPLY_H

#include <stddef.h>
#include <stdint.h>

/* apply_delta() and install_snapshot() return 0, APPLY_REFUSED when the
 * data fails a check (so the feed is at fault), or APPLY_FAILED when the
 * kiosk could not read or write (disk full, I/O, locked). */
enum { APPLY_REFUSED = -2, APPLY_FAILED = -1 };

/* Remove a link, FIFO, socket or device node planted at a name SQLite
 * opens beside db (-wal, -shm, -journal): never its target (issue 12).
 * 0, or APPLY_FAILED with err set when a folder is there. */
int mirror_clear_planted(const char *db, char *err, size_t errsz);

/* Apply a zstd-compressed changeset file (usize bytes decompressed) that
 * turns version base into version target. */
int apply_delta(const char *mirror, const char *file, uint64_t usize,
                int64_t base, int64_t target, char *err, size_t errsz);

/* Decompress a snapshot next to the mirror, check it (integrity, schema,
 * version target) and rename it over the mirror. */
int install_snapshot(const char *mirror, const char *file, uint64_t usize,
                     int64_t target, char *err, size_t errsz);

/* When the overlay of the mirror (at version target) has grown past
 * its rule (sync_overlay.h), fold it into a fresh copy, checked and
 * renamed over the mirror as a snapshot is: 1. 0 when no fold is due;
 * APPLY_FAILED with err set (the mirror is then as it was). */
int fold_overlay(const char *mirror, int64_t target, char *err, size_t errsz);

#endif
