/* import.c -- products from an office's CSV export into the registry, new
 * ones (import) or changes to existing ones (update): all rows or none,
 * each bad row reported with its line. */
#include "registry/registry.h"

#include <ctype.h>
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
    const char *field;  /* reg_product_set field, or NULL for producer */
    labels_field label; /* the head a Vietnamese spreadsheet gives it */
} columns[C_COUNT] = {
    [C_CODE] = {"code", 1, "code", LABELS_F_PRODUCT_CODE},
    [C_NAME] = {"name", 1, "name", LABELS_F_PRODUCT_NAME},
    [C_GROUP] = {"group", 1, "group", LABELS_F_GROUP},
    [C_STARS] = {"stars", 1, "stars", LABELS_F_STARS},
    [C_PROVINCE] = {"province", 1, "province", LABELS_F_PROVINCE},
    [C_PRODUCER] = {"producer", 1, "producer", LABELS_F_PRODUCER_CODE},
    [C_PRODUCER_NAME] = {"producer_name", 0, NULL, LABELS_F_PRODUCER_NAME},
    [C_PRODUCER_KIND] = {"producer_kind", 0, NULL, LABELS_F_PRODUCER_KIND},
    [C_PRODUCER_PROVINCE] = {"producer_province", 0, NULL,
                             LABELS_F_PRODUCER_PROVINCE},
    [C_PRODUCER_CONTACT] = {"producer_contact", 0, NULL,
                            LABELS_F_PRODUCER_CONTACT},
    [C_CERTIFICATE] = {"certificate", 1, "certificate", LABELS_F_CERTIFICATE},
    [C_CERTIFIED] = {"certified", 1, "certified", LABELS_F_CERTIFIED_ON},
    [C_EXPIRES] = {"expires", 0, "expires", LABELS_F_EXPIRES_ON},
    [C_STATUS] = {"status", 0, "status", LABELS_F_STATUS},
    [C_STATUS_REASON] = {"status_reason", 0, "status_reason", LABELS_F_REASON},
    [C_STATUS_DATE] = {"status_date", 0, "status_date", LABELS_F_STATUS_DATE},
};

/* ---- What the file named so far -----------------------------------------
 * Product codes (for duplicates) and producers (each looked up in the
 * registry once, however many rows name it), hashed in memory: a row
 * costs no query for either. */

struct seen {
    char *key;         /* product or producer code */
    char *name, *kind; /* a producer as registered, or as first given */
    int line;          /* a product code's line */
};

struct seen_set {
    struct seen *slots;
    size_t n, used; /* n a power of two, at most half used */
};

static struct seen *seen_find(const struct seen_set *s, const char *key)
{
    unsigned h = 5381;
    for (const char *q = key; *q; q++)
        h = h * 33 + (unsigned char)*q;
    for (size_t i = h & (s->n - 1);; i = (i + 1) & (s->n - 1))
        if (!s->slots[i].key || !strcmp(s->slots[i].key, key))
            return &s->slots[i];
}

/* Room for one more key: 0, or -1 when out of memory. */
static int seen_grow(struct seen_set *s)
{
    if (s->used * 2 < s->n)
        return 0;
    struct seen_set bigger = {NULL, s->n ? s->n * 2 : 1024, s->used};
    bigger.slots = calloc(bigger.n, sizeof *bigger.slots);
    if (!bigger.slots)
        return -1;
    for (size_t i = 0; i < s->n; i++)
        if (s->slots[i].key)
            *seen_find(&bigger, s->slots[i].key) = s->slots[i];
    free(s->slots);
    *s = bigger;
    return 0;
}

static void seen_free(struct seen_set *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->slots[i].key);
        free(s->slots[i].name);
        free(s->slots[i].kind);
    }
    free(s->slots);
    memset(s, 0, sizeof *s);
}

