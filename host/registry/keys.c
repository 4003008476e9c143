/* keys.c -- producers' keys (enrol, revoke, list), confirmed clones and
 * the audit history: each change one transaction with its checks. */
#include "registry/change_int.h"

#include <stdio.h>
#include <string.h>

/* The province of producer into out: REG_CHANGE_OK, MISSING or FAILED. */
static int producer_province(sqlite3 *db, const char *producer, char *out,
                             size_t outsz, char *err, size_t errsz)
{
    struct reg_producer pr;
    int have = reg_producer_load(db, producer, &pr, err, errsz);
    if (have == 0)
        snprintf(err, errsz, "no producer %s in the registry", producer);
    if (have != 1)
        return have ? REG_CHANGE_FAILED : REG_CHANGE_MISSING;
    snprintf(out, outsz, "%s", pr.province);
    return REG_CHANGE_OK;
}

/* Begin a change about producer and ask the guard with action and the
 * producer's province. */
static int producer_begin(sqlite3 *db, const char *producer,
                          enum reg_action action, const struct reg_guard *g,
                          long long *mark, char *err, size_t errsz)
{
    char pv[64];
    int rc = change_begin(db, mark, err, errsz);
    if (rc == REG_CHANGE_OK)
        rc = producer_province(db, producer, pv, sizeof pv, err, errsz);
    if (rc == REG_CHANGE_OK) {
        struct reg_ask a = {
            .action = action, .province = pv, .to_province = pv};
        rc = change_allowed(g, &a);
    }
    return rc;
}

int registry_producer_guarded(sqlite3 *db, const char *producer,
                              enum reg_action action, const struct reg_guard *g,
                              char *err, size_t errsz)
{
    long long mark = 0;
    int rc = producer_begin(db, producer, action, g, &mark, err, errsz);
    return change_end(db, g, mark, rc, err, errsz);
}

int registry_key_enroll(sqlite3 *db, const char *producer,
                        const labels_pubkey *pub, const char *date,
                        const struct reg_guard *g, char *err, size_t errsz)
{
    long long mark = 0;
    int rc = producer_begin(db, producer, REG_KEY_ENROLL, g, &mark, err, errsz);
    if (rc == REG_CHANGE_OK &&
        reg_key_insert(db, pub, producer, date, err, errsz))
        rc = REG_CHANGE_INVALID;
    return change_end(db, g, mark, rc, err, errsz);
}

/* The key's producer into producer: REG_CHANGE_OK, MISSING or FAILED. */
static int key_producer(sqlite3 *db, const char *hex, char *producer,
                        size_t producersz, char *err, size_t errsz)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT producer FROM keys WHERE key_id=?1", -1,
                           &st, NULL) != SQLITE_OK)
        return registry_db_error(db, "cannot read keys", err, errsz);
    sqlite3_bind_text(st, 1, hex, -1, SQLITE_STATIC);
    int s = sqlite3_step(st), rc = REG_CHANGE_OK;
    if (s == SQLITE_ROW)
        snprintf(producer, producersz, "%s", sqlite3_column_text(st, 0));
    else if (s == SQLITE_DONE) {
        snprintf(err, errsz, "key %s is not enrolled", hex);
        rc = REG_CHANGE_MISSING;
    } else
        rc = registry_db_error(db, "cannot read keys", err, errsz);
    sqlite3_finalize(st);
    return rc;
}

/* The key must not be revoked, and enrolled on or before date. */
static int revocable(sqlite3 *db, const char *hex, const char *date, char *err,
                     size_t errsz)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db,
                           "SELECT revoked, enrolled FROM keys WHERE "
                           "key_id=?1",
                           -1, &st, NULL) != SQLITE_OK)
        return registry_db_error(db, "cannot read keys", err, errsz);
    sqlite3_bind_text(st, 1, hex, -1, SQLITE_STATIC);
    int s = sqlite3_step(st), rc = REG_CHANGE_INVALID;
    if (s != SQLITE_ROW)
        rc = registry_db_error(db, "cannot read keys", err, errsz);
    else if (*sqlite3_column_text(st, 0))
        snprintf(err, errsz, "key %s was already revoked on %s", hex,
                 sqlite3_column_text(st, 0));
    else if (strcmp(date, (const char *)sqlite3_column_text(st, 1)) < 0)
        snprintf(err, errsz,
                 "revocation date %s is before the key's enrolment %s", date,
                 sqlite3_column_text(st, 1));
    else
        rc = REG_CHANGE_OK;
    sqlite3_finalize(st);
    return rc;
}

static int revoke_row(sqlite3 *db, const char *hex, const char *reason,
                      const char *date, char *err, size_t errsz)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db,
                           "UPDATE keys SET revoked=?2, revoke_reason=?3 "
                           "WHERE key_id=?1",
                           -1, &st, NULL) != SQLITE_OK)
        return registry_db_error(db, "cannot revoke", err, errsz);
    sqlite3_bind_text(st, 1, hex, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, date, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, reason, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st) == SQLITE_DONE
                 ? REG_CHANGE_OK
                 : registry_db_error(db, "cannot revoke", err, errsz);
    sqlite3_finalize(st);
    return rc;
}

