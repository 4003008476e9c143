/* bench_store_sqlite.c -- the preloaded year of bench_store into the SQLite
 * collector the way a bulk load is done: the scans table without its
 * secondary indexes, the rows inserted in primary-key order (kiosk, scan
 * ID: each kiosk's rows appended at the end of its part of the B-tree),
 * the four indexes built once, then the rollups the batches would have
 * made (kiosk_days, kiosk_contact) by INSERT ... SELECT ... GROUP BY, and
 * a check that they equal the raw scans. Beside it, the baseline: the
 * same rows through the same INSERT into a table without any key, in a
 * file of its own, in the same run.
 *
 * Bench-only shortcut: the load runs with journal_mode=OFF and
 * synchronous=OFF (a crash in the middle leaves a broken file, which a
 * benchmark may throw away and a deployment may not); the file is set
 * back to WAL at the end, and the collector, opened again by the caller,
 * sets synchronous=FULL itself. */
#include "bench_store.h"
#include "collector/collector.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#define SQ_INDEXES_MAX 8

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int sq_exec(sqlite3 *db, const char *what, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK)
        return 0;
    fprintf(stderr, "preload %s: %s\n", what, msg ? msg : "?");
    sqlite3_free(msg);
    return -1;
}

/* The bench's connection: the whole file to itself, no journal, no
 * sync, a 1 GB page cache (also what CREATE INDEX sorts in before it
 * spills to temporary files), one helper thread for those sorts. */
static int sq_open_bulk(const char *path, sqlite3 **db)
{
    if (sqlite3_open(path, db) != SQLITE_OK) {
        fprintf(stderr, "preload %s: %s\n", path, sqlite3_errmsg(*db));
        return -1;
    }
    return sq_exec(*db, "pragmas",
                   "PRAGMA busy_timeout=60000; PRAGMA journal_mode=OFF;"
                   "PRAGMA synchronous=OFF; PRAGMA cache_size=-1048576;"
                   "PRAGMA threads=1");
}

/* One int64 of a query with no parameters, or -1. */
static long long sq_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    long long v = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "preload: %s\n", sqlite3_errmsg(db));
        return -1;
    }
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* Rows [0, n) into table through one prepared INSERT, kiosk by kiosk in
 * scan ID order (the collector's primary key), a transaction per
 * million rows; prints its progress. */
static int insert_rows(sqlite3 *db, const char *table, long long n)
{
    char sql[160];
    sqlite3_stmt *st;
    snprintf(sql, sizeof sql,
             "INSERT INTO %s VALUES (?,?,?,?,?,?,?,?,?,0,'preload',?)", table);
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "preload: %s\n", sqlite3_errmsg(db));
        return -1;
    }
    long long kiosks = pre_kiosks(n), done = 0;
    double t0 = now_s();
    int bad = sq_exec(db, "begin", "BEGIN");
    for (long long k = 0; !bad && k < kiosks; k++) {
        for (long long i = k; !bad && i < n; i += kiosks) {
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
                bad = 1;
            }
            sqlite3_reset(st);
            if (!bad && ++done % 1000000 == 0) {
                bad = sq_exec(db, "commit", "COMMIT; BEGIN");
                printf("preload progress %s rows %lld s %.0f\n", table, done,
                       now_s() - t0);
                fflush(stdout);
            }
        }
    }
    sqlite3_finalize(st);
    return bad || sq_exec(db, "commit", "COMMIT") ? -1 : 0;
}

/* The baseline: the same rows, same order, same INSERT, into a table
 * with no key at all in a file of its own (so it leaves nothing in the
 * measured file), removed after. Its seconds, or -1. */
static double bare_insert(const char *path, long long n)
{
    char bare[4096];
    if (snprintf(bare, sizeof bare, "%s-bare", path) >= (int)sizeof bare)
        return -1;
    sqlite3 *db;
    double t0 = now_s();
    int bad = sq_open_bulk(bare, &db) ||
              sq_exec(db, "bare table",
                      "CREATE TABLE bare (kiosk TEXT, scan_id INTEGER, "
                      "time INTEGER, verdict TEXT, product TEXT, signer "
                      "TEXT, lot TEXT, serial INTEGER, text_hash TEXT, "
                      "stale INTEGER, batch_id TEXT, received INTEGER)") ||
              insert_rows(db, "bare", n);
    double s = now_s() - t0;
    sqlite3_close(db);
    if (unlink(bare))
        bad = 1;
    return bad ? -1 : s;
}

/* The secondary indexes of scans, as the collector made them: their SQL
 * kept, then dropped. Returns how many, or -1. */
