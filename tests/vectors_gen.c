/* vectors_gen.c -- regenerate tests/vectors/ deterministically.
 *
 * usage: vectors_gen OUTDIR
 *
 * The two test keys come from fixed seeds (bytes 0x00..0x1F for "signer",
 * 0x20..0x3F for "other"), and Ed25519 is deterministic, so every run
 * writes the same bytes. The expected result of each single-byte change is
 * derived here from the layout rules of docs/label-format.md, written
 * independently of labels/label.c, and the library must agree with it or
 * the generator fails: the files never freeze a library bug by accident.
 * Format of the files: tests/vectors/README.md. Built, not run, by ctest.
 */
#include <labels.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *outdir;
static FILE *valid_f, *texts_f;
static labels_pubkey keys_pub[2];
static labels_seckey keys_sec[2];
static const char *const key_names[2] = {"signer", "other"};

static void die(const char *what, int rc)
{
    fprintf(stderr, "vectors_gen: %s: %s\n", what, labels_strerror(rc));
    exit(1);
}

static void path_of(char *out, size_t outsz, const char *name)
{
    int n = snprintf(out, outsz, "%s/%s", outdir, name);
    if (n < 0 || (size_t)n >= outsz)
        die("path too long", LABELS_ERR_ARG);
}

static const char *err_name(int rc)
{
    switch (rc) {
    case LABELS_OK: return "OK";
    case LABELS_ERR_NOT_LABEL: return "NOT_LABEL";
    case LABELS_ERR_BASE32: return "BASE32";
    case LABELS_ERR_LENGTH: return "LENGTH";
    case LABELS_ERR_VERSION: return "VERSION";
    case LABELS_ERR_FIELD: return "FIELD";
    case LABELS_ERR_KEY_ID: return "KEY_ID";
    case LABELS_ERR_SIGNATURE: return "SIGNATURE";
    default: die("unexpected library result", rc);
    }
    return NULL;
}

static void make_keys(void)
{
    for (int k = 0; k < 2; k++) {
        uint8_t seed[32];
        for (int i = 0; i < 32; i++)
            seed[i] = (uint8_t)(32 * k + i);
        if (crypto_sign_seed_keypair(keys_pub[k].pk, keys_sec[k].sk, seed))
            die("seed keypair", LABELS_ERR_CRYPTO);
        labels_key_id(keys_pub[k].pk, keys_pub[k].id);
        memcpy(keys_sec[k].id, keys_pub[k].id, LABELS_KEY_ID_BYTES);

        char path[4096], name[64], comment[128];
        snprintf(comment, sizeof comment,
                 "TEST ONLY, published secret, never trust: vectors %s",
                 key_names[k]);
        snprintf(name, sizeof name, "%s.pub", key_names[k]);
        path_of(path, sizeof path, name);
        unlink(path);
        int rc = labels_pubkey_write(path, &keys_pub[k], comment);
        if (rc != LABELS_OK)
            die(path, rc);
        snprintf(name, sizeof name, "%s.sec", key_names[k]);
        path_of(path, sizeof path, name);
        unlink(path);
        rc = labels_seckey_write(path, &keys_sec[k], comment);
        if (rc != LABELS_OK)
            die(path, rc);
    }
}

static void put_hex(FILE *f, const void *data, size_t len)
{
    const uint8_t *p = data;
    for (size_t i = 0; i < len; i++)
        fprintf(f, "%02x", p[i]);
}

/* Parse text, then verify with each key; record what the library says and
 * check it against what the generator expected (NULL: no expectation). */
