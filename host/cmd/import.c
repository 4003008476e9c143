/* import.c -- ocop-host import --db REG.db FILE.csv: products from CSV. */
#include "cmd/cli.h"
#include "cmd/registry_cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#define IMPORT_MAX_BYTES ((size_t)256 << 20)

/* A bad row among others is a plain "FILE:LINE: message" line (so an
 * editor can jump to it); what stops or sums up the import is an
 * ocop-host message. */
static void say(void *ctx, int line, int severe, const char *msg)
{
    const char *file = ctx;
    if (line < 0)
        cli_error("%s", msg);
    else if (line == 0)
        cli_error("%s: %s", file, msg);
    else if (severe)
        cli_error("%s:%d: %s", file, line, msg);
    else
        fprintf(stderr, "%s:%d: %s\n", file, line, msg);
}

int cmd_import(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *dbpath = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': dbpath = optarg; break;
        case 'h':
            puts("usage: ocop-host import --db REG.db FILE.csv\n"
                 "Import products (UTF-8 CSV with a header row; columns in "
                 "docs/cli.md).\nAll rows or none: any bad row is reported "
                 "as FILE:LINE: message and\nnothing is imported.");
            return LABELS_EXIT_OK;
        default: return LABELS_EXIT_USAGE;
        }
    }
    if (!dbpath || optind != argc - 1) {
        cli_error("import needs --db REG.db and one CSV file");
        return LABELS_EXIT_USAGE;
    }
    const char *file = argv[optind];
    char *data;
    size_t len;
    int rc = regcli_read_file(file, IMPORT_MAX_BYTES, &data, &len);
    if (rc != LABELS_EXIT_OK)
        return rc;
    struct registry_import_diag d = {say, (void *)file};
    int rows, producers;
    rc = registry_import(dbpath, data, len, &d, &rows, &producers);
    free(data);
    if (rc)
        return LABELS_EXIT_FAIL;
    printf("imported %d products (%d new producers) from %s\n", rows, producers,
           file);
    return LABELS_EXIT_OK;
}
