/* publish.c -- turn a mirror into the next version of a static feed:
 * a zstd snapshot, session-extension deltas from recent versions, and a
 * signed manifest naming them by size and SHA-256 (docs/feed.md). */
#define _GNU_SOURCE /* syncfs */
#include "feed/feed.h"
#include "feed/retire.h"
#include "feed/slack.h"
#include "feed/steps.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sodium.h>
/* Debian's libsqlite3 is built with the session extension; the header
 * declares it only when asked. */
#define SQLITE_ENABLE_SESSION 1
#define SQLITE_ENABLE_PREUPDATE_HOOK 1
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zstd.h>

#define ZSTD_LEVEL 12 /* 19 saves ~3% more at 20x the time */
#define MAX_LINE 512

struct blob {
    uint8_t *p;
    size_t len;
};

struct delta_entry {
    int64_t base;
    char name[96];
    size_t size;
    size_t usize;
    char sha[65];
};

static void seterr(char *err, size_t errsz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void seterr(char *err, size_t errsz, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errsz, fmt, ap);
    va_end(ap);
}

static void sha256_hex(const void *p, size_t len, char out[65])
{
    uint8_t h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, p, len);
    sodium_bin2hex(out, 65, h, sizeof h);
}

static int read_file(const char *path, struct blob *b)
{
    b->p = NULL;
    b->len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || st.st_size < 0) {
        fclose(f);
        return -1;
    }
    b->p = malloc((size_t)st.st_size + 1);
    if (!b->p) {
        fclose(f);
        return -1;
    }
    b->len = fread(b->p, 1, (size_t)st.st_size, f);
    int bad = ferror(f) || b->len != (size_t)st.st_size;
    fclose(f);
    if (bad) {
        free(b->p);
        b->p = NULL;
        return -1;
    }
    b->p[b->len] = 0;
    return 0;
}

static int compress_blob(const void *in, size_t len, struct blob *out)
{
    size_t cap = ZSTD_compressBound(len);
    out->p = malloc(cap);
    if (!out->p)
        return -1;
    size_t n = ZSTD_compress(out->p, cap, in, len, ZSTD_LEVEL);
    if (ZSTD_isError(n)) {
        free(out->p);
        out->p = NULL;
        return -1;
    }
    out->len = n;
    return 0;
}

/* Write path by a temporary and a rename, without waiting for the disk:
 * the snapshot and the deltas of a publish are made durable together by
 * sync_feed() before the manifest naming them is written (a crash before
 * it leaves files no manifest names, which the next publish rewrites:
 * write_addressed compares sizes). One sync instead of two per file made
 * a publish's wall time grow with the number of versions kept. */
