/* import.c -- ocop-host import [--update [--yes]] --db REG.db FILE.csv:
 * products from CSV, new ones or changes to existing ones. */
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

/* One line per field an update changes, on stdout: the summary a clerk
 * reads before saying --yes. */
static void change(void *ctx, int line, const char *code, const char *field,
                   const char *old, const char *new_value)
{
    printf("%s:%d: %s %s: '%s' -> '%s'\n", (const char *)ctx, line, code, field,
           old, new_value);
}

static const char usage[] =
    "usage: ocop-host import --db REG.db FILE.csv\n"
    "       ocop-host import --update [--yes] --db REG.db FILE.csv\n"
    "Import products (UTF-8 CSV with a header row; columns in docs/cli.md;\n"
    "',' or ';' separated, English or Vietnamese column heads).\n"
    "All rows or none: any bad row is reported as FILE:LINE: message and\n"
    "nothing is imported.\n"
    "--update: change existing products (a file's non-empty cells replace\n"
    "their fields). Without --yes it only lists what would change; with\n"
    "--yes it lists and applies every change in one transaction.";

int cmd_import(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},
        {"update", no_argument, NULL, 'u'},
        {"yes", no_argument, NULL, 'y'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *dbpath = NULL;
    char who[96];
    regcli_actor(who, sizeof who);
    struct registry_import_opts o = {0, 1, who};
    int c, yes = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': dbpath = optarg; break;
        case 'u': o.update = 1; break;
        case 'y': yes = 1; break;
        case 'h': puts(usage); return LABELS_EXIT_OK;
        default: return LABELS_EXIT_USAGE;
        }
    }
    if (!dbpath || optind != argc - 1 || (yes && !o.update)) {
        cli_error("import needs --db REG.db and one CSV file (--yes only "
                  "with --update)");
        return LABELS_EXIT_USAGE;
    }
    o.apply = !o.update || yes;
    const char *file = argv[optind];
    char *data;
    size_t len;
    int rc = regcli_read_file(file, IMPORT_MAX_BYTES, &data, &len);
    if (rc != LABELS_EXIT_OK)
        return rc;
    struct registry_import_diag d = {say, (void *)file, change, NULL};
    struct registry_import_summary sum;
    rc = registry_import_run(dbpath, data, len, &o, &d, &sum);
    free(data);
    if (rc)
        return LABELS_EXIT_FAIL;
    if (!o.update)
        printf("imported %d products (%d new producers) from %s\n", sum.rows,
               sum.new_producers, file);
    else
        printf("%s %d products (%d fields, %d new producers), %d unchanged, "
               "from %s%s\n",
               o.apply ? "changed" : "would change", sum.changed, sum.fields,
               sum.new_producers, sum.unchanged, file,
               o.apply ? ""
                       : "; nothing changed yet: run again with --yes "
                         "to apply");
    return LABELS_EXIT_OK;
}
