/* import.c -- products from an office's CSV export into the registry: all
 * rows or none, each bad row reported with its line. */
#include "registry/registry.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum col {
    C_CODE,
    C_NAME,
    C_GROUP,
    C_STARS,
    C_PROVINCE,
    C_PRODUCER,
    C_PRODUCER_NAME,
    C_PRODUCER_KIND,
    C_PRODUCER_PROVINCE,
    C_PRODUCER_CONTACT,
    C_CERTIFICATE,
    C_CERTIFIED,
    C_EXPIRES,
    C_STATUS,
    C_STATUS_REASON,
    C_STATUS_DATE,
    C_COUNT
};

static const struct {
    const char *name;
    int required;
    const char *field; /* reg_product_set field, or NULL for producer */
} columns[C_COUNT] = {
    [C_CODE] = {"code", 1, "code"},
    [C_NAME] = {"name", 1, "name"},
    [C_GROUP] = {"group", 1, "group"},
    [C_STARS] = {"stars", 1, "stars"},
    [C_PROVINCE] = {"province", 1, "province"},
    [C_PRODUCER] = {"producer", 1, "producer"},
    [C_PRODUCER_NAME] = {"producer_name", 0, NULL},
    [C_PRODUCER_KIND] = {"producer_kind", 0, NULL},
    [C_PRODUCER_PROVINCE] = {"producer_province", 0, NULL},
    [C_PRODUCER_CONTACT] = {"producer_contact", 0, NULL},
    [C_CERTIFICATE] = {"certificate", 1, "certificate"},
    [C_CERTIFIED] = {"certified", 1, "certified"},
    [C_EXPIRES] = {"expires", 0, "expires"},
    [C_STATUS] = {"status", 0, "status"},
    [C_STATUS_REASON] = {"status_reason", 0, "status_reason"},
    [C_STATUS_DATE] = {"status_date", 0, "status_date"},
};

/* One row into the open transaction. Returns 0, -1 for a bad row (err
 * says why) or -2 when the database itself failed. */
static int import_row(sqlite3 *db, sqlite3_stmt *seen, struct csv *cv,
                      const int *pos, char *err, size_t errsz)
{
    struct reg_product p;
    struct reg_producer pr;
    memset(&p, 0, sizeof p);
    memset(&pr, 0, sizeof pr);
    const char *v[C_COUNT];
    for (int i = 0; i < C_COUNT; i++)
        v[i] = pos[i] >= 0 ? registry_trim(cv->fields[pos[i]]) : "";
    for (int i = 0; i < C_COUNT; i++) {
        if (!columns[i].field || (!columns[i].required && !*v[i]))
            continue;
        if (reg_product_set(&p, columns[i].field, v[i], err, errsz))
            return -1;
    }
    if (reg_product_finish(&p, err, errsz))
        return -1;
    if (reg_producer_set(&pr, "code", p.producer, err, errsz) ||
        (*v[C_PRODUCER_NAME] &&
         reg_producer_set(&pr, "name", v[C_PRODUCER_NAME], err, errsz)) ||
        (*v[C_PRODUCER_KIND] &&
         reg_producer_set(&pr, "kind", v[C_PRODUCER_KIND], err, errsz)) ||
        reg_producer_set(&pr, "province",
                         *v[C_PRODUCER_PROVINCE] ? v[C_PRODUCER_PROVINCE]
                                                 : p.province,
                         err, errsz) ||
        reg_producer_set(&pr, "contact", v[C_PRODUCER_CONTACT], err, errsz))
        return -1;

    /* A code twice in one file names both lines. */
    sqlite3_reset(seen);
    sqlite3_bind_text(seen, 1, p.code, -1, SQLITE_STATIC);
    sqlite3_bind_int(seen, 2, cv->record_line);
    if (sqlite3_step(seen) != SQLITE_DONE) {
        if (sqlite3_extended_errcode(db) == SQLITE_CONSTRAINT_PRIMARYKEY) {
            sqlite3_stmt *st;
            int line = 0;
            if (sqlite3_prepare_v2(db,
                                   "SELECT line FROM import_seen WHERE code=?1",
                                   -1, &st, NULL) == SQLITE_OK) {
                sqlite3_bind_text(st, 1, p.code, -1, SQLITE_STATIC);
                if (sqlite3_step(st) == SQLITE_ROW)
                    line = sqlite3_column_int(st, 0);
                sqlite3_finalize(st);
            }
            snprintf(err, errsz,
                     "duplicate product code %s (also on line %d of this "
                     "file)",
                     p.code, line);
            return -1;
        }
        registry_db_error(db, "import failed", err, errsz);
        return -2;
    }
    if (reg_producer_ensure(db, &pr, err, errsz) ||
        reg_product_insert(db, &p, err, errsz)) {
        int code = sqlite3_errcode(db) & 0xff;
        /* Disk full, I/O errors, or SQLite having rolled the transaction
         * back by itself: the whole import stops. */
        if (code == SQLITE_FULL || code == SQLITE_IOERR ||
            code == SQLITE_CORRUPT || code == SQLITE_NOMEM ||
            code == SQLITE_READONLY || code == SQLITE_BUSY ||
            sqlite3_get_autocommit(db))
            return -2;
        return -1;
    }
    return 0;
}

char *registry_trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    return s;
}

struct import {
    const struct registry_import_diag *d;
    struct csv cv;
    int pos[C_COUNT];
    size_t ncols;
    sqlite3 *db;
    sqlite3_stmt *seen;
    char err[REG_ERR_MAX];
};

