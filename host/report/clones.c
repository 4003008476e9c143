/* clones.c -- the clones report: one label serial scanned too often or
 * at too many kiosks too fast. */
#include "collector/collector.h"
#include "collector/pg_store.h"
#include "report/report_internal.h"
#include "registry/registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- Clone suspects ------------------------------------------------------ */

/* SIGNED_VERDICTS (report_internal.h): collector_signed_verdicts,
 * parameters ?11.. */
#define SIGNED_FIRST 11
_Static_assert(COLLECTOR_SIGNED_COUNT == 7,
               "one ?N in SIGNED_VERDICTS per signed verdict");

static void bind_signed(sqlite3_stmt *st)
{
    for (int i = 0; i < COLLECTOR_SIGNED_COUNT; i++)
        sqlite3_bind_text(st, SIGNED_FIRST + i,
                          labels_verdict_word(collector_signed_verdicts[i]), -1,
                          SQLITE_STATIC);
}

struct hit {
    int64_t time;
    struct kiosk *k;
};

/* By time, then kiosk: scans of one second at two kiosks come back in
 * either order from the engines, and the provinces' order must not. */
static int cmp_hit(const void *a, const void *b)
{
    const struct hit *x = a, *y = b;
    if (x->time != y->time)
        return x->time < y->time ? -1 : 1;
    return strcmp(x->k->id, y->k->id);
}

struct suspect {
    char signer[LABELS_KEY_ID_HEX_SIZE], product[16], lot[16];
    long serial, scans, kiosks, provinces, burst;
    long phone; /* lookups on the phone page (collector phone_lookups) */
    char where[400], rules[64], first[17], last[17];
    int confirmed, seen_here;
};

/* The label's own order: signer, product, lot, serial. */
static int cmp_label(const void *a, const void *b)
{
    const struct suspect *x = a, *y = b;
    int r = strcmp(x->signer, y->signer);
    if (!r)
        r = strcmp(x->product, y->product);
    if (!r)
        r = strcmp(x->lot, y->lot);
    if (!r && x->serial != y->serial)
        r = x->serial < y->serial ? -1 : 1;
    return r;
}

/* Most provinces, then most scans; ties in the label's order, so that the
 * table does not depend on the order the engine grouped in. */
static int cmp_suspect(const void *a, const void *b)
{
    const struct suspect *x = a, *y = b;
    if (x->provinces != y->provinces)
        return x->provinces < y->provinces ? 1 : -1;
    if (x->scans != y->scans)
        return x->scans < y->scans ? 1 : -1;
    int r = strcmp(x->product, y->product);
    return r ? r : cmp_label(x, y);
}

/* The scans of one label: provinces, and the most kiosks seen within
 * any window of the configured hours. cnt: a count per kiosk, all 0, left
 * so (a year of a nation's scans has hundreds of thousands of suspects:
 * one array, not one a suspect). */
static int suspect_detail(ctx *c, sqlite3_stmt *st, struct suspect *s,
                          long *cnt)
{
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, s->signer, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, s->product, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, s->lot, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, s->serial);
    sqlite3_bind_int64(st, 5, c->o->from);
    sqlite3_bind_int64(st, 6, c->o->to);
    size_t n = 0, cap = 64;
    struct hit *h = malloc(cap * sizeof *h);
    int rc = SQLITE_ROW;
    while (h && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            struct hit *g = realloc(h, cap * 2 * sizeof *g);
            if (!g)
                break;
            h = g;
            cap *= 2;
        }
        h[n].time = sqlite3_column_int64(st, 1);
        h[n++].k = rq_kiosk_find(c, rq_col_str(st, 0));
    }
    if (!h || rc == SQLITE_ROW) {
        free(h);
        return rq_fail_mem(c);
    }
    if (rc != SQLITE_DONE) {
        free(h);
        return rq_fail_db(c, "cannot read a suspect's scans");
    }
    qsort(h, n, sizeof *h, cmp_hit);
    c->gen++;
    for (size_t i = 0; i < n; i++)
        if (h[i].k->gen != c->gen) {
            h[i].k->gen = c->gen;
            s->kiosks++;
        }
    /* Distinct provinces, in order of first sighting. */
    const char *seen[64];
    size_t ns = 0, used = 0;
    s->where[0] = 0;
    for (size_t i = 0; i < n; i++) {
        size_t j = 0;
        while (j < ns && strcmp(seen[j], h[i].k->province))
            j++;
        if (j < ns)
            continue;
        if (ns < 64)
            seen[ns++] = h[i].k->province;
        s->provinces++;
        if (h[i].k->in)
            s->seen_here = 1;
        int w = snprintf(s->where + used, sizeof s->where - used, "%s%s",
                         used ? "; " : "", h[i].k->province);
        if (w > 0 && (size_t)w < sizeof s->where - used)
            used += (size_t)w;
    }
    /* Sliding window over the time-ordered scans, with a count per
     * kiosk: the most distinct kiosks within any window, in O(n). */
    int64_t win = (int64_t)c->o->clone_window_h * 3600;
    long distinct = 0;
    for (size_t hi = 0, lo = 0; hi < n; hi++) {
        if (cnt[h[hi].k - c->k]++ == 0)
            distinct++;
        for (; h[hi].time - h[lo].time > win; lo++)
            if (--cnt[h[lo].k - c->k] == 0)
                distinct--;
        if (distinct > s->burst)
            s->burst = distinct;
    }
    for (size_t i = 0; i < n; i++)
        cnt[h[i].k - c->k] = 0;
    if (n) {
        rq_fmt_time(h[0].time, s->first);
        rq_fmt_time(h[n - 1].time, s->last);
    }
    free(h);
    return 0;
}

