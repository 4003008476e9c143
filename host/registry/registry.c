/* registry.c -- the registry database: schema, audit triggers, opening,
 * transactions and the record reads and writes every command shares. */
#include "registry/registry.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define REGISTRY_SCHEMA_VERSION "1"

/* The public tables match the mirror's (docs/mirror.md) so the export is a
 * plain copy; what is private lives in extra columns and tables the export
 * never reads: producers.contact, meta and audit. */
static const char schema[] =
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
    " WITHOUT ROWID;\n"
    "CREATE TABLE producers (\n"
    "  code     TEXT PRIMARY KEY,\n"
    "  name     TEXT NOT NULL,\n"
    "  kind     TEXT NOT NULL CHECK (kind IN (" LABELS_KIND_SQL_IN ")),\n"
    "  province TEXT NOT NULL,\n"
    "  contact  TEXT NOT NULL DEFAULT ''\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE products (\n"
    "  code          TEXT PRIMARY KEY,\n"
    "  name          TEXT NOT NULL,\n"
    "  grp           TEXT NOT NULL CHECK (grp IN (" LABELS_GROUP_SQL_IN ")),\n"
    "  producer      TEXT NOT NULL REFERENCES producers(code),\n"
    "  province      TEXT NOT NULL,\n"
    "  stars         INTEGER NOT NULL CHECK (stars BETWEEN 3 AND 5),\n"
    "  proposed5     INTEGER NOT NULL DEFAULT 0 CHECK (proposed5 IN (0,1)"
    " AND (proposed5 = 0 OR stars = 4)),\n"
    "  status        TEXT NOT NULL CHECK (status IN "
    "('rated','suspended','revoked','expired')),\n"
    "  status_reason TEXT NOT NULL DEFAULT '',\n"
    "  status_date   TEXT NOT NULL DEFAULT '',\n"
    "  certificate   TEXT NOT NULL,\n"
    "  certified     TEXT NOT NULL,\n"
    "  expires       TEXT NOT NULL CHECK (expires > certified)\n"
    ") WITHOUT ROWID;\n"
    "CREATE INDEX products_producer ON products(producer);\n"
    "CREATE TABLE keys (\n"
    "  key_id        TEXT PRIMARY KEY,\n"
    "  producer      TEXT NOT NULL REFERENCES producers(code),\n"
    "  public_key    BLOB NOT NULL CHECK (length(public_key) = 32),\n"
    "  enrolled      TEXT NOT NULL,\n"
    "  revoked       TEXT NOT NULL DEFAULT '',\n"
    "  revoke_reason TEXT NOT NULL DEFAULT '' CHECK (revoke_reason IN "
    "('','superseded','compromised'))\n"
    ") WITHOUT ROWID;\n"
    "CREATE INDEX keys_producer ON keys(producer);\n"
    "CREATE TABLE clones (\n"
    "  key_id   TEXT NOT NULL,\n"
    "  product  TEXT NOT NULL,\n"
    "  lot      TEXT NOT NULL,\n"
    "  serial   INTEGER NOT NULL,\n"
    "  reported TEXT NOT NULL,\n"
    "  PRIMARY KEY (key_id, product, lot, serial)\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE audit (\n"
    "  id     INTEGER PRIMARY KEY AUTOINCREMENT,\n"
    "  at     TEXT NOT NULL,\n"
    "  entity TEXT NOT NULL,\n"
    "  ref    TEXT NOT NULL,\n"
    "  field  TEXT NOT NULL,\n"
    "  old    TEXT,\n"
    "  new    TEXT\n"
    ");\n"
    "CREATE INDEX audit_ref ON audit(entity, ref);\n";

/* Audit rows come from triggers, so no code path (nor a hand-run SQL
 * statement) can change a record without leaving its trace. */
#define NOW "strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ','now')"

struct audited {
    const char *table, *entity, *key, *summary;
    const char *const *columns;
};

