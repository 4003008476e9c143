/* test_reader_frames.c -- the reader tests' one-shot read of a generated
 * frame (test_reader_frames.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "frames_gen.h"
#include "labels.h"
#include "reader_int.h" /* rd_last_pixels, rd_last_hit */
#include "test_reader_frames.h"

#include <string.h>

/* Every text read must be one of the frame's labels and verify; *seen
 * marks which. */
typedef struct want {
    int n;
    char text[FG_MAX_LABELS][LABELS_TEXT_MAX + 1];
    size_t len[FG_MAX_LABELS];
    int seen[FG_MAX_LABELS];
    const labels_pubkey *pub;
} want;

static int check_code(void *ctx, const char *data, size_t len)
{
    want *w = ctx;
    int k = 0;
    while (k < w->n &&
           !(w->len[k] == len && memcmp(w->text[k], data, len) == 0))
        k++;
    assert_true(k < w->n); /* nothing but what was drawn */
    labels_label lab;
    assert_int_equal(labels_parse(data, len, &lab), LABELS_OK);
    assert_int_equal(labels_verify(&lab, w->pub), LABELS_OK);
    w->seen[k] = 1;
    return 0;
}

/* Frame (cat, level, idx) of seed s held before the reader for up to
 * frames calls of the given effort (until every label is read); how many
 * of its labels were read; *used: the calls it took. */
static int frame_read(unsigned long long seed, int cat, int level, int idx,
                      int effort, int frames, int *nlabels, double *px,
                      int *used, const char **hit)
{
    labels_pubkey pub;
    labels_seckey sec;
    assert_int_equal(fg_keys(seed, &pub, &sec), LABELS_OK);
    want w;
    memset(&w, 0, sizeof w);
    w.pub = &pub;
    w.n = fg_label_count(cat, level);
    const char *texts[FG_MAX_LABELS];
    for (int k = 0; k < w.n; k++) {
        assert_int_equal(fg_label_text_k(&sec, cat, level, idx, k, w.text[k],
                                         sizeof w.text[k], &w.len[k]),
                         LABELS_OK);
        texts[k] = w.text[k];
    }
    labels_image img;
    assert_int_equal(
        fg_make_n(cat, level, idx, seed, texts, w.len, w.n, &img, NULL, NULL),
        LABELS_OK);
    labels_reader *rd = labels_reader_new();
    assert_non_null(rd);
    int read = 0, calls = 0;
    while (read < w.n && calls < frames) {
        assert_int_equal(labels_read(rd, &img, effort, check_code, &w, NULL),
                         LABELS_OK);
        calls++;
        read = 0;
        for (int k = 0; k < w.n; k++)
            read += w.seen[k];
        if (hit && rd_last_hit(rd))
            *hit = rd_last_hit(rd);
    }
    if (px)
        *px = rd_last_pixels(rd);
    if (used)
        *used = calls;
    labels_reader_free(rd);
    labels_image_free(&img);
    labels_seckey_wipe(&sec);
    *nlabels = w.n;
    return read;
}

int reader_frame_read(unsigned long long seed, int cat, int level, int idx,
                      int *nlabels, double *px)
{
    return frame_read(seed, cat, level, idx, LABELS_EFFORT_FULL, 1, nlabels, px,
                      NULL, NULL);
}

int reader_frame_live(unsigned long long seed, int cat, int level, int idx,
                      int frames, const char **hit)
{
    int n, used;
    *hit = NULL;
    int read = frame_read(seed, cat, level, idx, LABELS_EFFORT_FRAME, frames,
                          &n, NULL, &used, hit);
    assert_int_equal(n, 1);
    return read ? used : 0;
}

void reader_frame_one_read(unsigned long long s, int cat, int level, int idx)
{
    int n;
    int read = reader_frame_read(s, cat, level, idx, &n, NULL);
    assert_int_equal(n, 1);
    assert_int_equal(read, 1);
}

static int count_code(void *ctx, const char *data, size_t len, const int b[4])
{
    (void)data;
    (void)len;
    (void)b;
    ++*(int *)ctx;
    return 1;
}

int reader_zbar_reads(const labels_image *img)
{
    rd_zbar *z = rd_zbar_new();
    assert_non_null(z);
    int n = 0;
    assert_int_equal(rd_zbar_decode(z, img, count_code, &n, NULL), LABELS_OK);
    rd_zbar_free(z);
    return n;
}
