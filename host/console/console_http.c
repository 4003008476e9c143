/* console_http.c -- the console's own libmicrohttpd daemon (never the
 * public listener): TLS with GnuTLS, or plain HTTP on loopback only;
 * forms, the session cookie, CSRF checks, the security headers, and the
 * routing of /console/... to the pages. */
#include "console_int.h"

#include "httpd/httpd.h"
#include "registry/registry.h"

#include <errno.h>
#include <microhttpd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define COOKIE "ocop_console"
#define LANG_COOKIE "ocop_lang"
#define MAX_FORM (1024 * 1024) /* bytes of one form, files included */
#define MAX_FIELDS 64

struct console {
    console_config cfg;
    struct console_ctx ctx;
    pthread_mutex_t lock; /* one registry connection, one user at a time */
    struct MHD_Daemon *mhd;
    int tls;
    char *cert_pem, *key_pem;
    char *paths[5];      /* cfg's file names, owned: the caller's may go */
    report_pool reports; /* reports running off the lock */
};

/* What one connection collects before its request is answered. */
struct conn_state {
    struct MHD_PostProcessor *pp;
    form_field fields[MAX_FIELDS];
    size_t nfields;
    size_t bytes;
    int bad;         /* too large, too many fields, a NUL, or not a form */
    int urlencoded;  /* the body is name=value&...: scanned for %00 */
    unsigned nul;    /* httpd_form_nul()'s state */
    report_job *job; /* a report running for this request, or done */
};

static const char csp[] =
    "default-src 'none'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'";

/* ---- Forms -------------------------------------------------------------- */

static enum MHD_Result on_field(void *cls, enum MHD_ValueKind kind,
                                const char *key, const char *filename,
                                const char *content_type,
                                const char *transfer_encoding, const char *data,
                                uint64_t off, size_t size)
{
    (void)kind;
    (void)content_type;
    (void)transfer_encoding;
    struct conn_state *cs = cls;
    /* A NUL in a text field would cut it short where it is used as a C
     * string (files, such as a key or a CSV, keep every byte). */
    if (cs->bytes + size > MAX_FORM || (!filename && memchr(data, 0, size))) {
        cs->bad = 1;
        return MHD_NO;
    }
    cs->bytes += size;
    form_field *f = cs->nfields ? &cs->fields[cs->nfields - 1] : NULL;
    /* A long value arrives in pieces with growing offsets. */
    if (!(off > 0 && f && !strcmp(f->name, key))) {
        if (cs->nfields == MAX_FIELDS) {
            cs->bad = 1;
            return MHD_NO;
        }
        f = &cs->fields[cs->nfields];
        f->name = strdup(key);
        f->value = calloc(1, 1);
        f->len = 0;
        if (!f->name || !f->value) {
            free(f->name);
            free(f->value);
            cs->bad = 1;
            return MHD_NO;
        }
        cs->nfields++;
    }
    char *p = realloc(f->value, f->len + size + 1);
    if (!p) {
        cs->bad = 1;
        return MHD_NO;
    }
    memcpy(p + f->len, data, size);
    f->len += size;
    p[f->len] = '\0';
    f->value = p;
    return MHD_YES;
}

/* A text field in NFC (labels_text_nfc), in place, as every name is
 * stored and compared; files (with NULs), long texts and the rare text
 * NFC would lengthen stay as sent. */
static void field_nfc(form_field *f)
{
    char nfc[4096];
    size_t n;
    if (strlen(f->value) != f->len ||
        labels_text_nfc(f->value, nfc, sizeof nfc) != LABELS_OK ||
        (n = strlen(nfc)) > f->len)
        return;
    memcpy(f->value, nfc, n + 1);
    f->len = n;
}

const char *form_get(const creq *r, const char *name, size_t *len)
{
    for (size_t i = 0; i < r->nfields; i++)
        if (!strcmp(r->fields[i].name, name)) {
            field_nfc(&r->fields[i]);
            if (len)
                *len = r->fields[i].len;
            return r->fields[i].value;
        }
    return NULL;
}

