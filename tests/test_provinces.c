/* test_provinces.c -- the provincial units of labels/provinces.c: the 34
 * of 2025, the 63 of 2020, the mapping of Resolution 202/2025/QH15 as
 * issue 11 lists it, the lookup people's spellings go through, and
 * Vietnamese alphabetical order. */
#include "labels.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

/* The resolution's list: new unit <- old units ("" ends a group). */
static const char *const merged[][4] = {
    {"Tuyên Quang", "Hà Giang", "Tuyên Quang", NULL},
    {"Lào Cai", "Yên Bái", "Lào Cai", NULL},
    {"Thái Nguyên", "Bắc Kạn", "Thái Nguyên", NULL},
    {"Phú Thọ", "Vĩnh Phúc", "Hòa Bình", "Phú Thọ"},
    {"Bắc Ninh", "Bắc Giang", "Bắc Ninh", NULL},
    {"Hưng Yên", "Thái Bình", "Hưng Yên", NULL},
    {"Hải Phòng", "Hải Dương", "Hải Phòng", NULL},
    {"Ninh Bình", "Hà Nam", "Nam Định", "Ninh Bình"},
    {"Quảng Trị", "Quảng Bình", "Quảng Trị", NULL},
    {"Đà Nẵng", "Quảng Nam", "Đà Nẵng", NULL},
    {"Quảng Ngãi", "Kon Tum", "Quảng Ngãi", NULL},
    {"Gia Lai", "Bình Định", "Gia Lai", NULL},
    {"Khánh Hòa", "Ninh Thuận", "Khánh Hòa", NULL},
    {"Lâm Đồng", "Đắk Nông", "Bình Thuận", "Lâm Đồng"},
    {"Đắk Lắk", "Phú Yên", "Đắk Lắk", NULL},
    {"Hồ Chí Minh", "Bà Rịa – Vũng Tàu", "Bình Dương", "Hồ Chí Minh"},
    {"Đồng Nai", "Bình Phước", "Đồng Nai", NULL},
    {"Tây Ninh", "Long An", "Tây Ninh", NULL},
    {"Cần Thơ", "Sóc Trăng", "Hậu Giang", "Cần Thơ"},
    {"Vĩnh Long", "Bến Tre", "Trà Vinh", "Vĩnh Long"},
    {"Đồng Tháp", "Tiền Giang", "Đồng Tháp", NULL},
    {"Cà Mau", "Bạc Liêu", "Cà Mau", NULL},
    {"An Giang", "Kiên Giang", "An Giang", NULL},
};
static const char *const unchanged[] = {
    "Hà Nội",     "Lai Châu",  "Điện Biên", "Sơn La",  "Lạng Sơn",
    "Quảng Ninh", "Thanh Hóa", "Nghệ An",   "Hà Tĩnh", "Cao Bằng"};

static void lists_as_the_resolution_says(void **state)
{
    (void)state;
    assert_int_equal(labels_province_count(LABELS_UNITS_2025), 34);
    assert_int_equal(labels_province_count(LABELS_UNITS_2020), 63);
    assert_null(labels_province_at(LABELS_UNITS_2025, 34));
    int cities = 0;
    for (size_t i = 0; i < 34; i++)
        cities += labels_province_at(LABELS_UNITS_2025, i)->city;
    assert_int_equal(cities, 6);
    size_t old = 0;
    for (size_t m = 0; m < sizeof merged / sizeof *merged; m++)
        for (int j = 1; j < 4 && merged[m][j]; j++, old++) {
            const labels_province *named,
                *p = labels_province_find(merged[m][j], &named);
            assert_non_null(p);
            assert_string_equal(p->name, merged[m][0]);
            assert_string_equal(
                labels_province_now(
                    labels_province_in(named, LABELS_UNITS_2020))
                    ->name,
                merged[m][0]);
        }
    for (size_t i = 0; i < sizeof unchanged / sizeof *unchanged; i++, old++)
        assert_string_equal(labels_province_find(unchanged[i], NULL)->name,
                            unchanged[i]);
    /* Huế: the eleventh unchanged unit, a city under its new name. */
    assert_string_equal(labels_province_find("Thừa Thiên Huế", NULL)->name,
                        "Huế");
    old++;
    assert_int_equal(old, 63);
    /* Every unit of either list found by its name and its code, and no two
     * units of a list share a name, a folded name or a code. */
    for (int u = 0; u < LABELS_UNITS_COUNT_; u++)
        for (size_t i = 0; i < labels_province_count((labels_units)u); i++) {
            const labels_province *a = labels_province_at((labels_units)u, i),
                                  *named;
            assert_non_null(labels_province_find(a->name, &named));
            assert_ptr_equal(labels_province_find(a->code, NULL),
                             labels_province_now(a));
            assert_ptr_equal(labels_province_now(a),
                             labels_province_in(a, LABELS_UNITS_2025));
            for (size_t j = i + 1; j < labels_province_count((labels_units)u);
                 j++) {
                const labels_province *b =
                    labels_province_at((labels_units)u, j);
                char fa[128], fb[128];
                assert_true(labels_text_fold(a->name, fa, sizeof fa));
                assert_true(labels_text_fold(b->name, fb, sizeof fb));
                assert_string_not_equal(fa, fb);
                assert_string_not_equal(a->code, b->code);
            }
        }
}

