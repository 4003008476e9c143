/* badges.c -- inspectors' badges in the registry: issue (sign, record,
 * optionally write the QR as PNG), revoke, list; each change one
 * transaction with the same audit trail as the rest of the registry. */
#include "registry/registry.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Tables a registry made before badges lacks: created on first use,
 * inside the command's transaction, with the same audit trail as the
 * rest of the registry (docs/inspectors.md). */
static const char badge_schema[] =
    "CREATE TABLE IF NOT EXISTS inspectors (\n"
    "  inspector TEXT PRIMARY KEY,\n"
    "  name      TEXT NOT NULL,\n"
    "  province  TEXT NOT NULL,\n"
    "  revoked   TEXT NOT NULL DEFAULT ''\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE IF NOT EXISTS badges (\n"
    "  id          INTEGER PRIMARY KEY,\n"
    "  inspector   TEXT NOT NULL REFERENCES inspectors(inspector),\n"
    "  issued      TEXT NOT NULL,\n"
    "  valid_until TEXT NOT NULL,\n"
    "  key_id      TEXT NOT NULL,\n"
    "  qr_text     TEXT NOT NULL\n"
    ");\n"
    "CREATE TRIGGER IF NOT EXISTS inspectors_ai AFTER INSERT ON inspectors "
    "BEGIN INSERT INTO audit(at,entity,ref,field,old,new) VALUES("
    "strftime('%Y-%m-%dT%H:%M:%SZ','now'),'inspector',new.inspector,"
    "'(added)',NULL,new.name||' | '||new.province); END;\n"
    "CREATE TRIGGER IF NOT EXISTS inspectors_au AFTER UPDATE ON inspectors "
    "BEGIN INSERT INTO audit(at,entity,ref,field,old,new) VALUES("
    "strftime('%Y-%m-%dT%H:%M:%SZ','now'),'inspector',new.inspector,"
    "'(changed)',old.name||' | '||old.province||' | revoked '||old.revoked,"
    "new.name||' | '||new.province||' | revoked '||new.revoked); END;\n"
    "CREATE TRIGGER IF NOT EXISTS badges_ai AFTER INSERT ON badges "
    "BEGIN INSERT INTO audit(at,entity,ref,field,old,new) VALUES("
    "strftime('%Y-%m-%dT%H:%M:%SZ','now'),'badge',new.inspector,"
    "'(issued)',NULL,'valid until '||new.valid_until||' key '||new.key_id);"
    " END;\n";

static int step_done(sqlite3 *db, sqlite3_stmt *st, char *err, size_t errsz)
{
    int rc = sqlite3_step(st) == SQLITE_DONE
                 ? 0
                 : registry_db_error(db, "cannot record the badge", err, errsz);
    sqlite3_finalize(st);
    return rc;
}

/* 1 revoked (date in revoked), 0 known and active, -1 unknown, -2 error. */
static int inspector_state(sqlite3 *db, const char *id,
                           char revoked[LABELS_DATE_SIZE])
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db,
                           "SELECT revoked FROM inspectors WHERE inspector=?1",
                           -1, &st, NULL) != SQLITE_OK)
        return -2;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    int step = sqlite3_step(st), rc = -2;
    if (step == SQLITE_DONE) {
        rc = -1;
    } else if (step == SQLITE_ROW) {
        snprintf(revoked, 11, "%s", (const char *)sqlite3_column_text(st, 0));
        rc = revoked[0] ? 1 : 0;
    }
    sqlite3_finalize(st);
    return rc;
}

static int write_png(const char *path, const char *text, size_t len, char *err,
                     size_t errsz)
{
    labels_qr qr;
    labels_image img;
    int rc = labels_qr_encode(text, len, &qr);
    if (rc == LABELS_OK) {
        rc = labels_qr_render(&qr, 8, &img);
        labels_qr_free(&qr);
        if (rc == LABELS_OK) {
            rc = labels_png_write(path, &img);
            labels_image_free(&img);
        }
    }
    if (rc != LABELS_OK)
        snprintf(err, errsz, "cannot write %s: %s%s%s", path,
                 labels_strerror(rc), rc == LABELS_ERR_IO ? ": " : "",
                 rc == LABELS_ERR_IO ? strerror(errno) : "");
    return rc == LABELS_OK ? 0 : -1;
}

/* Kiosks trust the key the registry exports as the authority: a badge
 * signed by any other key would be refused everywhere. */
static int is_authority(sqlite3 *db, const labels_seckey *sec)
{
    char b64[LABELS_PUBKEY_B64_MAX];
    labels_pubkey pub, auth;
    labels_seckey_public(sec, &pub);
    return !(registry_meta_get(db, "authority_key", b64, sizeof b64) == 0 &&
             labels_pubkey_parse(b64, strlen(b64), &auth) == LABELS_OK &&
             memcmp(auth.pk, pub.pk, LABELS_PUBKEY_BYTES) != 0);
}

/* Insert or update the inspector, then the badge, in the open
 * transaction. REG_BADGE_OK, REG_BADGE_REFUSED or REG_BADGE_FAILED. */
