/* common.c -- what every report kind uses: the verdict columns, the build
 * state (kiosks, the scan pivot), table and chart helpers.
 *
 * Scan counts are grouped in SQL along a covering index
 * (collector.c), and only the small per-kiosk results are joined to
 * places here in C, so a million scans never meet a join. */
#include "report/report_internal.h"
#include "registry/registry.h"
#include "collector/pg_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- Verdict vocabulary ------------------------------------------------ */

int rq_verdict_index(const char *v)
{
    int i = labels_verdict_from_word(v);
    return i >= 0 && i < LABELS_V_COUNT_ ? i : V_OTHER;
}

const char *rq_verdict_column(int i)
{
    return i == V_OTHER ? "other" : labels_verdict_word((labels_verdict)i);
}

/* Verdicts that say a label may be fake: the ones a province office
 * follows up. */
long rq_suspicious(const long *v)
{
    return v[LABELS_V_UNKNOWN_SIGNER] + v[LABELS_V_SIGNER_REVOKED] +
           v[LABELS_V_SIGNER_NOT_ENROLLED] + v[LABELS_V_FORGED] +
           v[LABELS_V_CLONE_REPORTED] + v[LABELS_V_WRONG_HOST];
}

/* ---- Build state --------------------------------------------------------- */

int rq_fail_db(ctx *c, const char *what)
{
    snprintf(c->err, c->errsz, "%s: %s", what, sqlite3_errmsg(c->db));
    return -1;
}

int rq_fail_mem(ctx *c)
{
    snprintf(c->err, c->errsz, "out of memory");
    return -1;
}

int rq_prep(ctx *c, const char *sql, sqlite3_stmt **st)
{
    if (sqlite3_prepare_v2(c->db, sql, -1, st, NULL) != SQLITE_OK)
        return rq_fail_db(c, "cannot prepare a report query");
    return 0;
}

const char *rq_col_str(sqlite3_stmt *st, int i)
{
    const unsigned char *s = sqlite3_column_text(st, i);
    return s ? (const char *)s : "";
}

int rq_add_table(ctx *c, report_table *t)
{
    if (!t)
        return rq_fail_mem(c);
    report_table **n = realloc(c->out->t, (c->out->n + 1) * sizeof *n);
    if (!n) {
        report_set_free(&(report_set){&t, 1});
        return rq_fail_mem(c);
    }
    c->out->t = n;
    n[c->out->n++] = t;
    return 0;
}

int rq_in_province(ctx *c, const char *province)
{
    return !c->o->province[0] || !strcmp(c->o->province, province);
}

struct kiosk *rq_kiosk_find(ctx *c, const char *id)
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

