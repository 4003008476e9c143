/* kiosk.c -- ocop-host kiosk enroll|revoke|list: which kiosk device
 * keys the collector accepts batches from, and where each kiosk stands. */
#include "cmd/cli.h"
#include "collector/collector.h"
#include "collector/pg_store.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_KEYS 4096

static const char kiosk_usage[] =
    "usage: ocop-host kiosk enroll --collector-db DB --public FILE "
    "[--public FILE...]\n"
    "                              --province NAME --shop NAME\n"
    "       ocop-host kiosk revoke --collector-db DB KEY_ID\n"
    "       ocop-host kiosk list --collector-db DB\n"
    "  DB: a SQLite file, or a PostgreSQL connection string "
    "(docs/collector.md)\n"
    "  (--world DIR may replace --collector-db: DIR/collector.db)\n";

static int print_kiosk(void *ctx, const collector_kiosk *k)
{
    (void)ctx;
    printf("%s\t%s\t%s\t%s\t%s\n", k->key_id,
           k->revoked[0] ? "revoked" : "active", k->province, k->shop,
           k->enrolled);
    return 0;
}

struct kargs {
    const char *sub, *db, *world, *province, *shop;
    const char **pubs; /* MAX_KEYS */
    size_t npub;
    int enroll, revoke;
    uint8_t id[LABELS_KEY_ID_BYTES];
    char dbbuf[4096];
};

/* The options; -1 to go on, else an EXIT_ code. */
static int parse(int argc, char **argv, struct kargs *a)
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
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'c': a->db = optarg; break;
        case 'w': a->world = optarg; break;
        case 'P': a->province = optarg; break;
        case 'S': a->shop = optarg; break;
        case 'p':
            if (a->npub == MAX_KEYS) {
                cli_error("at most %d --public per command", MAX_KEYS);
                return LABELS_EXIT_USAGE;
            }
            a->pubs[a->npub++] = optarg;
            break;
        case 'h': fputs(kiosk_usage, stdout); return LABELS_EXIT_OK;
        default: fputs(kiosk_usage, stderr); return LABELS_EXIT_USAGE;
        }
    }
    if (!a->db && a->world) {
        if ((size_t)snprintf(a->dbbuf, sizeof a->dbbuf, "%s/collector.db",
                             a->world) >= sizeof a->dbbuf) {
            cli_error("world path too long");
            return LABELS_EXIT_USAGE;
        }
        a->db = a->dbbuf;
    }
    return -1;
}

/* What each subcommand needs; an EXIT_ code. */
static int check(int argc, char **argv, struct kargs *a)
{
    if (!a->db) {
        cli_error("kiosk %s needs --collector-db DB (or --world DIR)", a->sub);
        return LABELS_EXIT_USAGE;
    }
    a->enroll = !strcmp(a->sub, "enroll");
    a->revoke = !strcmp(a->sub, "revoke");
    if (a->enroll &&
        (a->npub == 0 || !a->province || !a->shop || optind != argc)) {
        cli_error("kiosk enroll needs --public FILE, --province and --shop");
        return LABELS_EXIT_USAGE;
    }
    /* Checked before the collector is opened (and made): the checks
     * collector_enroll_at makes again, one code path with the console. */
    char why[256];
    if (a->enroll) {
        const char *unit =
            collector_place(a->province, a->shop, why, sizeof why);
        if (!unit) {
            cli_error("%s", why);
            return LABELS_EXIT_USAGE;
        }
        a->province = unit;
    }
    if (a->revoke && optind + 1 != argc) {
        cli_error("kiosk revoke needs exactly one KEY_ID");
        return LABELS_EXIT_USAGE;
    }
    if (a->revoke && labels_key_id_parse(argv[optind], a->id) != LABELS_OK) {
        cli_error("'%s' is not a key ID (16 hex digits)", argv[optind]);
        return LABELS_EXIT_USAGE;
    }
    if (!a->enroll && !a->revoke && optind != argc) {
        cli_error("kiosk list takes no arguments");
        return LABELS_EXIT_USAGE;
    }
    return LABELS_EXIT_OK;
}

