/* qr_reader.c -- placeholder: the plain pass. */
#include "labels.h"

#include <stdlib.h>

struct labels_reader {
    labels_decoder *dec;
};

labels_reader *labels_reader_new(void)
{
    labels_reader *rd = calloc(1, sizeof *rd);
    if (!rd)
        return NULL;
    rd->dec = labels_decoder_new();
    if (!rd->dec) {
        free(rd);
        return NULL;
    }
    return rd;
}

void labels_reader_free(labels_reader *rd)
{
    if (!rd)
        return;
    labels_decoder_free(rd->dec);
    free(rd);
}

void labels_reader_reset(labels_reader *rd)
{
    (void)rd;
}

int labels_read(labels_reader *rd, const labels_image *img, int effort,
                labels_code_fn fn, void *ctx, int *found)
{
    (void)effort;
    if (!rd)
        return LABELS_ERR_ARG;
    return labels_decode(rd->dec, img, fn, ctx, found);
}
