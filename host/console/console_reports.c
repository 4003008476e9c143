/* console_reports.c -- every ocop-host report kind as a console page with
 * its filters, and as CSV and XLSX downloads (GET /console/reports...),
 * through the report module's own functions (report_open, report_run,
 * report_render: the command's path, no SQL of its own).
 *
 * A report can take seconds on a big store, so it never runs on the
 * daemon's threads nor under the console's lock: route_reports checks
 * the session, the role's scope and the filters under the lock, then the
 * connection is suspended and the report runs on a thread of its own
 * with its own read-only connections (at most CONSOLE_REPORT_JOBS at
 * once; more are told 503 with Retry-After). */
#include "console_int.h"

#include "registry/registry.h"
#include "report/report.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

/* The filters a kind reads: bit i is report_num_opts[i], then these. */
#define F_TODAY 0x40u
#define F_BY 0x80u

static const struct {
    const char *kind;
    int msg;
    unsigned filters;
} kinds[] = {
    {"verdicts", T_RK_VERDICTS, F_BY},
    {"hotspots", T_RK_HOTSPOTS, 0x01},
    {"clones", T_RK_CLONES, 0x1D},
    {"findings", T_RK_FINDINGS, 0x01},
    {"reinspect", T_REINSPECT, 0x21},
    {"expiring", T_RK_EXPIRING, 0x02 | F_TODAY},
    {"stats", T_RK_STATS, 0x02 | F_TODAY},
    {"all", T_RK_ALL, 0xFFu},
};
#define NKINDS (sizeof kinds / sizeof kinds[0])

/* Captions of report_num_opts, in its order. */
static const int num_words[] = {T_LIMIT,       T_EXPIRING_DAYS,
                                T_CLONE_SCANS, T_CLONE_KIOSKS,
                                T_CLONE_HOURS, T_REINSPECT_SCANS};

struct report_job {
    size_t kind; /* index in kinds */
    const char *by;
    report_opts o;
    report_format fmt; /* REPORT_HTML: the page */
    int scoped;        /* the province is the account's, not chosen */
    const char *coll, *reg;
    console_session s; /* the page frame's user and CSRF token */
    console_lang lang;
    report_pool *pool;
    struct MHD_Connection *conn;
    creply rep; /* the answer, once done */
    int done;
    int title; /* > 0: a page of the tables alone under this word */
};

/* ---- Scope and the filters ----------------------------------------------
 * docs/console.md "Reports": central and viewer accounts see every
 * province's figures; a province clerk and an inspector see only their
 * province's, whatever the query asks (may_read_reports says who may
 * ask at all). */
static const char *report_scope(const console_user *u)
{
    return u->role == CONSOLE_PROVINCE || u->role == CONSOLE_INSPECTOR
               ? u->province
               : NULL;
}

/* The query's filters into j->o; NULL, or the sentence saying which is
 * wrong. */
static const char *read_filters(const creq *r, report_job *j)
{
    const char *from = r->arg(r, "from"), *to = r->arg(r, "to");
    const char *today = r->arg(r, "today"), *prov = r->arg(r, "province");
    const char *by = r->arg(r, "by");
    report_opts_init(&j->o);
    regdate_today(j->o.today);
    if (today && *today) {
        if (regdate_check(today))
            return "today";
        snprintf(j->o.today, sizeof j->o.today, "%s", today);
    }
    /* Without a period: the last 30 days up to today, the cheap default
     * on a big store (ocop-host report's default is every scan). */
    char since[LABELS_DATE_SIZE];
    regdate_add_days(j->o.today, -29, since);
    if (!from && !to)
        from = since, to = j->o.today;
    int rc = report_opts_period(&j->o, from, to);
    if (rc)
        return rc == -2 ? "from > to" : "from, to";
    for (size_t i = 0; report_num_opts[i].name; i++) {
        const char *v = r->arg(r, report_num_opts[i].name);
        if (v && *v && report_opts_num(&j->o, &report_num_opts[i], v))
            return report_num_opts[i].name;
    }
    /* Scoped: the account's province or nothing (never every one). */
    const char *own = report_scope(&j->s.user);
    if (own && !*own)
        return "province";
    if (own)
        prov = own;
    if (prov && *prov) {
        char why[256];
        const labels_province *p =
            registry_province(prov, NULL, why, sizeof why);
        if (!p)
            return "province";
        snprintf(j->o.province, sizeof j->o.province, "%s", p->name);
    }
    j->scoped = own != NULL;
    static const char *const bys[] = {"province", "kiosk", "day"};
    j->by = NULL;
    for (size_t i = 0; by && *by && i < 3; i++)
        if (!strcmp(by, bys[i]))
            j->by = bys[i];
    if (by && *by && !j->by)
        return "by";
    return report_format_check(kinds[j->kind].kind, j->fmt, &j->by);
}

