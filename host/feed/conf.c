/* conf.c -- a kiosk configuration for a published feed
 * (docs/kiosk-config.md): for provisioning kiosks and for demos. */
#include "feed/feed.h"

#include <stdio.h>

int feed_kiosk_conf_write(const char *path, const char *url,
                          const labels_pubkey *auth, const char *data_dir)
{
    char b64[LABELS_PUBKEY_B64_MAX];
    int rc = labels_pubkey_to_base64(auth, b64, sizeof b64);
    if (rc != LABELS_OK)
        return rc;
    char text[8192];
    int n = snprintf(text, sizeof text,
                     "# ocop-kiosk configuration (docs/kiosk-config.md)\n"
                     "[feed]\n"
                     "url = %s\n"
                     "authority_key = %s\n"
                     "interval = 3600\n"
                     "\n[data]\n"
                     "mirror = %s/mirror.db\n"
                     "state = %s/sync.state\n",
                     url, b64, data_dir, data_dir);
    if (n < 0 || (size_t)n >= sizeof text)
        return LABELS_ERR_ARG;
    return labels_file_write_atomic(path, text, (size_t)n, 0644, 0);
}