/* key into s (not there yet) as *e: 0, or -1 when out of memory. */
static int seen_add(struct seen_set *s, const char *key, struct seen **e)
{
    if (seen_grow(s))
        return -1;
    *e = seen_find(s, key);
    if (!((*e)->key = strdup(key)))
        return -1;
    s->used++;
    return 0;
}

#define IMPORT_MEMO 256
#define IMPORT_MEMO_PROBE 8

struct import {
    const struct registry_import_diag *d;
    const struct registry_import_opts *o;
    struct registry_import_summary *s;
    struct csv cv;
    int pos[C_COUNT];
    size_t ncols;
    sqlite3 *db;
    sqlite3_stmt *seen; /* INSERT INTO temp.import_rows */
    struct field_memo {
        const char *field; /* "province" or "group" */
        char in[64], out[64];
    } memo[IMPORT_MEMO];
    sqlite3_stmt *stage_producer; /* INSERT INTO temp.import_producers */
    struct seen_set codes, producers;
    char err[REG_ERR_MAX];
};

/* A cell as the registry reads it: trimmed; codes in capitals (a
 * spreadsheet's autocorrect lowercases them); a date written DD/MM/YYYY
 * (or D/M/YYYY), as Excel shows dates in Vietnam, as YYYY-MM-DD into
 * date (kept as typed when it is not one, for the error message). */
static const char *cell(struct import *im, int col, char date[LABELS_DATE_SIZE])
{
    if (im->pos[col] < 0)
        return "";
    char *v = registry_trim(im->cv.fields[im->pos[col]]);
    if (col == C_CODE || col == C_PRODUCER)
        for (char *q = v; *q; q++)
            *q = (char)toupper((unsigned char)*q);
    if (col != C_CERTIFIED && col != C_EXPIRES && col != C_STATUS_DATE)
        return v;
    unsigned d, m, y;
    int n = 0;
    if (sscanf(v, "%2u/%2u/%4u%n", &d, &m, &y, &n) != 3 || v[n] || n < 8 ||
        y < 1000 || d > 31 || m > 12)
        return v;
    snprintf(date, LABELS_DATE_SIZE, "%04u-%02u-%02u", y % 10000, m % 100,
             d % 100);
    return regdate_check(date) == 0 ? date : v;
}

static int set_memo(struct import *im, const char *field, char *dst,
                    size_t dstsz, const char *value, char *err, size_t errsz);

/* The producer a row names, checked against the product (p). */
static int row_producer(struct import *im, const char *const *v,
                        const struct reg_product *p, struct reg_producer *pr,
                        char *err, size_t errsz)
{
    memset(pr, 0, sizeof *pr);
    const char *prov =
        *v[C_PRODUCER_PROVINCE] ? v[C_PRODUCER_PROVINCE] : p->province;
    return reg_producer_set(pr, "code", p->producer, err, errsz) ||
                   (*v[C_PRODUCER_NAME] &&
                    reg_producer_set(pr, "name", v[C_PRODUCER_NAME], err,
                                     errsz)) ||
                   (*v[C_PRODUCER_KIND] &&
                    reg_producer_set(pr, "kind", v[C_PRODUCER_KIND], err,
                                     errsz)) ||
                   set_memo(im, "province", pr->province, sizeof pr->province,
                            prov, err, errsz) ||
                   reg_producer_set(pr, "contact", v[C_PRODUCER_CONTACT], err,
                                    errsz)
               ? -1
               : 0;
}

/* A failed write: -2 when the database failed (disk full, I/O, SQLite
 * having rolled the transaction back by itself) and the import must
 * stop, -1 when only this row is wrong. */
static int write_failed(sqlite3 *db)
{
    int code = sqlite3_errcode(db) & 0xff;
    if (code == SQLITE_FULL || code == SQLITE_IOERR || code == SQLITE_CORRUPT ||
        code == SQLITE_NOMEM || code == SQLITE_READONLY ||
        code == SQLITE_BUSY || sqlite3_get_autocommit(db))
        return -2;
    return -1;
}

