/* cmd_sync.c -- ocop-kiosk-net sync (`ocop-kiosk sync` execs it): one
 * sync round of the mirror against the feed (net/sync.h), and the line
 * the service reads. */
#include "cli_args.h"
#include "commands.h"
#include "config.h"
#include "log.h"
#include "sync.h"

#include <stdio.h>
#include <string.h>

int cmd_sync(int argc, char **argv)
{
    const char *config = KIOSK_CONFIG_DEFAULT, *feed = NULL;
    int rc = kiosk_cli_args(
        argc, argv, "usage: ocop-kiosk sync [--config FILE] [--feed URL]",
        &config, &feed);
    if (rc)
        return rc < 0 ? LABELS_EXIT_OK : rc;
    if (feed && strncmp(feed, "https://", 8) && strncmp(feed, "http://", 7) &&
        strncmp(feed, "file://", 7)) {
        kiosk_log("--feed must be an http://, https:// or file:// URL");
        return LABELS_EXIT_USAGE;
    }
    struct kiosk_config cfg;
    if (kiosk_cli_load(config, &cfg) != 0)
        return LABELS_EXIT_FAIL;
    struct sync_report rep;
    rc = kiosk_sync(&cfg, feed, &rep);
    /* The service reads this line (service/service_workers.c). */
    printf("version=%lld path=%s wire_bytes=%llu apply_ms=%.2f fold_ms=%.2f\n",
           (long long)rep.version,
           rep.path == SYNC_DELTA      ? "delta"
           : rep.path == SYNC_SNAPSHOT ? "snapshot"
                                       : "unchanged",
           (unsigned long long)rep.wire_bytes, rep.apply_ms, rep.fold_ms);
    return rc == 0              ? LABELS_EXIT_OK
           : rc == SYNC_REFUSED ? LABELS_EXIT_NO
                                : LABELS_EXIT_FAIL;
}