static const char *const product_cols[] = {
    "name",        "grp",         "producer",  "province",
    "stars",       "proposed5",   "status",    "status_reason",
    "status_date", "certificate", "certified", "expires",
    NULL};
static const char *const producer_cols[] = {"name", "kind", "province",
                                            "contact", NULL};
static const char *const key_cols[] = {"producer", "revoked", "revoke_reason",
                                       NULL};
static const char *const meta_cols[] = {"value", NULL};
static const char *const no_cols[] = {NULL};

static const struct audited audited[] = {
    {"products", "product", "code",
     "new.name||' | '||new.grp||' | '||new.producer||' | '||new.province||"
     "' | '||new.stars||CASE new.proposed5 WHEN 1 THEN ' (proposed 5)' ELSE "
     "'' END||' stars | '||new.status||' | '||new.certificate||' | '||"
     "new.certified||' .. '||new.expires",
     product_cols},
    {"producers", "producer", "code",
     "new.name||' | '||new.kind||' | '||new.province", producer_cols},
    {"keys", "key", "key_id",
     "'producer '||new.producer||' enrolled '||"
     "new.enrolled",
     key_cols},
    {"clones", "clone", "key_id",
     "new.product||' lot '||new.lot||' serial '||new.serial||' reported '||"
     "new.reported",
     no_cols},
    {"meta", "meta", "key", "new.value", meta_cols},
};

static int add_triggers(sqlite3 *db, char *err, size_t errsz)
{
    char sql[1024];
    for (size_t t = 0; t < sizeof audited / sizeof audited[0]; t++) {
        const struct audited *a = &audited[t];
        snprintf(sql, sizeof sql,
                 "CREATE TRIGGER %s_ai AFTER INSERT ON %s BEGIN "
                 "INSERT INTO audit(at,entity,ref,field,old,new) VALUES(" NOW
                 ",'%s',new.%s,'(added)',NULL,%s); END;",
                 a->table, a->table, a->entity, a->key, a->summary);
        if (registry_exec(db, sql, err, errsz))
            return -1;
        snprintf(sql, sizeof sql,
                 "CREATE TRIGGER %s_ad AFTER DELETE ON %s BEGIN "
                 "INSERT INTO audit(at,entity,ref,field,old,new) VALUES(" NOW
                 ",'%s',old.%s,'(deleted)',NULL,NULL); END;",
                 a->table, a->table, a->entity, a->key);
        if (registry_exec(db, sql, err, errsz))
            return -1;
        for (const char *const *c = a->columns; *c; c++) {
            snprintf(
                sql, sizeof sql,
                "CREATE TRIGGER %s_au_%s AFTER UPDATE OF %s ON %s "
                "WHEN old.%s IS NOT new.%s BEGIN "
                "INSERT INTO audit(at,entity,ref,field,old,new) VALUES(" NOW
                ",'%s',new.%s,'%s',old.%s,new.%s); END;",
                a->table, *c, *c, a->table, *c, *c, a->entity, a->key, *c, *c,
                *c);
            if (registry_exec(db, sql, err, errsz))
                return -1;
        }
    }
    return 0;
}

/* ---- Statement cache ------------------------------------------------ */

/* Statements on tables with audit triggers are costly to compile (each
 * compiles its triggers too), and an import runs a few per row: keep
 * them prepared, keyed by their SQL text's address. Statements are never
 * held across calls, so evicting one is always safe. */
#define CACHE_SLOTS 16
static struct {
    sqlite3 *db;
    const char *sql;
    sqlite3_stmt *st;
} cache[CACHE_SLOTS];
static unsigned cache_next;

static int reg_prepare(sqlite3 *db, const char *sql, int n, sqlite3_stmt **st,
                       const char **tail)
{
    for (int i = 0; i < CACHE_SLOTS; i++)
        if (cache[i].db == db && cache[i].sql == sql) {
            *st = cache[i].st;
            return SQLITE_OK;
        }
    int rc =
        sqlite3_prepare_v3(db, sql, n, SQLITE_PREPARE_PERSISTENT, st, tail);
    if (rc != SQLITE_OK)
        return rc;
    unsigned slot = cache_next++ % CACHE_SLOTS;
    if (cache[slot].st)
        sqlite3_finalize(cache[slot].st);
    cache[slot].db = db;
    cache[slot].sql = sql;
    cache[slot].st = *st;
    return SQLITE_OK;
}

