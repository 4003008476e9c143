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

#include <sqlite3.h>

#include <stddef.h>
#include <stdint.h>

typedef struct pg_store pg_store;

#define PG_STORE_POOL_MAX 16
/* collector.meta's version: 2 keeps a label's first sighting apart
 * (label_first) and only the later ones in daily_labels; 3 adds the phone
 * page's tables and sums products per day without the kiosk
 * (daily_products), keeping daily_verdicts for the two verdicts that send
 * a product back to inspection; 4 adds each kiosk's contact and reported
 * mirror (kiosk_contact, the console's fleet); 5 keeps with each later
 * sighting the kiosk of the label's first (daily_labels.first_kiosk), so
 * the clone report looks up only labels seen at two kiosks; 6 adds when
 * the label was first seen (daily_labels.first_seen), so the clone report
 * reads only daily_labels: a suspect's first sighting without a lookup,
 * its other sightings' times from the rows' first and last; 7 keeps per
 * label its later sightings and those elsewhere than the first's kiosk
 * (label_repeats), the clone report's candidates. Opening an
 * older store as its owner upgrades it (pg_store_admin.c). */
#define PG_STORE_SCHEMA_VERSION 7
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

/* As collector_fleet (pg_store_fleet.c). */
int pg_store_fleet(pg_store *ps, int64_t since_day,
                   int (*fn)(void *ctx, const collector_fleet_kiosk *k),
                   void *ctx, char *err, size_t errsz);

/* As collector_findings (pg_store_fleet.c). */
int pg_store_findings(pg_store *ps, int64_t from, int limit,
                      int (*fn)(void *ctx, const collector_finding_row *f),
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

/* ---- The phone page (pg_store_phone.c) ---------------------------------
 * As collector_phone_lookup (the time already cut), collector_phone_report,
 * collector_phone_reports and collector_phone_photo on a SQLite file. */
int pg_store_phone_lookup(pg_store *ps, const collector_lookup *l, int64_t time,
                          char *err, size_t errsz);
int pg_store_phone_report(pg_store *ps, const collector_report *r, int64_t *id,
                          char *err, size_t errsz);
int pg_store_phone_reports(pg_store *ps, int64_t after, int limit,
                           collector_report_fn fn, void *ctx, char *err,
                           size_t errsz);
int pg_store_phone_photo(pg_store *ps, int64_t id, void **data, size_t *len,
                         char type[16], char *err, size_t errsz);

/* ---- Reports (pg_store_report.c) ---------------------------------------
 *
 * ocop-host report on PostgreSQL: pg_store_report_load sums the rollups
 * over the period in PostgreSQL and copies the small answers into the
 * report's SQLite database (an in-memory one with the registry attached),
 * where the report's table builders read them with the PG_REPORT_SQL_*
 * queries below instead of counting raw scans. Raw scans are read only for
 * the clone suspects. The period must be whole Vietnam days (the rollups'
 * unit), as ocop-host report's --from and --to give. */
enum {
    PG_REPORT_KIOSKS = 1,     /* kiosks (as the SQLite collector's) */
    PG_REPORT_PIVOT = 2,      /* scans per kiosk and verdict */
    PG_REPORT_DAYS = 4,       /* scans per day and verdict, in the province */
    PG_REPORT_CLONES = 8,     /* clone suspects and their scans */
    PG_REPORT_REINSPECT = 16, /* rating_changed, expired per product, kiosk */
    PG_REPORT_EXPIRING = 32,  /* scans per product */
    PG_REPORT_FINDINGS = 64,  /* findings (as the SQLite collector's) */
    PG_REPORT_ALL = 127
};

typedef struct pg_store_report_query {
    int64_t from, to;     /* Unix seconds, [from, to); INT64_MIN/MAX open */
    const char *province; /* "" or NULL for all */
    long clone_scans;     /* a label scanned more often is a suspect */
    unsigned what;        /* PG_REPORT_* to fill; every table is made */
    long clone_window;    /* --clone-hours in seconds (the burst rule) */
} pg_store_report_query;

/* Fill db's main schema in one PostgreSQL snapshot and one SQLite
 * transaction. 0, or -1 with a message. */
int pg_store_report_load(pg_store *ps, sqlite3 *db,
                         const pg_store_report_query *q, char *err,
                         size_t errsz);

/* What the report reads from the copies, in the column order of the SQLite
 * collector's queries they replace. */
#define PG_REPORT_SQL_PIVOT "SELECT kiosk, verdict, n FROM pg_kiosk_verdicts"
#define PG_REPORT_SQL_DAYS                                                     \
    "SELECT time, verdict, '', n FROM pg_day_verdicts ORDER BY time"
#define PG_REPORT_SQL_CLONE_GROUPS                                             \
    "SELECT signer, product, lot, serial, n FROM pg_clone_groups "             \
    "ORDER BY signer, product, lot, serial"
#define PG_REPORT_SQL_CLONE_HITS                                               \
    "SELECT kiosk, time FROM pg_clone_hits WHERE signer = ?1 AND "             \
    "product = ?2 AND lot = ?3 AND serial = ?4"
#define PG_REPORT_SQL_REINSPECT                                                \
    "SELECT product, verdict, kiosk, n FROM pg_product_verdicts "              \
    "WHERE verdict IN (?3, ?4) ORDER BY product"
#define PG_REPORT_SQL_PRODUCT_SCANS                                            \
    "(SELECT coalesce(sum(n), 0) FROM pg_product_scans s "                     \
    "WHERE s.product = p.code)"

#endif