static int write_unsynced(const char *path, const struct blob *b)
{
    int rc = labels_file_replaceable(path);
    if (rc != LABELS_OK)
        return rc;
    char tmp[4200];
    int fd = -1;
    rc = labels_file_create_temp(path, 0644, tmp, sizeof tmp, &fd);
    if (rc != LABELS_OK)
        return rc;
    rc = LABELS_ERR_IO;
    size_t off = 0;
    while (off < b->len) {
        ssize_t w = write(fd, b->p + off, b->len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    if (fchmod(fd, 0644) == 0 && off == b->len && close(fd) == 0) {
        fd = -1;
        if (rename(tmp, path) == 0)
            return LABELS_OK;
    }
    int saved = errno;
    if (fd >= 0)
        close(fd);
    unlink(tmp);
    errno = saved;
    return rc;
}

/* Make everything written into the feed folder durable: one syncfs of its
 * file system (files, their renames, the folder), before the manifest. */
static int sync_feed(const char *feed_dir)
{
    int fd = open(feed_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = syncfs(fd) == 0 && fsync(fd) == 0 ? 0 : -1;
    int saved = errno;
    close(fd);
    errno = saved;
    return rc;
}

/* Write a content-addressed file: its name is prefix + SHA-256 + suffix,
 * so a cache or a resumed download can never mix two versions. Not yet
 * durable: see write_unsynced. */
static int write_addressed(const char *dir, const char *prefix,
                           const char *suffix, const struct blob *b,
                           char name[96], char sha[65])
{
    sha256_hex(b->p, b->len, sha);
    snprintf(name, 96, "%s%s%s", prefix, sha, suffix);
    char path[4096];
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path)
        return LABELS_ERR_ARG;
    struct stat st;
    if (stat(path, &st) == 0 && (size_t)st.st_size == b->len)
        return LABELS_OK; /* same name, same bytes: already published */
    return write_unsynced(path, b);
}

/* The previous manifest, our own output: its version and the files it
 * names, which stay on the server while clients may still fetch them. */
struct prev_manifest {
    int64_t version;
    char (*files)[96];
    size_t nfiles;
    char snapshot[96]; /* its snapshot: the base of the next step */
};

static int read_prev(const char *feed_dir, struct prev_manifest *pm)
{
    memset(pm, 0, sizeof *pm);
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", feed_dir, FEED_MANIFEST_NAME);
    struct blob b;
    if (read_file(path, &b) != 0)
        return errno == ENOENT ? 0 : -1;
    pm->files = calloc(FEED_MAX_KEEP_DELTAS + 2, sizeof *pm->files);
    if (!pm->files) {
        free(b.p);
        return -1;
    }
    char *next;
    for (char *line = (char *)b.p; line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = 0;
        if (!strncmp(line, "version=", 8)) {
            pm->version = strtoll(line + 8, NULL, 10);
        } else if (!strncmp(line, "snapshot=", 9) ||
                   !strncmp(line, "delta=", 6)) {
            /* The file name is the field that starts with our prefixes. */
            char *f = strstr(line, "snapshot-");
            if (!f)
                f = strstr(line, "delta-");
            if (f && pm->nfiles < FEED_MAX_KEEP_DELTAS + 2) {
                size_t n = strcspn(f, " ");
                if (n < 96) {
                    memcpy(pm->files[pm->nfiles], f, n);
                    pm->files[pm->nfiles][n] = 0;
                    if (!strncmp(f, "snapshot-", 9))
                        memcpy(pm->snapshot, pm->files[pm->nfiles], n + 1);
                    pm->nfiles++;
                }
            }
        }
    }
    free(b.p);
    if (pm->version < 0)
        return -1;
    return 0;
}

static int exec_sql(sqlite3 *db, const char *sql, char *err, size_t errsz)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        seterr(err, errsz, "SQLite: %s", msg ? msg : sqlite3_errmsg(db));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

/* The mirror's schema, checked before anything is written: exactly the
 * documented one, since a trigger or view published once would run in
 * every kiosk's mirror (issue 12). 0, or -1 with err set. */
static int check_source(sqlite3 *in, const char *src, char *err, size_t errsz)
{
    sqlite3_stmt *st = NULL;
    const char *sv = NULL;
    if (sqlite3_prepare_v2(in,
                           "SELECT value FROM meta WHERE key='schema_version'",
                           -1, &st, NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW ||
        !(sv = (const char *)sqlite3_column_text(st, 0)) ||
        atoi(sv) != LABELS_MIRROR_SCHEMA_VERSION) {
        seterr(err, errsz, "%s is not a mirror of schema version %d", src,
               LABELS_MIRROR_SCHEMA_VERSION);
        sqlite3_finalize(st);
        return -1;
    }
    sqlite3_finalize(st);
    char why[256];
    if (labels_mirror_check_schema(in, why, sizeof why) != LABELS_OK) {
        seterr(err, errsz, "%s is not a mirror as docs/mirror.md defines: %s",
               src, why);
        return -1;
    }
    return 0;
}

/* Copy the registry's mirror into versions/<N>.db with this version's
 * meta rows; returns 0 or -1 with err set. The copy reads one consistent
 * snapshot (even while the registry writes the mirror) into a temporary
 * that is committed (fsync) and renamed once whole. The page size is 4
 * KiB: a kiosk appends a delta's rows to its overlay (docs/mirror.md),
 * so what a delta costs it is a lookup of each changed product, and
 * those take one B-tree level fewer than with 1 KiB pages (a 1% delta
 * at a million products applies a fifth faster, docs/performance.md).
 * Pages keep room for rows that grow (slack.c) for kiosks from before
 * the overlay, which update in place. */
static int make_version_db(const char *src, const char *dst, int64_t version,
                           const char *published, const labels_seckey *key,
                           char *err, size_t errsz)
{
    sqlite3 *in = NULL, *out = NULL;
    int rc = -1;
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", dst);
    unlink(dst);
    unlink(tmp);
    if (sqlite3_open_v2(src, &in, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        seterr(err, errsz, "cannot open mirror %s: %s", src,
               in ? sqlite3_errmsg(in) : "out of memory");
        goto done;
    }
    if (check_source(in, src, err, errsz) != 0)
        goto done;
    if (feed_copy_with_slack(src, tmp, err, errsz) != 0)
        goto done;
    if (sqlite3_open_v2(tmp, &out, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        seterr(err, errsz, "cannot open %s", tmp);
        goto done;
    }
    char kid[LABELS_KEY_ID_HEX_SIZE];
    labels_key_id_hex(key->id, kid);
    char *sql = sqlite3_mprintf(
        "PRAGMA journal_mode=DELETE;"
        "BEGIN;"
        "INSERT OR REPLACE INTO meta(key,value) VALUES"
        " ('feed_version','%lld'),('published',%Q),('authority',%Q);"
        "COMMIT;",
        (long long)version, published, kid);
    if (!sql) {
        seterr(err, errsz, "out of memory");
        goto done;
    }
    int e = exec_sql(out, sql, err, errsz);
    sqlite3_free(sql);
    if (e == 0 && exec_sql(out, "PRAGMA quick_check", err, errsz) == 0)
        rc = 0;
done:
    sqlite3_close(in);
    if (sqlite3_close(out) != SQLITE_OK && rc == 0) {
        seterr(err, errsz, "cannot close %s", tmp);
        rc = -1;
    }
    if (rc == 0 && rename(tmp, dst) != 0) {
        seterr(err, errsz, "cannot rename %s: %s", tmp, strerror(errno));
        rc = -1;
    }
    if (rc != 0)
        unlink(tmp);
    return rc;
}

static char *schema_text(sqlite3 *db, const char *schema)
{
    char *sql = sqlite3_mprintf("SELECT group_concat(type||' '||name||' '||"
                                "coalesce(sql,''), ';') FROM (SELECT * FROM "
                                "%w.sqlite_schema ORDER BY name)",
                                schema);
    if (!sql)
        return NULL;
    sqlite3_stmt *st = NULL;
    char *out = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 0);
        out = strdup(t ? t : "");
    }
    sqlite3_finalize(st);
    sqlite3_free(sql);
    return out;
}

/* The changeset that turns version base_db into new_db. Returns 1 if the
 * schemas differ (no delta possible: clients take the snapshot). */
static int make_changeset(const char *new_db, const char *base_db, char *err,
                          size_t errsz, struct blob *cs)
{
    sqlite3 *db = NULL;
    sqlite3_session *s = NULL;
    int rc = -1;
    cs->p = NULL;
    cs->len = 0;
    if (sqlite3_open_v2(new_db, &db, SQLITE_OPEN_READWRITE, NULL) !=
        SQLITE_OK) {
        seterr(err, errsz, "cannot open %s", new_db);
        goto done;
    }
    char *sql = sqlite3_mprintf("ATTACH %Q AS base", base_db);
    if (!sql)
        goto done;
    int e = exec_sql(db, sql, err, errsz);
    sqlite3_free(sql);
    if (e)
        goto done;
    char *a = schema_text(db, "main"), *b = schema_text(db, "base");
    int same = a && b && !strcmp(a, b);
    if (!a || !b)
        seterr(err, errsz, "cannot read the schema of %s: %s",
               a ? base_db : new_db, sqlite3_errmsg(db));
    else if (!same)
        rc = 1;
    free(a);
    free(b);
    if (!same)
        goto done;
    if (sqlite3session_create(db, "main", &s) != SQLITE_OK) {
        seterr(err, errsz, "cannot start a session");
        goto done;
    }
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db,
                           "SELECT name FROM main.sqlite_schema WHERE "
                           "type='table' AND name NOT LIKE 'sqlite_%' "
                           "ORDER BY name",
                           -1, &st, NULL) != SQLITE_OK)
        goto done;
    int ok = 1;
    while (ok && sqlite3_step(st) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 0);
        char *msg = NULL;
        if (sqlite3session_attach(s, t) != SQLITE_OK ||
            sqlite3session_diff(s, "base", t, &msg) != SQLITE_OK) {
            seterr(err, errsz, "cannot diff table %s: %s", t,
                   msg ? msg : sqlite3_errmsg(db));
            ok = 0;
        }
        sqlite3_free(msg);
    }
    sqlite3_finalize(st);
    if (!ok)
        goto done;
    int n = 0;
    void *p = NULL;
    if (sqlite3session_changeset(s, &n, &p) != SQLITE_OK) {
        seterr(err, errsz, "cannot build the changeset");
        goto done;
    }
    cs->p = p;
    cs->len = (size_t)n;
    rc = 0;
done:
    if (s)
        sqlite3session_delete(s);
    sqlite3_close(db);
    return rc;
}

