/* key.c -- ocop-host key enroll|revoke|list, ocop-host clone and
 * ocop-host history: the registry's keys, clone reports and audit trail. */
#include "cmd/cli.h"
#include "cmd/registry_cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    K_DB = 256,
    K_PRODUCER,
    K_PUBLIC,
    K_DATE,
    K_KEY_ID,
    K_REASON,
    K_PRODUCT,
    K_LOT,
    K_SERIAL,
    K_LIMIT,
    K_HELP
};

static const struct option opts[] = {
    {"db", required_argument, NULL, K_DB},
    {"producer", required_argument, NULL, K_PRODUCER},
    {"public", required_argument, NULL, K_PUBLIC},
    {"date", required_argument, NULL, K_DATE},
    {"key-id", required_argument, NULL, K_KEY_ID},
    {"reason", required_argument, NULL, K_REASON},
    {"product", required_argument, NULL, K_PRODUCT},
    {"lot", required_argument, NULL, K_LOT},
    {"serial", required_argument, NULL, K_SERIAL},
    {"limit", required_argument, NULL, K_LIMIT},
    {"help", no_argument, NULL, K_HELP},
    {NULL, 0, NULL, 0},
};

struct kargs {
    const char *v[K_HELP - K_DB];
    int help;
};
#define KARG(a, o) ((a)->v[(o)-K_DB])

