/* mirror_check.c -- a mirror's schema is exactly a documented one. */
#include "labels.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Tables a documented version of the mirror may lack: mirrors published
 * before inspector badges (docs/mirror.md, "Versions"). Everything else
 * in labels_mirror_schema() must be there. */
static const char *const optional_tables[] = {"revoked_badges"};

/* SQL text with comments dropped, runs of white space made one space
 * (none next to punctuation) and words lowercased; quoted strings and
 * identifiers kept byte for byte. Two writers' CREATE statements that
 * differ only in layout compare equal; any other difference does not.
 * Caller frees. */
static char *normalise(const char *sql)
{
    size_t n = strlen(sql);
    char *out = malloc(n + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    int space = 0;
    for (size_t i = 0; i < n;) {
        char c = sql[i];
        if (c == '-' && sql[i + 1] == '-') {
            while (i < n && sql[i] != '\n')
                i++;
            space = 1;
            continue;
        }
        if (c == '/' && sql[i + 1] == '*') {
            const char *end = strstr(sql + i + 2, "*/");
            i = end ? (size_t)(end - sql) + 2 : n;
            space = 1;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
            c == '\v') {
            space = 1;
            i++;
            continue;
        }
        int punct = strchr("(),;", c) != NULL;
        if (space && o > 0 && !punct && !strchr("(,", out[o - 1]))
            out[o++] = ' ';
        space = 0;
        if (c == '\'' || c == '"' || c == '`' || c == '[') {
            char close = c == '[' ? ']' : c;
            out[o++] = sql[i++];
            while (i < n) {
                out[o++] = sql[i];
                if (sql[i++] == close) {
                    if (close != ']' && i < n && sql[i] == close) {
                        out[o++] = sql[i++]; /* a doubled quote */
                        continue;
                    }
                    break;
                }
            }
            continue;
        }
        out[o++] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
        i++;
    }
    out[o] = '\0';
    return out;
}

struct row {
    char *type, *name, *tbl, *sql; /* sql normalised, NULL if none */
    int seen;
};

static void rows_free(struct row *r, int n)
{
    for (int i = 0; i < n; i++) {
        free(r[i].type);
        free(r[i].name);
        free(r[i].tbl);
        free(r[i].sql);
    }
    free(r);
}

static char *dup_col(sqlite3_stmt *st, int col, int norm)
{
    const char *t = (const char *)sqlite3_column_text(st, col);
    if (!t)
        return NULL;
    return norm ? normalise(t) : strdup(t);
}

/* Every row of db's main schema. -1 on a query error (a file that is not
 * a database fails here), -2 out of memory. */
static int read_rows(sqlite3 *db, struct row **out, int *count)
{
    *out = NULL;
    *count = 0;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db,
                           "SELECT type, name, tbl_name, sql"
                           " FROM main.sqlite_schema ORDER BY name",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    struct row *r = NULL;
    int n = 0, cap = 0, rc = 0, step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? 2 * cap : 16;
            struct row *nr = realloc(r, (size_t)cap * sizeof *r);
            if (!nr) {
                rc = -2;
                break;
            }
            r = nr;
        }
        struct row *w = &r[n++];
        memset(w, 0, sizeof *w);
        w->type = dup_col(st, 0, 0);
        w->name = dup_col(st, 1, 0);
        w->tbl = dup_col(st, 2, 0);
        w->sql = dup_col(st, 3, 1);
        if (!w->type || !w->name || !w->tbl ||
            (!w->sql && sqlite3_column_type(st, 3) != SQLITE_NULL)) {
            rc = -2;
            break;
        }
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = -1;
    sqlite3_finalize(st);
    if (rc != 0) {
        rows_free(r, n);
        return rc;
    }
    *out = r;
    *count = n;
    return 0;
}

/* The documented schema as SQLite itself records it: built in a private
 * in-memory database from labels_mirror_schema() and the overlay's
 * statement, the one copy of each. */
