/* sync.c -- one sync round: conditional GET of the manifest, signature,
 * key rotation, version and expiry checks before anything else is
 * fetched; then a delta or the snapshot, size-capped and hashed before
 * use; then an atomic apply and the new state. */
#include "sync.h"

#include "http.h"
#include "log.h"
#include "manifest.h"
#include "mirror_version.h"
#include "sync_apply.h"
#include "sync_state.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_ROTATIONS 8

/* Whether this round refused something the feed offered (an attack or a
 * broken publisher), as opposed to failing to reach it: exit code 1
 * rather than 3. One round runs at a time (kiosk_sync's lock). */
static int round_refused;

static void refuse(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void refuse(const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    round_refused = 1;
    kiosk_log("%s", msg);
}
#define ANNOUNCEMENT_MAX 4096

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void make_url(const char *base, const char *name, char *out,
                     size_t outsz)
{
    size_t n = strlen(base);
    snprintf(out, outsz, "%s%s%s", base, n && base[n - 1] == '/' ? "" : "/",
             name);
}

static void sha256_hex(const void *p, size_t len, char out[65])
{
    uint8_t h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, p, len);
    sodium_bin2hex(out, 65, h, sizeof h);
}

static int file_sha256(const char *path, char out[65])
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    crypto_hash_sha256_state s;
    crypto_hash_sha256_init(&s);
    uint8_t buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        crypto_hash_sha256_update(&s, buf, n);
    int bad = ferror(f);
    fclose(f);
    uint8_t h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&s, h);
    sodium_bin2hex(out, 65, h, sizeof h);
    return bad ? -1 : 0;
}

/* Follow "key-<ID>.next" announcements from *trusted until the key the
 * manifest names; each must be signed by the key before it. */
static int follow_rotation(const struct kiosk_config *cfg, const char *base,
                           const uint8_t want[LABELS_KEY_ID_BYTES],
                           labels_pubkey *trusted)
{
    for (int hop = 0; hop < MAX_ROTATIONS; hop++) {
        if (!memcmp(trusted->id, want, LABELS_KEY_ID_BYTES))
            return 0;
        char tid[LABELS_KEY_ID_HEX_SIZE], name[64], url[KIOSK_URL_MAX + 64],
            err[512];
        labels_key_id_hex(trusted->id, tid);
        snprintf(name, sizeof name, "key-%s.next", tid);
        make_url(base, name, url, sizeof url);
        struct http_buf b;
        if (http_get(cfg, url, NULL, ANNOUNCEMENT_MAX, &b, NULL, err,
                     sizeof err) != HTTP_OK) {
            refuse("sync: refused manifest: signed by a key that key %s "
                   "did not announce (%s)",
                   tid, err);
            return -1;
        }
        /* "ocop-feed-key 1\nold=ID\nnew=ID\npublic=B64\nsig=HEX\n" */
        const char *sig = b.len > 0 ? strstr(b.data, "\nsig=") : NULL;
        uint8_t sigb[LABELS_SIG_BYTES];
        size_t got = 0;
        labels_pubkey next;
        char oldline[32], newline[32], nid[LABELS_KEY_ID_HEX_SIZE];
        const char *pub = strstr(b.data ? b.data : "", "\npublic=");
        int ok = sig && pub && pub < sig &&
                 !strncmp(b.data, "ocop-feed-key 1\n", 16) &&
                 strlen(sig) == 5 + 2 * LABELS_SIG_BYTES + 1 &&
                 sodium_hex2bin(sigb, sizeof sigb, sig + 5,
                                2 * LABELS_SIG_BYTES, NULL, &got, NULL) == 0 &&
                 got == LABELS_SIG_BYTES &&
                 labels_verify_detached(LABELS_DOMAIN_FEED_KEY, trusted, b.data,
                                        (size_t)(sig - b.data) + 1,
                                        sigb) == LABELS_OK;
        if (ok) {
            const char *pe = strchr(pub + 8, '\n');
            ok = pe && labels_pubkey_parse(pub + 8, (size_t)(pe - pub - 8),
                                           &next) == LABELS_OK;
        }
        if (ok) {
            labels_key_id_hex(next.id, nid);
            snprintf(oldline, sizeof oldline, "\nold=%s\n", tid);
            snprintf(newline, sizeof newline, "\nnew=%s\n", nid);
            ok = strstr(b.data, oldline) && strstr(b.data, newline);
        }
        free(b.data);
        if (!ok) {
            refuse("sync: refused key announcement %s: not a valid "
                   "announcement signed by key %s",
                   name, tid);
            return -1;
        }
        kiosk_log("sync: feed key %s hands over to key %s", tid, nid);
        *trusted = next;
    }
    if (!memcmp(trusted->id, want, LABELS_KEY_ID_BYTES))
        return 0;
    refuse("sync: refused manifest: more than %d key rotations", MAX_ROTATIONS);
    return -1;
}

