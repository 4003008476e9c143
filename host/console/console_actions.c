/* console_actions.c -- signing keys (a producer's request, a clerk's
 * approval, revocation) and accounts (central only). */
#include "console_int.h"

#include "registry/registry.h"

#include <microhttpd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void forbidden(creply *rep, const creq *r)
{
    page_error(rep, r, MHD_HTTP_FORBIDDEN, T_FORBIDDEN, NULL);
}

static void col_text(html *h, sqlite3_stmt *st, int i)
{
    html_text(h, (const char *)sqlite3_column_text(st, i));
}

static void th_row(html *h, const int *cols, size_t n)
{
    html_raw(h, "<table><thead><tr>");
    for (size_t i = 0; i < n; i++) {
        html_raw(h, "<th>");
        html_text(h, tr(h->lang, cols[i]));
        html_raw(h, "</th>");
    }
    html_raw(h, "<th></th></tr></thead><tbody>");
}

/* A one-button POST form to action (already a console path). */
static void button_form(html *h, const creq *r, const char *action,
                        const char *ref, const char *tail, int label)
{
    html_raw(h, "<form method=\"post\" class=\"inline\" action=\"");
    html_attr(h, action);
    html_url(h, ref);
    html_attr(h, tail);
    html_raw(h, "\">");
    html_csrf(h, r->session->csrf);
    html_raw(h, "<button>");
    html_text(h, tr(h->lang, label));
    html_raw(h, "</button></form>");
}

/* ---- Keys --------------------------------------------------------------- */

static void key_request_form(html *h, const creq *r, const console_user *u)
{
    /* The request form: a producer for itself, a clerk for producers of
     * its scope (the server checks the producer either way). */
    if (u->role == CONSOLE_PRODUCER || u->role == CONSOLE_PROVINCE ||
        u->role == CONSOLE_CENTRAL) {
        html_raw(h, "<h2>");
        html_text(h, tr(h->lang, T_REQUEST_KEY));
        html_raw(h, "</h2><form method=\"post\" action=\"/console/keys/"
                    "request\" enctype=\"multipart/form-data\" "
                    "class=\"edit\">");
        html_csrf(h, r->session->csrf);
        html_raw(h, "<label>");
        html_text(h, tr(h->lang, T_PRODUCER));
        html_raw(h, "<input name=\"producer\" value=\"");
        html_attr(h, u->producer);
        html_raw(h, u->role == CONSOLE_PRODUCER ? "\" readonly></label>"
                                                : "\"></label>");
        html_raw(h, "<label>");
        html_text(h, tr(h->lang, T_KEY_FILE));
        html_raw(h, "<input type=\"file\" name=\"public_key\" required>"
                    "</label><button>");
        html_text(h, tr(h->lang, T_REQUEST_KEY));
        html_raw(h, "</button></form>");
    }
}

