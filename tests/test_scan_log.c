/* test_scan_log.c -- the scan log keeps every acknowledged scan, stays
 * bounded, prunes uploaded scans first, and survives kill -9 and a full
 * disk. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "scan_log.h"

#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[] = "/tmp/ocop-scanlog-XXXXXX";
static char path[256];
static int seq;

static int setup(void **state)
{
    (void)state;
    if (!mkdtemp(dir))
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* A fresh log path per test. */
static const char *fresh(void)
{
    snprintf(path, sizeof path, "%s/log%d.db", dir, ++seq);
    return path;
}

static void record(scan_record *r, uint32_t serial)
{
    memset(r, 0, sizeof *r);
    r->time = 1764400000 + serial;
    snprintf(r->verdict, sizeof r->verdict, "genuine");
    snprintf(r->product, sizeof r->product, "HN-0001");
    snprintf(r->key_id, sizeof r->key_id, "0123456789ABCDEF");
    snprintf(r->lot, sizeof r->lot, "L1");
    r->serial = serial;
    scan_log_hash_text("text", 4, r->text_hash);
}

static scan_log *open_log(const char *p, int64_t max)
{
    scan_log *log;
    char err[256];
    assert_int_equal(scan_log_open(p, max, &log, err, sizeof err), 0);
    return log;
}

struct collect {
    int64_t ids[64];
    uint32_t serials[64];
    int n;
};

static int collect(void *ctx, const scan_record *r)
{
    struct collect *c = ctx;
    c->ids[c->n] = r->id;
    c->serials[c->n++] = r->serial;
    return c->n == 64;
}

static void test_append_upload(void **state)
{
    (void)state;
    scan_log *log = open_log(fresh(), 0);
    scan_record r;
    for (uint32_t i = 1; i <= 5; i++) {
        record(&r, i);
        assert_int_equal(scan_log_append(log, &r), 0);
        assert_true(r.id > 0);
    }
    struct collect c = {.n = 0};
    assert_int_equal(scan_log_pending(log, 3, collect, &c), 3);
    assert_int_equal(c.serials[0], 1);
    assert_int_equal(c.serials[2], 3);
    assert_int_equal(scan_log_mark_uploaded(log, c.ids[0], c.ids[2]), 0);
    c.n = 0;
    assert_int_equal(scan_log_pending(log, 10, collect, &c), 2);
    assert_int_equal(c.serials[0], 4);
    scan_log_stats st;
    assert_int_equal(scan_log_get_stats(log, &st), 0);
    assert_int_equal(st.rows, 5);
    assert_int_equal(st.pending, 2);
    assert_int_equal(st.dropped, 0);
    scan_log_close(log);
}

static void test_bounded(void **state)
{
    (void)state;
    scan_log *log = open_log(fresh(), 10);
    scan_record r;
    for (uint32_t i = 1; i <= 8; i++) {
        record(&r, i);
        assert_int_equal(scan_log_append(log, &r), 0);
    }
    /* Serials 1-4 were uploaded: they are the first to go. */
    struct collect c = {.n = 0};
    scan_log_pending(log, 4, collect, &c);
    assert_int_equal(scan_log_mark_uploaded(log, c.ids[0], c.ids[3]), 0);
    for (uint32_t i = 9; i <= 14; i++) {
        record(&r, i);
        assert_int_equal(scan_log_append(log, &r), 0);
    }
    scan_log_stats st;
    assert_int_equal(scan_log_get_stats(log, &st), 0);
    assert_int_equal(st.rows, 10);
    assert_int_equal(st.pending, 10);
    assert_int_equal(st.dropped, 0);
    /* Now only pending scans are left: the oldest are dropped, counted. */
    for (uint32_t i = 15; i <= 17; i++) {
        record(&r, i);
        assert_int_equal(scan_log_append(log, &r), 0);
    }
    assert_int_equal(scan_log_get_stats(log, &st), 0);
    assert_int_equal(st.rows, 10);
    assert_int_equal(st.dropped, 3);
    c.n = 0;
    scan_log_pending(log, 64, collect, &c);
    assert_int_equal(c.n, 10);
    assert_int_equal(c.serials[0], 8);
    assert_int_equal(c.serials[9], 17);
    scan_log_close(log);
    /* The count survives reopening. */
    log = open_log(path, 10);
    record(&r, 18);
    assert_int_equal(scan_log_append(log, &r), 0);
    assert_int_equal(scan_log_get_stats(log, &st), 0);
    assert_int_equal(st.rows, 10);
    assert_int_equal(st.dropped, 4);
    scan_log_close(log);
}