static int expected_rows(struct row **out, int *count)
{
    sqlite3 *db = NULL;
    int rc = -1;
    if (sqlite3_open_v2(":memory:", &db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                        NULL) == SQLITE_OK &&
        sqlite3_exec(db, labels_mirror_schema(), NULL, NULL, NULL) ==
            SQLITE_OK &&
        sqlite3_exec(db, labels_mirror_overlay_schema(), NULL, NULL, NULL) ==
            SQLITE_OK)
        rc = read_rows(db, out, count);
    sqlite3_close(db);
    return rc;
}

/* The overlay table and the index its UNIQUE makes. */
static int of_overlay(const struct row *r)
{
    return !strcmp(r->tbl, LABELS_MIRROR_OVERLAY);
}

static int optional(const struct row *r)
{
    if (of_overlay(r))
        return 1;
    for (size_t i = 0; i < sizeof optional_tables / sizeof optional_tables[0];
         i++)
        if (!strcmp(r->type, "table") && !strcmp(r->name, optional_tables[i]))
            return 1;
    return 0;
}

static int same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

static int check_schema(sqlite3 *db, int overlay_ok, char *err, size_t errsz)
{
    char dummy[1];
    if (!err || !errsz) {
        err = dummy;
        errsz = sizeof dummy;
    }
    err[0] = '\0';
    if (!db) {
        snprintf(err, errsz, "no database");
        return LABELS_ERR_ARG;
    }
    struct row *want = NULL, *have = NULL;
    int nwant = 0, nhave = 0;
    int e = expected_rows(&want, &nwant);
    if (e != 0) {
        snprintf(err, errsz, "cannot build the documented mirror schema");
        return e == -2 ? LABELS_ERR_NOMEM : LABELS_ERR_MIRROR;
    }
    e = read_rows(db, &have, &nhave);
    if (e != 0) {
        rows_free(want, nwant);
        snprintf(err, errsz, "cannot read the mirror's schema: %s",
                 e == -2 ? "out of memory" : sqlite3_errmsg(db));
        return e == -2 ? LABELS_ERR_NOMEM : LABELS_ERR_MIRROR;
    }
    int rc = LABELS_OK;
    for (int i = 0; i < nhave && rc == LABELS_OK; i++) {
        struct row *h = &have[i];
        struct row *w = NULL;
        for (int j = 0; j < nwant && !w; j++)
            if (!strcmp(want[j].name, h->name))
                w = &want[j];
        if (w && of_overlay(w) && !overlay_ok) {
            snprintf(err, errsz,
                     "the mirror has the kiosk's table '%s', which a "
                     "published mirror never has",
                     LABELS_MIRROR_OVERLAY);
            rc = LABELS_ERR_MIRROR;
        } else if (!w) {
            snprintf(err, errsz,
                     "the mirror has a %.16s '%.64s' that docs/mirror.md does "
                     "not define",
                     h->type, h->name);
            rc = LABELS_ERR_MIRROR;
        } else if (strcmp(w->type, h->type) || strcmp(w->tbl, h->tbl) ||
                   !same(w->sql, h->sql)) {
            snprintf(err, errsz,
                     "the mirror's %.16s '%.64s' differs from docs/mirror.md",
                     h->type, h->name);
            rc = LABELS_ERR_MIRROR;
        } else {
            w->seen = 1;
        }
    }
    for (int j = 0; j < nwant && rc == LABELS_OK; j++) {
        if (!want[j].seen && !optional(&want[j])) {
            snprintf(err, errsz, "the mirror lacks the %s '%s'", want[j].type,
                     want[j].name);
            rc = LABELS_ERR_MIRROR;
        }
    }
    rows_free(want, nwant);
    rows_free(have, nhave);
    return rc;
}

int labels_mirror_check_schema(struct sqlite3 *db, char *err, size_t errsz)
{
    return check_schema(db, 0, err, errsz);
}

int labels_mirror_check_kept_schema(struct sqlite3 *db, char *err, size_t errsz)
{
    return check_schema(db, 1, err, errsz);
}