int registry_key_revoke(sqlite3 *db, const char *hex, const char *reason,
                        const char *date, const struct reg_guard *g, char *err,
                        size_t errsz)
{
    long long mark = 0;
    char producer[REG_PRODUCER_MAX + 1], pv[64];
    int rc = change_begin(db, &mark, err, errsz);
    if (rc == REG_CHANGE_OK)
        rc = key_producer(db, hex, producer, sizeof producer, err, errsz);
    if (rc == REG_CHANGE_OK)
        rc = producer_province(db, producer, pv, sizeof pv, err, errsz);
    if (rc == REG_CHANGE_OK) {
        struct reg_ask a = {.action = REG_KEY_REVOKE,
                            .province = pv,
                            .to_province = pv,
                            .reason = reason};
        rc = change_allowed(g, &a);
    }
    if (rc == REG_CHANGE_OK)
        rc = revocable(db, hex, date, err, errsz);
    if (rc == REG_CHANGE_OK)
        rc = revoke_row(db, hex, reason, date, err, errsz);
    return change_end(db, g, mark, rc, err, errsz);
}

/* Every row of st as text columns to fn; 0 or -1 with err set. */
static int each_row(sqlite3 *db, sqlite3_stmt *st, int first, int ncols,
                    registry_row_fn fn, void *ctx, const char *what, char *err,
                    size_t errsz)
{
    const char *cols[16];
    int rc;
    fn(ctx, NULL, 0); /* the query is ready: the caller may print a head */
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int i = 0; i < ncols && i < 16; i++) {
            const unsigned char *t = sqlite3_column_text(st, first + i);
            cols[i] = t ? (const char *)t : "";
        }
        fn(ctx, cols, ncols);
    }
    int ok = rc == SQLITE_DONE;
    sqlite3_finalize(st);
    if (!ok)
        snprintf(err, errsz, "%s: %s", what, sqlite3_errmsg(db));
    return ok ? 0 : -1;
}

int registry_key_list(sqlite3 *db, const char *producer, registry_row_fn fn,
                      void *ctx, char *err, size_t errsz)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db,
                           "SELECT key_id,producer,enrolled,revoked,"
                           "revoke_reason FROM keys WHERE ?1='' OR "
                           "producer=?1 ORDER BY producer,enrolled,key_id",
                           -1, &st, NULL) != SQLITE_OK) {
        snprintf(err, errsz, "cannot list keys: %s", sqlite3_errmsg(db));
        return -1;
    }
    sqlite3_bind_text(st, 1, producer ? producer : "", -1, SQLITE_STATIC);
    return each_row(db, st, 0, 5, fn, ctx, "cannot list keys", err, errsz);
}

/* A typo here would silently protect nothing: the key and product must be
 * ones the registry knows (kiosks check those first). */
static int clone_known(sqlite3 *db, const char *hex, const char *product,
                       char *err, size_t errsz)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db,
                           "SELECT (SELECT count(*) FROM keys WHERE key_id=?1),"
                           "(SELECT count(*) FROM products WHERE code=?2)",
                           -1, &st, NULL) != SQLITE_OK)
        return registry_db_error(db, "cannot record clone", err, errsz);
    sqlite3_bind_text(st, 1, hex, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, product, -1, SQLITE_STATIC);
    int failed = 1;
    if (sqlite3_step(st) != SQLITE_ROW)
        registry_db_error(db, "cannot record clone", err, errsz);
    else if (!sqlite3_column_int(st, 0))
        snprintf(err, errsz, "key %s is not enrolled", hex);
    else if (!sqlite3_column_int(st, 1))
        snprintf(err, errsz, "no product %s in the registry", product);
    else
        failed = 0;
    sqlite3_finalize(st);
    return failed ? -1 : 0;
}

int registry_clone_record(sqlite3 *db, const char *hex, const char *product,
                          const char *lot, uint32_t serial, const char *date,
                          char *err, size_t errsz)
{
    /* Inside a caller's transaction (the console confirming a queue
     * item) the row joins it; alone it gets its own. */
    int own = sqlite3_get_autocommit(db);
    if (own && registry_begin(db, err, errsz))
        return -1;
    int failed = clone_known(db, hex, product, err, errsz);
    sqlite3_stmt *st = NULL;
    if (!failed && sqlite3_prepare_v2(db,
                                      "INSERT INTO clones VALUES(?1,?2,?3,?4,"
                                      "?5)",
                                      -1, &st, NULL) != SQLITE_OK)
        failed = registry_db_error(db, "cannot record clone", err, errsz);
    if (!failed) {
        sqlite3_bind_text(st, 1, hex, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, product, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, lot, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, (sqlite3_int64)serial);
        sqlite3_bind_text(st, 5, date, -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            failed = registry_db_error(db, "cannot record clone", err, errsz);
    }
    sqlite3_finalize(st);
    if (!own)
        return failed ? -1 : 0;
    return change_end(db, NULL, 0, failed ? REG_CHANGE_FAILED : REG_CHANGE_OK,
                      err, errsz)
               ? -1
               : 0;
}

int registry_history(sqlite3 *db, const char *entity, const char *ref,
                     long limit, registry_row_fn fn, void *ctx, char *err,
                     size_t errsz)
{
    sqlite3_stmt *st;
    /* The newest N when limited, still given oldest first. */
    if (sqlite3_prepare_v2(db,
                           "SELECT * FROM (SELECT id,at,entity,ref,field,"
                           "ifnull(old,''),ifnull(new,'') FROM audit WHERE "
                           "(?1='' OR (entity=?1 AND ref=?2)) ORDER BY id DESC "
                           "LIMIT ?3) ORDER BY id",
                           -1, &st, NULL) != SQLITE_OK) {
        snprintf(err, errsz, "cannot read history: %s", sqlite3_errmsg(db));
        return -1;
    }
    sqlite3_bind_text(st, 1, entity, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, ref, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, limit);
    return each_row(db, st, 1, 6, fn, ctx, "cannot read history", err, errsz);
}
