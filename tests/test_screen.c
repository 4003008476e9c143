/* test_screen.c -- the kiosk screen: every verdict draws in both languages
 * at both panel sizes, in the right colour, with text kept inside the
 * margins; the strings exist; PNG and framebuffer outputs are right. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include "screen_out.h"
#include "screen_render.h"
#include "test_screen_samples.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static const int sizes[][2] = {{800, 480}, {1920, 1080}};
static char dir[] = "/tmp/ocop-screen-XXXXXX";
static screen_renderer *rend;

static int setup(void **state)
{
    (void)state;
    if (!mkdtemp(dir))
        return -1;
    return screen_renderer_new(&rend) == LABELS_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    screen_renderer_free(rend);
    screen_render_shutdown();
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* 0xRRGGBB of the pixel at (x, y) of an RGB24/ARGB32 surface. */
static uint32_t pixel(cairo_surface_t *s, int x, int y)
{
    cairo_surface_flush(s);
    const uint8_t *row = cairo_image_surface_get_data(s) +
                         (size_t)y * cairo_image_surface_get_stride(s);
    return ((const uint32_t *)row)[x] & 0xFFFFFFu;
}

static cairo_surface_t *render(int w, int h, const screen_state *st,
                               screen_info *info)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
    assert_int_equal(screen_render(rend, s, w, h, st, info), LABELS_OK);
    return s;
}

/* Nothing but the background in the side margins below the band (the
 * advice box outline sits inside the margin; check the outer half). */
static void assert_margins_clear(cairo_surface_t *s, int w, int h,
                                 const screen_info *info)
{
    int m = (int)screen_margin(h) / 2;
    int y0 = (int)(info->band.y + info->band.h) + 1;
    for (int y = y0; y < h; y++)
        for (int x = 0; x < m; x++) {
            assert_int_equal(pixel(s, x, y), screen_background_rgb());
            assert_int_equal(pixel(s, w - 1 - x, y), screen_background_rgb());
        }
}

static void assert_ink_inside(const screen_info *info, int w, int h)
{
    double m = screen_margin(h);
    assert_true(info->texts > 0);
    /* Every character, diacritics included, had a glyph in the font. */
    assert_int_equal(info->unknown_glyphs, 0);
    assert_true(info->ink.x >= m - 1);
    assert_true(info->ink.x + info->ink.w <= w - m + 1);
    assert_true(info->ink.y >= 0);
    assert_true(info->ink.y + info->ink.h <= h);
}

/* Every verdict x language x size: draws, the band has the verdict's
 * colour, text stays within the margins. */
static void test_every_verdict(void **state)
{
    (void)state;
    labels_facts f;
    for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
        int w = sizes[z][0], h = sizes[z][1];
        for (int lang = 0; lang < LABELS_LANG_COUNT_; lang++) {
            for (int v = 0; v < LABELS_V_COUNT_; v++) {
                screen_sample_facts((labels_verdict)v, &f);
                screen_state st = {SCREEN_MODE_VERDICT,
                                   (labels_lang)lang,
                                   &f,
                                   0,
                                   "",
                                   0,
                                   NULL,
                                   NULL,
                                   NULL,
                                   SCREEN_INPUT_CAMERA};
                screen_info info;
                cairo_surface_t *s = render(w, h, &st, &info);
                uint32_t want =
                    screen_tone_rgb(labels_verdict_tone((labels_verdict)v));
                /* The band spans the width, starts at the top. */
                assert_true(info.band.y == 0 && info.band.w == w);
                assert_true(info.band.h > h / 6.0);
                assert_int_equal(pixel(s, w - 3, 3), want);
                assert_int_equal(pixel(s, w / 2, (int)info.band.h - 3), want);
                assert_ink_inside(&info, w, h);
                assert_margins_clear(s, w, h, &info);
                cairo_surface_destroy(s);
            }
        }
    }
}

