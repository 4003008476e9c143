/* keys.c -- key pairs, key IDs and the two key file formats. */
#include "labels.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Blob layouts behind the base64 line of each file. */
#define PUB_BLOB (2 + LABELS_KEY_ID_BYTES + LABELS_PUBKEY_BYTES)
#define CHECKSUM_BYTES 32
#define SEC_BLOB                                                               \
    (2 + LABELS_KEY_ID_BYTES + LABELS_SECKEY_BYTES + CHECKSUM_BYTES)
#define KEY_FILE_MAX 4096
#define COMMENT_PREFIX "untrusted comment: "

static const char keyid_tag[] = "OCOP-KEYID-V1"; /* hashed with its NUL */

void labels_key_id(const uint8_t pk[LABELS_PUBKEY_BYTES],
                   uint8_t id[LABELS_KEY_ID_BYTES])
{
    uint8_t h[32];
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, sizeof h);
    crypto_generichash_update(&st, (const uint8_t *)keyid_tag,
                              sizeof keyid_tag);
    crypto_generichash_update(&st, pk, LABELS_PUBKEY_BYTES);
    crypto_generichash_final(&st, h, sizeof h);
    memcpy(id, h, LABELS_KEY_ID_BYTES);
}

int labels_keygen(labels_pubkey *pub, labels_seckey *sec)
{
    if (!pub || !sec)
        return LABELS_ERR_ARG;
    if (crypto_sign_keypair(pub->pk, sec->sk) != 0)
        return LABELS_ERR_CRYPTO;
    labels_key_id(pub->pk, pub->id);
    memcpy(sec->id, pub->id, LABELS_KEY_ID_BYTES);
    return LABELS_OK;
}

void labels_seckey_public(const labels_seckey *sec, labels_pubkey *pub)
{
    crypto_sign_ed25519_sk_to_pk(pub->pk, sec->sk);
    memcpy(pub->id, sec->id, LABELS_KEY_ID_BYTES);
}

void labels_seckey_wipe(labels_seckey *sec)
{
    if (sec)
        sodium_memzero(sec, sizeof *sec);
}

