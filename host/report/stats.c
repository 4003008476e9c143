/* stats.c -- the stats report: the registry's statistics (one query,
 * registry_stats) beside scan counts per province. */
#include "report/report_internal.h"
#include "registry/registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
        rq_fmt_long(num[i], sizeof num[i], r->v[i]);
        cells[1 + i] = num[i];
    }
    rq_fmt_long(num[NS], sizeof num[NS], rq_vsum(r->scan));
    rq_fmt_long(num[NS + 1], sizeof num[NS + 1], r->scan[LABELS_V_GENUINE]);
    rq_fmt_long(num[NS + 2], sizeof num[NS + 2], rq_suspicious(r->scan));
    for (int i = 0; i < 3; i++)
        cells[1 + NS + i] = num[NS + i];
    return report_table_add(t, cells);
}

static int cmp_srow(const void *a, const void *b)
{
    const struct srow *x = a, *y = b;
    return labels_text_collate(x->sortkey, y->sortkey);
}

int rq_stats(ctx *c)
{
    if (rq_pivot(c))
        return -1;
    size_t np;
    struct place *p = rq_by_province(c, &np);
    if (!p)
        return rq_fail_mem(c);
    struct reg_stats_row *rs = NULL, rtotal;
    size_t nrs = 0;
    struct reg_stats_query q = {c->o->today, c->o->expiring_days,
                                c->o->province, LABELS_UNITS_2025};
    char why[256];
    int bad =
        registry_stats(c->db, "reg", &q, &rs, &nrs, &rtotal, why, sizeof why);
    if (bad)
        snprintf(c->err, c->errsz, "cannot compute registry statistics: %s",
                 why);
    size_t cap = np + nrs + 1 + province_count(), n = 0;
    struct srow *r = bad ? NULL : calloc(cap, sizeof *r), total;
    if (!bad && !r)
        bad = rq_fail_mem(c);
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
    /* Every one of the 34 units, as ocop-host stats lists them. */
    for (size_t i = 0; !bad && !c->o->province[0] && i < province_count();
         i++) {
        size_t j = 0;
        while (j < n && strcmp(r[j].name, province_at(i)->name))
            j++;
        if (j == n)
            snprintf(r[n++].name, sizeof r[0].name, "%s", province_at(i)->name);
    }
    const char *cols[1 + REG_STATS_N + 3] = {"province"};
    for (int i = 0; i < REG_STATS_N; i++)
        cols[1 + i] = registry_stats_keys[i];
    cols[1 + REG_STATS_N] = "scans";
    cols[2 + REG_STATS_N] = labels_verdict_word(LABELS_V_GENUINE);
    cols[3 + REG_STATS_N] = "suspicious";
    report_table *t =
        bad ? NULL
            : report_table_new("Thống kê OCOP và lượt quét theo tỉnh — "
                               "Registry statistics with scan counts",
                               4 + REG_STATS_N, cols,
                               ((1u << (4 + REG_STATS_N)) - 1) & ~1u);
    if (!bad && !t)
        bad = rq_fail_mem(c);
    if (!bad) {
        for (size_t i = 0; i < n; i++) {
            const labels_province *pr = province_find(r[i].name);
            r[i].sortkey = pr ? pr->name : r[i].name;
        }
        qsort(r, n, sizeof *r, cmp_srow);
    }
    for (size_t i = 0; !bad && i < n; i++)
        bad = stats_row(t, &r[i]) ? rq_fail_mem(c) : 0;
    if (!bad && !c->o->province[0]) {
        bad = stats_row(t, &total) ? rq_fail_mem(c) : 0;
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
    rq_chart(t, 0, 1 + REG_STATS_N, 3 + REG_STATS_N,
             "Lượt quét theo tỉnh — scans per province (dark: suspicious)");
    return rq_add_table(c, t);
}
