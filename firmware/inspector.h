/* inspector.h -- inspector mode (docs/inspectors.md): what a scanner or
 * keyboard line means, badge checks, the finding being recorded, and the
 * session rules (a badge starts, ends or refuses a session; a finding
 * needs a session and a product) that the service and `ocop-kiosk
 * inspect` both follow.
 *
 * Pure logic over labels.h and the scan log, so tests drive it without a
 * terminal; cmd/cmd_inspect.c and service/service_inspector.c do the
 * reading and printing. */
#ifndef OCOP_KIOSK_INSPECTOR_H
#define OCOP_KIOSK_INSPECTOR_H

#include "scan_log.h"
#include "verdict_pipeline.h"

#include <labels.h>
#include <stddef.h>
#include <stdint.h>

/* The five findings, in the order of their short codes F1..F5. */
#define INSPECTOR_FINDINGS LABELS_FD_COUNT_

enum inspector_line {
    INSP_LINE_EMPTY,   /* blank: ignored */
    INSP_LINE_BADGE,   /* "OCOPI:..." (any case prefix) */
    INSP_LINE_END,     /* "END": leave inspector mode */
    INSP_LINE_FINDING, /* "F1 note", "compliant: note", ... */
    INSP_LINE_SCAN,    /* anything else: a product's QR text */
};

/* What a line is. For a finding, *finding gets its index (0..4) and note
 * (SCAN_FINDING_NOTE_MAX + 1 bytes) the trimmed note; a note that is too
 * long or not valid UTF-8 text makes the line INSP_LINE_FINDING with
 * *finding = -1 and note holding the reason. */
enum inspector_line inspector_classify(const char *text, size_t len,
                                       int *finding, char *note);

/* Why a badge is refused, or INSP_BADGE_OK. */
enum inspector_badge_result {
    INSP_BADGE_OK = 0,
    INSP_BADGE_MALFORMED, /* does not parse */
    INSP_BADGE_UNTRUSTED, /* signed by a key this kiosk does not trust */
    INSP_BADGE_FORGED,    /* names a trusted key, signature fails */
    INSP_BADGE_EXPIRED,
    INSP_BADGE_REVOKED,
    INSP_BADGE_NO_LIST, /* the mirror cannot say if it is revoked */
};
/* A stable word for each result: ok, malformed, untrusted, forged,
 * expired, revoked, no_revocation_list. */
const char *inspector_badge_word(enum inspector_badge_result r);

/* Check a badge text against the trusted keys (nkeys of them), today and
 * the mirror's revoked_badges. out gets the parsed badge (when it
 * parses). */
enum inspector_badge_result inspector_check_badge(const char *text, size_t len,
                                                  const labels_pubkey *keys,
                                                  int nkeys, labels_mirror *m,
                                                  uint16_t today,
                                                  labels_badge *out);

/* One plain sentence for a badge result, for logs and screens. */
const char *inspector_badge_sentence(enum inspector_badge_result r);

/* Check a badge as this kiosk must: against the authority key of its
 * configuration and, after a feed key rotation that key signed, the
 * current feed key; as of today (never before the mirror's publish day);
 * against the mirror's revoked badges. */
enum inspector_badge_result inspector_check_badge_for(struct kiosk_verdicts *v,
                                                      const char *text,
                                                      size_t len,
                                                      labels_badge *out);

/* The state of one inspector session. */
struct inspector {
    int active;
    labels_badge badge;
    int have_product; /* findings are about the last product scanned */
    char product[16];
    char key_id[LABELS_KEY_ID_HEX_SIZE];
    char lot[16];
    uint32_t serial;
    int64_t scan_id;
};

/* The product a finding will be about: the last scan with a label. */
void inspector_set_product(struct inspector *in, const labels_facts *f,
                           int64_t scan_id);
/* Fill a finding record for the current product; -1 if there is none or
 * the mode is off. */
int inspector_make_finding(const struct inspector *in, int finding,
                           const char *note, int64_t now, finding_record *rec);

/* ---- The session rules, the same for the service and `inspect` -------- */

/* What a scanned badge did to the session. */
enum inspector_badge_effect {
    INSP_SESSION_STARTED, /* a new session (another inspector's ended) */
    INSP_SESSION_ENDED,   /* the same inspector's badge again: ended */
    INSP_SESSION_REFUSED, /* refused; a running session goes on */
    /* The current inspector's own badge, now refused (expired, or
     * revoked by a sync meanwhile): the session ends with it. */
    INSP_SESSION_REFUSED_ENDED,
};

/* A badge scanned: checked as inspector_check_badge_for() does (*r gets
 * the result, *b the badge when it parses), then the session in starts,
 * ends or goes on as the result says. */
enum inspector_badge_effect
inspector_badge_scanned(struct inspector *in, struct kiosk_verdicts *v,
                        const char *text, size_t len,
                        enum inspector_badge_result *r, labels_badge *b);

/* Why a finding was not recorded, or INSP_FINDING_RECORDED. */
enum inspector_finding_result {
    INSP_FINDING_RECORDED = 0,
    INSP_FINDING_NO_SESSION, /* no inspector badge scanned */
    INSP_FINDING_BAD_NOTE,   /* finding < 0: the note says why */
    INSP_FINDING_NO_PRODUCT, /* no label scanned in this session yet */
    INSP_FINDING_NO_LOG,     /* the scan log cannot be used */
    INSP_FINDING_LOG_FAILED, /* the scan log refused it (scan_log_error) */
};

/* Record finding (an index, or -1 with the reason in note, as
 * inspector_classify() gives them) about the session's current product
 * in log (NULL: not usable), at now; rec gets the row as written. */
enum inspector_finding_result
inspector_record_finding(const struct inspector *in, scan_log *log, int finding,
                         const char *note, int64_t now, finding_record *rec);

/* One plain sentence for a finding result that is not a log error (for
 * those the scan log says why). */
const char *inspector_finding_sentence(enum inspector_finding_result r);

#endif
