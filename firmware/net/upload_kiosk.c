/* upload_kiosk.c -- one upload round as the kiosk runs it: from its scan
 * log, signed with its device key, under an exclusive lock on the data
 * directory's upload.lock, so that a round by hand and the service's never
 * send the same pending batch at once. */
#include "upload.h"

#include "device_key.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

static int upload_locked(const struct kiosk_config *cfg, const char *dir,
                         upload_result *res)
{
    char err[KIOSK_PATH_MAX + 256];
    scan_log *log = NULL;
    if (scan_log_open(cfg->scans, cfg->scans_max, &log, err, sizeof err)) {
        kiosk_logl(KLOG_ERR, "upload: %s", err);
        return -1;
    }
    labels_seckey sec;
    labels_pubkey pub;
    if (device_key_load_or_create(dir, &sec, &pub, NULL, err, sizeof err)) {
        kiosk_logl(KLOG_ERR, "upload: %s", err);
        scan_log_close(log);
        return -1;
    }
    upload_config uc = {
        .url = cfg->upload_url,
        .state_dir = dir,
        .ca_file = cfg->upload_ca_file[0] ? cfg->upload_ca_file : NULL,
        .batch_max = (int)cfg->upload_batch,
        .mirror = cfg->mirror,
        .sync_state = cfg->state,
    };
    int rc = upload_round(&uc, log, &sec, res);
    labels_seckey_wipe(&sec);
    scan_log_close(log);
    if (rc != 0) {
        kiosk_logl(KLOG_ERR, "upload: %s", res->message);
        return -1;
    }
    return 0;
}

enum upload_kiosk_rc upload_kiosk_round(const struct kiosk_config *cfg,
                                        upload_result *res)
{
    memset(res, 0, sizeof *res);
    res->retry_after_s = -1;
    char dir[KIOSK_PATH_MAX], lock[KIOSK_PATH_MAX + 16];
    kiosk_data_dir(cfg, dir, sizeof dir);
    snprintf(lock, sizeof lock, "%s/upload.lock", dir);
    int fd = -1;
    int lr = labels_file_open(lock, O_RDWR | O_CREAT, 0600, &fd);
    if (fd < 0) {
        kiosk_logl(KLOG_ERR, "upload: cannot open %s: %s", lock,
                   lr == LABELS_ERR_IO ? strerror(errno) : labels_strerror(lr));
        return UPLOAD_KIOSK_NO_LOCK;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        /* A busy lock is not an error: the other round does the work. */
        int busy = errno == EWOULDBLOCK;
        if (!busy)
            kiosk_logl(KLOG_ERR, "upload: cannot lock %s: %s", lock,
                       strerror(errno));
        else
            kiosk_logl(KLOG_INFO, "upload: another round is running");
        close(fd);
        return busy ? UPLOAD_KIOSK_BUSY : UPLOAD_KIOSK_NO_LOCK;
    }
    int rc = upload_locked(cfg, dir, res);
    close(fd);
    return rc == 0 ? UPLOAD_KIOSK_DONE : UPLOAD_KIOSK_FAILED;
}
