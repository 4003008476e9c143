/*
 * print.h -- signed OCOP labels as printable files: PNG, SVG, PDF sticker
 * sheets, ZPL (Zebra) and TSPL (TSC/Xprinter).
 *
 * Two levels. One label at a time (print_label_png/svg, print_sheet_*) for
 * callers that already hold signed labels, such as the demo generator; and
 * print_batch(), which signs and writes a whole serial range the way
 * `ocop-host print` does. Every file is written under a temporary name and
 * renamed into place only when complete, so a failed run leaves nothing.
 * Functions return a labels_err code (LABELS_ERR_IO leaves errno set).
 * Formats and layout choices are described in docs/printing.md.
 */
#ifndef OCOP_HOST_PRINT_H
#define OCOP_HOST_PRINT_H

#include <labels.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>

typedef enum print_format {
    PRINT_PNG, /* a folder with one PNG per label */
    PRINT_SVG, /* a folder with one SVG per label */
    PRINT_PDF, /* one PDF of sticker sheets */
    PRINT_ZPL, /* one ZPL file, one ^XA..^XZ format per label */
    PRINT_TSPL /* one TSPL file, one CLS..PRINT per label */
} print_format;

/* "png", "svg", ... to a format; -1 if unknown. */
int print_format_parse(const char *word);

/* Size of one label and, for raster and thermal output, the resolution. */
typedef struct print_geom {
    double w_mm, h_mm;
    int dpi;
} print_geom;

#define PRINT_LABEL_W_MM 60.0
#define PRINT_LABEL_H_MM 40.0
#define PRINT_PNG_DPI 300
#define PRINT_THERMAL_DPI 203

/* A sticker sheet: paper size, grid and margins, all in millimetres.
 * rows or cols 0: as many as fit. */
typedef struct print_sheet_opts {
    double paper_w_mm, paper_h_mm;
    int rows, cols;
    double label_w_mm, label_h_mm;
    double margin_mm;
    int crop_marks;
} print_sheet_opts;

/* A4 portrait, 60 x 40 mm labels, 8 mm margins, grid to fit. */
void print_sheet_defaults(print_sheet_opts *o);
/* Resolve rows/cols 0 and check that the grid fits the paper:
 * LABELS_ERR_ARG if it does not. */
int print_sheet_resolve(print_sheet_opts *o);

/* One signed label as the printer sees it: its fields, its QR text, and
 * the product record whose name and producer it shows. */
typedef struct print_item {
    const labels_product *product;
    const labels_label *label;
    const char *qr_text;
    size_t qr_len;
} print_item;

/* One label to a PNG file (atomically). */
int print_label_png(const char *path, const print_item *it,
                    const print_geom *g);
/* One label to an SVG file (atomically). */
int print_label_svg(const char *path, const print_item *it,
                    const print_geom *g);

/* A PDF of sticker sheets, written page by page to a temporary file:
 * memory does not grow with the number of labels. commit renames it to
 * path; abort (also safe after a failed add) deletes it. Both free s. */
typedef struct print_sheet print_sheet;
int print_sheet_open(const char *path, const print_sheet_opts *o,
                     print_sheet **out);
int print_sheet_add(print_sheet *s, const print_item *it);
int print_sheet_commit(print_sheet *s);
void print_sheet_abort(print_sheet *s);

/* Thermal printer formats: one label's commands appended to f. Text is
 * folded to ASCII (docs/printing.md says why). Returns LABELS_ERR_IO if
 * the stream failed. */
int print_zpl_label(FILE *f, const print_item *it, const print_geom *g);
int print_tspl_header(FILE *f, const print_geom *g);
int print_tspl_label(FILE *f, const print_item *it, const print_geom *g);

/* ASCII for a thermal printer's built-in font: Vietnamese letters lose
 * their marks (đ -> d), anything else unprintable becomes '?', and the
 * characters in reject (command prefixes, quotes) become ' '. */
void print_ascii_fold(const char *utf8, const char *reject, char *out,
                      size_t outsz);

/* How p's name lays out on a w_mm x h_mm label of stars stars: *lines
 * lines, and *cut non-zero when even those could not hold it (it then
 * ends in "…"). For a producer's tool to warn before printing. */
int print_name_fit(const labels_product *p, int stars, double w_mm, double h_mm,
                   int *lines, int *cut);

/* A whole batch: sign serials first..last of (product, lot, stars,
 * issued) with sec and write them in format to out (a folder for PNG and
 * SVG, which must not exist yet; a file otherwise, replaced atomically).
 * The product record is NOT checked here: that is sign_policy's job. */
typedef struct print_job {
    const labels_product *product;
    const char *lot;
    int stars;
    uint16_t issued;
    uint32_t first, last;
    const char *host; /* NULL: LABELS_DEMO_HOST */
    print_format format;
    const char *out;
    print_geom geom;        /* PNG/SVG/ZPL/TSPL label size and dpi */
    print_sheet_opts sheet; /* PDF */
    /* NULL, or a flag (set by the caller's signal handler) checked between
     * labels: once non-zero the run removes what it wrote and returns
     * LABELS_ERR_IO with errno EINTR. */
    const volatile sig_atomic_t *stop;
} print_job;

/* Labels one print run makes unless the caller asks for more
 * (docs/printing.md): a typo in --serials cannot fill a disk. */
#define PRINT_MAX_LABELS 100000

int print_batch(const print_job *job, const labels_seckey *sec);

/* The record of printed ranges beside a producer's secret key
 * (docs/printing.md): "<key>.printed", text, the line "# ocop printed
 * ranges v1", then one line per run "LOT FIRST LAST YYYY-MM-DD" (the
 * labels' issue date), fields separated by single spaces; mode 0600,
 * replaced through a temporary file. */
typedef struct print_range {
    char lot[LABELS_CODE_MAX + 1];
    uint32_t first, last;
    char issued[LABELS_DATE_SIZE];
} print_range;

/* "<key_path>.printed" into out; LABELS_ERR_ARG if it does not fit. */
int print_record_path(const char *key_path, char *out, size_t outsz);
/* LABELS_OK when no recorded range of lot meets first..last (a missing
 * record is empty); LABELS_ERR_EXISTS with the first such range in
 * *clash; LABELS_ERR_FIELD for a file that is not a record, LABELS_ERR_IO
 * when it cannot be read (a sentence in err either way). */
int print_record_check(const char *key_path, const char *lot, uint32_t first,
                       uint32_t last, print_range *clash, char *err,
                       size_t errsz);
/* Append the range to the record (created when missing), atomically. */
int print_record_add(const char *key_path, const char *lot, uint32_t first,
                     uint32_t last, uint16_t issued, char *err, size_t errsz);

/* Release the font caches cairo and pango keep for the process (call once
 * at exit, after the last print_* call), so leak checkers see only what
 * fontconfig itself never frees (tests/lsan.supp). */
void print_cleanup(void);

/* ---- Inspectors' badge cards (badge_card.c) ----------------------------- */

/* The printable card of badge b (a CR80 card, 85.6 x 54 mm, one PDF
 * page): the programme's heading, the inspector's name, ID and province,
 * the last valid day, and the badge's QR (qr_text, as
 * labels_badge_format wrote it). Into a malloc'd buffer *pdf of *len
 * bytes. LABELS_OK, LABELS_ERR_NOMEM or LABELS_ERR_IMAGE. */
int print_badge_card(const labels_badge *b, const char *qr_text,
                     unsigned char **pdf, size_t *len);
/* The same card written to path (temporary file, then rename). */
int print_badge_card_file(const labels_badge *b, const char *qr_text,
                          const char *path);

#endif
