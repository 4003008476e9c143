/* collector.h -- the authority's store of kiosk scan batches.
 *
 * One SQLite file in WAL mode (schema in docs/upload.md): the enrolled
 * kiosks, every batch received (for idempotency) and every scan, stored
 * once per (kiosk, scan ID). All functions are safe to call from several
 * threads: one connection, one mutex, short transactions.
 *
 * Or PostgreSQL, when collector_open is given a libpq connection string
 * (collector/pg_store.h, docs/collector.md): the same functions, answers
 * and guarantees.
 */
#ifndef OCOP_HOST_COLLECTOR_H
#define OCOP_HOST_COLLECTOR_H

#include <labels.h>
#include <stddef.h>
#include <stdint.h>

typedef struct collector collector;

/* Open or create the collector database: a SQLite file, or PostgreSQL
 * for a "postgresql://..." or "key=value" connection string
 * (pg_store_is_conninfo). 0, or -1 with a message. */
int collector_open(const char *path, collector **out, char *err, size_t errsz);
void collector_close(collector *c);

/* ---- Kiosk enrollment -------------------------------------------------- */

#define COLLECTOR_PLACE_MAX 128 /* bytes of a province or shop name */

typedef struct collector_kiosk {
    char key_id[LABELS_KEY_ID_HEX_SIZE];
    char public_key[LABELS_PUBKEY_B64_MAX];
    char province[COLLECTOR_PLACE_MAX];
    char shop[COLLECTOR_PLACE_MAX];
    char enrolled[32]; /* ISO 8601 UTC */
    char revoked[32];  /* "" while active */
} collector_kiosk;

/* Enroll n kiosk device keys at one location, in one transaction (all or
 * none). Re-enrolling an active key moves it; a revoked key stays revoked
 * (-1 with a message). */
int collector_enroll(collector *c, const labels_pubkey *pubs, size_t n,
                     const char *province, const char *shop, char *err,
                     size_t errsz);
/* Revoke by key ID (16 hex). 0, 1 if no such kiosk, -1 on error. */
int collector_revoke(collector *c, const char *key_id_hex, char *err,
                     size_t errsz);
/* Call fn for every kiosk, in key ID order. */
int collector_list(collector *c, int (*fn)(void *ctx, const collector_kiosk *k),
                   void *ctx, char *err, size_t errsz);

/* ---- The kiosk fleet (docs/collector.md) ------------------------------- */

/* The Vietnam day (UTC+7) of Unix seconds t, counted from 1970-01-01: the
 * rollups' day (docs/reports.md). The SQL form takes an expression. */
#define COLLECTOR_VN_DAY(t) ((t) / 86400 + ((t) % 86400 + 25200) / 86400)
#define COLLECTOR_VN_DAY_SQL(t) t " / 86400 + (" t " % 86400 + 25200) / 86400"

typedef struct collector_fleet_kiosk {
    collector_kiosk k;
    int64_t last_contact;   /* Unix seconds of the last batch stored; 0 never */
    int64_t mirror_version; /* the mirror's feed version; -1 never reported */
    int64_t data_age;       /* seconds since that feed's publish, as the
                               kiosk reported it; -1 unknown */
    int64_t reported;       /* when it was reported; 0 never */
    long long scans;        /* scans on the days from since_day */
    long long findings;     /* findings timed from since_day's start */
} collector_fleet_kiosk;

/* Every enrolled kiosk (revoked ones too) in province, shop, key ID order,
 * with its contact, reported mirror, and its scans and findings from the
 * Vietnam day since_day (COLLECTOR_VN_DAY) on, read from the per-day
 * rollups. fn returns non-zero to stop. 0, or -1 with a message. */
int collector_fleet(collector *c, int64_t since_day,
                    int (*fn)(void *ctx, const collector_fleet_kiosk *k),
                    void *ctx, char *err, size_t errsz);

/* The checks every enrolment needs (ocop-host kiosk enroll, the console):
 * shop and province 1 to COLLECTOR_PLACE_MAX - 1 bytes of text without
 * control characters, the province any name or code labels_province_find
 * knows. The name of its 2025 unit, which is stored; NULL with err. */
const char *collector_place(const char *province, const char *shop, char *err,
                            size_t errsz);
/* Enroll as collector_enroll at collector_place's unit. 0; -2 a bad place
 * (err says why, nothing changed); -1 as collector_enroll. */
int collector_enroll_at(collector *c, const labels_pubkey *pubs, size_t n,
                        const char *province, const char *shop, char *err,
                        size_t errsz);

