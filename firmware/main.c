/* main.c -- ocop-kiosk: pick a command and run it. Exit codes as
 * ocop-host's: 0 ok, 1 refused/stale, 2 usage, 3 other failure. */
#include "commands.h"
#include "config.h"
#include "log.h"
#include "sync.h"
#include "sync_apply.h"
#include "sync_state.h"

#include <curl/curl.h>
#include <getopt.h>
#include <labels.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* --config FILE and --feed URL, shared by the commands. */
static int common_args(int argc, char **argv, const char *usage,
                       const char **config, const char **feed)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"feed", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "c:f:h", opts, NULL)) != -1) {
        switch (c) {
        case 'c': *config = optarg; break;
        case 'f':
            if (!feed) {
                kiosk_log("this command takes no --feed");
                return K_USAGE;
            }
            *feed = optarg;
            break;
        case 'h': puts(usage); return -1;
        default: return K_USAGE;
        }
    }
    if (optind != argc) {
        kiosk_log("unexpected argument '%s'", argv[optind]);
        return K_USAGE;
    }
    return K_OK;
}

static int load(const char *path, struct kiosk_config *cfg)
{
    char err[1024];
    if (kiosk_config_load(path, cfg, err, sizeof err) != 0) {
        kiosk_log("%s", err);
        return -1;
    }
    return 0;
}

static int cmd_sync(int argc, char **argv)
{
    const char *config = KIOSK_CONFIG_DEFAULT, *feed = NULL;
    int rc = common_args(argc, argv,
                         "usage: ocop-kiosk sync [--config FILE] [--feed URL]",
                         &config, &feed);
    if (rc)
        return rc < 0 ? K_OK : rc;
    if (feed && strncmp(feed, "https://", 8) && strncmp(feed, "http://", 7) &&
        strncmp(feed, "file://", 7)) {
        kiosk_log("--feed must be an http://, https:// or file:// URL");
        return K_USAGE;
    }
    struct kiosk_config cfg;
    if (load(config, &cfg) != 0)
        return K_FAILURE;
    struct sync_report rep;
    rc = kiosk_sync(&cfg, feed, &rep);
    printf("version=%lld path=%s wire_bytes=%llu apply_ms=%.2f\n",
           (long long)rep.version,
           rep.path == SYNC_DELTA      ? "delta"
           : rep.path == SYNC_SNAPSHOT ? "snapshot"
                                       : "unchanged",
           (unsigned long long)rep.wire_bytes, rep.apply_ms);
    return rc == 0 ? K_OK : rc == SYNC_REFUSED ? K_REJECTED : K_FAILURE;
}

static int cmd_status(int argc, char **argv)
{
    const char *config = KIOSK_CONFIG_DEFAULT;
    int rc = common_args(argc, argv, "usage: ocop-kiosk status [--config FILE]",
                         &config, NULL);
    if (rc)
        return rc < 0 ? K_OK : rc;
    struct kiosk_config cfg;
    if (load(config, &cfg) != 0)
        return K_FAILURE;
    struct sync_state st;
    if (sync_state_read(cfg.state, &st) != 0) {
        kiosk_log("cannot read state %s", cfg.state);
        return K_FAILURE;
    }
    char err[512];
    int64_t v = mirror_version(cfg.mirror, err, sizeof err);
    char last[32], exp[32] = "none";
    int stale = sync_stale_since(cfg.state, time(NULL), last);
    if (st.expires)
        iso_time_format(st.expires, exp);
    printf("mirror_version=%lld\nlast_sync=%s\nexpires=%s\nstale=%s\n",
           (long long)v, last, exp, stale ? "yes" : "no");
    if (stale)
        printf("data not updated since %s\n", last);
    return v < 0 ? K_FAILURE : stale ? K_REJECTED : K_OK;
}

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *help;
} commands[] = {
    {"sync", cmd_sync, "one sync round of the mirror against the feed"},
    {"status", cmd_status, "the mirror's version, last sync, staleness"},
    {"scan", cmd_scan, "verdicts for the QR codes in image files"},
    {"check", cmd_check, "verdicts for QR texts, or scanner lines on stdin"},
    {"run", cmd_run, "the kiosk service: camera and scanner, sync, upload"},
    {"device-key", cmd_device_key, "print the public key to enroll"},
    {"inspect", cmd_inspect, "inspector mode: badge, full records, findings"},
};

static void usage(FILE *f)
{
    fputs("usage: ocop-kiosk COMMAND [OPTIONS]\n\ncommands:\n", f);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return K_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
        !strcmp(argv[1], "help")) {
        usage(stdout);
        return K_OK;
    }
    if (labels_init() != LABELS_OK) {
        kiosk_log("%s", labels_strerror(LABELS_ERR_CRYPTO));
        return K_FAILURE;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        kiosk_log("cannot initialise libcurl");
        return K_FAILURE;
    }
    int rc = K_USAGE;
    size_t i;
    for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name)) {
            rc = commands[i].run(argc - 1, argv + 1);
            break;
        }
    if (i == sizeof commands / sizeof commands[0]) {
        kiosk_log("unknown command '%s'", argv[1]);
        usage(stderr);
    }
    curl_global_cleanup();
    return rc;
}
