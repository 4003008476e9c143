/* layout.c -- one label: QR on the left; OCOP mark, stars, product
 * name, producer, lot and serial on the right. All sizes scale with the
 * label so one layout serves 40 mm stickers and A6 cards alike. */
#include "print_internal.h"

#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PT_PER_MM (72.0 / 25.4)
/* Families covering Vietnamese (precomposed letters and stacked marks);
 * pango takes the first one installed. */

struct print_layout {
    char code[LABELS_CODE_MAX + 1];
    labels_product product;
    int stars;
    double w_mm, h_mm;
    double w, h; /* points */
    double qr_side, text_x, text_w, var_y, var_size;
    cairo_surface_t *fixed; /* recording of the batch-wide part */
    PangoLayout *var;       /* lot and serial, redrawn per label */
    PangoFontDescription *var_font;
    int name_lines, name_cut; /* how the name laid out (print_name_fit) */
};

static PangoFontDescription *font(double size_pt, PangoWeight weight)
{
    PangoFontDescription *fd =
        pango_font_description_from_string(FONT_FAMILIES);
    pango_font_description_set_absolute_size(fd, size_pt * PANGO_SCALE);
    pango_font_description_set_weight(fd, weight);
    return fd;
}

/* Hinting would snap glyph metrics to the device grid, which differs
 * between a 300 dpi PNG and a PDF: turn it off so every output breaks
 * lines in the same places. */
static void unhinted(cairo_t *cr, PangoLayout *pl)
{
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(pango_layout_get_context(pl), fo);
    cairo_font_options_destroy(fo);
    pango_cairo_update_layout(cr, pl);
}

/* A five-pointed star of outer radius r centred on (cx, cy). */
static void star_path(cairo_t *cr, double cx, double cy, double r)
{
    /* cos and sin of -90 + 36 * i degrees: the host links no libm. */
    static const double dir[10][2] = {
        {0, -1},
        {0.587785, -0.809017},
        {0.951057, -0.309017},
        {0.951057, 0.309017},
        {0.587785, 0.809017},
        {0, 1},
        {-0.587785, 0.809017},
        {-0.951057, 0.309017},
        {-0.951057, -0.309017},
        {-0.587785, -0.809017},
    };
    double inner = r * 0.382;
    for (int i = 0; i < 10; i++) {
        double rr = (i & 1) ? inner : r;
        if (i == 0)
            cairo_move_to(cr, cx + rr * dir[i][0], cy + rr * dir[i][1]);
        else
            cairo_line_to(cr, cx + rr * dir[i][0], cy + rr * dir[i][1]);
    }
    cairo_close_path(cr);
}

static void rounded_rect(cairo_t *cr, double x, double y, double w, double h,
                         double r)
{
    cairo_new_sub_path(cr);
    const double q = 1.5707963267948966; /* a quarter turn */
    cairo_arc(cr, x + w - r, y + r, r, -q, 0);
    cairo_arc(cr, x + w - r, y + h - r, r, 0, q);
    cairo_arc(cr, x + r, y + h - r, r, q, 2 * q);
    cairo_arc(cr, x + r, y + r, r, 2 * q, 3 * q);
    cairo_close_path(cr);
}

/* Text block at (x, y), at most width wide and height high: wraps at
 * words (or inside a word if it must) and ends in "…" when cut. Returns
 * the height used; *lines and *cut (may be NULL) get the lines and
 * whether the text was cut. draw 0 only measures. */
