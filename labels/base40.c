/* base40.c -- label codes (product, lot, inspector ID): three characters
 * of "0-9 A-Z - . /" per 16 bits, strict both ways. */
#include "base40.h"

#include <string.h>

/* Base40 packs three characters into 16 bits; code 0 is padding. */
static const char b40[] = "\0000123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-./";

static int b40_value(char c)
{
    if (c >= '0' && c <= '9')
        return 1 + (c - '0');
    if (c >= 'A' && c <= 'Z')
        return 11 + (c - 'A');
    if (c == '-')
        return 37;
    if (c == '.')
        return 38;
    if (c == '/')
        return 39;
    return -1;
}

/* 1..12 characters of the base40 alphabet. */
int labels_b40_code_ok(const char *s)
{
    size_t n = strnlen(s, LABELS_CODE_MAX + 1);
    if (n == 0 || n > LABELS_CODE_MAX)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (b40_value(s[i]) < 0)
            return 0;
    return 1;
}

void labels_b40_pack(const char *s, uint8_t out[LABELS_B40_BYTES])
{
    size_t n = strlen(s);
    for (int g = 0; g < (LABELS_B40_BYTES / 2); g++) {
        unsigned v = 0;
        for (int k = 0; k < 3; k++) {
            size_t i = (size_t)g * 3 + (size_t)k;
            v = v * 40 + (i < n ? (unsigned)b40_value(s[i]) : 0);
        }
        out[2 * g] = (uint8_t)(v >> 8);
        out[2 * g + 1] = (uint8_t)v;
    }
}

/* Strict inverse of b40_pack: every group below 40^3, padding only at the
 * end, at least one character. */
int labels_b40_unpack(const uint8_t in[LABELS_B40_BYTES],
                      char out[LABELS_CODE_MAX + 1])
{
    int n = 0, padded = 0;
    for (int g = 0; g < (LABELS_B40_BYTES / 2); g++) {
        unsigned v = (unsigned)in[2 * g] << 8 | in[2 * g + 1];
        if (v >= 40 * 40 * 40)
            return LABELS_ERR_FIELD;
        unsigned c[3] = {v / 1600, v / 40 % 40, v % 40};
        for (int k = 0; k < 3; k++) {
            if (c[k] == 0) {
                padded = 1;
                continue;
            }
            if (padded)
                return LABELS_ERR_FIELD;
            out[n++] = b40[c[k]];
        }
    }
    out[n] = '\0';
    return n > 0 ? LABELS_OK : LABELS_ERR_FIELD;
}
