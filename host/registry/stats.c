/* stats.c -- the registry's one statistics query: products, producers,
 * stars, groups and certificates expiring, per province and nationwide
 * (ocop-host stats and the "stats" report both read it). */
#include "registry/registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The group columns come from the one list of groups (labels/). */
#define GROUP_CODE_(e, code) code,
#define GROUP_SUM_(e, code) "sum(grp='" code "'), "

const char *const registry_stats_heads[REG_STATS_N] = {
    "products",
    "producers",
    "3 stars",
    "4 stars",
    "5 stars",
    "proposed 5",
    LABELS_GROUP_LIST(GROUP_CODE_, GROUP_CODE_) "expiring",
    "expired"};
const char *const registry_stats_keys[REG_STATS_N] = {
    "products",
    "producers",
    "stars3",
    "stars4",
    "stars5",
    "proposed5",
    LABELS_GROUP_LIST(GROUP_CODE_, GROUP_CODE_) "expiring",
    "expired"};

/* One SELECT serves both the per-province rows (grouped) and the
 * nationwide row (not grouped), in the order of registry_stats_keys. */
#define STATS_COLUMNS                                                          \
    "count(*), count(DISTINCT producer), "                                     \
    "sum(stars=3), sum(stars=4 AND proposed5=0), sum(stars=5), "               \
    "sum(proposed5=1), " LABELS_GROUP_LIST(                                    \
        GROUP_SUM_, GROUP_SUM_) "sum(status='rated' AND expires>=?1 AND "      \
                                "expires<=date(?1,'+'||?2||' "                 \
                                "days')), "                                    \
                                "sum(effective_status(status,expires,?1)="     \
                                "'expired') "

static int prepare(sqlite3 *db, const char *schema, int grouped,
                   const struct reg_stats_query *q, sqlite3_stmt **st)
{
    char sql[1024];
    snprintf(sql, sizeof sql,
             "SELECT %s" STATS_COLUMNS "FROM \"%s\".products WHERE ?3 = '' OR "
             "province = ?3 %s",
             grouped ? "province, " : "", schema,
             grouped ? "GROUP BY province" : "");
    if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(*st, 1, q->today, -1, SQLITE_STATIC);
    sqlite3_bind_int64(*st, 2, q->expiring_days);
    sqlite3_bind_text(*st, 3, q->province ? q->province : "", -1,
                      SQLITE_STATIC);
    return 0;
}

static void row_values(sqlite3_stmt *st, int first, struct reg_stats_row *r)
{
    for (int i = 0; i < REG_STATS_N; i++)
        r->v[i] = (long)sqlite3_column_int64(st, first + i);
}

int registry_stats(sqlite3 *db, const char *schema,
                   const struct reg_stats_query *q, struct reg_stats_row **rows,
                   size_t *n, struct reg_stats_row *total, char *err,
                   size_t errsz)
{
    sqlite3_stmt *st = NULL;
    size_t cap = 0;
    int rc = SQLITE_DONE, ok = prepare(db, schema, 1, q, &st) == 0;
    *rows = NULL;
    *n = 0;
    memset(total, 0, sizeof *total);
    while (ok && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 64;
            struct reg_stats_row *nr = realloc(*rows, cap * sizeof *nr);
            if (!nr) {
                snprintf(err, errsz, "out of memory");
                sqlite3_finalize(st);
                free(*rows);
                *rows = NULL;
                *n = 0;
                return -1;
            }
            *rows = nr;
        }
        struct reg_stats_row *r = &(*rows)[(*n)++];
        const unsigned char *name = sqlite3_column_text(st, 0);
        snprintf(r->province, sizeof r->province, "%s",
                 name ? (const char *)name : "");
        row_values(st, 1, r);
    }
    ok = ok && rc == SQLITE_DONE;
    sqlite3_finalize(st);
    st = NULL;
    ok = ok && prepare(db, schema, 0, q, &st) == 0 &&
         sqlite3_step(st) == SQLITE_ROW;
    if (ok)
        row_values(st, 0, total);
    sqlite3_finalize(st);
    if (!ok) {
        snprintf(err, errsz, "%s", sqlite3_errmsg(db));
        free(*rows);
        *rows = NULL;
        *n = 0;
        return -1;
    }
    return 0;
}
