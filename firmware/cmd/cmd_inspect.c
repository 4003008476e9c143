/* cmd_inspect.c -- ocop-kiosk inspect: scanner or keyboard lines on stdin
 * in a session where an inspector's badge unlocks the full record of each
 * product and the recording of findings (docs/inspectors.md). */
#include "cli_args.h"
#include "commands.h"
#include "inspector.h"
#include "json_line.h"
#include "log.h"
#include "verdict_pipeline.h"
#include "wedge.h"

#include <getopt.h>
#include <labels.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PREVIOUS_MAX 20 /* previous findings shown per product */

struct session {
    struct kiosk_verdicts v;
    struct inspector in;
    int json;
    int refused; /* a badge or finding was refused */
    int failed;  /* not ready, or a finding could not be kept */
};

/* Print an error line (JSON or text) for the line just read. */
static void say_error(struct session *s, const char *kind, const char *why)
{
    s->refused = 1;
    if (s->json) {
        json_line l;
        json_line_begin(&l);
        labels_json_cstr(&l.j, "kind", kind);
        labels_json_cstr(&l.j, "status", "error");
        labels_json_cstr(&l.j, "error", why);
        if (json_line_print(&l) != 0)
            s->failed = 1;
    } else {
        printf("error: %s\n", why);
    }
}

static void say_mode(struct session *s, const char *how)
{
    if (s->json) {
        json_line l;
        json_line_begin(&l);
        labels_json_cstr(&l.j, "kind", "mode");
        labels_json_cstr(&l.j, "mode", s->in.active ? "inspector" : "normal");
        labels_json_cstr(&l.j, "how", how);
        if (s->in.active) {
            char until[LABELS_DATE_SIZE];
            labels_date_format(s->in.badge.valid_until, until);
            labels_json_cstr(&l.j, "inspector", s->in.badge.inspector);
            labels_json_cstr(&l.j, "name", s->in.badge.name);
            labels_json_cstr(&l.j, "province", s->in.badge.province);
            labels_json_cstr(&l.j, "valid_until", until);
        }
        if (json_line_print(&l) != 0)
            s->failed = 1;
    } else if (s->in.active) {
        printf("inspector mode: %s (%s), %s\n", s->in.badge.name,
               s->in.badge.inspector, s->in.badge.province);
    } else {
        printf("inspector mode off (%s)\n", how);
    }
}

/* A badge: the session rules are inspector.c's; this says what they did. */
static void on_badge(struct session *s, const char *text, size_t len)
{
    if (!s->v.mirror && verdicts_reload(&s->v) != 0) {
        say_error(s, "badge", s->v.not_ready);
        s->failed = 1;
        return;
    }
    labels_badge b;
    enum inspector_badge_result r;
    switch (inspector_badge_scanned(&s->in, &s->v, text, len, &r, &b)) {
    case INSP_SESSION_STARTED: say_mode(s, "badge"); return;
    case INSP_SESSION_ENDED: say_mode(s, "badge"); return;
    case INSP_SESSION_REFUSED:
    case INSP_SESSION_REFUSED_ENDED: break;
    }
    s->refused = 1;
    if (s->json) {
        json_line l;
        json_line_begin(&l);
        labels_json_cstr(&l.j, "kind", "badge");
        labels_json_cstr(&l.j, "status", "refused");
        labels_json_cstr(&l.j, "reason", inspector_badge_word(r));
        labels_json_cstr(&l.j, "error", inspector_badge_sentence(r));
        if (r != INSP_BADGE_MALFORMED)
            labels_json_cstr(&l.j, "inspector", b.inspector);
        labels_json_cstr(&l.j, "mode", s->in.active ? "inspector" : "normal");
        if (json_line_print(&l) != 0)
            s->failed = 1;
    } else {
        printf("badge refused: %s\n", inspector_badge_sentence(r));
    }
    kiosk_log("badge refused: %s", inspector_badge_word(r));
}

static int previous_json(void *ctx, const finding_record *r)
{
    struct session *s = ctx;
    char when[32];
    (void)labels_time_iso((time_t)r->time, when);
    json_line l;
    json_line_begin(&l);
    labels_json_cstr(&l.j, "kind", "previous_finding");
    labels_json_int(&l.j, "finding_id", r->id);
    labels_json_cstr(&l.j, "time", when);
    labels_json_cstr(&l.j, "inspector", r->inspector);
    labels_json_cstr(&l.j, "finding", r->finding);
    labels_json_cstr(&l.j, "product", r->product);
    labels_json_cstr(&l.j, "lot", r->lot);
    labels_json_int(&l.j, "serial", r->serial);
    labels_json_cstr(&l.j, "note", r->note);
    if (json_line_print(&l) != 0)
        s->failed = 1;
    return 0;
}

