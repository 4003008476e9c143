/* report.c -- ocop-host report KIND: read the collector and the
 * registry, write a terminal table, CSV or one HTML file
 * (docs/reports.md). */
#include "cmd/cli.h"
#include "collector/collector.h"
#include "cmd/registry_cli.h"
#include "report/report.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char usage_text[] =
    "usage: ocop-host report KIND (--world DIR | --collector-db FILE --db "
    "REG.db)\n"
    "         [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--province P]\n"
    "         [--format table|csv|html] [--out FILE] [--by "
    "province|kiosk|day]\n"
    "         [--today YYYY-MM-DD] [--limit N] [--expiring-days N]\n"
    "         [--clone-scans N] [--clone-kiosks M] [--clone-hours H]\n"
    "         [--reinspect-scans N]\n"
    "KIND: verdicts, hotspots, clones, findings, reinspect, expiring, stats,\n"
    "      all (every section; table or html).\n"
    "Days are Vietnam days (UTC+7), --from and --to inclusive.\n";

static int parse_long(const char *opt, const char *s, long min, long max,
                      long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (*s < '0' || *s > '9' || *end || errno || v < min || v > max) {
        cli_error("%s must be a whole number from %ld to %ld", opt, min, max);
        return EXIT_USAGE;
    }
    *out = v;
    return EXIT_OK;
}

static int exists(const char *what, const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        cli_error("no %s at %s: %s", what, path, strerror(errno));
        return EXIT_FAILURE_;
    }
    if (!S_ISREG(st.st_mode)) {
        cli_error("%s %s is not a file", what, path);
        return EXIT_FAILURE_;
    }
    return EXIT_OK;
}

/* Open the collector read-only with the registry attached, after one
 * read-write open that adds the report indexes and findings table to an
 * older collector database. */
