/* test_host_changes.c -- the guarded changes the commands and the console
 * share (host/registry/changes.c): the guard is asked against the row as
 * stored and as it would be saved, a refusal or a stale version leaves
 * every row and the audit as they were, the caller's own writes (also)
 * join the change or undo it, and the audit names the guard's author. */
#include "registry/registry.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

struct fixture {
    char dir[64], path[96];
    sqlite3 *db;
};

static int setup(void **state)
{
    static struct fixture f;
    char err[REG_ERR_MAX];
    snprintf(f.dir, sizeof f.dir, "/tmp/ocop-changes.XXXXXX");
    if (!mkdtemp(f.dir))
        return -1;
    snprintf(f.path, sizeof f.path, "%s/r.db", f.dir);
    if (registry_create(f.path, &f.db, err, sizeof err) ||
        registry_audit_who_open(f.db, err, sizeof err))
        return -1;
    struct reg_producer pr = {0};
    struct reg_product p = {0};
    if (reg_producer_set(&pr, "code", "HTX-A", err, sizeof err) ||
        reg_producer_set(&pr, "name", "HTX Chè", err, sizeof err) ||
        reg_producer_set(&pr, "kind", "cooperative", err, sizeof err) ||
        reg_producer_set(&pr, "province", "Hà Giang", err, sizeof err) ||
        reg_product_set(&p, "code", "HG001", err, sizeof err) ||
        reg_product_set(&p, "name", "Chè Shan", err, sizeof err) ||
        reg_product_set(&p, "group", "beverages", err, sizeof err) ||
        reg_product_set(&p, "stars", "4", err, sizeof err) ||
        reg_product_set(&p, "province", "Hà Giang", err, sizeof err) ||
        reg_product_set(&p, "producer", "HTX-A", err, sizeof err) ||
        reg_product_set(&p, "certificate", "C-1", err, sizeof err) ||
        reg_product_set(&p, "certified", "2025-01-10", err, sizeof err) ||
        reg_product_finish(&p, err, sizeof err) ||
        registry_begin(f.db, err, sizeof err) ||
        reg_producer_insert(f.db, &pr, err, sizeof err) ||
        reg_product_insert(f.db, &p, err, sizeof err) ||
        registry_commit(f.db, err, sizeof err))
        return -1;
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    char path[128];
    registry_close(f->db);
    static const char *const tails[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s%s", f->path, tails[i]);
        (void)unlink(path); /* the -wal and -shm may be gone already */
    }
    return rmdir(f->dir);
}

