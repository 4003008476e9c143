/* stats.c -- ocop-host stats: the figures the 2020 programme review used,
 * per province and nationwide, as a terminal table or CSV (the query is
 * registry_stats). */
#include "cmd/cli.h"
#include "cmd/registry_cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct row {
    const struct reg_stats_row *r;
    const char *sortkey;
};

static int cmp_rows(const void *a, const void *b)
{
    const struct row *x = a, *y = b;
    return strcasecmp(x->sortkey, y->sortkey);
}

static int width_utf8(const char *s)
{
    int n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

static void print_row(const struct reg_stats_row *r, const char *name, int csv,
                      int namew)
{
    if (csv) {
        char num[REG_STATS_N][24];
        const char *cells[REG_STATS_N + 1] = {name};
        for (int i = 0; i < REG_STATS_N; i++) {
            snprintf(num[i], sizeof num[i], "%ld", r->v[i]);
            cells[i + 1] = num[i];
        }
        csv_write_row(stdout, cells, REG_STATS_N + 1);
        return;
    }
    printf("%s%*s", name, namew - width_utf8(name), "");
    for (int i = 0; i < REG_STATS_N; i++) {
        int w = (int)strlen(registry_stats_heads[i]);
        printf(" %*ld", w > 5 ? w : 5, r->v[i]);
    }
    putchar('\n');
}

static void print_table(const struct row *rows, size_t n,
                        const struct reg_stats_row *total, const char *tname,
                        const struct reg_stats_query *q, int csv)
{
    int namew = width_utf8(tname);
    for (size_t i = 0; i < n; i++)
        if (width_utf8(rows[i].r->province) > namew)
            namew = width_utf8(rows[i].r->province);
    if (csv) {
        const char *cells[REG_STATS_N + 1] = {"province"};
        for (int i = 0; i < REG_STATS_N; i++)
            cells[i + 1] = registry_stats_keys[i];
        csv_write_row(stdout, cells, REG_STATS_N + 1);
    } else {
        printf("OCOP products as of %s (expiring: within %ld days)\n", q->today,
               q->expiring_days);
        printf("%-*s", namew, "province");
        for (int i = 0; i < REG_STATS_N; i++)
            printf(" %5s", registry_stats_heads[i]);
        putchar('\n');
    }
    for (size_t i = 0; i < n; i++)
        print_row(rows[i].r, rows[i].r->province, csv, namew);
    if (!q->province[0])
        print_row(total, tname, csv, namew);
    if (!csv && !q->province[0])
        printf("%zu provinces\n", n);
}

/* Query and print; an EXIT_ code. */
static int stats(const char *dbpath, const struct reg_stats_query *q, int csv)
{
    sqlite3 *db;
    int rc = regcli_open(dbpath, 1, &db);
    if (rc != LABELS_EXIT_OK)
        return rc;
    struct reg_stats_row *r, total;
    size_t n;
    char err[REG_ERR_MAX];
    rc = registry_stats(db, "main", q, &r, &n, &total, err, sizeof err);
    registry_close(db);
    if (rc) {
        cli_error("cannot compute statistics: %s", err);
        return LABELS_EXIT_FAIL;
    }
    struct row *rows = calloc(n ? n : 1, sizeof *rows);
    if (!rows) {
        free(r);
        cli_error("out of memory");
        return LABELS_EXIT_FAIL;
    }
    for (size_t i = 0; i < n; i++) {
        const struct province *pr = province_find(r[i].province);
        rows[i].r = &r[i];
        rows[i].sortkey = pr ? pr->ascii : r[i].province;
    }
    qsort(rows, n, sizeof rows[0], cmp_rows);
    print_table(rows, n, &total,
                q->province[0] ? q->province
                : csv          ? "nationwide"
                               : "Cả nước (nationwide)",
                q, csv);
    free(rows);
    free(r);
    return LABELS_EXIT_OK;
}

int cmd_stats(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},
        {"province", required_argument, NULL, 'p'},
        {"expiring-days", required_argument, NULL, 'e'},
        {"today", required_argument, NULL, 't'},
        {"csv", no_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *dbpath = NULL, *province = NULL, *today_opt = NULL;
    long days = 90;
    int csv = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': dbpath = optarg; break;
        case 'p': province = optarg; break;
        case 't': today_opt = optarg; break;
        case 'c': csv = 1; break;
        case 'e': {
            char *end;
            days = strtol(optarg, &end, 10);
            if (*optarg < '0' || *optarg > '9' || *end || days > 36500) {
                cli_error("--expiring-days must be 0 to 36500");
                return LABELS_EXIT_USAGE;
            }
            break;
        }
        case 'h':
            puts("usage: ocop-host stats --db REG.db [--province P] "
                 "[--expiring-days N] [--today YYYY-MM-DD] [--csv]\n"
                 "Products, producers, counts by star (3, 4, 5, proposed 5) "
                 "and by group, and\ncertificates of rated products expiring "
                 "within N days (default 90), per\nprovince and nationwide.");
            return LABELS_EXIT_OK;
        default: return LABELS_EXIT_USAGE;
        }
    }
    if (!dbpath || optind != argc) {
        cli_error("stats needs --db REG.db");
        return LABELS_EXIT_USAGE;
    }
    char today[LABELS_DATE_SIZE];
    int rc = regcli_date(today_opt, "--today", today);
    if (rc != LABELS_EXIT_OK)
        return rc;
    const struct province *only = NULL;
    if (province && !(only = province_find(province))) {
        cli_error("unknown province '%s'", province);
        return LABELS_EXIT_USAGE;
    }
    struct reg_stats_query q = {today, days, only ? only->name : ""};
    return stats(dbpath, &q, csv);
}
