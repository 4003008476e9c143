/* xlsx.c -- report tables as an Excel workbook (Debian's libxlsxwriter),
 * for every report kind: one worksheet per table, numbers as numbers. The
 * library writes a file by name, so the workbook is made in a private
 * temporary file and read back: callers write the bytes like any other
 * output (temporary file and rename) or send them over HTTP. */
#include "report/report.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

static int fill(lxw_workbook *wb, const report_set *s, const char *heading)
{
    lxw_format *bold = workbook_add_format(wb);
    lxw_format *title = workbook_add_format(wb);
    if (!bold || !title)
        return -1;
    format_set_bold(bold);
    format_set_text_wrap(bold);
    format_set_bold(title);
    format_set_font_size(title, 13);
    for (size_t k = 0; k < s->n; k++) {
        const report_table *t = s->t[k];
        char name[32]; /* Excel: at most 31 characters, none of []:*?/\ */
        snprintf(name, sizeof name, "%zu", k + 1);
        lxw_worksheet *ws = workbook_add_worksheet(wb, name);
        if (!ws)
            return -1;
        lxw_row_t r = 0;
        int bad = worksheet_write_string(ws, r++, 0, heading ? heading : "",
                                         title) != LXW_NO_ERROR;
        bad |=
            worksheet_write_string(ws, r++, 0, t->title, bold) != LXW_NO_ERROR;
        if (t->note[0])
            bad |= worksheet_write_string(ws, r++, 0, t->note, NULL) !=
                   LXW_NO_ERROR;
        r++;
        for (int c = 0; c < t->ncols; c++)
            bad |=
                worksheet_write_string(ws, r, (lxw_col_t)c, report_head(t, c),
                                       bold) != LXW_NO_ERROR;
        worksheet_freeze_panes(ws, r + 1, 1);
        bad |= worksheet_set_column(ws, 0, 0, 24, NULL) != LXW_NO_ERROR;
        r++;
        for (size_t i = 0; i < t->nrows; i++, r++)
            for (int c = 0; c < t->ncols; c++) {
                const char *v = report_cell(t, i, c);
                char *end;
                double d = strtod(v, &end);
                if ((t->numeric >> c) & 1 && *v && !*end)
                    bad |= worksheet_write_number(ws, r, (lxw_col_t)c, d,
                                                  NULL) != LXW_NO_ERROR;
                else
                    bad |= worksheet_write_string(ws, r, (lxw_col_t)c, v,
                                                  NULL) != LXW_NO_ERROR;
            }
        if (bad)
            return -1;
    }
    return 0;
}

/* The whole of fd into a malloc'd buffer. */
static int slurp(FILE *f, char **buf, size_t *len)
{
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap);
    while (b) {
        size_t got = fread(b + n, 1, cap - n, f);
        n += got;
        if (n < cap)
            break;
        char *nb = realloc(b, cap * 2);
        if (!nb) {
            free(b);
            b = NULL;
            break;
        }
        b = nb;
        cap *= 2;
    }
    if (!b || ferror(f)) {
        free(b);
        return -1;
    }
    *buf = b;
    *len = n;
    return 0;
}

int report_xlsx(const report_set *s, const char *heading, char **buf,
                size_t *len, char *err, size_t errsz)
{
    *buf = NULL;
    *len = 0;
    const char *dir = getenv("TMPDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/ocop-report-XXXXXX.xlsx",
             dir && *dir ? dir : "/tmp");
    int fd = mkstemps(path, 5);
    if (fd < 0) {
        snprintf(err, errsz, "cannot make a temporary file: %s",
                 strerror(errno));
        return -1;
    }
    close(fd);
    lxw_workbook *wb = workbook_new(path);
    int bad = !wb || fill(wb, s, heading);
    lxw_error rc = wb ? workbook_close(wb) : LXW_ERROR_MEMORY_MALLOC_FAILED;
    if (!bad && rc != LXW_NO_ERROR) {
        snprintf(err, errsz, "cannot write the workbook: %s", lxw_strerror(rc));
        bad = 1;
    } else if (bad)
        snprintf(err, errsz, "cannot build the workbook");
    FILE *f = bad ? NULL : fopen(path, "rb");
    if (!bad && (!f || slurp(f, buf, len))) {
        snprintf(err, errsz, "cannot read the workbook back: %s",
                 strerror(errno));
        bad = 1;
    }
    if (f)
        fclose(f);
    unlink(path);
    return bad ? -1 : 0;
}
