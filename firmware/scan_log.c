/* scan_log.c -- the kiosk's durable, bounded scan log (SQLite, WAL). */
#include "scan_log.h"

#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_MAX_ROWS 100000

struct scan_log {
    sqlite3 *db;
    sqlite3_stmt *insert, *pending, *prune_uploaded, *prune_pending;
    sqlite3_stmt *add_dropped, *mark;
    sqlite3_stmt *f_insert, *f_for, *f_pending, *f_mark;
    int64_t max_rows;
    int64_t rows; /* kept in step with the table, recounted on failure */
    char err[256];
};

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS scans ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT," /* IDs never reused */
    " time INTEGER NOT NULL, verdict TEXT NOT NULL, product TEXT NOT NULL,"
    " key_id TEXT NOT NULL, lot TEXT NOT NULL, serial INTEGER NOT NULL,"
    " text_hash TEXT NOT NULL, stale INTEGER NOT NULL,"
    " uploaded INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX IF NOT EXISTS scans_pending ON scans(uploaded, id);"
    "CREATE TABLE IF NOT EXISTS counters ("
    " name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;"
    "INSERT OR IGNORE INTO counters VALUES ('dropped', 0);"
    "CREATE TABLE IF NOT EXISTS findings ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " time INTEGER NOT NULL, inspector TEXT NOT NULL, finding TEXT NOT NULL,"
    " product TEXT NOT NULL, key_id TEXT NOT NULL, lot TEXT NOT NULL,"
    " serial INTEGER NOT NULL, scan_id INTEGER NOT NULL, note TEXT NOT NULL,"
    " uploaded INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX IF NOT EXISTS findings_product ON findings(product, id);"
    "CREATE INDEX IF NOT EXISTS findings_pending ON findings(uploaded, id);";

#define FINDING_COLS                                                           \
    "id, time, inspector, finding, product, key_id, lot, serial, scan_id, "    \
    "note"

static int fail(scan_log *log, const char *what)
{
    snprintf(log->err, sizeof log->err, "scan log: %s: %s", what,
             sqlite3_errmsg(log->db));
    return -1;
}

void scan_log_hash_text(const char *text, size_t len, char out[33])
{
    uint8_t h[16];
    crypto_generichash(h, sizeof h, (const uint8_t *)text, len, NULL, 0);
    sodium_bin2hex(out, 33, h, sizeof h);
}

static int count_rows(scan_log *log)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(log->db, "SELECT count(*) FROM scans", -1, &st,
                           NULL) != SQLITE_OK)
        return -1;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        log->rows = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : -1;
}

