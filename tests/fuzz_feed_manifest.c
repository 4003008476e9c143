/* fuzz_feed_manifest.c -- libFuzzer target: the kiosk parses whatever a
 * server sends as a manifest (the envelope before the signature check,
 * the body after it) without crashing or reading out of bounds. */
#include "manifest.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > MANIFEST_MAX_BYTES)
        return 0;
    /* Exactly size bytes, so a read past the end is caught. */
    char *text = malloc(size ? size : 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    size_t body;
    uint8_t sig[LABELS_SIG_BYTES], kid[LABELS_KEY_ID_BYTES];
    char err[256];
    struct manifest m;
    if (manifest_envelope(text, size, &body, sig, kid, err, sizeof err) == 0)
        (void)manifest_parse(text, body, &m, err, sizeof err);
    (void)manifest_parse(text, size, &m, err, sizeof err);
    free(text);
    return 0;
}