static void keys_page(struct console_ctx *c, const creq *r, creply *rep)
{
    const console_user *u = &r->session->user;
    const char *scope_pv = u->role == CONSOLE_INSPECTOR ? u->province : "";
    const char *scope_pr = u->role == CONSOLE_PRODUCER ? u->producer : "";
    html *h = &rep->body;
    page_begin(h, r, tr(r->lang, T_KEYS));

    key_request_form(h, r, u);
    sqlite3_stmt *st;
    html_raw(h, "<h2>");
    html_text(h, tr(h->lang, T_PENDING));
    html_raw(h, "</h2>");
    static const int rcols[] = {T_KEY_ID,       T_PRODUCER, T_PROVINCE,
                                T_REQUESTED_BY, T_CREATED,  T_STATUS};
    th_row(h, rcols, 6);
    if (sqlite3_prepare_v2(c->db,
                           "SELECT r.id,r.key_id,r.producer,p.province,"
                           "r.requested_by,r.requested,r.state FROM "
                           "console_key_requests r JOIN producers p ON "
                           "p.code=r.producer WHERE (?1='' OR p.province=?1) "
                           "AND (?2='' OR r.producer=?2) ORDER BY "
                           "r.state<>'pending',r.id DESC LIMIT 200",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, scope_pv, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, scope_pr, -1, SQLITE_STATIC);
        while (sqlite3_step(st) == SQLITE_ROW) {
            const char *state = (const char *)sqlite3_column_text(st, 6);
            char id[24];
            snprintf(id, sizeof id, "%lld", sqlite3_column_int64(st, 0));
            html_raw(h, "<tr><td><code>");
            col_text(h, st, 1);
            html_raw(h, "</code></td>");
            for (int i = 2; i <= 5; i++) {
                html_raw(h, "<td>");
                col_text(h, st, i);
                html_raw(h, "</td>");
            }
            html_raw(h, "<td>");
            html_text(h, console_word(h->lang, state));
            html_raw(h, "</td><td>");
            if (!strcmp(state, "pending") &&
                may_approve_key(u, (const char *)sqlite3_column_text(st, 3))) {
                button_form(h, r, "/console/keys/request/", id, "/approve",
                            T_APPROVE);
                button_form(h, r, "/console/keys/request/", id, "/reject",
                            T_REJECT);
            }
            html_raw(h, "</td></tr>");
        }
        sqlite3_finalize(st);
    }
    html_raw(h, "</tbody></table><h2>");
    html_text(h, tr(h->lang, T_KEYS));
    html_raw(h, "</h2>");
    static const int kcols[] = {T_KEY_ID, T_PRODUCER, T_PROVINCE, T_ENROLLED,
                                T_REVOKED};
    th_row(h, kcols, 5);
    const char *only = r->arg(r, "producer");
    if (sqlite3_prepare_v2(c->db,
                           "SELECT k.key_id,k.producer,p.province,k.enrolled,"
                           "k.revoked,k.revoke_reason FROM keys k JOIN "
                           "producers p ON p.code=k.producer WHERE (?1='' OR "
                           "p.province=?1) AND (?2='' OR k.producer=?2) AND "
                           "(?3='' OR k.producer=?3) ORDER BY k.producer,"
                           "k.enrolled,k.key_id LIMIT 500",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, scope_pv, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, scope_pr, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, only ? only : "", -1, SQLITE_STATIC);
        while (sqlite3_step(st) == SQLITE_ROW) {
            const char *pv = (const char *)sqlite3_column_text(st, 2);
            const char *revoked = (const char *)sqlite3_column_text(st, 4);
            html_raw(h, "<tr><td><code>");
            col_text(h, st, 0);
            html_raw(h, "</code></td>");
            for (int i = 1; i <= 3; i++) {
                html_raw(h, "<td>");
                col_text(h, st, i);
                html_raw(h, "</td>");
            }
            html_raw(h, "<td>");
            col_text(h, st, 4);
            html_raw(h, " ");
            col_text(h, st, 5);
            html_raw(h, "</td><td>");
            if (!*revoked && may_revoke_key(u, pv, "superseded")) {
                html_raw(h, "<form method=\"post\" class=\"inline\" "
                            "action=\"/console/keys/");
                html_url(h, (const char *)sqlite3_column_text(st, 0));
                html_raw(h, "/revoke\">");
                html_csrf(h, r->session->csrf);
                const char *vals[] = {"superseded", "compromised"};
                const char *labels[] = {tr(h->lang, T_SUPERSEDED),
                                        tr(h->lang, T_COMPROMISED)};
                html_select(h, "reason", vals, labels,
                            may_revoke_key(u, pv, "compromised") ? 2 : 1,
                            "superseded");
                html_raw(h, "<button>");
                html_text(h, tr(h->lang, T_REVOKE));
                html_raw(h, "</button></form>");
            }
            html_raw(h, "</td></tr>");
        }
        sqlite3_finalize(st);
    }
    html_raw(h, "</tbody></table>");
    page_end(h);
}

