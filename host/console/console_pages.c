/* console_pages.c -- products and producers: search, the product page
 * with its producer, keys and history, the edit form (a version per
 * product against silent overwrites) and the status form; the audit. */
#include "console_int.h"

#include "registry/registry.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_ROWS 50

static const char *arg_or(const creq *r, const char *name)
{
    const char *v = r->arg(r, name);
    return v ? v : "";
}

static long page_number(const creq *r)
{
    const char *v = r->arg(r, "page");
    char *end;
    long n = v ? strtol(v, &end, 10) : 1;
    if (!v || *end || n < 1 || n > 100000)
        n = 1;
    return n;
}

static void forbidden(creply *rep, const creq *r)
{
    page_error(rep, r, MHD_HTTP_FORBIDDEN, T_FORBIDDEN, NULL);
}

static void col_text(html *h, sqlite3_stmt *st, int i)
{
    html_text(h, (const char *)sqlite3_column_text(st, i));
}

static void stars_text(html *h, int stars, int proposed5)
{
    html_int(h, stars);
    html_raw(h, "★");
    if (proposed5) {
        html_raw(h, " (");
        html_text(h, tr(h->lang, T_PROPOSED5));
        html_raw(h, ")");
    }
}

/* Previous/next links keeping the query's other arguments. */
static void pager(html *h, const creq *r, const char *path,
                  const char *const *keys, long page, int more)
{
    html_raw(h, "<p class=\"pager\">");
    for (int d = -1; d <= 1; d += 2) {
        if ((d < 0 && page <= 1) || (d > 0 && !more))
            continue;
        html_raw(h, "<a href=\"");
        html_attr(h, path);
        html_raw(h, "?page=");
        html_int(h, page + d);
        for (const char *const *k = keys; *k; k++) {
            const char *v = r->arg(r, *k);
            if (v && *v) {
                html_raw(h, "&amp;");
                html_raw(h, *k);
                html_raw(h, "=");
                html_url(h, v);
            }
        }
        html_raw(h, "\">");
        html_text(h, tr(h->lang, d < 0 ? T_PREV : T_NEXT));
        html_raw(h, "</a> ");
    }
    html_raw(h, "</p>");
}

static void db_failed(creply *rep, const creq *r, sqlite3 *db)
{
    char err[CONSOLE_ERR_MAX];
    console_db_error(db, "database error", err, sizeof err);
    page_error(rep, r, MHD_HTTP_INTERNAL_SERVER_ERROR, T_ERROR, err);
}

/* ---- Products ------------------------------------------------------------ */

static const char *const status_keys[] = {"rated", "suspended", "revoked",
                                          "expired"};

/* The search form, showing the query it answers. */
static void products_form(html *h, const creq *r, const char *q,
                          const labels_province *prov, const char *gkey,
                          const char *stars, const char *status)
{
    html_raw(h, "<form method=\"get\" action=\"/console/products\" "
                "class=\"filters\"><input name=\"q\" type=\"search\" "
                "value=\"");
    html_attr(h, q);
    html_raw(h, "\"> ");
    const char *pvals[64], *plabels[64];
    size_t np = 0;
    pvals[np] = "";
    plabels[np++] = tr(r->lang, T_PROVINCE);
    for (size_t i = 0; i < province_count() && np < 64; i++, np++)
        pvals[np] = plabels[np] = province_at(i)->name;
    html_select(h, "province", pvals, plabels, np, prov ? prov->name : "");
    const char *gvals[LABELS_G_COUNT_ + 1], *glabels[LABELS_G_COUNT_ + 1];
    gvals[0] = "";
    glabels[0] = tr(r->lang, T_GROUP);
    for (int i = 0; i < LABELS_G_COUNT_; i++) {
        gvals[i + 1] = labels_group_code((labels_group)i);
        glabels[i + 1] = labels_group_name((labels_group)i, r->lang);
    }
    html_select(h, "group", gvals, glabels, LABELS_G_COUNT_ + 1,
                gkey ? gkey : "");
    const char *svals[] = {"", "3", "4", "p5", "5"};
    const char *slabels[] = {tr(r->lang, T_STARS), "3★", "4★",
                             tr(r->lang, T_PROPOSED5), "5★"};
    html_select(h, "stars", svals, slabels, 5, stars);
    const char *tvals[] = {"", "rated", "suspended", "revoked", "expired"};
    const char *tlabels[5];
    tlabels[0] = tr(r->lang, T_STATUS);
    for (int i = 1; i < 5; i++)
        tlabels[i] = console_word(r->lang, tvals[i]);
    html_select(h, "status", tvals, tlabels, 5, status);
    html_raw(h, " <button>");
    html_text(h, tr(r->lang, T_SEARCH));
    html_raw(h, "</button></form>");
}