static int sign_and_write_manifest(const char *feed_dir, const char *body,
                                   const labels_seckey *key)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s/%s", feed_dir, FEED_MANIFEST_NAME) >=
        (int)sizeof path)
        return LABELS_ERR_ARG;
    /* The files it names first. */
    if (sync_feed(feed_dir) != 0)
        return LABELS_ERR_IO;
    uint8_t sig[LABELS_SIG_BYTES];
    size_t len = strlen(body);
    int rc = labels_sign_detached(LABELS_DOMAIN_FEED, key, body, len, sig);
    if (rc != LABELS_OK)
        return rc;
    char hex[2 * LABELS_SIG_BYTES + 1];
    sodium_bin2hex(hex, sizeof hex, sig, sizeof sig);
    size_t total = len + 4 + sizeof hex + 1;
    char *text = malloc(total);
    if (!text)
        return LABELS_ERR_NOMEM;
    snprintf(text, total, "%ssig=%s\n", body, hex);
    /* Static servers derive the ETag from mtime and size (nginx:
     * "mtime-size" in seconds), so two manifests of one size published in
     * the same second would share an ETag and kiosks would be told "not
     * modified". The new manifest's mtime is therefore set, before it
     * becomes visible, to a second later than the old one's. */
    struct stat old;
    int have_old = stat(path, &old) == 0;
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.new", path);
    rc = labels_file_write_atomic(tmp, text, strlen(text), 0644, 0);
    free(text);
    if (rc != LABELS_OK)
        return rc;
    struct stat cur;
    if (have_old && stat(tmp, &cur) == 0 &&
        cur.st_mtim.tv_sec <= old.st_mtim.tv_sec) {
        struct timespec ts[2] = {{0, UTIME_OMIT}, {old.st_mtim.tv_sec + 1, 0}};
        if (utimensat(AT_FDCWD, tmp, ts, 0) != 0) {
            unlink(tmp);
            return LABELS_ERR_IO;
        }
    }
    rc = labels_file_rename(tmp, path); /* only over a regular file */
    if (rc != LABELS_OK) {
        unlink(tmp);
        return rc;
    }
    /* labels_file_write_atomic synced the folder for tmp; once more for
     * the rename. */
    int dfd = open(feed_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return LABELS_ERR_IO;
    int bad = fsync(dfd);
    close(dfd);
    return bad ? LABELS_ERR_IO : LABELS_OK;
}

