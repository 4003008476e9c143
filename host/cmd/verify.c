/* verify.c -- ocop-host verify: a QR text or label image against a key. */
#include "cmd/cli.h"

#include <errno.h>
#include <getopt.h>
#include <labels.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct first_code {
    char text[LABELS_PARSE_MAX + 1];
    size_t len;
    int have;
};

static int take_first(void *ctx, const char *data, size_t len)
{
    struct first_code *fc = ctx;
    /* One byte past the parser's limit is enough for it to refuse. */
    if (len > LABELS_PARSE_MAX + 1)
        len = LABELS_PARSE_MAX + 1;
    memcpy(fc->text, data, len);
    fc->len = len;
    fc->have = 1;
    return 1;
}

int cmd_verify(int argc, char **argv)
{
    static const struct option opts[] = {
        {"public", required_argument, NULL, 'p'},
        {"image", required_argument, NULL, 'i'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *pubpath = NULL, *image = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'p': pubpath = optarg; break;
        case 'i': image = optarg; break;
        case 'h':
            puts("usage: ocop-host verify --public KEY (--image FILE | TEXT)");
            return LABELS_EXIT_OK;
        default: return LABELS_EXIT_USAGE;
        }
    }
    if (!pubpath || (image ? optind != argc : optind != argc - 1)) {
        cli_error("verify needs --public KEY and either --image FILE or TEXT");
        return LABELS_EXIT_USAGE;
    }
    labels_pubkey pub;
    int rc = labels_pubkey_read(pubpath, &pub);
    if (rc != LABELS_OK) {
        cli_error("cannot read public key %s: %s", pubpath,
                  labels_strerror(rc));
        return LABELS_EXIT_FAIL;
    }
    static struct first_code fc;
    if (image) {
        labels_image img;
        rc = labels_image_read(image, 0, &img);
        if (rc != LABELS_OK) {
            cli_error("cannot read image %s: %s", image, labels_strerror(rc));
            return LABELS_EXIT_FAIL;
        }
        labels_reader *dec = labels_reader_new();
        rc = dec ? labels_read(dec, &img, LABELS_EFFORT_FULL, take_first, &fc,
                               NULL)
                 : LABELS_ERR_NOMEM;
        labels_reader_free(dec);
        labels_image_free(&img);
        if (rc != LABELS_OK) {
            cli_error("cannot decode %s: %s", image, labels_strerror(rc));
            return LABELS_EXIT_FAIL;
        }
        if (!fc.have) {
            printf("no QR code found in %s\n", image);
            return LABELS_EXIT_NO;
        }
    } else {
        fc.len = strlen(argv[optind]);
        if (fc.len > LABELS_PARSE_MAX + 1)
            fc.len = LABELS_PARSE_MAX + 1;
        memcpy(fc.text, argv[optind], fc.len);
    }
    labels_label lab;
    rc = labels_parse(fc.text, fc.len, &lab);
    if (rc == LABELS_OK)
        rc = labels_verify(&lab, &pub);
    if (rc != LABELS_OK) {
        printf("REJECTED: %s\n", labels_strerror(rc));
        return LABELS_EXIT_NO;
    }
    char hex[LABELS_KEY_ID_HEX_SIZE], date[LABELS_DATE_SIZE];
    labels_key_id_hex(lab.key_id, hex);
    labels_date_format(lab.issued, date);
    printf(
        "VALID signature by key %s\nproduct %s, %u stars, lot %s, serial %u, "
        "issued %s\n",
        hex, lab.product, lab.stars, lab.lot, (unsigned)lab.serial, date);
    return LABELS_EXIT_OK;
}
