/* console_queue.c -- findings and suspect labels in one queue: inspectors'
 * findings from kiosks and shoppers' reports from the phone page (both
 * read from the collector on either engine), clone suspects from the
 * clones report (run off the console's lock). Each
 * item belongs to a province; it can be assigned, noted, confirmed (a
 * label then becomes a clone_reported row, published with the next
 * feed) or dismissed, and keeps its history (docs/console.md "Queue"). */
#include "console_int.h"

#include "collector/collector.h"
#include "collector/pg_store.h"
#include "registry/registry.h"
#include "report/report.h"

#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The registry's tables of this part of the console: new in this
 * version, so CREATE IF NOT EXISTS is the migration of older files. */
const char console_work_tables[] =
    "CREATE TABLE IF NOT EXISTS queue_items ("
    " id INTEGER PRIMARY KEY, source TEXT NOT NULL, source_ref TEXT NOT NULL,"
    " province TEXT NOT NULL, key_id TEXT NOT NULL, product TEXT NOT NULL,"
    " lot TEXT NOT NULL, serial INTEGER NOT NULL, kind TEXT NOT NULL,"
    " note TEXT NOT NULL, shop TEXT NOT NULL, verdict TEXT NOT NULL,"
    " has_photo INTEGER NOT NULL, seen TEXT NOT NULL,"
    " state TEXT NOT NULL DEFAULT 'open', assignee TEXT NOT NULL DEFAULT '',"
    " UNIQUE (source, source_ref));"
    "CREATE INDEX IF NOT EXISTS queue_items_province ON queue_items("
    " province, state);"
    "CREATE TABLE IF NOT EXISTS queue_history ("
    " id INTEGER PRIMARY KEY,"
    " item INTEGER NOT NULL REFERENCES queue_items(id),"
    " at TEXT NOT NULL, who TEXT NOT NULL, action TEXT NOT NULL,"
    " note TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS queue_marks ("
    " source TEXT PRIMARY KEY, mark INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS printed_ranges ("
    " id INTEGER PRIMARY KEY, producer TEXT NOT NULL, product TEXT NOT NULL,"
    " lot TEXT NOT NULL, first INTEGER NOT NULL, last INTEGER NOT NULL,"
    " issued TEXT NOT NULL, uploaded TEXT NOT NULL, who TEXT NOT NULL,"
    " UNIQUE (product, lot, first, last, issued));";

#define SYNC_ROWS 5000         /* rows read from one source per request */
#define QUEUE_NOTE_MAX 280     /* bytes of a note, as a finding's */
#define CLONE_EVERY_S 60       /* the clones report at most this often */
#define CLONE_WINDOW_S 2592000 /* suspects of the last 30 days */

/* One new item, as every source gives it. */
struct item {
    const char *source;
    char ref[96], province[64], key_id[LABELS_KEY_ID_HEX_SIZE];
    char product[16], lot[16], kind[64], note[512], shop[128], verdict[24];
    char seen[LABELS_TIME_ISO_SIZE];
    long long serial;
    int has_photo;
};

static void copy(char *dst, size_t n, const unsigned char *src)
{
    snprintf(dst, n, "%s", src ? (const char *)src : "");
}

/* The stored province name of what a kiosk or a shopper wrote, else the
 * product's province in the registry, else "". */
static void item_province(sqlite3 *db, const char *given, const char *product,
                          char out[64])
{
    const labels_province *p = given && given[0] ? province_find(given) : NULL;
    out[0] = '\0';
    if (p) {
        snprintf(out, 64, "%s", p->name);
        return;
    }
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT province FROM products WHERE code=?1",
                           -1, &st, NULL) != SQLITE_OK)
        return;
    sqlite3_bind_text(st, 1, product, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        copy(out, 64, sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
}

static int item_put(sqlite3 *db, const struct item *it)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(
            db,
            "INSERT OR IGNORE INTO queue_items(source,source_ref,province,"
            "key_id,product,lot,serial,kind,note,shop,verdict,has_photo,seen)"
            " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13)",
            -1, &st, NULL) != SQLITE_OK)
        return -1;
    const char *t[] = {it->source, it->ref,     it->province,
                       it->key_id, it->product, it->lot};
    for (int i = 0; i < 6; i++)
        sqlite3_bind_text(st, i + 1, t[i], -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, it->serial);
    sqlite3_bind_text(st, 8, it->kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 9, it->note, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 10, it->shop, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 11, it->verdict, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 12, it->has_photo);
    sqlite3_bind_text(st, 13, it->seen, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
    sqlite3_finalize(st);
    return rc;
}

