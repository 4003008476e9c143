/* export.c -- ocop-host export: the registry's public part as a mirror
 * (docs/mirror.md), written whole or not at all. */
#include "registry/registry.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int fail(char *err, size_t errsz, const char *what, const char *why)
{
    snprintf(err, errsz, "%s: %s", what, why);
    return -1;
}

/* The mirror is built in memory from a second, read-only connection, so
 * the registry is only ever written to bump feed_version. */
static int build_mirror(const char *dbpath, long long version,
                        const char *authority_hex, unsigned char **image,
                        sqlite3_int64 *size, char *err, size_t errsz)
{
    static const char *const copy[] = {
        "INSERT INTO producers SELECT code,name,kind,province FROM "
        "reg.producers",
        "INSERT INTO products SELECT code,name,grp,producer,province,stars,"
        "proposed5,status,status_reason,status_date,certificate,certified,"
        "expires FROM reg.products",
        "INSERT INTO keys SELECT key_id,producer,public_key,enrolled,revoked,"
        "revoke_reason FROM reg.keys",
        "INSERT INTO clones SELECT key_id,product,lot,serial,reported FROM "
        "reg.clones",
        /* The unit a product was certified in, where a merger made it part
         * of another (docs/mirror.md, "Provinces"). */
        "INSERT INTO meta SELECT '" LABELS_META_CERTIFIED_UNIT "'||code,"
        "certified_unit FROM reg.products WHERE certified_unit NOT IN "
        "('',province)",
    };
    sqlite3 *m = NULL;
    sqlite3_stmt *st = NULL;
    char published[21], ver[24];
    int rc = -1;
    regtime_now(published);
    snprintf(ver, sizeof ver, "%lld", version);
    if (sqlite3_open(":memory:", &m) != SQLITE_OK ||
        registry_exec(m, labels_mirror_schema(), err, errsz) ||
        sqlite3_prepare_v2(m, "ATTACH ?1 AS reg", -1, &st, NULL) != SQLITE_OK)
        goto out;
    sqlite3_bind_text(st, 1, dbpath, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        goto out;
    sqlite3_finalize(st);
    st = NULL;
    if (registry_exec(m, "BEGIN", err, errsz))
        goto out;
    for (size_t i = 0; i < sizeof copy / sizeof copy[0]; i++)
        if (registry_exec(m, copy[i], err, errsz))
            goto out;
    /* Registries that never issued a badge have no inspectors table. */
    if (sqlite3_prepare_v2(m,
                           "SELECT 1 FROM reg.sqlite_schema WHERE type = "
                           "'table' AND name = 'inspectors'",
                           -1, &st, NULL) != SQLITE_OK)
        goto out;
    int have_inspectors = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    st = NULL;
    if (have_inspectors &&
        registry_exec(m,
                      "INSERT INTO revoked_badges SELECT inspector, revoked "
                      "FROM reg.inspectors WHERE revoked != ''",
                      err, errsz))
        goto out;
    if (sqlite3_prepare_v2(m,
                           "INSERT INTO meta VALUES ('schema_version',?1), "
                           "('feed_version',?2), ('published',?3), "
                           "('authority',?4)",
                           -1, &st, NULL) != SQLITE_OK)
        goto out;
    sqlite3_bind_int(st, 1, LABELS_MIRROR_SCHEMA_VERSION);
    sqlite3_bind_text(st, 2, ver, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, published, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, authority_hex, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        goto out;
    sqlite3_finalize(st);
    st = NULL;
    /* The authority's verify addresses (docs/mirror.md): a registry
     * made before them has none, and its mirror judges as before. */
    if (registry_exec(m,
                      "INSERT INTO meta SELECT key, value FROM reg.meta "
                      "WHERE key = '" LABELS_META_VERIFY_HOSTS "'",
                      err, errsz))
        goto out;
    if (registry_exec(m, "COMMIT; DETACH reg;", err, errsz))
        goto out;
    *image = sqlite3_serialize(m, "main", size, 0);
    if (!*image) {
        fail(err, errsz, "cannot build mirror", "out of memory");
        goto out;
    }
    rc = 0;
out:
    if (rc && !err[0])
        registry_db_error(m, "cannot build mirror", err, errsz);
    sqlite3_finalize(st);
    sqlite3_close(m);
    return rc;
}

static int write_tmp(const char *tmp, const unsigned char *p, size_t len,
                     char *err, size_t errsz)
{
    int fd =
        open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0)
        return fail(err, errsz, tmp, strerror(errno));
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            fail(err, errsz, tmp, n < 0 ? strerror(errno) : "short write");
            close(fd);
            unlink(tmp);
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    if (fchmod(fd, 0644) != 0 || fsync(fd) != 0) {
        fail(err, errsz, tmp, strerror(errno));
        close(fd);
        unlink(tmp);
        return -1;
    }
    if (close(fd) != 0) {
        fail(err, errsz, tmp, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

int registry_export(const char *dbpath, const char *out,
                    const labels_pubkey *authority, long long *version,
                    char *err, size_t errsz)
{
    return registry_export_at(dbpath, out, authority, 0, version, err, errsz);
}

int registry_export_at(const char *dbpath, const char *out,
                       const labels_pubkey *authority, long long at_least,
                       long long *version, char *err, size_t errsz)
{
    err[0] = '\0';
    struct stat a, b;
    if (stat(dbpath, &a) == 0 && stat(out, &b) == 0 && a.st_dev == b.st_dev &&
        a.st_ino == b.st_ino)
        return fail(err, errsz, out, "that is the registry itself");
    /* Refused before a version number is spent on it (issue 12). */
    if (labels_file_replaceable(out) == LABELS_ERR_NOT_REGULAR)
        return fail(err, errsz, out, labels_strerror(LABELS_ERR_NOT_REGULAR));
    sqlite3 *db;
    if (registry_open(dbpath, 0, &db, err, errsz))
        return -1;
    if (registry_begin(db, err, errsz)) {
        registry_close(db);
        return -1;
    }
    labels_pubkey auth;
    char b64[LABELS_PUBKEY_B64_MAX], ver[24];
    int have_recorded =
        registry_meta_get(db, "authority_key", b64, sizeof b64) == 0 &&
        labels_pubkey_parse(b64, strlen(b64), &auth) == LABELS_OK;
    int rc = -1;
    unsigned char *image = NULL;
    sqlite3_int64 size = 0;
    char *tmp = NULL;
    if (authority && have_recorded &&
        memcmp(authority->pk, auth.pk, LABELS_PUBKEY_BYTES) != 0) {
        fail(err, errsz, "cannot export",
             "--authority-key is not the authority key this registry "
             "records");
        goto out;
    }
    if (!authority && !have_recorded) {
        fail(err, errsz, "cannot export",
             "this registry records no authority key; give "
             "--authority-key AUTH.pub");
        goto out;
    }
    if (authority)
        auth = *authority;
    char hex[LABELS_KEY_ID_HEX_SIZE];
    labels_key_id_hex(auth.id, hex);
    if (registry_meta_get(db, "feed_version", ver, sizeof ver) != 0) {
        fail(err, errsz, "cannot export", "registry has no feed_version");
        goto out;
    }
    *version = strtoll(ver, NULL, 10) + 1;
    if (*version < at_least)
        *version = at_least;
    if (build_mirror(dbpath, *version, hex, &image, &size, err, errsz))
        goto out;
    size_t plen = strlen(out) + 32;
    tmp = malloc(plen);
    if (!tmp) {
        fail(err, errsz, "cannot export", "out of memory");
        goto out;
    }
    snprintf(tmp, plen, "%s.tmp.%ld", out, (long)getpid());
    if (write_tmp(tmp, image, (size_t)size, err, errsz))
        goto out;
    /* Commit the new version before the mirror appears: a crash between
     * the two burns a version number but never publishes one twice. */
    snprintf(ver, sizeof ver, "%lld", *version);
    if (registry_meta_set(db, "feed_version", ver, err, errsz) ||
        registry_commit(db, err, errsz)) {
        unlink(tmp);
        goto out;
    }
    int fr = labels_file_replaceable(out);
    if (fr != LABELS_OK || rename(tmp, out) != 0) {
        fail(err, errsz, out,
             fr != LABELS_OK ? labels_strerror(fr) : strerror(errno));
        unlink(tmp);
        goto out;
    }
    labels_fsync_parent(out); /* best effort: the mirror is in place */
    rc = 0;
out:
    if (rc)
        registry_rollback(db);
    registry_close(db);
    sqlite3_free(image);
    free(tmp);
    return rc;
}

int registry_change_mark(const char *dbpath, long long *mark, char *err,
                         size_t errsz)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    *mark = 0;
    if (registry_open(dbpath, 1, &db, err, errsz))
        return -1;
    int ok =
        sqlite3_prepare_v2(db,
                           "SELECT ifnull(max(id), 0) FROM audit WHERE NOT "
                           "(entity = 'meta' AND ref = 'feed_version') AND "
                           "entity <> 'feed'",
                           -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW;
    if (ok)
        *mark = sqlite3_column_int64(st, 0);
    else
        snprintf(err, errsz, "%s: %s", dbpath, sqlite3_errmsg(db));
    sqlite3_finalize(st);
    registry_close(db);
    return ok ? 0 : -1;
}