/* ---- Batches ----------------------------------------------------------- */

/* Upload outcomes, each mapped to one HTTP status by the server. */
typedef enum collector_status {
    COLLECTOR_STORED = 0, /* 200: new batch stored */
    COLLECTOR_DUPLICATE,  /* 200: same batch ID, same bytes: already stored */
    COLLECTOR_MALFORMED,  /* 400 */
    COLLECTOR_BAD_SIGNATURE, /* 401 */
    COLLECTOR_UNKNOWN_KIOSK, /* 403: not enrolled, or revoked */
    COLLECTOR_CONFLICT,      /* 409: batch ID reused for other content */
    COLLECTOR_RATE_LIMITED,  /* 429 */
    COLLECTOR_FAILED,        /* 500: storage error */
} collector_status;

typedef struct collector_outcome {
    collector_status status;
    int scans;          /* scans in the batch */
    int new_scans;      /* scans stored by this request */
    double retry_after; /* seconds, for COLLECTOR_RATE_LIMITED */
    char message[200];  /* one line for the HTTP answer */
} collector_outcome;

/* Per-kiosk token bucket: rate batches per second, burst at most. */
void collector_set_rate(collector *c, double rate, double burst);

/* Check and store one batch body (len bytes, the exact request body). */
void collector_submit(collector *c, const char *body, size_t len,
                      collector_outcome *out);

/* Verdicts of labels whose signature verified and whose key vouches for
 * them: the scans of a real pack's label, which the clone-suspect rules
 * count (report/clones.c, and the PostgreSQL engine's rollup). */
#define COLLECTOR_SIGNED_COUNT 7
extern const labels_verdict collector_signed_verdicts[COLLECTOR_SIGNED_COUNT];

/* ---- The batch format (collector_batch.c), docs/upload.md -------------- */

#define COLLECTOR_BATCH_MAX_SCANS 1000

typedef struct collector_scan {
    int64_t id;
    int64_t time;
    char verdict[24];
    char product[16];
    char signer[LABELS_KEY_ID_HEX_SIZE];
    char lot[16];
    uint32_t serial;
    char text_hash[33];
    int stale;
} collector_scan;

/* An inspector's finding (docs/inspectors.md), record type `finding`. */
#define COLLECTOR_NOTE_MAX 280 /* bytes of UTF-8 */
typedef struct collector_finding {
    int64_t id;
    int64_t time;
    char inspector[16];
    char product[16];
    char signer[LABELS_KEY_ID_HEX_SIZE];
    char lot[16];
    uint32_t serial;
    char finding[24];
    char note[COLLECTOR_NOTE_MAX + 1];
} collector_finding;

/* An inspector's finding as stored, with its kiosk's place ("" for a
 * kiosk no longer enrolled) and when the collector received it. */
typedef struct collector_finding_row {
    char kiosk[LABELS_KEY_ID_HEX_SIZE];
    collector_finding f; /* its signer is "" (findings do not keep one) */
    char province[COLLECTOR_PLACE_MAX];
    char shop[COLLECTOR_PLACE_MAX];
    int64_t received;
} collector_finding_row;

/* The findings received at or after second `from`, in received order, at
 * most limit, each to fn; a nonzero return from fn stops and is returned.
 * 0, or -1 with a message. On either engine; for the console's queue. */
int collector_findings(collector *c, int64_t from, int limit,
                       int (*fn)(void *ctx, const collector_finding_row *f),
                       void *ctx, char *err, size_t errsz);

typedef struct collector_batch {
    uint8_t kiosk[LABELS_KEY_ID_BYTES];
    char kiosk_hex[LABELS_KEY_ID_HEX_SIZE];
    char batch_id[33];
    int64_t created;
    /* The optional `mirror` line (docs/upload.md): the feed version the
     * kiosk's mirror holds and its data's age in seconds (-1: "_",
     * unknown). has_mirror is 0 for a batch without the line. */
    int has_mirror;
    int64_t mirror_version;
    int64_t data_age;
    int count;             /* scan records */
    collector_scan *scans; /* count entries; free with collector_batch_free */
    int nfindings;         /* finding records, after the scans */
    collector_finding *findings;
    size_t signed_len; /* bytes covered by the signature */
    uint8_t sig[LABELS_SIG_BYTES];
} collector_batch;

/* Parse a batch strictly. 0, or -1 with the reason in err. Does not check
 * the signature (the kiosk's key is looked up by the caller). */
