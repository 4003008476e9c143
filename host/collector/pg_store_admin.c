/* pg_store_admin.c -- the PostgreSQL collector's maintenance: upgrading
 * an older schema, dropping old months of raw scans, and copying a SQLite
 * collector's history in (docs/collector.md). */
#include "collector/pg_store_int.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- Schema upgrades ---------------------------------------------------- */

#define STR_(x) #x
#define STR(x) STR_(x)
/* A new table's rights for the roles that have them on scans: `writers`
 * (EXECUTE statements, w the role) for each role that may insert scans,
 * `readers` for each that may read them; the grants of docs/collector.md
 * then need not be run again. */
#define GRANT_LIKE_SCANS(writers, readers)                                     \
    "DO $g$ DECLARE w text; BEGIN"                                             \
    " FOR w IN SELECT DISTINCT grantee FROM information_schema"                \
    "  .role_table_grants WHERE table_schema = 'collector' AND table_name"     \
    "  = 'scans' AND privilege_type = 'INSERT' AND grantee <> 'PUBLIC' "       \
    "LOOP" writers " END LOOP;"                                                \
    " FOR w IN SELECT DISTINCT grantee FROM information_schema"                \
    "  .role_table_grants WHERE table_schema = 'collector' AND table_name"     \
    "  = 'scans' AND privilege_type = 'SELECT' AND grantee <> 'PUBLIC' "       \
    "LOOP" readers " END LOOP; END $g$"

/* Version 2 to 3. daily_verdicts had a row per day, kiosk, product and
 * verdict: nearly one per scan, for two reports that need much less. The
 * products' totals (expiring) go to daily_products, per day, product and
 * verdict, whatever the number of kiosks; daily_verdicts keeps only the
 * verdicts reinspect reads per kiosk ($1, $2), a few rows a day. The
 * phone page's tables are new (phone_store.c). The roles that may write
 * or read scans get the same rights on the new tables, so the grants of
 * docs/collector.md need not be run again. */
static const char *const migrate_3[] = {
    "CREATE TABLE collector.daily_products ("
    " day bigint NOT NULL, product text NOT NULL, verdict text NOT NULL,"
    " scans bigint NOT NULL, PRIMARY KEY (day, product, verdict))",
    "INSERT INTO collector.daily_products SELECT day, product, verdict,"
    " sum(scans) FROM collector.daily_verdicts GROUP BY 1, 2, 3",
    "DELETE FROM collector.daily_verdicts WHERE verdict NOT IN ($1, $2)",
    /* As SQLite's (phone_store.c): no client address, lookups to the
     * hour; the photo's limit is the form's. */
    "CREATE TABLE collector.phone_lookups ("
    " id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
    " time bigint NOT NULL, verdict text NOT NULL, product text NOT NULL,"
    " signer text NOT NULL, lot text NOT NULL, serial bigint NOT NULL)",
    "CREATE INDEX phone_lookups_label ON collector.phone_lookups (signer,"
    " product, lot, serial, time, verdict)",
    "CREATE TABLE collector.phone_reports ("
    " id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
    " time bigint NOT NULL, verdict text NOT NULL, product text NOT NULL,"
    " signer text NOT NULL, lot text NOT NULL, serial bigint NOT NULL,"
    " what text NOT NULL, note text NOT NULL, province text NOT NULL,"
    " shop text NOT NULL, photo bytea CHECK (octet_length(photo) <= " STR(
        COLLECTOR_PHOTO_MAX) "),"
                             " photo_type text NOT NULL)",
    GRANT_LIKE_SCANS(
        "  EXECUTE format('GRANT SELECT, INSERT, UPDATE (scans) ON"
        "   collector.daily_products TO %I', w);"
        "  EXECUTE format('GRANT SELECT, INSERT ON collector.phone_lookups,"
        "   collector.phone_reports TO %I', w);",
        "  EXECUTE format('GRANT SELECT ON collector.daily_products,"
        "   collector.phone_lookups, collector.phone_reports TO %I', w);"),
    "UPDATE collector.meta SET version = 3",
};

/* Version 3 to 4: each kiosk's last contact and the mirror it reported
 * (the console's fleet, collector_fleet), filled with each kiosk's last
 * batch; the same rights for the roles as version 3 gives its tables. */
