/* product.c -- ocop-host product add|edit|set-status|move|show|list. */
#include "cmd/cli.h"
#include "cmd/registry_cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

enum {
    O_DB = 256,
    O_CODE,
    O_NAME,
    O_GROUP,
    O_STARS,
    O_PROVINCE,
    O_PRODUCER,
    O_PRODUCER_NAME,
    O_PRODUCER_KIND,
    O_PRODUCER_CONTACT,
    O_CERTIFICATE,
    O_CERTIFIED,
    O_EXPIRES,
    O_STATUS,
    O_REASON,
    O_DATE,
    O_HELP
};

static const struct option opts[] = {
    {"db", required_argument, NULL, O_DB},
    {"code", required_argument, NULL, O_CODE},
    {"name", required_argument, NULL, O_NAME},
    {"group", required_argument, NULL, O_GROUP},
    {"stars", required_argument, NULL, O_STARS},
    {"province", required_argument, NULL, O_PROVINCE},
    {"producer", required_argument, NULL, O_PRODUCER},
    {"producer-name", required_argument, NULL, O_PRODUCER_NAME},
    {"producer-kind", required_argument, NULL, O_PRODUCER_KIND},
    {"producer-contact", required_argument, NULL, O_PRODUCER_CONTACT},
    {"certificate", required_argument, NULL, O_CERTIFICATE},
    {"certified", required_argument, NULL, O_CERTIFIED},
    {"expires", required_argument, NULL, O_EXPIRES},
    {"status", required_argument, NULL, O_STATUS},
    {"reason", required_argument, NULL, O_REASON},
    {"date", required_argument, NULL, O_DATE},
    {"help", no_argument, NULL, O_HELP},
    {NULL, 0, NULL, 0},
};

/* Option values by enum, NULL when not given. */
struct args {
    const char *v[O_HELP - O_DB];
    int help;
    char done[128]; /* printed only once the change is committed */
};
#define ARG(a, o) ((a)->v[(o)-O_DB])

static int parse(int argc, char **argv, struct args *a)
{
    memset(a, 0, sizeof *a);
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == O_HELP || c == 'h')
            a->help = 1;
        else if (c >= O_DB && c < O_HELP)
            ARG(a, c) = optarg;
        else
            return LABELS_EXIT_USAGE;
    }
    if (optind != argc) {
        cli_error("unexpected argument '%s'", argv[optind]);
        return LABELS_EXIT_USAGE;
    }
    if (!a->help && !ARG(a, O_DB)) {
        cli_error("--db REG.db is required");
        return LABELS_EXIT_USAGE;
    }
    return LABELS_EXIT_OK;
}

static const struct {
    int opt;
    const char *field;
} product_fields[] = {
    {O_CODE, "code"},
    {O_NAME, "name"},
    {O_GROUP, "group"},
    {O_STARS, "stars"},
    {O_PROVINCE, "province"},
    {O_PRODUCER, "producer"},
    {O_CERTIFICATE, "certificate"},
    {O_CERTIFIED, "certified"},
    {O_EXPIRES, "expires"},
};

static int apply_fields(struct args *a, struct reg_product *p, char *err,
                        size_t errsz)
{
    for (size_t i = 0; i < sizeof product_fields / sizeof product_fields[0];
         i++) {
        const char *v = ARG(a, product_fields[i].opt);
        if (v && reg_product_set(p, product_fields[i].field, v, err, errsz))
            return -1;
    }
    return 0;
}

/* Run fn inside one transaction; print its error. */
static int in_transaction(const char *dbpath,
                          int (*fn)(sqlite3 *, struct args *, char *, size_t),
                          struct args *a)
{
    sqlite3 *db;
    int rc = regcli_open(dbpath, 0, &db);
    if (rc != LABELS_EXIT_OK)
        return rc;
    char err[REG_ERR_MAX] = "";
    if (registry_begin(db, err, sizeof err) || fn(db, a, err, sizeof err) ||
        registry_commit(db, err, sizeof err)) {
        registry_rollback(db);
        cli_error("%s", err);
        registry_close(db);
        return LABELS_EXIT_FAIL;
    }
    registry_close(db);
    puts(a->done);
    return LABELS_EXIT_OK;
}

static int do_add(sqlite3 *db, struct args *a, char *err, size_t errsz)
{
    struct reg_product p;
    struct reg_producer pr;
    memset(&p, 0, sizeof p);
    memset(&pr, 0, sizeof pr);
    if (apply_fields(a, &p, err, errsz) || reg_product_finish(&p, err, errsz))
        return -1;
    if (reg_producer_set(&pr, "code", p.producer, err, errsz) ||
        reg_producer_set(&pr, "province", p.province, err, errsz) ||
        (ARG(a, O_PRODUCER_NAME) &&
         reg_producer_set(&pr, "name", ARG(a, O_PRODUCER_NAME), err, errsz)) ||
        (ARG(a, O_PRODUCER_KIND) &&
         reg_producer_set(&pr, "kind", ARG(a, O_PRODUCER_KIND), err, errsz)) ||
        (ARG(a, O_PRODUCER_CONTACT) &&
         reg_producer_set(&pr, "contact", ARG(a, O_PRODUCER_CONTACT), err,
                          errsz)) ||
        reg_producer_ensure(db, &pr, err, errsz) ||
        reg_product_insert(db, &p, err, errsz))
        return -1;
    snprintf(a->done, sizeof a->done, "added %s, expires %s", p.code,
             p.expires);
    return 0;
}

