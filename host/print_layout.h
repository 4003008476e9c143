/* print_layout.h -- where things go on one label, drawn with cairo+pango. */
#ifndef OCOP_HOST_PRINT_LAYOUT_H
#define OCOP_HOST_PRINT_LAYOUT_H

#include <cairo.h>
#include <labels.h>

/* The parts of a label that are the same for a whole batch (OCOP mark,
 * stars, product name, producer) are laid out once and recorded, so each
 * label only adds its QR and its lot/serial line. */
typedef struct print_layout print_layout;

/* A layout for product p with the given stars on a w_mm x h_mm label. */
int print_layout_new(const labels_product *p, int stars, double w_mm,
                     double h_mm, print_layout **out);
/* Non-zero if L was made for exactly this product, stars and size. */
int print_layout_fits(const print_layout *L, const labels_product *p, int stars,
                      double w_mm, double h_mm);
void print_layout_free(print_layout *L);

/* Draw one label with its top-left corner at cr's user-space origin, one
 * user unit per point. dev_per_pt > 0 (raster targets) snaps QR modules
 * to whole device pixels so that they stay sharp; 0 for vector output. */
int print_layout_draw(print_layout *L, cairo_t *cr, const labels_label *lab,
                      const char *qr_text, size_t qr_len, double dev_per_pt);

/* Where a QR goes on the label: the top-left corner of its first module
 * and the module size, in points from the label's corner. */
typedef struct print_qr_place {
    double x0, y0, m;
} print_qr_place;

/* Like print_layout_draw, but the QR is left out: it is encoded into *qr
 * (free with labels_qr_free) and *place says where it belongs, for
 * callers that draw many QRs together (PDF sheets, print_pdf.c). */
int print_layout_draw_deferred(print_layout *L, cairo_t *cr,
                               const labels_label *lab, const char *qr_text,
                               size_t qr_len, labels_qr *qr,
                               print_qr_place *place);

#endif