static const char *const migrate_4[] = {
    "CREATE TABLE collector.kiosk_contact ("
    " key_id text PRIMARY KEY, last_contact bigint NOT NULL,"
    " mirror_version bigint, data_age bigint, reported bigint)",
    "INSERT INTO collector.kiosk_contact (key_id, last_contact)"
    " SELECT kiosk, max(received) FROM collector.batches GROUP BY kiosk",
    GRANT_LIKE_SCANS(
        "  EXECUTE format('GRANT SELECT, INSERT, UPDATE (last_contact,"
        "   mirror_version, data_age, reported) ON collector.kiosk_contact"
        "   TO %I', w);",
        "  EXECUTE format('GRANT SELECT ON collector.kiosk_contact TO %I', "
        "w);"),
    "UPDATE collector.meta SET version = 4",
};

/* Version 4 to 5: each later sighting's row says at which kiosk the label
 * was first seen, so the clone report need not look up label_first for
 * a label rescanned at the kiosk that first saw it (most repeats). The
 * roles' table-wide INSERT and SELECT cover the new column. */
static const char *const migrate_5[] = {
    "ALTER TABLE collector.daily_labels ADD COLUMN IF NOT EXISTS first_kiosk"
    " text",
    "UPDATE collector.daily_labels d SET first_kiosk = f.kiosk"
    " FROM collector.label_first f WHERE f.signer = d.signer"
    " AND f.product = d.product AND f.lot = d.lot AND f.serial = d.serial"
    " AND d.first_kiosk IS NULL",
    "UPDATE collector.meta SET version = 5",
};

/* Version 5 to 6: each later sighting's row also says when the label was
 * first seen (first_seen), so the clone report gets a suspect's first
 * sighting from the rows it reads anyway, never by a lookup per label in
 * label_first, nor its scans from the raw months (docs/collector.md,
 * "Rollups"). Rows a concurrent batch left without their first kiosk
 * get both here. */
static const char *const migrate_6[] = {
    "ALTER TABLE collector.daily_labels ADD COLUMN IF NOT EXISTS first_seen"
    " bigint",
    "UPDATE collector.daily_labels d SET first_kiosk = f.kiosk,"
    " first_seen = f.time FROM collector.label_first f"
    " WHERE f.signer = d.signer AND f.product = d.product AND f.lot = d.lot"
    " AND f.serial = d.serial AND d.first_seen IS NULL",
    "UPDATE collector.meta SET version = 6",
};

/* Version 6 to 7: per label, its later sightings and those not known to
 * be at the first's kiosk (label_repeats), summed from daily_labels, so
 * the clone report finds its candidates (seen elsewhere, or scanned often)
 * without grouping a year of daily_labels; the roles that may insert
 * scans may add to it, those that read them may read it. */
static const char *const migrate_7[] = {
    "CREATE TABLE collector.label_repeats ("
    " signer text NOT NULL, product text NOT NULL, lot text NOT NULL,"
    " serial bigint NOT NULL, scans bigint NOT NULL,"
    " elsewhere bigint NOT NULL, PRIMARY KEY (signer, product, lot, serial))",
    "INSERT INTO collector.label_repeats SELECT signer, product, lot, serial,"
    " sum(scans), coalesce(sum(scans) FILTER (WHERE first_kiosk IS DISTINCT"
    " FROM kiosk), 0) FROM collector.daily_labels GROUP BY 1, 2, 3, 4",
    GRANT_LIKE_SCANS(
        "  EXECUTE format('GRANT SELECT, INSERT, UPDATE (scans, elsewhere) ON"
        "   collector.label_repeats TO %I', w);",
        "  EXECUTE format('GRANT SELECT ON collector.label_repeats TO %I', "
        "w);"),
    /* The report plans its join with it at once, not after autovacuum. */
    "ANALYZE collector.label_repeats",
    "UPDATE collector.meta SET version = 7",
};

static int migrate_step(PGconn *db, const char *const *sql, size_t n, int to,
                        char *err, size_t errsz)
{
    const char *v[2] = {labels_verdict_word(LABELS_V_RATING_CHANGED),
                        labels_verdict_word(LABELS_V_EXPIRED)};
    for (size_t i = 0; i < n; i++) {
        /* Parameters only for the statement that has them. */
        int np = strstr(sql[i], "$1") ? 2 : 0;
        PGresult *r = PQexecParams(db, sql[i], np, NULL, v, NULL, NULL, 0);
        int ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;
        PQclear(r);
        if (!ok) {
            char what[64];
            snprintf(what, sizeof what,
                     "cannot upgrade the schema to version %d", to);
            pgs_err(db, what, err, errsz);
            return -1;
        }
    }
    return 0;
}

