/* stats.c -- ocop-host stats: the figures the 2020 programme review used,
 * per province (the 34 units of 2025, or with --units 2020 the 63 of
 * 2020) and nationwide, as a terminal table, CSV, HTML or XLSX (the query
 * is registry_stats, the table report_registry_stats; no collector). */
#include "cmd/cli.h"
#include "cmd/registry_cli.h"
#include "report/report.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
    "usage: ocop-host stats --db REG.db [--province P] [--units 2025|2020]\n"
    "         [--expiring-days N] [--today YYYY-MM-DD]\n"
    "         [--csv | --format table|csv|html|xlsx] [--out FILE]\n"
    "Products, producers, counts by star (3, 4, 5, proposed 5) and by group, "
    "and\ncertificates of rated products expiring within N days (default "
    "90), per\nprovince and nationwide. --units 2025 (default): the 34 "
    "provinces of 2025;\n--units 2020: the 63 of 2020, each product under "
    "the unit it was certified\nin (the 2020 programme review's table). "
    "Provinces in Vietnamese\nalphabetical order. xlsx needs --out.\n";

struct sargs {
    const char *db, *province, *today, *out, *format;
    labels_units units;
    long days;
};

/* Build, render, write; an EXIT_ code. */
static int stats(const struct sargs *a, const struct reg_stats_query *q,
                 report_format fmt)
{
    sqlite3 *db;
    int rc = regcli_open(a->db, 1, &db);
    if (rc != LABELS_EXIT_OK)
        return rc;
    report_set set;
    char err[REG_ERR_MAX];
    const char *total = fmt == REPORT_CSV ? "nationwide"
                        : q->province[0]  ? q->province
                                          : "Cả nước (nationwide)";
    int failed = report_registry_stats(db, q, total, &set, err, sizeof err);
    registry_close(db);
    if (failed) {
        cli_error("cannot compute statistics: %s", err);
        return LABELS_EXIT_FAIL;
    }
    char *buf = NULL, now[LABELS_TIME_ISO_SIZE];
    size_t len = 0;
    report_opts o;
    memset(&o, 0, sizeof o);
    snprintf(o.province, sizeof o.province, "%s", q->province);
    snprintf(o.today, sizeof o.today, "%s", q->today);
    regtime_now(now);
    failed = report_render(&set, fmt, "Thống kê OCOP — OCOP statistics", &o,
                           now, &buf, &len);
    report_set_free(&set);
    if (failed) {
        cli_error("cannot render the statistics");
        return LABELS_EXIT_FAIL;
    }
    rc = cli_write_out(a->out, buf, len, "the statistics");
    free(buf);
    return rc;
}

/* The options; -1 to go on, else an EXIT_ code. */
static int parse(int argc, char **argv, struct sargs *a)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},
        {"province", required_argument, NULL, 'p'},
        {"units", required_argument, NULL, 'u'},
        {"expiring-days", required_argument, NULL, 'e'},
        {"today", required_argument, NULL, 't'},
        {"csv", no_argument, NULL, 'c'},
        {"format", required_argument, NULL, 'f'},
        {"out", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    memset(a, 0, sizeof *a);
    a->days = 90;
    a->format = "table";
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': a->db = optarg; break;
        case 'p': a->province = optarg; break;
        case 't': a->today = optarg; break;
        case 'c': a->format = "csv"; break;
        case 'f': a->format = optarg; break;
        case 'o': a->out = optarg; break;
        case 'u':
            if (strcmp(optarg, "2025") && strcmp(optarg, "2020")) {
                cli_error("--units must be 2025 or 2020");
                return LABELS_EXIT_USAGE;
            }
            a->units = optarg[3] == '0' ? LABELS_UNITS_2020 : LABELS_UNITS_2025;
            break;
        case 'e': {
            char *end;
            a->days = strtol(optarg, &end, 10);
            if (*optarg < '0' || *optarg > '9' || *end || a->days > 36500) {
                cli_error("--expiring-days must be 0 to 36500");
                return LABELS_EXIT_USAGE;
            }
            break;
        }
        case 'h': fputs(usage_text, stdout); return LABELS_EXIT_OK;
        default: return LABELS_EXIT_USAGE;
        }
    }
    if (!a->db || optind != argc) {
        cli_error("stats needs --db REG.db");
        return LABELS_EXIT_USAGE;
    }
    return -1;
}

int cmd_stats(int argc, char **argv)
{
    struct sargs a;
    int rc = parse(argc, argv, &a);
    if (rc >= 0)
        return rc;
    static const char *const names[] = {"table", "csv", "html", "xlsx"};
    static const report_format fmts[] = {REPORT_TEXT, REPORT_CSV, REPORT_HTML,
                                         REPORT_XLSX};
    int f = 0;
    while (f < 4 && strcmp(a.format, names[f]))
        f++;
    if (f == 4) {
        cli_error("--format must be table, csv, html or xlsx");
        return LABELS_EXIT_USAGE;
    }
    if (fmts[f] == REPORT_XLSX && !a.out) {
        cli_error("--format xlsx needs --out FILE.xlsx");
        return LABELS_EXIT_USAGE;
    }
    char today[LABELS_DATE_SIZE];
    rc = regcli_date(a.today, "--today", today);
    if (rc != LABELS_EXIT_OK)
        return rc;
    /* --province names a unit of the list the rows are of. */
    const labels_province *named = NULL, *only = NULL;
    char err[REG_ERR_MAX];
    if (a.province &&
        !(only = registry_province(a.province, &named, err, sizeof err))) {
        cli_error("%s", err);
        return LABELS_EXIT_USAGE;
    }
    if (only && a.units == LABELS_UNITS_2020)
        only = labels_province_in(named, LABELS_UNITS_2020);
    struct reg_stats_query q = {today, a.days, only ? only->name : "", a.units};
    return stats(&a, &q, fmts[f]);
}