static long long mark_get(sqlite3 *db, const char *source)
{
    sqlite3_stmt *st;
    long long m = 0;
    if (sqlite3_prepare_v2(db, "SELECT mark FROM queue_marks WHERE source=?1",
                           -1, &st, NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        m = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return m;
}

static int mark_set(sqlite3 *db, const char *source, long long mark)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db,
                           "INSERT OR REPLACE INTO queue_marks VALUES(?1,?2)",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, mark);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
    sqlite3_finalize(st);
    return rc;
}

/* One finding into the queue (collector_findings' fn): 1 stops the
 * sync when the registry refuses it. New findings are those received
 * from the mark's second on; the same second again is skipped by the
 * unique reference. */
struct finding_sync {
    sqlite3 *db;
    long long top;
};

static int finding_item(void *ctx, const collector_finding_row *f)
{
    struct finding_sync *s = ctx;
    struct item it = {.source = "finding"};
    snprintf(it.ref, sizeof it.ref, "%s:%lld", f->kiosk, (long long)f->f.id);
    labels_time_iso(f->f.time, it.seen);
    snprintf(it.product, sizeof it.product, "%s", f->f.product);
    snprintf(it.lot, sizeof it.lot, "%s", f->f.lot);
    it.serial = f->f.serial;
    snprintf(it.kind, sizeof it.kind, "%s", f->f.finding);
    snprintf(it.note, sizeof it.note, "%s: %s", f->f.inspector, f->f.note);
    item_province(s->db, f->province, it.product, it.province);
    snprintf(it.shop, sizeof it.shop, "%s", f->shop);
    if (f->received > s->top)
        s->top = f->received;
    return item_put(s->db, &it) ? 1 : 0;
}

/* On either engine (collector_findings); a collector that cannot be read
 * leaves the queue as it was. */
static int sync_findings(sqlite3 *db, collector *col)
{
    struct finding_sync s = {db, mark_get(db, "finding")};
    char err[CONSOLE_ERR_MAX];
    int rc = collector_findings(col, s.top, SYNC_ROWS, finding_item, &s, err,
                                sizeof err);
    if (rc < 0)
        return 0;
    return rc ? -1 : mark_set(db, "finding", s.top);
}

/* One shopper's report into the queue (collector_phone_reports' fn): 1
 * stops the sync when the registry refuses it. */
struct report_sync {
    sqlite3 *db;
    long long top;
};

static int report_item(void *ctx, int64_t id, const collector_report *r,
                       int has_photo)
{
    struct report_sync *s = ctx;
    struct item it = {.source = "report"};
    s->top = id;
    snprintf(it.ref, sizeof it.ref, "%lld", (long long)id);
    labels_time_iso(r->time, it.seen);
    snprintf(it.verdict, sizeof it.verdict, "%s", r->label.verdict);
    snprintf(it.product, sizeof it.product, "%s", r->label.product);
    if (strcmp(r->label.signer, "_"))
        snprintf(it.key_id, sizeof it.key_id, "%s", r->label.signer);
    snprintf(it.lot, sizeof it.lot, "%s", r->label.lot);
    it.serial = r->label.serial;
    snprintf(it.kind, sizeof it.kind, "%s", r->what);
    snprintf(it.note, sizeof it.note, "%s", r->note);
    item_province(s->db, r->province, it.product, it.province);
    snprintf(it.shop, sizeof it.shop, "%s", r->shop);
    it.has_photo = has_photo;
    return item_put(s->db, &it) ? 1 : 0;
}

/* On either engine (collector_phone); a store that cannot be read (no
 * report was ever stored) leaves the queue as it was. */
static int sync_reports(sqlite3 *db, collector_phone *ph)
{
    struct report_sync s = {db, mark_get(db, "report")};
    char err[CONSOLE_ERR_MAX];
    int rc = collector_phone_reports(ph, s.top, SYNC_ROWS, report_item, &s, err,
                                     sizeof err);
    if (rc < 0)
        return 0;
    return rc ? -1 : mark_set(db, "report", s.top);
}

