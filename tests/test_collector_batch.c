/* test_collector_batch.c -- the kiosk's batch writer and the collector's
 * parser agree, the signature covers exactly the signed bytes, and the
 * parser refuses every variation of the format (docs/upload.md). */
/* cmocka.h needs these first. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include "collector/collector.h"
#include "upload_batch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static labels_pubkey pub;
static labels_seckey sec;

static void records(scan_record *r, int n)
{
    for (int i = 0; i < n; i++) {
        memset(&r[i], 0, sizeof r[i]);
        r[i].id = 10 + 3 * i;
        r[i].time = 1790000000 + i;
        snprintf(r[i].verdict, sizeof r[i].verdict, "genuine");
        snprintf(r[i].product, sizeof r[i].product, "HN-01");
        snprintf(r[i].key_id, sizeof r[i].key_id, "0123456789ABCDEF");
        snprintf(r[i].lot, sizeof r[i].lot, "L/2.A");
        r[i].serial = 4294967295u - (uint32_t)i;
        scan_log_hash_text("x", 1, r[i].text_hash);
        r[i].stale = i & 1;
    }
}

static char *build(int n, size_t *len)
{
    scan_record r[8];
    uint8_t id[UPLOAD_BATCH_ID_BYTES] = {0xab, 1, 2, 3};
    records(r, n);
    char *out;
    assert_int_equal(
        upload_batch_build(&sec, id, 1790000000, r, (size_t)n, &out, len), 0);
    return out;
}

static int parses(const char *body, size_t len)
{
    collector_batch b;
    char err[160];
    int rc = collector_batch_parse(body, len, &b, err, sizeof err);
    if (rc == 0)
        collector_batch_free(&b);
    return rc == 0;
}

static void roundtrip(void **state)
{
    (void)state;
    size_t len;
    char *body = build(3, &len);
    collector_batch b;
    char err[160];
    assert_int_equal(collector_batch_parse(body, len, &b, err, sizeof err), 0);
    char kid[17];
    labels_key_id_hex(pub.id, kid);
    assert_string_equal(b.kiosk_hex, kid);
    assert_string_equal(b.batch_id, "ab010203000000000000000000000000");
    assert_int_equal(b.count, 3);
    assert_int_equal(b.scans[2].id, 16);
    assert_int_equal(b.scans[2].serial, 4294967293u);
    assert_string_equal(b.scans[1].lot, "L/2.A");
    assert_int_equal(b.scans[1].stale, 1);
    assert_int_equal(labels_verify_detached(LABELS_DOMAIN_SCANS, &pub, body,
                                            b.signed_len, b.sig),
                     LABELS_OK);
    /* Signed for scan batches only. */
    assert_int_equal(labels_verify_detached(LABELS_DOMAIN_LABEL, &pub, body,
                                            b.signed_len, b.sig),
                     LABELS_ERR_SIGNATURE);
    collector_batch_free(&b);
    free(body);
}

/* Fields the format cannot carry go as unknown, never as a bad batch. */
static void unrepresentable_fields(void **state)
{
    (void)state;
    scan_record r[1];
    records(r, 1);
    snprintf(r[0].product, sizeof r[0].product, "bad code");
    snprintf(r[0].lot, sizeof r[0].lot, "%s", "");
    snprintf(r[0].verdict, sizeof r[0].verdict, "Forged!");
    uint8_t id[UPLOAD_BATCH_ID_BYTES] = {0};
    char *out;
    size_t len;
    assert_int_equal(upload_batch_build(&sec, id, 1, r, 1, &out, &len), 0);
    collector_batch b;
    char err[160];
    assert_int_equal(collector_batch_parse(out, len, &b, err, sizeof err), 0);
    assert_string_equal(b.scans[0].product, "");
    assert_string_equal(b.scans[0].lot, "");
    assert_string_equal(b.scans[0].verdict, "unknown");
    collector_batch_free(&b);
    free(out);
    /* IDs must increase. */
    scan_record two[2];
    records(two, 2);
    two[1].id = two[0].id;
    assert_int_equal(upload_batch_build(&sec, id, 1, two, 2, &out, &len), -1);
}

