/* test_host_fields.c -- what the registry accepts from people: provinces,
 * dates, stars, UTF-8, product rows, and the CSV reader under them. */
#include "registry/registry.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

static void provinces_are_the_63_of_2020(void **state)
{
    (void)state;
    assert_int_equal(province_count(), 63);
    for (size_t i = 0; i < province_count(); i++) {
        const struct province *a = province_at(i);
        assert_ptr_equal(province_find(a->name), a);
        assert_ptr_equal(province_find(a->ascii), a);
        assert_ptr_equal(province_find(a->code), a);
        for (size_t j = i + 1; j < province_count(); j++) {
            const struct province *b = province_at(j);
            assert_string_not_equal(a->name, b->name);
            assert_string_not_equal(a->code, b->code);
            assert_string_not_equal(a->ascii, b->ascii);
        }
    }
    assert_null(province_at(63));
}

static void provinces_as_people_write_them(void **state)
{
    (void)state;
    const struct province *hn = province_find("Hà Nội");
    assert_non_null(hn);
    assert_ptr_equal(province_find("ha noi"), hn);
    assert_ptr_equal(province_find("HA NOI"), hn);
    assert_ptr_equal(province_find("hn"), hn);
    assert_ptr_equal(province_find("Thành phố Hà Nội"), hn);
    assert_string_equal(province_find("TP. Hồ Chí Minh")->name, "Hồ Chí Minh");
    assert_string_equal(province_find("HCM")->name, "Hồ Chí Minh");
    assert_string_equal(province_find("Bà Rịa - Vũng Tàu")->name,
                        "Bà Rịa – Vũng Tàu");
    assert_string_equal(province_find("Tỉnh Quảng Ninh")->code, "QN");
    assert_null(province_find("Hà Tây")); /* merged into Hà Nội in 2008 */
    assert_null(province_find(""));
    assert_null(province_find("Hà Nội 2"));
    assert_null(province_find("Hà Nội\xff"));
    /* Spacing, case and Unicode form do not matter. */
    assert_ptr_equal(province_find("Hanoi"), hn);
    assert_ptr_equal(province_find("HÀ NỘI"), hn);
    assert_ptr_equal(province_find("Ha\xcc\x80 No\xcc\x82\xcc\xa3i"), hn);
    assert_string_equal(province_find("Bà Rịa-Vũng Tàu")->code, "BRVT");
    assert_string_equal(province_find("thua thien hue")->code, "TTH");
    assert_string_equal(province_find("ĐẮK LẮK")->code, "DLK");
    /* Quảng Nam and Quảng Ninh differ only in letters: never confused. */
    assert_string_equal(province_find("Quang Nam")->name, "Quảng Nam");
    assert_string_equal(province_find("Quang Ninh")->name, "Quảng Ninh");
}

static void groups_and_kinds(void **state)
{
    (void)state;
    assert_string_equal(registry_group_key("food"), "food");
    assert_string_equal(registry_group_key("Thực phẩm"), "food");
    assert_string_equal(registry_group_key("THỰC PHẨM"), "food");
    assert_string_equal(registry_group_key("Lưu niệm - nội thất - trang trí"),
                        "souvenirs");
    assert_string_equal(registry_group_key("Dịch vụ du lịch nông thôn"),
                        "tourism");
    assert_null(registry_group_key("cars"));
    assert_null(registry_group_key(""));
    assert_string_equal(registry_kind_key("HỢP TÁC XÃ"), "cooperative");
    assert_string_equal(registry_kind_key("Hộ kinh doanh"), "household");
    assert_null(registry_kind_key("guild"));
}

