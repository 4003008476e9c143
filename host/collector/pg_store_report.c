/* pg_store_report.c -- what ocop-host report reads from a PostgreSQL
 * collector: the rollups summed over the period in PostgreSQL, and raw
 * scans only for the clone suspects' drill-down, copied into the report's
 * own SQLite database (docs/collector.md, "Reports").
 *
 * The report module keeps one set of table builders for both engines:
 * on PostgreSQL they read these small answer tables (a row per kiosk and
 * verdict, per day and verdict, per suspect, ...) instead of the raw
 * scans, through the PG_REPORT_SQL_* queries of pg_store.h. */
#include "collector/pg_store_int.h"

#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parameters of every PostgreSQL query below, typed so that a query may
 * leave some unused: $1 $2 the Vietnam days [from, to), $3 $4 the Unix
 * seconds [from, to), $5 the province ("" for all), $6 --clone-scans,
 * $7 the signed verdicts, $8 $9 the rating_changed and expired words,
 * $10 the burst window in seconds. */
#define NPARAM 10
static const Oid param_types[NPARAM] = {20, 20,   20, 20, 25,
                                        20, 1009, 25, 25, 20};

struct copy {
    unsigned what;      /* PG_REPORT_* that needs it */
    const char *create; /* SQLite table(s) */
    const char *insert; /* SQLite, ?1.. = the PostgreSQL columns */
    const char *select; /* PostgreSQL */
    const char *index;  /* SQLite, once the rows are in (NULL: none) */
};

/* kiosks and findings have the SQLite collector's own shape and keys, so
 * the report's queries on them, and their row order, are the same. */