/* ---- Rendering ----------------------------------------------------------- */

void console_report_tables(html *h, const report_set *s)
{
    for (size_t t = 0; t < s->n; t++) {
        const report_table *tb = s->t[t];
        html_raw(h, "<h2>");
        html_text(h, tb->title);
        html_raw(h, "</h2><table class=\"report\"><thead><tr>");
        for (int i = 0; i < tb->ncols; i++) {
            html_raw(h, "<th>");
            html_text(h, report_head(tb, i));
            html_raw(h, "</th>");
        }
        html_raw(h, "</tr></thead><tbody>");
        for (size_t row = 0; row < tb->nrows; row++) {
            html_raw(h, "<tr>");
            for (int i = 0; i < tb->ncols; i++) {
                html_raw(h, (tb->numeric >> i) & 1 ? "<td class=\"num\">"
                                                   : "<td>");
                html_text(h, report_cell(tb, row, i));
                html_raw(h, "</td>");
            }
            html_raw(h, "</tr>");
        }
        html_raw(h, "</tbody></table><p class=\"help\">");
        html_text(h, tb->note);
        html_raw(h, "</p>");
    }
}

/* The filters as a query string (for the download links and the form). */
static void put_query(html *h, const report_job *j)
{
    html_raw(h, "?from=");
    html_url(h, j->o.from_day);
    html_raw(h, "&amp;to=");
    html_url(h, j->o.to_day);
    html_raw(h, "&amp;today=");
    html_url(h, j->o.today);
    if (j->o.province[0] && !j->scoped) {
        html_raw(h, "&amp;province=");
        html_url(h, j->o.province);
    }
    if (j->by) {
        html_raw(h, "&amp;by=");
        html_url(h, j->by);
    }
    for (size_t i = 0; report_num_opts[i].name; i++) {
        if (!((kinds[j->kind].filters >> i) & 1))
            continue;
        html_raw(h, "&amp;");
        html_raw(h, report_num_opts[i].name);
        html_raw(h, "=");
        html_int(h,
                 *(const long *)((const char *)&j->o + report_num_opts[i].off));
    }
}

static void province_field(html *h, const report_job *j)
{
    html_raw(h, "<label>");
    html_text(h, tr(h->lang, T_PROVINCE));
    html_raw(h, " ");
    if (j->scoped) {
        html_raw(h, "<b>");
        html_text(h, j->o.province);
        html_raw(h, "</b></label>");
        return;
    }
    const char *v[64], *l[64];
    size_t n = 0;
    v[n] = "";
    l[n++] = tr(h->lang, T_ALL);
    for (size_t i = 0; i < province_count() && n < 64; i++, n++)
        v[n] = l[n] = province_at(i)->name;
    html_select(h, "province", v, l, n, j->o.province);
    html_raw(h, "</label>");
}

