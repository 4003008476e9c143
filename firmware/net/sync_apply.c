/* sync_apply.c -- apply deltas and install snapshots atomically. */
#include "sync_apply.h"

#include "mirror_version.h"
#include "sync_overlay.h"

#include <errno.h>
#include <fcntl.h>
#include <labels.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

/* No changeset or snapshot is trusted to decompress beyond this, whatever
 * the manifest says. */
#define MAX_DELTA_BYTES (256u << 20)

static int exec(sqlite3 *db, const char *sql)
{
    return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

struct conflict {
    int hit;
    int type;
    char table[64];
};

static int on_conflict(void *ctx, int type, sqlite3_changeset_iter *it)
{
    struct conflict *c = ctx;
    const char *tab = NULL;
    int ncol, op;
    c->hit = 1;
    c->type = type;
    if (sqlite3changeset_op(it, &tab, &ncol, &op, NULL) == SQLITE_OK && tab)
        snprintf(c->table, sizeof c->table, "%s", tab);
    return SQLITE_CHANGESET_ABORT;
}

/* sqlite3changeset_apply() silently skips changes to tables the database
 * lacks or whose column count differs; we refuse them instead. */
static int check_tables(sqlite3 *db, void *cs, int n, char *err, size_t errsz)
{
    sqlite3_changeset_iter *it = NULL;
    if (sqlite3changeset_start(&it, n, cs) != SQLITE_OK) {
        snprintf(err, errsz, "delta is not a changeset");
        return -1;
    }
    sqlite3_stmt *st = NULL;
    int rc = 0;
    char last[64] = "";
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM pragma_table_info(?)", -1,
                           &st, NULL) != SQLITE_OK) {
        sqlite3changeset_finalize(it);
        snprintf(err, errsz, "SQLite: %s", sqlite3_errmsg(db));
        return -1;
    }
    int step;
    while (rc == 0 && (step = sqlite3changeset_next(it)) == SQLITE_ROW) {
        const char *tab;
        int ncol, op;
        if (sqlite3changeset_op(it, &tab, &ncol, &op, NULL) != SQLITE_OK) {
            rc = -1;
            snprintf(err, errsz, "delta is a corrupt changeset");
            break;
        }
        if (!strcmp(tab, last))
            continue;
        snprintf(last, sizeof last, "%s", tab);
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, tab, -1, SQLITE_TRANSIENT);
        int have =
            sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
        if (have == 0 || !strncmp(tab, "sqlite_", 7)) {
            snprintf(err, errsz,
                     "delta changes table '%.60s', which the mirror does "
                     "not have",
                     tab);
            rc = -1;
        } else if (have != ncol) {
            snprintf(err, errsz,
                     "delta changes table '%.60s' with %d columns, the "
                     "mirror's has %d",
                     tab, ncol, have);
            rc = -1;
        }
    }
    if (rc == 0 && step != SQLITE_DONE) {
        snprintf(err, errsz, "delta is a corrupt changeset");
        rc = -1;
    }
    sqlite3_finalize(st);
    sqlite3changeset_finalize(it);
    return rc;
}

static int read_all(const char *path, uint8_t **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || st.st_size <= 0) {
        fclose(f);
        return -1;
    }
    *out = malloc((size_t)st.st_size);
    if (!*out) {
        fclose(f);
        return -1;
    }
    *len = fread(*out, 1, (size_t)st.st_size, f);
    int bad = ferror(f) || *len != (size_t)st.st_size;
    fclose(f);
    if (bad) {
        free(*out);
        *out = NULL;
    }
    return bad ? -1 : 0;
}

/* The files SQLite keeps beside a database. It opens them with
 * O_NOFOLLOW, so a link planted at one of these names makes the mirror
 * unopenable rather than written through; the link (never its target)
 * is removed here, before any open for writing (issue 12). A folder
 * there cannot be removed safely and is an error. */
static const char *const sidecars[] = {"-wal", "-shm", "-journal"};

