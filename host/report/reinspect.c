/* reinspect.c -- the reinspect report: products to inspect again
 * (complaints, rating_changed and expired scans). */
#include "report/report_internal.h"
#include "registry/registry.h"
#include "collector/pg_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- Products to re-inspect -------------------------------------------- */

static long reinspect_score(const struct pagg *p)
{
    return rq_noncompliant(p->f) * 100 + p->rating_changed + p->expired;
}

static int cmp_reinspect(const void *a, const void *b)
{
    long x = reinspect_score(a), y = reinspect_score(b);
    if (x != y)
        return x < y ? 1 : -1;
    return strcmp(((const struct pagg *)a)->code,
                  ((const struct pagg *)b)->code);
}

int rq_reinspect(ctx *c)
{
    if (rq_load_kiosks(c))
        return -1;
    struct pagg *a = NULL;
    size_t n = 0, cap = 0;
    sqlite3_stmt *st = NULL, *info = NULL;
    const char *rw = labels_verdict_word(LABELS_V_RATING_CHANGED),
               *ew = labels_verdict_word(LABELS_V_EXPIRED);
    int bad =
        rq_findings_agg(c, &a, &n, &cap) ||
        rq_prep(
            c,
            c->pg ? PG_REPORT_SQL_REINSPECT
                  : "SELECT product, verdict, kiosk, count(*) FROM scans "
                    "WHERE verdict IN (?3, ?4) AND "
                    "time >= ?1 AND time < ?2 GROUP BY product, verdict, kiosk "
                    "ORDER BY product",
            &st) ||
        rq_prep(c,
                "SELECT name, producer, province, status, expires "
                "FROM reg.products WHERE code = ?1",
                &info);
    int rc = SQLITE_DONE;
    if (!bad) {
        sqlite3_bind_int64(st, 1, c->o->from);
        sqlite3_bind_int64(st, 2, c->o->to);
        sqlite3_bind_text(st, 3, rw, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, ew, -1, SQLITE_STATIC);
    }
    while (!bad && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (!rq_kiosk_find(c, rq_col_str(st, 2))->in)
            continue;
        struct pagg *p = rq_pagg_get(&a, &n, &cap, rq_col_str(st, 0));
        if (!p) {
            bad = rq_fail_mem(c);
            break;
        }
        long k = (long)sqlite3_column_int64(st, 3);
        if (labels_verdict_from_word(rq_col_str(st, 1)) == LABELS_V_EXPIRED)
            p->expired += k;
        else
            p->rating_changed += k;
    }
    if (!bad && rc != SQLITE_DONE)
        bad = rq_fail_db(c, "cannot count scans per product");
    /* report_table keeps the column pointers: each must outlive this
     * call (labels_verdict_word's are static). */
    const char *const cols[] = {
        "product", "name",     "producer", "province",      "status",
        "expires", "findings", rw,         "expired_scans", "reasons"};
    report_table *t =
        bad ? NULL
            : report_table_new("Sản phẩm cần kiểm tra lại — Products to "
                               "re-inspect",
                               10, cols, 0x1C0);
    if (!bad && !t)
        bad = rq_fail_mem(c);
    if (!bad && n)
        qsort(a, n, sizeof *a, cmp_reinspect);
    long shown = 0;
    for (size_t i = 0; !bad && i < n && shown < c->o->limit; i++) {
        long nc = rq_noncompliant(a[i].f);
        int fr = nc > 0, rr = a[i].rating_changed >= c->o->reinspect_scans,
            er = a[i].expired >= c->o->reinspect_scans;
        if (!fr && !rr && !er)
            continue;
        sqlite3_reset(info);
        sqlite3_bind_text(info, 1, a[i].code, -1, SQLITE_STATIC);
        int found = sqlite3_step(info) == SQLITE_ROW;
        char f[24], r[24], e[24], why[128];
        rq_fmt_long(f, sizeof f, nc);
        rq_fmt_long(r, sizeof r, a[i].rating_changed);
        rq_fmt_long(e, sizeof e, a[i].expired);
        snprintf(why, sizeof why, "%s%s%s%s%s", fr ? "findings" : "",
                 fr && (rr || er) ? "," : "", rr ? rw : "", rr && er ? "," : "",
                 er ? ew : "");
        const char *cells[] = {a[i].code,
                               found ? rq_col_str(info, 0)
                                     : "(not in registry)",
                               found ? rq_col_str(info, 1) : "",
                               found ? rq_col_str(info, 2) : "",
                               found ? rq_col_str(info, 3) : "",
                               found ? rq_col_str(info, 4) : "",
                               f,
                               r,
                               e,
                               why};
        bad = report_table_add(t, cells) ? rq_fail_mem(c) : 0;
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
    rq_chart(t, 0, 7, -1,
             "Lượt quét sai hạng sao — rating_changed scans per product");
    return rq_add_table(c, t);
}