void route_products(struct console_ctx *c, const creq *r, creply *rep)
{
    const console_user *u = &r->session->user;
    const char *q = arg_or(r, "q"), *pv = arg_or(r, "province");
    const char *grp = arg_or(r, "group"), *stars = arg_or(r, "stars");
    const char *status = arg_or(r, "status");
    long page = page_number(r);
    char folded[256];
    console_fold(q, folded, sizeof folded);
    char like[260];
    snprintf(like, sizeof like, "%%%s%%", folded);
    const labels_province *prov = *pv ? province_find(pv) : NULL;
    const char *gkey = *grp ? registry_group_key(grp) : NULL;
    int want_stars = 0, want_p5 = 0;
    if (!strcmp(stars, "3") || !strcmp(stars, "4") || !strcmp(stars, "5"))
        want_stars = stars[0] - '0';
    else if (!strcmp(stars, "p5"))
        want_stars = 4, want_p5 = 1;
    int status_ok = 0;
    for (size_t i = 0; i < 4; i++)
        status_ok |= !strcmp(status, status_keys[i]);
    /* The scope is the server's: an inspector sees its province, a
     * producer its own products, whatever the query asks. */
    const char *scope_pv = u->role == CONSOLE_INSPECTOR ? u->province : "";
    const char *scope_pr = u->role == CONSOLE_PRODUCER ? u->producer : "";

    char err[CONSOLE_ERR_MAX];
    if (*folded && console_search_sync(c->db, err, sizeof err)) {
        page_error(rep, r, MHD_HTTP_INTERNAL_SERVER_ERROR, T_ERROR, err);
        return;
    }
    sqlite3_stmt *st;
    if (console_search_prepare(c->db, folded, &st) != SQLITE_OK) {
        db_failed(rep, r, c->db);
        return;
    }
    sqlite3_bind_text(st, 3, like, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, prov ? prov->name : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, gkey ? gkey : "", -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 6, want_stars);
    sqlite3_bind_int(st, 7, want_p5);
    sqlite3_bind_text(st, 8, status_ok ? status : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 9, scope_pv, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 10, scope_pr, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 11, PAGE_ROWS + 1);
    sqlite3_bind_int64(st, 12, (page - 1) * PAGE_ROWS);

    html *h = &rep->body;
    page_begin(h, r, tr(r->lang, T_PRODUCTS));
    products_form(h, r, q, prov, gkey, stars, status);
    html_raw(h, "<table><thead><tr>");
    static const int cols[] = {T_CODE,   T_NAME,     T_GROUP,    T_STARS,
                               T_STATUS, T_PROVINCE, T_PRODUCER, T_EXPIRES};
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
        html_raw(h, "<th>");
        html_text(h, tr(r->lang, cols[i]));
        html_raw(h, "</th>");
    }
    html_raw(h, "</tr></thead><tbody>");
    int n = 0, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < PAGE_ROWS) {
        n++;
        html_raw(h, "<tr><td><a href=\"/console/product/");
        html_url(h, (const char *)sqlite3_column_text(st, 0));
        html_raw(h, "\">");
        col_text(h, st, 0);
        html_raw(h, "</a></td><td>");
        col_text(h, st, 1);
        html_raw(h, "</td><td>");
        html_text(
            h, console_word(r->lang, (const char *)sqlite3_column_text(st, 2)));
        html_raw(h, "</td><td>");
        stars_text(h, sqlite3_column_int(st, 5), sqlite3_column_int(st, 6));
        html_raw(h, "</td><td class=\"st-");
        html_attr(h, (const char *)sqlite3_column_text(st, 7));
        html_raw(h, "\">");
        html_text(
            h, console_word(r->lang, (const char *)sqlite3_column_text(st, 7)));
        html_raw(h, "</td><td>");
        col_text(h, st, 4);
        html_raw(h, "</td><td>");
        col_text(h, st, 3);
        html_raw(h, "</td><td>");
        col_text(h, st, 8);
        html_raw(h, "</td></tr>");
    }
    int more = rc == SQLITE_ROW;
    int ok = rc == SQLITE_ROW || rc == SQLITE_DONE;
    sqlite3_finalize(st);
    if (!ok) {
        db_failed(rep, r, c->db);
        return;
    }
    html_raw(h, "</tbody></table>");
    if (!n) {
        html_raw(h, "<p>");
        html_text(h, tr(r->lang, T_NO_RESULTS));
        html_raw(h, "</p>");
    }
    static const char *const keys[] = {"q",     "province", "group",
                                       "stars", "status",   NULL};
    pager(h, r, "/console/products", keys, page, more);
    page_end(h);
}

static void field_row(html *h, int label, const char *value)
{
    html_raw(h, "<tr><th>");
    html_text(h, tr(h->lang, label));
    html_raw(h, "</th><td>");
    html_text(h, value);
    html_raw(h, "</td></tr>");
}

