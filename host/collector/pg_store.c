/* pg_store.c -- the collector's PostgreSQL engine: schema, connection
 * pool, enrollment and batches (docs/collector.md).
 *
 * A batch is claimed by inserting its (kiosk, batch ID) row with ON
 * CONFLICT DO NOTHING: of two servers storing the same batch at once, one
 * inserts it and the other waits on the unique key until the first
 * commits, then reads the stored hash and answers "already stored" (or a
 * conflict). The scans and their rollups are written in the same
 * transaction, so a batch is stored whole or not at all. */
#include "collector/pg_store_int.h"

#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MONTHS_KNOWN 256 /* month partitions remembered as existing */

struct pg_store {
    char *conninfo;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    PGconn *idle[PG_STORE_POOL_MAX];
    int nidle, nopen;
    int months[MONTHS_KNOWN]; /* year * 12 + month - 1, known to exist */
    int nmonths;
    collector_rate *rate;
};

/* Schema version 2 (1 had every sighting in daily_labels); versions 3
 * to 7 are made from it by pgs_migrate (pg_store_admin.c). Times are Unix
 * seconds; days are Vietnam days (UTC+7, as in docs/reports.md) counted from
 * 1970-01-01. */
static const char schema[] =
    "CREATE SCHEMA IF NOT EXISTS collector;"
    "CREATE TABLE collector.meta (version integer NOT NULL);"
    "INSERT INTO collector.meta VALUES (2);" /* then pgs_migrate */
    "CREATE TABLE collector.kiosks ("
    " key_id text PRIMARY KEY, public_key text NOT NULL,"
    " province text NOT NULL, shop text NOT NULL,"
    " enrolled text NOT NULL, revoked text);"
    "CREATE TABLE collector.batches ("
    " kiosk text NOT NULL, batch_id text NOT NULL,"
    " body_hash bytea NOT NULL," /* BLAKE2b-256 of the exact body */
    " created bigint NOT NULL, received bigint NOT NULL,"
    " scans integer NOT NULL, new_scans integer NOT NULL,"
    " PRIMARY KEY (kiosk, batch_id));"
    /* A unique key on a partitioned table must hold the partition key, so
     * a scan is one (kiosk, scan ID, time): a resent scan has its time. */
    "CREATE TABLE collector.scans ("
    " kiosk text NOT NULL, scan_id bigint NOT NULL, time bigint NOT NULL,"
    " verdict text NOT NULL, product text NOT NULL, signer text NOT NULL,"
    " lot text NOT NULL, serial bigint NOT NULL, text_hash text NOT NULL,"
    " stale smallint NOT NULL, batch_id text NOT NULL,"
    " received bigint NOT NULL,"
    " PRIMARY KEY (kiosk, scan_id, time)) PARTITION BY RANGE (time);"
    /* Drill-down: one label's scans (clones), and time ranges (a BRIN
     * index is a few pages per month, as scans arrive nearly in order). */
    "CREATE INDEX scans_label ON collector.scans (signer, product, lot,"
    " serial);"
    "CREATE INDEX scans_time ON collector.scans USING brin (time);"
    /* Times a kiosk clock cannot mean stay out of the month partitions. */
    "CREATE TABLE collector.scans_before PARTITION OF collector.scans"
    " FOR VALUES FROM (MINVALUE) TO (946684800);"
    "CREATE TABLE collector.scans_after PARTITION OF collector.scans"
    " FOR VALUES FROM (4102444800) TO (MAXVALUE);"
    "CREATE TABLE collector.findings ("
    " kiosk text NOT NULL, finding_id bigint NOT NULL,"
    " time bigint NOT NULL, inspector text NOT NULL, product text NOT NULL,"
    " lot text NOT NULL, serial bigint NOT NULL, finding text NOT NULL,"
    " note text NOT NULL, batch_id text NOT NULL, received bigint NOT NULL,"
    " PRIMARY KEY (kiosk, finding_id));"
    "CREATE INDEX findings_product ON collector.findings (product, time);"
    /* Rollups, kept when raw months are dropped. */
    "CREATE TABLE collector.daily_verdicts ("
    " day bigint NOT NULL, kiosk text NOT NULL, product text NOT NULL,"
    " verdict text NOT NULL, scans bigint NOT NULL,"
    " PRIMARY KEY (day, kiosk, product, verdict));"
    /* The same without the product: a few rows per kiosk and day, for
     * the console's figures and the per-province and per-kiosk tables
     * (the one above has nearly a row per scan at a kiosk's variety). */
    "CREATE TABLE collector.daily_kiosks ("
    " day bigint NOT NULL, kiosk text NOT NULL, verdict text NOT NULL,"
    " scans bigint NOT NULL, PRIMARY KEY (day, kiosk, verdict));"
    "CREATE TABLE collector.daily_labels ("
    " signer text NOT NULL, product text NOT NULL, lot text NOT NULL,"
    " serial bigint NOT NULL, day bigint NOT NULL, kiosk text NOT NULL,"
    " scans bigint NOT NULL, first_time bigint NOT NULL,"
    " last_time bigint NOT NULL,"
    " PRIMARY KEY (signer, product, lot, serial, day, kiosk));"
    /* A label's first sighting. Most packs are scanned once, so
     * daily_labels holds only the sightings after it: it is as large as
     * the repeated scans, and the clone report reads only those. */
    "CREATE TABLE collector.label_first ("
    " signer text NOT NULL, product text NOT NULL, lot text NOT NULL,"
    " serial bigint NOT NULL, kiosk text NOT NULL, scan_id bigint NOT NULL,"
    " time bigint NOT NULL, PRIMARY KEY (signer, product, lot, serial));"
    /* pg_store_import_sqlite: the last scan copied, per file and kiosk. */
    "CREATE TABLE collector.import_progress ("
    " source text NOT NULL, kiosk text NOT NULL, scan_id bigint NOT NULL,"
    " PRIMARY KEY (source, kiosk));"
    /* The month partitions: made on demand by whoever stores a batch, so
     * the collector's role needs no right to create tables. The advisory
     * lock keeps two servers from creating one month at once. */
    "CREATE FUNCTION collector.scans_month(y integer, m integer)"
    " RETURNS void LANGUAGE plpgsql SECURITY DEFINER"
    " SET search_path = pg_catalog AS $f$"
    " DECLARE lo bigint; hi bigint; name text;"
    " BEGIN"
    "  IF y < 2000 OR y > 2099 OR m < 1 OR m > 12 THEN"
    "   RAISE EXCEPTION 'month % - % out of range', y, m;"
    "  END IF;"
    "  PERFORM pg_advisory_xact_lock(hashtext('collector.scans_month'));"
    "  name := format('scans_%s_%s', y, lpad(m::text, 2, '0'));"
    "  IF to_regclass('collector.' || name) IS NOT NULL THEN RETURN; END IF;"
    "  lo := extract(epoch FROM make_timestamptz(y, m, 1, 0, 0, 0, 'UTC'));"
    "  hi := extract(epoch FROM make_timestamptz(y, m, 1, 0, 0, 0, 'UTC')"
    "        + interval '1 month');"
    "  EXECUTE format('CREATE TABLE collector.%I PARTITION OF"
    " collector.scans FOR VALUES FROM (%s) TO (%s)', name, lo, hi);"
    " END $f$;"
    "REVOKE ALL ON FUNCTION collector.scans_month(integer, integer)"
    " FROM PUBLIC;";

