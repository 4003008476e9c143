/* test_reader_frames.c -- the reader tests' one-shot read of a generated
 * frame (test_reader_frames.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "frames_gen.h"
#include "labels.h"
#include "reader_int.h" /* rd_last_pixels */
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

int reader_frame_read(unsigned long long seed, int cat, int level, int idx,
                      int *nlabels, double *px)
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
    assert_int_equal(
        labels_read(rd, &img, LABELS_EFFORT_FULL, check_code, &w, NULL),
        LABELS_OK);
    int read = 0;
    for (int k = 0; k < w.n; k++)
        read += w.seen[k];
    if (px)
        *px = rd_last_pixels(rd);
    labels_reader_free(rd);
    labels_image_free(&img);
    labels_seckey_wipe(&sec);
    *nlabels = w.n;
    return read;
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
