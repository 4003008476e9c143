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
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Pages for SQLite's page caches, allocated once: a 1% delta of a
 * national mirror reads 10,000 pages, and Debian's SQLite takes each
 * from malloc and counts every allocation under a mutex
 * (SQLITE_DEFAULT_MEMSTATUS). Without the count and with its pages in
 * this buffer the apply takes a fifth less (docs/performance.md). Each
 * connection of this process is used by one thread at a time (the
 * delta's reading threads have their own, sync_prefetch.c; curl's
 * resolver thread never touches SQLite), so SQLite need not lock each
 * connection either.
 * Slots for the apply's cache of the mirror (sync_apply.c: 4 MiB of
 * 4 KiB pages), no more: SQLite writes to every slot when it takes the
 * buffer, so each counts in the process's memory from the start. Beyond
 * them, and for pages larger than 4 KiB, SQLite falls back to malloc.
 * Only speed is at stake, so a refusal is not an error. */
#define PAGE_SLOTS 1100
static void *page_slots;

static void sqlite_for_deltas(void)
{
    int hdr = 0;
    (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    (void)sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    if (sqlite3_config(SQLITE_CONFIG_PCACHE_HDRSZ, &hdr) != SQLITE_OK)
        return;
    int size = (4096 + hdr + 7) & ~7;
    page_slots = malloc((size_t)size * PAGE_SLOTS);
    if (page_slots && sqlite3_config(SQLITE_CONFIG_PAGECACHE, page_slots, size,
                                     PAGE_SLOTS) != SQLITE_OK) {
        free(page_slots);
        page_slots = NULL;
    }
}

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
    /* The buffer costs its memory at once: only a sync applies deltas. */
    if (run == cmd_sync)
        sqlite_for_deltas();
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