/* The announcement of a new feed key, signed by the previous one. */
static int write_announcement(const char *feed_dir, const labels_seckey *old,
                              const labels_seckey *next)
{
    labels_pubkey np;
    labels_seckey_public(next, &np);
    char oid[LABELS_KEY_ID_HEX_SIZE], nid[LABELS_KEY_ID_HEX_SIZE],
        b64[LABELS_PUBKEY_B64_MAX];
    labels_key_id_hex(old->id, oid);
    labels_key_id_hex(np.id, nid);
    int rc = labels_pubkey_to_base64(&np, b64, sizeof b64);
    if (rc != LABELS_OK)
        return rc;
    char body[512];
    snprintf(body, sizeof body, "ocop-feed-key 1\nold=%s\nnew=%s\npublic=%s\n",
             oid, nid, b64);
    uint8_t sig[LABELS_SIG_BYTES];
    rc = labels_sign_detached(LABELS_DOMAIN_FEED_KEY, old, body, strlen(body),
                              sig);
    if (rc != LABELS_OK)
        return rc;
    char hex[2 * LABELS_SIG_BYTES + 1];
    sodium_bin2hex(hex, sizeof hex, sig, sizeof sig);
    char text[768], path[4096];
    snprintf(text, sizeof text, "%ssig=%s\n", body, hex);
    snprintf(path, sizeof path, "%s/key-%s.next", feed_dir, oid);
    return labels_file_write_atomic(path, text, strlen(text), 0644, 0);
}

/* Remove the snapshots and deltas no manifest served within the last
 * FEED_GRACE_S names (retire.c), every version database (a publish
 * keeps none: the next one takes its base from the snapshot), and the
 * steps no kept delta starts from any more. Failures here only waste disk
 * space. */
static void prune(const struct feed_publish_opts *o,
                  const struct prev_manifest *pm, const char *snap,
                  const struct delta_entry *d, size_t nd, int64_t version,
                  int64_t now)
{
    const char *feed_dir = o->feed_dir;
    int64_t oldest_kept = version - o->keep_deltas;
    char(*keep)[96] = calloc(nd + 1, sizeof *keep);
    if (!keep)
        return;
    snprintf(keep[0], sizeof keep[0], "%s", snap);
    for (size_t i = 0; i < nd; i++)
        snprintf(keep[i + 1], sizeof keep[i + 1], "%s", d[i].name);
    feed_retire_and_prune(feed_dir, keep, nd + 1, pm->files, pm->nfiles, now);
    free(keep);
    char vdir[4096];
    snprintf(vdir, sizeof vdir, "%s/versions", feed_dir);
    DIR *dir = opendir(vdir);
    if (!dir)
        return;
    struct dirent *e;
    while ((e = readdir(dir))) {
        char *end;
        int64_t from, to;
        long long v = strtoll(e->d_name, &end, 10);
        int old_step =
            feed_step_parse(e->d_name, &from, &to) == 0 && from < oldest_kept;
        if (end == e->d_name || (strcmp(end, ".db") && !old_step))
            continue;
        (void)v;
        char path[4096];
        if (snprintf(path, sizeof path, "%s/%s", vdir, e->d_name) <
            (int)sizeof path)
            unlink(path);
    }
    closedir(dir);
}

