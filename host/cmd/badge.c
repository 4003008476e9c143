/* badge.c -- ocop-host badge issue|revoke|list: inspectors' badges,
 * signed with the authority key, recorded (and audited) in the registry;
 * revocations reach kiosks through the mirror's revoked_badges table. */
#include "cmd/cli.h"
#include "cmd/registry_cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char badge_usage[] =
    "usage: ocop-host badge issue --db REG.db --key AUTH.sec --inspector ID\n"
    "                             --name NAME --province P "
    "--valid-until YYYY-MM-DD\n"
    "                             [--png FILE]\n"
    "       ocop-host badge revoke --db REG.db --inspector ID [--date D]\n"
    "       ocop-host badge list --db REG.db\n"
    "ID: 1-12 of 0-9 A-Z - . /; NAME: at most 48 bytes of UTF-8.\n";

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

enum {
    O_DB = 1,
    O_KEY,
    O_INSPECTOR,
    O_NAME,
    O_PROVINCE,
    O_VALID,
    O_PNG,
    O_DATE,
    O_COUNT
};

static int step_done(sqlite3 *db, sqlite3_stmt *st, char *err, size_t errsz)
{
    int rc = sqlite3_step(st) == SQLITE_DONE
                 ? 0
                 : registry_db_error(db, "cannot record the badge", err, errsz);
    sqlite3_finalize(st);
    return rc;
}

/* 1 revoked (date in revoked), 0 known and active, -1 unknown, -2 error. */
static int inspector_state(sqlite3 *db, const char *id, char revoked[11])
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

static int write_png(const char *path, const char *text, size_t len)
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
        cli_error("cannot write %s: %s%s%s", path, labels_strerror(rc),
                  rc == LABELS_ERR_IO ? ": " : "",
                  rc == LABELS_ERR_IO ? strerror(errno) : "");
    return rc == LABELS_OK ? 0 : -1;
}

