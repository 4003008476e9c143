/* test_reader_fit.c -- the reader's outline fitting (rdops_fit_quad) and
 * the frames it made readable (issue 15): a code under 60 degrees of
 * perspective, and four labels side by side whose blobs merge into one
 * region. Each frame here was missed by the one-shot reader before. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "frames_gen.h"
#include "labels.h"
#include "reader_int.h" /* rdops_fit_quad */
#include "test_reader_frames.h"

#include <stdlib.h>
#include <string.h>

#define BENCH_SEED 1 /* bench_reader's frames, where these were missed */
static unsigned long long seed = BENCH_SEED; /* the frames' seed */

/* Read frame (cat, level, idx) of the benchmark's seed in one-shot mode
 * (test_reader_frames.h). */
static int read_bench_frame_px(int cat, int level, int idx, int *nlabels,
                               double *px)
{
    return reader_frame_read(seed, cat, level, idx, nlabels, px);
}

static int read_bench_frame(int cat, int level, int idx, int *nlabels)
{
    return read_bench_frame_px(cat, level, idx, nlabels, NULL);
}

/* The same, on frames of another seed (s). */
static int read_seed_frame(unsigned long long s, int cat, int level, int idx,
                           int *nlabels)
{
    seed = s;
    int read = read_bench_frame(cat, level, idx, nlabels);
    seed = BENCH_SEED;
    return read;
}

/* Frame (cat, level, idx) of seed s holds one label, and it is read. */
static void assert_one_code_read(unsigned long long s, int cat, int level,
                                 int idx)
{
    int n;
    int read = read_seed_frame(s, cat, level, idx, &n);
    assert_int_equal(n, 1);
    assert_int_equal(read, 1);
}

/* 60 degrees of tilt, 2.4 px a module: the region search's outline was
 * 15 px off at a corner; fitted to the code's edges, the rectified and
 * sharpened code reads. */
static void steep_code_reads(void **state)
{
    (void)state;
    int n;
    assert_int_equal(read_bench_frame(FG_STEEP, 3, 0, &n), 1);
    assert_int_equal(n, 1);
}

/* A code tilted back (seed 2's tilt_2_0) whose blob took in a dashed
 * line of print beside it: the blob's outline is not the code's, and
 * fitting it to the edges does not bring it back; the outline drawn from
 * the code's three finder patterns (half a finder outside their
 * centres) does, and the rectified code reads. */
static void tilted_code_read_by_its_finders(void **state)
{
    (void)state;
    assert_one_code_read(2, FG_TILT, 2, 0);
}

/* A code on a can at its strongest curve (seed 2's cylinder_3_0, shaded
 * dark at the can's edge): the blob's outline is pixels off the code, so
 * the flattening attempts drawn from it read nothing; fitted to the
 * code's edges first, the can's curve undone, it reads. */
static void code_on_a_can_read_from_fitted_outline(void **state)
{
    (void)state;
    assert_one_code_read(2, FG_CYLINDER, 3, 0);
}

/* A code tilted back 58 degrees (seed 2's tilt_3_3, 1.7 px a module
 * across the tilt) whose blob took in a dashed line of print: its finders
 * are twice as tall as wide, their arms half as long one way as the
 * other, and a row's width says nothing of a module along an arm. Found
 * and measured to their edges, they draw the outline that reads. */
static void steep_code_read_by_its_finders(void **state)
{
    (void)state;
    assert_one_code_read(2, FG_TILT, 3, 3);
}

/* A code half in a shadow (seed 3's shadow_2_2): its grey changes less
 * there, so the region search's blob holds only the lit part and no
 * retry on it sees the whole code. Its finders, looked for a quarter
 * beyond the blob, show where it lies, and the outline they draw reads. */
static void code_half_in_shadow_read_by_its_finders(void **state)
{
    (void)state;
    assert_one_code_read(3, FG_SHADOW, 2, 2);
}

/* Four labels on a sheet (seed 2's multi_3_0) whose plain pass read
 * one: the blob is 16 times that code's box, room for more labels than
 * one with its print, so it gets its retries (it read one, now three). */
static void one_code_read_in_a_sheet_retried(void **state)
{
    (void)state;
    int n;
    int read = read_seed_frame(2, FG_MULTI, 3, 0, &n);
    assert_int_equal(n, 4);
    assert_true(read >= 3);
}

