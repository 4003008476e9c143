/* mirror.c -- open a mirror read-only and answer the verdict engine's
 * lookups with statements prepared once (docs/mirror.md). */
#include "mirror_private.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { Q_META, Q_KEY, Q_PRODUCT, Q_CLONE, Q_COUNT };

/* The products columns every product lookup reads, in the order
 * read_product() takes them: from products, or from the kiosk's overlay
 * of it, which adds its gone column. */
#define PRODUCT_SELECT                                                         \
    "SELECT p.code, p.name, p.grp, p.producer, r.name, r.kind,"                \
    " p.province, p.stars, p.proposed5, p.status, p.status_reason,"            \
    " p.status_date, p.certificate, p.certified, p.expires"

/* Naming every column also checks, at open, that the mirror has them:
 * a statement that does not prepare means a mirror we cannot read. */
static const char *const queries[Q_COUNT] = {
    [Q_META] = "SELECT value FROM meta WHERE key = ?1",
    [Q_KEY] = "SELECT producer, public_key, enrolled, revoked, revoke_reason"
              " FROM keys WHERE key_id = ?1",
    [Q_PRODUCT] = PRODUCT_SELECT
    " FROM products p LEFT JOIN producers r ON r.code = p.producer"
    " WHERE p.code = ?1",
    [Q_CLONE] = "SELECT 1 FROM clones WHERE key_id = ?1 AND product = ?2"
                " AND lot = ?3 AND serial = ?4",
};

static const char overlay_query[] = PRODUCT_SELECT
    ", p.gone FROM " LABELS_MIRROR_OVERLAY
    " p LEFT JOIN producers r ON r.code = p.producer WHERE p.code = ?1";

struct labels_mirror {
    sqlite3 *db;
    sqlite3_stmt *st[Q_COUNT];
    sqlite3_stmt *overlay; /* the kiosk's overlay, when the mirror has one */
    sqlite3_stmt *badge;   /* prepared on first use: see below */
    int have_hosts;        /* the mirror carries the verify addresses */
    char hosts[1024];      /* LABELS_META_VERIFY_HOSTS, read at open */
};

int labels_mirror_iso_date_ok(const char *s)
{
    if (!s || strlen(s) != 10)
        return 0;
    int v[3] = {0, 0, 0};
    for (int i = 0, f = 0; i < 10; i++) {
        if (i == 4 || i == 7) {
            if (s[i] != '-')
                return 0;
            f++;
        } else if (s[i] < '0' || s[i] > '9') {
            return 0;
        } else {
            v[f] = v[f] * 10 + (s[i] - '0');
        }
    }
    /* The shape alone lets "2029-13-45" or "9999-99-99" through, which
     * strcmp orders after every real day: an expiry that never comes.
     * A real day survives the round trip through day numbers. */
    if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31)
        return 0;
    int y, m, d;
    labels_civil_from_days(labels_days_from_civil(v[0], v[1], v[2]), &y, &m,
                           &d);
    return y == v[0] && m == v[1] && d == v[2];
}

/* Copy a column into out, truncated at a UTF-8 character boundary so a
 * long Vietnamese name never ends in half a character. NULL gives "". */
static void copy_text(sqlite3_stmt *st, int col, char *out, size_t outsz)
{
    const unsigned char *s = sqlite3_column_text(st, col);
    size_t n = s ? (size_t)sqlite3_column_bytes(st, col) : 0;
    if (n >= outsz) {
        n = outsz - 1;
        while (n > 0 && (s[n] & 0xC0) == 0x80)
            n--;
    }
    if (n)
        memcpy(out, s, n);
    out[n] = '\0';
}

/* 1 if the column's text and its NUL fit in outsz bytes. */
static int text_fits(sqlite3_stmt *st, int col, size_t outsz)
{
    return (size_t)sqlite3_column_bytes(st, col) < outsz;
}

