/* config.h -- the kiosk's one configuration file (docs/kiosk-config.md). */
#ifndef OCOP_KIOSK_CONFIG_H
#define OCOP_KIOSK_CONFIG_H

#include <labels.h>
#include <stddef.h>

#define KIOSK_CONFIG_DEFAULT "/etc/ocop-kiosk/kiosk.conf"
#define KIOSK_URL_MAX 1024
#define KIOSK_PATH_MAX 1024

struct kiosk_config {
    /* [feed] */
    char feed_url[KIOSK_URL_MAX]; /* folder URL holding the manifest */
    labels_pubkey authority;      /* trusted feed key (or rotation root) */
    int have_authority;
    char pin[256];                /* CURLOPT_PINNEDPUBLICKEY, "" for none */
    char ca_file[KIOSK_PATH_MAX]; /* CA bundle, "" for the system CAs */
    long interval;                /* seconds between sync rounds */
    long connect_timeout;         /* seconds */
    long timeout;                 /* seconds, whole transfer */
    long low_speed_limit;         /* bytes per second ... */
    long low_speed_time;          /* ... sustained this many seconds aborts */
    long retries;                 /* extra attempts after a failed request */
    long backoff_ms;              /* first retry delay; doubles each time */
    long max_backoff; /* seconds, cap on any wait (Retry-After too) */
    /* [data] */
    char mirror[KIOSK_PATH_MAX];
    char state[KIOSK_PATH_MAX];
    char scans[KIOSK_PATH_MAX]; /* the scan log (firmware/scan_log.h) */
    long scans_max;             /* scans kept in it at most */
    /* [camera] */
    char camera[KIOSK_PATH_MAX];      /* V4L2 device or "frames:DIR"; "" none */
    long camera_width, camera_height; /* 0: the driver's choice */
    long absent_ms; /* out of view this long: showing it again is a scan */
    /* [scanner] */
    char scanner[KIOSK_PATH_MAX]; /* evdev device, "-" stdin, "" none */
    /* [screen] */
    char screen_output[KIOSK_PATH_MAX]; /* screen_display_open()'s spec */
    int language;                       /* labels_lang */
    long verdict_seconds;               /* a verdict stays this long */
    long screen_width, screen_height;   /* of png: output */
    char language_code[32];             /* scanner line toggling language */
    /* [upload] */
    char upload_url[KIOSK_URL_MAX]; /* "" disables uploading */
    char upload_ca_file[KIOSK_PATH_MAX];
    long upload_batch;
    long upload_interval; /* seconds between checks when nothing waits */
};

/* The folder of the sync state: the kiosk's data directory (device key,
 * pending upload batch). */
void kiosk_data_dir(const struct kiosk_config *cfg, char *out, size_t outsz);

/* Read path into cfg (defaults first). On failure returns non-zero and
 * writes one sentence naming the file, line and key into err. */
int kiosk_config_load(const char *path, struct kiosk_config *cfg, char *err,
                      size_t errsz);

#endif
