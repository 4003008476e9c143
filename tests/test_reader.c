/* test_reader.c -- the camera QR reader (labels_read) on generated
 * camera-like frames: it reads more than ZBar's plain pass, reads only
 * what was drawn, invents nothing on empty frames, and survives any image
 * shape. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "frames_gen.h"
#include "labels.h"
#include "reader_int.h" /* rd_find_regions, rd_zbar, rd_last_pixels */

#include <stdlib.h>
#include <string.h>

#define SEED 7

typedef struct got {
    int n;
    char text[8][LABELS_TEXT_MAX + 1];
    size_t len[8];
} got;

static int collect(void *ctx, const char *data, size_t len)
{
    got *g = ctx;
    if (g->n < 8 && len <= LABELS_TEXT_MAX) {
        memcpy(g->text[g->n], data, len);
        g->text[g->n][len] = '\0';
        g->len[g->n] = len;
    }
    g->n++;
    return 0;
}

/* A read counts only if it is exactly the drawn label and its signature
 * verifies. Anything else read is a test failure. */
static int read_ok(const got *g, const char *want, size_t wlen,
                   const labels_pubkey *pub)
{
    int ok = 0;
    for (int i = 0; i < g->n && i < 8; i++) {
        assert_int_equal(g->len[i], wlen);
        assert_memory_equal(g->text[i], want, wlen);
        labels_label lab;
        assert_int_equal(labels_parse(g->text[i], g->len[i], &lab), LABELS_OK);
        assert_int_equal(labels_verify(&lab, pub), LABELS_OK);
        ok = 1;
    }
    return ok;
}

static void distorted_frames_read_better(void **state)
{
    (void)state;
    labels_pubkey pub;
    labels_seckey sec;
    assert_int_equal(fg_keys(SEED, &pub, &sec), LABELS_OK);
    labels_decoder *dec = labels_decoder_new();
    labels_reader *rd = labels_reader_new();
    assert_non_null(dec);
    assert_non_null(rd);
    int plain_total = 0, full_total = 0;
    for (int cat = 0; cat < FG_CLASSIC; cat++) {
        int plain = 0, full = 0;
        for (int level = 1; level <= 2; level++) {
            char text[LABELS_TEXT_MAX + 1];
            size_t len;
            assert_int_equal(
                fg_label_text(&sec, cat, level, 0, text, sizeof text, &len),
                LABELS_OK);
            labels_image img;
            assert_int_equal(
                fg_make(cat, level, 0, SEED, text, len, &img, NULL, NULL),
                LABELS_OK);
            got g = {0};
            assert_int_equal(labels_decode(dec, &img, collect, &g, NULL),
                             LABELS_OK);
            plain += read_ok(&g, text, len, &pub);
            memset(&g, 0, sizeof g);
            int found = -1;
            assert_int_equal(
                labels_read(rd, &img, LABELS_EFFORT_FULL, collect, &g, &found),
                LABELS_OK);
            assert_int_equal(found, g.n);
            full += read_ok(&g, text, len, &pub);
            labels_image_free(&img);
        }
        print_message("%-13s plain %d  reader %d\n", fg_category_name(cat),
                      plain, full);
        assert_true(full >= plain);
        plain_total += plain;
        full_total += full;
    }
    assert_true(full_total > plain_total);
    labels_reader_free(rd);
    labels_decoder_free(dec);
    labels_seckey_wipe(&sec);
}

/* Past where the plain pass and the first reader stopped, still within
 * what the pixels hold: a fixed-focus camera's disc blur 1.6 modules
 * wide (undone by deconvolution with the radius the edges show), and
 * codes of 1.55-1.6 pixels a module, alone or on a whole printed label
 * (enlarged by cubic interpolation, which keeps the contrast a bilinear
 * one loses near 2 pixels). One-shot mode, every frame of the strongest
 * level but at most one. */
