/* key.c -- ocop-host key enroll|revoke|list: producers' keys in the
 * registry. */
#include "cmd/cli.h"
#include "cmd/registry_cli.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int key_enroll(struct kargs *a)
{
    const char *producer = KARG(a, K_PRODUCER), *pubpath = KARG(a, K_PUBLIC);
    char date[LABELS_DATE_SIZE];
    if (!producer || !pubpath) {
        cli_error("key enroll needs --producer CODE and --public FILE");
        return LABELS_EXIT_USAGE;
    }
    int rc = regcli_date(KARG(a, K_DATE), "--date", date);
    if (rc != LABELS_EXIT_OK)
        return rc;
    labels_pubkey pub;
    rc = labels_pubkey_read(pubpath, &pub);
    if (rc != LABELS_OK) {
        cli_error("cannot use public key %s: %s%s%s", pubpath,
                  labels_strerror(rc), rc == LABELS_ERR_IO ? ": " : "",
                  rc == LABELS_ERR_IO ? strerror(errno) : "");
        return LABELS_EXIT_FAIL;
    }
    sqlite3 *db;
    rc = regcli_open(KARG(a, K_DB), 0, &db);
    if (rc != LABELS_EXIT_OK)
        return rc;
    char err[REG_ERR_MAX] = "";
    int failed =
        registry_key_enroll(db, producer, &pub, date, NULL, err, sizeof err);
    if (!failed) {
        char hex[LABELS_KEY_ID_HEX_SIZE];
        labels_key_id_hex(pub.id, hex);
        printf("key %s enrolled for %s on %s\n", hex, producer, date);
    }
    return regcli_finish(db, failed, err);
}

static int key_revoke(struct kargs *a)
{
    const char *idhex = KARG(a, K_KEY_ID), *reason = KARG(a, K_REASON);
    uint8_t id[LABELS_KEY_ID_BYTES];
    char hex[LABELS_KEY_ID_HEX_SIZE], date[LABELS_DATE_SIZE];
    if (!idhex || !reason) {
        cli_error("key revoke needs --key-id HEX and --reason "
                  "superseded|compromised");
        return LABELS_EXIT_USAGE;
    }
    if (labels_key_id_parse(idhex, id) != LABELS_OK) {
        cli_error("--key-id '%s' is not 16 hex digits", idhex);
        return LABELS_EXIT_USAGE;
    }
    if (strcmp(reason, "superseded") != 0 && strcmp(reason, "compromised")) {
        cli_error("--reason must be superseded or compromised");
        return LABELS_EXIT_USAGE;
    }
    int rc = regcli_date(KARG(a, K_DATE), "--date", date);
    if (rc != LABELS_EXIT_OK)
        return rc;
    labels_key_id_hex(id, hex);
    sqlite3 *db;
    rc = regcli_open(KARG(a, K_DB), 0, &db);
    if (rc != LABELS_EXIT_OK)
        return rc;
    char err[REG_ERR_MAX] = "";
    int failed =
        registry_key_revoke(db, hex, reason, date, NULL, err, sizeof err);
    if (!failed)
        printf("key %s revoked (%s) on %s\n", hex, reason, date);
    return regcli_finish(db, failed, err);
}

/* Tab-separated, under a head printed once the query is ready. */
static void print_row(void *ctx, const char *const *cols, int n)
{
    if (!cols) {
        puts(ctx);
        return;
    }
    for (int i = 0; i < n; i++)
        printf("%s%s", cols[i], i + 1 < n ? "\t" : "\n");
}

static int key_list(struct kargs *a)
{
    sqlite3 *db;
    int rc = regcli_open(KARG(a, K_DB), 1, &db);
    if (rc != LABELS_EXIT_OK)
        return rc;
    char err[REG_ERR_MAX];
    int failed = registry_key_list(
        db, KARG(a, K_PRODUCER), print_row,
        "key_id\tproducer\tenrolled\trevoked\treason", err, sizeof err);
    return regcli_finish(db, failed, err);
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
        return argc < 2 ? LABELS_EXIT_USAGE : LABELS_EXIT_OK;
    }
    struct kargs a;
    int rc = regcli_parse_kargs(argc - 1, argv + 1, &a);
    if (rc != LABELS_EXIT_OK)
        return rc;
    if (a.help) {
        fputs(usage, stdout);
        return LABELS_EXIT_OK;
    }
    if (!strcmp(argv[1], "enroll"))
        return key_enroll(&a);
    if (!strcmp(argv[1], "revoke"))
        return key_revoke(&a);
    if (!strcmp(argv[1], "list"))
        return key_list(&a);
    cli_error("unknown key command '%s' (enroll, revoke, list)", argv[1]);
    return LABELS_EXIT_USAGE;
}