/* The colour coding the shopper relies on, in absolute terms. */
static void test_tones(void **state)
{
    (void)state;
    assert_int_equal(labels_verdict_tone(LABELS_V_GENUINE), LABELS_TONE_GOOD);
    assert_int_equal(labels_verdict_tone(LABELS_V_RATING_CHANGED),
                     LABELS_TONE_WARN);
    assert_int_equal(labels_verdict_tone(LABELS_V_EXPIRED), LABELS_TONE_WARN);
    static const labels_verdict red[] = {
        LABELS_V_SUSPENDED,       LABELS_V_REVOKED,
        LABELS_V_UNKNOWN_PRODUCT, LABELS_V_UNKNOWN_SIGNER,
        LABELS_V_SIGNER_REVOKED,  LABELS_V_SIGNER_NOT_ENROLLED,
        LABELS_V_FORGED,          LABELS_V_CLONE_REPORTED};
    for (size_t i = 0; i < sizeof red / sizeof red[0]; i++)
        assert_int_equal(labels_verdict_tone(red[i]), LABELS_TONE_BAD);
    assert_int_equal(labels_verdict_tone(LABELS_V_MALFORMED),
                     LABELS_TONE_NEUTRAL);
    assert_int_equal(labels_verdict_tone(LABELS_V_NOT_OCOP),
                     LABELS_TONE_NEUTRAL);
    /* Out of range never reads as good. */
    assert_int_equal(labels_verdict_tone((labels_verdict)99), LABELS_TONE_BAD);

    uint32_t g = screen_tone_rgb(LABELS_TONE_GOOD);
    uint32_t a = screen_tone_rgb(LABELS_TONE_WARN);
    uint32_t r = screen_tone_rgb(LABELS_TONE_BAD);
    assert_true(((g >> 8) & 0xFF) > ((g >> 16) & 0xFF) + 60);  /* green */
    assert_true(((r >> 16) & 0xFF) > ((r >> 8) & 0xFF) + 100); /* red */
    assert_true(((a >> 16) & 0xFF) > 200 && ((a >> 8) & 0xFF) > 120 &&
                (a & 0xFF) < 80); /* amber */
}

/* Idle, not-ready, stale and offline screens. */
static void test_other_screens(void **state)
{
    (void)state;
    for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
        int w = sizes[z][0], h = sizes[z][1];
        for (int lang = 0; lang < LABELS_LANG_COUNT_; lang++) {
            for (int mode = 0; mode < SCREEN_MODE_COUNT_; mode++) {
                if (mode == SCREEN_MODE_VERDICT)
                    continue;
                screen_state st = {(screen_mode)mode,
                                   (labels_lang)lang,
                                   NULL,
                                   0,
                                   "",
                                   0,
                                   NULL,
                                   NULL,
                                   NULL,
                                   SCREEN_INPUT_CAMERA};
                screen_info info;
                cairo_surface_t *s = render(w, h, &st, &info);
                assert_int_equal(info.band.y, 0);
                assert_int_equal(info.ellipsized, 0);
                assert_ink_inside(&info, w, h);
                cairo_surface_destroy(s);

                /* Stale data: an amber banner above the band. */
                st.stale = 1;
                snprintf(st.data_date, sizeof st.data_date, "2026-11-27");
                s = render(w, h, &st, &info);
                assert_true(info.band.y > 0);
                assert_int_equal(pixel(s, w / 2, 1),
                                 screen_tone_rgb(LABELS_TONE_WARN));
                assert_ink_inside(&info, w, h);
                cairo_surface_destroy(s);

                /* Offline only: a banner that is not amber. */
                st.stale = 0;
                st.offline = 1;
                s = render(w, h, &st, &info);
                assert_true(info.band.y > 0);
                uint32_t p = pixel(s, w / 2, 1);
                assert_int_not_equal(p, screen_tone_rgb(LABELS_TONE_WARN));
                assert_int_not_equal(p, screen_background_rgb());
                cairo_surface_destroy(s);
            }
        }
    }
}

/* Names far too long for the screen are shortened, not drawn past the
 * margins or over the advice. */
