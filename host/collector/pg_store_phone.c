/* pg_store_phone.c -- the phone page's lookups and shoppers' reports on a
 * PostgreSQL collector (schema 3), the same rows as phone_store.c keeps
 * in a SQLite file: no client address, lookups cut to the hour. */
#include "collector/pg_store_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Six label columns as text, in the tables' order after time. */
struct label_text {
    char time[24], serial[16];
    const char *v[6];
};

static void label_text(struct label_text *t, int64_t time,
                       const collector_lookup *l)
{
    snprintf(t->time, sizeof t->time, "%" PRId64, time);
    snprintf(t->serial, sizeof t->serial, "%" PRIu32, l->serial);
    const char *v[6] = {t->time,    l->verdict,
                        l->product, l->signer[0] ? l->signer : "_",
                        l->lot,     t->serial};
    memcpy(t->v, v, sizeof v);
}

/* One query returning rows on a pooled connection: its result and, in
 * *db, the connection to give back with pgs_put after PQclear; NULL with
 * a message (the connection already given back). */
static PGresult *rows(pg_store *ps, PGconn **db, const char *sql, int n,
                      const char *const *v, const int *lens, const int *fmts,
                      int binary, char *err, size_t errsz)
{
    *db = pgs_get(ps, err, errsz);
    if (!*db)
        return NULL;
    PGresult *r = PQexecParams(*db, sql, n, NULL, v, lens, fmts, binary);
    if (!r || PQresultStatus(r) != PGRES_TUPLES_OK) {
        pgs_err(*db, "collector database", err, errsz);
        PQclear(r);
        pgs_put(ps, *db);
        return NULL;
    }
    return r;
}

/* Run one INSERT ... RETURNING id. */
static int put(pg_store *ps, const char *sql, int n, const char *const *v,
               const int *lens, const int *fmts, int64_t *id, char *err,
               size_t errsz)
{
    PGconn *db;
    PGresult *r = rows(ps, &db, sql, n, v, lens, fmts, 0, err, errsz);
    if (!r)
        return -1;
    if (id && PQntuples(r) == 1)
        *id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    pgs_put(ps, db);
    return 0;
}

int pg_store_phone_lookup(pg_store *ps, const collector_lookup *l, int64_t time,
                          char *err, size_t errsz)
{
    struct label_text t;
    label_text(&t, time, l);
    return put(ps,
               "INSERT INTO collector.phone_lookups (time, verdict, product,"
               " signer, lot, serial) VALUES ($1, $2, $3, $4, $5, $6)"
               " RETURNING id",
               6, t.v, NULL, NULL, NULL, err, errsz);
}

int pg_store_phone_report(pg_store *ps, const collector_report *r, int64_t *id,
                          char *err, size_t errsz)
{
    struct label_text t;
    label_text(&t, r->time, &r->label);
    const char *v[12] = {t.v[0],
                         t.v[1],
                         t.v[2],
                         t.v[3],
                         t.v[4],
                         t.v[5],
                         r->what,
                         r->note,
                         r->province,
                         r->shop,
                         r->photo_len ? r->photo : NULL,
                         r->photo_type};
    int lens[12] = {0}, fmts[12] = {0};
    /* The photo goes as bytes (binary format), never as escaped text. */
    lens[10] = (int)r->photo_len;
    fmts[10] = 1;
    return put(ps,
               "INSERT INTO collector.phone_reports (time, verdict, product,"
               " signer, lot, serial, what, note, province, shop, photo,"
               " photo_type) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,"
               " $10, $11, $12) RETURNING id",
               12, v, lens, fmts, id, err, errsz);
}

static void cell(PGresult *r, int row, int col, char *out, size_t outsz)
{
    snprintf(out, outsz, "%s", PQgetvalue(r, row, col));
}

int pg_store_phone_reports(pg_store *ps, int64_t after, int limit,
                           collector_report_fn fn, void *ctx, char *err,
                           size_t errsz)
{
    char a[24], l[16];
    snprintf(a, sizeof a, "%" PRId64, after);
    snprintf(l, sizeof l, "%d", limit);
    const char *v[2] = {a, l};
    PGconn *db;
    PGresult *r = rows(
        ps, &db,
        "SELECT id, time, verdict, product, signer, lot, serial, what, note,"
        " province, shop, photo IS NOT NULL FROM collector.phone_reports"
        " WHERE id > $1 ORDER BY id LIMIT $2",
        2, v, NULL, NULL, 0, err, errsz);
    if (!r)
        return -1;
    int rc = 0;
    for (int i = 0; !rc && i < PQntuples(r); i++) {
        collector_report rep;
        memset(&rep, 0, sizeof rep);
        rep.time = strtoll(PQgetvalue(r, i, 1), NULL, 10);
        cell(r, i, 2, rep.label.verdict, sizeof rep.label.verdict);
        cell(r, i, 3, rep.label.product, sizeof rep.label.product);
        cell(r, i, 4, rep.label.signer, sizeof rep.label.signer);
        cell(r, i, 5, rep.label.lot, sizeof rep.label.lot);
        rep.label.serial = (uint32_t)strtoul(PQgetvalue(r, i, 6), NULL, 10);
        cell(r, i, 7, rep.what, sizeof rep.what);
        cell(r, i, 8, rep.note, sizeof rep.note);
        cell(r, i, 9, rep.province, sizeof rep.province);
        cell(r, i, 10, rep.shop, sizeof rep.shop);
        rc = fn(ctx, strtoll(PQgetvalue(r, i, 0), NULL, 10), &rep,
                PQgetvalue(r, i, 11)[0] == 't');
    }
    PQclear(r);
    pgs_put(ps, db);
    return rc;
}

int pg_store_phone_photo(pg_store *ps, int64_t id, void **data, size_t *len,
                         char type[16], char *err, size_t errsz)
{
    *data = NULL;
    *len = 0;
    char a[24];
    snprintf(a, sizeof a, "%" PRId64, id);
    const char *v[1] = {a};
    PGconn *db;
    /* Binary results: the photo's bytes as stored. */
    PGresult *r = rows(ps, &db,
                       "SELECT photo, photo_type FROM collector.phone_reports"
                       " WHERE id = $1::bigint AND photo IS NOT NULL",
                       1, v, NULL, NULL, 1, err, errsz);
    if (!r)
        return -1;
    int rc = 0;
    if (PQntuples(r) == 0)
        rc = 1;
    else {
        size_t n = (size_t)PQgetlength(r, 0, 0);
        *data = malloc(n ? n : 1);
        if (!*data) {
            snprintf(err, errsz, "out of memory");
            rc = -1;
        } else {
            memcpy(*data, PQgetvalue(r, 0, 0), n);
            *len = n;
            snprintf(type, 16, "%.*s", PQgetlength(r, 0, 1),
                     PQgetvalue(r, 0, 1));
        }
    }
    PQclear(r);
    pgs_put(ps, db);
    return rc;
}
