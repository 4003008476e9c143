/* main.c -- ocop-kiosk: pick a command (cmd/, one file each) and run it.
 * Exit codes as ocop-host's (labels_exit, labels.h). */
#include "commands.h"
#include "log.h"

#include <labels.h>
#include <stdio.h>
#include <string.h>

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
        return LABELS_EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
        !strcmp(argv[1], "help")) {
        usage(stdout);
        return LABELS_EXIT_OK;
    }
    if (labels_init() != LABELS_OK) {
        kiosk_log("%s", labels_strerror(LABELS_ERR_CRYPTO));
        return LABELS_EXIT_FAIL;
    }
    int rc = LABELS_EXIT_USAGE;
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