static int previous_text(void *ctx, const finding_record *r)
{
    (void)ctx;
    char when[32];
    (void)labels_time_iso((time_t)r->time, when);
    printf("  finding %s by %s: %s (lot %s serial %u) %s\n", when, r->inspector,
           r->finding, r->lot, (unsigned)r->serial, r->note);
    return 0;
}

static int count_one(void *ctx, const finding_record *r)
{
    (void)r;
    (*(int *)ctx)++;
    return 0;
}

static void on_scan(struct session *s, const char *text, size_t len)
{
    struct kiosk_verdict kv;
    if (verdicts_check(&s->v, text, len, &kv) != 0) {
        say_error(s, "scan", s->v.not_ready);
        s->failed = 1;
        return;
    }
    const labels_facts *f = &kv.facts;
    if (s->in.active)
        inspector_set_product(&s->in, f, kv.scan_id);
    int previous = 0;
    if (s->in.active && f->have_label && s->v.log &&
        scan_log_findings_for(s->v.log, f->label.product, PREVIOUS_MAX,
                              count_one, &previous) < 0)
        kiosk_log("%s", scan_log_error(s->v.log));
    if (s->json) {
        json_line l;
        json_line_begin(&l);
        labels_json_cstr(&l.j, "kind", "scan");
        labels_json_cstr(&l.j, "mode", s->in.active ? "inspector" : "normal");
        labels_json_str(&l.j, "text", text, len);
        /* The verdict's fields as everywhere (docs/verdicts.md); the
         * full record is for inspectors only. */
        labels_json_facts(
            &l.j, f, s->in.active ? LABELS_FACTS_FULL : LABELS_FACTS_PUBLIC);
        labels_json_bool(&l.j, "stale", kv.stale);
        labels_json_cstr(&l.j, "data_since", kv.since);
        if (s->in.active)
            labels_json_int(&l.j, "previous_findings", previous);
        labels_json_int(&l.j, "scan_id", kv.scan_id);
        if (json_line_print(&l) != 0)
            s->failed = 1;
    } else {
        printf("%s%s\n", labels_verdict_word(f->verdict),
               kv.stale ? " (stale data)" : "");
        if (f->have_product && s->in.active) {
            const labels_product *p = &f->product;
            printf("  %s (%s), %s %s (%s), %s; %d stars; %s%s%s\n"
                   "  certificate %s, %s to %s\n",
                   p->name, p->code, p->producer_name, p->producer_code,
                   p->producer_kind, p->province, p->stars, p->status,
                   p->status_reason[0] ? ": " : "", p->status_reason,
                   p->certificate, p->certified, p->expires);
        } else if (f->have_product) {
            printf("  %s, %s\n", f->product.name, f->product.producer_name);
        }
    }
    if (s->in.active && f->have_label && s->v.log && previous > 0)
        scan_log_findings_for(s->v.log, f->label.product, PREVIOUS_MAX,
                              s->json ? previous_json : previous_text, s);
}

static void on_finding(struct session *s, int finding, const char *note)
{
    finding_record rec;
    enum inspector_finding_result r = inspector_record_finding(
        &s->in, s->v.log, finding, note, (int64_t)time(NULL), &rec);
    switch (r) {
    case INSP_FINDING_RECORDED: break;
    case INSP_FINDING_BAD_NOTE: say_error(s, "finding", note); return;
    case INSP_FINDING_NO_SESSION:
    case INSP_FINDING_NO_PRODUCT:
        say_error(s, "finding", inspector_finding_sentence(r));
        return;
    case INSP_FINDING_NO_LOG:
        say_error(s, "finding",
                  s->v.log_problem[0] ? s->v.log_problem
                                      : inspector_finding_sentence(r));
        s->failed = 1;
        return;
    case INSP_FINDING_LOG_FAILED:
        say_error(s, "finding", scan_log_error(s->v.log));
        s->failed = 1;
        return;
    }
    if (s->json) {
        json_line l;
        json_line_begin(&l);
        labels_json_cstr(&l.j, "kind", "finding");
        labels_json_cstr(&l.j, "status", "recorded");
        labels_json_int(&l.j, "finding_id", rec.id);
        labels_json_cstr(&l.j, "inspector", rec.inspector);
        labels_json_cstr(&l.j, "finding", rec.finding);
        labels_json_cstr(&l.j, "product", rec.product);
        labels_json_cstr(&l.j, "lot", rec.lot);
        labels_json_int(&l.j, "serial", rec.serial);
        labels_json_int(&l.j, "scan_id", rec.scan_id);
        labels_json_cstr(&l.j, "note", rec.note);
        if (json_line_print(&l) != 0)
            s->failed = 1;
    } else {
        printf("finding %lld recorded: %s on %s lot %s serial %u\n",
               (long long)rec.id, rec.finding, rec.product, rec.lot,
               (unsigned)rec.serial);
    }
}

