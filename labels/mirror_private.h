/* mirror_private.h -- lookups the verdict engine needs beyond labels.h.
 * Shared by mirror.c (which owns the prepared statements) and verdict.c
 * (which owns the decision); not part of the public API. */
#ifndef LABELS_MIRROR_PRIVATE_H
#define LABELS_MIRROR_PRIVATE_H

#include "labels.h"

/* *reported = 1 if the clones table lists this label's serial. */
int labels_mirror_clone_get(labels_mirror *m, const labels_label *lab,
                            int *reported);
/* 1 if s is "YYYY-MM-DD" and a day of the Gregorian calendar (so that
 * strcmp orders dates and none of them is impossible). */
int labels_mirror_iso_date_ok(const char *s);
/* 1 if a label URL under host (hlen bytes) may be genuine: host is one of
 * the mirror's verify addresses, or the mirror carries none (an older
 * mirror, judged as before). */
int labels_mirror_host_check(labels_mirror *m, const char *host, size_t hlen);

#endif
