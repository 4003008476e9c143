/* test_phone_text.c -- the verdict wording shared in labels/
 * (labels_verdict_headline/advice/tone, used by the phone page) is the
 * kiosk screen's, word for word and colour for colour: a translator's
 * fix to one table without the other fails here. */
#include "labels.h"
#include "screen_text.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

static void shared_texts_equal_the_kiosk_screens(void **state)
{
    (void)state;
    static const struct {
        labels_lang l;
        screen_lang s;
    } langs[] = {{LABELS_LANG_VI, SCREEN_LANG_VI},
                 {LABELS_LANG_EN, SCREEN_LANG_EN}};
    /* One past the end too: both treat a failed check alike. */
    for (int v = 0; v <= LABELS_V_COUNT_; v++) {
        labels_verdict verdict = (labels_verdict)v;
        assert_int_equal((int)labels_verdict_tone(verdict),
                         (int)screen_verdict_tone(verdict));
        for (size_t i = 0; i < 2; i++) {
            assert_string_equal(labels_verdict_headline(verdict, langs[i].l),
                                screen_verdict_headline(verdict, langs[i].s));
            assert_string_equal(labels_verdict_advice(verdict, langs[i].l),
                                screen_verdict_advice(verdict, langs[i].s));
        }
    }
    assert_int_equal(LABELS_TONE_GOOD, SCREEN_TONE_GOOD);
    assert_int_equal(LABELS_TONE_NEUTRAL, SCREEN_TONE_NEUTRAL);
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
        cmocka_unit_test(shared_texts_equal_the_kiosk_screens),
        cmocka_unit_test(vietnamese_is_the_default),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