/* A code the file gave before is a bad row naming both lines (-1); else
 * the row (for a new product, p) goes into temp.import_rows: 0, or -2
 * when that failed. */
static int stage(struct import *im, const char *code,
                 const struct reg_product *p, char *err, size_t errsz)
{
    if (seen_grow(&im->codes)) {
        snprintf(err, errsz, "out of memory");
        return -2;
    }
    struct seen *e = seen_find(&im->codes, code);
    if (e->key) {
        snprintf(err, errsz,
                 "duplicate product code %s (also on line %d of this file)",
                 code, e->line);
        return -1;
    }
    if (seen_add(&im->codes, code, &e)) {
        snprintf(err, errsz, "out of memory");
        return -2;
    }
    e->line = im->cv.record_line;
    if (!p)
        return 0;
    sqlite3_stmt *st = im->seen;
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, im->cv.record_line);
    const char *const t[] = {p->name,        p->grp,         p->producer,
                             p->province,    p->status,      p->status_reason,
                             p->status_date, p->certificate, p->certified,
                             p->expires};
    for (int i = 0; i < 10; i++)
        sqlite3_bind_text(st, 3 + i, t[i], -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 13, p->stars);
    sqlite3_bind_int(st, 14, p->proposed5);
    sqlite3_bind_text(st, 15, p->certified_unit, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_DONE)
        return 0;
    registry_db_error(im->db, "import failed", err, errsz);
    return -2;
}

/* A province or group as the registry stores it, remembered per spelling:
 * a file of a million rows spells a few dozen of them. */
static int set_memo(struct import *im, const char *field, char *dst,
                    size_t dstsz, const char *value, char *err, size_t errsz)
{
    unsigned h = (unsigned char)field[0];
    for (const char *q = value; *q; q++)
        h = h * 33 + (unsigned char)*q;
    /* Open addressing over a few slots: in one slot per hash, two
     * spellings of a file that collide evicted each other row after row,
     * and each miss folds the value against every accepted spelling
     * (issue 12: 7% of an import's CPU). */
    struct field_memo *m = NULL;
    for (unsigned i = 0; i < IMPORT_MEMO_PROBE; i++) {
        struct field_memo *t = &im->memo[(h + i) % IMPORT_MEMO];
        if (!t->field) {
            m = t;
            break;
        }
        if (!strcmp(t->field, field) && !strcmp(t->in, value)) {
            snprintf(dst, dstsz, "%s", t->out);
            return 0;
        }
    }
    if (!m)
        m = &im->memo[h % IMPORT_MEMO];
    struct reg_product tmp;
    memset(&tmp, 0, sizeof tmp);
    /* "certified_unit": the unit a province column named (Hà Giang). */
    if (reg_product_set(&tmp, field[0] == 'c' ? "province" : field, value, err,
                        errsz))
        return -1;
    const char *out = field[0] == 'p'   ? tmp.province
                      : field[0] == 'c' ? tmp.certified_unit
                                        : tmp.grp;
    snprintf(dst, dstsz, "%s", out);
    if (strlen(value) < sizeof m->in) {
        m->field = field;
        snprintf(m->in, sizeof m->in, "%s", value);
        snprintf(m->out, sizeof m->out, "%s", out);
    }
    return 0;
}

/* reg_producer_ensure for a file: the name and kind a row gives must be
 * the producer's (the registry's, or the first row's for a new one).
 * Returns as import_row. */
