/* console_session.c -- logins (Argon2id check, throttled per account
 * name and per client address) and sessions (random tokens stored only
 * as their BLAKE2b hash, idle timeout and absolute lifetime). */
#include "console_int.h"

#include "registry/registry.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define TOKEN_BYTES 32

static void lock(pthread_mutex_t *m)
{
    if (m)
        pthread_mutex_lock(m);
}

static void unlock(pthread_mutex_t *m)
{
    if (m)
        pthread_mutex_unlock(m);
}

/* The stored form of a cookie token: hex of BLAKE2b-256 of its bytes. A
 * stolen database then holds no usable session. 0, or -1 when token is
 * not 64 hex digits. */
static int token_hash(const char *token, char out[CONSOLE_TOKEN_HEX + 1])
{
    unsigned char raw[TOKEN_BYTES], h[32];
    size_t n;
    if (!token || strlen(token) != CONSOLE_TOKEN_HEX ||
        sodium_hex2bin(raw, sizeof raw, token, CONSOLE_TOKEN_HEX, NULL, &n,
                       NULL) != 0 ||
        n != sizeof raw)
        return -1;
    crypto_generichash(h, sizeof h, raw, sizeof raw, NULL, 0);
    sodium_bin2hex(out, CONSOLE_TOKEN_HEX + 1, h, sizeof h);
    sodium_memzero(raw, sizeof raw);
    return 0;
}

static void random_hex(char out[CONSOLE_TOKEN_HEX + 1])
{
    unsigned char raw[TOKEN_BYTES];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(out, CONSOLE_TOKEN_HEX + 1, raw, sizeof raw);
    sodium_memzero(raw, sizeof raw);
}

/* A hash of a random password at the current cost, checked when the name
 * is unknown so that a wrong name costs what a wrong password costs. */
static pthread_mutex_t dummy_lock = PTHREAD_MUTEX_INITIALIZER;
static char dummy_hash[crypto_pwhash_STRBYTES];
static unsigned long long dummy_ops;
static size_t dummy_mem;

static int dummy_get(const console_limits *l, char out[crypto_pwhash_STRBYTES])
{
    int rc = 0;
    pthread_mutex_lock(&dummy_lock);
    if (dummy_ops != l->opslimit || dummy_mem != l->memlimit) {
        char pw[CONSOLE_TOKEN_HEX + 1];
        random_hex(pw);
        rc = crypto_pwhash_str(dummy_hash, pw, strlen(pw), l->opslimit,
                               l->memlimit);
        if (!rc) {
            dummy_ops = l->opslimit;
            dummy_mem = l->memlimit;
        }
    }
    memcpy(out, dummy_hash, crypto_pwhash_STRBYTES);
    pthread_mutex_unlock(&dummy_lock);
    return rc;
}

