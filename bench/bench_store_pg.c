/* bench_store_pg.c -- the preloaded year of bench_store: its rows, as a
 * nation's scans look (kiosks at a few hundred scans a day, some 20 000
 * products, packs scanned once but for rescans and a small share of
 * clones), and their bulk load into the PostgreSQL collector the way a
 * bulk load is done: per month, COPY into a plain table in the primary
 * key's order, then its indexes, ATTACH PARTITION (a CHECK matching the
 * bound, so no scan), then that month's rollups by INSERT ... SELECT ...
 * GROUP BY; VACUUM ANALYZE at the end. Beside it, the baseline: a bare
 * COPY of the first month's rows into a table without indexes. */
#include "bench_store.h"

#include <libpq-fe.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <time.h>

#define PRE_KIOSKS_MAX 5000
#define PRE_SCANS_PER_DAY 200
#define PRE_PRODUCTS 20000

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint64_t mix(uint64_t z)
{
    z += 0x9E3779B97F4A7C15u;
    z = (z ^ z >> 30) * 0xBF58476D1CE4E5B9u;
    z = (z ^ z >> 27) * 0x94D049BB133111EBu;
    return z ^ z >> 31;
}

long long pre_kiosks(long long n)
{
    long long k = n / (365LL * PRE_SCANS_PER_DAY);
    return k < 1 ? 1 : k > PRE_KIOSKS_MAX ? PRE_KIOSKS_MAX : k;
}

/* The scan whose pack scan i shows again, or -1 (a pack of its own):
 * 1 % rescans of the kiosk's previous pack (a customer scanning twice);
 * 0.1 % pairs, a pack scanned in the last 12 hours anywhere (one copied
 * label, two places: a suspect the report looks at and lets go); 0.1 %
 * bursts, one of a few packs per 12 hours copied at about ten kiosks (a
 * clone the report flags). */
static long long source(long long i, long long n)
{
    uint64_t m = mix((uint64_t)i ^ 0x5bd1e995u);
    long long g = n / 730 > 0 ? n / 730 : 1; /* rows in 12 hours */
    long long u = (long long)(m % 100000), r = (long long)(m >> 20);
    long long s = -1;
    if (u < 100)
        s = i - 1 - r % g;
    else if (u < 200)
        s = i / g * g - 1 - r % (g / 10000 > 0 ? g / 10000 : 1);
    else if (u < 1200)
        s = i - pre_kiosks(n);
    return s;
}

void pre_row(long long i, long long n, pre *p)
{
    long long kiosks = pre_kiosks(n), k = i % kiosks;
    snprintf(p->kiosk, sizeof p->kiosk, "E%015llX", k);
    p->id = i / kiosks + 1;
    p->time = PRE_FROM + i * PRE_YEAR / n;
    snprintf(p->verdict, sizeof p->verdict, "%s",
             i % 50 == 0    ? "forged"
             : i % 97 == 0  ? "unknown_signer"
             : i % 211 == 0 ? "expired"
             : i % 307 == 0 ? "rating_changed"
                            : "genuine");
    /* The pack: its product (a few far more scanned than the rest), its
     * producer's key, lot and serial. */
    long long r = i, s;
    while ((s = source(r, n)) >= 0)
        r = s;
    double u = (double)(mix((uint64_t)r) >> 11) / 9007199254740992.0;
    long long prod = (long long)(u * u * PRE_PRODUCTS);
    snprintf(p->product, sizeof p->product, "HN-%05lld", prod);
    snprintf(p->signer, sizeof p->signer, "A1B2C3D4E5F6%04llX", prod % 50);
    snprintf(p->lot, sizeof p->lot, "L%lld", r % 20);
    p->serial = r % 4000000000LL + 1;
    snprintf(p->hash, sizeof p->hash, "%016llx%016llx",
             (unsigned long long)mix((uint64_t)i),
             (unsigned long long)mix((uint64_t)~i));
}

static int pg_ok(PGresult *r, PGconn *db, const char *what)
{
    int ok = r && (PQresultStatus(r) == PGRES_COMMAND_OK ||
                   PQresultStatus(r) == PGRES_TUPLES_OK);
    if (!ok)
        fprintf(stderr, "%s: %s", what, PQerrorMessage(db));
    PQclear(r);
    return ok;
}