static void product_table(html *h, const struct reg_product *p)
{
    html_raw(h, "<table class=\"fields\">");
    field_row(h, T_CODE, p->code);
    field_row(h, T_NAME, p->name);
    field_row(h, T_GROUP, console_word(h->lang, p->grp));
    html_raw(h, "<tr><th>");
    html_text(h, tr(h->lang, T_STARS));
    html_raw(h, "</th><td>");
    stars_text(h, p->stars, p->proposed5);
    html_raw(h, "</td></tr>");
    field_row(h, T_STATUS, console_word(h->lang, p->status));
    if (p->status_reason[0])
        field_row(h, T_REASON, p->status_reason);
    field_row(h, T_PROVINCE, p->province);
    field_row(h, T_CERTIFICATE, p->certificate);
    field_row(h, T_CERTIFIED, p->certified);
    field_row(h, T_EXPIRES, p->expires);
    html_raw(h, "</table>");
}

static void history_table(sqlite3 *db, html *h, const char *entity,
                          const char *ref)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db,
                           "SELECT a.at,a.field,ifnull(a.old,''),"
                           "ifnull(a.new,''),ifnull(w.who,'') FROM audit a "
                           "LEFT JOIN audit_who w ON w.audit_id=a.id "
                           "WHERE a.entity=?1 AND a.ref=?2 ORDER BY a.id DESC "
                           "LIMIT 100",
                           -1, &st, NULL) != SQLITE_OK)
        return;
    sqlite3_bind_text(st, 1, entity, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, ref, -1, SQLITE_STATIC);
    html_raw(h, "<h2>");
    html_text(h, tr(h->lang, T_HISTORY));
    html_raw(h, "</h2><table><thead><tr>");
    static const int cols[] = {T_WHEN, T_WHO, T_FIELD, T_OLD, T_NEW};
    for (size_t i = 0; i < 5; i++) {
        html_raw(h, "<th>");
        html_text(h, tr(h->lang, cols[i]));
        html_raw(h, "</th>");
    }
    html_raw(h, "</tr></thead><tbody>");
    while (sqlite3_step(st) == SQLITE_ROW) {
        html_raw(h, "<tr><td>");
        col_text(h, st, 0);
        html_raw(h, "</td><td>");
        col_text(h, st, 4);
        html_raw(h, "</td><td>");
        col_text(h, st, 1);
        html_raw(h, "</td><td>");
        col_text(h, st, 2);
        html_raw(h, "</td><td>");
        col_text(h, st, 3);
        html_raw(h, "</td></tr>");
    }
    sqlite3_finalize(st);
    html_raw(h, "</tbody></table>");
}

static void keys_table(sqlite3 *db, html *h, const char *producer)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db,
                           "SELECT key_id,enrolled,revoked,revoke_reason FROM "
                           "keys WHERE producer=?1 ORDER BY enrolled,key_id",
                           -1, &st, NULL) != SQLITE_OK)
        return;
    sqlite3_bind_text(st, 1, producer, -1, SQLITE_STATIC);
    html_raw(h, "<h2>");
    html_text(h, tr(h->lang, T_KEYS));
    html_raw(h, "</h2><table><thead><tr><th>");
    html_text(h, tr(h->lang, T_KEY_ID));
    html_raw(h, "</th><th>");
    html_text(h, tr(h->lang, T_ENROLLED));
    html_raw(h, "</th><th>");
    html_text(h, tr(h->lang, T_REVOKED));
    html_raw(h, "</th></tr></thead><tbody>");
    while (sqlite3_step(st) == SQLITE_ROW) {
        html_raw(h, "<tr><td><code>");
        col_text(h, st, 0);
        html_raw(h, "</code></td><td>");
        col_text(h, st, 1);
        html_raw(h, "</td><td>");
        col_text(h, st, 2);
        html_raw(h, " ");
        col_text(h, st, 3);
        html_raw(h, "</td></tr>");
    }
    sqlite3_finalize(st);
    html_raw(h, "</tbody></table>");
}

static void input(html *h, int label, const char *name, const char *value,
                  const char *type)
{
    html_input(h, label, name, value, type);
}

static const char *stars_value(const struct reg_product *p)
{
    return p->proposed5    ? "p5"
           : p->stars == 5 ? "5"
           : p->stars == 4 ? "4"
                           : "3";
}