static int producer_ensure(struct import *im, const struct reg_producer *pr,
                           char *err, size_t errsz)
{
    if (seen_grow(&im->producers)) {
        snprintf(err, errsz, "out of memory");
        return -2;
    }
    struct seen *sp = seen_find(&im->producers, pr->code);
    if (!sp->key) {
        struct reg_producer have;
        int rc = reg_producer_load(im->db, pr->code, &have, err, errsz);
        if (rc < 0)
            return -2;
        if (rc == 0 && (!pr->name[0] || !pr->kind[0])) {
            snprintf(err, errsz,
                     "producer %s is not in the registry; give its name and "
                     "kind to add it",
                     pr->code);
            return -1;
        }
        if (rc == 0) {
            have = *pr;
            sqlite3_reset(im->stage_producer);
            const char *const t[] = {pr->code, pr->name, pr->kind, pr->province,
                                     pr->contact};
            for (int i = 0; i < 5; i++)
                sqlite3_bind_text(im->stage_producer, 1 + i, t[i], -1,
                                  SQLITE_STATIC);
            if (sqlite3_step(im->stage_producer) != SQLITE_DONE) {
                registry_db_error(im->db, "import failed", err, errsz);
                return -2;
            }
        }
        if (seen_add(&im->producers, pr->code, &sp) ||
            !(sp->name = strdup(have.name)) ||
            !(sp->kind = strdup(have.kind))) {
            snprintf(err, errsz, "out of memory");
            return -2;
        }
    }
    struct reg_producer have;
    memset(&have, 0, sizeof have);
    snprintf(have.code, sizeof have.code, "%s", sp->key);
    snprintf(have.name, sizeof have.name, "%s", sp->name);
    snprintf(have.kind, sizeof have.kind, "%s", sp->kind);
    return reg_producer_matches(&have, pr, err, errsz) ? -1 : 0;
}

/* Whether the caller's row check (registry_import_diag.row) refuses a
 * good row. */
static int refused(struct import *im, const struct reg_product *old,
                   const struct reg_product *p, const struct reg_producer *pr,
                   char *err, size_t errsz)
{
    if (!im->d || !im->d->row ||
        !im->d->row(im->d->ctx, im->cv.record_line, old, p, pr))
        return 0;
    snprintf(err, errsz, "product %s: outside what this account may change",
             p->code);
    return 1;
}

/* One new product, checked and staged in temp.import_rows (products are
 * inserted from there at the end, in one statement). Returns 0, -1 for a
 * bad row (err says why) or -2 when the database itself failed. */
static int import_row(struct import *im, const char *const *v, char *err,
                      size_t errsz)
{
    struct reg_product p;
    struct reg_producer pr;
    memset(&p, 0, sizeof p);
    for (int i = 0; i < C_COUNT; i++) {
        if (!columns[i].field || (!columns[i].required && !*v[i]))
            continue;
        int rc =
            i == C_PROVINCE
                ? set_memo(im, "province", p.province, sizeof p.province, v[i],
                           err, errsz) ||
                      set_memo(im, "certified_unit", p.certified_unit,
                               sizeof p.certified_unit, v[i], err, errsz)
            : i == C_GROUP
                ? set_memo(im, "group", p.grp, sizeof p.grp, v[i], err, errsz)
                : reg_product_set(&p, columns[i].field, v[i], err, errsz);
        if (rc)
            return -1;
    }
    if (reg_product_finish(&p, err, errsz) ||
        row_producer(im, v, &p, &pr, err, errsz))
        return -1;
    if (refused(im, NULL, &p, &pr, err, errsz))
        return -1;
    int rc = stage(im, p.code, &p, err, errsz);
    return rc ? rc : producer_ensure(im, &pr, err, errsz);
}

/* The fields of a product as text, for telling what an update changes. */
static void product_texts(const struct reg_product *p, char stars[16],
                          const char *t[12])
{
    snprintf(stars, 16, "%s", p->proposed5 ? "proposed 5" : "");
    if (!p->proposed5)
        snprintf(stars, 16, "%d", p->stars);
    const char *const f[12] = {p->name,          p->grp,         p->producer,
                               p->province,      stars,          p->status,
                               p->status_reason, p->status_date, p->certificate,
                               p->certified,     p->expires,     ""};
    memcpy(t, f, sizeof f);
}

