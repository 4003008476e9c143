/* producer.c -- ocop-host producer add|edit|move|show|list. */
#include "cmd/cli.h"
#include "cmd/registry_cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

enum { P_DB = 256, P_CODE, P_NAME, P_KIND, P_PROVINCE, P_CONTACT, P_HELP };

static const char usage_text[] =
    "usage: ocop-host producer add --db REG.db --code PCODE --name NAME "
    "--kind K --province P [--contact TEXT]\n"
    "       ocop-host producer edit --db REG.db --code PCODE [--name NAME] "
    "[--kind K] [--province P] [--contact TEXT]\n"
    "       ocop-host producer move --db REG.db --code PCODE --province P\n"
    "       ocop-host producer show --db REG.db --code PCODE\n"
    "       ocop-host producer list --db REG.db [--province P]\n"
    "Kinds: cooperative, enterprise, household. The contact is private: it "
    "is never exported.\n"
    "move takes the producer, and its products that were in its old "
    "province, to P.\n";

static void print_row(void *ctx, const char *const *cols, int n)
{
    (void)ctx;
    if (!cols)
        puts("code\tkind\tprovince\tproducts\tname");
    else if (n == 5)
        printf("%s\t%s\t%s\t%s\t%s\n", cols[0], cols[1], cols[2], cols[3],
               cols[4]);
}

/* producer list [--province P]: closes db; an EXIT_ code. */
static int list(sqlite3 *db, const char *province)
{
    const labels_province *only = NULL;
    char err[REG_ERR_MAX];
    if (province &&
        !(only = registry_province(province, NULL, err, sizeof err))) {
        registry_close(db);
        cli_error("%s", err);
        return LABELS_EXIT_USAGE;
    }
    int failed = registry_producer_list(db, only ? only->name : NULL, print_row,
                                        NULL, err, sizeof err);
    return regcli_finish(db, failed, err);
}

int cmd_producer(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, P_DB},
        {"code", required_argument, NULL, P_CODE},
        {"name", required_argument, NULL, P_NAME},
        {"kind", required_argument, NULL, P_KIND},
        {"province", required_argument, NULL, P_PROVINCE},
        {"contact", required_argument, NULL, P_CONTACT},
        {"help", no_argument, NULL, P_HELP},
        {NULL, 0, NULL, 0},
    };
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        fputs(usage_text, argc < 2 ? stderr : stdout);
        return argc < 2 ? LABELS_EXIT_USAGE : LABELS_EXIT_OK;
    }
    const char *sub = argv[1];
    const char *v[P_HELP - P_DB] = {NULL};
    int c;
    optind = 1;
    while ((c = getopt_long(argc - 1, argv + 1, "h", opts, NULL)) != -1) {
        if (c == P_HELP || c == 'h') {
            fputs(usage_text, stdout);
            return LABELS_EXIT_OK;
        }
        if (c < P_DB || c >= P_HELP)
            return LABELS_EXIT_USAGE;
        v[c - P_DB] = optarg;
    }
    const char *dbpath = v[0], *code = v[P_CODE - P_DB];
    if (!dbpath || optind != argc - 1) {
        cli_error("producer %s needs --db REG.db (and no other arguments)",
                  sub);
        return LABELS_EXIT_USAGE;
    }
    int is_add = !strcmp(sub, "add"), is_edit = !strcmp(sub, "edit");
    int is_show = !strcmp(sub, "show"), is_list = !strcmp(sub, "list");
    int is_move = !strcmp(sub, "move");
    if (!is_add && !is_edit && !is_show && !is_list && !is_move) {
        cli_error("unknown producer command '%s' (add, edit, move, show, "
                  "list)",
                  sub);
        return LABELS_EXIT_USAGE;
    }
    if (is_move && !v[P_PROVINCE - P_DB]) {
        cli_error("producer move needs --province P");
        return LABELS_EXIT_USAGE;
    }
    if (!is_list && !code) {
        cli_error("producer %s needs --code PCODE", sub);
        return LABELS_EXIT_USAGE;
    }
    sqlite3 *db;
    int rc = regcli_open(dbpath, is_show || is_list, &db);
    if (rc != LABELS_EXIT_OK)
        return rc;
    char err[REG_ERR_MAX] = "";
    if (is_list)
        return list(db, v[P_PROVINCE - P_DB]);
    struct reg_producer p;
    if (is_show) {
        rc = reg_producer_load(db, code, &p, err, sizeof err);
        registry_close(db);
        if (rc != 1) {
            cli_error("%s", rc == 0 ? "no such producer" : err);
            return LABELS_EXIT_FAIL;
        }
        printf("code:     %s\nname:     %s\nkind:     %s\nprovince: %s\n"
               "contact:  %s\n",
               p.code, p.name, p.kind, p.province, p.contact);
        return LABELS_EXIT_OK;
    }
    if (is_move) {
        int moved = 0;
        int failed = registry_producer_move(db, code, v[P_PROVINCE - P_DB],
                                            NULL, &p, &moved, err, sizeof err);
        if (regcli_finish(db, failed, err) != LABELS_EXIT_OK)
            return LABELS_EXIT_FAIL;
        printf("moved %s to %s with %d product%s\n", p.code, p.province, moved,
               moved == 1 ? "" : "s");
        return LABELS_EXIT_OK;
    }
    struct reg_producer_change ch = {v[P_NAME - P_DB], v[P_KIND - P_DB],
                                     v[P_PROVINCE - P_DB], v[P_CONTACT - P_DB]};
    int failed = registry_producer_save(db, is_add, code, &ch, NULL, &p, err,
                                        sizeof err);
    if (regcli_finish(db, failed, err) != LABELS_EXIT_OK)
        return LABELS_EXIT_FAIL;
    printf("%s %s\n", is_add ? "added" : "updated", p.code);
    return LABELS_EXIT_OK;
}
