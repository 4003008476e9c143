/* test_json_out.c -- hostile QR bytes never break a JSON line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "json_out.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *render(const char *val, size_t len)
{
    char *buf = NULL;
    size_t sz = 0;
    FILE *f = open_memstream(&buf, &sz);
    assert_non_null(f);
    json_out j;
    json_begin(&j, f);
    json_str(&j, "text", val, len);
    json_int(&j, "n", -42);
    json_bool(&j, "ok", 1);
    assert_int_equal(json_end(&j), 0);
    fclose(f);
    return buf;
}

static void test_plain_and_vietnamese(void **state)
{
    (void)state;
    const char *vi = "Mật ong rừng U Minh Hạ";
    char *s = render(vi, strlen(vi));
    assert_string_equal(s, "{\"text\":\"Mật ong rừng U Minh Hạ\",\"n\":-42,"
                           "\"ok\":true}\n");
    free(s);
}

static void test_escapes(void **state)
{
    (void)state;
    const char in[] = "a\"b\\c\nd\0e\x7f";
    char *s = render(in, sizeof in - 1);
    assert_string_equal(s, "{\"text\":\"a\\\"b\\\\c\\u000ad\\u0000e\\u007f\","
                           "\"n\":-42,\"ok\":true}\n");
    free(s);
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    /* Lone continuation, overlong '/', surrogate, truncated sequence. */
    const char in[] = "\x80"
                      "\xC0\xAF"
                      "\xED\xA0\x80"
                      "\xE1\x80";
    char *s = render(in, sizeof in - 1);
    assert_non_null(strstr(s, "\\ufffd"));
    for (const char *p = s; *p; p++)
        assert_true((unsigned char)*p < 0x80);
    assert_int_equal(strchr(s, '\n') - s, (long)strlen(s) - 1);
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_and_vietnamese),
        cmocka_unit_test(test_escapes),
        cmocka_unit_test(test_invalid_utf8),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