int pgs_migrate(PGconn *db, int from, char *err, size_t errsz)
{
    static const struct {
        const char *const *sql;
        size_t n;
    } steps[] = {
#define STEP(a) {a, sizeof a / sizeof a[0]}
        STEP(migrate_3), STEP(migrate_4), STEP(migrate_5),
        STEP(migrate_6), STEP(migrate_7),
#undef STEP
    };
    _Static_assert(sizeof steps / sizeof steps[0] + 2 ==
                       PG_STORE_SCHEMA_VERSION,
                   "one step per version after 2");
    for (int to = from + 1; to <= PG_STORE_SCHEMA_VERSION; to++)
        if (to >= 3 && migrate_step(db, steps[to - 3].sql, steps[to - 3].n, to,
                                    err, errsz))
            return -1;
    return 0;
}

/* ---- Retention --------------------------------------------------------- */

int pg_store_retain(pg_store *ps, int months, int64_t now, int *dropped,
                    char *err, size_t errsz)
{
    *dropped = 0;
    time_t t = (time_t)now;
    struct tm tm;
    if (months < 0 || !gmtime_r(&t, &tm)) {
        snprintf(err, errsz, "retention: bad month count or time");
        return -1;
    }
    int keep_from = (tm.tm_year + 1900) * 12 + tm.tm_mon - months;
    PGconn *db = pgs_get(ps, err, errsz);
    if (!db)
        return -1;
    PGresult *r = PQexec(db, "SELECT c.relname FROM pg_inherits i "
                             "JOIN pg_class c ON c.oid = i.inhrelid "
                             "WHERE i.inhparent = 'collector.scans'::regclass "
                             "ORDER BY 1");
    int rc = 0;
    if (!r || PQresultStatus(r) != PGRES_TUPLES_OK) {
        pgs_err(db, "cannot list the months of scans", err, errsz);
        rc = -1;
    }
    for (int i = 0; !rc && i < PQntuples(r); i++) {
        int y, m, end = 0;
        const char *name = PQgetvalue(r, i, 0);
        /* Only the month partitions, by their exact name. */
        if (sscanf(name, "scans_%4d_%2d%n", &y, &m, &end) != 2 || name[end] ||
            strlen(name) != 13 || m < 1 || m > 12)
            continue;
        if (y * 12 + m - 1 >= keep_from)
            continue;
        char sql[64];
        snprintf(sql, sizeof sql, "DROP TABLE collector.scans_%04d_%02d", y, m);
        if (pgs_exec(db, sql)) {
            pgs_err(db, "cannot drop a month of scans", err, errsz);
            rc = -1;
        } else {
            (*dropped)++;
        }
    }
    PQclear(r);
    pgs_months_forget(ps);
    pgs_put(ps, db);
    return rc;
}

/* ---- Import from SQLite ------------------------------------------------ */

#define IMPORT_CHUNK 5000 /* scans per transaction */

typedef struct importer {
    pg_store *ps;
    PGconn *db;
    sqlite3 *src;
    const char *source; /* the progress key */
    char *err;
    size_t errsz;
} importer;

static int src_fail(importer *im, const char *what)
{
    snprintf(im->err, im->errsz, "%s: %s", what, sqlite3_errmsg(im->src));
    return -1;
}

static const char *col(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? (const char *)t : "";
}

/* Copy every row of a small table with one INSERT ... ON CONFLICT DO
 * NOTHING per row, in one transaction. NULL text stays NULL. *added:
 * rows that were not there. */
