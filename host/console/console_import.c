/* console_import.c -- CSV import in the console: GET /import (the form),
 * POST /import (a dry run: the rows to add or the changes to make, and
 * every bad row with its line), POST /import/apply (the same file again,
 * all rows or none). Both runs go through registry_import_run, the path
 * of `ocop-host import`; a row outside the account's scope is a bad row
 * inside the import's own transaction, so nothing of it is ever written. */
#include "console_int.h"

#include "registry/registry.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bytes of a CSV file. The apply form sends the file back as a form
 * field, where a byte may take three ("%C3"): three times this fits the
 * console's 1 MiB form limit. */
#define IMPORT_MAX_CSV (256 * 1024)

/* What one run collects for the page. */
struct run {
    const console_user *u;
    html errors, rows; /* <li>s and <tr>s */
    int nerrors, nrows, out_of_scope;
};

static void cell(html *h, const char *s)
{
    html_raw(h, "<td>");
    html_text(h, s);
    html_raw(h, "</td>");
}

static void line_cell(html *h, int line)
{
    html_raw(h, "<td>");
    html_int(h, line);
    html_raw(h, "</td>");
}

static void on_say(void *ctx, int line, int severe, const char *msg)
{
    (void)severe;
    struct run *x = ctx;
    html_raw(&x->errors, "<li>");
    if (line > 0) {
        html_text(&x->errors, tr(x->errors.lang, T_LINE));
        html_raw(&x->errors, " ");
        html_int(&x->errors, line);
        html_raw(&x->errors, ": ");
    }
    html_text(&x->errors, msg);
    html_raw(&x->errors, "</li>");
    x->nerrors++;
}

static void on_change(void *ctx, int line, const char *code, const char *field,
                      const char *old, const char *new_value)
{
    struct run *x = ctx;
    html_raw(&x->rows, "<tr>");
    line_cell(&x->rows, line);
    cell(&x->rows, code);
    cell(&x->rows, field);
    cell(&x->rows, old);
    cell(&x->rows, new_value);
    html_raw(&x->rows, "</tr>");
    x->nrows++;
}

/* The scope rules of a product edit (console_auth.c), for the row as the
 * file leaves it and, in an update, as it is stored now. */
static int on_row(void *ctx, int line, const struct reg_product *old,
                  const struct reg_product *p, const struct reg_producer *pr)
{
    struct run *x = ctx;
    if (!may_change_product(x->u, p->province) ||
        !may_rate(x->u, p->stars, p->proposed5) ||
        !may_change_producer(x->u, pr->province) ||
        (old && (!may_change_product(x->u, old->province) ||
                 !may_rate(x->u, old->stars, old->proposed5)))) {
        x->out_of_scope++;
        return 1;
    }
    if (old)
        return 0; /* its changes are told by on_change */
    char stars[16];
    snprintf(stars, sizeof stars, "%d", p->stars);
    html_raw(&x->rows, "<tr>");
    line_cell(&x->rows, line);
    cell(&x->rows, p->code);
    cell(&x->rows, p->name);
    cell(&x->rows, p->province);
    cell(&x->rows, p->proposed5 ? tr(x->rows.lang, T_PROPOSED5) : stars);
    html_raw(&x->rows, "</tr>");
    x->nrows++;
    return 0;
}

static void table_head(html *h, console_lang lang, const int *cols, int n)
{
    html_raw(h, "<table><thead><tr>");
    for (int i = 0; i < n; i++) {
        html_raw(h, "<th>");
        html_text(h, tr(lang, cols[i]));
        html_raw(h, "</th>");
    }
    html_raw(h, "</tr></thead><tbody>");
}

static void import_form(const creq *r, creply *rep)
{
    html *h = &rep->body;
    page_begin(h, r, tr(r->lang, T_IMPORT));
    html_raw(h, "<form method=\"post\" action=\"/console/import\" "
                "enctype=\"multipart/form-data\">");
    html_csrf(h, r->session->csrf);
    html_raw(h, "<label>");
    html_text(h, tr(r->lang, T_CSV_FILE));
    html_raw(h, " <input type=\"file\" name=\"csv\" accept=\".csv,text/csv\" "
                "required></label> <label><input type=\"checkbox\" "
                "name=\"update\" value=\"1\"> ");
    html_text(h, tr(r->lang, T_UPDATE_EXISTING));
    html_raw(h, "</label> <button>");
    html_text(h, tr(r->lang, T_PREVIEW));
    html_raw(h, "</button></form>");
    page_end(h);
}

/* The preview: what the file would do, every error, and the apply form
 * when there is none. */