static const char *get_arg(const creq *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

/* ---- Replies ------------------------------------------------------------ */

void reply_redirect(creply *rep, const char *path)
{
    rep->status = MHD_HTTP_SEE_OTHER;
    snprintf(rep->location, sizeof rep->location, "%s", path);
}

void console_who(const creq *r, char *out, size_t outsz)
{
    snprintf(out, outsz, "console:%s",
             r->session ? r->session->user.name : "?");
}

static enum MHD_Result send_reply(struct console *c,
                                  struct MHD_Connection *conn, creply *rep)
{
    if (rep->body.oom) {
        free(rep->body.p);
        memset(&rep->body, 0, sizeof rep->body);
        rep->status = MHD_HTTP_INTERNAL_SERVER_ERROR;
        rep->content_type = "text/plain; charset=utf-8";
    }
    struct MHD_Response *resp = MHD_create_response_from_buffer(
        rep->body.len, rep->body.p ? rep->body.p : (char *)"",
        rep->body.p ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
    if (!resp) {
        free(rep->body.p);
        return MHD_NO;
    }
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                            rep->content_type ? rep->content_type
                                              : "text/html; charset=utf-8");
    MHD_add_response_header(resp, "Content-Security-Policy", csp);
    httpd_common_headers(resp);
    MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
                            rep->content_type &&
                                    !strncmp(rep->content_type, "text/css", 8)
                                ? "max-age=3600"
                                : "no-store");
    if (c->tls)
        MHD_add_response_header(resp, "Strict-Transport-Security",
                                "max-age=31536000");
    if (rep->location[0])
        MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, rep->location);
    if (rep->disposition[0])
        MHD_add_response_header(resp, "Content-Disposition", rep->disposition);
    if (rep->set_cookie[0])
        MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE,
                                rep->set_cookie);
    if (rep->set_cookie2[0])
        MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE,
                                rep->set_cookie2);
    if (rep->retry_after) {
        char v[16];
        snprintf(v, sizeof v, "%u", rep->retry_after);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, v);
    }
    enum MHD_Result ret = MHD_queue_response(conn, rep->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

/* ---- Login and logout ---------------------------------------------------- */

static void login_form(creply *rep, const creq *r, int msg)
{
    html *h = &rep->body;
    page_begin(h, r, tr(r->lang, T_LOGIN));
    if (msg >= 0) {
        html_raw(h, "<p class=\"error\">");
        html_text(h, tr(r->lang, msg));
        html_raw(h, "</p>");
    }
    html_raw(h, "<form method=\"post\" action=\"/console/login\" "
                "class=\"login\"><label>");
    html_text(h, tr(r->lang, T_USER));
    html_raw(h, "<input name=\"user\" autocomplete=\"username\" required>"
                "</label><label>");
    html_text(h, tr(r->lang, T_PASSWORD));
    html_raw(h, "<input name=\"password\" type=\"password\" "
                "autocomplete=\"current-password\" required></label><button>");
    html_text(h, tr(r->lang, T_LOGIN));
    html_raw(h, "</button></form>");
    page_end(h);
}

static void do_login(struct console *c, const creq *r, creply *rep)
{
    size_t pwlen = 0;
    const char *user = form_get(r, "user", NULL);
    const char *pw = form_get(r, "password", &pwlen);
    console_session s;
    unsigned retry = 0;
    char err[CONSOLE_ERR_MAX];
    console_login_result res = console_login(
        c->ctx.db, &c->lock, &c->ctx.lim, user ? user : "", pw ? pw : "",
        pw ? pwlen : 0, r->addr, time(NULL), &s, &retry, err, sizeof err);
    /* The password's copy in the form goes as soon as it is checked. */
    for (size_t i = 0; i < r->nfields; i++)
        if (!strcmp(r->fields[i].name, "password"))
            sodium_memzero(r->fields[i].value, r->fields[i].len);
    if (res == CONSOLE_LOGIN_OK) {
        snprintf(rep->set_cookie, sizeof rep->set_cookie,
                 COOKIE "=%s; HttpOnly; SameSite=Strict; Path=/console%s",
                 s.token, c->tls ? "; Secure" : "");
        sodium_memzero(&s, sizeof s);
        reply_redirect(rep, "/console/products");
        return;
    }
    if (res == CONSOLE_LOGIN_THROTTLED) {
        rep->status = MHD_HTTP_TOO_MANY_REQUESTS;
        rep->retry_after = retry ? retry : 1;
        login_form(rep, r, T_THROTTLED);
        return;
    }
    if (res == CONSOLE_LOGIN_ERROR) {
        page_error(rep, r, MHD_HTTP_INTERNAL_SERVER_ERROR, T_ERROR, err);
        return;
    }
    rep->status = MHD_HTTP_UNAUTHORIZED;
    login_form(rep, r, T_LOGIN_FAILED);
}

static void do_logout(struct console *c, struct MHD_Connection *conn,
                      creply *rep)
{
    char err[CONSOLE_ERR_MAX];
    const char *tok =
        MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, COOKIE);
    if (tok)
        console_logout(c->ctx.db, tok, err, sizeof err);
    snprintf(rep->set_cookie, sizeof rep->set_cookie,
             COOKIE "=; HttpOnly; SameSite=Strict; Path=/console; "
                    "Max-Age=0%s",
             c->tls ? "; Secure" : "");
    reply_redirect(rep, "/console/login");
}