static void test_long_names(void **state)
{
    (void)state;
    labels_facts f;
    screen_sample_long(&f);
    for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
        int w = sizes[z][0], h = sizes[z][1];
        for (int lang = 0; lang < LABELS_LANG_COUNT_; lang++) {
            screen_state st = {SCREEN_MODE_VERDICT,
                               (labels_lang)lang,
                               &f,
                               1,
                               "2026-11-27",
                               1,
                               NULL,
                               NULL,
                               NULL,
                               SCREEN_INPUT_CAMERA};
            screen_info info;
            cairo_surface_t *s = render(w, h, &st, &info);
            assert_true(info.ellipsized >= 2);
            assert_ink_inside(&info, w, h);
            assert_margins_clear(s, w, h, &info);
            cairo_surface_destroy(s);
        }
    }
    /* The short sample needs no shortening at either size. */
    screen_sample_facts(LABELS_V_GENUINE, &f);
    for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
        screen_state st = {
            SCREEN_MODE_VERDICT, LABELS_LANG_VI, &f, 0, "", 0, NULL, NULL, NULL,
            SCREEN_INPUT_CAMERA};
        screen_info info;
        cairo_surface_t *s = render(sizes[z][0], sizes[z][1], &st, &info);
        assert_int_equal(info.ellipsized, 0);
        cairo_surface_destroy(s);
    }
}

/* The glyph check above can fail: a character no font has is counted. */
static void test_unknown_glyph_counted(void **state)
{
    (void)state;
    labels_facts f;
    screen_sample_facts(LABELS_V_GENUINE, &f);
    /* U+10FFFD, a private-use code point no Debian font draws. */
    snprintf(f.product.name, sizeof f.product.name, "Chè \xF4\x8F\xBF\xBD");
    screen_state st = {
        SCREEN_MODE_VERDICT, LABELS_LANG_VI, &f, 0, "", 0, NULL, NULL, NULL,
        SCREEN_INPUT_CAMERA};
    screen_info info;
    cairo_surface_t *s = render(800, 480, &st, &info);
    assert_true(info.unknown_glyphs >= 1);
    cairo_surface_destroy(s);
}

/* Broken UTF-8 and markup characters from a corrupt mirror draw as text,
 * inside the screen, without losing the rest of the name. */
static void test_hostile_strings(void **state)
{
    (void)state;
    labels_facts f;
    screen_sample_facts(LABELS_V_REVOKED, &f);
    snprintf(f.product.name, sizeof f.product.name,
             "Mật ong \xFF\xC3 <b>rừng</b> & \xE1\xBA");
    snprintf(f.product.producer_name, sizeof f.product.producer_name, "%s",
             "\xC0\x80<span foreground='red'>HTX</span>");
    memset(f.product.province, 'A', sizeof f.product.province); /* no NUL */
    snprintf(f.product.certified, sizeof f.product.certified, "2024-13-45");
    f.product.stars = 99;
    f.label.stars = 0;
    for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
        screen_state st = {
            SCREEN_MODE_VERDICT, LABELS_LANG_VI, &f, 0, "", 0, NULL, NULL, NULL,
            SCREEN_INPUT_CAMERA};
        screen_info info;
        cairo_surface_t *s = render(sizes[z][0], sizes[z][1], &st, &info);
        assert_ink_inside(&info, sizes[z][0], sizes[z][1]);
        cairo_surface_destroy(s);
    }
    /* The caller's facts are left as they were. */
    assert_int_equal((unsigned char)f.product.name[sizeof "Mật ong " - 1],
                     0xFF);
}

