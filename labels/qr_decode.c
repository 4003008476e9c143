/* qr_decode.c -- QR codes out of grey images with ZBar (QR only). */
#include "labels.h"

#include <stdlib.h>
#include <zbar.h>

struct labels_decoder {
    zbar_image_scanner_t *scanner;
    zbar_image_t *image;
};

labels_decoder *labels_decoder_new(void)
{
    labels_decoder *dec = calloc(1, sizeof *dec);
    if (!dec)
        return NULL;
    dec->scanner = zbar_image_scanner_create();
    dec->image = zbar_image_create();
    if (!dec->scanner || !dec->image) {
        labels_decoder_free(dec);
        return NULL;
    }
    /* Every symbology off, then QR on: a label is never a 1-D barcode,
     * and the other decoders only cost time and false reads. BINARY keeps
     * the bytes as they are instead of guessing a character set. */
    zbar_image_scanner_set_config(dec->scanner, 0, ZBAR_CFG_ENABLE, 0);
    zbar_image_scanner_set_config(dec->scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE,
                                  1);
    zbar_image_scanner_set_config(dec->scanner, ZBAR_QRCODE, ZBAR_CFG_BINARY,
                                  1);
    zbar_image_set_format(dec->image, zbar_fourcc('Y', '8', '0', '0'));
    return dec;
}

void labels_decoder_free(labels_decoder *dec)
{
    if (!dec)
        return;
    if (dec->image)
        zbar_image_destroy(dec->image);
    if (dec->scanner)
        zbar_image_scanner_destroy(dec->scanner);
    free(dec);
}

int labels_decode(labels_decoder *dec, const labels_image *img,
                  labels_code_fn fn, void *ctx, int *found)
{
    if (found)
        *found = 0;
    if (!dec || !img || !img->pixels || img->width <= 0 || img->height <= 0 ||
        img->stride < img->width)
        return LABELS_ERR_ARG;
    /* ZBar wants packed rows; images with padding are compacted first. */
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
    zbar_image_set_size(dec->image, (unsigned)img->width,
                        (unsigned)img->height);
    zbar_image_set_data(dec->image, data, n, NULL);
    int rc = zbar_scan_image(dec->scanner, dec->image);
    int count = 0;
    if (rc >= 0) {
        const zbar_symbol_t *sym = zbar_image_first_symbol(dec->image);
        for (; sym; sym = zbar_symbol_next(sym)) {
            if (zbar_symbol_get_type(sym) != ZBAR_QRCODE)
                continue;
            count++;
            if (fn && fn(ctx, zbar_symbol_get_data(sym),
                         zbar_symbol_get_data_length(sym)))
                break;
        }
    }
    zbar_image_set_data(dec->image, NULL, 0, NULL);
    free(packed);
    if (found)
        *found = count;
    return rc < 0 ? LABELS_ERR_DECODER : LABELS_OK;
}