static int badge_issue(const char *const *o)
{
    if (!o[O_KEY] || !o[O_INSPECTOR] || !o[O_NAME] || !o[O_PROVINCE] ||
        !o[O_VALID]) {
        cli_error("badge issue needs --db, --key, --inspector, --name, "
                  "--province and --valid-until");
        return EXIT_USAGE;
    }
    labels_badge b;
    memset(&b, 0, sizeof b);
    if (!registry_code_valid(o[O_INSPECTOR])) {
        cli_error("inspector ID '%s' must be 1-12 of 0-9 A-Z - . /",
                  o[O_INSPECTOR]);
        return EXIT_USAGE;
    }
    memcpy(b.inspector, o[O_INSPECTOR], strlen(o[O_INSPECTOR]) + 1);
    const struct province *prov = province_find(o[O_PROVINCE]);
    if (!prov) {
        cli_error("'%s' is not one of the 63 provinces", o[O_PROVINCE]);
        return EXIT_USAGE;
    }
    size_t nlen = strlen(o[O_NAME]), plen = strlen(prov->name);
    if (nlen > LABELS_BADGE_NAME_MAX || plen > LABELS_BADGE_PROVINCE_MAX) {
        cli_error("name must be at most %d bytes of UTF-8",
                  LABELS_BADGE_NAME_MAX);
        return EXIT_USAGE;
    }
    memcpy(b.name, o[O_NAME], nlen + 1);
    memcpy(b.province, prov->name, plen + 1);
    if (labels_badge_check_fields(&b) != LABELS_OK) {
        cli_error("name must be 1 to %d bytes of UTF-8 without control "
                  "characters",
                  LABELS_BADGE_NAME_MAX);
        return EXIT_USAGE;
    }
    uint16_t until, today;
    if (labels_date_parse(o[O_VALID], &until) != LABELS_OK) {
        cli_error("--valid-until '%s' is not a date (YYYY-MM-DD)", o[O_VALID]);
        return EXIT_USAGE;
    }
    if (labels_date_today(&today) == LABELS_OK && until < today) {
        cli_error("--valid-until %s is in the past", o[O_VALID]);
        return EXIT_USAGE;
    }
    b.valid_until = until;

    labels_seckey sec;
    int lrc = labels_seckey_read(o[O_KEY], &sec);
    if (lrc != LABELS_OK) {
        cli_error("cannot read secret key %s: %s%s%s", o[O_KEY],
                  labels_strerror(lrc), lrc == LABELS_ERR_IO ? ": " : "",
                  lrc == LABELS_ERR_IO ? strerror(errno) : "");
        return EXIT_FAILURE_;
    }
    sqlite3 *db;
    int rc = regcli_open(o[O_DB], 0, &db);
    if (rc) {
        labels_seckey_wipe(&sec);
        return rc;
    }
    rc = EXIT_FAILURE_;
    char err[REG_ERR_MAX] = "", b64[LABELS_PUBKEY_B64_MAX], revoked[11];
    char text[LABELS_BADGE_TEXT_MAX], hex[17], today_s[11], until_s[11];
    size_t tlen = 0;
    labels_pubkey pub, auth;
    labels_seckey_public(&sec, &pub);
    /* Kiosks trust the key the registry exports as the authority: a badge
     * signed by any other key would be refused everywhere. */
    if (registry_meta_get(db, "authority_key", b64, sizeof b64) == 0 &&
        labels_pubkey_parse(b64, strlen(b64), &auth) == LABELS_OK &&
        memcmp(auth.pk, pub.pk, LABELS_PUBKEY_BYTES) != 0) {
        cli_error("%s is not the authority key this registry records",
                  o[O_KEY]);
        labels_seckey_wipe(&sec);
        registry_close(db);
        return EXIT_FAILURE_;
    }
    lrc = labels_badge_sign(&b, &sec);
    labels_seckey_wipe(&sec);
    if (lrc == LABELS_OK)
        lrc = labels_badge_format(&b, text, sizeof text, &tlen);
    if (lrc != LABELS_OK) {
        cli_error("cannot sign the badge: %s", labels_strerror(lrc));
        registry_close(db);
        return EXIT_FAILURE_;
    }
    labels_key_id_hex(b.key_id, hex);
    labels_date_format(until, until_s);
    regdate_today(today_s);
    if (registry_begin(db, err, sizeof err) ||
        registry_exec(db, badge_schema, err, sizeof err))
        goto fail;
    int state = inspector_state(db, b.inspector, revoked);
    if (state == -2) {
        registry_db_error(db, "cannot read inspectors", err, sizeof err);
        goto fail;
    }
    if (state == 1) {
        snprintf(err, sizeof err,
                 "inspector %s was revoked on %s; give them a new ID",
                 b.inspector, revoked);
        rc = EXIT_REJECTED;
        goto fail;
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
        registry_db_error(db, "cannot record the inspector", err, sizeof err);
        goto fail;
    }
    sqlite3_bind_text(st, 1, b.inspector, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, b.name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, b.province, -1, SQLITE_STATIC);
    if (step_done(db, st, err, sizeof err))
        goto fail;
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO badges(inspector,issued,valid_until,"
                           "key_id,qr_text) VALUES(?1,?2,?3,?4,?5)",
                           -1, &st, NULL) != SQLITE_OK) {
        registry_db_error(db, "cannot record the badge", err, sizeof err);
        goto fail;
    }
    sqlite3_bind_text(st, 1, b.inspector, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, today_s, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, until_s, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, hex, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, text, (int)tlen, SQLITE_STATIC);
    if (step_done(db, st, err, sizeof err))
        goto fail;
    /* The PNG before the commit: a badge that could not be written is
     * not recorded as issued. */
    if (o[O_PNG] && write_png(o[O_PNG], text, tlen)) {
        registry_rollback(db);
        registry_close(db);
        return EXIT_FAILURE_;
    }
    if (registry_commit(db, err, sizeof err))
        goto fail;
    registry_close(db);
    printf("%s\n", text);
    return EXIT_OK;
fail:
    cli_error("%s", err[0] ? err : "cannot issue the badge");
    registry_rollback(db);
    registry_close(db);
    return rc;
}