static void defocused_and_small_codes_read(void **state)
{
    (void)state;
    labels_pubkey pub;
    labels_seckey sec;
    assert_int_equal(fg_keys(SEED, &pub, &sec), LABELS_OK);
    labels_reader *rd = labels_reader_new();
    assert_non_null(rd);
    static const int cats[] = {FG_DEFOCUS, FG_SMALL, FG_PRINTED};
    for (int k = 0; k < 3; k++) {
        int ok = 0;
        for (int idx = 0; idx < 4; idx++) {
            char text[LABELS_TEXT_MAX + 1];
            size_t len;
            assert_int_equal(
                fg_label_text(&sec, cats[k], 3, idx, text, sizeof text, &len),
                LABELS_OK);
            labels_image img;
            assert_int_equal(
                fg_make(cats[k], 3, idx, SEED, text, len, &img, NULL, NULL),
                LABELS_OK);
            got g = {0};
            assert_int_equal(
                labels_read(rd, &img, LABELS_EFFORT_FULL, collect, &g, NULL),
                LABELS_OK);
            ok += read_ok(&g, text, len, &pub);
            labels_image_free(&img);
        }
        print_message("%-13s level 3: %d of 4\n", fg_category_name(cats[k]),
                      ok);
        assert_true(ok >= 3);
    }
    labels_reader_free(rd);
    labels_seckey_wipe(&sec);
}

/* Live mode on a frame the plain pass cannot read: the retries spread
 * over the next frames find it. */
static void live_mode_reads_within_a_few_frames(void **state)
{
    (void)state;
    labels_pubkey pub;
    labels_seckey sec;
    assert_int_equal(fg_keys(SEED, &pub, &sec), LABELS_OK);
    labels_decoder *dec = labels_decoder_new();
    labels_reader *rd = labels_reader_new();
    assert_non_null(dec);
    assert_non_null(rd);
    /* noise level 2: plain ZBar misses, a smoothed binarised region reads */
    char text[LABELS_TEXT_MAX + 1];
    size_t len;
    assert_int_equal(
        fg_label_text(&sec, FG_NOISE, 2, 1, text, sizeof text, &len),
        LABELS_OK);
    labels_image img;
    assert_int_equal(fg_make(FG_NOISE, 2, 1, SEED, text, len, &img, NULL, NULL),
                     LABELS_OK);
    got g = {0};
    assert_int_equal(labels_decode(dec, &img, collect, &g, NULL), LABELS_OK);
    assert_int_equal(g.n, 0);
    int frames = 0;
    memset(&g, 0, sizeof g);
    while (g.n == 0 && frames < 8) {
        assert_int_equal(
            labels_read(rd, &img, LABELS_EFFORT_FRAME, collect, &g, NULL),
            LABELS_OK);
        frames++;
    }
    assert_true(read_ok(&g, text, len, &pub));
    print_message("live read after %d frames\n", frames);
    labels_image_free(&img);
    labels_reader_free(rd);
    labels_decoder_free(dec);
    labels_seckey_wipe(&sec);
}

/* White modules on a dark ground (a code printed light on dark
 * packaging, or on a phone in dark mode): ZBar alone reads nothing; the
 * one-shot reader does, and so does live mode within a second of frames. */
static void light_on_dark_codes_read(void **state)
{
    (void)state;
    labels_pubkey pub;
    labels_seckey sec;
    assert_int_equal(fg_keys(SEED, &pub, &sec), LABELS_OK);
    labels_decoder *dec = labels_decoder_new();
    labels_reader *rd = labels_reader_new();
    assert_non_null(dec);
    assert_non_null(rd);
    int cats[] = {FG_ROTATION, FG_BLUR, FG_SHADOW};
    for (size_t k = 0; k < sizeof cats / sizeof cats[0]; k++) {
        char text[LABELS_TEXT_MAX + 1];
        size_t len;
        assert_int_equal(
            fg_label_text(&sec, cats[k], 0, 2, text, sizeof text, &len),
            LABELS_OK);
        labels_image img;
        assert_int_equal(
            fg_make(cats[k], 0, 2, SEED, text, len, &img, NULL, NULL),
            LABELS_OK);
        got g = {0};
        assert_int_equal(labels_decode(dec, &img, collect, &g, NULL),
                         LABELS_OK);
        assert_true(read_ok(&g, text, len, &pub)); /* readable upright */
        for (int y = 0; y < img.height; y++)
            for (int x = 0; x < img.width; x++)
                img.pixels[y * img.stride + x] =
                    (uint8_t)(255 - img.pixels[y * img.stride + x]);
        memset(&g, 0, sizeof g);
        assert_int_equal(labels_decode(dec, &img, collect, &g, NULL),
                         LABELS_OK);
        assert_int_equal(g.n, 0);
        assert_int_equal(
            labels_read(rd, &img, LABELS_EFFORT_FULL, collect, &g, NULL),
            LABELS_OK);
        assert_true(read_ok(&g, text, len, &pub));
        labels_reader_reset(rd);
        memset(&g, 0, sizeof g);
        int frames = 0;
        while (g.n == 0 && frames < 30) {
            assert_int_equal(
                labels_read(rd, &img, LABELS_EFFORT_FRAME, collect, &g, NULL),
                LABELS_OK);
            frames++;
        }
        assert_true(read_ok(&g, text, len, &pub));
        print_message("%-13s inverted: live read after %d frames\n",
                      fg_category_name(cats[k]), frames);
        labels_reader_reset(rd);
        labels_image_free(&img);
    }
    labels_reader_free(rd);
    labels_decoder_free(dec);
    labels_seckey_wipe(&sec);
}

