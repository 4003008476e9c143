/* test_collector_pg.c -- the PostgreSQL collector (host/collector/pg_store.c)
 * against a private cluster (tests/collector_pg.sh starts it and passes
 * PG_CONN): exactly once under concurrent uploads through two stores,
 * replays, conflicts, refusals, month partitions, rollups equal to the
 * raw scans, retention, and the copy of a SQLite collector. */
/* cmocka.h needs these first. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include "collector/collector.h"
#include "collector/pg_store.h"
#include "upload_batch.h"

#include <libpq-fe.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define NKIOSK 3
static labels_pubkey pub[NKIOSK];
static labels_seckey sec[NKIOSK];
static const char *conninfo;
static PGconn *admin; /* for the checks */

/* ---- Helpers ------------------------------------------------------------ */

static long long q(const char *sql)
{
    PGresult *r = PQexec(admin, sql);
    if (!r || PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) < 1)
        fail_msg("%s: %s", sql, PQerrorMessage(admin));
    long long v = atoll(PQgetvalue(r, 0, 0));
    PQclear(r);
    return v;
}

static int64_t ts(int y, int m, int d)
{
    struct tm tm = {
        .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = 12};
    return (int64_t)timegm(&tm);
}

/* A fresh, empty schema for each test. */
static int setup(void **state)
{
    (void)state;
    PGresult *r = PQexec(admin, "SET client_min_messages = warning;"
                                "DROP SCHEMA IF EXISTS collector CASCADE");
    int ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    return ok ? 0 : -1;
}

static pg_store *open_store(void)
{
    pg_store *ps;
    char err[300];
    if (pg_store_open(conninfo, &ps, err, sizeof err))
        fail_msg("%s", err);
    return ps;
}

static void enroll(pg_store *ps, int k, const char *province)
{
    char err[300];
    if (pg_store_enroll(ps, &pub[k], 1, province, "shop", err, sizeof err))
        fail_msg("%s", err);
}

/* n scans of kiosk k, IDs first.., scan ID x at base + x * step (so a
 * scan sent again in another batch has its time); every fourth forged,
 * of the rest every fifth expired (a verdict daily_verdicts keeps per
 * kiosk), the others genuine, serials from the ID. */
static char *batch(int k, int id_byte, int64_t first, int n, int64_t base,
                   int64_t step, size_t *len)
{
    scan_record *r = calloc((size_t)n, sizeof *r);
    assert_non_null(r);
    for (int i = 0; i < n; i++) {
        r[i].id = first + i;
        r[i].time = base + (first + i) * step;
        snprintf(r[i].verdict, sizeof r[i].verdict, "%s",
                 (first + i) % 4 == 0   ? "forged"
                 : (first + i) % 5 == 0 ? "expired"
                                        : "genuine");
        snprintf(r[i].product, sizeof r[i].product, "HN-%02d",
                 (int)((first + i) % 3));
        snprintf(r[i].key_id, sizeof r[i].key_id, "0123456789ABCDEF");
        snprintf(r[i].lot, sizeof r[i].lot, "L1");
        r[i].serial = (uint32_t)((first + i) % 7);
        scan_log_hash_text("x", 1, r[i].text_hash);
    }
    uint8_t id[UPLOAD_BATCH_ID_BYTES] = {(uint8_t)id_byte, (uint8_t)k, 7};
    char *out;
    assert_int_equal(
        upload_batch_build(&sec[k], id, 1790000000, r, (size_t)n, &out, len),
        0);
    free(r);
    return out;
}

static collector_status submit(pg_store *ps, const char *body, size_t len,
                               int *new_scans)
{
    collector_outcome o;
    pg_store_submit(ps, body, len, &o);
    if (new_scans)
        *new_scans = o.new_scans;
    return o.status;
}

/* Rows of one query not in the other's, either way. */
static long long rows_differ(const char *a, const char *b)
{
    char sql[2000];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM ((%s EXCEPT %s) UNION ALL (%s EXCEPT %s)) "
             "x",
             a, b, b, a);
    return q(sql);
}

