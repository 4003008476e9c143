/* qr_svg.c -- a QR symbol as a small SVG document (one path). */
#include "labels.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct {
    char *buf;
    size_t len, cap;
    int failed;
} sbuf;

static void put(sbuf *s, const char *fmt, ...)
{
    if (s->failed)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(s->buf + s->len, s->cap - s->len, fmt, ap);
        va_end(ap);
        if (n < 0) {
            s->failed = 1;
            return;
        }
        if ((size_t)n < s->cap - s->len) {
            s->len += (size_t)n;
            return;
        }
        size_t cap = s->cap * 2 + (size_t)n;
        char *p = realloc(s->buf, cap);
        if (!p) {
            s->failed = 1;
            return;
        }
        s->buf = p;
        s->cap = cap;
    }
}

int labels_qr_svg(const labels_qr *qr, double module_mm, char **out,
                  size_t *len)
{
    if (!qr || !qr->modules || !out || !len || !(module_mm > 0) ||
        module_mm > 100)
        return LABELS_ERR_ARG;
    int q = LABELS_QUIET_MODULES, side = qr->width + 2 * q;
    sbuf s = {malloc(4096), 0, 4096, 0};
    if (!s.buf)
        return LABELS_ERR_NOMEM;
    /* Units are modules; the document size carries the physical scale.
     * Runs of dark modules in a row become one rectangle each. */
    put(&s,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.3fmm\" "
        "height=\"%.3fmm\" viewBox=\"0 0 %d %d\" "
        "shape-rendering=\"crispEdges\">\n"
        "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n<path d=\"",
        side * module_mm, side * module_mm, side, side, side, side);
    for (int y = 0; y < qr->width; y++) {
        int x = 0;
        while (x < qr->width) {
            if (!qr->modules[y * qr->width + x]) {
                x++;
                continue;
            }
            int start = x;
            while (x < qr->width && qr->modules[y * qr->width + x])
                x++;
            put(&s, "M%d %dh%dv1h-%dz", start + q, y + q, x - start, x - start);
        }
    }
    put(&s, "\" fill=\"#000\"/>\n</svg>\n");
    if (s.failed) {
        free(s.buf);
        return LABELS_ERR_NOMEM;
    }
    *out = s.buf;
    *len = s.len;
    return LABELS_OK;
}
