/* test_label.c -- sign, format, parse and verify labels. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <labels.h>
#include <string.h>

static labels_pubkey pub;
static labels_seckey sec;

static int setup(void **state)
{
    (void)state;
    if (labels_init() != LABELS_OK)
        return -1;
    return labels_keygen(&pub, &sec) == LABELS_OK ? 0 : -1;
}

static void make(labels_label *lab)
{
    memset(lab, 0, sizeof *lab);
    strcpy(lab->product, "HN-0001-2020");
    strcpy(lab->lot, "L2026/11.A");
    lab->stars = 4;
    lab->serial = 123456;
    assert_int_equal(labels_date_parse("2026-11-29", &lab->issued), LABELS_OK);
}

static void test_round_trip(void **state)
{
    (void)state;
    labels_label lab, back;
    char text[LABELS_TEXT_MAX];
    size_t len;
    make(&lab);
    assert_int_equal(labels_sign(&lab, &sec), LABELS_OK);
    assert_int_equal(labels_format(&lab, NULL, text, sizeof text, &len),
                     LABELS_OK);
    assert_int_equal(len, strlen(text));
    assert_int_equal(len, 8 + 12 + 3 + LABELS_PAYLOAD_CHARS);
    assert_memory_equal(text, "HTTPS://OCOP.EXAMPLE/V/A", 24);
    assert_int_equal(labels_parse(text, len, &back), LABELS_OK);
    assert_string_equal(back.product, "HN-0001-2020");
    assert_string_equal(back.lot, "L2026/11.A");
    assert_int_equal(back.stars, 4);
    assert_int_equal(back.serial, 123456);
    assert_int_equal(back.issued, lab.issued);
    assert_int_equal(labels_verify(&back, &pub), LABELS_OK);
    /* The bare payload parses the same. */
    assert_int_equal(labels_parse(text + 23, len - 23, &back), LABELS_OK);
    assert_int_equal(labels_verify(&back, &pub), LABELS_OK);
}

static void test_tamper(void **state)
{
    (void)state;
    labels_label lab;
    make(&lab);
    assert_int_equal(labels_sign(&lab, &sec), LABELS_OK);
    lab.stars = 5;
    assert_int_equal(labels_verify(&lab, &pub), LABELS_ERR_SIGNATURE);
    lab.stars = 4;
    lab.key_id[0] ^= 1;
    assert_int_equal(labels_verify(&lab, &pub), LABELS_ERR_KEY_ID);
}

static void test_domains(void **state)
{
    (void)state;
    uint8_t sig[LABELS_SIG_BYTES];
    const char msg[] = "same bytes";
    assert_int_equal(
        labels_sign_detached(LABELS_DOMAIN_FEED, &sec, msg, sizeof msg, sig),
        LABELS_OK);
    assert_int_equal(
        labels_verify_detached(LABELS_DOMAIN_FEED, &pub, msg, sizeof msg, sig),
        LABELS_OK);
    for (int d = 1; d < LABELS_DOMAIN_COUNT_; d++)
        if (d != LABELS_DOMAIN_FEED)
            assert_int_equal(labels_verify_detached((labels_domain)d, &pub, msg,
                                                    sizeof msg, sig),
                             LABELS_ERR_SIGNATURE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_tamper),
        cmocka_unit_test(test_domains),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