/* Rollups equal the same counts computed over the raw scans, both ways. */
static void rollups_match(void)
{
    /* Schema 3: per kiosk and product only the verdicts reinspect reads,
     * every verdict per product without the kiosk. */
    assert_int_equal(
        q("SELECT count(*) FROM ("
          "(SELECT day, kiosk, product, verdict, scans FROM "
          "collector.daily_verdicts EXCEPT SELECT time / 86400 + "
          "(time % 86400 + 25200) / 86400, kiosk, product, verdict, "
          "count(*) FROM collector.scans WHERE verdict IN ('rating_changed',"
          " 'expired') GROUP BY 1, 2, 3, 4) UNION ALL "
          "(SELECT time / 86400 + (time % 86400 + 25200) / 86400, kiosk, "
          "product, verdict, count(*) FROM collector.scans WHERE verdict IN "
          "('rating_changed', 'expired') GROUP BY 1, 2, 3, 4 EXCEPT SELECT "
          "day, kiosk, product, verdict, scans FROM "
          "collector.daily_verdicts)) x"),
        0);
    assert_int_equal(
        q("SELECT count(*) FROM ("
          "(SELECT day, product, verdict, scans FROM collector.daily_products"
          " EXCEPT SELECT time / 86400 + (time % 86400 + 25200) / 86400, "
          "product, verdict, count(*) FROM collector.scans GROUP BY 1, 2, 3)"
          " UNION ALL (SELECT time / 86400 + (time % 86400 + 25200) / 86400,"
          " product, verdict, count(*) FROM collector.scans GROUP BY 1, 2, 3"
          " EXCEPT SELECT day, product, verdict, scans FROM "
          "collector.daily_products)) x"),
        0);
    assert_int_equal(
        q("SELECT count(*) FROM ("
          "(SELECT day, verdict, sum(scans) FROM collector.daily_kiosks "
          "GROUP BY 1, 2 EXCEPT SELECT day, verdict, sum(scans) FROM "
          "collector.daily_products GROUP BY 1, 2) UNION ALL "
          "(SELECT day, verdict, sum(scans) FROM "
          "collector.daily_products GROUP BY 1, 2 EXCEPT SELECT day, "
          "verdict, sum(scans) FROM collector.daily_kiosks GROUP BY 1, 2)) x"),
        0);
    const char *raw = "SELECT signer, product, lot, serial, time / 86400 + "
                      "(time % 86400 + 25200) / 86400, kiosk, count(*), "
                      "min(time), max(time) FROM collector.scans WHERE "
                      "serial > 0 AND verdict IN ('genuine', "
                      "'rating_changed', 'expired', 'suspended', "
                      "'revoked', 'clone_reported') GROUP BY 1, 2, 3, 4, "
                      "5, 6";
    /* A label's first sighting is kept apart (label_first), the later
     * ones in daily_labels: together they are the raw counts. */
    const char *roll =
        "SELECT signer, product, lot, serial, day, kiosk, sum(scans), "
        "min(first_time), max(last_time) FROM (SELECT signer, product, lot, "
        "serial, day, kiosk, scans, first_time, last_time FROM "
        "collector.daily_labels UNION ALL SELECT signer, product, lot, "
        "serial, time / 86400 + (time % 86400 + 25200) / 86400, kiosk, 1, "
        "time, time FROM collector.label_first) u GROUP BY 1, 2, 3, 4, 5, 6";
    assert_int_equal(rows_differ(raw, roll), 0);
    assert_true(q("SELECT count(*) FROM collector.daily_labels") > 0);
    /* Each later sighting knows the kiosk and time of the label's first
     * (both NULL only when a concurrent batch stored that first
     * meanwhile): the clone report takes them from here. */
    assert_int_equal(q("SELECT count(*) FROM collector.daily_labels d JOIN "
                       "collector.label_first f USING (signer, product, lot, "
                       "serial) WHERE d.first_kiosk <> f.kiosk OR "
                       "d.first_seen <> f.time"),
                     0);
    assert_int_equal(q("SELECT count(*) FROM collector.daily_labels WHERE "
                       "(first_kiosk IS NULL) <> (first_seen IS NULL)"),
                     0);
    /* Per repeated label, its later scans (label_repeats.scans) equal
     * the raw ones but the first, and those elsewhere than the first's
     * kiosk are counted (at least: a sighting whose first a concurrent
     * batch stored meanwhile counts as elsewhere); no other label. */
    const char *rawl = "SELECT signer, product, lot, serial, count(*) - 1 "
                       "FROM collector.scans WHERE serial > 0 AND verdict "
                       "IN ('genuine', 'rating_changed', 'expired', "
                       "'suspended', 'revoked', 'clone_reported', "
                       "'wrong_host') GROUP BY 1, 2, 3, 4 HAVING count(*) > 1";
    const char *rep = "SELECT signer, product, lot, serial, scans FROM "
                      "collector.label_repeats";
    assert_int_equal(rows_differ(rawl, rep), 0);
    assert_true(q("SELECT count(*) FROM collector.label_repeats") > 0);
    assert_int_equal(
        q("SELECT count(*) FROM collector.label_repeats r WHERE elsewhere > "
          "scans OR elsewhere < (SELECT count(*) FROM collector.scans s JOIN "
          "collector.label_first f USING (signer, product, lot, serial) "
          "WHERE s.signer = r.signer AND s.product = r.product AND s.lot = "
          "r.lot AND s.serial = r.serial AND s.kiosk <> f.kiosk AND "
          "s.verdict IN ('genuine', 'rating_changed', 'expired', "
          "'suspended', 'revoked', 'clone_reported', 'wrong_host'))"),
        0);
    /* Only repeated labels have later sightings. */
    assert_int_equal(q("SELECT count(*) FROM collector.daily_labels d WHERE "
                       "NOT EXISTS (SELECT 1 FROM collector.label_first f "
                       "WHERE (f.signer, f.product, f.lot, f.serial) = "
                       "(d.signer, d.product, d.lot, d.serial))"),
                     0);
}

/* ---- Tests -------------------------------------------------------------- */

static void conninfo_detection(void **state)
{
    (void)state;
    assert_true(pg_store_is_conninfo("postgresql://u@h/db"));
    assert_true(pg_store_is_conninfo("postgres:///ocop"));
    assert_true(pg_store_is_conninfo("host=/tmp port=5 dbname=x"));
    assert_true(pg_store_is_conninfo("dbname=ocop"));
    assert_false(pg_store_is_conninfo("collector.db"));
    assert_false(pg_store_is_conninfo("/srv/ocop/collector.db"));
    assert_false(pg_store_is_conninfo("/srv/dbname=x/collector.db"));
    assert_false(pg_store_is_conninfo(""));
}

static int count_kiosk(void *ctx, const collector_kiosk *k)
{
    char *seen = ctx;
    size_t n = strlen(seen);
    snprintf(seen + n, 200 - n, "%s:%s:%s;", k->province,
             k->revoked[0] ? "revoked" : "active", k->key_id);
    return 0;
}

