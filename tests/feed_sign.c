/* feed_sign.c -- test helper: sign a manifest body read from stdin with a
 * feed key, as the publisher does, so tests can craft manifests the
 * authority's key really signed (a publisher bug, a stolen key).
 * usage: feed_sign KEY.sec < BODY > MANIFEST */
#include <labels.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: feed_sign KEY.sec < BODY > MANIFEST\n");
        return 2;
    }
    labels_seckey sec;
    if (labels_init() != LABELS_OK ||
        labels_seckey_read(argv[1], &sec) != LABELS_OK) {
        fprintf(stderr, "feed_sign: cannot read %s\n", argv[1]);
        return 3;
    }
    static char body[1 << 16];
    size_t n = fread(body, 1, sizeof body, stdin);
    uint8_t sig[LABELS_SIG_BYTES];
    int rc = labels_sign_detached(LABELS_DOMAIN_FEED, &sec, body, n, sig);
    labels_seckey_wipe(&sec);
    if (ferror(stdin) || n == sizeof body || rc != LABELS_OK)
        return 3;
    char hex[2 * LABELS_SIG_BYTES + 1];
    sodium_bin2hex(hex, sizeof hex, sig, sizeof sig);
    if (fwrite(body, 1, n, stdout) != n || printf("sig=%s\n", hex) < 0)
        return 3;
    return 0;
}
