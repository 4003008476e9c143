/* query.c -- the report kinds: SQL over the collector (main) and
 * the registry (attached as "reg"), shaped into report tables.
 *
 * Scan counts are grouped in SQL along a covering index
 * (collector.c), and only the small per-kiosk results are joined to
 * places here in C, so a million scans never meet a join. */
#include "report/report.h"
#include "registry/registry.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const report_kinds[] = {"verdicts", "hotspots",  "clones",
                                    "findings", "reinspect", "expiring",
                                    "stats",    "all",       NULL};

int report_kind_valid(const char *kind)
{
    for (int i = 0; report_kinds[i]; i++)
        if (!strcmp(kind, report_kinds[i]))
            return 1;
    return 0;
}

/* ---- Verdict vocabulary ------------------------------------------------ */

static const char *const verdicts[] = {
    "genuine",        "rating_changed", "expired",
    "suspended",      "revoked",        "unknown_product",
    "unknown_signer", "signer_revoked", "signer_not_enrolled",
    "forged",         "clone_reported", "malformed",
    "not_ocop",       "other"};
#define NV 14 /* with "other" */
#define V_OTHER 13

static int verdict_index(const char *v)
{
    for (int i = 0; i < V_OTHER; i++)
        if (!strcmp(v, verdicts[i]))
            return i;
    return V_OTHER;
}

/* Verdicts that say a label may be fake: the ones a province office
 * follows up. */
static long suspicious(const long *v)
{
    return v[6] + v[7] + v[8] + v[9] + v[10];
}

/* ---- Build state --------------------------------------------------------- */

struct kiosk {
    char id[17];
    char province[128];
    char shop[128];
    long v[NV];
    int in;       /* passes the province filter */
    unsigned gen; /* marks a kiosk already counted for one label */
};

typedef struct ctx {
    sqlite3 *db;
    const report_opts *o;
    report_set *out;
    char *err;
    size_t errsz;
    struct kiosk *k; /* sorted by id; the last one is "unknown kiosk" */
    size_t nk;
    int pivoted;
    unsigned gen;
} ctx;

static int fail_db(ctx *c, const char *what)
{
    snprintf(c->err, c->errsz, "%s: %s", what, sqlite3_errmsg(c->db));
    return -1;
}

static int fail_mem(ctx *c)
{
    snprintf(c->err, c->errsz, "out of memory");
    return -1;
}

static int prep(ctx *c, const char *sql, sqlite3_stmt **st)
{
    if (sqlite3_prepare_v2(c->db, sql, -1, st, NULL) != SQLITE_OK)
        return fail_db(c, "cannot prepare a report query");
    return 0;
}

static const char *col_str(sqlite3_stmt *st, int i)
{
    const unsigned char *s = sqlite3_column_text(st, i);
    return s ? (const char *)s : "";
}

static int add_table(ctx *c, report_table *t)
{
    if (!t)
        return fail_mem(c);
    report_table **n = realloc(c->out->t, (c->out->n + 1) * sizeof *n);
    if (!n) {
        report_set_free(&(report_set){&t, 1});
        return fail_mem(c);
    }
    c->out->t = n;
    n[c->out->n++] = t;
    return 0;
}

static int in_province(ctx *c, const char *province)
{
    return !c->o->province[0] || !strcmp(c->o->province, province);
}