/* Remove versions/<N>.db, its temporary and their rollback journals. */
static void remove_version(const char *vpath)
{
    static const char *const ext[] = {"-journal", ".tmp", ".tmp-journal", ""};
    for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
        char p[4200];
        snprintf(p, sizeof p, "%s%s", vpath, ext[i]);
        unlink(p);
    }
}

/* Under the publish lock, what a killed publish left: a version database
 * above the served one (prev), half built (a journal or a temporary
 * beside it) or whole, and steps to such a version. That publish never
 * signed a manifest naming it (published versions are never written
 * again), so all of it goes. Returns the highest such N, or 0. */
static int64_t remove_stale_versions(const char *vdir, int64_t prev)
{
    int64_t top = 0;
    DIR *dir = opendir(vdir);
    struct dirent *e;
    while (dir && (e = readdir(dir))) {
        char *end;
        int64_t from, to;
        long long v = strtoll(e->d_name, &end, 10);
        char path[4096];
        if (feed_step_parse(e->d_name, &from, &to) == 0) {
            if (to <= prev || snprintf(path, sizeof path, "%s/%s", vdir,
                                       e->d_name) >= (int)sizeof path)
                continue;
            unlink(path);
            v = to;
        } else if (end != e->d_name && v > 0 && !strncmp(end, ".src", 4) &&
                   snprintf(path, sizeof path, "%s/%s", vdir, e->d_name) <
                       (int)sizeof path) {
            unlink(path); /* an export for a publish that was killed */
        } else if (end == e->d_name || v < 1 ||
                   (strcmp(end, ".db-journal") && strcmp(end, ".db.tmp") &&
                    strcmp(end, ".db.tmp-journal") &&
                    (strcmp(end, ".db") || v <= prev)) ||
                   snprintf(path, sizeof path, "%s/%lld.db", vdir, v) >=
                       (int)sizeof path) {
            continue;
        } else {
            remove_version(path);
        }
        if (v > top)
            top = v;
    }
    if (dir)
        closedir(dir);
    return top;
}

/* The highest N of a versions/N.db or a step to N, or at_least if that
 * is higher. */
static int64_t highest_version_db(const char *vdir, int64_t at_least)
{
    int64_t top = at_least, from, to;
    DIR *dir = opendir(vdir);
    struct dirent *e;
    while (dir && (e = readdir(dir))) {
        char *end;
        long long v = strtoll(e->d_name, &end, 10);
        if (feed_step_parse(e->d_name, &from, &to) == 0 && to > top)
            top = to;
        else if (end != e->d_name && !strcmp(end, ".db") && v > top)
            top = v;
    }
    if (dir)
        closedir(dir);
    return top;
}

/* The feed's folders, and its lock: one publisher at a time, since two
 * would both pick version N+1. The lock's descriptor, or -1 with err set. */
static int open_feed(const char *feed_dir, char *vdir, size_t vdirsz, char *err,
                     size_t errsz)
{
    char path[4096];
    if (mkdir(feed_dir, 0755) != 0 && errno != EEXIST) {
        seterr(err, errsz, "cannot create %s: %s", feed_dir, strerror(errno));
        return -1;
    }
    snprintf(vdir, vdirsz, "%s/versions", feed_dir);
    if (mkdir(vdir, 0755) != 0 && errno != EEXIST) {
        seterr(err, errsz, "cannot create %s: %s", vdir, strerror(errno));
        return -1;
    }
    /* One publisher at a time: two would both pick version N+1. */
    snprintf(path, sizeof path, "%s/versions/.lock", feed_dir);
    int lockfd = -1;
    int lr = labels_file_open(path, O_RDWR | O_CREAT, 0644, &lockfd);
    if (lr != LABELS_OK) {
        seterr(err, errsz, "cannot open %s: %s", path,
               lr == LABELS_ERR_IO ? strerror(errno) : labels_strerror(lr));
        return -1;
    }
    if (flock(lockfd, LOCK_EX | LOCK_NB) != 0) {
        seterr(err, errsz, "another publish is running on %s", feed_dir);
        if (lockfd >= 0)
            close(lockfd);
        return -1;
    }
    return lockfd;
}

