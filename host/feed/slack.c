/* slack.c -- copy a mirror for publishing with free room in its pages,
 * so that a kiosk applying a delta in place rewrites a row's page rather
 * than splitting it (issue 12).
 *
 * Why: a compacted mirror (VACUUM) has every page full. A status change
 * grows its row (a reason and a date where there were none), so each
 * changed row of a spread delta split its page and wrote three or four
 * pages instead of one. SQLite has no fill factor, so the copy makes one:
 * products are inserted in key order (pages filled as full as they go)
 * with FEED_ROW_SLACK spare bytes on status_reason, then the spare bytes
 * are cut off again. A row that shrinks stays on its page (SQLite
 * rebalances only pages more than two thirds empty), so every page keeps
 * the room, zeroed by secure_delete, which the snapshot's compression
 * removes again. The rows and their bytes are the source's exactly. */
#include "feed/slack.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

static void copy_failed(sqlite3 *db, const char *src, const char *dst,
                        char *err, size_t errsz)
{
    int rc = db ? sqlite3_extended_errcode(db) : SQLITE_NOMEM;
    int sys = db ? sqlite3_system_errno(db) : 0;
    snprintf(err, errsz, "cannot copy %s to %s: %s%s%s%s", src, dst,
             db ? sqlite3_errmsg(db) : sqlite3_errstr(rc), sys ? " (" : "",
             sys ? strerror(sys) : "", sys ? ")" : "");
}

/* "file:<path>?mode=ro" with every byte a URI could misread escaped. */
static int ro_uri(const char *path, char *out, size_t outsz)
{
    size_t o = (size_t)snprintf(out, outsz, "file:");
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if (o + 4 >= outsz)
            return -1;
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
            (*p >= '0' && *p <= '9') || strchr("/-._~", *p))
            out[o++] = (char)*p;
        else
            o += (size_t)snprintf(out + o, outsz - o, "%%%02X", *p);
    }
    return snprintf(out + o, outsz - o, "?mode=ro") < (int)(outsz - o) ? 0 : -1;
}

/* Create each of the source's tables from its own CREATE text (the schema
 * check compares that text) and copy its rows; products padded. */
static int copy_tables(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db,
                                "SELECT name, sql FROM src.sqlite_schema "
                                "WHERE type='table' ORDER BY rowid",
                                -1, &st, NULL);
    int step = SQLITE_DONE;
    while (rc == SQLITE_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        const char *create = (const char *)sqlite3_column_text(st, 1);
        if (!name || !create)
            continue;
        rc = sqlite3_exec(db, create, NULL, NULL, NULL);
        if (rc != SQLITE_OK)
            break;
        char *sql;
        if (!strcmp(name, "products"))
            sql = sqlite3_mprintf(
                "INSERT INTO main.products SELECT code, name, grp, producer,"
                " province, stars, proposed5, status, CASE WHEN"
                " typeof(status_reason)='text' THEN status_reason ||"
                " printf('%%%ds', '') ELSE status_reason END, status_date,"
                " certificate, certified, expires FROM src.products"
                " ORDER BY code",
                FEED_ROW_SLACK);
        else
            sql = sqlite3_mprintf("INSERT INTO main.\"%w\" SELECT * FROM "
                                  "src.\"%w\"",
                                  name, name);
        rc = sql ? sqlite3_exec(db, sql, NULL, NULL, NULL) : SQLITE_NOMEM;
        sqlite3_free(sql);
    }
    if (rc == SQLITE_OK && step != SQLITE_DONE)
        rc = step;
    sqlite3_finalize(st);
    return rc;
}

int feed_copy_with_slack(const char *src, const char *dst, char *err,
                         size_t errsz)
{
    char uri[8300];
    if (ro_uri(src, uri, sizeof uri) != 0) {
        snprintf(err, errsz, "cannot copy %s: path too long", src);
        return -1;
    }
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(dst, &db,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                                 SQLITE_OPEN_URI | SQLITE_OPEN_NOFOLLOW,
                             NULL);
    char *attach =
        rc == SQLITE_OK ? sqlite3_mprintf("ATTACH %Q AS src", uri) : NULL;
    /* A scratch file until the caller commits it: no journal, no sync. */
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db,
                          "PRAGMA page_size=4096; PRAGMA journal_mode=OFF;"
                          "PRAGMA synchronous=OFF; PRAGMA cache_size=-65536",
                          NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = attach ? sqlite3_exec(db, attach, NULL, NULL, NULL) : SQLITE_NOMEM;
    sqlite3_free(attach);
    /* One transaction: one consistent read of the source. */
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = copy_tables(db);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, "COMMIT; DETACH src", NULL, NULL, NULL);
    if (rc == SQLITE_OK) {
        char *sql = sqlite3_mprintf(
            "PRAGMA secure_delete=ON; BEGIN;"
            "UPDATE products SET status_reason = CAST(substr(CAST("
            "status_reason AS BLOB), 1, length(CAST(status_reason AS BLOB))"
            " - %d) AS TEXT) WHERE typeof(status_reason)='text'; COMMIT",
            FEED_ROW_SLACK);
        rc = sql ? sqlite3_exec(db, sql, NULL, NULL, NULL) : SQLITE_NOMEM;
        sqlite3_free(sql);
    }
    if (rc != SQLITE_OK)
        copy_failed(db, src, dst, err, errsz);
    if (sqlite3_close(db) != SQLITE_OK && rc == SQLITE_OK) {
        snprintf(err, errsz, "cannot close %s", dst);
        rc = SQLITE_ERROR;
    }
    return rc == SQLITE_OK ? 0 : -1;
}