static struct kiosk *kiosk_find(ctx *c, const char *id)
{
    size_t lo = 0, hi = c->nk - 1; /* the last entry is "unknown" */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int r = strcmp(c->k[mid].id, id);
        if (!r)
            return &c->k[mid];
        if (r < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return &c->k[c->nk - 1];
}

static int load_kiosks(ctx *c)
{
    if (c->k)
        return 0;
    sqlite3_stmt *st;
    if (prep(c, "SELECT key_id, province, shop FROM kiosks ORDER BY key_id",
             &st))
        return -1;
    size_t cap = 64;
    c->k = calloc(cap, sizeof *c->k);
    int rc = SQLITE_ROW;
    while (c->k && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (c->nk + 1 == cap) {
            struct kiosk *n = realloc(c->k, cap * 2 * sizeof *n);
            if (!n)
                break;
            c->k = n;
            cap *= 2;
        }
        struct kiosk *k = &c->k[c->nk++];
        memset(k, 0, sizeof *k);
        snprintf(k->id, sizeof k->id, "%s", col_str(st, 0));
        snprintf(k->province, sizeof k->province, "%s", col_str(st, 1));
        snprintf(k->shop, sizeof k->shop, "%s", col_str(st, 2));
        k->in = in_province(c, k->province);
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW || !c->k)
        return fail_mem(c);
    if (rc != SQLITE_DONE)
        return fail_db(c, "cannot read kiosks");
    /* Scans keep their kiosk even if the kiosks table lost it. */
    struct kiosk *u = &c->k[c->nk++];
    memset(u, 0, sizeof *u);
    snprintf(u->province, sizeof u->province, "?");
    snprintf(u->shop, sizeof u->shop, "(not enrolled)");
    u->in = !c->o->province[0];
    return 0;
}

/* Scans per kiosk and verdict in the period. */
static int pivot(ctx *c)
{
    if (c->pivoted)
        return 0;
    if (load_kiosks(c))
        return -1;
    sqlite3_stmt *st;
    if (prep(c,
             /* The whole covering index in group order, the period
              * checked on its entries: no sort, whatever the period. */
             "SELECT kiosk, verdict, count(*) FROM scans "
             "INDEXED BY scans_verdict "
             "WHERE time >= ?1 AND time < ?2 GROUP BY verdict, kiosk",
             &st))
        return -1;
    sqlite3_bind_int64(st, 1, c->o->from);
    sqlite3_bind_int64(st, 2, c->o->to);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct kiosk *k = kiosk_find(c, col_str(st, 0));
        k->v[verdict_index(col_str(st, 1))] += sqlite3_column_int64(st, 2);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return fail_db(c, "cannot count scans");
    c->pivoted = 1;
    return 0;
}

static long vsum(const long *v)
{
    long s = 0;
    for (int i = 0; i < NV; i++)
        s += v[i];
    return s;
}

/* ---- Per-place rows ---------------------------------------------------- */

struct place {
    char name[128];
    const char *sortkey;
    long v[NV];
};

static int cmp_place(const void *a, const void *b)
{
    const struct place *x = a, *y = b;
    int r = strcasecmp(x->sortkey, y->sortkey);
    return r ? r : strcmp(x->name, y->name);
}

/* Kiosk rows summed by province; sorted the way people read the list. */
static struct place *by_province(ctx *c, size_t *n)
{
    struct place *p = calloc(c->nk, sizeof *p);
    if (!p)
        return NULL;
    *n = 0;
    for (size_t i = 0; i < c->nk; i++) {
        const struct kiosk *k = &c->k[i];
        if (!k->in || (i == c->nk - 1 && !vsum(k->v)))
            continue;
        size_t j = 0;
        while (j < *n && strcmp(p[j].name, k->province))
            j++;
        if (j == *n) {
            snprintf(p[j].name, sizeof p[j].name, "%s", k->province);
            const struct province *pr = province_find(k->province);
            p[j].sortkey = pr ? pr->ascii : p[j].name;
            (*n)++;
        }
        for (int v = 0; v < NV; v++)
            p[j].v[v] += k->v[v];
    }
    qsort(p, *n, sizeof *p, cmp_place);
    return p;
}

static void fmt_long(char *buf, size_t sz, long v)
{
    snprintf(buf, sz, "%ld", v);
}

/* Columns: lead columns, the verdicts, total, suspicious. */
static report_table *verdict_table(const char *title, int lead,
                                   const char *const *leadcols)
{
    const char *cols[REPORT_MAX_COLS];
    int n = 0;
    for (int i = 0; i < lead; i++)
        cols[n++] = leadcols[i];
    for (int i = 0; i < NV; i++)
        cols[n++] = verdicts[i];
    cols[n++] = "total";
    cols[n++] = "suspicious";
    unsigned numeric = ((1u << n) - 1) & ~((1u << lead) - 1);
    return report_table_new(title, n, cols, numeric);
}

static int verdict_row(report_table *t, int lead, const char *const *leadv,
                       const long *v)
{
    char buf[NV + 2][24];
    const char *cells[REPORT_MAX_COLS];
    int n = 0;
    for (int i = 0; i < lead; i++)
        cells[n++] = leadv[i];
    for (int i = 0; i < NV; i++) {
        fmt_long(buf[i], sizeof buf[i], v[i]);
        cells[n++] = buf[i];
    }
    fmt_long(buf[NV], sizeof buf[NV], vsum(v));
    cells[n++] = buf[NV];
    fmt_long(buf[NV + 1], sizeof buf[NV + 1], suspicious(v));
    cells[n++] = buf[NV + 1];
    return report_table_add(t, cells);
}

static void chart(report_table *t, int label, int value, int value2,
                  const char *title)
{
    t->chart_label = label;
    t->chart_value = value;
    t->chart_value2 = value2;
    snprintf(t->chart_title, sizeof t->chart_title, "%s", title);
}

static int verdicts_by_province(ctx *c)
{
    if (pivot(c))
        return -1;
    size_t n;
    struct place *p = by_province(c, &n);
    if (!p)
        return fail_mem(c);
    static const char *const lead[] = {"province"};
    report_table *t = verdict_table(
        "Lượt quét theo kết quả, theo tỉnh — Scans by verdict, per province", 1,
        lead);
    long total[NV] = {0};
    int bad = !t;
    for (size_t i = 0; !bad && i < n; i++) {
        const char *name = p[i].name;
        bad = verdict_row(t, 1, &name, p[i].v);
        for (int v = 0; v < NV; v++)
            total[v] += p[i].v[v];
    }
    if (!bad && !c->o->province[0]) {
        const char *name = "nationwide";
        bad = verdict_row(t, 1, &name, total);
        t->chart_skip_last = 1;
    }
    free(p);
    if (bad) {
        report_set_free(&(report_set){&t, t ? 1 : 0});
        return fail_mem(c);
    }
    snprintf(t->note, sizeof t->note,
             "suspicious = unknown_signer + signer_revoked + "
             "signer_not_enrolled + forged + clone_reported");
    chart(t, 0, 1 + NV, 2 + NV,
          "Tổng lượt quét và lượt đáng ngờ — all scans and suspicious ones");
    return add_table(c, t);
}

static int verdicts_by_kiosk(ctx *c)
{
    if (pivot(c))
        return -1;
    static const char *const lead[] = {"province", "shop", "kiosk"};
    report_table *t = verdict_table(
        "Lượt quét theo kết quả, theo máy — Scans by verdict, per kiosk", 3,
        lead);
    if (!t)
        return fail_mem(c);
    /* Order by place, then shop; kiosks stay in key order within. */
    size_t *idx = malloc(c->nk * sizeof *idx), m = 0;
    int bad = !idx;
    for (size_t i = 0; !bad && i < c->nk; i++)
        if (c->k[i].in && (i < c->nk - 1 || vsum(c->k[i].v)))
            idx[m++] = i;
    for (size_t i = 1; !bad && i < m; i++) {
        for (size_t j = i; j > 0; j--) {
            const struct kiosk *a = &c->k[idx[j - 1]], *b = &c->k[idx[j]];
            int r = strcmp(a->province, b->province);
            if (!r)
                r = strcmp(a->shop, b->shop);
            if (r <= 0)
                break;
            size_t tmp = idx[j];
            idx[j] = idx[j - 1];
            idx[j - 1] = tmp;
        }
    }
    for (size_t i = 0; !bad && i < m; i++) {
        const struct kiosk *k = &c->k[idx[i]];
        const char *lv[] = {k->province, k->shop, k->id[0] ? k->id : "?"};
        bad = verdict_row(t, 3, lv, k->v);
    }
    free(idx);
    if (bad) {
        report_set_free(&(report_set){&t, 1});
        return fail_mem(c);
    }
    chart(t, 1, 3 + NV, 4 + NV,
          "Lượt quét mỗi máy — scans per kiosk (dark: suspicious)");
    return add_table(c, t);
}

static int verdicts_by_day(ctx *c)
{
    if (load_kiosks(c))
        return -1;
    static const char *const lead[] = {"day"};
    report_table *t = verdict_table(
        "Lượt quét theo kết quả, theo ngày — Scans by verdict, per day "
        "(UTC+7)",
        1, lead);
    if (!t)
        return fail_mem(c);
    sqlite3_stmt *st;
    /* The period's scans in time order straight off the time index;
     * days (Vietnam, UTC+7) are cut here, so nothing is sorted. */
    if (prep(c,
             "SELECT time, verdict, kiosk FROM scans INDEXED BY scans_time "
             "WHERE time >= ?1 AND time < ?2 ORDER BY time",
             &st)) {
        report_set_free(&(report_set){&t, 1});
        return -1;
    }
    sqlite3_bind_int64(st, 1, c->o->from);
    sqlite3_bind_int64(st, 2, c->o->to);
    int64_t day = INT64_MIN;
    long v[NV] = {0};
    int rc, bad = 0, any = 0;
    /* Verdict words repeat: compare with the last one before searching. */
    char lastv[24] = "";
    int lastvi = V_OTHER;
    while (!bad && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (c->o->province[0] && !kiosk_find(c, col_str(st, 2))->in)
            continue;
        int64_t tm = sqlite3_column_int64(st, 0) + REPORT_TZ_OFFSET;
        int64_t d = (tm >= 0 ? tm : tm - 86399) / 86400;
        if (d != day && any) {
            char name[11];
            report_day(day * 86400 - REPORT_TZ_OFFSET, name);
            const char *lv = name;
            bad = verdict_row(t, 1, &lv, v);
            memset(v, 0, sizeof v);
        }
        day = d;
        any = 1;
        const char *vw = col_str(st, 1);
        if (strcmp(vw, lastv)) {
            snprintf(lastv, sizeof lastv, "%s", vw);
            lastvi = verdict_index(vw);
        }
        v[lastvi]++;
    }
    if (!bad && any && rc == SQLITE_DONE) {
        char name[11];
        report_day(day * 86400 - REPORT_TZ_OFFSET, name);
        const char *lv = name;
        bad = verdict_row(t, 1, &lv, v);
    }
    sqlite3_finalize(st);
    if (bad || rc != SQLITE_DONE) {
        report_set_free(&(report_set){&t, 1});
        return bad ? fail_mem(c) : fail_db(c, "cannot count scans per day");
    }
    chart(t, 0, 1 + NV, 2 + NV,
          "Lượt quét mỗi ngày — scans per day (dark: suspicious)");
    return add_table(c, t);
}

/* ---- Hotspots ------------------------------------------------------------ */

static void fmt_share(char *buf, size_t sz, long part, long whole)
{
    if (!whole) {
        snprintf(buf, sz, "0.0");
        return;
    }
    long tenths = (part * 1000 + whole / 2) / whole;
    snprintf(buf, sz, "%ld.%ld", tenths / 10, tenths % 10);
}

#define V_FORGED 9
#define V_UNKNOWN_SIGNER 6

static int hot_row(report_table *t, const char *const *lead, int nlead,
                   const long *v)
{
    char f[24], u[24], s[24], tot[24], sh[24];
    fmt_long(f, sizeof f, v[V_FORGED]);
    fmt_long(u, sizeof u, v[V_UNKNOWN_SIGNER]);
    fmt_long(s, sizeof s, v[V_FORGED] + v[V_UNKNOWN_SIGNER]);
    fmt_long(tot, sizeof tot, vsum(v));
    fmt_share(sh, sizeof sh, v[V_FORGED] + v[V_UNKNOWN_SIGNER], vsum(v));
    const char *cells[8];
    int n = 0;
    for (int i = 0; i < nlead; i++)
        cells[n++] = lead[i];
    cells[n++] = f;
    cells[n++] = u;
    cells[n++] = s;
    cells[n++] = tot;
    cells[n++] = sh;
    return report_table_add(t, cells);
}

static long hot(const long *v) { return v[V_FORGED] + v[V_UNKNOWN_SIGNER]; }

static int cmp_hot_place(const void *a, const void *b)
{
    long x = hot(((const struct place *)a)->v),
         y = hot(((const struct place *)b)->v);
    return x < y ? 1 : x > y ? -1 : cmp_place(a, b);
}

static const struct kiosk *hot_base;
static int cmp_hot_kiosk(const void *a, const void *b)
{
    const struct kiosk *x = &hot_base[*(const size_t *)a],
                       *y = &hot_base[*(const size_t *)b];
    long hx = hot(x->v), hy = hot(y->v);
    return hx < hy ? 1 : hx > hy ? -1 : strcmp(x->id, y->id);
}

static int hotspots(ctx *c)
{
    if (pivot(c))
        return -1;
    size_t n;
    struct place *p = by_province(c, &n);
    if (!p)
        return fail_mem(c);
    qsort(p, n, sizeof *p, cmp_hot_place);
    static const char *const pcols[] = {"province", "forged", "unknown_signer",
                                        "hot",      "total",  "hot_pct"};
    report_table *t = report_table_new(
        "Điểm nóng hàng giả theo tỉnh — Forgery and unknown-signer hotspots, "
        "per province",
        6, pcols, 0x3E);
    int bad = !t;
    for (size_t i = 0; !bad && i < n && (long)i < c->o->limit; i++) {
        if (!hot(p[i].v))
            break;
        const char *lead = p[i].name;
        bad = hot_row(t, &lead, 1, p[i].v);
    }
    free(p);
    if (bad) {
        if (t)
            report_set_free(&(report_set){&t, 1});
        return fail_mem(c);
    }
    snprintf(t->note, sizeof t->note,
             "hot = forged + unknown_signer; hot_pct = hot / total scans, %%; "
             "top %ld",
             c->o->limit);
    chart(t, 0, 3, -1, "Lượt quét giả mạo — forged and unknown-signer scans");
    if (add_table(c, t))
        return -1;

    static const char *const kcols[] = {"province", "shop",           "kiosk",
                                        "forged",   "unknown_signer", "hot",
                                        "total",    "hot_pct"};
    t = report_table_new("Điểm nóng theo máy — Hotspots, per kiosk", 8, kcols,
                         0xF8);
    size_t *idx = malloc(c->nk * sizeof *idx), m = 0;
    bad = !t || !idx;
    for (size_t i = 0; !bad && i < c->nk; i++)
        if (c->k[i].in && hot(c->k[i].v))
            idx[m++] = i;
    if (!bad) {
        hot_base = c->k;
        qsort(idx, m, sizeof *idx, cmp_hot_kiosk);
    }
    for (size_t i = 0; !bad && i < m && (long)i < c->o->limit; i++) {
        const struct kiosk *k = &c->k[idx[i]];
        const char *lead[] = {k->province, k->shop, k->id[0] ? k->id : "?"};
        bad = hot_row(t, lead, 3, k->v);
    }
    free(idx);
    if (bad) {
        if (t)
            report_set_free(&(report_set){&t, 1});
        return fail_mem(c);
    }
    snprintf(t->note, sizeof t->note, "top %ld kiosks by hot scans",
             c->o->limit);
    chart(t, 1, 5, -1, "Lượt quét giả mạo mỗi máy — hot scans per kiosk");
    return add_table(c, t);
}

/* ---- Time text ------------------------------------------------------------
 */

static void fmt_time(int64_t t, char out[17])
{
    char day[11];
    report_day(t, day);
    int64_t s = (t + REPORT_TZ_OFFSET) % 86400;
    if (s < 0)
        s += 86400;
    snprintf(out, 17, "%s %02d:%02d", day, (int)(s / 3600), (int)(s / 60 % 60));
}

/* ---- Clone suspects ------------------------------------------------------ */

/* Verdicts of labels whose signature verified: only those can be copies
 * of a real pack (a forged label is reported as a forgery). */
#define SIGNED_VERDICTS                                                        \
    "('genuine','rating_changed','expired','suspended','revoked',"             \
    "'clone_reported')"

struct hit {
    int64_t time;
    struct kiosk *k;
};

static int cmp_hit(const void *a, const void *b)
{
    int64_t x = ((const struct hit *)a)->time,
            y = ((const struct hit *)b)->time;
    return x < y ? -1 : x > y;
}

struct suspect {
    char signer[17], product[16], lot[16];
    long serial, scans, kiosks, provinces, burst;
    char where[400], rules[64], first[17], last[17];
    int confirmed, seen_here;
};

static int cmp_suspect(const void *a, const void *b)
{
    const struct suspect *x = a, *y = b;
    if (x->provinces != y->provinces)
        return x->provinces < y->provinces ? 1 : -1;
    if (x->scans != y->scans)
        return x->scans < y->scans ? 1 : -1;
    int r = strcmp(x->product, y->product);
    return r ? r : strcmp(x->signer, y->signer);
}

/* The scans of one label: provinces, and the most kiosks seen within
 * any window of the configured hours. */
static int suspect_detail(ctx *c, sqlite3_stmt *st, struct suspect *s)
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
        h[n++].k = kiosk_find(c, col_str(st, 0));
    }
    if (!h || rc == SQLITE_ROW) {
        free(h);
        return fail_mem(c);
    }
    if (rc != SQLITE_DONE) {
        free(h);
        return fail_db(c, "cannot read a suspect's scans");
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
    long *cnt = calloc(c->nk, sizeof *cnt);
    if (!cnt) {
        free(h);
        return fail_mem(c);
    }
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
    free(cnt);
    if (n) {
        fmt_time(h[0].time, s->first);
        fmt_time(h[n - 1].time, s->last);
    }
    free(h);
    return 0;
}