static void test_bad_state(void **state)
{
    (void)state;
    cairo_surface_t *s =
        cairo_image_surface_create(CAIRO_FORMAT_RGB24, 800, 480);
    screen_state st = {
        SCREEN_MODE_VERDICT, LABELS_LANG_VI, NULL, 0, "", 0, NULL, NULL, NULL,
        SCREEN_INPUT_CAMERA};
    assert_int_equal(screen_render(rend, s, 800, 480, &st, NULL),
                     LABELS_ERR_ARG);
    labels_facts f;
    screen_sample_facts(LABELS_V_GENUINE, &f);
    f.verdict = LABELS_V_COUNT_;
    st.facts = &f;
    assert_int_equal(screen_render(rend, s, 800, 480, &st, NULL),
                     LABELS_ERR_ARG);
    st.mode = SCREEN_MODE_IDLE;
    st.lang = (labels_lang)7;
    assert_int_equal(screen_render(rend, s, 800, 480, &st, NULL),
                     LABELS_ERR_ARG);
    st.lang = LABELS_LANG_EN;
    assert_int_equal(screen_render(rend, s, 10, 10, &st, NULL), LABELS_ERR_ARG);
    assert_int_equal(screen_render(NULL, s, 800, 480, &st, NULL),
                     LABELS_ERR_ARG);
    cairo_surface_destroy(s);

    /* A caller's buffer: wrong stride refused, right one drawn. */
    uint32_t *buf = calloc(800 * 480, 4);
    assert_non_null(buf);
    assert_int_equal(
        screen_render_argb(rend, buf, 800, 480, 799 * 4, &st, NULL),
        LABELS_ERR_ARG);
    assert_int_equal(
        screen_render_argb(rend, buf, 800, 480, 800 * 4, &st, NULL), LABELS_OK);
    assert_int_equal(buf[479 * 800 + 1], 0xFF000000u | screen_background_rgb());
    free(buf);
}

static int has_non_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return 1;
    return 0;
}

static void assert_text(const char *s)
{
    assert_non_null(s);
    assert_true(s[0] != '\0');
    assert_true(g_utf8_validate(s, -1, NULL));
}

/* Every string exists in both languages, is valid UTF-8, and the
 * Vietnamese is really Vietnamese (diacritics, differs from English). */
static void test_strings(void **state)
{
    (void)state;
    for (int v = 0; v < LABELS_V_COUNT_; v++) {
        for (int l = 0; l < LABELS_LANG_COUNT_; l++) {
            assert_text(
                labels_verdict_headline((labels_verdict)v, (labels_lang)l));
            assert_text(
                labels_verdict_advice((labels_verdict)v, (labels_lang)l));
        }
        const char *vi =
            labels_verdict_headline((labels_verdict)v, LABELS_LANG_VI);
        const char *en =
            labels_verdict_headline((labels_verdict)v, LABELS_LANG_EN);
        assert_string_not_equal(vi, en);
        assert_true(has_non_ascii(vi));
        assert_true(has_non_ascii(
            labels_verdict_advice((labels_verdict)v, LABELS_LANG_VI)));
        /* Headlines differ between verdicts. */
        for (int o = 0; o < v; o++)
            assert_string_not_equal(
                vi, labels_verdict_headline((labels_verdict)o, LABELS_LANG_VI));
    }
    for (int m = 0; m < SCREEN_MSG_COUNT_; m++)
        for (int l = 0; l < LABELS_LANG_COUNT_; l++)
            assert_text(screen_text((screen_msg)m, (labels_lang)l));
    assert_string_equal(
        labels_verdict_headline(LABELS_V_GENUINE, LABELS_LANG_VI),
        "Sản phẩm OCOP chính hãng");
    /* The stale message takes exactly one %s. */
    for (int l = 0; l < LABELS_LANG_COUNT_; l++) {
        const char *fmt = screen_text(SCREEN_MSG_STALE_FMT, (labels_lang)l);
        const char *p = strchr(fmt, '%');
        assert_non_null(p);
        assert_true(p[1] == 's' && !strchr(p + 2, '%'));
    }

    assert_int_equal(labels_lang_from_code("vi"), LABELS_LANG_VI);
    assert_int_equal(labels_lang_from_code("EN"), LABELS_LANG_EN);
    assert_int_equal(labels_lang_from_code("fr"), -1);
    assert_int_equal(labels_lang_from_code(NULL), -1);
    assert_int_equal(labels_lang_toggle(LABELS_LANG_VI), LABELS_LANG_EN);
    assert_int_equal(labels_lang_toggle(LABELS_LANG_EN), LABELS_LANG_VI);

    char d[32];
    screen_format_date("2026-11-27", LABELS_LANG_VI, d, sizeof d);
    assert_string_equal(d, "27/11/2026");
    screen_format_date("2026-11-27", LABELS_LANG_EN, d, sizeof d);
    assert_string_equal(d, "2026-11-27");
    screen_format_date("", LABELS_LANG_VI, d, sizeof d);
    assert_string_equal(d, "");
    assert_string_equal(labels_group_name_of("herbal", LABELS_LANG_VI),
                        "Thảo dược");
    assert_string_equal(labels_group_name_of("mystery", LABELS_LANG_EN),
                        "mystery");
}