static int load_existing(sqlite3 *db, struct args *a, struct reg_product *p,
                         char *err, size_t errsz)
{
    const char *code = ARG(a, O_CODE);
    int rc = reg_product_load(db, code, p, err, errsz);
    if (rc == 0)
        snprintf(err, errsz, "no product %s in the registry", code);
    return rc == 1 ? 0 : -1;
}

/* edit, set-status and move: one registry change each (its own
 * transaction), the same functions the console calls. */
static int product_change(const char *sub, struct args *a)
{
    sqlite3 *db;
    int rc = regcli_open(ARG(a, O_DB), 0, &db);
    if (rc != LABELS_EXIT_OK)
        return rc;
    char err[REG_ERR_MAX] = "", date[LABELS_DATE_SIZE];
    struct reg_product p;
    memset(&p, 0, sizeof p);
    const char *code = ARG(a, O_CODE);
    int failed;
    if (!strcmp(sub, "edit")) {
        struct reg_field set[sizeof product_fields / sizeof product_fields[0]];
        size_t n = 0;
        for (size_t i = 0; i < sizeof set / sizeof set[0]; i++)
            if (product_fields[i].opt != O_CODE)
                set[n++] = (struct reg_field){product_fields[i].field,
                                              ARG(a, product_fields[i].opt)};
        failed =
            registry_product_edit(db, code, set, n, NULL, &p, err, sizeof err);
        snprintf(a->done, sizeof a->done, "updated %s", code);
    } else if (!strcmp(sub, "move")) {
        failed = registry_product_move(db, code, ARG(a, O_PROVINCE), NULL, &p,
                                       err, sizeof err);
        snprintf(a->done, sizeof a->done, "moved %s to %s", code, p.province);
    } else {
        regdate_today(date);
        failed = registry_product_status(
            db, code, ARG(a, O_STATUS), ARG(a, O_REASON),
            ARG(a, O_DATE) ? ARG(a, O_DATE) : date, NULL, &p, err, sizeof err);
        snprintf(a->done, sizeof a->done, "%s is now %s", code, p.status);
    }
    if (regcli_finish(db, failed, err) != LABELS_EXIT_OK)
        return LABELS_EXIT_FAIL;
    puts(a->done);
    return LABELS_EXIT_OK;
}

static int product_show(struct args *a)
{
    sqlite3 *db;
    int rc = regcli_open(ARG(a, O_DB), 1, &db);
    if (rc != LABELS_EXIT_OK)
        return rc;
    char err[REG_ERR_MAX] = "";
    struct reg_product p;
    struct reg_producer pr;
    if (load_existing(db, a, &p, err, sizeof err) ||
        reg_producer_load(db, p.producer, &pr, err, sizeof err) != 1) {
        cli_error("%s", err[0] ? err : "producer record missing");
        registry_close(db);
        return LABELS_EXIT_FAIL;
    }
    regcli_print_product(&p);
    printf("producer name: %s (%s, %s)\n", pr.name, pr.kind, pr.province);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db,
                           "SELECT key_id,enrolled,revoked,revoke_reason FROM "
                           "keys WHERE producer=?1 ORDER BY enrolled,key_id",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, p.producer, -1, SQLITE_STATIC);
        while (sqlite3_step(st) == SQLITE_ROW) {
            const char *revoked = (const char *)sqlite3_column_text(st, 2);
            printf("key:           %s enrolled %s%s%s%s%s\n",
                   sqlite3_column_text(st, 0), sqlite3_column_text(st, 1),
                   *revoked ? ", revoked " : "", revoked, *revoked ? " " : "",
                   *revoked ? (const char *)sqlite3_column_text(st, 3) : "");
        }
    }
    sqlite3_finalize(st);
    registry_close(db);
    return LABELS_EXIT_OK;
}

