/* rate.c -- per-kiosk token buckets. Only kiosks whose batch
 * signature verified get a bucket, so the table is bounded by the number
 * of enrolled kiosks. */
#include "collector/collector.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct bucket {
    uint8_t key[LABELS_KEY_ID_BYTES];
    int used;
    double tokens;
    double last;
} bucket;

struct collector_rate {
    pthread_mutex_t mu;
    double rate, burst;
    bucket *slots;
    size_t cap, n; /* cap is a power of two, kept under half full */
};

collector_rate *collector_rate_new(double rate, double burst)
{
    collector_rate *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->cap = 256;
    r->slots = calloc(r->cap, sizeof *r->slots);
    if (!r->slots || pthread_mutex_init(&r->mu, NULL)) {
        free(r->slots);
        free(r);
        return NULL;
    }
    r->rate = rate;
    r->burst = burst < 1 ? 1 : burst;
    return r;
}

void collector_rate_free(collector_rate *r)
{
    if (!r)
        return;
    pthread_mutex_destroy(&r->mu);
    free(r->slots);
    free(r);
}

static size_t slot_of(const bucket *slots, size_t cap, const uint8_t key[8])
{
    /* Key IDs are hash output already: their first bytes spread well. */
    uint64_t h;
    memcpy(&h, key, sizeof h);
    size_t i = (size_t)h & (cap - 1);
    while (slots[i].used && memcmp(slots[i].key, key, LABELS_KEY_ID_BYTES))
        i = (i + 1) & (cap - 1);
    return i;
}

static int grow(collector_rate *r)
{
    size_t cap = r->cap * 2;
    bucket *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return -1;
    for (size_t i = 0; i < r->cap; i++)
        if (r->slots[i].used)
            slots[slot_of(slots, cap, r->slots[i].key)] = r->slots[i];
    free(r->slots);
    r->slots = slots;
    r->cap = cap;
    return 0;
}

int collector_rate_take(collector_rate *r, const uint8_t key[8], double now,
                        double *wait)
{
    int rc = 0;
    *wait = 0;
    if (r->rate <= 0)
        return 0; /* no limit configured */
    pthread_mutex_lock(&r->mu);
    if (2 * (r->n + 1) > r->cap && grow(r) != 0) {
        pthread_mutex_unlock(&r->mu);
        return 0; /* out of memory: do not refuse a genuine kiosk for it */
    }
    bucket *b = &r->slots[slot_of(r->slots, r->cap, key)];
    if (!b->used) {
        b->used = 1;
        memcpy(b->key, key, LABELS_KEY_ID_BYTES);
        b->tokens = r->burst;
        b->last = now;
        r->n++;
    }
    if (now > b->last) {
        b->tokens += (now - b->last) * r->rate;
        if (b->tokens > r->burst)
            b->tokens = r->burst;
        b->last = now;
    }
    if (b->tokens >= 1) {
        b->tokens -= 1;
    } else {
        *wait = (1 - b->tokens) / r->rate;
        rc = -1;
    }
    pthread_mutex_unlock(&r->mu);
    return rc;
}