static void enroll_list_revoke(void **state)
{
    (void)state;
    pg_store *ps = open_store();
    enroll(ps, 0, "Hà Nội");
    enroll(ps, 0, "Huế"); /* re-enrolling an active key moves it */
    char err[300], hex[17], seen[200] = "", want[200];
    labels_key_id_hex(pub[0].id, hex);
    assert_int_equal(pg_store_list(ps, count_kiosk, seen, err, sizeof err), 0);
    snprintf(want, sizeof want, "Huế:active:%s;", hex);
    assert_string_equal(seen, want);
    assert_int_equal(pg_store_revoke(ps, hex, err, sizeof err), 0);
    assert_int_equal(pg_store_revoke(ps, "0000000000000000", err, sizeof err),
                     1);
    assert_int_equal(
        pg_store_enroll(ps, &pub[0], 1, "Huế", "shop", err, sizeof err), -1);
    assert_non_null(strstr(err, "revoked"));
    /* A second open finds the schema made by the first. */
    pg_store *again = open_store();
    seen[0] = '\0';
    assert_int_equal(pg_store_list(again, count_kiosk, seen, err, sizeof err),
                     0);
    assert_non_null(strstr(seen, "revoked"));
    pg_store_close(again);
    pg_store_close(ps);
}

static void refusals(void **state)
{
    (void)state;
    pg_store *ps = open_store();
    enroll(ps, 0, "Hà Nội");
    size_t len;
    char *b = batch(1, 1, 1, 5, ts(2026, 11, 3), 60, &len);
    assert_int_equal(submit(ps, b, len, NULL), COLLECTOR_UNKNOWN_KIOSK);
    assert_int_equal(submit(ps, "OCOP-SCANS/1\n", 13, NULL),
                     COLLECTOR_MALFORMED);
    /* Kiosk 1's batch claimed as kiosk 0's: the signature fails. */
    char h0[17], h1[17];
    labels_key_id_hex(pub[0].id, h0);
    labels_key_id_hex(pub[1].id, h1);
    char *at = strstr(b, h1);
    assert_non_null(at);
    memcpy(at, h0, 16);
    assert_int_equal(submit(ps, b, len, NULL), COLLECTOR_BAD_SIGNATURE);
    free(b);
    /* A revoked kiosk is refused. */
    b = batch(0, 1, 1, 5, ts(2026, 11, 3), 60, &len);
    char err[300];
    assert_int_equal(pg_store_revoke(ps, h0, err, sizeof err), 0);
    assert_int_equal(submit(ps, b, len, NULL), COLLECTOR_UNKNOWN_KIOSK);
    free(b);
    assert_int_equal(q("SELECT count(*) FROM collector.scans"), 0);
    assert_int_equal(q("SELECT count(*) FROM collector.batches"), 0);
    /* The per-kiosk rate limit. */
    enroll(ps, 2, "Huế");
    pg_store_set_rate(ps, 0.001, 1);
    b = batch(2, 1, 1, 5, ts(2026, 11, 3), 60, &len);
    assert_int_equal(submit(ps, b, len, NULL), COLLECTOR_STORED);
    free(b);
    b = batch(2, 2, 6, 5, ts(2026, 11, 3), 60, &len);
    assert_int_equal(submit(ps, b, len, NULL), COLLECTOR_RATE_LIMITED);
    free(b);
    pg_store_close(ps);
}

static void replay_and_conflict(void **state)
{
    (void)state;
    pg_store *ps = open_store();
    enroll(ps, 0, "Hà Nội");
    size_t len, len2, len3;
    char *b = batch(0, 1, 1, 100, ts(2026, 11, 3), 60, &len);
    int added;
    assert_int_equal(submit(ps, b, len, &added), COLLECTOR_STORED);
    assert_int_equal(added, 100);
    assert_int_equal(submit(ps, b, len, &added), COLLECTOR_DUPLICATE);
    assert_int_equal(added, 0);
    /* The same batch ID for other scans. */
    char *other = batch(0, 1, 1, 99, ts(2026, 11, 3), 60, &len2);
    assert_int_equal(submit(ps, other, len2, NULL), COLLECTOR_CONFLICT);
    /* Another batch overlapping the first: only the new scans count. */
    char *over = batch(0, 2, 51, 100, ts(2026, 11, 3), 60, &len3);
    assert_int_equal(submit(ps, over, len3, &added), COLLECTOR_STORED);
    assert_int_equal(added, 50);
    assert_int_equal(q("SELECT count(*) FROM collector.scans"), 150);
    assert_int_equal(q("SELECT count(*) FROM collector.batches"), 2);
    assert_int_equal(q("SELECT sum(new_scans) FROM collector.batches"), 150);
    rollups_match();
    free(b);
    free(other);
    free(over);
    pg_store_close(ps);
}

/* ---- Concurrency -------------------------------------------------------- */

#define THREADS 8
#define NBATCH 24

typedef struct shared {
    pg_store *ps[2]; /* two "servers" on one database */
    char *body[NBATCH];
    size_t len[NBATCH];
    int nbodies;
    pthread_barrier_t go;
    pthread_mutex_t mu;
    int stored[NBATCH], dup[NBATCH], other;
    long new_scans;
} shared;

typedef struct worker {
    shared *sh;
    int id;
} worker;

static void *run(void *arg)
{
    worker *w = arg;
    shared *sh = w->sh;
    pthread_barrier_wait(&sh->go);
    /* Each thread walks every batch from a different starting point. */
    for (int i = 0; i < sh->nbodies; i++) {
        int j = (i + w->id * 5) % sh->nbodies;
        collector_outcome o;
        pg_store_submit(sh->ps[w->id % 2], sh->body[j], sh->len[j], &o);
        pthread_mutex_lock(&sh->mu);
        if (o.status == COLLECTOR_STORED) {
            sh->stored[j]++;
            sh->new_scans += o.new_scans;
        } else if (o.status == COLLECTOR_DUPLICATE) {
            sh->dup[j]++;
        } else {
            sh->other++;
            fprintf(stderr, "unexpected outcome %d: %s\n", o.status, o.message);
        }
        pthread_mutex_unlock(&sh->mu);
    }
    return NULL;
}