static int open_dbs(const char *coll, const char *reg, sqlite3 **db)
{
    char err[512];
    collector *c;
    if (collector_open(coll, &c, err, sizeof err) != 0) {
        cli_error("%s", err);
        return EXIT_FAILURE_;
    }
    collector_close(c);
    sqlite3 *r;
    int rc = regcli_open(reg, 1, &r);
    if (rc != EXIT_OK)
        return rc;
    registry_close(r);
    if (sqlite3_open_v2(coll, db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        cli_error("collector database %s: %s", coll,
                  *db ? sqlite3_errmsg(*db) : "cannot open");
        sqlite3_close(*db);
        return EXIT_FAILURE_;
    }
    sqlite3_stmt *st = NULL;
    int ok =
        sqlite3_exec(*db, "PRAGMA busy_timeout=5000", NULL, NULL, NULL) ==
            SQLITE_OK &&
        sqlite3_prepare_v2(*db, "ATTACH ?1 AS reg", -1, &st, NULL) == SQLITE_OK;
    if (ok) {
        sqlite3_bind_text(st, 1, reg, -1, SQLITE_STATIC);
        ok = sqlite3_step(st) == SQLITE_DONE;
    }
    sqlite3_finalize(st);
    if (!ok) {
        cli_error("cannot attach registry %s: %s", reg, sqlite3_errmsg(*db));
        sqlite3_close(*db);
        return EXIT_FAILURE_;
    }
    return EXIT_OK;
}

int cmd_report(int argc, char **argv)
{
    static const struct option opts[] = {
        {"world", required_argument, NULL, 'w'},
        {"collector-db", required_argument, NULL, 'c'},
        {"db", required_argument, NULL, 'd'},
        {"from", required_argument, NULL, 'f'},
        {"to", required_argument, NULL, 't'},
        {"province", required_argument, NULL, 'p'},
        {"format", required_argument, NULL, 'F'},
        {"out", required_argument, NULL, 'o'},
        {"by", required_argument, NULL, 'b'},
        {"today", required_argument, NULL, 'T'},
        {"limit", required_argument, NULL, 'l'},
        {"expiring-days", required_argument, NULL, 'e'},
        {"clone-scans", required_argument, NULL, 'S'},
        {"clone-kiosks", required_argument, NULL, 'K'},
        {"clone-hours", required_argument, NULL, 'H'},
        {"reinspect-scans", required_argument, NULL, 'R'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *world = NULL, *coll = NULL, *reg = NULL, *from = NULL,
               *to = NULL, *province = NULL, *format = "table", *out = NULL,
               *by = NULL, *today = NULL;
    report_opts o;
    memset(&o, 0, sizeof o);
    o.limit = 20;
    o.expiring_days = 90;
    o.clone_scans = 20;
    o.clone_kiosks = 3;
    o.clone_window_h = 24;
    o.reinspect_scans = 10;
    int c, rc = EXIT_OK;
    optind = 1;
    while (rc == EXIT_OK &&
           (c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'w': world = optarg; break;
        case 'c': coll = optarg; break;
        case 'd': reg = optarg; break;
        case 'f': from = optarg; break;
        case 't': to = optarg; break;
        case 'p': province = optarg; break;
        case 'F': format = optarg; break;
        case 'o': out = optarg; break;
        case 'b': by = optarg; break;
        case 'T': today = optarg; break;
        case 'l':
            rc = parse_long("--limit", optarg, 1, 100000, &o.limit);
            break;
        case 'e':
            rc = parse_long("--expiring-days", optarg, 0, 36500,
                            &o.expiring_days);
            break;
        case 'S':
            rc =
                parse_long("--clone-scans", optarg, 1, 1000000, &o.clone_scans);
            break;
        case 'K':
            rc = parse_long("--clone-kiosks", optarg, 2, 100000,
                            &o.clone_kiosks);
            break;
        case 'H':
            rc = parse_long("--clone-hours", optarg, 1, 24 * 366,
                            &o.clone_window_h);
            break;
        case 'R':
            rc = parse_long("--reinspect-scans", optarg, 1, 1000000,
                            &o.reinspect_scans);
            break;
        case 'h': fputs(usage_text, stdout); return EXIT_OK;
        default: return EXIT_USAGE;
        }
    }
    if (rc != EXIT_OK)
        return rc;
    if (optind != argc - 1) {
        cli_error("report needs one KIND (verdicts, hotspots, clones, "
                  "findings, reinspect, expiring, stats, all)");
        return EXIT_USAGE;
    }
    const char *kind = argv[optind];
    if (!report_kind_valid(kind)) {
        cli_error("unknown report '%s' (verdicts, hotspots, clones, findings, "
                  "reinspect, expiring, stats, all)",
                  kind);
        return EXIT_USAGE;
    }
    int fmt = !strcmp(format, "table")  ? 0
              : !strcmp(format, "csv")  ? 1
              : !strcmp(format, "html") ? 2
                                        : -1;
    if (fmt < 0) {
        cli_error("--format must be table, csv or html");
        return EXIT_USAGE;
    }
    if (by && strcmp(by, "province") && strcmp(by, "kiosk") &&
        strcmp(by, "day")) {
        cli_error("--by must be province, kiosk or day");
        return EXIT_USAGE;
    }
    if (fmt == 1 && !strcmp(kind, "all")) {
        cli_error("report all is a table or html; CSV is one kind at a time");
        return EXIT_USAGE;
    }
    /* CSV is one table per file where it can be. */
    if (fmt == 1 && !by && !strcmp(kind, "verdicts"))
        by = "province";
    char fromd[11], tod[11];
    if ((from && (rc = regcli_date(from, "--from", fromd)) != EXIT_OK) ||
        (to && (rc = regcli_date(to, "--to", tod)) != EXIT_OK) ||
        (rc = regcli_date(today, "--today", o.today)) != EXIT_OK)
        return rc;
    o.from = from ? report_day_start(fromd) : INT64_MIN;
    o.to = to ? report_day_start(tod) + 86400 : INT64_MAX;
    if (from && to && strcmp(fromd, tod) > 0) {
        cli_error("--from %s is after --to %s", fromd, tod);
        return EXIT_USAGE;
    }
    if (from)
        memcpy(o.from_day, fromd, 11);
    if (to)
        memcpy(o.to_day, tod, 11);
    if (province) {
        const struct province *p = province_find(province);
        snprintf(o.province, sizeof o.province, "%s", p ? p->name : province);
    }

    char cbuf[4096], rbuf[4096];
    if (world) {
        if ((!coll && (size_t)snprintf(cbuf, sizeof cbuf, "%s/collector.db",
                                       world) >= sizeof cbuf) ||
            (!reg && (size_t)snprintf(rbuf, sizeof rbuf, "%s/registry.db",
                                      world) >= sizeof rbuf)) {
            cli_error("--world path is too long");
            return EXIT_USAGE;
        }
        if (!coll)
            coll = cbuf;
        if (!reg)
            reg = rbuf;
    }
    if (!coll || !reg) {
        cli_error("report needs --world DIR, or --collector-db FILE and "
                  "--db REG.db");
        return EXIT_USAGE;
    }
    if ((rc = exists("collector database", coll)) != EXIT_OK ||
        (rc = exists("registry", reg)) != EXIT_OK)
        return rc;
    sqlite3 *db;
    if ((rc = open_dbs(coll, reg, &db)) != EXIT_OK)
        return rc;

    /* One read transaction: every table sees the same scans. */
    char err[512] = "";
    report_set set = {NULL, 0};
    int failed = sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK;
    if (failed)
        snprintf(err, sizeof err, "%s", sqlite3_errmsg(db));
    else
        failed = report_build(db, kind, by, &o, &set, err, sizeof err) != 0;
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    sqlite3_close(db);
    if (failed) {
        cli_error("report %s: %s", kind, err);
        return EXIT_FAILURE_;
    }

    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    int werr = !f;
    if (f) {
        char heading[128], now[21];
        snprintf(heading, sizeof heading, "Báo cáo OCOP — OCOP report: %s",
                 kind);
        regtime_now(now);
        werr = fmt == 0   ? report_write_text(f, &set)
               : fmt == 1 ? report_write_csv(f, &set)
                          : report_write_html(f, &set, heading, &o, now);
        werr |= fclose(f) != 0;
    }
    report_set_free(&set);
    if (werr) {
        free(buf);
        cli_error("out of memory");
        return EXIT_FAILURE_;
    }
    rc = EXIT_OK;
    if (out) {
        int lr = labels_file_write_atomic(out, buf, len, 0644, 0);
        if (lr != LABELS_OK) {
            cli_error("cannot write %s: %s", out, labels_strerror(lr));
            rc = EXIT_FAILURE_;
        }
    } else if (fwrite(buf, 1, len, stdout) != len || fflush(stdout) != 0) {
        cli_error("cannot write the report: %s", strerror(errno));
        rc = EXIT_FAILURE_;
    }
    free(buf);
    return rc;
}
