/* json_out.c -- JSON lines with strict escaping of untrusted bytes. */
#include "json_out.h"

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
    unsigned cp = c & (0xFF >> (len + 1));
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

static void put_string(FILE *f, const char *val, size_t len)
{
    const unsigned char *s = (const unsigned char *)val;
    fputc('"', f);
    size_t i = 0;
    while (i < len) {
        unsigned c = s[i];
        if (c == '"' || c == '\\') {
            fputc('\\', f);
            fputc((int)c, f);
            i++;
        } else if (c < 0x20 || c == 0x7F) {
            fprintf(f, "\\u%04x", c);
            i++;
        } else {
            size_t n = utf8_seq(s + i, len - i);
            if (n == 0) {
                fputs("\\ufffd", f);
                i++;
            } else {
                fwrite(s + i, 1, n, f);
                i += n;
            }
        }
    }
    fputc('"', f);
}

static void key(json_out *j, const char *k)
{
    fputs(j->fields++ ? "," : "", j->f);
    put_string(j->f, k, strlen(k));
    fputc(':', j->f);
}

void json_begin(json_out *j, FILE *f)
{
    j->f = f;
    j->fields = 0;
    fputc('{', f);
}

void json_str(json_out *j, const char *k, const char *val, size_t len)
{
    key(j, k);
    put_string(j->f, val, len);
}

void json_cstr(json_out *j, const char *k, const char *val)
{
    json_str(j, k, val ? val : "", val ? strlen(val) : 0);
}

void json_int(json_out *j, const char *k, int64_t val)
{
    key(j, k);
    fprintf(j->f, "%lld", (long long)val);
}

void json_bool(json_out *j, const char *k, int val)
{
    key(j, k);
    fputs(val ? "true" : "false", j->f);
}

int json_end(json_out *j)
{
    fputs("}\n", j->f);
    return fflush(j->f) == 0 && !ferror(j->f) ? 0 : -1;
}
