/* scan_log.h -- the kiosk's local log of scans, waiting for upload.
 *
 * One SQLite file in WAL mode. Every scan is committed with a full fsync
 * before scan_log_append() returns, so a verdict shown after it returns
 * survives kill -9 and power loss. The log is bounded: when it grows past
 * its row limit, the oldest uploaded scans go first, and only then the
 * oldest not yet uploaded (counted as dropped). No personal data: the
 * product, signer, lot and serial printed on the label, a hash of the QR
 * text, the verdict and the time.
 */
#ifndef OCOP_SCAN_LOG_H
#define OCOP_SCAN_LOG_H

#include <labels.h>
#include <stddef.h>
#include <stdint.h>

typedef struct scan_log scan_log;

typedef struct scan_record {
    int64_t id;                          /* set by scan_log_append */
    int64_t time;                        /* Unix seconds, UTC */
    char verdict[24];                    /* labels_verdict_word() */
    char product[16];                    /* "" when the text did not parse */
    char key_id[LABELS_KEY_ID_HEX_SIZE]; /* 16 hex, or "" */
    char lot[16];
    uint32_t serial;    /* 0 when unknown */
    char text_hash[33]; /* BLAKE2b-128 of the QR text, hex */
    int stale;          /* the mirror was past its expiry */
} scan_record;

/* Fill text_hash from the raw QR text. */
void scan_log_hash_text(const char *text, size_t len, char out[33]);

/* Open or create the log at path, keeping at most max_rows scans
 * (0: 100000). Returns 0 or -1 with a message in err (errsz bytes). */
int scan_log_open(const char *path, int64_t max_rows, scan_log **out, char *err,
                  size_t errsz);
void scan_log_close(scan_log *log);

/* Append one scan durably; rec->id gets its ID. 0, or -1 (disk full,
 * I/O error: the message is in scan_log_error()). */
int scan_log_append(scan_log *log, scan_record *rec);

/* Call fn for up to limit scans not yet uploaded, oldest first. fn
 * returns non-zero to stop. Returns the number visited, or -1. */
int scan_log_pending(scan_log *log, int limit,
                     int (*fn)(void *ctx, const scan_record *rec), void *ctx);

/* Mark scans with IDs first..last (inclusive) uploaded. */
int scan_log_mark_uploaded(scan_log *log, int64_t first, int64_t last);

typedef struct scan_log_stats {
    int64_t rows;    /* scans in the log */
    int64_t pending; /* not yet uploaded */
    int64_t dropped; /* pruned before they were uploaded, ever */
} scan_log_stats;

int scan_log_get_stats(scan_log *log, scan_log_stats *st);

/* ---- Inspectors' findings (docs/inspectors.md) -------------------------
 *
 * Kept in the same file, with the same durability as scans (committed
 * with a full fsync before the append returns), waiting for upload in the
 * same signed batches. Findings are never pruned: an inspector's record
 * is evidence, and there are few. */

#define SCAN_FINDING_NOTE_MAX 280 /* bytes of UTF-8 */

typedef struct finding_record {
    int64_t id;         /* set by scan_log_finding_append */
    int64_t time;       /* Unix seconds, UTC */
    char inspector[16]; /* badge inspector ID */
    char finding[24];   /* compliant, label_misuse, ... */
    char product[16];
    char key_id[LABELS_KEY_ID_HEX_SIZE];
    char lot[16];
    uint32_t serial;
    int64_t scan_id; /* the scan it is about, 0 if not logged */
    char note[SCAN_FINDING_NOTE_MAX + 1];
} finding_record;

/* Append one finding durably; rec->id gets its ID. 0 or -1. */
int scan_log_finding_append(scan_log *log, finding_record *rec);
/* The latest findings about one product, newest first (at most limit).
 * Returns the number visited, or -1. */
int scan_log_findings_for(scan_log *log, const char *product, int limit,
                          int (*fn)(void *ctx, const finding_record *rec),
                          void *ctx);
/* Findings not yet uploaded, oldest first; as scan_log_pending(). */
int scan_log_findings_pending(scan_log *log, int limit,
                              int (*fn)(void *ctx, const finding_record *rec),
                              void *ctx);
int scan_log_findings_mark_uploaded(scan_log *log, int64_t first, int64_t last);

/* The last error message. */
const char *scan_log_error(scan_log *log);

#endif
