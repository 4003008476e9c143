/* cmd_run.c -- ocop-kiosk run (the service, service.h) and device-key
 * (the public key the authority enrolls for this kiosk's uploads). */
#include "commands.h"
#include "config.h"
#include "device_key.h"
#include "log.h"
#include "screen_render.h"
#include "service.h"

#include <getopt.h>
#include <stdio.h>

static int config_arg(int argc, char **argv, const char *usage,
                      const char **config)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
        switch (c) {
        case 'c': *config = optarg; break;
        case 'h': puts(usage); return -1;
        default: return K_USAGE;
        }
    }
    if (optind != argc) {
        kiosk_log("unexpected argument '%s'", argv[optind]);
        return K_USAGE;
    }
    return 0;
}

int cmd_run(int argc, char **argv)
{
    static const char usage[] =
        "usage: ocop-kiosk run [--config FILE]\n"
        "The kiosk service: camera and scanner to verdicts on the screen,\n"
        "sync and upload beside. SIGTERM stops, SIGHUP reloads the\n"
        "configuration, SIGUSR1 switches the language (docs/kiosk.md).";
    const char *config = KIOSK_CONFIG_DEFAULT;
    int rc = config_arg(argc, argv, usage, &config);
    if (rc)
        return rc < 0 ? K_OK : rc;
    rc = service_run(config);
    screen_render_shutdown();
    return rc;
}

int cmd_device_key(int argc, char **argv)
{
    static const char usage[] =
        "usage: ocop-kiosk device-key [--config FILE]\n"
        "Print this kiosk's public key (made on first use) for\n"
        "`ocop-host kiosk enroll --public FILE`.";
    const char *config = KIOSK_CONFIG_DEFAULT;
    int rc = config_arg(argc, argv, usage, &config);
    if (rc)
        return rc < 0 ? K_OK : rc;
    struct kiosk_config cfg;
    char err[1536], dir[KIOSK_PATH_MAX];
    if (kiosk_config_load(config, &cfg, err, sizeof err) != 0) {
        kiosk_log("%s", err);
        return K_FAILURE;
    }
    kiosk_data_dir(&cfg, dir, sizeof dir);
    if (device_key_print_public(dir, stdout, err, sizeof err) != 0) {
        kiosk_log("%s", err);
        return K_FAILURE;
    }
    if (fflush(stdout) != 0) {
        kiosk_log("cannot write the key");
        return K_FAILURE;
    }
    return K_OK;
}