/* A w x h frame of pure noise (seeded): texture everywhere, no code. */
static void noise_image(labels_image *img, int w, int h, uint32_t x)
{
    assert_int_equal(labels_image_alloc(img, w, h), LABELS_OK);
    for (size_t i = 0; i < (size_t)w * (size_t)h; i++) {
        x = x * 1103515245u + 12345u;
        img->pixels[i] = (uint8_t)(x >> 24);
    }
}

static void empty_frames_yield_nothing(void **state)
{
    (void)state;
    labels_reader *rd = labels_reader_new();
    assert_non_null(rd);
    for (int level = 0; level < 2; level++) {
        labels_image img;
        assert_int_equal(
            fg_make(FG_EMPTY, level, 0, SEED, NULL, 0, &img, NULL, NULL),
            LABELS_OK);
        got g = {0};
        assert_int_equal(
            labels_read(rd, &img, LABELS_EFFORT_FULL, collect, &g, NULL),
            LABELS_OK);
        for (int k = 0; k < 4; k++)
            assert_int_equal(
                labels_read(rd, &img, LABELS_EFFORT_FRAME, collect, &g, NULL),
                LABELS_OK);
        assert_int_equal(g.n, 0);
        labels_image_free(&img);
    }
    labels_image img;
    noise_image(&img, 320, 240, 12345);
    got g = {0};
    assert_int_equal(
        labels_read(rd, &img, LABELS_EFFORT_FULL, collect, &g, NULL),
        LABELS_OK);
    assert_int_equal(g.n, 0);
    labels_image_free(&img);
    labels_reader_free(rd);
}

/* Every image shape is safe (ASan watches the reads). */
static void odd_sizes_are_safe(void **state)
{
    (void)state;
    labels_reader *rd = labels_reader_new();
    assert_non_null(rd);
    static const int dims[][3] = {
        {1, 1, 1},    {1, 700, 1},  {700, 1, 700}, {5000, 3, 5000},
        {3, 5000, 3}, {17, 17, 40}, {33, 9, 64},   {640, 480, 643},
    };
    for (size_t d = 0; d < sizeof dims / sizeof dims[0]; d++) {
        int w = dims[d][0], h = dims[d][1], stride = dims[d][2];
        /* exactly the bytes the shape needs: the last row is only w wide */
        size_t n = (size_t)stride * (h - 1) + w;
        uint8_t *px = malloc(n);
        assert_non_null(px);
        for (size_t i = 0; i < n; i++)
            px[i] = (uint8_t)((i * 37) ^ (i >> 3));
        labels_image img = {w, h, stride, px};
        for (int effort = 0; effort <= 1; effort++) {
            int found = -1;
            assert_int_equal(labels_read(rd, &img, effort, NULL, NULL, &found),
                             LABELS_OK);
            assert_int_equal(found, 0);
        }
        free(px);
    }
    uint8_t px[4] = {0};
    labels_image bad = {2, 2, 1, px};
    assert_int_equal(
        labels_read(rd, &bad, LABELS_EFFORT_FULL, NULL, NULL, NULL),
        LABELS_ERR_ARG);
    labels_image zero = {0, 2, 2, px};
    assert_int_equal(
        labels_read(rd, &zero, LABELS_EFFORT_FULL, NULL, NULL, NULL),
        LABELS_ERR_ARG);
    labels_image ok = {2, 2, 2, px};
    assert_int_equal(labels_read(rd, &ok, 99, NULL, NULL, NULL),
                     LABELS_ERR_ARG);
    assert_int_equal(labels_read(NULL, &ok, 0, NULL, NULL, NULL),
                     LABELS_ERR_ARG);
    /* too many pixels: refused before any pixel is touched */
    labels_image huge = {65535, 65535, 65535, px};
    assert_int_equal(
        labels_read(rd, &huge, LABELS_EFFORT_FULL, NULL, NULL, NULL),
        LABELS_ERR_IMAGE);
    labels_reader_free(rd);
}