static void say(struct import *im, int line, int severe, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void say(struct import *im, int line, int severe, const char *fmt, ...)
{
    char msg[REG_ERR_MAX + 128];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (im->d && im->d->say)
        im->d->say(im->d->ctx, line, severe, msg);
}

/* The header row: every column known, none twice, every required one. */
static int read_header(struct import *im)
{
    for (int i = 0; i < C_COUNT; i++)
        im->pos[i] = -1;
    int rc = csv_next(&im->cv, im->err, sizeof im->err);
    if (rc != 1) {
        if (rc == 0)
            say(im, 0, 1, "empty file (a header row is required)");
        else
            say(im, im->cv.record_line, 1, "header: %s",
                rc == -2 ? "out of memory" : im->err);
        return -1;
    }
    im->ncols = im->cv.nfields;
    int bad = 0, line = im->cv.record_line;
    for (size_t f = 0; f < im->ncols; f++) {
        const char *name = registry_trim(im->cv.fields[f]);
        int found = -1;
        for (int i = 0; i < C_COUNT; i++)
            if (!strcmp(name, columns[i].name))
                found = i;
        if (found < 0) {
            say(im, line, 1, "unknown column '%s'", name);
            bad = 1;
        } else if (im->pos[found] >= 0) {
            say(im, line, 1, "column '%s' appears twice", name);
            bad = 1;
        } else {
            im->pos[found] = (int)f;
        }
    }
    for (int i = 0; i < C_COUNT; i++)
        if (columns[i].required && im->pos[i] < 0) {
            say(im, line, 1, "missing column '%s'", columns[i].name);
            bad = 1;
        }
    if (bad)
        say(im, 0, 1, "nothing imported");
    return bad ? -1 : 0;
}

static int count_producers(sqlite3 *db, int fallback)
{
    sqlite3_stmt *st;
    int n = fallback;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM producers", -1, &st,
                           NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return n;
}

/* Every data row into the open transaction: the number of rows, with
 * *bad the bad ones; -1 when the import must stop. */
static int read_rows(struct import *im, int *bad)
{
    int rows = 0;
    for (;;) {
        int rc = csv_next(&im->cv, im->err, sizeof im->err);
        if (rc == 0)
            return rows;
        if (rc == -2) {
            say(im, 0, 1, "out of memory");
            return -1;
        }
        if (rc == -1) {
            say(im, im->cv.record_line, 0, "%s", im->err);
            (*bad)++;
            continue;
        }
        rows++;
        if (im->cv.nfields != im->ncols) {
            say(im, im->cv.record_line, 0, "%zu fields, the header has %zu",
                im->cv.nfields, im->ncols);
            (*bad)++;
            continue;
        }
        rc = import_row(im->db, im->seen, &im->cv, im->pos, im->err,
                        sizeof im->err);
        if (rc == -1) {
            say(im, im->cv.record_line, 0, "%s", im->err);
            (*bad)++;
        } else if (rc == -2) {
            say(im, im->cv.record_line, 1, "%s", im->err);
            return -1;
        }
    }
}

/* The rows in one transaction, committed only when every row is good. */
static int import_all(struct import *im, int *rows, int *new_producers)
{
    int before = count_producers(im->db, 0), bad = 0;
    if (registry_begin(im->db, im->err, sizeof im->err) ||
        registry_exec(im->db,
                      "CREATE TEMP TABLE import_seen(code TEXT PRIMARY KEY, "
                      "line INTEGER)",
                      im->err, sizeof im->err) ||
        sqlite3_prepare_v2(im->db, "INSERT INTO import_seen VALUES(?1,?2)", -1,
                           &im->seen, NULL) != SQLITE_OK) {
        if (!im->seen)
            registry_db_error(im->db, "import failed", im->err, sizeof im->err);
        say(im, -1, 1, "%s", im->err);
        *rows = -1;
    } else {
        *rows = read_rows(im, &bad);
    }
    sqlite3_finalize(im->seen);
    im->seen = NULL;
    if (*rows == 0 && !bad) {
        say(im, 0, 1, "no product rows");
        bad = 1;
    }
    if (*rows < 0 || bad) {
        registry_rollback(im->db);
        if (bad)
            say(im, 0, 1, "%d bad row%s; nothing imported", bad,
                bad == 1 ? "" : "s");
        else
            say(im, 0, 1, "nothing imported");
        return -1;
    }
    *new_producers = count_producers(im->db, before) - before;
    if (registry_exec(im->db, "DROP TABLE temp.import_seen", im->err,
                      sizeof im->err) ||
        registry_commit(im->db, im->err, sizeof im->err)) {
        say(im, 0, 1, "%s; nothing imported", im->err);
        return -1;
    }
    return 0;
}

int registry_import(const char *dbpath, const char *data, size_t len,
                    const struct registry_import_diag *d, int *rows,
                    int *new_producers)
{
    struct import im;
    memset(&im, 0, sizeof im);
    im.d = d;
    *rows = *new_producers = 0;
    csv_init(&im.cv, data, len);
    int rc = read_header(&im);
    if (rc == 0 && registry_open(dbpath, 0, &im.db, im.err, sizeof im.err)) {
        say(&im, -1, 1, "%s", im.err);
        rc = -1;
    }
    if (rc == 0) {
        rc = import_all(&im, rows, new_producers);
        registry_close(im.db);
    }
    csv_free(&im.cv);
    return rc;
}