static int copy_table(importer *im, const char *select, const char *insert,
                      int ncols, long *added)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(im->src, select, -1, &st, NULL) != SQLITE_OK)
        return src_fail(im, "cannot read the SQLite collector");
    if (pgs_exec(im->db, "BEGIN")) {
        sqlite3_finalize(st);
        pgs_err(im->db, "import", im->err, im->errsz);
        return -1;
    }
    int rc;
    char blob[2 + 2 * 32 + 1];
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *v[16];
        for (int i = 0; i < ncols; i++) {
            if (sqlite3_column_type(st, i) == SQLITE_NULL) {
                v[i] = NULL;
            } else if (sqlite3_column_type(st, i) == SQLITE_BLOB) {
                /* The batch hash: 32 bytes, as bytea hex. */
                int n = sqlite3_column_bytes(st, i);
                const unsigned char *p = sqlite3_column_blob(st, i);
                if (n != 32 || !p) {
                    snprintf(im->err, im->errsz,
                             "import: a batch hash is not 32 bytes");
                    goto fail;
                }
                blob[0] = '\\';
                blob[1] = 'x';
                for (int k = 0; k < 32; k++)
                    snprintf(blob + 2 + 2 * k, 3, "%02x", p[k]);
                v[i] = blob;
            } else {
                v[i] = col(st, i);
            }
        }
        PGresult *r =
            PQexecParams(im->db, insert, ncols, NULL, v, NULL, NULL, 0);
        if (!r || PQresultStatus(r) != PGRES_COMMAND_OK) {
            PQclear(r);
            pgs_err(im->db, "import", im->err, im->errsz);
            goto fail;
        }
        *added += atol(PQcmdTuples(r));
        PQclear(r);
    }
    if (rc != SQLITE_DONE) {
        src_fail(im, "cannot read the SQLite collector");
        goto fail;
    }
    sqlite3_finalize(st);
    if (pgs_exec(im->db, "COMMIT")) {
        pgs_err(im->db, "import", im->err, im->errsz);
        pgs_exec(im->db, "ROLLBACK");
        return -1;
    }
    return 0;
fail:
    sqlite3_finalize(st);
    pgs_exec(im->db, "ROLLBACK");
    return -1;
}

/* Where an earlier run stopped for this kiosk: its last scan ID copied,
 * or 0. */
static int progress_get(importer *im, const char *kiosk, long long *scan_id)
{
    const char *v[] = {im->source, kiosk};
    PGresult *r = PQexecParams(im->db,
                               "SELECT scan_id FROM collector.import_progress "
                               "WHERE source = $1 AND kiosk = $2",
                               2, NULL, v, NULL, NULL, 0);
    if (!r || PQresultStatus(r) != PGRES_TUPLES_OK) {
        PQclear(r);
        pgs_err(im->db, "import", im->err, im->errsz);
        return -1;
    }
    *scan_id = PQntuples(r) == 1 ? atoll(PQgetvalue(r, 0, 0)) : 0;
    PQclear(r);
    return 0;
}

/* A scan row of the file into the parser's struct; -1 if a field does
 * not fit (the file was not written by a collector). */
static int scan_from(sqlite3_stmt *st, collector_scan *s, char kiosk[17],
                     char batch[33])
{
    memset(s, 0, sizeof *s);
    const struct {
        int col;
        char *out;
        size_t size;
    } text[] = {
        {0, kiosk, 17},
        {3, s->verdict, sizeof s->verdict},
        {4, s->product, sizeof s->product},
        {5, s->signer, sizeof s->signer},
        {6, s->lot, sizeof s->lot},
        {8, s->text_hash, sizeof s->text_hash},
        {10, batch, 33},
    };
    for (size_t i = 0; i < sizeof text / sizeof text[0]; i++) {
        const char *v = col(st, text[i].col);
        if (strlen(v) >= text[i].size)
            return -1;
        memcpy(text[i].out, v, strlen(v) + 1);
    }
    s->id = sqlite3_column_int64(st, 1);
    s->time = sqlite3_column_int64(st, 2);
    sqlite3_int64 serial = sqlite3_column_int64(st, 7);
    if (serial < 0 || serial > (sqlite3_int64)UINT32_MAX || s->time < 0)
        return -1;
    s->serial = (uint32_t)serial;
    s->stale = sqlite3_column_int(st, 9) != 0;
    return 0;
}

/* One chunk of rows, their months, then one transaction: the rows, their
 * rollups and the progress mark. Retried on a deadlock or a month that
 * retention dropped meanwhile. */
