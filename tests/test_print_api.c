/* test_print_api.c -- host/print.h as the demo generator uses it: one
 * label to PNG/SVG, PDF sheets mixing products, ASCII folding for
 * thermal printers, sheet geometry, and abort leaving nothing behind. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "print/print.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static labels_pubkey pub;
static labels_seckey sec;
static char dir[] = "/tmp/test_print_api.XXXXXX";

static int setup(void **state)
{
    (void)state;
    if (labels_init() != LABELS_OK || !mkdtemp(dir))
        return -1;
    return labels_keygen(&pub, &sec) == LABELS_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL)
        if (e->d_name[0] != '.')
            unlinkat(dirfd(d), e->d_name, 0);
    if (d)
        closedir(d);
    rmdir(dir);
    labels_seckey_wipe(&sec);
    print_cleanup();
    return 0;
}

static void product(labels_product *p, const char *code, const char *name,
                    int stars)
{
    memset(p, 0, sizeof *p);
    snprintf(p->code, sizeof p->code, "%s", code);
    snprintf(p->name, sizeof p->name, "%s", name);
    snprintf(p->producer_name, sizeof p->producer_name,
             "Hợp tác xã Nông nghiệp Đồng Tháp");
    p->stars = stars;
}

/* Sign serial for p and fill it (text must hold LABELS_TEXT_MAX). */
static void sign(const labels_product *p, uint32_t serial, labels_label *lab,
                 char *text, print_item *it)
{
    memset(lab, 0, sizeof *lab);
    memcpy(lab->product, p->code, sizeof lab->product);
    snprintf(lab->lot, sizeof lab->lot, "L1");
    lab->stars = (uint8_t)p->stars;
    lab->serial = serial;
    assert_int_equal(labels_date_parse("2026-11-29", &lab->issued), LABELS_OK);
    assert_int_equal(labels_sign(lab, &sec), LABELS_OK);
    size_t len;
    assert_int_equal(labels_format(lab, NULL, text, LABELS_TEXT_MAX, &len),
                     LABELS_OK);
    it->product = p;
    it->label = lab;
    it->qr_text = text;
    it->qr_len = len;
}

struct found {
    uint32_t serials[64];
    int n;
};

static int on_code(void *ctx, const char *data, size_t len)
{
    struct found *f = ctx;
    labels_label lab;
    if (labels_parse(data, len, &lab) == LABELS_OK &&
        labels_verify(&lab, &pub) == LABELS_OK && f->n < 64)
        f->serials[f->n++] = lab.serial;
    return 0;
}

static void decode_file(const char *path, struct found *f)
{
    labels_image img;
    assert_int_equal(labels_image_read(path, 0, &img), LABELS_OK);
    labels_decoder *dec = labels_decoder_new();
    assert_non_null(dec);
    assert_int_equal(labels_decode(dec, &img, on_code, f, NULL), LABELS_OK);
    labels_decoder_free(dec);
    labels_image_free(&img);
}

static void test_label_png_and_svg(void **state)
{
    (void)state;
    labels_product p;
    labels_label lab;
    char text[LABELS_TEXT_MAX], path[256];
    print_item it;
    product(&p, "HONEY-01", "Mật ong rừng U Minh Hạ", 4);
    sign(&p, 77, &lab, text, &it);
    print_geom g = {50, 30, 300};
    snprintf(path, sizeof path, "%s/one.png", dir);
    assert_int_equal(print_label_png(path, &it, &g), LABELS_OK);
    struct found f = {{0}, 0};
    decode_file(path, &f);
    assert_int_equal(f.n, 1);
    assert_int_equal(f.serials[0], 77);

    snprintf(path, sizeof path, "%s/one.svg", dir);
    assert_int_equal(print_label_svg(path, &it, &g), LABELS_OK);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_true(st.st_size > 1000);

    /* A folder that does not exist: an error, and no file. */
    snprintf(path, sizeof path, "%s/none/one.png", dir);
    assert_int_equal(print_label_png(path, &it, &g), LABELS_ERR_IO);
}

static void test_sheet_mixed_products(void **state)
{
    (void)state;
    labels_product a, b;
    product(&a, "HONEY-01", "Mật ong rừng U Minh Hạ", 4);
    product(&b, "WAX-04", "Sáp ong Cà Mau", 5);
    print_sheet_opts o;
    print_sheet_defaults(&o);
    o.rows = 2;
    o.cols = 2;
    char path[256];
    snprintf(path, sizeof path, "%s/mixed.pdf", dir);
    print_sheet *s;
    assert_int_equal(print_sheet_open(path, &o, &s), LABELS_OK);
    for (uint32_t i = 1; i <= 6; i++) {
        labels_label lab;
        char text[LABELS_TEXT_MAX];
        print_item it;
        sign(i % 2 ? &a : &b, i, &lab, text, &it);
        assert_int_equal(print_sheet_add(s, &it), LABELS_OK);
    }
    /* Until committed, only the temporary file exists. */
    assert_int_not_equal(access(path, F_OK), 0);
    assert_int_equal(print_sheet_commit(s), LABELS_OK);
    assert_int_equal(access(path, F_OK), 0);

    char cmd[600];
    snprintf(cmd, sizeof cmd, "pdftoppm -r 200 -gray '%s' '%s/mixed'", path,
             dir);
    assert_int_equal(system(cmd), 0);
    struct found f = {{0}, 0};
    for (int page = 1; page <= 2; page++) {
        char png[300];
        snprintf(png, sizeof png, "%s/mixed-%d.pgm", dir, page);
        decode_file(png, &f);
    }
    assert_int_equal(f.n, 6);
    unsigned seen = 0;
    for (int i = 0; i < f.n; i++)
        seen |= 1u << f.serials[i];
    assert_int_equal(seen, 0x7e); /* serials 1..6 */
}

