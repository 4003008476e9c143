/* test_keys.c -- key files: modes, symlinks, corruption, no overwrite. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <labels.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/ocop-keys-XXXXXX";
static labels_pubkey pub;
static labels_seckey sec;
static char secpath[256], pubpath[256];

static void path_in(char *out, size_t outsz, const char *name)
{
    int n = snprintf(out, outsz, "%s/%s", dir, name);
    assert_true(n > 0 && (size_t)n < outsz);
}

static void put(const char *path, const void *data, size_t len, mode_t mode)
{
    unlink(path);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(chmod(path, mode), 0);
}

static char *get(const char *path, size_t *len)
{
    static char buf[8192];
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    *len = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[*len] = '\0';
    return buf;
}

static int setup(void **state)
{
    (void)state;
    if (labels_init() != LABELS_OK || !mkdtemp(dir))
        return -1;
    if (labels_keygen(&pub, &sec) != LABELS_OK)
        return -1;
    snprintf(secpath, sizeof secpath, "%s/k.sec", dir);
    snprintf(pubpath, sizeof pubpath, "%s/k.pub", dir);
    if (labels_seckey_write(secpath, &sec, NULL) != LABELS_OK ||
        labels_pubkey_write(pubpath, &pub, "test key") != LABELS_OK)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    labels_seckey_wipe(&sec);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_round_trip_and_modes(void **state)
{
    (void)state;
    struct stat st;
    assert_int_equal(stat(secpath, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(stat(pubpath, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);

    labels_seckey s2;
    labels_pubkey p2;
    assert_int_equal(labels_seckey_read(secpath, &s2), LABELS_OK);
    assert_memory_equal(&s2, &sec, sizeof sec);
    labels_seckey_wipe(&s2);
    assert_int_equal(labels_pubkey_read(pubpath, &p2), LABELS_OK);
    assert_memory_equal(&p2, &pub, sizeof pub);

    /* The first line is the comment and the key ID; the second the key. */
    size_t len;
    char *text = get(pubpath, &len), hex[17], b64[LABELS_PUBKEY_B64_MAX];
    labels_key_id_hex(pub.id, hex);
    assert_int_equal(labels_pubkey_to_base64(&pub, b64, sizeof b64), LABELS_OK);
    char want[300];
    snprintf(want, sizeof want, "untrusted comment: test key %s\n%s\n", hex,
             b64);
    assert_string_equal(text, want);
    /* The base64 line alone parses too. */
    assert_int_equal(labels_pubkey_parse(b64, strlen(b64), &p2), LABELS_OK);
    assert_memory_equal(&p2, &pub, sizeof pub);
    /* Key ID: first 8 bytes of BLAKE2b-256("OCOP-KEYID-V1\0" || pk). */
    uint8_t h[32], msg[14 + 32];
    memcpy(msg, "OCOP-KEYID-V1", 14);
    memcpy(msg + 14, pub.pk, 32);
    crypto_generichash(h, sizeof h, msg, sizeof msg, NULL, 0);
    assert_memory_equal(h, pub.id, LABELS_KEY_ID_BYTES);
}

static void test_no_overwrite(void **state)
{
    (void)state;
    size_t len;
    char before[8192];
    char *t = get(secpath, &len);
    memcpy(before, t, len + 1);
    labels_pubkey p;
    labels_seckey s;
    assert_int_equal(labels_keygen(&p, &s), LABELS_OK);
    assert_int_equal(labels_seckey_write(secpath, &s, NULL), LABELS_ERR_EXISTS);
    assert_int_equal(labels_pubkey_write(secpath, &p, NULL), LABELS_ERR_EXISTS);
    assert_int_equal(labels_pubkey_write(pubpath, &p, NULL), LABELS_ERR_EXISTS);
    labels_seckey_wipe(&s);
    assert_string_equal(get(secpath, &len), before);
    /* No temporary file is left behind. */
    char cmd[400];
    snprintf(cmd, sizeof cmd, "test $(ls '%s' | wc -l) -eq 2", dir);
    assert_int_equal(system(cmd), 0);
    /* Comments cannot smuggle a second line in. */
    char other[256];
    path_in(other, sizeof other, "x.pub");
    assert_int_equal(labels_pubkey_write(other, &p, "a\nb"), LABELS_ERR_ARG);
    assert_int_equal(access(other, F_OK), -1);
}

/* Modes are exact whatever the umask: never wider for the secret, and
 * readable by all for the public file. */
static void test_umask(void **state)
{
    (void)state;
    static const mode_t masks[] = {0, 022, 077};
    for (size_t i = 0; i < sizeof masks / sizeof *masks; i++) {
        char s[256], p[256], name[32];
        struct stat st;
        snprintf(name, sizeof name, "u%zu.sec", i);
        path_in(s, sizeof s, name);
        snprintf(name, sizeof name, "u%zu.pub", i);
        path_in(p, sizeof p, name);
        mode_t old = umask(masks[i]);
        int rs = labels_seckey_write(s, &sec, NULL);
        int rp = labels_pubkey_write(p, &pub, NULL);
        umask(old);
        assert_int_equal(rs, LABELS_OK);
        assert_int_equal(rp, LABELS_OK);
        assert_int_equal(stat(s, &st), 0);
        assert_int_equal(st.st_mode & 0777, 0600);
        assert_int_equal(stat(p, &st), 0);
        assert_int_equal(st.st_mode & 0777, 0644);
        assert_int_equal(unlink(s), 0);
        assert_int_equal(unlink(p), 0);
    }
}