/* Four labels touching in a 2x2 grid make one blob; the plain pass reads
 * three, and the region, with room left for a fourth label, gets its
 * retries. */
static void labels_side_by_side_all_read(void **state)
{
    (void)state;
    int n;
    assert_int_equal(read_bench_frame(FG_MULTI, 3, 3, &n), 4);
    assert_int_equal(n, 4);
}

/* Labels side by side, every one read: two in a row (multi_1_1), four
 * in a grid (multi_3_1), each blob one region with room for more. The
 * codes read painted out, no finder-like mark is left: no retry runs on
 * the region, so the reader gives ZBar little more than the frame (every
 * retry ran before: 35 frames' worth on multi_1_1). Two labels read
 * (multi_0_2) leave one mark in their blob, a dark badge round light
 * letters: a code shows finders in pairs, so none is left (every retry
 * ran on the blob before: 37 frames' worth). */
static void labels_side_by_side_read_cheaply(void **state)
{
    (void)state;
    static const int frames[3][2] = {{1, 1}, {3, 1}, {0, 2}};
    for (int f = 0; f < 3; f++) {
        int n;
        double px;
        int read =
            read_bench_frame_px(FG_MULTI, frames[f][0], frames[f][1], &n, &px);
        assert_int_equal(read, n);
        print_message("multi_%d_%d: %d labels, ZBar given %.1f frames\n",
                      frames[f][0], frames[f][1], n, px / (640.0 * 480));
        assert_true(px < (f < 2 ? 2 : 4) * 640.0 * 480);
    }
}

/* Three labels in one blob, one of them unreadable (multi_2_2: its
 * finders show, its code reads at no enlargement): the retries look only
 * where that code can lie, round the pair of finders left once the two
 * codes read are painted out, not over all three labels (43 frames'
 * worth of ZBar before, about 1 s of CPU on the build machine). */
static void label_left_in_a_blob_retried_where_it_lies(void **state)
{
    (void)state;
    int n;
    double px;
    int read = read_bench_frame_px(FG_MULTI, 2, 2, &n, &px);
    print_message("multi_2_2: %d of %d labels, ZBar given %.1f frames\n", read,
                  n, px / (640.0 * 480));
    assert_true(read >= 2);
    assert_true(px < 12 * 640.0 * 480);
}

/* A code drawn with a known shear and unequal scales (the affine part of
 * a perspective), the outline given 6-8 px off at every corner: the fit
 * finds each corner to within a pixel and a half. A flat image has no
 * edge: an error, the outline left as it was. */
static void outline_fits_code_edges(void **state)
{
    (void)state;
    labels_qr qr;
    labels_image code;
    static const char text[] = "HTTPS://EXAMPLE.ORG/V/OUTLINE-FIT-TEST-0123";
    assert_int_equal(labels_qr_encode(text, sizeof text - 1, &qr), LABELS_OK);
    const int m = 4; /* pixels a module */
    assert_int_equal(labels_qr_render(&qr, m, &code), LABELS_OK);
    /* out = A src + t, pixel edges at whole numbers */
    const double a = 0.9, b = 0.45, c = -0.12, d = 0.55, tx = 40, ty = 60;
    const double det = a * d - b * c;
    labels_image img;
    assert_int_equal(labels_image_alloc(&img, 320, 240), LABELS_OK);
    for (int y = 0; y < img.height; y++)
        for (int x = 0; x < img.width; x++) {
            int sum = 0; /* 4x4 samples a pixel: edges anti-aliased */
            for (int s = 0; s < 16; s++) {
                double ox = x + (s % 4 + 0.5) / 4 - tx;
                double oy = y + (s / 4 + 0.5) / 4 - ty;
                double sx = (d * ox - b * oy) / det,
                       sy = (-c * ox + a * oy) / det;
                int v = 90; /* the scene round the label */
                if (sx >= 0 && sy >= 0 && sx < code.width && sy < code.height)
                    v = code.pixels[(size_t)sy * code.stride + (size_t)sx] > 128
                            ? 225
                            : 35;
                sum += v;
            }
            img.pixels[(size_t)y * img.stride + x] = (uint8_t)(sum / 16);
        }
    /* the code's corners (inside the 4-module quiet zone), in order */
    double q = 4.0 * m, e = (4.0 + qr.width) * m;
    const double cu[4] = {q, e, e, q}, cv[4] = {q, q, e, e};
    const double off[4][2] = {{-7, 6}, {8, -6}, {6, 7}, {-6, -8}};
    double qx[4], qy[4], truth[4][2];
    for (int k = 0; k < 4; k++) {
        truth[k][0] = a * cu[k] + b * cv[k] + tx;
        truth[k][1] = c * cu[k] + d * cv[k] + ty;
        qx[k] = truth[k][0] + off[k][0];
        qy[k] = truth[k][1] + off[k][1];
    }
    assert_int_equal(rdops_fit_quad(&img, qx, qy, 12), LABELS_OK);
    for (int k = 0; k < 4; k++) {
        double dx = qx[k] - truth[k][0], dy = qy[k] - truth[k][1];
        print_message("corner %d: off by %.2f, %.2f px\n", k, dx, dy);
        assert_true(dx * dx + dy * dy < 1.5 * 1.5);
    }

    memset(img.pixels, 128, (size_t)img.stride * img.height);
    double before[4];
    memcpy(before, qx, sizeof before);
    assert_int_equal(rdops_fit_quad(&img, qx, qy, 12), LABELS_ERR_IMAGE);
    assert_memory_equal(before, qx, sizeof before);
    assert_int_equal(rdops_fit_quad(&img, qx, qy, 0), LABELS_ERR_ARG);
    labels_image_free(&img);
    labels_image_free(&code);
    labels_qr_free(&qr);
}