/* A code in a padded buffer is read, and two copies of one code in a
 * frame are reported once. */
static void stride_and_duplicates(void **state)
{
    (void)state;
    labels_pubkey pub;
    labels_seckey sec;
    assert_int_equal(fg_keys(SEED, &pub, &sec), LABELS_OK);
    char text[LABELS_TEXT_MAX + 1];
    size_t len;
    assert_int_equal(fg_label_text(&sec, 0, 0, 9, text, sizeof text, &len),
                     LABELS_OK);
    labels_qr qr;
    labels_image code;
    assert_int_equal(labels_qr_encode(text, len, &qr), LABELS_OK);
    assert_int_equal(labels_qr_render(&qr, 3, &code), LABELS_OK);
    int w = code.width * 2 + 10, h = code.height, stride = w + 13;
    uint8_t *px = malloc((size_t)stride * h);
    assert_non_null(px);
    memset(px, 0, (size_t)stride * h); /* black padding must not matter */
    for (int y = 0; y < h; y++) {
        memset(px + (size_t)y * stride, 255, (size_t)w);
        memcpy(px + (size_t)y * stride, code.pixels + (size_t)y * code.stride,
               (size_t)code.width);
        memcpy(px + (size_t)y * stride + code.width + 10,
               code.pixels + (size_t)y * code.stride, (size_t)code.width);
    }
    labels_image img = {w, h, stride, px};
    labels_reader *rd = labels_reader_new();
    assert_non_null(rd);
    for (int effort = 0; effort <= 1; effort++) {
        got g = {0};
        int found = -1;
        assert_int_equal(labels_read(rd, &img, effort, collect, &g, &found),
                         LABELS_OK);
        assert_int_equal(found, 1);
        assert_true(read_ok(&g, text, len, &pub));
    }
    labels_reader_free(rd);
    free(px);
    labels_image_free(&code);
    labels_qr_free(&qr);
    labels_seckey_wipe(&sec);
}

/* Two labels in one frame, one of them only a retry reads (dim and noisy):
 * the one-shot reader reports both, not just the one the plain pass got,
 * and live mode both within a second of frames (it follows the first
 * while it retries the second). */
static void two_labels_both_reported(void **state)
{
    (void)state;
    labels_pubkey pub;
    labels_seckey sec;
    assert_int_equal(fg_keys(SEED, &pub, &sec), LABELS_OK);
    char text[2][LABELS_TEXT_MAX + 1];
    size_t len[2];
    labels_qr qr[2];
    labels_image code[2];
    for (int k = 0; k < 2; k++) {
        assert_int_equal(fg_label_text_k(&sec, FG_MULTI, 0, 3, k, text[k],
                                         sizeof text[k], &len[k]),
                         LABELS_OK);
        assert_int_equal(labels_qr_encode(text[k], len[k], &qr[k]), LABELS_OK);
        assert_int_equal(labels_qr_render(&qr[k], 3, &code[k]), LABELS_OK);
    }
    labels_image img;
    assert_int_equal(labels_image_alloc(&img, 640, 360), LABELS_OK);
    memset(img.pixels, 150, (size_t)img.stride * img.height);
    for (int k = 0; k < 2; k++)
        for (int y = 0; y < code[k].height; y++)
            memcpy(img.pixels + (size_t)(60 + y) * img.stride + 40 + 320 * k,
                   code[k].pixels + (size_t)y * code[k].stride,
                   (size_t)code[k].width);
    /* grey down the second code's contrast and bury it in noise */
    uint32_t x = 99;
    for (int y = 60; y < 60 + code[1].height; y++)
        for (int i = 360; i < 360 + code[1].width; i++) {
            uint8_t *p = img.pixels + (size_t)y * img.stride + i;
            x = x * 1103515245u + 12345u;
            int v = 100 + (*p > 128 ? 70 : 0) + (int)((x >> 24) % 76) - 38;
            *p = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
        }
    labels_decoder *dec = labels_decoder_new();
    labels_reader *rd = labels_reader_new();
    assert_non_null(dec);
    assert_non_null(rd);
    got g = {0};
    assert_int_equal(labels_decode(dec, &img, collect, &g, NULL), LABELS_OK);
    assert_int_equal(g.n, 1); /* the plain pass reads only the clean one */
    for (int effort = LABELS_EFFORT_FULL; effort >= LABELS_EFFORT_FRAME;
         effort--) {
        labels_reader_reset(rd);
        int seen[2] = {0, 0}, frames = 0;
        while (!(seen[0] && seen[1]) && frames < 30) {
            memset(&g, 0, sizeof g);
            assert_int_equal(labels_read(rd, &img, effort, collect, &g, NULL),
                             LABELS_OK);
            frames++;
            for (int i = 0; i < g.n && i < 8; i++) {
                int k = g.len[i] == len[1] &&
                        memcmp(g.text[i], text[1], len[1]) == 0;
                assert_int_equal(g.len[i], len[k]);
                assert_memory_equal(g.text[i], text[k], len[k]);
                seen[k] = 1;
            }
            if (effort == LABELS_EFFORT_FULL)
                break; /* the one-shot reader gets one call */
        }
        print_message("%s: both codes after %d call(s)\n",
                      effort == LABELS_EFFORT_FULL ? "one-shot" : "live",
                      frames);
        assert_true(seen[0] && seen[1]);
    }
    labels_image_free(&img);
    for (int k = 0; k < 2; k++) {
        labels_image_free(&code[k]);
        labels_qr_free(&qr[k]);
    }
    labels_reader_free(rd);
    labels_decoder_free(dec);
    labels_seckey_wipe(&sec);
}