int scan_log_open(const char *path, int64_t max_rows, scan_log **out, char *err,
                  size_t errsz)
{
    *out = NULL;
    scan_log *log = calloc(1, sizeof *log);
    if (!log) {
        snprintf(err, errsz, "scan log: out of memory");
        return -1;
    }
    log->max_rows = max_rows > 0 ? max_rows : DEFAULT_MAX_ROWS;
    int rc = sqlite3_open_v2(path, &log->db,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    /* synchronous=FULL in WAL mode fsyncs the WAL at every commit: an
     * appended scan is on disk before the verdict is shown. */
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(log->db,
                          "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                          "PRAGMA busy_timeout=2000;",
                          NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(log->db, schema, NULL, NULL, NULL);
    struct {
        sqlite3_stmt **st;
        const char *sql;
    } stmts[] = {
        {&log->insert,
         "INSERT INTO scans (time, verdict, product, key_id, "
         "lot, serial, text_hash, stale) VALUES (?,?,?,?,?,?,?,?)"},
        {&log->pending,
         "SELECT id, time, verdict, product, key_id, lot, "
         "serial, text_hash, stale FROM scans WHERE uploaded = 0 "
         "ORDER BY id LIMIT ?"},
        {&log->prune_uploaded, "DELETE FROM scans WHERE id IN (SELECT id FROM "
                               "scans WHERE uploaded = 1 ORDER BY id LIMIT ?)"},
        {&log->prune_pending, "DELETE FROM scans WHERE id IN (SELECT id FROM "
                              "scans WHERE uploaded = 0 ORDER BY id LIMIT ?)"},
        {&log->add_dropped, "UPDATE counters SET value = value + ? "
                            "WHERE name = 'dropped'"},
        {&log->mark, "UPDATE scans SET uploaded = 1 WHERE id BETWEEN ? AND ? "
                     "AND uploaded = 0"},
        {&log->f_insert, "INSERT INTO findings (time, inspector, finding, "
                         "product, key_id, lot, serial, scan_id, note) "
                         "VALUES (?,?,?,?,?,?,?,?,?)"},
        {&log->f_for, "SELECT " FINDING_COLS " FROM findings WHERE "
                      "product = ? ORDER BY id DESC LIMIT ?"},
        {&log->f_pending, "SELECT " FINDING_COLS " FROM findings WHERE "
                          "uploaded = 0 ORDER BY id LIMIT ?"},
        {&log->f_mark, "UPDATE findings SET uploaded = 1 WHERE id BETWEEN ? "
                       "AND ? AND uploaded = 0"},
    };
    for (size_t i = 0; rc == SQLITE_OK && i < sizeof stmts / sizeof stmts[0];
         i++)
        rc = sqlite3_prepare_v3(log->db, stmts[i].sql, -1,
                                SQLITE_PREPARE_PERSISTENT, stmts[i].st, NULL);
    if (rc == SQLITE_OK && count_rows(log) != 0)
        rc = SQLITE_ERROR;
    if (rc != SQLITE_OK) {
        snprintf(err, errsz, "scan log %s: %s", path,
                 log->db ? sqlite3_errmsg(log->db) : "cannot open");
        scan_log_close(log);
        return -1;
    }
    *out = log;
    return 0;
}

void scan_log_close(scan_log *log)
{
    if (!log)
        return;
    sqlite3_finalize(log->insert);
    sqlite3_finalize(log->pending);
    sqlite3_finalize(log->prune_uploaded);
    sqlite3_finalize(log->prune_pending);
    sqlite3_finalize(log->add_dropped);
    sqlite3_finalize(log->mark);
    sqlite3_finalize(log->f_insert);
    sqlite3_finalize(log->f_for);
    sqlite3_finalize(log->f_pending);
    sqlite3_finalize(log->f_mark);
    sqlite3_close(log->db);
    free(log);
}

/* Run a DELETE ... LIMIT n; return rows deleted or -1. */
static int64_t prune(scan_log *log, sqlite3_stmt *st, int64_t n)
{
    sqlite3_bind_int64(st, 1, n);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? sqlite3_changes64(log->db) : -1;
}

int scan_log_append(scan_log *log, scan_record *rec)
{
    if (sqlite3_exec(log->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return fail(log, "begin");
    sqlite3_stmt *st = log->insert;
    sqlite3_bind_int64(st, 1, rec->time);
    sqlite3_bind_text(st, 2, rec->verdict, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, rec->product, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, rec->key_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, rec->lot, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, rec->serial);
    sqlite3_bind_text(st, 7, rec->text_hash, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 8, rec->stale ? 1 : 0);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    int64_t rows = log->rows + 1;
    if (rc != SQLITE_DONE) {
        fail(log, "append");
        goto rollback;
    }
    rec->id = sqlite3_last_insert_rowid(log->db);
    if (rows > log->max_rows) {
        /* Uploaded scans are only history; pending ones are data the
         * authority has not seen, so they go last and are counted. */
        int64_t gone = prune(log, log->prune_uploaded, rows - log->max_rows);
        if (gone < 0) {
            fail(log, "prune");
            goto rollback;
        }
        rows -= gone;
        if (rows > log->max_rows) {
            gone = prune(log, log->prune_pending, rows - log->max_rows);
            sqlite3_bind_int64(log->add_dropped, 1, gone);
            int drc = gone < 0 ? SQLITE_ERROR : sqlite3_step(log->add_dropped);
            sqlite3_reset(log->add_dropped);
            if (drc != SQLITE_DONE) {
                fail(log, "prune");
                goto rollback;
            }
            rows -= gone;
        }
    }
    if (sqlite3_exec(log->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        fail(log, "commit");
        goto rollback;
    }
    log->rows = rows;
    return 0;

rollback:
    sqlite3_exec(log->db, "ROLLBACK", NULL, NULL, NULL);
    count_rows(log);
    return -1;
}

static void copy_col(sqlite3_stmt *st, int col, char *dst, size_t dstsz)
{
    const unsigned char *s = sqlite3_column_text(st, col);
    snprintf(dst, dstsz, "%s", s ? (const char *)s : "");
}

int scan_log_pending(scan_log *log, int limit,
                     int (*fn)(void *ctx, const scan_record *rec), void *ctx)
{
    sqlite3_stmt *st = log->pending;
    sqlite3_bind_int(st, 1, limit);
    int n = 0, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        scan_record r;
        memset(&r, 0, sizeof r);
        r.id = sqlite3_column_int64(st, 0);
        r.time = sqlite3_column_int64(st, 1);
        copy_col(st, 2, r.verdict, sizeof r.verdict);
        copy_col(st, 3, r.product, sizeof r.product);
        copy_col(st, 4, r.key_id, sizeof r.key_id);
        copy_col(st, 5, r.lot, sizeof r.lot);
        r.serial = (uint32_t)sqlite3_column_int64(st, 6);
        copy_col(st, 7, r.text_hash, sizeof r.text_hash);
        r.stale = sqlite3_column_int(st, 8);
        n++;
        if (fn(ctx, &r))
            break;
    }
    int bad = rc != SQLITE_ROW && rc != SQLITE_DONE;
    if (bad)
        fail(log, "read pending");
    sqlite3_reset(st);
    return bad ? -1 : n;
}

int scan_log_mark_uploaded(scan_log *log, int64_t first, int64_t last)
{
    sqlite3_bind_int64(log->mark, 1, first);
    sqlite3_bind_int64(log->mark, 2, last);
    int rc = sqlite3_step(log->mark);
    sqlite3_reset(log->mark);
    return rc == SQLITE_DONE ? 0 : fail(log, "mark uploaded");
}

int scan_log_get_stats(scan_log *log, scan_log_stats *out)
{
    sqlite3_stmt *st;
    const char *sql = "SELECT (SELECT count(*) FROM scans),"
                      " (SELECT count(*) FROM scans WHERE uploaded = 0),"
                      " (SELECT value FROM counters WHERE name = 'dropped')";
    if (sqlite3_prepare_v2(log->db, sql, -1, &st, NULL) != SQLITE_OK)
        return fail(log, "stats");
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->rows = sqlite3_column_int64(st, 0);
        out->pending = sqlite3_column_int64(st, 1);
        out->dropped = sqlite3_column_int64(st, 2);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : fail(log, "stats");
}

int scan_log_finding_append(scan_log *log, finding_record *rec)
{
    sqlite3_stmt *st = log->f_insert;
    sqlite3_bind_int64(st, 1, rec->time);
    sqlite3_bind_text(st, 2, rec->inspector, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, rec->finding, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, rec->product, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, rec->key_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, rec->lot, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, rec->serial);
    sqlite3_bind_int64(st, 8, rec->scan_id);
    sqlite3_bind_text(st, 9, rec->note, -1, SQLITE_STATIC);
    /* One statement is its own transaction: committed (and, with
     * synchronous=FULL, fsynced) when the step returns. */
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc != SQLITE_DONE)
        return fail(log, "append finding");
    rec->id = sqlite3_last_insert_rowid(log->db);
    return 0;
}

static int findings_visit(scan_log *log, sqlite3_stmt *st,
                          int (*fn)(void *ctx, const finding_record *rec),
                          void *ctx)
{
    int n = 0, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        finding_record r;
        memset(&r, 0, sizeof r);
        r.id = sqlite3_column_int64(st, 0);
        r.time = sqlite3_column_int64(st, 1);
        copy_col(st, 2, r.inspector, sizeof r.inspector);
        copy_col(st, 3, r.finding, sizeof r.finding);
        copy_col(st, 4, r.product, sizeof r.product);
        copy_col(st, 5, r.key_id, sizeof r.key_id);
        copy_col(st, 6, r.lot, sizeof r.lot);
        r.serial = (uint32_t)sqlite3_column_int64(st, 7);
        r.scan_id = sqlite3_column_int64(st, 8);
        copy_col(st, 9, r.note, sizeof r.note);
        n++;
        if (fn(ctx, &r))
            break;
    }
    int bad = rc != SQLITE_ROW && rc != SQLITE_DONE;
    if (bad)
        fail(log, "read findings");
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return bad ? -1 : n;
}

int scan_log_findings_for(scan_log *log, const char *product, int limit,
                          int (*fn)(void *ctx, const finding_record *rec),
                          void *ctx)
{
    sqlite3_bind_text(log->f_for, 1, product, -1, SQLITE_STATIC);
    sqlite3_bind_int(log->f_for, 2, limit);
    return findings_visit(log, log->f_for, fn, ctx);
}

int scan_log_findings_pending(scan_log *log, int limit,
                              int (*fn)(void *ctx, const finding_record *rec),
                              void *ctx)
{
    sqlite3_bind_int(log->f_pending, 1, limit);
    return findings_visit(log, log->f_pending, fn, ctx);
}

int scan_log_findings_mark_uploaded(scan_log *log, int64_t first, int64_t last)
{
    sqlite3_bind_int64(log->f_mark, 1, first);
    sqlite3_bind_int64(log->f_mark, 2, last);
    int rc = sqlite3_step(log->f_mark);
    sqlite3_reset(log->f_mark);
    return rc == SQLITE_DONE ? 0 : fail(log, "mark findings uploaded");
}

const char *scan_log_error(scan_log *log) { return log->err; }
