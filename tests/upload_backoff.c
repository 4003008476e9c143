/* upload_backoff.c -- the kiosk's wait between failed uploads grows,
 * stays within its bounds, is spread out, and honours Retry-After. */
/* cmocka.h needs these first. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include "upload_backoff.h"

static void grows_within_bounds(void **state)
{
    (void)state;
    for (int i = 0; i < 200; i++) {
        long first = upload_backoff(1, -1, 0);
        assert_in_range(first, 2, 5);
        long third = upload_backoff(3, -1, 0);
        assert_in_range(third, 10, 20);
        long many = upload_backoff(40, -1, 0);
        assert_in_range(many, 1800, 3600);
        assert_in_range(upload_backoff(40, -1, 60), 30, 60);
    }
}

static void spread(void **state)
{
    (void)state;
    /* Kiosks that failed together must not all come back together. */
    long seen_low = 0, seen_high = 0;
    for (int i = 0; i < 500; i++) {
        long w = upload_backoff(10, -1, 0);
        if (w < 1800)
            seen_low = 1;
        else
            seen_high = 1;
    }
    assert_true(seen_low && seen_high);
}

static void retry_after(void **state)
{
    (void)state;
    assert_int_equal(upload_backoff(1, 120, 0), 120);
    assert_int_equal(upload_backoff(1, 10000000, 0), 86400);
    /* A shorter Retry-After does not shorten our own backoff. */
    assert_true(upload_backoff(12, 1, 0) >= 1800);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(grows_within_bounds),
        cmocka_unit_test(spread),
        cmocka_unit_test(retry_after),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
