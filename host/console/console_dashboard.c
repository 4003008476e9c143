/* console_dashboard.c -- GET /console/: the programme's figures per
 * province by stars (the registry's summary, registry_dashboard()),
 * certificates ending and ended, statuses changed this month, and the
 * feed's state with its alarms; POST /console/publish: "publish now". */
#include "console_int.h"

#include "feed/feed.h"
#include "registry/registry.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DASH_DAYS 90 /* certificates ending within */
#define DASH_LIST 20 /* rows shown of each list */

static void cell_num(html *h, long v)
{
    html_raw(h, "<td class=\"num\">");
    html_int(h, v);
    html_raw(h, "</td>");
}

static void figures_row(html *h, const struct reg_dash_row *row,
                        const char *name, int mine)
{
    html_raw(h, mine ? "<tr class=\"mine\"><th>" : "<tr><th>");
    html_text(h, name);
    html_raw(h, "</th>");
    for (int c = 0; c < REG_DASH_N; c++)
        cell_num(h, row->products[c]);
    for (int c = 0; c < REG_DASH_N; c++)
        cell_num(h, row->producers[c]);
    html_raw(h, "</tr>");
}

/* The per-province table; the clerk's own province first. */
static void figures(html *h, const creq *r, const struct reg_dash *d)
{
    const console_user *u = &r->session->user;
    static const int heads[REG_DASH_N] = {T_ALL_STARS, T_STARS3, T_STARS4,
                                          T_STARS5, T_PROPOSED5};
    html_raw(h, "<h2>");
    html_text(h, tr(r->lang, T_FIGURES));
    html_raw(h, "</h2><table class=\"figures\"><thead><tr><th rowspan=\"2\">");
    html_text(h, tr(r->lang, T_PROVINCE));
    html_raw(h, "</th><th colspan=\"5\">");
    html_text(h, tr(r->lang, T_PRODUCTS));
    html_raw(h, "</th><th colspan=\"5\">");
    html_text(h, tr(r->lang, T_PRODUCERS));
    html_raw(h, "</th></tr><tr>");
    for (int k = 0; k < 2; k++)
        for (int c = 0; c < REG_DASH_N; c++) {
            html_raw(h, "<th>");
            html_text(h, tr(r->lang, heads[c]));
            html_raw(h, "</th>");
        }
    html_raw(h, "</tr></thead><tbody>");
    for (size_t i = 0; u->province[0] && i < d->nrows; i++)
        if (!strcmp(d->rows[i].province, u->province))
            figures_row(h, &d->rows[i], d->rows[i].province, 1);
    for (size_t i = 0; i < d->nrows; i++)
        if (strcmp(d->rows[i].province, u->province) &&
            may_read_province(u, d->rows[i].province))
            figures_row(h, &d->rows[i], d->rows[i].province, 0);
    html_raw(h, "</tbody><tfoot>");
    if (may_read_province(u, ""))
        figures_row(h, &d->total, tr(r->lang, T_NATIONWIDE), 0);
    html_raw(h, "</tfoot></table>");
}

struct list_ctx {
    html *h;
    const creq *r;
    int which;
};

static void list_row(void *ctx, const char *const *cols, int n)
{
    struct list_ctx *l = ctx;
    html *h = l->h;
    if (!cols || n < 7 || !may_read_province(&l->r->session->user, cols[2]))
        return;
    html_raw(h, "<tr><td><a href=\"/console/product/");
    html_url(h, cols[0]);
    html_raw(h, "\">");
    html_text(h, cols[0]);
    html_raw(h, "</a></td><td>");
    html_text(h, cols[1]);
    html_raw(h, "</td><td>");
    html_text(h, cols[2]);
    html_raw(h, "</td><td>");
    if (l->which == REG_DASH_CHANGED) {
        html_raw(h, "<span class=\"st-");
        html_attr(h, cols[3]);
        html_raw(h, "\">");
        html_text(h, console_word(h->lang, cols[3]));
        html_raw(h, "</span></td><td>");
        html_text(h, cols[4]);
        html_raw(h, "</td><td>");
        html_text(h, cols[5]);
    } else {
        html_text(h, cols[6]);
    }
    html_raw(h, "</td></tr>");
}

