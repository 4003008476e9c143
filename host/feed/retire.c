/* retire.c -- a served file stays in the feed folder while the manifest
 * names it; a delta also for FEED_GRACE_S after a publish replaced that
 * manifest (a kiosk that fetched it a moment before may still want it),
 * then goes. The previous snapshot goes with the publish: the folder
 * holds one snapshot (issue 12: it held two, twice the served files). */
#include "feed/feed.h"
#include "feed/retire.h"

#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct retired {
    int64_t when;
    char name[96];
};

static int named(const char *n, char (*set)[96], size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (!strcmp(n, set[i]))
            return 1;
    return 0;
}

static int served_name(const char *n)
{
    return (!strncmp(n, "snapshot-", 9) || !strncmp(n, "delta-", 6)) &&
           strlen(n) < 96 && !strchr(n, '/');
}

/* The list as it was, minus entries past their grace or served again. */
static size_t read_retired(const char *path, struct retired *out, size_t max,
                           char (*keep)[96], size_t nkeep, int64_t now)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    size_t n = 0;
    char line[256];
    while (n < max && fgets(line, sizeof line, f)) {
        char name[128];
        long long when;
        if (sscanf(line, "%lld %127s", &when, name) != 2 ||
            !served_name(name) || named(name, keep, nkeep) ||
            now - when >= FEED_GRACE_S)
            continue;
        out[n].when = when;
        memcpy(out[n].name, name, strlen(name) + 1); /* served_name: < 96 */
        n++;
    }
    fclose(f);
    return n;
}

static int listed(const char *n, const struct retired *r, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (!strcmp(n, r[i].name))
            return 1;
    return 0;
}

static void write_retired(const char *path, const struct retired *r,
                          size_t count)
{
    if (count == 0) {
        unlink(path); /* nothing kept past the manifest */
        return;
    }
    size_t cap = count * 128 + 1, off = 0;
    char *text = malloc(cap);
    if (!text)
        return;
    for (size_t i = 0; i < count; i++)
        off += (size_t)snprintf(text + off, cap - off, "%" PRId64 " %s\n",
                                r[i].when, r[i].name);
    (void)labels_file_write_atomic(path, text, off, 0644, 0);
    free(text);
}

void feed_retire_and_prune(const char *feed_dir, char (*keep)[96], size_t nkeep,
                           char (*retire)[96], size_t nretire, int64_t now)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s/versions/%s", feed_dir,
                 FEED_RETIRED_NAME) >= (int)sizeof path)
        return;
    /* Never more than one manifest's files. */
    size_t max = FEED_MAX_KEEP_DELTAS + 2;
    struct retired *r = calloc(max + nretire, sizeof *r);
    if (!r)
        return;
    /* A publish retires the manifest it replaces and forgets the ones
     * before: only the previous manifest's files are kept (as before the
     * grace time), so the folder never holds more than two snapshots,
     * whatever the publishing rate. */
    size_t n = nretire ? 0 : read_retired(path, r, max, keep, nkeep, now);
    for (size_t i = 0; i < nretire; i++) {
        /* The previous snapshot goes at once: kept, it made the folder
         * twice the served files for the grace time (issue 12). A kiosk
         * that asks for it gets 404 and reads the manifest again
         * (docs/feed.md, "One sync round"); a delta is small and stays. */
        if (!served_name(retire[i]) || named(retire[i], keep, nkeep) ||
            listed(retire[i], r, n) || !strncmp(retire[i], "snapshot-", 9))
            continue;
        r[n].when = now;
        memcpy(r[n].name, retire[i], sizeof r[n].name);
        n++;
    }
    write_retired(path, r, n);
    DIR *dir = opendir(feed_dir);
    struct dirent *e;
    while (dir && (e = readdir(dir))) {
        char file[4200];
        if (!served_name(e->d_name) || named(e->d_name, keep, nkeep) ||
            listed(e->d_name, r, n) ||
            snprintf(file, sizeof file, "%s/%s", feed_dir, e->d_name) >=
                (int)sizeof file)
            continue;
        unlink(file);
    }
    if (dir)
        closedir(dir);
    free(r);
}