/* Tell each field that differs between old and p; their number. */
static int tell_changes(struct import *im, const struct reg_product *old,
                        const struct reg_product *p)
{
    static const char *const names[12] = {
        "name",        "group",     "producer",      "province",
        "stars",       "status",    "status_reason", "status_date",
        "certificate", "certified", "expires",       NULL};
    char s0[16], s1[16];
    const char *a[12], *b[12];
    product_texts(old, s0, a);
    product_texts(p, s1, b);
    int n = 0;
    for (int i = 0; names[i]; i++)
        if (strcmp(a[i], b[i]) != 0) {
            n++;
            if (im->d && im->d->change)
                im->d->change(im->d->ctx, im->cv.record_line, p->code, names[i],
                              a[i], b[i]);
        }
    return n;
}

/* One change to an existing product: the row's non-empty cells replace
 * its fields. Returns as import_row. */
static int update_row(struct import *im, const char *const *v, char *err,
                      size_t errsz)
{
    struct reg_product old, p;
    struct reg_producer pr;
    if (!*v[C_CODE]) {
        snprintf(err, errsz, "product code is missing");
        return -1;
    }
    int have = reg_product_load(im->db, v[C_CODE], &old, err, errsz);
    if (have <= 0) {
        if (have == 0)
            snprintf(err, errsz,
                     "product code %s is not in the registry (an update only "
                     "changes products; import without --update adds them)",
                     v[C_CODE]);
        return have < 0 ? -2 : -1;
    }
    p = old;
    for (int i = 0; i < C_COUNT; i++)
        if (columns[i].field && i != C_CODE && *v[i] &&
            reg_product_set(&p, columns[i].field, v[i], err, errsz))
            return -1;
    /* Back to rated without a reason: nothing to explain any more. */
    if (*v[C_STATUS] && !strcmp(p.status, "rated") && !*v[C_STATUS_REASON])
        p.status_reason[0] = p.status_date[0] = '\0';
    if (reg_product_finish(&p, err, errsz) ||
        row_producer(im, v, &p, &pr, err, errsz) ||
        refused(im, &old, &p, &pr, err, errsz))
        return -1;
    int rc = stage(im, p.code, NULL, err, errsz);
    if (rc)
        return rc;
    if (reg_producer_ensure(im->db, &pr, err, errsz))
        return write_failed(im->db);
    int n = tell_changes(im, &old, &p);
    im->s->fields += n;
    if (!n) {
        im->s->unchanged++;
        return 0;
    }
    im->s->changed++;
    if (reg_product_update(im->db, &p, err, errsz))
        return write_failed(im->db);
    return 0;
}

/* The current record's cells, then the row into the transaction. */
static int one_row(struct import *im)
{
    const char *v[C_COUNT];
    char dates[C_COUNT][LABELS_DATE_SIZE];
    for (int i = 0; i < C_COUNT; i++)
        v[i] = cell(im, i, dates[i]);
    return im->o->update ? update_row(im, v, im->err, sizeof im->err)
                         : import_row(im, v, im->err, sizeof im->err);
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

/* A column head as compared: marks, case, spaces and '_' '/' '(' ')'
 * folded away, so "Tỉnh/thành", "TINH THANH" and "tinh_thanh" agree. */
static int head_key(const char *head, char *out, size_t outsz)
{
    char tmp[256];
    size_t n = 0;
    for (; *head && n + 1 < sizeof tmp; head++)
        tmp[n++] = strchr("_/()", *head) ? ' ' : *head;
    tmp[n] = '\0';
    return labels_text_fold(tmp, out, outsz);
}

/* The column a head names (its name here, or its field label in either
 * language), or -1. */
static int find_column(const char *head)
{
    char key[256], want[256];
    if (!head_key(head, key, sizeof key))
        return -1;
    for (int i = 0; i < C_COUNT; i++) {
        if (head_key(columns[i].name, want, sizeof want) && !strcmp(key, want))
            return i;
        for (int l = 0; l < LABELS_LANG_COUNT_; l++)
            if (head_key(labels_field_label(columns[i].label, (labels_lang)l),
                         want, sizeof want) &&
                !strcmp(key, want))
                return i;
    }
    return -1;
}

/* The header row: every column known, none twice, every required one
 * (an update needs only the code). */
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
        int found = find_column(name);
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
        if (columns[i].required && im->pos[i] < 0 &&
            (!im->o->update || i == C_CODE)) {
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
        rc = one_row(im);
        if (rc == -1) {
            say(im, im->cv.record_line, 0, "%s", im->err);
            (*bad)++;
        } else if (rc == -2) {
            say(im, im->cv.record_line, 1, "%s", im->err);
            return -1;
        }
    }
}

