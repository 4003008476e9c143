/* qr_encode.c -- text to QR modules (libqrencode), modules to pixels. */
#include "labels.h"

#include <errno.h>
#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

int labels_qr_encode(const char *text, size_t len, labels_qr *qr)
{
    if (!text || !qr || len == 0 || len > 4000)
        return LABELS_ERR_ARG;
    memset(qr, 0, sizeof *qr);
    /* QRcode_encodeString() splits the text into the cheapest modes, so an
     * all-alphanumeric URL is encoded in alphanumeric mode. It needs a
     * NUL-terminated string without inner NULs. */
    if (memchr(text, '\0', len))
        return LABELS_ERR_QR;
    char buf[4001];
    memcpy(buf, text, len);
    buf[len] = '\0';
    QRcode *code = QRcode_encodeString(buf, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!code)
        return errno == ENOMEM ? LABELS_ERR_NOMEM : LABELS_ERR_QR;
    size_t n = (size_t)code->width * (size_t)code->width;
    qr->modules = malloc(n);
    if (!qr->modules) {
        QRcode_free(code);
        return LABELS_ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++)
        qr->modules[i] = code->data[i] & 1;
    qr->version = code->version;
    qr->width = code->width;
    QRcode_free(code);
    return LABELS_OK;
}

void labels_qr_free(labels_qr *qr)
{
    if (!qr)
        return;
    free(qr->modules);
    memset(qr, 0, sizeof *qr);
}

int labels_image_alloc(labels_image *img, int width, int height)
{
    if (!img || width <= 0 || height <= 0 || width > 65535 || height > 65535)
        return LABELS_ERR_ARG;
    memset(img, 0, sizeof *img);
    size_t n = (size_t)width * (size_t)height;
    img->pixels = malloc(n);
    if (!img->pixels)
        return LABELS_ERR_NOMEM;
    memset(img->pixels, 255, n);
    img->width = width;
    img->height = height;
    img->stride = width;
    return LABELS_OK;
}

void labels_image_free(labels_image *img)
{
    if (!img)
        return;
    free(img->pixels);
    memset(img, 0, sizeof *img);
}

int labels_qr_render(const labels_qr *qr, int module_px, labels_image *img)
{
    if (!qr || !qr->modules || !img || module_px < 1 || module_px > 64 ||
        qr->width < 21 || qr->width > 177)
        return LABELS_ERR_ARG;
    int side = (qr->width + 2 * LABELS_QUIET_MODULES) * module_px;
    int rc = labels_image_alloc(img, side, side);
    if (rc != LABELS_OK)
        return rc;
    int off = LABELS_QUIET_MODULES * module_px;
    for (int y = 0; y < qr->width; y++) {
        uint8_t *row =
            img->pixels + (size_t)(off + y * module_px) * img->stride;
        for (int x = 0; x < qr->width; x++)
            if (qr->modules[y * qr->width + x])
                memset(row + off + x * module_px, 0, (size_t)module_px);
        for (int k = 1; k < module_px; k++)
            memcpy(row + (size_t)k * img->stride, row, (size_t)side);
    }
    return LABELS_OK;
}
