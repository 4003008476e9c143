/* pdf.c -- sticker sheets: labels in a rows x cols grid on A4 or
 * Letter, streamed page by page into a temporary PDF. */
#include "print_internal.h"

#include <cairo-pdf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define PT_PER_MM (72.0 / 25.4)

/* A label on the current page whose QR is still to be drawn. */
struct pending {
    labels_qr qr;
    double tx, ty; /* label corner on the page */
    print_qr_place place;
};

struct print_sheet {
    print_sheet_opts o;
    struct pending *pend; /* rows * cols */
    print_tmpfile out;
    cairo_surface_t *surface;
    cairo_t *cr;
    print_layout *layout;
    int slot; /* next free cell on the current page */
    int write_failed;
    int saved_errno;
    int nomem; /* a page's QR image could not be made */
};

void print_sheet_defaults(print_sheet_opts *o)
{
    o->paper_w_mm = 210;
    o->paper_h_mm = 297;
    o->rows = 0;
    o->cols = 0;
    o->label_w_mm = PRINT_LABEL_W_MM;
    o->label_h_mm = PRINT_LABEL_H_MM;
    o->margin_mm = 8;
    o->crop_marks = 0;
}

int print_sheet_resolve(print_sheet_opts *o)
{
    if (!(o->label_w_mm >= 20) || !(o->label_h_mm >= 15) ||
        !(o->margin_mm >= 0) || !(o->paper_w_mm > 0) || !(o->paper_h_mm > 0) ||
        o->rows < 0 || o->cols < 0 || o->rows > 1000 || o->cols > 1000)
        return LABELS_ERR_ARG;
    double uw = o->paper_w_mm - 2 * o->margin_mm;
    double uh = o->paper_h_mm - 2 * o->margin_mm;
    /* A hair of tolerance so 3 x 70 mm fits 210 mm exactly. */
    int fit_c = (int)((uw + 1e-6) / o->label_w_mm);
    int fit_r = (int)((uh + 1e-6) / o->label_h_mm);
    if (o->cols == 0)
        o->cols = fit_c;
    if (o->rows == 0)
        o->rows = fit_r;
    if (o->cols < 1 || o->rows < 1 || o->cols > fit_c || o->rows > fit_r)
        return LABELS_ERR_ARG;
    return LABELS_OK;
}

static cairo_status_t to_file(void *closure, const unsigned char *data,
                              unsigned int len)
{
    print_sheet *s = closure;
    if (fwrite(data, 1, len, s->out.f) == len)
        return CAIRO_STATUS_SUCCESS;
    if (!s->write_failed) {
        s->write_failed = 1;
        s->saved_errno = errno ? errno : EIO;
    }
    return CAIRO_STATUS_WRITE_ERROR;
}

int print_sheet_open(const char *path, const print_sheet_opts *o,
                     print_sheet **out)
{
    if (!path || !o || !out)
        return LABELS_ERR_ARG;
    print_sheet *s = calloc(1, sizeof *s);
    if (!s)
        return LABELS_ERR_NOMEM;
    s->o = *o;
    int rc = print_sheet_resolve(&s->o);
    if (rc == LABELS_OK) {
        s->pend =
            calloc((size_t)s->o.rows * (size_t)s->o.cols, sizeof *s->pend);
        if (!s->pend)
            rc = LABELS_ERR_NOMEM;
    }
    if (rc == LABELS_OK)
        rc = print_tmpfile_open(&s->out, path);
    if (rc != LABELS_OK) {
        free(s->pend);
        free(s);
        return rc;
    }
    s->surface = cairo_pdf_surface_create_for_stream(
        to_file, s, s->o.paper_w_mm * PT_PER_MM, s->o.paper_h_mm * PT_PER_MM);
    cairo_pdf_surface_set_metadata(s->surface, CAIRO_PDF_METADATA_TITLE,
                                   "OCOP labels");
    cairo_pdf_surface_set_metadata(s->surface, CAIRO_PDF_METADATA_CREATOR,
                                   "ocop-host print");
    s->cr = cairo_create(s->surface);
    if (cairo_status(s->cr) != CAIRO_STATUS_SUCCESS) {
        print_sheet_abort(s);
        return LABELS_ERR_NOMEM;
    }
    *out = s;
    return LABELS_OK;
}