/* ---- Routing --------------------------------------------------------------
 */

static int csrf_ok(const creq *r)
{
    size_t n = 0;
    const char *t = form_get(r, "csrf_token", &n);
    return r->session && t && n == CONSOLE_TOKEN_HEX &&
           strlen(r->session->csrf) == CONSOLE_TOKEN_HEX &&
           sodium_memcmp(t, r->session->csrf, CONSOLE_TOKEN_HEX) == 0;
}

int route_index(const creq *r, creply *rep, const char *rest)
{
    if (rest[0] && strcmp(rest, "/"))
        return 0;
    if (strcmp(r->method, "POST"))
        return 1;
    page_error(rep, r, MHD_HTTP_METHOD_NOT_ALLOWED, T_BAD_REQUEST, NULL);
    return -1;
}

/* Under the lock: everything but the login. */
static void dispatch(struct console *c, struct MHD_Connection *conn, creq *r,
                     creply *rep)
{
    const char *p = r->path;
    int post = !strcmp(r->method, "POST");
    if (!post && strcmp(r->method, "GET") && strcmp(r->method, "HEAD")) {
        page_error(rep, r, MHD_HTTP_METHOD_NOT_ALLOWED, T_BAD_REQUEST, NULL);
        return;
    }
    if (!strcmp(p, "/login") && !post) {
        if (r->session)
            reply_redirect(rep, "/console/products");
        else
            login_form(rep, r, -1);
        return;
    }
    if (!r->session) {
        if (post)
            page_error(rep, r, MHD_HTTP_FORBIDDEN, T_FORBIDDEN, NULL);
        else
            reply_redirect(rep, "/console/login");
        return;
    }
    /* Every change needs the session's own CSRF token: a form on another
     * site cannot know it. */
    if (post && !csrf_ok(r)) {
        page_error(rep, r, MHD_HTTP_FORBIDDEN, T_FORBIDDEN, NULL);
        return;
    }
    if (!strcmp(p, "/logout") && post) {
        do_logout(c, conn, rep);
        return;
    }
    if ((!strcmp(p, "") || !strcmp(p, "/")) && !post) {
        route_dashboard(&c->ctx, r, rep);
        return;
    }
    if (!strcmp(p, "/publish") && post) {
        route_publish(&c->ctx, r, rep);
        return;
    }
    if (!strcmp(p, "/products") && !post) {
        route_products(&c->ctx, r, rep);
        return;
    }
    /* Codes may hold '/', never lower case: the action is a suffix. */
    if (!strncmp(p, "/product/", 9) || !strncmp(p, "/producer/", 10)) {
        int product = p[8] == '/';
        const char *s = p + (product ? 9 : 10);
        char code[64];
        const char *rest = "";
        size_t n = strlen(s);
        static const char *const actions[] = {"/edit", "/status", "/move"};
        for (size_t i = 0; i < 3; i++) {
            size_t an = strlen(actions[i]);
            if (n > an && !strcmp(s + n - an, actions[i])) {
                rest = actions[i];
                n -= an;
                break;
            }
        }
        if (!n || n >= sizeof code) {
            page_error(rep, r, MHD_HTTP_NOT_FOUND, T_NOT_FOUND, NULL);
            return;
        }
        memcpy(code, s, n);
        code[n] = '\0';
        if (product)
            route_product(&c->ctx, r, rep, code, rest);
        else
            route_producer(&c->ctx, r, rep, code, rest);
        return;
    }
    if (!strncmp(p, "/account", 8) && (!p[8] || p[8] == '/')) {
        route_account(&c->ctx, r, rep, p + 8);
        return;
    }
    if (!strcmp(p, "/producers") && !post) {
        route_producers(&c->ctx, r, rep);
        return;
    }
    if (!strncmp(p, "/keys", 5) && (!p[5] || p[5] == '/')) {
        route_keys(&c->ctx, r, rep, p + 5);
        return;
    }
    if (!strncmp(p, "/users", 6) && (!p[6] || p[6] == '/')) {
        route_users(&c->ctx, r, rep, p + 6);
        return;
    }
    if (!strcmp(p, "/audit") && !post) {
        route_audit(&c->ctx, r, rep);
        return;
    }
    if (!strncmp(p, "/queue", 6) && (!p[6] || p[6] == '/')) {
        route_queue(&c->ctx, r, rep, p + 6);
        return;
    }
    if (!strcmp(p, "/reinspect") && !post) {
        route_reinspect(&c->ctx, r, rep);
        return;
    }
    if (!strncmp(p, "/mine", 5) && (!p[5] || p[5] == '/')) {
        route_mine(&c->ctx, r, rep, p + 5);
        return;
    }
    if (!strncmp(p, "/import", 7) && (!p[7] || p[7] == '/')) {
        route_import(&c->ctx, r, rep, p + 7);
        return;
    }
    if (!strncmp(p, "/kiosks", 7) && (!p[7] || p[7] == '/')) {
        route_kiosks(&c->ctx, r, rep, p + 7);
        return;
    }
    if (!strncmp(p, "/reports", 8) && (!p[8] || p[8] == '/')) {
        route_reports(&c->ctx, r, rep, p + 8);
        return;
    }
    if (!strncmp(p, "/badges", 7) && (!p[7] || p[7] == '/')) {
        route_badges(&c->ctx, r, rep, p + 7);
        return;
    }
    page_error(rep, r, MHD_HTTP_NOT_FOUND, T_NOT_FOUND, NULL);
}