/* The suspects (labels over the rules), each one's scans, and whether the
 * authority confirmed it. */
static int prepare(ctx *c, sqlite3_stmt **grp, sqlite3_stmt **det,
                   sqlite3_stmt **conf)
{
    int bad =
        rq_prep(c,
                c->pg ? PG_REPORT_SQL_CLONE_GROUPS
                      : "SELECT signer, product, lot, serial, count(*) "
                        "FROM scans INDEXED BY scans_label "
                        "WHERE serial > 0 AND signer <> '_' AND verdict "
                        "IN " SIGNED_VERDICTS " AND time >= ?1 AND time < ?2 "
                        "GROUP BY signer, product, lot, serial "
                        /* min <> max: two kiosks, without a DISTINCT sort
                         * per label. */
                        "HAVING min(kiosk) <> max(kiosk) OR count(*) > ?3",
                grp) ||
        rq_prep(c, c->pg ? PG_REPORT_SQL_CLONE_HITS : RQ_SQL_CLONE_HITS, det) ||
        rq_prep(c,
                "SELECT count(*) FROM reg.clones WHERE key_id = ?1 AND "
                "product = ?2 AND lot = ?3 AND serial = ?4",
                conf);
    if (!bad) {
        bind_signed(*grp);
        bind_signed(*det);
    }
    return bad;
}

/* ---- Phone lookups (docs/phone-page.md "Reports") -----------------------
 * The phone page records each lookup of a label without where it was
 * made: lookups count toward the "count" rule next to kiosk scans, never
 * toward provinces, kiosks or bursts. A collector that never served the
 * phone page has no phone_lookups table: no lookups. */
#define PHONE_SQL                                                              \
    "FROM phone_lookups WHERE serial > 0 AND signer <> '_' AND verdict "       \
    "IN " SIGNED_VERDICTS " AND time >= ?5 AND time < ?6"

static sqlite3_stmt *phone_stmt(ctx *c, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK)
        return NULL;
    bind_signed(st);
    sqlite3_bind_int64(st, 5, c->o->from);
    sqlite3_bind_int64(st, 6, c->o->to);
    return st;
}

/* A label's lookups, by st (phone_count_stmt; NULL: no lookups). */
static long phone_count(sqlite3_stmt *st, const struct suspect *x)
{
    long n = 0;
    if (!st)
        return 0;
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, x->signer, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, x->product, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, x->lot, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, x->serial);
    if (sqlite3_step(st) == SQLITE_ROW)
        n = (long)sqlite3_column_int64(st, 0);
    return n;
}

/* Prepared once: a suspect each is hundreds of thousands a year. */
static sqlite3_stmt *phone_count_stmt(ctx *c)
{
    return phone_stmt(c, "SELECT count(*) " PHONE_SQL
                         " AND signer = ?1 AND product = ?2 "
                         "AND lot = ?3 AND serial = ?4");
}