static void test_secret_mode(void **state)
{
    (void)state;
    labels_seckey s;
    static const mode_t bad[] = {0640, 0604, 0660, 0644, 0666, 0610, 0601};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_int_equal(chmod(secpath, bad[i]), 0);
        assert_int_equal(labels_seckey_read(secpath, &s), LABELS_ERR_KEY_MODE);
    }
    assert_int_equal(chmod(secpath, 0400), 0);
    assert_int_equal(labels_seckey_read(secpath, &s), LABELS_OK);
    assert_int_equal(chmod(secpath, 0600), 0);

    /* A symlink to a good secret key, and a folder, are refused. */
    char link[256];
    path_in(link, sizeof link, "link.sec");
    assert_int_equal(symlink(secpath, link), 0);
    assert_int_equal(labels_seckey_read(link, &s), LABELS_ERR_KEY_MODE);
    assert_int_equal(unlink(link), 0);
    assert_int_equal(labels_seckey_read(dir, &s), LABELS_ERR_KEY_MODE);
    char missing[256];
    path_in(missing, sizeof missing, "missing.sec");
    assert_int_equal(labels_seckey_read(missing, &s), LABELS_ERR_IO);
    assert_int_equal(labels_pubkey_read(missing, &pub), LABELS_ERR_IO);
    labels_seckey_wipe(&s);
}

static void test_public_symlink(void **state)
{
    (void)state;
    /* Public keys are not secret: a symlink (e.g. current.pub) is fine. */
    char link[256];
    labels_pubkey p;
    path_in(link, sizeof link, "current.pub");
    assert_int_equal(symlink(pubpath, link), 0);
    assert_int_equal(labels_pubkey_read(link, &p), LABELS_OK);
    assert_memory_equal(&p, &pub, sizeof p);
    assert_int_equal(unlink(link), 0);
}

/* Each base64 character of the key line replaced by another: never a key. */
static void test_every_char_corrupt(void **state)
{
    (void)state;
    static const char *const which[2] = {"sec", "pub"};
    char tmp[256];
    path_in(tmp, sizeof tmp, "corrupt");
    for (int w = 0; w < 2; w++) {
        size_t len;
        char orig[1024];
        char *t = get(w ? pubpath : secpath, &len);
        memcpy(orig, t, len + 1);
        char *line = strchr(orig, '\n') + 1;
        size_t start = (size_t)(line - orig), end = len - 1;
        int checked = 0;
        for (size_t i = start; i < end; i++) {
            char text[1024];
            memcpy(text, orig, len);
            if (text[i] == '=')
                continue;
            text[i] = text[i] == 'A' ? 'B' : 'A';
            put(tmp, text, len, 0600);
            int rc;
            if (w == 0) {
                labels_seckey s;
                rc = labels_seckey_read(tmp, &s);
                labels_seckey_wipe(&s);
            } else {
                labels_pubkey p;
                rc = labels_pubkey_read(tmp, &p);
            }
            if (rc != LABELS_ERR_KEY_FILE)
                fail_msg("%s char %zu: %s", which[w], i, labels_strerror(rc));
            checked++;
        }
        assert_true(checked > 50);
        /* Every truncation that cuts into the key line. */
        for (size_t cut = 0; cut + 1 < len; cut++) {
            put(tmp, orig, cut, 0600);
            int rc;
            if (w == 0) {
                labels_seckey s;
                rc = labels_seckey_read(tmp, &s);
                labels_seckey_wipe(&s);
            } else {
                labels_pubkey p;
                rc = labels_pubkey_read(tmp, &p);
            }
            if (rc != LABELS_ERR_KEY_FILE)
                fail_msg("%s cut at %zu: %s", which[w], cut,
                         labels_strerror(rc));
        }
    }
    unlink(tmp);
}

static void b64_file(const char *path, const uint8_t *blob, size_t n)
{
    char b64[256], text[400];
    sodium_bin2base64(b64, sizeof b64, blob, n, sodium_base64_VARIANT_ORIGINAL);
    int len =
        snprintf(text, sizeof text, "untrusted comment: crafted\n%s\n", b64);
    put(path, text, (size_t)len, 0600);
}

/* Well-formed files with a wrong prefix or halves that do not belong
 * together, checksums made correct so only the check under test fails. */
