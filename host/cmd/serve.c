/* serve.c -- ocop-host serve: the collector, the feed and the phone
 * page over HTTP, and the authority console on an address of its own,
 * until SIGTERM or SIGINT. */
#include "cmd/cli.h"
#include "collector/collector.h"
#include "console/console.h"
#include "feed/feed.h"
#include "labels.h"
#include "serve/serve.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* The files of a world directory (docs/upload.md). */
#define WORLD_COLLECTOR_DB "collector.db"
#define WORLD_FEED_DIR "feed"
#define WORLD_MIRROR "mirror.db"
#define WORLD_REGISTRY "registry.db"

static int parse_num(const char *s, double lo, double hi, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || !(v >= lo && v <= hi))
        return -1;
    *out = v;
    return 0;
}

static const char serve_usage[] =
    "usage: ocop-host serve (--world DIR | --collector-db DB "
    "[--feed-dir DIR])\n"
    "                       [--mirror FILE] [--today YYYY-MM-DD]\n"
    "                       [--listen IP:PORT] [--rate N] [--burst N]\n"
    "                       [--max-body BYTES] [--body-timeout S] "
    "[--idle-timeout S] [--threads N]\n"
    "                       [--max-per-ip N]\n"
    "  --collector-db DB    a SQLite file, or PostgreSQL: postgresql://... "
    "or\n"
    "                       dbname=... (docs/collector.md)\n"
    "  --world DIR          use DIR/" WORLD_COLLECTOR_DB ", DIR/" WORLD_FEED_DIR
    " and DIR/" WORLD_MIRROR " (if present)\n"
    "  --mirror FILE        answer GET /V/<payload> (the phone page) from "
    "this mirror,\n"
    "                       reopened when a new export replaces it\n"
    "  --today YYYY-MM-DD   check labels as of this date (default: the "
    "clock's, UTC)\n"
    "  --listen IP:PORT     default 127.0.0.1:8080; port 0 picks a free port\n"
    "  --rate N, --burst N  per-kiosk batches per second (default 2, 0: no "
    "limit) and burst (default 20)\n"
    "  --max-per-ip N       open connections from one address (default "
    "64)\n"
    "  --console IP:PORT    also serve the authority console "
    "(docs/console.md) there,\n"
    "                       never on --listen; on loopback only without "
    "TLS\n"
    "  --tls-cert FILE, --tls-key FILE  the console's TLS certificate and "
    "key (PEM)\n"
    "  --db REG.db          the console's registry (default DIR/" WORLD_REGISTRY
    "); with\n"
    "                       --console and no collector, only the console "
    "is served\n"
    "  --authority-key FILE the authority's secret key: the console then "
    "issues\n"
    "                       inspectors' badges\n";

/* The console's options. */
struct console_opts {
    const char *addr, *cert, *key, *db;
    const char *collector; /* the queue's findings and reports, or NULL */
    const char *authkey;   /* --authority-key, for badges */
    const char *mirror;    /* the published mirror, for print bundles */
};

/* 1 when c was a console option (stored in co), else 0. */
static int console_option(int c, const char *arg, struct console_opts *co)
{
    switch (c) {
    case 'C': co->addr = arg; return 1;
    case 'K': co->cert = arg; return 1;
    case 'k': co->key = arg; return 1;
    case 'R': co->db = arg; return 1;
    case 'A': co->authkey = arg; return 1;
    default: return 0;
    }
}

