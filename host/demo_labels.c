/* demo_labels.c -- render the demo's sample labels as PNG files. */
#include "demo_labels.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int demo_labels_write(const char *dir, const struct demo_sample *s, size_t n,
                      char *err, size_t errsz)
{
    for (size_t i = 0; i < n; i++) {
        char path[4096];
        labels_qr qr;
        labels_image img;
        snprintf(path, sizeof path, "%s/%s", dir, s[i].file);
        int rc = labels_qr_encode(s[i].text, s[i].len, &qr);
        if (rc == LABELS_OK) {
            rc = labels_qr_render(&qr, 6, &img);
            labels_qr_free(&qr);
            if (rc == LABELS_OK) {
                rc = labels_png_write(path, &img);
                labels_image_free(&img);
            }
        }
        if (rc != LABELS_OK) {
            snprintf(err, errsz, "cannot write %s: %s", path,
                     labels_strerror(rc));
            return -1;
        }
    }
    return 0;
}