/* A scan taken while the kiosk's clock read 1970 (no RTC, no NTP yet)
 * travels with its time as "_", and the collector dates it at arrival;
 * every other time stays its own (issue 12). */
static void clock_not_set(void **state)
{
    (void)state;
    scan_record r[2];
    records(r, 2);
    r[0].time = 86400; /* 1970-01-02 */
    uint8_t id[UPLOAD_BATCH_ID_BYTES] = {0};
    char *out;
    size_t len;
    assert_int_equal(upload_batch_build(&sec, id, 86400, r, 2, &out, &len), 0);
    assert_non_null(strstr(out, "\nscan 10 _ genuine "));
    collector_batch b;
    char err[160];
    assert_int_equal(collector_batch_parse(out, len, &b, err, sizeof err), 0);
    assert_int_equal(b.scans[0].time, COLLECTOR_TIME_UNSET);
    int64_t now = 1800000000;
    assert_int_not_equal(collector_batch_times_ok(&b, now, err, sizeof err), 0);
    assert_int_equal(collector_batch_date_unset(&b, now), 1);
    assert_int_equal(b.scans[0].time, now);
    assert_int_equal(b.scans[1].time, 1790000001);
    assert_int_equal(collector_batch_times_ok(&b, now, err, sizeof err), 0);
    collector_batch_free(&b);
    free(out);
}

/* Replace the first occurrence of from with to and check it is refused. */
static void refused_with(const char *body, const char *from, const char *to)
{
    const char *at = strstr(body, from);
    assert_non_null(at);
    size_t pre = (size_t)(at - body), fl = strlen(from), tl = strlen(to);
    size_t len = strlen(body) - fl + tl;
    char *v = malloc(len + 1);
    assert_non_null(v);
    memcpy(v, body, pre);
    memcpy(v + pre, to, tl);
    memcpy(v + pre + tl, at + fl, strlen(at + fl) + 1);
    if (parses(v, len))
        fail_msg("accepted after replacing '%s' with '%s'", from, to);
    free(v);
}

static void strict(void **state)
{
    (void)state;
    size_t len;
    char *body = build(2, &len);
    assert_true(parses(body, len));
    refused_with(body, "OCOP-SCANS/1\n", "OCOP-SCANS/2\n");
    refused_with(body, "\n", "\r\n");
    refused_with(body, "count 2", "count 3");
    refused_with(body, "count 2", "count 1");
    refused_with(body, "count 2", "count 02");
    refused_with(body, "batch ab", "batch AB");
    refused_with(body, "kiosk ", "kiosk  ");
    refused_with(body, "scan 10 ", "scan 0 ");
    refused_with(body, "scan 13 ", "scan 10 ");
    refused_with(body, "scan 10 ", "finding 10 ");
    refused_with(body, "scan 10 1790000000 ", "scan 10 __ ");
    refused_with(body, "scan 10 1790000000 ", "scan 10 -1 ");
    refused_with(body, " genuine ", " Genuine ");
    refused_with(body, " HN-01 ", " hn-01 ");
    refused_with(body, " HN-01 ", "  ");
    refused_with(body, " 4294967295 ", " 4294967296 ");
    refused_with(body, " 0\nscan", " 2\nscan");
    refused_with(body, "sig ", "sig 00");
    refused_with(body, "\nsig ", "\nsig  ");
    /* Trailing bytes, a missing final newline, truncation anywhere. */
    char *more = malloc(len + 2);
    assert_non_null(more);
    memcpy(more, body, len);
    more[len] = '\n';
    assert_false(parses(more, len + 1));
    free(more);
    for (size_t cut = 0; cut < len; cut++)
        assert_false(parses(body, cut));
    assert_false(parses("", 0));
    free(body);
}

