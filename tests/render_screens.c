/* render_screens.c -- write every kiosk screen as a PNG: each verdict in
 * both languages, plus idle, not-ready, stale and offline examples.
 *
 * usage: render_screens OUTDIR [WIDTHxHEIGHT ...]   (default 800x480)
 * Files are named kiosk-<screen>-<lang>-<W>x<H>.png. This is how
 * docs/screens/ is produced, and ctest runs it as a smoke test. */
#include <cairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screen_out.h"
#include "screen_render.h"
#include "test_screen_samples.h"

static int write_one(screen_renderer *r, const char *dir, const char *name,
                     int w, int h, const screen_state *st)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        fprintf(stderr, "render_screens: cannot allocate %dx%d\n", w, h);
        cairo_surface_destroy(s);
        return 1;
    }
    int err = screen_render(r, s, w, h, st, NULL);
    if (err) {
        fprintf(stderr, "render_screens: %s: %s\n", name, labels_strerror(err));
        cairo_surface_destroy(s);
        return 1;
    }
    char path[4096], msg[512];
    snprintf(path, sizeof path, "%s/kiosk-%s-%s-%dx%d.png", dir, name,
             labels_lang_code(st->lang), w, h);
    err = screen_out_png(s, path, msg, sizeof msg);
    cairo_surface_destroy(s);
    if (err) {
        fprintf(stderr, "render_screens: %s\n", msg);
        return 1;
    }
    return 0;
}

static int render_size(screen_renderer *r, const char *dir, int w, int h)
{
    int bad = 0;
    for (int lang = 0; lang < LABELS_LANG_COUNT_; lang++) {
        screen_state st = {0};
        st.lang = (labels_lang)lang;
        labels_facts f;

        st.mode = SCREEN_MODE_VERDICT;
        st.facts = &f;
        for (int v = 0; v < LABELS_V_COUNT_; v++) {
            screen_sample_facts((labels_verdict)v, &f);
            bad |= write_one(r, dir, screen_sample_word((labels_verdict)v), w,
                             h, &st);
        }
        /* A genuine label on a kiosk whose data is old and offline. */
        screen_sample_facts(LABELS_V_GENUINE, &f);
        st.stale = 1;
        st.offline = 1;
        snprintf(st.data_date, sizeof st.data_date, "2026-11-27");
        bad |= write_one(r, dir, "genuine-stale", w, h, &st);
        st.stale = 0;
        st.offline = 0;
        screen_sample_long(&f);
        bad |= write_one(r, dir, "long-names", w, h, &st);

        st.facts = NULL;
        st.mode = SCREEN_MODE_IDLE;
        bad |= write_one(r, dir, "idle", w, h, &st);
        st.offline = 1;
        bad |= write_one(r, dir, "idle-offline", w, h, &st);
        st.offline = 0;
        st.stale = 1;
        bad |= write_one(r, dir, "idle-stale", w, h, &st);
        st.stale = 0;
        st.mode = SCREEN_MODE_NO_MIRROR;
        bad |= write_one(r, dir, "no-mirror", w, h, &st);
        st.mode = SCREEN_MODE_NO_CAMERA;
        bad |= write_one(r, dir, "no-camera", w, h, &st);
    }
    return bad;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: render_screens OUTDIR [WxH ...]\n");
        return 2;
    }
    screen_renderer *r;
    if (labels_init() != LABELS_OK || screen_renderer_new(&r) != LABELS_OK) {
        fprintf(stderr, "render_screens: cannot start the renderer\n");
        return 3;
    }
    int bad = 0;
    if (argc == 2)
        bad |= render_size(r, argv[1], 800, 480);
    for (int i = 2; i < argc; i++) {
        int w, h;
        char tail;
        if (sscanf(argv[i], "%dx%d%c", &w, &h, &tail) != 2 || w < 160 ||
            h < 120 || w > 8192 || h > 8192) {
            fprintf(stderr, "render_screens: bad size '%s'\n", argv[i]);
            bad = 1;
            break;
        }
        bad |= render_size(r, argv[1], w, h);
    }
    screen_renderer_free(r);
    screen_render_shutdown();
    return bad ? 3 : 0;
}