/* ---- Clone suspects, off the console's lock ------------------------------
 * The clones report can take seconds on a big store, so it never runs in
 * a request: a queue request starts it on a thread of its own (at most
 * one at a time, at most once per CLONE_EVERY_S) and never waits. The
 * thread reads on the report's own read-only connections and writes the
 * suspects into queue_items on a registry connection of its own, in one
 * transaction; the queue lists them from the next request on. */
static pthread_mutex_t clone_mu = PTHREAD_MUTEX_INITIALIZER;
static time_t clone_last;
static int clone_running;

struct clone_job {
    char *coll, *reg;
};

static int clone_suspects(const struct clone_job *j, report_set *out)
{
    time_t now = time(NULL);
    memset(out, 0, sizeof *out);
    report_opts o = {.from = (int64_t)now - CLONE_WINDOW_S,
                     .to = (int64_t)now + 86400,
                     .limit = SYNC_ROWS,
                     .clone_scans = 20,
                     .clone_kiosks = 3,
                     .clone_window_h = 24};
    sqlite3 *rdb;
    char err[CONSOLE_ERR_MAX];
    if (report_open(j->coll, j->reg, &rdb, err, sizeof err))
        return -1;
    int rc = report_run(rdb, "clones", NULL, &o, out, err, sizeof err);
    sqlite3_close(rdb);
    return rc;
}

static int put_suspects(sqlite3 *db, const report_set *s)
{
    for (size_t t = 0; t < s->n; t++)
        for (size_t i = 0; i < s->t[t]->nrows; i++) {
            const report_table *tb = s->t[t];
            if (tb->ncols < 13 || !strcmp(report_cell(tb, i, 12), "yes"))
                continue;
            struct item it = {.source = "clone"};
            snprintf(it.key_id, sizeof it.key_id, "%s", report_cell(tb, i, 0));
            snprintf(it.product, sizeof it.product, "%s",
                     report_cell(tb, i, 1));
            snprintf(it.lot, sizeof it.lot, "%s", report_cell(tb, i, 2));
            it.serial = strtoll(report_cell(tb, i, 3), NULL, 10);
            snprintf(it.ref, sizeof it.ref, "%s/%s/%s/%lld", it.key_id,
                     it.product, it.lot, it.serial);
            snprintf(it.kind, sizeof it.kind, "%s", report_cell(tb, i, 11));
            snprintf(it.note, sizeof it.note, "%s scans, %s kiosks: %s",
                     report_cell(tb, i, 4), report_cell(tb, i, 5),
                     report_cell(tb, i, 8));
            regtime_now(it.seen);
            item_province(db, NULL, it.product, it.province);
            if (item_put(db, &it))
                return -1;
        }
    return 0;
}

static void clone_store(const char *reg, const report_set *sus)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(reg, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
        sqlite3_busy_timeout(db, 10000) == SQLITE_OK &&
        sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK) {
        /* A commit that fails leaves the suspects for the next run. */
        if (put_suspects(db, sus) ||
            sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    }
    sqlite3_close(db);
}

static void *clone_thread(void *arg)
{
    struct clone_job *j = arg;
    report_set sus;
    if (clone_suspects(j, &sus) == 0) {
        clone_store(j->reg, &sus);
        report_set_free(&sus);
    }
    free(j->coll);
    free(j->reg);
    free(j);
    pthread_mutex_lock(&clone_mu);
    clone_running = 0;
    pthread_mutex_unlock(&clone_mu);
    return NULL;
}

/* Start the clones report when it is due and none is running; a thread
 * that cannot start is tried again by the next request. */
static void clone_start(const console_config *cfg)
{
    time_t now = time(NULL);
    pthread_mutex_lock(&clone_mu);
    int due = !clone_running && now - clone_last >= CLONE_EVERY_S;
    struct clone_job *j = due ? calloc(1, sizeof *j) : NULL;
    pthread_attr_t a;
    pthread_t t;
    if (j && (j->coll = strdup(cfg->collector_path)) &&
        (j->reg = strdup(cfg->db_path)) && pthread_attr_init(&a) == 0) {
        if (pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED) == 0 &&
            pthread_create(&t, &a, clone_thread, j) == 0) {
            clone_running = 1;
            clone_last = now;
            j = NULL;
        }
        pthread_attr_destroy(&a);
    }
    if (j) {
        free(j->coll);
        free(j->reg);
        free(j);
    }
    pthread_mutex_unlock(&clone_mu);
}