static void part_path(const char *mirror, const char *name, char *out,
                      size_t outsz)
{
    snprintf(out, outsz, "%s.%s.part", mirror, name);
}

/* Fetch one feed file into its part file and check size and hash. */
/* fetch_file()'s answer when the feed no longer has the file: a publish
 * replaced the manifest that named it (docs/feed.md, "Publishing"). */
enum { FETCH_GONE = -2 };

static int fetch_file(const struct kiosk_config *cfg, const char *base,
                      const struct feed_file *f, const char *what, char *part,
                      size_t partsz)
{
    char url[KIOSK_URL_MAX + 128], err[1024], sha[65];
    make_url(base, f->name, url, sizeof url);
    part_path(cfg->mirror, f->name, part, partsz);
    int h = http_download(cfg, url, part, f->size, err, sizeof err);
    if (h == HTTP_TOO_BIG) {
        refuse("sync: refused %s %s: %s", what, f->name, err);
        unlink(part);
        return -1;
    }
    if (h != HTTP_OK) {
        kiosk_log("sync: cannot fetch %s %s: %s", what, f->name, err);
        return h == HTTP_GONE ? FETCH_GONE : -1;
    }
    if (file_sha256(part, sha) != 0) {
        kiosk_log("sync: cannot read %s: %s", part, strerror(errno));
        return -1;
    }
    if (strcmp(sha, f->sha256)) {
        refuse("sync: refused %s %s: its SHA-256 %s differs from the "
               "manifest's",
               what, f->name, sha);
        unlink(part);
        return -1;
    }
    return 0;
}

/* Remove part files of downloads the current manifest no longer names,
 * and a snapshot left half-written by a killed install. */
static void clean_parts(const char *mirror, const struct manifest *m)
{
    char *d = strdup(mirror), *b = strdup(mirror);
    if (!d || !b) {
        free(d);
        free(b);
        return;
    }
    const char *dir = dirname(d), *base = basename(b);
    size_t bl = strlen(base);
    DIR *dh = opendir(dir);
    struct dirent *e;
    while (dh && (e = readdir(dh))) {
        const char *n = e->d_name;
        size_t nl = strlen(n);
        int ours = nl > bl + 1 && !strncmp(n, base, bl) && n[bl] == '.';
        if (!ours)
            continue;
        const char *rest = n + bl + 1;
        int stale = !strcmp(rest, "new");
        if (nl > bl + 6 && !strcmp(n + nl - 5, ".part")) {
            stale = 1;
            size_t rl = strlen(rest) - 5;
            if (rl == strlen(m->snapshot.name) &&
                !strncmp(rest, m->snapshot.name, rl))
                stale = 0;
            for (size_t i = 0; i < m->ndeltas; i++)
                if (rl == strlen(m->deltas[i].name) &&
                    !strncmp(rest, m->deltas[i].name, rl))
                    stale = 0;
        }
        if (stale) {
            char path[KIOSK_PATH_MAX + 300];
            if (snprintf(path, sizeof path, "%s/%s", dir, n) < (int)sizeof path)
                unlink(path);
        }
    }
    if (dh)
        closedir(dh);
    free(d);
    free(b);
}

static int sync_round(const struct kiosk_config *cfg, const char *feed_url,
                      struct sync_report *rep);

int kiosk_sync(const struct kiosk_config *cfg, const char *feed_url,
               struct sync_report *rep)
{
    memset(rep, 0, sizeof *rep);
    /* A fresh kiosk: its data folders may not exist yet (one level). */
    const char *paths[] = {cfg->state, cfg->mirror};
    for (int i = 0; i < 2; i++) {
        char *copy = strdup(paths[i]);
        if (copy && mkdir(dirname(copy), 0755) != 0 && errno != EEXIST)
            kiosk_log("sync: cannot create the folder of %s: %s", paths[i],
                      strerror(errno));
        free(copy);
    }
    /* One round at a time: the service's timer and a manual sync would
     * otherwise both write <mirror>.new and the state file. */
    char lock[KIOSK_PATH_MAX + 8];
    snprintf(lock, sizeof lock, "%s.lock", cfg->state);
    int fd = -1;
    int lr = labels_file_open(lock, O_RDWR | O_CREAT, 0644, &fd);
    if (fd < 0) {
        kiosk_log("sync: cannot open %s: %s", lock,
                  lr == LABELS_ERR_IO ? strerror(errno) : labels_strerror(lr));
        return -1;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        kiosk_log("sync: another sync is running (%s is locked)", lock);
        close(fd);
        return -1;
    }
    round_refused = 0;
    int rc = sync_round(cfg, feed_url, rep);
    /* The snapshot the manifest named is gone: a publish replaced the
     * manifest while this round ran (a publisher keeps no previous
     * snapshot). Its new manifest names the files there are. Once: a
     * cache still serving the old manifest leaves it to the next round. */
    if (rc == FETCH_GONE && !round_refused) {
        kiosk_log("sync: the feed was published anew; reading its manifest "
                  "again");
        rc = sync_round(cfg, feed_url, rep);
    }
    close(fd);
    return rc == 0 ? 0 : round_refused ? SYNC_REFUSED : SYNC_FAILED;
}

