/* sign_policy.h -- may this key sign labels for this product today?
 *
 * Producers do not hold the registry, so the answer comes from the
 * authority's published mirror (docs/mirror.md), read with the labels
 * library's mirror reader, as the kiosks read it. The product must exist, be
 * 'rated' and not past its expiry date; the stars must be its current rating;
 * the key must be enrolled in the mirror for the product's producer, with the
 * same public key, and not revoked. */
#ifndef OCOP_HOST_SIGN_POLICY_H
#define OCOP_HOST_SIGN_POLICY_H

#include <labels.h>
#include <stddef.h>
#include <stdint.h>

enum {
    SIGN_POLICY_OK = 0,
    SIGN_POLICY_REFUSED = 1, /* the mirror says no; why says which rule */
    SIGN_POLICY_ERROR = 2,   /* the mirror could not be read; why says so */
};

/* Check signing product_code with stars (0: the current rating) using
 * key pub, as of label day today. On OK, *product holds the mirror's
 * record (the label text comes from it). why gets one sentence for any
 * other answer. */
int sign_policy_check(const char *mirror_path, const char *product_code,
                      int stars, const labels_pubkey *pub, uint16_t today,
                      labels_product *product, char *why, size_t whysz);

#endif
