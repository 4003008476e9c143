/* sync_overlay.h -- a delta's product changes go into the kiosk's
 * overlay (docs/mirror.md, "The kiosk's overlay"), written side by side
 * instead of into a page of products each; a grown overlay is folded
 * into a fresh copy of the mirror. */
#ifndef OCOP_KIOSK_SYNC_OVERLAY_H
#define OCOP_KIOSK_SYNC_OVERLAY_H

#include <stddef.h>

#define SQLITE_ENABLE_SESSION 1
#define SQLITE_ENABLE_PREUPDATE_HOOK 1
#include <sqlite3.h>

#include "sync_prefetch.h"

/* The overlay is folded when it holds more rows than this and than one
 * per KiB of the mirror's file (about one product in seven): before
 * that, folding would write the whole mirror for a few rows. */
#define OVERLAY_FOLD_MIN_ROWS 4096

typedef int (*overlay_conflict_fn)(void *ctx, int type,
                                   sqlite3_changeset_iter *it);

/* sqlite3changeset_apply_v2's table filter that leaves products to
 * overlay_apply(). */
int overlay_skip_products(void *ctx, const char *table);

/* Apply the products part of changeset cs (n bytes) to db's overlay,
 * inside the caller's transaction, with SQLite's own rules for a
 * conflict (on_conflict is called as sqlite3changeset_apply calls it).
 * pf reads the rows it needs for the same changeset (sync_prefetch.h).
 * SQLITE_OK, or the SQLite error that stopped it (err says which). */
int overlay_apply(sqlite3 *db, const void *cs, int n, prefetch *pf,
                  overlay_conflict_fn on_conflict, void *ctx, char *err,
                  size_t errsz);

/* *has = 1 when db's schema has the overlay table (LABELS_MIRROR_OVERLAY).
 * SQLITE_OK or the error. */
int overlay_exists(sqlite3 *db, sqlite3_int64 *has);

/* When the overlay of mirror has grown past the rule above, write the
 * mirror with its overlay folded in (the documented schema, no overlay)
 * to work, a fresh file: 1. 0 when no fold is due; -1 with err set. */
int overlay_fold(const char *mirror, const char *work, char *err, size_t errsz);

#endif