struct delta_ctx {
    const char *feed_dir;
    struct delta_entry *deltas;
    size_t *nd;
    char *err;
    size_t errsz;
};

/* Compress one delta and write it under its content's name. */
static int put_delta(void *ctx, int64_t base, const void *cs, size_t len)
{
    struct delta_ctx *c = ctx;
    struct blob comp = {0};
    if (compress_blob(cs, len, &comp)) {
        seterr(c->err, c->errsz, "cannot compress a delta");
        return -1;
    }
    struct delta_entry *d = &c->deltas[*c->nd];
    d->base = base;
    d->size = comp.len;
    d->usize = len;
    int w = write_addressed(c->feed_dir, "delta-", ".cs.zst", &comp, d->name,
                            d->sha);
    free(comp.p);
    if (w != LABELS_OK) {
        seterr(c->err, c->errsz, "cannot write a delta: %s",
               labels_strerror(w));
        return -1;
    }
    (*c->nd)++;
    return 0;
}

/* The base of the next step: the previous version's database. A feed
 * written before steps kept it in versions/; otherwise it is the
 * previous manifest's snapshot, decompressed. 0 with *made set when the
 * file was made here; 1 when there is none (no deltas); -1 with why. */
static int base_db(const char *feed_dir, const char *vdir,
                   const struct prev_manifest *pm, char *bpath, size_t bsz,
                   int *made, char *why, size_t whysz)
{
    *made = 0;
    if (pm->version < 1 || snprintf(bpath, bsz, "%s/%" PRId64 ".db", vdir,
                                    pm->version) >= (int)bsz)
        return 1;
    if (access(bpath, R_OK) == 0)
        return 0;
    char snap[4096], tmp[4200];
    if (!pm->snapshot[0] || snprintf(snap, sizeof snap, "%s/%s", feed_dir,
                                     pm->snapshot) >= (int)sizeof snap)
        return 1;
    snprintf(tmp, sizeof tmp, "%s.tmp", bpath);
    unlink(tmp);
    if (feed_unzstd_file(snap, tmp, why, whysz) != 0)
        return -1;
    if (rename(tmp, bpath) != 0) {
        seterr(why, whysz, "cannot rename %s: %s", tmp, strerror(errno));
        unlink(tmp);
        return -1;
    }
    *made = 1;
    return 0;
}

/* The step from the previous version to this one (vpath), kept in
 * versions/, and from it and the kept steps a delta from each of the
 * last keep_deltas versions. Old versions no delta can reach count in
 * res->skipped when something was damaged. 0, or -1 with err set. */
static int write_deltas(const struct feed_publish_opts *o, const char *vdir,
                        const char *vpath, int64_t version,
                        const struct prev_manifest *pm,
                        struct feed_publish_result *res,
                        struct delta_entry *deltas, size_t *nd, char *step,
                        size_t stepsz, char *err, size_t errsz)
{
    char bpath[4096];
    int made = 0;
    step[0] = '\0';
    int b = o->keep_deltas > 0
                ? base_db(o->feed_dir, vdir, pm, bpath, sizeof bpath, &made,
                          res->skipped_why, sizeof res->skipped_why)
                : 1;
    if (b != 0) {
        res->skipped += b < 0;
        return 0;
    }
    struct blob cs = {0}, comp = {0};
    int m = make_changeset(vpath, bpath, res->skipped_why,
                           sizeof res->skipped_why, &cs);
    if (made)
        unlink(bpath);
    if (m != 0) {
        /* A damaged old version must not hold back this publish (it may
         * carry a revocation): kiosks on it take the snapshot. A changed
         * schema: only the snapshot gets there. */
        res->skipped += m < 0;
        return 0;
    }
    int rc = -1;
    if (compress_blob(cs.p, cs.len, &comp) ||
        feed_step_path(vdir, pm->version, version, step, stepsz) != 0 ||
        labels_file_write_atomic(step, comp.p, comp.len, 0644, 0) !=
            LABELS_OK) {
        seterr(err, errsz, "cannot write the step to version %" PRId64,
               version);
        step[0] = '\0';
        goto done;
    }
    struct delta_ctx ctx = {o->feed_dir, deltas, nd, err, errsz};
    int d =
        feed_deltas_from_steps(vdir, pm->version, version - o->keep_deltas,
                               (size_t)o->keep_deltas, cs.p, cs.len, put_delta,
                               &ctx, res->skipped_why, sizeof res->skipped_why);
    if (d < 0) {
        if (!err[0])
            seterr(err, errsz, "%s", res->skipped_why);
        goto done;
    }
    res->skipped += d > 0;
    rc = 0;
done:
    sqlite3_free(cs.p);
    free(comp.p);
    return rc;
}