static void negative(const char *name, const void *text, size_t len,
                     const char *want_parse, const char *want_signer)
{
    labels_label lab;
    int rc = labels_parse(text, len, &lab);
    const char *p = err_name(rc), *v0 = "-", *v1 = "-";
    if (rc == LABELS_OK) {
        v0 = err_name(labels_verify(&lab, &keys_pub[0]));
        v1 = err_name(labels_verify(&lab, &keys_pub[1]));
    }
    if ((want_parse && strcmp(want_parse, p) != 0) ||
        (want_signer && strcmp(want_signer, v0) != 0)) {
        fprintf(stderr,
                "vectors_gen: %s: library says %s/%s, rules say %s/%s\n", name,
                p, v0, want_parse, want_signer ? want_signer : "-");
        exit(1);
    }
    if (rc == LABELS_OK && strcmp(v0, "OK") == 0) {
        fprintf(stderr, "vectors_gen: negative vector %s verifies\n", name);
        exit(1);
    }
    fprintf(texts_f, "%s\t%s\t%s\t%s\t", name, p, v0, v1);
    put_hex(texts_f, text, len);
    fputc('\n', texts_f);
}

struct fields {
    const char *name;
    int key;
    const char *host;
    const char *product, *lot;
    int stars;
    uint32_t serial;
    const char *issued;
};

static const struct fields valid_set[] = {
    {"typical", 0, "OCOP.EXAMPLE", "HN-0001-2020", "L2026/11.A", 4, 123456,
     "2026-11-29"},
    {"minimum", 0, "OCOP.EXAMPLE", "0", "0", 1, 1, "2020-01-01"},
    {"maximum", 0, "OCOP.EXAMPLE", "////////////", "////////////", 5,
     4294967295u, "2199-06-06"},
    {"max-letters", 0, "OCOP.EXAMPLE", "ZZZZZZZZZZZZ", "ZZZZZZZZZZZZ", 5,
     4294967295u, "2199-06-06"},
    {"three-stars", 0, "OCOP.EXAMPLE", "QN-TRA-07", "2025.03", 3, 42,
     "2025-03-15"},
    {"five-stars", 0, "OCOP.EXAMPLE", "BN.NUOCMAM", "LOT-A", 5, 7,
     "2024-02-29"},
    {"code-len-2", 0, "OCOP.EXAMPLE", "AB", "12", 2, 65536, "2030-12-31"},
    {"code-len-4", 0, "OCOP.EXAMPLE", "ABCD", "1234", 3, 16777216,
     "2021-06-01"},
    {"code-len-11", 0, "OCOP.EXAMPLE", "ABCDEFGHIJK", "-./-./-./-.", 4, 1000000,
     "2100-01-01"},
    {"other-host", 0, "VERIFY.OCOP.GOV.VN", "HN-0001-2020", "L2026/11.A", 4,
     123457, "2026-11-29"},
    {"host-port", 0, "OCOP.EXAMPLE:8443", "HN-0001-2020", "L2026/11.A", 4,
     123458, "2026-11-29"},
    {"other-key", 1, "OCOP.EXAMPLE", "HN-0001-2020", "L2026/11.A", 4, 123456,
     "2026-11-29"},
};

static void sign_fields(const struct fields *f, labels_label *lab)
{
    memset(lab, 0, sizeof *lab);
    memcpy(lab->product, f->product, strlen(f->product) + 1);
    memcpy(lab->lot, f->lot, strlen(f->lot) + 1);
    lab->stars = (uint8_t)f->stars;
    lab->serial = f->serial;
    int rc = labels_date_parse(f->issued, &lab->issued);
    if (rc == LABELS_OK)
        rc = labels_sign(lab, &keys_sec[f->key]);
    if (rc != LABELS_OK)
        die(f->name, rc);
}

static void positives(void)
{
    for (size_t i = 0; i < sizeof valid_set / sizeof *valid_set; i++) {
        const struct fields *f = &valid_set[i];
        labels_label lab;
        uint8_t payload[LABELS_PAYLOAD_BYTES];
        char text[LABELS_TEXT_MAX];
        sign_fields(f, &lab);
        int rc = labels_payload(&lab, payload);
        if (rc == LABELS_OK)
            rc = labels_format(&lab, f->host, text, sizeof text, NULL);
        if (rc != LABELS_OK)
            die(f->name, rc);
        fprintf(valid_f, "%s\t%s\t%s\t%s\t%s\t%d\t%lu\t%s\t", f->name,
                key_names[f->key], f->host, f->product, f->lot, f->stars,
                (unsigned long)f->serial, f->issued);
        put_hex(valid_f, payload, sizeof payload);
        fprintf(valid_f, "\t%s\n", text);
    }
}