/* Start the console when asked for; prints where. An exit code. */
static int console_open(const struct console_opts *co, const char *world,
                        console **out)
{
    char path[4096];
    console_config cc = {.listen = co->addr,
                         .tls_cert = co->cert,
                         .tls_key = co->key,
                         .db_path = co->db,
                         .collector_path = co->collector,
                         .authority_key = co->authkey,
                         .bundle_mirror = co->mirror};
    *out = NULL;
    if (!co->addr)
        return LABELS_EXIT_OK;
    if (!cc.db_path && world) {
        if ((size_t)snprintf(path, sizeof path, "%s/%s", world,
                             WORLD_REGISTRY) >= sizeof path)
            return LABELS_EXIT_USAGE;
        cc.db_path = path;
    }
    if (!cc.db_path) {
        cli_error("--console needs --db REG.db or --world DIR");
        return LABELS_EXIT_USAGE;
    }
    /* A world's feed: the dashboard shows it, central users publish it. */
    static const char *const names[] = {WORLD_FEED_DIR, FEED_STATUS_NAME,
                                        WORLD_MIRROR, "authority.sec"};
    const char **slots[] = {&cc.feed_dir, &cc.publish_status,
                            &cc.publish_mirror, &cc.feed_key};
    char wpaths[4][4096];
    for (size_t i = 0; world && i < 4; i++) {
        if ((size_t)snprintf(wpaths[i], sizeof wpaths[i], "%s/%s", world,
                             names[i]) >= sizeof wpaths[i])
            return LABELS_EXIT_USAGE;
        *slots[i] = wpaths[i];
    }
    char err[CONSOLE_ERR_MAX];
    unsigned port;
    if (console_start(&cc, out, &port, err, sizeof err) != 0) {
        cli_error("console: %s", err);
        return LABELS_EXIT_FAIL;
    }
    const char *colon = strrchr(co->addr, ':');
    printf("console on %s://%.*s:%u/console/ (registry %s)\n",
           co->cert ? "https" : "http", (int)(colon - co->addr), co->addr, port,
           cc.db_path);
    fflush(stdout);
    return LABELS_EXIT_OK;
}

/* Resolve --world into explicit paths; explicit options win. */
static int world_paths(const char *world, const char **db, const char **feed,
                       const char **mirror, char *dbbuf, char *feedbuf,
                       char *mirrorbuf, size_t sz)
{
    if (!world)
        return 0;
    struct stat st;
    if (stat(world, &st) != 0 || !S_ISDIR(st.st_mode)) {
        cli_error("world directory %s does not exist", world);
        return -1;
    }
    if (!*db) {
        if ((size_t)snprintf(dbbuf, sz, "%s/%s", world, WORLD_COLLECTOR_DB) >=
            sz)
            return -1;
        *db = dbbuf;
    }
    if (!*feed) {
        if ((size_t)snprintf(feedbuf, sz, "%s/%s", world, WORLD_FEED_DIR) >= sz)
            return -1;
        if (stat(feedbuf, &st) == 0 && S_ISDIR(st.st_mode))
            *feed = feedbuf;
    }
    if (!*mirror) {
        if ((size_t)snprintf(mirrorbuf, sz, "%s/%s", world, WORLD_MIRROR) >= sz)
            return -1;
        if (stat(mirrorbuf, &st) == 0 && S_ISREG(st.st_mode))
            *mirror = mirrorbuf;
    }
    return 0;
}

/* The server's operator lines, on stderr. */
static void log_line(void *ctx, const char *line)
{
    (void)ctx;
    fprintf(stderr, "ocop-host serve: %s\n", line);
}

struct sargs {
    const char *world, *db, *feed, *mirror, *today;
    struct console_opts co;
    int console_only; /* --console with neither --world nor a collector */
    serve_config cfg;
    double rate, burst;
    uint16_t today_days;
    char dbbuf[4096], feedbuf[4096], mirrorbuf[4096];
};