static void filter_form(html *h, const report_job *j)
{
    unsigned f = kinds[j->kind].filters;
    html_raw(h, "<form method=\"get\" class=\"filters\" action=\"/console/"
                "reports/");
    html_attr(h, kinds[j->kind].kind);
    html_raw(h, "\">");
    html_input(h, T_FROM, "from", j->o.from_day, "date");
    html_input(h, T_TO, "to", j->o.to_day, "date");
    province_field(h, j);
    if (f & F_BY) {
        const char *v[] = {"", "province", "kiosk", "day"};
        const char *l[] = {tr(h->lang, T_ALL), tr(h->lang, T_PROVINCE),
                           tr(h->lang, T_KIOSK), tr(h->lang, T_DAY)};
        html_raw(h, "<label>");
        html_text(h, tr(h->lang, T_BY));
        html_raw(h, " ");
        html_select(h, "by", v, l, 4, j->by ? j->by : "");
        html_raw(h, "</label>");
    }
    if (f & F_TODAY)
        html_input(h, T_TODAY, "today", j->o.today, "date");
    for (size_t i = 0; report_num_opts[i].name; i++) {
        if (!((f >> i) & 1))
            continue;
        char v[24];
        snprintf(v, sizeof v, "%ld",
                 *(const long *)((const char *)&j->o + report_num_opts[i].off));
        html_input(h, num_words[i], report_num_opts[i].name, v, "number");
    }
    html_raw(h, "<button>");
    html_text(h, tr(h->lang, T_SHOW));
    html_raw(h, "</button></form>");
}

/* A link to each kind; current (NKINDS: none) in bold. */
static void kind_links(html *h, size_t current)
{
    html_raw(h, "<p class=\"pager\">");
    for (size_t i = 0; i < NKINDS; i++) {
        if (i == current) {
            html_raw(h, "<b>");
            html_text(h, tr(h->lang, kinds[i].msg));
            html_raw(h, "</b> ");
            continue;
        }
        html_raw(h, "<a href=\"/console/reports/");
        html_attr(h, kinds[i].kind);
        html_raw(h, "\">");
        html_text(h, tr(h->lang, kinds[i].msg));
        html_raw(h, "</a> ");
    }
    html_raw(h, "</p>");
}

static void report_page(report_job *j, const creq *r, const report_set *s)
{
    html *h = &j->rep.body;
    j->rep.status = MHD_HTTP_OK;
    page_begin(h, r, tr(r->lang, kinds[j->kind].msg));
    kind_links(h, j->kind);
    filter_form(h, j);
    html_raw(h, "<p>");
    for (int x = 0; x < 2; x++) {
        /* CSV is one kind at a time (report_format_check). */
        const char *by = "province";
        if (x == 0 && report_format_check(kinds[j->kind].kind, REPORT_CSV, &by))
            continue;
        html_raw(h, "<a class=\"button\" href=\"/console/reports/");
        html_attr(h, kinds[j->kind].kind);
        html_raw(h, x ? ".xlsx" : ".csv");
        put_query(h, j);
        html_raw(h, "\">");
        html_text(h, tr(r->lang, T_DOWNLOAD));
        html_raw(h, x ? " XLSX</a> " : " CSV</a> ");
    }
    html_raw(h, "</p>");
    console_report_tables(h, s);
    page_end(h);
}

/* The download's name: ASCII only (kind, days, the province's code). */
static void file_name(const report_job *j, const char *ext, char *out,
                      size_t outsz)
{
    const labels_province *p =
        j->o.province[0] ? province_find(j->o.province) : NULL;
    snprintf(out, outsz, "ocop-report-%s_%s_%s%s%s.%s", kinds[j->kind].kind,
             j->o.from_day[0] ? j->o.from_day : "start",
             j->o.to_day[0] ? j->o.to_day : "now", p ? "_" : "",
             p ? p->code : "", ext);
    for (char *c = out; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
              (*c >= '0' && *c <= '9') || *c == '-' || *c == '_' || *c == '.'))
            *c = '_';
}

/* ---- Running a report off the lock ------------------------------------- */

