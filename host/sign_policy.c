/* sign_policy.c -- the signing rules, checked against the mirror file. */
#include "sign_policy.h"

#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int say(char *why, size_t whysz, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int say(char *why, size_t whysz, int rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (why && whysz)
        vsnprintf(why, whysz, fmt, ap);
    va_end(ap);
    return rc;
}

static void col_text(sqlite3_stmt *st, int col, char *out, size_t outsz)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    snprintf(out, outsz, "%s", t ? (const char *)t : "");
}

static int load_product(sqlite3 *db, const char *code, labels_product *p)
{
    static const char sql[] =
        "SELECT p.code, p.name, p.grp, p.producer, r.name, r.kind, "
        "p.province, p.stars, p.proposed5, p.status, p.status_reason, "
        "p.status_date, p.certificate, p.certified, p.expires "
        "FROM products p JOIN producers r ON r.code = p.producer "
        "WHERE p.code = ?1";
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return SQLITE_ERROR;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        memset(p, 0, sizeof *p);
        col_text(st, 0, p->code, sizeof p->code);
        col_text(st, 1, p->name, sizeof p->name);
        col_text(st, 2, p->group, sizeof p->group);
        col_text(st, 3, p->producer_code, sizeof p->producer_code);
        col_text(st, 4, p->producer_name, sizeof p->producer_name);
        col_text(st, 5, p->producer_kind, sizeof p->producer_kind);
        col_text(st, 6, p->province, sizeof p->province);
        p->stars = sqlite3_column_int(st, 7);
        p->proposed5 = sqlite3_column_int(st, 8);
        col_text(st, 9, p->status, sizeof p->status);
        col_text(st, 10, p->status_reason, sizeof p->status_reason);
        col_text(st, 11, p->status_date, sizeof p->status_date);
        col_text(st, 12, p->certificate, sizeof p->certificate);
        col_text(st, 13, p->certified, sizeof p->certified);
        col_text(st, 14, p->expires, sizeof p->expires);
    }
    sqlite3_finalize(st);
    return rc;
}

static int check_schema(sqlite3 *db)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db,
                           "SELECT value FROM meta WHERE key='schema_version'",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    int ok = sqlite3_step(st) == SQLITE_ROW &&
             sqlite3_column_int(st, 0) == LABELS_MIRROR_SCHEMA_VERSION;
    sqlite3_finalize(st);
    return ok ? 0 : -1;
}

static int check_key(sqlite3 *db, const labels_product *p,
                     const labels_pubkey *pub, char *why, size_t whysz)
{
    char hex[17];
    labels_key_id_hex(pub->id, hex);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(
            db,
            "SELECT producer, public_key, revoked, revoke_reason "
            "FROM keys WHERE key_id = ?1",
            -1, &st, NULL) != SQLITE_OK)
        return say(why, whysz, SIGN_POLICY_ERROR, "cannot query the mirror: %s",
                   sqlite3_errmsg(db));
    sqlite3_bind_text(st, 1, hex, -1, SQLITE_STATIC);
    int step = sqlite3_step(st);
    int rc;
    if (step == SQLITE_DONE) {
        rc = say(why, whysz, SIGN_POLICY_REFUSED,
                 "key %s is not enrolled in the mirror; send its public key "
                 "file to the authority",
                 hex);
    } else if (step != SQLITE_ROW) {
        rc = say(why, whysz, SIGN_POLICY_ERROR, "cannot query the mirror: %s",
                 sqlite3_errmsg(db));
    } else {
        const char *owner = (const char *)sqlite3_column_text(st, 0);
        const void *pk = sqlite3_column_blob(st, 1);
        int pklen = sqlite3_column_bytes(st, 1);
        const char *revoked = (const char *)sqlite3_column_text(st, 2);
        const char *reason = (const char *)sqlite3_column_text(st, 3);
        if (!owner || strcmp(owner, p->producer_code))
            rc = say(why, whysz, SIGN_POLICY_REFUSED,
                     "key %s is enrolled for producer %s, not for %s, the "
                     "producer of %s",
                     hex, owner ? owner : "?", p->producer_code, p->code);
        else if (pklen != LABELS_PUBKEY_BYTES ||
                 memcmp(pk, pub->pk, LABELS_PUBKEY_BYTES))
            rc = say(why, whysz, SIGN_POLICY_REFUSED,
                     "key %s does not match the public key the mirror holds "
                     "under that ID",
                     hex);
        else if (revoked && *revoked)
            rc = say(why, whysz, SIGN_POLICY_REFUSED,
                     "key %s was revoked on %s%s%s; use the producer's "
                     "current key",
                     hex, revoked, reason && *reason ? " as " : "",
                     reason && *reason ? reason : "");
        else
            rc = SIGN_POLICY_OK;
    }
    sqlite3_finalize(st);
    return rc;
}

int sign_policy_check(const char *mirror_path, const char *product_code,
                      int stars, const labels_pubkey *pub, uint16_t today,
                      labels_product *product, char *why, size_t whysz)
{
    if (!mirror_path || !product_code || !pub || !product)
        return say(why, whysz, SIGN_POLICY_ERROR, "bad arguments");
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(mirror_path, &db, SQLITE_OPEN_READONLY, NULL) !=
            SQLITE_OK ||
        check_schema(db) != 0) {
        sqlite3_close(db);
        return say(why, whysz, SIGN_POLICY_ERROR,
                   "%s is not a mirror of schema version %d (missing, "
                   "corrupt or of another version)",
                   mirror_path, LABELS_MIRROR_SCHEMA_VERSION);
    }
    labels_product *p = product;
    int rc;
    int step = load_product(db, product_code, p);
    char today_iso[11];
    labels_date_format(today, today_iso);
    if (step == SQLITE_DONE) {
        rc = say(why, whysz, SIGN_POLICY_REFUSED,
                 "product %s is not in the mirror", product_code);
    } else if (step != SQLITE_ROW) {
        rc = say(why, whysz, SIGN_POLICY_ERROR, "cannot read the mirror: %s",
                 sqlite3_errmsg(db));
    } else if (strcmp(p->status, "rated")) {
        rc = say(why, whysz, SIGN_POLICY_REFUSED,
                 "product %s is %s%s%s%s%s, not rated: no labels may be signed",
                 p->code, p->status, *p->status_date ? " since " : "",
                 p->status_date, *p->status_reason ? ": " : "",
                 p->status_reason);
    } else if (strcmp(p->expires, today_iso) < 0) {
        /* ISO dates compare as strings. */
        rc = say(why, whysz, SIGN_POLICY_REFUSED,
                 "the rating of product %s expired on %s", p->code, p->expires);
    } else if (stars && stars != p->stars) {
        rc = say(why, whysz, SIGN_POLICY_REFUSED,
                 "product %s is rated %d stars, not %d%s", p->code, p->stars,
                 stars,
                 p->proposed5 ? " (proposed for 5, not yet decided)" : "");
    } else {
        rc = check_key(db, p, pub, why, whysz);
    }
    sqlite3_close(db);
    return rc;
}
