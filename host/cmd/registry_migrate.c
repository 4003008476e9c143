/* registry_migrate.c -- ocop-host registry migrate: a registry made before
 * the 34 provinces of 2025 moved to them in place (registry_migrate), and
 * with --collector-db the kiosks' provinces too. */
#include "cmd/cli.h"
#include "collector/collector.h"
#include "registry/registry.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_change(void *ctx, const char *const *cols, int n)
{
    (void)ctx;
    if (!cols || n != 5)
        return;
    if (cols[4][0])
        printf("%s %s: %s '%s' -> '%s'\n", cols[0], cols[1], cols[2], cols[3],
               cols[4]);
    else
        printf("%s %s: %s '%s' is no province: left as it is\n", cols[0],
               cols[1], cols[2], cols[3]);
}

struct kmove {
    collector *c;
    collector_kiosk *k; /* listed first: enrolling writes the table */
    size_t n, cap;
    long moved, kept, unknown;
    int failed;
    char err[256];
};

static int keep_kiosk(void *ctx, const collector_kiosk *k)
{
    struct kmove *m = ctx;
    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 64;
        collector_kiosk *nk = realloc(m->k, cap * sizeof *nk);
        if (!nk)
            return -1;
        m->k = nk;
        m->cap = cap;
    }
    m->k[m->n++] = *k;
    return 0;
}

/* One kiosk: re-enrolled at its 2025 unit (its scans are keyed by the
 * device key, so they stay), or told about. */
static int move_kiosk(struct kmove *m, const collector_kiosk *k)
{
    const labels_province *p = labels_province_find(k->province, NULL);
    if (!p) {
        m->unknown++;
        printf("kiosk %s: province '%s' is no province: left as it is (its "
               "scans count under that name); enroll it again with "
               "--province\n",
               k->key_id, k->province);
        return 0;
    }
    if (!strcmp(p->name, k->province))
        return 0;
    if (k->revoked[0]) {
        m->kept++;
        printf("kiosk %s: revoked; its scans count in %s in reports\n",
               k->key_id, p->name);
        return 0;
    }
    labels_pubkey pub;
    if (labels_pubkey_parse(k->public_key, strlen(k->public_key), &pub) !=
            LABELS_OK ||
        collector_enroll(m->c, &pub, 1, p->name, k->shop, m->err,
                         sizeof m->err)) {
        if (!m->err[0])
            snprintf(m->err, sizeof m->err, "kiosk %s: bad public key",
                     k->key_id);
        m->failed = 1;
        return -1;
    }
    m->moved++;
    printf("kiosk %s: province '%s' -> '%s'\n", k->key_id, k->province,
           p->name);
    return 0;
}

static int move_kiosks(const char *path)
{
    struct kmove m = {0};
    char err[512];
    if (collector_open(path, &m.c, err, sizeof err)) {
        cli_error("%s", err);
        return LABELS_EXIT_FAIL;
    }
    int bad = collector_list(m.c, keep_kiosk, &m, err, sizeof err);
    for (size_t i = 0; !bad && i < m.n; i++)
        bad = move_kiosk(&m, &m.k[i]);
    free(m.k);
    collector_close(m.c);
    if (bad || m.failed) {
        cli_error("kiosks: %s", m.failed ? m.err : err);
        return LABELS_EXIT_FAIL;
    }
    printf("kiosks: %ld moved to their 2025 unit, %ld revoked left, %ld with "
           "no province\n",
           m.moved, m.kept, m.unknown);
    return m.unknown ? LABELS_EXIT_NO : LABELS_EXIT_OK;
}

int registry_migrate_cmd(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},
        {"collector-db", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *dbpath = NULL, *coll = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': dbpath = optarg; break;
        case 'c': coll = optarg; break;
        case 'h':
            puts("usage: ocop-host registry migrate --db REG.db "
                 "[--collector-db DB]\n"
                 "Move a registry made before the 34 provinces of 2025 to "
                 "them, in one\ntransaction with audit rows: every province "
                 "becomes its 2025 unit and\neach product keeps the unit it "
                 "was certified in. With --collector-db,\nkiosks enrolled "
                 "under an old name or code move too; names that are no\n"
                 "province are listed and left as they are (exit 1).");
            return LABELS_EXIT_OK;
        default: return LABELS_EXIT_USAGE;
        }
    }
    if (!dbpath || optind != argc) {
        cli_error("registry migrate needs --db REG.db");
        return LABELS_EXIT_USAGE;
    }
    struct reg_migration m;
    char err[REG_ERR_MAX];
    if (registry_migrate(dbpath, print_change, NULL, &m, err, sizeof err)) {
        cli_error("cannot migrate %s: %s", dbpath, err);
        return LABELS_EXIT_FAIL;
    }
    printf("registry %s: schema %d -> 2; %ld products, %ld producers, %ld "
           "inspectors and accounts moved; %ld rows with no province\n",
           dbpath, m.from, m.products, m.producers, m.others, m.unknown);
    int rc = coll ? move_kiosks(coll) : LABELS_EXIT_OK;
    return rc == LABELS_EXIT_OK && m.unknown ? LABELS_EXIT_NO : rc;
}
