/* stats.c -- ocop-host stats: the figures the 2020 programme review used,
 * per province and nationwide, as a terminal table or CSV. */
#include "cli.h"
#include "registry_cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum {
    S_PRODUCTS,
    S_PRODUCERS,
    S_STAR3,
    S_STAR4,
    S_STAR5,
    S_P5,
    S_FOOD,
    S_BEVERAGES,
    S_HERBAL,
    S_TEXTILES,
    S_SOUVENIRS,
    S_TOURISM,
    S_EXPIRING,
    S_COUNT
};

static const char *const heads[S_COUNT] = {
    "products",   "producers", "3 stars",   "4 stars", "5 stars",
    "proposed 5", "food",      "beverages", "herbal",  "textiles",
    "souvenirs",  "tourism",   "expiring"};
static const char *const csv_heads[S_COUNT] = {
    "products",  "producers", "stars3",    "stars4", "stars5",
    "proposed5", "food",      "beverages", "herbal", "textiles",
    "souvenirs", "tourism",   "expiring"};

struct row {
    char province[64];
    const char *sortkey;
    long v[S_COUNT];
};

/* One SELECT serves both the per-province rows (grouped) and the
 * nationwide row (not grouped). */
#define STATS_COLUMNS                                                          \
    "count(*), count(DISTINCT producer), "                                     \
    "sum(stars=3), sum(stars=4 AND proposed5=0), sum(stars=5), "               \
    "sum(proposed5=1), sum(grp='food'), sum(grp='beverages'), "                \
    "sum(grp='herbal'), sum(grp='textiles'), sum(grp='souvenirs'), "           \
    "sum(grp='tourism'), "                                                     \
    "sum(status='rated' AND expires>=?1 AND expires<=date(?1,'+'||?2||' "      \
    "days')) "

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

static void csv_field(const char *s)
{
    if (!strpbrk(s, ",\"\n\r")) {
        fputs(s, stdout);
        return;
    }
    putchar('"');
    for (; *s; s++) {
        if (*s == '"')
            putchar('"');
        putchar(*s);
    }
    putchar('"');
}

static void print_row(const struct row *r, int csv, int namew)
{
    if (csv) {
        csv_field(r->province);
        for (int i = 0; i < S_COUNT; i++)
            printf(",%ld", r->v[i]);
        putchar('\n');
        return;
    }
    printf("%s%*s", r->province, namew - width_utf8(r->province), "");
    for (int i = 0; i < S_COUNT; i++)
        printf(" %*ld", (int)strlen(heads[i]) > 5 ? (int)strlen(heads[i]) : 5,
               r->v[i]);
    putchar('\n');
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
                return EXIT_USAGE;
            }
            break;
        }
        case 'h':
            puts("usage: ocop-host stats --db REG.db [--province P] "
                 "[--expiring-days N] [--today YYYY-MM-DD] [--csv]\n"
                 "Products, producers, counts by star (3, 4, 5, proposed 5) "
                 "and by group, and\ncertificates of rated products expiring "
                 "within N days (default 90), per\nprovince and nationwide.");
            return EXIT_OK;
        default: return EXIT_USAGE;
        }
    }
    if (!dbpath || optind != argc) {
        cli_error("stats needs --db REG.db");
        return EXIT_USAGE;
    }
    char today[11];
    int rc = regcli_date(today_opt, "--today", today);
    if (rc != EXIT_OK)
        return rc;
    const struct province *only = NULL;
    if (province && !(only = province_find(province))) {
        cli_error("unknown province '%s'", province);
        return EXIT_USAGE;
    }
    sqlite3 *db;
    rc = regcli_open(dbpath, 1, &db);
    if (rc != EXIT_OK)
        return rc;

    struct row rows[128], total;
    size_t n = 0;
    memset(&total, 0, sizeof total);
    snprintf(total.province, sizeof total.province, "%s",
             only  ? only->name
             : csv ? "nationwide"
                   : "Cả nước (nationwide)");
    sqlite3_stmt *st = NULL;
    int ok = sqlite3_prepare_v2(db,
                                "SELECT province, " STATS_COLUMNS
                                "FROM products WHERE ?3='' OR province=?3 "
                                "GROUP BY province",
                                -1, &st, NULL) == SQLITE_OK;
    if (ok) {
        sqlite3_bind_text(st, 1, today, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, days);
        sqlite3_bind_text(st, 3, only ? only->name : "", -1, SQLITE_STATIC);
        while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < 128) {
            struct row *r = &rows[n++];
            snprintf(r->province, sizeof r->province, "%s",
                     sqlite3_column_text(st, 0));
            const struct province *pr = province_find(r->province);
            r->sortkey = pr ? pr->ascii : r->province;
            for (int i = 0; i < S_COUNT; i++)
                r->v[i] = sqlite3_column_int64(st, i + 1);
        }
        ok = rc == SQLITE_DONE;
    }
    sqlite3_finalize(st);
    st = NULL;
    long provinces = (long)n;
    if (ok)
        ok = sqlite3_prepare_v2(db,
                                "SELECT " STATS_COLUMNS
                                "FROM products WHERE ?3='' OR province=?3",
                                -1, &st, NULL) == SQLITE_OK;
    if (ok) {
        sqlite3_bind_text(st, 1, today, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, days);
        sqlite3_bind_text(st, 3, only ? only->name : "", -1, SQLITE_STATIC);
        ok = sqlite3_step(st) == SQLITE_ROW;
        if (ok)
            for (int i = 0; i < S_COUNT; i++)
                total.v[i] = sqlite3_column_int64(st, i);
    }
    sqlite3_finalize(st);
    if (!ok) {
        cli_error("cannot compute statistics: %s", sqlite3_errmsg(db));
        registry_close(db);
        return EXIT_FAILURE_;
    }
    registry_close(db);
    qsort(rows, n, sizeof rows[0], cmp_rows);

    int namew = width_utf8(total.province);
    for (size_t i = 0; i < n; i++)
        if (width_utf8(rows[i].province) > namew)
            namew = width_utf8(rows[i].province);
    if (csv) {
        printf("province");
        for (int i = 0; i < S_COUNT; i++)
            printf(",%s", csv_heads[i]);
        putchar('\n');
    } else {
        printf("OCOP products as of %s (expiring: within %ld days)\n", today,
               days);
        printf("%-*s", namew, "province");
        for (int i = 0; i < S_COUNT; i++)
            printf(" %5s", heads[i]);
        putchar('\n');
    }
    for (size_t i = 0; i < n; i++)
        print_row(&rows[i], csv, namew);
    if (!only)
        print_row(&total, csv, namew);
    if (!csv && !only)
        printf("%ld provinces\n", provinces);
    return EXIT_OK;
}
