/* cmd_check.c -- ocop-kiosk check: the verdict for each QR text given,
 * or for each line a barcode scanner types on standard input. */
#include "answer.h"
#include "cli_args.h"
#include "commands.h"
#include "wedge.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int line_answer(void *ctx, const char *text, size_t len, int overflow)
{
    /* An overflowing line is judged by its first WEDGE_LINE_MAX bytes:
     * already longer than any label, so it can never pass as one. */
    (void)overflow;
    return answer_text(ctx, text, len);
}

int cmd_check(int argc, char **argv)
{
    static const char usage[] =
        "usage: ocop-kiosk check [--config FILE] [--json] TEXT...\n"
        "       ocop-kiosk check [--config FILE] [--json] -\n"
        "The verdict for each QR text; with '-', for each line a barcode\n"
        "scanner (keyboard wedge) types on standard input. Exit 0 all\n"
        "genuine, 1 any other answer, 3 not ready.";
    struct answer_run r = {0};
    int rc = answer_start(argc, argv, usage, &r);
    if (rc >= 0)
        return rc;
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
            answer_text(&r, argv[i], strlen(argv[i]));
    }
    return answer_finish(&r);
}