static void run_threads(shared *sh)
{
    pthread_t t[THREADS];
    worker w[THREADS];
    assert_int_equal(pthread_barrier_init(&sh->go, NULL, THREADS), 0);
    for (int i = 0; i < THREADS; i++) {
        w[i] = (worker){sh, i};
        assert_int_equal(pthread_create(&t[i], NULL, run, &w[i]), 0);
    }
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    pthread_barrier_destroy(&sh->go);
}

static void concurrent_exactly_once(void **state)
{
    (void)state;
    shared sh;
    memset(&sh, 0, sizeof sh);
    pthread_mutex_init(&sh.mu, NULL);
    sh.ps[0] = open_store();
    sh.ps[1] = open_store();
    for (int k = 0; k < NKIOSK; k++)
        enroll(sh.ps[0], k, k ? "Huế" : "Hà Nội");

    /* One batch sent by 8 threads at once: stored once. */
    sh.nbodies = 1;
    sh.body[0] = batch(0, 9, 1000, 500, ts(2026, 11, 20), 30, &sh.len[0]);
    run_threads(&sh);
    assert_int_equal(sh.stored[0], 1);
    assert_int_equal(sh.dup[0], THREADS - 1);
    assert_int_equal(sh.other, 0);
    assert_int_equal(sh.new_scans, 500);
    assert_int_equal(q("SELECT count(*) FROM collector.scans"), 500);
    free(sh.body[0]);

    /* 24 batches of three kiosks, overlapping within each kiosk and
     * crossing a month boundary, each sent by every thread. */
    memset(sh.stored, 0, sizeof sh.stored);
    memset(sh.dup, 0, sizeof sh.dup);
    sh.new_scans = 0;
    sh.nbodies = NBATCH;
    for (int j = 0; j < NBATCH; j++) {
        int k = j % NKIOSK, n = j / NKIOSK;
        sh.body[j] = batch(k, 20 + n, 1 + n * 50, 100,
                           ts(2026, 11, 30) + 6 * 3600, 61, &sh.len[j]);
    }
    run_threads(&sh);
    for (int j = 0; j < NBATCH; j++) {
        assert_int_equal(sh.stored[j], 1);
        assert_int_equal(sh.dup[j], THREADS - 1);
        free(sh.body[j]);
    }
    assert_int_equal(sh.other, 0);
    /* Per kiosk: 8 batches of 100 overlapping by 50 = 450 scans. */
    long long want = 500 + NKIOSK * 450;
    assert_int_equal(sh.new_scans, want - 500);
    assert_int_equal(q("SELECT count(*) FROM collector.scans"), want);
    assert_int_equal(q("SELECT count(*) FROM (SELECT DISTINCT kiosk, "
                       "scan_id FROM collector.scans) x"),
                     want);
    assert_int_equal(q("SELECT count(*) FROM collector.batches"), 1 + NBATCH);
    assert_int_equal(q("SELECT sum(new_scans) FROM collector.batches"), want);
    assert_int_equal(q("SELECT count(*) FROM pg_class WHERE relname IN "
                       "('scans_2026_11', 'scans_2026_12')"),
                     2);
    rollups_match();
    pg_store_close(sh.ps[0]);
    pg_store_close(sh.ps[1]);
    pthread_mutex_destroy(&sh.mu);
}

/* ---- Partitions, rollups, retention ------------------------------------- */

