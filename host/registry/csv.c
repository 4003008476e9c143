/* csv.c -- RFC 4180 CSV: read as spreadsheets export it (quotes, doubled
 * quotes, CRLF or LF, newlines inside quoted fields), and written with
 * formula-like cells neutralised. */
#include "registry/registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void csv_init(struct csv *c, const char *data, size_t len)
{
    memset(c, 0, sizeof c[0]);
    c->p = data;
    c->end = data + len;
    c->line = 1;
    if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3))
        c->p += 3;
    /* Excel saves "CSV" with the locale's list separator: ';' where the
     * decimal mark is a comma, as in Vietnam. The header line decides. */
    size_t commas = 0, semis = 0;
    int quoted = 0;
    for (const char *q = c->p; q < c->end && (quoted || *q != '\n'); q++) {
        if (*q == '"')
            quoted = !quoted;
        else if (!quoted)
            commas += *q == ',', semis += *q == ';';
    }
    c->sep = semis > commas ? ';' : ',';
}

/* A NUL inside a field would cut it short everywhere C reads it. */
static int nul_in_field(struct csv *c, char *err, size_t errsz)
{
    snprintf(err, errsz, "a NUL byte in column %zu", c->nfields);
    return -1;
}

void csv_free(struct csv *c)
{
    free(c->buf);
    c->buf = NULL;
}

/* Skip to just after the end of the current line. */
static void skip_line(struct csv *c)
{
    while (c->p < c->end && *c->p != '\n')
        c->p++;
    if (c->p < c->end) {
        c->p++;
        c->line++;
    }
}

int csv_next(struct csv *c, char *err, size_t errsz)
{
    /* Skip blank lines. */
    for (;;) {
        if (c->p >= c->end)
            return 0;
        if (*c->p == '\n') {
            c->p++, c->line++;
        } else if (*c->p == '\r' && c->p + 1 < c->end && c->p[1] == '\n') {
            c->p += 2, c->line++;
        } else {
            break;
        }
    }
    c->record_line = c->line;
    /* Unescaped text is never longer than the rest of the input. */
    size_t need = (size_t)(c->end - c->p) + CSV_MAX_FIELDS + 1;
    if (need > c->bufsz) {
        char *nb = realloc(c->buf, need);
        if (!nb)
            return -2;
        c->buf = nb;
        c->bufsz = need;
    }
    char *out = c->buf;
    c->nfields = 0;
    for (;;) {
        if (c->nfields == CSV_MAX_FIELDS) {
            snprintf(err, errsz, "more than %d fields", CSV_MAX_FIELDS);
            skip_line(c);
            return -1;
        }
        c->fields[c->nfields++] = out;
        if (c->p < c->end && *c->p == '"') {
            int start = c->line;
            c->p++;
            for (;;) {
                if (c->p >= c->end) {
                    snprintf(err, errsz,
                             "quoted field opened on line %d never closes",
                             start);
                    return -1;
                }
                if (*c->p == '"') {
                    if (c->p + 1 < c->end && c->p[1] == '"') {
                        *out++ = '"';
                        c->p += 2;
                        continue;
                    }
                    c->p++;
                    break;
                }
                if (*c->p == '\n')
                    c->line++;
                if (*c->p == '\0') {
                    skip_line(c);
                    return nul_in_field(c, err, errsz);
                }
                *out++ = *c->p++;
            }
            if (c->p < c->end && *c->p != c->sep && *c->p != '\n' &&
                !(*c->p == '\r' && c->p + 1 < c->end && c->p[1] == '\n')) {
                snprintf(err, errsz, "text after a closing quote");
                skip_line(c);
                return -1;
            }
        } else {
            while (c->p < c->end && *c->p != c->sep && *c->p != '\n' &&
                   !(*c->p == '\r' && c->p + 1 < c->end && c->p[1] == '\n')) {
                if (*c->p == '"') {
                    snprintf(err, errsz,
                             "a quote inside an unquoted field (quote the "
                             "whole field and double the quote)");
                    skip_line(c);
                    return -1;
                }
                if (*c->p == '\0') {
                    skip_line(c);
                    return nul_in_field(c, err, errsz);
                }
                *out++ = *c->p++;
            }
        }
        *out++ = '\0';
        if (c->p >= c->end)
            return 1;
        if (*c->p == c->sep) {
            c->p++;
            continue;
        }
        c->p += *c->p == '\r' ? 2 : 1;
        c->line++;
        return 1;
    }
}

/* A cell a spreadsheet would run as a formula: one that starts with = + -
 * or @, or with a tab or carriage return (which some strip before looking
 * again). A plain number ("-3", "+1.5") is a number, not a formula. */
static int formula_like(const char *s)
{
    if (!s[0] || !strchr("=+-@\t\r", s[0]))
        return 0;
    const char *p = s + (s[0] == '-' || s[0] == '+');
    if (*p < '0' || *p > '9')
        return 1;
    while (*p >= '0' && *p <= '9')
        p++;
    if (*p == '.' && p[1] >= '0' && p[1] <= '9')
        for (p++; *p >= '0' && *p <= '9';)
            p++;
    return *p != '\0';
}

void csv_write_field(FILE *f, const char *s)
{
    /* Opened in a spreadsheet, the office's file must not run anything:
     * a formula-like cell gets a leading single quote, which spreadsheets
     * read as "this is text". */
    int formula = formula_like(s);
    int quote = strpbrk(s, ",\"\r\n") != NULL;
    if (quote)
        fputc('"', f);
    if (formula)
        fputc('\'', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    if (quote)
        fputc('"', f);
}

void csv_write_row(FILE *f, const char *const *cells, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputc(',', f);
        csv_write_field(f, cells[i]);
    }
    fputc('\n', f);
}