static double text_block(cairo_t *cr, const char *utf8, double x, double y,
                         double width, double height, double size,
                         PangoWeight weight, int *lines, int *cut, int draw)
{
    PangoLayout *pl = pango_cairo_create_layout(cr);
    unhinted(cr, pl);
    PangoFontDescription *fd = font(size, weight);
    pango_layout_set_font_description(pl, fd);
    pango_font_description_free(fd);
    pango_layout_set_width(pl, (int)(width * PANGO_SCALE));
    pango_layout_set_height(pl, (int)(height * PANGO_SCALE));
    pango_layout_set_wrap(pl, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_ellipsize(pl, PANGO_ELLIPSIZE_END);
    pango_layout_set_text(pl, utf8, -1);
    int lw, lh;
    pango_layout_get_size(pl, &lw, &lh);
    if (lines)
        *lines = pango_layout_get_line_count(pl);
    if (cut)
        *cut = pango_layout_is_ellipsized(pl);
    if (draw) {
        cairo_move_to(cr, x, y);
        pango_cairo_show_layout(cr, pl);
    }
    g_object_unref(pl);
    return (double)lh / PANGO_SCALE;
}

static void draw_fixed(print_layout *L, cairo_t *cr)
{
    const labels_product *p = &L->product;
    double h = L->h, pad = h * 0.05;
    double x = L->text_x, right = L->w - pad, y = pad;

    /* The OCOP mark: white letters on the programme's red. */
    double mark_h = h * 0.15;
    PangoLayout *pl = pango_cairo_create_layout(cr);
    unhinted(cr, pl);
    PangoFontDescription *fd = font(mark_h * 0.62, PANGO_WEIGHT_HEAVY);
    pango_layout_set_font_description(pl, fd);
    pango_font_description_free(fd);
    pango_layout_set_text(pl, "OCOP", -1);
    int tw, th;
    pango_layout_get_size(pl, &tw, &th);
    double mark_w = (double)tw / PANGO_SCALE + mark_h * 0.5;
    rounded_rect(cr, x, y, mark_w, mark_h, mark_h * 0.2);
    cairo_set_source_rgb(cr, 0.78, 0.06, 0.18);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_move_to(cr, x + mark_h * 0.25,
                  y + (mark_h - (double)th / PANGO_SCALE) / 2);
    pango_cairo_show_layout(cr, pl);
    g_object_unref(pl);

    /* Stars as shapes, not glyphs: no font needed, and they print the
     * same on every target. Gold with a dark rim so a mono printer still
     * shows them. */
    double r = mark_h * 0.5, room = right - (x + mark_w + mark_h * 0.2);
    if (r * 2.1 * L->stars > room)
        r = room / (2.1 * L->stars); /* all stars, however narrow the label */
    double sx = x + mark_w + mark_h * 0.2 + r * 1.05;
    for (int i = 0; i < L->stars; i++) {
        star_path(cr, sx, y + mark_h / 2, r);
        cairo_set_source_rgb(cr, 0.95, 0.66, 0.0);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, 0.35, 0.2, 0.0);
        cairo_set_line_width(cr, r * 0.08);
        cairo_stroke(cr);
        sx += r * 2.1;
    }
    y += mark_h + pad * 0.8;

    /* Name and producer share what is left above the lot/serial lines:
     * the name takes all it needs but one line of the producer's (a long
     * name wraps rather than being cut while there is room), and the
     * producer what the name leaves. */
    double avail = L->var_y - pad * 0.5 - y;
    double name_h = avail - h * 0.062 * 1.4 - pad * 0.4;
    /* A name that does not fit is set a little smaller, twice at most,
     * before it is cut: the whole name matters more than its size. */
    static const double sizes[] = {0.085, 0.075, 0.066};
    double size = h * sizes[0];
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        size = h * sizes[i];
        text_block(cr, p->name, x, y, L->text_w, name_h, size,
                   PANGO_WEIGHT_BOLD, NULL, &L->name_cut, 0);
        if (!L->name_cut)
            break;
    }
    cairo_set_source_rgb(cr, 0, 0, 0);
    double used =
        text_block(cr, p->name, x, y, L->text_w, name_h, size,
                   PANGO_WEIGHT_BOLD, &L->name_lines, &L->name_cut, 1);
    y += used + pad * 0.4;
    double rest = L->var_y - pad * 0.3 - y;
    if (rest > h * 0.05) {
        cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
        text_block(cr, p->producer_name, x, y, L->text_w, rest, h * 0.062,
                   PANGO_WEIGHT_NORMAL, NULL, NULL, 1);
    }
}

