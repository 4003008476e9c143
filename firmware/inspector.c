/* inspector.c -- inspector mode: line kinds, badge checks, findings and
 * the session rules the service and `ocop-kiosk inspect` share. */
#include "inspector.h"

#include <stdio.h>
#include <string.h>

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c; }

static int is_space(char c) { return c == ' ' || c == '\t'; }

/* Length of the finding keyword at the start of s (case-blind), setting
 * *idx; 0 if none. The keyword must end the line or be followed by a
 * space or ':' -- a label payload never contains either. */
static size_t keyword(const char *s, size_t n, int *idx)
{
    if (n >= 2 && lower(s[0]) == 'f' && s[1] >= '1' && s[1] <= '5' &&
        (n == 2 || is_space(s[2]) || s[2] == ':')) {
        *idx = s[1] - '1';
        return 2;
    }
    for (int i = 0; i < INSPECTOR_FINDINGS; i++) {
        const char *w = labels_finding_code((labels_finding)i);
        size_t wl = strlen(w), k;
        if (n < wl)
            continue;
        for (k = 0; k < wl && lower(s[k]) == w[k]; k++)
            ;
        if (k == wl && (n == wl || is_space(s[wl]) || s[wl] == ':')) {
            *idx = i;
            return wl;
        }
    }
    return 0;
}

enum inspector_line inspector_classify(const char *text, size_t len,
                                       int *finding, char *note)
{
    *finding = -1;
    note[0] = '\0';
    while (len && is_space(text[0]))
        text++, len--;
    while (len && is_space(text[len - 1]))
        len--;
    if (len == 0)
        return INSP_LINE_EMPTY;
    const size_t plen = sizeof LABELS_BADGE_PREFIX - 1;
    size_t k = 0;
    while (k < plen && k < len &&
           lower(text[k]) == lower(LABELS_BADGE_PREFIX[k]))
        k++;
    if (k == plen)
        return INSP_LINE_BADGE;
    if (len == 3 && lower(text[0]) == 'e' && lower(text[1]) == 'n' &&
        lower(text[2]) == 'd')
        return INSP_LINE_END;
    int idx;
    size_t kw = keyword(text, len, &idx);
    if (!kw)
        return INSP_LINE_SCAN;
    const char *p = text + kw;
    size_t n = len - kw;
    if (n && *p == ':')
        p++, n--;
    while (n && is_space(*p))
        p++, n--;
    if (n > SCAN_FINDING_NOTE_MAX) {
        snprintf(note, SCAN_FINDING_NOTE_MAX + 1,
                 "the note is longer than %d bytes", SCAN_FINDING_NOTE_MAX);
        return INSP_LINE_FINDING;
    }
    if (!labels_utf8_text_ok(p, n)) {
        snprintf(note, SCAN_FINDING_NOTE_MAX + 1,
                 "the note is not valid UTF-8 text");
        return INSP_LINE_FINDING;
    }
    memcpy(note, p, n);
    note[n] = '\0';
    *finding = idx;
    return INSP_LINE_FINDING;
}

const char *inspector_badge_word(enum inspector_badge_result r)
{
    switch (r) {
    case INSP_BADGE_OK: return "ok";
    case INSP_BADGE_MALFORMED: return "malformed";
    case INSP_BADGE_UNTRUSTED: return "untrusted";
    case INSP_BADGE_FORGED: return "forged";
    case INSP_BADGE_EXPIRED: return "expired";
    case INSP_BADGE_REVOKED: return "revoked";
    case INSP_BADGE_NO_LIST: return "no_revocation_list";
    }
    return "malformed";
}

enum inspector_badge_result inspector_check_badge(const char *text, size_t len,
                                                  const labels_pubkey *keys,
                                                  int nkeys, labels_mirror *m,
                                                  uint16_t today,
                                                  labels_badge *out)
{
    while (len && is_space(text[0]))
        text++, len--;
    while (len && is_space(text[len - 1]))
        len--;
    if (labels_badge_parse(text, len, out) != LABELS_OK)
        return INSP_BADGE_MALFORMED;
    int rc = LABELS_ERR_KEY_ID;
    for (int i = 0; i < nkeys && rc == LABELS_ERR_KEY_ID; i++)
        rc = labels_badge_verify(out, &keys[i], today);
    if (rc == LABELS_ERR_KEY_ID)
        return INSP_BADGE_UNTRUSTED;
    if (rc == LABELS_ERR_EXPIRED)
        return INSP_BADGE_EXPIRED;
    if (rc != LABELS_OK)
        return INSP_BADGE_FORGED;
    int revoked = 0;
    if (!m || labels_mirror_badge_revoked(m, out->inspector, &revoked, NULL) !=
                  LABELS_OK)
        return INSP_BADGE_NO_LIST;
    return revoked ? INSP_BADGE_REVOKED : INSP_BADGE_OK;
}

void inspector_set_product(struct inspector *in, const labels_facts *f,
                           int64_t scan_id)
{
    if (!f->have_label) {
        /* Not a label: a finding needs a product to be about. */
        in->have_product = 0;
        return;
    }
    in->have_product = 1;
    snprintf(in->product, sizeof in->product, "%s", f->label.product);
    labels_key_id_hex(f->label.key_id, in->key_id);
    snprintf(in->lot, sizeof in->lot, "%s", f->label.lot);
    in->serial = f->label.serial;
    in->scan_id = scan_id;
}

