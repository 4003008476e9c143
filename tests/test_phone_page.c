/* test_phone_page.c -- the phone page's HTML for every verdict in both
 * languages, fed the worst a corrupt or hostile mirror can hold: markup,
 * quotes, broken UTF-8, control bytes, strings at their full length. The
 * page must stay well-formed UTF-8 with no markup from the mirror, carry
 * the verdict marker, and stay small. */
#include "serve/serve.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* Whole-buffer UTF-8 check, independent of the renderer's own. */
static int valid_utf8(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t k;
        unsigned cp;
        if (c < 0x80) {
            if (c < 0x20 && c != '\n' && c != '\t')
                return 0;
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            k = 1;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            k = 2;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            k = 3;
            cp = c & 0x07;
        } else {
            return 0;
        }
        if (i + k >= n)
            return 0;
        for (size_t j = 1; j <= k; j++) {
            if ((s[i + j] & 0xC0) != 0x80)
                return 0;
            cp = cp << 6 | (s[i + j] & 0x3F);
        }
        static const unsigned min[] = {0, 0x80, 0x800, 0x10000};
        if (cp < min[k] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += k + 1;
    }
    return 1;
}

static void fill(char *dst, size_t size, const char *pattern)
{
    size_t pl = strlen(pattern), n = 0;
    while (n + pl < size) {
        memcpy(dst + n, pattern, pl);
        n += pl;
    }
    dst[n] = '\0';
}

/* Facts whose every mirror string is hostile and as long as it can be. */
static void hostile(labels_facts *f, labels_verdict v)
{
    static const char *const evil[] = {
        "<script>alert(1)</script>", "\"'><img src=x onerror=alert(1)>&amp;",
        "\xff\xfe\xc0\xaf\xed\xa0\x80\x01\x1b[31m\x7f",
        "Hợp tác xã \xe1\xba", /* a Vietnamese letter cut in half */
    };
    static int turn;
    const char *e = evil[turn++ % 4];
    memset(f, 0, sizeof *f);
    f->verdict = v;
    f->have_label = 1;
    f->have_product = 1;
    memcpy(f->label.product, "QN-0001", 8);
    memcpy(f->label.lot, "L1/2.3-4", 9);
    f->label.stars = 4;
    f->label.serial = 4294967295u;
    f->label.issued = 65535;
    labels_product *p = &f->product;
    fill(p->code, sizeof p->code, "<");
    fill(p->name, sizeof p->name, e);
    fill(p->group, sizeof p->group, e);
    fill(p->producer_code, sizeof p->producer_code, e);
    fill(p->producer_name, sizeof p->producer_name, e);
    fill(p->producer_kind, sizeof p->producer_kind, e);
    fill(p->province, sizeof p->province, e);
    p->stars = 99; /* out of range: must not crash or draw 99 stars */
    p->proposed5 = 1;
    fill(p->status, sizeof p->status, e);
    fill(p->status_reason, sizeof p->status_reason, e);
    fill(p->status_date, sizeof p->status_date, "<");
    fill(p->certificate, sizeof p->certificate, e);
    fill(p->certified, sizeof p->certified, "2020-13-45");
    fill(p->expires, sizeof p->expires, "\"");
}

/* Every '<' in the page opens one of the renderer's own tags: nothing
 * from the mirror became markup. */
static void only_our_tags(const char *page)
{
    static const char *const tags[] = {
        "!DOCTYPE", "html",   "head", "meta",   "title", "style",   "body",
        "main",     "header", "p",    "h1",     "h2",    "section", "dl",
        "dt",       "dd",     "span", "footer", "a",
    };
    for (const char *lt = strchr(page, '<'); lt; lt = strchr(lt + 1, '<')) {
        const char *t = lt[1] == '/' ? lt + 2 : lt + 1;
        int known = 0;
        for (size_t i = 0; i < sizeof tags / sizeof tags[0] && !known; i++) {
            size_t n = strlen(tags[i]);
            known = !strncmp(t, tags[i], n) && (t[n] == ' ' || t[n] == '>');
        }
        if (!known)
            fail_msg("unexpected markup at: %.40s", lt);
    }
}

static void check_page(const char *page, size_t len, const char *marker,
                       labels_lang lang)
{
    char want[96];
    assert_non_null(page);
    assert_int_equal(strlen(page), len);
    assert_true(valid_utf8((const unsigned char *)page, len));
    snprintf(want, sizeof want, "<meta name=\"ocop-verdict\" content=\"%s\">",
             marker);
    assert_non_null(strstr(page, want));
    assert_non_null(strstr(page, lang == LABELS_LANG_EN
                                     ? "<html lang=\"en\">"
                                     : "<html lang=\"vi\">"));
    assert_non_null(strstr(page, lang == LABELS_LANG_EN ? "href=\"?lang=vi\""
                                                        : "href=\"?lang=en\""));
    /* Nothing the mirror said became markup. */
    assert_null(strstr(page, "<script"));
    assert_null(strstr(page, "<img"));
    assert_null(strstr(page, "onerror=alert(1)>"));
    assert_null(strstr(page, "\"'>"));
    assert_non_null(strstr(page, "</html>"));
    only_our_tags(page);
}

static void every_verdict_survives_a_hostile_mirror(void **state)
{
    (void)state;
    for (int v = 0; v < LABELS_V_COUNT_; v++) {
        for (int l = 0; l < LABELS_LANG_COUNT_; l++) {
            labels_facts f;
            hostile(&f, (labels_verdict)v);
            size_t len = 0;
            char *page =
                phone_page_render(&f, (labels_lang)l, "<b>2026</b>\xff", &len);
            check_page(page, len, labels_verdict_word((labels_verdict)v),
                       (labels_lang)l);
            /* Worst case: every field at full length, escaped 6x. */
            assert_true(len < 32768);
            if (v != LABELS_V_GENUINE) {
                assert_null(strstr(page, "chính hãng"));
                assert_null(strstr(page, "Genuine OCOP"));
            }
            free(page);
        }
    }
}

