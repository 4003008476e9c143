/* bench_store.c -- the collector's two engines measured the same way,
 * below HTTP: batches per second and latency percentiles of
 * collector_submit / pg_store_submit from concurrent threads (one kiosk
 * each), on an empty store and again after PRELOAD scans were loaded in
 * bulk (PostgreSQL: COPY, beside a bare COPY of the same rows into an
 * unindexed table, the baseline; SQLite: one prepared INSERT), then the
 * bytes each stored scan takes. bench/collector_pg.sh runs it.
 *
 * usage: bench_store DB THREADS BATCHES SCANS [PRELOAD]
 *   DB: a SQLite file, or a libpq connection string */
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

#define BASE_TIME 1790000000 /* 2026-09-21 */
#define PRE_KIOSKS 3000
#define PRE_SCANS_PER_DAY 300

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

/* Batch i of thread t: scans with IDs from first, in the current month. */
static int build(const labels_seckey *sec, int i, int scans, long first,
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
        r[s].serial = (uint32_t)(id * 7 + i);
        scan_log_hash_text((const char *)&id, sizeof id, r[s].text_hash);
    }
    uint8_t bid[UPLOAD_BATCH_ID_BYTES];
    randombytes_buf(bid, sizeof bid);
    int rc =
        upload_batch_build(sec, bid, BASE_TIME, r, (size_t)scans, out, len);
    free(r);
    return rc;
}

/* One preloaded scan, i of n, as the COPY text line or the fields. */
typedef struct pre {
    char kiosk[17], verdict[16], product[16], signer[17], lot[8], hash[33];
    long long id, time, serial;
} pre;

static void pre_row(long long i, long long n, pre *p)
{
    /* As in a deployment: about 300 scans per kiosk and day over the
     * year, so the rollups group as they would. */
    long long kiosks = n / (365LL * PRE_SCANS_PER_DAY);
    if (kiosks < 1)
        kiosks = 1;
    if (kiosks > PRE_KIOSKS)
        kiosks = PRE_KIOSKS;
    long long k = i % kiosks;
    snprintf(p->kiosk, sizeof p->kiosk, "E%015llX", k);
    p->id = i / kiosks + 1;
    /* A year before BASE_TIME, in order. */
    p->time = BASE_TIME - 365LL * 86400 + i * (365LL * 86400) / n;
    snprintf(p->verdict, sizeof p->verdict, "%s",
             i % 50 == 0   ? "forged"
             : i % 97 == 0 ? "unknown_signer"
                           : "genuine");
    /* 3000 products, a few of them far more scanned than the rest. */
    long long h = i * 2654435761LL % 9000000;
    snprintf(p->product, sizeof p->product, "HN-%04lld",
             (h % 3000) * (h / 3000) / 3000);
    snprintf(p->signer, sizeof p->signer, "A1B2C3D4E5F6%04llX", i % 50);
    snprintf(p->lot, sizeof p->lot, "L%lld", i % 20);
    p->serial = i % 4000000000LL + 1;
    snprintf(p->hash, sizeof p->hash, "%032llx", i * 2654435761LL);
}

static int pg_ok(PGresult *r, PGconn *db, const char *what)
{
    int ok = r && (PQresultStatus(r) == PGRES_COMMAND_OK ||
                   PQresultStatus(r) == PGRES_TUPLES_OK);
    if (!ok)
        fprintf(stderr, "%s: %s", what, PQerrorMessage(db));
    PQclear(r);
    return ok;
}