/* The producer's province: 1, 0 when there is no such producer, -1. */
static int producer_province(sqlite3 *db, const char *code, char *out,
                             size_t outsz)
{
    struct reg_producer p;
    char err[REG_ERR_MAX];
    if (!code || !registry_producer_code_valid(code))
        return 0;
    int rc = reg_producer_load(db, code, &p, err, sizeof err);
    if (rc == 1)
        snprintf(out, outsz, "%s", p.province);
    return rc;
}

static void fail_page(creply *rep, const creq *r, unsigned status, int msg,
                      const char *detail, sqlite3 *db)
{
    console_rollback(db);
    page_error(rep, r, status, msg, detail);
}

static void key_request(struct console_ctx *c, const creq *r, creply *rep)
{
    const console_user *u = &r->session->user;
    const char *producer = form_get(r, "producer", NULL);
    size_t len = 0;
    const char *file = form_get(r, "public_key", &len);
    char err[REG_ERR_MAX] = "", who[96], pv[64], hex[17], now[21];
    if (u->role == CONSOLE_PRODUCER && (!producer || !*producer))
        producer = u->producer;
    console_who(r, who, sizeof who);
    if (console_begin(c->db, err, sizeof err)) {
        page_error(rep, r, MHD_HTTP_INTERNAL_SERVER_ERROR, T_ERROR, err);
        return;
    }
    int have = producer_province(c->db, producer, pv, sizeof pv);
    if (have <= 0) {
        fail_page(rep, r, have ? 500 : MHD_HTTP_NOT_FOUND,
                  have ? T_ERROR : T_NOT_FOUND, producer, c->db);
        return;
    }
    if (!may_request_key(u, producer, pv)) {
        console_rollback(c->db);
        forbidden(rep, r);
        return;
    }
    labels_pubkey pub;
    if (!file || labels_pubkey_parse(file, len, &pub) != LABELS_OK) {
        fail_page(rep, r, MHD_HTTP_BAD_REQUEST, T_BAD_REQUEST,
                  "not a public key file (ocop-host keygen writes one)", c->db);
        return;
    }
    labels_key_id_hex(pub.id, hex);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(c->db,
                           "SELECT (SELECT count(*) FROM keys WHERE "
                           "key_id=?1)+(SELECT count(*) FROM "
                           "console_key_requests WHERE key_id=?1 AND "
                           "state='pending')",
                           -1, &st, NULL) != SQLITE_OK) {
        fail_page(rep, r, 500, T_ERROR, sqlite3_errmsg(c->db), c->db);
        return;
    }
    sqlite3_bind_text(st, 1, hex, -1, SQLITE_STATIC);
    int dup = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (dup) {
        fail_page(rep, r, MHD_HTTP_CONFLICT, T_BAD_REQUEST,
                  "this key is already enrolled or waiting for approval",
                  c->db);
        return;
    }
    regtime_now(now);
    if (sqlite3_prepare_v2(c->db,
                           "INSERT INTO console_key_requests(producer,key_id,"
                           "public_key,requested_by,requested) VALUES(?1,?2,"
                           "?3,?4,?5)",
                           -1, &st, NULL) != SQLITE_OK) {
        fail_page(rep, r, 500, T_ERROR, sqlite3_errmsg(c->db), c->db);
        return;
    }
    sqlite3_bind_text(st, 1, producer, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, hex, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 3, pub.pk, LABELS_PUBKEY_BYTES, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, who, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, now, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    char what[96];
    snprintf(what, sizeof what, "pending for %s", producer);
    if (rc != SQLITE_DONE ||
        console_audit_add(c->db, who, "key", hex, "(requested)", NULL, what,
                          err, sizeof err) ||
        console_commit(c->db, err, sizeof err)) {
        fail_page(rep, r, 500, T_ERROR, err[0] ? err : "insert", c->db);
        return;
    }
    reply_redirect(rep, "/console/keys");
}

