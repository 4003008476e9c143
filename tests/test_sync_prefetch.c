/* test_sync_prefetch.c -- the rows a delta's products changes name, in
 * products and in the overlay, read ahead on other connections: every
 * value as the tables hold it, in the changeset's order, shared among
 * threads, the committed version only; a caller out of step or stopping
 * early neither misreads nor hangs. */
/* cmocka needs these first, in this order. */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include "sync_prefetch.h"

#include <labels.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PRODUCTS 2000

struct fixture {
    char dir[64];
    char path[128];
    sqlite3 *db; /* the writer, in its transaction */
    void *cs;
    int n;
};

static void exec_ok(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        fail_msg("%s: %s", sql, msg ? msg : "?");
}

/* Product i's values: each type a column can hold, empty ones too. */
static void fill_products(sqlite3 *db, int from, int to)
{
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "INSERT INTO products VALUES (printf("
                                        "'P%05d', ?1), CASE WHEN ?1 % 7 THEN"
                                        " 'name ' || ?1 ELSE '' END, ?1 % 5,"
                                        " ?1 / 4.0, CASE ?1 % 3 WHEN 0 THEN"
                                        " NULL WHEN 1 THEN x'' ELSE"
                                        " randomblob(?1 % 50 + 1) END)",
                                        -1, &st, NULL),
                     SQLITE_OK);
    for (int i = from; i < to; i++) {
        sqlite3_bind_int(st, 1, i);
        assert_int_equal(sqlite3_step(st), SQLITE_DONE);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
}

/* A mirror at version 7 (WAL or not) with PRODUCTS products and an
 * overlay, and a changeset of another copy: updates, deletes, inserts,
 * and meta between them. */
static int make(void **state, int wal)
{
    struct fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    snprintf(f->dir, sizeof f->dir, "/tmp/prefetch.XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof f->path, "%s/mirror.db", f->dir);
    static const char schema[] =
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value);"
        "CREATE TABLE products (code TEXT PRIMARY KEY, name TEXT, stars"
        " INTEGER, price REAL, photo BLOB) WITHOUT ROWID;"
        "INSERT INTO meta VALUES ('feed_version', 7)";
    assert_int_equal(sqlite3_open(f->path, &f->db), SQLITE_OK);
    if (wal)
        exec_ok(f->db, "PRAGMA journal_mode = WAL");
    exec_ok(f->db, "PRAGMA synchronous = OFF; BEGIN");
    exec_ok(f->db, schema);
    fill_products(f->db, 0, PRODUCTS);
    /* Products 0, 3, 6, ... 897 have an overlay row, every other one
     * gone. */
    exec_ok(f->db,
            "CREATE TABLE " LABELS_MIRROR_OVERLAY " (seq INTEGER"
            " PRIMARY KEY, code TEXT NOT NULL UNIQUE, name TEXT,"
            " stars INTEGER, price REAL, photo BLOB, gone INTEGER"
            " NOT NULL DEFAULT 0);"
            "INSERT INTO " LABELS_MIRROR_OVERLAY " (code, name, stars,"
            " price, photo, gone) SELECT code, 'new ' || name, stars"
            " + 1, price, photo, substr(code, 2) % 2 FROM products"
            " WHERE substr(code, 2) % 3 = 0 AND substr(code, 2) + 0 < 900");
    exec_ok(f->db, "COMMIT");

    sqlite3 *other = NULL;
    assert_int_equal(sqlite3_open(":memory:", &other), SQLITE_OK);
    exec_ok(other, schema);
    fill_products(other, 0, PRODUCTS);
    sqlite3_session *s = NULL;
    assert_int_equal(sqlite3session_create(other, "main", &s), SQLITE_OK);
    assert_int_equal(sqlite3session_attach(s, NULL), SQLITE_OK);
    exec_ok(other, "UPDATE products SET stars = stars + 1 WHERE"
                   " substr(code, 2) % 2 = 1;"
                   "DELETE FROM products WHERE substr(code, 2) % 10 = 4;"
                   "UPDATE meta SET value = 8");
    fill_products(other, PRODUCTS, PRODUCTS + 300);
    assert_int_equal(sqlite3session_changeset(s, &f->n, &f->cs), SQLITE_OK);
    sqlite3session_delete(s);
    sqlite3_close(other);

    exec_ok(f->db, "BEGIN IMMEDIATE");
    /* Written by the delta's own transaction: not products' committed
     * state, which is what a delta's changes are checked against. */
    fill_products(f->db, PRODUCTS, PRODUCTS + 1);
    *state = f;
    return 0;
}