/* One list: its count in the title, then its first rows. */
static int product_list(struct console_ctx *c, const creq *r, html *h,
                        int which, int title, long count, const char *today,
                        char *err, size_t errsz)
{
    html_raw(h, "<h2>");
    html_text(h, tr(r->lang, title));
    html_raw(h, ": <span class=\"count\" id=\"count-");
    html_int(h, which);
    html_raw(h, "\">");
    html_int(h, count);
    html_raw(h, "</span></h2>");
    if (!count)
        return 0;
    html_raw(h, "<table><thead><tr><th>");
    html_text(h, tr(r->lang, T_CODE));
    html_raw(h, "</th><th>");
    html_text(h, tr(r->lang, T_NAME));
    html_raw(h, "</th><th>");
    html_text(h, tr(r->lang, T_PROVINCE));
    html_raw(h, "</th><th>");
    if (which == REG_DASH_CHANGED) {
        html_text(h, tr(r->lang, T_STATUS));
        html_raw(h, "</th><th>");
        html_text(h, tr(r->lang, T_WHEN));
        html_raw(h, "</th><th>");
        html_text(h, tr(r->lang, T_REASON));
    } else {
        html_text(h, tr(r->lang, T_EXPIRES));
    }
    html_raw(h, "</th></tr></thead><tbody>");
    struct list_ctx l = {h, r, which};
    int rc = registry_dashboard_list(c->db, which, today, DASH_DAYS, DASH_LIST,
                                     list_row, &l, err, errsz);
    html_raw(h, "</tbody></table>");
    return rc;
}

static void fact(html *h, console_lang lang, int msg, const char *value)
{
    html_raw(h, "<tr><th>");
    html_text(h, tr(lang, msg));
    html_raw(h, "</th><td>");
    html_text(h, value[0] ? value : "–");
    html_raw(h, "</td></tr>");
}

/* The feed's state, its alarms, and the central user's publish button. */
static void feed_box(struct console_ctx *c, const creq *r, html *h)
{
    const console_config *cfg = c->cfg;
    html_raw(h, "<h2>");
    html_text(h, tr(r->lang, T_FEED));
    html_raw(h, "</h2>");
    if (!cfg || !cfg->feed_dir) {
        html_raw(h, "<p class=\"note\">");
        html_text(h, tr(r->lang, T_NO_FEED));
        html_raw(h, "</p>");
        return;
    }
    struct feed_state fs;
    char err[512], v[32];
    if (feed_state_read(cfg->feed_dir, cfg->publish_status, (int64_t)time(NULL),
                        &fs, err, sizeof err)) {
        html_raw(h, "<p class=\"error\">");
        html_text(h, err);
        html_raw(h, "</p>");
        return;
    }
    if (fs.alarm_expiry || fs.alarm_failed) {
        html_raw(h, "<div class=\"alarm\" role=\"alert\">");
        if (fs.alarm_expiry) {
            html_raw(h, "<p id=\"alarm-expiry\">");
            html_text(h, tr(r->lang, T_ALARM_EXPIRY));
            html_raw(h, "</p>");
        }
        if (fs.alarm_failed) {
            html_raw(h, "<p id=\"alarm-failed\">");
            html_text(h, tr(r->lang, T_ALARM_FAILED));
            html_raw(h, ": ");
            html_text(h, fs.status.error);
            html_raw(h, "</p>");
        }
        html_raw(h, "</div>");
    }
    snprintf(v, sizeof v, "%lld", (long long)fs.version);
    html_raw(h, "<table class=\"fields feed\">");
    fact(h, r->lang, T_VERSION, fs.have_manifest ? v : "");
    fact(h, r->lang, T_PUBLISHED, fs.published);
    fact(h, r->lang, T_FEED_EXPIRES, fs.expires);
    fact(h, r->lang, T_NEXT_PUBLISH, fs.next_due);
    if (fs.have_status) {
        char line[400];
        snprintf(line, sizeof line, "%s: %s%s%s", fs.status.attempt,
                 tr(r->lang, fs.status.ok ? T_ATTEMPT_OK : T_ATTEMPT_FAILED),
                 fs.status.ok ? "" : " — ", fs.status.error);
        fact(h, r->lang, T_LAST_ATTEMPT, line);
    }
    html_raw(h, "</table>");
    if (may_publish(&r->session->user) && cfg->publish_mirror &&
        cfg->feed_key) {
        html_raw(h, "<form method=\"post\" action=\"/console/publish\" "
                    "class=\"publish\">");
        html_csrf(h, r->session->csrf);
        html_raw(h, "<button id=\"publish-now\">");
        html_text(h, tr(r->lang, T_PUBLISH_NOW));
        html_raw(h, "</button></form>");
    }
}