/* The PNG writer: a readable PNG of the screen's size, replaced whole. */
static void test_png(void **state)
{
    (void)state;
    char path[256], msg[256];
    snprintf(path, sizeof path, "%s/screen.png", dir);
    for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
        int w = sizes[z][0], h = sizes[z][1];
        screen_state st = {SCREEN_MODE_IDLE,
                           LABELS_LANG_VI,
                           NULL,
                           0,
                           "",
                           0,
                           NULL,
                           NULL,
                           NULL,
                           SCREEN_INPUT_CAMERA};
        cairo_surface_t *s = render(w, h, &st, NULL);
        assert_int_equal(screen_out_png(s, path, msg, sizeof msg), LABELS_OK);
        cairo_surface_destroy(s);
        labels_image img;
        assert_int_equal(labels_image_read(path, 0, &img), LABELS_OK);
        assert_int_equal(img.width, w);
        assert_int_equal(img.height, h);
        labels_image_free(&img);
    }
    /* A folder that does not exist: an error that names the path, and
     * nothing written. */
    cairo_surface_t *s =
        cairo_image_surface_create(CAIRO_FORMAT_RGB24, 200, 150);
    snprintf(path, sizeof path, "%s/missing/screen.png", dir);
    msg[0] = '\0';
    assert_int_not_equal(screen_out_png(s, path, msg, sizeof msg), LABELS_OK);
    assert_non_null(strstr(msg, "missing/screen.png"));
    assert_int_equal(access(path, F_OK), -1);
    cairo_surface_destroy(s);
}

/* Pixel conversion to framebuffer layouts, checked by hand. */
static void test_fb_convert(void **state)
{
    (void)state;
    const uint32_t src[4] = {0xFFFF0000u, 0xFF00FF00u, 0xFF0000FFu,
                             0xFF808080u};
    uint8_t d16[8], d32[16], d24[12];
    assert_int_equal(screen_fb_convert((const uint8_t *)src, 16, 4, 1, d16, 8,
                                       &screen_fb_rgb565),
                     LABELS_OK);
    uint16_t want16[4] = {0xF800, 0x07E0, 0x001F, 0x8410};
    for (int i = 0; i < 4; i++)
        assert_int_equal(d16[2 * i] | d16[2 * i + 1] << 8, want16[i]);

    assert_int_equal(screen_fb_convert((const uint8_t *)src, 16, 4, 1, d32, 16,
                                       &screen_fb_xrgb8888),
                     LABELS_OK);
    for (int i = 0; i < 4; i++) {
        uint32_t v = d32[4 * i] | d32[4 * i + 1] << 8 | d32[4 * i + 2] << 16;
        assert_int_equal(v, src[i] & 0xFFFFFF);
    }
    /* Red in the low byte, blue in the high byte of a 24-bit pixel. */
    screen_fb_format bgr = {24, 0, 8, 8, 8, 16, 8};
    assert_int_equal(
        screen_fb_convert((const uint8_t *)src, 16, 4, 1, d24, 12, &bgr),
        LABELS_OK);
    static const uint8_t want24[12] = {0xFF, 0, 0,    0,    0xFF, 0,
                                       0,    0, 0xFF, 0x80, 0x80, 0x80};
    assert_memory_equal(d24, want24, sizeof want24);
    /* XBGR8888: red in the low byte of a 32-bit pixel. */
    screen_fb_format xbgr = {32, 0, 8, 8, 8, 16, 8};
    assert_int_equal(
        screen_fb_convert((const uint8_t *)src, 16, 4, 1, d32, 16, &xbgr),
        LABELS_OK);
    static const uint8_t want32[16] = {0xFF, 0, 0,    0, 0,    0xFF, 0,    0,
                                       0,    0, 0xFF, 0, 0x80, 0x80, 0x80, 0};
    assert_memory_equal(d32, want32, sizeof want32);
    /* 8 bpp and 9-bit channels are refused. */
    screen_fb_format bad = {8, 5, 3, 2, 3, 0, 2};
    assert_int_equal(
        screen_fb_convert((const uint8_t *)src, 16, 4, 1, d16, 8, &bad),
        LABELS_ERR_IMAGE);
    screen_fb_format wide = {32, 16, 9, 8, 8, 0, 8};
    assert_int_equal(
        screen_fb_convert((const uint8_t *)src, 16, 4, 1, d32, 16, &wide),
        LABELS_ERR_IMAGE);
}