/* A pending request and what deciding it writes beside the registry. */
struct decision {
    long long id;
    int approve;
    const char *who;
    char producer[REG_PRODUCER_MAX + 1], hex[17];
    labels_pubkey pub;
};

/* 1 when request id is pending (d filled), 0 when not, -1 on error. */
static int load_request(sqlite3 *db, struct decision *d)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db,
                           "SELECT producer,key_id,public_key FROM "
                           "console_key_requests WHERE id=?1 AND "
                           "state='pending'",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, d->id);
    int found = sqlite3_step(st) == SQLITE_ROW &&
                sqlite3_column_bytes(st, 2) == LABELS_PUBKEY_BYTES;
    if (found) {
        snprintf(d->producer, sizeof d->producer, "%s",
                 sqlite3_column_text(st, 0));
        snprintf(d->hex, sizeof d->hex, "%s", sqlite3_column_text(st, 1));
        memcpy(d->pub.pk, sqlite3_column_blob(st, 2), LABELS_PUBKEY_BYTES);
        labels_key_id(d->pub.pk, d->pub.id);
    }
    sqlite3_finalize(st);
    return found;
}

/* In the decision's transaction (reg_guard .also): the request is
 * decided, once; a rejection is an audit row of its own. */
static int record_decision(void *ctx, sqlite3 *db, char *err, size_t errsz)
{
    const struct decision *d = ctx;
    char now[LABELS_TIME_ISO_SIZE];
    sqlite3_stmt *st;
    regtime_now(now);
    if (sqlite3_prepare_v2(db,
                           "UPDATE console_key_requests SET state=?2,"
                           "decided_by=?3,decided=?4 WHERE id=?1 AND "
                           "state='pending'",
                           -1, &st, NULL) != SQLITE_OK)
        return console_db_error(db, "key request", err, errsz);
    sqlite3_bind_int64(st, 1, d->id);
    sqlite3_bind_text(st, 2, d->approve ? "approved" : "rejected", -1,
                      SQLITE_STATIC);
    sqlite3_bind_text(st, 3, d->who, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE || sqlite3_changes(db) != 1)
        return console_db_error(db, "key request", err, errsz);
    return d->approve
               ? 0
               : console_audit_add(db, d->who, "key", d->hex, "(rejected)",
                                   NULL, d->producer, err, errsz);
}

/* Approve (enrol the key, registry_key_enroll) or reject a request. */
static void key_decide(struct console_ctx *c, const creq *r, creply *rep,
                       long long id, int approve)
{
    char err[REG_ERR_MAX] = "", who[96], date[LABELS_DATE_SIZE];
    struct decision d = {.id = id, .approve = approve, .who = who};
    struct reg_guard g;
    console_guard(r, &g, who, sizeof who, -1);
    g.also = record_decision;
    g.also_ctx = &d;
    int found = load_request(c->db, &d);
    if (found <= 0) {
        page_error(rep, r, found ? 500 : MHD_HTTP_NOT_FOUND,
                   found ? T_ERROR : T_NOT_FOUND, NULL);
        return;
    }
    regdate_today(date);
    int rc = approve
                 ? registry_key_enroll(c->db, d.producer, &d.pub, date, &g, err,
                                       sizeof err)
                 : registry_producer_guarded(c->db, d.producer, REG_KEY_ENROLL,
                                             &g, err, sizeof err);
    reply_change(rep, r, rc, err, MHD_HTTP_CONFLICT, "/console/keys");
}

