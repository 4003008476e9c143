/* demo_scans.c -- ocop-host demo-scans: fill a demo world's collector
 * with made-up scans and findings (the work is demo_scans_write). */
#include "cmd/cli.h"
#include "cmd/registry_cli.h"
#include "demo/demo.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

int cmd_demo_scans(int argc, char **argv)
{
    static const struct option opts[] = {
        {"world", required_argument, NULL, 'w'},
        {"collector-db", required_argument, NULL, 'c'},
        {"db", required_argument, NULL, 'd'},
        {"count", required_argument, NULL, 'n'},
        {"days", required_argument, NULL, 'D'},
        {"date", required_argument, NULL, 't'},
        {"seed", required_argument, NULL, 's'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *world = NULL, *coll = NULL, *reg = NULL, *date_opt = NULL;
    long count = 20000, days = 30;
    unsigned long long seed = 1;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'w': world = optarg; break;
        case 'c': coll = optarg; break;
        case 'd': reg = optarg; break;
        case 't': date_opt = optarg; break;
        case 'n':
            errno = 0;
            count = strtol(optarg, &end, 10);
            if (*optarg < '0' || *optarg > '9' || *end || errno ||
                count < 100 || count > 10000000) {
                cli_error("--count must be 100 to 10000000");
                return LABELS_EXIT_USAGE;
            }
            break;
        case 'D':
            errno = 0;
            days = strtol(optarg, &end, 10);
            if (*optarg < '0' || *optarg > '9' || *end || errno || days < 11 ||
                days > 3650) {
                cli_error("--days must be 11 to 3650");
                return LABELS_EXIT_USAGE;
            }
            break;
        case 's':
            errno = 0;
            seed = strtoull(optarg, &end, 10);
            if (*optarg < '0' || *optarg > '9' || *end || errno) {
                cli_error("--seed must be a whole number");
                return LABELS_EXIT_USAGE;
            }
            break;
        case 'h':
            puts("usage: ocop-host demo-scans (--world DIR | --collector-db "
                 "FILE --db REG.db)\n"
                 "         [--count N] [--days D] [--date YYYY-MM-DD] "
                 "[--seed S]\n"
                 "Enroll demo kiosks (2-3 per province of the registry) and "
                 "write N made-up scans\nover the D days up to --date into "
                 "the collector (demo data, not signed batches).");
            return LABELS_EXIT_OK;
        default: return LABELS_EXIT_USAGE;
        }
    }
    char cbuf[4096], rbuf[4096];
    if (world) {
        snprintf(cbuf, sizeof cbuf, "%s/collector.db", world);
        snprintf(rbuf, sizeof rbuf, "%s/registry.db", world);
        if (!coll)
            coll = cbuf;
        if (!reg)
            reg = rbuf;
    }
    if (!coll || !reg || optind != argc) {
        cli_error("demo-scans needs --world DIR, or --collector-db FILE and "
                  "--db REG.db");
        return LABELS_EXIT_USAGE;
    }
    char date[LABELS_DATE_SIZE];
    int rc = regcli_date(date_opt, "--date", date);
    if (rc != LABELS_EXIT_OK)
        return rc;
    struct demo_scans_opts o = {world, coll, reg, date, count, days, seed};
    struct demo_scans_result r;
    char err[REG_ERR_MAX + 4096];
    if (demo_scans_write(&o, &r, err, sizeof err)) {
        cli_error("%s", err);
        return LABELS_EXIT_FAIL;
    }
    printf("%ld demo scans at %zu kiosks in %zu provinces, %s to %s; "
           "forgery hotspots in %s and %s; cloned label: key %s product "
           "%s lot L2406 serial 4242\n",
           r.rows, r.kiosks, r.provinces, r.first, date, r.hotspot[0],
           r.hotspot[1], r.clone_key, r.clone_code);
    return LABELS_EXIT_OK;
}
