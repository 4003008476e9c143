/* badge.c -- inspector badges: the authority-signed QR that puts a kiosk
 * in inspector mode (docs/label-format.md, "Inspector badges"). */
#include "labels.h"
#include "base40.h"

#include <string.h>

/* Byte offsets of the v1 badge payload. */
enum {
    OFF_VERSION = 0,
    OFF_KEY_ID = 1,
    OFF_VALID = 9,
    OFF_INSPECTOR = 11,
    OFF_PROVINCE_LEN = 19, /* then province, name length, name, signature */
    FIXED_BYTES = 20,
};

#define PREFIX_LEN (sizeof LABELS_BADGE_PREFIX - 1)

/* A badge's text is shown on screens and logs: 1 to max bytes of
 * printable UTF-8. */
static int str_ok(const char *s, size_t max)
{
    size_t n = strnlen(s, max + 1);
    return n > 0 && n <= max && labels_utf8_text_ok(s, n);
}

int labels_badge_check_fields(const labels_badge *b)
{
    if (!b)
        return LABELS_ERR_ARG;
    if (!labels_b40_code_ok(b->inspector) ||
        !str_ok(b->province, LABELS_BADGE_PROVINCE_MAX) ||
        !str_ok(b->name, LABELS_BADGE_NAME_MAX))
        return LABELS_ERR_FIELD;
    return LABELS_OK;
}

/* The signed part; returns its length. Fields must have been checked. */
static size_t pack_fields(const labels_badge *b, uint8_t *out)
{
    size_t plen = strlen(b->province), nlen = strlen(b->name);
    out[OFF_VERSION] = b->version;
    memcpy(out + OFF_KEY_ID, b->key_id, LABELS_KEY_ID_BYTES);
    out[OFF_VALID] = (uint8_t)(b->valid_until >> 8);
    out[OFF_VALID + 1] = (uint8_t)b->valid_until;
    labels_b40_pack(b->inspector, out + OFF_INSPECTOR);
    size_t o = OFF_PROVINCE_LEN;
    out[o++] = (uint8_t)plen;
    memcpy(out + o, b->province, plen);
    o += plen;
    out[o++] = (uint8_t)nlen;
    memcpy(out + o, b->name, nlen);
    return o + nlen;
}

int labels_badge_sign(labels_badge *b, const labels_seckey *sec)
{
    if (!b || !sec)
        return LABELS_ERR_ARG;
    int rc = labels_badge_check_fields(b);
    if (rc != LABELS_OK)
        return rc;
    uint8_t buf[LABELS_BADGE_BYTES_MAX];
    b->version = LABELS_BADGE_VERSION;
    memcpy(b->key_id, sec->id, LABELS_KEY_ID_BYTES);
    size_t n = pack_fields(b, buf);
    rc = labels_sign_detached(LABELS_DOMAIN_BADGE, sec, buf, n, b->sig);
    return rc;
}

int labels_badge_format(const labels_badge *b, char *out, size_t outsz,
                        size_t *len)
{
    if (!b || !out)
        return LABELS_ERR_ARG;
    if (b->version != LABELS_BADGE_VERSION)
        return LABELS_ERR_VERSION;
    int rc = labels_badge_check_fields(b);
    if (rc != LABELS_OK)
        return rc;
    uint8_t buf[LABELS_BADGE_BYTES_MAX];
    size_t n = pack_fields(b, buf);
    memcpy(buf + n, b->sig, LABELS_SIG_BYTES);
    n += LABELS_SIG_BYTES;
    size_t need = PREFIX_LEN + LABELS_BASE32_LEN(n);
    if (outsz < need + 1)
        return LABELS_ERR_ARG;
    memcpy(out, LABELS_BADGE_PREFIX, PREFIX_LEN);
    rc = labels_base32_encode(buf, n, out + PREFIX_LEN, outsz - PREFIX_LEN);
    if (rc == LABELS_OK && len)
        *len = need;
    return rc;
}