static int import_chunk(importer *im, const pgs_rows *rows, const char *kiosk,
                        long long scan_id, long *added)
{
    char id[24];
    snprintf(id, sizeof id, "%lld", scan_id);
    const char *v[] = {im->source, kiosk, id};
    char state[6] = "";
    for (int attempt = 0; attempt < 5; attempt++) {
        if (pgs_months(im->ps, im->db, rows, im->err, im->errsz))
            return -1;
        if (pgs_exec(im->db, "BEGIN")) {
            pgs_err(im->db, "import", im->err, im->errsz);
            return -1;
        }
        if (pgs_insert_scans(im->db, rows, added, state, im->err, im->errsz) ==
            0) {
            PGresult *r = PQexecParams(
                im->db,
                "INSERT INTO collector.import_progress VALUES ($1,$2,$3) "
                "ON CONFLICT (source, kiosk) DO UPDATE SET scan_id = $3",
                3, NULL, v, NULL, NULL, 0);
            int ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;
            PQclear(r);
            if (ok && !pgs_exec(im->db, "COMMIT"))
                return 0;
            pgs_err(im->db, "import", im->err, im->errsz);
            pgs_exec(im->db, "ROLLBACK");
            return -1;
        }
        pgs_exec(im->db, "ROLLBACK");
        if (strcmp(state, "40P01") && strcmp(state, "40001") &&
            strcmp(state, "23514"))
            return -1;
        pgs_months_forget(im->ps);
    }
    return -1;
}

/* The scans of one kiosk after its progress mark, in chunks. Progress
 * is per kiosk because scan IDs only grow within a kiosk: a second run
 * after the file received more scans copies exactly those. */
static int copy_kiosk_scans(importer *im, sqlite3_stmt *st, const char *kiosk,
                            pgs_rows *rows, pg_store_import_counts *n)
{
    long long last_id;
    if (progress_get(im, kiosk, &last_id))
        return -1;
    char batch[33];
    for (;;) {
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, kiosk, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, last_id);
        sqlite3_bind_int(st, 3, IMPORT_CHUNK);
        pgs_rows_clear(rows);
        int step;
        while ((step = sqlite3_step(st)) == SQLITE_ROW) {
            collector_scan s;
            char k[17];
            if (scan_from(st, &s, k, batch)) {
                snprintf(im->err, im->errsz,
                         "import: scan %lld of kiosk %s does not fit the "
                         "collector's format",
                         (long long)sqlite3_column_int64(st, 1), kiosk);
                return -1;
            }
            if (pgs_rows_add(rows, k, &s, batch,
                             sqlite3_column_int64(st, 11))) {
                snprintf(im->err, im->errsz, "out of memory");
                return -1;
            }
            last_id = s.id;
        }
        if (step != SQLITE_DONE)
            return src_fail(im, "cannot read the SQLite collector's scans");
        if (rows->n == 0)
            return 0;
        long added = 0;
        if (import_chunk(im, rows, kiosk, last_id, &added))
            return -1;
        n->scans_read += (long)rows->n;
        n->scans_new += added;
    }
}

static int copy_scans(importer *im, pg_store_import_counts *n)
{
    sqlite3_stmt *ks = NULL, *st = NULL;
    if (sqlite3_prepare_v2(im->src,
                           "SELECT DISTINCT kiosk FROM scans ORDER BY kiosk",
                           -1, &ks, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(im->src,
                           "SELECT kiosk, scan_id, time, verdict, product, "
                           "signer, lot, serial, text_hash, stale, batch_id, "
                           "received FROM scans WHERE kiosk = ?1 AND "
                           "scan_id > ?2 ORDER BY scan_id LIMIT ?3",
                           -1, &st, NULL) != SQLITE_OK) {
        src_fail(im, "cannot read the SQLite collector's scans");
        sqlite3_finalize(ks);
        return -1;
    }
    pgs_rows rows;
    memset(&rows, 0, sizeof rows);
    int rc = 0, step;
    while (!rc && (step = sqlite3_step(ks)) == SQLITE_ROW) {
        char kiosk[64];
        snprintf(kiosk, sizeof kiosk, "%s", col(ks, 0));
        rc = copy_kiosk_scans(im, st, kiosk, &rows, n);
    }
    if (!rc && step != SQLITE_DONE)
        rc = src_fail(im, "cannot read the SQLite collector's scans");
    pgs_rows_free(&rows);
    sqlite3_finalize(st);
    sqlite3_finalize(ks);
    return rc;
}

/* Every scan of the file is in PostgreSQL: per kiosk, the file's count
 * equals PostgreSQL's count of that kiosk's scans up to the file's last
 * scan ID (later ones may have arrived since through uploads). */
static int check_counts(importer *im, pg_store_import_counts *n)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(im->src,
                           "SELECT kiosk, count(*), max(scan_id) FROM scans "
                           "GROUP BY kiosk ORDER BY kiosk",
                           -1, &st, NULL) != SQLITE_OK)
        return src_fail(im, "cannot count the SQLite collector's scans");
    int rc = 0, step;
    while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
        long long want = sqlite3_column_int64(st, 1);
        n->scans_file += (long)want;
        const char *v[] = {col(st, 0), col(st, 2)};
        PGresult *r = PQexecParams(im->db,
                                   "SELECT count(*) FROM collector.scans "
                                   "WHERE kiosk = $1 AND scan_id <= $2",
                                   2, NULL, v, NULL, NULL, 0);
        if (!r || PQresultStatus(r) != PGRES_TUPLES_OK) {
            pgs_err(im->db, "import check", im->err, im->errsz);
            rc = -1;
        } else if (atoll(PQgetvalue(r, 0, 0)) != want) {
            snprintf(im->err, im->errsz,
                     "import check: kiosk %s has %lld scans in the file "
                     "but %s in PostgreSQL",
                     v[0], want, PQgetvalue(r, 0, 0));
            rc = -1;
        }
        PQclear(r);
    }
    if (!rc && step != SQLITE_DONE)
        rc = src_fail(im, "cannot count the SQLite collector's scans");
    sqlite3_finalize(st);
    return rc;
}

