/* print_mirror.c -- write a small mirror for the print tests:
 *   print_mirror OUT.db PUBFILE:PRODUCER[:REVOKED-DATE] ...
 * Two producers and four products covering the signing rules: rated,
 * suspended, expired, and a product of the other producer. */
#include <labels.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char fixed[] =
    "INSERT INTO meta VALUES ('schema_version','1'),('feed_version','1'),"
    "('published','2026-11-29T13:00:00Z'),('authority','0000000000000000');"
    "INSERT INTO producers VALUES "
    "('DT-P0001','Hợp tác xã Nông nghiệp Đồng Tháp','cooperative','Đồng Tháp'),"
    "('CM-P0002','Công ty TNHH Ong Mật U Minh','enterprise','Cà Mau');"
    "INSERT INTO products (code,name,grp,producer,province,stars,proposed5,"
    "status,status_reason,status_date,certificate,certified,expires) VALUES "
    "('HONEY-01','Mật ong rừng U Minh Hạ','food','DT-P0001','Đồng Tháp',4,1,"
    "'rated','','','DT-2024-017','2024-05-02','2099-05-02'),"
    "('LOTUS-02','Trà sen Tháp Mười đặc biệt loại thượng hạng hộp quà tặng "
    "Tết Nguyên Đán','beverages','DT-P0001','Đồng Tháp',3,0,'suspended',"
    "'kiểm tra chất lượng','2026-10-01','DT-2023-004','2023-03-01',"
    "'2099-03-01'),"
    "('RICE-03','Gạo Tám Xoan','food','DT-P0001','Đồng Tháp',3,0,'rated','',"
    "'','DT-2020-001','2020-01-10','2023-01-10'),"
    "('WAX-04','Sáp ong Cà Mau','souvenirs','CM-P0002','Cà Mau',5,0,'rated',"
    "'','','CM-2025-002','2025-06-01','2099-06-01');";

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs("usage: print_mirror OUT.db PUBFILE:PRODUCER[:REVOKED] ...\n",
              stderr);
        return 2;
    }
    sqlite3 *db;
    char *err = NULL;
    if (sqlite3_open(argv[1], &db) != SQLITE_OK ||
        sqlite3_exec(db, "BEGIN", NULL, NULL, &err) != SQLITE_OK ||
        sqlite3_exec(db, labels_mirror_schema(), NULL, NULL, &err) !=
            SQLITE_OK ||
        sqlite3_exec(db, fixed, NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "print_mirror: %s\n", err ? err : sqlite3_errmsg(db));
        return 1;
    }
    sqlite3_stmt *st;
    /* VERIFY_HOSTS set: the authority's verify addresses (a mirror of
     * docs/mirror.md's "Verify addresses"); unset: an older mirror. */
    const char *hosts = getenv("VERIFY_HOSTS");
    if (hosts) {
        if (sqlite3_prepare_v2(db,
                               "INSERT INTO meta VALUES ('verify_hosts',?1)",
                               -1, &st, NULL) != SQLITE_OK)
            return 1;
        sqlite3_bind_text(st, 1, hosts, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(st) != SQLITE_DONE)
            return 1;
        sqlite3_finalize(st);
    }
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO keys VALUES (?1,?2,?3,'2025-01-01',?4,"
                           "CASE WHEN ?4 = '' THEN '' ELSE 'compromised' END)",
                           -1, &st, NULL) != SQLITE_OK)
        return 1;
    for (int i = 2; i < argc; i++) {
        char spec[1024];
        snprintf(spec, sizeof spec, "%s", argv[i]);
        char *producer = strchr(spec, ':');
        if (!producer)
            return 2;
        *producer++ = '\0';
        char *revoked = strchr(producer, ':');
        if (revoked)
            *revoked++ = '\0';
        labels_pubkey pub;
        if (labels_pubkey_read(spec, &pub) != LABELS_OK) {
            fprintf(stderr, "print_mirror: cannot read %s\n", spec);
            return 1;
        }
        char hex[17];
        labels_key_id_hex(pub.id, hex);
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, hex, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, producer, -1, SQLITE_TRANSIENT);
        sqlite3_bind_blob(st, 3, pub.pk, LABELS_PUBKEY_BYTES, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 4, revoked ? revoked : "", -1, SQLITE_TRANSIENT);
        if (sqlite3_step(st) != SQLITE_DONE) {
            fprintf(stderr, "print_mirror: %s\n", sqlite3_errmsg(db));
            return 1;
        }
    }
    sqlite3_finalize(st);
    if (sqlite3_exec(db, "COMMIT", NULL, NULL, &err) != SQLITE_OK ||
        sqlite3_close(db) != SQLITE_OK) {
        fprintf(stderr, "print_mirror: commit failed\n");
        return 1;
    }
    return 0;
}
