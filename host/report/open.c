/* open.c -- the databases a report reads, one read transaction around
 * building it, and rendering into memory. */
#include "report/report.h"
#include "collector/collector.h"
#include "registry/registry.h"

#include <stdio.h>
#include <stdlib.h>

int report_open(const char *coll, const char *reg, sqlite3 **db, char *err,
                size_t errsz)
{
    collector *c;
    if (collector_open(coll, &c, err, errsz) != 0)
        return -1;
    collector_close(c);
    sqlite3 *r;
    if (registry_open(reg, 1, &r, err, errsz) != 0)
        return -1;
    registry_close(r);
    if (sqlite3_open_v2(coll, db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        snprintf(err, errsz, "collector database %s: %s", coll,
                 *db ? sqlite3_errmsg(*db) : "cannot open");
        sqlite3_close(*db);
        return -1;
    }
    sqlite3_stmt *st = NULL;
    int ok =
        sqlite3_exec(*db, "PRAGMA busy_timeout=5000", NULL, NULL, NULL) ==
            SQLITE_OK &&
        registry_sql_functions(*db) == 0 &&
        sqlite3_prepare_v2(*db, "ATTACH ?1 AS reg", -1, &st, NULL) == SQLITE_OK;
    if (ok) {
        sqlite3_bind_text(st, 1, reg, -1, SQLITE_STATIC);
        ok = sqlite3_step(st) == SQLITE_DONE;
    }
    sqlite3_finalize(st);
    if (!ok) {
        snprintf(err, errsz, "cannot attach registry %s: %s", reg,
                 sqlite3_errmsg(*db));
        sqlite3_close(*db);
        return -1;
    }
    return 0;
}

int report_run(sqlite3 *db, const char *kind, const char *by,
               const report_opts *o, report_set *out, char *err, size_t errsz)
{
    int failed = sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK;
    if (failed)
        snprintf(err, errsz, "%s", sqlite3_errmsg(db));
    else
        failed = report_build(db, kind, by, o, out, err, errsz) != 0;
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    return failed ? -1 : 0;
}

int report_render(const report_set *s, report_format fmt, const char *heading,
                  const report_opts *o, const char *generated, char **buf,
                  size_t *len)
{
    *buf = NULL;
    *len = 0;
    FILE *f = open_memstream(buf, len);
    if (!f)
        return -1;
    int werr = fmt == REPORT_TEXT ? report_write_text(f, s)
               : fmt == REPORT_CSV
                   ? report_write_csv(f, s)
                   : report_write_html(f, s, heading, o, generated);
    werr |= fclose(f) != 0;
    if (werr) {
        free(*buf);
        *buf = NULL;
        return -1;
    }
    return 0;
}
