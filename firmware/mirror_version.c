/* mirror_version.c -- which feed version a kiosk's mirror holds. Apart
 * from the sync code (sync_apply.c) because the scanning process asks it
 * too and must not link the network side (docs/performance.md). */
#include "mirror_version.h"

#include <sqlite3.h>
#include <stdio.h>
#include <unistd.h>

int64_t mirror_read_version(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    int64_t v = -1;
    if (sqlite3_prepare_v2(db,
                           "SELECT value FROM meta WHERE key='feed_version'",
                           -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

int64_t mirror_version(const char *path, char *err, size_t errsz)
{
    if (access(path, F_OK) != 0)
        return 0;
    sqlite3 *db = NULL;
    int64_t v = -1;
    /* A link planted at the mirror's name is not our mirror: never write
     * through it (issue 12); the next snapshot replaces it. */
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW,
                        NULL) == SQLITE_OK) {
        sqlite3_busy_timeout(db, 5000);
        v = mirror_read_version(db);
    }
    if (v < 0)
        snprintf(err, errsz, "mirror %s is unreadable: %s", path,
                 db ? sqlite3_errmsg(db) : "out of memory");
    sqlite3_close(db);
    return v;
}
