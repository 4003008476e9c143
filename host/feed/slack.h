/* slack.h -- a mirror copied with room left in its pages for later
 * deltas; shared by publish.c, not part of the module's API (feed.h). */
#ifndef OCOP_HOST_FEED_SLACK_H
#define OCOP_HOST_FEED_SLACK_H

#include <stddef.h>

/* Bytes left free in the products table's pages per row (see slack.c). */
#define FEED_ROW_SLACK 16

/* Copy the mirror at src (opened read-only, one consistent read) into the
 * new file dst, which must not exist: the same tables, rows and bytes,
 * 1 KiB pages, each products page left FEED_ROW_SLACK bytes per row free
 * (zeroed). dst is written without a journal or fsync: the caller
 * commits it durably before renaming it anywhere. 0, or -1 with err set
 * ("cannot copy SRC to DST: <SQLite's words> (<the OS error>)"). */
int feed_copy_with_slack(const char *src, const char *dst, char *err,
                         size_t errsz);

#endif