/* The manifest's text, before its signature (docs/feed.md); malloc'd. */
static char *manifest_body(const labels_seckey *key, int64_t version,
                           const char *published, const char *expires,
                           const char *snap_name, size_t snap_size,
                           const char *snap_sha, size_t snap_usize,
                           const struct delta_entry *deltas, size_t nd)
{
    size_t cap = 1024 + (nd + 1) * 256;
    char *body = malloc(cap);
    if (!body)
        return NULL;
    char kid[LABELS_KEY_ID_HEX_SIZE];
    labels_key_id_hex(key->id, kid);
    size_t off = (size_t)snprintf(body, cap,
                                  "ocop-feed 1\nkey=%s\nversion=%" PRId64
                                  "\npublished=%s\n"
                                  "expires=%s\nsnapshot=%s %zu %s %zu\n",
                                  kid, version, published, expires, snap_name,
                                  snap_size, snap_sha, snap_usize);
    for (size_t i = 0; i < nd && off < cap; i++)
        off += (size_t)snprintf(body + off, cap - off,
                                "delta=%" PRId64 " %s %zu %s %zu\n",
                                deltas[i].base, deltas[i].name, deltas[i].size,
                                deltas[i].sha, deltas[i].usize);
    return body;
}

/* The new version's number: above both the served manifest (prev) and
 * any version database, so a lost manifest never makes the feed go back
 * (kiosks would refuse it); --version may only raise it. -1 with err set
 * when --version is too low. */
static int64_t pick_version(const struct feed_publish_opts *o, int64_t prev,
                            const char *vdir, int64_t stale, char *err,
                            size_t errsz)
{
    int64_t version = prev + 1;
    int64_t top = highest_version_db(vdir, stale);
    if (top >= version)
        version = top + 1;
    if (!o->version)
        return version;
    if (o->version < version) {
        seterr(err, errsz,
               "--version %lld is not above the feed's version %lld",
               (long long)o->version, (long long)version - 1);
        return -1;
    }
    return o->version;
}

/* The feed_version a mirror file says it is, or 0. */
static int64_t mirror_says(const char *path)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int64_t v = 0;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db,
                           "SELECT value FROM meta WHERE key='feed_version'",
                           -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v > 0 ? v : 0;
}

/* The mirror to publish as version *version: opts->mirror, or the one
 * export_fn writes to versions/<N>.src now. One number for both: a
 * mirror that says it is a higher version (the registry counts its own
 * exports) is published as that. */
static int source_mirror(const struct feed_publish_opts *o, const char *vdir,
                         int64_t prev, int64_t *version, char *src,
                         size_t srcsz, struct feed_publish_result *res,
                         char *err, size_t errsz)
{
    if (!o->export_fn) {
        snprintf(src, srcsz, "%s", o->mirror);
    } else {
        if (snprintf(src, srcsz, "%s/%" PRId64 ".src", vdir, *version) >=
            (int)srcsz)
            return -1;
        unlink(src);
        int64_t v = *version;
        if (o->export_fn(o->export_ctx, src, &v, err, errsz) != 0)
            return -1;
        if (v > *version)
            *version = v;
        return 0;
    }
    int64_t says = mirror_says(src);
    if (!o->version && says > *version)
        *version = says;
    res->stale_mirror = says > 0 && says <= prev;
    return 0;
}

int feed_publish(const struct feed_publish_opts *o,
                 struct feed_publish_result *res, char *err, size_t errsz)
{
    memset(res, 0, sizeof *res);
    if (!o || (!o->mirror == !o->export_fn) || !o->feed_dir || !o->key ||
        o->expires_days < 1 || o->expires_days > 366 || o->keep_deltas < 0 ||
        o->keep_deltas > FEED_MAX_KEEP_DELTAS) {
        seterr(err, errsz, "bad publish arguments");
        return LABELS_ERR_ARG;
    }
    char vdir[4096];
    int lockfd = open_feed(o->feed_dir, vdir, sizeof vdir, err, errsz);
    if (lockfd < 0)
        return LABELS_ERR_IO;
    int rc = LABELS_ERR_IO;
    char vpath[4096] = "", src[4200] = "", step[4096] = "";
    struct prev_manifest pm;
    struct blob raw = {0}, comp = {0};
    struct delta_entry *deltas = NULL;
    size_t nd = 0;
    char *body = NULL;
    if (read_prev(o->feed_dir, &pm) != 0) {
        seterr(err, errsz, "cannot read the current manifest in %s",
               o->feed_dir);
        goto done;
    }
    /* Numbers of versions a killed publish left half built are not
     * reused either: version numbers only go up. */
    int64_t stale = remove_stale_versions(vdir, pm.version);
    int64_t version = pick_version(o, pm.version, vdir, stale, err, errsz);
    if (version < 0) {
        rc = LABELS_ERR_ARG;
        goto done;
    }
    if (source_mirror(o, vdir, pm.version, &version, src, sizeof src, res, err,
                      errsz) != 0)
        goto done;
    time_t now = o->now ? (time_t)o->now : time(NULL);
    char published[LABELS_TIME_ISO_SIZE], expires[LABELS_TIME_ISO_SIZE];
    if (labels_time_iso((int64_t)now, published) != LABELS_OK ||
        labels_time_iso((int64_t)now + (int64_t)o->expires_days * 86400,
                        expires) != LABELS_OK) {
        seterr(err, errsz, "the publication time or expiry is out of range");
        rc = LABELS_ERR_ARG;
        goto done;
    }

