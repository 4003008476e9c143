/* report.c -- ocop-host report KIND: read the collector and the
 * registry, write a terminal table, CSV or one HTML file
 * (docs/reports.md). */
#include "cmd/cli.h"
#include "cmd/registry_cli.h"
#include "collector/pg_store.h"
#include "report/report.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char usage_text[] =
    "usage: ocop-host report KIND (--world DIR | --collector-db FILE|CONNINFO "
    "--db REG.db)\n"
    "         [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--province P]\n"
    "         [--format table|csv|html|xlsx] [--out FILE] [--by "
    "province|kiosk|day]\n"
    "         [--today YYYY-MM-DD] [--limit N] [--expiring-days N]\n"
    "         [--clone-scans N] [--clone-kiosks M] [--clone-hours H]\n"
    "         [--reinspect-scans N]\n"
    "KIND: verdicts, hotspots, clones, findings, reinspect, expiring, stats,\n"
    "      all (every section; table, html or xlsx).\n"
    "Days are Vietnam days (UTC+7), --from and --to inclusive.\n";

/* --NAME N for a numeric option of report_num_opts; an EXIT_ code. */
static int parse_num(const char *name, const char *s, report_opts *o)
{
    const report_num_opt *n = report_num_opt_find(name);
    if (!n || report_opts_num(o, n, s)) {
        cli_error("--%s must be a whole number from %ld to %ld", name,
                  n ? n->min : 0, n ? n->max : 0);
        return LABELS_EXIT_USAGE;
    }
    return LABELS_EXIT_OK;
}

static int exists(const char *what, const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        cli_error("no %s at %s: %s", what, path, strerror(errno));
        return LABELS_EXIT_FAIL;
    }
    if (!S_ISREG(st.st_mode)) {
        cli_error("%s %s is not a file", what, path);
        return LABELS_EXIT_FAIL;
    }
    return LABELS_EXIT_OK;
}

struct rargs {
    const char *world, *coll, *reg, *from, *to, *province, *format, *out, *by,
        *today, *kind;
    int fmt; /* 0 table, 1 csv, 2 html, 3 xlsx */
    report_opts o;
    char fromd[LABELS_DATE_SIZE], tod[LABELS_DATE_SIZE], cbuf[4096], rbuf[4096];
};

/* The options; -1 to go on, else an EXIT_ code. */
static int parse(int argc, char **argv, struct rargs *a)
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
    memset(a, 0, sizeof *a);
    a->format = "table";
    report_opts_init(&a->o);
    int c, rc = LABELS_EXIT_OK;
    optind = 1;
    while (rc == LABELS_EXIT_OK &&
           (c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'w': a->world = optarg; break;
        case 'c': a->coll = optarg; break;
        case 'd': a->reg = optarg; break;
        case 'f': a->from = optarg; break;
        case 't': a->to = optarg; break;
        case 'p': a->province = optarg; break;
        case 'F': a->format = optarg; break;
        case 'o': a->out = optarg; break;
        case 'b': a->by = optarg; break;
        case 'T': a->today = optarg; break;
        case 'l': rc = parse_num("limit", optarg, &a->o); break;
        case 'e': rc = parse_num("expiring-days", optarg, &a->o); break;
        case 'S': rc = parse_num("clone-scans", optarg, &a->o); break;
        case 'K': rc = parse_num("clone-kiosks", optarg, &a->o); break;
        case 'H': rc = parse_num("clone-hours", optarg, &a->o); break;
        case 'R': rc = parse_num("reinspect-scans", optarg, &a->o); break;
        case 'h': fputs(usage_text, stdout); return LABELS_EXIT_OK;
        default: return LABELS_EXIT_USAGE;
        }
    }
    if (rc != LABELS_EXIT_OK)
        return rc;
    return -1;
}

