/* phone_page.c -- the HTML a shopper's phone gets for a scanned label.
 *
 * The wording is the kiosk screen's (firmware/screen_text.c, reviewed by
 * translators), copied here because host/ and firmware/ do not share
 * files: keep the two in step. Every string from the mirror is
 * HTML-escaped and UTF-8-checked; the page has no script and no external
 * resource, so the Content-Security-Policy can forbid both. */
#include "serve/serve.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The verdicts' headlines and advice are the shared kiosk wording
 * (labels_verdict_headline/advice). Only not_ocop is worded for a web
 * page: here it means an address after /V/ that is no label at all. */
static const char *const not_ocop_text[2][LABELS_LANG_COUNT_] = {
    {"Đây không phải tem OCOP hợp lệ", "This is not a valid OCOP label"},
    {"Địa chỉ này không phải của một tem OCOP. Hãy quét mã QR trên tem "
     "OCOP có in hình ngôi sao trên bao bì.",
     "This address is not one of an OCOP label. Scan the QR code on the "
     "OCOP label with stars on the pack."},
};

/* clang-format off */
/* The field labels are labels_field's (the kiosk screen shows the same
 * words); the page's own lines follow them. */
typedef enum msg {
    M_PRODUCER = LABELS_F_PRODUCER, M_PROVINCE = LABELS_F_PROVINCE,
    M_GROUP = LABELS_F_GROUP, M_CERTIFICATE = LABELS_F_CERTIFICATE,
    M_VALID = LABELS_F_VALID, M_LOT = LABELS_F_LOT, M_SERIAL = LABELS_F_SERIAL,
    M_PRODUCT_CODE = LABELS_F_PRODUCT_CODE, M_STARS_NOW = LABELS_F_STARS_NOW,
    M_STARS_PRINTED = LABELS_F_STARS_PRINTED, M_PROPOSED5 = LABELS_F_PROPOSED5,
    M_WHAT_TO_DO = LABELS_F_WHAT_TO_DO, M_REASON = LABELS_F_REASON,
    M_REGISTERED_AS = LABELS_F_REGISTERED_AS,
    M_NO_PRODUCT = LABELS_F_NO_PRODUCT,
    M_TITLE = LABELS_F_COUNT_, M_UNAVAILABLE_TITLE, M_UNAVAILABLE_TEXT,
    M_ISSUED, M_DATA_AS_OF, M_STARS_WORD, M_COUNT_
} msg;

static const char *const messages[M_COUNT_ - M_TITLE][LABELS_LANG_COUNT_] = {
    [M_TITLE - M_TITLE] = {"Kiểm tra tem OCOP", "OCOP label check"},
    [M_UNAVAILABLE_TITLE - M_TITLE] = {"Chưa kiểm tra được", "Cannot check right now"},
    [M_UNAVAILABLE_TEXT - M_TITLE] = {"Dữ liệu OCOP tạm thời không đọc được nên "
                            "chưa kiểm tra được tem. Vui lòng thử lại sau "
                            "ít phút.",
                            "The OCOP data cannot be read at the moment, so "
                            "the label cannot be checked. Please try again "
                            "in a few minutes."},
    [M_ISSUED - M_TITLE] = {"Ngày in tem", "Label printed"},
    [M_DATA_AS_OF - M_TITLE] = {"Dữ liệu OCOP của cơ quan quản lý, cập nhật",
                      "The authority's OCOP data, published"},
    [M_STARS_WORD - M_TITLE] = {"sao", "stars"},
};


/* The header's class per labels_tone. */
static const char *const tone_class[] = {
    [LABELS_TONE_GOOD] = "g", [LABELS_TONE_WARN] = "w",
    [LABELS_TONE_BAD] = "b", [LABELS_TONE_NEUTRAL] = "n",
};

static const char css[] =
    "body{margin:0;font:17px/1.45 system-ui,sans-serif;color:#1b1b1b;"
    "background:#f4f4f2}"
    "main{max-width:36em;margin:0 auto;padding:0 0 1em}"
    "header{padding:1.1em 1em 1em;color:#fff}"
    "header p{margin:0;font-size:.9em;opacity:.9}"
    "h1{margin:.15em 0 0;font-size:1.7em;line-height:1.2}"
    ".g{background:#17753a}.w{background:#b8650a}.b{background:#b3161b}"
    ".n{background:#5b6066}"
    "section{background:#fff;margin:.6em;padding:.7em 1em;"
    "border-radius:.5em}"
    "h2{font-size:1.15em;margin:0 0 .3em}section p{margin:.2em 0}"
    "dl{margin:0}dt{font-size:.85em;color:#5b6066;margin-top:.5em}"
    "dd{margin:0;font-weight:600}"
    ".s{color:#d99a00;font-size:1.5em;letter-spacing:.05em}"
    ".o{color:#a0a0a0}.m{color:#5b6066;font-size:.85em}"
    "footer{margin:1em;font-size:.85em;color:#5b6066}"
    "a{color:#0b57a4}";

