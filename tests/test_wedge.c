/* test_wedge.c -- scanner keystrokes become exactly the lines scanned. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "wedge.h"

#include <ctype.h>
#include <string.h>

struct lines {
    char text[4][WEDGE_LINE_MAX + 1];
    size_t len[4];
    int overflow[4];
    int n;
};

static int take(void *ctx, const char *text, size_t len, int overflow)
{
    struct lines *l = ctx;
    if (l->n < 4) {
        memcpy(l->text[l->n], text, len);
        l->text[l->n][len] = '\0';
        l->len[l->n] = len;
        l->overflow[l->n] = overflow;
    }
    l->n++;
    return 0;
}

static void key(wedge *w, unsigned code, int value, int64_t t, struct lines *l)
{
    struct input_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = EV_KEY;
    ev.code = (uint16_t)code;
    ev.value = value;
    wedge_event(w, &ev, t, take, l);
}

/* Type s as a US-layout scanner would: shift around capitals and ':'. */
static void type(wedge *w, const char *s, int64_t t, struct lines *l)
{
    static const char *lower =
        "1234567890-=qwertyuiop[]asdfghjkl;'`\\zxcvbnm,./";
    static const unsigned codes[] = {
        KEY_1,     KEY_2,         KEY_3,         KEY_4,          KEY_5,
        KEY_6,     KEY_7,         KEY_8,         KEY_9,          KEY_0,
        KEY_MINUS, KEY_EQUAL,     KEY_Q,         KEY_W,          KEY_E,
        KEY_R,     KEY_T,         KEY_Y,         KEY_U,          KEY_I,
        KEY_O,     KEY_P,         KEY_LEFTBRACE, KEY_RIGHTBRACE, KEY_A,
        KEY_S,     KEY_D,         KEY_F,         KEY_G,          KEY_H,
        KEY_J,     KEY_K,         KEY_L,         KEY_SEMICOLON,  KEY_APOSTROPHE,
        KEY_GRAVE, KEY_BACKSLASH, KEY_Z,         KEY_X,          KEY_C,
        KEY_V,     KEY_B,         KEY_N,         KEY_M,          KEY_COMMA,
        KEY_DOT,   KEY_SLASH};
    for (; *s; s++, t++) {
        char c = *s;
        int shift = isupper((unsigned char)c) || c == ':';
        char base = c == ':' ? ';' : (char)tolower((unsigned char)c);
        const char *p = strchr(lower, base);
        assert_non_null(p);
        if (shift)
            key(w, KEY_LEFTSHIFT, 1, t, l);
        key(w, codes[p - lower], 1, t, l);
        key(w, codes[p - lower], 0, t, l);
        if (shift)
            key(w, KEY_LEFTSHIFT, 0, t, l);
    }
}

static void test_evdev_url(void **state)
{
    (void)state;
    wedge w;
    struct lines l = {.n = 0};
    wedge_init(&w, 500);
    const char *url = "HTTPS://OCOP.EXAMPLE/V/AEBAGBAFAYDQQCIKBMGA2DQPCAIREEYU";
    type(&w, url, 1000, &l);
    key(&w, KEY_ENTER, 1, 1100, &l);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.text[0], url);
    assert_int_equal(l.overflow[0], 0);
    /* Key releases, repeats and other event types type nothing. */
    struct input_event ev = {.type = EV_MSC, .code = 4, .value = 7};
    wedge_event(&w, &ev, 1200, take, &l);
    key(&w, KEY_ENTER, 1, 1201, &l);
    assert_int_equal(l.n, 1);
}

static void test_partial_line_dropped(void **state)
{
    (void)state;
    wedge w;
    struct lines l = {.n = 0};
    wedge_init(&w, 500);
    type(&w, "HTTPS://OCOP.EXA", 1000, &l); /* the scan broke off */
    type(&w, "ABC", 5000, &l);              /* next scan, seconds later */
    key(&w, KEY_ENTER, 1, 5010, &l);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.text[0], "ABC");
}

static void test_events_lost(void **state)
{
    (void)state;
    wedge w;
    struct lines l = {.n = 0};
    wedge_init(&w, 500);
    struct input_event drop = {.type = EV_SYN, .code = SYN_DROPPED};
    /* Keys lost mid-code (and a shift release with them): no line. */
    type(&w, "HTTPS://OCOP.", 1000, &l);
    key(&w, KEY_LEFTSHIFT, 1, 1020, &l);
    wedge_event(&w, &drop, 1030, take, &l);
    type(&w, "ample/v/ae", 1030, &l);
    key(&w, KEY_ENTER, 1, 1050, &l);
    assert_int_equal(l.n, 0);
    /* The next code reads whole, unshifted keys unshifted. */
    type(&w, "HTTPS://x1", 2000, &l);
    key(&w, KEY_ENTER, 1, 2020, &l);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.text[0], "HTTPS://x1");
    /* Lost between codes, then a pause: the next code is whole. */
    wedge_event(&w, &drop, 3000, take, &l);
    type(&w, "ABC", 5000, &l);
    key(&w, KEY_ENTER, 1, 5010, &l);
    assert_int_equal(l.n, 2);
    assert_string_equal(l.text[1], "ABC");
}

static void test_bytes_and_overflow(void **state)
{
    (void)state;
    wedge w;
    struct lines l = {.n = 0};
    wedge_init(&w, 0);
    const char in[] = "ONE\r\nTWO\n\n\rTH";
    wedge_bytes(&w, in, sizeof in - 1, 0, take, &l);
    assert_int_equal(l.n, 2);
    assert_string_equal(l.text[0], "ONE");
    assert_string_equal(l.text[1], "TWO");
    wedge_bytes(&w, "REE\n", 4, 0, take, &l);
    assert_string_equal(l.text[2], "THREE");
    /* A line past the limit is reported once, flagged, then forgotten. */
    static char big[WEDGE_LINE_MAX + 100];
    memset(big, 'A', sizeof big);
    wedge_bytes(&w, big, sizeof big, 0, take, &l);
    wedge_bytes(&w, "\nOK\n", 4, 0, take, &l);
    assert_int_equal(l.n, 5);
    assert_int_equal(l.overflow[3], 1);
    assert_int_equal(l.len[3], WEDGE_LINE_MAX);
    assert_int_equal(l.n, 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_evdev_url),
        cmocka_unit_test(test_partial_line_dropped),
        cmocka_unit_test(test_events_lost),
        cmocka_unit_test(test_bytes_and_overflow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