/* The edit form: values from p, or from the submitted form when given. */
static void edit_form(html *h, const creq *r, const struct reg_product *p,
                      long long version, const creq *submitted)
{
#define VAL(name, fallback)                                                    \
    (submitted && form_get(submitted, name, NULL)                              \
         ? form_get(submitted, name, NULL)                                     \
         : (fallback))
    html_raw(h, "<form method=\"post\" action=\"/console/product/");
    html_url(h, p->code);
    html_raw(h, "/edit\" class=\"edit\">");
    html_csrf(h, r->session->csrf);
    html_raw(h, "<input type=\"hidden\" name=\"version\" value=\"");
    html_int(h, version);
    html_raw(h, "\">");
    input(h, T_NAME, "name", VAL("name", p->name), "text");
    html_raw(h, "<label>");
    html_text(h, tr(h->lang, T_GROUP));
    const char *gvals[LABELS_G_COUNT_], *glabels[LABELS_G_COUNT_];
    for (int i = 0; i < LABELS_G_COUNT_; i++) {
        gvals[i] = labels_group_code((labels_group)i);
        glabels[i] = labels_group_name((labels_group)i, h->lang);
    }
    html_select(h, "group", gvals, glabels, LABELS_G_COUNT_,
                VAL("group", p->grp));
    html_raw(h, "</label><label>");
    html_text(h, tr(h->lang, T_STARS));
    const char *svals[] = {"3", "4", "p5", "5"};
    const char *slabels[] = {"3★", "4★", tr(h->lang, T_PROPOSED5), "5★"};
    html_select(h, "stars", svals, slabels, 4, VAL("stars", stars_value(p)));
    html_raw(h, "</label>");
    input(h, T_CERTIFICATE, "certificate", VAL("certificate", p->certificate),
          "text");
    input(h, T_CERTIFIED, "certified", VAL("certified", p->certified), "date");
    input(h, T_EXPIRES, "expires", VAL("expires", p->expires), "date");
    html_raw(h, "<button>");
    html_text(h, tr(h->lang, T_SAVE));
    html_raw(h, "</button></form>");
#undef VAL
}

static void status_form(html *h, const creq *r, const struct reg_product *p)
{
    html_raw(h, "<h2>");
    html_text(h, tr(h->lang, T_SET_STATUS));
    html_raw(h, "</h2><form method=\"post\" action=\"/console/product/");
    html_url(h, p->code);
    html_raw(h, "/status\" class=\"edit\">");
    html_csrf(h, r->session->csrf);
    html_raw(h, "<label>");
    html_text(h, tr(h->lang, T_STATUS));
    const char *labels[4];
    for (int i = 0; i < 4; i++)
        labels[i] = console_word(h->lang, status_keys[i]);
    html_select(h, "status", status_keys, labels, 4, p->status);
    html_raw(h, "</label><label>");
    html_text(h, tr(h->lang, T_REASON));
    html_raw(h, "<input name=\"reason\" value=\"");
    html_attr(h, p->status_reason);
    html_raw(h, "\" maxlength=\"255\"></label><p class=\"note\">");
    html_text(h, tr(h->lang, T_REASON_PUBLIC));
    html_raw(h, "</p><button>");
    html_text(h, tr(h->lang, T_SET_STATUS));
    html_raw(h, "</button></form>");
}

/* The move form (central users): a province of the 2025 list, the
 * record's version. base is "/console/product/" or "/console/producer/". */
static void move_form(html *h, const creq *r, const char *base,
                      const char *code, const char *province, long long version)
{
    html_raw(h, "<h2>");
    html_text(h, tr(h->lang, T_MOVE));
    html_raw(h, "</h2><form method=\"post\" class=\"edit\" action=\"");
    html_attr(h, base);
    html_url(h, code);
    html_raw(h, "/move\">");
    html_csrf(h, r->session->csrf);
    html_raw(h, "<input type=\"hidden\" name=\"version\" value=\"");
    html_int(h, version);
    html_raw(h, "\"><label>");
    html_text(h, tr(h->lang, T_PROVINCE));
    const char *names[64];
    size_t n = 0;
    for (size_t i = 0; i < province_count() && n < 64; i++)
        names[n++] = province_at(i)->name;
    html_select(h, "province", names, NULL, n, province);
    html_raw(h, "</label><p class=\"note\">");
    html_text(h, tr(h->lang, T_MOVE_HELP));
    html_raw(h, "</p><button>");
    html_text(h, tr(h->lang, T_MOVE));
    html_raw(h, "</button></form>");
}

static void product_page(struct console_ctx *c, const creq *r, creply *rep,
                         const struct reg_product *p)
{
    const console_user *u = &r->session->user;
    html *h = &rep->body;
    struct reg_producer pr;
    char err[REG_ERR_MAX];
    int have_pr = reg_producer_load(c->db, p->producer, &pr, err, sizeof err);
    page_begin(h, r, p->name);
    product_table(h, p);
    html_raw(h, "<h2>");
    html_text(h, tr(h->lang, T_PRODUCER));
    html_raw(h, "</h2><p><a href=\"/console/producer/");
    html_url(h, p->producer);
    html_raw(h, "\">");
    html_text(h, p->producer);
    html_raw(h, "</a>");
    if (have_pr == 1) {
        html_raw(h, " – ");
        html_text(h, pr.name);
        html_raw(h, " (");
        html_text(h, console_word(h->lang, pr.kind));
        html_raw(h, ")");
    }
    html_raw(h, "</p>");
    if (may_change_product(u, p->province)) {
        html_raw(h, "<p><a class=\"button\" href=\"/console/product/");
        html_url(h, p->code);
        html_raw(h, "/edit\">");
        html_text(h, tr(h->lang, T_EDIT));
        html_raw(h, "</a></p>");
        status_form(h, r, p);
    }
    if (may_move(u))
        move_form(h, r, "/console/product/", p->code, p->province,
                  registry_version(c->db, "product", p->code));
    keys_table(c->db, h, p->producer);
    history_table(c->db, h, "product", p->code);
    page_end(h);
}