/* Bring the queue up to date with the collector's findings and reports,
 * in one transaction, and start the clones report when it is due. A
 * collector that cannot be read leaves the queue as it was. */
static int queue_sync(struct console_ctx *c, char *err, size_t errsz)
{
    const char *path = c->cfg ? c->cfg->collector_path : NULL;
    if (!path)
        return 0;
    /* A missing SQLite collector is not made here. */
    if (!pg_store_is_conninfo(path) && access(path, F_OK) != 0)
        return 0;
    clone_start(c->cfg);
    collector *col = NULL;
    collector_phone *ph = NULL;
    char perr[CONSOLE_ERR_MAX];
    if (collector_open(path, &col, perr, sizeof perr))
        col = NULL;
    if (collector_phone_open(path, &ph, perr, sizeof perr))
        ph = NULL;
    int rc = console_begin(c->db, err, errsz);
    if (!rc &&
        ((col && sync_findings(c->db, col)) || (ph && sync_reports(c->db, ph))))
        rc = console_db_error(c->db, "cannot update the queue", err, errsz);
    if (!rc)
        rc = console_commit(c->db, err, errsz);
    else
        console_rollback(c->db);
    collector_phone_close(ph);
    collector_close(col);
    return rc;
}

/* ---- Pages -------------------------------------------------------------- */

static const char *source_word(console_lang L, const char *source)
{
    return tr(L, !strcmp(source, "finding") ? T_SRC_FINDING
                 : !strcmp(source, "clone") ? T_SRC_CLONE
                                            : T_SRC_REPORT);
}

static const char *state_word(console_lang L, const char *state)
{
    return tr(L, !strcmp(state, "confirmed")   ? T_Q_CONFIRMED
                 : !strcmp(state, "dismissed") ? T_Q_DISMISSED
                                               : T_Q_OPEN);
}

/* What the item is about, in words: a shopper's reason from labels/, a
 * finding or the clone rules as stored. */
static void kind_text(html *h, const char *source, const char *kind)
{
    int r =
        !strcmp(source, "report") ? labels_report_reason_from_word(kind) : -1;
    html_text(
        h, r >= 0 ? labels_report_reason_text((labels_report_reason)r, h->lang)
                  : kind);
}

static void col(html *h, sqlite3_stmt *st, int i)
{
    html_text(h, (const char *)sqlite3_column_text(st, i));
}

static void label_text(html *h, sqlite3_stmt *st, int product)
{
    col(h, st, product);
    html_raw(h, " ");
    col(h, st, product + 1);
    if (sqlite3_column_int64(st, product + 2) > 0) {
        html_raw(h, " #");
        html_int(h, sqlite3_column_int64(st, product + 2));
    }
}

