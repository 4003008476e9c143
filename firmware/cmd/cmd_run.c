/* cmd_run.c -- ocop-kiosk run: the kiosk service (service.h). */
#include "cli_args.h"
#include "commands.h"
#include "config.h"
#include "screen_render.h"
#include "service.h"

#include <stdio.h>
#include <unistd.h>

int cmd_run(int argc, char **argv)
{
    static const char usage[] =
        "usage: ocop-kiosk run [--config FILE]\n"
        "The kiosk service: camera and scanner to verdicts on the screen,\n"
        "sync and upload beside. SIGTERM stops, SIGHUP reloads the\n"
        "configuration, SIGUSR1 switches the language (docs/kiosk.md).";
    const char *config = KIOSK_CONFIG_DEFAULT;
    int rc = kiosk_cli_args(argc, argv, usage, &config, NULL);
    if (rc)
        return rc < 0 ? LABELS_EXIT_OK : rc;
    int stranded;
    rc = service_run(config, &stranded);
    if (stranded) {
        /* A thread still waits for its helper; exit around it. */
        fflush(NULL);
        _exit(rc);
    }
    screen_render_shutdown();
    return rc;
}