void labels_key_id_hex(const uint8_t id[LABELS_KEY_ID_BYTES],
                       char out[LABELS_KEY_ID_HEX_SIZE])
{
    static const char hex[] = "0123456789ABCDEF";
    for (int i = 0; i < LABELS_KEY_ID_BYTES; i++) {
        out[2 * i] = hex[id[i] >> 4];
        out[2 * i + 1] = hex[id[i] & 15];
    }
    out[16] = '\0';
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

int labels_key_id_parse(const char *hex, uint8_t id[LABELS_KEY_ID_BYTES])
{
    if (!hex || !id)
        return LABELS_ERR_ARG;
    for (int i = 0; i < LABELS_KEY_ID_BYTES; i++) {
        int hi = hexval(hex[2 * i]);
        int lo = hi < 0 ? -1 : hexval(hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return LABELS_ERR_ARG;
        id[i] = (uint8_t)(hi << 4 | lo);
    }
    return hex[16] == '\0' ? LABELS_OK : LABELS_ERR_ARG;
}

int labels_pubkey_to_base64(const labels_pubkey *pub, char *out, size_t outsz)
{
    if (!pub || !out)
        return LABELS_ERR_ARG;
    uint8_t blob[PUB_BLOB] = {'E', 'd'};
    memcpy(blob + 2, pub->id, LABELS_KEY_ID_BYTES);
    memcpy(blob + 2 + LABELS_KEY_ID_BYTES, pub->pk, LABELS_PUBKEY_BYTES);
    if (outsz <
        sodium_base64_ENCODED_LEN(PUB_BLOB, sodium_base64_VARIANT_ORIGINAL))
        return LABELS_ERR_ARG;
    sodium_bin2base64(out, outsz, blob, sizeof blob,
                      sodium_base64_VARIANT_ORIGINAL);
    return LABELS_OK;
}

/* Find the base64 line of a key file text: skip an optional comment
 * line, stop at the first line end. */
static int key_line(const char *text, size_t len, const char **b64,
                    size_t *b64len)
{
    const char *p = text, *end = text + len;
    size_t plen = sizeof COMMENT_PREFIX - 1;
    if (len >= plen && memcmp(p, COMMENT_PREFIX, plen) == 0) {
        const char *nl = memchr(p, '\n', len);
        if (!nl)
            return LABELS_ERR_KEY_FILE;
        p = nl + 1;
    }
    const char *q = p;
    while (q < end && *q != '\n' && *q != '\r')
        q++;
    /* Only line ends may follow the key line. */
    for (const char *r = q; r < end; r++)
        if (*r != '\n' && *r != '\r')
            return LABELS_ERR_KEY_FILE;
    *b64 = p;
    *b64len = (size_t)(q - p);
    return LABELS_OK;
}

static int unbase64(const char *b64, size_t len, uint8_t *blob, size_t want)
{
    size_t got = 0;
    if (len > 256 ||
        sodium_base642bin(blob, want, b64, len, NULL, &got, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        got != want)
        return LABELS_ERR_KEY_FILE;
    return LABELS_OK;
}

int labels_pubkey_parse(const char *text, size_t len, labels_pubkey *pub)
{
    if (!text || !pub || len > KEY_FILE_MAX)
        return LABELS_ERR_ARG;
    const char *b64;
    size_t b64len;
    uint8_t blob[PUB_BLOB];
    int rc = key_line(text, len, &b64, &b64len);
    if (rc == LABELS_OK)
        rc = unbase64(b64, b64len, blob, sizeof blob);
    if (rc != LABELS_OK)
        return rc;
    if (blob[0] != 'E' || blob[1] != 'd')
        return LABELS_ERR_KEY_FILE;
    uint8_t id[LABELS_KEY_ID_BYTES];
    memcpy(pub->pk, blob + 2 + LABELS_KEY_ID_BYTES, LABELS_PUBKEY_BYTES);
    labels_key_id(pub->pk, id);
    if (memcmp(id, blob + 2, LABELS_KEY_ID_BYTES) != 0)
        return LABELS_ERR_KEY_FILE;
    memcpy(pub->id, id, LABELS_KEY_ID_BYTES);
    return LABELS_OK;
}

static int comment_ok(const char *c)
{
    return strlen(c) <= 200 && !strpbrk(c, "\r\n");
}

int labels_pubkey_write(const char *path, const labels_pubkey *pub,
                        const char *comment)
{
    if (!path || !pub || (comment && !comment_ok(comment)))
        return LABELS_ERR_ARG;
    char hex[LABELS_KEY_ID_HEX_SIZE], b64[LABELS_PUBKEY_B64_MAX], text[512];
    labels_key_id_hex(pub->id, hex);
    labels_pubkey_to_base64(pub, b64, sizeof b64);
    int n = snprintf(text, sizeof text, COMMENT_PREFIX "%s %s\n%s\n",
                     comment ? comment : "OCOP public key", hex, b64);
    if (n < 0 || (size_t)n >= sizeof text)
        return LABELS_ERR_ARG;
    return labels_file_write_atomic(path, text, (size_t)n, 0644, 1);
}

/* Read a small file whole. For secret keys, insist on a private regular
 * file and never follow a symlink an attacker may have planted. */
static int read_small(const char *path, int secret, char *buf, size_t bufsz,
                      size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | (secret ? O_NOFOLLOW : 0));
    if (fd < 0)
        return secret && errno == ELOOP ? LABELS_ERR_KEY_MODE : LABELS_ERR_IO;
    struct stat st;
    int rc = LABELS_OK;
    if (fstat(fd, &st) != 0)
        rc = LABELS_ERR_IO;
    else if (!S_ISREG(st.st_mode) || (secret && (st.st_mode & 077)))
        rc = LABELS_ERR_KEY_MODE;
    else if (st.st_size <= 0 || (size_t)st.st_size >= bufsz)
        rc = LABELS_ERR_KEY_FILE;
    size_t got = 0;
    while (rc == LABELS_OK && got < bufsz) {
        ssize_t n = read(fd, buf + got, bufsz - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            rc = LABELS_ERR_IO;
        else if (n == 0)
            break;
        else
            got += (size_t)n;
    }
    close(fd);
    if (rc == LABELS_OK && got >= bufsz)
        rc = LABELS_ERR_KEY_FILE;
    *len = got;
    return rc;
}

int labels_pubkey_read(const char *path, labels_pubkey *pub)
{
    if (!path || !pub)
        return LABELS_ERR_ARG;
    char buf[KEY_FILE_MAX];
    size_t len;
    int rc = read_small(path, 0, buf, sizeof buf, &len);
    if (rc != LABELS_OK)
        return rc;
    rc = labels_pubkey_parse(buf, len, pub);
    return rc == LABELS_ERR_ARG ? LABELS_ERR_KEY_FILE : rc;
}

static void sec_checksum(const uint8_t *blob, uint8_t out[CHECKSUM_BYTES])
{
    crypto_generichash(out, CHECKSUM_BYTES, blob, SEC_BLOB - CHECKSUM_BYTES,
                       NULL, 0);
}

int labels_seckey_write(const char *path, const labels_seckey *sec,
                        const char *comment)
{
    if (!path || !sec || (comment && !comment_ok(comment)))
        return LABELS_ERR_ARG;
    uint8_t blob[SEC_BLOB] = {'E', 's'};
    char b64[sodium_base64_ENCODED_LEN(SEC_BLOB,
                                       sodium_base64_VARIANT_ORIGINAL)];
    char hex[LABELS_KEY_ID_HEX_SIZE], text[512];
    memcpy(blob + 2, sec->id, LABELS_KEY_ID_BYTES);
    memcpy(blob + 2 + LABELS_KEY_ID_BYTES, sec->sk, LABELS_SECKEY_BYTES);
    sec_checksum(blob, blob + SEC_BLOB - CHECKSUM_BYTES);
    sodium_bin2base64(b64, sizeof b64, blob, sizeof blob,
                      sodium_base64_VARIANT_ORIGINAL);
    labels_key_id_hex(sec->id, hex);
    int n =
        snprintf(text, sizeof text, COMMENT_PREFIX "%s %s\n%s\n",
                 comment ? comment : "OCOP secret key, keep private", hex, b64);
    int rc = LABELS_ERR_ARG;
    if (n > 0 && (size_t)n < sizeof text)
        rc = labels_file_write_atomic(path, text, (size_t)n, 0600, 1);
    sodium_memzero(blob, sizeof blob);
    sodium_memzero(b64, sizeof b64);
    sodium_memzero(text, sizeof text);
    return rc;
}

int labels_seckey_read(const char *path, labels_seckey *sec)
{
    if (!path || !sec)
        return LABELS_ERR_ARG;
    char buf[KEY_FILE_MAX];
    uint8_t blob[SEC_BLOB], sum[CHECKSUM_BYTES];
    uint8_t pk[LABELS_PUBKEY_BYTES], sk[LABELS_SECKEY_BYTES];
    size_t len = 0;
    const char *b64;
    size_t b64len;
    int rc = read_small(path, 1, buf, sizeof buf, &len);
    if (rc == LABELS_OK)
        rc = key_line(buf, len, &b64, &b64len);
    if (rc == LABELS_OK)
        rc = unbase64(b64, b64len, blob, sizeof blob);
    if (rc == LABELS_OK) {
        sec_checksum(blob, sum);
        if (blob[0] != 'E' || blob[1] != 's' ||
            sodium_memcmp(sum, blob + SEC_BLOB - CHECKSUM_BYTES, sizeof sum))
            rc = LABELS_ERR_KEY_FILE;
    }
    if (rc == LABELS_OK) {
        /* Re-derive the key pair from the seed: a file whose halves do not
         * belong together must not sign anything. */
        const uint8_t *fsk = blob + 2 + LABELS_KEY_ID_BYTES;
        uint8_t id[LABELS_KEY_ID_BYTES];
        crypto_sign_seed_keypair(pk, sk, fsk);
        labels_key_id(pk, id);
        if (sodium_memcmp(sk, fsk, LABELS_SECKEY_BYTES) != 0 ||
            memcmp(id, blob + 2, LABELS_KEY_ID_BYTES) != 0)
            rc = LABELS_ERR_KEY_FILE;
        else {
            memcpy(sec->id, id, LABELS_KEY_ID_BYTES);
            memcpy(sec->sk, sk, LABELS_SECKEY_BYTES);
        }
    }
    sodium_memzero(buf, sizeof buf);
    sodium_memzero(blob, sizeof blob);
    sodium_memzero(sk, sizeof sk);
    return rc;
}
