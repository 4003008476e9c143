/* manifest.h -- the feed manifest as the kiosk reads it (docs/feed.md). */
#ifndef OCOP_KIOSK_MANIFEST_H
#define OCOP_KIOSK_MANIFEST_H

#include <labels.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define MANIFEST_MAX_BYTES 65536
#define MANIFEST_MAX_DELTAS 64
#define FEED_FILE_NAME_MAX 96

struct feed_file {
    int64_t base; /* deltas: the version it applies to */
    char name[FEED_FILE_NAME_MAX];
    uint64_t size; /* bytes on the wire (compressed) */
    char sha256[65];
    uint64_t usize; /* bytes once decompressed */
};

struct manifest {
    uint8_t key_id[LABELS_KEY_ID_BYTES];
    int64_t version;
    time_t published, expires;
    struct feed_file snapshot;
    struct feed_file deltas[MANIFEST_MAX_DELTAS];
    size_t ndeltas;
};

/* Split text into the signed body and its signature, and read the key ID
 * it names, without trusting anything yet. */
int manifest_envelope(const char *text, size_t len, size_t *body_len,
                      uint8_t sig[LABELS_SIG_BYTES],
                      uint8_t key_id[LABELS_KEY_ID_BYTES], char *err,
                      size_t errsz);
/* Parse a body whose signature has been verified. */
int manifest_parse(const char *body, size_t len, struct manifest *m, char *err,
                   size_t errsz);

#endif
