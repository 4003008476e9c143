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
    /* issue 15: closer to what a kiosk camera and real photos show */
    FG_PRINTED,  /* whole printed labels (code beside its text), small */
    FG_STEEP,    /* strong perspective on small codes */
    FG_DEFOCUS,  /* fixed-focus camera close up: disc-shaped blur */
    FG_CRUMPLED, /* crumpled, curved, glossy pouches */
    FG_MULTI,    /* several printed labels in one frame */
    FG_EMPTY,    /* textured backgrounds and clutter, no code */
    FG_CATEGORY_COUNT
} fg_category;

/* The categories before this one are issue 5's (their frames are the
 * same as then); from it on, issue 15's. */
#define FG_CLASSIC FG_PRINTED
#define FG_MAX_LABELS 4 /* labels in one frame, at most */

const char *fg_category_name(int cat);

/* The signing key every generated label uses, derived from seed. */
int fg_keys(uint64_t seed, labels_pubkey *pub, labels_seckey *sec);

/* The QR text of the label drawn in frame (cat, level, index). */
int fg_label_text(const labels_seckey *sec, int cat, int level, int index,
                  char *text, size_t textsz, size_t *len);

/* How many labels frames of (cat, level) hold: 1, more for FG_MULTI, 0
 * for FG_EMPTY. */
int fg_label_count(int cat, int level);

/* The text of label k (0 .. fg_label_count - 1) in frame (cat, level,
 * index); k 0 is fg_label_text's. */
int fg_label_text_k(const labels_seckey *sec, int cat, int level, int index,
                    int k, char *text, size_t textsz, size_t *len);

/* Make one FG_WIDTH x FG_HEIGHT frame into *out (allocated; free with
 * labels_image_free). text/len: the QR text to draw (ignored for
 * FG_EMPTY). For FG_JPEG frames, jpeg and jpeg_len (may be NULL) get the
 * compressed file bytes whose decoding *out is (caller frees); otherwise
 * *jpeg is set to NULL. */
int fg_make(int cat, int level, int index, uint64_t seed, const char *text,
            size_t len, labels_image *out, uint8_t **jpeg, size_t *jpeg_len);

/* As fg_make, with the texts of all fg_label_count(cat, level) labels
 * (FG_MULTI needs this one). */
int fg_make_n(int cat, int level, int index, uint64_t seed,
              const char *const *texts, const size_t *lens, int ntexts,
              labels_image *out, uint8_t **jpeg, size_t *jpeg_len);

/* Write img as a binary PGM. 0 on success, -1 on failure. */
int fg_pgm_write(const char *path, const labels_image *img);

#endif
