/* test_inspect.c -- inspector mode logic: what a line means, which
 * badges open the mode, and findings kept in the scan log. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../firmware/inspector.h"

#include <labels.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static labels_pubkey pub, other_pub;
static labels_seckey sec, other_sec;
static uint16_t day0;
static char dir[] = "/tmp/test_inspect_XXXXXX";

static int setup(void **state)
{
    (void)state;
    if (labels_init() != LABELS_OK || !mkdtemp(dir) ||
        labels_date_parse("2026-11-29", &day0) != LABELS_OK ||
        labels_keygen(&other_pub, &other_sec) != LABELS_OK)
        return -1;
    return labels_keygen(&pub, &sec) == LABELS_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    labels_seckey_wipe(&sec);
    labels_seckey_wipe(&other_sec);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static enum inspector_line classify(const char *s, int *f, char *note)
{
    return inspector_classify(s, strlen(s), f, note);
}

static void test_classify(void **state)
{
    (void)state;
    int f;
    char note[SCAN_FINDING_NOTE_MAX + 1];
    assert_int_equal(classify("  ", &f, note), INSP_LINE_EMPTY);
    assert_int_equal(classify("OCOPI:AAAA", &f, note), INSP_LINE_BADGE);
    assert_int_equal(classify("ocopi:AAAA", &f, note), INSP_LINE_BADGE);
    assert_int_equal(classify(" end ", &f, note), INSP_LINE_END);
    assert_int_equal(classify("ENDX", &f, note), INSP_LINE_SCAN);
    assert_int_equal(classify("F1", &f, note), INSP_LINE_FINDING);
    assert_int_equal(f, 0);
    assert_string_equal(note, "");
    assert_int_equal(classify("f5  seal looks printed ", &f, note),
                     INSP_LINE_FINDING);
    assert_int_equal(f, 4);
    assert_string_equal(note, "seal looks printed");
    assert_int_equal(classify("expired_on_sale: hết hạn 2025", &f, note),
                     INSP_LINE_FINDING);
    assert_int_equal(f, 2);
    assert_string_equal(note, "hết hạn 2025");
    assert_int_equal(classify("LABEL_MISUSE", &f, note), INSP_LINE_FINDING);
    assert_int_equal(f, 1);
    assert_int_equal(classify("quality_complaint x", &f, note),
                     INSP_LINE_FINDING);
    assert_int_equal(f, 3);
    /* Not findings: no separator after the keyword, or another digit. */
    assert_int_equal(classify("F6 x", &f, note), INSP_LINE_SCAN);
    assert_int_equal(classify("F12", &f, note), INSP_LINE_SCAN);
    assert_int_equal(classify("COMPLIANTAAAA", &f, note), INSP_LINE_SCAN);
    assert_int_equal(classify("HTTPS://OCOP.EXAMPLE/V/F1", &f, note),
                     INSP_LINE_SCAN);
    /* Bad notes are findings with a reason, never stored. */
    assert_int_equal(classify("F2 bad \xC0\xAF", &f, note), INSP_LINE_FINDING);
    assert_int_equal(f, -1);
    assert_non_null(strstr(note, "UTF-8"));
    char long_line[SCAN_FINDING_NOTE_MAX + 10];
    memcpy(long_line, "F2 ", 3);
    memset(long_line + 3, 'x', sizeof long_line - 4);
    long_line[sizeof long_line - 1] = '\0';
    assert_int_equal(classify(long_line, &f, note), INSP_LINE_FINDING);
    assert_int_equal(f, -1);
}

static void exec(sqlite3 *db, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
        fail_msg("%s: %s", sql, err);
}

static labels_mirror *make_mirror(const char *name, int with_table)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    exec(db, labels_mirror_schema());
    exec(db, "INSERT INTO meta VALUES ('schema_version','1'),"
             "('feed_version','1'),('published','2026-11-29T00:00:00Z'),"
             "('authority','0000000000000000');"
             "INSERT INTO revoked_badges VALUES ('HN-GONE','2026-11-01');");
    if (!with_table)
        exec(db, "DROP TABLE revoked_badges");
    assert_int_equal(sqlite3_close(db), SQLITE_OK);
    labels_mirror *m;
    assert_int_equal(labels_mirror_open(path, &m), LABELS_OK);
    return m;
}

static void badge_text(const char *id, uint16_t until, const labels_seckey *k,
                       char text[LABELS_BADGE_TEXT_MAX])
{
    labels_badge b;
    memset(&b, 0, sizeof b);
    snprintf(b.inspector, sizeof b.inspector, "%s", id);
    snprintf(b.province, sizeof b.province, "Hà Nội");
    snprintf(b.name, sizeof b.name, "Trần Minh");
    b.valid_until = until;
    assert_int_equal(labels_badge_sign(&b, k), LABELS_OK);
    assert_int_equal(labels_badge_format(&b, text, LABELS_BADGE_TEXT_MAX, NULL),
                     LABELS_OK);
}

