/* image_read.c -- PNG, JPEG and PGM files to 8-bit grey, size-capped. */
#include "labels.h"

#include <stdio.h> /* before jpeglib.h, which needs FILE */

#include <jpeglib.h>
#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_MAX_PIXELS 40000000u

static int dims_ok(unsigned long w, unsigned long h, size_t max)
{
    return w > 0 && h > 0 && w <= 65535 && h <= 65535 &&
           (size_t)w * (size_t)h <= max;
}

static int read_png(const char *path, size_t max, labels_image *img)
{
    png_image pi;
    memset(&pi, 0, sizeof pi);
    pi.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&pi, path))
        return LABELS_ERR_IMAGE;
    if (!dims_ok(pi.width, pi.height, max)) {
        png_image_free(&pi);
        return LABELS_ERR_IMAGE;
    }
    pi.format = PNG_FORMAT_GRAY;
    int rc = labels_image_alloc(img, (int)pi.width, (int)pi.height);
    if (rc != LABELS_OK) {
        png_image_free(&pi);
        return rc;
    }
    /* Transparent pixels are composited on white, as a label on paper. */
    png_color white = {255, 255, 255};
    if (!png_image_finish_read(&pi, &white, img->pixels, img->stride, NULL)) {
        png_image_free(&pi);
        labels_image_free(img);
        return LABELS_ERR_IMAGE;
    }
    return LABELS_OK;
}

struct jerr {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
};

static void jpeg_fail(j_common_ptr cinfo)
{
    struct jerr *e = (struct jerr *)cinfo->err;
    longjmp(e->jump, 1);
}

static void jpeg_quiet(j_common_ptr cinfo, int level)
{
    (void)cinfo;
    (void)level; /* libjpeg warnings go nowhere: the library never prints */
}

static int read_jpeg(FILE *f, size_t max, labels_image *img)
{
    struct jpeg_decompress_struct cinfo;
    struct jerr err;
    /* volatile: modified between setjmp and longjmp. */
    labels_image *volatile out = img;
    cinfo.err = jpeg_std_error(&err.pub);
    err.pub.error_exit = jpeg_fail;
    err.pub.emit_message = jpeg_quiet;
    if (setjmp(err.jump)) {
        jpeg_destroy_decompress(&cinfo);
        labels_image_free(out);
        return LABELS_ERR_IMAGE;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_stdio_src(&cinfo, f);
    jpeg_read_header(&cinfo, TRUE);
    cinfo.out_color_space = JCS_GRAYSCALE;
    /* A photo over the cap (a 50 or 108 Mpx phone camera) is decoded at
     * 1/2, 1/4 or 1/8 scale by libjpeg's DCT scaling, which never holds
     * the full-size pixels: a label filling a fraction of such a photo
     * still has modules several pixels wide. */
    jpeg_calc_output_dimensions(&cinfo);
    for (unsigned d = 2;
         d <= 8 && !dims_ok(cinfo.output_width, cinfo.output_height, max);
         d *= 2) {
        cinfo.scale_num = 1;
        cinfo.scale_denom = d;
        jpeg_calc_output_dimensions(&cinfo);
    }
    if (!dims_ok(cinfo.output_width, cinfo.output_height, max)) {
        jpeg_destroy_decompress(&cinfo);
        return LABELS_ERR_IMAGE;
    }
    jpeg_start_decompress(&cinfo);
    if (labels_image_alloc(out, (int)cinfo.output_width,
                           (int)cinfo.output_height) != LABELS_OK) {
        jpeg_destroy_decompress(&cinfo);
        return LABELS_ERR_NOMEM;
    }
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW row =
            out->pixels + (size_t)cinfo.output_scanline * out->stride;
        jpeg_read_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    return LABELS_OK;
}

/* One header number of a PGM: skips white space and # comments. */
static int pgm_number(FILE *f, unsigned long *v)
{
    int c = fgetc(f);
    for (;;) {
        while (c == ' ' || c == '\t' || c == '\n' || c == '\r')
            c = fgetc(f);
        if (c != '#')
            break;
        while (c != '\n' && c != EOF)
            c = fgetc(f);
    }
    if (c < '0' || c > '9')
        return -1;
    *v = 0;
    while (c >= '0' && c <= '9') {
        if (*v > 1000000)
            return -1;
        *v = *v * 10 + (unsigned long)(c - '0');
        c = fgetc(f);
    }
    /* Exactly one white space character ends the header. */
    return (c == ' ' || c == '\t' || c == '\n' || c == '\r') ? 0 : -1;
}

static int read_pgm(FILE *f, size_t max, labels_image *img)
{
    unsigned long w, h, maxval;
    if (fseek(f, 2, SEEK_SET) != 0 || pgm_number(f, &w) || pgm_number(f, &h) ||
        pgm_number(f, &maxval) || maxval == 0 || maxval > 255 ||
        !dims_ok(w, h, max))
        return LABELS_ERR_IMAGE;
    int rc = labels_image_alloc(img, (int)w, (int)h);
    if (rc != LABELS_OK)
        return rc;
    size_t n = (size_t)w * h;
    if (fread(img->pixels, 1, n, f) != n) {
        labels_image_free(img);
        return LABELS_ERR_IMAGE;
    }
    if (maxval != 255)
        for (size_t i = 0; i < n; i++)
            img->pixels[i] = (uint8_t)(img->pixels[i] > maxval
                                           ? 255
                                           : img->pixels[i] * 255 / maxval);
    return LABELS_OK;
}

int labels_image_read(const char *path, size_t max_pixels, labels_image *img)
{
    if (!path || !img)
        return LABELS_ERR_ARG;
    memset(img, 0, sizeof *img);
    if (max_pixels == 0)
        max_pixels = DEFAULT_MAX_PIXELS;
    FILE *f = fopen(path, "rb");
    if (!f)
        return LABELS_ERR_IO;
    unsigned char magic[8] = {0};
    size_t got = fread(magic, 1, sizeof magic, f);
    int rc = LABELS_ERR_IMAGE;
    if (got == 8 && png_sig_cmp(magic, 0, 8) == 0) {
        fclose(f);
        return read_png(path, max_pixels, img);
    }
    if (got >= 3 && magic[0] == 0xFF && magic[1] == 0xD8 && magic[2] == 0xFF) {
        rewind(f);
        rc = read_jpeg(f, max_pixels, img);
    } else if (got >= 2 && magic[0] == 'P' && magic[1] == '5') {
        rc = read_pgm(f, max_pixels, img);
    }
    fclose(f);
    return rc;
}
