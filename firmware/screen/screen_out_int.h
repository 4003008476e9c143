/* screen_out_int.h -- what the output back ends (screen_out_png.c,
 * screen_out_fb.c, screen_out_drm.c) share; not for callers of
 * screen_out.h. */
#ifndef SCREEN_OUT_INT_H
#define SCREEN_OUT_INT_H

#include "screen_out.h"

/* Write one line into msg (msg may be NULL). */
void screen_out_say(char *msg, size_t msgsz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The surface as ARGB32 pixels, or NULL (with a message). */
const uint8_t *screen_out_argb(cairo_surface_t *s, int *w, int *h, int *stride,
                               char *msg, size_t msgsz);

#endif