/* ---- Errors and the pool ----------------------------------------------- */

void pgs_err(PGconn *db, const char *what, char *err, size_t errsz)
{
    const char *m = db ? PQerrorMessage(db) : "no connection";
    size_t n = strlen(m);
    while (n && (m[n - 1] == '\n' || m[n - 1] == ' '))
        n--;
    snprintf(err, errsz, "collector database: %s: %.*s", what, (int)n, m);
}

static void res_err(PGresult *r, const char *what, char *err, size_t errsz)
{
    const char *m = r ? PQresultErrorMessage(r) : "out of memory";
    size_t n = strlen(m);
    while (n && (m[n - 1] == '\n' || m[n - 1] == ' '))
        n--;
    snprintf(err, errsz, "collector database: %s: %.*s", what, (int)n, m);
}

int pgs_exec(PGconn *db, const char *sql)
{
    PGresult *r = PQexec(db, sql);
    int ok = r && (PQresultStatus(r) == PGRES_COMMAND_OK ||
                   PQresultStatus(r) == PGRES_TUPLES_OK);
    PQclear(r);
    return ok ? 0 : -1;
}

/* Days and months are computed from Unix seconds, never from the
 * session's time zone; a batch answered 200 is on disk. */
static int setup_session(PGconn *db)
{
    return pgs_exec(db, "SET synchronous_commit = on; SET TIME ZONE 'UTC'");
}

static PGconn *connect_one(const char *conninfo, char *err, size_t errsz)
{
    PGconn *db = PQconnectdb(conninfo);
    if (!db) {
        snprintf(err, errsz, "collector database: out of memory");
        return NULL;
    }
    if (PQstatus(db) != CONNECTION_OK) {
        pgs_err(db, "cannot connect", err, errsz);
        PQfinish(db);
        return NULL;
    }
    if (setup_session(db)) {
        pgs_err(db, "cannot set up the session", err, errsz);
        PQfinish(db);
        return NULL;
    }
    return db;
}

PGconn *pgs_get(pg_store *ps, char *err, size_t errsz)
{
    pthread_mutex_lock(&ps->mu);
    while (ps->nidle == 0 && ps->nopen == PG_STORE_POOL_MAX)
        pthread_cond_wait(&ps->cv, &ps->mu);
    if (ps->nidle) {
        PGconn *db = ps->idle[--ps->nidle];
        pthread_mutex_unlock(&ps->mu);
        return db;
    }
    ps->nopen++;
    pthread_mutex_unlock(&ps->mu);
    PGconn *db = connect_one(ps->conninfo, err, errsz);
    if (!db) {
        pthread_mutex_lock(&ps->mu);
        ps->nopen--;
        pthread_cond_signal(&ps->cv);
        pthread_mutex_unlock(&ps->mu);
    }
    return db;
}

void pgs_put(pg_store *ps, PGconn *db)
{
    if (!db)
        return;
    /* A connection left inside a transaction or broken is not reused. */
    int good = PQstatus(db) == CONNECTION_OK &&
               PQtransactionStatus(db) == PQTRANS_IDLE;
    pthread_mutex_lock(&ps->mu);
    if (good) {
        ps->idle[ps->nidle++] = db;
    } else {
        ps->nopen--;
    }
    pthread_cond_signal(&ps->cv);
    pthread_mutex_unlock(&ps->mu);
    if (!good)
        PQfinish(db);
}

/* ---- Open and close ---------------------------------------------------- */

int pg_store_is_conninfo(const char *s)
{
    if (!s)
        return 0;
    if (!strncmp(s, "postgresql://", 13) || !strncmp(s, "postgres://", 11))
        return 1;
    static const char *const keys[] = {
        "host=", "hostaddr=", "dbname=", "user=", "port=", "service="};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const char *p = strstr(s, keys[i]);
        /* A key at the start or after a space: "x/host=y.db" is a file. */
        if (p && (p == s || p[-1] == ' '))
            return 1;
    }
    return 0;
}

/* The rows of a query, or NULL with "what: the server's message". */
static PGresult *query_rows(PGconn *db, const char *sql, const char *what,
                            char *err, size_t errsz)
{
    PGresult *r = PQexec(db, sql);
    if (!r || PQresultStatus(r) != PGRES_TUPLES_OK) {
        res_err(r, what, err, errsz);
        PQclear(r);
        return NULL;
    }
    return r;
}

