/* findings.c -- the findings report: inspectors' findings per product,
 * per producer, and the latest ones. */
#include "report/report_internal.h"
#include "registry/registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* labels/' list of findings (labels_vocab.h), then "other". */
#define RQ_FINDING_(e, code) code,
const char *const rq_finding_kinds[NF] = {
    LABELS_FINDING_LIST(RQ_FINDING_, RQ_FINDING_) "other"};

/* ---- Inspection findings ----------------------------------------------- */

int rq_finding_index(const char *f)
{
    for (int i = 0; i < NF - 1; i++)
        if (!strcmp(f, rq_finding_kinds[i]))
            return i;
    return NF - 1;
}

struct pagg *rq_pagg_get(struct pagg **a, size_t *n, size_t *cap,
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

long rq_noncompliant(const long *f)
{
    long s = 0;
    for (int i = 1; i < NF; i++)
        s += f[i];
    return s;
}

/* Findings per product (by product code), filtered by the kiosk's place. */
int rq_findings_agg(ctx *c, struct pagg **a, size_t *n, size_t *cap)
{
    sqlite3_stmt *st;
    if (rq_prep(
            c,
            "SELECT product, finding, kiosk, count(*) FROM findings "
            "WHERE time >= ?1 AND time < ?2 GROUP BY product, finding, kiosk "
            "ORDER BY product",
            &st))
        return -1;
    sqlite3_bind_int64(st, 1, c->o->from);
    sqlite3_bind_int64(st, 2, c->o->to);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (!rq_kiosk_find(c, rq_col_str(st, 2))->in)
            continue;
        struct pagg *p = rq_pagg_get(a, n, cap, rq_col_str(st, 0));
        if (!p) {
            sqlite3_finalize(st);
            return rq_fail_mem(c);
        }
        p->f[rq_finding_index(rq_col_str(st, 1))] +=
            sqlite3_column_int64(st, 3);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : rq_fail_db(c, "cannot count findings");
}

/* Name and producer of a product from the registry ("" if unknown). */
void rq_product_info(sqlite3_stmt *st, const char *code, char *name, size_t nsz,
                     char *producer, size_t psz)
{
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
    name[0] = producer[0] = 0;
    if (sqlite3_step(st) == SQLITE_ROW) {
        snprintf(name, nsz, "%s", rq_col_str(st, 0));
        snprintf(producer, psz, "%s", rq_col_str(st, 1));
    }
}

/* The three tables: per product, per producer, the latest findings. */
static int make_tables(ctx *c, report_table **t1, report_table **t2,
                       report_table **t3)
{
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
    *t1 = report_table_new("Kết quả kiểm tra theo sản phẩm — Inspection "
                           "findings, per product",
                           10, pcols, 0x3F8);
    *t2 = report_table_new("Kết quả kiểm tra theo chủ thể — Inspection "
                           "findings, per producer",
                           9, rcols, 0x1FC);
    *t3 = report_table_new(
        "Kết quả kiểm tra gần nhất — Latest inspection findings", 9, lcols,
        0x40);
    return !*t1 || !*t2 || !*t3 ? rq_fail_mem(c) : 0;
}

int rq_findings(ctx *c)
{
    if (rq_load_kiosks(c))
        return -1;
    struct pagg *a = NULL, *pr = NULL;
    size_t n = 0, cap = 0, np = 0, pcap = 0;
    sqlite3_stmt *pinfo = NULL, *rinfo = NULL, *recent = NULL;
    report_table *t1 = NULL, *t2 = NULL, *t3 = NULL;
    int bad =
        rq_findings_agg(c, &a, &n, &cap) ||
        rq_prep(c, "SELECT name, producer FROM reg.products WHERE code=?1",
                &pinfo) ||
        rq_prep(c, "SELECT name, '' FROM reg.producers WHERE code=?1",
                &rinfo) ||
        rq_prep(c,
                "SELECT time, kiosk, inspector, product, lot, serial, "
                "finding, note FROM findings WHERE time >= ?1 AND "
                "time < ?2 ORDER BY time DESC",
                &recent);
    if (!bad)
        bad = make_tables(c, &t1, &t2, &t3);
    for (size_t i = 0; !bad && i < n; i++) {
        char name[REG_NAME_MAX + 1], producer[REG_PRODUCER_MAX + 1];
        rq_product_info(pinfo, a[i].code, name, sizeof name, producer,
                        sizeof producer);
        char num[NF + 1][24];
        const char *cells[10] = {a[i].code, name, producer};
        for (int f = 0; f < NF; f++) {
            rq_fmt_long(num[f], sizeof num[f], a[i].f[f]);
            cells[3 + f] = num[f];
        }
        rq_fmt_long(num[NF], sizeof num[NF],
                    a[i].f[0] + rq_noncompliant(a[i].f));
        cells[9] = num[NF];
        bad = report_table_add(t1, cells) ? rq_fail_mem(c) : 0;
        struct pagg *p =
            bad ? NULL
                : rq_pagg_get(&pr, &np, &pcap, producer[0] ? producer : "?");
        if (!bad && !p)
            bad = rq_fail_mem(c);
        for (int f = 0; !bad && f < NF; f++)
            p->f[f] += a[i].f[f];
    }
    for (size_t i = 0; !bad && i < np; i++) {
        char name[REG_NAME_MAX + 1], unused[8];
        rq_product_info(rinfo, pr[i].code, name, sizeof name, unused,
                        sizeof unused);
        char num[NF + 1][24];
        const char *cells[9] = {pr[i].code, name};
        for (int f = 0; f < NF; f++) {
            rq_fmt_long(num[f], sizeof num[f], pr[i].f[f]);
            cells[2 + f] = num[f];
        }
        rq_fmt_long(num[NF], sizeof num[NF],
                    pr[i].f[0] + rq_noncompliant(pr[i].f));
        cells[8] = num[NF];
        bad = report_table_add(t2, cells) ? rq_fail_mem(c) : 0;
    }
    if (!bad) {
        sqlite3_bind_int64(recent, 1, c->o->from);
        sqlite3_bind_int64(recent, 2, c->o->to);
    }
    int rc = SQLITE_DONE;
    long shown = 0;
    while (!bad && shown < c->o->limit &&
           (rc = sqlite3_step(recent)) == SQLITE_ROW) {
        const struct kiosk *k = rq_kiosk_find(c, rq_col_str(recent, 1));
        if (!k->in)
            continue;
        char when[17];
        rq_fmt_time(sqlite3_column_int64(recent, 0), when);
        const char *cells[] = {when,
                               k->province,
                               k->shop,
                               rq_col_str(recent, 2),
                               rq_col_str(recent, 3),
                               rq_col_str(recent, 4),
                               rq_col_str(recent, 5),
                               rq_col_str(recent, 6),
                               rq_col_str(recent, 7)};
        bad = report_table_add(t3, cells) ? rq_fail_mem(c) : 0;
        shown++;
    }
    if (!bad && rc != SQLITE_DONE && rc != SQLITE_ROW)
        bad = rq_fail_db(c, "cannot read findings");
    sqlite3_finalize(pinfo);
    sqlite3_finalize(rinfo);
    sqlite3_finalize(recent);
    free(a);
    free(pr);
    if (!bad) {
        rq_chart(t1, 0, 9, -1, "Số kết quả kiểm tra — findings per product");
        rq_chart(t2, 0, 8, -1, "Số kết quả kiểm tra — findings per producer");
        snprintf(t3->note, sizeof t3->note, "newest first, at most %ld",
                 c->o->limit);
        bad = rq_add_table(c, t1);
        t1 = NULL;
        if (!bad)
            bad = rq_add_table(c, t2);
        t2 = NULL;
        if (!bad)
            bad = rq_add_table(c, t3);
        t3 = NULL;
    }
    report_table *left[] = {t1, t2, t3};
    for (int i = 0; i < 3; i++)
        if (left[i])
            report_set_free(&(report_set){&left[i], 1});
    return bad ? -1 : 0;
}
