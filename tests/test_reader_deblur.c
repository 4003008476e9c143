/* test_reader_deblur.c -- the reader's Wiener deconvolution (issue 15):
 * a motion blur's direction and length measured on the code itself and
 * undone, and the bench frames it made readable, which nothing read
 * before (not ZBar, not zxing-cpp, not the reader's other attempts). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "frames_gen.h"
#include "labels.h"
#include "reader_int.h" /* rdops_motion_psf, rdops_wiener, rd_fft2 */
#include "test_reader_frames.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* src's grey at (x, y), bilinear, edges repeated */
static double at(const labels_image *src, double x, double y)
{
    x = x < 0 ? 0 : x > src->width - 1.001 ? src->width - 1.001 : x;
    y = y < 0 ? 0 : y > src->height - 1.001 ? src->height - 1.001 : y;
    int ix = (int)x, iy = (int)y;
    double tx = x - ix, ty = y - iy;
    const uint8_t *p = src->pixels + (size_t)iy * src->stride + ix;
    return (p[0] * (1 - tx) + p[1] * tx) * (1 - ty) +
           (p[src->stride] * (1 - tx) + p[src->stride + 1] * tx) * ty;
}

/* A code of 4 px a module moved 7.5 px at 30 degrees while the shutter
 * was open (a line of 16 samples), plus a camera's noise (sd 3): two
 * modules' worth of smear, so one light module between dark ones along
 * the line is gone from the frame and ZBar reads nothing. The blur's
 * direction and length come back from the code's own edges (within 6
 * degrees; the length a pixel over the line, for the pixel's own width),
 * and the Wiener filter with them gives a code ZBar reads. */
static void motion_blur_measured_and_undone(void **state)
{
    (void)state;
    labels_qr qr;
    labels_image code, img;
    static const char text[] =
        "HTTPS://EXAMPLE.ORG/V/MOTION-BLUR-TEST-0123456789";
    assert_int_equal(labels_qr_encode(text, sizeof text - 1, &qr), LABELS_OK);
    assert_int_equal(labels_qr_render(&qr, 4, &code), LABELS_OK);
    const double len = 7.5, ang = 30 * M_PI / 180;
    const double c = cos(ang), s = sin(ang);
    assert_int_equal(labels_image_alloc(&img, code.width, code.height),
                     LABELS_OK);
    unsigned long r = 12345;
    for (int y = 0; y < img.height; y++)
        for (int x = 0; x < img.width; x++) {
            double a = 0;
            for (int t = 0; t < 16; t++) {
                double o = -len / 2 + len * t / 15;
                a += at(&code, x + o * c, y + o * s) * 0.8 + 25;
            }
            double noise = 0; /* sum of 4 uniforms: sd 3 */
            for (int k = 0; k < 4; k++) {
                r = r * 6364136223846793005UL + 1442695040888963407UL;
                noise += ((double)(r >> 33) / 2147483648.0 - 0.5) * 5.2;
            }
            double v = a / 16 + noise;
            img.pixels[(size_t)y * img.stride + x] =
                (uint8_t)(v < 0     ? 0
                          : v > 255 ? 255
                                    : v + 0.5);
        }
    assert_int_equal(reader_zbar_reads(&img), 0);
    int dx, dy;
    assert_int_equal(rdops_blur_dir(&img, &dx, &dy), 0);
    int len10 = rdops_motion_psf(&img, &dx, &dy);
    double got = atan2(dy, dx), off = fabs(remainder(got - ang, M_PI));
    print_message("blur %.1f px at %.1f degrees\n", len10 / 10.0,
                  got * 180 / M_PI);
    assert_true(len10 >= 75 && len10 <= 95);
    assert_true(off < 6 * M_PI / 180);
    assert_int_equal(rdops_wiener(&img, dx, dy, len10), LABELS_OK);
    assert_int_equal(reader_zbar_reads(&img), 1);
    labels_image_free(&img);
    labels_image_free(&code);
    labels_qr_free(&qr);
}

/* bench_reader's motion blurs of 6 and 7.5 px (1.3-2.2 modules) that
 * nothing read (seed 2's motion_blur_2_3 and 3_0, seed 1's 3_1, seed
 * 4's 3_0): the line measured on each, undone, they read. */
