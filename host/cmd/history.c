/* history.c -- ocop-host history: the registry's audit trail. */
#include "cmd/cli.h"
#include "cmd/registry_cli.h"

#include <stdio.h>
#include <stdlib.h>

/* "when  what  field  old  new", what being "entity ref". */
static void print_row(void *ctx, const char *const *cols, int n)
{
    (void)ctx;
    if (!cols) {
        puts("when\twhat\tfield\told\tnew");
        return;
    }
    if (n == 6)
        printf("%s\t%s %s\t%s\t%s\t%s\n", cols[0], cols[1], cols[2], cols[3],
               cols[4], cols[5]);
}

int cmd_history(int argc, char **argv)
{
    static const char usage[] =
        "usage: ocop-host history --db REG.db [--product CODE] "
        "[--producer CODE] [--key-id HEX] [--limit N]\n"
        "Every change to the registry, oldest first: when, what, old and "
        "new value.\n";
    struct kargs a;
    int rc = regcli_parse_kargs(argc, argv, &a);
    if (rc != LABELS_EXIT_OK)
        return rc;
    if (a.help) {
        fputs(usage, stdout);
        return LABELS_EXIT_OK;
    }
    const char *entity = "", *ref = "";
    if (KARG(&a, K_PRODUCT))
        entity = "product", ref = KARG(&a, K_PRODUCT);
    else if (KARG(&a, K_PRODUCER))
        entity = "producer", ref = KARG(&a, K_PRODUCER);
    else if (KARG(&a, K_KEY_ID))
        entity = "key", ref = KARG(&a, K_KEY_ID);
    long limit = -1;
    if (KARG(&a, K_LIMIT)) {
        char *end;
        limit = strtol(KARG(&a, K_LIMIT), &end, 10);
        if (*end || limit < 1) {
            cli_error("--limit must be a positive number");
            return LABELS_EXIT_USAGE;
        }
    }
    sqlite3 *db;
    rc = regcli_open(KARG(&a, K_DB), 1, &db);
    if (rc != LABELS_EXIT_OK)
        return rc;
    char err[REG_ERR_MAX];
    int failed = registry_history(db, entity, ref, limit, print_row, NULL, err,
                                  sizeof err);
    return regcli_finish(db, failed, err);
}
