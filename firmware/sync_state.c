/* sync_state.c -- the kiosk's sync state file: key=value lines, written
 * atomically so a crash leaves the previous state. */
#include "sync_state.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 2020-01-01T00:00:00Z: no feed is older than the project. */
#define FEED_EPOCH 1577836800

int iso_time_parse(const char *s, time_t *out)
{
    int64_t t;
    if (labels_time_iso_parse(s, &t) != LABELS_OK || t < FEED_EPOCH ||
        (int64_t)(time_t)t != t)
        return -1;
    *out = (time_t)t;
    return 0;
}

static void set_time(const char *v, time_t *t)
{
    if (iso_time_parse(v, t) != 0)
        *t = 0;
}

int sync_state_read(const char *path, struct sync_state *st)
{
    memset(st, 0, sizeof *st);
    FILE *f = fopen(path, "r");
    if (!f)
        return errno == ENOENT ? 0 : -1;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        char *eq = strchr(line, '=');
        if (!eq)
            continue;
        *eq = 0;
        const char *k = line, *v = eq + 1;
        if (!strcmp(k, "version"))
            st->version = strtoll(v, NULL, 10);
        else if (!strcmp(k, "manifest_sha256") && strlen(v) == 64)
            memcpy(st->manifest_sha256, v, 65);
        else if (!strcmp(k, "etag") && strlen(v) < sizeof st->etag)
            memcpy(st->etag, v, strlen(v) + 1);
        else if (!strcmp(k, "last_sync"))
            set_time(v, &st->last_sync);
        else if (!strcmp(k, "published"))
            set_time(v, &st->published);
        else if (!strcmp(k, "expires"))
            set_time(v, &st->expires);
        else if (!strcmp(k, "feed_key"))
            st->have_feed_key =
                labels_pubkey_parse(v, strlen(v), &st->feed_key) == LABELS_OK;
        else if (!strcmp(k, "root_key") && strlen(v) == 16)
            memcpy(st->root_key_id, v, 17);
    }
    int bad = ferror(f);
    fclose(f);
    if (st->version < 0)
        st->version = 0;
    return bad ? -1 : 0;
}

int sync_state_write(const char *path, const struct sync_state *st)
{
    char last[32] = "", pub[32] = "", exp[32] = "", key[LABELS_PUBKEY_B64_MAX];
    /* labels_time_iso fails only past 9999 or before 1970, times no clock
     * or feed gives: the field is then empty and reads back as unset. */
    if (st->last_sync)
        (void)labels_time_iso(st->last_sync, last);
    if (st->published)
        (void)labels_time_iso(st->published, pub);
    if (st->expires)
        (void)labels_time_iso(st->expires, exp);
    key[0] = 0;
    if (st->have_feed_key &&
        labels_pubkey_to_base64(&st->feed_key, key, sizeof key) != LABELS_OK)
        return -1;
    char text[1024];
    int n = snprintf(text, sizeof text,
                     "version=%" PRId64 "\nmanifest_sha256=%s\netag=%s\n"
                     "last_sync=%s\npublished=%s\nexpires=%s\n"
                     "feed_key=%s\nroot_key=%s\n",
                     st->version, st->manifest_sha256, st->etag, last, pub, exp,
                     key, st->root_key_id);
    if (n < 0 || (size_t)n >= sizeof text)
        return -1;
    return labels_file_write_atomic(path, text, (size_t)n, 0644, 0) == LABELS_OK
               ? 0
               : -1;
}

int sync_state_stale(const struct sync_state *st, time_t now)
{
    /* A clock more than a day behind the publish time of data we hold is
     * wrong (a board without a battery-backed clock boots in 1970): then
     * the expiry cannot be judged, and the honest answer is "stale". */
    return st->expires == 0 || now > st->expires ||
           (st->published && now < st->published - 86400);
}

int sync_stale_since(const char *state_path, time_t now, char since[32])
{
    struct sync_state st;
    snprintf(since, 32, "never");
    if (sync_state_read(state_path, &st) != 0)
        return 1;
    if (st.last_sync)
        (void)labels_time_iso(st.last_sync, since);
    return sync_state_stale(&st, now);
}
