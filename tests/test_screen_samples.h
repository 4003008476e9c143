/* test_screen_samples.h -- realistic facts for every verdict, shared by the
 * screen tests, the screenshot tool and the screen benchmark. */
#ifndef TEST_SCREEN_SAMPLES_H
#define TEST_SCREEN_SAMPLES_H

#include "labels.h"

/* Facts as labels_check() would fill them for verdict v. */
void screen_sample_facts(labels_verdict v, labels_facts *out);
/* The verdict's word ("genuine", ...) for file names; the same words as
 * labels_verdict_word(), kept here so the screen does not depend on the
 * verdict engine being built. */
const char *screen_sample_word(labels_verdict v);
/* A genuine verdict whose names are far too long for any screen. */
void screen_sample_long(labels_facts *out);

#endif