/* The schema's version, 2 to this one; a schema made by another version
 * is refused rather than misread. Version 1 (the first weeks of 2026-12,
 * before any deployment) is replaced by making the database again and
 * importing the SQLite collector (docs/collector.md). -1 with a message. */
static int read_version(PGconn *db, char *err, size_t errsz)
{
    PGresult *r = query_rows(db, "SELECT max(version) FROM collector.meta",
                             "cannot read the schema version", err, errsz);
    if (!r)
        return -1;
    int v = atoi(PQgetvalue(r, 0, 0));
    PQclear(r);
    /* Version 1 is not migrated (above), nor a newer ocop-host's. */
    if (v < 2 || v > PG_STORE_SCHEMA_VERSION) {
        snprintf(err, errsz,
                 "collector database: schema version %d, this ocop-host "
                 "reads version %d",
                 v, PG_STORE_SCHEMA_VERSION);
        return -1;
    }
    return v;
}

/* 1 if there is no collector schema yet, 0 if there is, -1 on error. */
static int schema_missing(PGconn *db, char *err, size_t errsz)
{
    PGresult *r = query_rows(db, "SELECT to_regclass('collector.meta') IS NULL",
                             "cannot read the schema", err, errsz);
    if (!r)
        return -1;
    int missing = PQgetvalue(r, 0, 0)[0] == 't';
    PQclear(r);
    return missing;
}

/* Under the schema lock: make the schema when it is missing, then bring
 * it to this version (pgs_migrate). */
static int make_or_migrate(PGconn *db, char *err, size_t errsz)
{
    int missing = schema_missing(db, err, errsz);
    if (missing < 0)
        return -1;
    if (missing && pgs_exec(db, schema)) {
        pgs_err(db, "cannot create the schema", err, errsz);
        return -1;
    }
    int v = read_version(db, err, errsz);
    return v < 0 ? -1 : pgs_migrate(db, v, err, errsz);
}

/* Create the schema unless it is there, or upgrade an older one. Two
 * servers starting at once on an empty or old database: the advisory lock
 * makes the second wait, then find it done. */
static int ensure_schema(PGconn *db, char *err, size_t errsz)
{
    int missing = schema_missing(db, err, errsz);
    if (missing < 0)
        return -1;
    if (!missing) {
        int v = read_version(db, err, errsz);
        if (v == PG_STORE_SCHEMA_VERSION || v < 0)
            return v < 0 ? -1 : 0;
    }
    if (pgs_exec(db, "BEGIN; SELECT pg_advisory_xact_lock("
                     "hashtext('collector.schema'))")) {
        pgs_err(db, "cannot lock the schema", err, errsz);
        pgs_exec(db, "ROLLBACK");
        return -1;
    }
    if (make_or_migrate(db, err, errsz)) {
        pgs_exec(db, "ROLLBACK");
        return -1;
    }
    if (pgs_exec(db, "COMMIT")) {
        pgs_err(db, "cannot create the schema", err, errsz);
        pgs_exec(db, "ROLLBACK");
        return -1;
    }
    return 0;
}

int pg_store_open(const char *conninfo, pg_store **out, char *err, size_t errsz)
{
    *out = NULL;
    if (sodium_init() < 0) {
        snprintf(err, errsz, "cannot initialise libsodium");
        return -1;
    }
    pg_store *ps = calloc(1, sizeof *ps);
    if (!ps || !(ps->conninfo = strdup(conninfo))) {
        free(ps);
        snprintf(err, errsz, "out of memory");
        return -1;
    }
    if (pthread_mutex_init(&ps->mu, NULL)) {
        free(ps->conninfo);
        free(ps);
        snprintf(err, errsz, "cannot create a mutex");
        return -1;
    }
    if (pthread_cond_init(&ps->cv, NULL)) {
        pthread_mutex_destroy(&ps->mu);
        free(ps->conninfo);
        free(ps);
        snprintf(err, errsz, "cannot create a condition variable");
        return -1;
    }
    PGconn *db = pgs_get(ps, err, errsz);
    if (!db) {
        pg_store_close(ps);
        return -1;
    }
    int rc = ensure_schema(db, err, errsz);
    pgs_put(ps, db);
    if (rc) {
        pg_store_close(ps);
        return -1;
    }
    *out = ps;
    return 0;
}

void pg_store_close(pg_store *ps)
{
    if (!ps)
        return;
    for (int i = 0; i < ps->nidle; i++)
        PQfinish(ps->idle[i]);
    collector_rate_free(ps->rate);
    pthread_cond_destroy(&ps->cv);
    pthread_mutex_destroy(&ps->mu);
    free(ps->conninfo);
    free(ps);
}

void pg_store_set_rate(pg_store *ps, double rate, double burst)
{
    collector_rate_free(ps->rate);
    ps->rate = rate > 0 ? collector_rate_new(rate, burst) : NULL;
}

/* ---- Enrollment -------------------------------------------------------- */