static void queue_list(struct console_ctx *c, const creq *r, creply *rep)
{
    const console_user *u = &r->session->user;
    if (u->role == CONSOLE_PRODUCER) {
        page_error(rep, r, MHD_HTTP_FORBIDDEN, T_FORBIDDEN, NULL);
        return;
    }
    char err[CONSOLE_ERR_MAX];
    if (queue_sync(c, err, sizeof err)) {
        page_error(rep, r, MHD_HTTP_INTERNAL_SERVER_ERROR, T_ERROR, err);
        return;
    }
    const char *all = r->arg(r, "all");
    sqlite3_stmt *st;
    /* The scope is the stored province, never a query argument. */
    if (sqlite3_prepare_v2(
            c->db,
            "SELECT id, source, seen, province, product, lot, serial, kind,"
            " note, state, assignee FROM queue_items WHERE (?1 = '' OR"
            " province = ?1) AND (?2 OR state = 'open') ORDER BY id DESC"
            " LIMIT 500",
            -1, &st, NULL) != SQLITE_OK) {
        page_error(rep, r, MHD_HTTP_INTERNAL_SERVER_ERROR, T_ERROR,
                   sqlite3_errmsg(c->db));
        return;
    }
    int scoped = u->role == CONSOLE_PROVINCE || u->role == CONSOLE_INSPECTOR;
    sqlite3_bind_text(st, 1, scoped ? u->province : "", -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, all != NULL);
    html *h = &rep->body;
    page_begin(h, r, tr(r->lang, T_QUEUE));
    html_raw(h, "<p><a href=\"/console/queue\">");
    html_text(h, tr(r->lang, T_Q_OPEN));
    html_raw(h, "</a> · <a href=\"/console/queue?all=1\">");
    html_text(h, tr(r->lang, T_ALL));
    html_raw(h, "</a></p><table class=\"queue\"><thead><tr>");
    static const int cols[] = {T_CODE, T_SOURCE, T_WHEN,   T_PROVINCE, T_LABEL,
                               T_KIND, T_NOTE,   T_STATUS, T_ASSIGNEE};
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
        html_raw(h, "<th>");
        html_text(h, tr(r->lang, cols[i]));
        html_raw(h, "</th>");
    }
    html_raw(h, "</tr></thead><tbody>");
    while (sqlite3_step(st) == SQLITE_ROW) {
        html_raw(h, "<tr><td><a href=\"/console/queue/");
        html_int(h, sqlite3_column_int64(st, 0));
        html_raw(h, "\">");
        html_int(h, sqlite3_column_int64(st, 0));
        html_raw(h, "</a></td><td>");
        html_text(
            h, source_word(r->lang, (const char *)sqlite3_column_text(st, 1)));
        html_raw(h, "</td><td>");
        col(h, st, 2);
        html_raw(h, "</td><td>");
        col(h, st, 3);
        html_raw(h, "</td><td>");
        label_text(h, st, 4);
        html_raw(h, "</td><td>");
        kind_text(h, (const char *)sqlite3_column_text(st, 1),
                  (const char *)sqlite3_column_text(st, 7));
        html_raw(h, "</td><td>");
        col(h, st, 8);
        html_raw(h, "</td><td>");
        html_text(
            h, state_word(r->lang, (const char *)sqlite3_column_text(st, 9)));
        html_raw(h, "</td><td>");
        col(h, st, 10);
        html_raw(h, "</td></tr>");
    }
    sqlite3_finalize(st);
    html_raw(h, "</tbody></table>");
    page_end(h);
}

/* One item's stored fields, for the page and the actions. */
struct qitem {
    long long id, serial;
    char source[16], ref[96], province[64], key_id[LABELS_KEY_ID_HEX_SIZE];
    char product[16], lot[16], state[16], assignee[CONSOLE_NAME_MAX + 1];
    char verdict[24];
};

/* 1 found, 0 missing, -1 error. */
static int item_load(sqlite3 *db, long long id, struct qitem *q)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(
            db,
            "SELECT source, source_ref, province, key_id,"
            " product, lot, serial, state, assignee, verdict FROM"
            " queue_items WHERE id = ?1",
            -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        q->id = id;
        copy(q->source, sizeof q->source, sqlite3_column_text(st, 0));
        copy(q->ref, sizeof q->ref, sqlite3_column_text(st, 1));
        copy(q->province, sizeof q->province, sqlite3_column_text(st, 2));
        copy(q->key_id, sizeof q->key_id, sqlite3_column_text(st, 3));
        copy(q->product, sizeof q->product, sqlite3_column_text(st, 4));
        copy(q->lot, sizeof q->lot, sqlite3_column_text(st, 5));
        q->serial = sqlite3_column_int64(st, 6);
        copy(q->state, sizeof q->state, sqlite3_column_text(st, 7));
        copy(q->assignee, sizeof q->assignee, sqlite3_column_text(st, 8));
        copy(q->verdict, sizeof q->verdict, sqlite3_column_text(st, 9));
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static void action_form(html *h, const creq *r, long long id,
                        const char *action, int button, int field_msg,
                        const char *field)
{
    html_raw(h, "<form method=\"post\" action=\"/console/queue/");
    html_int(h, id);
    html_raw(h, "/");
    html_raw(h, action);
    html_raw(h, "\">");
    html_csrf(h, r->session->csrf);
    if (field) {
        html_raw(h, "<label>");
        html_text(h, tr(h->lang, field_msg));
        html_raw(h, " <input name=\"");
        html_raw(h, field);
        html_raw(h, "\" maxlength=\"280\"></label> ");
    }
    html_raw(h, "<button>");
    html_text(h, tr(h->lang, button));
    html_raw(h, "</button></form>");
}

static void history_list(sqlite3 *db, html *h, long long id)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db,
                           "SELECT at, who, action, note FROM queue_history"
                           " WHERE item = ?1 ORDER BY id",
                           -1, &st, NULL) != SQLITE_OK)
        return;
    sqlite3_bind_int64(st, 1, id);
    html_raw(h, "<h2>");
    html_text(h, tr(h->lang, T_HISTORY));
    html_raw(h, "</h2><table class=\"history\"><tbody>");
    while (sqlite3_step(st) == SQLITE_ROW) {
        html_raw(h, "<tr>");
        for (int i = 0; i < 4; i++) {
            html_raw(h, "<td>");
            col(h, st, i);
            html_raw(h, "</td>");
        }
        html_raw(h, "</tr>");
    }
    html_raw(h, "</tbody></table>");
    sqlite3_finalize(st);
}