static void months_and_retention(void **state)
{
    (void)state;
    pg_store *ps = open_store();
    enroll(ps, 0, "Hà Nội");
    enroll(ps, 1, "Huế");
    size_t len[5];
    char *b[5] = {
        batch(0, 1, 1, 40, ts(2024, 1, 10), 3600, &len[0]),
        batch(0, 2, 41, 40, ts(2025, 6, 30) - 41 * 3600, 3600, &len[1]),
        batch(1, 3, 1, 40, ts(2026, 11, 2), 3600, &len[2]),
        /* A kiosk clock in 1970 (the kiosk sends "_": dated at arrival,
         * docs/upload.md) and one in 2150 (kept, outside months). */
        batch(1, 4, 41, 2, 1000 - 41, 1, &len[3]),
        batch(1, 5, 43, 2, ts(2150, 1, 1), 1, &len[4]),
    };
    for (int i = 0; i < 5; i++)
        assert_int_equal(submit(ps, b[i], len[i], NULL), COLLECTOR_STORED);
    assert_int_equal(q("SELECT count(*) FROM pg_inherits WHERE inhparent = "
                       "'collector.scans'::regclass"),
                     2 + 5); /* before, after, 2024-01, 2025-06..07,
                              * 2026-11, and this month (the 1970 scans) */
    assert_int_equal(q("SELECT count(*) FROM collector.scans_2025_06"), 12);
    assert_int_equal(q("SELECT count(*) FROM collector.scans_2025_07"), 28);
    assert_int_equal(q("SELECT count(*) FROM collector.scans_before"), 0);
    assert_int_equal(q("SELECT count(*) FROM collector.scans_after"), 2);
    rollups_match();
    long long rolled = q("SELECT sum(scans) FROM collector.daily_products");
    assert_int_equal(rolled, 124);

    /* Keep 12 months back from 2026-12: 2024-01, 2025-06 and 2025-07 go. */
    char err[300];
    int dropped;
    assert_int_equal(
        pg_store_retain(ps, 12, ts(2026, 12, 15), &dropped, err, sizeof err),
        0);
    assert_int_equal(dropped, 3);
    assert_int_equal(q("SELECT count(*) FROM collector.scans"), 44);
    assert_int_equal(q("SELECT sum(scans) FROM collector.daily_products"),
                     rolled);
    assert_int_equal(q("SELECT sum(scans) FROM collector.daily_kiosks"),
                     rolled);
    /* 2024-01-10 is day 19732. */
    assert_int_equal(q("SELECT sum(scans) FROM collector.daily_products WHERE "
                       "day BETWEEN 19732 AND 19734"),
                     40);
    /* A replay of a dropped month's batch is still known. */
    assert_int_equal(submit(ps, b[0], len[0], NULL), COLLECTOR_DUPLICATE);
    /* A late batch for a dropped month makes its partition again. */
    size_t l;
    char *late = batch(0, 6, 200, 3, ts(2024, 1, 11), 60, &l);
    assert_int_equal(submit(ps, late, l, NULL), COLLECTOR_STORED);
    assert_int_equal(q("SELECT count(*) FROM collector.scans_2024_01"), 3);
    free(late);
    /* Another store still caching the dropped month retries once. */
    pg_store *other = open_store();
    late = batch(0, 7, 300, 3, ts(2026, 11, 5), 60, &l);
    assert_int_equal(submit(other, late, l, NULL), COLLECTOR_STORED);
    free(late);
    assert_int_equal(
        pg_store_retain(ps, 0, ts(2026, 12, 15), &dropped, err, sizeof err), 0);
    assert_int_equal(dropped, 2);
    late = batch(0, 8, 400, 3, ts(2026, 11, 6), 60, &l);
    assert_int_equal(submit(other, late, l, NULL), COLLECTOR_STORED);
    free(late);
    pg_store_close(other);
    for (int i = 0; i < 5; i++)
        free(b[i]);
    pg_store_close(ps);
}

/* ---- The roles of docs/collector.md ------------------------------------- */

static void admin_exec(const char *sql)
{
    PGresult *r = PQexec(admin, sql);
    if (!r || (PQresultStatus(r) != PGRES_COMMAND_OK &&
               PQresultStatus(r) != PGRES_TUPLES_OK))
        fail_msg("%s: %s", sql, PQerrorMessage(admin));
    PQclear(r);
}

/* The GRANT block of docs/collector.md, from its marker line to the end
 * of the code block, so the documentation is what is tested. */
static char *doc_grants(void)
{
    const char *src = getenv("OCOP_SOURCE_DIR");
    char path[512];
    snprintf(path, sizeof path, "%s/docs/collector.md", src ? src : ".");
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("cannot open %s", path);
    static char sql[4096];
    size_t used = 0;
    int in = 0;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        if (!in && !strncmp(line, "-- ocop collector grants", 24))
            in = 1;
        else if (in && !strncmp(line, "```", 3))
            break;
        if (in) {
            size_t n = strlen(line);
            assert_true(used + n < sizeof sql);
            memcpy(sql + used, line, n + 1);
            used += n;
        }
    }
    fclose(f);
    assert_true(used > 100);
    return sql;
}

static PGconn *connect_as(const char *role)
{
    char ci[512];
    snprintf(ci, sizeof ci, "%s user=%s", conninfo, role);
    PGconn *db = PQconnectdb(ci);
    if (PQstatus(db) != CONNECTION_OK)
        fail_msg("%s", PQerrorMessage(db));
    return db;
}

static int refused(PGconn *db, const char *sql)
{
    PGresult *r = PQexec(db, sql);
    int denied = r && PQresultStatus(r) == PGRES_FATAL_ERROR &&
                 !strcmp(PQresultErrorField(r, PG_DIAG_SQLSTATE), "42501");
    PQclear(r);
    return denied;
}