int rq_load_kiosks(ctx *c)
{
    if (c->k)
        return 0;
    sqlite3_stmt *st;
    if (rq_prep(c, "SELECT key_id, province, shop FROM kiosks ORDER BY key_id",
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
        snprintf(k->id, sizeof k->id, "%s", rq_col_str(st, 0));
        /* As its 2025 unit: a kiosk enrolled as "HN" or "Hà Giang" counts
         * in Hà Nội or Tuyên Quang; an unknown name stays itself. */
        snprintf(k->province, sizeof k->province, "%s",
                 labels_province_name_of(rq_col_str(st, 1), LABELS_UNITS_2025));
        snprintf(k->shop, sizeof k->shop, "%s", rq_col_str(st, 2));
        k->in = rq_in_province(c, k->province);
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW || !c->k)
        return rq_fail_mem(c);
    if (rc != SQLITE_DONE)
        return rq_fail_db(c, "cannot read kiosks");
    /* Scans keep their kiosk even if the kiosks table lost it. */
    struct kiosk *u = &c->k[c->nk++];
    memset(u, 0, sizeof *u);
    snprintf(u->province, sizeof u->province, "?");
    snprintf(u->shop, sizeof u->shop, "(not enrolled)");
    u->in = !c->o->province[0];
    return 0;
}

/* Scans per kiosk and verdict in the period. */
int rq_pivot(ctx *c)
{
    if (c->pivoted)
        return 0;
    if (rq_load_kiosks(c))
        return -1;
    sqlite3_stmt *st;
    if (rq_prep(c,
                /* The whole covering index in group order, the period
                 * checked on its entries: no sort, whatever the period. */
                c->pg
                    ? PG_REPORT_SQL_PIVOT
                    : "SELECT kiosk, verdict, count(*) FROM scans "
                      "INDEXED BY scans_verdict "
                      "WHERE time >= ?1 AND time < ?2 GROUP BY verdict, kiosk",
                &st))
        return -1;
    sqlite3_bind_int64(st, 1, c->o->from);
    sqlite3_bind_int64(st, 2, c->o->to);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct kiosk *k = rq_kiosk_find(c, rq_col_str(st, 0));
        k->v[rq_verdict_index(rq_col_str(st, 1))] +=
            sqlite3_column_int64(st, 2);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return rq_fail_db(c, "cannot count scans");
    c->pivoted = 1;
    return 0;
}

long rq_vsum(const long *v)
{
    long s = 0;
    for (int i = 0; i < NV; i++)
        s += v[i];
    return s;
}

/* ---- Per-place rows ---------------------------------------------------- */

int rq_cmp_place(const void *a, const void *b)
{
    const struct place *x = a, *y = b;
    int r = labels_text_collate(x->sortkey, y->sortkey);
    return r ? r : strcmp(x->name, y->name);
}

/* Kiosk rows summed by province; sorted the way people read the list. */
struct place *rq_by_province(ctx *c, size_t *n)
{
    struct place *p = calloc(c->nk, sizeof *p);
    if (!p)
        return NULL;
    *n = 0;
    for (size_t i = 0; i < c->nk; i++) {
        const struct kiosk *k = &c->k[i];
        if (!k->in || (i == c->nk - 1 && !rq_vsum(k->v)))
            continue;
        size_t j = 0;
        while (j < *n && strcmp(p[j].name, k->province))
            j++;
        if (j == *n) {
            snprintf(p[j].name, sizeof p[j].name, "%s", k->province);
            const labels_province *pr = province_find(k->province);
            p[j].sortkey = pr ? pr->name : p[j].name;
            (*n)++;
        }
        for (int v = 0; v < NV; v++)
            p[j].v[v] += k->v[v];
    }
    qsort(p, *n, sizeof *p, rq_cmp_place);
    return p;
}

void rq_fmt_long(char *buf, size_t sz, long v) { snprintf(buf, sz, "%ld", v); }

/* Columns: lead columns, the verdicts, total, suspicious. */
report_table *rq_verdict_table(const char *title, int lead,
                               const char *const *leadcols)
{
    const char *cols[REPORT_MAX_COLS];
    int n = 0;
    for (int i = 0; i < lead; i++)
        cols[n++] = leadcols[i];
    for (int i = 0; i < NV; i++)
        cols[n++] = rq_verdict_column(i);
    cols[n++] = "total";
    cols[n++] = "suspicious";
    unsigned numeric = ((1u << n) - 1) & ~((1u << lead) - 1);
    return report_table_new(title, n, cols, numeric);
}

int rq_verdict_row(report_table *t, int lead, const char *const *leadv,
                   const long *v)
{
    char buf[NV + 2][24];
    const char *cells[REPORT_MAX_COLS];
    int n = 0;
    for (int i = 0; i < lead; i++)
        cells[n++] = leadv[i];
    for (int i = 0; i < NV; i++) {
        rq_fmt_long(buf[i], sizeof buf[i], v[i]);
        cells[n++] = buf[i];
    }
    rq_fmt_long(buf[NV], sizeof buf[NV], rq_vsum(v));
    cells[n++] = buf[NV];
    rq_fmt_long(buf[NV + 1], sizeof buf[NV + 1], rq_suspicious(v));
    cells[n++] = buf[NV + 1];
    return report_table_add(t, cells);
}

void rq_chart(report_table *t, int label, int value, int value2,
              const char *title)
{
    t->chart_label = label;
    t->chart_value = value;
    t->chart_value2 = value2;
    snprintf(t->chart_title, sizeof t->chart_title, "%s", title);
}

/* ---- Time text ------------------------------------------------------------
 */

void rq_fmt_time(int64_t t, char out[17])
{
    char day[LABELS_DATE_SIZE];
    report_day(t, day);
    int64_t s = (t + REPORT_TZ_OFFSET) % 86400;
    if (s < 0)
        s += 86400;
    snprintf(out, 17, "%s %02d:%02d", day, (int)(s / 3600), (int)(s / 60 % 60));
}