/* clang-format on */

typedef struct buf {
    char *p;
    size_t len, cap;
    int oom;
} buf;

static void put(buf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 8192;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void puts_(buf *b, const char *s) { put(b, s, strlen(s)); }

static void printf_(buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void printf_(buf *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof tmp) {
        b->oom = 1; /* only our own short formats come here */
        return;
    }
    put(b, tmp, (size_t)n);
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if it is not one
 * (overlong forms, surrogates and code points past U+10FFFF included). */
static size_t utf8_seq(const unsigned char *s)
{
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    size_t n = c >= 0xC2 && c <= 0xDF   ? 2
               : c >= 0xE0 && c <= 0xEF ? 3
               : c >= 0xF0 && c <= 0xF4 ? 4
                                        : 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] > 0x9F) ||
        (c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] > 0x8F))
        return 0;
    return n;
}

/* s as HTML text or attribute value: markup characters escaped, control
 * characters and broken UTF-8 replaced by U+FFFD, so a corrupt or
 * hostile mirror string can neither inject markup nor garble the page. */
static void esc(buf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        size_t n = utf8_seq(p);
        if (n == 0 || (*p < 0x20 && *p != '\t') || *p == 0x7F) {
            puts_(b, "\xEF\xBF\xBD");
            p++;
            continue;
        }
        switch (*p) {
        case '&': puts_(b, "&amp;"); break;
        case '<': puts_(b, "&lt;"); break;
        case '>': puts_(b, "&gt;"); break;
        case '"': puts_(b, "&quot;"); break;
        case '\'': puts_(b, "&#39;"); break;
        default: put(b, (const char *)p, n); break;
        }
        p += n;
    }
}

static const char *T(msg m, labels_lang L)
{
    return m < M_TITLE ? labels_field_label((labels_field)m, L)
                       : messages[m - M_TITLE][L];
}

/* "YYYY-MM-DD" as the shopper's convention (dd/mm/yyyy in Vietnamese). */
static void date_text(const char *iso, labels_lang L, char out[16])
{
    uint16_t days;
    if (L == LABELS_LANG_VI && labels_date_parse(iso, &days) == LABELS_OK) {
        int y, m, d;
        labels_date_to_ymd(days, &y, &m, &d);
        snprintf(out, 16, "%02d/%02d/%04d", d % 100, m % 100, y % 10000);
    } else {
        snprintf(out, 16, "%.10s", iso);
    }
}

/* The mirror's "YYYY-MM-DDTHH:MM:SSZ" as a date and a UTC time; anything
 * else as it is. */
static void published_text(const char *iso, labels_lang L, char out[40])
{
    char day[LABELS_DATE_SIZE], date[16];
    if (strlen(iso) >= 17 && iso[10] == 'T') {
        memcpy(day, iso, 10);
        day[10] = '\0';
        date_text(day, L, date);
        snprintf(out, 40, "%s %.5s UTC", date, iso + 11);
    } else {
        snprintf(out, 40, "%s", iso);
    }
}

static void field(buf *b, msg label, labels_lang L, const char *value)
{
    printf_(b, "<dt>%s</dt><dd>", T(label, L));
    esc(b, value);
    puts_(b, "</dd>");
}

/* Stars as text, so the page needs no image: filled then hollow. */
static void stars(buf *b, msg label, labels_lang L, int n, int old,
                  const char *note)
{
    if (n < 0 || n > 5)
        n = 0;
    printf_(b, "<dt>%s</dt><dd><span class=\"s%s\" aria-label=\"%d %s\">",
            T(label, L), old ? " o" : "", n, T(M_STARS_WORD, L));
    for (int i = 0; i < 5; i++)
        puts_(b, i < n ? "★" : "☆");
    puts_(b, "</span>");
    if (note)
        printf_(b, " <span class=\"m\">%s</span>", note);
    puts_(b, "</dd>");
}