/* The part of a sheet's outline over a rectangle of the image: for a
 * parallelogram (an affine view of the sheet), the sheet's rectangle
 * holding it; for a trapezoid (perspective), a rectangle reaching past
 * the outline and up to its middle line comes back as the outline's
 * half, cut to it. A degenerate outline is an error. */
static void corners_are(const double sx[4], const double sy[4],
                        const double ex[4], const double ey[4])
{
    for (int k = 0; k < 4; k++) {
        print_message("corner %d: %.1f, %.1f\n", k, sx[k], sy[k]);
        assert_true(sx[k] > ex[k] - 0.01 && sx[k] < ex[k] + 0.01);
        assert_true(sy[k] > ey[k] - 0.01 && sy[k] < ey[k] + 0.01);
    }
}

static void sheet_outline_cut_to_a_rectangle(void **state)
{
    (void)state;
    const double px[4] = {100, 300, 340, 140}, py[4] = {50, 50, 250, 250};
    double sx[4], sy[4];
    const double rx[2] = {180, 240}, ry[2] = {100, 160};
    assert_int_equal(rdops_sub_quad(px, py, rx, ry, sx, sy), LABELS_OK);
    /* the smallest rectangle in the sheet's plane holding the corners
     * (u 0.29..0.65, v 0.25..0.55 of x = 100 + 200 u + 40 v, y = 50 +
     * 200 v): a parallelogram over the rectangle */
    const double ex[4] = {168, 240, 252, 180}, ey[4] = {100, 100, 160, 160};
    corners_are(sx, sy, ex, ey);
    /* a trapezoid (the far side shorter): its left half */
    const double qx[4] = {120, 280, 360, 40}, qy[4] = {40, 40, 240, 240};
    const double lx[2] = {0, 200}, ly[2] = {40, 240}; /* x 200: the middle */
    assert_int_equal(rdops_sub_quad(qx, qy, lx, ly, sx, sy), LABELS_OK);
    const double hx[4] = {120, 200, 200, 40}, hy[4] = {40, 40, 240, 240};
    corners_are(sx, sy, hx, hy);
    const double flat[4] = {10, 10, 10, 10};
    assert_int_equal(rdops_sub_quad(flat, flat, lx, ly, sx, sy),
                     LABELS_ERR_IMAGE);
}

int main(void)
{
    if (labels_init() != LABELS_OK)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(outline_fits_code_edges),
        cmocka_unit_test(steep_code_reads),
        cmocka_unit_test(tilted_code_read_by_its_finders),
        cmocka_unit_test(code_on_a_can_read_from_fitted_outline),
        cmocka_unit_test(steep_code_read_by_its_finders),
        cmocka_unit_test(one_code_read_in_a_sheet_retried),
        cmocka_unit_test(code_half_in_shadow_read_by_its_finders),
        cmocka_unit_test(labels_side_by_side_all_read),
        cmocka_unit_test(labels_side_by_side_read_cheaply),
        cmocka_unit_test(label_left_in_a_blob_retried_where_it_lies),
        cmocka_unit_test(sheet_outline_cut_to_a_rectangle),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
