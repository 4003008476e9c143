/* net_main.c -- ocop-kiosk-net: the kiosk's network side, one round per
 * run (net_helper.h says why it is a program of its own). `ocop-kiosk
 * sync` and `ocop-kiosk upload` exec it; the service starts it per round
 * and reads the first line it prints. Its commands are cmd/cmd_sync.c and
 * cmd/cmd_upload.c. Exit codes as ocop-kiosk's (labels_exit, labels.h). */
#include "commands.h"
#include "log.h"

#include <curl/curl.h>
#include <labels.h>
#include <malloc.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    static const char usage[] =
        "usage: ocop-kiosk-net sync|upload [--config FILE] ...\n"
        "The kiosk's network side, one round per run; `ocop-kiosk sync`\n"
        "and `ocop-kiosk upload` run it (docs/kiosk.md).";
    if (argc < 2) {
        fprintf(stderr, "%s\n", usage);
        return LABELS_EXIT_USAGE;
    }
    int (*run)(int, char **) = !strcmp(argv[1], "sync")     ? cmd_sync
                               : !strcmp(argv[1], "upload") ? cmd_upload
                                                            : NULL;
    if (!run) {
        if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
            puts(usage);
            return LABELS_EXIT_OK;
        }
        kiosk_log("unknown command '%s'", argv[1]);
        fprintf(stderr, "%s\n", usage);
        return LABELS_EXIT_USAGE;
    }
    /* Debian's SQLite has no lookaside memory, and builds the IN list of
     * each CHECK anew for every row a delta writes: glibc then hands the
     * top of the heap back to the kernel and takes it again, two brk
     * calls and TLB flushes a row (a 15,000-row delta took 7.6 s, 0.6 s
     * without). This process lives for one round: keep what it freed.
     * Only speed is at stake: a sanitizer's allocator refuses it. */
    (void)mallopt(M_TRIM_THRESHOLD, 64 << 20);
    if (labels_init() != LABELS_OK) {
        kiosk_log("%s", labels_strerror(LABELS_ERR_CRYPTO));
        return LABELS_EXIT_FAIL;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        kiosk_log("cannot initialise libcurl");
        return LABELS_EXIT_FAIL;
    }
    int rc = run(argc - 1, argv + 1);
    if (fflush(stdout) != 0 && rc == LABELS_EXIT_OK)
        rc = LABELS_EXIT_FAIL;
    curl_global_cleanup();
    return rc;
}
