/* fuzz_host_csv.c -- libFuzzer: any bytes through the CSV reader and the
 * product and producer field checks, as `ocop-host import` uses them. */
#include "registry/registry.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const fields[] = {
        "code",        "name",        "group",     "producer",
        "province",    "stars",       "status",    "status_reason",
        "status_date", "certificate", "certified", "expires"};
    static const char *const pfields[] = {"code", "name", "kind", "province",
                                          "contact"};
    struct csv c;
    char err[REG_ERR_MAX];
    csv_init(&c, (const char *)data, size);
    int rc;
    while ((rc = csv_next(&c, err, sizeof err)) != 0) {
        if (rc != 1)
            continue;
        struct reg_product p;
        struct reg_producer q;
        memset(&p, 0, sizeof p);
        memset(&q, 0, sizeof q);
        for (size_t i = 0; i < c.nfields; i++) {
            reg_product_set(&p, fields[i % 12], c.fields[i], err, sizeof err);
            reg_producer_set(&q, pfields[i % 5], c.fields[i], err, sizeof err);
        }
        if (reg_product_finish(&p, err, sizeof err) == 0 &&
            regdate_check(p.expires) != 0)
            abort(); /* a finished product always has a real expiry */
    }
    csv_free(&c);
    return 0;
}
