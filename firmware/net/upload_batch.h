/* upload_batch.h -- a signed batch of scans in the wire format of
 * docs/upload.md, as the kiosk sends it to the collector. */
#ifndef OCOP_UPLOAD_BATCH_H
#define OCOP_UPLOAD_BATCH_H

#include "scan_log.h"

#include <labels.h>
#include <stddef.h>
#include <stdint.h>

#define UPLOAD_BATCH_ID_BYTES 16
#define UPLOAD_BATCH_MAX_SCANS 1000 /* the collector's limit */

/* Build and sign (LABELS_DOMAIN_SCANS) a batch of n (1..1000) records,
 * whose IDs must increase. Fields that could not travel in the format
 * (not from the label alphabet) are sent as unknown rather than making a
 * batch the collector would refuse for ever. *out is malloc'd. 0, or -1. */
int upload_batch_build(const labels_seckey *sec,
                       const uint8_t batch_id[UPLOAD_BATCH_ID_BYTES],
                       int64_t created, const scan_record *recs, size_t n,
                       char **out, size_t *len);

/* The same with nf (0..1000) inspector findings after the scans (n may
 * then be 0, but n + nf is 1..1000): `finding` records of docs/upload.md,
 * IDs increasing. With nf == 0 the bytes are upload_batch_build()'s. */
int upload_batch_build_with_findings(
    const labels_seckey *sec, const uint8_t batch_id[UPLOAD_BATCH_ID_BYTES],
    int64_t created, const scan_record *recs, size_t n,
    const finding_record *finds, size_t nf, char **out, size_t *len);

/* What the kiosk reports about its data with a batch (the `mirror` line of
 * docs/upload.md): the feed version its mirror holds (0: none yet) and the
 * seconds since that feed was published, or -1 when unknown (never synced,
 * or the clock not set). */
typedef struct upload_mirror_report {
    int64_t version;
    int64_t data_age;
} upload_mirror_report;

/* upload_batch_build_with_findings() with the `mirror` line after `created`
 * when m is not NULL (covered by the signature like every other line);
 * with m == NULL the bytes are the older format's. */
int upload_batch_build_mirror(const labels_seckey *sec,
                              const uint8_t batch_id[UPLOAD_BATCH_ID_BYTES],
                              int64_t created, const upload_mirror_report *m,
                              const scan_record *recs, size_t n,
                              const finding_record *finds, size_t nf,
                              char **out, size_t *len);

#endif