/* No Origin header (not a browser, or an old one), or one whose host
 * and port are the Host the request was sent to. "null" (a sandboxed or
 * opaque origin) is refused; the pages' Referrer-Policy same-origin keeps
 * the browser naming the console's own origin. */
static int same_origin(struct MHD_Connection *conn)
{
    const char *origin =
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Origin");
    const char *host = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                   MHD_HTTP_HEADER_HOST);
    if (!origin)
        return 1;
    const char *sep = strstr(origin, "://");
    return host && sep && !strcmp(sep + 3, host);
}

static void free_state(struct conn_state *cs)
{
    if (!cs)
        return;
    if (cs->pp)
        MHD_destroy_post_processor(cs->pp);
    report_job_free(cs->job);
    for (size_t i = 0; i < cs->nfields; i++) {
        sodium_memzero(cs->fields[i].value, cs->fields[i].len);
        free(cs->fields[i].name);
        free(cs->fields[i].value);
    }
    free(cs);
}

/* A report route's job (console_reports.c): on a thread of its own with
 * conn suspended (1), or a 503 in rep when the reports are busy (0). */
static int report_start(struct console *c, struct MHD_Connection *conn,
                        struct conn_state *cs, const creq *r, creply *rep)
{
    cs->job = rep->job;
    rep->job = NULL;
    if (report_job_start(&c->reports, cs->job, conn) == 0)
        return 1;
    report_job_free(cs->job);
    cs->job = NULL;
    rep->retry_after = 5;
    page_error(rep, r, MHD_HTTP_SERVICE_UNAVAILABLE, T_BUSY, NULL);
    return 0;
}

