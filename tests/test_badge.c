/* test_badge.c -- inspector badges: sign, format, parse, verify, and the
 * ways a badge must fail. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <labels.h>
#include <stdio.h>
#include <string.h>

static labels_pubkey pub, other_pub;
static labels_seckey sec, other_sec;
static uint16_t day0; /* 2026-11-29 */

static int setup(void **state)
{
    (void)state;
    if (labels_init() != LABELS_OK ||
        labels_date_parse("2026-11-29", &day0) != LABELS_OK)
        return -1;
    if (labels_keygen(&other_pub, &other_sec) != LABELS_OK)
        return -1;
    return labels_keygen(&pub, &sec) == LABELS_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    labels_seckey_wipe(&sec);
    labels_seckey_wipe(&other_sec);
    return 0;
}

static void make(labels_badge *b)
{
    memset(b, 0, sizeof *b);
    memcpy(b->inspector, "HN-INS-0042", 12);
    snprintf(b->province, sizeof b->province, "%s", "Hà Nội");
    snprintf(b->name, sizeof b->name, "%s", "Nguyễn Thị Thu Hằng");
    b->valid_until = (uint16_t)(day0 + 365);
}

static void signed_text(labels_badge *b, char text[LABELS_BADGE_TEXT_MAX],
                        size_t *len)
{
    make(b);
    assert_int_equal(labels_badge_sign(b, &sec), LABELS_OK);
    assert_int_equal(labels_badge_format(b, text, LABELS_BADGE_TEXT_MAX, len),
                     LABELS_OK);
}

static void test_round_trip(void **state)
{
    (void)state;
    labels_badge b, back;
    char text[LABELS_BADGE_TEXT_MAX];
    size_t len;
    signed_text(&b, text, &len);
    assert_int_equal(len, strlen(text));
    assert_memory_equal(text, "OCOPI:", 6);
    assert_int_equal(labels_badge_parse(text, len, &back), LABELS_OK);
    assert_string_equal(back.inspector, "HN-INS-0042");
    assert_string_equal(back.province, "Hà Nội");
    assert_string_equal(back.name, "Nguyễn Thị Thu Hằng");
    assert_int_equal(back.valid_until, b.valid_until);
    assert_memory_equal(back.key_id, pub.id, LABELS_KEY_ID_BYTES);
    assert_int_equal(labels_badge_verify(&back, &pub, day0), LABELS_OK);
    /* Its last valid day is still good; the day after is not. */
    assert_int_equal(labels_badge_verify(&back, &pub, back.valid_until),
                     LABELS_OK);
    /* A scanner may lower-case the prefix; never the payload. */
    text[0] = 'o';
    text[4] = 'i';
    assert_int_equal(labels_badge_parse(text, len, &back), LABELS_OK);
    /* Longest fields fit the documented maximum text. */
    memset(b.name, 'N', LABELS_BADGE_NAME_MAX);
    b.name[LABELS_BADGE_NAME_MAX] = '\0';
    memset(b.province, 'P', LABELS_BADGE_PROVINCE_MAX);
    b.province[LABELS_BADGE_PROVINCE_MAX] = '\0';
    memcpy(b.inspector, "ABCDEFGHIJKL", 13);
    assert_int_equal(labels_badge_sign(&b, &sec), LABELS_OK);
    assert_int_equal(labels_badge_format(&b, text, sizeof text, &len),
                     LABELS_OK);
    assert_int_equal(len + 1, LABELS_BADGE_TEXT_MAX);
    assert_int_equal(labels_badge_parse(text, len, &back), LABELS_OK);
    assert_int_equal(labels_badge_verify(&back, &pub, day0), LABELS_OK);
}

