/* badge_card.c -- an inspector's printable badge card: one CR80 page
 * (85.6 x 54 mm) of PDF with the heading, name, ID, province, validity
 * and the badge's QR, used by `ocop-host badge` and the console. */
#include "print_internal.h"

#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <stdlib.h>
#include <string.h>

#define MM (72.0 / 25.4)
#define CARD_W (85.6 * MM)
#define CARD_H (54.0 * MM)

struct mem {
    unsigned char *p;
    size_t len, cap;
    int oom;
};

static cairo_status_t to_mem(void *closure, const unsigned char *data,
                             unsigned int n)
{
    struct mem *m = closure;
    if (m->len + n > m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 16384;
        while (cap < m->len + n)
            cap *= 2;
        unsigned char *p = realloc(m->p, cap);
        if (!p) {
            m->oom = 1;
            return CAIRO_STATUS_WRITE_ERROR;
        }
        m->p = p;
        m->cap = cap;
    }
    memcpy(m->p + m->len, data, n);
    m->len += n;
    return CAIRO_STATUS_SUCCESS;
}

static void text(cairo_t *cr, const char *utf8, double x, double y, double w,
                 double size, PangoWeight weight)
{
    PangoLayout *pl = pango_cairo_create_layout(cr);
    PangoFontDescription *fd =
        pango_font_description_from_string(FONT_FAMILIES);
    pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
    pango_font_description_set_weight(fd, weight);
    pango_layout_set_font_description(pl, fd);
    pango_font_description_free(fd);
    pango_layout_set_width(pl, (int)(w * PANGO_SCALE));
    pango_layout_set_ellipsize(pl, PANGO_ELLIPSIZE_END);
    pango_layout_set_text(pl, utf8, -1);
    cairo_move_to(cr, x, y);
    pango_cairo_show_layout(cr, pl);
    g_object_unref(pl);
}

/* "Vietnamese / English: value" lines of the card's words. */
static void field(cairo_t *cr, labels_card_msg m, const char *value, double x,
                  double y, double w)
{
    char cap[160];
    snprintf(cap, sizeof cap, "%s / %s", labels_card_text(m, LABELS_LANG_VI),
             labels_card_text(m, LABELS_LANG_EN));
    cairo_set_source_rgb(cr, 0.35, 0.37, 0.40);
    text(cr, cap, x, y, w, 5.5, PANGO_WEIGHT_NORMAL);
    cairo_set_source_rgb(cr, 0, 0, 0);
    text(cr, value, x, y + 6.5, w, 8.5, PANGO_WEIGHT_BOLD);
}

static void draw(cairo_t *cr, const labels_badge *b, const labels_qr *qr)
{
    double pad = 3 * MM, band = 9 * MM;
    /* The programme's red band with the heading in both languages. */
    cairo_set_source_rgb(cr, 0.78, 0.07, 0.12);
    cairo_rectangle(cr, 0, 0, CARD_W, band);
    cairo_fill(cr);
    char title[128];
    snprintf(title, sizeof title, "%s · %s",
             labels_card_text(LABELS_CARD_TITLE, LABELS_LANG_VI),
             labels_card_text(LABELS_CARD_TITLE, LABELS_LANG_EN));
    cairo_set_source_rgb(cr, 1, 1, 1);
    text(cr, title, pad, band * 0.25, CARD_W - 2 * pad, 9, PANGO_WEIGHT_HEAVY);
    /* The QR on the right with its quiet zone; modules as exact squares. */
    double side = CARD_H - band - 2 * pad;
    double m = side / (qr->width + 8);
    double qx = CARD_W - pad - side + 4 * m, qy = band + pad + 4 * m;
    cairo_set_source_rgb(cr, 0, 0, 0);
    for (int y = 0; y < qr->width; y++)
        for (int x = 0; x < qr->width; x++)
            if (qr->modules[y * qr->width + x])
                cairo_rectangle(cr, qx + x * m, qy + y * m, m, m);
    cairo_fill(cr);
    double tw = CARD_W - side - 3 * pad, y = band + pad;
    text(cr, b->name, pad, y, tw, 11, PANGO_WEIGHT_BOLD);
    char until[LABELS_DATE_SIZE];
    labels_date_format(b->valid_until, until);
    field(cr, LABELS_CARD_ID, b->inspector, pad, y + 16, tw);
    field(cr, LABELS_CARD_PROVINCE, b->province, pad, y + 35, tw);
    field(cr, LABELS_CARD_VALID, until, pad, y + 54, tw);
}

int print_badge_card(const labels_badge *b, const char *qr_text,
                     unsigned char **pdf, size_t *len)
{
    *pdf = NULL;
    *len = 0;
    labels_qr qr;
    int rc = labels_qr_encode(qr_text, strlen(qr_text), &qr);
    if (rc != LABELS_OK)
        return rc;
    struct mem m = {0};
    cairo_surface_t *s =
        cairo_pdf_surface_create_for_stream(to_mem, &m, CARD_W, CARD_H);
    cairo_t *cr = cairo_create(s);
    draw(cr, b, &qr);
    cairo_show_page(cr);
    cairo_status_t st = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_status(s);
    cairo_surface_destroy(s);
    labels_qr_free(&qr);
    if (st != CAIRO_STATUS_SUCCESS || m.oom) {
        free(m.p);
        return m.oom || st == CAIRO_STATUS_NO_MEMORY ? LABELS_ERR_NOMEM
                                                     : LABELS_ERR_IMAGE;
    }
    *pdf = m.p;
    *len = m.len;
    return LABELS_OK;
}

int print_badge_card_file(const labels_badge *b, const char *qr_text,
                          const char *path)
{
    unsigned char *pdf;
    size_t len;
    int rc = print_badge_card(b, qr_text, &pdf, &len);
    if (rc != LABELS_OK)
        return rc;
    rc = labels_file_write_atomic(path, pdf, len, 0644, 0);
    free(pdf);
    return rc;
}
