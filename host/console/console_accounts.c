/* console_accounts.c -- the console's tables in the registry, its
 * accounts (Argon2id password hashes) and the audit's "who". */
#include "console_int.h"

#include "registry/registry.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

/* The console's own tables live in the registry file beside the records
 * they guard, so one transaction covers a change and its audit. They are
 * private: the export never reads them. The audit rows themselves come
 * from the registry's triggers; the registry's audit_who names who made
 * each (registry_audit_who_open). */
static const char console_tables[] =
    "CREATE TABLE IF NOT EXISTS console_users (\n"
    "  name     TEXT PRIMARY KEY,\n"
    "  role     TEXT NOT NULL CHECK (role IN ('central','province',"
    "'producer','inspector','viewer')),\n"
    "  province TEXT NOT NULL DEFAULT '',\n"
    "  producer TEXT NOT NULL DEFAULT '',\n"
    "  pwhash   TEXT NOT NULL,\n"
    "  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0,1)),\n"
    "  created  TEXT NOT NULL\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE IF NOT EXISTS console_sessions (\n"
    "  token_hash TEXT PRIMARY KEY,\n" /* BLAKE2b of the cookie's token */
    "  user       TEXT NOT NULL REFERENCES console_users(name),\n"
    "  created    INTEGER NOT NULL,\n" /* Unix seconds */
    "  last_seen  INTEGER NOT NULL,\n"
    "  csrf       TEXT NOT NULL\n"
    ") WITHOUT ROWID;\n"
    "CREATE INDEX IF NOT EXISTS console_sessions_user ON "
    "console_sessions(user);\n"
    "CREATE TABLE IF NOT EXISTS console_throttle (\n"
    "  kind         TEXT NOT NULL CHECK (kind IN ('user','addr')),\n"
    "  key          TEXT NOT NULL,\n"
    "  failures     INTEGER NOT NULL,\n"
    "  last         INTEGER NOT NULL,\n"
    "  locked_until INTEGER NOT NULL DEFAULT 0,\n"
    "  PRIMARY KEY (kind, key)\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE IF NOT EXISTS console_key_requests (\n"
    "  id           INTEGER PRIMARY KEY AUTOINCREMENT,\n"
    "  producer     TEXT NOT NULL REFERENCES producers(code),\n"
    "  key_id       TEXT NOT NULL,\n"
    "  public_key   BLOB NOT NULL CHECK (length(public_key) = 32),\n"
    "  requested_by TEXT NOT NULL,\n"
    "  requested    TEXT NOT NULL,\n"
    "  state        TEXT NOT NULL DEFAULT 'pending' CHECK (state IN "
    "('pending','approved','rejected')),\n"
    "  decided_by   TEXT NOT NULL DEFAULT '',\n"
    "  decided      TEXT NOT NULL DEFAULT ''\n"
    ");\n";

static const char *const role_names[CONSOLE_ROLE_COUNT_] = {
    [CONSOLE_CENTRAL] = "central",   [CONSOLE_PROVINCE] = "province",
    [CONSOLE_PRODUCER] = "producer", [CONSOLE_INSPECTOR] = "inspector",
    [CONSOLE_VIEWER] = "viewer",
};

const char *console_role_name(console_role r)
{
    return (unsigned)r < CONSOLE_ROLE_COUNT_ ? role_names[r] : NULL;
}

int console_role_parse(const char *s, console_role *r)
{
    for (int i = 0; s && i < CONSOLE_ROLE_COUNT_; i++)
        if (!strcmp(s, role_names[i])) {
            *r = (console_role)i;
            return 0;
        }
    return -1;
}

