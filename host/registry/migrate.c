/* migrate.c -- a registry of schema version 1 (the 63 provinces of 2020)
 * brought to version 2 in place: the 34 units of 2025 everywhere, and the
 * unit each product was certified in kept beside its province. One
 * transaction; every changed row leaves its audit row. */
#include "registry/registry.h"

#include <stdio.h>
#include <string.h>

struct mig {
    sqlite3 *db;
    registry_row_fn fn;
    void *ctx;
    struct reg_migration *m;
    char *err;
    size_t errsz;
};

static void tell(struct mig *g, const char *entity, const char *ref,
                 const char *field, const char *old, const char *new)
{
    const char *cols[] = {entity, ref, field, old, new};
    if (g->fn)
        g->fn(g->ctx, cols, 5);
}

/* One UPDATE with two text parameters (?1 new value, ?2 key). */
static int set_text(struct mig *g, const char *sql, const char *value,
                    const char *key)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(g->db, sql, -1, &st, NULL) != SQLITE_OK)
        return registry_db_error(g->db, "cannot migrate", g->err, g->errsz);
    sqlite3_bind_text(st, 1, value, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return registry_db_error(g->db, "cannot migrate", g->err, g->errsz);
    return 0;
}

/* Every (key, province) row of select moved to its 2025 unit with update
 * (?1 unit, ?2 key); audit rows come from the table's trigger, or, with
 * audit set, are written here. *count gets the rows changed. */
static int move_rows(struct mig *g, const char *entity, const char *select,
                     const char *update, int audit, long *count)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(g->db, select, -1, &st, NULL) != SQLITE_OK)
        return registry_db_error(g->db, "cannot migrate", g->err, g->errsz);
    int rc, bad = 0;
    while (!bad && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        char key[256], old[256];
        snprintf(key, sizeof key, "%s", sqlite3_column_text(st, 0));
        snprintf(old, sizeof old, "%s", sqlite3_column_text(st, 1));
        const labels_province *p = labels_province_find(old, NULL);
        if (!p) {
            g->m->unknown++;
            tell(g, entity, key, "province", old, "");
            continue;
        }
        if (!strcmp(p->name, old))
            continue;
        bad = set_text(g, update, p->name, key);
        if (!bad && audit) {
            char sql[512];
            snprintf(sql, sizeof sql,
                     "INSERT INTO audit(at,entity,ref,field,old,new) VALUES("
                     "strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ','now'),'%s',?2,"
                     "'province',?3,?1)",
                     entity);
            sqlite3_stmt *a;
            bad = sqlite3_prepare_v2(g->db, sql, -1, &a, NULL) != SQLITE_OK;
            if (!bad) {
                sqlite3_bind_text(a, 1, p->name, -1, SQLITE_STATIC);
                sqlite3_bind_text(a, 2, key, -1, SQLITE_STATIC);
                sqlite3_bind_text(a, 3, old, -1, SQLITE_STATIC);
                bad = sqlite3_step(a) != SQLITE_DONE;
                sqlite3_finalize(a);
            }
            if (bad)
                registry_db_error(g->db, "cannot migrate", g->err, g->errsz);
        }
        if (!bad) {
            (*count)++;
            tell(g, entity, key, "province", old, p->name);
        }
    }
    sqlite3_finalize(st);
    if (!bad && rc != SQLITE_DONE)
        return registry_db_error(g->db, "cannot migrate", g->err, g->errsz);
    return bad ? -1 : 0;
}

/* Products: the unit they were certified in is the province as stored
 * (an old unit's name stays a valid issuer), the province its 2025 unit. */
