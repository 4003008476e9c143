/* label.c -- the v1 label payload: fields, packing, text form, checks. */
#include "labels.h"
#include "base40.h"

#include <sodium.h>
#include <string.h>

/* Byte offsets of the v1 payload (docs/label-format.md). */
enum {
    OFF_VERSION = 0,
    OFF_KEY_ID = 1,
    OFF_STARS = 9,
    OFF_ISSUED = 10,
    OFF_SERIAL = 12,
    OFF_PRODUCT = 16,
    OFF_LOT = 24,
    OFF_SIG = LABELS_FIELDS_BYTES,
};

int labels_check_fields(const labels_label *lab)
{
    if (!lab)
        return LABELS_ERR_ARG;
    if (!labels_b40_code_ok(lab->product) || !labels_b40_code_ok(lab->lot) ||
        lab->stars < 1 || lab->stars > 5 || lab->serial == 0)
        return LABELS_ERR_FIELD;
    return LABELS_OK;
}

static void pack_fields(const labels_label *lab, uint8_t out[OFF_SIG])
{
    out[OFF_VERSION] = lab->version;
    memcpy(out + OFF_KEY_ID, lab->key_id, LABELS_KEY_ID_BYTES);
    out[OFF_STARS] = lab->stars;
    out[OFF_ISSUED] = (uint8_t)(lab->issued >> 8);
    out[OFF_ISSUED + 1] = (uint8_t)lab->issued;
    for (int i = 0; i < 4; i++)
        out[OFF_SERIAL + i] = (uint8_t)(lab->serial >> (24 - 8 * i));
    labels_b40_pack(lab->product, out + OFF_PRODUCT);
    labels_b40_pack(lab->lot, out + OFF_LOT);
}

int labels_sign(labels_label *lab, const labels_seckey *sec)
{
    if (!lab || !sec)
        return LABELS_ERR_ARG;
    int rc = labels_check_fields(lab);
    if (rc != LABELS_OK)
        return rc;
    uint8_t fields[OFF_SIG];
    lab->version = LABELS_FORMAT_VERSION;
    memcpy(lab->key_id, sec->id, LABELS_KEY_ID_BYTES);
    pack_fields(lab, fields);
    return labels_sign_detached(LABELS_DOMAIN_LABEL, sec, fields, sizeof fields,
                                lab->sig);
}

int labels_payload(const labels_label *lab, uint8_t out[LABELS_PAYLOAD_BYTES])
{
    if (!lab || !out)
        return LABELS_ERR_ARG;
    if (lab->version != LABELS_FORMAT_VERSION)
        return LABELS_ERR_VERSION;
    int rc = labels_check_fields(lab);
    if (rc != LABELS_OK)
        return rc;
    pack_fields(lab, out);
    memcpy(out + OFF_SIG, lab->sig, LABELS_SIG_BYTES);
    return LABELS_OK;
}

static int host_ok(const char *h)
{
    size_t n = strnlen(h, LABELS_HOST_MAX + 1);
    if (n == 0 || n > LABELS_HOST_MAX)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = h[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
              c == '-' || c == ':'))
            return 0;
    }
    return 1;
}

int labels_format(const labels_label *lab, const char *host, char *out,
                  size_t outsz, size_t *len)
{
    if (!lab || !out)
        return LABELS_ERR_ARG;
    if (!host)
        host = LABELS_DEMO_HOST;
    if (!host_ok(host))
        return LABELS_ERR_ARG;
    uint8_t payload[LABELS_PAYLOAD_BYTES];
    int rc = labels_payload(lab, payload);
    if (rc != LABELS_OK)
        return rc;
    size_t hlen = strlen(host);
    size_t need = 8 + hlen + 3 + LABELS_PAYLOAD_CHARS;
    if (outsz < need + 1)
        return LABELS_ERR_ARG;
    memcpy(out, "HTTPS://", 8);
    memcpy(out + 8, host, hlen);
    memcpy(out + 8 + hlen, "/V/", 3);
    rc = labels_base32_encode(payload, sizeof payload, out + 11 + hlen,
                              outsz - 11 - hlen);
    if (rc == LABELS_OK && len)
        *len = need;
    return rc;
}

static int ieq_prefix(const char *s, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);
    if (len < n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if (c != prefix[i])
            return 0;
    }
    return 1;
}

static int is_b32(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7');
}

/* Base32 in either case: a phone, a keyboard wedge in caps lock, or a
 * person typing the code may lowercase it, and uppercasing loses
 * nothing (the signature covers the decoded bytes, not the letters). */
static int is_b32_any_case(char c)
{
    return is_b32(c) || (c >= 'a' && c <= 'z');
}

/* Locate the payload: after "HTTPS://host/V/", or the whole text when it
 * looks like a bare payload. */
