/* demo_labels.h -- the demo's sample label images. */
#ifndef OCOP_HOST_DEMO_LABELS_H
#define OCOP_HOST_DEMO_LABELS_H

#include "registry.h"

/* One sample: its file name in the labels folder, the verdict a kiosk
 * must give on the demo date, the QR text, and (when there is one) the
 * label's fields as printed and the registry's record of the product
 * they name, for a printed layout. */
struct demo_sample {
    char file[64];
    const char *verdict;
    char text[LABELS_TEXT_MAX];
    size_t len;
    int have_label;
    labels_label label;
    int have_product;
    struct reg_product product;
    char producer_name[REG_NAME_MAX + 1];
};

/* Write every sample's image into dir in the printed label layout (names
 * from the mirror at mirror_path), plus dir/sheet.pdf holding every
 * printable sample on A4 sticker sheets. 0 or -1 with err set. */
int demo_labels_write(const char *dir, const char *mirror_path,
                      const struct demo_sample *s, size_t n, char *err,
                      size_t errsz);

#endif