static int setup(void **state) { return make(state, 1); }

static int setup_rollback(void **state) { return make(state, 0); }

static int teardown(void **state)
{
    struct fixture *f = *state;
    sqlite3_exec(f->db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(f->db);
    sqlite3_free(f->cs);
    char path[160];
    const char *ext[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s%s", f->path, ext[i]);
        unlink(path);
    }
    rmdir(f->dir);
    free(f);
    return 0;
}

/* The code of the change it is on. */
static const char *change_code(sqlite3_changeset_iter *it, int *len)
{
    const char *tab;
    int ncol, op;
    sqlite3_value *k = NULL;
    assert_int_equal(sqlite3changeset_op(it, &tab, &ncol, &op, NULL),
                     SQLITE_OK);
    if (strcmp(tab, "products"))
        return NULL;
    assert_int_equal(op == SQLITE_INSERT ? sqlite3changeset_new(it, 0, &k)
                                         : sqlite3changeset_old(it, 0, &k),
                     SQLITE_OK);
    *len = sqlite3_value_bytes(k);
    return (const char *)sqlite3_value_text(k);
}

/* Row (ncol values) equals the statement's row, type by type. */
static void same_row(const struct prefetch_value *row, int ncol,
                     sqlite3_stmt *st)
{
    assert_int_equal(ncol, sqlite3_column_count(st));
    for (int c = 0; c < ncol; c++) {
        assert_int_equal(row[c].type, sqlite3_column_type(st, c));
        if (row[c].type == SQLITE_INTEGER)
            assert_int_equal(row[c].i, sqlite3_column_int64(st, c));
        if (row[c].type == SQLITE_FLOAT)
            assert_true(row[c].f == sqlite3_column_double(st, c));
        if (row[c].type == SQLITE_TEXT || row[c].type == SQLITE_BLOB) {
            assert_int_equal(row[c].n, sqlite3_column_bytes(st, c));
            assert_true(row[c].n == 0 ||
                        !memcmp(row[c].p, sqlite3_column_blob(st, c),
                                (size_t)row[c].n));
        }
    }
}

/* rc and row as the reference statement st gives them for code. */
static void check_table(sqlite3_stmt *st, const char *code, int len, int rc,
                        const struct prefetch_value *row, int ncol)
{
    sqlite3_bind_text(st, 1, code, len, SQLITE_STATIC);
    int want = sqlite3_step(st);
    assert_int_equal(rc, want);
    if (rc == SQLITE_ROW)
        same_row(row, ncol, st);
    sqlite3_reset(st);
}

/* Every products change's rows in products and in the overlay equal the
 * committed ones, value by value and type by type, with lanes threads;
 * *uncommitted says whether the row the writer added was seen. Returns
 * how many changes were compared. */
static int compare_all(struct fixture *f, int64_t base, int lanes,
                       int *uncommitted)
{
    sqlite3 *ref = NULL;
    sqlite3_stmt *st[2] = {NULL, NULL};
    assert_int_equal(sqlite3_open_v2(f->path, &ref, SQLITE_OPEN_READONLY, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(ref,
                                        "SELECT * FROM products WHERE"
                                        " code = ?1",
                                        -1, &st[0], NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(ref,
                                        "SELECT * FROM " LABELS_MIRROR_OVERLAY
                                        " WHERE code = ?1",
                                        -1, &st[1], NULL),
                     SQLITE_OK);
    prefetch *p = NULL;
    assert_int_equal(prefetch_start(&p, f->db, f->cs, f->n, base, lanes),
                     SQLITE_OK);
    sqlite3_changeset_iter *it = NULL;
    assert_int_equal(sqlite3changeset_start(&it, f->n, f->cs), SQLITE_OK);
    int seen = 0, overlaid = 0, len;
    *uncommitted = 0;
    while (sqlite3changeset_next(it) == SQLITE_ROW) {
        const char *code = change_code(it, &len);
        if (!code)
            continue;
        struct prefetch_rows r;
        assert_int_equal(prefetch_next(p, code, len, &r), SQLITE_OK);
        if (!strcmp(code, "P02000"))
            *uncommitted = r.base_rc == SQLITE_ROW;
        else
            check_table(st[0], code, len, r.base_rc, r.base, r.base_ncol);
        check_table(st[1], code, len, r.ov_rc, r.ov, r.ov_ncol);
        overlaid += r.ov_rc == SQLITE_ROW;
        seen++;
    }
    /* The changeset names overlaid products: both tables were read. */
    assert_true(overlaid > 100);
    /* Asked once more than there are changes: the caller is out of step. */
    struct prefetch_rows r;
    assert_int_not_equal(prefetch_next(p, "P00000", 6, &r), SQLITE_OK);
    sqlite3changeset_finalize(it);
    prefetch_stop(p);
    sqlite3_finalize(st[0]);
    sqlite3_finalize(st[1]);
    sqlite3_close(ref);
    return seen;
}

#define CHANGES (PRODUCTS / 2 + PRODUCTS / 10 + 300)

/* Many more rows than a lane's ring holds, read on other connections
 * by one to four threads, or as many as there are processors: the
 * writer's own uncommitted row is not among them. */
static void test_rows_as_committed(void **state)
{
    for (int lanes = 0; lanes <= 4; lanes++) {
        int uncommitted = -1;
        assert_int_equal(compare_all(*state, 7, lanes, &uncommitted), CHANGES);
        assert_int_equal(uncommitted, 0);
    }
}

/* A file at another version than the delta's base is not read: the rows
 * come from the writer's connection, which sees its own row. */
static void test_other_version_reads_writer(void **state)
{
    int uncommitted = -1;
    assert_int_equal(compare_all(*state, 6, 2, &uncommitted), CHANGES);
    assert_int_equal(uncommitted, 1);
}

/* Without a WAL, another connection's read lock would stop the writer:
 * the writer reads its rows itself. */
static void test_rollback_journal_reads_writer(void **state)
{
    int uncommitted = -1;
    assert_int_equal(compare_all(*state, 7, 2, &uncommitted), CHANGES);
    assert_int_equal(uncommitted, 1);
}

/* The caller asks for another code than the changeset's next: an error,
 * never another product's row. */
static void test_out_of_step(void **state)
{
    struct fixture *f = *state;
    prefetch *p = NULL;
    assert_int_equal(prefetch_start(&p, f->db, f->cs, f->n, 7, 2), SQLITE_OK);
    struct prefetch_rows r;
    assert_int_equal(prefetch_next(p, "P99999", 6, &r), SQLITE_INTERNAL);
    prefetch_stop(p);
}

/* Stopped with the ring full and the reader waiting for room, or at
 * once: it returns, nothing leaks (the sanitizer build checks). */
static void test_stop_early(void **state)
{
    struct fixture *f = *state;
    for (int wait = 0; wait < 2; wait++) {
        prefetch *p = NULL;
        assert_int_equal(prefetch_start(&p, f->db, f->cs, f->n, 7, 3),
                         SQLITE_OK);
        if (wait)
            usleep(200 * 1000);
        prefetch_stop(p);
    }
    prefetch_stop(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_rows_as_committed, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_other_version_reads_writer, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_rollback_journal_reads_writer,
                                        setup_rollback, teardown),
        cmocka_unit_test_setup_teardown(test_out_of_step, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stop_early, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
