/* bench_store.h -- what bench_store.c and bench_store_pg.c share: the
 * preloaded year's rows and the bulk loads (PostgreSQL, SQLite). */
#ifndef BENCH_STORE_H
#define BENCH_STORE_H

#define BASE_TIME 1790000000 /* 2026-09-21: the upload rounds' scans */
/* The preloaded year: the twelve whole months before BASE_TIME's, from
 * 2025-09-01 to 2026-09-01 UTC (365 days), so every month of it is a
 * partition of its own, made by the bulk load. */
#define PRE_FROM 1756684800LL
#define PRE_YEAR (365LL * 86400)

/* One preloaded scan, as the COPY text line or the fields. */
typedef struct pre {
    char kiosk[17], verdict[16], product[24], signer[17], lot[8], hash[33];
    long long id, time, serial;
} pre;

/* Scan i of n (time order): its kiosk, time and label (docs/performance.md,
 * "Collector at national scale": rescans, pairs and bursts of clones). */
void pre_row(long long i, long long n, pre *p);

/* The kiosks the n rows spread over. */
long long pre_kiosks(long long n);

/* Load n rows into the PostgreSQL collector at conninfo the way a bulk
 * load is done (per month: COPY into a plain table, indexes, ATTACH,
 * rollups), beside a bare COPY of the first month's rows; stops early,
 * with a message, before the free space of df_path would fall below
 * keep_gb. Prints its figures; *loaded: the rows stored. 0 or -1. */
int preload_pg(const char *conninfo, long long n, const char *df_path,
               double keep_gb, long long *loaded);

/* Load n rows into the SQLite collector file at path (no connection open
 * on it) the way a bulk load is done (rows in key order without the
 * secondary indexes, indexes once, rollups by GROUP BY, checked against
 * the raw scans), beside the same rows into an unindexed table; refuses
 * when the free space of df_path would fall below keep_gb. Prints its
 * figures. 0 or -1. */
int preload_sqlite_bulk(const char *path, long long n, const char *df_path,
                        double keep_gb);

#endif