static int drop_indexes(sqlite3 *db, char *sql[SQ_INDEXES_MAX])
{
    sqlite3_stmt *st;
    int n = 0, bad = 0;
    if (sqlite3_prepare_v2(db,
                           "SELECT name, sql FROM sqlite_master WHERE type = "
                           "'index' AND tbl_name = 'scans' AND sql IS NOT "
                           "NULL ORDER BY name",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    char drop[SQ_INDEXES_MAX][128];
    while (!bad && sqlite3_step(st) == SQLITE_ROW) {
        if (n == SQ_INDEXES_MAX) {
            bad = 1;
            break;
        }
        sql[n] = strdup((const char *)sqlite3_column_text(st, 1));
        snprintf(drop[n], sizeof drop[n], "DROP INDEX %s",
                 (const char *)sqlite3_column_text(st, 0));
        bad = !sql[n++];
    }
    sqlite3_finalize(st);
    for (int i = 0; !bad && i < n; i++)
        bad = sq_exec(db, "drop index", drop[i]);
    return bad ? -1 : n;
}

/* The rollups a stored batch updates (collector.c: day_put, contact_put),
 * from the preloaded rows: scans per kiosk and Vietnam day, and each
 * kiosk's last contact (its last batch received). */
static int rollups(sqlite3 *db)
{
    return sq_exec(db, "kiosk_days",
                   "INSERT INTO kiosk_days SELECT kiosk, " COLLECTOR_VN_DAY_SQL(
                       "time") ", count(*) FROM scans WHERE batch_id = "
                               "'preload' GROUP BY 1, 2 ON CONFLICT (kiosk, "
                               "day) DO UPDATE SET scans = scans + "
                               "excluded.scans") ||
           sq_exec(db, "kiosk_contact",
                   "INSERT INTO kiosk_contact (key_id, last_contact) SELECT "
                   "kiosk, max(received) FROM scans WHERE batch_id = "
                   "'preload' GROUP BY 1 ON CONFLICT (key_id) DO UPDATE SET "
                   "last_contact = max(last_contact, excluded.last_contact)");
}

/* kiosk_days against the raw scans, both ways (the test of the fleet's
 * migration builds it by the same GROUP BY): rows that differ, or -1. */
static long long rollup_diff(sqlite3 *db)
{
    return sq_int(db, "WITH raw AS (SELECT kiosk, " COLLECTOR_VN_DAY_SQL(
                          "time") " AS day, count(*) AS scans FROM scans "
                                  "GROUP BY 1, 2) SELECT (SELECT count(*) "
                                  "FROM (SELECT * FROM raw EXCEPT SELECT * "
                                  "FROM kiosk_days)) + (SELECT count(*) FROM "
                                  "(SELECT * FROM kiosk_days EXCEPT SELECT * "
                                  "FROM raw))");
}

/* Enough room for the bare copy, the rows and the index sorts, at some
 * 700 bytes a row, with keep_gb left over? */
static int room(const char *df_path, double keep_gb, long long n)
{
    struct statvfs v;
    if (statvfs(df_path, &v))
        return 0;
    double left = (double)v.f_bavail * (double)v.f_frsize / 1e9;
    double need = (double)n * 700 / 1e9;
    printf("preload disk free_gb %.1f need_gb %.1f keep_gb %.0f\n", left, need,
           keep_gb);
    return left - need >= keep_gb;
}

/* The preload's kiosks, enrolled in 63 provinces like PostgreSQL's, so
 * the reports place their scans as a deployment's. */
static int enroll(sqlite3 *db, long long n)
{
    char sql[512];
    snprintf(sql, sizeof sql,
             "WITH RECURSIVE k(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM k "
             "WHERE k < %lld) INSERT OR IGNORE INTO kiosks SELECT "
             "printf('E%%015X', k), 'bench', printf('Tỉnh %%02d', k %% 63), "
             "'shop ' || k, '2025-08-01T00:00:00Z', NULL FROM k",
             pre_kiosks(n) - 1);
    return sq_exec(db, "kiosks", sql);
}

int preload_sqlite_bulk(const char *path, long long n, const char *df_path,
                        double keep_gb)
{
    if (!room(df_path, keep_gb, n)) {
        printf("preload stopped: %lld rows would leave less than %.0f GB "
               "free on %s\n",
               n, keep_gb, df_path);
        return -1;
    }
    double bare = bare_insert(path, n);
    if (bare < 0)
        return -1;
    sqlite3 *db;
    char *sql[SQ_INDEXES_MAX] = {NULL};
    double t[6];
    t[0] = now_s();
    int nidx = -1, bad = sq_open_bulk(path, &db) || enroll(db, n) ||
                         (nidx = drop_indexes(db, sql)) < 0 ||
                         insert_rows(db, "scans", n);
    t[1] = now_s();
    for (int i = 0; !bad && i < nidx; i++) {
        double s = now_s();
        bad = sq_exec(db, "index", sql[i]);
        /* "CREATE INDEX name ON ...": the name, for the log. */
        printf("preload index %.*s %.1f s\n", (int)strcspn(sql[i] + 13, " "),
               sql[i] + 13, now_s() - s);
        fflush(stdout);
    }
    t[2] = now_s();
    bad = bad || rollups(db);
    t[3] = now_s();
    long long diff = bad ? -1 : rollup_diff(db);
    t[4] = now_s();
    /* Every index entry against its row: affordable up to a million. */
    if (!bad && n <= 1000000)
        printf("preload integrity_check %s\n",
               sq_int(db, "SELECT count(*) FROM pragma_integrity_check "
                          "WHERE integrity_check != 'ok'") == 0
                   ? "ok"
                   : "FAILED");
    t[5] = now_s();
    bad = bad || diff != 0 || sq_exec(db, "wal", "PRAGMA journal_mode=WAL");
    for (int i = 0; i < SQ_INDEXES_MAX; i++)
        free(sql[i]);
    if (sqlite3_close(db) != SQLITE_OK)
        bad = 1;
    double total = t[3] - t[0];
    printf("preload rollups %s (kiosk_days against the raw scans: %lld rows "
           "differ, checked in %.1f s)\n",
           diff == 0 ? "match" : "WRONG", diff, t[4] - t[3]);
    if (!bad)
        printf("preload rows %lld bare_insert_s %.1f bare_rows_per_s %.0f "
               "insert_s %.1f insert_rows_per_s %.0f (%.2f x the bare "
               "insert) indexes_s %.1f rollups_s %.1f total_s %.1f "
               "total_rows_per_s %.0f (%.2f x the bare insert)\n",
               n, bare, n / bare, t[1] - t[0], n / (t[1] - t[0]),
               bare / (t[1] - t[0]), t[2] - t[1], t[3] - t[2], total, n / total,
               bare / total);
    fflush(stdout);
    return bad ? -1 : 0;
}