static void test_crafted(void **state)
{
    (void)state;
    char tmp[256];
    labels_seckey s;
    labels_pubkey p;
    path_in(tmp, sizeof tmp, "crafted");

    uint8_t blob[2 + 8 + 64 + 32];
    memcpy(blob, "Es", 2);
    memcpy(blob + 2, sec.id, 8);
    memcpy(blob + 10, sec.sk, 64);
    crypto_generichash(blob + 74, 32, blob, 74, NULL, 0);
    b64_file(tmp, blob, sizeof blob);
    assert_int_equal(labels_seckey_read(tmp, &s), LABELS_OK);
    assert_memory_equal(&s, &sec, sizeof s);

    memcpy(blob, "Ed", 2);
    crypto_generichash(blob + 74, 32, blob, 74, NULL, 0);
    b64_file(tmp, blob, sizeof blob);
    assert_int_equal(labels_seckey_read(tmp, &s), LABELS_ERR_KEY_FILE);

    /* Seed of this key, public half of another. */
    labels_pubkey op;
    labels_seckey os;
    assert_int_equal(labels_keygen(&op, &os), LABELS_OK);
    memcpy(blob, "Es", 2);
    memcpy(blob + 42, os.sk + 32, 32);
    crypto_generichash(blob + 74, 32, blob, 74, NULL, 0);
    b64_file(tmp, blob, sizeof blob);
    assert_int_equal(labels_seckey_read(tmp, &s), LABELS_ERR_KEY_FILE);
    /* Right key, the other key's ID. */
    memcpy(blob + 10, sec.sk, 64);
    memcpy(blob + 2, os.id, 8);
    crypto_generichash(blob + 74, 32, blob, 74, NULL, 0);
    b64_file(tmp, blob, sizeof blob);
    assert_int_equal(labels_seckey_read(tmp, &s), LABELS_ERR_KEY_FILE);
    labels_seckey_wipe(&os);

    uint8_t pb[2 + 8 + 32];
    memcpy(pb, "Es", 2);
    memcpy(pb + 2, pub.id, 8);
    memcpy(pb + 10, pub.pk, 32);
    b64_file(tmp, pb, sizeof pb);
    assert_int_equal(labels_pubkey_read(tmp, &p), LABELS_ERR_KEY_FILE);
    memcpy(pb, "Ed", 2);
    b64_file(tmp, pb, sizeof pb);
    assert_int_equal(labels_pubkey_read(tmp, &p), LABELS_OK);
    memcpy(pb + 2, op.id, 8);
    b64_file(tmp, pb, sizeof pb);
    assert_int_equal(labels_pubkey_read(tmp, &p), LABELS_ERR_KEY_FILE);

    /* A public key file is not a secret key, nor the reverse. */
    size_t len;
    char text[1024];
    const char *got = get(pubpath, &len);
    memcpy(text, got, len);
    put(tmp, text, len, 0600);
    assert_int_equal(labels_seckey_read(tmp, &s), LABELS_ERR_KEY_FILE);
    assert_int_equal(labels_pubkey_read(secpath, &p), LABELS_ERR_KEY_FILE);
    unlink(tmp);
    labels_seckey_wipe(&s);
}

static void test_garbage(void **state)
{
    (void)state;
    char tmp[256];
    path_in(tmp, sizeof tmp, "garbage");
    static const char *const texts[] = {
        "",
        "\n",
        "hello\n",
        "untrusted comment: no key line",
        "untrusted comment: x\n\n",
        "untrusted comment: x\nRWQ\n",
        "untrusted comment: x\n!!!!\n",
        "\x00\xff\x01\x02",
    };
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        size_t n = i == 7 ? 4 : strlen(texts[i]);
        labels_seckey s;
        labels_pubkey p;
        put(tmp, texts[i], n, 0600);
        assert_int_equal(labels_seckey_read(tmp, &s), LABELS_ERR_KEY_FILE);
        assert_int_equal(labels_pubkey_read(tmp, &p), LABELS_ERR_KEY_FILE);
        assert_int_not_equal(labels_pubkey_parse(texts[i], n, &p), LABELS_OK);
    }
    /* A second line after the key, and a file far too large. */
    size_t len;
    char text[8192];
    const char *got = get(pubpath, &len);
    memcpy(text, got, len);
    memcpy(text + len, "extra\n", 6);
    labels_pubkey p;
    assert_int_equal(labels_pubkey_parse(text, len + 6, &p),
                     LABELS_ERR_KEY_FILE);
    memcpy(text + len, "\r\n\n", 3);
    assert_int_equal(labels_pubkey_parse(text, len + 3, &p), LABELS_OK);
    memset(text, 'A', sizeof text);
    put(tmp, text, sizeof text, 0600);
    assert_int_equal(labels_pubkey_read(tmp, &p), LABELS_ERR_KEY_FILE);
    labels_seckey s;
    assert_int_equal(labels_seckey_read(tmp, &s), LABELS_ERR_KEY_FILE);
    assert_int_equal(labels_pubkey_parse(text, sizeof text, &p),
                     LABELS_ERR_ARG);
    unlink(tmp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_and_modes),
        cmocka_unit_test(test_no_overwrite),
        cmocka_unit_test(test_umask),
        cmocka_unit_test(test_secret_mode),
        cmocka_unit_test(test_public_symlink),
        cmocka_unit_test(test_every_char_corrupt),
        cmocka_unit_test(test_crafted),
        cmocka_unit_test(test_garbage),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