static int count_code(void *ctx, const char *data, size_t len, const int box[4])
{
    (void)data;
    (void)len;
    (void)box;
    (*(int *)ctx)++;
    return 0;
}

/* The region search finds the code, and ZBar on the crop of that region
 * alone reads it; live mode then gives ZBar far fewer pixels than the
 * frame holds, for a frame with a code and for an empty one. */
static void crop_of_located_region_reads(void **state)
{
    (void)state;
    labels_pubkey pub;
    labels_seckey sec;
    assert_int_equal(fg_keys(SEED, &pub, &sec), LABELS_OK);
    char text[LABELS_TEXT_MAX + 1];
    size_t len;
    assert_int_equal(
        fg_label_text(&sec, FG_PRINTED, 0, 1, text, sizeof text, &len),
        LABELS_OK);
    labels_image img, empty;
    assert_int_equal(
        fg_make(FG_PRINTED, 0, 1, SEED, text, len, &img, NULL, NULL),
        LABELS_OK);
    assert_int_equal(fg_make(FG_EMPTY, 0, 1, SEED, NULL, 0, &empty, NULL, NULL),
                     LABELS_OK);
    rd_region reg[RD_MAX_REGIONS];
    int n = rd_find_regions(&img, reg, RD_MAX_REGIONS, NULL);
    assert_true(n >= 1);
    rd_zbar *z = rd_zbar_new();
    assert_non_null(z);
    int codes = 0;
    for (int i = 0; i < n && !codes; i++) {
        labels_image crop;
        assert_int_equal(rdops_crop(&img, reg[i].bx - 8, reg[i].by - 8,
                                    reg[i].bw + 16, reg[i].bh + 16, &crop),
                         LABELS_OK);
        assert_true((long)crop.width * crop.height < 640L * 480 / 2);
        assert_int_equal(rd_zbar_decode(z, &crop, count_code, &codes, NULL),
                         LABELS_OK);
        labels_image_free(&crop);
    }
    assert_int_equal(codes, 1);
    rd_zbar_free(z);

    labels_reader *rd = labels_reader_new();
    assert_non_null(rd);
    got g = {0};
    assert_int_equal(
        labels_read(rd, &img, LABELS_EFFORT_FRAME, collect, &g, NULL),
        LABELS_OK);
    assert_true(read_ok(&g, text, len, &pub));
    print_message("live: %.0f of %d pixels to ZBar (code)\n",
                  rd_last_pixels(rd), 640 * 480);
    assert_true(rd_last_pixels(rd) < 640.0 * 480 / 2);
    /* held still: only where the code was */
    memset(&g, 0, sizeof g);
    assert_int_equal(
        labels_read(rd, &img, LABELS_EFFORT_FRAME, collect, &g, NULL),
        LABELS_OK);
    assert_true(read_ok(&g, text, len, &pub));
    assert_true(rd_last_pixels(rd) < 640.0 * 480 / 2);
    labels_reader_reset(rd);
    memset(&g, 0, sizeof g);
    assert_int_equal(
        labels_read(rd, &empty, LABELS_EFFORT_FRAME, collect, &g, NULL),
        LABELS_OK);
    assert_int_equal(g.n, 0);
    print_message("live: %.0f of %d pixels to ZBar (empty)\n",
                  rd_last_pixels(rd), 640 * 480);
    assert_true(rd_last_pixels(rd) < 640.0 * 480 / 2);
    labels_reader_free(rd);
    labels_image_free(&img);
    labels_image_free(&empty);
    labels_seckey_wipe(&sec);
}

