/* steps.c -- the feed's history as one changeset per version ("steps"):
 * a delta from any kept version to the newest is the steps in between
 * combined (sqlite3changegroup), so a publish diffs the registry once,
 * against the previous version only, however many versions it keeps
 * (docs/feed.md, issue 12). */
#include "feed/steps.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#define SQLITE_ENABLE_SESSION 1
#define SQLITE_ENABLE_PREUPDATE_HOOK 1
#include <sqlite3.h>
#include <zstd.h>

/* No step of ours is larger: a bigger one is damaged. */
#define MAX_STEP_BYTES (256u << 20)

int feed_step_path(const char *vdir, int64_t from, int64_t to, char *out,
                   size_t outsz)
{
    return snprintf(out, outsz, "%s/%" PRId64 "-%" PRId64 ".cs.zst", vdir, from,
                    to) < (int)outsz
               ? 0
               : -1;
}

int feed_step_parse(const char *name, int64_t *from, int64_t *to)
{
    char *end;
    long long a = strtoll(name, &end, 10);
    if (end == name || *end != '-' || a < 1)
        return -1;
    const char *q = end + 1;
    long long b = strtoll(q, &end, 10);
    if (end == q || strcmp(end, ".cs.zst") || b <= a)
        return -1;
    *from = a;
    *to = b;
    return 0;
}

/* The version the kept step to version starts from, or 0. */
static int64_t step_to(const char *vdir, int64_t version)
{
    DIR *dir = opendir(vdir);
    struct dirent *e;
    int64_t from = 0, a, b;
    while (dir && (e = readdir(dir)))
        if (feed_step_parse(e->d_name, &a, &b) == 0 && b == version)
            from = a;
    if (dir)
        closedir(dir);
    return from;
}

/* The decompressed bytes of a zstd file, at most max of them. */
static int read_zst(const char *path, size_t max, uint8_t **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    struct stat st;
    uint8_t *comp = NULL;
    int rc = -1;
    if (fstat(fileno(f), &st) != 0 || st.st_size <= 0 ||
        (uint64_t)st.st_size > max)
        goto done;
    comp = malloc((size_t)st.st_size);
    if (!comp || fread(comp, 1, (size_t)st.st_size, f) != (size_t)st.st_size)
        goto done;
    unsigned long long n = ZSTD_getFrameContentSize(comp, (size_t)st.st_size);
    if (n == ZSTD_CONTENTSIZE_ERROR || n == ZSTD_CONTENTSIZE_UNKNOWN ||
        n > max || n == 0)
        goto done;
    *out = malloc((size_t)n);
    if (!*out)
        goto done;
    size_t got = ZSTD_decompress(*out, (size_t)n, comp, (size_t)st.st_size);
    if (ZSTD_isError(got) || got != n) {
        free(*out);
        *out = NULL;
        goto done;
    }
    *len = (size_t)n;
    rc = 0;
done:
    free(comp);
    fclose(f);
    return rc;
}

int feed_deltas_from_steps(const char *vdir, int64_t prev, int64_t oldest,
                           size_t max, const void *last, size_t last_len,
                           feed_delta_fn fn, void *ctx, char *err, size_t errsz)
{
    /* The kept steps back from prev: chain[i] goes from base[i + 1] to
     * base[i], base[0] = prev. */
    uint8_t **chain = calloc(max + 1, sizeof *chain);
    size_t *lens = calloc(max + 1, sizeof *lens);
    int64_t *base = calloc(max + 1, sizeof *base);
    int rc = -1;
    size_t n = 0;
    if (!chain || !lens || !base) {
        snprintf(err, errsz, "out of memory");
        goto done;
    }
    base[0] = prev;
    while (n + 1 < max && base[n] > oldest) {
        int64_t from = step_to(vdir, base[n]);
        char path[4096];
        if (from < oldest || from < 1 ||
            feed_step_path(vdir, from, base[n], path, sizeof path) != 0)
            break;
        if (read_zst(path, MAX_STEP_BYTES, &chain[n], &lens[n]) != 0) {
            snprintf(err, errsz,
                     "versions/%" PRId64 "-%" PRId64 ".cs.zst is damaged", from,
                     base[n]);
            rc = 1;
            break;
        }
        base[++n] = from;
    }
    if (rc != 1)
        rc = 0;
    /* A delta from each base: its steps oldest first (a changegroup
     * combines changes in the order given), then last. */
    for (size_t b = 0; b <= n; b++) {
        sqlite3_changegroup *g = NULL;
        int ok = sqlite3changegroup_new(&g) == SQLITE_OK;
        for (size_t i = b; ok && i-- > 0;)
            ok = sqlite3changegroup_add(g, (int)lens[i], chain[i]) == SQLITE_OK;
        int len = 0;
        void *p = NULL;
        ok = ok &&
             sqlite3changegroup_add(g, (int)last_len, (void *)last) ==
                 SQLITE_OK &&
             sqlite3changegroup_output(g, &len, &p) == SQLITE_OK;
        sqlite3changegroup_delete(g);
        if (!ok) {
            snprintf(err, errsz,
                     "cannot combine the changes since version %" PRId64,
                     base[b]);
            rc = -1;
            break;
        }
        int f = fn(ctx, base[b], p, (size_t)len);
        sqlite3_free(p);
        if (f != 0) {
            rc = -1;
            break;
        }
    }
done:
    for (size_t i = 0; chain && i < max + 1; i++)
        free(chain[i]);
    free(chain);
    free(lens);
    free(base);
    return rc;
}

int feed_unzstd_file(const char *src, const char *dst, char *err, size_t errsz)
{
    FILE *in = fopen(src, "rb");
    FILE *out = in ? fopen(dst, "wbx") : NULL;
    ZSTD_DStream *z = ZSTD_createDStream();
    size_t ibsz = ZSTD_DStreamInSize(), obsz = ZSTD_DStreamOutSize();
    uint8_t *ib = malloc(ibsz), *ob = malloc(obsz);
    int rc = -1;
    size_t last = 1, got;
    if (!in || !out || !z || !ib || !ob) {
        snprintf(err, errsz, "cannot decompress %s to %s: %s", src, dst,
                 strerror(errno));
        goto done;
    }
    ZSTD_initDStream(z);
    while ((got = fread(ib, 1, ibsz, in)) > 0) {
        ZSTD_inBuffer zi = {ib, got, 0};
        while (zi.pos < zi.size) {
            ZSTD_outBuffer zo = {ob, obsz, 0};
            last = ZSTD_decompressStream(z, &zo, &zi);
            if (ZSTD_isError(last) || fwrite(ob, 1, zo.pos, out) != zo.pos) {
                snprintf(err, errsz, "cannot decompress %s: %s", src,
                         ZSTD_isError(last) ? ZSTD_getErrorName(last)
                                            : strerror(errno));
                goto done;
            }
        }
    }
    if (ferror(in) || last != 0) {
        snprintf(err, errsz, "cannot decompress %s: truncated", src);
        goto done;
    }
    rc = 0;
done:
    if (out && fclose(out) != 0 && rc == 0) {
        snprintf(err, errsz, "cannot write %s: %s", dst, strerror(errno));
        rc = -1;
    }
    if (in)
        fclose(in);
    if (rc != 0 && out)
        unlink(dst);
    ZSTD_freeDStream(z);
    free(ib);
    free(ob);
    return rc;
}