static int pg_copy(PGconn *db, const char *table, long long n)
{
    char sql[256];
    snprintf(sql, sizeof sql,
             "COPY %s (kiosk, scan_id, time, verdict, product, signer, lot, "
             "serial, text_hash, stale, batch_id, received) FROM STDIN",
             table);
    PGresult *r = PQexec(db, sql);
    if (!r || PQresultStatus(r) != PGRES_COPY_IN) {
        fprintf(stderr, "copy: %s", PQerrorMessage(db));
        PQclear(r);
        return -1;
    }
    PQclear(r);
    size_t cap = 1 << 20, used = 0;
    char *buf = malloc(cap);
    if (!buf)
        return -1;
    for (long long i = 0; i < n; i++) {
        pre p;
        pre_row(i, n, &p);
        int w = snprintf(buf + used, cap - used,
                         "%s\t%lld\t%lld\t%s\t%s\t%s\t%s\t%lld\t%s\t0\t"
                         "preload\t%lld\n",
                         p.kiosk, p.id, p.time, p.verdict, p.product, p.signer,
                         p.lot, p.serial, p.hash, p.time);
        if (w < 0 || (size_t)w >= cap - used) {
            if (PQputCopyData(db, buf, (int)used) != 1) {
                free(buf);
                return -1;
            }
            used = 0;
            i--;
            continue;
        }
        used += (size_t)w;
    }
    int ok =
        PQputCopyData(db, buf, (int)used) == 1 && PQputCopyEnd(db, NULL) == 1;
    free(buf);
    return ok && pg_ok(PQgetResult(db), db, "copy") ? 0 : -1;
}

/* The verdicts of collector_signed_verdicts, for the label rollups. */
#define PRE_SIGNED                                                             \
    "('genuine','rating_changed','expired','suspended','revoked',"             \
    "'clone_reported','wrong_host')"

static int preload_pg(engine *e, long long n)
{
    PGconn *db = PQconnectdb(e->db);
    if (PQstatus(db) != CONNECTION_OK) {
        fprintf(stderr, "%s", PQerrorMessage(db));
        PQfinish(db);
        return -1;
    }
    /* The baseline: the same rows into a table without index. */
    double t0 = now_s();
    if (!pg_ok(PQexec(db, "CREATE TABLE bench_copy (LIKE collector.scans)"), db,
               "baseline table") ||
        pg_copy(db, "bench_copy", n))
        return -1;
    double bare = now_s() - t0;
    if (!pg_ok(PQexec(db, "DROP TABLE bench_copy"), db, "drop baseline"))
        return -1;
    /* The months the rows need, then the rows, then their rollups. */
    t0 = now_s();
    for (long long t = BASE_TIME - 366LL * 86400; t <= BASE_TIME + 86400 * 40;
         t += 86400 * 28) {
        time_t tt = (time_t)t;
        struct tm tm;
        char sql[96];
        gmtime_r(&tt, &tm);
        snprintf(sql, sizeof sql, "SELECT collector.scans_month(%d, %d)",
                 tm.tm_year + 1900, tm.tm_mon + 1);
        if (!pg_ok(PQexec(db, sql), db, "month"))
            return -1;
    }
    if (pg_copy(db, "collector.scans", n))
        return -1;
    double copied = now_s() - t0;
    if (!pg_ok(PQexec(db,
                      "INSERT INTO collector.daily_verdicts AS r "
                      "SELECT time / 86400 + (time % 86400 + 25200) / 86400, "
                      "kiosk, product, verdict, count(*) FROM collector.scans "
                      "WHERE batch_id = 'preload' AND verdict IN "
                      "('rating_changed', 'expired') GROUP BY 1, 2, 3, 4 "
                      "ON CONFLICT (day, kiosk, product, verdict) DO UPDATE "
                      "SET scans = r.scans + excluded.scans"),
               db, "verdict rollup") ||
        !pg_ok(PQexec(db,
                      "INSERT INTO collector.daily_products AS r "
                      "SELECT time / 86400 + (time % 86400 + 25200) / 86400, "
                      "product, verdict, count(*) FROM collector.scans "
                      "WHERE batch_id = 'preload' GROUP BY 1, 2, 3 "
                      "ON CONFLICT (day, product, verdict) DO UPDATE "
                      "SET scans = r.scans + excluded.scans"),
               db, "product rollup") ||
        !pg_ok(PQexec(db,
                      "INSERT INTO collector.daily_kiosks AS r "
                      "SELECT time / 86400 + (time % 86400 + 25200) / 86400, "
                      "kiosk, verdict, count(*) FROM collector.scans "
                      "WHERE batch_id = 'preload' GROUP BY 1, 2, 3 "
                      "ON CONFLICT (day, kiosk, verdict) DO UPDATE "
                      "SET scans = r.scans + excluded.scans"),
               db, "kiosk rollup") ||
        !pg_ok(PQexec(db, "INSERT INTO collector.label_first "
                          "SELECT DISTINCT ON (signer, product, lot, serial) "
                          "signer, product, lot, serial, kiosk, scan_id, time "
                          "FROM collector.scans WHERE batch_id = 'preload' AND "
                          "serial > 0 AND verdict IN " PRE_SIGNED " ORDER BY "
                          "signer, product, lot, serial, time, kiosk, scan_id "
                          "ON CONFLICT DO NOTHING"),
               db, "first sightings") ||
        !pg_ok(
            PQexec(
                db,
                "INSERT INTO collector.daily_labels AS r "
                "SELECT signer, product, lot, serial, time / 86400 + "
                "(time % 86400 + 25200) / 86400, kiosk, count(*), "
                "min(time), max(time) FROM collector.scans s WHERE "
                "batch_id = 'preload' AND serial > 0 AND verdict IN " PRE_SIGNED
                " AND NOT EXISTS (SELECT 1 FROM "
                "collector.label_first f WHERE f.kiosk = s.kiosk AND "
                "f.scan_id = s.scan_id AND f.time = s.time) "
                "GROUP BY 1, 2, 3, 4, 5, 6 "
                "ON CONFLICT (signer, product, lot, serial, day, kiosk) "
                "DO UPDATE SET scans = r.scans + excluded.scans"),
            db, "label rollup") ||
        !pg_ok(PQexec(db, "VACUUM ANALYZE"), db, "vacuum"))
        return -1;
    double total = now_s() - t0;
    printf("preload rows %lld bare_copy_s %.1f bare_copy_rows_per_s %.0f "
           "copy_s %.1f copy_rows_per_s %.0f with_rollups_s %.1f\n",
           n, bare, n / bare, copied, n / copied, total);
    fflush(stdout);
    PQfinish(db);
    return 0;
}