/* The product of the URL, loaded, and readable by the user: 1, or 0 with
 * the reply made (404, 403). */
static int load_product(struct console_ctx *c, const creq *r, creply *rep,
                        const char *code, struct reg_product *p)
{
    char err[REG_ERR_MAX];
    int have = registry_code_valid(code)
                   ? reg_product_load(c->db, code, p, err, sizeof err)
                   : 0;
    if (have < 0) {
        page_error(rep, r, MHD_HTTP_INTERNAL_SERVER_ERROR, T_ERROR, err);
        return 0;
    }
    if (!have) {
        page_error(rep, r, MHD_HTTP_NOT_FOUND, T_NOT_FOUND, code);
        return 0;
    }
    if (!may_read_product(&r->session->user, p->province, p->producer)) {
        forbidden(rep, r);
        return 0;
    }
    return 1;
}

static void conflict_page(creply *rep, const creq *r,
                          const struct reg_product *now, long long version)
{
    html *h = &rep->body;
    rep->status = MHD_HTTP_CONFLICT;
    page_begin(h, r, tr(r->lang, T_CONFLICT));
    html_raw(h, "<p class=\"error\">");
    html_text(h, tr(r->lang, T_CONFLICT_TEXT));
    html_raw(h, "</p><h2>");
    html_text(h, tr(r->lang, T_CURRENT_VALUES));
    html_raw(h, "</h2>");
    product_table(h, now);
    html_raw(h, "<h2>");
    html_text(h, tr(r->lang, T_YOUR_VALUES));
    html_raw(h, "</h2>");
    /* The clerk's values stay in the form, now against the current
     * version: saving again is a deliberate choice. */
    edit_form(h, r, now, version, r);
    page_end(h);
}

/* The version a form was made from: -2 (never current) when absent or
 * not a number. */
static long long sent_version(const creq *r)
{
    const char *sent = form_get(r, "version", NULL);
    char *end;
    long long v = sent ? strtoll(sent, &end, 10) : -2;
    return sent && !*end && v >= 0 ? v : -2;
}

void reply_change(creply *rep, const creq *r, int rc, const char *err,
                  unsigned invalid_status, const char *path)
{
    switch (rc) {
    case REG_CHANGE_OK: reply_redirect(rep, path); return;
    case REG_CHANGE_MISSING:
        page_error(rep, r, MHD_HTTP_NOT_FOUND, T_NOT_FOUND, err);
        return;
    case REG_CHANGE_FORBIDDEN: forbidden(rep, r); return;
    case REG_CHANGE_INVALID:
        page_error(rep, r, invalid_status, T_BAD_REQUEST, err);
        return;
    case REG_CHANGE_CONFLICT:
        page_error(rep, r, MHD_HTTP_CONFLICT, T_BAD_REQUEST, err);
        return;
    default: page_error(rep, r, MHD_HTTP_INTERNAL_SERVER_ERROR, T_ERROR, err);
    }
}

/* Edit, status and move of a product: one registry change each, guarded
 * by the console's rules (registry_product_edit and the rest). */
static void product_change(struct console_ctx *c, const creq *r, creply *rep,
                           const char *code, const char *rest)
{
    char err[REG_ERR_MAX] = "", who[96], date[LABELS_DATE_SIZE];
    struct reg_product p;
    struct reg_guard g;
    int rc;
    if (!strcmp(rest, "/edit")) {
        const char *stars = form_get(r, "stars", NULL);
        struct reg_field set[] = {
            {"name", form_get(r, "name", NULL)},
            {"group", form_get(r, "group", NULL)},
            {"certificate", form_get(r, "certificate", NULL)},
            {"certified", form_get(r, "certified", NULL)},
            {"expires", form_get(r, "expires", NULL)},
            {"stars", stars && !strcmp(stars, "p5") ? "proposed 5" : stars},
        };
        console_guard(r, &g, who, sizeof who, sent_version(r));
        rc = registry_product_edit(c->db, code, set, sizeof set / sizeof *set,
                                   &g, &p, err, sizeof err);
    } else if (!strcmp(rest, "/move")) {
        console_guard(r, &g, who, sizeof who, sent_version(r));
        const char *to = form_get(r, "province", NULL);
        rc = registry_product_move(c->db, code, to ? to : "", &g, &p, err,
                                   sizeof err);
    } else {
        console_guard(r, &g, who, sizeof who, -1);
        regdate_today(date);
        rc = registry_product_status(c->db, code, form_get(r, "status", NULL),
                                     form_get(r, "reason", NULL), date, &g, &p,
                                     err, sizeof err);
    }
    if (rc == REG_CHANGE_CONFLICT && !strcmp(rest, "/edit")) {
        conflict_page(rep, r, &p, registry_version(c->db, "product", code));
        return;
    }
    char path[128];
    snprintf(path, sizeof path, "/console/product/%s", code);
    reply_change(rep, r, rc, err, MHD_HTTP_BAD_REQUEST, path);
}

