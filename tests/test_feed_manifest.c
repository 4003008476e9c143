/* test_feed_manifest.c -- the kiosk's reading of the feed manifest and
 * of its own sync state: what a forged or malformed manifest must never
 * get past, and what a good one must yield. */
/* cmocka needs these first, in this order. */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include "manifest.h"
#include "sync_state.h"

#include <labels.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *SHA =
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

static char *body_text(const char *extra)
{
    static char buf[4096];
    snprintf(buf, sizeof buf,
             "ocop-feed 1\nkey=89C68C492FD393CA\nversion=7\n"
             "published=2026-11-29T13:00:00Z\nexpires=2026-12-06T13:00:00Z\n"
             "snapshot=snapshot-%s.db.zst 1000 %s 4096\n"
             "delta=6 delta-%s.cs.zst 100 %s 300\n%s",
             SHA, SHA, SHA, SHA, extra);
    return buf;
}

static int parse(const char *body, struct manifest *m)
{
    char err[256];
    return manifest_parse(body, strlen(body), m, err, sizeof err);
}

static void good_manifest_parses(void **state)
{
    (void)state;
    struct manifest m;
    assert_int_equal(parse(body_text(""), &m), 0);
    assert_int_equal(m.version, 7);
    assert_int_equal(m.ndeltas, 1);
    assert_int_equal(m.deltas[0].base, 6);
    assert_int_equal(m.snapshot.size, 1000);
    assert_int_equal(m.snapshot.usize, 4096);
    assert_string_equal(m.snapshot.sha256, SHA);
    assert_true(m.expires - m.published == 7 * 86400);
}

