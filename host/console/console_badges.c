/* console_badges.c -- inspectors in the console: central users issue and
 * revoke badges (signed with the authority key the console was started
 * with) and download the printable card; an inspector sees the products
 * of its province due for re-inspection (the reinspect report). */
#include "console_int.h"

#include "print/print.h"
#include "registry/registry.h"
#include "report/report.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void badges_page(struct console_ctx *c, const creq *r, creply *rep)
{
    html *h = &rep->body;
    page_begin(h, r, tr(r->lang, T_BADGES));
    sqlite3_stmt *st;
    html_raw(h, "<table><thead><tr>");
    static const int cols[] = {T_INSPECTOR, T_NAME, T_PROVINCE, T_VALID_UNTIL,
                               T_REVOKED};
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
        html_raw(h, "<th>");
        html_text(h, tr(r->lang, cols[i]));
        html_raw(h, "</th>");
    }
    html_raw(h, "<th></th></tr></thead><tbody>");
    /* A registry that never issued a badge has no tables yet. */
    if (sqlite3_prepare_v2(c->db,
                           "SELECT i.inspector, i.name, i.province,"
                           " ifnull(max(b.valid_until),''), i.revoked FROM"
                           " inspectors i LEFT JOIN badges b ON"
                           " b.inspector=i.inspector GROUP BY i.inspector"
                           " ORDER BY i.inspector",
                           -1, &st, NULL) == SQLITE_OK) {
        while (sqlite3_step(st) == SQLITE_ROW) {
            const char *id = (const char *)sqlite3_column_text(st, 0);
            html_raw(h, "<tr>");
            for (int i = 0; i < 5; i++) {
                html_raw(h, "<td>");
                html_text(h, (const char *)sqlite3_column_text(st, i));
                html_raw(h, "</td>");
            }
            html_raw(h, "<td><a href=\"/console/badges/");
            html_url(h, id);
            html_raw(h, "/card.pdf\">");
            html_text(h, tr(r->lang, T_BADGE_CARD));
            html_raw(h, "</a> ");
            if (!sqlite3_column_text(st, 4)[0]) {
                html_raw(h, "<form method=\"post\" class=\"inline\" "
                            "action=\"/console/badges/");
                html_url(h, id);
                html_raw(h, "/revoke\">");
                html_csrf(h, r->session->csrf);
                html_raw(h, "<button>");
                html_text(h, tr(r->lang, T_REVOKE));
                html_raw(h, "</button></form>");
            }
            html_raw(h, "</td></tr>");
        }
        sqlite3_finalize(st);
    }
    html_raw(h, "</tbody></table><h2>");
    html_text(h, tr(r->lang, T_ISSUE_BADGE));
    html_raw(h, "</h2><form method=\"post\" action=\"/console/badges/issue\">");
    html_csrf(h, r->session->csrf);
    static const struct {
        int msg;
        const char *name, *type;
    } in[] = {{T_INSPECTOR, "inspector", "text"},
              {T_NAME, "name", "text"},
              {T_PROVINCE, "province", "text"},
              {T_VALID_UNTIL, "valid_until", "date"}};
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
        html_raw(h, "<label>");
        html_text(h, tr(r->lang, in[i].msg));
        html_raw(h, " <input required name=\"");
        html_raw(h, in[i].name);
        html_raw(h, "\" type=\"");
        html_raw(h, in[i].type);
        html_raw(h, "\"></label> ");
    }
    html_raw(h, "<button>");
    html_text(h, tr(r->lang, T_ISSUE_BADGE));
    html_raw(h, "</button></form>");
    page_end(h);
}

/* The badge from the form, checked as `ocop-host badge issue` checks it:
 * 0, or -1 (a bad field). */
static int badge_from_form(const creq *r, labels_badge *b)
{
    const char *id = form_get(r, "inspector", NULL);
    const char *name = form_get(r, "name", NULL);
    const char *prov = form_get(r, "province", NULL);
    const char *until = form_get(r, "valid_until", NULL);
    const labels_province *p = prov ? province_find(prov) : NULL;
    uint16_t day, today;
    memset(b, 0, sizeof *b);
    if (!id || !registry_code_valid(id) || !name ||
        strlen(name) > LABELS_BADGE_NAME_MAX || !p ||
        strlen(p->name) > LABELS_BADGE_PROVINCE_MAX || !until ||
        labels_date_parse(until, &day) != LABELS_OK ||
        labels_date_today(&today) != LABELS_OK || day < today)
        return -1;
    snprintf(b->inspector, sizeof b->inspector, "%s", id);
    snprintf(b->name, sizeof b->name, "%s", name);
    snprintf(b->province, sizeof b->province, "%s", p->name);
    b->valid_until = day;
    return labels_badge_check_fields(b) == LABELS_OK ? 0 : -1;
}