/* The manifest just fetched (mb), checked in the order docs/feed.md gives:
 * envelope, key (after following rotations), signature, format, rollback
 * against version have and the state, same version with other bytes,
 * expiry at now. On success m, *trusted (the feed key it verified with),
 * msha (its SHA-256) and root (the configured authority's key ID) are
 * set; each refusal is logged. 0 or -1. */
static int check_manifest(const struct kiosk_config *cfg, const char *base,
                          const struct sync_state *st, int64_t have,
                          const struct http_buf *mb, time_t now,
                          struct manifest *m, labels_pubkey *trusted,
                          char msha[65], char root[LABELS_KEY_ID_HEX_SIZE])
{
    char err[1024] = "";
    size_t body_len;
    uint8_t sig[LABELS_SIG_BYTES], kid[LABELS_KEY_ID_BYTES];
    if (manifest_envelope(mb->data, mb->len, &body_len, sig, kid, err,
                          sizeof err) != 0) {
        refuse("sync: refused manifest: %s", err);
        return -1;
    }
    *trusted = cfg->authority;
    char khex[LABELS_KEY_ID_HEX_SIZE], thex[LABELS_KEY_ID_HEX_SIZE];
    labels_key_id_hex(cfg->authority.id, root);
    if (st->have_feed_key && !strcmp(st->root_key_id, root))
        *trusted = st->feed_key;
    if (follow_rotation(cfg, base, kid, trusted) != 0)
        return -1;
    labels_key_id_hex(kid, khex);
    labels_key_id_hex(trusted->id, thex);
    if (labels_verify_detached(LABELS_DOMAIN_FEED, trusted, mb->data, body_len,
                               sig) != LABELS_OK) {
        refuse("sync: refused manifest: it names key %s, and its signature "
               "does not verify with feed key %s",
               khex, thex);
        return -1;
    }
    if (manifest_parse(mb->data, body_len, m, err, sizeof err) != 0) {
        refuse("sync: refused manifest: %s", err);
        return -1;
    }
    sha256_hex(mb->data, mb->len, msha);
    int64_t highest = st->version > have ? st->version : have;
    if (m->version < highest) {
        refuse("sync: refused manifest version %lld: older than version "
               "%lld already held (rollback)",
               (long long)m->version, (long long)highest);
        return -1;
    }
    if (m->version == st->version && st->manifest_sha256[0] &&
        strcmp(msha, st->manifest_sha256)) {
        refuse("sync: refused manifest version %lld: same version as "
               "the one held, different content",
               (long long)m->version);
        return -1;
    }
    if (now > m->expires) {
        char e[32];
        (void)labels_time_iso(m->expires, e);
        refuse("sync: refused manifest version %lld: expired at %s",
               (long long)m->version, e);
        return -1;
    }
    return 0;
}

/* Bring the mirror from version have to m's: the delta from have when
 * the feed has one smaller than the snapshot, else (or when the delta
 * fails) the snapshot. rep gets the path and the time it took. 0, -1, or
 * FETCH_GONE when the snapshot is no longer served; each problem logged. */
static int bring_mirror(const struct kiosk_config *cfg, const char *base,
                        const struct manifest *m, int64_t have,
                        struct sync_report *rep)
{
    char err[1024] = "";
    char part[KIOSK_PATH_MAX + 128];
    const struct feed_file *d = NULL;
    for (size_t i = 0; i < m->ndeltas && have > 0; i++)
        if (m->deltas[i].base == have && m->deltas[i].size < m->snapshot.size)
            d = &m->deltas[i];
    if (d && fetch_file(cfg, base, d, "delta", part, sizeof part) == 0) {
        double t0 = now_ms();
        int a = apply_delta(cfg->mirror, part, d->usize, d->base, m->version,
                            err, sizeof err);
        unlink(part);
        if (a == 0) {
            rep->apply_ms = now_ms() - t0;
            rep->path = SYNC_DELTA;
            /* The mirror is current whatever the fold does: a fold
             * that fails leaves the overlay for the next round. */
            t0 = now_ms();
            int f = fold_overlay(cfg->mirror, m->version, err, sizeof err);
            if (f == 1)
                rep->fold_ms = now_ms() - t0;
            else if (f != 0)
                kiosk_log("sync: %s (the overlay stays as it is)", err);
            return 0;
        }
        if (a == APPLY_REFUSED)
            refuse("sync: refused delta %s: %s", d->name, err);
        else
            kiosk_log("sync: cannot apply delta %s: %s", d->name, err);
    }
    if (d)
        kiosk_log("sync: falling back to the snapshot");
    int got =
        fetch_file(cfg, base, &m->snapshot, "snapshot", part, sizeof part);
    if (got != 0)
        return got;
    double t0 = now_ms();
    int a = install_snapshot(cfg->mirror, part, m->snapshot.usize, m->version,
                             err, sizeof err);
    if (a != 0) {
        if (a == APPLY_REFUSED) {
            refuse("sync: refused snapshot %s: %s", m->snapshot.name, err);
            unlink(part);
        } else {
            kiosk_log("sync: cannot install snapshot %s: %s", m->snapshot.name,
                      err);
        }
        return -1;
    }
    rep->apply_ms = now_ms() - t0;
    rep->path = SYNC_SNAPSHOT;
    unlink(part);
    return 0;
}

