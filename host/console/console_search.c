/* console_search.c -- the product search index: every product's code,
 * name and producer folded (console_fold) into an FTS5 trigram table, so
 * "che shan" is an indexed substring match, not a fold of every row.
 * The index follows the registry through its audit: products named in
 * audit rows newer than the last seen are folded again before a search,
 * whoever changed them (the console or a command). */
#include "console_int.h"

#include "registry/registry.h"

#include <stdio.h>
#include <string.h>

/* console_search holds the folded text under a stable rowid; the FTS5
 * table indexes it (external content), kept in step by triggers that
 * use nothing but SQL, so any connection may write the table. */
static const char search_tables[] =
    "CREATE TABLE IF NOT EXISTS console_state (key TEXT PRIMARY KEY, "
    "value INTEGER NOT NULL) WITHOUT ROWID;\n"
    "CREATE TABLE IF NOT EXISTS console_search (\n"
    "  rid    INTEGER PRIMARY KEY,\n"
    "  code   TEXT NOT NULL UNIQUE,\n"
    "  folded TEXT NOT NULL\n"
    ");\n"
    "CREATE VIRTUAL TABLE IF NOT EXISTS console_search_fts USING "
    "fts5(folded, content='console_search', content_rowid='rid', "
    "tokenize='trigram');\n"
    "CREATE TRIGGER IF NOT EXISTS console_search_ai AFTER INSERT ON "
    "console_search BEGIN INSERT INTO console_search_fts(rowid,folded) "
    "VALUES(new.rid,new.folded); END;\n"
    "CREATE TRIGGER IF NOT EXISTS console_search_au AFTER UPDATE OF folded "
    "ON console_search BEGIN INSERT INTO console_search_fts("
    "console_search_fts,rowid,folded) VALUES('delete',old.rid,old.folded); "
    "INSERT INTO console_search_fts(rowid,folded) VALUES(new.rid,new.folded);"
    " END;\n"
    "CREATE TRIGGER IF NOT EXISTS console_search_ad AFTER DELETE ON "
    "console_search BEGIN INSERT INTO console_search_fts(console_search_fts,"
    "rowid,folded) VALUES('delete',old.rid,old.folded); END;\n";

#define FOLDED "console_fold(code||' '||name||' '||producer)"

static int exec(sqlite3 *db, const char *sql, char *err, size_t errsz)
{
    return registry_exec(db, sql, err, errsz);
}