static int record_fixed(print_layout *L)
{
    cairo_rectangle_t ext = {0, 0, L->w, L->h};
    L->fixed = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &ext);
    cairo_t *cr = cairo_create(L->fixed);
    draw_fixed(L, cr);
    cairo_status_t st = cairo_status(cr);
    cairo_destroy(cr);
    return st == CAIRO_STATUS_SUCCESS ? LABELS_OK : LABELS_ERR_NOMEM;
}

int print_layout_new(const labels_product *p, int stars, double w_mm,
                     double h_mm, print_layout **out)
{
    if (!p || !out || stars < 1 || stars > 5 || !(w_mm >= 20) ||
        !(h_mm >= 15) || w_mm > 500 || h_mm > 500)
        return LABELS_ERR_ARG;
    print_layout *L = calloc(1, sizeof *L);
    if (!L)
        return LABELS_ERR_NOMEM;
    memcpy(L->code, p->code, sizeof L->code);
    L->code[LABELS_CODE_MAX] = '\0';
    L->stars = stars;
    L->w_mm = w_mm;
    L->h_mm = h_mm;
    L->w = w_mm * PT_PER_MM;
    L->h = h_mm * PT_PER_MM;
    /* The QR takes a square on the left (its quiet zone is the margin),
     * at most half the width so the text keeps room. */
    L->qr_side = L->h < L->w * 0.5 ? L->h : L->w * 0.5;
    L->text_x = L->qr_side;
    L->text_w = L->w - L->qr_side - L->h * 0.05;
    L->var_size = L->h * 0.062;
    L->var_y = L->h - L->h * 0.05 - 2 * 1.25 * L->var_size;
    L->product = *p;
    int rc = record_fixed(L);
    if (rc == LABELS_OK) {
        L->var_font = font(L->var_size, PANGO_WEIGHT_SEMIBOLD);
        if (!L->var_font)
            rc = LABELS_ERR_NOMEM;
    }
    if (rc != LABELS_OK) {
        print_layout_free(L);
        return rc;
    }
    *out = L;
    return LABELS_OK;
}

int print_name_fit(const labels_product *p, int stars, double w_mm, double h_mm,
                   int *lines, int *cut)
{
    if (!lines || !cut)
        return LABELS_ERR_ARG;
    print_layout *L;
    int rc = print_layout_new(p, stars, w_mm, h_mm, &L);
    if (rc != LABELS_OK)
        return rc;
    *lines = L->name_lines;
    *cut = L->name_cut;
    print_layout_free(L);
    return LABELS_OK;
}

int print_layout_fits(const print_layout *L, const labels_product *p, int stars,
                      double w_mm, double h_mm)
{
    return L && p && L->stars == stars && L->w_mm == w_mm && L->h_mm == h_mm &&
           !strcmp(L->code, p->code);
}

void print_layout_free(print_layout *L)
{
    if (!L)
        return;
    if (L->fixed)
        cairo_surface_destroy(L->fixed);
    if (L->var)
        g_object_unref(L->var);
    if (L->var_font)
        pango_font_description_free(L->var_font);
    free(L);
}

/* Dark modules as one rectangle per horizontal run: fewer path elements
 * than one per module, and adjacent rectangles leave no hairline gaps
 * because antialiasing is off. */
static void qr_modules(cairo_t *cr, const labels_qr *qr, double x0, double y0,
                       double m)
{
    for (int y = 0; y < qr->width; y++) {
        const uint8_t *row = qr->modules + (size_t)y * (size_t)qr->width;
        int x = 0;
        while (x < qr->width) {
            if (!row[x]) {
                x++;
                continue;
            }
            int start = x;
            while (x < qr->width && row[x])
                x++;
            cairo_rectangle(cr, x0 + start * m, y0 + y * m, (x - start) * m, m);
        }
    }
    cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_fill(cr);
}

static print_qr_place qr_place(const print_layout *L, const labels_qr *qr)
{
    print_qr_place pl;
    pl.m = L->qr_side / (qr->width + 2 * LABELS_QUIET_MODULES);
    pl.x0 = pl.m * LABELS_QUIET_MODULES;
    pl.y0 = (L->h - L->qr_side) / 2 + pl.x0;
    return pl;
}

