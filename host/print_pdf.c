/* print_pdf.c -- sticker sheets: labels in a rows x cols grid on A4 or
 * Letter, streamed page by page into a temporary PDF. */
#include "print_file.h"
#include "print_render.h"

#include <cairo-pdf.h>
#include <errno.h>
#include <stdlib.h>

#define PT_PER_MM (72.0 / 25.4)

struct print_sheet {
    print_sheet_opts o;
    print_tmpfile out;
    cairo_surface_t *surface;
    cairo_t *cr;
    print_layout *layout;
    int slot; /* next free cell on the current page */
    int write_failed;
    int saved_errno;
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
    if (rc == LABELS_OK)
        rc = print_tmpfile_open(&s->out, path);
    if (rc != LABELS_OK) {
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
    if (st == CAIRO_STATUS_SUCCESS && !s->write_failed)
        return LABELS_OK;
    if (s->write_failed) {
        errno = s->saved_errno;
        return LABELS_ERR_IO;
    }
    return st == CAIRO_STATUS_NO_MEMORY ? LABELS_ERR_NOMEM : LABELS_ERR_IMAGE;
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
    cairo_save(s->cr);
    cairo_translate(s->cr, (o->margin_mm + c * o->label_w_mm) * PT_PER_MM,
                    (o->margin_mm + r * o->label_h_mm) * PT_PER_MM);
    rc = print_layout_draw(s->layout, s->cr, it->label, it->qr_text,
                           it->qr_len, 0);
    cairo_restore(s->cr);
    if (rc != LABELS_OK)
        return rc;
    if (++s->slot == o->rows * o->cols) {
        /* cairo writes the finished page out now; nothing of it stays. */
        cairo_show_page(s->cr);
        s->slot = 0;
    }
    return status_rc(s);
}

int print_sheet_commit(print_sheet *s)
{
    if (!s)
        return LABELS_ERR_ARG;
    if (s->slot > 0)
        cairo_show_page(s->cr);
    int rc = status_rc(s);
    cairo_destroy(s->cr);
    s->cr = NULL;
    cairo_surface_finish(s->surface);
    if (rc == LABELS_OK && (cairo_surface_status(s->surface) != CAIRO_STATUS_SUCCESS ||
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
    free(s);
}