static void bad_lines_refuse_the_manifest(void **state)
{
    (void)state;
    struct manifest m;
    const char *bad[] = {
        "version=8\n",  /* repeated */
        "colour=red\n", /* unknown */
        "no equals sign\n",
        "delta=0 delta-a.cs.zst 1 " /* base 0 */
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef 1\n",
        "delta=5 ../etc/passwd 1 "
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef 1\n",
        "delta=5 .hidden 1 "
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef 1\n",
        "delta=5 delta-a.cs.zst 1 abc 1\n", /* short hash */
        "delta=5 delta-a.cs.zst 0 "         /* zero size */
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef 1\n",
        "delta=5 delta-a.cs.zst 1 " /* missing field */
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n",
        "delta=5 delta-a.cs.zst 1x "
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef 1\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_not_equal(parse(body_text(bad[i]), &m), 0);
    assert_int_not_equal(parse("ocop-feed 2\nversion=1\n", &m), 0);
    /* Each required line missing in turn. */
    const char *req[] = {
        "key=", "version=", "published=", "expires=", "snapshot="};
    for (size_t i = 0; i < 5; i++) {
        char copy[4096];
        snprintf(copy, sizeof copy, "%s", body_text(""));
        char *l = strstr(copy, req[i]);
        assert_non_null(l);
        l[0] = 'x'; /* now an unknown key */
        assert_int_not_equal(parse(copy, &m), 0);
        char *nl = strchr(l, '\n');
        memmove(l, nl + 1, strlen(nl + 1) + 1); /* now absent */
        assert_int_not_equal(parse(copy, &m), 0);
    }
    char many[16384] = "";
    size_t off = 0;
    for (int i = 0; i < MANIFEST_MAX_DELTAS + 1; i++)
        off += (size_t)snprintf(many + off, sizeof many - off,
                                "delta=%d delta-%d.cs.zst 1 %s 1\n", i + 1, i,
                                SHA);
    assert_int_not_equal(parse(body_text(many), &m), 0);
}

static void envelope_checks_shape_and_signature(void **state)
{
    (void)state;
    labels_pubkey pub, other;
    labels_seckey sec, osec;
    assert_int_equal(labels_keygen(&pub, &sec), LABELS_OK);
    assert_int_equal(labels_keygen(&other, &osec), LABELS_OK);
    const char *body = body_text("");
    uint8_t sig[LABELS_SIG_BYTES];
    assert_int_equal(
        labels_sign_detached(LABELS_DOMAIN_FEED, &sec, body, strlen(body), sig),
        LABELS_OK);
    char hex[2 * LABELS_SIG_BYTES + 1], text[8192];
    sodium_bin2hex(hex, sizeof hex, sig, sizeof sig);
    snprintf(text, sizeof text, "%ssig=%s\n", body, hex);

    size_t blen;
    uint8_t got[LABELS_SIG_BYTES], kid[LABELS_KEY_ID_BYTES];
    char err[256];
    assert_int_equal(
        manifest_envelope(text, strlen(text), &blen, got, kid, err, sizeof err),
        0);
    assert_int_equal(blen, strlen(body));
    assert_memory_equal(got, sig, sizeof sig);
    assert_int_equal(
        labels_verify_detached(LABELS_DOMAIN_FEED, &pub, text, blen, got),
        LABELS_OK);
    /* Another key, another domain, one changed byte: no. */
    assert_int_not_equal(
        labels_verify_detached(LABELS_DOMAIN_FEED, &other, text, blen, got),
        LABELS_OK);
    assert_int_not_equal(
        labels_verify_detached(LABELS_DOMAIN_FEED_KEY, &pub, text, blen, got),
        LABELS_OK);
    text[20] ^= 1;
    assert_int_not_equal(
        labels_verify_detached(LABELS_DOMAIN_FEED, &pub, text, blen, got),
        LABELS_OK);
    text[20] ^= 1;
    /* Text after the signature, no final newline, a NUL, bad hex. */
    char more[8300];
    snprintf(more, sizeof more, "%sversion=9\n", text);
    assert_int_not_equal(
        manifest_envelope(more, strlen(more), &blen, got, kid, err, sizeof err),
        0);
    assert_int_not_equal(manifest_envelope(text, strlen(text) - 1, &blen, got,
                                           kid, err, sizeof err),
                         0);
    snprintf(more, sizeof more, "%s", text);
    more[5] = 0;
    assert_int_not_equal(
        manifest_envelope(more, strlen(text), &blen, got, kid, err, sizeof err),
        0);
    snprintf(more, sizeof more, "%s", text);
    more[strlen(more) - 3] = 'g';
    assert_int_not_equal(
        manifest_envelope(more, strlen(more), &blen, got, kid, err, sizeof err),
        0);
    labels_seckey_wipe(&sec);
    labels_seckey_wipe(&osec);
}

static void iso_times(void **state)
{
    (void)state;
    time_t t;
    assert_int_equal(iso_time_parse("2026-11-29T13:00:00Z", &t), 0);
    char out[32];
    assert_int_equal(labels_time_iso(t, out), LABELS_OK);
    assert_string_equal(out, "2026-11-29T13:00:00Z");
    const char *bad[] = {"2026-11-29 13:00:00Z", "2026-11-29T13:00:00",
                         "2026-13-01T00:00:00Z", "2026-11-29T13:00:00Z ",
                         "2019-01-01T00:00:00Z", "",
                         "+026-11-29T13:00:00Z"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_not_equal(iso_time_parse(bad[i], &t), 0);
}

static void state_round_trip_and_staleness(void **state)
{
    (void)state;
    char path[] = "/tmp/test_feed_stateXXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    unlink(path);
    struct sync_state st, back;
    assert_int_equal(sync_state_read(path, &st), 0); /* missing: empty */
    assert_int_equal(st.version, 0);
    assert_true(sync_state_stale(&st, time(NULL)));
    char since[32];
    assert_true(sync_stale_since(path, time(NULL), since));
    assert_string_equal(since, "never");

    st.version = 42;
    memcpy(st.manifest_sha256, SHA, 65);
    snprintf(st.etag, sizeof st.etag, "\"abc-123\"");
    st.last_sync = 1795000000;
    st.expires = 1795600000;
    assert_int_equal(sync_state_write(path, &st), 0);
    assert_int_equal(sync_state_read(path, &back), 0);
    assert_int_equal(back.version, 42);
    assert_string_equal(back.manifest_sha256, SHA);
    assert_string_equal(back.etag, "\"abc-123\"");
    assert_int_equal(back.last_sync, 1795000000);
    assert_false(sync_state_stale(&back, 1795599999));
    assert_true(sync_state_stale(&back, 1795600001));
    /* A clock far behind the data's publish time cannot judge expiry. */
    st.published = 1794990000;
    assert_int_equal(sync_state_write(path, &st), 0);
    assert_int_equal(sync_state_read(path, &back), 0);
    assert_int_equal(back.published, 1794990000);
    assert_false(sync_state_stale(&back, 1794990000 - 3600));
    assert_true(sync_state_stale(&back, 1794990000 - 2 * 86400));
    assert_true(sync_state_stale(&back, 0));
    assert_false(sync_stale_since(path, 1795000001, since));
    char want[32];
    assert_int_equal(labels_time_iso(1795000000, want), LABELS_OK);
    assert_string_equal(since, want);
    unlink(path);
}

int main(void)
{
    if (labels_init() != LABELS_OK)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(good_manifest_parses),
        cmocka_unit_test(bad_lines_refuse_the_manifest),
        cmocka_unit_test(envelope_checks_shape_and_signature),
        cmocka_unit_test(iso_times),
        cmocka_unit_test(state_round_trip_and_staleness),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