/* Each kiosk's contact and reported mirror (the console's fleet), from a
 * file that has them (one opened by an ocop-host with the fleet): a
 * contact already in PostgreSQL is newer and stays. */
static int copy_contacts(importer *im)
{
    sqlite3_stmt *st = NULL;
    int have = sqlite3_prepare_v2(im->src,
                                  "SELECT 1 FROM sqlite_master WHERE "
                                  "type = 'table' AND name = 'kiosk_contact'",
                                  -1, &st, NULL) == SQLITE_OK &&
               sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    long n = 0;
    return have ? copy_table(im,
                             "SELECT key_id, last_contact, mirror_version, "
                             "data_age, reported FROM kiosk_contact",
                             "INSERT INTO collector.kiosk_contact VALUES "
                             "($1,$2,$3,$4,$5) ON CONFLICT DO NOTHING",
                             5, &n)
                : 0;
}

int pg_store_import_sqlite(pg_store *ps, const char *sqlite_path,
                           pg_store_import_counts *counts, char *err,
                           size_t errsz)
{
    pg_store_import_counts n;
    memset(&n, 0, sizeof n);
    importer im = {ps, NULL, NULL, sqlite_path, err, errsz};
    /* The progress key is the file's absolute path. */
    char *abs = realpath(sqlite_path, NULL);
    if (!abs) {
        snprintf(err, errsz, "%s: cannot find the SQLite collector",
                 sqlite_path);
        return -1;
    }
    im.source = abs;
    int rc = -1;
    if (sqlite3_open_v2(sqlite_path, &im.src, SQLITE_OPEN_READONLY, NULL) !=
            SQLITE_OK ||
        sqlite3_exec(im.src, "PRAGMA busy_timeout=5000", NULL, NULL, NULL) !=
            SQLITE_OK) {
        snprintf(err, errsz, "%s: %s", sqlite_path,
                 im.src ? sqlite3_errmsg(im.src) : "cannot open");
        goto done;
    }
    im.db = pgs_get(ps, err, errsz);
    if (!im.db)
        goto done;
    if (copy_table(&im,
                   "SELECT key_id, public_key, province, shop, enrolled, "
                   "revoked FROM kiosks",
                   "INSERT INTO collector.kiosks VALUES ($1,$2,$3,$4,$5,$6) "
                   "ON CONFLICT DO NOTHING",
                   6, &n.kiosks) ||
        copy_table(&im,
                   "SELECT kiosk, batch_id, body_hash, created, received, "
                   "scans, new_scans FROM batches",
                   "INSERT INTO collector.batches VALUES "
                   "($1,$2,$3::bytea,$4,$5,$6,$7) ON CONFLICT DO NOTHING",
                   7, &n.batches) ||
        copy_table(&im,
                   "SELECT kiosk, finding_id, time, inspector, product, lot, "
                   "serial, finding, note, batch_id, received FROM findings",
                   "INSERT INTO collector.findings VALUES "
                   "($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) "
                   "ON CONFLICT DO NOTHING",
                   11, &n.findings) ||
        copy_contacts(&im) || copy_scans(&im, &n) || check_counts(&im, &n))
        goto done;
    rc = 0;
done:
    if (im.db)
        pgs_put(ps, im.db);
    sqlite3_close(im.src);
    free(abs);
    if (counts)
        *counts = n;
    return rc;
}