static void key_revoke(struct console_ctx *c, const creq *r, creply *rep,
                       const char *idhex)
{
    const char *reason = form_get(r, "reason", NULL);
    char err[REG_ERR_MAX] = "", who[96], date[LABELS_DATE_SIZE], hex[17];
    uint8_t id[LABELS_KEY_ID_BYTES];
    if (labels_key_id_parse(idhex, id) != LABELS_OK) {
        page_error(rep, r, MHD_HTTP_NOT_FOUND, T_NOT_FOUND, NULL);
        return;
    }
    if (!reason ||
        (strcmp(reason, "superseded") && strcmp(reason, "compromised"))) {
        page_error(rep, r, MHD_HTTP_BAD_REQUEST, T_BAD_REQUEST,
                   "reason: superseded or compromised");
        return;
    }
    labels_key_id_hex(id, hex);
    regdate_today(date);
    struct reg_guard g;
    console_guard(r, &g, who, sizeof who, -1);
    int rc = registry_key_revoke(c->db, hex, reason, date, &g, err, sizeof err);
    reply_change(rep, r, rc, err, MHD_HTTP_CONFLICT, "/console/keys");
}

void route_keys(struct console_ctx *c, const creq *r, creply *rep,
                const char *rest)
{
    int post = !strcmp(r->method, "POST");
    if (!post && !*rest) {
        keys_page(c, r, rep);
        return;
    }
    if (post && !strcmp(rest, "/request")) {
        key_request(c, r, rep);
        return;
    }
    long long id;
    char tail[16];
    if (post && !strncmp(rest, "/request/", 9)) {
        char *end;
        id = strtoll(rest + 9, &end, 10);
        snprintf(tail, sizeof tail, "%s", end);
        if (end != rest + 9 && id > 0 &&
            (!strcmp(tail, "/approve") || !strcmp(tail, "/reject"))) {
            key_decide(c, r, rep, id, !strcmp(tail, "/approve"));
            return;
        }
    }
    const char *slash = *rest ? strchr(rest + 1, '/') : NULL;
    if (post && slash && !strcmp(slash, "/revoke") && slash - rest == 17) {
        char hex[17];
        memcpy(hex, rest + 1, 16);
        hex[16] = '\0';
        key_revoke(c, r, rep, hex);
        return;
    }
    page_error(rep, r, MHD_HTTP_NOT_FOUND, T_NOT_FOUND, NULL);
}

/* ---- Accounts ----------------------------------------------------------- */

struct list_ctx {
    html *h;
    const creq *r;
};

static int user_row(const console_user *u, void *ctx)
{
    struct list_ctx *lc = ctx;
    html *h = lc->h;
    html_raw(h, "<tr><td>");
    html_text(h, u->name);
    html_raw(h, "</td><td>");
    html_text(h, console_word(h->lang, console_role_name(u->role)));
    html_raw(h, "</td><td>");
    html_text(h, u->province[0] ? u->province : u->producer);
    html_raw(h, "</td><td>");
    html_text(h, u->created);
    html_raw(h, "</td><td>");
    if (u->disabled)
        html_text(h, tr(h->lang, T_DISABLED));
    html_raw(h, "</td><td>");
    if (!u->disabled) {
        button_form(h, lc->r, "/console/users/", u->name, "/disable",
                    T_DISABLE);
        html_raw(h, "<form method=\"post\" class=\"inline\" "
                    "action=\"/console/users/");
        html_url(h, u->name);
        html_raw(h, "/password\">");
        html_csrf(h, lc->r->session->csrf);
        html_raw(h, "<input type=\"password\" name=\"password\" "
                    "autocomplete=\"new-password\" minlength=\"10\" "
                    "required><button>");
        html_text(h, tr(h->lang, T_SET_PASSWORD));
        html_raw(h, "</button></form>");
    }
    html_raw(h, "</td></tr>");
    return 0;
}