static void test_expired_and_wrong_key(void **state)
{
    (void)state;
    labels_badge b, back;
    char text[LABELS_BADGE_TEXT_MAX];
    size_t len;
    signed_text(&b, text, &len);
    assert_int_equal(labels_badge_parse(text, len, &back), LABELS_OK);
    assert_int_equal(labels_badge_verify(&back, &pub, back.valid_until + 1),
                     LABELS_ERR_EXPIRED);
    assert_int_equal(labels_badge_verify(&back, &other_pub, day0),
                     LABELS_ERR_KEY_ID);
    /* Another key claiming the authority's key ID. */
    labels_pubkey liar = other_pub;
    memcpy(liar.id, pub.id, LABELS_KEY_ID_BYTES);
    assert_int_equal(labels_badge_verify(&back, &liar, day0),
                     LABELS_ERR_SIGNATURE);
    assert_string_not_equal(labels_strerror(LABELS_ERR_EXPIRED),
                            "unknown error");
}

/* Every single-byte change, of the text or of the payload bytes, fails to
 * parse or to verify. */
static void test_every_byte(void **state)
{
    (void)state;
    labels_badge b, back;
    char text[LABELS_BADGE_TEXT_MAX], mod[LABELS_BADGE_TEXT_MAX];
    size_t len;
    signed_text(&b, text, &len);
    for (size_t i = 0; i < len; i++) {
        for (int d = 1; d < 256; d += 37) {
            memcpy(mod, text, len);
            mod[i] = (char)((unsigned char)mod[i] ^ d);
            if (i < 6 && (mod[i] ^ text[i]) == 0x20)
                continue; /* the prefix is case-blind on purpose */
            if (labels_badge_parse(mod, len, &back) == LABELS_OK)
                assert_int_not_equal(labels_badge_verify(&back, &pub, day0),
                                     LABELS_OK);
        }
    }
    uint8_t raw[LABELS_BADGE_BYTES_MAX];
    size_t n;
    assert_int_equal(
        labels_base32_decode(text + 6, len - 6, raw, sizeof raw, &n),
        LABELS_OK);
    for (size_t i = 0; i < n; i++) {
        for (int d = 1; d < 256; d++) {
            uint8_t r2[LABELS_BADGE_BYTES_MAX];
            memcpy(r2, raw, n);
            r2[i] ^= (uint8_t)d;
            memcpy(mod, "OCOPI:", 6);
            assert_int_equal(
                labels_base32_encode(r2, n, mod + 6, sizeof mod - 6),
                LABELS_OK);
            if (labels_badge_parse(mod, strlen(mod), &back) == LABELS_OK)
                assert_int_not_equal(labels_badge_verify(&back, &pub, day0),
                                     LABELS_OK);
        }
    }
}

/* A label signature never passes as a badge's, nor the other way round,
 * and neither text is taken for the other. */
static void test_domains(void **state)
{
    (void)state;
    labels_badge b, back;
    char text[LABELS_BADGE_TEXT_MAX];
    size_t len;
    signed_text(&b, text, &len);
    labels_label lab;
    assert_int_equal(labels_parse(text, len, &lab), LABELS_ERR_NOT_LABEL);
    for (size_t cut = 0; cut <= 6; cut++)
        assert_int_not_equal(labels_parse(text + cut, len - cut, &lab),
                             LABELS_OK);

    /* The authority's key signing a label: that text is no badge. */
    memset(&lab, 0, sizeof lab);
    memcpy(lab.product, "HN-0001", 8);
    memcpy(lab.lot, "L1", 3);
    lab.stars = 4;
    lab.serial = 7;
    lab.issued = day0;
    assert_int_equal(labels_sign(&lab, &sec), LABELS_OK);
    char ltext[LABELS_TEXT_MAX];
    size_t llen;
    assert_int_equal(labels_format(&lab, NULL, ltext, sizeof ltext, &llen),
                     LABELS_OK);
    assert_int_equal(labels_badge_parse(ltext, llen, &back),
                     LABELS_ERR_NOT_LABEL);
    assert_int_equal(labels_badge_parse(ltext + 23, llen - 23, &back),
                     LABELS_ERR_NOT_LABEL);

    /* The badge's exact bytes signed under the label domain fail. */
    uint8_t raw[LABELS_BADGE_BYTES_MAX];
    size_t n;
    assert_int_equal(
        labels_base32_decode(text + 6, len - 6, raw, sizeof raw, &n),
        LABELS_OK);
    size_t signed_len = n - LABELS_SIG_BYTES;
    back = b;
    assert_int_equal(labels_sign_detached(LABELS_DOMAIN_LABEL, &sec, raw,
                                          signed_len, back.sig),
                     LABELS_OK);
    assert_int_equal(labels_badge_verify(&back, &pub, day0),
                     LABELS_ERR_SIGNATURE);
    /* And a badge signature does not verify as a label-domain one. */
    assert_int_equal(labels_verify_detached(LABELS_DOMAIN_LABEL, &pub, raw,
                                            signed_len, b.sig),
                     LABELS_ERR_SIGNATURE);
    assert_int_equal(labels_verify_detached(LABELS_DOMAIN_BADGE, &pub, raw,
                                            signed_len, b.sig),
                     LABELS_OK);
}