int collector_batch_parse(const char *body, size_t len, collector_batch *b,
                          char *err, size_t errsz);
void collector_batch_free(collector_batch *b);

/* The scan and finding times the collector stores (docs/upload.md): from
 * 2020-01-01T00:00:00Z (nothing older is an OCOP scan) to the collector's
 * clock plus a day of slack for kiosk clocks, both ends included. Kiosks
 * may upload weeks later, so old times inside the window are fine. */
#define COLLECTOR_TIME_MIN INT64_C(1577836800)
#define COLLECTOR_CLOCK_SLACK 86400
/* A record time "_" (the kiosk's clock was not set when it scanned) is
 * parsed as COLLECTOR_TIME_UNSET; collector_batch_date_unset() dates every
 * such record at now, the batch's arrival (it happened before), and
 * returns how many it dated. Both engines call it before the window. */
#define COLLECTOR_TIME_UNSET INT64_C(-1)
int collector_batch_date_unset(collector_batch *b, int64_t now);
/* 0 when every record's time is in [COLLECTOR_TIME_MIN, now + slack]; -1
 * with the first record outside it named in err. */
int collector_batch_times_ok(const collector_batch *b, int64_t now, char *err,
                             size_t errsz);

/* ---- Per-kiosk rate limit (collector_rate.c) --------------------------- */

typedef struct collector_rate collector_rate;

collector_rate *collector_rate_new(double rate, double burst);
void collector_rate_free(collector_rate *r);
/* Take one token for key at time now (seconds, monotonic): 0 allowed, or
 * -1 with *wait set to the seconds until a token is free. Thread-safe. */
int collector_rate_take(collector_rate *r, const uint8_t key[8], double now,
                        double *wait);

/* ---- Shoppers' phone lookups and reports (phone_store.c) --------------- */

/* What the phone page stores beside the kiosks' scans (docs/phone-page.md,
 * "Reports"): each lookup without the client's address, its time cut to
 * the hour, and the reports shoppers send from a verdict page. On either
 * engine (collector_open's path): its own connection on the collector's
 * SQLite file, or its own pool on the PostgreSQL collector (schema 3,
 * pg_store_phone.c); safe from several threads. */
typedef struct collector_phone collector_phone;

#define COLLECTOR_PHOTO_MAX (512 * 1024) /* bytes of a report's photo */
#define COLLECTOR_LOOKUP_GRAIN 3600      /* lookup times cut to the hour */

typedef struct collector_lookup {
    int64_t time; /* stored as time - time % COLLECTOR_LOOKUP_GRAIN */
    char verdict[24];
    char product[16];
    char signer[LABELS_KEY_ID_HEX_SIZE]; /* "_" when no label was read */
    char lot[16];
    uint32_t serial;
} collector_lookup;

typedef struct collector_report {
    int64_t time;
    collector_lookup label; /* what the page showed (its time unused) */
    char what[24];          /* a reason word (labels_report_reason_word) */
    char note[COLLECTOR_NOTE_MAX + 1];
    char province[COLLECTOR_PLACE_MAX]; /* "" when not given */
    char shop[COLLECTOR_PLACE_MAX];
    const void *photo; /* NULL, or photo_len bytes of JPEG or PNG */
    size_t photo_len;
    char photo_type[16]; /* "image/jpeg", "image/png" or "" */
} collector_report;

int collector_phone_open(const char *path, collector_phone **out, char *err,
                         size_t errsz);
void collector_phone_close(collector_phone *p);
int collector_phone_lookup(collector_phone *p, const collector_lookup *l,
                           char *err, size_t errsz);
/* Store one report; *id gets its number. 0, or -1 with a message. */
int collector_phone_report(collector_phone *p, const collector_report *r,
                           int64_t *id, char *err, size_t errsz);

/* The reports stored after number `after`, in number order, at most
 * limit, each to fn without its photo (has_photo says if there is one);
 * a nonzero return from fn stops and is returned. 0, or -1 with a
 * message. For the console's queue. */
typedef int (*collector_report_fn)(void *ctx, int64_t id,
                                   const collector_report *r, int has_photo);
int collector_phone_reports(collector_phone *p, int64_t after, int limit,
                            collector_report_fn fn, void *ctx, char *err,
                            size_t errsz);
/* Report id's photo: *data (malloc'd, *len bytes) and its type. 0; 1 when
 * the report has no photo or does not exist; -1 with a message. */
int collector_phone_photo(collector_phone *p, int64_t id, void **data,
                          size_t *len, char type[16], char *err, size_t errsz);

#endif
