/* manifest.c -- read the signed feed manifest: line-based key=value, the
 * last line "sig=<hex>" signing every byte before it. Strict: an unknown
 * or repeated key, or a malformed value, refuses the whole manifest. */
#include "manifest.h"

#include "sync_state.h"

#include <errno.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int hexval(const char *s, size_t n, uint8_t *out)
{
    size_t got = 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
              (s[i] >= 'A' && s[i] <= 'F')))
            return -1;
    if (sodium_hex2bin(out, n / 2, s, n, NULL, &got, NULL) != 0 || got != n / 2)
        return -1;
    return 0;
}

int manifest_envelope(const char *text, size_t len, size_t *body_len,
                      uint8_t sig[LABELS_SIG_BYTES],
                      uint8_t key_id[LABELS_KEY_ID_BYTES], char *err,
                      size_t errsz)
{
    /* The last line is "sig=" + 128 hex digits + "\n". */
    const size_t siglen = 4 + 2 * LABELS_SIG_BYTES + 1;
    if (len < siglen + 12 || memchr(text, 0, len) || text[len - 1] != '\n' ||
        memcmp(text + len - siglen, "sig=", 4) ||
        text[len - siglen - 1] != '\n') {
        snprintf(err, errsz, "not a signed feed manifest");
        return -1;
    }
    if (hexval(text + len - siglen + 4, 2 * LABELS_SIG_BYTES, sig)) {
        snprintf(err, errsz, "manifest signature is not hex");
        return -1;
    }
    *body_len = len - siglen;
    const char *k = NULL;
    for (const char *p = text; p < text + *body_len;) {
        const char *nl = memchr(p, '\n', (size_t)(text + *body_len - p));
        if (!nl)
            break;
        if (nl - p == 4 + 2 * LABELS_KEY_ID_BYTES && !memcmp(p, "key=", 4))
            k = p + 4;
        p = nl + 1;
    }
    if (!k || hexval(k, 2 * LABELS_KEY_ID_BYTES, key_id)) {
        snprintf(err, errsz, "manifest names no key");
        return -1;
    }
    return 0;
}

static int parse_u64(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    if (*s < '0' || *s > '9')
        return -1;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end)
        return -1;
    *out = v;
    return 0;
}

/* "NAME SIZE SHA256 USIZE", with base first for deltas. */
static int parse_file(char *v, int with_base, struct feed_file *f)
{
    char *fields[5];
    int n = 0;
    for (char *p = v; n < 5;) {
        fields[n++] = p;
        char *sp = strchr(p, ' ');
        if (!sp)
            break;
        *sp = 0;
        p = sp + 1;
    }
    int want = with_base ? 5 : 4;
    if (n != want)
        return -1;
    char **fl = fields + (with_base ? 1 : 0);
    uint64_t base = 0;
    if (with_base &&
        (parse_u64(fields[0], &base) || base < 1 || base > INT64_MAX))
        return -1;
    f->base = (int64_t)base;
    size_t nl = strlen(fl[0]);
    if (nl == 0 || nl >= sizeof f->name || strchr(fl[0], '/') ||
        fl[0][0] == '.')
        return -1;
    for (size_t i = 0; i < nl; i++)
        if (!((fl[0][i] >= 'a' && fl[0][i] <= 'z') ||
              (fl[0][i] >= '0' && fl[0][i] <= '9') || fl[0][i] == '-' ||
              fl[0][i] == '.'))
            return -1;
    memcpy(f->name, fl[0], nl + 1);
    uint8_t h[32];
    if (parse_u64(fl[1], &f->size) || f->size == 0 || strlen(fl[2]) != 64 ||
        hexval(fl[2], 64, h) || parse_u64(fl[3], &f->usize) || !f->usize)
        return -1;
    for (int i = 0; i < 64; i++)
        f->sha256[i] =
            (char)(fl[2][i] >= 'A' && fl[2][i] <= 'F' ? fl[2][i] - 'A' + 'a'
                                                      : fl[2][i]);
    f->sha256[64] = 0;
    return 0;
}

int manifest_parse(const char *body, size_t len, struct manifest *m, char *err,
                   size_t errsz)
{
    memset(m, 0, sizeof *m);
    char *copy = malloc(len + 1);
    if (!copy) {
        snprintf(err, errsz, "out of memory");
        return -1;
    }
    memcpy(copy, body, len);
    copy[len] = 0;
    int seen_key = 0, seen_ver = 0, seen_pub = 0, seen_exp = 0, seen_snap = 0;
    int line = 0, rc = -1;
    char *next;
    for (char *p = copy; p && *p; p = next) {
        next = strchr(p, '\n');
        if (next)
            *next++ = 0;
        line++;
        if (line == 1) {
            if (strcmp(p, "ocop-feed 1")) {
                snprintf(err, errsz,
                         "manifest format '%.40s' is not "
                         "'ocop-feed 1'",
                         p);
                goto done;
            }
            continue;
        }
        char *eq = strchr(p, '=');
        if (!eq)
            goto bad;
        *eq = 0;
        char *v = eq + 1;
        uint64_t u;
        if (!strcmp(p, "key") && !seen_key++) {
            if (strlen(v) != 16 || hexval(v, 16, m->key_id))
                goto bad;
        } else if (!strcmp(p, "version") && !seen_ver++) {
            if (parse_u64(v, &u) || u < 1 || u > INT64_MAX)
                goto bad;
            m->version = (int64_t)u;
        } else if (!strcmp(p, "published") && !seen_pub++) {
            if (iso_time_parse(v, &m->published))
                goto bad;
        } else if (!strcmp(p, "expires") && !seen_exp++) {
            if (iso_time_parse(v, &m->expires))
                goto bad;
        } else if (!strcmp(p, "snapshot") && !seen_snap++) {
            if (parse_file(v, 0, &m->snapshot))
                goto bad;
        } else if (!strcmp(p, "delta") && m->ndeltas < MANIFEST_MAX_DELTAS) {
            if (parse_file(v, 1, &m->deltas[m->ndeltas]))
                goto bad;
            m->ndeltas++;
        } else {
            goto bad;
        }
        continue;
    bad:
        snprintf(err, errsz,
                 "manifest line %d ('%.20s') is malformed, "
                 "repeated or unknown",
                 line, p);
        goto done;
    }
    if (!seen_key || !seen_ver || !seen_pub || !seen_exp || !seen_snap) {
        snprintf(err, errsz,
                 "manifest lacks key, version, published, "
                 "expires or snapshot");
        goto done;
    }
    rc = 0;
done:
    free(copy);
    return rc;
}
