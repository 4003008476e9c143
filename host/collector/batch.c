/* batch.c -- strict parser of the scan batch format
 * (docs/upload.md). Everything not exactly as specified is refused, so
 * two different byte strings can never parse to the same batch. */
#include "collector/collector.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAGIC "OCOP-SCANS/1\n"

typedef struct cursor {
    const char *p, *end;
} cursor;

static int bad(char *err, size_t errsz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int bad(char *err, size_t errsz, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errsz, fmt, ap);
    va_end(ap);
    return -1;
}

/* The next line without its '\n' (which must be there). */
static int next_line(cursor *c, const char **line, size_t *len)
{
    const char *nl = memchr(c->p, '\n', (size_t)(c->end - c->p));
    if (!nl)
        return -1;
    *line = c->p;
    *len = (size_t)(nl - c->p);
    c->p = nl + 1;
    return 0;
}

/* Split a line on single spaces into at most max fields. Empty fields
 * (double spaces, leading or trailing space) are refused. */
static int split(const char *line, size_t len, const char **f, size_t *fl,
                 int max)
{
    int n = 0;
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || line[i] == ' ') {
            if (i == start || n == max)
                return -1;
            f[n] = line + start;
            fl[n] = i - start;
            n++;
            start = i + 1;
        }
    }
    return n;
}

static int field_is(const char *f, size_t fl, const char *word)
{
    return fl == strlen(word) && !memcmp(f, word, fl);
}

/* A decimal without sign or leading zeros, at most max. */
static int parse_u64(const char *f, size_t fl, uint64_t max, uint64_t *out)
{
    if (fl == 0 || fl > 19 || (fl > 1 && f[0] == '0'))
        return -1;
    uint64_t v = 0;
    for (size_t i = 0; i < fl; i++) {
        if (f[i] < '0' || f[i] > '9')
            return -1;
        v = v * 10 + (uint64_t)(f[i] - '0');
    }
    if (v > max)
        return -1;
    *out = v;
    return 0;
}

static int is_hex(const char *f, size_t fl, size_t want, int upper)
{
    if (fl != want)
        return 0;
    for (size_t i = 0; i < fl; i++) {
        char ch = f[i];
        int ok = (ch >= '0' && ch <= '9') ||
                 (upper ? (ch >= 'A' && ch <= 'F') : (ch >= 'a' && ch <= 'f'));
        if (!ok)
            return 0;
    }
    return 1;
}

