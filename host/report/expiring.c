/* expiring.c -- the expiring report: certificates expiring soon, with
 * their scans. */
#include "report/report_internal.h"
#include "registry/registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- Certificates expiring soon ---------------------------------------- */

int rq_expiring(ctx *c)
{
    sqlite3_stmt *st;
    if (rq_prep(
            c,
            "SELECT code, name, producer, province, "
            "CASE WHEN proposed5 THEN 'proposed 5' ELSE stars END, expires, "
            "CAST(julianday(expires) - julianday(?1) AS INTEGER), "
            "(SELECT count(*) FROM scans s WHERE s.product = p.code AND "
            "s.time >= ?3 AND s.time < ?4) "
            "FROM reg.products p WHERE status = 'rated' "
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
            cells[i] = rq_col_str(st, i);
        bad = report_table_add(t, cells);
    }
    sqlite3_finalize(st);
    if (bad || rc != SQLITE_DONE) {
        if (t)
            report_set_free(&(report_set){&t, 1});
        return bad ? rq_fail_mem(c)
                   : rq_fail_db(c, "cannot list expiring products");
    }
    snprintf(t->note, sizeof t->note,
             "rated products whose certificate expires within %ld days of "
             "%s, or has ended already (negative days_left: kiosks and "
             "phones say expired); scans = scans of the product in the "
             "period",
             c->o->expiring_days, c->o->today);
    rq_chart(t, 0, 7, -1, "Lượt quét sản phẩm sắp hết hạn — their scans");
    return rq_add_table(c, t);
}
