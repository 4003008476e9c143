/* demo.h -- the demo world: the registry's contents generated
 * deterministically to match the programme's January 2020 figures, its
 * sample labels and a month of made-up kiosk scans. */
#ifndef OCOP_HOST_DEMO_H
#define OCOP_HOST_DEMO_H

#include "registry/registry.h"

#include <stdint.h>

/* The January 2020 figures the demo reproduces. */
#define DEMO_PRODUCTS 1129
#define DEMO_PRODUCERS 752
#define DEMO_PROVINCES 24
#define DEMO_PROPOSED5 16
#define DEMO_STARS4 336
#define DEMO_STARS3 777

struct demo_producer {
    struct reg_producer r;
    char
        first_certified[LABELS_DATE_SIZE]; /* its key is enrolled on this day */
};

struct demo_product {
    struct reg_product r;
    int producer; /* index into world.producers */
};

struct demo_world {
    char today[LABELS_DATE_SIZE]; /* the date the world is built "as of" */
    struct demo_producer producers[DEMO_PRODUCERS];
    struct demo_product products[DEMO_PRODUCTS];
};

/* Fill w for the given day (YYYY-MM-DD): names, groups, stars,
 * certificates and dates; the same day always gives the same world.
 * 4 products are expired, 5 suspended and 3 revoked; the rest rated. */
void demo_world_generate(struct demo_world *w, const char *today);

/* ---- Sample labels ---- */
/* One sample: its file name in the labels folder, the verdict a kiosk
 * must give on the demo date, the QR text, and (when there is one) the
 * label's fields as printed and the registry's record of the product
 * they name, for a printed layout. */
struct demo_sample {
    char file[64];
    const char *verdict;
    char text[LABELS_TEXT_MAX];
    size_t len;
    int have_label;
    labels_label label;
    int have_product;
    struct reg_product product;
    char producer_name[REG_NAME_MAX + 1];
};

/* Write every sample's image into dir in the printed label layout (names
 * from the mirror at mirror_path), plus dir/sheet.pdf holding every
 * printable sample on A4 sticker sheets. 0 or -1 with err set. */
int demo_labels_write(const char *dir, const char *mirror_path,
                      const struct demo_sample *s, size_t n, char *err,
                      size_t errsz);

/* ---- The whole world ---- */

/* How many sample labels demo_build writes (labels/expected.tsv). */
#define DEMO_SAMPLES 17

/* Build the demo world in dir (new or empty) as of today (YYYY-MM-DD, at
 * least 1300 days after 2020-01-01: labels carry dates from 2020): the
 * authority key, registry.db, products.csv, producer keys, mirror.db,
 * sample labels with labels/expected.tsv, the signed feed and kiosk.conf.
 * imported gets the products and new producers the CSV import added.
 * 0; -1 when nothing was written (err says why: the folder is not usable,
 * out of memory); -2 when the folder holds a half-built world (err says
 * why when it is known, else it is empty). */
int demo_build(const char *dir, const char *today, int imported[2], char *err,
               size_t errsz);

/* ---- Made-up kiosk scans ---- */

struct demo_scans_opts {
    const char *world;     /* the demo world's folder, or NULL */
    const char *collector; /* collector database to fill */
    const char *registry;  /* registry the products and keys come from */
    const char *date;      /* last day of the scans, YYYY-MM-DD */
    long count;            /* scans, 100 to 10000000 */
    long days;             /* days they span, 11 to 3650 */
    uint64_t seed;         /* the same seed gives the same scans */
};

struct demo_scans_result {
    long rows;
    size_t kiosks, provinces;
    char first[LABELS_DATE_SIZE]; /* first day of the scans */
    char hotspot[2][128];         /* the provinces with planted forgeries */
    char clone_key[LABELS_KEY_ID_HEX_SIZE]; /* the planted cloned label: signer
                                               key ID */
    char clone_code[16];                    /* and product code */
};

/* Enroll demo kiosks (2-3 per province of the registry) in the collector
 * and write made-up scans and findings into it in one transaction: demo
 * data, not signed batches (batch_id "demo"). 0, or -1 with err set. */
int demo_scans_write(const struct demo_scans_opts *o,
                     struct demo_scans_result *r, char *err, size_t errsz);

#endif