static int clones(ctx *c)
{
    if (load_kiosks(c))
        return -1;
    sqlite3_stmt *grp = NULL, *det = NULL, *conf = NULL;
    int bad =
        prep(
            c,
            "SELECT signer, product, lot, serial, count(*) "
            "FROM scans INDEXED BY scans_label "
            "WHERE serial > 0 AND signer <> '_' AND verdict IN " SIGNED_VERDICTS
            " AND time >= ?1 AND time < ?2 "
            "GROUP BY signer, product, lot, serial "
            /* min <> max: two kiosks, without a DISTINCT sort
             * per label. */
            "HAVING min(kiosk) <> max(kiosk) OR count(*) > ?3",
            &grp) ||
        prep(c,
             "SELECT kiosk, time FROM scans WHERE signer = ?1 AND "
             "product = ?2 AND lot = ?3 AND serial = ?4 AND verdict "
             "IN " SIGNED_VERDICTS " AND time >= ?5 AND time < ?6",
             &det) ||
        prep(c,
             "SELECT count(*) FROM reg.clones WHERE key_id = ?1 AND "
             "product = ?2 AND lot = ?3 AND serial = ?4",
             &conf);
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
                bad = fail_mem(c);
                break;
            }
            s = g;
            cap = nc;
        }
        struct suspect *x = &s[n];
        memset(x, 0, sizeof *x);
        snprintf(x->signer, sizeof x->signer, "%s", col_str(grp, 0));
        snprintf(x->product, sizeof x->product, "%s", col_str(grp, 1));
        snprintf(x->lot, sizeof x->lot, "%s", col_str(grp, 2));
        x->serial = (long)sqlite3_column_int64(grp, 3);
        x->scans = (long)sqlite3_column_int64(grp, 4);
        bad = suspect_detail(c, det, x);
        if (bad)
            break;
        int r1 = x->provinces >= 2, r2 = x->scans > c->o->clone_scans,
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
            bad = fail_db(c, "cannot read the registry's clones");
            break;
        }
        x->confirmed = sqlite3_column_int(conf, 0) > 0;
        n++;
    }
    if (!bad && rc != SQLITE_DONE)
        bad = fail_db(c, "cannot group scans by label");
    sqlite3_finalize(grp);
    sqlite3_finalize(det);
    sqlite3_finalize(conf);
    if (bad) {
        free(s);
        return -1;
    }
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
        fmt_long(serial, sizeof serial, s[i].serial);
        fmt_long(scans, sizeof scans, s[i].scans);
        fmt_long(kiosks, sizeof kiosks, s[i].kiosks);
        fmt_long(prov, sizeof prov, s[i].provinces);
        fmt_long(burst, sizeof burst, s[i].burst);
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
                               s[i].where,
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
        return fail_mem(c);
    }
    snprintf(t->note, sizeof t->note,
             "signed labels (same key_id, product, lot, serial) seen in 2 or "
             "more provinces, or scanned more than %ld times, or at %ld or "
             "more kiosks within %ld h (burst); confirm with: ocop-host "
             "clone --db REG.db --key-id K --product P --lot L --serial N",
             c->o->clone_scans, c->o->clone_kiosks, c->o->clone_window_h);
    chart(t, 13, 4, -1, "Lượt quét mỗi tem nghi nhân bản — scans per suspect");
    return add_table(c, t);
}

