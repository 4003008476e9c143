/* test_debounce.c -- a label held under the camera is one scan; shown
 * again after it left the view, or after another label, it is a new one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "scan_debounce.h"

#include <string.h>

static int seen(scan_debounce *d, const char *code, int64_t t)
{
    return debounce_seen(d, code, strlen(code), t);
}

/* Thirty frames a second for five seconds: one report. */
static void held_still_is_one_scan(void **state)
{
    (void)state;
    scan_debounce d;
    debounce_init(&d, 1500);
    int reports = 0;
    for (int f = 0; f < 150; f++)
        reports += seen(&d, "HTTPS://X/V/A", f * 33);
    assert_int_equal(reports, 1);
}

/* Missed in a few frames (glare, a shaking hand) is still the same scan;
 * out of view longer than absent_ms is a new one. */
static void absence_rearms(void **state)
{
    (void)state;
    scan_debounce d;
    debounce_init(&d, 1500);
    assert_int_equal(seen(&d, "A", 0), 1);
    assert_int_equal(seen(&d, "A", 33), 0);
    assert_int_equal(seen(&d, "A", 1000), 0); /* gap of 967 ms */
    assert_int_equal(seen(&d, "A", 2500), 0); /* exactly 1500 ms */
    assert_int_equal(seen(&d, "A", 4001), 1); /* 1501 ms */
    assert_int_equal(seen(&d, "A", 4034), 0);
}

/* A, then B, then A again at once: three scans. */
static void another_code_rearms(void **state)
{
    (void)state;
    scan_debounce d;
    debounce_init(&d, 1500);
    assert_int_equal(seen(&d, "A", 0), 1);
    assert_int_equal(seen(&d, "A", 33), 0);
    assert_int_equal(seen(&d, "B", 66), 1);
    assert_int_equal(seen(&d, "B", 99), 0);
    assert_int_equal(seen(&d, "A", 132), 1);
    assert_int_equal(seen(&d, "A", 165), 0);
}

/* Two labels in view together: each reported once, not flapping. */
static void two_codes_in_one_frame(void **state)
{
    (void)state;
    scan_debounce d;
    debounce_init(&d, 1500);
    int reports = 0;
    for (int f = 0; f < 60; f++) {
        reports += seen(&d, "A", f * 33);
        reports += seen(&d, "B", f * 33);
    }
    assert_int_equal(reports, 2);
}

/* Codes differing only in length or one byte are different codes. */
static void similar_codes_differ(void **state)
{
    (void)state;
    scan_debounce d;
    debounce_init(&d, 1500);
    assert_int_equal(debounce_seen(&d, "AB", 1, 0), 1);
    assert_int_equal(debounce_seen(&d, "AB", 2, 0), 1);
    assert_int_equal(debounce_seen(&d, "AC", 2, 0), 1);
    assert_int_equal(debounce_seen(&d, "AB", 2, 33), 0);
    assert_int_equal(debounce_seen(&d, "AB", 1, 33), 0);
}

/* More codes at once than remembered: still no report per frame for
 * the ones kept, and reset forgets everything. */
static void capacity_and_reset(void **state)
{
    (void)state;
    scan_debounce d;
    debounce_init(&d, 1500);
    char code[4] = "C0";
    for (int i = 0; i < DEBOUNCE_CODES + 2; i++) {
        code[1] = (char)('0' + i);
        assert_int_equal(seen(&d, code, 0), 1);
    }
    assert_int_equal(d.n, DEBOUNCE_CODES);
    code[1] = (char)('0' + DEBOUNCE_CODES + 1);
    assert_int_equal(seen(&d, code, 33), 0);
    debounce_reset(&d);
    assert_int_equal(seen(&d, code, 66), 1);
    assert_int_equal(d.absent_ms, 1500);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(held_still_is_one_scan),
        cmocka_unit_test(absence_rearms),
        cmocka_unit_test(another_code_rearms),
        cmocka_unit_test(two_codes_in_one_frame),
        cmocka_unit_test(similar_codes_differ),
        cmocka_unit_test(capacity_and_reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
