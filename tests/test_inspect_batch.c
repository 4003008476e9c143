/* test_inspect_batch.c -- inspector findings in scan batches: the kiosk's
 * writer and the collector's parser agree on `finding` records, batches
 * without findings keep their exact bytes, and bad finding lines are
 * refused (docs/upload.md). */
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
static const uint8_t bid[UPLOAD_BATCH_ID_BYTES] = {0xab, 1, 2, 3};

static int setup(void **state)
{
    (void)state;
    if (labels_init() != LABELS_OK)
        return -1;
    return labels_keygen(&pub, &sec) == LABELS_OK ? 0 : -1;
}

static void scans(scan_record *r, int n)
{
    for (int i = 0; i < n; i++) {
        memset(&r[i], 0, sizeof r[i]);
        r[i].id = 5 + i;
        r[i].time = 1790000000 + i;
        snprintf(r[i].verdict, sizeof r[i].verdict, "genuine");
        snprintf(r[i].product, sizeof r[i].product, "HN-01");
        snprintf(r[i].key_id, sizeof r[i].key_id, "0123456789ABCDEF");
        snprintf(r[i].lot, sizeof r[i].lot, "L1");
        r[i].serial = 7;
        scan_log_hash_text("x", 1, r[i].text_hash);
    }
}

static void findings(finding_record *f, int n)
{
    static const char *const notes[] = {"", "tem in, không dập nổi", "a b  c"};
    for (int i = 0; i < n; i++) {
        memset(&f[i], 0, sizeof f[i]);
        f[i].id = 1 + 2 * i;
        f[i].time = 1790000100 + i;
        snprintf(f[i].inspector, sizeof f[i].inspector, "HN-INS-1");
        snprintf(f[i].finding, sizeof f[i].finding, "%s",
                 i ? "suspected_counterfeit" : "compliant");
        snprintf(f[i].product, sizeof f[i].product, "HN-01");
        snprintf(f[i].key_id, sizeof f[i].key_id, "0123456789ABCDEF");
        snprintf(f[i].lot, sizeof f[i].lot, "L1");
        f[i].serial = 7;
        snprintf(f[i].note, sizeof f[i].note, "%s", notes[i % 3]);
    }
}

static void same_bytes_without_findings(void **state)
{
    (void)state;
    scan_record r[3];
    scans(r, 3);
    char *a, *b;
    size_t al, bl;
    assert_int_equal(upload_batch_build(&sec, bid, 1790000000, r, 3, &a, &al),
                     0);
    assert_int_equal(upload_batch_build_with_findings(&sec, bid, 1790000000, r,
                                                      3, NULL, 0, &b, &bl),
                     0);
    assert_int_equal(al, bl);
    assert_memory_equal(a, b, al);
    assert_null(strstr(a, "finding"));
    free(a);
    free(b);
}

static void roundtrip(void **state)
{
    (void)state;
    scan_record r[2];
    finding_record f[3];
    scans(r, 2);
    findings(f, 3);
    char *body, err[160];
    size_t len;
    assert_int_equal(upload_batch_build_with_findings(&sec, bid, 1790000000, r,
                                                      2, f, 3, &body, &len),
                     0);
    assert_non_null(strstr(body, "\ncount 5\n"));
    collector_batch b;
    assert_int_equal(collector_batch_parse(body, len, &b, err, sizeof err), 0);
    assert_int_equal(b.count, 2);
    assert_int_equal(b.nfindings, 3);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(b.findings[i].id, f[i].id);
        assert_int_equal(b.findings[i].time, f[i].time);
        assert_string_equal(b.findings[i].inspector, "HN-INS-1");
        assert_string_equal(b.findings[i].finding, f[i].finding);
        assert_string_equal(b.findings[i].product, "HN-01");
        assert_string_equal(b.findings[i].signer, "0123456789ABCDEF");
        assert_string_equal(b.findings[i].lot, "L1");
        assert_int_equal(b.findings[i].serial, 7);
        assert_string_equal(b.findings[i].note, f[i].note);
    }
    /* The signature covers the findings too. */
    assert_int_equal(labels_verify_detached(LABELS_DOMAIN_SCANS, &pub, body,
                                            b.signed_len, b.sig),
                     LABELS_OK);
    collector_batch_free(&b);
    char *p = strstr(body, "finding 3 ");
    assert_non_null(p);
    p[8] = '4';
    assert_int_equal(collector_batch_parse(body, len, &b, err, sizeof err), 0);
    assert_int_not_equal(labels_verify_detached(LABELS_DOMAIN_SCANS, &pub, body,
                                                b.signed_len, b.sig),
                         LABELS_OK);
    collector_batch_free(&b);
    free(body);

    /* Findings alone make a batch; none at all does not. */
    assert_int_equal(upload_batch_build_with_findings(&sec, bid, 1, NULL, 0, f,
                                                      1, &body, &len),
                     0);
    assert_int_equal(collector_batch_parse(body, len, &b, err, sizeof err), 0);
    assert_int_equal(b.count, 0);
    assert_int_equal(b.nfindings, 1);
    collector_batch_free(&b);
    free(body);
    assert_int_equal(upload_batch_build_with_findings(&sec, bid, 1, NULL, 0,
                                                      NULL, 0, &body, &len),
                     -1);
    /* A note that is not UTF-8 text travels as no note. */
    snprintf(f[0].note, sizeof f[0].note, "bad\x01");
    assert_int_equal(upload_batch_build_with_findings(&sec, bid, 1, NULL, 0, f,
                                                      1, &body, &len),
                     0);
    assert_non_null(strstr(body, " compliant _\n"));
    free(body);
}

