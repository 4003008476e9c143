/* report_internal.h -- what the files of report/ share and nothing else
 * includes: the build state, the verdict columns, table and chart helpers.
 * Each report kind is one file (verdicts.c, hotspots.c, clones.c,
 * findings.c, reinspect.c, expiring.c, stats.c); build.c picks them. */
#ifndef OCOP_HOST_REPORT_INTERNAL_H
#define OCOP_HOST_REPORT_INTERNAL_H

#include "report/report.h"

#include <labels.h>
#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

/* Scan counts per verdict: one per labels_verdict, then "other" for a
 * word this build does not know (a newer kiosk's). */
#define NV (LABELS_V_COUNT_ + 1)
#define V_OTHER LABELS_V_COUNT_

/* The index of a verdict word, V_OTHER when unknown. */
int rq_verdict_index(const char *v);
/* The CSV column of index i: the verdict word, or "other". */
const char *rq_verdict_column(int i);
/* Scans that say a label may be fake. */
long rq_suspicious(const long *v);
long rq_vsum(const long *v);

struct kiosk {
    char id[LABELS_KEY_ID_HEX_SIZE];
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
    int pg; /* db holds a PostgreSQL collector's answers (pg_store.h) */
} ctx;

/* collector_signed_verdicts, bound as parameters ?11.. (their words come
 * from labels_verdict_word), one per entry. A forged label is reported as
 * a forgery, never as a copy of a real pack. */
#define SIGNED_VERDICTS "(?11, ?12, ?13, ?14, ?15, ?16, ?17)"
/* One clone suspect's scans in the period, on SQLite (clones.c), by the
 * label index, named: the collector never runs ANALYZE, and without
 * statistics SQLite takes the product index and the time range instead,
 * every scan of the product in the period with a table lookup each (0.7 s
 * a suspect of a popular product at 10 million scans; tests/
 * test_report_plan.c). */
#define RQ_SQL_CLONE_HITS                                                      \
    "SELECT kiosk, time FROM scans INDEXED BY scans_label WHERE signer = ?1 "  \
    "AND product = ?2 AND lot = ?3 AND serial = ?4 AND verdict "               \
    "IN " SIGNED_VERDICTS " AND time >= ?5 AND time < ?6"

/* 1 when db was made by report_open for a PostgreSQL collector. */
int rq_db_is_pg(sqlite3 *db);

/* Fill c->err and return -1. */
int rq_fail_db(ctx *c, const char *what);
int rq_fail_mem(ctx *c);
int rq_prep(ctx *c, const char *sql, sqlite3_stmt **st);
/* Column i as text, "" for NULL. */
const char *rq_col_str(sqlite3_stmt *st, int i);
/* Append t to the output (freeing it when that fails). */
int rq_add_table(ctx *c, report_table *t);
int rq_in_province(ctx *c, const char *province);
struct kiosk *rq_kiosk_find(ctx *c, const char *id);
int rq_load_kiosks(ctx *c);
/* Scan counts per kiosk and verdict, once per build. */
int rq_pivot(ctx *c);

struct place {
    char name[128];
    const char *sortkey;
    long v[NV];
};
int rq_cmp_place(const void *a, const void *b);
/* The pivot's kiosks summed per province, sorted; malloc'd. */
struct place *rq_by_province(ctx *c, size_t *n);
void rq_fmt_long(char *buf, size_t sz, long v);
/* "YYYY-MM-DD HH:MM" in Vietnam time. */
void rq_fmt_time(int64_t t, char out[17]);
/* Columns: lead columns, the verdicts, total, suspicious. */
report_table *rq_verdict_table(const char *title, int lead,
                               const char *const *leadcols);
int rq_verdict_row(report_table *t, int lead, const char *const *leadv,
                   const long *v);
void rq_chart(report_table *t, int label, int value, int value2,
              const char *title);

/* Inspection findings, per product (findings.c, reinspect.c). */
#define NF (LABELS_FD_COUNT_ + 1) /* the findings, then "other" */
extern const char *const rq_finding_kinds[NF];
struct pagg {
    char code[32];
    long f[NF];
    long rating_changed, expired;
};
struct pagg *rq_pagg_get(struct pagg **a, size_t *n, size_t *cap,
                         const char *code);
long rq_noncompliant(const long *f);
int rq_findings_agg(ctx *c, struct pagg **a, size_t *n, size_t *cap);
void rq_product_info(sqlite3_stmt *st, const char *code, char *name,
                     size_t namesz, char *producer, size_t prodsz);

/* The report kinds: each adds its tables to c->out; 0 or -1. */
int rq_verdicts_by_province(ctx *c);
int rq_verdicts_by_kiosk(ctx *c);
int rq_verdicts_by_day(ctx *c);
int rq_hotspots(ctx *c);
int rq_clones(ctx *c);
int rq_findings(ctx *c);
int rq_reinspect(ctx *c);
int rq_expiring(ctx *c);
int rq_stats(ctx *c);

#endif