static void a_demo_like_page_is_small_and_shows_the_facts(void **state)
{
    (void)state;
    labels_facts f;
    memset(&f, 0, sizeof f);
    f.verdict = LABELS_V_RATING_CHANGED;
    f.have_label = f.have_product = 1;
    memcpy(f.label.product, "QN-0005", 8);
    memcpy(f.label.lot, "L2611-01", 9);
    f.label.stars = 3;
    f.label.serial = 17;
    labels_product *p = &f.product;
    snprintf(p->name, sizeof p->name, "Sản phẩm lục bình Tiên Yên & Co");
    snprintf(p->producer_name, sizeof p->producer_name,
             "Hợp tác xã Dược liệu Bình Liêu");
    snprintf(p->producer_kind, sizeof p->producer_kind, "cooperative");
    snprintf(p->province, sizeof p->province, "Quảng Ninh");
    snprintf(p->group, sizeof p->group, "souvenirs");
    snprintf(p->certificate, sizeof p->certificate, "2317/QĐ-UBND-QN");
    snprintf(p->certified, sizeof p->certified, "2026-10-24");
    snprintf(p->expires, sizeof p->expires, "2029-10-24");
    p->stars = 4;
    size_t len;
    char *page =
        phone_page_render(&f, LABELS_LANG_VI, "2026-11-29T14:28:45Z", &len);
    check_page(page, len, "rating_changed", LABELS_LANG_VI);
    assert_true(len < 8192);
    assert_non_null(strstr(page, "Sản phẩm lục bình Tiên Yên &amp; Co"));
    assert_non_null(strstr(page, "Hạng sao đã thay đổi"));
    assert_non_null(strstr(page, "24/10/2026 – 24/10/2029"));
    assert_non_null(strstr(page, "29/11/2026 14:28 UTC"));
    assert_non_null(strstr(page, "Hợp tác xã Dược liệu Bình Liêu"));
    /* Current and printed stars, both shown. */
    assert_non_null(strstr(page, "aria-label=\"4 sao\">★★★★☆"));
    assert_non_null(strstr(page, "aria-label=\"3 sao\">★★★☆☆"));
    free(page);

    page = phone_page_render(&f, LABELS_LANG_EN, "", &len);
    check_page(page, len, "rating_changed", LABELS_LANG_EN);
    assert_non_null(strstr(page, "Star rating has changed"));
    assert_non_null(strstr(page, "2026-10-24 – 2029-10-24"));
    assert_non_null(strstr(page, "Souvenirs, furniture, decoration"));
    free(page);
}

/* A certificate of a unit merged in 2025 stays shown with its unit. */
static void a_merged_unit_shows_where_it_is_now(void **state)
{
    (void)state;
    labels_facts f;
    memset(&f, 0, sizeof f);
    f.verdict = LABELS_V_GENUINE;
    f.have_label = f.have_product = 1;
    memcpy(f.label.product, "HG001", 6);
    f.label.stars = 4;
    labels_product *p = &f.product;
    snprintf(p->name, sizeof p->name, "Chè Shan Tuyết");
    snprintf(p->province, sizeof p->province, "Tuyên Quang");
    snprintf(p->certified_unit, sizeof p->certified_unit, "Hà Giang");
    p->stars = 4;
    size_t len;
    char *page = phone_page_render(&f, LABELS_LANG_EN, "", &len);
    assert_non_null(strstr(page, "Hà Giang (now Tuyên Quang)"));
    free(page);
    page = phone_page_render(&f, LABELS_LANG_VI, "", &len);
    assert_non_null(strstr(page, "Hà Giang (nay là Tuyên Quang)"));
    free(page);
    /* An older mirror, still saying Hà Giang: the same line. */
    p->certified_unit[0] = '\0';
    snprintf(p->province, sizeof p->province, "Hà Giang");
    page = phone_page_render(&f, LABELS_LANG_EN, "", &len);
    assert_non_null(strstr(page, "Hà Giang (now Tuyên Quang)"));
    free(page);
    /* An unchanged unit is shown as itself. */
    snprintf(p->province, sizeof p->province, "Hà Nội");
    page = phone_page_render(&f, LABELS_LANG_EN, "", &len);
    assert_non_null(strstr(page, "Hà Nội"));
    assert_null(strstr(page, "(now "));
    free(page);
}

static void no_facts_is_the_cannot_check_page(void **state)
{
    (void)state;
    size_t len;
    char *page = phone_page_render(NULL, LABELS_LANG_EN, NULL, &len);
    check_page(page, len, "unavailable", LABELS_LANG_EN);
    assert_non_null(strstr(page, "Cannot check right now"));
    free(page);

    /* A verdict out of range (a failed check) is never shown as one. */
    labels_facts f;
    memset(&f, 0, sizeof f);
    f.verdict = LABELS_V_COUNT_;
    page = phone_page_render(&f, (labels_lang)7, "", &len);
    check_page(page, len, "unavailable", LABELS_LANG_VI);
    assert_non_null(strstr(page, "Chưa kiểm tra được"));
    free(page);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_verdict_survives_a_hostile_mirror),
        cmocka_unit_test(a_demo_like_page_is_small_and_shows_the_facts),
        cmocka_unit_test(no_facts_is_the_cannot_check_page),
        cmocka_unit_test(a_merged_unit_shows_where_it_is_now),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
