/* test_verdict.c -- every verdict word from real signed labels checked
 * against real mirror files, and the mirrors labels_mirror_open refuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <labels.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TODAY "2026-11-29"
#define NAME1 "Nước mắm Phú Quốc – cá cơm 40°N"
#define PRODUCER1 "Hợp tác xã Thủy sản Đông Hà"

/* Producer HN-P0001 holds active, superseded, compromised and late keys;
 * HN-P0002 holds other; nobody enrolled stranger. */
enum {
    K_ACTIVE,
    K_SUPER,
    K_COMP,
    K_LATE,
    K_OTHER,
    K_STRANGER,
    K_NODATE,   /* superseded, no date */
    K_NOREASON, /* revoked on a date, no reason */
    K_COUNT
};
static labels_pubkey pubs[K_COUNT];
static labels_seckey secs[K_COUNT];
static char dir[64];
static char mirror_path[128];
static labels_mirror *mirror;
static uint16_t today;

static void path_in_dir(char *out, size_t outsz, const char *name)
{
    int n = snprintf(out, outsz, "%s/%s", dir, name);
    assert_true(n > 0 && (size_t)n < outsz);
}

static void exec(sqlite3 *db, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
        print_error("SQL failed: %s\n", err ? err : "?");
        sqlite3_free(err);
        fail();
    }
}