static void least_privilege(void **state)
{
    (void)state;
    admin_exec("DO $$ BEGIN "
               "IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = "
               "'ocop_owner') THEN CREATE ROLE ocop_owner LOGIN; "
               "CREATE ROLE ocop_collector LOGIN; "
               "CREATE ROLE ocop_reports LOGIN; END IF; END $$");
    admin_exec("GRANT CREATE ON DATABASE ocop TO ocop_owner");
    char ci[512], err[300];
    pg_store *owner, *col;
    snprintf(ci, sizeof ci, "%s user=ocop_owner", conninfo);
    if (pg_store_open(ci, &owner, err, sizeof err))
        fail_msg("%s", err);
    enroll(owner, 0, "Hà Nội");
    PGconn *odb = connect_as("ocop_owner");
    PGresult *r = PQexec(odb, doc_grants());
    if (!r || PQresultStatus(r) != PGRES_COMMAND_OK)
        fail_msg("the grants of docs/collector.md: %s", PQerrorMessage(odb));
    PQclear(r);
    PQfinish(odb);

    /* The collector's role stores batches and makes new months. */
    snprintf(ci, sizeof ci, "%s user=ocop_collector", conninfo);
    if (pg_store_open(ci, &col, err, sizeof err))
        fail_msg("%s", err);
    size_t len;
    char *b = batch(0, 1, 1, 50, ts(2026, 8, 1), 60, &len);
    int added;
    assert_int_equal(submit(col, b, len, &added), COLLECTOR_STORED);
    assert_int_equal(added, 50);
    assert_int_equal(submit(col, b, len, NULL), COLLECTOR_DUPLICATE);
    free(b);
    b = batch(0, 2, 26, 50, ts(2026, 8, 1), 60, &len);
    assert_int_equal(submit(col, b, len, &added), COLLECTOR_STORED);
    assert_int_equal(added, 25);
    free(b);
    assert_int_equal(q("SELECT count(*) FROM collector.scans_2026_08"), 75);
    rollups_match();
    /* And the phone page's lookups and reports (schema 3). */
    collector_lookup l = {.verdict = "genuine",
                          .product = "HN-01",
                          .signer = "0123456789ABCDEF",
                          .lot = "L1",
                          .serial = 9};
    assert_int_equal(
        pg_store_phone_lookup(col, &l, 1790000000, err, sizeof err), 0);
    collector_report rep = {.time = 1790000000, .label = l, .what = "other"};
    int64_t rid = 0;
    assert_int_equal(pg_store_phone_report(col, &rep, &rid, err, sizeof err),
                     0);
    assert_true(rid > 0);
    /* It may not enroll, drop months, delete or change history. */
    assert_int_equal(
        pg_store_enroll(col, &pub[1], 1, "Huế", "x", err, sizeof err), -1);
    int dropped;
    assert_int_equal(
        pg_store_retain(col, 0, ts(2099, 1, 1), &dropped, err, sizeof err), -1);
    assert_int_equal(dropped, 0);
    PGconn *cdb = connect_as("ocop_collector");
    assert_true(refused(cdb, "DELETE FROM collector.scans"));
    assert_true(refused(cdb, "UPDATE collector.scans SET verdict = 'x'"));
    assert_true(refused(cdb, "TRUNCATE collector.batches"));
    assert_true(refused(cdb, "UPDATE collector.kiosks SET revoked = NULL"));
    assert_true(refused(cdb, "UPDATE collector.batches SET body_hash = ''"));
    assert_true(refused(cdb, "CREATE TABLE collector.x (a int)"));
    PQfinish(cdb);
    /* The reports' role reads, and only reads. */
    PGconn *rdb = connect_as("ocop_reports");
    r = PQexec(rdb, "SELECT count(*) FROM collector.scans");
    assert_true(r && PQresultStatus(r) == PGRES_TUPLES_OK &&
                !strcmp(PQgetvalue(r, 0, 0), "75"));
    PQclear(r);
    assert_true(refused(rdb, "INSERT INTO collector.daily_verdicts VALUES "
                             "(1, 'k', 'p', 'v', 1)"));
    PQfinish(rdb);
    /* The owner drops months. */
    assert_int_equal(
        pg_store_retain(owner, 0, ts(2099, 1, 1), &dropped, err, sizeof err),
        0);
    assert_int_equal(dropped, 1);
    pg_store_close(col);
    pg_store_close(owner);
}

/* ---- Upgrade from schema 2 ----------------------------------------------- */

static int has_right(const char *role, const char *table, const char *right)
{
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT has_table_privilege('%s', 'collector.%s', '%s')::int",
             role, table, right);
    return (int)q(sql);
}

/* A store as version 2 left it (every verdict per kiosk and product in
 * daily_verdicts, no product or phone tables, roles granted on it) is
 * upgraded when opened: the rollups then match the raw scans as version
 * 3 keeps them, and the roles have the same rights on the new tables. */
static void upgrade_from_2(void **state)
{
    (void)state;
    pg_store *ps = open_store();
    enroll(ps, 0, "Hà Nội");
    size_t len;
    char *b = batch(0, 1, 1, 60, ts(2026, 8, 1), 3600, &len);
    assert_int_equal(submit(ps, b, len, NULL), COLLECTOR_STORED);
    free(b);
    pg_store_close(ps);
    admin_exec("DROP TABLE collector.daily_products, collector.phone_lookups,"
               " collector.phone_reports, collector.kiosk_contact,"
               " collector.label_repeats");
    admin_exec("ALTER TABLE collector.daily_labels DROP COLUMN first_kiosk, "
               "DROP COLUMN first_seen");
    admin_exec("UPDATE collector.meta SET version = 2");
    admin_exec("INSERT INTO collector.daily_verdicts SELECT time / 86400 + "
               "(time % 86400 + 25200) / 86400, kiosk, product, verdict, "
               "count(*) FROM collector.scans WHERE verdict NOT IN "
               "('rating_changed', 'expired') GROUP BY 1, 2, 3, 4");
    admin_exec("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE "
               "rolname = 'up_col') THEN CREATE ROLE up_col; "
               "CREATE ROLE up_rep; END IF; END $$");
    admin_exec("GRANT USAGE ON SCHEMA collector TO up_col, up_rep");
    admin_exec("GRANT SELECT, INSERT ON collector.scans TO up_col");
    admin_exec("GRANT SELECT ON collector.scans TO up_rep");
    assert_true(q("SELECT count(*) FROM collector.daily_verdicts WHERE "
                  "verdict = 'genuine'") > 0);

    ps = open_store();
    assert_int_equal(q("SELECT version FROM collector.meta"),
                     PG_STORE_SCHEMA_VERSION);
    rollups_match();
    /* Versions 5 and 6 filled the first kiosk and time of every later
     * sighting. */
    assert_true(q("SELECT count(*) FROM collector.daily_labels") > 0);
    assert_int_equal(q("SELECT count(*) FROM collector.daily_labels WHERE "
                       "first_kiosk IS NULL OR first_seen IS NULL"),
                     0);
    assert_int_equal(q("SELECT count(*) FROM collector.daily_verdicts WHERE "
                       "verdict = 'genuine'"),
                     0);
    assert_true(q("SELECT count(*) FROM collector.daily_verdicts") > 0);
    assert_int_equal(q("SELECT count(*) FROM collector.phone_reports"), 0);
    assert_int_equal(has_right("up_col", "daily_products", "INSERT"), 1);
    assert_int_equal(has_right("up_col", "phone_reports", "INSERT"), 1);
    assert_int_equal(has_right("up_rep", "phone_lookups", "SELECT"), 1);
    assert_int_equal(has_right("up_rep", "daily_products", "INSERT"), 0);
    assert_int_equal(has_right("up_col", "kiosk_contact", "INSERT"), 1);
    assert_int_equal(has_right("up_rep", "kiosk_contact", "SELECT"), 1);
    assert_int_equal(has_right("up_col", "label_repeats", "INSERT"), 1);
    assert_int_equal(has_right("up_rep", "label_repeats", "SELECT"), 1);
    assert_int_equal(has_right("up_rep", "label_repeats", "INSERT"), 0);
    assert_int_equal(q("SELECT count(*) FROM collector.kiosk_contact"), 1);
    /* Uploads after the upgrade keep the rollups right. */
    b = batch(0, 2, 61, 40, ts(2026, 8, 1), 3600, &len);
    assert_int_equal(submit(ps, b, len, NULL), COLLECTOR_STORED);
    free(b);
    rollups_match();
    pg_store_close(ps);

    /* A newer ocop-host's store is refused, not misread. */
    char sql[64], err[300];
    snprintf(sql, sizeof sql, "UPDATE collector.meta SET version = %d",
             PG_STORE_SCHEMA_VERSION + 1);
    admin_exec(sql);
    assert_int_equal(pg_store_open(conninfo, &ps, err, sizeof err), -1);
    snprintf(sql, sizeof sql, "schema version %d", PG_STORE_SCHEMA_VERSION + 1);
    assert_non_null(strstr(err, sql));
    snprintf(sql, sizeof sql, "UPDATE collector.meta SET version = %d",
             PG_STORE_SCHEMA_VERSION);
    admin_exec(sql);
}