/* The public keys to enroll, read; NULL after saying why. */
static labels_pubkey *read_keys(const struct kargs *a)
{
    labels_pubkey *keys = calloc(a->npub, sizeof *keys);
    if (!keys) {
        cli_error("out of memory");
        return NULL;
    }
    for (size_t i = 0; i < a->npub; i++) {
        int lrc = labels_pubkey_read(a->pubs[i], &keys[i]);
        if (lrc != LABELS_OK) {
            cli_error("cannot read public key %s: %s%s%s", a->pubs[i],
                      labels_strerror(lrc), lrc == LABELS_ERR_IO ? ": " : "",
                      lrc == LABELS_ERR_IO ? strerror(errno) : "");
            free(keys);
            return NULL;
        }
    }
    return keys;
}

static int run(collector *col, const struct kargs *a, const labels_pubkey *keys)
{
    char err[256];
    if (a->enroll) {
        if (collector_enroll_at(col, keys, a->npub, a->province, a->shop, err,
                                sizeof err)) {
            cli_error("%s", err);
            return LABELS_EXIT_FAIL;
        }
        for (size_t i = 0; i < a->npub; i++) {
            char hex[LABELS_KEY_ID_HEX_SIZE];
            labels_key_id_hex(keys[i].id, hex);
            printf("enrolled kiosk %s (%s, %s)\n", hex, a->province, a->shop);
        }
        return LABELS_EXIT_OK;
    }
    if (a->revoke) {
        char hex[LABELS_KEY_ID_HEX_SIZE];
        labels_key_id_hex(a->id, hex);
        int r = collector_revoke(col, hex, err, sizeof err);
        if (r < 0)
            cli_error("%s", err);
        else if (r > 0)
            cli_error("no kiosk %s is enrolled", hex);
        else
            printf("revoked kiosk %s\n", hex);
        return r ? LABELS_EXIT_FAIL : LABELS_EXIT_OK;
    }
    if (collector_list(col, print_kiosk, NULL, err, sizeof err)) {
        cli_error("%s", err);
        return LABELS_EXIT_FAIL;
    }
    return LABELS_EXIT_OK;
}

static int open_and_run(const struct kargs *a)
{
    labels_pubkey *keys = NULL;
    if (a->enroll && !(keys = read_keys(a)))
        return LABELS_EXIT_FAIL;
    char err[256];
    collector *col;
    struct stat st;
    int rc = LABELS_EXIT_FAIL;
    if (!a->enroll && !pg_store_is_conninfo(a->db) && stat(a->db, &st) != 0) {
        /* Only enrolling creates a collector database. */
        cli_error("no collector database at %s: %s", a->db, strerror(errno));
    } else if (collector_open(a->db, &col, err, sizeof err) != 0) {
        cli_error("%s", err);
    } else {
        rc = run(col, a, keys);
        collector_close(col);
    }
    free(keys);
    return rc;
}

int cmd_kiosk(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        fputs(kiosk_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? LABELS_EXIT_USAGE : LABELS_EXIT_OK;
    }
    struct kargs a;
    memset(&a, 0, sizeof a);
    a.sub = argv[1];
    if (strcmp(a.sub, "enroll") && strcmp(a.sub, "revoke") &&
        strcmp(a.sub, "list")) {
        cli_error("kiosk: unknown subcommand '%s'", a.sub);
        fputs(kiosk_usage, stderr);
        return LABELS_EXIT_USAGE;
    }
    a.pubs = calloc(MAX_KEYS, sizeof *a.pubs);
    if (!a.pubs) {
        cli_error("out of memory");
        return LABELS_EXIT_FAIL;
    }
    int rc = parse(argc - 1, argv + 1, &a);
    if (rc < 0) {
        rc = check(argc - 1, argv + 1, &a);
        if (rc == LABELS_EXIT_OK)
            rc = open_and_run(&a);
    }
    free(a.pubs);
    return rc;
}