static int meta_get(labels_mirror *m, const char *key, char *out, size_t outsz)
{
    sqlite3_stmt *st = m->st[Q_META];
    int rc = LABELS_ERR_MIRROR;
    if (sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC) != SQLITE_OK)
        goto done;
    int step = sqlite3_step(st);
    if (step == SQLITE_DONE) {
        rc = LABELS_ERR_NOT_FOUND;
    } else if (step == SQLITE_ROW && text_fits(st, 0, outsz)) {
        copy_text(st, 0, out, outsz);
        rc = LABELS_OK;
    }
done:
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}

/* 1 if the connection reads its database in WAL mode. */
static int is_wal(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    int wal = sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL) ==
                  SQLITE_OK &&
              sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) &&
              !strcmp((const char *)sqlite3_column_text(st, 0), "wal");
    sqlite3_finalize(st);
    return wal;
}

/* 1 if db's schema has the kiosk's overlay, 0 if not, -1 on error. */
static int has_overlay(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    int rc = -1;
    if (sqlite3_prepare_v2(db,
                           "SELECT 1 FROM sqlite_schema WHERE type = 'table'"
                           " AND name = '" LABELS_MIRROR_OVERLAY "'",
                           -1, &st, NULL) == SQLITE_OK) {
        int step = sqlite3_step(st);
        rc = step == SQLITE_ROW ? 1 : step == SQLITE_DONE ? 0 : -1;
    }
    sqlite3_finalize(st);
    return rc;
}

