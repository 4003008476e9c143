/* test_vectors.c -- the committed conformance vectors (tests/vectors/)
 * against the library: known-answer labels, re-signing, and every
 * negative text with its exact expected error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <labels.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static labels_pubkey keys[2]; /* signer, other */
static char vecdir[4096];

static char *slurp(const char *name, size_t *len)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", vecdir, name);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long n = ftell(f);
    assert_true(n > 0);
    rewind(f);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    buf[n] = '\0';
    if (len)
        *len = (size_t)n;
    return buf;
}

/* Split a line into TAB-separated fields in place. */
static int split(char *line, char **cols, int max)
{
    int n = 0;
    cols[n++] = line;
    for (char *p = line; *p && n < max; p++)
        if (*p == '\t') {
            *p = '\0';
            cols[n++] = p + 1;
        }
    return n;
}

/* Next non-comment line, NUL-terminated in place; NULL at the end. */
static char *next_line(char **cursor)
{
    while (**cursor) {
        char *line = *cursor, *nl = strchr(line, '\n');
        assert_non_null(nl); /* every line ends with a newline */
        *nl = '\0';
        *cursor = nl + 1;
        if (line[0] != '#' && line[0] != '\0')
            return line;
    }
    return NULL;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

static size_t unhex(const char *hex, uint8_t *out, size_t outsz)
{
    size_t n = strlen(hex);
    assert_int_equal(n % 2, 0);
    assert_true(n / 2 <= outsz);
    for (size_t i = 0; i < n / 2; i++) {
        int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
        assert_true(hi >= 0 && lo >= 0);
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return n / 2;
}

static int err_of(const char *name)
{
    static const struct {
        const char *name;
        int err;
    } map[] = {
        {"OK", LABELS_OK},
        {"NOT_LABEL", LABELS_ERR_NOT_LABEL},
        {"BASE32", LABELS_ERR_BASE32},
        {"LENGTH", LABELS_ERR_LENGTH},
        {"VERSION", LABELS_ERR_VERSION},
        {"FIELD", LABELS_ERR_FIELD},
        {"KEY_ID", LABELS_ERR_KEY_ID},
        {"SIGNATURE", LABELS_ERR_SIGNATURE},
    };
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (strcmp(map[i].name, name) == 0)
            return map[i].err;
    fail_msg("unknown result name '%s'", name);
    return -1;
}

static int key_index(const char *name)
{
    if (strcmp(name, "signer") == 0)
        return 0;
    assert_string_equal(name, "other");
    return 1;
}

/* Git does not keep mode 0600: read a committed secret key through a
 * private copy, as labels_seckey_read insists. */
static void read_secret(const char *name, labels_seckey *sec)
{
    size_t len;
    char file[64], tmp[] = "/tmp/ocop-vec-XXXXXX";
    snprintf(file, sizeof file, "%s.sec", name);
    char *text = slurp(file, &len);
    int fd = mkstemp(tmp);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, len), (ssize_t)len);
    assert_int_equal(close(fd), 0);
    assert_int_equal(chmod(tmp, 0600), 0);
    assert_int_equal(labels_seckey_read(tmp, sec), LABELS_OK);
    assert_int_equal(unlink(tmp), 0);
    free(text);
}

static int setup(void **state)
{
    (void)state;
    const char *src = getenv("OCOP_SOURCE_DIR");
    if (labels_init() != LABELS_OK)
        return -1;
    snprintf(vecdir, sizeof vecdir, "%s/tests/vectors", src ? src : ".");
    char path[4200];
    snprintf(path, sizeof path, "%s/signer.pub", vecdir);
    if (labels_pubkey_read(path, &keys[0]) != LABELS_OK)
        return -1;
    snprintf(path, sizeof path, "%s/other.pub", vecdir);
    return labels_pubkey_read(path, &keys[1]) == LABELS_OK ? 0 : -1;
}

static void test_keys_match(void **state)
{
    (void)state;
    static const char *const names[2] = {"signer", "other"};
    for (int k = 0; k < 2; k++) {
        labels_seckey sec;
        labels_pubkey pub;
        char hex[17], file[64];
        read_secret(names[k], &sec);
        labels_seckey_public(&sec, &pub);
        labels_seckey_wipe(&sec);
        assert_memory_equal(&pub, &keys[k], sizeof pub);
        /* The comment line names the key ID and says the key is for tests. */
        snprintf(file, sizeof file, "%s.pub", names[k]);
        char *text = slurp(file, NULL);
        labels_key_id_hex(pub.id, hex);
        char *nl = strchr(text, '\n');
        assert_non_null(nl);
        *nl = '\0';
        assert_non_null(strstr(text, hex));
        assert_non_null(strstr(text, "TEST ONLY"));
        free(text);
    }
    assert_memory_not_equal(keys[0].id, keys[1].id, LABELS_KEY_ID_BYTES);
}

