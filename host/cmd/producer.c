/* producer.c -- ocop-host producer add|edit|show|list. */
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
    "       ocop-host producer show --db REG.db --code PCODE\n"
    "       ocop-host producer list --db REG.db [--province P]\n"
    "Kinds: cooperative, enterprise, household. The contact is private: it "
    "is never exported.\n";

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
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    const char *sub = argv[1];
    const char *v[P_HELP - P_DB] = {NULL};
    int c;
    optind = 1;
    while ((c = getopt_long(argc - 1, argv + 1, "h", opts, NULL)) != -1) {
        if (c == P_HELP || c == 'h') {
            fputs(usage_text, stdout);
            return EXIT_OK;
        }
        if (c < P_DB || c >= P_HELP)
            return EXIT_USAGE;
        v[c - P_DB] = optarg;
    }
    const char *dbpath = v[0], *code = v[P_CODE - P_DB];
    if (!dbpath || optind != argc - 1) {
        cli_error("producer %s needs --db REG.db (and no other arguments)",
                  sub);
        return EXIT_USAGE;
    }
    int is_add = !strcmp(sub, "add"), is_edit = !strcmp(sub, "edit");
    int is_show = !strcmp(sub, "show"), is_list = !strcmp(sub, "list");
    if (!is_add && !is_edit && !is_show && !is_list) {
        cli_error("unknown producer command '%s' (add, edit, show, list)", sub);
        return EXIT_USAGE;
    }
    if (!is_list && !code) {
        cli_error("producer %s needs --code PCODE", sub);
        return EXIT_USAGE;
    }
    sqlite3 *db;
    int rc = regcli_open(dbpath, is_show || is_list, &db);
    if (rc != EXIT_OK)
        return rc;
    char err[REG_ERR_MAX] = "";
    struct reg_producer p;
    memset(&p, 0, sizeof p);
    int failed = 0;
    if (is_list) {
        const struct province *only = NULL;
        if (v[P_PROVINCE - P_DB] &&
            !(only = province_find(v[P_PROVINCE - P_DB]))) {
            registry_close(db);
            cli_error("unknown province '%s'", v[P_PROVINCE - P_DB]);
            return EXIT_USAGE;
        }
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(db,
                               "SELECT p.code,p.kind,p.province,(SELECT "
                               "count(*) FROM products WHERE producer=p.code),"
                               "p.name FROM producers p WHERE ?1='' OR "
                               "p.province=?1 ORDER BY p.code",
                               -1, &st, NULL) != SQLITE_OK) {
            cli_error("cannot list producers: %s", sqlite3_errmsg(db));
            registry_close(db);
            return EXIT_FAILURE_;
        }
        sqlite3_bind_text(st, 1, only ? only->name : "", -1, SQLITE_STATIC);
        puts("code\tkind\tprovince\tproducts\tname");
        while ((rc = sqlite3_step(st)) == SQLITE_ROW)
            printf("%s\t%s\t%s\t%d\t%s\n", sqlite3_column_text(st, 0),
                   sqlite3_column_text(st, 1), sqlite3_column_text(st, 2),
                   sqlite3_column_int(st, 3), sqlite3_column_text(st, 4));
        failed = rc != SQLITE_DONE;
        if (failed)
            cli_error("cannot list producers: %s", sqlite3_errmsg(db));
        sqlite3_finalize(st);
        registry_close(db);
        return failed ? EXIT_FAILURE_ : EXIT_OK;
    }
    if (is_show) {
        rc = reg_producer_load(db, code, &p, err, sizeof err);
        registry_close(db);
        if (rc != 1) {
            cli_error("%s", rc == 0 ? "no such producer" : err);
            return EXIT_FAILURE_;
        }
        printf("code:     %s\nname:     %s\nkind:     %s\nprovince: %s\n"
               "contact:  %s\n",
               p.code, p.name, p.kind, p.province, p.contact);
        return EXIT_OK;
    }
    static const struct {
        int opt;
        const char *field;
    } fields[] = {{P_NAME, "name"},
                  {P_KIND, "kind"},
                  {P_PROVINCE, "province"},
                  {P_CONTACT, "contact"}};
    failed = registry_begin(db, err, sizeof err);
    if (!failed) {
        int have = reg_producer_load(db, code, &p, err, sizeof err);
        if (have < 0) {
            failed = 1;
        } else if (is_add && have) {
            snprintf(err, sizeof err, "producer %s is already in the registry",
                     code);
            failed = 1;
        } else if (is_edit && !have) {
            snprintf(err, sizeof err, "no producer %s in the registry", code);
            failed = 1;
        } else if (is_add) {
            failed = reg_producer_set(&p, "code", code, err, sizeof err);
        }
    }
    for (size_t i = 0; i < sizeof fields / sizeof fields[0] && !failed; i++) {
        const char *val = v[fields[i].opt - P_DB];
        if (val)
            failed =
                reg_producer_set(&p, fields[i].field, val, err, sizeof err);
    }
    if (!failed && is_add && (!p.name[0] || !p.kind[0] || !p.province[0])) {
        snprintf(err, sizeof err,
                 "producer add needs --name, --kind and --province");
        failed = 1;
    }
    if (!failed)
        failed = (is_add ? reg_producer_insert(db, &p, err, sizeof err)
                         : reg_producer_update(db, &p, err, sizeof err)) ||
                 registry_commit(db, err, sizeof err);
    if (failed) {
        registry_rollback(db);
        cli_error("%s", err);
        registry_close(db);
        return EXIT_FAILURE_;
    }
    registry_close(db);
    printf("%s %s\n", is_add ? "added" : "updated", p.code);
    return EXIT_OK;
}
