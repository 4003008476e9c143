/* audit_who.c -- who made each audit row: the console account, or "cli:"
 * and the login name for commands. The audit rows come from triggers,
 * which cannot know who is at the keyboard; audit_who names them. */
#include "registry/registry.h"

#include <sqlite3.h>
#include <stdio.h>

/* console_audit_who is the table's name before the commands named their
 * changes too: its rows move here once. */
static const char who_table[] = "CREATE TABLE IF NOT EXISTS audit_who (\n"
                                "  audit_id INTEGER PRIMARY KEY,\n"
                                "  who      TEXT NOT NULL\n"
                                ");\n";

int registry_has_table(sqlite3 *db, const char *name)
{
    sqlite3_stmt *st;
    int found = 0;
    if (sqlite3_prepare_v2(db,
                           "SELECT 1 FROM sqlite_schema WHERE type='table' "
                           "AND name=?1",
                           -1, &st, NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return found;
}

int registry_audit_who_open(sqlite3 *db, char *err, size_t errsz)
{
    if (registry_has_table(db, "audit_who") &&
        !registry_has_table(db, "console_audit_who"))
        return 0; /* the common case: nothing to write */
    /* Inside a caller's transaction this joins it; alone it gets its own. */
    int own = sqlite3_get_autocommit(db);
    if (own && registry_begin(db, err, errsz))
        return -1;
    if (registry_exec(db, who_table, err, errsz) ||
        (registry_has_table(db, "console_audit_who") &&
         registry_exec(db,
                       "INSERT OR REPLACE INTO audit_who SELECT audit_id,who "
                       "FROM console_audit_who; DROP TABLE console_audit_who;",
                       err, errsz))) {
        if (own)
            registry_rollback(db);
        return -1;
    }
    return own ? registry_commit(db, err, errsz) : 0;
}

int registry_audit_by(sqlite3 *db, const char *who, char *err, size_t errsz)
{
    if (registry_audit_who_open(db, err, errsz))
        return -1;
    /* A TEMP trigger lives as long as this connection and is seen by no
     * other: every audit row this connection's changes make names who.
     * (A trigger body may not name a schema; audit_who is main's, as temp
     * has none.) */
    char *sql = sqlite3_mprintf(
        "DROP TRIGGER IF EXISTS temp.audit_by; CREATE TEMP TRIGGER audit_by "
        "AFTER INSERT ON main.audit BEGIN INSERT OR REPLACE INTO "
        "audit_who(audit_id,who) VALUES(new.id,%Q); END;",
        who);
    if (!sql) {
        snprintf(err, errsz, "out of memory");
        return -1;
    }
    int rc = registry_exec(db, sql, err, errsz);
    sqlite3_free(sql);
    return rc;
}

long long registry_audit_mark(sqlite3 *db)
{
    sqlite3_stmt *st;
    long long id = 0;
    if (sqlite3_prepare_v2(db, "SELECT ifnull(max(id),0) FROM audit", -1, &st,
                           NULL) != SQLITE_OK)
        return 0;
    if (sqlite3_step(st) == SQLITE_ROW)
        id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return id;
}

int registry_audit_tag(sqlite3 *db, long long mark, const char *who, char *err,
                       size_t errsz)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db,
                           "INSERT OR REPLACE INTO audit_who(audit_id,"
                           "who) SELECT id,?2 FROM audit WHERE id>?1",
                           -1, &st, NULL) != SQLITE_OK)
        return registry_db_error(db, "cannot name the change's author", err,
                                 errsz);
    sqlite3_bind_int64(st, 1, mark);
    sqlite3_bind_text(st, 2, who, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return registry_db_error(db, "cannot name the change's author", err,
                                 errsz);
    return 0;
}