static void field_line(html *h, int msg, sqlite3_stmt *st, int i)
{
    html_raw(h, "<tr><th>");
    html_text(h, tr(h->lang, msg));
    html_raw(h, "</th><td>");
    col(h, st, i);
    html_raw(h, "</td></tr>");
}

static void item_page(struct console_ctx *c, const creq *r, creply *rep,
                      const struct qitem *q)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(c->db,
                           "SELECT seen, province, key_id, product, lot,"
                           " serial, kind, note, shop, verdict, has_photo"
                           " FROM queue_items WHERE id = ?1",
                           -1, &st, NULL) != SQLITE_OK ||
        (sqlite3_bind_int64(st, 1, q->id), sqlite3_step(st)) != SQLITE_ROW) {
        sqlite3_finalize(st);
        page_error(rep, r, MHD_HTTP_INTERNAL_SERVER_ERROR, T_ERROR, NULL);
        return;
    }
    html *h = &rep->body;
    char title[96];
    snprintf(title, sizeof title, "%s #%lld", tr(r->lang, T_QUEUE), q->id);
    page_begin(h, r, title);
    html_raw(h, "<table class=\"fields\"><tbody><tr><th>");
    html_text(h, tr(r->lang, T_SOURCE));
    html_raw(h, "</th><td>");
    html_text(h, source_word(r->lang, q->source));
    html_raw(h, "</td></tr><tr><th>");
    html_text(h, tr(r->lang, T_KIND));
    html_raw(h, "</th><td>");
    kind_text(h, q->source, (const char *)sqlite3_column_text(st, 6));
    html_raw(h, "</td></tr>");
    field_line(h, T_WHEN, st, 0);
    field_line(h, T_PROVINCE, st, 1);
    field_line(h, T_KEY_ID, st, 2);
    field_line(h, T_CODE, st, 3);
    field_line(h, T_LOT, st, 4);
    field_line(h, T_SERIAL, st, 5);
    field_line(h, T_NOTE, st, 7);
    field_line(h, T_SHOP, st, 8);
    html_raw(h, "<tr><th>");
    html_text(h, tr(r->lang, T_STATUS));
    html_raw(h, "</th><td>");
    html_text(h, state_word(r->lang, q->state));
    html_raw(h, "</td></tr><tr><th>");
    html_text(h, tr(r->lang, T_ASSIGNEE));
    html_raw(h, "</th><td>");
    html_text(h, q->assignee);
    html_raw(h, "</td></tr></tbody></table>");
    if (sqlite3_column_int(st, 10)) {
        html_raw(h, "<p><img class=\"photo\" alt=\"\" src=\"/console/queue/");
        html_int(h, q->id);
        html_raw(h, "/photo\"></p>");
    }
    sqlite3_finalize(st);
    const console_user *u = &r->session->user;
    if (may_note_queue(u, q->province))
        action_form(h, r, q->id, "note", T_ADD_NOTE, T_NOTE, "note");
    if (may_decide_queue(u, q->province) && !strcmp(q->state, "open")) {
        action_form(h, r, q->id, "assign", T_ASSIGN, T_ASSIGNEE, "assignee");
        html_raw(h, "<p class=\"help\">");
        html_text(h, tr(r->lang, T_CONFIRM_HELP));
        html_raw(h, "</p>");
        action_form(h, r, q->id, "confirm", T_CONFIRM, T_NOTE, "note");
        action_form(h, r, q->id, "dismiss", T_DISMISS, T_NOTE, "note");
    }
    history_list(c->db, h, q->id);
    page_end(h);
}

/* ---- Actions ------------------------------------------------------------ */

static int history_add(sqlite3 *db, long long id, const char *who,
                       const char *action, const char *note)
{
    sqlite3_stmt *st;
    char now[LABELS_TIME_ISO_SIZE];
    regtime_now(now);
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO queue_history(item,at,who,action,note)"
                           " VALUES(?1,?2,?3,?4,?5)",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, who, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, action, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, note ? note : "", -1, SQLITE_STATIC);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
    sqlite3_finalize(st);
    return rc;
}

