/* bench_store.c -- the collector's two engines measured the same way,
 * below HTTP: batches per second and latency percentiles of
 * collector_submit / pg_store_submit from concurrent threads (one kiosk
 * each), on an empty store and again after PRELOAD scans were loaded in
 * bulk (PostgreSQL: COPY, beside a bare COPY of the same rows into an
 * unindexed table, the baseline; SQLite: INSERT in key order, indexes
 * and rollups after, beside the same INSERT into an unindexed table),
 * then the bytes each stored scan takes. bench/collector_pg.sh runs it.
 *
 * usage: bench_store DB THREADS BATCHES SCANS [PRELOAD]
 *   DB: a SQLite file, or a libpq connection string */
#include "bench_store.h"
#include "collector/collector.h"
#include "collector/pg_store.h"
#include "upload_batch.h"

#include <libpq-fe.h>
#include <pthread.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

typedef struct engine {
    const char *db;
    pg_store *pg;
    collector *sq;
} engine;

static void submit(engine *e, const char *body, size_t len,
                   collector_outcome *o)
{
    if (e->pg)
        pg_store_submit(e->pg, body, len, o);
    else
        collector_submit(e->sq, body, len, o);
}

typedef struct job {
    engine *e;
    char **bodies;
    size_t *lens;
    int n;
    double *lat;
    int errors;
} job;

