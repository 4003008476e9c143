/* test_roundtrip.c -- sign, render, decode with ZBar, parse and verify:
 * many random labels at every module size and rotation, the size budget,
 * and the decoder's QR-only, binary-safe behaviour. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <labels.h>
#include <qrencode.h>
#include <stdlib.h>
#include <string.h>
#include <zbar.h>

static labels_pubkey pub;
static labels_seckey sec;
static labels_decoder *dec;

static int setup(void **state)
{
    (void)state;
    if (labels_init() != LABELS_OK || labels_keygen(&pub, &sec) != LABELS_OK)
        return -1;
    dec = labels_decoder_new();
    return dec ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    labels_decoder_free(dec);
    labels_seckey_wipe(&sec);
    return 0;
}

/* A fixed-seed generator keeps failures reproducible. */
static uint64_t rng = 0x9E3779B97F4A7C15u;
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

static void random_code(char *out)
{
    static const char alpha[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-./";
    size_t n = 1 + rnd() % LABELS_CODE_MAX;
    for (size_t i = 0; i < n; i++)
        out[i] = alpha[rnd() % (sizeof alpha - 1)];
    out[n] = '\0';
}

/* Turn img by quarter turns clockwise into a new image. */
static void rotate(const labels_image *in, int quarters, labels_image *out)
{
    int w = in->width, h = in->height;
    int ow = quarters % 2 ? h : w, oh = quarters % 2 ? w : h;
    assert_int_equal(labels_image_alloc(out, ow, oh), LABELS_OK);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            int nx, ny;
            switch (quarters) {
            case 1:
                nx = h - 1 - y;
                ny = x;
                break;
            case 2:
                nx = w - 1 - x;
                ny = h - 1 - y;
                break;
            case 3:
                nx = y;
                ny = w - 1 - x;
                break;
            default:
                nx = x;
                ny = y;
                break;
            }
            out->pixels[(size_t)ny * out->stride + nx] =
                in->pixels[(size_t)y * in->stride + x];
        }
}

struct seen {
    int count;
    size_t len;
    char data[1024];
};

static int collect(void *ctx, const char *data, size_t len)
{
    struct seen *s = ctx;
    s->count++;
    s->len = len;
    if (len <= sizeof s->data)
        memcpy(s->data, data, len);
    return 0;
}

static void test_random_labels(void **state)
{
    (void)state;
    int done = 0;
    for (int i = 0; i < 280; i++) {
        labels_label lab, back;
        memset(&lab, 0, sizeof lab);
        random_code(lab.product);
        random_code(lab.lot);
        lab.stars = (uint8_t)(1 + rnd() % 5);
        lab.serial = rnd() | 1;
        lab.issued = (uint16_t)rnd();
        assert_int_equal(labels_sign(&lab, &sec), LABELS_OK);
        char text[LABELS_TEXT_MAX];
        size_t len;
        assert_int_equal(labels_format(&lab, NULL, text, sizeof text, &len),
                         LABELS_OK);

        labels_qr qr;
        labels_image img, turned;
        int px = 2 + i % 7, quarters = (i / 7) % 4;
        assert_int_equal(labels_qr_encode(text, len, &qr), LABELS_OK);
        assert_true(qr.version <= 7);
        assert_int_equal(labels_qr_render(&qr, px, &img), LABELS_OK);
        assert_int_equal(img.width, (qr.width + 8) * px);
        labels_qr_free(&qr);
        rotate(&img, quarters, &turned);
        labels_image_free(&img);

        struct seen s = {0};
        int found;
        assert_int_equal(labels_decode(dec, &turned, collect, &s, &found),
                         LABELS_OK);
        labels_image_free(&turned);
        if (found != 1 || s.len != len || memcmp(s.data, text, len) != 0)
            fail_msg("label %d (%d px, %d quarter turns): %d codes read", i, px,
                     quarters, found);
        assert_int_equal(labels_parse(s.data, s.len, &back), LABELS_OK);
        assert_int_equal(labels_verify(&back, &pub), LABELS_OK);
        assert_string_equal(back.product, lab.product);
        assert_string_equal(back.lot, lab.lot);
        assert_int_equal(back.serial, lab.serial);
        assert_int_equal(back.issued, lab.issued);
        assert_int_equal(back.stars, lab.stars);
        done++;
    }
    assert_int_equal(done, 280);
}