/* Base40 rule of docs/label-format.md, restated: four 16-bit groups, each
 * below 40^3, three codes each, code 0 only as trailing padding, at least
 * one character. */
static int b40_canonical(const uint8_t *p)
{
    int n = 0, padded = 0;
    for (int g = 0; g < 4; g++) {
        unsigned v = (unsigned)p[2 * g] << 8 | p[2 * g + 1];
        if (v >= 64000)
            return 0;
        unsigned c[3] = {v / 1600, v / 40 % 40, v % 40};
        for (int k = 0; k < 3; k++) {
            if (c[k] == 0)
                padded = 1;
            else if (padded)
                return 0;
            else
                n++;
        }
    }
    return n > 0;
}

/* What a single changed byte must do, from the layout alone. */
static void expect_change(const uint8_t *p, size_t pos, const char **parse,
                          const char **verify)
{
    *parse = "OK";
    *verify = "SIGNATURE";
    if (pos == 0) {
        *parse = "VERSION";
        *verify = NULL;
    } else if (pos <= 8) {
        *verify = "KEY_ID";
    } else if (pos == 9) {
        if (p[9] < 1 || p[9] > 5)
            *parse = "FIELD";
    } else if (pos >= 12 && pos <= 15) {
        if (!(p[12] | p[13] | p[14] | p[15]))
            *parse = "FIELD";
    } else if (pos >= 16 && pos < 32) {
        if (!b40_canonical(p + (pos < 24 ? 16 : 24)))
            *parse = "FIELD";
    }
    if (strcmp(*parse, "OK") != 0)
        *verify = NULL;
}

static void url_of(const uint8_t *bytes, size_t n, char *out, size_t outsz)
{
    memcpy(out, "HTTPS://OCOP.EXAMPLE/V/", 23);
    int rc = labels_base32_encode(bytes, n, out + 23, outsz - 23);
    if (rc != LABELS_OK)
        die("base32", rc);
}

static void byte_changes(const uint8_t base[LABELS_PAYLOAD_BYTES])
{
    for (size_t pos = 0; pos < LABELS_PAYLOAD_BYTES; pos++) {
        uint8_t vals[4] = {(uint8_t)(base[pos] ^ 0x01),
                           (uint8_t)(base[pos] ^ 0x80), 0x00, 0xFF};
        for (int v = 0; v < 4; v++) {
            if (vals[v] == base[pos] ||
                (v >= 2 && (vals[v] == vals[0] || vals[v] == vals[1])))
                continue;
            uint8_t p[LABELS_PAYLOAD_BYTES];
            char text[LABELS_TEXT_MAX], name[64];
            memcpy(p, base, sizeof p);
            p[pos] = vals[v];
            url_of(p, sizeof p, text, sizeof text);
            snprintf(name, sizeof name, "byte-%02zu-to-%02x", pos, vals[v]);
            const char *wp, *wv;
            expect_change(p, pos, &wp, &wv);
            negative(name, text, strlen(text), wp, wv);
        }
    }
}

