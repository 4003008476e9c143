/* phone_store.c -- shoppers' phone lookups and "report this label" forms,
 * stored beside the kiosks' scans: in the collector's SQLite file here, or
 * on a PostgreSQL collector through pg_store_phone.c. No client address
 * is ever stored: a lookup is what was asked and when (to the hour), a
 * report what the shopper chose to tell. */
#include "collector/collector.h"
#include "collector/pg_store.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct collector_phone {
    pg_store *pg; /* a PostgreSQL collector; else the SQLite file below */
    sqlite3 *db;
    pthread_mutex_t mu;
    sqlite3_stmt *lookup_put, *report_put;
};

/* Both tables are new in this version: CREATE ... IF NOT EXISTS is the
 * migration of an older collector file. */
static const char phone_schema[] =
    "CREATE TABLE IF NOT EXISTS phone_lookups ("
    " id INTEGER PRIMARY KEY, time INTEGER NOT NULL, verdict TEXT NOT NULL,"
    " product TEXT NOT NULL, signer TEXT NOT NULL, lot TEXT NOT NULL,"
    " serial INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS phone_lookups_label ON phone_lookups(signer,"
    " product, lot, serial, time, verdict);"
    "CREATE TABLE IF NOT EXISTS phone_reports ("
    " id INTEGER PRIMARY KEY, time INTEGER NOT NULL, verdict TEXT NOT NULL,"
    " product TEXT NOT NULL, signer TEXT NOT NULL, lot TEXT NOT NULL,"
    " serial INTEGER NOT NULL, what TEXT NOT NULL, note TEXT NOT NULL,"
    " province TEXT NOT NULL, shop TEXT NOT NULL, photo BLOB,"
    " photo_type TEXT NOT NULL);";

int collector_phone_open(const char *path, collector_phone **out, char *err,
                         size_t errsz)
{
    *out = NULL;
    collector_phone *p = calloc(1, sizeof *p);
    if (!p || pthread_mutex_init(&p->mu, NULL)) {
        free(p);
        snprintf(err, errsz, "out of memory");
        return -1;
    }
    if (pg_store_is_conninfo(path)) {
        if (pg_store_open(path, &p->pg, err, errsz)) {
            collector_phone_close(p);
            return -1;
        }
        *out = p;
        return 0;
    }
    /* synchronous=NORMAL: in WAL a crash may lose the last lookups, never
     * corrupt the file; a phone page is not a kiosk batch that must be on
     * disk before its answer. */
    int rc = sqlite3_open_v2(path, &p->db,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                                 SQLITE_OPEN_FULLMUTEX,
                             NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(p->db,
                          "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                          "PRAGMA busy_timeout=5000;",
                          NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(p->db, phone_schema, NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(
            p->db,
            "INSERT INTO phone_lookups(time, verdict, product, signer, lot,"
            " serial) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            -1, &p->lookup_put, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(
            p->db,
            "INSERT INTO phone_reports(time, verdict, product, signer, lot,"
            " serial, what, note, province, shop, photo, photo_type) VALUES"
            " (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            -1, &p->report_put, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errsz, "collector database %s: %s", path,
                 p->db ? sqlite3_errmsg(p->db) : "cannot open");
        collector_phone_close(p);
        return -1;
    }
    *out = p;
    return 0;
}

void collector_phone_close(collector_phone *p)
{
    if (!p)
        return;
    pg_store_close(p->pg);
    sqlite3_finalize(p->lookup_put);
    sqlite3_finalize(p->report_put);
    sqlite3_close(p->db);
    pthread_mutex_destroy(&p->mu);
    free(p);
}

static void bind_label(sqlite3_stmt *st, int64_t time,
                       const collector_lookup *l)
{
    sqlite3_bind_int64(st, 1, time);
    sqlite3_bind_text(st, 2, l->verdict, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, l->product, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, l->signer[0] ? l->signer : "_", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, l->lot, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, l->serial);
}

/* Step st once under the lock, then reset it. */
static int step_once(collector_phone *p, sqlite3_stmt *st, int64_t *id,
                     char *err, size_t errsz)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE && id)
        *id = sqlite3_last_insert_rowid(p->db);
    if (rc != SQLITE_DONE)
        snprintf(err, errsz, "collector database: %s", sqlite3_errmsg(p->db));
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

int collector_phone_lookup(collector_phone *p, const collector_lookup *l,
                           char *err, size_t errsz)
{
    int64_t hour = l->time - l->time % COLLECTOR_LOOKUP_GRAIN;
    if (p->pg)
        return pg_store_phone_lookup(p->pg, l, hour, err, errsz);
    pthread_mutex_lock(&p->mu);
    bind_label(p->lookup_put, hour, l);
    int rc = step_once(p, p->lookup_put, NULL, err, errsz);
    pthread_mutex_unlock(&p->mu);
    return rc;
}

int collector_phone_report(collector_phone *p, const collector_report *r,
                           int64_t *id, char *err, size_t errsz)
{
    if (r->photo_len > COLLECTOR_PHOTO_MAX) {
        snprintf(err, errsz, "photo larger than %d bytes", COLLECTOR_PHOTO_MAX);
        return -1;
    }
    if (p->pg)
        return pg_store_phone_report(p->pg, r, id, err, errsz);
    pthread_mutex_lock(&p->mu);
    sqlite3_stmt *st = p->report_put;
    bind_label(st, r->time, &r->label);
    sqlite3_bind_text(st, 7, r->what, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, r->note, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 9, r->province, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 10, r->shop, -1, SQLITE_STATIC);
    if (r->photo && r->photo_len)
        sqlite3_bind_blob(st, 11, r->photo, (int)r->photo_len, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 11);
    sqlite3_bind_text(st, 12, r->photo_type, -1, SQLITE_STATIC);
    int rc = step_once(p, st, id, err, errsz);
    pthread_mutex_unlock(&p->mu);
    return rc;
}

static void col_text(sqlite3_stmt *st, int i, char *out, size_t outsz)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    snprintf(out, outsz, "%s", t ? (const char *)t : "");
}

