/* report.h -- ocop-host report: figures from the collector's scans and
 * findings beside the registry (docs/reports.md).
 *
 * Every report is built as a list of tables of text cells, so one
 * renderer each writes them as a terminal table, CSV or HTML with SVG
 * bar charts, and the figures are the same in all three. */
#ifndef OCOP_HOST_REPORT_H
#define OCOP_HOST_REPORT_H

#include <labels.h>
#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define REPORT_MAX_COLS 24

typedef struct report_table {
    char title[256]; /* "Vietnamese — English" */
    char note[512];  /* one explanatory line, may be empty */
    int ncols;
    const char *cols[REPORT_MAX_COLS];  /* static strings: CSV headers */
    const char *heads[REPORT_MAX_COLS]; /* static strings shown as headings
                                           (table, HTML, XLSX); NULL: cols */
    unsigned numeric;                   /* bit i: column i is a number */
    size_t nrows, cap;
    char **cells; /* nrows * ncols, each malloc'd */
    /* Bar chart for HTML: label column and one or two value columns
     * (the second drawn over the first, e.g. problems over all scans);
     * chart_label < 0: no chart. */
    int chart_label, chart_value, chart_value2;
    int chart_skip_last; /* the last row is a total: not charted */
    char chart_title[160];
} report_table;

typedef struct report_opts {
    int64_t from, to;                /* Unix seconds, [from, to) */
    char from_day[LABELS_DATE_SIZE]; /* "" when open */
    char to_day[LABELS_DATE_SIZE];   /* "" when open */
    char province[128];              /* "" for all */
    char today[LABELS_DATE_SIZE];    /* for certificate expiry */
    long limit;                      /* rows of ranked lists */
    long expiring_days;              /* certificates expiring within */
    long clone_scans;                /* suspect when scanned more than this */
    long clone_kiosks;               /* ... or at this many kiosks ... */
    long clone_window_h;             /* ... within this many hours */
    long reinspect_scans; /* rating_changed or expired scans to flag */
} report_opts;

/* The numeric options of report_opts with the bounds both the command
 * (--limit, --expiring-days, ...) and the console (the same names as
 * query fields) accept (options.c). */
typedef struct report_num_opt {
    const char *name; /* "limit", "expiring-days", ...; NULL ends the list */
    long min, max;
    size_t off; /* of the long in report_opts */
} report_num_opt;
extern const report_num_opt report_num_opts[];
/* The defaults: every scan, 20 rows, 90 days, the clone rules 20 scans,
 * 3 kiosks in 24 h, 10 scans to re-inspect; today left empty. */
void report_opts_init(report_opts *o);
const report_num_opt *report_num_opt_find(const char *name);
/* Set n's field from the whole number s; -1 when it is not one within
 * n's bounds. */
int report_opts_num(report_opts *o, const report_num_opt *n, const char *s);

/* The period from the Vietnam day from to the day to, both inclusive;
 * NULL or "" leaves that end open. 0, -1 when a day is not a real
 * YYYY-MM-DD, -2 when from is after to. */
int report_opts_period(report_opts *o, const char *from, const char *to);

/* Vietnam has no daylight saving: days are UTC+7 days. */
#define REPORT_TZ_OFFSET (7 * 3600)

typedef struct report_set {
    report_table **t;
    size_t n;
} report_set;

/* The report kinds, in the order the HTML "all" report shows them. */
extern const char *const report_kinds[];
int report_kind_valid(const char *kind);

/* Build the tables of one kind ("verdicts", "hotspots", "clones",
 * "findings", "reinspect", "expiring", "stats", "all"). db is the
 * collector database with the registry attached as "reg". by selects
 * the verdicts breakdown ("province", "kiosk", "day"; NULL: all three).
 * 0, or -1 with a message in err. */
int report_build(sqlite3 *db, const char *kind, const char *by,
                 const report_opts *o, report_set *out, char *err,
                 size_t errsz);
void report_set_free(report_set *s);

/* Open the collector at coll read-only with the registry at reg attached
 * as "reg", after one read-write open that adds the report indexes and
 * findings table to an older collector database. 0, or -1 with err set. */
int report_open(const char *coll, const char *reg, sqlite3 **db, char *err,
                size_t errsz);
/* report_build in one read transaction: every table sees the same scans. */
int report_run(sqlite3 *db, const char *kind, const char *by,
               const report_opts *o, report_set *out, char *err, size_t errsz);

typedef enum report_format {
    REPORT_TEXT,
    REPORT_CSV,
    REPORT_HTML,
    REPORT_XLSX /* one worksheet per table (report/xlsx.c) */
} report_format;
/* Whether fmt can carry kind: NULL, or the sentence saying why not (CSV
 * is one kind at a time). For CSV of verdicts without a breakdown, *by
 * becomes "province" (one table per file). */
const char *report_format_check(const char *kind, report_format fmt,
                                const char **by);
/* The set rendered into a malloc'd buffer (*buf, *len); heading and
 * generated are for HTML. 0, or -1 when out of memory. */
int report_render(const report_set *s, report_format fmt, const char *heading,
                  const report_opts *o, const char *generated, char **buf,
                  size_t *len);

/* Table helpers for report builders. */
report_table *report_table_new(const char *title, int ncols,
                               const char *const *cols, unsigned numeric);
/* Append a row of ncols cells (copied); -1 when out of memory. */
int report_table_add(report_table *t, const char *const *cells);
const char *report_cell(const report_table *t, size_t row, int col);

/* Renderers (report_render.c, report_html.c). -1 on a write error. */
int report_write_text(FILE *f, const report_set *s);
int report_write_csv(FILE *f, const report_set *s);
int report_write_html(FILE *f, const report_set *s, const char *heading,
                      const report_opts *o, const char *generated);

/* The set as an Excel workbook (libxlsxwriter): one worksheet per table,
 * the heading on top, the table's headings bold, numbers as numbers.
 * *buf (malloc'd, *len bytes) gets the file's bytes, so it is written like
 * every other output (temporary file and rename, or an HTTP answer).
 * 0, or -1 with err set. */
int report_xlsx(const report_set *s, const char *heading, char **buf,
                size_t *len, char *err, size_t errsz);
/* A table's heading for column c: heads[c], or the CSV header. */
const char *report_head(const report_table *t, int c);

struct reg_stats_query;
/* The registry's statistics alone, without a collector (ocop-host stats):
 * one table, a row per unit of q->units with products, in Vietnamese
 * alphabetical order, then the row for the whole country named total;
 * the CSV keys of registry_stats_keys and Vietnamese headings. reg is
 * the registry (schema "main"). 0, or -1 with err set. */
int report_registry_stats(sqlite3 *reg, const struct reg_stats_query *q,
                          const char *total, report_set *out, char *err,
                          size_t errsz);

/* Day "YYYY-MM-DD" (Vietnam time) of Unix seconds, and back (the first
 * second of that day). */
void report_day(int64_t t, char out[LABELS_DATE_SIZE]);
int64_t report_day_start(const char *day);

#endif
