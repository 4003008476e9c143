/* collector.c -- the collector's SQLite store: kiosks, batches, scans.
 * Schema and guarantees in docs/upload.md.
 *
 * Every batch must be on disk before its 200, and one fsync costs
 * milliseconds, so batches are stored by one writer thread in group
 * commits: each batch in its own savepoint, all batches waiting at that
 * moment in one transaction, one sync, then every waiter is answered.
 * Kiosk lookups use a second, read-only connection (WAL lets it read
 * while the writer writes). */
#include "collector/collector.h"
#include "collector/pg_store.h"

#include <pthread.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const labels_verdict collector_signed_verdicts[COLLECTOR_SIGNED_COUNT] = {
    LABELS_V_GENUINE,   LABELS_V_RATING_CHANGED, LABELS_V_EXPIRED,
    LABELS_V_SUSPENDED, LABELS_V_REVOKED,        LABELS_V_CLONE_REPORTED,
    LABELS_V_WRONG_HOST};

/* One verified batch waiting for the writer. */
typedef struct job {
    const collector_batch *b;
    const uint8_t *hash;
    collector_outcome *o;
    int done;
    struct job *next;
} job;

#define GROUP_MAX 256 /* batches per commit */

struct collector {
    pg_store *pg; /* the PostgreSQL engine, when chosen: nothing below */
    sqlite3 *db;  /* writes (writer thread) and admin commands */
    sqlite3 *rdb; /* kiosk lookups */
    pthread_mutex_t mu, rmu;
    sqlite3_stmt *kiosk, *batch_get, *batch_put, *scan_put, *finding_put;
    sqlite3_stmt *day_put, *contact_put;
    collector_rate *rate;
    /* The writer's queue. */
    pthread_mutex_t qmu;
    pthread_cond_t qcond, qdone;
    job *head, *tail;
    int stopping, writer_running;
    pthread_t writer;
};

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS kiosks ("
    " key_id TEXT PRIMARY KEY, public_key TEXT NOT NULL,"
    " province TEXT NOT NULL, shop TEXT NOT NULL,"
    " enrolled TEXT NOT NULL, revoked TEXT) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS batches ("
    " kiosk TEXT NOT NULL, batch_id TEXT NOT NULL,"
    " body_hash BLOB NOT NULL," /* BLAKE2b-256 of the exact body */
    " created INTEGER NOT NULL, received INTEGER NOT NULL,"
    " scans INTEGER NOT NULL, new_scans INTEGER NOT NULL,"
    " PRIMARY KEY (kiosk, batch_id)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS scans ("
    " kiosk TEXT NOT NULL, scan_id INTEGER NOT NULL,"
    " time INTEGER NOT NULL, verdict TEXT NOT NULL, product TEXT NOT NULL,"
    " signer TEXT NOT NULL, lot TEXT NOT NULL, serial INTEGER NOT NULL,"
    " text_hash TEXT NOT NULL, stale INTEGER NOT NULL,"
    " batch_id TEXT NOT NULL, received INTEGER NOT NULL,"
    " PRIMARY KEY (kiosk, scan_id)) WITHOUT ROWID;"
    "CREATE INDEX IF NOT EXISTS scans_product ON scans(product, time);"
    /* For ocop-host report (docs/reports.md): each report reads one
     * covering index in its GROUP BY order instead of the table. */
    "CREATE INDEX IF NOT EXISTS scans_verdict ON scans(verdict, kiosk, time);"
    "CREATE INDEX IF NOT EXISTS scans_time ON scans(time, verdict);"
    "CREATE INDEX IF NOT EXISTS scans_label ON scans(signer, product, lot,"
    " serial, kiosk, time, verdict);"
    /* Inspector findings: the future batch record type `finding`
     * (docs/upload.md), keyed like scans by (kiosk, record ID). */
    "CREATE TABLE IF NOT EXISTS findings ("
    " kiosk TEXT NOT NULL, finding_id INTEGER NOT NULL,"
    " time INTEGER NOT NULL, inspector TEXT NOT NULL, product TEXT NOT NULL,"
    " lot TEXT NOT NULL, serial INTEGER NOT NULL, finding TEXT NOT NULL,"
    " note TEXT NOT NULL, batch_id TEXT NOT NULL, received INTEGER NOT NULL,"
    " PRIMARY KEY (kiosk, finding_id)) WITHOUT ROWID;"
    "CREATE INDEX IF NOT EXISTS findings_product ON findings(product, time);";

/* The kiosk fleet (docs/collector.md): each kiosk's last contact and the
 * mirror it reported, and its scans per Vietnam day, so the console's
 * fleet page reads a row per kiosk and day, never the raw scans. A file
 * made before these tables gets them filled from its batches and scans
 * in the same transaction. */
static const char fleet_schema[] =
    "CREATE TABLE kiosk_contact ("
    " key_id TEXT PRIMARY KEY, last_contact INTEGER NOT NULL,"
    " mirror_version INTEGER, data_age INTEGER, reported INTEGER)"
    " WITHOUT ROWID;"
    "CREATE TABLE kiosk_days ("
    " kiosk TEXT NOT NULL, day INTEGER NOT NULL, scans INTEGER NOT NULL,"
    " PRIMARY KEY (kiosk, day)) WITHOUT ROWID;"
    "INSERT INTO kiosk_contact (key_id, last_contact)"
    " SELECT kiosk, max(received) FROM batches GROUP BY kiosk;"
    "INSERT INTO kiosk_days SELECT kiosk, " COLLECTOR_VN_DAY_SQL(
        "time") ", count(*) FROM scans GROUP BY 1, 2;";

/* 1 when the file has the fleet's tables, 0 not, -1 error. */
static int fleet_tables(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    int have = -1;
    if (sqlite3_prepare_v2(db,
                           "SELECT count(*) FROM sqlite_master WHERE "
                           "type = 'table' AND name = 'kiosk_days'",
                           -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        have = sqlite3_column_int(st, 0) > 0;
    sqlite3_finalize(st);
    return have;
}

/* Every open (a console page opens the collector) checks without the
 * write lock; only a file without the tables takes it, then checks again
 * (another process may have made them meanwhile). */
static int fleet_migrate(sqlite3 *db)
{
    if (fleet_tables(db) == 1)
        return SQLITE_OK;
    int rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return rc;
    int have = fleet_tables(db);
    if (have < 0)
        rc = SQLITE_ERROR;
    if (rc == SQLITE_OK && !have)
        rc = sqlite3_exec(db, fleet_schema, NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

static void db_err(collector *c, const char *what, char *err, size_t errsz)
{
    snprintf(err, errsz, "collector database: %s: %s", what,
             sqlite3_errmsg(c->db));
}

int collector_open(const char *path, collector **out, char *err, size_t errsz)
{
    *out = NULL;
    collector *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, errsz, "out of memory");
        return -1;
    }
    /* A libpq connection string picks PostgreSQL (docs/collector.md). */
    if (pg_store_is_conninfo(path)) {
        if (pg_store_open(path, &c->pg, err, errsz)) {
            free(c);
            return -1;
        }
        *out = c;
        return 0;
    }
    if (pthread_mutex_init(&c->mu, NULL) || pthread_mutex_init(&c->rmu, NULL) ||
        pthread_mutex_init(&c->qmu, NULL) ||
        pthread_cond_init(&c->qcond, NULL) ||
        pthread_cond_init(&c->qdone, NULL)) {
        free(c);
        snprintf(err, errsz, "cannot create a mutex");
        return -1;
    }
    int rc = sqlite3_open_v2(path, &c->db,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                                 SQLITE_OPEN_FULLMUTEX,
                             NULL);
    /* The wait first: the journal mode below already reads the file,
     * and another connection (serve, a report) may hold it a moment.
     * synchronous=FULL: a batch answered 200 is on disk, so the kiosk may
     * forget it. */
    if (rc == SQLITE_OK)
        rc = sqlite3_busy_timeout(c->db, 5000);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(c->db,
                          "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                          "PRAGMA foreign_keys=ON;",
                          NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(c->db, schema, NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = fleet_migrate(c->db);
    if (rc == SQLITE_OK)
        rc = sqlite3_open_v2(
            path, &c->rdb, SQLITE_OPEN_READONLY | SQLITE_OPEN_FULLMUTEX, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_busy_timeout(c->rdb, 5000);
    struct {
        sqlite3_stmt **st;
        const char *sql;
    } stmts[] = {
        {&c->kiosk, "SELECT public_key, revoked IS NOT NULL FROM kiosks "
                    "WHERE key_id = ?"},
        {&c->batch_get, "SELECT body_hash, scans, new_scans FROM batches "
                        "WHERE kiosk = ? AND batch_id = ?"},
        {&c->batch_put, "INSERT INTO batches VALUES (?,?,?,?,?,?,?)"},
        {&c->scan_put, "INSERT OR IGNORE INTO scans VALUES "
                       "(?,?,?,?,?,?,?,?,?,?,?,?)"},
        /* Like scans: a finding resent in another batch is kept once. */
        {&c->finding_put, "INSERT OR IGNORE INTO findings (kiosk, "
                          "finding_id, time, inspector, product, lot, "
                          "serial, finding, note, batch_id, received) "
                          "VALUES (?,?,?,?,?,?,?,?,?,?,?)"},
        {&c->day_put,
         "INSERT INTO kiosk_days VALUES (?1, " COLLECTOR_VN_DAY_SQL(
             "?2") ", 1) ON CONFLICT (kiosk, day) DO UPDATE "
                   "SET scans = scans + 1"},
        /* Without a mirror line (?5 NULL) only the contact changes. */
        {&c->contact_put,
         "INSERT INTO kiosk_contact VALUES (?1, ?2, ?3, ?4, ?5) "
         "ON CONFLICT (key_id) DO UPDATE SET last_contact = ?2, "
         "mirror_version = iif(?5 IS NULL, mirror_version, ?3), "
         "data_age = iif(?5 IS NULL, data_age, ?4), "
         "reported = coalesce(?5, reported)"},
    };
    for (size_t i = 0; rc == SQLITE_OK && i < sizeof stmts / sizeof stmts[0];
         i++)
        rc = sqlite3_prepare_v3(i == 0 ? c->rdb : c->db, stmts[i].sql, -1,
                                SQLITE_PREPARE_PERSISTENT, stmts[i].st, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errsz, "collector database %s: %s", path,
                 c->rdb && sqlite3_errcode(c->rdb) != SQLITE_OK
                     ? sqlite3_errmsg(c->rdb)
                 : c->db ? sqlite3_errmsg(c->db)
                         : "cannot open");
        collector_close(c);
        return -1;
    }
    *out = c;
    return 0;
}

void collector_close(collector *c)
{
    if (!c)
        return;
    if (c->pg) {
        pg_store_close(c->pg);
        free(c);
        return;
    }
    if (c->writer_running) {
        pthread_mutex_lock(&c->qmu);
        c->stopping = 1;
        pthread_cond_broadcast(&c->qcond);
        pthread_mutex_unlock(&c->qmu);
        pthread_join(c->writer, NULL);
    }
    sqlite3_finalize(c->kiosk);
    sqlite3_finalize(c->batch_get);
    sqlite3_finalize(c->batch_put);
    sqlite3_finalize(c->scan_put);
    sqlite3_finalize(c->finding_put);
    sqlite3_finalize(c->day_put);
    sqlite3_finalize(c->contact_put);
    sqlite3_close(c->db);
    sqlite3_close(c->rdb);
    collector_rate_free(c->rate);
    pthread_mutex_destroy(&c->mu);
    pthread_mutex_destroy(&c->rmu);
    pthread_mutex_destroy(&c->qmu);
    pthread_cond_destroy(&c->qcond);
    pthread_cond_destroy(&c->qdone);
    free(c);
}

void collector_set_rate(collector *c, double rate, double burst)
{
    if (c->pg) {
        pg_store_set_rate(c->pg, rate, burst);
        return;
    }
    collector_rate_free(c->rate);
    c->rate = rate > 0 ? collector_rate_new(rate, burst) : NULL;
}

static void now_iso(char out[LABELS_TIME_ISO_SIZE])
{
    if (labels_time_iso((int64_t)time(NULL), out) != LABELS_OK)
        snprintf(out, LABELS_TIME_ISO_SIZE, "1970-01-01T00:00:00Z");
}

/* ---- Enrollment -------------------------------------------------------- */

int collector_enroll(collector *c, const labels_pubkey *pubs, size_t n,
                     const char *province, const char *shop, char *err,
                     size_t errsz)
{
    if (c->pg)
        return pg_store_enroll(c->pg, pubs, n, province, shop, err, errsz);
    char when[LABELS_TIME_ISO_SIZE];
    now_iso(when);
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(
        c->db,
        "INSERT INTO kiosks VALUES (?1,?2,?3,?4,?5,NULL) "
        "ON CONFLICT(key_id) DO UPDATE SET province = ?3, shop = ?4 "
        "WHERE revoked IS NULL",
        -1, &st, NULL);
    if (rc != SQLITE_OK) {
        db_err(c, "enroll", err, errsz);
        return -1;
    }
    pthread_mutex_lock(&c->mu);
    if (sqlite3_exec(c->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        db_err(c, "enroll", err, errsz);
        goto fail;
    }
    for (size_t i = 0; i < n; i++) {
        char hex[LABELS_KEY_ID_HEX_SIZE], b64[LABELS_PUBKEY_B64_MAX];
        labels_key_id_hex(pubs[i].id, hex);
        if (labels_pubkey_to_base64(&pubs[i], b64, sizeof b64) != LABELS_OK) {
            snprintf(err, errsz, "cannot encode public key %s", hex);
            goto rollback;
        }
        sqlite3_bind_text(st, 1, hex, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, b64, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 3, province, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, shop, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, when, -1, SQLITE_STATIC);
        rc = sqlite3_step(st);
        sqlite3_reset(st);
        if (rc != SQLITE_DONE) {
            db_err(c, "enroll", err, errsz);
            goto rollback;
        }
        if (sqlite3_changes(c->db) == 0) {
            snprintf(err, errsz,
                     "kiosk %s was revoked; a revoked key "
                     "cannot be enrolled again",
                     hex);
            goto rollback;
        }
    }
    if (sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        db_err(c, "enroll", err, errsz);
        goto rollback;
    }
    pthread_mutex_unlock(&c->mu);
    sqlite3_finalize(st);
    return 0;
rollback:
    sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
fail:
    pthread_mutex_unlock(&c->mu);
    sqlite3_finalize(st);
    return -1;
}

int collector_revoke(collector *c, const char *key_id_hex, char *err,
                     size_t errsz)
{
    if (c->pg)
        return pg_store_revoke(c->pg, key_id_hex, err, errsz);
    char when[LABELS_TIME_ISO_SIZE];
    now_iso(when);
    sqlite3_stmt *st = NULL;
    int rc =
        sqlite3_prepare_v2(c->db,
                           "UPDATE kiosks SET revoked = coalesce(revoked, ?) "
                           "WHERE key_id = upper(?)",
                           -1, &st, NULL);
    int changed = 0;
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(st, 1, when, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, key_id_hex, -1, SQLITE_STATIC);
        rc = sqlite3_step(st);
        changed = sqlite3_changes(c->db);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        db_err(c, "revoke", err, errsz);
        return -1;
    }
    return changed ? 0 : 1;
}

static void col_text(sqlite3_stmt *st, int i, char *out, size_t outsz)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    snprintf(out, outsz, "%s", t ? (const char *)t : "");
}

int collector_list(collector *c, int (*fn)(void *ctx, const collector_kiosk *k),
                   void *ctx, char *err, size_t errsz)
{
    if (c->pg)
        return pg_store_list(c->pg, fn, ctx, err, errsz);
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(c->db,
                                "SELECT key_id, public_key, province, shop, "
                                "enrolled, revoked FROM kiosks ORDER BY key_id",
                                -1, &st, NULL);
    while (rc == SQLITE_OK || rc == SQLITE_ROW) {
        rc = sqlite3_step(st);
        if (rc != SQLITE_ROW)
            break;
        collector_kiosk k;
        col_text(st, 0, k.key_id, sizeof k.key_id);
        col_text(st, 1, k.public_key, sizeof k.public_key);
        col_text(st, 2, k.province, sizeof k.province);
        col_text(st, 3, k.shop, sizeof k.shop);
        col_text(st, 4, k.enrolled, sizeof k.enrolled);
        col_text(st, 5, k.revoked, sizeof k.revoked);
        if (fn(ctx, &k)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    if (rc != SQLITE_DONE)
        db_err(c, "list", err, errsz);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* ---- Batches ----------------------------------------------------------- */

static void set(collector_outcome *o, collector_status s, const char *msg)
{
    o->status = s;
    snprintf(o->message, sizeof o->message, "%s", msg);
}

/* The kiosk's public key if it is enrolled and active. 1 found, 0 not
 * enrolled or revoked, -1 on error. Called with rmu held. */
static int find_kiosk(collector *c, const char *hex, labels_pubkey *pub)
{
    sqlite3_stmt *st = c->kiosk;
    sqlite3_bind_text(st, 1, hex, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st), found = 0;
    if (rc == SQLITE_ROW) {
        const char *b64 = (const char *)sqlite3_column_text(st, 0);
        int revoked = sqlite3_column_int(st, 1);
        if (b64 && !revoked &&
            labels_pubkey_parse(b64, strlen(b64), pub) == LABELS_OK)
            found = 1;
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? found : -1;
}

static double monotonic_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The kiosk's contact: now, and the mirror its batch reported. */
static int contact(collector *c, const collector_batch *b, int64_t now)
{
    sqlite3_stmt *st = c->contact_put;
    sqlite3_bind_text(st, 1, b->kiosk_hex, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now);
    if (b->has_mirror) {
        sqlite3_bind_int64(st, 3, b->mirror_version);
        if (b->data_age >= 0)
            sqlite3_bind_int64(st, 4, b->data_age);
        else
            sqlite3_bind_null(st, 4);
        sqlite3_bind_int64(st, 5, now);
    } else {
        sqlite3_bind_null(st, 3);
        sqlite3_bind_null(st, 4);
        sqlite3_bind_null(st, 5);
    }
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc;
}

/* Store one verified batch inside the writer's open transaction, in its
 * own savepoint so a failure takes back only this batch. */
static void store(collector *c, const collector_batch *b,
                  const uint8_t hash[32], collector_outcome *o)
{
    if (sqlite3_exec(c->db, "SAVEPOINT batch", NULL, NULL, NULL) != SQLITE_OK) {
        set(o, COLLECTOR_FAILED, "storage failed; retry later");
        return;
    }
    sqlite3_stmt *st = c->batch_get;
    sqlite3_bind_text(st, 1, b->kiosk_hex, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, b->batch_id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const void *h = sqlite3_column_blob(st, 0);
        int same =
            h && sqlite3_column_bytes(st, 0) == 32 && !memcmp(h, hash, 32);
        o->new_scans = 0;
        if (same)
            set(o, COLLECTOR_DUPLICATE, "already stored");
        else
            set(o, COLLECTOR_CONFLICT,
                "batch ID already used for different content");
        sqlite3_reset(st);
        sqlite3_exec(c->db, "RELEASE batch", NULL, NULL, NULL);
        return;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        goto fail;
    int64_t now = (int64_t)time(NULL);
    int added = 0;
    st = c->scan_put;
    for (int i = 0; i < b->count; i++) {
        const collector_scan *s = &b->scans[i];
        sqlite3_bind_text(st, 1, b->kiosk_hex, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, s->id);
        sqlite3_bind_int64(st, 3, s->time);
        sqlite3_bind_text(st, 4, s->verdict, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, s->product, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, s->signer, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 7, s->lot, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 8, s->serial);
        sqlite3_bind_text(st, 9, s->text_hash, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 10, s->stale);
        sqlite3_bind_text(st, 11, b->batch_id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 12, now);
        rc = sqlite3_step(st);
        sqlite3_reset(st);
        if (rc != SQLITE_DONE)
            goto fail;
        if (sqlite3_changes(c->db) == 0)
            continue; /* stored before: counted before */
        added++;
        sqlite3_bind_text(c->day_put, 1, b->kiosk_hex, -1, SQLITE_STATIC);
        sqlite3_bind_int64(c->day_put, 2, s->time);
        rc = sqlite3_step(c->day_put);
        sqlite3_reset(c->day_put);
        if (rc != SQLITE_DONE)
            goto fail;
    }
    int new_findings = 0;
    st = c->finding_put;
    for (int i = 0; i < b->nfindings; i++) {
        const collector_finding *f = &b->findings[i];
        sqlite3_bind_text(st, 1, b->kiosk_hex, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, f->id);
        sqlite3_bind_int64(st, 3, f->time);
        sqlite3_bind_text(st, 4, f->inspector, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, f->product, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, f->lot, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 7, f->serial);
        sqlite3_bind_text(st, 8, f->finding, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 9, f->note, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 10, b->batch_id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 11, now);
        rc = sqlite3_step(st);
        sqlite3_reset(st);
        if (rc != SQLITE_DONE)
            goto fail;
        new_findings += sqlite3_changes(c->db);
    }
    st = c->batch_put;
    sqlite3_bind_text(st, 1, b->kiosk_hex, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, b->batch_id, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 3, hash, 32, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, b->created);
    sqlite3_bind_int64(st, 5, now);
    sqlite3_bind_int(st, 6, b->count);
    sqlite3_bind_int(st, 7, added);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE || contact(c, b, now) != SQLITE_DONE ||
        sqlite3_exec(c->db, "RELEASE batch", NULL, NULL, NULL) != SQLITE_OK)
        goto fail;
    o->new_scans = added;
    if (b->nfindings)
        snprintf(o->message, sizeof o->message,
                 "stored %d scans (%d new), %d findings (%d new)", b->count,
                 added, b->nfindings, new_findings);
    else
        snprintf(o->message, sizeof o->message, "stored %d scans (%d new)",
                 b->count, added);
    o->status = COLLECTOR_STORED;
    return;
fail:
    sqlite3_exec(c->db, "ROLLBACK TO batch; RELEASE batch", NULL, NULL, NULL);
    set(o, COLLECTOR_FAILED, "storage failed; retry later");
}

/* Store a group of jobs in one transaction; on a failed commit every
 * job in it fails (nothing of it is on disk). */
static void store_group(collector *c, job *group)
{
    pthread_mutex_lock(&c->mu);
    int ok =
        sqlite3_exec(c->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK;
    for (job *j = group; j; j = j->next) {
        if (ok)
            store(c, j->b, j->hash, j->o);
        else
            set(j->o, COLLECTOR_FAILED, "storage busy or failing; retry later");
    }
    if (ok && sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
        for (job *j = group; j; j = j->next)
            if (j->o->status == COLLECTOR_STORED)
                set(j->o, COLLECTOR_FAILED, "storage failed; retry later");
    }
    pthread_mutex_unlock(&c->mu);
}

static void *writer_main(void *arg)
{
    collector *c = arg;
    pthread_mutex_lock(&c->qmu);
    for (;;) {
        while (!c->head && !c->stopping)
            pthread_cond_wait(&c->qcond, &c->qmu);
        if (!c->head)
            break; /* stopping, and nothing left to store */
        /* Take up to GROUP_MAX jobs off the queue. */
        job *group = c->head, *last = group;
        for (int n = 1; n < GROUP_MAX && last->next; n++)
            last = last->next;
        c->head = last->next;
        if (!c->head)
            c->tail = NULL;
        last->next = NULL;
        pthread_mutex_unlock(&c->qmu);
        store_group(c, group);
        pthread_mutex_lock(&c->qmu);
        for (job *j = group, *next; j; j = next) {
            next = j->next;
            j->done =
                1; /* j lives on its submitter's stack: touch it no more */
        }
        pthread_cond_broadcast(&c->qdone);
    }
    pthread_mutex_unlock(&c->qmu);
    return NULL;
}

/* Queue a verified batch for the writer and wait for its outcome. */
static void store_queued(collector *c, const collector_batch *b,
                         const uint8_t hash[32], collector_outcome *o)
{
    job j = {b, hash, o, 0, NULL};
    pthread_mutex_lock(&c->qmu);
    if (!c->writer_running) {
        if (pthread_create(&c->writer, NULL, writer_main, c) != 0) {
            pthread_mutex_unlock(&c->qmu);
            set(o, COLLECTOR_FAILED, "storage failed; retry later");
            return;
        }
        c->writer_running = 1;
    }
    if (c->tail)
        c->tail->next = &j;
    else
        c->head = &j;
    c->tail = &j;
    pthread_cond_signal(&c->qcond);
    while (!j.done)
        pthread_cond_wait(&c->qdone, &c->qmu);
    pthread_mutex_unlock(&c->qmu);
}

void collector_submit(collector *c, const char *body, size_t len,
                      collector_outcome *o)
{
    if (c->pg) {
        pg_store_submit(c->pg, body, len, o);
        return;
    }
    memset(o, 0, sizeof *o);
    collector_batch b;
    char why[160];
    if (collector_batch_parse(body, len, &b, why, sizeof why) != 0) {
        o->status = COLLECTOR_MALFORMED;
        snprintf(o->message, sizeof o->message, "malformed batch: %s", why);
        return;
    }
    int64_t now = (int64_t)time(NULL);
    (void)collector_batch_date_unset(&b, now);
    if (collector_batch_times_ok(&b, now, why, sizeof why)) {
        collector_batch_free(&b);
        o->status = COLLECTOR_MALFORMED;
        snprintf(o->message, sizeof o->message, "malformed batch: %s", why);
        return;
    }
    o->scans = b.count;
    labels_pubkey pub;
    pthread_mutex_lock(&c->rmu);
    int found = find_kiosk(c, b.kiosk_hex, &pub);
    pthread_mutex_unlock(&c->rmu);
    if (found < 0) {
        set(o, COLLECTOR_FAILED, "storage failed; retry later");
    } else if (found == 0) {
        snprintf(o->message, sizeof o->message,
                 "kiosk %s is not enrolled or was revoked", b.kiosk_hex);
        o->status = COLLECTOR_UNKNOWN_KIOSK;
    } else if (labels_verify_detached(LABELS_DOMAIN_SCANS, &pub, body,
                                      b.signed_len, b.sig) != LABELS_OK) {
        set(o, COLLECTOR_BAD_SIGNATURE,
            "batch signature does not verify with the kiosk's enrolled key");
    } else if (c->rate && collector_rate_take(c->rate, b.kiosk, monotonic_now(),
                                              &o->retry_after) != 0) {
        set(o, COLLECTOR_RATE_LIMITED,
            "too many batches from this kiosk; "
            "retry later");
    } else {
        uint8_t hash[32];
        crypto_generichash(hash, sizeof hash, (const uint8_t *)body, len, NULL,
                           0);
        store_queued(c, &b, hash, o);
    }
    collector_batch_free(&b);
}

/* ---- The kiosk fleet --------------------------------------------------- */

/* Printable UTF-8 text without control characters. */
static int place_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n >= COLLECTOR_PLACE_MAX || !labels_utf8_text_ok(s, n))
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return 0;
    return 1;
}

const char *collector_place(const char *province, const char *shop, char *err,
                            size_t errsz)
{
    if (!place_ok(province) || !place_ok(shop)) {
        snprintf(err, errsz,
                 "province and shop must be 1 to %d bytes of text without "
                 "control characters",
                 COLLECTOR_PLACE_MAX - 1);
        return NULL;
    }
    /* The 2025 unit, so reports count the kiosk's scans in its province
     * (an "HN" or "Atlantis" of its own is refused). */
    const labels_province *pv = labels_province_find(province, NULL);
    if (!pv) {
        snprintf(err, errsz,
                 "unknown province '%s': 'ocop-host provinces' lists the 34 "
                 "units of 2025 and the 63 of 2020 (old names map to their "
                 "new unit)",
                 province);
        return NULL;
    }
    return pv->name;
}

int collector_enroll_at(collector *c, const labels_pubkey *pubs, size_t n,
                        const char *province, const char *shop, char *err,
                        size_t errsz)
{
    const char *unit = collector_place(province, shop, err, errsz);
    if (!unit)
        return -2;
    return collector_enroll(c, pubs, n, unit, shop, err, errsz);
}

/* Byte order of province and shop, as PostgreSQL's COLLATE "C". */
static const char fleet_sql[] =
    "SELECT k.key_id, k.public_key, k.province, k.shop, k.enrolled,"
    " ifnull(k.revoked, ''), ifnull(c.last_contact, 0),"
    " ifnull(c.mirror_version, -1), ifnull(c.data_age, -1),"
    " ifnull(c.reported, 0),"
    " (SELECT ifnull(sum(scans), 0) FROM kiosk_days d"
    "  WHERE d.kiosk = k.key_id AND d.day >= ?1),"
    " ifnull(f.n, 0)"
    " FROM kiosks k LEFT JOIN kiosk_contact c ON c.key_id = k.key_id"
    " LEFT JOIN (SELECT kiosk, count(*) AS n FROM findings WHERE time >= ?2"
    "  GROUP BY kiosk) f ON f.kiosk = k.key_id"
    " ORDER BY k.province, k.shop, k.key_id";

int collector_fleet(collector *c, int64_t since_day,
                    int (*fn)(void *ctx, const collector_fleet_kiosk *k),
                    void *ctx, char *err, size_t errsz)
{
    if (c->pg)
        return pg_store_fleet(c->pg, since_day, fn, ctx, err, errsz);
    sqlite3_stmt *st = NULL;
    pthread_mutex_lock(&c->rmu);
    int rc = sqlite3_prepare_v2(c->rdb, fleet_sql, -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, since_day);
        /* The first second of since_day in Vietnam (UTC+7). */
        sqlite3_bind_int64(st, 2, since_day * 86400 - 25200);
    }
    /* One read transaction: every row from one snapshot. */
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(c->rdb, "BEGIN", NULL, NULL, NULL);
    while (rc == SQLITE_OK || rc == SQLITE_ROW) {
        rc = sqlite3_step(st);
        if (rc != SQLITE_ROW)
            break;
        collector_fleet_kiosk f;
        memset(&f, 0, sizeof f);
        col_text(st, 0, f.k.key_id, sizeof f.k.key_id);
        col_text(st, 1, f.k.public_key, sizeof f.k.public_key);
        col_text(st, 2, f.k.province, sizeof f.k.province);
        col_text(st, 3, f.k.shop, sizeof f.k.shop);
        col_text(st, 4, f.k.enrolled, sizeof f.k.enrolled);
        col_text(st, 5, f.k.revoked, sizeof f.k.revoked);
        f.last_contact = sqlite3_column_int64(st, 6);
        f.mirror_version = sqlite3_column_int64(st, 7);
        f.data_age = sqlite3_column_int64(st, 8);
        f.reported = sqlite3_column_int64(st, 9);
        f.scans = sqlite3_column_int64(st, 10);
        f.findings = sqlite3_column_int64(st, 11);
        if (fn(ctx, &f)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    if (rc != SQLITE_DONE)
        snprintf(err, errsz, "collector database: fleet: %s",
                 sqlite3_errmsg(c->rdb));
    sqlite3_finalize(st);
    if (sqlite3_get_autocommit(c->rdb) == 0)
        sqlite3_exec(c->rdb, "COMMIT", NULL, NULL, NULL);
    pthread_mutex_unlock(&c->rmu);
    return rc == SQLITE_DONE ? 0 : -1;
}

static const char findings_sql[] =
    "SELECT f.kiosk, f.finding_id, f.time, f.inspector, f.product, f.lot,"
    " f.serial, f.finding, f.note, ifnull(k.province, ''),"
    " ifnull(k.shop, ''), f.received FROM findings f"
    " LEFT JOIN kiosks k ON k.key_id = f.kiosk WHERE f.received >= ?1"
    " ORDER BY f.received, f.kiosk, f.finding_id LIMIT ?2";

int collector_findings(collector *c, int64_t from, int limit,
                       int (*fn)(void *ctx, const collector_finding_row *f),
                       void *ctx, char *err, size_t errsz)
{
    if (c->pg)
        return pg_store_findings(c->pg, from, limit, fn, ctx, err, errsz);
    sqlite3_stmt *st = NULL;
    pthread_mutex_lock(&c->rmu);
    int rc = sqlite3_prepare_v2(c->rdb, findings_sql, -1, &st, NULL), stop = 0;
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, from);
        sqlite3_bind_int(st, 2, limit);
    }
    while (rc == SQLITE_OK || rc == SQLITE_ROW) {
        rc = sqlite3_step(st);
        if (rc != SQLITE_ROW)
            break;
        collector_finding_row f;
        memset(&f, 0, sizeof f);
        col_text(st, 0, f.kiosk, sizeof f.kiosk);
        f.f.id = sqlite3_column_int64(st, 1);
        f.f.time = sqlite3_column_int64(st, 2);
        col_text(st, 3, f.f.inspector, sizeof f.f.inspector);
        col_text(st, 4, f.f.product, sizeof f.f.product);
        col_text(st, 5, f.f.lot, sizeof f.f.lot);
        f.f.serial = (uint32_t)sqlite3_column_int64(st, 6);
        col_text(st, 7, f.f.finding, sizeof f.f.finding);
        col_text(st, 8, f.f.note, sizeof f.f.note);
        col_text(st, 9, f.province, sizeof f.province);
        col_text(st, 10, f.shop, sizeof f.shop);
        f.received = sqlite3_column_int64(st, 11);
        if ((stop = fn(ctx, &f)) != 0) {
            rc = SQLITE_DONE;
            break;
        }
    }
    if (rc != SQLITE_DONE)
        snprintf(err, errsz, "collector database: findings: %s",
                 sqlite3_errmsg(c->rdb));
    sqlite3_finalize(st);
    pthread_mutex_unlock(&c->rmu);
    return rc != SQLITE_DONE ? -1 : stop;
}