/* The finished report's answer. */
static enum MHD_Result report_answer(struct console *c,
                                     struct MHD_Connection *conn,
                                     struct conn_state *cs)
{
    if (!report_job_done(cs->job))
        return MHD_YES;
    creply rep;
    report_job_take(cs->job, &rep);
    report_job_free(cs->job);
    cs->job = NULL;
    return send_reply(c, conn, &rep);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
                                  const char *url, const char *method,
                                  const char *version, const char *data,
                                  size_t *data_size, void **con_cls)
{
    (void)version;
    struct console *c = cls;
    struct conn_state *cs = *con_cls;
    if (!cs) {
        cs = calloc(1, sizeof *cs);
        if (!cs)
            return MHD_NO;
        *con_cls = cs;
        enum MHD_Result refused;
        if (httpd_screen(conn, &refused))
            return refused;
        if (!strcmp(method, "POST")) {
            /* Refuse an announced oversize form before reading it. */
            if (httpd_too_large(conn, MAX_FORM)) {
                creply rep = {.status = MHD_HTTP_CONTENT_TOO_LARGE,
                              .content_type = "text/plain; charset=utf-8"};
                html_raw(&rep.body, "form too large\n");
                return send_reply(c, conn, &rep);
            }
            const char *ct = MHD_lookup_connection_value(
                conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
            cs->urlencoded =
                ct &&
                !strncasecmp(ct, MHD_HTTP_POST_ENCODING_FORM_URLENCODED,
                             strlen(MHD_HTTP_POST_ENCODING_FORM_URLENCODED));
            cs->pp = MHD_create_post_processor(conn, 16384, on_field, cs);
            if (!cs->pp)
                cs->bad = 1; /* not a form encoding */
        }
        return MHD_YES;
    }
    if (*data_size) {
        if (cs->urlencoded && httpd_form_nul(&cs->nul, data, *data_size))
            cs->bad = 1;
        if (cs->pp && !cs->bad &&
            MHD_post_process(cs->pp, data, *data_size) != MHD_YES)
            cs->bad = 1;
        *data_size = 0;
        return MHD_YES;
    }

    if (cs->job) /* called again once the report's thread resumed conn */
        return report_answer(c, conn, cs);
    char addr[64];
    httpd_peer_name(conn, addr, sizeof addr);
    creq r = {.method = method,
              .arg = get_arg,
              .conn = conn,
              .fields = cs->fields,
              .nfields = cs->nfields,
              .addr = addr};
    creply rep = {.status = MHD_HTTP_OK};
    const char *lang = get_arg(&r, "lang");
    const char *lc =
        MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, LANG_COOKIE);
    r.lang = (lang ? !strcmp(lang, "en") : lc && !strcmp(lc, "en")) ? LANG_EN
                                                                    : LANG_VI;
    if (lang && (!strcmp(lang, "en") || !strcmp(lang, "vi")))
        snprintf(rep.set_cookie2, sizeof rep.set_cookie2,
                 LANG_COOKIE "=%s; Path=/console; SameSite=Strict; "
                             "Max-Age=31536000%s",
                 lang, c->tls ? "; Secure" : "");

    if (strncmp(url, "/console", 8) || (url[8] && url[8] != '/')) {
        page_error(&rep, &r, MHD_HTTP_NOT_FOUND, T_NOT_FOUND, NULL);
        return send_reply(c, conn, &rep);
    }
    r.path = url + 8;
    if (!strcmp(r.path, "/static/console.css")) {
        rep.content_type = "text/css; charset=utf-8";
        html_raw(&rep.body, console_css);
        return send_reply(c, conn, &rep);
    }
    if (cs->bad) {
        page_error(&rep, &r, MHD_HTTP_BAD_REQUEST, T_BAD_REQUEST, NULL);
        return send_reply(c, conn, &rep);
    }
    /* A form posted from another site (the login form has no session to
     * carry a CSRF token yet): browsers name its origin. */
    if (!strcmp(method, "POST") && !same_origin(conn)) {
        page_error(&rep, &r, MHD_HTTP_FORBIDDEN, T_FORBIDDEN, NULL);
        return send_reply(c, conn, &rep);
    }
    if (!strcmp(r.path, "/login") && !strcmp(method, "POST")) {
        do_login(c, &r, &rep);
        return send_reply(c, conn, &rep);
    }

    console_session s;
    char err[CONSOLE_ERR_MAX];
    const char *tok =
        MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, COOKIE);
    pthread_mutex_lock(&c->lock);
    int have = tok ? console_session_get(c->ctx.db, &c->ctx.lim, tok,
                                         time(NULL), &s, err, sizeof err)
                   : 0;
    if (have < 0) {
        page_error(&rep, &r, MHD_HTTP_INTERNAL_SERVER_ERROR, T_ERROR, err);
    } else {
        r.session = have ? &s : NULL;
        dispatch(c, conn, &r, &rep);
    }
    pthread_mutex_unlock(&c->lock);
    int started = rep.job && report_start(c, conn, cs, &r, &rep);
    sodium_memzero(&s, sizeof s);
    if (started)
        return MHD_YES;
    return send_reply(c, conn, &rep);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)conn;
    (void)toe;
    free_state(*con_cls);
    *con_cls = NULL;
}

/* ---- Start and stop -------------------------------------------------------
 */

static char *read_pem(const char *path, char *err, size_t errsz)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errsz, "cannot read %s: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 65536, n;
    char *p = malloc(cap + 1);
    if (!p) {
        fclose(f);
        snprintf(err, errsz, "out of memory");
        return NULL;
    }
    n = fread(p, 1, cap, f);
    int bad = ferror(f) || !feof(f) || n == 0;
    fclose(f);
    if (bad) {
        free(p);
        snprintf(err, errsz, "cannot read %s (empty, or over 64 KiB)", path);
        return NULL;
    }
    p[n] = '\0';
    return p;
}

