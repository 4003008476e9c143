/* upload_batch.c -- write a scan batch (docs/upload.md) and sign it. */
#include "upload_batch.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Longest record line: 10 fields, each bounded, well under this. */
#define LINE_MAX_BYTES 160
#define HEADER_MAX_BYTES 256 /* with the mirror line */

static int code_ok(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n == 0 || n > max)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'Z') ||
              s[i] == '-' || s[i] == '.' || s[i] == '/'))
            return 0;
    return 1;
}

static int word_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 23)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || s[i] == '_'))
            return 0;
    return 1;
}

static int hex_ok(const char *s, size_t want, int upper)
{
    if (strlen(s) != want)
        return 0;
    for (size_t i = 0; i < want; i++)
        if (!((s[i] >= '0' && s[i] <= '9') ||
              (upper ? (s[i] >= 'A' && s[i] <= 'F')
                     : (s[i] >= 'a' && s[i] <= 'f'))))
            return 0;
    return 1;
}

/* 2020-01-01T00:00:00Z: a record time before it was taken while the
 * kiosk's clock was not set (a board without a battery-backed clock boots
 * in 1970). The collector would refuse such a batch for ever, so the time
 * goes as "_", "the kiosk's clock was not set", which the collector dates
 * at its arrival (docs/upload.md, "The time window"). */
#define CLOCK_SANE_MIN INT64_C(1577836800)

/* The record time field: decimal seconds, or "_" (out holds 24). */
static const char *time_field(int64_t t, char out[24])
{
    if (t < CLOCK_SANE_MIN)
        return "_";
    snprintf(out, 24, "%lld", (long long)t);
    return out;
}

/* "finding ID TIME INSPECTOR PRODUCT SIGNER LOT SERIAL FINDING NOTE",
 * the note as lowercase hex of its UTF-8 bytes ("_" when empty): the
 * format stays one space-separated ASCII line with one spelling. */
static int put_finding(char *buf, size_t cap, size_t *pos,
                       const finding_record *r)
{
    size_t nl = strnlen(r->note, sizeof r->note);
    if (nl > SCAN_FINDING_NOTE_MAX || !labels_utf8_text_ok(r->note, nl))
        nl = 0;
    char tbuf[24];
    int w = snprintf(
        buf + *pos, cap - *pos, "finding %lld %s %s %s %s %s %lu %s ",
        (long long)r->id, time_field(r->time, tbuf),
        code_ok(r->inspector, LABELS_CODE_MAX) ? r->inspector : "_",
        code_ok(r->product, LABELS_CODE_MAX) ? r->product : "_",
        hex_ok(r->key_id, 16, 1) ? r->key_id : "_",
        code_ok(r->lot, LABELS_CODE_MAX) ? r->lot : "_",
        (unsigned long)r->serial, word_ok(r->finding) ? r->finding : "unknown");
    if (w < 0 || (size_t)w >= cap - *pos || cap - *pos - (size_t)w < 2 * nl + 3)
        return -1;
    *pos += (size_t)w;
    if (nl == 0) {
        buf[(*pos)++] = '_';
    } else {
        sodium_bin2hex(buf + *pos, 2 * nl + 1, (const unsigned char *)r->note,
                       nl);
        *pos += 2 * nl;
    }
    buf[(*pos)++] = '\n';
    return 0;
}

int upload_batch_build(const labels_seckey *sec,
                       const uint8_t batch_id[UPLOAD_BATCH_ID_BYTES],
                       int64_t created, const scan_record *recs, size_t n,
                       char **out, size_t *len)
{
    *out = NULL;
    if (n == 0)
        return -1;
    return upload_batch_build_with_findings(sec, batch_id, created, recs, n,
                                            NULL, 0, out, len);
}

int upload_batch_build_with_findings(
    const labels_seckey *sec, const uint8_t batch_id[UPLOAD_BATCH_ID_BYTES],
    int64_t created, const scan_record *recs, size_t n,
    const finding_record *finds, size_t nf, char **out, size_t *len)
{
    return upload_batch_build_mirror(sec, batch_id, created, NULL, recs, n,
                                     finds, nf, out, len);
}