static void preview_page(const creq *r, creply *rep, struct run *x, int update,
                         const char *csv, int ok)
{
    html *h = &rep->body;
    page_begin(h, r, tr(r->lang, T_PREVIEW));
    if (x->nerrors) {
        html_raw(h, "<h2>");
        html_text(h, tr(r->lang, T_ERROR));
        html_raw(h, "</h2><ul class=\"errors\">");
        html_raw(h, x->errors.p);
        html_raw(h, "</ul>");
    }
    static const int add_cols[] = {T_LINE, T_CODE, T_NAME, T_PROVINCE, T_STARS};
    static const int upd_cols[] = {T_LINE, T_CODE, T_FIELD, T_OLD, T_NEW};
    html_raw(h, "<h2>");
    html_text(h, tr(r->lang, update ? T_TO_CHANGE : T_TO_ADD));
    html_raw(h, "</h2>");
    table_head(h, r->lang, update ? upd_cols : add_cols, 5);
    if (x->nrows)
        html_raw(h, x->rows.p);
    html_raw(h, "</tbody></table>");
    if (ok) {
        /* The file goes back whole: apply checks every row again. */
        html_raw(h, "<form method=\"post\" action=\"/console/import/apply\">");
        html_csrf(h, r->session->csrf);
        html_raw(h, "<input type=\"hidden\" name=\"update\" value=\"");
        html_raw(h, update ? "1" : "0");
        html_raw(h, "\"><input type=\"hidden\" name=\"csv\" value=\"");
        html_attr(h, csv);
        html_raw(h, "\"><button>");
        html_text(h, tr(r->lang, T_APPLY));
        html_raw(h, "</button></form>");
    }
    page_end(h);
}

static void run_import(struct console_ctx *c, const creq *r, creply *rep,
                       int apply)
{
    size_t len = 0;
    const char *csv = form_get(r, "csv", &len);
    const char *upd = form_get(r, "update", NULL);
    int update = upd && !strcmp(upd, "1");
    if (!csv || !len || strlen(csv) != len) {
        page_error(rep, r, MHD_HTTP_BAD_REQUEST, T_BAD_REQUEST, NULL);
        return;
    }
    if (len > IMPORT_MAX_CSV) {
        page_error(rep, r, MHD_HTTP_CONTENT_TOO_LARGE, T_BAD_REQUEST,
                   "CSV larger than 256 KiB");
        return;
    }
    char who[CONSOLE_NAME_MAX + 16];
    console_who(r, who, sizeof who);
    struct run x = {.u = &r->session->user};
    x.errors.lang = x.rows.lang = r->lang;
    struct registry_import_opts o = {update, apply, who};
    struct registry_import_diag d = {on_say, &x, on_change, on_row};
    struct registry_import_summary sum;
    int rc = registry_import_run(c->cfg->db_path, csv, len, &o, &d, &sum);
    if (x.errors.oom || x.rows.oom)
        page_error(rep, r, MHD_HTTP_INTERNAL_SERVER_ERROR, T_ERROR, NULL);
    else if (x.out_of_scope)
        page_error(rep, r, MHD_HTTP_FORBIDDEN, T_FORBIDDEN, NULL);
    else if (apply && !rc)
        reply_redirect(rep, "/console/products");
    else {
        preview_page(r, rep, &x, update, csv, !rc);
        /* An apply that failed wrote nothing: say so as a conflict. */
        rep->status = apply ? MHD_HTTP_CONFLICT : MHD_HTTP_OK;
    }
    free(x.errors.p);
    free(x.rows.p);
}

void route_import(struct console_ctx *c, const creq *r, creply *rep,
                  const char *rest)
{
    int post = !strcmp(r->method, "POST");
    const console_user *u = &r->session->user;
    if (u->role != CONSOLE_CENTRAL && u->role != CONSOLE_PROVINCE) {
        page_error(rep, r, MHD_HTTP_FORBIDDEN, T_FORBIDDEN, NULL);
        return;
    }
    if (!rest[0] && !post)
        import_form(r, rep);
    else if (!rest[0] || !strcmp(rest, "/apply")) {
        if (!post)
            page_error(rep, r, MHD_HTTP_METHOD_NOT_ALLOWED, T_BAD_REQUEST,
                       NULL);
        else if (!c->cfg || !c->cfg->db_path)
            page_error(rep, r, MHD_HTTP_CONFLICT, T_ERROR, NULL);
        else
            run_import(c, r, rep, rest[0] != '\0');
    } else
        page_error(rep, r, MHD_HTTP_NOT_FOUND, T_NOT_FOUND, NULL);
}
