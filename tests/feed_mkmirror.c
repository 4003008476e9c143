/* feed_mkmirror.c -- write a synthetic mirror for the feed tests and
 * benchmark: usage: feed_mkmirror OUT.db PRODUCTS [CHANGE_PERMILLE [SEED]]
 * [--extra-table]. The same PRODUCTS and SEED give the same rows; a
 * CHANGE_PERMILLE of 10 changes 1% of products (rating and status). */
#include <labels.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *groups[] = {"food",     "beverages", "herbal",
                               "textiles", "souvenirs", "tourism"};

static int run(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "feed_mkmirror: %s\n", msg ? msg : "?");
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    int extra = 0;
    if (argc > 1 && !strcmp(argv[argc - 1], "--extra-table")) {
        extra = 1;
        argc--;
    }
    if (argc < 3 || argc > 5) {
        fprintf(stderr, "usage: feed_mkmirror OUT.db PRODUCTS "
                        "[CHANGE_PERMILLE [SEED]] [--extra-table]\n");
        return 2;
    }
    long n = atol(argv[2]);
    long change = argc > 3 ? atol(argv[3]) : 0;
    long seed = argc > 4 ? atol(argv[4]) : 1;
    sqlite3 *db;
    remove(argv[1]);
    if (sqlite3_open(argv[1], &db) != SQLITE_OK)
        return 3;
    if (run(db, labels_mirror_schema()) || run(db, "BEGIN") ||
        run(db, "INSERT INTO meta VALUES('schema_version','1'),"
                "('feed_version','0'),('published',''),('authority','')"))
        return 3;
    if (extra && run(db, "CREATE TABLE extra(k TEXT PRIMARY KEY, v TEXT) "
                         "WITHOUT ROWID; INSERT INTO extra VALUES('a','b')"))
        return 3;
    sqlite3_stmt *pp, *pr;
    if (sqlite3_prepare_v2(db, "INSERT INTO producers VALUES(?,?,?,?)", -1,
                           &pp, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "INSERT INTO products VALUES(?,?,?,?,?,?,?,?,?,?,"
                           "?,?,?)",
                           -1, &pr, NULL) != SQLITE_OK)
        return 3;
    long nprod = n / 20 + 1;
    char code[32], name[128], cert[64];
    for (long i = 0; i < nprod; i++) {
        snprintf(code, sizeof code, "HN-P%05ld", i);
        snprintf(name, sizeof name, "Hợp tác xã số %ld", i);
        sqlite3_bind_text(pp, 1, code, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(pp, 2, name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(pp, 3, "cooperative", -1, SQLITE_STATIC);
        sqlite3_bind_text(pp, 4, "Hà Nội", -1, SQLITE_STATIC);
        if (sqlite3_step(pp) != SQLITE_DONE)
            return 3;
        sqlite3_reset(pp);
    }
    for (long i = 0; i < n; i++) {
        /* Which products this version changes: spread evenly. */
        int changed = change > 0 && (i * 7 + seed) % 1000 < change;
        snprintf(code, sizeof code, "HN-%07ld", i);
        snprintf(name, sizeof name, "Sản phẩm %ld", i);
        snprintf(cert, sizeof cert, "QD-%ld/UBND", 1000 + i / 50);
        char prod[32];
        snprintf(prod, sizeof prod, "HN-P%05ld", i / 20);
        sqlite3_bind_text(pr, 1, code, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(pr, 2, name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(pr, 3, groups[i % 6], -1, SQLITE_STATIC);
        sqlite3_bind_text(pr, 4, prod, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(pr, 5, "Hà Nội", -1, SQLITE_STATIC);
        sqlite3_bind_int(pr, 6, changed ? 5 : 3 + (int)(i % 3));
        sqlite3_bind_int(pr, 7, 0);
        sqlite3_bind_text(pr, 8, changed ? "revoked" : "rated", -1,
                          SQLITE_STATIC);
        sqlite3_bind_text(pr, 9, changed ? "kiểm tra không đạt" : "", -1,
                          SQLITE_STATIC);
        sqlite3_bind_text(pr, 10, changed ? "2026-11-29" : "", -1,
                          SQLITE_STATIC);
        sqlite3_bind_text(pr, 11, cert, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(pr, 12, "2025-01-15", -1, SQLITE_STATIC);
        sqlite3_bind_text(pr, 13, "2028-01-15", -1, SQLITE_STATIC);
        if (sqlite3_step(pr) != SQLITE_DONE) {
            fprintf(stderr, "feed_mkmirror: %s\n", sqlite3_errmsg(db));
            return 3;
        }
        sqlite3_reset(pr);
    }
    sqlite3_finalize(pp);
    sqlite3_finalize(pr);
    if (run(db, "COMMIT"))
        return 3;
    return sqlite3_close(db) == SQLITE_OK ? 0 : 3;
}