/* Done with a statement from reg_prepare: ready it for the next use and
 * drop bindings that point at the caller's memory. */
static void reg_release(sqlite3_stmt *st)
{
    if (st) {
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
    }
}

static void cache_drop(sqlite3 *db)
{
    for (int i = 0; i < CACHE_SLOTS; i++)
        if (cache[i].db == db) {
            sqlite3_finalize(cache[i].st);
            cache[i].db = NULL;
            cache[i].sql = NULL;
            cache[i].st = NULL;
        }
}

int registry_db_error(sqlite3 *db, const char *what, char *err, size_t errsz)
{
    snprintf(err, errsz, "%s: %s", what,
             db ? sqlite3_errmsg(db) : "out of memory");
    return -1;
}

int registry_exec(sqlite3 *db, const char *sql, char *err, size_t errsz)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(err, errsz, "database error: %s",
                 msg ? msg : sqlite3_errmsg(db));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

/* effective_status(status, expires, today) in SQL: labels'
 * labels_status_effective, so lists and counts agree with the kiosk. */
static void sql_effective_status(sqlite3_context *cx, int argc,
                                 sqlite3_value **v)
{
    (void)argc;
    const char *st = (const char *)sqlite3_value_text(v[0]);
    const char *ex = (const char *)sqlite3_value_text(v[1]);
    const char *td = (const char *)sqlite3_value_text(v[2]);
    sqlite3_result_text(cx, labels_status_effective(st, ex, td), -1,
                        SQLITE_TRANSIENT);
}

int registry_sql_functions(sqlite3 *db)
{
    return sqlite3_create_function(
               db, "effective_status", 3, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
               NULL, sql_effective_status, NULL, NULL) == SQLITE_OK
               ? 0
               : -1;
}

static int configure(sqlite3 *db, int readonly, char *err, size_t errsz)
{
    sqlite3_busy_timeout(db, 5000);
    if (registry_sql_functions(db))
        return registry_db_error(db, "cannot open registry", err, errsz);
    sqlite3_extended_result_codes(db, 1);
    /* WAL keeps readers (export, stats) off the writers' backs; FULL
     * makes every commit durable on power loss, not just on a crash. */
    if (registry_exec(db, "PRAGMA foreign_keys=ON", err, errsz))
        return -1;
    if (readonly)
        return 0;
    return registry_exec(
        db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", err, errsz);
}

int registry_create(const char *path, sqlite3 **db, char *err, size_t errsz)
{
    *db = NULL;
    err[0] = '\0';
    /* O_EXCL: never turn someone's existing file into a registry. */
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(err, errsz, "cannot create %s: %s", path,
                 errno == EEXIST ? "it already exists" : strerror(errno));
        return -1;
    }
    close(fd);
    if (sqlite3_open_v2(path, db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
        configure(*db, 0, err, errsz) || registry_begin(*db, err, errsz))
        goto fail;
    char now[21], sql[256];
    regtime_now(now);
    snprintf(
        sql, sizeof sql,
        "INSERT INTO meta VALUES ('registry_schema','" REGISTRY_SCHEMA_VERSION
        "'), ('feed_version','0'), ('created','%s');",
        now);
    if (registry_exec(*db, schema, err, errsz) ||
        add_triggers(*db, err, errsz) || registry_exec(*db, sql, err, errsz) ||
        registry_commit(*db, err, errsz))
        goto fail;
    return 0;
fail:
    if (!err[0])
        registry_db_error(*db, "cannot create registry", err, errsz);
    registry_close(*db);
    *db = NULL;
    unlink(path);
    char side[4096];
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    return -1;
}

int registry_open(const char *path, int readonly, sqlite3 **db, char *err,
                  size_t errsz)
{
    *db = NULL;
    err[0] = '\0';
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(err, errsz, "cannot open registry %s: %s", path,
                 strerror(errno));
        return -1;
    }
    int flags = readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
    if (sqlite3_open_v2(path, db, flags, NULL) != SQLITE_OK) {
        registry_db_error(*db, "cannot open registry", err, errsz);
        registry_close(*db);
        *db = NULL;
        return -1;
    }
    char v[16];
    if (configure(*db, readonly, err, errsz) ||
        registry_meta_get(*db, "registry_schema", v, sizeof v) != 0 ||
        strcmp(v, REGISTRY_SCHEMA_VERSION) != 0) {
        if (!err[0])
            snprintf(err, errsz,
                     "%s is not an OCOP registry (or of a newer "
                     "version)",
                     path);
        registry_close(*db);
        *db = NULL;
        return -1;
    }
    return 0;
}