static int badge_revoke(const char *const *o)
{
    if (!o[O_INSPECTOR]) {
        cli_error("badge revoke needs --db and --inspector");
        return EXIT_USAGE;
    }
    char date[11];
    if (regcli_date(o[O_DATE], "--date", date))
        return EXIT_USAGE;
    sqlite3 *db;
    int rc = regcli_open(o[O_DB], 0, &db);
    if (rc)
        return rc;
    rc = EXIT_FAILURE_;
    char err[REG_ERR_MAX] = "", revoked[11];
    if (registry_begin(db, err, sizeof err) ||
        registry_exec(db, badge_schema, err, sizeof err))
        goto fail;
    int state = inspector_state(db, o[O_INSPECTOR], revoked);
    if (state == -2) {
        registry_db_error(db, "cannot read inspectors", err, sizeof err);
        goto fail;
    }
    if (state == -1) {
        snprintf(err, sizeof err, "no inspector %.40s has a badge",
                 o[O_INSPECTOR]);
        goto fail;
    }
    if (state == 1) {
        registry_rollback(db);
        registry_close(db);
        printf("inspector %s already revoked on %s\n", o[O_INSPECTOR], revoked);
        return EXIT_OK;
    }
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db,
                           "UPDATE inspectors SET revoked=?2 WHERE "
                           "inspector=?1",
                           -1, &st, NULL) != SQLITE_OK) {
        registry_db_error(db, "cannot revoke", err, sizeof err);
        goto fail;
    }
    sqlite3_bind_text(st, 1, o[O_INSPECTOR], -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, date, -1, SQLITE_STATIC);
    if (step_done(db, st, err, sizeof err) ||
        registry_commit(db, err, sizeof err))
        goto fail;
    registry_close(db);
    printf("revoked inspector %s on %s (export and publish to reach "
           "kiosks)\n",
           o[O_INSPECTOR], date);
    return EXIT_OK;
fail:
    cli_error("%s", err[0] ? err : "cannot revoke");
    registry_rollback(db);
    registry_close(db);
    return rc;
}

static int badge_list(const char *const *o)
{
    sqlite3 *db;
    int rc = regcli_open(o[O_DB], 1, &db);
    if (rc)
        return rc;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(
            db,
            "SELECT i.inspector, i.name, i.province, i.revoked,"
            " (SELECT max(valid_until) FROM badges b"
            "  WHERE b.inspector = i.inspector),"
            " (SELECT count(*) FROM badges b WHERE b.inspector = i.inspector)"
            " FROM inspectors i ORDER BY i.inspector",
            -1, &st, NULL) != SQLITE_OK) {
        /* A registry that never issued a badge has no such table. */
        registry_close(db);
        return EXIT_OK;
    }
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *rev = (const char *)sqlite3_column_text(st, 3);
        printf("%s\t%s\t%s\t%s%s\tvalid until %s\t%d badge(s)\n",
               sqlite3_column_text(st, 0), sqlite3_column_text(st, 1),
               sqlite3_column_text(st, 2), rev[0] ? "revoked " : "active", rev,
               sqlite3_column_text(st, 4), sqlite3_column_int(st, 5));
    }
    sqlite3_finalize(st);
    registry_close(db);
    if (step != SQLITE_DONE) {
        cli_error("cannot list inspectors");
        return EXIT_FAILURE_;
    }
    return EXIT_OK;
}

int cmd_badge(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, O_DB},
        {"key", required_argument, NULL, O_KEY},
        {"inspector", required_argument, NULL, O_INSPECTOR},
        {"name", required_argument, NULL, O_NAME},
        {"province", required_argument, NULL, O_PROVINCE},
        {"valid-until", required_argument, NULL, O_VALID},
        {"png", required_argument, NULL, O_PNG},
        {"date", required_argument, NULL, O_DATE},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        fputs(badge_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    const char *sub = argv[1];
    int issue = !strcmp(sub, "issue"), revoke = !strcmp(sub, "revoke"),
        list = !strcmp(sub, "list");
    if (!issue && !revoke && !list) {
        cli_error("badge: unknown subcommand '%s'", sub);
        fputs(badge_usage, stderr);
        return EXIT_USAGE;
    }
    const char *o[O_COUNT] = {0};
    int c;
    optind = 1;
    argc--;
    argv++;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'h') {
            fputs(badge_usage, stdout);
            return EXIT_OK;
        }
        if (c < O_DB || c >= O_COUNT) {
            fputs(badge_usage, stderr);
            return EXIT_USAGE;
        }
        o[c] = optarg;
    }
    if (optind != argc) {
        cli_error("unexpected argument '%s'", argv[optind]);
        return EXIT_USAGE;
    }
    if (!o[O_DB]) {
        cli_error("badge %s needs --db REG.db", sub);
        return EXIT_USAGE;
    }
    if ((!issue &&
         (o[O_KEY] || o[O_NAME] || o[O_PROVINCE] || o[O_VALID] || o[O_PNG])) ||
        (!revoke && o[O_DATE]) || (list && o[O_INSPECTOR])) {
        cli_error("an option given does not apply to badge %s", sub);
        return EXIT_USAGE;
    }
    if (labels_init() != LABELS_OK) {
        cli_error("%s", labels_strerror(LABELS_ERR_CRYPTO));
        return EXIT_FAILURE_;
    }
    if (issue)
        return badge_issue(o);
    if (revoke)
        return badge_revoke(o);
    return badge_list(o);
}