/* The framebuffer path end to end, with a regular file standing in for
 * /dev/fb0 (RGB565, padded lines, panned by one line). */
static void test_fb_file(void **state)
{
    (void)state;
    char path[256], msg[256];
    snprintf(path, sizeof path, "%s/fb", dir);
    int w = 800, h = 480, line = 1664;
    size_t offset = (size_t)line; /* yoffset 1 */
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, (off_t)(offset + (size_t)line * h)), 0);

    screen_fb fb;
    /* Too short a file is refused before mapping. */
    assert_int_equal(screen_fb_attach(fd, w, h + 1, line, offset,
                                      &screen_fb_rgb565, &fb, msg, sizeof msg),
                     LABELS_ERR_IMAGE);
    assert_int_equal(screen_fb_attach(fd, w, h, line, offset, &screen_fb_rgb565,
                                      &fb, msg, sizeof msg),
                     LABELS_OK);
    labels_facts f;
    screen_sample_facts(LABELS_V_FORGED, &f);
    screen_state st = {
        SCREEN_MODE_VERDICT, LABELS_LANG_EN, &f, 0, "", 0, NULL, NULL, NULL,
        SCREEN_INPUT_CAMERA};
    cairo_surface_t *s = render(w, h, &st, NULL);
    assert_int_equal(screen_fb_show(&fb, s, msg, sizeof msg), LABELS_OK);
    screen_fb_close(&fb); /* closes fd too */

    /* Read back: the red band's pixel in RGB565 at the panned offset. */
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    uint8_t px[2];
    uint32_t red = screen_tone_rgb(LABELS_TONE_BAD);
    uint16_t want = (uint16_t)(((red >> 19) & 0x1F) << 11 |
                               ((red >> 10) & 0x3F) << 5 | ((red >> 3) & 0x1F));
    assert_int_equal(
        fseek(fp, (long)(offset + (size_t)3 * line + 2 * 790), SEEK_SET), 0);
    assert_int_equal(fread(px, 1, 2, fp), 2);
    assert_int_equal(px[0] | px[1] << 8, want);
    /* Line padding is untouched. */
    assert_int_equal(fseek(fp, (long)(offset + 2 * 800), SEEK_SET), 0);
    assert_int_equal(fread(px, 1, 2, fp), 2);
    assert_int_equal(px[0] | px[1] << 8, 0);
    fclose(fp);
    cairo_surface_destroy(s);

    /* A regular file is not a framebuffer device. */
    msg[0] = '\0';
    assert_int_equal(screen_fb_open(path, &fb, msg, sizeof msg), LABELS_ERR_IO);
    assert_non_null(strstr(msg, "not a framebuffer"));
}

/* Missing displays are reported as such, so the caller can fall back. */
static void test_missing_devices(void **state)
{
    (void)state;
    char msg[256];
    screen_fb fb;
    assert_int_equal(screen_fb_open("/nonexistent/fb0", &fb, msg, sizeof msg),
                     LABELS_ERR_NOT_FOUND);
    assert_non_null(strstr(msg, "/nonexistent/fb0"));
    screen_drm *d = NULL;
    assert_int_equal(screen_drm_open("/nonexistent/card0", &d, msg, sizeof msg),
                     LABELS_ERR_NOT_FOUND);
    assert_null(d);
    assert_non_null(strstr(msg, "/nonexistent/card0"));
    /* A file that is not a DRM device. */
    assert_int_equal(screen_drm_open("/dev/null", &d, msg, sizeof msg),
                     LABELS_ERR_IO);
    assert_null(d);
}

