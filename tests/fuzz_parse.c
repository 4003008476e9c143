/* fuzz_parse.c -- libFuzzer target over everything that reads untrusted
 * text: the QR-text parser (and verify on what it accepts), strict base32
 * and public key text. Each accepted input must also survive a round trip
 * through the matching writer, so "accepts garbage" is caught as well as
 * out-of-bounds reads. */
#include <labels.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static labels_pubkey key;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    /* The committed test signer's public key (tests/vectors/signer.pub),
     * so seeds from the vectors reach the signature check. */
    static const char b64[] =
        "RWS2EGYCZm2wyAOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4";
    if (labels_init() != LABELS_OK ||
        labels_pubkey_parse(b64, sizeof b64 - 1, &key) != LABELS_OK)
        abort();
    return 0;
}

static void parse_label(const uint8_t *data, size_t size)
{
    labels_label lab, again;
    int rc = labels_parse((const char *)data, size, &lab);
    if (rc < LABELS_OK || rc >= LABELS_ERR_COUNT_)
        abort();
    if (rc != LABELS_OK)
        return;
    rc = labels_verify(&lab, &key);
    if (rc != LABELS_OK && rc != LABELS_ERR_KEY_ID &&
        rc != LABELS_ERR_SIGNATURE)
        abort();
    /* Whatever parses formats, and the canonical text parses back alike. */
    char text[LABELS_TEXT_MAX];
    size_t len;
    if (labels_format(&lab, NULL, text, sizeof text, &len) != LABELS_OK ||
        labels_parse(text, len, &again) != LABELS_OK ||
        memcmp(&lab, &again, sizeof lab) != 0)
        abort();
}

static void base32(const uint8_t *data, size_t size)
{
    /* An exact-size heap buffer, so one byte too far is an ASan report. */
    size_t outsz = size * 5 / 8, n = 0;
    uint8_t *out = malloc(outsz ? outsz : 1);
    if (!out)
        return;
    int rc = labels_base32_decode((const char *)data, size, out, outsz, &n);
    if (rc == LABELS_OK) {
        char *back = malloc(size + 1);
        if (!back || n > outsz ||
            labels_base32_encode(out, n, back, size + 1) != LABELS_OK ||
            memcmp(back, data, size) != 0 || back[size] != '\0')
            abort();
        free(back);
    }
    /* Too small a buffer is refused, never overrun. */
    if (outsz > 0 && labels_base32_decode((const char *)data, size, out,
                                          outsz - 1, &n) == LABELS_OK)
        abort();
    free(out);
}

static void pubkey(const uint8_t *data, size_t size)
{
    labels_pubkey pub, again;
    if (labels_pubkey_parse((const char *)data, size, &pub) != LABELS_OK)
        return;
    char b64[LABELS_PUBKEY_B64_MAX];
    if (labels_pubkey_to_base64(&pub, b64, sizeof b64) != LABELS_OK ||
        labels_pubkey_parse(b64, strlen(b64), &again) != LABELS_OK ||
        memcmp(&pub, &again, sizeof pub) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    parse_label(data, size);
    base32(data, size);
    pubkey(data, size);
    return 0;
}
