/* hotspots.c -- the hotspots report: where forged and unknown-signer
 * labels are scanned. */
#include "report/report_internal.h"
#include "registry/registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

static int hot_row(report_table *t, const char *const *lead, int nlead,
                   const long *v)
{
    char f[24], u[24], s[24], tot[24], sh[24];
    rq_fmt_long(f, sizeof f, v[LABELS_V_FORGED]);
    rq_fmt_long(u, sizeof u, v[LABELS_V_UNKNOWN_SIGNER]);
    rq_fmt_long(s, sizeof s, v[LABELS_V_FORGED] + v[LABELS_V_UNKNOWN_SIGNER]);
    rq_fmt_long(tot, sizeof tot, rq_vsum(v));
    fmt_share(sh, sizeof sh, v[LABELS_V_FORGED] + v[LABELS_V_UNKNOWN_SIGNER],
              rq_vsum(v));
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

static long hot(const long *v)
{
    return v[LABELS_V_FORGED] + v[LABELS_V_UNKNOWN_SIGNER];
}

static int cmp_hot_place(const void *a, const void *b)
{
    long x = hot(((const struct place *)a)->v),
         y = hot(((const struct place *)b)->v);
    return x < y ? 1 : x > y ? -1 : rq_cmp_place(a, b);
}

static const struct kiosk *hot_base;
static int cmp_hot_kiosk(const void *a, const void *b)
{
    const struct kiosk *x = &hot_base[*(const size_t *)a],
                       *y = &hot_base[*(const size_t *)b];
    long hx = hot(x->v), hy = hot(y->v);
    return hx < hy ? 1 : hx > hy ? -1 : strcmp(x->id, y->id);
}

int rq_hotspots(ctx *c)
{
    if (rq_pivot(c))
        return -1;
    size_t n;
    struct place *p = rq_by_province(c, &n);
    if (!p)
        return rq_fail_mem(c);
    qsort(p, n, sizeof *p, cmp_hot_place);
    const char *fw = labels_verdict_word(LABELS_V_FORGED),
               *uw = labels_verdict_word(LABELS_V_UNKNOWN_SIGNER);
    const char *const pcols[] = {"province", fw, uw, "hot", "total", "hot_pct"};
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
        return rq_fail_mem(c);
    }
    snprintf(t->note, sizeof t->note,
             "hot = %s + %s; hot_pct = hot / total scans, %%; top %ld", fw, uw,
             c->o->limit);
    rq_chart(t, 0, 3, -1,
             "Lượt quét giả mạo — forged and unknown-signer scans");
    if (rq_add_table(c, t))
        return -1;

    const char *const kcols[] = {"province", "shop", "kiosk", fw,
                                 uw,         "hot",  "total", "hot_pct"};
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
        return rq_fail_mem(c);
    }
    snprintf(t->note, sizeof t->note, "top %ld kiosks by hot scans",
             c->o->limit);
    rq_chart(t, 1, 5, -1, "Lượt quét giả mạo mỗi máy — hot scans per kiosk");
    return rq_add_table(c, t);
}