static int item_set(sqlite3 *db, long long id, const char *column,
                    const char *value)
{
    sqlite3_stmt *st;
    char sql[96];
    /* column is one of this file's constants. */
    snprintf(sql, sizeof sql, "UPDATE queue_items SET %s=?1 WHERE id=?2",
             column);
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, value, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, id);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
    sqlite3_finalize(st);
    return rc;
}

/* 1 when the account may be given the item (active, and its scope covers
 * the item's province). */
static int assignable(sqlite3 *db, const char *name, const char *province)
{
    console_user a;
    char err[CONSOLE_ERR_MAX];
    if (console_user_get(db, name, &a, err, sizeof err) != 1 || a.disabled)
        return 0;
    return a.role == CONSOLE_CENTRAL ||
           ((a.role == CONSOLE_PROVINCE || a.role == CONSOLE_INSPECTOR) &&
            !strcmp(a.province, province));
}

/* The clone row of a confirmed item, when the item names a whole label
 * and the registry does not hold it yet. */
static int record_clone(sqlite3 *db, const struct qitem *q, char *err,
                        size_t errsz)
{
    if (!q->key_id[0] || !q->product[0] || !q->lot[0] || q->serial <= 0 ||
        q->serial > UINT32_MAX)
        return 0;
    /* A shopper's report names a copy of a real pack only when the page
     * found the label signed by a key of the registry; a forgery or an
     * unknown signer is no clone of anything. */
    int signed_label = !q->verdict[0];
    for (int i = 0; !signed_label && i < COLLECTOR_SIGNED_COUNT; i++)
        signed_label = !strcmp(
            q->verdict, labels_verdict_word(collector_signed_verdicts[i]));
    if (!signed_label)
        return 0;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db,
                           "SELECT count(*) FROM clones WHERE key_id=?1 AND"
                           " product=?2 AND lot=?3 AND serial=?4",
                           -1, &st, NULL) != SQLITE_OK)
        return console_db_error(db, "cannot read clones", err, errsz);
    sqlite3_bind_text(st, 1, q->key_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, q->product, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, q->lot, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, q->serial);
    int have = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (have)
        return 0;
    char now[LABELS_TIME_ISO_SIZE], day[LABELS_DATE_SIZE];
    regtime_now(now);
    snprintf(day, sizeof day, "%.10s", now);
    return registry_clone_record(db, q->key_id, q->product, q->lot,
                                 (uint32_t)q->serial, day, err, errsz);
}

/* One action on item q, in one transaction. 0 done, 1 refused (bad
 * input, 400), -1 error (err). */
static int item_act(struct console_ctx *c, const creq *r, const struct qitem *q,
                    const char *action, char *err, size_t errsz)
{
    size_t nlen = 0;
    const char *note = form_get(r, "note", &nlen);
    const char *to = form_get(r, "assignee", NULL);
    if (note && (nlen > QUEUE_NOTE_MAX || !labels_utf8_text_ok(note, nlen)))
        return 1;
    if (!strcmp(action, "assign") &&
        (!to || !assignable(c->db, to, q->province)))
        return 1;
    if (strcmp(action, "note") && strcmp(q->state, "open"))
        return 1; /* decided already */
    char who[CONSOLE_NAME_MAX + 16];
    console_who(r, who, sizeof who);
    long long mark = console_audit_mark(c->db);
    if (console_begin(c->db, err, errsz))
        return -1;
    int rc = 0;
    if (!strcmp(action, "assign"))
        rc = item_set(c->db, q->id, "assignee", to);
    else if (!strcmp(action, "confirm"))
        rc = record_clone(c->db, q, err, errsz) ||
             item_set(c->db, q->id, "state", "confirmed");
    else if (!strcmp(action, "dismiss"))
        rc = item_set(c->db, q->id, "state", "dismissed");
    if (!rc)
        rc = history_add(c->db, q->id, who, action,
                         !strcmp(action, "assign") ? to : note);
    if (!rc)
        rc = console_audit_tag(c->db, mark, who, err, errsz);
    if (rc) {
        if (!err[0])
            console_db_error(c->db, "cannot change the item", err, errsz);
        console_rollback(c->db);
        return -1;
    }
    return console_commit(c->db, err, errsz);
}

