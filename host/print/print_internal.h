/* print_internal.h -- what the files of print/ share and nothing else
 * includes: where things go on one label (cairo+pango), files that appear
 * only when complete, one label onto a stream. */
#ifndef OCOP_HOST_PRINT_INTERNAL_H
#define OCOP_HOST_PRINT_INTERNAL_H

#include <cairo.h>
#include <labels.h>
#include <stdio.h>

#include "print.h"

/* The fonts every printed text asks for, first found wins. */
#define FONT_FAMILIES "Noto Sans, DejaVu Sans, sans-serif"

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

/* output files and folders that appear only when complete. */
/* A file being written as "<path>.tmp.<pid>". commit flushes, fsyncs and
 * renames it over path; abort closes and deletes it. Both free t. */
typedef struct print_tmpfile {
    FILE *f;
    char *path;
    char *tmp;
} print_tmpfile;

int print_tmpfile_open(print_tmpfile *t, const char *path);
int print_tmpfile_commit(print_tmpfile *t);
void print_tmpfile_abort(print_tmpfile *t);

/* A folder being filled as "<path>.tmp.<pid>", renamed to path (which
 * must not exist: LABELS_ERR_EXISTS) once every file in it is synced. */
typedef struct print_tmpdir {
    char *path;
    char *tmp;
} print_tmpdir;

int print_tmpdir_open(print_tmpdir *d, const char *path);
/* Full path of name inside the temporary folder, in buf. */
int print_tmpdir_file(const print_tmpdir *d, const char *name, char *buf,
                      size_t bufsz);
int print_tmpdir_commit(print_tmpdir *d);
void print_tmpdir_abort(print_tmpdir *d);

/* one label onto a stream, for print_batch and the
 * single-label API (print.h). */
/* Keep *L matching the item's product, stars and size (made or remade as
 * needed), so a batch lays out its fixed text once. */
int print_layout_ensure(print_layout **L, const print_item *it, double w_mm,
                        double h_mm);

int print_png_stream(FILE *f, print_layout **L, const print_item *it,
                     const print_geom *g);
int print_svg_stream(FILE *f, print_layout **L, const print_item *it,
                     const print_geom *g);

#endif
