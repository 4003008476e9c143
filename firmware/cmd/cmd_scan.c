/* cmd_scan.c -- ocop-kiosk scan: the verdicts for the QR codes in image
 * files, for scripts and tests (one JSON object per line with --json). */
#include "answer.h"
#include "cli_args.h"
#include "commands.h"
#include "json_out.h"
#include "log.h"

#include <getopt.h>
#include <labels.h>
#include <stdio.h>

int cmd_scan(int argc, char **argv)
{
    static const char usage[] =
        "usage: ocop-kiosk scan [--config FILE] [--json] IMAGE...\n"
        "Reads every QR code in each image (PNG, JPEG, PGM) and prints its\n"
        "verdict; exit 0 all genuine, 1 any other answer or no code, 3 not\n"
        "ready (no usable mirror) or an unreadable image.";
    const char *config = KIOSK_CONFIG_DEFAULT;
    struct answer_run r = {0};
    int rc = answer_args(argc, argv, usage, &config, &r.json);
    if (rc)
        return rc < 0 ? K_OK : rc;
    struct kiosk_config cfg;
    if (kiosk_cli_load(config, &cfg) != 0)
        return K_FAILURE;
    if (answer_open(&r, &cfg) != 0)
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
            lrc = labels_read(dec, &img, LABELS_EFFORT_FULL, answer_text, &r,
                              NULL);
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
    rc = answer_finish(&r);
    return bad_image && rc != K_FAILURE ? K_FAILURE : rc;
}