void route_product(struct console_ctx *c, const creq *r, creply *rep,
                   const char *code, const char *rest)
{
    int post = !strcmp(r->method, "POST");
    struct reg_product p;
    if (!post && !*rest) {
        if (load_product(c, r, rep, code, &p))
            product_page(c, r, rep, &p);
        return;
    }
    if (!strcmp(rest, "/edit")) {
        if (post) {
            product_change(c, r, rep, code, rest);
            return;
        }
        if (!load_product(c, r, rep, code, &p))
            return;
        if (!may_change_product(&r->session->user, p.province)) {
            forbidden(rep, r);
            return;
        }
        page_begin(&rep->body, r, p.name);
        edit_form(&rep->body, r, &p, registry_version(c->db, "product", p.code),
                  NULL);
        page_end(&rep->body);
        return;
    }
    if ((!strcmp(rest, "/status") || !strcmp(rest, "/move")) && post) {
        product_change(c, r, rep, code, rest);
        return;
    }
    page_error(rep, r, MHD_HTTP_NOT_FOUND, T_NOT_FOUND, NULL);
}

/* ---- Producers -------------------------------------------------------------
 */

void route_producers(struct console_ctx *c, const creq *r, creply *rep)
{
    const console_user *u = &r->session->user;
    const char *q = arg_or(r, "q"), *pv = arg_or(r, "province");
    long page = page_number(r);
    char folded[256], like[260];
    console_fold(q, folded, sizeof folded);
    snprintf(like, sizeof like, "%%%s%%", folded);
    const labels_province *prov = *pv ? province_find(pv) : NULL;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(
            c->db,
            "SELECT p.code,p.name,p.kind,p.province,(SELECT count(*) FROM "
            "products WHERE producer=p.code) FROM producers p WHERE (?1='' "
            "OR console_fold(p.name) LIKE ?2 OR console_fold(p.code) LIKE ?2)"
            " AND (?3='' OR p.province=?3) AND (?4='' OR p.province=?4) AND "
            "(?5='' OR p.code=?5) ORDER BY p.code LIMIT ?6 OFFSET ?7",
            -1, &st, NULL) != SQLITE_OK) {
        db_failed(rep, r, c->db);
        return;
    }
    sqlite3_bind_text(st, 1, folded, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, like, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, prov ? prov->name : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, u->role == CONSOLE_INSPECTOR ? u->province : "",
                      -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, u->role == CONSOLE_PRODUCER ? u->producer : "", -1,
                      SQLITE_STATIC);
    sqlite3_bind_int(st, 6, PAGE_ROWS + 1);
    sqlite3_bind_int64(st, 7, (page - 1) * PAGE_ROWS);
    html *h = &rep->body;
    page_begin(h, r, tr(r->lang, T_PRODUCERS));
    html_raw(h, "<form method=\"get\" action=\"/console/producers\" "
                "class=\"filters\"><input name=\"q\" type=\"search\" "
                "value=\"");
    html_attr(h, q);
    html_raw(h, "\"> <button>");
    html_text(h, tr(r->lang, T_SEARCH));
    html_raw(h, "</button></form><table><thead><tr>");
    static const int cols[] = {T_CODE, T_NAME, T_KIND, T_PROVINCE, T_PRODUCTS};
    for (size_t i = 0; i < 5; i++) {
        html_raw(h, "<th>");
        html_text(h, tr(r->lang, cols[i]));
        html_raw(h, "</th>");
    }
    html_raw(h, "</tr></thead><tbody>");
    int n = 0, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < PAGE_ROWS) {
        n++;
        html_raw(h, "<tr><td><a href=\"/console/producer/");
        html_url(h, (const char *)sqlite3_column_text(st, 0));
        html_raw(h, "\">");
        col_text(h, st, 0);
        html_raw(h, "</a></td><td>");
        col_text(h, st, 1);
        html_raw(h, "</td><td>");
        html_text(
            h, console_word(r->lang, (const char *)sqlite3_column_text(st, 2)));
        html_raw(h, "</td><td>");
        col_text(h, st, 3);
        html_raw(h, "</td><td>");
        html_int(h, sqlite3_column_int(st, 4));
        html_raw(h, "</td></tr>");
    }
    int more = rc == SQLITE_ROW;
    int ok = more || rc == SQLITE_DONE;
    sqlite3_finalize(st);
    if (!ok) {
        db_failed(rep, r, c->db);
        return;
    }
    html_raw(h, "</tbody></table>");
    static const char *const keys[] = {"q", "province", NULL};
    pager(h, r, "/console/producers", keys, page, more);
    page_end(h);
}

