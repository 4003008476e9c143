/* test_phone_text.c -- the words the kiosk screen and the phone page share
 * are spelled once, in labels/ (verdict_text.c, field_labels.c,
 * groups.c): the screen's own table (firmware/screen/screen_text.c) holds
 * no copy of any of them, so a translator's fix cannot reach one of the
 * two and miss the other. */
#include "labels.h"
#include "screen_text.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

/* s is none of the shared words, in either language. */
static void not_shared(const char *s)
{
    for (int l = 0; l < LABELS_LANG_COUNT_; l++) {
        labels_lang L = (labels_lang)l;
        for (int v = 0; v < LABELS_V_COUNT_; v++) {
            assert_string_not_equal(s, labels_verdict_headline(v, L));
            assert_string_not_equal(s, labels_verdict_advice(v, L));
        }
        for (int f = 0; f < LABELS_F_COUNT_; f++)
            assert_string_not_equal(s, labels_field_label(f, L));
        for (int g = 0; g < LABELS_G_COUNT_; g++)
            assert_string_not_equal(s, labels_group_name(g, L));
        for (int k = 0; k < LABELS_K_COUNT_; k++)
            assert_string_not_equal(s, labels_kind_name(k, L));
    }
}

static void the_screen_keeps_no_copy_of_shared_words(void **state)
{
    (void)state;
    for (int m = 0; m < SCREEN_MSG_COUNT_; m++)
        for (int l = 0; l < LABELS_LANG_COUNT_; l++) {
            const char *s = screen_text((screen_msg)m, (labels_lang)l);
            assert_true(s[0] != '\0');
            not_shared(s);
        }
}

static void vietnamese_is_the_default(void **state)
{
    (void)state;
    assert_string_equal(
        labels_verdict_headline(LABELS_V_GENUINE, (labels_lang)9),
        "Sản phẩm OCOP chính hãng");
    assert_string_equal(
        labels_verdict_headline(LABELS_V_FORGED, LABELS_LANG_EN),
        "Forged label: signature invalid");
    assert_int_equal(labels_verdict_tone(LABELS_V_EXPIRED), LABELS_TONE_WARN);
    assert_int_equal(labels_verdict_tone((labels_verdict)-1), LABELS_TONE_BAD);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_screen_keeps_no_copy_of_shared_words),
        cmocka_unit_test(vietnamese_is_the_default),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