/* "mirror VERSION AGE": AGE "_" when unknown (docs/upload.md). */
static int put_mirror(char *buf, size_t cap, size_t *pos,
                      const upload_mirror_report *m)
{
    char age[24];
    if (m->data_age < 0)
        snprintf(age, sizeof age, "_");
    else
        snprintf(age, sizeof age, "%lld", (long long)m->data_age);
    int w = snprintf(buf + *pos, cap - *pos, "mirror %lld %s\n",
                     (long long)(m->version < 0 ? 0 : m->version), age);
    if (w < 0 || (size_t)w >= cap - *pos)
        return -1;
    *pos += (size_t)w;
    return 0;
}

int upload_batch_build_mirror(const labels_seckey *sec,
                              const uint8_t batch_id[UPLOAD_BATCH_ID_BYTES],
                              int64_t created, const upload_mirror_report *m,
                              const scan_record *recs, size_t n,
                              const finding_record *finds, size_t nf,
                              char **out, size_t *len)
{
    *out = NULL;
    if (n + nf == 0 || n > UPLOAD_BATCH_MAX_SCANS ||
        nf > UPLOAD_BATCH_MAX_SCANS || n + nf > UPLOAD_BATCH_MAX_SCANS)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (recs[i].id <= 0 || (i > 0 && recs[i].id <= recs[i - 1].id))
            return -1;
    for (size_t i = 0; i < nf; i++)
        if (finds[i].id <= 0 || (i > 0 && finds[i].id <= finds[i - 1].id))
            return -1;
    size_t cap = HEADER_MAX_BYTES + n * LINE_MAX_BYTES +
                 nf * (LINE_MAX_BYTES + 2 * SCAN_FINDING_NOTE_MAX) + 4 +
                 2 * LABELS_SIG_BYTES + 2;
    char *buf = malloc(cap);
    if (!buf)
        return -1;
    char kid[LABELS_KEY_ID_HEX_SIZE], bid[2 * UPLOAD_BATCH_ID_BYTES + 1];
    labels_key_id_hex(sec->id, kid);
    sodium_bin2hex(bid, sizeof bid, batch_id, UPLOAD_BATCH_ID_BYTES);
    size_t pos =
        (size_t)snprintf(buf, cap,
                         "OCOP-SCANS/1\nkiosk %s\nbatch %s\n"
                         "created %lld\n",
                         kid, bid, (long long)(created < 0 ? 0 : created));
    int w0 = m ? put_mirror(buf, cap, &pos, m) : 0;
    if (w0 == 0)
        w0 = snprintf(buf + pos, cap - pos, "count %zu\n", n + nf) < 0 ? -1 : 0;
    if (w0 != 0) {
        free(buf);
        return -1;
    }
    pos += strlen(buf + pos);
    for (size_t i = 0; i < n; i++) {
        const scan_record *r = &recs[i];
        static const char zero_hash[] = "00000000000000000000000000000000";
        char tbuf[24];
        int w = snprintf(
            buf + pos, cap - pos, "scan %lld %s %s %s %s %s %lu %s %d\n",
            (long long)r->id, time_field(r->time, tbuf),
            word_ok(r->verdict) ? r->verdict : "unknown",
            code_ok(r->product, LABELS_CODE_MAX) ? r->product : "_",
            hex_ok(r->key_id, 16, 1) ? r->key_id : "_",
            code_ok(r->lot, LABELS_CODE_MAX) ? r->lot : "_",
            (unsigned long)r->serial,
            hex_ok(r->text_hash, 32, 0) ? r->text_hash : zero_hash,
            r->stale ? 1 : 0);
        if (w < 0 || (size_t)w >= cap - pos) {
            free(buf);
            return -1;
        }
        pos += (size_t)w;
    }
    for (size_t i = 0; i < nf; i++) {
        if (put_finding(buf, cap, &pos, &finds[i]) != 0) {
            free(buf);
            return -1;
        }
    }
    uint8_t sig[LABELS_SIG_BYTES];
    if (labels_sign_detached(LABELS_DOMAIN_SCANS, sec, buf, pos, sig) !=
        LABELS_OK) {
        free(buf);
        return -1;
    }
    char sighex[2 * LABELS_SIG_BYTES + 1];
    sodium_bin2hex(sighex, sizeof sighex, sig, sizeof sig);
    int w = snprintf(buf + pos, cap - pos, "sig %s\n", sighex);
    if (w < 0 || (size_t)w >= cap - pos) {
        free(buf);
        return -1;
    }
    *out = buf;
    *len = pos + (size_t)w;
    return 0;
}
