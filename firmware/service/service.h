/* service.h -- `ocop-kiosk run`: the kiosk as a long-running service.
 *
 * One thread scans: a poll loop over the camera, the barcode scanner,
 * signals and a wake-up from the sync thread; it owns the verdict
 * pipeline and the screen, and pets the systemd watchdog each turn, so a
 * hung loop is a restarted service. Beside it a sync thread keeps the
 * mirror current (and tells the loop to reopen it) and an upload thread
 * sends the scan log to the collector; neither ever blocks a verdict.
 * docs/kiosk.md describes the states and signals.
 */
#ifndef OCOP_KIOSK_SERVICE_H
#define OCOP_KIOSK_SERVICE_H

/* Run until SIGTERM or SIGINT. Returns an exit code (labels_exit, labels.h): 0
 * after a clean stop, LABELS_EXIT_FAIL if the configuration cannot be loaded at
 * start or the loop cannot be set up. *stranded is 1 when a sync or
 * upload thread did not stop in time: it still runs and uses the
 * service's memory, so the caller must end the process with _exit() at
 * once (safe: sync and upload survive being cut off at any moment). */
int service_run(const char *config_path, int *stranded);

#endif