/* The kind, format, days and files; an EXIT_ code. */
static int check(int argc, char **argv, struct rargs *a)
{
    int rc;
    if (optind != argc - 1) {
        cli_error("report needs one KIND (verdicts, hotspots, clones, "
                  "findings, reinspect, expiring, stats, all)");
        return LABELS_EXIT_USAGE;
    }
    a->kind = argv[optind];
    if (!report_kind_valid(a->kind)) {
        cli_error("unknown report '%s' (verdicts, hotspots, clones, findings, "
                  "reinspect, expiring, stats, all)",
                  a->kind);
        return LABELS_EXIT_USAGE;
    }
    a->fmt = !strcmp(a->format, "table")  ? 0
             : !strcmp(a->format, "csv")  ? 1
             : !strcmp(a->format, "html") ? 2
             : !strcmp(a->format, "xlsx") ? 3
                                          : -1;
    if (a->fmt < 0) {
        cli_error("--format must be table, csv, html or xlsx");
        return LABELS_EXIT_USAGE;
    }
    if (a->fmt == 3 && !a->out) {
        cli_error("--format xlsx needs --out FILE.xlsx");
        return LABELS_EXIT_USAGE;
    }
    if (a->by && strcmp(a->by, "province") && strcmp(a->by, "kiosk") &&
        strcmp(a->by, "day")) {
        cli_error("--by must be province, kiosk or day");
        return LABELS_EXIT_USAGE;
    }
    static const report_format fmts[] = {REPORT_TEXT, REPORT_CSV, REPORT_HTML,
                                         REPORT_XLSX};
    const char *nofmt = report_format_check(a->kind, fmts[a->fmt], &a->by);
    if (nofmt) {
        cli_error("%s", nofmt);
        return LABELS_EXIT_USAGE;
    }
    if ((a->from &&
         (rc = regcli_date(a->from, "--from", a->fromd)) != LABELS_EXIT_OK) ||
        (a->to &&
         (rc = regcli_date(a->to, "--to", a->tod)) != LABELS_EXIT_OK) ||
        (rc = regcli_date(a->today, "--today", a->o.today)) != LABELS_EXIT_OK)
        return rc;
    if (report_opts_period(&a->o, a->from ? a->fromd : NULL,
                           a->to ? a->tod : NULL)) {
        cli_error("--from %s is after --to %s", a->fromd, a->tod);
        return LABELS_EXIT_USAGE;
    }
    if (a->province) {
        char why[REG_ERR_MAX];
        const labels_province *p =
            registry_province(a->province, NULL, why, sizeof why);
        if (!p) {
            cli_error("%s", why);
            return LABELS_EXIT_USAGE;
        }
        snprintf(a->o.province, sizeof a->o.province, "%s", p->name);
    }

    if (a->world) {
        if ((!a->coll &&
             (size_t)snprintf(a->cbuf, sizeof a->cbuf, "%s/collector.db",
                              a->world) >= sizeof a->cbuf) ||
            (!a->reg &&
             (size_t)snprintf(a->rbuf, sizeof a->rbuf, "%s/registry.db",
                              a->world) >= sizeof a->rbuf)) {
            cli_error("--world path is too long");
            return LABELS_EXIT_USAGE;
        }
        if (!a->coll)
            a->coll = a->cbuf;
        if (!a->reg)
            a->reg = a->rbuf;
    }
    if (!a->coll || !a->reg) {
        cli_error("report needs --world DIR, or --collector-db FILE and "
                  "--db REG.db");
        return LABELS_EXIT_USAGE;
    }
    /* A PostgreSQL connection string is checked by connecting. */
    if ((!pg_store_is_conninfo(a->coll) &&
         (rc = exists("collector database", a->coll)) != LABELS_EXIT_OK) ||
        (rc = exists("registry", a->reg)) != LABELS_EXIT_OK)
        return rc;
    return LABELS_EXIT_OK;
}

/* Build, render, write to --out or stdout; an EXIT_ code. */
static int run(const struct rargs *a)
{
    char err[4096 + 512] = "";
    sqlite3 *db;
    if (report_open(a->coll, a->reg, &db, err, sizeof err)) {
        cli_error("%s", err);
        return LABELS_EXIT_FAIL;
    }
    report_set set = {NULL, 0};
    int failed = report_run(db, a->kind, a->by, &a->o, &set, err, sizeof err);
    sqlite3_close(db);
    if (failed) {
        cli_error("report %s: %s", a->kind, err);
        return LABELS_EXIT_FAIL;
    }
    char *buf = NULL, heading[128], now[21];
    size_t len = 0;
    snprintf(heading, sizeof heading, "Báo cáo OCOP — OCOP report: %s",
             a->kind);
    regtime_now(now);
    static const report_format fmts[] = {REPORT_TEXT, REPORT_CSV, REPORT_HTML,
                                         REPORT_XLSX};
    failed = report_render(&set, fmts[a->fmt], heading, &a->o, now, &buf, &len);
    report_set_free(&set);
    if (failed) {
        cli_error("out of memory");
        return LABELS_EXIT_FAIL;
    }
    int rc = cli_write_out(a->out, buf, len, "the report");
    free(buf);
    return rc;
}

int cmd_report(int argc, char **argv)
{
    struct rargs a;
    int rc = parse(argc, argv, &a);
    if (rc >= 0)
        return rc;
    rc = check(argc, argv, &a);
    return rc != LABELS_EXIT_OK ? rc : run(&a);
}
