/* test_report_plan.c -- the SQLite reports' queries read the index they
 * were written for. The collector never runs ANALYZE, so SQLite plans
 * without statistics, and a plan that reads every scan of a product for
 * one label is right on a small file and minutes at 10 million scans
 * (docs/performance.md, "SQLite at 10 million scans"): the plan is what
 * a test can check without timing. */
/* cmocka.h needs these first. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include "collector/collector.h"
#include "report/report_internal.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The plan of sql on a new collector file, its details joined. */
static void plan_of(const char *sql, char *out, size_t outsz)
{
    char path[] = "/tmp/ocop-plan-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    collector *c;
    char err[300];
    assert_int_equal(collector_open(path, &c, err, sizeof err), 0);
    collector_close(c);
    sqlite3 *db;
    sqlite3_stmt *st;
    char eqp[1024];
    snprintf(eqp, sizeof eqp, "EXPLAIN QUERY PLAN %s", sql);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, eqp, -1, &st, NULL), SQLITE_OK);
    out[0] = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        size_t used = strlen(out);
        snprintf(out + used, outsz - used, "%s; ",
                 (const char *)sqlite3_column_text(st, 3));
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    char wal[64];
    unlink(path);
    snprintf(wal, sizeof wal, "%s-wal", path);
    unlink(wal);
    snprintf(wal, sizeof wal, "%s-shm", path);
    unlink(wal);
}

/* A clone suspect's scans: by its label (signer, product, lot, serial),
 * a few rows, not by its product and the period. */
static void clone_hits_by_label(void **state)
{
    (void)state;
    char plan[2048];
    plan_of(RQ_SQL_CLONE_HITS, plan, sizeof plan);
    print_message("plan: %s\n", plan);
    assert_non_null(strstr(plan, "scans_label"));
    assert_null(strstr(plan, "scans_product"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(clone_hits_by_label),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
