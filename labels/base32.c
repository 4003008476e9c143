/* base32.c -- RFC 4648 base32, uppercase, no padding, strict decoding. */
#include "labels.h"

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

int labels_base32_encode(const uint8_t *in, size_t len, char *out, size_t outsz)
{
    if ((!in && len) || !out || len > (SIZE_MAX - 4) / 8)
        return LABELS_ERR_ARG;
    size_t need = LABELS_BASE32_LEN(len);
    if (outsz < need + 1)
        return LABELS_ERR_ARG;
    uint32_t acc = 0;
    int bits = 0;
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        acc = (acc << 8) | in[i];
        bits += 8;
        while (bits >= 5) {
            bits -= 5;
            out[o++] = alphabet[(acc >> bits) & 31];
        }
    }
    if (bits > 0)
        out[o++] = alphabet[(acc << (5 - bits)) & 31];
    out[o] = '\0';
    return LABELS_OK;
}

static int value_of(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= '2' && c <= '7')
        return c - '2' + 26;
    return -1;
}

int labels_base32_decode(const char *in, size_t len, uint8_t *out, size_t outsz,
                         size_t *outlen)
{
    if ((!in && len) || !out || !outlen)
        return LABELS_ERR_ARG;
    /* Lengths that leave 1, 3 or 6 characters over cannot come from whole
     * bytes; rejecting them keeps every payload's encoding unique. */
    size_t rem = len % 8;
    if (rem == 1 || rem == 3 || rem == 6)
        return LABELS_ERR_BASE32;
    size_t nbytes = len * 5 / 8;
    if (nbytes > outsz)
        return LABELS_ERR_LENGTH;
    uint32_t acc = 0;
    int bits = 0;
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        int v = value_of((unsigned char)in[i]);
        if (v < 0)
            return LABELS_ERR_BASE32;
        acc = (acc << 5) | (uint32_t)v;
        bits += 5;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (uint8_t)(acc >> bits);
        }
    }
    /* Leftover bits must be zero, or two texts would decode alike. */
    if (bits > 0 && (acc & ((1u << bits) - 1)) != 0)
        return LABELS_ERR_BASE32;
    *outlen = o;
    return LABELS_OK;
}