static void motion_blurred_codes_read(void **state)
{
    (void)state;
    reader_frame_one_read(2, FG_MOTION, 2, 3);
    reader_frame_one_read(2, FG_MOTION, 3, 0);
    reader_frame_one_read(1, FG_MOTION, 3, 1);
    reader_frame_one_read(4, FG_MOTION, 3, 0);
}

/* A Gaussian blur of 2.1 px (seed 1's blur_3_2, seed 4's blur_3_4) that
 * nothing read: its width from the steepest edges, undone, it reads. */
static void blurred_codes_read(void **state)
{
    (void)state;
    reader_frame_one_read(1, FG_BLUR, 3, 2);
    reader_frame_one_read(4, FG_BLUR, 3, 4);
}

/* The transform against its definition, X(u, v) = sum of x(j, k)
 * exp(-2 pi i (u j / nx + v k / ny)), at every size kind it pads to
 * (2^k, 3, 5 and 15 times 2^k: each odd factor's butterflies), and back
 * to the image. */
typedef struct grid {
    int nx;
    float *v;
} grid;

static void grid_in(void *ctx, int y, float *row)
{
    const grid *g = ctx;
    memcpy(row, g->v + (size_t)y * g->nx, (size_t)g->nx * sizeof *row);
}

static void grid_out(void *ctx, int y, const float *row)
{
    grid *g = ctx;
    memcpy(g->v + (size_t)y * g->nx, row, (size_t)g->nx * sizeof *row);
}

static void transform_matches_the_definition(void **state)
{
    (void)state;
    /* every kind in each direction: 2^k, 3, 5 and 15 times 2^k */
    static const int size[][2] = {{8, 8},   {12, 10}, {20, 30},
                                  {40, 24}, {30, 60}, {16, 40}};
    unsigned long r = 99;
    for (size_t t = 0; t < sizeof size / sizeof size[0]; t++) {
        int nx = size[t][0], ny = size[t][1];
        assert_int_equal(rd_fft_size(nx), nx);
        assert_int_equal(rd_fft_size(ny), ny);
        float *v = malloc((size_t)nx * ny * sizeof *v);
        float *orig = malloc((size_t)nx * ny * sizeof *orig);
        assert_non_null(v);
        assert_non_null(orig);
        for (int i = 0; i < nx * ny; i++) {
            r = r * 6364136223846793005UL + 1442695040888963407UL;
            orig[i] = v[i] = (float)(r >> 56); /* 0..255, like grey */
        }
        rd_fft2 f;
        assert_int_equal(rd_fft2_init(&f, nx, ny), LABELS_OK);
        assert_int_equal(f.hx, nx / 2 + 1);
        grid g = {nx, v};
        rd_fft2_forward(&f, grid_in, &g);
        double worst = 0;
        for (int vv = 0; vv < ny; vv++)
            for (int u = 0; u < f.hx; u++) {
                double sr = 0, si = 0;
                for (int k = 0; k < ny; k++)
                    for (int j = 0; j < nx; j++) {
                        /* the phase in whole turns, reduced exactly */
                        long q = ((long)u * j * ny + (long)vv * k * nx) %
                                 ((long)nx * ny);
                        double a = -2 * M_PI * (double)q / ((double)nx * ny);
                        sr += orig[k * nx + j] * cos(a);
                        si += orig[k * nx + j] * sin(a);
                    }
                double er = f.re[(size_t)vv * f.hx + u] - sr,
                       ei = f.im[(size_t)vv * f.hx + u] - si;
                double e = sqrt(er * er + ei * ei);
                worst = e > worst ? e : worst;
            }
        /* float sums of up to 1,800 values of 255: a few units in 10^6 */
        assert_true(worst < 1e-5 * 255 * nx * ny);
        rd_fft2_inverse(&f, grid_out, &g);
        for (int i = 0; i < nx * ny; i++)
            assert_true(fabs(v[i] - orig[i]) < 0.01);
        rd_fft2_free(&f);
        free(v);
        free(orig);
    }
    /* what regions pad to: the least size of those kinds */
    assert_int_equal(rd_fft_size(250), 256);
    assert_int_equal(rd_fft_size(272), 320);
    assert_int_equal(rd_fft_size(334), 384);
    assert_int_equal(rd_fft_size(406), 480);
    assert_int_equal(rd_fft_size(3), 8);
    assert_int_equal(rd_fft_size(9), 10);
}