static void now_iso(char out[32])
{
    time_t t = time(NULL);
    struct tm tm;
    if (!gmtime_r(&t, &tm) || !strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(out, 32, "1970-01-01T00:00:00Z");
}

int pg_store_enroll(pg_store *ps, const labels_pubkey *pubs, size_t n,
                    const char *province, const char *shop, char *err,
                    size_t errsz)
{
    char when[32];
    now_iso(when);
    PGconn *db = pgs_get(ps, err, errsz);
    if (!db)
        return -1;
    int rc = -1;
    if (pgs_exec(db, "BEGIN")) {
        pgs_err(db, "enroll", err, errsz);
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        char hex[17], b64[LABELS_PUBKEY_B64_MAX];
        labels_key_id_hex(pubs[i].id, hex);
        if (labels_pubkey_to_base64(&pubs[i], b64, sizeof b64) != LABELS_OK) {
            snprintf(err, errsz, "cannot encode public key %s", hex);
            goto rollback;
        }
        const char *v[] = {hex, b64, province, shop, when};
        PGresult *r = PQexecParams(
            db,
            "INSERT INTO collector.kiosks VALUES ($1,$2,$3,$4,$5,NULL) "
            "ON CONFLICT (key_id) DO UPDATE SET province = $3, shop = $4 "
            "WHERE kiosks.revoked IS NULL RETURNING 1",
            5, NULL, v, NULL, NULL, 0);
        if (!r || PQresultStatus(r) != PGRES_TUPLES_OK) {
            res_err(r, "enroll", err, errsz);
            PQclear(r);
            goto rollback;
        }
        int changed = PQntuples(r);
        PQclear(r);
        if (!changed) {
            snprintf(err, errsz,
                     "kiosk %s was revoked; a revoked key "
                     "cannot be enrolled again",
                     hex);
            goto rollback;
        }
    }
    if (pgs_exec(db, "COMMIT")) {
        pgs_err(db, "enroll", err, errsz);
        goto rollback;
    }
    rc = 0;
    goto done;
rollback:
    pgs_exec(db, "ROLLBACK");
done:
    pgs_put(ps, db);
    return rc;
}

int pg_store_revoke(pg_store *ps, const char *key_id_hex, char *err,
                    size_t errsz)
{
    char when[32];
    now_iso(when);
    PGconn *db = pgs_get(ps, err, errsz);
    if (!db)
        return -1;
    const char *v[] = {when, key_id_hex};
    PGresult *r = PQexecParams(db,
                               "UPDATE collector.kiosks SET revoked = "
                               "coalesce(revoked, $1) WHERE key_id = upper($2)",
                               2, NULL, v, NULL, NULL, 0);
    int rc = -1;
    if (!r || PQresultStatus(r) != PGRES_COMMAND_OK)
        res_err(r, "revoke", err, errsz);
    else
        rc = strcmp(PQcmdTuples(r), "0") ? 0 : 1;
    PQclear(r);
    pgs_put(ps, db);
    return rc;
}

int pg_store_list(pg_store *ps, int (*fn)(void *ctx, const collector_kiosk *k),
                  void *ctx, char *err, size_t errsz)
{
    PGconn *db = pgs_get(ps, err, errsz);
    if (!db)
        return -1;
    /* Byte order, as SQLite sorts, whatever the database's collation. */
    PGresult *r = PQexec(db, "SELECT key_id, public_key, province, shop, "
                             "enrolled, coalesce(revoked, '') FROM "
                             "collector.kiosks ORDER BY key_id COLLATE \"C\"");
    int rc = 0;
    if (!r || PQresultStatus(r) != PGRES_TUPLES_OK) {
        res_err(r, "list", err, errsz);
        rc = -1;
    }
    for (int i = 0; !rc && i < PQntuples(r); i++) {
        collector_kiosk k;
        snprintf(k.key_id, sizeof k.key_id, "%s", PQgetvalue(r, i, 0));
        snprintf(k.public_key, sizeof k.public_key, "%s", PQgetvalue(r, i, 1));
        snprintf(k.province, sizeof k.province, "%s", PQgetvalue(r, i, 2));
        snprintf(k.shop, sizeof k.shop, "%s", PQgetvalue(r, i, 3));
        snprintf(k.enrolled, sizeof k.enrolled, "%s", PQgetvalue(r, i, 4));
        snprintf(k.revoked, sizeof k.revoked, "%s", PQgetvalue(r, i, 5));
        if (fn(ctx, &k))
            break;
    }
    PQclear(r);
    pgs_put(ps, db);
    return rc;
}

/* ---- Scan rows --------------------------------------------------------- */

static int buf_add(pgs_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int buf_add(pgs_buf *b, const char *fmt, ...)
{
    if (b->oom)
        return -1;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->p ? b->p + b->len : NULL,
                          b->p ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->oom = 1;
            return -1;
        }
        if (b->p && (size_t)n < b->cap - b->len) {
            b->len += (size_t)n;
            return 0;
        }
        size_t cap = b->cap ? b->cap : 256;
        while (cap - b->len <= (size_t)n)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->oom = 1;
            return -1;
        }
        b->p = p;
        b->cap = cap;
    }
}

void pgs_rows_clear(pgs_rows *r)
{
    for (int i = 0; i < PGS_COLS; i++) {
        r->col[i].len = 0;
        r->col[i].oom = 0;
        if (r->col[i].p)
            r->col[i].p[0] = '\0';
    }
    r->n = 0;
}

void pgs_rows_free(pgs_rows *r)
{
    for (int i = 0; i < PGS_COLS; i++)
        free(r->col[i].p);
    free(r->times);
    memset(r, 0, sizeof *r);
}

/* Append n bytes, keeping a terminating NUL. */
static int buf_put(pgs_buf *b, const char *p, size_t n)
{
    if (b->oom)
        return -1;
    if (b->cap - b->len <= n) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap - b->len <= n)
            cap *= 2;
        char *q = realloc(b->p, cap);
        if (!q) {
            b->oom = 1;
            return -1;
        }
        b->p = q;
        b->cap = cap;
    }
    memcpy(b->p + b->len, p, n);
    b->len += n;
    b->p[b->len] = '\0';
    return 0;
}

/* One text element of an array literal: in double quotes (so "" is the
 * empty string), with quote and backslash escaped. The batch parser's
 * alphabets hold neither; an imported file might. */