static void users_page(struct console_ctx *c, const creq *r, creply *rep)
{
    html *h = &rep->body;
    char err[CONSOLE_ERR_MAX];
    page_begin(h, r, tr(r->lang, T_USERS));
    static const int cols[] = {T_USER, T_ROLE, T_PROVINCE, T_CREATED,
                               T_DISABLED};
    th_row(h, cols, 5);
    struct list_ctx lc = {h, r};
    if (console_user_list(c->db, user_row, &lc, err, sizeof err)) {
        page_error(rep, r, MHD_HTTP_INTERNAL_SERVER_ERROR, T_ERROR, err);
        return;
    }
    html_raw(h, "</tbody></table><h2>");
    html_text(h, tr(h->lang, T_ADD_USER));
    html_raw(h, "</h2><form method=\"post\" action=\"/console/users\" "
                "class=\"edit\">");
    html_csrf(h, r->session->csrf);
    html_raw(h, "<label>");
    html_text(h, tr(h->lang, T_USER));
    html_raw(h, "<input name=\"user\" required></label><label>");
    html_text(h, tr(h->lang, T_ROLE));
    const char *roles[CONSOLE_ROLE_COUNT_], *labels[CONSOLE_ROLE_COUNT_];
    for (int i = 0; i < CONSOLE_ROLE_COUNT_; i++) {
        roles[i] = console_role_name((console_role)i);
        labels[i] = console_word(h->lang, roles[i]);
    }
    html_select(h, "role", roles, labels, CONSOLE_ROLE_COUNT_, "viewer");
    html_raw(h, "</label><label>");
    html_text(h, tr(h->lang, T_PROVINCE));
    html_raw(h, "<input name=\"province\"></label><label>");
    html_text(h, tr(h->lang, T_PRODUCER));
    html_raw(h, "<input name=\"producer\"></label><label>");
    html_text(h, tr(h->lang, T_PASSWORD));
    html_raw(h, "<input name=\"password\" type=\"password\" "
                "autocomplete=\"new-password\" minlength=\"10\" required>"
                "</label><button>");
    html_text(h, tr(h->lang, T_ADD_USER));
    html_raw(h, "</button></form>");
    page_end(h);
}

void route_users(struct console_ctx *c, const creq *r, creply *rep,
                 const char *rest)
{
    if (!may_manage_users(&r->session->user)) {
        forbidden(rep, r);
        return;
    }
    int post = !strcmp(r->method, "POST");
    char err[CONSOLE_ERR_MAX] = "", who[96];
    console_who(r, who, sizeof who);
    if (!post && !*rest) {
        users_page(c, r, rep);
        return;
    }
    size_t pwlen = 0;
    const char *pw = form_get(r, "password", &pwlen);
    int rc = 1;
    if (post && !*rest) {
        console_role role;
        const char *rn = form_get(r, "role", NULL);
        if (console_role_parse(rn, &role)) {
            page_error(rep, r, MHD_HTTP_BAD_REQUEST, T_BAD_REQUEST, "role?");
            return;
        }
        const char *pv = form_get(r, "province", NULL);
        const char *pc = form_get(r, "producer", NULL);
        rc = console_user_add(c->db, &c->lim, who, form_get(r, "user", NULL),
                              role, pv, pc, pw ? pw : "", pw ? pwlen : 0, err,
                              sizeof err);
    } else if (post && rest[0] == '/') {
        char name[CONSOLE_NAME_MAX + 1];
        const char *slash = strchr(rest + 1, '/');
        size_t n = slash ? (size_t)(slash - rest - 1) : 0;
        if (!slash || !n || n > CONSOLE_NAME_MAX) {
            page_error(rep, r, MHD_HTTP_NOT_FOUND, T_NOT_FOUND, NULL);
            return;
        }
        memcpy(name, rest + 1, n);
        name[n] = '\0';
        if (!strcmp(slash, "/disable"))
            rc = console_user_disable(c->db, who, name, err, sizeof err);
        else if (!strcmp(slash, "/password"))
            rc = console_user_password(c->db, &c->lim, who, name, pw ? pw : "",
                                       pw ? pwlen : 0, err, sizeof err);
        else {
            page_error(rep, r, MHD_HTTP_NOT_FOUND, T_NOT_FOUND, NULL);
            return;
        }
    } else {
        page_error(rep, r, MHD_HTTP_NOT_FOUND, T_NOT_FOUND, NULL);
        return;
    }
    if (rc) {
        page_error(rep, r, MHD_HTTP_BAD_REQUEST, T_BAD_REQUEST, err);
        return;
    }
    reply_redirect(rep, "/console/users");
}

