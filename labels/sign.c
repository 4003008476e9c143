/* sign.c -- domain-separated Ed25519 signatures. */
#include "labels.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

/* Each tag is followed by a NUL in the signed bytes, so no tag is a
 * prefix of another's signed message. */
static const char *const tags[LABELS_DOMAIN_COUNT_] = {
    [LABELS_DOMAIN_LABEL] = "OCOP-LABEL-V1",
    [LABELS_DOMAIN_FEED] = "OCOP-FEED-V1",
    [LABELS_DOMAIN_FEED_KEY] = "OCOP-FEEDKEY-V1",
    [LABELS_DOMAIN_SCANS] = "OCOP-SCANS-V1",
    [LABELS_DOMAIN_BADGE] = "OCOP-BADGE-V1",
};

/* tag NUL msg, in buf if it fits, else on the heap. */
static uint8_t *framed(labels_domain d, const void *msg, size_t len,
                       uint8_t *buf, size_t bufsz, size_t *outlen)
{
    size_t tlen = strlen(tags[d]) + 1;
    if (len > SIZE_MAX - tlen)
        return NULL;
    uint8_t *p = tlen + len <= bufsz ? buf : malloc(tlen + len);
    if (!p)
        return NULL;
    memcpy(p, tags[d], tlen);
    if (len)
        memcpy(p + tlen, msg, len);
    *outlen = tlen + len;
    return p;
}

static int domain_ok(labels_domain d)
{
    return d > 0 && d < LABELS_DOMAIN_COUNT_;
}

int labels_sign_detached(labels_domain domain, const labels_seckey *sec,
                         const void *msg, size_t len,
                         uint8_t sig[LABELS_SIG_BYTES])
{
    if (!domain_ok(domain) || !sec || !sig || (!msg && len))
        return LABELS_ERR_ARG;
    uint8_t buf[256];
    size_t n;
    uint8_t *m = framed(domain, msg, len, buf, sizeof buf, &n);
    if (!m)
        return LABELS_ERR_NOMEM;
    int rc = crypto_sign_detached(sig, NULL, m, n, sec->sk);
    if (m != buf)
        free(m);
    return rc == 0 ? LABELS_OK : LABELS_ERR_CRYPTO;
}

int labels_verify_detached(labels_domain domain, const labels_pubkey *pub,
                           const void *msg, size_t len,
                           const uint8_t sig[LABELS_SIG_BYTES])
{
    if (!domain_ok(domain) || !pub || !sig || (!msg && len))
        return LABELS_ERR_ARG;
    uint8_t buf[256];
    size_t n;
    uint8_t *m = framed(domain, msg, len, buf, sizeof buf, &n);
    if (!m)
        return LABELS_ERR_NOMEM;
    int rc = crypto_sign_verify_detached(sig, m, n, pub->pk);
    if (m != buf)
        free(m);
    return rc == 0 ? LABELS_OK : LABELS_ERR_SIGNATURE;
}
