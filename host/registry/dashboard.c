/* dashboard.c -- the console dashboard's figures at any registry size:
 * products and producers per province by stars come from two summary
 * tables that triggers keep in step with products (a count over a few
 * thousand rows instead of a scan of a million), and certificates ending
 * and statuses changed from two indexes. */
#include "registry/registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A product counts once in dash_stars under (province, stars, proposed5)
 * and once in dash_producers under the same key and its producer; a
 * producer row whose count falls to 0 goes, so count(DISTINCT producer)
 * over dash_producers is the producers with a product there. dash_expiry
 * counts products per (end date, status): a few thousand rows whatever
 * the registry's size, so "ending within 90 days" and "ended" are sums
 * over days, not counts over products. */
/* What one product adds to the two star summaries, and takes away. */
#define DASH_ADD_NEW                                                           \
    "INSERT INTO dash_stars VALUES (new.province, new.stars, new.proposed5, "  \
    "1) ON CONFLICT DO UPDATE SET n = n + 1;"                                  \
    "INSERT INTO dash_producers VALUES (new.province, new.stars, "             \
    "new.proposed5, new.producer, 1) ON CONFLICT DO UPDATE SET n = n + 1; "
#define DASH_REMOVE_OLD                                                        \
    "UPDATE dash_stars SET n = n - 1 WHERE province = old.province AND "       \
    "stars = old.stars AND proposed5 = old.proposed5;"                         \
    "UPDATE dash_producers SET n = n - 1 WHERE province = old.province AND "   \
    "stars = old.stars AND proposed5 = old.proposed5 AND producer = "          \
    "old.producer;"                                                            \
    "DELETE FROM dash_producers WHERE province = old.province AND stars = "    \
    "old.stars AND proposed5 = old.proposed5 AND producer = old.producer "     \
    "AND n <= 0; "

static const char dash_schema[] =
    "CREATE TABLE dash_stars (province TEXT NOT NULL, stars INTEGER NOT "
    "NULL, proposed5 INTEGER NOT NULL, n INTEGER NOT NULL, PRIMARY KEY "
    "(province, stars, proposed5)) WITHOUT ROWID;"
    "CREATE TABLE dash_producers (province TEXT NOT NULL, stars INTEGER NOT "
    "NULL, proposed5 INTEGER NOT NULL, producer TEXT NOT NULL, n INTEGER NOT "
    "NULL, PRIMARY KEY (province, stars, proposed5, producer)) WITHOUT "
    "ROWID;"
    "INSERT INTO dash_stars SELECT province, stars, proposed5, count(*) FROM "
    "products GROUP BY 1, 2, 3;"
    "INSERT INTO dash_producers SELECT province, stars, proposed5, producer, "
    "count(*) FROM products GROUP BY 1, 2, 3, 4;"
    "CREATE TABLE dash_expiry (expires TEXT NOT NULL, status TEXT NOT NULL, "
    "n INTEGER NOT NULL, PRIMARY KEY (expires, status)) WITHOUT ROWID;"
    "INSERT INTO dash_expiry SELECT expires, status, count(*) FROM products "
    "GROUP BY 1, 2;"
    "CREATE TRIGGER dash_expiry_ai AFTER INSERT ON products BEGIN "
    "INSERT INTO dash_expiry VALUES (new.expires, new.status, 1) ON CONFLICT "
    "DO UPDATE SET n = n + 1; END;"
    "CREATE TRIGGER dash_expiry_ad AFTER DELETE ON products BEGIN "
    "UPDATE dash_expiry SET n = n - 1 WHERE expires = old.expires AND status "
    "= old.status; END;"
    "CREATE TRIGGER dash_expiry_au AFTER UPDATE OF expires, status ON "
    "products BEGIN "
    "UPDATE dash_expiry SET n = n - 1 WHERE expires = old.expires AND status "
    "= old.status;"
    "INSERT INTO dash_expiry VALUES (new.expires, new.status, 1) ON CONFLICT "
    "DO UPDATE SET n = n + 1; END;"
    "CREATE TRIGGER dash_ai AFTER INSERT ON products BEGIN " DASH_ADD_NEW "END;"
    "CREATE TRIGGER dash_ad AFTER DELETE ON products BEGIN " DASH_REMOVE_OLD
    "END;"
    "CREATE TRIGGER dash_au AFTER UPDATE OF province, stars, proposed5, "
    "producer ON products BEGIN " DASH_REMOVE_OLD DASH_ADD_NEW "END;";