/* A body with one record line, signature bytes irrelevant: the parser
 * must refuse it before any signature check. */
static int parses_line(const char *line)
{
    char body[2048];
    char sig[129];
    memset(sig, 'a', 128);
    sig[128] = '\0';
    snprintf(body, sizeof body,
             "OCOP-SCANS/1\nkiosk 0123456789ABCDEF\nbatch "
             "0123456789abcdef0123456789abcdef\ncreated 1\ncount 1\n%s\nsig "
             "%s\n",
             line, sig);
    collector_batch b;
    char err[160];
    int rc = collector_batch_parse(body, strlen(body), &b, err, sizeof err);
    if (rc == 0)
        collector_batch_free(&b);
    return rc == 0;
}

/* A note typed decomposed (NFD) is stored in NFC, as the registry
 * stores names, and the batch's signature still holds. */
static void note_in_nfc(void **state)
{
    (void)state;
    scan_record r[1];
    finding_record f[1];
    scans(r, 1);
    findings(f, 1);
    snprintf(f[0].note, sizeof f[0].note, "kho\xcc\x82ng da\xcc\xa3\xcc\x82p");
    char *body, err[160];
    size_t len;
    assert_int_equal(upload_batch_build_with_findings(&sec, bid, 1790000000, r,
                                                      1, f, 1, &body, &len),
                     0);
    collector_batch b;
    assert_int_equal(collector_batch_parse(body, len, &b, err, sizeof err), 0);
    assert_string_equal(b.findings[0].note,
                        "kh\xc3\xb4ng d\xe1\xba\xadp"); /* "không dập" */
    assert_int_equal(labels_verify_detached(LABELS_DOMAIN_SCANS, &pub, body,
                                            b.signed_len, b.sig),
                     LABELS_OK);
    collector_batch_free(&b);
    free(body);
}

static void refused(void **state)
{
    (void)state;
    assert_true(parses_line("finding 1 2 HN-I HN-01 _ L1 7 compliant _"));
    assert_true(parses_line("finding 1 2 HN-I _ _ _ 0 compliant 6869"));
    static const char *const bad[] = {
        "finding 0 2 HN-I HN-01 _ L1 7 compliant _",      /* ID 0 */
        "finding 1 2 _ HN-01 _ L1 7 compliant _",         /* no inspector */
        "finding 1 2 hn-i HN-01 _ L1 7 compliant _",      /* alphabet */
        "finding 1 2 HN-I HN-01 _ L1 7 Compliant _",      /* word */
        "finding 1 2 HN-I HN-01 _ L1 7 compliant 686",    /* odd hex */
        "finding 1 2 HN-I HN-01 _ L1 7 compliant 6869ZZ", /* not hex */
        "finding 1 2 HN-I HN-01 _ L1 7 compliant 6A69",   /* upper hex */
        "finding 1 2 HN-I HN-01 _ L1 7 compliant 0a",     /* control char */
        "finding 1 2 HN-I HN-01 _ L1 7 compliant c0af",   /* overlong */
        "finding 1 2 HN-I HN-01 _ L1 7 compliant",        /* 9 fields */
        "finding 1 2 HN-I HN-01 _ L1 7 compliant _ x",    /* 11 fields */
        "finding 1 2 HN-I HN-01 _ L1 4294967296 compliant _",
        "finding  1 2 HN-I HN-01 _ L1 7 compliant _",
        "findings 1 2 HN-I HN-01 _ L1 7 compliant _",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (parses_line(bad[i]))
            fail_msg("accepted: %s", bad[i]);
    /* A note longer than 280 bytes. */
    char line[1024];
    int n =
        snprintf(line, sizeof line, "finding 1 2 HN-I HN-01 _ L1 7 compliant ");
    for (int i = 0; i < 281; i++)
        n += snprintf(line + n, sizeof line - (size_t)n, "61");
    assert_false(parses_line(line));
}

static void order(void **state)
{
    (void)state;
    /* Scans after a finding, and decreasing finding IDs, are refused. */
    char body[2048], sig[129];
    memset(sig, 'a', 128);
    sig[128] = '\0';
    snprintf(body, sizeof body,
             "OCOP-SCANS/1\nkiosk 0123456789ABCDEF\nbatch "
             "0123456789abcdef0123456789abcdef\ncreated 1\ncount 2\n"
             "finding 1 2 HN-I HN-01 _ L1 7 compliant _\n"
             "scan 41 1789999000 genuine HN-0007 A1B2C3D4E5F60718 L3 1207 "
             "9f86d081884c7d659a2feaa0c55ad015 0\nsig %s\n",
             sig);
    collector_batch b;
    char err[160];
    assert_int_equal(
        collector_batch_parse(body, strlen(body), &b, err, sizeof err), -1);
    snprintf(body, sizeof body,
             "OCOP-SCANS/1\nkiosk 0123456789ABCDEF\nbatch "
             "0123456789abcdef0123456789abcdef\ncreated 1\ncount 2\n"
             "finding 2 2 HN-I HN-01 _ L1 7 compliant _\n"
             "finding 2 2 HN-I HN-01 _ L1 7 compliant _\nsig %s\n",
             sig);
    assert_int_equal(
        collector_batch_parse(body, strlen(body), &b, err, sizeof err), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_bytes_without_findings),
        cmocka_unit_test(roundtrip),
        cmocka_unit_test(note_in_nfc),
        cmocka_unit_test(refused),
        cmocka_unit_test(order),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
