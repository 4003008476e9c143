/* verdict.c -- one verdict word per QR text, decided in the fixed order of
 * docs/verdicts.md: the first check that fails names the verdict. */
#include "mirror_private.h"

#include <string.h>

/* Days of clock disagreement forgiven around "today" and a key's
 * enrolment: producers date labels in local time (UTC+7) while label days
 * are UTC, and a kiosk's clock may lag. */
#define DATE_SLACK_DAYS 1

static void iso_day(long days, char out[LABELS_DATE_SIZE])
{
    if (days < 0)
        days = 0;
    if (days > UINT16_MAX)
        days = UINT16_MAX;
    labels_date_format((uint16_t)days, out);
}

/* Step 5: does the key still vouch for a label issued on that day? A
 * superseded key keeps vouching for what it signed before it was
 * replaced; a compromised key vouches for nothing, since whoever stole it
 * can print any date. A revocation without a reason, or a supersession
 * without a date, is treated as the stricter case. */
static int key_vouches(const labels_mirror_key *key, const char *issued_iso,
                       char status[16])
{
    int revoked = key->revoked[0] || key->reason[0];
    if (!revoked) {
        memcpy(status, "active", 7);
        return 1;
    }
    if (strcmp(key->reason, "superseded") == 0) {
        memcpy(status, "superseded", 11);
        return key->revoked[0] && strcmp(issued_iso, key->revoked) < 0;
    }
    memcpy(status, "compromised", 12);
    return 0;
}

static int found(labels_facts *f, labels_verdict v)
{
    f->verdict = v;
    return LABELS_OK;
}

const char *labels_status_effective(const char *status, const char *expires,
                                    const char *today)
{
    if (!status)
        return "";
    if (expires && today && strcmp(status, "rated") == 0 &&
        strcmp(expires, today) < 0)
        return "expired";
    return status;
}

/* Steps 2 to 12 for a text that parsed; an error only if the mirror
 * failed or broke its schema. */
static int decide(labels_mirror *m, const char *text, size_t len,
                  uint16_t today, labels_facts *f)
{
    const labels_label *lab = &f->label;
    labels_mirror_key key;
    int rc = labels_mirror_key_get(m, lab->key_id, &key);
    if (rc == LABELS_ERR_NOT_FOUND)
        return found(f, LABELS_V_UNKNOWN_SIGNER);
    if (rc != LABELS_OK)
        return rc;
    if (labels_verify(lab, &key.pub) != LABELS_OK)
        return found(f, LABELS_V_FORGED);
    /* The signature covers the payload, not the address around it: a
     * genuine payload copied under another host sends every phone to
     * that host. A bare payload (a scanner's text) has no address. */
    const char *host;
    size_t hlen;
    if (labels_url_host(text, len, &host, &hlen) != LABELS_OK)
        return LABELS_ERR_MIRROR;
    if (hlen && !labels_mirror_host_check(m, host, hlen))
        return found(f, LABELS_V_WRONG_HOST);

    char issued[LABELS_DATE_SIZE];
    iso_day(lab->issued, issued);
    if (!key_vouches(&key, issued, f->key_status))
        return found(f, LABELS_V_SIGNER_REVOKED);
    /* Nobody prints a label tomorrow: a date beyond the slack is a label
     * its signer made wrongly, which we cannot vouch for. */
    if ((long)lab->issued > (long)today + DATE_SLACK_DAYS) {
        f->parse_error = LABELS_ERR_FIELD;
        return found(f, LABELS_V_MALFORMED);
    }

    rc = labels_mirror_product(m, lab->product, &f->product);
    if (rc == LABELS_ERR_NOT_FOUND)
        return found(f, LABELS_V_UNKNOWN_PRODUCT);
    if (rc != LABELS_OK)
        return rc;
    f->have_product = 1;

    /* The key must belong to the product's producer, and must have been
     * enrolled when the label says it was issued: a label dated before
     * its key existed is backdated. */
    char issued_late[LABELS_DATE_SIZE];
    iso_day((long)lab->issued + DATE_SLACK_DAYS, issued_late);
    if (strcmp(key.producer, f->product.producer_code) != 0 ||
        strcmp(issued_late, key.enrolled) < 0)
        return found(f, LABELS_V_SIGNER_NOT_ENROLLED);

    int cloned;
    rc = labels_mirror_clone_get(m, lab, &cloned);
    if (rc != LABELS_OK)
        return rc;
    if (cloned)
        return found(f, LABELS_V_CLONE_REPORTED);

    /* Today's certification decides, whatever the label's date: the
     * shopper is buying now, and a label printed while the product was
     * still rated does not make it rated today. */
    char now[LABELS_DATE_SIZE];
    iso_day(today, now);
    const char *status =
        labels_status_effective(f->product.status, f->product.expires, now);
    if (strcmp(status, "revoked") == 0)
        return found(f, LABELS_V_REVOKED);
    if (strcmp(status, "suspended") == 0)
        return found(f, LABELS_V_SUSPENDED);
    if (strcmp(status, "expired") == 0)
        return found(f, LABELS_V_EXPIRED);
    if (strcmp(status, "rated") != 0)
        return LABELS_ERR_MIRROR;

    if (lab->stars != f->product.stars)
        return found(f, LABELS_V_RATING_CHANGED);
    return found(f, LABELS_V_GENUINE);
}

int labels_check(labels_mirror *m, const char *text, size_t len, uint16_t today,
                 labels_facts *facts)
{
    if (!m || !facts || (!text && len))
        return LABELS_ERR_ARG;
    memset(facts, 0, sizeof *facts);
    int rc = labels_parse(text, len, &facts->label);
    if (rc != LABELS_OK) {
        /* A half-parsed label is no fact to show. */
        memset(&facts->label, 0, sizeof facts->label);
        facts->parse_error = rc;
        facts->verdict =
            rc == LABELS_ERR_NOT_LABEL ? LABELS_V_NOT_OCOP : LABELS_V_MALFORMED;
        return LABELS_OK;
    }
    facts->have_label = 1;
    rc = decide(m, text, len, today, facts);
    /* Out of range on purpose: a caller that ignores the error shows
     * "unknown", never "genuine". */
    if (rc != LABELS_OK)
        facts->verdict = LABELS_V_COUNT_;
    return rc;
}