static int record(sqlite3 *db, const labels_badge *b, const char *text,
                  size_t tlen, char *err, size_t errsz)
{
    char hex[LABELS_KEY_ID_HEX_SIZE], today_s[LABELS_DATE_SIZE],
        until_s[LABELS_DATE_SIZE], revoked[LABELS_DATE_SIZE];
    labels_key_id_hex(b->key_id, hex);
    labels_date_format(b->valid_until, until_s);
    regdate_today(today_s);
    if (registry_exec(db, badge_schema, err, errsz))
        return REG_BADGE_FAILED;
    int state = inspector_state(db, b->inspector, revoked);
    if (state == -2) {
        registry_db_error(db, "cannot read inspectors", err, errsz);
        return REG_BADGE_FAILED;
    }
    if (state == 1) {
        snprintf(err, errsz,
                 "inspector %s was revoked on %s; give them a new ID",
                 b->inspector, revoked);
        return REG_BADGE_REFUSED;
    }
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO inspectors(inspector,name,province) "
                           "VALUES(?1,?2,?3) ON CONFLICT(inspector) DO "
                           "UPDATE SET name=excluded.name,"
                           "province=excluded.province WHERE name IS NOT "
                           "excluded.name OR province IS NOT "
                           "excluded.province",
                           -1, &st, NULL) != SQLITE_OK) {
        registry_db_error(db, "cannot record the inspector", err, errsz);
        return REG_BADGE_FAILED;
    }
    sqlite3_bind_text(st, 1, b->inspector, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, b->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, b->province, -1, SQLITE_STATIC);
    if (step_done(db, st, err, errsz))
        return REG_BADGE_FAILED;
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO badges(inspector,issued,valid_until,"
                           "key_id,qr_text) VALUES(?1,?2,?3,?4,?5)",
                           -1, &st, NULL) != SQLITE_OK) {
        registry_db_error(db, "cannot record the badge", err, errsz);
        return REG_BADGE_FAILED;
    }
    sqlite3_bind_text(st, 1, b->inspector, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, today_s, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, until_s, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, hex, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, text, (int)tlen, SQLITE_STATIC);
    return step_done(db, st, err, errsz) ? REG_BADGE_FAILED : REG_BADGE_OK;
}

int registry_badge_issue(sqlite3 *db, labels_badge *b, const labels_seckey *sec,
                         const char *png, char *text, size_t textsz, char *err,
                         size_t errsz)
{
    size_t tlen = 0;
    err[0] = '\0';
    if (!is_authority(db, sec))
        return REG_BADGE_NOT_AUTHORITY;
    int lrc = labels_badge_sign(b, sec);
    if (lrc == LABELS_OK)
        lrc = labels_badge_format(b, text, textsz, &tlen);
    if (lrc != LABELS_OK) {
        snprintf(err, errsz, "cannot sign the badge: %s", labels_strerror(lrc));
        return REG_BADGE_FAILED;
    }
    if (registry_begin(db, err, errsz))
        return REG_BADGE_FAILED;
    int rc = record(db, b, text, tlen, err, errsz);
    /* The PNG before the commit: a badge that could not be written is
     * not recorded as issued. */
    if (rc == REG_BADGE_OK && png && write_png(png, text, tlen, err, errsz))
        rc = REG_BADGE_FAILED;
    if (rc == REG_BADGE_OK && registry_commit(db, err, errsz))
        rc = REG_BADGE_FAILED;
    if (rc != REG_BADGE_OK)
        registry_rollback(db);
    return rc;
}

int registry_badge_revoke(sqlite3 *db, const char *inspector, const char *date,
                          char revoked[LABELS_DATE_SIZE], char *err,
                          size_t errsz)
{
    err[0] = '\0';
    if (registry_begin(db, err, errsz) ||
        registry_exec(db, badge_schema, err, errsz)) {
        registry_rollback(db);
        return REG_BADGE_FAILED;
    }
    int state = inspector_state(db, inspector, revoked);
    int rc = REG_BADGE_FAILED;
    sqlite3_stmt *st;
    if (state == -2)
        registry_db_error(db, "cannot read inspectors", err, errsz);
    else if (state == -1)
        snprintf(err, errsz, "no inspector %.40s has a badge", inspector);
    else if (state == 1)
        rc = REG_BADGE_REFUSED; /* already revoked on *revoked */
    else if (sqlite3_prepare_v2(db,
                                "UPDATE inspectors SET revoked=?2 WHERE "
                                "inspector=?1",
                                -1, &st, NULL) != SQLITE_OK)
        registry_db_error(db, "cannot revoke", err, errsz);
    else {
        sqlite3_bind_text(st, 1, inspector, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, date, -1, SQLITE_STATIC);
        if (!step_done(db, st, err, errsz) && !registry_commit(db, err, errsz))
            rc = REG_BADGE_OK;
    }
    if (rc != REG_BADGE_OK)
        registry_rollback(db);
    return rc;
}

int registry_badge_list(sqlite3 *db, registry_row_fn fn, void *ctx)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(
            db,
            "SELECT i.inspector, i.name, i.province, i.revoked,"
            " (SELECT max(valid_until) FROM badges b"
            "  WHERE b.inspector = i.inspector),"
            " (SELECT count(*) FROM badges b WHERE b.inspector = i.inspector)"
            " FROM inspectors i ORDER BY i.inspector",
            -1, &st, NULL) != SQLITE_OK)
        return 0; /* a registry that never issued a badge has no table */
    int step;
    const char *cols[6];
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        for (int i = 0; i < 6; i++) {
            const unsigned char *t = sqlite3_column_text(st, i);
            cols[i] = t ? (const char *)t : "";
        }
        fn(ctx, cols, 6);
    }
    sqlite3_finalize(st);
    return step == SQLITE_DONE ? 0 : -1;
}

int registry_badge_latest(sqlite3 *db, const char *inspector, char *text,
                          size_t textsz)
{
    sqlite3_stmt *st;
    /* A registry that never issued a badge has no badges table. */
    if (sqlite3_prepare_v2(db,
                           "SELECT qr_text FROM badges WHERE inspector=?1 "
                           "ORDER BY id DESC LIMIT 1",
                           -1, &st, NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_text(st, 1, inspector, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    int found = rc == SQLITE_ROW;
    if (found)
        snprintf(text, textsz, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return found ? 1 : rc == SQLITE_DONE ? 0 : -1;
}