/* The lists walk these in order and stop after a page (the status is a
 * filter, never the index's first column, so no sort of every match). */
static const char dash_indexes[] =
    "CREATE INDEX IF NOT EXISTS products_expires ON products(expires);"
    "CREATE INDEX IF NOT EXISTS products_status_date ON "
    "products(status_date);";

int registry_dashboard_prepare(sqlite3 *db, char *err, size_t errsz)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db,
                           "SELECT count(*) FROM sqlite_schema WHERE name = "
                           "'dash_expiry_au'",
                           -1, &st, NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW) {
        snprintf(err, errsz, "%s", sqlite3_errmsg(db));
        sqlite3_finalize(st);
        return -1;
    }
    int have = sqlite3_column_int(st, 0) > 0;
    sqlite3_finalize(st);
    if (have)
        return registry_exec(db, dash_indexes, err, errsz);
    if (registry_begin(db, err, errsz))
        return -1;
    /* Filled and hooked in one transaction: no change falls between. */
    if (registry_exec(db, dash_schema, err, errsz) ||
        registry_exec(db, dash_indexes, err, errsz) ||
        registry_commit(db, err, errsz)) {
        registry_rollback(db);
        return -1;
    }
    return 0;
}

/* The column of (stars, proposed5) in a reg_dash_row. */
static int star_col(int stars, int proposed5)
{
    if (stars == 3)
        return REG_DASH_S3;
    if (stars == 4)
        return proposed5 ? REG_DASH_P5 : REG_DASH_S4;
    return REG_DASH_S5;
}

/* The row of province, added at the end when the list does not have it
 * (a stored name outside the vocabulary). NULL when out of memory. */
static struct reg_dash_row *row_of(struct reg_dash *d, const char *province)
{
    for (size_t i = 0; i < d->nrows; i++)
        if (!strcmp(d->rows[i].province, province))
            return &d->rows[i];
    struct reg_dash_row *r = realloc(d->rows, (d->nrows + 1) * sizeof *r);
    if (!r)
        return NULL;
    d->rows = r;
    r = &d->rows[d->nrows++];
    memset(r, 0, sizeof *r);
    snprintf(r->province, sizeof r->province, "%s", province);
    return r;
}

static const char q_stars[] =
    "SELECT province, stars, proposed5, n FROM dash_stars WHERE n > 0";
static const char q_producers[] =
    "SELECT province, count(DISTINCT producer), "
    "count(DISTINCT CASE WHEN stars = 3 THEN producer END), "
    "count(DISTINCT CASE WHEN stars = 4 AND proposed5 = 0 THEN producer END), "
    "count(DISTINCT CASE WHEN stars = 5 THEN producer END), "
    "count(DISTINCT CASE WHEN proposed5 = 1 THEN producer END) "
    "FROM dash_producers GROUP BY province";
static const char q_producers_all[] =
    "SELECT '', count(DISTINCT producer), "
    "count(DISTINCT CASE WHEN stars = 3 THEN producer END), "
    "count(DISTINCT CASE WHEN stars = 4 AND proposed5 = 0 THEN producer END), "
    "count(DISTINCT CASE WHEN stars = 5 THEN producer END), "
    "count(DISTINCT CASE WHEN proposed5 = 1 THEN producer END) "
    "FROM dash_producers";
/* ?1 today, ?2 days, ?3 the month's first day. */
static const char q_counts[] =
    "SELECT (SELECT ifnull(sum(n), 0) FROM dash_expiry WHERE status = "
    "'rated' AND expires >= ?1 AND expires <= date(?1, '+' || ?2 || ' "
    "days')), "
    "(SELECT ifnull(sum(n), 0) FROM dash_expiry WHERE status IN ('rated', "
    "'expired') AND expires < ?1), "
    "(SELECT count(*) FROM products WHERE status_date >= ?3 AND status_date "
    "<= ?1 AND +status IN ('suspended', 'revoked'))";