static void facts_section(buf *b, const labels_facts *fa, labels_tone tn,
                          labels_lang L)
{
    const labels_product *p = &fa->product;
    const labels_label *lab = &fa->label;
    char d1[16], d2[16], num[16];

    if (!fa->have_product && !fa->have_label)
        return;
    puts_(b, "<section><dl>");
    if (fa->have_product) {
        /* An untrusted label: what follows is the register's record for
         * the code it carries, for comparison (as on the kiosk). */
        if (tn == LABELS_TONE_BAD && fa->verdict != LABELS_V_SUSPENDED &&
            fa->verdict != LABELS_V_REVOKED)
            printf_(b, "<p class=\"m\">%s</p>", T(M_REGISTERED_AS, L));
        puts_(b, "<h2>");
        esc(b, p->name);
        puts_(b, "</h2>");
        const char *note = p->proposed5 ? T(M_PROPOSED5, L) : NULL;
        if (fa->have_label && lab->stars != p->stars) {
            stars(b, M_STARS_NOW, L, p->stars, 0, note);
            stars(b, M_STARS_PRINTED, L, lab->stars, 1, NULL);
        } else {
            stars(b, M_STARS_NOW, L, p->stars, 0, note);
        }
        printf_(b, "<dt>%s</dt><dd>", T(M_PRODUCER, L));
        esc(b, p->producer_name);
        if (p->producer_kind[0]) {
            puts_(b, " <span class=\"m\">(");
            esc(b, labels_kind_name_of(p->producer_kind, L));
            puts_(b, ")</span>");
        }
        puts_(b, "</dd>");
        char prov[160];
        field(b, M_PROVINCE, L, labels_province_shown(p, L, prov, sizeof prov));
        if (p->group[0])
            field(b, M_GROUP, L, labels_group_name_of(p->group, L));
        if (p->certificate[0])
            field(b, M_CERTIFICATE, L, p->certificate);
        if (p->certified[0] || p->expires[0]) {
            char valid[40];
            date_text(p->certified, L, d1);
            date_text(p->expires, L, d2);
            snprintf(valid, sizeof valid, "%s – %s", d1, d2);
            field(b, M_VALID, L, valid);
        }
    } else {
        field(b, M_PRODUCT_CODE, L, lab->product);
        stars(b, M_STARS_PRINTED, L, lab->stars, 1, NULL);
        if (fa->verdict == LABELS_V_UNKNOWN_PRODUCT)
            printf_(b, "<dd>%s</dd>", T(M_NO_PRODUCT, L));
    }
    if (fa->have_label) {
        field(b, M_LOT, L, lab->lot);
        snprintf(num, sizeof num, "%lu", (unsigned long)lab->serial);
        field(b, M_SERIAL, L, num);
        char iso[LABELS_DATE_SIZE];
        labels_date_format(lab->issued, iso);
        date_text(iso, L, d1);
        field(b, M_ISSUED, L, d1);
    }
    if (fa->have_product && p->status_reason[0] && tn != LABELS_TONE_GOOD) {
        printf_(b, "<dt>%s</dt><dd>", T(M_REASON, L));
        esc(b, p->status_reason);
        if (p->status_date[0]) {
            date_text(p->status_date, L, d1);
            puts_(b, " (");
            esc(b, d1);
            puts_(b, ")");
        }
        puts_(b, "</dd>");
    }
    puts_(b, "</dl></section>");
}

const char *phone_page_marker(const labels_facts *facts)
{
    if (!facts || (int)facts->verdict < 0 || facts->verdict >= LABELS_V_COUNT_)
        return "unavailable";
    return labels_verdict_word(facts->verdict);
}