int mirror_clear_planted(const char *db, char *err, size_t errsz)
{
    for (size_t i = 0; i < sizeof sidecars / sizeof sidecars[0]; i++) {
        char path[4300];
        struct stat st;
        snprintf(path, sizeof path, "%s%s", db, sidecars[i]);
        if (lstat(path, &st) != 0 || S_ISREG(st.st_mode))
            continue;
        if (S_ISDIR(st.st_mode) || unlink(path) != 0) {
            snprintf(err, errsz, "cannot use %s: %s", path,
                     S_ISDIR(st.st_mode) ? "a folder is in its place"
                                         : strerror(errno));
            return APPLY_FAILED;
        }
    }
    return 0;
}

/* Remove a work file's journal, WAL and shared-memory file, whatever
 * they are: they can only be left by a killed round. */
static void remove_sidecars(const char *db)
{
    for (size_t i = 0; i < sizeof sidecars / sizeof sidecars[0]; i++) {
        char path[4300];
        snprintf(path, sizeof path, "%s%s", db, sidecars[i]);
        unlink(path);
    }
}

/* "<mirror><suffix>", a work file of this round. Whatever a killed round
 * left under that name or beside it is never trusted (a journal beside a
 * fresh file would be rolled back into it) and goes. */
static int work_file(const char *mirror, const char *suffix, char *out,
                     size_t outsz, char *err, size_t errsz)
{
    if (snprintf(out, outsz, "%s%s", mirror, suffix) >= (int)outsz) {
        snprintf(err, errsz, "mirror path too long");
        return APPLY_FAILED;
    }
    unlink(out);
    remove_sidecars(out);
    return 0;
}

/* 1 if path is a regular file whose SQLite header says WAL mode: a
 * mirror this kiosk already keeps the WAL way (see apply_delta). */
static int is_wal_mirror(const char *path)
{
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return 0;
    uint8_t h[20];
    struct stat st;
    int wal = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
              pread(fd, h, sizeof h, 0) == (ssize_t)sizeof h &&
              !memcmp(h, "SQLite format 3", 16) && h[18] == 2 && h[19] == 2;
    close(fd);
    return wal;
}

/* Switch the database at path to WAL mode (it must have no other
 * connection); the close checkpoints and removes the -wal again. */
static int make_wal(const char *path, char *err, size_t errsz)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int ok =
        mirror_clear_planted(path, err, errsz) == 0 &&
        sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW,
                        NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, "PRAGMA journal_mode=WAL", -1, &st, NULL) ==
            SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW &&
        !strcmp((const char *)sqlite3_column_text(st, 0), "wal");
    if (!ok && db) {
        int en = sqlite3_system_errno(db);
        snprintf(err, errsz, "cannot switch %s to WAL mode: %s%s%s", path,
                 sqlite3_errmsg(db), en ? ": " : "", en ? strerror(en) : "");
    }
    sqlite3_finalize(st);
    if (sqlite3_close(db) != SQLITE_OK && ok) {
        snprintf(err, errsz, "cannot close %s", path);
        ok = 0;
    }
    return ok ? 0 : APPLY_FAILED;
}

/* Copy the mirror into a fresh work file through SQLite (a consistent
 * read under a shared lock, so the scanning process may go on reading the
 * mirror meanwhile). */
static int copy_mirror(const char *mirror, const char *work, sqlite3 **out,
                       char *err, size_t errsz)
{
    sqlite3 *src = NULL, *dst = NULL;
    int rc = APPLY_FAILED;
    if (sqlite3_open_v2(mirror, &src,
                        SQLITE_OPEN_READONLY | SQLITE_OPEN_NOFOLLOW,
                        NULL) != SQLITE_OK) {
        snprintf(err, errsz, "cannot open mirror %s", mirror);
        goto done;
    }
    sqlite3_busy_timeout(src, 5000);
    if (sqlite3_open_v2(work, &dst,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                            SQLITE_OPEN_NOFOLLOW,
                        NULL) != SQLITE_OK) {
        snprintf(err, errsz, "cannot create %s", work);
        goto done;
    }
    sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
    int step = b ? sqlite3_backup_step(b, -1) : SQLITE_ERROR;
    if (b)
        sqlite3_backup_finish(b);
    if (step != SQLITE_DONE) {
        int en = sqlite3_system_errno(dst);
        snprintf(err, errsz, "cannot copy the mirror to %s: %s%s%s", work,
                 b ? sqlite3_errstr(step) : sqlite3_errmsg(dst), en ? ": " : "",
                 en ? strerror(en) : "");
        goto done;
    }
    rc = 0;
done:
    sqlite3_close(src);
    if (rc != 0) {
        sqlite3_close(dst);
        dst = NULL;
    }
    *out = dst;
    return rc;
}