static const struct copy copies[] = {
    {PG_REPORT_KIOSKS,
     "CREATE TABLE kiosks (key_id TEXT PRIMARY KEY, province TEXT NOT NULL,"
     " shop TEXT NOT NULL) WITHOUT ROWID",
     "INSERT INTO kiosks VALUES (?1, ?2, ?3)",
     "SELECT key_id, province, shop FROM collector.kiosks", NULL},
    {PG_REPORT_PIVOT,
     "CREATE TABLE pg_kiosk_verdicts (kiosk TEXT NOT NULL,"
     " verdict TEXT NOT NULL, n INTEGER NOT NULL)",
     "INSERT INTO pg_kiosk_verdicts VALUES (?1, ?2, ?3)",
     "SELECT kiosk, verdict, sum(scans) FROM collector.daily_kiosks"
     " WHERE day >= $1 AND day < $2 GROUP BY kiosk, verdict",
     NULL},
    /* Per day with the province filter applied here: a year is a few
     * thousand rows, not one per kiosk and day. */
    {PG_REPORT_DAYS,
     "CREATE TABLE pg_day_verdicts (time INTEGER NOT NULL,"
     " verdict TEXT NOT NULL, n INTEGER NOT NULL)",
     "INSERT INTO pg_day_verdicts VALUES (?1, ?2, ?3)",
     "SELECT day * 86400 - 25200, verdict, sum(scans)"
     " FROM collector.daily_kiosks WHERE day >= $1 AND day < $2 AND"
     " ($5 = '' OR kiosk IN (SELECT key_id FROM collector.kiosks"
     "  WHERE province = $5)) GROUP BY day, verdict",
     NULL},
    /* The suspects from the label rollup, each with its raw scans in the
     * period (none once retention dropped their months). */
    {PG_REPORT_CLONES,
     "CREATE TABLE pg_clone_groups (signer TEXT NOT NULL,"
     " product TEXT NOT NULL, lot TEXT NOT NULL, serial INTEGER NOT NULL,"
     " n INTEGER NOT NULL, PRIMARY KEY (signer, product, lot, serial))"
     " WITHOUT ROWID;"
     "CREATE TABLE pg_clone_hits (signer TEXT NOT NULL,"
     " product TEXT NOT NULL, lot TEXT NOT NULL, serial INTEGER NOT NULL,"
     " kiosk TEXT NOT NULL, time INTEGER NOT NULL)",
     "INSERT OR IGNORE INTO pg_clone_groups VALUES (?1, ?2, ?3, ?4, ?5);"
     "INSERT INTO pg_clone_hits SELECT ?1, ?2, ?3, ?4, ?6, ?7"
     " WHERE ?6 IS NOT NULL",
     /* A suspect has two scans in the period, so a sighting after its
      * first. The candidates (c) are the labels seen again elsewhere
      * than at the kiosk that first saw them, or scanned often enough
      * for the count rule, over all time (label_repeats, a row per
      * repeated label): not the rescans at the first kiosk (most
      * repeats: a customer scanning twice), and no grouping of a year
      * of daily_labels. Their rows of the period (d) give their first
      * sighting (f: first_kiosk, first_seen; looked up in label_first
      * by key only for a row a concurrent batch left without it),
      * counted when it falls in the period, and their later sightings.
      * A suspect's sightings are then its rows' first and last times:
      * what the report makes of them (kiosks, provinces in order of
      * first sighting, the most kiosks within --clone-hours, first and
      * last) is the same as from every scan when each row holds two
      * scans or fewer, or spans no more than the window (a window
      * holding one of its scans holds its first or its last), and lies
      * in the period: at the default 24 hours, every row of a Vietnam
      * day. Only a suspect with another row ("exact" false) has its raw
      * scans read, by one lookup per label (LATERAL, by the label index;
      * OFFSET 0 keeps it a lookup) between its first and last times. */
     "WITH c AS (SELECT signer, product, lot, serial"
     "  FROM collector.label_repeats WHERE elsewhere > 0"
     "  OR scans + 1 > $6),"
     " d AS (SELECT signer, product, lot, serial, kiosk, scans, first_time,"
     "  last_time, first_kiosk, first_seen FROM collector.daily_labels"
     "  WHERE day >= $1 AND day < $2 AND signer <> '_'"
     "  AND (signer, product, lot, serial) IN (SELECT * FROM c)),"
     /* x: each candidate's rows summed once (its first sighting is on
      * every row); f: that first sighting (or, for rows a concurrent
      * batch left without it, from label_first), kept when it lies in
      * the period; g: the suspects, their sightings counted with it. */
     " x AS (SELECT signer, product, lot, serial, max(first_kiosk) AS fk,"
     "  max(first_seen) AS fs, sum(scans) AS n, min(first_time) AS lo,"
     "  max(last_time) AS hi, min(kiosk) AS kmin, max(kiosk) AS kmax,"
     "  bool_and(scans <= 2 OR (last_time - first_time <= $10"
     "   AND first_time >= $3 AND last_time < $4)) AS exact FROM d"
     "  GROUP BY signer, product, lot, serial),"
     " f AS (SELECT signer, product, lot, serial, n, lo, hi, kmin, kmax,"
     "  exact, fk AS k1, fs AS t1 FROM x WHERE fs IS NOT NULL UNION ALL"
     "  SELECT x.signer, x.product, x.lot, x.serial, n, lo, hi, kmin, kmax,"
     "  exact, y.kiosk, y.time FROM x LEFT JOIN LATERAL (SELECT kiosk, time"
     "   FROM collector.label_first y WHERE y.signer = x.signer"
     "   AND y.product = x.product AND y.lot = x.lot AND y.serial = x.serial"
     "   OFFSET 0) y ON true WHERE x.fs IS NULL),"
     " p AS (SELECT signer, product, lot, serial, n, lo, hi, kmin, kmax,"
     "  exact, CASE WHEN t1 >= $3 AND t1 < $4 THEN k1 END AS k1,"
     "  CASE WHEN t1 >= $3 AND t1 < $4 THEN t1 END AS t1 FROM f),"
     " g AS (SELECT signer, product, lot, serial,"
     "  n + (t1 IS NOT NULL)::int AS n, least(lo, t1) AS lo,"
     "  greatest(hi, t1) AS hi, exact, k1, t1 FROM p"
     "  WHERE least(kmin, k1) <> greatest(kmax, k1)"
     "  OR n + (t1 IS NOT NULL)::int > $6),"
     " h AS (SELECT signer, product, lot, serial, kiosk, first_time AS time"
     "  FROM d UNION ALL SELECT signer, product, lot, serial, kiosk,"
     "  last_time FROM d WHERE last_time <> first_time)"
     " SELECT g.signer, g.product, g.lot, g.serial, g.n, h.kiosk, h.time"
     " FROM g LEFT JOIN h ON h.signer = g.signer AND h.product = g.product"
     "  AND h.lot = g.lot AND h.serial = g.serial AND h.time >= $3"
     "  AND h.time < $4 WHERE g.exact UNION ALL"
     " SELECT signer, product, lot, serial, n, k1, t1 FROM g"
     "  WHERE exact AND t1 IS NOT NULL UNION ALL"
     " SELECT g.signer, g.product, g.lot, g.serial, g.n, s.kiosk, s.time"
     " FROM g LEFT JOIN LATERAL (SELECT kiosk, time FROM collector.scans s"
     "  WHERE s.signer = g.signer AND s.product = g.product"
     "  AND s.lot = g.lot AND s.serial = g.serial AND s.verdict = ANY($7)"
     "  AND s.time >= greatest($3, g.lo) AND s.time < $4"
     "  AND s.time <= g.hi OFFSET 0) s ON true WHERE NOT g.exact",
     /* Built once the hundreds of thousands of hits of a year are in (a
      * sort, not an insert into the index a row), and holding what a
      * suspect's lookup reads. */
     "CREATE INDEX pg_clone_hits_label ON pg_clone_hits (signer, product,"
     " lot, serial, kiosk, time)"},
    {PG_REPORT_REINSPECT,
     "CREATE TABLE pg_product_verdicts (product TEXT NOT NULL,"
     " verdict TEXT NOT NULL, kiosk TEXT NOT NULL, n INTEGER NOT NULL)",
     "INSERT INTO pg_product_verdicts VALUES (?1, ?2, ?3, ?4)",
     "SELECT product, verdict, kiosk, sum(scans)"
     " FROM collector.daily_verdicts WHERE day >= $1 AND day < $2"
     " AND verdict IN ($8, $9) GROUP BY product, verdict, kiosk",
     NULL},
    {PG_REPORT_EXPIRING,
     "CREATE TABLE pg_product_scans (product TEXT PRIMARY KEY,"
     " n INTEGER NOT NULL) WITHOUT ROWID",
     "INSERT INTO pg_product_scans VALUES (?1, ?2)",
     "SELECT product, sum(scans) FROM collector.daily_products"
     " WHERE day >= $1 AND day < $2 GROUP BY product",
     NULL},
    /* The phone page's lookups that the clone rules count, in the SQLite
     * collector's shape: the report's query on them is the same. */
    {PG_REPORT_CLONES,
     "CREATE TABLE phone_lookups (time INTEGER NOT NULL,"
     " verdict TEXT NOT NULL, product TEXT NOT NULL, signer TEXT NOT NULL,"
     " lot TEXT NOT NULL, serial INTEGER NOT NULL)",
     "INSERT INTO phone_lookups VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
     "SELECT time, verdict, product, signer, lot, serial"
     " FROM collector.phone_lookups WHERE serial > 0 AND signer <> '_'"
     " AND verdict = ANY($7) AND time >= $3 AND time < $4",
     NULL},
    {PG_REPORT_FINDINGS,
     "CREATE TABLE findings (kiosk TEXT NOT NULL,"
     " finding_id INTEGER NOT NULL, time INTEGER NOT NULL,"
     " inspector TEXT NOT NULL, product TEXT NOT NULL, lot TEXT NOT NULL,"
     " serial INTEGER NOT NULL, finding TEXT NOT NULL, note TEXT NOT NULL,"
     " PRIMARY KEY (kiosk, finding_id)) WITHOUT ROWID",
     "INSERT INTO findings VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
     "SELECT kiosk, finding_id, time, inspector, product, lot, serial,"
     " finding, note FROM collector.findings"
     " WHERE time >= $3 AND time < $4",
     NULL},
};