/* ---- Inspection findings ----------------------------------------------- */

static const char *const finding_kinds[] = {
    "compliant",         "label_misuse",          "expired_on_sale",
    "quality_complaint", "suspected_counterfeit", "other"};
#define NF 6

static int finding_index(const char *f)
{
    for (int i = 0; i < NF - 1; i++)
        if (!strcmp(f, finding_kinds[i]))
            return i;
    return NF - 1;
}

struct pagg {
    char code[32];
    long f[NF];
    long rating_changed, expired;
};

static struct pagg *pagg_get(struct pagg **a, size_t *n, size_t *cap,
                             const char *code)
{
    /* Rows arrive ordered by code: the last entry is the only candidate. */
    if (*n && !strcmp((*a)[*n - 1].code, code))
        return &(*a)[*n - 1];
    for (size_t i = 0; i < *n; i++)
        if (!strcmp((*a)[i].code, code))
            return &(*a)[i];
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 64;
        struct pagg *g = realloc(*a, nc * sizeof *g);
        if (!g)
            return NULL;
        *a = g;
        *cap = nc;
    }
    struct pagg *p = &(*a)[(*n)++];
    memset(p, 0, sizeof *p);
    snprintf(p->code, sizeof p->code, "%s", code);
    return p;
}

static long noncompliant(const long *f)
{
    long s = 0;
    for (int i = 1; i < NF; i++)
        s += f[i];
    return s;
}