/* Apply changeset cs (n bytes, from version base to target) to db in one
 * transaction; any failure rolls back. */
static int apply_changeset(sqlite3 *db, void *cs, int n, int64_t base,
                           int64_t target, char *err, size_t errsz)
{
    int rc = APPLY_FAILED;
    prefetch *pf = NULL;
    sqlite3_busy_timeout(db, 5000);
    /* In WAL mode a spill mid-transaction costs no fsync, so a small
     * page cache keeps the kiosk's memory flat whatever the delta's size;
     * FULL makes the commit durable before the state file names it. */
    exec(db, "PRAGMA cache_size=-4096; PRAGMA synchronous=FULL;"
             "PRAGMA journal_size_limit=4194304");
    if (exec(db, "BEGIN IMMEDIATE") != SQLITE_OK) {
        snprintf(err, errsz, "cannot lock mirror: %s", sqlite3_errmsg(db));
        return APPLY_FAILED;
    }
    int64_t have = mirror_read_version(db);
    if (have != base) {
        snprintf(err, errsz,
                 "delta applies to version %lld, the mirror is version %lld",
                 (long long)base, (long long)have);
        rc = APPLY_REFUSED;
        goto rollback;
    }
    /* Before any change: a trigger in the mirror would run inside it. */
    if (labels_mirror_check_kept_schema(db, err, errsz) != LABELS_OK) {
        rc = APPLY_REFUSED;
        goto rollback;
    }
    /* The rows of products and of the overlay that the delta's products
     * changes name are read from here on, beside the checks and the
     * other tables. */
    int pr = prefetch_start(&pf, db, cs, n, base, 0);
    if (pr != SQLITE_OK) {
        snprintf(err, errsz, "cannot read the mirror's products: %s",
                 sqlite3_errstr(pr));
        goto rollback;
    }
    if (check_tables(db, cs, n, err, errsz) != 0) {
        rc = APPLY_REFUSED;
        goto rollback;
    }
    struct conflict c = {0};
    /* No savepoint of its own: ours is the whole transaction, rolled
     * back on any failure, and the savepoint's statement journal would
     * write every changed page once more (to a temporary file). */
    int a = sqlite3changeset_apply_v2(db, n, cs, overlay_skip_products,
                                      on_conflict, &c, NULL, NULL,
                                      SQLITE_CHANGESETAPPLY_NOSAVEPOINT);
    char why[512] = "";
    if (a == SQLITE_OK && !c.hit)
        a = overlay_apply(db, cs, n, pf, on_conflict, &c, why, sizeof why);
    prefetch_stop(pf);
    pf = NULL;
    if (c.hit) {
        snprintf(err, errsz,
                 "delta conflicts with the mirror (table %s, conflict %d): "
                 "its base is not our data",
                 c.table, c.type);
        rc = APPLY_REFUSED;
        goto rollback;
    }
    if (a != SQLITE_OK) {
        /* On a full disk SQLite may already have rolled back, and then
         * reports a missing savepoint: name the first cause. */
        int en = sqlite3_system_errno(db);
        snprintf(err, errsz, "cannot apply delta: %s%s%s%s%s",
                 why[0] ? why : sqlite3_errstr(a), en ? ": " : "",
                 en ? strerror(en) : "", why[0] ? "; " : "",
                 why[0] ? sqlite3_errstr(a) : "");
        /* A changeset SQLite cannot read is the feed's fault; a disk or
         * lock error is ours. */
        switch (a & 0xff) {
        case SQLITE_IOERR:
        case SQLITE_FULL:
        case SQLITE_NOMEM:
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
        case SQLITE_CANTOPEN:
        case SQLITE_READONLY: break;
        default: rc = APPLY_REFUSED;
        }
        goto rollback;
    }
    if (labels_mirror_check_kept_schema(db, err, errsz) != LABELS_OK) {
        rc = APPLY_REFUSED;
        goto rollback;
    }
    if (mirror_read_version(db) != target) {
        snprintf(err, errsz, "delta did not bring the mirror to version %lld",
                 (long long)target);
        rc = APPLY_REFUSED;
        goto rollback;
    }
    if (exec(db, "COMMIT") != SQLITE_OK) {
        int en = sqlite3_system_errno(db);
        snprintf(err, errsz, "cannot commit delta: %s%s%s",
                 sqlite3_errstr(sqlite3_extended_errcode(db)), en ? ": " : "",
                 en ? strerror(en) : "");
        goto rollback;
    }
    return 0;
rollback:
    prefetch_stop(pf);
    exec(db, "ROLLBACK");
    return rc;
}