/* Every field at its widest, demo host: QR version 7 at level M at most. */
static void test_size_budget(void **state)
{
    (void)state;
    static const char *const codes[] = {"////////////", "ZZZZZZZZZZZZ",
                                        "W.W.W.W.W.W."};
    for (size_t i = 0; i < sizeof codes / sizeof *codes; i++) {
        labels_label lab;
        memset(&lab, 0, sizeof lab);
        memcpy(lab.product, codes[i], LABELS_CODE_MAX + 1);
        memcpy(lab.lot, codes[i], LABELS_CODE_MAX + 1);
        lab.stars = 5;
        lab.serial = UINT32_MAX;
        lab.issued = UINT16_MAX;
        assert_int_equal(labels_sign(&lab, &sec), LABELS_OK);
        char text[LABELS_TEXT_MAX];
        size_t len;
        assert_int_equal(
            labels_format(&lab, LABELS_DEMO_HOST, text, sizeof text, &len),
            LABELS_OK);
        /* Fixed length whatever the fields: 23 + 154 characters. */
        assert_int_equal(len, 23 + LABELS_PAYLOAD_CHARS);
        labels_qr qr;
        assert_int_equal(labels_qr_encode(text, len, &qr), LABELS_OK);
        assert_true(qr.version >= 1 && qr.version <= 7);
        assert_int_equal(qr.width, 17 + 4 * qr.version);
        assert_true(qr.width <= 45);
        labels_qr_free(&qr);
        /* The text is 165 characters plus the host, and version 7-M holds
         * 178 alphanumeric characters: hosts of up to 13 characters fit. */
        static const struct {
            const char *host;
            int version;
        } hosts[] = {{"OCOP.EXAMPLE1", 7}, {"OCOP.EXAMPLE12", 8}};
        for (size_t h = 0; h < 2; h++) {
            assert_int_equal(
                labels_format(&lab, hosts[h].host, text, sizeof text, &len),
                LABELS_OK);
            assert_int_equal(len, 165 + strlen(hosts[h].host));
            assert_int_equal(labels_qr_encode(text, len, &qr), LABELS_OK);
            assert_int_equal(qr.version, hosts[h].version);
            labels_qr_free(&qr);
        }
    }
}

/* EAN-13 drawn as bars: left half L/G codes chosen by the first digit,
 * right half R codes, guard bars, 2 px per module, 10 modules of quiet. */
static void draw_ean13(const char digits[13], labels_image *img)
{
    static const char *const L[10] = {
        "0001101", "0011001", "0010011", "0111101", "0100011",
        "0110001", "0101111", "0111011", "0110111", "0001011"};
    static const char *const parity[10] = {
        "LLLLLL", "LLGLGG", "LLGGLG", "LLGGGL", "LGLLGG",
        "LGGLLG", "LGGGLL", "LGLGLG", "LGLGGL", "LGGLGL"};
    char bits[96];
    size_t nb = 0;
#define PUT(str) (memcpy(bits + nb, (str), strlen(str)), nb += strlen(str))
    PUT("101");
    const char *par = parity[digits[0] - '0'];
    for (int i = 1; i <= 6; i++) {
        const char *l = L[digits[i] - '0'];
        char code[8];
        for (int k = 0; k < 7; k++) /* G is R reversed; R is L inverted */
            code[k] = par[i - 1] == 'L' ? l[k] : (l[6 - k] == '1' ? '0' : '1');
        code[7] = '\0';
        PUT(code);
    }
    PUT("01010");
    for (int i = 7; i <= 12; i++) {
        const char *l = L[digits[i] - '0'];
        char code[8];
        for (int k = 0; k < 7; k++)
            code[k] = l[k] == '1' ? '0' : '1';
        code[7] = '\0';
        PUT(code);
    }
    PUT("101");
#undef PUT
    bits[nb] = '\0';
    assert_int_equal(strlen(bits), 95);
    int px = 3, quiet = 12, w = (95 + 2 * quiet) * px, h = 120;
    assert_int_equal(labels_image_alloc(img, w, h), LABELS_OK);
    for (int y = 10; y < h - 10; y++)
        for (int m = 0; m < 95; m++)
            if (bits[m] == '1')
                memset(img->pixels + (size_t)y * img->stride +
                           (size_t)(quiet + m) * px,
                       0, (size_t)px);
}