static void spellings_people_use(void **state)
{
    (void)state;
    const labels_province *named,
        *tq = labels_province_find("Tuyên Quang", &named);
    assert_non_null(tq);
    assert_ptr_equal(named, tq); /* both lists have it: the 2025 unit */
    assert_ptr_equal(labels_province_find("Hà Giang", &named), tq);
    assert_int_equal(named->units, LABELS_UNITS_2020);
    assert_string_equal(named->name, "Hà Giang");
    assert_ptr_equal(labels_province_find("HG", NULL), tq);
    assert_ptr_equal(labels_province_find("ha giang", NULL), tq);
    assert_ptr_equal(labels_province_find("HÀ GIANG", NULL), tq);
    assert_ptr_equal(labels_province_find("Ha\xcc\x80 Giang", NULL), tq);
    assert_ptr_equal(labels_province_find("UBND tỉnh Hà Giang", NULL), tq);
    const labels_province *hn = labels_province_find("HN", &named);
    assert_string_equal(hn->name, "Hà Nội");
    assert_ptr_equal(named, hn);
    assert_ptr_equal(labels_province_find("Thành phố Hà Nội", NULL), hn);
    assert_ptr_equal(labels_province_find("hanoi", NULL), hn);
    assert_string_equal(labels_province_find("TP. Hồ Chí Minh", NULL)->name,
                        "Hồ Chí Minh");
    assert_string_equal(labels_province_find("Bà Rịa-Vũng Tàu", NULL)->name,
                        "Hồ Chí Minh");
    assert_string_equal(labels_province_find("Hue", NULL)->code, "HUE");
    assert_string_equal(labels_province_find("Quang Nam", NULL)->name,
                        "Đà Nẵng");
    assert_string_equal(labels_province_find("Quang Ninh", NULL)->name,
                        "Quảng Ninh");
    assert_null(labels_province_find("Atlantis", NULL));
    assert_null(labels_province_find("Hà Tây", NULL)); /* gone in 2008 */
    assert_null(labels_province_find("", NULL));
    assert_null(labels_province_find("Tỉnh", NULL));
    assert_null(labels_province_find("Hà Nội\xff", NULL));
    assert_null(labels_province_find(NULL, &named));
    assert_null(named);
    /* The name a statistic by 2020 units files a stored name under. */
    assert_string_equal(labels_province_name_of("Huế", LABELS_UNITS_2020),
                        "Thừa Thiên Huế");
    assert_string_equal(labels_province_name_of("Hà Giang", LABELS_UNITS_2020),
                        "Hà Giang");
    assert_string_equal(labels_province_name_of("Hà Giang", LABELS_UNITS_2025),
                        "Tuyên Quang");
    assert_string_equal(labels_province_name_of("Atlantis", LABELS_UNITS_2025),
                        "Atlantis");
}

static void vietnamese_order(void **state)
{
    (void)state;
    /* Letters first, tones only between otherwise equal words. */
    assert_true(labels_text_collate("Hòa Bình", "Hồ Chí Minh") < 0);
    assert_true(labels_text_collate("Hồ Chí Minh", "Hòa Bình") > 0);
    assert_true(labels_text_collate("Cao Bằng", "Cà Mau") > 0);
    assert_true(labels_text_collate("Cần Thơ", "Cao Bằng") > 0);
    assert_true(labels_text_collate("Đà Nẵng", "Dak") > 0); /* đ after d */
    assert_true(labels_text_collate("Đà Nẵng", "Gia Lai") < 0);
    assert_true(labels_text_collate("Hà Nội", "Hải Phòng") < 0);
    assert_true(labels_text_collate("Huế", "Hưng Yên") < 0);
    assert_true(labels_text_collate("Lâm Đồng", "Lào Cai") > 0);
    assert_true(labels_text_collate("ma", "mà") < 0); /* ngang, huyền */
    assert_true(labels_text_collate("mà", "má") < 0); /* huyền, sắc */
    assert_true(labels_text_collate("mả", "mạ") < 0); /* hỏi, nặng */
    assert_true(labels_text_collate("Ơ", "ô") > 0);
    assert_int_equal(labels_text_collate("Hà Nội", "Hà Nội"), 0);
    /* NFD sorts as NFC, case aside before bytes decide. */
    assert_true(labels_text_collate("Ho\xcc\x80"
                                    "a",
                                    "Hồ") < 0);
    assert_true(labels_text_collate("a\xcc\x86", "â") < 0);
    assert_true(labels_text_collate("HA", "ha") != 0);
    assert_true(labels_text_collate(NULL, "a") < 0);
    /* The 34 units sort into one strict order. */
    for (size_t i = 0; i < 34; i++)
        for (size_t j = 0; j < 34; j++) {
            const char *a = labels_province_at(LABELS_UNITS_2025, i)->name,
                       *b = labels_province_at(LABELS_UNITS_2025, j)->name;
            int c = labels_text_collate(a, b), d = labels_text_collate(b, a);
            assert_true((i == j) == (c == 0));
            assert_true((c < 0) == (d > 0));
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lists_as_the_resolution_says),
        cmocka_unit_test(spellings_people_use),
        cmocka_unit_test(vietnamese_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