console_limits console_limits_fill(const console_limits *in)
{
    console_limits l = in ? *in : (console_limits){0};
    if (!l.idle_s)
        l.idle_s = 1800;
    if (!l.lifetime_s)
        l.lifetime_s = 43200;
    if (!l.user_failures)
        l.user_failures = 5;
    if (!l.addr_failures)
        l.addr_failures = 20;
    if (!l.lock_s)
        l.lock_s = 900;
    if (!l.opslimit)
        l.opslimit = CONSOLE_PWHASH_OPSLIMIT;
    if (!l.memlimit)
        l.memlimit = (size_t)CONSOLE_PWHASH_MEMLIMIT;
    return l;
}

int console_db_error(sqlite3 *db, const char *what, char *err, size_t errsz)
{
    snprintf(err, errsz, "%s: %s", what,
             db ? sqlite3_errmsg(db) : "out of memory");
    return -1;
}

int console_schema(sqlite3 *db, char *err, size_t errsz)
{
    /* Inside a caller's transaction the tables join it; alone they get
     * their own, so a crash never leaves half of them. */
    int own = sqlite3_get_autocommit(db);
    if (own && registry_begin(db, err, errsz))
        return -1;
    if (registry_exec(db, console_tables, err, errsz) ||
        registry_audit_who_open(db, err, errsz)) {
        if (own)
            registry_rollback(db);
        return -1;
    }
    return own ? registry_commit(db, err, errsz) : 0;
}

int console_begin(sqlite3 *db, char *err, size_t errsz)
{
    return registry_begin(db, err, errsz);
}

int console_commit(sqlite3 *db, char *err, size_t errsz)
{
    return registry_commit(db, err, errsz);
}

void console_rollback(sqlite3 *db) { registry_rollback(db); }

long long console_audit_mark(sqlite3 *db)
{
    sqlite3_stmt *st;
    long long id = 0;
    if (sqlite3_prepare_v2(db, "SELECT ifnull(max(id),0) FROM audit", -1, &st,
                           NULL) != SQLITE_OK)
        return 0;
    if (sqlite3_step(st) == SQLITE_ROW)
        id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return id;
}

int console_audit_tag(sqlite3 *db, long long mark, const char *who, char *err,
                      size_t errsz)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db,
                           "INSERT OR REPLACE INTO audit_who(audit_id,"
                           "who) SELECT id,?2 FROM audit WHERE id>?1",
                           -1, &st, NULL) != SQLITE_OK)
        return console_db_error(db, "cannot name the change's author", err,
                                errsz);
    sqlite3_bind_int64(st, 1, mark);
    sqlite3_bind_text(st, 2, who, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return console_db_error(db, "cannot name the change's author", err,
                                errsz);
    return 0;
}

int console_audit_add(sqlite3 *db, const char *who, const char *entity,
                      const char *ref, const char *field, const char *old_value,
                      const char *new_value, char *err, size_t errsz)
{
    long long mark = console_audit_mark(db);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO audit(at,entity,ref,field,old,new) "
                           "VALUES(strftime('%Y-%m-%dT%H:%M:%SZ','now'),?1,"
                           "?2,?3,?4,?5)",
                           -1, &st, NULL) != SQLITE_OK)
        return console_db_error(db, "cannot write the audit", err, errsz);
    sqlite3_bind_text(st, 1, entity, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, ref, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, field, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, old_value, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, new_value, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return console_db_error(db, "cannot write the audit", err, errsz);
    return console_audit_tag(db, mark, who, err, errsz);
}

/* ---- Accounts ---------------------------------------------------------- */

static int name_valid(const char *name)
{
    size_t n = strlen(name);
    if (n < 1 || n > CONSOLE_NAME_MAX)
        return 0;
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
              *p == '.' || *p == '-' || *p == '_'))
            return 0;
    return 1;
}

