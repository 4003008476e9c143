/* fields.c -- checking and normalising what people type into the
 * registry: groups and kinds (spelled in labels/), dates, stars, codes and
 * whole product rows. */
#include "registry/registry.h"

#include <ctype.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static int fail(char *err, size_t errsz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errsz, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errsz, fmt, ap);
    va_end(ap);
    return -1;
}

const char *registry_group_key(const char *input)
{
    int g = input ? labels_group_from_spelling(input) : -1;
    return g < 0 ? NULL : labels_group_code((labels_group)g);
}

const char *registry_kind_key(const char *input)
{
    int k = input ? labels_kind_from_spelling(input) : -1;
    return k < 0 ? NULL : labels_kind_code((labels_kind)k);
}

/* ---- Dates ---------------------------------------------------------- */

static int month_days(int y, int m)
{
    static const int n[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return n[m - 1];
}

/* Years stay within 1990..2199, so ten characters always suffice. */
static void fmt_date(char out[LABELS_DATE_SIZE], int y, int m, int d)
{
    char tmp[48];
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", y, m, d);
    memcpy(out, tmp, 10);
    out[10] = '\0';
}

static int date_split(const char *s, int *y, int *m, int *d)
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return -1;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
            return -1;
    *y = atoi(s);
    *m = atoi(s + 5);
    *d = atoi(s + 8);
    if (*y < 1990 || *y > 2199 || *m < 1 || *m > 12 || *d < 1 ||
        *d > month_days(*y, *m))
        return -1;
    return 0;
}

int regdate_check(const char *s)
{
    int y, m, d;
    return date_split(s, &y, &m, &d);
}

void regdate_add_months(const char *date, int months,
                        char out[LABELS_DATE_SIZE])
{
    int y, m, d;
    if (date_split(date, &y, &m, &d) != 0) {
        out[0] = '\0';
        return;
    }
    int total = y * 12 + (m - 1) + months;
    y = total / 12;
    m = total % 12 + 1;
    if (d > month_days(y, m))
        d = month_days(y, m);
    fmt_date(out, y, m, d);
}

void regdate_add_days(const char *date, long days, char out[LABELS_DATE_SIZE])
{
    int y, m, d;
    if (date_split(date, &y, &m, &d) != 0) {
        out[0] = '\0';
        return;
    }
    labels_civil_from_days(labels_days_from_civil(y, m, d) + days, &y, &m, &d);
    fmt_date(out, y, m, d);
}

void regdate_today(char out[LABELS_DATE_SIZE])
{
    if (labels_time_day((int64_t)time(NULL), out) != LABELS_OK)
        fmt_date(out, 1970, 1, 1); /* a clock before 1970: never in use */
}

void regtime_now(char out[LABELS_TIME_ISO_SIZE])
{
    if (labels_time_iso((int64_t)time(NULL), out) != LABELS_OK)
        snprintf(out, LABELS_TIME_ISO_SIZE, "1970-01-01T00:00:00Z");
}

/* ---- Text ----------------------------------------------------------- */