void route_dashboard(struct console_ctx *c, const creq *r, creply *rep)
{
    if (!may_read_dashboard(&r->session->user)) {
        reply_redirect(rep, "/console/products");
        return;
    }
    char today[LABELS_DATE_SIZE], err[CONSOLE_ERR_MAX];
    regdate_today(today);
    struct reg_dash d;
    if (registry_dashboard(c->db, today, DASH_DAYS, &d, err, sizeof err)) {
        page_error(rep, r, MHD_HTTP_INTERNAL_SERVER_ERROR, T_ERROR, err);
        return;
    }
    html *h = &rep->body;
    page_begin(h, r, tr(r->lang, T_DASHBOARD));
    const char *done = r->arg(r, "published");
    if (done) {
        html_raw(h, "<p class=\"saved\">");
        html_text(h, tr(r->lang, T_PUBLISHED_VERSION));
        html_raw(h, " ");
        html_text(h, done);
        html_raw(h, "</p>");
    }
    feed_box(c, r, h);
    figures(h, r, &d);
    int rc = product_list(c, r, h, REG_DASH_EXPIRING, T_EXPIRING90, d.expiring,
                          today, err, sizeof err) ||
             product_list(c, r, h, REG_DASH_EXPIRED, T_EXPIRED_CERTS, d.expired,
                          today, err, sizeof err) ||
             product_list(c, r, h, REG_DASH_CHANGED, T_CHANGED_MONTH, d.changed,
                          today, err, sizeof err);
    registry_dashboard_free(&d);
    if (rc) {
        page_error(rep, r, MHD_HTTP_INTERNAL_SERVER_ERROR, T_ERROR, err);
        return;
    }
    page_end(h);
}

/* Export the registry, publish the next version and record the outcome
 * in the publish status, as the publish timer does, at once. */
static int publish_now(const console_config *cfg, long long *version, char *err,
                       size_t errsz)
{
    long long mark = 0, v = 0;
    int64_t now = (int64_t)time(NULL);
    labels_seckey sec;
    int ok = registry_change_mark(cfg->db_path, &mark, err, errsz) == 0 &&
             registry_export(cfg->db_path, cfg->publish_mirror, NULL, &v, err,
                             errsz) == 0;
    if (ok && labels_seckey_read(cfg->feed_key, &sec) != LABELS_OK) {
        snprintf(err, errsz, "cannot read the authority's secret key");
        ok = 0;
    }
    if (ok) {
        struct feed_publish_opts o = {.mirror = cfg->publish_mirror,
                                      .feed_dir = cfg->feed_dir,
                                      .key = &sec,
                                      .expires_days = FEED_DEFAULT_EXPIRES_DAYS,
                                      .keep_deltas = FEED_DEFAULT_KEEP_DELTAS};
        struct feed_publish_result res;
        int rc = feed_publish(&o, &res, err, errsz);
        labels_seckey_wipe(&sec);
        ok = rc == LABELS_OK;
        if (!ok && !err[0])
            snprintf(err, errsz, "%s", labels_strerror(rc));
        *version = res.version;
    }
    char rerr[256];
    if (cfg->publish_status &&
        feed_status_record(cfg->publish_status, ok, 0, ok ? *version : 0, mark,
                           ok ? NULL : err, now, rerr, sizeof rerr) &&
        ok) {
        snprintf(err, errsz, "%s", rerr);
        return -1;
    }
    return ok ? 0 : -1;
}

void route_publish(struct console_ctx *c, const creq *r, creply *rep)
{
    const console_config *cfg = c->cfg;
    if (!may_publish(&r->session->user)) {
        page_error(rep, r, MHD_HTTP_FORBIDDEN, T_FORBIDDEN, NULL);
        return;
    }
    if (!cfg || !cfg->feed_dir || !cfg->publish_mirror || !cfg->feed_key) {
        page_error(rep, r, MHD_HTTP_NOT_FOUND, T_NO_FEED, NULL);
        return;
    }
    long long version = 0;
    char err[CONSOLE_ERR_MAX] = "", path[64];
    if (publish_now(cfg, &version, err, sizeof err)) {
        page_error(rep, r, MHD_HTTP_INTERNAL_SERVER_ERROR, T_ERROR, err);
        return;
    }
    char who[CONSOLE_NAME_MAX + 16], v[32];
    console_who(r, who, sizeof who);
    snprintf(v, sizeof v, "%lld", version);
    if (console_audit_add(c->db, who, "feed", "publish", "version", NULL, v,
                          err, sizeof err)) {
        page_error(rep, r, MHD_HTTP_INTERNAL_SERVER_ERROR, T_ERROR, err);
        return;
    }
    snprintf(path, sizeof path, "/console/?published=%lld", version);
    reply_redirect(rep, path);
}