/* A busy frame (fine texture everywhere: nothing stands out, as for a
 * code filling the frame) with no code, seen by live mode: its
 * whole-frame pass is paid from the reader's budget like any retry, not
 * every call (before: 12 frames' worth in 12 calls). A code filling the
 * frame (a label held close) still reads within a few calls of a fresh
 * reader. */
static void busy_frames_cost_a_share(void **state)
{
    (void)state;
    labels_image img;
    noise_image(&img, 640, 480, 777);
    rd_region reg[RD_MAX_REGIONS];
    int busy = 0;
    assert_int_equal(rd_find_regions(&img, reg, RD_MAX_REGIONS, &busy), 0);
    assert_true(busy);
    labels_reader *rd = labels_reader_new();
    assert_non_null(rd);
    assert_int_equal(rd_set_workers(rd, 0), LABELS_OK);
    double px = 0;
    got g = {0};
    for (int k = 0; k < 12; k++) {
        assert_int_equal(
            labels_read(rd, &img, LABELS_EFFORT_FRAME, collect, &g, NULL),
            LABELS_OK);
        px += rd_last_pixels(rd);
    }
    assert_int_equal(g.n, 0);
    print_message("busy empty frame: ZBar given %.1f frames in 12 calls\n",
                  px / (640.0 * 480));
    assert_true(px < 6 * 640.0 * 480);
    labels_reader_free(rd);

    /* a code of 10 px modules filling the frame */
    static const char text[] = "HTTPS://OCOP.EXAMPLE/V/HELD-CLOSE-0123456789";
    labels_qr qr;
    labels_image code;
    assert_int_equal(labels_qr_encode(text, sizeof text - 1, &qr), LABELS_OK);
    int m = 470 / (qr.width + 8);
    assert_int_equal(labels_qr_render(&qr, m, &code), LABELS_OK);
    memset(img.pixels, 200, (size_t)img.stride * img.height);
    for (int y = 0; y < code.height && y < img.height; y++)
        for (int c = 0; c < code.width && c + 80 < img.width; c++)
            img.pixels[(size_t)y * img.stride + c + 80] =
                code.pixels[(size_t)y * code.stride + c] > 128 ? 210 : 30;
    rd = labels_reader_new();
    assert_non_null(rd);
    assert_int_equal(rd_set_workers(rd, 0), LABELS_OK);
    int calls = 0;
    while (g.n == 0 && calls < 5) {
        assert_int_equal(
            labels_read(rd, &img, LABELS_EFFORT_FRAME, collect, &g, NULL),
            LABELS_OK);
        calls++;
    }
    print_message("code filling the frame: read after %d calls\n", calls);
    assert_true(g.n > 0);
    assert_int_equal(g.len[0], sizeof text - 1);
    assert_memory_equal(g.text[0], text, sizeof text - 1);
    labels_reader_free(rd);
    labels_image_free(&code);
    labels_qr_free(&qr);
    labels_image_free(&img);
}

int main(void)
{
    if (labels_init() != LABELS_OK)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(odd_sizes_are_safe),
        cmocka_unit_test(stride_and_duplicates),
        cmocka_unit_test(empty_frames_yield_nothing),
        cmocka_unit_test(live_mode_reads_within_a_few_frames),
        cmocka_unit_test(light_on_dark_codes_read),
        cmocka_unit_test(distorted_frames_read_better),
        cmocka_unit_test(defocused_and_small_codes_read),
        cmocka_unit_test(two_labels_both_reported),
        cmocka_unit_test(crop_of_located_region_reads),
        cmocka_unit_test(busy_frames_cost_a_share),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
