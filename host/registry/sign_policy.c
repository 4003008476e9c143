/* sign_policy.c -- the signing rules, checked against the mirror file
 * through the labels library's mirror reader (the verdict engine's). */
#include "registry/registry.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int say(char *why, size_t whysz, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int say(char *why, size_t whysz, int rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (why && whysz)
        vsnprintf(why, whysz, fmt, ap);
    va_end(ap);
    return rc;
}

/* The key's row in the mirror against the rules. */
static int check_key(labels_mirror *m, const labels_product *p,
                     const labels_pubkey *pub, char *why, size_t whysz)
{
    char hex[LABELS_KEY_ID_HEX_SIZE];
    labels_key_id_hex(pub->id, hex);
    labels_mirror_key k;
    int rc = labels_mirror_key_get(m, pub->id, &k);
    if (rc == LABELS_ERR_NOT_FOUND)
        return say(why, whysz, SIGN_POLICY_REFUSED,
                   "key %s is not enrolled in the mirror; send its public "
                   "key file to the authority",
                   hex);
    if (rc != LABELS_OK)
        return say(why, whysz, SIGN_POLICY_ERROR,
                   "cannot read key %s from the mirror: %s", hex,
                   labels_strerror(rc));
    if (strcmp(k.producer, p->producer_code))
        return say(why, whysz, SIGN_POLICY_REFUSED,
                   "key %s is enrolled for producer %s, not for %s, the "
                   "producer of %s",
                   hex, k.producer, p->producer_code, p->code);
    if (memcmp(k.pub.pk, pub->pk, LABELS_PUBKEY_BYTES))
        return say(why, whysz, SIGN_POLICY_REFUSED,
                   "key %s does not match the public key the mirror holds "
                   "under that ID",
                   hex);
    if (*k.revoked)
        return say(why, whysz, SIGN_POLICY_REFUSED,
                   "key %s was revoked on %s%s%s; use the producer's "
                   "current key",
                   hex, k.revoked, *k.reason ? " as " : "", k.reason);
    return SIGN_POLICY_OK;
}

int sign_policy_check(const char *mirror_path, const char *product_code,
                      int stars, const labels_pubkey *pub, uint16_t today,
                      labels_product *product, char *why, size_t whysz)
{
    if (!mirror_path || !product_code || !pub || !product)
        return say(why, whysz, SIGN_POLICY_ERROR, "bad arguments");
    labels_mirror *m = NULL;
    if (labels_mirror_open(mirror_path, &m) != LABELS_OK)
        return say(why, whysz, SIGN_POLICY_ERROR,
                   "%s is not a mirror of schema version %d (missing, "
                   "corrupt or of another version)",
                   mirror_path, LABELS_MIRROR_SCHEMA_VERSION);
    labels_product *p = product;
    int rc;
    int got = labels_mirror_product(m, product_code, p);
    char today_iso[LABELS_DATE_SIZE];
    labels_date_format(today, today_iso);
    if (got == LABELS_ERR_NOT_FOUND) {
        rc = say(why, whysz, SIGN_POLICY_REFUSED,
                 "product %s is not in the mirror", product_code);
    } else if (got != LABELS_OK) {
        rc = say(why, whysz, SIGN_POLICY_ERROR,
                 "cannot read product %s from the mirror: %s", product_code,
                 labels_strerror(got));
    } else if (strcmp(p->status, "rated")) {
        rc = say(why, whysz, SIGN_POLICY_REFUSED,
                 "product %s is %s%s%s%s%s, not rated: no labels may be signed",
                 p->code, p->status, *p->status_date ? " since " : "",
                 p->status_date, *p->status_reason ? ": " : "",
                 p->status_reason);
    } else if (strcmp(p->expires, today_iso) < 0) {
        /* ISO dates compare as strings. */
        rc = say(why, whysz, SIGN_POLICY_REFUSED,
                 "the rating of product %s expired on %s", p->code, p->expires);
    } else if (stars && stars != p->stars) {
        rc = say(why, whysz, SIGN_POLICY_REFUSED,
                 "product %s is rated %d stars, not %d%s", p->code, p->stars,
                 stars,
                 p->proposed5 ? " (proposed for 5, not yet decided)" : "");
    } else {
        rc = check_key(m, p, pub, why, whysz);
    }
    labels_mirror_close(m);
    return rc;
}