static int find_payload(const char *text, size_t len, const char **p,
                        size_t *plen)
{
    if (ieq_prefix(text, len, "HTTPS://")) {
        size_t i = 8;
        while (i < len && text[i] != '/') {
            char c = text[i];
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                  (c >= '0' && c <= '9') || c == '.' || c == '-' || c == ':'))
                return LABELS_ERR_NOT_LABEL;
            i++;
        }
        if (i == 8 || i > 8 + LABELS_HOST_MAX ||
            !ieq_prefix(text + i, len - i, "/V/"))
            return LABELS_ERR_NOT_LABEL;
        *p = text + i + 3;
        *plen = len - i - 3;
        return LABELS_OK;
    }
    if (len < 16 || len > LABELS_PARSE_MAX)
        return LABELS_ERR_NOT_LABEL;
    for (size_t i = 0; i < len; i++)
        if (!is_b32_any_case(text[i]))
            return LABELS_ERR_NOT_LABEL;
    *p = text;
    *plen = len;
    return LABELS_OK;
}

int labels_url_host(const char *text, size_t len, const char **host,
                    size_t *hlen)
{
    if ((!text && len) || !host || !hlen)
        return LABELS_ERR_ARG;
    const char *p;
    size_t plen;
    if (len == 0 || find_payload(text, len, &p, &plen) != LABELS_OK)
        return LABELS_ERR_NOT_LABEL;
    if (p == text) {
        *host = NULL;
        *hlen = 0;
    } else {
        /* find_payload left p after "HTTPS://" host "/V/". */
        *host = text + 8;
        *hlen = (size_t)(p - text) - 8 - 3;
    }
    return LABELS_OK;
}

int labels_parse(const char *text, size_t len, labels_label *out)
{
    if ((!text && len) || !out)
        return LABELS_ERR_ARG;
    memset(out, 0, sizeof *out);
    if (len == 0)
        return LABELS_ERR_NOT_LABEL;
    const char *p;
    size_t plen;
    int rc = find_payload(text, len, &p, &plen);
    if (rc != LABELS_OK)
        return rc;
    if (plen > LABELS_PARSE_MAX)
        return LABELS_ERR_LENGTH;
    char upper[LABELS_PARSE_MAX];
    for (size_t i = 0; i < plen; i++) {
        if (!is_b32_any_case(p[i]))
            return LABELS_ERR_BASE32;
        upper[i] = p[i] >= 'a' && p[i] <= 'z' ? (char)(p[i] - 'a' + 'A') : p[i];
    }
    if (plen == 0 || plen % 8 == 1 || plen % 8 == 3 || plen % 8 == 6)
        return LABELS_ERR_LENGTH;
    uint8_t buf[LABELS_PARSE_MAX * 5 / 8 + 1];
    size_t n;
    rc = labels_base32_decode(upper, plen, buf, sizeof buf, &n);
    if (rc != LABELS_OK)
        return rc;
    /* The version comes first so that a later, longer format is reported
     * as "unknown version", not as a length error. */
    if (n < 1)
        return LABELS_ERR_LENGTH;
    if (buf[OFF_VERSION] != LABELS_FORMAT_VERSION)
        return LABELS_ERR_VERSION;
    if (n != LABELS_PAYLOAD_BYTES)
        return LABELS_ERR_LENGTH;

    out->version = buf[OFF_VERSION];
    memcpy(out->key_id, buf + OFF_KEY_ID, LABELS_KEY_ID_BYTES);
    out->stars = buf[OFF_STARS];
    out->issued = (uint16_t)(buf[OFF_ISSUED] << 8 | buf[OFF_ISSUED + 1]);
    out->serial = (uint32_t)buf[OFF_SERIAL] << 24 |
                  (uint32_t)buf[OFF_SERIAL + 1] << 16 |
                  (uint32_t)buf[OFF_SERIAL + 2] << 8 | buf[OFF_SERIAL + 3];
    memcpy(out->sig, buf + OFF_SIG, LABELS_SIG_BYTES);
    if (labels_b40_unpack(buf + OFF_PRODUCT, out->product) != LABELS_OK ||
        labels_b40_unpack(buf + OFF_LOT, out->lot) != LABELS_OK)
        return LABELS_ERR_FIELD;
    return labels_check_fields(out);
}

int labels_verify(const labels_label *lab, const labels_pubkey *pub)
{
    if (!lab || !pub)
        return LABELS_ERR_ARG;
    if (memcmp(lab->key_id, pub->id, LABELS_KEY_ID_BYTES) != 0)
        return LABELS_ERR_KEY_ID;
    uint8_t payload[LABELS_PAYLOAD_BYTES];
    int rc = labels_payload(lab, payload);
    if (rc != LABELS_OK)
        return rc;
    return labels_verify_detached(LABELS_DOMAIN_LABEL, pub, payload, OFF_SIG,
                                  lab->sig);
}