static void test_fields(void **state)
{
    (void)state;
    labels_badge b;
    make(&b);
    b.inspector[0] = 'a'; /* lower case is not in the alphabet */
    assert_int_equal(labels_badge_sign(&b, &sec), LABELS_ERR_FIELD);
    make(&b);
    b.inspector[0] = '\0';
    assert_int_equal(labels_badge_sign(&b, &sec), LABELS_ERR_FIELD);
    make(&b);
    b.name[0] = '\0';
    assert_int_equal(labels_badge_sign(&b, &sec), LABELS_ERR_FIELD);
    make(&b);
    memcpy(b.name, "A\nB", 4); /* control characters */
    assert_int_equal(labels_badge_sign(&b, &sec), LABELS_ERR_FIELD);
    make(&b);
    memcpy(b.name, "\xC0\xAF", 3); /* overlong */
    assert_int_equal(labels_badge_sign(&b, &sec), LABELS_ERR_FIELD);
    make(&b);
    memcpy(b.province, "\xED\xA0\x80", 4); /* surrogate */
    assert_int_equal(labels_badge_sign(&b, &sec), LABELS_ERR_FIELD);
    assert_int_equal(labels_badge_sign(NULL, &sec), LABELS_ERR_ARG);
}

static void test_garbage(void **state)
{
    (void)state;
    labels_badge back;
    static const char *const bad[] = {
        "",
        "OCOPI",
        "OCOPI:",
        "OCOPI:A",
        "OCOPI:AE",
        "OCOPI:ocopi",
        "OCOPI:AAAAAAAA",
        "OCOPI:AEAAAAAA",
        "HTTPS://OCOP.EXAMPLE/V/AAAA",
        "OCOPX:AEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_not_equal(labels_badge_parse(bad[i], strlen(bad[i]), &back),
                             LABELS_OK);
    /* Long input is refused before decoding. */
    static char big[8192];
    memcpy(big, "OCOPI:", 6);
    memset(big + 6, 'A', sizeof big - 6);
    assert_int_equal(labels_badge_parse(big, sizeof big, &back),
                     LABELS_ERR_LENGTH);
    /* Binary bytes, NULs included. */
    char bin[300];
    for (size_t i = 0; i < sizeof bin; i++)
        bin[i] = (char)(i * 7);
    memcpy(bin, "OCOPI:", 6);
    assert_int_not_equal(labels_badge_parse(bin, sizeof bin, &back), LABELS_OK);
    /* A NUL hidden inside a signed name field. */
    labels_badge b;
    char text[LABELS_BADGE_TEXT_MAX];
    size_t len;
    signed_text(&b, text, &len);
    uint8_t raw[LABELS_BADGE_BYTES_MAX];
    size_t n;
    assert_int_equal(
        labels_base32_decode(text + 6, len - 6, raw, sizeof raw, &n),
        LABELS_OK);
    raw[21] = 0; /* second byte of the province */
    char mod[LABELS_BADGE_TEXT_MAX];
    memcpy(mod, "OCOPI:", 6);
    assert_int_equal(labels_base32_encode(raw, n, mod + 6, sizeof mod - 6),
                     LABELS_OK);
    assert_int_equal(labels_badge_parse(mod, strlen(mod), &back),
                     LABELS_ERR_FIELD);
    assert_int_equal(labels_badge_parse(NULL, 3, &back), LABELS_ERR_ARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_expired_and_wrong_key),
        cmocka_unit_test(test_every_byte),
        cmocka_unit_test(test_domains),
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_garbage),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