void registry_close(sqlite3 *db)
{
    cache_drop(db);
    sqlite3_close(db);
}

int registry_begin(sqlite3 *db, char *err, size_t errsz)
{
    return registry_exec(db, "BEGIN IMMEDIATE", err, errsz);
}

int registry_commit(sqlite3 *db, char *err, size_t errsz)
{
    if (registry_exec(db, "COMMIT", err, errsz)) {
        registry_rollback(db);
        return -1;
    }
    return 0;
}

void registry_rollback(sqlite3 *db)
{
    if (!sqlite3_get_autocommit(db))
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}

int registry_meta_get(sqlite3 *db, const char *key, char *out, size_t outsz)
{
    sqlite3_stmt *st;
    int rc = -1;
    if (reg_prepare(db, "SELECT value FROM meta WHERE key=?1", -1, &st, NULL) !=
        SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        snprintf(out, outsz, "%s", (const char *)sqlite3_column_text(st, 0));
        rc = 0;
    }
    reg_release(st);
    return rc;
}

int registry_meta_set(sqlite3 *db, const char *key, const char *value,
                      char *err, size_t errsz)
{
    sqlite3_stmt *st;
    if (reg_prepare(db,
                    "INSERT INTO meta(key,value) VALUES(?1,?2) ON "
                    "CONFLICT(key) DO UPDATE SET value=excluded.value",
                    -1, &st, NULL) != SQLITE_OK)
        return registry_db_error(db, "cannot write meta", err, errsz);
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    reg_release(st);
    if (rc != SQLITE_DONE)
        return registry_db_error(db, "cannot write meta", err, errsz);
    return 0;
}

/* ---- Records -------------------------------------------------------- */

static const char product_select[] =
    "SELECT code,name,grp,producer,province,stars,proposed5,status,"
    "status_reason,status_date,certificate,certified,expires FROM products "
    "WHERE code=?1";

static void col_copy(sqlite3_stmt *st, int i, char *dst, size_t dstsz)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    snprintf(dst, dstsz, "%s", t ? (const char *)t : "");
}

int reg_product_load(sqlite3 *db, const char *code, struct reg_product *p,
                     char *err, size_t errsz)
{
    sqlite3_stmt *st;
    if (reg_prepare(db, product_select, -1, &st, NULL) != SQLITE_OK)
        return registry_db_error(db, "cannot read product", err, errsz);
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        memset(p, 0, sizeof *p);
        col_copy(st, 0, p->code, sizeof p->code);
        col_copy(st, 1, p->name, sizeof p->name);
        col_copy(st, 2, p->grp, sizeof p->grp);
        col_copy(st, 3, p->producer, sizeof p->producer);
        col_copy(st, 4, p->province, sizeof p->province);
        p->stars = sqlite3_column_int(st, 5);
        p->proposed5 = sqlite3_column_int(st, 6);
        col_copy(st, 7, p->status, sizeof p->status);
        col_copy(st, 8, p->status_reason, sizeof p->status_reason);
        col_copy(st, 9, p->status_date, sizeof p->status_date);
        col_copy(st, 10, p->certificate, sizeof p->certificate);
        col_copy(st, 11, p->certified, sizeof p->certified);
        col_copy(st, 12, p->expires, sizeof p->expires);
        reg_release(st);
        return 1;
    }
    reg_release(st);
    if (rc == SQLITE_DONE)
        return 0;
    return registry_db_error(db, "cannot read product", err, errsz);
}

