/* registry_stats.c -- the registry's statistics as a report table, with
 * no collector (ocop-host stats): rows per 2025 unit or per 2020 unit in
 * Vietnamese alphabetical order, the headings of the 2020 programme
 * review. */
#include "report/report.h"
#include "registry/registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_rows(const void *a, const void *b)
{
    const struct reg_stats_row *x = a, *y = b;
    return labels_text_collate(x->province, y->province);
}

static int add_row(report_table *t, const char *name,
                   const struct reg_stats_row *r)
{
    char num[REG_STATS_N][24];
    const char *cells[REG_STATS_N + 1] = {name};
    for (int i = 0; i < REG_STATS_N; i++) {
        snprintf(num[i], sizeof num[i], "%ld", r->v[i]);
        cells[i + 1] = num[i];
    }
    return report_table_add(t, cells);
}

/* Today's table lists every one of the 34 units, those without products
 * too (the 2020 table, as the review printed it, only those with). */
static int add_missing_units(struct reg_stats_row **rows, size_t *n)
{
    size_t units = labels_province_count(LABELS_UNITS_2025);
    struct reg_stats_row *r = realloc(*rows, (*n + units) * sizeof *r);
    if (!r)
        return -1;
    *rows = r;
    for (size_t u = 0; u < units; u++) {
        const char *name = labels_province_at(LABELS_UNITS_2025, u)->name;
        size_t i = 0;
        while (i < *n && strcmp(r[i].province, name))
            i++;
        if (i < *n)
            continue;
        memset(&r[*n], 0, sizeof r[*n]);
        snprintf(r[*n].province, sizeof r[*n].province, "%s", name);
        (*n)++;
    }
    return 0;
}

int report_registry_stats(sqlite3 *reg, const struct reg_stats_query *q,
                          const char *total, report_set *out, char *err,
                          size_t errsz)
{
    struct reg_stats_row *rows, sum;
    size_t n;
    out->t = NULL;
    out->n = 0;
    if (registry_stats(reg, "main", q, &rows, &n, &sum, err, errsz))
        return -1;
    if (q->units == LABELS_UNITS_2025 && !(q->province && q->province[0]) &&
        add_missing_units(&rows, &n)) {
        free(rows);
        snprintf(err, errsz, "out of memory");
        return -1;
    }
    qsort(rows, n, sizeof *rows, cmp_rows);
    const char *cols[REG_STATS_N + 1] = {"province"};
    for (int i = 0; i < REG_STATS_N; i++)
        cols[i + 1] = registry_stats_keys[i];
    int u2020 = q->units == LABELS_UNITS_2020;
    char title[256];
    snprintf(title, sizeof title,
             "Kết quả đánh giá, phân hạng sản phẩm OCOP theo tỉnh, thành phố "
             "(%s) — OCOP products by province (%s)",
             u2020 ? "63 tỉnh, thành phố năm 2020"
                   : "34 tỉnh, thành phố từ 1/7/2025",
             u2020 ? "the 63 units of 2020" : "the 34 units of 2025");
    report_table *t = report_table_new(title, REG_STATS_N + 1, cols,
                                       ((1u << (REG_STATS_N + 1)) - 1) & ~1u);
    report_table **set = malloc(sizeof *set);
    int bad = !t || !set;
    if (!bad) {
        set[0] = t;
        for (int i = 0; i <= REG_STATS_N; i++)
            t->heads[i] = registry_stats_head_vi(i - 1);
        snprintf(t->note, sizeof t->note,
                 "Số liệu đến ngày %s; sắp hết hạn: trong %ld ngày; %zu tỉnh, "
                 "thành phố — as of %s, expiring within %ld days, %zu "
                 "provinces",
                 q->today, q->expiring_days, n, q->today, q->expiring_days, n);
    }
    for (size_t i = 0; !bad && i < n; i++)
        bad = add_row(t, rows[i].province, &rows[i]);
    if (!bad && !(q->province && q->province[0]))
        bad = add_row(t, total, &sum);
    free(rows);
    if (bad) {
        if (set)
            report_set_free(&(report_set){set, t ? 1 : 0});
        else
            free(t); /* no rows yet */
        snprintf(err, errsz, "out of memory");
        return -1;
    }
    out->t = set;
    out->n = 1;
    return 0;
}