static int on_line(void *ctx, const char *text, size_t len, int overflow)
{
    struct session *s = ctx;
    if (overflow) {
        /* Longer than any label or badge: judged as a scan, as in
         * check, so it is logged and answered not_ocop. */
        on_scan(s, text, len);
        return 0;
    }
    int finding;
    char note[SCAN_FINDING_NOTE_MAX + 1];
    switch (inspector_classify(text, len, &finding, note)) {
    case INSP_LINE_EMPTY: break;
    case INSP_LINE_BADGE: on_badge(s, text, len); break;
    case INSP_LINE_END:
        if (!s->in.active) {
            say_error(s, "mode", "not in inspector mode");
        } else {
            memset(&s->in, 0, sizeof s->in);
            say_mode(s, "end");
        }
        break;
    case INSP_LINE_FINDING: on_finding(s, finding, note); break;
    case INSP_LINE_SCAN: on_scan(s, text, len); break;
    }
    fflush(stdout);
    return 0;
}

int cmd_inspect(int argc, char **argv)
{
    static const char usage[] =
        "usage: ocop-kiosk inspect [--config FILE] [--json]\n"
        "Reads scanner or keyboard lines on standard input. An inspector's\n"
        "badge turns inspector mode on (full records, findings); END or the\n"
        "same badge again turns it off. A finding is F1..F5 or compliant,\n"
        "label_misuse, expired_on_sale, quality_complaint,\n"
        "suspected_counterfeit, then an optional note. Exit 0, 1 if a badge\n"
        "or finding was refused, 3 not ready or a finding not kept.";
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *config = KIOSK_CONFIG_DEFAULT;
    struct session s;
    memset(&s, 0, sizeof s);
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "c:jh", opts, NULL)) != -1) {
        switch (c) {
        case 'c': config = optarg; break;
        case 'j': s.json = 1; break;
        case 'h': puts(usage); return LABELS_EXIT_OK;
        default: return LABELS_EXIT_USAGE;
        }
    }
    if (optind != argc) {
        kiosk_log("inspect reads standard input and takes no arguments");
        return LABELS_EXIT_USAGE;
    }
    struct kiosk_config cfg;
    if (kiosk_cli_load(config, &cfg) != 0)
        return LABELS_EXIT_FAIL;
    if (!cfg.have_authority) {
        kiosk_log("%s: inspect needs [feed] authority_key to check badges",
                  config);
        return LABELS_EXIT_FAIL;
    }
    verdicts_open(&s.v, &cfg);
    if (!s.v.mirror)
        kiosk_log("not ready: %s", s.v.not_ready);
    if (s.v.log_problem[0])
        kiosk_log("scan log: %s", s.v.log_problem);
    wedge w;
    wedge_init(&w, 0);
    char buf[4096];
    ssize_t n;
    while ((n = read(STDIN_FILENO, buf, sizeof buf)) > 0)
        wedge_bytes(&w, buf, (size_t)n, 0, on_line, &s);
    /* A last line without its Enter still counts. */
    wedge_bytes(&w, "\n", 1, 0, on_line, &s);
    verdicts_close(&s.v);
    if (fflush(stdout) != 0) {
        kiosk_log("cannot write the results");
        return LABELS_EXIT_FAIL;
    }
    if (s.failed)
        return LABELS_EXIT_FAIL;
    return s.refused ? LABELS_EXIT_NO : LABELS_EXIT_OK;
}