/* "_" for empty, else 1..max characters of the label code alphabet. */
static int parse_code(const char *f, size_t fl, char *out, size_t max)
{
    if (field_is(f, fl, "_")) {
        out[0] = '\0';
        return 0;
    }
    if (fl == 0 || fl > max)
        return -1;
    for (size_t i = 0; i < fl; i++) {
        char ch = f[i];
        if (!((ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') ||
              ch == '-' || ch == '.' || ch == '/'))
            return -1;
    }
    memcpy(out, f, fl);
    out[fl] = '\0';
    return 0;
}

static int hexval(char ch) { return ch <= '9' ? ch - '0' : ch - 'a' + 10; }

static int parse_scan(const char *line, size_t len, collector_scan *s)
{
    const char *f[10];
    size_t fl[10];
    if (split(line, len, f, fl, 10) != 10 || !field_is(f[0], fl[0], "scan"))
        return -1;
    uint64_t v;
    if (parse_u64(f[1], fl[1], INT64_MAX, &v) || v == 0)
        return -1;
    s->id = (int64_t)v;
    if (field_is(f[2], fl[2], "_"))
        s->time = COLLECTOR_TIME_UNSET; /* the kiosk's clock was not set */
    else if (parse_u64(f[2], fl[2], INT64_MAX, &v))
        return -1;
    else
        s->time = (int64_t)v;
    /* A verdict word (docs/verdicts.md): lowercase letters and '_'. The
     * set itself is not checked, so a kiosk with a newer verdict list
     * still uploads. */
    if (fl[3] >= sizeof s->verdict)
        return -1;
    for (size_t i = 0; i < fl[3]; i++)
        if (!((f[3][i] >= 'a' && f[3][i] <= 'z') || f[3][i] == '_'))
            return -1;
    memcpy(s->verdict, f[3], fl[3]);
    s->verdict[fl[3]] = '\0';
    if (parse_code(f[4], fl[4], s->product, LABELS_CODE_MAX))
        return -1;
    if (field_is(f[5], fl[5], "_")) {
        s->signer[0] = '\0';
    } else {
        if (!is_hex(f[5], fl[5], 16, 1))
            return -1;
        memcpy(s->signer, f[5], 16);
        s->signer[16] = '\0';
    }
    if (parse_code(f[6], fl[6], s->lot, LABELS_CODE_MAX))
        return -1;
    if (parse_u64(f[7], fl[7], UINT32_MAX, &v))
        return -1;
    s->serial = (uint32_t)v;
    if (!is_hex(f[8], fl[8], 32, 0))
        return -1;
    memcpy(s->text_hash, f[8], 32);
    s->text_hash[32] = '\0';
    if (field_is(f[9], fl[9], "0"))
        s->stale = 0;
    else if (field_is(f[9], fl[9], "1"))
        s->stale = 1;
    else
        return -1;
    return 0;
}

/* Bidirectional controls (U+202A-U+202E embeddings and overrides,
 * U+2066-U+2069 isolates) make a note display differently from its bytes
 * in a report or spreadsheet ("Trojan Source"); a note never needs them.
 * text is valid UTF-8, so the three-byte forms are enough. */
static int has_bidi_control(const char *text, size_t n)
{
    const uint8_t *s = (const uint8_t *)text;
    for (size_t i = 0; i + 2 < n; i++) {
        if (s[i] != 0xE2)
            continue;
        if ((s[i + 1] == 0x80 && s[i + 2] >= 0xAA && s[i + 2] <= 0xAE) ||
            (s[i + 1] == 0x81 && s[i + 2] >= 0xA6 && s[i + 2] <= 0xA9))
            return 1;
    }
    return 0;
}

/* "finding ID TIME INSPECTOR PRODUCT SIGNER LOT SERIAL FINDING NOTE". */
static int parse_finding(const char *line, size_t len, collector_finding *r)
{
    const char *f[10];
    size_t fl[10];
    if (split(line, len, f, fl, 10) != 10 || !field_is(f[0], fl[0], "finding"))
        return -1;
    uint64_t v;
    if (parse_u64(f[1], fl[1], INT64_MAX, &v) || v == 0)
        return -1;
    r->id = (int64_t)v;
    if (field_is(f[2], fl[2], "_"))
        r->time = COLLECTOR_TIME_UNSET; /* the kiosk's clock was not set */
    else if (parse_u64(f[2], fl[2], INT64_MAX, &v))
        return -1;
    else
        r->time = (int64_t)v;
    if (field_is(f[3], fl[3], "_") ||
        parse_code(f[3], fl[3], r->inspector, LABELS_CODE_MAX) ||
        parse_code(f[4], fl[4], r->product, LABELS_CODE_MAX))
        return -1;
    if (field_is(f[5], fl[5], "_")) {
        r->signer[0] = '\0';
    } else {
        if (!is_hex(f[5], fl[5], 16, 1))
            return -1;
        memcpy(r->signer, f[5], 16);
        r->signer[16] = '\0';
    }
    if (parse_code(f[6], fl[6], r->lot, LABELS_CODE_MAX))
        return -1;
    if (parse_u64(f[7], fl[7], UINT32_MAX, &v))
        return -1;
    r->serial = (uint32_t)v;
    if (fl[8] == 0 || fl[8] >= sizeof r->finding)
        return -1;
    for (size_t i = 0; i < fl[8]; i++)
        if (!((f[8][i] >= 'a' && f[8][i] <= 'z') || f[8][i] == '_'))
            return -1;
    memcpy(r->finding, f[8], fl[8]);
    r->finding[fl[8]] = '\0';
    if (field_is(f[9], fl[9], "_")) {
        r->note[0] = '\0';
        return 0;
    }
    /* Hex of a non-empty note: one spelling only (lowercase, even). */
    if (fl[9] % 2 || fl[9] / 2 > COLLECTOR_NOTE_MAX ||
        !is_hex(f[9], fl[9], fl[9], 0))
        return -1;
    size_t n = fl[9] / 2;
    for (size_t i = 0; i < n; i++)
        r->note[i] = (char)(hexval(f[9][2 * i]) << 4 | hexval(f[9][2 * i + 1]));
    r->note[n] = '\0';
    if (!labels_utf8_text_ok(r->note, n) || has_bidi_control(r->note, n))
        return -1;
    /* Stored in NFC, as the registry stores names (the signature covers
     * the batch's bytes, checked before this). */
    char nfc[COLLECTOR_NOTE_MAX + 1];
    if (labels_text_nfc(r->note, nfc, sizeof nfc) != LABELS_OK)
        return -1;
    memcpy(r->note, nfc, strlen(nfc) + 1);
    return 0;
}

/* One "name value" header line. */
static int header(cursor *c, const char *name, const char **val, size_t *vl)
{
    const char *line, *f[2];
    size_t len, fl[2];
    if (next_line(c, &line, &len) || split(line, len, f, fl, 2) != 2 ||
        !field_is(f[0], fl[0], name))
        return -1;
    *val = f[1];
    *vl = fl[1];
    return 0;
}

/* The optional "mirror VERSION AGE" line after `created`: 0 absent (the
 * cursor untouched), 1 read, -1 malformed. */
static int mirror_line(cursor *c, collector_batch *b)
{
    static const char word[] = "mirror ";
    size_t wl = sizeof word - 1;
    if ((size_t)(c->end - c->p) < wl || memcmp(c->p, word, wl))
        return 0;
    const char *line, *f[3];
    size_t len, fl[3];
    uint64_t v;
    if (next_line(c, &line, &len) || split(line, len, f, fl, 3) != 3 ||
        parse_u64(f[1], fl[1], INT64_MAX, &v))
        return -1;
    b->mirror_version = (int64_t)v;
    if (field_is(f[2], fl[2], "_"))
        b->data_age = -1;
    else if (parse_u64(f[2], fl[2], INT64_MAX, &v))
        return -1;
    else
        b->data_age = (int64_t)v;
    b->has_mirror = 1;
    return 1;
}

int collector_batch_parse(const char *body, size_t len, collector_batch *b,
                          char *err, size_t errsz)
{
    memset(b, 0, sizeof *b);
    cursor c = {body, body + len};
    const char *v, *line;
    size_t vl, ll;
    uint64_t n;
    if (len < strlen(MAGIC) || memcmp(body, MAGIC, strlen(MAGIC)))
        return bad(err, errsz,
                   "not a scan batch (first line must be "
                   "OCOP-SCANS/1)");
    c.p += strlen(MAGIC);
    if (header(&c, "kiosk", &v, &vl) || !is_hex(v, vl, 16, 1))
        return bad(err, errsz, "bad kiosk line (16 uppercase hex digits)");
    memcpy(b->kiosk_hex, v, 16);
    if (labels_key_id_parse(b->kiosk_hex, b->kiosk) != LABELS_OK)
        return bad(err, errsz, "bad kiosk key ID");
    if (header(&c, "batch", &v, &vl) || !is_hex(v, vl, 32, 0))
        return bad(err, errsz, "bad batch line (32 lowercase hex digits)");
    memcpy(b->batch_id, v, 32);
    if (header(&c, "created", &v, &vl) || parse_u64(v, vl, INT64_MAX, &n))
        return bad(err, errsz, "bad created line");
    b->created = (int64_t)n;
    if (mirror_line(&c, b) < 0)
        return bad(err, errsz,
                   "bad mirror line (version, then age in seconds or _)");
    if (header(&c, "count", &v, &vl) || parse_u64(v, vl, UINT64_MAX, &n) ||
        n == 0 || n > COLLECTOR_BATCH_MAX_SCANS)
        return bad(err, errsz, "bad count line (1 to %d records)",
                   COLLECTOR_BATCH_MAX_SCANS);
    int total = (int)n;
    b->scans = calloc((size_t)total, sizeof *b->scans);
    if (!b->scans)
        return bad(err, errsz, "out of memory");
    /* Scans first, then findings, each kind in increasing ID order. */
    for (int i = 0; i < total; i++) {
        if (next_line(&c, &line, &ll)) {
            collector_batch_free(b);
            return bad(err, errsz, "bad record %d", i + 1);
        }
        if (ll > 8 && !memcmp(line, "finding ", 8)) {
            if (!b->findings) {
                b->findings = calloc((size_t)(total - i), sizeof *b->findings);
                if (!b->findings) {
                    collector_batch_free(b);
                    return bad(err, errsz, "out of memory");
                }
            }
            collector_finding *fr = &b->findings[b->nfindings];
            if (parse_finding(line, ll, fr)) {
                collector_batch_free(b);
                return bad(err, errsz, "bad record %d", i + 1);
            }
            if (b->nfindings > 0 && fr->id <= fr[-1].id) {
                collector_batch_free(b);
                return bad(err, errsz, "record %d: finding IDs must increase",
                           i + 1);
            }
            b->nfindings++;
            continue;
        }
        if (b->nfindings > 0) {
            collector_batch_free(b);
            return bad(err, errsz,
                       "record %d: scans must come before "
                       "findings",
                       i + 1);
        }
        collector_scan *sc = &b->scans[b->count];
        if (parse_scan(line, ll, sc)) {
            collector_batch_free(b);
            return bad(err, errsz, "bad record %d", i + 1);
        }
        if (b->count > 0 && sc->id <= sc[-1].id) {
            collector_batch_free(b);
            return bad(err, errsz, "record %d: scan IDs must increase", i + 1);
        }
        b->count++;
    }
    b->signed_len = (size_t)(c.p - body);
    if (header(&c, "sig", &v, &vl) || !is_hex(v, vl, 2 * LABELS_SIG_BYTES, 0) ||
        c.p != c.end) {
        collector_batch_free(b);
        return bad(err, errsz,
                   "bad sig line (128 lowercase hex digits, "
                   "then the end of the body)");
    }
    for (size_t i = 0; i < LABELS_SIG_BYTES; i++)
        b->sig[i] = (uint8_t)(hexval(v[2 * i]) << 4 | hexval(v[2 * i + 1]));
    return 0;
}

int collector_batch_date_unset(collector_batch *b, int64_t now)
{
    int n = 0;
    for (int i = 0; i < b->count; i++)
        if (b->scans[i].time == COLLECTOR_TIME_UNSET) {
            b->scans[i].time = now;
            n++;
        }
    for (int i = 0; i < b->nfindings; i++)
        if (b->findings[i].time == COLLECTOR_TIME_UNSET) {
            b->findings[i].time = now;
            n++;
        }
    return n;
}

int collector_batch_times_ok(const collector_batch *b, int64_t now, char *err,
                             size_t errsz)
{
    int64_t max = now + COLLECTOR_CLOCK_SLACK;
    for (int i = 0; i < b->count + b->nfindings; i++) {
        int64_t t =
            i < b->count ? b->scans[i].time : b->findings[i - b->count].time;
        if (t < COLLECTOR_TIME_MIN || t > max)
            return bad(err, errsz,
                       "record %d: time %lld is outside %lld..%lld "
                       "(2020-01-01 to the collector's clock + 1 day)",
                       i + 1, (long long)t, (long long)COLLECTOR_TIME_MIN,
                       (long long)max);
    }
    return 0;
}

void collector_batch_free(collector_batch *b)
{
    free(b->scans);
    b->scans = NULL;
    free(b->findings);
    b->findings = NULL;
    b->nfindings = 0;
}