static void test_qr_only(void **state)
{
    (void)state;
    /* 590123412345 and its check digit 7. */
    const char digits[] = "5901234123457";
    int sum = 0;
    for (int i = 0; i < 12; i++)
        sum += (digits[i] - '0') * (i % 2 ? 3 : 1);
    assert_int_equal((10 - sum % 10) % 10, digits[12] - '0');
    labels_image img;
    draw_ean13(digits, &img);

    /* A stock ZBar scanner reads the bars, so the image is a real EAN-13... */
    zbar_image_scanner_t *sc = zbar_image_scanner_create();
    zbar_image_t *zi = zbar_image_create();
    assert_non_null(sc);
    assert_non_null(zi);
    zbar_image_set_format(zi, zbar_fourcc('Y', '8', '0', '0'));
    zbar_image_set_size(zi, (unsigned)img.width, (unsigned)img.height);
    zbar_image_set_data(zi, img.pixels, (size_t)img.width * img.height, NULL);
    assert_true(zbar_scan_image(sc, zi) > 0);
    const zbar_symbol_t *sym = zbar_image_first_symbol(zi);
    assert_non_null(sym);
    assert_int_equal(zbar_symbol_get_type(sym), ZBAR_EAN13);
    assert_string_equal(zbar_symbol_get_data(sym), digits);
    zbar_image_set_data(zi, NULL, 0, NULL);
    zbar_image_destroy(zi);
    zbar_image_scanner_destroy(sc);

    /* ...which the label decoder does not report. */
    struct seen s = {0};
    int found = -1;
    assert_int_equal(labels_decode(dec, &img, collect, &s, &found), LABELS_OK);
    assert_int_equal(found, 0);
    assert_int_equal(s.count, 0);
    labels_image_free(&img);
}

static void test_binary_safe(void **state)
{
    (void)state;
    unsigned char data[200];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (unsigned char)(i * 37 + 11);
    data[0] = 0;
    data[17] = 0;
    data[18] = 0;
    data[199] = 0;
    static const size_t lens[] = {1, 2, 19, 100, 200};
    for (size_t t = 0; t < sizeof lens / sizeof *lens; t++) {
        QRcode *code = QRcode_encodeData((int)lens[t], data, 0, QR_ECLEVEL_M);
        assert_non_null(code);
        labels_qr qr = {code->version, code->width, NULL};
        qr.modules = malloc((size_t)code->width * code->width);
        assert_non_null(qr.modules);
        for (int i = 0; i < code->width * code->width; i++)
            qr.modules[i] = code->data[i] & 1;
        QRcode_free(code);
        labels_image img;
        assert_int_equal(labels_qr_render(&qr, 4, &img), LABELS_OK);
        labels_qr_free(&qr);
        struct seen s = {0};
        int found;
        assert_int_equal(labels_decode(dec, &img, collect, &s, &found),
                         LABELS_OK);
        labels_image_free(&img);
        assert_int_equal(found, 1);
        assert_int_equal(s.len, lens[t]);
        assert_memory_equal(s.data, data, lens[t]);
        /* And the parser, given those bytes, says "not a label". */
        labels_label lab;
        assert_int_equal(labels_parse(s.data, s.len, &lab),
                         LABELS_ERR_NOT_LABEL);
    }
    /* labels_qr_encode itself refuses text with a NUL inside. */
    labels_qr qr;
    assert_int_equal(labels_qr_encode("AB\0CD", 5, &qr), LABELS_ERR_QR);
}

/* A blank page and a page of noise decode to nothing, without error. */
static void test_nothing_there(void **state)
{
    (void)state;
    labels_image img;
    assert_int_equal(labels_image_alloc(&img, 300, 200), LABELS_OK);
    int found = -1;
    assert_int_equal(labels_decode(dec, &img, collect, NULL, &found),
                     LABELS_OK);
    assert_int_equal(found, 0);
    for (size_t i = 0; i < 300 * 200; i++)
        img.pixels[i] = (uint8_t)(rnd() & 1 ? 0 : 255);
    assert_int_equal(labels_decode(dec, &img, NULL, NULL, &found), LABELS_OK);
    assert_int_equal(found, 0);
    labels_image_free(&img);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_labels),
        cmocka_unit_test(test_size_budget),
        cmocka_unit_test(test_qr_only),
        cmocka_unit_test(test_binary_safe),
        cmocka_unit_test(test_nothing_there),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