static int move_products(struct mig *g)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(g->db,
                           "SELECT code,province,certified_unit FROM products "
                           "ORDER BY code",
                           -1, &st, NULL) != SQLITE_OK)
        return registry_db_error(g->db, "cannot migrate", g->err, g->errsz);
    int rc, bad = 0;
    while (!bad && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        char code[64], prov[256], unit[256];
        snprintf(code, sizeof code, "%s", sqlite3_column_text(st, 0));
        snprintf(prov, sizeof prov, "%s", sqlite3_column_text(st, 1));
        snprintf(unit, sizeof unit, "%s", sqlite3_column_text(st, 2));
        const labels_province *named,
            *pu = labels_province_find(unit[0] ? unit : prov, &named),
            *p = labels_province_find(prov, NULL);
        const char *new_unit = pu ? named->name : unit[0] ? unit : prov;
        const char *new_prov = p ? p->name : prov;
        if (!p) {
            g->m->unknown++;
            tell(g, "product", code, "province", prov, "");
        }
        int changed = 0;
        if (strcmp(new_unit, unit)) {
            bad = set_text(g,
                           "UPDATE products SET certified_unit=?1 "
                           "WHERE code=?2",
                           new_unit, code);
            if (!bad)
                tell(g, "product", code, "certified_unit", unit, new_unit);
            changed = 1;
        }
        if (!bad && strcmp(new_prov, prov)) {
            bad = set_text(g, "UPDATE products SET province=?1 WHERE code=?2",
                           new_prov, code);
            if (!bad)
                tell(g, "product", code, "province", prov, new_prov);
            changed = 1;
        }
        g->m->products += changed && p;
    }
    sqlite3_finalize(st);
    if (!bad && rc != SQLITE_DONE)
        return registry_db_error(g->db, "cannot migrate", g->err, g->errsz);
    return bad ? -1 : 0;
}

static int to_version_2(struct mig *g)
{
    if (registry_exec(g->db,
                      "ALTER TABLE products ADD COLUMN certified_unit TEXT "
                      "NOT NULL DEFAULT ''",
                      g->err, g->errsz) ||
        registry_add_column_trigger(g->db, "products", "certified_unit", g->err,
                                    g->errsz))
        return -1;
    return 0;
}

static int migrate(struct mig *g)
{
    if (g->m->from == 1 && to_version_2(g))
        return -1;
    if (move_products(g) ||
        move_rows(g, "producer", "SELECT code,province FROM producers",
                  "UPDATE producers SET province=?1 WHERE code=?2", 0,
                  &g->m->producers))
        return -1;
    if (registry_has_table(g->db, "inspectors") &&
        move_rows(g, "inspector", "SELECT inspector,province FROM inspectors",
                  "UPDATE inspectors SET province=?1 WHERE inspector=?2", 0,
                  &g->m->others))
        return -1;
    if (registry_has_table(g->db, "console_users") &&
        move_rows(g, "user",
                  "SELECT name,province FROM console_users WHERE province!=''",
                  "UPDATE console_users SET province=?1 WHERE name=?2", 1,
                  &g->m->others))
        return -1;
    if (g->m->from == 1 &&
        (registry_meta_set(g->db, "registry_schema", "2", g->err, g->errsz) ||
         registry_exec(g->db,
                       "INSERT INTO audit(at,entity,ref,field,old,new) VALUES("
                       "strftime('%Y-%m-%dT%H:%M:%SZ','now'),'authority',"
                       "'provinces','units','63 units of 2020','34 units of "
                       "2025 (Resolution 202/2025/QH15)')",
                       g->err, g->errsz)))
        return -1;
    return 0;
}

int registry_migrate(const char *path, registry_row_fn fn, void *ctx,
                     struct reg_migration *m, char *err, size_t errsz)
{
    memset(m, 0, sizeof *m);
    sqlite3 *db;
    if (registry_open_for_migration(path, &db, &m->from, err, errsz))
        return -1;
    struct mig g = {db, fn, ctx, m, err, errsz};
    if (fn)
        fn(ctx, NULL, 0);
    int bad = registry_begin(db, err, errsz) || migrate(&g) ||
              registry_commit(db, err, errsz);
    if (bad)
        registry_rollback(db);
    registry_close(db);
    return bad ? -1 : 0;
}