/* The mirror line (issue 14): written after `created`, parsed back,
 * covered by the signature; without it the bytes are the older format's,
 * which the collector still reads (has_mirror 0). */
static void mirror_line(void **state)
{
    (void)state;
    scan_record r[2];
    records(r, 2);
    uint8_t id[UPLOAD_BATCH_ID_BYTES] = {1};
    upload_mirror_report m = {42, 3600};
    char *with, *without, *old;
    size_t wl, nl, ol;
    assert_int_equal(upload_batch_build_mirror(&sec, id, 1790000000, &m, r, 2,
                                               NULL, 0, &with, &wl),
                     0);
    assert_int_equal(upload_batch_build_mirror(&sec, id, 1790000000, NULL, r, 2,
                                               NULL, 0, &without, &nl),
                     0);
    assert_int_equal(upload_batch_build(&sec, id, 1790000000, r, 2, &old, &ol),
                     0);
    assert_int_equal(nl, ol);
    assert_memory_equal(without, old, ol);
    assert_non_null(strstr(with, "\ncreated 1790000000\nmirror 42 3600\n"
                                 "count 2\n"));
    collector_batch b;
    char err[160];
    assert_int_equal(collector_batch_parse(with, wl, &b, err, sizeof err), 0);
    assert_int_equal(b.has_mirror, 1);
    assert_int_equal(b.mirror_version, 42);
    assert_int_equal(b.data_age, 3600);
    assert_int_equal(labels_verify_detached(LABELS_DOMAIN_SCANS, &pub, with,
                                            b.signed_len, b.sig),
                     LABELS_OK);
    collector_batch_free(&b);
    /* A forged version no longer verifies: the line is signed. */
    char *forged = strstr(with, "mirror 42 ");
    forged[8] = '3';
    assert_int_equal(collector_batch_parse(with, wl, &b, err, sizeof err), 0);
    assert_int_equal(b.mirror_version, 43);
    assert_int_equal(labels_verify_detached(LABELS_DOMAIN_SCANS, &pub, with,
                                            b.signed_len, b.sig),
                     LABELS_ERR_SIGNATURE);
    collector_batch_free(&b);
    forged[8] = '2';
    assert_int_equal(collector_batch_parse(old, ol, &b, err, sizeof err), 0);
    assert_int_equal(b.has_mirror, 0);
    collector_batch_free(&b);
    refused_with(with, "mirror 42 3600", "mirror 42");
    refused_with(with, "mirror 42 3600", "mirror 042 3600");
    refused_with(with, "mirror 42 3600", "mirror 42 -1");
    refused_with(with, "mirror 42 3600", "mirror _ 3600");
    refused_with(with, "mirror 42 3600", "mirror 42 3600 1");
    refused_with(with, "mirror 42 3600", "mirror  42 3600");
    refused_with(with, "created 1790000000\nmirror", "mirror");
    free(with);
    /* Unknown age: never synced, or the clock not set. */
    m.data_age = -1;
    m.version = 0;
    assert_int_equal(upload_batch_build_mirror(&sec, id, 1790000000, &m, r, 2,
                                               NULL, 0, &with, &wl),
                     0);
    assert_non_null(strstr(with, "\nmirror 0 _\n"));
    assert_int_equal(collector_batch_parse(with, wl, &b, err, sizeof err), 0);
    assert_int_equal(b.has_mirror, 1);
    assert_int_equal(b.data_age, -1);
    collector_batch_free(&b);
    free(with);
    free(without);
    free(old);
}

int main(void)
{
    if (labels_init() != LABELS_OK || labels_keygen(&pub, &sec) != LABELS_OK)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(roundtrip),
        cmocka_unit_test(unrepresentable_fields),
        cmocka_unit_test(clock_not_set),
        cmocka_unit_test(strict),
        cmocka_unit_test(mirror_line),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    labels_seckey_wipe(&sec);
    return rc;
}