static void producer_form(html *h, const creq *r, const struct reg_producer *p,
                          long long version, const creq *submitted)
{
#define VAL(name, fallback)                                                    \
    (submitted && form_get(submitted, name, NULL)                              \
         ? form_get(submitted, name, NULL)                                     \
         : (fallback))
    html_raw(h, "<form method=\"post\" action=\"/console/producer/");
    html_url(h, p->code);
    html_raw(h, "/edit\" class=\"edit\">");
    html_csrf(h, r->session->csrf);
    html_raw(h, "<input type=\"hidden\" name=\"version\" value=\"");
    html_int(h, version);
    html_raw(h, "\">");
    input(h, T_NAME, "name", VAL("name", p->name), "text");
    html_raw(h, "<label>");
    html_text(h, tr(h->lang, T_KIND));
    const char *kinds[LABELS_K_COUNT_], *labels[LABELS_K_COUNT_];
    for (int i = 0; i < LABELS_K_COUNT_; i++) {
        kinds[i] = labels_kind_code((labels_kind)i);
        labels[i] = labels_kind_name((labels_kind)i, h->lang);
    }
    html_select(h, "kind", kinds, labels, LABELS_K_COUNT_,
                VAL("kind", p->kind));
    html_raw(h, "</label>");
    input(h, T_CONTACT, "contact", VAL("contact", p->contact), "text");
    html_raw(h, "<button>");
    html_text(h, tr(h->lang, T_SAVE));
    html_raw(h, "</button></form>");
#undef VAL
}

static void producer_conflict(struct console_ctx *c, const creq *r, creply *rep,
                              const struct reg_producer *p)
{
    html *h = &rep->body;
    rep->status = MHD_HTTP_CONFLICT;
    page_begin(h, r, tr(r->lang, T_CONFLICT));
    html_raw(h, "<p class=\"error\">");
    html_text(h, tr(r->lang, T_CONFLICT_TEXT));
    html_raw(h, "</p><table class=\"fields\">");
    field_row(h, T_NAME, p->name);
    field_row(h, T_KIND, console_word(h->lang, p->kind));
    field_row(h, T_CONTACT, p->contact);
    html_raw(h, "</table><h2>");
    html_text(h, tr(r->lang, T_YOUR_VALUES));
    html_raw(h, "</h2>");
    producer_form(h, r, p, registry_version(c->db, "producer", p->code), r);
    page_end(h);
}

/* Save a producer's name, kind and contact (its province changes only by
 * a move: that takes it out of one clerk's scope into another's). */
static void producer_save(struct console_ctx *c, const creq *r, creply *rep,
                          const char *code, const char *rest)
{
    char err[REG_ERR_MAX] = "", who[96];
    struct reg_producer p;
    struct reg_guard g;
    console_guard(r, &g, who, sizeof who, sent_version(r));
    int rc;
    if (!strcmp(rest, "/move")) {
        const char *to = form_get(r, "province", NULL);
        rc = registry_producer_move(c->db, code, to ? to : "", &g, &p, NULL,
                                    err, sizeof err);
    } else {
        struct reg_producer_change ch = {form_get(r, "name", NULL),
                                         form_get(r, "kind", NULL), NULL,
                                         form_get(r, "contact", NULL)};
        rc = registry_producer_save(c->db, 0, code, &ch, &g, &p, err,
                                    sizeof err);
    }
    if (rc == REG_CHANGE_CONFLICT && strcmp(rest, "/move")) {
        producer_conflict(c, r, rep, &p);
        return;
    }
    char path[128];
    snprintf(path, sizeof path, "/console/producer/%s", code);
    reply_change(rep, r, rc, err, MHD_HTTP_BAD_REQUEST, path);
}

