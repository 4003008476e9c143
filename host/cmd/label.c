/* label.c -- ocop-host label: sign one label, print its QR text, write
 * PNG/SVG. */
#include "cmd/cli.h"

#include <errno.h>
#include <getopt.h>
#include <labels.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int write_outputs(const char *text, size_t len, const char *png,
                         const char *svg, int module_px)
{
    labels_qr qr;
    int rc = labels_qr_encode(text, len, &qr);
    if (rc != LABELS_OK) {
        cli_error("cannot encode QR: %s", labels_strerror(rc));
        return LABELS_EXIT_FAIL;
    }
    if (png) {
        labels_image img;
        rc = labels_qr_render(&qr, module_px, &img);
        if (rc == LABELS_OK) {
            rc = labels_png_write(png, &img);
            labels_image_free(&img);
        }
        if (rc != LABELS_OK) {
            cli_error("cannot write %s: %s", png, labels_strerror(rc));
            labels_qr_free(&qr);
            return LABELS_EXIT_FAIL;
        }
    }
    if (svg) {
        char *doc;
        size_t dlen;
        rc = labels_qr_svg(&qr, 0.5, &doc, &dlen);
        if (rc == LABELS_OK) {
            rc = labels_file_write_atomic(svg, doc, dlen, 0644, 0);
            free(doc);
        }
        if (rc != LABELS_OK) {
            cli_error("cannot write %s: %s", svg, labels_strerror(rc));
            labels_qr_free(&qr);
            return LABELS_EXIT_FAIL;
        }
    }
    labels_qr_free(&qr);
    return LABELS_EXIT_OK;
}

int cmd_label(int argc, char **argv)
{
    static const struct option opts[] = {
        {"key", required_argument, NULL, 'k'},
        {"product", required_argument, NULL, 'p'},
        {"lot", required_argument, NULL, 'l'},
        {"serial", required_argument, NULL, 'n'},
        {"stars", required_argument, NULL, 's'},
        {"issued", required_argument, NULL, 'i'},
        {"host", required_argument, NULL, 'H'},
        {"png", required_argument, NULL, 'P'},
        {"svg", required_argument, NULL, 'S'},
        {"module-px", required_argument, NULL, 'm'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *key = NULL, *product = NULL, *lot = NULL, *issued = NULL;
    const char *host = NULL, *png = NULL, *svg = NULL;
    unsigned long serial = 0, stars = 0, module_px = 8;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'k': key = optarg; break;
        case 'p': product = optarg; break;
        case 'l': lot = optarg; break;
        case 'i': issued = optarg; break;
        case 'H': host = optarg; break;
        case 'P': png = optarg; break;
        case 'S': svg = optarg; break;
        case 'n':
            if (cli_number(optarg, UINT32_MAX, &serial) || serial == 0) {
                cli_error("--serial must be a number from 1 to 4294967295");
                return LABELS_EXIT_USAGE;
            }
            break;
        case 's':
            if (cli_number(optarg, 5, &stars) || stars < 1) {
                cli_error("--stars must be 1 to 5");
                return LABELS_EXIT_USAGE;
            }
            break;
        case 'm':
            if (cli_number(optarg, 64, &module_px) || module_px < 1) {
                cli_error("--module-px must be 1 to 64");
                return LABELS_EXIT_USAGE;
            }
            break;
        case 'h':
            puts("usage: ocop-host label --key SECRET --product CODE --lot LOT "
                 "--serial N --stars 1-5\n"
                 "       [--issued YYYY-MM-DD] [--host HOST] [--png FILE] "
                 "[--svg FILE] [--module-px N]");
            return LABELS_EXIT_OK;
        default: return LABELS_EXIT_USAGE;
        }
    }
    if (!key || !product || !lot || !serial || !stars || optind != argc) {
        cli_error("label needs --key, --product, --lot, --serial and --stars");
        return LABELS_EXIT_USAGE;
    }
    labels_label lab;
    memset(&lab, 0, sizeof lab);
    if (strlen(product) > LABELS_CODE_MAX || strlen(lot) > LABELS_CODE_MAX) {
        cli_error("product code and lot are at most %d characters",
                  LABELS_CODE_MAX);
        return LABELS_EXIT_USAGE;
    }
    memcpy(lab.product, product, strlen(product) + 1); /* length checked */
    memcpy(lab.lot, lot, strlen(lot) + 1);
    lab.stars = (uint8_t)stars;
    lab.serial = (uint32_t)serial;
    int rc = issued ? labels_date_parse(issued, &lab.issued)
                    : labels_date_today(&lab.issued);
    if (rc != LABELS_OK) {
        cli_error(
            "issue date must be YYYY-MM-DD from 2020-01-01 to 2199-06-06");
        return LABELS_EXIT_USAGE;
    }
    if (labels_check_fields(&lab) != LABELS_OK) {
        cli_error("product code and lot take 1-12 characters of 0-9 A-Z - . /");
        return LABELS_EXIT_USAGE;
    }
    labels_seckey sec;
    rc = labels_seckey_read(key, &sec);
    if (rc != LABELS_OK) {
        cli_error("cannot use secret key %s: %s%s%s", key, labels_strerror(rc),
                  rc == LABELS_ERR_IO ? ": " : "",
                  rc == LABELS_ERR_IO ? strerror(errno) : "");
        return LABELS_EXIT_FAIL;
    }
    rc = labels_sign(&lab, &sec);
    labels_seckey_wipe(&sec);
    char text[LABELS_TEXT_MAX];
    size_t len = 0;
    if (rc == LABELS_OK)
        rc = labels_format(&lab, host, text, sizeof text, &len);
    if (rc != LABELS_OK) {
        cli_error("cannot make label: %s%s", labels_strerror(rc),
                  rc == LABELS_ERR_ARG
                      ? " (host must be uppercase A-Z 0-9 . - :)"
                      : "");
        return LABELS_EXIT_FAIL;
    }
    rc = write_outputs(text, len, png, svg, (int)module_px);
    if (rc == LABELS_EXIT_OK)
        printf("%s\n", text);
    return rc;
}