/* The queries below prepared on the shared connection, under the lock. */
static int prepare(collector_phone *p, const char *sql, sqlite3_stmt **st,
                   char *err, size_t errsz)
{
    if (sqlite3_prepare_v2(p->db, sql, -1, st, NULL) == SQLITE_OK)
        return 0;
    snprintf(err, errsz, "collector database: %s", sqlite3_errmsg(p->db));
    return -1;
}

int collector_phone_reports(collector_phone *p, int64_t after, int limit,
                            collector_report_fn fn, void *ctx, char *err,
                            size_t errsz)
{
    if (p->pg)
        return pg_store_phone_reports(p->pg, after, limit, fn, ctx, err, errsz);
    sqlite3_stmt *st = NULL;
    pthread_mutex_lock(&p->mu);
    int rc = prepare(p,
                     "SELECT id, time, verdict, product, signer, lot, serial,"
                     " what, note, province, shop, photo IS NOT NULL FROM"
                     " phone_reports WHERE id > ?1 ORDER BY id LIMIT ?2",
                     &st, err, errsz);
    if (!rc) {
        sqlite3_bind_int64(st, 1, after);
        sqlite3_bind_int(st, 2, limit);
    }
    while (!rc && sqlite3_step(st) == SQLITE_ROW) {
        collector_report r;
        memset(&r, 0, sizeof r);
        r.time = sqlite3_column_int64(st, 1);
        col_text(st, 2, r.label.verdict, sizeof r.label.verdict);
        col_text(st, 3, r.label.product, sizeof r.label.product);
        col_text(st, 4, r.label.signer, sizeof r.label.signer);
        col_text(st, 5, r.label.lot, sizeof r.label.lot);
        r.label.serial = (uint32_t)sqlite3_column_int64(st, 6);
        col_text(st, 7, r.what, sizeof r.what);
        col_text(st, 8, r.note, sizeof r.note);
        col_text(st, 9, r.province, sizeof r.province);
        col_text(st, 10, r.shop, sizeof r.shop);
        rc = fn(ctx, sqlite3_column_int64(st, 0), &r,
                sqlite3_column_int(st, 11));
    }
    sqlite3_finalize(st);
    pthread_mutex_unlock(&p->mu);
    return rc;
}

int collector_phone_photo(collector_phone *p, int64_t id, void **data,
                          size_t *len, char type[16], char *err, size_t errsz)
{
    if (p->pg)
        return pg_store_phone_photo(p->pg, id, data, len, type, err, errsz);
    *data = NULL;
    *len = 0;
    sqlite3_stmt *st = NULL;
    pthread_mutex_lock(&p->mu);
    int rc = prepare(p,
                     "SELECT photo, photo_type FROM phone_reports"
                     " WHERE id = ?1 AND photo IS NOT NULL",
                     &st, err, errsz);
    if (!rc) {
        sqlite3_bind_int64(st, 1, id);
        rc = sqlite3_step(st) == SQLITE_ROW ? 0 : 1;
    }
    if (!rc) {
        size_t n = (size_t)sqlite3_column_bytes(st, 0);
        *data = malloc(n ? n : 1);
        if (!*data) {
            snprintf(err, errsz, "out of memory");
            rc = -1;
        } else {
            memcpy(*data, sqlite3_column_blob(st, 0), n);
            *len = n;
            col_text(st, 1, type, 16);
        }
    }
    sqlite3_finalize(st);
    pthread_mutex_unlock(&p->mu);
    return rc;
}