/* Seconds until kind/key may try again (0: now). */
static int throttle_wait(sqlite3 *db, const char *kind, const char *key,
                         time_t now, long long *wait)
{
    sqlite3_stmt *st;
    *wait = 0;
    if (sqlite3_prepare_v2(db,
                           "SELECT locked_until FROM console_throttle WHERE "
                           "kind=?1 AND key=?2",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_int64(st, 0) > (long long)now)
        *wait = sqlite3_column_int64(st, 0) - (long long)now;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/* One more failure of kind/key: failures count within lock_s of each
 * other; the limit'th locks the key for lock_s and starts counting anew. */
static int throttle_fail(sqlite3 *db, const char *kind, const char *key,
                         unsigned limit, unsigned lock_s, time_t now)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(
            db,
            "INSERT INTO console_throttle(kind,key,failures,last) "
            "VALUES(?1,?2,1,?3) ON CONFLICT(kind,key) DO UPDATE SET "
            "failures=CASE WHEN last<?3-?4 THEN 1 ELSE failures+1 END,"
            "last=?3",
            -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, (long long)now);
    sqlite3_bind_int64(st, 4, lock_s);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE ||
        sqlite3_prepare_v2(db,
                           "UPDATE console_throttle SET failures=0,"
                           "locked_until=?3+?4 WHERE kind=?1 AND key=?2 AND "
                           "failures>=?5",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, (long long)now);
    sqlite3_bind_int64(st, 4, lock_s);
    sqlite3_bind_int64(st, 5, limit);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* Run sql with ?1 t1, ?2 i2, ?3 i3 bound (where it has them: binding a
 * parameter a statement lacks is a harmless SQLITE_RANGE). */
static int exec_bind(sqlite3 *db, const char *sql, const char *t1, long long i2,
                     long long i3)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, t1, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, i2);
    sqlite3_bind_int64(st, 3, i3);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

console_login_result console_login(sqlite3 *db, pthread_mutex_t *mtx,
                                   const console_limits *lim, const char *name,
                                   const char *password, size_t len,
                                   const char *addr, time_t now,
                                   console_session *s, unsigned *retry_s,
                                   char *err, size_t errsz)
{
    console_limits l = console_limits_fill(lim);
    char key[CONSOLE_NAME_MAX + 1], hash[crypto_pwhash_STRBYTES];
    memset(s, 0, sizeof *s);
    *retry_s = 0;
    /* The throttle key is the name as typed (cut to the longest real
     * name), so unknown names are throttled like known ones. */
    snprintf(key, sizeof key, "%s", name ? name : "");
    addr = addr ? addr : "?";
    if (sodium_init() < 0) {
        snprintf(err, errsz, "libsodium cannot start");
        return CONSOLE_LOGIN_ERROR;
    }

    lock(mtx);
    long long wu, wa;
    if (throttle_wait(db, "user", key, now, &wu) ||
        throttle_wait(db, "addr", addr, now, &wa)) {
        console_db_error(db, "cannot read the login throttle", err, errsz);
        unlock(mtx);
        return CONSOLE_LOGIN_ERROR;
    }
    if (wu || wa) {
        unlock(mtx);
        *retry_s = (unsigned)(wu > wa ? wu : wa);
        return CONSOLE_LOGIN_THROTTLED;
    }
    int found = console_user_get(db, key, &s->user, err, errsz);
    int have_hash = 0;
    if (found == 1) {
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(db,
                               "SELECT pwhash FROM console_users WHERE "
                               "name=?1",
                               -1, &st, NULL) == SQLITE_OK) {
            sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
            if (sqlite3_step(st) == SQLITE_ROW) {
                snprintf(hash, sizeof hash, "%s", sqlite3_column_text(st, 0));
                have_hash = 1;
            }
            sqlite3_finalize(st);
        }
    }
    unlock(mtx);
    if (found < 0)
        return CONSOLE_LOGIN_ERROR;

    /* The slow part, outside the lock; always one full hash. */
    if (!have_hash && dummy_get(&l, hash) != 0) {
        snprintf(err, errsz, "cannot hash (out of memory?)");
        return CONSOLE_LOGIN_ERROR;
    }
    int ok = crypto_pwhash_str_verify(hash, password ? password : "",
                                      password ? len : 0) == 0;
    sodium_memzero(hash, sizeof hash);
    ok = ok && have_hash && !s->user.disabled &&
         strlen(name ? name : "") <= CONSOLE_NAME_MAX;

    lock(mtx);
    console_login_result res = CONSOLE_LOGIN_ERROR;
    char th[CONSOLE_TOKEN_HEX + 1];
    if (console_begin(db, err, errsz))
        goto out;
    if (!ok) {
        if (throttle_fail(db, "user", key, l.user_failures, l.lock_s, now) ||
            throttle_fail(db, "addr", addr, l.addr_failures, l.lock_s, now) ||
            exec_bind(db,
                      "DELETE FROM console_throttle WHERE last<?2 AND "
                      "locked_until<?3",
                      NULL, (long long)now - l.lock_s, (long long)now)) {
            console_db_error(db, "cannot count the failed login", err, errsz);
            console_rollback(db);
            goto out;
        }
        res = CONSOLE_LOGIN_REFUSED;
    } else {
        random_hex(s->token);
        random_hex(s->csrf);
        token_hash(s->token, th);
        sqlite3_stmt *st = NULL;
        if (exec_bind(db,
                      "DELETE FROM console_throttle WHERE kind='user' AND "
                      "key=?1",
                      key, 0, 0) ||
            exec_bind(db,
                      "DELETE FROM console_sessions WHERE last_seen<?2 OR "
                      "created<?3",
                      NULL, (long long)now - l.idle_s,
                      (long long)now - l.lifetime_s) ||
            sqlite3_prepare_v2(db,
                               "INSERT INTO console_sessions(token_hash,user,"
                               "created,last_seen,csrf) VALUES(?1,?2,?3,?3,?4)",
                               -1, &st, NULL) != SQLITE_OK) {
            console_db_error(db, "cannot open a session", err, errsz);
            console_rollback(db);
            goto out;
        }
        sqlite3_bind_text(st, 1, th, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, s->user.name, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, (long long)now);
        sqlite3_bind_text(st, 4, s->csrf, -1, SQLITE_STATIC);
        int rc = sqlite3_step(st);
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE) {
            console_db_error(db, "cannot open a session", err, errsz);
            console_rollback(db);
            goto out;
        }
        res = CONSOLE_LOGIN_OK;
    }
    if (console_commit(db, err, errsz))
        res = CONSOLE_LOGIN_ERROR;
