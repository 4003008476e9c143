/* open.c -- the databases a report reads, one read transaction around
 * building it, and rendering into memory. */
#include "report/report_internal.h"
#include "collector/collector.h"
#include "collector/pg_store.h"
#include "registry/registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Run one statement with ?1 bound to arg; 1 if it succeeded. */
static int exec_arg(sqlite3 *db, const char *sql, const char *arg)
{
    sqlite3_stmt *st = NULL;
    int ok = sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
             sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC) == SQLITE_OK &&
             sqlite3_step(st) == SQLITE_DONE;
    sqlite3_finalize(st);
    return ok;
}

/* A SQLite collector is read in place. A PostgreSQL one is read through
 * an in-memory database that report_run fills for its period
 * (pg_store_report.c); the connection string waits in pg_source. */
int report_open(const char *coll, const char *reg, sqlite3 **db, char *err,
                size_t errsz)
{
    int pg = pg_store_is_conninfo(coll);
    collector *c;
    pg_store *ps;
    if (pg ? pg_store_open(coll, &ps, err, errsz)
           : collector_open(coll, &c, err, errsz))
        return -1;
    if (pg)
        pg_store_close(ps);
    else
        collector_close(c);
    sqlite3 *r;
    if (registry_open(reg, 1, &r, err, errsz) != 0)
        return -1;
    registry_close(r);
    int ok =
        pg ? sqlite3_open(":memory:", db) == SQLITE_OK &&
                 sqlite3_exec(*db, "CREATE TABLE pg_source (conninfo TEXT)",
                              NULL, NULL, NULL) == SQLITE_OK &&
                 exec_arg(*db, "INSERT INTO pg_source VALUES (?1)", coll)
           : sqlite3_open_v2(coll, db, SQLITE_OPEN_READONLY, NULL) ==
                     SQLITE_OK &&
                 sqlite3_exec(*db, "PRAGMA busy_timeout=5000", NULL, NULL,
                              NULL) == SQLITE_OK;
    if (!ok) {
        snprintf(err, errsz, "collector database %s: %s",
                 pg ? "(in memory)" : coll,
                 *db ? sqlite3_errmsg(*db) : "cannot open");
        sqlite3_close(*db);
        return -1;
    }
    if (registry_sql_functions(*db) != 0 ||
        !exec_arg(*db, "ATTACH ?1 AS reg", reg)) {
        snprintf(err, errsz, "cannot attach registry %s: %s", reg,
                 sqlite3_errmsg(*db));
        sqlite3_close(*db);
        return -1;
    }
    return 0;
}

int rq_db_is_pg(sqlite3 *db)
{
    return sqlite3_table_column_metadata(db, "main", "pg_source", "conninfo",
                                         NULL, NULL, NULL, NULL,
                                         NULL) == SQLITE_OK;
}

/* What each kind reads from a PostgreSQL collector. */
static unsigned pg_needs(const char *kind)
{
    static const struct {
        const char *kind;
        unsigned what;
    } need[] = {
        {"verdicts", PG_REPORT_KIOSKS | PG_REPORT_PIVOT | PG_REPORT_DAYS},
        {"hotspots", PG_REPORT_KIOSKS | PG_REPORT_PIVOT},
        {"stats", PG_REPORT_KIOSKS | PG_REPORT_PIVOT},
        {"clones", PG_REPORT_KIOSKS | PG_REPORT_CLONES},
        {"findings", PG_REPORT_KIOSKS | PG_REPORT_FINDINGS},
        {"reinspect",
         PG_REPORT_KIOSKS | PG_REPORT_FINDINGS | PG_REPORT_REINSPECT},
        {"expiring", PG_REPORT_EXPIRING},
    };
    for (size_t i = 0; i < sizeof need / sizeof need[0]; i++)
        if (!strcmp(kind, need[i].kind))
            return need[i].what;
    return PG_REPORT_ALL;
}

/* Copy the period's answers from PostgreSQL (report_open's pg_source). */
static int load_pg(sqlite3 *db, const char *kind, const report_opts *o,
                   char *err, size_t errsz)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT conninfo FROM pg_source", -1, &st,
                           NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW) {
        snprintf(err, errsz, "report database: %s", sqlite3_errmsg(db));
        sqlite3_finalize(st);
        return -1;
    }
    pg_store *ps;
    int rc = pg_store_open((const char *)sqlite3_column_text(st, 0), &ps, err,
                           errsz);
    sqlite3_finalize(st);
    if (rc)
        return -1;
    pg_store_report_query q = {o->from,        o->to,
                               o->province,    o->clone_scans,
                               pg_needs(kind), o->clone_window_h * 3600};
    rc = pg_store_report_load(ps, db, &q, err, errsz);
    pg_store_close(ps);
    return rc;
}

int report_run(sqlite3 *db, const char *kind, const char *by,
               const report_opts *o, report_set *out, char *err, size_t errsz)
{
    if (rq_db_is_pg(db) && load_pg(db, kind, o, err, errsz))
        return -1;
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
    if (fmt == REPORT_XLSX) {
        char err[256];
        return report_xlsx(s, heading, buf, len, err, sizeof err);
    }
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