static int dash_step(sqlite3 *db, const char *sql, struct reg_dash *d,
                     const char *today, long days, int which)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    char month[LABELS_DATE_SIZE];
    snprintf(month, sizeof month, "%.8s01", today);
    sqlite3_bind_text(st, 1, today, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, days);
    sqlite3_bind_text(st, 3, month, -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *pv = (const char *)sqlite3_column_text(st, 0);
        struct reg_dash_row *r = which == 2   ? &d->total
                                 : which == 3 ? NULL
                                              : row_of(d, pv ? pv : "");
        if (which == 3) {
            d->expiring = sqlite3_column_int64(st, 0);
            d->expired = sqlite3_column_int64(st, 1);
            d->changed = sqlite3_column_int64(st, 2);
            continue;
        }
        if (!r) {
            sqlite3_finalize(st);
            return -1;
        }
        if (which == 0) {
            long n = (long)sqlite3_column_int64(st, 3);
            r->products[star_col(sqlite3_column_int(st, 1),
                                 sqlite3_column_int(st, 2))] += n;
            r->products[REG_DASH_ALL] += n;
            d->total.products[star_col(sqlite3_column_int(st, 1),
                                       sqlite3_column_int(st, 2))] += n;
            d->total.products[REG_DASH_ALL] += n;
        } else {
            for (int c = 0; c < REG_DASH_N; c++)
                r->producers[c] = (long)sqlite3_column_int64(st, 1 + c);
        }
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

int registry_dashboard(sqlite3 *db, const char *today, long days,
                       struct reg_dash *d, char *err, size_t errsz)
{
    memset(d, 0, sizeof *d);
    /* Every province of the vocabulary has a row, products or not. */
    for (size_t i = 0; i < province_count(); i++)
        if (!row_of(d, province_at(i)->name)) {
            snprintf(err, errsz, "out of memory");
            registry_dashboard_free(d);
            return -1;
        }
    if (dash_step(db, q_stars, d, today, days, 0) ||
        dash_step(db, q_producers, d, today, days, 1) ||
        dash_step(db, q_producers_all, d, today, days, 2) ||
        dash_step(db, q_counts, d, today, days, 3)) {
        snprintf(err, errsz, "dashboard: %s", sqlite3_errmsg(db));
        registry_dashboard_free(d);
        return -1;
    }
    return 0;
}

void registry_dashboard_free(struct reg_dash *d)
{
    free(d->rows);
    memset(d, 0, sizeof *d);
}

int registry_dashboard_list(sqlite3 *db, int which, const char *today,
                            long days, long limit, registry_row_fn fn,
                            void *ctx, char *err, size_t errsz)
{
    static const char *const where[] = {
        [REG_DASH_EXPIRING] = "expires >= ?1 AND expires <= date(?1, '+' || "
                              "?2 || ' days') AND +status = 'rated' ORDER BY "
                              "expires",
        [REG_DASH_EXPIRED] = "expires < ?1 AND +status IN ('rated', "
                             "'expired') ORDER BY expires DESC",
        [REG_DASH_CHANGED] = "status_date >= ?3 AND status_date <= ?1 AND "
                             "+status IN ('suspended', 'revoked') ORDER BY "
                             "status_date DESC",
    };
    char sql[512], month[LABELS_DATE_SIZE];
    if (which < 0 || which > REG_DASH_CHANGED) {
        snprintf(err, errsz, "no such dashboard list");
        return -1;
    }
    snprintf(sql, sizeof sql,
             "SELECT code, name, province, status, status_date, "
             "status_reason, expires FROM products WHERE %s LIMIT ?4",
             where[which]);
    snprintf(month, sizeof month, "%.8s01", today);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        snprintf(err, errsz, "%s", sqlite3_errmsg(db));
        return -1;
    }
    sqlite3_bind_text(st, 1, today, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, days);
    sqlite3_bind_text(st, 3, month, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, limit);
    fn(ctx, NULL, 0);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *cols[7];
        for (int i = 0; i < 7; i++) {
            cols[i] = (const char *)sqlite3_column_text(st, i);
            if (!cols[i])
                cols[i] = "";
        }
        fn(ctx, cols, 7);
    }
    if (rc != SQLITE_DONE)
        snprintf(err, errsz, "%s", sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}