/* ---- The kiosk fleet ------------------------------------------------------
 */

typedef struct fleet_seen {
    int n;
    collector_fleet_kiosk k[NKIOSK];
} fleet_seen;

static int fleet_one(void *ctx, const collector_fleet_kiosk *k)
{
    fleet_seen *s = ctx;
    if (s->n < NKIOSK)
        s->k[s->n++] = *k;
    return 0;
}

/* A batch's mirror line is kept per kiosk with its contact; a batch
 * without one (an older kiosk) moves the contact only; the fleet reads
 * the scans from daily_kiosks. A version 3 schema is brought to 4. */
static void fleet(void **state)
{
    (void)state;
    pg_store *ps = open_store();
    enroll(ps, 0, "Quảng Ninh");
    enroll(ps, 1, "Hà Nội");
    int64_t now = (int64_t)time(NULL);
    scan_record r[3];
    memset(r, 0, sizeof r);
    for (int i = 0; i < 3; i++) {
        r[i].id = i + 1;
        r[i].time = now - 60 + i;
        snprintf(r[i].verdict, sizeof r[i].verdict, "genuine");
        scan_log_hash_text("x", 1, r[i].text_hash);
    }
    uint8_t id[UPLOAD_BATCH_ID_BYTES] = {9};
    upload_mirror_report m = {17, 7200};
    char *b;
    size_t len;
    assert_int_equal(upload_batch_build_mirror(&sec[0], id, now, &m, r, 2, NULL,
                                               0, &b, &len),
                     0);
    assert_int_equal(submit(ps, b, len, NULL), COLLECTOR_STORED);
    free(b);
    id[0] = 10;
    assert_int_equal(upload_batch_build(&sec[0], id, now, r + 2, 1, &b, &len),
                     0);
    assert_int_equal(submit(ps, b, len, NULL), COLLECTOR_STORED);
    free(b);
    fleet_seen s = {0};
    char err[300];
    assert_int_equal(pg_store_fleet(ps, COLLECTOR_VN_DAY(now) - 6, fleet_one,
                                    &s, err, sizeof err),
                     0);
    assert_int_equal(s.n, 2);
    /* Province order (bytes): Hà Nội, then Quảng Ninh. */
    assert_string_equal(s.k[0].k.province, "Hà Nội");
    assert_int_equal(s.k[0].last_contact, 0);
    assert_int_equal(s.k[0].mirror_version, -1);
    assert_int_equal(s.k[1].mirror_version, 17);
    assert_int_equal(s.k[1].data_age, 7200);
    assert_true(s.k[1].last_contact >= now && s.k[1].reported >= now);
    assert_int_equal(s.k[1].scans, 3);
    pg_store_close(ps);
    /* Back to version 3, as an older ocop-host left it. */
    admin_exec("DROP TABLE collector.kiosk_contact, collector.label_repeats;"
               "UPDATE collector.meta SET version = 3");
    ps = open_store();
    assert_int_equal(q("SELECT max(version) FROM collector.meta"),
                     PG_STORE_SCHEMA_VERSION);
    assert_int_equal(q("SELECT count(*) FROM collector.kiosk_contact WHERE "
                       "mirror_version IS NULL"),
                     1);
    pg_store_close(ps);
}

/* ---- Import from SQLite ------------------------------------------------- */