out:
    unlock(mtx);
    if (res != CONSOLE_LOGIN_OK) {
        sodium_memzero(s->token, sizeof s->token);
        if (res != CONSOLE_LOGIN_REFUSED)
            return res;
        memset(s, 0, sizeof *s);
    }
    return res;
}

int console_session_get(sqlite3 *db, const console_limits *lim,
                        const char *token, time_t now, console_session *s,
                        char *err, size_t errsz)
{
    console_limits l = console_limits_fill(lim);
    char th[CONSOLE_TOKEN_HEX + 1];
    memset(s, 0, sizeof *s);
    if (token_hash(token, th))
        return 0;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db,
                           "SELECT s.user,s.created,s.last_seen,s.csrf "
                           "FROM console_sessions s WHERE s.token_hash=?1",
                           -1, &st, NULL) != SQLITE_OK)
        return console_db_error(db, "cannot read sessions", err, errsz);
    sqlite3_bind_text(st, 1, th, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(st);
        return rc == SQLITE_DONE
                   ? 0
                   : console_db_error(db, "cannot read sessions", err, errsz);
    }
    char user[CONSOLE_NAME_MAX + 1];
    snprintf(user, sizeof user, "%s", sqlite3_column_text(st, 0));
    long long created = sqlite3_column_int64(st, 1);
    long long seen = sqlite3_column_int64(st, 2);
    snprintf(s->csrf, sizeof s->csrf, "%s", sqlite3_column_text(st, 3));
    sqlite3_finalize(st);
    int have = console_user_get(db, user, &s->user, err, errsz);
    if (have < 0)
        return -1;
    if (!have || s->user.disabled || (long long)now - seen > l.idle_s ||
        (long long)now - created > l.lifetime_s) {
        memset(s, 0, sizeof *s);
        if (exec_bind(db, "DELETE FROM console_sessions WHERE token_hash=?1",
                      th, 0, 0))
            return console_db_error(db, "cannot end a session", err, errsz);
        return 0;
    }
    /* Note the use at most every minute (or a quarter of the idle time),
     * not on every page: a read stays a read. */
    long long step = l.idle_s / 4 < 60 ? l.idle_s / 4 : 60;
    if ((long long)now - seen >= step &&
        exec_bind(db,
                  "UPDATE console_sessions SET last_seen=?2 WHERE "
                  "token_hash=?1",
                  th, (long long)now, 0))
        return console_db_error(db, "cannot note the session's use", err,
                                errsz);
    return 1;
}

int console_logout(sqlite3 *db, const char *token, char *err, size_t errsz)
{
    char th[CONSOLE_TOKEN_HEX + 1];
    if (token_hash(token, th))
        return 0;
    if (exec_bind(db, "DELETE FROM console_sessions WHERE token_hash=?1", th, 0,
                  0))
        return console_db_error(db, "cannot end the session", err, errsz);
    return 0;
}

