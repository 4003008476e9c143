/* cmd_scan.c -- ocop-kiosk scan (image files) and check (QR texts, or
 * scanner lines on stdin): one-shot verdicts for scripts and tests, one
 * JSON object per line with --json. */
#include "cli_args.h"
#include "commands.h"
#include "json_out.h"
#include "log.h"
#include "verdict_pipeline.h"
#include "wedge.h"

#include <getopt.h>
#include <labels.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct run {
    struct kiosk_verdicts v;
    int json;
    const char *file; /* image being scanned, or NULL */
    int codes;        /* codes found in the current image */
    int not_genuine;  /* any answer other than genuine */
    int not_ready;    /* no verdict could be given */
    int log_warned;
};

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
static int answer(void *ctx, const char *text, size_t len)
{
    struct run *r = ctx;
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

static int open_run(struct run *r, const struct kiosk_config *cfg)
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

static int finish(struct run *r)
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

static int parse_args(int argc, char **argv, const char *usage,
                      const char **config, int *json)
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

int cmd_scan(int argc, char **argv)
{
    static const char usage[] =
        "usage: ocop-kiosk scan [--config FILE] [--json] IMAGE...\n"
        "Reads every QR code in each image (PNG, JPEG, PGM) and prints its\n"
        "verdict; exit 0 all genuine, 1 any other answer or no code, 3 not\n"
        "ready (no usable mirror) or an unreadable image.";
    const char *config = KIOSK_CONFIG_DEFAULT;
    struct run r = {0};
    int rc = parse_args(argc, argv, usage, &config, &r.json);
    if (rc)
        return rc < 0 ? K_OK : rc;
    struct kiosk_config cfg;
    if (kiosk_cli_load(config, &cfg) != 0)
        return K_FAILURE;
    if (open_run(&r, &cfg) != 0)
        return K_FAILURE;
    /* A still image may take every retry the reader has. */
    labels_reader *dec = labels_reader_new();
    int bad_image = !dec;
    for (int i = optind; i < argc && dec && !r.not_ready; i++) {
        labels_image img;
        r.file = argv[i];
        r.codes = 0;
        int lrc = labels_image_read(argv[i], 0, &img);
        if (lrc == LABELS_OK) {
            lrc = labels_read(dec, &img, LABELS_EFFORT_FULL, answer, &r, NULL);
            labels_image_free(&img);
        }
        if (lrc != LABELS_OK) {
            kiosk_log("%s: %s", argv[i], labels_strerror(lrc));
            bad_image = 1;
        }
        if (lrc == LABELS_OK && r.codes == 0) {
            r.not_genuine = 1;
            if (r.json) {
                json_out j;
                json_begin(&j, stdout);
                json_cstr(&j, "file", argv[i]);
                json_cstr(&j, "status", "no_code");
                json_end(&j);
            } else {
                printf("%s: no QR code found\n", argv[i]);
            }
        } else if (lrc != LABELS_OK && r.json) {
            json_out j;
            json_begin(&j, stdout);
            json_cstr(&j, "file", argv[i]);
            json_cstr(&j, "status", "unreadable");
            json_cstr(&j, "error", labels_strerror(lrc));
            json_end(&j);
        }
    }
    labels_reader_free(dec);
    rc = finish(&r);
    return bad_image && rc != K_FAILURE ? K_FAILURE : rc;
}

static int line_answer(void *ctx, const char *text, size_t len, int overflow)
{
    /* An overflowing line is judged by its first WEDGE_LINE_MAX bytes:
     * already longer than any label, so it can never pass as one. */
    (void)overflow;
    return answer(ctx, text, len);
}

int cmd_check(int argc, char **argv)
{
    static const char usage[] =
        "usage: ocop-kiosk check [--config FILE] [--json] TEXT...\n"
        "       ocop-kiosk check [--config FILE] [--json] -\n"
        "The verdict for each QR text; with '-', for each line a barcode\n"
        "scanner (keyboard wedge) types on standard input. Exit 0 all\n"
        "genuine, 1 any other answer, 3 not ready.";
    const char *config = KIOSK_CONFIG_DEFAULT;
    struct run r = {0};
    int rc = parse_args(argc, argv, usage, &config, &r.json);
    if (rc)
        return rc < 0 ? K_OK : rc;
    struct kiosk_config cfg;
    if (kiosk_cli_load(config, &cfg) != 0)
        return K_FAILURE;
    if (open_run(&r, &cfg) != 0)
        return K_FAILURE;
    if (argc - optind == 1 && !strcmp(argv[optind], "-")) {
        wedge w;
        wedge_init(&w, 0);
        char buf[4096];
        ssize_t n;
        while (!r.not_ready && (n = read(STDIN_FILENO, buf, sizeof buf)) > 0)
            if (wedge_bytes(&w, buf, (size_t)n, 0, line_answer, &r))
                break;
        /* A last line without its Enter still counts. */
        if (!r.not_ready)
            wedge_bytes(&w, "\n", 1, 0, line_answer, &r);
    } else {
        for (int i = optind; i < argc && !r.not_ready; i++)
            answer(&r, argv[i], strlen(argv[i]));
    }
    return finish(&r);
}