static void import_sqlite(void **state)
{
    (void)state;
    char dir[] = "/tmp/ocop-pg-import.XXXXXX", path[64], err[300];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/collector.db", dir);
    collector *c;
    assert_int_equal(collector_open(path, &c, err, sizeof err), 0);
    assert_int_equal(
        collector_enroll(c, &pub[0], 1, "Hà Nội", "a", err, sizeof err), 0);
    assert_int_equal(
        collector_enroll(c, &pub[1], 1, "Huế", "b", err, sizeof err), 0);
    size_t len[4];
    char *b[4];
    for (int i = 0; i < 3; i++) {
        b[i] = batch(i % 2, 1 + i, 1 + i * 7000, 1000,
                     ts(2026, 6, 1) + i * 86400 * 20, 300, &len[i]);
        collector_outcome o;
        collector_submit(c, b[i], len[i], &o);
        assert_int_equal(o.status, COLLECTOR_STORED);
    }
    /* A batch with a finding whose note needs quoting. */
    scan_record r = {.id = 90000, .time = ts(2026, 11, 1)};
    snprintf(r.verdict, sizeof r.verdict, "genuine");
    snprintf(r.text_hash, sizeof r.text_hash, "%032d", 0);
    finding_record f = {.id = 1, .time = ts(2026, 11, 1)};
    snprintf(f.inspector, sizeof f.inspector, "HN-INS-1");
    snprintf(f.finding, sizeof f.finding, "label_misuse");
    snprintf(f.note, sizeof f.note, "say \"no\" \\ thì");
    uint8_t id[UPLOAD_BATCH_ID_BYTES] = {0x44};
    assert_int_equal(upload_batch_build_with_findings(&sec[0], id, 1, &r, 1, &f,
                                                      1, &b[3], &len[3]),
                     0);
    collector_outcome o;
    collector_submit(c, b[3], len[3], &o);
    assert_int_equal(o.status, COLLECTOR_STORED);

    pg_store *ps = open_store();
    pg_store_import_counts n;
    assert_int_equal(pg_store_import_sqlite(ps, path, &n, err, sizeof err), 0);
    assert_int_equal(n.kiosks, 2);
    assert_int_equal(n.batches, 4);
    assert_int_equal(n.findings, 1);
    assert_int_equal(n.scans_read, 3001);
    assert_int_equal(n.scans_new, 3001);
    assert_int_equal(n.scans_file, 3001);
    assert_int_equal(q("SELECT count(*) FROM collector.scans"), 3001);
    /* Both kiosks' contacts come along (the console's fleet). */
    assert_int_equal(q("SELECT count(*) FROM collector.kiosk_contact"), 2);
    assert_int_equal(q("SELECT count(*) FROM collector.findings WHERE note = "
                       "E'say \"no\" \\\\ thì'"),
                     1);
    rollups_match();
    /* Done: a second run copies nothing. */
    assert_int_equal(pg_store_import_sqlite(ps, path, &n, err, sizeof err), 0);
    assert_int_equal(n.scans_read, 0);
    assert_int_equal(n.scans_file, 3001);
    /* Scans that reached the file since are copied by the next run. */
    size_t l;
    char *more = batch(1, 50, 100000, 10, ts(2026, 7, 1), 60, &l);
    collector_submit(c, more, l, &o);
    assert_int_equal(o.status, COLLECTOR_STORED);
    assert_int_equal(pg_store_import_sqlite(ps, path, &n, err, sizeof err), 0);
    assert_int_equal(n.scans_read, 10);
    assert_int_equal(n.scans_new, 10);
    /* An interrupted copy (progress lost): read again, nothing doubled. */
    PQclear(PQexec(admin, "DELETE FROM collector.import_progress"));
    assert_int_equal(pg_store_import_sqlite(ps, path, &n, err, sizeof err), 0);
    assert_int_equal(n.scans_read, 3011);
    assert_int_equal(n.scans_new, 0);
    assert_int_equal(q("SELECT count(*) FROM collector.scans"), 3011);
    rollups_match();
    /* The kiosks' replays are recognised after the move. */
    enroll(ps, 1, "Huế");
    assert_int_equal(submit(ps, more, l, NULL), COLLECTOR_DUPLICATE);
    assert_int_equal(submit(ps, b[3], len[3], NULL), COLLECTOR_DUPLICATE);
    /* A scan missing in PostgreSQL fails the check. */
    PQclear(PQexec(admin, "DELETE FROM collector.scans WHERE scan_id = 1"));
    assert_int_equal(pg_store_import_sqlite(ps, path, &n, err, sizeof err), -1);
    assert_non_null(strstr(err, "import check"));
    free(more);
    for (int i = 0; i < 4; i++)
        free(b[i]);
    pg_store_close(ps);
    collector_close(c);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    conninfo = getenv("PG_CONN");
    if (!conninfo) {
        fprintf(stderr, "PG_CONN not set (run tests/collector_pg.sh)\n");
        return 1;
    }
    admin = PQconnectdb(conninfo);
    if (PQstatus(admin) != CONNECTION_OK) {
        fprintf(stderr, "%s", PQerrorMessage(admin));
        return 1;
    }
    for (int k = 0; k < NKIOSK; k++)
        if (labels_keygen(&pub[k], &sec[k]) != LABELS_OK)
            return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(conninfo_detection),
        cmocka_unit_test_setup(enroll_list_revoke, setup),
        cmocka_unit_test_setup(refusals, setup),
        cmocka_unit_test_setup(replay_and_conflict, setup),
        cmocka_unit_test_setup(concurrent_exactly_once, setup),
        cmocka_unit_test_setup(months_and_retention, setup),
        cmocka_unit_test_setup(import_sqlite, setup),
        cmocka_unit_test_setup(least_privilege, setup),
        cmocka_unit_test_setup(upgrade_from_2, setup),
        cmocka_unit_test_setup(fleet, setup),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    PQfinish(admin);
    return rc;
}