static void misc(const uint8_t base[LABELS_PAYLOAD_BYTES], const char *good)
{
    char text[1024], name[64];
    uint8_t buf[200];
    size_t glen = strlen(good);
    const char *payload = good + 23;

    /* Truncated and over-long texts, cut or grown at the character level. */
    static const size_t cuts[] = {1, 2, 3, 4, 5, 8, 16, 77, 153};
    for (size_t i = 0; i < sizeof cuts / sizeof *cuts; i++) {
        snprintf(name, sizeof name, "text-minus-%zu-chars", cuts[i]);
        negative(name, good, glen - cuts[i], NULL, NULL);
    }
    for (int extra = 1; extra <= 8; extra++) {
        memcpy(text, good, glen);
        memset(text + glen, 'A', (size_t)extra);
        snprintf(name, sizeof name, "text-plus-%d-A", extra);
        negative(name, text, glen + (size_t)extra, NULL, NULL);
    }
    /* Whole bytes missing or added, canonically encoded: always LENGTH. */
    static const size_t sizes[] = {1, 2, 32, 64, 95, 97, 100, 128, 160};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        memset(buf, 0xA5, sizeof buf);
        memcpy(buf, base, sizes[i] < 96 ? sizes[i] : 96);
        url_of(buf, sizes[i], text, sizeof text);
        snprintf(name, sizeof name, "payload-%zu-bytes", sizes[i]);
        negative(name, text, strlen(text), "LENGTH", NULL);
    }
    negative("empty-payload", "HTTPS://OCOP.EXAMPLE/V/", 23, "LENGTH", NULL);

    /* Unknown versions: rejected as VERSION whatever the length. */
    static const uint8_t versions[] = {0, 2, 3, 0x7F, 0xFF};
    for (size_t i = 0; i < sizeof versions / sizeof *versions; i++) {
        memcpy(buf, base, 96);
        buf[0] = versions[i];
        url_of(buf, 96, text, sizeof text);
        snprintf(name, sizeof name, "version-%u", versions[i]);
        negative(name, text, strlen(text), "VERSION", NULL);
    }
    memcpy(buf, base, 96);
    memset(buf + 96, 0x5A, 64);
    buf[0] = 2;
    url_of(buf, 160, text, sizeof text);
    negative("version-2-160-bytes", text, strlen(text), "VERSION", NULL);

    /* Not base32, or not the canonical base32 of 96 bytes. */
    static const char bad_chars[] = "0189=-+/ ";
    for (size_t i = 0; i < sizeof bad_chars - 1; i++) {
        memcpy(text, good, glen + 1);
        text[23 + 40] = bad_chars[i];
        snprintf(name, sizeof name, "base32-char-%02x",
                 (unsigned char)bad_chars[i]);
        negative(name, text, glen, "BASE32", NULL);
    }
    memcpy(text, good, glen + 1);
    memcpy(text + glen, "======", 6);
    negative("base32-padding", text, glen + 6, "BASE32", NULL);
    /* 96 bytes leave 2 unused bits in the last character; they must be 0. */
    memcpy(text, good, glen + 1);
    text[glen - 1] = text[glen - 1] == 'B' ? 'C' : 'B';
    negative("base32-trailing-bits", text, glen, "BASE32", NULL);
    memcpy(text, good, glen);
    text[60] = '\0';
    negative("nul-in-payload", text, glen, "BASE32", NULL);

    /* Wrong key: a label by "other" that claims to be by "signer". */
    labels_label lab;
    uint8_t p[LABELS_PAYLOAD_BYTES];
    sign_fields(&valid_set[0], &lab);
    memcpy(lab.key_id, keys_sec[0].id, LABELS_KEY_ID_BYTES);
    int rc = labels_payload(&lab, p);
    if (rc == LABELS_OK)
        rc = labels_sign_detached(LABELS_DOMAIN_LABEL, &keys_sec[1], p,
                                  LABELS_FIELDS_BYTES, p + LABELS_FIELDS_BYTES);
    if (rc != LABELS_OK)
        die("forged", rc);
    url_of(p, sizeof p, text, sizeof text);
    negative("signed-by-other-claims-signer", text, strlen(text), "OK",
             "SIGNATURE");
    /* The right key, the right fields, but signed without the label's
     * domain tag (as a feed manifest would be): must not pass. */
    memcpy(p, base, sizeof p);
    rc = labels_sign_detached(LABELS_DOMAIN_FEED, &keys_sec[0], p,
                              LABELS_FIELDS_BYTES, p + LABELS_FIELDS_BYTES);
    if (rc != LABELS_OK)
        die("feed", rc);
    url_of(p, sizeof p, text, sizeof text);
    negative("feed-domain-signature", text, strlen(text), "OK", "SIGNATURE");
    memcpy(p, base, sizeof p);
    if (crypto_sign_detached(p + 32, NULL, p, 32, keys_sec[0].sk) != 0)
        die("raw", LABELS_ERR_CRYPTO);
    url_of(p, sizeof p, text, sizeof text);
    negative("no-domain-signature", text, strlen(text), "OK", "SIGNATURE");
    memcpy(p, base, sizeof p);
    memset(p + 32, 0, 64);
    url_of(p, sizeof p, text, sizeof text);
    negative("zero-signature", text, strlen(text), "OK", "SIGNATURE");

    /* Fields a signer would refuse, encoded with a valid-looking shape. */
    memcpy(p, base, sizeof p);
    memset(p + 12, 0, 4);
    url_of(p, sizeof p, text, sizeof text);
    negative("serial-zero", text, strlen(text), "FIELD", NULL);
    memcpy(p, base, sizeof p);
    p[9] = 6;
    url_of(p, sizeof p, text, sizeof text);
    negative("stars-6", text, strlen(text), "FIELD", NULL);
    memcpy(p, base, sizeof p);
    memset(p + 16, 0, 8);
    url_of(p, sizeof p, text, sizeof text);
    negative("product-empty", text, strlen(text), "FIELD", NULL);
    memcpy(p, base, sizeof p);
    p[24] = 0xFA; /* group 64000 and more: not three base40 codes */
    p[25] = 0x00;
    url_of(p, sizeof p, text, sizeof text);
    negative("lot-group-64000", text, strlen(text), "FIELD", NULL);
    memcpy(p, base, sizeof p);
    p[16] = 0; /* "  X": padding before a character */
    p[17] = 11;
    url_of(p, sizeof p, text, sizeof text);
    negative("product-inner-padding", text, strlen(text), "FIELD", NULL);

    /* Not labels at all. */
    negative("empty", "", 0, "NOT_LABEL", NULL);
    negative("hello", "hello", 5, "NOT_LABEL", NULL);
    negative("short-bare", "ABCDEFGHIJKLMNO", 15, "NOT_LABEL", NULL);
    negative("ean13-digits", "8935049501234", 13, "NOT_LABEL", NULL);
    negative("other-url", "HTTPS://EXAMPLE.COM/PRODUCT/123", 31, "NOT_LABEL",
             NULL);
    snprintf(text, sizeof text, "HTTP://OCOP.EXAMPLE/V/%s", payload);
    negative("http-scheme", text, strlen(text), "NOT_LABEL", NULL);
    snprintf(text, sizeof text, "HTTPS://OCOP.EXAMPLE/X/%s", payload);
    negative("wrong-path", text, strlen(text), "NOT_LABEL", NULL);
    snprintf(text, sizeof text, "HTTPS:///V/%s", payload);
    negative("empty-host", text, strlen(text), "NOT_LABEL", NULL);
    snprintf(text, sizeof text, "HTTPS://OCOP_EXAMPLE/V/%s", payload);
    negative("host-underscore", text, strlen(text), "NOT_LABEL", NULL);
    snprintf(text, sizeof text, " %s", good);
    negative("leading-space", text, strlen(text), "NOT_LABEL", NULL);
    snprintf(text, sizeof text, "%s\n", good);
    negative("trailing-newline", text, strlen(text), "BASE32", NULL);
    static const uint8_t garbage[] = {0x00, 0xFF, 0x10, 0x80, 0x7F, 0x0A,
                                      0xC3, 0xA9, 0x00, 0x00, 0x41, 0x42};
    negative("binary-garbage", garbage, sizeof garbage, "NOT_LABEL", NULL);
    negative("nul-byte", "\0", 1, "NOT_LABEL", NULL);
    /* A bare payload one past the parser's limit. */
    char *big = malloc(LABELS_PARSE_MAX + 16);
    if (!big)
        die("malloc", LABELS_ERR_NOMEM);
    memset(big, 'A', LABELS_PARSE_MAX + 16);
    negative("bare-4112-chars", big, LABELS_PARSE_MAX + 16, "NOT_LABEL", NULL);
    memcpy(big, "HTTPS://H/V/", 12);
    negative("url-4100-char-payload", big, LABELS_PARSE_MAX + 16, "LENGTH",
             NULL);
    free(big);
}