/* The options, checked; -1 to go on, else an EXIT_ code. */
static int parse(int argc, char **argv, struct sargs *a)
{
    static const struct option opts[] = {
        {"world", required_argument, NULL, 'w'},
        {"listen", required_argument, NULL, 'l'},
        {"collector-db", required_argument, NULL, 'c'},
        {"feed-dir", required_argument, NULL, 'f'},
        {"rate", required_argument, NULL, 'r'},
        {"burst", required_argument, NULL, 'b'},
        {"max-body", required_argument, NULL, 'm'},
        {"body-timeout", required_argument, NULL, 'T'},
        {"idle-timeout", required_argument, NULL, 'I'},
        {"threads", required_argument, NULL, 't'},
        {"max-per-ip", required_argument, NULL, 'P'},
        {"mirror", required_argument, NULL, 'M'},
        {"today", required_argument, NULL, 'D'},
        {"console", required_argument, NULL, 'C'},
        {"tls-cert", required_argument, NULL, 'K'},
        {"tls-key", required_argument, NULL, 'k'},
        {"db", required_argument, NULL, 'R'},
        {"authority-key", required_argument, NULL, 'A'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    memset(a, 0, sizeof *a);
    a->cfg.listen = "127.0.0.1:8080";
    a->cfg.log = log_line;
    a->rate = 2;
    a->burst = 20;
    double v;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'w': a->world = optarg; break;
        case 'l': a->cfg.listen = optarg; break;
        case 'c': a->db = optarg; break;
        case 'f': a->feed = optarg; break;
        case 'M': a->mirror = optarg; break;
        case 'D': a->today = optarg; break;
        case 'r':
        case 'b':
            if (parse_num(optarg, 0, 1e6, c == 'r' ? &a->rate : &a->burst)) {
                cli_error("--%s wants a number from 0 to 1000000",
                          c == 'r' ? "rate" : "burst");
                return LABELS_EXIT_USAGE;
            }
            break;
        case 'm':
        case 'T':
        case 'I':
        case 't':
        case 'P':
            if (parse_num(optarg, 1,
                          c == 'm'   ? 64.0 * 1024 * 1024
                          : c == 'P' ? 100000
                                     : 3600,
                          &v)) {
                cli_error("bad value '%s' for %s", optarg, argv[optind - 1]);
                return LABELS_EXIT_USAGE;
            }
            if (c == 'm')
                a->cfg.max_body = (size_t)v;
            else if (c == 'T')
                a->cfg.body_timeout_s = (unsigned)v;
            else if (c == 'I')
                a->cfg.idle_timeout_s = (unsigned)v;
            else if (c == 'P')
                a->cfg.max_per_ip = (unsigned)v;
            else
                a->cfg.threads = (unsigned)v;
            break;
        case 'h': fputs(serve_usage, stdout); return LABELS_EXIT_OK;
        default:
            if (console_option(c, optarg, &a->co))
                break;
            fputs(serve_usage, stderr);
            return LABELS_EXIT_USAGE;
        }
    }
    if (optind != argc) {
        cli_error("serve: unexpected argument '%s'", argv[optind]);
        return LABELS_EXIT_USAGE;
    }
    if (a->co.addr && !a->world && !a->db) {
        a->console_only = 1;
        return -1;
    }
    if (world_paths(a->world, &a->db, &a->feed, &a->mirror, a->dbbuf,
                    a->feedbuf, a->mirrorbuf, sizeof a->dbbuf) != 0)
        return LABELS_EXIT_FAIL;
    if (a->today && labels_date_parse(a->today, &a->today_days) != LABELS_OK) {
        cli_error("bad --today '%s' (want YYYY-MM-DD)", a->today);
        return LABELS_EXIT_USAGE;
    }
    if (!a->db) {
        cli_error("serve needs --world DIR or --collector-db DB");
        return LABELS_EXIT_USAGE;
    }
    if (!serve_listen_ok(a->cfg.listen)) {
        cli_error("bad listen address '%s' (want IP:PORT or [IPv6]:PORT)",
                  a->cfg.listen);
        return LABELS_EXIT_USAGE;
    }

    return -1;
}

/* Block the stop signals before any thread starts, so every thread
 * inherits the mask and only sigwait() sees them. */
static int block_stop_signals(sigset_t *stop)
{
    sigemptyset(stop);
    sigaddset(stop, SIGTERM);
    sigaddset(stop, SIGINT);
    if (pthread_sigmask(SIG_BLOCK, stop, NULL) != 0) {
        cli_error("cannot block signals");
        return -1;
    }
    signal(SIGPIPE, SIG_IGN);
    return 0;
}

/* The feed the server watches: its folder and the publish record. */
struct watch {
    const char *feed;
    char status[4096]; /* "" without a world */
};

/* An ALARM line in the log when the feed expires within 48 hours or the
 * last scheduled publish failed (docs/feed.md "Keeping the feed
 * alive"). */
static void feed_alarm(const struct watch *w)
{
    struct feed_state fs;
    char err[512], line[1024];
    if (!w || !w->feed)
        return;
    if (feed_state_read(w->feed, w->status[0] ? w->status : NULL,
                        (int64_t)time(NULL), &fs, err, sizeof err) != 0)
        log_line(NULL, err);
    else if (feed_state_alarm(&fs, line, sizeof line))
        log_line(NULL, line);
}

