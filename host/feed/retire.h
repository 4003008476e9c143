/* retire.h -- which served files a feed folder still keeps; shared by
 * publish.c, not part of the module's API (feed.h). */
#ifndef OCOP_HOST_FEED_RETIRE_H
#define OCOP_HOST_FEED_RETIRE_H

#include <stddef.h>
#include <stdint.h>

/* "<feed>/versions/retired": one line "<unix seconds> <file name>" per
 * file a manifest named until that time (docs/feed.md, "Publishing"). */
#define FEED_RETIRED_NAME "retired"

/* Remove every snapshot-* and delta-* file of feed_dir except those in
 * keep (named by the served manifest) and deltas retired less than
 * FEED_GRACE_S before now. A publish passes the files of the manifest it
 * replaced as retire: its deltas are retired at now, its snapshot goes,
 * and earlier retired files are no longer kept. The list of retired files is
 * rewritten atomically; failures only leave files for a later run. */
void feed_retire_and_prune(const char *feed_dir, char (*keep)[96], size_t nkeep,
                           char (*retire)[96], size_t nretire, int64_t now);

#endif
