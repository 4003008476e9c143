/* feed_mkmirror.c -- write a synthetic mirror for the feed tests and
 * benchmark: usage: feed_mkmirror OUT.db PRODUCTS [CHANGE_PERMILLE [SEED]]
 * [--extra-table]. The same PRODUCTS and SEED give the same rows; a
 * CHANGE_PERMILLE of 10 changes 1% of products (rating and status). */
#include <labels.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *groups[] = {"food",     "beverages", "herbal",
                               "textiles", "souvenirs", "tourism"};
/* Words and places to make names about as varied (and as compressible)
 * as a real registry's. */
static const char *words[] = {
    "Trà",  "Shan", "Tuyết",  "Mật",  "ong",   "rừng",  "Nước",  "mắm",
    "Phú",  "Quốc", "Gạo",    "tám",  "thơm",  "Nếp",   "cái",   "hoa",
    "vàng", "Bánh", "đậu",    "xanh", "Hải",   "Dương", "Cà",    "phê",
    "Buôn", "Ma",   "Thuột",  "Miến", "dong",  "Rượu",  "nếp",   "cẩm",
    "Chè",  "Thái", "Nguyên", "Tỏi",  "Lý",    "Sơn",   "Nón",   "lá",
    "Lụa",  "Vạn",  "Phúc",   "Gốm",  "Bát",   "Tràng", "Hương", "sen",
    "Tây",  "Hồ",   "Mứt",    "gừng", "Sâm",   "Ngọc",  "Linh",  "khô",
    "Măng", "Bưởi", "Diễn",   "Vải",  "thiều", "Thanh", "Hà",    "sấy"};
static const char *provinces[] = {
    "Hà Nội",   "Hải Phòng", "Quảng Ninh",     "Lào Cai",   "Thái Nguyên",
    "Nghệ An",  "Huế",       "Đà Nẵng",        "Quảng Nam", "Khánh Hòa",
    "Lâm Đồng", "Đắk Lắk",   "TP Hồ Chí Minh", "Cần Thơ",   "An Giang",
    "Bến Tre",  "Sóc Trăng", "Cà Mau",         "Hà Giang",  "Sơn La"};
#define NWORDS (sizeof words / sizeof words[0])
#define NPROV (sizeof provinces / sizeof provinces[0])

static uint64_t rng_state;
static uint32_t rnd(uint32_t n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state % n);
}

static void phrase(char *out, size_t outsz, int nmin, int nmax)
{
    int n = nmin + (int)rnd((uint32_t)(nmax - nmin + 1));
    size_t off = 0;
    out[0] = 0;
    for (int i = 0; i < n && off < outsz; i++)
        off += (size_t)snprintf(out + off, outsz - off, "%s%s", i ? " " : "",
                                words[rnd(NWORDS)]);
}

static int run(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "feed_mkmirror: %s\n", msg ? msg : "?");
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    int extra = 0;
    if (argc > 1 && !strcmp(argv[argc - 1], "--extra-table")) {
        extra = 1;
        argc--;
    }
    if (argc < 3 || argc > 5) {
        fprintf(stderr, "usage: feed_mkmirror OUT.db PRODUCTS "
                        "[CHANGE_PERMILLE [SEED]] [--extra-table]\n");
        return 2;
    }
    long n = atol(argv[2]);
    long change = argc > 3 ? atol(argv[3]) : 0;
    long seed = argc > 4 ? atol(argv[4]) : 1;
    sqlite3 *db;
    remove(argv[1]);
    if (sqlite3_open(argv[1], &db) != SQLITE_OK)
        return 3;
    if (run(db, labels_mirror_schema()) || run(db, "BEGIN") ||
        run(db, "INSERT INTO meta VALUES('schema_version','1'),"
                "('feed_version','0'),('published',''),('authority','')"))
        return 3;
    if (extra && run(db, "CREATE TABLE extra(k TEXT PRIMARY KEY, v TEXT) "
                         "WITHOUT ROWID; INSERT INTO extra VALUES('a','b')"))
        return 3;
    sqlite3_stmt *pp, *pr;
    if (sqlite3_prepare_v2(db, "INSERT INTO producers VALUES(?,?,?,?)", -1, &pp,
                           NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "INSERT INTO products VALUES(?,?,?,?,?,?,?,?,?,?,"
                           "?,?,?)",
                           -1, &pr, NULL) != SQLITE_OK)
        return 3;
    long nprod = n / 20 + 1;
    char code[32], name[160], cert[64], words3[120];
    static const char *kinds[] = {"cooperative", "enterprise", "household"};
    rng_state = 88172645463325252ull; /* producers never change */
    for (long i = 0; i < nprod; i++) {
        snprintf(code, sizeof code, "HN-P%05ld", i);
        phrase(words3, sizeof words3, 2, 3);
        snprintf(name, sizeof name, "HTX %s", words3);
        sqlite3_bind_text(pp, 1, code, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(pp, 2, name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(pp, 3, kinds[rnd(3)], -1, SQLITE_STATIC);
        sqlite3_bind_text(pp, 4, provinces[i % NPROV], -1, SQLITE_STATIC);
        if (sqlite3_step(pp) != SQLITE_DONE)
            return 3;
        sqlite3_reset(pp);
    }
    rng_state = 0x9E3779B97F4A7C15ull; /* the same rows for the same n */
    for (long i = 0; i < n; i++) {
        /* Which products this version changes: spread evenly. */
        int changed = change > 0 && (i * 7 + seed) % 1000 < change;
        snprintf(code, sizeof code, "HN-%07ld", i);
        phrase(name, sizeof name, 3, 6);
        snprintf(cert, sizeof cert, "%u/QĐ-UBND", 100 + rnd(9000));
        char certified[11], expires[11];
        uint32_t y = 2021 + rnd(5), mo = 1 + rnd(12), d = 1 + rnd(28);
        snprintf(certified, sizeof certified, "%04u-%02u-%02u", y, mo, d);
        snprintf(expires, sizeof expires, "%04u-%02u-%02u", y + 3, mo, d);
        char prod[32];
        snprintf(prod, sizeof prod, "HN-P%05ld", i / 20);
        sqlite3_bind_text(pr, 1, code, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(pr, 2, name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(pr, 3, groups[i % 6], -1, SQLITE_STATIC);
        sqlite3_bind_text(pr, 4, prod, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(pr, 5, provinces[(i / 20) % NPROV], -1,
                          SQLITE_STATIC);
        int stars = 3 + (int)rnd(3);
        sqlite3_bind_int(pr, 6, changed ? (stars == 5 ? 4 : 5) : stars);
        sqlite3_bind_int(pr, 7, 0);
        sqlite3_bind_text(pr, 8, changed ? "revoked" : "rated", -1,
                          SQLITE_STATIC);
        sqlite3_bind_text(pr, 9, changed ? "kiểm tra không đạt" : "", -1,
                          SQLITE_STATIC);
        sqlite3_bind_text(pr, 10, changed ? "2026-11-29" : "", -1,
                          SQLITE_STATIC);
        sqlite3_bind_text(pr, 11, cert, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(pr, 12, certified, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(pr, 13, expires, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(pr) != SQLITE_DONE) {
            fprintf(stderr, "feed_mkmirror: %s\n", sqlite3_errmsg(db));
            return 3;
        }
        sqlite3_reset(pr);
    }
    sqlite3_finalize(pp);
    sqlite3_finalize(pr);
    if (run(db, "COMMIT"))
        return 3;
    return sqlite3_close(db) == SQLITE_OK ? 0 : 3;
}
