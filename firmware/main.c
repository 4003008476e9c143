/* main.c -- ocop-kiosk: pick a command and run it. Exit codes as
 * ocop-host's: 0 ok, 1 refused/stale, 2 usage, 3 other failure. */
#include "cli_args.h"
#include "commands.h"
#include "config.h"
#include "log.h"
#include "mirror_version.h"
#include "net_helper.h"
#include "sync_state.h"

#include <labels.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* sync and upload are ocop-kiosk-net's (net_helper.h): this program
 * hands them over whole, arguments, output and exit status. */
static int cmd_net(int argc, char **argv)
{
    char err[4200];
    net_helper_exec(argc, argv, err, sizeof err);
    kiosk_log("%s", err);
    return K_FAILURE;
}

static int cmd_status(int argc, char **argv)
{
    const char *config = KIOSK_CONFIG_DEFAULT;
    int rc = kiosk_cli_args(
        argc, argv, "usage: ocop-kiosk status [--config FILE]", &config, NULL);
    if (rc)
        return rc < 0 ? K_OK : rc;
    struct kiosk_config cfg;
    if (kiosk_cli_load(config, &cfg) != 0)
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
    /* Without its network side a kiosk never syncs: say so here, where
     * an installer looks, not only in the service's log. */
    char net[4096] = "", nerr[4200];
    int net_ok = net_helper_path(net, sizeof net, nerr, sizeof nerr) == 0 &&
                 access(net, X_OK) == 0;
    printf("mirror_version=%lld\nlast_sync=%s\nexpires=%s\nstale=%s\n"
           "net_helper=%s\nnet_helper_ok=%s\n",
           (long long)v, last, exp, stale ? "yes" : "no", net,
           net_ok ? "yes" : "no");
    if (stale)
        printf("data not updated since %s\n", last);
    if (v < 0)
        kiosk_log("%s", err);
    if (!net_ok)
        kiosk_log("cannot run the network helper %s: sync and upload will "
                  "fail",
                  net[0] ? net : nerr);
    return v < 0 || !net_ok ? K_FAILURE : stale ? K_REJECTED : K_OK;
}

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *help;
} commands[] = {
    {"sync", cmd_net, "one sync round of the mirror against the feed"},
    {"upload", cmd_net, "one upload round of the scan log to the collector"},
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
    return rc;
}
