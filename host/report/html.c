/* html.c -- a report as one self-contained HTML file: inline CSS
 * (with print rules), inline SVG bar charts, no script, nothing fetched,
 * so a province office can open, mail or print it as it is. */
#include "report/report.h"

#include <stdlib.h>
#include <string.h>

static void esc(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default:
            /* Control characters have no place in a page. */
            if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t')
                fputc(' ', f);
            else
                fputc(*s, f);
        }
    }
}

/* At most max characters of UTF-8 text, escaped, with an ellipsis. */
static void esc_cut(FILE *f, const char *s, int max)
{
    char buf[256];
    size_t n = 0;
    int chars = 0;
    for (; s[n] && n < sizeof buf - 4; n++) {
        if (((unsigned char)s[n] & 0xC0) != 0x80 && ++chars > max)
            break;
    }
    memcpy(buf, s, n);
    buf[n] = 0;
    esc(f, buf);
    if (s[n])
        fputs("…", f);
}

static const char css[] =
    "body{font-family:'Noto Sans','DejaVu Sans',Arial,sans-serif;"
    "margin:1.5em;color:#111;font-size:14px}"
    "h1{font-size:1.5em;margin:0 0 .2em}h2{font-size:1.15em;margin:1.6em 0 "
    ".3em;border-bottom:2px solid #2a6b3c;padding-bottom:.15em}"
    "p.meta,p.note{color:#444;margin:.2em 0 .6em}"
    "table{border-collapse:collapse;margin:.4em 0 1em;font-size:12px}"
    "th,td{border:1px solid #bbb;padding:2px 6px;text-align:left;"
    "vertical-align:top}th{background:#e8f1ea}td.n{text-align:right;"
    "font-variant-numeric:tabular-nums}"
    "tr:nth-child(even) td{background:#f7f7f7}"
    "svg{display:block;margin:.4em 0}svg text{font-size:11px;"
    "font-family:inherit}.bar{fill:#8fb89a}.bar2{fill:#b3261e}"
    "section{page-break-inside:auto}"
    "@media print{body{margin:0;font-size:11px}h2{page-break-after:avoid}"
    "table{font-size:9px}tr{page-break-inside:avoid}"
    "svg{page-break-inside:avoid}}";

/* Numbers in cells are plain decimals written by the builders. */
static double num(const char *s) { return strtod(s, NULL); }

#define CHART_ROWS 40

static void bar_chart(FILE *f, const report_table *t)
{
    size_t rows = t->nrows - (t->chart_skip_last && t->nrows ? 1 : 0);
    if (!rows)
        return;
    if (rows > CHART_ROWS)
        rows = CHART_ROWS;
    double max = 0;
    for (size_t r = 0; r < rows; r++) {
        double v = num(report_cell(t, r, t->chart_value));
        if (v > max)
            max = v;
    }
    const int label_w = 220, bar_w = 420, row_h = 16, top = 22;
    int h = top + (int)rows * row_h + 6;
    fprintf(f,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
            "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">\n<title>",
            label_w + bar_w + 70, h, label_w + bar_w + 70, h);
    esc(f, t->chart_title);
    fputs("</title>\n<text x=\"0\" y=\"14\" font-weight=\"bold\">", f);
    esc(f, t->chart_title);
    fputs("</text>\n", f);
    for (size_t r = 0; r < rows; r++) {
        int y = top + (int)r * row_h;
        double v = num(report_cell(t, r, t->chart_value));
        int w = max > 0 ? (int)(v / max * bar_w + 0.5) : 0;
        fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", label_w - 6,
                y + 12);
        esc_cut(f, report_cell(t, r, t->chart_label), 34);
        fprintf(f,
                "</text><rect class=\"bar\" x=\"%d\" y=\"%d\" width=\"%d\" "
                "height=\"%d\"/>",
                label_w, y + 2, w, row_h - 4);
        if (t->chart_value2 >= 0) {
            double v2 = num(report_cell(t, r, t->chart_value2));
            int w2 = max > 0 ? (int)(v2 / max * bar_w + 0.5) : 0;
            fprintf(f,
                    "<rect class=\"bar2\" x=\"%d\" y=\"%d\" width=\"%d\" "
                    "height=\"%d\"/>",
                    label_w, y + 2, w2, row_h - 4);
        }
        fprintf(f, "<text x=\"%d\" y=\"%d\">", label_w + w + 4, y + 12);
        esc(f, report_cell(t, r, t->chart_value));
        if (t->chart_value2 >= 0) {
            fputs(" / ", f);
            esc(f, report_cell(t, r, t->chart_value2));
        }
        fputs("</text>\n", f);
    }
    fputs("</svg>\n", f);
    if (t->nrows - (size_t)t->chart_skip_last > CHART_ROWS)
        fprintf(f,
                "<p class=\"note\">Biểu đồ: %d dòng đầu — chart: first "
                "%d rows</p>\n",
                CHART_ROWS, CHART_ROWS);
}

int report_write_html(FILE *f, const report_set *s, const char *heading,
                      const report_opts *o, const char *generated)
{
    fputs("<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta "
          "charset=\"utf-8\">\n<meta name=\"viewport\" "
          "content=\"width=device-width, initial-scale=1\">\n<title>",
          f);
    esc(f, heading);
    fprintf(f, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>", css);
    esc(f, heading);
    fputs("</h1>\n<p class=\"meta\">Tỉnh — province: ", f);
    esc(f, o->province[0] ? o->province : "cả nước (nationwide)");
    fputs("; thời gian — period: ", f);
    esc(f, o->from_day[0] ? o->from_day : "…");
    fputs(" → ", f);
    esc(f, o->to_day[0] ? o->to_day : "…");
    fputs(" (UTC+7); lập lúc — generated: ", f);
    esc(f, generated);
    fputs("</p>\n", f);
    for (size_t k = 0; k < s->n; k++) {
        const report_table *t = s->t[k];
        fputs("<section>\n<h2>", f);
        esc(f, t->title);
        fputs("</h2>\n", f);
        if (t->note[0]) {
            fputs("<p class=\"note\">", f);
            esc(f, t->note);
            fputs("</p>\n", f);
        }
        if (t->chart_label >= 0)
            bar_chart(f, t);
        if (!t->nrows) {
            fputs("<p class=\"note\">Không có dữ liệu — none.</p>\n"
                  "</section>\n",
                  f);
            continue;
        }
        fputs("<table>\n<thead><tr>", f);
        for (int c = 0; c < t->ncols; c++) {
            fputs("<th>", f);
            esc(f, report_head(t, c));
            fputs("</th>", f);
        }
        fputs("</tr></thead>\n<tbody>\n", f);
        for (size_t r = 0; r < t->nrows; r++) {
            fputs("<tr>", f);
            for (int c = 0; c < t->ncols; c++) {
                fputs((t->numeric >> c) & 1 ? "<td class=\"n\">" : "<td>", f);
                esc(f, report_cell(t, r, c));
                fputs("</td>", f);
            }
            fputs("</tr>\n", f);
        }
        fputs("</tbody>\n</table>\n</section>\n", f);
    }
    fputs("</body>\n</html>\n", f);
    return ferror(f) ? -1 : 0;
}