static int parse(int argc, char **argv, struct kargs *a)
{
    memset(a, 0, sizeof *a);
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == K_HELP || c == 'h')
            a->help = 1;
        else if (c >= K_DB && c < K_HELP)
            KARG(a, c) = optarg;
        else
            return EXIT_USAGE;
    }
    if (optind != argc) {
        cli_error("unexpected argument '%s'", argv[optind]);
        return EXIT_USAGE;
    }
    if (!a->help && !KARG(a, K_DB)) {
        cli_error("--db REG.db is required");
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

static int finish(sqlite3 *db, int failed, const char *err)
{
    if (failed) {
        registry_rollback(db);
        cli_error("%s", err);
        registry_close(db);
        return EXIT_FAILURE_;
    }
    registry_close(db);
    return EXIT_OK;
}

static int key_enroll(struct kargs *a)
{
    const char *producer = KARG(a, K_PRODUCER), *pubpath = KARG(a, K_PUBLIC);
    char date[11];
    if (!producer || !pubpath) {
        cli_error("key enroll needs --producer CODE and --public FILE");
        return EXIT_USAGE;
    }
    int rc = regcli_date(KARG(a, K_DATE), "--date", date);
    if (rc != EXIT_OK)
        return rc;
    labels_pubkey pub;
    rc = labels_pubkey_read(pubpath, &pub);
    if (rc != LABELS_OK) {
        cli_error("cannot use public key %s: %s%s%s", pubpath,
                  labels_strerror(rc), rc == LABELS_ERR_IO ? ": " : "",
                  rc == LABELS_ERR_IO ? strerror(errno) : "");
        return EXIT_FAILURE_;
    }
    sqlite3 *db;
    rc = regcli_open(KARG(a, K_DB), 0, &db);
    if (rc != EXIT_OK)
        return rc;
    char err[REG_ERR_MAX] = "";
    struct reg_producer pr;
    int failed = registry_begin(db, err, sizeof err);
    if (!failed) {
        int have = reg_producer_load(db, producer, &pr, err, sizeof err);
        if (have == 0)
            snprintf(err, sizeof err, "no producer %s in the registry",
                     producer);
        failed = have != 1 ||
                 reg_key_insert(db, &pub, producer, date, err, sizeof err) ||
                 registry_commit(db, err, sizeof err);
    }
    if (!failed) {
        char hex[17];
        labels_key_id_hex(pub.id, hex);
        printf("key %s enrolled for %s on %s\n", hex, producer, date);
    }
    return finish(db, failed, err);
}

static int key_revoke(struct kargs *a)
{
    const char *idhex = KARG(a, K_KEY_ID), *reason = KARG(a, K_REASON);
    uint8_t id[LABELS_KEY_ID_BYTES];
    char hex[17], date[11];
    if (!idhex || !reason) {
        cli_error("key revoke needs --key-id HEX and --reason "
                  "superseded|compromised");
        return EXIT_USAGE;
    }
    if (labels_key_id_parse(idhex, id) != LABELS_OK) {
        cli_error("--key-id '%s' is not 16 hex digits", idhex);
        return EXIT_USAGE;
    }
    if (strcmp(reason, "superseded") != 0 && strcmp(reason, "compromised")) {
        cli_error("--reason must be superseded or compromised");
        return EXIT_USAGE;
    }
    int rc = regcli_date(KARG(a, K_DATE), "--date", date);
    if (rc != EXIT_OK)
        return rc;
    labels_key_id_hex(id, hex);
    sqlite3 *db;
    rc = regcli_open(KARG(a, K_DB), 0, &db);
    if (rc != EXIT_OK)
        return rc;
    char err[REG_ERR_MAX] = "";
    int failed = registry_begin(db, err, sizeof err);
    sqlite3_stmt *st = NULL;
    if (!failed &&
        sqlite3_prepare_v2(db,
                           "SELECT revoked, enrolled FROM keys WHERE "
                           "key_id=?1",
                           -1, &st, NULL) != SQLITE_OK)
        failed = registry_db_error(db, "cannot read keys", err, sizeof err);
    if (!failed) {
        sqlite3_bind_text(st, 1, hex, -1, SQLITE_STATIC);
        int s = sqlite3_step(st);
        if (s == SQLITE_DONE) {
            snprintf(err, sizeof err, "key %s is not enrolled", hex);
            failed = 1;
        } else if (s != SQLITE_ROW) {
            failed = registry_db_error(db, "cannot read keys", err, sizeof err);
        } else if (*sqlite3_column_text(st, 0)) {
            snprintf(err, sizeof err, "key %s was already revoked on %s", hex,
                     sqlite3_column_text(st, 0));
            failed = 1;
        } else if (strcmp(date, (const char *)sqlite3_column_text(st, 1)) < 0) {
            snprintf(err, sizeof err,
                     "revocation date %s is before the key's enrolment %s",
                     date, sqlite3_column_text(st, 1));
            failed = 1;
        }
    }
    sqlite3_finalize(st);
    st = NULL;
    if (!failed &&
        sqlite3_prepare_v2(db,
                           "UPDATE keys SET revoked=?2, revoke_reason=?3 "
                           "WHERE key_id=?1",
                           -1, &st, NULL) != SQLITE_OK)
        failed = registry_db_error(db, "cannot revoke", err, sizeof err);
    if (!failed) {
        sqlite3_bind_text(st, 1, hex, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, date, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, reason, -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            failed = registry_db_error(db, "cannot revoke", err, sizeof err);
    }
    sqlite3_finalize(st);
    if (!failed)
        failed = registry_commit(db, err, sizeof err);
    if (!failed)
        printf("key %s revoked (%s) on %s\n", hex, reason, date);
    return finish(db, failed, err);
}

static int key_list(struct kargs *a)
{
    sqlite3 *db;
    int rc = regcli_open(KARG(a, K_DB), 1, &db);
    if (rc != EXIT_OK)
        return rc;
    sqlite3_stmt *st;
    const char *producer = KARG(a, K_PRODUCER) ? KARG(a, K_PRODUCER) : "";
    if (sqlite3_prepare_v2(db,
                           "SELECT key_id,producer,enrolled,revoked,"
                           "revoke_reason FROM keys WHERE ?1='' OR "
                           "producer=?1 ORDER BY producer,enrolled,key_id",
                           -1, &st, NULL) != SQLITE_OK) {
        cli_error("cannot list keys: %s", sqlite3_errmsg(db));
        registry_close(db);
        return EXIT_FAILURE_;
    }
    sqlite3_bind_text(st, 1, producer, -1, SQLITE_STATIC);
    printf("key_id\tproducer\tenrolled\trevoked\treason\n");
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        printf("%s\t%s\t%s\t%s\t%s\n", sqlite3_column_text(st, 0),
               sqlite3_column_text(st, 1), sqlite3_column_text(st, 2),
               sqlite3_column_text(st, 3), sqlite3_column_text(st, 4));
    int ok = rc == SQLITE_DONE;
    sqlite3_finalize(st);
    if (!ok)
        cli_error("cannot list keys: %s", sqlite3_errmsg(db));
    registry_close(db);
    return ok ? EXIT_OK : EXIT_FAILURE_;
}

int cmd_key(int argc, char **argv)
{
    static const char usage[] =
        "usage: ocop-host key enroll --db REG.db --producer CODE --public "
        "FILE [--date YYYY-MM-DD]\n"
        "       ocop-host key revoke --db REG.db --key-id HEX --reason "
        "superseded|compromised [--date YYYY-MM-DD]\n"
        "       ocop-host key list --db REG.db [--producer CODE]\n";
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        fputs(usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    struct kargs a;
    int rc = parse(argc - 1, argv + 1, &a);
    if (rc != EXIT_OK)
        return rc;
    if (a.help) {
        fputs(usage, stdout);
        return EXIT_OK;
    }
    if (!strcmp(argv[1], "enroll"))
        return key_enroll(&a);
    if (!strcmp(argv[1], "revoke"))
        return key_revoke(&a);
    if (!strcmp(argv[1], "list"))
        return key_list(&a);
    cli_error("unknown key command '%s' (enroll, revoke, list)", argv[1]);
    return EXIT_USAGE;
}

int cmd_clone(int argc, char **argv)
{
    static const char usage[] =
        "usage: ocop-host clone --db REG.db --key-id HEX --product CODE "
        "--lot LOT --serial N [--date YYYY-MM-DD]\n"
        "Record a label serial the authority confirmed as cloned; kiosks "
        "then answer clone_reported.\n";
    struct kargs a;
    int rc = parse(argc, argv, &a);
    if (rc != EXIT_OK)
        return rc;
    if (a.help) {
        fputs(usage, stdout);
        return EXIT_OK;
    }
    const char *idhex = KARG(&a, K_KEY_ID), *product = KARG(&a, K_PRODUCT);
    const char *lot = KARG(&a, K_LOT), *serial = KARG(&a, K_SERIAL);
    uint8_t id[LABELS_KEY_ID_BYTES];
    char hex[17], date[11];
    if (!idhex || !product || !lot || !serial) {
        cli_error("clone needs --key-id, --product, --lot and --serial");
        return EXIT_USAGE;
    }
    char *end;
    errno = 0;
    unsigned long long n = strtoull(serial, &end, 10);
    if (labels_key_id_parse(idhex, id) != LABELS_OK ||
        !registry_code_valid(product) || !registry_code_valid(lot) ||
        *serial < '1' || *serial > '9' || *end || errno || n > UINT32_MAX) {
        cli_error("clone: key ID is 16 hex digits, product and lot 1-12 of "
                  "0-9 A-Z - . /, serial 1 to 4294967295");
        return EXIT_USAGE;
    }
    rc = regcli_date(KARG(&a, K_DATE), "--date", date);
    if (rc != EXIT_OK)
        return rc;
    labels_key_id_hex(id, hex);
    sqlite3 *db;
    rc = regcli_open(KARG(&a, K_DB), 0, &db);
    if (rc != EXIT_OK)
        return rc;
    char err[REG_ERR_MAX] = "";
    sqlite3_stmt *st = NULL;
    int failed = registry_begin(db, err, sizeof err);
    /* A typo here would silently protect nothing: the key and product
     * must be ones the registry knows (kiosks check those first). */
    if (!failed &&
        sqlite3_prepare_v2(db,
                           "SELECT (SELECT count(*) FROM keys WHERE key_id=?1),"
                           "(SELECT count(*) FROM products WHERE code=?2)",
                           -1, &st, NULL) != SQLITE_OK)
        failed = registry_db_error(db, "cannot record clone", err, sizeof err);
    if (!failed) {
        sqlite3_bind_text(st, 1, hex, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, product, -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_ROW) {
            failed =
                registry_db_error(db, "cannot record clone", err, sizeof err);
        } else if (!sqlite3_column_int(st, 0)) {
            snprintf(err, sizeof err, "key %s is not enrolled", hex);
            failed = 1;
        } else if (!sqlite3_column_int(st, 1)) {
            snprintf(err, sizeof err, "no product %s in the registry", product);
            failed = 1;
        }
    }
    sqlite3_finalize(st);
    st = NULL;
    if (!failed && sqlite3_prepare_v2(db,
                                      "INSERT INTO clones VALUES(?1,?2,?3,?4,"
                                      "?5)",
                                      -1, &st, NULL) != SQLITE_OK)
        failed = registry_db_error(db, "cannot record clone", err, sizeof err);
    if (!failed) {
        sqlite3_bind_text(st, 1, hex, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, product, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, lot, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, (sqlite3_int64)n);
        sqlite3_bind_text(st, 5, date, -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            failed =
                registry_db_error(db, "cannot record clone", err, sizeof err);
    }
    sqlite3_finalize(st);
    if (!failed)
        failed = registry_commit(db, err, sizeof err);
    if (!failed)
        printf("clone of %s lot %s serial %llu by key %s recorded\n", product,
               lot, n, hex);
    return finish(db, failed, err);
}

int cmd_history(int argc, char **argv)
{
    static const char usage[] =
        "usage: ocop-host history --db REG.db [--product CODE] "
        "[--producer CODE] [--key-id HEX] [--limit N]\n"
        "Every change to the registry, oldest first: when, what, old and "
        "new value.\n";
    struct kargs a;
    int rc = parse(argc, argv, &a);
    if (rc != EXIT_OK)
        return rc;
    if (a.help) {
        fputs(usage, stdout);
        return EXIT_OK;
    }
    const char *entity = "", *ref = "";
    if (KARG(&a, K_PRODUCT))
        entity = "product", ref = KARG(&a, K_PRODUCT);
    else if (KARG(&a, K_PRODUCER))
        entity = "producer", ref = KARG(&a, K_PRODUCER);
    else if (KARG(&a, K_KEY_ID))
        entity = "key", ref = KARG(&a, K_KEY_ID);
    long limit = -1;
    if (KARG(&a, K_LIMIT)) {
        char *end;
        limit = strtol(KARG(&a, K_LIMIT), &end, 10);
        if (*end || limit < 1) {
            cli_error("--limit must be a positive number");
            return EXIT_USAGE;
        }
    }
    sqlite3 *db;
    rc = regcli_open(KARG(&a, K_DB), 1, &db);
    if (rc != EXIT_OK)
        return rc;
    sqlite3_stmt *st;
    /* The newest N when limited, still printed oldest first. */
    if (sqlite3_prepare_v2(db,
                           "SELECT * FROM (SELECT id,at,entity,ref,field,"
                           "ifnull(old,''),ifnull(new,'') FROM audit WHERE "
                           "(?1='' OR (entity=?1 AND ref=?2)) ORDER BY id DESC "
                           "LIMIT ?3) ORDER BY id",
                           -1, &st, NULL) != SQLITE_OK) {
        cli_error("cannot read history: %s", sqlite3_errmsg(db));
        registry_close(db);
        return EXIT_FAILURE_;
    }
    sqlite3_bind_text(st, 1, entity, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, ref, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, limit);
    printf("when\twhat\tfield\told\tnew\n");
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        printf("%s\t%s %s\t%s\t%s\t%s\n", sqlite3_column_text(st, 1),
               sqlite3_column_text(st, 2), sqlite3_column_text(st, 3),
               sqlite3_column_text(st, 4), sqlite3_column_text(st, 5),
               sqlite3_column_text(st, 6));
    int ok = rc == SQLITE_DONE;
    sqlite3_finalize(st);
    if (!ok)
        cli_error("cannot read history: %s", sqlite3_errmsg(db));
    registry_close(db);
    return ok ? EXIT_OK : EXIT_FAILURE_;
}