/* A product name too long for one line of a 60 x 40 mm label wraps
 * whole while there is room, and is cut (with "…") only past it
 * (issue 11, 3.10). The demo world's longest names are 44 characters. */
static void test_long_name_wraps(void **state)
{
    (void)state;
    labels_product a;
    int lines, cut;
    product(&a, "HB-0019", "Trà túi lọc dược liệu truyền thống Cao Phong", 4);
    assert_int_equal(print_name_fit(&a, 4, 60, 40, &lines, &cut), LABELS_OK);
    assert_int_equal(cut, 0);
    assert_true(lines >= 2);
    product(&a, "HONEY-01", "Mật ong", 4);
    assert_int_equal(print_name_fit(&a, 4, 60, 40, &lines, &cut), LABELS_OK);
    assert_int_equal(cut, 0);
    assert_int_equal(lines, 1);
    /* Past the room: cut, never over the lot and serial. */
    product(&a, "HB-0019",
            "Trà túi lọc dược liệu truyền thống Cao Phong loại đặc biệt "
            "thu hái trên núi cao vào mùa xuân năm nay",
            4);
    assert_int_equal(print_name_fit(&a, 4, 60, 40, &lines, &cut), LABELS_OK);
    assert_int_equal(cut, 1);
    assert_int_equal(print_name_fit(NULL, 4, 60, 40, &lines, &cut),
                     LABELS_ERR_ARG);
}

static void test_sheet_abort_leaves_nothing(void **state)
{
    (void)state;
    labels_product a;
    product(&a, "HONEY-01", "Mật ong", 4);
    print_sheet_opts o;
    print_sheet_defaults(&o);
    char path[256];
    snprintf(path, sizeof path, "%s/aborted.pdf", dir);
    print_sheet *s;
    assert_int_equal(print_sheet_open(path, &o, &s), LABELS_OK);
    labels_label lab;
    char text[LABELS_TEXT_MAX];
    print_item it;
    sign(&a, 1, &lab, text, &it);
    assert_int_equal(print_sheet_add(s, &it), LABELS_OK);
    print_sheet_abort(s);
    DIR *d = opendir(dir);
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        assert_null(strstr(e->d_name, "aborted"));
    closedir(d);
}

static void test_sheet_geometry(void **state)
{
    (void)state;
    print_sheet_opts o;
    print_sheet_defaults(&o);
    assert_int_equal(print_sheet_resolve(&o), LABELS_OK);
    assert_int_equal(o.cols, 3); /* (210 - 16) / 60 */
    assert_int_equal(o.rows, 7); /* (297 - 16) / 40 */
    print_sheet_defaults(&o);
    o.cols = 4;
    assert_int_equal(print_sheet_resolve(&o), LABELS_ERR_ARG);
    print_sheet_defaults(&o);
    o.label_w_mm = 70;
    o.margin_mm = 0;
    assert_int_equal(print_sheet_resolve(&o), LABELS_OK);
    assert_int_equal(o.cols, 3); /* exactly 210 mm */
}

static void test_ascii_fold(void **state)
{
    (void)state;
    char out[64];
    print_ascii_fold("Mật ong rừng U Minh Hạ", "", out, sizeof out);
    assert_string_equal(out, "Mat ong rung U Minh Ha");
    print_ascii_fold("Hợp tác xã Nông nghiệp Đồng Tháp", "", out, sizeof out);
    assert_string_equal(out, "Hop tac xa Nong nghiep Dong Thap");
    print_ascii_fold("đặc sản ỨNG HÒA", "", out, sizeof out);
    assert_string_equal(out, "dac san UNG HOA");
    /* Decomposed marks (NFD input) fold the same. */
    print_ascii_fold("Ma\xcc\xa3\xcc\x82t", "", out, sizeof out);
    assert_string_equal(out, "Mat");
    /* Command characters become spaces; invalid UTF-8 is not passed on. */
    print_ascii_fold("A^B~C\\D\"E", "^~\\\"", out, sizeof out);
    assert_string_equal(out, "A B C D E");
    print_ascii_fold("ok\xff", "", out, sizeof out);
    assert_null(strchr(out, '\xff'));
    print_ascii_fold("Mật ong rừng U Minh Hạ", "", out, 8);
    assert_string_equal(out, "Mat ong");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_label_png_and_svg),
        cmocka_unit_test(test_sheet_mixed_products),
        cmocka_unit_test(test_sheet_abort_leaves_nothing),
        cmocka_unit_test(test_long_name_wraps),
        cmocka_unit_test(test_sheet_geometry),
        cmocka_unit_test(test_ascii_fold),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
