/* upload_backoff.c -- how long to wait after failed upload rounds. Apart
 * from net/upload.c (libcurl): the service's upload thread decides the wait,
 * the network helper only runs rounds. */
#include "upload_backoff.h"

#include <sodium.h>

long upload_backoff(int failures, long retry_after_s, long max_s)
{
    if (max_s <= 0)
        max_s = 3600;
    if (failures < 1)
        failures = 1;
    long d = 5;
    for (int i = 1; i < failures && d < max_s; i++)
        d *= 2;
    if (d > max_s)
        d = max_s;
    /* Between half and all of d. */
    long wait = d / 2 + (long)randombytes_uniform((uint32_t)(d - d / 2 + 1));
    if (retry_after_s > wait)
        wait = retry_after_s > 86400 ? 86400 : retry_after_s;
    return wait;
}