/* Room for a whole import in the page cache (KiB, as PRAGMA cache_size
 * takes it): with SQLite's 2 MB default, once the tables outgrow it, each
 * row evicts pages it dirtied a moment ago, which are written to the
 * journal again and again (1.4 GB written for a 433 MB registry). */
#define IMPORT_CACHE_KIB "1048576"

static int begin(struct import *im)
{
    if (registry_exec(im->db,
                      "PRAGMA temp_store=MEMORY; "
                      "PRAGMA cache_size=-" IMPORT_CACHE_KIB,
                      im->err, sizeof im->err))
        return -1;
    /* A rollback journal while alone on the registry: pages a bulk import
     * appends are then written once, where WAL writes them twice (to the
     * log, then into the file). With another connection open the switch
     * is refused and the import stays in WAL. registry_close() and the
     * next registry_open() put WAL back. */
    if (im->o->apply)
        sqlite3_exec(im->db, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL);
    if (registry_begin(im->db, im->err, sizeof im->err) ||
        registry_exec(im->db,
                      "CREATE TEMP TABLE import_rows(code TEXT, "
                      "line INTEGER, name, grp, producer, province, status, "
                      "status_reason, status_date, certificate, certified, "
                      "expires, stars, proposed5, certified_unit); "
                      "CREATE TEMP TABLE import_producers(code TEXT PRIMARY "
                      "KEY, name, kind, province, contact)",
                      im->err, sizeof im->err))
        return -1;
    if (sqlite3_prepare_v2(im->db,
                           "INSERT INTO temp.import_producers "
                           "VALUES(?1,?2,?3,?4,?5)",
                           -1, &im->stage_producer, NULL) != SQLITE_OK)
        return registry_db_error(im->db, "import failed", im->err,
                                 sizeof im->err);
    if (sqlite3_prepare_v2(im->db,
                           "INSERT INTO temp.import_rows VALUES(?1,?2,?3,?4,"
                           "?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15)",
                           -1, &im->seen, NULL) != SQLITE_OK)
        return registry_db_error(im->db, "import failed", im->err,
                                 sizeof im->err);
    return 0;
}

/* New products: each staged code already in the registry is a bad row;
 * then every staged row into products in one statement, in code order
 * (B-tree pages filled in turn, not at random). -1 stops the import. */
static int insert_staged(struct import *im, int *bad)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(im->db,
                           "SELECT r.line, r.code FROM temp.import_rows r "
                           "JOIN main.products p ON p.code = r.code "
                           "ORDER BY r.line",
                           -1, &st, NULL) != SQLITE_OK)
        return registry_db_error(im->db, "import failed", im->err,
                                 sizeof im->err);
    while (sqlite3_step(st) == SQLITE_ROW) {
        say(im, sqlite3_column_int(st, 0), 0,
            "product code %s is already in the registry",
            (const char *)sqlite3_column_text(st, 1));
        (*bad)++;
    }
    sqlite3_finalize(st);
    if (*bad)
        return 0;
    return registry_exec(im->db,
                         "INSERT INTO main.producers(code,name,kind,province,"
                         "contact) SELECT code,name,kind,province,contact "
                         "FROM temp.import_producers ORDER BY code; "
                         "INSERT INTO main.products(code,name,grp,producer,"
                         "province,stars,proposed5,status,status_reason,"
                         "status_date,certificate,certified,expires,"
                         "certified_unit) "
                         "SELECT code,name,grp,producer,province,stars,"
                         "proposed5,status,status_reason,status_date,"
                         "certificate,certified,expires,certified_unit FROM "
                         "temp.import_rows "
                         "ORDER BY code",
                         im->err, sizeof im->err);
}