int labels_badge_parse(const char *text, size_t len, labels_badge *out)
{
    if ((!text && len) || !out)
        return LABELS_ERR_ARG;
    memset(out, 0, sizeof *out);
    if (len < PREFIX_LEN)
        return LABELS_ERR_NOT_LABEL;
    for (size_t i = 0; i < PREFIX_LEN; i++) {
        char c = text[i];
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if (c != LABELS_BADGE_PREFIX[i])
            return LABELS_ERR_NOT_LABEL;
    }
    const char *p = text + PREFIX_LEN;
    size_t plen = len - PREFIX_LEN;
    if (plen > LABELS_BASE32_LEN(LABELS_BADGE_BYTES_MAX))
        return LABELS_ERR_LENGTH;
    for (size_t i = 0; i < plen; i++)
        if (!((p[i] >= 'A' && p[i] <= 'Z') || (p[i] >= '2' && p[i] <= '7')))
            return LABELS_ERR_BASE32;
    if (plen == 0 || plen % 8 == 1 || plen % 8 == 3 || plen % 8 == 6)
        return LABELS_ERR_LENGTH;
    uint8_t buf[LABELS_BADGE_BYTES_MAX];
    size_t n;
    int rc = labels_base32_decode(p, plen, buf, sizeof buf, &n);
    if (rc != LABELS_OK)
        return rc == LABELS_ERR_ARG ? LABELS_ERR_LENGTH : rc;
    if (n < 1)
        return LABELS_ERR_LENGTH;
    if (buf[OFF_VERSION] != LABELS_BADGE_VERSION)
        return LABELS_ERR_VERSION;
    if (n < FIXED_BYTES + 1 + LABELS_SIG_BYTES)
        return LABELS_ERR_LENGTH;
    size_t o = OFF_PROVINCE_LEN;
    size_t plen2 = buf[o++];
    if (plen2 > LABELS_BADGE_PROVINCE_MAX || o + plen2 + 1 > n)
        return LABELS_ERR_FIELD;
    memcpy(out->province, buf + o, plen2);
    out->province[plen2] = '\0';
    o += plen2;
    size_t nlen = buf[o++];
    if (nlen > LABELS_BADGE_NAME_MAX || o + nlen > n)
        return LABELS_ERR_FIELD;
    memcpy(out->name, buf + o, nlen);
    out->name[nlen] = '\0';
    o += nlen;
    if (n != o + LABELS_SIG_BYTES)
        return LABELS_ERR_LENGTH;
    memcpy(out->sig, buf + o, LABELS_SIG_BYTES);
    out->version = buf[OFF_VERSION];
    memcpy(out->key_id, buf + OFF_KEY_ID, LABELS_KEY_ID_BYTES);
    out->valid_until = (uint16_t)(buf[OFF_VALID] << 8 | buf[OFF_VALID + 1]);
    if (labels_b40_unpack(buf + OFF_INSPECTOR, out->inspector) != LABELS_OK)
        return LABELS_ERR_FIELD;
    /* A NUL inside a text would hide what follows it from every screen
     * while the signature still covered it. */
    if (strlen(out->province) != plen2 || strlen(out->name) != nlen)
        return LABELS_ERR_FIELD;
    return labels_badge_check_fields(out);
}

int labels_badge_verify(const labels_badge *b, const labels_pubkey *auth,
                        uint16_t today)
{
    if (!b || !auth)
        return LABELS_ERR_ARG;
    if (memcmp(b->key_id, auth->id, LABELS_KEY_ID_BYTES) != 0)
        return LABELS_ERR_KEY_ID;
    if (b->version != LABELS_BADGE_VERSION)
        return LABELS_ERR_VERSION;
    int rc = labels_badge_check_fields(b);
    if (rc != LABELS_OK)
        return rc;
    uint8_t buf[LABELS_BADGE_BYTES_MAX];
    size_t n = pack_fields(b, buf);
    rc = labels_verify_detached(LABELS_DOMAIN_BADGE, auth, buf, n, b->sig);
    if (rc != LABELS_OK)
        return rc;
    return today > b->valid_until ? LABELS_ERR_EXPIRED : LABELS_OK;
}
