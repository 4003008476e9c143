/* raster.c -- one label per file: PNG (cairo image surface) and SVG
 * (cairo SVG surface). */
#include "print_internal.h"

#include <cairo-svg.h>
#include <errno.h>
#include <png.h>
#include <setjmp.h>
#include <stdlib.h>

#define PT_PER_MM (72.0 / 25.4)

int print_layout_ensure(print_layout **L, const print_item *it, double w_mm,
                        double h_mm)
{
    if (!it || !it->product || !it->label || !it->qr_text)
        return LABELS_ERR_ARG;
    int stars = it->label->stars;
    if (*L && print_layout_fits(*L, it->product, stars, w_mm, h_mm))
        return LABELS_OK;
    print_layout_free(*L);
    *L = NULL;
    return print_layout_new(it->product, stars, w_mm, h_mm, L);
}

static cairo_status_t to_file(void *closure, const unsigned char *data,
                              unsigned int len)
{
    return fwrite(data, 1, len, closure) == len ? CAIRO_STATUS_SUCCESS
                                                : CAIRO_STATUS_WRITE_ERROR;
}

static int cairo_err(cairo_status_t st)
{
    if (st == CAIRO_STATUS_SUCCESS)
        return LABELS_OK;
    if (st == CAIRO_STATUS_WRITE_ERROR) {
        if (!errno)
            errno = EIO;
        return LABELS_ERR_IO;
    }
    return st == CAIRO_STATUS_NO_MEMORY ? LABELS_ERR_NOMEM : LABELS_ERR_IMAGE;
}

/* RGB PNG of an RGB24 image surface, with its resolution recorded. Our
 * own writer rather than cairo's: a low zlib level and the "Sub" filter
 * write a label about twice as fast for ~35% more bytes, which matters
 * when a batch is ten thousand files. Write errors surface when the
 * caller flushes and closes f. */
static int png_out(FILE *f, cairo_surface_t *s, int dpi)
{
    cairo_surface_flush(s);
    int w = cairo_image_surface_get_width(s);
    int h = cairo_image_surface_get_height(s);
    int stride = cairo_image_surface_get_stride(s);
    const unsigned char *data = cairo_image_surface_get_data(s);
    png_bytep row = malloc((size_t)w * 3);
    if (!row)
        return LABELS_ERR_NOMEM;
    png_structp png =
        png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!png || !info) {
        png_destroy_write_struct(&png, &info);
        free(row);
        return LABELS_ERR_NOMEM;
    }
    /* libpng reports errors by longjmp; nothing below is changed between
     * here and a jump, so no variable needs to be volatile. */
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        free(row);
        return LABELS_ERR_IMAGE;
    }
    png_init_io(png, f);
    png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8,
                 PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_uint_32 ppm = (png_uint_32)(dpi / 0.0254 + 0.5);
    png_set_pHYs(png, info, ppm, ppm, PNG_RESOLUTION_METER);
    png_set_compression_level(png, 2);
    png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_SUB);
    png_write_info(png, info);
    for (int y = 0; y < h; y++) {
        const uint32_t *px =
            (const uint32_t *)(const void *)(data + (size_t)y * (size_t)stride);
        for (int x = 0; x < w; x++) {
            row[3 * x] = (png_byte)(px[x] >> 16);
            row[3 * x + 1] = (png_byte)(px[x] >> 8);
            row[3 * x + 2] = (png_byte)px[x];
        }
        png_write_row(png, row);
    }
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    free(row);
    return ferror(f) ? LABELS_ERR_IO : LABELS_OK;
}

int print_png_stream(FILE *f, print_layout **L, const print_item *it,
                     const print_geom *g)
{
    if (!g || g->dpi < 72 || g->dpi > 2400)
        return LABELS_ERR_ARG;
    int rc = print_layout_ensure(L, it, g->w_mm, g->h_mm);
    if (rc != LABELS_OK)
        return rc;
    double dev_per_pt = g->dpi / 72.0;
    int w = (int)(g->w_mm * PT_PER_MM * dev_per_pt + 0.5);
    int h = (int)(g->h_mm * PT_PER_MM * dev_per_pt + 0.5);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(s); /* too large for cairo at this dpi */
        return LABELS_ERR_IMAGE;
    }
    cairo_t *cr = cairo_create(s);
    cairo_scale(cr, dev_per_pt, dev_per_pt);
    rc = print_layout_draw(*L, cr, it->label, it->qr_text, it->qr_len,
                           dev_per_pt);
    cairo_destroy(cr);
    if (rc == LABELS_OK)
        rc = png_out(f, s, g->dpi);
    cairo_surface_destroy(s);
    return rc;
}

int print_svg_stream(FILE *f, print_layout **L, const print_item *it,
                     const print_geom *g)
{
    if (!g)
        return LABELS_ERR_ARG;
    int rc = print_layout_ensure(L, it, g->w_mm, g->h_mm);
    if (rc != LABELS_OK)
        return rc;
    errno = 0;
    cairo_surface_t *s = cairo_svg_surface_create_for_stream(
        to_file, f, g->w_mm * PT_PER_MM, g->h_mm * PT_PER_MM);
    /* Points, not millimetres: cairo 1.16 writes the size in points
     * whatever unit it is told, so "pt" is the only unit that is right
     * with every cairo version. */
    cairo_svg_surface_set_document_unit(s, CAIRO_SVG_UNIT_PT);
    cairo_t *cr = cairo_create(s);
    rc = print_layout_draw(*L, cr, it->label, it->qr_text, it->qr_len, 0);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    if (rc == LABELS_OK)
        rc = cairo_err(cairo_surface_status(s));
    cairo_surface_destroy(s);
    return rc;
}

typedef int (*stream_fn)(FILE *, print_layout **, const print_item *,
                         const print_geom *);

static int one_file(const char *path, const print_item *it, const print_geom *g,
                    stream_fn fn)
{
    print_tmpfile t;
    int rc = print_tmpfile_open(&t, path);
    if (rc != LABELS_OK)
        return rc;
    print_layout *L = NULL;
    rc = fn(t.f, &L, it, g);
    print_layout_free(L);
    if (rc != LABELS_OK) {
        print_tmpfile_abort(&t);
        return rc;
    }
    return print_tmpfile_commit(&t);
}

int print_label_png(const char *path, const print_item *it, const print_geom *g)
{
    return one_file(path, it, g, print_png_stream);
}

int print_label_svg(const char *path, const print_item *it, const print_geom *g)
{
    return one_file(path, it, g, print_svg_stream);
}