static int add_text(pgs_buf *b, const char *sep, const char *text)
{
    if (buf_put(b, sep, strlen(sep)) || buf_put(b, "\"", 1))
        return -1;
    const char *p = text;
    for (;;) {
        size_t n = strcspn(p, "\"\\");
        if (buf_put(b, p, n))
            return -1;
        p += n;
        if (!*p)
            break;
        char esc[2] = {'\\', *p++};
        if (buf_put(b, esc, 2))
            return -1;
    }
    return buf_put(b, "\"", 1);
}

int pgs_rows_add(pgs_rows *r, const char *kiosk, const collector_scan *s,
                 const char *batch_id, int64_t received)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 256;
        int64_t *t = realloc(r->times, cap * sizeof *t);
        if (!t)
            return -1;
        r->times = t;
        r->cap = cap;
    }
    r->times[r->n] = s->time;
    const char *sep = r->n ? "," : "";
    int bad =
        add_text(&r->col[PGS_KIOSK], sep, kiosk) |
        buf_add(&r->col[PGS_ID], "%s%lld", sep, (long long)s->id) |
        buf_add(&r->col[PGS_TIME], "%s%lld", sep, (long long)s->time) |
        add_text(&r->col[PGS_VERDICT], sep, s->verdict) |
        add_text(&r->col[PGS_PRODUCT], sep, s->product) |
        add_text(&r->col[PGS_SIGNER], sep, s->signer) |
        add_text(&r->col[PGS_LOT], sep, s->lot) |
        buf_add(&r->col[PGS_SERIAL], "%s%lu", sep, (unsigned long)s->serial) |
        add_text(&r->col[PGS_HASH], sep, s->text_hash) |
        buf_add(&r->col[PGS_STALE], "%s%d", sep, s->stale ? 1 : 0) |
        add_text(&r->col[PGS_BATCH], sep, batch_id) |
        buf_add(&r->col[PGS_RECEIVED], "%s%lld", sep, (long long)received);
    if (bad)
        return -1;
    r->n++;
    return 0;
}

/* ---- Month partitions -------------------------------------------------- */

/* year * 12 + month - 1 of a time inside the month partitions' range
 * (2000 to 2099), else -1 (the time goes to scans_before/scans_after). */
static int month_of(int64_t t)
{
    if (t < 946684800 || t >= 4102444800)
        return -1;
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm))
        return -1;
    return (tm.tm_year + 1900) * 12 + tm.tm_mon;
}

static int month_known(pg_store *ps, int m)
{
    pthread_mutex_lock(&ps->mu);
    int found = 0;
    for (int i = 0; i < ps->nmonths && !found; i++)
        found = ps->months[i] == m;
    pthread_mutex_unlock(&ps->mu);
    return found;
}

void pgs_months_forget(pg_store *ps)
{
    pthread_mutex_lock(&ps->mu);
    ps->nmonths = 0;
    pthread_mutex_unlock(&ps->mu);
}

int pgs_months(pg_store *ps, PGconn *db, const pgs_rows *r, char *err,
               size_t errsz)
{
    int last = -1;
    for (size_t i = 0; i < r->n; i++) {
        int m = month_of(r->times[i]);
        if (m < 0 || m == last || month_known(ps, m))
            continue;
        last = m;
        char y[16], mo[16];
        snprintf(y, sizeof y, "%d", m / 12);
        snprintf(mo, sizeof mo, "%d", m % 12 + 1);
        const char *v[] = {y, mo};
        PGresult *res = PQexecParams(
            db, "SELECT collector.scans_month($1::integer, $2::integer)", 2,
            NULL, v, NULL, NULL, 0);
        int ok = res && PQresultStatus(res) == PGRES_TUPLES_OK;
        if (!ok)
            res_err(res, "cannot create a month of scans", err, errsz);
        PQclear(res);
        if (!ok)
            return -1;
        pthread_mutex_lock(&ps->mu);
        if (ps->nmonths < MONTHS_KNOWN)
            ps->months[ps->nmonths++] = m;
        pthread_mutex_unlock(&ps->mu);
    }
    return 0;
}

/* ---- Storing scans with their rollups ---------------------------------- */

/* One statement: the new rows (ON CONFLICT DO NOTHING skips scans stored
 * before, by this batch's retry or an overlapping one) and exactly those
 * rows added to the rollups. Rollup keys are taken in one order by every
 * writer, so two batches of one kiosk cannot deadlock on them. */