/* The console is stopping: a report in progress gives up. */
static int stop_check(void *arg)
{
    return atomic_load(&((report_pool *)arg)->stopping);
}

static void job_run(report_job *j)
{
    creq r = {.session = &j->s, .lang = j->lang};
    char err[4096 + 512] = "";
    sqlite3 *db = NULL;
    report_set set = {NULL, 0};
    int failed = report_open(j->coll, j->reg, &db, err, sizeof err);
    if (!failed) {
        sqlite3_progress_handler(db, 10000, stop_check, j->pool);
        failed = report_run(db, kinds[j->kind].kind, j->by, &j->o, &set, err,
                            sizeof err);
    }
    sqlite3_close(db);
    if (failed) {
        page_error(&j->rep, &r, MHD_HTTP_INTERNAL_SERVER_ERROR, T_ERROR, err);
        return;
    }
    if (j->title > 0) {
        j->rep.status = MHD_HTTP_OK;
        page_begin(&j->rep.body, &r, tr(r.lang, j->title));
        console_report_tables(&j->rep.body, &set);
        page_end(&j->rep.body);
        report_set_free(&set);
        return;
    }
    if (j->fmt == REPORT_HTML) {
        report_page(j, &r, &set);
        report_set_free(&set);
        return;
    }
    char heading[256], now[LABELS_TIME_ISO_SIZE], name[160], *buf = NULL;
    size_t len = 0;
    snprintf(heading, sizeof heading, "%s: %s", tr(j->lang, T_REPORTS),
             tr(j->lang, kinds[j->kind].msg));
    regtime_now(now);
    failed = report_render(&set, j->fmt, heading, &j->o, now, &buf, &len);
    report_set_free(&set);
    if (failed) {
        page_error(&j->rep, &r, MHD_HTTP_INTERNAL_SERVER_ERROR, T_ERROR,
                   "cannot render the report");
        return;
    }
    int xlsx = j->fmt == REPORT_XLSX;
    file_name(j, xlsx ? "xlsx" : "csv", name, sizeof name);
    reply_download(&j->rep,
                   xlsx ? "application/vnd.openxmlformats-officedocument."
                          "spreadsheetml.sheet"
                        : "text/csv; charset=utf-8",
                   name, buf, len);
    free(buf);
}

static void *job_thread(void *arg)
{
    report_job *j = arg;
    report_pool *p = j->pool;
    struct MHD_Connection *conn = j->conn;
    job_run(j);
    /* From here the job belongs to the connection again: the daemon may
     * answer and free it as soon as it is resumed. */
    pthread_mutex_lock(&p->lock);
    j->done = 1;
    MHD_resume_connection(conn);
    p->running--;
    pthread_cond_broadcast(&p->idle);
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

void report_pool_init(report_pool *p)
{
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->idle, NULL);
    p->running = 0;
    atomic_init(&p->stopping, 0);
}

void report_pool_drain(report_pool *p)
{
    atomic_store(&p->stopping, 1);
    pthread_mutex_lock(&p->lock);
    while (p->running)
        pthread_cond_wait(&p->idle, &p->lock);
    pthread_mutex_unlock(&p->lock);
}

void report_pool_destroy(report_pool *p)
{
    pthread_cond_destroy(&p->idle);
    pthread_mutex_destroy(&p->lock);
}

int report_job_start(report_pool *p, report_job *j, void *conn)
{
    j->pool = p;
    j->conn = conn;
    /* The pool's lock is held until conn is suspended: the thread takes
     * it before resuming conn, so it can never resume conn first. */
    pthread_mutex_lock(&p->lock);
    int bad = p->running >= CONSOLE_REPORT_JOBS || atomic_load(&p->stopping);
    pthread_attr_t a;
    pthread_t t;
    if (!bad && pthread_attr_init(&a) == 0) {
        bad = pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED) != 0 ||
              pthread_create(&t, &a, job_thread, j) != 0;
        pthread_attr_destroy(&a);
    } else {
        bad = 1;
    }
    if (!bad) {
        p->running++;
        MHD_suspend_connection(conn);
    }
    pthread_mutex_unlock(&p->lock);
    return bad ? -1 : 0;
}