int inspector_make_finding(const struct inspector *in, int finding,
                           const char *note, int64_t now, finding_record *rec)
{
    if (!in->active || !in->have_product || finding < 0 ||
        finding >= INSPECTOR_FINDINGS)
        return -1;
    memset(rec, 0, sizeof *rec);
    rec->time = now;
    snprintf(rec->inspector, sizeof rec->inspector, "%s", in->badge.inspector);
    snprintf(rec->finding, sizeof rec->finding, "%s",
             labels_finding_code((labels_finding)finding));
    snprintf(rec->product, sizeof rec->product, "%s", in->product);
    snprintf(rec->key_id, sizeof rec->key_id, "%s", in->key_id);
    snprintf(rec->lot, sizeof rec->lot, "%s", in->lot);
    rec->serial = in->serial;
    rec->scan_id = in->scan_id;
    snprintf(rec->note, sizeof rec->note, "%s", note);
    return 0;
}

static uint16_t today_of(const struct kiosk_verdicts *v)
{
    uint16_t today;
    if (labels_date_today(&today) != LABELS_OK || today < v->floor_day)
        today = v->floor_day;
    return today;
}

const char *inspector_badge_sentence(enum inspector_badge_result r)
{
    switch (r) {
    case INSP_BADGE_OK: return "badge accepted";
    case INSP_BADGE_MALFORMED: return "this is not a readable inspector badge";
    case INSP_BADGE_UNTRUSTED:
        return "the badge is signed by a key this kiosk does not trust";
    case INSP_BADGE_FORGED: return "the badge's signature does not verify";
    case INSP_BADGE_EXPIRED: return "the badge has expired";
    case INSP_BADGE_REVOKED: return "the inspector's badges are revoked";
    case INSP_BADGE_NO_LIST:
        return "the mirror has no list of revoked badges (sync first)";
    }
    return "badge refused";
}

enum inspector_badge_result inspector_check_badge_for(struct kiosk_verdicts *v,
                                                      const char *text,
                                                      size_t len,
                                                      labels_badge *out)
{
    const struct kiosk_config *cfg = v->cfg;
    labels_pubkey keys[2];
    int nkeys = 0;
    if (cfg->have_authority)
        keys[nkeys++] = cfg->authority;
    /* After a feed key rotation the authority signs with the new key;
     * the state records it only for the root this config trusts. */
    char root[LABELS_KEY_ID_HEX_SIZE] = "";
    if (cfg->have_authority)
        labels_key_id_hex(cfg->authority.id, root);
    struct sync_state st;
    if (sync_state_read(cfg->state, &st) == 0 && st.have_feed_key &&
        !strcmp(st.root_key_id, root) &&
        memcmp(st.feed_key.pk, cfg->authority.pk, LABELS_PUBKEY_BYTES) != 0)
        keys[nkeys++] = st.feed_key;
    return inspector_check_badge(text, len, keys, nkeys, v->mirror, today_of(v),
                                 out);
}

enum inspector_badge_effect
inspector_badge_scanned(struct inspector *in, struct kiosk_verdicts *v,
                        const char *text, size_t len,
                        enum inspector_badge_result *r, labels_badge *b)
{
    memset(b, 0, sizeof *b);
    *r = inspector_check_badge_for(v, text, len, b);
    int same = *r != INSP_BADGE_MALFORMED && in->active &&
               !strcmp(b->inspector, in->badge.inspector);
    if (*r != INSP_BADGE_OK) {
        if (!same)
            return INSP_SESSION_REFUSED;
        memset(in, 0, sizeof *in);
        return INSP_SESSION_REFUSED_ENDED;
    }
    memset(in, 0, sizeof *in);
    if (same)
        return INSP_SESSION_ENDED;
    in->active = 1;
    in->badge = *b;
    return INSP_SESSION_STARTED;
}

enum inspector_finding_result
inspector_record_finding(const struct inspector *in, scan_log *log, int finding,
                         const char *note, int64_t now, finding_record *rec)
{
    if (!in->active)
        return INSP_FINDING_NO_SESSION;
    if (finding < 0)
        return INSP_FINDING_BAD_NOTE;
    if (inspector_make_finding(in, finding, note, now, rec) != 0)
        return INSP_FINDING_NO_PRODUCT;
    if (!log)
        return INSP_FINDING_NO_LOG;
    if (scan_log_finding_append(log, rec) != 0)
        return INSP_FINDING_LOG_FAILED;
    return INSP_FINDING_RECORDED;
}

const char *inspector_finding_sentence(enum inspector_finding_result r)
{
    switch (r) {
    case INSP_FINDING_RECORDED: return "finding recorded";
    case INSP_FINDING_NO_SESSION:
        return "findings need an inspector badge: scan it first";
    case INSP_FINDING_BAD_NOTE: return "the note cannot be recorded";
    case INSP_FINDING_NO_PRODUCT:
        return "scan the product's label before recording a finding";
    case INSP_FINDING_NO_LOG: return "no scan log";
    case INSP_FINDING_LOG_FAILED: return "the scan log refused the finding";
    }
    return "finding not recorded";
}