static const char insert_sql[] =
    "WITH ins AS ("
    " INSERT INTO collector.scans (kiosk, scan_id, time, verdict, product,"
    "  signer, lot, serial, text_hash, stale, batch_id, received)"
    " SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[],"
    "  $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[],"
    "  $9::text[], $10::smallint[], $11::text[], $12::bigint[])"
    " ON CONFLICT DO NOTHING"
    " RETURNING kiosk, scan_id, time, verdict, product, signer, lot, serial,"
    "  time / 86400 + (time % 86400 + 25200) / 86400 AS day),"
    /* Per kiosk only the verdicts reinspect reads ($14); every verdict
     * per product without the kiosk (schema 3). */
    "v AS ("
    " INSERT INTO collector.daily_verdicts AS r"
    "  (day, kiosk, product, verdict, scans)"
    " SELECT day, kiosk, product, verdict, count(*) FROM ins"
    " WHERE verdict = ANY($14::text[])"
    " GROUP BY day, kiosk, product, verdict"
    " ORDER BY day, kiosk, product, verdict"
    " ON CONFLICT (day, kiosk, product, verdict)"
    " DO UPDATE SET scans = r.scans + excluded.scans RETURNING 1),"
    "p AS ("
    " INSERT INTO collector.daily_products AS r (day, product, verdict, scans)"
    " SELECT day, product, verdict, count(*) FROM ins"
    " GROUP BY day, product, verdict ORDER BY day, product, verdict"
    " ON CONFLICT (day, product, verdict)"
    " DO UPDATE SET scans = r.scans + excluded.scans RETURNING 1),"
    "k AS ("
    " INSERT INTO collector.daily_kiosks AS r (day, kiosk, verdict, scans)"
    " SELECT day, kiosk, verdict, count(*) FROM ins"
    " GROUP BY day, kiosk, verdict ORDER BY day, kiosk, verdict"
    " ON CONFLICT (day, kiosk, verdict)"
    " DO UPDATE SET scans = r.scans + excluded.scans RETURNING 1),"
    /* The labels seen for the first time: one scan each (the earliest of
     * the batch); a concurrent batch with the same label waits on the key
     * and then finds it taken, so exactly one sighting is first. */
    "f AS ("
    " INSERT INTO collector.label_first (signer, product, lot, serial,"
    "  kiosk, scan_id, time)"
    " SELECT DISTINCT ON (signer, product, lot, serial) signer, product,"
    "  lot, serial, kiosk, scan_id, time FROM ins"
    " WHERE serial > 0 AND verdict = ANY($13::text[])"
    " ORDER BY signer, product, lot, serial, time, kiosk, scan_id"
    " ON CONFLICT DO NOTHING RETURNING signer, product, lot, serial, kiosk,"
    "  scan_id, time),"
    /* The later sightings of this batch per label, day and kiosk, each
     * with the label's first sighting (first_kiosk, first_seen), from
     * label_first as this statement found it or from f, looked up once
     * per row (NULL when a concurrent batch stored it meanwhile: the
     * clone report then looks it up). */
    "rep AS (SELECT g.*, w.kiosk AS fk, w.time AS fs FROM (SELECT signer,"
    "  product, lot, serial, day, kiosk, count(*) AS n, min(time) AS lo,"
    "  max(time) AS hi FROM ins"
    "  WHERE serial > 0 AND verdict = ANY($13::text[])"
    "  AND NOT EXISTS (SELECT 1 FROM f WHERE f.kiosk = ins.kiosk"
    "   AND f.scan_id = ins.scan_id AND f.time = ins.time)"
    "  GROUP BY signer, product, lot, serial, day, kiosk) g"
    " LEFT JOIN LATERAL (SELECT x.kiosk, x.time FROM collector.label_first x"
    "  WHERE x.signer = g.signer AND x.product = g.product AND x.lot = g.lot"
    "  AND x.serial = g.serial UNION ALL SELECT f.kiosk, f.time FROM f"
    "  WHERE f.signer = g.signer AND f.product = g.product AND f.lot = g.lot"
    "  AND f.serial = g.serial LIMIT 1) w ON true),"
    "l AS ("
    " INSERT INTO collector.daily_labels AS r (signer, product, lot, serial,"
    "  day, kiosk, scans, first_time, last_time, first_kiosk, first_seen)"
    " SELECT * FROM rep"
    " ORDER BY signer, product, lot, serial, day, kiosk"
    " ON CONFLICT (signer, product, lot, serial, day, kiosk)"
    " DO UPDATE SET scans = r.scans + excluded.scans,"
    "  first_time = least(r.first_time, excluded.first_time),"
    "  last_time = greatest(r.last_time, excluded.last_time) RETURNING 1),"
    /* Per label, its later sightings and those not known to be at the
     * first's kiosk (schema 7): the clone report's candidates without
     * grouping a year of daily_labels. */
    "e AS ("
    " INSERT INTO collector.label_repeats AS r (signer, product, lot, serial,"
    "  scans, elsewhere)"
    " SELECT signer, product, lot, serial, sum(n),"
    "  coalesce(sum(n) FILTER (WHERE fk IS DISTINCT FROM kiosk), 0) FROM rep"
    " GROUP BY signer, product, lot, serial"
    " ORDER BY signer, product, lot, serial"
    " ON CONFLICT (signer, product, lot, serial)"
    " DO UPDATE SET scans = r.scans + excluded.scans,"
    "  elsewhere = r.elsewhere + excluded.elsewhere RETURNING 1)"
    "SELECT (SELECT count(*) FROM ins), (SELECT count(*) FROM v),"
    " (SELECT count(*) FROM p),"
    " (SELECT count(*) FROM k), (SELECT count(*) FROM l),"
    " (SELECT count(*) FROM f), (SELECT count(*) FROM e)";

int pgs_insert_scans(PGconn *db, const pgs_rows *r, long *added, char state[6],
                     char *err, size_t errsz)
{
    *added = 0;
    state[0] = '\0';
    if (r->n == 0)
        return 0;
    const char *v[PGS_COLS + 2];
    pgs_buf tmp[PGS_COLS + 2];
    memset(tmp, 0, sizeof tmp);
    int bad = 0;
    for (int i = 0; i < PGS_COLS; i++) {
        bad |= r->col[i].oom ||
               buf_add(&tmp[i], "{%s}", r->col[i].p ? r->col[i].p : "");
        v[i] = tmp[i].p;
    }
    /* $13: the verdicts the clone rollup counts (collector.h), as words. */
    for (int i = 0; i < COLLECTOR_SIGNED_COUNT; i++)
        bad |= buf_add(&tmp[PGS_COLS], "%s%s", i ? "," : "{",
                       labels_verdict_word(collector_signed_verdicts[i]));
    bad |= buf_add(&tmp[PGS_COLS], "}");
    v[PGS_COLS] = tmp[PGS_COLS].p;
    /* $14: the verdicts daily_verdicts keeps per kiosk (schema 3). */
    bad |= buf_add(&tmp[PGS_COLS + 1], "{%s,%s}",
                   labels_verdict_word(LABELS_V_RATING_CHANGED),
                   labels_verdict_word(LABELS_V_EXPIRED));
    v[PGS_COLS + 1] = tmp[PGS_COLS + 1].p;
    int rc = -1;
    if (bad) {
        snprintf(err, errsz, "out of memory");
        goto done;
    }
    PGresult *res =
        PQexecParams(db, insert_sql, PGS_COLS + 2, NULL, v, NULL, NULL, 0);
    if (!res || PQresultStatus(res) != PGRES_TUPLES_OK) {
        const char *s = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
        snprintf(state, 6, "%s", s ? s : "");
        res_err(res, "cannot store scans", err, errsz);
        PQclear(res);
        goto done;
    }
    *added = atol(PQgetvalue(res, 0, 0));
    PQclear(res);
    rc = 0;
done:
    for (int i = 0; i < PGS_COLS + 2; i++)
        free(tmp[i].p);
    return rc;
}

