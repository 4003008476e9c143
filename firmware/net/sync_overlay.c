/* sync_overlay.c -- a delta's product changes written into the kiosk's
 * overlay, and the overlay folded back into a fresh mirror. */
#include "sync_overlay.h"

#include "sync_prefetch.h"

#include <labels.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Why: a 1% delta of a national mirror changes 10,000 products spread
 * over all its pages; updated in place, each costs a page in the WAL
 * and a disk block at the checkpoint (docs/performance.md, "Feed at
 * national size"). Appended to the overlay, they share pages. */

/* More columns than products has, with room to grow. */
#define MAX_COLUMNS 64
/* Rows collected before they are written to the overlay: written while
 * the rows after them are still being read (sync_prefetch.c), yet few
 * enough statements that building each CHECK's IN list, once a
 * statement, costs nothing. */
#define WRITE_ROWS 1024

int overlay_skip_products(void *ctx, const char *table)
{
    (void)ctx;
    return strcmp(table, "products") != 0;
}

enum { S_PUT, S_DROP, S_COUNT };

struct work {
    sqlite3 *db;
    prefetch *pf; /* products' and the overlay's rows, read ahead */
    sqlite3_stmt *st[S_COUNT];
    int ncol;
    int collected;   /* rows in the temporary tables */
    char cols[1024]; /* "code, name, ...": see column_lists */
};

/* "code, name, ..." and "?1, ..., ?N" for products, read from the
 * schema, so that the overlay follows the table whatever its columns. */
static int column_lists(sqlite3 *db, char *cols, size_t colsz, char *marks,
                        size_t marksz, int *ncol)
{
    sqlite3_stmt *st = NULL;
    size_t c = 0, m = 0;
    *ncol = 0;
    cols[0] = marks[0] = '\0';
    int rc = sqlite3_prepare_v2(db,
                                "SELECT name FROM pragma_table_info('products')"
                                " ORDER BY cid",
                                -1, &st, NULL);
    while (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
        int k = ++*ncol;
        int a = snprintf(cols + c, colsz - c, "%s%s", k > 1 ? ", " : "",
                         (const char *)sqlite3_column_text(st, 0));
        int b = snprintf(marks + m, marksz - m, "%s?%d", k > 1 ? ", " : "", k);
        if (a < 0 || b < 0 || (size_t)a >= colsz - c ||
            (size_t)b >= marksz - m || k >= MAX_COLUMNS) {
            rc = SQLITE_TOOBIG;
        } else {
            c += (size_t)a;
            m += (size_t)b;
        }
    }
    sqlite3_finalize(st);
    return rc == SQLITE_OK && *ncol == 0 ? SQLITE_ERROR : rc;
}

static int work_open(struct work *w, sqlite3 *db, prefetch *pf)
{
    memset(w, 0, sizeof *w);
    w->db = db;
    w->pf = pf;
    char marks[512], sql[S_COUNT][2048];
    const char *cols = w->cols;
    int rc = column_lists(db, w->cols, sizeof w->cols, marks, sizeof marks,
                          &w->ncol);
    if (rc != SQLITE_OK)
        return rc;
    /* The rows are written to the overlay WRITE_ROWS at a time (see
     * overlay_write): each CHECK's IN list is then built once a batch,
     * not once a row. Temporary tables without constraints keep them
     * meanwhile. */
    snprintf(sql[S_PUT], sizeof sql[0],
             "INSERT INTO temp.overlay_put VALUES (%s, ?%d)", marks,
             w->ncol + 1);
    snprintf(sql[S_DROP], sizeof sql[0],
             "INSERT INTO temp.overlay_drop VALUES (?1)");
    /* Room for a 1% delta of a national mirror in memory; a larger one
     * spills to SQLite's temporary file, so memory stays bounded. */
    char make[1200];
    snprintf(make, sizeof make,
             "PRAGMA temp.cache_size = -8192;"
             "CREATE TEMP TABLE overlay_put (%s, gone);"
             "CREATE TEMP TABLE overlay_drop (code)",
             cols);
    rc = sqlite3_exec(db, make, NULL, NULL, NULL);
    for (int i = 0; i < S_COUNT && rc == SQLITE_OK; i++)
        rc = sqlite3_prepare_v3(db, sql[i], -1, SQLITE_PREPARE_PERSISTENT,
                                &w->st[i], NULL);
    return rc;
}

/* The collected rows into the overlay, in one statement each: REPLACE
 * deletes a code's older row and appends the new one. A row that breaks
 * the overlay's constraints (those of products) fails the delta. A
 * changeset changes a code once, so the batches' order is the rows'. The
 * last batch (done) drops the temporary tables. */
static int overlay_write(struct work *w, int done, char *err, size_t errsz)
{
    char sql[3000];
    w->collected = 0;
    snprintf(sql, sizeof sql,
             "DELETE FROM " LABELS_MIRROR_OVERLAY " WHERE code IN"
             " (SELECT code FROM temp.overlay_drop);"
             "INSERT OR REPLACE INTO " LABELS_MIRROR_OVERLAY
             " (%s, gone) SELECT %s, gone FROM temp.overlay_put;%s",
             w->cols, w->cols,
             done ? "DROP TABLE temp.overlay_put; DROP TABLE temp.overlay_drop"
                  : "DELETE FROM temp.overlay_put;"
                    " DELETE FROM temp.overlay_drop");
    int rc = sqlite3_exec(w->db, sql, NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        snprintf(err, errsz, "a product of the delta does not fit: %s",
                 sqlite3_errmsg(w->db));
    return rc;
}

static void work_close(struct work *w)
{
    for (int i = 0; i < S_COUNT; i++)
        sqlite3_finalize(w->st[i]);
}

/* One value of a row: a changeset's value, or a value read ahead. */
struct cell {
    sqlite3_value *v;
    const struct prefetch_value *pv;
};

static int cell_type(const struct cell *c)
{
    return c->v ? sqlite3_value_type(c->v) : c->pv->type;
}

static sqlite3_int64 cell_int(const struct cell *c)
{
    return c->v ? sqlite3_value_int64(c->v) : c->pv->i;
}

static double cell_double(const struct cell *c)
{
    return c->v ? sqlite3_value_double(c->v) : c->pv->f;
}

static const void *cell_bytes(const struct cell *c, int type, int *n)
{
    if (c->pv) {
        *n = c->pv->n;
        return c->pv->p;
    }
    /* The pointer first, then its size (SQLite's order). */
    const void *p = type == SQLITE_TEXT ? (const void *)sqlite3_value_text(c->v)
                                        : sqlite3_value_blob(c->v);
    *n = sqlite3_value_bytes(c->v);
    return p;
}

/* The same value, type included: what sqlite3changeset_apply compares. */
static int cell_eq(const struct cell *a, const struct cell *b)
{
    int t = cell_type(a);
    if (t != cell_type(b))
        return 0;
    switch (t) {
    case SQLITE_INTEGER: return cell_int(a) == cell_int(b);
    case SQLITE_FLOAT: return cell_double(a) == cell_double(b);
    case SQLITE_NULL: return 1;
    default: {
        int na, nb;
        const void *pa = cell_bytes(a, t, &na), *pb = cell_bytes(b, t, &nb);
        return na == nb &&
               (na == 0 || (pa && pb && !memcmp(pa, pb, (size_t)na)));
    }
    }
}

static int cell_bind(sqlite3_stmt *dst, int i, const struct cell *c)
{
    if (c->v)
        return sqlite3_bind_value(dst, i, c->v);
    switch (c->pv->type) {
    case SQLITE_INTEGER: return sqlite3_bind_int64(dst, i, c->pv->i);
    case SQLITE_FLOAT: return sqlite3_bind_double(dst, i, c->pv->f);
    /* (A NULL pointer would bind NULL, not an empty value.) */
    case SQLITE_TEXT:
        return sqlite3_bind_text(dst, i, c->pv->n ? c->pv->p : "", c->pv->n,
                                 SQLITE_STATIC);
    case SQLITE_BLOB:
        return c->pv->n ? sqlite3_bind_blob(dst, i, c->pv->p, c->pv->n,
                                            SQLITE_STATIC)
                        : sqlite3_bind_zeroblob(dst, i, 0);
    default: return sqlite3_bind_null(dst, i);
    }
}

/* Write the product's new state (row, ncol cells; NULL: removed) into
 * the overlay: no row when it is products' own row again (a change
 * undone), else its row, or a gone row carrying the row it removes. */
static int store(struct work *w, const char *code, int len,
                 const struct cell *row, const struct prefetch_value *base)
{
    int in_base = base != NULL;
    int same = in_base && row != NULL;
    for (int i = 0; same && i < w->ncol; i++) {
        struct cell b = {NULL, &base[i]};
        same = cell_eq(&row[i], &b);
    }
    sqlite3_stmt *st = w->st[same || (!row && !in_base) ? S_DROP : S_PUT];
    sqlite3_reset(st);
    int rc = SQLITE_OK;
    if (st == w->st[S_DROP]) {
        rc = sqlite3_bind_text(st, 1, code, len, SQLITE_STATIC);
    } else {
        /* A gone row carries products' row (in_base when row is NULL). */
        for (int i = 0; i < w->ncol && rc == SQLITE_OK; i++) {
            struct cell b = {NULL, row ? NULL : &base[i]};
            rc = cell_bind(st, i + 1, row ? &row[i] : &b);
        }
        if (rc == SQLITE_OK)
            rc = sqlite3_bind_int(st, w->ncol + 1, row == NULL);
    }
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_reset(st);
    return rc;
}

/* The product as the mirror answers it now (*cur, NULL: none) and as
 * products has it (*base, NULL: absent). An overlay row is products'
 * columns between seq and gone. */
static int current(struct work *w, const char *code, int len,
                   const struct prefetch_value **cur,
                   const struct prefetch_value **base)
{
    struct prefetch_rows r;
    int rc = prefetch_next(w->pf, code, len, &r);
    if (rc != SQLITE_OK)
        return rc;
    if ((r.base_rc == SQLITE_ROW && r.base_ncol != w->ncol) ||
        (r.ov_rc == SQLITE_ROW && r.ov_ncol != w->ncol + 2))
        return SQLITE_SCHEMA;
    *base = r.base_rc == SQLITE_ROW ? r.base : NULL;
    *cur = *base;
    if (r.ov_rc == SQLITE_ROW) {
        const struct prefetch_value *gone = &r.ov[w->ncol + 1];
        *cur = gone->type == SQLITE_INTEGER && gone->i ? NULL : r.ov + 1;
    }
    return SQLITE_OK;
}

/* One products change of the changeset, with sqlite3changeset_apply's
 * rules: an insert needs the product absent; an update or a delete needs
 * it present with each old value the change carries; else on_conflict
 * is called as SQLite calls it (ours aborts). */
static int apply_one(struct work *w, sqlite3_changeset_iter *it, int op,
                     overlay_conflict_fn on_conflict, void *ctx)
{
    sqlite3_value *k = NULL;
    int rc = op == SQLITE_INSERT ? sqlite3changeset_new(it, 0, &k)
                                 : sqlite3changeset_old(it, 0, &k);
    const char *code = k ? (const char *)sqlite3_value_text(k) : NULL;
    if (rc != SQLITE_OK || !code)
        return rc != SQLITE_OK ? rc : SQLITE_CORRUPT;
    int len = sqlite3_value_bytes(k);
    const struct prefetch_value *cur = NULL, *base = NULL;
    if ((rc = current(w, code, len, &cur, &base)) != SQLITE_OK)
        return rc;
    int type = 0;
    struct cell row[MAX_COLUMNS];
    for (int i = 0; i < w->ncol && rc == SQLITE_OK && !type; i++) {
        sqlite3_value *o = NULL, *n = NULL;
        if (op != SQLITE_INSERT)
            rc = sqlite3changeset_old(it, i, &o);
        if (rc == SQLITE_OK && op != SQLITE_DELETE)
            rc = sqlite3changeset_new(it, i, &n);
        if (rc == SQLITE_OK && op == SQLITE_INSERT && !n)
            rc = SQLITE_CORRUPT; /* an insert carries every value */
        struct cell now = {NULL, cur ? &cur[i] : NULL}, was = {o, NULL};
        if (op == SQLITE_INSERT ? cur != NULL : cur == NULL)
            type = op == SQLITE_INSERT ? SQLITE_CHANGESET_CONFLICT
                                       : SQLITE_CHANGESET_NOTFOUND;
        else if (o && !cell_eq(&was, &now))
            type = SQLITE_CHANGESET_DATA;
        row[i] = n ? (struct cell){n, NULL} : now;
    }
    if (rc == SQLITE_OK && !type)
        rc = store(w, code, len, op == SQLITE_DELETE ? NULL : row, base);
    if (type) {
        on_conflict(ctx, type, it);
        rc = SQLITE_ABORT;
    }
    return rc;
}

/* The first column of sql's first row into *out. */
static int query_int(sqlite3 *db, const char *sql, sqlite3_int64 *out)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    int step = rc == SQLITE_OK ? sqlite3_step(st) : rc;
    if (step == SQLITE_ROW)
        *out = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return step == SQLITE_ROW    ? SQLITE_OK
           : step == SQLITE_DONE ? SQLITE_ERROR
                                 : step;
}

int overlay_exists(sqlite3 *db, sqlite3_int64 *has)
{
    return query_int(db,
                     "SELECT count(*) FROM sqlite_schema WHERE type ="
                     " 'table' AND name = '" LABELS_MIRROR_OVERLAY "'",
                     has);
}

/* Create the overlay in db if it is not there. */
static int overlay_create(sqlite3 *db)
{
    sqlite3_int64 has = 0;
    int rc = overlay_exists(db, &has);
    if (rc == SQLITE_OK && !has)
        rc = sqlite3_exec(db, labels_mirror_overlay_schema(), NULL, NULL, NULL);
    return rc;
}

int overlay_apply(sqlite3 *db, const void *cs, int n, prefetch *pf,
                  overlay_conflict_fn on_conflict, void *ctx, char *err,
                  size_t errsz)
{
    err[0] = '\0';
    sqlite3_changeset_iter *it = NULL;
    struct work w;
    int made = 0, step = SQLITE_DONE;
    memset(&w, 0, sizeof w);
    int rc = sqlite3changeset_start(&it, n, (void *)cs);
    while (rc == SQLITE_OK &&
           (step = sqlite3changeset_next(it)) == SQLITE_ROW) {
        const char *tab;
        int ncol, op;
        unsigned char *pk;
        rc = sqlite3changeset_op(it, &tab, &ncol, &op, NULL);
        if (rc != SQLITE_OK || strcmp(tab, "products"))
            continue;
        /* The overlay and its statements on the first product change. */
        if (!made && (rc = overlay_create(db)) == SQLITE_OK)
            rc = work_open(&w, db, pf);
        made = 1;
        if (rc == SQLITE_OK)
            rc = sqlite3changeset_pk(it, &pk, &ncol);
        for (int i = 1; rc == SQLITE_OK && i < ncol; i++)
            if (pk[i])
                ncol = -1; /* keyed by more than the code */
        if (rc == SQLITE_OK && (ncol != w.ncol || !pk[0])) {
            snprintf(err, errsz, "delta's products are not the mirror's");
            rc = SQLITE_CORRUPT;
        }
        if (rc == SQLITE_OK)
            rc = apply_one(&w, it, op, on_conflict, ctx);
        if (rc == SQLITE_OK && ++w.collected == WRITE_ROWS)
            rc = overlay_write(&w, 0, err, errsz);
    }
    if (rc == SQLITE_OK && step != SQLITE_DONE)
        rc = step;
    int fin = sqlite3changeset_finalize(it);
    if (rc == SQLITE_OK)
        rc = fin;
    if (rc == SQLITE_OK && made)
        rc = overlay_write(&w, 1, err, errsz);
    if (rc != SQLITE_OK && rc != SQLITE_ABORT && !err[0])
        snprintf(err, errsz, "cannot apply the products of the delta: %s",
                 sqlite3_errmsg(db));
    work_close(&w);
    return rc;
}

/* *due = 1 when the overlay has grown past OVERLAY_FOLD_MIN_ROWS and one
 * row per KiB of the file. Counting products instead would read every
 * page of a national mirror. */
static int fold_due(sqlite3 *db, int *due)
{
    sqlite3_int64 has = 0, rows = 0, pages = 0, size = 0;
    *due = 0;
    int rc = overlay_exists(db, &has);
    if (rc != SQLITE_OK || !has)
        return rc;
    rc = query_int(db, "SELECT count(*) FROM " LABELS_MIRROR_OVERLAY, &rows);
    if (rc == SQLITE_OK)
        rc = query_int(db, "PRAGMA page_count", &pages);
    if (rc == SQLITE_OK)
        rc = query_int(db, "PRAGMA page_size", &size);
    *due = rc == SQLITE_OK && rows > OVERLAY_FOLD_MIN_ROWS &&
           rows > pages * size / 1024;
    return rc;
}

/* A fresh file at work with the mirror's page size and its tables,
 * empty (without revoked_badges where the mirror predates it). */
static int fold_create(sqlite3 *db, const char *work)
{
    sqlite3_int64 size = 0, badges = 0;
    int rc = query_int(db, "PRAGMA page_size", &size);
    if (rc == SQLITE_OK)
        rc = query_int(db,
                       "SELECT count(*) FROM sqlite_schema WHERE name ="
                       " 'revoked_badges'",
                       &badges);
    if (rc != SQLITE_OK)
        return rc;
    sqlite3 *out = NULL;
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA page_size = %lld", (long long)size);
    rc = sqlite3_open_v2(work, &out,
                         SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                             SQLITE_OPEN_NOFOLLOW,
                         NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(out, sql, NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(out, labels_mirror_schema(), NULL, NULL, NULL);
    if (rc == SQLITE_OK && !badges)
        rc = sqlite3_exec(out, "DROP TABLE revoked_badges", NULL, NULL, NULL);
    int cl = sqlite3_close(out);
    return rc == SQLITE_OK ? cl : rc;
}

/* Every table into the attached fold, products merged with the overlay
 * in key order (SQLite merges the two ordered scans: no sort). */
static int fold_copy(sqlite3 *db)
{
    char cols[1024], marks[512], sql[4096];
    int ncol;
    int rc = column_lists(db, cols, sizeof cols, marks, sizeof marks, &ncol);
    sqlite3_stmt *st = NULL;
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(db,
                                "SELECT name FROM fold.sqlite_schema WHERE"
                                " type = 'table' ORDER BY name",
                                -1, &st, NULL);
    while (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 0);
        int k =
            strcmp(t, "products")
                ? snprintf(sql, sizeof sql,
                           "INSERT INTO fold.\"%s\" SELECT * FROM main.\"%s\"",
                           t, t)
                : snprintf(sql, sizeof sql,
                           "INSERT INTO fold.products SELECT %s FROM"
                           " main.products p WHERE NOT EXISTS (SELECT 1"
                           " FROM main." LABELS_MIRROR_OVERLAY " o WHERE"
                           " o.code = p.code) UNION ALL SELECT %s FROM"
                           " main." LABELS_MIRROR_OVERLAY " WHERE gone = 0"
                           " ORDER BY 1",
                           cols, cols);
        rc = k > 0 && (size_t)k < sizeof sql
                 ? sqlite3_exec(db, sql, NULL, NULL, NULL)
                 : SQLITE_TOOBIG;
    }
    int fin = sqlite3_finalize(st);
    return rc == SQLITE_OK ? fin : rc;
}

int overlay_fold(const char *mirror, const char *work, char *err, size_t errsz)
{
    sqlite3 *db = NULL;
    int due = 0, attached = 0;
    err[0] = '\0';
    int rc = sqlite3_open_v2(
        mirror, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_busy_timeout(db, 5000);
    if (rc == SQLITE_OK)
        rc = fold_due(db, &due);
    if (rc == SQLITE_OK && due)
        rc = fold_create(db, work);
    sqlite3_stmt *st = NULL;
    if (rc == SQLITE_OK && due) {
        rc = sqlite3_prepare_v2(db, "ATTACH ?1 AS fold", -1, &st, NULL);
        if (rc == SQLITE_OK)
            rc = sqlite3_bind_text(st, 1, work, -1, SQLITE_STATIC);
        if (rc == SQLITE_OK)
            rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK
                                                 : sqlite3_errcode(db);
        sqlite3_finalize(st);
        attached = rc == SQLITE_OK;
    }
    /* The new file needs no journal: a fold that stops is thrown away
     * whole. FULL still syncs it at the commit. */
    if (attached)
        rc = sqlite3_exec(db,
                          "PRAGMA fold.journal_mode = OFF;"
                          "PRAGMA fold.synchronous = FULL; BEGIN",
                          NULL, NULL, NULL);
    if (rc == SQLITE_OK && due &&
        labels_mirror_check_kept_schema(db, err, errsz) != LABELS_OK)
        rc = SQLITE_CORRUPT;
    if (rc == SQLITE_OK && due)
        rc = fold_copy(db);
    if (rc == SQLITE_OK && due)
        rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    if (rc != SQLITE_OK && !err[0]) {
        int en = db ? sqlite3_system_errno(db) : 0;
        snprintf(err, errsz, "cannot fold the overlay of %s: %s%s%s", mirror,
                 db ? sqlite3_errmsg(db) : "out of memory", en ? ": " : "",
                 en ? strerror(en) : "");
    }
    if (attached)
        sqlite3_exec(db, "ROLLBACK; DETACH fold", NULL, NULL, NULL);
    if (sqlite3_close(db) != SQLITE_OK && rc == SQLITE_OK) {
        snprintf(err, errsz, "cannot close %s", mirror);
        rc = SQLITE_ERROR;
    }
    return rc != SQLITE_OK ? -1 : due;
}
