/* pg_store_fleet.c -- the kiosk fleet from PostgreSQL: every kiosk with
 * its contact and reported mirror (kiosk_contact), its scans of the last
 * days from the daily_kiosks rollup and its findings, in one query; and
 * the findings themselves, for the console's queue. */
#include "collector/pg_store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char fleet_sql[] =
    "SELECT k.key_id, k.public_key, k.province, k.shop, k.enrolled,"
    " coalesce(k.revoked, ''), coalesce(c.last_contact, 0),"
    " coalesce(c.mirror_version, -1), coalesce(c.data_age, -1),"
    " coalesce(c.reported, 0), coalesce(d.n, 0), coalesce(f.n, 0)"
    " FROM collector.kiosks k"
    " LEFT JOIN collector.kiosk_contact c ON c.key_id = k.key_id"
    " LEFT JOIN (SELECT kiosk, sum(scans) AS n FROM collector.daily_kiosks"
    "  WHERE day >= $1::bigint GROUP BY kiosk) d ON d.kiosk = k.key_id"
    " LEFT JOIN (SELECT kiosk, count(*) AS n FROM collector.findings"
    "  WHERE time >= $2::bigint GROUP BY kiosk) f ON f.kiosk = k.key_id"
    /* Byte order, as SQLite sorts, whatever the database's collation. */
    " ORDER BY k.province COLLATE \"C\", k.shop COLLATE \"C\","
    " k.key_id COLLATE \"C\"";

static long long num(const PGresult *r, int row, int col)
{
    return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

int pg_store_fleet(pg_store *ps, int64_t since_day,
                   int (*fn)(void *ctx, const collector_fleet_kiosk *k),
                   void *ctx, char *err, size_t errsz)
{
    PGconn *db = pgs_get(ps, err, errsz);
    if (!db)
        return -1;
    char day[24], start[24];
    snprintf(day, sizeof day, "%lld", (long long)since_day);
    snprintf(start, sizeof start, "%lld", (long long)since_day * 86400 - 25200);
    const char *v[] = {day, start};
    PGresult *r = PQexecParams(db, fleet_sql, 2, NULL, v, NULL, NULL, 0);
    int rc = 0;
    if (!r || PQresultStatus(r) != PGRES_TUPLES_OK) {
        pgs_err(db, "fleet", err, errsz);
        rc = -1;
    }
    for (int i = 0; !rc && i < PQntuples(r); i++) {
        collector_fleet_kiosk f;
        memset(&f, 0, sizeof f);
        snprintf(f.k.key_id, sizeof f.k.key_id, "%s", PQgetvalue(r, i, 0));
        snprintf(f.k.public_key, sizeof f.k.public_key, "%s",
                 PQgetvalue(r, i, 1));
        snprintf(f.k.province, sizeof f.k.province, "%s", PQgetvalue(r, i, 2));
        snprintf(f.k.shop, sizeof f.k.shop, "%s", PQgetvalue(r, i, 3));
        snprintf(f.k.enrolled, sizeof f.k.enrolled, "%s", PQgetvalue(r, i, 4));
        snprintf(f.k.revoked, sizeof f.k.revoked, "%s", PQgetvalue(r, i, 5));
        f.last_contact = num(r, i, 6);
        f.mirror_version = num(r, i, 7);
        f.data_age = num(r, i, 8);
        f.reported = num(r, i, 9);
        f.scans = num(r, i, 10);
        f.findings = num(r, i, 11);
        if (fn(ctx, &f))
            break;
    }
    PQclear(r);
    pgs_put(ps, db);
    return rc;
}

static const char findings_sql[] =
    "SELECT f.kiosk, f.finding_id, f.time, f.inspector, f.product, f.lot,"
    " f.serial, f.finding, f.note, coalesce(k.province, ''),"
    " coalesce(k.shop, ''), f.received FROM collector.findings f"
    " LEFT JOIN collector.kiosks k ON k.key_id = f.kiosk"
    " WHERE f.received >= $1::bigint"
    " ORDER BY f.received, f.kiosk COLLATE \"C\", f.finding_id"
    " LIMIT $2::bigint";

int pg_store_findings(pg_store *ps, int64_t from, int limit,
                      int (*fn)(void *ctx, const collector_finding_row *f),
                      void *ctx, char *err, size_t errsz)
{
    PGconn *db = pgs_get(ps, err, errsz);
    if (!db)
        return -1;
    char f_s[24], n_s[24];
    snprintf(f_s, sizeof f_s, "%lld", (long long)from);
    snprintf(n_s, sizeof n_s, "%d", limit);
    const char *v[] = {f_s, n_s};
    PGresult *r = PQexecParams(db, findings_sql, 2, NULL, v, NULL, NULL, 0);
    int rc = 0;
    if (!r || PQresultStatus(r) != PGRES_TUPLES_OK) {
        pgs_err(db, "findings", err, errsz);
        rc = -1;
    }
    for (int i = 0; !rc && i < PQntuples(r); i++) {
        collector_finding_row f;
        memset(&f, 0, sizeof f);
        snprintf(f.kiosk, sizeof f.kiosk, "%s", PQgetvalue(r, i, 0));
        f.f.id = num(r, i, 1);
        f.f.time = num(r, i, 2);
        snprintf(f.f.inspector, sizeof f.f.inspector, "%s",
                 PQgetvalue(r, i, 3));
        snprintf(f.f.product, sizeof f.f.product, "%s", PQgetvalue(r, i, 4));
        snprintf(f.f.lot, sizeof f.f.lot, "%s", PQgetvalue(r, i, 5));
        f.f.serial = (uint32_t)num(r, i, 6);
        snprintf(f.f.finding, sizeof f.f.finding, "%s", PQgetvalue(r, i, 7));
        snprintf(f.f.note, sizeof f.f.note, "%s", PQgetvalue(r, i, 8));
        snprintf(f.province, sizeof f.province, "%s", PQgetvalue(r, i, 9));
        snprintf(f.shop, sizeof f.shop, "%s", PQgetvalue(r, i, 10));
        f.received = num(r, i, 11);
        rc = fn(ctx, &f);
    }
    PQclear(r);
    pgs_put(ps, db);
    return rc;
}