/* The Vietnam day of a period bound (a day's first second, or open). */
static int64_t day_of(int64_t t)
{
    if (t == INT64_MIN || t == INT64_MAX)
        return t;
    int64_t s = t + 7 * 3600;
    return (s >= 0 ? s : s - 86399) / 86400;
}

static int sq_fail(sqlite3 *db, const char *what, char *err, size_t errsz)
{
    snprintf(err, errsz, "report database: %s: %s", what, sqlite3_errmsg(db));
    return -1;
}

/* Insert each result row with one or two statements (the second, for the
 * clone hits, sees the same columns). */
static int put_rows(sqlite3 *db, const char *insert, PGresult *r, char *err,
                    size_t errsz)
{
    sqlite3_stmt *st[2] = {NULL, NULL};
    const char *tail = insert;
    int rc = 0;
    for (int i = 0; !rc && i < 2 && *tail; i++)
        if (sqlite3_prepare_v2(db, tail, -1, &st[i], &tail) != SQLITE_OK)
            rc = sq_fail(db, "cannot prepare a copy", err, errsz);
    int nrows = PQntuples(r), ncols = PQnfields(r);
    for (int row = 0; !rc && row < nrows; row++) {
        for (int i = 0; !rc && i < 2 && st[i]; i++) {
            sqlite3_reset(st[i]);
            for (int col = 0; col < ncols; col++) {
                int bound = PQgetisnull(r, row, col)
                                ? sqlite3_bind_null(st[i], col + 1)
                                : sqlite3_bind_text(st[i], col + 1,
                                                    PQgetvalue(r, row, col), -1,
                                                    SQLITE_STATIC);
                /* A statement may use fewer columns than the row has. */
                if (bound != SQLITE_OK && bound != SQLITE_RANGE)
                    rc = sq_fail(db, "cannot bind a copied value", err, errsz);
            }
            if (!rc && sqlite3_step(st[i]) != SQLITE_DONE)
                rc = sq_fail(db, "cannot copy a row", err, errsz);
        }
    }
    sqlite3_finalize(st[0]);
    sqlite3_finalize(st[1]);
    return rc;
}