int report_job_done(const report_job *j) { return j->done; }

void report_job_take(report_job *j, creply *rep)
{
    *rep = j->rep;
    memset(&j->rep, 0, sizeof j->rep);
}

void report_job_free(report_job *j)
{
    if (!j)
        return;
    free(j->rep.body.p);
    sodium_memzero(&j->s, sizeof j->s);
    free(j);
}

static report_job *job_new(const creq *r, const console_config *cfg,
                           size_t kind, report_format fmt)
{
    report_job *j = calloc(1, sizeof *j);
    if (!j)
        return NULL;
    j->kind = kind;
    j->fmt = fmt;
    j->s = *r->session;
    memset(j->s.token, 0, sizeof j->s.token);
    j->lang = r->lang;
    j->coll = cfg->collector_path;
    j->reg = cfg->db_path;
    return j;
}

report_job *report_job_page(const creq *r, const console_config *cfg,
                            const char *kind, int title, const report_opts *o)
{
    size_t k = 0;
    while (k < NKINDS - 1 && strcmp(kinds[k].kind, kind))
        k++;
    report_job *j = job_new(r, cfg, k, REPORT_HTML);
    if (j) {
        j->o = *o;
        j->title = title;
    }
    return j;
}

/* ---- The route ----------------------------------------------------------- */

static void reports_index(const creq *r, creply *rep)
{
    html *h = &rep->body;
    page_begin(h, r, tr(r->lang, T_REPORTS));
    kind_links(h, NKINDS);
    page_end(h);
}

void route_reports(struct console_ctx *c, const creq *r, creply *rep,
                   const char *rest)
{
    if (strcmp(r->method, "GET") && strcmp(r->method, "HEAD")) {
        page_error(rep, r, MHD_HTTP_METHOD_NOT_ALLOWED, T_BAD_REQUEST, NULL);
        return;
    }
    if (!may_read_reports(&r->session->user)) {
        page_error(rep, r, MHD_HTTP_FORBIDDEN, T_FORBIDDEN, NULL);
        return;
    }
    if (!rest[0] || !strcmp(rest, "/")) {
        reports_index(r, rep);
        return;
    }
    char kind[16];
    const char *dot = strchr(rest + 1, '.');
    size_t n = dot ? (size_t)(dot - rest - 1) : strlen(rest + 1);
    report_format fmt = !dot                    ? REPORT_HTML
                        : !strcmp(dot, ".csv")  ? REPORT_CSV
                        : !strcmp(dot, ".xlsx") ? REPORT_XLSX
                                                : REPORT_TEXT;
    size_t k = NKINDS;
    if (rest[0] == '/' && n < sizeof kind && fmt != REPORT_TEXT) {
        memcpy(kind, rest + 1, n);
        kind[n] = '\0';
        for (k = 0; k < NKINDS && strcmp(kinds[k].kind, kind); k++)
            ;
    }
    if (k == NKINDS) {
        page_error(rep, r, MHD_HTTP_NOT_FOUND, T_NOT_FOUND, NULL);
        return;
    }
    if (!c->cfg || !c->cfg->collector_path) {
        page_error(rep, r, MHD_HTTP_CONFLICT, T_ERROR,
                   tr(r->lang, T_NO_COLLECTOR));
        return;
    }
    report_job *j = job_new(r, c->cfg, k, fmt);
    if (!j) {
        rep->body.oom = 1;
        return;
    }
    const char *bad = read_filters(r, j);
    if (bad) {
        report_job_free(j);
        page_error(rep, r, MHD_HTTP_BAD_REQUEST, T_BAD_REQUEST, bad);
        return;
    }
    rep->job = j;
}
