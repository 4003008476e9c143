/* test_reader_frames.h -- the reader tests' one-shot read of a frame of
 * bench_reader's generator (bench/frames_gen.c), every text checked. */
#ifndef TEST_READER_FRAMES_H
#define TEST_READER_FRAMES_H

#include "labels.h"

/* Read frame (cat, level, idx) of seed s in one-shot mode; how many of
 * its labels were read (cmocka fails the test on any other text or one
 * that does not verify). *nlabels: how many the frame holds. *px (may be
 * NULL): the pixels the reader gave ZBar, every pass together (what it
 * cost, without a clock). */
int reader_frame_read(unsigned long long s, int cat, int level, int idx,
                      int *nlabels, double *px);

/* Frame (cat, level, idx) of seed s holds one label, and the one-shot
 * reader reads it (cmocka fails the test otherwise). */
void reader_frame_one_read(unsigned long long s, int cat, int level, int idx);

/* Frame (cat, level, idx) of seed s (one label) held before a live
 * reader (LABELS_EFFORT_FRAME) for up to frames calls: the call that
 * read it (1 for the first), or 0; *hit: the attempt that read it. */
int reader_frame_live(unsigned long long s, int cat, int level, int idx,
                      int frames, const char **hit);

/* How many codes one pass of the reader's ZBar reads in img. */
int reader_zbar_reads(const labels_image *img);

#endif