int reg_producer_load(sqlite3 *db, const char *code, struct reg_producer *p,
                      char *err, size_t errsz)
{
    sqlite3_stmt *st;
    if (reg_prepare(db,
                    "SELECT code,name,kind,province,contact FROM "
                    "producers WHERE code=?1",
                    -1, &st, NULL) != SQLITE_OK)
        return registry_db_error(db, "cannot read producer", err, errsz);
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        memset(p, 0, sizeof *p);
        col_copy(st, 0, p->code, sizeof p->code);
        col_copy(st, 1, p->name, sizeof p->name);
        col_copy(st, 2, p->kind, sizeof p->kind);
        col_copy(st, 3, p->province, sizeof p->province);
        col_copy(st, 4, p->contact, sizeof p->contact);
        reg_release(st);
        return 1;
    }
    reg_release(st);
    if (rc == SQLITE_DONE)
        return 0;
    return registry_db_error(db, "cannot read producer", err, errsz);
}

static void bind_product(sqlite3_stmt *st, const struct reg_product *p)
{
    sqlite3_bind_text(st, 1, p->code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, p->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, p->grp, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, p->producer, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, p->province, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 6, p->stars);
    sqlite3_bind_int(st, 7, p->proposed5);
    sqlite3_bind_text(st, 8, p->status, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 9, p->status_reason, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 10, p->status_date, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 11, p->certificate, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 12, p->certified, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 13, p->expires, -1, SQLITE_STATIC);
}

static int step_once(sqlite3 *db, sqlite3_stmt *st, const char *what, char *err,
                     size_t errsz)
{
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE) {
        registry_db_error(db, what, err, errsz);
        reg_release(st);
        return -1;
    }
    reg_release(st);
    return 0;
}

int reg_product_insert(sqlite3 *db, const struct reg_product *p, char *err,
                       size_t errsz)
{
    sqlite3_stmt *st;
    int have =
        reg_product_load(db, p->code, &(struct reg_product){0}, err, errsz);
    if (have < 0)
        return -1;
    if (have) {
        snprintf(err, errsz, "product code %s is already in the registry",
                 p->code);
        return -1;
    }
    if (reg_prepare(db,
                    "INSERT INTO products(code,name,grp,producer,"
                    "province,stars,proposed5,status,status_reason,"
                    "status_date,certificate,certified,expires) "
                    "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13)",
                    -1, &st, NULL) != SQLITE_OK)
        return registry_db_error(db, "cannot add product", err, errsz);
    bind_product(st, p);
    return step_once(db, st, "cannot add product", err, errsz);
}

int reg_product_update(sqlite3 *db, const struct reg_product *p, char *err,
                       size_t errsz)
{
    sqlite3_stmt *st;
    if (reg_prepare(db,
                    "UPDATE products SET name=?2,grp=?3,producer=?4,"
                    "province=?5,stars=?6,proposed5=?7,status=?8,"
                    "status_reason=?9,status_date=?10,certificate=?11,"
                    "certified=?12,expires=?13 WHERE code=?1",
                    -1, &st, NULL) != SQLITE_OK)
        return registry_db_error(db, "cannot update product", err, errsz);
    bind_product(st, p);
    return step_once(db, st, "cannot update product", err, errsz);
}

/* ?1 code, ?2 name, ?3 kind, ?4 province, ?5 contact. */
static void bind_producer(sqlite3_stmt *st, const struct reg_producer *p)
{
    sqlite3_bind_text(st, 1, p->code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, p->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, p->kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, p->province, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, p->contact, -1, SQLITE_STATIC);
}