/* ---- One's own account ----------------------------------------------------
 */

static void account_page(creply *rep, const creq *r, int msg)
{
    html *h = &rep->body;
    page_begin(h, r, tr(r->lang, T_MY_PASSWORD));
    const char *changed = r->arg(r, "changed");
    if (msg >= 0 || (changed && !strcmp(changed, "1"))) {
        html_raw(h, msg >= 0 ? "<p class=\"error\">" : "<p class=\"saved\">");
        html_text(h, tr(r->lang, msg >= 0 ? msg : T_PASSWORD_CHANGED));
        html_raw(h, "</p>");
    }
    html_raw(h, "<form method=\"post\" action=\"/console/account/password\" "
                "class=\"edit\">");
    html_csrf(h, r->session->csrf);
    html_raw(h, "<label>");
    html_text(h, tr(h->lang, T_CURRENT_PASSWORD));
    html_raw(h, "<input name=\"current\" type=\"password\" "
                "autocomplete=\"current-password\" required></label><label>");
    html_text(h, tr(h->lang, T_NEW_PASSWORD));
    html_raw(h, "<input name=\"password\" type=\"password\" "
                "autocomplete=\"new-password\" minlength=\"10\" "
                "maxlength=\"512\" required></label><button>");
    html_text(h, tr(h->lang, T_MY_PASSWORD));
    html_raw(h, "</button></form>");
    page_end(h);
}

/* GET /account and POST /account/password: every role, its own only. */
void route_account(struct console_ctx *c, const creq *r, creply *rep,
                   const char *rest)
{
    int post = !strcmp(r->method, "POST");
    if (!post && !*rest) {
        account_page(rep, r, -1);
        return;
    }
    if (!post || strcmp(rest, "/password")) {
        page_error(rep, r, MHD_HTTP_NOT_FOUND, T_NOT_FOUND, NULL);
        return;
    }
    size_t curlen = 0, len = 0;
    const char *cur = form_get(r, "current", &curlen);
    const char *pw = form_get(r, "password", &len);
    if (!pw || len < CONSOLE_PASSWORD_MIN || len > CONSOLE_PASSWORD_MAX) {
        page_error(rep, r, MHD_HTTP_BAD_REQUEST, T_BAD_REQUEST,
                   "a password has 10 to 512 bytes");
        return;
    }
    char err[CONSOLE_ERR_MAX] = "";
    unsigned retry = 0;
    console_login_result res = console_password_own(
        c->db, &c->lim, r->session, cur, cur ? curlen : 0, pw, len, r->addr,
        time(NULL), &retry, err, sizeof err);
    /* The passwords' copies in the form go as soon as they are used. */
    for (size_t i = 0; i < r->nfields; i++)
        if (!strcmp(r->fields[i].name, "password") ||
            !strcmp(r->fields[i].name, "current"))
            sodium_memzero(r->fields[i].value, r->fields[i].len);
    if (res == CONSOLE_LOGIN_OK) {
        reply_redirect(rep, "/console/account?changed=1");
        return;
    }
    if (res == CONSOLE_LOGIN_ERROR) {
        page_error(rep, r, MHD_HTTP_INTERNAL_SERVER_ERROR, T_ERROR, err);
        return;
    }
    rep->status = res == CONSOLE_LOGIN_THROTTLED ? MHD_HTTP_TOO_MANY_REQUESTS
                                                 : MHD_HTTP_UNAUTHORIZED;
    rep->retry_after = res == CONSOLE_LOGIN_THROTTLED ? (retry ? retry : 1) : 0;
    account_page(rep, r,
                 res == CONSOLE_LOGIN_THROTTLED ? T_THROTTLED : T_LOGIN_FAILED);
}
