/* registry.c -- ocop-host registry init: a new registry (and authority key). */
#include "cmd/cli.h"
#include "registry/registry.h"
#include "cmd/registry_cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define IMPORT_MAX_BYTES ((size_t)256 << 20)

static int registry_init(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},
        {"secret", required_argument, NULL, 's'},
        {"public", required_argument, NULL, 'p'},
        {"verify-host", required_argument, NULL, 'H'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *dbpath = NULL, *secpath = NULL, *pubpath = NULL;
    const char *hosts[16];
    int nhosts = 0;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': dbpath = optarg; break;
        case 's': secpath = optarg; break;
        case 'p': pubpath = optarg; break;
        case 'H':
            if (nhosts == (int)(sizeof hosts / sizeof hosts[0])) {
                cli_error("at most 16 --verify-host");
                return LABELS_EXIT_USAGE;
            }
            hosts[nhosts++] = optarg;
            break;
        case 'h':
            puts("usage: ocop-host registry init --db REG.db "
                 "[--secret AUTH.sec --public AUTH.pub] "
                 "[--verify-host HOST]...\n"
                 "Create an empty registry. With --secret and --public, also "
                 "make the\nauthority key pair and record its public half in "
                 "the registry.\n--verify-host (repeatable): the host the "
                 "authority's label URLs name\n(HTTPS://HOST/V/...); a label "
                 "under any other host is wrong_host.");
            return LABELS_EXIT_OK;
        default: return LABELS_EXIT_USAGE;
        }
    }
    if (!dbpath || optind != argc || !secpath != !pubpath) {
        cli_error("registry init needs --db FILE (and --secret with "
                  "--public, or neither)");
        return LABELS_EXIT_USAGE;
    }
    char err[REG_ERR_MAX];
    char list[REG_HOSTS_MAX];
    if (nhosts && registry_hosts_join(hosts, nhosts, list, sizeof list, err,
                                      sizeof err)) {
        cli_error("%s", err);
        return LABELS_EXIT_USAGE;
    }
    labels_pubkey pub;
    if (secpath) {
        labels_seckey sec;
        int rc = labels_keygen(&pub, &sec);
        if (rc == LABELS_OK)
            rc = labels_seckey_write(secpath, &sec, "OCOP authority key");
        labels_seckey_wipe(&sec);
        if (rc != LABELS_OK) {
            cli_error("cannot write %s: %s", secpath, labels_strerror(rc));
            return LABELS_EXIT_FAIL;
        }
        rc = labels_pubkey_write(pubpath, &pub, "OCOP authority key");
        if (rc != LABELS_OK) {
            cli_error("cannot write %s: %s", pubpath, labels_strerror(rc));
            unlink(secpath);
            return LABELS_EXIT_FAIL;
        }
    }
    sqlite3 *db;
    if (registry_create(dbpath, &db, err, sizeof err) != 0) {
        cli_error("%s", err);
        if (secpath) {
            unlink(secpath);
            unlink(pubpath);
        }
        return LABELS_EXIT_FAIL;
    }
    if (secpath) {
        char b64[LABELS_PUBKEY_B64_MAX];
        if (labels_pubkey_to_base64(&pub, b64, sizeof b64) != LABELS_OK ||
            registry_begin(db, err, sizeof err) ||
            registry_meta_set(db, "authority_key", b64, err, sizeof err) ||
            registry_commit(db, err, sizeof err)) {
            cli_error("%s", err);
            registry_close(db);
            return LABELS_EXIT_FAIL;
        }
        char hex[LABELS_KEY_ID_HEX_SIZE];
        labels_key_id_hex(pub.id, hex);
        printf("authority key %s\n", hex);
    }
    if (nhosts && registry_hosts_set(db, hosts, nhosts, err, sizeof err)) {
        cli_error("%s", err);
        registry_close(db);
        return LABELS_EXIT_FAIL;
    }
    registry_close(db);
    printf("registry %s created\n", dbpath);
    if (nhosts)
        printf("verify hosts %s\n", list);
    else
        fprintf(stderr,
                "ocop-host: note: no --verify-host: until `ocop-host registry "
                "hosts --set HOST` its mirrors accept labels under any host "
                "(docs/mirror.md)\n");
    return LABELS_EXIT_OK;
}

/* ocop-host registry hosts --db REG.db [--set HOST...]: show or replace
 * the authority's verify addresses. */
static int registry_hosts(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},
        {"set", no_argument, NULL, 's'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *dbpath = NULL;
    int set = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': dbpath = optarg; break;
        case 's': set = 1; break;
        case 'h':
            puts("usage: ocop-host registry hosts --db REG.db [--set HOST...]\n"
                 "Show the authority's verify hosts, or replace them (an "
                 "audit row\nrecords the change; the next export carries "
                 "them to kiosks).");
            return LABELS_EXIT_OK;
        default: return LABELS_EXIT_USAGE;
        }
    }
    if (!dbpath || (set && optind == argc) || (!set && optind != argc)) {
        cli_error("registry hosts needs --db FILE, and --set with at least "
                  "one HOST");
        return LABELS_EXIT_USAGE;
    }
    char err[REG_ERR_MAX], list[REG_HOSTS_MAX];
    sqlite3 *db;
    if (regcli_open(dbpath, !set, &db) != LABELS_EXIT_OK)
        return LABELS_EXIT_FAIL;
    if (set && registry_hosts_set(db, (const char *const *)argv + optind,
                                  argc - optind, err, sizeof err)) {
        cli_error("%s", err);
        registry_close(db);
        return LABELS_EXIT_FAIL;
    }
    int have = registry_hosts_get(db, list, sizeof list) == 0;
    registry_close(db);
    if (!have) {
        cli_error("%s has no verify hosts: its mirrors accept labels under "
                  "any host; set them with --set HOST",
                  dbpath);
        return LABELS_EXIT_NO;
    }
    printf("verify hosts %s\n", list);
    return LABELS_EXIT_OK;
}

int cmd_registry(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "init"))
        return registry_init(argc - 1, argv + 1);
    if (argc >= 2 && !strcmp(argv[1], "hosts"))
        return registry_hosts(argc - 1, argv + 1);
    if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        puts("usage: ocop-host registry init --db REG.db "
             "[--secret AUTH.sec --public AUTH.pub] [--verify-host HOST]...\n"
             "       ocop-host registry hosts --db REG.db [--set HOST...]");
        return LABELS_EXIT_OK;
    }
    cli_error("usage: ocop-host registry init|hosts --db REG.db");
    return LABELS_EXIT_USAGE;
}