int labels_mirror_open(const char *path, labels_mirror **out)
{
    if (!path || !out)
        return LABELS_ERR_ARG;
    *out = NULL;
    labels_mirror *m = calloc(1, sizeof *m);
    if (!m)
        return LABELS_ERR_NOMEM;
    int rc = LABELS_ERR_MIRROR;
    /* Read-only and without a mutex: a mirror handle belongs to one
     * thread. A missing file fails here (no SQLITE_OPEN_CREATE). */
    int open_rc = sqlite3_open_v2(
        path, &m->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
    if (open_rc != SQLITE_OK) {
        rc = open_rc == SQLITE_NOMEM ? LABELS_ERR_NOMEM : LABELS_ERR_MIRROR;
        goto fail;
    }
    /* A mirror comes from the network: never run SQL functions named in
     * its schema (triggers, views, defaults) with our privileges. */
    if (sqlite3_db_config(m->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL) !=
            SQLITE_OK ||
        sqlite3_db_config(m->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL) !=
            SQLITE_OK)
        goto fail;
    /* Map the file instead of copying pages through read(): a random
     * product lookup then costs a B-tree walk, not system calls. SQLite
     * keeps the map right when a WAL mirror is changed in place. */
    if (sqlite3_exec(m->db, "PRAGMA mmap_size = 1073741824", NULL, NULL,
                     NULL) != SQLITE_OK)
        goto fail;
    /* One read transaction from the first read to the close, so every
     * lookup sees the same version and the page cache stays valid
     * without a lock and a check per lookup (which cost more than the
     * lookup). Reading the schema is the first access to the file: "file
     * is not a database" and a damaged schema page show up here. Exactly
     * a documented schema: a trigger, a view or an index carried in could
     * change what a lookup or a later delta does (issue 12). */
    if (sqlite3_exec(m->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        goto fail;
    int sc = labels_mirror_check_kept_schema(m->db, NULL, 0);
    if (sc != LABELS_OK) {
        rc = sc == LABELS_ERR_NOMEM ? LABELS_ERR_NOMEM : LABELS_ERR_MIRROR;
        goto fail;
    }
    /* A mirror in WAL mode (the kiosk's own, docs/mirror.md) is changed
     * in place by the sync while we read: the open transaction is our
     * snapshot and blocks no writer. A rollback-mode mirror is replaced
     * by rename, never written in place: its shared lock is simply held
     * (the transaction ends, the lock stays). */
    if (!is_wal(m->db)) {
        if (sqlite3_exec(m->db,
                         "COMMIT; PRAGMA locking_mode = EXCLUSIVE;"
                         "SELECT count(*) FROM sqlite_schema",
                         NULL, NULL, NULL) != SQLITE_OK)
            goto fail;
    }
    for (int i = 0; i < Q_COUNT; i++)
        if (sqlite3_prepare_v3(m->db, queries[i], -1, SQLITE_PREPARE_PERSISTENT,
                               &m->st[i], NULL) != SQLITE_OK)
            goto fail;
    /* The schema was checked above, in this read transaction: the
     * overlay is there for as long as this handle reads. */
    int ov = has_overlay(m->db);
    if (ov < 0 || (ov && sqlite3_prepare_v3(m->db, overlay_query, -1,
                                            SQLITE_PREPARE_PERSISTENT,
                                            &m->overlay, NULL) != SQLITE_OK))
        goto fail;
    /* Exactly our version: an older reader must not guess at a newer
     * mirror's meaning. */
    char version[16], want[16];
    snprintf(want, sizeof want, "%d", LABELS_MIRROR_SCHEMA_VERSION);
    if (meta_get(m, "schema_version", version, sizeof version) != LABELS_OK ||
        strcmp(version, want) != 0)
        goto fail;
    /* Read once: every URL label is compared with it. A list that does
     * not fit is a mirror we cannot read, never "no list". */
    int hr = meta_get(m, LABELS_META_VERIFY_HOSTS, m->hosts, sizeof m->hosts);
    if (hr == LABELS_OK)
        m->have_hosts = 1;
    else if (hr != LABELS_ERR_NOT_FOUND)
        goto fail;
    *out = m;
    return LABELS_OK;
fail:
    labels_mirror_close(m);
    return rc;
}

void labels_mirror_close(labels_mirror *m)
{
    if (!m)
        return;
    for (int i = 0; i < Q_COUNT; i++)
        sqlite3_finalize(m->st[i]);
    sqlite3_finalize(m->badge);
    sqlite3_finalize(m->overlay);
    sqlite3_close(m->db);
    free(m);
}

int labels_mirror_hosts(labels_mirror *m, char *out, size_t outsz)
{
    if (!m || !out || outsz == 0)
        return LABELS_ERR_ARG;
    out[0] = '\0';
    if (!m->have_hosts)
        return LABELS_ERR_NOT_FOUND;
    size_t n = strlen(m->hosts);
    if (n >= outsz)
        return LABELS_ERR_SPACE;
    memcpy(out, m->hosts, n + 1);
    return LABELS_OK;
}

static char upper(char c)
{
    return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

int labels_host_listed(const char *list, const char *host, size_t hlen)
{
    if (!list || !host || hlen == 0)
        return 0;
    const char *p = list;
    while (*p) {
        while (*p == ' ')
            p++;
        size_t n = strcspn(p, " ");
        if (n == hlen) {
            size_t i = 0;
            while (i < n && upper(p[i]) == upper(host[i]))
                i++;
            if (i == n)
                return 1;
        }
        p += n;
    }
    return 0;
}

int labels_mirror_host_check(labels_mirror *m, const char *host, size_t hlen)
{
    /* A mirror from before the list (docs/mirror.md, "Verify
     * addresses") cannot say which host is the authority's: judged as
     * before, so kiosks keep working until their next sync brings it. */
    if (!m->have_hosts)
        return 1;
    return labels_host_listed(m->hosts, host, hlen);
}

int labels_mirror_info(labels_mirror *m, int64_t *version, char published[32])
{
    if (!m || !version || !published)
        return LABELS_ERR_ARG;
    char v[24];
    if (meta_get(m, "feed_version", v, sizeof v) != LABELS_OK ||
        meta_get(m, "published", published, 32) != LABELS_OK)
        return LABELS_ERR_MIRROR;
    if (v[0] < '0' || v[0] > '9')
        return LABELS_ERR_MIRROR;
    char *end;
    errno = 0;
    long long n = strtoll(v, &end, 10);
    if (errno || *end != '\0')
        return LABELS_ERR_MIRROR;
    *version = (int64_t)n;
    return LABELS_OK;
}

/* The product on st's row, as labels_mirror_product() answers it. */
static int read_product(labels_mirror *m, sqlite3_stmt *st, labels_product *out)
{
    copy_text(st, 0, out->code, sizeof out->code);
    copy_text(st, 1, out->name, sizeof out->name);
    copy_text(st, 2, out->group, sizeof out->group);
    copy_text(st, 3, out->producer_code, sizeof out->producer_code);
    copy_text(st, 4, out->producer_name, sizeof out->producer_name);
    copy_text(st, 5, out->producer_kind, sizeof out->producer_kind);
    copy_text(st, 6, out->province, sizeof out->province);
    out->stars = sqlite3_column_int(st, 7);
    out->proposed5 = sqlite3_column_int(st, 8);
    copy_text(st, 9, out->status, sizeof out->status);
    copy_text(st, 10, out->status_reason, sizeof out->status_reason);
    copy_text(st, 11, out->status_date, sizeof out->status_date);
    copy_text(st, 12, out->certificate, sizeof out->certificate);
    copy_text(st, 13, out->certified, sizeof out->certified);
    copy_text(st, 14, out->expires, sizeof out->expires);
    /* The verdict compares these; a value that would be truncated or is
     * not a date is a broken mirror, not a verdict. */
    if (!text_fits(st, 3, sizeof out->producer_code) ||
        !text_fits(st, 9, sizeof out->status) ||
        !labels_mirror_iso_date_ok(out->expires) ||
        !labels_mirror_iso_date_ok(out->certified) ||
        (out->status_date[0] && !labels_mirror_iso_date_ok(out->status_date)))
        return LABELS_ERR_MIRROR;
    char key[sizeof LABELS_META_CERTIFIED_UNIT + LABELS_CODE_MAX];
    snprintf(key, sizeof key, "%s%s", LABELS_META_CERTIFIED_UNIT, out->code);
    if (meta_get(m, key, out->certified_unit, sizeof out->certified_unit) !=
        LABELS_OK)
        out->certified_unit[0] = '\0';
    return LABELS_OK;
}

/* Look code up with st: LABELS_OK with the row (*gone from the
 * overlay's column, when asked), LABELS_ERR_NOT_FOUND, or an error. */
static int product_from(labels_mirror *m, sqlite3_stmt *st, const char *code,
                        labels_product *out, int *gone)
{
    int rc = LABELS_ERR_MIRROR;
    if (sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC) != SQLITE_OK)
        goto done;
    int step = sqlite3_step(st);
    if (step == SQLITE_DONE)
        rc = LABELS_ERR_NOT_FOUND;
    else if (step == SQLITE_ROW) {
        if (gone)
            *gone = sqlite3_column_int(st, 15);
        /* A product the deltas removed has no facts to read. */
        rc = gone && *gone ? LABELS_OK : read_product(m, st, out);
    }
done:
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}

int labels_mirror_product(labels_mirror *m, const char *code,
                          labels_product *out)
{
    if (!m || !code || !out)
        return LABELS_ERR_ARG;
    memset(out, 0, sizeof *out);
    /* The overlay's row, if any, is the product as the last delta left
     * it; products holds it as the snapshot did. */
    if (m->overlay) {
        int gone = 0;
        int rc = product_from(m, m->overlay, code, out, &gone);
        if (rc != LABELS_ERR_NOT_FOUND) {
            if (rc == LABELS_OK && gone) {
                memset(out, 0, sizeof *out);
                rc = LABELS_ERR_NOT_FOUND;
            }
            return rc;
        }
    }
    return product_from(m, m->st[Q_PRODUCT], code, out, NULL);
}

int labels_mirror_key_get(labels_mirror *m,
                          const uint8_t id[LABELS_KEY_ID_BYTES],
                          labels_mirror_key *out)
{
    if (!m || !id || !out)
        return LABELS_ERR_ARG;
    memset(out, 0, sizeof *out);
    char hex[LABELS_KEY_ID_HEX_SIZE];
    labels_key_id_hex(id, hex);
    sqlite3_stmt *st = m->st[Q_KEY];
    int rc = LABELS_ERR_MIRROR;
    if (sqlite3_bind_text(st, 1, hex, 16, SQLITE_STATIC) != SQLITE_OK)
        goto done;
    int step = sqlite3_step(st);
    if (step == SQLITE_DONE) {
        rc = LABELS_ERR_NOT_FOUND;
        goto done;
    }
    if (step != SQLITE_ROW)
        goto done;
    const void *pk = sqlite3_column_blob(st, 1);
    if (!pk || sqlite3_column_bytes(st, 1) != LABELS_PUBKEY_BYTES ||
        !text_fits(st, 0, sizeof out->producer) ||
        !text_fits(st, 2, sizeof out->enrolled) ||
        !text_fits(st, 3, sizeof out->revoked) ||
        !text_fits(st, 4, sizeof out->reason))
        goto done;
    memcpy(out->pub.pk, pk, LABELS_PUBKEY_BYTES);
    labels_key_id(out->pub.pk, out->pub.id);
    copy_text(st, 0, out->producer, sizeof out->producer);
    copy_text(st, 2, out->enrolled, sizeof out->enrolled);
    copy_text(st, 3, out->revoked, sizeof out->revoked);
    copy_text(st, 4, out->reason, sizeof out->reason);
    /* A row whose key does not hash to its ID would let one producer's
     * key answer for another's labels. */
    if (memcmp(out->pub.id, id, LABELS_KEY_ID_BYTES) != 0 ||
        !labels_mirror_iso_date_ok(out->enrolled) ||
        (out->revoked[0] && !labels_mirror_iso_date_ok(out->revoked)))
        goto done;
    rc = LABELS_OK;
done:
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}

int labels_mirror_clone_get(labels_mirror *m, const labels_label *lab,
                            int *reported)
{
    if (!m || !lab || !reported)
        return LABELS_ERR_ARG;
    *reported = 0;
    char hex[LABELS_KEY_ID_HEX_SIZE];
    labels_key_id_hex(lab->key_id, hex);
    sqlite3_stmt *st = m->st[Q_CLONE];
    int rc = LABELS_ERR_MIRROR;
    if (sqlite3_bind_text(st, 1, hex, 16, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_text(st, 2, lab->product, -1, SQLITE_STATIC) !=
            SQLITE_OK ||
        sqlite3_bind_text(st, 3, lab->lot, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_int64(st, 4, (sqlite3_int64)lab->serial) != SQLITE_OK)
        goto done;
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW || step == SQLITE_DONE) {
        *reported = step == SQLITE_ROW;
        rc = LABELS_OK;
    }
done:
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}

/* Prepared on first use rather than at open: a mirror published before
 * badges existed still answers label checks; only badge checks fail. */
int labels_mirror_badge_revoked(labels_mirror *m, const char *inspector_id,
                                int *is_revoked, char revoked[LABELS_DATE_SIZE])
{
    if (!m || !inspector_id || !is_revoked)
        return LABELS_ERR_ARG;
    *is_revoked = 0;
    if (revoked)
        revoked[0] = '\0';
    if (!m->badge && sqlite3_prepare_v3(m->db,
                                        "SELECT revoked FROM revoked_badges"
                                        " WHERE inspector = ?1",
                                        -1, SQLITE_PREPARE_PERSISTENT,
                                        &m->badge, NULL) != SQLITE_OK) {
        m->badge = NULL;
        return LABELS_ERR_MIRROR;
    }
    sqlite3_stmt *st = m->badge;
    int rc = LABELS_ERR_MIRROR;
    if (sqlite3_bind_text(st, 1, inspector_id, -1, SQLITE_STATIC) != SQLITE_OK)
        goto done;
    int step = sqlite3_step(st);
    if (step == SQLITE_DONE) {
        rc = LABELS_OK;
    } else if (step == SQLITE_ROW) {
        /* A revocation is honoured even if its date is damaged: refusing
         * a badge is the safe side. */
        *is_revoked = 1;
        if (revoked && text_fits(st, 0, 11))
            copy_text(st, 0, revoked, 11);
        rc = LABELS_OK;
    }
done:
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}