/* GET /queue/ID/photo: a shopper's photo, from the collector. */
static void item_photo(struct console_ctx *c, const creq *r, creply *rep,
                       const struct qitem *q)
{
    const char *path = c->cfg ? c->cfg->collector_path : NULL;
    collector_phone *ph = NULL;
    void *photo = NULL;
    size_t len = 0;
    char type[16] = "", err[CONSOLE_ERR_MAX];
    int ok = path && !strcmp(q->source, "report") &&
             collector_phone_open(path, &ph, err, sizeof err) == 0 &&
             collector_phone_photo(ph, strtoll(q->ref, NULL, 10), &photo, &len,
                                   type, err, sizeof err) == 0;
    /* Only the two types the phone form accepted go out as images. */
    if (ok && (!strcmp(type, "image/jpeg") || !strcmp(type, "image/png")))
        reply_download(rep,
                       !strcmp(type, "image/png") ? "image/png" : "image/jpeg",
                       NULL, photo, len);
    else
        page_error(rep, r, MHD_HTTP_NOT_FOUND, T_NOT_FOUND, NULL);
    free(photo);
    collector_phone_close(ph);
}

void reply_download(creply *rep, const char *type, const char *name,
                    const void *data, size_t len)
{
    rep->status = MHD_HTTP_OK;
    rep->content_type = type;
    free(rep->body.p);
    memset(&rep->body, 0, sizeof rep->body);
    rep->body.p = malloc(len ? len : 1);
    if (!rep->body.p) {
        rep->body.oom = 1;
        return;
    }
    memcpy(rep->body.p, data, len);
    rep->body.len = rep->body.cap = len;
    if (name)
        snprintf(rep->disposition, sizeof rep->disposition,
                 "attachment; filename=\"%s\"", name);
}

void route_queue(struct console_ctx *c, const creq *r, creply *rep,
                 const char *rest)
{
    int post = !strcmp(r->method, "POST");
    int at = route_index(r, rep, rest);
    if (at) {
        if (at > 0)
            queue_list(c, r, rep);
        return;
    }
    char *end;
    long long id = strtoll(rest + 1, &end, 10);
    const char *action = *end == '/' ? end + 1 : end;
    struct qitem q;
    int have = rest[1] >= '1' && rest[1] <= '9' ? item_load(c->db, id, &q) : 0;
    if (have < 0) {
        page_error(rep, r, MHD_HTTP_INTERNAL_SERVER_ERROR, T_ERROR, NULL);
        return;
    }
    if (!have || (*end && *end != '/')) {
        page_error(rep, r, MHD_HTTP_NOT_FOUND, T_NOT_FOUND, NULL);
        return;
    }
    const console_user *u = &r->session->user;
    if (!may_read_queue(u, q.province)) {
        page_error(rep, r, MHD_HTTP_FORBIDDEN, T_FORBIDDEN, NULL);
        return;
    }
    if (!post) {
        if (!action[0])
            item_page(c, r, rep, &q);
        else if (!strcmp(action, "photo"))
            item_photo(c, r, rep, &q);
        else
            page_error(rep, r, MHD_HTTP_NOT_FOUND, T_NOT_FOUND, NULL);
        return;
    }
    int note = !strcmp(action, "note");
    if (!note && strcmp(action, "assign") && strcmp(action, "confirm") &&
        strcmp(action, "dismiss")) {
        page_error(rep, r, MHD_HTTP_NOT_FOUND, T_NOT_FOUND, NULL);
        return;
    }
    if (note ? !may_note_queue(u, q.province)
             : !may_decide_queue(u, q.province)) {
        page_error(rep, r, MHD_HTTP_FORBIDDEN, T_FORBIDDEN, NULL);
        return;
    }
    char err[CONSOLE_ERR_MAX] = "";
    int rc = item_act(c, r, &q, action, err, sizeof err);
    if (rc > 0) {
        page_error(rep, r, MHD_HTTP_BAD_REQUEST, T_BAD_REQUEST, NULL);
        return;
    }
    if (rc < 0) {
        page_error(rep, r, MHD_HTTP_INTERNAL_SERVER_ERROR, T_ERROR, err);
        return;
    }
    char path[64];
    snprintf(path, sizeof path, "/console/queue/%lld", q.id);
    reply_redirect(rep, path);
}
