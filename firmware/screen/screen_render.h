/*
 * screen_render.h -- draw the kiosk's screens (idle, verdict, not ready)
 * with cairo and pango.
 *
 * Pure drawing: no files, no devices, no clock. The caller owns the
 * surface (an ARGB32/RGB24 image, or any cairo surface) and hands it to
 * screen_out.h to reach a PNG, /dev/fb0 or a DRM buffer.
 *
 * Layout scales with the screen height (480 px is the design size), and
 * every text is wrapped and ellipsized to its box, so long Vietnamese
 * names never run off the screen at 800x480 or 1920x1080.
 */
#ifndef SCREEN_RENDER_H
#define SCREEN_RENDER_H

#include <cairo.h>
#include <stddef.h>
#include <stdint.h>

#include "labels.h"
#include "screen_text.h"

typedef enum screen_mode {
    SCREEN_MODE_IDLE = 0,  /* waiting for a label: tell the shopper how */
    SCREEN_MODE_VERDICT,   /* facts must be set */
    SCREEN_MODE_NO_MIRROR, /* no usable mirror: cannot check */
    SCREEN_MODE_NO_CAMERA, /* no camera: cannot scan */
    SCREEN_MODE_COUNT_
} screen_mode;

typedef struct screen_state {
    screen_mode mode;
    labels_lang lang;
    const labels_facts *facts; /* SCREEN_MODE_VERDICT only */
    int stale;                 /* the mirror is older than policy allows */
    /* "YYYY-MM-DD" of the last sync (what `ocop-kiosk status` calls
     * "since"), or "" when there was none */
    char data_date[LABELS_DATE_SIZE];
    int offline; /* the kiosk cannot reach the feed */
    /* Inspector mode: who is inspecting (shown in the top banner), or
     * NULL for shoppers' screens. */
    const char *inspector;
    /* In inspector mode, the product's previous findings (one per line,
     * newest first; "" for none), shown instead of shoppers' advice. */
    const char *inspector_notes;
    /* A few seconds' answer to what an inspector just did ("finding
     * recorded: ...", "badge refused"), shown in the top banner over
     * everything else; NULL for none. */
    const char *notice;
    /* What the kiosk scans with, so the screen names it: camera, scanner
     * or both (the words in screen_text.c). */
    screen_input input;
} screen_state;

/* Where things landed, for tests and for checking a translation fits. */
typedef struct screen_rect {
    double x, y, w, h;
} screen_rect;

typedef struct screen_info {
    screen_rect band;   /* the colour-coded verdict/title band */
    screen_rect ink;    /* union of every text's ink extents */
    int texts;          /* number of text blocks drawn */
    int ellipsized;     /* how many of them pango had to shorten */
    int unknown_glyphs; /* characters no installed font could draw */
} screen_info;

/* Holds what is worth keeping between frames: the pango context and font
 * descriptions for the current screen height. Not thread-safe. */
typedef struct screen_renderer screen_renderer;

int screen_renderer_new(screen_renderer **out);
void screen_renderer_free(screen_renderer *r);

/* Release the font machinery pango and cairo keep for the whole process
 * (call once at exit, after freeing every renderer), so leak checkers
 * see a clean exit. Not fontconfig's: FcFini() asserts that no font
 * cache is still referenced, and pango's font threads may still hold
 * one when a kiosk is stopped soon after it started; that abort() at
 * exit was seen in the service tests. What fontconfig keeps is freed
 * with the process (tests/lsan.supp). */
void screen_render_shutdown(void);

/* Draw state onto surface, whose drawable size is width x height.
 * info (may be NULL) gets the layout. LABELS_ERR_ARG for a bad state
 * (verdict mode without facts, unknown mode or language, tiny size),
 * LABELS_ERR_NOMEM if cairo fails. */
int screen_render(screen_renderer *r, cairo_surface_t *surface, int width,
                  int height, const screen_state *state, screen_info *info);

/* The same into a caller's buffer of premultiplied ARGB32 pixels (native
 * endian 0xAARRGGBB, which is also DRM's XRGB8888); stride in bytes. */
int screen_render_argb(screen_renderer *r, uint32_t *pixels, int width,
                       int height, int stride, const screen_state *state,
                       screen_info *info);

/* The colours the screen uses, as 0xRRGGBB: a verdict tone's band, and
 * the page background, for tests and documentation. */
uint32_t screen_tone_rgb(labels_tone tone);
uint32_t screen_background_rgb(void);
/* The outer margin in pixels at a given screen height: nothing is drawn
 * between it and the edge except full-width bands. */
double screen_margin(int height);

/* A width x height ARGB32 image surface to render one screen into, its
 * pixels in their own anonymous mapping (px), given back whole by
 * screen_surface_free() once the screen is shown: the display keeps the
 * pixels, and between changes the kiosk holds no 1.5 MB (800x480) to
 * 8 MB (1920x1080) copy. Not malloc: glibc raises its mmap threshold
 * after the first such block is freed and keeps the next ones in the
 * heap, resident for good. Costs under 0.1 ms at 800x480, 0.4 ms at
 * 1080p. NULL when it cannot be made. */
typedef struct screen_pixels {
    void *data;
    size_t size;
} screen_pixels;
cairo_surface_t *screen_surface_new(int width, int height, screen_pixels *px);
/* Destroy the surface and unmap its pixels (either may be NULL). */
void screen_surface_free(cairo_surface_t *surface, screen_pixels *px);

#endif