/* ---- A user's own password --------------------------------------------- */

/* The stored hash of name into out: 0, or -1. */
static int stored_hash(sqlite3 *db, const char *name,
                       char out[crypto_pwhash_STRBYTES])
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db,
                           "SELECT pwhash FROM console_users WHERE name=?1 "
                           "AND disabled=0",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st) == SQLITE_ROW ? 0 : -1;
    if (!rc)
        snprintf(out, crypto_pwhash_STRBYTES, "%s", sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return rc;
}

/* The new hash stored, the account's other sessions (not the one of
 * csrf) ended and the change audited; the caller's transaction. */
static int password_store(sqlite3 *db, const console_session *s,
                          const char *hash, char *err, size_t errsz)
{
    char who[96];
    snprintf(who, sizeof who, "console:%s", s->user.name);
    sqlite3_stmt *st;
    for (int i = 0; i < 2; i++) {
        if (sqlite3_prepare_v2(db,
                               i ? "DELETE FROM console_sessions WHERE "
                                   "user=?1 AND csrf<>?2"
                                 : "UPDATE console_users SET pwhash=?2 "
                                   "WHERE name=?1",
                               -1, &st, NULL) != SQLITE_OK)
            return console_db_error(db, "cannot change the password", err,
                                    errsz);
        sqlite3_bind_text(st, 1, s->user.name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, i ? s->csrf : hash, -1, SQLITE_STATIC);
        int rc = sqlite3_step(st);
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE)
            return console_db_error(db, "cannot change the password", err,
                                    errsz);
    }
    /* The audit says that it changed, never what to. */
    return exec_bind(db,
                     "DELETE FROM console_throttle WHERE kind='user' AND "
                     "key=?1",
                     s->user.name, 0, 0) ||
                   console_audit_add(db, who, "user", s->user.name, "password",
                                     NULL, "(changed)", err, errsz)
               ? -1
               : 0;
}

console_login_result console_password_own(
    sqlite3 *db, const console_limits *lim, const console_session *s,
    const char *current, size_t curlen, const char *password, size_t len,
    const char *addr, time_t now, unsigned *retry_s, char *err, size_t errsz)
{
    console_limits l = console_limits_fill(lim);
    char hash[crypto_pwhash_STRBYTES];
    long long wu, wa;
    *retry_s = 0;
    addr = addr ? addr : "?";
    if (sodium_init() < 0 ||
        throttle_wait(db, "user", s->user.name, now, &wu) ||
        throttle_wait(db, "addr", addr, now, &wa) ||
        stored_hash(db, s->user.name, hash)) {
        console_db_error(db, "cannot read the account", err, errsz);
        return CONSOLE_LOGIN_ERROR;
    }
    if (wu || wa) {
        *retry_s = (unsigned)(wu > wa ? wu : wa);
        return CONSOLE_LOGIN_THROTTLED;
    }
    int ok = crypto_pwhash_str_verify(hash, current ? current : "",
                                      current ? curlen : 0) == 0;
    if (ok &&
        crypto_pwhash_str(hash, password, len, l.opslimit, l.memlimit) != 0) {
        snprintf(err, errsz, "cannot hash the password (out of memory?)");
        return CONSOLE_LOGIN_ERROR;
    }
    if (console_begin(db, err, errsz))
        return CONSOLE_LOGIN_ERROR;
    int failed = ok ? password_store(db, s, hash, err, errsz)
                    : throttle_fail(db, "user", s->user.name, l.user_failures,
                                    l.lock_s, now) ||
                          throttle_fail(db, "addr", addr, l.addr_failures,
                                        l.lock_s, now);
    sodium_memzero(hash, sizeof hash);
    if (failed || console_commit(db, err, errsz)) {
        if (!err[0])
            console_db_error(db, "cannot change the password", err, errsz);
        console_rollback(db);
        return CONSOLE_LOGIN_ERROR;
    }
    return ok ? CONSOLE_LOGIN_OK : CONSOLE_LOGIN_REFUSED;
}
