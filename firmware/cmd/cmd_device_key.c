/* cmd_device_key.c -- ocop-kiosk device-key: the public key the
 * authority enrolls for this kiosk's uploads. */
#include "cli_args.h"
#include "commands.h"
#include "config.h"
#include "device_key.h"
#include "log.h"

#include <stdio.h>

int cmd_device_key(int argc, char **argv)
{
    static const char usage[] =
        "usage: ocop-kiosk device-key [--config FILE]\n"
        "Print this kiosk's public key (made on first use) for\n"
        "`ocop-host kiosk enroll --public FILE`.";
    const char *config = KIOSK_CONFIG_DEFAULT;
    int rc = kiosk_cli_args(argc, argv, usage, &config, NULL);
    if (rc)
        return rc < 0 ? LABELS_EXIT_OK : rc;
    struct kiosk_config cfg;
    char err[1536], dir[KIOSK_PATH_MAX];
    if (kiosk_cli_load(config, &cfg) != 0)
        return LABELS_EXIT_FAIL;
    kiosk_data_dir(&cfg, dir, sizeof dir);
    if (device_key_print_public(dir, stdout, err, sizeof err) != 0) {
        kiosk_log("%s", err);
        return LABELS_EXIT_FAIL;
    }
    if (fflush(stdout) != 0) {
        kiosk_log("cannot write the key");
        return LABELS_EXIT_FAIL;
    }
    return LABELS_EXIT_OK;
}