static int password_hash(const console_limits *lim, const char *pw, size_t len,
                         char out[crypto_pwhash_STRBYTES], char *err,
                         size_t errsz)
{
    if (len < CONSOLE_PASSWORD_MIN || len > CONSOLE_PASSWORD_MAX) {
        snprintf(err, errsz, "a password has %d to %d bytes",
                 CONSOLE_PASSWORD_MIN, CONSOLE_PASSWORD_MAX);
        return -1;
    }
    console_limits l = console_limits_fill(lim);
    if (sodium_init() < 0 ||
        crypto_pwhash_str(out, pw, len, l.opslimit, l.memlimit) != 0) {
        snprintf(err, errsz, "cannot hash the password (out of memory?)");
        return -1;
    }
    return 0;
}

int console_user_add(sqlite3 *db, const console_limits *lim, const char *actor,
                     const char *name, console_role role, const char *province,
                     const char *producer, const char *password, size_t len,
                     char *err, size_t errsz)
{
    const char *rn = console_role_name(role);
    province = province ? province : "";
    producer = producer ? producer : "";
    if (!name || !name_valid(name)) {
        snprintf(err, errsz,
                 "an account name has 1 to %d of a-z 0-9 . - _ (got '%s')",
                 CONSOLE_NAME_MAX, name ? name : "");
        return -1;
    }
    if (!rn) {
        snprintf(err, errsz, "unknown role");
        return -1;
    }
    const struct province *pv = NULL;
    int wants_province = role == CONSOLE_PROVINCE || role == CONSOLE_INSPECTOR;
    const char *why = NULL;
    if (wants_province != (*province != '\0'))
        why = wants_province ? "needs a province" : "takes no province";
    else if ((role == CONSOLE_PRODUCER) != (*producer != '\0'))
        why = *producer ? "takes no producer code" : "needs a producer code";
    if (why) {
        snprintf(err, errsz, "a %s account %s", rn, why);
        return -1;
    }
    if (wants_province && !(pv = province_find(province))) {
        snprintf(err, errsz, "unknown province '%s'", province);
        return -1;
    }
    char hash[crypto_pwhash_STRBYTES];
    if (console_schema(db, err, errsz) ||
        password_hash(lim, password, len, hash, err, errsz))
        return -1;
    if (console_begin(db, err, errsz)) {
        sodium_memzero(hash, sizeof hash);
        return -1;
    }
    char now[21];
    regtime_now(now);
    if (role == CONSOLE_PRODUCER) {
        struct reg_producer pr;
        int have = reg_producer_load(db, producer, &pr, err, errsz);
        if (have <= 0) {
            if (!have)
                snprintf(err, errsz, "no producer %s in the registry",
                         producer);
            goto fail;
        }
    }
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO console_users(name,role,province,"
                           "producer,pwhash,created) VALUES(?1,?2,?3,?4,?5,?6)",
                           -1, &st, NULL) != SQLITE_OK) {
        console_db_error(db, "cannot add the account", err, errsz);
        goto fail;
    }
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, rn, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, pv ? pv->name : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, producer, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, hash, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, now, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        if (rc == SQLITE_CONSTRAINT_PRIMARYKEY)
            snprintf(err, errsz, "account %s already exists", name);
        else
            console_db_error(db, "cannot add the account", err, errsz);
        goto fail;
    }
    char summary[160];
    snprintf(summary, sizeof summary, "%s%s%s", rn,
             pv ? " " : (*producer ? " " : ""), pv ? pv->name : producer);
    if (console_audit_add(db, actor, "user", name, "(added)", NULL, summary,
                          err, errsz) ||
        console_commit(db, err, errsz))
        goto fail;
    sodium_memzero(hash, sizeof hash);
    return 0;
fail:
    sodium_memzero(hash, sizeof hash);
    console_rollback(db);
    return -1;
}

