/* print_render.h -- one label onto a stream, for print_batch and the
 * single-label API (print.h). */
#ifndef OCOP_HOST_PRINT_RENDER_H
#define OCOP_HOST_PRINT_RENDER_H

#include "print.h"
#include "print_layout.h"

/* Keep *L matching the item's product, stars and size (made or remade as
 * needed), so a batch lays out its fixed text once. */
int print_layout_ensure(print_layout **L, const print_item *it, double w_mm,
                        double h_mm);

int print_png_stream(FILE *f, print_layout **L, const print_item *it,
                     const print_geom *g);
int print_svg_stream(FILE *f, print_layout **L, const print_item *it,
                     const print_geom *g);

#endif