static enum inspector_badge_result check(const char *text, labels_mirror *m,
                                         uint16_t today)
{
    labels_badge b;
    return inspector_check_badge(text, strlen(text), &pub, 1, m, today, &b);
}

static void test_badges(void **state)
{
    (void)state;
    labels_mirror *m = make_mirror("m.db", 1);
    char t[LABELS_BADGE_TEXT_MAX];
    badge_text("HN-OK", day0 + 10, &sec, t);
    assert_int_equal(check(t, m, day0), INSP_BADGE_OK);
    assert_int_equal(check(t, m, day0 + 11), INSP_BADGE_EXPIRED);
    /* A changed payload character: forged or malformed, never ok. */
    t[40] = t[40] == 'A' ? 'B' : 'A';
    assert_int_not_equal(check(t, m, day0), INSP_BADGE_OK);
    badge_text("HN-GONE", day0 + 10, &sec, t);
    assert_int_equal(check(t, m, day0), INSP_BADGE_REVOKED);
    badge_text("HN-OK", day0 + 10, &other_sec, t);
    assert_int_equal(check(t, m, day0), INSP_BADGE_UNTRUSTED);
    assert_int_equal(check("OCOPI:garbage", m, day0), INSP_BADGE_MALFORMED);
    assert_string_equal(inspector_badge_word(INSP_BADGE_REVOKED), "revoked");
    labels_mirror_close(m);
    /* A mirror from before badges cannot clear anyone. */
    m = make_mirror("old.db", 0);
    badge_text("HN-OK", day0 + 10, &sec, t);
    assert_int_equal(check(t, m, day0), INSP_BADGE_NO_LIST);
    labels_mirror_close(m);
}

static int collect(void *ctx, const finding_record *r)
{
    finding_record *out = ctx;
    int i = 0;
    while (out[i].id)
        i++;
    out[i] = *r;
    return 0;
}

static void test_findings_log(void **state)
{
    (void)state;
    char path[256], err[256];
    snprintf(path, sizeof path, "%s/scans.db", dir);
    scan_log *log;
    assert_int_equal(scan_log_open(path, 0, &log, err, sizeof err), 0);
    struct inspector in;
    memset(&in, 0, sizeof in);
    finding_record rec;
    /* Off, then on without a product: no finding. */
    assert_int_equal(inspector_make_finding(&in, 0, "", 1, &rec), -1);
    in.active = 1;
    snprintf(in.badge.inspector, sizeof in.badge.inspector, "HN-OK");
    assert_int_equal(inspector_make_finding(&in, 0, "", 1, &rec), -1);
    labels_facts f;
    memset(&f, 0, sizeof f);
    f.have_label = 1;
    snprintf(f.label.product, sizeof f.label.product, "HN-0001");
    snprintf(f.label.lot, sizeof f.label.lot, "L1");
    f.label.serial = 9;
    inspector_set_product(&in, &f, 77);
    assert_int_equal(inspector_make_finding(&in, 4, "printed seal", 1000, &rec),
                     0);
    assert_int_equal(scan_log_finding_append(log, &rec), 0);
    assert_true(rec.id > 0);
    assert_int_equal(inspector_make_finding(&in, 0, "ok", 1001, &rec), 0);
    assert_int_equal(scan_log_finding_append(log, &rec), 0);
    scan_log_close(log);

    /* Durable across a reopen; newest first per product. */
    assert_int_equal(scan_log_open(path, 0, &log, err, sizeof err), 0);
    finding_record got[4];
    memset(got, 0, sizeof got);
    assert_int_equal(scan_log_findings_for(log, "HN-0001", 3, collect, got), 2);
    assert_string_equal(got[0].finding, "compliant");
    assert_string_equal(got[1].finding, "suspected_counterfeit");
    assert_string_equal(got[1].note, "printed seal");
    assert_string_equal(got[1].inspector, "HN-OK");
    assert_int_equal(got[1].serial, 9);
    assert_int_equal(got[1].scan_id, 77);
    memset(got, 0, sizeof got);
    assert_int_equal(scan_log_findings_for(log, "HN-0002", 3, collect, got), 0);
    assert_int_equal(scan_log_findings_pending(log, 10, collect, got), 2);
    assert_string_equal(got[0].finding, "suspected_counterfeit");
    assert_int_equal(scan_log_findings_mark_uploaded(log, got[0].id, got[0].id),
                     0);
    memset(got, 0, sizeof got);
    assert_int_equal(scan_log_findings_pending(log, 10, collect, got), 1);
    assert_string_equal(got[0].finding, "compliant");
    scan_log_close(log);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_classify),
        cmocka_unit_test(test_badges),
        cmocka_unit_test(test_findings_log),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