/* Labels looked up on phones more often than the count rule allows that
 * no kiosk group brought in (all provinces only: a lookup has none). */
static int phone_only(ctx *c, struct suspect **s, size_t *n, size_t *cap)
{
    if (c->o->province[0])
        return 0;
    sqlite3_stmt *st = phone_stmt(
        c, "SELECT signer, product, lot, serial, count(*), min(time), "
           "max(time), (SELECT count(*) FROM reg.clones r WHERE r.key_id = "
           "p.signer AND r.product = p.product AND r.lot = p.lot AND "
           "r.serial = p.serial) FROM (SELECT * " PHONE_SQL ") p GROUP BY "
           "signer, product, lot, serial HAVING count(*) > ?7");
    if (!st)
        return 0;
    sqlite3_bind_int64(st, 7, c->o->clone_scans);
    /* The kiosk groups sorted by label, each phone group looked up among
     * them: a year has hundreds of thousands of both. */
    size_t kiosk_groups = *n;
    if (kiosk_groups)
        qsort(*s, kiosk_groups, sizeof **s, cmp_label);
    int bad = 0;
    while (!bad && sqlite3_step(st) == SQLITE_ROW) {
        struct suspect x;
        memset(&x, 0, sizeof x);
        snprintf(x.signer, sizeof x.signer, "%s", rq_col_str(st, 0));
        snprintf(x.product, sizeof x.product, "%s", rq_col_str(st, 1));
        snprintf(x.lot, sizeof x.lot, "%s", rq_col_str(st, 2));
        x.serial = (long)sqlite3_column_int64(st, 3);
        if (kiosk_groups &&
            bsearch(&x, *s, kiosk_groups, sizeof **s, cmp_label))
            continue; /* counted with its kiosk scans */
        x.phone = (long)sqlite3_column_int64(st, 4);
        rq_fmt_time(sqlite3_column_int64(st, 5), x.first);
        rq_fmt_time(sqlite3_column_int64(st, 6), x.last);
        x.confirmed = sqlite3_column_int(st, 7) > 0;
        snprintf(x.rules, sizeof x.rules, "count");
        if (*n == *cap) {
            size_t nc = *cap ? *cap * 2 : 16;
            struct suspect *g = realloc(*s, nc * sizeof *g);
            if (!g) {
                bad = rq_fail_mem(c);
                break;
            }
            *s = g;
            *cap = nc;
        }
        (*s)[(*n)++] = x;
    }
    sqlite3_finalize(st);
    return bad;
}

static int clones_table(ctx *c, struct suspect *s, size_t n);

int rq_clones(ctx *c)
{
    if (rq_load_kiosks(c))
        return -1;
    sqlite3_stmt *grp = NULL, *det = NULL, *conf = NULL;
    int bad = prepare(c, &grp, &det, &conf);
    sqlite3_stmt *phone = bad ? NULL : phone_count_stmt(c);
    long *cnt = calloc(c->nk, sizeof *cnt);
    if (!bad && !cnt)
        bad = rq_fail_mem(c);
    struct suspect *s = NULL;
    size_t n = 0, cap = 0;
    if (!bad) {
        sqlite3_bind_int64(grp, 1, c->o->from);
        sqlite3_bind_int64(grp, 2, c->o->to);
        sqlite3_bind_int64(grp, 3, c->o->clone_scans);
    }
    int rc = SQLITE_DONE;
    while (!bad && (rc = sqlite3_step(grp)) == SQLITE_ROW) {
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 16;
            struct suspect *g = realloc(s, nc * sizeof *g);
            if (!g) {
                bad = rq_fail_mem(c);
                break;
            }
            s = g;
            cap = nc;
        }
        struct suspect *x = &s[n];
        memset(x, 0, sizeof *x);
        snprintf(x->signer, sizeof x->signer, "%s", rq_col_str(grp, 0));
        snprintf(x->product, sizeof x->product, "%s", rq_col_str(grp, 1));
        snprintf(x->lot, sizeof x->lot, "%s", rq_col_str(grp, 2));
        x->serial = (long)sqlite3_column_int64(grp, 3);
        x->scans = (long)sqlite3_column_int64(grp, 4);
        bad = suspect_detail(c, det, x, cnt);
        if (bad)
            break;
        x->phone = phone_count(phone, x);
        int r1 = x->provinces >= 2,
            r2 = x->scans + x->phone > c->o->clone_scans,
            r3 = x->burst >= c->o->clone_kiosks;
        if (!(r1 || r2 || r3) || !x->seen_here)
            continue;
        snprintf(x->rules, sizeof x->rules, "%s%s%s%s%s", r1 ? "provinces" : "",
                 r1 && (r2 || r3) ? "," : "", r2 ? "count" : "",
                 r2 && r3 ? "," : "", r3 ? "burst" : "");
        sqlite3_reset(conf);
        sqlite3_bind_text(conf, 1, x->signer, -1, SQLITE_STATIC);
        sqlite3_bind_text(conf, 2, x->product, -1, SQLITE_STATIC);
        sqlite3_bind_text(conf, 3, x->lot, -1, SQLITE_STATIC);
        sqlite3_bind_int64(conf, 4, x->serial);
        if (sqlite3_step(conf) != SQLITE_ROW) {
            bad = rq_fail_db(c, "cannot read the registry's clones");
            break;
        }
        x->confirmed = sqlite3_column_int(conf, 0) > 0;
        n++;
    }
    if (!bad && rc != SQLITE_DONE)
        bad = rq_fail_db(c, "cannot group scans by label");
    sqlite3_finalize(grp);
    sqlite3_finalize(det);
    sqlite3_finalize(conf);
    sqlite3_finalize(phone);
    free(cnt);
    if (bad) {
        free(s);
        return -1;
    }
    if (!bad)
        bad = phone_only(c, &s, &n, &cap);
    if (bad) {
        free(s);
        return -1;
    }
    return clones_table(c, s, n);
}