/* Findings per product (by product code), filtered by the kiosk's place. */
static int findings_agg(ctx *c, struct pagg **a, size_t *n, size_t *cap)
{
    sqlite3_stmt *st;
    if (prep(c,
             "SELECT product, finding, kiosk, count(*) FROM findings "
             "WHERE time >= ?1 AND time < ?2 GROUP BY product, finding, kiosk "
             "ORDER BY product",
             &st))
        return -1;
    sqlite3_bind_int64(st, 1, c->o->from);
    sqlite3_bind_int64(st, 2, c->o->to);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (!kiosk_find(c, col_str(st, 2))->in)
            continue;
        struct pagg *p = pagg_get(a, n, cap, col_str(st, 0));
        if (!p) {
            sqlite3_finalize(st);
            return fail_mem(c);
        }
        p->f[finding_index(col_str(st, 1))] += sqlite3_column_int64(st, 3);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : fail_db(c, "cannot count findings");
}

/* Name and producer of a product from the registry ("" if unknown). */
static void product_info(sqlite3_stmt *st, const char *code, char *name,
                         size_t nsz, char *producer, size_t psz)
{
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
    name[0] = producer[0] = 0;
    if (sqlite3_step(st) == SQLITE_ROW) {
        snprintf(name, nsz, "%s", col_str(st, 0));
        snprintf(producer, psz, "%s", col_str(st, 1));
    }
}

