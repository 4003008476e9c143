/* mirror_version.h -- the feed version a mirror holds. */
#ifndef OCOP_KIOSK_MIRROR_VERSION_H
#define OCOP_KIOSK_MIRROR_VERSION_H

#include <stddef.h>
#include <stdint.h>

/* The mirror's feed_version (0 if the file is missing). Opens it
 * read-write first, so a hot journal left by a killed apply is rolled
 * back now. -1 with err set if it is unreadable. */
int64_t mirror_version(const char *path, char *err, size_t errsz);

/* (struct sqlite3, not <sqlite3.h>: sync_apply.c includes that with the
 * session extension enabled.) The version recorded in an open mirror's meta
 * table, or -1. */
struct sqlite3;
int64_t mirror_read_version(struct sqlite3 *db);

#endif