    if (snprintf(vpath, sizeof vpath, "%s/%" PRId64 ".db", vdir, version) >=
        (int)sizeof vpath) {
        vpath[0] = '\0';
        seterr(err, errsz, "feed path too long");
        goto done;
    }
    if (make_version_db(src, vpath, version, published, o->key, err, errsz) !=
        0)
        goto done;

    if (read_file(vpath, &raw) != 0 || compress_blob(raw.p, raw.len, &comp)) {
        seterr(err, errsz, "cannot compress %s", vpath);
        goto done;
    }
    char snap_name[96], snap_sha[65];
    size_t snap_usize = raw.len;
    free(raw.p);
    raw.p = NULL;
    rc = write_addressed(o->feed_dir, "snapshot-", ".db.zst", &comp, snap_name,
                         snap_sha);
    if (rc != LABELS_OK) {
        seterr(err, errsz, "cannot write the snapshot: %s",
               labels_strerror(rc));
        goto done;
    }
    res->snapshot_bytes = comp.len;
    size_t snap_size = comp.len;
    free(comp.p);
    comp.p = NULL;
    rc = LABELS_ERR_IO;

    deltas = calloc((size_t)o->keep_deltas + 1, sizeof *deltas);
    if (!deltas || write_deltas(o, vdir, vpath, version, &pm, res, deltas, &nd,
                                step, sizeof step, err, errsz))
        goto done;

    if (o->announce_from) {
        rc = write_announcement(o->feed_dir, o->announce_from, o->key);
        if (rc != LABELS_OK) {
            seterr(err, errsz, "cannot write the key announcement: %s",
                   labels_strerror(rc));
            goto done;
        }
        rc = LABELS_ERR_IO;
    }

    body = manifest_body(o->key, version, published, expires, snap_name,
                         snap_size, snap_sha, snap_usize, deltas, nd);
    if (!body)
        goto done;
    rc = sign_and_write_manifest(o->feed_dir, body, o->key);
    if (rc != LABELS_OK) {
        seterr(err, errsz, "cannot write the manifest: %s%s%s",
               labels_strerror(rc), rc == LABELS_ERR_IO ? ": " : "",
               rc == LABELS_ERR_IO ? strerror(errno) : "");
        goto done;
    }
    prune(o, &pm, snap_name, deltas, nd, version, (int64_t)now);
    res->version = version;
    res->ndeltas = nd;
done:
    /* A version that failed is no version: a later publish must neither
     * take its number's place for a delta base nor find it half built. */
    if (vpath[0])
        remove_version(vpath);
    if (rc != LABELS_OK && step[0])
        unlink(step);
    if (o->export_fn && src[0])
        unlink(src);
    free(body);
    free(deltas);
    free(raw.p);
    free(comp.p);
    free(pm.files);
    close(lockfd);
    return rc;
}

int feed_prune(const char *feed_dir, int64_t now, char *err, size_t errsz)
{
    struct stat st;
    if (stat(feed_dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        seterr(err, errsz, "no feed folder %s", feed_dir);
        return -1;
    }
    char vdir[4096];
    int lockfd = open_feed(feed_dir, vdir, sizeof vdir, err, errsz);
    if (lockfd < 0)
        return -1;
    struct prev_manifest pm;
    int rc = read_prev(feed_dir, &pm);
    if (rc != 0)
        seterr(err, errsz, "cannot read the current manifest in %s", feed_dir);
    else if (pm.nfiles > 0 && pm.snapshot[0])
        feed_retire_and_prune(feed_dir, pm.files, pm.nfiles, NULL, 0,
                              now ? now : (int64_t)time(NULL));
    free(pm.files);
    close(lockfd);
    return rc;
}