static int findings(ctx *c)
{
    if (load_kiosks(c))
        return -1;
    struct pagg *a = NULL, *pr = NULL;
    size_t n = 0, cap = 0, np = 0, pcap = 0;
    sqlite3_stmt *pinfo = NULL, *rinfo = NULL, *recent = NULL;
    report_table *t1 = NULL, *t2 = NULL, *t3 = NULL;
    int bad =
        findings_agg(c, &a, &n, &cap) ||
        prep(c, "SELECT name, producer FROM reg.products WHERE code=?1",
             &pinfo) ||
        prep(c, "SELECT name, '' FROM reg.producers WHERE code=?1", &rinfo) ||
        prep(c,
             "SELECT time, kiosk, inspector, product, lot, serial, "
             "finding, note FROM findings WHERE time >= ?1 AND "
             "time < ?2 ORDER BY time DESC",
             &recent);
    static const char *const pcols[] = {"product",
                                        "name",
                                        "producer",
                                        "compliant",
                                        "label_misuse",
                                        "expired_on_sale",
                                        "quality_complaint",
                                        "suspected_counterfeit",
                                        "other",
                                        "total"};
    static const char *const rcols[] = {"producer",
                                        "name",
                                        "compliant",
                                        "label_misuse",
                                        "expired_on_sale",
                                        "quality_complaint",
                                        "suspected_counterfeit",
                                        "other",
                                        "total"};
    static const char *const lcols[] = {"time",      "province", "shop",
                                        "inspector", "product",  "lot",
                                        "serial",    "finding",  "note"};
    if (!bad) {
        t1 = report_table_new("Kết quả kiểm tra theo sản phẩm — Inspection "
                              "findings, per product",
                              10, pcols, 0x3F8);
        t2 = report_table_new("Kết quả kiểm tra theo chủ thể — Inspection "
                              "findings, per producer",
                              9, rcols, 0x1FC);
        t3 = report_table_new(
            "Kết quả kiểm tra gần nhất — Latest inspection findings", 9, lcols,
            0x40);
        bad = !t1 || !t2 || !t3 ? fail_mem(c) : 0;
    }
    for (size_t i = 0; !bad && i < n; i++) {
        char name[REG_NAME_MAX + 1], producer[REG_PRODUCER_MAX + 1];
        product_info(pinfo, a[i].code, name, sizeof name, producer,
                     sizeof producer);
        char num[NF + 1][24];
        const char *cells[10] = {a[i].code, name, producer};
        for (int f = 0; f < NF; f++) {
            fmt_long(num[f], sizeof num[f], a[i].f[f]);
            cells[3 + f] = num[f];
        }
        fmt_long(num[NF], sizeof num[NF], a[i].f[0] + noncompliant(a[i].f));
        cells[9] = num[NF];
        bad = report_table_add(t1, cells) ? fail_mem(c) : 0;
        struct pagg *p =
            bad ? NULL
                : pagg_get(&pr, &np, &pcap, producer[0] ? producer : "?");
        if (!bad && !p)
            bad = fail_mem(c);
        for (int f = 0; !bad && f < NF; f++)
            p->f[f] += a[i].f[f];
    }
    for (size_t i = 0; !bad && i < np; i++) {
        char name[REG_NAME_MAX + 1], unused[8];
        product_info(rinfo, pr[i].code, name, sizeof name, unused,
                     sizeof unused);
        char num[NF + 1][24];
        const char *cells[9] = {pr[i].code, name};
        for (int f = 0; f < NF; f++) {
            fmt_long(num[f], sizeof num[f], pr[i].f[f]);
            cells[2 + f] = num[f];
        }
        fmt_long(num[NF], sizeof num[NF], pr[i].f[0] + noncompliant(pr[i].f));
        cells[8] = num[NF];
        bad = report_table_add(t2, cells) ? fail_mem(c) : 0;
    }
    if (!bad) {
        sqlite3_bind_int64(recent, 1, c->o->from);
        sqlite3_bind_int64(recent, 2, c->o->to);
    }
    int rc = SQLITE_DONE;
    long shown = 0;
    while (!bad && shown < c->o->limit &&
           (rc = sqlite3_step(recent)) == SQLITE_ROW) {
        const struct kiosk *k = kiosk_find(c, col_str(recent, 1));
        if (!k->in)
            continue;
        char when[17];
        fmt_time(sqlite3_column_int64(recent, 0), when);
        const char *cells[] = {when,
                               k->province,
                               k->shop,
                               col_str(recent, 2),
                               col_str(recent, 3),
                               col_str(recent, 4),
                               col_str(recent, 5),
                               col_str(recent, 6),
                               col_str(recent, 7)};
        bad = report_table_add(t3, cells) ? fail_mem(c) : 0;
        shown++;
    }
    if (!bad && rc != SQLITE_DONE && rc != SQLITE_ROW)
        bad = fail_db(c, "cannot read findings");
    sqlite3_finalize(pinfo);
    sqlite3_finalize(rinfo);
    sqlite3_finalize(recent);
    free(a);
    free(pr);
    if (!bad) {
        chart(t1, 0, 9, -1, "Số kết quả kiểm tra — findings per product");
        chart(t2, 0, 8, -1, "Số kết quả kiểm tra — findings per producer");
        snprintf(t3->note, sizeof t3->note, "newest first, at most %ld",
                 c->o->limit);
        bad = add_table(c, t1);
        t1 = NULL;
        if (!bad)
            bad = add_table(c, t2);
        t2 = NULL;
        if (!bad)
            bad = add_table(c, t3);
        t3 = NULL;
    }
    report_table *left[] = {t1, t2, t3};
    for (int i = 0; i < 3; i++)
        if (left[i])
            report_set_free(&(report_set){&left[i], 1});
    return bad ? -1 : 0;
}

/* ---- Products to re-inspect -------------------------------------------- */

static long reinspect_score(const struct pagg *p)
{
    return noncompliant(p->f) * 100 + p->rating_changed + p->expired;
}

static int cmp_reinspect(const void *a, const void *b)
{
    long x = reinspect_score(a), y = reinspect_score(b);
    if (x != y)
        return x < y ? 1 : -1;
    return strcmp(((const struct pagg *)a)->code,
                  ((const struct pagg *)b)->code);
}

