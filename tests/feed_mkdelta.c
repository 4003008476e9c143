/* feed_mkdelta.c -- test helper: the raw changeset (session extension)
 * that turns BASE.db into NEW.db, over every table of NEW.db, as the
 * publisher makes it but without its checks, so tests can serve deltas a
 * broken or hostile publisher would (compress it with zstd).
 * usage: feed_mkdelta BASE.db NEW.db OUT.cs */
#define SQLITE_ENABLE_SESSION 1
#define SQLITE_ENABLE_PREUPDATE_HOOK 1
#include <sqlite3.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: feed_mkdelta BASE.db NEW.db OUT.cs\n");
        return 2;
    }
    sqlite3 *db = NULL;
    sqlite3_session *s = NULL;
    sqlite3_stmt *st = NULL;
    char *sql = sqlite3_mprintf("ATTACH %Q AS base", argv[1]);
    if (!sql || sqlite3_open_v2(argv[2], &db, SQLITE_OPEN_READWRITE, NULL) ||
        sqlite3_exec(db, sql, NULL, NULL, NULL) ||
        sqlite3session_create(db, "main", &s) ||
        sqlite3_prepare_v2(db,
                           "SELECT name FROM main.sqlite_schema WHERE "
                           "type='table' AND name NOT LIKE 'sqlite_%'",
                           -1, &st, NULL)) {
        fprintf(stderr, "feed_mkdelta: %s\n", db ? sqlite3_errmsg(db) : "?");
        return 3;
    }
    sqlite3_free(sql);
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 0);
        if (sqlite3session_attach(s, t) ||
            sqlite3session_diff(s, "base", t, NULL)) {
            fprintf(stderr, "feed_mkdelta: cannot diff %s\n", t);
            return 3;
        }
    }
    sqlite3_finalize(st);
    int n = 0;
    void *p = NULL;
    if (sqlite3session_changeset(s, &n, &p))
        return 3;
    FILE *f = fopen(argv[3], "wb");
    if (!f || fwrite(p, 1, (size_t)n, f) != (size_t)n || fclose(f))
        return 3;
    sqlite3_free(p);
    sqlite3session_delete(s);
    return sqlite3_close(db) == SQLITE_OK ? 0 : 3;
}