int registry_utf8_valid(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        int n;
        unsigned c = *p;
        if (c < 0x80) {
            if (c < 0x20 && c != '\t')
                return 0; /* control characters have no place in names */
            p++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF)
            n = 1;
        else if (c >= 0xE0 && c <= 0xEF)
            n = 2;
        else if (c >= 0xF0 && c <= 0xF4)
            n = 3;
        else
            return 0;
        unsigned cp = c & (0x3F >> n);
        for (int i = 1; i <= n; i++) {
            if ((p[i] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        if ((n == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
            (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
            return 0;
        p += n + 1;
    }
    return 1;
}

static int code_chars(const char *code, size_t max, const char *extra)
{
    size_t n = strlen(code);
    if (n < 1 || n > max)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = code[i];
        if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
              strchr(extra, c)))
            return 0;
    }
    return 1;
}

int registry_code_valid(const char *code)
{
    return code && code_chars(code, LABELS_CODE_MAX, "-./");
}

int registry_producer_code_valid(const char *code)
{
    return code && code_chars(code, REG_PRODUCER_MAX, "-./_");
}

int registry_stars_parse(const char *s, int *stars, int *proposed5, char *err,
                         size_t errsz)
{
    static const char *const proposed[] = {"proposed 5", "proposed5",  "5p",
                                           "4+",         "proposed-5", "p5"};
    for (size_t i = 0; i < sizeof proposed / sizeof proposed[0]; i++)
        if (!strcasecmp(s, proposed[i])) {
            *stars = 4;
            *proposed5 = 1;
            return 0;
        }
    if (s[0] >= '1' && s[0] <= '5' && s[1] == '\0') {
        if (s[0] < '3')
            return fail(err, errsz,
                        "%c-star products are not OCOP-certified; the "
                        "registry takes 3, 4, 5 or 'proposed 5'",
                        s[0]);
        *stars = s[0] - '0';
        *proposed5 = 0;
        return 0;
    }
    return fail(err, errsz,
                "stars '%s' is not 3, 4, 5 or 'proposed 5' (OCOP rates 1 to "
                "5 stars; 1 and 2 are not certified)",
                s);
}

/* ---- Whole records -------------------------------------------------- */

/* Line breaks inside a spreadsheet cell (Alt+Enter) become one space:
 * names and reasons are single lines everywhere they are shown. */
static int set_text(char *dst, size_t dstsz, const char *field,
                    const char *value, int required, char *err, size_t errsz)
{
    size_t n = 0;
    for (const char *p = value; *p; p++) {
        int brk = *p == '\r' || *p == '\n' || *p == '\t';
        if (brk && (n == 0 || dst[n - 1] == ' '))
            continue;
        if (n + 1 >= dstsz)
            return fail(err, errsz, "%s is longer than %zu bytes", field,
                        dstsz - 1);
        dst[n++] = brk ? ' ' : *p;
    }
    while (n > 0 && dst[n - 1] == ' ')
        n--;
    dst[n] = '\0';
    if (!registry_utf8_valid(dst))
        return fail(err, errsz,
                    "%s is not valid UTF-8 text (or has control characters)",
                    field);
    /* Stored in NFC: a name saved decomposed (macOS) is the same name. */
    char nfc[REG_NAME_MAX + 1];
    int rc = labels_text_nfc(dst, nfc, sizeof nfc);
    if (rc == LABELS_OK && strlen(nfc) < dstsz)
        memcpy(dst, nfc, strlen(nfc) + 1);
    else
        return fail(err, errsz, "%s is longer than %zu bytes", field,
                    dstsz - 1);
    n = strlen(dst);
    if (required && n == 0)
        return fail(err, errsz, "%s is empty", field);
    return 0;
}

static int set_date(char *dst, const char *field, const char *value,
                    int allow_empty, char *err, size_t errsz)
{
    if (allow_empty && !*value) {
        dst[0] = '\0';
        return 0;
    }
    if (regdate_check(value) != 0)
        return fail(err, errsz,
                    "%s '%s' is not a real date written YYYY-MM-DD "
                    "(1990-2199)",
                    field, value);
    memcpy(dst, value, 11);
    return 0;
}

static int set_province(char *dst, size_t dstsz, const char *value, char *err,
                        size_t errsz)
{
    const struct province *pr = province_find(value);
    if (!pr)
        return fail(err, errsz,
                    "unknown province '%s' (use one of the 63 names, with or "
                    "without diacritics, or a code such as HN, HCM)",
                    value);
    snprintf(dst, dstsz, "%s", pr->name);
    return 0;
}

int reg_product_set(struct reg_product *p, const char *field, const char *value,
                    char *err, size_t errsz)
{
    if (!strcmp(field, "code")) {
        if (!registry_code_valid(value))
            return fail(err, errsz,
                        "product code '%s' must be 1-12 characters of 0-9 "
                        "A-Z - . /",
                        value);
        snprintf(p->code, sizeof p->code, "%s", value);
        return 0;
    }
    if (!strcmp(field, "name"))
        return set_text(p->name, sizeof p->name, "name", value, 1, err, errsz);
    if (!strcmp(field, "group")) {
        int g = labels_group_from_spelling(value);
        if (g < 0)
            return fail(err, errsz,
                        "unknown product group '%s' (" LABELS_GROUP_CODES_TEXT
                        ")",
                        value);
        snprintf(p->grp, sizeof p->grp, "%s",
                 labels_group_code((labels_group)g));
        return 0;
    }
    if (!strcmp(field, "producer")) {
        if (!registry_producer_code_valid(value))
            return fail(err, errsz,
                        "producer code '%s' must be 1-31 characters of 0-9 "
                        "A-Z - . / _",
                        value);
        snprintf(p->producer, sizeof p->producer, "%s", value);
        return 0;
    }
    if (!strcmp(field, "province"))
        return set_province(p->province, sizeof p->province, value, err, errsz);
    if (!strcmp(field, "stars"))
        return registry_stars_parse(value, &p->stars, &p->proposed5, err,
                                    errsz);
    if (!strcmp(field, "status")) {
        static const char *const st[] = {"rated", "suspended", "revoked",
                                         "expired"};
        for (size_t i = 0; i < 4; i++)
            if (!strcasecmp(value, st[i])) {
                snprintf(p->status, sizeof p->status, "%s", st[i]);
                return 0;
            }
        return fail(err, errsz,
                    "status '%s' is not rated, suspended, revoked or "
                    "expired",
                    value);
    }
    if (!strcmp(field, "status_reason"))
        return set_text(p->status_reason, sizeof p->status_reason,
                        "status reason", value, 0, err, errsz);
    if (!strcmp(field, "status_date"))
        return set_date(p->status_date, "status date", value, 1, err, errsz);
    if (!strcmp(field, "certificate"))
        return set_text(p->certificate, sizeof p->certificate,
                        "certificate number", value, 1, err, errsz);
    if (!strcmp(field, "certified"))
        return set_date(p->certified, "certification date", value, 0, err,
                        errsz);
    if (!strcmp(field, "expires"))
        return set_date(p->expires, "expiry date", value, 1, err, errsz);
    return fail(err, errsz, "unknown product field '%s'", field);
}

int reg_product_finish(struct reg_product *p, char *err, size_t errsz)
{
    static const struct {
        size_t off;
        const char *name;
    } required[] = {
        {offsetof(struct reg_product, code), "product code"},
        {offsetof(struct reg_product, name), "name"},
        {offsetof(struct reg_product, grp), "group"},
        {offsetof(struct reg_product, producer), "producer"},
        {offsetof(struct reg_product, province), "province"},
        {offsetof(struct reg_product, certificate), "certificate number"},
        {offsetof(struct reg_product, certified), "certification date"},
    };
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        if (!((const char *)p + required[i].off)[0])
            return fail(err, errsz, "%s is missing", required[i].name);
    if (p->stars < 3 || p->stars > 5)
        return fail(err, errsz, "stars are missing");
    if (!p->status[0])
        snprintf(p->status, sizeof p->status, "rated");
    if (!p->expires[0])
        regdate_add_months(p->certified, REG_EXPIRY_MONTHS, p->expires);
    if (strcmp(p->expires, p->certified) <= 0)
        return fail(err, errsz,
                    "expiry date %s is not after the certification date %s",
                    p->expires, p->certified);
    if (strcmp(p->status, "rated") != 0) {
        if (!p->status_reason[0])
            return fail(err, errsz, "status %s needs a reason", p->status);
        if (!p->status_date[0])
            return fail(err, errsz, "status %s needs a date", p->status);
        if (strcmp(p->status_date, p->certified) < 0)
            return fail(err, errsz,
                        "status date %s is before the certification date %s",
                        p->status_date, p->certified);
    }
    return 0;
}

int reg_producer_set(struct reg_producer *p, const char *field,
                     const char *value, char *err, size_t errsz)
{
    if (!strcmp(field, "code")) {
        if (!registry_producer_code_valid(value))
            return fail(err, errsz,
                        "producer code '%s' must be 1-31 characters of 0-9 "
                        "A-Z - . / _",
                        value);
        snprintf(p->code, sizeof p->code, "%s", value);
        return 0;
    }
    if (!strcmp(field, "name"))
        return set_text(p->name, sizeof p->name, "producer name", value, 1, err,
                        errsz);
    if (!strcmp(field, "kind")) {
        int k = labels_kind_from_spelling(value);
        if (k < 0)
            return fail(err, errsz,
                        "producer kind '%s' is not cooperative, enterprise "
                        "or household",
                        value);
        snprintf(p->kind, sizeof p->kind, "%s",
                 labels_kind_code((labels_kind)k));
        return 0;
    }
    if (!strcmp(field, "province"))
        return set_province(p->province, sizeof p->province, value, err, errsz);
    if (!strcmp(field, "contact"))
        return set_text(p->contact, sizeof p->contact, "producer contact",
                        value, 0, err, errsz);
    return fail(err, errsz, "unknown producer field '%s'", field);
}