static long long get_ll(sqlite3 *db, const char *sql, long long dflt)
{
    sqlite3_stmt *st;
    long long v = dflt;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return dflt;
    if (sqlite3_step(st) == SQLITE_ROW &&
        sqlite3_column_type(st, 0) != SQLITE_NULL)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

int console_search_sync(sqlite3 *db, char *err, size_t errsz)
{
    const char *seen_sql =
        "SELECT value FROM console_state WHERE key='search_audit'";
    const char *top_sql = "SELECT ifnull(max(id),0) FROM audit";
    if (get_ll(db, seen_sql, -1) == get_ll(db, top_sql, 0))
        return 0; /* the common case: nothing changed, nothing written */
    if (console_begin(db, err, errsz))
        return -1;
    /* Read again under the write lock: no writer can come between. */
    long long seen = get_ll(db, seen_sql, -1);
    long long top = get_ll(db, top_sql, 0);
    int rc = 0;
    if (seen < 0 || top < seen) {
        /* Never built, or a registry put back from a copy: rebuild. */
        rc = exec(db,
                  "DELETE FROM console_search; INSERT INTO console_search_fts"
                  "(console_search_fts) VALUES('delete-all'); INSERT INTO "
                  "console_search(code,folded) SELECT code," FOLDED
                  " FROM products;",
                  err, errsz);
    } else if (top > seen) {
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(
                db,
                "WITH changed AS (SELECT DISTINCT ref FROM audit WHERE "
                "entity='product' AND id>?1) SELECT ref FROM changed",
                -1, &st, NULL) != SQLITE_OK)
            rc = console_db_error(db, "cannot update the search index", err,
                                  errsz);
        sqlite3_stmt *del = NULL, *ins = NULL;
        if (!rc &&
            (sqlite3_prepare_v2(db,
                                "DELETE FROM console_search WHERE code=?1 "
                                "AND NOT EXISTS (SELECT 1 FROM products "
                                "WHERE code=?1)",
                                -1, &del, NULL) != SQLITE_OK ||
             sqlite3_prepare_v2(db,
                                "INSERT INTO console_search(code,folded) "
                                "SELECT code," FOLDED " FROM products WHERE "
                                "code=?1 ON CONFLICT(code) DO UPDATE SET "
                                "folded=excluded.folded",
                                -1, &ins, NULL) != SQLITE_OK))
            rc = console_db_error(db, "cannot update the search index", err,
                                  errsz);
        if (!rc) {
            sqlite3_bind_int64(st, 1, seen);
            int s = SQLITE_DONE;
            while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
                const char *ref = (const char *)sqlite3_column_text(st, 0);
                sqlite3_bind_text(del, 1, ref, -1, SQLITE_TRANSIENT);
                sqlite3_bind_text(ins, 1, ref, -1, SQLITE_TRANSIENT);
                if (sqlite3_step(del) != SQLITE_DONE ||
                    sqlite3_step(ins) != SQLITE_DONE)
                    rc = console_db_error(db, "cannot update the search index",
                                          err, errsz);
                sqlite3_reset(del);
                sqlite3_reset(ins);
            }
            if (!rc && s != SQLITE_DONE)
                rc = console_db_error(db, "cannot update the search index", err,
                                      errsz);
        }
        sqlite3_finalize(st);
        sqlite3_finalize(del);
        sqlite3_finalize(ins);
    }
    char sql[128];
    snprintf(sql, sizeof sql,
             "INSERT OR REPLACE INTO console_state VALUES('search_audit',"
             "%lld)",
             top);
    if (rc || exec(db, sql, err, errsz) || console_commit(db, err, errsz)) {
        console_rollback(db);
        return -1;
    }
    return 0;
}

int console_search_open(sqlite3 *db, char *err, size_t errsz)
{
    if (console_begin(db, err, errsz))
        return -1;
    if (exec(db, search_tables, err, errsz) || console_commit(db, err, errsz)) {
        console_rollback(db);
        return -1;
    }
    return console_search_sync(db, err, errsz);
}

/* A text search walks the index in its row order and stops at the
 * page's end, so its cost is the page's, not the registry's: sorting
 * every match by code cost 0.7-1.4 s for a common word at 1M products.
 * The index's row order is code order as of its last full build, with
 * products added since after them (a changed product keeps its row). */
int console_search_prepare(sqlite3 *db, const char *folded, sqlite3_stmt **st)
{
    static const char cols[] =
        "SELECT p.code,p.name,p.grp,p.producer,p.province,p.stars,"
        "p.proposed5,p.status,p.expires FROM ";
    static const char *const from[] = {
        "products p WHERE 1",
        "console_search_fts f JOIN console_search s ON s.rid=f.rowid JOIN "
        "products p ON p.code=s.code WHERE f.folded LIKE ?3",
    };
    static const char filters[] =
        " AND (?4='' OR p.province=?4) AND (?5='' OR p.grp=?5) AND (?6=0 OR "
        "(p.stars=?6 AND p.proposed5=?7)) AND (?8='' OR p.status=?8) AND "
        "(?9='' OR p.province=?9) AND (?10='' OR p.producer=?10)";
    static const char *const order[] = {" ORDER BY p.code",
                                        " ORDER BY f.rowid"};
    int plan = *folded != 0;
    char sql[1024];
    snprintf(sql, sizeof sql, "%s%s%s%s LIMIT ?11 OFFSET ?12", cols, from[plan],
             filters, order[plan]);
    return sqlite3_prepare_v2(db, sql, -1, st, NULL);
}