void route_producer(struct console_ctx *c, const creq *r, creply *rep,
                    const char *code, const char *rest)
{
    int post = !strcmp(r->method, "POST");
    if (post && (!strcmp(rest, "/edit") || !strcmp(rest, "/move"))) {
        producer_save(c, r, rep, code, rest);
        return;
    }
    if (post || (*rest && strcmp(rest, "/edit"))) {
        page_error(rep, r, MHD_HTTP_NOT_FOUND, T_NOT_FOUND, NULL);
        return;
    }
    char err[REG_ERR_MAX];
    struct reg_producer p;
    int have = registry_producer_code_valid(code)
                   ? reg_producer_load(c->db, code, &p, err, sizeof err)
                   : 0;
    if (have < 0) {
        page_error(rep, r, MHD_HTTP_INTERNAL_SERVER_ERROR, T_ERROR, err);
        return;
    }
    if (!have) {
        page_error(rep, r, MHD_HTTP_NOT_FOUND, T_NOT_FOUND, code);
        return;
    }
    if (!may_read_producer(&r->session->user, p.code, p.province)) {
        forbidden(rep, r);
        return;
    }
    html *h = &rep->body;
    if (*rest) {
        if (!may_change_producer(&r->session->user, p.province)) {
            forbidden(rep, r);
            return;
        }
        page_begin(h, r, p.name);
        producer_form(h, r, &p, registry_version(c->db, "producer", p.code),
                      NULL);
        page_end(h);
        return;
    }
    page_begin(h, r, p.name);
    if (may_change_producer(&r->session->user, p.province)) {
        html_raw(h, "<p><a class=\"button\" href=\"/console/producer/");
        html_url(h, p.code);
        html_raw(h, "/edit\">");
        html_text(h, tr(h->lang, T_EDIT));
        html_raw(h, "</a></p>");
    }
    html_raw(h, "<table class=\"fields\">");
    field_row(h, T_CODE, p.code);
    field_row(h, T_NAME, p.name);
    field_row(h, T_KIND, console_word(h->lang, p.kind));
    field_row(h, T_PROVINCE, p.province);
    field_row(h, T_CONTACT, p.contact);
    html_raw(h, "</table><h2>");
    html_text(h, tr(h->lang, T_PRODUCTS));
    html_raw(h, "</h2><ul>");
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(c->db,
                           "SELECT code,name FROM products WHERE producer=?1 "
                           "ORDER BY code LIMIT 500",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, p.code, -1, SQLITE_STATIC);
        while (sqlite3_step(st) == SQLITE_ROW) {
            html_raw(h, "<li><a href=\"/console/product/");
            html_url(h, (const char *)sqlite3_column_text(st, 0));
            html_raw(h, "\">");
            col_text(h, st, 0);
            html_raw(h, "</a> ");
            col_text(h, st, 1);
            html_raw(h, "</li>");
        }
        sqlite3_finalize(st);
    }
    html_raw(h, "</ul>");
    if (may_move(&r->session->user))
        move_form(h, r, "/console/producer/", p.code, p.province,
                  registry_version(c->db, "producer", p.code));
    keys_table(c->db, h, p.code);
    history_table(c->db, h, "producer", p.code);
    page_end(h);
}

/* ---- The audit ------------------------------------------------------------
 */

void route_audit(struct console_ctx *c, const creq *r, creply *rep)
{
    if (!may_read_audit(&r->session->user)) {
        forbidden(rep, r);
        return;
    }
    long page = page_number(r);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(c->db,
                           "SELECT a.at,ifnull(w.who,''),a.entity,a.ref,"
                           "a.field,ifnull(a.old,''),ifnull(a.new,'') FROM "
                           "audit a LEFT JOIN audit_who w ON "
                           "w.audit_id=a.id ORDER BY a.id DESC LIMIT ?1 "
                           "OFFSET ?2",
                           -1, &st, NULL) != SQLITE_OK) {
        db_failed(rep, r, c->db);
        return;
    }
    sqlite3_bind_int(st, 1, PAGE_ROWS * 2 + 1);
    sqlite3_bind_int64(st, 2, (page - 1) * PAGE_ROWS * 2);
    html *h = &rep->body;
    page_begin(h, r, tr(r->lang, T_AUDIT));
    html_raw(h, "<table><thead><tr>");
    static const int cols[] = {T_WHEN, T_WHO, T_CODE, T_FIELD, T_OLD, T_NEW};
    for (size_t i = 0; i < 6; i++) {
        html_raw(h, "<th>");
        html_text(h, tr(r->lang, cols[i]));
        html_raw(h, "</th>");
    }
    html_raw(h, "</tr></thead><tbody>");
    int n = 0, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < PAGE_ROWS * 2) {
        n++;
        html_raw(h, "<tr><td>");
        col_text(h, st, 0);
        html_raw(h, "</td><td>");
        col_text(h, st, 1);
        html_raw(h, "</td><td>");
        col_text(h, st, 2);
        html_raw(h, " ");
        col_text(h, st, 3);
        html_raw(h, "</td><td>");
        col_text(h, st, 4);
        html_raw(h, "</td><td>");
        col_text(h, st, 5);
        html_raw(h, "</td><td>");
        col_text(h, st, 6);
        html_raw(h, "</td></tr>");
    }
    int more = rc == SQLITE_ROW;
    sqlite3_finalize(st);
    html_raw(h, "</tbody></table>");
    static const char *const keys[] = {NULL};
    pager(h, r, "/console/audit", keys, page, more);
    page_end(h);
}