/* The period's parameters as text, the way libpq sends them. */
struct params {
    char num[7][24];
    char *signed_words;
    const char *v[NPARAM];
};

static int params_make(struct params *p, const pg_store_report_query *q)
{
    int64_t nums[7] = {day_of(q->from), day_of(q->to),  q->from, q->to, 0,
                       q->clone_scans,  q->clone_window};
    for (int i = 0; i < 7; i++)
        snprintf(p->num[i], sizeof p->num[i], "%" PRId64, nums[i]);
    size_t cap = 16;
    for (int i = 0; i < COLLECTOR_SIGNED_COUNT; i++)
        cap += strlen(labels_verdict_word(collector_signed_verdicts[i])) + 1;
    p->signed_words = malloc(cap);
    if (!p->signed_words)
        return -1;
    size_t used = 0;
    p->signed_words[used++] = '{';
    for (int i = 0; i < COLLECTOR_SIGNED_COUNT; i++)
        used += (size_t)snprintf(
            p->signed_words + used, cap - used, "%s%s", i ? "," : "",
            labels_verdict_word(collector_signed_verdicts[i]));
    snprintf(p->signed_words + used, cap - used, "}");
    const char *v[NPARAM] = {p->num[0],
                             p->num[1],
                             p->num[2],
                             p->num[3],
                             q->province ? q->province : "",
                             p->num[5],
                             p->signed_words,
                             labels_verdict_word(LABELS_V_RATING_CHANGED),
                             labels_verdict_word(LABELS_V_EXPIRED),
                             p->num[6]};
    memcpy(p->v, v, sizeof v);
    return 0;
}

/* Every table made (empty when not asked for), the asked ones filled. */
static int copy_all(PGconn *pg, sqlite3 *db, const pg_store_report_query *q,
                    const struct params *p, char *err, size_t errsz)
{
    for (size_t i = 0; i < sizeof copies / sizeof copies[0]; i++) {
        const struct copy *c = &copies[i];
        if (sqlite3_exec(db, c->create, NULL, NULL, NULL) != SQLITE_OK)
            return sq_fail(db, "cannot create a copy", err, errsz);
        if (!(q->what & c->what))
            continue;
        PGresult *r = PQexecParams(pg, c->select, NPARAM, param_types, p->v,
                                   NULL, NULL, 0);
        if (!r || PQresultStatus(r) != PGRES_TUPLES_OK) {
            const char *m = r ? PQresultErrorMessage(r) : "out of memory";
            snprintf(err, errsz,
                     "collector database: cannot read for the "
                     "report: %.*s",
                     (int)strcspn(m, "\n"), m);
            PQclear(r);
            return -1;
        }
        int rc = put_rows(db, c->insert, r, err, errsz);
        PQclear(r);
        if (!rc && c->index &&
            sqlite3_exec(db, c->index, NULL, NULL, NULL) != SQLITE_OK)
            rc = sq_fail(db, "cannot index a copy", err, errsz);
        if (rc)
            return -1;
    }
    return 0;
}

int pg_store_report_load(pg_store *ps, sqlite3 *db,
                         const pg_store_report_query *q, char *err,
                         size_t errsz)
{
    struct params p;
    if (params_make(&p, q)) {
        snprintf(err, errsz, "out of memory");
        return -1;
    }
    PGconn *pg = pgs_get(ps, err, errsz);
    if (!pg) {
        free(p.signed_words);
        return -1;
    }
    /* One snapshot for every table, as report_run's one SQLite read
     * transaction gives on that engine. */
    int rc = -1;
    /* A report groups a year of rollup rows once: memory to hash them
     * rather than sort on disk, and no JIT compile for one execution. No
     * nested loop but the lookups that must be one (LATERAL): PostgreSQL
     * guesses one row for the clone candidates' join of four keys, and
     * a nested loop over the 200,000 suspects of a nation's year would
     * compare each with every one of their 300,000 rows. */
    if (pgs_exec(pg, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") ||
        pgs_exec(pg, "SET LOCAL work_mem = '256MB'; SET LOCAL jit = off;"
                     " SET LOCAL enable_nestloop = off"))
        pgs_err(pg, "cannot begin", err, errsz);
    else if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        sq_fail(db, "cannot begin", err, errsz);
    else {
        rc = copy_all(pg, db, q, &p, err, errsz);
        if (!rc && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
            rc = sq_fail(db, "cannot commit", err, errsz);
        if (rc)
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    }
    if (pgs_exec(pg, "COMMIT") && !rc) {
        pgs_err(pg, "cannot end the snapshot", err, errsz);
        rc = -1;
    }
    pgs_put(ps, pg);
    free(p.signed_words);
    return rc;
}