/* A display chosen by configuration: PNG frames land in the file, and
 * missing or malformed choices are told apart. */
static void test_display_spec(void **state)
{
    (void)state;
    char spec[300], path[256], msg[256];
    snprintf(path, sizeof path, "%s/live.png", dir);
    snprintf(spec, sizeof spec, "png:%s", path);
    screen_display *d = NULL;
    assert_int_equal(screen_display_open(spec, 800, 480, &d, msg, sizeof msg),
                     LABELS_OK);
    assert_string_equal(screen_display_kind(d), "png");
    int w, h;
    screen_display_size(d, &w, &h);
    assert_int_equal(w, 800);
    assert_int_equal(h, 480);
    screen_state st = {
        SCREEN_MODE_IDLE,   LABELS_LANG_VI, NULL, 0, "", 0, NULL, NULL, NULL,
        SCREEN_INPUT_CAMERA};
    cairo_surface_t *s = render(w, h, &st, NULL);
    assert_int_equal(screen_display_show(d, s, msg, sizeof msg), LABELS_OK);
    cairo_surface_destroy(s);
    screen_display_close(d);
    labels_image img;
    assert_int_equal(labels_image_read(path, 0, &img), LABELS_OK);
    assert_int_equal(img.width, 800);
    labels_image_free(&img);

    d = NULL;
    assert_int_equal(
        screen_display_open("fb:/nonexistent/fb9", 0, 0, &d, msg, sizeof msg),
        LABELS_ERR_NOT_FOUND);
    assert_null(d);
    assert_int_equal(screen_display_open("drm:/nonexistent/card9", 0, 0, &d,
                                         msg, sizeof msg),
                     LABELS_ERR_NOT_FOUND);
    assert_int_equal(screen_display_open("vga", 0, 0, &d, msg, sizeof msg),
                     LABELS_ERR_ARG);
    assert_non_null(strstr(msg, "vga"));
    assert_int_equal(screen_display_open("png:", 800, 480, &d, msg, sizeof msg),
                     LABELS_ERR_ARG);
    assert_int_equal(screen_display_open(spec, 10, 10, &d, msg, sizeof msg),
                     LABELS_ERR_ARG);
    assert_null(d);
}

/* A kiosk with only a scanner never tells a shopper about a camera, and
 * one with both names both (issue 11, 3.7); a camera-only kiosk keeps its
 * words. */
static void test_input_words(void **state)
{
    (void)state;
    for (int l = 0; l < LABELS_LANG_COUNT_; l++) {
        for (int m = 0; m < SCREEN_MSG_COUNT_; m++) {
            const char *s = screen_input_text(
                (screen_msg)m, SCREEN_INPUT_SCANNER, (labels_lang)l);
            if (strstr(s, "amera"))
                fail_msg("message %d says camera on a scanner kiosk: %s", m, s);
            assert_string_equal(screen_input_text((screen_msg)m,
                                                  SCREEN_INPUT_CAMERA,
                                                  (labels_lang)l),
                                screen_text((screen_msg)m, (labels_lang)l));
        }
        const char *both = screen_input_text(SCREEN_MSG_IDLE_STEP2,
                                             SCREEN_INPUT_BOTH, (labels_lang)l);
        assert_non_null(strstr(both, "amera"));
        assert_non_null(
            strstr(both, l == LABELS_LANG_VI ? "máy quét" : "scanner"));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_input_words),
        cmocka_unit_test(test_tones),
        cmocka_unit_test(test_every_verdict),
        cmocka_unit_test(test_other_screens),
        cmocka_unit_test(test_long_names),
        cmocka_unit_test(test_unknown_glyph_counted),
        cmocka_unit_test(test_hostile_strings),
        cmocka_unit_test(test_bad_state),
        cmocka_unit_test(test_png),
        cmocka_unit_test(test_fb_convert),
        cmocka_unit_test(test_fb_file),
        cmocka_unit_test(test_missing_devices),
        cmocka_unit_test(test_display_spec),
    };
    if (labels_init() != LABELS_OK)
        return 1;
    return cmocka_run_group_tests(tests, setup, teardown);
}
