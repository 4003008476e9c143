/* json_write.c -- one JSON object per line into a caller's buffer, with
 * strict escaping of untrusted bytes (QR texts are arbitrary bytes). */
#include "labels.h"

#include <stdio.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len;
    unsigned min;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2, min = 0x80;
    else if (c >= 0xE0 && c <= 0xEF)
        len = 3, min = 0x800;
    else if (c >= 0xF0 && c <= 0xF4)
        len = 4, min = 0x10000;
    else
        return 0;
    if (len > n)
        return 0;
    unsigned cp = c & (0xFFu >> (len + 1));
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3F);
    }
    /* Overlong forms, surrogates and values past U+10FFFF are invalid. */
    if (cp < min || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
        return 0;
    return len;
}

/* Append n bytes, keeping room for the NUL; the first overflow sticks. */
static void put(labels_json *j, const char *s, size_t n)
{
    if (j->err != LABELS_OK)
        return;
    if (n >= j->size - j->len) {
        j->err = LABELS_ERR_SPACE;
        return;
    }
    memcpy(j->out + j->len, s, n);
    j->len += n;
    j->out[j->len] = '\0';
}

static void put_string(labels_json *j, const char *val, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *s = (const unsigned char *)val;
    put(j, "\"", 1);
    size_t i = 0;
    while (i < len && j->err == LABELS_OK) {
        unsigned c = s[i];
        if (c == '"' || c == '\\') {
            char esc[2] = {'\\', (char)c};
            put(j, esc, 2);
            i++;
        } else if (c < 0x20 || c == 0x7F) {
            char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            put(j, esc, 6);
            i++;
        } else {
            size_t n = utf8_seq(s + i, len - i);
            if (n == 0) {
                put(j, "\\ufffd", 6);
                i++;
            } else {
                put(j, (const char *)s + i, n);
                i += n;
            }
        }
    }
    put(j, "\"", 1);
}

static void key(labels_json *j, const char *k)
{
    if (j->fields++)
        put(j, ",", 1);
    put_string(j, k ? k : "", k ? strlen(k) : 0);
    put(j, ":", 1);
}

void labels_json_begin(labels_json *j, char *out, size_t outsz)
{
    j->out = out;
    j->size = outsz;
    j->len = 0;
    j->fields = 0;
    j->err = out && outsz > 0 ? LABELS_OK : LABELS_ERR_ARG;
    if (j->err == LABELS_OK)
        out[0] = '\0';
    put(j, "{", 1);
}

void labels_json_str(labels_json *j, const char *k, const char *val, size_t len)
{
    key(j, k);
    if (!val && len > 0 && j->err == LABELS_OK)
        j->err = LABELS_ERR_ARG;
    put_string(j, val ? val : "", val ? len : 0);
}

void labels_json_cstr(labels_json *j, const char *k, const char *val)
{
    labels_json_str(j, k, val ? val : "", val ? strlen(val) : 0);
}

void labels_json_int(labels_json *j, const char *k, int64_t val)
{
    char num[24];
    int n = snprintf(num, sizeof num, "%lld", (long long)val);
    key(j, k);
    if (n < 0 || (size_t)n >= sizeof num) {
        if (j->err == LABELS_OK)
            j->err = LABELS_ERR_ARG;
        return;
    }
    put(j, num, (size_t)n);
}

void labels_json_bool(labels_json *j, const char *k, int val)
{
    key(j, k);
    put(j, val ? "true" : "false", val ? 4 : 5);
}

int labels_json_end(labels_json *j, size_t *len)
{
    put(j, "}\n", 2);
    if (j->err != LABELS_OK) {
        if (j->out && j->size > 0)
            j->out[0] = '\0';
        j->len = 0;
    }
    if (len)
        *len = j->len;
    return j->err;
}
