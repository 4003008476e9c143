/* check.c -- ocop-host check: the verdict for QR texts or label
 * images against a published mirror, as a shopper's kiosk would give it. */
#include "cmd/cli.h"

#include <getopt.h>
#include <labels.h>
#include <stdio.h>
#include <string.h>

struct check_ctx {
    labels_mirror *mirror;
    uint16_t today;
    int tsv;
    const char *source; /* file name, or NULL for a text argument */
    int codes;          /* codes seen in the current image */
    int not_genuine;    /* any verdict other than genuine so far */
    int failed;         /* the mirror failed */
};

static void print_facts(const labels_facts *f)
{
    const labels_label *l = &f->label;
    if (f->have_label) {
        char hex[LABELS_KEY_ID_HEX_SIZE], date[LABELS_DATE_SIZE];
        labels_key_id_hex(l->key_id, hex);
        labels_date_format(l->issued, date);
        printf("  label:    product %s, %u stars printed, lot %s, serial %u, "
               "issued %s, key %s%s%s\n",
               l->product, l->stars, l->lot, (unsigned)l->serial, date, hex,
               f->key_status[0] ? " " : "", f->key_status);
    } else {
        printf("  reason:   %s\n", labels_strerror(f->parse_error));
    }
    if (f->have_product) {
        const labels_product *p = &f->product;
        printf("  product:  %s (%s), %s\n", p->name, p->code, p->group);
        printf("  producer: %s (%s), %s\n", p->producer_name, p->producer_kind,
               p->province);
        printf("  rating:   %d stars%s, %s%s%s%s%s\n", p->stars,
               p->proposed5 ? " (proposed for 5)" : "", p->status,
               p->status_reason[0] ? ": " : "", p->status_reason,
               p->status_date[0] ? " since " : "", p->status_date);
        printf("  certificate %s, %s to %s\n", p->certificate, p->certified,
               p->expires);
    }
}

/* One decoded or given text: decide, print, count. */
static int check_text(void *vctx, const char *text, size_t len)
{
    struct check_ctx *c = vctx;
    labels_facts f;
    c->codes++;
    int rc = labels_check(c->mirror, text, len, c->today, &f);
    if (rc != LABELS_OK) {
        cli_error("cannot check %s: %s", c->source ? c->source : "text",
                  labels_strerror(rc));
        c->failed = 1;
        return 1;
    }
    if (f.verdict != LABELS_V_GENUINE)
        c->not_genuine = 1;
    const char *word = labels_verdict_word(f.verdict);
    if (c->tsv) {
        printf("%s\t%s\n", c->source ? c->source : "-", word);
        return 0;
    }
    printf("%s%s%s\n", c->source ? c->source : "", c->source ? ": " : "", word);
    print_facts(&f);
    return 0;
}

static int check_image(struct check_ctx *c, labels_reader *dec,
                       const char *path)
{
    labels_image img;
    int rc = labels_image_read(path, 0, &img);
    if (rc != LABELS_OK) {
        cli_error("cannot read image %s: %s", path, labels_strerror(rc));
        return -1;
    }
    c->source = path;
    c->codes = 0;
    rc = labels_read(dec, &img, LABELS_EFFORT_FULL, check_text, c, NULL);
    labels_image_free(&img);
    if (rc != LABELS_OK) {
        cli_error("cannot decode %s: %s", path, labels_strerror(rc));
        return -1;
    }
    if (c->codes == 0) {
        /* No code is no proof: it counts against "all genuine". */
        c->not_genuine = 1;
        printf(c->tsv ? "%s\tno_code\n" : "%s: no QR code found\n", path);
    }
    return 0;
}

int cmd_check(int argc, char **argv)
{
    static const struct option opts[] = {
        {"mirror", required_argument, NULL, 'm'},
        {"image", no_argument, NULL, 'i'},
        {"today", required_argument, NULL, 't'},
        {"tsv", no_argument, NULL, 'T'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *mirror = NULL, *today = NULL;
    int images = 0, tsv = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'm': mirror = optarg; break;
        case 'i': images = 1; break;
        case 't': today = optarg; break;
        case 'T': tsv = 1; break;
        case 'h':
            puts("usage: ocop-host check --mirror MIRROR.db [--today "
                 "YYYY-MM-DD] "
                 "[--tsv] TEXT...\n"
                 "       ocop-host check --mirror MIRROR.db --image [--tsv] "
                 "FILE...\n"
                 "Prints the verdict word and its facts for each QR text or\n"
                 "each code in each image (PNG, JPEG, PGM). Exit 0 when all\n"
                 "are genuine, 1 when any is not (or an image has no code).");
            return LABELS_EXIT_OK;
        default: return LABELS_EXIT_USAGE;
        }
    }
    if (!mirror || optind >= argc) {
        cli_error("check needs --mirror FILE and at least one %s",
                  images ? "image" : "QR text");
        return LABELS_EXIT_USAGE;
    }
    struct check_ctx ctx = {.tsv = tsv};
    int rc = today ? labels_date_parse(today, &ctx.today)
                   : labels_date_today(&ctx.today);
    if (rc != LABELS_OK) {
        cli_error("--today must be YYYY-MM-DD from 2020-01-01 on");
        return LABELS_EXIT_USAGE;
    }
    rc = labels_mirror_open(mirror, &ctx.mirror);
    if (rc != LABELS_OK) {
        cli_error("cannot open mirror %s: %s", mirror, labels_strerror(rc));
        return LABELS_EXIT_FAIL;
    }
    labels_reader *dec = images ? labels_reader_new() : NULL;
    int bad_input = images && !dec;
    for (int i = optind; i < argc && !ctx.failed && !bad_input; i++) {
        if (images) {
            if (check_image(&ctx, dec, argv[i]) != 0)
                bad_input = 1;
        } else {
            ctx.source = NULL;
            check_text(&ctx, argv[i], strlen(argv[i]));
        }
    }
    labels_reader_free(dec);
    labels_mirror_close(ctx.mirror);
    if (fflush(stdout) != 0) {
        cli_error("cannot write the results");
        return LABELS_EXIT_FAIL;
    }
    if (ctx.failed || bad_input)
        return LABELS_EXIT_FAIL;
    return ctx.not_genuine ? LABELS_EXIT_NO : LABELS_EXIT_OK;
}
