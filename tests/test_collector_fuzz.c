/* test_collector_fuzz.c -- libFuzzer target: the collector's batch parser
 * on arbitrary bytes (the body of any POST /v1/scans) never crashes, and
 * a parsed batch's signed part lies inside the body. */
#include "collector/collector.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    collector_batch b;
    char err[160];
    if (collector_batch_parse((const char *)data, size, &b, err, sizeof err) ==
        0) {
        if (b.signed_len >= size || b.count < 1 ||
            b.count > COLLECTOR_BATCH_MAX_SCANS)
            abort();
        collector_batch_free(&b);
    }
    return 0;
}
