/* clone.c -- ocop-host clone: record a label serial the authority
 * confirmed as cloned (kiosks then answer clone_reported). */
#include "cmd/cli.h"
#include "cmd/registry_cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

int cmd_clone(int argc, char **argv)
{
    static const char usage[] =
        "usage: ocop-host clone --db REG.db --key-id HEX --product CODE "
        "--lot LOT --serial N [--date YYYY-MM-DD]\n"
        "Record a label serial the authority confirmed as cloned; kiosks "
        "then answer clone_reported.\n";
    struct kargs a;
    int rc = regcli_parse_kargs(argc, argv, &a);
    if (rc != LABELS_EXIT_OK)
        return rc;
    if (a.help) {
        fputs(usage, stdout);
        return LABELS_EXIT_OK;
    }
    const char *idhex = KARG(&a, K_KEY_ID), *product = KARG(&a, K_PRODUCT);
    const char *lot = KARG(&a, K_LOT), *serial = KARG(&a, K_SERIAL);
    uint8_t id[LABELS_KEY_ID_BYTES];
    char hex[LABELS_KEY_ID_HEX_SIZE], date[LABELS_DATE_SIZE];
    if (!idhex || !product || !lot || !serial) {
        cli_error("clone needs --key-id, --product, --lot and --serial");
        return LABELS_EXIT_USAGE;
    }
    char *end;
    errno = 0;
    unsigned long long n = strtoull(serial, &end, 10);
    if (labels_key_id_parse(idhex, id) != LABELS_OK ||
        !registry_code_valid(product) || !registry_code_valid(lot) ||
        *serial < '1' || *serial > '9' || *end || errno || n > UINT32_MAX) {
        cli_error("clone: key ID is 16 hex digits, product and lot 1-12 of "
                  "0-9 A-Z - . /, serial 1 to 4294967295");
        return LABELS_EXIT_USAGE;
    }
    rc = regcli_date(KARG(&a, K_DATE), "--date", date);
    if (rc != LABELS_EXIT_OK)
        return rc;
    labels_key_id_hex(id, hex);
    sqlite3 *db;
    rc = regcli_open(KARG(&a, K_DB), 0, &db);
    if (rc != LABELS_EXIT_OK)
        return rc;
    char err[REG_ERR_MAX] = "";
    int failed = registry_clone_record(db, hex, product, lot, (uint32_t)n, date,
                                       err, sizeof err);
    if (!failed)
        printf("clone of %s lot %s serial %llu by key %s recorded\n", product,
               lot, n, hex);
    return regcli_finish(db, failed, err);
}