static void *run(void *arg)
{
    job *j = arg;
    for (int i = 0; i < j->n; i++) {
        collector_outcome o;
        double t0 = now_s();
        submit(j->e, j->bodies[i], j->lens[i], &o);
        j->lat[i] = now_s() - t0;
        if (o.status != COLLECTOR_STORED) {
            if (!j->errors)
                fprintf(stderr, "submit: %s\n", o.message);
            j->errors++;
        }
    }
    return NULL;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int measure(const char *what, engine *e, int threads, int n, int scans,
                   char ***bodies, size_t **lens)
{
    job *jobs = calloc((size_t)threads, sizeof *jobs);
    pthread_t *th = calloc((size_t)threads, sizeof *th);
    double *all = calloc((size_t)threads * (size_t)n, sizeof *all);
    if (!jobs || !th || !all)
        return -1;
    for (int t = 0; t < threads; t++)
        jobs[t] = (job){e, bodies[t], lens[t], n, all + (size_t)t * n, 0};
    double t0 = now_s();
    for (int t = 0; t < threads; t++)
        if (pthread_create(&th[t], NULL, run, &jobs[t]))
            return -1;
    int errors = 0;
    for (int t = 0; t < threads; t++) {
        pthread_join(th[t], NULL);
        errors += jobs[t].errors;
    }
    double wall = now_s() - t0;
    size_t total = (size_t)threads * (size_t)n;
    qsort(all, total, sizeof *all, cmp_d);
    printf("%s batches %zu errors %d per_s %.0f scans_per_s %.0f p50_ms %.2f "
           "p99_ms %.2f\n",
           what, total, errors, (double)total / wall,
           (double)total * scans / wall, all[total / 2] * 1e3,
           all[(size_t)((double)total * 0.99)] * 1e3);
    fflush(stdout);
    free(jobs);
    free(th);
    free(all);
    return errors ? -1 : 0;
}

/* Batch i of thread t: scans with IDs from first, in the current month,
 * each a pack of its own (the serial mixes in the thread: kiosks that all
 * scanned the same packs made every label a clone suspect). */
static int build(const labels_seckey *sec, int t, int i, int scans, long first,
                 char **out, size_t *len)
{
    scan_record *r = calloc((size_t)scans, sizeof *r);
    if (!r)
        return -1;
    for (int s = 0; s < scans; s++) {
        long id = first + s;
        r[s].id = id;
        r[s].time = BASE_TIME + id;
        snprintf(r[s].verdict, sizeof r[s].verdict, "%s",
                 id % 50 ? "genuine" : "forged");
        snprintf(r[s].product, sizeof r[s].product, "HN-%04ld", id % 1000);
        snprintf(r[s].key_id, sizeof r[s].key_id, "0123456789ABCDEF");
        snprintf(r[s].lot, sizeof r[s].lot, "L%ld", id % 9);
        r[s].serial = (uint32_t)(id * 7 + i) + (uint32_t)t * 10000000u;
        scan_log_hash_text((const char *)&id, sizeof id, r[s].text_hash);
    }
    uint8_t bid[UPLOAD_BATCH_ID_BYTES];
    randombytes_buf(bid, sizeof bid);
    int rc =
        upload_batch_build(sec, bid, BASE_TIME, r, (size_t)scans, out, len);
    free(r);
    return rc;
}

/* The SQLite bulk load (bench_store_sqlite.c) needs the file to itself:
 * the collector is closed for it and opened again after, with its own
 * settings (WAL, synchronous=FULL). */
static int preload_sqlite(engine *e, long long n, const char *df_path,
                          double keep_gb)
{
    collector_close(e->sq);
    e->sq = NULL;
    int rc = preload_sqlite_bulk(e->db, n, df_path, keep_gb);
    char err[300];
    if (collector_open(e->db, &e->sq, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    return rc;
}

/* Every submitted scan stored exactly once: the scans from BASE_TIME on
 * (the preload is the year before), counted before and after a round. */
static long long stored_now(engine *e)
{
    long long got = -1;
    if (e->pg) {
        PGconn *db = PQconnectdb(e->db);
        PGresult *r = PQexec(db, "SELECT count(*) FROM collector.scans "
                                 "WHERE time >= 1790000000");
        if (r && PQresultStatus(r) == PGRES_TUPLES_OK)
            got = atoll(PQgetvalue(r, 0, 0));
        PQclear(r);
        PQfinish(db);
    } else {
        sqlite3 *db;
        sqlite3_stmt *st;
        if (sqlite3_open(e->db, &db) == SQLITE_OK &&
            sqlite3_prepare_v2(db,
                               "SELECT count(*) FROM scans "
                               "WHERE time >= 1790000000",
                               -1, &st, NULL) == SQLITE_OK) {
            if (sqlite3_step(st) == SQLITE_ROW)
                got = sqlite3_column_int64(st, 0);
            sqlite3_finalize(st);
        }
        sqlite3_close(db);
    }
    return got;
}

/* The round's scans are new: stored_now must grow by exactly as many. */
static int count_check(engine *e, const char *what, long long before,
                       long long want)
{
    long long got = stored_now(e) - before;
    printf("%s stored %lld of %lld sent: %s\n", what, got, want,
           got == want ? "each once" : "WRONG");
    fflush(stdout);
    return got == want ? 0 : -1;
}

/* Bytes per stored scan: tables and indexes over the scan count. */
static void sizes(engine *e)
{
    if (e->pg) {
        PGconn *db = PQconnectdb(e->db);
        PGresult *r = PQexec(
            db, "SELECT (SELECT count(*) FROM collector.scans),"
                " (SELECT sum(pg_table_size(inhrelid)) FROM pg_inherits"
                "   WHERE inhparent = 'collector.scans'::regclass),"
                " (SELECT sum(pg_indexes_size(inhrelid)) FROM pg_inherits"
                "   WHERE inhparent = 'collector.scans'::regclass),"
                " pg_total_relation_size('collector.daily_verdicts')"
                " + pg_total_relation_size('collector.daily_products'),"
                " pg_total_relation_size('collector.daily_labels')"
                " + pg_total_relation_size('collector.label_first')"
                " + pg_total_relation_size('collector.label_repeats'),"
                " pg_total_relation_size('collector.batches'),"
                " pg_total_relation_size('collector.daily_kiosks'),"
                " pg_database_size(current_database())");
        if (r && PQresultStatus(r) == PGRES_TUPLES_OK) {
            double n = atof(PQgetvalue(r, 0, 0));
            printf("bytes_per_scan scans_table %.0f scans_indexes %.0f "
                   "verdicts_products %.1f labels %.0f batches %.1f "
                   "daily_kiosks %.2f whole_database %.0f (%.0f scans)\n",
                   atof(PQgetvalue(r, 0, 1)) / n, atof(PQgetvalue(r, 0, 2)) / n,
                   atof(PQgetvalue(r, 0, 3)) / n, atof(PQgetvalue(r, 0, 4)) / n,
                   atof(PQgetvalue(r, 0, 5)) / n, atof(PQgetvalue(r, 0, 6)) / n,
                   atof(PQgetvalue(r, 0, 7)) / n, n);
        }
        PQclear(r);
        PQfinish(db);
        return;
    }
    sqlite3 *db;
    sqlite3_stmt *st;
    if (sqlite3_open(e->db, &db) == SQLITE_OK &&
        sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL) ==
            SQLITE_OK &&
        sqlite3_prepare_v2(db,
                           "SELECT (SELECT count(*) FROM scans), "
                           "(SELECT page_count FROM pragma_page_count()) * "
                           "(SELECT page_size FROM pragma_page_size())",
                           -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
        double n = (double)sqlite3_column_int64(st, 0);
        printf("bytes_per_scan whole_file %.0f (%.0f scans)\n",
               (double)sqlite3_column_int64(st, 1) / n, n);
        sqlite3_finalize(st);
        /* The table and its indexes apart, where SQLite has dbstat. */
        if (n > 0 && sqlite3_prepare_v2(
                         db,
                         "SELECT sum(pgsize) FILTER (WHERE name = 'scans'), "
                         "sum(pgsize) FILTER (WHERE name LIKE 'scans\\_%' "
                         "ESCAPE '\\'), sum(pgsize) FILTER (WHERE name LIKE "
                         "'kiosk\\_%' ESCAPE '\\'), "
                         "sum(pgsize) FILTER (WHERE name = 'batches') "
                         "FROM dbstat",
                         -1, &st, NULL) == SQLITE_OK) {
            /* The fleet's rollups: kiosk_days and kiosk_contact. */
            if (sqlite3_step(st) == SQLITE_ROW)
                printf("bytes_per_scan scans_table %.0f scans_indexes %.0f "
                       "kiosk_rollups %.2f batches %.2f\n",
                       (double)sqlite3_column_int64(st, 0) / n,
                       (double)sqlite3_column_int64(st, 1) / n,
                       (double)sqlite3_column_int64(st, 2) / n,
                       (double)sqlite3_column_int64(st, 3) / n);
            sqlite3_finalize(st);
        }
    }
    sqlite3_close(db);
}

int main(int argc, char **argv)
{
    if (argc < 5 || argc > 6) {
        fputs("usage: bench_store DB THREADS BATCHES SCANS [PRELOAD]\n",
              stderr);
        return 2;
    }
    engine e = {argv[1], NULL, NULL};
    int threads = atoi(argv[2]), n = atoi(argv[3]), scans = atoi(argv[4]);
    long long preload = argc == 6 ? atoll(argv[5]) : 0;
    if (threads < 1 || n < 1 || scans < 1 || scans > UPLOAD_BATCH_MAX_SCANS ||
        preload < 0 || labels_init() != LABELS_OK)
        return 2;
    char err[300];
    int rc = pg_store_is_conninfo(e.db)
                 ? pg_store_open(e.db, &e.pg, err, sizeof err)
                 : collector_open(e.db, &e.sq, err, sizeof err);
    if (rc) {
        fprintf(stderr, "%s\n", err);
        return 3;
    }
    printf("engine %s threads %d batches_per_thread %d scans_per_batch %d\n",
           e.pg ? "postgresql" : "sqlite", threads, n, scans);
    /* One kiosk per thread; two rounds of batches, before and after the
     * preload, with new scan IDs each. */
    char ***bodies[2];
    size_t **lens[2];
    for (int round = 0; round < 2; round++) {
        bodies[round] = calloc((size_t)threads, sizeof **bodies);
        lens[round] = calloc((size_t)threads, sizeof **lens);
        if (!bodies[round] || !lens[round])
            return 3;
    }
    for (int t = 0; t < threads; t++) {
        labels_pubkey pub;
        labels_seckey sec;
        if (labels_keygen(&pub, &sec) != LABELS_OK)
            return 3;
        rc = e.pg ? pg_store_enroll(e.pg, &pub, 1, "bench", "bench", err,
                                    sizeof err)
                  : collector_enroll(e.sq, &pub, 1, "bench", "bench", err,
                                     sizeof err);
        if (rc) {
            fprintf(stderr, "%s\n", err);
            return 3;
        }
        for (int round = 0; round < 2; round++) {
            bodies[round][t] = calloc((size_t)n, sizeof ***bodies);
            lens[round][t] = calloc((size_t)n, sizeof ***lens);
            if (!bodies[round][t] || !lens[round][t])
                return 3;
            for (int i = 0; i < n; i++)
                if (build(&sec, t, i, scans,
                          1 + ((long)round * n + i) * (long)scans,
                          &bodies[round][t][i], &lens[round][t][i]))
                    return 3;
        }
        labels_seckey_wipe(&sec);
    }
    long long round_scans = (long long)threads * n * scans;
    long long before = stored_now(&e);
    int bad = measure("empty", &e, threads, n, scans, bodies[0], lens[0]) ||
              count_check(&e, "empty", before, round_scans);
    if (preload) {
        /* The free space kept for the rest of the machine's work. */
        const char *df = getenv("BENCH_DF_PATH"),
                   *keep = getenv("BENCH_KEEP_GB");
        long long loaded;
        if (e.pg ? preload_pg(e.db, preload, df ? df : "/",
                              keep ? atof(keep) : 12, &loaded)
                 : preload_sqlite(&e, preload, df ? df : "/",
                                  keep ? atof(keep) : 12))
            bad = -1;
        before = stored_now(&e);
        if (bad ||
            measure("loaded", &e, threads, n, scans, bodies[1], lens[1]) ||
            count_check(&e, "loaded", before, round_scans))
            bad = -1;
    }
    sizes(&e);
    for (int round = 0; round < 2; round++) {
        for (int t = 0; t < threads; t++) {
            for (int i = 0; i < n; i++)
                free(bodies[round][t][i]);
            free(bodies[round][t]);
            free(lens[round][t]);
        }
        free(bodies[round]);
        free(lens[round]);
    }
    if (e.pg)
        pg_store_close(e.pg);
    else
        collector_close(e.sq);
    return bad ? 1 : 0;
}
