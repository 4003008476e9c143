/* answer.c -- ocop-kiosk scan's and check's answer for one QR text:
 * judged through the verdict pipeline, printed as text or one JSON
 * object per line. */
#include "answer.h"
#include "cli_args.h"

#include "commands.h"
#include "json_line.h"
#include "log.h"

#include <getopt.h>
#include <labels.h>
#include <stdio.h>
#include <string.h>

static void text_facts(const struct kiosk_verdict *kv)
{
    const labels_facts *f = &kv->facts;
    printf("%s%s\n", labels_verdict_word(f->verdict),
           kv->stale ? " (stale data)" : "");
    if (f->have_product)
        printf("  %s (%s), %s, %s; %d stars; certificate %s until %s\n",
               f->product.name, f->label.product, f->product.producer_name,
               f->product.province, f->product.stars, f->product.certificate,
               f->product.expires);
    else if (!f->have_label)
        printf("  %s\n", labels_strerror(f->parse_error));
    if (kv->stale)
        printf("  data not updated since %s\n", kv->since);
}

/* One QR text, from an image or a scanner line: judge, log, print. */
int answer_text(void *ctx, const char *text, size_t len)
{
    struct answer_run *r = ctx;
    struct kiosk_verdict kv;
    r->codes++;
    json_line l;
    if (verdicts_check(&r->v, text, len, &kv) != 0) {
        r->not_ready = 1;
        if (r->json) {
            json_line_begin(&l);
            if (r->file)
                labels_json_cstr(&l.j, "file", r->file);
            labels_json_str(&l.j, "text", text, len);
            labels_json_cstr(&l.j, "status", "not_ready");
            labels_json_cstr(&l.j, "error", r->v.not_ready);
            if (json_line_print(&l) != 0)
                r->failed = 1;
        }
        kiosk_log("not ready: %s", r->v.not_ready);
        return 1;
    }
    if (kv.facts.verdict != LABELS_V_GENUINE)
        r->not_genuine = 1;
    if (r->v.log_problem[0] && !r->log_warned) {
        /* Verdicts go on; the shop must hear that scans are not kept. */
        kiosk_log("scan log: %s (verdicts continue)", r->v.log_problem);
        r->log_warned = 1;
    }
    if (r->json) {
        /* The verdict's fields are labels_json_facts()'s, as everywhere
         * (docs/verdicts.md); the kiosk's data age and the scan after. */
        json_line_begin(&l);
        if (r->file)
            labels_json_cstr(&l.j, "file", r->file);
        labels_json_str(&l.j, "text", text, len);
        labels_json_facts(&l.j, &kv.facts, LABELS_FACTS_FULL);
        labels_json_bool(&l.j, "stale", kv.stale);
        labels_json_cstr(&l.j, "data_since", kv.since);
        labels_json_int(&l.j, "scan_id", kv.scan_id);
        if (json_line_print(&l) != 0)
            r->failed = 1;
    } else {
        if (r->file)
            printf("%s: ", r->file);
        text_facts(&kv);
    }
    return 0;
}

int answer_open(struct answer_run *r, const struct kiosk_config *cfg)
{
    verdicts_open(&r->v, cfg);
    if (!r->v.mirror) {
        kiosk_log("not ready: %s", r->v.not_ready);
        if (r->json) {
            json_line l;
            json_line_begin(&l);
            labels_json_cstr(&l.j, "status", "not_ready");
            labels_json_cstr(&l.j, "error", r->v.not_ready);
            (void)json_line_print(&l); /* failing already */
        }
        verdicts_close(&r->v);
        return -1;
    }
    return 0;
}

int answer_finish(struct answer_run *r)
{
    verdicts_close(&r->v);
    if (fflush(stdout) != 0) {
        kiosk_log("cannot write the results");
        return LABELS_EXIT_FAIL;
    }
    if (r->not_ready || r->failed)
        return LABELS_EXIT_FAIL;
    return r->not_genuine ? LABELS_EXIT_NO : LABELS_EXIT_OK;
}

int answer_args(int argc, char **argv, const char *usage, const char **config,
                int *json)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "c:jh", opts, NULL)) != -1) {
        switch (c) {
        case 'c': *config = optarg; break;
        case 'j': *json = 1; break;
        case 'h': puts(usage); return -1;
        default: return LABELS_EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        kiosk_log("%s", usage);
        return LABELS_EXIT_USAGE;
    }
    return 0;
}

int answer_start(int argc, char **argv, const char *usage, struct answer_run *r)
{
    const char *config = KIOSK_CONFIG_DEFAULT;
    int rc = answer_args(argc, argv, usage, &config, &r->json);
    if (rc)
        return rc < 0 ? LABELS_EXIT_OK : rc;
    if (kiosk_cli_load(config, &r->cfg) != 0 || answer_open(r, &r->cfg) != 0)
        return LABELS_EXIT_FAIL;
    return -1;
}
