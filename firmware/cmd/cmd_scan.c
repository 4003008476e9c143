/* cmd_scan.c -- ocop-kiosk scan: the verdicts for the QR codes in image
 * files, for scripts and tests (one JSON object per line with --json). */
#include "answer.h"
#include "cli_args.h"
#include "commands.h"
#include "json_line.h"
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
    struct answer_run r = {0};
    int rc = answer_start(argc, argv, usage, &r);
    if (rc >= 0)
        return rc;
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
                json_line l;
                json_line_begin(&l);
                labels_json_cstr(&l.j, "file", argv[i]);
                labels_json_cstr(&l.j, "status", "no_code");
                if (json_line_print(&l) != 0)
                    r.failed = 1;
            } else {
                printf("%s: no QR code found\n", argv[i]);
            }
        } else if (lrc != LABELS_OK && r.json) {
            json_line l;
            json_line_begin(&l);
            labels_json_cstr(&l.j, "file", argv[i]);
            labels_json_cstr(&l.j, "status", "unreadable");
            labels_json_cstr(&l.j, "error", labels_strerror(lrc));
            if (json_line_print(&l) != 0)
                r.failed = 1;
        }
    }
    labels_reader_free(dec);
    rc = answer_finish(&r);
    return bad_image && rc != LABELS_EXIT_FAIL ? LABELS_EXIT_FAIL : rc;
}