static void dates(void **state)
{
    (void)state;
    assert_int_equal(regdate_check("2020-02-29"), 0);
    assert_int_equal(regdate_check("1990-01-01"), 0);
    assert_int_equal(regdate_check("2199-12-31"), 0);
    const char *bad[] = {"2019-02-29", "2100-02-29", "2019-13-01",
                         "2019-00-10", "2019-04-31", "2019-1-01",
                         "1989-12-31", "2200-01-01", "2019-01-01 ",
                         "",           "20190101",   "2019/01/01"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(regdate_check(bad[i]), -1);
    char out[11];
    regdate_add_months("2020-02-29", 36, out);
    assert_string_equal(out, "2023-02-28");
    regdate_add_months("2019-06-01", 36, out);
    assert_string_equal(out, "2022-06-01");
    regdate_add_months("2021-01-31", 1, out);
    assert_string_equal(out, "2021-02-28");
    regdate_add_months("2023-11-15", 2, out);
    assert_string_equal(out, "2024-01-15");
    regdate_add_days("2020-12-31", 1, out);
    assert_string_equal(out, "2021-01-01");
    regdate_add_days("2024-03-01", -1, out);
    assert_string_equal(out, "2024-02-29");
    regdate_today(out);
    assert_int_equal(regdate_check(out), 0);
}

static void stars(void **state)
{
    (void)state;
    int s, p;
    char err[REG_ERR_MAX];
    assert_int_equal(registry_stars_parse("3", &s, &p, err, sizeof err), 0);
    assert_true(s == 3 && p == 0);
    assert_int_equal(registry_stars_parse("5", &s, &p, err, sizeof err), 0);
    assert_true(s == 5 && p == 0);
    assert_int_equal(
        registry_stars_parse("Proposed 5", &s, &p, err, sizeof err), 0);
    assert_true(s == 4 && p == 1);
    assert_int_equal(registry_stars_parse("2", &s, &p, err, sizeof err), -1);
    assert_non_null(strstr(err, "not OCOP-certified"));
    const char *bad[] = {"1", "0", "6", "", "3.5", "33", "three", "-3"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(registry_stars_parse(bad[i], &s, &p, err, sizeof err),
                         -1);
}

static void utf8(void **state)
{
    (void)state;
    assert_true(registry_utf8_valid("Mật ong rừng U Minh"));
    assert_true(registry_utf8_valid("lưu niệm – nội thất – trang trí"));
    assert_false(registry_utf8_valid("M\xe1t ong"));       /* Latin-1 */
    assert_false(registry_utf8_valid("\xc0\xaf"));         /* overlong */
    assert_false(registry_utf8_valid("\xed\xa0\x80"));     /* surrogate */
    assert_false(registry_utf8_valid("\xf4\x90\x80\x80")); /* > U+10FFFF */
    assert_false(registry_utf8_valid("a\xe1\xba"));        /* cut short */
    assert_false(registry_utf8_valid("a\x01"));            /* control */
}

static void product_rows(void **state)
{
    (void)state;
    struct reg_product p;
    char err[REG_ERR_MAX];
    memset(&p, 0, sizeof p);
    assert_int_equal(reg_product_set(&p, "code", "QN-0001", err, sizeof err),
                     0);
    assert_int_equal(
        reg_product_set(&p, "name", "Chả mực\r\nHạ Long ", err, sizeof err), 0);
    assert_string_equal(p.name, "Chả mực Hạ Long");
    assert_int_equal(reg_product_set(&p, "group", "đồ uống", err, sizeof err),
                     0);
    assert_string_equal(p.grp, "beverages");
    assert_int_equal(reg_product_set(&p, "producer", "QN-P1", err, sizeof err),
                     0);
    assert_int_equal(reg_product_set(&p, "province", "QN", err, sizeof err), 0);
    assert_int_equal(reg_product_set(&p, "stars", "4", err, sizeof err), 0);
    assert_int_equal(reg_product_finish(&p, err, sizeof err), -1);
    assert_non_null(strstr(err, "certificate number is missing"));
    assert_int_equal(
        reg_product_set(&p, "certificate", "1/QĐ", err, sizeof err), 0);
    assert_int_equal(
        reg_product_set(&p, "certified", "2020-02-29", err, sizeof err), 0);
    assert_int_equal(reg_product_finish(&p, err, sizeof err), 0);
    assert_string_equal(p.expires, "2023-02-28");
    assert_string_equal(p.status, "rated");
    assert_int_equal(
        reg_product_set(&p, "status", "Suspended", err, sizeof err), 0);
    assert_int_equal(reg_product_finish(&p, err, sizeof err), -1);
    assert_non_null(strstr(err, "needs a reason"));

    char longname[REG_NAME_MAX + 2];
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    assert_int_equal(reg_product_set(&p, "name", longname, err, sizeof err),
                     -1);
    longname[REG_NAME_MAX] = '\0';
    assert_int_equal(reg_product_set(&p, "name", longname, err, sizeof err), 0);
    const char *bad_codes[] = {
        "", "qn-0001", "QN 0001", "QN-0001-2020-X", "QN_0001", "ĐN-1"};
    for (size_t i = 0; i < sizeof bad_codes / sizeof bad_codes[0]; i++)
        assert_int_equal(
            reg_product_set(&p, "code", bad_codes[i], err, sizeof err), -1);
    assert_int_equal(
        reg_product_set(&p, "code", "HN-0001-2020", err, sizeof err), 0);
    assert_int_equal(reg_product_set(&p, "colour", "red", err, sizeof err), -1);
}

static int next(struct csv *c, char *err)
{
    return csv_next(c, err, REG_ERR_MAX);
}

static void csv_records(void **state)
{
    (void)state;
    static const char data[] = "\xef\xbb\xbf"
                               "a,b,c\r\n"
                               "\r\n"
                               "\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\n"
                               "bad\"quote,1\n"
                               ",,\n"
                               "\"unclosed,2\n"
                               "3";
    struct csv c;
    char err[REG_ERR_MAX];
    csv_init(&c, data, sizeof data - 1);
    assert_int_equal(next(&c, err), 1);
    assert_int_equal(c.record_line, 1);
    assert_int_equal(c.nfields, 3);
    assert_string_equal(c.fields[0], "a");
    assert_string_equal(c.fields[2], "c");
    assert_int_equal(next(&c, err), 1);
    assert_int_equal(c.record_line, 3);
    assert_string_equal(c.fields[0], "x, y");
    assert_string_equal(c.fields[1], "say \"hi\"");
    assert_string_equal(c.fields[2], "two\nlines");
    assert_int_equal(next(&c, err), -1);
    assert_int_equal(c.record_line, 5);
    assert_non_null(strstr(err, "quote inside an unquoted field"));
    assert_int_equal(next(&c, err), 1);
    assert_int_equal(c.record_line, 6);
    assert_int_equal(c.nfields, 3);
    assert_string_equal(c.fields[1], "");
    assert_int_equal(next(&c, err), -1);
    assert_int_equal(c.record_line, 7);
    assert_non_null(strstr(err, "never closes"));
    assert_int_equal(next(&c, err), 0);
    csv_free(&c);

    csv_init(&c, "only", 4);
    assert_int_equal(next(&c, err), 1);
    assert_string_equal(c.fields[0], "only");
    assert_int_equal(next(&c, err), 0);
    csv_free(&c);
}

/* Excel in a Vietnamese locale: ';' found on the header line, a ';'
 * inside quotes kept, a NUL byte an error naming its column. */
static void csv_semicolons_and_nul(void **state)
{
    (void)state;
    static const char data[] = "a;b;\"c,d\"\n1;\"x;y\";3\n4;5\0z;6\n7;8;9\n";
    struct csv c;
    char err[REG_ERR_MAX];
    csv_init(&c, data, sizeof data - 1);
    assert_int_equal(c.sep, ';');
    assert_int_equal(next(&c, err), 1);
    assert_int_equal(c.nfields, 3);
    assert_string_equal(c.fields[2], "c,d");
    assert_int_equal(next(&c, err), 1);
    assert_string_equal(c.fields[1], "x;y");
    assert_int_equal(next(&c, err), -1);
    assert_int_equal(c.record_line, 3);
    assert_string_equal(err, "a NUL byte in column 2");
    assert_int_equal(next(&c, err), 1);
    assert_string_equal(c.fields[0], "7");
    csv_free(&c);
}

/* Names are stored in NFC, whatever form they came in. */
static void names_in_nfc(void **state)
{
    (void)state;
    struct reg_product p;
    char err[REG_ERR_MAX], out[64];
    memset(&p, 0, sizeof p);
    /* "Bánh" decomposed: a + U+0301. */
    assert_int_equal(
        reg_product_set(&p, "name", "Ba\xcc\x81nh", err, sizeof err), 0);
    assert_string_equal(p.name, "B\xc3\xa1nh");
    assert_int_equal(labels_text_nfc("Ho\xcc\x9b\xcc\xa3p", out, sizeof out),
                     LABELS_OK); /* "Hợp", o + horn + dot below */
    assert_string_equal(out, "H\xe1\xbb\xa3p");
    assert_int_equal(labels_text_nfc("\xff", out, sizeof out),
                     LABELS_ERR_FIELD);
    assert_int_equal(labels_text_nfc("abc", out, 3), LABELS_ERR_SPACE);
}

/* The status every reader shows: rated past its end date is expired. */
static void effective_status(void **state)
{
    (void)state;
    assert_string_equal(
        labels_status_effective("rated", "2024-01-01", "2024-01-02"),
        "expired");
    assert_string_equal(
        labels_status_effective("rated", "2024-01-01", "2024-01-01"), "rated");
    assert_string_equal(
        labels_status_effective("revoked", "2020-01-01", "2024-01-01"),
        "revoked");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(provinces_are_the_63_of_2020),
        cmocka_unit_test(provinces_as_people_write_them),
        cmocka_unit_test(groups_and_kinds),
        cmocka_unit_test(dates),
        cmocka_unit_test(stars),
        cmocka_unit_test(utf8),
        cmocka_unit_test(product_rows),
        cmocka_unit_test(csv_records),
        cmocka_unit_test(csv_semicolons_and_nul),
        cmocka_unit_test(names_in_nfc),
        cmocka_unit_test(effective_status),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