char *phone_page_render(const labels_facts *facts, labels_lang lang,
                        const char *published, size_t *len)
{
    labels_lang L =
        (int)lang >= 0 && lang < LABELS_LANG_COUNT_ ? lang : LABELS_LANG_VI;
    const labels_facts *fa =
        facts && (int)facts->verdict >= 0 && facts->verdict < LABELS_V_COUNT_
            ? facts
            : NULL;
    labels_tone tn =
        fa ? labels_verdict_tone(fa->verdict) : LABELS_TONE_NEUTRAL;
    const char *headline, *advice;
    if (!fa) {
        headline = T(M_UNAVAILABLE_TITLE, L);
        advice = T(M_UNAVAILABLE_TEXT, L);
    } else if (fa->verdict == LABELS_V_NOT_OCOP) {
        headline = not_ocop_text[0][L];
        advice = not_ocop_text[1][L];
    } else {
        headline = labels_verdict_headline(fa->verdict, (labels_lang)L);
        advice = labels_verdict_advice(fa->verdict, (labels_lang)L);
    }
    buf b = {0};

    printf_(&b,
            "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width,"
            "initial-scale=1\">"
            "<meta name=\"robots\" content=\"noindex\">"
            "<meta name=\"ocop-verdict\" content=\"%s\">",
            labels_lang_code(L), phone_page_marker(fa));
    printf_(&b, "<title>%s – %s</title>", headline, T(M_TITLE, L));
    puts_(&b, "<style>");
    puts_(&b, css);
    puts_(&b, "</style></head><body><main>");
    printf_(&b, "<header class=\"%s\"><p>%s</p><h1>%s</h1></header>",
            tone_class[tn], T(M_TITLE, L), headline);
    /* What to do comes first: it is what a shopper in a shop needs. */
    printf_(&b, "<section><h2>%s</h2><p>%s</p></section>", T(M_WHAT_TO_DO, L),
            advice);
    if (fa)
        facts_section(&b, fa, tn, L);
    puts_(&b, "<footer>");
    if (published && published[0]) {
        char when[40];
        published_text(published, L, when);
        printf_(&b, "<p>%s: ", T(M_DATA_AS_OF, L));
        esc(&b, when);
        puts_(&b, "</p>");
    }
    /* A relative link keeps the payload path as it is: nothing from the
     * request is echoed into the page. */
    printf_(&b, "<p><a href=\"?lang=%s\" hreflang=\"%s\">%s</a></p>",
            labels_lang_code(labels_lang_toggle(L)),
            labels_lang_code(labels_lang_toggle(L)),
            labels_lang_name(labels_lang_toggle(L)));
    puts_(&b, "</footer></main></body></html>\n");
    if (b.oom) {
        free(b.p);
        return NULL;
    }
    *len = b.len;
    return b.p;
}

/* The home page (GET /): what the check is and a box to type a label's
 * code, in the verdict pages' style. The form is a plain GET to "/"
 * (?code=, judged by serve_phone_home), so it needs no script. */
char *phone_home_render(labels_lang lang, size_t *len)
{
    labels_lang L =
        (int)lang >= 0 && lang < LABELS_LANG_COUNT_ ? lang : LABELS_LANG_VI;
    labels_lang other = labels_lang_toggle(L);
    buf b = {0};

    printf_(&b,
            "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width,"
            "initial-scale=1\"><title>%s</title><style>",
            labels_lang_code(L), labels_home_text(LABELS_HOME_TITLE, L));
    puts_(&b, css);
    puts_(&b, "input{font:inherit;width:100%;box-sizing:border-box;"
              "padding:.4em;margin:.3em 0}"
              "button{font:inherit;padding:.4em 1.2em}");
    printf_(&b,
            "</style></head><body><main><header class=\"n\"><h1>%s</h1>"
            "</header><section><p>%s</p><p>%s</p></section>",
            labels_home_text(LABELS_HOME_TITLE, L),
            labels_home_text(LABELS_HOME_WHAT, L),
            labels_home_text(LABELS_HOME_HOW, L));
    printf_(&b,
            "<section><h2>%s</h2><p>%s</p><form method=\"get\" action=\"/\">"
            "<label for=\"code\">%s</label>",
            labels_home_text(LABELS_HOME_TYPE_TITLE, L),
            labels_home_text(LABELS_HOME_TYPE_HINT, L),
            labels_home_text(LABELS_HOME_FIELD, L));
    printf_(&b,
            "<input id=\"code\" name=\"code\" required maxlength=\"%d\" "
            "autocomplete=\"off\" autocapitalize=\"characters\" "
            "spellcheck=\"false\"><input type=\"hidden\" name=\"lang\" "
            "value=\"%s\"><button type=\"submit\">%s</button></form>"
            "</section>",
            LABELS_PARSE_MAX, labels_lang_code(L),
            labels_home_text(LABELS_HOME_BUTTON, L));
    printf_(&b,
            "<footer><p><a href=\"?lang=%s\" hreflang=\"%s\">%s</a></p>"
            "</footer></main></body></html>\n",
            labels_lang_code(other), labels_lang_code(other),
            labels_lang_name(other));
    if (b.oom) {
        free(b.p);
        return NULL;
    }
    *len = b.len;
    return b.p;
}