static void test_valid(void **state)
{
    (void)state;
    labels_seckey secs[2];
    read_secret("signer", &secs[0]);
    read_secret("other", &secs[1]);
    char *data = slurp("valid.tsv", NULL), *cur = data, *line;
    int count = 0;
    while ((line = next_line(&cur))) {
        char *c[10];
        assert_int_equal(split(line, c, 10), 10);
        int k = key_index(c[1]);
        const char *text = c[9];
        size_t len = strlen(text);
        labels_label lab;
        uint8_t payload[LABELS_PAYLOAD_BYTES], want[LABELS_PAYLOAD_BYTES];
        char date[11];

        assert_int_equal(labels_parse(text, len, &lab), LABELS_OK);
        assert_int_equal(lab.version, 1);
        assert_memory_equal(lab.key_id, keys[k].id, LABELS_KEY_ID_BYTES);
        assert_string_equal(lab.product, c[3]);
        assert_string_equal(lab.lot, c[4]);
        assert_int_equal(lab.stars, atoi(c[5]));
        assert_int_equal(lab.serial, strtoul(c[6], NULL, 10));
        labels_date_format(lab.issued, date);
        assert_string_equal(date, c[7]);
        assert_int_equal(unhex(c[8], want, sizeof want), sizeof want);
        assert_int_equal(labels_payload(&lab, payload), LABELS_OK);
        assert_memory_equal(payload, want, sizeof want);

        assert_int_equal(labels_verify(&lab, &keys[k]), LABELS_OK);
        assert_int_equal(labels_verify(&lab, &keys[1 - k]), LABELS_ERR_KEY_ID);
        /* Every character is in the QR alphanumeric set. */
        for (size_t i = 0; i < len; i++)
            assert_non_null(strchr("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                   " $%*+-./:",
                                   text[i]));

        /* Re-signing the fields reproduces the text byte for byte. */
        labels_label re;
        char out[LABELS_TEXT_MAX];
        size_t outlen;
        memset(&re, 0, sizeof re);
        memcpy(re.product, c[3], strlen(c[3]) + 1);
        memcpy(re.lot, c[4], strlen(c[4]) + 1);
        re.stars = (uint8_t)atoi(c[5]);
        re.serial = (uint32_t)strtoul(c[6], NULL, 10);
        assert_int_equal(labels_date_parse(c[7], &re.issued), LABELS_OK);
        assert_int_equal(labels_sign(&re, &secs[k]), LABELS_OK);
        assert_int_equal(labels_format(&re, c[2], out, sizeof out, &outlen),
                         LABELS_OK);
        assert_int_equal(outlen, len);
        assert_string_equal(out, text);
        count++;
    }
    assert_true(count >= 10);
    labels_seckey_wipe(&secs[0]);
    labels_seckey_wipe(&secs[1]);
    free(data);
}

static void test_texts(void **state)
{
    (void)state;
    char *data = slurp("texts.tsv", NULL), *cur = data, *line;
    static uint8_t text[LABELS_PARSE_MAX * 2];
    int count = 0, positions[LABELS_PAYLOAD_BYTES] = {0};
    while ((line = next_line(&cur))) {
        char *c[5];
        assert_int_equal(split(line, c, 5), 5);
        size_t len = unhex(c[4], text, sizeof text);
        labels_label lab;
        int rc = labels_parse((const char *)text, len, &lab);
        if (rc != err_of(c[1]))
            fail_msg("%s: parse gives %s, want %s", c[0], labels_strerror(rc),
                     c[1]);
        if (rc == LABELS_OK) {
            assert_int_equal(labels_verify(&lab, &keys[0]), err_of(c[2]));
            assert_int_equal(labels_verify(&lab, &keys[1]), err_of(c[3]));
        } else {
            assert_string_equal(c[2], "-");
            assert_string_equal(c[3], "-");
        }
        unsigned pos;
        if (sscanf(c[0], "byte-%2u-", &pos) == 1) {
            assert_true(pos < LABELS_PAYLOAD_BYTES);
            positions[pos]++;
        }
        count++;
    }
    /* The file changes every byte of the payload, each more than once. */
    for (int i = 0; i < LABELS_PAYLOAD_BYTES; i++)
        assert_true(positions[i] >= 2);
    assert_true(count > 400);
    free(data);
}

/* Beyond the file: every one of the 255 other values of every payload
 * byte. None verifies, and each fails the way its field says. */