/* Every row of products, producers, keys, audit and audit_who as text. */
static void dump(sqlite3 *db, char *out, size_t outsz)
{
    sqlite3_stmt *st;
    out[0] = '\0';
    assert_int_equal(
        sqlite3_prepare_v2(
            db,
            "SELECT (SELECT group_concat(code||name||province||stars||status) "
            "FROM products)||(SELECT group_concat(code||province) FROM "
            "producers)||(SELECT ifnull(group_concat(key_id),'') FROM keys)||"
            "(SELECT group_concat(id||entity||ref||field||ifnull(new,'')) "
            "FROM audit)||(SELECT ifnull(group_concat(audit_id||who),'') FROM "
            "audit_who)",
            -1, &st, NULL),
        SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    snprintf(out, outsz, "%s", sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
}

struct asked {
    int calls, allow;
    struct reg_ask last;
    char province[64], to_province[64];
};

static int ask(void *ctx, const struct reg_ask *a)
{
    struct asked *k = ctx;
    k->calls++;
    k->last = *a;
    snprintf(k->province, sizeof k->province, "%s", a->province);
    snprintf(k->to_province, sizeof k->to_province, "%s", a->to_province);
    return k->allow;
}

static int below_five(void *ctx, const struct reg_ask *a)
{
    (void)ctx;
    return a->stars < 5 && a->to_stars < 5;
}

static int fail_also(void *ctx, sqlite3 *db, char *err, size_t errsz)
{
    (void)ctx;
    (void)db;
    snprintf(err, errsz, "the caller's own write failed");
    return -1;
}

static void refused_changes_change_nothing(void **state)
{
    struct fixture *f = *state;
    char before[4096], after[4096], err[REG_ERR_MAX];
    struct reg_product p;
    struct reg_producer pr;
    struct asked k = {.allow = 0};
    struct reg_guard g = {
        .who = "console:x", .version = -1, .allow = ask, .ctx = &k};
    dump(f->db, before, sizeof before);
    struct reg_field five[] = {{"stars", "5"}};
    assert_int_equal(
        registry_product_edit(f->db, "HG001", five, 1, &g, &p, err, sizeof err),
        REG_CHANGE_FORBIDDEN);
    assert_int_equal(k.last.action, REG_PRODUCT_EDIT);
    assert_int_equal(k.last.stars, 4); /* asked first as stored */
    assert_int_equal(registry_product_status(f->db, "HG001", "suspended", "x",
                                             "2026-01-01", &g, &p, err,
                                             sizeof err),
                     REG_CHANGE_FORBIDDEN);
    assert_int_equal(registry_product_move(f->db, "HG001", "Hà Nội", &g, &p,
                                           err, sizeof err),
                     REG_CHANGE_FORBIDDEN);
    assert_int_equal(registry_producer_move(f->db, "HTX-A", "Hà Nội", &g, &pr,
                                            NULL, err, sizeof err),
                     REG_CHANGE_FORBIDDEN);
    assert_string_equal(k.province, "Tuyên Quang");
    assert_string_equal(k.to_province, "Hà Nội");
    labels_pubkey pub;
    labels_seckey sec;
    assert_int_equal(labels_keygen(&pub, &sec), LABELS_OK);
    assert_int_equal(registry_key_enroll(f->db, "HTX-A", &pub, "2026-01-01", &g,
                                         err, sizeof err),
                     REG_CHANGE_FORBIDDEN);
    dump(f->db, after, sizeof after);
    assert_string_equal(before, after);
    /* The rating as it would be saved is asked too: allowed as stored,
     * refused as saved (a clerk giving 5 stars). */
    g.allow = below_five;
    assert_int_equal(
        registry_product_edit(f->db, "HG001", five, 1, &g, &p, err, sizeof err),
        REG_CHANGE_FORBIDDEN);
    dump(f->db, after, sizeof after);
    assert_string_equal(before, after);
    assert_int_equal(registry_product_edit(f->db, "HG001", five, 1, NULL, &p,
                                           err, sizeof err),
                     REG_CHANGE_OK);
    assert_int_equal(p.stars, 5);
}

static void stale_versions_and_failed_also_change_nothing(void **state)
{
    struct fixture *f = *state;
    char before[4096], after[4096], err[REG_ERR_MAX];
    struct reg_product p;
    long long v = registry_version(f->db, "product", "HG001");
    assert_true(v > 0);
    struct reg_guard g = {.who = "console:x", .version = v - 1};
    struct reg_field name[] = {{"name", "Chè mới"}};
    dump(f->db, before, sizeof before);
    assert_int_equal(
        registry_product_edit(f->db, "HG001", name, 1, &g, &p, err, sizeof err),
        REG_CHANGE_CONFLICT);
    assert_string_equal(p.name, "Chè Shan"); /* the stored values */
    g.version = -2;                          /* a form without a version */
    assert_int_equal(
        registry_product_edit(f->db, "HG001", name, 1, &g, &p, err, sizeof err),
        REG_CHANGE_CONFLICT);
    g.version = v;
    g.also = fail_also;
    assert_int_equal(
        registry_product_edit(f->db, "HG001", name, 1, &g, &p, err, sizeof err),
        REG_CHANGE_FAILED);
    assert_string_equal(err, "the caller's own write failed");
    dump(f->db, after, sizeof after);
    assert_string_equal(before, after);
    /* The same change, now whole: the audit rows name the author. */
    g.also = NULL;
    assert_int_equal(
        registry_product_edit(f->db, "HG001", name, 1, &g, &p, err, sizeof err),
        REG_CHANGE_OK);
    assert_true(registry_version(f->db, "product", "HG001") > v);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(f->db,
                                        "SELECT w.who FROM audit a JOIN "
                                        "audit_who w ON w.audit_id=a.id "
                                        "WHERE a.ref='HG001' AND "
                                        "a.field='name'",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "console:x");
    sqlite3_finalize(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(refused_changes_change_nothing, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            stale_versions_and_failed_also_change_nothing, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
