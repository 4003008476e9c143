/*
 * frames_gen.h -- camera-like grey frames of real signed labels, for the QR
 * reader's benchmark and tests. Deterministic: the same (category, level,
 * index, seed) always gives the same pixels and the same label.
 */
#ifndef FRAMES_GEN_H
#define FRAMES_GEN_H

#include "labels.h"

#include <stdint.h>

#define FG_WIDTH 640
#define FG_HEIGHT 480
#define FG_LEVELS 4 /* strengths per category, 0 mildest */

typedef enum fg_category {
    FG_BLUR = 0,
    FG_MOTION,
    FG_NOISE,
    FG_ROTATION,
    FG_TILT,
    FG_CYLINDER,
    FG_LOW_LIGHT,
    FG_LOW_CONTRAST,
    FG_GLARE,
    FG_SHADOW,
    FG_JPEG,
    FG_SMALL,
    FG_EMPTY, /* textured backgrounds and clutter, no code */
    FG_CATEGORY_COUNT
} fg_category;

const char *fg_category_name(int cat);

/* The signing key every generated label uses, derived from seed. */
int fg_keys(uint64_t seed, labels_pubkey *pub, labels_seckey *sec);

/* The QR text of the label drawn in frame (cat, level, index). */
int fg_label_text(const labels_seckey *sec, int cat, int level, int index,
                  char *text, size_t textsz, size_t *len);

/* Make one FG_WIDTH x FG_HEIGHT frame into *out (allocated; free with
 * labels_image_free). text/len: the QR text to draw (ignored for
 * FG_EMPTY). For FG_JPEG frames, jpeg and jpeg_len (may be NULL) get the
 * compressed file bytes whose decoding *out is (caller frees); otherwise
 * *jpeg is set to NULL. */
int fg_make(int cat, int level, int index, uint64_t seed, const char *text,
            size_t len, labels_image *out, uint8_t **jpeg, size_t *jpeg_len);

/* Write img as a binary PGM. 0 on success, -1 on failure. */
int fg_pgm_write(const char *path, const labels_image *img);

#endif