static int product_list(struct args *a)
{
    char err[REG_ERR_MAX];
    struct reg_product f;
    memset(&f, 0, sizeof f);
    if ((ARG(a, O_PROVINCE) &&
         reg_product_set(&f, "province", ARG(a, O_PROVINCE), err,
                         sizeof err)) ||
        (ARG(a, O_GROUP) &&
         reg_product_set(&f, "group", ARG(a, O_GROUP), err, sizeof err)) ||
        (ARG(a, O_STATUS) &&
         reg_product_set(&f, "status", ARG(a, O_STATUS), err, sizeof err)) ||
        (ARG(a, O_PRODUCER) &&
         reg_product_set(&f, "producer", ARG(a, O_PRODUCER), err,
                         sizeof err))) {
        cli_error("%s", err);
        return LABELS_EXIT_USAGE;
    }
    sqlite3 *db;
    int rc = regcli_open(ARG(a, O_DB), 1, &db);
    if (rc != LABELS_EXIT_OK)
        return rc;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(
            db,
            "SELECT code,stars,proposed5,effective_status(status,expires,"
            "?5),expires,province,grp,"
            "producer,name FROM products WHERE (?1='' OR province=?1) AND "
            "(?2='' OR grp=?2) AND "
            "(?3='' OR effective_status(status,expires,?5)=?3) AND "
            "(?4='' OR producer=?4) ORDER BY code",
            -1, &st, NULL) != SQLITE_OK) {
        cli_error("cannot list products: %s", sqlite3_errmsg(db));
        registry_close(db);
        return LABELS_EXIT_FAIL;
    }
    sqlite3_bind_text(st, 1, f.province, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, f.grp, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, f.status, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, f.producer, -1, SQLITE_STATIC);
    char today[LABELS_DATE_SIZE];
    regdate_today(today);
    sqlite3_bind_text(st, 5, today, -1, SQLITE_STATIC);
    printf("code\tstars\tstatus\texpires\tprovince\tgroup\tproducer\tname\n");
    int n = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", sqlite3_column_text(st, 0),
               sqlite3_column_int(st, 2)
                   ? "P5"
                   : (const char *)sqlite3_column_text(st, 1),
               sqlite3_column_text(st, 3), sqlite3_column_text(st, 4),
               sqlite3_column_text(st, 5), sqlite3_column_text(st, 6),
               sqlite3_column_text(st, 7), sqlite3_column_text(st, 8));
        n++;
    }
    int ok = rc == SQLITE_DONE;
    if (!ok)
        cli_error("cannot list products: %s", sqlite3_errmsg(db));
    sqlite3_finalize(st);
    registry_close(db);
    return ok ? LABELS_EXIT_OK : LABELS_EXIT_FAIL;
}

static const char usage_text[] =
    "usage: ocop-host product add --db REG.db --code CODE --name NAME "
    "--group G --stars S\n"
    "           --province P --producer PCODE [--producer-name NAME "
    "--producer-kind K]\n"
    "           [--producer-contact TEXT] --certificate NO --certified "
    "YYYY-MM-DD [--expires YYYY-MM-DD]\n"
    "       ocop-host product edit --db REG.db --code CODE [--name ...] "
    "[--group ...] [--stars ...]\n"
    "           [--province ...] [--producer ...] [--certificate ...] "
    "[--certified ...] [--expires ...]\n"
    "       ocop-host product set-status --db REG.db --code CODE --status "
    "rated|suspended|revoked|expired\n"
    "           [--reason TEXT] [--date YYYY-MM-DD]\n"
    "       ocop-host product move --db REG.db --code CODE --province P\n"
    "       ocop-host product show --db REG.db --code CODE\n"
    "       ocop-host product list --db REG.db [--province P] [--group G] "
    "[--status S] [--producer PCODE]\n"
    "Groups: food, beverages, herbal, textiles, souvenirs, tourism. Stars: "
    "3, 4, 5 or 'proposed 5'.\n"
    "Kinds: cooperative, enterprise, household. Expiry defaults to 36 "
    "months after certification.\n";

int cmd_product(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        fputs(usage_text, argc < 2 ? stderr : stdout);
        return argc < 2 ? LABELS_EXIT_USAGE : LABELS_EXIT_OK;
    }
    const char *sub = argv[1];
    struct args a;
    int rc = parse(argc - 1, argv + 1, &a);
    if (rc != LABELS_EXIT_OK)
        return rc;
    if (a.help) {
        fputs(usage_text, stdout);
        return LABELS_EXIT_OK;
    }
    if (strcmp(sub, "list") != 0 && !ARG(&a, O_CODE)) {
        cli_error("product %s needs --code CODE", sub);
        return LABELS_EXIT_USAGE;
    }
    if (!strcmp(sub, "add"))
        return in_transaction(ARG(&a, O_DB), do_add, &a);
    if (!strcmp(sub, "set-status") && !ARG(&a, O_STATUS)) {
        cli_error("product set-status needs --status");
        return LABELS_EXIT_USAGE;
    }
    if (!strcmp(sub, "move") && !ARG(&a, O_PROVINCE)) {
        cli_error("product move needs --province P");
        return LABELS_EXIT_USAGE;
    }
    if (!strcmp(sub, "edit") || !strcmp(sub, "set-status") ||
        !strcmp(sub, "move"))
        return product_change(sub, &a);
    if (!strcmp(sub, "show"))
        return product_show(&a);
    if (!strcmp(sub, "list"))
        return product_list(&a);
    cli_error("unknown product command '%s' (add, edit, set-status, move, "
              "show, list)",
              sub);
    return LABELS_EXIT_USAGE;
}