/* Rename a checked file over the mirror and make the rename durable. */
static int replace_mirror(const char *mirror, const char *tmp, char *err,
                          size_t errsz)
{
    /* A journal or WAL left next to the old mirror would be played into
     * the new file. mirror_version() has already rolled back any hot
     * journal; a WAL goes with the file it belongs to (a reader of the
     * old mirror keeps its own descriptors of both). */
    remove_sidecars(mirror);
    if (rename(tmp, mirror) != 0) {
        snprintf(err, errsz, "cannot replace %s: %s", mirror, strerror(errno));
        unlink(tmp);
        return APPLY_FAILED;
    }
    if (labels_fsync_parent(mirror) != LABELS_OK) {
        snprintf(err, errsz, "cannot sync the folder of %s: %s", mirror,
                 strerror(errno));
        return APPLY_FAILED;
    }
    return 0;
}

/* The first delta after an upgrade: the mirror is still in rollback
 * mode and the running kiosk may hold a shared lock on it for as long as
 * it is open, so a commit in place would end in "database is locked"
 * (issue 11). The delta goes into a copy, switched to WAL mode, which
 * replaces the mirror by rename; every later delta applies in place. */
static int apply_in_copy(const char *mirror, void *cs, int n, int64_t base,
                         int64_t target, char *err, size_t errsz)
{
    char work[4200];
    if (work_file(mirror, ".delta", work, sizeof work, err, errsz) != 0)
        return APPLY_FAILED;
    sqlite3 *db = NULL;
    int rc = copy_mirror(mirror, work, &db, err, errsz);
    if (rc == 0 && exec(db, "PRAGMA journal_mode=WAL") != SQLITE_OK) {
        snprintf(err, errsz, "cannot switch %s to WAL mode: %s", work,
                 sqlite3_errmsg(db));
        rc = APPLY_FAILED;
    }
    if (rc == 0)
        rc = apply_changeset(db, cs, n, base, target, err, errsz);
    /* The last connection: its close checkpoints and removes the WAL. */
    if (db && sqlite3_close(db) != SQLITE_OK && rc == 0) {
        snprintf(err, errsz, "cannot close %s", work);
        rc = APPLY_FAILED;
    }
    if (rc == 0)
        rc = replace_mirror(mirror, work, err, errsz);
    if (rc != 0) {
        unlink(work);
        remove_sidecars(work);
    }
    return rc;
}

/* A mirror in WAL mode takes the delta in place, in one transaction:
 * only the changed pages are written (to the WAL, then checkpointed), and
 * the scanning process goes on reading its snapshot of the old version
 * meanwhile, never waiting. A kill at any moment leaves the old version
 * or the new one: SQLite's recovery ignores an uncommitted WAL tail. */
