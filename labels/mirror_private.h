/* mirror_private.h -- lookups the verdict engine needs beyond labels.h.
 * Shared by mirror.c (which owns the prepared statements) and verdict.c
 * (which owns the decision); not part of the public API. */
#ifndef LABELS_MIRROR_PRIVATE_H
#define LABELS_MIRROR_PRIVATE_H

#include "labels.h"

/* A row of the keys table, checked: dates are "YYYY-MM-DD" (revoked may
 * be ""), the public key's own ID matches key_id. */
typedef struct labels_mirror_key {
    char producer[32];
    labels_pubkey pub;
    char enrolled[11];
    char revoked[11];
    char reason[16]; /* "", superseded, compromised */
} labels_mirror_key;

/* LABELS_OK, LABELS_ERR_NOT_FOUND, or LABELS_ERR_MIRROR for a row that
 * breaks docs/mirror.md or a failed query. */
int labels_mirror_key_get(labels_mirror *m,
                          const uint8_t id[LABELS_KEY_ID_BYTES],
                          labels_mirror_key *out);
/* *reported = 1 if the clones table lists this label's serial. */
int labels_mirror_clone_get(labels_mirror *m, const labels_label *lab,
                            int *reported);
/* 1 if s is shaped "YYYY-MM-DD" (so that strcmp orders dates). */
int labels_mirror_iso_date_ok(const char *s);

#endif