static int sync_round(const struct kiosk_config *cfg, const char *feed_url,
                      struct sync_report *rep)
{
    memset(rep, 0, sizeof *rep);
    const char *base = feed_url ? feed_url : cfg->feed_url;
    uint64_t wire0 = http_wire_bytes();
    char err[1024] = "";
    struct sync_state st;
    if (sync_state_read(cfg->state, &st) != 0) {
        kiosk_log("sync: cannot read state %s: %s", cfg->state,
                  strerror(errno));
        return -1;
    }
    /* Links planted beside the mirror go before SQLite first opens it
     * (it would refuse them, and the mirror with them). */
    if (mirror_clear_planted(cfg->mirror, err, sizeof err) != 0)
        kiosk_log("sync: %s", err);
    int64_t have = mirror_version(cfg->mirror, err, sizeof err);
    if (have < 0) {
        kiosk_log("sync: %s; fetching a fresh snapshot", err);
        have = 0;
    }
    rep->version = have;

    char url[KIOSK_URL_MAX + 64];
    make_url(base, "manifest", url, sizeof url);
    /* The ETag only describes what we hold if the mirror is that version. */
    const char *inm = have > 0 && have == st.version ? st.etag : NULL;
    struct http_buf mb;
    char etag[256] = "";
    int h =
        http_get(cfg, url, inm, MANIFEST_MAX_BYTES, &mb, etag, err, sizeof err);
    if (h == HTTP_NOT_MODIFIED) {
        st.last_sync = time(NULL);
        if (sync_state_write(cfg->state, &st) != 0)
            kiosk_log("sync: cannot write state %s", cfg->state);
        rep->path = SYNC_UNCHANGED;
        rep->wire_bytes = http_wire_bytes() - wire0;
        kiosk_log("sync: feed unchanged, version %lld", (long long)st.version);
        return 0;
    }
    if (h == HTTP_TOO_BIG) {
        refuse("sync: refused manifest: %s", err);
        return -1;
    }
    if (h != HTTP_OK) {
        kiosk_log("sync: cannot fetch the manifest: %s", err);
        return -1;
    }

    int rc = -1;
    struct manifest m;
    labels_pubkey trusted;
    char msha[65], root[LABELS_KEY_ID_BYTES * 2 + 1];
    time_t now = time(NULL);
    if (check_manifest(cfg, base, &st, have, &mb, now, &m, &trusted, msha,
                       root) != 0)
        goto done;
    rep->path = SYNC_UNCHANGED;
    if (have != m.version &&
        (rc = bring_mirror(cfg, base, &m, have, rep)) != 0) {
        rc = rc == FETCH_GONE ? FETCH_GONE : -1;
        goto done;
    }
    st.version = m.version;
    memcpy(st.manifest_sha256, msha, sizeof msha);
    memcpy(st.etag, etag, sizeof st.etag);
    st.last_sync = now;
    st.published = m.published;
    st.expires = m.expires;
    st.feed_key = trusted;
    st.have_feed_key = 1;
    memcpy(st.root_key_id, root, sizeof root);
    if (sync_state_write(cfg->state, &st) != 0) {
        kiosk_log("sync: cannot write state %s: %s", cfg->state,
                  strerror(errno));
        goto done;
    }
    rep->version = m.version;
    clean_parts(cfg->mirror, &m);
    rc = 0;
    kiosk_log("sync: mirror at version %lld (%s)", (long long)m.version,
              rep->path == SYNC_DELTA      ? "delta"
              : rep->path == SYNC_SNAPSHOT ? "snapshot"
                                           : "already current");
done:
    rep->wire_bytes = http_wire_bytes() - wire0;
    free(mb.data);
    return rc;
}
