/* test_reader_mesh.c -- the reader's mesh (issue 15): a code whose
 * modules a crumpled pouch moved smoothly but not by any perspective,
 * its grid measured tile by tile and flattened (rdops_unwarp_mesh), and
 * the bench's crumpled frames that made readable, which nothing read
 * before (not ZBar, not zxing-cpp, not the reader's other attempts). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "frames_gen.h"
#include "labels.h"
#include "reader_int.h" /* rdops_unwarp_mesh */
#include "test_reader_frames.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Where two creases crossing the code (wavelengths of 28 and 36
 * modules, at 20 and 110 degrees) moved module position (u, v): by up
 * to half a module each along the crease's normal, as a pouch crushed in a
 * hand shortens its print; relative to the top-left corner, where the
 * reader's outline is fitted to the code. */
static void crease_at(double u, double v, double *ou, double *ov)
{
    static const double wl[2] = {28, 36}, deg[2] = {20, 110};
    static const double amp[2] = {0.5, 0.5}, ph[2] = {0.7, 2.1};
    *ou = *ov = 0;
    for (int k = 0; k < 2; k++) {
        double c = cos(deg[k] * M_PI / 180), s = sin(deg[k] * M_PI / 180);
        double d = amp[k] * sin(2 * M_PI * (u * c + v * s) / wl[k] + ph[k]);
        *ou += d * c;
        *ov += d * s;
    }
}

static void creased(double u, double v, double *ou, double *ov)
{
    double du, dv, cu, cv;
    crease_at(u, v, &du, &dv);
    crease_at(0, 0, &cu, &cv);
    *ou = u + du - cu;
    *ov = v + dv - cv;
}

/* The code of qr at 6 px a module, creased, in a square with a white
 * margin of a tenth of the code's side (as rdops_warp_quad makes it);
 * each pixel the mean of 4 x 4 samples. */
static void creased_square(const labels_qr *qr, labels_image *img, int *margin)
{
    const int px = 6, n = qr->width, side = n * px;
    *margin = side / 10;
    int w = side + 2 * *margin;
    assert_int_equal(labels_image_alloc(img, w, w), LABELS_OK);
    for (int y = 0; y < w; y++)
        for (int x = 0; x < w; x++) {
            int dark = 0;
            for (int sy = 0; sy < 4; sy++)
                for (int sx = 0; sx < 4; sx++) {
                    double u = (x + (sx + 0.5) / 4 - *margin) / px;
                    double v = (y + (sy + 0.5) / 4 - *margin) / px;
                    double mu, mv;
                    creased(u, v, &mu, &mv);
                    int i = (int)floor(mu), j = (int)floor(mv);
                    dark += i >= 0 && j >= 0 && i < n && j < n &&
                            qr->modules[(size_t)j * n + i];
                }
            img->pixels[(size_t)y * img->stride + x] =
                (uint8_t)(235 - dark * 200 / 16);
        }
}

/* ZBar's one smooth grid (a homography per cell between alignment
 * patterns) leaves the creased code; the mesh, measured on the code's
 * own module boundaries, flattens it and ZBar reads it. */
static void creased_code_flattened(void **state)
{
    (void)state;
    labels_qr qr;
    labels_image img;
    int margin;
    static const char text[] =
        "HTTPS://EXAMPLE.ORG/V/CRUMPLED-POUCH-TEST-0123456789-ABCDEFGHIJ";
    assert_int_equal(labels_qr_encode(text, sizeof text - 1, &qr), LABELS_OK);
    creased_square(&qr, &img, &margin);
    print_message("version %d, %d modules\n", qr.version, qr.width);
    assert_int_equal(reader_zbar_reads(&img), 0);
    assert_int_equal(rdops_unwarp_mesh(&img, margin, 2), LABELS_OK);
    assert_int_equal(reader_zbar_reads(&img), 1);
    labels_image_free(&img);
    labels_qr_free(&qr);
}

/* A square with no module grid in it (flat grey) is no code. */
static void no_grid_refused(void **state)
{
    (void)state;
    labels_image img;
    assert_int_equal(labels_image_alloc(&img, 120, 120), LABELS_OK);
    memset(img.pixels, 128, 120 * 120);
    assert_int_equal(rdops_unwarp_mesh(&img, 10, 2), LABELS_ERR_IMAGE);
    assert_int_equal(rdops_unwarp_mesh(&img, -1, 2), LABELS_ERR_ARG);
    labels_image_free(&img);
}

/* bench_reader's crumpled pouches at a strain of 14 % that nothing read
 * (not ZBar, not zxing-cpp, not the reader's perspective and cylinder
 * attempts): seed 1's crumpled_3_2, seed 2's 3_1 and 3_4, seed 3's 3_0,
 * seed 4's 3_1. Flattened on the mesh, they read. */
static void crumpled_codes_read(void **state)
{
    (void)state;
    reader_frame_one_read(1, FG_CRUMPLED, 3, 2);
    reader_frame_one_read(2, FG_CRUMPLED, 3, 1);
    reader_frame_one_read(2, FG_CRUMPLED, 3, 4);
    reader_frame_one_read(3, FG_CRUMPLED, 3, 0);
    reader_frame_one_read(4, FG_CRUMPLED, 3, 1);
}

/* Two the mesh read only once its phases were unwrapped quality first
 * (seed 1's crumpled_3_0, seed 3's 3_2): in raster order a node that
 * measured a bend badly passed a wrong whole module on to the rest. */
static void crumpled_codes_read_quality_first(void **state)
{
    (void)state;
    reader_frame_one_read(1, FG_CRUMPLED, 3, 0);
    reader_frame_one_read(3, FG_CRUMPLED, 3, 2);
}

int main(void)
{
    if (labels_init() != LABELS_OK)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(creased_code_flattened),
        cmocka_unit_test(no_grid_refused),
        cmocka_unit_test(crumpled_codes_read),
        cmocka_unit_test(crumpled_codes_read_quality_first),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