/* Until SIGTERM or SIGINT, looking at the feed every 15 minutes (the
 * publish timer's period); which signal, for the last line. */
static const char *wait_stop(const sigset_t *stop, const struct watch *w)
{
    for (;;) {
        feed_alarm(w);
        struct timespec ts = {15 * 60, 0};
        int sig = sigtimedwait(stop, NULL, &ts);
        if (sig == SIGINT)
            return "SIGINT";
        if (sig >= 0 || (errno != EAGAIN && errno != EINTR))
            return "SIGTERM";
    }
}

/* The console alone (no collector given), until a stop signal. */
static int run_console_only(const struct console_opts *co)
{
    sigset_t stop;
    console *con;
    if (block_stop_signals(&stop))
        return LABELS_EXIT_FAIL;
    int rc = console_open(co, NULL, &con);
    if (rc != LABELS_EXIT_OK)
        return rc;
    const char *sig = wait_stop(&stop, NULL);
    console_stop(con);
    fprintf(stderr, "ocop-host: serve stopped (%s)\n", sig);
    return LABELS_EXIT_OK;
}

/* Start the server and run until SIGTERM or SIGINT; an EXIT_ code. */
static int run(struct sargs *a)
{
    sigset_t stop;
    if (block_stop_signals(&stop))
        return LABELS_EXIT_FAIL;

    char err[256];
    phone *ph = NULL;
    if (a->mirror &&
        phone_open(a->mirror, a->today, &ph, err, sizeof err) != 0) {
        cli_error("%s", err);
        return LABELS_EXIT_FAIL;
    }
    phone_set_log(ph, log_line, NULL);
    collector *col;
    if (collector_open(a->db, &col, err, sizeof err) != 0) {
        cli_error("%s", err);
        phone_close(ph);
        return LABELS_EXIT_FAIL;
    }
    collector_set_rate(col, a->rate, a->burst);
    phone_reports *pr = NULL;
    if (ph && phone_reports_open(a->db, NULL, &pr, err, sizeof err) != 0)
        log_line(NULL, err); /* the page then has no report form */
    phone_reports_set_log(pr, log_line, NULL);
    phone_set_reports(ph, pr);
    a->cfg.collector = col;
    a->cfg.feed_dir = a->feed;
    a->cfg.phone = ph;
    serve *srv;
    unsigned port;
    if (serve_start(&a->cfg, &srv, &port, err, sizeof err) != 0) {
        cli_error("%s", err);
        collector_close(col);
        phone_close(ph);
        phone_reports_close(pr);
        return LABELS_EXIT_FAIL;
    }
    const char *colon = strrchr(a->cfg.listen, ':');
    printf("listening on http://%.*s:%u (collector %s, feed %s, phone page "
           "%s)\n",
           (int)(colon - a->cfg.listen), a->cfg.listen, port, a->db,
           a->feed ? a->feed : "not served",
           a->mirror ? a->mirror : "not served");
    fflush(stdout);
    /* The console on its own daemon and address, never this listener. */
    console *con;
    a->co.collector = a->db;
    a->co.mirror = a->mirror;
    int rc = console_open(&a->co, a->world, &con);
    struct watch w = {.feed = a->feed, .status = ""};
    if (a->world)
        snprintf(w.status, sizeof w.status, "%s/%s", a->world,
                 FEED_STATUS_NAME);
    const char *sig = rc == LABELS_EXIT_OK ? wait_stop(&stop, &w) : NULL;
    console_stop(con);
    serve_stop(srv);
    collector_close(col);
    phone_close(ph);
    phone_reports_close(pr);
    if (!sig)
        return rc;
    fprintf(stderr, "ocop-host: serve stopped (%s)\n", sig);
    return LABELS_EXIT_OK;
}

int cmd_serve(int argc, char **argv)
{
    struct sargs a;
    int rc = parse(argc, argv, &a);
    if (rc >= 0)
        return rc;
    return a.console_only ? run_console_only(&a.co) : run(&a);
}
