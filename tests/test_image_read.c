/* test_image_read.c -- image files as cameras and phones make them:
 * JPEGs over the pixel cap are read at a reduced scale (and the code in
 * them still decodes) instead of being refused; a PNG with a transparent
 * background is a label on white paper; what cannot fit is refused before
 * any pixel memory is taken. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "labels.h"

#include <stdio.h> /* before jpeglib.h, which needs FILE */

#include <jpeglib.h>
#include <png.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TEXT "HTTPS://OCOP.EXAMPLE/V/IMAGE-READ-TEST"

static char dir[] = "/tmp/test-image-read.XXXXXX";

/* The QR of TEXT at px pixels per module, with its quiet zone. */
static void qr_image(int px, labels_image *img)
{
    labels_qr qr;
    assert_int_equal(labels_qr_encode(TEXT, strlen(TEXT), &qr), LABELS_OK);
    assert_int_equal(labels_qr_render(&qr, px, img), LABELS_OK);
    labels_qr_free(&qr);
}

/* A w x h grey JPEG: mid-grey paper with the code pasted at (x0, y0). */
static void write_jpeg(const char *path, int w, int h, const labels_image *code,
                       int x0, int y0)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr e;
    c.err = jpeg_std_error(&e);
    jpeg_create_compress(&c);
    jpeg_stdio_dest(&c, f);
    c.image_width = (JDIMENSION)w;
    c.image_height = (JDIMENSION)h;
    c.input_components = 1;
    c.in_color_space = JCS_GRAYSCALE;
    jpeg_set_defaults(&c);
    jpeg_set_quality(&c, 85, TRUE);
    jpeg_start_compress(&c, TRUE);
    uint8_t *row = malloc((size_t)w);
    assert_non_null(row);
    for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
            int cx = x - x0, cy = y - y0;
            row[x] = cx >= 0 && cy >= 0 && cx < code->width && cy < code->height
                         ? code->pixels[cy * code->stride + cx]
                         : (uint8_t)(150 + (x / 64 + y / 64) % 2 * 30);
        }
        JSAMPROW r = row;
        jpeg_write_scanlines(&c, &r, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    free(row);
    assert_int_equal(fclose(f), 0);
}

static int seen(void *ctx, const char *data, size_t len)
{
    int *n = ctx;
    if (len == strlen(TEXT) && !memcmp(data, TEXT, len))
        ++*n;
    return 0;
}

static int decodes(const labels_image *img)
{
    labels_decoder *dec = labels_decoder_new();
    assert_non_null(dec);
    int n = 0;
    assert_int_equal(labels_decode(dec, img, seen, &n, NULL), LABELS_OK);
    labels_decoder_free(dec);
    return n;
}

static void big_jpeg_read_at_reduced_scale(void **state)
{
    (void)state;
    char path[64];
    snprintf(path, sizeof path, "%s/photo.jpg", dir);
    labels_image code, img;
    qr_image(12, &code);
    write_jpeg(path, 3000, 2000, &code, 1200, 500);
    labels_image_free(&code);
    /* Under the default cap: full size. */
    assert_int_equal(labels_image_read(path, 0, &img), LABELS_OK);
    assert_int_equal(img.width, 3000);
    assert_int_equal(img.height, 2000);
    assert_int_equal(decodes(&img), 1);
    labels_image_free(&img);
    /* Over a 2 Mpx cap: 1/2 scale (1.5 Mpx), and the code still reads. */
    assert_int_equal(labels_image_read(path, 2000000, &img), LABELS_OK);
    assert_int_equal(img.width, 1500);
    assert_int_equal(img.height, 1000);
    assert_int_equal(decodes(&img), 1);
    labels_image_free(&img);
    /* 1/4 is the first scale under 0.5 Mpx. */
    assert_int_equal(labels_image_read(path, 500000, &img), LABELS_OK);
    assert_int_equal(img.width, 750);
    labels_image_free(&img);
    /* Not even 1/8 (375 x 250) fits: refused, nothing allocated. */
    assert_int_equal(labels_image_read(path, 90000, &img), LABELS_ERR_IMAGE);
    assert_null(img.pixels);
    unlink(path);
}

static void transparent_png_is_on_white(void **state)
{
    (void)state;
    char path[64];
    snprintf(path, sizeof path, "%s/screenshot.png", dir);
    labels_image code;
    qr_image(6, &code);
    /* RGBA: dark modules opaque, light ones fully transparent (and
     * black in their colour channels, as many exporters write them). */
    size_t n = (size_t)code.width * (size_t)code.height;
    uint8_t *rgba = calloc(n, 4);
    assert_non_null(rgba);
    for (size_t i = 0; i < n; i++) {
        int dark = code.pixels[(i / (size_t)code.width) * (size_t)code.stride +
                               i % (size_t)code.width] < 128;
        rgba[4 * i + 3] = dark ? 255 : 0;
    }
    png_image pi;
    memset(&pi, 0, sizeof pi);
    pi.version = PNG_IMAGE_VERSION;
    pi.width = (png_uint_32)code.width;
    pi.height = (png_uint_32)code.height;
    pi.format = PNG_FORMAT_RGBA;
    assert_true(png_image_write_to_file(&pi, path, 0, rgba, 0, NULL));
    free(rgba);
    labels_image img;
    assert_int_equal(labels_image_read(path, 0, &img), LABELS_OK);
    assert_int_equal(img.width, code.width);
    assert_int_equal(img.pixels[0], 255); /* the transparent corner */
    assert_int_equal(decodes(&img), 1);
    labels_image_free(&img);
    labels_image_free(&code);
    unlink(path);
}

static void over_cap_png_and_pgm_refused(void **state)
{
    (void)state;
    char path[64];
    snprintf(path, sizeof path, "%s/big.pgm", dir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    /* The header alone claims 60000 x 60000; no pixel data follows. */
    fprintf(f, "P5 60000 60000 255\n");
    assert_int_equal(fclose(f), 0);
    labels_image img;
    assert_int_equal(labels_image_read(path, 0, &img), LABELS_ERR_IMAGE);
    assert_null(img.pixels);
    unlink(path);
}

int main(void)
{
    if (!mkdtemp(dir))
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(big_jpeg_read_at_reduced_scale),
        cmocka_unit_test(transparent_png_is_on_white),
        cmocka_unit_test(over_cap_png_and_pgm_refused),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    rmdir(dir);
    return rc;
}