/* Texts that are labels though they differ from what a signer writes. */
static void accepted_variants(const char *good)
{
    char text[1024];
    size_t glen = strlen(good);
    const char *payload = good + 23;
    struct {
        const char *name, *fmt;
        int lower; /* payload letters: 0 as signed, 1 all lowercase, 2 every
                      other one */
    } v[] = {
        {"bare-payload", "%s", 0},
        {"lowercase-prefix", "https://ocop.example/v/%s", 0},
        {"any-host", "HTTPS://COUNTERFEIT.EXAMPLE/V/%s", 0},
        {"host-with-port", "HTTPS://LOCALHOST:8080/V/%s", 0},
        /* Base32 uppercases losslessly: a lowercased text is the same
         * label (docs/label-format.md section 5). */
        {"lowercase-payload-url", "HTTPS://OCOP.EXAMPLE/V/%s", 1},
        {"lowercase-all", "https://ocop.example/v/%s", 1},
        {"lowercase-bare", "%s", 1},
        {"mixed-case-payload", "HTTPS://OCOP.EXAMPLE/V/%s", 2},
    };
    (void)glen;
    for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
        char pl[LABELS_TEXT_MAX];
        size_t k;
        for (k = 0; payload[k] && k + 1 < sizeof pl; k++) {
            char c = payload[k];
            int low = v[i].lower == 1 || (v[i].lower == 2 && k % 2);
            pl[k] = low && c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
        }
        pl[k] = '\0';
        int n = snprintf(text, sizeof text, v[i].fmt, pl);
        labels_label lab;
        int rc = labels_parse(text, (size_t)n, &lab);
        if (rc == LABELS_OK)
            rc = labels_verify(&lab, &keys_pub[0]);
        if (rc != LABELS_OK)
            die(v[i].name, rc);
        fprintf(texts_f, "%s\tOK\tOK\tKEY_ID\t", v[i].name);
        put_hex(texts_f, text, (size_t)n);
        fputc('\n', texts_f);
    }
}