static int apply_in_place(const char *mirror, void *cs, int n, int64_t base,
                          int64_t target, char *err, size_t errsz)
{
    int rc = mirror_clear_planted(mirror, err, errsz);
    if (rc != 0)
        return rc;
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(mirror, &db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW,
                        NULL) != SQLITE_OK) {
        snprintf(err, errsz, "cannot open mirror %s: %s", mirror,
                 db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return APPLY_FAILED;
    }
    rc = apply_changeset(db, cs, n, base, target, err, errsz);
    /* Copy what no reader still needs back into the file now; what a
     * reader holds is copied by a later round or the last close. */
    if (rc == 0)
        exec(db, "PRAGMA wal_checkpoint(PASSIVE)");
    if (sqlite3_close(db) != SQLITE_OK && rc == 0) {
        snprintf(err, errsz, "cannot close %s", mirror);
        rc = APPLY_FAILED;
    }
    return rc;
}

int apply_delta(const char *mirror, const char *file, uint64_t usize,
                int64_t base, int64_t target, char *err, size_t errsz)
{
    if (usize > MAX_DELTA_BYTES) {
        snprintf(err, errsz, "delta of %llu bytes is too large",
                 (unsigned long long)usize);
        return APPLY_REFUSED;
    }
    uint8_t *comp = NULL, *cs = NULL;
    size_t clen = 0;
    if (read_all(file, &comp, &clen) != 0) {
        snprintf(err, errsz, "cannot read %s", file);
        return APPLY_FAILED;
    }
    int rc = APPLY_FAILED;
    cs = malloc((size_t)usize);
    if (!cs)
        goto done;
    size_t n = ZSTD_decompress(cs, (size_t)usize, comp, clen);
    free(comp);
    comp = NULL;
    if (ZSTD_isError(n) || n != usize) {
        snprintf(err, errsz,
                 "delta does not decompress to the %llu bytes "
                 "the manifest states",
                 (unsigned long long)usize);
        rc = APPLY_REFUSED;
        goto done;
    }
    if (is_wal_mirror(mirror))
        rc = apply_in_place(mirror, cs, (int)usize, base, target, err, errsz);
    else
        rc = apply_in_copy(mirror, cs, (int)usize, base, target, err, errsz);
done:
    free(comp);
    free(cs);
    return rc;
}

static int decompress_to(const char *src, const char *dst, uint64_t usize,
                         char *err, size_t errsz)
{
    FILE *in = fopen(src, "rb");
    int fd = -1;
    int lr = labels_file_open_own(dst, O_WRONLY | O_CREAT | O_TRUNC, 0644, &fd);
    ZSTD_DStream *z = ZSTD_createDStream();
    size_t ibsz = ZSTD_DStreamInSize(), obsz = ZSTD_DStreamOutSize();
    uint8_t *ib = malloc(ibsz), *ob = malloc(obsz);
    uint64_t total = 0;
    int rc = APPLY_FAILED;
    if (!in || fd < 0 || !z || !ib || !ob) {
        snprintf(err, errsz, "cannot write %s: %s", dst,
                 lr == LABELS_ERR_NOT_REGULAR ? labels_strerror(lr)
                                              : strerror(errno));
        goto done;
    }
    ZSTD_initDStream(z);
    size_t got, last = 1;
    while ((got = fread(ib, 1, ibsz, in)) > 0) {
        ZSTD_inBuffer zi = {ib, got, 0};
        while (zi.pos < zi.size) {
            ZSTD_outBuffer zo = {ob, obsz, 0};
            last = ZSTD_decompressStream(z, &zo, &zi);
            if (ZSTD_isError(last)) {
                snprintf(err, errsz, "snapshot is not valid zstd: %s",
                         ZSTD_getErrorName(last));
                rc = APPLY_REFUSED;
                goto done;
            }
            total += zo.pos;
            if (total > usize) {
                snprintf(err, errsz,
                         "snapshot decompresses to more than "
                         "the %llu bytes the manifest states",
                         (unsigned long long)usize);
                rc = APPLY_REFUSED;
                goto done;
            }
            for (size_t off = 0; off < zo.pos;) {
                ssize_t w = write(fd, ob + off, zo.pos - off);
                if (w < 0 && errno == EINTR)
                    continue;
                if (w <= 0) {
                    snprintf(err, errsz, "cannot write %s: %s", dst,
                             strerror(errno));
                    goto done;
                }
                off += (size_t)w;
            }
        }
    }
    if (ferror(in)) {
        snprintf(err, errsz, "cannot read %s", src);
        goto done;
    }
    if (last != 0 || total != usize) {
        snprintf(err, errsz,
                 "snapshot does not decompress to the %llu "
                 "bytes the manifest states",
                 (unsigned long long)usize);
        rc = APPLY_REFUSED;
        goto done;
    }
    if (fsync(fd) != 0) {
        snprintf(err, errsz, "cannot write %s: %s", dst, strerror(errno));
        goto done;
    }
    rc = 0;
done:
    if (fd >= 0 && close(fd) != 0 && rc == 0) {
        snprintf(err, errsz, "cannot write %s: %s", dst, strerror(errno));
        rc = APPLY_FAILED;
    }
    if (in)
        fclose(in);
    ZSTD_freeDStream(z);
    free(ib);
    free(ob);
    return rc;
}