static int integrity_ok(const char *p)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    int ok = 0;
    if (sqlite3_open_v2(p, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) ==
            SQLITE_OK) {
        ok = sqlite3_step(st) == SQLITE_ROW &&
             !strcmp((const char *)sqlite3_column_text(st, 0), "ok");
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return ok;
}

/* A child appends scans as fast as it can and reports each ID once
 * scan_log_append() returned (the moment a kiosk shows the verdict). The
 * parent kills it at varying points: every reported scan must be there. */
static void test_kill9(void **state)
{
    (void)state;
    const char *p = fresh();
    int64_t last_acked = 0;
    for (int round = 0; round < 12; round++) {
        int fds[2];
        assert_int_equal(pipe(fds), 0);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            close(fds[0]);
            scan_log *log;
            char err[256];
            if (scan_log_open(p, 0, &log, err, sizeof err) != 0)
                _exit(2);
            for (uint32_t i = 1;; i++) {
                scan_record r;
                record(&r, i);
                if (scan_log_append(log, &r) != 0)
                    _exit(3);
                if (write(fds[1], &r.id, sizeof r.id) != sizeof r.id)
                    _exit(4);
            }
        }
        close(fds[1]);
        int want = 1 + (round * 7) % 40, got = 0;
        int64_t id;
        while (got < want && read(fds[0], &id, sizeof id) == sizeof id) {
            last_acked = id;
            got++;
        }
        kill(pid, SIGKILL);
        /* Drain what the child reported before it died. */
        while (read(fds[0], &id, sizeof id) == sizeof id)
            last_acked = id;
        close(fds[0]);
        int status;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFSIGNALED(status));
        assert_int_equal(got, want);
        assert_true(integrity_ok(p));
        /* Every acknowledged scan is in the log. */
        sqlite3 *db;
        sqlite3_stmt *st;
        assert_int_equal(sqlite3_open(p, &db), SQLITE_OK);
        assert_int_equal(sqlite3_prepare_v2(db,
                                            "SELECT count(*) FROM scans "
                                            "WHERE id = ?",
                                            -1, &st, NULL),
                         SQLITE_OK);
        sqlite3_bind_int64(st, 1, last_acked);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        assert_int_equal(sqlite3_column_int(st, 0), 1);
        sqlite3_finalize(st);
        sqlite3_close(db);
    }
}

/* With the file size limit hit, appends fail with a message and the log
 * stays intact and usable once space is back. */
static void test_disk_full(void **state)
{
    (void)state;
    const char *p = fresh();
    scan_log *log = open_log(p, 0);
    scan_record r;
    record(&r, 1);
    assert_int_equal(scan_log_append(log, &r), 0);
    scan_log_close(log);

    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        signal(SIGXFSZ, SIG_IGN);
        struct rlimit rl = {64 * 1024, 64 * 1024};
        if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
            _exit(2);
        scan_log *l;
        char err[256];
        if (scan_log_open(p, 0, &l, err, sizeof err) != 0)
            _exit(3);
        for (uint32_t i = 2; i < 100000; i++) {
            scan_record s;
            record(&s, i);
            if (scan_log_append(l, &s) != 0) {
                int has_msg = strstr(scan_log_error(l), "scan log") != NULL;
                scan_log_close(l);
                _exit(has_msg ? 0 : 4);
            }
        }
        _exit(5); /* the limit never bit */
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_true(integrity_ok(p));
    log = open_log(p, 0);
    record(&r, 999999);
    assert_int_equal(scan_log_append(log, &r), 0);
    scan_log_stats st;
    assert_int_equal(scan_log_get_stats(log, &st), 0);
    assert_true(st.rows > 1);
    scan_log_close(log);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_append_upload),
        cmocka_unit_test(test_bounded),
        cmocka_unit_test(test_kill9),
        cmocka_unit_test(test_disk_full),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