/* One statement (or a few), formatted. */
static int run(PGconn *db, const char *what, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int run(PGconn *db, const char *what, const char *fmt, ...)
{
    char sql[4096];
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    if (w < 0 || (size_t)w >= sizeof sql)
        return -1;
    return pg_ok(PQexec(db, sql), db, what) ? 0 : -1;
}

/* Rows [lo, hi) of n into table, kiosk by kiosk in scan ID order: the
 * primary key's order, and each kiosk's scans in time. */
static int copy_rows(PGconn *db, const char *table, const char *with,
                     long long n, long long lo, long long hi)
{
    char sql[256];
    snprintf(sql, sizeof sql,
             "COPY %s (kiosk, scan_id, time, verdict, product, signer, lot, "
             "serial, text_hash, stale, batch_id, received) FROM STDIN%s",
             table, with);
    PGresult *r = PQexec(db, sql);
    if (!r || PQresultStatus(r) != PGRES_COPY_IN) {
        fprintf(stderr, "copy: %s", PQerrorMessage(db));
        PQclear(r);
        return -1;
    }
    PQclear(r);
    size_t cap = 1 << 20, used = 0;
    char *buf = malloc(cap);
    if (!buf)
        return -1;
    long long kiosks = pre_kiosks(n);
    int bad = 0;
    for (long long k = 0; !bad && k < kiosks; k++) {
        for (long long i = lo + ((k - lo % kiosks) + kiosks) % kiosks; i < hi;
             i += kiosks) {
            if (cap - used < 512) {
                bad = PQputCopyData(db, buf, (int)used) != 1;
                used = 0;
            }
            pre p;
            pre_row(i, n, &p);
            used += (size_t)snprintf(
                buf + used, cap - used,
                "%s\t%lld\t%lld\t%s\t%s\t%s\t%s\t%lld\t%s\t0\tpreload\t%lld\n",
                p.kiosk, p.id, p.time, p.verdict, p.product, p.signer, p.lot,
                p.serial, p.hash, p.time);
        }
    }
    bad = bad || PQputCopyData(db, buf, (int)used) != 1 ||
          PQputCopyEnd(db, NULL) != 1;
    free(buf);
    return !bad && pg_ok(PQgetResult(db), db, "copy") ? 0 : -1;
}

/* The verdicts of collector_signed_verdicts, for the label rollups. */
#define PRE_SIGNED                                                             \
    "('genuine','rating_changed','expired','suspended','revoked',"             \
    "'clone_reported','wrong_host')"
#define DAY "time / 86400 + (time %% 86400 + 25200) / 86400"

/* A month's rollups from its partition, as the batches would have made
 * them (pg_store.c, insert_sql); ON CONFLICT for the Vietnam day that
 * straddles two months. Months go in time order, so a label's first
 * sighting is the earliest. */
static int rollups(PGconn *db, const char *t)
{
    return run(db, "verdict rollup",
               "INSERT INTO collector.daily_verdicts AS r SELECT " DAY
               ", kiosk, product, verdict, count(*) FROM %s WHERE verdict IN "
               "('rating_changed', 'expired') GROUP BY 1, 2, 3, 4 ON CONFLICT "
               "(day, kiosk, product, verdict) DO UPDATE SET scans = r.scans "
               "+ excluded.scans",
               t) ||
           run(db, "product rollup",
               "INSERT INTO collector.daily_products AS r SELECT " DAY
               ", product, verdict, count(*) FROM %s GROUP BY 1, 2, 3 ON "
               "CONFLICT (day, product, verdict) DO UPDATE SET scans = "
               "r.scans + excluded.scans",
               t) ||
           run(db, "kiosk rollup",
               "INSERT INTO collector.daily_kiosks AS r SELECT " DAY
               ", kiosk, verdict, count(*) FROM %s GROUP BY 1, 2, 3 ON "
               "CONFLICT (day, kiosk, verdict) DO UPDATE SET scans = r.scans "
               "+ excluded.scans",
               t) ||
           run(db, "label rollups",
               "WITH f AS (INSERT INTO collector.label_first SELECT DISTINCT "
               "ON (signer, product, lot, serial) signer, product, lot, "
               "serial, kiosk, scan_id, time FROM %s WHERE serial > 0 AND "
               "verdict IN " PRE_SIGNED " ORDER BY signer, product, lot, "
               "serial, time, kiosk, scan_id ON CONFLICT DO NOTHING "
               "RETURNING kiosk, scan_id, time) "
               "INSERT INTO collector.daily_labels AS r SELECT signer, "
               "product, lot, serial, " DAY ", kiosk, count(*), min(time), "
               "max(time) FROM %s s WHERE serial > 0 AND verdict IN " PRE_SIGNED
               " AND NOT EXISTS (SELECT 1 FROM f WHERE f.kiosk = s.kiosk AND "
               "f.scan_id = s.scan_id AND f.time = s.time) "
               "GROUP BY 1, 2, 3, 4, 5, 6 ON CONFLICT (signer, product, lot, "
               "serial, day, kiosk) DO UPDATE SET scans = r.scans + "
               "excluded.scans, first_time = least(r.first_time, "
               "excluded.first_time), last_time = greatest(r.last_time, "
               "excluded.last_time)",
               t, t);
}

/* Unix time of the first second of month m (0 = 1970-01) UTC. */
static long long month_start(int m)
{
    long long y = m / 12, mo = m % 12 + 1;
    /* Days from 1970-01-01 (H. Hinnant's days_from_civil). */
    y -= mo <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    long long yoe = y - era * 400;
    long long doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5;
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (era * 146097 + doe - 719468) * 86400;
}

static double free_gb(const char *path)
{
    struct statvfs v;
    if (statvfs(path, &v))
        return -1;
    return (double)v.f_bavail * (double)v.f_frsize / 1e9;
}

static double db_bytes(PGconn *db)
{
    PGresult *r = PQexec(db, "SELECT pg_database_size(current_database())");
    double b = r && PQresultStatus(r) == PGRES_TUPLES_OK
                   ? atof(PQgetvalue(r, 0, 0))
                   : -1;
    PQclear(r);
    return b;
}

/* First row at or after time t (times grow with the row). */
static long long row_at(long long t, long long n)
{
    if (t <= PRE_FROM)
        return 0;
    long long i = ((t - PRE_FROM) * n + PRE_YEAR - 1) / PRE_YEAR;
    return i > n ? n : i;
}

/* One month: a plain table with the bound as a CHECK, COPY FREEZE in the
 * same transaction (no later pass to set hint bits), its keys, ATTACH;
 * then its rollups. Adds each stage's seconds to st[4]. */
static int load_month(PGconn *db, int m, long long n, long long lo,
                      long long hi, double st[4])
{
    char t[64];
    long long a = month_start(m), b = month_start(m + 1);
    snprintf(t, sizeof t, "collector.scans_%04d_%02d", m / 12, m % 12 + 1);
    double t0 = now_s();
    if (run(db, "begin", "BEGIN") ||
        run(db, "month table",
            "CREATE TABLE %s (LIKE collector.scans, CONSTRAINT bound CHECK "
            "(time >= %lld AND time < %lld))",
            t, a, b) ||
        copy_rows(db, t, " WITH (FREEZE)", n, lo, hi) ||
        run(db, "commit", "COMMIT"))
        return -1;
    double t1 = now_s();
    if (run(db, "keys",
            "ALTER TABLE %s ADD PRIMARY KEY (kiosk, scan_id, time); "
            "CREATE INDEX ON %s (signer, product, lot, serial); "
            "CREATE INDEX ON %s USING brin (time)",
            t, t, t))
        return -1;
    double t2 = now_s();
    if (run(db, "attach",
            "ALTER TABLE collector.scans ATTACH PARTITION %s FOR VALUES FROM "
            "(%lld) TO (%lld); ALTER TABLE %s DROP CONSTRAINT bound",
            t, a, b, t))
        return -1;
    double t3 = now_s();
    if (rollups(db, t))
        return -1;
    double t4 = now_s();
    st[0] += t1 - t0;
    st[1] += t2 - t1;
    st[2] += t3 - t2;
    st[3] += t4 - t3;
    printf("preload month %04d-%02d rows %lld copy_s %.1f keys_s %.1f "
           "attach_s %.2f rollups_s %.1f\n",
           m / 12, m % 12 + 1, hi - lo, t1 - t0, t2 - t1, t3 - t2, t4 - t3);
    fflush(stdout);
    return 0;
}

/* Free space left after a month of rows at the bytes per row so far (plus
 * a third for sorts and WAL, and 2 GB): enough to keep keep_gb? */
static int room_for(PGconn *db, const char *df_path, double keep_gb,
                    long long rows, long long loaded, double base_bytes)
{
    double size = db_bytes(db), bpr = 900;
    if (loaded > 0 && size > base_bytes)
        bpr = (size - base_bytes) / (double)loaded;
    double need = (double)rows * bpr * 1.33 / 1e9 + 2, left = free_gb(df_path);
    printf("preload disk free_gb %.1f database_gb %.2f bytes_per_row %.0f "
           "next_month_gb %.1f\n",
           left, size / 1e9, bpr, need);
    fflush(stdout);
    if (left < 0 || left - need < keep_gb) {
        printf("preload stopped: %lld rows loaded; the next month's %lld rows "
               "(about %.1f GB) would leave less than %.0f GB free on %s\n",
               loaded, rows, need, keep_gb, df_path);
        return 0;
    }
    return 1;
}

int preload_pg(const char *conninfo, long long n, const char *df_path,
               double keep_gb, long long *loaded)
{
    *loaded = 0;
    PGconn *db = PQconnectdb(conninfo);
    if (PQstatus(db) != CONNECTION_OK) {
        fprintf(stderr, "%s", PQerrorMessage(db));
        PQfinish(db);
        return -1;
    }
    int m0 = 2025 * 12 + 8; /* 2025-09 */
    double base = db_bytes(db);
    /* The baseline: the first month's rows, same order, into a table
     * without index or constraint. */
    long long b_hi = row_at(month_start(m0 + 1), n);
    double t0 = now_s();
    if (run(db, "sort memory",
            "SET maintenance_work_mem = '1GB'; SET work_mem = '512MB'") ||
        run(db, "baseline table",
            "CREATE TABLE bench_copy (LIKE "
            "collector.scans)") ||
        copy_rows(db, "bench_copy", "", n, 0, b_hi)) {
        PQfinish(db);
        return -1;
    }
    double bare = now_s() - t0;
    if (run(db, "drop baseline", "DROP TABLE bench_copy")) {
        PQfinish(db);
        return -1;
    }
    /* The preload's kiosks, enrolled in 63 provinces, so the reports
     * place their scans as a deployment's. */
    if (run(db, "kiosks",
            "INSERT INTO collector.kiosks SELECT 'E' || lpad(upper(to_hex(k)),"
            " 15, '0'), 'bench', 'Tỉnh ' || lpad((k %% 63)::text, 2, '0'),"
            " 'shop ' || k, '2025-08-01T00:00:00Z', NULL FROM "
            "generate_series(0, %lld) k ON CONFLICT DO NOTHING",
            pre_kiosks(n) - 1)) {
        PQfinish(db);
        return -1;
    }
    double st[4] = {0, 0, 0, 0};
    t0 = now_s();
    int rc = 0;
    for (int m = m0; !rc && m < m0 + 12; m++) {
        long long lo = row_at(month_start(m), n);
        long long hi = row_at(month_start(m + 1), n);
        if (!room_for(db, df_path, keep_gb, hi - lo, *loaded, base))
            break;
        rc = load_month(db, m, n, lo, hi, st);
        if (!rc)
            *loaded += hi - lo;
    }
    /* Each later sighting's first kiosk and time (schemas 5 and 6), once
     * for the year: a join of the few repeats with label_first; then the
     * repeats per label (schema 7), the upload rounds' ones replaced. */
    double t6 = now_s();
    if (!rc &&
        (run(db, "first sightings",
             "UPDATE collector.daily_labels d SET first_kiosk = "
             "f.kiosk, first_seen = f.time FROM collector.label_first f "
             "WHERE f.signer = "
             "d.signer AND f.product = d.product AND f.lot = d.lot AND "
             "f.serial = d.serial AND d.first_kiosk IS NULL") ||
         run(db, "label repeats",
             "INSERT INTO collector.label_repeats AS r SELECT signer, product, "
             "lot, serial, sum(scans), coalesce(sum(scans) FILTER (WHERE "
             "first_kiosk IS DISTINCT FROM kiosk), 0) FROM "
             "collector.daily_labels GROUP BY 1, 2, 3, 4 ON CONFLICT (signer, "
             "product, lot, serial) DO UPDATE SET scans = excluded.scans, "
             "elsewhere = excluded.elsewhere")))
        rc = -1;
    st[3] += now_s() - t6;
    /* A load ends with its pages written: no checkpoint left for the
     * uploads measured next to pay. */
    double t5 = now_s();
    if (!rc && (run(db, "vacuum", "VACUUM ANALYZE") ||
                run(db, "checkpoint", "CHECKPOINT")))
        rc = -1;
    double total = now_s() - t0;
    if (!rc)
        printf(
            "preload rows %lld bare_copy_rows %lld bare_copy_s %.1f "
            "bare_copy_rows_per_s %.0f copy_s %.1f copy_rows_per_s %.0f "
            "keys_s %.1f attach_s %.1f rollups_s %.1f vacuum_checkpoint_s %.1f "
            "total_s %.1f total_rows_per_s %.0f (%.2f x the bare COPY)\n",
            *loaded, b_hi, bare, b_hi / bare, st[0], *loaded / st[0], st[1],
            st[2], st[3], total - (t5 - t0), total, *loaded / total,
            (*loaded / total) / (b_hi / bare));
    fflush(stdout);
    PQfinish(db);
    return rc;
}
