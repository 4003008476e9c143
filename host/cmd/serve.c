/* serve.c -- ocop-host serve: the collector, the feed and the phone
 * page over HTTP until SIGTERM or SIGINT. */
#include "cmd/cli.h"
#include "collector/collector.h"
#include "labels.h"
#include "serve/serve.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The files of a world directory (docs/upload.md). */
#define WORLD_COLLECTOR_DB "collector.db"
#define WORLD_FEED_DIR "feed"
#define WORLD_MIRROR "mirror.db"

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
    "usage: ocop-host serve (--world DIR | --collector-db FILE "
    "[--feed-dir DIR])\n"
    "                       [--mirror FILE] [--today YYYY-MM-DD]\n"
    "                       [--listen IP:PORT] [--rate N] [--burst N]\n"
    "                       [--max-body BYTES] [--body-timeout S] "
    "[--idle-timeout S] [--threads N]\n"
    "                       [--max-per-ip N]\n"
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
    "64)\n";

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
        default: fputs(serve_usage, stderr); return LABELS_EXIT_USAGE;
        }
    }
    if (optind != argc) {
        cli_error("serve: unexpected argument '%s'", argv[optind]);
        return LABELS_EXIT_USAGE;
    }
    if (world_paths(a->world, &a->db, &a->feed, &a->mirror, a->dbbuf,
                    a->feedbuf, a->mirrorbuf, sizeof a->dbbuf) != 0)
        return LABELS_EXIT_FAIL;
    if (a->today && labels_date_parse(a->today, &a->today_days) != LABELS_OK) {
        cli_error("bad --today '%s' (want YYYY-MM-DD)", a->today);
        return LABELS_EXIT_USAGE;
    }
    if (!a->db) {
        cli_error("serve needs --world DIR or --collector-db FILE");
        return LABELS_EXIT_USAGE;
    }
    if (!serve_listen_ok(a->cfg.listen)) {
        cli_error("bad listen address '%s' (want IP:PORT or [IPv6]:PORT)",
                  a->cfg.listen);
        return LABELS_EXIT_USAGE;
    }

    return -1;
}

/* Start the server and run until SIGTERM or SIGINT; an EXIT_ code. */
static int run(struct sargs *a)
{
    /* Block the stop signals before any thread starts, so every thread
     * inherits the mask and only sigwait() below sees them. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    if (pthread_sigmask(SIG_BLOCK, &stop, NULL) != 0) {
        cli_error("cannot block signals");
        return LABELS_EXIT_FAIL;
    }
    signal(SIGPIPE, SIG_IGN);

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
    a->cfg.collector = col;
    a->cfg.feed_dir = a->feed;
    a->cfg.phone = ph;
    serve *srv;
    unsigned port;
    if (serve_start(&a->cfg, &srv, &port, err, sizeof err) != 0) {
        cli_error("%s", err);
        collector_close(col);
        phone_close(ph);
        return LABELS_EXIT_FAIL;
    }
    const char *colon = strrchr(a->cfg.listen, ':');
    printf("listening on http://%.*s:%u (collector %s, feed %s, phone page "
           "%s)\n",
           (int)(colon - a->cfg.listen), a->cfg.listen, port, a->db,
           a->feed ? a->feed : "not served",
           a->mirror ? a->mirror : "not served");
    fflush(stdout);
    int sig = 0;
    if (sigwait(&stop, &sig) != 0)
        sig = 0;
    serve_stop(srv);
    collector_close(col);
    phone_close(ph);
    fprintf(stderr, "ocop-host: serve stopped (%s)\n",
            sig == SIGINT ? "SIGINT" : "SIGTERM");
    return LABELS_EXIT_OK;
}

int cmd_serve(int argc, char **argv)
{
    struct sargs a;
    int rc = parse(argc, argv, &a);
    return rc >= 0 ? rc : run(&a);
}
