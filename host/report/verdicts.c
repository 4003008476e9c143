/* verdicts.c -- the verdicts report: scans per verdict by province, kiosk
 * and day. */
#include "report/report_internal.h"
#include "registry/registry.h"
#include "collector/pg_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int rq_verdicts_by_province(ctx *c)
{
    if (rq_pivot(c))
        return -1;
    size_t n;
    struct place *p = rq_by_province(c, &n);
    if (!p)
        return rq_fail_mem(c);
    static const char *const lead[] = {"province"};
    report_table *t = rq_verdict_table(
        "Lượt quét theo kết quả, theo tỉnh — Scans by verdict, per province", 1,
        lead);
    long total[NV] = {0};
    int bad = !t;
    for (size_t i = 0; !bad && i < n; i++) {
        const char *name = p[i].name;
        bad = rq_verdict_row(t, 1, &name, p[i].v);
        for (int v = 0; v < NV; v++)
            total[v] += p[i].v[v];
    }
    if (!bad && !c->o->province[0]) {
        const char *name = "nationwide";
        bad = rq_verdict_row(t, 1, &name, total);
        t->chart_skip_last = 1;
    }
    free(p);
    if (bad) {
        report_set_free(&(report_set){&t, t ? 1 : 0});
        return rq_fail_mem(c);
    }
    snprintf(t->note, sizeof t->note,
             "suspicious = unknown_signer + signer_revoked + "
             "signer_not_enrolled + forged + clone_reported + wrong_host");
    rq_chart(t, 0, 1 + NV, 2 + NV,
             "Tổng lượt quét và lượt đáng ngờ — all scans and suspicious ones");
    return rq_add_table(c, t);
}

int rq_verdicts_by_kiosk(ctx *c)
{
    if (rq_pivot(c))
        return -1;
    static const char *const lead[] = {"province", "shop", "kiosk"};
    report_table *t = rq_verdict_table(
        "Lượt quét theo kết quả, theo máy — Scans by verdict, per kiosk", 3,
        lead);
    if (!t)
        return rq_fail_mem(c);
    /* Order by place, then shop; kiosks stay in key order within. */
    size_t *idx = malloc(c->nk * sizeof *idx), m = 0;
    int bad = !idx;
    for (size_t i = 0; !bad && i < c->nk; i++)
        if (c->k[i].in && (i < c->nk - 1 || rq_vsum(c->k[i].v)))
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
        bad = rq_verdict_row(t, 3, lv, k->v);
    }
    free(idx);
    if (bad) {
        report_set_free(&(report_set){&t, 1});
        return rq_fail_mem(c);
    }
    rq_chart(t, 1, 3 + NV, 4 + NV,
             "Lượt quét mỗi máy — scans per kiosk (dark: suspicious)");
    return rq_add_table(c, t);
}

int rq_verdicts_by_day(ctx *c)
{
    if (rq_load_kiosks(c))
        return -1;
    static const char *const lead[] = {"day"};
    report_table *t = rq_verdict_table(
        "Lượt quét theo kết quả, theo ngày — Scans by verdict, per day "
        "(UTC+7)",
        1, lead);
    if (!t)
        return rq_fail_mem(c);
    sqlite3_stmt *st;
    /* The period's scans in time order straight off the time index;
     * days (Vietnam, UTC+7) are cut here, so nothing is sorted. */
    if (rq_prep(c,
                c->pg ? PG_REPORT_SQL_DAYS
                      : "SELECT time, verdict, kiosk, 1 FROM scans "
                        "INDEXED BY scans_time "
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
        if (!c->pg && c->o->province[0] &&
            !rq_kiosk_find(c, rq_col_str(st, 2))->in)
            continue;
        int64_t tm = sqlite3_column_int64(st, 0) + REPORT_TZ_OFFSET;
        int64_t d = (tm >= 0 ? tm : tm - 86399) / 86400;
        if (d != day && any) {
            char name[LABELS_DATE_SIZE];
            report_day(day * 86400 - REPORT_TZ_OFFSET, name);
            const char *lv = name;
            bad = rq_verdict_row(t, 1, &lv, v);
            memset(v, 0, sizeof v);
        }
        day = d;
        any = 1;
        const char *vw = rq_col_str(st, 1);
        if (strcmp(vw, lastv)) {
            snprintf(lastv, sizeof lastv, "%s", vw);
            lastvi = rq_verdict_index(vw);
        }
        v[lastvi] += sqlite3_column_int64(st, 3);
    }
    if (!bad && any && rc == SQLITE_DONE) {
        char name[LABELS_DATE_SIZE];
        report_day(day * 86400 - REPORT_TZ_OFFSET, name);
        const char *lv = name;
        bad = rq_verdict_row(t, 1, &lv, v);
    }
    sqlite3_finalize(st);
    if (bad || rc != SQLITE_DONE) {
        report_set_free(&(report_set){&t, 1});
        return bad ? rq_fail_mem(c)
                   : rq_fail_db(c, "cannot count scans per day");
    }
    rq_chart(t, 0, 1 + NV, 2 + NV,
             "Lượt quét mỗi ngày — scans per day (dark: suspicious)");
    return rq_add_table(c, t);
}