/* The suspects as the report's table (frees s). */
static int clones_table(ctx *c, struct suspect *s, size_t n)
{
    int bad;
    if (n)
        qsort(s, n, sizeof *s, cmp_suspect);
    static const char *const cols[] = {
        "key_id", "product",   "lot",       "serial", "scans",
        "kiosks", "provinces", "burst",     "where",  "first",
        "last",   "rules",     "confirmed", "label"};
    report_table *t =
        report_table_new("Nghi nhân bản tem — Clone suspects", 14, cols, 0xF8);
    bad = !t;
    for (size_t i = 0; !bad && i < n && (long)i < c->o->limit; i++) {
        char serial[24], scans[24], kiosks[24], prov[24], burst[24], label[64];
        char where[sizeof s[i].where + 32];
        /* Phone lookups have no place: named beside the provinces. */
        snprintf(where, sizeof where, "%s%s", s[i].where,
                 s[i].where[0] && s[i].phone ? "; " : "");
        if (s[i].phone)
            snprintf(where + strlen(where), sizeof where - strlen(where),
                     "phone %ld", s[i].phone);
        rq_fmt_long(serial, sizeof serial, s[i].serial);
        rq_fmt_long(scans, sizeof scans, s[i].scans);
        rq_fmt_long(kiosks, sizeof kiosks, s[i].kiosks);
        rq_fmt_long(prov, sizeof prov, s[i].provinces);
        rq_fmt_long(burst, sizeof burst, s[i].burst);
        snprintf(label, sizeof label, "%s %s #%ld", s[i].product, s[i].lot,
                 s[i].serial);
        const char *cells[] = {s[i].signer,
                               s[i].product,
                               s[i].lot,
                               serial,
                               scans,
                               kiosks,
                               prov,
                               burst,
                               where,
                               s[i].first,
                               s[i].last,
                               s[i].rules,
                               s[i].confirmed ? "yes" : "no",
                               label};
        bad = report_table_add(t, cells);
    }
    free(s);
    if (bad) {
        if (t)
            report_set_free(&(report_set){&t, 1});
        return rq_fail_mem(c);
    }
    snprintf(t->note, sizeof t->note,
             "signed labels (same key_id, product, lot, serial) seen in 2 or "
             "more provinces, or scanned more than %ld times, or at %ld or "
             "more kiosks within %ld h (burst); confirm with: ocop-host "
             "clone --db REG.db --key-id K --product P --lot L --serial N",
             c->o->clone_scans, c->o->clone_kiosks, c->o->clone_window_h);
    rq_chart(t, 13, 4, -1,
             "Lượt quét mỗi tem nghi nhân bản — scans per suspect");
    return rq_add_table(c, t);
}