/* One statement with the producer's fields bound, run once. */
static int write_producer(sqlite3 *db, const struct reg_producer *p,
                          const char *sql, const char *what, char *err,
                          size_t errsz)
{
    sqlite3_stmt *st;
    if (reg_prepare(db, sql, -1, &st, NULL) != SQLITE_OK)
        return registry_db_error(db, what, err, errsz);
    bind_producer(st, p);
    return step_once(db, st, what, err, errsz);
}

int reg_producer_insert(sqlite3 *db, const struct reg_producer *p, char *err,
                        size_t errsz)
{
    return write_producer(db, p,
                          "INSERT INTO producers(code,name,kind,province,"
                          "contact) VALUES(?1,?2,?3,?4,?5)",
                          "cannot add producer", err, errsz);
}

int reg_producer_update(sqlite3 *db, const struct reg_producer *p, char *err,
                        size_t errsz)
{
    return write_producer(db, p,
                          "UPDATE producers SET name=?2,kind=?3,province=?4,"
                          "contact=?5 WHERE code=?1",
                          "cannot update producer", err, errsz);
}

int reg_producer_matches(const struct reg_producer *have,
                         const struct reg_producer *p, char *err, size_t errsz)
{
    /* Names stored before NFC (a decomposed spreadsheet) still match. */
    char have_nfc[REG_NAME_MAX + 1];
    if (p->name[0] && strcmp(p->name, have->name) != 0 &&
        (labels_text_nfc(have->name, have_nfc, sizeof have_nfc) != LABELS_OK ||
         strcmp(p->name, have_nfc) != 0)) {
        snprintf(err, errsz, "producer %s is registered as '%s', not '%s'",
                 p->code, have->name, p->name);
        return -1;
    }
    if (p->kind[0] && strcmp(p->kind, have->kind) != 0) {
        snprintf(err, errsz, "producer %s is registered as a %s, not a %s",
                 p->code, have->kind, p->kind);
        return -1;
    }
    return 0;
}

int reg_producer_ensure(sqlite3 *db, const struct reg_producer *p, char *err,
                        size_t errsz)
{
    struct reg_producer have;
    int rc = reg_producer_load(db, p->code, &have, err, errsz);
    if (rc < 0)
        return -1;
    if (rc == 0) {
        if (!p->name[0] || !p->kind[0]) {
            snprintf(err, errsz,
                     "producer %s is not in the registry; give its name and "
                     "kind to add it",
                     p->code);
            return -1;
        }
        return reg_producer_insert(db, p, err, errsz);
    }
    return reg_producer_matches(&have, p, err, errsz);
}

int reg_key_insert(sqlite3 *db, const labels_pubkey *pub, const char *producer,
                   const char *enrolled, char *err, size_t errsz)
{
    char hex[LABELS_KEY_ID_HEX_SIZE];
    labels_key_id_hex(pub->id, hex);
    sqlite3_stmt *st;
    if (reg_prepare(db, "SELECT producer FROM keys WHERE key_id=?1", -1, &st,
                    NULL) != SQLITE_OK)
        return registry_db_error(db, "cannot read keys", err, errsz);
    sqlite3_bind_text(st, 1, hex, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        snprintf(err, errsz, "key %s is already enrolled for producer %s", hex,
                 (const char *)sqlite3_column_text(st, 0));
        reg_release(st);
        return -1;
    }
    reg_release(st);
    if (rc != SQLITE_DONE)
        return registry_db_error(db, "cannot read keys", err, errsz);
    if (reg_prepare(db,
                    "INSERT INTO keys(key_id,producer,public_key,"
                    "enrolled) VALUES(?1,?2,?3,?4)",
                    -1, &st, NULL) != SQLITE_OK)
        return registry_db_error(db, "cannot enroll key", err, errsz);
    sqlite3_bind_text(st, 1, hex, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, producer, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 3, pub->pk, LABELS_PUBKEY_BYTES, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, enrolled, -1, SQLITE_STATIC);
    return step_once(db, st, "cannot enroll key", err, errsz);
}
