/* cmd_upload.c -- ocop-kiosk-net upload (`ocop-kiosk upload` execs it):
 * one upload round of the scan log to the collector (net/upload.h), and
 * the line the service reads. */
#include "cli_args.h"
#include "commands.h"
#include "config.h"
#include "log.h"
#include "upload.h"

#include <stdio.h>

int cmd_upload(int argc, char **argv)
{
    const char *config = KIOSK_CONFIG_DEFAULT;
    int rc = kiosk_cli_args(argc, argv,
                            "usage: ocop-kiosk upload [--config FILE]\n"
                            "Send one batch of the scan log to the "
                            "collector ([upload] url).",
                            &config, NULL);
    if (rc)
        return rc < 0 ? LABELS_EXIT_OK : rc;
    struct kiosk_config cfg;
    if (kiosk_cli_load(config, &cfg) != 0)
        return LABELS_EXIT_FAIL;
    if (!cfg.upload_url[0]) {
        kiosk_log("no collector configured ([upload] url in %s)", config);
        return LABELS_EXIT_FAIL;
    }
    upload_result res;
    enum upload_kiosk_rc ur = upload_kiosk_round(&cfg, &res);
    if (ur == UPLOAD_KIOSK_BUSY || ur == UPLOAD_KIOSK_NO_LOCK) {
        int busy = ur == UPLOAD_KIOSK_BUSY;
        printf("outcome=%s retry_after=-1\n", busy ? "busy" : "error");
        return busy ? LABELS_EXIT_OK : LABELS_EXIT_FAIL;
    }
    rc = ur == UPLOAD_KIOSK_DONE ? LABELS_EXIT_OK : LABELS_EXIT_FAIL;
    const char *word = rc != LABELS_EXIT_OK         ? "error"
                       : res.outcome == UPLOAD_SENT ? "sent"
                       : res.outcome == UPLOAD_IDLE ? "idle"
                                                    : "refused";
    if (rc == LABELS_EXIT_OK && res.outcome == UPLOAD_SENT)
        kiosk_logl(KLOG_INFO, "upload: %d scans and %d findings sent%s",
                   res.scans, res.findings,
                   res.resent ? " (a batch resent)" : "");
    else if (rc == LABELS_EXIT_OK && res.outcome == UPLOAD_FAILED)
        kiosk_logl(KLOG_WARNING,
                   "upload: collector answered %ld: %s; scans stay in the log",
                   res.http_status, res.message);
    /* The service reads this line (service/service_workers.c). */
    printf("outcome=%s retry_after=%ld scans=%d status=%ld findings=%d\n", word,
           res.retry_after_s, res.scans, res.http_status, res.findings);
    if (rc != LABELS_EXIT_OK)
        return rc;
    return res.outcome == UPLOAD_FAILED ? LABELS_EXIT_NO : LABELS_EXIT_OK;
}