/* Short cut lines in the margins, in line with every label edge, so a
 * guillotine can be set without marks on the labels themselves. */
static void crop_marks(print_sheet *s)
{
    const print_sheet_opts *o = &s->o;
    double m = o->margin_mm * PT_PER_MM;
    double lw = o->label_w_mm * PT_PER_MM, lh = o->label_h_mm * PT_PER_MM;
    double pw = o->paper_w_mm * PT_PER_MM, ph = o->paper_h_mm * PT_PER_MM;
    double len = m * 0.6, gap = m * 0.2;
    if (m < 2 * PT_PER_MM)
        return; /* no margin to put them in */
    cairo_t *cr = s->cr;
    cairo_save(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 0.25);
    double gx1 = m + o->cols * lw, gy1 = m + o->rows * lh;
    for (int c = 0; c <= o->cols; c++) {
        double x = m + c * lw;
        cairo_move_to(cr, x, m - gap - len);
        cairo_line_to(cr, x, m - gap);
        cairo_move_to(cr, x, gy1 + gap);
        cairo_line_to(cr, x, gy1 + gap + len < ph ? gy1 + gap + len : ph);
    }
    for (int r = 0; r <= o->rows; r++) {
        double y = m + r * lh;
        cairo_move_to(cr, m - gap - len, y);
        cairo_line_to(cr, m - gap, y);
        cairo_move_to(cr, gx1 + gap, y);
        cairo_line_to(cr, gx1 + gap + len < pw ? gx1 + gap + len : pw, y);
    }
    cairo_stroke(cr);
    cairo_restore(cr);
}

static int status_rc(print_sheet *s)
{
    cairo_status_t st = cairo_status(s->cr);
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_status(s->surface);
    if (s->nomem)
        return LABELS_ERR_NOMEM;
    if (st == CAIRO_STATUS_SUCCESS && !s->write_failed)
        return LABELS_OK;
    if (s->write_failed) {
        errno = s->saved_errno;
        return LABELS_ERR_IO;
    }
    return st == CAIRO_STATUS_NO_MEMORY ? LABELS_ERR_NOMEM : LABELS_ERR_IMAGE;
}

/* The page's QRs as one 1-bit image, a tile per label in grid order,
 * each label showing its own tile through a clip, scaled without
 * interpolation. One image per page rather than one per label matters:
 * cairo keeps a record of every image a PDF uses until the end, and a
 * path of rectangles per label is five times slower to write. Modules
 * stay exact squares at any printer resolution. */
static void flush_qrs(print_sheet *s)
{
    int cols = s->o.cols, n = s->slot;
    int tile = 0;
    for (int i = 0; i < n; i++)
        if (s->pend[i].qr.width > tile)
            tile = s->pend[i].qr.width;
    int rows = (n + cols - 1) / cols;
    if (tile == 0)
        return;
    cairo_surface_t *img =
        cairo_image_surface_create(CAIRO_FORMAT_A1, tile * cols, tile * rows);
    if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(img);
        s->nomem = 1;
        return;
    }
    cairo_surface_flush(img);
    unsigned char *px = cairo_image_surface_get_data(img);
    int stride = cairo_image_surface_get_stride(img);
    memset(px, 0, (size_t)stride * (size_t)(tile * rows));
    for (int i = 0; i < n; i++) {
        const labels_qr *qr = &s->pend[i].qr;
        int ox = (i % cols) * tile, oy = (i / cols) * tile;
        for (int y = 0; y < qr->width; y++) {
            uint32_t *row =
                (uint32_t *)(void *)(px + (size_t)(oy + y) * (size_t)stride);
            for (int x = 0; x < qr->width; x++) {
                if (!qr->modules[y * qr->width + x])
                    continue;
                int b = ox + x;
                /* A1 pixels are bits of native-endian 32-bit words. */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
                row[b >> 5] |= (uint32_t)1 << (b & 31);
#else
                row[b >> 5] |= (uint32_t)1 << (31 - (b & 31));
#endif
            }
        }
    }
    cairo_surface_mark_dirty(img);
    cairo_pattern_t *pat = cairo_pattern_create_for_surface(img);
    cairo_pattern_set_filter(pat, CAIRO_FILTER_NEAREST);
    cairo_t *cr = s->cr;
    for (int i = 0; i < n; i++) {
        const struct pending *p = &s->pend[i];
        double m = p->place.m, side = p->qr.width * m;
        double x0 = p->tx + p->place.x0, y0 = p->ty + p->place.y0;
        cairo_matrix_t mx;
        cairo_matrix_init_translate(&mx, (i % cols) * tile, (i / cols) * tile);
        cairo_matrix_scale(&mx, 1 / m, 1 / m);
        cairo_matrix_translate(&mx, -x0, -y0);
        cairo_pattern_set_matrix(pat, &mx);
        cairo_save(cr);
        cairo_rectangle(cr, x0, y0, side, side);
        cairo_clip(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
        cairo_mask(cr, pat);
        cairo_restore(cr);
    }
    cairo_pattern_destroy(pat);
    cairo_surface_destroy(img);
}

