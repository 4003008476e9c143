/* fuzz_badge.c -- libFuzzer: labels_badge_parse() on any bytes. A badge
 * that parses formats back to the same payload (one spelling per badge),
 * and no badge-prefixed text ever parses as a label. */
#include <labels.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready) {
        if (labels_init() != LABELS_OK)
            abort();
        ready = 1;
    }
    const char *text = (const char *)data;
    labels_badge b;
    if (labels_badge_parse(text, size, &b) == LABELS_OK) {
        char again[LABELS_BADGE_TEXT_MAX];
        size_t len;
        if (labels_badge_format(&b, again, sizeof again, &len) != LABELS_OK ||
            len != size || memcmp(again + 6, text + 6, size - 6) != 0)
            abort();
        labels_label lab;
        if (labels_parse(text, size, &lab) == LABELS_OK)
            abort();
    }
    return 0;
}