static FILE *open_out(const char *name, const char *header)
{
    char path[4096];
    path_of(path, sizeof path, name);
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(1);
    }
    fputs(header, f);
    return f;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: vectors_gen OUTDIR\n");
        return 2;
    }
    outdir = argv[1];
    int rc = labels_init();
    if (rc != LABELS_OK)
        die("init", rc);
    make_keys();
    valid_f = open_out("valid.tsv",
                       "# OCOP label v1 known-answer vectors; format in "
                       "README.md\n# name\tkey\thost\tproduct\tlot\tstars\t"
                       "serial\tissued\tpayload_hex\ttext\n");
    texts_f = open_out(
        "texts.tsv",
        "# OCOP label v1 QR texts and what a decoder must answer; format in "
        "README.md\n# name\tparse\tverify_signer\t"
        "verify_other\ttext_hex\n");
    positives();

    labels_label lab;
    uint8_t base[LABELS_PAYLOAD_BYTES];
    char good[LABELS_TEXT_MAX];
    sign_fields(&valid_set[0], &lab);
    rc = labels_payload(&lab, base);
    if (rc == LABELS_OK)
        rc = labels_format(&lab, NULL, good, sizeof good, NULL);
    if (rc != LABELS_OK)
        die("base label", rc);
    accepted_variants(good);
    byte_changes(base);
    misc(base, good);

    labels_seckey_wipe(&keys_sec[0]);
    labels_seckey_wipe(&keys_sec[1]);
    if (fclose(valid_f) != 0 || fclose(texts_f) != 0) {
        perror("vectors_gen: write");
        return 1;
    }
    return 0;
}
