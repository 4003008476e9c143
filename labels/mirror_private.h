/* mirror_private.h -- lookups the verdict engine needs beyond labels.h.
 * Shared by mirror.c (which owns the prepared statements) and verdict.c
 * (which owns the decision); not part of the public API. */
#ifndef LABELS_MIRROR_PRIVATE_H
#define LABELS_MIRROR_PRIVATE_H

#include "labels.h"

/* *reported = 1 if the clones table lists this label's serial. */
int labels_mirror_clone_get(labels_mirror *m, const labels_label *lab,
                            int *reported);
/* 1 if s is shaped "YYYY-MM-DD" (so that strcmp orders dates). */
int labels_mirror_iso_date_ok(const char *s);

#endif