static int reinspect(ctx *c)
{
    if (load_kiosks(c))
        return -1;
    struct pagg *a = NULL;
    size_t n = 0, cap = 0;
    sqlite3_stmt *st = NULL, *info = NULL;
    int bad = findings_agg(c, &a, &n, &cap) ||
              prep(c,
                   "SELECT product, verdict, kiosk, count(*) FROM scans "
                   "WHERE verdict IN ('rating_changed','expired') AND "
                   "time >= ?1 AND time < ?2 GROUP BY product, verdict, kiosk "
                   "ORDER BY product",
                   &st) ||
              prep(c,
                   "SELECT name, producer, province, status, expires "
                   "FROM reg.products WHERE code = ?1",
                   &info);
    int rc = SQLITE_DONE;
    if (!bad) {
        sqlite3_bind_int64(st, 1, c->o->from);
        sqlite3_bind_int64(st, 2, c->o->to);
    }
    while (!bad && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (!kiosk_find(c, col_str(st, 2))->in)
            continue;
        struct pagg *p = pagg_get(&a, &n, &cap, col_str(st, 0));
        if (!p) {
            bad = fail_mem(c);
            break;
        }
        long k = (long)sqlite3_column_int64(st, 3);
        if (!strcmp(col_str(st, 1), "expired"))
            p->expired += k;
        else
            p->rating_changed += k;
    }
    if (!bad && rc != SQLITE_DONE)
        bad = fail_db(c, "cannot count scans per product");
    static const char *const cols[] = {
        "product", "name",     "producer",       "province",      "status",
        "expires", "findings", "rating_changed", "expired_scans", "reasons"};
    report_table *t =
        bad ? NULL
            : report_table_new("Sản phẩm cần kiểm tra lại — Products to "
                               "re-inspect",
                               10, cols, 0x1C0);
    if (!bad && !t)
        bad = fail_mem(c);
    if (!bad && n)
        qsort(a, n, sizeof *a, cmp_reinspect);
    long shown = 0;
    for (size_t i = 0; !bad && i < n && shown < c->o->limit; i++) {
        long nc = noncompliant(a[i].f);
        int fr = nc > 0, rr = a[i].rating_changed >= c->o->reinspect_scans,
            er = a[i].expired >= c->o->reinspect_scans;
        if (!fr && !rr && !er)
            continue;
        sqlite3_reset(info);
        sqlite3_bind_text(info, 1, a[i].code, -1, SQLITE_STATIC);
        int found = sqlite3_step(info) == SQLITE_ROW;
        char f[24], r[24], e[24], why[128];
        fmt_long(f, sizeof f, nc);
        fmt_long(r, sizeof r, a[i].rating_changed);
        fmt_long(e, sizeof e, a[i].expired);
        snprintf(why, sizeof why, "%s%s%s%s%s", fr ? "findings" : "",
                 fr && (rr || er) ? "," : "", rr ? "rating_changed" : "",
                 rr && er ? "," : "", er ? "expired" : "");
        const char *cells[] = {a[i].code,
                               found ? col_str(info, 0) : "(not in registry)",
                               found ? col_str(info, 1) : "",
                               found ? col_str(info, 2) : "",
                               found ? col_str(info, 3) : "",
                               found ? col_str(info, 4) : "",
                               f,
                               r,
                               e,
                               why};
        bad = report_table_add(t, cells) ? fail_mem(c) : 0;
        shown++;
    }
    sqlite3_finalize(st);
    sqlite3_finalize(info);
    free(a);
    if (bad) {
        if (t)
            report_set_free(&(report_set){&t, 1});
        return -1;
    }
    snprintf(t->note, sizeof t->note,
             "a non-compliant finding, or at least %ld rating_changed or %ld "
             "expired scans in the period; at most %ld",
             c->o->reinspect_scans, c->o->reinspect_scans, c->o->limit);
    chart(t, 0, 7, -1,
          "Lượt quét sai hạng sao — rating_changed scans per product");
    return add_table(c, t);
}

/* ---- Certificates expiring soon ---------------------------------------- */

static int expiring(ctx *c)
{
    sqlite3_stmt *st;
    if (prep(c,
             "SELECT code, name, producer, province, "
             "CASE WHEN proposed5 THEN 'proposed 5' ELSE stars END, expires, "
             "CAST(julianday(expires) - julianday(?1) AS INTEGER), "
             "(SELECT count(*) FROM scans s WHERE s.product = p.code AND "
             "s.time >= ?3 AND s.time < ?4) "
             "FROM reg.products p WHERE status = 'rated' AND expires >= ?1 "
             "AND expires <= date(?1, '+' || ?2 || ' days') AND "
             "(?5 = '' OR province = ?5) ORDER BY expires, code",
             &st))
        return -1;
    sqlite3_bind_text(st, 1, c->o->today, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, c->o->expiring_days);
    sqlite3_bind_int64(st, 3, c->o->from);
    sqlite3_bind_int64(st, 4, c->o->to);
    sqlite3_bind_text(st, 5, c->o->province, -1, SQLITE_STATIC);
    static const char *const cols[] = {"product",   "name",  "producer",
                                       "province",  "stars", "expires",
                                       "days_left", "scans"};
    report_table *t = report_table_new(
        "Chứng nhận sắp hết hạn — Certificates expiring soon", 8, cols, 0xC0);
    int rc = SQLITE_DONE, bad = !t;
    while (!bad && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *cells[8];
        for (int i = 0; i < 8; i++)
            cells[i] = col_str(st, i);
        bad = report_table_add(t, cells);
    }
    sqlite3_finalize(st);
    if (bad || rc != SQLITE_DONE) {
        if (t)
            report_set_free(&(report_set){&t, 1});
        return bad ? fail_mem(c) : fail_db(c, "cannot list expiring products");
    }
    snprintf(t->note, sizeof t->note,
             "rated products whose certificate expires within %ld days of "
             "%s; scans = scans of the product in the period",
             c->o->expiring_days, c->o->today);
    chart(t, 0, 7, -1, "Lượt quét sản phẩm sắp hết hạn — their scans");
    return add_table(c, t);
}

/* ---- Registry statistics with scan counts ------------------------------ */

#define NS REG_STATS_N

