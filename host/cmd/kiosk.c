/* kiosk.c -- ocop-host kiosk enroll|revoke|list: which kiosk device
 * keys the collector accepts batches from, and where each kiosk stands. */
#include "cmd/cli.h"
#include "collector/collector.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_KEYS 4096

static const char kiosk_usage[] =
    "usage: ocop-host kiosk enroll --collector-db FILE --public FILE "
    "[--public FILE...]\n"
    "                              --province NAME --shop NAME\n"
    "       ocop-host kiosk revoke --collector-db FILE KEY_ID\n"
    "       ocop-host kiosk list --collector-db FILE\n"
    "  (--world DIR may replace --collector-db: DIR/collector.db)\n";

/* Printable UTF-8 text without control characters or tabs. */
static int place_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n >= COLLECTOR_PLACE_MAX)
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return 0;
    return 1;
}

static int print_kiosk(void *ctx, const collector_kiosk *k)
{
    (void)ctx;
    printf("%s\t%s\t%s\t%s\t%s\n", k->key_id,
           k->revoked[0] ? "revoked" : "active", k->province, k->shop,
           k->enrolled);
    return 0;
}

int cmd_kiosk(int argc, char **argv)
{
    static const struct option opts[] = {
        {"collector-db", required_argument, NULL, 'c'},
        {"world", required_argument, NULL, 'w'},
        {"public", required_argument, NULL, 'p'},
        {"province", required_argument, NULL, 'P'},
        {"shop", required_argument, NULL, 'S'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        fputs(kiosk_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    const char *sub = argv[1];
    if (strcmp(sub, "enroll") && strcmp(sub, "revoke") && strcmp(sub, "list")) {
        cli_error("kiosk: unknown subcommand '%s'", sub);
        fputs(kiosk_usage, stderr);
        return EXIT_USAGE;
    }
    const char *db = NULL, *world = NULL, *province = NULL, *shop = NULL;
    const char **pubs = calloc(MAX_KEYS, sizeof *pubs);
    size_t npub = 0;
    int c, rc = EXIT_USAGE;
    if (!pubs) {
        cli_error("out of memory");
        return EXIT_FAILURE_;
    }
    optind = 1;
    argc--;
    argv++;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'c': db = optarg; break;
        case 'w': world = optarg; break;
        case 'P': province = optarg; break;
        case 'S': shop = optarg; break;
        case 'p':
            if (npub == MAX_KEYS) {
                cli_error("at most %d --public per command", MAX_KEYS);
                goto out;
            }
            pubs[npub++] = optarg;
            break;
        case 'h':
            fputs(kiosk_usage, stdout);
            rc = EXIT_OK;
            goto out;
        default: fputs(kiosk_usage, stderr); goto out;
        }
    }
    char dbbuf[4096];
    if (!db && world) {
        if ((size_t)snprintf(dbbuf, sizeof dbbuf, "%s/collector.db", world) >=
            sizeof dbbuf) {
            cli_error("world path too long");
            goto out;
        }
        db = dbbuf;
    }
    if (!db) {
        cli_error("kiosk %s needs --collector-db FILE (or --world DIR)", sub);
        goto out;
    }
    int enroll = !strcmp(sub, "enroll"), revoke = !strcmp(sub, "revoke");
    if (enroll && (npub == 0 || !province || !shop || optind != argc)) {
        cli_error("kiosk enroll needs --public FILE, --province and --shop");
        goto out;
    }
    if (enroll && (!place_ok(province) || !place_ok(shop))) {
        cli_error("province and shop must be 1 to %d bytes of text without "
                  "control characters",
                  COLLECTOR_PLACE_MAX - 1);
        goto out;
    }
    if (revoke && optind + 1 != argc) {
        cli_error("kiosk revoke needs exactly one KEY_ID");
        goto out;
    }
    uint8_t id[LABELS_KEY_ID_BYTES];
    if (revoke && labels_key_id_parse(argv[optind], id) != LABELS_OK) {
        cli_error("'%s' is not a key ID (16 hex digits)", argv[optind]);
        goto out;
    }
    if (!enroll && !revoke && optind != argc) {
        cli_error("kiosk list takes no arguments");
        goto out;
    }
    labels_pubkey *keys = NULL;
    if (enroll) {
        keys = calloc(npub, sizeof *keys);
        if (!keys) {
            cli_error("out of memory");
            rc = EXIT_FAILURE_;
            goto out;
        }
        for (size_t i = 0; i < npub; i++) {
            int lrc = labels_pubkey_read(pubs[i], &keys[i]);
            if (lrc != LABELS_OK) {
                cli_error("cannot read public key %s: %s%s%s", pubs[i],
                          labels_strerror(lrc),
                          lrc == LABELS_ERR_IO ? ": " : "",
                          lrc == LABELS_ERR_IO ? strerror(errno) : "");
                free(keys);
                rc = EXIT_FAILURE_;
                goto out;
            }
        }
    }
    char err[256];
    collector *col;
    rc = EXIT_FAILURE_;
    struct stat st;
    if (!enroll && stat(db, &st) != 0) {
        /* Only enrolling creates a collector database. */
        cli_error("no collector database at %s: %s", db, strerror(errno));
        free(keys);
        goto out;
    }
    if (collector_open(db, &col, err, sizeof err) != 0) {
        cli_error("%s", err);
        free(keys);
        goto out;
    }
    if (enroll) {
        if (collector_enroll(col, keys, npub, province, shop, err,
                             sizeof err)) {
            cli_error("%s", err);
        } else {
            for (size_t i = 0; i < npub; i++) {
                char hex[17];
                labels_key_id_hex(keys[i].id, hex);
                printf("enrolled kiosk %s (%s, %s)\n", hex, province, shop);
            }
            rc = EXIT_OK;
        }
    } else if (revoke) {
        char hex[17];
        labels_key_id_hex(id, hex);
        int r = collector_revoke(col, hex, err, sizeof err);
        if (r < 0)
            cli_error("%s", err);
        else if (r > 0)
            cli_error("no kiosk %s is enrolled", hex);
        else {
            printf("revoked kiosk %s\n", hex);
            rc = EXIT_OK;
        }
    } else {
        if (collector_list(col, print_kiosk, NULL, err, sizeof err))
            cli_error("%s", err);
        else
            rc = EXIT_OK;
    }
    free(keys);
    collector_close(col);
out:
    free(pubs);
    return rc;
}
