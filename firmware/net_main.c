/* net_main.c -- ocop-kiosk-net: the kiosk's network side, one round per
 * run (net_helper.h says why it is a program of its own). `ocop-kiosk
 * sync` and `ocop-kiosk upload` exec it; the service starts it per round
 * and reads the first line it prints. Exit codes as ocop-kiosk's. */
#include "cli_args.h"
#include "commands.h"
#include "config.h"
#include "device_key.h"
#include "log.h"
#include "scan_log.h"
#include "sync.h"
#include "upload.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <labels.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

static int cmd_sync(int argc, char **argv)
{
    const char *config = KIOSK_CONFIG_DEFAULT, *feed = NULL;
    int rc = kiosk_cli_args(
        argc, argv, "usage: ocop-kiosk sync [--config FILE] [--feed URL]",
        &config, &feed);
    if (rc)
        return rc < 0 ? K_OK : rc;
    if (feed && strncmp(feed, "https://", 8) && strncmp(feed, "http://", 7) &&
        strncmp(feed, "file://", 7)) {
        kiosk_log("--feed must be an http://, https:// or file:// URL");
        return K_USAGE;
    }
    struct kiosk_config cfg;
    if (kiosk_cli_load(config, &cfg) != 0)
        return K_FAILURE;
    struct sync_report rep;
    rc = kiosk_sync(&cfg, feed, &rep);
    /* The service reads this line (service_workers.c). */
    printf("version=%lld path=%s wire_bytes=%llu apply_ms=%.2f\n",
           (long long)rep.version,
           rep.path == SYNC_DELTA      ? "delta"
           : rep.path == SYNC_SNAPSHOT ? "snapshot"
                                       : "unchanged",
           (unsigned long long)rep.wire_bytes, rep.apply_ms);
    return rc == 0 ? K_OK : rc == SYNC_REFUSED ? K_REJECTED : K_FAILURE;
}

/* One round under an exclusive lock on the data directory's upload.lock:
 * a round by hand and the service's never send the same pending batch
 * at once. A busy lock is not an error: the other round does the work. */
static int upload_locked(const struct kiosk_config *cfg, const char *dir,
                         upload_result *res)
{
    char err[KIOSK_PATH_MAX + 256];
    scan_log *log = NULL;
    if (scan_log_open(cfg->scans, cfg->scans_max, &log, err, sizeof err)) {
        kiosk_logl(KLOG_ERR, "upload: %s", err);
        return K_FAILURE;
    }
    labels_seckey sec;
    labels_pubkey pub;
    if (device_key_load_or_create(dir, &sec, &pub, NULL, err, sizeof err)) {
        kiosk_logl(KLOG_ERR, "upload: %s", err);
        scan_log_close(log);
        return K_FAILURE;
    }
    upload_config uc = {
        .url = cfg->upload_url,
        .state_dir = dir,
        .ca_file = cfg->upload_ca_file[0] ? cfg->upload_ca_file : NULL,
        .batch_max = (int)cfg->upload_batch,
    };
    int rc = upload_round(&uc, log, &sec, res);
    labels_seckey_wipe(&sec);
    scan_log_close(log);
    if (rc != 0) {
        kiosk_logl(KLOG_ERR, "upload: %s", res->message);
        return K_FAILURE;
    }
    return K_OK;
}

static int cmd_upload(int argc, char **argv)
{
    const char *config = KIOSK_CONFIG_DEFAULT;
    int rc = kiosk_cli_args(argc, argv,
                            "usage: ocop-kiosk upload [--config FILE]\n"
                            "Send one batch of the scan log to the "
                            "collector ([upload] url).",
                            &config, NULL);
    if (rc)
        return rc < 0 ? K_OK : rc;
    struct kiosk_config cfg;
    if (kiosk_cli_load(config, &cfg) != 0)
        return K_FAILURE;
    if (!cfg.upload_url[0]) {
        kiosk_log("no collector configured ([upload] url in %s)", config);
        return K_FAILURE;
    }
    char dir[KIOSK_PATH_MAX], lock[KIOSK_PATH_MAX + 16];
    kiosk_data_dir(&cfg, dir, sizeof dir);
    snprintf(lock, sizeof lock, "%s/upload.lock", dir);
    int fd = -1;
    int lr = labels_file_open(lock, O_RDWR | O_CREAT, 0600, &fd);
    if (fd < 0) {
        kiosk_logl(KLOG_ERR, "upload: cannot open %s: %s", lock,
                   lr == LABELS_ERR_IO ? strerror(errno) : labels_strerror(lr));
        return K_FAILURE;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int busy = errno == EWOULDBLOCK;
        if (!busy)
            kiosk_logl(KLOG_ERR, "upload: cannot lock %s: %s", lock,
                       strerror(errno));
        else
            kiosk_logl(KLOG_INFO, "upload: another round is running");
        close(fd);
        printf("outcome=%s retry_after=-1\n", busy ? "busy" : "error");
        return busy ? K_OK : K_FAILURE;
    }
    upload_result res;
    memset(&res, 0, sizeof res);
    res.retry_after_s = -1;
    rc = upload_locked(&cfg, dir, &res);
    close(fd);
    const char *word = rc != K_OK                   ? "error"
                       : res.outcome == UPLOAD_SENT ? "sent"
                       : res.outcome == UPLOAD_IDLE ? "idle"
                                                    : "refused";
    if (rc == K_OK && res.outcome == UPLOAD_SENT)
        kiosk_logl(KLOG_INFO, "upload: %d scans sent%s", res.scans,
                   res.resent ? " (a batch resent)" : "");
    else if (rc == K_OK && res.outcome == UPLOAD_FAILED)
        kiosk_logl(KLOG_WARNING,
                   "upload: collector answered %ld: %s; scans stay in the log",
                   res.http_status, res.message);
    /* The service reads this line (service_workers.c). */
    printf("outcome=%s retry_after=%ld scans=%d status=%ld\n", word,
           res.retry_after_s, res.scans, res.http_status);
    if (rc != K_OK)
        return rc;
    return res.outcome == UPLOAD_FAILED ? K_REJECTED : K_OK;
}

int main(int argc, char **argv)
{
    static const char usage[] =
        "usage: ocop-kiosk-net sync|upload [--config FILE] ...\n"
        "The kiosk's network side, one round per run; `ocop-kiosk sync`\n"
        "and `ocop-kiosk upload` run it (docs/kiosk.md).";
    if (argc < 2) {
        fprintf(stderr, "%s\n", usage);
        return K_USAGE;
    }
    int (*run)(int, char **) = !strcmp(argv[1], "sync")     ? cmd_sync
                               : !strcmp(argv[1], "upload") ? cmd_upload
                                                            : NULL;
    if (!run) {
        if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
            puts(usage);
            return K_OK;
        }
        kiosk_log("unknown command '%s'", argv[1]);
        fprintf(stderr, "%s\n", usage);
        return K_USAGE;
    }
    if (labels_init() != LABELS_OK) {
        kiosk_log("%s", labels_strerror(LABELS_ERR_CRYPTO));
        return K_FAILURE;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        kiosk_log("cannot initialise libcurl");
        return K_FAILURE;
    }
    int rc = run(argc - 1, argv + 1);
    if (fflush(stdout) != 0 && rc == K_OK)
        rc = K_FAILURE;
    curl_global_cleanup();
    return rc;
}