static void add_key(sqlite3 *db, int k, const char *producer,
                    const char *enrolled, const char *revoked,
                    const char *reason)
{
    sqlite3_stmt *st;
    char hex[17];
    labels_key_id_hex(pubs[k].id, hex);
    assert_int_equal(sqlite3_prepare_v2(
                         db, "INSERT INTO keys VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                         -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_bind_text(st, 1, hex, -1, SQLITE_STATIC),
                     SQLITE_OK);
    assert_int_equal(sqlite3_bind_text(st, 2, producer, -1, SQLITE_STATIC),
                     SQLITE_OK);
    assert_int_equal(sqlite3_bind_blob(st, 3, pubs[k].pk, LABELS_PUBKEY_BYTES,
                                       SQLITE_STATIC),
                     SQLITE_OK);
    assert_int_equal(sqlite3_bind_text(st, 4, enrolled, -1, SQLITE_STATIC),
                     SQLITE_OK);
    assert_int_equal(sqlite3_bind_text(st, 5, revoked, -1, SQLITE_STATIC),
                     SQLITE_OK);
    assert_int_equal(sqlite3_bind_text(st, 6, reason, -1, SQLITE_STATIC),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
}

/* A mirror file at path: the shared schema, then extra SQL (meta rows
 * included, so that tests can leave them out). */
static sqlite3 *new_db(const char *path)
{
    sqlite3 *db;
    unlink(path);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    return db;
}

static const char base_rows[] =
    "INSERT INTO meta VALUES ('schema_version', '1'), ('feed_version', '42'),"
    " ('published', '2026-11-29T13:00:00Z'),"
    " ('authority', '0011223344556677');"
    "INSERT INTO producers VALUES"
    " ('HN-P0001', '" PRODUCER1 "', 'cooperative', 'Hà Nội'),"
    " ('HN-P0002', 'Công ty TNHH Chè Tân Cương', 'enterprise', 'Thái Nguyên');"
    "INSERT INTO products (code, name, grp, producer, province, stars,"
    " proposed5, status, status_reason, status_date, certificate, certified,"
    " expires) VALUES"
    " ('HN-0001', '" NAME1 "', 'food', 'HN-P0001', 'Hà Nội', 4, 1, 'rated',"
    "  '', '', 'QĐ 123/2025', '2025-01-10', '2028-01-10'),"
    " ('HN-0002', 'Mật ong', 'food', 'HN-P0001', 'Hà Nội', 4, 0,"
    "  'suspended', 'kiểm tra chất lượng', '2026-10-01', 'QĐ 124/2025',"
    "  '2025-01-10', '2028-01-10'),"
    " ('HN-0003', 'Trà sen', 'beverages', 'HN-P0001', 'Hà Nội', 3, 0,"
    "  'revoked', 'vi phạm', '2026-09-01', 'QĐ 125/2025', '2025-01-10',"
    "  '2028-01-10'),"
    " ('HN-0004', 'Miến dong', 'food', 'HN-P0001', 'Hà Nội', 3, 0,"
    "  'expired', '', '2026-01-10', 'QĐ 10/2023', '2023-01-10', '2026-01-10'),"
    " ('HN-0005', 'Bánh chưng', 'food', 'HN-P0001', 'Hà Nội', 3, 0, 'rated',"
    "  '', '', 'QĐ 11/2023', '2023-11-28', '2026-11-28'),"
    " ('HN-0006', 'Nón lá', 'souvenirs', 'HN-P0001', 'Hà Nội', 3, 0, 'rated',"
    "  '', '', 'QĐ 12/2023', '2023-11-29', '" TODAY "'),"
    " ('TN-0001', 'Chè Tân Cương', 'beverages', 'HN-P0002', 'Thái Nguyên',"
    "  5, 0, 'rated', '', '', 'QĐ 1/2025', '2025-01-10', '2028-01-10');";

static void build_mirror(void)
{
    sqlite3 *db = new_db(mirror_path);
    exec(db, "BEGIN");
    exec(db, labels_mirror_schema());
    exec(db, base_rows);
    add_key(db, K_ACTIVE, "HN-P0001", "2025-01-10", "", "");
    add_key(db, K_SUPER, "HN-P0001", "2024-01-10", "2026-06-01", "superseded");
    add_key(db, K_COMP, "HN-P0001", "2024-01-10", "2026-06-01", "compromised");
    add_key(db, K_LATE, "HN-P0001", "2026-10-01", "", "");
    add_key(db, K_OTHER, "HN-P0002", "2025-01-10", "", "");
    add_key(db, K_NODATE, "HN-P0001", "2024-01-10", "", "superseded");
    add_key(db, K_NOREASON, "HN-P0001", "2024-01-10", "2026-06-01", "");
    char hex[17], sql[256];
    labels_key_id_hex(pubs[K_ACTIVE].id, hex);
    snprintf(sql, sizeof sql,
             "INSERT INTO clones VALUES ('%s', 'HN-0001', 'L1', 666,"
             " '2026-11-01')",
             hex);
    exec(db, sql);
    exec(db, "COMMIT");
    assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

static int setup(void **state)
{
    (void)state;
    if (labels_init() != LABELS_OK)
        return -1;
    for (int k = 0; k < K_COUNT; k++)
        if (labels_keygen(&pubs[k], &secs[k]) != LABELS_OK)
            return -1;
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/verdictXXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir))
        return -1;
    snprintf(mirror_path, sizeof mirror_path, "%s/mirror.db", dir);
    build_mirror();
    if (labels_date_parse(TODAY, &today) != LABELS_OK)
        return -1;
    return labels_mirror_open(mirror_path, &mirror) == LABELS_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    labels_mirror_close(mirror);
    for (int k = 0; k < K_COUNT; k++)
        labels_seckey_wipe(&secs[k]);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void make(labels_label *lab, int k, const char *product, const char *lot,
                 int stars, uint32_t serial, const char *issued)
{
    memset(lab, 0, sizeof *lab);
    assert_true(strlen(product) <= LABELS_CODE_MAX);
    assert_true(strlen(lot) <= LABELS_CODE_MAX);
    memcpy(lab->product, product, strlen(product) + 1);
    memcpy(lab->lot, lot, strlen(lot) + 1);
    lab->stars = (uint8_t)stars;
    lab->serial = serial;
    assert_int_equal(labels_date_parse(issued, &lab->issued), LABELS_OK);
    assert_int_equal(labels_sign(lab, &secs[k]), LABELS_OK);
}

static const char *check_text(const char *text, size_t len, labels_facts *facts)
{
    assert_int_equal(labels_check(mirror, text, len, today, facts), LABELS_OK);
    return labels_verdict_word(facts->verdict);
}

static const char *check_label(const labels_label *lab, labels_facts *facts)
{
    char text[LABELS_TEXT_MAX];
    size_t len;
    assert_int_equal(labels_format(lab, NULL, text, sizeof text, &len),
                     LABELS_OK);
    return check_text(text, len, facts);
}

/* The verdict word for a label freshly signed with these fields. */
static const char *verdict(int k, const char *product, const char *lot,
                           int stars, uint32_t serial, const char *issued)
{
    static labels_facts facts;
    labels_label lab;
    make(&lab, k, product, lot, stars, serial, issued);
    return check_label(&lab, &facts);
}

static void test_genuine_facts(void **state)
{
    (void)state;
    labels_label lab;
    labels_facts f;
    make(&lab, K_ACTIVE, "HN-0001", "L2026/11.A", 4, 123456, "2026-11-20");
    assert_string_equal(check_label(&lab, &f), "genuine");
    assert_true(f.have_label);
    assert_int_equal(f.parse_error, LABELS_OK);
    assert_string_equal(f.label.lot, "L2026/11.A");
    assert_int_equal(f.label.serial, 123456);
    assert_true(f.have_product);
    assert_string_equal(f.product.code, "HN-0001");
    assert_string_equal(f.product.name, NAME1);
    assert_string_equal(f.product.producer_name, PRODUCER1);
    assert_string_equal(f.product.producer_code, "HN-P0001");
    assert_string_equal(f.product.producer_kind, "cooperative");
    assert_string_equal(f.product.province, "Hà Nội");
    assert_string_equal(f.product.group, "food");
    assert_int_equal(f.product.stars, 4);
    assert_int_equal(f.product.proposed5, 1);
    assert_string_equal(f.product.status, "rated");
    assert_string_equal(f.product.certificate, "QĐ 123/2025");
    assert_string_equal(f.product.certified, "2025-01-10");
    assert_string_equal(f.product.expires, "2028-01-10");
    assert_string_equal(f.key_status, "active");
    /* The bare payload, as some phone apps hand it over, is the same. */
    char text[LABELS_TEXT_MAX];
    size_t len;
    assert_int_equal(labels_format(&lab, "SHOP.VN", text, sizeof text, &len),
                     LABELS_OK);
    assert_string_equal(check_text(text + 18, len - 18, &f), "genuine");
}

static void test_rating_changed(void **state)
{
    (void)state;
    /* Printed 5 stars on a product rated 4 (proposed for 5). */
    assert_string_equal(verdict(K_ACTIVE, "HN-0001", "L1", 5, 1, "2026-11-01"),
                        "rating_changed");
    assert_string_equal(verdict(K_ACTIVE, "HN-0001", "L1", 3, 1, "2026-11-01"),
                        "rating_changed");
    assert_string_equal(verdict(K_OTHER, "TN-0001", "L1", 5, 1, "2026-11-01"),
                        "genuine");
}

static void test_product_status(void **state)
{
    (void)state;
    assert_string_equal(verdict(K_ACTIVE, "HN-0002", "L1", 4, 9, "2026-08-01"),
                        "suspended");
    assert_string_equal(verdict(K_ACTIVE, "HN-0003", "L1", 3, 9, "2026-08-01"),
                        "revoked");
    /* Issued after the revocation: still "revoked", same advice. */
    assert_string_equal(verdict(K_ACTIVE, "HN-0003", "L1", 3, 9, "2026-11-01"),
                        "revoked");
    assert_string_equal(verdict(K_ACTIVE, "HN-0004", "L1", 3, 9, "2025-08-01"),
                        "expired");
    /* Status still "rated" but the certificate ran out yesterday. */
    assert_string_equal(verdict(K_ACTIVE, "HN-0005", "L1", 3, 9, "2026-08-01"),
                        "expired");
    /* Expiring today is still valid today. */
    assert_string_equal(verdict(K_ACTIVE, "HN-0006", "L1", 3, 9, "2026-08-01"),
                        "genuine");
    /* The rating only matters for a product rated today. */
    assert_string_equal(verdict(K_ACTIVE, "HN-0003", "L1", 5, 9, "2026-08-01"),
                        "revoked");
}

static void test_unknown(void **state)
{
    (void)state;
    assert_string_equal(verdict(K_ACTIVE, "XX-9999", "L1", 4, 1, "2026-11-01"),
                        "unknown_product");
    labels_label lab;
    labels_facts f;
    make(&lab, K_STRANGER, "HN-0001", "L1", 4, 1, "2026-11-01");
    assert_string_equal(check_label(&lab, &f), "unknown_signer");
    assert_true(f.have_label);
    assert_false(f.have_product);
    assert_string_equal(f.key_status, "");
}

static void test_compromised_key(void **state)
{
    (void)state;
    labels_label lab;
    labels_facts f;
    /* Revoked on 2026-06-01 as stolen: a thief can print any date, so
     * labels dated before the theft do not help. */
    make(&lab, K_COMP, "HN-0001", "L1", 4, 1, "2025-03-01");
    assert_string_equal(check_label(&lab, &f), "signer_revoked");
    assert_string_equal(f.key_status, "compromised");
    assert_string_equal(verdict(K_COMP, "HN-0001", "L1", 4, 1, "2026-07-01"),
                        "signer_revoked");
}

static void test_superseded_key(void **state)
{
    (void)state;
    labels_label lab;
    labels_facts f;
    /* Replaced on 2026-06-01: what it signed before still stands. */
    make(&lab, K_SUPER, "HN-0001", "L1", 4, 1, "2026-05-31");
    assert_string_equal(check_label(&lab, &f), "genuine");
    assert_string_equal(f.key_status, "superseded");
    assert_string_equal(verdict(K_SUPER, "HN-0001", "L1", 4, 1, "2026-06-01"),
                        "signer_revoked");
    assert_string_equal(verdict(K_SUPER, "HN-0001", "L1", 4, 1, "2026-09-01"),
                        "signer_revoked");
}

/* Incomplete revocations fail closed. */
static void test_odd_revocations(void **state)
{
    (void)state;
    labels_label lab;
    labels_facts f;
    make(&lab, K_NODATE, "HN-0001", "L1", 4, 1, "2024-02-01");
    assert_string_equal(check_label(&lab, &f), "signer_revoked");
    assert_string_equal(f.key_status, "superseded");
    make(&lab, K_NOREASON, "HN-0001", "L1", 4, 1, "2025-02-01");
    assert_string_equal(check_label(&lab, &f), "signer_revoked");
    assert_string_equal(f.key_status, "compromised");
}

static void test_signer_not_enrolled(void **state)
{
    (void)state;
    /* Another producer's key on this producer's product, both ways. */
    assert_string_equal(verdict(K_OTHER, "HN-0001", "L1", 4, 1, "2026-11-01"),
                        "signer_not_enrolled");
    assert_string_equal(verdict(K_ACTIVE, "TN-0001", "L1", 5, 1, "2026-11-01"),
                        "signer_not_enrolled");
    /* K_LATE was enrolled on 2026-10-01: a label dated a month earlier is
     * backdated; one day earlier is clock slack. */
    assert_string_equal(verdict(K_LATE, "HN-0001", "L1", 4, 1, "2026-09-01"),
                        "signer_not_enrolled");
    assert_string_equal(verdict(K_LATE, "HN-0001", "L1", 4, 1, "2026-09-29"),
                        "signer_not_enrolled");
    assert_string_equal(verdict(K_LATE, "HN-0001", "L1", 4, 1, "2026-09-30"),
                        "genuine");
}

static void test_clone(void **state)
{
    (void)state;
    assert_string_equal(verdict(K_ACTIVE, "HN-0001", "L1", 4, 666, TODAY),
                        "clone_reported");
    assert_string_equal(verdict(K_ACTIVE, "HN-0001", "L1", 4, 667, TODAY),
                        "genuine");
    assert_string_equal(verdict(K_ACTIVE, "HN-0001", "L2", 4, 666, TODAY),
                        "genuine");
    /* The same serial under another key is another label. */
    assert_string_equal(verdict(K_SUPER, "HN-0001", "L1", 4, 666, "2026-01-01"),
                        "genuine");
}

static void test_forged(void **state)
{
    (void)state;
    labels_label lab, other;
    labels_facts f;
    make(&lab, K_ACTIVE, "HN-0001", "L1", 4, 1000, "2026-11-01");
    assert_string_equal(check_label(&lab, &f), "genuine");
    /* One bit of the signature flipped: still parses, does not verify. */
    for (int bit = 0; bit < 8 * LABELS_SIG_BYTES; bit += 61) {
        labels_label bad = lab;
        bad.sig[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        assert_string_equal(check_label(&bad, &f), "forged");
        assert_true(f.have_label);
        assert_false(f.have_product);
    }
    /* A valid signature copied onto other fields. */
    make(&other, K_ACTIVE, "HN-0001", "L1", 4, 1001, "2026-11-01");
    memcpy(other.sig, lab.sig, LABELS_SIG_BYTES);
    assert_string_equal(check_label(&other, &f), "forged");
    /* Upgrading the printed stars is forgery, not a changed rating. */
    labels_label up = lab;
    up.stars = 5;
    assert_string_equal(check_label(&up, &f), "forged");
    /* A genuine signature under another enrolled key's ID. */
    labels_label swapped = lab;
    memcpy(swapped.key_id, pubs[K_OTHER].id, LABELS_KEY_ID_BYTES);
    assert_string_equal(check_label(&swapped, &f), "forged");
}

static void test_not_ocop(void **state)
{
    (void)state;
    labels_facts f;
    static const char *const texts[] = {
        "https://shopee.vn/product/123456/789",
        "https://ocop.example/other/path",
        "HTTP://OCOP.EXAMPLE/V/AAAAAAAAAAAAAAAA",
        "8935049500100", /* EAN-13 */
        "893504950010",  /* UPC-A */
        "WIFI:S:cafe;T:WPA;P:matkhau;;",
        "Xin chào, đây là mã QR",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        assert_string_equal(check_text(texts[i], strlen(texts[i]), &f),
                            "not_ocop");
        assert_int_equal(f.parse_error, LABELS_ERR_NOT_LABEL);
        assert_false(f.have_label);
    }
    assert_string_equal(check_text("", 0, &f), "not_ocop");
    assert_string_equal(check_text(NULL, 0, &f), "not_ocop");
    static const char bad_utf8[] = "\xff\xfe\xc3\x28\xe2\x82\x00\x80zz";
    assert_string_equal(check_text(bad_utf8, sizeof bad_utf8 - 1, &f),
                        "not_ocop");
    char garbage[4000];
    uint32_t x = 2463534242u;
    for (size_t i = 0; i < sizeof garbage; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        garbage[i] = (char)(x >> 24);
    }
    assert_string_equal(check_text(garbage, sizeof garbage, &f), "not_ocop");
}

static void test_malformed(void **state)
{
    (void)state;
    labels_facts f;
    labels_label lab;
    char text[LABELS_TEXT_MAX];
    size_t len;
    make(&lab, K_ACTIVE, "HN-0001", "L1", 4, 1, "2026-11-01");
    assert_int_equal(labels_format(&lab, NULL, text, sizeof text, &len),
                     LABELS_OK);
    /* Cut to 95 whole bytes. */
    assert_string_equal(check_text(text, len - 2, &f), "malformed");
    assert_int_equal(f.parse_error, LABELS_ERR_LENGTH);
    assert_false(f.have_label);
    assert_false(f.have_product);
    /* A character outside base32 in either case ('1' is no letter: a
     * lowercased label is the same label, labels/label.c). */
    text[40] = '1';
    assert_string_equal(check_text(text, len, &f), "malformed");
    assert_int_equal(f.parse_error, LABELS_ERR_BASE32);
    static const char *const broken[] = {
        "HTTPS://OCOP.EXAMPLE/V/",
        "HTTPS://OCOP.EXAMPLE/V/ABC",
        "https://ocop.example/v/hello-world",
    };
    for (size_t i = 0; i < sizeof broken / sizeof broken[0]; i++) {
        assert_string_equal(check_text(broken[i], strlen(broken[i]), &f),
                            "malformed");
        assert_int_not_equal(f.parse_error, LABELS_OK);
        assert_int_not_equal(f.parse_error, LABELS_ERR_NOT_LABEL);
    }
    /* A payload of a later format version. */
    uint8_t payload[LABELS_PAYLOAD_BYTES];
    assert_int_equal(labels_payload(&lab, payload), LABELS_OK);
    payload[0] = 2;
    memcpy(text, "HTTPS://OCOP.EXAMPLE/V/", 23);
    assert_int_equal(labels_base32_encode(payload, sizeof payload, text + 23,
                                          sizeof text - 23),
                     LABELS_OK);
    assert_string_equal(check_text(text, strlen(text), &f), "malformed");
    assert_int_equal(f.parse_error, LABELS_ERR_VERSION);
}

static void test_future_label(void **state)
{
    (void)state;
    labels_label lab;
    labels_facts f;
    /* Tomorrow is clock slack; the day after is a wrongly made label. */
    assert_string_equal(verdict(K_ACTIVE, "HN-0001", "L1", 4, 1, "2026-11-30"),
                        "genuine");
    make(&lab, K_ACTIVE, "HN-0001", "L1", 4, 1, "2026-12-01");
    assert_string_equal(check_label(&lab, &f), "malformed");
    assert_int_equal(f.parse_error, LABELS_ERR_FIELD);
    assert_true(f.have_label);
    /* A forgery is called a forgery whatever its date. */
    lab.sig[3] ^= 4;
    assert_string_equal(check_label(&lab, &f), "forged");
}

static void test_words(void **state)
{
    (void)state;
    for (int v = 0; v < LABELS_V_COUNT_; v++) {
        const char *w = labels_verdict_word((labels_verdict)v);
        assert_string_not_equal(w, "unknown");
        assert_int_equal(labels_verdict_from_word(w), v);
    }
    assert_string_equal(labels_verdict_word(LABELS_V_GENUINE), "genuine");
    assert_string_equal(labels_verdict_word(LABELS_V_NOT_OCOP), "not_ocop");
    assert_string_equal(labels_verdict_word(LABELS_V_COUNT_), "unknown");
    assert_string_equal(labels_verdict_word((labels_verdict)-1), "unknown");
    assert_int_equal(labels_verdict_from_word("Genuine"), -1);
    assert_int_equal(labels_verdict_from_word(""), -1);
    assert_int_equal(labels_verdict_from_word(NULL), -1);
}

static void test_product_lookup(void **state)
{
    (void)state;
    labels_product p;
    assert_int_equal(labels_mirror_product(mirror, "HN-0003", &p), LABELS_OK);
    assert_string_equal(p.name, "Trà sen");
    assert_string_equal(p.status, "revoked");
    assert_string_equal(p.status_reason, "vi phạm");
    assert_string_equal(p.status_date, "2026-09-01");
    assert_string_equal(p.group, "beverages");
    assert_int_equal(labels_mirror_product(mirror, "HN-9999", &p),
                     LABELS_ERR_NOT_FOUND);
    assert_int_equal(labels_mirror_product(mirror, "", &p),
                     LABELS_ERR_NOT_FOUND);
    int64_t version;
    char published[32];
    assert_int_equal(labels_mirror_info(mirror, &version, published),
                     LABELS_OK);
    assert_int_equal(version, 42);
    assert_string_equal(published, "2026-11-29T13:00:00Z");

    char path[128];
    labels_mirror *m;
    path_in_dir(path, sizeof path, "badinfo.db");
    sqlite3 *db = new_db(path);
    exec(db, labels_mirror_schema());
    exec(db, base_rows);
    exec(db, "UPDATE meta SET value = '4x2' WHERE key = 'feed_version'");
    assert_int_equal(sqlite3_close(db), SQLITE_OK);
    assert_int_equal(labels_mirror_open(path, &m), LABELS_OK);
    assert_int_equal(labels_mirror_info(m, &version, published),
                     LABELS_ERR_MIRROR);
    labels_mirror_close(m);
}

/* A name longer than the struct holds is cut between characters. */
static void test_long_name(void **state)
{
    (void)state;
    char path[128], name[1 + 200 * 3 + 1];
    path_in_dir(path, sizeof path, "long.db");
    name[0] = 'A';
    for (int i = 0; i < 200; i++)
        memcpy(name + 1 + 3 * i, "ệ", 3);
    name[sizeof name - 1] = '\0';
    sqlite3 *db = new_db(path);
    exec(db, labels_mirror_schema());
    exec(db, base_rows);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "UPDATE products SET name = ?1"
                                        " WHERE code = 'HN-0001'",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    assert_int_equal(sqlite3_close(db), SQLITE_OK);

    labels_mirror *m;
    labels_product p;
    assert_int_equal(labels_mirror_open(path, &m), LABELS_OK);
    assert_int_equal(labels_mirror_product(m, "HN-0001", &p), LABELS_OK);
    assert_int_equal(strlen(p.name), 1 + 84 * 3);
    assert_memory_equal(p.name, name, 1 + 84 * 3);
    labels_mirror_close(m);
}

/* The kiosk keeps its mirror in WAL mode and applies deltas in place
 * (docs/feed.md): a reader holding the mirror open neither blocks the
 * writer's commit ("database is locked", issue 11) nor sees a mix; it
 * keeps the version it opened, and a reopen sees the new one. */
static void test_wal_mirror_in_place(void **state)
{
    (void)state;
    char path[128];
    path_in_dir(path, sizeof path, "wal.db");
    sqlite3 *db = new_db(path);
    exec(db, labels_mirror_schema());
    exec(db, base_rows);
    exec(db, "PRAGMA journal_mode = WAL");
    labels_mirror *m, *m2;
    labels_product p;
    assert_int_equal(labels_mirror_open(path, &m), LABELS_OK);
    assert_int_equal(labels_mirror_product(m, "HN-0001", &p), LABELS_OK);
    assert_string_equal(p.status, "rated");
    sqlite3_busy_timeout(db, 200);
    assert_int_equal(sqlite3_exec(db,
                                  "BEGIN IMMEDIATE; UPDATE products SET "
                                  "status = 'revoked', status_date = "
                                  "'2026-01-02' WHERE code = 'HN-0001'; "
                                  "COMMIT",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(labels_mirror_product(m, "HN-0001", &p), LABELS_OK);
    assert_string_equal(p.status, "rated");
    assert_int_equal(labels_mirror_open(path, &m2), LABELS_OK);
    assert_int_equal(labels_mirror_product(m2, "HN-0001", &p), LABELS_OK);
    assert_string_equal(p.status, "revoked");
    labels_mirror_close(m2);
    labels_mirror_close(m);
    assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

static void expect_refused(const char *path)
{
    labels_mirror *m = (labels_mirror *)&m;
    assert_int_equal(labels_mirror_open(path, &m), LABELS_ERR_MIRROR);
    assert_null(m);
}

static void test_refused_mirrors(void **state)
{
    (void)state;
    char path[128];
    path_in_dir(path, sizeof path, "missing.db");
    expect_refused(path);
    /* Read-only: refusing a missing mirror must not create one. */
    assert_int_not_equal(access(path, F_OK), 0);

    path_in_dir(path, sizeof path, "text.db");
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    for (int i = 0; i < 300; i++)
        fputs("this is not a database, just some text\n", fp);
    assert_int_equal(fclose(fp), 0);
    expect_refused(path);

    path_in_dir(path, sizeof path, "empty.db");
    fp = fopen(path, "w");
    assert_non_null(fp);
    assert_int_equal(fclose(fp), 0);
    expect_refused(path);

    path_in_dir(path, sizeof path, "nometa.db");
    sqlite3 *db = new_db(path);
    exec(db, labels_mirror_schema());
    exec(db, "DROP TABLE meta");
    assert_int_equal(sqlite3_close(db), SQLITE_OK);
    expect_refused(path);

    path_in_dir(path, sizeof path, "noversion.db");
    db = new_db(path);
    exec(db, labels_mirror_schema());
    assert_int_equal(sqlite3_close(db), SQLITE_OK);
    expect_refused(path);

    path_in_dir(path, sizeof path, "v2.db");
    db = new_db(path);
    exec(db, labels_mirror_schema());
    exec(db, base_rows);
    exec(db, "UPDATE meta SET value = '2' WHERE key = 'schema_version'");
    assert_int_equal(sqlite3_close(db), SQLITE_OK);
    expect_refused(path);

    /* A table replaced by a view that says every label is fine. */
    path_in_dir(path, sizeof path, "view.db");
    db = new_db(path);
    exec(db, labels_mirror_schema());
    exec(db, base_rows);
    exec(db, "DROP TABLE clones; CREATE VIEW clones AS SELECT '' AS key_id,"
             " '' AS product, '' AS lot, 0 AS serial, '' AS reported");
    assert_int_equal(sqlite3_close(db), SQLITE_OK);
    expect_refused(path);

    /* A column missing from a table. */
    path_in_dir(path, sizeof path, "nocol.db");
    db = new_db(path);
    exec(db, labels_mirror_schema());
    exec(db, base_rows);
    exec(db, "ALTER TABLE keys DROP COLUMN revoke_reason");
    assert_int_equal(sqlite3_close(db), SQLITE_OK);
    expect_refused(path);

    /* A folder, not a file. */
    expect_refused(dir);

    /* A good mirror with its first page overwritten. */
    path_in_dir(path, sizeof path, "smashed.db");
    db = new_db(path);
    exec(db, labels_mirror_schema());
    exec(db, base_rows);
    assert_int_equal(sqlite3_close(db), SQLITE_OK);
    fp = fopen(path, "r+");
    assert_non_null(fp);
    char junk[100];
    memset(junk, 0x5a, sizeof junk);
    assert_int_equal(fwrite(junk, 1, sizeof junk, fp), sizeof junk);
    assert_int_equal(fclose(fp), 0);
    expect_refused(path);
}

/* A mirror that breaks its schema mid-check is an error, not a verdict. */
static void test_broken_rows(void **state)
{
    (void)state;
    char path[128], hex[17], sql[256];
    path_in_dir(path, sizeof path, "badrows.db");
    sqlite3 *db = new_db(path);
    exec(db, labels_mirror_schema());
    exec(db, base_rows);
    labels_key_id_hex(pubs[K_ACTIVE].id, hex);
    /* K_ACTIVE's ID with K_OTHER's public key. */
    add_key(db, K_OTHER, "HN-P0001", "2025-01-10", "", "");
    snprintf(sql, sizeof sql, "UPDATE keys SET key_id = '%s'", hex);
    exec(db, sql);
    assert_int_equal(sqlite3_close(db), SQLITE_OK);

    labels_mirror *m;
    labels_label lab;
    labels_facts f;
    char text[LABELS_TEXT_MAX];
    size_t len;
    assert_int_equal(labels_mirror_open(path, &m), LABELS_OK);
    make(&lab, K_ACTIVE, "HN-0001", "L1", 4, 1, "2026-11-01");
    assert_int_equal(labels_format(&lab, NULL, text, sizeof text, &len),
                     LABELS_OK);
    assert_int_equal(labels_check(m, text, len, today, &f), LABELS_ERR_MIRROR);
    assert_string_equal(labels_verdict_word(f.verdict), "unknown");
    labels_mirror_close(m);
}

/* The verdict for a K_ACTIVE label on HN-0001 against a copy of the
 * base mirror changed by sql: a word, or "error" when labels_check
 * failed (and then the word must be "unknown", never "genuine"). */
static const char *verdict_after(const char *name, const char *sql)
{
    static char word[32];
    char path[128], text[LABELS_TEXT_MAX];
    path_in_dir(path, sizeof path, name);
    sqlite3 *db = new_db(path);
    exec(db, labels_mirror_schema());
    exec(db, base_rows);
    add_key(db, K_ACTIVE, "HN-P0001", "2025-01-10", "", "");
    exec(db, sql);
    assert_int_equal(sqlite3_close(db), SQLITE_OK);
    labels_mirror *m;
    labels_label lab;
    labels_facts f;
    size_t len;
    assert_int_equal(labels_mirror_open(path, &m), LABELS_OK);
    make(&lab, K_ACTIVE, "HN-0001", "L1", 4, 1, "2026-11-01");
    assert_int_equal(labels_format(&lab, NULL, text, sizeof text, &len),
                     LABELS_OK);
    int rc = labels_check(m, text, len, today, &f);
    labels_mirror_close(m);
    if (rc != LABELS_OK) {
        assert_int_equal(rc, LABELS_ERR_MIRROR);
        assert_string_equal(labels_verdict_word(f.verdict), "unknown");
        return "error";
    }
    snprintf(word, sizeof word, "%s", labels_verdict_word(f.verdict));
    return word;
}

/* Impossible dates are a broken mirror, never an expiry that never comes
 * (issue 12): every date the verdict or its facts read. */
static void test_impossible_dates(void **state)
{
    (void)state;
    static const char *const bad[] = {"2029-13-45", "9999-99-99", "2029-02-30",
                                      "2027-02-29", "2100-02-29", "2029-04-31",
                                      "2029-00-10", "2029-01-00"};
    char sql[256];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(sql, sizeof sql,
                 "UPDATE products SET expires = '%s' WHERE code = 'HN-0001'",
                 bad[i]);
        assert_string_equal(verdict_after("dates.db", sql), "error");
        snprintf(sql, sizeof sql,
                 "UPDATE products SET certified = '%s' WHERE code = "
                 "'HN-0001'",
                 bad[i]);
        assert_string_equal(verdict_after("dates.db", sql), "error");
        snprintf(sql, sizeof sql,
                 "UPDATE products SET status_date = '%s' WHERE code = "
                 "'HN-0001'",
                 bad[i]);
        assert_string_equal(verdict_after("dates.db", sql), "error");
        snprintf(sql, sizeof sql, "UPDATE keys SET enrolled = '%s'", bad[i]);
        assert_string_equal(verdict_after("dates.db", sql), "error");
        snprintf(sql, sizeof sql,
                 "UPDATE keys SET revoked = '%s', revoke_reason = "
                 "'superseded'",
                 bad[i]);
        assert_string_equal(verdict_after("dates.db", sql), "error");
    }
    /* Real days at the edges stay real. */
    assert_string_equal(
        verdict_after("dates.db", "UPDATE products SET expires = '2028-02-29'"
                                  " WHERE code = 'HN-0001'"),
        "genuine");
    assert_string_equal(
        verdict_after("dates.db", "UPDATE products SET expires = '2000-02-29'"
                                  " WHERE code = 'HN-0001'"),
        "expired");
    assert_string_equal(
        verdict_after("dates.db", "UPDATE products SET expires = '9999-12-31'"
                                  " WHERE code = 'HN-0001'"),
        "genuine");
    assert_string_equal(verdict_after("dates.db",
                                      "UPDATE keys SET revoked = '2028-02-29',"
                                      " revoke_reason = 'superseded'"),
                        "genuine");
}

/* A mirror built from the shared schema, changed by sql: what
 * labels_mirror_open and labels_mirror_check_schema make of it. */
static int open_after(const char *name, const char *sql, char *err,
                      size_t errsz)
{
    char path[128];
    path_in_dir(path, sizeof path, name);
    sqlite3 *db = new_db(path);
    exec(db, labels_mirror_schema());
    exec(db, base_rows);
    exec(db, sql);
    int checked = labels_mirror_check_schema(db, err, errsz);
    assert_int_equal(sqlite3_close(db), SQLITE_OK);
    labels_mirror *m = NULL;
    int rc = labels_mirror_open(path, &m);
    labels_mirror_close(m);
    assert_int_equal(rc, checked);
    return rc;
}

/* Exactly a documented schema (issue 12): anything carried in beside the
 * tables could change what a lookup, or a later delta, does. */
static void test_schema_exact(void **state)
{
    (void)state;
    char err[256];
    static const struct {
        const char *sql, *says;
    } refused[] = {
        /* Undoes a later revocation delta. */
        {"CREATE TRIGGER keep AFTER UPDATE OF status ON products"
         " BEGIN UPDATE products SET status = 'rated'"
         " WHERE code = new.code; END",
         "trigger 'keep'"},
        {"CREATE VIEW v AS SELECT * FROM products", "view 'v'"},
        {"CREATE TABLE extra (k TEXT PRIMARY KEY, v TEXT) WITHOUT ROWID",
         "table 'extra'"},
        {"CREATE INDEX by_name ON products(name)", "index 'by_name'"},
        {"CREATE TABLE counter (id INTEGER PRIMARY KEY AUTOINCREMENT);"
         " INSERT INTO counter VALUES (NULL)",
         "table 'counter'"},
        {"ANALYZE", "sqlite_stat1"},
        /* A changed definition: codes looked up case-insensitively. */
        {"DROP TABLE clones; CREATE TABLE clones (key_id TEXT NOT NULL"
         " COLLATE NOCASE, product TEXT NOT NULL, lot TEXT NOT NULL,"
         " serial INTEGER NOT NULL, reported TEXT NOT NULL,"
         " PRIMARY KEY (key_id, product, lot, serial)) WITHOUT ROWID",
         "table 'clones' differs"},
        {"ALTER TABLE products ADD COLUMN note TEXT NOT NULL DEFAULT ''",
         "table 'products' differs"},
        {"DROP TABLE clones", "lacks the table 'clones'"},
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        assert_int_equal(
            open_after("schema.db", refused[i].sql, err, sizeof err),
            LABELS_ERR_MIRROR);
        if (!strstr(err, refused[i].says))
            fail_msg("%s: %s", refused[i].sql, err);
    }
    /* Both documented versions: with and without revoked_badges. */
    assert_int_equal(open_after("schema.db", "SELECT 1", err, sizeof err),
                     LABELS_OK);
    assert_int_equal(
        open_after("schema.db", "DROP TABLE revoked_badges", err, sizeof err),
        LABELS_OK);
    /* The same definitions laid out differently are the same schema. */
    assert_int_equal(
        open_after("schema.db",
                   "DROP TABLE revoked_badges; CREATE TABLE revoked_badges"
                   "(inspector TEXT   PRIMARY KEY, -- comment\n"
                   " revoked TEXT NOT NULL /* day */) without rowid",
                   err, sizeof err),
        LABELS_OK);
    /* ...but not a changed literal. */
    assert_int_equal(
        open_after("schema.db",
                   "DROP TABLE keys; CREATE TABLE keys (\n"
                   "  key_id        TEXT PRIMARY KEY,\n"
                   "  producer      TEXT NOT NULL REFERENCES producers(code),\n"
                   "  public_key    BLOB NOT NULL,\n"
                   "  enrolled      TEXT NOT NULL,\n"
                   "  revoked       TEXT NOT NULL DEFAULT '',\n"
                   "  revoke_reason TEXT NOT NULL DEFAULT '' CHECK "
                   "(revoke_reason IN ('','Superseded','compromised'))\n"
                   ") WITHOUT ROWID",
                   err, sizeof err),
        LABELS_ERR_MIRROR);
}

/* The kiosk's overlay (docs/mirror.md, "The kiosk's overlay"): a lookup
 * answers a product's overlay row where it has one, none where the row
 * is gone, products' row otherwise; a published mirror never has one. */
static void test_overlay(void **state)
{
    (void)state;
    char path[128], err[256];
    path_in_dir(path, sizeof path, "overlay.db");
    sqlite3 *db = new_db(path);
    exec(db, labels_mirror_schema());
    exec(db, base_rows);
    exec(db, labels_mirror_overlay_schema());
    exec(db, "INSERT INTO " LABELS_MIRROR_OVERLAY " (code, name, grp,"
             " producer, province, stars, proposed5, status, status_reason,"
             " status_date, certificate, certified, expires, gone)"
             " SELECT code, name, grp, producer, province, stars, proposed5,"
             " 'revoked', 'vi phạm', '2026-11-30', certificate, certified,"
             " expires, 0 FROM products WHERE code = 'HN-0001';"
             "INSERT INTO " LABELS_MIRROR_OVERLAY " SELECT NULL, code, name,"
             " grp, producer, province, stars, proposed5, status,"
             " status_reason, status_date, certificate, certified, expires, 1"
             " FROM products WHERE code = 'TN-0001';"
             "INSERT INTO " LABELS_MIRROR_OVERLAY " SELECT NULL, 'HN-0099',"
             " 'Gạo nếp', grp, producer, province, 4, 0, 'rated', '', '',"
             " certificate, certified, expires, 0 FROM products"
             " WHERE code = 'HN-0005'");
    assert_int_equal(labels_mirror_check_schema(db, err, sizeof err),
                     LABELS_ERR_MIRROR);
    assert_non_null(strstr(err, "kiosk's table '" LABELS_MIRROR_OVERLAY "'"));
    assert_int_equal(labels_mirror_check_kept_schema(db, err, sizeof err),
                     LABELS_OK);
    assert_int_equal(sqlite3_close(db), SQLITE_OK);

    labels_mirror *m = NULL;
    assert_int_equal(labels_mirror_open(path, &m), LABELS_OK);
    labels_product p;
    assert_int_equal(labels_mirror_product(m, "HN-0001", &p), LABELS_OK);
    assert_string_equal(p.status, "revoked");
    assert_string_equal(p.status_date, "2026-11-30");
    assert_string_equal(p.producer_name, PRODUCER1);
    assert_int_equal(labels_mirror_product(m, "TN-0001", &p),
                     LABELS_ERR_NOT_FOUND);
    assert_string_equal(p.code, "");
    assert_int_equal(labels_mirror_product(m, "HN-0099", &p), LABELS_OK);
    assert_string_equal(p.name, "Gạo nếp");
    assert_int_equal(labels_mirror_product(m, "HN-0002", &p), LABELS_OK);
    assert_string_equal(p.status, "suspended");
    labels_mirror_close(m);

    /* An overlay of another shape is no overlay: refused as any table. */
    assert_int_equal(open_after("overlay.db",
                                "CREATE TABLE " LABELS_MIRROR_OVERLAY
                                " (code TEXT PRIMARY KEY, status TEXT)",
                                err, sizeof err),
                     LABELS_ERR_MIRROR);
    db = new_db(path);
    exec(db, labels_mirror_schema());
    exec(db, "CREATE TABLE " LABELS_MIRROR_OVERLAY
             " (code TEXT PRIMARY KEY, status TEXT)");
    assert_int_equal(labels_mirror_check_kept_schema(db, err, sizeof err),
                     LABELS_ERR_MIRROR);
    assert_non_null(strstr(err, "differs"));
    assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_genuine_facts),
        cmocka_unit_test(test_rating_changed),
        cmocka_unit_test(test_product_status),
        cmocka_unit_test(test_unknown),
        cmocka_unit_test(test_compromised_key),
        cmocka_unit_test(test_superseded_key),
        cmocka_unit_test(test_odd_revocations),
        cmocka_unit_test(test_signer_not_enrolled),
        cmocka_unit_test(test_clone),
        cmocka_unit_test(test_forged),
        cmocka_unit_test(test_not_ocop),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_future_label),
        cmocka_unit_test(test_words),
        cmocka_unit_test(test_product_lookup),
        cmocka_unit_test(test_long_name),
        cmocka_unit_test(test_refused_mirrors),
        cmocka_unit_test(test_wal_mirror_in_place),
        cmocka_unit_test(test_broken_rows),
        cmocka_unit_test(test_impossible_dates),
        cmocka_unit_test(test_schema_exact),
        cmocka_unit_test(test_overlay),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