static void user_from_row(sqlite3_stmt *st, console_user *u)
{
    memset(u, 0, sizeof *u);
    snprintf(u->name, sizeof u->name, "%s", sqlite3_column_text(st, 0));
    if (console_role_parse((const char *)sqlite3_column_text(st, 1), &u->role))
        u->role = CONSOLE_VIEWER; /* the CHECK makes this unreachable */
    snprintf(u->province, sizeof u->province, "%s", sqlite3_column_text(st, 2));
    snprintf(u->producer, sizeof u->producer, "%s", sqlite3_column_text(st, 3));
    u->disabled = sqlite3_column_int(st, 4);
    snprintf(u->created, sizeof u->created, "%s", sqlite3_column_text(st, 5));
}

#define USER_COLS "name,role,province,producer,disabled,created"

int console_user_get(sqlite3 *db, const char *name, console_user *u, char *err,
                     size_t errsz)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db,
                           "SELECT " USER_COLS " FROM console_users WHERE "
                           "name=?1",
                           -1, &st, NULL) != SQLITE_OK)
        return console_db_error(db, "cannot read accounts", err, errsz);
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        user_from_row(st, u);
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW)
        return 1;
    if (rc == SQLITE_DONE)
        return 0;
    return console_db_error(db, "cannot read accounts", err, errsz);
}

int console_user_list(sqlite3 *db, int (*fn)(const console_user *u, void *ctx),
                      void *ctx, char *err, size_t errsz)
{
    if (console_schema(db, err, errsz))
        return -1;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db,
                           "SELECT " USER_COLS " FROM console_users ORDER BY "
                           "name",
                           -1, &st, NULL) != SQLITE_OK)
        return console_db_error(db, "cannot list accounts", err, errsz);
    int rc;
    console_user u;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        user_from_row(st, &u);
        if (fn(&u, ctx)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return console_db_error(db, "cannot list accounts", err, errsz);
    return 0;
}

/* Run one UPDATE on an existing account (bound ?1 name, ?2 text) and end
 * its sessions, with an audit row, in one transaction. */
static int user_change(sqlite3 *db, const char *actor, const char *name,
                       const char *sql, const char *value, const char *field,
                       const char *old_value, const char *new_value, char *err,
                       size_t errsz)
{
    console_user u;
    if (console_schema(db, err, errsz) || console_begin(db, err, errsz))
        return -1;
    int have = console_user_get(db, name, &u, err, errsz);
    if (have <= 0) {
        if (!have)
            snprintf(err, errsz, "no account %s", name);
        goto fail;
    }
    sqlite3_stmt *st;
    for (int i = 0; i < 2; i++) {
        if (sqlite3_prepare_v2(db,
                               i ? "DELETE FROM console_sessions WHERE "
                                   "user=?1"
                                 : sql,
                               -1, &st, NULL) != SQLITE_OK) {
            console_db_error(db, "cannot change the account", err, errsz);
            goto fail;
        }
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        if (!i && value)
            sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
        int rc = sqlite3_step(st);
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE) {
            console_db_error(db, "cannot change the account", err, errsz);
            goto fail;
        }
    }
    if (console_audit_add(db, actor, "user", name, field, old_value, new_value,
                          err, errsz) ||
        console_commit(db, err, errsz))
        goto fail;
    return 0;
fail:
    console_rollback(db);
    return -1;
}

int console_user_disable(sqlite3 *db, const char *actor, const char *name,
                         char *err, size_t errsz)
{
    return user_change(db, actor, name,
                       "UPDATE console_users SET disabled=1 WHERE name=?1",
                       NULL, "disabled", "0", "1", err, errsz);
}

int console_user_password(sqlite3 *db, const console_limits *lim,
                          const char *actor, const char *name,
                          const char *password, size_t len, char *err,
                          size_t errsz)
{
    char hash[crypto_pwhash_STRBYTES];
    if (password_hash(lim, password, len, hash, err, errsz))
        return -1;
    /* The audit says that it changed, never what to. */
    int rc = user_change(db, actor, name,
                         "UPDATE console_users SET pwhash=?2 WHERE name=?1",
                         hash, "password", NULL, "(changed)", err, errsz);
    sodium_memzero(hash, sizeof hash);
    return rc;
}