static int preload_sqlite(engine *e, long long n)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    if (sqlite3_open(e->db, &db) != SQLITE_OK ||
        sqlite3_exec(db, "PRAGMA busy_timeout=60000", NULL, NULL, NULL) ||
        sqlite3_prepare_v2(db,
                           "INSERT INTO scans VALUES "
                           "(?,?,?,?,?,?,?,?,?,0,'preload',?)",
                           -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "preload: %s\n", sqlite3_errmsg(db));
        return -1;
    }
    double t0 = now_s();
    for (long long i = 0; i < n; i++) {
        if (i % 100000 == 0 &&
            sqlite3_exec(db, i ? "COMMIT; BEGIN" : "BEGIN", NULL, NULL, NULL))
            return -1;
        /* How far a long load got, and how fast it goes there. */
        if (i && i % 1000000 == 0) {
            printf("preload progress rows %lld s %.0f rows_per_s %.0f\n", i,
                   now_s() - t0, i / (now_s() - t0));
            fflush(stdout);
        }
        pre p;
        pre_row(i, n, &p);
        sqlite3_bind_text(st, 1, p.kiosk, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, p.id);
        sqlite3_bind_int64(st, 3, p.time);
        sqlite3_bind_text(st, 4, p.verdict, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, p.product, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, p.signer, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 7, p.lot, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 8, p.serial);
        sqlite3_bind_text(st, 9, p.hash, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 10, p.time);
        if (sqlite3_step(st) != SQLITE_DONE) {
            fprintf(stderr, "preload: %s\n", sqlite3_errmsg(db));
            return -1;
        }
        sqlite3_reset(st);
    }
    if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL))
        return -1;
    double s = now_s() - t0;
    printf("preload rows %lld insert_s %.1f rows_per_s %.0f\n", n, s, n / s);
    fflush(stdout);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return 0;
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
                " + pg_total_relation_size('collector.label_first'),"
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
                         "ESCAPE '\\') FROM dbstat",
                         -1, &st, NULL) == SQLITE_OK) {
            if (sqlite3_step(st) == SQLITE_ROW)
                printf("bytes_per_scan scans_table %.0f scans_indexes %.0f\n",
                       (double)sqlite3_column_int64(st, 0) / n,
                       (double)sqlite3_column_int64(st, 1) / n);
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
                if (build(&sec, i, scans,
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
        if (e.pg ? preload_pg(&e, preload) : preload_sqlite(&e, preload))
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