/* A mirror file about to replace the kiosk's: what (a "snapshot", a
 * "folded mirror") passes SQLite's integrity check when asked, is a
 * mirror of the documented schema exactly, at version target. */
static int check_mirror_file(const char *path, const char *what, int integrity,
                             int64_t target, char *err, size_t errsz)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int rc = APPLY_REFUSED;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOFOLLOW,
                        NULL) != SQLITE_OK)
        goto bad;
    if (integrity && (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st,
                                         NULL) != SQLITE_OK ||
                      sqlite3_step(st) != SQLITE_ROW ||
                      strcmp((const char *)sqlite3_column_text(st, 0), "ok")))
        goto bad;
    sqlite3_finalize(st);
    st = NULL;
    if (sqlite3_prepare_v2(db,
                           "SELECT value FROM meta WHERE "
                           "key='schema_version'",
                           -1, &st, NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW ||
        sqlite3_column_int(st, 0) != LABELS_MIRROR_SCHEMA_VERSION) {
        snprintf(err, errsz, "%s is not a mirror of schema version %d", what,
                 LABELS_MIRROR_SCHEMA_VERSION);
        goto done;
    }
    if (labels_mirror_check_schema(db, err, errsz) != LABELS_OK)
        goto done;
    int64_t v = mirror_read_version(db);
    if (v != target) {
        snprintf(err, errsz, "%s holds version %lld, the manifest says %lld",
                 what, (long long)v, (long long)target);
        goto done;
    }
    rc = 0;
    goto done;
bad:
    snprintf(err, errsz, "%s fails SQLite's integrity check", what);
done:
    sqlite3_finalize(st);
    sqlite3_close(db);
    return rc;
}

int install_snapshot(const char *mirror, const char *file, uint64_t usize,
                     int64_t target, char *err, size_t errsz)
{
    char tmp[4200];
    if (work_file(mirror, ".new", tmp, sizeof tmp, err, errsz) != 0)
        return APPLY_FAILED;
    int rc = decompress_to(file, tmp, usize, err, errsz);
    if (rc == 0)
        rc = check_mirror_file(tmp, "snapshot", 1, target, err, errsz);
    /* Published in rollback mode; kept in WAL mode, so that the next
     * delta applies in place (see apply_in_place). */
    if (rc == 0)
        rc = make_wal(tmp, err, errsz);
    if (rc != 0) {
        unlink(tmp);
        remove_sidecars(tmp);
        return rc;
    }
    return replace_mirror(mirror, tmp, err, errsz);
}

int fold_overlay(const char *mirror, int64_t target, char *err, size_t errsz)
{
    char work[4200];
    if (work_file(mirror, ".fold", work, sizeof work, err, errsz) != 0)
        return APPLY_FAILED;
    int f = overlay_fold(mirror, work, err, errsz);
    int rc = f < 0 ? APPLY_FAILED : 0;
    /* Built here from the mirror just checked: its schema and version
     * are checked again, not every page. */
    if (f == 1)
        rc = check_mirror_file(work, "folded mirror", 0, target, err, errsz);
    if (f == 1 && rc == 0)
        rc = make_wal(work, err, errsz);
    if (f != 1 || rc != 0) {
        unlink(work);
        remove_sidecars(work);
        return rc;
    }
    rc = replace_mirror(mirror, work, err, errsz);
    return rc == 0 ? 1 : rc;
}