/* The length of the blur along the direction a region has least
 * gradient in, which decides whether live mode deconvolves first: every
 * motion blur of 1.3 modules and more (bench_reader's motion_blur levels
 * 2 and 3) is 4.5 px or longer; the edges a tilt or a steep perspective
 * compresses (levels 0-3, directional too) are shorter, on four seeds. */
static void blur_length_tells_motion_from_perspective(void **state)
{
    (void)state;
    static const int cats[] = {FG_MOTION, FG_TILT, FG_STEEP};
    int shortest_blur = 1000, longest_sharp = 0, regions = 0;
    for (unsigned long long seed = 1; seed <= 4; seed++)
        for (size_t c = 0; c < sizeof cats / sizeof cats[0]; c++)
            for (int level = cats[c] == FG_MOTION ? 2 : 0; level < 4; level++)
                for (int idx = 0; idx < 2; idx++) {
                    labels_image img, crop;
                    const char *text = "HTTPS://EXAMPLE.ORG/V/0123456789ABCDEF";
                    size_t len = strlen(text);
                    assert_int_equal(fg_make_n(cats[c], level, idx, seed, &text,
                                               &len, 1, &img, NULL, NULL),
                                     LABELS_OK);
                    rd_region r;
                    int busy;
                    if (rd_find_regions(&img, &r, 1, &busy) != 1) {
                        labels_image_free(&img);
                        continue; /* no region: nothing live retries */
                    }
                    regions++;
                    /* the blob and a tenth round it, as the attempts */
                    int mx = r.bw / 10 + 4, my = r.bh / 10 + 4;
                    assert_int_equal(rdops_crop(&img, r.bx - mx, r.by - my,
                                                r.bw + 2 * mx, r.bh + 2 * my,
                                                &crop),
                                     LABELS_OK);
                    int dx, dy;
                    if (rdops_blur_dir(&crop, &dx, &dy) == 0) {
                        int l = rdops_blur_length(&crop, dx, dy);
                        if (cats[c] == FG_MOTION)
                            shortest_blur =
                                l < shortest_blur ? l : shortest_blur;
                        else
                            longest_sharp =
                                l > longest_sharp ? l : longest_sharp;
                    } else {
                        /* a blur with no direction is not a motion blur */
                        assert_true(cats[c] != FG_MOTION);
                    }
                    labels_image_free(&crop);
                    labels_image_free(&img);
                }
    print_message("%d regions: motion blur >= %.1f px, perspective <= %.1f "
                  "px\n",
                  regions, shortest_blur / 10.0, longest_sharp / 10.0);
    assert_true(regions >= 76); /* of 80 frames */
    assert_true(shortest_blur >= 45);
    assert_true(longest_sharp > 0 && longest_sharp < 45);
}

/* Live mode (a held camera) reads the blurred frames that only
 * deconvolution reads, within a second of frames: the region's blur is
 * measured once a scene and the Wiener attempt goes first. */
static void blurred_codes_read_live(void **state)
{
    (void)state;
    static const int frame[][4] = {
        {2, FG_MOTION, 2, 3}, {2, FG_MOTION, 3, 0}, {1, FG_MOTION, 3, 1},
        {1, FG_BLUR, 3, 2},   {4, FG_BLUR, 3, 4},
    };
    for (size_t k = 0; k < sizeof frame / sizeof frame[0]; k++) {
        const char *hit;
        int calls =
            reader_frame_live((unsigned long long)frame[k][0], frame[k][1],
                              frame[k][2], frame[k][3], 30, &hit);
        print_message("%s_%d_%d (seed %d): live read at frame %d by %s\n",
                      fg_category_name(frame[k][1]), frame[k][2], frame[k][3],
                      frame[k][0], calls, hit ? hit : "nothing");
        assert_true(calls > 0);
        assert_string_equal(hit, "wiener");
    }
}

int main(void)
{
    if (labels_init() != LABELS_OK)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(motion_blur_measured_and_undone),
        cmocka_unit_test(motion_blurred_codes_read),
        cmocka_unit_test(blurred_codes_read),
        cmocka_unit_test(transform_matches_the_definition),
        cmocka_unit_test(blur_length_tells_motion_from_perspective),
        cmocka_unit_test(blurred_codes_read_live),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