static void test_every_byte_value(void **state)
{
    (void)state;
    char *data = slurp("valid.tsv", NULL), *cur = data;
    char *line = next_line(&cur), *c[10];
    assert_int_equal(split(line, c, 10), 10);
    assert_string_equal(c[1], "signer");
    uint8_t base[LABELS_PAYLOAD_BYTES], p[LABELS_PAYLOAD_BYTES];
    assert_int_equal(unhex(c[8], base, sizeof base), sizeof base);
    free(data);
    char text[LABELS_TEXT_MAX];
    for (int pos = 0; pos < LABELS_PAYLOAD_BYTES; pos++) {
        for (int v = 0; v < 256; v++) {
            if (v == base[pos])
                continue;
            memcpy(p, base, sizeof p);
            p[pos] = (uint8_t)v;
            assert_int_equal(
                labels_base32_encode(p, sizeof p, text, sizeof text),
                LABELS_OK);
            labels_label lab;
            int rc = labels_parse(text, LABELS_PAYLOAD_CHARS, &lab);
            if (rc == LABELS_OK)
                rc = labels_verify(&lab, &keys[0]);
            if (pos == 0)
                assert_int_equal(rc, LABELS_ERR_VERSION);
            else if (pos <= 8)
                assert_int_equal(rc, LABELS_ERR_KEY_ID);
            else if (pos == 10 || pos == 11 || pos >= 32)
                assert_int_equal(rc, LABELS_ERR_SIGNATURE);
            else if (rc != LABELS_ERR_FIELD && rc != LABELS_ERR_SIGNATURE)
                fail_msg("byte %d to %02x: %s", pos, v, labels_strerror(rc));
        }
    }
}

/* The API's other doors: bad arguments and hand-made label structs get a
 * specific error, never a crash. */
static void test_api_edges(void **state)
{
    (void)state;
    labels_label lab;
    char text[LABELS_TEXT_MAX];
    uint8_t buf[16];
    size_t n;
    assert_int_equal(labels_parse(NULL, 5, &lab), LABELS_ERR_ARG);
    assert_int_equal(labels_parse("x", 1, NULL), LABELS_ERR_ARG);
    assert_int_equal(labels_parse(NULL, 0, &lab), LABELS_ERR_NOT_LABEL);
    assert_int_equal(labels_verify(NULL, &keys[0]), LABELS_ERR_ARG);
    assert_int_equal(labels_base32_decode("AAAAAAAA", 8, buf, 4, &n),
                     LABELS_ERR_LENGTH);
    assert_int_equal(labels_base32_decode("AAA", 3, buf, sizeof buf, &n),
                     LABELS_ERR_BASE32);
    assert_int_equal(labels_base32_decode("", 0, buf, sizeof buf, &n),
                     LABELS_OK);
    assert_int_equal(n, 0);
    assert_int_equal(labels_base32_encode(buf, 5, text, 8), LABELS_ERR_ARG);

    /* A struct that never came from the parser. */
    char *data = slurp("valid.tsv", NULL), *cur = data;
    char *line = next_line(&cur), *c[10];
    assert_int_equal(split(line, c, 10), 10);
    assert_int_equal(labels_parse(c[9], strlen(c[9]), &lab), LABELS_OK);
    free(data);
    labels_label bad = lab;
    bad.version = 2;
    assert_int_equal(labels_verify(&bad, &keys[0]), LABELS_ERR_VERSION);
    assert_int_equal(labels_format(&bad, NULL, text, sizeof text, NULL),
                     LABELS_ERR_VERSION);
    bad = lab;
    memset(bad.product, 'A', sizeof bad.product); /* no terminating NUL */
    assert_int_equal(labels_verify(&bad, &keys[0]), LABELS_ERR_FIELD);
    bad = lab;
    memcpy(bad.lot, "a", 2);
    assert_int_equal(labels_verify(&bad, &keys[0]), LABELS_ERR_FIELD);
    bad = lab;
    bad.stars = 0;
    assert_int_equal(labels_verify(&bad, &keys[0]), LABELS_ERR_FIELD);
    assert_int_equal(
        labels_format(&lab, "ocop.example", text, sizeof text, NULL),
        LABELS_ERR_ARG);
    assert_int_equal(labels_format(&lab, "", text, sizeof text, NULL),
                     LABELS_ERR_ARG);
    assert_int_equal(labels_format(&lab, NULL, text, 177, NULL),
                     LABELS_ERR_ARG);
    assert_int_equal(labels_format(&lab, NULL, text, 178, &n), LABELS_OK);
    assert_int_equal(n, 177);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keys_match),
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_texts),
        cmocka_unit_test(test_every_byte_value),
        cmocka_unit_test(test_api_edges),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
