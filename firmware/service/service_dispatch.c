/* service_dispatch.c -- every code from the camera or the scanner: an
 * inspector line, the language card, or a verdict for the screen and the
 * log; and the mirror the verdicts come from. */
#include "service_int.h"

#include "log.h"

#include <stdio.h>
#include <string.h>

void svc_mirror_opened(struct svc *s)
{
    s->next_stale_check = 0;
    int64_t version;
    char published[32];
    if (s->v.mirror &&
        labels_mirror_info(s->v.mirror, &version, published) == LABELS_OK) {
        kiosk_logl(KLOG_INFO, "ready: mirror version %lld published %s",
                   (long long)version, published);
    }
}

void svc_mirror_reload(struct svc *s)
{
    int was_ready = s->v.mirror != NULL;
    if (verdicts_reload(&s->v) == 0) {
        s->not_ready_warned = 0;
        svc_mirror_opened(s);
    } else if (was_ready || !s->not_ready_warned) {
        kiosk_logl(KLOG_WARNING, "not ready: %s", s->v.not_ready);
        s->not_ready_warned = 1;
    }
}

void svc_judge(struct svc *s, const char *source, const char *text, size_t len)
{
    struct kiosk_verdict kv;
    int64_t t0 = svc_mono_ms();
    if (verdicts_check(&s->v, text, len, &kv) != 0) {
        kiosk_logl(KLOG_WARNING, "%s scan not judged: not ready: %s", source,
                   s->v.not_ready);
        s->verdict_until = 0;
        return;
    }
    const labels_facts *f = &kv.facts;
    kiosk_logl(KLOG_INFO, "verdict %s%s: %s product=%s scan_id=%lld (%lld ms)",
               labels_verdict_word(f->verdict), kv.stale ? " (stale data)" : "",
               source, f->have_label ? f->label.product : "-",
               (long long)kv.scan_id, (long long)(svc_mono_ms() - t0));
    if (s->v.log_problem[0]) {
        if (!s->log_warned)
            kiosk_logl(KLOG_ERR, "scan log: %s (verdicts continue)",
                       s->v.log_problem);
        s->log_warned = 1;
    } else if (s->log_warned) {
        kiosk_logl(KLOG_INFO, "scan log: writing again");
        s->log_warned = 0;
    }
    if (s->insp.active) {
        inspector_set_product(&s->insp, f, kv.scan_id);
        svc_inspector_notes(s, f);
    }
    s->facts = kv.facts;
    s->verdict_stale = kv.stale;
    s->verdict_until = svc_mono_ms() + s->cfg.verdict_seconds * 1000;
    s->shown[0] = '\0';
    /* Recount the scans waiting for upload soon, not at every scan. */
    int64_t soon = svc_mono_ms() + 2000;
    if (s->next_stats > soon)
        s->next_stats = soon;
}

/* The language card (a printed code, [screen] language_code) switches
 * the language instead of being judged. */
static int language_card(struct svc *s, const char *text, size_t len)
{
    if (len != strlen(s->cfg.language_code) ||
        memcmp(text, s->cfg.language_code, len))
        return 0;
    s->lang = labels_lang_toggle(s->lang);
    kiosk_logl(KLOG_INFO, "language: %s", labels_lang_code(s->lang));
    return 1;
}

/* "F9 test", "f0", "F12: x": an inspector's mistyped finding code. No
 * label's text looks like this (a URL, or a base32 payload without
 * spaces), so in inspector mode it is refused, never judged and logged as
 * a shopper's scan (issue 11). */
static int mistyped_command(const char *text, size_t len)
{
    if (len < 2 || (text[0] != 'F' && text[0] != 'f'))
        return 0;
    size_t i = 1;
    while (i < len && text[i] >= '0' && text[i] <= '9')
        i++;
    return i > 1 && (i == len || text[i] == ' ' || text[i] == ':');
}

/* Every code or line, from any input: inspector lines first, then the
 * language card, then a verdict. */
void svc_dispatch(struct svc *s, const char *source, const char *text,
                  size_t len, int typed)
{
    int finding;
    char note[SCAN_FINDING_NOTE_MAX + 1];
    switch (inspector_classify(text, len, &finding, note)) {
    case INSP_LINE_EMPTY: return;
    case INSP_LINE_BADGE: svc_inspector_badge(s, text, len); return;
    case INSP_LINE_END:
        if (s->insp.active) {
            svc_inspector_leave(s, "END");
            return;
        }
        break;
    case INSP_LINE_FINDING:
        /* Findings are typed (keyboard or scanner), never seen by the
         * camera on a pack. */
        if (typed && s->insp.active) {
            svc_inspector_finding(s, finding, note);
            return;
        }
        break;
    case INSP_LINE_SCAN:
        if (typed && s->insp.active && mistyped_command(text, len)) {
            kiosk_logl(KLOG_WARNING,
                       "inspector: '%.*s' refused: not a finding code "
                       "(F1..F5) and not judged as a scan",
                       (int)(len > 16 ? 16 : len), text);
            return;
        }
        break;
    }
    if (!language_card(s, text, len))
        svc_judge(s, source, text, len);
}