static void drop_pending(print_sheet *s)
{
    int cells = s->o.rows * s->o.cols;
    for (int i = 0; i < cells; i++)
        labels_qr_free(&s->pend[i].qr);
}

/* Finish the current page: its QRs, then cairo writes it out and keeps
 * nothing of it. */
static void end_page(print_sheet *s)
{
    flush_qrs(s);
    drop_pending(s);
    cairo_show_page(s->cr);
    s->slot = 0;
}

int print_sheet_add(print_sheet *s, const print_item *it)
{
    if (!s || !it)
        return LABELS_ERR_ARG;
    const print_sheet_opts *o = &s->o;
    int rc = print_layout_ensure(&s->layout, it, o->label_w_mm, o->label_h_mm);
    if (rc != LABELS_OK)
        return rc;
    if (s->slot == 0 && o->crop_marks)
        crop_marks(s);
    int r = s->slot / o->cols, c = s->slot % o->cols;
    struct pending *p = &s->pend[s->slot];
    p->tx = (o->margin_mm + c * o->label_w_mm) * PT_PER_MM;
    p->ty = (o->margin_mm + r * o->label_h_mm) * PT_PER_MM;
    cairo_save(s->cr);
    cairo_translate(s->cr, p->tx, p->ty);
    rc = print_layout_draw_deferred(s->layout, s->cr, it->label, it->qr_text,
                                    it->qr_len, &p->qr, &p->place);
    cairo_restore(s->cr);
    if (rc != LABELS_OK)
        return rc;
    if (++s->slot == o->rows * o->cols)
        end_page(s);
    return status_rc(s);
}

int print_sheet_commit(print_sheet *s)
{
    if (!s)
        return LABELS_ERR_ARG;
    if (s->slot > 0)
        end_page(s);
    int rc = status_rc(s);
    cairo_destroy(s->cr);
    s->cr = NULL;
    cairo_surface_finish(s->surface);
    if (rc == LABELS_OK &&
        (cairo_surface_status(s->surface) != CAIRO_STATUS_SUCCESS ||
         s->write_failed)) {
        errno = s->write_failed ? s->saved_errno : EIO;
        rc = LABELS_ERR_IO;
    }
    cairo_surface_destroy(s->surface);
    s->surface = NULL;
    if (rc == LABELS_OK)
        rc = print_tmpfile_commit(&s->out);
    else
        print_tmpfile_abort(&s->out);
    print_layout_free(s->layout);
    free(s->pend);
    free(s);
    return rc;
}

void print_sheet_abort(print_sheet *s)
{
    if (!s)
        return;
    if (s->cr)
        cairo_destroy(s->cr);
    if (s->surface) {
        cairo_surface_finish(s->surface);
        cairo_surface_destroy(s->surface);
    }
    print_tmpfile_abort(&s->out);
    print_layout_free(s->layout);
    if (s->pend) {
        drop_pending(s);
        free(s->pend);
    }
    free(s);
}
