/* qr_decode.c -- QR codes out of grey images with ZBar (QR only): the
 * reader's own ZBar pass (reader_zbar.c), without the boxes. */
#include "labels.h"
#include "reader_int.h"

#include <stdlib.h>

struct labels_decoder {
    rd_zbar *z;
};

labels_decoder *labels_decoder_new(void)
{
    labels_decoder *dec = calloc(1, sizeof *dec);
    if (!dec)
        return NULL;
    dec->z = rd_zbar_new();
    if (!dec->z) {
        free(dec);
        return NULL;
    }
    return dec;
}

void labels_decoder_free(labels_decoder *dec)
{
    if (!dec)
        return;
    rd_zbar_free(dec->z);
    free(dec);
}

typedef struct plain_ctx {
    labels_code_fn fn;
    void *ctx;
} plain_ctx;

static int on_code(void *vctx, const char *data, size_t len, const int box[4])
{
    (void)box;
    plain_ctx *p = vctx;
    return p->fn ? p->fn(p->ctx, data, len) : 0;
}

int labels_decode(labels_decoder *dec, const labels_image *img,
                  labels_code_fn fn, void *ctx, int *found)
{
    if (found)
        *found = 0;
    if (!dec)
        return LABELS_ERR_ARG;
    plain_ctx p = {fn, ctx};
    return rd_zbar_decode(dec->z, img, on_code, &p, found);
}
