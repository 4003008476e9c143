/* pg_store.h -- the collector's PostgreSQL engine (docs/collector.md).
 *
 * The same kiosks, batches, scans and findings as the SQLite collector
 * (collector.h, docs/upload.md), with the same guarantees: a batch is
 * stored exactly once, a replay of the same bytes is "already stored", the
 * same batch ID with other bytes is a conflict, and concurrent uploads of
 * one batch through several servers never store it twice (a unique key on
 * (kiosk, batch ID) and ON CONFLICT, never a read then a write).
 *
 * For national volumes the raw scans are partitioned by UTC month (a
 * partition is made when a batch first brings its month), daily rollups
 * per Vietnam day are updated in the batch's own transaction, and old
 * months of raw scans can be dropped while the rollups stay.
 *
 * All tables live in the schema "collector". Every function is safe to
 * call from several threads: each call takes a connection from a small
 * pool (at most PG_STORE_POOL_MAX).
 */
#ifndef OCOP_HOST_PG_STORE_H
#define OCOP_HOST_PG_STORE_H

#include "collector/collector.h"

#include <stddef.h>
#include <stdint.h>

typedef struct pg_store pg_store;

#define PG_STORE_POOL_MAX 16
/* Raw-scan months kept by pg_store_retain when a deployment does not say
 * otherwise (docs/collector.md). */
#define PG_STORE_RETAIN_MONTHS 24

/* 1 if a --collector-db value names a PostgreSQL database (a libpq URI
 * "postgresql://..." or "postgres://...", or a key=value connection
 * string with host=, dbname=, user=, port= or service=), 0 if it is a
 * SQLite file name. */
int pg_store_is_conninfo(const char *s);

/* Connect with a libpq connection string and create the schema when it is
 * missing (this needs a role that may create it; a role with only the
 * collector's grants opens an existing schema). 0, or -1 with a message. */
int pg_store_open(const char *conninfo, pg_store **out, char *err,
                  size_t errsz);
void pg_store_close(pg_store *ps);

/* As collector_enroll, collector_revoke, collector_list. */
int pg_store_enroll(pg_store *ps, const labels_pubkey *pubs, size_t n,
                    const char *province, const char *shop, char *err,
                    size_t errsz);
int pg_store_revoke(pg_store *ps, const char *key_id_hex, char *err,
                    size_t errsz);
int pg_store_list(pg_store *ps, int (*fn)(void *ctx, const collector_kiosk *k),
                  void *ctx, char *err, size_t errsz);

/* As collector_set_rate: a token bucket per kiosk, in this process only
 * (several servers each apply their own). */
void pg_store_set_rate(pg_store *ps, double rate, double burst);

/* As collector_submit: check and store one batch body. */
void pg_store_submit(pg_store *ps, const char *body, size_t len,
                     collector_outcome *out);

/* Drop the raw-scan partitions of months that ended more than `months`
 * whole months before the month of `now` (Unix seconds): with months = 24
 * in 2026-12, 2024-11 and older go, 2024-12 stays. Rollups, batches and
 * findings stay. *dropped counts the partitions removed. Needs the
 * schema's owner. 0, or -1 with a message. */
int pg_store_retain(pg_store *ps, int months, int64_t now, int *dropped,
                    char *err, size_t errsz);

/* Copy a SQLite collector (collector.h) into this store: kiosks, batches,
 * findings, then scans in (kiosk, scan ID) order in chunks, each chunk in
 * one transaction with the rollups and a progress mark, so an interrupted
 * copy resumes where it stopped and a finished one copies nothing again.
 * Then checks, kiosk by kiosk, that every scan of the file is here. The
 * counts go to the optional out fields. 0, or -1 with a message. */
typedef struct pg_store_import_counts {
    long kiosks, batches, findings;
    long scans_read; /* scans read from the file by this call */
    long scans_new;  /* of those, not yet in PostgreSQL */
    long scans_file; /* scans in the file, for the final check */
} pg_store_import_counts;

int pg_store_import_sqlite(pg_store *ps, const char *sqlite_path,
                           pg_store_import_counts *counts, char *err,
                           size_t errsz);

#endif