/* ---- Batches ----------------------------------------------------------- */

static void set(collector_outcome *o, collector_status s, const char *msg)
{
    o->status = s;
    snprintf(o->message, sizeof o->message, "%s", msg);
}

static double monotonic_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The kiosk's public key if it is enrolled and active: 1, 0 not enrolled
 * or revoked, -1 on error. */
static int find_kiosk(PGconn *db, const char *hex, labels_pubkey *pub)
{
    const char *v[] = {hex};
    PGresult *r = PQexecParams(db,
                               "SELECT public_key, revoked IS NOT NULL FROM "
                               "collector.kiosks WHERE key_id = $1",
                               1, NULL, v, NULL, NULL, 0);
    int found = -1;
    if (r && PQresultStatus(r) == PGRES_TUPLES_OK) {
        found = 0;
        if (PQntuples(r) == 1 && PQgetvalue(r, 0, 1)[0] == 'f') {
            const char *b64 = PQgetvalue(r, 0, 0);
            found = labels_pubkey_parse(b64, strlen(b64), pub) == LABELS_OK;
        }
    }
    PQclear(r);
    return found;
}

/* Retried: deadlock, serialization failure, and a month partition that
 * another server's retention dropped (no partition for the row). */
static int retryable(const char *state)
{
    return !strcmp(state, "40P01") || !strcmp(state, "40001") ||
           !strcmp(state, "23514");
}

typedef enum { TRY_DONE, TRY_RETRY, TRY_FAILED } try_result;

/* The kiosk's contact at received, and the mirror its batch reported
 * (without a mirror line, $5 is NULL and only the contact changes). */
static PGresult *contact(PGconn *db, const collector_batch *b,
                         const char *received)
{
    char ver[24], age[24];
    snprintf(ver, sizeof ver, "%lld", (long long)b->mirror_version);
    snprintf(age, sizeof age, "%lld", (long long)b->data_age);
    const char *v[] = {b->kiosk_hex, received, b->has_mirror ? ver : NULL,
                       b->has_mirror && b->data_age >= 0 ? age : NULL,
                       b->has_mirror ? received : NULL};
    return PQexecParams(
        db,
        "INSERT INTO collector.kiosk_contact AS c VALUES "
        "($1, $2::bigint, $3::bigint, $4::bigint, $5::bigint) "
        "ON CONFLICT (key_id) DO UPDATE SET last_contact = $2::bigint, "
        "mirror_version = CASE WHEN $5::bigint IS NULL THEN c.mirror_version "
        "ELSE $3::bigint END, data_age = CASE WHEN $5::bigint IS NULL THEN "
        "c.data_age ELSE $4::bigint END, "
        "reported = coalesce($5::bigint, c.reported)",
        5, NULL, v, NULL, NULL, 0);
}

/* One attempt at storing a verified batch in one transaction. */
static try_result store_once(PGconn *db, const collector_batch *b,
                             const pgs_rows *rows, const uint8_t hash[32],
                             collector_outcome *o, char state[6])
{
    char err[300];
    state[0] = '\0';
    char created[24], received[24], scans[16], hash_hex[2 * 32 + 3];
    snprintf(created, sizeof created, "%lld", (long long)b->created);
    snprintf(received, sizeof received, "%lld", (long long)time(NULL));
    snprintf(scans, sizeof scans, "%d", b->count);
    hash_hex[0] = '\\';
    hash_hex[1] = 'x';
    sodium_bin2hex(hash_hex + 2, sizeof hash_hex - 2, hash, 32);
    if (pgs_exec(db, "BEGIN"))
        return TRY_FAILED;
    const char *v[] = {b->kiosk_hex, b->batch_id, hash_hex,
                       created,      received,    scans};
    PGresult *r = PQexecParams(
        db,
        "INSERT INTO collector.batches VALUES ($1,$2,$3::bytea,$4,$5,$6,0) "
        "ON CONFLICT (kiosk, batch_id) DO NOTHING RETURNING 1",
        6, NULL, v, NULL, NULL, 0);
    if (!r || PQresultStatus(r) != PGRES_TUPLES_OK)
        goto fail;
    int claimed = PQntuples(r) == 1;
    PQclear(r);
    if (!claimed) {
        /* Stored before, or by another server that committed while this
         * insert waited on the key. */
        r = PQexecParams(db,
                         "SELECT body_hash = $3::bytea FROM collector.batches "
                         "WHERE kiosk = $1 AND batch_id = $2",
                         3, NULL, v, NULL, NULL, 0);
        if (!r || PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1)
            goto fail;
        int same = PQgetvalue(r, 0, 0)[0] == 't';
        PQclear(r);
        pgs_exec(db, "ROLLBACK");
        o->new_scans = 0;
        if (same)
            set(o, COLLECTOR_DUPLICATE, "already stored");
        else
            set(o, COLLECTOR_CONFLICT,
                "batch ID already used for different content");
        return TRY_DONE;
    }
    r = NULL;
    long added = 0;
    if (pgs_insert_scans(db, rows, &added, state, err, sizeof err))
        goto fail;
    int new_findings = 0;
    for (int i = 0; i < b->nfindings; i++) {
        const collector_finding *f = &b->findings[i];
        char id[24], t[24], serial[16];
        snprintf(id, sizeof id, "%lld", (long long)f->id);
        snprintf(t, sizeof t, "%lld", (long long)f->time);
        snprintf(serial, sizeof serial, "%lu", (unsigned long)f->serial);
        const char *fv[] = {b->kiosk_hex, id,          t,       f->inspector,
                            f->product,   f->lot,      serial,  f->finding,
                            f->note,      b->batch_id, received};
        r = PQexecParams(db,
                         "INSERT INTO collector.findings (kiosk, finding_id, "
                         "time, inspector, product, lot, serial, finding, "
                         "note, batch_id, received) VALUES "
                         "($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) "
                         "ON CONFLICT DO NOTHING",
                         11, NULL, fv, NULL, NULL, 0);
        if (!r || PQresultStatus(r) != PGRES_COMMAND_OK)
            goto fail;
        new_findings += atoi(PQcmdTuples(r));
        PQclear(r);
    }
    char added_s[24];
    snprintf(added_s, sizeof added_s, "%ld", added);
    const char *uv[] = {b->kiosk_hex, b->batch_id, added_s};
    r = PQexecParams(db,
                     "UPDATE collector.batches SET new_scans = $3 "
                     "WHERE kiosk = $1 AND batch_id = $2",
                     3, NULL, uv, NULL, NULL, 0);
    if (!r || PQresultStatus(r) != PGRES_COMMAND_OK)
        goto fail;
    PQclear(r);
    r = contact(db, b, received);
    if (!r || PQresultStatus(r) != PGRES_COMMAND_OK)
        goto fail;
    PQclear(r);
    r = PQexec(db, "COMMIT");
    if (!r || PQresultStatus(r) != PGRES_COMMAND_OK)
        goto fail;
    PQclear(r);
    o->new_scans = (int)added;
    if (b->nfindings)
        snprintf(o->message, sizeof o->message,
                 "stored %d scans (%d new), %d findings (%d new)", b->count,
                 (int)added, b->nfindings, new_findings);
    else
        snprintf(o->message, sizeof o->message, "stored %d scans (%d new)",
                 b->count, (int)added);
    o->status = COLLECTOR_STORED;
    return TRY_DONE;
fail:
    if (r && !state[0]) {
        const char *s = PQresultErrorField(r, PG_DIAG_SQLSTATE);
        snprintf(state, 6, "%s", s ? s : "");
    }
    PQclear(r);
    if (PQtransactionStatus(db) != PQTRANS_IDLE)
        pgs_exec(db, "ROLLBACK");
    return retryable(state) ? TRY_RETRY : TRY_FAILED;
}