static void draw_qr(print_layout *L, cairo_t *cr, const labels_qr *qr,
                    double dev_per_pt)
{
    int total = qr->width + 2 * LABELS_QUIET_MODULES;
    double y_top = (L->h - L->qr_side) / 2;
    cairo_save(cr);
    if (dev_per_pt > 0) {
        /* Whole device pixels per module, centred in the QR square. */
        double side_dev = L->qr_side * dev_per_pt;
        int m = (int)(side_dev / total);
        if (m < 1)
            m = 1;
        double ox = 0, oy = y_top;
        cairo_user_to_device(cr, &ox, &oy);
        double inset = (double)(int)((side_dev - (double)m * total) / 2) +
                       (double)m * LABELS_QUIET_MODULES;
        cairo_identity_matrix(cr);
        qr_modules(cr, qr, (double)(int)(ox + 0.5) + inset,
                   (double)(int)(oy + 0.5) + inset, m);
    } else {
        print_qr_place pl = qr_place(L, qr);
        qr_modules(cr, qr, pl.x0, pl.y0, pl.m);
    }
    cairo_restore(cr);
}

/* Everything but the QR: background, the recorded fixed part, lot and
 * serial. */
static int draw_base(print_layout *L, cairo_t *cr, const labels_label *lab)
{
    cairo_save(cr);
    cairo_rectangle(cr, 0, 0, L->w, L->h);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_fill(cr);
    /* cairo 1.16's SVG surface leaks recording-surface sources, and an
     * SVG holds one label anyway: draw the fixed part directly there. */
    if (cairo_surface_get_type(cairo_get_target(cr)) ==
        CAIRO_SURFACE_TYPE_SVG) {
        draw_fixed(L, cr);
    } else {
        cairo_set_source_surface(cr, L->fixed, 0, 0);
        cairo_paint(cr);
    }
    cairo_restore(cr);

    if (!L->var) {
        L->var = pango_cairo_create_layout(cr);
        unhinted(cr, L->var);
        pango_layout_set_font_description(L->var, L->var_font);
        pango_layout_set_width(L->var, (int)(L->text_w * PANGO_SCALE));
        pango_layout_set_ellipsize(L->var, PANGO_ELLIPSIZE_END);
    } else {
        pango_cairo_update_layout(cr, L->var);
    }
    char line[96];
    snprintf(line, sizeof line, "Lô: %s\nSố: %lu", lab->lot,
             (unsigned long)lab->serial);
    pango_layout_set_text(L->var, line, -1);
    cairo_save(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_move_to(cr, L->text_x, L->var_y);
    pango_cairo_show_layout(cr, L->var);
    cairo_restore(cr);
    return cairo_status(cr) == CAIRO_STATUS_SUCCESS ? LABELS_OK : LABELS_ERR_IO;
}

int print_layout_draw(print_layout *L, cairo_t *cr, const labels_label *lab,
                      const char *qr_text, size_t qr_len, double dev_per_pt)
{
    if (!L || !cr || !lab || !qr_text)
        return LABELS_ERR_ARG;
    labels_qr qr;
    int rc = labels_qr_encode(qr_text, qr_len, &qr);
    if (rc != LABELS_OK)
        return rc;
    rc = draw_base(L, cr, lab);
    if (rc == LABELS_OK)
        draw_qr(L, cr, &qr, dev_per_pt);
    labels_qr_free(&qr);
    if (rc == LABELS_OK && cairo_status(cr) != CAIRO_STATUS_SUCCESS)
        rc = LABELS_ERR_IO;
    return rc;
}

int print_layout_draw_deferred(print_layout *L, cairo_t *cr,
                               const labels_label *lab, const char *qr_text,
                               size_t qr_len, labels_qr *qr,
                               print_qr_place *place)
{
    if (!L || !cr || !lab || !qr_text || !qr || !place)
        return LABELS_ERR_ARG;
    int rc = labels_qr_encode(qr_text, qr_len, qr);
    if (rc != LABELS_OK)
        return rc;
    rc = draw_base(L, cr, lab);
    if (rc != LABELS_OK) {
        labels_qr_free(qr);
        return rc;
    }
    *place = qr_place(L, qr);
    return LABELS_OK;
}
