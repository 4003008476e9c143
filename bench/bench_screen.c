/* bench_screen.c -- time to draw a kiosk screen at 800x480 and 1920x1080,
 * next to baselines measured in the same run on the same surface:
 *   fill+line  cairo paints the surface one colour and pango draws one line
 *   memcpy     a bare copy of one frame (the least any frame can cost)
 * and the cost of converting a frame for an RGB565 framebuffer.
 *
 * usage: bench_screen [ITERATIONS]   (default 200 at 800x480; a quarter of
 * that at 1920x1080). Single-threaded: one core. */
#include <cairo.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "screen_out.h"
#include "screen_render.h"
#include "test_screen_samples.h"

static double now_ms(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Wall-clock median and p95, and the median CPU time of this thread: on
 * a shared machine the CPU time is the fairer "one core" figure. */
typedef struct stats {
    double median, p95, cpu;
} stats;

static stats summarise(double *t, int n)
{
    qsort(t, (size_t)n, sizeof *t, cmp_double);
    stats s = {t[n / 2], t[(n * 95) / 100 < n ? (n * 95) / 100 : n - 1], 0};
    return s;
}

typedef enum job { J_SCREEN, J_FILL_LINE, J_MEMCPY, J_RGB565 } job;

typedef struct ctx {
    screen_renderer *r;
    cairo_surface_t *s;
    int w, h;
    const screen_state *st;
    PangoLayout *line; /* baseline: one cached line */
    uint8_t *copy;     /* memcpy / RGB565 destination */
} ctx;

static int run(ctx *c, job j)
{
    switch (j) {
    case J_SCREEN: return screen_render(c->r, c->s, c->w, c->h, c->st, NULL);
    case J_FILL_LINE: {
        cairo_t *cr = cairo_create(c->s);
        cairo_set_source_rgb(cr, 0.12, 0.48, 0.2);
        cairo_paint(cr);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_move_to(cr, 24, 24);
        pango_cairo_update_layout(cr, c->line);
        pango_cairo_show_layout(cr, c->line);
        int bad = cairo_status(cr) != CAIRO_STATUS_SUCCESS;
        cairo_destroy(cr);
        cairo_surface_flush(c->s);
        return bad;
    }
    case J_MEMCPY:
        memcpy(c->copy, cairo_image_surface_get_data(c->s),
               (size_t)cairo_image_surface_get_stride(c->s) * c->h);
        return 0;
    case J_RGB565:
        return screen_fb_convert(cairo_image_surface_get_data(c->s),
                                 cairo_image_surface_get_stride(c->s), c->w,
                                 c->h, c->copy, c->w * 2, &screen_fb_rgb565);
    }
    return 1;
}

static int measure(ctx *c, job j, int iters, stats *out)
{
    double *t = malloc(sizeof *t * (size_t)iters);
    double *cpu = malloc(sizeof *cpu * (size_t)iters);
    if (!t || !cpu) {
        free(t);
        free(cpu);
        return 1;
    }
    for (int i = 0; i < 10; i++) /* warm caches: fonts, glyphs */
        if (run(c, j)) {
            free(t);
            free(cpu);
            return 1;
        }
    for (int i = 0; i < iters; i++) {
        double t0 = now_ms(CLOCK_MONOTONIC);
        double c0 = now_ms(CLOCK_THREAD_CPUTIME_ID);
        if (run(c, j)) {
            free(t);
            free(cpu);
            return 1;
        }
        cpu[i] = now_ms(CLOCK_THREAD_CPUTIME_ID) - c0;
        t[i] = now_ms(CLOCK_MONOTONIC) - t0;
    }
    *out = summarise(t, iters);
    out->cpu = summarise(cpu, iters).median;
    free(t);
    free(cpu);
    return 0;
}

int main(int argc, char **argv)
{
    int iters = argc > 1 ? atoi(argv[1]) : 200;
    if (iters < 4 || iters > 100000) {
        fprintf(stderr, "usage: bench_screen [ITERATIONS >= 4]\n");
        return 2;
    }
    screen_renderer *r;
    if (labels_init() != LABELS_OK || screen_renderer_new(&r) != LABELS_OK) {
        fprintf(stderr, "bench_screen: cannot start the renderer\n");
        return 3;
    }
    static const int sizes[][2] = {{800, 480}, {1920, 1080}};
    labels_facts genuine, forged, longnames, rating;
    screen_sample_facts(LABELS_V_GENUINE, &genuine);
    screen_sample_facts(LABELS_V_FORGED, &forged);
    screen_sample_facts(LABELS_V_RATING_CHANGED, &rating);
    screen_sample_long(&longnames);
    struct {
        const char *name;
        screen_state st;
    } screens[] = {
        {"verdict genuine vi",
         {SCREEN_MODE_VERDICT, LABELS_LANG_VI, &genuine, 0, "", 0, NULL, NULL,
          NULL, SCREEN_INPUT_CAMERA}},
        {"verdict forged en",
         {SCREEN_MODE_VERDICT, LABELS_LANG_EN, &forged, 0, "", 0, NULL, NULL,
          NULL, SCREEN_INPUT_CAMERA}},
        {"verdict rating_changed vi",
         {SCREEN_MODE_VERDICT, LABELS_LANG_VI, &rating, 0, "", 0, NULL, NULL,
          NULL, SCREEN_INPUT_CAMERA}},
        {"verdict long names+stale vi",
         {SCREEN_MODE_VERDICT, LABELS_LANG_VI, &longnames, 1, "2026-11-27", 1,
          NULL, NULL, NULL, SCREEN_INPUT_CAMERA}},
        {"idle vi",
         {SCREEN_MODE_IDLE, LABELS_LANG_VI, NULL, 0, "", 0, NULL, NULL, NULL,
          SCREEN_INPUT_CAMERA}},
    };
    int rc = 0;
    printf("# kiosk screen render, ms per frame: wall median / p95, and the\n"
           "# median CPU time of the thread (ratios use CPU time)\n");
    for (size_t z = 0; z < sizeof sizes / sizeof sizes[0] && !rc; z++) {
        int w = sizes[z][0], h = sizes[z][1];
        int n = z == 0 ? iters : (iters / 4 > 4 ? iters / 4 : 4);
        ctx c = {r,    cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h),
                 w,    h,
                 NULL, NULL,
                 NULL};
        c.copy = malloc((size_t)cairo_image_surface_get_stride(c.s) * h);
        cairo_t *cr = cairo_create(c.s);
        c.line = pango_cairo_create_layout(cr);
        cairo_destroy(cr);
        PangoFontDescription *fd =
            pango_font_description_from_string("Noto Sans Bold");
        pango_font_description_set_absolute_size(fd,
                                                 36.0 * h / 480 * PANGO_SCALE);
        pango_layout_set_font_description(c.line, fd);
        pango_font_description_free(fd);
        pango_layout_set_text(c.line, "Sản phẩm OCOP chính hãng", -1);
        if (!c.copy) {
            rc = 3;
            break;
        }
        stats base, mem, conv;
        rc |= measure(&c, J_FILL_LINE, n, &base);
        rc |= measure(&c, J_MEMCPY, n, &mem);
        printf("\n%dx%d (%d frames each)   %-7s %-7s %-7s\n", w, h, n, "wall",
               "p95", "cpu");
        printf("  %-30s %7.3f %7.3f %7.3f\n", "baseline fill+line", base.median,
               base.p95, base.cpu);
        printf("  %-30s %7.3f %7.3f %7.3f\n", "baseline memcpy frame",
               mem.median, mem.p95, mem.cpu);
        for (size_t i = 0; i < sizeof screens / sizeof screens[0] && !rc; i++) {
            stats s;
            c.st = &screens[i].st;
            rc |= measure(&c, J_SCREEN, n, &s);
            printf("  %-30s %7.3f %7.3f %7.3f   x%.1f fill+line  x%.0f "
                   "memcpy\n",
                   screens[i].name, s.median, s.p95, s.cpu, s.cpu / base.cpu,
                   s.cpu / mem.cpu);
        }
        rc |= measure(&c, J_RGB565, n, &conv);
        printf("  %-30s %7.3f %7.3f %7.3f   x%.1f memcpy\n",
               "convert to RGB565 (fbdev)", conv.median, conv.p95, conv.cpu,
               conv.cpu / mem.cpu);
        g_object_unref(c.line);
        free(c.copy);
        cairo_surface_destroy(c.s);
    }
    screen_renderer_free(r);
    screen_render_shutdown();
    if (rc)
        fprintf(stderr, "bench_screen: a frame failed to draw\n");
    return rc ? 3 : 0;
}