static void badge_issue(struct console_ctx *c, const creq *r, creply *rep)
{
    labels_badge b;
    if (badge_from_form(r, &b)) {
        page_error(rep, r, MHD_HTTP_BAD_REQUEST, T_BAD_REQUEST, NULL);
        return;
    }
    const char *keypath = c->cfg ? c->cfg->authority_key : NULL;
    labels_seckey sec;
    if (!keypath || labels_seckey_read(keypath, &sec) != LABELS_OK) {
        page_error(rep, r, MHD_HTTP_CONFLICT, T_ERROR,
                   "the console was started without the authority key "
                   "(ocop-host serve --authority-key)");
        return;
    }
    char err[CONSOLE_ERR_MAX] = "", text[LABELS_BADGE_TEXT_MAX];
    char who[CONSOLE_NAME_MAX + 16];
    console_who(r, who, sizeof who);
    long long mark = console_audit_mark(c->db);
    int rc = registry_badge_issue(c->db, &b, &sec, NULL, text, sizeof text, err,
                                  sizeof err);
    labels_seckey_wipe(&sec);
    if (rc == REG_BADGE_OK)
        console_audit_tag(c->db, mark, who, err, sizeof err);
    if (rc == REG_BADGE_REFUSED)
        page_error(rep, r, MHD_HTTP_CONFLICT, T_ERROR, err);
    else if (rc != REG_BADGE_OK)
        page_error(rep, r, MHD_HTTP_INTERNAL_SERVER_ERROR, T_ERROR, err);
    else
        reply_redirect(rep, "/console/badges");
}

static void badge_revoke(struct console_ctx *c, const creq *r, creply *rep,
                         const char *id)
{
    char err[CONSOLE_ERR_MAX] = "", revoked[LABELS_DATE_SIZE];
    char who[CONSOLE_NAME_MAX + 16], now[LABELS_TIME_ISO_SIZE];
    char day[LABELS_DATE_SIZE];
    console_who(r, who, sizeof who);
    regtime_now(now);
    snprintf(day, sizeof day, "%.10s", now);
    long long mark = console_audit_mark(c->db);
    int rc = registry_badge_revoke(c->db, id, day, revoked, err, sizeof err);
    if (rc == REG_BADGE_OK)
        console_audit_tag(c->db, mark, who, err, sizeof err);
    if (rc == REG_BADGE_OK || rc == REG_BADGE_REFUSED)
        reply_redirect(rep, "/console/badges");
    else
        page_error(rep, r, MHD_HTTP_NOT_FOUND, T_NOT_FOUND, err);
}

/* The latest badge of inspector id as a PDF card. */
static void badge_card(const struct console_ctx *c, const creq *r, creply *rep,
                       const char *id)
{
    char text[LABELS_BADGE_TEXT_MAX];
    labels_badge b;
    unsigned char *pdf = NULL;
    size_t len = 0;
    if (registry_badge_latest(c->db, id, text, sizeof text) == 1 &&
        labels_badge_parse(text, strlen(text), &b) == LABELS_OK &&
        print_badge_card(&b, text, &pdf, &len) == LABELS_OK) {
        char name[64];
        snprintf(name, sizeof name, "badge-%s.pdf", id);
        for (char *p = name; *p; p++)
            if (*p == '/')
                *p = '-';
        reply_download(rep, "application/pdf", name, pdf, len);
    } else {
        page_error(rep, r, MHD_HTTP_NOT_FOUND, T_NOT_FOUND, NULL);
    }
    free(pdf);
}

void route_badges(struct console_ctx *c, const creq *r, creply *rep,
                  const char *rest)
{
    int post = !strcmp(r->method, "POST");
    if (!may_manage_badges(&r->session->user)) {
        page_error(rep, r, MHD_HTTP_FORBIDDEN, T_FORBIDDEN, NULL);
        return;
    }
    int at = route_index(r, rep, rest);
    if (at) {
        if (at > 0)
            badges_page(c, r, rep);
        return;
    }
    if (!strcmp(rest, "/issue") && post) {
        badge_issue(c, r, rep);
        return;
    }
    /* IDs may hold '/': the action is a suffix. */
    char id[LABELS_CODE_MAX + 1];
    const char *s = rest + 1;
    size_t n = strlen(s);
    int revoke = n > 7 && !strcmp(s + n - 7, "/revoke");
    int card = n > 9 && !strcmp(s + n - 9, "/card.pdf");
    n -= revoke ? 7 : card ? 9 : n;
    if (!n || n >= sizeof id || revoke != post) {
        page_error(rep, r, MHD_HTTP_NOT_FOUND, T_NOT_FOUND, NULL);
        return;
    }
    memcpy(id, s, n);
    id[n] = '\0';
    if (revoke)
        badge_revoke(c, r, rep, id);
    else
        badge_card(c, r, rep, id);
}

/* ---- Re-inspection ------------------------------------------------------ */

void route_reinspect(struct console_ctx *c, const creq *r, creply *rep)
{
    const console_user *u = &r->session->user;
    if (u->role == CONSOLE_PRODUCER) {
        page_error(rep, r, MHD_HTTP_FORBIDDEN, T_FORBIDDEN, NULL);
        return;
    }
    time_t now = time(NULL);
    report_opts o = {.from = (int64_t)now - 30 * 86400,
                     .to = (int64_t)now + 86400,
                     .limit = 500,
                     .expiring_days = 90,
                     .reinspect_scans = 3};
    /* Province clerks and inspectors: their own province only. */
    if (u->role == CONSOLE_PROVINCE || u->role == CONSOLE_INSPECTOR)
        snprintf(o.province, sizeof o.province, "%s", u->province);
    uint16_t today;
    if (labels_date_today(&today) == LABELS_OK)
        labels_date_format(today, o.today);
    /* The report runs off the console's lock (console_reports.c). */
    const char *col = c->cfg ? c->cfg->collector_path : NULL;
    if (col) {
        rep->job = report_job_page(r, c->cfg, "reinspect", T_REINSPECT, &o);
        rep->body.oom = !rep->job;
        return;
    }
    page_begin(&rep->body, r, tr(r->lang, T_REINSPECT));
    page_end(&rep->body);
}