/* The rows in one transaction, committed only when every row is good
 * (and, for a dry run, never). */
static int import_all(struct import *im)
{
    const char *none = im->o->update ? "nothing changed" : "nothing imported";
    int before = count_producers(im->db, 0), bad = 0, rows;
    long long mark = registry_audit_mark(im->db);
    if (begin(im)) {
        say(im, -1, 1, "%s", im->err);
        rows = -1;
    } else {
        rows = read_rows(im, &bad);
        if (rows > 0 && !bad && !im->o->update && insert_staged(im, &bad)) {
            say(im, -1, 1, "%s", im->err);
            rows = -1;
        }
    }
    sqlite3_finalize(im->seen);
    sqlite3_finalize(im->stage_producer);
    im->seen = im->stage_producer = NULL;
    seen_free(&im->codes);
    seen_free(&im->producers);
    if (rows == 0 && !bad) {
        say(im, 0, 1, "no product rows");
        bad = 1;
    }
    if (rows < 0 || bad) {
        registry_rollback(im->db);
        if (bad)
            say(im, 0, 1, "%d bad row%s; %s", bad, bad == 1 ? "" : "s", none);
        else
            say(im, 0, 1, "%s", none);
        return -1;
    }
    im->s->rows = rows;
    im->s->new_producers = count_producers(im->db, before) - before;
    if (!im->o->apply) {
        registry_rollback(im->db);
        return 0;
    }
    if (registry_exec(im->db,
                      "DROP TABLE temp.import_rows; "
                      "DROP TABLE temp.import_producers",
                      im->err, sizeof im->err) ||
        (im->o->who && registry_audit_tag(im->db, mark, im->o->who, im->err,
                                          sizeof im->err)) ||
        registry_commit(im->db, im->err, sizeof im->err)) {
        say(im, 0, 1, "%s; %s", im->err, none);
        return -1;
    }
    return 0;
}

int registry_import_run(const char *dbpath, const char *data, size_t len,
                        const struct registry_import_opts *o,
                        const struct registry_import_diag *d,
                        struct registry_import_summary *s)
{
    struct import im;
    memset(&im, 0, sizeof im);
    memset(s, 0, sizeof *s);
    im.d = d;
    im.o = o;
    im.s = s;
    csv_init(&im.cv, data, len);
    int rc = read_header(&im);
    if (rc == 0 && (registry_open(dbpath, 0, &im.db, im.err, sizeof im.err) ||
                    registry_audit_who_open(im.db, im.err, sizeof im.err))) {
        say(&im, -1, 1, "%s", im.err);
        registry_close(im.db);
        rc = -1;
    }
    if (rc == 0) {
        rc = import_all(&im);
        sqlite3_exec(im.db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);
        registry_close(im.db);
    }
    csv_free(&im.cv);
    return rc;
}

int registry_import(const char *dbpath, const char *data, size_t len,
                    const struct registry_import_diag *d, int *rows,
                    int *new_producers)
{
    static const struct registry_import_opts add = {0, 1, NULL};
    struct registry_import_summary s;
    int rc = registry_import_run(dbpath, data, len, &add, d, &s);
    *rows = s.rows;
    *new_producers = s.new_producers;
    return rc;
}