struct srow {
    char name[128];
    const char *sortkey;
    long v[NS];
    long scan[NV];
};

static int stats_row(report_table *t, const struct srow *r)
{
    char num[NS + 3][24];
    const char *cells[NS + 4] = {r->name};
    for (int i = 0; i < NS; i++) {
        fmt_long(num[i], sizeof num[i], r->v[i]);
        cells[1 + i] = num[i];
    }
    fmt_long(num[NS], sizeof num[NS], vsum(r->scan));
    fmt_long(num[NS + 1], sizeof num[NS + 1], r->scan[0]);
    fmt_long(num[NS + 2], sizeof num[NS + 2], suspicious(r->scan));
    for (int i = 0; i < 3; i++)
        cells[1 + NS + i] = num[NS + i];
    return report_table_add(t, cells);
}

static int cmp_srow(const void *a, const void *b)
{
    const struct srow *x = a, *y = b;
    return strcasecmp(x->sortkey, y->sortkey);
}

static int stats(ctx *c)
{
    if (pivot(c))
        return -1;
    size_t np;
    struct place *p = by_province(c, &np);
    if (!p)
        return fail_mem(c);
    struct reg_stats_row *rs = NULL, rtotal;
    size_t nrs = 0;
    struct reg_stats_query q = {c->o->today, c->o->expiring_days,
                                c->o->province};
    char why[256];
    int bad =
        registry_stats(c->db, "reg", &q, &rs, &nrs, &rtotal, why, sizeof why);
    if (bad)
        snprintf(c->err, c->errsz, "cannot compute registry statistics: %s",
                 why);
    size_t cap = np + nrs + 1, n = 0;
    struct srow *r = bad ? NULL : calloc(cap, sizeof *r), total;
    if (!bad && !r)
        bad = fail_mem(c);
    memset(&total, 0, sizeof total);
    snprintf(total.name, sizeof total.name, "nationwide");
    memcpy(total.v, rtotal.v, sizeof total.v);
    for (size_t i = 0; !bad && i < nrs; i++, n++) {
        snprintf(r[i].name, sizeof r[i].name, "%s", rs[i].province);
        memcpy(r[i].v, rs[i].v, sizeof r[i].v);
    }
    free(rs);
    /* Scan counts beside each province: a province may have kiosks but
     * no products of its own, or the other way round. */
    for (size_t i = 0; !bad && i < np; i++) {
        size_t j = 0;
        while (j < n && strcmp(r[j].name, p[i].name))
            j++;
        if (j == n)
            snprintf(r[n++].name, sizeof r[0].name, "%s", p[i].name);
        memcpy(r[j].scan, p[i].v, sizeof p[i].v);
        for (int v = 0; v < NV; v++)
            total.scan[v] += p[i].v[v];
    }
    free(p);
    static const char *const cols[] = {
        "province", "products",  "producers", "stars3",    "stars4",
        "stars5",   "proposed5", "food",      "beverages", "herbal",
        "textiles", "souvenirs", "tourism",   "expiring",  "scans",
        "genuine",  "suspicious"};
    report_table *t =
        bad ? NULL
            : report_table_new("Thống kê OCOP và lượt quét theo tỉnh — "
                               "Registry statistics with scan counts",
                               17, cols, 0x1FFFE);
    if (!bad && !t)
        bad = fail_mem(c);
    if (!bad) {
        for (size_t i = 0; i < n; i++) {
            const struct province *pr = province_find(r[i].name);
            r[i].sortkey = pr ? pr->ascii : r[i].name;
        }
        qsort(r, n, sizeof *r, cmp_srow);
    }
    for (size_t i = 0; !bad && i < n; i++)
        bad = stats_row(t, &r[i]) ? fail_mem(c) : 0;
    if (!bad && !c->o->province[0]) {
        bad = stats_row(t, &total) ? fail_mem(c) : 0;
        t->chart_skip_last = 1;
    }
    free(r);
    if (bad) {
        if (t)
            report_set_free(&(report_set){&t, 1});
        return -1;
    }
    snprintf(t->note, sizeof t->note,
             "registry as of %s (expiring: rated, within %ld days); scans at "
             "the province's kiosks in the period; producers nationwide are "
             "counted once",
             c->o->today, c->o->expiring_days);
    chart(t, 0, 14, 16,
          "Lượt quét theo tỉnh — scans per province (dark: suspicious)");
    return add_table(c, t);
}

/* ---- Entry -----------------------------------------------------------------
 */

int report_build(sqlite3 *db, const char *kind, const char *by,
                 const report_opts *o, report_set *out, char *err, size_t errsz)
{
    ctx c = {db, o, out, err, errsz, NULL, 0, 0, 0};
    out->t = NULL;
    out->n = 0;
    int all = !strcmp(kind, "all"), rc = 0;
    if (!strcmp(kind, "stats") || all)
        rc = stats(&c);
    if (!rc && (!strcmp(kind, "verdicts") || all)) {
        if (!by || !strcmp(by, "province"))
            rc = verdicts_by_province(&c);
        if (!rc && (!by || !strcmp(by, "day")))
            rc = verdicts_by_day(&c);
        if (!rc && (!by || !strcmp(by, "kiosk")))
            rc = verdicts_by_kiosk(&c);
    }
    if (!rc && (!strcmp(kind, "hotspots") || all))
        rc = hotspots(&c);
    if (!rc && (!strcmp(kind, "clones") || all))
        rc = clones(&c);
    if (!rc && (!strcmp(kind, "reinspect") || all))
        rc = reinspect(&c);
    if (!rc && (!strcmp(kind, "findings") || all))
        rc = findings(&c);
    if (!rc && (!strcmp(kind, "expiring") || all))
        rc = expiring(&c);
    free(c.k);
    if (rc)
        report_set_free(out);
    return rc;
}
