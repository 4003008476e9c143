/* cmd_status.c -- ocop-kiosk status: the mirror's version, the last sync,
 * staleness and whether the network helper can run. */
#include "cli_args.h"
#include "commands.h"
#include "config.h"
#include "log.h"
#include "mirror_version.h"
#include "net_helper.h"
#include "sync_state.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

int cmd_status(int argc, char **argv)
{
    const char *config = KIOSK_CONFIG_DEFAULT;
    int rc = kiosk_cli_args(
        argc, argv, "usage: ocop-kiosk status [--config FILE]", &config, NULL);
    if (rc)
        return rc < 0 ? LABELS_EXIT_OK : rc;
    struct kiosk_config cfg;
    if (kiosk_cli_load(config, &cfg) != 0)
        return LABELS_EXIT_FAIL;
    struct sync_state st;
    if (sync_state_read(cfg.state, &st) != 0) {
        kiosk_log("cannot read state %s", cfg.state);
        return LABELS_EXIT_FAIL;
    }
    char err[512];
    int64_t v = mirror_version(cfg.mirror, err, sizeof err);
    char last[32], exp[32] = "none";
    int stale = sync_stale_since(cfg.state, time(NULL), last);
    if (st.expires)
        (void)labels_time_iso(st.expires, exp);
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
    return v < 0 || !net_ok ? LABELS_EXIT_FAIL
           : stale          ? LABELS_EXIT_NO
                            : LABELS_EXIT_OK;
}
