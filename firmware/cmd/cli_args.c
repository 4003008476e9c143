/* cli_args.c -- the options the kiosk programs' commands share. */
#include "cli_args.h"

#include "commands.h"
#include "log.h"

#include <getopt.h>
#include <stdio.h>

int kiosk_cli_args(int argc, char **argv, const char *usage,
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
                return LABELS_EXIT_USAGE;
            }
            *feed = optarg;
            break;
        case 'h': puts(usage); return -1;
        default: return LABELS_EXIT_USAGE;
        }
    }
    if (optind != argc) {
        kiosk_log("unexpected argument '%s'", argv[optind]);
        return LABELS_EXIT_USAGE;
    }
    return 0;
}

int kiosk_cli_load(const char *path, struct kiosk_config *cfg)
{
    char err[1536];
    if (kiosk_config_load(path, cfg, err, sizeof err) != 0) {
        kiosk_log("%s", err);
        return -1;
    }
    return 0;
}
