/* reader_zbar.c -- the library's one ZBar pass: QR only, bytes as they
 * are, every code with the box ZBar located it in. The reader needs
 * where a code is to tell which candidate region it came from (a frame
 * may hold several labels) and to follow it from frame to frame,
 * decoding only that part; labels_decode (qr_decode.c) is this pass
 * without the boxes. */
#include "reader_int.h"

#include <stdlib.h>
#include <zbar.h>

struct rd_zbar {
    zbar_image_scanner_t *scanner;
    zbar_image_t *image;
};

rd_zbar *rd_zbar_new(void)
{
    rd_zbar *z = calloc(1, sizeof *z);
    if (!z)
        return NULL;
    z->scanner = zbar_image_scanner_create();
    z->image = zbar_image_create();
    if (!z->scanner || !z->image) {
        rd_zbar_free(z);
        return NULL;
    }
    /* QR only: a label is never a 1-D barcode, and the other decoders
     * only cost time and false reads. BINARY keeps the bytes as they are
     * instead of guessing a character set. */
    if (zbar_image_scanner_set_config(z->scanner, 0, ZBAR_CFG_ENABLE, 0) ||
        zbar_image_scanner_set_config(z->scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE,
                                      1) ||
        zbar_image_scanner_set_config(z->scanner, ZBAR_QRCODE, ZBAR_CFG_BINARY,
                                      1)) {
        rd_zbar_free(z);
        return NULL;
    }
    zbar_image_set_format(z->image, zbar_fourcc('Y', '8', '0', '0'));
    return z;
}

void rd_zbar_free(rd_zbar *z)
{
    if (!z)
        return;
    if (z->image)
        zbar_image_destroy(z->image);
    if (z->scanner)
        zbar_image_scanner_destroy(z->scanner);
    free(z);
}

int rd_zbar_decode(rd_zbar *z, const labels_image *img, rd_code_fn fn,
                   void *ctx, int *found)
{
    if (found)
        *found = 0;
    if (!z || !img || !img->pixels || img->width <= 0 || img->height <= 0 ||
        img->stride < img->width)
        return LABELS_ERR_ARG;
    /* ZBar wants packed rows; padded images are compacted first. */
    uint8_t *packed = NULL;
    const uint8_t *data = img->pixels;
    size_t n = (size_t)img->width * (size_t)img->height;
    if (img->stride != img->width) {
        packed = malloc(n);
        if (!packed)
            return LABELS_ERR_NOMEM;
        for (int y = 0; y < img->height; y++)
            for (int x = 0; x < img->width; x++)
                packed[(size_t)y * img->width + x] =
                    img->pixels[(size_t)y * img->stride + x];
        data = packed;
    }
    zbar_image_set_size(z->image, (unsigned)img->width, (unsigned)img->height);
    zbar_image_set_data(z->image, data, n, NULL);
    int rc = zbar_scan_image(z->scanner, z->image);
    int count = 0;
    if (rc >= 0) {
        const zbar_symbol_t *sym = zbar_image_first_symbol(z->image);
        for (; sym; sym = zbar_symbol_next(sym)) {
            if (zbar_symbol_get_type(sym) != ZBAR_QRCODE)
                continue;
            /* The box round ZBar's corner points; the whole image when
             * it gives none. */
            int box[4] = {img->width, img->height, 0, 0};
            unsigned np = zbar_symbol_get_loc_size(sym);
            for (unsigned i = 0; i < np; i++) {
                int x = zbar_symbol_get_loc_x(sym, i),
                    y = zbar_symbol_get_loc_y(sym, i);
                box[0] = x < box[0] ? x : box[0];
                box[1] = y < box[1] ? y : box[1];
                box[2] = x + 1 > box[2] ? x + 1 : box[2];
                box[3] = y + 1 > box[3] ? y + 1 : box[3];
            }
            if (np == 0 || box[0] >= box[2] || box[1] >= box[3]) {
                box[0] = box[1] = 0;
                box[2] = img->width;
                box[3] = img->height;
            }
            count++;
            if (fn && fn(ctx, zbar_symbol_get_data(sym),
                         zbar_symbol_get_data_length(sym), box))
                break;
        }
    }
    zbar_image_set_data(z->image, NULL, 0, NULL);
    free(packed);
    if (found)
        *found = count;
    return rc < 0 ? LABELS_ERR_DECODER : LABELS_OK;
}
