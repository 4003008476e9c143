/* collector.c -- ocop-host collector import|retain: the PostgreSQL
 * collector's maintenance (docs/collector.md). */
#include "cmd/cli.h"
#include "collector/pg_store.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char collector_usage[] =
    "usage: ocop-host collector import --from FILE --collector-db CONNINFO\n"
    "       ocop-host collector retain --collector-db CONNINFO [--months N]\n"
    "  import: copy a SQLite collector's kiosks, batches, findings and scans\n"
    "          into PostgreSQL; resumable, checked by counts\n"
    "  retain: drop the months of raw scans older than N whole months\n"
    "          (default 24); rollups, batches and findings stay\n";

int cmd_collector(int argc, char **argv)
{
    static const struct option opts[] = {
        {"collector-db", required_argument, NULL, 'c'},
        {"from", required_argument, NULL, 'f'},
        {"months", required_argument, NULL, 'm'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        fputs(collector_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? LABELS_EXIT_USAGE : LABELS_EXIT_OK;
    }
    const char *sub = argv[1];
    int import = !strcmp(sub, "import"), retain = !strcmp(sub, "retain");
    if (!import && !retain) {
        cli_error("collector: unknown subcommand '%s'", sub);
        fputs(collector_usage, stderr);
        return LABELS_EXIT_USAGE;
    }
    const char *db = NULL, *from = NULL;
    unsigned long months = PG_STORE_RETAIN_MONTHS;
    int c;
    optind = 1;
    argc--;
    argv++;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'c': db = optarg; break;
        case 'f': from = optarg; break;
        case 'm':
            if (cli_number(optarg, 1200, &months)) {
                cli_error("--months takes 0 to 1200");
                return LABELS_EXIT_USAGE;
            }
            break;
        case 'h': fputs(collector_usage, stdout); return LABELS_EXIT_OK;
        default: fputs(collector_usage, stderr); return LABELS_EXIT_USAGE;
        }
    }
    if (optind != argc || !db || (import && !from)) {
        cli_error("collector %s needs --collector-db CONNINFO%s", sub,
                  import ? " and --from FILE" : "");
        return LABELS_EXIT_USAGE;
    }
    if (!pg_store_is_conninfo(db)) {
        cli_error("collector %s works on PostgreSQL; '%s' is not a "
                  "connection string (postgresql://... or dbname=...)",
                  sub, db);
        return LABELS_EXIT_USAGE;
    }
    char err[300];
    pg_store *ps;
    if (pg_store_open(db, &ps, err, sizeof err)) {
        cli_error("%s", err);
        return LABELS_EXIT_FAIL;
    }
    int rc = LABELS_EXIT_OK;
    if (import) {
        pg_store_import_counts n;
        if (pg_store_import_sqlite(ps, from, &n, err, sizeof err)) {
            cli_error("%s", err);
            rc = LABELS_EXIT_FAIL;
        }
        printf("kiosks %ld new, batches %ld new, findings %ld new, scans %ld "
               "read, %ld new; %ld scans in the file%s\n",
               n.kiosks, n.batches, n.findings, n.scans_read, n.scans_new,
               n.scans_file, rc == LABELS_EXIT_OK ? ", all in PostgreSQL" : "");
    } else {
        int dropped;
        if (pg_store_retain(ps, (int)months, (int64_t)time(NULL), &dropped, err,
                            sizeof err)) {
            cli_error("%s", err);
            rc = LABELS_EXIT_FAIL;
        }
        printf("dropped %d months of raw scans (keeping %lu months)\n", dropped,
               months);
    }
    pg_store_close(ps);
    return rc;
}
