/* screen_out_png.c -- a rendered screen as a PNG file, written atomically. */
#include "screen_out_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

typedef struct membuf {
    unsigned char *data;
    size_t len, cap;
} membuf;

static cairo_status_t membuf_write(void *closure, const unsigned char *data,
                                   unsigned int len)
{
    membuf *b = closure;
    if (len > b->cap - b->len) {
        size_t cap = b->cap ? b->cap : 65536;
        while (cap - b->len < len) {
            if (cap > SIZE_MAX / 2)
                return CAIRO_STATUS_NO_MEMORY;
            cap *= 2;
        }
        unsigned char *p = realloc(b->data, cap);
        if (!p)
            return CAIRO_STATUS_NO_MEMORY;
        b->data = p;
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, len);
    b->len += len;
    return CAIRO_STATUS_SUCCESS;
}

int screen_out_png(cairo_surface_t *surface, const char *path, char *msg,
                   size_t msgsz)
{
    if (!surface || !path || !*path) {
        screen_out_say(msg, msgsz, "screen: no surface or PNG path");
        return LABELS_ERR_ARG;
    }
    /* Encode in memory first so the file appears whole or not at all. */
    membuf b = {0};
    cairo_status_t cs =
        cairo_surface_write_to_png_stream(surface, membuf_write, &b);
    if (cs != CAIRO_STATUS_SUCCESS) {
        free(b.data);
        screen_out_say(msg, msgsz, "%s: PNG encoding failed: %s", path,
                       cairo_status_to_string(cs));
        return cs == CAIRO_STATUS_NO_MEMORY ? LABELS_ERR_NOMEM
                                            : LABELS_ERR_IMAGE;
    }
    int err = labels_file_write_atomic(path, b.data, b.len, 0644, 0);
    int saved = errno;
    free(b.data);
    if (err) {
        screen_out_say(msg, msgsz, "%s: %s (%s)", path, labels_strerror(err),
                       strerror(saved));
        errno = saved;
    }
    return err;
}