static void console_free(struct console *c)
{
    if (c->ctx.db)
        registry_close(c->ctx.db);
    if (c->key_pem) {
        sodium_memzero(c->key_pem, strlen(c->key_pem));
        free(c->key_pem);
    }
    free(c->cert_pem);
    for (size_t i = 0; i < 5; i++)
        free(c->paths[i]);
    pthread_mutex_destroy(&c->lock);
    report_pool_destroy(&c->reports);
    free(c);
}

int console_start(const console_config *cfg, console **out, unsigned *port,
                  char *err, size_t errsz)
{
    *out = NULL;
    struct sockaddr_storage ss;
    int v6, loopback;
    if (httpd_parse_listen(cfg->listen, &ss, &v6, &loopback)) {
        snprintf(err, errsz, "bad console address '%s' (want IP:PORT)",
                 cfg->listen ? cfg->listen : "");
        return -1;
    }
    if (!cfg->tls_cert != !cfg->tls_key) {
        snprintf(err, errsz, "TLS needs both a certificate and a key");
        return -1;
    }
    int tls = cfg->tls_cert != NULL;
    /* Passwords and session cookies never cross a network in clear. */
    if (!tls && !loopback) {
        snprintf(err, errsz,
                 "the console without TLS listens on loopback only (127.x "
                 "or [::1]); give a certificate and key for %s",
                 cfg->listen);
        return -1;
    }
    if (tls && MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
        snprintf(err, errsz, "this libmicrohttpd has no TLS support");
        return -1;
    }
    if (sodium_init() < 0) {
        snprintf(err, errsz, "libsodium cannot start");
        return -1;
    }
    struct console *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, errsz, "out of memory");
        return -1;
    }
    pthread_mutex_init(&c->lock, NULL);
    report_pool_init(&c->reports);
    c->cfg = *cfg;
    const char **own[] = {&c->cfg.db_path, &c->cfg.feed_dir,
                          &c->cfg.publish_status, &c->cfg.publish_mirror,
                          &c->cfg.feed_key};
    for (size_t i = 0; i < 5; i++)
        if (*own[i] && !(*own[i] = c->paths[i] = strdup(*own[i]))) {
            snprintf(err, errsz, "out of memory");
            console_free(c);
            return -1;
        }
    c->tls = tls;
    c->ctx.lim = console_limits_fill(&cfg->limits);
    c->ctx.cfg = &c->cfg;
    if (tls && (!(c->cert_pem = read_pem(cfg->tls_cert, err, errsz)) ||
                !(c->key_pem = read_pem(cfg->tls_key, err, errsz)))) {
        console_free(c);
        return -1;
    }
    if (registry_open(cfg->db_path, 0, &c->ctx.db, err, errsz) ||
        console_schema(c->ctx.db, err, errsz)) {
        console_free(c);
        return -1;
    }
    if (console_fold_register(c->ctx.db)) {
        snprintf(err, errsz, "cannot register the search function");
        console_free(c);
        return -1;
    }
    if (console_search_open(c->ctx.db, err, errsz) ||
        registry_dashboard_prepare(c->ctx.db, err, errsz)) {
        console_free(c);
        return -1;
    }
    httpd_config hc = {.addr = &ss,
                       .v6 = v6,
                       .threads = cfg->threads ? cfg->threads : 4,
                       .idle_timeout_s = 30,
                       .max_connections = 200,
                       .max_per_ip = 32,
                       .tls_cert_pem = c->cert_pem,
                       .tls_key_pem = c->key_pem,
                       .handler = on_request,
                       .handler_cls = c,
                       .completed = on_completed,
                       .completed_cls = c,
                       .suspend = 1};
    c->mhd = httpd_start(&hc, port);
    if (!c->mhd) {
        snprintf(err, errsz,
                 "cannot start the console on %s (address in use, not a "
                 "local address, or a bad certificate or key?)",
                 cfg->listen);
        console_free(c);
        return -1;
    }
    *out = c;
    return 0;
}

void console_stop(console *c)
{
    if (!c)
        return;
    report_pool_drain(&c->reports);
    MHD_stop_daemon(c->mhd);
    console_free(c);
}
