/* scan_debounce.c -- one report per appearance of a code (see header). */
#include "scan_debounce.h"

#include <string.h>

void debounce_init(scan_debounce *d, int64_t absent_ms)
{
    memset(d, 0, sizeof *d);
    d->absent_ms = absent_ms;
}

void debounce_reset(scan_debounce *d) { debounce_init(d, d->absent_ms); }

/* FNV-1a, 64 bits: codes are compared by hash and length; a collision
 * would at worst hide one repeat for absent_ms. */
static uint64_t hash(const char *p, size_t len)
{
    uint64_t h = 14695981039346656037ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

int debounce_seen(scan_debounce *d, const char *text, size_t len,
                  int64_t frame_ms)
{
    uint64_t h = hash(text, len);
    for (int i = 0; i < d->n; i++) {
        if (d->seen[i].hash != h || d->seen[i].len != len)
            continue;
        int64_t gap = frame_ms - d->seen[i].last_ms;
        d->seen[i].last_ms = frame_ms;
        if (gap <= d->absent_ms)
            return 0;
        break; /* out of view long enough: a new appearance */
    }
    /* A new scan: codes not in this frame are out of view now, so
     * showing them again is a new scan too. */
    int keep = 0;
    for (int i = 0; i < d->n; i++)
        if (d->seen[i].last_ms == frame_ms &&
            !(d->seen[i].hash == h && d->seen[i].len == len))
            d->seen[keep++] = d->seen[i];
    d->n = keep;
    if (d->n == DEBOUNCE_CODES) {
        int oldest = 0;
        for (int i = 1; i < d->n; i++)
            if (d->seen[i].last_ms < d->seen[oldest].last_ms)
                oldest = i;
        d->seen[oldest] = d->seen[--d->n];
    }
    d->seen[d->n].hash = h;
    d->seen[d->n].len = len;
    d->seen[d->n].last_ms = frame_ms;
    d->n++;
    return 1;
}
