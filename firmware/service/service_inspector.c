/* service_inspector.c -- inspector mode in the service: badges and
 * findings under inspector.c's session rules, logged, with the banner and
 * the product's previous findings for the screen (docs/inspectors.md). */
#include "service_int.h"

#include "log.h"

#include <stdio.h>
#include <string.h>

/* One line per earlier finding about a product, newest first. */
static int note_line(void *ctx, const finding_record *r)
{
    struct svc *s = ctx;
    size_t used = strlen(s->insp_notes);
    char day[LABELS_DATE_SIZE];
    if (labels_time_day(r->time, day) != LABELS_OK)
        snprintf(day, sizeof day, "?");
    snprintf(s->insp_notes + used, sizeof s->insp_notes - used,
             "%s%s %s (%s)%s%s", used ? "\n" : "", day,
             labels_finding_name_of(r->finding, s->lang), r->inspector,
             r->note[0] ? ": " : "", r->note);
    return 0;
}

void svc_inspector_notes(struct svc *s, const labels_facts *f)
{
    s->insp_notes[0] = '\0';
    if (!f->have_label || !s->v.log)
        return;
    int n = scan_log_findings_for(s->v.log, f->label.product, 4, note_line, s);
    kiosk_logl(KLOG_INFO,
               "inspector: %d previous finding(s) for %s shown%s%.*s", n,
               f->label.product, s->insp_notes[0] ? ": " : "",
               (int)strcspn(s->insp_notes, "\n"), s->insp_notes);
}

/* A sign on the screen for what an inspector just did. */
static void notice(struct svc *s, const char *kind, const char *text)
{
    snprintf(s->notice, sizeof s->notice, "%s", text);
    s->notice_kind = kind;
    s->notice_until = svc_mono_ms() + NOTICE_MS;
    s->shown[0] = '\0';
}

static void session_ended(struct svc *s, const char *inspector, const char *why)
{
    kiosk_logl(KLOG_INFO, "inspector %s: session ended (%s)", inspector, why);
    s->shown[0] = '\0';
}

void svc_inspector_leave(struct svc *s, const char *why)
{
    session_ended(s, s->insp.badge.inspector, why);
    memset(&s->insp, 0, sizeof s->insp);
}

/* A badge scanned: start (or, the same inspector's again, end) a session.
 * Refusals are logged and change nothing for shoppers. */
void svc_inspector_badge(struct svc *s, const char *text, size_t len)
{
    if (!s->v.mirror) {
        kiosk_logl(KLOG_WARNING, "inspector badge not checked: not ready");
        return;
    }
    labels_badge b;
    enum inspector_badge_result r;
    enum inspector_badge_effect e =
        inspector_badge_scanned(&s->insp, &s->v, text, len, &r, &b);
    if (e == INSP_SESSION_REFUSED || e == INSP_SESSION_REFUSED_ENDED) {
        kiosk_logl(KLOG_WARNING, "inspector badge refused (%s): %s",
                   inspector_badge_word(r), inspector_badge_sentence(r));
        notice(s, "badge_refused",
               screen_text(SCREEN_MSG_BADGE_REFUSED, s->lang));
        if (e == INSP_SESSION_REFUSED_ENDED)
            session_ended(s, b.inspector, inspector_badge_word(r));
        return;
    }
    if (e == INSP_SESSION_ENDED) {
        session_ended(s, b.inspector, "badge scanned again");
        return;
    }
    snprintf(s->insp_banner, sizeof s->insp_banner, "%s: %s (%s, %s)",
             screen_text(SCREEN_MSG_INSPECTOR, s->lang), b.name, b.inspector,
             b.province);
    s->shown[0] = '\0';
    kiosk_logl(KLOG_INFO, "inspector %s (%s): session started", b.inspector,
               b.province);
}

/* A finding typed or scanned in inspector mode, about the last product. */
void svc_inspector_finding(struct svc *s, int finding, const char *note)
{
    finding_record rec;
    enum inspector_finding_result r = inspector_record_finding(
        &s->insp, s->v.log, finding, note, (int64_t)time(NULL), &rec);
    switch (r) {
    case INSP_FINDING_RECORDED: break;
    case INSP_FINDING_NO_SESSION:
    case INSP_FINDING_NO_PRODUCT:
        kiosk_logl(KLOG_WARNING, "finding not recorded: %s",
                   inspector_finding_sentence(r));
        return;
    case INSP_FINDING_BAD_NOTE:
        kiosk_logl(KLOG_WARNING, "finding not recorded: %s", note);
        return;
    case INSP_FINDING_NO_LOG:
        kiosk_logl(KLOG_ERR, "finding not recorded: %s", s->v.log_problem);
        return;
    case INSP_FINDING_LOG_FAILED:
        kiosk_logl(KLOG_ERR, "finding not recorded: %s",
                   scan_log_error(s->v.log));
        return;
    }
    char line[sizeof s->notice];
    snprintf(line, sizeof line,
             screen_text(SCREEN_MSG_FINDING_RECORDED, s->lang),
             labels_finding_name_of(rec.finding, s->lang));
    notice(s, "finding_recorded", line);
    kiosk_logl(KLOG_INFO,
               "finding %s recorded: inspector=%s product=%s "
               "serial=%u id=%lld",
               rec.finding, s->insp.badge.inspector, s->insp.product,
               (unsigned)s->insp.serial, (long long)rec.id);
}