#define STORE_TRIES 5

static void store(pg_store *ps, PGconn *db, const collector_batch *b,
                  const uint8_t hash[32], collector_outcome *o)
{
    char err[300];
    pgs_rows rows;
    memset(&rows, 0, sizeof rows);
    int64_t now = (int64_t)time(NULL);
    for (int i = 0; i < b->count; i++)
        if (pgs_rows_add(&rows, b->kiosk_hex, &b->scans[i], b->batch_id, now)) {
            pgs_rows_free(&rows);
            set(o, COLLECTOR_FAILED, "storage failed; retry later");
            return;
        }
    try_result t = TRY_FAILED;
    char state[6] = "";
    for (int i = 0; i < STORE_TRIES; i++) {
        if (pgs_months(ps, db, &rows, err, sizeof err))
            break;
        t = store_once(db, b, &rows, hash, o, state);
        if (t != TRY_RETRY)
            break;
        if (!strcmp(state, "23514"))
            pgs_months_forget(ps);
    }
    if (t != TRY_DONE)
        set(o, COLLECTOR_FAILED, "storage failed; retry later");
    pgs_rows_free(&rows);
}

void pg_store_submit(pg_store *ps, const char *body, size_t len,
                     collector_outcome *o)
{
    memset(o, 0, sizeof *o);
    collector_batch b;
    char why[160];
    if (collector_batch_parse(body, len, &b, why, sizeof why) != 0) {
        o->status = COLLECTOR_MALFORMED;
        snprintf(o->message, sizeof o->message, "malformed batch: %s", why);
        return;
    }
    (void)collector_batch_date_unset(&b, (int64_t)time(NULL));
    o->scans = b.count;
    char err[300];
    PGconn *db = pgs_get(ps, err, sizeof err);
    labels_pubkey pub;
    int found = db ? find_kiosk(db, b.kiosk_hex, &pub) : -1;
    /* A pooled connection whose server restarted: reconnect once. */
    if (found < 0 && db && PQstatus(db) == CONNECTION_BAD) {
        PQreset(db);
        if (PQstatus(db) == CONNECTION_OK && !setup_session(db))
            found = find_kiosk(db, b.kiosk_hex, &pub);
    }
    if (found < 0) {
        set(o, COLLECTOR_FAILED, "storage failed; retry later");
    } else if (found == 0) {
        snprintf(o->message, sizeof o->message,
                 "kiosk %s is not enrolled or was revoked", b.kiosk_hex);
        o->status = COLLECTOR_UNKNOWN_KIOSK;
    } else if (labels_verify_detached(LABELS_DOMAIN_SCANS, &pub, body,
                                      b.signed_len, b.sig) != LABELS_OK) {
        set(o, COLLECTOR_BAD_SIGNATURE,
            "batch signature does not verify with the kiosk's enrolled key");
    } else if (ps->rate &&
               collector_rate_take(ps->rate, b.kiosk, monotonic_now(),
                                   &o->retry_after) != 0) {
        set(o, COLLECTOR_RATE_LIMITED,
            "too many batches from this kiosk; "
            "retry later");
    } else {
        uint8_t hash[32];
        crypto_generichash(hash, sizeof hash, (const uint8_t *)body, len, NULL,
                           0);
        store(ps, db, &b, hash, o);
    }
    pgs_put(ps, db);
    collector_batch_free(&b);
}
