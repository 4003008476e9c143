/* render.c -- report tables: building them, and writing them as a
 * terminal table or CSV. */
#include "report/report.h"
#include "registry/registry.h"

#include <labels.h>

#include <stdlib.h>
#include <string.h>

report_table *report_table_new(const char *title, int ncols,
                               const char *const *cols, unsigned numeric)
{
    if (ncols < 1 || ncols > REPORT_MAX_COLS)
        return NULL;
    report_table *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    snprintf(t->title, sizeof t->title, "%s", title);
    t->ncols = ncols;
    for (int i = 0; i < ncols; i++)
        t->cols[i] = cols[i];
    t->numeric = numeric;
    t->chart_label = -1;
    return t;
}

int report_table_add(report_table *t, const char *const *cells)
{
    if (t->nrows == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 64;
        char **c = realloc(t->cells, cap * (size_t)t->ncols * sizeof *c);
        if (!c)
            return -1;
        t->cells = c;
        t->cap = cap;
    }
    char **row = t->cells + t->nrows * (size_t)t->ncols;
    for (int i = 0; i < t->ncols; i++) {
        row[i] = strdup(cells[i] ? cells[i] : "");
        if (!row[i]) {
            while (i-- > 0)
                free(row[i]);
            return -1;
        }
    }
    t->nrows++;
    return 0;
}

const char *report_head(const report_table *t, int c)
{
    return t->heads[c] ? t->heads[c] : t->cols[c];
}

const char *report_cell(const report_table *t, size_t row, int col)
{
    return t->cells[row * (size_t)t->ncols + (size_t)col];
}

static void table_free(report_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->nrows * (size_t)t->ncols; i++)
        free(t->cells[i]);
    free(t->cells);
    free(t);
}

void report_set_free(report_set *s)
{
    for (size_t i = 0; i < s->n; i++)
        table_free(s->t[i]);
    free(s->t);
    s->t = NULL;
    s->n = 0;
}

/* Terminal columns of UTF-8 text: Vietnamese letters are one column
 * each, precomposed or with combining marks. */
static int width_utf8(const char *s)
{
    int n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p & 0xC0) == 0x80)
            continue;
        /* U+0300..U+036F combining marks take no column. */
        if (p[0] == 0xCC || (p[0] == 0xCD && p[1] < 0xB0))
            continue;
        n++;
    }
    return n;
}

int report_write_text(FILE *f, const report_set *s)
{
    for (size_t k = 0; k < s->n; k++) {
        const report_table *t = s->t[k];
        int w[REPORT_MAX_COLS];
        for (int c = 0; c < t->ncols; c++) {
            w[c] = width_utf8(report_head(t, c));
            for (size_t r = 0; r < t->nrows; r++) {
                int x = width_utf8(report_cell(t, r, c));
                if (x > w[c])
                    w[c] = x;
            }
        }
        fprintf(f, "%s%s\n", k ? "\n" : "", t->title);
        if (t->note[0])
            fprintf(f, "%s\n", t->note);
        for (int c = 0; c < t->ncols; c++) {
            int pad = w[c] - width_utf8(report_head(t, c));
            int right = (t->numeric >> c) & 1;
            fprintf(f, "%s%*s%s%*s", c ? "  " : "", right ? pad : 0, "",
                    report_head(t, c), right || c == t->ncols - 1 ? 0 : pad,
                    "");
        }
        fputc('\n', f);
        for (size_t r = 0; r < t->nrows; r++) {
            for (int c = 0; c < t->ncols; c++) {
                const char *v = report_cell(t, r, c);
                int pad = w[c] - width_utf8(v);
                int right = (t->numeric >> c) & 1;
                fprintf(f, "%s%*s%s%*s", c ? "  " : "", right ? pad : 0, "", v,
                        right || c == t->ncols - 1 ? 0 : pad, "");
            }
            fputc('\n', f);
        }
        if (!t->nrows)
            fputs("(none)\n", f);
    }
    return ferror(f) ? -1 : 0;
}

int report_write_csv(FILE *f, const report_set *s)
{
    for (size_t k = 0; k < s->n; k++) {
        const report_table *t = s->t[k];
        if (k)
            fputc('\n', f);
        csv_write_row(f, t->cols, (size_t)t->ncols);
        for (size_t r = 0; r < t->nrows; r++)
            csv_write_row(f, (const char *const *)&t->cells[r * t->ncols],
                          (size_t)t->ncols);
    }
    return ferror(f) ? -1 : 0;
}

void report_day(int64_t t, char out[LABELS_DATE_SIZE])
{
    int64_t z = t + REPORT_TZ_OFFSET;
    int y, m, d;
    labels_civil_from_days((z >= 0 ? z : z - 86399) / 86400, &y, &m, &d);
    if (y < 0 || y > 9999)
        y = 0;
    snprintf(out, LABELS_DATE_SIZE, "%04d-%02d-%02d", y, m, d);
}

int64_t report_day_start(const char *day)
{
    int y = atoi(day), m = atoi(day + 5), d = atoi(day + 8);
    return labels_days_from_civil(y, m, d) * 86400 - REPORT_TZ_OFFSET;
}
