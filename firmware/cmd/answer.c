/* answer.c -- ocop-kiosk scan's and check's answer for one QR text:
 * judged through the verdict pipeline, printed as text or one JSON
 * object per line. */
#include "answer.h"

#include "commands.h"
#include "json_out.h"
#include "log.h"

#include <getopt.h>
#include <labels.h>
#include <stdio.h>
#include <string.h>

static void json_facts(json_out *j, const struct kiosk_verdict *kv)
{
    const labels_facts *f = &kv->facts;
    json_cstr(j, "verdict", labels_verdict_word(f->verdict));
    json_bool(j, "stale", kv->stale);
    json_cstr(j, "data_since", kv->since);
    if (f->have_label) {
        char hex[17], date[11];
        labels_key_id_hex(f->label.key_id, hex);
        labels_date_format(f->label.issued, date);
        json_cstr(j, "product", f->label.product);
        json_cstr(j, "lot", f->label.lot);
        json_int(j, "serial", f->label.serial);
        json_int(j, "stars_printed", f->label.stars);
        json_cstr(j, "issued", date);
        json_cstr(j, "key_id", hex);
        json_cstr(j, "key_status", f->key_status);
    } else {
        json_cstr(j, "reason", labels_strerror(f->parse_error));
    }
    if (f->have_product) {
        const labels_product *p = &f->product;
        json_cstr(j, "product_name", p->name);
        json_cstr(j, "group", p->group);
        json_cstr(j, "producer", p->producer_name);
        json_cstr(j, "producer_kind", p->producer_kind);
        json_cstr(j, "province", p->province);
        json_int(j, "stars_current", p->stars);
        json_bool(j, "proposed5", p->proposed5);
        json_cstr(j, "status", p->status);
        json_cstr(j, "status_reason", p->status_reason);
        json_cstr(j, "certificate", p->certificate);
        json_cstr(j, "certified", p->certified);
        json_cstr(j, "expires", p->expires);
    }
    json_int(j, "scan_id", kv->scan_id);
}

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
    json_out j;
    if (verdicts_check(&r->v, text, len, &kv) != 0) {
        r->not_ready = 1;
        if (r->json) {
            json_begin(&j, stdout);
            if (r->file)
                json_cstr(&j, "file", r->file);
            json_str(&j, "text", text, len);
            json_cstr(&j, "status", "not_ready");
            json_cstr(&j, "error", r->v.not_ready);
            json_end(&j);
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
        json_begin(&j, stdout);
        if (r->file)
            json_cstr(&j, "file", r->file);
        json_str(&j, "text", text, len);
        json_facts(&j, &kv);
        json_end(&j);
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
            json_out j;
            json_begin(&j, stdout);
            json_cstr(&j, "status", "not_ready");
            json_cstr(&j, "error", r->v.not_ready);
            json_end(&j);
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
        return K_FAILURE;
    }
    if (r->not_ready)
        return K_FAILURE;
    return r->not_genuine ? K_REJECTED : K_OK;
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
        default: return K_USAGE;
        }
    }
    if (optind >= argc) {
        kiosk_log("%s", usage);
        return K_USAGE;
    }
    return 0;
}
